//! `v1 Pod`: what DNS depends on, and what a Pod's own resolver does (its DNS policy and
//! configuration, its host aliases), read for the pod-side resolver.

use std::net::IpAddr;

use super::{ObjectMeta, Protocol};

/// A `v1 Pod`.
///
/// A Pod whose manifest has no `status` is scheduled and started by the cluster it is loaded
/// into, as a real cluster would (see [`PodStatusSource`]): its node, phase, readiness and
/// addresses are then the simulator's.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pod {
    /// Name, namespace, labels, annotations.
    pub meta: ObjectMeta,
    /// `spec.hostname`.
    pub hostname: Option<String>,
    /// `spec.subdomain`.
    pub subdomain: Option<String>,
    /// `spec.nodeName`: as the manifest states it, or the node the simulator chose.
    pub node_name: Option<String>,
    /// Ports declared by the containers (and restartable init containers).
    pub container_ports: Vec<ContainerPort>,
    /// `spec.hostNetwork`: the Pod uses its node's network, and its addresses are the node's.
    pub host_network: bool,
    /// `spec.dnsPolicy`, defaulted to `ClusterFirst`.
    pub dns_policy: DnsPolicy,
    /// `spec.dnsConfig`.
    pub dns_config: Option<PodDnsConfig>,
    /// `spec.hostAliases`: entries the kubelet adds to the Pod's `/etc/hosts`.
    pub host_aliases: Vec<HostAlias>,
    /// `spec.setHostnameAsFQDN`.
    pub set_hostname_as_fqdn: bool,
    /// `status.phase`.
    pub phase: Option<PodPhase>,
    /// `status.podIPs` (or `status.podIP`), primary first.
    pub pod_ips: Vec<IpAddr>,
    /// The `Ready` condition in `status.conditions`, if present.
    pub ready: Option<bool>,
    /// Whether `metadata.deletionTimestamp` is set.
    pub terminating: bool,
    /// Who wrote the status: the manifest, or the simulator.
    pub status_source: PodStatusSource,
    /// The containers' `env` entries with a literal `value` (not `valueFrom`): DNS never reads
    /// them; the lint looks there for the names a Pod is configured to resolve.
    pub env: Vec<EnvVar>,
}

/// An `env` entry of a container with a literal value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnvVar {
    /// `name`.
    pub name: String,
    /// `value`.
    pub value: String,
}

impl Pod {
    /// A Pod with a name and namespace, an empty spec and no status.
    pub(crate) fn new(namespace: &str, name: &str) -> Self {
        Pod {
            meta: ObjectMeta::new(namespace, name),
            hostname: None,
            subdomain: None,
            node_name: None,
            container_ports: Vec::new(),
            host_network: false,
            dns_policy: DnsPolicy::default(),
            dns_config: None,
            host_aliases: Vec::new(),
            set_hostname_as_fqdn: false,
            phase: None,
            pod_ips: Vec::new(),
            ready: None,
            terminating: false,
            status_source: PodStatusSource::Unstarted,
            env: Vec::new(),
        }
    }

    /// Whether the simulator schedules and starts this Pod (it has no status of its own).
    pub fn is_simulated(&self) -> bool {
        self.status_source != PodStatusSource::Manifest
    }
}

/// Who wrote a Pod's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PodStatusSource {
    /// The manifest's `status` (a `kubectl get -o yaml` dump): phase, addresses and readiness
    /// as written, a `status` without an address (a Pending Pod) included.
    Manifest,
    /// The manifest has no `status`, and the simulator has not started the Pod: what the
    /// loader reads. In a cluster a Pod stays so while its `spec.nodeName` names no node (no
    /// kubelet would run it): it is Pending, without an address.
    Unstarted,
    /// Scheduled and started by the simulator, as the scheduler and the kubelet would: Running,
    /// Ready unless its readiness says otherwise, with addresses from its node's Pod subnet
    /// (or its node's own, for `hostNetwork`). Every workload Pod is so, and every Pod whose
    /// manifest had no `status`.
    Simulated {
        /// Whether the simulator chose its node (its manifest or template had no
        /// `spec.nodeName`).
        chose_node: bool,
    },
}

/// `spec.dnsPolicy`: where the Pod's `/etc/resolv.conf` comes from (the kubelet's
/// `pkg/kubelet/network/dns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DnsPolicy {
    /// `ClusterFirst` (the default): the cluster DNS, unless the Pod uses the host network.
    #[default]
    ClusterFirst,
    /// `ClusterFirstWithHostNet`: the cluster DNS, even on the host network.
    ClusterFirstWithHostNet,
    /// `Default`: the node's resolver configuration.
    Default,
    /// `None`: only `spec.dnsConfig`.
    None,
}

impl DnsPolicy {
    /// The policy as written in a manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            DnsPolicy::ClusterFirst => "ClusterFirst",
            DnsPolicy::ClusterFirstWithHostNet => "ClusterFirstWithHostNet",
            DnsPolicy::Default => "Default",
            DnsPolicy::None => "None",
        }
    }
}

/// `spec.dnsConfig`, checked as the API server checks it (`validatePodDNSConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PodDnsConfig {
    /// `nameservers` (at most 3).
    pub nameservers: Vec<IpAddr>,
    /// `searches`, as written (at most 32, 2048 characters with the spaces between them).
    pub searches: Vec<String>,
    /// `options`, in order.
    pub options: Vec<PodDnsOption>,
}

/// One entry of `spec.dnsConfig.options`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PodDnsOption {
    /// `name` (required).
    pub name: String,
    /// `value`.
    pub value: Option<String>,
}

/// One entry of `spec.hostAliases`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostAlias {
    /// `ip`.
    pub ip: IpAddr,
    /// `hostnames` (DNS-1123 subdomains).
    pub hostnames: Vec<String>,
}

/// A container port of a Pod.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContainerPort {
    /// `name`.
    pub name: Option<String>,
    /// `containerPort`.
    pub port: u16,
    /// `protocol`, defaulted to TCP.
    pub protocol: Protocol,
}

/// `status.phase` of a Pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PodPhase {
    /// `Pending`.
    Pending,
    /// `Running`.
    Running,
    /// `Succeeded`.
    Succeeded,
    /// `Failed`.
    Failed,
    /// `Unknown`.
    Unknown,
}
