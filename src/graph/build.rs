//! Building a [`Graph`](super::Graph): walking the cluster a namespace at a time, one node per
//! Service, Endpoints object, EndpointSlice, endpoint, Pod and DNS name (made once and shared),
//! each name's answer asked of the server, and the marks (not linked, not ready, no record)
//! each node carries. The renderers in the parent module only lay out what this builds.

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;

use hickory_proto::rr::{Name, RecordType};

use crate::answer::names::{EndpointName, port_name, service_name};
use crate::answer::{Answer, Outcome, is_reverse_zone};
use crate::cluster::{Cluster, ClusterService, ClusterSlice, SliceOrigin};
use crate::diagnostic::DiagnosticKind;
use crate::model::{
    AddressType, Endpoint, EndpointPort, Endpoints, Kind, ObjectRef, Pod, Protocol, ServiceType,
    TargetRef,
};
use crate::server::ClusterDns;

use super::{Edge, EdgeStyle, Mark, Node, Shape};

pub(super) struct Builder<'d> {
    dns: &'d ClusterDns,
    cluster: &'d Cluster,
    namespace: Option<&'d str>,
    zone: Name,
    endpoint_pod_names: bool,
    /// What the cluster noticed, by object.
    diagnostics: HashMap<ObjectRef, Vec<&'d DiagnosticKind>>,
    pods: HashMap<(&'d str, &'d str), &'d Pod>,
    pub(super) nodes: Vec<Node>,
    pub(super) edges: Vec<Edge>,
    /// Nodes made once and shared: Services, Endpoints objects and Pods by their reference,
    /// names by their text.
    objects: HashMap<ObjectRef, usize>,
    names: HashMap<String, usize>,
}

impl<'d> Builder<'d> {
    pub(super) fn new(dns: &'d ClusterDns, namespace: Option<&'d str>) -> Self {
        let cluster = dns.cluster();
        let kubernetes = dns.config().kubernetes();
        let zone = kubernetes
            .and_then(|kubernetes| kubernetes.zones.iter().find(|zone| !is_reverse_zone(zone)))
            .cloned()
            .unwrap_or_else(|| Name::from_ascii("cluster.local.").unwrap_or_else(|_| Name::root()));
        let mut diagnostics: HashMap<ObjectRef, Vec<&DiagnosticKind>> = HashMap::new();
        for diagnostic in cluster.diagnostics() {
            diagnostics
                .entry(diagnostic.object.clone())
                .or_default()
                .push(&diagnostic.kind);
        }
        let pods = cluster
            .pods()
            .map(|pod| ((pod.meta.namespace.as_str(), pod.meta.name.as_str()), pod))
            .collect();
        Builder {
            dns,
            cluster,
            namespace,
            zone,
            endpoint_pod_names: kubernetes.is_some_and(|kubernetes| kubernetes.endpoint_pod_names),
            diagnostics,
            pods,
            nodes: Vec::new(),
            edges: Vec::new(),
            objects: HashMap::new(),
            names: HashMap::new(),
        }
    }

    fn in_scope(&self, namespace: &str) -> bool {
        self.namespace.is_none_or(|wanted| wanted == namespace)
    }

    pub(super) fn build(&mut self) {
        let cluster = self.cluster;
        let mut drawn_slices: BTreeSet<(String, String)> = BTreeSet::new();
        for service in cluster.services() {
            if self.in_scope(&service.service().meta.namespace) {
                self.service(service, &mut drawn_slices);
            }
        }
        for endpoints in cluster.endpoints() {
            if self.in_scope(&endpoints.meta.namespace) {
                self.endpoints_object(endpoints);
            }
        }
        for slice in cluster.endpoint_slices() {
            let meta = &slice.slice().meta;
            let drawn = drawn_slices.contains(&(meta.namespace.clone(), meta.name.clone()));
            if !drawn && self.in_scope(&meta.namespace) {
                self.unlinked_slice(slice);
            }
        }
    }

    fn node(
        &mut self,
        shape: Shape,
        namespace: &str,
        lines: Vec<String>,
        mark: Option<Mark>,
    ) -> usize {
        let index = self.nodes.len();
        self.nodes.push(Node {
            id: format!("{}{index}", shape.prefix()),
            namespace: namespace.to_owned(),
            shape,
            lines,
            mark,
        });
        index
    }

    fn edge(&mut self, from: usize, to: usize, label: &str, style: EdgeStyle) {
        self.edges.push(Edge {
            from,
            to,
            label: label.to_owned(),
            style,
        });
    }

    /// The node of a Service, made the first time it is asked for.
    fn service_node(&mut self, service: &ClusterService) -> usize {
        let object = service.service();
        let meta = &object.meta;
        let key = ObjectRef::namespaced(Kind::Service, &meta.namespace, &meta.name);
        if let Some(&index) = self.objects.get(&key) {
            return index;
        }
        let mut lines = vec![format!("Service {}/{}", meta.namespace, meta.name)];
        let ips = join(service.cluster_ips());
        lines.push(match &object.service_type {
            ServiceType::ExternalName(target) => format!("ExternalName {target}"),
            _ if object.is_headless() => "headless (clusterIP: None)".to_owned(),
            other => format!("{} {ips}", other.as_str()),
        });
        lines.push(match &object.selector {
            Some(selector) => {
                let pairs: Vec<String> = selector
                    .labels()
                    .iter()
                    .map(|(key, value)| format!("{key}={value}"))
                    .collect();
                format!("selector {}", pairs.join(","))
            }
            None => "no selector".to_owned(),
        });
        if !object.ports.is_empty() {
            let ports: Vec<String> = object
                .ports
                .iter()
                .map(|port| port_text(port.name.as_deref(), Some(port.port), port.protocol))
                .collect();
            lines.push(format!("ports {}", ports.join(", ")));
        }
        let index = self.node(Shape::Service, &meta.namespace, lines, None);
        self.objects.insert(key, index);
        index
    }

    fn service(&mut self, service: &ClusterService, drawn_slices: &mut BTreeSet<(String, String)>) {
        let object = service.service();
        let meta = &object.meta;
        let node = self.service_node(service);
        let Some(base) = service_name(meta, &self.zone) else {
            return;
        };
        // The Service's own name.
        let mut answer = self.addresses(&base);
        if answer.outcome == Outcome::NxDomain
            && object.is_headless()
            && !service.has_ready_endpoints()
            && let Some(outcome) = answer.lines.get_mut(1)
        {
            *outcome = "NXDOMAIN: headless, no ready endpoint".to_owned();
        }
        let name = self.name_node(&meta.namespace, &base, answer);
        let label = if object.service_type.is_external_name() {
            "CNAME"
        } else {
            "name"
        };
        self.edge(node, name, label, EdgeStyle::Solid);
        if object.service_type.is_external_name() {
            return;
        }
        // The SRV names of named ports: the Service's, and for a headless Service its slices'
        // (CoreDNS answers a headless SRV from the slices' ports).
        let mut ports: BTreeSet<(String, Protocol)> = object
            .ports
            .iter()
            .filter_map(|port| Some((port.name.clone()?.to_ascii_lowercase(), port.protocol)))
            .collect();
        if object.is_headless() {
            for slice in service.slices() {
                ports.extend(slice.slice().ports.iter().filter_map(|port| {
                    Some((port.name.clone()?.to_ascii_lowercase(), port.protocol))
                }));
            }
        }
        for (port, protocol) in ports {
            if let Some(srv) = port_name(&base, &port, protocol.as_str()) {
                let answer = self.lookup(&srv, &[RecordType::SRV]);
                let name = self.name_node(&meta.namespace, &srv, answer);
                self.edge(node, name, "SRV", EdgeStyle::Solid);
            }
        }
        // The slices, their endpoints and Pods, and a headless Service's endpoint names.
        let loaded = service
            .slices()
            .any(|slice| *slice.origin() == SliceOrigin::Loaded);
        for slice in service.slices() {
            let slice_meta = &slice.slice().meta;
            drawn_slices.insert((slice_meta.namespace.clone(), slice_meta.name.clone()));
            if loaded
                && *slice.origin() == SliceOrigin::FromPods
                && slice.slice().endpoints.is_empty()
            {
                // The controller's empty slice beside the input's own: nothing to show.
                continue;
            }
            let slice_node = self.slice_node(slice, None);
            let label = match slice.origin() {
                SliceOrigin::Loaded => "kubernetes.io/service-name",
                SliceOrigin::MirroredFrom(_) => "mirrored slice",
                SliceOrigin::FromPods => "slice from Pods",
            };
            self.edge(node, slice_node, label, EdgeStyle::Solid);
            if let SliceOrigin::MirroredFrom(endpoints) = slice.origin() {
                let link = EndpointsLink::Mirrored;
                let from = self.endpoints_node(&slice_meta.namespace, endpoints, link);
                self.edge(from, slice_node, "mirrored", EdgeStyle::Solid);
            }
            for endpoint in &slice.slice().endpoints {
                let endpoint_node = self.endpoint_node(&slice_meta.namespace, endpoint);
                self.edge(slice_node, endpoint_node, "endpoint", EdgeStyle::Solid);
                let target = endpoint.target_ref.as_ref();
                self.target(&slice_meta.namespace, endpoint_node, target);
                if object.is_headless() && endpoint.is_ready() {
                    for &address in &endpoint.addresses {
                        let label = EndpointName::of(endpoint, address, self.endpoint_pod_names);
                        let Some(name) = label.under(&base, None) else {
                            continue;
                        };
                        let qtype = match address {
                            IpAddr::V4(_) => RecordType::A,
                            IpAddr::V6(_) => RecordType::AAAA,
                        };
                        let answer = self.lookup(&name, &[qtype]);
                        let name = self.name_node(&meta.namespace, &name, answer);
                        self.edge(endpoint_node, name, "name", EdgeStyle::Solid);
                    }
                }
            }
        }
    }

    /// A loaded Endpoints object: drawn when it is mirrored (its slices already drew it), when
    /// it is linked to no Service, or when its selectorless Service's mirrored slices came with
    /// the input. The controller's own Endpoints beside a selector Service (a dump) are left
    /// out: DNS never reads them.
    fn endpoints_object(&mut self, endpoints: &Endpoints) {
        let meta = &endpoints.meta;
        let key = ObjectRef::namespaced(Kind::Endpoints, &meta.namespace, &meta.name);
        if self.objects.contains_key(&key) {
            return;
        }
        let refusal = self
            .diagnostics
            .get(&key)
            .into_iter()
            .flatten()
            .find_map(|kind| unlinked_endpoints_reason(&meta.name, kind));
        let service = self.cluster.service(&meta.namespace, &meta.name);
        match refusal {
            Some((reason, near)) => {
                let link = EndpointsLink::Unlinked(reason);
                let node = self.endpoints_node(&meta.namespace, &meta.name, link);
                for subset in &endpoints.subsets {
                    let addresses = subset.addresses.iter().map(|address| (address, true));
                    let not_ready = subset.not_ready_addresses.iter().map(|a| (a, false));
                    for (address, ready) in addresses.chain(not_ready) {
                        let mut lines = vec![address.ip.to_string()];
                        lines.push(if ready { "ready" } else { "not ready" }.to_owned());
                        if let Some(hostname) = &address.hostname {
                            lines.push(format!("hostname {hostname}"));
                        }
                        let mark = (!ready).then_some(Mark::NotReady);
                        let address_node = self.node(Shape::Endpoint, &meta.namespace, lines, mark);
                        self.edge(node, address_node, "address", EdgeStyle::Solid);
                        let target = address.target_ref.as_ref();
                        self.target(&meta.namespace, address_node, target);
                    }
                }
                let near = near.and_then(|name| self.cluster.service(&meta.namespace, &name));
                if let Some(service) = near {
                    let label = if service.service().meta.name == meta.name {
                        "same name, not mirrored".to_owned()
                    } else {
                        format!("rename to {} to link", service.service().meta.name)
                    };
                    let service_node = self.service_node(service);
                    self.edge(node, service_node, &label, EdgeStyle::NearMiss);
                }
            }
            None => {
                if let Some(service) = service.filter(|s| s.service().selector.is_none()) {
                    let link = EndpointsLink::MirroredInInput;
                    let node = self.endpoints_node(&meta.namespace, &meta.name, link);
                    let service_node = self.service_node(service);
                    self.edge(node, service_node, "same name", EdgeStyle::Solid);
                }
            }
        }
    }

    /// The node of an Endpoints object, made the first time it is asked for; `unlinked` gives
    /// the reason it reaches no Service.
    fn endpoints_node(&mut self, namespace: &str, name: &str, link: EndpointsLink) -> usize {
        let key = ObjectRef::namespaced(Kind::Endpoints, namespace, name);
        if let Some(&index) = self.objects.get(&key) {
            return index;
        }
        let mut lines = vec![format!("Endpoints {namespace}/{name}")];
        let mark = match link {
            EndpointsLink::Unlinked(reason) => {
                lines.push(format!("linked to no Service: {reason}"));
                Some(Mark::Unlinked)
            }
            EndpointsLink::Mirrored => {
                lines.push("same name as its Service: mirrored".to_owned());
                None
            }
            EndpointsLink::MirroredInInput => {
                lines.push("same name as its Service: mirrored slice in the input".to_owned());
                None
            }
        };
        let index = self.node(Shape::Source, namespace, lines, mark);
        self.objects.insert(key, index);
        index
    }

    fn slice_node(&mut self, slice: &ClusterSlice, unlinked: Option<String>) -> usize {
        let object = slice.slice();
        let meta = &object.meta;
        let mut lines = vec![format!("EndpointSlice {}/{}", meta.namespace, meta.name)];
        match slice.origin() {
            SliceOrigin::MirroredFrom(endpoints) => {
                lines.push(format!("mirrored from Endpoints {endpoints}"));
            }
            SliceOrigin::FromPods => lines.push("made from Pods by the controller".to_owned()),
            _ => {}
        }
        let mut mark = None;
        if object.address_type == AddressType::Fqdn {
            lines.push("addressType FQDN: never served".to_owned());
            mark = Some(Mark::Unlinked);
        }
        if !object.ports.is_empty() {
            lines.push(format!("ports {}", endpoint_ports(&object.ports)));
        }
        if object.endpoints.is_empty() {
            lines.push("no endpoints".to_owned());
        }
        if let Some(reason) = unlinked {
            lines.push(format!("linked to no Service: {reason}"));
            mark = Some(Mark::Unlinked);
        }
        self.node(Shape::Source, &meta.namespace, lines, mark)
    }

    fn unlinked_slice(&mut self, slice: &ClusterSlice) {
        let object = slice.slice();
        let meta = &object.meta;
        if object.service_name().is_none()
            && let Some(import) = object.multicluster_service_name()
            && self
                .cluster
                .service_import(&meta.namespace, import)
                .is_some()
        {
            // A ServiceImport's slice: answered in multicluster zones, not drawn here.
            return;
        }
        let reason = match object.service_name() {
            None => "no kubernetes.io/service-name label".to_owned(),
            Some(service) => format!("kubernetes.io/service-name={service}, no such Service"),
        };
        let node = self.slice_node(slice, Some(reason));
        for endpoint in &object.endpoints {
            let endpoint_node = self.endpoint_node(&meta.namespace, endpoint);
            self.edge(node, endpoint_node, "endpoint", EdgeStyle::Solid);
            self.target(&meta.namespace, endpoint_node, endpoint.target_ref.as_ref());
        }
    }

    /// An endpoint of a slice, and the Pod its `targetRef` names.
    fn endpoint_node(&mut self, namespace: &str, endpoint: &Endpoint) -> usize {
        let addresses: Vec<String> = endpoint
            .addresses
            .iter()
            .map(ToString::to_string)
            .chain(endpoint.fqdn_addresses.iter().cloned())
            .collect();
        let terminating = endpoint.conditions.terminating == Some(true);
        let state = match (endpoint.is_ready(), terminating) {
            (true, false) => "ready",
            (true, true) => "ready, terminating",
            (false, false) => "not ready",
            (false, true) => "not ready, terminating",
        };
        let mut lines = vec![addresses.join(", "), state.to_owned()];
        if let Some(hostname) = &endpoint.hostname {
            lines.push(format!("hostname {hostname}"));
        }
        let mark = if !endpoint.is_ready() {
            Some(Mark::NotReady)
        } else if terminating {
            Some(Mark::Terminating)
        } else {
            None
        };
        self.node(Shape::Endpoint, namespace, lines, mark)
    }

    /// The edge from an endpoint to the Pod its `targetRef` names.
    fn target(&mut self, namespace: &str, endpoint_node: usize, target: Option<&TargetRef>) {
        if let Some(target) = target {
            let pod = self.pod_node(namespace, target);
            self.edge(endpoint_node, pod, "targetRef", EdgeStyle::Solid);
        }
    }

    /// The node of the object a `targetRef` names (a Pod, usually), made once.
    fn pod_node(&mut self, namespace: &str, target: &TargetRef) -> usize {
        let namespace = target.namespace.as_deref().unwrap_or(namespace);
        let kind = target.kind.as_deref().unwrap_or("Pod");
        // Keyed as a Pod; another kind with its kind before the name, which no Pod name can
        // hold (a space), so the two never share a node.
        let key = if kind == "Pod" {
            ObjectRef::namespaced(Kind::Pod, namespace, &target.name)
        } else {
            ObjectRef::namespaced(Kind::Pod, namespace, &format!("{kind} {}", target.name))
        };
        if let Some(&index) = self.objects.get(&key) {
            return index;
        }
        let mut lines = vec![format!("{kind} {namespace}/{}", target.name)];
        match self
            .pods
            .get(&(namespace, &*target.name))
            .filter(|_| kind == "Pod")
        {
            Some(pod) => {
                if !pod.pod_ips.is_empty() {
                    lines.push(join(&pod.pod_ips));
                }
                let mut state = match pod.ready {
                    Some(false) => "not ready".to_owned(),
                    _ if pod.pod_ips.is_empty() => "no address".to_owned(),
                    _ => "ready".to_owned(),
                };
                if pod.terminating {
                    state.push_str(", terminating");
                }
                lines.push(state);
            }
            None if kind == "Pod" => lines.push("not in the manifests".to_owned()),
            None => {}
        }
        let index = self.node(Shape::Pod, namespace, lines, None);
        self.objects.insert(key, index);
        index
    }

    /// The node of a DNS name, made once per name.
    fn name_node(&mut self, namespace: &str, name: &Name, answer: NameAnswer) -> usize {
        let key = name.to_lowercase().to_string();
        if let Some(&index) = self.names.get(&key) {
            return index;
        }
        let mark = (answer.outcome != Outcome::Success).then_some(Mark::NoAnswer);
        let index = self.node(Shape::Name, namespace, answer.lines, mark);
        self.names.insert(key, index);
        index
    }

    /// What `name` answers for A and AAAA.
    fn addresses(&self, name: &Name) -> NameAnswer {
        self.lookup(name, &[RecordType::A, RecordType::AAAA])
    }

    /// What `name` answers for each of `types`: its own records (a CNAME once), or the outcome
    /// of the first question when none has a record.
    fn lookup(&self, name: &Name, types: &[RecordType]) -> NameAnswer {
        let mut lines = vec![name.to_string()];
        let mut first: Option<Outcome> = None;
        let mut records: Vec<String> = Vec::new();
        for &qtype in types {
            let answer: Answer = self.dns.answer(name, qtype);
            first.get_or_insert(answer.outcome);
            for record in answer.answers.iter().filter(|record| record.name == *name) {
                let text = format!("{} {}", record.record_type(), record.data);
                if !records.contains(&text) {
                    records.push(text);
                }
            }
        }
        let outcome = if records.is_empty() {
            match first {
                Some(Outcome::Success) | None => Outcome::NoData,
                Some(other) => other,
            }
        } else {
            Outcome::Success
        };
        if records.is_empty() {
            lines.push(outcome_text(&outcome));
        } else {
            lines.extend(records);
        }
        NameAnswer { outcome, lines }
    }
}

/// How an Endpoints object is linked, for its label.
enum EndpointsLink {
    /// Mirrored into the slices drawn beside it.
    Mirrored,
    /// Linked by name to its selectorless Service, whose mirrored slices came with the input.
    MirroredInInput,
    /// Linked to no Service, for this reason.
    Unlinked(String),
}

/// A name's label lines (the name, then its records or outcome) and whether it answered.
struct NameAnswer {
    outcome: Outcome,
    lines: Vec<String>,
}

fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Success | Outcome::NoData => "NODATA: no record of this type".to_owned(),
        Outcome::NxDomain => "NXDOMAIN".to_owned(),
        Outcome::Refused => "REFUSED".to_owned(),
        Outcome::ServFail => "SERVFAIL".to_owned(),
        Outcome::NoReply => "no reply".to_owned(),
        Outcome::Other(code) => code.to_string(),
    }
}

/// Why the Endpoints object `name` reaches no Service, short, and the Service a change would
/// link it to (for the dashed "near miss" edge).
fn unlinked_endpoints_reason(
    name: &str,
    kind: &DiagnosticKind,
) -> Option<(String, Option<String>)> {
    match kind {
        DiagnosticKind::EndpointsWithoutService { name, suggestion } => {
            Some((format!("no Service named {name}"), suggestion.clone()))
        }
        DiagnosticKind::EndpointsBesideSelector { service } => Some((
            "its Service has a selector, so it is not mirrored".to_owned(),
            Some(service.clone()),
        )),
        DiagnosticKind::EndpointsSkipMirror => Some((
            "skip-mirror label, so it is not mirrored".to_owned(),
            Some(name.to_owned()),
        )),
        DiagnosticKind::EndpointsLeaderElection => Some((
            "leader-election lock, never mirrored".to_owned(),
            Some(name.to_owned()),
        )),
        _ => None,
    }
}

fn port_text(name: Option<&str>, port: Option<u16>, protocol: Protocol) -> String {
    let number = port.map_or_else(|| "all".to_owned(), |port| port.to_string());
    match name {
        Some(name) => format!("{name} {number}/{}", protocol.as_str()),
        None => format!("{number}/{}", protocol.as_str()),
    }
}

fn endpoint_ports(ports: &[EndpointPort]) -> String {
    let ports: Vec<String> = ports
        .iter()
        .map(|port| port_text(port.name.as_deref(), port.port, port.protocol))
        .collect();
    ports.join(", ")
}

fn join(addresses: &[IpAddr]) -> String {
    let texts: Vec<String> = addresses.iter().map(ToString::to_string).collect();
    texts.join(", ")
}
