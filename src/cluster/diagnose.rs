//! Diagnostics, worked out from a snapshot when first asked for.
//!
//! They describe the whole cluster (an Endpoints object is only "without a Service" relative to
//! every Service), so they are computed from scratch for a snapshot rather than maintained
//! through changes; [`Cluster::diagnostics`] caches the result per snapshot. Reported in input
//! order.

use super::allocate::Outside;
use super::mirror::{self, MAX_MIRRORED_PER_SUBSET, MirrorRefusal};
use super::{Cluster, ClusterService, SliceOrigin};
use crate::controller;
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::error::Location;
use crate::model::{AddressType, ClusterIpSpec, Kind, ObjectRef, WorkloadSpec};
use crate::workload;

/// Every diagnostic of `cluster`, in input order.
pub(super) fn diagnose(cluster: &Cluster) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    services(cluster, &mut diagnostics);
    endpoints(cluster, &mut diagnostics);
    slices(cluster, &mut diagnostics);
    imports(cluster, &mut diagnostics);
    pods(cluster, &mut diagnostics);
    workloads(cluster, &mut diagnostics);
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            let location = &d.location;
            (
                location.origin.clone(),
                location.document,
                location.item,
                location.line,
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.object.cmp(&b.object))
    });
    diagnostics
}

fn push(
    diagnostics: &mut Vec<Diagnostic>,
    object: ObjectRef,
    location: &Location,
    kind: DiagnosticKind,
) {
    diagnostics.push(Diagnostic {
        object,
        location: location.clone(),
        kind,
    });
}

fn service_ref(service: &ClusterService) -> ObjectRef {
    let meta = &service.service().meta;
    ObjectRef::namespaced(Kind::Service, &meta.namespace, &meta.name)
}

fn services(cluster: &Cluster, diagnostics: &mut Vec<Diagnostic>) {
    for service in cluster.services() {
        let object = service.service();
        let kind = match object.external_name() {
            Some(name) if object.cname_target().is_none() => {
                Some(DiagnosticKind::ExternalNameIsIp {
                    external_name: name.to_owned(),
                })
            }
            _ if object.is_headless() && !service.has_ready_endpoints() => {
                Some(DiagnosticKind::HeadlessWithoutReadyEndpoints)
            }
            _ => None,
        };
        if let Some(kind) = kind {
            push(diagnostics, service_ref(service), service.location(), kind);
        }
        if let Some(kind) = disagreement_with_pods(cluster, service) {
            push(diagnostics, service_ref(service), service.location(), kind);
        }
        // A stated ClusterIP outside the default range: perhaps the cluster's range is
        // another (nothing here says which), perhaps a typo.
        if let ClusterIpSpec::Ips(ips) = &object.cluster_ip {
            for &ip in ips {
                if let Some(Outside::Assumed(cidr)) = cluster.cidr_check.outside(ip) {
                    let kind = DiagnosticKind::ClusterIpOutsideDefaultCidr { ip, cidr };
                    push(diagnostics, service_ref(service), service.location(), kind);
                }
            }
        }
        // Two Services with one ClusterIP: the later one (in name order) is told about the
        // first.
        for ip in service.cluster_ips() {
            let first = cluster
                .services_with_cluster_ip(*ip)
                .next()
                .filter(|first| !std::ptr::eq(*first, service));
            if let Some(first) = first {
                let kind = DiagnosticKind::DuplicateClusterIp {
                    ip: *ip,
                    other: service_ref(first),
                };
                push(diagnostics, service_ref(service), service.location(), kind);
            }
        }
    }
}

/// For a Service with a selector whose controller-made EndpointSlices come from the input (a
/// dump), whether
/// they tell a different story from the loaded Pods it selects. Only checked when some Pod is
/// selected: a dump without Pods says nothing about them.
fn disagreement_with_pods(cluster: &Cluster, service: &ClusterService) -> Option<DiagnosticKind> {
    let object = service.service();
    object.selector.as_ref()?;
    let loaded: Vec<&crate::model::EndpointSlice> = service
        .slices()
        .filter(|slice| *slice.origin() == SliceOrigin::Loaded)
        .map(|slice| slice.slice())
        .filter(|slice| controller::is_controller_slice(slice))
        .collect();
    if loaded.is_empty() {
        return None;
    }
    let key = super::key(&object.meta.namespace, &object.meta.name);
    let members = cluster.index.members.values(&key)?;
    if members.is_empty() {
        return None;
    }
    // Only loaded Pods say anything about the cluster the slices came from; Pods a workload of
    // the dump was expanded into are the simulator's own.
    let pods: Vec<&crate::model::Pod> = members
        .iter()
        .filter_map(|pod| cluster.objects.pods.get(pod))
        .map(|source| &source.object)
        .filter(|pod| !cluster.is_generated(pod))
        .collect();
    if pods.is_empty() {
        return None;
    }
    let mut defaulted = object.clone();
    if !service.cluster_ips().is_empty() {
        defaulted.cluster_ip = crate::model::ClusterIpSpec::Ips(service.cluster_ips().to_vec());
    }
    let derived = controller::endpoint_slices_with_nodes(
        &defaulted,
        &pods,
        controller::DEFAULT_MAX_ENDPOINTS_PER_SLICE,
        &|node| cluster.lookup_node(node),
    );
    controller::slice_disagreement(&derived, &loaded)
        .map(|detail| DiagnosticKind::SlicesDisagreeWithPods { detail })
}

fn endpoints(cluster: &Cluster, diagnostics: &mut Vec<Diagnostic>) {
    for source in cluster.objects.endpoints.values() {
        let endpoints = &source.object;
        let (namespace, name) = (&endpoints.meta.namespace, &endpoints.meta.name);
        let object = ObjectRef::namespaced(Kind::Endpoints, namespace, name);
        let Some(service) = cluster.find_service(namespace, name) else {
            let kind = DiagnosticKind::EndpointsWithoutService {
                name: name.clone(),
                suggestion: suggest_service_for(cluster, namespace, Some(name), false),
            };
            push(diagnostics, object, &source.location, kind);
            continue;
        };
        if service.service().selector.is_some() {
            // A dump of a real cluster holds the controller's own Endpoints next to its slices:
            // nothing to tell. Hand-written Endpoints beside a selector are a classic mistake.
            if !service
                .slices()
                .any(|slice| *slice.origin() == SliceOrigin::Loaded)
            {
                let kind = DiagnosticKind::EndpointsBesideSelector {
                    service: name.clone(),
                };
                push(diagnostics, object, &source.location, kind);
            }
            continue;
        }
        match mirror::refusal(endpoints) {
            Some(MirrorRefusal::SkipMirrorLabel) => {
                push(
                    diagnostics,
                    object,
                    &source.location,
                    DiagnosticKind::EndpointsSkipMirror,
                );
                continue;
            }
            Some(MirrorRefusal::LeaderElection) => {
                let kind = DiagnosticKind::EndpointsLeaderElection;
                push(diagnostics, object, &source.location, kind);
                continue;
            }
            None => {}
        }
        for (subset, addresses) in endpoints.subsets.iter().enumerate() {
            let total = addresses.addresses.len() + addresses.not_ready_addresses.len();
            if total > MAX_MIRRORED_PER_SUBSET {
                let kind = DiagnosticKind::EndpointsTruncated {
                    subset,
                    total,
                    dropped: total - MAX_MIRRORED_PER_SUBSET,
                };
                push(diagnostics, object.clone(), &source.location, kind);
            }
        }
    }
}

/// The Service an object that names none was most likely meant for. `name` is the name the
/// object gives (an Endpoints object's own, a slice's `kubernetes.io/service-name` label), if
/// any. Candidates are the selectorless, non-ExternalName Services of `namespace` with no
/// slices (those a hand-made Endpoints or slice can feed), or, with `any_service`, every
/// Service there. With a name, the candidate whose name shares the longest start with it (at
/// least three characters) or is within two edits of it, when one is clearly best; without
/// one, the only candidate. `None` rather than a guess.
pub(crate) fn suggest_service_for(
    cluster: &Cluster,
    namespace: &str,
    name: Option<&str>,
    any_service: bool,
) -> Option<String> {
    let candidates: Vec<&str> = cluster
        .services()
        .into_iter()
        .filter(|service| {
            let object = service.service();
            object.meta.namespace == namespace
                && (any_service
                    || (object.selector.is_none()
                        && !object.service_type.is_external_name()
                        && service.linked.slices.is_empty()))
        })
        .map(|service| service.service().meta.name.as_str())
        .filter(|candidate| Some(*candidate) != name)
        .collect();
    let Some(name) = name else {
        return match candidates.as_slice() {
            [only] => Some((*only).to_owned()),
            _ => None,
        };
    };
    let score = |candidate: &str| {
        let prefix = candidate
            .bytes()
            .zip(name.bytes())
            .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
            .count();
        (prefix >= 3 || similar_name(candidate, name)).then_some(prefix)
    };
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .filter_map(|candidate| Some((score(candidate)?, *candidate)))
        .collect();
    scored.sort_by_key(|&(prefix, _)| std::cmp::Reverse(prefix));
    match scored.as_slice() {
        [(best, only), rest @ ..] if rest.first().is_none_or(|(next, _)| next < best) => {
            Some((*only).to_owned())
        }
        _ => None,
    }
}

/// Whether `a` is a likely typo of `b`: equal ignoring case, within two edits for names of
/// four characters or more, within one for shorter ones (`db` and `dbb`).
pub(crate) fn similar_name(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let shortest = a.len().min(b.len());
    if shortest < 2 {
        return false;
    }
    let allowed = if shortest < 4 { 1 } else { 2 };
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(!ca.eq_ignore_ascii_case(cb));
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()] <= allowed
}

fn slices(cluster: &Cluster, diagnostics: &mut Vec<Diagnostic>) {
    for (_, source) in cluster.linked.loaded_slices() {
        let slice = &source.slice;
        let namespace = &slice.meta.namespace;
        let object = ObjectRef::namespaced(Kind::EndpointSlice, namespace, &slice.meta.name);
        if slice.address_type == AddressType::Fqdn {
            push(
                diagnostics,
                object,
                &source.location,
                DiagnosticKind::FqdnSliceNotServed,
            );
            continue;
        }
        let imported = slice.multicluster_service_name();
        match slice.service_name() {
            // A slice of a ServiceImport needs no Service.
            None if imported.is_some() => {}
            None => {
                let kind = DiagnosticKind::SliceWithoutServiceLabel;
                push(diagnostics, object.clone(), &source.location, kind);
            }
            Some(service) if cluster.find_service(namespace, service).is_none() => {
                let kind = DiagnosticKind::SliceWithoutService {
                    service: service.to_owned(),
                };
                push(diagnostics, object.clone(), &source.location, kind);
            }
            Some(_) => {}
        }
        if let Some(import) = imported {
            if cluster.find_service_import(namespace, import).is_none() {
                let kind = DiagnosticKind::MulticlusterSliceWithoutImport {
                    import: import.to_owned(),
                };
                push(diagnostics, object.clone(), &source.location, kind);
            }
            if slice.source_cluster().is_none() {
                let kind = DiagnosticKind::MulticlusterSliceWithoutSourceCluster;
                push(diagnostics, object, &source.location, kind);
            }
        }
    }
}

fn imports(cluster: &Cluster, diagnostics: &mut Vec<Diagnostic>) {
    for import in cluster.service_imports() {
        let object = import.import();
        let kind = if object.is_headless() && !import.has_ready_endpoints() {
            Some(DiagnosticKind::HeadlessImportWithoutReadyEndpoints)
        } else if !object.is_headless() && object.ports.is_empty() {
            Some(DiagnosticKind::ClusterSetIpImportWithoutPorts)
        } else if !object.is_headless() && object.ips.is_empty() {
            Some(DiagnosticKind::ClusterSetIpImportWithoutIps)
        } else {
            None
        };
        if let Some(kind) = kind {
            let meta = &object.meta;
            let reference = ObjectRef::namespaced(Kind::ServiceImport, &meta.namespace, &meta.name);
            push(diagnostics, reference, import.location(), kind);
        }
    }
}

/// Pods on a node the cluster does not have, and `hostNetwork` Pods whose node has no address.
/// With Node objects every Pod is checked; without, only the Pods the simulator starts (a
/// dump's Pods name the nodes of the cluster it came from, which the input does not hold).
fn pods(cluster: &Cluster, diagnostics: &mut Vec<Diagnostic>) {
    let nodes = cluster.node_set();
    if nodes.len() == 0 {
        return;
    }
    for pod in cluster.pods() {
        let Some(name) = pod.node_name.as_deref() else {
            continue;
        };
        if !nodes.is_loaded() && !pod.is_simulated() {
            continue;
        }
        let object = ObjectRef::namespaced(Kind::Pod, &pod.meta.namespace, &pod.meta.name);
        let key = super::key(&pod.meta.namespace, &pod.meta.name);
        let location = cluster
            .objects
            .pods
            .get(&key)
            .map(|source| source.location.clone())
            .unwrap_or_default();
        let kind = match nodes.get(name) {
            None => DiagnosticKind::PodOnMissingNode {
                node: name.to_owned(),
                nodes_loaded: nodes.is_loaded(),
            },
            Some(node) if pod.host_network && node.host_ips.is_empty() => {
                DiagnosticKind::HostNetworkPodWithoutNodeAddress {
                    node: name.to_owned(),
                }
            }
            Some(_) => continue,
        };
        push(diagnostics, object, &location, kind);
    }
}

/// Workloads whose Pods the API server would refuse.
fn workloads(cluster: &Cluster, diagnostics: &mut Vec<Diagnostic>) {
    for source in cluster.objects.workloads.values() {
        let set = &source.object;
        if !matches!(set.spec, WorkloadSpec::StatefulSet { .. }) {
            continue;
        }
        if let Some(label_value) = workload::refused_stateful_set_label(set) {
            let object =
                ObjectRef::namespaced(Kind::StatefulSet, &set.meta.namespace, &set.meta.name);
            push(
                diagnostics,
                object,
                &source.location,
                DiagnosticKind::StatefulSetPodsRefused { label_value },
            );
        }
    }
}
