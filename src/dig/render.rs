//! The reply in dig 9.18's layout: header, flags, OPT pseudosection, the four sections with
//! dig's tab stops, and the statistics lines.

use std::io::{self, Write};

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::{RData, Record};

/// The columns BIND's default text style aligns to (`masterdump.c`: TTL, class, type, data),
/// with tabs eight wide.
const TTL_COLUMN: usize = 24;
const CLASS_COLUMN: usize = 32;
const TYPE_COLUMN: usize = 40;
const DATA_COLUMN: usize = 48;
const TAB: usize = 8;

/// Writes `message` as dig prints the part between `;; Got answer:` and `;; Query time`:
/// the header and flags lines, the recursion warning, the OPT pseudosection and the sections,
/// each followed by a blank line.
///
/// # Errors
/// What `out` returns.
pub fn write_message(message: &Message, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        ";; ->>HEADER<<- opcode: {}, status: {}, id: {}",
        opcode(message),
        status_name(message.response_code),
        message.id
    )?;
    let flags: Vec<&str> = [
        (message.message_type == MessageType::Response, "qr"),
        (message.authoritative, "aa"),
        (message.truncation, "tc"),
        (message.recursion_desired, "rd"),
        (message.recursion_available, "ra"),
        (message.authentic_data, "ad"),
        (message.checking_disabled, "cd"),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .map(|(_, flag)| *flag)
    .collect();
    writeln!(
        out,
        ";; flags: {}; QUERY: {}, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}",
        flags.join(" "),
        message.queries.len(),
        message.answers.len(),
        message.authorities.len(),
        message.additionals.len() + usize::from(message.edns.is_some()),
    )?;
    if message.recursion_desired && !message.recursion_available {
        writeln!(out, ";; WARNING: recursion requested but not available")?;
    }
    writeln!(out)?;
    if let Some(edns) = &message.edns {
        let dnssec_ok = if edns.flags().dnssec_ok { " do" } else { "" };
        writeln!(
            out,
            ";; OPT PSEUDOSECTION:\n; EDNS: version: {}, flags:{dnssec_ok}; udp: {}",
            edns.version(),
            edns.max_payload()
        )?;
    }
    writeln!(out, ";; QUESTION SECTION:")?;
    for query in &message.queries {
        let mut line = query.name().to_string();
        align(&mut line, CLASS_COLUMN);
        line.push_str(&query.query_class().to_string());
        align(&mut line, TYPE_COLUMN);
        line.push_str(&query.query_type().to_string());
        writeln!(out, ";{line}")?;
    }
    writeln!(out)?;
    for (title, records) in [
        ("ANSWER", &message.answers),
        ("AUTHORITY", &message.authorities),
        ("ADDITIONAL", &message.additionals),
    ] {
        if records.is_empty() {
            continue;
        }
        writeln!(out, ";; {title} SECTION:")?;
        for record in records {
            writeln!(out, "{}", record_line(record))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// One record as dig prints it: owner, TTL, class, type and data at BIND's tab stops (a single
/// space where the text already reaches the column).
///
/// ```
/// use k8s_dns_sim::dig::record_line;
/// use k8s_dns_sim::hickory_proto::rr::{Name, RData, Record, rdata::A};
///
/// let record = Record::from_rdata(Name::from_ascii("web.default.svc.cluster.local.")?, 30, RData::A(A::new(10, 96, 0, 20)));
/// assert_eq!(record_line(&record), "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.20");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn record_line(record: &Record) -> String {
    let mut line = record.name.to_string();
    align(&mut line, TTL_COLUMN);
    line.push_str(&record.ttl.to_string());
    align(&mut line, CLASS_COLUMN);
    line.push_str(&record.dns_class.to_string());
    align(&mut line, TYPE_COLUMN);
    line.push_str(&record.record_type().to_string());
    align(&mut line, DATA_COLUMN);
    line.push_str(&rdata_text(&record.data));
    line
}

/// A record's data in presentation format, as `+short` prints it (TXT strings quoted, as
/// dig quotes them; hickory's `Display` runs them together).
pub fn rdata_text(data: &RData) -> String {
    match data {
        RData::TXT(txt) => txt
            .txt_data
            .iter()
            .map(|bytes| {
                let text = String::from_utf8_lossy(bytes);
                format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
            })
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

/// The rcode as dig names it (`NOERROR`, `NXDOMAIN`, `REFUSED`, …; a number for the others).
pub fn status_name(code: ResponseCode) -> String {
    crate::answer::rcode_mnemonic(code)
}

fn opcode(message: &Message) -> String {
    format!("{:?}", message.op_code).to_uppercase()
}

/// Pads `line` to `column` as BIND's `indent` (`masterdump.c`) does: at least one character,
/// tabs for every tab stop crossed, then spaces. (So a space becomes a tab when it crosses a
/// stop: `… 30 IN\tSRV` but `… 5 IN SRV` for the same owner.)
fn align(line: &mut String, column: usize) {
    let from = line.chars().fold(0, |at, char| match char {
        '\t' => (at / TAB + 1) * TAB,
        _ => at + 1,
    });
    let to = column.max(from + 1);
    let tabs = to / TAB - from / TAB;
    let mut at = from;
    if tabs > 0 {
        line.extend(std::iter::repeat_n('\t', tabs));
        at = to / TAB * TAB;
    }
    line.extend(std::iter::repeat_n(' ', to - at));
}
