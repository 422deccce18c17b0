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
