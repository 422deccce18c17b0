//! Changing a cluster: the next snapshot from a batch of changes.
//!
//! Tests of code that depends on DNS need the cluster to change under them: a pod becomes
//! ready, a Service is deleted. [`Cluster::apply`] takes a batch of [`Change`]s and returns the
//! next snapshot, leaving the one it was called on untouched, so a reader holding the old
//! snapshot never sees half a change. A batch applies whole or not at all.
//!
//! ```
//! use k8s_dns_sim::{Change, Cluster, Kind, ObjectRef};
//!
//! let before = Cluster::from_yaml(
//!     "apiVersion: v1
//! kind: Service
//! metadata: {name: web, namespace: default}
//! spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
//! ",
//! )?;
//! let after = before.apply([Change::Delete(ObjectRef::namespaced(Kind::Service, "default", "web"))])?;
//! assert!(before.service("default", "web").is_some(), "the old snapshot is unchanged");
//! assert!(after.service("default", "web").is_none());
//! assert_eq!(after.serial(), before.serial() + 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

mod immutable;

use super::Cluster;
use super::link::object_key;
use crate::error::{BatchError, Errors, LoadError, LoadErrorKind, LoadErrors, Location};
use crate::load::{self, LoadedObject, SkippedObject};
use crate::model::{ClusterIpSpec, Kind, Object, ObjectRef, Selector, ServiceType};

/// One change to a cluster.
///
/// Every variant but [`Change::Apply`] names its object with an [`ObjectRef`]; each has a
/// constructor that builds the reference from a namespace and a name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// Create or replace every object of a YAML or JSON input, as `kubectl apply` does.
    Apply {
        /// The input's name in errors (usually a file name).
        origin: String,
        /// The manifests.
        manifests: String,
    },
    /// Delete an object. Deleting a Namespace deletes every object in it, as the namespace
    /// controller does.
    Delete(ObjectRef),
    /// Set the `Ready` condition of a Pod (a Pod the simulator started keeps it across later
    /// changes, as its status).
    SetPodReady {
        /// The Pod.
        pod: ObjectRef,
        /// Ready or not.
        ready: bool,
    },
    /// Mark a Pod terminating (`metadata.deletionTimestamp` set), or not.
    SetPodTerminating {
        /// The Pod.
        pod: ObjectRef,
        /// Terminating or not.
        terminating: bool,
    },
    /// Set `conditions.ready` of every endpoint with `address` in a loaded EndpointSlice.
    SetEndpointReady {
        /// The EndpointSlice.
        slice: ObjectRef,
        /// The endpoint address.
        address: IpAddr,
        /// Ready or not.
        ready: bool,
    },
    /// Change a Service's type (an `ExternalName` type carries its target); a Service leaving
    /// `ExternalName` gets a ClusterIP allocated.
    SetServiceType {
        /// The Service.
        service: ObjectRef,
        /// The new type.
        service_type: ServiceType,
    },
    /// Scale a StatefulSet, Deployment, ReplicaSet or ReplicationController (`spec.replicas`).
    Scale {
        /// The workload.
        workload: ObjectRef,
        /// The new replica count.
        replicas: u32,
    },
    /// Replace a Service's selector (`None`, or an empty selector: selectorless).
    SetSelector {
        /// The Service.
        service: ObjectRef,
        /// The new selector.
        selector: Option<Selector>,
    },
}

impl Change {
    /// [`Change::Apply`] of `manifests`, named `origin` in errors.
    pub fn apply_yaml(origin: impl Into<String>, manifests: impl Into<String>) -> Change {
        Change::Apply {
            origin: origin.into(),
            manifests: manifests.into(),
        }
    }

    /// [`Change::Delete`] of the object `kind namespace/name`; `namespace` is not read for a
    /// cluster-scoped kind (a Namespace, a Node).
    pub fn delete(kind: Kind, namespace: &str, name: &str) -> Change {
        if kind.is_namespaced() {
            Change::Delete(ObjectRef::namespaced(kind, namespace, name))
        } else {
            Change::Delete(ObjectRef::cluster_scoped(kind, name))
        }
    }

    /// [`Change::SetPodReady`].
    pub fn pod_ready(namespace: &str, name: &str, ready: bool) -> Change {
        Change::SetPodReady {
            pod: ObjectRef::namespaced(Kind::Pod, namespace, name),
            ready,
        }
    }

    /// [`Change::SetPodTerminating`].
    pub fn pod_terminating(namespace: &str, name: &str, terminating: bool) -> Change {
        Change::SetPodTerminating {
            pod: ObjectRef::namespaced(Kind::Pod, namespace, name),
            terminating,
        }
    }

    /// [`Change::SetEndpointReady`].
    pub fn endpoint_ready(namespace: &str, slice: &str, address: IpAddr, ready: bool) -> Change {
        Change::SetEndpointReady {
            slice: ObjectRef::namespaced(Kind::EndpointSlice, namespace, slice),
            address,
            ready,
        }
    }

    /// [`Change::SetServiceType`].
    pub fn service_type(namespace: &str, name: &str, service_type: ServiceType) -> Change {
        Change::SetServiceType {
            service: ObjectRef::namespaced(Kind::Service, namespace, name),
            service_type,
        }
    }

    /// [`Change::Scale`].
    pub fn scale(kind: Kind, namespace: &str, name: &str, replicas: u32) -> Change {
        Change::Scale {
            workload: ObjectRef::namespaced(kind, namespace, name),
            replicas,
        }
    }

    /// [`Change::SetSelector`].
    pub fn selector(namespace: &str, name: &str, selector: Option<Selector>) -> Change {
        Change::SetSelector {
            service: ObjectRef::namespaced(Kind::Service, namespace, name),
            selector,
        }
    }
}

/// A change that could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("change {change}: {kind}")]
#[non_exhaustive]
pub struct UpdateError {
    /// Which change of the batch, counted from 0.
    pub change: usize,
    /// What is wrong.
    pub kind: UpdateErrorKind,
}

impl BatchError for UpdateError {
    const NOT_DONE: &'static str = "changed";
}

/// The errors of a batch of changes that was not applied.
pub type UpdateErrors = Errors<UpdateError>;

/// What is wrong with a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateErrorKind {
    /// The manifests of an [`Change::Apply`] do not load.
    #[error("{0}")]
    Load(LoadErrors),
    /// The object the change is about does not exist.
    #[error("{0} does not exist")]
    NotFound(ObjectRef),
    /// The change would make an object the API server refuses.
    #[error("{object}: {reason}")]
    Invalid {
        /// The object.
        object: ObjectRef,
        /// Why.
        reason: String,
    },
}

impl Cluster {
    /// The snapshot after `changes`, applied in order; `self` is left as it was.
    ///
    /// The SOA serial of the new snapshot is one more than this one's. The cost is that of
    /// the objects the changes touch, not of the cluster.
    ///
    /// # Errors
    /// Every change that cannot be applied; then no change is.
    pub fn apply(
        &self,
        changes: impl IntoIterator<Item = Change>,
    ) -> Result<Cluster, UpdateErrors> {
        let mut next = self.clone();
        let mut errors = Vec::new();
        for (index, change) in changes.into_iter().enumerate() {
            if let Err(kind) = next.apply_one(change) {
                errors.push(UpdateError {
                    change: index,
                    kind,
                });
            }
        }
        if !errors.is_empty() {
            return Err(Errors::new(errors));
        }
        next.serial = self.serial.wrapping_add(1);
        Ok(next)
    }

    fn apply_one(&mut self, change: Change) -> Result<(), UpdateErrorKind> {
        match change {
            Change::Apply { origin, manifests } => self.apply_manifests(&origin, &manifests),
            Change::Delete(reference) => {
                if !self.contains(&reference) {
                    return Err(UpdateErrorKind::NotFound(reference));
                }
                let mut removals = if reference.kind == Kind::Namespace {
                    self.objects_in_namespace(&reference.name)
                } else {
                    Vec::new()
                };
                removals.push(reference);
                self.change_objects(Vec::new(), removals)
                    .map_err(UpdateErrorKind::Load)
            }
            Change::SetPodReady { pod, ready } => self.patch(pod, &[Kind::Pod], |object| {
                if let Object::Pod(pod) = object {
                    pod.ready = Some(ready);
                }
                Ok(())
            }),
            Change::SetPodTerminating { pod, terminating } => {
                self.patch(pod, &[Kind::Pod], |object| {
                    if let Object::Pod(pod) = object {
                        pod.terminating = terminating;
                    }
                    Ok(())
                })
            }
            Change::SetEndpointReady {
                slice,
                address,
                ready,
            } => self.patch(slice, &[Kind::EndpointSlice], |object| {
                let Object::EndpointSlice(slice) = object else {
                    return Ok(());
                };
                let mut found = false;
                for endpoint in &mut slice.endpoints {
                    if endpoint.addresses.contains(&address) {
                        endpoint.conditions.ready = Some(ready);
                        found = true;
                    }
                }
                if found {
                    Ok(())
                } else {
                    Err(format!("no endpoint has the address {address}"))
                }
            }),
            Change::SetServiceType {
                service,
                service_type,
            } => self.patch(service, &[Kind::Service], |object| {
                let Object::Service(service) = object else {
                    return Ok(());
                };
                set_service_type(service, service_type)
            }),
            Change::Scale { workload, replicas } => {
                let scalable = [
                    Kind::StatefulSet,
                    Kind::Deployment,
                    Kind::ReplicaSet,
                    Kind::ReplicationController,
                ];
                self.patch(workload, &scalable, |object| {
                    if let Object::Workload(workload) = object {
                        workload.set_replicas(replicas);
                    }
                    Ok(())
                })
            }
            Change::SetSelector { service, selector } => {
                self.patch(service, &[Kind::Service], |object| {
                    // The loader's rules for a selector (keys qualified names, values label
                    // values); the first problem is the error.
                    if let Some(selector) = &selector
                        && let Some((field, expected, found)) =
                            load::selector_problems("spec.selector", selector.labels())
                                .into_iter()
                                .next()
                    {
                        return Err(format!("{field}: expected {expected}, found {found}"));
                    }
                    if let Object::Service(service) = object {
                        service.selector = selector.filter(|selector| !selector.is_empty());
                    }
                    Ok(())
                })
            }
        }
    }

    /// `kubectl apply`: every object of the input is created or replaced.
    fn apply_manifests(&mut self, origin: &str, manifests: &str) -> Result<(), UpdateErrorKind> {
        let batch = load::parse_manifests_with(Some(origin), manifests, &self.load_limits)
            .map_err(|errors| UpdateErrorKind::Load(LoadErrors::new(errors)))?;
        let mut seen: HashMap<ObjectRef, Location> = HashMap::new();
        let mut duplicates = Vec::new();
        for loaded in &batch.objects {
            let reference = loaded.object.object_ref();
            match seen.get(&reference) {
                Some(first) => duplicates.push(
                    LoadError::new(
                        loaded.location.clone(),
                        LoadErrorKind::Duplicate {
                            first: first.clone(),
                        },
                    )
                    .with_object(reference),
                ),
                None => {
                    seen.insert(reference, loaded.location.clone());
                }
            }
        }
        if !duplicates.is_empty() {
            return Err(UpdateErrorKind::Load(LoadErrors::new(duplicates)));
        }
        let immutable: Vec<LoadError> = batch
            .objects
            .iter()
            .filter_map(|loaded| self.changed_immutable_field(loaded))
            .map(|mut error| {
                // Placed at the field as the manifest writes it (`clusterIP`, the one most
                // manifests state, for the checked `clusterIPs`).
                if let Some(field) = &error.field {
                    let written = if field == "spec.clusterIPs" {
                        "spec.clusterIP"
                    } else {
                        field
                    };
                    let mut placed = load::place_field(manifests, &error.location, written);
                    if placed.column.is_none() && written != field.as_str() {
                        placed = load::place_field(manifests, &error.location, field);
                    }
                    error.location = placed;
                }
                error
            })
            .collect();
        if !immutable.is_empty() {
            return Err(UpdateErrorKind::Load(LoadErrors::new(immutable)));
        }
        if !batch.skipped.is_empty() {
            // Applied again, a skipped object replaces itself rather than being listed twice.
            let skipped = Arc::make_mut(&mut self.skipped);
            for object in batch.skipped {
                let same = |listed: &SkippedObject| {
                    listed.api_version == object.api_version
                        && listed.kind == object.kind
                        && listed.namespace == object.namespace
                        && listed.name == object.name
                        && listed.name.is_some()
                };
                match skipped.iter_mut().find(|listed| same(listed)) {
                    Some(listed) => *listed = object,
                    None => skipped.push(object),
                }
            }
        }
        if let Some(corefile) = batch.corefiles.into_iter().next() {
            self.corefile = Some(Arc::new(corefile));
        }
        if let Some(files) = batch.custom_files {
            self.custom_files = Arc::new(files);
        }
        self.change_objects(batch.objects, Vec::new())
            .map_err(UpdateErrorKind::Load)
    }

    /// Replaces an object, which must be of one of the `kinds`, by a changed copy of itself.
    fn patch(
        &mut self,
        reference: ObjectRef,
        kinds: &[Kind],
        change: impl FnOnce(&mut Object) -> Result<(), String>,
    ) -> Result<(), UpdateErrorKind> {
        if !kinds.contains(&reference.kind) {
            let names: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
            return Err(UpdateErrorKind::Invalid {
                reason: format!(
                    "expected a reference to a {}, found one to a {}",
                    crate::error::one_of(&names),
                    reference.kind
                ),
                object: reference,
            });
        }
        let Some(loaded) = self.loaded(&reference) else {
            return Err(UpdateErrorKind::NotFound(reference));
        };
        let LoadedObject {
            mut object,
            location,
        } = loaded;
        change(&mut object).map_err(|reason| UpdateErrorKind::Invalid {
            object: reference,
            reason,
        })?;
        self.change_objects(vec![LoadedObject { object, location }], Vec::new())
            .map_err(UpdateErrorKind::Load)
    }

    /// Every object that lives in `namespace` and was loaded (Pods a workload made go with
    /// their workload).
    fn objects_in_namespace(&self, namespace: &str) -> Vec<ObjectRef> {
        let objects = &self.objects;
        let named = |kind: Kind, meta: &crate::model::ObjectMeta| {
            (meta.namespace == namespace)
                .then(|| ObjectRef::namespaced(kind, namespace, &meta.name))
        };
        let generated = self.index.generated_pods.values(namespace);
        let loaded_pods = objects
            .pods
            .iter()
            .filter(|(key, _)| generated.is_none_or(|generated| !generated.contains(*key)));
        objects
            .services
            .values()
            .filter_map(|s| named(Kind::Service, &s.object.meta))
            .chain(
                objects
                    .endpoints
                    .values()
                    .filter_map(|s| named(Kind::Endpoints, &s.object.meta)),
            )
            .chain(
                self.linked
                    .loaded_slices()
                    .filter_map(|(_, s)| named(Kind::EndpointSlice, &s.slice.meta)),
            )
            .chain(
                objects
                    .imports
                    .values()
                    .filter_map(|s| named(Kind::ServiceImport, &s.object.meta)),
            )
            .chain(loaded_pods.filter_map(|(_, s)| named(Kind::Pod, &s.object.meta)))
            .chain(
                objects
                    .workloads
                    .values()
                    .filter_map(|s| named(s.object.kind(), &s.object.meta)),
            )
            .collect()
    }

    /// A copy of a loaded object.
    fn loaded(&self, reference: &ObjectRef) -> Option<LoadedObject> {
        let key = object_key(reference);
        let (object, location) = match reference.kind {
            Kind::Service => {
                let source = self.objects.services.get(&key)?;
                (Object::Service(source.object.clone()), &source.location)
            }
            Kind::Endpoints => {
                let source = self.objects.endpoints.get(&key)?;
                (Object::Endpoints(source.object.clone()), &source.location)
            }
            Kind::EndpointSlice => {
                let loaded = self.linked.loaded_slice(&key)?;
                (
                    Object::EndpointSlice(loaded.slice.clone()),
                    &loaded.location,
                )
            }
            Kind::Pod => {
                let source = self.objects.pods.get(&key)?;
                (Object::Pod(source.object.clone()), &source.location)
            }
            Kind::ServiceImport => {
                let source = self.objects.imports.get(&key)?;
                (
                    Object::ServiceImport(source.object.clone()),
                    &source.location,
                )
            }
            kind if kind.is_workload() => {
                let source = self.objects.workloads.get(&key)?;
                (Object::Workload(source.object.clone()), &source.location)
            }
            Kind::Node => {
                let source = self.objects.nodes.get(&key)?;
                (Object::Node(source.object.clone()), &source.location)
            }
            _ => return None,
        };
        Some(LoadedObject {
            object: Box::new(object),
            location: location.clone(),
        })
    }
}

/// A Service's type changed the way the API server would accept it.
fn set_service_type(
    service: &mut crate::model::Service,
    service_type: ServiceType,
) -> Result<(), String> {
    let service_type = match service_type {
        ServiceType::ExternalName(target) => {
            let target = load::external_name(&target).map_err(|expected| {
                format!("spec.externalName: expected {expected}, found {target:?}")
            })?;
            service.cluster_ip = ClusterIpSpec::Unset;
            service.ip_families.clear();
            service.ip_family_policy = None;
            ServiceType::ExternalName(target)
        }
        other => {
            // The loader's rules for these fields (see `load::validate::service`).
            if other != ServiceType::ClusterIp && service.is_headless() {
                return Err(format!(
                    "spec.clusterIP: expected a cluster IP (a {} Service may not be headless), \
                     found \"None\"",
                    other.as_str()
                ));
            }
            if !service.is_headless() && service.ports.is_empty() {
                return Err(format!(
                    "spec.ports: expected at least one port (a {} Service that is not headless \
                     needs one), found none",
                    other.as_str()
                ));
            }
            other
        }
    };
    service.service_type = service_type;
    Ok(())
}
