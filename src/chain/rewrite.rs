//! The `rewrite` plugin (CoreDNS `plugin/rewrite/rewrite.go`, `name.go`, `type.go`,
//! `class.go`, `reverter.go`): the question changed for the plugins after it, and the reply
//! put back on the way out (`docs/coredns-rules.md` rules 51–54).
//!
//! The rules are tried in order on the question as the rules before them left it; one that
//! matches rewrites it and, with `stop`, ends the tries. Each matching `name` rule leaves
//! response rules behind, applied to every record of the reply in the reverse order (the last
//! rewrite is undone first). The reply's question is the client's, as the server writes it from
//! the query, so it needs no restoring here.

use hickory_proto::rr::{Name, RData, Record};

use super::Request;
use crate::answer::{Answer, Outcome};
use crate::config::{
    AnswerTarget, NameMatch, NameRewrite, Pattern, RewriteConfig, RewriteField, RewriteNext,
};

/// A string rewrite of the reply (CoreDNS's `stringRewriter`s).
#[derive(Debug)]
enum Rewriter<'a> {
    /// `remapStringRewriter`: the rewritten name, or a name below it, back to the asked one.
    Remap { rewritten: String, asked: String },
    /// `suffixStringRewriter`: a name ending in `suffix` gets `replacement` instead.
    Suffix {
        suffix: &'a str,
        replacement: &'a str,
    },
    /// `regexStringRewriter`: a name the expression matches becomes the template, expanded.
    Regex {
        pattern: &'a Pattern,
        template: &'a str,
    },
}

impl Rewriter<'_> {
    fn rewrite(&self, text: &str) -> Option<String> {
        match self {
            Rewriter::Remap { rewritten, asked } => {
                if text == rewritten {
                    return Some(asked.clone());
                }
                let cut = text.len().checked_sub(rewritten.len())?;
                (cut > 0 && text.ends_with(rewritten.as_str()) && text[..cut].ends_with('.'))
                    .then(|| format!("{}{asked}", &text[..cut]))
            }
            Rewriter::Suffix {
                suffix,
                replacement,
            } => text
                .strip_suffix(*suffix)
                .map(|before| format!("{before}{replacement}")),
            Rewriter::Regex { pattern, template } => pattern.expand(text, template),
        }
    }
}

/// One response rule: a rewriter for owner names or for names in record data.
#[derive(Debug)]
struct Revert<'a> {
    target: AnswerTarget,
    rewriter: Rewriter<'a>,
}

/// Rules 51–54: the reply, and whether the plugin wrote it itself (only the SERVFAIL of a
/// rewrite to a name that is not one). `noted` is told the question before and after, `name
/// type class`, when a rule matched, before the plugins after it are asked.
pub(super) fn serve(
    config: &RewriteConfig,
    request: &Request,
    next: &dyn Fn(&Request) -> Answer,
    noted: &dyn Fn(String, String),
) -> (Answer, bool) {
    let mut asked = request.clone();
    let mut reverts = Vec::new();
    let mut matched = false;
    for rule in &config.rules {
        let done = match &rule.field {
            RewriteField::Name(name) => {
                let current = lower_text(&asked.name);
                let Some(new) = rewrite_name(name, &current) else {
                    continue;
                };
                // rewrite.go: a name that is not a domain name is SERVFAIL.
                let Some(parsed) = domain_name(&new) else {
                    return (Answer::empty(Outcome::ServFail), true);
                };
                reverts.extend(response_rules(name, new, current));
                asked.name = parsed;
                true
            }
            RewriteField::Type { from, to } if asked.qtype == *from => {
                asked.qtype = *to;
                true
            }
            RewriteField::Class { from, to } if asked.class == *from => {
                asked.class = *to;
                true
            }
            _ => false,
        };
        if done {
            matched = true;
            if rule.next == RewriteNext::Stop {
                break;
            }
        }
    }
    if matched {
        noted(describe(request), describe(&asked));
    }
    let mut answer = next(&asked);
    if !reverts.is_empty() {
        for record in answer
            .authorities
            .iter_mut()
            .chain(answer.answers.iter_mut())
            .chain(answer.additionals.iter_mut())
        {
            for revert in reverts.iter().rev() {
                apply(revert, record);
            }
        }
    }
    (answer, false)
}

/// `name type class` of a question, as the explanation words it.
fn describe(request: &Request) -> String {
    format!("{} {} {}", request.name, request.qtype, request.class)
}

/// The name as CoreDNS's `state.Name()` gives it: presentation form, lower-case, final dot.
fn lower_text(name: &Name) -> String {
    let mut text = name.to_ascii().to_ascii_lowercase();
    if !text.ends_with('.') {
        text.push('.');
    }
    text
}

/// miekg/dns `IsDomainName` as far as the simulator needs it: a name hickory accepts, with no
/// empty label inside it.
fn domain_name(text: &str) -> Option<Name> {
    if text.is_empty() || (text != "." && text.contains("..")) {
        return None;
    }
    let mut name = Name::from_ascii(text).ok()?;
    name.set_fqdn(true);
    Some(name)
}

/// The question name a `name` rule makes of `current`; `None` when it does not match.
fn rewrite_name(rule: &NameRewrite, current: &str) -> Option<String> {
    match rule.matching {
        NameMatch::Exact => (current == rule.from).then(|| rule.to.clone()),
        NameMatch::Prefix => current
            .strip_prefix(rule.from.as_str())
            .map(|after| format!("{}{after}", rule.to)),
        NameMatch::Suffix => current
            .strip_suffix(rule.from.as_str())
            .map(|before| format!("{before}{}", rule.to)),
        NameMatch::Substring => current
            .contains(rule.from.as_str())
            .then(|| current.replace(rule.from.as_str(), &rule.to)),
        NameMatch::Regex => rule.pattern.as_ref()?.expand(current, &rule.to),
    }
}

/// The response rules a matching `name` rule leaves (`responseRuleFor`, `newSuffixNameRule`):
/// with `answer auto` (always for `exact`), owner names and data names equal to the rewritten
/// name or below it go back to the asked one, except that a `suffix` rule swaps its suffix
/// back on any name; then the `answer name|value` rules.
fn response_rules<'a>(rule: &'a NameRewrite, rewritten: String, asked: String) -> Vec<Revert<'a>> {
    let mut out = Vec::new();
    if rule.auto {
        for target in [AnswerTarget::Name, AnswerTarget::Value] {
            let rewriter = match rule.matching {
                NameMatch::Suffix => Rewriter::Suffix {
                    suffix: &rule.to,
                    replacement: &rule.from,
                },
                _ => Rewriter::Remap {
                    rewritten: rewritten.clone(),
                    asked: asked.clone(),
                },
            };
            out.push(Revert { target, rewriter });
        }
    }
    out.extend(rule.answers.iter().map(|answer| Revert {
        target: answer.target,
        rewriter: Rewriter::Regex {
            pattern: &answer.pattern,
            template: &answer.to,
        },
    }));
    out
}

/// Applies one response rule to a record (`nameRewriterResponseRule`,
/// `valueRewriterResponseRule` with `getRecordValueForRewrite`).
fn apply(revert: &Revert<'_>, record: &mut Record) {
    match revert.target {
        AnswerTarget::Name => {
            if let Some(name) = rewrite(&revert.rewriter, &record.name) {
                record.name = name;
            }
        }
        AnswerTarget::Value => {
            let target = match &mut record.data {
                RData::CNAME(cname) => &mut cname.0,
                RData::NS(ns) => &mut ns.0,
                RData::PTR(ptr) => &mut ptr.0,
                RData::MX(mx) => &mut mx.exchange,
                RData::SRV(srv) => &mut srv.target,
                RData::NAPTR(naptr) => &mut naptr.replacement,
                RData::SOA(soa) => &mut soa.mname,
                _ => return,
            };
            if let Some(name) = rewrite(&revert.rewriter, target) {
                *target = name;
            }
        }
    }
}

/// A name rewritten as text (case kept, as CoreDNS compares the strings); `None` when it is
/// unchanged, or when the result is not a name (left as it was).
fn rewrite(rewriter: &Rewriter<'_>, name: &Name) -> Option<Name> {
    let text = name.to_ascii();
    let new = rewriter.rewrite(&text)?;
    if new == text {
        return None;
    }
    domain_name(&new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remap_maps_the_name_and_names_below_it_at_a_label_boundary() {
        let remap = Rewriter::Remap {
            rewritten: "mysql.default.svc.cluster.local.".to_owned(),
            asked: "db.example.com.".to_owned(),
        };
        // (rule, text, rewritten) [S: name.go remapStringRewriter]
        let cases = [
            (
                "53 the name itself",
                "mysql.default.svc.cluster.local.",
                Some("db.example.com."),
            ),
            (
                "53 a name below it",
                "_tcp.mysql.default.svc.cluster.local.",
                Some("_tcp.db.example.com."),
            ),
            (
                "53 not at a label boundary",
                "xmysql.default.svc.cluster.local.",
                None,
            ),
            ("53 another name", "cluster.local.", None),
        ];
        for (rule, text, want) in cases {
            assert_eq!(remap.rewrite(text).as_deref(), want, "{rule}");
        }
    }

    #[test]
    fn suffix_swaps_to_back_for_from_on_any_name() {
        let suffix = Rewriter::Suffix {
            suffix: "nginx.coredns.rocks.",
            replacement: ".ingress.coredns.rocks.",
        };
        // [T: TestRewriteNamePrefixSuffixAutoAnswer, the last row]
        assert_eq!(
            suffix.rewrite("corednsnginx.coredns.rocks.").as_deref(),
            Some("coredns.ingress.coredns.rocks."),
            "53"
        );
        assert_eq!(suffix.rewrite("coredns.rocks."), None, "53");
    }

    #[test]
    fn an_empty_label_is_not_a_domain_name() {
        assert!(domain_name("a..b.").is_none(), "52");
        assert!(domain_name("").is_none(), "52");
        assert_eq!(
            domain_name("a.b").map(|n| n.to_ascii()).as_deref(),
            Some("a.b."),
            "52"
        );
        assert!(domain_name(".").is_some_and(|n| n.is_root()), "52");
    }
}
