//! The `whoami` plugin (CoreDNS `plugin/whoami/whoami.go`): the client's address and port,
//! in the additional section.

use std::net::IpAddr;

use hickory_proto::rr::rdata::{A, AAAA, SRV};
use hickory_proto::rr::{Name, RData, Record};

use super::Request;
use crate::answer::Answer;
use crate::wire::Transport;

/// Rule 43: NOERROR, AA, an empty answer section; in the additional section the client's
/// address (A or AAAA by its family, owned by the question name as asked, TTL 0) and an SRV
/// `_udp.<name>` or `_tcp.<name>` with the client's port and target `.`.
pub(super) fn serve(request: &Request) -> Answer {
    let name = &request.name;
    let address = match request.client.ip() {
        IpAddr::V4(v4) => RData::A(A(v4)),
        IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
    };
    let proto = match request.transport {
        Transport::Udp => "_udp",
        Transport::Tcp => "_tcp",
    };
    // `"_" + proto + "." + qname`, without the dot for the root.
    let owner = Name::from_ascii(proto)
        .ok()
        .and_then(|label| label.append_domain(name).ok())
        .unwrap_or_else(|| name.clone());
    let srv = SRV::new(0, 0, request.client.port(), Name::root());
    let mut answer = Answer::success(Vec::new());
    answer.refresh_outcome();
    answer.additionals = vec![
        Record::from_rdata(name.clone(), 0, address),
        Record::from_rdata(owner, 0, RData::SRV(srv)),
    ];
    answer
}
