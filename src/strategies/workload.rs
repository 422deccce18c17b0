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

/// What a generated workload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    /// A StatefulSet behind its headless governing Service (`serviceName`): Pods
    /// `<name>-0`, `<name>-1`, … answer as `<name>-<i>.<name>.<namespace>.svc.<zone>`.
    StatefulSet,
    /// A Deployment behind a Service with an allocated ClusterIP, or a headless one.
    Deployment,
    /// Bare Pods (`<name>-<i>`), some with `hostname`/`subdomain` naming their headless
    /// Service, some on the host's network.
    Pods,
}

impl WorkloadKind {
    /// Every kind, in declaration order.
    pub const ALL: [WorkloadKind; 3] = [
        WorkloadKind::StatefulSet,
        WorkloadKind::Deployment,
        WorkloadKind::Pods,
    ];
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
    /// `spec.replicas` of a StatefulSet or Deployment (bare Pods: how many).
    pub replicas: u32,
    /// Whether its Service is headless (always for a StatefulSet and bare Pods).
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

    /// The endpoint labels its Pods get from their hostnames, with the Pod each belongs to:
    /// a StatefulSet's every Pod (`<name>-<i>`), bare Pods with a hostname.
    pub fn hostnames(&self) -> Vec<(String, String)> {
        match self.kind {
            WorkloadKind::StatefulSet => (0..self.replicas)
                .map(|i| {
                    let pod = format!("{}-{i}", self.name);
                    (pod.clone(), pod)
                })
                .collect(),
            WorkloadKind::Deployment => Vec::new(),
            WorkloadKind::Pods => self
                .pods
                .iter()
                .filter_map(|pod| {
                    pod.hostname
                        .as_ref()
                        .map(|hostname| (hostname.clone(), pod.name.clone()))
                })
                .collect(),
        }
    }

    /// The objects written for it: the Service, then the workload or its Pods.
    pub fn objects(&self) -> Vec<ObjectRef> {
        let mut objects = vec![ObjectRef::namespaced(
            Kind::Service,
            &self.namespace,
            &self.name,
        )];
        match self.kind {
            WorkloadKind::StatefulSet => objects.push(ObjectRef::namespaced(
                Kind::StatefulSet,
                &self.namespace,
                &self.name,
            )),
            WorkloadKind::Deployment => objects.push(ObjectRef::namespaced(
                Kind::Deployment,
                &self.namespace,
                &self.name,
            )),
            WorkloadKind::Pods => objects.extend(
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
        any::<bool>(),
        proptest::collection::vec(pod, 0..=most_replicas as usize),
    )
        .prop_map(move |(kind, replicas, headless, pods)| {
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
                replicas: if kind == WorkloadKind::Pods {
                    u32::try_from(pods.len()).unwrap_or(u32::MAX)
                } else {
                    replicas
                },
                headless: headless || kind != WorkloadKind::Deployment,
                pods,
            }
        })
}

/// The manifests of workloads: per workload its Service, then the StatefulSet, Deployment or
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
