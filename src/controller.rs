//! The EndpointSlice controller: the EndpointSlices a real cluster derives from a Service's
//! selector and the Pods it matches.
//!
//! # Why
//!
//! CoreDNS never looks at Pods to answer for a Service: it reads EndpointSlices only. In a
//! real cluster those slices are written by kube-controller-manager's EndpointSlice controller,
//! so manifests that contain a Service and its Pods (or a StatefulSet, once expanded by
//! [`crate::workload`]) but no EndpointSlices would answer NXDOMAIN if the simulator did not
//! run that controller itself. [`endpoint_slices_for`] is that controller, reduced to a pure
//! function of one Service and the Pods: the same input always gives the same slices.
//!
//! # The rules, and where Kubernetes implements them
//!
//! All paths are in `kubernetes/kubernetes`, under `staging/src/k8s.io/endpointslice/`.
//!
//! - **Membership** (`util/controller_utils.go`, `getServicesForPod`): a Service with a nil
//!   selector selects nothing (its slices come from elsewhere: by hand or by mirroring); an
//!   ExternalName Service has no endpoints. Otherwise the selector is an equality map matched
//!   against the labels of Pods in the Service's namespace.
//! - **Exclusion** (`util/controller_utils.go`, `ShouldPodBeInEndpoints(pod, true)` as called
//!   in `reconciler.go`, `reconcileByAddressType`): Pods in phase `Succeeded` or `Failed`, and
//!   Pods without an IP, are left out. Terminating Pods stay in. A Pod whose `spec.nodeName`
//!   names no Node is left out too, unless the Service has `publishNotReadyAddresses`
//!   (`reconciler.go`: "skipping Pod for Service, Node not found").
//! - **Node** (`utils.go`, `podToEndpoint`): `zone` is the node's `topology.kubernetes.io/zone`
//!   label. The addresses are the Pod's `status.podIPs` whatever the Pod is, so a
//!   `hostNetwork` Pod publishes its node's addresses (the kubelet gave it those), and two
//!   `hostNetwork` Pods of one node give two endpoints with one address: the controller's
//!   endpoint set tells endpoints apart by addresses, hostname and `targetRef`
//!   (`util/endpointset.go`, `hashEndpoint`), so neither is dropped.
//! - **Conditions** (`utils.go`, `podToEndpoint`): `serving` is the Pod's `Ready` condition,
//!   `terminating` whether it has a deletion timestamp, and
//!   `ready = publishNotReadyAddresses || (serving && !terminating)`.
//! - **Hostname** (`util/controller_utils.go`, `ShouldSetHostname`): only when the Pod's
//!   `spec.hostname` is set, its `spec.subdomain` equals the Service name, and it is in the
//!   Service's namespace.
//! - **Ports** (`utils.go`, `getEndpointPorts`, `FindPort`): one endpoint port per Service
//!   port, named as the Service port; an integer `targetPort` is used as is (the API server
//!   defaults an absent one to `port`); a named one is looked up among the Pod's container
//!   ports with the same name *and* protocol, and when the Pod has none the Service port is
//!   left out for that Pod. Pods are grouped by their resulting port list
//!   (`util/controller_utils.go`, `NewPortMapKey`), so such a Pod lands in a slice with a
//!   different port set.
//! - **Address families** (`utils.go`, `getAddressTypesForService`, `getEndpointAddresses`):
//!   one slice set per family in `spec.ipFamilies`; when that is empty, the ClusterIP's family,
//!   or both families for a Service without a ClusterIP. Each slice carries the Pod IPs of its
//!   family; a Pod with no IP of that family is not in that family's slices.
//! - **Size** (`reconciler.go`, `reconcileByPortMapping`): at most `--max-endpoints-per-slice`
//!   (default [`DEFAULT_MAX_ENDPOINTS_PER_SLICE`]) endpoints per slice.
//! - **Placeholder** (`reconciler.go`, `reconcileByAddressType`): when a family has no
//!   endpoints at all, the controller still writes one empty slice with no ports for it. It
//!   changes no answer (CoreDNS finds no endpoint in it) but keeps the listing faithful.
//! - **Metadata** (`utils.go`, `newEndpointSlice`, `setEndpointSliceLabels`,
//!   `getEndpointSlicePrefix`): `generateName: <service>-`; labels are the Service's own
//!   (minus the reserved keys), `kubernetes.io/service-name`,
//!   `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io`, and
//!   `service.kubernetes.io/headless: ""` for a headless Service.
//!
//! # Where the simulator differs, and why
//!
//! - The five characters after `<service>-` are random in a cluster; here they are a hash of
//!   the Service, family, port set and chunk number, so names are stable.
//! - Endpoints are ordered by Pod name, and slices by family then port set, where the real
//!   controller's order depends on Go map iteration and on slices that already exist.
//! - Nodes are known only when the input has `v1 Node` objects ([`NodeLookup`]); without them
//!   an endpoint has no `zone` and no Pod is left out for its node. A Pod with a status but no
//!   `spec.nodeName` (hand-written; a running Pod always has one) is not left out either,
//!   where the real controller would find no node `""`.
//! - A Service whose ClusterIP is still to be allocated (`ClusterIpSpec::Unset`) is treated as
//!   having one (no headless label), because the simulator will allocate it; callers should
//!   pass the Service with defaulted families (see [`defaulted_ip_families`]) to get the
//!   families a real API server would have stored.
//!
//! [`slice_disagreement`] compares derived slices with slices the input carries for the same
//! Service (a dump of a real cluster), for a diagnostic when the two tell different stories.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::net::IpAddr;

use crate::generated;

use crate::model::{
    AddressType, ClusterIpSpec, Endpoint, EndpointConditions, EndpointPort, EndpointSlice,
    IpFamily, IpFamilyPolicy, Node, ObjectMeta, Pod, PodPhase, SERVICE_NAME_LABEL, Selector,
    Service, TargetPort, TargetRef,
};

/// The default of kube-controller-manager's `--max-endpoints-per-slice`.
pub(crate) const DEFAULT_MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// The most `--max-endpoints-per-slice` accepts (and the API's limit per slice).
pub(crate) const MAX_ENDPOINTS_PER_SLICE_LIMIT: usize = 1000;

/// The label naming the controller that manages a slice.
pub(crate) const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";

/// The EndpointSlice controller's value of [`MANAGED_BY_LABEL`].
pub(crate) const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";

/// Whether `slice` is one the EndpointSlice controller made (and so manages): only those
/// labelled `managed-by: endpointslice-controller.k8s.io` (`reconciler.go` lists the slices of
/// a Service by that label and never touches others).
pub(crate) fn is_controller_slice(slice: &EndpointSlice) -> bool {
    slice.meta.labels.get(MANAGED_BY_LABEL).map(String::as_str) == Some(CONTROLLER_NAME)
}

/// The label marking slices of a headless Service (value `""`).
pub(crate) const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";

/// What the controller's node lister says of a Pod's node.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NodeLookup<'n> {
    /// The cluster has no Node objects: every node counts as existing, without a zone.
    NotModelled,
    /// No Node of that name.
    Missing,
    /// The Node.
    Found(&'n Node),
}

/// The EndpointSlices the EndpointSlice controller writes for `service`, given every Pod the
/// caller knows of (Pods of other namespaces and non-matching Pods are skipped here), in a
/// cluster without Node objects.
///
/// Returns nothing for a selectorless or ExternalName Service. `max_endpoints_per_slice` is
/// clamped to 1–1000, the range kube-controller-manager accepts.
#[cfg(test)]
pub(crate) fn endpoint_slices_for(
    service: &Service,
    pods: &[&Pod],
    max_endpoints_per_slice: usize,
) -> Vec<EndpointSlice> {
    endpoint_slices_with_nodes(service, pods, max_endpoints_per_slice, &|_| {
        NodeLookup::NotModelled
    })
}

/// [`endpoint_slices_for`], with the cluster's nodes: `nodes` looks a node up by name.
pub(crate) fn endpoint_slices_with_nodes<'n>(
    service: &Service,
    pods: &[&Pod],
    max_endpoints_per_slice: usize,
    nodes: &dyn Fn(&str) -> NodeLookup<'n>,
) -> Vec<EndpointSlice> {
    let Some(selector) = service.selector.as_ref().filter(|s| !s.is_empty()) else {
        return Vec::new();
    };
    if service.service_type.is_external_name() {
        return Vec::new();
    }
    let max = max_endpoints_per_slice.clamp(1, MAX_ENDPOINTS_PER_SLICE_LIMIT);

    let mut members: Vec<(&Pod, Option<&str>)> = pods
        .iter()
        .copied()
        .filter(|pod| pod.meta.namespace == service.meta.namespace)
        .filter(|pod| selector.matches(&pod.meta.labels))
        .filter(|pod| should_pod_be_in_endpoints(pod))
        .filter_map(|pod| {
            let lookup = pod.node_name.as_deref().map(nodes);
            match lookup {
                Some(NodeLookup::Missing) if !service.publish_not_ready_addresses => None,
                Some(NodeLookup::Found(node)) => Some((pod, node.zone())),
                _ => Some((pod, None)),
            }
        })
        .collect();
    members.sort_by(|a, b| a.0.meta.name.cmp(&b.0.meta.name));
    members.dedup_by(|a, b| a.0.meta.name == b.0.meta.name);

    let mut slices = Vec::new();
    let mut used_names = HashSet::new();
    for family in address_types_for_service(service) {
        // Group endpoints by their port list, ordered by the list itself.
        let mut groups: BTreeMap<PortKey, (Vec<EndpointPort>, Vec<Endpoint>)> = BTreeMap::new();
        for (pod, zone) in &members {
            let ports = endpoint_ports(service, pod);
            let mut endpoint = pod_to_endpoint(pod, service, family);
            endpoint.zone = zone.map(Box::from);
            if endpoint.addresses.is_empty() {
                continue;
            }
            groups
                .entry(port_key(&ports))
                .or_insert_with(|| (ports, Vec::new()))
                .1
                .push(endpoint);
        }
        if groups.is_empty() {
            slices.push(new_slice(
                service,
                family,
                Vec::new(),
                Vec::new(),
                0,
                &mut used_names,
            ));
            continue;
        }
        for (_, (ports, endpoints)) in groups {
            for (chunk, part) in endpoints.chunks(max).enumerate() {
                slices.push(new_slice(
                    service,
                    family,
                    ports.clone(),
                    part.to_vec(),
                    chunk,
                    &mut used_names,
                ));
            }
        }
    }
    slices
}

/// `ShouldPodBeInEndpoints(pod, includeTerminating = true)`: not terminal, and has an IP.
fn should_pod_be_in_endpoints(pod: &Pod) -> bool {
    let terminal = matches!(pod.phase, Some(PodPhase::Succeeded | PodPhase::Failed));
    !terminal && !pod.pod_ips.is_empty()
}

/// `getAddressTypesForService`: `spec.ipFamilies` if given, else the ClusterIP's family, else
/// both (a headless Service, or one whose IP is still to be allocated).
fn address_types_for_service(service: &Service) -> Vec<IpFamily> {
    let mut families: Vec<IpFamily> = Vec::new();
    for family in &service.ip_families {
        if !families.contains(family) {
            families.push(*family);
        }
    }
    if families.is_empty() {
        families = match &service.cluster_ip {
            ClusterIpSpec::Ips(ips) if !ips.is_empty() => vec![IpFamily::of(&ips[0])],
            _ => vec![IpFamily::IPv4, IpFamily::IPv6],
        };
    }
    // A fixed order (IPv4 first) so the output does not depend on which family is primary.
    families.sort();
    families
}

/// The families the API server stores in `spec.ipFamilies` when it creates `service`
/// (`initIPFamilyFields` in `pkg/registry/core/service/storage/alloc.go`), given the families
/// the cluster's service CIDRs cover, primary first.
///
/// - The policy defaults to `RequireDualStack` for a headless Service without a selector and
///   to `SingleStack` otherwise.
/// - Families not stated are inferred from the stated ClusterIPs.
/// - A headless selectorless Service gets the primary family if none is known, plus the other
///   family unless `SingleStack` (even on a single-stack cluster).
/// - Any other Service gets the primary family if none is known, plus the other one when the
///   policy is not `SingleStack` and the cluster is dual-stack.
///
/// ExternalName Services get none.
pub(crate) fn defaulted_ip_families(
    service: &Service,
    cluster_families: &[IpFamily],
) -> Vec<IpFamily> {
    if service.service_type.is_external_name() {
        return Vec::new();
    }
    let other = |family: IpFamily| match family {
        IpFamily::IPv4 => IpFamily::IPv6,
        IpFamily::IPv6 => IpFamily::IPv4,
    };
    let selectorless = service.selector.as_ref().is_none_or(Selector::is_empty);
    let headless_selectorless = service.is_headless() && selectorless;
    let single_stack = match service.ip_family_policy {
        Some(policy) => policy == IpFamilyPolicy::SingleStack,
        None => !headless_selectorless,
    };
    let primary = cluster_families.first().copied().unwrap_or(IpFamily::IPv4);

    let mut families = service.ip_families.clone();
    if let ClusterIpSpec::Ips(ips) = &service.cluster_ip {
        for (i, ip) in ips.iter().enumerate() {
            if i >= families.len() {
                families.push(IpFamily::of(ip));
            }
        }
    }
    if families.is_empty() {
        families.push(primary);
    }
    let cluster_is_dual =
        cluster_families.contains(&IpFamily::IPv4) && cluster_families.contains(&IpFamily::IPv6);
    if families.len() == 1 && !single_stack && (headless_selectorless || cluster_is_dual) {
        families.push(other(families[0]));
    }
    families
}

/// `podToEndpoint` for one family.
fn pod_to_endpoint(pod: &Pod, service: &Service, family: IpFamily) -> Endpoint {
    let serving = pod.ready == Some(true);
    let terminating = pod.terminating;
    let ready = service.publish_not_ready_addresses || (serving && !terminating);
    Endpoint {
        addresses: pod
            .pod_ips
            .iter()
            .filter(|ip| IpFamily::of(ip) == family)
            .copied()
            .collect(),
        fqdn_addresses: Vec::new(),
        conditions: EndpointConditions {
            ready: Some(ready),
            serving: Some(serving),
            terminating: Some(terminating),
        },
        hostname: should_set_hostname(pod, service)
            .then(|| pod.hostname.as_deref().map(Box::from))
            .flatten(),
        node_name: pod.node_name.as_deref().map(Box::from),
        zone: None,
        target_ref: Some(TargetRef {
            kind: Some("Pod".into()),
            namespace: Some(pod.meta.namespace.as_str().into()),
            name: pod.meta.name.as_str().into(),
        }),
    }
}

/// `ShouldSetHostname`.
fn should_set_hostname(pod: &Pod, service: &Service) -> bool {
    pod.hostname.as_deref().is_some_and(|h| !h.is_empty())
        && pod.subdomain.as_deref() == Some(service.meta.name.as_str())
        && pod.meta.namespace == service.meta.namespace
}

/// `getEndpointPorts`: one port per Service port whose target the Pod has.
fn endpoint_ports(service: &Service, pod: &Pod) -> Vec<EndpointPort> {
    service
        .ports
        .iter()
        .filter_map(|port| {
            let number = match &port.target_port {
                None => port.port,
                Some(TargetPort::Number(n)) => *n,
                Some(TargetPort::Name(name)) => {
                    pod.container_ports
                        .iter()
                        .find(|c| c.name.as_deref() == Some(name) && c.protocol == port.protocol)?
                        .port
                }
            };
            Some(EndpointPort {
                name: port.name.clone(),
                protocol: port.protocol,
                port: Some(number),
                app_protocol: None,
            })
        })
        .collect()
}

/// A port list as a sortable key, independent of order (`NewPortMapKey` sorts too).
type PortKey = Vec<(Option<String>, &'static str, Option<u16>)>;

fn port_key(ports: &[EndpointPort]) -> PortKey {
    let mut key: PortKey = ports
        .iter()
        .map(|p| (p.name.clone(), p.protocol.as_str(), p.port))
        .collect();
    key.sort();
    key
}

fn family_name(family: IpFamily) -> &'static str {
    match family {
        IpFamily::IPv4 => "IPv4",
        IpFamily::IPv6 => "IPv6",
    }
}

/// `newEndpointSlice` with a deterministic name.
fn new_slice(
    service: &Service,
    family: IpFamily,
    ports: Vec<EndpointPort>,
    endpoints: Vec<Endpoint>,
    chunk: usize,
    used_names: &mut HashSet<String>,
) -> EndpointSlice {
    let prefix = generated::generate_name_prefix(&service.meta.name);
    let ports_text = port_key(&ports)
        .iter()
        .map(|(name, protocol, port)| {
            format!(
                "{}:{protocol}:{}",
                name.as_deref().unwrap_or(""),
                port.unwrap_or(0)
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    let chunk_text = chunk.to_string();
    let mut attempt = 0u32;
    let name = loop {
        let attempt_text = attempt.to_string();
        let candidate = format!(
            "{prefix}{}",
            generated::suffix(&[
                &service.meta.namespace,
                &service.meta.name,
                family_name(family),
                &ports_text,
                &chunk_text,
                &attempt_text,
            ])
        );
        if used_names.insert(candidate.clone()) {
            break candidate;
        }
        attempt += 1;
    };

    let mut labels: BTreeMap<String, String> = service
        .meta
        .labels
        .iter()
        .filter(|(key, _)| !is_reserved_label(key))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if service.is_headless() {
        labels.insert(HEADLESS_LABEL.to_owned(), String::new());
    }
    labels.insert(SERVICE_NAME_LABEL.to_owned(), service.meta.name.clone());
    labels.insert(MANAGED_BY_LABEL.to_owned(), CONTROLLER_NAME.to_owned());

    let mut meta = ObjectMeta::new(&service.meta.namespace, &name);
    meta.labels = labels;
    EndpointSlice {
        meta,
        address_type: match family {
            IpFamily::IPv4 => AddressType::IPv4,
            IpFamily::IPv6 => AddressType::IPv6,
        },
        endpoints,
        ports,
    }
}

/// `isReservedLabelKey`: labels the controller owns and never copies from the Service.
fn is_reserved_label(key: &str) -> bool {
    key == SERVICE_NAME_LABEL || key == MANAGED_BY_LABEL || key == HEADLESS_LABEL
}

// ------------------------------------------------------------------------------------------
// Comparing derived slices with loaded ones
// ------------------------------------------------------------------------------------------

/// What DNS sees of one endpoint address: readiness as CoreDNS reads it (unset = ready), the
/// hostname, and the port set of its slice.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    ready: bool,
    hostname: Option<Box<str>>,
    ports: PortKey,
}

fn seen_by_address(slices: &[&EndpointSlice]) -> BTreeMap<IpAddr, BTreeSet<Seen>> {
    let mut out: BTreeMap<IpAddr, BTreeSet<Seen>> = BTreeMap::new();
    for slice in slices {
        let ports = port_key(&slice.ports);
        for endpoint in &slice.endpoints {
            for address in &endpoint.addresses {
                out.entry(*address).or_default().insert(Seen {
                    ready: endpoint.is_ready(),
                    hostname: endpoint.hostname.clone(),
                    ports: ports.clone(),
                });
            }
        }
    }
    out
}

fn describe(seen: &BTreeSet<Seen>) -> String {
    seen.iter()
        .map(|s| {
            let ports = if s.ports.is_empty() {
                "no ports".to_owned()
            } else {
                s.ports
                    .iter()
                    .map(|(name, protocol, port)| match (name, port) {
                        (Some(name), Some(port)) => format!("{name} {port}/{protocol}"),
                        (None, Some(port)) => format!("{port}/{protocol}"),
                        (Some(name), None) => format!("{name} (all)/{protocol}"),
                        (None, None) => format!("(all)/{protocol}"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "{}, hostname {}, ports [{ports}]",
                if s.ready { "ready" } else { "not ready" },
                s.hostname.as_deref().unwrap_or("(none)"),
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Compares the slices derived from Pods with the slices the input carries for the same
/// Service, by what DNS can see: the set of (address, ready, hostname, ports). Returns `None`
/// when they agree, else a sentence listing the differences (at most five, then a count), for
/// a diagnostic such as "the input's EndpointSlices disagree with its Pods: …".
///
/// Endpoint order, slice names, slice boundaries, `serving`/`terminating`, node names and
/// empty (placeholder) slices are not compared: none of them changes an answer.
pub(crate) fn slice_disagreement(
    derived: &[EndpointSlice],
    loaded: &[&EndpointSlice],
) -> Option<String> {
    const SHOWN: usize = 5;
    let derived: Vec<&EndpointSlice> = derived.iter().collect();
    let from_pods = seen_by_address(&derived);
    let from_input = seen_by_address(loaded);

    let mut differences = Vec::new();
    let addresses: BTreeSet<&IpAddr> = from_pods.keys().chain(from_input.keys()).collect();
    for address in addresses {
        match (from_pods.get(address), from_input.get(address)) {
            (Some(pods), None) => differences.push(format!(
                "{address} is an endpoint of a selected Pod ({}) but in no EndpointSlice",
                describe(pods)
            )),
            (None, Some(input)) => differences.push(format!(
                "{address} is in an EndpointSlice ({}) but no selected Pod has it",
                describe(input)
            )),
            (Some(pods), Some(input)) if pods != input => differences.push(format!(
                "{address} is {} from its Pod but {} in the EndpointSlices",
                describe(pods),
                describe(input)
            )),
            _ => {}
        }
    }
    if differences.is_empty() {
        return None;
    }
    let total = differences.len();
    let mut text = differences
        .into_iter()
        .take(SHOWN)
        .collect::<Vec<_>>()
        .join("; ");
    if total > SHOWN {
        let _ = write!(text, "; and {} more", total - SHOWN);
    }
    Some(text)
}

#[cfg(test)]
mod tests;
