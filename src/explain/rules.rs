//! The rules an explanation cites, by the numbers and titles of `docs/coredns-rules.md`.
//!
//! The titles are read from that file (compiled into the crate), so a renamed or renumbered
//! rule changes the explanations with it; a number the file does not have is a test failure
//! (`tests/explain.rs`), never a made-up title.

use std::fmt;

/// `docs/coredns-rules.md`, whose `### N. Title` headings number the rules.
const RULES: &str = include_str!("../../docs/coredns-rules.md");

/// A rule of `docs/coredns-rules.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rule {
    /// Its number.
    pub number: u16,
    /// Its title, as the document writes it.
    pub title: &'static str,
}

impl Rule {
    /// The rule with this number, if the document has one.
    pub fn numbered(number: u16) -> Option<Rule> {
        let (start, end) = *TITLES.get(usize::from(number))?;
        if end == 0 {
            return None;
        }
        Some(Rule {
            number,
            title: RULES.get(start as usize..end as usize)?,
        })
    }
}

/// One more than the highest rule number the index holds (a heading above it fails the build).
const RULE_LIMIT: usize = 256;

/// The byte range of each rule's title in [`RULES`], by number (`(0, 0)`: no such rule).
/// Found when compiling, so naming a rule in an explanation costs a table lookup, not a search
/// of the 70 KB document (explanations name several rules each).
const TITLES: [(u32, u32); RULE_LIMIT] = title_ranges(RULES.as_bytes());

/// Reads the `### N. Title` headings of `text`; the first heading of a number wins.
const fn title_ranges(text: &[u8]) -> [(u32, u32); RULE_LIMIT] {
    let mut table = [(0u32, 0u32); RULE_LIMIT];
    let mut line = 0;
    while line < text.len() {
        let mut end = line;
        while end < text.len() && text[end] != b'\n' {
            end += 1;
        }
        if let Some((number, start)) = heading_number(text, line, end) {
            assert!(
                number < RULE_LIMIT,
                "a rule number past RULE_LIMIT: raise it"
            );
            if table[number].1 == 0 {
                table[number] = (start as u32, end as u32);
            }
        }
        line = end + 1;
    }
    table
}

/// The number of the heading `### N. ` that the line `text[line..end]` starts with, and where
/// its title starts.
const fn heading_number(text: &[u8], line: usize, end: usize) -> Option<(usize, usize)> {
    const MARK: &[u8] = b"### ";
    if end < line + MARK.len() + 3 {
        return None;
    }
    let mut at = 0;
    while at < MARK.len() {
        if text[line + at] != MARK[at] {
            return None;
        }
        at += 1;
    }
    let mut position = line + MARK.len();
    let mut number = 0;
    while position < end && text[position].is_ascii_digit() {
        number = number * 10 + (text[position] - b'0') as usize;
        position += 1;
    }
    if position == line + MARK.len()
        || position + 1 >= end
        || text[position] != b'.'
        || text[position + 1] != b' '
    {
        return None;
    }
    Some((number, position + 2))
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {}: {}", self.number, self.title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index answers what a search of the document for `\n### N. ` finds, for every number
    /// (a heading the index misread, or one it missed, would differ here).
    #[test]
    fn index_agrees_with_searching_the_document() {
        let mut found = 0;
        for number in 0..u16::try_from(RULE_LIMIT).unwrap() + 10 {
            let heading = format!("\n### {number}. ");
            let searched = RULES.find(&heading).map(|at| {
                let rest = &RULES[at + heading.len()..];
                &rest[..rest.find('\n').unwrap_or(rest.len())]
            });
            assert_eq!(Rule::numbered(number).map(|rule| rule.title), searched);
            found += usize::from(searched.is_some());
        }
        assert!(found > 50, "only {found} rules found");
    }

    #[test]
    fn headings_are_read_as_the_document_writes_them() {
        let text = b"### 7. Seven\n### 7. Again\n#### 8. Not\n### 9.No\n### 12. Twelve";
        let table = title_ranges(text);
        let title = |n: usize| &text[table[n].0 as usize..table[n].1 as usize];
        assert_eq!(title(7), b"Seven");
        assert_eq!(table[8], (0, 0));
        assert_eq!(table[9], (0, 0));
        assert_eq!(title(12), b"Twelve");
    }
}
