//! The kubelet's view of a pod: the `/etc/resolv.conf` and `/etc/hosts` it writes
//! (`pkg/kubelet/network/dns/dns.go`, `pkg/kubelet/kubelet_pods.go`;
//! `docs/resolver-behaviour.md` §1).

use std::fmt;
use std::net::IpAddr;

use super::conf::{KUBELET_NDOTS, ResolvConf};
use super::hosts::HostsFile;
use super::sandbox::{Interface, PodSandbox};

/// `spec.dnsPolicy`: the model's own type (one enum for the loader and the kubelet).
pub use crate::model::DnsPolicy;

/// One `spec.dnsConfig.options` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PodDnsOption {
    /// `name`.
    pub name: String,
    /// `value`, if any.
    pub value: Option<String>,
}

impl PodDnsOption {
    /// An option with a value (`ndots`, `"2"`) or without (`edns0`, `None`).
    pub fn new(name: impl Into<String>, value: Option<&str>) -> PodDnsOption {
        PodDnsOption {
            name: name.into(),
            value: value.map(str::to_owned),
        }
    }
}

/// `spec.dnsConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PodDnsConfig {
    /// `nameservers`.
    pub nameservers: Vec<String>,
    /// `searches`.
    pub searches: Vec<String>,
    /// `options`.
    pub options: Vec<PodDnsOption>,
}

impl PodDnsConfig {
    /// An empty `dnsConfig`.
    pub fn new() -> PodDnsConfig {
        PodDnsConfig::default()
    }

    /// With these nameservers.
    pub fn with_nameservers<S: Into<String>>(
        mut self,
        servers: impl IntoIterator<Item = S>,
    ) -> Self {
        self.nameservers = servers.into_iter().map(Into::into).collect();
        self
    }

    /// With these search domains.
    pub fn with_searches<S: Into<String>>(mut self, searches: impl IntoIterator<Item = S>) -> Self {
        self.searches = searches.into_iter().map(Into::into).collect();
        self
    }

    /// With one more option.
    pub fn with_option(mut self, name: &str, value: Option<&str>) -> Self {
        self.options.push(PodDnsOption::new(name, value));
        self
    }
}

/// One `spec.hostAliases` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostAlias {
    /// `ip`, as written.
    pub ip: String,
    /// `hostnames`.
    pub hostnames: Vec<String>,
}

impl HostAlias {
    /// An alias line.
    pub fn new<S: Into<String>>(
        ip: impl Into<String>,
        hostnames: impl IntoIterator<Item = S>,
    ) -> Self {
        HostAlias {
            ip: ip.into(),
            hostnames: hostnames.into_iter().map(Into::into).collect(),
        }
    }
}

/// The fields of a Pod the kubelet's DNS setup reads: built by hand, or from a loaded Pod
/// (`PodDns::from(&pod)`, or [`ClusterDns::pod_dns`](crate::ClusterDns::pod_dns) by
/// `namespace/name`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PodDns {
    /// `metadata.name` (the hostname when `spec.hostname` is empty).
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `spec.hostname`.
    pub hostname: Option<String>,
    /// `spec.subdomain`.
    pub subdomain: Option<String>,
    /// `status.podIPs`, in order (for a `hostNetwork` pod, the node's addresses).
    pub pod_ips: Vec<IpAddr>,
    /// `spec.dnsPolicy`.
    pub dns_policy: DnsPolicy,
    /// `spec.dnsConfig`.
    pub dns_config: Option<PodDnsConfig>,
    /// `spec.hostAliases`.
    pub host_aliases: Vec<HostAlias>,
    /// `spec.hostNetwork`.
    pub host_network: bool,
    /// `spec.setHostnameAsFQDN`.
    pub set_hostname_as_fqdn: bool,
}

impl PodDns {
    /// A `ClusterFirst` pod `namespace/name` with no address yet and every other field empty.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> PodDns {
        PodDns {
            name: name.into(),
            namespace: namespace.into(),
            hostname: None,
            subdomain: None,
            pod_ips: Vec::new(),
            dns_policy: DnsPolicy::ClusterFirst,
            dns_config: None,
            host_aliases: Vec::new(),
            host_network: false,
            set_hostname_as_fqdn: false,
        }
    }

    /// With these pod IPs.
    pub fn with_ips(mut self, ips: impl IntoIterator<Item = IpAddr>) -> Self {
        self.pod_ips = ips.into_iter().collect();
        self
    }

    /// With `spec.hostname` and `spec.subdomain`.
    pub fn with_hostname(mut self, hostname: &str, subdomain: Option<&str>) -> Self {
        self.hostname = Some(hostname.to_owned());
        self.subdomain = subdomain.map(str::to_owned);
        self
    }

    /// With this policy.
    pub fn with_policy(mut self, policy: DnsPolicy) -> Self {
        self.dns_policy = policy;
        self
    }

    /// With this `dnsConfig`.
    pub fn with_dns_config(mut self, config: PodDnsConfig) -> Self {
        self.dns_config = Some(config);
        self
    }

    /// With one more host alias.
    pub fn with_host_alias(mut self, alias: HostAlias) -> Self {
        self.host_aliases.push(alias);
        self
    }

    /// On the host network, or not.
    pub fn with_host_network(mut self, host_network: bool) -> Self {
        self.host_network = host_network;
        self
    }

    /// With `setHostnameAsFQDN`.
    pub fn with_hostname_as_fqdn(mut self, fqdn: bool) -> Self {
        self.set_hostname_as_fqdn = fqdn;
        self
    }
}

impl From<&crate::model::Pod> for PodDns {
    /// The fields of a loaded Pod (bare, or made by a workload from its template) the kubelet
    /// reads: name and namespace, `hostname`/`subdomain`, its addresses (a `hostNetwork` Pod's
    /// are its node's), `dnsPolicy`, `dnsConfig`, `hostAliases`, `hostNetwork` and
    /// `setHostnameAsFQDN`. The loader has already checked them as the API server does.
    fn from(pod: &crate::model::Pod) -> PodDns {
        PodDns {
            name: pod.meta.name.clone(),
            namespace: pod.meta.namespace.clone(),
            hostname: pod.hostname.clone(),
            subdomain: pod.subdomain.clone(),
            pod_ips: pod.pod_ips.clone(),
            dns_policy: pod.dns_policy,
            dns_config: pod.dns_config.as_ref().map(|config| PodDnsConfig {
                nameservers: config.nameservers.iter().map(ToString::to_string).collect(),
                searches: config.searches.clone(),
                options: config
                    .options
                    .iter()
                    .map(|option| PodDnsOption::new(option.name.clone(), option.value.as_deref()))
                    .collect(),
            }),
            host_aliases: pod
                .host_aliases
                .iter()
                .map(|alias| HostAlias::new(alias.ip.to_string(), alias.hostnames.iter().cloned()))
                .collect(),
            host_network: pod.host_network,
            set_hostname_as_fqdn: pod.set_hostname_as_fqdn,
        }
    }
}

/// A warning event the kubelet records while forming a pod's DNS configuration (the pod still
/// starts).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KubeletEvent {
    /// `DNSConfigForming` or `MissingClusterDNS`.
    pub reason: &'static str,
    /// The event's message, as the kubelet words it.
    pub message: String,
}

impl fmt::Display for KubeletEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Warning {}: {}", self.reason, self.message)
    }
}

/// Why the kubelet cannot start a pod's sandbox.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KubeletError {
    /// The node's `resolv.conf` has a `nameserver` line without an address: `GetPodDNS` fails
    /// for every pod.
    #[error("the node's resolv.conf: nameserver list is empty (line {line})")]
    EmptyNameserver {
        /// The line, counted from 1.
        line: usize,
    },
    /// `setHostnameAsFQDN` with an FQDN over 64 characters.
    #[error(
        "failed to construct FQDN from pod hostname and cluster domain, FQDN {fqdn} is too long (64 characters is the max, {} characters requested)",
        fqdn.len()
    )]
    FqdnTooLong {
        /// The FQDN.
        fqdn: String,
    },
}

/// Why no sandbox can be made for a Pod named by `namespace/name`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PodError {
    /// The reference is not `namespace/name` (two non-empty parts).
    #[error("expected a Pod as <namespace>/<name>, found {0:?}")]
    BadReference(String),
    /// No Pod of that name, loaded or made by a workload.
    #[error("no Pod {namespace}/{name} in the cluster (neither loaded nor made by a workload)")]
    NotFound {
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
    },
    /// The kubelet cannot start the Pod's sandbox.
    #[error("Pod {namespace}/{name}: {source}")]
    Kubelet {
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
        /// Why.
        source: KubeletError,
    },
}

/// The kubelet's DNS settings on one node, and the node's own files.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Kubelet {
    /// `--cluster-dns` (`clusterDNS`): the cluster DNS Service addresses. Empty makes
    /// `ClusterFirst` fall back to `Default` with a `MissingClusterDNS` event.
    pub cluster_dns: Vec<IpAddr>,
    /// `--cluster-domain` (`clusterDomain`); empty means none.
    pub cluster_domain: String,
    /// The text of the node's `resolv.conf` (`--resolv-conf`); `None` is `--resolv-conf=""`.
    pub node_resolv_conf: Option<String>,
    /// The node's addresses (`Default` with `--resolv-conf=""`; host-network pods' interface).
    pub node_ips: Vec<IpAddr>,
    /// The node's hostname (host-network pods').
    pub node_hostname: String,
    /// The text of the node's `/etc/hosts` (host-network pods get it behind a header).
    pub node_hosts: String,
    /// The prefix length of a pod's IPv4 address on its interface (24 on most bridge CNIs).
    pub pod_prefix_v4: u8,
    /// The prefix length of a pod's IPv6 address (64).
    pub pod_prefix_v6: u8,
}

impl Default for Kubelet {
    /// kubeadm's settings: cluster DNS `10.96.0.10`, domain `cluster.local`; a node whose
    /// `resolv.conf` is empty (no search domains of its own) and whose `/etc/hosts` has the
    /// usual localhost lines.
    fn default() -> Self {
        Kubelet {
            cluster_dns: vec![IpAddr::from([10, 96, 0, 10])],
            cluster_domain: "cluster.local".to_owned(),
            node_resolv_conf: Some(String::new()),
            node_ips: vec![IpAddr::from([192, 168, 0, 10])],
            node_hostname: "node-1".to_owned(),
            node_hosts: "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                .to_owned(),
            pod_prefix_v4: 24,
            pod_prefix_v6: 64,
        }
    }
}

/// The CRI `DNSConfig` under construction.
struct Config {
    servers: Vec<String>,
    searches: Vec<String>,
    options: Vec<String>,
}

impl Kubelet {
    /// This kubelet as it runs on `node`: the node's host IPs (`GetNodeHostIPs`, when it has
    /// any) and its name as the node's hostname, for the `hostNetwork` Pods there (their
    /// interfaces, `gethostname()`, and the loopback nameservers of `Default` without a node
    /// `resolv.conf`). The DNS settings and the node's files stay this kubelet's.
    pub fn on_node(&self, node: &crate::model::Node) -> Kubelet {
        let mut kubelet = self.clone();
        let ips = node.host_ips();
        if !ips.is_empty() {
            kubelet.node_ips = ips;
        }
        kubelet.node_hostname = node.meta.name.clone();
        kubelet
    }

    /// The node's `resolv.conf` as the kubelet reads it (`parseResolvConf`): lines trimmed,
    /// `#` lines skipped, nameservers accumulated, the last `search` line winning (each entry
    /// without one trailing dot, `.` entries dropped), options accumulated by name.
    fn node_config(&self) -> Result<Config, KubeletError> {
        let mut config = Config {
            servers: Vec::new(),
            searches: Vec::new(),
            options: Vec::new(),
        };
        let Some(text) = &self.node_resolv_conf else {
            return Ok(config);
        };
        for (index, line) in text.split('\n').enumerate() {
            let trimmed = line.trim();
            if trimmed.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = trimmed.split_whitespace().collect();
            match fields.first().copied() {
                Some("nameserver") => match fields.get(1) {
                    Some(server) => config.servers.push((*server).to_owned()),
                    None => return Err(KubeletError::EmptyNameserver { line: index + 1 }),
                },
                Some("search") => {
                    config.searches = fields[1..]
                        .iter()
                        .map(|domain| domain.strip_suffix('.').unwrap_or(domain))
                        .filter(|domain| !domain.is_empty())
                        .map(str::to_owned)
                        .collect();
                }
                Some("options") => {
                    let entries: Vec<(String, Option<String>)> = fields[1..]
                        .iter()
                        .map(|option| split_option(option))
                        .collect();
                    merge_options(&mut config.options, entries);
                }
                _ => {}
            }
        }
        Ok(config)
    }

    /// The pod's `/etc/resolv.conf` (`GetPodDNS`), and the warning events the kubelet records
    /// while forming it.
    ///
    /// # Errors
    /// [`KubeletError::EmptyNameserver`] when the node's file has a bare `nameserver` line.
    pub fn resolv_conf_with_events(
        &self,
        pod: &PodDns,
    ) -> Result<(ResolvConf, Vec<KubeletEvent>), KubeletError> {
        let mut events = Vec::new();
        let mut config = self.node_config()?;
        let cluster = match pod.dns_policy {
            DnsPolicy::None => {
                config = Config {
                    servers: Vec::new(),
                    searches: Vec::new(),
                    options: Vec::new(),
                };
                false
            }
            DnsPolicy::ClusterFirstWithHostNet => true,
            DnsPolicy::ClusterFirst => !pod.host_network,
            DnsPolicy::Default => false,
        };
        let host = pod.dns_policy != DnsPolicy::None && (!cluster || self.cluster_dns.is_empty());
        if cluster && !self.cluster_dns.is_empty() {
            config.servers = self.cluster_dns.iter().map(ToString::to_string).collect();
            if !self.cluster_domain.is_empty() {
                let domain = &self.cluster_domain;
                let mut searches = vec![
                    format!("{}.svc.{domain}", pod.namespace),
                    format!("svc.{domain}"),
                    domain.clone(),
                ];
                searches.append(&mut config.searches);
                config.searches = omit_duplicates(searches);
            }
            config.options = vec![format!("ndots:{KUBELET_NDOTS}")];
        } else if cluster {
            let message = format!(
                "kubelet does not have ClusterDNS IP configured and cannot create Pod using \"{}\" policy. Falling back to \"Default\" policy.",
                pod.dns_policy.as_str()
            );
            events.push(KubeletEvent {
                reason: "MissingClusterDNS",
                message: format!("pod: \"{}_{}\". {message}", pod.name, pod.namespace),
            });
        }
        if host && self.node_resolv_conf.is_none() {
            for ip in &self.node_ips {
                config
                    .servers
                    .push(if ip.is_ipv6() { "::1" } else { "127.0.0.1" }.to_owned());
            }
            if config.servers.is_empty() {
                config.servers.push("127.0.0.1".to_owned());
            }
            config.searches = vec![".".to_owned()];
        }
        if let Some(dns_config) = &pod.dns_config {
            config
                .servers
                .extend(dns_config.nameservers.iter().cloned());
            config.servers = omit_duplicates(std::mem::take(&mut config.servers));
            config.searches.extend(dns_config.searches.iter().cloned());
            config.searches = omit_duplicates(std::mem::take(&mut config.searches));
            let entries = dns_config
                .options
                .iter()
                .map(|option| {
                    (
                        option.name.clone(),
                        option.value.clone().filter(|v| !v.is_empty()),
                    )
                })
                .collect();
            let mut options: Vec<String> = Vec::new();
            merge_options(
                &mut options,
                config
                    .options
                    .iter()
                    .map(|option| split_option(option))
                    .collect(),
            );
            merge_options(&mut options, entries);
            config.options = options;
        }
        self.fit_limits(&mut config, &mut events);
        let conf = ResolvConf {
            nameservers: config.servers,
            search: config.searches,
            ndots: super::conf::options_ndots(&config.options),
            options: config.options,
        };
        Ok((conf, events))
    }

    /// The pod's `/etc/resolv.conf`, as [`Kubelet::resolv_conf_with_events`] without the events.
    ///
    /// # Errors
    /// As [`Kubelet::resolv_conf_with_events`].
    pub fn resolv_conf(&self, pod: &PodDns) -> Result<ResolvConf, KubeletError> {
        self.resolv_conf_with_events(pod).map(|(conf, _)| conf)
    }

    /// `formDNSConfigFitsLimits`: at most 3 nameservers; at most 32 search domains, none over
    /// 253 characters, the line at most 2048 characters; each cut is an event, never an error.
    fn fit_limits(&self, config: &mut Config, events: &mut Vec<KubeletEvent>) {
        const MAX_NAMESERVERS: usize = 3;
        const MAX_SEARCHES: usize = 32;
        const MAX_SEARCH_CHARS: usize = 2048;
        const MAX_DOMAIN: usize = 253;
        if config.servers.len() > MAX_NAMESERVERS {
            config.servers.truncate(MAX_NAMESERVERS);
            events.push(KubeletEvent {
                reason: "DNSConfigForming",
                message: format!(
                    "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: {}",
                    config.servers.join(" ")
                ),
            });
        }
        let mut exceeded = false;
        if config.searches.len() > MAX_SEARCHES {
            config.searches.truncate(MAX_SEARCHES);
            exceeded = true;
        }
        let before = config.searches.len();
        config.searches.retain(|domain| domain.len() <= MAX_DOMAIN);
        exceeded |= config.searches.len() != before;
        let joined = config.searches.join(" ").len();
        if joined > MAX_SEARCH_CHARS {
            let mut cut = 0;
            let mut cut_len = 0;
            for domain in config.searches.iter().rev() {
                cut_len += domain.len() + 1;
                cut += 1;
                if joined - cut_len <= MAX_SEARCH_CHARS {
                    break;
                }
            }
            let keep = config.searches.len() - cut;
            config.searches.truncate(keep);
            exceeded = true;
        }
        if exceeded {
            events.push(KubeletEvent {
                reason: "DNSConfigForming",
                message: format!(
                    "Search Line limits were exceeded, some search paths have been omitted, the applied search line is: {}",
                    config.searches.join(" ")
                ),
            });
        }
    }

    /// The hostname and the domain the kubelet gives the pod (`GeneratePodHostNameAndDomain`):
    /// `spec.hostname` or the pod name, cut to 63 characters and stripped of trailing `-` and
    /// `.`; the domain `<subdomain>.<ns>.svc.<cluster domain>` when `spec.subdomain` is set.
    pub fn hostname_and_domain(&self, pod: &PodDns) -> (String, Option<String>) {
        let hostname = pod
            .hostname
            .as_deref()
            .filter(|hostname| !hostname.is_empty())
            .unwrap_or(&pod.name);
        let mut hostname: String = hostname.chars().take(63).collect();
        while hostname.ends_with(['-', '.']) {
            hostname.pop();
        }
        let domain = pod
            .subdomain
            .as_deref()
            .filter(|subdomain| !subdomain.is_empty())
            .map(|subdomain| format!("{subdomain}.{}.svc.{}", pod.namespace, self.cluster_domain));
        (hostname, domain)
    }

    /// The pod's `/etc/hosts` text, exactly as the kubelet writes it; `None` when it mounts
    /// none (a pod without IPs: the container keeps its image's file).
    ///
    /// A pod network pod (`managedHostsFileContent`): the header, the six fixed lines, a line
    /// per pod IP (`<ip>\t<fqdn>\t<hostname>` with a subdomain, else `<ip>\t<hostname>`),
    /// then the `hostAliases` block. A `hostNetwork` pod (`nodeHostsFileContent`): a header,
    /// the node's file byte for byte, then the `hostAliases` block.
    pub fn hosts_file_text(&self, pod: &PodDns) -> Option<String> {
        if pod.pod_ips.is_empty() {
            return None;
        }
        let mut text = String::new();
        if pod.host_network {
            text.push_str("# Kubernetes-managed hosts file (host network).\n");
            text.push_str(&self.node_hosts);
        } else {
            text.push_str("# Kubernetes-managed hosts file.\n");
            text.push_str("127.0.0.1\tlocalhost\n");
            text.push_str("::1\tlocalhost ip6-localhost ip6-loopback\n");
            text.push_str("fe00::0\tip6-localnet\n");
            text.push_str("fe00::0\tip6-mcastprefix\n");
            text.push_str("fe00::1\tip6-allnodes\n");
            text.push_str("fe00::2\tip6-allrouters\n");
            let (hostname, domain) = self.hostname_and_domain(pod);
            for ip in &pod.pod_ips {
                match &domain {
                    Some(domain) => {
                        text.push_str(&format!("{ip}\t{hostname}.{domain}\t{hostname}\n"))
                    }
                    None => text.push_str(&format!("{ip}\t{hostname}\n")),
                }
            }
        }
        if !pod.host_aliases.is_empty() {
            text.push_str("\n# Entries added by HostAliases.\n");
            for alias in &pod.host_aliases {
                text.push_str(&format!("{}\t{}\n", alias.ip, alias.hostnames.join("\t")));
            }
        }
        Some(text)
    }

    /// The pod's `/etc/hosts` as a table ([`Kubelet::hosts_file_text`], parsed).
    pub fn hosts_file(&self, pod: &PodDns) -> Option<HostsFile> {
        self.hosts_file_text(pod)
            .map(|text| HostsFile::parse(&text))
    }

    /// What `gethostname()` returns in the pod (`GetNodenameForKernel`): the hostname, or its
    /// FQDN with `setHostnameAsFQDN` and a subdomain; the node's for `hostNetwork` pods.
    ///
    /// # Errors
    /// [`KubeletError::FqdnTooLong`] for an FQDN over 64 characters (the pod does not start).
    pub fn kernel_hostname(&self, pod: &PodDns) -> Result<String, KubeletError> {
        if pod.host_network {
            return Ok(self.node_hostname.clone());
        }
        let (hostname, domain) = self.hostname_and_domain(pod);
        match domain {
            Some(domain) if pod.set_hostname_as_fqdn => {
                let fqdn = format!("{hostname}.{domain}");
                if fqdn.len() > 64 {
                    return Err(KubeletError::FqdnTooLong { fqdn });
                }
                Ok(fqdn)
            }
            _ => Ok(hostname),
        }
    }

    /// Everything the pod's stub resolver sees: the two files, the hostname, and its
    /// interface addresses (the pod IPs with [`Kubelet::pod_prefix_v4`]/`_v6`; the node's
    /// addresses for a `hostNetwork` pod).
    ///
    /// # Errors
    /// As [`Kubelet::resolv_conf`] and [`Kubelet::kernel_hostname`].
    pub fn sandbox(&self, pod: &PodDns) -> Result<PodSandbox, KubeletError> {
        let conf = self.resolv_conf(pod)?;
        let hostname = self.kernel_hostname(pod)?;
        let addresses = if pod.host_network && pod.pod_ips.is_empty() {
            &self.node_ips
        } else {
            &pod.pod_ips
        };
        let interfaces = addresses.iter().map(|&address| {
            let prefix = if address.is_ipv4() {
                self.pod_prefix_v4
            } else {
                self.pod_prefix_v6
            };
            Interface::new(address, prefix)
        });
        let mut sandbox = PodSandbox::from_resolv_conf(&conf)
            .with_hostname(hostname)
            .with_interfaces(interfaces);
        sandbox.hosts = self.hosts_file_text(pod);
        Ok(sandbox)
    }
}

/// `omitDuplicates`: exact-string duplicates removed, the first kept.
fn omit_duplicates(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(item.clone()))
        .collect()
}

/// An option split at its first `:` into name and value.
fn split_option(option: &str) -> (String, Option<String>) {
    match option.split_once(':') {
        Some((name, value)) => (
            name.to_owned(),
            Some(value.to_owned()).filter(|v| !v.is_empty()),
        ),
        None => (option.to_owned(), None),
    }
}

/// `mergeDNSOptions`: by name, a later entry replacing an earlier one. The kubelet rebuilds the
/// list from a Go map, so its order is not fixed; here it is first-seen order.
fn merge_options(options: &mut Vec<String>, entries: Vec<(String, Option<String>)>) {
    for (name, value) in entries {
        let text = match value {
            Some(value) => format!("{name}:{value}"),
            None => name.clone(),
        };
        let same_name = |option: &String| option.split(':').next() == Some(name.as_str());
        match options.iter_mut().find(|option| same_name(option)) {
            Some(existing) => *existing = text,
            None => options.push(text),
        }
    }
}
