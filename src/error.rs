//! Errors for manifests that cannot be loaded.
//!
//! An error is only ever about the input: an object the Kubernetes API server would refuse, YAML
//! that does not parse, an input that is too large. DNS outcomes such as NXDOMAIN are answers,
//! not errors (see [`crate::answer`]), and objects that are valid but odd (an Endpoints object
//! that matches no Service) are [`crate::Diagnostic`]s on the cluster.
//!
//! Every [`LoadError`] says where it happened, as precisely as the input allows:
//!
//! ```text
//! manifests.yaml: document 2, line 14, column 13: Service default/web: spec.ports[1].port: expected an integer from 1 to 65535, found 99999
//! manifests.yaml: document 3, line 20: Service default/db: spec.type: expected ClusterIP, NodePort, LoadBalancer or ExternalName, found "Internal"
//! ```
//!
//! A batch reports all of its bad objects at once, as [`LoadErrors`].

use std::fmt;

use crate::model::ObjectRef;

/// Where in the input something is.
///
/// Every part is optional because not every input has it: a programmatic object has no line, a
/// stream-level failure has no object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Location {
    /// The name the caller gave the input (usually a file name).
    pub origin: Option<String>,
    /// The document within a multi-document YAML stream, counted from 1.
    pub document: Option<usize>,
    /// The entry of a `kind: List` document's `items`, counted from 0 as in `items[0]`.
    pub item: Option<usize>,
    /// The line, counted from 1 within the whole input.
    pub line: Option<usize>,
    /// The column, counted from 1.
    pub column: Option<usize>,
}

impl Location {
    /// Whether no part of the location is known.
    pub fn is_unknown(&self) -> bool {
        *self == Location::default()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(document) = self.document {
            parts.push(format!("document {document}"));
        }
        if let Some(item) = self.item {
            parts.push(format!("items[{item}]"));
        }
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(column) = self.column {
            parts.push(format!("column {column}"));
        }
        match (&self.origin, parts.is_empty()) {
            (Some(origin), true) => f.write_str(origin),
            (Some(origin), false) => write!(f, "{origin}: {}", parts.join(", ")),
            (None, true) => f.write_str("<input>"),
            (None, false) => f.write_str(&parts.join(", ")),
        }
    }
}

/// One object, document or input that could not be loaded.
///
/// Printed as `<location>: <object>: <field>: <what is wrong>`, the object and field when
/// they are known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {}{}{kind}", prefix(object), prefix(field))]
#[non_exhaustive]
pub struct LoadError {
    /// Where in the input.
    pub location: Location,
    /// The object, when its kind and name could be read.
    pub object: Option<ObjectRef>,
    /// The field path, e.g. `spec.ports[1].port`.
    pub field: Option<String>,
    /// What is wrong.
    pub kind: LoadErrorKind,
}

impl LoadError {
    /// An error of `kind` at `location`, with no object or field yet.
    pub(crate) fn new(location: Location, kind: LoadErrorKind) -> Self {
        LoadError {
            location,
            object: None,
            field: None,
            kind,
        }
    }

    /// Sets the object the error is about.
    pub(crate) fn with_object(mut self, object: ObjectRef) -> Self {
        self.object = Some(object);
        self
    }

    /// Sets the field path.
    pub(crate) fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// `A`, `A or B`, `A, B or C`: the alternatives an error expected.
pub(crate) fn one_of(alternatives: &[&str]) -> String {
    match alternatives {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// `"<part>: "`, or nothing for a part that is not known.
fn prefix(part: &Option<impl fmt::Display>) -> String {
    part.as_ref()
        .map(|part| format!("{part}: "))
        .unwrap_or_default()
}

/// What is wrong with the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// The input is larger than the configured limit.
    #[error("input is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// The input's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The text is not well-formed YAML/JSON, or a field has the wrong shape (the parser's own
    /// message, without its location, which is in [`LoadError::location`]).
    #[error("{message}")]
    Syntax {
        /// The parser's message.
        message: String,
    },
    /// A required field is missing.
    #[error("required field is missing")]
    Missing,
    /// The object has no `metadata.name`.
    ///
    /// The message mentions `metadata.generateName` when the object has one: only the API
    /// server turns a `generateName` into a name, so a manifest meant for `kubectl create` cannot
    /// be loaded as it is.
    #[error("{kind} has no name{}", match generate_name {
        Some(prefix) => format!(" (it has generateName {prefix:?}, which only the API server turns into a name; set metadata.name)"),
        None => String::new(),
    })]
    MissingName {
        /// The object's kind.
        kind: crate::model::Kind,
        /// `metadata.generateName`, if the object has one.
        generate_name: Option<String>,
    },
    /// A field has a value the API server would refuse.
    ///
    /// `found` is the value as written, strings quoted (`"Web"`), numbers bare (`99999`), as the
    /// API server prints them.
    #[error("expected {expected}, found {found}")]
    Invalid {
        /// What the API server accepts.
        expected: String,
        /// What the input has, quoted.
        found: String,
    },
    /// Two objects of the same kind have the same namespace and name.
    #[error("defined twice; the first definition is at {first}")]
    Duplicate {
        /// Where the first definition is.
        first: Location,
    },
    /// A document nests its collections (mappings and sequences, in block or flow style) deeper
    /// than the limit (`max_depth`, set with
    /// [`ClusterBuilder::load_limits`](crate::ClusterBuilder::load_limits)), counting the levels
    /// an alias brings in. The location is where the first level too many
    /// opens. Checked on the text before the YAML parser sees it, whose time would otherwise
    /// grow with the square of the depth.
    #[error("expected collections nested at most {limit} deep, found one at depth {}", limit + 1)]
    TooDeep {
        /// The most levels allowed.
        limit: usize,
    },
    /// A document uses aliases more often than the limit (`max_aliases`) allows, each alias
    /// counted once for every time the anchored node that holds it is itself copied (so an
    /// alias bomb, the "billion laughs", is refused at its first expansions, not expanded). The
    /// location is the alias that crosses the limit.
    #[error(
        "expected at most {limit} alias uses in one document (each alias counted every time its anchored node is copied), found more at *{alias}"
    )]
    TooManyAliases {
        /// The alias that crosses the limit, without its `*`.
        alias: String,
        /// The most uses allowed.
        limit: usize,
    },
    /// A document's aliases copy more text than the limit (`max_alias_bytes`) allows: each
    /// alias counts the size of the text its anchor covers (with that text's own aliases
    /// expanded). The location is the alias that crosses the limit.
    #[error(
        "expected aliases to copy at most {limit} bytes into one document, found *{alias} taking it to {total} bytes"
    )]
    AliasesTooLarge {
        /// The alias that crosses the limit, without its `*`.
        alias: String,
        /// The most bytes allowed.
        limit: usize,
        /// The bytes copied up to and including this alias.
        total: usize,
    },
    /// A Service needs a cluster IP and its service CIDR has no free address left.
    #[error("no free address left in the service CIDR {cidr}")]
    ServiceCidrExhausted {
        /// The CIDR, as text.
        cidr: String,
    },
}

/// A text that is not a valid domain name (a DNS *name error*, NXDOMAIN, is an answer, not
/// an error: see [`crate::Outcome::NxDomain`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a domain name, found {name:?}: {reason}")]
#[non_exhaustive]
pub struct InvalidNameError {
    /// The text given.
    pub name: String,
    /// Why it is not a domain name.
    pub reason: String,
}

/// Every error of one batch: a batch goes on past its first error, so a user sees every
/// problem at once, and a batch with any error changes nothing.
///
/// One error prints alone; several print as a count and one error a line:
///
/// ```text
/// 2 errors; nothing was loaded:
///   cluster.yaml: document 1, line 7: Service default/web: spec.ports[0].name: required field is missing
///   cluster.yaml: document 3, line 18, column 9: Namespace Bad: metadata.name: expected …, found "Bad"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", summary(errors))]
pub struct Errors<E: BatchError> {
    errors: Vec<E>,
}

/// An error of one item of a batch ([`Errors`]).
pub trait BatchError: fmt::Display + fmt::Debug {
    /// What a failed batch of these did not do: `loaded`, `changed`.
    const NOT_DONE: &'static str;
}

impl BatchError for LoadError {
    const NOT_DONE: &'static str = "loaded";
}

/// The errors of an input that could not be loaded.
pub type LoadErrors = Errors<LoadError>;

impl<E: BatchError> Errors<E> {
    /// Wraps a non-empty list of errors.
    pub(crate) fn new(errors: Vec<E>) -> Self {
        debug_assert!(!errors.is_empty(), "a batch error without an error");
        Errors { errors }
    }

    /// The errors, in input order.
    pub fn errors(&self) -> &[E] {
        &self.errors
    }

    /// Consumes the list.
    pub fn into_errors(self) -> Vec<E> {
        self.errors
    }
}

impl<E: BatchError> From<E> for Errors<E> {
    fn from(error: E) -> Self {
        Errors {
            errors: vec![error],
        }
    }
}

fn summary<E: BatchError>(errors: &[E]) -> String {
    match errors {
        [one] => one.to_string(),
        many => {
            let mut text = format!("{} errors; nothing was {}:", many.len(), E::NOT_DONE);
            // An error that is itself a list (a change's manifests) is indented one more level.
            for error in many {
                for line in error.to_string().lines() {
                    text.push_str("\n  ");
                    text.push_str(line);
                }
            }
            text
        }
    }
}
