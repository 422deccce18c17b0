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

mod check;

pub(crate) use check::check;

use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Arc;

use super::key_of_namespace;
use super::{ClusterImport, ClusterService, ClusterSlice, Key, Map, Set, Sourced, key};
use crate::model::{
    AddressType, EndpointSlice, Endpoints, Namespace, Node, Pod, Service, ServiceImport, Workload,
};

/// The objects, as loaded or changed since, by key (see [`super::link::object_key`]). Loaded
/// EndpointSlices are not here: they are effective slices as they are, kept once, among
/// [`Linked::slices`] (see [`Linked::loaded_slice`]), so that a big cluster holds each
/// endpoint once and a readiness flip copies one path fewer.
#[derive(Clone)]
pub(crate) struct Objects {
    pub(crate) services: Map<Key, Arc<Sourced<Service>>>,
    pub(crate) endpoints: Map<Key, Arc<Sourced<Endpoints>>>,
    pub(crate) imports: Map<Key, Arc<Sourced<ServiceImport>>>,
    /// Loaded Pods and those workloads made.
    pub(crate) pods: Map<Key, Arc<Sourced<Pod>>>,
    pub(crate) namespaces: Map<Key, Arc<Sourced<Namespace>>>,
    /// Workloads (StatefulSets, Deployments, ReplicaSets, DaemonSets, ReplicationControllers,
    /// Jobs), by `Kind ns/name`.
    pub(crate) workloads: Map<Key, Arc<Sourced<Workload>>>,
    /// Nodes, by name.
    pub(crate) nodes: Map<Key, Arc<Sourced<Node>>>,
}

/// What linking derives from the objects.
#[derive(Clone)]
pub(crate) struct Linked {
    pub(crate) services: Map<Key, Arc<ClusterService>>,
    pub(crate) imports: Map<Key, Arc<ClusterImport>>,
    /// Every effective EndpointSlice (loaded, mirrored, derived from Pods), by slice id.
    pub(crate) slices: Map<Key, Arc<ClusterSlice>>,
}

impl Linked {
    /// The loaded EndpointSlice whose object key is `key`.
    pub(crate) fn loaded_slice(&self, key: &Key) -> Option<&Arc<ClusterSlice>> {
        self.slices.get(&super::loaded_slice_id(key))
    }

    /// Every loaded EndpointSlice, with its slice id.
    pub(crate) fn loaded_slices(&self) -> impl Iterator<Item = (&Key, &ClusterSlice)> {
        self.slices
            .iter()
            .filter(|(_, slice)| slice.origin == super::SliceOrigin::Loaded)
            .map(|(id, slice)| (id, slice.as_ref()))
    }
}

/// A persistent map from a key to a set of values.
#[derive(Clone)]
pub(crate) struct Multimap<K: Hash + Eq, V: Ord> {
    map: Map<K, Values<V>>,
}

/// The values under one key of a [`Multimap`]. Most keys hold one (an address its endpoint, a
/// ClusterIP its Service, a Pod IP its Pod), kept inline: a persistent set of its own costs two
/// allocations per key (a tree node and its entry), 13 MB of a 150k-endpoint cluster.
#[derive(Clone)]
pub(crate) enum Values<V: Ord> {
    One(V),
    /// Any number, none included: an empty set is kept where a caller stores one.
    Many(Set<V>),
}

impl<V: Ord + Clone> Values<V> {
    fn from_set(set: Set<V>) -> Self {
        match only(&set) {
            Some(only) => Values::One(only),
            None => Values::Many(set),
        }
    }

    /// The values, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &V> {
        let (one, many) = match self {
            Values::One(value) => (Some(value), None),
            Values::Many(set) => (None, Some(set)),
        };
        one.into_iter()
            .chain(many.into_iter().flat_map(|set| set.iter()))
    }

    pub(crate) fn contains(&self, value: &V) -> bool {
        match self {
            Values::One(one) => one == value,
            Values::Many(set) => set.contains(value),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Values::Many(set) if set.is_empty())
    }

    /// The values as a set of their own.
    pub(crate) fn to_set(&self) -> Set<V> {
        match self {
            Values::One(value) => {
                let mut set = Set::new_sync();
                set.insert_mut(value.clone());
                set
            }
            Values::Many(set) => set.clone(),
        }
    }

    fn insert(&mut self, value: V) {
        match self {
            Values::One(one) if *one == value => {}
            Values::One(one) => {
                let mut set = Set::new_sync();
                set.insert_mut(one.clone());
                set.insert_mut(value);
                *self = Values::Many(set);
            }
            Values::Many(set) => set.insert_mut(value),
        }
    }
}

/// The value of a set that holds exactly one.
fn only<V: Ord + Clone>(set: &Set<V>) -> Option<V> {
    (set.size() == 1).then(|| set.first().cloned()).flatten()
}

impl<K: Hash + Eq + Clone, V: Ord + Clone> Multimap<K, V> {
    fn new() -> Self {
        Multimap {
            map: Map::new_sync(),
        }
    }

    // Both change the values in place (`get_mut`, then `insert_mut`/`remove_mut`): the trie
    // copies only the nodes an older snapshot still shares, so a batch that inserts many values
    // under one key (a workload's Pods under its labels) copies each path once, not once per
    // value.
    fn insert(&mut self, key: K, value: V) {
        if let Some(values) = self.map.get_mut(&key) {
            values.insert(value);
        } else {
            self.map.insert_mut(key, Values::One(value));
        }
    }

    fn remove(&mut self, key: &K, value: &V) {
        let Some(values) = self.map.get_mut(key) else {
            return;
        };
        let emptied = match values {
            Values::One(one) => one == value,
            Values::Many(set) => {
                if !set.remove_mut(value) {
                    return;
                }
                let emptied = set.is_empty();
                if let Some(only) = only(set) {
                    *values = Values::One(only);
                }
                emptied
            }
        };
        if emptied {
            self.map.remove_mut(key);
        }
    }

    fn replace(&mut self, key: K, values: Set<V>) {
        if values.is_empty() {
            self.map.remove_mut(&key);
        } else {
            self.map.insert_mut(key, Values::from_set(values));
        }
    }

    /// The values under `key`, in order.
    pub(crate) fn get<'a, Q>(&'a self, key: &Q) -> impl Iterator<Item = &'a V> + use<'a, Q, K, V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(key).into_iter().flat_map(Values::iter)
    }

    /// The values under `key`.
    pub(crate) fn values<Q>(&self, key: &Q) -> Option<&Values<V>>
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
            .map(|(key, values)| (key.clone(), values.iter().cloned().collect()))
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
    /// Endpoint address → (slice id, endpoint index), for every effective slice that names a
    /// Service (CoreDNS `EpIndexReverse`), ready or not: readers keep the ready ones, so that a
    /// readiness flip leaves this index (150k entries in a big cluster) untouched.
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
    /// Namespace → its Pods whose status the simulator writes (workload Pods, and input Pods
    /// without a `status`): those its pass starts.
    pub(crate) simulated_pods: Multimap<Key, Key>,
    /// `spec.nodeName` → the Pods bound to that node.
    pub(crate) pods_by_node: Multimap<Key, Key>,
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
            simulated_pods: Multimap::new(),
            pods_by_node: Multimap::new(),
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
        if pod.is_simulated() {
            let namespace = key_of_namespace(&pod.meta.namespace);
            self.simulated_pods.insert(namespace, key.clone());
        }
        if let Some(node) = &pod.node_name {
            self.pods_by_node.insert(node.as_str().into(), key.clone());
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
        if pod.is_simulated() {
            let namespace = key_of_namespace(&pod.meta.namespace);
            self.simulated_pods.remove(&namespace, key);
        }
        if let Some(node) = &pod.node_name {
            self.pods_by_node.remove(&node.as_str().into(), key);
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

    /// Whether the pass of `namespace` has anything to do: workloads to expand, or Pods to
    /// start.
    pub(crate) fn has_pass(&self, namespace: &str) -> bool {
        self.workloads_by_namespace.contains_key(namespace)
            || self.simulated_pods.contains_key(namespace)
    }

    /// The namespaces whose pass has anything to do.
    pub(crate) fn namespaces_with_pass(&self) -> BTreeSet<Key> {
        self.workloads_by_namespace
            .map
            .keys()
            .chain(self.simulated_pods.map.keys())
            .cloned()
            .collect()
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

    /// An effective slice's addresses are indexed. Only slices naming a Service are:
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
    /// readiness flip changes none, whatever the size of the slice or the cluster).
    pub(crate) fn replace_endpoints(&mut self, id: &Key, old: &EndpointSlice, new: &EndpointSlice) {
        self.endpoint_count =
            self.endpoint_count.saturating_sub(old.endpoints.len()) + new.endpoints.len();
        let same_addresses = old.endpoints.len() == new.endpoints.len()
            && old
                .endpoints
                .iter()
                .zip(&new.endpoints)
                .all(|(before, after)| before.addresses == after.addresses);
        if same_addresses {
            return;
        }
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
                self.members
                    .map
                    .insert_mut(service.clone(), Values::from_set(pods));
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

/// The reverse-index entries of a slice: each address with (slice id, endpoint index), ready
/// or not.
/// Only slices that name a Service are indexed (see [`Index::add_endpoints`]).
fn endpoint_entries(id: &Key, slice: &EndpointSlice) -> BTreeSet<(IpAddr, (Key, u32))> {
    if slice.service_name().is_none() {
        return BTreeSet::new();
    }
    let mut entries = BTreeSet::new();
    for (index, endpoint) in slice.endpoints.iter().enumerate() {
        // A slice holds at most 1000 endpoints (checked when it is loaded or made).
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        for address in &endpoint.addresses {
            entries.insert((*address, (id.clone(), index)));
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(map: &Multimap<u8, u8>, key: u8) -> Vec<u8> {
        map.get(&key).copied().collect()
    }

    /// A key holds one value inline and more in a set; the representation never shows: values
    /// come in order, a repeated value is held once, and a key goes when its last value does.
    #[test]
    fn values_inline_or_in_a_set_read_the_same() {
        let mut map = Multimap::new();
        map.insert(1, 7);
        map.insert(1, 7);
        assert!(matches!(map.values(&1), Some(Values::One(7))));
        let before = map.clone();
        map.insert(1, 3);
        assert!(matches!(map.values(&1), Some(Values::Many(_))));
        assert_eq!(values(&map, 1), [3, 7]);
        assert_eq!(values(&before, 1), [7], "an older snapshot keeps its value");
        map.remove(&1, &9);
        assert_eq!(
            values(&map, 1),
            [3, 7],
            "removing an absent value changes nothing"
        );
        map.remove(&1, &7);
        assert!(matches!(map.values(&1), Some(Values::One(3))));
        map.remove(&1, &3);
        assert!(
            !map.contains_key(&1),
            "the last value removed takes the key"
        );
        map.replace(2, Set::new_sync().insert(4).insert(5));
        assert_eq!(values(&map, 2), [4, 5]);
        assert!(
            map.values(&2)
                .is_some_and(|v| v.contains(&5) && !v.contains(&6))
        );
        assert_eq!(map.values(&2).unwrap().to_set().size(), 2);
        map.replace(2, Set::new_sync());
        assert!(!map.contains_key(&2), "an empty replacement takes the key");
        let mut members = Index::new();
        members.set_members(&"default/web".into(), Some(Set::new_sync()));
        assert!(
            members
                .members
                .values("default/web")
                .is_some_and(Values::is_empty),
            "a Service that selects nothing yet keeps its empty set"
        );
    }
}
