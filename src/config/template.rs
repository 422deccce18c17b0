//! The `template` plugin's settings: [`TemplateConfig`], one [`TemplateRule`] per `template`
//! directive of a block, and the part of Go's `text/template` language its records are written
//! in ([`RrTemplate`]).

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{DNSClass, Name, RecordType};

use super::Fallthrough;

/// `template`: every `template` directive of a block, one plugin (CoreDNS's `Handler` holds
/// them all and tries them in Corefile order).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TemplateConfig {
    /// The templates, in Corefile order.
    pub templates: Vec<TemplateRule>,
}

/// One `template CLASS TYPE [ZONES…] { match …; answer …; additional …; authority …; rcode …;
/// fallthrough … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TemplateRule {
    /// The question class it answers (`ANY` for every class).
    pub class: DNSClass,
    /// The question type it answers (`ANY` for every type).
    pub qtype: RecordType,
    /// Its zones (the block's when none are written), lower-case and absolute.
    pub zones: Vec<Name>,
    /// The `match` expressions, in order; `.*` when none is written.
    pub regexes: Vec<TemplateRegex>,
    /// The `answer` records.
    pub answer: Vec<RrTemplate>,
    /// The `additional` records.
    pub additional: Vec<RrTemplate>,
    /// The `authority` records.
    pub authority: Vec<RrTemplate>,
    /// `rcode` (NOERROR when none is written).
    pub rcode: ResponseCode,
    /// `fallthrough [ZONES…]`: a name in its zones that no regex matches goes on.
    pub fallthrough: Fallthrough,
}

/// A `match` expression: Go's RE2 syntax, compiled with the `regex` crate over bytes with ASCII
/// classes (`\d`, `\w`, `\s` and `\b` mean what they mean in Go).
#[derive(Debug, Clone)]
pub struct TemplateRegex(pub(crate) regex::bytes::Regex);

impl TemplateRegex {
    /// The expression as written.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl PartialEq for TemplateRegex {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for TemplateRegex {}

/// A record written as a Go template (`{{ .Name }} 60 IN A 10.0.0.1`), parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RrTemplate {
    pub(crate) source: String,
    pub(crate) pieces: Vec<Piece>,
}

impl RrTemplate {
    /// The template as written in the Corefile.
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// A piece of a template: text copied as it is, or an action's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    Value(Expr),
}

/// An action's pipeline (the part of `text/template` the simulator runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    /// `.A.B…`: fields of the template's data (`.Name`, `.Group.sub`, …), looked up when the
    /// template runs (an unknown field fails then, as in Go).
    Field(Vec<String>),
    /// A string constant.
    Str(String),
    /// An integer constant.
    Int(i64),
    /// `index ITEM KEY…` (the arguments, counted when the template runs).
    Index(Vec<Expr>),
    /// `parseInt TEXT BASE BITS` (Go's `strconv.ParseUint`).
    ParseInt(Vec<Expr>),
}
