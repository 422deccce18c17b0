//! Generated sequences of [`Change`]s over a generated cluster, with the cluster they leave.

use std::collections::BTreeMap;
use std::net::IpAddr;

use proptest::prelude::*;

use super::GeneratedCluster;
use super::service::{EndpointSource, ServiceKind};
use crate::Change;
use crate::model::{Kind, ObjectRef, Selector, ServiceType};

/// One batch of changes, applied together with [`ClusterDns::apply`](crate::ClusterDns::apply).
#[derive(Debug, Clone)]
pub struct Batch {
    /// The changes.
    pub changes: Vec<Change>,
    /// Whether the batch fails: it then holds one change that cannot be applied (an object
    /// that does not exist), and none of its changes is applied.
    pub fails: bool,
}

/// A sequence of batches over a generated cluster, and the cluster as it is after them.
#[derive(Debug, Clone)]
pub struct ChangeSequence {
    /// The batches, in order.
    pub batches: Vec<Batch>,
    /// The cluster after every batch that does not fail: its manifests are the final state,
    /// loaded afresh.
    pub after: GeneratedCluster,
}

/// What one batch does to the model.
#[derive(Debug, Clone, Copy)]
enum Edit {
    /// `SetEndpointReady` on an endpoint of an EndpointSlice.
    FlipEndpoint(usize, usize),
    /// `Delete` of a Service and its endpoint objects, of a workload and its Service, or of a
    /// ServiceImport and its slices.
    Delete(usize),
    /// `Delete` then `Apply` of a Service with a new ClusterIP.
    Readdress(usize, u8),
    /// `SetServiceType` among ClusterIP, NodePort and LoadBalancer, to ExternalName and back.
    Retype(usize, u8),
    /// `SetSelector`: a selectorless Service with an Endpoints object gets a selector no Pod
    /// matches (its Endpoints stop being mirrored), or one beside a selector loses it.
    Reselect(usize),
    /// `Scale` of a StatefulSet, Deployment, ReplicaSet or ReplicationController.
    Scale(usize, u32),
    /// `SetPodReady` of a bare Pod.
    PodReady(usize, usize),
    /// `SetPodTerminating` of a bare Pod.
    PodTerminating(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), any::<usize>()).prop_map(|(s, e)| Edit::FlipEndpoint(s, e)),
        1 => any::<usize>().prop_map(Edit::Delete),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(s, last)| Edit::Readdress(s, last)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(s, t)| Edit::Retype(s, t)),
        1 => any::<usize>().prop_map(Edit::Reselect),
        2 => (any::<usize>(), 0..5u32).prop_map(|(w, n)| Edit::Scale(w, n)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(w, p)| Edit::PodReady(w, p)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(w, p)| Edit::PodTerminating(w, p)),
    ]
}

/// A change that cannot be applied: it names an object that is not there.
fn failing(which: u8, namespace: &str) -> Change {
    let missing = "missing-object";
    match which % 4 {
        0 => Change::delete(Kind::Service, namespace, missing),
        1 => Change::scale(Kind::StatefulSet, namespace, missing, 1),
        2 => Change::pod_ready(namespace, missing, true),
        _ => Change::endpoint_ready(namespace, missing, IpAddr::from([10, 255, 0, 1]), true),
    }
}

/// Up to `most` batches over `cluster`, using every [`Change`] variant: some fail (they carry
/// a change aimed at a missing object, and change nothing), the others are applied to the
/// model, whose final state is [`ChangeSequence::after`].
pub fn change_sequence(
    cluster: &GeneratedCluster,
    most: usize,
) -> impl Strategy<Value = ChangeSequence> + use<> {
    let cluster = cluster.clone();
    proptest::collection::vec((edit(), prop::option::weighted(0.2, any::<u8>())), 0..=most)
        .prop_map(move |edits| {
            let mut model = cluster.clone();
            let mut batches = Vec::new();
            for (edit, fail) in edits {
                let before = model.clone();
                let Some(mut changes) = apply(&mut model, edit) else {
                    continue;
                };
                if let Some(which) = fail {
                    model = before;
                    let namespace = model.namespaces.first().cloned().unwrap_or_default();
                    changes.push(failing(which, &namespace));
                }
                batches.push(Batch {
                    changes,
                    fails: fail.is_some(),
                });
            }
            ChangeSequence {
                batches,
                after: GeneratedCluster::assemble(
                    model.namespaces,
                    model.services,
                    model.workloads,
                    model.imports,
                ),
            }
        })
}

/// The changes of `edit`, and the model after them; `None` when it does not apply here.
fn apply(model: &mut GeneratedCluster, edit: Edit) -> Option<Vec<Change>> {
    let services = model.services.len();
    let workloads = model.workloads.len();
    let imports = model.imports.len();
    match edit {
        Edit::FlipEndpoint(service, endpoint) if services > 0 => {
            let service = &mut model.services[service % services];
            // Readiness is set on a loaded EndpointSlice; mirrored ones follow their Endpoints.
            if service.endpoints.is_empty() || service.source != EndpointSource::Slices {
                return None;
            }
            let index = endpoint % service.endpoints.len();
            let slice = service.slice_name(&service.endpoints[index]);
            let endpoint = &mut service.endpoints[index];
            let ready = !endpoint.is_ready();
            endpoint.ready = Some(ready);
            endpoint.terminating &= !ready;
            Some(vec![Change::endpoint_ready(
                &service.namespace,
                &slice,
                endpoint.address,
                ready,
            )])
        }
        Edit::Delete(index) if services + workloads + imports > 0 => {
            let index = index % (services + workloads + imports);
            let objects = if index < services {
                model.services.remove(index).objects()
            } else if index < services + workloads {
                model.workloads.remove(index - services).objects()
            } else {
                model.imports.remove(index - services - workloads).objects()
            };
            Some(objects.into_iter().map(Change::Delete).collect())
        }
        Edit::Readdress(service, last) if services > 0 => {
            let service = &mut model.services[service % services];
            if !service.cluster_ips.first().is_some_and(IpAddr::is_ipv4) {
                return None;
            }
            // 10.97.0.0/16 is outside every generated address (two readdressed Services may
            // share one: both then own it, live and fresh alike).
            let ip = IpAddr::from([10, 97, last % 7, last]);
            service.cluster_ips[0] = ip;
            let manifests = super::render(&[], std::slice::from_ref(service));
            // A ClusterIP may not change once set: delete and create in one batch, as
            // `kubectl replace --force` does.
            let reference = ObjectRef::namespaced(Kind::Service, &service.namespace, &service.name);
            Some(vec![
                Change::Delete(reference),
                Change::apply_yaml("readdress.yaml", manifests),
            ])
        }
        Edit::Retype(service, to) if services > 0 => {
            let service = &mut model.services[service % services];
            let single = [
                ServiceKind::ClusterIp,
                ServiceKind::NodePort,
                ServiceKind::LoadBalancer,
            ];
            // A Service switched to ExternalName (it has ports; generated ExternalName
            // Services have none, and a ClusterIP Service needs one) switches back.
            let switched = service.kind == ServiceKind::ExternalName && !service.ports.is_empty();
            if !single.contains(&service.kind) && !switched {
                return None;
            }
            // To ExternalName only from EndpointSlices, whose endpoints stay as they are
            // (whether the mirroring controller carries an ExternalName's Endpoints is not
            // what this checks).
            let to_external = !switched && to % 4 == 3 && service.source == EndpointSource::Slices;
            let service_type = if to_external {
                let target = format!("{}.example.com", service.name);
                service.kind = ServiceKind::ExternalName;
                service.external_name = Some(target.clone());
                // An ExternalName Service has no ClusterIP; switched back it gets a new one.
                service.cluster_ips.clear();
                ServiceType::ExternalName(target)
            } else {
                let (kind, service_type) = match to % 3 {
                    0 => (ServiceKind::ClusterIp, ServiceType::ClusterIp),
                    1 => (ServiceKind::NodePort, ServiceType::NodePort),
                    _ => (ServiceKind::LoadBalancer, ServiceType::LoadBalancer),
                };
                service.kind = kind;
                service.external_name = None;
                service_type
            };
            Some(vec![Change::service_type(
                &service.namespace,
                &service.name,
                service_type,
            )])
        }
        Edit::Reselect(service) if services > 0 => {
            let service = &mut model.services[service % services];
            let selector = match service.source {
                EndpointSource::Endpoints => {
                    service.source = EndpointSource::BesideSelector;
                    Some(Selector::new(BTreeMap::from([(
                        "generated-selector".to_owned(),
                        "none".to_owned(),
                    )])))
                }
                EndpointSource::BesideSelector => {
                    service.source = EndpointSource::Endpoints;
                    None
                }
                _ => return None,
            };
            Some(vec![Change::selector(
                &service.namespace,
                &service.name,
                selector,
            )])
        }
        Edit::Scale(workload, replicas) if workloads > 0 => {
            let workload = &mut model.workloads[workload % workloads];
            let kind = match workload.kind.object_kind() {
                Some(kind) if workload.kind.is_scalable() => kind,
                _ => return None,
            };
            workload.replicas = replicas;
            Some(vec![Change::scale(
                kind,
                &workload.namespace,
                &workload.name,
                replicas,
            )])
        }
        Edit::PodReady(workload, pod) | Edit::PodTerminating(workload, pod) if workloads > 0 => {
            let workload = &mut model.workloads[workload % workloads];
            if workload.pods.is_empty() {
                return None;
            }
            let count = workload.pods.len();
            let pod = &mut workload.pods[pod % count];
            let change = if matches!(edit, Edit::PodReady(..)) {
                pod.ready = !pod.ready;
                Change::pod_ready(&workload.namespace, &pod.name, pod.ready)
            } else {
                pod.terminating = !pod.terminating;
                Change::pod_terminating(&workload.namespace, &pod.name, pod.terminating)
            };
            Some(vec![change])
        }
        _ => None,
    }
}
