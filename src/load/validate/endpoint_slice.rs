//! Checking a `discovery.k8s.io/v1 EndpointSlice` as the API server does
//! (`ValidateEndpointSlice` in `pkg/apis/discovery/validation/validation.go`; see
//! `docs/kubernetes-behaviour.md` §2.2).
//!
//! The slice is what CoreDNS reads, so its limits are kept: `addressType` is required and is
//! IPv4, IPv6 or FQDN; at most 1000 endpoints, each with 1 to 100 addresses of that type (an
//! FQDN address is a DNS-1123 subdomain; an IP address is not unspecified, loopback, link-local
//! or link-local multicast, as `ValidateEndpointIP` says), an optional hostname that is a DNS-1123 label
//! and an optional node name that is a DNS-1123 subdomain; ports are optional, with unique
//! names (an unset name is "", so two unnamed ports clash) and `appProtocol` a qualified name.

use std::net::IpAddr;

use super::endpoints::is_special;
use super::ports::endpoint_ports;
use super::{Checker, NameRule, non_empty, quote, target_ref};
use crate::load::raw::RawEndpointSlice;
use crate::model::{AddressType, Endpoint, EndpointConditions, EndpointSlice, IpFamily, Kind};

/// The most endpoints an EndpointSlice may hold.
const MAX_SLICE_ENDPOINTS: usize = 1000;
/// The most addresses one EndpointSlice endpoint may hold.
const MAX_ENDPOINT_ADDRESSES: usize = 100;

/// Validates an EndpointSlice (`ValidateEndpointSlice`).
pub(crate) fn endpoint_slice(
    check: &mut Checker<'_>,
    raw: RawEndpointSlice,
) -> Option<EndpointSlice> {
    let meta = check.meta(
        raw.metadata,
        Kind::EndpointSlice,
        NameRule::Dns1123Subdomain,
    );
    let address_type = check.choice(
        "addressType",
        raw.address_type.as_deref(),
        true,
        &[
            ("IPv4", AddressType::IPv4),
            ("IPv6", AddressType::IPv6),
            ("FQDN", AddressType::Fqdn),
        ],
    );
    let raw_endpoints = raw.endpoints.unwrap_or_default();
    if raw_endpoints.len() > MAX_SLICE_ENDPOINTS {
        check.invalid(
            "endpoints",
            format!("at most {MAX_SLICE_ENDPOINTS} endpoints"),
            format!("{} endpoints", raw_endpoints.len()),
        );
    }
    let mut endpoints = Vec::with_capacity(raw_endpoints.len());
    for (e, endpoint) in raw_endpoints.into_iter().enumerate() {
        let field = |name: &str| format!("endpoints[{e}].{name}");
        let raw_addresses = endpoint.addresses.unwrap_or_default();
        if raw_addresses.is_empty() {
            check.missing(&field("addresses"));
        } else if raw_addresses.len() > MAX_ENDPOINT_ADDRESSES {
            check.invalid(
                &field("addresses"),
                format!("at most {MAX_ENDPOINT_ADDRESSES} addresses"),
                format!("{} addresses", raw_addresses.len()),
            );
        }
        let mut fqdn_addresses = Vec::new();
        // Field paths are written only for an error: a good slice allocates only what the
        // cluster keeps.
        let mut addresses = Vec::with_capacity(raw_addresses.len());
        for (a, address) in raw_addresses.into_iter().enumerate() {
            let field = || format!("endpoints[{e}].addresses[{a}]");
            match address_type {
                Some(AddressType::Fqdn)
                    if check.name(&field(), &address, NameRule::Dns1123Subdomain) =>
                {
                    fqdn_addresses.push(address);
                }
                Some(AddressType::Fqdn) => {}
                Some(family @ (AddressType::IPv4 | AddressType::IPv6)) => {
                    let (want, name) = match family {
                        AddressType::IPv4 => (IpFamily::IPv4, "an IPv4 address"),
                        _ => (IpFamily::IPv6, "an IPv6 address"),
                    };
                    match address.parse::<IpAddr>() {
                        Ok(ip) if IpFamily::of(&ip) == want && is_special(&ip) => check.invalid(
                            &field(),
                            "an address that is not unspecified, loopback, link-local or link-local multicast",
                            quote(&address),
                        ),
                        Ok(ip) if IpFamily::of(&ip) == want => addresses.push(ip),
                        _ => check.invalid(&field(), name, quote(&address)),
                    }
                }
                None => {}
            }
        }
        let conditions = endpoint.conditions.unwrap_or_default();
        let hostname = match endpoint.hostname {
            Some(hostname) if !hostname.is_empty() => {
                check.optional_name(&field("hostname"), Some(hostname), NameRule::Dns1123Label)
            }
            _ => None,
        };
        endpoints.push(Endpoint {
            addresses,
            fqdn_addresses,
            conditions: EndpointConditions {
                ready: conditions.ready,
                serving: conditions.serving,
                terminating: conditions.terminating,
            },
            hostname: hostname.map(String::into_boxed_str),
            node_name: check
                .optional_name(
                    &field("nodeName"),
                    endpoint.node_name,
                    NameRule::Dns1123Subdomain,
                )
                .map(String::into_boxed_str),
            zone: non_empty(endpoint.zone),
            target_ref: target_ref(endpoint.target_ref),
        });
    }
    let ports = endpoint_ports(check, "ports", raw.ports.unwrap_or_default(), false);
    let slice = EndpointSlice {
        meta,
        address_type: address_type.unwrap_or(AddressType::IPv4),
        endpoints,
        ports,
    };
    check.ok().then_some(slice)
}
