//! `dig` against a simulated cluster: load manifests, ask one question, print the reply the
//! way dig prints it, followed by what the simulator noticed about the manifests.
//!
//! ```text
//! cargo run --example dig -- -f fixtures/seed-mysql.yaml mysql-svc.default.svc.cluster.local
//! cargo run --example dig -- -f fixtures/clusterip-vs-headless.yaml web-headless.default.svc.cluster.local A
//! cargo run --example dig -- -f a.yaml -f b.yaml --corefile Corefile --tcp --edns 1232 web.default SRV
//! cargo run --example dig -- -f fixtures/cluster-dump.yaml cart.shop.svc.cluster.local
//! ```
//!
//! Without `--corefile`, a dump that holds the ConfigMap `kube-system/coredns` is answered with
//! that ConfigMap's Corefile (`ClusterDns::from_cluster`), and the output says so; otherwise
//! with the plugin's defaults. `--corefile` always wins.
//!
//! The question goes through the same path a real client's would: it is encoded to wire bytes,
//! answered by `ClusterDns::handle_bytes` (UDP by default, so large replies are truncated), and
//! the reply bytes are decoded for printing.

use std::process::ExitCode;
use std::str::FromStr;

use k8s_dns_sim::hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use k8s_dns_sim::hickory_proto::rr::{Name, Record, RecordType};
use k8s_dns_sim::resolver::{ResolvConf, StubResolver};
use k8s_dns_sim::{ClusterBuilder, ClusterDns, Config, Transport};

const USAGE: &str = "usage: dig -f <manifests.yaml> [-f <more.yaml>...] [--corefile <Corefile>] \
[--tcp] [--edns <size>] [--pod-namespace <ns> [--resolver glibc|musl|go]] <name> [type]";

struct Options {
    manifests: Vec<String>,
    corefile: Option<String>,
    transport: Transport,
    edns: Option<u16>,
    pod_namespace: Option<String>,
    resolver: StubResolver,
    name: String,
    qtype: RecordType,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut manifests = Vec::new();
    let mut corefile = None;
    let mut transport = Transport::Udp;
    let mut edns = None;
    let mut pod_namespace = None;
    let mut resolver = StubResolver::Glibc;
    let mut positional = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-f" | "--file" => manifests.push(args.next().ok_or("-f needs a file")?),
            "--corefile" => corefile = Some(args.next().ok_or("--corefile needs a file")?),
            "--tcp" => transport = Transport::Tcp,
            "--edns" => {
                let size = args.next().ok_or("--edns needs a size")?;
                edns = Some(
                    size.parse()
                        .map_err(|_| format!("bad EDNS size {size:?}"))?,
                );
            }
            "--pod-namespace" => {
                pod_namespace = Some(args.next().ok_or("--pod-namespace needs a namespace")?);
            }
            "--resolver" => {
                resolver = match args.next().as_deref() {
                    Some("glibc") => StubResolver::Glibc,
                    Some("musl") => StubResolver::Musl,
                    Some("go") => StubResolver::Go,
                    other => return Err(format!("--resolver: glibc, musl or go, not {other:?}")),
                };
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ => positional.push(arg),
        }
    }
    if manifests.is_empty() {
        return Err(format!("no manifests given\n{USAGE}"));
    }
    let (name, qtype) = match positional.as_slice() {
        [name] => (name.clone(), RecordType::A),
        [name, qtype] => {
            let qtype = RecordType::from_str(&qtype.to_ascii_uppercase())
                .map_err(|_| format!("unknown record type {qtype:?}"))?;
            (name.clone(), qtype)
        }
        _ => return Err(format!("expected a name and an optional type\n{USAGE}")),
    };
    Ok(Options {
        manifests,
        corefile,
        transport,
        edns,
        pod_namespace,
        resolver,
        name,
        qtype,
    })
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|error| format!("{path}: {error}"))
}

/// Where the configuration came from, for the output.
enum ConfigSource {
    File(String),
    Embedded(String),
    Default,
}

fn build_server(options: &Options) -> Result<(ClusterDns, ConfigSource), String> {
    let mut builder = ClusterBuilder::new();
    for path in &options.manifests {
        builder
            .add_yaml(path, &read(path)?)
            .map_err(|errors| errors.to_string())?;
    }
    let cluster = builder.build().map_err(|errors| errors.to_string())?;
    match &options.corefile {
        Some(path) => {
            let config =
                Config::from_corefile(&read(path)?).map_err(|error| format!("{path}: {error}"))?;
            Ok((
                ClusterDns::new(cluster, config),
                ConfigSource::File(path.clone()),
            ))
        }
        None => {
            let source = match cluster.corefile() {
                Some(corefile) => ConfigSource::Embedded(format!(
                    "the Corefile of ConfigMap kube-system/coredns ({})",
                    corefile.location()
                )),
                None => ConfigSource::Default,
            };
            let dns = ClusterDns::from_cluster(cluster).map_err(|error| error.to_string())?;
            Ok((dns, source))
        }
    }
}

fn request(options: &Options) -> Result<Message, String> {
    let mut name = Name::from_ascii(&options.name)
        .map_err(|error| format!("{:?} is not a domain name: {error}", options.name))?;
    name.set_fqdn(true);
    let mut message = Message::new(0x2a2a, MessageType::Query, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.add_query(Query::query(name, options.qtype));
    if let Some(size) = options.edns {
        let mut edns = Edns::new();
        edns.set_max_payload(size);
        message.set_edns(edns);
    }
    Ok(message)
}

fn print_reply(options: &Options, source: &ConfigSource, reply: &Message, size: usize) {
    let question = &reply.queries;
    println!(
        "; <<>> k8s-dns-sim dig <<>> {} {}",
        options.name, options.qtype
    );
    println!(
        ";; ->>HEADER<<- opcode: {}, status: {}, id: {}",
        format!("{:?}", reply.op_code).to_uppercase(),
        status(reply.response_code),
        reply.id
    );
    let flags: Vec<&str> = [
        (reply.message_type == MessageType::Response, "qr"),
        (reply.authoritative, "aa"),
        (reply.truncation, "tc"),
        (reply.recursion_desired, "rd"),
        (reply.recursion_available, "ra"),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .map(|(_, flag)| *flag)
    .collect();
    println!(
        ";; flags: {}; QUERY: {}, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}",
        flags.join(" "),
        question.len(),
        reply.answers.len(),
        reply.authorities.len(),
        reply.additionals.len() + usize::from(reply.edns.is_some()),
    );
    if let Some(edns) = &reply.edns {
        println!(
            "\n;; OPT PSEUDOSECTION:\n; EDNS: version: {}, udp: {}",
            edns.version(),
            edns.max_payload()
        );
    }
    println!("\n;; QUESTION SECTION:");
    for query in question {
        println!(
            ";{}\t\t{}\t{}",
            query.name(),
            query.query_class(),
            query.query_type()
        );
    }
    print_section("ANSWER", &reply.answers);
    print_section("AUTHORITY", &reply.authorities);
    print_section("ADDITIONAL", &reply.additionals);
    println!(
        "\n;; SERVER: k8s-dns-sim (in-process, {})",
        options.transport
    );
    match source {
        ConfigSource::File(path) => println!(";; CONFIG: {path} (--corefile)"),
        ConfigSource::Embedded(what) => println!(";; CONFIG: {what}"),
        ConfigSource::Default => {
            println!(";; CONFIG: kubernetes plugin defaults (no --corefile, no coredns ConfigMap)");
        }
    }
    println!(";; MSG SIZE  rcvd: {size}");
}

/// The rcode as dig names it.
fn status(code: ResponseCode) -> String {
    match code {
        ResponseCode::NoError => "NOERROR".to_owned(),
        ResponseCode::FormErr => "FORMERR".to_owned(),
        ResponseCode::ServFail => "SERVFAIL".to_owned(),
        ResponseCode::NXDomain => "NXDOMAIN".to_owned(),
        ResponseCode::NotImp => "NOTIMP".to_owned(),
        ResponseCode::Refused => "REFUSED".to_owned(),
        other => format!("{other:?}").to_uppercase(),
    }
}

fn print_section(title: &str, records: &[Record]) {
    if records.is_empty() {
        return;
    }
    println!("\n;; {title} SECTION:");
    for record in records {
        println!(
            "{}\t{}\t{}\t{}\t{}",
            record.name,
            record.ttl,
            record.dns_class,
            record.record_type(),
            record.data
        );
    }
}

/// Walks the search list of a Pod in `namespace`, prints the walk, and returns the name that
/// ended it.
fn walk(dns: &ClusterDns, options: &Options, namespace: &str) -> Result<String, String> {
    let zone = dns
        .config()
        .zones
        .first()
        .map_or_else(|| "cluster.local".to_owned(), ToString::to_string);
    let pod = ResolvConf::cluster_first(namespace, &zone).map_err(|error| error.to_string())?;
    let resolution = dns
        .resolve(&pod, options.resolver, &options.name, options.qtype)
        .map_err(|error| error.to_string())?;
    println!(
        ";; Search-list walk ({:?}, a Pod in namespace {namespace}, ndots:{}):",
        options.resolver, pod.ndots
    );
    for line in resolution.to_string().lines() {
        println!(";;   {line}");
    }
    println!();
    resolution
        .attempts
        .last()
        .map(|attempt| attempt.name.to_string())
        .ok_or_else(|| "no name to try".to_owned())
}

fn run() -> Result<(), String> {
    let mut options = parse_args(std::env::args().skip(1))?;
    let (dns, source) = build_server(&options)?;
    if let Some(namespace) = options.pod_namespace.clone() {
        options.name = walk(&dns, &options, &namespace)?;
    }
    let request = request(&options)?;
    let bytes = request.to_vec().map_err(|error| error.to_string())?;
    let reply_bytes = dns.handle_bytes(&bytes, options.transport);
    let reply = Message::from_vec(&reply_bytes).map_err(|error| error.to_string())?;
    print_reply(&options, &source, &reply, reply_bytes.len());

    let cluster = dns.cluster();
    if !cluster.diagnostics().is_empty() {
        println!("\n;; What the simulator noticed in the manifests:");
        for diagnostic in cluster.diagnostics() {
            println!(";;   {diagnostic}");
        }
    }
    let mut generated: Vec<String> = cluster
        .pods()
        .filter(|pod| cluster.is_generated(pod))
        .map(|pod| {
            let addresses: Vec<String> = pod.pod_ips.iter().map(ToString::to_string).collect();
            let ready = if pod.ready == Some(false) {
                ", not ready"
            } else {
                ""
            };
            format!(
                "{}/{} ({}{ready})",
                pod.meta.namespace,
                pod.meta.name,
                addresses.join(" ")
            )
        })
        .collect();
    generated.sort();
    if !generated.is_empty() {
        println!(
            "\n;; Pods the workloads were expanded into (their endpoints come from the EndpointSlice controller):"
        );
        for pod in generated {
            println!(";;   {pod}");
        }
    }
    if !cluster.skipped().is_empty() {
        println!("\n;; Objects of kinds cluster DNS does not read (skipped):");
        for skipped in cluster.skipped() {
            println!(
                ";;   {} {}/{} ({})",
                skipped.kind,
                skipped.namespace.as_deref().unwrap_or("-"),
                skipped.name.as_deref().unwrap_or("-"),
                skipped.location
            );
        }
    }
    for note in &dns.config().not_simulated {
        println!(
            ";; Corefile line {}: {} is not simulated: {}",
            note.line, note.directive, note.reason
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dig: {message}");
            ExitCode::from(2)
        }
    }
}
