//! Numeric host names: which texts each library takes as an address without asking DNS
//! (`docs/resolver-behaviour.md` §2.4).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::library::{Family, StubResolver};

/// What a library makes of a name before any lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Literal {
    /// Not a numeric address: look it up.
    Name,
    /// This address.
    Address(IpAddr),
    /// An address of the other family than the one asked for.
    WrongFamily(IpAddr),
    /// An IPv6 literal with a zone the library cannot resolve (glibc, musl: `EAI_NONAME`).
    BadZone,
}

/// The interfaces of a pod's network namespace, by name, for `%zone` suffixes.
fn interface_index(zone: &str) -> Option<u32> {
    match zone {
        "lo" => Some(1),
        "eth0" => Some(2),
        _ => zone.parse().ok(),
    }
}

/// `inet_aton` as glibc's `__inet_aton_exact` and musl's `__inet_aton` read it: one to four
/// parts, each decimal, octal (`0…`) or hexadecimal (`0x…`), the last part filling the
/// remaining bytes (`127.1` is `127.0.0.1`, `2130706433` too); nothing may follow.
pub(crate) fn inet_aton(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(4);
    for part in &parts {
        if !part.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let (digits, radix) =
            if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
                (hex, 16)
            } else if part.len() > 1 && part.starts_with('0') {
                (&part[1..], 8)
            } else {
                (*part, 10)
            };
        let value = if digits.is_empty() {
            0
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        values.push(value);
    }
    let last_bits = 32 - 8 * (values.len() as u32 - 1);
    let (last, leading) = values.split_last()?;
    if leading.iter().any(|&value| value > 0xff) || *last >= 1u64 << last_bits {
        return None;
    }
    let mut address = *last as u32;
    for (index, &value) in leading.iter().enumerate() {
        address |= (value as u32) << (24 - 8 * index as u32);
    }
    Some(Ipv4Addr::from(address))
}

/// Go's `parseIPv4`: exactly four decimal parts of at most 255, no leading zeros.
fn go_ipv4(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    for (octet, part) in octets.iter_mut().zip(&parts) {
        if part.is_empty()
            || part.len() > 3
            || !part.bytes().all(|b| b.is_ascii_digit())
            || (part.len() > 1 && part.starts_with('0'))
        {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    Some(Ipv4Addr::from(octets))
}

/// An IPv6 literal (`inet_pton`), without its zone.
fn ipv6(text: &str) -> Option<Ipv6Addr> {
    text.parse().ok()
}

/// musl's `__lookup_ipliteral` for `AF_UNSPEC` (a `nameserver` line).
pub(crate) fn musl_literal(text: &str) -> Option<IpAddr> {
    match literal(StubResolver::Musl, text, Family::Unspec) {
        Literal::Address(address) => Some(address),
        _ => None,
    }
}

/// Go's reading of a `nameserver` address (`netip.ParseAddr`, zone allowed).
pub(crate) fn go_literal(text: &str) -> Option<IpAddr> {
    match literal(StubResolver::Go, text, Family::Unspec) {
        Literal::Address(address) => Some(address),
        _ => None,
    }
}

/// What `library` makes of `name` as a numeric host for `family`.
///
/// - glibc (`text_to_binary_address`): `__inet_aton_exact`, then `inet_pton` with a `%zone`
///   (an interface name or number).
/// - musl (`__lookup_ipliteral`): `__inet_aton`, then `inet_pton`; a zone is a number, or an
///   interface name for link-local addresses only.
/// - Go (`parseIPZone`): strict dotted quads only; any zone.
pub(crate) fn literal(library: StubResolver, name: &str, family: Family) -> Literal {
    let v4 = match library {
        StubResolver::Go => go_ipv4(name),
        _ => inet_aton(name),
    };
    if let Some(v4) = v4 {
        return for_family(IpAddr::V4(v4), family, library);
    }
    let (address, zone) = match name.split_once('%') {
        Some((address, zone)) => (address, Some(zone)),
        None => (name, None),
    };
    let Some(v6) = ipv6(address) else {
        return Literal::Name;
    };
    if let Some(zone) = zone {
        let link_local =
            (v6.segments()[0] & 0xffc0) == 0xfe80 || (v6.segments()[0] & 0xff0f) == 0xff02;
        let resolvable = match library {
            StubResolver::Go => true,
            StubResolver::Glibc => interface_index(zone).is_some(),
            _ => zone.parse::<u32>().is_ok() || (link_local && interface_index(zone).is_some()),
        };
        if !resolvable {
            // The family check comes first in musl and glibc (`inet_pton` succeeded).
            if family == Family::Inet && library != StubResolver::Go {
                return for_family(IpAddr::V6(v6), family, library);
            }
            return Literal::BadZone;
        }
    }
    for_family(IpAddr::V6(v6), family, library)
}

fn for_family(address: IpAddr, family: Family, library: StubResolver) -> Literal {
    if family.wants(address) {
        return Literal::Address(address);
    }
    // glibc: a v4-mapped literal asked for AF_INET gives its IPv4 address.
    if let (StubResolver::Glibc, IpAddr::V6(v6), Family::Inet) = (library, address, family)
        && let Some(v4) = v6.to_ipv4_mapped()
    {
        return Literal::Address(IpAddr::V4(v4));
    }
    Literal::WrongFamily(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inet_aton_reads_every_form_glibc_and_musl_read() {
        // docs/resolver-behaviour.md §2.4 (glibc inet_addr.c, musl inet_aton.c).
        for (text, expected) in [
            ("10.0.0.1", Some("10.0.0.1")),
            ("127.1", Some("127.0.0.1")),
            ("0x7f.1", Some("127.0.0.1")),
            ("010.0.0.1", Some("8.0.0.1")),
            ("2130706433", Some("127.0.0.1")),
            ("1.2.3.4.", None),
            ("1..2", None),
            ("256.0.0.1", None),
            ("08.0.0.1", None),
            ("1.2.3.4.5", None),
            ("web", None),
            ("", None),
        ] {
            assert_eq!(
                inet_aton(text),
                expected.map(|e| e.parse().unwrap()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn go_takes_strict_dotted_quads_only() {
        assert_eq!(
            literal(StubResolver::Go, "127.1", Family::Unspec),
            Literal::Name
        );
        assert_eq!(
            literal(StubResolver::Go, "010.0.0.1", Family::Unspec),
            Literal::Name
        );
        assert_eq!(
            literal(StubResolver::Go, "10.0.0.1", Family::Inet6),
            Literal::WrongFamily("10.0.0.1".parse().unwrap())
        );
    }

    #[test]
    fn zones_follow_each_library() {
        let link_local = "fe80::1%eth0";
        assert!(matches!(
            literal(StubResolver::Glibc, link_local, Family::Unspec),
            Literal::Address(_)
        ));
        assert!(matches!(
            literal(StubResolver::Musl, "2001:db8::1%eth0", Family::Unspec),
            Literal::BadZone
        ));
        assert!(matches!(
            literal(StubResolver::Musl, "2001:db8::1%2", Family::Unspec),
            Literal::Address(_)
        ));
        assert!(matches!(
            literal(StubResolver::Glibc, "fe80::1%nope", Family::Unspec),
            Literal::BadZone
        ));
    }
}
