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
//!
//! Pod mode (`--pod-namespace NS`) first runs `getaddrinfo` as a pod in that namespace would
//! (the kubelet's `ClusterFirst` files, then the library's walk: every query, every reply, the
//! addresses in the application's order or the library's error), then digs the name that ended
//! the walk:
//!
//! ```text
//! cargo run --example dig -- -f fixtures/golden.yaml --pod-namespace default --resolver musl web
//! cargo run --example dig -- -f fixtures/golden.yaml --pod-namespace shop --family inet6 --hosts web.default
//! ```
//!
//! `--resolver glibc|musl-1.2.3|musl|go` picks the library (glibc by default), `--family
//! unspec|inet|inet6` the `getaddrinfo` family (`unspec` by default; a type other than A and
//! AAAA runs the library's record search instead), `--pod-ip` the pod's address, `--hosts`
//! prints the pod's `/etc/hosts` and `/etc/resolv.conf`. `--from-pod NS/POD` will take a Pod of
//! the manifests once Pods carry their DNS fields (issue 9 §1).

use std::process::ExitCode;
use std::str::FromStr;

use k8s_dns_sim::hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use k8s_dns_sim::hickory_proto::rr::{Name, Record, RecordType};
use k8s_dns_sim::resolver::{Family, Kubelet, Nameserver, PodDns, StubResolver};
use k8s_dns_sim::{ClusterBuilder, ClusterDns, Config, Transport};

const USAGE: &str = "usage: dig -f <manifests.yaml> [-f <more.yaml>...] [--corefile <Corefile>] \
[--tcp] [--edns <size>] [--pod-namespace <ns> | --from-pod <ns>/<pod>] \
[--resolver glibc|musl-1.2.3|musl|go] [--family unspec|inet|inet6] [--pod-ip <ip>] [--hosts] \
<name> [type]";

struct Options {
    manifests: Vec<String>,
    corefile: Option<String>,
    transport: Transport,
    edns: Option<u16>,
    pod_namespace: Option<String>,
    from_pod: Option<String>,
    resolver: StubResolver,
    family: Family,
    pod_ip: std::net::IpAddr,
    hosts: bool,
    name: String,
    qtype: RecordType,
    qtype_given: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut manifests = Vec::new();
    let mut corefile = None;
    let mut transport = Transport::Udp;
    let mut edns = None;
    let mut pod_namespace = None;
    let mut from_pod = None;
    let mut resolver = StubResolver::Glibc;
    let mut family = Family::Unspec;
    let mut pod_ip = std::net::IpAddr::from([10, 244, 0, 99]);
    let mut hosts = false;
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
            "--from-pod" => {
                from_pod = Some(args.next().ok_or("--from-pod needs <namespace>/<pod>")?);
            }
            "--resolver" => {
                let name = args.next().unwrap_or_default();
                resolver = StubResolver::from_cli_name(&name).ok_or_else(|| {
                    format!("--resolver: glibc, musl-1.2.3, musl or go, not {name:?}")
                })?;
            }
            "--family" => {
                let name = args.next().unwrap_or_default();
                family = Family::from_cli_name(&name)
                    .ok_or_else(|| format!("--family: unspec, inet or inet6, not {name:?}"))?;
            }
            "--pod-ip" => {
                let ip = args.next().ok_or("--pod-ip needs an address")?;
                pod_ip = ip
                    .parse()
                    .map_err(|_| format!("--pod-ip: not an address: {ip:?}"))?;
            }
            "--hosts" => hosts = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ => positional.push(arg),
        }
    }
    if manifests.is_empty() {
        return Err(format!("no manifests given\n{USAGE}"));
    }
    let (name, qtype, qtype_given) = match positional.as_slice() {
        [name] => (name.clone(), RecordType::A, false),
        [name, qtype] => {
            let qtype = RecordType::from_str(&qtype.to_ascii_uppercase())
                .map_err(|_| format!("unknown record type {qtype:?}"))?;
            (name.clone(), qtype, true)
        }
        _ => return Err(format!("expected a name and an optional type\n{USAGE}")),
    };
    Ok(Options {
        manifests,
        corefile,
        transport,
        edns,
        pod_namespace,
        from_pod,
        resolver,
        family,
        pod_ip,
        hosts,
        name,
        qtype,
        qtype_given,
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

/// The kubelet of the simulated node: the server's first zone as the cluster domain, and the
/// ClusterIP of `kube-system/kube-dns` (else kubeadm's `10.96.0.10`) as the cluster DNS.
fn kubelet(dns: &ClusterDns) -> Kubelet {
    let mut kubelet = Kubelet::default();
    if let Some(zone) = dns.config().kubernetes().and_then(|k| k.zones.first()) {
        kubelet.cluster_domain = zone.to_string().trim_end_matches('.').to_owned();
    }
    if let Some(service) = dns.cluster().service("kube-system", "kube-dns")
        && !service.cluster_ips().is_empty()
    {
        kubelet.cluster_dns = service.cluster_ips().to_vec();
    }
    kubelet
}

/// Runs the pod's lookup, prints the walk, and returns the name that ended it (`None` when no
/// query was sent: a numeric name, a hosts-file name, or one the library refused).
fn walk(dns: &ClusterDns, options: &Options, namespace: &str) -> Result<Option<String>, String> {
    let kubelet = kubelet(dns);
    let pod = PodDns::new(namespace, "dig").with_ips([options.pod_ip]);
    let sandbox = kubelet.sandbox(&pod).map_err(|error| error.to_string())?;
    if options.hosts {
        println!(";; The pod's /etc/resolv.conf:");
        for line in sandbox.resolv_conf.lines() {
            println!(";;   {line}");
        }
        println!(";; The pod's /etc/hosts:");
        for line in sandbox.hosts.as_deref().unwrap_or_default().lines() {
            println!(";;   {}", line.replace('\t', "    "));
        }
        println!();
    }
    let addresses =
        !options.qtype_given || matches!(options.qtype, RecordType::A | RecordType::AAAA);
    let resolution = if addresses {
        let family = match (options.qtype_given, options.qtype) {
            (true, RecordType::A) if options.family == Family::Unspec => Family::Inet,
            (true, RecordType::AAAA) if options.family == Family::Unspec => Family::Inet6,
            _ => options.family,
        };
        dns.getaddrinfo(&sandbox, options.resolver, family, &options.name)
    } else {
        k8s_dns_sim::resolver::search(
            dns,
            &sandbox,
            options.resolver,
            &options.name,
            options.qtype,
        )
    };
    println!(";; A pod in namespace {namespace} ({}):", options.resolver);
    for line in resolution.to_string().lines() {
        println!(";;   {line}");
    }
    println!();
    Ok(resolution.steps.last().map(|step| step.name.clone()))
}

fn run() -> Result<(), String> {
    let mut options = parse_args(std::env::args().skip(1))?;
    if let Some(pod) = &options.from_pod {
        // The hook for issue 9 §1: a Pod of the manifests, with its dnsPolicy, dnsConfig,
        // hostAliases and hostNetwork, once the model carries them.
        return Err(format!(
            "--from-pod {pod}: Pods do not carry their DNS fields yet (issue 9 §1); use --pod-namespace"
        ));
    }
    let (dns, source) = build_server(&options)?;
    if let Some(namespace) = options.pod_namespace.clone() {
        match walk(&dns, &options, &namespace)? {
            Some(name) => options.name = name,
            None => return Ok(()),
        }
        if !options.qtype_given && options.family == Family::Inet6 {
            options.qtype = RecordType::AAAA;
        }
    }
    let request = request(&options)?;
    let bytes = request.to_vec().map_err(|error| error.to_string())?;
    // A pod's query goes to the cluster DNS Service, whose `forward` answers names outside the
    // zones (the Upstream); without a pod, the kubernetes plugin alone answers (REFUSED there).
    let reply_bytes = if options.pod_namespace.is_some() {
        let server = kubelet(&dns).cluster_dns.first().copied();
        let server = server.unwrap_or(std::net::IpAddr::from([10, 96, 0, 10]));
        Nameserver::reply(&dns, server, &bytes, options.transport)
    } else {
        dns.handle_bytes(&bytes, options.transport)
    };
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
