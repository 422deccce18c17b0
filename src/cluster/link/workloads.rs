//! Workloads expanded into Pods, incrementally: a change to a namespace's workloads (or to an
//! input Pod they may adopt) expands that namespace's workloads again and applies the
//! difference to its Pods.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use super::super::{Cluster, Key, Set, Sourced, key};
use super::{Dirty, object_key};
use crate::error::Location;
use crate::model::{ObjectRef, Pod, Workload};
use crate::workload;

impl Cluster {
    /// Whether a Pod was made by a workload.
    pub(super) fn is_generated_key(&self, reference: &ObjectRef) -> bool {
        let Some(namespace) = reference.namespace.as_deref() else {
            return false;
        };
        self.index
            .generated_pods
            .set(namespace)
            .is_some_and(|pods| pods.contains(&object_key(reference)))
    }

    /// An input Pod changed in `namespace`: its workloads may adopt or release it.
    pub(super) fn workloads_changed(&self, namespace: Option<&str>, dirty: &mut Dirty) {
        if let Some(namespace) = namespace
            && self.index.workloads_by_namespace.contains_key(namespace)
        {
            dirty.workloads.insert(namespace.into());
        }
    }

    /// Expands the workloads of a namespace again and applies the difference to its Pods:
    /// Pods that stay the same are not touched, so a change costs the namespace's workload
    /// Pods, not the cluster.
    pub(super) fn expand_workloads(&mut self, namespace: &Key, dirty: &mut Dirty) {
        let old: Set<Key> = self
            .index
            .generated_pods
            .set(namespace)
            .cloned()
            .unwrap_or_else(Set::new_sync);
        let workloads: Vec<Arc<Sourced<Workload>>> = self
            .index
            .workloads_by_namespace
            .get(namespace)
            .filter_map(|key| self.objects.workloads.get(key).cloned())
            .collect();
        let existing: Vec<Arc<Sourced<Pod>>> = self
            .index
            .pods_by_namespace
            .get(namespace)
            .filter(|key| !old.contains(*key))
            .filter_map(|key| self.objects.pods.get(key).cloned())
            .collect();
        let expansion = {
            let workload_refs: Vec<&Workload> = workloads.iter().map(|w| &w.object).collect();
            let existing_refs: Vec<&Pod> = existing.iter().map(|p| &p.object).collect();
            let index = &self.index;
            // Every address stated elsewhere is taken; this namespace's own workload Pods are
            // being made again and keep theirs by determinism.
            let is_taken = |ip: &IpAddr| {
                index.ip_is_owned(ip)
                    || index.pods_by_ip.get(ip).any(|pod| !old.contains(pod))
                    || index
                        .endpoints_by_address
                        .get(ip)
                        .any(|(id, _)| id.starts_with("L "))
            };
            workload::expand(
                &workload_refs,
                &existing_refs,
                &is_taken,
                &self.workload_config,
            )
        };
        let locations: BTreeMap<(String, String), Location> = workloads
            .iter()
            .map(|w| {
                let meta = &w.object.meta;
                let owner = (meta.namespace.clone(), meta.name.clone());
                (owner, w.location.clone())
            })
            .collect();
        let mut new = Set::new_sync();
        for mut pod in expansion.pods {
            let key = key(&pod.meta.namespace, &pod.meta.name);
            new.insert_mut(key.clone());
            // Status belongs to the Pod, not its workload: a Pod made before keeps its
            // readiness and termination (the readiness annotations set them at creation).
            if old.contains(&key)
                && let Some(existing) = self.objects.pods.get(&key)
            {
                pod.ready = existing.object.ready;
                pod.terminating = existing.object.terminating;
            }
            if self
                .objects
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
        self.index.set_generated(namespace, new);
    }
}

/// Where a workload's Pod comes from: its workload's location (a Pod named `<owner>-…`).
fn owner_location(pod: &Pod, locations: &BTreeMap<(String, String), Location>) -> Location {
    locations
        .iter()
        .filter(|((namespace, name), _)| {
            *namespace == pod.meta.namespace && pod.meta.name.starts_with(name.as_str())
        })
        .max_by_key(|((_, name), _)| name.len())
        .map(|(_, location)| location.clone())
        .unwrap_or_default()
}
