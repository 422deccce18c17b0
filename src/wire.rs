//! DNS messages in and out: the only module that deals with `op::Message` and wire bytes.
//!
//! What a server does around the answer itself (CoreDNS's `dnsserver` and `request` packages):
//! echo the id, the question and RD; refuse what it cannot parse (FORMERR) or does not
//! implement (NOTIMP); answer an EDNS query with EDNS (and an EDNS version it does not know with
//! BADVERS); and fit a UDP reply into 512 bytes, or into the payload size the client advertised,
//! dropping whole records and setting TC when any record was dropped. hickory-proto's
//! size-limited encoder does that last part, exactly as miekg/dns's `Truncate` does for CoreDNS.

use hickory_proto::op::{Edns, Message, MessageType, Metadata, OpCode, ResponseCode};
use hickory_proto::rr::DNSClass;
use hickory_proto::serialize::binary::{BinEncodable, BinEncoder};

use crate::answer::Answer;

/// How a message travels, which decides the size limit of the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// UDP: at most 512 bytes, or the EDNS payload size the query advertises.
    Udp,
    /// TCP: up to 65535 bytes, never truncated.
    Tcp,
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
    if request.edns.as_ref().is_some_and(|edns| edns.version() > 0) {
        return Screened::Reject(ResponseCode::BADVERS);
    }
    if query.query_class() != DNSClass::IN {
        return Screened::Reject(ResponseCode::Refused);
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

/// Encodes `response` within `limit` bytes, dropping whole records and setting TC when it
/// does not fit.
pub(crate) fn encode(response: &Message, limit: u16) -> Vec<u8> {
    let mut buffer = Vec::with_capacity(usize::from(limit.min(4096)));
    let mut encoder = BinEncoder::new(&mut buffer);
    encoder.set_max_size(limit);
    if response.emit(&mut encoder).is_ok() {
        return buffer;
    }
    // Not even the question fits with a record: header, question and OPT only, TC set.
    response.truncate().to_bytes().unwrap_or_default()
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
    response.to_bytes().unwrap_or_default()
}
