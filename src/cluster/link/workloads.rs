//! A namespace's pass, incrementally: a change to a namespace's workloads, to an input Pod,
//! or to the nodes expands that namespace's workloads again, starts its Pods that have no
//! status of their own again, and applies the difference to its Pods.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;

use super::super::index::Values;
use super::super::{Cluster, Key, Set, Sourced, key};
use super::{Dirty, object_key};
use crate::error::{LoadError, LoadErrorKind, Location};
use crate::model::{ObjectRef, Pod, Workload};
use crate::workload::{self, nodes::NodeSet};

impl Cluster {
    /// Whether a Pod was made by a workload.
    pub(super) fn is_generated_key(&self, reference: &ObjectRef) -> bool {
        let Some(namespace) = reference.namespace.as_deref() else {
            return false;
        };
        self.index
            .generated_pods
            .values(namespace)
            .is_some_and(|pods| pods.contains(&object_key(reference)))
    }

    /// An input Pod changed in `namespace`: its workloads may adopt or release it, and the
    /// Pods the simulator starts there are addressed around it.
    pub(super) fn workloads_changed(&self, namespace: Option<&str>, dirty: &mut Dirty) {
        if let Some(namespace) = namespace
            && self.index.has_pass(namespace)
        {
            dirty.workloads.insert(namespace.into());
        }
    }

    /// The pass of a namespace: expands its workloads again, starts its input Pods that have
    /// no status of their own again, and applies the difference to its Pods. Pods that stay
    /// the same are not touched, so a change costs the namespace's simulated Pods, not the
    /// cluster.
    ///
    /// # Errors
    /// A workload that asks for more Pods than [`ObjectLimits`](crate::ObjectLimits) allow, one
    /// by one or together with the cluster's others; then nothing is expanded.
    pub(super) fn expand_workloads(
        &mut self,
        namespace: &Key,
        nodes: &NodeSet,
        dirty: &mut Dirty,
    ) -> Result<(), Box<LoadError>> {
        let old: Set<Key> = self
            .index
            .generated_pods
            .values(namespace)
            .map_or_else(Set::new_sync, Values::to_set);
        let workloads: Vec<Arc<Sourced<Workload>>> = self
            .index
            .workloads_by_namespace
            .get(namespace)
            .filter_map(|key| self.objects.workloads.get(key).cloned())
            .collect();
        self.check_pod_limits(&workloads, old.size(), nodes.len())?;
        let existing: Vec<Arc<Sourced<Pod>>> = self
            .index
            .pods_by_namespace
            .get(namespace)
            .filter(|key| !old.contains(*key))
            .filter_map(|key| self.objects.pods.get(key).cloned())
            .collect();
        // The input Pods this pass starts again.
        let restarted: HashSet<Key> = self
            .index
            .simulated_pods
            .get(namespace)
            .filter(|key| !old.contains(*key))
            .cloned()
            .collect();
        let expansion = {
            let workload_refs: Vec<&Workload> = workloads.iter().map(|w| &w.object).collect();
            let existing_refs: Vec<&Pod> = existing.iter().map(|p| &p.object).collect();
            let index = &self.index;
            let slices = &self.linked.slices;
            // Every address stated elsewhere is taken (a loaded slice's, when ready); this
            // namespace's own simulated Pods are being started again and keep theirs by
            // determinism.
            let ready_in_loaded_slice = |id: &Key, endpoint: u32| {
                id.starts_with("L ")
                    && slices.get(id).is_some_and(|slice| {
                        slice
                            .slice
                            .endpoints
                            .get(endpoint as usize)
                            .is_some_and(|endpoint| endpoint.is_ready())
                    })
            };
            let is_taken = |ip: &IpAddr| {
                index.ip_is_owned(ip)
                    || index
                        .pods_by_ip
                        .get(ip)
                        .any(|pod| !old.contains(pod) && !restarted.contains(pod))
                    || index
                        .endpoints_by_address
                        .get(ip)
                        .any(|(id, endpoint)| ready_in_loaded_slice(id, *endpoint))
            };
            workload::expand(
                &workload_refs,
                &existing_refs,
                nodes,
                &is_taken,
                &self.workload_config,
            )
        };
        for pod in expansion.started {
            let key = key(&pod.meta.namespace, &pod.meta.name);
            let Some(current) = self.objects.pods.get(&key).cloned() else {
                continue;
            };
            if current.object == pod {
                continue;
            }
            self.remove_pod(&key, dirty);
            self.insert_pod(key, pod, current.location.clone(), dirty);
        }
        let locations: HashMap<(&str, &str), &Location> = workloads
            .iter()
            .map(|w| {
                let meta = &w.object.meta;
                ((meta.namespace.as_str(), meta.name.as_str()), &w.location)
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
        Ok(())
    }

    /// The Pods `workloads` ask for, checked against the limits before any is made (the
    /// namespace's `generated` Pods are being made again): each workload within
    /// `pods_per_workload`, and all of them, with the cluster's other Pods, within `pods`.
    fn check_pod_limits(
        &self,
        workloads: &[Arc<Sourced<Workload>>],
        generated: usize,
        nodes: usize,
    ) -> Result<(), Box<LoadError>> {
        let limits = self.limits;
        let asked = |workload: &Workload| match workload.replicas() {
            Some(replicas) => usize::try_from(replicas).unwrap_or(usize::MAX),
            None => nodes,
        };
        let error = |source: &Sourced<Workload>, expected: String, found: String| {
            let workload = &source.object;
            let field = workload.replicas_field();
            LoadError::new(
                source.location.clone(),
                LoadErrorKind::Invalid { expected, found },
            )
            .with_object(ObjectRef::namespaced(
                workload.kind(),
                &workload.meta.namespace,
                &workload.meta.name,
            ))
            .with_field(field)
        };
        for source in workloads {
            let pods = asked(&source.object);
            if pods > limits.pods_per_workload {
                let expected = format!(
                    "at most {} Pods (ObjectLimits::pods_per_workload)",
                    limits.pods_per_workload
                );
                return Err(Box::new(error(source, expected, pods.to_string())));
            }
        }
        let others = self.objects.pods.size().saturating_sub(generated);
        let total = workloads
            .iter()
            .map(|source| asked(&source.object))
            .fold(others, usize::saturating_add);
        if total > limits.pods
            && let Some(largest) = workloads.iter().max_by_key(|source| asked(&source.object))
        {
            let expected = format!(
                "at most {} Pods in the cluster (ObjectLimits::pods)",
                limits.pods
            );
            let found = format!(
                "{} Pods with the other Pods and workloads of the cluster",
                total
            );
            return Err(Box::new(error(largest, expected, found)));
        }
        Ok(())
    }
}

/// Where a workload's Pod comes from: its workload's location. A Pod is named
/// `<owner>-<ordinal or suffix>` (a Deployment's `<owner>-<hash>-<suffix>`), so its owner is the
/// longest workload name that ends where one of its `-` begins.
fn owner_location(pod: &Pod, locations: &HashMap<(&str, &str), &Location>) -> Location {
    let name = pod.meta.name.as_str();
    name.match_indices('-')
        .rev()
        .find_map(|(dash, _)| locations.get(&(pod.meta.namespace.as_str(), &name[..dash])))
        .map(|location| (*location).clone())
        .unwrap_or_default()
}
