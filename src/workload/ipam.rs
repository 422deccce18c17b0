//! Pod IPs for the Pods workloads expand into.
//!
//! In a cluster, kube-controller-manager's node IPAM gives every Node a slice of the cluster's
//! pod CIDR (`--node-cidr-mask-size`: /24 for IPv4, /64 for IPv6) and the CNI plugin on the
//! node hands out addresses from it, skipping the network address and the gateway (`.1`, the
//! node's bridge). The simulator keeps that shape, so a Pod's address tells which node it runs
//! on, as in a real cluster, but replaces "next free address" with a hash of the Pod's
//! namespace and name (probing forward on collision), so the same manifests always give the same
//! addresses whatever order they are loaded in, and a Pod keeps its address when its workload
//! scales. Addresses the input states anywhere are taken up front and never handed out; an
//! address stated by a later change is not taken back from the Pod that already has it (as in a
//! real cluster), so the two then share it.
//!
//! For IPv6 the hashed first choice falls within the low 32 bits of the subnet, which keeps
//! addresses short (`fd00:10:244::9c1:2b7f`); probing may go past it. When a node's subnet is
//! full, the whole cluster range is used instead, so a single simulated node can hold more Pods
//! than a real one would (the default `/16` holds 65,533; configure a larger range for more).

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::cidr::{address_at, usable_offsets};
use crate::generated::fnv1a64;
use crate::model::IpFamily;

/// The pod CIDRs workload Pods get their addresses from, and the per-node mask sizes.
///
/// The default is single-stack IPv4 `10.244.0.0/16` (kubeadm's and flannel's customary range,
/// and kind's default), because a default kind or kubeadm cluster is single-stack.
/// [`PodCidrs::dual_stack`] adds IPv6 `fd00:10:244::/56` (kind's IPv6 default); with both
/// ranges set every workload Pod gets one address of each family, IPv4 first.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PodCidrs {
    /// The IPv4 range, if Pods get IPv4 addresses.
    pub ipv4: Option<Ipv4Net>,
    /// The IPv6 range, if Pods get IPv6 addresses.
    pub ipv6: Option<Ipv6Net>,
    /// The prefix length of each node's IPv4 subnet (`--node-cidr-mask-size-ipv4`, 24).
    pub node_mask_ipv4: u8,
    /// The prefix length of each node's IPv6 subnet (`--node-cidr-mask-size-ipv6`, 64).
    pub node_mask_ipv6: u8,
}

impl PodCidrs {
    /// The default IPv4 range, `10.244.0.0/16`.
    pub fn default_ipv4() -> Ipv4Net {
        Ipv4Net::new(Ipv4Addr::new(10, 244, 0, 0), 16).unwrap_or_default()
    }

    /// The default IPv6 range, `fd00:10:244::/56`.
    pub fn default_ipv6() -> Ipv6Net {
        Ipv6Net::new(Ipv6Addr::new(0xfd00, 0x10, 0x244, 0, 0, 0, 0, 0), 56).unwrap_or_default()
    }

    /// Both default ranges: dual-stack Pods, IPv4 primary.
    pub fn dual_stack() -> Self {
        PodCidrs {
            ipv6: Some(Self::default_ipv6()),
            ..Self::default()
        }
    }

    /// IPv6 only, from the default IPv6 range.
    pub fn ipv6_only() -> Self {
        PodCidrs {
            ipv4: None,
            ipv6: Some(Self::default_ipv6()),
            ..Self::default()
        }
    }

    /// The families Pods get, primary first.
    pub fn families(&self) -> Vec<IpFamily> {
        let mut families = Vec::new();
        if self.ipv4.is_some() {
            families.push(IpFamily::IPv4);
        }
        if self.ipv6.is_some() {
            families.push(IpFamily::IPv6);
        }
        families
    }

    fn range(&self, family: IpFamily) -> Option<(IpNet, u8)> {
        match family {
            IpFamily::IPv4 => self.ipv4.map(|n| (IpNet::V4(n), self.node_mask_ipv4)),
            IpFamily::IPv6 => self.ipv6.map(|n| (IpNet::V6(n), self.node_mask_ipv6)),
        }
    }
}

impl Default for PodCidrs {
    fn default() -> Self {
        PodCidrs {
            ipv4: Some(Self::default_ipv4()),
            ipv6: None,
            node_mask_ipv4: 24,
            node_mask_ipv6: 64,
        }
    }
}

/// Hands out pod IPs, never one in `taken` nor one `is_taken` reports.
pub(crate) struct PodIpAllocator<'a> {
    cidrs: &'a PodCidrs,
    taken: HashSet<IpAddr>,
    is_taken: &'a dyn Fn(&IpAddr) -> bool,
    /// Subnets found full, never probed again (keeps a full range from costing a scan per Pod).
    full: HashSet<IpNet>,
    /// For each subnet of at most [`MAX_MAPPED_SPAN`] usable addresses that has been probed,
    /// the offsets found in use: linear probing skips them without asking `is_taken` (three
    /// index lookups) again, so filling a subnet costs its size, not its size squared.
    used: HashMap<IpNet, UsedOffsets>,
}

/// The largest subnet whose used offsets are kept as bits: a /16 (8 KiB of bits).
const MAX_MAPPED_SPAN: u128 = 1 << 16;

/// One bit per usable offset of a subnet, set when the address is known to be in use.
struct UsedOffsets(Vec<u64>);

impl UsedOffsets {
    fn new(span: u128) -> Self {
        // `span` is at most MAX_MAPPED_SPAN here.
        UsedOffsets(vec![0; (span as usize).div_ceil(64)])
    }

    fn contains(&self, offset: u128) -> bool {
        let offset = offset as usize;
        self.0[offset / 64] & (1 << (offset % 64)) != 0
    }

    fn insert(&mut self, offset: u128) {
        let offset = offset as usize;
        self.0[offset / 64] |= 1 << (offset % 64);
    }
}

impl<'a> PodIpAllocator<'a> {
    pub(crate) fn new(
        cidrs: &'a PodCidrs,
        taken: HashSet<IpAddr>,
        is_taken: &'a dyn Fn(&IpAddr) -> bool,
    ) -> Self {
        PodIpAllocator {
            cidrs,
            taken,
            is_taken,
            full: HashSet::new(),
            used: HashMap::new(),
        }
    }

    /// One address per family for the Pod `namespace/name` on the node at `node_index`, primary
    /// first; a family whose range is full is left out. A node that states its Pod subnets
    /// (`stated`, a Node's `spec.podCIDRs`) gives addresses from them, in their order, and
    /// only of their families; otherwise the node's subnet of each configured pod CIDR is used.
    pub(crate) fn allocate(
        &mut self,
        namespace: &str,
        name: &str,
        node_index: usize,
        stated: &[IpNet],
    ) -> Vec<IpAddr> {
        let hash = fnv1a64(&[namespace, name]);
        let families: Vec<IpFamily> = if stated.is_empty() {
            self.cidrs.families()
        } else {
            stated.iter().map(|net| IpFamily::of(&net.addr())).collect()
        };
        let mut out = Vec::new();
        for family in families {
            let range = self.cidrs.range(family);
            let subnet = stated
                .iter()
                .copied()
                .find(|net| IpFamily::of(&net.addr()) == family)
                .or_else(|| range.and_then(|(range, mask)| node_subnet(range, mask, node_index)));
            let ip = subnet
                .and_then(|subnet| self.pick(subnet, hash))
                .or_else(|| range.and_then(|(range, _)| self.pick(range, hash)));
            out.extend(ip);
        }
        out
    }

    fn pick(&mut self, subnet: IpNet, hash: u64) -> Option<IpAddr> {
        if self.full.contains(&subnet) {
            return None;
        }
        let (first, last) = usable_offsets(subnet)?;
        let span = last - first + 1;
        // IPv6 first choices stay in the low 32 bits, so addresses stay short.
        let window = match subnet {
            IpNet::V4(_) => span,
            IpNet::V6(_) => span.min(1 << 32),
        };
        let start = u128::from(hash) % window;
        let mut used = (span <= MAX_MAPPED_SPAN).then(|| {
            self.used
                .entry(subnet)
                .or_insert_with(|| UsedOffsets::new(span))
        });
        let mut step: u128 = 0;
        while step < span {
            let offset = (start + step) % span;
            step += 1;
            if used.as_ref().is_some_and(|used| used.contains(offset)) {
                continue;
            }
            let ip = address_at(subnet, first + offset);
            // Taken or not, the address is in use after this.
            if let Some(used) = used.as_mut() {
                used.insert(offset);
            }
            if !(self.is_taken)(&ip) && self.taken.insert(ip) {
                return Some(ip);
            }
        }
        self.full.insert(subnet);
        None
    }
}

/// The `node_index`-th subnet of size `mask` in `range`, wrapping when there are more nodes
/// than subnets; the whole range when it is no bigger than one subnet.
fn node_subnet(range: IpNet, mask: u8, node_index: usize) -> Option<IpNet> {
    let prefix = range.prefix_len();
    if mask <= prefix || mask > range.max_prefix_len() {
        return Some(range);
    }
    let subnet_bits = u32::from(mask - prefix).min(32);
    let count = 1u128 << subnet_bits;
    let index = (node_index as u128) % count;
    let host_bits = u32::from(range.max_prefix_len() - mask);
    let base = address_at(range, index << host_bits);
    IpNet::new(base, mask).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(text: &str) -> IpNet {
        text.parse().unwrap()
    }

    #[test]
    fn node_subnets_follow_the_node_cidr_mask() {
        // node IPAM (pkg/controller/nodeipam, cidrset.go): node i gets the i-th /24 or /64.
        let cases: Vec<(&str, u8, usize, &str)> = vec![
            ("10.244.0.0/16", 24, 0, "10.244.0.0/24"),
            ("10.244.0.0/16", 24, 3, "10.244.3.0/24"),
            ("10.244.0.0/16", 24, 256, "10.244.0.0/24"),
            ("fd00:10:244::/56", 64, 1, "fd00:10:244:1::/64"),
            ("10.0.0.0/26", 24, 5, "10.0.0.0/26"),
        ];
        for (range, mask, index, want) in cases {
            assert_eq!(
                node_subnet(net(range), mask, index),
                Some(net(want)),
                "{range} #{index}"
            );
        }
    }

    #[test]
    fn addresses_are_deterministic_inside_the_node_subnet_and_avoid_taken_ones() {
        let cidrs = PodCidrs::dual_stack();
        let first = PodIpAllocator::new(&cidrs, HashSet::new(), &|_| false).allocate(
            "default",
            "web-0",
            1,
            &[],
        );
        let again = PodIpAllocator::new(&cidrs, HashSet::new(), &|_| false).allocate(
            "default",
            "web-0",
            1,
            &[],
        );
        assert_eq!(first, again);
        assert_eq!(first.len(), 2);
        assert!(net("10.244.1.0/24").contains(&first[0]), "{first:?}");
        assert!(net("fd00:10:244:1::/64").contains(&first[1]), "{first:?}");

        let taken: HashSet<IpAddr> = first.iter().copied().collect();
        let moved = PodIpAllocator::new(&cidrs, taken.clone(), &|_| false).allocate(
            "default",
            "web-0",
            1,
            &[],
        );
        assert!(moved.iter().all(|ip| !taken.contains(ip)), "{moved:?}");
    }

    #[test]
    fn a_full_node_subnet_spills_into_the_cluster_range_and_a_full_range_gives_nothing() {
        let cidrs = PodCidrs {
            ipv4: Some("192.168.0.0/29".parse().unwrap()),
            node_mask_ipv4: 30, // a /30 has one usable offset (2)
            ..PodCidrs::default()
        };
        let mut allocator = PodIpAllocator::new(&cidrs, HashSet::new(), &|_| false);
        let mut seen = HashSet::new();
        for i in 0..5 {
            let ips = allocator.allocate("ns", &format!("p{i}"), 0, &[]);
            assert_eq!(ips.len(), 1, "pod {i}");
            assert!(seen.insert(ips[0]));
        }
        assert!(allocator.allocate("ns", "one-too-many", 0, &[]).is_empty());
    }

    #[test]
    fn a_node_s_stated_pod_cidrs_give_its_addresses_and_families() {
        // The CNI's host-local IPAM hands out addresses from the node's spec.podCIDRs, in
        // their order (primary first); a family the node has no subnet for is not given.
        let cidrs = PodCidrs::dual_stack();
        let stated = [net("10.42.7.0/24")];
        let ips =
            PodIpAllocator::new(&cidrs, HashSet::new(), &|_| false).allocate("a", "p", 3, &stated);
        assert_eq!(ips.len(), 1, "{ips:?}");
        assert!(stated[0].contains(&ips[0]), "{ips:?}");
        let stated = [net("fd00:42:7::/64"), net("10.42.7.0/24")];
        let ips =
            PodIpAllocator::new(&cidrs, HashSet::new(), &|_| false).allocate("a", "p", 3, &stated);
        assert!(ips[0].is_ipv6() && ips[1].is_ipv4(), "{ips:?}");
    }
}
