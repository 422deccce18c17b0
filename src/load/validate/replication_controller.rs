//! Checking a `v1 ReplicationController` (`ValidateReplicationController`,
//! `ValidateReplicationControllerSpec` and `ValidatePodTemplateSpecForRC` in
//! `pkg/apis/core/validation/validation.go`) where it matters to its Pods.
//!
//! The name is a DNS-1123 subdomain. `spec.selector` is a plain label map (not a
//! `matchLabels`), defaulted to the template's labels when empty
//! (`SetDefaults_ReplicationController`), and then required; the template's labels must match
//! it. `spec.replicas` is at least 0, defaulted to 1. The template is required, its spec checked
//! as a Pod's, and its `restartPolicy` can only be `Always` (the default).

use super::labels::check_labels;
use super::pod_spec::pod_template;
use super::{Checker, NameRule, quote};
use crate::load::raw::RawReplicationController;
use crate::model::{Kind, Selector, Workload, WorkloadSpec};

/// Validates a ReplicationController.
pub(crate) fn replication_controller(
    check: &mut Checker<'_>,
    raw: RawReplicationController,
) -> Option<Workload> {
    let meta = check.meta(
        raw.metadata,
        Kind::ReplicationController,
        NameRule::Dns1123Subdomain,
    );
    let spec = raw.spec.unwrap_or_default();
    let replicas = check.count("spec.replicas", spec.replicas).unwrap_or(1);
    if spec.template.is_none() {
        check.missing("spec.template");
    }
    let template_labels = spec
        .template
        .as_ref()
        .and_then(|template| template.metadata.as_ref())
        .and_then(|metadata| metadata.labels.clone())
        .unwrap_or_default();
    let selector = match spec.selector.filter(|s| !s.is_empty()) {
        Some(selector) => {
            check_labels(check, "spec.selector", &selector);
            selector
        }
        None => template_labels,
    };
    if selector.is_empty() {
        check.missing("spec.selector");
    }
    let (template, restart_policy) = pod_template(check, spec.template, &selector);
    if let Some(policy) = restart_policy.filter(|policy| policy != "Always") {
        check.invalid(
            "spec.template.spec.restartPolicy",
            "Always (the only restart policy of a ReplicationController's Pods)",
            quote(&policy),
        );
    }
    let readiness = check.readiness(&meta);
    let mut workload = Workload::new(
        WorkloadSpec::ReplicationController { replicas },
        &meta.namespace,
        &meta.name,
    );
    workload.meta = meta;
    workload.selector = Selector::new(selector);
    workload.template = template;
    workload.readiness = readiness;
    check.ok().then_some(workload)
}
