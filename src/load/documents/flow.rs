//! Finding a field in flow syntax: JSON (`kubectl get -o json`) and YAML's `{…}` and `[…]`.
//!
//! [`documents::locate`](super::locate) walks block YAML by indentation, which flow
//! syntax does not have: a whole JSON document is one flow mapping, and `ports: [{port: 80},
//! {port: 99999}]` one flow sequence. Where the indentation walk stops at a flow collection,
//! this scanner goes on inside it, token by token (quoted strings with their escapes, plain
//! scalars, `{`, `}`, `[`, `]`, `:` and `,`), so that an error in a JSON dump is placed on the
//! line and column of its value, as one in block YAML is. It only reads positions: the text
//! has already been parsed, so on anything it does not understand it gives up, and the error
//! keeps the position of the deepest parent found.

use super::Segment;

/// Where a path was found inside a flow collection: the position of the value of its last
/// segment found, and how many segments were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FlowFound {
    /// The line (index into the lines).
    pub line: usize,
    /// The column (a byte offset into the line).
    pub column: usize,
    /// How many segments of the path were found (at least 1).
    pub depth: usize,
}

/// Finds `path` inside the flow collection that starts at (`line`, `column`) of `lines`, after
/// any blank space: `None` when no `{` or `[` starts there, or the first segment is not in it.
pub(crate) fn locate(
    lines: &[&str],
    line: usize,
    column: usize,
    path: &[Segment<'_>],
) -> Option<FlowFound> {
    let mut scanner = Scanner {
        lines,
        line,
        column,
    };
    scanner.blank();
    if !matches!(scanner.peek(), Some('{' | '[')) || path.is_empty() {
        return None;
    }
    let mut found = None;
    for (depth, segment) in path.iter().enumerate() {
        if !scanner.enter(segment) {
            break;
        }
        found = Some(FlowFound {
            line: scanner.line,
            column: scanner.column,
            depth: depth + 1,
        });
    }
    found
}

struct Scanner<'l, 't> {
    lines: &'l [&'t str],
    line: usize,
    column: usize,
}

impl Scanner<'_, '_> {
    fn peek(&self) -> Option<char> {
        self.lines
            .get(self.line)?
            .get(self.column..)?
            .chars()
            .next()
    }

    /// One character on, across line ends.
    fn bump(&mut self) {
        let Some(text) = self.lines.get(self.line) else {
            return;
        };
        match text.get(self.column..).and_then(|rest| rest.chars().next()) {
            Some(c) => self.column += c.len_utf8(),
            None => {
                self.line += 1;
                self.column = 0;
            }
        }
    }

    fn at_end(&self) -> bool {
        self.line >= self.lines.len()
    }

    /// Skips spaces, tabs, line ends (and a `\r` before them) and `#` comments.
    fn blank(&mut self) {
        while !self.at_end() {
            match self.peek() {
                Some(' ' | '\t' | '\r') => self.bump(),
                Some('#') => {
                    self.line += 1;
                    self.column = 0;
                }
                Some(_) => return,
                None => self.bump(),
            }
        }
    }

    /// With the scanner at a `{` or `[`, moves to the value `segment` names inside it:
    /// `false` (the scanner anywhere) when it is not there.
    fn enter(&mut self, segment: &Segment<'_>) -> bool {
        match (self.peek(), segment) {
            (Some('{'), Segment::Key(key)) => self.enter_mapping(key),
            (Some('['), Segment::Index(index)) => self.enter_sequence(*index),
            _ => false,
        }
    }

    fn enter_mapping(&mut self, wanted: &str) -> bool {
        self.bump();
        loop {
            self.blank();
            match self.peek() {
                Some('}') | None => return false,
                Some(',') => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let Some(key) = self.scalar_text() else {
                return false;
            };
            self.blank();
            if self.peek() != Some(':') {
                return false;
            }
            self.bump();
            self.blank();
            if key == wanted {
                return true;
            }
            if !self.skip_value() {
                return false;
            }
        }
    }

    fn enter_sequence(&mut self, wanted: usize) -> bool {
        self.bump();
        let mut index = 0;
        loop {
            self.blank();
            match self.peek() {
                Some(']') | None => return false,
                Some(',') => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            if index == wanted {
                return true;
            }
            if !self.skip_value() {
                return false;
            }
            index += 1;
        }
    }

    /// Skips one value: a collection with everything in it, or a scalar.
    fn skip_value(&mut self) -> bool {
        match self.peek() {
            Some(open @ ('{' | '[')) => {
                let close = if open == '{' { '}' } else { ']' };
                self.bump();
                loop {
                    self.blank();
                    match self.peek() {
                        None => return false,
                        Some(c) if c == close => {
                            self.bump();
                            return true;
                        }
                        Some(',' | ':') => self.bump(),
                        Some(_) => {
                            if !self.skip_value() {
                                return false;
                            }
                        }
                    }
                }
            }
            Some('}' | ']') | None => false,
            Some(_) => self.scalar_text().is_some(),
        }
    }

    /// Reads a quoted or plain scalar, returning its text (escapes left as written: only keys
    /// are compared, and Kubernetes keys need none).
    fn scalar_text(&mut self) -> Option<String> {
        match self.peek()? {
            quote @ ('"' | '\'') => {
                self.bump();
                let mut text = String::new();
                loop {
                    let c = self.peek();
                    match c {
                        None if self.at_end() => return None,
                        None => {
                            // A quoted scalar may run over lines: the break reads as a space.
                            self.bump();
                            text.push(' ');
                        }
                        Some('\\') if quote == '"' => {
                            self.bump();
                            if let Some(escaped) = self.peek() {
                                text.push(escaped);
                                self.bump();
                            }
                        }
                        Some(c) if c == quote => {
                            self.bump();
                            // `''` inside single quotes is one quote.
                            if quote == '\'' && self.peek() == Some('\'') {
                                text.push('\'');
                                self.bump();
                                continue;
                            }
                            return Some(text);
                        }
                        Some(c) => {
                            text.push(c);
                            self.bump();
                        }
                    }
                }
            }
            _ => {
                // A plain scalar ends at a flow indicator, at `: ` (or `:` before an
                // indicator), at ` #` or at the end of the line.
                let rest = self.lines.get(self.line)?.get(self.column..)?;
                let mut end = rest.len();
                let bytes = rest.as_bytes();
                for (i, c) in rest.char_indices() {
                    let next = bytes.get(i + 1).copied();
                    let ends = match c {
                        ',' | '[' | ']' | '{' | '}' => true,
                        ':' => {
                            matches!(next, None | Some(b' ' | b'\t' | b',' | b']' | b'}' | b'\r'))
                        }
                        '#' => i > 0 && matches!(bytes[i - 1], b' ' | b'\t'),
                        _ => false,
                    };
                    if ends {
                        end = i;
                        break;
                    }
                }
                if end == 0 {
                    return None;
                }
                let text = rest[..end].trim_end().to_owned();
                self.column += end;
                Some(text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{lines, segments};
    use super::*;

    /// (what, text, path, (line, column, depth) counted from 1 as a user counts them)
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        Option<(usize, usize, usize)>,
    );

    #[test]
    fn flow_paths_are_found_at_their_values() {
        let json = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\n \"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\n \"spec\":{\"clusterIP\":\"10.96.0.300\",\"ports\":[{\"port\":80},\n  {\"name\": \"b\", \"port\": \"x\"}]}}\n";
        let cases: &[Case] = &[
            (
                "a JSON value on a later line",
                json,
                "spec.clusterIP",
                Some((3, 22, 2)),
            ),
            (
                "a JSON sequence entry's key",
                json,
                "spec.ports[1].port",
                Some((4, 25, 4)),
            ),
            (
                "a JSON sequence entry",
                json,
                "spec.ports[1]",
                Some((4, 3, 3)),
            ),
            (
                "a key that is not there: the parent",
                json,
                "spec.type",
                Some((3, 9, 1)),
            ),
            (
                "an index past the end: the parent",
                json,
                "spec.ports[5]",
                Some((3, 44, 2)),
            ),
            (
                "flow YAML with plain scalars",
                "{ports: [{port: 80}, {name: b,\n port: 99999}], sel: {app: 'it''s'}}",
                "ports[1].port",
                Some((2, 8, 3)),
            ),
            (
                "a quoted key with a colon and a brace in a value skipped",
                "{\"a\": \"x}: y\", \"b\": [1, {\"c\": 2}]}",
                "b[1].c",
                Some((1, 31, 3)),
            ),
            ("block YAML is not flow", "kind: Service\n", "kind", None),
            ("a scalar is not a collection", "\"text\"", "kind", None),
        ];
        for (what, text, path, want) in cases {
            let lines = lines(text);
            let got = locate(&lines, 0, 0, &segments(path))
                .map(|found| (found.line + 1, found.column + 1, found.depth));
            assert_eq!(got, *want, "{what}: {path} in {text:?}");
        }
    }
}
