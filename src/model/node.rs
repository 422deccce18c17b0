//! `v1 Node`: where Pods run. DNS depends on a node three ways: a `hostNetwork` Pod's
//! addresses are its node's, a Pod's address comes from its node's Pod subnet, and an
//! endpoint's `zone` is its node's zone label.

use std::net::IpAddr;

use ipnet::IpNet;

use super::ObjectMeta;

/// The label the EndpointSlice controller copies into an endpoint's `zone`
/// (`v1.LabelTopologyZone`).
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// A `v1 Node`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Node {
    /// Name and labels (`namespace` is empty).
    pub meta: ObjectMeta,
    /// The `InternalIP` and `ExternalIP` entries of `status.addresses`, in order (the others,
    /// `Hostname`, `InternalDNS`, `ExternalDNS`, and entries that are not IP addresses, are left
    /// out, as the kubelet leaves them out of a Pod's host IPs).
    pub addresses: Vec<NodeAddress>,
    /// `spec.podCIDRs` (or `spec.podCIDR`): the node's Pod subnets, one per family.
    pub pod_cidrs: Vec<IpNet>,
}

impl Node {
    /// A node with a name and nothing else.
    pub(crate) fn new(name: &str) -> Self {
        Node {
            meta: ObjectMeta::new("", name),
            addresses: Vec::new(),
            pod_cidrs: Vec::new(),
        }
    }

    /// The node's host IPs, as `GetNodeHostIPs` (`k8s.io/component-helpers/node/util`) picks
    /// them for the `status.podIPs` of its `hostNetwork` Pods: the first `InternalIP` (or, with
    /// none, the first `ExternalIP`), then the first address of the other family among the
    /// `InternalIP`s and then the `ExternalIP`s.
    pub fn host_ips(&self) -> Vec<IpAddr> {
        let ordered = self
            .addresses_of(NodeAddressType::InternalIp)
            .chain(self.addresses_of(NodeAddressType::ExternalIp));
        let mut ips: Vec<IpAddr> = Vec::new();
        for ip in ordered {
            match ips.first() {
                None => ips.push(ip),
                Some(first) if first.is_ipv6() != ip.is_ipv6() => {
                    ips.push(ip);
                    break;
                }
                Some(_) => {}
            }
        }
        ips
    }

    /// The node's zone: its `topology.kubernetes.io/zone` label, when not empty.
    pub fn zone(&self) -> Option<&str> {
        self.meta
            .labels
            .get(ZONE_LABEL)
            .map(String::as_str)
            .filter(|zone| !zone.is_empty())
    }

    fn addresses_of(&self, kind: NodeAddressType) -> impl Iterator<Item = IpAddr> + '_ {
        self.addresses
            .iter()
            .filter(move |address| address.address_type == kind)
            .map(|address| address.address)
    }
}

/// One kept entry of a Node's `status.addresses`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeAddress {
    /// `type`.
    pub address_type: NodeAddressType,
    /// `address`.
    pub address: IpAddr,
}

/// The `type` of a kept Node address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeAddressType {
    /// `InternalIP`.
    InternalIp,
    /// `ExternalIP`.
    ExternalIp,
}

#[cfg(test)]
mod tests {
    use super::*;

    // Table rows spell their type out.
    #[allow(clippy::type_complexity)]
    #[test]
    fn host_ips_follow_get_node_host_ips() {
        // component-helpers node/util ips.go GetNodeHostIPs: InternalIPs first, then
        // ExternalIPs; the first one, then the first of the other family.
        use NodeAddressType::{ExternalIp as E, InternalIp as I};
        let cases: &[(&[(NodeAddressType, &str)], &[&str], &str)] = &[
            (&[(I, "10.0.0.2")], &["10.0.0.2"], "one InternalIP"),
            (
                &[(E, "34.1.1.1"), (I, "10.0.0.2")],
                &["10.0.0.2"],
                "InternalIP before ExternalIP whatever the order",
            ),
            (
                &[(E, "34.1.1.1")],
                &["34.1.1.1"],
                "ExternalIP when no InternalIP",
            ),
            (
                &[(I, "10.0.0.2"), (I, "10.0.0.3"), (I, "fd00::2")],
                &["10.0.0.2", "fd00::2"],
                "dual stack: the first of each family",
            ),
            (
                &[(I, "fd00::2"), (E, "34.1.1.1")],
                &["fd00::2", "34.1.1.1"],
                "the other family from an ExternalIP",
            ),
            (&[], &[], "no address"),
        ];
        for (addresses, want, why) in cases {
            let mut node = Node::new("n");
            node.addresses = addresses
                .iter()
                .map(|(address_type, ip)| NodeAddress {
                    address_type: *address_type,
                    address: ip.parse().unwrap(),
                })
                .collect();
            let want: Vec<IpAddr> = want.iter().map(|ip| ip.parse().unwrap()).collect();
            assert_eq!(node.host_ips(), want, "{why}");
        }
    }
}
