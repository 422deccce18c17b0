//! Fields the API server lets no update change, checked before a batch's manifests replace
//! the objects they name: a `kubectl apply` that changes one fails, and so does the batch.
//!
//! | kind | immutable (what the simulator models of it) | rule |
//! | --- | --- | --- |
//! | Service | `clusterIP(s)`, the primary IP family, unless the type changes to or from ExternalName | `ValidateServiceUpdate` |
//! | Pod | `hostname`, `subdomain`, `nodeName` once set, `hostNetwork`, `dnsPolicy`, `dnsConfig`, `hostAliases`, `setHostnameAsFQDN`, the containers' ports and env | `ValidatePodUpdate`: "pod updates may not change fields other than …" |
//! | StatefulSet | `serviceName`, `selector` | `ValidateStatefulSetUpdate`: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', … are forbidden" |
//! | Deployment, ReplicaSet, DaemonSet | `selector` | apps/v1 `Validate…Update`: "field is immutable" |
//! | Job | `selector`, `template` (its labels may change while the Job is suspended) | `ValidateJobUpdate` |
//! | EndpointSlice | `addressType` | `ValidateEndpointSliceUpdate` |
//!
//! Status is not checked: a manifest's status is how a test sets a Pod's readiness, which a
//! real cluster takes from the kubelet. Labels, annotations, replicas and templates (but a
//! Job's) may change, as they may in a cluster.

use std::fmt::Debug;

use super::Cluster;
use crate::cluster::ClusterService;
use crate::cluster::link::object_key;
use crate::error::{LoadError, LoadErrorKind};
use crate::load::LoadedObject;
use crate::model::{ClusterIpSpec, Object, Pod, Service, Workload, WorkloadSpec};

impl Cluster {
    /// The error the API server gives when `kubectl apply` changes a field of an existing
    /// object that may not change once set (see the module docs); `None` for a new object
    /// or an allowed change.
    pub(super) fn changed_immutable_field(&self, loaded: &LoadedObject) -> Option<LoadError> {
        let key = object_key(&loaded.object.object_ref());
        match &*loaded.object {
            Object::Service(new) => service(self.linked.services.get(&key)?, new, loaded),
            Object::Pod(new) => pod(&self.objects.pods.get(&key)?.object, new, loaded),
            Object::Workload(new) => {
                workload(&self.objects.workloads.get(&key)?.object, new, loaded)
            }
            Object::EndpointSlice(new) => {
                let old = &self.linked.loaded_slice(&key)?.slice;
                first_change(
                    loaded,
                    &[field("addressType", &old.address_type, &new.address_type)],
                )
            }
            _ => None,
        }
    }
}

/// A located "may not change once set" error for `field` of `loaded`.
fn immutable(loaded: &LoadedObject, field: &str, expected: String, found: String) -> LoadError {
    LoadError::new(
        loaded.location.clone(),
        LoadErrorKind::Invalid {
            expected: format!("{expected} (it may not change once set)"),
            found,
        },
    )
    .with_object(loaded.object.object_ref())
    .with_field(field)
}

/// The first of `fields` (path, old value, new value, as [`shown`]) that changed, as an error.
fn first_change(loaded: &LoadedObject, fields: &[(&str, String, String)]) -> Option<LoadError> {
    fields
        .iter()
        .find(|(_, old, new)| old != new)
        .map(|(field, old, new)| immutable(loaded, field, old.clone(), new.clone()))
}

/// A value as an error shows it: a string quoted, an unset one `unset`, anything else as its
/// `Debug` says.
fn shown(value: &dyn Debug) -> String {
    let text = format!("{value:?}");
    match text
        .strip_prefix("Some(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        Some(inner) => inner.to_owned(),
        None if text == "None" => "unset".to_owned(),
        None => text,
    }
}

/// A field's path with its old and new values, as [`first_change`] takes them.
fn field<'f>(path: &'f str, old: &dyn Debug, new: &dyn Debug) -> (&'f str, String, String) {
    (path, shown(old), shown(new))
}

/// A Pod's spec may change only in fields the simulator does not model (container images,
/// tolerations added, …). `nodeName` is compared only when the manifest states one: the
/// node the scheduler (here, the simulator) chose is not the manifest's to change.
fn pod(old: &Pod, new: &Pod, loaded: &LoadedObject) -> Option<LoadError> {
    let (node, new_node) = match &new.node_name {
        Some(_) => (&old.node_name, &new.node_name),
        None => (&None, &None),
    };
    first_change(
        loaded,
        &[
            field("spec.hostname", &old.hostname, &new.hostname),
            field("spec.subdomain", &old.subdomain, &new.subdomain),
            field("spec.nodeName", &node, &new_node),
            field("spec.hostNetwork", &old.host_network, &new.host_network),
            field("spec.dnsPolicy", &old.dns_policy, &new.dns_policy),
            field("spec.dnsConfig", &old.dns_config, &new.dns_config),
            field("spec.hostAliases", &old.host_aliases, &new.host_aliases),
            field(
                "spec.setHostnameAsFQDN",
                &old.set_hostname_as_fqdn,
                &new.set_hostname_as_fqdn,
            ),
            field(
                "spec.containers[*].ports",
                &old.container_ports,
                &new.container_ports,
            ),
            field("spec.containers[*].env", &old.env, &new.env),
        ],
    )
}

/// A workload's selector (and a StatefulSet's Service, a Job's template) may not change.
fn workload(old: &Workload, new: &Workload, loaded: &LoadedObject) -> Option<LoadError> {
    if old.kind() != new.kind() {
        return None;
    }
    match (&old.spec, &new.spec) {
        (
            WorkloadSpec::StatefulSet {
                service_name: old_service,
                ..
            },
            WorkloadSpec::StatefulSet {
                service_name: new_service,
                ..
            },
        ) => first_change(
            loaded,
            &[
                field("spec.serviceName", old_service, new_service),
                field(
                    "spec.selector",
                    old.selector.labels(),
                    new.selector.labels(),
                ),
            ],
        ),
        (WorkloadSpec::Job(job), WorkloadSpec::Job(_)) => {
            let (t, n) = (&old.template, &new.template);
            // A suspended Job that has not started may change its template's labels (and
            // scheduling, which the simulator does not model): KEP-2926, GA in 1.27. The
            // simulator keeps no history, so every suspended Job counts as not started.
            let labels = if job.suspend {
                field("spec.template.metadata.labels", &(), &())
            } else {
                field("spec.template.metadata.labels", &t.labels, &n.labels)
            };
            first_change(
                loaded,
                &[
                    field(
                        "spec.selector",
                        old.selector.labels(),
                        new.selector.labels(),
                    ),
                    labels,
                    field("spec.template.spec.hostname", &t.hostname, &n.hostname),
                    field("spec.template.spec.subdomain", &t.subdomain, &n.subdomain),
                    field("spec.template.spec.nodeName", &t.node_name, &n.node_name),
                    field(
                        "spec.template.spec.hostNetwork",
                        &t.host_network,
                        &n.host_network,
                    ),
                    field("spec.template.spec.dnsPolicy", &t.dns_policy, &n.dns_policy),
                    field("spec.template.spec.dnsConfig", &t.dns_config, &n.dns_config),
                    field(
                        "spec.template.spec.hostAliases",
                        &t.host_aliases,
                        &n.host_aliases,
                    ),
                    field(
                        "spec.template.spec.setHostnameAsFQDN",
                        &t.set_hostname_as_fqdn,
                        &n.set_hostname_as_fqdn,
                    ),
                    field(
                        "spec.template.spec.containers[*].ports",
                        &t.container_ports,
                        &n.container_ports,
                    ),
                    field("spec.template.spec.containers[*].env", &t.env, &n.env),
                ],
            )
        }
        // A ReplicationController's selector may change (core/v1 allows it).
        (WorkloadSpec::ReplicationController { .. }, _) => None,
        _ => first_change(
            loaded,
            &[field(
                "spec.selector",
                old.selector.labels(),
                new.selector.labels(),
            )],
        ),
    }
}

/// The error the API server gives when `kubectl apply` changes a field of an existing
/// Service that may not change once set (`ValidateServiceUpdate`): its ClusterIPs
/// (`clusterIP: None` included) and its primary IP family, unless the type changes to or
/// from ExternalName. Leaving them out keeps them, as an apply does; a dual-stack Service may
/// gain or lose its secondary address. To give a Service another address, delete and create
/// it (in one batch, as `kubectl replace --force` does).
fn service(old: &ClusterService, new: &Service, loaded: &LoadedObject) -> Option<LoadError> {
    let old_service = old.service();
    if old_service.service_type.is_external_name() || new.service_type.is_external_name() {
        return None;
    }
    let error = |field: &str, expected: String, found: String| {
        Some(immutable(loaded, field, expected, found))
    };
    let quoted = |ips: &[std::net::IpAddr]| {
        let ips: Vec<String> = ips
            .iter()
            .map(|ip| format!("{:?}", ip.to_string()))
            .collect();
        format!("[{}]", ips.join(", "))
    };
    match (&old_service.cluster_ip, &new.cluster_ip) {
        (_, ClusterIpSpec::Unset) => {}
        (ClusterIpSpec::Headless, ClusterIpSpec::Headless) => {}
        (ClusterIpSpec::Headless, ClusterIpSpec::Ips(ips)) => {
            return error("spec.clusterIPs", "[\"None\"]".to_owned(), quoted(ips));
        }
        (_, ClusterIpSpec::Headless) => {
            return error(
                "spec.clusterIPs",
                quoted(old.cluster_ips()),
                "[\"None\"]".to_owned(),
            );
        }
        (_, ClusterIpSpec::Ips(ips)) => {
            let held = old.cluster_ips();
            let same_primary = ips.first() == held.first();
            let same_secondary = match (ips.get(1), held.get(1)) {
                (Some(new), Some(old)) => new == old,
                _ => true,
            };
            let unchanged = held.is_empty() || (same_primary && same_secondary);
            if !unchanged {
                return error("spec.clusterIPs", quoted(held), quoted(ips));
            }
        }
    }
    let held_family = old.cluster_ips().first().map(crate::model::IpFamily::of);
    if let (Some(held), Some(&stated)) = (held_family, new.ip_families.first())
        && held != stated
    {
        let quote = |family: crate::model::IpFamily| format!("{:?}", family.to_string());
        return error("spec.ipFamilies[0]", quote(held), quote(stated));
    }
    None
}
