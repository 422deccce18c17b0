//! The `hosts` plugin (CoreDNS `plugin/hosts/hosts.go`, `hostsfile.go`): A, AAAA and PTR
//! answers from a hosts file and the entries written inline.

use std::collections::HashMap;
use std::net::IpAddr;

use hickory_proto::rr::rdata::{A, AAAA, PTR};
use hickory_proto::rr::{Name, RData, Record, RecordType};

use super::Request;
use crate::answer::{Answer, Outcome};
use crate::config::{Fallthrough, HostsConfig, HostsEntry};
use crate::qname::address_of_reverse;

/// A `hosts` plugin's lookup tables, built once (rule 41): the file's entries, then the inline
/// ones, each name kept only inside the plugin's zones.
#[derive(Debug, Clone, Default)]
pub(crate) struct HostsTable {
    zones: Vec<Name>,
    ttl: u32,
    fallthrough: Fallthrough,
    fallthrough_unsupported: bool,
    /// Exact names (lower-case) to their addresses, IPv4 and IPv6 kept apart.
    names: HashMap<Name, Vec<IpAddr>>,
    /// `*.rest` names, keyed by `rest`.
    wildcards: HashMap<Name, Vec<IpAddr>>,
    /// Addresses to the names that make PTR records (not for wildcard names, nor with
    /// `no_reverse`).
    reverse: HashMap<IpAddr, Vec<Name>>,
}

impl HostsTable {
    pub(crate) fn new(config: &HostsConfig) -> HostsTable {
        let mut table = HostsTable {
            zones: config.zones.clone(),
            ttl: config.ttl,
            fallthrough: config.fallthrough.clone(),
            fallthrough_unsupported: config.fallthrough_unsupported,
            ..HostsTable::default()
        };
        // hostsfile.go looks in the file's map first, then in the inline one.
        for entry in config.file.iter().chain(&config.inline) {
            table.add(entry, config.reverse);
        }
        table
    }

    fn add(&mut self, entry: &HostsEntry, reverse: bool) {
        for name in &entry.names {
            if !self.zones.iter().any(|zone| zone.zone_of(name)) {
                continue;
            }
            if is_wildcard(name) {
                self.wildcards
                    .entry(name.base_name())
                    .or_default()
                    .push(entry.address);
                continue;
            }
            self.names
                .entry(name.clone())
                .or_default()
                .push(entry.address);
            if reverse {
                self.reverse
                    .entry(entry.address)
                    .or_default()
                    .push(name.clone());
            }
        }
    }

    /// The addresses of `name` (lower-case) of one family.
    fn addresses(&self, name: &Name, v4: bool) -> Vec<IpAddr> {
        let family = |ip: &&IpAddr| ip.is_ipv4() == v4;
        if let Some(all) = self.names.get(name)
            && all.iter().any(|ip| ip.is_ipv4() == v4)
        {
            return all.iter().filter(family).copied().collect();
        }
        if name.num_labels() > 0
            && let Some(all) = self.wildcards.get(&name.base_name())
        {
            return all.iter().filter(family).copied().collect();
        }
        Vec::new()
    }

    /// The plugin's `ServeDNS`: `None` when it passes the question on.
    pub(crate) fn serve(&self, request: &Request) -> Option<Answer> {
        // request.Name(): the owner of every record is the question lower-cased.
        let name = request.name.to_lowercase();
        let in_zone = self.zones.iter().any(|zone| zone.zone_of(&name));
        // PTR questions need not be in the plugin's zones.
        if !in_zone && request.qtype != RecordType::PTR {
            return None;
        }
        let answers: Vec<Record> = match request.qtype {
            RecordType::PTR => {
                let names = address_of_reverse(&name)
                    .and_then(|address| self.reverse.get(&address))
                    .filter(|names| !names.is_empty())?;
                names
                    .iter()
                    .map(|target| {
                        Record::from_rdata(name.clone(), self.ttl, RData::PTR(PTR(target.clone())))
                    })
                    .collect()
            }
            RecordType::A | RecordType::AAAA => {
                let v4 = request.qtype == RecordType::A;
                self.addresses(&name, v4)
                    .into_iter()
                    .map(|ip| {
                        let data = match ip {
                            IpAddr::V4(v4) => RData::A(A(v4)),
                            IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
                        };
                        Record::from_rdata(name.clone(), self.ttl, data)
                    })
                    .collect()
            }
            _ if self.fallthrough_unsupported && self.fallthrough.covers(&name) => return None,
            _ => Vec::new(),
        };
        let exists =
            !self.addresses(&name, true).is_empty() || !self.addresses(&name, false).is_empty();
        if answers.is_empty() && !exists {
            if self.fallthrough.covers(&name) {
                return None;
            }
            // No SOA to make an NXDOMAIN with: the plugin returns SERVFAIL, written by the
            // server.
            return Some(Answer::empty(Outcome::ServFail));
        }
        // NOERROR, AA, no SOA: NODATA for a name it holds in the other family.
        let mut answer = Answer::success(answers);
        answer.refresh_outcome();
        Some(answer)
    }
}

fn is_wildcard(name: &Name) -> bool {
    name.iter().next().is_some_and(|label| label == b"*")
}
