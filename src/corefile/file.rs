//! `file DBFILE [ZONES…] { fallthrough [ZONES…]; reload DURATION; reload_by_mtime; upstream }`,
//! read as CoreDNS's `plugin/file/setup.go` (`fileParse`) reads it, each zone file parsed by
//! hickory-proto's zone-file parser.
//!
//! The zone file comes from the files the caller provides (rule 42), never from the machine
//! running the simulator: [`Config::from_corefile`](crate::Config::from_corefile) has none, so a
//! `file` directive is then an error naming its line. `$INCLUDE` would make hickory-proto read the
//! host's files, so a zone file that uses it is refused, naming its line.

use hickory_proto::rr::{Name, RecordType};
use hickory_proto::serialize::txt::Parser;

use super::files::{CorefileFiles, container_path};
use super::kubernetes::{is_go_duration, zones_of};
use super::parser::Directive;
use super::stanza::{self, Stanza};
use super::{CorefileError, CorefileErrorKind};
use crate::config::{Fallthrough, FileConfig, FileZone};

/// Zone files longer than this many lines get no line number for a parse error (finding the line
/// parses every shorter prefix).
const MAX_LOCATED_LINES: usize = 5_000;

/// Reads every `file` directive of a block into one plugin, as CoreDNS's setup does.
pub(super) fn read(
    directives: &[&Directive],
    block_zones: &[Name],
    root: Option<&str>,
    files: &dyn CorefileFiles,
) -> Result<FileConfig, CorefileError> {
    let mut config = FileConfig::default();
    for directive in directives {
        let stanza = stanza::read(directive)?;
        let Some((file, origins)) = stanza.args.split_first() else {
            return Err(stanza.wrong_count("a zone file, then optional zones"));
        };
        let origins = if origins.is_empty() {
            block_zones.to_vec()
        } else {
            zones_of("file", "file", origins)?
        };
        read_options(&stanza, &mut config.fallthrough)?;
        // setup.go: a relative path is under the `root` plugin's directory when there is one.
        let path = match root {
            Some(root) if !file.text.starts_with('/') => {
                container_path(&format!("{root}/{}", file.text))
            }
            _ => container_path(&file.text),
        };
        let Some(text) = files.read(&path) else {
            return Err(CorefileError::new(
                file.line,
                CorefileErrorKind::MissingZoneFile { path },
            ));
        };
        for origin in origins {
            let zone = parse_zone(&text, &origin, &path).map_err(|(line, error)| {
                CorefileError::new(
                    file.line,
                    CorefileErrorKind::InvalidZoneFile {
                        path: path.clone(),
                        line,
                        error,
                    },
                )
            })?;
            config.zones.retain(|known| known.origin != origin);
            config.zones.push(zone);
        }
    }
    Ok(config)
}

/// The options of one `file` stanza; `fallthrough` goes to the plugin (the last one wins).
fn read_options(stanza: &Stanza, fallthrough: &mut Fallthrough) -> Result<(), CorefileError> {
    for option in &stanza.options {
        match option.name.text.as_str() {
            "fallthrough" => {
                let zones = zones_of("file", "fallthrough", &option.args)?;
                *fallthrough = if zones.is_empty() || zones.iter().any(Name::is_root) {
                    Fallthrough::All
                } else {
                    Fallthrough::Zones(zones)
                };
            }
            // No clock: a zone never reloads, so the interval is checked and dropped.
            "reload" => {
                let Some(value) = option.args.first() else {
                    return Err(option.wrong_count("file", "one argument (a duration such as 30s)"));
                };
                if !is_go_duration(&value.text) {
                    return Err(option.invalid("file", "a duration such as 30s", &value.text));
                }
            }
            // `reload_by_mtime` needs no argument; `upstream` is accepted and its arguments
            // dropped, as setup.go does.
            "reload_by_mtime" | "upstream" => {}
            _ => {
                return Err(option.unknown(
                    "file",
                    "one of fallthrough, reload, reload_by_mtime, upstream",
                ));
            }
        }
    }
    Ok(())
}

/// Parses a zone file for `origin`: `Err` with the zone file's line (when known) and what is
/// wrong.
fn parse_zone(text: &str, origin: &Name, path: &str) -> Result<FileZone, (Option<usize>, String)> {
    if let Some(line) = include_line(text) {
        return Err((
            Some(line),
            "`$INCLUDE` is not supported (it would read a file of the machine running the simulator): put the included records in the zone file".to_owned(),
        ));
    }
    let records = match Parser::new(text, None, Some(origin.clone())).parse() {
        Ok((_, sets)) => sets
            .into_values()
            .flat_map(|set| set.into_iter())
            .collect::<Vec<_>>(),
        Err(error) => {
            return Err((
                error_line(text, origin, &error.to_string()),
                error.to_string(),
            ));
        }
    };
    if !records.iter().any(|r| r.record_type() == RecordType::SOA) {
        return Err((None, format!("no SOA record for the origin `{origin}`")));
    }
    Ok(FileZone {
        origin: origin.clone(),
        path: path.to_owned(),
        records,
    })
}

/// The line of a `$INCLUDE` hickory-proto would act on: one that starts a line, or follows
/// `$TTL`/`$ORIGIN` and its argument on their line (its parser reads the next entry there).
/// Lines end at `\n` or `\r`, as its lexer ends them.
fn include_line(text: &str) -> Option<usize> {
    text.split(['\n', '\r'])
        .enumerate()
        .find_map(|(index, line)| {
            let mut words = line.split_whitespace();
            let starts = !line.starts_with(char::is_whitespace);
            let first = words.next()?;
            let found = starts
                && (first == "$INCLUDE"
                    || (matches!(first, "$TTL" | "$ORIGIN") && words.any(|w| w == "$INCLUDE")));
            found.then_some(index + 1)
        })
}

/// The first line at which the zone file fails as it fails whole: the shortest prefix of lines
/// that gives the same error. hickory-proto's errors carry no line.
fn error_line(text: &str, origin: &Name, error: &str) -> Option<usize> {
    let ends: Vec<usize> = text
        .match_indices('\n')
        .map(|(at, _)| at + 1)
        .chain(std::iter::once(text.len()))
        .take(MAX_LOCATED_LINES)
        .collect();
    ends.iter()
        .position(|&end| {
            Parser::new(&text[..end], None, Some(origin.clone()))
                .parse()
                .is_err_and(|e| e.to_string() == error)
        })
        .map(|index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::include_line;

    #[test]
    fn includes_are_found_where_the_zone_parser_would_act_on_them() {
        for (text, line) in [
            ("$INCLUDE /etc/passwd\n", Some(1)),
            ("@ IN A 1.2.3.4\n$TTL 60 $INCLUDE /etc/passwd\n", Some(2)),
            ("a IN TXT \"$INCLUDE\"\n", None),
            ("; $INCLUDE x\n  $INCLUDE y\n", None),
            ("a IN A 1.2.3.4\r$INCLUDE z\n", Some(2)),
        ] {
            assert_eq!(include_line(text), line, "{text:?}");
        }
    }
}
