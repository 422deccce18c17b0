//! `template CLASS TYPE [ZONES…] { match REGEX…; answer RR…; additional RR…; authority RR…;
//! rcode CODE; fallthrough [ZONES…]; upstream }`, read as CoreDNS's `plugin/template/setup.go`
//! reads it: each directive one template.
//!
//! The records are Go templates. The simulator runs the part of `text/template` that Corefiles
//! use: text, `{{ .Name }}`, `.Zone`, `.Class`, `.Type`, `.Regex`, `.Remote`, `.Match`,
//! `.Group` and `.Group.NAME`, `index ITEM KEY…`, `parseInt TEXT BASE BITS`, string and number
//! constants, parentheses, `{{-`/`-}}` trimming and `{{/* comments */}}`. Anything else
//! (`.Message`, `.Question`, `.Var`, `.Meta`, variables, pipes, `if`/`range`, other functions)
//! is an error naming the line, rather than an answer that might differ from CoreDNS's. A
//! field the data does not have (`.Grup`) fails when the template runs, as in Go: SERVFAIL.

use std::str::FromStr;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{DNSClass, Name, RecordType};

use super::kubernetes::zones_of;
use super::lexer::Token;
use super::regexes::{Refusal, Regexes};
use super::stanza::{Option_, Stanza};
use super::{CorefileError, CorefileErrorKind};
use crate::config::{
    Fallthrough, RrTemplate, TemplateExpr as Expr, TemplatePiece as Piece, TemplateRegex,
    TemplateRule,
};

/// setup.go `maxRegexpLen`.
const MAX_REGEX_LEN: usize = 10_000;

/// The options `template` takes, for messages.
const OPTIONS: &str = "one of match, answer, additional, authority, rcode, fallthrough, upstream (var, expr and ederror are not simulated)";

/// Reads one `template` directive: one template.
pub(super) fn read(
    stanza: &Stanza,
    block_zones: &[Name],
    regexes: &mut Regexes,
) -> Result<TemplateRule, CorefileError> {
    let [class, qtype, zones @ ..] = stanza.args.as_slice() else {
        return Err(stanza.wrong_count("CLASS TYPE [ZONES…]"));
    };
    let class = match class.text.as_str() {
        "*" => None,
        text => DNSClass::from_str(text).ok(),
    }
    .ok_or_else(|| invalid_arg(class, "a class: IN, CH, HS, NONE or ANY"))?;
    let qtype = RecordType::from_str(&qtype.text)
        .ok()
        .filter(|qtype| !matches!(qtype, RecordType::Unknown(_)))
        .ok_or_else(|| invalid_arg(qtype, "a type such as A, AAAA or ANY"))?;
    let zones = if zones.is_empty() {
        block_zones.to_vec()
    } else {
        zones_of("template", "template", zones)?
    };
    let mut rule = TemplateRule {
        class,
        qtype,
        zones,
        regexes: Vec::new(),
        answer: Vec::new(),
        additional: Vec::new(),
        authority: Vec::new(),
        rcode: ResponseCode::NoError,
        fallthrough: Fallthrough::Off,
    };
    for option in &stanza.options {
        match option.name.text.as_str() {
            "match" => {
                if option.args.is_empty() {
                    return Err(option.wrong_count("template", "one or more regular expressions"));
                }
                for arg in &option.args {
                    rule.regexes.push(regex(option, &arg.text, regexes)?);
                }
            }
            section @ ("answer" | "additional" | "authority") => {
                if option.args.is_empty() {
                    return Err(option.wrong_count("template", "one or more records"));
                }
                let mut records = Vec::new();
                for arg in &option.args {
                    records.push(parse(&arg.text).map_err(|why| {
                        option.invalid("template", &format!("a record template ({why})"), &arg.text)
                    })?);
                }
                match section {
                    "answer" => rule.answer.extend(records),
                    "additional" => rule.additional.extend(records),
                    _ => rule.authority.extend(records),
                }
            }
            "rcode" => {
                let [code] = option.args.as_slice() else {
                    return Err(option.wrong_count("template", "one response code"));
                };
                rule.rcode = rcode(&code.text).ok_or_else(|| {
                    option.invalid(
                        "template",
                        "a response code: NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED, YXDOMAIN, YXRRSET, NXRRSET, NOTAUTH or NOTZONE",
                        &code.text,
                    )
                })?;
            }
            "fallthrough" => {
                let zones = zones_of("template", "fallthrough", &option.args)?;
                rule.fallthrough = if zones.is_empty() || zones.iter().any(Name::is_root) {
                    Fallthrough::All
                } else {
                    Fallthrough::Zones(zones)
                };
            }
            // setup.go: accepted and ignored (the targets of CNAMEs are always looked up).
            "upstream" => {}
            _ => return Err(option.unknown("template", OPTIONS)),
        }
    }
    if rule.regexes.is_empty() {
        rule.regexes.push(match_all(stanza, regexes)?);
    }
    Ok(rule)
}

fn invalid_arg(arg: &Token, expected: &str) -> CorefileError {
    CorefileError::new(
        arg.line,
        CorefileErrorKind::InvalidValue {
            directive: "template".to_owned(),
            option: "template".to_owned(),
            expected: expected.to_owned(),
            found: arg.text.clone(),
        },
    )
}

/// The `match` of a template without one: `.*`, charged as any other expression.
fn match_all(stanza: &Stanza, regexes: &mut Regexes) -> Result<TemplateRegex, CorefileError> {
    regexes.compile(".*").map(TemplateRegex).map_err(|refusal| {
        let left = match refusal {
            Refusal::TooBig { left } => left,
            Refusal::Syntax(_) => 0,
        };
        CorefileError::new(
            stanza.line(),
            CorefileErrorKind::InvalidValue {
                directive: "template".to_owned(),
                option: "match".to_owned(),
                expected: Refusal::too_big(left),
                found: "the `.*` of a template without `match`".to_owned(),
            },
        )
    })
}

/// A `match` expression (RE2 syntax, at most 10000 bytes as setup.go allows).
fn regex(
    option: &Option_,
    text: &str,
    regexes: &mut Regexes,
) -> Result<TemplateRegex, CorefileError> {
    if text.len() > MAX_REGEX_LEN {
        return Err(option.invalid(
            "template",
            "a regular expression of at most 10000 bytes",
            &format!("{}…", prefix(text, 40)),
        ));
    }
    match regexes.compile(text) {
        Ok(regex) => Ok(TemplateRegex(regex)),
        Err(Refusal::Syntax(why)) => Err(option.invalid(
            "template",
            &format!("a regular expression in Go's RE2 syntax ({why})"),
            text,
        )),
        Err(Refusal::TooBig { left }) => {
            let shown = if text.len() > 40 {
                format!("{}…", prefix(text, 40))
            } else {
                text.to_owned()
            };
            Err(option.invalid("template", &Refusal::too_big(left), &shown))
        }
    }
}

/// The first `max` bytes of `text`, cut at a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// miekg/dns `StringToRcode`, the codes a reply header holds without EDNS.
fn rcode(text: &str) -> Option<ResponseCode> {
    Some(match text {
        "NOERROR" => ResponseCode::NoError,
        "FORMERR" => ResponseCode::FormErr,
        "SERVFAIL" => ResponseCode::ServFail,
        "NXDOMAIN" => ResponseCode::NXDomain,
        "NOTIMP" | "NOTIMPL" => ResponseCode::NotImp,
        "REFUSED" => ResponseCode::Refused,
        "YXDOMAIN" => ResponseCode::YXDomain,
        "YXRRSET" => ResponseCode::YXRRSet,
        "NXRRSET" => ResponseCode::NXRRSet,
        "NOTAUTH" => ResponseCode::NotAuth,
        "NOTZONE" => ResponseCode::NotZone,
        _ => return None,
    })
}

/// Parses a record template: text and `{{ actions }}`.
///
/// # Errors
/// Why the template is not one the simulator runs (a Go syntax error, or an action outside the
/// supported part of the language).
pub(crate) fn parse(source: &str) -> Result<RrTemplate, String> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut rest = source;
    let mut trim_next = false;
    while let Some(open) = rest.find("{{") {
        let mut text = &rest[..open];
        if trim_next {
            text = text.trim_start();
        }
        let mut inner = &rest[open + 2..];
        let close = inner
            .find("}}")
            .ok_or_else(|| "an action `{{` is not closed by `}}`".to_owned())?;
        let after = &inner[close + 2..];
        inner = &inner[..close];
        // `{{- ` trims the space before, ` -}}` the space after.
        if let Some(stripped) = inner.strip_prefix('-')
            && stripped.starts_with(char::is_whitespace)
        {
            text = text.trim_end();
            inner = stripped;
        }
        trim_next = false;
        if let Some(stripped) = inner.strip_suffix('-')
            && stripped.ends_with(char::is_whitespace)
        {
            trim_next = true;
            inner = stripped;
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text.to_owned()));
        }
        let action = inner.trim();
        if !(action.starts_with("/*") && action.ends_with("*/") && action.len() >= 4) {
            pieces.push(Piece::Value(action_of(action)?));
        }
        rest = after;
    }
    let text = if trim_next { rest.trim_start() } else { rest };
    if !text.is_empty() {
        pieces.push(Piece::Text(text.to_owned()));
    }
    Ok(RrTemplate {
        source: source.to_owned(),
        pieces,
    })
}

/// One token of an action.
#[derive(Debug, Clone, PartialEq)]
enum Word {
    Field(Vec<String>),
    Ident(String),
    Str(String),
    Int(i64),
    Open,
    Close,
    Other(String),
}

fn action_of(text: &str) -> Result<Expr, String> {
    if text.is_empty() {
        return Err("an empty action `{{ }}`".to_owned());
    }
    let words = words(text)?;
    let mut at = 0;
    let expr = command(&words, &mut at)?;
    if let Some(word) = words.get(at) {
        return Err(format!("`{}` after the action's value", show(word)));
    }
    Ok(expr)
}

/// A command: an operand, or a function and its arguments, up to `)` or the end.
fn command(words: &[Word], at: &mut usize) -> Result<Expr, String> {
    let Some(first) = words.get(*at) else {
        return Err("an empty command".to_owned());
    };
    *at += 1;
    let function = match first {
        Word::Ident(name) => name.clone(),
        _ => {
            let operand = operand_of(first, words, at)?;
            return match words.get(*at) {
                None | Some(Word::Close) => Ok(operand),
                Some(Word::Other(bar)) if bar == "|" => {
                    Err("pipelines (`|`) are not simulated".to_owned())
                }
                Some(word) => Err(format!(
                    "`{}` after a value that is not a function",
                    show(word)
                )),
            };
        }
    };
    let mut args = Vec::new();
    while let Some(word) = words.get(*at) {
        if *word == Word::Close {
            break;
        }
        *at += 1;
        args.push(operand_of(word, words, at)?);
    }
    match function.as_str() {
        // Go checks the number of arguments when the template runs.
        "index" => Ok(Expr::Index(args)),
        "parseInt" => Ok(Expr::ParseInt(args)),
        "true" | "false" | "nil" => Err(format!("the constant `{function}` is not simulated")),
        "and" | "or" | "not" | "len" | "print" | "printf" | "println" | "eq" | "ne" | "lt"
        | "le" | "gt" | "ge" | "html" | "js" | "urlquery" | "slice" | "call" => Err(format!(
            "the function `{function}` is not simulated (only index and parseInt are)"
        )),
        "if" | "range" | "with" | "else" | "end" | "define" | "template" | "block" | "break"
        | "continue" => Err(format!("`{function}` actions are not simulated")),
        _ => Err(format!("`{function}` is not a defined function")),
    }
}

/// An argument: a field, a constant, or `( command )`.
fn operand_of(word: &Word, words: &[Word], at: &mut usize) -> Result<Expr, String> {
    match word {
        Word::Field(path) => {
            if let Some(first) = path.first()
                && matches!(first.as_str(), "Message" | "Question" | "Var" | "Meta")
            {
                return Err(format!("`.{first}` is not simulated"));
            }
            if path.is_empty() {
                return Err("`.` (the whole data) is not simulated".to_owned());
            }
            Ok(Expr::Field(path.clone()))
        }
        Word::Str(text) => Ok(Expr::Str(text.clone())),
        Word::Int(value) => Ok(Expr::Int(*value)),
        Word::Open => {
            let inner = command(words, at)?;
            if words.get(*at) != Some(&Word::Close) {
                return Err("a `(` is not closed".to_owned());
            }
            *at += 1;
            Ok(inner)
        }
        Word::Ident(name) => Err(format!(
            "the function `{name}` as an argument needs parentheses"
        )),
        Word::Close => Err("an unexpected `)`".to_owned()),
        Word::Other(text) if text == "|" => Err("pipelines (`|`) are not simulated".to_owned()),
        Word::Other(text) if text.starts_with('$') => {
            Err(format!("variables (`{text}`) are not simulated"))
        }
        Word::Other(text) => Err(format!("`{text}` is not simulated")),
    }
}

fn show(word: &Word) -> String {
    match word {
        Word::Field(path) => format!(".{}", path.join(".")),
        Word::Ident(text) | Word::Other(text) => text.clone(),
        Word::Str(text) => format!("{text:?}"),
        Word::Int(value) => value.to_string(),
        Word::Open => "(".to_owned(),
        Word::Close => ")".to_owned(),
    }
}

/// Splits an action into words (Go's template lexer, for the part simulated).
fn words(text: &str) -> Result<Vec<Word>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            _ if c.is_whitespace() => i += 1,
            '(' => {
                words.push(Word::Open);
                i += 1;
            }
            ')' => {
                words.push(Word::Close);
                i += 1;
            }
            '"' => {
                let mut value = String::new();
                i += 1;
                loop {
                    let Some(&c) = chars.get(i) else {
                        return Err("a string constant is not closed".to_owned());
                    };
                    i += 1;
                    match c {
                        '"' => break,
                        '\\' => {
                            let escaped = chars.get(i).copied().unwrap_or('\\');
                            i += 1;
                            value.push(match escaped {
                                'n' => '\n',
                                't' => '\t',
                                other => other,
                            });
                        }
                        other => value.push(other),
                    }
                }
                words.push(Word::Str(value));
            }
            '`' => {
                let start = i + 1;
                let end = chars[start..]
                    .iter()
                    .position(|&c| c == '`')
                    .ok_or_else(|| "a raw string constant is not closed".to_owned())?;
                words.push(Word::Str(chars[start..start + end].iter().collect()));
                i = start + end + 1;
            }
            '.' if chars.get(i + 1).is_none_or(|next| !next.is_ascii_digit()) => {
                let mut path = Vec::new();
                while chars.get(i) == Some(&'.') {
                    i += 1;
                    let start = i;
                    while chars
                        .get(i)
                        .is_some_and(|c| c.is_alphanumeric() || *c == '_')
                    {
                        i += 1;
                    }
                    let name: String = chars[start..i].iter().collect();
                    if name.is_empty() {
                        if path.is_empty() && chars.get(i).is_none_or(|c| c.is_whitespace()) {
                            break;
                        }
                        return Err("a field name after `.` is missing".to_owned());
                    }
                    path.push(name);
                }
                words.push(Word::Field(path));
            }
            _ if c.is_ascii_digit() || c == '-' || c == '+' => {
                let start = i;
                i += 1;
                while chars.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
                    i += 1;
                }
                let number: String = chars[start..i].iter().collect();
                let value = number
                    .parse::<i64>()
                    .map_err(|_| format!("the number `{number}` is not simulated"))?;
                words.push(Word::Int(value));
            }
            _ if c.is_alphabetic() || c == '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_')
                {
                    i += 1;
                }
                words.push(Word::Ident(chars[start..i].iter().collect()));
            }
            _ => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| !c.is_whitespace() && !matches!(c, '(' | ')'))
                {
                    i += 1;
                }
                words.push(Word::Other(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(path: &[&str]) -> Expr {
        Expr::Field(path.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn templates_parse_into_text_and_values() {
        let cases: &[(&str, Vec<Piece>)] = &[
            (
                "{{ .Name }} 60 IN A 10.0.0.1",
                vec![
                    Piece::Value(field(&["Name"])),
                    Piece::Text(" 60 IN A 10.0.0.1".to_owned()),
                ],
            ),
            (
                "x {{- .Group.sub -}} y",
                vec![
                    Piece::Text("x".to_owned()),
                    Piece::Value(field(&["Group", "sub"])),
                    Piece::Text("y".to_owned()),
                ],
            ),
            (
                "{{ index .Match 1 }}{{/* note */}}",
                vec![Piece::Value(Expr::Index(vec![
                    field(&["Match"]),
                    Expr::Int(1),
                ]))],
            ),
            (
                "{{ parseInt (index .Group \"b\") 16 8 }}",
                vec![Piece::Value(Expr::ParseInt(vec![
                    Expr::Index(vec![field(&["Group"]), Expr::Str("b".to_owned())]),
                    Expr::Int(16),
                    Expr::Int(8),
                ]))],
            ),
            // Unknown fields fail when the template runs, as in Go (setup_test.go `.Grup.d`).
            ("{{ .Grup.d }}", vec![Piece::Value(field(&["Grup", "d"]))]),
        ];
        for (source, pieces) in cases {
            assert_eq!(&parse(source).unwrap().pieces, pieces, "{source}");
        }
    }

    #[test]
    fn templates_outside_the_simulated_language_are_refused() {
        for source in [
            "{{",
            "{{ notAFunction }}",
            "{{ .Message.Id }}",
            "{{ .Question.Name }}",
            "{{ .Var.ip }}",
            "{{ .Meta \"kubernetes/client-namespace\" }}",
            "{{ $x := 1 }}",
            "{{ .Name | printf \"%s\" }}",
            "{{ if .Name }}x{{ end }}",
            "{{ printf \"%s\" .Name }}",
            "{{ . }}",
        ] {
            assert!(parse(source).is_err(), "{source} parsed");
        }
    }
}
