//! Checking the `apps/v1` workloads (StatefulSet, Deployment, ReplicaSet, DaemonSet) whose
//! Pods the simulator makes, as `pkg/apis/apps/validation/validation.go` does where it
//! matters to those Pods.
//!
//! The selector must be `matchLabels` (expressions are not simulated) of valid label keys and
//! values, and match the template's labels (valid too), the replica count and a StatefulSet's
//! `ordinals.start` are at least 0, a StatefulSet's `serviceName` is a DNS-1123 label, and the
//! template's spec is checked as a Pod's (`pod_spec.rs`). The simulator's own readiness
//! annotations (`k8s-dns-sim.io/ready`, …) are checked too.

use super::labels::match_labels;
use super::pod_spec::pod_template;
use super::{Checker, NameRule};
use crate::load::raw::RawWorkload;
use crate::model::{Kind, Selector, Workload, WorkloadSpec};

/// An `apps/v1` workload (`kind` is StatefulSet, Deployment, ReplicaSet or DaemonSet), checked
/// as the API server does where it matters to the Pods: a `matchLabels` selector that the
/// template's labels satisfy, a replica count, the template's Pod spec.
pub(crate) fn workload(check: &mut Checker<'_>, kind: Kind, raw: RawWorkload) -> Option<Workload> {
    let meta = check.meta(raw.metadata, kind, NameRule::Dns1123Subdomain);
    let spec = raw.spec.unwrap_or_default();
    let replicas = check.count("spec.replicas", spec.replicas).unwrap_or(1);
    let selector = match_labels(check, spec.selector);
    let (template, _) = pod_template(check, spec.template, &selector);
    let readiness = check.readiness(&meta);
    let spec = match kind {
        Kind::StatefulSet => {
            let service_name = check.optional_name(
                "spec.serviceName",
                spec.service_name,
                NameRule::Dns1123Label,
            );
            let start = spec.ordinals.and_then(|ordinals| ordinals.start);
            let ordinals_start = check.count("spec.ordinals.start", start).unwrap_or(0);
            WorkloadSpec::StatefulSet {
                replicas,
                service_name,
                ordinals_start,
            }
        }
        Kind::Deployment => WorkloadSpec::Deployment { replicas },
        Kind::ReplicaSet => WorkloadSpec::ReplicaSet { replicas },
        _ => WorkloadSpec::DaemonSet,
    };
    let workload = Workload {
        meta,
        spec,
        selector: Selector::new(selector),
        template,
        readiness,
    };
    check.ok().then_some(workload)
}
