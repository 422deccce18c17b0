//! Checking a `v1 Service` as the API server does: `ValidateService`,
//! `ValidateServiceClusterIPsRelatedFields` and `validateServicePort` in
//! `pkg/apis/core/validation/validation.go` (see `docs/kubernetes-behaviour.md` §2.6).
//!
//! Every field that decides a Service's records is checked here: the name (a DNS-1035 label),
//! the type (defaulted to `ClusterIP`), `clusterIP` and `clusterIPs` together with
//! `ipFamilies` and `ipFamilyPolicy`, the `externalName` of an ExternalName Service (which
//! must leave all of those unset), and the ports, required unless the Service is headless or
//! an ExternalName. What the API server refuses is refused here, so that no answer is given
//! for a Service a real cluster could not hold.

use std::net::IpAddr;

use super::labels::check_labels;
use super::ports::PortsSeen;
use super::{Checker, NameRule, quote, quote_list};
use crate::load::raw::{Int, IntOrString, RawService, RawServicePort};
use crate::model::{
    ClusterIpSpec, IpFamily, IpFamilyPolicy, Kind, Selector, Service, ServicePort, ServiceType,
    TargetPort,
};

/// `spec.externalName` as the API server accepts it (a DNS-1123 subdomain, optionally with
/// one trailing dot), stored without the dot; `Err` says what is expected instead.
pub(crate) fn external_name(name: &str) -> Result<String, &'static str> {
    let bare = name.strip_suffix('.').unwrap_or(name);
    if NameRule::Dns1123Subdomain.accepts(bare) {
        Ok(bare.to_owned())
    } else {
        Err("a DNS-1123 subdomain, optionally with one trailing dot")
    }
}

/// Validates a Service. `None` when it has errors (they are in the checker).
pub(crate) fn service(check: &mut Checker<'_>, raw: RawService) -> Option<Service> {
    let meta = check.meta(raw.metadata, Kind::Service, NameRule::Dns1035Label);
    let spec = raw.spec.unwrap_or_default();

    let service_type = check
        .choice(
            "spec.type",
            spec.service_type.as_deref(),
            false,
            &[
                ("ClusterIP", ServiceType::ClusterIp),
                ("NodePort", ServiceType::NodePort),
                ("LoadBalancer", ServiceType::LoadBalancer),
                ("ExternalName", ServiceType::ExternalName(String::new())),
            ],
        )
        .unwrap_or_default();

    let cluster_ip = spec.cluster_ip.unwrap_or_default();
    let cluster_ips = spec.cluster_ips.unwrap_or_default();
    let ip_families_raw = spec.ip_families.unwrap_or_default();

    let (service_type, cluster_ip_spec, ip_families, ip_family_policy) =
        if let ServiceType::ExternalName(_) = service_type {
            let unset = "no value for an ExternalName Service";
            if !cluster_ip.is_empty() {
                check.invalid("spec.clusterIP", unset, quote(&cluster_ip));
            }
            if !cluster_ips.is_empty() {
                check.invalid("spec.clusterIPs", unset, quote_list(&cluster_ips));
            }
            if !ip_families_raw.is_empty() {
                check.invalid("spec.ipFamilies", unset, quote_list(&ip_families_raw));
            }
            if let Some(policy) = &spec.ip_family_policy {
                check.invalid("spec.ipFamilyPolicy", unset, quote(policy));
            }
            let target = match spec.external_name.as_deref() {
                None | Some("") => {
                    check.missing("spec.externalName");
                    String::new()
                }
                Some(name) => match external_name(name) {
                    Ok(target) => target,
                    Err(expected) => {
                        check.invalid("spec.externalName", expected, quote(name));
                        String::new()
                    }
                },
            };
            (
                ServiceType::ExternalName(target),
                ClusterIpSpec::Unset,
                Vec::new(),
                None,
            )
        } else {
            let ip_families = ip_families(check, &ip_families_raw);
            let policy = ip_family_policy(check, spec.ip_family_policy.as_deref());
            let cluster_ip_spec =
                cluster_ips_spec(check, &cluster_ip, &cluster_ips, &ip_families, policy);
            if cluster_ip_spec == ClusterIpSpec::Headless
                && matches!(
                    service_type,
                    ServiceType::NodePort | ServiceType::LoadBalancer
                )
            {
                check.invalid(
                    "spec.clusterIP",
                    format!(
                        "a cluster IP (a {} Service may not be headless)",
                        service_type.as_str()
                    ),
                    quote("None"),
                );
            }
            (service_type, cluster_ip_spec, ip_families, policy)
        };

    if let Some(selector) = &spec.selector {
        check_labels(check, "spec.selector", selector);
    }
    let headless = cluster_ip_spec == ClusterIpSpec::Headless;
    let ports = service_ports(
        check,
        spec.ports.unwrap_or_default(),
        headless || service_type.is_external_name(),
    );

    let service = Service {
        meta,
        service_type,
        cluster_ip: cluster_ip_spec,
        ip_families,
        ip_family_policy,
        ports,
        selector: spec.selector.filter(|s| !s.is_empty()).map(Selector::new),
        publish_not_ready_addresses: spec.publish_not_ready_addresses.unwrap_or(false),
        load_balancer_ip: spec.load_balancer_ip.filter(|ip| !ip.is_empty()),
    };
    check.ok().then_some(service)
}

/// `spec.ipFamilies`: at most two distinct families.
fn ip_families(check: &mut Checker<'_>, raw: &[String]) -> Vec<IpFamily> {
    let mut families = Vec::new();
    for (i, family) in raw.iter().enumerate() {
        let field = format!("spec.ipFamilies[{i}]");
        let parsed = match family.as_str() {
            "IPv4" => IpFamily::IPv4,
            "IPv6" => IpFamily::IPv6,
            _ => {
                check.invalid(&field, "IPv4 or IPv6", quote(family));
                continue;
            }
        };
        if families.contains(&parsed) {
            check.invalid(&field, "a family not listed before", quote(family));
        } else {
            families.push(parsed);
        }
    }
    if raw.len() > 2 {
        check.invalid("spec.ipFamilies", "at most 2 families", quote_list(raw));
    }
    families
}

/// `spec.ipFamilyPolicy`.
fn ip_family_policy(check: &mut Checker<'_>, raw: Option<&str>) -> Option<IpFamilyPolicy> {
    match raw? {
        "SingleStack" => Some(IpFamilyPolicy::SingleStack),
        "PreferDualStack" => Some(IpFamilyPolicy::PreferDualStack),
        "RequireDualStack" => Some(IpFamilyPolicy::RequireDualStack),
        other => {
            check.invalid(
                "spec.ipFamilyPolicy",
                "SingleStack, PreferDualStack or RequireDualStack",
                quote(other),
            );
            None
        }
    }
}

/// `spec.clusterIP` and `spec.clusterIPs`, checked together
/// (`ValidateServiceClusterIPsRelatedFields`).
fn cluster_ips_spec(
    check: &mut Checker<'_>,
    cluster_ip: &str,
    cluster_ips: &[String],
    families: &[IpFamily],
    policy: Option<IpFamilyPolicy>,
) -> ClusterIpSpec {
    let mut ok = true;
    if !(cluster_ip.is_empty() || cluster_ip == "None" || cluster_ip.parse::<IpAddr>().is_ok()) {
        check.invalid(
            "spec.clusterIP",
            "\"\", \"None\" or an IP address",
            quote(cluster_ip),
        );
        ok = false;
    }

    // The API server fills `clusterIPs` from `clusterIP` when only the latter is given; the
    // checks below then run on that list, naming the field the user wrote.
    let (values, plural): (Vec<&str>, bool) = if cluster_ips.is_empty() {
        if cluster_ip.is_empty() {
            (Vec::new(), false)
        } else {
            (vec![cluster_ip], false)
        }
    } else {
        if cluster_ip.is_empty() {
            check.invalid(
                "spec.clusterIPs",
                "no value when spec.clusterIP is empty",
                quote_list(cluster_ips),
            );
            ok = false;
        } else if cluster_ips.first().map(String::as_str) != Some(cluster_ip) {
            check.invalid(
                "spec.clusterIPs[0]",
                format!("the value of spec.clusterIP, {}", quote(cluster_ip)),
                quote(cluster_ips.first().map(String::as_str).unwrap_or_default()),
            );
            ok = false;
        }
        if cluster_ips.len() > 2 {
            check.invalid(
                "spec.clusterIPs",
                "at most 2 addresses",
                quote_list(cluster_ips),
            );
            ok = false;
        }
        (cluster_ips.iter().map(String::as_str).collect(), true)
    };
    let field = |i: usize| {
        if plural {
            format!("spec.clusterIPs[{i}]")
        } else {
            "spec.clusterIP".to_owned()
        }
    };

    let mut ips: Vec<IpAddr> = Vec::new();
    let mut headless = false;
    for (i, value) in values.iter().enumerate() {
        if *value == "None" {
            if i == 0 && values.len() == 1 {
                headless = true;
            } else {
                check.invalid(
                    &field(i),
                    "an IP address (\"None\" is allowed only as the only entry)",
                    quote(value),
                );
                ok = false;
            }
            continue;
        }
        let Ok(ip) = value.parse::<IpAddr>() else {
            if plural && !(i == 0 && *value == cluster_ip) {
                check.invalid(&field(i), "an IP address", quote(value));
            }
            ok = false;
            continue;
        };
        let family = IpFamily::of(&ip);
        if let Some(expected) = families.get(i)
            && *expected != family
        {
            check.invalid(
                &field(i),
                format!("an {expected} address (spec.ipFamilies[{i}] is {expected})"),
                quote(value),
            );
            ok = false;
        }
        if ips.iter().any(|other| IpFamily::of(other) == family) {
            check.invalid(
                &field(i),
                format!(
                    "an address of the other family than spec.clusterIPs[0] (both are {family})"
                ),
                quote(value),
            );
            ok = false;
        }
        ips.push(ip);
    }
    if policy == Some(IpFamilyPolicy::SingleStack) && values.len() > 1 {
        check.invalid(
            "spec.ipFamilyPolicy",
            "PreferDualStack or RequireDualStack for two cluster IPs",
            quote("SingleStack"),
        );
    }

    if headless {
        ClusterIpSpec::Headless
    } else if ok && !ips.is_empty() {
        ClusterIpSpec::Ips(ips)
    } else {
        ClusterIpSpec::Unset
    }
}

/// `spec.ports` (`validateServicePort`, plus the uniqueness checks of `ValidateService`).
fn service_ports(
    check: &mut Checker<'_>,
    raw: Vec<RawServicePort>,
    ports_optional: bool,
) -> Vec<ServicePort> {
    if raw.is_empty() && !ports_optional {
        check.missing("spec.ports");
    }
    let mut seen = PortsSeen::new(raw.len());
    let mut ports = Vec::new();
    for (i, port) in raw.into_iter().enumerate() {
        let field = |name: &str| format!("spec.ports[{i}].{name}");
        let (name, protocol, number) = seen.check(
            check,
            &field,
            port.name,
            port.protocol.as_deref(),
            port.port,
        );
        let target_port = match port.target_port {
            // The API server defaults an unset, 0 or "" targetPort to the port itself.
            None | Some(IntOrString::Int(0)) => None,
            Some(IntOrString::String(name)) if name.is_empty() => None,
            Some(IntOrString::Int(value)) => check
                .port(&field("targetPort"), Int(value))
                .map(TargetPort::Number),
            Some(IntOrString::String(name)) => {
                check.name(&field("targetPort"), &name, NameRule::IanaServiceName);
                Some(TargetPort::Name(name))
            }
        };
        if let Some(number) = number {
            ports.push(ServicePort {
                name,
                protocol,
                port: number,
                target_port,
            });
        }
    }
    ports
}
