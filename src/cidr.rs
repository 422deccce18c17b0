//! Address arithmetic over CIDR ranges, shared by the two allocators that hand out addresses
//! by hashing: ClusterIPs (`cluster::allocate`) and pod IPs (`workload::ipam`).
//!
//! Both skip the same offsets a real cluster never hands out: the network address, the first
//! address after it (the gateway on a node's pod subnet, `default/kubernetes` in a service
//! range) and, for IPv4, the broadcast address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// The first and last offsets handed out by hashing (inclusive): the network address and the
/// first address after it (the gateway, or `default/kubernetes`) are skipped, and for IPv4 the
/// broadcast address.
pub(crate) fn usable_offsets(range: IpNet) -> Option<(u128, u128)> {
    let host_bits = u32::from(range.max_prefix_len() - range.prefix_len());
    let size: u128 = if host_bits >= 128 {
        u128::MAX
    } else {
        1u128 << host_bits
    };
    let last = match range {
        IpNet::V4(_) => size.checked_sub(2)?, // skip broadcast
        IpNet::V6(_) => size.checked_sub(1)?,
    };
    (last >= 2).then_some((2, last))
}

/// The address `offset` hosts into `range`.
pub(crate) fn address_at(range: IpNet, offset: u128) -> IpAddr {
    match range {
        IpNet::V4(net) => {
            let base = u32::from(net.network());
            IpAddr::V4(Ipv4Addr::from(base.wrapping_add(offset as u32)))
        }
        IpNet::V6(net) => {
            let base = u128::from(net.network());
            IpAddr::V6(Ipv6Addr::from(base.wrapping_add(offset)))
        }
    }
}
