//! The pod side: how a Pod's stub resolver turns a name into questions for cluster DNS.
//!
//! A Pod rarely asks for `web.default.svc.cluster.local.`; it asks for `web` and its libc walks
//! the search list of `/etc/resolv.conf`, which the kubelet writes (`ClusterFirst`):
//!
//! ```text
//! nameserver 10.96.0.10
//! search <ns>.svc.cluster.local svc.cluster.local cluster.local
//! options ndots:5
//! ```
//!
//! Which names are tried, in which order, and which answer stops the walk differ between
//! resolvers, and those differences explain many surprises (`kubernetes/kubernetes#14051`,
//! `k3s#6561`). [`ResolvConf::candidates`] lists the names a resolver tries;
//! [`ClusterDns::resolve`](crate::ClusterDns::resolve) asks each of them of the simulated server
//! and records every attempt:
//!
//! - **glibc** (`res_search`): a name with at least `ndots` dots is tried as is first; then each
//!   search domain; then as is last if not tried first. NXDOMAIN, NODATA and SERVFAIL go on to
//!   the next name; REFUSED, FORMERR and NOTIMP stop.
//! - **musl** (Alpine): a name with at least `ndots` dots (or a trailing dot) is tried as is
//!   and only as is; otherwise each search domain, then as is last. Only NXDOMAIN goes on: NODATA
//!   stops the walk.
//! - **Go** (`net` with the pure resolver): as is first or last as glibc, candidates longer than
//!   254 characters dropped; NXDOMAIN, NODATA and SERVFAIL go on.
//!
//! A trailing dot always means "this name only". Names outside the server's zones go where the
//! server's `forward` would send them: the [`Upstream`](crate::Upstream) (NXDOMAIN for names it
//! does not hold).
//!
//! ```
//! use k8s_dns_sim::resolver::{ResolvConf, StubResolver};
//! use k8s_dns_sim::hickory_proto::rr::RecordType;
//! use k8s_dns_sim::{Cluster, ClusterDns, Config};
//!
//! let dns = ClusterDns::new(
//!     Cluster::from_yaml(
//!         "apiVersion: v1
//! kind: Service
//! metadata: {name: kubernetes, namespace: default}
//! spec: {clusterIP: 10.96.0.1, ports: [{name: https, port: 443}]}
//! ",
//!     )?,
//!     Config::default(),
//! );
//! let pod = ResolvConf::cluster_first("shop", "cluster.local")?;
//! let resolution = dns.resolve(&pod, StubResolver::Glibc, "kubernetes.default", RecordType::A)?;
//! let tried: Vec<String> = resolution.attempts.iter().map(|a| a.name.to_string()).collect();
//! assert_eq!(
//!     tried,
//!     ["kubernetes.default.shop.svc.cluster.local.", "kubernetes.default.svc.cluster.local."]
//! );
//! assert!(resolution.found());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::net::IpAddr;

use hickory_proto::rr::{Name, RecordType};

use crate::answer::{Answer, Outcome};
use crate::error::InvalidNameError;
use crate::qname;
use crate::server::ClusterDns;

/// glibc's and musl's cap on `ndots`.
const MAX_NDOTS: u8 = 15;
/// The kubelet's `ndots` for `ClusterFirst` Pods.
pub const KUBELET_NDOTS: u8 = 5;

/// A Pod's `/etc/resolv.conf`: what its stub resolver reads.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResolvConf {
    /// `nameserver` lines (the simulator answers for all of them).
    pub nameservers: Vec<IpAddr>,
    /// The search list, absolute names, in order.
    pub search: Vec<Name>,
    /// `options ndots:N` (default 1, at most 15).
    pub ndots: u8,
}

/// Which libc's (or runtime's) stub resolver walks the search list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum StubResolver {
    /// glibc (Debian, Ubuntu, most images).
    #[default]
    Glibc,
    /// musl (Alpine).
    Musl,
    /// Go's pure resolver.
    Go,
}

/// A `resolv.conf` line that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
#[non_exhaustive]
pub struct ResolvConfError {
    /// The line, counted from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Default for ResolvConf {
    fn default() -> Self {
        ResolvConf {
            nameservers: Vec::new(),
            search: Vec::new(),
            ndots: 1,
        }
    }
}

impl ResolvConf {
    /// What the kubelet writes for a `ClusterFirst` Pod in `namespace`:
    /// `search <ns>.svc.<zone> svc.<zone> <zone>` and `ndots:5`.
    ///
    /// # Errors
    /// An [`InvalidNameError`] when the namespace or zone do not make domain names.
    pub fn cluster_first(namespace: &str, zone: &str) -> Result<ResolvConf, InvalidNameError> {
        let zone = zone.trim_end_matches('.');
        let search = [
            format!("{namespace}.svc.{zone}"),
            format!("svc.{zone}"),
            zone.to_owned(),
        ]
        .iter()
        .map(|domain| qname::absolute(domain))
        .collect::<Result<_, _>>()?;
        Ok(ResolvConf {
            nameservers: Vec::new(),
            search,
            ndots: KUBELET_NDOTS,
        })
    }

    /// Reads `resolv.conf` text as glibc does: `nameserver` (at most 3 kept), `search` and
    /// `domain` (the last such line wins), `options ndots:N` (capped at 15); other options and
    /// comments (`#`, `;`) are ignored.
    ///
    /// # Errors
    /// A [`ResolvConfError`] naming the line of a bad address, domain or `ndots` value.
    pub fn parse(text: &str) -> Result<ResolvConf, ResolvConfError> {
        let mut conf = ResolvConf::default();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.split(['#', ';']).next().unwrap_or_default();
            let mut words = line.split_whitespace();
            let Some(keyword) = words.next() else {
                continue;
            };
            let error = |message: String| ResolvConfError {
                line: number,
                message,
            };
            match keyword {
                "nameserver" => {
                    let address = words.next().ok_or_else(|| {
                        error("`nameserver`: expected an IP address, found nothing".to_owned())
                    })?;
                    let address = address.parse().map_err(|_| {
                        error(format!(
                            "`nameserver`: expected an IP address, found `{address}`"
                        ))
                    })?;
                    if conf.nameservers.len() < 3 {
                        conf.nameservers.push(address);
                    }
                }
                "search" | "domain" => {
                    conf.search = words
                        .map(|domain| absolute(domain, number))
                        .collect::<Result<_, _>>()?;
                }
                "options" => {
                    for option in words {
                        if let Some(value) = option.strip_prefix("ndots:") {
                            // glibc and musl clamp any larger value to 15, however large.
                            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                                return Err(error(format!(
                                    "`ndots`: expected an integer of at least 0, found `{value}`"
                                )));
                            }
                            conf.ndots = value
                                .parse::<u8>()
                                .map_or(MAX_NDOTS, |ndots| ndots.min(MAX_NDOTS));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(conf)
    }

    /// The names `resolver` tries for `name`, in order.
    pub fn candidates(&self, resolver: StubResolver, name: &str) -> Vec<Name> {
        let trailing_dot = name.ends_with('.');
        let bare = name.trim_end_matches('.');
        let Ok(as_is) = qname::absolute(bare) else {
            return Vec::new();
        };
        if trailing_dot || bare.is_empty() {
            return vec![as_is];
        }
        let dots = bare.matches('.').count();
        let enough_dots = dots >= usize::from(self.ndots);
        if resolver == StubResolver::Musl && enough_dots {
            return vec![as_is];
        }
        let mut names = Vec::with_capacity(self.search.len() + 1);
        if enough_dots {
            names.push(as_is.clone());
        }
        for domain in &self.search {
            if domain.is_root() {
                // A search entry of `.` is the name as is.
                if !names.contains(&as_is) {
                    names.push(as_is.clone());
                }
                continue;
            }
            let Ok(candidate) = Name::from_ascii(bare).and_then(|n| n.append_domain(domain)) else {
                continue; // too long for a domain name
            };
            if resolver == StubResolver::Go && candidate.len() > 254 {
                continue;
            }
            names.push(candidate);
        }
        if !names.contains(&as_is) {
            names.push(as_is);
        }
        names
    }
}

/// One question a stub resolver asked, and what it got.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// The name asked.
    pub name: Name,
    /// The answer.
    pub answer: Answer,
}

/// A whole resolution: every attempt, in order. The last one decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resolution {
    /// The names asked and their answers.
    pub attempts: Vec<Attempt>,
}

impl Resolution {
    /// Whether the resolution found records.
    pub fn found(&self) -> bool {
        self.answer()
            .is_some_and(|answer| answer.outcome == Outcome::Success)
    }

    /// The answer that ended the walk.
    pub fn answer(&self) -> Option<&Answer> {
        self.attempts.last().map(|attempt| &attempt.answer)
    }
}

impl fmt::Display for Resolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for attempt in &self.attempts {
            let outcome = match attempt.answer.outcome {
                Outcome::Success => "answer",
                Outcome::NoData => "NODATA",
                Outcome::NxDomain => "NXDOMAIN",
                Outcome::Refused => "REFUSED",
            };
            writeln!(f, "{}\t{outcome}", attempt.name)?;
        }
        Ok(())
    }
}

impl ClusterDns {
    /// Resolves `name` as a Pod's stub resolver would: each candidate of its search list in
    /// turn (see [`crate::resolver`]), until one answers or the resolver gives up. Names outside
    /// the server's zones are answered by the [`Upstream`](crate::Upstream), as a Corefile's
    /// `forward` would send them on.
    ///
    /// # Errors
    /// [`InvalidNameError`] when `name` is not a domain name.
    pub fn resolve(
        &self,
        conf: &ResolvConf,
        resolver: StubResolver,
        name: &str,
        qtype: RecordType,
    ) -> Result<Resolution, InvalidNameError> {
        let candidates = conf.candidates(resolver, name);
        if candidates.is_empty() {
            return Err(InvalidNameError {
                name: name.to_owned(),
                reason: "no search-list candidate is a domain name".to_owned(),
            });
        }
        let mut attempts = Vec::new();
        for candidate in candidates {
            let mut answer = self.answer(&candidate, qtype);
            if answer.outcome == Outcome::Refused {
                answer = Answer::from_upstream(self.config().upstream.lookup(&candidate, qtype));
            }
            let outcome = answer.outcome;
            attempts.push(Attempt {
                name: candidate,
                answer,
            });
            if !goes_on(resolver, outcome) {
                break;
            }
        }
        Ok(Resolution { attempts })
    }
}

/// Whether `resolver` goes on to the next candidate after `outcome`.
fn goes_on(resolver: StubResolver, outcome: Outcome) -> bool {
    match (resolver, outcome) {
        (_, Outcome::Success) => false,
        (_, Outcome::NxDomain) => true,
        // musl stops on NODATA (EAI_NODATA); glibc and Go go on.
        (StubResolver::Musl, Outcome::NoData) => false,
        (_, Outcome::NoData) => true,
        // REFUSED is "no recovery" for every resolver.
        _ => false,
    }
}

/// A search domain of line `line` as an absolute name.
fn absolute(text: &str, line: usize) -> Result<Name, ResolvConfError> {
    qname::absolute(text.trim_end_matches('.')).map_err(|error| ResolvConfError {
        line,
        message: format!(
            "search domain: expected a domain name, found `{text}`: {}",
            error.reason
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(names: Vec<Name>) -> Vec<String> {
        names.into_iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn candidates_follow_each_resolver() {
        let pod = ResolvConf::cluster_first("default", "cluster.local").unwrap();
        let search = |name: &str| {
            vec![
                format!("{name}.default.svc.cluster.local."),
                format!("{name}.svc.cluster.local."),
                format!("{name}.cluster.local."),
            ]
        };
        // Fewer dots than ndots: the search list first, the name as is last.
        let mut expected = search("api.github.com");
        expected.push("api.github.com.".to_owned());
        for resolver in [StubResolver::Glibc, StubResolver::Musl, StubResolver::Go] {
            assert_eq!(
                names(pod.candidates(resolver, "api.github.com")),
                expected,
                "{resolver:?}"
            );
        }
        // A trailing dot: that name only.
        assert_eq!(
            names(pod.candidates(StubResolver::Glibc, "web.default.svc.cluster.local.")),
            ["web.default.svc.cluster.local."]
        );
        // Five dots: as is first (glibc, Go) or only (musl).
        let deep = "a.b.c.d.e.f";
        assert_eq!(
            names(pod.candidates(StubResolver::Musl, deep)),
            ["a.b.c.d.e.f."]
        );
        let mut glibc = vec!["a.b.c.d.e.f.".to_owned()];
        glibc.extend(search(deep));
        assert_eq!(names(pod.candidates(StubResolver::Glibc, deep)), glibc);
        assert_eq!(names(pod.candidates(StubResolver::Go, deep)), glibc);
    }

    #[test]
    fn resolv_conf_is_read_as_glibc_reads_it() {
        let conf = ResolvConf::parse(
            "# written by the kubelet\nnameserver 10.96.0.10\nsearch a.example b.example\n\
             search shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:20 edns0\n",
        )
        .unwrap();
        assert_eq!(conf.nameservers, ["10.96.0.10".parse::<IpAddr>().unwrap()]);
        assert_eq!(conf.search.len(), 3, "the last search line wins");
        assert_eq!(conf.ndots, 15, "capped at 15");
        let huge = ResolvConf::parse("options ndots:99999999999999\n").unwrap();
        assert_eq!(
            huge.ndots, 15,
            "clamped, however large, as glibc and musl do"
        );
        let error = ResolvConf::parse("nameserver ten\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 1: `nameserver`: expected an IP address, found `ten`"
        );
    }

    #[test]
    fn musl_stops_on_nodata_glibc_goes_on() {
        assert!(goes_on(StubResolver::Glibc, Outcome::NoData));
        assert!(!goes_on(StubResolver::Musl, Outcome::NoData));
        assert!(goes_on(StubResolver::Musl, Outcome::NxDomain));
        assert!(!goes_on(StubResolver::Go, Outcome::Refused));
    }
}
