//! `rewrite [continue|stop] FIELD …`, read as CoreDNS's `plugin/rewrite/setup.go` and
//! `newRule` (`rewrite.go`, `name.go`) read it: each directive one rule; a directive with fewer
//! than two arguments on its line takes its block's tokens, every line of it, as its arguments
//! (`rewrite stop { name regex … \n answer name … }`).

use std::str::FromStr;

use hickory_proto::rr::{DNSClass, RecordType};

use super::lexer::Token;
use super::parser::Directive;
use super::regexes::{Refusal, Regexes};
use super::stanza;
use super::{CorefileError, CorefileErrorKind};
use crate::config::{
    AnswerRewrite, AnswerTarget, NameMatch, NameRewrite, NotSimulated, Pattern, RewriteConfig,
    RewriteField, RewriteNext, RewriteRule,
};

/// CoreDNS's `maxRegexpLen`: a longer expression is refused.
const MAX_PATTERN_LEN: usize = 10_000;

/// Reads every `rewrite` directive of a block, one rule each, in order.
pub(super) fn read(
    directives: &[&Directive],
    notes: &mut Vec<NotSimulated>,
    regexes: &mut Regexes,
) -> Result<RewriteConfig, CorefileError> {
    let mut rules = Vec::new();
    for directive in directives {
        rules.push(rule(directive, notes, regexes)?);
    }
    Ok(RewriteConfig { rules })
}

fn rule(
    directive: &Directive,
    notes: &mut Vec<NotSimulated>,
    regexes: &mut Regexes,
) -> Result<RewriteRule, CorefileError> {
    let stanza = stanza::read(directive)?;
    let line = stanza.line();
    let mut args: Vec<Token> = stanza.args.clone();
    if args.len() < 2 {
        for option in &stanza.options {
            args.push(option.name.clone());
            args.extend(option.args.iter().cloned());
        }
    } else if let Some(option) = stanza.options.first() {
        return Err(invalid(
            &option.name,
            "a rule on the directive's line or in its block, not both",
        ));
    }
    let Some(first) = args.first() else {
        return Err(stanza.wrong_count("a rule: [continue|stop] FIELD FROM TO …"));
    };
    let (next, rest) = match first.text.to_ascii_lowercase().as_str() {
        "continue" => (RewriteNext::Continue, &args[1..]),
        "stop" => (RewriteNext::Stop, &args[1..]),
        _ => (RewriteNext::Stop, &args[..]),
    };
    let Some((field, rest)) = rest.split_first() else {
        return Err(count(
            first,
            "a rule type after it (name, type, class, edns0, ttl, cname or rcode)",
            &[],
        ));
    };
    let field_name = field.text.to_ascii_lowercase();
    let field = match field_name.as_str() {
        "answer" => {
            return Err(invalid(
                field,
                "a rule type such as `name` (an `answer` rewrite follows a name rule)",
            ));
        }
        "name" => RewriteField::Name(name_rule(field, rest, regexes)?),
        "type" => {
            let [from, to] = two(field, rest)?;
            RewriteField::Type {
                from: record_type(from)?,
                to: record_type(to)?,
            }
        }
        "class" => {
            let [from, to] = two(field, rest)?;
            RewriteField::Class {
                from: class(from)?,
                to: class(to)?,
            }
        }
        "edns0" | "ttl" | "cname" | "rcode" => {
            notes.push(NotSimulated {
                line,
                directive: format!("rewrite/{field_name}"),
                reason: not_simulated_reason(&field_name).to_owned(),
            });
            RewriteField::NotSimulated { field: field_name }
        }
        _ => {
            return Err(invalid(
                field,
                "a rule type: name, type, class, edns0, ttl, cname or rcode",
            ));
        }
    };
    Ok(RewriteRule { line, next, field })
}

fn not_simulated_reason(field: &str) -> &'static str {
    match field {
        "edns0" => "EDNS0 options are not simulated: the rule is read and never applied",
        "ttl" => "TTL rewrites are not simulated: answers keep the TTLs the plugins gave them",
        "cname" => {
            "CNAME target rewrites are not simulated: CNAME targets are not changed or chased"
        }
        _ => "rcode rewrites are not simulated: replies keep their response codes",
    }
}

/// `name [exact|prefix|suffix|substring|regex] FROM TO [answer auto|answer name|value FROM TO …]`
/// (`newNameRule`).
fn name_rule(
    field: &Token,
    args: &[Token],
    regexes: &mut Regexes,
) -> Result<NameRewrite, CorefileError> {
    let expected = "[exact|prefix|suffix|substring|regex] FROM TO [answer …]";
    let (matching, from, to) = match args {
        [from, to] => (NameMatch::Exact, normalize(&from.text), normalize(&to.text)),
        [kind, from, to, ..] => {
            let matching = match kind.text.to_ascii_lowercase().as_str() {
                "exact" => NameMatch::Exact,
                "prefix" => NameMatch::Prefix,
                "suffix" => NameMatch::Suffix,
                "substring" => NameMatch::Substring,
                "regex" => NameMatch::Regex,
                _ => {
                    return Err(invalid(
                        kind,
                        "a match type: exact, prefix, suffix, substring or regex",
                    ));
                }
            };
            if matching == NameMatch::Regex {
                (matching, from.text.clone(), to.text.clone())
            } else {
                (matching, normalize(&from.text), normalize(&to.text))
            }
        }
        _ => return Err(count(field, expected, args)),
    };
    let (auto, answers) = match args.get(3..) {
        Some(rest) if !rest.is_empty() => answer_rules(field, rest, regexes)?,
        _ => (false, Vec::new()),
    };
    let pattern = match matching {
        NameMatch::Regex => Some(pattern(&args[1], &args[2].text, regexes)?),
        NameMatch::Exact => {
            // CoreDNS checks an exact rule's TO as an expression too (`isValidRegexPattern(to,
            // from)`), so a TO that is not one is refused.
            let to_token = if args.len() == 2 { &args[1] } else { &args[2] };
            pattern(to_token, &from, regexes)?;
            None
        }
        _ => None,
    };
    Ok(NameRewrite {
        matching,
        // An exact rule always puts the reply back (`newExactNameRule`).
        auto: auto || matching == NameMatch::Exact,
        to: if matching == NameMatch::Regex {
            normalize(&to)
        } else {
            to
        },
        from,
        pattern,
        answers,
    })
}

/// The `answer` options after a name rule (`parseAnswerRules`): `answer` before the first,
/// optional before the others.
fn answer_rules(
    field: &Token,
    args: &[Token],
    regexes: &mut Regexes,
) -> Result<(bool, Vec<AnswerRewrite>), CorefileError> {
    let expected = "answer auto, or answer name|value FROM TO, after the name rule's FROM TO";
    if args.len() < 2 {
        return Err(count(field, expected, args));
    }
    let mut auto = false;
    let mut answers = Vec::new();
    let mut names = 0;
    let mut index = 0;
    let mut first = true;
    while index < args.len() {
        if first && args[index].text != "answer" {
            return Err(invalid(&args[index], "`answer` (or the end of the rule)"));
        }
        first = false;
        if args[index].text == "answer" {
            index += 1;
        }
        let Some(kind) = args.get(index) else {
            return Err(count(field, "auto, name or value after `answer`", args));
        };
        index += 1;
        let target = match kind.text.as_str() {
            "auto" => {
                auto = true;
                continue;
            }
            "name" => AnswerTarget::Name,
            "value" => AnswerTarget::Value,
            _ => return Err(invalid(kind, "an answer rewrite: auto, name or value")),
        };
        let (Some(from), Some(to)) = (args.get(index), args.get(index + 1)) else {
            return Err(count(kind, "two arguments: FROM TO", &args[index..]));
        };
        index += 2;
        if target == AnswerTarget::Name {
            names += 1;
        }
        answers.push(AnswerRewrite {
            target,
            pattern: pattern(from, &to.text, regexes)?,
            to: normalize(&to.text),
        });
    }
    if auto && names > 0 {
        return Err(invalid(
            field,
            "either `answer auto` or `answer name FROM TO`, not both",
        ));
    }
    Ok((auto, answers))
}

/// Compiles `from` (Go's `isValidRegexPattern`): at most 10000 characters, RE2 syntax, and
/// `to` uses no more `{N}` groups than it has.
fn pattern(from: &Token, to: &str, regexes: &mut Regexes) -> Result<Pattern, CorefileError> {
    if from.text.len() > MAX_PATTERN_LEN {
        return Err(invalid(
            from,
            "a regular expression of at most 10000 characters",
        ));
    }
    let compiled = match regexes.compile(&from.text) {
        Ok(regex) => Pattern::new(regex),
        Err(Refusal::Syntax(_)) => {
            return Err(invalid(
                from,
                "a regular expression (RE2 syntax, as Go's regexp)",
            ));
        }
        Err(Refusal::TooBig { left }) => return Err(invalid(from, &Refusal::too_big(left))),
    };
    let used = (0..=100)
        .filter(|group| to.contains(&format!("{{{group}}}")))
        .count();
    if used > compiled.groups() {
        return Err(invalid(
            from,
            &format!("an expression with as many groups as `{to}` uses ({used})"),
        ));
    }
    Ok(compiled)
}

/// CoreDNS's `plugin.Name(s).Normalize()`: lower-case, with a final dot.
fn normalize(text: &str) -> String {
    let mut out = text.to_ascii_lowercase();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

fn record_type(token: &Token) -> Result<RecordType, CorefileError> {
    RecordType::from_str(&token.text.to_ascii_uppercase())
        .ok()
        .filter(|qtype| !matches!(qtype, RecordType::Unknown(_)))
        .ok_or_else(|| invalid(token, "a record type such as A, AAAA or ANY"))
}

fn class(token: &Token) -> Result<DNSClass, CorefileError> {
    match token.text.to_ascii_uppercase().as_str() {
        "IN" => Ok(DNSClass::IN),
        "CH" => Ok(DNSClass::CH),
        "HS" => Ok(DNSClass::HS),
        "NONE" => Ok(DNSClass::NONE),
        "ANY" => Ok(DNSClass::ANY),
        _ => Err(invalid(token, "a class: IN, CH, HS, NONE or ANY")),
    }
}

/// Exactly two arguments after a `type` or `class` field.
fn two<'a>(field: &Token, args: &'a [Token]) -> Result<[&'a Token; 2], CorefileError> {
    match args {
        [from, to] => Ok([from, to]),
        _ => Err(count(field, "two arguments: FROM TO", args)),
    }
}

fn invalid(token: &Token, expected: &str) -> CorefileError {
    CorefileError::new(
        token.line,
        CorefileErrorKind::InvalidValue {
            directive: "rewrite".to_owned(),
            option: "rewrite".to_owned(),
            expected: expected.to_owned(),
            found: token.text.clone(),
        },
    )
}

fn count(field: &Token, expected: &str, found: &[Token]) -> CorefileError {
    CorefileError::new(
        field.line,
        CorefileErrorKind::WrongArgumentCount {
            directive: "rewrite".to_owned(),
            option: field.text.clone(),
            expected: expected.to_owned(),
            found: found.iter().map(|t| t.text.clone()).collect(),
        },
    )
}
