//! `rewrite` as typed settings: [`RewriteConfig`], one [`RewriteRule`] per directive.
//!
//! CoreDNS's `plugin/rewrite` (README, `rewrite.go`, `name.go`, `type.go`, `class.go`): each
//! `rewrite` directive of a block is one rule, tried in Corefile order; a rule that matches
//! changes the question for the plugins after it, and the reply is put back on the way out
//! (`docs/coredns-rules.md` rules 51–54).

use std::fmt;

use hickory_proto::rr::{DNSClass, RecordType};

/// `rewrite`: every `rewrite` directive of a block, each one a rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RewriteConfig {
    /// The rules, in Corefile order.
    pub rules: Vec<RewriteRule>,
}

/// One `rewrite [continue|stop] FIELD …` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RewriteRule {
    /// The Corefile line of the directive.
    pub line: usize,
    /// Whether the rules after this one are tried once it has rewritten the question.
    pub next: RewriteNext,
    /// What it rewrites.
    pub field: RewriteField,
}

/// `stop` (the default) or `continue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RewriteNext {
    /// `stop`: a rule that rewrote the question is the last one tried.
    #[default]
    Stop,
    /// `continue`: the next rule is tried on the rewritten question.
    Continue,
}

/// What a rule rewrites.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RewriteField {
    /// `name [exact|prefix|suffix|substring|regex] FROM TO [answer …]`.
    Name(NameRewrite),
    /// `type FROM TO`: the question type.
    Type {
        /// The type matched.
        from: RecordType,
        /// The type asked instead.
        to: RecordType,
    },
    /// `class FROM TO`: the question class.
    Class {
        /// The class matched.
        from: DNSClass,
        /// The class asked instead.
        to: DNSClass,
    },
    /// `edns0`, `ttl`, `cname` or `rcode`: read, not simulated (the rule never matches; listed
    /// in [`Config::not_simulated`](super::Config::not_simulated)).
    NotSimulated {
        /// The field as written, lower-case.
        field: String,
    },
}

/// How a `name` rule matches the question name (lower-case, with its final dot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameMatch {
    /// `exact` (the default): the whole name.
    Exact,
    /// `prefix`: the name starts with FROM, which is replaced by TO.
    Prefix,
    /// `suffix`: the name ends with FROM, which is replaced by TO.
    Suffix,
    /// `substring`: every occurrence of FROM is replaced by TO.
    Substring,
    /// `regex`: FROM is an RE2 expression searched in the name; the name becomes TO with
    /// `{N}` replaced by group N.
    Regex,
}

/// A `name` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NameRewrite {
    /// How FROM is matched.
    pub matching: NameMatch,
    /// What is matched: lower-case and ending in a dot (CoreDNS's `Normalize`), except a
    /// `regex` rule's expression, which is kept as written.
    pub from: String,
    /// What it becomes: lower-case and ending in a dot.
    pub to: String,
    /// The expression of a `regex` rule.
    pub pattern: Option<Pattern>,
    /// `answer auto` (always on for `exact`): names in the reply are put back.
    pub auto: bool,
    /// `answer name FROM TO` and `answer value FROM TO`, in the order written.
    pub answers: Vec<AnswerRewrite>,
}

/// `answer name FROM TO` or `answer value FROM TO`: a regex rewrite of the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnswerRewrite {
    /// Owner names (`name`) or the names inside record data (`value`).
    pub target: AnswerTarget,
    /// The expression searched.
    pub pattern: Pattern,
    /// What a matching name becomes, `{N}` replaced by group N (lower-case, ending in a dot).
    pub to: String,
}

/// What an `answer` rewrite changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerTarget {
    /// `answer name`: the owner names of the reply's records.
    Name,
    /// `answer value`: the name inside CNAME, DNAME, SRV, MX, NS, NAPTR, PTR and SOA (its
    /// primary server) data.
    Value,
}

/// A compiled regular expression (RE2 syntax, as Go's `regexp`: over bytes, with ASCII `\d`,
/// `\w`, `\s` and `\b`), compared by its text.
#[derive(Clone)]
pub struct Pattern(regex::bytes::Regex);

impl Pattern {
    /// An expression the Corefile reader compiled.
    pub(crate) fn new(regex: regex::bytes::Regex) -> Pattern {
        Pattern(regex)
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// How many groups it has (Go's `NumSubexp`).
    pub(crate) fn groups(&self) -> usize {
        self.0.captures_len() - 1
    }

    /// Go's `FindStringSubmatch`: the leftmost match's groups (an unmatched group is empty),
    /// `None` without a match.
    pub(crate) fn captures(&self, text: &str) -> Option<Vec<String>> {
        let captures = self.0.captures(text.as_bytes())?;
        Some(
            captures
                .iter()
                .map(|group| {
                    group.map_or_else(String::new, |m| {
                        String::from_utf8_lossy(m.as_bytes()).into_owned()
                    })
                })
                .collect(),
        )
    }

    /// `template` with `{0}`, `{1}`, … replaced by the groups of the match in `text`;
    /// `None` without a match.
    pub(crate) fn expand(&self, text: &str, template: &str) -> Option<String> {
        let groups = self.captures(text)?;
        let mut out = template.to_owned();
        for (index, group) in groups.iter().enumerate() {
            out = out.replace(&format!("{{{index}}}"), group);
        }
        Some(out)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Pattern {}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.as_str()).finish()
    }
}
