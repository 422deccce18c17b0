//! Reply messages to bytes, as CoreDNS writes them: uncompressed when they fit, compressed and
//! cut to the client's size otherwise (`docs/coredns-rules.md` rules 34 and 60–63).
//!
//! This is the one place where the crate writes what hickory-proto also writes. Decoding stays
//! on hickory, and so do the typed values (`Message`, `Record`): only the last step, the bytes
//! of a reply, is done here, because hickory's encoder cannot give CoreDNS's bytes:
//! - **Compression.** CoreDNS sends a reply uncompressed when it fits uncompressed, and
//!   otherwise compresses every name against every name before it. hickory always compresses,
//!   and only the first 120 names of a message (its defence against a quadratic search over
//!   hostile messages), so sizes differ from CoreDNS's almost everywhere, and a big UDP reply
//!   holds fewer records than CoreDNS's (166 A records at EDNS 4096 where CoreDNS sends 252).
//! - **Truncation.** CoreDNS (miekg/dns's `Truncate`) keeps the longest prefix of each section
//!   that fits, measured compressed, with the OPT record's length set aside; hickory's limited
//!   encoder measures names before compressing them and stops a record early, and re-encoding
//!   prefixes with hickory to find the cut costs a full encoding per try.
//! - **Speed.** Every bytes-to-bytes reply ends here; a plain writer that needs no compression
//!   for most replies is several times cheaper than hickory's general one.
//!
//! The compression follows miekg/dns exactly: each suffix of each name is remembered at the
//! offset where it first appeared, when that offset is below 16384 (a pointer has 14 bits);
//! a name is written up to its longest remembered suffix, then a pointer to it. Suffixes are
//! compared byte for byte, case included, as miekg/dns compares them (its table is keyed by the
//! name's text). Owner names, the question, and the names inside CNAME, NS, PTR, MX and SOA
//! data may be compressed; the target of an SRV record is written in full but remembered for
//! later names (RFC 2782 forbids compressing it; miekg/dns still points at it), and so are the
//! NAPTR replacement and the SVCB/HTTPS target, which hickory writes. The table is a
//! trie of suffixes, one node per (shorter suffix, label), in a hash map: each label of each
//! name costs one lookup, so the time is linear in the size of the message, whatever it holds.

use std::collections::HashMap;

use hickory_proto::op::{Edns, Message, MessageType, Query};
use hickory_proto::rr::rdata::HTTPS;
use hickory_proto::rr::{Name, RData, Record};
use hickory_proto::serialize::binary::{BinEncodable, BinEncoder, NameEncoding};

/// The smallest size limit a reply is cut to (RFC 6891: smaller EDNS sizes count as 512;
/// miekg/dns's `MinMsgSize`).
const MIN_SIZE: usize = 512;

/// Offsets a compression pointer can reach (14 bits; miekg/dns's `maxCompressionOffset`).
const POINTER_REACH: usize = 1 << 14;

/// The header's length.
const HEADER_LEN: usize = 12;

/// How a reply may be written: the client's buffer, and over UDP the size above which a reply
/// that fits uncompressed is compressed anyway (CoreDNS's `request.Scrub`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Budget {
    /// The client's buffer: 65535 over TCP, the EDNS size or 512 over UDP (raised to 512).
    pub(crate) size: u16,
    /// Over UDP, the fragmentation limit of the client's address family (1480 for IPv4, 1220
    /// for IPv6); `None` over TCP.
    pub(crate) compress_above: Option<u16>,
}

/// The bytes of `message` as CoreDNS's `Scrub` and miekg/dns's `Truncate` and `Pack` write it
/// within `budget` (rule 34):
/// - uncompressed when the whole message, OPT included, fits in `budget.size`, unless it is
///   larger than `budget.compress_above` (then compressed, every record kept);
/// - otherwise compressed, the OPT record's length set aside, and the answer, authority and
///   additional sections filled in that order while records fit; the first record that does
///   not fit ends the filling of every section; TC is set when any record was left out (and
///   kept when the message had it); the OPT record goes last.
///
/// A message signed with TSIG is written by hickory (miekg/dns does not truncate those either;
/// the crate signs no reply).
pub(crate) fn encode(message: &Message, budget: Budget) -> Vec<u8> {
    if message.signature.is_some() {
        return message.to_vec().unwrap_or_default();
    }
    let size = usize::from(budget.size).max(MIN_SIZE);
    let plain = Writer::new(message, false).whole();
    if plain.len() <= size {
        let fragments = budget
            .compress_above
            .is_some_and(|limit| plain.len() > usize::from(limit));
        // With one question and nothing else there is nothing to compress (miekg/dns's
        // `isCompressible`).
        if fragments && is_compressible(message) {
            return Writer::new(message, true).whole();
        }
        return plain;
    }
    Writer::new(message, true).cut(size)
}

/// One record as an uncompressed reply holds it: owner, type, class, TTL, length and data.
/// The prepared answers (`crate::server`) are made of these bytes, so that they are the
/// general path's bytes by construction.
pub(crate) fn record_bytes(record: &Record) -> Vec<u8> {
    let message = Message::new(0, MessageType::Response, hickory_proto::op::OpCode::Query);
    let mut writer = Writer::new(&message, false);
    writer.record(record);
    writer.out
}

fn is_compressible(message: &Message) -> bool {
    message.queries.len() > 1
        || !message.answers.is_empty()
        || !message.authorities.is_empty()
        || !message.additionals.is_empty()
}

/// How a name is written when the message is compressed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NameUse {
    /// Up to its longest earlier suffix, then a pointer: owners, the question, and the names
    /// in the data of the types RFC 1035 defines (miekg/dns's `cdomain-name`).
    Compressed,
    /// In full, but remembered for later names (miekg/dns's `domain-name` fields it knows,
    /// such as an SRV target).
    Remembered,
}

/// Writes one message, uncompressed or compressed.
struct Writer<'a> {
    message: &'a Message,
    out: Vec<u8>,
    /// The suffixes seen so far, when compressing.
    suffixes: Option<Suffixes<'a>>,
}

impl<'a> Writer<'a> {
    fn new(message: &'a Message, compress: bool) -> Self {
        let records = message.answers.len() + message.authorities.len() + message.additionals.len();
        // About what a record of a cluster name takes uncompressed; a guess, not a limit.
        let capacity = (HEADER_LEN + 64 + records * 56).min(usize::from(u16::MAX) + 1);
        Writer {
            message,
            out: Vec::with_capacity(capacity),
            suffixes: compress.then(Suffixes::new),
        }
    }

    /// The whole message.
    fn whole(mut self) -> Vec<u8> {
        let message = self.message;
        self.questions(&message.queries);
        let mut counts = [0u16; 4];
        counts[0] = count(message.queries.len());
        for (index, section) in sections(message).into_iter().enumerate() {
            for record in section {
                self.record(record);
            }
            counts[index + 1] = count(section.len());
        }
        if let Some(edns) = &message.edns {
            self.opt(edns);
            counts[3] = counts[3].saturating_add(1);
        }
        self.header(message.truncation, counts);
        self.out
    }

    /// The message cut to `size` bytes as miekg/dns's `Truncate` cuts it.
    fn cut(mut self, size: usize) -> Vec<u8> {
        let message = self.message;
        let budget = size.saturating_sub(message.edns.as_ref().map_or(0, opt_len));
        self.questions(&message.queries);
        let mut counts = [0u16; 4];
        counts[0] = count(message.queries.len());
        // miekg/dns stops filling at the first record that does not fit, and also when a
        // record fills the budget exactly: no later record of any section is tried.
        let mut full = self.out.len() >= budget;
        let mut dropped = false;
        for (index, section) in sections(message).into_iter().enumerate() {
            let mut kept = 0;
            for record in section {
                if full {
                    break;
                }
                let mark = self.out.len();
                self.record(record);
                if self.out.len() > budget {
                    self.out.truncate(mark);
                    full = true;
                    break;
                }
                kept += 1;
                full = self.out.len() == budget;
            }
            dropped |= kept < section.len();
            counts[index + 1] = count(kept);
        }
        if let Some(edns) = &message.edns {
            self.opt(edns);
            counts[3] = counts[3].saturating_add(1);
        }
        self.header(message.truncation || dropped, counts);
        self.out
    }

    fn header(&mut self, truncation: bool, counts: [u16; 4]) {
        let metadata = &self.message.metadata;
        let mut header = [0u8; HEADER_LEN];
        header[..2].copy_from_slice(&metadata.id.to_be_bytes());
        let mut flags = u8::from(metadata.op_code) << 3;
        for (set, bit) in [
            (metadata.message_type == MessageType::Response, 0x80),
            (metadata.authoritative, 0x04),
            (truncation, 0x02),
            (metadata.recursion_desired, 0x01),
        ] {
            if set {
                flags |= bit;
            }
        }
        header[2] = flags;
        let mut flags = metadata.response_code.low();
        for (set, bit) in [
            (metadata.recursion_available, 0x80),
            (metadata.authentic_data, 0x20),
            (metadata.checking_disabled, 0x10),
        ] {
            if set {
                flags |= bit;
            }
        }
        header[3] = flags;
        for (index, value) in counts.into_iter().enumerate() {
            header[4 + 2 * index..6 + 2 * index].copy_from_slice(&value.to_be_bytes());
        }
        self.out[..HEADER_LEN].copy_from_slice(&header);
    }

    fn questions(&mut self, queries: &'a [Query]) {
        self.out.extend_from_slice(&[0; HEADER_LEN]);
        for query in queries {
            self.name(&query.name, NameUse::Compressed);
            self.u16(u16::from(query.query_type));
            self.u16(u16::from(query.query_class));
        }
    }

    fn record(&mut self, record: &'a Record) {
        self.name(&record.name, NameUse::Compressed);
        self.u16(u16::from(record.record_type()));
        self.u16(u16::from(record.dns_class));
        self.out.extend_from_slice(&record.ttl.to_be_bytes());
        let length_at = self.out.len();
        self.u16(0);
        self.rdata(&record.data);
        let length = u16::try_from(self.out.len() - length_at - 2).unwrap_or(u16::MAX);
        self.out[length_at..length_at + 2].copy_from_slice(&length.to_be_bytes());
    }

    fn rdata(&mut self, data: &'a RData) {
        match data {
            RData::A(address) => self.out.extend_from_slice(&address.0.octets()),
            RData::AAAA(address) => self.out.extend_from_slice(&address.0.octets()),
            RData::CNAME(name) => self.name(&name.0, NameUse::Compressed),
            RData::NS(name) => self.name(&name.0, NameUse::Compressed),
            RData::PTR(name) => self.name(&name.0, NameUse::Compressed),
            RData::MX(mx) => {
                self.u16(mx.preference);
                self.name(&mx.exchange, NameUse::Compressed);
            }
            RData::SOA(soa) => {
                self.name(&soa.mname, NameUse::Compressed);
                self.name(&soa.rname, NameUse::Compressed);
                for value in [soa.serial, soa.refresh as u32, soa.retry as u32] {
                    self.out.extend_from_slice(&value.to_be_bytes());
                }
                for value in [soa.expire as u32, soa.minimum] {
                    self.out.extend_from_slice(&value.to_be_bytes());
                }
            }
            RData::SRV(srv) => {
                self.u16(srv.priority);
                self.u16(srv.weight);
                self.u16(srv.port);
                self.name(&srv.target, NameUse::Remembered);
            }
            RData::Update0(_) => {}
            // Written by hickory, names in full; the name miekg/dns knows in them is remembered.
            RData::SVCB(svcb) | RData::HTTPS(HTTPS(svcb)) => {
                let start = self.out.len();
                if self.hickory(data) {
                    self.note(&svcb.target_name, start + 2);
                }
            }
            RData::NAPTR(naptr) => {
                if self.hickory(data) {
                    let length: usize = naptr.replacement.iter().map(|l| 1 + l.len()).sum();
                    let at = self.out.len().saturating_sub(length + 1);
                    self.note(&naptr.replacement, at);
                }
            }
            // Every other type as hickory writes its data, names in full and not remembered.
            other => {
                self.hickory(other);
            }
        }
    }

    /// Appends `data` as hickory writes it, names uncompressed; false when hickory cannot
    /// write it (then there is no data: hickory's own encoding would fail the whole message).
    fn hickory(&mut self, data: &RData) -> bool {
        let mut bytes = Vec::new();
        let mut encoder = BinEncoder::new(&mut bytes);
        encoder.set_name_encoding(NameEncoding::Uncompressed);
        let written = data.emit(&mut encoder).is_ok();
        if written {
            self.out.extend_from_slice(&bytes);
        }
        written
    }

    /// Remembers a name written inside record data, when compressing.
    fn note(&mut self, name: &'a Name, at: usize) {
        if let Some(suffixes) = &mut self.suffixes {
            suffixes.note(name, at);
        }
    }

    /// The OPT record: the root name, type 41, the payload size as class, the extended rcode,
    /// version and flags as TTL, and the options.
    fn opt(&mut self, edns: &Edns) {
        self.out.push(0);
        self.u16(41);
        self.u16(edns.max_payload());
        let high = self.message.metadata.response_code.high();
        let ttl = u32::from(high) << 24
            | u32::from(edns.version()) << 16
            | u32::from(u16::from(*edns.flags()));
        self.out.extend_from_slice(&ttl.to_be_bytes());
        let options = opt_data(edns);
        self.u16(u16::try_from(options.len()).unwrap_or(u16::MAX));
        self.out.extend_from_slice(&options);
    }

    fn u16(&mut self, value: u16) {
        self.out.extend_from_slice(&value.to_be_bytes());
    }

    fn name(&mut self, name: &'a Name, name_use: NameUse) {
        match &mut self.suffixes {
            None => {
                for label in name.iter() {
                    self.out.push(label.len() as u8);
                    self.out.extend_from_slice(label);
                }
                self.out.push(0);
            }
            Some(suffixes) => suffixes.write(name, name_use, &mut self.out),
        }
    }
}

/// The answer, authority and additional sections.
fn sections(message: &Message) -> [&[Record]; 3] {
    [&message.answers, &message.authorities, &message.additionals]
}

fn count(records: usize) -> u16 {
    u16::try_from(records).unwrap_or(u16::MAX)
}

fn opt_data(edns: &Edns) -> Vec<u8> {
    let mut data = Vec::new();
    if edns.options().as_ref().is_empty() {
        return data;
    }
    let mut encoder = BinEncoder::new(&mut data);
    if edns.options().emit(&mut encoder).is_err() {
        data.clear();
    }
    data
}

/// The OPT record's length: 11 bytes and its options.
fn opt_len(edns: &Edns) -> usize {
    11 + opt_data(edns).len()
}

/// A node of the suffix trie: where its suffix first appeared, if it can be pointed at.
#[derive(Clone, Copy)]
struct Node {
    offset: Option<u16>,
}

/// The suffixes of the names written so far: a trie keyed by (shorter suffix, label), so that
/// finding a name's longest earlier suffix costs one lookup per label.
struct Suffixes<'a> {
    /// Node 0 is the root name, which is never pointed at.
    nodes: Vec<Node>,
    children: HashMap<(u32, &'a [u8]), u32>,
    /// The labels of the last name written and its suffixes' nodes (`chain[k]` is the suffix
    /// from label `k`), reused for the labels the next name shares with it from the right:
    /// consecutive names in a reply mostly share their zone, or are equal.
    labels: Vec<&'a [u8]>,
    chain: Vec<u32>,
    /// Vectors to reuse, so that a name costs no allocation.
    spare_labels: Vec<&'a [u8]>,
    spare_chain: Vec<u32>,
}

impl<'a> Suffixes<'a> {
    fn new() -> Self {
        Suffixes {
            nodes: vec![Node { offset: None }],
            children: HashMap::new(),
            labels: Vec::new(),
            chain: Vec::new(),
            spare_labels: Vec::new(),
            spare_chain: Vec::new(),
        }
    }

    /// Writes `name` at the end of `out`, remembering its new suffixes.
    fn write(&mut self, name: &'a Name, name_use: NameUse, out: &mut Vec<u8>) {
        let (labels, chain, hit) = self.prepare(name);
        let written = match (name_use, hit) {
            (NameUse::Compressed, Some(hit)) => hit,
            _ => labels.len(),
        };
        for (index, label) in labels.iter().enumerate().take(written) {
            self.mark(chain[index], index, hit, out.len());
            out.push(label.len() as u8);
            out.extend_from_slice(label);
        }
        match hit {
            Some(hit) if written < labels.len() => {
                let offset = self.nodes[chain[hit] as usize].offset.unwrap_or_default();
                out.extend_from_slice(&(0xC000 | offset).to_be_bytes());
            }
            _ => out.push(0),
        }
        self.finish(labels, chain);
    }

    /// Remembers the suffixes of `name`, written in full at offset `at` by someone else (in
    /// record data that hickory writes).
    fn note(&mut self, name: &'a Name, mut at: usize) {
        let (labels, chain, hit) = self.prepare(name);
        for (index, label) in labels.iter().enumerate() {
            self.mark(chain[index], index, hit, at);
            at += 1 + label.len();
        }
        self.finish(labels, chain);
    }

    /// The labels of `name`, the node of each of its suffixes, and the first of them seen at
    /// a reachable offset: the longest, since miekg/dns stops at the first hit.
    fn prepare(&mut self, name: &'a Name) -> (Vec<&'a [u8]>, Vec<u32>, Option<usize>) {
        let mut labels = std::mem::take(&mut self.spare_labels);
        labels.clear();
        labels.extend(name.iter());
        let mut chain = std::mem::take(&mut self.spare_chain);
        self.chain_of(&labels, &mut chain);
        let hit = chain
            .iter()
            .position(|&node| self.nodes[node as usize].offset.is_some());
        (labels, chain, hit)
    }

    /// Remembers the suffix from label `index` at offset `at`: a suffix longer than the first
    /// one seen, at an offset a pointer can reach.
    fn mark(&mut self, node: u32, index: usize, hit: Option<usize>, at: usize) {
        if hit.is_none_or(|hit| index < hit) && at < POINTER_REACH {
            self.nodes[node as usize].offset = u16::try_from(at).ok();
        }
    }

    /// Keeps this name's labels and chain as the next name's reference; the last name's
    /// vectors are reused for the name after that.
    fn finish(&mut self, labels: Vec<&'a [u8]>, chain: Vec<u32>) {
        self.spare_labels = std::mem::replace(&mut self.labels, labels);
        self.spare_chain = std::mem::replace(&mut self.chain, chain);
    }

    /// Fills `chain` with the node of each suffix of `labels` (`[k]` is the suffix from label
    /// `k`), creating the nodes that are new.
    fn chain_of(&mut self, labels: &[&'a [u8]], chain: &mut Vec<u32>) {
        chain.clear();
        chain.resize(labels.len(), 0);
        // Labels shared with the last name, from the right, have its nodes.
        let shared = labels
            .iter()
            .rev()
            .zip(self.labels.iter().rev())
            .take_while(|(label, last)| label == last)
            .count();
        let (ours, theirs) = (labels.len() - shared, self.labels.len() - shared);
        chain[ours..].copy_from_slice(&self.chain[theirs..]);
        let mut parent = chain.get(ours).copied().unwrap_or(0);
        for index in (0..ours).rev() {
            let next = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
            let node = *self.children.entry((parent, labels[index])).or_insert(next);
            if node == next {
                self.nodes.push(Node { offset: None });
            }
            chain[index] = node;
            parent = node;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::{MessageType, OpCode};
    use hickory_proto::rr::RecordType;
    use hickory_proto::rr::rdata::{A, CNAME, SRV};

    fn name(text: &str) -> Name {
        Name::from_ascii(text).unwrap()
    }

    fn message_with(records: Vec<Record>) -> Message {
        let mut message = Message::new(1, MessageType::Response, OpCode::Query);
        message.add_query(Query::query(
            name("web.default.svc.cluster.local."),
            RecordType::A,
        ));
        message.answers = records;
        message
    }

    const TCP: Budget = Budget {
        size: u16::MAX,
        compress_above: None,
    };

    #[test]
    fn rule_61_a_name_points_at_its_longest_earlier_suffix() {
        let message = message_with(vec![
            Record::from_rdata(
                name("web.default.svc.cluster.local."),
                5,
                RData::CNAME(CNAME(name("db.default.svc.cluster.local."))),
            ),
            Record::from_rdata(
                name("db.default.svc.cluster.local."),
                5,
                RData::A(A::new(10, 0, 0, 1)),
            ),
        ]);
        let bytes = Writer::new(&message, true).whole();
        // The question at 12; the owner is a pointer to it; the CNAME target is `db` and a
        // pointer to `default.svc.cluster.local` (offset 16); the A owner points at `db`.
        let question_end = 12 + 31 + 4;
        assert_eq!(bytes[question_end..question_end + 2], [0xC0, 12]);
        let target = question_end + 12;
        assert_eq!(bytes[target..target + 5], [2, b'd', b'b', 0xC0, 16]);
        assert_eq!(bytes[target + 5..target + 7], [0xC0, target as u8]);
        assert_eq!(Message::from_vec(&bytes).unwrap().answers, message.answers);
    }

    #[test]
    fn rule_61_suffixes_are_compared_with_their_case() {
        let message = message_with(vec![Record::from_rdata(
            name("WEB.default.svc.cluster.local."),
            5,
            RData::A(A::new(10, 0, 0, 1)),
        )]);
        let bytes = Writer::new(&message, true).whole();
        // `WEB` is written; the rest points at the question's `default…` (offset 16).
        let owner = 12 + 31 + 4;
        assert_eq!(bytes[owner..owner + 6], [3, b'W', b'E', b'B', 0xC0, 16]);
    }

    #[test]
    fn rule_62_an_srv_target_is_written_in_full_and_pointed_at_later() {
        let target = name("web-0.web.default.svc.cluster.local.");
        let message = message_with(vec![
            Record::from_rdata(
                name("web.default.svc.cluster.local."),
                5,
                RData::SRV(SRV::new(0, 100, 80, target.clone())),
            ),
            Record::from_rdata(target, 5, RData::A(A::new(10, 0, 0, 1))),
        ]);
        let bytes = Writer::new(&message, true).whole();
        let srv_target = 12 + 31 + 4 + 12 + 6;
        // In full: `web-0` then `web.default.svc.cluster.local` again, no pointer.
        assert_eq!(bytes[srv_target], 5);
        assert_eq!(
            bytes[srv_target + 6..srv_target + 10],
            [3, b'w', b'e', b'b']
        );
        let glue = srv_target + 37;
        assert_eq!(bytes[glue..glue + 2], [0xC0, srv_target as u8]);
        assert_eq!(Message::from_vec(&bytes).unwrap().answers, message.answers);
    }

    #[test]
    fn rule_61_nothing_is_remembered_past_the_pointer_reach() {
        // Enough distinct names to pass offset 16384, then a name seen only after it: its
        // second occurrence cannot point at the first.
        let mut records: Vec<Record> = (0..700)
            .map(|i| {
                Record::from_rdata(
                    name(&format!("endpoint-{i:04}.web.default.svc.cluster.local.")),
                    5,
                    RData::A(A::new(10, 0, 0, 1)),
                )
            })
            .collect();
        let late = name("late.example.");
        for _ in 0..2 {
            records.push(Record::from_rdata(
                late.clone(),
                5,
                RData::A(A::new(10, 0, 0, 2)),
            ));
        }
        let message = message_with(records);
        let bytes = Writer::new(&message, true).whole();
        assert!(bytes.len() > POINTER_REACH + 100);
        // Each `late.example.` is written in full: 14 bytes of name, 10 of fields, 4 of data.
        let tail = &bytes[bytes.len() - 2 * 28..];
        assert_eq!(tail[..14], tail[28..42]);
        assert_eq!(tail[0], 4);
        assert_eq!(Message::from_vec(&bytes).unwrap().answers, message.answers);
    }

    #[test]
    fn rule_61_deep_and_repetitive_names_compress_and_decode_to_the_same_records() {
        // Names of 100 one-letter labels under distinct first labels, all sharing suffixes
        // of every length, and each repeated with another case: what makes a search over
        // earlier names quadratic. Cut to 65535 bytes, the kept records decode unchanged.
        let deep = "a.".repeat(100);
        let records: Vec<Record> = (0..3000)
            .map(|i| {
                let first = if i % 2 == 0 { "x" } else { "X" };
                Record::from_rdata(
                    name(&format!("{first}{}.{deep}", i / 2)),
                    5,
                    RData::CNAME(CNAME(name(&format!("y{i}.{deep}")))),
                )
            })
            .collect();
        let message = message_with(records);
        let bytes = encode(&message, TCP);
        assert!(bytes.len() <= usize::from(u16::MAX));
        let decoded = Message::from_vec(&bytes).unwrap();
        assert!(decoded.truncation);
        assert!(decoded.answers.len() > 1000, "{}", decoded.answers.len());
        for (sent, original) in decoded.answers.iter().zip(&message.answers) {
            assert!(sent.name.eq_case(&original.name));
            assert_eq!(sent, original);
        }
    }

    #[test]
    fn rule_34_a_message_that_fits_uncompressed_is_not_compressed() {
        let records = (0..3)
            .map(|i| {
                Record::from_rdata(
                    name("web.default.svc.cluster.local."),
                    5,
                    RData::A(A::new(10, 0, 0, i)),
                )
            })
            .collect();
        let message = message_with(records);
        let bytes = encode(&message, TCP);
        // Each owner in full (31 bytes), not as a 2-byte pointer.
        assert_eq!(bytes.len(), 12 + 35 + 3 * (31 + 14));
        assert_eq!(Message::from_vec(&bytes).unwrap().answers, message.answers);
    }
}

/// The encoder against a literal model of miekg/dns's packing: a map from each suffix's wire
/// bytes to its first offset, searched from the longest suffix, as `packDomainName` does.
#[cfg(test)]
mod model {
    use std::collections::HashMap;

    use hickory_proto::op::{Message, MessageType, OpCode, Query};
    use hickory_proto::rr::rdata::{A, CNAME, MX, NAPTR, NS, PTR, SOA, SRV, SVCB, TXT};
    use hickory_proto::rr::{Name, RData, Record, RecordType};
    use proptest::prelude::*;

    use super::Writer;

    /// miekg/dns's compression map and its packing of a name (`compress` false: the name is
    /// written in full, and its suffixes not seen yet are remembered).
    struct Model {
        out: Vec<u8>,
        seen: HashMap<Vec<u8>, usize>,
    }

    impl Model {
        fn name(&mut self, name: &Name, compress: bool) {
            let labels: Vec<&[u8]> = name.iter().collect();
            for index in 0..labels.len() {
                let mut suffix = Vec::new();
                for label in &labels[index..] {
                    suffix.push(label.len() as u8);
                    suffix.extend_from_slice(label);
                }
                match self.seen.get(&suffix) {
                    Some(&offset) if compress => {
                        self.out
                            .extend_from_slice(&(0xC000 | offset as u16).to_be_bytes());
                        return;
                    }
                    Some(_) => {}
                    None if self.out.len() < 1 << 14 => {
                        self.seen.insert(suffix, self.out.len());
                    }
                    None => {}
                }
                self.out.push(labels[index].len() as u8);
                self.out.extend_from_slice(labels[index]);
            }
            self.out.push(0);
        }

        fn record(&mut self, record: &Record) {
            self.name(&record.name, true);
            self.out
                .extend_from_slice(&u16::from(record.record_type()).to_be_bytes());
            self.out.extend_from_slice(&1u16.to_be_bytes());
            self.out.extend_from_slice(&record.ttl.to_be_bytes());
            let start = self.out.len();
            self.out.extend_from_slice(&[0, 0]);
            match &record.data {
                RData::A(address) => self.out.extend_from_slice(&address.0.octets()),
                RData::CNAME(CNAME(name)) | RData::NS(NS(name)) | RData::PTR(PTR(name)) => {
                    self.name(name, true)
                }
                RData::MX(mx) => {
                    self.out.extend_from_slice(&mx.preference.to_be_bytes());
                    self.name(&mx.exchange, true);
                }
                RData::SOA(soa) => {
                    self.name(&soa.mname, true);
                    self.name(&soa.rname, true);
                    self.out.extend_from_slice(&[0; 20]);
                }
                RData::SRV(srv) => {
                    self.out.extend_from_slice(&[0, 1, 0, 2, 0, 3]);
                    self.name(&srv.target, false);
                }
                RData::TXT(_) => self.out.extend_from_slice(&[1, b't']),
                RData::SVCB(svcb) => {
                    self.out.extend_from_slice(&[0, 1]);
                    self.name(&svcb.target_name, false);
                }
                RData::NAPTR(naptr) => {
                    self.out
                        .extend_from_slice(&[0, 1, 0, 2, 1, b'u', 1, b's', 1, b'r']);
                    self.name(&naptr.replacement, false);
                }
                other => unreachable!("not generated: {other:?}"),
            }
            let length = (self.out.len() - start - 2) as u16;
            self.out[start..start + 2].copy_from_slice(&length.to_be_bytes());
        }
    }

    fn names() -> impl Strategy<Value = Name> {
        let label = prop::sample::select(vec!["a", "A", "b", "web", "Web", "svc", "cluster"]);
        prop::collection::vec(label, 0..5).prop_map(|labels| {
            let text: String = labels.iter().map(|label| format!("{label}.")).collect();
            Name::from_ascii(if text.is_empty() {
                ".".to_owned()
            } else {
                text
            })
            .unwrap()
        })
    }

    fn records() -> impl Strategy<Value = Record> {
        let data = prop_oneof![
            Just(RData::A(A::new(10, 0, 0, 1))),
            names().prop_map(|name| RData::CNAME(CNAME(name))),
            names().prop_map(|name| RData::NS(NS(name))),
            names().prop_map(|name| RData::PTR(PTR(name))),
            names().prop_map(|name| RData::MX(MX::new(0, name))),
            (names(), names()).prop_map(|(m, r)| RData::SOA(SOA::new(m, r, 0, 0, 0, 0, 0))),
            names().prop_map(|name| RData::SRV(SRV::new(1, 2, 3, name))),
            Just(RData::TXT(TXT::new(vec!["t".to_owned()]))),
            names().prop_map(|name| RData::SVCB(SVCB::new(1, name, Vec::new()))),
            names().prop_map(|name| {
                let text = |t: &str| t.as_bytes().to_vec().into_boxed_slice();
                RData::NAPTR(NAPTR::new(1, 2, text("u"), text("s"), text("r"), name))
            }),
        ];
        (names(), data).prop_map(|(name, data)| Record::from_rdata(name, 0, data))
    }

    proptest! {
        /// Rules 61 and 62: the suffix trie and its reuse of the last name compress exactly as
        /// miekg/dns's map does, names of every case and depth mixed.
        #[test]
        fn rule_61_62_the_encoder_compresses_as_miekg_dns_packs(
            question in names(),
            sections in prop::collection::vec(prop::collection::vec(records(), 0..12), 3),
        ) {
            let mut message = Message::new(0, MessageType::Response, OpCode::Query);
            message.add_query(Query::query(question.clone(), RecordType::A));
            message.answers = sections[0].clone();
            message.authorities = sections[1].clone();
            message.additionals = sections[2].clone();
            let ours = Writer::new(&message, true).whole();
            let mut model = Model { out: vec![0; 12], seen: HashMap::new() };
            model.name(&question, true);
            model.out.extend_from_slice(&[0, 1, 0, 1]);
            for record in sections.iter().flatten() {
                model.record(record);
            }
            prop_assert_eq!(&ours[12..], &model.out[12..]);
        }
    }
}
