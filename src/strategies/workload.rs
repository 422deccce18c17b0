//! Generated Pods and workloads, each behind a Service that selects them.
//!
//! The simulator starts the Pods of a workload and gives every Pod its address, as a cluster's
//! controllers and kubelets would; the EndpointSlice controller then publishes them. What the
//! manifests cannot say (the addresses) is read back from [`Cluster::pods`](crate::Cluster::pods).

use std::fmt::Write;

use hickory_proto::rr::Name;
use proptest::prelude::*;
use proptest::sample::select;

use crate::model::{Kind, ObjectRef};

/// What a generated workload is: every kind the simulator expands into Pods (a CronJob is
/// not expanded, so it is not generated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    /// A StatefulSet behind its headless governing Service (`serviceName`): Pods
    /// `<name>-0`, `<name>-1`, … answer as `<name>-<i>.<name>.<namespace>.svc.<zone>`.
    StatefulSet,
    /// A Deployment behind a Service with an allocated ClusterIP, or a headless one.
    Deployment,
    /// An `apps/v1` ReplicaSet (Pods `<name>-<5 characters>`).
    ReplicaSet,
    /// A `v1` ReplicationController, with its plain-map selector.
    ReplicationController,
    /// An `apps/v1` DaemonSet: one Pod per node (generated clusters have the default pool's
    /// one node).
    DaemonSet,
    /// A `batch/v1` Job of `NonIndexed` completions: `min(parallelism, completions)` Pods run
    /// at once (parallelism is [`GeneratedWorkload::replicas`]).
    Job,
    /// An `Indexed` Job whose template's `subdomain` is its headless Service: the Pods of the
    /// lowest completion indexes run, each with `hostname: <name>-<index>`, so
    /// `<name>-<index>.<name>.<namespace>.svc.<zone>` names it.
    IndexedJob,
    /// Bare Pods (`<name>-<i>`), some with `hostname`/`subdomain` naming their headless
    /// Service, some on the host's network.
    Pods,
}

impl WorkloadKind {
    /// Every kind, in declaration order.
    pub const ALL: [WorkloadKind; 8] = [
        WorkloadKind::StatefulSet,
        WorkloadKind::Deployment,
        WorkloadKind::ReplicaSet,
        WorkloadKind::ReplicationController,
        WorkloadKind::DaemonSet,
        WorkloadKind::Job,
        WorkloadKind::IndexedJob,
        WorkloadKind::Pods,
    ];

    /// The object kind written for it (`None` for bare Pods).
    pub fn object_kind(self) -> Option<Kind> {
        match self {
            WorkloadKind::StatefulSet => Some(Kind::StatefulSet),
            WorkloadKind::Deployment => Some(Kind::Deployment),
            WorkloadKind::ReplicaSet => Some(Kind::ReplicaSet),
            WorkloadKind::ReplicationController => Some(Kind::ReplicationController),
            WorkloadKind::DaemonSet => Some(Kind::DaemonSet),
            WorkloadKind::Job | WorkloadKind::IndexedJob => Some(Kind::Job),
            WorkloadKind::Pods => None,
        }
    }

    /// Whether `Change::Scale` applies to it (`spec.replicas`).
    pub fn is_scalable(self) -> bool {
        matches!(
            self,
            WorkloadKind::StatefulSet
                | WorkloadKind::Deployment
                | WorkloadKind::ReplicaSet
                | WorkloadKind::ReplicationController
        )
    }
}

/// One bare Pod of a [`WorkloadKind::Pods`] workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedPod {
    /// Its name, `<workload>-<i>`.
    pub name: String,
    /// `spec.hostname` (`h<i>`), with `spec.subdomain` set to the workload's Service.
    pub hostname: Option<String>,
    /// `spec.hostNetwork`.
    pub host_network: bool,
    /// Its `Ready` condition.
    pub ready: bool,
    /// Being deleted (`metadata.deletionTimestamp` set): its endpoint is not ready.
    pub terminating: bool,
}

/// A generated workload and the Service that selects its Pods (both named [`Self::name`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedWorkload {
    /// Namespace.
    pub namespace: String,
    /// The workload's and its Service's name.
    pub name: String,
    /// What it is.
    pub kind: WorkloadKind,
    /// `spec.replicas` of a StatefulSet, Deployment, ReplicaSet or ReplicationController;
    /// `spec.parallelism` of a Job; bare Pods: how many; a DaemonSet: 1 (its node count).
    pub replicas: u32,
    /// `spec.completions` of a Job (1 for the other kinds).
    pub completions: u32,
    /// Whether its Service is headless (always for a StatefulSet, an Indexed Job and bare
    /// Pods).
    pub headless: bool,
    /// The bare Pods (empty for the other kinds).
    pub pods: Vec<GeneratedPod>,
}

impl GeneratedWorkload {
    /// `<name>.<namespace>.svc.cluster.local.`, its Service's name.
    pub fn fqdn(&self) -> Name {
        Name::from_ascii(format!(
            "{}.{}.svc.cluster.local.",
            self.name, self.namespace
        ))
        .expect("generated names are valid")
    }

    /// The Service's one port, named `web` (TCP 80, target port `web`).
    pub fn port_name(&self) -> &'static str {
        "web"
    }

    /// How many Pods its controller runs: `replicas`; for a Job `min(parallelism,
    /// completions)`; for a DaemonSet one (on the one node); bare Pods, each.
    pub fn pod_count(&self) -> u32 {
        match self.kind {
            WorkloadKind::Job | WorkloadKind::IndexedJob => self.replicas.min(self.completions),
            WorkloadKind::DaemonSet => 1,
            WorkloadKind::Pods => u32::try_from(self.pods.len()).unwrap_or(u32::MAX),
            _ => self.replicas,
        }
    }

    /// The endpoint labels its Pods get from their hostnames, each a Pod's `spec.hostname`
    /// (its `subdomain` being the workload's Service): a StatefulSet's every Pod
    /// (`<name>-<i>`, the Pod's name), an Indexed Job's running indexes (`<name>-<index>`),
    /// bare Pods with a hostname (`h<i>`).
    pub fn hostnames(&self) -> Vec<String> {
        match self.kind {
            WorkloadKind::StatefulSet | WorkloadKind::IndexedJob => (0..self.pod_count())
                .map(|i| format!("{}-{i}", self.name))
                .collect(),
            WorkloadKind::Pods => self
                .pods
                .iter()
                .filter_map(|pod| pod.hostname.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The objects written for it: the Service, then the workload or its Pods.
    pub fn objects(&self) -> Vec<ObjectRef> {
        let mut objects = vec![ObjectRef::namespaced(
            Kind::Service,
            &self.namespace,
            &self.name,
        )];
        match self.kind.object_kind() {
            Some(kind) => objects.push(ObjectRef::namespaced(kind, &self.namespace, &self.name)),
            None => objects.extend(
                self.pods
                    .iter()
                    .map(|pod| ObjectRef::namespaced(Kind::Pod, &self.namespace, &pod.name)),
            ),
        }
        objects
    }
}

/// A workload `name` in `namespace` of any kind, with up to `most_replicas` replicas or bare
/// Pods (the name is the caller's to keep unique among the namespace's Services).
pub(super) fn workload(
    namespace: String,
    name: String,
    most_replicas: u32,
) -> impl Strategy<Value = GeneratedWorkload> {
    let pod = (
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.3),
    );
    (
        select(WorkloadKind::ALL.to_vec()),
        0..=most_replicas,
        1..=most_replicas.max(1),
        any::<bool>(),
        proptest::collection::vec(pod, 0..=most_replicas as usize),
    )
        .prop_map(move |(kind, replicas, completions, headless, pods)| {
            let pods: Vec<GeneratedPod> = if kind == WorkloadKind::Pods {
                pods.into_iter()
                    .enumerate()
                    .map(
                        |(i, (hostname, host_network, ready, terminating))| GeneratedPod {
                            name: format!("{name}-{i}"),
                            hostname: hostname.then(|| format!("h{i}")),
                            host_network,
                            ready,
                            terminating,
                        },
                    )
                    .collect()
            } else {
                Vec::new()
            };
            GeneratedWorkload {
                namespace: namespace.clone(),
                name: name.clone(),
                kind,
                replicas: match kind {
                    WorkloadKind::Pods => u32::try_from(pods.len()).unwrap_or(u32::MAX),
                    WorkloadKind::DaemonSet => 1,
                    _ => replicas,
                },
                completions: if matches!(kind, WorkloadKind::Job | WorkloadKind::IndexedJob) {
                    completions
                } else {
                    1
                },
                // A StatefulSet's governing Service, the Service an Indexed Job's subdomain
                // names, and bare Pods' subdomain are headless.
                headless: headless
                    || matches!(
                        kind,
                        WorkloadKind::StatefulSet | WorkloadKind::IndexedJob | WorkloadKind::Pods
                    ),
                pods,
            }
        })
}

/// The manifests of workloads: per workload its Service, then the workload object or its
/// Pods.
pub fn render_workloads(workloads: &[GeneratedWorkload]) -> String {
    let mut yaml = String::new();
    for workload in workloads {
        render_workload(&mut yaml, workload);
    }
    yaml
}

const CONTAINERS: &str = "containers: [{name: app, image: registry.k8s.io/pause:3.9, ports: [{name: web, containerPort: 8080}]}]";

fn render_workload(yaml: &mut String, workload: &GeneratedWorkload) {
    let (namespace, name) = (&workload.namespace, &workload.name);
    let cluster_ip = if workload.headless {
        "clusterIP: None, "
    } else {
        ""
    };
    let _ = write!(
        yaml,
        "---\napiVersion: v1\nkind: Service\nmetadata: {{name: \"{name}\", namespace: \"{namespace}\"}}\n\
         spec: {{{cluster_ip}selector: {{app: \"{name}\"}}, ports: [{{name: web, port: 80, targetPort: web}}]}}\n"
    );
    let template = format!(
        "  selector: {{matchLabels: {{app: \"{name}\"}}}}\n  template:\n    metadata: {{labels: {{app: \"{name}\"}}}}\n    spec: {{{CONTAINERS}}}\n"
    );
    match workload.kind {
        WorkloadKind::StatefulSet => {
            let _ = write!(
                yaml,
                "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: \"{name}\", namespace: \"{namespace}\"}}\n\
                 spec:\n  serviceName: \"{name}\"\n  replicas: {}\n{template}",
                workload.replicas
            );
        }
        WorkloadKind::Deployment => {
            let _ = write!(
                yaml,
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: \"{name}\", namespace: \"{namespace}\"}}\n\
                 spec:\n  replicas: {}\n{template}",
                workload.replicas
            );
        }
        WorkloadKind::ReplicaSet => {
            let _ = write!(
                yaml,
                "---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {{name: \"{name}\", namespace: \"{namespace}\"}}\n\
                 spec:\n  replicas: {}\n{template}",
                workload.replicas
            );
        }
        WorkloadKind::ReplicationController => {
            // A plain-map selector, not `matchLabels`.
            let _ = write!(
                yaml,
                "---\napiVersion: v1\nkind: ReplicationController\nmetadata: {{name: \"{name}\", namespace: \"{namespace}\"}}\n\
                 spec:\n  replicas: {}\n  selector: {{app: \"{name}\"}}\n  template:\n    metadata: {{labels: {{app: \"{name}\"}}}}\n    spec: {{{CONTAINERS}}}\n",
                workload.replicas
            );
        }
        WorkloadKind::DaemonSet => {
            let _ = write!(
                yaml,
                "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: \"{name}\", namespace: \"{namespace}\"}}\n\
                 spec:\n{template}"
            );
        }
        WorkloadKind::Job | WorkloadKind::IndexedJob => {
            let (mode, subdomain) = if workload.kind == WorkloadKind::IndexedJob {
                (
                    "  completionMode: Indexed\n",
                    format!("subdomain: \"{name}\", "),
                )
            } else {
                ("", String::new())
            };
            let _ = write!(
                yaml,
                "---\napiVersion: batch/v1\nkind: Job\nmetadata: {{name: \"{name}\", namespace: \"{namespace}\"}}\n\
                 spec:\n  parallelism: {}\n  completions: {}\n{mode}  template:\n    metadata: {{labels: {{app: \"{name}\"}}}}\n\
                 \x20   spec: {{{subdomain}restartPolicy: Never, {CONTAINERS}}}\n",
                workload.replicas, workload.completions
            );
        }
        WorkloadKind::Pods => {
            for pod in &workload.pods {
                render_pod(yaml, workload, pod);
            }
        }
    }
}

fn render_pod(yaml: &mut String, workload: &GeneratedWorkload, pod: &GeneratedPod) {
    let (namespace, name) = (&workload.namespace, &workload.name);
    let deletion = if pod.terminating {
        ", deletionTimestamp: \"2024-01-01T00:00:00Z\""
    } else {
        ""
    };
    let _ = write!(
        yaml,
        "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: \"{}\", namespace: \"{namespace}\", labels: {{app: \"{name}\"}}, \
         annotations: {{k8s-dns-sim.io/ready: \"{}\"}}{deletion}}}\nspec:\n  {CONTAINERS}\n",
        pod.name, pod.ready
    );
    if let Some(hostname) = &pod.hostname {
        let _ = writeln!(yaml, "  hostname: \"{hostname}\"\n  subdomain: \"{name}\"");
    }
    if pod.host_network {
        let _ = writeln!(yaml, "  hostNetwork: true");
    }
}
