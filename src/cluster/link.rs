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
//!   input) its namespace's workloads, which may adopt or release it;
//! - a workload: its namespace's workloads, expanded again;
//! - a Namespace: nothing beyond its own index.
//!
//! Addresses handed out (allocated ClusterIPs, workload Pod IPs) stay with their object across
//! changes, as in a real cluster; a live cluster and a fresh load of its final manifests can
//! therefore differ in which address a Service or workload Pod got, when a later change states
//! an address that was handed out, changes a stated ClusterIP to none, or makes two allocations
//! collide in another order. Everything else agrees (`tests/updates.rs`).
//!
//! Linking a Service drops what it derived before (its ClusterIP ownership, its mirrored
//! slices and their index entries), then works out its ClusterIPs, its slices and its ready
//! addresses again. The cost of a change is therefore the size of the objects it touches, not
//! the size of the cluster: every map is persistent, so updating one entry copies one path.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use super::allocate::allocate;
use super::mirror;
use super::{
    Cluster, ClusterImport, ClusterService, ClusterSlice, Key, LinkedSlices, Map, ServiceCidrs,
    Set, SliceOrigin, Sourced, key,
};
use crate::controller;
use crate::error::{LoadError, LoadErrorKind, LoadErrors};
use crate::load::LoadedObject;
use crate::model::Workload;
use crate::model::{
    AddressType, ClusterIpSpec, EndpointSlice, IpFamily, IpFamilyPolicy, Kind, Object, ObjectRef,
    Pod, Service,
};
use crate::workload;

/// What a batch may have affected.
#[derive(Default)]
struct Dirty {
    services: BTreeSet<Key>,
    imports: BTreeSet<Key>,
    /// Namespaces whose workloads must be expanded again.
    workloads: BTreeSet<Key>,
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
                && let Some(old) = self.slice_sources.get(&object_key(&reference)).cloned()
            {
                self.replace_loaded_slice(&reference, &old.object, loaded, &mut dirty);
                continue;
            }
            if let Object::Pod(pod) = &loaded.object
                && self.is_generated_key(&reference)
            {
                // A workload's Pod changed (its readiness, say): the workload still wants it,
                // so it is replaced without expanding the workload again.
                let key = object_key(&reference);
                self.remove_pod(&key, &mut dirty);
                self.insert_pod(key, pod.clone(), loaded.location, &mut dirty);
                continue;
            }
            self.remove_object(&reference, &mut dirty);
            self.insert_object(loaded, &mut dirty);
        }
        let namespaces = std::mem::take(&mut dirty.workloads);
        for namespace in &namespaces {
            self.expand_workloads(namespace, &mut dirty);
        }
        self.link_imports(&dirty.imports);
        let result = self.link_services(&dirty.services);
        self.diagnostics = Arc::new(OnceLock::new());
        result
    }

    /// Whether an object with this identity is loaded.
    pub(crate) fn contains(&self, reference: &ObjectRef) -> bool {
        let key = object_key(reference);
        match reference.kind {
            Kind::Service => self.service_sources.contains_key(&key),
            Kind::Endpoints => self.endpoints_sources.contains_key(&key),
            Kind::EndpointSlice => self.slice_sources.contains_key(&key),
            Kind::Pod => self.pods.contains_key(&key),
            Kind::Namespace => self.namespace_objects.contains_key(&key),
            Kind::ServiceImport => self.import_sources.contains_key(&key),
            Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => {
                self.workload_sources.contains_key(&key)
            }
            _ => false,
        }
    }

    fn remove_object(&mut self, reference: &ObjectRef, dirty: &mut Dirty) {
        let key = object_key(reference);
        let removed = match reference.kind {
            Kind::Service => match self.service_sources.get(&key).cloned() {
                Some(source) => {
                    self.service_sources.remove_mut(&key);
                    let namespace = super::key_of_namespace(&source.object.meta.namespace);
                    remove_from(&mut self.selector_services, &namespace, &key);
                    self.members.remove_mut(&key);
                    true
                }
                None => false,
            },
            Kind::Endpoints => self.endpoints_sources.remove_mut(&key),
            Kind::EndpointSlice => match self.slice_sources.get(&key).cloned() {
                Some(source) => {
                    self.slice_sources.remove_mut(&key);
                    self.drop_loaded_slice(&key, &source.object, dirty);
                    true
                }
                None => false,
            },
            Kind::Pod => {
                let removed = self.remove_pod(&key, dirty);
                if removed {
                    // Deleting a workload's Pod: its controller makes it again.
                    self.workloads_changed(reference.namespace.as_deref(), dirty);
                }
                removed
            }
            Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => {
                let removed = self.workload_sources.remove_mut(&key);
                if removed && let Some(namespace) = &reference.namespace {
                    let namespace = super::key_of_namespace(namespace);
                    remove_from(&mut self.workloads_by_namespace, &namespace, &key);
                    dirty.workloads.insert(namespace);
                }
                removed
            }
            Kind::Namespace => {
                self.namespace_objects.remove_mut(&key);
                false
            }
            Kind::ServiceImport => self.import_sources.remove_mut(&key),
            _ => false,
        };
        if !removed {
            return;
        }
        match reference.kind {
            Kind::Service | Kind::Endpoints => {
                dirty.services.insert(key);
            }
            Kind::ServiceImport => {
                dirty.imports.insert(key);
            }
            _ => {}
        }
        // Pods count themselves (in `remove_pod`), workload-made ones included.
        if let Some(namespace) = &reference.namespace
            && reference.kind != Kind::Pod
        {
            self.use_namespace(namespace, false);
        }
    }

    fn insert_object(&mut self, loaded: LoadedObject, dirty: &mut Dirty) {
        let LoadedObject { object, location } = loaded;
        let reference = object.object_ref();
        let key = object_key(&reference);
        if let Some(namespace) = &reference.namespace
            && reference.kind != Kind::Pod
        {
            self.use_namespace(namespace, true);
        }
        match object {
            Object::Service(object) => {
                if object.selector.is_some() {
                    add_to(
                        &mut self.selector_services,
                        super::key_of_namespace(&object.meta.namespace),
                        key.clone(),
                    );
                }
                self.service_sources
                    .insert_mut(key.clone(), Arc::new(Sourced { object, location }));
                dirty.services.insert(key);
            }
            Object::Endpoints(object) => {
                self.endpoints_sources
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
                add_to(
                    &mut self.workloads_by_namespace,
                    namespace.clone(),
                    key.clone(),
                );
                self.workload_sources.insert_mut(
                    key,
                    Arc::new(Sourced {
                        object: workload,
                        location,
                    }),
                );
                dirty.workloads.insert(namespace);
            }
            Object::Namespace(object) => {
                self.namespace_objects
                    .insert_mut(key, Arc::new(Sourced { object, location }));
            }
            Object::ServiceImport(object) => {
                self.import_sources
                    .insert_mut(key.clone(), Arc::new(Sourced { object, location }));
                dirty.imports.insert(key);
            }
        }
    }

    fn insert_pod(
        &mut self,
        key: Key,
        pod: Pod,
        location: crate::error::Location,
        dirty: &mut Dirty,
    ) {
        self.use_namespace(&pod.meta.namespace, true);
        if let Some(ip) = pod.pod_ips.first() {
            add_to(&mut self.pods_by_ip, *ip, key.clone());
        }
        let namespace = super::key_of_namespace(&pod.meta.namespace);
        add_to(&mut self.pods_by_namespace, namespace.clone(), key.clone());
        for service in self.selecting(&namespace, &pod) {
            add_to(&mut self.members, service.clone(), key.clone());
            dirty.services.insert(service);
        }
        self.pods.insert_mut(
            key,
            Arc::new(Sourced {
                object: pod,
                location,
            }),
        );
    }

    fn remove_pod(&mut self, key: &Key, dirty: &mut Dirty) -> bool {
        let Some(source) = self.pods.get(key).cloned() else {
            return false;
        };
        self.pods.remove_mut(key);
        self.use_namespace(&source.object.meta.namespace, false);
        if let Some(ip) = source.object.pod_ips.first() {
            remove_from(&mut self.pods_by_ip, ip, key);
        }
        let namespace = super::key_of_namespace(&source.object.meta.namespace);
        remove_from(&mut self.pods_by_namespace, &namespace, key);
        for service in self.selecting(&namespace, &source.object) {
            remove_from(&mut self.members, &service, key);
            dirty.services.insert(service);
        }
        true
    }

    /// Whether a Pod was made by a workload.
    fn is_generated_key(&self, reference: &ObjectRef) -> bool {
        let Some(namespace) = reference.namespace.as_deref() else {
            return false;
        };
        self.generated_pods
            .get(namespace)
            .is_some_and(|pods| pods.contains(&object_key(reference)))
    }

    /// An input Pod changed in `namespace`: its workloads may adopt or release it.
    fn workloads_changed(&self, namespace: Option<&str>, dirty: &mut Dirty) {
        if let Some(namespace) = namespace
            && self.workloads_by_namespace.contains_key(namespace)
        {
            dirty.workloads.insert(namespace.into());
        }
    }

    /// Expands the workloads of a namespace again and applies the difference to its Pods:
    /// Pods that stay the same are not touched, so a change costs the namespace's workload
    /// Pods, not the cluster.
    fn expand_workloads(&mut self, namespace: &Key, dirty: &mut Dirty) {
        let old: Set<Key> = self
            .generated_pods
            .get(namespace)
            .cloned()
            .unwrap_or_else(Set::new_sync);
        let workloads: Vec<Arc<Sourced<Workload>>> = self
            .workloads_by_namespace
            .get(namespace)
            .into_iter()
            .flat_map(|keys| keys.iter())
            .filter_map(|key| self.workload_sources.get(key).cloned())
            .collect();
        let existing: Vec<Arc<Sourced<Pod>>> = self
            .pods_by_namespace
            .get(namespace)
            .into_iter()
            .flat_map(|keys| keys.iter())
            .filter(|key| !old.contains(*key))
            .filter_map(|key| self.pods.get(key).cloned())
            .collect();
        let expansion = {
            let workload_refs: Vec<&Workload> = workloads.iter().map(|w| &w.object).collect();
            let existing_refs: Vec<&Pod> = existing.iter().map(|p| &p.object).collect();
            // Every address stated elsewhere is taken; this namespace's own workload Pods are
            // being made again and keep theirs by determinism.
            let is_taken = |ip: &IpAddr| {
                self.ip_owners.contains_key(ip)
                    || self
                        .pods_by_ip
                        .get(ip)
                        .is_some_and(|pods| pods.iter().any(|pod| !old.contains(pod)))
                    || self
                        .endpoints_by_address
                        .get(ip)
                        .is_some_and(|entries| entries.iter().any(|(id, _)| id.starts_with("L ")))
            };
            workload::expand(
                &workload_refs,
                &existing_refs,
                &is_taken,
                &self.workload_config,
            )
        };
        let locations: BTreeMap<(String, String), crate::error::Location> = workloads
            .iter()
            .map(|w| {
                let meta = &w.object.meta;
                (
                    (meta.namespace.clone(), meta.name.clone()),
                    w.location.clone(),
                )
            })
            .collect();
        let mut new = Set::new_sync();
        for mut pod in expansion.pods {
            let key = super::key(&pod.meta.namespace, &pod.meta.name);
            new.insert_mut(key.clone());
            // Status belongs to the Pod, not its workload: a Pod made before keeps its
            // readiness and termination (the readiness annotations set them at creation).
            if old.contains(&key)
                && let Some(existing) = self.pods.get(&key)
            {
                pod.ready = existing.object.ready;
                pod.terminating = existing.object.terminating;
            }
            if self
                .pods
                .get(&key)
                .is_some_and(|existing| existing.object == pod)
            {
                continue;
            }
            self.remove_pod(&key, dirty);
            let location = owner_location(&pod, &locations);
            self.insert_pod(key, pod, location, dirty);
        }
        for key in old.iter() {
            if !new.contains(key) {
                self.remove_pod(key, dirty);
            }
        }
        if new.is_empty() {
            self.generated_pods.remove_mut(namespace);
        } else {
            self.generated_pods.insert_mut(namespace.clone(), new);
        }
    }

    /// The Services of `namespace` whose selector matches `pod`.
    fn selecting(&self, namespace: &Key, pod: &Pod) -> Vec<Key> {
        self.selector_services
            .get(namespace)
            .into_iter()
            .flat_map(|services| services.iter())
            .filter(|service| {
                self.service_sources.get(*service).is_some_and(|source| {
                    source
                        .object
                        .selector
                        .as_ref()
                        .is_some_and(|selector| selector.matches(&pod.meta.labels))
                })
            })
            .cloned()
            .collect()
    }

    /// Counts an object in or out of its namespace, which exists while any object lives in it.
    fn use_namespace(&mut self, namespace: &str, added: bool) {
        let count = self.namespace_use.get(namespace).copied().unwrap_or(0);
        let count = if added {
            count + 1
        } else {
            count.saturating_sub(1)
        };
        if count == 0 {
            self.namespace_use.remove_mut(namespace);
        } else {
            self.namespace_use.insert_mut(namespace.into(), count);
        }
    }

    fn add_loaded_slice(
        &mut self,
        key: &Key,
        slice: EndpointSlice,
        location: crate::error::Location,
        dirty: &mut Dirty,
    ) {
        let id = loaded_slice_id(key);
        let namespace = slice.meta.namespace.clone();
        if slice.address_type != AddressType::Fqdn {
            if let Some(service) = slice.service_name() {
                let service = super::key(&namespace, service);
                add_to(&mut self.slices_by_service, service.clone(), id.clone());
                dirty.services.insert(service);
            }
            if let Some(import) = slice.multicluster_service_name() {
                let import = super::key(&namespace, import);
                add_to(&mut self.slices_by_import, import.clone(), id.clone());
                dirty.imports.insert(import);
            }
        }
        self.index_slice(&id, &slice);
        self.slice_sources.insert_mut(
            key.clone(),
            Arc::new(Sourced {
                object: slice.clone(),
                location: location.clone(),
            }),
        );
        self.slices.insert_mut(
            id,
            Arc::new(ClusterSlice {
                slice,
                origin: SliceOrigin::Loaded,
                location,
            }),
        );
    }

    fn drop_loaded_slice(&mut self, key: &Key, slice: &EndpointSlice, dirty: &mut Dirty) {
        let id = loaded_slice_id(key);
        let namespace = &slice.meta.namespace;
        if let Some(service) = slice.service_name() {
            let service = super::key(namespace, service);
            remove_from(&mut self.slices_by_service, &service, &id);
            dirty.services.insert(service);
        }
        if let Some(import) = slice.multicluster_service_name() {
            let import = super::key(namespace, import);
            remove_from(&mut self.slices_by_import, &import, &id);
            dirty.imports.insert(import);
        }
        self.unindex_slice(&id, slice);
        self.slices.remove_mut(&id);
    }

    /// Replaces a loaded slice, touching only the index entries that differ (a readiness flip
    /// changes one address, whatever the size of the slice or the cluster).
    fn replace_loaded_slice(
        &mut self,
        reference: &ObjectRef,
        old: &EndpointSlice,
        loaded: LoadedObject,
        dirty: &mut Dirty,
    ) {
        let Object::EndpointSlice(new) = loaded.object else {
            return;
        };
        let key = object_key(reference);
        if old.meta.labels != new.meta.labels || old.address_type != new.address_type {
            // Relinked to other owners: the plain way.
            self.remove_object(reference, dirty);
            self.insert_object(
                LoadedObject {
                    object: Object::EndpointSlice(new),
                    location: loaded.location,
                },
                dirty,
            );
            return;
        }
        let id = loaded_slice_id(&key);
        let before = index_entries(&id, old);
        let after = index_entries(&id, &new);
        for (address, entry) in before.difference(&after) {
            remove_from(&mut self.endpoints_by_address, address, entry);
        }
        for (address, entry) in after.difference(&before) {
            add_to(&mut self.endpoints_by_address, *address, entry.clone());
        }
        let namespace = &new.meta.namespace;
        if new.address_type != AddressType::Fqdn {
            if let Some(service) = new.service_name() {
                dirty.services.insert(super::key(namespace, service));
            }
            if let Some(import) = new.multicluster_service_name() {
                dirty.imports.insert(super::key(namespace, import));
            }
        }
        self.slice_sources.insert_mut(
            key,
            Arc::new(Sourced {
                object: new.clone(),
                location: loaded.location.clone(),
            }),
        );
        self.slices.insert_mut(
            id,
            Arc::new(ClusterSlice {
                slice: new,
                origin: SliceOrigin::Loaded,
                location: loaded.location,
            }),
        );
    }

    /// Adds a slice's ready addresses to the reverse index. Only slices naming a Service are
    /// indexed: CoreDNS indexes every slice, but for one without the label it would build a
    /// PTR name with an empty label, which it cannot send; the simulator answers NXDOMAIN.
    fn index_slice(&mut self, id: &Key, slice: &EndpointSlice) {
        if slice.service_name().is_none() {
            return;
        }
        for (index, endpoint) in slice.endpoints.iter().enumerate() {
            if !endpoint.is_ready() {
                continue;
            }
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            for address in &endpoint.addresses {
                add_to(
                    &mut self.endpoints_by_address,
                    *address,
                    (id.clone(), index),
                );
            }
        }
    }

    fn unindex_slice(&mut self, id: &Key, slice: &EndpointSlice) {
        for (index, endpoint) in slice.endpoints.iter().enumerate() {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            for address in &endpoint.addresses {
                remove_from(
                    &mut self.endpoints_by_address,
                    address,
                    &(id.clone(), index),
                );
            }
        }
    }

    fn link_imports(&mut self, dirty: &BTreeSet<Key>) {
        for key in dirty {
            let Some(source) = self.import_sources.get(key).cloned() else {
                self.imports.remove_mut(key);
                continue;
            };
            let slices = self.loaded_slices(&self.slices_by_import, key);
            self.imports.insert_mut(
                key.clone(),
                Arc::new(ClusterImport {
                    source,
                    linked: LinkedSlices::new(slices),
                }),
            );
        }
    }

    /// The loaded slices `index` lists under `key`, sorted by name.
    fn loaded_slices(&self, index: &Map<Key, Set<Key>>, key: &Key) -> Vec<Arc<ClusterSlice>> {
        index
            .get(key)
            .into_iter()
            .flat_map(|ids| ids.iter())
            .filter_map(|id| self.slices.get(id).cloned())
            .collect()
    }

    /// Links the dirty Services again: explicit ClusterIPs are claimed first, then Services in
    /// key order keep or allocate theirs, so that a first load allocates the same way every
    /// time (later batches keep what was allocated, see the module documentation).
    fn link_services(&mut self, dirty: &BTreeSet<Key>) -> Result<(), LoadErrors> {
        let mut previous: BTreeMap<Key, Arc<ClusterService>> = BTreeMap::new();
        // Services whose object is the same as before (only their endpoints changed) keep their
        // ClusterIPs without touching the ownership index.
        let mut unchanged: BTreeSet<Key> = BTreeSet::new();
        for key in dirty {
            if let Some(old) = self.services.get(key).cloned() {
                let same = self
                    .service_sources
                    .get(key)
                    .is_some_and(|source| Arc::ptr_eq(source, &old.source));
                self.unlink_service(key, &old, !same);
                if same {
                    unchanged.insert(key.clone());
                }
                previous.insert(key.clone(), old);
            }
        }
        for key in dirty.difference(&unchanged) {
            if let Some(source) = self.service_sources.get(key).cloned()
                && let ClusterIpSpec::Ips(ips) = &source.object.cluster_ip
            {
                for ip in ips {
                    add_to(&mut self.ip_owners, *ip, key.clone());
                }
            }
        }
        let mut errors = Vec::new();
        for key in dirty {
            let Some(source) = self.service_sources.get(key).cloned() else {
                continue;
            };
            let kept = unchanged
                .contains(key)
                .then(|| previous.get(key).map(|old| old.cluster_ips.clone()))
                .flatten();
            let cluster_ips = match kept {
                Some(ips) => Ok(ips),
                None => self.cluster_ips(key, &source, previous.get(key)),
            };
            let cluster_ips = match cluster_ips {
                Ok(ips) => ips,
                Err(error) => {
                    errors.push(*error);
                    Vec::new()
                }
            };
            if !unchanged.contains(key) {
                self.recompute_members(key, &source.object);
            }
            let slices = self.link_slices(key, &source, &cluster_ips);
            let service = ClusterService {
                source,
                cluster_ips,
                linked: LinkedSlices::new(slices),
            };
            self.services.insert_mut(key.clone(), Arc::new(service));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(LoadErrors::new(errors))
        }
    }

    /// Drops what a Service derived: its mirrored slices and (with `release_ips`) its
    /// ClusterIP ownership.
    fn unlink_service(&mut self, key: &Key, old: &ClusterService, release_ips: bool) {
        for slice in &old.linked.slices {
            if slice.origin != SliceOrigin::Loaded {
                let id = derived_slice_id(&slice.slice);
                self.unindex_slice(&id, &slice.slice);
                self.slices.remove_mut(&id);
            }
        }
        if release_ips {
            for ip in &old.cluster_ips {
                remove_from(&mut self.ip_owners, ip, key);
            }
        }
        self.services.remove_mut(key);
    }

    /// The ClusterIPs of a Service: those it states; otherwise those it had, while they are of
    /// a family it still wants; otherwise newly allocated. Explicit ones are already claimed.
    fn cluster_ips(
        &mut self,
        key: &Key,
        source: &Sourced<Service>,
        previous: Option<&Arc<ClusterService>>,
    ) -> Result<Vec<IpAddr>, Box<LoadError>> {
        let service = &source.object;
        let mut ips = match &service.cluster_ip {
            ClusterIpSpec::Ips(ips) => ips.clone(),
            _ => Vec::new(),
        };
        for family in families_to_allocate(service, &ips, &self.cidrs) {
            let kept = previous.and_then(|previous| {
                previous.cluster_ips.iter().copied().find(|ip| {
                    IpFamily::of(ip) == family
                        && self
                            .ip_owners
                            .get(ip)
                            .is_none_or(|owners| owners.is_empty())
                })
            });
            let meta = &service.meta;
            let owners = &self.ip_owners;
            let is_taken = |ip: &IpAddr| owners.get(ip).is_some_and(|owners| !owners.is_empty());
            let allocated = kept.or_else(|| {
                self.cidrs
                    .range(family)
                    .and_then(|range| allocate(range, &meta.namespace, &meta.name, is_taken))
            });
            let Some(ip) = allocated else {
                let cidr = self.cidrs.range(family).map_or_else(
                    || format!("(no {family} range configured)"),
                    |range| range.to_string(),
                );
                return Err(Box::new(
                    LoadError::new(
                        source.location.clone(),
                        LoadErrorKind::ServiceCidrExhausted { cidr },
                    )
                    .with_object(ObjectRef::namespaced(
                        Kind::Service,
                        &meta.namespace,
                        &meta.name,
                    ))
                    .with_field("spec.clusterIP"),
                ));
            };
            add_to(&mut self.ip_owners, ip, key.clone());
            ips.push(ip);
        }
        Ok(ips)
    }

    /// The Pods a Service's selector matches, found by scanning its namespace (only when the
    /// Service itself changed; Pod changes keep the set up to date one Pod at a time).
    fn recompute_members(&mut self, key: &Key, service: &Service) {
        let Some(selector) = &service.selector else {
            self.members.remove_mut(key);
            return;
        };
        let namespace = super::key_of_namespace(&service.meta.namespace);
        let mut members = Set::new_sync();
        for pod in self
            .pods_by_namespace
            .get(&namespace)
            .into_iter()
            .flat_map(|pods| pods.iter())
        {
            if self
                .pods
                .get(pod)
                .is_some_and(|source| selector.matches(&source.object.meta.labels))
            {
                members.insert_mut(pod.clone());
            }
        }
        self.members.insert_mut(key.clone(), members);
    }

    /// The slices of a Service: those labelled with its name; then, for a selectorless
    /// Service, the mirror of its Endpoints (unless the input already holds that mirror); for
    /// one with a selector and no slice in the input, what the EndpointSlice controller makes
    /// of the Pods it selects.
    fn link_slices(
        &mut self,
        key: &Key,
        source: &Sourced<Service>,
        cluster_ips: &[IpAddr],
    ) -> Vec<Arc<ClusterSlice>> {
        let mut slices = self.loaded_slices(&self.slices_by_service, key);
        let service = &source.object;
        if service.selector.is_some() {
            if slices.is_empty() {
                slices = self.derive_slices(key, source, cluster_ips);
            }
            return slices;
        }
        let Some(endpoints) = self.endpoints_sources.get(key).cloned() else {
            return slices;
        };
        let already_mirrored = slices.iter().any(|slice| {
            slice
                .slice
                .meta
                .labels
                .get(mirror::MANAGED_BY_LABEL)
                .map(String::as_str)
                == Some(mirror::MIRRORING_CONTROLLER)
        });
        if already_mirrored || mirror::refusal(&endpoints.object).is_some() {
            return slices;
        }
        for slice in mirror::mirror(&endpoints.object).slices {
            let id = derived_slice_id(&slice);
            self.index_slice(&id, &slice);
            let mirrored = Arc::new(ClusterSlice {
                slice,
                origin: SliceOrigin::MirroredFrom(endpoints.object.meta.name.clone()),
                location: endpoints.location.clone(),
            });
            self.slices.insert_mut(id, mirrored.clone());
            slices.push(mirrored);
        }
        slices
    }
}

impl Cluster {
    /// The EndpointSlice controller's slices for a Service, from the Pods it selects.
    fn derive_slices(
        &mut self,
        key: &Key,
        source: &Sourced<Service>,
        cluster_ips: &[IpAddr],
    ) -> Vec<Arc<ClusterSlice>> {
        let mut service = source.object.clone();
        if !cluster_ips.is_empty() {
            service.cluster_ip = ClusterIpSpec::Ips(cluster_ips.to_vec());
        }
        service.ip_families = controller::defaulted_ip_families(&service, &self.cluster_families());
        let members: Vec<Arc<Sourced<Pod>>> = self
            .members
            .get(key)
            .into_iter()
            .flat_map(|members| members.iter())
            .filter_map(|pod| self.pods.get(pod).cloned())
            .collect();
        let pods: Vec<&Pod> = members.iter().map(|source| &source.object).collect();
        let derived = controller::endpoint_slices_for(
            &service,
            &pods,
            controller::DEFAULT_MAX_ENDPOINTS_PER_SLICE,
        );
        let mut slices = Vec::with_capacity(derived.len());
        for slice in derived {
            let id = derived_slice_id(&slice);
            self.index_slice(&id, &slice);
            let derived = Arc::new(ClusterSlice {
                slice,
                origin: SliceOrigin::FromPods,
                location: source.location.clone(),
            });
            self.slices.insert_mut(id, derived.clone());
            slices.push(derived);
        }
        slices
    }

    /// The families the service CIDRs cover, primary first.
    fn cluster_families(&self) -> Vec<IpFamily> {
        let primary = self.cidrs.primary_family();
        let mut families = vec![primary];
        let other = match primary {
            IpFamily::IPv4 => IpFamily::IPv6,
            IpFamily::IPv6 => IpFamily::IPv4,
        };
        if self.cidrs.range(other).is_some() {
            families.push(other);
        }
        families
    }
}

/// The key of an object: `namespace/name`, or the name of a cluster-scoped one; workloads,
/// which share one map, are prefixed with their kind.
pub(crate) fn object_key(reference: &ObjectRef) -> Key {
    match (&reference.namespace, reference.kind) {
        (
            Some(namespace),
            Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet,
        ) => format!("{} {namespace}/{}", reference.kind, reference.name).into(),
        (Some(namespace), _) => key(namespace, &reference.name),
        (None, _) => reference.name.as_str().into(),
    }
}

/// Where a workload's Pod comes from: its workload's location (a Pod named `<owner>-…`).
fn owner_location(
    pod: &Pod,
    locations: &BTreeMap<(String, String), crate::error::Location>,
) -> crate::error::Location {
    locations
        .iter()
        .filter(|((namespace, name), _)| {
            *namespace == pod.meta.namespace && pod.meta.name.starts_with(name.as_str())
        })
        .max_by_key(|((_, name), _)| name.len())
        .map(|(_, location)| location.clone())
        .unwrap_or_default()
}

/// The reverse-index entries of a slice: each ready address with (slice id, endpoint index).
/// Only slices that name a Service are indexed (see [`Cluster::index_slice`]).
fn index_entries(id: &Key, slice: &EndpointSlice) -> BTreeSet<(IpAddr, (Key, u32))> {
    if slice.service_name().is_none() {
        return BTreeSet::new();
    }
    let mut entries = BTreeSet::new();
    for (index, endpoint) in slice.endpoints.iter().enumerate() {
        if !endpoint.is_ready() {
            continue;
        }
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        for address in &endpoint.addresses {
            entries.insert((*address, (id.clone(), index)));
        }
    }
    entries
}

/// The id of a loaded slice in [`Cluster::slices`].
fn loaded_slice_id(key: &Key) -> Key {
    format!("L {key}").into()
}

/// The id of a slice the simulator made (mirrored or derived from Pods); generated names are
/// unique per Service.
fn derived_slice_id(slice: &EndpointSlice) -> Key {
    format!("D {}/{}", slice.meta.namespace, slice.meta.name).into()
}

fn add_to<K, T>(index: &mut Map<K, Set<T>>, key: K, value: T)
where
    K: std::hash::Hash + Eq + Clone,
    T: Ord,
{
    let set = index.get(&key).cloned().unwrap_or_else(Set::new_sync);
    index.insert_mut(key, set.insert(value));
}

fn remove_from<K, T>(index: &mut Map<K, Set<T>>, key: &K, value: &T)
where
    K: std::hash::Hash + Eq + Clone,
    T: Ord,
{
    let Some(set) = index.get(key) else {
        return;
    };
    let set = set.remove(value);
    if set.is_empty() {
        index.remove_mut(key);
    } else {
        index.insert_mut(key.clone(), set);
    }
}

/// Which families a Service still needs an allocated ClusterIP for.
fn families_to_allocate(service: &Service, have: &[IpAddr], cidrs: &ServiceCidrs) -> Vec<IpFamily> {
    if service.service_type.is_external_name() || service.is_headless() {
        return Vec::new();
    }
    let dual = matches!(
        service.ip_family_policy,
        Some(IpFamilyPolicy::PreferDualStack | IpFamilyPolicy::RequireDualStack)
    );
    let primary = have
        .first()
        .map(IpFamily::of)
        .or_else(|| service.ip_families.first().copied())
        .unwrap_or_else(|| cidrs.primary_family());
    let mut wanted = vec![primary];
    if dual {
        let secondary = service
            .ip_families
            .get(1)
            .copied()
            .unwrap_or(match primary {
                IpFamily::IPv4 => IpFamily::IPv6,
                IpFamily::IPv6 => IpFamily::IPv4,
            });
        let required = service.ip_family_policy == Some(IpFamilyPolicy::RequireDualStack);
        if required || cidrs.range(secondary).is_some() {
            wanted.push(secondary);
        }
    }
    wanted
        .into_iter()
        .filter(|family| !have.iter().any(|ip| IpFamily::of(ip) == *family))
        .collect()
}
