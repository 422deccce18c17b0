//! `hosts [FILE [ZONES…]] { IP NAME…; ttl N; no_reverse; reload D; fallthrough [ZONES…] }`:
//! the inline entries become records of the simulated [`Upstream`](crate::Upstream).
//!
//! In CoreDNS the `hosts` plugin sits before `kubernetes` and answers first for the names it
//! holds; here its entries answer only what the kubernetes plugin passes on (out-of-zone
//! ExternalName targets, `fallthrough`). The hosts file itself is never read: it lives on the
//! DNS server's node. Both differences are recorded in `Config::not_simulated`.

use std::net::IpAddr;

use super::stanza::Stanza;
use super::{CorefileError, CorefileErrorKind};
use crate::config::{Config, NotSimulated};

/// The `hosts` plugin's default TTL.
const DEFAULT_TTL: u32 = 3600;

/// Reads a `hosts` stanza into `config.upstream`.
pub(super) fn apply(stanza: &Stanza, config: &mut Config) -> Result<(), CorefileError> {
    let line = stanza.line();
    let note = |reason: String| NotSimulated {
        line,
        directive: "hosts".to_owned(),
        reason,
    };
    let file = stanza
        .args
        .first()
        .map_or("/etc/hosts", |token| token.text.as_str());
    config.not_simulated.push(note(format!(
        "the file {file} is not read (it lives on the DNS server's node); only inline entries are used"
    )));
    config.not_simulated.push(note(
        "inline entries answer only what the kubernetes plugin passes on (ExternalName targets outside its zones, fallthrough); CoreDNS asks hosts first".to_owned(),
    ));
    let mut ttl = DEFAULT_TTL;
    let mut reverse = true;
    let mut entries: Vec<(IpAddr, Vec<String>)> = Vec::new();
    for option in &stanza.options {
        match option.name.text.as_str() {
            "ttl" => {
                let [value] = option.args.as_slice() else {
                    return Err(option.wrong_count("hosts", "one argument (a number of seconds)"));
                };
                ttl = value
                    .text
                    .parse()
                    .map_err(|_| option.invalid("hosts", "a number of seconds", &value.text))?;
            }
            "no_reverse" => reverse = false,
            "reload" | "fallthrough" => {}
            first => match first.parse::<IpAddr>() {
                Ok(ip) if !option.args.is_empty() => {
                    let names = option.texts().iter().map(|n| n.to_lowercase()).collect();
                    entries.push((ip, names));
                }
                // The hosts parser skips lines it cannot read; say so rather than drop them.
                _ => config.not_simulated.push(NotSimulated {
                    line: option.line(),
                    directive: "hosts".to_owned(),
                    reason: format!(
                        "`{first}` is neither an option nor `ADDRESS NAME…`; CoreDNS skips the line"
                    ),
                }),
            },
        }
    }
    let invalid = |error| CorefileError::new(line, CorefileErrorKind::InvalidHostsEntry { error });
    let mut upstream = std::mem::take(&mut config.upstream);
    for (ip, names) in entries {
        for name in &names {
            upstream = upstream.with_address(name, ip, ttl).map_err(invalid)?;
            if reverse {
                upstream = upstream.with_reverse(ip, name, ttl).map_err(invalid)?;
            }
        }
    }
    config.upstream = upstream;
    Ok(())
}
