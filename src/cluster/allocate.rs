//! ClusterIP allocation for Services that do not state one.
//!
//! A real API server hands out the next free address from its service CIDR, so the IP a
//! Service gets depends on the order objects were created in. A simulator wants the opposite:
//! the same manifests always give the same IPs, whatever order they are loaded in, and adding a
//! Service does not move the others. So each Service's first choice is a hash of its namespace
//! and name, probing forward on collision; within one load, Services are placed in name order
//! so that even collisions resolve the same way every time. Addresses given explicitly are
//! reserved first and never handed out. Once allocated, an address stays with its Service
//! across later changes (as in a real cluster), so a Service added later that collides probes
//! on, where a fresh load of the final manifests might have placed the two the other way round.
//!
//! Two offsets are never used: the network address, and the first address after it, which a
//! real cluster gives to `default/kubernetes` (and so does this allocator, when that Service is
//! loaded without an IP). For IPv4 the broadcast address is skipped too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::cidr::{address_at, usable_offsets};
use crate::generated::fnv1a64;
use crate::model::IpFamily;

/// The service CIDRs ClusterIPs are allocated from.
///
/// The default is kubeadm's IPv4 range `10.96.0.0/12` and, for IPv6 and dual-stack Services,
/// `fd00:10:96::/112` (kind's default). IPv4 is the primary family unless no IPv4 range is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCidrs {
    /// The IPv4 range, if the cluster has one.
    pub ipv4: Option<Ipv4Net>,
    /// The IPv6 range, if the cluster has one.
    pub ipv6: Option<Ipv6Net>,
}

impl Default for ServiceCidrs {
    fn default() -> Self {
        ServiceCidrs {
            ipv4: Some(Ipv4Net::new(Ipv4Addr::new(10, 96, 0, 0), 12).expect("a valid prefix")),
            ipv6: Some(
                Ipv6Net::new(Ipv6Addr::new(0xfd00, 0x10, 0x96, 0, 0, 0, 0, 0), 112)
                    .expect("a valid prefix"),
            ),
        }
    }
}

impl ServiceCidrs {
    /// The cluster's primary family: IPv4 when it has an IPv4 range.
    pub fn primary_family(&self) -> IpFamily {
        if self.ipv4.is_some() || self.ipv6.is_none() {
            IpFamily::IPv4
        } else {
            IpFamily::IPv6
        }
    }

    /// The range of a family.
    pub fn range(&self, family: IpFamily) -> Option<IpNet> {
        match family {
            IpFamily::IPv4 => self.ipv4.map(IpNet::V4),
            IpFamily::IPv6 => self.ipv6.map(IpNet::V6),
        }
    }
}

/// Where a service CIDR is known from, for the error a ClusterIP outside it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CidrOrigin {
    /// Stated on the builder ([`ClusterBuilder::service_cidrs`](crate::ClusterBuilder)).
    Builder,
    /// The largest range `default/kubernetes`'s ClusterIP can be the first address of.
    KubernetesService(IpAddr),
}

impl std::fmt::Display for CidrOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CidrOrigin::Builder => f.write_str("stated on the builder"),
            CidrOrigin::KubernetesService(ip) => write!(
                f,
                "the largest one Service default/kubernetes at {ip}, its first address, allows"
            ),
        }
    }
}

/// The service CIDRs a ClusterIP a Service states is checked against, as the API server checks
/// it ("the provided IP is not in the valid range"). A cluster's ranges vary (kubeadm
/// `10.96.0.0/12`, k3s `10.43.0.0/16`, EKS `10.100.0.0/16`, GKE `34.118.224.0/20`), so an
/// address outside them is an error only where the range is known: stated on the builder, or
/// implied by `default/kubernetes`; elsewhere it is checked against the default ranges, for a
/// diagnostic only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct CidrCheck {
    /// Known ranges: an address of a family with one must lie in one of them.
    pub(crate) known: Vec<(IpNet, CidrOrigin)>,
    /// The ranges assumed for the families without a known one.
    pub(crate) assumed: Vec<IpNet>,
}

/// Where an address lies outside the service CIDRs.
pub(crate) enum Outside<'a> {
    /// A known range: the API server would refuse the address.
    Known(IpNet, &'a CidrOrigin),
    /// The assumed (default) range of its family: worth a diagnostic.
    Assumed(IpNet),
}

impl CidrCheck {
    /// The ranges stated on the builder.
    pub(crate) fn stated(cidrs: &ServiceCidrs) -> Self {
        let ranges = [cidrs.range(IpFamily::IPv4), cidrs.range(IpFamily::IPv6)];
        CidrCheck {
            known: ranges
                .into_iter()
                .flatten()
                .map(|range| (range, CidrOrigin::Builder))
                .collect(),
            assumed: Vec::new(),
        }
    }

    /// The ranges `default/kubernetes`'s ClusterIPs imply (none assumed for its other family),
    /// or with no such Service the `defaults`; and the ranges to allocate from (within the
    /// implied ones).
    pub(crate) fn learnt(kubernetes: &[IpAddr], defaults: &ServiceCidrs) -> (Self, ServiceCidrs) {
        let mut check = CidrCheck::default();
        let mut allocation = defaults.clone();
        for family in [IpFamily::IPv4, IpFamily::IPv6] {
            let implied = kubernetes
                .iter()
                .find(|ip| IpFamily::of(ip) == family)
                .and_then(|&ip| implied_range(ip).map(|range| (ip, range)));
            match implied {
                Some((ip, range)) => {
                    check.known.push((range, CidrOrigin::KubernetesService(ip)));
                    match allocation_range(range) {
                        IpNet::V4(v4) => allocation.ipv4 = Some(v4),
                        IpNet::V6(v6) => allocation.ipv6 = Some(v6),
                    }
                }
                // `default/kubernetes` is single-stack, in the primary family: it says the
                // primary range and nothing of the other family's, which then goes unchecked
                // (a dual-stack dump's IPv6 ClusterIPs are not "outside" any range we know).
                None if !kubernetes.is_empty() => {}
                None => check.assumed.extend(defaults.range(family)),
            }
        }
        (check, allocation)
    }

    /// Where `ip` lies outside the ranges of its family, if it does.
    pub(crate) fn outside(&self, ip: IpAddr) -> Option<Outside<'_>> {
        let family = IpFamily::of(&ip);
        let known: Vec<&(IpNet, CidrOrigin)> = self
            .known
            .iter()
            .filter(|(range, _)| IpFamily::of(&range.network()) == family)
            .collect();
        if let Some((range, origin)) = known.first() {
            return (!known.iter().any(|(range, _)| hands_out(range, &ip)))
                .then_some(Outside::Known(*range, origin));
        }
        self.assumed
            .iter()
            .find(|range| IpFamily::of(&range.network()) == family)
            .filter(|range| !hands_out(range, &ip))
            .map(|range| Outside::Assumed(*range))
    }
}

/// Whether the API server's allocator for `range` can hold `ip`: an address of the range but
/// its first (the network address) and, for IPv4, its last (the broadcast address), which
/// the allocator leaves out ("provided IP is not in the valid range", as for one outside).
fn hands_out(range: &IpNet, ip: &IpAddr) -> bool {
    let ends = match range {
        IpNet::V4(v4) if v4.prefix_len() < 31 => ip == &IpAddr::V4(v4.broadcast()),
        _ => false,
    };
    range.contains(ip) && ip != &range.network() && !ends
}

/// The largest service CIDR whose first address is `ip` (`default/kubernetes` always gets
/// it): the network `ip - 1` with the shortest prefix it is aligned to, no shorter than the API
/// server allows (`--service-cluster-ip-range` holds at most 2^20 addresses: /12 for IPv4,
/// /108 for IPv6). `None` for an address that is not the first of a /24 (/120) or larger.
pub(crate) fn implied_range(ip: IpAddr) -> Option<IpNet> {
    let (network, bits, shortest, longest): (u128, u32, u32, u32) = match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)).checked_sub(1)?, 32, 12, 24),
        IpAddr::V6(v6) => (u128::from(v6).checked_sub(1)?, 128, 108, 120),
    };
    let aligned = bits - network.trailing_zeros().min(bits);
    // A real service CIDR is not smaller than a /24 (IPv4) or /120 (IPv6); an address that
    // could only be the first of a smaller one (`10.96.0.3`) is a hand-written one, not a
    // cluster's `default/kubernetes`, and implies nothing.
    if aligned > longest {
        return None;
    }
    let prefix = u8::try_from(aligned.max(shortest)).ok()?;
    let range = IpNet::new(ip, prefix).ok()?.trunc();
    (address_at(range, 1) == ip).then_some(range)
}

/// The part of an implied range ClusterIPs are allocated from: at most a /20 (IPv4) or /112
/// (IPv6) from its start, so that an allocated address is in the cluster's real range too (the
/// implied range may be larger than it: EKS's `10.100.0.0/16` implies `10.100.0.0/14`).
fn allocation_range(range: IpNet) -> IpNet {
    let longest = match range {
        IpNet::V4(_) => 20,
        IpNet::V6(_) => 112,
    };
    IpNet::new(range.network(), range.prefix_len().max(longest)).unwrap_or(range)
}

/// An address in `range` for the Service `namespace/name` that `is_taken` does not report,
/// or `None` when the range is full.
pub(crate) fn allocate(
    range: IpNet,
    namespace: &str,
    name: &str,
    is_taken: impl Fn(&IpAddr) -> bool,
) -> Option<IpAddr> {
    let (first, last) = usable_offsets(range)?;
    if namespace == "default" && name == "kubernetes" {
        let ip = address_at(range, 1);
        if !is_taken(&ip) {
            return Some(ip);
        }
    }
    let span = last - first + 1;
    // FNV-1a: stable across platforms and Rust versions, unlike `std`'s hasher.
    let start = u128::from(fnv1a64(&[namespace, name])) % span;
    // A full probe of a large range would take long; a range this full is reported as full.
    let budget = span.min(1 << 20);
    (0..budget)
        .map(|step| address_at(range, first + (start + step) % span))
        .find(|ip| !is_taken(ip))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_allocator_leaves_out_the_network_and_the_ipv4_broadcast_address() {
        // pkg/registry/core/service/ipallocator: the first address of a range is never handed
        // out, nor, for IPv4, the last; a stated ClusterIP there is "not in the valid range".
        let table = [
            ("10.96.0.0/12", "10.96.0.0", false),
            ("10.96.0.0/12", "10.96.0.1", true),
            ("10.96.0.0/12", "10.111.255.254", true),
            ("10.96.0.0/12", "10.111.255.255", false),
            ("10.96.0.0/12", "10.112.0.1", false),
            ("fd00:10:96::/112", "fd00:10:96::", false),
            ("fd00:10:96::/112", "fd00:10:96::1", true),
            ("fd00:10:96::/112", "fd00:10:96::ffff", true),
        ];
        for (range, ip, expected) in table {
            let range: ipnet::IpNet = range.parse().unwrap();
            let ip: std::net::IpAddr = ip.parse().unwrap();
            assert_eq!(super::hands_out(&range, &ip), expected, "{ip} of {range}");
        }
    }

    #[test]
    fn the_kubernetes_service_implies_the_largest_range_it_can_start() {
        let table = [
            ("10.96.0.1", Some("10.96.0.0/12")), // kubeadm: exactly its range
            ("10.43.0.1", Some("10.43.0.0/16")), // k3s: exactly
            ("10.100.0.1", Some("10.100.0.0/14")), // EKS's /16, and what else it could be
            ("34.118.224.1", Some("34.118.224.0/19")), // GKE's /20 likewise
            ("10.0.0.1", Some("10.0.0.0/12")),   // no larger than the API server allows
            ("fd00:10:96::1", Some("fd00:10:96::/108")),
            ("10.96.0.3", None), // the first of a /31 only: hand-written
            ("10.96.0.10", None),
            ("0.0.0.0", None),
        ];
        for (ip, range) in table {
            let implied = super::implied_range(ip.parse().unwrap()).map(|r| r.to_string());
            assert_eq!(implied.as_deref(), range, "{ip}");
        }
    }

    use std::collections::HashSet;

    use super::*;

    fn net(text: &str) -> IpNet {
        text.parse().unwrap()
    }

    #[test]
    fn allocation_is_deterministic_and_stays_inside_the_range() {
        let range = net("10.96.0.0/12");
        let first = allocate(range, "default", "web", |_| false).unwrap();
        let again = allocate(range, "default", "web", |_| false).unwrap();
        assert_eq!(first, again);
        assert!(range.contains(&first));
        assert_ne!(first, address_at(range, 0));
        assert_ne!(first, address_at(range, 1));
    }

    #[test]
    fn kubernetes_service_gets_the_first_address() {
        let ip = allocate(net("10.96.0.0/12"), "default", "kubernetes", |_| false);
        assert_eq!(ip, Some("10.96.0.1".parse().unwrap()));
    }

    #[test]
    fn a_taken_address_is_never_handed_out_and_a_full_range_says_so() {
        // A /29 has offsets 2..=6 usable: five addresses.
        let range = net("192.168.0.0/29");
        let mut seen = HashSet::new();
        for i in 0..5 {
            let ip = allocate(range, "ns", &format!("svc{i}"), |ip| seen.contains(ip)).unwrap();
            assert!(seen.insert(ip), "{ip} handed out twice");
        }
        assert_eq!(
            allocate(range, "ns", "one-too-many", |ip| seen.contains(ip)),
            None
        );
    }

    #[test]
    fn ranges_too_small_to_hold_a_service_allocate_nothing() {
        assert_eq!(allocate(net("10.0.0.0/31"), "a", "b", |_| false), None);
    }
}
