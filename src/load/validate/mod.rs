//! Checking raw objects as the Kubernetes API server would, and applying its defaults.
//!
//! The rules come from `pkg/apis/core/validation/validation.go` (`ValidateService`,
//! `ValidateServiceClusterIPsRelatedFields`, `validateServicePort`, `ValidateEndpoints`,
//! `ValidatePod`) and `pkg/apis/discovery/validation/validation.go`; see
//! `docs/kubernetes-behaviour.md` §2.2, §2.4 and §2.6. Only fields the model keeps are
//! checked: a manifest the simulator accepts may still be refused by a real cluster for a field
//! DNS never reads (a container image, say), but a manifest a real cluster accepts is never
//! refused here.
//!
//! The defaults are the API server's: namespace `default`, protocol `TCP`, Service type
//! `ClusterIP`; an empty string counts as unset wherever Kubernetes treats it so.
//!
//! Every check reports to a [`Checker`] and carries on, so one object can yield several errors.
//!
//! # Layout
//!
//! This file holds what every kind uses: the [`Checker`] with its checks of single fields
//! (names, port numbers, counts, protocols, one-of-a-set values, IP addresses, `metadata`, the
//! readiness annotations), the [`NameRule`]s, how values are quoted in errors, and the
//! `targetRef` of an endpoint. `ports.rs` holds the port lists that several kinds share,
//! `labels.rs` the rules of label keys and values that labels and selectors share,
//! `pod_spec.rs` the Pod spec and template that Pods and workloads share. Each other file
//! checks one kind: `service.rs`, `endpoints.rs`, `endpoint_slice.rs`, `service_import.rs`,
//! `pod.rs`, `namespace.rs`, `node.rs`, `workload.rs` for the four `apps/v1` workloads,
//! `replication_controller.rs` and `job.rs`. The kinds' files use this file and the shared
//! ones, never one another.

mod endpoint_slice;
mod endpoints;
mod job;
mod labels;
mod namespace;
mod node;
mod pod;
mod pod_spec;
mod ports;
mod replication_controller;
mod service;
mod service_import;
mod workload;

pub(crate) use endpoint_slice::endpoint_slice;
pub(crate) use endpoints::endpoints;
pub(crate) use job::job;
pub(crate) use labels::selector_problems;
pub(crate) use namespace::namespace;
pub(crate) use node::node;
pub(crate) use pod::pod;
pub(crate) use replication_controller::replication_controller;
pub(crate) use service::{external_name, service};
pub(crate) use service_import::service_import;
pub(crate) use workload::workload;

use std::net::IpAddr;

use super::documents::{self, Scope};
use super::raw::{Int, RawMeta, RawTargetRef};
use crate::error::{LoadError, LoadErrorKind, Location};
use crate::model::{Kind, ObjectMeta, ObjectRef, Protocol, Readiness, TargetRef};

/// Collects the errors of one object and knows how to locate its fields.
pub(crate) struct Checker<'d> {
    /// The lines of the object's document.
    lines: &'d [&'d str],
    /// The 0-based line of the input where the document starts.
    first_line: usize,
    /// The 0-based column of the input where the document's first line starts.
    first_column: usize,
    /// The part of the document the object covers, when it is known and in block YAML.
    window: Option<Scope>,
    /// Where the object starts.
    location: Location,
    /// The object, once its kind and name are known.
    object: Option<ObjectRef>,
    /// What went wrong so far.
    pub errors: Vec<LoadError>,
    /// How many fields were located so far: only the first [`PLACED_ERRORS`] are.
    located: std::cell::Cell<usize>,
}

/// How many errors of one object are placed at their field: each placement walks the object's
/// text from its start, so an object with thousands of errors (a JSON dump's one Service with
/// 5,000 bad ports) would take time quadratic in its size. Later errors of the object carry
/// the object's own location; their field paths still say where.
pub(crate) const PLACED_ERRORS: usize = 64;

impl<'d> Checker<'d> {
    /// A checker for the object at `location` (its first line), covering `window` of the
    /// `lines` of a document that starts at input line and column `(first_line, first_column)`
    /// (0-based).
    pub fn new(
        lines: &'d [&'d str],
        (first_line, first_column): (usize, usize),
        window: Option<Scope>,
        location: Location,
        object: Option<ObjectRef>,
    ) -> Self {
        Checker {
            lines,
            first_line,
            first_column,
            window,
            location,
            object,
            errors: Vec::new(),
            located: std::cell::Cell::new(0),
        }
    }

    /// The location of `field` (a path relative to the object), found by walking the
    /// object's text; the object's own location when the walk finds nothing inside it.
    pub fn locate(&self, field: &str) -> Location {
        let mut location = self.location.clone();
        let segments = documents::segments(field);
        let Some(window) = self.window else {
            return location;
        };
        let located = self.located.get();
        self.located.set(located + 1);
        if located >= PLACED_ERRORS {
            return location;
        }
        if let Some(found) = documents::locate(self.lines, window, &segments, true) {
            if found.depth == segments.len() {
                let shift = if found.line == 0 {
                    self.first_column
                } else {
                    0
                };
                location.line = Some(self.first_line + found.line + 1);
                location.column = Some(shift + found.column + 1);
            } else if found.depth > 0 {
                location.line = Some(self.first_line + found.line + 1);
            }
        }
        location
    }

    /// The object's location and the errors found, the checker done with.
    pub fn into_parts(self) -> (Location, Vec<LoadError>) {
        (self.location, self.errors)
    }

    /// The object errors are reported for.
    pub fn object(&self) -> Option<ObjectRef> {
        self.object.clone()
    }

    /// Records an error on `field`.
    pub fn report(&mut self, field: &str, kind: LoadErrorKind) {
        let mut error = LoadError::new(self.locate(field), kind);
        error.object = self.object.clone();
        if !field.is_empty() {
            error.field = Some(field.to_owned());
        }
        self.errors.push(error);
    }

    /// Whether the scalar at `field` is written plain (unquoted) as `value`: `Some(true)` when
    /// it is, `Some(false)` when it is quoted, cannot be told apart or the object has been
    /// looked into too often, `None` when this checker has no text to look at (the single
    /// pass, which then defers to the detailed path).
    fn is_plain(&self, field: &str, value: &str) -> Option<bool> {
        if self.lines.is_empty() {
            return None;
        }
        let Some(window) = self.window else {
            return Some(false);
        };
        // Each look walks the object's text from its start: past the first [`PLACED_ERRORS`]
        // (shared with placing errors) the value is taken as quoted, so that an object of
        // thousands of `"yes"` labels costs linear time (4,000 of them took 0.33 s before).
        let looked = self.located.get();
        self.located.set(looked + 1);
        if looked >= PLACED_ERRORS {
            return Some(false);
        }
        let segments = documents::segments(field);
        let found = documents::locate(self.lines, window, &segments, true)
            .filter(|found| found.depth == segments.len());
        let written = found.and_then(|found| {
            let text = self.lines.get(found.line)?.get(found.column..)?;
            // The value on a later line (`key:` alone): where `locate` stops is the key; the
            // value is the next line that holds anything.
            let bare = text.trim_end();
            if bare.ends_with(':') && !bare.contains([' ', '\'', '"']) {
                let next = self.lines.get(found.line + 1..)?.iter().find(|line| {
                    let line = line.trim_start();
                    !line.is_empty() && !line.starts_with('#')
                })?;
                return Some(next.trim_start());
            }
            Some(text)
        });
        // An anchor before the value (`&v yes`) names it and leaves it plain.
        let written = written.map(|text| match text.strip_prefix('&') {
            Some(anchored) => anchored
                .trim_start_matches(|c: char| !c.is_whitespace())
                .trim_start(),
            None => text,
        });
        Some(written.is_some_and(|text| {
            text.strip_prefix(value)
                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric()))
        }))
    }

    /// Records that `field` has a value the API server refuses.
    pub fn invalid(&mut self, field: &str, expected: impl Into<String>, found: impl Into<String>) {
        self.report(
            field,
            LoadErrorKind::Invalid {
                expected: expected.into(),
                found: found.into(),
            },
        );
    }

    /// Records that the required `field` is missing.
    pub fn missing(&mut self, field: &str) {
        self.report(field, LoadErrorKind::Missing);
    }

    /// Checks `value` against a naming rule; false (and an error) when it breaks it.
    fn name(&mut self, field: &str, value: &str, rule: NameRule) -> bool {
        if rule.accepts(value) {
            true
        } else {
            self.invalid(field, rule.describe(), quote(value));
            false
        }
    }

    /// An optional name: `None` for unset or empty, else checked against `rule`.
    fn optional_name(
        &mut self,
        field: &str,
        value: Option<String>,
        rule: NameRule,
    ) -> Option<String> {
        let value = value.filter(|v| !v.is_empty())?;
        self.name(field, &value, rule);
        Some(value)
    }

    /// A port number, 1–65535.
    fn port(&mut self, field: &str, value: Int) -> Option<u16> {
        match u16::try_from(value.0) {
            Ok(port) if port != 0 => Some(port),
            _ => {
                self.invalid(field, "an integer from 1 to 65535", value.0.to_string());
                None
            }
        }
    }

    /// A protocol, defaulted to TCP.
    fn protocol(&mut self, field: &str, value: Option<&str>) -> Protocol {
        let choices = [
            ("TCP", Protocol::Tcp),
            ("UDP", Protocol::Udp),
            ("SCTP", Protocol::Sctp),
        ];
        self.choice(field, value, false, &choices)
            .unwrap_or(Protocol::Tcp)
    }

    /// One of a fixed set of values (`addressType: IPv4`, `status.phase: Running`): `None` when
    /// unset (reported missing when `required`) or not one of `choices` (reported invalid,
    /// listing them).
    fn choice<T: Clone>(
        &mut self,
        field: &str,
        value: Option<&str>,
        required: bool,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let value = value.filter(|value| !value.is_empty());
        let Some(value) = value else {
            if required {
                self.missing(field);
            }
            return None;
        };
        if let Some((_, choice)) = choices.iter().find(|(name, _)| *name == value) {
            return Some(choice.clone());
        }
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        let expected = crate::error::one_of(&names);
        self.invalid(field, expected, quote(value));
        None
    }

    /// A required IP address.
    fn ip(&mut self, field: &str, value: Option<&str>) -> Option<IpAddr> {
        match value {
            None | Some("") => {
                self.missing(field);
                None
            }
            Some(text) => match text.parse::<IpAddr>() {
                Ok(ip) => Some(ip),
                Err(_) => {
                    self.invalid(field, "an IP address", quote(text));
                    None
                }
            },
        }
    }

    /// `metadata`: the name (checked with `rule`) and, for namespaced kinds, the namespace.
    fn meta(&mut self, raw: Option<RawMeta>, kind: Kind, rule: NameRule) -> ObjectMeta {
        let raw = raw.unwrap_or_default();
        let name = match raw.name.filter(|n| !n.is_empty()) {
            Some(name) => {
                self.name("metadata.name", &name, rule);
                name
            }
            None => {
                self.report(
                    "metadata.name",
                    LoadErrorKind::MissingName {
                        kind,
                        generate_name: raw.generate_name.filter(|g| !g.is_empty()),
                    },
                );
                String::new()
            }
        };
        let namespace = if !kind.is_namespaced() {
            String::new()
        } else {
            match raw.namespace.filter(|n| !n.is_empty()) {
                Some(namespace) => {
                    self.name("metadata.namespace", &namespace, NameRule::Dns1123Label);
                    namespace
                }
                None => "default".to_owned(),
            }
        };
        let mut meta = ObjectMeta::new(&namespace, &name);
        meta.labels = raw.labels.unwrap_or_default();
        labels::check_labels(self, "metadata.labels", &meta.labels);
        meta.annotations = raw.annotations.unwrap_or_default();
        labels::check_strings(self, "metadata.annotations", &meta.annotations, false);
        meta
    }

    /// A count that is at least 0 (`ValidateNonnegativeField`) and fits the API's `int32`:
    /// `None` when unset, or (with an error) when it is not.
    fn count(&mut self, field: &str, value: Option<Int>) -> Option<u32> {
        let value = value?;
        if value.0 < 0 {
            self.invalid(field, "an integer of at least 0", value.0.to_string());
            return None;
        }
        match i32::try_from(value.0) {
            Ok(count) => Some(count.unsigned_abs()),
            Err(_) => {
                // The API server cannot even decode it: the field is an int32.
                self.invalid(
                    field,
                    "an integer of at most 2147483647 (an int32)",
                    value.0.to_string(),
                );
                None
            }
        }
    }

    /// The simulator's readiness annotations of a workload (`k8s-dns-sim.io/ready`, …).
    fn readiness(&mut self, meta: &ObjectMeta) -> Readiness {
        match Readiness::from_annotations(&meta.annotations) {
            Ok(readiness) => readiness,
            Err(error) => {
                self.invalid(
                    &format!("metadata.annotations[{}]", error.annotation),
                    error.expected,
                    quote(&error.value),
                );
                Readiness::All
            }
        }
    }

    /// Whether no error has been reported.
    fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The `targetRef` of an Endpoints address or of an EndpointSlice endpoint: kept only when it
/// names an object, its empty strings read as unset.
fn target_ref(raw: Option<RawTargetRef>) -> Option<TargetRef> {
    let raw = raw?;
    let name = non_empty(raw.name)?;
    Some(TargetRef {
        kind: non_empty(raw.kind),
        namespace: non_empty(raw.namespace),
        name,
    })
}

/// A string field that is set and not empty, as the model keeps it: boxed, since an endpoint's
/// strings are most of a big cluster's (`Box<str>` is two words, `String` three).
fn non_empty(text: Option<String>) -> Option<Box<str>> {
    text.filter(|text| !text.is_empty())
        .map(String::into_boxed_str)
}

/// The naming rules of Kubernetes (`k8s.io/apimachinery/pkg/util/validation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameRule {
    /// `IsDNS1035Label`: Service names.
    Dns1035Label,
    /// `IsDNS1123Label`: namespaces, hostnames, port names.
    Dns1123Label,
    /// `IsDNS1123Subdomain`: most object names, `externalName`.
    Dns1123Subdomain,
    /// `IsValidPortName`: a named `targetPort` or container port.
    IanaServiceName,
    /// `IsQualifiedName`: a port's `appProtocol`, a label key.
    QualifiedName,
}

impl NameRule {
    /// Whether `value` follows the rule.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            NameRule::Dns1035Label => {
                is_label(value) && value.starts_with(|c: char| c.is_ascii_lowercase())
            }
            NameRule::Dns1123Label => is_label(value),
            NameRule::Dns1123Subdomain => {
                value.len() <= 253 && value.split('.').all(is_label_chars)
            }
            NameRule::IanaServiceName => {
                value.len() <= 15
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && value.bytes().any(|b| b.is_ascii_lowercase())
                    && !value.starts_with('-')
                    && !value.ends_with('-')
                    && !value.contains("--")
            }
            NameRule::QualifiedName => labels::is_qualified_name(value),
        }
    }

    /// What the rule asks for, as an "expected …" phrase.
    pub fn describe(self) -> &'static str {
        match self {
            NameRule::Dns1035Label => {
                "a DNS-1035 label (at most 63 lower-case letters, digits or '-', starting with a letter and ending with a letter or digit)"
            }
            NameRule::Dns1123Label => {
                "a DNS-1123 label (at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit)"
            }
            NameRule::Dns1123Subdomain => {
                "a DNS-1123 subdomain (at most 253 characters: dot-separated parts of lower-case letters, digits or '-', each starting and ending with a letter or digit)"
            }
            NameRule::IanaServiceName => {
                "an IANA service name (at most 15 lower-case letters, digits or '-', with at least one letter, no '-' at either end and no '--')"
            }
            NameRule::QualifiedName => {
                "a qualified name (an optional DNS-1123 subdomain and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"
            }
        }
    }
}

/// A DNS-1123 label: 1–63 characters of the right kind.
fn is_label(value: &str) -> bool {
    value.len() <= 63 && is_label_chars(value)
}

/// Non-empty; lower-case letters, digits and `-`; alphanumeric at both ends.
fn is_label_chars(value: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    !value.is_empty()
        && value.chars().all(|c| alnum(c) || c == '-')
        && value.starts_with(alnum)
        && value.ends_with(alnum)
}

/// A string as an error shows it: in double quotes, escaped.
pub(crate) fn quote(value: &str) -> String {
    format!("{value:?}")
}

/// A list of strings as an error shows it: `["a", "b"]`.
fn quote_list(values: &[String]) -> String {
    format!("{values:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules_follow_kubernetes() {
        use NameRule::*;
        let long_label = "a".repeat(64);
        let long_subdomain = [
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(63),
        ]
        .join(".");
        let cases: &[(NameRule, &str, bool, &str)] = &[
            (Dns1035Label, "web", true, "plain label"),
            (Dns1035Label, "web-1", true, "digits and dashes inside"),
            (Dns1035Label, "1web", false, "1035 must start with a letter"),
            (Dns1035Label, "web-", false, "must end alphanumeric"),
            (Dns1035Label, "Web", false, "lower case only"),
            (Dns1035Label, "", false, "empty"),
            (Dns1123Label, "1web", true, "1123 may start with a digit"),
            (
                Dns1123Label,
                "-web",
                false,
                "1123 may not start with a dash",
            ),
            (Dns1123Label, &long_label, false, "at most 63"),
            (Dns1123Label, "a.b", false, "a label has no dot"),
            (Dns1123Subdomain, "a.b-c.d", true, "dotted"),
            (Dns1123Subdomain, "a..b", false, "empty part"),
            (Dns1123Subdomain, "a.", false, "trailing dot"),
            (Dns1123Subdomain, &long_subdomain, false, "at most 253"),
            (
                Dns1123Subdomain,
                &long_label,
                true,
                "parts are not limited to 63",
            ),
            (IanaServiceName, "http", true, "IANA name"),
            (IanaServiceName, "http-alt2", true, "digits and dash"),
            (IanaServiceName, "8080", false, "needs a letter"),
            (IanaServiceName, "a--b", false, "no double dash"),
            (IanaServiceName, "-ab", false, "no leading dash"),
            (IanaServiceName, "abcdefghijklmnop", false, "at most 15"),
            (IanaServiceName, "HTTP", false, "lower case"),
        ];
        for (rule, value, accepted, why) in cases {
            assert_eq!(rule.accepts(value), *accepted, "{rule:?} {value:?}: {why}");
        }
    }
}
