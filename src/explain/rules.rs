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
        let heading = format!("\n### {number}. ");
        let start = RULES.find(&heading)? + heading.len();
        let rest = &RULES[start..];
        let title = &rest[..rest.find('\n').unwrap_or(rest.len())];
        Some(Rule { number, title })
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {}: {}", self.number, self.title)
    }
}
