//! Destination address selection: the order `getaddrinfo` hands addresses to the application
//! (`docs/resolver-behaviour.md` §2.11).
//!
//! - glibc (`rfc3484_sort`, getaddrinfo.c): RFC 3484 tables (IPv4 precedence 10, ULA 40),
//!   rules 1, 2, 5, 6, 8, 9 (IPv4 only within the source's subnet), 10; always, for two or
//!   more addresses.
//! - musl (`__lookup_name`): one key per address, RFC 6724 tables without the deprecated
//!   entries (IPv4 35, ULA 3), common prefix over all 128 bits; only when an IPv6 address is
//!   among two or more and the family is not `AF_INET`.
//! - Go (`sortByRFC6724`, addrselect.go): RFC 6724 tables, a stable sort; rule 9 for IPv6
//!   pairs only, over the first 64 bits.

use std::cmp::Ordering;
use std::net::{IpAddr, Ipv6Addr};

use super::library::{Family, StubResolver};
use super::sandbox::{Interface, PodSandbox};

/// An address as IPv6 (IPv4 as `::ffff:a.b.c.d`).
fn mapped(address: IpAddr) -> Ipv6Addr {
    match address {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    }
}

fn in_prefix(address: Ipv6Addr, prefix: Ipv6Addr, bits: u32) -> bool {
    let mask = if bits == 0 {
        0
    } else {
        u128::MAX << (128 - bits)
    };
    (u128::from(address) & mask) == (u128::from(prefix) & mask)
}

fn v6(text: &str) -> Ipv6Addr {
    text.parse().unwrap_or(Ipv6Addr::UNSPECIFIED)
}

/// Precedence and label of an address in a policy table (longest matching prefix).
fn policy(address: IpAddr, table: &[(&str, u32, u8, u8)]) -> (u8, u8) {
    let address = mapped(address);
    table
        .iter()
        .filter(|(prefix, bits, _, _)| in_prefix(address, v6(prefix), *bits))
        .max_by_key(|(_, bits, _, _)| *bits)
        .map_or((40, 1), |(_, _, precedence, label)| (*precedence, *label))
}

/// glibc's `default_precedence` and `default_labels` (RFC 3484 plus two labels).
fn glibc_precedence(address: IpAddr) -> u8 {
    policy(
        address,
        &[
            ("::1", 128, 50, 0),
            ("2002::", 16, 30, 0),
            ("::", 96, 20, 0),
            ("::ffff:0:0", 96, 10, 0),
            ("::", 0, 40, 0),
        ],
    )
    .0
}

fn glibc_label(address: IpAddr) -> u8 {
    policy(
        address,
        &[
            ("::1", 128, 0, 0),
            ("2002::", 16, 0, 2),
            ("::", 96, 0, 3),
            ("::ffff:0:0", 96, 0, 4),
            ("fec0::", 10, 0, 5),
            ("fc00::", 7, 0, 6),
            ("2001::", 32, 0, 7),
            ("::", 0, 0, 1),
        ],
    )
    .1
}

/// RFC 6724's table as musl keeps it (`defpolicy`); Go adds the three deprecated entries.
fn rfc6724(address: IpAddr, go: bool) -> (u8, u8) {
    let mut table = vec![
        ("::1", 128, 50, 0),
        ("::ffff:0:0", 96, 35, 4),
        ("2002::", 16, 30, 2),
        ("2001::", 32, 5, 5),
        ("fc00::", 7, 3, 13),
        ("::", 0, 40, 1),
    ];
    if go {
        table.extend([
            ("::", 96, 1, 3),
            ("fec0::", 10, 1, 11),
            ("3ffe::", 16, 1, 12),
        ]);
    }
    policy(address, &table)
}

/// glibc's `get_scope`.
fn glibc_scope(address: IpAddr) -> u8 {
    match address {
        IpAddr::V4(v4) => {
            if v4.is_link_local() || v4.is_loopback() {
                2
            } else {
                14
            }
        }
        IpAddr::V6(v6) => v6_scope(v6),
    }
}

fn v6_scope(v6: Ipv6Addr) -> u8 {
    let first = v6.segments()[0];
    if v6.is_multicast() {
        v6.octets()[1] & 0x0f
    } else if (first & 0xffc0) == 0xfe80 || v6.is_loopback() {
        2
    } else if (first & 0xffc0) == 0xfec0 {
        5
    } else {
        14
    }
}

/// musl's `scopeof` on the mapped address: every IPv4 address is global.
fn musl_scope(address: IpAddr) -> u8 {
    v6_scope(mapped(address))
}

/// Go's `classifyScope`.
fn go_scope(address: IpAddr) -> u8 {
    match address {
        IpAddr::V4(v4) if v4.is_loopback() || v4.is_link_local() => 2,
        IpAddr::V4(_) => 14,
        IpAddr::V6(v6) => v6_scope(v6),
    }
}

/// Sorts `addresses` as `library` does for `family`, against the pod's source addresses.
pub(crate) fn sort(
    library: StubResolver,
    family: Family,
    sandbox: &PodSandbox,
    addresses: &mut [IpAddr],
) {
    if addresses.len() < 2 {
        return;
    }
    match library {
        StubResolver::Glibc => glibc(sandbox, addresses),
        StubResolver::Musl | StubResolver::Musl1_2_3 => {
            if family != Family::Inet && addresses.iter().any(IpAddr::is_ipv6) {
                musl(sandbox, addresses);
            }
        }
        StubResolver::Go => go(sandbox, addresses),
    }
}

fn glibc(sandbox: &PodSandbox, addresses: &mut [IpAddr]) {
    let sources: Vec<Option<Interface>> = addresses
        .iter()
        .map(|&address| sandbox.source_for(address))
        .collect();
    let mut order: Vec<usize> = (0..addresses.len()).collect();
    order.sort_by(|&a, &b| glibc_compare(addresses, &sources, a, b));
    let sorted: Vec<IpAddr> = order.iter().map(|&index| addresses[index]).collect();
    addresses.copy_from_slice(&sorted);
}

/// The leading bits two 32-bit words share (glibc's misnamed `fls`).
fn leading_common(a: u32, b: u32) -> u32 {
    (a ^ b).leading_zeros()
}

fn glibc_compare(
    addresses: &[IpAddr],
    sources: &[Option<Interface>],
    a: usize,
    b: usize,
) -> Ordering {
    let (da, db) = (addresses[a], addresses[b]);
    let (sa, sb) = (sources[a], sources[b]);
    // Rule 1: avoid unusable destinations.
    match (sa.is_some(), sb.is_some()) {
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        _ => {}
    }
    let (scope_a, scope_b) = (glibc_scope(da), glibc_scope(db));
    if let (Some(sa), Some(sb)) = (sa, sb) {
        // Rule 2: prefer matching scope.
        let (match_a, match_b) = (
            scope_a == glibc_scope(sa.address),
            scope_b == glibc_scope(sb.address),
        );
        if match_a != match_b {
            return if match_a {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        // Rule 5: prefer matching label.
        let (match_a, match_b) = (
            glibc_label(da) == glibc_label(sa.address),
            glibc_label(db) == glibc_label(sb.address),
        );
        if match_a != match_b {
            return if match_a {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
    }
    // Rule 6: prefer higher precedence.
    let ordering = glibc_precedence(db).cmp(&glibc_precedence(da));
    if ordering != Ordering::Equal {
        return ordering;
    }
    // Rule 8: prefer smaller scope.
    let ordering = scope_a.cmp(&scope_b);
    if ordering != Ordering::Equal {
        return ordering;
    }
    // Rule 9: longest matching prefix.
    if let (Some(sa), Some(sb)) = (sa, sb)
        && da.is_ipv4() == db.is_ipv4()
    {
        let (bits_a, bits_b) = match (da, db, sa.address, sb.address) {
            (IpAddr::V4(da), IpAddr::V4(db), IpAddr::V4(sa4), IpAddr::V4(sb4)) => {
                let within = |d: u32, s: u32, prefix: u8| {
                    let mask = if prefix == 0 {
                        0
                    } else {
                        u32::MAX << (32 - u32::from(prefix.min(32)))
                    };
                    if s & mask == d & mask {
                        leading_common(d, s)
                    } else {
                        0
                    }
                };
                (
                    within(u32::from(da), u32::from(sa4), sa.prefix),
                    within(u32::from(db), u32::from(sb4), sb.prefix),
                )
            }
            (IpAddr::V6(da), IpAddr::V6(db), IpAddr::V6(sa6), IpAddr::V6(sb6)) => {
                let words = |address: Ipv6Addr| {
                    let o = address.octets();
                    [0, 4, 8, 12].map(|i| u32::from_be_bytes([o[i], o[i + 1], o[i + 2], o[i + 3]]))
                };
                let (da, sa6, db, sb6) = (words(da), words(sa6), words(db), words(sb6));
                match (0..4).find(|&i| da[i] != sa6[i] || db[i] != sb6[i]) {
                    Some(i) => (leading_common(da[i], sa6[i]), leading_common(db[i], sb6[i])),
                    None => (0, 0),
                }
            }
            _ => (0, 0),
        };
        let ordering = bits_b.cmp(&bits_a);
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    // Rule 10: keep the order.
    a.cmp(&b)
}

fn musl(sandbox: &PodSandbox, addresses: &mut [IpAddr]) {
    const MAXADDRS: u32 = 48;
    let mut keyed: Vec<(u32, IpAddr)> = addresses
        .iter()
        .enumerate()
        .map(|(index, &address)| {
            let destination = mapped(address);
            let (precedence, label) = rfc6724(address, false);
            let scope = musl_scope(address);
            let mut key = 0u32;
            if let Some(source) = sandbox.source_for(address) {
                key |= 0x4000_0000;
                let source6 = mapped(source.address);
                if scope == v6_scope(source6) {
                    key |= 0x2000_0000;
                }
                if label == rfc6724(source.address, false).1 {
                    key |= 0x1000_0000;
                }
                let prefix = (u128::from(source6) ^ u128::from(destination)).leading_zeros();
                key |= prefix << 8;
            }
            key |= u32::from(precedence) << 20;
            key |= (15 - u32::from(scope)) << 16;
            key |= MAXADDRS.saturating_sub(index as u32);
            (key, address)
        })
        .collect();
    keyed.sort_by_key(|&(key, _)| std::cmp::Reverse(key));
    for (slot, (_, address)) in addresses.iter_mut().zip(keyed) {
        *slot = address;
    }
}

fn go(sandbox: &PodSandbox, addresses: &mut [IpAddr]) {
    let mut entries: Vec<(IpAddr, Option<IpAddr>)> = addresses
        .iter()
        .map(|&address| (address, sandbox.source_for(address).map(|s| s.address)))
        .collect();
    entries.sort_by(|a, b| {
        if go_less(*a, *b) {
            Ordering::Less
        } else if go_less(*b, *a) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    });
    for (slot, (address, _)) in addresses.iter_mut().zip(entries) {
        *slot = address;
    }
}

/// Go's `commonPrefixLen`: IPv4 over 32 bits, IPv6 over the first 64, other pairs 0.
fn go_common_prefix(a: IpAddr, b: IpAddr) -> u32 {
    let unmap = |address: IpAddr| match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    };
    match (unmap(a), unmap(b)) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(a) ^ u32::from(b)).leading_zeros(),
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let high = |address: Ipv6Addr| (u128::from(address) >> 64) as u64;
            (high(a) ^ high(b)).leading_zeros()
        }
        _ => 0,
    }
}

/// Go's `byRFC6724.Less`.
fn go_less((da, sa): (IpAddr, Option<IpAddr>), (db, sb): (IpAddr, Option<IpAddr>)) -> bool {
    let (sa, sb) = match (sa, sb) {
        (None, None) => return false,
        (Some(_), None) => return true,
        (None, Some(_)) => return false,
        (Some(sa), Some(sb)) => (sa, sb),
    };
    let (attr_da, attr_db) = (rfc6724(da, true), rfc6724(db, true));
    let (attr_sa, attr_sb) = (rfc6724(sa, true), rfc6724(sb, true));
    let (scope_da, scope_db) = (go_scope(da), go_scope(db));
    let (scope_sa, scope_sb) = (go_scope(sa), go_scope(sb));
    if scope_da == scope_sa && scope_db != scope_sb {
        return true;
    }
    if scope_da != scope_sa && scope_db == scope_sb {
        return false;
    }
    if attr_sa.1 == attr_da.1 && attr_sb.1 != attr_db.1 {
        return true;
    }
    if attr_sa.1 != attr_da.1 && attr_sb.1 == attr_db.1 {
        return false;
    }
    if attr_da.0 != attr_db.0 {
        return attr_da.0 > attr_db.0;
    }
    if scope_da != scope_db {
        return scope_da < scope_db;
    }
    if da.is_ipv6() && db.is_ipv6() {
        let (common_a, common_b) = (go_common_prefix(sa, da), go_common_prefix(sb, db));
        if common_a != common_b {
            return common_a > common_b;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(v6: Option<&str>) -> PodSandbox {
        let mut interfaces = vec![Interface::new("10.244.1.5".parse().unwrap(), 24)];
        if let Some(v6) = v6 {
            interfaces.push(Interface::new(v6.parse().unwrap(), 64));
        }
        PodSandbox::new("").with_interfaces(interfaces)
    }

    fn sorted(library: StubResolver, sandbox: &PodSandbox, addresses: &[&str]) -> Vec<String> {
        let mut list: Vec<IpAddr> = addresses.iter().map(|a| a.parse().unwrap()).collect();
        sort(library, Family::Unspec, sandbox, &mut list);
        list.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_doc_cluster_cases() {
        // docs/resolver-behaviour.md §2.11, the table of cluster cases (all run).
        let ula = pod(Some("fd00:10:244:1::5"));
        let global = pod(Some("2001:db8:1::5"));
        let v4_only = pod(None);
        let pair_ula = ["10.96.0.21", "fd00:10:96::21"];
        let pair_global = ["10.96.0.22", "2001:db8::22"];
        let first = |library, sandbox: &PodSandbox, pair: &[&str]| {
            sorted(library, sandbox, pair)[0].clone()
        };
        assert_eq!(
            first(StubResolver::Glibc, &ula, &pair_ula),
            "fd00:10:96::21"
        );
        assert_eq!(first(StubResolver::Musl, &ula, &pair_ula), "10.96.0.21");
        assert_eq!(first(StubResolver::Go, &ula, &pair_ula), "10.96.0.21");
        for library in [StubResolver::Glibc, StubResolver::Musl, StubResolver::Go] {
            assert_eq!(
                first(library, &ula, &pair_global),
                "10.96.0.22",
                "{library}"
            );
            assert_eq!(
                first(library, &global, &pair_ula),
                "10.96.0.21",
                "{library}"
            );
            assert_eq!(
                first(library, &global, &pair_global),
                "2001:db8::22",
                "{library}"
            );
            assert_eq!(
                first(library, &v4_only, &pair_ula),
                "10.96.0.21",
                "{library}"
            );
            assert_eq!(
                first(library, &v4_only, &pair_global),
                "10.96.0.22",
                "{library}"
            );
            assert_eq!(
                sorted(library, &v4_only, &["127.0.0.1", "::1"]),
                ["::1", "127.0.0.1"],
                "{library}"
            );
        }
        // glibc rule 9: the destination in the pod's own /24 first; musl and Go keep the
        // server's order for IPv4.
        let headless = ["10.244.2.9", "10.244.1.7", "10.244.3.3"];
        assert_eq!(
            sorted(StubResolver::Glibc, &v4_only, &headless),
            ["10.244.1.7", "10.244.2.9", "10.244.3.3"]
        );
        assert_eq!(sorted(StubResolver::Musl, &v4_only, &headless), headless);
        assert_eq!(sorted(StubResolver::Go, &v4_only, &headless), headless);
    }

    #[test]
    fn no_route_for_either_family() {
        // Both unusable: glibc by precedence (IPv6 first), musl by precedence too (35 > 3 puts
        // IPv4 first), Go keeps the arrival order.
        let mut none = PodSandbox::new("");
        none.loopback_ipv6 = false;
        assert_eq!(
            sorted(
                StubResolver::Glibc,
                &none,
                &["10.96.0.21", "fd00:10:96::21"]
            )[0],
            "fd00:10:96::21"
        );
        assert_eq!(
            sorted(StubResolver::Musl, &none, &["fd00:10:96::21", "10.96.0.21"])[0],
            "10.96.0.21"
        );
        assert_eq!(
            sorted(StubResolver::Go, &none, &["fd00:10:96::21", "10.96.0.21"])[0],
            "fd00:10:96::21"
        );
    }
}
