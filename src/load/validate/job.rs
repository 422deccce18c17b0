//! Checking a `batch/v1 Job` (`ValidateJob`, `ValidateJobSpec` and `validateGeneratedSelector`
//! in `pkg/apis/batch/validation/validation.go`) where it matters to its Pods, with the
//! defaults of `SetDefaults_Job` and the selector the API server generates (`generateSelector`
//! in `pkg/registry/batch/job/strategy.go`).
//!
//! - The name is a DNS-1123 subdomain; for an `Indexed` Job with completions,
//!   `<name>-<completions − 1>` must be a DNS-1123 label, since it becomes a Pod's hostname.
//! - `parallelism` and `completions` are at least 0; both unset default to 1, `parallelism`
//!   alone to 1. `completionMode` is `NonIndexed` (the default) or `Indexed`, which needs
//!   `completions` and allows at most 100,000 for `parallelism`.
//! - Without `manualSelector: true` the API server adds `job-name` and `controller-uid` labels
//!   (and their `batch.kubernetes.io/` forms) to the template and
//!   `batch.kubernetes.io/controller-uid` to the selector; a stated selector must then select
//!   only those ("`selector` not auto-generated"). With it, a `matchLabels` selector is
//!   required. Either way the template's labels must match the selector.
//! - The template's `restartPolicy` must be `OnFailure` or `Never`.
//! - From `status` (a dump): `succeeded`, `completedIndexes` (read as `succeededIndexesFromString`
//!   reads them) and whether a `Complete` or `Failed` condition is `True`.

use std::collections::BTreeMap;

use super::labels::check_labels;
use super::pod_spec::pod_template;
use super::{Checker, NameRule, quote};
use crate::generated;
use crate::load::raw::{RawJob, RawJobStatus};
use crate::model::{CompletionMode, JobSpec, Kind, Selector, Workload, WorkloadSpec};

/// `maxParallelismForIndexedJob`.
const MAX_INDEXED_PARALLELISM: u32 = 100_000;

/// The labels the API server generates (`LegacyJobNameLabel`, `JobNameLabel`,
/// `LegacyControllerUidLabel`, `ControllerUidLabel`).
const JOB_NAME_LABELS: [&str; 2] = ["job-name", "batch.kubernetes.io/job-name"];
const CONTROLLER_UID_LABELS: [&str; 2] = ["controller-uid", "batch.kubernetes.io/controller-uid"];

/// Validates a Job.
pub(crate) fn job(check: &mut Checker<'_>, raw: RawJob) -> Option<Workload> {
    let uid = raw
        .metadata
        .as_ref()
        .and_then(|meta| meta.uid.clone())
        .filter(|uid| !uid.is_empty());
    let meta = check.meta(raw.metadata, Kind::Job, NameRule::Dns1123Subdomain);
    let mut spec = raw.spec.unwrap_or_default();
    let parallelism = check.count("spec.parallelism", spec.parallelism);
    let completions = check.count("spec.completions", spec.completions);
    let (parallelism, completions) = match (parallelism, completions) {
        (None, None) => (1, Some(1)),
        (parallelism, completions) => (parallelism.unwrap_or(1), completions),
    };
    let completion_mode = check
        .choice(
            "spec.completionMode",
            spec.completion_mode.as_deref(),
            false,
            &[
                ("NonIndexed", CompletionMode::NonIndexed),
                ("Indexed", CompletionMode::Indexed),
            ],
        )
        .unwrap_or_default();
    if completion_mode == CompletionMode::Indexed {
        match completions {
            None => check.invalid(
                "spec.completions",
                "a number of completions (an Indexed Job needs one)",
                "none",
            ),
            Some(completions) if completions > 0 => {
                let hostname = format!("{}-{}", meta.name, completions - 1);
                if !meta.name.is_empty() && !NameRule::Dns1123Label.accepts(&hostname) {
                    check.invalid(
                        "metadata.name",
                        format!(
                            "a name that leaves the last Pod hostname, {}, a DNS-1123 label (at most 63 characters)",
                            quote(&hostname)
                        ),
                        quote(&meta.name),
                    );
                }
            }
            Some(_) => {}
        }
        if parallelism > MAX_INDEXED_PARALLELISM {
            check.invalid(
                "spec.parallelism",
                format!("at most {MAX_INDEXED_PARALLELISM} for an Indexed Job"),
                parallelism.to_string(),
            );
        }
    }

    // The selector, generated unless manualSelector (generateSelector, validateGeneratedSelector).
    let manual = spec.manual_selector.unwrap_or(false);
    let stated = spec.selector.take().map(|selector| {
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
        check_labels(check, "spec.selector.matchLabels", &labels);
        labels
    });
    let mut selector = stated.clone().unwrap_or_default();
    if manual {
        if selector.is_empty() {
            check.missing("spec.selector.matchLabels");
        }
    } else {
        let template = spec.template.get_or_insert_with(Default::default);
        let labels = template
            .metadata
            .get_or_insert_with(Default::default)
            .labels
            .get_or_insert_with(BTreeMap::new);
        let uid = uid
            .or_else(|| selector.get(CONTROLLER_UID_LABELS[1]).cloned())
            .or_else(|| labels.get(CONTROLLER_UID_LABELS[1]).cloned())
            .unwrap_or_else(|| generated::uid(&[&meta.namespace, &meta.name]));
        for key in JOB_NAME_LABELS {
            labels.entry(key.to_owned()).or_insert(meta.name.clone());
        }
        for key in CONTROLLER_UID_LABELS {
            labels.entry(key.to_owned()).or_insert(uid.clone());
        }
        let expected: BTreeMap<&str, &str> = JOB_NAME_LABELS
            .iter()
            .map(|key| (*key, meta.name.as_str()))
            .chain(CONTROLLER_UID_LABELS.iter().map(|key| (*key, uid.as_str())))
            .collect();
        let foreign = selector
            .iter()
            .find(|(key, value)| expected.get(key.as_str()) != Some(&value.as_str()));
        if let Some((key, value)) = foreign {
            check.invalid(
                &format!("spec.selector.matchLabels[{key}]"),
                "no selector of its own (the API server generates a Job's selector; set spec.manualSelector to state one)",
                quote(value),
            );
        }
        selector
            .entry(CONTROLLER_UID_LABELS[1].to_owned())
            .or_insert(uid);
    }
    let (template, restart_policy) = pod_template(check, spec.template, &selector);
    match restart_policy.as_deref() {
        Some("OnFailure" | "Never") => {}
        other => check.invalid(
            "spec.template.spec.restartPolicy",
            "OnFailure or Never (a Job's Pods may not restart Always)",
            other.map_or_else(|| "none".to_owned(), quote),
        ),
    }
    let readiness = check.readiness(&meta);
    let (finished, succeeded, completed_indexes) =
        progress(check, raw.status.unwrap_or_default(), completions);
    let mut job = JobSpec {
        parallelism,
        completions,
        completion_mode,
        suspend: spec.suspend.unwrap_or(false),
        finished,
        succeeded,
        completed_indexes: Vec::new(),
    };
    job.set_completed(completed_indexes);
    let mut workload = Workload::new(WorkloadSpec::Job(job), &meta.namespace, &meta.name);
    workload.meta = meta;
    workload.selector = Selector::new(selector);
    workload.template = template;
    workload.readiness = readiness;
    check.ok().then_some(workload)
}

/// What a dump's `status` says the Job has done: finished (a `Complete` or `Failed` condition
/// that is `True`), `succeeded`, and `completedIndexes` below `completions`.
fn progress(
    check: &mut Checker<'_>,
    status: RawJobStatus,
    completions: Option<u32>,
) -> (bool, u32, Vec<(u32, u32)>) {
    let finished = status.conditions.unwrap_or_default().iter().any(|c| {
        matches!(c.condition_type.as_deref(), Some("Complete" | "Failed"))
            && c.status.as_deref() == Some("True")
    });
    let succeeded = check
        .count("status.succeeded", status.succeeded)
        .unwrap_or(0);
    let text = status.completed_indexes.unwrap_or_default();
    let indexes = completed_indexes(&text, completions.unwrap_or(0));
    (finished, succeeded, indexes)
}

/// `succeededIndexesFromString`: `1,3-5` as inclusive ranges below `completions`; an interval
/// that does not parse is skipped, reading stops at the first one at or past `completions`.
fn completed_indexes(text: &str, completions: u32) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    if text.is_empty() {
        return out;
    }
    for interval in text.split(',') {
        let mut limits = interval.split('-');
        let Some(Ok(first)) = limits.next().map(str::parse::<u32>) else {
            continue;
        };
        if first >= completions {
            break;
        }
        let last = match limits.next() {
            None => first,
            Some(last) => match last.parse::<u32>() {
                Ok(last) => last.min(completions - 1),
                Err(_) => continue,
            },
        };
        match out.last_mut() {
            Some(previous) if previous.1.checked_add(1) == Some(first) => previous.1 = last,
            _ => out.push((first, last)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Table rows spell their type out.
    #[allow(clippy::type_complexity)]
    #[test]
    fn completed_indexes_are_read_as_the_job_controller_reads_them() {
        // indexed_job_utils.go succeededIndexesFromString.
        let cases: &[(&str, u32, &[(u32, u32)])] = &[
            ("", 5, &[]),
            ("1,3-5", 10, &[(1, 1), (3, 5)]),
            ("0-1,2", 10, &[(0, 2)]),
            ("3-9", 5, &[(3, 4)]),
            ("1,7,2", 5, &[(1, 1)]),
            ("x,2", 5, &[(2, 2)]),
        ];
        for (text, completions, want) in cases {
            assert_eq!(completed_indexes(text, *completions), *want, "{text:?}");
        }
    }
}
