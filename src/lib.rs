//! # k8s-dns-sim
//!
//! Kubernetes cluster DNS, answered in-process from plain manifests, the way CoreDNS's
//! `kubernetes` plugin answers it in a real cluster: no cluster, no network, no containers.
//!
//! ```
//! use k8s_dns_sim::hickory_proto::rr::RecordType;
//! use k8s_dns_sim::{Cluster, ClusterDns, Config, Outcome};
//!
//! let manifests = "
//! apiVersion: v1
//! kind: Service
//! metadata: {name: web, namespace: default}
//! spec: {clusterIP: 10.96.0.20, selector: {app: web}, ports: [{port: 80}]}
//! ---
//! apiVersion: v1
//! kind: Service
//! metadata: {name: web-headless, namespace: default}
//! spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
//! ---
//! apiVersion: discovery.k8s.io/v1
//! kind: EndpointSlice
//! metadata:
//!   name: web-headless-x7k2p
//!   namespace: default
//!   labels: {kubernetes.io/service-name: web-headless}
//! addressType: IPv4
//! endpoints:
//! - {addresses: [10.244.1.10], conditions: {ready: true}}
//! - {addresses: [10.244.2.11], conditions: {ready: true}}
//! ";
//! let dns = ClusterDns::new(Cluster::from_yaml(manifests)?, Config::default());
//!
//! // A ClusterIP Service answers its one virtual IP...
//! let web = dns.lookup("web.default.svc.cluster.local", RecordType::A)?;
//! assert_eq!(web.answer_lines(), ["web.default.svc.cluster.local. 5 IN A 10.96.0.20"]);
//!
//! // ...a headless one, an address per ready endpoint.
//! let headless = dns.lookup("web-headless.default.svc.cluster.local", RecordType::A)?;
//! assert_eq!(headless.answers.len(), 2);
//!
//! // Unknown names are NXDOMAIN, with the zone's SOA in the authority section.
//! let missing = dns.lookup("nope.default.svc.cluster.local", RecordType::A)?;
//! assert_eq!(missing.outcome, Outcome::NxDomain);
//! assert_eq!(missing.authorities.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Depending on it
//!
//! Until the first release is on crates.io, depend on it by path (or by `git = "…"`, the
//! repository's address); from then on by version:
//!
//! ```toml
//! [dev-dependencies]
//! k8s-dns-sim = { path = "../k8s-dns-sim", features = ["proptest"] }
//! # after the first release: k8s-dns-sim = { version = "0.1", features = ["proptest"] }
//! ```
//!
//! Features: `proptest` (`strategies`), `serve` (`serve`: a server on loopback from threads),
//! `k8s-openapi` (the builder takes `k8s-openapi` objects; the application picks the
//! Kubernetes version feature), `cli` (the `k8s-dns-sim` binary). None is on by default.
//!
//! ## The pipeline
//!
//! One module per stage, each naming only the stages before it:
//! [`load`](crate::Cluster::from_yaml) (text to validated [`model`] objects) → [`cluster`]
//! (snapshots and incremental linking: ClusterIP allocation, mirroring, the EndpointSlice
//! controller, [`workload`]s expanded into Pods and Pods started on their nodes, indexes,
//! [`diagnostic`]s, [`Change`]s) → `qname` (the name grammar) → [`answer`] (the `kubernetes`
//! plugin's rules, with the [`upstream`] past it) → [`zone`] (a whole zone as a zone transfer
//! sends it) → `wire` and the reply encoder (messages, bytes, truncation) → `chain` (the server
//! blocks and the plugins around `kubernetes`, in CoreDNS's order) → [`server`] ([`ClusterDns`])
//! → [`resolver`] (what a Pod gets: the kubelet's resolv.conf and /etc/hosts, and `getaddrinfo`
//! as glibc, musl and Go run it) → [`lint`], [`graph`] and [`explain`] (why: findings with
//! fixes, a picture of the linking, the steps behind an answer) → [`dig`] (the `dig` example's
//! and the binary's front end). [`Config`] holds the server's blocks and plugins, read from code
//! or from a Corefile. The rules and their CoreDNS sources are in the repository's
//! `docs/coredns-rules.md`, the resolvers' in `docs/resolver-behaviour.md`.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod answer;
mod chain;
mod cidr;
pub mod cluster;
pub mod config;
pub(crate) mod controller;
mod corefile;
pub mod diagnostic;
pub mod dig;
mod encode;
pub mod error;
pub mod explain;
mod generated;
pub mod graph;
pub mod lint;
mod load;
pub mod model;
mod qname;
pub mod resolver;
#[cfg(feature = "serve")]
pub mod serve;
pub mod server;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod upstream;
mod wire;
pub mod workload;
pub mod zone;

pub use answer::{Answer, Outcome, SrvTarget};
pub use cluster::{
    Change, Cluster, ClusterBuilder, ClusterImport, ClusterService, ClusterSlice, ConsistencyError,
    ObjectLimits, ServiceCidrs, SliceOrigin, UpdateError, UpdateErrorKind, UpdateErrors,
};
pub use config::{
    AclAction, AclConfig, AclPolicy, AclRule, AutopathConfig, AutopathSearch, ChaosConfig, Config,
    Fallthrough, FileConfig, FileZone, ForwardConfig, HostsConfig, HostsEntry, KubernetesConfig,
    NotSimulated, OptionConflict, PluginConfig, PodMode, RrTemplate, Scheme, ServerBlock,
    ServerKey, TemplateConfig, TemplateRegex, TemplateRule, ZoneConfigError,
};
pub use config::{
    AnswerRewrite, AnswerTarget, NameMatch, NameRewrite, Pattern, RewriteConfig, RewriteField,
    RewriteNext, RewriteRule,
};
pub use corefile::{
    CorefileError, CorefileErrorKind, CorefileFiles, MAX_CIDR_ZONES, MAX_KUBERNETES_ZONES, NoFiles,
};
pub use diagnostic::{Diagnostic, DiagnosticKind};
pub use error::{
    BatchError, Errors, InvalidNameError, LoadError, LoadErrorKind, LoadErrors, Location,
};
pub use load::{DEFAULT_MAX_INPUT_BYTES, EmbeddedCorefile, LoadLimits, SkippedObject};
pub use model::{Kind, Object, ObjectRef, Selector, ServiceType};
pub use server::{ClusterDns, SetupError};
pub use upstream::{Upstream, UpstreamAnswer};
pub use wire::Transport;
pub use zone::ZoneError;

/// The `hickory-proto` crate this library speaks, re-exported so users name the same types.
pub use hickory_proto;
/// The `ipnet` crate whose CIDR types the builder's settings take (`ServiceCidrs`,
/// `workload::PodCidrs`), re-exported so users need not depend on it themselves.
pub use ipnet;

/// The README's Rust snippets, compiled and run as doctests (`cargo test --doc`), so that every
/// one works as written in a user's crate.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
