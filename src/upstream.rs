//! The rest of the DNS world, as far as the simulated server can see it.
//!
//! CoreDNS's `forward` plugin sends the questions that reach it to upstream resolvers (the
//! node's `/etc/resolv.conf`, `8.8.8.8`, …). A simulator has no network, so [`Upstream`] stands
//! in for every one of them: a fixed set of records, and optionally a closure the caller gives,
//! asked first. A name neither holds is NXDOMAIN, which is what the real internet answers for
//! most names a test makes up, or SERVFAIL ([`UnknownNames::ServFail`]), which is what an
//! unreachable upstream gives.
//!
//! ```
//! use k8s_dns_sim::Upstream;
//! use k8s_dns_sim::hickory_proto::rr::RecordType;
//!
//! let upstream = Upstream::new().with_address("db.example.com", "192.0.2.7".parse()?, 300)?;
//! let answer = upstream.lookup(&"DB.example.com.".parse()?, RecordType::A);
//! assert_eq!(answer.records.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use hickory_proto::rr::rdata::{A, AAAA, CNAME, PTR};
use hickory_proto::rr::{Name, RData, Record, RecordType};

use crate::error::InvalidNameError;
use crate::qname::absolute;

/// CNAME chains inside the upstream are followed at most this deep.
const MAX_CHAIN: usize = 10;

/// What answers past the server's `forward` plugins: static records, and optionally a
/// closure asked first.
#[derive(Clone, Default)]
pub struct Upstream {
    records: Vec<Record>,
    resolver: Option<Resolver>,
    unknown: UnknownNames,
}

/// A closure answering for the upstream: `None` when it does not know the question (the
/// static records are then asked).
type Resolver = Arc<dyn Fn(&Name, RecordType) -> Option<UpstreamAnswer> + Send + Sync>;

impl fmt::Debug for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upstream")
            .field("records", &self.records)
            .field("resolver", &self.resolver.as_ref().map(|_| "Fn"))
            .field("unknown", &self.unknown)
            .finish()
    }
}

/// Two upstreams are equal when they hold the same records, the same unknown-name answer and
/// the same closure (the same `Arc`), or none.
impl PartialEq for Upstream {
    fn eq(&self, other: &Self) -> bool {
        self.records == other.records
            && self.unknown == other.unknown
            && match (&self.resolver, &other.resolver) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

impl Eq for Upstream {}

/// What the upstream answers for a name it does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum UnknownNames {
    /// NXDOMAIN, as the internet answers a made-up name.
    #[default]
    NxDomain,
    /// SERVFAIL, as `forward` answers when no upstream can be reached.
    ServFail,
}

/// What the upstream answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpstreamAnswer {
    /// Whether the name exists upstream (NOERROR) or not (NXDOMAIN).
    pub name_exists: bool,
    /// The records answering the question, CNAMEs first when followed.
    pub records: Vec<Record>,
    /// Whether the upstream could not be reached (`forward` then answers SERVFAIL).
    pub unreachable: bool,
}

impl UpstreamAnswer {
    /// NOERROR with these records (none: NODATA).
    pub fn records(records: Vec<Record>) -> UpstreamAnswer {
        UpstreamAnswer {
            name_exists: true,
            records,
            unreachable: false,
        }
    }

    /// NXDOMAIN.
    pub fn nxdomain() -> UpstreamAnswer {
        UpstreamAnswer {
            name_exists: false,
            records: Vec::new(),
            unreachable: false,
        }
    }

    /// No answer at all: `forward` answers SERVFAIL.
    pub fn unreachable() -> UpstreamAnswer {
        UpstreamAnswer {
            name_exists: false,
            records: Vec::new(),
            unreachable: true,
        }
    }
}

impl Upstream {
    /// An upstream that knows no name.
    pub fn new() -> Self {
        Upstream::default()
    }

    /// An upstream that asks `resolver` first: `None` from it means it does not know the
    /// question, and the static records (then [`Upstream::with_unknown_names`]) answer.
    ///
    /// ```
    /// use k8s_dns_sim::hickory_proto::rr::{RData, Record, RecordType};
    /// use k8s_dns_sim::{Upstream, UpstreamAnswer};
    ///
    /// let upstream = Upstream::from_fn(|name, qtype| {
    ///     (qtype == RecordType::A && name.to_ascii().ends_with(".example.com.")).then(|| {
    ///         let a = RData::A("192.0.2.1".parse().unwrap());
    ///         UpstreamAnswer::records(vec![Record::from_rdata(name.clone(), 60, a)])
    ///     })
    /// });
    /// let answer = upstream.lookup(&"www.example.com.".parse()?, RecordType::A);
    /// assert_eq!(answer.records.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_fn<F>(resolver: F) -> Self
    where
        F: Fn(&Name, RecordType) -> Option<UpstreamAnswer> + Send + Sync + 'static,
    {
        Upstream {
            resolver: Some(Arc::new(resolver)),
            ..Upstream::default()
        }
    }

    /// Sets what a name it does not hold gets: NXDOMAIN (the default) or SERVFAIL.
    pub fn with_unknown_names(mut self, unknown: UnknownNames) -> Self {
        self.unknown = unknown;
        self
    }

    /// Whether it holds no record at all (and has no closure).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.resolver.is_none()
    }

    /// Every record it holds.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Adds a record.
    pub fn with_record(mut self, record: Record) -> Self {
        self.records.push(record);
        self
    }

    /// Adds an A or AAAA record for `name`.
    ///
    /// # Errors
    /// [`InvalidNameError`] when `name` is not a domain name.
    pub fn with_address(
        self,
        name: &str,
        address: IpAddr,
        ttl: u32,
    ) -> Result<Self, InvalidNameError> {
        let name = absolute(name)?;
        Ok(self.with_record(Record::from_rdata(name, ttl, address_rdata(address))))
    }

    /// Adds a CNAME from `name` to `target`.
    ///
    /// # Errors
    /// [`InvalidNameError`] when either is not a domain name.
    pub fn with_cname(self, name: &str, target: &str, ttl: u32) -> Result<Self, InvalidNameError> {
        let data = RData::CNAME(CNAME(absolute(target)?));
        Ok(self.with_record(Record::from_rdata(absolute(name)?, ttl, data)))
    }

    /// Adds the PTR record of `address` pointing at `name`.
    ///
    /// # Errors
    /// [`InvalidNameError`] when `name` is not a domain name.
    pub fn with_reverse(
        self,
        address: IpAddr,
        name: &str,
        ttl: u32,
    ) -> Result<Self, InvalidNameError> {
        let data = RData::PTR(PTR(absolute(name)?));
        Ok(self.with_record(Record::from_rdata(Name::from(address), ttl, data)))
    }

    /// Answers `name`/`qtype`: the closure's answer when it has one; else from the static
    /// records (case-insensitive), following CNAMEs they hold (at most 10, and each name once:
    /// a loop ends where it closes). Owner names are the upstream's own spelling; TTLs are the
    /// records' own. A name neither knows gets [`UnknownNames`].
    pub fn lookup(&self, name: &Name, qtype: RecordType) -> UpstreamAnswer {
        if let Some(answer) = self.resolver.as_ref().and_then(|f| f(name, qtype)) {
            return answer;
        }
        let mut records: Vec<Record> = Vec::new();
        let mut current = name.clone();
        let name_exists = self.holds(&current);
        for _ in 0..MAX_CHAIN {
            // A loop ends the chain at the first name seen again: each record once.
            if records.iter().any(|record| record.name == current) {
                break;
            }
            let matching: Vec<&Record> = self
                .records
                .iter()
                .filter(|record| record.name == current && record.record_type() == qtype)
                .collect();
            if !matching.is_empty() || qtype == RecordType::CNAME {
                records.extend(matching.into_iter().cloned());
                break;
            }
            let Some(cname) = self
                .records
                .iter()
                .find(|record| record.name == current && record.record_type() == RecordType::CNAME)
            else {
                break;
            };
            records.push(cname.clone());
            let RData::CNAME(CNAME(target)) = &cname.data else {
                break;
            };
            current = target.clone();
        }
        if !name_exists && self.unknown == UnknownNames::ServFail {
            return UpstreamAnswer::unreachable();
        }
        UpstreamAnswer {
            name_exists,
            records,
            unreachable: false,
        }
    }

    fn holds(&self, name: &Name) -> bool {
        self.records.iter().any(|record| record.name == *name)
    }
}

fn address_rdata(address: IpAddr) -> RData {
    match address {
        IpAddr::V4(v4) => RData::A(A(v4)),
        IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> Name {
        Name::from_ascii(text).unwrap()
    }

    #[test]
    fn lookups_match_name_and_type_and_follow_cnames() {
        let upstream = Upstream::new()
            .with_cname("www.example.com", "web.example.com", 60)
            .unwrap()
            .with_address("web.example.com", "192.0.2.1".parse().unwrap(), 120)
            .unwrap();
        let answer = upstream.lookup(&name("WWW.example.com."), RecordType::A);
        let lines: Vec<String> = answer.records.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "www.example.com. 60 IN CNAME web.example.com.",
                "web.example.com. 120 IN A 192.0.2.1"
            ]
        );
        assert!(answer.name_exists);
        let cname_only = upstream.lookup(&name("www.example.com."), RecordType::CNAME);
        assert_eq!(cname_only.records.len(), 1);
        let nodata = upstream.lookup(&name("web.example.com."), RecordType::AAAA);
        assert!(nodata.name_exists && nodata.records.is_empty());
        let missing = upstream.lookup(&name("nope.example.com."), RecordType::A);
        assert!(!missing.name_exists && missing.records.is_empty());
    }

    #[test]
    fn cname_loops_stop() {
        let upstream = Upstream::new()
            .with_cname("a.example.", "b.example.", 5)
            .unwrap()
            .with_cname("b.example.", "a.example.", 5)
            .unwrap();
        let answer = upstream.lookup(&name("a.example."), RecordType::A);
        let lines: Vec<String> = answer.records.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "a.example. 5 IN CNAME b.example.",
                "b.example. 5 IN CNAME a.example."
            ],
            "each record once"
        );
        // A long chain without a loop stops at MAX_CHAIN.
        let mut chain = Upstream::new();
        for i in 0..20 {
            chain = chain
                .with_cname(
                    &format!("n{i}.example."),
                    &format!("n{}.example.", i + 1),
                    5,
                )
                .unwrap();
        }
        let answer = chain.lookup(&name("n0.example."), RecordType::A);
        assert_eq!(answer.records.len(), MAX_CHAIN);
    }
}
