//! The YAML library's errors, turned into [`LoadError`]s that say where and what in the
//! project's own wording.
//!
//! serde_yaml's texts put their position in the message (` at line 4 column 3`), say what they
//! found before what they expected (`invalid type: string "80", expected an integer`), and place
//! some errors where the parser happened to be rather than where the fault is. This module
//! takes the position out of the text and into the [`Location`], rewrites type errors as
//! "expected …, found …", and moves the errors that point at the wrong place:
//!
//! - a character YAML forbids (a NUL byte, say) is reported by the reader at "line 1, column 1"
//!   with a byte offset in the text: the location becomes that offset's line and column;
//! - a duplicate key is reported at the start of its mapping: the location becomes the second
//!   occurrence of the key, the one to remove, as kubectl names it;
//! - an unknown anchor names no alias: the message quotes the alias written at its position;
//! - the parser's own nesting limit becomes [`LoadErrorKind::TooDeep`].

use super::documents::{self, Document};
use super::validate::Checker;
use crate::error::{LoadError, LoadErrorKind, Location};

/// The nesting limit of the YAML library itself (serde_yaml's recursion limit).
pub(crate) const PARSER_DEPTH_LIMIT: usize = 128;

/// Where a serde_yaml error was found.
pub(crate) enum Source<'a> {
    /// In a document's own text: its positions are those of the document.
    Document(&'a Document<'a>),
    /// In text written anew from a parsed value (a List entry, a document with merge keys):
    /// its positions mean nothing in the input, and the field path is looked up in the
    /// document by `checker` instead.
    Rewritten(&'a Checker<'a>),
}

/// Turns a serde_yaml error into a [`LoadError`] at `location` (the object's or document's).
///
/// The parser's field path (`spec.ports[0].port: …`) becomes the error's field, and its own
/// position is removed from the message, since the location carries it.
pub(crate) fn serde_error(
    error: &serde_yaml::Error,
    mut location: Location,
    source: Source<'_>,
) -> LoadError {
    let text = match &source {
        Source::Document(document) => Some(document),
        Source::Rewritten(_) => None,
    };
    let line_offset = text.map_or(0, |document| document.first_line);
    let mut message = error.to_string();
    // The offset a reader error gives instead of a line (`… at position 49`).
    let mut offset = None;
    if let Some(mark) = error.location() {
        let own = format!(" at line {} column {}", mark.line(), mark.column());
        if let Some(at) = message.find(&own) {
            message.replace_range(at..at + own.len(), "");
        } else if let Some((at, len, position)) = position_suffix(&message) {
            message.replace_range(at..at + len, "");
            if position > 0 && mark.line() == 1 && mark.column() == 1 {
                offset = Some(position);
            }
        }
        if let Some(document) = text {
            let (line, column) = match offset {
                Some(position) => document.input_position_of(position),
                None => document.input_position(mark.line(), mark.column()),
            };
            location.line = Some(line);
            location.column = Some(column);
        }
    }
    // libyaml adds a context with its own position ("while parsing a block mapping at line 2
    // column 1"): make that line absolute too.
    let message = shift_lines(&message, line_offset);
    let (mut field, message) = match message.split_once(": ") {
        Some((path, rest)) if is_field_path(path) => (Some(map_key_path(path)), rest.to_owned()),
        _ => (None, message),
    };
    if let (Source::Rewritten(checker), Some(path)) = (&source, &field) {
        location = checker.locate(path);
    }
    let index = error.location().map(|mark| mark.index());
    let kind = match message.as_str() {
        "recursion limit exceeded" => LoadErrorKind::TooDeep {
            limit: PARSER_DEPTH_LIMIT,
        },
        "unknown anchor" => {
            let alias = text
                .zip(index)
                .and_then(|(document, at)| alias_at(&document.text, at));
            let found = alias.map_or_else(|| "an alias".to_owned(), |name| format!("*{name}"));
            LoadErrorKind::Syntax {
                message: format!(
                    "expected an alias of an anchor defined before it in the document, found {found}"
                ),
            }
        }
        "control characters are not allowed" => {
            // libyaml prints no offset when it is 0.
            let found =
                text.and_then(|document| document.text.get(offset.unwrap_or(0)..)?.chars().next());
            LoadErrorKind::Syntax {
                message: forbidden_character(found),
            }
        }
        _ => {
            if let Some((key, shown)) = duplicate_key(&message) {
                let mut first = None;
                if let Some(document) = text {
                    let found = index.and_then(|at| repeated_key(&document.text, at, &key));
                    if let Some((at_first, at_second)) = found {
                        first = Some(document.input_position_of(at_first).0);
                        let (line, column) = document.input_position_of(at_second);
                        location.line = Some(line);
                        location.column = Some(column);
                    }
                }
                field = Some(map_key_path(&match field {
                    Some(path) => format!("{path}.{key}"),
                    None => key,
                }));
                let first =
                    first.map_or_else(String::new, |line| format!(" (first on line {line})"));
                LoadErrorKind::Syntax {
                    message: format!(
                        "expected each key once in a mapping, found {shown} a second time{first}"
                    ),
                }
            } else {
                LoadErrorKind::Syntax {
                    message: expected_found(&message).unwrap_or(message),
                }
            }
        }
    };
    let mut load_error = LoadError::new(location, kind);
    load_error.field = field;
    load_error
}

/// serde_yaml's path with the key of a string map (labels, annotations, a selector) written
/// as the loader writes it, in brackets, since label keys hold dots and slashes:
/// `metadata.labels.app.kubernetes.io/name` → `metadata.labels[app.kubernetes.io/name]`.
fn map_key_path(path: &str) -> String {
    const MAPS: [&str; 4] = ["labels", "annotations", "matchLabels", "selector"];
    let mut search = 0;
    while let Some(found) = path[search..].find('.') {
        let dot = search + found;
        let segment_start = path[..dot].rfind(['.', ']']).map_or(0, |at| at + 1);
        let segment = &path[segment_start..dot];
        let key = &path[dot + 1..];
        // A workload's `spec.selector` is a struct holding `matchLabels`.
        let struct_field = segment == "selector" && key.starts_with("match");
        if MAPS.contains(&segment) && !struct_field && !key.is_empty() {
            return format!("{}[{key}]", &path[..dot]);
        }
        search = dot + 1;
    }
    path.to_owned()
}

/// ` at position N` in a libyaml message: its start, length and N.
fn position_suffix(message: &str) -> Option<(usize, usize, usize)> {
    let marker = " at position ";
    let at = message.find(marker)?;
    let digits = &message[at + marker.len()..];
    let len = digits.len()
        - digits
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let position = digits[..len].parse().ok()?;
    Some((at, marker.len() + len, position))
}

/// The message for a character the YAML reader refuses.
fn forbidden_character(found: Option<char>) -> String {
    let expected = "expected a character YAML allows (printable, a tab or a line break)";
    match found {
        Some(c) if c.is_control() => {
            format!(
                "{expected}, found the control character U+{:04X}",
                u32::from(c)
            )
        }
        Some(c) => format!("{expected}, found U+{:04X}", u32::from(c)),
        None => format!("{expected}, found a control character"),
    }
}

/// The alias written at byte `offset` of `text` (`*name`), without its `*`.
fn alias_at(text: &str, offset: usize) -> Option<&str> {
    let rest = text.get(offset..)?.strip_prefix('*')?;
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

/// `duplicate entry with key "name"`: the key as text, and as the message shows it.
fn duplicate_key(message: &str) -> Option<(String, String)> {
    let shown = message.strip_prefix("duplicate entry with key ")?;
    let key = match shown.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(quoted) => unescape(quoted),
        None => shown.trim_matches('`').to_owned(),
    };
    let shown = if shown.starts_with('"') {
        format!("the key {shown}")
    } else {
        format!("the key {key}")
    };
    Some((key, shown))
}

/// Undoes Rust's `{:?}` escaping of the common characters.
fn unescape(quoted: &str) -> String {
    let mut out = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The byte offsets of the first and the second occurrence of `key` in the mapping that starts
/// at byte `start` of `text`: a flow mapping (`{`) or a block mapping whose keys sit at the
/// column of its first key.
fn repeated_key(text: &str, start: usize, key: &str) -> Option<(usize, usize)> {
    let rest = text.get(start..)?;
    if rest.starts_with('{') {
        return repeated_flow_key(text, start, key);
    }
    let mut first = None;
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let indent = start - line_start;
    let mut offset = line_start;
    for (index, line) in text[line_start..].split('\n').enumerate() {
        let here = offset;
        offset += line.len() + 1;
        let content = line.trim_start_matches(' ');
        if index > 0 {
            if content.trim().is_empty() || content.starts_with('#') {
                continue;
            }
            let column = line.len() - content.len();
            if column < indent {
                break;
            }
            if column > indent {
                continue;
            }
        }
        if documents::after_key(&line[indent..], key).is_some() {
            match first {
                None => first = Some(here + indent),
                Some(first) => return Some((first, here + indent)),
            }
        }
    }
    None
}

/// [`repeated_key`] in a flow mapping starting with the `{` at byte `start`.
fn repeated_flow_key(text: &str, start: usize, key: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = start;
    let mut expecting_key = false;
    let mut first = None;
    while at < bytes.len() {
        match bytes[at] {
            b'{' | b'[' => {
                depth += 1;
                expecting_key = depth == 1;
                at += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return None;
                }
                at += 1;
            }
            b',' => {
                expecting_key = depth == 1;
                at += 1;
            }
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            quote @ (b'"' | b'\'') => {
                let end = documents::quoted_end(bytes, at, quote);
                if expecting_key && depth == 1 {
                    let written = &text[at..end];
                    let matches = if quote == b'"' {
                        serde_yaml::from_str::<String>(written).ok().as_deref() == Some(key)
                    } else {
                        written.len() >= 2
                            && written[1..written.len() - 1].replace("''", "'") == key
                    };
                    if matches {
                        match first {
                            None => first = Some(at),
                            Some(first) => return Some((first, at)),
                        }
                    }
                }
                expecting_key = false;
                at = end;
            }
            _ => {
                let end = plain_end(bytes, at);
                if expecting_key && depth == 1 && text[at..end].trim_end() == key {
                    match first {
                        None => first = Some(at),
                        Some(first) => return Some((first, at)),
                    }
                }
                expecting_key = false;
                at = end.max(at + 1);
            }
        }
    }
    None
}

/// The end of a plain scalar in a flow collection starting at `start`.
fn plain_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start;
    while at < bytes.len() {
        match bytes[at] {
            b',' | b'[' | b']' | b'{' | b'}' | b'\n' => return at,
            b':' if matches!(
                bytes.get(at + 1),
                None | Some(b' ' | b'\t' | b'\r' | b'\n' | b',' | b']' | b'}')
            ) =>
            {
                return at;
            }
            _ => at += 1,
        }
    }
    at
}

/// Adds `offset` to every `line N` in `message`.
pub(crate) fn shift_lines(message: &str, offset: usize) -> String {
    if offset == 0 {
        return message.to_owned();
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("at line ") {
        let (before, after) = rest.split_at(at + "at line ".len());
        out.push_str(before);
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let (number, tail) = after.split_at(digits);
        match number.parse::<usize>() {
            Ok(line) => out.push_str(&(line + offset).to_string()),
            Err(_) => out.push_str(number),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Whether `text` looks like serde_yaml's field path prefix (`spec.ports[0].port`).
pub(crate) fn is_field_path(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '[' | ']' | '_' | '-' | '/'))
}

/// serde's `invalid type: X, expected Y` and `invalid value: X, expected Y`, as
/// `expected Y, found X` in the project's words; `None` for any other message.
pub(crate) fn expected_found(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    // A string is printed escaped, so it may hold ", expected " itself: skip it first.
    let unexpected_len = match rest.strip_prefix("string \"") {
        Some(quoted) => "string \"".len() + escaped_len(quoted)?,
        None => rest.find(", expected ")?,
    };
    let (unexpected, tail) = rest.split_at(unexpected_len);
    let expected = tail.strip_prefix(", expected ")?;
    Some(format!(
        "expected {}, found {}",
        expected_phrase(expected),
        found_phrase(unexpected)
    ))
}

/// The length of a `{:?}`-escaped string's body up to and including its closing quote.
fn escaped_len(quoted: &str) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in quoted.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(at + 1),
            _ => {}
        }
    }
    None
}

/// serde's name for what it expected, in the project's words.
fn expected_phrase(expected: &str) -> String {
    match expected {
        // The YAML value of a whole document: only an integer beyond 64 bits fails it.
        "any YAML value" => "a number within 64 bits".to_owned(),
        "a map" => "a mapping".to_owned(),
        "a borrowed string" => "a string".to_owned(),
        "unit" => "null".to_owned(),
        other if other.starts_with("struct ") => "a mapping".to_owned(),
        other => other.to_owned(),
    }
}

/// serde's name for what it found (its `Unexpected`), in the project's words.
fn found_phrase(unexpected: &str) -> String {
    let ticked = |prefix: &str| {
        unexpected
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('`'))
            .and_then(|rest| rest.strip_suffix('`'))
    };
    if let Some(string) = unexpected.strip_prefix("string ") {
        return format!("the string {string}");
    }
    if let Some(number) = ticked("integer ").or_else(|| ticked("floating point ")) {
        return format!("the number {number}");
    }
    if let Some(boolean) = ticked("boolean ") {
        return format!("the boolean {boolean}");
    }
    if let Some(number) = unexpected.strip_prefix("integer `").and_then(|rest| {
        rest.strip_suffix("` as u128")
            .or(rest.strip_suffix("` as i128"))
    }) {
        return format!("the number {number}");
    }
    if let Some(c) = ticked("character ") {
        return format!("the string {c:?}");
    }
    match unexpected {
        "unit value" => "null".to_owned(),
        "sequence" => "a sequence".to_owned(),
        "map" => "a mapping".to_owned(),
        "enum" => "a tagged value".to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_errors_say_expected_then_found_in_our_words() {
        let cases = [
            (
                "invalid type: string \"80\", expected an integer",
                "expected an integer, found the string \"80\"",
            ),
            (
                "invalid type: sequence, expected a mapping",
                "expected a mapping, found a sequence",
            ),
            (
                "invalid type: map, expected a sequence",
                "expected a sequence, found a mapping",
            ),
            (
                "invalid type: integer `5`, expected struct RawMeta",
                "expected a mapping, found the number 5",
            ),
            (
                "invalid type: floating point `0.5`, expected an integer or a port name",
                "expected an integer or a port name, found the number 0.5",
            ),
            (
                "invalid type: boolean `true`, expected a string",
                "expected a string, found the boolean true",
            ),
            (
                "invalid type: unit value, expected a map",
                "expected a mapping, found null",
            ),
            (
                "invalid type: string \"a, expected b\", expected a sequence",
                "expected a sequence, found the string \"a, expected b\"",
            ),
            (
                "invalid type: integer `99999999999999999999999` as u128, expected any YAML value",
                "expected a number within 64 bits, found the number 99999999999999999999999",
            ),
            (
                "invalid type: string \"q\\\"uote\", expected a boolean",
                "expected a boolean, found the string \"q\\\"uote\"",
            ),
        ];
        for (serde, ours) in cases {
            assert_eq!(expected_found(serde).as_deref(), Some(ours), "{serde}");
        }
        assert_eq!(expected_found("did not find expected key"), None);
    }

    #[test]
    fn string_map_keys_are_bracketed() {
        let cases = [
            ("metadata.labels.app", "metadata.labels[app]"),
            (
                "items[0].metadata.labels.app.kubernetes.io/name",
                "items[0].metadata.labels[app.kubernetes.io/name]",
            ),
            ("spec.selector.app", "spec.selector[app]"),
            (
                "spec.selector.matchLabels.tier",
                "spec.selector.matchLabels[tier]",
            ),
            ("spec.selector.matchLabels", "spec.selector.matchLabels"),
            (
                "spec.template.metadata.annotations.a/b",
                "spec.template.metadata.annotations[a/b]",
            ),
            ("spec.ports[0].port", "spec.ports[0].port"),
        ];
        for (serde, ours) in cases {
            assert_eq!(map_key_path(serde), ours, "{serde}");
        }
    }

    #[test]
    fn context_lines_are_made_absolute() {
        assert_eq!(
            shift_lines(
                "did not find expected key, while parsing a block mapping at line 2 column 1",
                10
            ),
            "did not find expected key, while parsing a block mapping at line 12 column 1"
        );
        assert!(is_field_path("spec.ports[0].port"));
        assert!(!is_field_path("invalid type"));
    }

    #[test]
    fn both_occurrences_of_a_key_are_found() {
        let block =
            "a: 1\nm:\n  first: 0\n  name: x\n  # c\n  other:\n    name: nested\n  name: y\n";
        let start = block.find("first").unwrap();
        let second = |text: &str, start, key| repeated_key(text, start, key).map(|(_, s)| s);
        assert_eq!(
            repeated_key(block, start, "name"),
            Some((block.find("name").unwrap(), block.rfind("name").unwrap()))
        );
        let entry = "- name: x\n  \"name\": y\n";
        assert_eq!(second(entry, 2, "name"), entry.find("\"name\""));
        let flow = "m: {name: x, o: {name: z}, 'name': y}\n";
        assert_eq!(
            second(flow, flow.find('{').unwrap(), "name"),
            flow.find("'name'")
        );
        let json = "{\"a\": {\"k\": 1}, \"k\": [1, \"k\"], \"k\": 2}";
        assert_eq!(second(json, 0, "k"), json.rfind("\"k\""));
        assert_eq!(repeated_key("{a: 1, b: 2}", 0, "a"), None);
    }
}
