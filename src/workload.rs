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
//!   safe alphabet `bcdfghjklmnpqrstvwxz2456789` instead (see `names`), so the same manifests
//!   give the same names. Hash values therefore differ from a real cluster's.
//! - Pods are `Running` at once, with the `Ready` condition set by [`Readiness`], which the
//!   user chooses with the annotations [`READY_ANNOTATION`] and [`READY_REPLICAS_ANNOTATION`]
//!   on the workload.
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
pub(crate) mod names;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::net::IpAddr;

pub use ipam::PodCidrs;

use crate::controller::selector_matches;
use crate::model::{ContainerPort, ObjectMeta, Pod, PodPhase};

/// The workload annotation that sets whether its Pods are Ready: `"true"` (the default) or
/// `"false"`.
pub const READY_ANNOTATION: &str = "k8s-dns-sim.io/ready";

/// The workload annotation that makes only the first N of the Pods it creates Ready (by
/// ordinal for a StatefulSet, by node order for a DaemonSet, by creation order otherwise).
pub const READY_REPLICAS_ANNOTATION: &str = "k8s-dns-sim.io/ready-replicas";

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

/// Which of a workload's Pods are Ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Readiness {
    /// All of them (the default, as in a healthy cluster).
    #[default]
    All,
    /// None of them (`k8s-dns-sim.io/ready: "false"`).
    None,
    /// The first N (`k8s-dns-sim.io/ready-replicas: "N"`).
    First(u32),
}

impl Readiness {
    /// Reads [`READY_ANNOTATION`] and [`READY_REPLICAS_ANNOTATION`] from a workload's
    /// annotations. Neither gives [`Readiness::All`]; both at once is an error.
    pub fn from_annotations(
        annotations: &BTreeMap<String, String>,
    ) -> Result<Readiness, ReadinessError> {
        let ready = annotations.get(READY_ANNOTATION);
        let replicas = annotations.get(READY_REPLICAS_ANNOTATION);
        match (ready, replicas) {
            (Some(_), Some(_)) => Err(ReadinessError {
                annotation: READY_REPLICAS_ANNOTATION,
                value: replicas.cloned().unwrap_or_default(),
                expected: "absent when k8s-dns-sim.io/ready is given",
            }),
            (Some(value), None) => match value.as_str() {
                "true" => Ok(Readiness::All),
                "false" => Ok(Readiness::None),
                _ => Err(ReadinessError {
                    annotation: READY_ANNOTATION,
                    value: value.clone(),
                    expected: "\"true\" or \"false\"",
                }),
            },
            (None, Some(value)) => {
                value
                    .parse::<u32>()
                    .map(Readiness::First)
                    .map_err(|_| ReadinessError {
                        annotation: READY_REPLICAS_ANNOTATION,
                        value: value.clone(),
                        expected: "a non-negative integer",
                    })
            }
            (None, None) => Ok(Readiness::All),
        }
    }

    /// Whether the Pod at `index` (0-based, in the workload's own order) is Ready.
    pub fn is_ready(self, index: u64) -> bool {
        match self {
            Readiness::All => true,
            Readiness::None => false,
            Readiness::First(n) => index < u64::from(n),
        }
    }
}

/// A readiness annotation with a value the simulator does not understand.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadinessError {
    /// The annotation's key.
    pub annotation: &'static str,
    /// Its value.
    pub value: String,
    /// What was expected instead.
    pub expected: &'static str,
}

impl fmt::Display for ReadinessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "annotation {} must be {}, not {:?}",
            self.annotation, self.expected, self.value
        )
    }
}

impl std::error::Error for ReadinessError {}

/// The parts of `spec.template` that DNS depends on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PodTemplate {
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `spec.hostname`.
    pub hostname: Option<String>,
    /// `spec.subdomain`.
    pub subdomain: Option<String>,
    /// The containers' ports (and those of restartable init containers).
    pub container_ports: Vec<ContainerPort>,
}

impl PodTemplate {
    /// A template with these labels and nothing else.
    pub fn with_labels(labels: BTreeMap<String, String>) -> Self {
        PodTemplate {
            labels,
            ..PodTemplate::default()
        }
    }

    /// A stable text of the template, the input of the template hashes.
    fn canonical(&self) -> String {
        let mut text = String::new();
        for (key, value) in &self.labels {
            text.push_str(key);
            text.push('=');
            text.push_str(value);
            text.push(',');
        }
        text.push('|');
        text.push_str(self.hostname.as_deref().unwrap_or(""));
        text.push('|');
        text.push_str(self.subdomain.as_deref().unwrap_or(""));
        text.push('|');
        for port in &self.container_ports {
            text.push_str(&format!(
                "{}:{}/{},",
                port.name.as_deref().unwrap_or(""),
                port.port,
                port.protocol
            ));
        }
        text
    }

    /// The template hash (`controller.ComputeHash` with collision count 0, in shape).
    fn hash(&self) -> String {
        names::safe_encode(names::fnv1a32(&[&self.canonical()]))
    }
}

/// An `apps/v1 StatefulSet`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatefulSet {
    /// Name, namespace, labels, annotations.
    pub meta: ObjectMeta,
    /// `spec.replicas`, defaulted to 1.
    pub replicas: u32,
    /// `spec.selector.matchLabels`.
    pub selector: BTreeMap<String, String>,
    /// `spec.template`.
    pub template: PodTemplate,
    /// `spec.serviceName`: the governing (headless) Service, which becomes each Pod's
    /// `subdomain`.
    pub service_name: Option<String>,
    /// `spec.ordinals.start`, defaulted to 0.
    pub ordinals_start: u32,
    /// Which Pods are Ready (from the readiness annotations).
    pub readiness: Readiness,
}

impl StatefulSet {
    /// A StatefulSet with one replica, no selector, an empty template and no Service.
    pub fn new(namespace: &str, name: &str) -> Self {
        StatefulSet {
            meta: ObjectMeta::new(namespace, name),
            replicas: 1,
            selector: BTreeMap::new(),
            template: PodTemplate::default(),
            service_name: None,
            ordinals_start: 0,
            readiness: Readiness::All,
        }
    }
}

/// An `apps/v1 Deployment`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Deployment {
    /// Name, namespace, labels, annotations.
    pub meta: ObjectMeta,
    /// `spec.replicas`, defaulted to 1.
    pub replicas: u32,
    /// `spec.selector.matchLabels`.
    pub selector: BTreeMap<String, String>,
    /// `spec.template`.
    pub template: PodTemplate,
    /// Which Pods are Ready (from the readiness annotations).
    pub readiness: Readiness,
}

impl Deployment {
    /// A Deployment with one replica, no selector and an empty template.
    pub fn new(namespace: &str, name: &str) -> Self {
        Deployment {
            meta: ObjectMeta::new(namespace, name),
            replicas: 1,
            selector: BTreeMap::new(),
            template: PodTemplate::default(),
            readiness: Readiness::All,
        }
    }
}

/// An `apps/v1 ReplicaSet`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplicaSet {
    /// Name, namespace, labels, annotations.
    pub meta: ObjectMeta,
    /// `spec.replicas`, defaulted to 1.
    pub replicas: u32,
    /// `spec.selector.matchLabels`.
    pub selector: BTreeMap<String, String>,
    /// `spec.template`.
    pub template: PodTemplate,
    /// Which Pods are Ready (from the readiness annotations).
    pub readiness: Readiness,
}

impl ReplicaSet {
    /// A ReplicaSet with one replica, no selector and an empty template.
    pub fn new(namespace: &str, name: &str) -> Self {
        ReplicaSet {
            meta: ObjectMeta::new(namespace, name),
            replicas: 1,
            selector: BTreeMap::new(),
            template: PodTemplate::default(),
            readiness: Readiness::All,
        }
    }
}

/// An `apps/v1 DaemonSet`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DaemonSet {
    /// Name, namespace, labels, annotations.
    pub meta: ObjectMeta,
    /// `spec.selector.matchLabels`.
    pub selector: BTreeMap<String, String>,
    /// `spec.template`.
    pub template: PodTemplate,
    /// Which Pods are Ready (from the readiness annotations).
    pub readiness: Readiness,
}

impl DaemonSet {
    /// A DaemonSet with no selector and an empty template.
    pub fn new(namespace: &str, name: &str) -> Self {
        DaemonSet {
            meta: ObjectMeta::new(namespace, name),
            selector: BTreeMap::new(),
            template: PodTemplate::default(),
            readiness: Readiness::All,
        }
    }
}

/// Any workload.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Workload {
    /// A StatefulSet.
    StatefulSet(StatefulSet),
    /// A Deployment.
    Deployment(Deployment),
    /// A ReplicaSet.
    ReplicaSet(ReplicaSet),
    /// A DaemonSet.
    DaemonSet(DaemonSet),
}

impl Workload {
    /// The workload's metadata.
    pub fn meta(&self) -> &ObjectMeta {
        match self {
            Workload::StatefulSet(w) => &w.meta,
            Workload::Deployment(w) => &w.meta,
            Workload::ReplicaSet(w) => &w.meta,
            Workload::DaemonSet(w) => &w.meta,
        }
    }

    /// The workload's kind.
    pub fn kind(&self) -> crate::model::Kind {
        match self {
            Workload::StatefulSet(_) => crate::model::Kind::StatefulSet,
            Workload::Deployment(_) => crate::model::Kind::Deployment,
            Workload::ReplicaSet(_) => crate::model::Kind::ReplicaSet,
            Workload::DaemonSet(_) => crate::model::Kind::DaemonSet,
        }
    }

    /// The number of Pods it asks for (`spec.replicas`; a DaemonSet's is its node count).
    pub fn replicas(&self) -> Option<u32> {
        match self {
            Workload::StatefulSet(w) => Some(w.replicas),
            Workload::Deployment(w) => Some(w.replicas),
            Workload::ReplicaSet(w) => Some(w.replicas),
            Workload::DaemonSet(_) => None,
        }
    }

    /// Sets `spec.replicas`; false for a DaemonSet, which has none.
    pub(crate) fn set_replicas(&mut self, replicas: u32) -> bool {
        match self {
            Workload::StatefulSet(w) => w.replicas = replicas,
            Workload::Deployment(w) => w.replicas = replicas,
            Workload::ReplicaSet(w) => w.replicas = replicas,
            Workload::DaemonSet(_) => return false,
        }
        true
    }

    /// The `kind` as written in a manifest.
    pub fn kind_str(&self) -> &'static str {
        match self {
            Workload::StatefulSet(_) => "StatefulSet",
            Workload::Deployment(_) => "Deployment",
            Workload::ReplicaSet(_) => "ReplicaSet",
            Workload::DaemonSet(_) => "DaemonSet",
        }
    }
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
    pub(crate) replica_sets: Vec<ReplicaSet>,
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

    let mut sorted: Vec<&Workload> = workloads.to_vec();
    sorted.sort_by(|a, b| {
        (
            a.meta().namespace.as_str(),
            a.kind_str(),
            a.meta().name.as_str(),
        )
            .cmp(&(
                b.meta().namespace.as_str(),
                b.kind_str(),
                b.meta().name.as_str(),
            ))
    });
    sorted.dedup_by(|a, b| {
        a.kind_str() == b.kind_str()
            && a.meta().namespace == b.meta().namespace
            && a.meta().name == b.meta().name
    });

    // Deployments first: they add ReplicaSets.
    let input_replica_sets: Vec<&ReplicaSet> = sorted
        .iter()
        .filter_map(|w| match w {
            Workload::ReplicaSet(rs) => Some(rs),
            _ => None,
        })
        .collect();
    let mut replica_sets: Vec<(ReplicaSet, u32)> = input_replica_sets
        .iter()
        .map(|rs| ((*rs).clone(), 0))
        .collect();
    let mut created_replica_sets = Vec::new();
    for workload in &sorted {
        if let Workload::Deployment(deployment) = workload
            && let Some(planned) = planner.replica_set_for(deployment, &input_replica_sets)
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
        match workload {
            Workload::StatefulSet(set) => planner.stateful_set(set),
            Workload::DaemonSet(set) => planner.daemon_set(set),
            Workload::Deployment(_) | Workload::ReplicaSet(_) => {}
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
    fn matching(&self, namespace: &str, selector: &BTreeMap<String, String>) -> Vec<&Pod> {
        if selector.is_empty() {
            return Vec::new();
        }
        self.existing
            .iter()
            .copied()
            .filter(|p| p.meta.namespace == namespace && is_active(p))
            .filter(|p| selector_matches(selector, &p.meta.labels))
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

    /// A Pod from a template, Running, with the given name, labels and readiness.
    fn pod(template: &PodTemplate, meta: ObjectMeta, ready: bool, node: Option<String>) -> Pod {
        Pod {
            meta,
            hostname: template.hostname.clone().filter(|h| !h.is_empty()),
            subdomain: template.subdomain.clone().filter(|s| !s.is_empty()),
            node_name: node,
            container_ports: template.container_ports.clone(),
            phase: Some(PodPhase::Running),
            pod_ips: Vec::new(),
            ready: Some(ready),
            terminating: false,
        }
    }

    /// A free `generateName`-style name `<owner>-<5 chars>` in `namespace`.
    fn generated_name(&self, namespace: &str, owner: &str, index: u64) -> String {
        let prefix = names::generate_name_prefix(owner);
        let index = index.to_string();
        let mut attempt = 0u64;
        loop {
            let attempt_text = attempt.to_string();
            let name = format!(
                "{prefix}{}",
                names::suffix(&[namespace, owner, &index, &attempt_text])
            );
            if !self.names.contains(&(namespace.to_owned(), name.clone())) {
                return name;
            }
            attempt += 1;
        }
    }

    /// `newStatefulSetPod` for each missing ordinal.
    fn stateful_set(&mut self, set: &StatefulSet) {
        let namespace = set.meta.namespace.as_str();
        let revision = format!("{}-{}", set.meta.name, set.template.hash());
        for i in 0..u64::from(set.replicas) {
            let ordinal = u64::from(set.ordinals_start) + i;
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
            let mut pod = Self::pod(&set.template, meta, set.readiness.is_ready(i), node);
            // initIdentity overrides whatever the template says.
            pod.hostname = Some(name);
            pod.subdomain = set.service_name.clone().filter(|s| !s.is_empty());
            self.push(pod, node_index);
        }
    }

    /// `getNewReplicaSet`: the ReplicaSet a Deployment creates, with how many of its Pods the
    /// input already has; `None` when it adopts an input ReplicaSet.
    fn replica_set_for(
        &self,
        deployment: &Deployment,
        input: &[&ReplicaSet],
    ) -> Option<(ReplicaSet, u32)> {
        let namespace = deployment.meta.namespace.as_str();
        let adopts = !deployment.selector.is_empty()
            && input.iter().any(|rs| {
                rs.meta.namespace == namespace
                    && selector_matches(&deployment.selector, &rs.meta.labels)
            });
        if adopts {
            return None;
        }
        let hash = deployment.template.hash();
        let name = format!("{}-{hash}", deployment.meta.name);
        if input
            .iter()
            .any(|rs| rs.meta.namespace == namespace && rs.meta.name == name)
        {
            return None;
        }
        let mut template = deployment.template.clone();
        template
            .labels
            .insert(POD_TEMPLATE_HASH_LABEL.to_owned(), hash.clone());
        let mut selector = deployment.selector.clone();
        selector.insert(POD_TEMPLATE_HASH_LABEL.to_owned(), hash);
        let mut meta = ObjectMeta::new(namespace, &name);
        meta.labels = template.labels.clone();
        let already = self
            .matching(namespace, &deployment.selector)
            .iter()
            .filter(|p| p.meta.labels.contains_key(POD_TEMPLATE_HASH_LABEL))
            .count();
        Some((
            ReplicaSet {
                meta,
                replicas: deployment.replicas,
                selector,
                template,
                readiness: deployment.readiness,
            },
            u32::try_from(already).unwrap_or(u32::MAX),
        ))
    }

    /// `manageReplicas`: create the Pods the ReplicaSet lacks.
    fn replica_set(&mut self, rs: &ReplicaSet, already: u32) {
        let namespace = rs.meta.namespace.as_str();
        let adopted =
            u32::try_from(self.matching(namespace, &rs.selector).len()).unwrap_or(u32::MAX);
        let missing = rs.replicas.saturating_sub(adopted.saturating_add(already));
        for index in 0..u64::from(missing) {
            let name = self.generated_name(namespace, &rs.meta.name, index);
            let mut meta = ObjectMeta::new(namespace, &name);
            meta.labels = rs.template.labels.clone();
            let (node, node_index) = self.node(index);
            let pod = Self::pod(&rs.template, meta, rs.readiness.is_ready(index), node);
            self.push(pod, node_index);
        }
    }

    /// `syncNodes`: one Pod per node that has none.
    fn daemon_set(&mut self, set: &DaemonSet) {
        let namespace = set.meta.namespace.as_str();
        let hash = set.template.hash();
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
            let pod = Self::pod(
                &set.template,
                meta,
                set.readiness.is_ready(index),
                Some(node.clone()),
            );
            self.push(pod, index as usize);
        }
    }
}

#[cfg(test)]
mod tests;
