//! `k8s-dns-sim`: cluster DNS from plain manifests, on the command line and in CI.
//!
//! ```text
//! cargo install k8s-dns-sim --features cli
//! k8s-dns-sim dig -f manifests/ web.default.svc.cluster.local
//! k8s-dns-sim zone -f manifests/ --json
//! k8s-dns-sim lint manifests/*.yaml --severity warning
//! ```
//!
//! `dig` is the `dig` example (`k8s_dns_sim::dig`), `zone` the `zone` example's listing with
//! dig's inputs and configuration choice; `explain` is dig's question with
//! `k8s_dns_sim::explain`'s explanation, `lint` the findings of `k8s_dns_sim::lint`, `graph`
//! the picture of `k8s_dns_sim::graph`. Every command prints JSON with `--json`, input that does
//! not load too (`{"failure": "load", "errors": [{"line": …, "object": …, "field": …}]}` on
//! standard output). Exit status:
//! 0 done, 1 lint findings at or above `--severity`, 2 a bad argument or input that does not
//! load.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use k8s_dns_sim::dig::{
    self, ConfigChoice, DigError, DigOptions, Exchange, GraphFormat, Invocation, Loaded,
    ManifestSource,
};
use k8s_dns_sim::explain::{Explanation, ObjectAt};
use k8s_dns_sim::graph::Graph;
use k8s_dns_sim::hickory_proto::rr::Record;
use k8s_dns_sim::lint::{Finding, Severity};
use serde_json::{Value, json};

const HELP: &str = "\
usage: k8s-dns-sim COMMAND [options]

Kubernetes cluster DNS answered from plain manifests, as CoreDNS's kubernetes plugin answers.

Commands:
  dig -f FILE... NAME [TYPE] [+option...]   ask one question, print the reply as dig does
                                            (k8s-dns-sim dig --help lists its options)
  zone -f FILE... [ZONE]                    list the zone (cluster.local by default) in the
                                            order of a zone transfer
  explain -f FILE... NAME [TYPE]            how the answer to NAME came about
  lint [-f] FILE... [--severity LEVEL]      the findings about the manifests; exits 1 when
                                            one is at LEVEL or above (error by default;
                                            warning, info)
  graph [-f] FILE... [--namespace NS] [--format mermaid|dot]
                                            the linking of Services, endpoints and Pods

Options every command takes:
  -f FILE, --file FILE   manifests (-f - standard input, -f DIR/ every *.yaml, *.yml, *.json
                         in DIR); lint and graph also take the files without -f
  --corefile FILE        answer with this Corefile
  --plugin-defaults      answer with the kubernetes plugin's own defaults
                         (without either: the input's coredns ConfigMap, else kubeadm's
                         default Corefile)
  --json                 print JSON
  -h, --help             print this help (or the command's)
  --version              print the version

Exit status: 0 done, 1 lint findings at or above --severity, 2 a bad argument or input that
does not load.
";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(command) = args.next() else {
        eprintln!(
            "k8s-dns-sim: no command: dig, zone, explain, lint or graph (k8s-dns-sim --help lists the commands)"
        );
        return ExitCode::from(2);
    };
    let rest: Vec<String> = args.collect();
    let json = rest.iter().any(|arg| arg == "--json");
    let result = match command.as_str() {
        "-h" | "--help" | "help" => {
            print!("{HELP}");
            Ok(ExitCode::SUCCESS)
        }
        "--version" | "-V" => {
            println!("k8s-dns-sim {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        // `--version` is an option every command takes, as the help says.
        "dig" | "zone" | "explain" | "lint" | "graph"
            if rest.iter().any(|arg| arg == "--version" || arg == "-V") =>
        {
            println!("k8s-dns-sim {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        "dig" => run_dig(rest),
        "zone" | "explain" | "lint" | "graph" => match parse(&command, rest) {
            Ok(Parsed::Help) => {
                print!("{}", command_help(&command));
                Ok(ExitCode::SUCCESS)
            }
            Ok(Parsed::Command(command)) => run(&command),
            Err(error) => Err(Failure::Usage(error)),
        },
        other => Err(Failure::Usage(format!(
            "unknown command {other:?}: dig, zone, explain, lint or graph"
        ))),
    };
    // `--json` asks for data: a failure to load is data too, on standard output, where a script
    // reads the result (a bad command line stays a line on standard error).
    match result {
        Ok(code) => code,
        // `k8s-dns-sim … | head`: the reader has what it wanted.
        Err(Failure::Dig(error)) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(Failure::Dig(error)) if json => {
            let value = failure_json(&error);
            let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
            println!("{text}");
            ExitCode::from(2)
        }
        Err(Failure::Usage(line)) => {
            let prefix = match command.as_str() {
                "dig" | "zone" | "explain" | "lint" | "graph" => format!("k8s-dns-sim {command}"),
                _ => "k8s-dns-sim".to_owned(),
            };
            eprintln!("{prefix}: {line} (k8s-dns-sim --help lists the commands)");
            ExitCode::from(2)
        }
        Err(Failure::Zone(error)) => {
            eprintln!("k8s-dns-sim {command}: {error}");
            ExitCode::from(2)
        }
        Err(Failure::Dig(error)) => {
            eprintln!("k8s-dns-sim {command}: {error}");
            ExitCode::from(2)
        }
    }
}

/// `k8s-dns-sim COMMAND --help`: the command's line of the help, and the options every
/// command takes (`dig --help` is dig's own, longer list).
fn command_help(command: &str) -> String {
    let commands = &HELP[HELP.find("Commands:\n").unwrap_or(0)..];
    let options = &HELP[HELP.find("Options every command takes:").unwrap_or(0)..];
    // The command's entry: its usage, then its description after a run of spaces, continued
    // on the lines indented under it.
    let mut lines = commands
        .lines()
        .skip_while(|line| !line.trim_start().starts_with(&format!("{command} ")));
    let first = lines.next().unwrap_or(command).trim_start();
    let (usage, description) = first.split_once("   ").unwrap_or((first, ""));
    let mut words = vec![description.trim()];
    words.extend(
        lines
            .take_while(|line| line.starts_with("          "))
            .map(str::trim),
    );
    let description = words.join(" ");
    let mut chars = description.trim().chars();
    let description: String = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    format!(
        "usage: k8s-dns-sim {}\n\n{description}.\n\n{options}",
        usage.trim_end()
    )
}

/// Why a command printed no result.
enum Failure {
    /// A bad command line: one line.
    Usage(String),
    /// Input that does not load, a bad name, or output that cannot be written.
    Dig(DigError),
    /// A zone this server does not list.
    Zone(k8s_dns_sim::ZoneError),
}

impl From<DigError> for Failure {
    fn from(error: DigError) -> Self {
        Failure::Dig(error)
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Failure::Dig(DigError::Output(error))
    }
}

/// `dig`: the example's command line and output; `--json` prints the exchange instead.
fn run_dig(args: Vec<String>) -> Result<ExitCode, Failure> {
    let options = match DigOptions::parse(args) {
        Ok(Invocation::Help) => {
            print!("{}", dig::HELP);
            return Ok(ExitCode::SUCCESS);
        }
        Ok(Invocation::Dig(options)) => options,
        Err(error) => return Err(Failure::Usage(error.to_string())),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if options.json && options.name.is_empty() {
        return Err(Failure::Usage(
            "--json needs a name to ask (for the picture or the findings as JSON: k8s-dns-sim graph --json, k8s-dns-sim lint --json)".to_owned(),
        ));
    }
    if !options.json {
        dig::run(
            &options,
            &mut std::io::stdin().lock(),
            &mut out,
            &mut std::io::stderr().lock(),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut walk = Vec::new();
    let (loaded, exchange) = dig::ask(&options, &mut std::io::stdin().lock(), &mut walk)?;
    let mut value = match &exchange {
        Some(exchange) => exchange_json(&loaded, exchange),
        None => json!({ "config": loaded.source.to_string() }),
    };
    if options.pod.is_some() {
        value["pod_walk"] = Value::String(String::from_utf8_lossy(&walk).into_owned());
    }
    print_json(&mut out, &value)?;
    Ok(ExitCode::SUCCESS)
}

/// The exchange as JSON: the question, the rcode and flags, the three sections (records as
/// name, TTL, class, type and data in presentation format), the reason line, the size.
fn exchange_json(loaded: &Loaded, exchange: &Exchange) -> Value {
    let reply = &exchange.reply;
    let question: Vec<Value> = reply
        .queries
        .iter()
        .map(|query| {
            json!({
                "name": query.name().to_string(),
                "class": query.query_class().to_string(),
                "type": query.query_type().to_string(),
            })
        })
        .collect();
    let flags: Vec<&str> = [
        (reply.authoritative, "aa"),
        (reply.truncation, "tc"),
        (reply.recursion_desired, "rd"),
        (reply.recursion_available, "ra"),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .map(|(_, flag)| *flag)
    .collect();
    json!({
        "question": question,
        "status": dig::status_name(reply.response_code),
        "id": reply.id,
        "flags": flags,
        "edns_udp_size": reply.edns.as_ref().map(|edns| edns.max_payload()),
        "answer": records_json(&reply.answers),
        "authority": records_json(&reply.authorities),
        "additional": records_json(&reply.additionals),
        "reason": dig::reason_line(&loaded.dns, exchange),
        "transport": exchange.transport.to_string(),
        "retried_over_tcp": exchange.retried_over_tcp,
        "server": exchange.nameserver.map(|server| server.to_string()),
        "config": loaded.source.to_string(),
        "size": exchange.size,
    })
}

fn records_json(records: &[Record]) -> Value {
    records
        .iter()
        .map(|record| {
            json!({
                "name": record.name.to_string(),
                "ttl": record.ttl,
                "class": record.dns_class.to_string(),
                "type": record.record_type().to_string(),
                "data": dig::rdata_text(&record.data),
            })
        })
        .collect()
}

fn print_json(out: &mut dyn Write, value: &Value) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

/// The commands other than `dig`, read.
#[derive(Debug)]
enum Command {
    /// `zone [ZONE]`.
    Zone { inputs: Inputs, zone: String },
    /// `explain NAME [TYPE]`: dig's question, with the explanation.
    Explain { options: Box<DigOptions> },
    /// `lint FILE...`.
    Lint { inputs: Inputs, severity: Severity },
    /// `graph FILE...`.
    Graph {
        inputs: Inputs,
        namespace: Option<String>,
        format: GraphFormat,
    },
}

enum Parsed {
    Help,
    Command(Command),
}

/// What every command reads: the manifests, the configuration, `--json`.
#[derive(Debug, Default)]
struct Inputs {
    manifests: Vec<ManifestSource>,
    config: ConfigChoice,
    json: bool,
}

fn parse(command: &str, args: Vec<String>) -> Result<Parsed, String> {
    if command == "explain" {
        // dig's own question syntax (name, type, -x, +tcp, a pod's view …).
        return match DigOptions::parse(args) {
            Ok(Invocation::Help) => Ok(Parsed::Help),
            Ok(Invocation::Dig(mut options)) => {
                options.explain = true;
                Ok(Parsed::Command(Command::Explain { options }))
            }
            Err(error) => Err(error.to_string()),
        };
    }
    let mut inputs = Inputs::default();
    let mut corefile = None;
    let mut plugin_defaults = false;
    let mut severity = Severity::Error;
    let mut namespace = None;
    let mut format = GraphFormat::Mermaid;
    let mut positional = Vec::new();
    let mut rest = args.into_iter();
    while let Some(arg) = rest.next() {
        let mut value = |what: &str| rest.next().ok_or_else(|| format!("{arg} needs {what}"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "-f" | "--file" => {
                let path = value("a file (or - for standard input, or a folder)")?;
                inputs.manifests.push(source(path));
            }
            "--corefile" => corefile = Some(PathBuf::from(value("a file")?)),
            "--plugin-defaults" => plugin_defaults = true,
            "--json" => inputs.json = true,
            "--severity" if command == "lint" => {
                let level = value("error, warning or info")?;
                severity = match level.as_str() {
                    "error" => Severity::Error,
                    "warning" => Severity::Warning,
                    "info" => Severity::Info,
                    _ => return Err(format!("--severity: error, warning or info, not {level:?}")),
                };
            }
            "--namespace" | "-n" if command == "graph" => namespace = Some(value("a namespace")?),
            "--format" if command == "graph" => {
                let name = value("mermaid or dot")?;
                format = match name.as_str() {
                    "mermaid" => GraphFormat::Mermaid,
                    "dot" => GraphFormat::Dot,
                    _ => return Err(format!("--format: mermaid or dot, not {name:?}")),
                };
            }
            flag if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!("unknown option {flag}"));
            }
            _ => positional.push(arg),
        }
    }
    inputs.config = match (corefile, plugin_defaults) {
        (Some(_), true) => {
            return Err(
                "--corefile and --plugin-defaults name two configurations: give one".to_owned(),
            );
        }
        (Some(path), false) => ConfigChoice::Corefile(path),
        (None, true) => ConfigChoice::PluginDefaults,
        (None, false) => ConfigChoice::FromInput,
    };
    if matches!(command, "lint" | "graph") {
        // `k8s-dns-sim lint manifests/*.yaml`: the shell's files are the manifests.
        inputs.manifests.extend(positional.drain(..).map(source));
    }
    if inputs.manifests.is_empty() {
        return Err(
            "no manifests: give -f FILE (or -f - for standard input, -f DIR/ for a folder)"
                .to_owned(),
        );
    }
    Ok(Parsed::Command(match command {
        "zone" => {
            let zone = match positional.as_slice() {
                [] => "cluster.local".to_owned(),
                [zone] => zone.clone(),
                [first, second, ..] => {
                    return Err(format!("one zone at a time: {first:?} and {second:?}"));
                }
            };
            Command::Zone { inputs, zone }
        }
        "lint" => Command::Lint { inputs, severity },
        _ => Command::Graph {
            inputs,
            namespace,
            format,
        },
    }))
}

fn source(path: String) -> ManifestSource {
    if path == "-" {
        ManifestSource::Stdin
    } else {
        ManifestSource::Path(PathBuf::from(path))
    }
}

fn run(command: &Command) -> Result<ExitCode, Failure> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match command {
        Command::Zone { inputs, zone } => {
            let loaded = dig::load(
                &inputs.manifests,
                &inputs.config,
                &mut std::io::stdin().lock(),
            )?;
            if inputs.json {
                let records = loaded.dns.zone_records(zone).map_err(Failure::Zone)?;
                let value = json!({
                    "zone": zone,
                    "config": loaded.source.to_string(),
                    "records": records_json(&records),
                });
                print_json(&mut out, &value)?;
            } else {
                write!(
                    out,
                    "{}",
                    loaded.dns.zone_file(zone).map_err(Failure::Zone)?
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { options } => run_explain(options, &mut out),
        Command::Lint { inputs, severity } => {
            let loaded = dig::load(
                &inputs.manifests,
                &inputs.config,
                &mut std::io::stdin().lock(),
            )?;
            for file in &loaded.skipped_files {
                eprintln!(
                    "k8s-dns-sim lint: {file}: no Kubernetes manifest (no top-level kind), left out"
                );
            }
            let findings = loaded.dns.lint();
            if inputs.json {
                let value = json!({
                    "config": loaded.source.to_string(),
                    "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
                });
                print_json(&mut out, &value)?;
            } else if findings.is_empty() {
                writeln!(out, "no findings")?;
            } else {
                writeln!(out, "{}", k8s_dns_sim::lint::render(&findings))?;
            }
            let failing = findings.iter().any(|finding| finding.severity >= *severity);
            Ok(if failing {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Graph {
            inputs,
            namespace,
            format,
        } => {
            let loaded = dig::load(
                &inputs.manifests,
                &inputs.config,
                &mut std::io::stdin().lock(),
            )?;
            let text = Graph::new(&loaded.dns, namespace.as_deref()).render(*format);
            if inputs.json {
                let value = json!({
                    "namespace": namespace,
                    "format": format.to_string(),
                    "diagram": text,
                });
                print_json(&mut out, &value)?;
            } else {
                write!(out, "{text}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `explain`: dig's question and reply, then the explanation (`--json`: the explanation as
/// data, with the reply's status).
fn run_explain(options: &DigOptions, out: &mut dyn Write) -> Result<ExitCode, Failure> {
    if !options.json {
        let mut options = options.clone();
        options.explain = true;
        dig::run(
            &options,
            &mut std::io::stdin().lock(),
            out,
            &mut std::io::stderr().lock(),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut walk = Vec::new();
    let (loaded, exchange) = dig::ask(options, &mut std::io::stdin().lock(), &mut walk)?;
    let Some(exchange) = exchange else {
        return Err(Failure::Dig(DigError::NoReply));
    };
    let Some(explanation) = dig::explain_exchange(&loaded.dns, &exchange) else {
        return Err(Failure::Dig(DigError::NoReply));
    };
    let mut value = explanation_json(&explanation);
    value["reply"] = exchange_json(&loaded, &exchange);
    print_json(out, &value)?;
    Ok(ExitCode::SUCCESS)
}

fn object_json(object: &ObjectAt) -> Value {
    json!({
        "object": object.object.to_string(),
        "kind": object.object.kind.to_string(),
        "namespace": object.object.namespace,
        "name": object.object.name,
        "location": (!object.location.is_unknown()).then(|| object.location.to_string()),
    })
}

/// An explanation as data: each step's rule, objects, decision and endpoints left out, and
/// the near misses with their fixes.
fn explanation_json(explanation: &Explanation) -> Value {
    let steps: Vec<Value> = explanation
        .steps
        .iter()
        .map(|step| {
            json!({
                "depth": step.depth,
                "rule": step.rule.map(|rule| json!({"number": rule.number, "title": rule.title})),
                "decision": step.decision,
                "objects": step.objects.iter().map(object_json).collect::<Vec<_>>(),
                "left_out": step.left_out.iter().map(|left| json!({
                    "slice": left.slice.to_string(),
                    "address": left.address.to_string(),
                    "reason": format!("{:?}", left.reason),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let near: Vec<Value> = explanation
        .near_misses
        .iter()
        .map(|miss| {
            json!({
                "what": miss.what,
                "objects": miss.objects.iter().map(object_json).collect::<Vec<_>>(),
                "fix": miss.fix,
            })
        })
        .collect();
    json!({
        "name": explanation.name.to_string(),
        "type": explanation.qtype.to_string(),
        "summary": explanation.summary(),
        "steps": steps,
        "near_misses": near,
    })
}

/// A lint finding as data.
/// Input that did not load, as data: each load error with its place (origin, document, item,
/// line, column), its object and its field; a Corefile or other failure as its message.
fn failure_json(error: &DigError) -> Value {
    let errors: Vec<Value> = match error {
        DigError::Load(errors) => errors
            .errors()
            .iter()
            .map(|error| {
                let location = &error.location;
                json!({
                    "message": error.to_string(),
                    "problem": error.kind.to_string(),
                    "origin": location.origin,
                    "document": location.document,
                    "item": location.item,
                    "line": location.line,
                    "column": location.column,
                    "object": error.object.as_ref().map(ToString::to_string),
                    "kind": error.object.as_ref().map(|object| object.kind.to_string()),
                    "namespace": error.object.as_ref().and_then(|object| object.namespace.clone()),
                    "name": error.object.as_ref().map(|object| object.name.clone()),
                    "field": error.field,
                })
            })
            .collect(),
        other => vec![json!({ "message": other.to_string() })],
    };
    let failure = match error {
        DigError::Load(_) => "load",
        DigError::Corefile { .. } => "corefile",
        DigError::Name { .. } => "name",
        _ => "input",
    };
    json!({ "failure": failure, "errors": errors })
}

fn finding_json(finding: &Finding) -> Value {
    json!({
        "code": finding.code,
        "severity": finding.severity.as_str(),
        "subjects": finding.subjects.iter().map(|subject| json!({
            "object": subject.object.as_ref().map(ToString::to_string),
            "location": (!subject.location.is_unknown()).then(|| subject.location.to_string()),
        })).collect::<Vec<_>>(),
        "problem": finding.problem,
        "effect": finding.effect,
        "fix": finding.fix,
    })
}
