//! Every [`Diagnostic`] of the cluster as a [`Finding`]: the detection is the cluster's own
//! (`cluster/diagnose.rs`), the lint adds the severity, the effect in DNS and the fix.
//!
//! The `match` below names every [`DiagnosticKind`], so a new kind does not compile until it
//! has a finding.

use super::{Finding, Severity, Subject, finding, qualified};
use crate::cluster::{Cluster, ClusterService, SliceOrigin};
use crate::controller;
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::model::{Kind, ObjectRef};

/// The findings of every diagnostic of `cluster`.
pub(super) fn findings(cluster: &Cluster, zone: &str) -> Vec<Finding> {
    let diagnostics = cluster.diagnostics();
    diagnostics
        .iter()
        .map(|diagnostic| from_diagnostic(cluster, zone, diagnostic, diagnostics))
        .collect()
}

fn from_diagnostic(
    cluster: &Cluster,
    zone: &str,
    diagnostic: &Diagnostic,
    all: &[Diagnostic],
) -> Finding {
    use DiagnosticKind as D;
    use Severity::{Error, Info, Warning};

    let object = &diagnostic.object;
    let namespace = object.namespace.as_deref().unwrap_or_default();
    let name = object.name.as_str();
    let this = qualified(object);
    let fqdn = format!("{name}.{namespace}.svc.{zone}");
    let mut subjects = vec![Subject::object(object.clone(), &diagnostic.location)];
    let with_service = |subjects: &mut Vec<Subject>, service: &str| {
        if let Some(found) = cluster.service(namespace, service) {
            subjects.push(service_subject(found));
        }
    };

    let (code, severity, problem, effect, fix) = match &diagnostic.kind {
        D::EndpointsWithoutService { name, suggestion } => {
            let effect = match suggestion {
                Some(service) => {
                    with_service(&mut subjects, service);
                    format!(
                        "the EndpointSlice mirroring controller never copies it, so its addresses answer no name; Service {namespace}/{service} gets no endpoints from it"
                    )
                }
                None => "the EndpointSlice mirroring controller never copies it, so its addresses answer no name".to_owned(),
            };
            let fix = match suggestion {
                Some(service) => {
                    format!("rename Endpoints {this} to {service} (metadata.name: {service})")
                }
                None => format!(
                    "rename Endpoints {this} to the name of the Service it is meant for, or create a Service without a selector named {name} in namespace {namespace}"
                ),
            };
            (
                "endpoints-without-service",
                Error,
                format!(
                    "no Service named {name} in namespace {namespace}: an Endpoints object belongs only to the Service with exactly its name{}",
                    suggestion
                        .as_ref()
                        .map(|s| format!(" (did you mean Service {namespace}/{s}?)"))
                        .unwrap_or_default()
                ),
                effect,
                fix,
            )
        }
        D::EndpointsBesideSelector { service } => {
            with_service(&mut subjects, service);
            (
                "endpoints-beside-selector",
                Error,
                format!(
                    "Service {namespace}/{service} has a selector, and the Endpoints of a Service with a selector are not mirrored to EndpointSlices"
                ),
                format!(
                    "{service}.{namespace}.svc.{zone} answers from the Pods the selector matches; these hand-written addresses are never used"
                ),
                format!(
                    "remove spec.selector from Service {namespace}/{service} to publish these addresses, or delete Endpoints {this}"
                ),
            )
        }
        D::EndpointsSkipMirror => (
            "endpoints-skip-mirror",
            Warning,
            "labelled endpointslice.kubernetes.io/skip-mirror: \"true\"".to_owned(),
            format!(
                "the mirroring controller skips it, so its addresses answer no name ({fqdn} gets no endpoints from it)"
            ),
            format!("remove the label endpointslice.kubernetes.io/skip-mirror from Endpoints {this}"),
        ),
        D::EndpointsLeaderElection => (
            "endpoints-leader-election",
            Info,
            "annotated control-plane.alpha.kubernetes.io/leader: a leader-election lock".to_owned(),
            "it is not mirrored, so its addresses answer no name".to_owned(),
            format!(
                "nothing if it is a lock; otherwise remove the annotation from Endpoints {this}"
            ),
        ),
        D::EndpointsTruncated {
            subset,
            total,
            dropped,
        } => (
            "endpoints-over-1000-addresses",
            Warning,
            format!(
                "subsets[{subset}] has {total} addresses, more than the 1000 per subset the mirroring controller copies"
            ),
            format!(
                "only the first 1000 (ready ones first) reach DNS; {dropped} never answer"
            ),
            format!(
                "publish the addresses as EndpointSlices labelled kubernetes.io/service-name: {name} (up to 1000 endpoints each) instead of Endpoints {this}"
            ),
        ),
        D::SliceWithoutServiceLabel => {
            let suggestion = crate::cluster::suggest_service_for(cluster, namespace, None, false);
            let fix = match &suggestion {
                Some(service) => {
                    with_service(&mut subjects, service);
                    format!(
                        "add the label kubernetes.io/service-name: {service} to EndpointSlice {this}"
                    )
                }
                None => format!(
                    "add the label kubernetes.io/service-name: <service> to EndpointSlice {this}, naming the Service it belongs to"
                ),
            };
            (
                "endpointslice-without-service-label",
                Error,
                "no kubernetes.io/service-name label".to_owned(),
                "it belongs to no Service, so its endpoints answer no name".to_owned(),
                fix,
            )
        }
        D::SliceWithoutService { service } => {
            let suggestion =
                crate::cluster::suggest_service_for(cluster, namespace, Some(service), true);
            let fix = match &suggestion {
                Some(found) => {
                    with_service(&mut subjects, found);
                    format!(
                        "change the label kubernetes.io/service-name of EndpointSlice {this} to {found}"
                    )
                }
                None => format!(
                    "create Service {service} in namespace {namespace}, or change the label kubernetes.io/service-name to the Service the slice belongs to"
                ),
            };
            (
                "endpointslice-without-service",
                Error,
                format!(
                    "labelled kubernetes.io/service-name: {service}, but namespace {namespace} has no Service {service}{}",
                    suggestion
                        .as_ref()
                        .map(|s| format!(" (did you mean Service {namespace}/{s}?)"))
                        .unwrap_or_default()
                ),
                "its endpoints answer no name".to_owned(),
                fix,
            )
        }
        D::FqdnSliceNotServed => (
            "endpointslice-fqdn",
            Warning,
            "addressType: FQDN (deprecated)".to_owned(),
            "CoreDNS does not look at addressType and would serve an FQDN address as a CNAME target; the simulator serves none of these endpoints (a documented difference), and FQDN slices are deprecated: do not rely on either"
                .to_owned(),
            "for a name, use a Service of type ExternalName; for addresses, an IPv4 or IPv6 EndpointSlice".to_owned(),
        ),
        D::ClusterIpOutsideDefaultCidr { ip, cidr } => (
            "cluster-ip-outside-default-cidr",
            Warning,
            format!(
                "cluster IP {ip} is outside {cidr}, the default service CIDR, and the input does not say the cluster's range (no Service default/kubernetes)"
            ),
            format!(
                "a cluster with the default range refuses the Service; the simulator answers {ip}"
            ),
            format!(
                "state the cluster's service CIDRs (ClusterBuilder::service_cidrs), or choose a cluster IP inside {cidr}"
            ),
        ),
        D::DuplicateClusterIp { ip, other } => {
            if let Some(namespace) = &other.namespace
                && let Some(found) = cluster.service(namespace, &other.name)
            {
                subjects.push(service_subject(found));
            }
            (
                "duplicate-cluster-ip",
                Error,
                format!("cluster IP {ip} is also the cluster IP of {other}"),
                "a real API server refuses the second of the two, so one of the names does not exist in a cluster".to_owned(),
                format!(
                    "remove spec.clusterIP from Service {this} to have an address allocated, or give it another one"
                ),
            )
        }
        D::SlicesDisagreeWithPods { detail } => (
            "endpointslices-disagree-with-pods",
            Warning,
            format!(
                "its EndpointSlices in the input disagree with the Pods its selector matches: {detail}"
            ),
            "DNS answers from the slices, as the cluster did when it was dumped".to_owned(),
            "dump the EndpointSlices and the Pods at the same moment, or leave the slices out to have them derived from the Pods".to_owned(),
        ),
        D::HeadlessWithoutReadyEndpoints => {
            return headless_without_ready(cluster, zone, diagnostic, all, subjects);
        }
        D::MulticlusterSliceWithoutImport { import } => (
            "multicluster-slice-without-import",
            Error,
            format!(
                "labelled multicluster.kubernetes.io/service-name: {import}, but namespace {namespace} has no ServiceImport {import}"
            ),
            "its endpoints answer no name in the multicluster zones".to_owned(),
            format!(
                "create ServiceImport {import} in namespace {namespace}, or change the label to the ServiceImport the slice belongs to"
            ),
        ),
        D::MulticlusterSliceWithoutSourceCluster => (
            "multicluster-slice-without-source-cluster",
            Warning,
            "no multicluster.kubernetes.io/source-cluster label".to_owned(),
            "its endpoints have an empty cluster id: they answer as <endpoint>.<svc>.<ns>.svc.<zone>, never as <endpoint>.<cluster>.<svc>.<ns>.svc.<zone>, and SRV targets cannot name them".to_owned(),
            format!(
                "add the label multicluster.kubernetes.io/source-cluster: <cluster id> to EndpointSlice {this}"
            ),
        ),
        D::HeadlessImportWithoutReadyEndpoints => (
            "headless-import-without-ready-endpoints",
            Error,
            "headless ServiceImport with no ready endpoint in the slices labelled multicluster.kubernetes.io/service-name with its name".to_owned(),
            "its name answers NXDOMAIN in the multicluster zones until an endpoint is ready"
                .to_owned(),
            format!(
                "add an EndpointSlice labelled multicluster.kubernetes.io/service-name: {name} with a ready endpoint in namespace {namespace}"
            ),
        ),
        D::ClusterSetIpImportWithoutIps => (
            "clustersetip-import-without-ips",
            Error,
            "ClusterSetIP ServiceImport without spec.ips".to_owned(),
            "its name answers A and AAAA with no records (NODATA) in the multicluster zones"
                .to_owned(),
            format!("set spec.ips of ServiceImport {this} to its cluster-set IP"),
        ),
        D::ClusterSetIpImportWithoutPorts => (
            "clustersetip-import-without-ports",
            Error,
            "ClusterSetIP ServiceImport without spec.ports".to_owned(),
            "CoreDNS finds a ClusterSetIP import only through its ports, so its name answers NXDOMAIN in the multicluster zones".to_owned(),
            format!("list the exported ports in spec.ports of ServiceImport {this}"),
        ),
        D::PodOnMissingNode { node, nodes_loaded } => (
            "pod-on-missing-node",
            Warning,
            if *nodes_loaded {
                format!("spec.nodeName {node} names no Node of the input")
            } else {
                format!(
                    "spec.nodeName {node} names no node of the builder's pool (the input has no Node objects)"
                )
            },
            "no kubelet runs it, so it has no address and is no endpoint of any Service (unless the Service publishes not-ready addresses)".to_owned(),
            format!("set spec.nodeName of Pod {this} to an existing node, or add Node {node}"),
        ),
        D::HostNetworkPodWithoutNodeAddress { node } => (
            "host-network-pod-without-node-address",
            Warning,
            format!(
                "hostNetwork Pod on Node {node}, which has no InternalIP or ExternalIP in status.addresses"
            ),
            "the Pod gets no address, so it is no endpoint of any Service".to_owned(),
            format!("give Node {node} an InternalIP in status.addresses"),
        ),
        D::StatefulSetPodsRefused { label_value } => {
            // `<name>-<hash>` must fit in 63 characters.
            let hash = label_value.len().saturating_sub(name.len() + 1);
            let longest = 63usize.saturating_sub(hash + 1);
            (
                "statefulset-pods-refused",
                Error,
                format!(
                    "its Pods' label controller-revision-hash={label_value} is longer than the 63 characters a label value may have"
                ),
                format!(
                    "the API server refuses every Pod of it, so no Pod exists and none of their names ({name}-0.<service>.{namespace}.svc.{zone}, …) answers"
                ),
                format!(
                    "shorten the name of StatefulSet {this} to at most {longest} characters"
                ),
            )
        }
        D::ExternalNameIsIp { external_name } => (
            "external-name-is-ip",
            Error,
            format!("externalName {external_name} is an IP address"),
            format!("CoreDNS makes no CNAME for it: {fqdn} answers NXDOMAIN"),
            format!(
                "make Service {this} a Service without a selector (type ClusterIP, or headless with clusterIP: None) and add an Endpoints object named {name} with the address {external_name}"
            ),
        ),
    };
    finding(code, severity, subjects, problem, effect, fix)
}

/// A headless Service without a ready endpoint: either it has endpoints that are all not ready
/// (`headless-only-not-ready-endpoints`), or none at all (`headless-without-endpoints`), and the
/// fix depends on where its endpoints come from.
fn headless_without_ready(
    cluster: &Cluster,
    zone: &str,
    diagnostic: &Diagnostic,
    all: &[Diagnostic],
    mut subjects: Vec<Subject>,
) -> Finding {
    let object = &diagnostic.object;
    let namespace = object.namespace.as_deref().unwrap_or_default();
    let name = object.name.as_str();
    let this = qualified(object);
    let fqdn = format!("{name}.{namespace}.svc.{zone}");
    let effect = format!(
        "{fqdn} answers NXDOMAIN for every type until an endpoint is ready (CoreDNS serves only ready endpoints)"
    );
    let Some(service) = cluster.service(namespace, name) else {
        return finding(
            "headless-without-endpoints",
            Severity::Error,
            subjects,
            "headless Service without a ready endpoint".to_owned(),
            effect,
            format!("give Service {this} an endpoint"),
        );
    };
    let not_ready: usize = service
        .slices()
        .map(|slice| slice.slice().endpoints.len())
        .sum();
    if not_ready > 0 {
        let mut fixes: Vec<String> = Vec::new();
        for slice in service
            .slices()
            .filter(|slice| !slice.slice().endpoints.is_empty())
        {
            let fix = match slice.origin() {
                SliceOrigin::MirroredFrom(endpoints) => format!(
                    "move the addresses of Endpoints {namespace}/{endpoints} from notReadyAddresses to addresses"
                ),
                SliceOrigin::Loaded if !controller::is_controller_slice(slice.slice()) => format!(
                    "set conditions.ready: true (or leave it out) on the endpoints of EndpointSlice {namespace}/{}",
                    slice.slice().meta.name
                ),
                _ => format!(
                    "set spec.publishNotReadyAddresses: true on Service {this} if clients may reach Pods before they are ready, or make the Pods ready"
                ),
            };
            if !fixes.contains(&fix) {
                fixes.push(fix);
            }
        }
        return finding(
            "headless-only-not-ready-endpoints",
            Severity::Error,
            subjects,
            if not_ready == 1 {
                "headless Service whose only endpoint is not ready".to_owned()
            } else {
                format!("headless Service whose {not_ready} endpoints are all not ready")
            },
            effect,
            fixes.join("; "),
        );
    }
    // No endpoint at all. An unlinked Endpoints object or slice meant for it is the fix.
    let meant: Vec<&Diagnostic> = all
        .iter()
        .filter(|other| other.object.namespace.as_deref() == Some(namespace))
        .filter(|other| match &other.kind {
            DiagnosticKind::EndpointsWithoutService {
                suggestion: Some(suggestion),
                ..
            } => suggestion == name,
            _ => false,
        })
        .collect();
    // Slices that name no Service (or another) and whose likeliest Service is this one.
    let slices_meant: Vec<&Diagnostic> = all
        .iter()
        .filter(|other| other.object.namespace.as_deref() == Some(namespace))
        .filter(|other| {
            let likeliest = match &other.kind {
                DiagnosticKind::SliceWithoutService { service } => {
                    crate::cluster::suggest_service_for(cluster, namespace, Some(service), true)
                }
                DiagnosticKind::SliceWithoutServiceLabel => {
                    crate::cluster::suggest_service_for(cluster, namespace, None, false)
                }
                _ => return false,
            };
            likeliest.as_deref() == Some(name)
        })
        .collect();
    // Its own Endpoints object, refused by the mirroring controller: that is the cause.
    let refused = all.iter().find(|other| {
        other.object.kind == Kind::Endpoints
            && other.object.namespace.as_deref() == Some(namespace)
            && other.object.name == name
            && matches!(
                other.kind,
                DiagnosticKind::EndpointsSkipMirror | DiagnosticKind::EndpointsLeaderElection
            )
    });
    // Its own slices of addressType FQDN, which the simulator does not serve.
    let fqdn_slices: Vec<&Diagnostic> = all
        .iter()
        .filter(|other| matches!(other.kind, DiagnosticKind::FqdnSliceNotServed))
        .filter(|other| other.object.namespace.as_deref() == Some(namespace))
        .filter(|other| {
            cluster.linked.loaded_slices().any(|(_, loaded)| {
                loaded.slice.meta.name == other.object.name
                    && loaded.slice.meta.namespace == namespace
                    && loaded.slice.service_name() == Some(name)
            })
        })
        .collect();
    let object_service = service.service();
    let mut pods_elsewhere = false;
    let (problem, fix) = if !fqdn_slices.is_empty() {
        subjects.extend(
            fqdn_slices
                .iter()
                .map(|slice| Subject::object(slice.object.clone(), &slice.location)),
        );
        (
            format!(
                "headless Service whose only endpoints are in EndpointSlices of addressType FQDN ({}): the simulator serves none of them (CoreDNS would serve their names as CNAME targets; FQDN slices are deprecated)",
                fqdn_slices
                    .iter()
                    .map(|slice| qualified(&slice.object))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!(
                "for a name, make Service {this} an ExternalName Service; for addresses, an IPv4 or IPv6 EndpointSlice labelled kubernetes.io/service-name: {name}"
            ),
        )
    } else if let Some(refused) = refused {
        subjects.push(Subject::object(refused.object.clone(), &refused.location));
        let (why, fix) = match refused.kind {
            DiagnosticKind::EndpointsSkipMirror => (
                "is labelled endpointslice.kubernetes.io/skip-mirror: \"true\"",
                format!(
                    "remove the label endpointslice.kubernetes.io/skip-mirror from Endpoints {namespace}/{name}"
                ),
            ),
            _ => (
                "has the leader-election annotation",
                format!(
                    "remove the annotation control-plane.alpha.kubernetes.io/leader from Endpoints {namespace}/{name}"
                ),
            ),
        };
        (
            format!(
                "headless Service without endpoints: its Endpoints {namespace}/{name} {why}, so it is not mirrored"
            ),
            fix,
        )
    } else if !slices_meant.is_empty() && meant.is_empty() {
        let names: Vec<String> = slices_meant
            .iter()
            .map(|slice| qualified(&slice.object))
            .collect();
        subjects.extend(
            slices_meant
                .iter()
                .map(|slice| Subject::object(slice.object.clone(), &slice.location)),
        );
        (
            format!(
                "headless Service without endpoints: {} {} likely meant for it but not labelled with its name",
                if names.len() == 1 {
                    "EndpointSlice"
                } else {
                    "EndpointSlices"
                },
                if names.len() == 1 {
                    format!("{} is", names[0])
                } else {
                    format!("{} are", names.join(", "))
                }
            ),
            format!(
                "label {} {} kubernetes.io/service-name: {name}",
                if names.len() == 1 {
                    "EndpointSlice"
                } else {
                    "EndpointSlices"
                },
                names.join(", ")
            ),
        )
    } else if let Some(unlinked) = meant.first() {
        subjects.push(Subject::object(unlinked.object.clone(), &unlinked.location));
        (
            format!(
                "headless Service without endpoints: Endpoints {} is meant for it but has another name",
                qualified(&unlinked.object)
            ),
            format!(
                "rename Endpoints {} to {name} (metadata.name: {name})",
                qualified(&unlinked.object)
            ),
        )
    } else if let Some(selector) = &object_service.selector {
        // With no Pod and no workload in the namespace, the Pods most likely come from
        // elsewhere (a chart, another repository): a warning, not an error that fails CI.
        let in_namespace = |meta: &crate::model::ObjectMeta| meta.namespace == namespace;
        pods_elsewhere = !cluster.pods().any(|pod| in_namespace(&pod.meta))
            && !cluster
                .workloads()
                .any(|workload| in_namespace(&workload.meta));
        let labels = selector
            .labels()
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join(",");
        (
            format!("headless Service whose selector {labels} matches no Pod with an address"),
            format!(
                "label the Pods meant for Service {this} {labels}, or change its spec.selector to their labels"
            ),
        )
    } else {
        (
            "headless Service without a selector, and no Endpoints or EndpointSlice of it"
                .to_owned(),
            format!(
                "add an Endpoints object named {name} in namespace {namespace} (or an EndpointSlice labelled kubernetes.io/service-name: {name}) with the addresses, or give Service {this} a selector"
            ),
        )
    };
    finding(
        "headless-without-endpoints",
        if pods_elsewhere {
            Severity::Warning
        } else {
            Severity::Error
        },
        subjects,
        problem,
        effect,
        fix,
    )
}

pub(super) fn service_subject(service: &ClusterService) -> Subject {
    let meta = &service.service().meta;
    Subject::object(
        ObjectRef::namespaced(Kind::Service, &meta.namespace, &meta.name),
        service.location(),
    )
}
