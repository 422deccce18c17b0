//! The `chaos` plugin (CoreDNS `plugin/chaos/chaos.go`): CH-class TXT answers about the server.

use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{DNSClass, RData, Record, RecordType};

use super::Request;
use crate::answer::Answer;
use crate::config::ChaosConfig;

/// What `hostname.bind` answers: the simulated server has no host name of its own, and
/// `localhost` is what CoreDNS answers when it cannot read its own.
const HOSTNAME: &str = "localhost";

/// Rule 46: a TXT question of class CH for `version.bind`/`version.server` (the version),
/// `authors.bind` (one TXT per author) or `hostname.bind`/`id.server`; NOERROR, not
/// authoritative, TTL 0, owner as asked. `None`: passed on.
pub(super) fn serve(chaos: &ChaosConfig, request: &Request) -> Option<Answer> {
    if request.class != DNSClass::CH || request.qtype != RecordType::TXT {
        return None;
    }
    let texts: Vec<&str> = match request.name.to_lowercase().to_ascii().as_str() {
        "authors.bind." => chaos.authors.iter().map(String::as_str).collect(),
        "version.bind." | "version.server." => vec![chaos.version.as_str()],
        "hostname.bind." | "id.server." => vec![HOSTNAME],
        _ => return None,
    };
    let records = texts
        .into_iter()
        .map(|text| {
            let mut record = Record::from_rdata(
                request.name.clone(),
                0,
                RData::TXT(TXT::new(vec![text.to_owned()])),
            );
            record.dns_class = DNSClass::CH;
            record
        })
        .collect();
    let mut answer = Answer::success(records);
    answer.authoritative = false;
    answer.refresh_outcome();
    Some(answer)
}
