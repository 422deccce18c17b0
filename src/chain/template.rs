//! The `template` plugin (CoreDNS `plugin/template/template.go`): answers written as Go
//! templates, for the questions its class, type, zones and regexes match.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};
use hickory_proto::serialize::txt::Parser;

use super::Request;
use crate::answer::{Answer, Outcome};
use crate::config::{
    RrTemplate, TemplateConfig, TemplateExpr as Expr, TemplatePiece as Piece, TemplateRule,
};

/// Rule 48: the plugin's `ServeDNS`. `None` when it passes the question on: the name is in
/// none of its templates' zones, or every template whose zones hold it skips it (another class
/// or type, or no regex matching with `fallthrough` covering the name).
pub(super) fn serve(
    config: &TemplateConfig,
    request: &Request,
    resolve: &dyn Fn(&Name, RecordType) -> Option<Answer>,
) -> Option<Answer> {
    // request.Name(): lower-cased.
    let name = request.name.to_lowercase();
    let in_zones = |rule: &TemplateRule| rule.zones.iter().any(|zone| zone.zone_of(&name));
    if !config.templates.iter().any(in_zones) {
        return None;
    }
    for rule in &config.templates {
        match matched(rule, request, &name) {
            Matched::Skip => {}
            // No regex matched and no fallthrough: SERVFAIL, written by the server.
            Matched::Fail => return Some(Answer::empty(Outcome::ServFail)),
            Matched::Data(data) => return Some(answer(rule, &data, request.qtype, resolve)),
        }
    }
    None
}

/// What one template makes of a question.
enum Matched {
    /// Not its question (zone, class, type), or no regex matched within its `fallthrough`.
    Skip,
    /// No regex matched, outside its `fallthrough`.
    Fail,
    /// A regex matched: the template's data.
    Data(Data),
}

/// The data a template runs on (template.go `templateData`, the fields simulated).
struct Data {
    zone: String,
    name: String,
    regex: String,
    matches: Vec<String>,
    groups: BTreeMap<String, String>,
    class: String,
    qtype: String,
    remote: String,
}

/// template.go `match`.
fn matched(rule: &TemplateRule, request: &Request, name: &Name) -> Matched {
    let Some(zone) = rule
        .zones
        .iter()
        .filter(|zone| zone.zone_of(name))
        .max_by_key(|zone| zone.num_labels())
    else {
        return Matched::Skip;
    };
    if rule.class != DNSClass::ANY && request.class != DNSClass::ANY && request.class != rule.class
    {
        return Matched::Skip;
    }
    if rule.qtype != RecordType::ANY
        && request.qtype != RecordType::ANY
        && request.qtype != rule.qtype
    {
        return Matched::Skip;
    }
    let text = name.to_ascii();
    for regex in &rule.regexes {
        let Some(captures) = regex.0.captures(text.as_bytes()) else {
            continue;
        };
        let matches: Vec<String> = (0..captures.len())
            .map(|index| {
                captures
                    .get(index)
                    .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
                    .unwrap_or_default()
            })
            .collect();
        let mut groups: BTreeMap<String, String> = matches
            .iter()
            .enumerate()
            .map(|(index, value)| (index.to_string(), value.clone()))
            .collect();
        for (index, group) in regex.0.capture_names().enumerate() {
            if let (Some(group), Some(value)) = (group, matches.get(index)) {
                groups.insert(group.to_owned(), value.clone());
            }
        }
        // A question of class or type ANY is described by the template's own.
        let class = if request.class == DNSClass::ANY {
            rule.class
        } else {
            request.class
        };
        let qtype = if request.qtype == RecordType::ANY {
            rule.qtype
        } else {
            request.qtype
        };
        return Matched::Data(Data {
            zone: zone.to_ascii(),
            name: text,
            regex: regex.as_str().to_owned(),
            matches,
            groups,
            class: class.to_string(),
            qtype: qtype.to_string(),
            remote: request.client.ip().to_string(),
        });
    }
    if rule.fallthrough.covers(name) {
        Matched::Skip
    } else {
        Matched::Fail
    }
}

/// Rule 49: the reply a matching template writes.
fn answer(
    rule: &TemplateRule,
    data: &Data,
    qtype: RecordType,
    resolve: &dyn Fn(&Name, RecordType) -> Option<Answer>,
) -> Answer {
    // rcode SERVFAIL is returned without writing a reply.
    if rule.rcode == ResponseCode::ServFail {
        return Answer::empty(Outcome::ServFail);
    }
    // A template that fails to run, or whose text is not a record: SERVFAIL, not written.
    build(rule, data, qtype, resolve).unwrap_or_else(|_| Answer::empty(Outcome::ServFail))
}

fn build(
    rule: &TemplateRule,
    data: &Data,
    qtype: RecordType,
    resolve: &dyn Fn(&Name, RecordType) -> Option<Answer>,
) -> Result<Answer, String> {
    let mut answers = Vec::new();
    let mut truncated = false;
    for template in &rule.answer {
        let record = record(template, data)?;
        let target = match &record.data {
            RData::CNAME(target) if matches!(qtype, RecordType::A | RecordType::AAAA) => {
                Some(target.0.clone())
            }
            _ => None,
        };
        answers.push(record);
        // The CNAME's target is asked of the whole server (upstream.Lookup), its answer
        // section appended.
        if let Some(target) = target
            && let Some(up) = resolve(&target, qtype)
        {
            truncated = up.truncated;
            answers.extend(up.answers);
        }
    }
    let additionals = records(&rule.additional, data)?;
    let authorities = records(&rule.authority, data)?;
    let outcome = Outcome::of(rule.rcode, !answers.is_empty());
    let mut answer = Answer::new(outcome, answers, authorities, additionals, true);
    answer.truncated = truncated;
    Ok(answer)
}

fn records(templates: &[RrTemplate], data: &Data) -> Result<Vec<Record>, String> {
    templates
        .iter()
        .map(|template| record(template, data))
        .collect()
}

/// Runs a template and reads its text as miekg/dns `NewRR` does: names relative to the root,
/// TTL 3600 and class IN when none is written, the first record of the text.
fn record(template: &RrTemplate, data: &Data) -> Result<Record, String> {
    let text = render(template, data)?;
    let input = format!("$ORIGIN .\n$TTL 3600\n{text}\n");
    let (_, sets) = Parser::new(input, None, Some(Name::root()))
        .parse()
        .map_err(|error| error.to_string())?;
    sets.values()
        .flat_map(|set| set.records_without_rrsigs())
        .next()
        .cloned()
        .ok_or_else(|| format!("`{text}` holds no record"))
}

/// Executes a template (Go's `Execute`, for the simulated part of the language).
fn render(template: &RrTemplate, data: &Data) -> Result<String, String> {
    let mut out = String::new();
    for piece in &template.pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Value(expr) => {
                let value = eval(expr, data)?;
                print(&value, &mut out);
            }
        }
    }
    Ok(out)
}

/// A value while a template runs.
enum Value {
    Str(String),
    Int(i64),
    Uint(u64),
    List(Vec<String>),
    Map(BTreeMap<String, String>),
    /// A map's missing key, reached as a field (`.Group.nope`): printed `<no value>`.
    Missing,
}

/// Prints as Go's `fmt.Print` does.
fn print(value: &Value, out: &mut String) {
    match value {
        Value::Str(text) => out.push_str(text),
        Value::Int(number) => {
            let _ = write!(out, "{number}");
        }
        Value::Uint(number) => {
            let _ = write!(out, "{number}");
        }
        Value::List(items) => {
            let _ = write!(out, "[{}]", items.join(" "));
        }
        Value::Map(map) => {
            let pairs: Vec<String> = map.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            let _ = write!(out, "map[{}]", pairs.join(" "));
        }
        Value::Missing => out.push_str("<no value>"),
    }
}

fn eval(expr: &Expr, data: &Data) -> Result<Value, String> {
    match expr {
        Expr::Str(text) => Ok(Value::Str(text.clone())),
        Expr::Int(number) => Ok(Value::Int(*number)),
        Expr::Field(path) => {
            let mut fields = path.iter();
            let Some(first) = fields.next() else {
                return Err("no field".to_owned());
            };
            let mut value = match first.as_str() {
                "Zone" => Value::Str(data.zone.clone()),
                "Name" => Value::Str(data.name.clone()),
                "Regex" => Value::Str(data.regex.clone()),
                "Class" => Value::Str(data.class.clone()),
                "Type" => Value::Str(data.qtype.clone()),
                "Remote" => Value::Str(data.remote.clone()),
                "Match" => Value::List(data.matches.clone()),
                "Group" => Value::Map(data.groups.clone()),
                other => return Err(format!("can't evaluate field {other}")),
            };
            for field in fields {
                value = match value {
                    Value::Map(map) => map.get(field).cloned().map_or(Value::Missing, Value::Str),
                    _ => return Err(format!("can't evaluate field {field}")),
                };
            }
            Ok(value)
        }
        Expr::Index(args) => {
            let Some((item, keys)) = args.split_first() else {
                return Err("wrong number of args for index".to_owned());
            };
            let mut value = eval(item, data)?;
            for key in keys {
                value = match (value, eval(key, data)?) {
                    (Value::List(items), Value::Int(at)) => usize::try_from(at)
                        .ok()
                        .and_then(|at| items.get(at).cloned())
                        .map(Value::Str)
                        .ok_or_else(|| format!("index out of range: {at}"))?,
                    // A missing key is the zero value.
                    (Value::Map(map), Value::Str(key)) => {
                        Value::Str(map.get(&key).cloned().unwrap_or_default())
                    }
                    _ => return Err("can't index item".to_owned()),
                };
            }
            Ok(value)
        }
        Expr::ParseInt(args) => {
            let [text, base, bits] = args.as_slice() else {
                return Err("wrong number of args for parseInt".to_owned());
            };
            let (Value::Str(text), Value::Int(base), Value::Int(bits)) =
                (eval(text, data)?, eval(base, data)?, eval(bits, data)?)
            else {
                return Err("wrong type of argument for parseInt".to_owned());
            };
            parse_uint(&text, base, bits).map(Value::Uint)
        }
    }
}

/// Go's `strconv.ParseUint(text, base, bits)`.
fn parse_uint(text: &str, base: i64, bits: i64) -> Result<u64, String> {
    let invalid = || format!("strconv.ParseUint: parsing {text:?}: invalid syntax");
    let bits = match bits {
        0 => 64,
        1..=64 => u32::try_from(bits).map_err(|_| invalid())?,
        _ => return Err(format!("invalid bit size {bits}")),
    };
    let (digits, base) = match base {
        0 => {
            let lower = text.to_ascii_lowercase();
            let (digits, base) = if let Some(rest) = lower.strip_prefix("0x") {
                (rest.to_owned(), 16)
            } else if let Some(rest) = lower.strip_prefix("0o") {
                (rest.to_owned(), 8)
            } else if let Some(rest) = lower.strip_prefix("0b") {
                (rest.to_owned(), 2)
            } else if lower.len() > 1 && lower.starts_with('0') {
                (lower[1..].to_owned(), 8)
            } else {
                (lower, 10)
            };
            (digits.replace('_', ""), base)
        }
        2..=36 => (text.to_owned(), u32::try_from(base).map_err(|_| invalid())?),
        _ => return Err(format!("invalid base {base}")),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(invalid());
    }
    let value = u64::from_str_radix(&digits, base).map_err(|_| invalid())?;
    if bits < 64 && value >> bits != 0 {
        return Err(format!(
            "strconv.ParseUint: parsing {text:?}: value out of range"
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::parse_uint;

    #[test]
    fn parse_uint_is_gos() {
        assert_eq!(parse_uint("5f", 16, 8), Ok(95));
        assert_eq!(parse_uint("0x1f", 0, 64), Ok(31));
        assert!(parse_uint("gg", 16, 8).is_err());
        assert!(parse_uint("+1", 10, 8).is_err());
        assert!(parse_uint("100", 16, 8).is_err());
        assert!(parse_uint("", 10, 8).is_err());
    }
}
