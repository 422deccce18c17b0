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
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use super::Cluster;
use super::link::object_key;
use crate::error::{LoadError, LoadErrorKind, LoadErrors, Location};
use crate::load::{self, DEFAULT_MAX_INPUT_BYTES, LoadedObject, SkippedObject};
use crate::model::{ClusterIpSpec, Kind, Object, ObjectRef, Selector, ServiceType};

/// One change to a cluster.
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
    /// Delete an object.
    Delete(ObjectRef),
    /// Set the `Ready` condition of a Pod.
    SetPodReady {
        /// The Pod's namespace.
        namespace: String,
        /// The Pod's name.
        name: String,
        /// Ready or not.
        ready: bool,
    },
    /// Mark a Pod terminating (`metadata.deletionTimestamp` set), or not.
    SetPodTerminating {
        /// The Pod's namespace.
        namespace: String,
        /// The Pod's name.
        name: String,
        /// Terminating or not.
        terminating: bool,
    },
    /// Set `conditions.ready` of every endpoint with `address` in a loaded EndpointSlice.
    SetEndpointReady {
        /// The slice's namespace.
        namespace: String,
        /// The slice's name.
        slice: String,
        /// The endpoint address.
        address: IpAddr,
        /// Ready or not.
        ready: bool,
    },
    /// Change a Service's type. `external_name` is required for (and only used by)
    /// `ExternalName`; a Service leaving `ExternalName` gets a ClusterIP allocated.
    SetServiceType {
        /// The Service's namespace.
        namespace: String,
        /// The Service's name.
        name: String,
        /// The new type.
        service_type: ServiceType,
        /// The new `externalName`.
        external_name: Option<String>,
    },
    /// Scale a StatefulSet, Deployment or ReplicaSet (`spec.replicas`).
    Scale {
        /// The workload's kind.
        kind: Kind,
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
        /// The new replica count.
        replicas: u32,
    },
    /// Replace a Service's selector (`None`, or an empty map: selectorless).
    SetSelector {
        /// The Service's namespace.
        namespace: String,
        /// The Service's name.
        name: String,
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

    /// [`Change::SetPodReady`].
    pub fn pod_ready(namespace: impl Into<String>, name: impl Into<String>, ready: bool) -> Change {
        Change::SetPodReady {
            namespace: namespace.into(),
            name: name.into(),
            ready,
        }
    }

    /// [`Change::Scale`].
    pub fn scale(
        kind: Kind,
        namespace: impl Into<String>,
        name: impl Into<String>,
        replicas: u32,
    ) -> Change {
        Change::Scale {
            kind,
            namespace: namespace.into(),
            name: name.into(),
            replicas,
        }
    }

    /// [`Change::SetEndpointReady`].
    pub fn endpoint_ready(
        namespace: impl Into<String>,
        slice: impl Into<String>,
        address: IpAddr,
        ready: bool,
    ) -> Change {
        Change::SetEndpointReady {
            namespace: namespace.into(),
            slice: slice.into(),
            address,
            ready,
        }
    }
}

/// A change that could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateError {
    /// Which change of the batch, counted from 0.
    pub change: usize,
    /// What is wrong.
    pub kind: UpdateErrorKind,
}

impl fmt::Display for UpdateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "change {}: {}", self.change, self.kind)
    }
}

impl std::error::Error for UpdateError {}

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

/// The errors of a batch that was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateErrors {
    errors: Vec<UpdateError>,
}

impl UpdateErrors {
    /// The errors, in change order.
    pub fn errors(&self) -> &[UpdateError] {
        &self.errors
    }
}

impl fmt::Display for UpdateErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.as_slice() {
            [one] => write!(f, "{one}; nothing was changed"),
            many => {
                write!(f, "{} changes failed; nothing was changed:", many.len())?;
                for error in many {
                    write!(f, "\n  {error}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for UpdateErrors {}

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
            return Err(UpdateErrors { errors });
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
                self.change_objects(Vec::new(), vec![reference])
                    .map_err(UpdateErrorKind::Load)
            }
            Change::SetPodReady {
                namespace,
                name,
                ready,
            } => self.patch(Kind::Pod, &namespace, &name, |object| {
                if let Object::Pod(pod) = object {
                    pod.ready = Some(ready);
                }
                Ok(())
            }),
            Change::SetPodTerminating {
                namespace,
                name,
                terminating,
            } => self.patch(Kind::Pod, &namespace, &name, |object| {
                if let Object::Pod(pod) = object {
                    pod.terminating = terminating;
                }
                Ok(())
            }),
            Change::SetEndpointReady {
                namespace,
                slice,
                address,
                ready,
            } => self.patch(Kind::EndpointSlice, &namespace, &slice, |object| {
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
                namespace,
                name,
                service_type,
                external_name,
            } => self.patch(Kind::Service, &namespace, &name, |object| {
                let Object::Service(service) = object else {
                    return Ok(());
                };
                set_service_type(service, service_type, external_name)
            }),
            Change::Scale {
                kind,
                namespace,
                name,
                replicas,
            } => self.patch(kind, &namespace, &name, |object| {
                let scaled = match object {
                    Object::Workload(workload) => workload.set_replicas(replicas),
                    _ => false,
                };
                if scaled {
                    Ok(())
                } else {
                    Err(format!("a {kind} cannot be scaled"))
                }
            }),
            Change::SetSelector {
                namespace,
                name,
                selector,
            } => self.patch(Kind::Service, &namespace, &name, |object| {
                if let Object::Service(service) = object {
                    service.selector = selector.filter(|selector| !selector.is_empty());
                }
                Ok(())
            }),
        }
    }

    /// `kubectl apply`: every object of the input is created or replaced.
    fn apply_manifests(&mut self, origin: &str, manifests: &str) -> Result<(), UpdateErrorKind> {
        let batch = load::parse_manifests(Some(origin), manifests, DEFAULT_MAX_INPUT_BYTES)
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
        self.change_objects(batch.objects, Vec::new())
            .map_err(UpdateErrorKind::Load)
    }

    /// Replaces an object by a changed copy of itself.
    fn patch(
        &mut self,
        kind: Kind,
        namespace: &str,
        name: &str,
        change: impl FnOnce(&mut Object) -> Result<(), String>,
    ) -> Result<(), UpdateErrorKind> {
        let reference = ObjectRef::namespaced(kind, namespace, name);
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

    /// A copy of a loaded object.
    fn loaded(&self, reference: &ObjectRef) -> Option<LoadedObject> {
        let key = object_key(reference);
        let (object, location) = match reference.kind {
            Kind::Service => {
                let source = self.service_sources.get(&key)?;
                (Object::Service(source.object.clone()), &source.location)
            }
            Kind::Endpoints => {
                let source = self.endpoints_sources.get(&key)?;
                (Object::Endpoints(source.object.clone()), &source.location)
            }
            Kind::EndpointSlice => {
                let source = self.slice_sources.get(&key)?;
                (
                    Object::EndpointSlice(source.object.clone()),
                    &source.location,
                )
            }
            Kind::Pod => {
                let source = self.pods.get(&key)?;
                (Object::Pod(source.object.clone()), &source.location)
            }
            Kind::ServiceImport => {
                let source = self.import_sources.get(&key)?;
                (
                    Object::ServiceImport(source.object.clone()),
                    &source.location,
                )
            }
            Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => {
                let source = self.workload_sources.get(&key)?;
                (Object::Workload(source.object.clone()), &source.location)
            }
            _ => return None,
        };
        Some(LoadedObject {
            object,
            location: location.clone(),
        })
    }
}

/// A Service's type changed the way the API server would accept it.
fn set_service_type(
    service: &mut crate::model::Service,
    service_type: ServiceType,
    external_name: Option<String>,
) -> Result<(), String> {
    match service_type {
        ServiceType::ExternalName => {
            let Some(target) = external_name.map(|name| name.trim_end_matches('.').to_owned())
            else {
                return Err("type ExternalName needs an externalName".to_owned());
            };
            if target.is_empty() || hickory_proto::rr::Name::from_ascii(&target).is_err() {
                return Err(format!("externalName {target:?} is not a domain name"));
            }
            service.external_name = Some(target);
            service.cluster_ip = ClusterIpSpec::Unset;
            service.ip_families.clear();
            service.ip_family_policy = None;
        }
        other => {
            if other != ServiceType::ClusterIp && service.is_headless() {
                return Err(format!("a {} Service may not be headless", other.as_str()));
            }
            if !service.is_headless() && service.ports.is_empty() {
                return Err(format!("a {} Service needs ports", other.as_str()));
            }
            service.external_name = None;
        }
    }
    service.service_type = service_type;
    Ok(())
}
