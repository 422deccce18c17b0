//! The fast reader: the plain block YAML that `kubectl get -o yaml`, generators and most
//! hand-written manifests are made of, read without libyaml, as the same serde calls.
//!
//! # Why
//!
//! Parsing with serde_yaml (libyaml's scanner and parser, then an event list, then serde)
//! costs about 39 ms per MB of manifests: more than the whole of the plain typed
//! deserialisation that issue 13's load target measures against, so no loader on top of it
//! can be within 1.3× of that baseline. Most manifests use a small part of YAML: block
//! mappings and sequences by indentation, one-line plain and quoted scalars, literal block
//! scalars (kubectl's `last-applied-configuration`), one-line flow collections
//! (`{app: web}`, `ports: [{port: 80}]`) and comments. This module reads exactly
//! that part, in one pass over the lines, into a list of events, and hands them to serde as
//! serde_yaml's deserializer would.
//!
//! # The rule
//!
//! For every document it reads, the visitors see the same calls with the same values as
//! through `serde_yaml::Deserializer` (which [`super::single`] falls back to): a plain
//! scalar resolves to null, a boolean, an integer or a string as serde_yaml resolves it, and
//! a quoted one is always a string. Whatever it is not sure of, it does not read: it gives
//! up, and the document goes to serde_yaml as before. It gives up on
//!
//! - any character libyaml does not read as printable, or reads as a line break other than
//!   a line feed: tabs, carriage returns, C1 controls (`U+0085` among them), `U+2028`,
//!   `U+2029`, a byte-order mark,
//! - folded block scalars (`>`), and literal ones (`|`, `|-`) with blank lines, `|+`, an
//!   indentation indicator, or at the end of the document,
//! - anchors, aliases, tags, directives, complex keys (`?`), flow
//!   collections over more than one line or with empty entries, trailing commas or
//!   single-pair mappings (`[a: b]`), and `---` or `...` inside the document,
//! - a scalar over more than one line, an escape in a quoted one (`\` or `''`),
//! - a plain scalar that might be a number other than a plain decimal integer (`0x1f`,
//!   `017`, `1e3`, `.5`, `+1`), or that starts with an indicator (a string that starts
//!   with a digit and has no number's syntax, `10.96.0.1` or `100m`, is read),
//! - a key longer than 1,000 bytes (libyaml's simple keys end at 1,024), and nesting as
//!   deep as the loader's depth limit or [`MAX_DEPTH`] (serde_yaml's own limit is 128): the
//!   loader's scan ([`super::scan`]) does not run on what this reader reads, so the reader
//!   stops short of everything the scan refuses (it reads no aliases at all),
//! - any indentation it cannot place, and any error at all: the visitors' errors included,
//!   since serde_yaml words them (or the detailed path does).
//!
//! `single_pass_loads_what_the_detailed_path_loads` (`load/tests.rs`) and the reader's own
//! tests compare what it reads with what serde_yaml reads, over every fixture and over
//! generated and mutated documents.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The deepest nesting read here; deeper documents go to serde_yaml, whose own limit
/// (128) and the loader's depth check then apply.
pub(super) const MAX_DEPTH: usize = 100;

/// One step of a document, as libyaml's parser gives them (without aliases and tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event<'a> {
    MapStart,
    MapEnd,
    SeqStart,
    SeqEnd,
    /// A scalar, its text as it is in the document (this reader reads no escapes).
    Scalar {
        text: &'a str,
        plain: bool,
    },
    /// A block scalar, by its place in [`Events::texts`].
    Text(usize),
}

/// Why the reader stopped: never shown (see the module docs).
#[derive(Debug)]
pub(super) struct GiveUp;

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde_yaml")
    }
}

impl std::error::Error for GiveUp {}

impl de::Error for GiveUp {
    fn custom<T: fmt::Display>(_: T) -> Self {
        GiveUp
    }
}

type Result<T> = std::result::Result<T, GiveUp>;

/// A document's events, ready for serde; `None` when the reader gives up on its text or it
/// nests `max_depth` levels deep (the loader's limit: the scan, not run on what this reader
/// reads, refuses only deeper documents).
pub(super) fn events(text: &str, max_depth: usize) -> Option<Events<'_>> {
    if !printable(text) {
        return None;
    }
    let mut parser = Parser {
        lines: text.split('\n'),
        current: None,
        events: Vec::with_capacity(text.len() / 12),
        texts: Vec::new(),
        depth: 0,
        max_depth: max_depth.min(MAX_DEPTH),
    };
    parser.document().ok()?;
    Some(Events {
        events: parser.events,
        texts: parser.texts,
        pos: 0,
    })
}

/// Whether every character of `text` is one libyaml reads as printable and not as a line
/// break, line feeds apart: no tab, no carriage return, no C1 control, no `U+2028`/`U+2029`
/// (libyaml's other line breaks), no byte-order mark.
fn printable(text: &str) -> bool {
    if text.is_ascii() {
        return text
            .bytes()
            .all(|b| b == b'\n' || (b' '..=b'~').contains(&b));
    }
    text.chars().all(|c| {
        c == '\n'
            || (' '..='~').contains(&c)
            || (c >= '\u{a0}'
                && !matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ))
    })
}

/// A line's content: where it starts and what follows.
#[derive(Clone, Copy)]
struct Line<'a> {
    /// The column of the first character of `text`.
    column: usize,
    /// The text from `column` on, never empty and never a comment.
    text: &'a str,
}

struct Parser<'a, I> {
    lines: I,
    /// The next line with content, read ahead.
    current: Option<Line<'a>>,
    events: Vec<Event<'a>>,
    /// The values of block scalars, which are not in the text as they are.
    texts: Vec<String>,
    depth: usize,
    /// The depth at which the reader gives up.
    max_depth: usize,
}

impl<'a, I: Iterator<Item = &'a str>> Parser<'a, I> {
    /// The next line with content, or `None` at the end. Blank and comment lines are passed.
    fn peek(&mut self) -> Result<Option<Line<'a>>> {
        if self.current.is_none() {
            for line in self.lines.by_ref() {
                self.current = content(line)?;
                if self.current.is_some() {
                    break;
                }
            }
        }
        Ok(self.current)
    }

    fn document(&mut self) -> Result<()> {
        let Some(first) = self.peek()? else {
            return Err(GiveUp); // an empty document: serde_yaml's own path
        };
        if is_entry(first.text) || key_end(first.text)?.is_some() {
            self.nested(first)?;
        } else {
            // `~` or `null` alone, or a scalar the loader refuses.
            self.current = None;
            self.inline_value(first.text)?;
        }
        match self.peek()? {
            None => Ok(()),
            Some(_) => Err(GiveUp),
        }
    }

    /// The collection that starts at `line` (the current line, or the part of it after `- `).
    /// A scalar there (on the lines after its key) is not read: it may go on over several
    /// lines.
    fn nested(&mut self, line: Line<'a>) -> Result<()> {
        if is_entry(line.text) {
            self.sequence(line.column)
        } else if key_end(line.text)?.is_some() {
            self.mapping(line.column)
        } else {
            Err(GiveUp)
        }
    }

    fn enter(&mut self, event: Event<'a>) -> Result<()> {
        self.depth += 1;
        if self.depth >= self.max_depth {
            return Err(GiveUp);
        }
        self.events.push(event);
        Ok(())
    }

    fn leave(&mut self, event: Event<'a>) {
        self.depth -= 1;
        self.events.push(event);
    }

    /// A block mapping whose keys are at `column`; the current line holds its first key.
    fn mapping(&mut self, column: usize) -> Result<()> {
        self.enter(Event::MapStart)?;
        loop {
            let line = match self.peek()? {
                Some(line) if line.column == column && !is_entry(line.text) => line,
                Some(line) if line.column < column => break,
                None => break,
                Some(_) => return Err(GiveUp),
            };
            let Some((key, rest)) = key_end(line.text)? else {
                return Err(GiveUp);
            };
            self.current = None;
            self.events.push(key);
            self.value_after_key(column, rest)?;
        }
        self.leave(Event::MapEnd);
        Ok(())
    }

    /// The value of a key at `column`, `rest` being what follows its `:` on the line.
    fn value_after_key(&mut self, column: usize, rest: &'a str) -> Result<()> {
        let rest = rest.trim_start_matches(' ');
        if let Some(header) = rest.strip_prefix('|') {
            return self.literal(column, header);
        }
        if !rest.is_empty() && !rest.starts_with('#') {
            self.inline_value(rest)?;
            return self.after_inline(column);
        }
        match self.peek()? {
            Some(next) if next.column > column => self.nested(next),
            // A sequence at the key's own column is the key's value (as kubectl writes it).
            Some(next) if next.column == column && is_entry(next.text) => self.sequence(column),
            _ => {
                self.events.push(Event::Scalar {
                    text: "",
                    plain: true,
                });
                Ok(())
            }
        }
    }

    /// A literal block scalar (`|` or `|-`, then `header`), the value of a key at `column`:
    /// its lines up to the first less indented one. Blank lines in it (whose place in the
    /// value libyaml's rules make subtle), an indentation indicator, `|+`, and a scalar that
    /// ends the document are given up on.
    fn literal(&mut self, column: usize, header: &'a str) -> Result<()> {
        let (strip, comment) = match header.strip_prefix('-') {
            Some(comment) => (true, comment),
            None => (false, header),
        };
        let comment = comment.trim_start_matches(' ');
        if !(comment.is_empty() || (comment.starts_with('#') && header.len() > comment.len())) {
            return Err(GiveUp);
        }
        let mut value = String::new();
        let mut indent = None;
        let mut ended = false;
        for line in self.lines.by_ref() {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            if spaces == line.len() {
                return Err(GiveUp); // a blank line, or the end of the text
            }
            let indent = *indent.get_or_insert(spaces);
            if spaces < indent {
                if indent <= column {
                    return Err(GiveUp); // an empty block scalar
                }
                self.current = content(line)?;
                ended = true;
                break;
            }
            if !value.is_empty() {
                value.push('\n');
            }
            value.push_str(&line[indent..]);
        }
        // The end of the document ends no block scalar here (clipping there is subtle too).
        if !ended || indent.is_none_or(|indent| indent <= column) {
            return Err(GiveUp);
        }
        if !strip {
            value.push('\n');
        }
        self.events.push(Event::Text(self.texts.len()));
        self.texts.push(value);
        Ok(())
    }

    /// After a value on its key's or entry's line, at `column`: the next line must not be
    /// deeper (that would continue a plain scalar, or be an error).
    fn after_inline(&mut self, column: usize) -> Result<()> {
        match self.peek()? {
            Some(next) if next.column > column => Err(GiveUp),
            _ => Ok(()),
        }
    }

    /// A block sequence whose `-` entries are at `column`; the current line holds the first.
    fn sequence(&mut self, column: usize) -> Result<()> {
        self.enter(Event::SeqStart)?;
        loop {
            let line = match self.peek()? {
                Some(line) if line.column == column && is_entry(line.text) => line,
                Some(line) if line.column <= column => break,
                None => break,
                Some(_) => return Err(GiveUp),
            };
            let after = &line.text[1..];
            let content = after.trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                self.current = None;
                match self.peek()? {
                    Some(next) if next.column > column => self.nested(next)?,
                    _ => self.events.push(Event::Scalar {
                        text: "",
                        plain: true,
                    }),
                }
                continue;
            }
            if is_entry(content) {
                return Err(GiveUp); // `- - x`
            }
            let inner = Line {
                column: column + 1 + (after.len() - content.len()),
                text: content,
            };
            if key_end(content)?.is_some() {
                // `- key: value`: a mapping at the column of its first key.
                self.current = Some(inner);
                self.mapping(inner.column)?;
            } else {
                self.current = None;
                self.inline_value(content)?;
                self.after_inline(column)?;
            }
        }
        self.leave(Event::SeqEnd);
        Ok(())
    }

    /// A value that ends its line: a scalar or a one-line flow collection (and a comment).
    fn inline_value(&mut self, text: &'a str) -> Result<()> {
        let (rest, plain) = match scalar(text, false)? {
            (Some(event), rest) => {
                self.events.push(event);
                (rest, matches!(event, Event::Scalar { plain: true, .. }))
            }
            (None, _) => (self.flow(text)?, false),
        };
        // A comment after the value: a plain scalar ends only at ` #`; after a quoted one or
        // a flow collection, a space must come first.
        let trimmed = rest.trim_start_matches(' ');
        if trimmed.is_empty() || (trimmed.starts_with('#') && (plain || trimmed.len() < rest.len()))
        {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// The flow collection (`{…}` or `[…]`) that starts `text`, closed on the same line; the
    /// text after it. Entries are scalars and flow collections, each mapping entry with a
    /// value; empty entries, trailing commas and single-pair mappings in a sequence
    /// (`[a: b]`) are given up on.
    fn flow(&mut self, text: &'a str) -> Result<&'a str> {
        let map = text.starts_with('{');
        let (open, close, end) = if map {
            (Event::MapStart, b'}', Event::MapEnd)
        } else {
            (Event::SeqStart, b']', Event::SeqEnd)
        };
        self.enter(open)?;
        let mut rest = text[1..].trim_start_matches(' ');
        if rest.as_bytes().first() == Some(&close) {
            self.leave(end);
            return Ok(&rest[1..]);
        }
        loop {
            if map {
                let (key, after) = scalar(rest, true)?;
                let key = key.ok_or(GiveUp)?;
                let after = after.trim_start_matches(' ');
                let value = after.strip_prefix(':').ok_or(GiveUp)?;
                // After a plain key the `:` needs a space; after a quoted one (JSON) not.
                if matches!(key, Event::Scalar { plain: true, .. }) && !value.starts_with(' ') {
                    return Err(GiveUp);
                }
                self.events.push(key);
                rest = value.trim_start_matches(' ');
            }
            rest = match scalar(rest, true)? {
                (Some(event), after) => {
                    self.events.push(event);
                    after
                }
                (None, _) => self.flow(rest)?,
            }
            .trim_start_matches(' ');
            match rest.as_bytes().first() {
                Some(b',') => {
                    rest = rest[1..].trim_start_matches(' ');
                    if matches!(rest.as_bytes().first(), Some(b',' | b']' | b'}') | None) {
                        return Err(GiveUp);
                    }
                }
                Some(&c) if c == close => {
                    self.leave(end);
                    return Ok(&rest[1..]);
                }
                _ => return Err(GiveUp),
            }
        }
    }
}

/// A line's content, or `None` for a blank line or a comment line; an error for a document
/// marker or a directive.
fn content(line: &str) -> Result<Option<Line<'_>>> {
    let text = line.trim_start_matches(' ');
    if text.is_empty() || text.starts_with('#') {
        return Ok(None);
    }
    let column = line.len() - text.len();
    if column == 0 && (text.starts_with("---") || text.starts_with("...") || text.starts_with('%'))
    {
        return Err(GiveUp);
    }
    Ok(Some(Line { column, text }))
}

/// Whether `text` (a line's content) is a sequence entry: `-` then a space or nothing.
fn is_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// The key that starts `text`, if `text` is `key:` or `key: …`, with what follows the `:`.
/// `None` when `text` is a scalar that is no key; an error when it is neither.
fn key_end(text: &str) -> Result<Option<(Event<'_>, &str)>> {
    let (key, rest) = scalar(text, false)?;
    let Some(key) = key else {
        return Ok(None); // a flow collection
    };
    let rest = rest.trim_start_matches(' ');
    let Some(after) = rest.strip_prefix(':') else {
        return Ok(None);
    };
    if !(after.is_empty() || after.starts_with(' ')) {
        return Err(GiveUp);
    }
    if text.len() - rest.len() > 1000 {
        return Err(GiveUp);
    }
    Ok(Some((key, after)))
}

/// The scalar at the start of `text`, and the text after it; `None` when a flow collection
/// starts there. A plain scalar ends at `: `, a final `:` or ` #`, and in a flow collection
/// (`flow`) also at `,`, `[`, `]`, `{`, `}` and a `:` before one of them; its trailing
/// spaces are not part of it. An empty plain scalar is given up on.
fn scalar(text: &str, flow: bool) -> Result<(Option<Event<'_>>, &str)> {
    let bytes = text.as_bytes();
    let indicator = |b: u8| matches!(b, b',' | b'[' | b']' | b'{' | b'}');
    match *bytes.first().ok_or(GiveUp)? {
        quote @ (b'\'' | b'"') => {
            let body = &text[1..];
            let end = body.find(quote as char).ok_or(GiveUp)?;
            let inner = &body[..end];
            let after = &body[end + 1..];
            if (quote == b'"' && inner.contains('\\'))
                || (quote == b'\'' && after.starts_with('\''))
            {
                return Err(GiveUp);
            }
            Ok((
                Some(Event::Scalar {
                    text: inner,
                    plain: false,
                }),
                after,
            ))
        }
        b'{' | b'[' => Ok((None, text)),
        b'-' | b'?' | b':' if bytes.len() == 1 || bytes[1] == b' ' || indicator(bytes[1]) => {
            Err(GiveUp)
        }
        b'?' | b':' | b',' | b']' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%'
        | b'@' | b'`' => Err(GiveUp),
        _ => {
            let mut end = bytes.len();
            for i in 1..bytes.len() {
                let b = bytes[i];
                let next = bytes.get(i + 1).copied();
                let ends_key = b == b':'
                    && (next.is_none()
                        || next == Some(b' ')
                        || (flow && next.is_some_and(indicator)));
                if ends_key || (b == b'#' && bytes[i - 1] == b' ') || (flow && indicator(b)) {
                    end = i;
                    break;
                }
            }
            let plain = text[..end].trim_end_matches(' ');
            if plain.is_empty() {
                return Err(GiveUp);
            }
            Ok((
                Some(Event::Scalar {
                    text: plain,
                    plain: true,
                }),
                &text[end..],
            ))
        }
    }
}

/// What a plain scalar resolves to, as serde_yaml resolves it, or `None` where this reader
/// is not sure (see the module docs).
#[derive(Debug, PartialEq)]
enum Resolved<'a> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Negative(i64),
    Str(&'a str),
}

fn resolve(text: &str) -> Option<Resolved<'_>> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Resolved::Null),
        "true" | "True" | "TRUE" => return Some(Resolved::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Resolved::Bool(false)),
        _ => {}
    }
    // serde_yaml tries integers (decimal, `0x`, `0o`, `0b`, signed), then Rust's float
    // syntax; what neither reads is a string.
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    match unsigned.as_bytes().first() {
        None | Some(b'+') => None,
        // `.5`, `.inf`, `.nan`: left; `.` (kubectl's managedFields key) and `.x`: strings.
        Some(b'.') => {
            let after = &unsigned[1..];
            let number = after.starts_with(|c: char| c.is_ascii_digit())
                || matches!(after, "inf" | "Inf" | "INF" | "nan" | "NaN" | "NAN");
            (!number).then_some(Resolved::Str(text))
        }
        Some(b'0'..=b'9') => {
            let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
                .into_iter()
                .find_map(|(prefix, radix)| Some((unsigned.strip_prefix(prefix)?, radix)));
            if let Some((digits, radix)) = radix {
                // An integer when what follows the prefix is all digits of its radix; a
                // string when a character is not one (`0b6c9a57-…`, a uid).
                let string = !digits.is_empty()
                    && !digits.starts_with(['+', '-'])
                    && !digits.chars().all(|c| c.is_digit(radix));
                string.then_some(Resolved::Str(text))
            } else if float_syntax(unsigned) {
                decimal(text) // `1.5`, `1e3` and `017` are left to serde_yaml
            } else {
                Some(Resolved::Str(text)) // `10.96.0.1`, `2024-01-01T00:00:00Z`, `100m`
            }
        }
        // No number starts otherwise: the floats that start with a letter (`inf`, `nan`,
        // `infinity`, in any case and with a `-`) are not finite, and serde_yaml reads
        // those as strings.
        Some(_) => Some(Resolved::Str(text)),
    }
}

/// Whether `text` has the syntax of a finite number as Rust reads one, without its sign:
/// digits, then maybe a `.` and digits, then maybe an exponent.
fn float_syntax(text: &str) -> bool {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let mut rest = text;
    let whole = digits(rest);
    rest = &rest[whole..];
    if let Some(after) = rest.strip_prefix('.') {
        rest = &after[digits(after)..];
    }
    if let Some(after) = rest.strip_prefix(['e', 'E']) {
        let after = after.strip_prefix(['+', '-']).unwrap_or(after);
        let exponent = digits(after);
        if exponent == 0 {
            return false;
        }
        rest = &after[exponent..];
    }
    whole > 0 && rest.is_empty()
}

/// A plain decimal integer without a sign, a leading zero or an overflow, or a negative one.
fn decimal(text: &str) -> Option<Resolved<'static>> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, text),
    };
    if digits.is_empty()
        || digits.len() > 18
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    let value: u64 = digits.parse().ok()?;
    // `-0` is negative too: serde_yaml's unsigned parse refuses any `-`.
    Some(if negative {
        Resolved::Negative(-i64::try_from(value).ok()?)
    } else {
        Resolved::Unsigned(value)
    })
}

/// A document's events, read by serde (see the module docs for the rule its methods keep).
pub(super) struct Events<'a> {
    events: Vec<Event<'a>>,
    /// The values of block scalars ([`Event::Text`]).
    texts: Vec<String>,
    pos: usize,
}

impl<'a> Events<'a> {
    fn next(&mut self) -> Result<Event<'a>> {
        let event = *self.events.get(self.pos).ok_or(GiveUp)?;
        self.pos += 1;
        Ok(event)
    }

    fn peek(&self) -> Result<Event<'a>> {
        self.events.get(self.pos).copied().ok_or(GiveUp)
    }

    /// Whether every event was read.
    pub(super) fn finished(&self) -> bool {
        self.pos == self.events.len()
    }

    fn plain(&mut self) -> Result<&'a str> {
        match self.next()? {
            Event::Scalar { text, plain: true } => Ok(text),
            _ => Err(GiveUp),
        }
    }

    fn visit_mapping<V: Visitor<'a>>(&mut self, visitor: V) -> Result<V::Value> {
        let value = visitor.visit_map(Entries { events: self })?;
        match self.next()? {
            Event::MapEnd => Ok(value),
            _ => Err(GiveUp), // the visitor left entries unread
        }
    }

    fn visit_sequence<V: Visitor<'a>>(&mut self, visitor: V) -> Result<V::Value> {
        let value = visitor.visit_seq(Entries { events: self })?;
        match self.next()? {
            Event::SeqEnd => Ok(value),
            _ => Err(GiveUp),
        }
    }

    /// `{}`/`[]` for an empty plain scalar, as serde_yaml reads a mapping or a sequence.
    fn empty_or<V: Visitor<'a>>(
        &mut self,
        visitor: V,
        start: Event<'a>,
        map: bool,
    ) -> Result<V::Value> {
        match self.next()? {
            event if event == start && map => self.visit_mapping(visitor),
            event if event == start => self.visit_sequence(visitor),
            Event::Scalar {
                text: "",
                plain: true,
            } => {
                let mut empty = Events {
                    events: Vec::new(),
                    texts: Vec::new(),
                    pos: 0,
                };
                if map {
                    visitor.visit_map(Entries { events: &mut empty })
                } else {
                    visitor.visit_seq(Entries { events: &mut empty })
                }
            }
            _ => Err(GiveUp),
        }
    }
}

/// The entries of a mapping or a sequence: up to its end event, which the caller reads.
struct Entries<'e, 'a> {
    events: &'e mut Events<'a>,
}

impl<'a> Entries<'_, 'a> {
    fn at_end(&self) -> bool {
        matches!(
            self.events.peek(),
            Ok(Event::MapEnd | Event::SeqEnd) | Err(_)
        )
    }
}

impl<'a> MapAccess<'a> for Entries<'_, 'a> {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.at_end() {
            return Ok(None);
        }
        seed.deserialize(&mut *self.events).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<T::Value> {
        seed.deserialize(&mut *self.events)
    }
}

impl<'a> SeqAccess<'a> for Entries<'_, 'a> {
    type Error = GiveUp;

    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.at_end() {
            return Ok(None);
        }
        seed.deserialize(&mut *self.events).map(Some)
    }
}

macro_rules! give_up {
    ($($method:ident($($arg:ident: $type:ty),*)),* $(,)?) => {
        $(
            fn $method<V: Visitor<'a>>(self, $(_: $type,)* _: V) -> Result<V::Value> {
                Err(GiveUp)
            }
        )*
    };
}

impl<'a> Deserializer<'a> for &mut Events<'a> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::MapStart => self.visit_mapping(visitor),
            Event::SeqStart => self.visit_sequence(visitor),
            Event::Scalar { text, plain: false } => visitor.visit_borrowed_str(text),
            // serde_yaml borrows no block scalar's value.
            Event::Text(index) => visitor.visit_str(&self.texts[index]),
            Event::Scalar { text, plain: true } => match resolve(text).ok_or(GiveUp)? {
                Resolved::Null => visitor.visit_unit(),
                Resolved::Bool(b) => visitor.visit_bool(b),
                Resolved::Unsigned(n) => visitor.visit_u64(n),
                Resolved::Negative(n) => visitor.visit_i64(n),
                Resolved::Str(s) => visitor.visit_borrowed_str(s),
            },
            Event::MapEnd | Event::SeqEnd => Err(GiveUp),
        }
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match resolve(self.plain()?) {
            Some(Resolved::Bool(b)) => visitor.visit_bool(b),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_i8<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i16<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match decimal(self.plain()?) {
            Some(Resolved::Unsigned(n)) => visitor.visit_i64(i64::try_from(n).map_err(|_| GiveUp)?),
            Some(Resolved::Negative(n)) => visitor.visit_i64(n),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_u8<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match decimal(self.plain()?) {
            Some(Resolved::Unsigned(n)) => visitor.visit_u64(n),
            _ => Err(GiveUp),
        }
    }

    give_up! {
        deserialize_i128(), deserialize_u128(), deserialize_f32(), deserialize_f64(),
        deserialize_char(), deserialize_bytes(), deserialize_byte_buf(),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::Scalar { text, .. } => visitor.visit_borrowed_str(text),
            Event::Text(index) => visitor.visit_str(&self.texts[index]),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.peek()? {
            Event::Scalar { text, plain: true } if resolve(text) == Some(Resolved::Null) => {
                self.pos += 1;
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match resolve(self.plain()?) {
            Some(Resolved::Null) => visitor.visit_unit(),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.empty_or(visitor, Event::SeqStart, false)
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.empty_or(visitor, Event::MapStart, true)
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    /// Skips the node, as serde_yaml does ([`super::strict::Strict`] reads it instead).
    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let mut open = 0usize;
        loop {
            match self.next()? {
                Event::MapStart | Event::SeqStart => open += 1,
                Event::MapEnd | Event::SeqEnd => open -= 1,
                Event::Scalar { .. } | Event::Text(_) => {}
            }
            if open == 0 {
                return visitor.visit_unit();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule: a plain scalar resolves as serde_yaml resolves it, or is left to it.
    #[test]
    fn plain_scalars_resolve_as_serde_yaml_resolves_them() {
        let scalars = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "nULL",
            "true",
            "True",
            "TRUE",
            "tRue",
            "false",
            "yes",
            "no",
            "on",
            "y",
            "0",
            "-0",
            "7",
            "-7",
            "80",
            "017",
            "00",
            "-017",
            "0x1f",
            "0o17",
            "0b101",
            "-0x1f",
            "+1",
            "+0",
            "1_000",
            "1.5",
            "-1.5",
            "1.",
            ".5",
            "1e3",
            "1E+3",
            "1e",
            "1e+",
            "-.5",
            ".inf",
            "-.inf",
            ".nan",
            "inf",
            "-inf",
            "nan",
            "infinity",
            "Infinity",
            ".",
            ".x",
            "-.x",
            ".Inf",
            ".iNf",
            "-.NAN",
            ".1e3",
            "10.96.0.1",
            "1.2.3",
            "fd00::1",
            "2001:db8::1",
            "10.0.0.0/8",
            "2024-01-01T00:00:00Z",
            "2024-01-01",
            "100m",
            "10Gi",
            "1h30m",
            "0b3fa1c2-1234-4e5f-9abc-def012345678",
            "0b6c9a57-3e1f",
            "0x1g",
            "0o8",
            "0x",
            "0x+1",
            "-0b12",
            "0b1",
            "0xffffffffffffffffffffffffffffffffff",
            "9abc-1",
            "1-2",
            "-a",
            "--x",
            "/healthz",
            "_x",
            "$HOME",
            "a b",
            "123456789012345678",
            "1234567890123456789",
            "99999999999999999999",
            "-9223372036854775808",
            "3.14159",
            "6.02e23",
            "1e400",
        ];
        for scalar in scalars {
            let Some(resolved) = resolve(scalar) else {
                continue; // left to serde_yaml
            };
            let expected: serde_yaml::Value =
                serde_yaml::from_str(&format!("k: {scalar}\n")).expect("YAML");
            let expected = &expected["k"];
            let same = match (&resolved, expected) {
                (Resolved::Null, serde_yaml::Value::Null) => true,
                (Resolved::Bool(b), serde_yaml::Value::Bool(e)) => b == e,
                (Resolved::Unsigned(n), serde_yaml::Value::Number(e)) => e.as_u64() == Some(*n),
                // `-0` is visited as an `i64` (a `Value` keeps it as 0 either way).
                (Resolved::Negative(n), serde_yaml::Value::Number(e)) => e.as_i64() == Some(*n),
                (Resolved::Str(s), serde_yaml::Value::String(e)) => s == e,
                _ => false,
            };
            assert!(
                same,
                "{scalar:?}: read as {resolved:?}, serde_yaml reads {expected:?}"
            );
        }
        // What the reader must read itself, for manifests to go fast.
        for scalar in [
            "10.96.0.1",
            "fd00::1",
            "/healthz",
            "100m",
            "80",
            "web",
            "9b3f-1",
            "0b6c9a57-3e1f",
        ] {
            assert!(resolve(scalar).is_some(), "{scalar:?} is read");
        }
    }
}
