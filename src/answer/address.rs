//! A, AAAA and CNAME: CoreDNS's `plugin.A` / `plugin.AAAA` (`plugin/backend_lookup.go`) over
//! what the lookup found, and the chase of an ExternalName's CNAME.

use std::collections::HashSet;
use std::net::IpAddr;

use hickory_proto::rr::rdata::CNAME;
use hickory_proto::rr::{Name, RData, Record, RecordType};

use super::lookup::{Entry, Found, Items};
use super::question::Question;
use super::{Context, MAX_CNAME_CHAIN, Typed};
use crate::qname::{Labels, QueryName, ServicePart};

impl Context<'_> {
    /// A and AAAA (CoreDNS `plugin.A` / `plugin.AAAA`): the addresses of the family asked,
    /// each once.
    pub(super) fn address_records(
        &self,
        question: &Question<'_>,
        parsed: QueryName<'_>,
        qtype: RecordType,
        depth: usize,
    ) -> Typed {
        let items = match self.find(question, parsed) {
            Found::NameError => return Typed::NameError,
            Found::Nothing => return Typed::empty(),
            Found::Items(items) => items,
        };
        let mut records = Vec::new();
        let mut push = |address: IpAddr| {
            if let Some(data) = address_rdata(address, qtype) {
                records.push(Record::from_rdata(
                    question.name.clone(),
                    self.config.ttl,
                    data,
                ));
            }
        };
        match items {
            Items::VirtualIps { view, .. } => view.virtual_ips().iter().copied().for_each(push),
            // The whole name: the ready addresses worked out when the cluster was linked.
            Items::Endpoints {
                view,
                part: ServicePart::Whole,
            } => self
                .ready_addresses(view, qtype == RecordType::AAAA)
                .for_each(push),
            Items::Endpoints { view, part } => {
                let mut seen: HashSet<IpAddr> = HashSet::new();
                for Entry { address, .. } in self.entries(view, part) {
                    if seen.insert(address) {
                        push(address);
                    }
                }
            }
            Items::Pod(address) => push(address),
            Items::NameServer => {
                let zone = question.zone_as_spelled();
                for (_, address) in self.name_server_addresses(&zone) {
                    push(address);
                }
            }
            Items::ExternalName(target) => return self.chase(question, target, qtype, depth),
        }
        Typed::records(records, Vec::new())
    }

    /// An ExternalName's CNAME for A and AAAA (CoreDNS `backend_lookup.go`). A target inside
    /// the zone is followed here and the CNAME kept only when it yields records; a target
    /// outside is asked of the whole server again (`upstream.Lookup`), and the CNAME is kept
    /// with whatever answer records its reply holds, unless no reply was written.
    fn chase(
        &self,
        question: &Question<'_>,
        target: &str,
        qtype: RecordType,
        depth: usize,
    ) -> Typed {
        let Some(cname) = self.cname_record(question, target, true) else {
            return Typed::empty();
        };
        let RData::CNAME(CNAME(target_name)) = &cname.data else {
            // `cname_record` makes CNAME records only.
            return Typed::empty();
        };
        let target_labels = Labels::new(target_name);
        if !question.zone_contains(&target_labels) {
            // Asked of the whole server: the CNAME stays, followed by the reply's answer
            // records (none for NXDOMAIN, REFUSED or SERVFAIL), its TC copied. No reply at all
            // (a dropped query) leaves the CNAME out.
            let Some(reply) = self.resolve.and_then(|resolve| resolve(target_name, qtype)) else {
                return Typed::empty();
            };
            let mut records = Vec::with_capacity(reply.answers.len() + 1);
            records.push(cname);
            records.extend(reply.answers);
            return Typed::Records(records, Vec::new(), reply.truncated);
        }
        if depth >= MAX_CNAME_CHAIN {
            return Typed::empty();
        }
        let next = Question {
            zone: question.zone,
            name: target_name,
            labels: &target_labels,
            zone_labels: question.zone_labels,
            multicluster: question.multicluster,
        };
        match self.lookup_typed(&next, qtype, depth + 1) {
            Typed::Records(records, extra, truncated) if !records.is_empty() => {
                let mut all = Vec::with_capacity(records.len() + 1);
                all.push(cname);
                all.extend(records);
                Typed::Records(all, extra, truncated)
            }
            _ => Typed::empty(),
        }
    }

    /// `name CNAME target.`, or `None` for a target that is not a domain name, or for a direct
    /// loop (`x CNAME x`) when `skip_loop` (the address lookups skip it; the CNAME answer does
    /// not).
    pub(super) fn cname_record(
        &self,
        question: &Question<'_>,
        target: &str,
        skip_loop: bool,
    ) -> Option<Record> {
        let mut target = Name::from_ascii(target).ok()?;
        target.set_fqdn(true);
        if skip_loop && target == *question.name {
            return None;
        }
        Some(Record::from_rdata(
            question.name.clone(),
            self.config.ttl,
            RData::CNAME(CNAME(target)),
        ))
    }
}

/// The record data for an address, when it is of the family `qtype` asks for.
fn address_rdata(address: IpAddr, qtype: RecordType) -> Option<RData> {
    let family = match address {
        IpAddr::V4(_) => RecordType::A,
        IpAddr::V6(_) => RecordType::AAAA,
    };
    (family == qtype).then(|| RData::from(address))
}
