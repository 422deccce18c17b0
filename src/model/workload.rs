//! Workloads as the model holds them: `apps/v1` StatefulSets, Deployments, ReplicaSets and
//! DaemonSets, `v1` ReplicationControllers and `batch/v1` Jobs, reduced to what decides the
//! Pods their controllers make (see [`crate::workload`] for the expansion itself).
//!
//! The kinds share everything DNS depends on (metadata, the selector, the Pod template and
//! which Pods are Ready); what differs is held by [`WorkloadSpec`], one variant per kind.

use std::collections::BTreeMap;

use super::{ContainerPort, DnsPolicy, HostAlias, Kind, ObjectMeta, PodDnsConfig, Selector};

/// The annotation that sets whether a workload's Pods are Ready: `"true"` (the default) or
/// `"false"`. On a Pod whose manifest has no `status`, it sets whether that Pod is Ready
/// when the simulator starts it.
pub const READY_ANNOTATION: &str = "k8s-dns-sim.io/ready";

/// The workload annotation that makes only the first N of the Pods it creates Ready (by
/// ordinal for a StatefulSet, by node order for a DaemonSet, by completion index for an
/// Indexed Job, by creation order otherwise).
pub const READY_REPLICAS_ANNOTATION: &str = "k8s-dns-sim.io/ready-replicas";

/// The label and annotation with an Indexed Job Pod's completion index
/// (`batch.kubernetes.io/job-completion-index`).
pub const JOB_COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";

/// A StatefulSet, Deployment, ReplicaSet, DaemonSet, ReplicationController or Job.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Workload {
    /// Name, namespace, labels, annotations.
    pub meta: ObjectMeta,
    /// What the kind adds: replicas, and a StatefulSet's Service and ordinals.
    pub spec: WorkloadSpec,
    /// `spec.selector.matchLabels` (a ReplicationController's `spec.selector`, defaulted to its
    /// template's labels; a Job's, with the label the API server generates).
    pub selector: Selector,
    /// `spec.template`.
    pub template: PodTemplate,
    /// Which Pods are Ready (from the readiness annotations).
    pub readiness: Readiness,
}

/// The part of a workload that depends on its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WorkloadSpec {
    /// An `apps/v1 StatefulSet`.
    StatefulSet {
        /// `spec.replicas`, defaulted to 1.
        replicas: u32,
        /// `spec.serviceName`: the governing (headless) Service, which becomes each Pod's
        /// `subdomain`.
        service_name: Option<String>,
        /// `spec.ordinals.start`, defaulted to 0.
        ordinals_start: u32,
    },
    /// An `apps/v1 Deployment`.
    Deployment {
        /// `spec.replicas`, defaulted to 1.
        replicas: u32,
    },
    /// An `apps/v1 ReplicaSet`.
    ReplicaSet {
        /// `spec.replicas`, defaulted to 1.
        replicas: u32,
    },
    /// An `apps/v1 DaemonSet`: one Pod per node.
    DaemonSet,
    /// A `v1 ReplicationController`: a ReplicaSet with a plain-map selector.
    ReplicationController {
        /// `spec.replicas`, defaulted to 1.
        replicas: u32,
    },
    /// A `batch/v1 Job`.
    Job(JobSpec),
}

/// What a Job's controller needs to know to run its Pods (`pkg/controller/job`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct JobSpec {
    /// `spec.parallelism`, defaulted to 1.
    pub parallelism: u32,
    /// `spec.completions`: `None` for a work-queue Job (completions unset, parallelism set);
    /// defaulted to 1 when both are unset (`SetDefaults_Job`).
    pub completions: Option<u32>,
    /// `spec.completionMode`, defaulted to `NonIndexed`.
    pub completion_mode: CompletionMode,
    /// `spec.suspend`: a suspended Job runs no Pod.
    pub suspend: bool,
    /// Whether `status.conditions` holds `Complete` or `Failed` with status `True` (a dump of a
    /// finished Job): it runs no Pod.
    pub finished: bool,
    /// `status.succeeded`: Pods that have completed.
    pub succeeded: u32,
    /// `status.completedIndexes` of an Indexed Job (`1,3-5`), as sorted, disjoint inclusive
    /// ranges.
    pub completed_indexes: Vec<(u32, u32)>,
}

impl JobSpec {
    /// How many Pods run at once, before counting the Pods that already exist (`manageJob`):
    /// none when suspended or finished; `parallelism` for a work-queue Job that has seen no
    /// success; otherwise the completions still to go, at most `parallelism`.
    pub fn wanted_active(&self) -> u32 {
        if self.suspend || self.finished {
            return 0;
        }
        match self.completions {
            None if self.succeeded > 0 => 0,
            None => self.parallelism,
            Some(completions) => {
                let done = match self.completion_mode {
                    CompletionMode::NonIndexed => self.succeeded,
                    CompletionMode::Indexed => self.completed_count(completions),
                };
                completions.saturating_sub(done).min(self.parallelism)
            }
        }
    }

    /// Whether the Indexed Job's completion `index` has completed (`status.completedIndexes`,
    /// which are sorted and disjoint).
    pub fn is_completed(&self, index: u32) -> bool {
        let after = self
            .completed_indexes
            .partition_point(|&(first, _)| first <= index);
        after > 0 && self.completed_indexes[after - 1].1 >= index
    }

    /// Adds completed indexes, keeping [`JobSpec::completed_indexes`] sorted and disjoint.
    pub(crate) fn add_completed(&mut self, indexes: impl IntoIterator<Item = u32>) {
        let mut ranges = std::mem::take(&mut self.completed_indexes);
        ranges.extend(indexes.into_iter().map(|index| (index, index)));
        self.set_completed(ranges);
    }

    /// Sets [`JobSpec::completed_indexes`] from ranges in any order, merging those that overlap
    /// or touch.
    pub(crate) fn set_completed(&mut self, mut ranges: Vec<(u32, u32)>) {
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (first, last) in ranges {
            match merged.last_mut() {
                Some(previous) if first <= previous.1.saturating_add(1) => {
                    previous.1 = previous.1.max(last);
                }
                _ => merged.push((first, last)),
            }
        }
        self.completed_indexes = merged;
    }

    /// The completed indexes below `completions`.
    fn completed_count(&self, completions: u32) -> u32 {
        self.completed_indexes
            .iter()
            .filter(|(first, _)| *first < completions)
            .map(|&(first, last)| last.min(completions.saturating_sub(1)) - first + 1)
            .fold(0, u32::saturating_add)
    }
}

/// `spec.completionMode` of a Job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CompletionMode {
    /// `NonIndexed` (the default): Pods named `<job>-<5 characters>`.
    #[default]
    NonIndexed,
    /// `Indexed`: one Pod per completion index, named `<job>-<index>-<5 characters>`, with
    /// `hostname: <job>-<index>`.
    Indexed,
}

impl Workload {
    /// A workload of `spec`'s kind with no selector, an empty template and every Pod Ready.
    pub(crate) fn new(spec: WorkloadSpec, namespace: &str, name: &str) -> Self {
        Workload {
            meta: ObjectMeta::new(namespace, name),
            spec,
            selector: Selector::default(),
            template: PodTemplate::default(),
            readiness: Readiness::All,
        }
    }

    /// The workload's kind.
    pub fn kind(&self) -> Kind {
        match self.spec {
            WorkloadSpec::StatefulSet { .. } => Kind::StatefulSet,
            WorkloadSpec::Deployment { .. } => Kind::Deployment,
            WorkloadSpec::ReplicaSet { .. } => Kind::ReplicaSet,
            WorkloadSpec::DaemonSet => Kind::DaemonSet,
            WorkloadSpec::ReplicationController { .. } => Kind::ReplicationController,
            WorkloadSpec::Job(_) => Kind::Job,
        }
    }

    /// The number of Pods it asks for (`spec.replicas`, a Job's [`JobSpec::wanted_active`]);
    /// `None` for a DaemonSet, whose count is its node count.
    pub fn replicas(&self) -> Option<u32> {
        match &self.spec {
            WorkloadSpec::StatefulSet { replicas, .. }
            | WorkloadSpec::Deployment { replicas }
            | WorkloadSpec::ReplicaSet { replicas }
            | WorkloadSpec::ReplicationController { replicas } => Some(*replicas),
            WorkloadSpec::Job(job) => Some(job.wanted_active()),
            WorkloadSpec::DaemonSet => None,
        }
    }

    /// The field that sets [`Workload::replicas`], for errors.
    pub(crate) fn replicas_field(&self) -> &'static str {
        match &self.spec {
            WorkloadSpec::DaemonSet => "spec.template",
            WorkloadSpec::Job(_) => "spec.parallelism",
            _ => "spec.replicas",
        }
    }

    /// Sets `spec.replicas`; false for a DaemonSet or a Job, which have none.
    pub(crate) fn set_replicas(&mut self, count: u32) -> bool {
        match &mut self.spec {
            WorkloadSpec::StatefulSet { replicas, .. }
            | WorkloadSpec::Deployment { replicas }
            | WorkloadSpec::ReplicaSet { replicas }
            | WorkloadSpec::ReplicationController { replicas } => *replicas = count,
            WorkloadSpec::DaemonSet | WorkloadSpec::Job(_) => return false,
        }
        true
    }
}

/// The parts of `spec.template` that DNS depends on, and the Pod's resolver settings (copied
/// into every Pod made from it; see [`Pod`](super::Pod) for each field).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PodTemplate {
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `spec.hostname`.
    pub hostname: Option<String>,
    /// `spec.subdomain`.
    pub subdomain: Option<String>,
    /// `spec.nodeName`: every Pod is bound to this node.
    pub node_name: Option<String>,
    /// The containers' ports (and those of restartable init containers).
    pub container_ports: Vec<ContainerPort>,
    /// `spec.hostNetwork`.
    pub host_network: bool,
    /// `spec.dnsPolicy`, defaulted to `ClusterFirst`.
    pub dns_policy: DnsPolicy,
    /// `spec.dnsConfig`.
    pub dns_config: Option<PodDnsConfig>,
    /// `spec.hostAliases`.
    pub host_aliases: Vec<HostAlias>,
    /// `spec.setHostnameAsFQDN`.
    pub set_hostname_as_fqdn: bool,
    /// The containers' `env` entries with a literal value (see [`Pod::env`](super::Pod::env)).
    pub env: Vec<super::EnvVar>,
}

impl PodTemplate {
    /// A template with these labels and nothing else.
    pub fn with_labels(labels: BTreeMap<String, String>) -> Self {
        PodTemplate {
            labels,
            ..PodTemplate::default()
        }
    }
}

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
    /// annotations. Neither gives [`Readiness::All`].
    ///
    /// # Errors
    /// [`ReadinessError`] for a value the annotation does not take, or both at once.
    pub fn from_annotations(
        annotations: &BTreeMap<String, String>,
    ) -> Result<Readiness, ReadinessError> {
        let ready = annotations.get(READY_ANNOTATION);
        let replicas = annotations.get(READY_REPLICAS_ANNOTATION);
        let error = |annotation, value: &String, expected| ReadinessError {
            annotation,
            value: value.clone(),
            expected,
        };
        match (ready, replicas) {
            (Some(_), Some(value)) => Err(error(
                READY_REPLICAS_ANNOTATION,
                value,
                "no value when k8s-dns-sim.io/ready is given",
            )),
            (Some(value), None) => match value.as_str() {
                "true" => Ok(Readiness::All),
                "false" => Ok(Readiness::None),
                _ => Err(error(READY_ANNOTATION, value, "\"true\" or \"false\"")),
            },
            (None, Some(value)) => value
                .parse::<u32>()
                .map(Readiness::First)
                .map_err(|_| error(READY_REPLICAS_ANNOTATION, value, "an integer of at least 0")),
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("annotation {annotation}: expected {expected}, found {value:?}")]
#[non_exhaustive]
pub struct ReadinessError {
    /// The annotation's key.
    pub annotation: &'static str,
    /// Its value.
    pub value: String,
    /// What was expected instead.
    pub expected: &'static str,
}
