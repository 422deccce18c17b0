//! Which stub resolver, and which address family it is asked for.

use std::fmt;

/// Which libc's (or runtime's) stub resolver answers `getaddrinfo` in the pod.
///
/// Each one reads `/etc/resolv.conf` and `/etc/hosts` its own way, sends its own queries and
/// stops on its own rules (`docs/resolver-behaviour.md` §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum StubResolver {
    /// glibc 2.36 and later (Debian, Ubuntu, most images), with `hosts: files dns` in
    /// `nsswitch.conf`, `multi on` in `host.conf` and the built-in `gai.conf` tables.
    #[default]
    Glibc,
    /// musl 1.2.3 (Debian bookworm's `musl-tools`, Alpine up to 3.17): no TCP fallback, a
    /// 512-byte answer buffer.
    Musl1_2_3,
    /// musl 1.2.4 and later (Alpine 3.18+), modelled on 1.2.5: TCP after a truncated reply, a
    /// 4800-byte answer buffer (1.2.4's is 768 bytes).
    Musl,
    /// Go's pure resolver (`CGO_ENABLED=0`, or `GODEBUG=netdns=go`), `LookupIP`.
    Go,
}

impl StubResolver {
    /// Every library, in the order of the comparison table.
    pub const ALL: [StubResolver; 4] = [
        StubResolver::Glibc,
        StubResolver::Musl1_2_3,
        StubResolver::Musl,
        StubResolver::Go,
    ];

    /// Whether this is one of the musl versions.
    pub fn is_musl(self) -> bool {
        matches!(self, StubResolver::Musl | StubResolver::Musl1_2_3)
    }

    /// The name `dig --resolver` takes: `glibc`, `musl-1.2.3`, `musl` or `go`.
    pub fn cli_name(self) -> &'static str {
        match self {
            StubResolver::Glibc => "glibc",
            StubResolver::Musl1_2_3 => "musl-1.2.3",
            StubResolver::Musl => "musl",
            StubResolver::Go => "go",
        }
    }

    /// The library named by [`StubResolver::cli_name`].
    pub fn from_cli_name(name: &str) -> Option<StubResolver> {
        StubResolver::ALL
            .into_iter()
            .find(|library| library.cli_name() == name)
    }
}

impl fmt::Display for StubResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StubResolver::Glibc => "glibc 2.36+",
            StubResolver::Musl1_2_3 => "musl 1.2.3",
            StubResolver::Musl => "musl 1.2.4+",
            StubResolver::Go => "Go (pure resolver)",
        })
    }
}

/// The address family asked of `getaddrinfo` (`hints.ai_family`); for Go, the network of
/// `LookupIP` (`"ip"`, `"ip4"`, `"ip6"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Family {
    /// `AF_UNSPEC` / `"ip"`: A and AAAA.
    #[default]
    Unspec,
    /// `AF_INET` / `"ip4"`: A only.
    Inet,
    /// `AF_INET6` / `"ip6"`: AAAA only.
    Inet6,
}

impl Family {
    /// Whether an address of this family is wanted.
    pub fn wants(self, address: std::net::IpAddr) -> bool {
        match self {
            Family::Unspec => true,
            Family::Inet => address.is_ipv4(),
            Family::Inet6 => address.is_ipv6(),
        }
    }

    /// The name `dig --family` takes: `unspec`, `inet`, `inet6`.
    pub fn from_cli_name(name: &str) -> Option<Family> {
        match name {
            "unspec" | "any" | "ip" => Some(Family::Unspec),
            "inet" | "4" | "ip4" => Some(Family::Inet),
            "inet6" | "6" | "ip6" => Some(Family::Inet6),
            _ => None,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Family::Unspec => "AF_UNSPEC",
            Family::Inet => "AF_INET",
            Family::Inet6 => "AF_INET6",
        })
    }
}
