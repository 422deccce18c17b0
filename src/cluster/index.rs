//! The cluster's state in three parts, and the one path that keeps its indexes consistent.
//!
//! - [`Objects`]: the objects as loaded or changed since, by key.
//! - [`Linked`]: what linking derives from them: Services, ServiceImports and EndpointSlices
//!   as DNS sees them.
//! - [`Index`]: lookups by something other than an object's own key (a namespace's Pods, the
//!   owner of a ClusterIP, the endpoints with an address, …), the equivalents of CoreDNS's
//!   `SvcIndex`/`EpIndexReverse` informer indexes.
//!
//! Every index is changed only through [`Index`]'s methods, one pair (add, remove) per kind of
//! fact, so a fact and its removal are written once. [`check`] rebuilds every index from the
//! objects and the linked state and reports where they differ; the change-sequence property in
//! `tests/updates.rs` runs it after every sequence, through [`Cluster::check_consistency`].
//!
//! All maps are persistent ([`Map`], [`Set`]): a snapshot's clone shares them, a change copies
//! one path.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Arc;

use super::{Cluster, ClusterImport, ClusterService, ClusterSlice, Key, Map, Set, SliceOrigin};
use super::{LinkedSlices, Sourced, key, key_of_namespace};
use crate::model::{
    AddressType, EndpointSlice, Endpoints, Namespace, Pod, Service, ServiceImport, Workload,
};

/// The objects, as loaded or changed since, by key (see [`super::link::object_key`]).
#[derive(Clone)]
pub(crate) struct Objects {
    pub(crate) services: Map<Key, Arc<Sourced<Service>>>,
    pub(crate) endpoints: Map<Key, Arc<Sourced<Endpoints>>>,
    pub(crate) slices: Map<Key, Arc<Sourced<EndpointSlice>>>,
    pub(crate) imports: Map<Key, Arc<Sourced<ServiceImport>>>,
    /// Loaded Pods and those workloads made.
    pub(crate) pods: Map<Key, Arc<Sourced<Pod>>>,
    pub(crate) namespaces: Map<Key, Arc<Sourced<Namespace>>>,
    /// StatefulSets, Deployments, ReplicaSets and DaemonSets, by `Kind ns/name`.
    pub(crate) workloads: Map<Key, Arc<Sourced<Workload>>>,
}

/// What linking derives from the objects.
#[derive(Clone)]
pub(crate) struct Linked {
    pub(crate) services: Map<Key, Arc<ClusterService>>,
    pub(crate) imports: Map<Key, Arc<ClusterImport>>,
    /// Every effective EndpointSlice (loaded, mirrored, derived from Pods), by slice id.
    pub(crate) slices: Map<Key, Arc<ClusterSlice>>,
}

/// A persistent map from a key to a set of values.
#[derive(Clone)]
pub(crate) struct Multimap<K: Hash + Eq, V: Ord> {
    map: Map<K, Set<V>>,
}

impl<K: Hash + Eq + Clone, V: Ord + Clone> Multimap<K, V> {
    fn new() -> Self {
        Multimap {
            map: Map::new_sync(),
        }
    }

    fn insert(&mut self, key: K, value: V) {
        let set = self.map.get(&key).cloned().unwrap_or_else(Set::new_sync);
        self.map.insert_mut(key, set.insert(value));
    }

    fn remove(&mut self, key: &K, value: &V) {
        let Some(set) = self.map.get(key) else {
            return;
        };
        let set = set.remove(value);
        if set.is_empty() {
            self.map.remove_mut(key);
        } else {
            self.map.insert_mut(key.clone(), set);
        }
    }

    fn replace(&mut self, key: K, values: Set<V>) {
        if values.is_empty() {
            self.map.remove_mut(&key);
        } else {
            self.map.insert_mut(key, values);
        }
    }

    /// The values under `key`, in order.
    pub(crate) fn get<'a, Q>(&'a self, key: &Q) -> impl Iterator<Item = &'a V> + use<'a, Q, K, V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(key).into_iter().flat_map(|set| set.iter())
    }

    /// The set under `key`.
    pub(crate) fn set<Q>(&self, key: &Q) -> Option<&Set<V>>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(key)
    }

    pub(crate) fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.contains_key(key)
    }

    fn to_btree(&self) -> BTreeMap<K, BTreeSet<V>>
    where
        K: Ord,
    {
        self.map
            .iter()
            .map(|(key, set)| (key.clone(), set.iter().cloned().collect()))
            .collect()
    }
}

/// Lookups other than by an object's key. Changed only through the methods below.
#[derive(Clone)]
pub(crate) struct Index {
    /// How many namespaced objects live in each namespace (it exists while any does).
    namespace_use: Map<Key, u32>,
    /// Loaded slices by their `kubernetes.io/service-name` Service.
    pub(crate) slices_by_service: Multimap<Key, Key>,
    /// Loaded slices by their `multicluster.kubernetes.io/service-name` ServiceImport.
    pub(crate) slices_by_import: Multimap<Key, Key>,
    /// ClusterIP → the Services holding it (CoreDNS `SvcIndexReverse`).
    pub(crate) ip_owners: Multimap<IpAddr, Key>,
    /// Ready endpoint address → (slice id, endpoint index), for every effective slice that
    /// names a Service (CoreDNS `EpIndexReverse`).
    pub(crate) endpoints_by_address: Multimap<IpAddr, (Key, u32)>,
    /// A Pod's primary IP → the Pods with it.
    pub(crate) pods_by_ip: Multimap<IpAddr, Key>,
    /// Namespace → its Pods.
    pub(crate) pods_by_namespace: Multimap<Key, Key>,
    /// `namespace` + the first (key, value) pair of a Service's selector → the Services with
    /// that first pair. A Pod can only match a selector whose every pair it carries, so the
    /// Services that may select a Pod are found under its own pairs, each under one of them.
    pub(crate) selectors_by_label: Multimap<Key, Key>,
    /// `namespace` + a (key, value) label pair → the Pods carrying it.
    pub(crate) pods_by_label: Multimap<Key, Key>,
    /// Service → the Pods its selector matches (the EndpointSlice controller's input).
    pub(crate) members: Multimap<Key, Key>,
    /// Namespace → its workloads.
    pub(crate) workloads_by_namespace: Multimap<Key, Key>,
    /// Namespace → the Pods its workloads made (the others come from the input).
    pub(crate) generated_pods: Multimap<Key, Key>,
    /// How many endpoints the effective slices hold, ready or not (bounded by
    /// [`ObjectLimits::endpoints`](super::ObjectLimits::endpoints)).
    endpoint_count: usize,
}

impl Index {
    pub(crate) fn new() -> Self {
        Index {
            namespace_use: Map::new_sync(),
            slices_by_service: Multimap::new(),
            slices_by_import: Multimap::new(),
            ip_owners: Multimap::new(),
            endpoints_by_address: Multimap::new(),
            pods_by_ip: Multimap::new(),
            pods_by_namespace: Multimap::new(),
            selectors_by_label: Multimap::new(),
            pods_by_label: Multimap::new(),
            members: Multimap::new(),
            workloads_by_namespace: Multimap::new(),
            generated_pods: Multimap::new(),
            endpoint_count: 0,
        }
    }

    /// How many endpoints the effective slices hold.
    pub(crate) fn endpoint_count(&self) -> usize {
        self.endpoint_count
    }

    /// Whether any namespaced object lives in `namespace`.
    pub(crate) fn namespace_in_use(&self, namespace: &str) -> bool {
        self.namespace_use.contains_key(namespace)
    }

    /// The namespaces in use.
    pub(crate) fn namespaces_in_use(&self) -> impl Iterator<Item = &Key> {
        self.namespace_use.keys()
    }

    /// Counts a namespaced object in or out of its namespace.
    pub(crate) fn count_in_namespace(&mut self, namespace: &str, added: bool) {
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

    /// A Service was added: its namespace counts it, and a selector makes it a candidate for
    /// its namespace's Pods.
    pub(crate) fn add_service(&mut self, key: &Key, service: &Service) {
        self.count_in_namespace(&service.meta.namespace, true);
        if let Some(pair) = first_pair(service) {
            self.selectors_by_label.insert(pair, key.clone());
        }
    }

    /// A Service was removed (the reverse of [`Index::add_service`], and its members).
    pub(crate) fn remove_service(&mut self, key: &Key, service: &Service) {
        self.count_in_namespace(&service.meta.namespace, false);
        if let Some(pair) = first_pair(service) {
            self.selectors_by_label.remove(&pair, key);
        }
        self.members.map.remove_mut(key);
    }

    /// A Pod was added (loaded or made by a workload).
    pub(crate) fn add_pod(&mut self, key: &Key, pod: &Pod) {
        self.count_in_namespace(&pod.meta.namespace, true);
        if let Some(ip) = pod.pod_ips.first() {
            self.pods_by_ip.insert(*ip, key.clone());
        }
        let namespace = key_of_namespace(&pod.meta.namespace);
        self.pods_by_namespace.insert(namespace, key.clone());
        for (name, value) in &pod.meta.labels {
            let pair = label_pair(&pod.meta.namespace, name, value);
            self.pods_by_label.insert(pair, key.clone());
        }
    }

    /// A Pod was removed (the reverse of [`Index::add_pod`]).
    pub(crate) fn remove_pod(&mut self, key: &Key, pod: &Pod) {
        self.count_in_namespace(&pod.meta.namespace, false);
        if let Some(ip) = pod.pod_ips.first() {
            self.pods_by_ip.remove(ip, key);
        }
        let namespace = key_of_namespace(&pod.meta.namespace);
        self.pods_by_namespace.remove(&namespace, key);
        for (name, value) in &pod.meta.labels {
            let pair = label_pair(&pod.meta.namespace, name, value);
            self.pods_by_label.remove(&pair, key);
        }
    }

    /// A workload was added.
    pub(crate) fn add_workload(&mut self, key: &Key, namespace: &str) {
        self.count_in_namespace(namespace, true);
        self.workloads_by_namespace
            .insert(key_of_namespace(namespace), key.clone());
    }

    /// A workload was removed.
    pub(crate) fn remove_workload(&mut self, key: &Key, namespace: &str) {
        self.count_in_namespace(namespace, false);
        self.workloads_by_namespace
            .remove(&key_of_namespace(namespace), key);
    }

    /// The Pods a namespace's workloads made, replaced.
    pub(crate) fn set_generated(&mut self, namespace: &Key, pods: Set<Key>) {
        self.generated_pods.replace(namespace.clone(), pods);
    }

    /// A loaded EndpointSlice was added under id `id`: it belongs to the Service and the
    /// ServiceImport its labels name (FQDN slices to neither), whose keys are returned. Its
    /// ready endpoints are indexed by [`Index::add_endpoints`] separately.
    pub(crate) fn add_loaded_slice(
        &mut self,
        id: &Key,
        slice: &EndpointSlice,
    ) -> (Option<Key>, Option<Key>) {
        self.count_in_namespace(&slice.meta.namespace, true);
        let (service, import) = slice_owners(slice);
        if let Some(service) = &service {
            self.slices_by_service.insert(service.clone(), id.clone());
        }
        if let Some(import) = &import {
            self.slices_by_import.insert(import.clone(), id.clone());
        }
        (service, import)
    }

    /// A loaded EndpointSlice was removed (the reverse of [`Index::add_loaded_slice`]).
    pub(crate) fn remove_loaded_slice(
        &mut self,
        id: &Key,
        slice: &EndpointSlice,
    ) -> (Option<Key>, Option<Key>) {
        self.count_in_namespace(&slice.meta.namespace, false);
        let (service, import) = slice_owners(slice);
        if let Some(service) = &service {
            self.slices_by_service.remove(service, id);
        }
        if let Some(import) = &import {
            self.slices_by_import.remove(import, id);
        }
        (service, import)
    }

    /// An effective slice's ready addresses are indexed. Only slices naming a Service are:
    /// CoreDNS indexes every slice, but for one without the label it would build a PTR name
    /// with an empty label, which it cannot send; the simulator answers NXDOMAIN.
    pub(crate) fn add_endpoints(&mut self, id: &Key, slice: &EndpointSlice) {
        self.endpoint_count += slice.endpoints.len();
        for (address, entry) in endpoint_entries(id, slice) {
            self.endpoints_by_address.insert(address, entry);
        }
    }

    /// The reverse of [`Index::add_endpoints`].
    pub(crate) fn remove_endpoints(&mut self, id: &Key, slice: &EndpointSlice) {
        self.endpoint_count = self.endpoint_count.saturating_sub(slice.endpoints.len());
        for (address, entry) in endpoint_entries(id, slice) {
            self.endpoints_by_address.remove(&address, &entry);
        }
    }

    /// A slice changed only in its endpoints: only the entries that differ are touched (a
    /// readiness flip changes one address, whatever the size of the slice or the cluster).
    pub(crate) fn replace_endpoints(&mut self, id: &Key, old: &EndpointSlice, new: &EndpointSlice) {
        self.endpoint_count =
            self.endpoint_count.saturating_sub(old.endpoints.len()) + new.endpoints.len();
        let before = endpoint_entries(id, old);
        let after = endpoint_entries(id, new);
        for (address, entry) in before.difference(&after) {
            self.endpoints_by_address.remove(address, entry);
        }
        for (address, entry) in after.difference(&before) {
            self.endpoints_by_address.insert(*address, entry.clone());
        }
    }

    /// A Service holds a ClusterIP.
    pub(crate) fn claim_ip(&mut self, ip: IpAddr, service: &Key) {
        self.ip_owners.insert(ip, service.clone());
    }

    /// A Service no longer holds a ClusterIP.
    pub(crate) fn release_ip(&mut self, ip: &IpAddr, service: &Key) {
        self.ip_owners.remove(ip, service);
    }

    /// Whether any Service holds `ip`.
    pub(crate) fn ip_is_owned(&self, ip: &IpAddr) -> bool {
        self.ip_owners.contains_key(ip)
    }

    /// A Pod matches a Service's selector.
    pub(crate) fn add_member(&mut self, service: &Key, pod: &Key) {
        self.members.insert(service.clone(), pod.clone());
    }

    /// A Pod no longer matches a Service's selector.
    pub(crate) fn remove_member(&mut self, service: &Key, pod: &Key) {
        self.members.remove(service, pod);
    }

    /// The Pods a Service's selector matches, replaced (`None`: it has no selector).
    pub(crate) fn set_members(&mut self, service: &Key, pods: Option<Set<Key>>) {
        match pods {
            // An empty set is kept: the Service selects, nothing matches yet.
            Some(pods) => {
                self.members.map.insert_mut(service.clone(), pods);
            }
            None => {
                self.members.map.remove_mut(service);
            }
        }
    }
}

/// The index key of a label pair in a namespace: `namespace`, NUL, `name=value` (NUL is in no
/// namespace or label).
pub(crate) fn label_pair(namespace: &str, name: &str, value: &str) -> Key {
    let mut text = String::with_capacity(namespace.len() + name.len() + value.len() + 2);
    text.push_str(namespace);
    text.push('\0');
    text.push_str(name);
    text.push('=');
    text.push_str(value);
    text.into()
}

/// The label pair a Service with a selector is indexed under: its selector's first.
pub(crate) fn first_pair(service: &Service) -> Option<Key> {
    let selector = service.selector.as_ref()?;
    let (name, value) = selector.labels().iter().next()?;
    Some(label_pair(&service.meta.namespace, name, value))
}

/// The keys of the Service and the ServiceImport a loaded slice belongs to (none for FQDN).
pub(crate) fn slice_owners(slice: &EndpointSlice) -> (Option<Key>, Option<Key>) {
    if slice.address_type == AddressType::Fqdn {
        return (None, None);
    }
    let namespace = &slice.meta.namespace;
    (
        slice.service_name().map(|name| key(namespace, name)),
        slice
            .multicluster_service_name()
            .map(|name| key(namespace, name)),
    )
}

/// The reverse-index entries of a slice: each ready address with (slice id, endpoint index).
/// Only slices that name a Service are indexed (see [`Index::add_endpoints`]).
fn endpoint_entries(id: &Key, slice: &EndpointSlice) -> BTreeSet<(IpAddr, (Key, u32))> {
    if slice.service_name().is_none() {
        return BTreeSet::new();
    }
    let mut entries = BTreeSet::new();
    for (index, endpoint) in slice.endpoints.iter().enumerate() {
        if !endpoint.is_ready() {
            continue;
        }
        // A slice holds at most 1000 endpoints (checked when it is loaded or made).
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        for address in &endpoint.addresses {
            entries.insert((*address, (id.clone(), index)));
        }
    }
    entries
}

/// Every way the indexes and the linked state disagree with the objects they derive from,
/// found by rebuilding them (see [`Cluster::check_consistency`]).
pub(crate) fn check(cluster: &Cluster) -> Vec<String> {
    let objects = &cluster.objects;
    let linked = &cluster.linked;
    let index = &cluster.index;
    let mut problems = Vec::new();
    let mut compare = |what: &str, expected: &dyn Debug, found: &dyn Debug, equal: bool| {
        if !equal {
            problems.push(format!(
                "{what}: rebuilt from the objects {expected:?}, indexed {found:?}"
            ));
        }
    };

    // Namespaces in use: every namespaced object counts once.
    let mut namespace_use: BTreeMap<Key, u32> = BTreeMap::new();
    let namespaces = objects
        .services
        .values()
        .map(|s| &s.object.meta.namespace)
        .chain(objects.endpoints.values().map(|s| &s.object.meta.namespace))
        .chain(objects.slices.values().map(|s| &s.object.meta.namespace))
        .chain(objects.imports.values().map(|s| &s.object.meta.namespace))
        .chain(objects.pods.values().map(|s| &s.object.meta.namespace))
        .chain(objects.workloads.values().map(|s| &s.object.meta.namespace));
    for namespace in namespaces {
        *namespace_use.entry(namespace.as_str().into()).or_default() += 1;
    }
    let found: BTreeMap<Key, u32> = index
        .namespace_use
        .iter()
        .map(|(key, count)| (key.clone(), *count))
        .collect();
    compare(
        "namespace use",
        &namespace_use,
        &found,
        namespace_use == found,
    );

    // Loaded slices by owner.
    let mut by_service: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    let mut by_import: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (slice_key, source) in objects.slices.iter() {
        let id = super::loaded_slice_id(slice_key);
        let (service, import) = slice_owners(&source.object);
        if let Some(service) = service {
            by_service.entry(service).or_default().insert(id.clone());
        }
        if let Some(import) = import {
            by_import.entry(import).or_default().insert(id);
        }
    }
    let found = index.slices_by_service.to_btree();
    compare(
        "slices by Service",
        &by_service,
        &found,
        by_service == found,
    );
    let found = index.slices_by_import.to_btree();
    compare(
        "slices by ServiceImport",
        &by_import,
        &found,
        by_import == found,
    );

    // Endpoints by address, over every effective slice, and how many there are.
    let mut by_address: BTreeMap<IpAddr, BTreeSet<(Key, u32)>> = BTreeMap::new();
    let count: usize = linked
        .slices
        .values()
        .map(|s| s.slice.endpoints.len())
        .sum();
    compare(
        "endpoint count",
        &count,
        &index.endpoint_count,
        count == index.endpoint_count,
    );
    for (id, slice) in linked.slices.iter() {
        for (address, entry) in endpoint_entries(id, &slice.slice) {
            by_address.entry(address).or_default().insert(entry);
        }
    }
    let found = index.endpoints_by_address.to_btree();
    compare(
        "endpoints by address",
        &by_address,
        &found,
        by_address == found,
    );

    // Pods.
    let mut by_ip: BTreeMap<IpAddr, BTreeSet<Key>> = BTreeMap::new();
    let mut by_namespace: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (pod_key, source) in objects.pods.iter() {
        if let Some(ip) = source.object.pod_ips.first() {
            by_ip.entry(*ip).or_default().insert(pod_key.clone());
        }
        let namespace = key_of_namespace(&source.object.meta.namespace);
        by_namespace
            .entry(namespace)
            .or_default()
            .insert(pod_key.clone());
    }
    let found = index.pods_by_ip.to_btree();
    compare("Pods by IP", &by_ip, &found, by_ip == found);
    let found = index.pods_by_namespace.to_btree();
    compare(
        "Pods by namespace",
        &by_namespace,
        &found,
        by_namespace == found,
    );

    // Pods by label pair.
    let mut by_label: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (pod_key, source) in objects.pods.iter() {
        let meta = &source.object.meta;
        for (name, value) in &meta.labels {
            let pair = label_pair(&meta.namespace, name, value);
            by_label.entry(pair).or_default().insert(pod_key.clone());
        }
    }
    let found = index.pods_by_label.to_btree();
    compare("Pods by label", &by_label, &found, by_label == found);

    // Services with selectors, and the Pods they select.
    let mut selecting: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    let mut members: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (service_key, source) in objects.services.iter() {
        let service = &source.object;
        let Some(selector) = &service.selector else {
            continue;
        };
        let namespace = key_of_namespace(&service.meta.namespace);
        if let Some(pair) = first_pair(service) {
            selecting
                .entry(pair)
                .or_default()
                .insert(service_key.clone());
        }
        let matching: BTreeSet<Key> = by_namespace
            .get(&namespace)
            .into_iter()
            .flatten()
            .filter(|pod| {
                objects
                    .pods
                    .get(*pod)
                    .is_some_and(|pod| selector.matches(&pod.object.meta.labels))
            })
            .cloned()
            .collect();
        members.insert(service_key.clone(), matching);
    }
    let found = index.selectors_by_label.to_btree();
    compare(
        "Services by selector",
        &selecting,
        &found,
        selecting == found,
    );
    // A Service that selects no Pod may hold an empty set or none: the same to every reader.
    members.retain(|_, pods| !pods.is_empty());
    let mut found = index.members.to_btree();
    found.retain(|_, pods| !pods.is_empty());
    compare("selector members", &members, &found, members == found);

    // Workloads, and the Pods they made.
    let mut workloads: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (workload_key, source) in objects.workloads.iter() {
        let namespace = key_of_namespace(&source.object.meta.namespace);
        workloads
            .entry(namespace)
            .or_default()
            .insert(workload_key.clone());
    }
    let found = index.workloads_by_namespace.to_btree();
    compare(
        "workloads by namespace",
        &workloads,
        &found,
        workloads == found,
    );
    for (namespace, pods) in index.generated_pods.to_btree() {
        for pod in pods {
            let exists = objects.pods.contains_key(&pod);
            let in_namespace = by_namespace
                .get(&namespace)
                .is_some_and(|p| p.contains(&pod));
            compare(
                "a workload's Pod",
                &format!("{pod} in {namespace}"),
                &"missing",
                exists && in_namespace,
            );
        }
    }

    // Linked Services and imports: one per object, built from the current object.
    let keys = |map: &dyn Fn() -> Vec<Key>| map().into_iter().collect::<BTreeSet<Key>>();
    let service_keys = keys(&|| objects.services.keys().cloned().collect());
    let linked_keys = keys(&|| linked.services.keys().cloned().collect());
    compare(
        "linked Services",
        &service_keys,
        &linked_keys,
        service_keys == linked_keys,
    );
    let import_keys = keys(&|| objects.imports.keys().cloned().collect());
    let linked_keys = keys(&|| linked.imports.keys().cloned().collect());
    compare(
        "linked imports",
        &import_keys,
        &linked_keys,
        import_keys == linked_keys,
    );
    let mut owners: BTreeMap<IpAddr, BTreeSet<Key>> = BTreeMap::new();
    let mut effective: BTreeSet<Key> = objects.slices.keys().map(super::loaded_slice_id).collect();
    for (service_key, service) in linked.services.iter() {
        let current = objects
            .services
            .get(service_key)
            .is_some_and(|source| Arc::ptr_eq(source, &service.source));
        compare(
            "a linked Service's object",
            service_key,
            &"an older one",
            current,
        );
        for ip in &service.cluster_ips {
            owners.entry(*ip).or_default().insert(service_key.clone());
        }
        check_linked(service_key, &service.linked, &mut compare);
        for slice in &service.linked.slices {
            if slice.origin != SliceOrigin::Loaded {
                effective.insert(super::derived_slice_id(&slice.slice));
            }
        }
    }
    for (import_key, import) in linked.imports.iter() {
        check_linked(import_key, &import.linked, &mut compare);
    }
    let found = index.ip_owners.to_btree();
    compare("ClusterIP owners", &owners, &found, owners == found);
    let found: BTreeSet<Key> = linked.slices.keys().cloned().collect();
    compare("effective slices", &effective, &found, effective == found);
    problems
}

/// A linked Service's or import's ready addresses are those of its slices.
fn check_linked(
    key: &Key,
    linked: &LinkedSlices,
    compare: &mut impl FnMut(&str, &dyn Debug, &dyn Debug, bool),
) {
    let rebuilt = LinkedSlices::new(linked.slices.clone());
    let expected = (&rebuilt.ready_ipv4, &rebuilt.ready_ipv6);
    let found = (&linked.ready_ipv4, &linked.ready_ipv6);
    compare(
        &format!("ready addresses of {key}"),
        &expected,
        &found,
        expected == found,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFESTS: &str = "apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 10.96.0.20, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}}
status: {podIP: 10.244.0.5, conditions: [{type: Ready, status: 'True'}]}
";

    #[test]
    fn the_check_finds_an_index_out_of_step_with_the_objects() {
        let cluster = Cluster::from_yaml(MANIFESTS).unwrap();
        assert_eq!(check(&cluster), Vec::<String>::new());

        let mut stale_pod = cluster.clone();
        let pod = stale_pod
            .objects
            .pods
            .values()
            .next()
            .unwrap()
            .object
            .clone();
        stale_pod.index.remove_pod(&key("default", "web-1"), &pod);
        let problems = check(&stale_pod);
        assert!(
            problems.iter().any(|p| p.starts_with("Pods by IP"))
                && problems.iter().any(|p| p.starts_with("Pods by namespace"))
                && problems.iter().any(|p| p.starts_with("namespace use")),
            "{problems:?}"
        );

        let mut stolen_ip = cluster.clone();
        stolen_ip
            .index
            .release_ip(&"10.96.0.20".parse().unwrap(), &key("default", "web"));
        let problems = check(&stolen_ip);
        assert!(
            problems.iter().any(|p| p.starts_with("ClusterIP owners")),
            "{problems:?}"
        );

        let mut lost_endpoint = cluster;
        let (id, slice) = lost_endpoint
            .linked
            .slices
            .iter()
            .next()
            .map(|(id, slice)| (id.clone(), slice.clone()))
            .unwrap();
        lost_endpoint.index.remove_endpoints(&id, &slice.slice);
        let problems = check(&lost_endpoint);
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("endpoints by address")),
            "{problems:?}"
        );
    }
}
