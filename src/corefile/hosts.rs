//! `hosts [FILE [ZONES…]] { ADDRESS NAME…; ttl N; no_reverse; reload D; fallthrough [ZONES…];
//! fallthrough_unsupported }`, read as CoreDNS's `plugin/hosts/setup.go` reads it.
//!
//! The inline entries are joined into one hosts file and parsed as the plugin parses a hosts
//! file (`hostsfile.go`); the file itself is read from the files the caller provides
//! ([`Config::from_corefile_in`](crate::Config::from_corefile_in)), never from the machine
//! running the simulator: a file that is not provided is a missing file, which CoreDNS accepts
//! (it serves the inline entries).

use hickory_proto::rr::Name;

use super::files::{CorefileFiles, container_path};
use super::kubernetes::zones_of;
use super::stanza::Stanza;
use super::{CorefileError, CorefileErrorKind};
use crate::config::{Fallthrough, HostsConfig, HostsEntry, NotSimulated};
use crate::qname::absolute;

/// Reads a `hosts` stanza, its hosts file from `files`.
pub(super) fn read(
    stanza: &Stanza,
    block_zones: &[Name],
    files: &dyn CorefileFiles,
    notes: &mut Vec<NotSimulated>,
) -> Result<HostsConfig, CorefileError> {
    let mut hosts = HostsConfig::default();
    let mut args = stanza.args.iter();
    let named = args.next();
    if let Some(path) = named {
        hosts.path = container_path(&path.text);
    }
    let file = files.read(&hosts.path);
    if file.is_none()
        && let Some(path) = named
    {
        // setup.go warns and goes on: the inline entries answer.
        notes.push(NotSimulated {
            line: path.line,
            directive: "hosts".to_owned(),
            reason: format!(
                "the hosts file `{}` was not provided, so it is missing (as CoreDNS allows): only the inline entries answer",
                hosts.path
            ),
        });
    }
    let rest: Vec<_> = args.cloned().collect();
    hosts.zones = if rest.is_empty() {
        block_zones.to_vec()
    } else {
        zones_of("hosts", "hosts", &rest)?
    };
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut fallthrough_set = false;
    for option in &stanza.options {
        match option.name.text.as_str() {
            "fallthrough" => {
                let zones = zones_of("hosts", "fallthrough", &option.args)?;
                hosts.fallthrough = if zones.is_empty() || zones.iter().any(Name::is_root) {
                    Fallthrough::All
                } else {
                    Fallthrough::Zones(zones)
                };
                fallthrough_set = true;
            }
            "fallthrough_unsupported" => {
                if !option.args.is_empty() {
                    return Err(option.wrong_count("hosts", "no arguments"));
                }
                hosts.fallthrough_unsupported = true;
            }
            "no_reverse" => hosts.reverse = false,
            "ttl" => {
                let [value, ..] = option.args.as_slice() else {
                    return Err(option.wrong_count("hosts", "one argument (a number of seconds)"));
                };
                hosts.ttl = value
                    .text
                    .parse::<i64>()
                    .ok()
                    .filter(|ttl| (1..=65535).contains(ttl))
                    .and_then(|ttl| u32::try_from(ttl).ok())
                    .ok_or_else(|| {
                        option.invalid("hosts", "a number of seconds from 1 to 65535", &value.text)
                    })?;
            }
            "reload" => {
                let [_] = option.args.as_slice() else {
                    return Err(option.wrong_count("hosts", "one argument (a duration such as 5s)"));
                };
            }
            first => {
                // setup.go: once `fallthrough` has zones, anything else is an unknown property.
                if fallthrough_set {
                    return Err(option.unknown(
                        "hosts",
                        "one of fallthrough, fallthrough_unsupported, no_reverse, ttl, reload (inline entries come before fallthrough)",
                    ));
                }
                let line = std::iter::once(first)
                    .chain(option.args.iter().map(|arg| arg.text.as_str()))
                    .collect::<Vec<_>>()
                    .join(" ");
                inline.push((option.line(), line));
            }
        }
    }
    if hosts.fallthrough_unsupported && !fallthrough_set {
        return Err(CorefileError::new(
            stanza.line(),
            CorefileErrorKind::MissingOption {
                directive: "hosts".to_owned(),
                option: "fallthrough (fallthrough_unsupported needs it)".to_owned(),
            },
        ));
    }
    for (line, text) in &inline {
        match parse_line(text) {
            Ok(Some(entry)) => hosts.inline.push(entry),
            Ok(None) => notes.push(NotSimulated {
                line: *line,
                directive: "hosts".to_owned(),
                reason: format!(
                    "`{text}` is neither an option nor `ADDRESS NAME…`; CoreDNS skips the line"
                ),
            }),
            Err(error) => {
                return Err(CorefileError::new(
                    *line,
                    CorefileErrorKind::InvalidHostsEntry { error },
                ));
            }
        }
    }
    if let Some(text) = file {
        hosts.file = parse_file(&text);
    }
    Ok(hosts)
}

/// A hosts file, as `hostsfile.go` parses it: comments dropped, lines that are not an address
/// and at least one name skipped, names that are not domain names skipped.
pub(crate) fn parse_file(text: &str) -> Vec<HostsEntry> {
    text.lines()
        .filter_map(|line| {
            let line = line.split('#').next().unwrap_or_default();
            let mut fields = line.split_whitespace();
            let address = parse_ip(fields.next()?)?;
            let names: Vec<Name> = fields.filter_map(|name| absolute(name).ok()).collect();
            (!names.is_empty()).then(|| HostsEntry::new(address, lowercase(names)))
        })
        .collect()
}

/// One inline line: `Ok(None)` when CoreDNS skips it (no address, or no name), an error for a
/// name that is not a domain name.
fn parse_line(text: &str) -> Result<Option<HostsEntry>, crate::error::InvalidNameError> {
    let mut fields = text.split_whitespace();
    let Some(address) = fields.next().and_then(parse_ip) else {
        return Ok(None);
    };
    let mut names = Vec::new();
    for name in fields {
        names.push(absolute(name)?);
    }
    if names.is_empty() {
        return Ok(None);
    }
    Ok(Some(HostsEntry::new(address, lowercase(names))))
}

fn lowercase(names: Vec<Name>) -> Vec<Name> {
    names.into_iter().map(|name| name.to_lowercase()).collect()
}

/// An address as `hostsfile.go` reads it: an IPv6 zone (`%eth0`) dropped.
fn parse_ip(text: &str) -> Option<std::net::IpAddr> {
    let text = text.split('%').next().unwrap_or(text);
    text.parse().ok()
}
