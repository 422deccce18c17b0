//! Typed views of an [`Answer`]'s records, for tests that assert on what a name resolved to
//! without matching hickory's `RData` by hand, and the answer as text.

use std::fmt;
use std::net::IpAddr;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RData, Record};

use super::{Answer, Outcome};

/// One SRV record's data: what a client picks a target by (RFC 2782's four fields, all of
/// them, so tests can write the value they expect).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SrvTarget {
    /// The priority (always 0 from the kubernetes plugin).
    pub priority: u16,
    /// The weight.
    pub weight: u16,
    /// The port.
    pub port: u16,
    /// The target name.
    pub target: Name,
}

impl Answer {
    /// The A and AAAA addresses of the answer section, in answer order (an ExternalName's
    /// CNAME is skipped: these are the addresses it led to).
    ///
    /// ```
    /// use k8s_dns_sim::hickory_proto::rr::RecordType;
    /// use k8s_dns_sim::ClusterDns;
    ///
    /// let dns = ClusterDns::from_yaml(
    ///     "apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: default}
    /// spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
    /// ",
    /// )?;
    /// let answer = dns.lookup("web.default.svc.cluster.local", RecordType::A)?;
    /// assert_eq!(answer.addresses(), ["10.96.0.20".parse::<std::net::IpAddr>()?]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn addresses(&self) -> Vec<IpAddr> {
        self.answers
            .iter()
            .filter_map(|record| match &record.data {
                RData::A(a) => Some(IpAddr::V4(a.0)),
                RData::AAAA(aaaa) => Some(IpAddr::V6(aaaa.0)),
                _ => None,
            })
            .collect()
    }

    /// The SRV records of the answer section, in answer order.
    pub fn srv(&self) -> Vec<SrvTarget> {
        self.answers
            .iter()
            .filter_map(|record| match &record.data {
                RData::SRV(srv) => Some(SrvTarget {
                    priority: srv.priority,
                    weight: srv.weight,
                    port: srv.port,
                    target: srv.target.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// The target of the first CNAME of the answer section (an ExternalName's).
    pub fn cname(&self) -> Option<Name> {
        self.answers.iter().find_map(|record| match &record.data {
            RData::CNAME(cname) => Some(cname.0.clone()),
            _ => None,
        })
    }

    /// The names of the PTR records of the answer section, in answer order.
    pub fn ptr(&self) -> Vec<Name> {
        self.answers
            .iter()
            .filter_map(|record| match &record.data {
                RData::PTR(ptr) => Some(ptr.0.clone()),
                _ => None,
            })
            .collect()
    }

    /// The strings of the TXT records of the answer section, in answer order (each record's
    /// strings joined).
    pub fn txt(&self) -> Vec<String> {
        self.answers
            .iter()
            .filter_map(|record| match &record.data {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect()
    }
}

/// A response code as dig names it: its mnemonic (`NOERROR`, `NXDOMAIN`, `FORMERR`, …), or
/// its number for a code without one.
pub fn rcode_mnemonic(code: ResponseCode) -> String {
    match code {
        ResponseCode::NoError => "NOERROR".to_owned(),
        ResponseCode::FormErr => "FORMERR".to_owned(),
        ResponseCode::ServFail => "SERVFAIL".to_owned(),
        ResponseCode::NXDomain => "NXDOMAIN".to_owned(),
        ResponseCode::NotImp => "NOTIMP".to_owned(),
        ResponseCode::Refused => "REFUSED".to_owned(),
        ResponseCode::NotAuth => "NOTAUTH".to_owned(),
        ResponseCode::BADVERS => "BADVERS".to_owned(),
        other => u16::from(other).to_string(),
    }
}

/// The answer as dig's sections show it: the rcode (and `aa` when authoritative), then each
/// non-empty section's records in zone-file text, one a line.
///
/// ```text
/// ;; NXDOMAIN aa
/// ;; AUTHORITY
/// cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5
/// ```
impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rcode = match self.outcome {
            Outcome::Success | Outcome::NoData => "NOERROR".to_owned(),
            Outcome::NxDomain => "NXDOMAIN".to_owned(),
            Outcome::Refused => "REFUSED".to_owned(),
            Outcome::ServFail => "SERVFAIL".to_owned(),
            Outcome::Other(code) => rcode_mnemonic(code),
            Outcome::NoReply => return f.write_str(";; no reply"),
        };
        write!(f, ";; {rcode}")?;
        if self.authoritative {
            f.write_str(" aa")?;
        }
        for (title, records) in [
            ("ANSWER", &self.answers),
            ("AUTHORITY", &self.authorities),
            ("ADDITIONAL", &self.additionals),
        ] {
            if records.is_empty() {
                continue;
            }
            write!(f, "\n;; {title}")?;
            for record in records.iter() {
                write!(f, "\n{}", Record::to_string(record))?;
            }
        }
        Ok(())
    }
}
