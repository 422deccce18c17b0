//! Workloads: `apps/v1` StatefulSets, Deployments, ReplicaSets and DaemonSets, and the Pods
//! their controllers would create.
//!
//! # Why
//!
//! Most manifests written for a headless Service are a Service plus a StatefulSet or a
//! Deployment: no Pods, no EndpointSlices. In a cluster the workload controllers create the
//! Pods, the kubelet and the CNI give them addresses, and the EndpointSlice controller (see
//! `crate::controller`) turns them into the endpoints CoreDNS answers from. This module is
//! the first half of that chain: `expand` turns workloads into the [`Pod`]s their controllers
//! would create, named as they would name them, Running, Ready unless the user says otherwise,
//! with deterministic addresses from a pod CIDR.
//!
//! The types here hold only what DNS depends on: names, labels, replica counts, the selector's
//! `matchLabels`, and from the Pod template its labels, `hostname`, `subdomain` and container
//! ports.
//!
//! # How each controller names its Pods (`kubernetes/kubernetes`, `pkg/controller/`)
//!
//! - **StatefulSet** (`statefulset/stateful_set_utils.go`, `newStatefulSetPod`, `getPodName`,
//!   `initIdentity`, `updateIdentity`): Pods `<name>-<ordinal>` for ordinals
//!   `spec.ordinals.start ..` `start + replicas`, with `spec.hostname` = the Pod name and
//!   `spec.subdomain` = `spec.serviceName`, which is what gives them
//!   `<pod>.<service>.<namespace>.svc` names. Labels: the template's, plus
//!   `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` and
//!   `controller-revision-hash: <name>-<hash>`.
//! - **Deployment** (`deployment/sync.go`, `getNewReplicaSet`; `controller_utils.go`,
//!   `ComputeHash`): a ReplicaSet `<deployment>-<pod-template-hash>`, whose selector and
//!   template labels gain `pod-template-hash`.
//! - **ReplicaSet** (`replicaset/replica_set.go`, `manageReplicas`; `controller_utils.go`,
//!   `GetPodFromTemplate`): `replicas` Pods with `generateName: <replicaset>-`, i.e.
//!   `<replicaset>-<5 characters>`, labels from the template.
//! - **DaemonSet** (`daemon/daemon_controller.go`, `syncNodes`; `daemon/util`): one Pod per
//!   node, `generateName: <daemonset>-`, labels from the template plus
//!   `controller-revision-hash: <hash>` and `pod-template-generation: "1"`.
//!
//! # Where the simulator differs, and why
//!
//! - Random parts (the five-character suffixes, template hashes) are stable hashes over the
//!   safe alphabet `bcdfghjklmnpqrstvwxz2456789` instead (see `crate::generated`), so the same
//!   manifests give the same names. Hash values therefore differ from a real cluster's.
//! - Pods are `Running` at once, with the `Ready` condition set by
//!   [`Readiness`](crate::model::Readiness), which the user chooses with the annotations
//!   [`READY_ANNOTATION`](crate::model::READY_ANNOTATION) and
//!   [`READY_REPLICAS_ANNOTATION`](crate::model::READY_REPLICAS_ANNOTATION) on the workload.
//! - Nodes are a list of names ([`WorkloadConfig::nodes`], default one node, `node-1`); Pods
//!   are placed round-robin (ordinal or creation index modulo the node count) rather than by
//!   the scheduler.
//! - Addresses come from [`PodCidrs`]: see that type and the `ipam` module.
//!
//! # Pods the input already has
//!
//! The model keeps no `ownerReferences`, so ownership follows what the controllers use to find
//! and adopt Pods:
//!
//! - a StatefulSet owns the Pod named `<name>-<ordinal>` in its namespace (`isMemberOf`,
//!   `getParentNameAndOrdinal`): that ordinal is not created again;
//! - a ReplicaSet counts the active input Pods (not `Succeeded`/`Failed`, not terminating;
//!   `FilterActivePods`) in its namespace that match its selector, as it adopts orphans
//!   (`ClaimPods`), and creates only the rest;
//! - a Deployment adopts the input ReplicaSets in its namespace whose labels match its
//!   selector (`getReplicaSetsForDeployment`): when there is one, the Deployment creates no
//!   ReplicaSet of its own (those ReplicaSets expand as usual). Without one, active input Pods
//!   that match its selector and carry a `pod-template-hash` label count toward its replicas
//!   (they belong to a ReplicaSet of it that the input left out);
//! - a DaemonSet skips a node that already runs an active input Pod matching its selector.
//!
//! Input Pods are never removed or changed, even when there are more than `replicas`.

pub(crate) mod ipam;

use std::collections::{BTreeSet, HashSet};
use std::net::IpAddr;

pub use ipam::PodCidrs;

use crate::generated;
use crate::model::{ObjectMeta, Pod, PodPhase, PodTemplate, Selector, Workload, WorkloadSpec};

/// The label the StatefulSet controller puts on each Pod with its name.
pub const STATEFULSET_POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";

/// The label the StatefulSet controller puts on each Pod with its ordinal.
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

/// The label with the revision of the template a StatefulSet or DaemonSet Pod was made from.
pub const CONTROLLER_REVISION_HASH_LABEL: &str = "controller-revision-hash";

/// The label a Deployment adds to its ReplicaSets and their Pods.
pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";

/// The label with the DaemonSet template generation of a Pod.
pub const POD_TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";

/// The template hash (`controller.ComputeHash` with collision count 0, in shape): a stable
/// hash of the template's labels, hostname, subdomain and ports.
fn template_hash(template: &PodTemplate) -> String {
    let mut text = String::new();
    for (key, value) in &template.labels {
        text.push_str(key);
        text.push('=');
        text.push_str(value);
        text.push(',');
    }
    text.push('|');
    text.push_str(template.hostname.as_deref().unwrap_or(""));
    text.push('|');
    text.push_str(template.subdomain.as_deref().unwrap_or(""));
    text.push('|');
    for port in &template.container_ports {
        text.push_str(&format!(
            "{}:{}/{},",
            port.name.as_deref().unwrap_or(""),
            port.port,
            port.protocol
        ));
    }
    generated::safe_encode(generated::fnv1a32(&[&text]))
}

/// Where workload Pods run and which addresses they get.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkloadConfig {
    /// The pod CIDRs (default: IPv4 `10.244.0.0/16` only).
    pub pod_cidrs: PodCidrs,
    /// The nodes, in order (default: one node, `node-1`). Node `i` gets the `i`-th per-node
    /// subnet of each pod CIDR. With no nodes, Pods have no `nodeName` and DaemonSets no Pods.
    pub nodes: Vec<String>,
}

impl Default for WorkloadConfig {
    fn default() -> Self {
        WorkloadConfig {
            pod_cidrs: PodCidrs::default(),
            nodes: vec!["node-1".to_owned()],
        }
    }
}

/// What `expand` produces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Expansion {
    /// The Pods the controllers create, sorted by namespace and name. Input Pods are not
    /// repeated here.
    pub(crate) pods: Vec<Pod>,
    /// The ReplicaSets Deployments create, sorted by namespace and name.
    pub(crate) replica_sets: Vec<Workload>,
    /// Pods left without an address of some family because its range is full, for a
    /// diagnostic: `(namespace, name)`.
    pub(crate) unaddressed: Vec<(String, String)>,
}

/// Expands workloads into the Pods their controllers would create.
///
/// `existing` are the Pods the input states (never duplicated, see the module docs);
/// `is_taken` reports the addresses stated anywhere in the input (Pod IPs, endpoint addresses,
/// ClusterIPs that fall in a pod CIDR, …), which are never handed out. The Pods of `existing`
/// are taken too. The result depends only on the arguments, not on their order.
pub(crate) fn expand(
    workloads: &[&Workload],
    existing: &[&Pod],
    is_taken: &dyn Fn(&IpAddr) -> bool,
    config: &WorkloadConfig,
) -> Expansion {
    let mut planner = Planner {
        existing,
        config,
        names: existing
            .iter()
            .map(|p| (p.meta.namespace.clone(), p.meta.name.clone()))
            .collect(),
        planned: Vec::new(),
    };

    let identity = |w: &Workload| {
        (
            w.meta.namespace.clone(),
            w.kind().as_str(),
            w.meta.name.clone(),
        )
    };
    let mut sorted: Vec<&Workload> = workloads.to_vec();
    sorted.sort_by_key(|w| identity(w));
    sorted.dedup_by_key(|w| identity(w));

    // Deployments first: they add ReplicaSets.
    let input_replica_sets: Vec<&Workload> = sorted
        .iter()
        .copied()
        .filter(|w| matches!(w.spec, WorkloadSpec::ReplicaSet { .. }))
        .collect();
    let mut replica_sets: Vec<(Workload, u32)> = input_replica_sets
        .iter()
        .map(|rs| ((*rs).clone(), 0))
        .collect();
    let mut created_replica_sets = Vec::new();
    for workload in &sorted {
        if let WorkloadSpec::Deployment { replicas } = workload.spec
            && let Some(planned) = planner.replica_set_for(workload, replicas, &input_replica_sets)
        {
            created_replica_sets.push(planned.0.clone());
            replica_sets.push(planned);
        }
    }
    replica_sets.sort_by(|a, b| {
        (&a.0.meta.namespace, &a.0.meta.name).cmp(&(&b.0.meta.namespace, &b.0.meta.name))
    });
    replica_sets.dedup_by(|a, b| {
        a.0.meta.namespace == b.0.meta.namespace && a.0.meta.name == b.0.meta.name
    });

    for workload in &sorted {
        match &workload.spec {
            WorkloadSpec::StatefulSet {
                replicas,
                service_name,
                ordinals_start,
            } => planner.stateful_set(workload, *replicas, service_name, *ordinals_start),
            WorkloadSpec::DaemonSet => planner.daemon_set(workload),
            WorkloadSpec::Deployment { .. } | WorkloadSpec::ReplicaSet { .. } => {}
        }
    }
    for (rs, already) in &replica_sets {
        planner.replica_set(rs, *already);
    }

    // Addresses, in name order so that collisions resolve the same way every time.
    let mut pods = planner.planned;
    pods.sort_by(|a, b| {
        (&a.pod.meta.namespace, &a.pod.meta.name).cmp(&(&b.pod.meta.namespace, &b.pod.meta.name))
    });
    let taken: HashSet<IpAddr> = existing
        .iter()
        .flat_map(|p| p.pod_ips.iter().copied())
        .collect();
    let mut allocator = ipam::PodIpAllocator::new(&config.pod_cidrs, taken, is_taken);
    let families = config.pod_cidrs.families().len();
    let mut unaddressed = Vec::new();
    let pods = pods
        .into_iter()
        .map(|mut planned| {
            planned.pod.pod_ips = allocator.allocate(
                &planned.pod.meta.namespace,
                &planned.pod.meta.name,
                planned.node_index,
            );
            if planned.pod.pod_ips.len() < families {
                unaddressed.push((
                    planned.pod.meta.namespace.clone(),
                    planned.pod.meta.name.clone(),
                ));
            }
            planned.pod
        })
        .collect();

    created_replica_sets
        .sort_by(|a, b| (&a.meta.namespace, &a.meta.name).cmp(&(&b.meta.namespace, &b.meta.name)));
    Expansion {
        pods,
        replica_sets: created_replica_sets,
        unaddressed,
    }
}

/// A Pod to create, and the node it runs on (for its subnet).
struct Planned {
    pod: Pod,
    node_index: usize,
}

struct Planner<'a> {
    existing: &'a [&'a Pod],
    config: &'a WorkloadConfig,
    /// Every Pod name in use, input and planned: `(namespace, name)`.
    names: BTreeSet<(String, String)>,
    planned: Vec<Planned>,
}

/// `IsPodActive` (`pkg/controller/controller_utils.go`): not terminal, not terminating.
fn is_active(pod: &Pod) -> bool {
    !matches!(pod.phase, Some(PodPhase::Succeeded | PodPhase::Failed)) && !pod.terminating
}

impl Planner<'_> {
    /// Active input Pods of `namespace` matching a non-empty `selector`.
    fn matching(&self, namespace: &str, selector: &Selector) -> Vec<&Pod> {
        if selector.is_empty() {
            return Vec::new();
        }
        self.existing
            .iter()
            .copied()
            .filter(|p| p.meta.namespace == namespace && is_active(p))
            .filter(|p| selector.matches(&p.meta.labels))
            .collect()
    }

    fn node(&self, index: u64) -> (Option<String>, usize) {
        let count = self.config.nodes.len();
        if count == 0 {
            return (None, 0);
        }
        let i = (index % count as u64) as usize;
        (self.config.nodes.get(i).cloned(), i)
    }

    fn push(&mut self, pod: Pod, node_index: usize) {
        self.names
            .insert((pod.meta.namespace.clone(), pod.meta.name.clone()));
        self.planned.push(Planned { pod, node_index });
    }

    /// A Pod of `workload`'s template, Running, with the given name and labels, Ready as the
    /// workload says for the Pod at `index`.
    fn pod(workload: &Workload, meta: ObjectMeta, index: u64, node: Option<String>) -> Pod {
        let template = &workload.template;
        Pod {
            meta,
            hostname: template.hostname.clone().filter(|h| !h.is_empty()),
            subdomain: template.subdomain.clone().filter(|s| !s.is_empty()),
            node_name: node,
            container_ports: template.container_ports.clone(),
            phase: Some(PodPhase::Running),
            pod_ips: Vec::new(),
            ready: Some(workload.readiness.is_ready(index)),
            terminating: false,
        }
    }

    /// A free `generateName`-style name `<owner>-<5 chars>` in `namespace`.
    fn generated_name(&self, namespace: &str, owner: &str, index: u64) -> String {
        let prefix = generated::generate_name_prefix(owner);
        let index = index.to_string();
        let mut attempt = 0u64;
        loop {
            let attempt_text = attempt.to_string();
            let name = format!(
                "{prefix}{}",
                generated::suffix(&[namespace, owner, &index, &attempt_text])
            );
            if !self.names.contains(&(namespace.to_owned(), name.clone())) {
                return name;
            }
            attempt += 1;
        }
    }

    /// `newStatefulSetPod` for each missing ordinal.
    fn stateful_set(
        &mut self,
        set: &Workload,
        replicas: u32,
        service_name: &Option<String>,
        ordinals_start: u32,
    ) {
        let namespace = set.meta.namespace.as_str();
        let revision = format!("{}-{}", set.meta.name, template_hash(&set.template));
        for i in 0..u64::from(replicas) {
            let ordinal = u64::from(ordinals_start) + i;
            let name = format!("{}-{ordinal}", set.meta.name);
            if self.names.contains(&(namespace.to_owned(), name.clone())) {
                continue; // the input has it: the StatefulSet owns it
            }
            let mut meta = ObjectMeta::new(namespace, &name);
            meta.labels = set.template.labels.clone();
            meta.labels
                .insert(STATEFULSET_POD_NAME_LABEL.to_owned(), name.clone());
            meta.labels
                .insert(POD_INDEX_LABEL.to_owned(), ordinal.to_string());
            meta.labels
                .insert(CONTROLLER_REVISION_HASH_LABEL.to_owned(), revision.clone());
            let (node, node_index) = self.node(ordinal);
            let mut pod = Self::pod(set, meta, i, node);
            // initIdentity overrides whatever the template says.
            pod.hostname = Some(name);
            pod.subdomain = service_name.clone().filter(|s| !s.is_empty());
            self.push(pod, node_index);
        }
    }

    /// `getNewReplicaSet`: the ReplicaSet a Deployment creates, with how many of its Pods the
    /// input already has; `None` when it adopts an input ReplicaSet.
    fn replica_set_for(
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

    /// `manageReplicas`: create the Pods the ReplicaSet lacks.
    fn replica_set(&mut self, rs: &Workload, already: u32) {
        let namespace = rs.meta.namespace.as_str();
        let adopted =
            u32::try_from(self.matching(namespace, &rs.selector).len()).unwrap_or(u32::MAX);
        let replicas = rs.replicas().unwrap_or(0);
        let missing = replicas.saturating_sub(adopted.saturating_add(already));
        for index in 0..u64::from(missing) {
            let name = self.generated_name(namespace, &rs.meta.name, index);
            let mut meta = ObjectMeta::new(namespace, &name);
            meta.labels = rs.template.labels.clone();
            let (node, node_index) = self.node(index);
            let pod = Self::pod(rs, meta, index, node);
            self.push(pod, node_index);
        }
    }

    /// `syncNodes`: one Pod per node that has none.
    fn daemon_set(&mut self, set: &Workload) {
        let namespace = set.meta.namespace.as_str();
        let hash = template_hash(&set.template);
        let nodes = self.config.nodes.clone();
        for (index, node) in nodes.iter().enumerate() {
            let covered = self
                .matching(namespace, &set.selector)
                .iter()
                .any(|p| p.node_name.as_deref() == Some(node.as_str()));
            if covered {
                continue;
            }
            let index = index as u64;
            let name = self.generated_name(namespace, &set.meta.name, index);
            let mut meta = ObjectMeta::new(namespace, &name);
            meta.labels = set.template.labels.clone();
            meta.labels
                .insert(CONTROLLER_REVISION_HASH_LABEL.to_owned(), hash.clone());
            meta.labels
                .insert(POD_TEMPLATE_GENERATION_LABEL.to_owned(), "1".to_owned());
            let pod = Self::pod(set, meta, index, Some(node.clone()));
            self.push(pod, index as usize);
        }
    }
}

#[cfg(test)]
mod tests;
