//! The checks that need the configuration as well as the cluster. Where a number is reported
//! (how many addresses fit in 512 bytes), it is measured by asking the server, not estimated.

use hickory_proto::op::{Message, MessageType, OpCode, Query};
use hickory_proto::rr::{Name, RecordType};

use super::diagnostics::service_subject;
use super::{Finding, Severity, Subject, finding};
use crate::answer::Outcome;
use crate::cluster::ClusterService;
use crate::error::Location;
use crate::model::{EnvVar, Kind, ObjectRef};
use crate::resolver::{Family, PodDns, StubResolver};
use crate::server::ClusterDns;
use crate::wire::Transport;

pub(super) fn lint(dns: &ClusterDns, zone: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    not_simulated(dns, &mut findings);
    for service in dns.cluster().services() {
        udp_truncation(dns, service, zone, &mut findings);
        external_name_into_zone(dns, service, zone, &mut findings);
    }
    search_walks(dns, zone, &mut findings);
    findings
}

/// Every directive of the Corefile that was read but is not simulated.
fn not_simulated(dns: &ClusterDns, findings: &mut Vec<Finding>) {
    // `cache` is left out: it changes nothing the simulator can show (it has no clock, so
    // every answer is a cache miss's), and it says nothing about the manifests.
    for entry in dns
        .config()
        .not_simulated
        .iter()
        .filter(|entry| entry.directive != "cache")
    {
        let location = Location {
            origin: Some("Corefile".to_owned()),
            line: Some(entry.line),
            ..Location::default()
        };
        findings.push(finding(
            "corefile-not-simulated",
            Severity::Warning,
            vec![Subject {
                object: None,
                location,
            }],
            format!(
                "the Corefile's {} (line {}) is not simulated: {}",
                entry.directive, entry.line, entry.reason
            ),
            "wherever it acts, the cluster's CoreDNS may answer differently from the simulator"
                .to_owned(),
            format!(
                "check the names {} affects against a real cluster, or leave it out of the Corefile given to the simulator",
                entry.directive
            ),
        ));
    }
}

/// A headless Service whose A or AAAA reply over UDP without EDNS is truncated: how many of its
/// addresses the 512 bytes hold, counted in the reply this server sends (rule 34).
fn udp_truncation(
    dns: &ClusterDns,
    service: &ClusterService,
    zone: &str,
    findings: &mut Vec<Finding>,
) {
    let object = service.service();
    if !object.is_headless() || object.service_type.is_external_name() {
        return;
    }
    let (namespace, name) = (&object.meta.namespace, &object.meta.name);
    let fqdn = format!("{name}.{namespace}.svc.{zone}");
    let Ok(qname) = Name::from_ascii(format!("{fqdn}.")) else {
        return;
    };
    for (qtype, total) in [
        (RecordType::A, service.ready_ipv4().len()),
        (RecordType::AAAA, service.ready_ipv6().len()),
    ] {
        // 512 bytes hold at least 20 addresses of any name; below that nothing to measure.
        if total < 20 {
            continue;
        }
        let mut request = Message::new(0x4c49, MessageType::Query, OpCode::Query);
        request.metadata.recursion_desired = true;
        request.add_query(Query::query(qname.clone(), qtype));
        let Ok(bytes) = request.to_vec() else {
            continue;
        };
        let Ok(reply) = Message::from_vec(&dns.handle_bytes(&bytes, Transport::Udp)) else {
            continue;
        };
        if !reply.truncation {
            continue;
        }
        let fit = reply
            .answers
            .iter()
            .filter(|record| record.record_type() == qtype)
            .count();
        findings.push(finding(
            "udp-answer-truncated",
            Severity::Warning,
            vec![service_subject(service)],
            format!(
                "headless Service with {total} ready {} endpoints: {} reply over UDP without EDNS holds {fit} of them in 512 bytes",
                if qtype == RecordType::A { "IPv4" } else { "IPv6" },
                if qtype == RecordType::A { "an A" } else { "an AAAA" }
            ),
            format!(
                "{fqdn} {qtype} over UDP answers {fit} addresses with TC set; what a client keeps depends on whether (and how) it retries over TCP{}",
                library_counts(dns, namespace, &fqdn, qtype)
            ),
            format!(
                "keep Service {namespace}/{name} at {fit} ready endpoints or fewer per family, or have its clients send EDNS0 (glibc: spec.dnsConfig.options [{{name: edns0}}]) and accept TCP"
            ),
        ));
    }
}

/// How many addresses `getaddrinfo` of each stub resolver returns for `fqdn` in a Pod of
/// `namespace` (as the kubelet sets it up), run against this server: `: glibc 2.36+ 40, …`.
fn library_counts(dns: &ClusterDns, namespace: &str, fqdn: &str, qtype: RecordType) -> String {
    let Ok(sandbox) = dns
        .kubelet()
        .sandbox(&PodDns::new(namespace, "lint-client"))
    else {
        return String::new();
    };
    let family = if qtype == RecordType::A {
        Family::Inet
    } else {
        Family::Inet6
    };
    let counts: Vec<String> = StubResolver::ALL
        .into_iter()
        .map(|library| {
            let resolution = dns.getaddrinfo(&sandbox, library, family, &format!("{fqdn}."));
            format!("{library} {}", resolution.addresses().len())
        })
        .collect();
    format!(
        " (getaddrinfo in a Pod of namespace {namespace}, addresses kept: {})",
        counts.join(", ")
    )
}

/// An ExternalName whose target is inside a zone of this server, where nothing answers: CoreDNS
/// looks such a target up itself and drops the CNAME when that finds no record (rule 19).
fn external_name_into_zone(
    dns: &ClusterDns,
    service: &ClusterService,
    zone: &str,
    findings: &mut Vec<Finding>,
) {
    let object = service.service();
    let Some(target) = object.cname_target() else {
        return;
    };
    let lower = target.to_ascii_lowercase();
    let zones: Vec<String> = dns
        .config()
        .kubernetes_plugins()
        .flat_map(|kubernetes| kubernetes.zones.iter())
        .map(|zone| zone.to_ascii().trim_end_matches('.').to_ascii_lowercase())
        .collect();
    let Some(target_zone) = zones
        .iter()
        .find(|zone| lower == **zone || lower.ends_with(&format!(".{zone}")))
    else {
        return;
    };
    let absolute = format!("{lower}.");
    let outcomes: Vec<(RecordType, Outcome)> = [RecordType::A, RecordType::AAAA]
        .into_iter()
        .filter_map(|qtype| {
            let answer = dns.lookup(&absolute, qtype).ok()?;
            Some((qtype, answer.outcome))
        })
        .collect();
    if outcomes.len() != 2
        || outcomes
            .iter()
            .any(|(_, outcome)| *outcome == Outcome::Success)
    {
        return;
    }
    let (namespace, name) = (&object.meta.namespace, &object.meta.name);
    let fqdn = format!("{name}.{namespace}.svc.{zone}");
    let own = match dns.lookup(&format!("{fqdn}."), RecordType::A) {
        Ok(answer) if answer.answers.is_empty() => {
            format!("A {} without the CNAME", outcome_text(answer.outcome))
        }
        // The check above says the target has no record, so the CNAME cannot be kept; be
        // honest if the server says otherwise.
        Ok(answer) => format!("A {}", outcome_text(answer.outcome)),
        Err(_) => return,
    };
    let target_text = outcomes
        .iter()
        .map(|(qtype, outcome)| format!("{qtype} {}", outcome_text(*outcome)))
        .collect::<Vec<_>>()
        .join(", ");
    // `<service>.<namespace>.svc.<zone>`: name the Service that is missing, and one of that
    // name elsewhere.
    let labels: Vec<&str> = lower
        .strip_suffix(&format!(".{target_zone}"))
        .unwrap_or_default()
        .split('.')
        .collect();
    let mut subjects = vec![service_subject(service)];
    let fix = match labels.as_slice() {
        _ if lower == fqdn.to_ascii_lowercase() => format!(
            "point spec.externalName of Service {namespace}/{name} at another name: it names itself, a loop CoreDNS does not follow"
        ),
        [wanted, wanted_namespace, "svc"] => {
            let elsewhere: Vec<&ClusterService> = dns
                .cluster()
                .services()
                .into_iter()
                .filter(|other| {
                    let other = other.service();
                    other.meta.name == *wanted && !other.service_type.is_external_name()
                })
                .collect();
            match elsewhere.as_slice() {
                [only] => {
                    subjects.push(service_subject(only));
                    format!(
                        "point spec.externalName of Service {namespace}/{name} at {wanted}.{}.svc.{target_zone} (Service {wanted} is in namespace {}), or create Service {wanted} in namespace {wanted_namespace}",
                        only.service().meta.namespace,
                        only.service().meta.namespace
                    )
                }
                _ => format!(
                    "create Service {wanted} in namespace {wanted_namespace}, or point spec.externalName of Service {namespace}/{name} at a Service that exists"
                ),
            }
        }
        _ => format!(
            "point spec.externalName of Service {namespace}/{name} at a name that exists (<service>.<namespace>.svc.{target_zone})"
        ),
    };
    findings.push(finding(
        "external-name-into-zone-at-nothing",
        Severity::Error,
        subjects,
        format!(
            "externalName {target} is inside the cluster zone {target_zone}, where it answers {target_text}"
        ),
        format!(
            "CoreDNS looks an in-zone target up itself and drops the CNAME when that finds no record: {fqdn} answers {}",
            own
        ),
        fix,
    ));
}

fn outcome_text(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Success => "NOERROR",
        Outcome::NoData => "NODATA",
        Outcome::NxDomain => "NXDOMAIN",
        Outcome::Refused => "REFUSED",
        Outcome::ServFail => "SERVFAIL",
        Outcome::NoReply => "no reply",
        _ => "another outcome",
    }
}

/// Names in the zone that Pods are configured with (literal `env` values: `DB_HOST`,
/// `http://api.shop.svc.cluster.local:8080/`, `host:port` lists) and that the search list walks
/// before asking them as written: a name of fewer dots than `ndots` (5) is tried under each
/// search domain first. Measured by running glibc's `getaddrinfo` in the Pod's own sandbox
/// against this server: the queries before the name itself are its cost.
fn search_walks(dns: &ClusterDns, zone: &str, findings: &mut Vec<Finding>) {
    let cluster = dns.cluster();
    let kubelet = dns.kubelet();
    // Loaded Pods as themselves; a workload through one of the Pods it made.
    let mut clients: Vec<(ObjectRef, Location, String, &[EnvVar])> = Vec::new();
    for (pod, location) in cluster.located_pods() {
        if cluster.is_generated(pod) || pod.env.is_empty() {
            continue;
        }
        let meta = &pod.meta;
        clients.push((
            ObjectRef::namespaced(Kind::Pod, &meta.namespace, &meta.name),
            location.clone(),
            format!("{}/{}", meta.namespace, meta.name),
            &pod.env,
        ));
    }
    for (workload, location) in cluster.located_workloads() {
        if workload.template.env.is_empty() {
            continue;
        }
        let meta = &workload.meta;
        let made = cluster.pods().find(|pod| {
            pod.meta.namespace == meta.namespace
                && cluster.is_generated(pod)
                && workload.selector.matches(&pod.meta.labels)
        });
        let Some(pod) = made else {
            continue;
        };
        clients.push((
            ObjectRef::namespaced(workload.kind(), &meta.namespace, &meta.name),
            location.clone(),
            format!("{}/{}", pod.meta.namespace, pod.meta.name),
            &workload.template.env,
        ));
    }
    for (object, location, pod, env) in clients {
        let mut hosts: Vec<(String, Vec<&str>)> = Vec::new();
        for var in env {
            for host in referenced_hosts(&var.value, zone) {
                match hosts.iter_mut().find(|(known, _)| *known == host) {
                    Some((_, names)) => names.push(&var.name),
                    None => hosts.push((host, vec![&var.name])),
                }
            }
        }
        for (host, names) in hosts {
            let Ok(resolution) =
                dns.getaddrinfo_in_pod(&kubelet, &pod, StubResolver::Glibc, Family::Unspec, &host)
            else {
                continue;
            };
            let absolute = format!("{host}.");
            let Some(position) = resolution
                .attempts
                .iter()
                .position(|attempt| attempt.name.to_ascii().eq_ignore_ascii_case(&absolute))
            else {
                continue;
            };
            if position == 0 {
                continue;
            }
            let before: Vec<String> = resolution.attempts[..position]
                .iter()
                .map(|attempt| attempt.name.to_ascii())
                .collect();
            let queries: usize = resolution
                .steps
                .iter()
                .take(position)
                .map(|step| step.queries.len())
                .sum();
            let all_nxdomain = resolution.attempts[..position].iter().all(|attempt| {
                attempt
                    .answer
                    .as_ref()
                    .is_some_and(|answer| answer.outcome == Outcome::NxDomain)
            });
            let replies = if all_nxdomain {
                "each NXDOMAIN"
            } else {
                "none answering the name"
            };
            let dots = host.matches('.').count();
            let ndots = resolution.conf.ndots;
            findings.push(finding(
                "ndots-search-walk",
                Severity::Info,
                vec![Subject::object(object.clone(), &location)],
                format!(
                    "env {} names {host} without a trailing dot: {dots} dots, fewer than ndots:{ndots}",
                    names.join(", ")
                ),
                format!(
                    "glibc in Pod {pod} first asks {} ({queries} queries, {replies}) and only then {absolute}",
                    before.join(", ")
                ),
                format!(
                    "write {absolute} (with the trailing dot) where the client accepts it, or give the Pod spec.dnsConfig.options [{{name: ndots, value: \"{dots}\"}}]"
                ),
            ));
        }
    }
}

/// The host names in the zone that an `env` value mentions: each comma- or space-separated
/// part, with any `scheme://`, user, port and path taken off, kept when it ends in `.<zone>`
/// without a trailing dot.
fn referenced_hosts(value: &str, zone: &str) -> Vec<String> {
    let suffix = format!(".{}", zone.to_ascii_lowercase());
    value
        .split([',', ' ', ';'])
        .filter_map(|part| {
            let part = part.trim();
            let part = part.split_once("://").map_or(part, |(_, rest)| rest);
            let part = part.split('/').next()?;
            let part = part.rsplit_once('@').map_or(part, |(_, host)| host);
            let host = part.split(':').next()?.to_ascii_lowercase();
            let valid = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
            (valid && host.ends_with(&suffix) && host.len() > suffix.len()).then_some(host)
        })
        .fold(Vec::new(), |mut hosts, host| {
            if !hosts.contains(&host) {
                hosts.push(host);
            }
            hosts
        })
}

#[cfg(test)]
mod tests {
    use super::referenced_hosts;

    #[test]
    fn hosts_are_read_from_names_addresses_and_urls_in_the_zone_only() {
        let rows: &[(&str, &[&str])] = &[
            (
                "mysql.default.svc.cluster.local",
                &["mysql.default.svc.cluster.local"],
            ),
            (
                "MySQL.Default.svc.cluster.local:3306",
                &["mysql.default.svc.cluster.local"],
            ),
            (
                "postgres://user:pw@pg.data.svc.cluster.local:5432/app",
                &["pg.data.svc.cluster.local"],
            ),
            (
                "a.x.svc.cluster.local:1,b.x.svc.cluster.local:2 a.x.svc.cluster.local",
                &["a.x.svc.cluster.local", "b.x.svc.cluster.local"],
            ),
            // A trailing dot is asked as written; other zones and plain words are not names here.
            ("mysql.default.svc.cluster.local.", &[]),
            ("db.example.com", &[]),
            ("cluster.local", &[]),
            ("debug", &[]),
        ];
        for (value, hosts) in rows {
            assert_eq!(referenced_hosts(value, "cluster.local"), *hosts, "{value}");
        }
    }
}
