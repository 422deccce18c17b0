//! `/etc/hosts`: the table, and how each library looks a name up in it
//! (`docs/resolver-behaviour.md` §2.3).

use std::fmt;
use std::net::IpAddr;

use super::library::{Family, StubResolver};
use super::literal::{self, Literal};

/// One line of a hosts file: an address and its names (canonical name first).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostsEntry {
    /// The address.
    pub address: IpAddr,
    /// The names, in order.
    pub names: Vec<String>,
}

/// A hosts file read as a table: the lines with an address, comments and blank lines dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct HostsFile {
    /// The entries, in file order.
    pub entries: Vec<HostsEntry>,
}

impl HostsFile {
    /// Reads hosts-file text: `#` starts a comment; a line is an address followed by names,
    /// separated by blanks; lines whose first field is not an address are skipped.
    pub fn parse(text: &str) -> HostsFile {
        let entries = text
            .lines()
            .filter_map(|line| {
                let line = line.split('#').next().unwrap_or_default();
                let mut fields = line.split_ascii_whitespace();
                let address = fields.next()?;
                let address = address.split('%').next().unwrap_or_default().parse().ok()?;
                let names: Vec<String> = fields.map(str::to_owned).collect();
                (!names.is_empty()).then_some(HostsEntry { address, names })
            })
            .collect();
        HostsFile { entries }
    }

    /// The addresses of `name`, in file order, exactly as written (case-sensitive, no
    /// trailing-dot handling): the table's own view; each library looks names up its own way
    /// (see [`crate::resolver`]).
    pub fn addresses(&self, name: &str) -> Vec<IpAddr> {
        self.entries
            .iter()
            .filter(|entry| entry.names.iter().any(|n| n == name))
            .map(|entry| entry.address)
            .collect()
    }
}

impl fmt::Display for HostsFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for entry in &self.entries {
            writeln!(f, "{}\t{}", entry.address, entry.names.join("\t"))?;
        }
        Ok(())
    }
}

/// What the hosts file gave a library for a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostsAnswer {
    /// Not there (for this family, in glibc): DNS is asked next.
    NotFound,
    /// These addresses, in file order.
    Found(Vec<IpAddr>),
    /// musl: the name is there, but only with addresses of the other family.
    WrongFamily,
}

/// Looks `name` up in hosts-file `text` as `library` does for `family`.
///
/// - glibc (`nss_files`, `files-hosts.c`): names compared case-insensitively, a trailing dot
///   is part of the name; every matching line (`multi on`); for `AF_INET` the line `::1`
///   counts as `127.0.0.1` and a v4-mapped address as its IPv4 address, other IPv6 lines and,
///   for `AF_INET6`, IPv4 lines are skipped — no line left means DNS is asked.
/// - musl (`name_from_hosts`): the name must appear exactly (case-sensitive) between blanks
///   after the address field; lines of the other family make `EAI_NONAME` (1.2.3) or
///   `EAI_NODATA` (1.2.4+) without DNS; at most 48 addresses.
/// - Go (`lookupStaticHost`): names lower-cased; names with a dot match with or without a
///   trailing dot (`absDomainName`); all families (filtered after the lookup).
pub(crate) fn lookup(library: StubResolver, text: &str, name: &str, family: Family) -> HostsAnswer {
    match library {
        StubResolver::Glibc => glibc(text, name, family),
        StubResolver::Musl | StubResolver::Musl1_2_3 => musl(text, name, family),
        StubResolver::Go => go(text, name),
    }
}

fn found(addresses: Vec<IpAddr>) -> HostsAnswer {
    if addresses.is_empty() {
        HostsAnswer::NotFound
    } else {
        HostsAnswer::Found(addresses)
    }
}

fn glibc(text: &str, name: &str, family: Family) -> HostsAnswer {
    let mut addresses = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default();
        let mut fields = line.split_ascii_whitespace();
        let Some(address) = fields.next() else {
            continue;
        };
        if !fields.any(|alias| alias.eq_ignore_ascii_case(name)) {
            continue;
        }
        let parsed = address
            .parse::<std::net::Ipv6Addr>()
            .map(IpAddr::V6)
            .ok()
            .or_else(|| literal::inet_aton(address).map(IpAddr::V4));
        let Some(parsed) = parsed else {
            continue;
        };
        let address = match (family, parsed) {
            (Family::Inet, IpAddr::V6(v6)) if v6.is_loopback() => IpAddr::from([127, 0, 0, 1]),
            (Family::Inet, IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => continue,
            },
            (Family::Inet6, IpAddr::V4(_)) => continue,
            (_, address) => address,
        };
        addresses.push(address);
    }
    found(addresses)
}

fn musl(text: &str, name: &str, family: Family) -> HostsAnswer {
    const MAXADDRS: usize = 48;
    if name.is_empty() {
        return HostsAnswer::NotFound;
    }
    let mut addresses = Vec::new();
    let mut wrong_family = false;
    for raw in text.split_inclusive('\n') {
        if addresses.len() >= MAXADDRS {
            break;
        }
        // `#` ends the line (it becomes a newline).
        let line: String = match raw.find('#') {
            Some(at) => format!("{}\n", &raw[..at]),
            None => raw.to_owned(),
        };
        let bytes = line.as_bytes();
        let is_space = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_whitespace);
        // strstr from the second byte, until a match with a blank on both sides.
        let matched = (1..bytes.len()).any(|at| {
            bytes[at..].starts_with(name.as_bytes())
                && is_space(at - 1)
                && is_space(at + name.len())
        });
        if !matched {
            continue;
        }
        let address = line
            .split(|c: char| c.is_ascii_whitespace())
            .next()
            .unwrap_or_default();
        match literal::literal(StubResolver::Musl, address, family) {
            Literal::Address(address) => addresses.push(address),
            Literal::Name => {}
            Literal::WrongFamily(_) | Literal::BadZone => wrong_family = true,
        }
    }
    if !addresses.is_empty() {
        HostsAnswer::Found(addresses)
    } else if wrong_family {
        HostsAnswer::WrongFamily
    } else {
        HostsAnswer::NotFound
    }
}

/// Go's `absDomainName`: a name with a dot gets a trailing dot.
fn go_key(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.contains('.') && !lower.ends_with('.') {
        format!("{lower}.")
    } else {
        lower
    }
}

fn go(text: &str, name: &str) -> HostsAnswer {
    let key = go_key(name);
    let mut addresses = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default();
        let fields: Vec<&str> = line.split_ascii_whitespace().collect();
        let Some((address, names)) = fields.split_first() else {
            continue;
        };
        let Literal::Address(address) = literal::literal(StubResolver::Go, address, Family::Unspec)
        else {
            continue;
        };
        if names.iter().any(|alias| go_key(alias) == key) {
            addresses.push(address);
        }
    }
    found(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTS: &str = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n\
        ::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n\
        10.244.1.5\tweb-0.web.default.svc.cluster.local\tweb-0\n";

    fn v(addresses: &[&str]) -> HostsAnswer {
        HostsAnswer::Found(addresses.iter().map(|a| a.parse().unwrap()).collect())
    }

    #[test]
    fn localhost_per_library_and_family() {
        // glibc files-hosts.c: `::1` is 127.0.0.1 for AF_INET.
        assert_eq!(
            lookup(StubResolver::Glibc, HOSTS, "localhost", Family::Inet),
            v(&["127.0.0.1", "127.0.0.1"])
        );
        assert_eq!(
            lookup(StubResolver::Glibc, HOSTS, "localhost", Family::Unspec),
            v(&["127.0.0.1", "::1"])
        );
        // musl lookup_name.c: the ::1 line is of the other family, skipped.
        assert_eq!(
            lookup(StubResolver::Musl, HOSTS, "localhost", Family::Inet),
            v(&["127.0.0.1"])
        );
        assert_eq!(
            lookup(StubResolver::Go, HOSTS, "localhost", Family::Inet),
            v(&["127.0.0.1", "::1"])
        );
    }

    #[test]
    fn case_and_trailing_dots() {
        assert_eq!(
            lookup(StubResolver::Glibc, HOSTS, "WEB-0", Family::Unspec),
            v(&["10.244.1.5"])
        );
        assert_eq!(
            lookup(StubResolver::Musl, HOSTS, "WEB-0", Family::Unspec),
            HostsAnswer::NotFound
        );
        assert_eq!(
            lookup(StubResolver::Glibc, HOSTS, "web-0.", Family::Unspec),
            HostsAnswer::NotFound
        );
        assert_eq!(
            lookup(StubResolver::Go, HOSTS, "web-0.", Family::Unspec),
            HostsAnswer::NotFound
        );
        assert_eq!(
            lookup(
                StubResolver::Go,
                HOSTS,
                "web-0.web.default.svc.cluster.local.",
                Family::Unspec
            ),
            v(&["10.244.1.5"])
        );
    }

    #[test]
    fn the_other_family() {
        assert_eq!(
            lookup(StubResolver::Glibc, HOSTS, "web-0", Family::Inet6),
            HostsAnswer::NotFound
        );
        assert_eq!(
            lookup(StubResolver::Musl, HOSTS, "web-0", Family::Inet6),
            HostsAnswer::WrongFamily
        );
        let table = HostsFile::parse(HOSTS);
        assert_eq!(table.entries.len(), 4);
        assert_eq!(
            table.addresses("web-0"),
            ["10.244.1.5".parse::<IpAddr>().unwrap()]
        );
    }
}
