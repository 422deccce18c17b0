//! Zones written as text: Corefile server block keys (`dns://.:53`) and zone arguments, and the
//! zones given to [`Config::with_zones`](super::Config::with_zones).
//!
//! As CoreDNS reads them: a scheme (`dns://`, `tls://`, …) and a trailing `:PORT` are removed; a
//! CIDR such as `10.0.0.0/8` becomes its reverse zone (`10.in-addr.arpa.`), and a CIDR that is not
//! on an octet (IPv4) or nibble (IPv6) boundary becomes every reverse zone it covers; anything
//! else is a domain name, lower-cased and made absolute.

use std::net::IpAddr;

use hickory_proto::rr::Name;

use super::{Scheme, normalize_zone};

const SCHEMES: &[(&str, Scheme)] = &[
    ("tls://", Scheme::Tls),
    ("dns://", Scheme::Dns),
    ("quic://", Scheme::Quic),
    ("grpc://", Scheme::Grpc),
    ("https3://", Scheme::Https3),
    ("https://", Scheme::Https),
    // CoreDNS has no unix transport for server blocks; a key written so serves nothing here.
    ("unix://", Scheme::Dns),
];

/// A server block key read: its scheme, its port when written, and the zones it stands for.
pub(crate) struct Key {
    pub(crate) scheme: Scheme,
    pub(crate) port: Option<u16>,
    pub(crate) zones: Vec<Name>,
}

/// The zones a key or zone argument stands for, in order.
///
/// # Errors
/// What `text` should have been (the `expected` of "expected …, found `text`").
pub(crate) fn zones(text: &str) -> Result<Vec<Name>, &'static str> {
    key(text).map(|key| key.zones)
}

/// A server block key (`[SCHEME://]ZONE[:PORT]`) read as CoreDNS reads it.
///
/// # Errors
/// What `text` should have been (the `expected` of "expected …, found `text`").
pub(crate) fn key(text: &str) -> Result<Key, &'static str> {
    let mut host = text;
    let mut scheme = Scheme::Dns;
    if let Some((prefix, found)) = SCHEMES.iter().find(|(prefix, _)| host.starts_with(*prefix)) {
        host = &host[prefix.len()..];
        scheme = *found;
    }
    let mut port = None;
    if let Some(colon) = host.rfind(':') {
        let digits = &host[colon + 1..];
        if digits.is_empty() {
            return Err("a port number after `:`");
        }
        if digits.bytes().all(|b| b.is_ascii_digit()) {
            // CoreDNS listens on it (net.ResolveTCPAddr): a number past 65535 stops it.
            let Ok(number) = digits.parse::<u16>() else {
                return Err("a port number from 0 to 65535 after `:`");
            };
            port = Some(number);
            host = &host[..colon];
        }
    }
    if host.len() > 255 {
        return Err("a zone name of at most 255 characters");
    }
    let zones = match cidr_zones(host) {
        Some(reverse) => reverse.map_err(|()| "a valid CIDR for a reverse zone")?,
        None => vec![normalize_zone(host).ok_or("a zone name")?],
    };
    Ok(Key {
        scheme,
        port,
        zones,
    })
}

/// How many reverse zones a key or zone argument written as a CIDR stands for (1 to 128: a
/// CIDR off a label boundary covers up to 2^7 of them); 0 for anything else. Counted without
/// building them, so a Corefile can be refused for its zone count before they are built.
pub(crate) fn cidr_zone_count(text: &str) -> usize {
    let host = SCHEMES
        .iter()
        .find_map(|(prefix, _)| text.strip_prefix(*prefix))
        .unwrap_or(text);
    let host = match host.rfind(':') {
        Some(colon) if host[colon + 1..].bytes().all(|b| b.is_ascii_digit()) => &host[..colon],
        _ => host,
    };
    match cidr(host) {
        Some(Ok((address, prefix))) => {
            let boundary = if address.is_ipv4() { 8 } else { 4 };
            1 << (prefix.div_ceil(boundary) * boundary - prefix)
        }
        _ => 0,
    }
}

/// `Some` when `host` is written as a CIDR: its reverse zones, or `Err` when CoreDNS refuses it.
fn cidr_zones(host: &str) -> Option<Result<Vec<Name>, ()>> {
    Some(match cidr(host)? {
        Ok((address, prefix)) => reverse_zones(address, prefix).ok_or(()),
        Err(()) => Err(()),
    })
}

/// `Some` when `host` is written as a CIDR: its address and prefix length, or `Err` when CoreDNS
/// refuses it.
fn cidr(host: &str) -> Option<Result<(IpAddr, u32), ()>> {
    let (address, prefix) = host.split_once('/')?;
    let address: IpAddr = address.parse().ok()?;
    // Go's ParseCIDR takes the prefix as plain decimal digits.
    if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u32 = prefix.parse().ok()?;
    let bits = if address.is_ipv4() { 32 } else { 128 };
    if prefix > bits {
        return None;
    }
    if host.starts_with(':') || (host.starts_with('0') && host.contains(':')) {
        return Some(Err(()));
    }
    Some(Ok((address, prefix)))
}

/// The reverse zones covering `address/prefix`, split on label boundaries.
fn reverse_zones(address: IpAddr, prefix: u32) -> Option<Vec<Name>> {
    let (bytes, boundary, suffix): (Vec<u8>, u32, &str) = match address {
        IpAddr::V4(v4) => (v4.octets().to_vec(), 8, "in-addr.arpa."),
        IpAddr::V6(v6) => (v6.octets().to_vec(), 4, "ip6.arpa."),
    };
    let bits = u32::try_from(bytes.len()).ok()? * 8;
    let network = mask(&bytes, prefix);
    let rounded = prefix.div_ceil(boundary) * boundary;
    let count = 1u32 << (rounded - prefix);
    let mut zones = Vec::new();
    for index in 0..count {
        let mut subnet = network.clone();
        // Add `index` at bit position `rounded` (counted from the left).
        add_at(&mut subnet, u128::from(index), bits - rounded);
        let digits: Vec<String> = if boundary == 8 {
            subnet[..(rounded / 8) as usize]
                .iter()
                .map(u8::to_string)
                .collect()
        } else {
            subnet
                .iter()
                .flat_map(|byte| [byte >> 4, byte & 0x0f])
                .take((rounded / 4) as usize)
                .map(|nibble| format!("{nibble:x}"))
                .collect()
        };
        let mut name: String = digits.iter().rev().map(|d| format!("{d}.")).collect();
        name.push_str(suffix);
        zones.push(normalize_zone(&name)?);
    }
    Some(zones)
}

fn mask(bytes: &[u8], prefix: u32) -> Vec<u8> {
    bytes
        .iter()
        .enumerate()
        .map(|(index, byte)| {
            let start = u32::try_from(index).unwrap_or(u32::MAX).saturating_mul(8);
            let keep = prefix.saturating_sub(start).min(8);
            if keep == 0 {
                0
            } else {
                byte & (0xffu8 << (8 - keep))
            }
        })
        .collect()
}

/// Adds `value << shift` to the big-endian number in `bytes`.
fn add_at(bytes: &mut [u8], value: u128, shift: u32) {
    let mut carry: u128 = 0;
    for (position, byte) in bytes.iter_mut().rev().enumerate() {
        let position = u32::try_from(position)
            .unwrap_or(u32::MAX)
            .saturating_mul(8);
        let part = if position >= shift {
            value.checked_shr(position - shift).unwrap_or(0) & 0xff
        } else {
            (value.checked_shl(shift - position).unwrap_or(0)) & 0xff
        };
        let sum = u128::from(*byte) + part + carry;
        *byte = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(text: &str) -> Vec<String> {
        zones(text)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn keys() {
        assert_eq!(strings(".:53"), ["."]);
        assert_eq!(strings("dns://Cluster.Local:5353"), ["cluster.local."]);
        assert_eq!(strings("."), ["."]);
        assert_eq!(strings("tls://example.org"), ["example.org."]);
        assert!(zones("example.org:").is_err());
    }

    #[test]
    fn cidrs() {
        assert_eq!(strings("10.0.0.0/8"), ["10.in-addr.arpa."]);
        assert_eq!(strings("10.1.2.3/24:53"), ["2.1.10.in-addr.arpa."]);
        assert_eq!(strings("0.0.0.0/0"), ["in-addr.arpa."]);
        assert_eq!(
            strings("10.0.0.0/23"),
            ["0.0.10.in-addr.arpa.", "1.0.10.in-addr.arpa."]
        );
        assert_eq!(strings("10.0.0.0/17").len(), 128);
        assert_eq!(strings("10.0.0.0/17")[127], "127.0.10.in-addr.arpa.");
        assert_eq!(strings("fd00::/8"), ["d.f.ip6.arpa."]);
        assert_eq!(strings("fd00::/7"), ["c.f.ip6.arpa.", "d.f.ip6.arpa."]);
        assert!(zones("::/0").is_err());
    }

    /// The count a Corefile's zone budget is checked with is the number of zones built.
    #[test]
    fn cidr_zone_count_is_the_number_of_zones_built() {
        for text in [
            "10.0.0.0/8",
            "dns://10.1.2.3/24:53",
            "0.0.0.0/0",
            "10.0.0.0/23",
            "10.0.0.0/17",
            "10.0.0.0/2",
            "10.0.0.0/1",
            "10.0.0.0/25",
            "fd00::/7",
            "fd00::/5",
            "tls://fd00::/125:853",
        ] {
            assert_eq!(cidr_zone_count(text), zones(text).unwrap().len(), "{text}");
        }
        for text in [
            "cluster.local",
            ".:53",
            "10.0.0.1",
            "::/0",
            "10.0.0.0/33",
            "a/8",
        ] {
            assert_eq!(cidr_zone_count(text), 0, "{text}");
        }
    }
}
