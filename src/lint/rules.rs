//! The checks the cluster's diagnostics do not make: each reads the linked cluster through its
//! accessors and reports what a real cluster would answer because of it.

use std::collections::BTreeSet;

use super::diagnostics::service_subject;
use super::{Finding, Severity, Subject, finding};
use crate::cluster::{Cluster, ClusterService, ClusterSlice, SliceOrigin};
use crate::error::Location;
use crate::model::{
    Kind, ObjectRef, Pod, Protocol, Selector, ServicePort, TargetPort, WorkloadSpec,
};

/// The annotation that once made the endpoints controller publish not-ready addresses.
pub(super) const TOLERATE_UNREADY: &str = "service.alpha.kubernetes.io/tolerate-unready-endpoints";

/// A small built-in list of common top-level domains (generic ones and a few country codes):
/// enough to catch the namespaces people actually create (`com`, `io`, `dev`, `app`), not the
/// whole IANA list.
pub const COMMON_TLDS: &[&str] = &[
    "ai", "app", "biz", "cloud", "co", "com", "de", "dev", "eu", "info", "io", "me", "net",
    "online", "org", "site", "tech", "uk", "us", "xyz",
];

pub(super) fn findings(cluster: &Cluster, zone: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for service in cluster.services() {
        srv_port_names(service, zone, &mut findings);
        load_balancer_ip_none(service, zone, &mut findings);
        tolerate_unready(service, &mut findings);
    }
    pod_subdomains(cluster, zone, &mut findings);
    stateful_sets(cluster, zone, &mut findings);
    namespaces_like_tlds(cluster, zone, &mut findings);
    findings
}

// ------------------------------------------------------------------------------------------
// SRV names: a headless Service's SRV records are named after the endpoint ports
// ------------------------------------------------------------------------------------------

/// Where a slice came from, as the object a user wrote: the Endpoints it mirrors, or itself.
/// `None` for slices the EndpointSlice controller derives from Pods (their port names are the
/// Service's own).
fn written_object(slice: &ClusterSlice) -> Option<ObjectRef> {
    let namespace = &slice.slice().meta.namespace;
    match slice.origin() {
        SliceOrigin::MirroredFrom(endpoints) => {
            Some(ObjectRef::namespaced(Kind::Endpoints, namespace, endpoints))
        }
        SliceOrigin::Loaded => Some(ObjectRef::namespaced(
            Kind::EndpointSlice,
            namespace,
            &slice.slice().meta.name,
        )),
        _ => None,
    }
}

/// For a headless Service, each named Service port that no endpoint port of a written slice (or
/// Endpoints) carries: `_name._proto.<svc>` is NXDOMAIN (rule 17), because a headless Service's
/// SRV entries come from the endpoint ports (CoreDNS `findServices`, kubernetes#80175).
fn srv_port_names(service: &ClusterService, zone: &str, findings: &mut Vec<Finding>) {
    let object = service.service();
    if !object.is_headless() || object.service_type.is_external_name() {
        return;
    }
    let (namespace, name) = (&object.meta.namespace, &object.meta.name);
    let fqdn = format!("{name}.{namespace}.svc.{zone}");
    let mut seen: BTreeSet<(ObjectRef, String)> = BTreeSet::new();
    // Whether some slice of the Service carries the port name: then `_name._proto` answers,
    // without the endpoints of the slices that lack it.
    let carried_anywhere = |port: &ServicePort, port_name: &str| {
        service.slices().any(|slice| {
            slice.slice().ports.iter().any(|endpoint_port| {
                endpoint_port.protocol == port.protocol
                    && endpoint_port
                        .name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(port_name))
            })
        })
    };
    for slice in service.slices() {
        let Some(written) = written_object(slice) else {
            continue;
        };
        let ports = &slice.slice().ports;
        if ports.is_empty() {
            continue;
        }
        for port in &object.ports {
            let Some(port_name) = port.name.as_deref() else {
                continue;
            };
            let carried = ports.iter().any(|endpoint_port| {
                endpoint_port.protocol == port.protocol
                    && endpoint_port
                        .name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(port_name))
            });
            let same_protocol: Vec<_> = ports
                .iter()
                .filter(|endpoint_port| endpoint_port.protocol == port.protocol)
                .collect();
            // A slice of another protocol's ports has nothing to do with this one.
            if carried
                || same_protocol.is_empty()
                || !seen.insert((written.clone(), port_name.to_owned()))
            {
                continue;
            }
            let protocol = protocol_label(port.protocol);
            let wanted = format!("_{port_name}._{protocol}.{fqdn}");
            let missing = if carried_anywhere(port, port_name) {
                format!("the endpoints of {written} are left out of SRV {wanted}")
            } else {
                format!("SRV {wanted} answers NXDOMAIN")
            };
            // The endpoint port that stands for this Service port: the one of its number, or
            // the only one of its protocol.
            let counterpart = same_protocol
                .iter()
                .find(|endpoint_port| {
                    endpoint_port.port.is_some() && endpoint_port.port == target_number(port)
                })
                .or(match same_protocol.as_slice() {
                    [only] => Some(only),
                    _ => None,
                });
            let subjects = vec![
                Subject::object(written.clone(), slice.location()),
                service_subject(service),
            ];
            match counterpart.map(|p| p.name.as_deref()) {
                Some(None) => findings.push(finding(
                    "unnamed-endpoint-port",
                    Severity::Warning,
                    subjects,
                    format!(
                        "Service {namespace}/{name} names its port {port_name}, but the matching port{} of {written} has no name",
                        number_text(counterpart.and_then(|p| p.port))
                    ),
                    format!(
                        "{missing}: a headless Service's SRV names come from its endpoints' ports, and an unnamed one matches no _name._proto (a plain SRV query for {fqdn} still lists it)"
                    ),
                    format!("name that port {port_name} in {written} (ports[].name: {port_name})"),
                )),
                Some(Some(other)) => findings.push(finding(
                    "srv-port-name-mismatch",
                    Severity::Warning,
                    subjects,
                    format!(
                        "Service {namespace}/{name} names its port {port_name}, but {written} names it {other}"
                    ),
                    format!(
                        "{missing}; its SRV records are at _{}._{protocol}.{fqdn} instead (a headless Service's SRV names come from its endpoints' ports)",
                        other.to_ascii_lowercase()
                    ),
                    format!(
                        "rename port {other} of {written} to {port_name}, or the Service's port to {other}"
                    ),
                )),
                None => {
                    let names: Vec<String> = same_protocol
                        .iter()
                        .map(|p| p.name.clone().unwrap_or_else(|| "(unnamed)".to_owned()))
                        .collect();
                    findings.push(finding(
                        "srv-port-name-mismatch",
                        Severity::Warning,
                        subjects,
                        format!(
                            "Service {namespace}/{name} names its port {port_name}, but no {} port of {written} has that name (it has: {})",
                            port.protocol.as_str(),
                            names.join(", ")
                        ),
                        format!(
                            "{missing} (a headless Service's SRV names come from its endpoints' ports)"
                        ),
                        format!("rename the port of {written} that serves the Service's port {port_name} to {port_name}"),
                    ));
                }
            }
        }
    }
}

fn target_number(port: &ServicePort) -> Option<u16> {
    match &port.target_port {
        Some(TargetPort::Number(number)) => Some(*number),
        Some(TargetPort::Name(_)) => None,
        None => Some(port.port),
    }
}

fn number_text(number: Option<u16>) -> String {
    number.map(|n| format!(" ({n})")).unwrap_or_default()
}

fn protocol_label(protocol: Protocol) -> String {
    protocol.as_str().to_ascii_lowercase()
}

// ------------------------------------------------------------------------------------------
// Service fields that look like DNS settings and are not
// ------------------------------------------------------------------------------------------

/// `loadBalancerIP: None`, where `clusterIP: None` (headless) was evidently meant.
fn load_balancer_ip_none(service: &ClusterService, zone: &str, findings: &mut Vec<Finding>) {
    let object = service.service();
    let Some(value) = object.load_balancer_ip.as_deref() else {
        return;
    };
    if !value.eq_ignore_ascii_case("none") {
        return;
    }
    let (namespace, name) = (&object.meta.namespace, &object.meta.name);
    let subjects = vec![service_subject(service)];
    if object.is_headless() {
        findings.push(finding(
            "load-balancer-ip-none",
            Severity::Info,
            subjects,
            format!("spec.loadBalancerIP is {value:?}, beside clusterIP: None"),
            "nothing: loadBalancerIP is read by load-balancer controllers, never by DNS; the Service is headless through clusterIP".to_owned(),
            format!("remove spec.loadBalancerIP from Service {namespace}/{name}"),
        ));
        return;
    }
    let answers = match service.cluster_ips() {
        [] => "its cluster IP".to_owned(),
        ips => ips
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" and "),
    };
    findings.push(finding(
        "load-balancer-ip-none",
        Severity::Error,
        subjects,
        format!(
            "spec.loadBalancerIP is {value:?}, and clusterIP is not None: the Service is not headless"
        ),
        format!(
            "loadBalancerIP is read by load-balancer controllers, never by DNS: {name}.{namespace}.svc.{zone} answers {answers}, not one address per ready endpoint"
        ),
        format!(
            "replace loadBalancerIP: None with clusterIP: None in Service {namespace}/{name} (a Service that exists must be deleted and created again: its clusterIP cannot change)"
        ),
    ));
}

/// The annotation replaced by `publishNotReadyAddresses` (1.11) and no longer read since 1.24.
fn tolerate_unready(service: &ClusterService, findings: &mut Vec<Finding>) {
    let object = service.service();
    let Some(value) = object.meta.annotations.get(TOLERATE_UNREADY) else {
        return;
    };
    let (namespace, name) = (&object.meta.namespace, &object.meta.name);
    let (severity, effect, fix) = if object.publish_not_ready_addresses {
        (
            Severity::Info,
            "nothing: spec.publishNotReadyAddresses: true already publishes not-ready endpoints"
                .to_owned(),
            format!("remove the annotation {TOLERATE_UNREADY} from Service {namespace}/{name}"),
        )
    } else {
        (
            Severity::Warning,
            "nothing reads it (the endpoints controller stopped in Kubernetes 1.24, the EndpointSlice controller and CoreDNS never did): not-ready endpoints stay out of DNS".to_owned(),
            format!(
                "replace the annotation {TOLERATE_UNREADY} with spec.publishNotReadyAddresses: true in Service {namespace}/{name}"
            ),
        )
    };
    findings.push(finding(
        "tolerate-unready-endpoints-annotation",
        severity,
        vec![service_subject(service)],
        format!("annotated {TOLERATE_UNREADY}: {value:?}, which was replaced by spec.publishNotReadyAddresses"),
        effect,
        fix,
    ));
}

// ------------------------------------------------------------------------------------------
// Pods and StatefulSets named under a Service
// ------------------------------------------------------------------------------------------

/// What the Service named by a Pod's `subdomain` (or a StatefulSet's `serviceName`) does for
/// the Pods' names.
enum Governing<'c> {
    /// No Service of that name, an ExternalName one, or one that does not select the Pods.
    Missing(String),
    /// A ClusterIP Service that selects them: CoreDNS answers endpoint names under it (rule
    /// 15), but the kubernetes/dns specification defines them for headless Services only.
    NotHeadless(&'c ClusterService),
    /// A headless Service that selects them.
    Headless,
}

fn governing<'c>(
    cluster: &'c Cluster,
    namespace: &str,
    service_name: &str,
    labels: &std::collections::BTreeMap<String, String>,
    hostname: Option<&str>,
) -> Governing<'c> {
    let Some(service) = cluster.service(namespace, service_name) else {
        return Governing::Missing(format!(
            "namespace {namespace} has no Service {service_name}"
        ));
    };
    let object = service.service();
    if object.service_type.is_external_name() {
        return Governing::Missing(format!(
            "Service {namespace}/{service_name} is an ExternalName Service"
        ));
    }
    let selects = object
        .selector
        .as_ref()
        .is_some_and(|selector| selector.matches(labels));
    // Hand-written endpoints can carry the hostname too.
    let named = hostname.is_some_and(|hostname| {
        service.slices().any(|slice| {
            slice
                .slice()
                .endpoints
                .iter()
                .any(|endpoint| endpoint.hostname.as_deref() == Some(hostname))
        })
    });
    if !selects && !named {
        return Governing::Missing(match &object.selector {
            Some(selector) => format!(
                "Service {namespace}/{service_name} does not select them: its selector {} does not match their labels",
                selector_text(selector)
            ),
            None => format!(
                "Service {namespace}/{service_name} has no selector, so it does not select them"
            ),
        });
    }
    if object.is_headless() {
        Governing::Headless
    } else {
        Governing::NotHeadless(service)
    }
}

fn selector_text(selector: &Selector) -> String {
    selector
        .labels()
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Pods with `spec.subdomain` (the loaded ones; a workload's Pods are checked through the
/// workload, with its template).
fn pod_subdomains(cluster: &Cluster, zone: &str, findings: &mut Vec<Finding>) {
    for (pod, location) in cluster.located_pods() {
        if cluster.is_generated(pod) {
            continue;
        }
        let object = ObjectRef::namespaced(Kind::Pod, &pod.meta.namespace, &pod.meta.name);
        pod_subdomain(cluster, zone, pod, object, location, findings);
    }
    for (workload, location) in cluster.located_workloads() {
        if matches!(workload.spec, WorkloadSpec::StatefulSet { .. }) {
            continue;
        }
        let Some(subdomain) = workload.template.subdomain.as_deref() else {
            continue;
        };
        let namespace = &workload.meta.namespace;
        let object = ObjectRef::namespaced(workload.kind(), namespace, &workload.meta.name);
        let hostname = workload.template.hostname.as_deref();
        let subjects = vec![Subject::object(object.clone(), location)];
        let host = hostname.unwrap_or("<hostname>");
        match governing(cluster, namespace, subdomain, &workload.template.labels, hostname) {
            Governing::Missing(why) => findings.push(finding(
                "pod-subdomain-without-service",
                Severity::Error,
                subjects,
                format!("its Pods' spec.subdomain is {subdomain}, but {why}"),
                format!(
                    "{host}.{subdomain}.{namespace}.svc.{zone} answers NXDOMAIN (only each Pod's own /etc/hosts knows the name)"
                ),
                format!(
                    "create a headless Service {subdomain} (clusterIP: None) in namespace {namespace} whose selector matches the labels of {object}'s Pods"
                ),
            )),
            Governing::NotHeadless(service) => {
                findings.push(not_headless_subdomain(service, subjects, subdomain, namespace, zone, host));
            }
            Governing::Headless => {}
        }
    }
}

fn pod_subdomain(
    cluster: &Cluster,
    zone: &str,
    pod: &Pod,
    object: ObjectRef,
    location: &Location,
    findings: &mut Vec<Finding>,
) {
    let Some(subdomain) = pod.subdomain.as_deref().filter(|s| !s.is_empty()) else {
        return;
    };
    let namespace = &pod.meta.namespace;
    let hostname = pod.hostname.as_deref().filter(|h| !h.is_empty());
    let host = hostname.unwrap_or(&pod.meta.name);
    let subjects = vec![Subject::object(object.clone(), location)];
    match governing(cluster, namespace, subdomain, &pod.meta.labels, hostname) {
        Governing::Missing(why) => findings.push(finding(
            "pod-subdomain-without-service",
            Severity::Error,
            subjects,
            format!("spec.subdomain is {subdomain}, but {why}"),
            format!(
                "{host}.{subdomain}.{namespace}.svc.{zone} answers NXDOMAIN (only the Pod's own /etc/hosts knows the name)"
            ),
            format!(
                "create a headless Service {subdomain} (clusterIP: None) in namespace {namespace} whose selector matches the labels of {object}"
            ),
        )),
        Governing::NotHeadless(service) => findings.push(not_headless_subdomain(
            service, subjects, subdomain, namespace, zone, host,
        )),
        Governing::Headless if hostname.is_none() => findings.push(finding(
            "pod-subdomain-without-hostname",
            Severity::Warning,
            subjects,
            format!("spec.subdomain is {subdomain}, but spec.hostname is not set"),
            format!(
                "the EndpointSlice controller gives the Pod's endpoint a hostname only from spec.hostname, so {host}.{subdomain}.{namespace}.svc.{zone} does not exist (the endpoint is named after its address; {subdomain}.{namespace}.svc.{zone} still answers the Pod)"
            ),
            format!("set spec.hostname: {host} on {object}"),
        )),
        Governing::Headless => {}
    }
}

fn not_headless_subdomain(
    service: &ClusterService,
    mut subjects: Vec<Subject>,
    subdomain: &str,
    namespace: &str,
    zone: &str,
    host: &str,
) -> Finding {
    subjects.push(service_subject(service));
    finding(
        "pod-subdomain-service-not-headless",
        Severity::Warning,
        subjects,
        format!(
            "spec.subdomain is {subdomain}, and Service {namespace}/{subdomain} is not headless"
        ),
        format!(
            "CoreDNS answers {host}.{subdomain}.{namespace}.svc.{zone} anyway (it serves endpoint names under ClusterIP Services too), but {subdomain}.{namespace}.svc.{zone} answers the cluster IP, not the Pods, and the kubernetes/dns specification (and kube-dns) define Pod names under headless Services only"
        ),
        format!(
            "make Service {namespace}/{subdomain} headless (clusterIP: None; an existing Service must be deleted and created again)"
        ),
    )
}

/// StatefulSets whose `serviceName` names no Service that governs their Pods.
fn stateful_sets(cluster: &Cluster, zone: &str, findings: &mut Vec<Finding>) {
    for (workload, location) in cluster.located_workloads() {
        let WorkloadSpec::StatefulSet {
            service_name: Some(service_name),
            ordinals_start,
            ..
        } = &workload.spec
        else {
            continue;
        };
        let (namespace, name) = (&workload.meta.namespace, &workload.meta.name);
        let object = ObjectRef::namespaced(Kind::StatefulSet, namespace, name);
        let subjects = vec![Subject::object(object, location)];
        let first = format!("{name}-{ordinals_start}.{service_name}.{namespace}.svc.{zone}");
        // The StatefulSet controller sets each Pod's hostname to its name.
        let hostname = format!("{name}-{ordinals_start}");
        match governing(
            cluster,
            namespace,
            service_name,
            &workload.template.labels,
            Some(&hostname),
        ) {
            Governing::Missing(why) => findings.push(finding(
                "statefulset-without-service",
                Severity::Error,
                subjects,
                format!("spec.serviceName is {service_name}, but {why}"),
                format!("{first} and the names of the other Pods answer NXDOMAIN"),
                format!(
                    "create a headless Service {service_name} (clusterIP: None) in namespace {namespace} with the selector {}",
                    selector_text(&workload.selector)
                ),
            )),
            Governing::NotHeadless(service) => {
                let mut subjects = subjects;
                subjects.push(service_subject(service));
                findings.push(finding(
                    "statefulset-service-not-headless",
                    Severity::Warning,
                    subjects,
                    format!(
                        "spec.serviceName is {service_name}, and Service {namespace}/{service_name} is not headless"
                    ),
                    format!(
                        "CoreDNS answers {first} anyway (it serves endpoint names under ClusterIP Services too), but {service_name}.{namespace}.svc.{zone} answers the cluster IP, not the Pods, and the kubernetes/dns specification (and kube-dns) define Pod names under headless Services only"
                    ),
                    format!(
                        "make Service {namespace}/{service_name} headless (clusterIP: None; an existing Service must be deleted and created again)"
                    ),
                ));
            }
            Governing::Headless => {}
        }
    }
}

// ------------------------------------------------------------------------------------------
// Namespaces named like top-level domains
// ------------------------------------------------------------------------------------------

/// A namespace `com` makes `svc.<zone>` on every Pod's search list turn `example.com` into
/// Service `example` of namespace `com`: it has fewer dots than `ndots: 5`, so the search list
/// is tried first.
fn namespaces_like_tlds(cluster: &Cluster, zone: &str, findings: &mut Vec<Finding>) {
    for namespace in cluster.namespaces() {
        if !COMMON_TLDS.contains(&namespace) {
            continue;
        }
        let location = cluster
            .namespace_location(namespace)
            .cloned()
            .unwrap_or_default();
        let mut subjects = vec![Subject::object(
            ObjectRef::cluster_scoped(Kind::Namespace, namespace),
            &location,
        )];
        let services: Vec<&ClusterService> = cluster
            .services()
            .into_iter()
            .filter(|service| service.service().meta.namespace == namespace)
            .collect();
        let problem = format!(
            "namespace {namespace} has the name of the top-level domain .{namespace}, and every Pod with dnsPolicy ClusterFirst searches svc.{zone}"
        );
        let (severity, effect) = if services.is_empty() {
            (
                Severity::Info,
                format!(
                    "no Service lives in it yet; once one does, say web, a Pod looking up web.{namespace} (fewer than 5 dots, so the search list comes first) gets web.{namespace}.svc.{zone}, the Service, instead of the internet's web.{namespace}"
                ),
            )
        } else {
            let captured: Vec<String> = services
                .iter()
                .map(|service| format!("{}.{namespace}", service.service().meta.name))
                .collect();
            subjects.extend(services.iter().map(|service| service_subject(service)));
            (
                Severity::Warning,
                format!(
                    "a Pod looking up {} (fewer than 5 dots, so the search list comes first) gets the Service at {}.svc.{zone} instead of the internet's name",
                    captured.join(", "),
                    captured[0]
                ),
            )
        };
        findings.push(finding(
            "namespace-like-tld",
            severity,
            subjects,
            problem,
            effect,
            format!(
                "move the objects of namespace {namespace} to a namespace that is not a top-level domain (for example {namespace}-apps)"
            ),
        ));
    }
}
