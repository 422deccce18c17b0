//! The rest of the DNS world, as far as the simulated server can see it.
//!
//! CoreDNS's `kubernetes` plugin sends two kinds of question onward: the target of an
//! ExternalName Service that lies outside its zones ("upstream" lookups, which go back through
//! the whole server: `hosts`, then `forward` to the node's resolver), and, with `fallthrough`,
//! names it would have answered NXDOMAIN. A simulator has no network, so [`Upstream`] stands in
//! for everything after the plugin: a fixed set of records, filled through the API or from a
//! Corefile's `hosts` block. A name it does not hold is NXDOMAIN, which is what the real
//! internet answers for most names a test makes up.
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

use std::net::IpAddr;

use hickory_proto::rr::rdata::{A, AAAA, CNAME, PTR};
use hickory_proto::rr::{Name, RData, Record, RecordType};

use crate::error::InvalidNameError;
use crate::qname::absolute;

/// CNAME chains inside the upstream are followed at most this deep.
const MAX_CHAIN: usize = 10;

/// Static records standing in for every resolver after the kubernetes plugin.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Upstream {
    records: Vec<Record>,
}

/// What the upstream answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpstreamAnswer {
    /// Whether the name exists upstream (NOERROR) or not (NXDOMAIN).
    pub name_exists: bool,
    /// The records answering the question, CNAMEs first when followed.
    pub records: Vec<Record>,
}

impl Upstream {
    /// An upstream that knows no name.
    pub fn new() -> Self {
        Upstream::default()
    }

    /// Whether it holds no record at all.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
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

    /// Answers `name`/`qtype` (case-insensitive), following CNAMEs it holds (at most 10, and
    /// each name once: a loop ends where it closes). Owner names are the upstream's own
    /// spelling; TTLs are the records' own.
    pub fn lookup(&self, name: &Name, qtype: RecordType) -> UpstreamAnswer {
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
        UpstreamAnswer {
            name_exists,
            records,
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
