//! Splitting a YAML stream into documents, and finding lines in a document's text.
//!
//! # Why documents are split by hand
//!
//! serde_yaml's multi-document `Deserializer` iterator has two bugs that break the crate's
//! "never hang, never panic on bad input" rule (see `docs/robustness.md`):
//! after a syntax error it yields the same error forever, and after a document with an unknown
//! alias the *next* document panics. So the loader cuts the stream itself, at the same places a
//! YAML parser would (a `---` marker at column 0, or a `...` end marker at column 0), and parses
//! each piece with the single-document `serde_yaml::from_str`, which has neither problem. A
//! document marker at column 0 ends a document even inside a block or quoted scalar in YAML
//! itself, so cutting on lines never splits a document a parser would keep whole.
//!
//! # Why lines are found by hand
//!
//! Parse errors carry a line and column, but the semantic checks run on typed values that
//! have lost them. [`locate`] walks the block-YAML text along a field path (`spec.ports[1].port`)
//! using indentation only. It is best-effort: flow (JSON) syntax or unusual layouts make it
//! return what it found so far, or nothing, and the caller falls back to the object's line.

use std::borrow::Cow;

mod flow;

/// One document of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Document<'t> {
    /// Counted from 1 in stream order, empty documents included.
    pub number: usize,
    /// The 0-based index, within the whole input, of the document's first line: a line number
    /// `n` reported for the document's text is line `n + first_line` of the input.
    pub first_line: usize,
    /// The column (counted from 0, in characters) where the text's first line starts in the
    /// input: 3 for a document that starts after its `---` marker, 0 for one without a
    /// marker, and further along for the second and later objects of a JSON stream written
    /// on one line.
    pub first_column: usize,
    /// The document's text: a slice of the input, after its `---` marker (so that anything
    /// written after the marker is the text's first line). A copy only when a byte-order
    /// mark had to be dropped from the middle of it.
    pub text: Cow<'t, str>,
    /// What follows the objects of a JSON stream without being one: kubectl, having read the
    /// input as JSON from its first `{`, refuses it, and so does the loader.
    pub after_json_stream: bool,
}

impl Document<'_> {
    /// The input's line and column (both counted from 1) of a line and column of the text
    /// (both counted from 1, as the YAML parser counts them).
    pub fn input_position(&self, line: usize, column: usize) -> (usize, usize) {
        let column = if line == 1 {
            column + self.first_column
        } else {
            column
        };
        (line + self.first_line, column)
    }

    /// The input's line and column (both counted from 1) of byte `offset` of the text.
    pub fn input_position_of(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        self.input_position(line, before[line_start..].chars().count() + 1)
    }
}

/// Splits `text` into documents.
///
/// A line starting with `---` followed by whitespace or the end of the line starts a new
/// (explicit) document; text after the marker belongs to that document. A line `...` ends the
/// current document; what follows it up to the next `---` is an implicit document. Explicit
/// documents are always counted, even when empty, so the numbers match the `---` markers a
/// user sees; implicit documents (the text before the first marker, or after a `...`) are
/// counted only when they have content, so a file that opens with `---` starts with document 1.
///
/// A byte-order mark may start any document, as YAML allows and as files joined with `cat`
/// have them: at the start of the input, before a marker, or on the first line of a
/// document's content. It is dropped there (elsewhere it is text, as for the parser).
///
/// A document that is a stream of JSON objects (`{…} {…}`, as several `kubectl get -o json`
/// print them) becomes one document per object; see [`json_objects`].
pub(crate) fn split(text: &str) -> Vec<Document<'_>> {
    const BOM: char = '\u{feff}';
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut documents = Vec::new();
    let mut current = Piece::default();
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let line_start = offset;
        offset += line.len();
        let (line, start) = match line.strip_prefix(BOM) {
            Some(rest) if !current.has_content || is_marker(bare(rest), "---") => {
                (rest, line_start + BOM.len_utf8())
            }
            _ => (line, line_start),
        };
        let bare = bare(line);
        if is_marker(bare, "---") {
            current.finish(text, &mut documents);
            let rest = line.get(3..).unwrap_or_default();
            // Nothing but blanks or a comment after the marker: the text starts at the line
            // break, so that a tab there (`---\t`, which YAML and kubectl's splitter allow) does
            // not reach the parser, to which it is "a character that cannot start any token".
            let skipped = if has_content(rest) {
                3
            } else {
                line.trim_end_matches(['\n', '\r']).len()
            };
            current = Piece {
                start: start + skipped,
                end: offset,
                first_line: index,
                first_column: line[..skipped].chars().count(),
                explicit: true,
                has_content: has_content(rest),
                owned: None,
            };
        } else if is_marker(bare, "...") {
            current.finish(text, &mut documents);
            current = Piece {
                start: offset,
                end: offset,
                first_line: index + 1,
                ..Piece::default()
            };
        } else {
            if current.is_empty() {
                current.start = start;
                current.first_line = index;
            } else if start != current.end && current.owned.is_none() {
                // A byte-order mark dropped inside the document's text: the one case that
                // needs a copy.
                current.owned = Some(text[current.start..current.end].to_owned());
            }
            if let Some(owned) = &mut current.owned {
                owned.push_str(line);
            }
            current.end = offset;
            current.has_content |= has_content(line);
        }
    }
    current.finish(text, &mut documents);
    let mut documents: Vec<Document<'_>> = documents.into_iter().flat_map(json_objects).collect();
    for (index, document) in documents.iter_mut().enumerate() {
        document.number = index + 1;
    }
    documents
}

/// The document [`split`] is reading: a range of the input, copied only when a byte-order
/// mark must be dropped inside it.
#[derive(Default)]
struct Piece {
    start: usize,
    end: usize,
    first_line: usize,
    first_column: usize,
    explicit: bool,
    has_content: bool,
    owned: Option<String>,
}

impl Piece {
    fn is_empty(&self) -> bool {
        self.start == self.end && self.owned.is_none()
    }

    /// Ends the piece: a document when it is explicit or has content.
    fn finish<'t>(&mut self, text: &'t str, documents: &mut Vec<Document<'t>>) {
        let piece = std::mem::take(self);
        if piece.explicit || piece.has_content {
            documents.push(Document {
                number: 0,
                first_line: piece.first_line,
                first_column: piece.first_column,
                text: match piece.owned {
                    Some(owned) => Cow::Owned(owned),
                    None => Cow::Borrowed(&text[piece.start..piece.end]),
                },
                after_json_stream: false,
            });
        }
    }
}

/// A line without its line break.
fn bare(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

/// The objects of a document that is a stream of JSON objects, each a document of its own
/// placed where it is in the input (its first line, and spaces before it up to its column);
/// the document itself when it holds one object, or is not such a stream.
///
/// A stream is a `{…}` followed, after only whitespace, by another `{`: what kubectl's decoder
/// reads as several objects (`kubectl get -o json` run twice into one file, or objects printed
/// one after the other). Anything else after the objects (YAML after a JSON object, say) is a
/// piece of its own, marked [`Document::after_json_stream`], which kubectl's decoder, reading
/// JSON from the first `{`, refuses (a comment, then, is an empty document).
fn json_objects(document: Document<'_>) -> Vec<Document<'_>> {
    let text = &*document.text;
    let starts = json_object_starts(text);
    if starts.len() < 2 {
        return vec![document];
    }
    let mut out = Vec::with_capacity(starts.len());
    // The line and column of `counted`, counted as the objects go by, each byte once.
    let (mut line, mut column, mut counted) = (0, document.first_column, 0);
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let between = &text[counted..start];
        match between.rfind('\n') {
            Some(last) => {
                line += between.matches('\n').count();
                column = between[last + 1..].chars().count();
            }
            None => column += between.chars().count(),
        }
        counted = start;
        out.push(Document {
            number: 0,
            first_line: document.first_line + line,
            first_column: column,
            text: match &document.text {
                Cow::Borrowed(text) => Cow::Borrowed(&text[start..end]),
                Cow::Owned(text) => Cow::Owned(text[start..end].to_owned()),
            },
            after_json_stream: !text[start..].starts_with('{'),
        });
    }
    out
}

/// The byte offsets where the objects of a stream of JSON (or flow YAML) objects start, when
/// `text` starts with one, and where anything else after them starts; fewer than two when it is
/// one object alone (or does not start with one).
///
/// Strings are skipped (double-quoted with escapes, or single-quoted as flow YAML has them)
/// and comments too, so that a brace inside them is text.
fn json_object_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first.filter(|&at| bytes[at] == b'{') else {
        return Vec::new();
    };
    let mut starts = vec![first];
    let mut depth = 0usize;
    let mut at = first;
    // The last byte that was not whitespace, to tell a quote that starts a string.
    let mut previous = b'{';
    while at < bytes.len() {
        let byte = bytes[at];
        match byte {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let blanks = bytes[at + 1..]
                        .iter()
                        .take_while(|b| b.is_ascii_whitespace())
                        .count();
                    let next = at + 1 + blanks;
                    if bytes.get(next) != Some(&b'{') || byte != b'}' {
                        if next < bytes.len() && byte == b'}' {
                            // Something else after the objects: a piece of its own, so that its
                            // error is placed there and does not fall on the object before it.
                            starts.push(next);
                        }
                        break;
                    }
                    starts.push(next);
                    at = next;
                    previous = b'}';
                    continue;
                }
            }
            b'"' | b'\'' if matches!(previous, b'{' | b'[' | b',' | b':') => {
                at = quoted_end(bytes, at, byte);
                previous = byte;
                continue;
            }
            b'#' if at > 0 && bytes[at - 1].is_ascii_whitespace() => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
                continue;
            }
            _ => {}
        }
        if !byte.is_ascii_whitespace() {
            previous = byte;
        }
        at += 1;
    }
    // An unfinished last object stays a document of its own, for the parser to report.
    starts
}

/// One past the closing quote of the quoted scalar (or JSON string) opened by the quote at
/// `start`: `\` escapes in double quotes, `''` in single ones.
pub(crate) fn quoted_end(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if quote == b'"' => at += 2,
            b'\'' if quote == b'\'' && bytes.get(at + 1) == Some(&b'\'') => at += 2,
            byte if byte == quote => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Whether `line` is the document marker `marker` (`---` or `...`) at column 0.
fn is_marker(line: &str, marker: &str) -> bool {
    match line.strip_prefix(marker) {
        Some(rest) => rest.is_empty() || rest.starts_with([' ', '\t']),
        None => false,
    }
}

/// A line's content: whether the line holds anything but blanks and a comment.
fn has_content(line: &str) -> bool {
    let trimmed = line.trim();
    !(trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('%'))
}

/// The 0-based index of the first line of `text` that holds content (not blank, not a comment,
/// not a `%` directive).
pub(crate) fn first_content_line(text: &str) -> Option<usize> {
    text.lines().position(has_content)
}

/// A position found by [`locate`], 0-based within the document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    /// The line.
    pub line: usize,
    /// The column of the value when it is written on the same line, else of the key or `-`.
    pub column: usize,
    /// How many segments of the path were found: all of them, or fewer when only a parent was
    /// (the position is then the deepest one found).
    pub depth: usize,
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A sequence index.
    Index(usize),
}

/// Splits a field path such as `items[2].spec.ports[1].port` into segments. A bracket that
/// holds no number holds a mapping key that may contain dots (`metadata.labels[app.kubernetes.io/name]`).
pub(crate) fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            let Some(close) = inner.find(']') else { break };
            let inside = &inner[..close];
            match inside.parse() {
                Ok(index) => out.push(Segment::Index(index)),
                Err(_) => out.push(Segment::Key(inside)),
            }
            rest = &inner[close + 1..];
        } else {
            let rest_trimmed = rest.strip_prefix('.').unwrap_or(rest);
            let end = rest_trimmed.find(['.', '[']).unwrap_or(rest_trimmed.len());
            if end > 0 {
                out.push(Segment::Key(&rest_trimmed[..end]));
            }
            rest = &rest_trimmed[end..];
            if end == 0 && !rest.starts_with('[') {
                rest = rest.get(1..).unwrap_or_default();
            }
        }
    }
    out
}

/// A region of a document's lines: the value of some node, or the whole document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scope {
    /// The first line of the region.
    pub(crate) first: usize,
    /// Where the region starts on its first line (after `- ` for a sequence entry).
    first_column: usize,
    /// One past the last line.
    end: usize,
}

impl Scope {
    /// All of `lines`.
    pub fn whole(lines: &[&str]) -> Self {
        Scope {
            first: 0,
            first_column: 0,
            end: lines.len(),
        }
    }
}

/// A document's text cut into lines, as [`locate`] and [`entries`] read it. Cut once per
/// document, so that locating many errors costs no more than walking their own objects.
pub(crate) fn lines(text: &str) -> Vec<&str> {
    text.split('\n').collect()
}

/// A content line inside a scope: its indentation and the text from there on.
fn content<'t>(lines: &[&'t str], scope: Scope, index: usize) -> Option<(usize, &'t str)> {
    let line = *lines.get(index)?;
    let start = if index == scope.first {
        scope.first_column
    } else {
        0
    };
    let from = line.get(start..)?;
    let rest = from.trim_start_matches(' ');
    let indent = start + (from.len() - rest.len());
    let rest = rest.strip_suffix('\r').unwrap_or(rest);
    if rest.trim().is_empty() || rest.starts_with('#') {
        None
    } else {
        Some((indent, rest))
    }
}

/// Whether `rest` starts a sequence entry (`-` followed by a space or the end of the line).
fn is_entry(rest: &str) -> bool {
    match rest.strip_prefix('-') {
        Some(after) => after.is_empty() || after.starts_with([' ', '\t']),
        None => false,
    }
}

/// If `rest` starts with the key `key` followed by `:`, the text after the colon.
pub(crate) fn after_key<'t>(rest: &'t str, key: &str) -> Option<&'t str> {
    let after = if let Some(quoted) = rest.strip_prefix('"') {
        quoted.strip_prefix(key)?.strip_prefix('"')?
    } else if let Some(quoted) = rest.strip_prefix('\'') {
        quoted.strip_prefix(key)?.strip_prefix('\'')?
    } else {
        rest.strip_prefix(key)?
    };
    let after = after.trim_start_matches(' ').strip_prefix(':')?;
    (after.is_empty() || after.starts_with([' ', '\t'])).then_some(after)
}

/// Finds the line of `path` (see [`segments`]) within `scope` of the block-YAML `lines`.
///
/// Returns `None` when not even the first segment is found.
/// Where the walk meets flow syntax (a JSON document, `ports: [{port: 80}]`), the rest of the
/// path is found by [`flow::locate`] inside the `{…}` or `[…]` when `flow`
/// is set (each such walk reads the collection from its start: the caller bounds how many).
pub(crate) fn locate(
    lines: &[&str],
    scope: Scope,
    path: &[Segment<'_>],
    flow: bool,
) -> Option<Found> {
    let mut scope = scope;
    let mut found: Option<Found> = None;
    for (depth, segment) in path.iter().enumerate() {
        let step = match segment {
            Segment::Key(key) => find_key(lines, scope, key),
            Segment::Index(index) => all_entries(lines, scope).into_iter().nth(*index),
        };
        match step {
            Some((position, inner)) => {
                found = Some(Found {
                    depth: depth + 1,
                    ..position
                });
                scope = inner;
            }
            None if !flow => return found,
            None => {
                // The value found so far (or the scope itself) may be a flow collection.
                let (line, column) = match found {
                    Some(found) => (found.line, found.column),
                    None => (scope.first, scope.first_column),
                };
                let inside = flow::locate(lines, line, column, &path[depth..]);
                return match inside {
                    Some(inside) => Some(Found {
                        line: inside.line,
                        column: inside.column,
                        depth: depth + inside.depth,
                    }),
                    None => found,
                };
            }
        }
    }
    found
}

/// Every entry of the block sequence at `path`, with the region each entry covers: one walk
/// for all the items of a List, however many there are.
pub(crate) fn entries(lines: &[&str], path: &[Segment<'_>]) -> Vec<(Found, Scope)> {
    let mut scope = Scope::whole(lines);
    for segment in path {
        let step = match segment {
            Segment::Key(key) => find_key(lines, scope, key),
            Segment::Index(index) => all_entries(lines, scope).into_iter().nth(*index),
        };
        match step {
            Some((_, inner)) => scope = inner,
            None => return Vec::new(),
        }
    }
    all_entries(lines, scope)
}

/// The end of the region that belongs to a node at `line` whose own indentation is `indent`:
/// the next content line less indented, or as indented and not a sequence entry (a sequence
/// may sit at its key's indentation) — or any line at most as indented when `entries_end` is
/// set (the node is itself a sequence entry).
fn region_end(lines: &[&str], scope: Scope, line: usize, indent: usize, entry: bool) -> usize {
    ((line + 1)..scope.end)
        .find(|&i| match content(lines, scope, i) {
            Some((other, rest)) => {
                other < indent || (other == indent && (entry || !is_entry(rest)))
            }
            None => false,
        })
        .unwrap_or(scope.end)
}

fn find_key(lines: &[&str], scope: Scope, key: &str) -> Option<(Found, Scope)> {
    let (map_indent, first_rest) =
        (scope.first..scope.end).find_map(|i| content(lines, scope, i))?;
    if is_entry(first_rest) {
        return None;
    }
    for i in scope.first..scope.end {
        let Some((indent, rest)) = content(lines, scope, i) else {
            continue;
        };
        if indent < map_indent {
            break;
        }
        if indent != map_indent {
            continue;
        }
        let Some(after) = after_key(rest, key) else {
            continue;
        };
        let value = after.trim_start();
        let column = if value.is_empty() || value.starts_with('#') {
            indent
        } else {
            indent + (rest.len() - value.len())
        };
        let end = region_end(lines, scope, i, indent, false);
        let inner = Scope {
            first: i + 1,
            first_column: 0,
            end,
        };
        let found = Found {
            line: i,
            column,
            depth: 0,
        };
        return Some((found, inner));
    }
    None
}

/// The entries of the block sequence that fills `scope`, if it is one.
fn all_entries(lines: &[&str], scope: Scope) -> Vec<(Found, Scope)> {
    let Some((seq_indent, first_rest)) =
        (scope.first..scope.end).find_map(|i| content(lines, scope, i))
    else {
        return Vec::new();
    };
    if !is_entry(first_rest) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for i in scope.first..scope.end {
        let Some((indent, rest)) = content(lines, scope, i) else {
            continue;
        };
        if indent < seq_indent {
            break;
        }
        if indent != seq_indent || !is_entry(rest) {
            continue;
        }
        let end = region_end(lines, scope, i, indent, true);
        let inner = Scope {
            first: i,
            first_column: indent + 1,
            end,
        };
        let found = Found {
            line: i,
            column: indent,
            depth: 0,
        };
        out.push((found, inner));
    }
    out
}

/// Best-effort regions of the entries of a JSON document's top-level `items` array, as
/// `kubectl get -o json` prints it: one `{` per item, all at the same indentation. Each region
/// starts at its item's `{` (0-based line, and column) and ends where the next item starts, so
/// that [`locate`] finds a field inside it with [`flow::locate`].
pub(crate) fn json_items(text: &str) -> Vec<Scope> {
    let lines = json_item_lines(text);
    let count = text.lines().count();
    lines
        .iter()
        .enumerate()
        .map(|(i, &(first, first_column))| Scope {
            first,
            first_column,
            end: lines.get(i + 1).map_or(count, |next| next.0),
        })
        .collect()
}

/// The 0-based line and column of each item's `{` (see [`json_items`]).
fn json_item_lines(text: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(items_line) = lines
        .iter()
        .position(|line| line.trim_start().starts_with("\"items\"") && line.contains('['))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut item_indent = None;
    for (i, line) in lines.iter().enumerate().skip(items_line + 1) {
        let rest = line.trim_start();
        if rest.is_empty() {
            continue;
        }
        let indent = line.len() - rest.len();
        match item_indent {
            None if rest.starts_with('{') => item_indent = Some(indent),
            None => return Vec::new(),
            Some(expected) if indent < expected => break,
            Some(_) => {}
        }
        if Some(indent) == item_indent && rest.starts_with('{') {
            out.push((i, indent));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (number, first line, empty) of each document.
    type Summary = Vec<(usize, usize, bool)>;

    fn numbers_and_lines(text: &str) -> Summary {
        split(text)
            .iter()
            .map(|d| {
                (
                    d.number,
                    d.first_line,
                    first_content_line(&d.text).is_none(),
                )
            })
            .collect()
    }

    #[test]
    fn split_counts_explicit_documents_and_skips_an_empty_implicit_one() {
        let cases: &[(&str, &str, Summary)] = &[
            ("a single implicit document", "a: 1\n", vec![(1, 0, false)]),
            (
                "a leading --- does not create an empty document 1",
                "# comment\n---\na: 1\n---\nb: 2\n",
                vec![(1, 1, false), (2, 3, false)],
            ),
            (
                "empty explicit documents are counted",
                "a: 1\n---\n---\nb: 2\n",
                vec![(1, 0, false), (2, 1, true), (3, 2, false)],
            ),
            (
                "content after --- belongs to the document",
                "--- {a: 1}\n--- # c\n",
                vec![(1, 0, false), (2, 1, true)],
            ),
            (
                "blanks after --- are not the document's, a tab among them (kubectl's splitter \
                 trims them)",
                "---\t\na: 1\n--- \t # c\nb: 2\n",
                vec![(1, 0, false), (2, 2, false)],
            ),
            (
                "... ends a document; the implicit rest counts when it has content",
                "a: 1\n...\nb: 2\n...\n# only a comment\n",
                vec![(1, 0, false), (2, 2, false)],
            ),
            (
                "---x is not a marker, nor is an indented ---",
                "a: |\n  ---\n---x: 1\n",
                vec![(1, 0, false)],
            ),
            (
                "CRLF line ends",
                "a: 1\r\n---\r\nb: 2\r\n",
                vec![(1, 0, false), (2, 1, false)],
            ),
        ];
        for (rule, text, expected) in cases {
            assert_eq!(&numbers_and_lines(text), expected, "{rule}");
        }
    }

    #[test]
    fn a_byte_order_mark_may_start_any_document() {
        let cases: &[(&str, &str, Summary)] = &[
            ("at the start", "\u{feff}a: 1\n", vec![(1, 0, false)]),
            (
                "on the first line after a marker",
                "a: 1\n---\n\u{feff}b: 2\n",
                vec![(1, 0, false), (2, 1, false)],
            ),
            (
                "before a marker (files joined with cat)",
                "a: 1\n\u{feff}---\nb: 2\n",
                vec![(1, 0, false), (2, 1, false)],
            ),
            (
                "after comments, still the document's start",
                "a: 1\n...\n# c\n\u{feff}b: 2\n",
                vec![(1, 0, false), (2, 2, false)],
            ),
        ];
        for (rule, text, expected) in cases {
            assert_eq!(&numbers_and_lines(text), expected, "{rule}");
            assert!(
                split(text).iter().all(|d| !d.text.contains('\u{feff}')),
                "{rule}: the mark is dropped"
            );
        }
        // Inside a document's content it is text, as for the parser.
        assert!(split("a: 1\n\u{feff}b: 2\n")[0].text.contains('\u{feff}'));
    }

    #[test]
    fn a_stream_of_json_objects_is_one_document_per_object() {
        let text = "{\"a\": \"}{\"}\n{\"b\": [1, {}]}  {\"c\": 'x''}'}\n---\n{\"d\": 1}\n";
        let documents = split(text);
        let summary: Vec<(usize, usize, usize, &str)> = documents
            .iter()
            .map(|d| (d.number, d.first_line, d.first_column, d.text.trim()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (1, 0, 0, "{\"a\": \"}{\"}"),
                (2, 1, 0, "{\"b\": [1, {}]}"),
                (3, 1, 16, "{\"c\": 'x''}'}"),
                // After its marker: the text's first line starts at column 3.
                (4, 2, 3, "{\"d\": 1}"),
            ]
        );
        assert_eq!(documents[2].input_position_of(1), (2, 18));
        // Not a stream: one object (a comment after it is its own, empty, piece).
        for single in ["{\"a\": 1}\n", "{a: 1\n"] {
            assert_eq!(split(single).len(), 1, "{single:?}");
        }
        let commented = split("{a: 1} # c\n");
        assert!(commented.len() == 2 && first_content_line(&commented[1].text).is_none());
        // An object followed by something else: the rest is a piece of its own, refused.
        let rest = split("{a: 1}\nb: 2\n");
        assert!(rest.len() == 2 && rest[1].after_json_stream, "{rest:?}");
        // An unfinished last object is a document of its own.
        assert_eq!(split("{a: 1} {b: 2\n").len(), 2);
        // So is what follows the objects of a stream, placed where it is: an error there is
        // not the last object's.
        let tail = split("{a: 1}\n{b: 2}\nc: 3\n");
        let places: Vec<(usize, usize, &str)> = tail
            .iter()
            .map(|d| (d.first_line, d.first_column, d.text.trim()))
            .collect();
        assert_eq!(places, [(0, 0, "{a: 1}"), (1, 0, "{b: 2}"), (2, 0, "c: 3")]);
    }

    #[test]
    fn split_keeps_columns_after_a_marker() {
        let documents = split("--- {a: 1}\n");
        assert_eq!(documents[0].text, " {a: 1}\n");
        // `{` is at column 5 of the input.
        assert_eq!(documents[0].input_position(1, 2), (1, 5));
        assert_eq!(documents[0].input_position_of(1), (1, 5));
    }

    #[test]
    fn split_copies_no_document_but_one_whose_byte_order_mark_it_drops() {
        let text = "a: 1\n---\nb: 2\n--- {c: 3}\n{\"d\": 4} {\"e\": 5}\n";
        assert!(
            split(text)
                .iter()
                .all(|d| matches!(d.text, Cow::Borrowed(_))),
            "slices of the input"
        );
        let marked = split("---\n\u{feff}b: 2\n");
        assert!(matches!(marked[0].text, Cow::Owned(_)));
        assert_eq!(marked[0].text, "\nb: 2\n");
    }

    const SERVICE: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: web   # comment
  labels:
    app: web
spec:
  ports:
  - name: http
    port: 80
  -   name: dns
      port: 53
      protocol: UDP
  selector:
    app: web
status: {}
";

    /// (line, column, whole path found).
    type Position = Option<(usize, usize, bool)>;

    #[test]
    fn locate_follows_keys_and_entries_by_indentation() {
        let cases: &[(&str, &str, Position)] = &[
            ("top-level key", "kind", Some((1, 6, true))),
            (
                "nested key, value column",
                "metadata.name",
                Some((3, 8, true)),
            ),
            (
                "key with a block value",
                "metadata.labels",
                Some((4, 2, true)),
            ),
            ("sequence entry", "spec.ports[1]", Some((10, 2, true))),
            (
                "first key of an entry",
                "spec.ports[0].name",
                Some((8, 10, true)),
            ),
            (
                "later key of an entry",
                "spec.ports[0].port",
                Some((9, 10, true)),
            ),
            (
                "wide entry indentation",
                "spec.ports[1].protocol",
                Some((12, 16, true)),
            ),
            (
                "a key after a sequence",
                "spec.selector.app",
                Some((14, 9, true)),
            ),
            (
                "missing key: deepest found",
                "spec.ports[1].targetPort",
                Some((10, 2, false)),
            ),
            (
                "missing entry: deepest found",
                "spec.ports[5].port",
                Some((7, 2, false)),
            ),
            (
                "keys of another mapping are not matched",
                "spec.app",
                Some((6, 0, false)),
            ),
            ("nothing found", "data", None),
        ];
        for (rule, path, expected) in cases {
            let segments = segments(path);
            let lines = lines(SERVICE);
            let found = locate(&lines, Scope::whole(&lines), &segments, true)
                .map(|f| (f.line, f.column, f.depth == segments.len()));
            assert_eq!(&found, expected, "{rule}: {path}");
        }
    }

    #[test]
    fn locate_finds_list_items_and_ignores_nested_api_versions() {
        let list = "\
apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata:
    managedFields:
    - apiVersion: v1
      manager: kubectl
- apiVersion: v1
  kind: Pod
kind: List
";
        let lines = lines(list);
        let line = |path: &str| {
            locate(&lines, Scope::whole(&lines), &segments(path), true).map(|f| f.line)
        };
        assert_eq!(line("items[0]"), Some(2));
        assert_eq!(line("items[1]"), Some(8));
        assert_eq!(line("items[1].kind"), Some(9));
        assert_eq!(line("kind"), Some(10));
        let starts: Vec<usize> = entries(&lines, &segments("items"))
            .iter()
            .map(|(found, _)| found.line)
            .collect();
        assert_eq!(starts, vec![2, 8]);
        let (_, second) = entries(&lines, &segments("items"))[1];
        assert_eq!(
            locate(&lines, second, &segments("kind"), true).map(|f| f.line),
            Some(9),
            "a walk inside one entry"
        );
    }

    #[test]
    fn locate_goes_on_inside_flow_syntax() {
        let json = lines("{\"kind\": \"Service\"}\n");
        assert_eq!(
            locate(&json, Scope::whole(&json), &segments("kind"), true),
            Some(Found {
                line: 0,
                column: 9,
                depth: 1
            })
        );
        let flow = lines("spec:\n  ports: [{port: 80},\n    {port: 99999}]\n");
        assert_eq!(
            locate(
                &flow,
                Scope::whole(&flow),
                &segments("spec.ports[1].port"),
                true
            ),
            Some(Found {
                line: 2,
                column: 11,
                depth: 4
            })
        );
    }

    #[test]
    fn json_item_lines_finds_kubectl_items() {
        let json = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"kind\": \"Service\",\n            \"metadata\": {\n                \"managedFields\": [\n                    {\n                    }\n                ]\n            }\n        },\n        {\n            \"kind\": \"Pod\"\n        }\n    ],\n    \"kind\": \"List\"\n}\n";
        assert_eq!(json_item_lines(json), vec![(3, 8), (12, 8)]);
        let scopes = json_items(json);
        assert_eq!((scopes[0].first, scopes[0].end), (3, 12));
        assert_eq!((scopes[1].first, scopes[1].end), (12, 18));
    }

    #[test]
    fn segments_keep_bracketed_keys_whole() {
        assert_eq!(
            segments("metadata.labels[app.kubernetes.io/name]"),
            vec![
                Segment::Key("metadata"),
                Segment::Key("labels"),
                Segment::Key("app.kubernetes.io/name"),
            ]
        );
        assert_eq!(segments("a..b"), vec![Segment::Key("a"), Segment::Key("b")]);
        assert_eq!(segments("a[x"), vec![Segment::Key("a")]);
    }

    #[test]
    fn segments_parse_paths() {
        assert_eq!(
            segments("items[2].spec.ports[1].port"),
            vec![
                Segment::Key("items"),
                Segment::Index(2),
                Segment::Key("spec"),
                Segment::Key("ports"),
                Segment::Index(1),
                Segment::Key("port"),
            ]
        );
    }
}
