//! Checking a `v1 Pod` as the API server does where it matters to DNS (`ValidatePod` in
//! `pkg/apis/core/validation/validation.go`; see `docs/kubernetes-behaviour.md`
//! §2.6, "Pod fields that affect DNS").
//!
//! The name is a DNS-1123 subdomain and the spec is checked as every Pod spec is (see
//! `pod_spec.rs`). The status the kubelet writes is read too: the phase, the pod IPs (at most
//! two, one of each family, the first equal to `podIP`) and the `Ready` condition; a
//! `deletionTimestamp` marks the Pod as terminating. A Pod without `status` is left for the
//! cluster to start (`PodStatusSource::Unstarted`); the simulator's readiness annotation
//! `k8s-dns-sim.io/ready` then says whether it starts Ready (`ready-replicas`, which counts a
//! workload's Pods, is refused on a Pod).

use super::pod_spec::pod_spec;
use super::{Checker, NameRule, quote};
use crate::load::raw::RawPod;
use crate::model::{
    IpFamily, Kind, Pod, PodPhase, PodStatusSource, READY_ANNOTATION, READY_REPLICAS_ANNOTATION,
    Readiness,
};

/// Validates a Pod.
pub(crate) fn pod(check: &mut Checker<'_>, raw: RawPod) -> Option<Pod> {
    let terminating = raw
        .metadata
        .as_ref()
        .is_some_and(|m| m.deletion_timestamp.as_ref().is_some_and(|t| !t.is_null()));
    let meta = check.meta(raw.metadata, Kind::Pod, NameRule::Dns1123Subdomain);
    let spec = pod_spec(check, "spec", raw.spec.unwrap_or_default());
    match Readiness::from_annotations(&meta.annotations) {
        Err(error) => check.invalid(
            &format!("metadata.annotations[{}]", error.annotation),
            error.expected,
            quote(&error.value),
        ),
        Ok(Readiness::First(_)) => check.invalid(
            &format!("metadata.annotations[{READY_REPLICAS_ANNOTATION}]"),
            format!(
                "no {READY_REPLICAS_ANNOTATION} on a Pod (it counts a workload's Pods; use {READY_ANNOTATION})"
            ),
            quote(&meta.annotations[READY_REPLICAS_ANNOTATION]),
        ),
        Ok(_) => {}
    }

    let status_source = if raw.status.is_some() {
        PodStatusSource::Manifest
    } else {
        PodStatusSource::Unstarted
    };
    let status = raw.status.unwrap_or_default();
    let phase = check.choice(
        "status.phase",
        status.phase.as_deref(),
        false,
        &[
            ("Pending", PodPhase::Pending),
            ("Running", PodPhase::Running),
            ("Succeeded", PodPhase::Succeeded),
            ("Failed", PodPhase::Failed),
            ("Unknown", PodPhase::Unknown),
        ],
    );

    let pod_ip = match status.pod_ip.as_deref() {
        None | Some("") => None,
        some => check.ip("status.podIP", some),
    };
    let mut pod_ips = Vec::new();
    let raw_pod_ips = status.pod_ips.unwrap_or_default();
    for (i, entry) in raw_pod_ips.iter().enumerate() {
        let field = format!("status.podIPs[{i}].ip");
        let Some(ip) = check.ip(&field, entry.ip.as_deref()) else {
            continue;
        };
        if i == 0 {
            if let Some(single) = pod_ip
                && single != ip
            {
                check.invalid(
                    &field,
                    format!("the value of status.podIP, {}", quote(&single.to_string())),
                    quote(&ip.to_string()),
                );
            }
        } else if pod_ips
            .iter()
            .any(|other| IpFamily::of(other) == IpFamily::of(&ip))
        {
            check.invalid(
                &field,
                "an address of the other family than status.podIPs[0]",
                quote(&ip.to_string()),
            );
        }
        pod_ips.push(ip);
    }
    if raw_pod_ips.len() > 2 {
        check.invalid(
            "status.podIPs",
            "at most 2 addresses",
            format!("{} addresses", raw_pod_ips.len()),
        );
    }
    if pod_ips.is_empty() {
        pod_ips.extend(pod_ip);
    }

    let ready = status
        .conditions
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.condition_type.as_deref() == Some("Ready"))
        .and_then(|c| match c.status.as_deref() {
            Some("True") => Some(true),
            Some("False") => Some(false),
            _ => None,
        });

    let mut pod = Pod::new(&meta.namespace, &meta.name);
    pod.meta = meta;
    pod.hostname = spec.hostname;
    pod.subdomain = spec.subdomain;
    pod.node_name = spec.node_name;
    pod.container_ports = spec.container_ports;
    pod.host_network = spec.host_network;
    pod.dns_policy = spec.dns_policy;
    pod.dns_config = spec.dns_config;
    pod.host_aliases = spec.host_aliases;
    pod.set_hostname_as_fqdn = spec.set_hostname_as_fqdn;
    pod.env = spec.env;
    pod.phase = phase;
    pod.pod_ips = pod_ips;
    pod.ready = ready;
    pod.terminating = terminating;
    pod.status_source = status_source;
    check.ok().then_some(pod)
}
