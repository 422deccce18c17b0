//! Near misses: what is close to a question that did not resolve (a Service of that name in
//! another namespace, a similar name, an Endpoints object that names no Service, a port name
//! the Service does not have, a name written for another zone), each with the change that
//! makes the name resolve.

use hickory_proto::rr::Name;

use super::ObjectAt;
use super::reader::{
    Reader, ports_text, service_at, similar, slice_ref, view_at, zone_label_count,
};
use crate::answer::names::{EndpointName, name_in_namespace};
use crate::cluster::{ServiceView, SliceOrigin, key};
use crate::diagnostic::DiagnosticKind;
use crate::model::{Kind, ObjectRef};
use crate::qname::{Labels, ServicePart};

impl Reader<'_, '_> {
    pub(super) fn no_endpoint_near_misses(
        &mut self,
        view: ServiceView<'_>,
        part: ServicePart<'_>,
        namespace: &str,
        name: &str,
        zone: &Name,
    ) {
        let cluster = self.asked.cluster;
        // Hand-made Endpoints that name no Service, which this selectorless Service may be
        // meant for.
        let mut unlinked = Vec::new();
        let mut not_mirrored = Vec::new();
        for diagnostic in cluster.diagnostics() {
            if diagnostic.object.namespace.as_deref() != Some(namespace) {
                continue;
            }
            match &diagnostic.kind {
                DiagnosticKind::EndpointsWithoutService { suggestion, .. }
                    if suggestion.as_deref() == Some(name) =>
                {
                    unlinked.push(ObjectAt::new(
                        diagnostic.object.clone(),
                        diagnostic.location.clone(),
                    ));
                }
                DiagnosticKind::EndpointsBesideSelector { service } if service == name => {
                    not_mirrored.push((diagnostic, "the Service has a selector, so its endpoints come from Pods and a hand-made Endpoints object is not mirrored", format!("remove the selector of Service {namespace}/{name} to publish the Endpoints' addresses")));
                }
                DiagnosticKind::EndpointsSkipMirror if diagnostic.object.name == name => {
                    not_mirrored.push((diagnostic, "it is labelled endpointslice.kubernetes.io/skip-mirror=true, so it is not mirrored", "remove the skip-mirror label".to_owned()));
                }
                DiagnosticKind::SliceWithoutService { service } if similar(service, name) => {
                    let object = diagnostic.object.clone();
                    self.near(
                        format!("{object} is labelled kubernetes.io/service-name={service:?}, which names no Service"),
                        vec![ObjectAt::new(object, diagnostic.location.clone())],
                        format!("label it kubernetes.io/service-name={name:?}"),
                    );
                }
                DiagnosticKind::SliceWithoutServiceLabel => {
                    let object = diagnostic.object.clone();
                    self.near(
                        format!("{object} has no kubernetes.io/service-name label, so it belongs to no Service"),
                        vec![ObjectAt::new(object, diagnostic.location.clone())],
                        format!("label it kubernetes.io/service-name={name:?} if it holds this Service's endpoints"),
                    );
                }
                _ => {}
            }
        }
        for endpoints in unlinked {
            let object = endpoints.object.clone();
            self.near(
                format!("{object} holds addresses but is linked to no Service: an Endpoints object belongs to the Service with exactly its name, and there is no Service {:?}", object.name),
                vec![endpoints],
                format!("rename {object} to {name}"),
            );
        }
        for (diagnostic, why, fix) in not_mirrored {
            let object = diagnostic.object.clone();
            self.near(
                format!("{object} is not mirrored into an EndpointSlice: {why}"),
                vec![ObjectAt::new(object, diagnostic.location.clone())],
                fix,
            );
        }
        // Ready endpoints whose slice names its ports otherwise than the question: the SRV
        // (or port) name to ask instead, or the port to rename.
        let port_mismatch = part.port().is_some()
            && view.linked().slices.iter().any(|slice| {
                slice
                    .slice()
                    .endpoints
                    .iter()
                    .any(|endpoint| endpoint.is_ready())
            });
        if port_mismatch && let Some(base) = name_in_namespace(name, namespace, zone) {
            let names: Vec<String> = view
                .linked()
                .slices
                .iter()
                .flat_map(|slice| slice.slice().ports.iter())
                .filter_map(|port| {
                    let port_name = port.name.as_deref().filter(|n| !n.is_empty())?;
                    Some(format!(
                        "_{port_name}._{}.{base}",
                        port.protocol.as_str().to_ascii_lowercase()
                    ))
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let fix = if names.is_empty() {
                "name the endpoints' ports as the question does (the SRV name comes from the endpoints' port names, not the Service's)".to_owned()
            } else {
                format!(
                    "ask {}, or rename the endpoints' ports to the Service's (the SRV name comes from the endpoints' port names)",
                    names.join(" or ")
                )
            };
            self.near(
                "the Service has ready endpoints, but their slices name their ports otherwise"
                    .to_owned(),
                vec![view_at(view)],
                fix,
            );
        }
        // Endpoints that exist but are not ready: the fix depends on where they come from.
        if part.endpoint().is_none() {
            for slice in view.linked().slices.iter() {
                if !slice
                    .slice()
                    .endpoints
                    .iter()
                    .any(|endpoint| !endpoint.is_ready())
                {
                    continue;
                }
                let meta = &slice.slice().meta;
                let fix = match slice.origin() {
                    SliceOrigin::MirroredFrom(endpoints) => format!(
                        "move the addresses of Endpoints {namespace}/{endpoints} from notReadyAddresses to addresses"
                    ),
                    SliceOrigin::FromPods => match view.service() {
                        Some(service) if !service.publish_not_ready_addresses => format!(
                            "make the Pods ready (their readiness probes), or set spec.publishNotReadyAddresses: true on Service {namespace}/{name} to publish them anyway"
                        ),
                        _ => "make the Pods ready".to_owned(),
                    },
                    SliceOrigin::Loaded => format!(
                        "set conditions.ready: true (or leave it out) on the endpoints of EndpointSlice {}/{}",
                        meta.namespace, meta.name
                    ),
                };
                self.near(
                    format!(
                        "EndpointSlice {}/{} has endpoints, but not ready ones",
                        meta.namespace, meta.name
                    ),
                    vec![ObjectAt::new(slice_ref(slice), slice.location().clone())],
                    fix,
                );
            }
        }
        if let ServicePart::Endpoint { label, .. } = part {
            // The asked label is an endpoint's address written with dashes: that endpoint
            // answers to another name, or is not ready.
            let pod_names = self.asked.config.endpoint_pod_names;
            let mut specific = false;
            for slice in view.linked().slices.iter() {
                for endpoint in &slice.slice().endpoints {
                    for &address in &endpoint.addresses {
                        if !EndpointName::Dashed(address).matches(label) {
                            continue;
                        }
                        specific = true;
                        let own = EndpointName::of(endpoint, address, pod_names);
                        let mut buffer = [0u8; 48];
                        let own_label = own.label(&mut buffer).to_owned();
                        if !endpoint.is_ready() {
                            self.near(
                                format!("{address} is an endpoint of the Service, but not ready"),
                                vec![ObjectAt::new(slice_ref(slice), slice.location().clone())],
                                "make it ready (conditions.ready: true, or the Pod's readiness)"
                                    .to_owned(),
                            );
                        } else if !own.matches(label)
                            && let Some(fixed) =
                                name_in_namespace(name, namespace, zone).and_then(|base| {
                                    Name::from_ascii(&own_label).ok()?.append_domain(&base).ok()
                                })
                        {
                            self.near(
                                format!("{address} is an endpoint of the Service, and it answers to the name {own_label:?} (its hostname replaces the dashed address)"),
                                vec![ObjectAt::new(slice_ref(slice), slice.location().clone())],
                                format!("ask {fixed}"),
                            );
                        }
                    }
                }
            }
            if specific {
                return;
            }
            // A Pod with that hostname under another subdomain (a StatefulSet's serviceName
            // naming another Service): its name is under that one.
            for pod in cluster.pods() {
                if pod.meta.namespace != namespace
                    || !pod
                        .hostname
                        .as_deref()
                        .is_some_and(|h| h.eq_ignore_ascii_case(label))
                {
                    continue;
                }
                let subdomain = pod.subdomain.as_deref().unwrap_or_default();
                if subdomain.eq_ignore_ascii_case(name) {
                    continue;
                }
                let what = if subdomain.is_empty() {
                    format!(
                        "Pod {namespace}/{} has hostname {label:?} but no subdomain",
                        pod.meta.name
                    )
                } else {
                    format!(
                        "Pod {namespace}/{} has hostname {label:?} under subdomain {subdomain:?}, not {name:?}",
                        pod.meta.name
                    )
                };
                self.near(
                    what,
                    vec![super::reader::pod_at(cluster, namespace, &pod.meta.name)],
                    format!("set the Pod's spec.subdomain (a StatefulSet's spec.serviceName) to {name}, and let Service {namespace}/{name} select it"),
                );
            }
            let names: Vec<String> = view
                .linked()
                .slices
                .iter()
                .flat_map(|slice| slice.slice().endpoints.iter())
                .filter(|endpoint| endpoint.is_ready())
                .flat_map(|endpoint| {
                    endpoint.addresses.iter().map(|&address| {
                        let mut buffer = [0u8; 48];
                        EndpointName::of(endpoint, address, self.asked.config.endpoint_pod_names)
                            .label(&mut buffer)
                            .to_owned()
                    })
                })
                .collect();
            if let Some(close) = names.iter().find(|candidate| similar(candidate, label))
                && let Some(fixed) = name_in_namespace(name, namespace, zone)
                    .and_then(|base| Name::from_ascii(close).ok()?.append_domain(&base).ok())
            {
                self.near(
                    format!("an endpoint of the Service is named {close:?}"),
                    vec![view_at(view)],
                    format!("ask {fixed}"),
                );
            }
        }
    }

    pub(super) fn port_near_misses(
        &mut self,
        ports: &[(Option<&str>, &str)],
        namespace: &str,
        name: &str,
        zone: &Name,
    ) {
        let Some(base) = name_in_namespace(name, namespace, zone) else {
            return;
        };
        let names: Vec<String> = ports
            .iter()
            .filter_map(|(port, protocol)| {
                let port = port.filter(|port| !port.is_empty())?;
                Some(format!("_{port}._{}.{base}", protocol.to_ascii_lowercase()))
            })
            .collect();
        if names.is_empty() {
            self.near(
                format!("Service {namespace}/{name} has no named port, so no _port._protocol name exists"),
                Vec::new(),
                "name the Service's ports (spec.ports[].name), or ask SRV of the Service's own name".to_owned(),
            );
        } else {
            self.near(
                format!("Service {namespace}/{name} has ports {}", ports_text(ports)),
                Vec::new(),
                format!("ask {}", names.join(" or ")),
            );
        }
    }

    pub(super) fn missing_service_near_misses(
        &mut self,
        namespace: &str,
        name: &str,
        zone: &Name,
        multicluster: bool,
    ) {
        let cluster = self.asked.cluster;
        self.services_elsewhere(namespace, name, zone);
        for service in cluster.services() {
            let meta = &service.service().meta;
            if meta.namespace == namespace
                && meta.name != name
                && similar(&meta.name, name)
                && let Some(fixed) = name_in_namespace(&meta.name, namespace, zone)
            {
                self.near(
                    format!("Service {namespace}/{} has a similar name", meta.name),
                    vec![service_at(service.service(), service.location())],
                    format!("ask {fixed}"),
                );
            }
        }
        if !multicluster && let Some(import) = cluster.service_import(namespace, name) {
            self.near(
                    format!("a ServiceImport {namespace}/{name} exists; it answers only in a multicluster zone"),
                    vec![ObjectAt::new(ObjectRef::namespaced(Kind::ServiceImport, namespace, name), import.location().clone())],
                    "ask in the multicluster zone (the kubernetes plugin's `multicluster` option, e.g. clusterset.local)".to_owned(),
                );
        }
        let endpoints_key = key(namespace, name);
        if let Some(source) = cluster.objects.endpoints.get(&endpoints_key) {
            self.near(
                format!("an Endpoints object {namespace}/{name} exists, but no Service: DNS names come from Services"),
                vec![ObjectAt::new(ObjectRef::namespaced(Kind::Endpoints, namespace, name), source.location.clone())],
                format!("create a Service {name:?} without a selector in namespace {namespace:?} (headless for one record per address), with the Endpoints' ports"),
            );
        }
        let labelled: Vec<ObjectAt> = cluster
            .endpoint_slices()
            .into_iter()
            .filter(|slice| {
                slice.slice().meta.namespace == namespace
                    && slice.slice().service_name() == Some(name)
            })
            .map(|slice| ObjectAt::new(slice_ref(slice), slice.location().clone()))
            .collect();
        if !labelled.is_empty() {
            self.near(
                format!("EndpointSlices labelled kubernetes.io/service-name={name:?} exist, but no Service of that name"),
                labelled,
                format!("create a Service {name:?} in namespace {namespace:?} without a selector"),
            );
        }
    }

    /// Services of this name in other namespaces.
    pub(super) fn services_elsewhere(&mut self, namespace: &str, name: &str, zone: &Name) {
        for service in self.asked.cluster.services() {
            let meta = &service.service().meta;
            if meta.name.eq_ignore_ascii_case(name)
                && meta.namespace != namespace
                && let Some(fixed) = name_in_namespace(&meta.name, &meta.namespace, zone)
            {
                self.near(
                    format!(
                        "a Service {:?} exists in namespace {:?}",
                        meta.name, meta.namespace
                    ),
                    vec![service_at(service.service(), service.location())],
                    format!("ask {fixed}"),
                );
            }
        }
    }

    /// A name outside the plugin's zones that looks like a cluster name of another zone.
    pub(super) fn zone_near_miss(&mut self, labels: &Labels) {
        let texts: Vec<&str> = (0..labels.len()).map(|i| labels.text(i)).collect();
        let Some(svc) = texts
            .iter()
            .position(|label| *label == "svc" || *label == "pod")
        else {
            return;
        };
        let Some(zone) = self
            .asked
            .config
            .zones
            .iter()
            .find(|zone| !crate::answer::is_reverse_zone(zone))
        else {
            return;
        };
        let written = texts[svc + 1..].join(".");
        if written.is_empty() {
            return;
        }
        let fixed = format!("{}.{zone}", texts[..=svc].join("."));
        self.near(
            format!("the name is written for zone {written}., but this plugin serves {zone}"),
            Vec::new(),
            format!("ask {fixed}"),
        );
    }

    /// A name that is almost service-shaped.
    pub(super) fn shape_near_miss(&mut self, zone: &Name) {
        let labels = Labels::new(self.asked.name);
        let n = labels.len().saturating_sub(zone_label_count(zone));
        let texts: Vec<&str> = (0..n).map(|i| labels.text(i)).collect();
        if let [service, namespace] = texts.as_slice()
            && let Some(fixed) = name_in_namespace(service, namespace, zone)
        {
            self.near(
                format!("{service}.{namespace} lacks the svc label"),
                Vec::new(),
                format!("ask {fixed}"),
            );
        }
    }
}
