//! Workloads: `apps/v1` StatefulSets, Deployments, ReplicaSets and DaemonSets, `v1`
//! ReplicationControllers and `batch/v1` Jobs, the Pods their controllers would create, and
//! the Pods of the input that have no `status`, started as a cluster would start them.
//!
//! # Why
//!
//! Most manifests written for a headless Service are a Service plus a StatefulSet or a
//! Deployment: no Pods, no EndpointSlices. In a cluster the workload controllers create the
//! Pods, the scheduler puts them on nodes, the kubelet and the CNI give them addresses, and the
//! EndpointSlice controller (see `crate::controller`) turns them into the endpoints CoreDNS
//! answers from. This module is the first half of that chain: `expand` turns workloads into
//! the [`Pod`]s their controllers would create, named as they would name them, and starts every
//! Pod of a namespace that has no status of its own (workload Pods, and input Pods written
//! without `status`): on a node, Running, Ready unless the user says otherwise, with
//! deterministic addresses from the node's Pod subnet, or the node's own addresses for
//! `hostNetwork` Pods.
//!
//! The types here hold only what DNS depends on: names, labels, replica counts, the selector's
//! `matchLabels`, and from the Pod template its labels, `hostname`, `subdomain`, node, host
//! network, container ports and the resolver settings copied into every Pod.
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
//! - **ReplicationController** (`replication/replication_controller.go`: the ReplicaSet
//!   controller run over ReplicationControllers converted to ReplicaSets): the same, its
//!   plain-map `spec.selector` defaulted to the template's labels (`SetDefaults_ReplicationController`).
//! - **DaemonSet** (`daemon/daemon_controller.go`, `syncNodes`; `daemon/util`): one Pod per
//!   node, `generateName: <daemonset>-`, labels from the template plus
//!   `controller-revision-hash: <hash>` and `pod-template-generation: "1"`.
//! - **Job** (`job/job_controller.go`, `manageJob`; `job/indexed_job_utils.go`): as many Pods at
//!   once as `min(parallelism, completions − succeeded)` (`parallelism` for a work-queue Job
//!   without `completions`; none when suspended or finished), `generateName: <job>-`. An
//!   `Indexed` Job runs the lowest completion indexes neither completed nor running
//!   (`firstPendingIndexes`) as `<job>-<index>-<5 characters>` (`podGenerateNameWithIndex`),
//!   with the label and annotation `batch.kubernetes.io/job-completion-index` and
//!   `hostname: <job>-<index>`, its template's `subdomain` kept: with a headless Service of
//!   that name, `<job>-<index>.<subdomain>.<namespace>.svc` names each Pod. The labels the API
//!   server adds to a Job's template (`job-name`, `controller-uid` and their
//!   `batch.kubernetes.io/` forms) are added when the Job is loaded.
//!
//! # Where the simulator differs, and why
//!
//! - Random parts (the five-character suffixes, template hashes, a Job's uid when its manifest
//!   has none) are stable hashes over the safe alphabet `bcdfghjklmnpqrstvwxz2456789` instead
//!   (see `crate::generated`), so the same manifests give the same names. Hash values therefore
//!   differ from a real cluster's.
//! - Pods are `Running` at once, with the `Ready` condition set by
//!   [`Readiness`], which the user chooses with the annotations
//!   [`READY_ANNOTATION`](crate::model::READY_ANNOTATION) and
//!   [`READY_REPLICAS_ANNOTATION`](crate::model::READY_REPLICAS_ANNOTATION) on the workload
//!   (or the first on a Pod without `status`). Job Pods run and never complete.
//! - Nodes are the input's `v1 Node` objects, or without any the builder's pool
//!   ([`WorkloadConfig::nodes`], default one node, `node-1`). Workload Pods are placed
//!   round-robin (ordinal or creation index modulo the node count) and other Pods without
//!   `spec.nodeName` by a hash of their name, rather than by the scheduler. A Pod bound to a
//!   node that does not exist stays Pending without an address, as no kubelet runs it.
//! - Addresses come from [`PodCidrs`] and the nodes' Pod subnets: see that type and the
//!   `ipam` module.
//!
//! # Pods the input already has
//!
//! The model keeps no `ownerReferences`, so ownership follows what the controllers use to find
//! and adopt Pods:
//!
//! - a StatefulSet owns the Pod named `<name>-<ordinal>` in its namespace (`isMemberOf`,
//!   `getParentNameAndOrdinal`): that ordinal is not created again;
//! - a ReplicaSet (or ReplicationController) counts the active input Pods (not
//!   `Succeeded`/`Failed`, not terminating; `FilterActivePods`) in its namespace that match its
//!   selector, as it adopts orphans (`ClaimPods`), and creates only the rest;
//! - a Deployment adopts the input ReplicaSets in its namespace whose labels match its
//!   selector (`getReplicaSetsForDeployment`): when there is one, the Deployment creates no
//!   ReplicaSet of its own (those ReplicaSets expand as usual). Without one, active input Pods
//!   that match its selector and carry a `pod-template-hash` label count toward its replicas
//!   (they belong to a ReplicaSet of it that the input left out);
//! - a DaemonSet skips a node that already runs an active input Pod matching its selector;
//! - a Job counts the active input Pods matching its selector toward the Pods it runs (their
//!   completion indexes, for an Indexed Job), and its `Succeeded` ones, like its
//!   `status.succeeded` and `status.completedIndexes`, as completions.
//!
//! Input Pods are never removed, even when there are more than `replicas`; those without a
//! `status` are started (see above), the others kept as they are.

pub(crate) mod ipam;
pub(crate) mod nodes;
mod planner;

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

pub use ipam::PodCidrs;

use crate::generated;
use crate::model::{
    IpFamily, Pod, PodPhase, PodStatusSource, PodTemplate, Readiness, Workload, WorkloadSpec,
};
use nodes::NodeSet;
use planner::{Planner, PodNames};

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
    // Fields added later are hashed only when set, so the hashes of templates without them
    // stay what they were.
    if let Some(node) = &template.node_name {
        text.push_str("|node=");
        text.push_str(node);
    }
    if template.host_network {
        text.push_str("|hostNetwork");
    }
    generated::safe_encode(generated::fnv1a32(&[&text]))
}

/// The longest label value the API server accepts (and the longest hostname).
const MAX_LABEL_VALUE: usize = 63;

/// Why the API server refuses the Pods of a StatefulSet, if it does: each Pod carries the
/// label `controller-revision-hash: <name>-<hash>` (the ControllerRevision's name, which
/// `ControllerRevisionName` does not shorten for the label) and a label value may not exceed
/// 63 characters, so a name over about 52 characters leaves no room for the hash: every Pod is
/// refused, and none exists (kubernetes/kubernetes#64023, still open). The simulator's hash
/// stands in for the cluster's (both are at most 10 characters); `None` when the Pods are
/// created.
pub(crate) fn refused_stateful_set_label(set: &Workload) -> Option<String> {
    let revision = stateful_set_revision(set);
    (revision.len() > MAX_LABEL_VALUE).then_some(revision)
}

/// `<name>-<hash>`: the value of a StatefulSet Pod's `controller-revision-hash` label.
fn stateful_set_revision(set: &Workload) -> String {
    format!("{}-{}", set.meta.name, template_hash(&set.template))
}

/// Where Pods run when the input has no `v1 Node`, and which addresses Pods get.
///
/// Without Node objects the cluster has the nodes of [`WorkloadConfig::nodes`] (default one,
/// `node-1`), whose addresses come from [`WorkloadConfig::node_addresses`] (default
/// `172.18.0.0/16`, and `fc00:f853:ccd:e793::/64` for IPv6: kind's Docker network, so `node-1`
/// is `172.18.0.2` as a one-node kind cluster's node is). With Node objects, those are the
/// nodes, with their own addresses and Pod subnets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkloadConfig {
    /// The pod CIDRs (default: IPv4 `10.244.0.0/16` only).
    pub pod_cidrs: PodCidrs,
    /// The nodes, in order, when the input has no Node objects (default: one node, `node-1`).
    /// Node `i` gets the `i`-th per-node subnet of each pod CIDR. With no nodes, Pods have no
    /// `nodeName` and DaemonSets no Pods.
    pub nodes: Vec<String>,
    /// The ranges the nodes of [`WorkloadConfig::nodes`] get their addresses from: node `i`
    /// gets the `i`-th usable address (from `.2`) of the range of each family the pod CIDRs
    /// have. They are the addresses of `hostNetwork` Pods.
    pub node_addresses: NodeAddresses,
}

impl Default for WorkloadConfig {
    fn default() -> Self {
        WorkloadConfig {
            pod_cidrs: PodCidrs::default(),
            nodes: vec!["node-1".to_owned()],
            node_addresses: NodeAddresses::default(),
        }
    }
}

/// The ranges the builder's pool nodes get their addresses from (see
/// [`WorkloadConfig::node_addresses`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeAddresses {
    /// The IPv4 range (default `172.18.0.0/16`).
    pub ipv4: Option<Ipv4Net>,
    /// The IPv6 range (default `fc00:f853:ccd:e793::/64`).
    pub ipv6: Option<Ipv6Net>,
}

impl Default for NodeAddresses {
    fn default() -> Self {
        NodeAddresses {
            ipv4: Ipv4Net::new(Ipv4Addr::new(172, 18, 0, 0), 16).ok(),
            ipv6: Ipv6Net::new(Ipv6Addr::new(0xfc00, 0xf853, 0xccd, 0xe793, 0, 0, 0, 0), 64).ok(),
        }
    }
}

impl NodeAddresses {
    fn range(&self, family: IpFamily) -> Option<IpNet> {
        match family {
            IpFamily::IPv4 => self.ipv4.map(IpNet::V4),
            IpFamily::IPv6 => self.ipv6.map(IpNet::V6),
        }
    }
}

/// What `expand` produces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Expansion {
    /// The Pods the controllers create, sorted by namespace and name. Input Pods are not
    /// repeated here.
    pub(crate) pods: Vec<Pod>,
    /// The input Pods without a status of their own, as the simulator runs them (on a node,
    /// addressed), sorted by namespace and name.
    pub(crate) started: Vec<Pod>,
    /// The ReplicaSets Deployments create, sorted by namespace and name.
    pub(crate) replica_sets: Vec<Workload>,
    /// Pods left without an address of some family because its range is full, for a
    /// diagnostic: `(namespace, name)`.
    pub(crate) unaddressed: Vec<(String, String)>,
}

/// Expands workloads into the Pods their controllers would create, and starts the input Pods
/// that have no status of their own.
///
/// `input` are the Pods the input states (never duplicated, see the module docs): those whose
/// status is the manifest's are kept, the others ([`Pod::is_simulated`]) are started again
/// (a Pod started before keeps its readiness; its node and addresses are worked out again,
/// and come out the same while nothing they depend on changed). `is_taken` reports the
/// addresses stated anywhere else (Pod IPs, endpoint addresses, ClusterIPs that fall in a pod
/// CIDR, …), which are never handed out; the addresses of the kept input Pods and of the nodes
/// are taken too. Addresses are handed out in namespace and name order over every Pod of the
/// pass, so the result depends only on the arguments, not on their order.
pub(crate) fn expand(
    workloads: &[&Workload],
    input: &[&Pod],
    nodes: &NodeSet,
    is_taken: &dyn Fn(&IpAddr) -> bool,
    config: &WorkloadConfig,
) -> Expansion {
    let mut input: Vec<&Pod> = input.to_vec();
    input.sort_by(|a, b| by_identity(a, b));
    input.dedup_by(|a, b| by_identity(a, b).is_eq());
    let started: Vec<Pod> = input
        .iter()
        .filter(|pod| pod.is_simulated())
        .map(|pod| start(pod, nodes))
        .collect();
    let kept: Vec<&Pod> = input
        .iter()
        .copied()
        .filter(|p| !p.is_simulated())
        .collect();
    let existing: Vec<&Pod> = kept.iter().copied().chain(started.iter()).collect();
    let mut names = PodNames::default();
    for pod in &input {
        names.insert(&pod.meta.namespace, &pod.meta.name);
    }
    let mut planner = Planner {
        existing: &existing,
        nodes,
        names,
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
    let mut replica_sets: Vec<(Workload, u32)> = sorted
        .iter()
        .filter(|w| {
            matches!(
                w.spec,
                WorkloadSpec::ReplicaSet { .. } | WorkloadSpec::ReplicationController { .. }
            )
        })
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
    replica_sets.sort_by(|a, b| identity(&a.0).cmp(&identity(&b.0)));
    replica_sets.dedup_by(|a, b| identity(&a.0) == identity(&b.0));

    for workload in &sorted {
        match &workload.spec {
            WorkloadSpec::StatefulSet {
                replicas,
                service_name,
                ordinals_start,
            } => planner.stateful_set(workload, *replicas, service_name, *ordinals_start),
            WorkloadSpec::DaemonSet => planner.daemon_set(workload),
            WorkloadSpec::Job(spec) => planner.job(workload, spec),
            WorkloadSpec::Deployment { .. }
            | WorkloadSpec::ReplicaSet { .. }
            | WorkloadSpec::ReplicationController { .. } => {}
        }
    }
    for (rs, already) in &replica_sets {
        planner.replica_set(rs, *already);
    }

    // Addresses, in name order over every Pod of the pass, so that collisions resolve the same
    // way every time.
    let made = planner.planned;
    let mut pods: Vec<(bool, Pod)> = made
        .into_iter()
        .map(|pod| (false, pod))
        .chain(started.into_iter().map(|pod| (true, pod)))
        .collect();
    pods.sort_by(|a, b| by_identity(&a.1, &b.1));
    let taken: HashSet<IpAddr> = kept
        .iter()
        .flat_map(|p| p.pod_ips.iter().copied())
        .chain(nodes.iter().flat_map(|node| node.host_ips.iter().copied()))
        .collect();
    let mut allocator = ipam::PodIpAllocator::new(&config.pod_cidrs, taken, is_taken);
    let mut unaddressed = Vec::new();
    let mut expansion = Expansion::default();
    for (is_input, mut pod) in pods {
        if pod.phase == Some(PodPhase::Running) {
            let node = pod.node_name.as_deref().and_then(|name| nodes.get(name));
            if pod.host_network {
                pod.pod_ips = node.map(|node| node.host_ips.clone()).unwrap_or_default();
            } else {
                let (index, stated) = node.map_or((0, &[][..]), |n| (n.index, &n.pod_cidrs[..]));
                let (namespace, name) = (&pod.meta.namespace, &pod.meta.name);
                pod.pod_ips = allocator.allocate(namespace, name, index, stated);
                let families = if stated.is_empty() {
                    config.pod_cidrs.families().len()
                } else {
                    stated.len()
                };
                if pod.pod_ips.len() < families {
                    unaddressed.push(identity_of(&pod));
                }
            }
        }
        if is_input {
            expansion.started.push(pod);
        } else {
            expansion.pods.push(pod);
        }
    }

    created_replica_sets.sort_by(|a, b| identity(a).cmp(&identity(b)));
    expansion.replica_sets = created_replica_sets;
    expansion.unaddressed = unaddressed;
    expansion
}

/// Pods in namespace and name order.
fn by_identity(a: &Pod, b: &Pod) -> std::cmp::Ordering {
    (&a.meta.namespace, &a.meta.name).cmp(&(&b.meta.namespace, &b.meta.name))
}

/// `(namespace, name)` of a Pod.
fn identity_of(pod: &Pod) -> (String, String) {
    (pod.meta.namespace.clone(), pod.meta.name.clone())
}

/// An input Pod without a status of its own, as the scheduler and the kubelet would run it:
/// on its `spec.nodeName`, or on a node chosen by a hash of its name; Running, Ready unless
/// the `k8s-dns-sim.io/ready` annotation (or a readiness it was given since) says otherwise.
/// Bound to a node that does not exist, it stays Pending. Its addresses are handed out later.
fn start(input: &Pod, nodes: &NodeSet) -> Pod {
    let mut pod = input.clone();
    let chose_node = match input.status_source {
        PodStatusSource::Simulated { chose_node } => chose_node,
        _ => input.node_name.is_none(),
    };
    if chose_node {
        pod.node_name = nodes
            .choose(&pod.meta.namespace, &pod.meta.name)
            .map(|node| node.name.clone());
    }
    pod.pod_ips.clear();
    let runs = pod
        .node_name
        .as_deref()
        .is_none_or(|name| nodes.get(name).is_some());
    if !runs {
        pod.phase = Some(PodPhase::Pending);
        pod.status_source = PodStatusSource::Unstarted;
        return pod;
    }
    if pod.ready.is_none() {
        let readiness = Readiness::from_annotations(&pod.meta.annotations).unwrap_or_default();
        pod.ready = Some(readiness.is_ready(0));
    }
    pod.phase = Some(PodPhase::Running);
    pod.status_source = PodStatusSource::Simulated { chose_node };
    pod
}

#[cfg(test)]
mod tests;
