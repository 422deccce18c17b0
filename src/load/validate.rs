//! Checking raw objects as the Kubernetes API server would, and applying its defaults.
//!
//! The rules come from `pkg/apis/core/validation/validation.go` (`ValidateService`,
//! `ValidateServiceClusterIPsRelatedFields`, `validateServicePort`, `ValidateEndpoints`,
//! `ValidatePod`) and `pkg/apis/discovery/validation/validation.go`; see
//! `shared/reference/k8s-dns-behaviour.md` §2.2, §2.4 and §2.6. Only fields the model keeps are
//! checked: a manifest the simulator accepts may still be refused by a real cluster for a field
//! DNS never reads (a container image, say), but a manifest a real cluster accepts is never
//! refused here.
//!
//! The defaults are the API server's: namespace `default`, protocol `TCP`, Service type
//! `ClusterIP`; an empty string counts as unset wherever Kubernetes treats it so.
//!
//! Every check reports to a [`Checker`] and carries on, so one object can yield several errors.

use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;

use super::documents::{self, Scope};
use super::raw::{
    Int, IntOrString, RawContainer, RawContainerPort, RawEndpointAddress, RawEndpointPort,
    RawEndpointSlice, RawEndpoints, RawMeta, RawNamespace, RawPod, RawService, RawServiceImport,
    RawTargetRef, RawWorkload,
};
use crate::error::{LoadError, LoadErrorKind, Location};
use crate::model::{
    AddressType, ClusterIpSpec, ContainerPort, Endpoint, EndpointAddress, EndpointConditions,
    EndpointPort, EndpointSlice, EndpointSubset, Endpoints, IpFamily, IpFamilyPolicy, Kind,
    Namespace, ObjectMeta, ObjectRef, Pod, PodPhase, PodTemplate, Protocol, Readiness, Selector,
    Service, ServiceImport, ServiceImportPort, ServiceImportType, ServicePort, ServiceType,
    TargetPort, TargetRef, Workload, WorkloadSpec,
};

/// The most endpoints an EndpointSlice may hold.
const MAX_SLICE_ENDPOINTS: usize = 1000;
/// The most addresses one EndpointSlice endpoint may hold.
const MAX_ENDPOINT_ADDRESSES: usize = 100;

/// Collects the errors of one object and knows how to locate its fields.
pub(crate) struct Checker<'d> {
    /// The lines of the object's document.
    lines: &'d [&'d str],
    /// The 0-based line of the input where the document starts.
    first_line: usize,
    /// The part of the document the object covers, when it is known and in block YAML.
    window: Option<Scope>,
    /// Where the object starts.
    location: Location,
    /// The object, once its kind and name are known.
    object: Option<ObjectRef>,
    /// What went wrong so far.
    pub errors: Vec<LoadError>,
}

impl<'d> Checker<'d> {
    /// A checker for the object at `location` (its first line), covering `window` of the
    /// `lines` of a document that starts at input line `first_line` (0-based).
    pub fn new(
        lines: &'d [&'d str],
        first_line: usize,
        window: Option<Scope>,
        location: Location,
        object: Option<ObjectRef>,
    ) -> Self {
        Checker {
            lines,
            first_line,
            window,
            location,
            object,
            errors: Vec::new(),
        }
    }

    /// The location of `field` (a path relative to the object), found by walking the
    /// object's text; the object's own location when the walk finds nothing inside it.
    pub fn locate(&self, field: &str) -> Location {
        let mut location = self.location.clone();
        let segments = documents::segments(field);
        let Some(window) = self.window else {
            return location;
        };
        if let Some(found) = documents::locate(self.lines, window, &segments) {
            if found.depth == segments.len() {
                location.line = Some(self.first_line + found.line + 1);
                location.column = Some(found.column + 1);
            } else if found.depth > 0 {
                location.line = Some(self.first_line + found.line + 1);
            }
        }
        location
    }

    /// The object errors are reported for.
    pub fn object(&self) -> Option<ObjectRef> {
        self.object.clone()
    }

    /// Records an error on `field`.
    pub fn report(&mut self, field: &str, kind: LoadErrorKind) {
        let mut error = LoadError::new(self.locate(field), kind);
        error.object = self.object.clone();
        if !field.is_empty() {
            error.field = Some(field.to_owned());
        }
        self.errors.push(error);
    }

    /// Records that `field` has a value the API server refuses.
    pub fn invalid(&mut self, field: &str, expected: impl Into<String>, found: impl Into<String>) {
        self.report(
            field,
            LoadErrorKind::Invalid {
                expected: expected.into(),
                found: found.into(),
            },
        );
    }

    /// Records that the required `field` is missing.
    pub fn missing(&mut self, field: &str) {
        self.report(field, LoadErrorKind::Missing);
    }

    /// Checks `value` against a naming rule; false (and an error) when it breaks it.
    fn name(&mut self, field: &str, value: &str, rule: NameRule) -> bool {
        if rule.accepts(value) {
            true
        } else {
            self.invalid(field, rule.describe(), quote(value));
            false
        }
    }

    /// An optional name: `None` for unset or empty, else checked against `rule`.
    fn optional_name(
        &mut self,
        field: &str,
        value: Option<String>,
        rule: NameRule,
    ) -> Option<String> {
        let value = value.filter(|v| !v.is_empty())?;
        self.name(field, &value, rule);
        Some(value)
    }

    /// A port number, 1–65535.
    fn port(&mut self, field: &str, value: Int) -> Option<u16> {
        match u16::try_from(value.0) {
            Ok(port) if port != 0 => Some(port),
            _ => {
                self.invalid(field, "an integer from 1 to 65535", value.0.to_string());
                None
            }
        }
    }

    /// A protocol, defaulted to TCP.
    fn protocol(&mut self, field: &str, value: Option<&str>) -> Protocol {
        let choices = [
            ("TCP", Protocol::Tcp),
            ("UDP", Protocol::Udp),
            ("SCTP", Protocol::Sctp),
        ];
        self.choice(field, value, false, &choices)
            .unwrap_or(Protocol::Tcp)
    }

    /// One of a fixed set of values (`addressType: IPv4`, `status.phase: Running`): `None` when
    /// unset (reported missing when `required`) or not one of `choices` (reported invalid,
    /// listing them).
    fn choice<T: Clone>(
        &mut self,
        field: &str,
        value: Option<&str>,
        required: bool,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let value = value.filter(|value| !value.is_empty());
        let Some(value) = value else {
            if required {
                self.missing(field);
            }
            return None;
        };
        if let Some((_, choice)) = choices.iter().find(|(name, _)| *name == value) {
            return Some(choice.clone());
        }
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        let expected = match names.as_slice() {
            [.., last] if names.len() > 1 => {
                format!("{} or {last}", names[..names.len() - 1].join(", "))
            }
            _ => names.join(""),
        };
        self.invalid(field, expected, quote(value));
        None
    }

    /// A required IP address.
    fn ip(&mut self, field: &str, value: Option<&str>) -> Option<IpAddr> {
        match value {
            None | Some("") => {
                self.missing(field);
                None
            }
            Some(text) => match text.parse::<IpAddr>() {
                Ok(ip) => Some(ip),
                Err(_) => {
                    self.invalid(field, "an IP address", quote(text));
                    None
                }
            },
        }
    }

    /// `metadata`: the name (checked with `rule`) and, for namespaced kinds, the namespace.
    fn meta(&mut self, raw: Option<RawMeta>, kind: Kind, rule: NameRule) -> ObjectMeta {
        let raw = raw.unwrap_or_default();
        let name = match raw.name.filter(|n| !n.is_empty()) {
            Some(name) => {
                self.name("metadata.name", &name, rule);
                name
            }
            None => {
                self.report(
                    "metadata.name",
                    LoadErrorKind::MissingName {
                        kind,
                        generate_name: raw.generate_name.filter(|g| !g.is_empty()),
                    },
                );
                String::new()
            }
        };
        let namespace = if kind == Kind::Namespace {
            String::new()
        } else {
            match raw.namespace.filter(|n| !n.is_empty()) {
                Some(namespace) => {
                    self.name("metadata.namespace", &namespace, NameRule::Dns1123Label);
                    namespace
                }
                None => "default".to_owned(),
            }
        };
        let mut meta = ObjectMeta::new(&namespace, &name);
        meta.labels = raw.labels.unwrap_or_default();
        meta.annotations = raw.annotations.unwrap_or_default();
        meta
    }

    /// Whether no error has been reported.
    fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The naming rules of Kubernetes (`k8s.io/apimachinery/pkg/util/validation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameRule {
    /// `IsDNS1035Label`: Service names.
    Dns1035Label,
    /// `IsDNS1123Label`: namespaces, hostnames, port names.
    Dns1123Label,
    /// `IsDNS1123Subdomain`: most object names, `externalName`.
    Dns1123Subdomain,
    /// `IsValidPortName`: a named `targetPort` or container port.
    IanaServiceName,
}

impl NameRule {
    /// Whether `value` follows the rule.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            NameRule::Dns1035Label => {
                is_label(value) && value.starts_with(|c: char| c.is_ascii_lowercase())
            }
            NameRule::Dns1123Label => is_label(value),
            NameRule::Dns1123Subdomain => {
                value.len() <= 253 && value.split('.').all(is_label_chars)
            }
            NameRule::IanaServiceName => {
                value.len() <= 15
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && value.bytes().any(|b| b.is_ascii_lowercase())
                    && !value.starts_with('-')
                    && !value.ends_with('-')
                    && !value.contains("--")
            }
        }
    }

    /// What the rule asks for, as an "expected …" phrase.
    pub fn describe(self) -> &'static str {
        match self {
            NameRule::Dns1035Label => {
                "a DNS-1035 label (at most 63 lower-case letters, digits or '-', starting with a letter and ending with a letter or digit)"
            }
            NameRule::Dns1123Label => {
                "a DNS-1123 label (at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit)"
            }
            NameRule::Dns1123Subdomain => {
                "a DNS-1123 subdomain (at most 253 characters: dot-separated parts of lower-case letters, digits or '-', each starting and ending with a letter or digit)"
            }
            NameRule::IanaServiceName => {
                "an IANA service name (at most 15 lower-case letters, digits or '-', with at least one letter, no '-' at either end and no '--')"
            }
        }
    }
}

/// A DNS-1123 label: 1–63 characters of the right kind.
fn is_label(value: &str) -> bool {
    value.len() <= 63 && is_label_chars(value)
}

/// Non-empty; lower-case letters, digits and `-`; alphanumeric at both ends.
fn is_label_chars(value: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    !value.is_empty()
        && value.chars().all(|c| alnum(c) || c == '-')
        && value.starts_with(alnum)
        && value.ends_with(alnum)
}

/// A string as an error shows it: in double quotes, escaped.
pub(crate) fn quote(value: &str) -> String {
    format!("{value:?}")
}

/// A list of strings as an error shows it: `["a", "b"]`.
fn quote_list(values: &[String]) -> String {
    format!("{values:?}")
}

// ------------------------------------------------------------------------------------------
// Service
// ------------------------------------------------------------------------------------------

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
    raw: Vec<super::raw::RawServicePort>,
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

/// The checks every entry of a `spec.ports` list shares: a name (required when there are
/// several, a DNS-1123 label, unique), a protocol, a port number, and a unique port and
/// protocol pair.
struct PortsSeen {
    many: bool,
    names: HashSet<String>,
    pairs: HashSet<(Protocol, u16)>,
}

impl PortsSeen {
    fn new(count: usize) -> Self {
        PortsSeen {
            many: count > 1,
            names: HashSet::new(),
            pairs: HashSet::new(),
        }
    }

    /// Checks one entry; `field` spells the path of one of its fields.
    fn check(
        &mut self,
        check: &mut Checker<'_>,
        field: &dyn Fn(&str) -> String,
        name: Option<String>,
        protocol: Option<&str>,
        port: Option<Int>,
    ) -> (Option<String>, Protocol, Option<u16>) {
        let name = match name.filter(|n| !n.is_empty()) {
            None => {
                if self.many {
                    check.missing(&field("name"));
                }
                None
            }
            Some(name) => {
                if check.name(&field("name"), &name, NameRule::Dns1123Label)
                    && !self.names.insert(name.clone())
                {
                    check.invalid(&field("name"), "a name no other port has", quote(&name));
                }
                Some(name)
            }
        };
        let protocol = check.protocol(&field("protocol"), protocol);
        let number = match port {
            None => {
                check.missing(&field("port"));
                None
            }
            Some(value) => check.port(&field("port"), value),
        };
        if let Some(number) = number
            && !self.pairs.insert((protocol, number))
        {
            check.invalid(
                &field("port"),
                "a port and protocol no other port has",
                format!("{number}/{protocol}"),
            );
        }
        (name, protocol, number)
    }
}

// ------------------------------------------------------------------------------------------
// Endpoints
// ------------------------------------------------------------------------------------------

/// Validates an Endpoints object (`ValidateEndpoints`).
pub(crate) fn endpoints(check: &mut Checker<'_>, raw: RawEndpoints) -> Option<Endpoints> {
    let meta = check.meta(raw.metadata, Kind::Endpoints, NameRule::Dns1123Subdomain);
    let mut subsets = Vec::new();
    for (s, subset) in raw.subsets.unwrap_or_default().into_iter().enumerate() {
        let prefix = format!("subsets[{s}]");
        let addresses = endpoint_addresses(
            check,
            &format!("{prefix}.addresses"),
            subset.addresses.unwrap_or_default(),
        );
        let not_ready_addresses = endpoint_addresses(
            check,
            &format!("{prefix}.notReadyAddresses"),
            subset.not_ready_addresses.unwrap_or_default(),
        );
        let ports = endpoint_ports(
            check,
            &format!("{prefix}.ports"),
            subset.ports.unwrap_or_default(),
            true,
        );
        subsets.push(EndpointSubset {
            addresses,
            not_ready_addresses,
            ports,
        });
    }
    let endpoints = Endpoints { meta, subsets };
    check.ok().then_some(endpoints)
}

fn endpoint_addresses(
    check: &mut Checker<'_>,
    prefix: &str,
    raw: Vec<RawEndpointAddress>,
) -> Vec<EndpointAddress> {
    let mut out = Vec::new();
    for (a, address) in raw.into_iter().enumerate() {
        let field = |name: &str| format!("{prefix}[{a}].{name}");
        let ip = check.ip(&field("ip"), address.ip.as_deref());
        if let Some(ip) = ip
            && is_special(&ip)
        {
            check.invalid(
                &field("ip"),
                "an address that is not unspecified, loopback, link-local or multicast",
                quote(&ip.to_string()),
            );
        }
        let hostname =
            check.optional_name(&field("hostname"), address.hostname, NameRule::Dns1123Label);
        if let Some(ip) = ip {
            out.push(EndpointAddress {
                ip,
                hostname,
                node_name: address.node_name.filter(|n| !n.is_empty()),
                target_ref: target_ref(address.target_ref),
            });
        }
    }
    out
}

/// Whether an Endpoints address is one the API server refuses (`validateNonSpecialIP`).
fn is_special(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_unspecified() || v4.is_loopback() || v4.is_link_local() || v4.is_multicast()
        }
        IpAddr::V6(v6) => {
            v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

fn target_ref(raw: Option<RawTargetRef>) -> Option<TargetRef> {
    let raw = raw?;
    let name = raw.name.filter(|n| !n.is_empty())?;
    Some(TargetRef {
        kind: raw.kind.filter(|k| !k.is_empty()),
        namespace: raw.namespace.filter(|n| !n.is_empty()),
        name,
    })
}

/// Ports of an Endpoints subset (`port` required, a name required when there are several)
/// or of an EndpointSlice (`port` optional, names optional).
fn endpoint_ports(
    check: &mut Checker<'_>,
    prefix: &str,
    raw: Vec<RawEndpointPort>,
    legacy: bool,
) -> Vec<EndpointPort> {
    let many = raw.len() > 1;
    let mut names = HashSet::new();
    let mut out = Vec::new();
    for (p, port) in raw.into_iter().enumerate() {
        let field = |name: &str| format!("{prefix}[{p}].{name}");
        let name = port_name(check, &field("name"), port.name, legacy && many, &mut names);
        let protocol = check.protocol(&field("protocol"), port.protocol.as_deref());
        let number = match port.port {
            None if legacy => {
                check.missing(&field("port"));
                None
            }
            None => None,
            Some(value) => check.port(&field("port"), value),
        };
        out.push(EndpointPort {
            name,
            protocol,
            port: number,
            app_protocol: port.app_protocol.filter(|a| !a.is_empty()),
        });
    }
    out
}

// ------------------------------------------------------------------------------------------
// EndpointSlice
// ------------------------------------------------------------------------------------------

/// Validates an EndpointSlice (`ValidateEndpointSlice`).
pub(crate) fn endpoint_slice(
    check: &mut Checker<'_>,
    raw: RawEndpointSlice,
) -> Option<EndpointSlice> {
    let meta = check.meta(
        raw.metadata,
        Kind::EndpointSlice,
        NameRule::Dns1123Subdomain,
    );
    let address_type = check.choice(
        "addressType",
        raw.address_type.as_deref(),
        true,
        &[
            ("IPv4", AddressType::IPv4),
            ("IPv6", AddressType::IPv6),
            ("FQDN", AddressType::Fqdn),
        ],
    );
    let raw_endpoints = raw.endpoints.unwrap_or_default();
    if raw_endpoints.len() > MAX_SLICE_ENDPOINTS {
        check.invalid(
            "endpoints",
            format!("at most {MAX_SLICE_ENDPOINTS} endpoints"),
            format!("{} endpoints", raw_endpoints.len()),
        );
    }
    let mut endpoints = Vec::new();
    for (e, endpoint) in raw_endpoints.into_iter().enumerate() {
        let field = |name: &str| format!("endpoints[{e}].{name}");
        let raw_addresses = endpoint.addresses.unwrap_or_default();
        if raw_addresses.is_empty() {
            check.missing(&field("addresses"));
        } else if raw_addresses.len() > MAX_ENDPOINT_ADDRESSES {
            check.invalid(
                &field("addresses"),
                format!("at most {MAX_ENDPOINT_ADDRESSES} addresses"),
                format!("{} addresses", raw_addresses.len()),
            );
        }
        let mut addresses = Vec::new();
        let mut fqdn_addresses = Vec::new();
        for (a, address) in raw_addresses.into_iter().enumerate() {
            let field = format!("endpoints[{e}].addresses[{a}]");
            match address_type {
                Some(AddressType::Fqdn)
                    if check.name(&field, &address, NameRule::Dns1123Subdomain) =>
                {
                    fqdn_addresses.push(address);
                }
                Some(AddressType::Fqdn) => {}
                Some(family @ (AddressType::IPv4 | AddressType::IPv6)) => {
                    let (want, name) = match family {
                        AddressType::IPv4 => (IpFamily::IPv4, "an IPv4 address"),
                        _ => (IpFamily::IPv6, "an IPv6 address"),
                    };
                    match address.parse::<IpAddr>() {
                        Ok(ip) if IpFamily::of(&ip) == want => addresses.push(ip),
                        _ => check.invalid(&field, name, quote(&address)),
                    }
                }
                None => {}
            }
        }
        let conditions = endpoint.conditions.unwrap_or_default();
        let hostname = check.optional_name(
            &field("hostname"),
            endpoint.hostname,
            NameRule::Dns1123Label,
        );
        endpoints.push(Endpoint {
            addresses,
            fqdn_addresses,
            conditions: EndpointConditions {
                ready: conditions.ready,
                serving: conditions.serving,
                terminating: conditions.terminating,
            },
            hostname,
            node_name: endpoint.node_name.filter(|n| !n.is_empty()),
            zone: endpoint.zone.filter(|z| !z.is_empty()),
            target_ref: target_ref(endpoint.target_ref),
        });
    }
    let ports = endpoint_ports(check, "ports", raw.ports.unwrap_or_default(), false);
    let slice = EndpointSlice {
        meta,
        address_type: address_type.unwrap_or(AddressType::IPv4),
        endpoints,
        ports,
    };
    check.ok().then_some(slice)
}

// ------------------------------------------------------------------------------------------
// ServiceImport
// ------------------------------------------------------------------------------------------

/// The most addresses `spec.ips` of a ServiceImport may hold (the API's `MaxItems`).
const MAX_IMPORT_IPS: usize = 2;

/// Validates a `multicluster.x-k8s.io/v1alpha1 ServiceImport`.
///
/// The CustomResourceDefinition itself checks little (the type is `ClusterSetIP` or
/// `Headless`, a port has a number); the controllers that write ServiceImports copy them
/// from exported Services, so the name and the ports follow the Service rules here, and each
/// of `spec.ips` must be an address, since CoreDNS answers them as such.
pub(crate) fn service_import(
    check: &mut Checker<'_>,
    raw: RawServiceImport,
) -> Option<ServiceImport> {
    let meta = check.meta(raw.metadata, Kind::ServiceImport, NameRule::Dns1035Label);
    let spec = raw.spec.unwrap_or_default();
    let import_type = check.choice(
        "spec.type",
        spec.import_type.as_deref(),
        true,
        &[
            ("ClusterSetIP", ServiceImportType::ClusterSetIp),
            ("Headless", ServiceImportType::Headless),
        ],
    );
    let raw_ips = spec.ips.unwrap_or_default();
    if raw_ips.len() > MAX_IMPORT_IPS {
        check.invalid(
            "spec.ips",
            format!("at most {MAX_IMPORT_IPS} addresses"),
            quote_list(&raw_ips),
        );
    }
    let mut ips = Vec::new();
    for (i, value) in raw_ips.iter().enumerate() {
        match value.parse::<IpAddr>() {
            Ok(ip) => ips.push(ip),
            Err(_) => check.invalid(&format!("spec.ips[{i}]"), "an IP address", quote(value)),
        }
    }
    let raw_ports = spec.ports.unwrap_or_default();
    let mut seen = PortsSeen::new(raw_ports.len());
    let mut ports = Vec::new();
    for (i, port) in raw_ports.into_iter().enumerate() {
        let field = |name: &str| format!("spec.ports[{i}].{name}");
        let (name, protocol, number) = seen.check(
            check,
            &field,
            port.name,
            port.protocol.as_deref(),
            port.port,
        );
        if let Some(number) = number {
            ports.push(ServiceImportPort {
                name,
                protocol,
                port: number,
                app_protocol: port.app_protocol.filter(|a| !a.is_empty()),
            });
        }
    }
    let import = ServiceImport {
        meta,
        import_type: import_type.unwrap_or(ServiceImportType::ClusterSetIp),
        ips,
        ports,
    };
    check.ok().then_some(import)
}

// ------------------------------------------------------------------------------------------
// Pod and Namespace
// ------------------------------------------------------------------------------------------

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

/// The ports of a Pod spec's containers and restartable init containers ("sidecars", the only
/// init containers that serve traffic), under `prefix` (`spec`, `spec.template.spec`).
fn container_ports(
    check: &mut Checker<'_>,
    prefix: &str,
    containers: Option<Vec<RawContainer>>,
    init_containers: Option<Vec<RawContainer>>,
) -> Vec<ContainerPort> {
    let mut ports = Vec::new();
    for (c, container) in containers.unwrap_or_default().into_iter().enumerate() {
        let field = format!("{prefix}.containers[{c}].ports");
        ports.extend(pod_ports(
            check,
            &field,
            container.ports.unwrap_or_default(),
        ));
    }
    for (c, container) in init_containers.unwrap_or_default().into_iter().enumerate() {
        if container.restart_policy.as_deref() == Some("Always") {
            let field = format!("{prefix}.initContainers[{c}].ports");
            ports.extend(pod_ports(
                check,
                &field,
                container.ports.unwrap_or_default(),
            ));
        }
    }
    ports
}

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
            labels
        }
    };
    let template = spec.template.unwrap_or_default();
    let labels = template
        .metadata
        .and_then(|metadata| metadata.labels)
        .unwrap_or_default();
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

fn pod_ports(
    check: &mut Checker<'_>,
    prefix: &str,
    raw: Vec<RawContainerPort>,
) -> Vec<ContainerPort> {
    let mut out = Vec::new();
    for (p, port) in raw.into_iter().enumerate() {
        let field = |name: &str| format!("{prefix}[{p}].{name}");
        let name = check.optional_name(&field("name"), port.name, NameRule::IanaServiceName);
        let protocol = check.protocol(&field("protocol"), port.protocol.as_deref());
        let number = match port.container_port {
            None => {
                check.missing(&field("containerPort"));
                None
            }
            Some(value) => check.port(&field("containerPort"), value),
        };
        if let Some(port) = number {
            out.push(ContainerPort {
                name,
                port,
                protocol,
            });
        }
    }
    out
}

/// Validates a Namespace.
pub(crate) fn namespace(check: &mut Checker<'_>, raw: RawNamespace) -> Option<Namespace> {
    let meta = check.meta(raw.metadata, Kind::Namespace, NameRule::Dns1123Label);
    check.ok().then_some(Namespace { meta })
}

/// A port's `name`: required when `required` (several ports), a DNS-1123 label, unique among
/// `names`.
fn port_name(
    check: &mut Checker<'_>,
    field: &str,
    name: Option<String>,
    required: bool,
    names: &mut HashSet<String>,
) -> Option<String> {
    match name.filter(|name| !name.is_empty()) {
        None => {
            if required {
                check.missing(field);
            }
            None
        }
        Some(name) => {
            if check.name(field, &name, NameRule::Dns1123Label) && !names.insert(name.clone()) {
                check.invalid(field, "a name no other port has", quote(&name));
            }
            Some(name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules_follow_kubernetes() {
        use NameRule::*;
        let long_label = "a".repeat(64);
        let long_subdomain = [
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(63),
        ]
        .join(".");
        let cases: &[(NameRule, &str, bool, &str)] = &[
            (Dns1035Label, "web", true, "plain label"),
            (Dns1035Label, "web-1", true, "digits and dashes inside"),
            (Dns1035Label, "1web", false, "1035 must start with a letter"),
            (Dns1035Label, "web-", false, "must end alphanumeric"),
            (Dns1035Label, "Web", false, "lower case only"),
            (Dns1035Label, "", false, "empty"),
            (Dns1123Label, "1web", true, "1123 may start with a digit"),
            (
                Dns1123Label,
                "-web",
                false,
                "1123 may not start with a dash",
            ),
            (Dns1123Label, &long_label, false, "at most 63"),
            (Dns1123Label, "a.b", false, "a label has no dot"),
            (Dns1123Subdomain, "a.b-c.d", true, "dotted"),
            (Dns1123Subdomain, "a..b", false, "empty part"),
            (Dns1123Subdomain, "a.", false, "trailing dot"),
            (Dns1123Subdomain, &long_subdomain, false, "at most 253"),
            (
                Dns1123Subdomain,
                &long_label,
                true,
                "parts are not limited to 63",
            ),
            (IanaServiceName, "http", true, "IANA name"),
            (IanaServiceName, "http-alt2", true, "digits and dash"),
            (IanaServiceName, "8080", false, "needs a letter"),
            (IanaServiceName, "a--b", false, "no double dash"),
            (IanaServiceName, "-ab", false, "no leading dash"),
            (IanaServiceName, "abcdefghijklmnop", false, "at most 15"),
            (IanaServiceName, "HTTP", false, "lower case"),
        ];
        for (rule, value, accepted, why) in cases {
            assert_eq!(rule.accepts(value), *accepted, "{rule:?} {value:?}: {why}");
        }
    }
}
