//! Whole-reply table rows: one question and the reply the server must give (rcode, AA, and
//! the answer, authority and additional sections as zone-file text, compared in order), as
//! the tests of the plugins that write their own replies (`template`, `file`) check them.

use k8s_dns_sim::hickory_proto::op::ResponseCode;
use k8s_dns_sim::hickory_proto::rr::RecordType;
use k8s_dns_sim::{Answer, ClusterDns};

/// One question and the whole reply: rcode, AA, and the three sections as zone-file text.
pub struct Row {
    pub rule: &'static str,
    pub name: &'static str,
    pub qtype: RecordType,
    pub rcode: ResponseCode,
    pub aa: bool,
    pub answer: &'static [&'static str],
    pub authority: &'static [&'static str],
    pub additional: &'static [&'static str],
}

pub const fn row(
    rule: &'static str,
    name: &'static str,
    qtype: RecordType,
    rcode: ResponseCode,
    aa: bool,
    answer: &'static [&'static str],
) -> Row {
    Row {
        rule,
        name,
        qtype,
        rcode,
        aa,
        answer,
        authority: &[],
        additional: &[],
    }
}

pub fn lines(records: &[k8s_dns_sim::hickory_proto::rr::Record]) -> Vec<String> {
    records.iter().map(ToString::to_string).collect()
}

pub fn check(dns: &ClusterDns, rows: &[Row]) {
    let mut failures = Vec::new();
    for row in rows {
        let answer: Answer = dns
            .lookup(row.name, row.qtype)
            .unwrap_or_else(|error| panic!("[{}] {error}", row.rule));
        let got = (
            answer.response_code(),
            answer.authoritative,
            lines(&answer.answers),
            lines(&answer.authorities),
            lines(&answer.additionals),
        );
        let owned = |lines: &[&str]| lines.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let want = (
            row.rcode,
            row.aa,
            owned(row.answer),
            owned(row.authority),
            owned(row.additional),
        );
        if got != want {
            failures.push(format!(
                "[{}] {} {:?}\n  want: {want:?}\n  got:  {got:?}",
                row.rule, row.name, row.qtype
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
