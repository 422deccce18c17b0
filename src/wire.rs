//! DNS messages in and out: the only module that deals with `op::Message` and wire bytes.
//!
//! What a server does around the answer itself (CoreDNS's `dnsserver` and `request` packages):
//! echo the id, the question and RD; refuse what it cannot parse (FORMERR) or does not
//! implement (NOTIMP); answer an EDNS query with EDNS (and an EDNS version it does not know with
//! BADVERS); and fit a UDP reply into 512 bytes, or into the payload size the client advertised,
//! dropping whole records and setting TC when any record was dropped, as miekg/dns's `Truncate`
//! does for CoreDNS (see [`encode`]; the bytes themselves are written by [`crate::encode`]).

use hickory_proto::op::{
    Edns, Header, Message, MessageType, Metadata, OpCode, Query, ResponseCode,
};
use hickory_proto::rr::rdata::opt::EdnsOption;
use hickory_proto::rr::{DNSClass, Name, RecordType};
use hickory_proto::serialize::binary::{BinDecodable, BinDecoder, EncodedSize};

use crate::answer::Answer;
use crate::encode::{self, Budget};

/// How a message travels, which decides the size limit of the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Transport {
    /// UDP: at most 512 bytes, or the EDNS payload size the query advertises (512 when it
    /// advertises less); a reply that does not fit is cut and sets TC (rule 34).
    Udp,
    /// TCP: at most 65535 bytes, the most a message can hold; a reply larger than that (a
    /// headless Service of thousands of endpoints) is cut and sets TC as over UDP (rule 34).
    Tcp,
}

impl std::fmt::Display for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
        })
    }
}

/// What the server does with a request's bytes before it reads the question (miekg/dns's
/// accept check and unpacking, under CoreDNS; `docs/coredns-rules.md` rules 28–30).
pub(crate) enum Intake {
    /// No reply at all: shorter than a header, or a response (QR set).
    Drop,
    /// This reply, made from the request's header (and question) alone: NOTIMP, FORMERR, or
    /// SERVFAIL for a header without a question.
    Reply(Message),
    /// A request for the server.
    Request(Message),
}

/// Reads a request as CoreDNS's server does, before any lookup.
pub(crate) fn intake(bytes: &[u8]) -> Intake {
    // A message that decodes whole is checked on its sections, which hold what its header's
    // counts say (the common path: one decode); one that does not, on its header alone.
    if let Ok(message) = Message::from_vec(bytes) {
        return accept_message(&message).unwrap_or(Intake::Request(message));
    }
    let mut decoder = BinDecoder::new(bytes);
    // Shorter than a header: miekg/dns lets the client hang ("any reply can be used to
    // amplify").
    let Ok(header) = Header::read(&mut decoder) else {
        return Intake::Drop;
    };
    let counts = header.counts;
    let counts = [
        counts.queries,
        counts.answers,
        counts.authorities,
        counts.additionals,
    ];
    if let Some(rejection) = accept(&header.metadata, counts) {
        return rejection;
    }
    // A message that ends right after its header unpacks with no question, which CoreDNS's
    // server answers SERVFAIL (server.go: `len(r.Question) == 0`).
    if bytes.len() == Header::LEN {
        return Intake::Reply(error_reply(&header.metadata, None, ResponseCode::ServFail));
    }
    // The body does not unpack. miekg/dns reads a question cut short after its name (or its
    // type) with type and class 0, and keeps a question it read before a later section failed.
    match lenient_question(bytes) {
        Some((query, true)) => {
            let mut message = Message::new(header.id, MessageType::Query, header.op_code);
            message.metadata = header.metadata;
            message.add_query(query);
            Intake::Request(message)
        }
        question => {
            let query = question.map(|(query, _)| query);
            Intake::Reply(format_error(&header.metadata, query))
        }
    }
}

/// The accept check of a decoded request (for [`ClusterDns::handle`](crate::ClusterDns::handle),
/// whose caller gives a message rather than bytes): `None` when it goes on to the server.
pub(crate) fn accept_message(request: &Message) -> Option<Intake> {
    let count = |records: usize| u16::try_from(records).unwrap_or(u16::MAX);
    // hickory keeps the OPT record and a SIG(0)/TSIG signature out of `additionals`.
    let additionals = request.additionals.len()
        + usize::from(request.edns.is_some())
        + usize::from(request.signature.is_some());
    let counts = [
        count(request.queries.len()),
        count(request.answers.len()),
        count(request.authorities.len()),
        count(additionals),
    ];
    accept(&request.metadata, counts)
}

/// miekg/dns's `defaultMsgAcceptFunc`: a response is ignored; an opcode other than QUERY or
/// NOTIFY is NOTIMP; more or fewer than one question, more than one answer or authority record
/// (a NOTIFY's SOA, an IXFR's SOA), or more than two additional records (OPT and TSIG) is
/// FORMERR. Counts are [questions, answers, authorities, additionals].
fn accept(metadata: &Metadata, counts: [u16; 4]) -> Option<Intake> {
    if metadata.message_type == MessageType::Response {
        return Some(Intake::Drop);
    }
    if !matches!(metadata.op_code, OpCode::Query | OpCode::Notify) {
        return Some(Intake::Reply(error_reply(
            metadata,
            None,
            ResponseCode::NotImp,
        )));
    }
    let [questions, answers, authorities, additionals] = counts;
    if questions != 1 || answers > 1 || authorities > 1 || additionals > 2 {
        return Some(Intake::Reply(format_error(metadata, None)));
    }
    None
}

/// FORMERR as miekg/dns writes it (`SetRcodeFormatError` on the request itself): the request's
/// header with QR set, AA cleared and opcode QUERY, its question when one was read, nothing
/// else (no OPT).
fn format_error(request: &Metadata, question: Option<Query>) -> Message {
    let mut metadata = *request;
    metadata.op_code = OpCode::Query;
    error_reply(&metadata, question, ResponseCode::FormErr)
}

/// A reply made from a request's header: its flags kept (RD, TC, RA, AD, CD as sent), QR set,
/// AA cleared, `response_code` set, and nothing but `question` in it. For SERVFAIL the reply is
/// made with `SetRcode` instead: RD and CD kept for QUERY only, the other flags cleared.
fn error_reply(
    request: &Metadata,
    question: Option<Query>,
    response_code: ResponseCode,
) -> Message {
    let mut metadata = *request;
    if response_code == ResponseCode::ServFail {
        metadata = Metadata::response_from_request(request);
        if request.op_code != OpCode::Query {
            metadata.recursion_desired = false;
            metadata.checking_disabled = false;
        }
    }
    metadata.message_type = MessageType::Response;
    metadata.authoritative = false;
    metadata.response_code = response_code;
    let mut reply = Message::new(request.id, MessageType::Response, metadata.op_code);
    reply.metadata = metadata;
    if let Some(question) = question {
        reply.add_query(question);
    }
    reply
}

/// The question of bytes whose whole message does not decode, read the way miekg/dns's
/// `unpackQuestion` reads it: the name, then type and class if there are bytes for them (0 when
/// the message ends first). The flag is true when the message ends with the question (miekg
/// then unpacks it without error), false when more bytes follow that do not decode.
fn lenient_question(bytes: &[u8]) -> Option<(Query, bool)> {
    let mut decoder = BinDecoder::new(bytes.get(Header::LEN..)?);
    let name = Name::read(&mut decoder).ok()?;
    let mut fields = [0u16; 2];
    for field in &mut fields {
        if decoder.is_empty() {
            break;
        }
        *field = decoder.read_u16().ok()?.unverified(/* any type and class */);
    }
    let [query_type, query_class] = fields;
    let mut query = Query::query(name, RecordType::from(query_type));
    query.set_query_class(DNSClass::from(query_class));
    Some((query, decoder.is_empty()))
}

/// What to do with a request the server accepted, before any lookup.
pub(crate) enum Screened<'a> {
    /// A well-formed standard query for one name of class IN.
    Query(&'a Query),
    /// A reply with this response code and no records.
    Reject(ResponseCode),
}

/// Checks a request the way CoreDNS's server does before it looks anything up (rule 31): a
/// class other than IN is REFUSED, then an EDNS version other than 0 is BADVERS.
pub(crate) fn screen(request: &Message) -> Screened<'_> {
    let [query] = request.queries.as_slice() else {
        // The accept check lets exactly one question through.
        return Screened::Reject(ResponseCode::FormErr);
    };
    // CoreDNS's server refuses other classes before it looks at EDNS (server.go).
    if query.query_class() != DNSClass::IN {
        return Screened::Reject(ResponseCode::Refused);
    }
    if request.edns.as_ref().is_some_and(|edns| edns.version() > 0) {
        return Screened::Reject(ResponseCode::BADVERS);
    }
    Screened::Query(query)
}

/// The reply to `request`: header echoed, question echoed, EDNS echoed.
pub(crate) fn reply(request: &Message, response_code: ResponseCode) -> Message {
    let mut response = Message::response(request.id, request.op_code);
    response.metadata = Metadata::response_from_request(&request.metadata);
    // miekg/dns's `SetReply` copies RD and CD for a QUERY only (a NOTIFY is answered too).
    if request.op_code != OpCode::Query {
        response.metadata.recursion_desired = false;
        response.metadata.checking_disabled = false;
    }
    response.metadata.response_code = response_code;
    response.queries = request.queries.clone();
    if let Some(request_edns) = &request.edns {
        let mut edns = Edns::new();
        edns.set_max_payload(request_edns.max_payload().max(512));
        edns.set_dnssec_ok(request_edns.flags().dnssec_ok);
        response.set_edns(edns);
    }
    response
}

/// The EDNS option code of an Extended DNS Error (RFC 8914).
const EDE_OPTION: u16 = 15;

/// Fills a reply with an answer.
pub(crate) fn fill(response: &mut Message, answer: Answer) {
    if let Some(code) = answer.extended_error {
        // The plugin's own OPT (size 4096, DO) when the request had none; otherwise the
        // server's `SizeAndDo` gives it the request's size and DO bit (rule 44).
        let mut edns = response.edns.take().unwrap_or_else(|| {
            let mut edns = Edns::new();
            edns.set_max_payload(4096);
            edns.set_dnssec_ok(true);
            edns
        });
        edns.options_mut()
            .insert(EdnsOption::Unknown(EDE_OPTION, code.to_be_bytes().to_vec()));
        response.set_edns(edns);
    }
    response.metadata.authoritative = answer.is_authoritative();
    response.metadata.response_code = answer.response_code();
    response.answers = answer.answers;
    response.authorities = answer.authorities;
    response.additionals = answer.additionals;
}

/// The address family of the client a reply goes to, which decides the size above which
/// CoreDNS compresses a UDP reply that fits uncompressed (`docs/coredns-rules.md` rule 63).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    /// An IPv4 client: what [`ClusterDns::handle_bytes`](crate::ClusterDns::handle_bytes)
    /// assumes.
    Ipv4,
    /// An IPv6 client.
    Ipv6,
}

impl From<std::net::IpAddr> for Family {
    /// As CoreDNS's `request.Family` decides (Go's `To4`): an IPv4-mapped IPv6 address
    /// (`::ffff:a.b.c.d`) is an IPv4 client.
    fn from(address: std::net::IpAddr) -> Self {
        match address {
            std::net::IpAddr::V4(_) => Family::Ipv4,
            std::net::IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some() => Family::Ipv4,
            std::net::IpAddr::V6(_) => Family::Ipv6,
        }
    }
}

/// The size limit of a reply (rule 34), and what decides whether a reply that fits is
/// compressed (rule 60): the transport, and over UDP the client's family (rule 63).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limit {
    size: u16,
    transport: Transport,
    family: Family,
}

impl Limit {
    /// The limit of a reply to `request` over `transport`, for a client of `family`: 65535
    /// over TCP; over UDP the EDNS payload size, or 512 without OPT, raised to 512.
    pub(crate) fn new(request: &Message, transport: Transport, family: Family) -> Self {
        let size = match transport {
            Transport::Udp => request.max_payload(),
            Transport::Tcp => u16::MAX,
        };
        Limit {
            size,
            transport,
            family,
        }
    }

    fn budget(self) -> Budget {
        // request.Scrub: NSD's fragmentation limits, 1480 bytes for IPv4 and 1220 for IPv6.
        let compress_above = match (self.transport, self.family) {
            (Transport::Tcp, _) => None,
            (Transport::Udp, Family::Ipv4) => Some(1480),
            (Transport::Udp, Family::Ipv6) => Some(1220),
        };
        Budget {
            size: self.size,
            compress_above,
        }
    }
}

impl From<u16> for Limit {
    /// A size alone, as over TCP: for replies made from a request's header (and question),
    /// which fit any limit.
    fn from(size: u16) -> Self {
        Limit {
            size,
            transport: Transport::Tcp,
            family: Family::Ipv4,
        }
    }
}

/// The size limit of a reply to `request` over `transport`, for an IPv4 client.
pub(crate) fn size_limit(request: &Message, transport: Transport) -> Limit {
    Limit::new(request, transport, Family::Ipv4)
}

/// The bytes of `response` as CoreDNS sends them within `limit` (rules 34, 60–63): uncompressed
/// when the reply fits uncompressed (and, over UDP, is no larger than the client family's
/// fragmentation limit); otherwise compressed, keeping the longest prefix of the answer, then
/// authority, then additional section that fits, and setting TC when any record was left out.
/// See [`crate::encode`].
pub(crate) fn encode(response: &Message, limit: impl Into<Limit>) -> Vec<u8> {
    encode::encode(response, limit.into().budget())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::rr::rdata::A;
    use hickory_proto::rr::{RData, Record};
    use std::net::IpAddr;

    /// A reply to an EDNS 4096 query for `web.default.svc.cluster.local.` with `count` A
    /// records.
    fn reply_with(count: u8) -> (Message, Message) {
        let name = Name::from_ascii("web.default.svc.cluster.local.").unwrap();
        let mut request = Message::new(7, MessageType::Query, OpCode::Query);
        request.add_query(Query::query(name.clone(), RecordType::A));
        let mut edns = Edns::new();
        edns.set_max_payload(4096);
        request.set_edns(edns);
        let mut response = reply(&request, ResponseCode::NoError);
        response.answers = (0..count)
            .map(|i| Record::from_rdata(name.clone(), 5, RData::A(A::new(10, 0, 0, i))))
            .collect();
        (request, response)
    }

    #[test]
    fn rule_60_63_an_ipv6_client_gets_udp_replies_over_1220_bytes_compressed() {
        // 26 A records: 12 + 35 + 26 × 45 + 11 = 1228 bytes uncompressed, between IPv6's 1220
        // and IPv4's 1480; compressed 12 + 35 + 26 × 16 + 11 = 474.
        let (request, response) = reply_with(26);
        let size =
            |transport, family| encode(&response, Limit::new(&request, transport, family)).len();
        assert_eq!(size(Transport::Udp, Family::Ipv4), 1228);
        assert_eq!(size(Transport::Udp, Family::Ipv6), 474);
        // Over TCP the family does not matter: it fits, so it goes uncompressed.
        assert_eq!(size(Transport::Tcp, Family::Ipv6), 1228);
        // At 1220 bytes or less, uncompressed for both (24 A: 1138 bytes).
        let (request, response) = reply_with(24);
        let ipv6 = encode(
            &response,
            Limit::new(&request, Transport::Udp, Family::Ipv6),
        );
        assert_eq!(ipv6.len(), 1138);
        assert_eq!(Message::from_vec(&ipv6).unwrap().answers, response.answers);
    }

    #[test]
    fn rule_63_the_family_is_the_client_address_s_and_a_mapped_address_is_ipv4() {
        for (address, family) in [
            ("10.0.0.1", Family::Ipv4),
            ("::ffff:10.0.0.1", Family::Ipv4),
            ("fd00::1", Family::Ipv6),
            ("::1", Family::Ipv6),
        ] {
            let address: IpAddr = address.parse().unwrap();
            assert_eq!(Family::from(address), family, "{address}");
        }
    }
}
