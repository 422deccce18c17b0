//! Workloads: `apps/v1` StatefulSets, Deployments, ReplicaSets and DaemonSets, and the Pods
//! their controllers would create.

pub(crate) mod names;
