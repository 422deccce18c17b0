//! # k8s-dns-sim
//!
//! Kubernetes cluster DNS, answered in-process from plain manifests, the way CoreDNS's
//! `kubernetes` plugin answers it in a real cluster.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod cluster;
pub mod config;
mod corefile;
pub mod error;
mod load;
pub mod model;

pub use cluster::{Cluster, ClusterBuilder};
pub use config::{Config, Fallthrough, NotSimulated, PodMode};
pub use corefile::CorefileError;
pub use error::{LoadError, LoadErrorKind, LoadErrors, Location};
pub use load::{DEFAULT_MAX_INPUT_BYTES, SkippedObject};
pub use model::{Kind, Object, ObjectRef};
