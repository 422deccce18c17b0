//! A Pod spec and a Pod template, shared by the Pod and every workload kind, checked as
//! `ValidatePodSpec` and `ValidatePodTemplateSpec` (`pkg/apis/core/validation/validation.go`)
//! check the fields the model keeps:
//!
//! - `hostname` and `subdomain` are DNS-1123 labels, `nodeName` a DNS-1123 subdomain
//!   (`ValidateNodeName`);
//! - the ports of the containers and restartable init containers (see `ports.rs`);
//! - `dnsPolicy` is one of `ClusterFirstWithHostNet`, `ClusterFirst`, `Default`, `None`
//!   (defaulted to `ClusterFirst`, `SetDefaults_PodSpec`; `validateDNSPolicy`);
//! - `dnsConfig` (`validatePodDNSConfig`): with `dnsPolicy: None` it is required and needs a
//!   nameserver; at most 3 nameservers, each an IP address; at most 32 search domains and 2048
//!   characters with the spaces between them, each `.` or a DNS-1123 subdomain that may hold
//!   `_`, after one trailing dot is dropped (the relaxed check, `RelaxedDNSSearchValidation`,
//!   on by default since v1.33); every option has a name;
//! - `hostAliases` (`ValidateHostAliases`): each `ip` an IP address, each hostname a DNS-1123
//!   subdomain;
//! - the template's labels are label pairs that the workload's selector matches.

use std::collections::BTreeMap;

use super::labels::check_labels;
use super::ports::container_ports;
use super::{Checker, NameRule, quote};
use crate::load::raw::{RawContainer, RawPodDnsConfig, RawPodSpec, RawPodTemplate};
use crate::model::{
    ContainerPort, DnsPolicy, EnvVar, HostAlias, PodDnsConfig, PodDnsOption, PodTemplate, Selector,
};

/// `MaxDNSNameservers`.
const MAX_NAMESERVERS: usize = 3;
/// `MaxDNSSearchPaths`.
const MAX_SEARCHES: usize = 32;
/// `MaxDNSSearchListChars`.
const MAX_SEARCH_CHARS: usize = 2048;

/// The checked fields of a Pod spec.
pub(super) struct PodSpecParts {
    pub(super) hostname: Option<String>,
    pub(super) subdomain: Option<String>,
    pub(super) node_name: Option<String>,
    pub(super) container_ports: Vec<ContainerPort>,
    pub(super) host_network: bool,
    pub(super) dns_policy: DnsPolicy,
    pub(super) dns_config: Option<PodDnsConfig>,
    pub(super) host_aliases: Vec<HostAlias>,
    pub(super) set_hostname_as_fqdn: bool,
    /// The containers' literal `env` values.
    pub(super) env: Vec<EnvVar>,
    /// `restartPolicy` as written (empty: unset), for the kinds that restrict it.
    pub(super) restart_policy: Option<String>,
}

/// The `name` and string `value` of every `env` entry of the containers and init containers;
/// anything else (`valueFrom`, a value that is no string) is left out, not checked.
fn env(containers: &Option<Vec<RawContainer>>, init: &Option<Vec<RawContainer>>) -> Vec<EnvVar> {
    let entries = containers
        .iter()
        .chain(init)
        .flatten()
        .filter_map(|container| container.env.as_ref()?.as_sequence())
        .flatten();
    entries
        .filter_map(|entry| {
            let name = entry.get("name")?.as_str()?;
            let value = entry.get("value")?.as_str()?;
            Some(EnvVar {
                name: name.to_owned(),
                value: value.to_owned(),
            })
        })
        .collect()
}

/// Checks a Pod spec found at `prefix` (`spec`, `spec.template.spec`).
pub(super) fn pod_spec(check: &mut Checker<'_>, prefix: &str, spec: RawPodSpec) -> PodSpecParts {
    let field = |name: &str| format!("{prefix}.{name}");
    let hostname = check.optional_name(&field("hostname"), spec.hostname, NameRule::Dns1123Label);
    let subdomain =
        check.optional_name(&field("subdomain"), spec.subdomain, NameRule::Dns1123Label);
    let node_name = check.optional_name(
        &field("nodeName"),
        spec.node_name,
        NameRule::Dns1123Subdomain,
    );
    let env = env(&spec.containers, &spec.init_containers);
    let container_ports = container_ports(check, prefix, spec.containers, spec.init_containers);
    let dns_policy = check
        .choice(
            &field("dnsPolicy"),
            spec.dns_policy.as_deref(),
            false,
            &[
                (
                    "ClusterFirstWithHostNet",
                    DnsPolicy::ClusterFirstWithHostNet,
                ),
                ("ClusterFirst", DnsPolicy::ClusterFirst),
                ("Default", DnsPolicy::Default),
                ("None", DnsPolicy::None),
            ],
        )
        .unwrap_or_default();
    let dns_config = dns_config(check, &field("dnsConfig"), spec.dns_config, dns_policy);
    let mut host_aliases = Vec::new();
    for (i, alias) in spec
        .host_aliases
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let at = |name: &str| format!("{prefix}.hostAliases[{i}].{name}");
        let ip = check.ip(&at("ip"), alias.ip.as_deref());
        let hostnames = alias.hostnames.unwrap_or_default();
        for (j, hostname) in hostnames.iter().enumerate() {
            let at = format!("{}[{j}]", at("hostnames"));
            check.name(&at, hostname, NameRule::Dns1123Subdomain);
        }
        if let Some(ip) = ip {
            host_aliases.push(HostAlias { ip, hostnames });
        }
    }
    PodSpecParts {
        hostname,
        subdomain,
        node_name,
        container_ports,
        host_network: spec.host_network.unwrap_or(false),
        dns_policy,
        dns_config,
        host_aliases,
        set_hostname_as_fqdn: spec.set_hostname_as_fqdn.unwrap_or(false),
        env,
        restart_policy: spec.restart_policy.filter(|p| !p.is_empty()),
    }
}

/// `validatePodDNSConfig`.
fn dns_config(
    check: &mut Checker<'_>,
    field: &str,
    raw: Option<RawPodDnsConfig>,
    policy: DnsPolicy,
) -> Option<PodDnsConfig> {
    let none = policy == DnsPolicy::None;
    let Some(raw) = raw else {
        if none {
            check.invalid(
                field,
                "a dnsConfig with at least one nameserver (dnsPolicy None takes every resolver setting from it)",
                "none",
            );
        }
        return None;
    };
    let nameservers = raw.nameservers.unwrap_or_default();
    if none && nameservers.is_empty() {
        check.invalid(
            &format!("{field}.nameservers"),
            "at least one nameserver (dnsPolicy None takes every resolver setting from dnsConfig)",
            "none",
        );
    }
    if nameservers.len() > MAX_NAMESERVERS {
        check.invalid(
            &format!("{field}.nameservers"),
            format!("at most {MAX_NAMESERVERS} nameservers"),
            format!("{} nameservers", nameservers.len()),
        );
    }
    let mut config = PodDnsConfig::default();
    for (i, nameserver) in nameservers.iter().enumerate() {
        let at = format!("{field}.nameservers[{i}]");
        config.nameservers.extend(check.ip(&at, Some(nameserver)));
    }
    let searches = raw.searches.unwrap_or_default();
    if searches.len() > MAX_SEARCHES {
        check.invalid(
            &format!("{field}.searches"),
            format!("at most {MAX_SEARCHES} search domains"),
            format!("{} search domains", searches.len()),
        );
    }
    let length = searches.iter().map(String::len).sum::<usize>() + searches.len().saturating_sub(1);
    if length > MAX_SEARCH_CHARS {
        check.invalid(
            &format!("{field}.searches"),
            format!("at most {MAX_SEARCH_CHARS} characters in the search list (with the spaces between domains)"),
            format!("{length} characters"),
        );
    }
    for (i, search) in searches.iter().enumerate() {
        if !is_search_domain(search) {
            check.invalid(
                &format!("{field}.searches[{i}]"),
                "a search domain (\".\", or dot-separated parts of lower-case letters, digits, '-' or '_', each starting and ending with a letter, digit or '_', at most 253 characters, optionally with one trailing dot)",
                quote(search),
            );
        }
    }
    config.searches = searches;
    for (i, option) in raw.options.unwrap_or_default().into_iter().enumerate() {
        match option.name.filter(|name| !name.is_empty()) {
            Some(name) => config.options.push(PodDnsOption {
                name,
                value: option.value,
            }),
            None => check.missing(&format!("{field}.options[{i}].name")),
        }
    }
    Some(config)
}

/// A search domain of the relaxed check (`ValidateDNS1123SubdomainWithUnderScore` after one
/// trailing dot is dropped, or `.`).
fn is_search_domain(search: &str) -> bool {
    if search == "." {
        return true;
    }
    let search = search.strip_suffix('.').unwrap_or(search);
    let part_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    !search.is_empty()
        && search.len() <= 253
        && search.split('.').all(|part| {
            !part.is_empty()
                && part.chars().all(|c| part_char(c) || c == '-')
                && part.starts_with(part_char)
                && part.ends_with(part_char)
        })
}

/// A workload's `spec.template` (at `spec.template`): labels that `selector` (when not empty)
/// matches, and the Pod spec. Returns the template and its `restartPolicy` as written.
pub(super) fn pod_template(
    check: &mut Checker<'_>,
    raw: Option<RawPodTemplate>,
    selector: &BTreeMap<String, String>,
) -> (PodTemplate, Option<String>) {
    let template = raw.unwrap_or_default();
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
    let spec = pod_spec(
        check,
        "spec.template.spec",
        template.spec.unwrap_or_default(),
    );
    let mut out = PodTemplate::with_labels(labels);
    out.hostname = spec.hostname;
    out.subdomain = spec.subdomain;
    out.node_name = spec.node_name;
    out.container_ports = spec.container_ports;
    out.host_network = spec.host_network;
    out.dns_policy = spec.dns_policy;
    out.dns_config = spec.dns_config;
    out.host_aliases = spec.host_aliases;
    out.set_hostname_as_fqdn = spec.set_hostname_as_fqdn;
    out.env = spec.env;
    (out, spec.restart_policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_domains_follow_the_relaxed_rule() {
        // validatePodDNSConfig with AllowRelaxedDNSSearchValidation.
        let cases = [
            (".", true, "the root"),
            ("svc.cluster.local", true, "plain"),
            ("svc.cluster.local.", true, "one trailing dot"),
            ("_tcp.example.com", true, "underscores (relaxed)"),
            ("a..b", false, "empty part"),
            ("-a.b", false, "leading dash"),
            ("A.b", false, "upper case"),
            ("a.b..", false, "two trailing dots"),
            ("", false, "empty"),
        ];
        for (search, ok, why) in cases {
            assert_eq!(is_search_domain(search), ok, "{search:?}: {why}");
        }
    }
}
