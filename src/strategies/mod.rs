//! proptest strategies: valid clusters and the questions worth asking them.
//!
//! Enabled by the `proptest` feature. Every cluster is generated as manifests (YAML text) and
//! loaded through [`Cluster::from_yaml`], the same door users go through, so it is valid by
//! construction and shrinks to smaller valid manifests.
//!
//! ```
//! use k8s_dns_sim::strategies::{ClusterShape, cluster_with_questions};
//! use proptest::prelude::*;
//! use proptest::test_runner::{Config, TestRunner};
//!
//! // No failure-persistence file, and no warning about where to put one (see below).
//! let mut runner = TestRunner::new(Config { failure_persistence: None, ..Config::default() });
//! runner
//!     .run(&cluster_with_questions(ClusterShape::default()), |(generated, questions)| {
//!         for question in &questions {
//!             let answer = generated.dns().answer(&question.name, question.qtype);
//!             // Negative answers always carry exactly one SOA.
//!             if answer.answers.is_empty() {
//!                 prop_assert!(answer.authorities.len() <= 1);
//!             }
//!         }
//!         Ok(())
//!     })
//!     .unwrap();
//! ```
//!
//! What is generated, each sized by [`ClusterShape`] and built from manifests:
//!
//! - [`cluster`]: namespaces; Services of every [`ServiceKind`] with named and unnamed ports of
//!   every [`PortProtocol`]; their endpoints from every [`EndpointSource`] (EndpointSlices
//!   split over several slices per family, Endpoints objects of one or several subsets,
//!   mirrored or not), ready, not
//!   ready, terminating, with hostnames, `targetRef`s and topology zones; workloads of every
//!   [`WorkloadKind`] the simulator expands (StatefulSets behind headless Services,
//!   Deployments, ReplicaSets, ReplicationControllers, DaemonSets, Jobs, Indexed Jobs whose
//!   `subdomain` is their Service, bare Pods with `hostname`/`subdomain` or `hostNetwork`)
//!   with Services selecting them; ServiceImports of every [`ImportKind`] exported by one or
//!   two clusters ([`CLUSTER_IDS`]) through multicluster EndpointSlices, answered in a
//!   `multicluster` zone ([`MULTICLUSTER_ZONE`]).
//! - [`kubernetes_config`]: every option of the `kubernetes` plugin, as a [`Config`] and as
//!   Corefile text; [`server_blocks`]: Corefiles of several server blocks, each zone with its
//!   own `kubernetes` plugin, with `bind` and `autopath`.
//! - [`questions_for`], [`question_text`], [`wire_queries_for`]: questions of every type the
//!   plugin answers about existing and missing names, in and out of the zones, case
//!   randomised, as text with and without the trailing dot, and as wire queries.
//! - [`change_sequence`]: batches of every [`Change`](crate::Change) variant (Service types
//!   switched to ExternalName and back among them), some failing, with the cluster they leave.
//! - [`pod_context`]: Pods whose `resolv.conf` the kubelet writes, for the resolver.
//!
//! # Quiet output
//!
//! proptest stores failing cases beside the test's source file, and prints a warning on every
//! run where it cannot place that file (doctests, some workspace layouts). One line in the
//! test's configuration silences it; the examples here set it:
//!
//! ```
//! use proptest::test_runner::Config as ProptestConfig;
//! let config = ProptestConfig { failure_persistence: None, ..ProptestConfig::default() };
//! # let _ = config;
//! ```
//!
//! The module is one file per thing generated: [`ClusterShape`] and [`GeneratedCluster`] here,
//! Services and their endpoints (`service`), their manifests (`render`), workloads
//! (`workload`), ServiceImports (`multicluster`), configurations (`config`), questions (`question`), changes (`change`) and
//! pod contexts (`pod_context`).

mod change;
mod config;
mod multicluster;
mod pod_context;
mod question;
mod render;
mod service;
mod workload;

use proptest::prelude::*;

use crate::{Cluster, ClusterDns, Config};

use multicluster::import;
use service::{cluster_ip, endpoint, endpoint_source, ports, service_kind};
use workload::workload;

pub use change::{Batch, ChangeSequence, change_sequence};
pub use config::{
    BIND_ADDRESS, GeneratedBlock, GeneratedConfig, GeneratedCorefile, ReverseZones,
    kubernetes_config, server_blocks,
};
pub use multicluster::{
    CLUSTER_IDS, GeneratedClusterSlices, GeneratedImport, ImportKind, MULTICLUSTER_ZONE,
    render_imports,
};
pub use pod_context::{PodContext, pod_context};
pub use question::{
    MISSING_ADDRESSES, QUESTION_TYPES, Question, WireQuery, names_for, question_text,
    questions_for, reverse_name, wire_queries_for,
};
pub use render::render;
pub use service::{
    EndpointSource, GeneratedEndpoint, GeneratedPort, GeneratedService, PortProtocol, ServiceKind,
};
pub use workload::{GeneratedPod, GeneratedWorkload, WorkloadKind, render_workloads};

/// How big and how varied generated clusters are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterShape {
    /// Namespaces, at most.
    pub namespaces: usize,
    /// Services per namespace, at most.
    pub services: usize,
    /// Endpoints per Service and address family, at most.
    pub endpoints: usize,
    /// Ports per Service, at most (at least 1; a Service with several names every one).
    pub ports: usize,
    /// EndpointSlices per Service and address family, at most (at least 1): the endpoints of
    /// a family are dealt out over them, as the EndpointSlice controller splits a large
    /// Service.
    pub slices: usize,
    /// Workloads per namespace, at most, each with its own Service.
    pub workloads: usize,
    /// Replicas (or bare Pods) per workload, at most.
    pub replicas: u32,
    /// ServiceImports per namespace, at most, each exported by one or two clusters with up
    /// to `endpoints` endpoints per cluster and family.
    pub imports: usize,
}

impl Default for ClusterShape {
    fn default() -> Self {
        ClusterShape {
            namespaces: 3,
            services: 4,
            endpoints: 5,
            ports: 3,
            slices: 2,
            workloads: 1,
            replicas: 3,
            imports: 1,
        }
    }
}

/// A generated cluster: its manifests, the Services they describe, and a server over them.
#[derive(Debug, Clone)]
pub struct GeneratedCluster {
    /// The manifests, as YAML.
    pub manifests: String,
    /// The namespaces (each has a Namespace object).
    pub namespaces: Vec<String>,
    /// The Services with their endpoints that the manifests describe.
    pub services: Vec<GeneratedService>,
    /// The workloads, each with its Service (named as the workload, never as one of
    /// [`GeneratedCluster::services`]).
    pub workloads: Vec<GeneratedWorkload>,
    /// The ServiceImports with their multicluster slices (answered only in a `multicluster`
    /// zone, [`MULTICLUSTER_ZONE`] in generated configurations); some are named as one of
    /// [`GeneratedCluster::services`].
    pub imports: Vec<GeneratedImport>,
    dns: ClusterDns,
}

impl GeneratedCluster {
    /// Renders and loads a model (panics when the manifests do not load: a generator bug).
    pub(crate) fn assemble(
        namespaces: Vec<String>,
        services: Vec<GeneratedService>,
        workloads: Vec<GeneratedWorkload>,
        imports: Vec<GeneratedImport>,
    ) -> GeneratedCluster {
        let manifests = render(&namespaces, &services)
            + &render_workloads(&workloads)
            + &render_imports(&imports);
        let cluster = Cluster::from_yaml(&manifests).unwrap_or_else(|errors| {
            panic!("generated manifests must load:\n{errors}\n{manifests}")
        });
        GeneratedCluster {
            manifests,
            namespaces,
            services,
            workloads,
            imports,
            dns: ClusterDns::new(cluster, Config::default()),
        }
    }

    /// The manifests of its model as it is now: after editing [`GeneratedCluster::services`],
    /// [`GeneratedCluster::workloads`] or [`GeneratedCluster::imports`], what a fresh load of
    /// the edited state reads.
    pub fn render(&self) -> String {
        render(&self.namespaces, &self.services)
            + &render_workloads(&self.workloads)
            + &render_imports(&self.imports)
    }

    /// The cluster the manifests loaded into.
    pub fn cluster(&self) -> &Cluster {
        self.dns.cluster()
    }

    /// The server over the cluster, with [`Config::default`].
    pub fn dns(&self) -> &ClusterDns {
        &self.dns
    }

    /// A server over the same cluster with another configuration (e.g. from a generated
    /// Corefile, or `Config::default()` with options changed).
    pub fn dns_with(&self, config: Config) -> ClusterDns {
        ClusterDns::new(self.dns.cluster().clone(), config)
    }
}

/// A DNS-1035 label (what Service names must be), at most 12 characters to keep names short.
pub fn dns1035_label() -> impl Strategy<Value = String> {
    "[a-z]([-a-z0-9]{0,10}[a-z0-9])?"
}

/// A valid cluster of the given shape: namespaces, Services of every kind with unique
/// ClusterIPs, and EndpointSlices with ready, unready and unset conditions, some hostnames.
pub fn cluster(shape: ClusterShape) -> impl Strategy<Value = GeneratedCluster> {
    let namespaces = proptest::collection::btree_set(dns1035_label(), 1..=shape.namespaces.max(1));
    namespaces
        .prop_flat_map(move |namespaces| {
            let namespaces: Vec<String> = namespaces.into_iter().collect();
            let per_namespace = namespaces
                .iter()
                .map(|_| {
                    proptest::collection::btree_map(
                        dns1035_label(),
                        (
                            service_kind(),
                            ports(shape.ports),
                            0..=shape.endpoints,
                            0..=shape.endpoints,
                            1..=shape.slices.max(1),
                            endpoint_source(),
                        ),
                        0..=shape.services,
                    )
                })
                .collect::<Vec<_>>();
            let workload_names = namespaces
                .iter()
                .map(|_| proptest::collection::btree_set(dns1035_label(), 0..=shape.workloads))
                .collect::<Vec<_>>();
            let import_names = namespaces
                .iter()
                .map(|_| proptest::collection::btree_set(dns1035_label(), 0..=shape.imports))
                .collect::<Vec<_>>();
            (
                Just(namespaces),
                per_namespace,
                workload_names,
                import_names,
            )
        })
        .prop_flat_map(
            move |(namespaces, per_namespace, workload_names, import_names)| {
                let mut imports = Vec::new();
                for (namespace, names) in namespaces.iter().zip(import_names) {
                    for name in names {
                        let ordinal = imports.len();
                        // Three clusters, two families: addresses for six sets of endpoints.
                        let first_endpoint = ordinal * 6 * shape.endpoints;
                        imports.push(import(
                            namespace.clone(),
                            name,
                            ordinal,
                            first_endpoint,
                            shape.ports,
                            shape.endpoints,
                        ));
                    }
                }
                let mut workloads = Vec::new();
                for ((namespace, specs), names) in
                    namespaces.iter().zip(&per_namespace).zip(workload_names)
                {
                    for name in names {
                        // A workload's Service is named as the workload: never as another Service.
                        if !specs.contains_key(&name) {
                            workloads.push(workload(namespace.clone(), name, shape.replicas));
                        }
                    }
                }
                let mut services = Vec::new();
                let mut next_endpoint = 0usize;
                for (namespace, specs) in namespaces.iter().zip(per_namespace) {
                    let names: Vec<String> = specs.keys().cloned().collect();
                    for (name, (kind, ports, v4_count, v6_count, slices, source)) in specs {
                        let external_name = match kind {
                            ServiceKind::ExternalName => Some(format!("{name}.example.com")),
                            ServiceKind::ExternalNameInZone => {
                                let other = names.iter().find(|other| **other != name);
                                let target = other.map_or("missing-target", String::as_str);
                                Some(format!("{target}.{namespace}.svc.cluster.local"))
                            }
                            _ => None,
                        };
                        let source = if kind.is_external_name() {
                            EndpointSource::Slices
                        } else {
                            source
                        };
                        let (has_v4, has_v6) = kind.endpoint_families();
                        let v4_count = if has_v4 { v4_count } else { 0 };
                        let v6_count = if has_v6 { v6_count } else { 0 };
                        let ports = if kind.is_external_name() {
                            Vec::new()
                        } else {
                            ports
                        };
                        let v4 = (0..v4_count)
                            .map(|i| endpoint(next_endpoint + i, false, source))
                            .collect::<Vec<_>>();
                        let v6 = (0..v6_count)
                            .map(|i| endpoint(next_endpoint + v4_count + i, true, source))
                            .collect::<Vec<_>>();
                        next_endpoint += v4_count + v6_count;
                        let ordinal = services.len();
                        let cluster_ips = match kind {
                            ServiceKind::ClusterIp
                            | ServiceKind::NodePort
                            | ServiceKind::LoadBalancer => {
                                vec![cluster_ip(ordinal, false)]
                            }
                            ServiceKind::DualStack => {
                                vec![cluster_ip(ordinal, false), cluster_ip(ordinal, true)]
                            }
                            ServiceKind::Ipv6Only => vec![cluster_ip(ordinal, true)],
                            _ => Vec::new(),
                        };
                        let namespace = namespace.clone();
                        services.push((v4, v6).prop_map(move |(v4, v6)| GeneratedService {
                            namespace: namespace.clone(),
                            name: name.clone(),
                            kind,
                            ports: ports.clone(),
                            cluster_ips: cluster_ips.clone(),
                            slices,
                            external_name: external_name.clone(),
                            source,
                            endpoints: v4.into_iter().chain(v6).collect(),
                        }));
                    }
                }
                (Just(namespaces), services, workloads, imports)
            },
        )
        .prop_map(|(namespaces, services, workloads, imports)| {
            GeneratedCluster::assemble(namespaces, services, workloads, imports)
        })
}

/// A cluster together with questions about it.
pub fn cluster_with_questions(
    shape: ClusterShape,
) -> impl Strategy<Value = (GeneratedCluster, Vec<Question>)> {
    cluster(shape).prop_flat_map(|cluster| {
        let questions = questions_for(&cluster);
        (Just(cluster), questions)
    })
}
