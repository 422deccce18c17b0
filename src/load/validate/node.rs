//! Checking a `v1 Node` (`ValidateNode` in `pkg/apis/core/validation/validation.go`) where it
//! matters to Pods.
//!
//! The name is a DNS-1123 subdomain (`ValidateNodeName`); a Node is cluster-scoped, so its
//! `metadata.namespace` is ignored. `spec.podCIDRs` are CIDRs, at most one of each family and
//! none twice ("may specify no more than one CIDR for each IP family"); `spec.podCIDR` counts
//! when `podCIDRs` is empty, as the v1 conversion reads it. `status` is not validated by the
//! API server ("All status fields are optional"): of `status.addresses` the simulator keeps
//! the `InternalIP` and `ExternalIP` entries that are IP addresses, as the kubelet does when it
//! picks a node's host IPs (`GetNodeHostIPs` skips what does not parse).

use ipnet::IpNet;

use super::{Checker, NameRule, quote};
use crate::load::raw::RawNode;
use crate::model::{IpFamily, Kind, Node, NodeAddress, NodeAddressType};

/// Validates a Node.
pub(crate) fn node(check: &mut Checker<'_>, raw: RawNode) -> Option<Node> {
    let meta = check.meta(raw.metadata, Kind::Node, NameRule::Dns1123Subdomain);
    let spec = raw.spec.unwrap_or_default();
    let (field, texts) = match spec.pod_cidrs.filter(|cidrs| !cidrs.is_empty()) {
        Some(cidrs) => ("spec.podCIDRs", cidrs),
        None => (
            "spec.podCIDR",
            spec.pod_cidr
                .filter(|c| !c.is_empty())
                .into_iter()
                .collect(),
        ),
    };
    let mut pod_cidrs: Vec<IpNet> = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let at = if field == "spec.podCIDRs" {
            format!("{field}[{i}]")
        } else {
            field.to_owned()
        };
        let Ok(cidr) = text.parse::<IpNet>() else {
            check.invalid(
                &at,
                "a CIDR (an address and a prefix length, 10.244.1.0/24 or fd00:10:244:1::/64)",
                quote(text),
            );
            continue;
        };
        let family = IpFamily::of(&cidr.addr());
        if pod_cidrs.iter().any(|c| IpFamily::of(&c.addr()) == family) {
            check.invalid(&at, "no more than one CIDR for each IP family", quote(text));
            continue;
        }
        pod_cidrs.push(cidr.trunc());
    }
    let addresses = raw
        .status
        .unwrap_or_default()
        .addresses
        .unwrap_or_default()
        .into_iter()
        .filter_map(|address| {
            let address_type = match address.address_type.as_deref() {
                Some("InternalIP") => NodeAddressType::InternalIp,
                Some("ExternalIP") => NodeAddressType::ExternalIp,
                _ => return None,
            };
            let address = address.address?.trim().parse().ok()?;
            Some(NodeAddress {
                address_type,
                address,
            })
        })
        .collect();
    let mut node = Node::new(&meta.name);
    node.meta = meta;
    node.addresses = addresses;
    node.pod_cidrs = pod_cidrs;
    check.ok().then_some(node)
}
