//! Prepared answers: the `kubernetes` plugin's most common replies written straight from the
//! request's bytes, without decoding the request into a message, running the plugin chain or
//! building records (issue 13 §2).
//!
//! Most questions a cluster DNS server gets are A or AAAA questions for a Service name
//! (`<svc>.<ns>.svc.<zone>`): a ClusterIP answer, NODATA for the family the Service lacks, or
//! NXDOMAIN for the search-list candidates that name nothing. Their replies are the question
//! copied, one record per ClusterIP of the family (the question's name, then type, class, TTL
//! and length, then the address), or the zone's SOA in the authority section, and an OPT
//! record when the query had one. So answering one of them is: read the question (a few
//! dozen bytes, checked strictly), one lookup of the Service in the snapshot, and copying.
//!
//! What is prepared, and when:
//! - **Per configuration** ([`Prepared::new`], once in [`ClusterDns::new`](super::ClusterDns)):
//!   the blocks of the port and their zones, lower-cased, in the chain's order; for each block
//!   whose reply is exactly the `kubernetes` plugin's ([`Chain::kubernetes_blocks`]: nothing
//!   before it rewrites the question or the answer, as `rewrite`, `template`, `hosts`,
//!   `autopath` or `acl` would; `loadbalance`, which kubeadm's Corefile has, only reorders
//!   sections of more than one record, which no prepared reply holds then), that plugin's
//!   zones, and for each zone the
//!   bytes of its SOA record (written by [`encode::record_bytes`] from the record the general
//!   path builds, so the bytes are the same by construction) and whether a name error there
//!   may be answered here (not when `fallthrough` could hand it on), and the plugin's TTL.
//! - **Per snapshot**: nothing new. The Services' ClusterIPs already live in the snapshot's
//!   persistent map, one entry per Service, and a change batch re-links only the Services it
//!   touches; their wire form is their octets. The one value of the snapshot a prepared reply
//!   needs besides is the SOA serial, written into the prepared SOA bytes when the reply is.
//!
//! Everything else goes the general way, through `hickory` decoding, the chain and
//! [`crate::encode`]: any other type or name shape, a name with bytes other than letters,
//! digits and `-` or a compression pointer, a zone spelled with capitals in a negative reply,
//! headless and ExternalName Services, `multicluster` and reverse zones, `ignore
//! empty_service`, header flags other than RD, CD and AD, EDNS with options, another version
//! or flags beyond DO, trailing bytes, and a reply over 512 bytes (where compression and
//! truncation begin). The test below checks, over fixtures and generated clusters, that every
//! question gets the same bytes both ways.

use std::net::IpAddr;

use hickory_proto::rr::{Name, RecordType};

use crate::answer::Context;
use crate::chain::Chain;
use crate::cluster::Cluster;
use crate::config::{Fallthrough, KubernetesConfig};
use crate::encode;

/// The header's length.
const HEADER_LEN: usize = 12;

/// The largest reply written here: any client takes 512 bytes uncompressed, over either
/// transport and whatever its address family (larger replies may be compressed or cut).
const MAX_REPLY: usize = 512;

/// The at most 127 labels of a DNS name, lower-cased, with the question's own spelling.
struct QuestionName {
    /// Lower-cased label bytes, one after the other.
    lower: [u8; 255],
    /// Where each label ends in `lower`.
    ends: [u8; 128],
    count: usize,
    /// Whether a label's spelling has a capital letter, per label.
    capitals: u128,
}

impl QuestionName {
    fn label(&self, index: usize) -> &[u8] {
        let start = if index == 0 {
            0
        } else {
            usize::from(self.ends[index - 1])
        };
        &self.lower[start..usize::from(self.ends[index])]
    }

    /// Whether the last `suffix.len()` labels are `suffix` (lower-case).
    fn ends_with(&self, suffix: &[Box<[u8]>]) -> bool {
        suffix.len() <= self.count
            && suffix
                .iter()
                .enumerate()
                .all(|(i, label)| self.label(self.count - suffix.len() + i) == &**label)
    }

    /// Whether the last `count` labels are written without capitals.
    fn lowercase_from(&self, first: usize) -> bool {
        (first..self.count).all(|index| self.capitals >> index & 1 == 0)
    }
}

/// A query as read here.
struct Query<'b> {
    id: [u8; 2],
    recursion_desired: bool,
    checking_disabled: bool,
    name: QuestionName,
    /// The question as sent: name, type and class.
    question: &'b [u8],
    /// The name's bytes as sent (the owner of every answer record).
    owner: &'b [u8],
    qtype: RecordType,
    /// The OPT record's payload size (raised to 512) and DO bit, when the query has one.
    edns: Option<(u16, bool)>,
}

/// Reads a query that the general path would take as an ordinary QUERY for one name of class
/// IN, A or AAAA, with nothing unusual about it; `None` for anything else.
fn read(bytes: &[u8]) -> Option<Query<'_>> {
    let header = bytes.get(..HEADER_LEN)?;
    // QR, opcode, AA and TC clear; RA, Z and the response code clear (AD is ignored).
    if header[2] & !0x01 != 0 || header[3] & !0x30 != 0 {
        return None;
    }
    // One question, no answer or authority records, at most the OPT record.
    let additionals = u16::from_be_bytes([header[10], header[11]]);
    if header[4..10] != [0, 1, 0, 0, 0, 0] || additionals > 1 {
        return None;
    }
    let mut name = QuestionName {
        lower: [0; 255],
        ends: [0; 128],
        count: 0,
        capitals: 0,
    };
    let mut at = HEADER_LEN;
    let mut end = 0usize;
    loop {
        let length = usize::from(*bytes.get(at)?);
        at += 1;
        if length == 0 {
            break;
        }
        // A pointer or an extended label type (and a label over 63 bytes) is not read here.
        if length > 63 || name.count >= 127 {
            return None;
        }
        let label = bytes.get(at..at + length)?;
        let target = name.lower.get_mut(end..end + length)?;
        for (out, &byte) in target.iter_mut().zip(label) {
            if !(byte.is_ascii_alphanumeric() || byte == b'-') {
                return None;
            }
            if byte.is_ascii_uppercase() {
                name.capitals |= 1 << name.count;
            }
            *out = byte.to_ascii_lowercase();
        }
        at += length;
        end += length;
        name.ends[name.count] = end as u8;
        name.count += 1;
    }
    // A name takes at most 255 bytes on the wire.
    if at - HEADER_LEN > 255 {
        return None;
    }
    let owner = &bytes[HEADER_LEN..at];
    let fields = bytes.get(at..at + 4)?;
    let qtype = match u16::from_be_bytes([fields[0], fields[1]]) {
        1 => RecordType::A,
        28 => RecordType::AAAA,
        _ => return None,
    };
    if fields[2..4] != [0, 1] {
        return None;
    }
    let question = &bytes[HEADER_LEN..at + 4];
    at += 4;
    let edns = if additionals == 1 {
        // The root name, type OPT, the payload size as class, extended rcode and version 0,
        // no flag but DO, no options.
        let opt = bytes.get(at..at + 11)?;
        if opt[..3] != [0, 0, 41] || opt[5..7] != [0, 0] || opt[7] & 0x7f != 0 || opt[8] != 0 {
            return None;
        }
        if opt[9..11] != [0, 0] {
            return None;
        }
        at += 11;
        let payload = u16::from_be_bytes([opt[3], opt[4]]).max(512);
        Some((payload, opt[7] & 0x80 != 0))
    } else {
        None
    };
    if at != bytes.len() {
        return None;
    }
    Some(Query {
        id: [header[0], header[1]],
        recursion_desired: header[2] & 0x01 != 0,
        checking_disabled: header[3] & 0x10 != 0,
        name,
        question,
        owner,
        qtype,
        edns,
    })
}

/// What [`ClusterDns`](super::ClusterDns) prepares from its configuration.
#[derive(Debug, Clone, Default)]
pub(super) struct Prepared {
    /// Every zone of every block of the port, in the chain's order: lower-case labels and
    /// the block's index.
    block_zones: Vec<(Vec<Box<[u8]>>, usize)>,
    /// The first block with the root zone, which takes what no other zone contains.
    root_block: Option<usize>,
    /// Per block: its plugin's prepared parts when its replies are the `kubernetes` plugin's.
    plans: Vec<Option<Plan>>,
}

/// A block whose replies are the `kubernetes` plugin's.
#[derive(Debug, Clone)]
struct Plan {
    /// The plugin's zones.
    zones: Vec<PlanZone>,
    /// The `namespaces` option (empty: all).
    namespaces: Vec<String>,
    /// Whether `loadbalance` reorders the answers (of which a prepared reply then holds at
    /// most one: a section of one record stays as it is).
    shuffles: bool,
    /// Type, class, TTL and data length of an A record, and of an AAAA record.
    a: [u8; 10],
    aaaa: [u8; 10],
}

#[derive(Debug, Clone)]
struct PlanZone {
    /// Lower-case labels.
    labels: Vec<Box<[u8]>>,
    /// Whether Service names in it are answered here: not in a `multicluster` zone (whose
    /// names are ServiceImports) nor under `arpa.` (reverse zones, where Service names are
    /// name errors).
    serves: bool,
    /// Whether a name error in it is NXDOMAIN, rather than possibly handed on by
    /// `fallthrough`.
    negative: bool,
    /// The SOA record, owner and names in lower case, serial 0.
    soa: Box<[u8]>,
}

impl Prepared {
    /// The prepared parts of `chain`'s blocks (`cluster` only stands in for the snapshot
    /// while the SOA records are built: their serial is written per reply).
    pub(super) fn new(chain: &Chain, cluster: &Cluster) -> Prepared {
        let mut prepared = Prepared::default();
        for (index, (zones, kubernetes)) in chain.kubernetes_blocks().enumerate() {
            for zone in zones {
                if zone.is_root() {
                    prepared.root_block.get_or_insert(index);
                } else {
                    prepared.block_zones.push((lower_labels(zone), index));
                }
            }
            prepared.plans.push(
                kubernetes.and_then(|(config, shuffles)| Plan::new(config, shuffles, cluster)),
            );
        }
        prepared
    }

    /// The reply to `request`, when it is one of the prepared kind; `None` sends it the
    /// general way.
    pub(super) fn answer(&self, cluster: &Cluster, request: &[u8]) -> Option<Vec<u8>> {
        let query = read(request)?;
        let plan = self.plans.get(self.block_for(&query.name)?)?.as_ref()?;
        plan.answer(cluster, &query)
    }

    /// The block `Chain::serve` picks: the longest zone containing the name (the first block
    /// naming it), the root zone's block last.
    fn block_for(&self, name: &QuestionName) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        for (labels, block) in &self.block_zones {
            if name.ends_with(labels) && best.is_none_or(|(_, found)| labels.len() > found) {
                best = Some((*block, labels.len()));
            }
        }
        best.map(|(block, _)| block).or(self.root_block)
    }
}

impl Plan {
    /// `None` for settings under which even a ClusterIP answer is not the plain one:
    /// `ignore empty_service` (which asks about endpoints). `shuffles`: `loadbalance` stands
    /// before the plugin.
    fn new(config: &KubernetesConfig, shuffles: bool, cluster: &Cluster) -> Option<Plan> {
        if config.ignore_empty_service {
            return None;
        }
        let context = Context {
            cluster,
            config,
            zones: &[],
            serial: 0,
            resolve: None,
        };
        let zones = config
            .zones
            .iter()
            .map(|zone| {
                let mut lower = zone.to_lowercase();
                lower.set_fqdn(true);
                let labels = lower_labels(&lower);
                let multicluster = config
                    .multicluster_zones
                    .iter()
                    .any(|multicluster| multicluster.zone_of(zone));
                let reverse = labels.last().is_some_and(|label| &**label == b"arpa");
                PlanZone {
                    serves: !multicluster && !reverse,
                    negative: !overlaps(&config.fallthrough, &lower),
                    soa: encode::record_bytes(&context.zone_soa(lower)).into_boxed_slice(),
                    labels,
                }
            })
            .collect();
        let fields = |qtype: RecordType, length: u8| {
            let mut fields = [0u8; 10];
            fields[..2].copy_from_slice(&u16::from(qtype).to_be_bytes());
            fields[2..4].copy_from_slice(&[0, 1]);
            fields[4..8].copy_from_slice(&config.ttl.to_be_bytes());
            fields[8..].copy_from_slice(&[0, length]);
            fields
        };
        Some(Plan {
            zones,
            namespaces: config.namespaces.clone(),
            shuffles,
            a: fields(RecordType::A, 4),
            aaaa: fields(RecordType::AAAA, 16),
        })
    }

    fn exposes(&self, namespace: &str) -> bool {
        self.namespaces.is_empty()
            || self
                .namespaces
                .iter()
                .any(|exposed| exposed.eq_ignore_ascii_case(namespace))
    }

    fn answer(&self, cluster: &Cluster, query: &Query<'_>) -> Option<Vec<u8>> {
        let name = &query.name;
        // The plugin's zone: the longest containing the name (as `Context::matching_zone`).
        let zone = self
            .zones
            .iter()
            .filter(|zone| name.ends_with(&zone.labels))
            .max_by_key(|zone| zone.labels.len())?;
        if !zone.serves || name.count != zone.labels.len() + 3 || name.label(2) != b"svc" {
            return None;
        }
        // Labels of letters, digits and `-` are UTF-8.
        let namespace = std::str::from_utf8(name.label(1)).ok()?;
        let service = std::str::from_utf8(name.label(0)).ok()?;
        let found = if self.exposes(namespace) {
            cluster.find_service(namespace, service)
        } else {
            None
        };
        let Some(found) = found else {
            return self.negative(cluster, query, zone, true);
        };
        let object = found.service();
        if object.is_headless() || object.service_type.is_external_name() {
            return None;
        }
        // The index counts every Service in its namespace, so the general path's check that
        // the namespace exists holds whenever the Service is found.
        debug_assert!(cluster.has_namespace_lowercase(namespace));
        // Through its ClusterIPs a name exists through its ports: none is a name error.
        if object.ports.is_empty() {
            return self.negative(cluster, query, zone, true);
        }
        let addresses = found.cluster_ips();
        let (fields, length) = match query.qtype {
            RecordType::A => (&self.a, 4),
            _ => (&self.aaaa, 16),
        };
        let wanted = |address: &&IpAddr| address.is_ipv6() == (length == 16);
        let count = addresses.iter().filter(wanted).count();
        if count == 0 {
            return self.negative(cluster, query, zone, false);
        }
        let size = reply_size(query) + count * (query.owner.len() + 10 + length);
        if size > MAX_REPLY || (self.shuffles && count > 1) {
            return None;
        }
        let mut out = Vec::with_capacity(size);
        header(&mut out, query, 0, [count, 0]);
        for address in addresses.iter().filter(wanted) {
            out.extend_from_slice(query.owner);
            out.extend_from_slice(fields);
            match address {
                IpAddr::V4(v4) => out.extend_from_slice(&v4.octets()),
                IpAddr::V6(v6) => out.extend_from_slice(&v6.octets()),
            }
        }
        opt(&mut out, query);
        Some(out)
    }

    /// NXDOMAIN (`name_error`) or NODATA, with the zone's SOA; `None` when the zone is
    /// spelled with capitals (the SOA's names then repeat that spelling) or a name error may
    /// fall through.
    fn negative(
        &self,
        cluster: &Cluster,
        query: &Query<'_>,
        zone: &PlanZone,
        name_error: bool,
    ) -> Option<Vec<u8>> {
        let name = &query.name;
        if (name_error && !zone.negative) || !name.lowercase_from(name.count - zone.labels.len()) {
            return None;
        }
        let size = reply_size(query) + zone.soa.len();
        if size > MAX_REPLY {
            return None;
        }
        let mut out = Vec::with_capacity(size);
        header(&mut out, query, if name_error { 3 } else { 0 }, [0, 1]);
        let start = out.len();
        out.extend_from_slice(&zone.soa);
        // The serial, first of the SOA's five numbers (20 bytes at the end).
        let serial = out.len() - 20;
        out[serial..serial + 4].copy_from_slice(&cluster.serial().to_be_bytes());
        debug_assert!(out.len() - start == zone.soa.len());
        opt(&mut out, query);
        Some(out)
    }
}

/// The header and question's size, and the OPT record's.
fn reply_size(query: &Query<'_>) -> usize {
    HEADER_LEN + query.question.len() + if query.edns.is_some() { 11 } else { 0 }
}

/// The reply's header and the question: id, QR and AA set, RD and CD as asked, the response
/// code, the counts (answers and authorities as given, the OPT record counted).
fn header(out: &mut Vec<u8>, query: &Query<'_>, rcode: u8, [answers, authorities]: [usize; 2]) {
    out.extend_from_slice(&query.id);
    out.push(0x84 | u8::from(query.recursion_desired));
    out.push(if query.checking_disabled { 0x10 } else { 0 } | rcode);
    let additionals = u16::from(query.edns.is_some());
    for count in [1, answers as u16, authorities as u16, additionals] {
        out.extend_from_slice(&count.to_be_bytes());
    }
    out.extend_from_slice(query.question);
}

/// The OPT record a reply to an EDNS query carries: the query's payload size (at least 512)
/// and DO bit, version 0, no options.
fn opt(out: &mut Vec<u8>, query: &Query<'_>) {
    if let Some((payload, dnssec_ok)) = query.edns {
        out.extend_from_slice(&[0, 0, 41]);
        out.extend_from_slice(&payload.to_be_bytes());
        out.extend_from_slice(&[0, 0, if dnssec_ok { 0x80 } else { 0 }, 0, 0, 0]);
    }
}

/// Lower-case labels of a name.
fn lower_labels(name: &Name) -> Vec<Box<[u8]>> {
    name.iter()
        .map(|label| label.to_ascii_lowercase().into_boxed_slice())
        .collect()
}

/// Whether `fallthrough` may hand on a name error of some name in `zone`: it covers every
/// zone, or one of its zones contains `zone` or lies inside it.
fn overlaps(fallthrough: &Fallthrough, zone: &Name) -> bool {
    match fallthrough {
        Fallthrough::Off => false,
        Fallthrough::Zones(zones) => zones
            .iter()
            .any(|other| other.zone_of(zone) || zone.zone_of(other)),
        Fallthrough::All => true,
    }
}

#[cfg(test)]
mod tests;
