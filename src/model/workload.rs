//! Workloads as the model holds them: `apps/v1` StatefulSets, Deployments, ReplicaSets and
//! DaemonSets, reduced to what decides the Pods their controllers make (see
//! [`crate::workload`] for the expansion itself).
//!
//! The four kinds share everything DNS depends on (metadata, the selector, the Pod template
//! and which Pods are Ready); what differs is held by [`WorkloadSpec`], one variant per kind.

use std::collections::BTreeMap;

use super::{ContainerPort, Kind, ObjectMeta, Selector};

/// The workload annotation that sets whether its Pods are Ready: `"true"` (the default) or
/// `"false"`.
pub const READY_ANNOTATION: &str = "k8s-dns-sim.io/ready";

/// The workload annotation that makes only the first N of the Pods it creates Ready (by
/// ordinal for a StatefulSet, by node order for a DaemonSet, by creation order otherwise).
pub const READY_REPLICAS_ANNOTATION: &str = "k8s-dns-sim.io/ready-replicas";

/// A StatefulSet, Deployment, ReplicaSet or DaemonSet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Workload {
    /// Name, namespace, labels, annotations.
    pub meta: ObjectMeta,
    /// What the kind adds: replicas, and a StatefulSet's Service and ordinals.
    pub spec: WorkloadSpec,
    /// `spec.selector.matchLabels`.
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
        }
    }

    /// The number of Pods it asks for (`spec.replicas`); `None` for a DaemonSet, whose count is
    /// its node count.
    pub fn replicas(&self) -> Option<u32> {
        match self.spec {
            WorkloadSpec::StatefulSet { replicas, .. }
            | WorkloadSpec::Deployment { replicas }
            | WorkloadSpec::ReplicaSet { replicas } => Some(replicas),
            WorkloadSpec::DaemonSet => None,
        }
    }

    /// Sets `spec.replicas`; false for a DaemonSet, which has none.
    pub(crate) fn set_replicas(&mut self, count: u32) -> bool {
        match &mut self.spec {
            WorkloadSpec::StatefulSet { replicas, .. }
            | WorkloadSpec::Deployment { replicas }
            | WorkloadSpec::ReplicaSet { replicas } => *replicas = count,
            WorkloadSpec::DaemonSet => return false,
        }
        true
    }
}

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
