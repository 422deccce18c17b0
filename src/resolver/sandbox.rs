//! What a stub resolver in a pod can see: its files, its hostname and its addresses.

use std::net::IpAddr;

use super::conf::ResolvConf;

/// An address on one of the pod's interfaces, with its prefix length (the subnet glibc's rule
/// 9 compares IPv4 destinations against).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Interface {
    /// The address.
    pub address: IpAddr,
    /// Its prefix length.
    pub prefix: u8,
}

impl Interface {
    /// An interface address.
    pub fn new(address: IpAddr, prefix: u8) -> Interface {
        Interface { address, prefix }
    }
}

/// A pod sandbox as its stub resolver sees it (the CRI's word for the pod's shared files and
/// network namespace): `/etc/resolv.conf` and `/etc/hosts` as text, `gethostname()`, and the
/// addresses `getaddrinfo` sorts its results against.
///
/// [`Kubelet::sandbox`](super::Kubelet::sandbox) builds one from a Pod as the kubelet would;
/// [`PodSandbox::new`] takes the files as they are, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PodSandbox {
    /// The text of `/etc/resolv.conf`.
    pub resolv_conf: String,
    /// The text of `/etc/hosts`; `None` when the container has none (the kubelet mounts one
    /// only for pods with an IP).
    pub hosts: Option<String>,
    /// What `gethostname()` returns (the pod's hostname; its FQDN with `setHostnameAsFQDN`).
    /// glibc and Go take the part after its first dot as the search list when
    /// `resolv.conf` has none.
    pub hostname: String,
    /// The addresses of the pod's own interface (`eth0`, or the node's for host-network
    /// pods), in order. A family without one has no route: destinations of that family are
    /// unusable for the address sort (RFC 6724 rule 1). `lo` (`127.0.0.1/8`, and `::1/128`
    /// when [`PodSandbox::loopback_ipv6`]) is always there.
    pub interfaces: Vec<Interface>,
    /// Whether `lo` has `::1` (it has in pods unless IPv6 is disabled in the kernel).
    pub loopback_ipv6: bool,
}

impl PodSandbox {
    /// A sandbox with this `resolv.conf` text, no hosts file, hostname `pod`, no interface
    /// but `lo`.
    pub fn new(resolv_conf: impl Into<String>) -> PodSandbox {
        PodSandbox {
            resolv_conf: resolv_conf.into(),
            hosts: None,
            hostname: "pod".to_owned(),
            interfaces: Vec::new(),
            loopback_ipv6: true,
        }
    }

    /// The sandbox of a [`ResolvConf`] as the runtime writes it.
    pub fn from_resolv_conf(conf: &ResolvConf) -> PodSandbox {
        PodSandbox::new(conf.to_string())
    }

    /// With this `/etc/hosts` text.
    pub fn with_hosts(mut self, hosts: impl Into<String>) -> PodSandbox {
        self.hosts = Some(hosts.into());
        self
    }

    /// With this hostname.
    pub fn with_hostname(mut self, hostname: impl Into<String>) -> PodSandbox {
        self.hostname = hostname.into();
        self
    }

    /// With these interface addresses.
    pub fn with_interfaces(
        mut self,
        interfaces: impl IntoIterator<Item = Interface>,
    ) -> PodSandbox {
        self.interfaces = interfaces.into_iter().collect();
        self
    }

    /// The source address the kernel would pick for `destination`, and its prefix length:
    /// `lo` for loopback destinations, else the first interface address of the family; `None`
    /// when the family has no route.
    pub fn source_for(&self, destination: IpAddr) -> Option<Interface> {
        if destination.is_loopback() {
            return match destination {
                IpAddr::V4(_) => Some(Interface::new(IpAddr::from([127, 0, 0, 1]), 8)),
                IpAddr::V6(_) if self.loopback_ipv6 => Some(Interface::new(destination, 128)),
                IpAddr::V6(_) => None,
            };
        }
        if destination.is_unspecified() {
            return None;
        }
        self.interfaces
            .iter()
            .find(|interface| interface.address.is_ipv4() == destination.is_ipv4())
            .copied()
    }
}
