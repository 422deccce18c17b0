//! The controllers' Pod-making rules, one method per kind (see the parent module for each
//! rule's source): which Pods a workload lacks, their names, labels, hostnames, nodes and
//! readiness. Addresses are handed out afterwards, for every Pod of the pass at once.

use std::collections::{BTreeMap, BTreeSet};

use super::nodes::NodeSet;
use super::{
    CONTROLLER_REVISION_HASH_LABEL, POD_INDEX_LABEL, POD_TEMPLATE_GENERATION_LABEL,
    POD_TEMPLATE_HASH_LABEL, STATEFULSET_POD_NAME_LABEL, template_hash,
};
use crate::generated;
use crate::model::{
    CompletionMode, JOB_COMPLETION_INDEX, JobSpec, ObjectMeta, Pod, PodPhase, PodStatusSource,
    Selector, Workload, WorkloadSpec,
};

/// The Pods of one pass being planned.
pub(super) struct Planner<'a> {
    /// The input Pods of the namespace, those the simulator starts already placed on their node.
    pub(super) existing: &'a [&'a Pod],
    pub(super) nodes: &'a NodeSet,
    /// Every Pod name in use, input and planned.
    pub(super) names: PodNames,
    pub(super) planned: Vec<Pod>,
}

/// Pod names in use, by namespace, so that asking costs no allocation (a pass asks once or
/// more for every Pod it plans).
#[derive(Default)]
pub(super) struct PodNames(BTreeMap<String, BTreeSet<String>>);

impl PodNames {
    pub(super) fn contains(&self, namespace: &str, name: &str) -> bool {
        self.0
            .get(namespace)
            .is_some_and(|names| names.contains(name))
    }

    pub(super) fn insert(&mut self, namespace: &str, name: &str) {
        if let Some(names) = self.0.get_mut(namespace) {
            names.insert(name.to_owned());
        } else {
            self.0
                .insert(namespace.to_owned(), BTreeSet::from([name.to_owned()]));
        }
    }
}

/// `IsPodActive` (`pkg/controller/controller_utils.go`): not terminal, not terminating.
pub(super) fn is_active(pod: &Pod) -> bool {
    !matches!(pod.phase, Some(PodPhase::Succeeded | PodPhase::Failed)) && !pod.terminating
}

impl Planner<'_> {
    /// Active input Pods of `namespace` matching a non-empty `selector`.
    pub(super) fn matching(&self, namespace: &str, selector: &Selector) -> Vec<&Pod> {
        self.selected(namespace, selector)
            .into_iter()
            .filter(|p| is_active(p))
            .collect()
    }

    /// Input Pods of `namespace` matching a non-empty `selector`, active or not.
    fn selected(&self, namespace: &str, selector: &Selector) -> Vec<&Pod> {
        if selector.is_empty() {
            return Vec::new();
        }
        self.existing
            .iter()
            .copied()
            .filter(|p| p.meta.namespace == namespace)
            .filter(|p| selector.matches(&p.meta.labels))
            .collect()
    }

    fn push(&mut self, pod: Pod) {
        self.names.insert(&pod.meta.namespace, &pod.meta.name);
        self.planned.push(pod);
    }

    /// A Pod of `workload`'s template, with the given name and labels, Ready as the workload
    /// says for the Pod at `index`, on the template's node, or else on `node` (a DaemonSet's),
    /// or else on the `index`-th node round-robin. Bound to a node that does not exist, it
    /// stays Pending, as no kubelet runs it.
    fn pod(&self, workload: &Workload, meta: ObjectMeta, index: u64, node: Option<&str>) -> Pod {
        let template = &workload.template;
        let mut pod = Pod::new(&meta.namespace, &meta.name);
        pod.meta = meta;
        pod.hostname = template.hostname.clone().filter(|h| !h.is_empty());
        pod.subdomain = template.subdomain.clone().filter(|s| !s.is_empty());
        pod.container_ports = template.container_ports.clone();
        pod.host_network = template.host_network;
        pod.dns_policy = template.dns_policy;
        pod.dns_config = template.dns_config.clone();
        pod.host_aliases = template.host_aliases.clone();
        pod.set_hostname_as_fqdn = template.set_hostname_as_fqdn;
        pod.env = template.env.clone();
        pod.ready = Some(workload.readiness.is_ready(index));
        let stated = node.or(template.node_name.as_deref());
        let chose_node = stated.is_none();
        pod.node_name = match stated {
            Some(name) => Some(name.to_owned()),
            None => self.nodes.round_robin(index).map(|node| node.name.clone()),
        };
        let runs = match &pod.node_name {
            Some(name) => self.nodes.get(name).is_some(),
            // With no node at all (an empty pool) Pods still run, without a node.
            None => true,
        };
        if runs {
            pod.phase = Some(PodPhase::Running);
            pod.status_source = PodStatusSource::Simulated { chose_node };
        } else {
            pod.phase = Some(PodPhase::Pending);
        }
        pod
    }

    /// A free `generateName`-style name `<prefix><5 chars>` in `namespace`; `salt` tells apart
    /// the Pods of one owner.
    fn generated_name(&self, namespace: &str, prefix: &str, owner: &str, salt: &str) -> String {
        let mut attempt = 0u64;
        loop {
            let attempt_text = attempt.to_string();
            let name = format!(
                "{prefix}{}",
                generated::suffix(&[namespace, owner, salt, &attempt_text])
            );
            if !self.names.contains(namespace, &name) {
                return name;
            }
            attempt += 1;
        }
    }

    /// `generateName: <owner>-` for the Pod at `index`.
    fn owned_name(&self, namespace: &str, owner: &str, index: u64) -> String {
        let prefix = generated::generate_name_prefix(owner);
        self.generated_name(namespace, &prefix, owner, &index.to_string())
    }

    /// `newStatefulSetPod` for each missing ordinal.
    pub(super) fn stateful_set(
        &mut self,
        set: &Workload,
        replicas: u32,
        service_name: &Option<String>,
        ordinals_start: u32,
    ) {
        let namespace = set.meta.namespace.as_str();
        let revision = super::stateful_set_revision(set);
        if revision.len() > super::MAX_LABEL_VALUE {
            return; // the API server refuses every Pod (see `refused_stateful_set_label`)
        }
        for i in 0..u64::from(replicas) {
            let ordinal = u64::from(ordinals_start) + i;
            let name = format!("{}-{ordinal}", set.meta.name);
            if self.names.contains(namespace, &name) {
                continue; // the input has it: the StatefulSet owns it
            }
            if name.len() > super::MAX_LABEL_VALUE {
                // Its hostname and its `statefulset.kubernetes.io/pod-name` label would be
                // longer than a label: the API server refuses this Pod.
                continue;
            }
            let mut meta = ObjectMeta::new(namespace, &name);
            meta.labels = set.template.labels.clone();
            meta.labels
                .insert(STATEFULSET_POD_NAME_LABEL.to_owned(), name.clone());
            meta.labels
                .insert(POD_INDEX_LABEL.to_owned(), ordinal.to_string());
            meta.labels
                .insert(CONTROLLER_REVISION_HASH_LABEL.to_owned(), revision.clone());
            let mut pod = self.pod(set, meta, i, None);
            // initIdentity overrides whatever the template says.
            pod.hostname = Some(name);
            pod.subdomain = service_name.clone().filter(|s| !s.is_empty());
            self.push(pod);
        }
    }

    /// `getNewReplicaSet`: the ReplicaSet a Deployment creates, with how many of its Pods the
    /// input already has; `None` when it adopts an input ReplicaSet.
    pub(super) fn replica_set_for(
        &self,
        deployment: &Workload,
        replicas: u32,
        input: &[&Workload],
    ) -> Option<(Workload, u32)> {
        let namespace = deployment.meta.namespace.as_str();
        let adopts = !deployment.selector.is_empty()
            && input.iter().any(|rs| {
                rs.meta.namespace == namespace && deployment.selector.matches(&rs.meta.labels)
            });
        if adopts {
            return None;
        }
        let hash = template_hash(&deployment.template);
        let name = format!("{}-{hash}", deployment.meta.name);
        if input
            .iter()
            .any(|rs| rs.meta.namespace == namespace && rs.meta.name == name)
        {
            return None;
        }
        let mut replica_set =
            Workload::new(WorkloadSpec::ReplicaSet { replicas }, namespace, &name);
        replica_set.template = deployment.template.clone();
        replica_set
            .template
            .labels
            .insert(POD_TEMPLATE_HASH_LABEL.to_owned(), hash.clone());
        replica_set.selector = deployment.selector.clone();
        replica_set
            .selector
            .insert(POD_TEMPLATE_HASH_LABEL.to_owned(), hash);
        replica_set.meta.labels = replica_set.template.labels.clone();
        replica_set.readiness = deployment.readiness;
        let already = self
            .matching(namespace, &deployment.selector)
            .iter()
            .filter(|p| p.meta.labels.contains_key(POD_TEMPLATE_HASH_LABEL))
            .count();
        Some((replica_set, u32::try_from(already).unwrap_or(u32::MAX)))
    }

    /// `manageReplicas` of a ReplicaSet or ReplicationController: create the Pods it lacks.
    pub(super) fn replica_set(&mut self, rs: &Workload, already: u32) {
        let namespace = rs.meta.namespace.as_str();
        let adopted =
            u32::try_from(self.matching(namespace, &rs.selector).len()).unwrap_or(u32::MAX);
        let replicas = rs.replicas().unwrap_or(0);
        let missing = replicas.saturating_sub(adopted.saturating_add(already));
        for index in 0..u64::from(missing) {
            let name = self.owned_name(namespace, &rs.meta.name, index);
            let mut meta = ObjectMeta::new(namespace, &name);
            meta.labels = rs.template.labels.clone();
            let pod = self.pod(rs, meta, index, None);
            self.push(pod);
        }
    }

    /// `syncNodes`: one Pod per node that has none.
    pub(super) fn daemon_set(&mut self, set: &Workload) {
        let namespace = set.meta.namespace.as_str();
        let hash = template_hash(&set.template);
        let nodes: Vec<String> = self.nodes.iter().map(|node| node.name.clone()).collect();
        for (index, node) in nodes.iter().enumerate() {
            let covered = self
                .matching(namespace, &set.selector)
                .iter()
                .any(|p| p.node_name.as_deref() == Some(node.as_str()));
            if covered {
                continue;
            }
            let index = index as u64;
            let name = self.owned_name(namespace, &set.meta.name, index);
            let mut meta = ObjectMeta::new(namespace, &name);
            meta.labels = set.template.labels.clone();
            meta.labels
                .insert(CONTROLLER_REVISION_HASH_LABEL.to_owned(), hash.clone());
            meta.labels
                .insert(POD_TEMPLATE_GENERATION_LABEL.to_owned(), "1".to_owned());
            let pod = self.pod(set, meta, index, Some(node));
            self.push(pod);
        }
    }

    /// `manageJob`: the Pods a Job runs at once, less those the input already runs. A
    /// NonIndexed Job's Pods are `<job>-<5 chars>`; an Indexed Job's take the lowest completion
    /// indexes neither completed nor running (`firstPendingIndexes`), named
    /// `<job>-<index>-<5 chars>` (`podGenerateNameWithIndex`), with the index as label and
    /// annotation and `hostname: <job>-<index>` (`job_controller.go`, `manageJob`).
    pub(super) fn job(&mut self, job: &Workload, spec: &JobSpec) {
        let namespace = job.meta.namespace.as_str();
        let selected = self.selected(namespace, &job.selector);
        let succeeded_pods: Vec<&Pod> = selected
            .iter()
            .copied()
            .filter(|p| p.phase == Some(PodPhase::Succeeded))
            .collect();
        let active: Vec<&Pod> = selected.iter().copied().filter(|p| is_active(p)).collect();
        let mut spec = spec.clone();
        spec.succeeded = spec.succeeded.max(count(succeeded_pods.len()));
        let indexed = spec.completion_mode == CompletionMode::Indexed;
        if indexed {
            let done = succeeded_pods.iter().filter_map(|p| completion_index(p));
            spec.add_completed(done);
        }
        let missing = spec.wanted_active().saturating_sub(count(active.len()));
        if !indexed {
            for index in 0..u64::from(missing) {
                let name = self.owned_name(namespace, &job.meta.name, index);
                let mut meta = ObjectMeta::new(namespace, &name);
                meta.labels = job.template.labels.clone();
                let pod = self.pod(job, meta, index, None);
                self.push(pod);
            }
            return;
        }
        let running: Vec<u32> = active.iter().filter_map(|p| completion_index(p)).collect();
        let completions = spec.completions.unwrap_or(0);
        let pending =
            first_pending_indexes(&spec.completed_indexes, &running, missing, completions);
        for index in pending {
            let prefix = generate_name_with_index(&job.meta.name, index);
            let name = self.generated_name(namespace, &prefix, &job.meta.name, "indexed");
            let mut meta = ObjectMeta::new(namespace, &name);
            meta.labels = job.template.labels.clone();
            meta.labels
                .insert(JOB_COMPLETION_INDEX.to_owned(), index.to_string());
            meta.annotations
                .insert(JOB_COMPLETION_INDEX.to_owned(), index.to_string());
            let mut pod = self.pod(job, meta, u64::from(index), None);
            pod.hostname = Some(format!("{}-{index}", job.meta.name));
            self.push(pod);
        }
    }
}

/// `firstPendingIndexes`: the `count` lowest indexes below `completions` neither completed nor
/// running, found by walking the gaps between them (bounded by their number and `count`, not
/// by `completions`).
fn first_pending_indexes(
    completed: &[(u32, u32)],
    running: &[u32],
    count: u32,
    completions: u32,
) -> Vec<u32> {
    let mut taken: Vec<(u32, u32)> = completed
        .iter()
        .copied()
        .chain(running.iter().map(|&index| (index, index)))
        .collect();
    taken.sort_unstable();
    let mut out = Vec::new();
    let mut candidate: u32 = 0;
    let mut taken = taken.into_iter().peekable();
    while candidate < completions && count > 0 && out.len() < count as usize {
        match taken.peek() {
            Some(&(first, last)) if first <= candidate => {
                candidate = candidate.max(last.saturating_add(1));
                if last == u32::MAX {
                    break;
                }
                taken.next();
            }
            _ => {
                out.push(candidate);
                candidate += 1;
            }
        }
    }
    out
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `getCompletionIndex`: the Pod's `batch.kubernetes.io/job-completion-index` annotation, when
/// it is a number of at least 0.
fn completion_index(pod: &Pod) -> Option<u32> {
    pod.meta.annotations.get(JOB_COMPLETION_INDEX)?.parse().ok()
}

/// `podGenerateNameWithIndex`: `<job>-<index>-`, the job name cut so that the prefix fits the
/// name generator's 58 characters.
pub(super) fn generate_name_with_index(job: &str, index: u32) -> String {
    let append = format!("-{index}-");
    let prefix = format!("{job}{append}");
    if prefix.len() <= generated::MAX_PREFIX_LEN {
        return prefix;
    }
    let mut cut = generated::MAX_PREFIX_LEN.saturating_sub(append.len());
    while !prefix.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{append}", &prefix[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    // Table rows spell their type out.
    #[allow(clippy::type_complexity)]
    #[test]
    fn first_pending_indexes_skip_completed_and_running_ones() {
        // indexed_job_utils.go firstPendingIndexes.
        let cases: &[(&[(u32, u32)], &[u32], u32, u32, &[u32])] = &[
            (&[], &[], 2, 5, &[0, 1]),
            (&[(0, 0), (2, 2)], &[], 2, 4, &[1, 3]),
            (&[(0, 3)], &[5], 3, 10, &[4, 6, 7]),
            (&[(1, 2)], &[1], 5, 4, &[0, 3]),
            (&[], &[], 0, 5, &[]),
            // Bounded by the gaps, not by completions.
            (&[(0, u32::MAX - 2)], &[], 5, u32::MAX, &[u32::MAX - 1]),
            (&[(0, u32::MAX)], &[], 5, u32::MAX, &[]),
        ];
        for (completed, running, count, completions, want) in cases {
            assert_eq!(
                first_pending_indexes(completed, running, *count, *completions),
                *want,
                "{completed:?} {running:?}"
            );
        }
    }
}
