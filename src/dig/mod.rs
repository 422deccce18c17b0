//! `dig` as people know it, over the simulator: the options (`-x`, `+short`, `-f -`, …), the
//! reply printed in dig 9.18's layout, and a one-line reason under every NXDOMAIN and REFUSED.
//! The `dig` example and the `k8s-dns-sim` command-line tool are thin `main`s over this module.
//!
//! The pieces, in the order [`run`] uses them:
//! 1. [`DigOptions::parse`]: a command line into typed options (or a one-line [`UsageError`]).
//! 2. [`load`]: the `-f` inputs (files, folders, standard input) into a [`ClusterDns`], configured
//!    by `--corefile`, `--plugin-defaults`, the input's ConfigMap `kube-system/coredns`, or
//!    else kubeadm's default Corefile ([`ConfigSource`] says which).
//! 3. [`query`]: the question encoded as dig sends it (RD, EDNS with a 1232-byte payload, a
//!    deterministic id), answered by [`ClusterDns::handle_bytes`], the reply decoded; a
//!    truncated UDP reply is asked again over TCP, as dig does.
//! 4. [`write_reply`]: the reply in dig's layout, then [`reason_line`] for NXDOMAIN and REFUSED.
//!
//! ([`ask`] is steps 2 and 3 with a pod's walk between them, for callers that render the
//! exchange themselves, as the command-line tool's `--json` does.)
//!
//! ```
//! use k8s_dns_sim::dig::{self, DigOptions, Invocation};
//!
//! let Invocation::Dig(options) = DigOptions::parse(["-f", "-", "web.shop.svc.cluster.local", "+short"])? else {
//!     unreachable!()
//! };
//! let manifests = "apiVersion: v1
//! kind: Service
//! metadata: {name: web, namespace: shop}
//! spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
//! ";
//! let mut out = Vec::new();
//! dig::run(&options, &mut manifests.as_bytes(), &mut out, &mut std::io::sink())?;
//! assert_eq!(String::from_utf8(out)?, "10.96.0.20\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod input;
mod options;
mod render;

use std::io::{Read, Write};
use std::net::IpAddr;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RecordType};

use crate::explain::Explanation;
use crate::graph::Graph;
use crate::resolver::{Family, Nameserver, PodDns};
use crate::server::ClusterDns;
use crate::wire::Transport;

pub use input::{
    ConfigSource, DigError, Loaded, Manifests, STDIN_NAME, load, load_cluster, read_manifests,
};
pub use options::{
    ConfigChoice, DEFAULT_BUFSIZE, DigOptions, GraphFormat, HELP, Invocation, ManifestSource,
    PodChoice, UsageError, reverse_name,
};
pub use render::{rdata_text, record_line, status_name, write_message};

/// One question and its reply, as [`query`] sent and received them.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request as sent.
    pub request: Message,
    /// The reply, decoded.
    pub reply: Message,
    /// The reply's size in bytes (dig's `MSG SIZE  rcvd`).
    pub size: usize,
    /// The transport that carried the reply (TCP after a truncated UDP reply).
    pub transport: Transport,
    /// Whether a truncated UDP reply was asked again over TCP.
    pub retried_over_tcp: bool,
    /// The nameserver a pod's view asked (`None`: the server in-process).
    pub nameserver: Option<IpAddr>,
}

/// Loads the inputs, asks, and prints everything `dig` prints for `options`: a pod's walk
/// first when one is asked for, then the reply, its reason, and what the simulator noticed.
/// `+short` prints the answer's data only (and the reason to `err`).
///
/// # Errors
/// A [`DigError`] for inputs that do not load, a name that is not one, or output that cannot
/// be written ([`DigError::is_broken_pipe`] for `| head`). `--json` is not this function's:
/// the command-line tool renders [`ask`]'s exchange itself.
pub fn run(
    options: &DigOptions,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), DigError> {
    // `--graph` or `--lint` without a name: what they print, and no question.
    if options.name.is_empty() {
        let loaded = load(&options.manifests, &options.config, stdin)?;
        write_requested(options, &loaded, None, out)?;
        return Ok(());
    }
    // `+short` is the data alone: a pod's walk is not printed either.
    let (loaded, exchange) = if options.short {
        ask(options, stdin, &mut std::io::sink())?
    } else {
        ask(options, stdin, out)?
    };
    // A pod's walk that sent no query (a numeric name, a hosts-file name, one the library
    // refused) has nothing to dig.
    let Some(exchange) = exchange else {
        return Ok(());
    };
    if options.short {
        for record in &exchange.reply.answers {
            writeln!(out, "{}", rdata_text(&record.data))?;
        }
        if let Some(reason) = reason_line(&loaded.dns, &exchange) {
            writeln!(err, ";; {reason}")?;
        }
        // What was asked for besides the data still prints, after it.
        write_requested(options, &loaded, Some(&exchange), out)?;
        return Ok(());
    }
    write_reply(options, &loaded, &exchange, out)?;
    write_extras(options, &loaded, &exchange, out)?;
    Ok(())
}

/// Loads the inputs and asks the question: for a pod's view, the pod's walk first (printed to
/// `walk_out`), then its last name to the pod's nameserver; `None` for the exchange when the
/// walk sent no query.
///
/// # Errors
/// As [`load`] and [`query`], and [`DigError::Pod`] for a pod that cannot be set up.
pub fn ask(
    options: &DigOptions,
    stdin: &mut dyn Read,
    walk_out: &mut dyn Write,
) -> Result<(Loaded, Option<Exchange>), DigError> {
    let loaded = load(&options.manifests, &options.config, stdin)?;
    if options.name.is_empty() {
        return Ok((loaded, None));
    }
    let mut asked = options.clone();
    let mut nameserver = None;
    if let Some(pod) = &options.pod {
        match walk(&loaded.dns, options, pod, walk_out)? {
            Some((name, server)) => {
                asked.name = name;
                nameserver = Some(server);
            }
            None => return Ok((loaded, None)),
        }
        if !options.qtype_given && options.family == Family::Inet6 {
            asked.qtype = RecordType::AAAA;
        }
    }
    let exchange = query(&loaded.dns, &asked, nameserver)?;
    Ok((loaded, Some(exchange)))
}

/// Sends the question `options` describes as dig would send it and decodes the reply: to the
/// server in-process, or (`nameserver`, from a pod's view) to that address as a Pod's network
/// has it ([`ClusterDns::network`]): the cluster's DNS at its addresses, where names outside
/// the cluster's zones reach the upstream, and a resolver outside the cluster at any other.
///
/// # Errors
/// [`DigError::Name`] for a name that is not a domain name; [`DigError::NoReply`] when the
/// server drops the question or its reply does not decode.
pub fn query(
    dns: &ClusterDns,
    options: &DigOptions,
    nameserver: Option<IpAddr>,
) -> Result<Exchange, DigError> {
    let request = request(options)?;
    let bytes = request.to_vec().map_err(|error| DigError::Name {
        name: options.name.clone(),
        reason: error.to_string(),
    })?;
    // Only a pod's view has a network to cross; the in-process question needs none.
    let network = nameserver.map(|_| dns.network(&dns.kubelet()));
    let ask = |transport| match (nameserver, &network) {
        (Some(server), Some(network)) => network.reply(server, &bytes, transport),
        _ => dns.handle_bytes(&bytes, transport),
    };
    let mut transport = options.transport;
    let mut reply_bytes = ask(transport);
    let mut retried_over_tcp = false;
    if transport == Transport::Udp && Message::from_vec(&reply_bytes).is_ok_and(|m| m.truncation) {
        transport = Transport::Tcp;
        reply_bytes = ask(transport);
        retried_over_tcp = true;
    }
    if reply_bytes.is_empty() {
        return Err(DigError::NoReply);
    }
    let reply = Message::from_vec(&reply_bytes).map_err(|_| DigError::NoReply)?;
    Ok(Exchange {
        request,
        reply,
        size: reply_bytes.len(),
        transport,
        retried_over_tcp,
        nameserver,
    })
}

/// The request dig sends for `options`: the name made absolute, RD unless `+norecurse`, EDNS
/// version 0 with the `+bufsize` payload unless `+noedns`, and an id derived from the
/// question (dig's is random; this one is the same on every run, so outputs can be compared).
///
/// # Errors
/// [`DigError::Name`] for a name that is not a domain name.
pub fn request(options: &DigOptions) -> Result<Message, DigError> {
    let mut name = Name::from_ascii(&options.name).map_err(|error| DigError::Name {
        name: options.name.clone(),
        reason: error.to_string(),
    })?;
    name.set_fqdn(true);
    let mut message = Message::new(
        question_id(&name, options.qtype),
        MessageType::Query,
        OpCode::Query,
    );
    message.metadata.recursion_desired = options.recurse;
    message.add_query(Query::query(name, options.qtype));
    if let Some(size) = options.edns {
        let mut edns = Edns::new();
        edns.set_max_payload(size);
        message.set_edns(edns);
    }
    Ok(message)
}

/// Writes the reply as dig 9.18 does (`; <<>> … <<>>`, `;; Got answer:`, header, sections,
/// `;; Query time`, `;; SERVER`, `;; MSG SIZE  rcvd`), with `;; CONFIG:` where dig prints
/// `;; WHEN:`, and the [`reason_line`] last for NXDOMAIN and REFUSED.
///
/// # Errors
/// What `out` returns.
pub fn write_reply(
    options: &DigOptions,
    loaded: &Loaded,
    exchange: &Exchange,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "; <<>> k8s-dns-sim dig <<>> {}",
        options.command_line.join(" ")
    )?;
    if !options.ignored_server.is_empty() {
        writeln!(
            out,
            ";; {} ignored: the simulator answers in-process",
            options.ignored_server.join(" ")
        )?;
    }
    writeln!(out, ";; global options: +cmd")?;
    if exchange.retried_over_tcp {
        writeln!(out, ";; Truncated, retrying in TCP mode.")?;
    }
    writeln!(out, ";; Got answer:")?;
    write_message(&exchange.reply, out)?;
    writeln!(out, ";; Query time: 0 msec")?;
    match exchange.nameserver {
        Some(server) => writeln!(
            out,
            ";; SERVER: {server}#53({server}, in-process) ({})",
            exchange.transport
        )?,
        None => writeln!(
            out,
            ";; SERVER: k8s-dns-sim#53(in-process) ({})",
            exchange.transport
        )?,
    }
    writeln!(out, ";; CONFIG: {}", loaded.source)?;
    writeln!(out, ";; MSG SIZE  rcvd: {}", exchange.size)?;
    if let Some(reason) = reason_line(&loaded.dns, exchange) {
        writeln!(out, ";; {reason}")?;
    }
    writeln!(out)?;
    Ok(())
}

/// Why the reply is NXDOMAIN or REFUSED, in one line (`None` for other rcodes): the
/// explanation's summary ([`crate::explain::Explanation::summary`]), the deciding step and the
/// first fix; for a short name outside the zones, a word on the search list dig does not use.
pub fn reason_line(dns: &ClusterDns, exchange: &Exchange) -> Option<String> {
    let status = match exchange.reply.response_code {
        ResponseCode::Refused => "REFUSED",
        ResponseCode::NXDomain => "NXDOMAIN",
        _ => return None,
    };
    let query = exchange.request.queries.first()?;
    // A pod's question that went to a resolver outside the cluster: the cluster's rules did not
    // decide it.
    if let Some(server) = exchange.nameserver {
        let kubelet = dns.kubelet();
        if !dns.network(&kubelet).is_cluster_dns(server) {
            let cluster_dns: Vec<String> = kubelet
                .cluster_dns
                .iter()
                .map(ToString::to_string)
                .collect();
            return Some(format!(
                "{status}: {server} is not the cluster's DNS ({}): the Pod's resolv.conf sends it to a resolver outside the cluster, which knows no cluster name (dnsPolicy None without the cluster's address, or Default, or hostNetwork with ClusterFirst, which the kubelet treats as Default: ClusterFirstWithHostNet asks the cluster)",
                cluster_dns.join(", ")
            ));
        }
    }
    let explanation = dns.explain_name(query.name(), query.query_type());
    let name = query.name();
    let in_cluster_zone = dns
        .config()
        .servers
        .iter()
        .filter_map(|block| block.kubernetes())
        .flat_map(|kubernetes| &kubernetes.zones)
        .any(|zone| zone.zone_of(name));
    let hint = if !in_cluster_zone && name.num_labels() <= 3 && exchange.nameserver.is_none() {
        " (dig asks the name as given, with no search list: try the full \
         name.namespace.svc.cluster.local, or --pod-namespace for a pod's view)"
    } else {
        ""
    };
    Some(format!("{status}: {}{hint}", explanation.summary()))
}

/// The explanation of an exchange, as first sent: over UDP when the reply was retried over
/// TCP, so that the explanation says why (rule 34).
pub fn explain_exchange(dns: &ClusterDns, exchange: &Exchange) -> Option<Explanation> {
    let first = if exchange.retried_over_tcp {
        Transport::Udp
    } else {
        exchange.transport
    };
    dns.explain_exchange(&exchange.request, first)
}

/// What the options ask for after the reply: `--explain`, `--lint`, `--graph`.
fn write_requested(
    options: &DigOptions,
    loaded: &Loaded,
    exchange: Option<&Exchange>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let dns = &loaded.dns;
    if options.explain
        && let Some(explanation) = exchange.and_then(|exchange| explain_exchange(dns, exchange))
    {
        writeln!(out, "{explanation}")?;
    }
    if options.lint {
        let findings = dns.lint();
        if findings.is_empty() {
            writeln!(out, ";; lint: no findings\n")?;
        } else {
            writeln!(out, "{}", crate::lint::render(&findings))?;
        }
    }
    if let Some(format) = options.graph {
        writeln!(out, "{}", Graph::new(dns, None).render(format))?;
    }
    Ok(())
}

/// What follows the reply: `--explain`, `--lint`, `--graph` (the lead wires these), what the
/// simulator noticed about the manifests, and the Corefile lines it does not simulate.
fn write_extras(
    options: &DigOptions,
    loaded: &Loaded,
    exchange: &Exchange,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let dns = &loaded.dns;
    write_requested(options, loaded, Some(exchange), out)?;
    if !loaded.skipped_files.is_empty() {
        writeln!(
            out,
            ";; Files of the folders that are no Kubernetes manifests (no top-level kind), left out:"
        )?;
        for file in &loaded.skipped_files {
            writeln!(out, ";;   {file}")?;
        }
        writeln!(out)?;
    }
    if !options.lint {
        write_diagnostics(dns, out)?;
    }
    let cluster = dns.cluster();
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
        writeln!(
            out,
            ";; Pods the workloads were expanded into (their endpoints come from the EndpointSlice controller):"
        )?;
        for pod in generated {
            writeln!(out, ";;   {pod}")?;
        }
        writeln!(out)?;
    }
    if !cluster.skipped().is_empty() {
        writeln!(
            out,
            ";; Objects of kinds cluster DNS does not read (skipped):"
        )?;
        for skipped in cluster.skipped() {
            writeln!(
                out,
                ";;   {} {}/{} ({})",
                skipped.kind,
                skipped.namespace.as_deref().unwrap_or("-"),
                skipped.name.as_deref().unwrap_or("-"),
                skipped.location
            )?;
        }
        writeln!(out)?;
    }
    // kubeadm's own Corefile is the default, not the user's: its lines are not listed.
    if loaded.source != ConfigSource::Kubeadm {
        for note in &dns.config().not_simulated {
            writeln!(
                out,
                ";; Corefile line {}: {} is not simulated: {}",
                note.line, note.directive, note.reason
            )?;
        }
    }
    Ok(())
}

fn write_diagnostics(dns: &ClusterDns, out: &mut dyn Write) -> std::io::Result<()> {
    let diagnostics = dns.cluster().diagnostics();
    if !diagnostics.is_empty() {
        writeln!(out, ";; What the simulator noticed in the manifests:")?;
        for diagnostic in diagnostics {
            writeln!(out, ";;   {diagnostic}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Runs the pod's lookup, prints the walk, and returns the name that ended it and the
/// nameserver it was asked of (`None` when no query was sent).
fn walk(
    dns: &ClusterDns,
    options: &DigOptions,
    pod: &PodChoice,
    out: &mut dyn Write,
) -> Result<Option<(String, IpAddr)>, DigError> {
    let mut kubelet = dns.kubelet();
    if let Some(path) = &options.node_resolv_conf {
        kubelet.node_resolv_conf = Some(input::read(path)?);
    }
    let (sandbox, who) = match pod {
        PodChoice::InNamespace(namespace) => {
            let pod = PodDns::new(namespace, "dig").with_ips([options.pod_ip]);
            let sandbox = kubelet
                .sandbox(&pod)
                .map_err(|error| DigError::Pod(error.to_string()))?;
            (sandbox, format!("A pod in namespace {namespace}"))
        }
        PodChoice::Named(name) => {
            let sandbox = dns
                .pod_sandbox(&kubelet, name)
                .map_err(|error| DigError::Pod(format!("--from-pod: {error}")))?;
            (sandbox, format!("Pod {name}"))
        }
    };
    if options.hosts {
        writeln!(out, ";; The pod's /etc/resolv.conf:")?;
        if sandbox.resolv_conf.trim().is_empty() {
            writeln!(
                out,
                ";;   (empty: the library's defaults, nameserver 127.0.0.1)"
            )?;
        }
        for line in sandbox.resolv_conf.lines() {
            writeln!(out, ";;   {line}")?;
        }
        writeln!(out, ";; The pod's /etc/hosts:")?;
        for line in sandbox.hosts.as_deref().unwrap_or_default().lines() {
            writeln!(out, ";;   {}", line.replace('\t', "    "))?;
        }
        writeln!(out)?;
    }
    // The pod's nameservers as its network has them: the cluster's DNS at clusterDNS, any other
    // address a resolver outside the cluster.
    let network = dns.network(&kubelet);
    let addresses =
        !options.qtype_given || matches!(options.qtype, RecordType::A | RecordType::AAAA);
    let resolution = if addresses {
        let family = match (options.qtype_given, options.qtype) {
            (true, RecordType::A) if options.family == Family::Unspec => Family::Inet,
            (true, RecordType::AAAA) if options.family == Family::Unspec => Family::Inet6,
            _ => options.family,
        };
        crate::resolver::getaddrinfo(&network, &sandbox, options.resolver, family, &options.name)
    } else {
        crate::resolver::search(
            &network,
            &sandbox,
            options.resolver,
            &options.name,
            options.qtype,
        )
    };
    writeln!(out, ";; {who} ({}):", options.resolver)?;
    for line in resolution.to_string().lines() {
        writeln!(out, ";;   {line}")?;
    }
    if options.explain {
        // The walk's why: the ndots order, each candidate's answer, why the library went on.
        writeln!(out, ";; Why the walk went so:")?;
        write!(out, "{}", dns.explain_resolution(&resolution))?;
    }
    let server = resolution.queries().last().map(|query| query.server);
    Ok(resolution
        .steps
        .last()
        .map(|step| step.name.clone())
        .zip(server))
}

/// A 16-bit id from the question (FNV-1a over the lower-cased name and the type), so that the
/// same question prints the same id on every run.
fn question_id(name: &Name, qtype: RecordType) -> u16 {
    let mut hash: u32 = 0x811c_9dc5;
    let text = name.to_ascii().to_ascii_lowercase();
    for byte in text.bytes().chain(u16::from(qtype).to_be_bytes()) {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    ((hash >> 16) ^ (hash & 0xffff)) as u16
}
