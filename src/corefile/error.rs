//! What can be wrong with a Corefile: [`CorefileError`] and its [`CorefileErrorKind`].

use std::fmt;

use hickory_proto::rr::Name;

use crate::error::{InvalidNameError, Location};
use crate::load::EmbeddedCorefile;

/// A Corefile that cannot be read.
///
/// ```
/// use k8s_dns_sim::{Config, CorefileErrorKind};
///
/// let err = Config::from_corefile(".:53 {\n    kubernetes {\n        ttl 4000\n    }\n}\n")
///     .unwrap_err();
/// assert_eq!(err.line, 3);
/// assert!(matches!(
///     &*err.kind,
///     CorefileErrorKind::InvalidValue { option, found, .. } if option == "ttl" && found == "4000"
/// ));
/// assert_eq!(
///     err.to_string(),
///     "line 3: `ttl`: expected an integer from 0 to 3600, found `4000`"
/// );
/// ```
///
/// When the Corefile came from the manifests (the ConfigMap `kube-system/coredns`, read by
/// [`ClusterDns::from_cluster`](crate::ClusterDns::from_cluster)), [`CorefileError::embedded`]
/// says where in them, and the message names the ConfigMap too:
///
/// ```text
/// dump.yaml: document 1, items[3], line 52: ConfigMap kube-system/coredns: data.Corefile line 6: `ttl`: expected an integer from 0 to 3600, found `4000`
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{kind}", Place { line: self.line, file: self.file.as_deref(), embedded: self.embedded.as_ref() })]
#[non_exhaustive]
pub struct CorefileError {
    /// The line, counted from 1 within the Corefile (within [`CorefileError::file`] when the
    /// error is in a file the Corefile imports).
    pub line: usize,
    /// The container path of the imported file (`import custom/*.server`) the line is in;
    /// `None` for the Corefile itself.
    pub file: Option<Box<str>>,
    /// What is wrong. (Boxed to keep `Result<_, CorefileError>` small: the kinds carry texts.)
    pub kind: Box<CorefileErrorKind>,
    /// For a Corefile embedded in the manifests: the ConfigMap's location, its line moved to
    /// the input line of [`CorefileError::line`] when that is known (see
    /// [`EmbeddedCorefile::input_line`](crate::EmbeddedCorefile::input_line)). `None` for a
    /// Corefile read on its own.
    pub embedded: Option<Location>,
}

impl CorefileError {
    pub(crate) fn new(line: usize, kind: CorefileErrorKind) -> Self {
        CorefileError {
            line,
            file: None,
            kind: Box::new(kind),
            embedded: None,
        }
    }

    /// Places the error in the imported file `path`.
    pub(crate) fn in_file(mut self, path: &str) -> Self {
        self.file = Some(path.into());
        self
    }

    /// Places the error inside the manifests that embed the Corefile.
    pub(crate) fn embedded_in(mut self, corefile: &EmbeddedCorefile) -> Self {
        let mut location = corefile.location().clone();
        // A line of an imported file is not a line of the ConfigMap's Corefile.
        if self.file.is_none()
            && let Some(line) = corefile.input_line(self.line)
        {
            location.line = Some(line);
            location.column = None;
        }
        self.embedded = Some(location);
        self
    }
}

/// `line N: `, or for an embedded Corefile `<location>: ConfigMap kube-system/coredns:
/// data.Corefile line N: `; `line N of `FILE`: ` for a line of an imported file.
struct Place<'a> {
    line: usize,
    file: Option<&'a str>,
    embedded: Option<&'a Location>,
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = self.embedded {
            write!(
                f,
                "{location}: {}: data.{}{}",
                EmbeddedCorefile::object_ref(),
                EmbeddedCorefile::KEY,
                if self.file.is_some() { ": " } else { " " }
            )?;
        }
        match self.file {
            Some(file) => write!(f, "line {} of `{file}`: ", self.line),
            None => write!(f, "line {}: ", self.line),
        }
    }
}

/// What is wrong with a Corefile.
///
/// Texts, tokens and names are kept as written in the Corefile (without quotes); the message
/// puts them in backticks. Invalid values say what was expected and what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CorefileErrorKind {
    // Syntax (Caddy's lexer and parser).
    /// A `"` opens a token that is never closed.
    #[error(
        "a quoted token opened here is never closed: expected a closing `\"`, found the end of the Corefile"
    )]
    UnclosedQuote,
    /// A server block's `{` has no matching `}`.
    #[error(
        "the server block `{key}` opened on line {opened} is not closed: expected `}}`, found the end of the Corefile"
    )]
    UnclosedServerBlock {
        /// The server block's first key.
        key: String,
        /// The line of that key.
        opened: usize,
    },
    /// A snippet's `{` has no matching `}`.
    #[error(
        "the snippet `({name})` opened on line {opened} is not closed: expected `}}`, found the end of the Corefile"
    )]
    UnclosedSnippet {
        /// The snippet's name, without parentheses.
        name: String,
        /// The line of `(name)`.
        opened: usize,
    },
    /// A directive's `{` has no matching `}`.
    #[error(
        "the block of `{directive}` opened on line {opened} is not closed: expected `}}`, found the end of the Corefile"
    )]
    UnclosedDirectiveBlock {
        /// The directive.
        directive: String,
        /// The line of the directive.
        opened: usize,
    },
    /// A token where the syntax allows another.
    #[error("unexpected `{found}` {place}: expected {expected}")]
    UnexpectedToken {
        /// The token.
        found: String,
        /// Where it is, in words (`after the `}` that closes a server block`).
        place: String,
        /// What may be there.
        expected: String,
    },
    /// A `}` outside any block.
    #[error("unexpected `}}`: no block is open here")]
    UnmatchedClose,
    /// A `}` on the line of a directive or option, where Caddy does not read it as the end of a
    /// block.
    #[error(
        "unexpected `}}` after `{after}`: a `}}` that closes a block must start its own line ({})",
        match option {
            Some(option) => format!("CoreDNS would read it as an argument of `{option}`"),
            None => "CoreDNS reads a `}` on a directive's line as part of that directive".to_owned(),
        }
    )]
    MisplacedClose {
        /// The token before the `}`.
        after: String,
        /// The option of a directive's block whose line the `}` is on; `None` for a directive's
        /// own line.
        option: Option<String>,
    },
    /// An option in a directive's block opens a block of its own.
    #[error("`{option}` in the block of `{directive}` cannot open a block of its own")]
    NestedBlock {
        /// The directive.
        directive: String,
        /// The option.
        option: String,
    },
    /// A `{` with no server block keys before it.
    #[error("expected server block keys (such as `.:53`) before `{{`")]
    MissingKeys,
    /// Server block keys end with a comma, and no key follows.
    #[error(
        "expected another server block key after the trailing comma, found {}",
        describe(found.as_deref())
    )]
    TrailingComma {
        /// The token after the comma; `None` at the end of the Corefile.
        found: Option<String>,
    },
    /// A server block key with a comma inside (`a.local,b.local`).
    #[error("`{key}` is a single key to CoreDNS: separate server block keys with spaces or `, `")]
    CommaInKey {
        /// The key as written.
        key: String,
    },
    /// A snippet name `(name)` not followed by `{`.
    #[error(
        "expected `{{` to open the snippet `({name})`, found {}",
        describe(found.as_deref())
    )]
    SnippetWithoutBlock {
        /// The snippet's name, without parentheses.
        name: String,
        /// The token after the name; `None` at the end of the Corefile.
        found: Option<String>,
    },
    /// Two snippets with the same name.
    #[error("the snippet `({name})` is already defined")]
    DuplicateSnippet {
        /// The snippet's name, without parentheses.
        name: String,
    },
    /// `import` of a name that is no snippet defined above: importing files is not supported.
    #[error(
        "`import {name}`: no snippet `({name})` is defined above, and no file `{path}` was provided"
    )]
    UnknownSnippet {
        /// The argument of `import`.
        name: String,
        /// The container path of the file it would import.
        path: String,
    },
    /// An imported file that is not valid Caddyfile syntax.
    #[error("`import`: line {line} of `{path}`: {error}")]
    ImportedFile {
        /// The container path of the imported file.
        path: String,
        /// The line within it.
        line: usize,
        /// What is wrong there.
        error: String,
    },
    /// Snippets that import each other, or too many imports.
    #[error("`import {name}`: too many snippet expansions (do snippets import each other?)")]
    TooManyImports {
        /// The argument of the `import` that went over the limit.
        name: String,
    },
    /// An `import` that would make the Corefile longer than the token limit after snippets are
    /// expanded (a snippet imported into many blocks multiplies its tokens).
    #[error(
        "`import {name}`: the Corefile grows past {limit} tokens with this snippet: expected at most {limit} after snippets are expanded"
    )]
    TooManyTokens {
        /// The argument of the `import` that went over the limit.
        name: String,
        /// The limit.
        limit: usize,
    },
    /// CIDRs (keys or zone arguments) that together stand for more reverse zones than the limit:
    /// a CIDR off a label boundary stands for up to 128 zones, so a short Corefile could ask for
    /// millions. CoreDNS has no such limit; it is this crate's bound on what a Corefile costs.
    #[error(
        "`{cidr}`: the CIDRs up to here stand for {count} reverse zones: expected at most {limit} in one Corefile"
    )]
    TooManyReverseZones {
        /// The CIDR that went over the limit.
        cidr: String,
        /// The reverse zones the CIDRs up to and including it stand for.
        count: usize,
        /// The limit ([`MAX_CIDR_ZONES`](crate::MAX_CIDR_ZONES)).
        limit: usize,
    },
    /// `kubernetes` plugins that together hold more zones than the limit (CoreDNS has no such
    /// limit; it is this crate's bound on what a Corefile costs).
    #[error(
        "`kubernetes`: the plugins up to here hold {count} zones: expected at most {limit} in one Corefile"
    )]
    TooManyKubernetesZones {
        /// The zones of the `kubernetes` plugins up to and including this one.
        count: usize,
        /// The limit ([`MAX_KUBERNETES_ZONES`](crate::MAX_KUBERNETES_ZONES)).
        limit: usize,
    },
    /// `{$VAR}` or `{%VAR%}`, which Caddy replaces with an environment variable: not supported.
    #[error(
        "`{placeholder}` is environment variable substitution, which is not supported: substitute the value before reading the Corefile"
    )]
    EnvironmentSubstitution {
        /// The placeholder as written, e.g. `{$ZONE}`.
        placeholder: String,
    },

    // Server blocks and directives.
    /// A directive that is not a CoreDNS plugin.
    #[error("unknown directive `{name}`: expected the name of a CoreDNS plugin (see plugin.cfg)")]
    UnknownDirective {
        /// The directive as written.
        name: String,
    },
    /// A server block key that is not a zone.
    #[error("server block key: expected {expected}, found `{key}`")]
    InvalidKey {
        /// The key as written.
        key: String,
        /// What a key must be.
        expected: String,
    },
    /// A directive used twice in one server block where only one is allowed.
    #[error(
        "`{directive}` can only be used once per server block; it is already used on line {first}"
    )]
    DuplicateDirective {
        /// The directive.
        directive: String,
        /// The line of its first use.
        first: usize,
    },
    /// A Corefile without any server block: CoreDNS would serve nothing.
    #[error("the Corefile has no server block: expected at least one, such as `.:53 {{ … }}`")]
    NoServerBlock,
    /// A zone another server block already serves on the same port and transport (CoreDNS
    /// refuses to start: "cannot serve … - it is already defined").
    #[error(
        "the zone `{zone}` on port {port} is already served by the server block on line {first}: expected each zone once per port"
    )]
    DuplicateZone {
        /// The zone, absolute.
        zone: String,
        /// The port.
        port: u16,
        /// The line of the key that serves it first.
        first: usize,
    },

    // Options and arguments of `kubernetes`, `bind`, `transfer`, `hosts` and `import`.
    /// An option the directive does not take.
    #[error("unknown option `{option}` of `{directive}`: expected {expected}")]
    UnknownOption {
        /// The directive.
        directive: String,
        /// The option as written.
        option: String,
        /// The options the directive takes.
        expected: String,
    },
    /// A directive or option with too many or too few arguments.
    #[error(
        "{}: expected {expected}, found {}",
        Named { directive, option },
        arguments(found)
    )]
    WrongArgumentCount {
        /// The directive (for the arguments of a directive itself, the same as `option`).
        directive: String,
        /// The option, or the directive, whose arguments these are.
        option: String,
        /// The arguments it takes, e.g. `one argument (an integer from 0 to 3600)`.
        expected: String,
        /// The arguments found.
        found: Vec<String>,
    },
    /// An argument that is not a value the directive or option accepts.
    #[error("{}: expected {expected}, found `{found}`", Named { directive, option })]
    InvalidValue {
        /// The directive (for the arguments of a directive itself, the same as `option`).
        directive: String,
        /// The option, or the directive, the value is given to.
        option: String,
        /// What it accepts, e.g. `an integer from 0 to 3600`.
        expected: String,
        /// The value as written.
        found: String,
    },
    /// An option given twice where only one is allowed.
    #[error("{} is already given", Named { directive, option })]
    DuplicateOption {
        /// The directive.
        directive: String,
        /// The option.
        option: String,
    },
    /// A directive without an option it needs.
    #[error("`{directive}`: expected a block with `{option}`, found none")]
    MissingOption {
        /// The directive.
        directive: String,
        /// The option it needs, as used (`to ADDRESS…`).
        option: String,
    },
    /// Only reverse zones for `kubernetes`, which needs a forward zone.
    #[error(
        "`kubernetes`: expected at least one zone that is not a reverse zone, found only {}",
        zone_list(zones)
    )]
    OnlyReverseZones {
        /// The zones found.
        zones: Vec<Name>,
    },
    /// Two options that cannot both be set.
    #[error("`{first}` and `{second}` cannot both be set")]
    ConflictingOptions {
        /// One option.
        first: String,
        /// The other.
        second: String,
    },
    /// `zonal` with `noendpoints`: zonal names are answered from the endpoint cache.
    #[error("`zonal` needs the endpoint cache, which `noendpoints` turns off: remove one of them")]
    ZonalWithoutEndpoints,
    /// A `hosts` entry whose name is not a domain name.
    #[error("`hosts` entry: {error}")]
    InvalidHostsEntry {
        /// Why the name is refused.
        error: InvalidNameError,
    },
    /// `file` names a zone file that was not provided.
    #[error(
        "`file`: the zone file `{path}` was not provided (CoreDNS would log that it cannot open it and answer SERVFAIL for its zones until it appears): give the container's files with Config::from_corefile_in or Config::from_corefile_with_files"
    )]
    MissingZoneFile {
        /// The zone file's container path.
        path: String,
    },
    /// A zone file that cannot be read as a zone (CoreDNS refuses to start).
    #[error(
        "`file`: zone file `{path}`{}: {error}",
        match line { Some(line) => format!(" line {line}"), None => String::new() }
    )]
    InvalidZoneFile {
        /// The zone file's container path.
        path: String,
        /// The line within the zone file, when it is known.
        line: Option<usize>,
        /// What is wrong (hickory-proto's zone-file parser's words, or a missing SOA).
        error: String,
    },
}

/// `` `option` ``, or `` `option` of `directive` `` for an option of a directive other than
/// `kubernetes` (the options of `kubernetes` are named on their own, as the plugin's docs do).
struct Named<'a> {
    directive: &'a str,
    option: &'a str,
}

impl fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.option)?;
        if self.option != self.directive && self.directive != "kubernetes" {
            write!(f, " of `{}`", self.directive)?;
        }
        Ok(())
    }
}

/// `` `text` ``, or "the end of the Corefile".
fn describe(token: Option<&str>) -> String {
    match token {
        Some(text) => format!("`{text}`"),
        None => "the end of the Corefile".to_owned(),
    }
}

/// "none", or "2: `30 40`".
fn arguments(found: &[String]) -> String {
    match found.len() {
        0 => "none".to_owned(),
        n => format!("{n}: `{}`", found.join(" ")),
    }
}

/// "`a.`, `b.`", or "none".
pub(super) fn zone_list(zones: &[Name]) -> String {
    let names: Vec<String> = zones.iter().map(|z| format!("`{z}`")).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}
