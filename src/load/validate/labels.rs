//! Label keys and values, and selectors made of them, as the API server checks them:
//! `ValidateLabels` in `k8s.io/apimachinery/pkg/apis/meta/v1/validation`, with `IsQualifiedName`
//! and `IsValidLabelValue` of `k8s.io/apimachinery/pkg/util/validation`.
//!
//! The same rules apply to `metadata.labels` of every kind, a Service's `spec.selector`, and a
//! workload's `spec.selector.matchLabels` and template labels:
//!
//! - a key is a qualified name: an optional prefix, a DNS-1123 subdomain, and `/`, then a name
//!   of 1 to 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit;
//! - a value is empty, or 1 to 63 characters of the same kind.
//!
//! That every value is a string at all (`app: 1` is a number) is decided when the manifest is
//! read (see [`raw`](crate::load::raw)).

use std::collections::BTreeMap;

use super::{Checker, NameRule, quote};
use crate::load::raw::RawLabelSelector;

/// What a label key must be, as an "expected …" phrase.
const KEY: &str = "a label key (a name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, optionally after a DNS-1123 subdomain and '/')";

/// What a label value must be, as an "expected …" phrase.
const VALUE: &str = "a label value (empty, or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)";

/// The problems of the labels or selector `labels` found at `field` (`spec.selector`): for each
/// bad key or value, its field (`spec.selector[app]`), what was expected and what was found
/// (quoted). Empty when every pair is one the API server accepts.
///
/// The loader reports these for every label map it reads; a [`Change`](crate::Change) that sets
/// a selector can report them the same way.
pub(crate) fn selector_problems(
    field: &str,
    labels: &BTreeMap<String, String>,
) -> Vec<(String, String, String)> {
    let mut problems = Vec::new();
    for (key, value) in labels {
        let at = format!("{field}[{key}]");
        if !is_qualified_name(key) {
            problems.push((at.clone(), KEY.to_owned(), quote(key)));
        }
        if !is_label_value(value) {
            problems.push((at, VALUE.to_owned(), quote(value)));
        }
    }
    problems
}

/// Reports the [`selector_problems`] of `labels` at `field`, and the values kubectl would not
/// read as strings at all ([`check_strings`]).
pub(super) fn check_labels(
    check: &mut Checker<'_>,
    field: &str,
    labels: &BTreeMap<String, String>,
) {
    for (field, expected, found) in selector_problems(field, labels) {
        check.invalid(&field, expected, found);
    }
    check_strings(check, field, labels, true);
}

/// Reports the values of the string map at `field` (labels, a selector, annotations) that are
/// written plain and that kubectl, reading YAML 1.1, takes for something else than a string
/// ([`yaml_1_1_reading`]): it refuses them, as the loader does. A timestamp only counts with
/// `timestamps`: in an annotation kubectl takes it, rewritten (`2024-01-01T00:00:00Z`), which
/// DNS never reads; and dumps quote every annotation that holds one
/// (`endpoints.kubernetes.io/last-change-trigger-time` on every slice), which the single pass
/// cannot tell from plain and would send each to the detailed path.
pub(super) fn check_strings(
    check: &mut Checker<'_>,
    field: &str,
    labels: &BTreeMap<String, String>,
    timestamps: bool,
) {
    for (key, value) in labels {
        let Some(reading) = yaml_1_1_reading(value) else {
            continue;
        };
        if reading == "a timestamp" && !timestamps {
            continue;
        }
        let at = format!("{field}[{key}]");
        // Unknown (the single pass has no text): an error, so that the detailed path, which
        // has, decides.
        if check.is_plain(&at, value) != Some(false) {
            check.invalid(
                &at,
                format!(
                    "a string (kubectl reads the plain scalar {value} as {reading}, as YAML 1.1 \
                     does, and refuses it here: quote it)"
                ),
                value.clone(),
            );
        }
    }
}

/// What a plain scalar that YAML 1.2 (this loader) reads as a string is to YAML 1.1, which
/// kubectl reads manifests with (sigs.k8s.io/yaml over goyaml.v2, its `resolve` table): a
/// boolean (`yes`, `no`, `on`, `off`, `y`, `n`, in three cases), an integer (`017` octal,
/// `1_000`, `0b101`), a float (`089`, `1_0.5`) or a timestamp (`2024-01-01`). `None` for what
/// both read alike.
fn yaml_1_1_reading(value: &str) -> Option<&'static str> {
    const BOOLEANS: [&str; 16] = [
        "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off",
        "OFF",
    ];
    if BOOLEANS.contains(&value) {
        return Some("a boolean");
    }
    let unsigned = value.strip_prefix(['-', '+']).unwrap_or(value);
    let digits = |text: &str, radix: u32| {
        !text.is_empty()
            && text.chars().any(|c| c.is_digit(radix))
            && text.chars().all(|c| c.is_digit(radix) || c == '_')
    };
    let integer = (unsigned.len() > 1 && unsigned.starts_with('0') && digits(&unsigned[1..], 8))
        || unsigned
            .strip_prefix("0b")
            .is_some_and(|rest| digits(rest, 2))
        || (unsigned.contains('_') && digits(unsigned, 10));
    if integer {
        return Some("an integer");
    }
    // Not octal (`089`): goyaml.v2 falls back to a float; so it does with underscores in a
    // float (`1_0.5`: it drops them).
    let float = unsigned.contains('_')
        && unsigned.split_once('.').is_some_and(|(whole, fraction)| {
            digits(whole, 10) && (fraction.is_empty() || digits(fraction, 10))
        });
    if (unsigned.len() > 1 && unsigned.starts_with('0') && digits(&unsigned[1..], 10)) || float {
        return Some("a number");
    }
    // A date (`2024-01-01`, and a time after it): a timestamp, which reaches the API server
    // rewritten (`2024-01-01T00:00:00Z`).
    let mut parts = value.splitn(3, '-');
    let date = matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(year), Some(month), Some(rest))
            if year.len() == 4
                && year.bytes().all(|b| b.is_ascii_digit())
                && (1..=2).contains(&month.len())
                && month.bytes().all(|b| b.is_ascii_digit())
                && {
                    let day: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    let after = &rest[day.len()..];
                    (1..=2).contains(&day.len())
                        && (after.is_empty() || after.starts_with(['T', 't', ' ']))
                }
    );
    date.then_some("a timestamp")
}

/// A workload's `spec.selector` as a label selector: `matchLabels` only (expressions are not
/// simulated), required and not empty, of valid pairs.
pub(super) fn match_labels(
    check: &mut Checker<'_>,
    selector: Option<RawLabelSelector>,
) -> BTreeMap<String, String> {
    let Some(selector) = selector else {
        check.missing("spec.selector");
        return BTreeMap::new();
    };
    if selector
        .match_expressions
        .as_ref()
        .is_some_and(|e| !e.is_null())
    {
        check.invalid(
            "spec.selector.matchExpressions",
            "matchLabels only (matchExpressions are not simulated)",
            "matchExpressions",
        );
    }
    let labels = selector.match_labels.unwrap_or_default();
    if labels.is_empty() {
        check.missing("spec.selector.matchLabels");
    }
    check_labels(check, "spec.selector.matchLabels", &labels);
    labels
}

/// `IsQualifiedName`: `[prefix/]name`.
pub(super) fn is_qualified_name(key: &str) -> bool {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    let prefix_ok = prefix.is_none_or(|prefix| NameRule::Dns1123Subdomain.accepts(prefix));
    prefix_ok && !name.is_empty() && is_label_value(name)
}

/// `IsValidLabelValue`: empty, or at most 63 alphanumerics, `-`, `_` and `.`, alphanumeric at
/// both ends.
fn is_label_value(value: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    value.is_empty()
        || (value.len() <= 63
            && value
                .chars()
                .all(|c| alnum(c) || matches!(c, '-' | '_' | '.'))
            && value.starts_with(alnum)
            && value.ends_with(alnum))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_qualified_names() {
        let long = "a".repeat(63);
        let too_long = "a".repeat(64);
        let cases: &[(&str, bool, &str)] = &[
            ("app", true, "a plain name"),
            ("App_1.x-y", true, "upper case, '_', '.' and '-' inside"),
            ("app.kubernetes.io/name", true, "a prefix"),
            (
                "kubernetes.io/service-name",
                true,
                "the EndpointSlice label",
            ),
            (&long, true, "63 characters"),
            (&too_long, false, "64 characters"),
            ("", false, "empty"),
            ("-app", false, "starts with '-'"),
            ("app_", false, "ends with '_'"),
            ("my app", false, "a space"),
            ("a/b/c", false, "two slashes"),
            ("/app", false, "an empty prefix"),
            ("example.com/", false, "an empty name"),
            ("Example.com/app", false, "the prefix is lower case"),
            (
                "ex_ample.com/app",
                false,
                "the prefix is a DNS-1123 subdomain",
            ),
        ];
        for (key, accepted, why) in cases {
            assert_eq!(is_qualified_name(key), *accepted, "{key:?}: {why}");
        }
    }

    #[test]
    fn plain_scalars_yaml_1_1_reads_as_something_else() {
        // goyaml.v2's resolve table: these booleans and integers, which YAML 1.2 reads as
        // strings; everything YAML 1.2 already reads as a number or boolean is refused anyway.
        let table = [
            ("yes", Some("a boolean")),
            ("No", Some("a boolean")),
            ("OFF", Some("a boolean")),
            ("y", Some("a boolean")),
            ("017", Some("an integer")),
            ("1_000", Some("an integer")),
            ("0b101", Some("an integer")),
            ("-017", Some("an integer")),
            ("0", None),
            ("089", Some("a number")),
            ("1_0.5", Some("a number")),
            ("2024-01-01", Some("a timestamp")),
            ("2001-12-14t21:59:43.10-05:00", Some("a timestamp")),
            ("2024-01", None),
            ("1.5", None),
            ("yess", None),
            ("web", None),
            ("a_b", None),
            ("_", None),
        ];
        for (value, expected) in table {
            assert_eq!(super::yaml_1_1_reading(value), expected, "{value}");
        }
    }

    #[test]
    fn values_may_be_empty_but_not_odd() {
        let cases: &[(&str, bool)] = &[
            ("", true),
            ("web", true),
            ("v1.2_3-a", true),
            ("1", true),
            ("-web", false),
            ("web.", false),
            ("a b", false),
            ("é", false),
            (&"a".repeat(64), false),
        ];
        for (value, accepted) in cases {
            assert_eq!(is_label_value(value), *accepted, "{value:?}");
        }
    }

    #[test]
    fn problems_name_the_pair_and_what_is_wrong() {
        let labels: BTreeMap<String, String> = [("my app", "ok"), ("tier", "-web"), ("fine", "")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(
            selector_problems("spec.selector", &labels),
            vec![
                (
                    "spec.selector[my app]".to_owned(),
                    KEY.to_owned(),
                    "\"my app\"".to_owned()
                ),
                (
                    "spec.selector[tier]".to_owned(),
                    VALUE.to_owned(),
                    "\"-web\"".to_owned()
                ),
            ]
        );
    }
}
