//! Checking a `v1 Endpoints` object as the API server does (`ValidateEndpoints` in
//! `pkg/apis/core/validation/validation.go`).
//!
//! Each address must be an IP that is not unspecified, loopback, link-local or link-local
//! multicast (`ValidateEndpointIP`), with an optional hostname that is a DNS-1123 label; each port
//! needs a number, and a name when the subset has several. CoreDNS never reads Endpoints: a
//! hand-written one reaches DNS through the EndpointSlices the mirroring controller makes of
//! it (`docs/kubernetes-behaviour.md` §2.4), and only if the API server took it.

use std::net::IpAddr;

use super::ports::endpoint_ports;
use super::{Checker, NameRule, quote, target_ref};
use crate::load::raw::{RawEndpointAddress, RawEndpoints};
use crate::model::{EndpointAddress, EndpointSubset, Endpoints, Kind};

/// Validates an Endpoints object (`ValidateEndpoints`).
pub(crate) fn endpoints(check: &mut Checker<'_>, raw: RawEndpoints) -> Option<Endpoints> {
    let meta = check.meta(raw.metadata, Kind::Endpoints, NameRule::Dns1123Subdomain);
    let mut subsets = Vec::new();
    for (s, subset) in raw.subsets.unwrap_or_default().into_iter().enumerate() {
        let prefix = format!("subsets[{s}]");
        let addresses = endpoint_addresses(
            check,
            &format!("{prefix}.addresses"),
            subset.addresses.unwrap_or_default(),
        );
        let not_ready_addresses = endpoint_addresses(
            check,
            &format!("{prefix}.notReadyAddresses"),
            subset.not_ready_addresses.unwrap_or_default(),
        );
        let ports = endpoint_ports(
            check,
            &format!("{prefix}.ports"),
            subset.ports.unwrap_or_default(),
            true,
        );
        subsets.push(EndpointSubset {
            addresses,
            not_ready_addresses,
            ports,
        });
    }
    let endpoints = Endpoints { meta, subsets };
    check.ok().then_some(endpoints)
}

fn endpoint_addresses(
    check: &mut Checker<'_>,
    prefix: &str,
    raw: Vec<RawEndpointAddress>,
) -> Vec<EndpointAddress> {
    let mut out = Vec::new();
    for (a, address) in raw.into_iter().enumerate() {
        let field = |name: &str| format!("{prefix}[{a}].{name}");
        let ip = check.ip(&field("ip"), address.ip.as_deref());
        if let Some(ip) = ip
            && is_special(&ip)
        {
            check.invalid(
                &field("ip"),
                "an address that is not unspecified, loopback, link-local or link-local multicast",
                quote(&ip.to_string()),
            );
        }
        let hostname =
            check.optional_name(&field("hostname"), address.hostname, NameRule::Dns1123Label);
        if let Some(ip) = ip {
            out.push(EndpointAddress {
                ip,
                hostname: hostname.map(String::into_boxed_str),
                node_name: check
                    .optional_name(
                        &field("nodeName"),
                        address.node_name,
                        NameRule::Dns1123Subdomain,
                    )
                    .map(String::into_boxed_str),
                target_ref: target_ref(address.target_ref),
            });
        }
    }
    out
}

/// Whether an endpoint address is one the API server refuses (`ValidateEndpointIP`, for
/// Endpoints and EndpointSlice addresses alike): unspecified, loopback, link-local unicast, or
/// link-local multicast (`224.0.0.0/24`, `ff02::/16`). Other multicast addresses pass, as
/// the API server's own comment says ("unlike IsGlobalUnicast, it allows global multicast").
pub(super) fn is_special(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_link_local()
                || (a, b, c) == (224, 0, 0)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_unspecified() || v6.is_loopback() || (first & 0xffc0) == 0xfe80 || first == 0xff02
        }
    }
}
