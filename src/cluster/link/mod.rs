//! Incremental linking: what a batch of object changes does to the derived state.
//!
//! Every change goes through [`Cluster::change_objects`]: loading from scratch is the same
//! call on an empty cluster with every object as an insert. A change records which Services and
//! ServiceImports it may have affected ("dirty" keys) and only those are linked again:
//!
//! - a Service: itself;
//! - an Endpoints object: the Service of its name (mirroring);
//! - an EndpointSlice: the Service (or ServiceImport) its label names, before and after;
//! - a Pod: the Services whose selector matches it, before and after, and (for a Pod from the
//!   input) its namespace's pass, whose workloads may adopt or release it and whose Pods
//!   without a status of their own are started again around its address;
//! - a workload: its namespace's pass (its workloads expanded again, its Pods started again);
//! - a Node: the pass of every namespace that has one (a Pod's node, subnet and host
//!   addresses depend on the nodes), and the Services selecting the Pods bound to it (an
//!   endpoint's zone, and whether it is left out for a missing node);
//! - a Namespace: nothing beyond its own index.
//!
//! Addresses handed out (allocated ClusterIPs, the Pod IPs of workload Pods and of Pods started
//! without a status) stay with their object across changes, as in a real cluster; a namespace's
//! pass hands its Pods' addresses out again in name order, so within a namespace they come out
//! as a fresh load's. A live cluster and a fresh load of its final manifests can therefore
//! differ in which address a Service or Pod got, when a later change states an address that was
//! handed out, changes a stated ClusterIP to none, or makes two allocations (of different
//! namespaces, or a ClusterIP) collide in another order. Everything else agrees
//! (`tests/updates.rs`, `tests/pods.rs`).
//!
//! Linking a Service drops what it derived before (its ClusterIP ownership, its mirrored
//! slices and their index entries), then works out its ClusterIPs, its slices and its ready
//! addresses again (`services`, `slices`); a namespace's pass expands its workloads again,
//! starts its Pods that have no status of their own, and applies the difference to its Pods
//! (`workloads`). The cost of a change is
//! therefore the size of the objects it touches, not the size of the cluster: every map is
//! persistent, so updating one entry copies one path. Every index changes through
//! [`Index`](super::index::Index)'s methods only.

mod services;
mod slices;
mod workloads;

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use super::index::label_pair;
use super::{Cluster, Key, Sourced, key};
use crate::error::{LoadError, LoadErrorKind, LoadErrors, Location};
use crate::load::LoadedObject;
use crate::model::{Kind, Object, ObjectRef, Pod, PodStatusSource};

/// What a batch may have affected.
#[derive(Default)]
struct Dirty {
    services: BTreeSet<Key>,
    imports: BTreeSet<Key>,
    /// Namespaces whose pass must run again (workloads expanded, Pods started).
    workloads: BTreeSet<Key>,
    /// Nodes added, changed or removed.
    nodes: BTreeSet<Key>,
}

impl Dirty {
    /// The owners a slice's labels name are linked again.
    fn owners(&mut self, (service, import): (Option<Key>, Option<Key>)) {
        self.services.extend(service);
        self.imports.extend(import);
    }
}

impl Cluster {
    /// Removes `removals`, then inserts (or replaces) `upserts`, and links again whatever they
    /// touch.
    ///
    /// # Errors
    /// A Service that needs a ClusterIP its service CIDR cannot give. The cluster is then left
    /// half-changed: callers change a clone and drop it on error.
    pub(crate) fn change_objects(
        &mut self,
        upserts: Vec<LoadedObject>,
        removals: Vec<ObjectRef>,
    ) -> Result<(), LoadErrors> {
        let mut dirty = Dirty::default();
        for reference in &removals {
            self.remove_object(reference, &mut dirty);
        }
        for loaded in upserts {
            let reference = loaded.object.object_ref();
            if reference.kind == Kind::EndpointSlice
                && let Some(old) = self.linked.loaded_slice(&object_key(&reference)).cloned()
            {
                self.replace_loaded_slice(&reference, &old.slice, loaded, &mut dirty);
                continue;
            }
            let mut loaded = loaded;
            if let Object::Pod(pod) = &mut *loaded.object {
                let key = object_key(&reference);
                let started = matches!(pod.status_source, PodStatusSource::Simulated { .. });
                if self.is_generated_key(&reference)
                    || (started && self.objects.pods.contains_key(&key))
                {
                    // The status of a Pod the simulator started changed (its readiness, say):
                    // its owner still wants it where it is, so it is replaced without a pass.
                    self.remove_pod(&key, &mut dirty);
                    self.insert_pod(key, pod.clone(), loaded.location, &mut dirty);
                    continue;
                }
                self.keep_status(&key, pod);
            }
            self.remove_object(&reference, &mut dirty);
            self.insert_object(loaded, &mut dirty);
        }
        let mut namespaces = std::mem::take(&mut dirty.workloads);
        if !dirty.nodes.is_empty() {
            namespaces.extend(self.index.namespaces_with_pass());
            for node in std::mem::take(&mut dirty.nodes) {
                let pods: Vec<Key> = self.index.pods_by_node.get(&node).cloned().collect();
                for pod in pods {
                    if let Some(source) = self.objects.pods.get(&pod).cloned() {
                        dirty.services.extend(self.selecting(&source.object));
                    }
                }
            }
        }
        let mut errors = Vec::new();
        let nodes = (!namespaces.is_empty()).then(|| self.node_set());
        for namespace in &namespaces {
            let Some(nodes) = &nodes else { break };
            if let Err(error) = self.expand_workloads(namespace, nodes, &mut dirty) {
                errors.push(*error);
            }
        }
        if !errors.is_empty() {
            return Err(LoadErrors::new(errors));
        }
        self.link_imports(&dirty.imports);
        let result = self.link_services(&dirty.services);
        self.diagnostics = Arc::new(OnceLock::new());
        result?;
        self.check_object_limits()
    }

    /// The Pods the cluster holds, within [`ObjectLimits`](crate::ObjectLimits) (the Pods the
    /// input states count; the workloads' were checked before they were made, the endpoints
    /// as each Service is linked).
    fn check_object_limits(&self) -> Result<(), LoadErrors> {
        let limits = self.limits;
        let pods = self.objects.pods.size();
        if pods <= limits.pods {
            return Ok(());
        }
        // The error names the last Pod of the input, the one past the limit.
        let last = self.objects.pods.values().max_by_key(|source| {
            let location = &source.location;
            (location.document, location.item, location.line)
        });
        if let Some(source) = last {
            let expected = format!(
                "at most {} Pods in the cluster (ObjectLimits::pods)",
                limits.pods
            );
            return Err(LoadErrors::from(
                LoadError::new(
                    source.location.clone(),
                    LoadErrorKind::Invalid {
                        expected,
                        found: format!("{pods} Pods"),
                    },
                )
                .with_object(ObjectRef::namespaced(
                    Kind::Pod,
                    &source.object.meta.namespace,
                    &source.object.meta.name,
                )),
            ));
        }
        Ok(())
    }

    /// `kubectl apply` of a Pod without `status` over one the simulator started keeps the status
    /// it had (status is not part of an apply): its readiness and termination.
    fn keep_status(&self, key: &Key, pod: &mut Pod) {
        if pod.status_source != PodStatusSource::Unstarted {
            return;
        }
        if let Some(old) = self.objects.pods.get(key)
            && old.object.is_simulated()
        {
            pod.ready = pod.ready.or(old.object.ready);
            pod.terminating |= old.object.terminating;
        }
    }

    /// Whether an object with this identity is loaded.
    pub(crate) fn contains(&self, reference: &ObjectRef) -> bool {
        let key = object_key(reference);
        let objects = &self.objects;
        match reference.kind {
            Kind::Service => objects.services.contains_key(&key),
            Kind::Endpoints => objects.endpoints.contains_key(&key),
            Kind::EndpointSlice => self.linked.loaded_slice(&key).is_some(),
            Kind::Pod => objects.pods.contains_key(&key),
            Kind::Namespace => objects.namespaces.contains_key(&key),
            Kind::ServiceImport => objects.imports.contains_key(&key),
            kind if kind.is_workload() => objects.workloads.contains_key(&key),
            Kind::Node => objects.nodes.contains_key(&key),
            _ => false,
        }
    }

    fn remove_object(&mut self, reference: &ObjectRef, dirty: &mut Dirty) {
        let key = object_key(reference);
        match reference.kind {
            Kind::Service => {
                if let Some(source) = self.objects.services.get(&key).cloned() {
                    self.objects.services.remove_mut(&key);
                    self.index.remove_service(&key, &source.object);
                    dirty.services.insert(key);
                }
            }
            Kind::Endpoints => {
                if let Some(source) = self.objects.endpoints.get(&key).cloned() {
                    self.objects.endpoints.remove_mut(&key);
                    self.index
                        .count_in_namespace(&source.object.meta.namespace, false);
                    dirty.services.insert(key);
                }
            }
            Kind::EndpointSlice => {
                if let Some(loaded) = self.linked.loaded_slice(&key).cloned() {
                    self.drop_loaded_slice(&key, &loaded.slice, dirty);
                }
            }
            // Deleting a workload's Pod: its controller makes it again.
            Kind::Pod if self.remove_pod(&key, dirty) => {
                self.workloads_changed(reference.namespace.as_deref(), dirty);
            }
            kind if kind.is_workload() => {
                if let Some(source) = self.objects.workloads.get(&key).cloned() {
                    self.objects.workloads.remove_mut(&key);
                    let namespace = &source.object.meta.namespace;
                    self.index.remove_workload(&key, namespace);
                    dirty.workloads.insert(super::key_of_namespace(namespace));
                }
            }
            Kind::Namespace => {
                self.objects.namespaces.remove_mut(&key);
            }
            Kind::Node if self.objects.nodes.contains_key(&key) => {
                self.objects.nodes.remove_mut(&key);
                dirty.nodes.insert(key);
            }
            Kind::ServiceImport => {
                if let Some(source) = self.objects.imports.get(&key).cloned() {
                    self.objects.imports.remove_mut(&key);
                    self.index
                        .count_in_namespace(&source.object.meta.namespace, false);
                    dirty.imports.insert(key);
                }
            }
            _ => {}
        }
    }

    fn insert_object(&mut self, loaded: LoadedObject, dirty: &mut Dirty) {
        let LoadedObject { object, location } = loaded;
        let key = object_key(&object.object_ref());
        match *object {
            Object::Service(object) => {
                self.index.add_service(&key, &object);
                self.objects
                    .services
                    .insert_mut(key.clone(), Arc::new(Sourced { object, location }));
                dirty.services.insert(key);
            }
            Object::Endpoints(object) => {
                self.index.count_in_namespace(&object.meta.namespace, true);
                self.objects
                    .endpoints
                    .insert_mut(key.clone(), Arc::new(Sourced { object, location }));
                dirty.services.insert(key);
            }
            Object::EndpointSlice(slice) => {
                self.add_loaded_slice(&key, slice, location, dirty);
            }
            Object::Pod(pod) => {
                let namespace = pod.meta.namespace.clone();
                self.insert_pod(key, pod, location, dirty);
                self.workloads_changed(Some(&namespace), dirty);
            }
            Object::Workload(workload) => {
                let namespace = super::key_of_namespace(&workload.meta.namespace);
                self.index.add_workload(&key, &namespace);
                let source = Arc::new(Sourced {
                    object: workload,
                    location,
                });
                self.objects.workloads.insert_mut(key, source);
                dirty.workloads.insert(namespace);
            }
            Object::Namespace(object) => {
                self.objects
                    .namespaces
                    .insert_mut(key, Arc::new(Sourced { object, location }));
            }
            Object::Node(object) => {
                self.objects
                    .nodes
                    .insert_mut(key.clone(), Arc::new(Sourced { object, location }));
                dirty.nodes.insert(key);
            }
            Object::ServiceImport(object) => {
                self.index.count_in_namespace(&object.meta.namespace, true);
                self.objects
                    .imports
                    .insert_mut(key.clone(), Arc::new(Sourced { object, location }));
                dirty.imports.insert(key);
            }
        }
    }

    fn insert_pod(&mut self, key: Key, pod: Pod, location: Location, dirty: &mut Dirty) {
        self.index.add_pod(&key, &pod);
        for service in self.selecting(&pod) {
            self.index.add_member(&service, &key);
            dirty.services.insert(service);
        }
        let source = Arc::new(Sourced {
            object: pod,
            location,
        });
        self.objects.pods.insert_mut(key, source);
    }

    fn remove_pod(&mut self, key: &Key, dirty: &mut Dirty) -> bool {
        let Some(source) = self.objects.pods.get(key).cloned() else {
            return false;
        };
        self.objects.pods.remove_mut(key);
        self.index.remove_pod(key, &source.object);
        for service in self.selecting(&source.object) {
            self.index.remove_member(&service, key);
            dirty.services.insert(service);
        }
        true
    }

    /// The Services of `pod`'s namespace whose selector matches it: looked up under each of
    /// its label pairs (see `Index::selectors_by_label`).
    fn selecting(&self, pod: &Pod) -> Vec<Key> {
        let meta = &pod.meta;
        let candidates: Vec<Key> = meta
            .labels
            .iter()
            .flat_map(|(name, value)| {
                let pair = label_pair(&meta.namespace, name, value);
                self.index
                    .selectors_by_label
                    .get(&pair)
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect();
        candidates
            .into_iter()
            .filter(|service| {
                self.objects.services.get(service).is_some_and(|source| {
                    source
                        .object
                        .selector
                        .as_ref()
                        .is_some_and(|selector| selector.matches(&pod.meta.labels))
                })
            })
            .collect()
    }
}

/// The key of an object: `namespace/name`, or the name of a cluster-scoped one; workloads,
/// which share one map, are prefixed with their kind.
pub(crate) fn object_key(reference: &ObjectRef) -> Key {
    match (&reference.namespace, reference.kind) {
        (Some(namespace), kind) if kind.is_workload() => {
            format!("{} {namespace}/{}", reference.kind, reference.name).into()
        }
        (Some(namespace), _) => key(namespace, &reference.name),
        (None, _) => reference.name.as_str().into(),
    }
}
