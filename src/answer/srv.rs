//! SRV: CoreDNS's `plugin.SRV` (`plugin/backend_lookup.go`) over what the lookup found.
//!
//! One record per distinct (target, port) of the entries, priority 0, weight
//! `floor(100 / entries)` counted *before* duplicates are dropped (so a dual-stack ClusterIP
//! Service answers one SRV of weight 50), and the targets' addresses in the additional
//! section, one per distinct (target, address). Entries without a port (a portless slice,
//! CoreDNS's port -1) are counted but never answered.

use std::collections::HashSet;
use std::net::IpAddr;

use hickory_proto::rr::rdata::SRV;
use hickory_proto::rr::{Name, RData, Record};

use super::lookup::{Found, Items, port_matches};
use super::names::{EndpointName, service_name};
use super::question::Question;
use super::{Context, Typed};
use crate::qname::QueryName;

impl Context<'_> {
    /// SRV (CoreDNS `plugin.SRV`).
    pub(super) fn srv(&self, question: &Question<'_>, parsed: QueryName<'_>) -> Typed {
        let items = match self.find(question, parsed) {
            Found::NameError => return Typed::NameError,
            Found::Nothing => return Typed::empty(),
            Found::Items(items) => items,
        };
        // (target, port, address); a port of `None` is counted but not answered. Targets are
        // keys until they are answered, so that duplicates are found by hashing small keys
        // instead of comparing names.
        let mut entries: Vec<(TargetKey<'_>, Option<u16>, IpAddr)> = Vec::new();
        let view = match &items {
            Items::VirtualIps { view, .. } | Items::Endpoints { view, .. } => Some(*view),
            _ => None,
        };
        // The question names this Service or import, so its name is a suffix of the question's
        // and always fits.
        let base = view.and_then(|view| service_name(view.meta(), &question.zone_as_spelled()));
        match items {
            Items::VirtualIps { view, port } => {
                for (name, protocol, number) in view.ports() {
                    if !port_matches(port, name, protocol.as_str()) {
                        continue;
                    }
                    for &ip in view.virtual_ips() {
                        entries.push((TargetKey::Service, Some(number), ip));
                    }
                }
            }
            Items::Endpoints { view, part } => {
                let pod_names = self.config.endpoint_pod_names;
                for entry in self.entries(view, part) {
                    let key = TargetKey::Endpoint {
                        name: entry.name(pod_names),
                        cluster: entry.cluster,
                    };
                    entries.push((key, entry.port, entry.address));
                }
            }
            // CoreDNS keeps no SRV for ExternalName Services.
            Items::ExternalName(_) => {}
            // Pod names are entries without a port: port 0, target the name.
            Items::Pod(address) => entries.push((TargetKey::Question, Some(0), address)),
            // `ns.dns.<zone>` only ever holds A and AAAA records.
            Items::NameServer => {}
        }
        let weight = srv_weight(entries.len());
        let ttl = self.config.ttl;
        let mut records: Vec<Record> = Vec::new();
        let mut additionals: Vec<Record> = Vec::new();
        let mut seen_records: HashSet<(TargetKey<'_>, u16)> = HashSet::new();
        let mut seen_addresses: HashSet<(TargetKey<'_>, IpAddr)> = HashSet::new();
        for &(key, port, address) in &entries {
            let Some(port) = port else { continue };
            let new_record = seen_records.insert((key, port));
            let new_address = seen_addresses.insert((key, address));
            if !new_record && !new_address {
                continue;
            }
            // Spelled out once per entry that adds something; a target too long for DNS
            // cannot be sent and is left out.
            let Some(target) = key.name(base.as_ref(), question.name) else {
                continue;
            };
            if new_record {
                let data = SRV::new(0, weight, port, target.clone());
                records.push(Record::from_rdata(
                    question.name.clone(),
                    ttl,
                    RData::SRV(data),
                ));
            }
            if new_address {
                additionals.push(Record::from_rdata(target, ttl, RData::from(address)));
            }
        }
        Typed::records(records, additionals)
    }
}

/// What an SRV target is, before it is spelled out as a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum TargetKey<'c> {
    /// `<svc>.<ns>.svc.<zone>`.
    Service,
    /// `<endpoint>.<svc>.<ns>.svc.<zone>`, or in a multicluster zone
    /// `<endpoint>.<cluster>.<svc>.<ns>.svc.<zone>`.
    Endpoint {
        name: EndpointName<'c>,
        cluster: Option<&'c str>,
    },
    /// The question's own name, lower-cased (pod names).
    Question,
}

impl TargetKey<'_> {
    /// The name, under `base` (the Service's name) when it has one; `None` when it would be
    /// too long for DNS.
    fn name(self, base: Option<&Name>, question: &Name) -> Option<Name> {
        match (self, base) {
            (TargetKey::Service, Some(base)) => Some(base.clone()),
            (TargetKey::Endpoint { name, cluster }, Some(base)) => name.under(base, cluster),
            (TargetKey::Question, _) | (_, None) => Some(question.to_lowercase()),
        }
    }
}

/// CoreDNS's SRV weight: 100 shared by the entries at priority 0, floored, at least 1.
pub(crate) fn srv_weight(entries: usize) -> u16 {
    match entries {
        0 => 100,
        n => u16::try_from(100 / n).unwrap_or(0).max(1),
    }
}
