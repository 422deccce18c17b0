//! # k8s-dns-sim
//!
//! Kubernetes cluster DNS, answered in-process from plain manifests, the way CoreDNS's
//! `kubernetes` plugin answers it in a real cluster.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod answer;
pub mod cluster;
pub mod config;
mod corefile;
pub mod diagnostic;
pub mod error;
mod load;
pub mod model;
mod qname;
pub mod server;
mod wire;

pub use answer::{Answer, Outcome};
pub use cluster::{
    Cluster, ClusterBuilder, ClusterService, ClusterSlice, ServiceCidrs, SliceOrigin,
};
pub use config::{Config, Fallthrough, NotSimulated, PodMode};
pub use corefile::CorefileError;
pub use diagnostic::{Diagnostic, DiagnosticKind};
pub use error::{LoadError, LoadErrorKind, LoadErrors, Location};
pub use load::{DEFAULT_MAX_INPUT_BYTES, SkippedObject};
pub use model::{Kind, Object, ObjectRef};
pub use server::{ClusterDns, NameError};
pub use wire::Transport;

/// The `hickory-proto` crate this library speaks, re-exported so users name the same types.
pub use hickory_proto;
