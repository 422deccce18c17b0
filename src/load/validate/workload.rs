//! Checking the `apps/v1` workloads (StatefulSet, Deployment, ReplicaSet, DaemonSet) whose
//! Pods the simulator makes, as `pkg/apis/apps/validation/validation.go` does where it
//! matters to those Pods.
//!
//! The selector must be `matchLabels` (expressions are not simulated) of valid label keys and
//! values, and match the template's labels (valid too), the replica count and a StatefulSet's
//! `ordinals.start` are at least 0, a StatefulSet's `serviceName` is a DNS-1123 label, and the
//! template's hostname, subdomain and ports are checked as a Pod's. The simulator's own readiness annotations
//! (`k8s-dns-sim.io/ready`, …) are checked too.

use std::collections::BTreeMap;

use super::labels::check_labels;
use super::ports::container_ports;
use super::{Checker, NameRule, quote};
use crate::load::raw::RawWorkload;
use crate::model::{Kind, PodTemplate, Readiness, Selector, Workload, WorkloadSpec};

/// An `apps/v1` workload (`kind` is StatefulSet, Deployment, ReplicaSet or DaemonSet), checked
/// as the API server does where it matters to the Pods: a `matchLabels` selector that the
/// template's labels satisfy, a replica count, the template's hostname, subdomain and ports.
pub(crate) fn workload(check: &mut Checker<'_>, kind: Kind, raw: RawWorkload) -> Option<Workload> {
    let meta = check.meta(raw.metadata, kind, NameRule::Dns1123Subdomain);
    let spec = raw.spec.unwrap_or_default();
    let replicas = match spec.replicas {
        None => 1,
        Some(value) => match u32::try_from(value.0) {
            Ok(replicas) => replicas,
            Err(_) => {
                check.invalid(
                    "spec.replicas",
                    "an integer of at least 0",
                    value.0.to_string(),
                );
                0
            }
        },
    };
    let selector = match spec.selector {
        None => {
            check.missing("spec.selector");
            BTreeMap::new()
        }
        Some(selector) => {
            if selector
                .match_expressions
                .as_ref()
                .is_some_and(|e| !e.is_null())
            {
                check.invalid(
                    "spec.selector.matchExpressions",
                    "matchLabels only (matchExpressions are not simulated)",
                    "matchExpressions",
                );
            }
            let labels = selector.match_labels.unwrap_or_default();
            if labels.is_empty() {
                check.missing("spec.selector.matchLabels");
            }
            check_labels(check, "spec.selector.matchLabels", &labels);
            labels
        }
    };
    let template = spec.template.unwrap_or_default();
    let labels = template
        .metadata
        .and_then(|metadata| metadata.labels)
        .unwrap_or_default();
    check_labels(check, "spec.template.metadata.labels", &labels);
    if !selector.is_empty() && !Selector::new(selector.clone()).matches(&labels) {
        check.invalid(
            "spec.template.metadata.labels",
            "labels that `spec.selector` matches",
            format!("{labels:?}"),
        );
    }
    let pod_spec = template.spec.unwrap_or_default();
    let hostname = check.optional_name(
        "spec.template.spec.hostname",
        pod_spec.hostname,
        NameRule::Dns1123Label,
    );
    let subdomain = check.optional_name(
        "spec.template.spec.subdomain",
        pod_spec.subdomain,
        NameRule::Dns1123Label,
    );
    let ports = container_ports(
        check,
        "spec.template.spec",
        pod_spec.containers,
        pod_spec.init_containers,
    );
    let readiness = match Readiness::from_annotations(&meta.annotations) {
        Ok(readiness) => readiness,
        Err(error) => {
            check.invalid(
                &format!("metadata.annotations[{}]", error.annotation),
                error.expected,
                quote(&error.value),
            );
            Readiness::All
        }
    };
    let mut template = PodTemplate::with_labels(labels);
    template.hostname = hostname;
    template.subdomain = subdomain;
    template.container_ports = ports;
    let spec = match kind {
        Kind::StatefulSet => {
            let service_name = check.optional_name(
                "spec.serviceName",
                spec.service_name,
                NameRule::Dns1123Label,
            );
            let ordinals_start = match spec.ordinals.and_then(|ordinals| ordinals.start) {
                None => 0,
                Some(value) => u32::try_from(value.0).unwrap_or_else(|_| {
                    check.invalid(
                        "spec.ordinals.start",
                        "an integer of at least 0",
                        value.0.to_string(),
                    );
                    0
                }),
            };
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
