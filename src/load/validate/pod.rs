//! Checking a `v1 Pod` as the API server does where it matters to DNS (`ValidatePod` in
//! `pkg/apis/core/validation/validation.go`; see `docs/kubernetes-behaviour.md`
//! §2.6, "Pod fields that affect DNS").
//!
//! The name is a DNS-1123 subdomain, `spec.hostname` and `spec.subdomain` are DNS-1123
//! labels, and the ports of the containers (and of restartable init containers) are checked.
//! The status the kubelet writes is read too: the phase, the pod IPs (at most two, one of
//! each family, the first equal to `podIP`) and the `Ready` condition; a `deletionTimestamp`
//! marks the Pod as terminating.

use super::ports::container_ports;
use super::{Checker, NameRule, quote};
use crate::load::raw::RawPod;
use crate::model::{IpFamily, Kind, Pod, PodPhase};

/// Validates a Pod.
pub(crate) fn pod(check: &mut Checker<'_>, raw: RawPod) -> Option<Pod> {
    let terminating = raw
        .metadata
        .as_ref()
        .is_some_and(|m| m.deletion_timestamp.as_ref().is_some_and(|t| !t.is_null()));
    let meta = check.meta(raw.metadata, Kind::Pod, NameRule::Dns1123Subdomain);
    let spec = raw.spec.unwrap_or_default();
    let hostname = check.optional_name("spec.hostname", spec.hostname, NameRule::Dns1123Label);
    let subdomain = check.optional_name("spec.subdomain", spec.subdomain, NameRule::Dns1123Label);

    let container_ports = container_ports(check, "spec", spec.containers, spec.init_containers);

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

    let pod = Pod {
        meta,
        hostname,
        subdomain,
        node_name: spec.node_name.filter(|n| !n.is_empty()),
        container_ports,
        phase,
        pod_ips,
        ready,
        terminating,
    };
    check.ok().then_some(pod)
}
