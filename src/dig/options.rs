//! The command line, read as dig reads it: `@server`, `-x`, `-t`, `+short`, `+tcp`, … and the
//! simulator's own `--` options, into a typed [`DigOptions`].

use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;

use hickory_proto::rr::RecordType;

pub use crate::graph::GraphFormat;
use crate::resolver::{Family, StubResolver};
use crate::wire::Transport;

/// The EDNS payload size dig 9.18 advertises by default (the 2020 DNS flag day value).
pub const DEFAULT_BUFSIZE: u16 = 1232;

/// The help text of `dig --help`: every option, one a line.
pub const HELP: &str = "\
usage: dig -f FILE [-f FILE...] [options] [@server] [-t TYPE | -x ADDR] NAME [TYPE] [+option...]

Asks the simulated cluster DNS one question and prints the reply as dig 9.18 prints it.

Input:
  -f FILE, --file FILE   manifests to load (YAML or JSON, several documents, kind: List);
                         -f - reads standard input, -f DIR/ every *.yaml, *.yml and *.json
                         in DIR, sorted by name; give -f as often as needed
  --corefile FILE        answer with this Corefile
  --plugin-defaults      answer with the kubernetes plugin's own defaults (kubernetes
                         cluster.local, TTL 5, pods disabled, no reverse zones)
                         (without either: the input's ConfigMap kube-system/coredns, else
                         kubeadm's default Corefile, as kubeadm and kind install it)

The question:
  NAME                   the name; absolute whether or not it ends in a dot (dig does not
                         use a search list; see --pod-namespace for a pod's view)
  TYPE, -t TYPE          the record type (A by default; PTR with -x)
  -x ADDR                a reverse lookup: the PTR name of an IPv4 or IPv6 address
  @SERVER, -p PORT       read and ignored: the simulator answers in-process
  -c IN                  the class (only IN)

Query options (as dig's):
  +short                 print the answer's data only, one record a line
  +tcp, +vc              ask over TCP (+notcp: UDP, the default, truncated to the size)
  +bufsize=N             advertise N bytes in EDNS (1232 by default)
  +edns, +noedns         send EDNS (the default) or not (then UDP replies fit 512 bytes)
  +recurse, +norecurse   set RD (the default) or not
  --tcp, --edns N        the same as +tcp and +bufsize=N

A pod's view (runs getaddrinfo as the pod would, then digs the name that ended the walk):
  --pod-namespace NS     a ClusterFirst pod in namespace NS
  --from-pod NS/POD      a Pod of the manifests, with its dnsPolicy, dnsConfig and node
  --resolver LIBRARY     glibc (the default), musl-1.2.3, musl or go
  --family FAMILY        unspec (the default), inet or inet6
  --pod-ip ADDR          the pod's address (10.244.0.99 by default)
  --hosts                print the pod's /etc/resolv.conf and /etc/hosts
  --node-resolv-conf FILE  the node's resolv.conf (for dnsPolicy: Default, hostNetwork)

Why:
  --explain              explain how this answer came about
  --lint                 print the findings about the manifests
  --graph [mermaid|dot]  draw the linking of Services, endpoints and Pods (Mermaid by default)
                         (--lint and --graph without a NAME print only the findings or picture)
  --json                 print JSON (the k8s-dns-sim command-line tool)

  -h, --help             print this help

Exit status: 0 when a reply was printed (whatever its rcode), 2 for a bad argument or
input that does not load.
";

/// Where a `-f` reads manifests from.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestSource {
    /// A file, or a folder (every `*.yaml`, `*.yml` and `*.json` in it, sorted by name).
    Path(PathBuf),
    /// `-f -`: standard input.
    Stdin,
}

/// Which configuration answers.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ConfigChoice {
    /// The input's ConfigMap `kube-system/coredns`, else kubeadm's default Corefile
    /// ([`ClusterDns::from_cluster`](crate::ClusterDns::from_cluster)).
    #[default]
    FromInput,
    /// `--corefile FILE`.
    Corefile(PathBuf),
    /// `--plugin-defaults`: [`Config::default`](crate::Config::default).
    PluginDefaults,
}

/// The pod whose view `dig` takes first.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodChoice {
    /// `--pod-namespace NS`: a `ClusterFirst` pod `dig` in that namespace.
    InNamespace(String),
    /// `--from-pod NS/POD`: a Pod of the manifests.
    Named(String),
}

/// A `dig` command line, read.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigOptions {
    /// The `-f` inputs, in order.
    pub manifests: Vec<ManifestSource>,
    /// `--corefile`, `--plugin-defaults`, or neither.
    pub config: ConfigChoice,
    /// The name asked, as given (for `-x`, the reverse name built from the address); empty
    /// for `--graph` or `--lint` without a name, which asks nothing.
    pub name: String,
    /// The record type asked.
    pub qtype: RecordType,
    /// Whether the type was given (`-t`, a positional type or `-x`), not defaulted to A.
    pub qtype_given: bool,
    /// `-x ADDR`.
    pub reverse: Option<IpAddr>,
    /// `+tcp` or UDP.
    pub transport: Transport,
    /// The EDNS payload size sent, `None` for `+noedns`.
    pub edns: Option<u16>,
    /// RD (`+norecurse` clears it).
    pub recurse: bool,
    /// `+short`.
    pub short: bool,
    /// `@server` and `-p PORT` as given (ignored, with a note).
    pub ignored_server: Vec<String>,
    /// `--pod-namespace` or `--from-pod`.
    pub pod: Option<PodChoice>,
    /// `--resolver`.
    pub resolver: StubResolver,
    /// `--family`.
    pub family: Family,
    /// `--pod-ip`.
    pub pod_ip: IpAddr,
    /// `--hosts`.
    pub hosts: bool,
    /// `--node-resolv-conf FILE`.
    pub node_resolv_conf: Option<PathBuf>,
    /// `--explain`.
    pub explain: bool,
    /// `--lint`.
    pub lint: bool,
    /// `--graph [mermaid|dot]`.
    pub graph: Option<GraphFormat>,
    /// `--json`.
    pub json: bool,
    /// The arguments as given, for the `; <<>> … <<>>` line.
    pub command_line: Vec<String>,
}

impl Default for DigOptions {
    /// No input and no name yet; every option as dig's default (A, UDP, EDNS 1232, RD).
    fn default() -> Self {
        DigOptions {
            manifests: Vec::new(),
            config: ConfigChoice::FromInput,
            name: String::new(),
            qtype: RecordType::A,
            qtype_given: false,
            reverse: None,
            transport: Transport::Udp,
            edns: Some(DEFAULT_BUFSIZE),
            recurse: true,
            short: false,
            ignored_server: Vec::new(),
            pod: None,
            resolver: StubResolver::Glibc,
            family: Family::Unspec,
            pod_ip: IpAddr::from([10, 244, 0, 99]),
            hosts: false,
            node_resolv_conf: None,
            explain: false,
            lint: false,
            graph: None,
            json: false,
            command_line: Vec::new(),
        }
    }
}

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// `-h` / `--help`: print [`HELP`] and exit 0.
    Help,
    /// A question.
    Dig(Box<DigOptions>),
}

/// A command line `dig` cannot read: one line saying what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    message: String,
}

impl UsageError {
    fn new(message: impl Into<String>) -> Self {
        UsageError {
            message: message.into(),
        }
    }
}

impl DigOptions {
    /// Reads a command line (without the program name) as dig reads one.
    ///
    /// ```
    /// use k8s_dns_sim::dig::{DigOptions, Invocation};
    /// use k8s_dns_sim::hickory_proto::rr::RecordType;
    ///
    /// let Invocation::Dig(options) = DigOptions::parse(["-f", "a.yaml", "-x", "10.96.0.20", "+short"])? else {
    ///     unreachable!()
    /// };
    /// assert_eq!(options.name, "20.0.96.10.in-addr.arpa.");
    /// assert_eq!(options.qtype, RecordType::PTR);
    /// assert!(options.short);
    /// # Ok::<(), k8s_dns_sim::dig::UsageError>(())
    /// ```
    ///
    /// # Errors
    /// A [`UsageError`] for an unknown option, a missing or bad value, no `-f`, no name or two
    /// names, or options that contradict each other.
    pub fn parse<I, S>(args: I) -> Result<Invocation, UsageError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let args: Vec<String> = args.into_iter().map(Into::into).collect();
        let mut options = DigOptions {
            command_line: args.clone(),
            ..DigOptions::default()
        };
        let mut names: Vec<String> = Vec::new();
        let mut corefile = None;
        let mut plugin_defaults = false;
        let mut namespace = None;
        let mut from_pod = None;
        let mut explicit_type = None;
        let mut positional_type = None;
        let mut rest = args.into_iter().peekable();
        while let Some(arg) = rest.next() {
            let mut value = |what: &str| {
                rest.next()
                    .ok_or_else(|| UsageError::new(format!("{arg} needs {what}")))
            };
            match arg.as_str() {
                "-h" | "--help" | "-help" => return Ok(Invocation::Help),
                "-f" | "--file" => {
                    let path = value("a file (or - for standard input, or a folder)")?;
                    let source = if path == "-" {
                        ManifestSource::Stdin
                    } else {
                        ManifestSource::Path(PathBuf::from(path))
                    };
                    if source == ManifestSource::Stdin
                        && options.manifests.contains(&ManifestSource::Stdin)
                    {
                        return Err(UsageError::new(
                            "-f - given twice: standard input reads once",
                        ));
                    }
                    options.manifests.push(source);
                }
                "--corefile" => corefile = Some(PathBuf::from(value("a file")?)),
                "--plugin-defaults" => plugin_defaults = true,
                "-t" => explicit_type = Some(record_type(&value("a record type")?)?),
                "-x" => {
                    let address = value("an address")?;
                    let address: IpAddr = address.parse().map_err(|_| {
                        UsageError::new(format!(
                            "-x: expected an IPv4 or IPv6 address, found {address:?}"
                        ))
                    })?;
                    options.reverse = Some(address);
                }
                "-p" => {
                    let port = value("a port")?;
                    if port.parse::<u16>().is_err() {
                        return Err(UsageError::new(format!(
                            "-p: expected a port number, found {port:?}"
                        )));
                    }
                    options.ignored_server.push(format!("-p {port}"));
                }
                "-c" => {
                    let class = value("a class")?;
                    if !class.eq_ignore_ascii_case("IN") {
                        return Err(UsageError::new(format!(
                            "-c: only class IN is simulated, not {class:?}"
                        )));
                    }
                }
                "--tcp" => options.transport = Transport::Tcp,
                "--edns" => options.edns = Some(bufsize("--edns", &value("a size")?)?),
                "--pod-namespace" => namespace = Some(value("a namespace")?),
                "--from-pod" => from_pod = Some(value("<namespace>/<pod>")?),
                "--resolver" => {
                    let name = value("glibc, musl-1.2.3, musl or go")?;
                    options.resolver = StubResolver::from_cli_name(&name).ok_or_else(|| {
                        UsageError::new(format!(
                            "--resolver: glibc, musl-1.2.3, musl or go, not {name:?}"
                        ))
                    })?;
                }
                "--family" => {
                    let name = value("unspec, inet or inet6")?;
                    options.family = Family::from_cli_name(&name).ok_or_else(|| {
                        UsageError::new(format!("--family: unspec, inet or inet6, not {name:?}"))
                    })?;
                }
                "--pod-ip" => {
                    let ip = value("an address")?;
                    options.pod_ip = ip.parse().map_err(|_| {
                        UsageError::new(format!("--pod-ip: not an address: {ip:?}"))
                    })?;
                }
                "--hosts" => options.hosts = true,
                "--node-resolv-conf" => {
                    options.node_resolv_conf = Some(PathBuf::from(value("a file")?));
                }
                "--explain" => options.explain = true,
                "--lint" => options.lint = true,
                "--json" => options.json = true,
                "--graph" => {
                    let format = match rest.peek().map(String::as_str) {
                        Some("mermaid") => Some(GraphFormat::Mermaid),
                        Some("dot") => Some(GraphFormat::Dot),
                        _ => None,
                    };
                    if format.is_some() {
                        rest.next();
                    }
                    options.graph = Some(format.unwrap_or_default());
                }
                "--graph=mermaid" => options.graph = Some(GraphFormat::Mermaid),
                "--graph=dot" => options.graph = Some(GraphFormat::Dot),
                query if query.starts_with('+') => query_option(&mut options, query)?,
                server if server.starts_with('@') && server.len() > 1 => {
                    options.ignored_server.push(server.to_owned());
                }
                flag if flag.starts_with('-') && flag.len() > 1 => {
                    return Err(UsageError::new(format!("unknown option {flag}")));
                }
                class if class.eq_ignore_ascii_case("IN") => {}
                class if class.eq_ignore_ascii_case("CH") || class.eq_ignore_ascii_case("HS") => {
                    return Err(UsageError::new(format!(
                        "only class IN is simulated, not {class}"
                    )));
                }
                // As dig: a word that names a type is the type, wherever it stands.
                _ => match RecordType::from_str(&arg.to_ascii_uppercase()) {
                    Ok(qtype) => positional_type = Some(qtype),
                    Err(_) => names.push(arg),
                },
            }
        }
        options.config = match (corefile, plugin_defaults) {
            (Some(_), true) => {
                return Err(UsageError::new(
                    "--corefile and --plugin-defaults name two configurations: give one",
                ));
            }
            (Some(path), false) => ConfigChoice::Corefile(path),
            (None, true) => ConfigChoice::PluginDefaults,
            (None, false) => ConfigChoice::FromInput,
        };
        options.pod = match (namespace, from_pod) {
            (Some(_), Some(_)) => {
                return Err(UsageError::new(
                    "--pod-namespace and --from-pod name two different pods: give one",
                ));
            }
            (Some(namespace), None) => Some(PodChoice::InNamespace(namespace)),
            (None, Some(pod)) => Some(PodChoice::Named(pod)),
            (None, None) => None,
        };
        if options.manifests.is_empty() {
            return Err(UsageError::new(
                "no manifests: give -f FILE (or -f - for standard input, -f DIR/ for a folder)",
            ));
        }
        match (options.reverse, names.as_slice()) {
            (Some(address), []) => {
                options.name = reverse_name(address);
                options.qtype = RecordType::PTR;
                options.qtype_given = true;
            }
            (Some(_), [name, ..]) => {
                return Err(UsageError::new(format!(
                    "-x builds the name, and {name:?} is a second one: give one"
                )));
            }
            // `dig -f manifests/ --graph`: the picture (or the findings) alone, no question.
            (None, []) if (options.graph.is_some() || options.lint) && !options.explain => {}
            (None, []) => return Err(UsageError::new("no name to look up")),
            (None, [name]) => options.name.clone_from(name),
            (None, [first, second, ..]) => {
                return Err(UsageError::new(format!(
                    "one name at a time: {first:?} and {second:?}"
                )));
            }
        }
        // `-t` wins over a positional type, as in dig; either wins over -x's PTR.
        if let Some(qtype) = explicit_type.or(positional_type) {
            options.qtype = qtype;
            options.qtype_given = true;
        }
        if options.pod.is_some() && options.reverse.is_some() {
            return Err(UsageError::new(
                "-x asks the server directly: a pod's view (--pod-namespace, --from-pod) looks up names",
            ));
        }
        Ok(Invocation::Dig(Box::new(options)))
    }
}

/// The reverse name dig's `-x` builds: `d.c.b.a.in-addr.arpa.` for IPv4, the 32 nibbles of an
/// IPv6 address under `ip6.arpa.`.
///
/// ```
/// use k8s_dns_sim::dig::reverse_name;
///
/// assert_eq!(reverse_name("10.96.0.1".parse()?), "1.0.96.10.in-addr.arpa.");
/// assert!(reverse_name("fd00::1".parse()?).ends_with(".0.0.d.f.ip6.arpa."));
/// # Ok::<(), std::net::AddrParseError>(())
/// ```
pub fn reverse_name(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa.")
        }
        IpAddr::V6(v6) => {
            let mut name = String::with_capacity(73);
            for byte in v6.octets().iter().rev() {
                name.push_str(&format!("{:x}.{:x}.", byte & 0x0f, byte >> 4));
            }
            name.push_str("ip6.arpa.");
            name
        }
    }
}

/// A `+option`, as dig reads it (`+[no]name[=value]`).
fn query_option(options: &mut DigOptions, query: &str) -> Result<(), UsageError> {
    let body = &query[1..];
    let (word, value) = match body.split_once('=') {
        Some((word, value)) => (word, Some(value)),
        None => (body, None),
    };
    let (negated, word) = match word.strip_prefix("no") {
        Some(rest) if !rest.is_empty() => (true, rest),
        _ => (false, word),
    };
    match (word, negated, value) {
        ("short", _, None) => options.short = !negated,
        ("tcp" | "vc", _, None) => {
            options.transport = if negated {
                Transport::Udp
            } else {
                Transport::Tcp
            };
        }
        ("recurse", _, None) => options.recurse = !negated,
        ("edns", true, None) => options.edns = None,
        ("edns", false, None | Some("0")) => {
            options.edns.get_or_insert(DEFAULT_BUFSIZE);
        }
        ("edns", false, Some(version)) => {
            return Err(UsageError::new(format!(
                "+edns={version}: only EDNS version 0 is simulated"
            )));
        }
        ("bufsize", false, Some(size)) => options.edns = Some(bufsize("+bufsize", size)?),
        ("bufsize", false, None) => return Err(UsageError::new("+bufsize needs =N")),
        ("bufsize", true, _) => options.edns = Some(DEFAULT_BUFSIZE),
        _ => return Err(UsageError::new(format!("unknown query option {query}"))),
    }
    Ok(())
}

fn bufsize(option: &str, size: &str) -> Result<u16, UsageError> {
    size.parse().map_err(|_| {
        UsageError::new(format!(
            "{option}: expected a size from 0 to 65535, found {size:?}"
        ))
    })
}

fn record_type(text: &str) -> Result<RecordType, UsageError> {
    RecordType::from_str(&text.to_ascii_uppercase())
        .map_err(|_| UsageError::new(format!("unknown record type {text:?}")))
}
