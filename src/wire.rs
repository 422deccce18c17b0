//! DNS messages in and out: the only module that deals with `op::Message` and wire bytes.
//!
//! What a server does around the answer itself (CoreDNS's `dnsserver` and `request` packages):
//! echo the id, the question and RD; refuse what it cannot parse (FORMERR) or does not
//! implement (NOTIMP); answer an EDNS query with EDNS (and an EDNS version it does not know with
//! BADVERS); and fit a UDP reply into 512 bytes, or into the payload size the client advertised,
//! dropping whole records and setting TC when any record was dropped, as miekg/dns's `Truncate`
//! does for CoreDNS (see [`encode`]).

use hickory_proto::op::{Edns, Message, MessageType, Metadata, OpCode, ResponseCode};
use hickory_proto::rr::{DNSClass, Record};
use hickory_proto::serialize::binary::BinEncodable;

use crate::answer::Answer;

/// How a message travels, which decides the size limit of the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Transport {
    /// UDP: at most 512 bytes, or the EDNS payload size the query advertises.
    Udp,
    /// TCP: up to 65535 bytes, never truncated.
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

/// What to do with a decoded request before any lookup.
pub(crate) enum Screened<'a> {
    /// A well-formed standard query for one name of class IN.
    Query(&'a hickory_proto::op::Query),
    /// A reply with this response code and no records.
    Reject(ResponseCode),
}

/// Checks a request the way a server does before looking anything up.
pub(crate) fn screen(request: &Message) -> Screened<'_> {
    if request.message_type != MessageType::Query {
        return Screened::Reject(ResponseCode::FormErr);
    }
    if request.op_code != OpCode::Query {
        return Screened::Reject(ResponseCode::NotImp);
    }
    let [query] = request.queries.as_slice() else {
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

/// Fills a reply with an answer.
pub(crate) fn fill(response: &mut Message, answer: Answer) {
    response.metadata.authoritative = answer.is_authoritative();
    response.metadata.response_code = answer.response_code();
    response.answers = answer.answers;
    response.authorities = answer.authorities;
    response.additionals = answer.additionals;
}

/// The size limit of a reply to `request` over `transport`.
pub(crate) fn size_limit(request: &Message, transport: Transport) -> u16 {
    match transport {
        Transport::Udp => request.max_payload(),
        Transport::Tcp => u16::MAX,
    }
}

/// Encodes `response` within `limit` bytes, the way miekg/dns's `Truncate` does for CoreDNS:
/// keep the longest prefix of the answer section that fits, then of the authority section,
/// then of the additional section, and set TC when any record was left out.
///
/// hickory-proto's own size-limited encoder cannot be used as is: it writes each name in full
/// before compressing it, so near the limit it refuses a record whose compressed form would
/// have fit (28 A records in 512 bytes where CoreDNS sends 29). Here every candidate is encoded
/// by hickory without a limit and measured, which gives the same cut as CoreDNS.
pub(crate) fn encode(response: &Message, limit: u16) -> Vec<u8> {
    let limit = usize::from(limit);
    // A message that does not encode whole is over 65535 bytes (hickory's limit, and DNS's):
    // it is cut to fit like any other.
    if let Ok(bytes) = response.to_vec()
        && bytes.len() <= limit
    {
        return bytes;
    }
    let mut fitted = response.clone();
    fitted.answers.clear();
    fitted.authorities.clear();
    fitted.additionals.clear();
    if encoded_len(&fitted).is_none_or(|len| len > limit) {
        // Not even the header and question fit: header, question and OPT only, TC set. (A
        // question is a decoded name and always encodes; an empty reply would be a bug.)
        return response.truncate().to_bytes().unwrap_or_default();
    }
    fitted.answers = longest_prefix(&fitted, &response.answers, limit, |m| &mut m.answers);
    fitted.authorities = longest_prefix(&fitted, &response.authorities, limit, |m| {
        &mut m.authorities
    });
    fitted.additionals = longest_prefix(&fitted, &response.additionals, limit, |m| {
        &mut m.additionals
    });
    fitted.metadata.truncation = response.truncation
        || fitted.answers.len() < response.answers.len()
        || fitted.authorities.len() < response.authorities.len()
        || fitted.additionals.len() < response.additionals.len();
    // Every section was measured to fit, so the message encodes.
    fitted.to_vec().unwrap_or_default()
}

/// The longest prefix of `records` that, put into the section `section` of `base`, keeps the
/// message within `limit` bytes. Binary search: a longer prefix never encodes shorter.
fn longest_prefix(
    base: &Message,
    records: &[Record],
    limit: usize,
    section: fn(&mut Message) -> &mut Vec<Record>,
) -> Vec<Record> {
    let fits = |count: usize| {
        let mut candidate = base.clone();
        section(&mut candidate).extend_from_slice(&records[..count]);
        encoded_len(&candidate).is_some_and(|len| len <= limit)
    };
    let (mut low, mut high) = (0usize, records.len());
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        if fits(middle) {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    records[..low].to_vec()
}

fn encoded_len(message: &Message) -> Option<usize> {
    message.to_vec().ok().map(|bytes| bytes.len())
}

/// FORMERR for bytes that do not decode: the id and opcode are taken from the header when
/// there are enough bytes to have one; the question is not echoed because it could not be read.
pub(crate) fn format_error(bytes: &[u8]) -> Vec<u8> {
    let id = match bytes {
        [high, low, ..] => u16::from_be_bytes([*high, *low]),
        _ => 0,
    };
    let op_code = bytes
        .get(2)
        .map_or(OpCode::Query, |flags| OpCode::from_u8((flags >> 3) & 0x0f));
    let mut response = Message::error_msg(id, op_code, ResponseCode::FormErr);
    response.metadata.recursion_desired = bytes.get(2).is_some_and(|flags| flags & 1 == 1);
    // A header alone always encodes.
    response.to_bytes().unwrap_or_default()
}
