//! The differential test of issue 9 §4: the real glibc and musl `getaddrinfo` against the
//! simulator served on a socket, compared query by query and result by result with the
//! simulated [`Resolution`] of the same pod.
//!
//! How it runs (`differential_against_the_real_libraries`):
//! 1. `tests/differential/gai.c` is compiled twice: with the system's `gcc` (glibc) and with
//!    `musl-gcc -static` (Debian's `musl-tools`), each compared with the model of its version
//!    (glibc 2.36+; musl 1.2.3 before 1.2.4, musl 1.2.4+ after);
//! 2. the test binary runs itself again (`differential_child`) under `unshare --mount --net
//!    --uts`: a network namespace where `lo` carries the cluster DNS address `10.96.0.10` and a
//!    veth interface the pod's address `10.244.1.5/24` with the default route (`lo` when veth
//!    cannot be made), the pod's hostname `client-0`, and a private mount namespace where the
//!    kubelet's files for the pod are bind-mounted over `/etc/resolv.conf` and `/etc/hosts`
//!    (with `hosts: files dns`, `multi on` and an empty `gai.conf`: the simulation's
//!    assumptions);
//! 3. there it serves the cluster on `10.96.0.10:53` ([`Server`] answering names outside the
//!    zones as the cluster's `forward` would, and logging every query), and for every variant
//!    of the pod's `resolv.conf` runs each client for each name and family, taking the queries
//!    the server received for that lookup;
//! 4. back here, every lookup is simulated ([`ClusterDns::getaddrinfo`] in the same sandbox)
//!    and compared: the queries (name, type, transport, EDNS payload size, in order; which of a
//!    step's queries shared a socket) and the result (the addresses in the order the
//!    application sees them, or the `EAI_*` value). Any difference fails the test, unless
//!    [`KNOWN_DIFFERENCES`] lists it with its reason;
//! 5. the comparison table is rendered and checked against the generated section of
//!    `docs/resolver-behaviour.md` (§3.6); `K8S_DNS_SIM_BLESS=1` rewrites that section.
//!
//! `K8S_DNS_SIM_EXTRA_MUSL=<version>:<musl-gcc>` adds another musl (one built from its tag,
//! say), compared the same way with the model of its version; for musl 1.2.5 its table is §3.7
//! of the same page.
//!
//! Go: `tests/differential/gai.go` (`net.DefaultResolver.LookupIP` with `ip`, `ip4`, `ip6`),
//! built with `CGO_ENABLED=0 go build` and run with `GODEBUG=netdns=go` (its pure resolver),
//! runs in the same namespace and is compared with [`StubResolver::Go`]; its A and AAAA
//! goroutines race, so a step's queries are compared as a set. Go alone is also asked
//! [`GO_ONLY`]'s names (a rooted name of 254 characters, where go1.19 differs from the newest
//! release the model follows: [`KNOWN_DIFFERENCES`]). Its table is §3.8 of the same page.
//! Without `go` (or when the client does not build) Go alone is skipped, saying so.
//!
//! It skips, saying why, where it cannot run: not Linux, not root, no `unshare` (or namespaces
//! refused), no `ip`, no `gcc` or `musl-gcc`, `nscd` running.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use k8s_dns_sim::resolver::{
    Family, Found, HostAlias, Kubelet, LookupError, PodDns, PodDnsConfig, PodSandbox, Resolution,
    StubResolver,
};
use k8s_dns_sim::serve::Server;
use k8s_dns_sim::{Cluster, ClusterDns, Config, Transport, Upstream};

/// The environment variable that makes `differential_child` run, naming the work directory.
const CHILD_DIR: &str = "K8S_DNS_SIM_DIFFERENTIAL_DIR";

/// The exit status of a child that could not set up its namespace (the machine refuses it).
const SETUP_REFUSED: i32 = 97;

/// The cluster DNS address in the pod's `resolv.conf` (kubeadm's), where the server listens.
const CLUSTER_DNS: &str = "10.96.0.10";

/// The pod's address.
const POD_IP: &str = "10.244.1.5";

/// The dual-stack pod's IPv6 address.
const POD_IP6: &str = "fd00:10:244:1::5";

/// The cluster: a ClusterIP Service, a headless one whose addresses the libraries sort, a
/// dual-stack one, one too large for a 512-byte UDP reply, and an external name upstream.
const CLUSTER: &str = "apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: dual, namespace: default}
spec:
  ipFamilyPolicy: RequireDualStack
  ipFamilies: [IPv4, IPv6]
  clusterIP: 10.96.0.30
  clusterIPs: [10.96.0.30, \"fd00:10:96::30\"]
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: default}
spec: {clusterIP: None, ports: [{port: 5432}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: db-1, namespace: default, labels: {kubernetes.io/service-name: db}}
addressType: IPv4
endpoints:
- addresses: [192.168.3.3]
- addresses: [10.244.2.7]
- addresses: [10.244.1.9]
ports: [{port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: big, namespace: default}
spec: {clusterIP: None, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: default}
spec: {type: ExternalName, externalName: example.com}
---
apiVersion: v1
kind: Service
metadata: {name: ext-nx, namespace: default}
spec: {type: ExternalName, externalName: nowhere.invalid}
";

/// Every name of the matrix: short, dotted, as an FQDN without and with the trailing dot,
/// headless and dual-stack (the address order), replies over 512 bytes and over glibc's first
/// buffer, ExternalName Services (a CNAME, to a name upstream and to none), external, missing,
/// `localhost`, the pod's own hostname, a host alias, numeric literals.
const NAMES: &[&str] = &[
    "web",
    "web.default",
    "web.default.svc",
    "web.default.svc.cluster.local",
    "web.default.svc.cluster.local.",
    "db",
    "dual",
    "big",
    "huge",
    "ext",
    "ext-nx",
    "example.com",
    "missing",
    "localhost",
    "client-0",
    "legacy-db",
    "10.0.0.1",
    "::1",
    LONG_ROOTED,
];

/// A rooted name of 254 characters (253 and the dot: the longest name there is), asked by Go
/// only ([`GO_ONLY`]): go1.19's `nameList` refuses it (`l == 254 && rooted`, no query, and
/// `LookupIP` finds no address), later releases ask it (`len(name) == 254 && !rooted`).
const LONG_ROOTED: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc.ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd.";

/// [`LONG_ROOTED`] as the table writes it (without its dot).
const LONG_ROOTED_SHOWN: &str = "a{63}.b{63}.c{63}.d{61}";

/// The names only the Go client is asked (the C clients' rows stay as they were).
const GO_ONLY: &[&str] = &[LONG_ROOTED];

/// Whether `client` is asked `name`.
fn asks(client: &str, name: &str) -> bool {
    client == "go" || !GO_ONLY.contains(&name)
}

/// The families, in the table's order.
const FAMILIES: [Family; 3] = [Family::Unspec, Family::Inet, Family::Inet6];

/// An extra musl to compare too, as `<version>:<path of its musl-gcc>` (for instance a musl
/// 1.2.5 built from its tag with `./configure --prefix=… --disable-shared`): its lookups are
/// compared with the model of its version, and left out of the table.
const EXTRA_MUSL: &str = "K8S_DNS_SIM_EXTRA_MUSL";

/// The environment variable naming the clients the child runs.
const CHILD_CLIENTS: &str = "K8S_DNS_SIM_DIFFERENTIAL_CLIENTS";

/// The versions the generated table of `docs/resolver-behaviour.md` was made with (Debian
/// bookworm's): elsewhere the lookups are compared all the same, and the table is not.
const TABLE_VERSIONS: (&str, &str) = ("2.36", "1.2.3");

/// The libraries found, and the simulated library each is compared with.
struct Libraries {
    glibc: String,
    musl: String,
    musl_model: StubResolver,
    /// [`EXTRA_MUSL`]: its version, its `musl-gcc`, its model.
    extra: Option<(String, PathBuf, StubResolver)>,
    /// The version of the `go` found (`1.19.8`), compared with [`StubResolver::Go`]; `None`
    /// when there is no `go` (or it cannot build the client), and Go is skipped.
    go: Option<String>,
}

impl Libraries {
    /// The clients, each built as `gai-<client>`: `glibc`, `musl`, `musl-extra` and `go`.
    fn clients(&self) -> Vec<&'static str> {
        let mut clients = vec!["glibc", "musl"];
        if self.extra.is_some() {
            clients.push("musl-extra");
        }
        if self.go.is_some() {
            clients.push("go");
        }
        clients
    }

    fn model(&self, client: &str) -> StubResolver {
        match client {
            "glibc" => StubResolver::Glibc,
            "go" => StubResolver::Go,
            "musl-extra" => self.extra.as_ref().map_or(self.musl_model, |e| e.2),
            _ => self.musl_model,
        }
    }
}

/// The model of a musl version: before 1.2.4 no TCP after a truncated reply; 1.2.4 and later
/// retry over TCP.
fn musl_model(version: &str) -> StubResolver {
    if number(version) < vec![1, 2, 4] {
        StubResolver::Musl1_2_3
    } else {
        StubResolver::Musl
    }
}

fn number(text: &str) -> Vec<u32> {
    text.split('.')
        .map(|part| part.parse().unwrap_or(0))
        .collect()
}

/// The versions of the system's glibc (`getconf GNU_LIBC_VERSION`) and of musl (its dynamic
/// loader prints it), and the model for each: glibc 2.36 and later are one model; musl before
/// 1.2.4 never retries over TCP, 1.2.4 and later do.
fn libraries() -> Result<Libraries, String> {
    let getconf = Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .map_err(|error| format!("getconf: {error}"))?;
    let glibc = String::from_utf8_lossy(&getconf.stdout)
        .trim()
        .trim_start_matches("glibc ")
        .to_owned();
    if number(&glibc) < vec![2, 36] {
        return Err(format!(
            "glibc {glibc:?}: the simulation models glibc 2.36 and later"
        ));
    }
    let loader = std::fs::read_dir("/lib")
        .map_err(|error| format!("/lib: {error}"))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("ld-musl-"))
        })
        .ok_or("no musl loader in /lib to tell musl's version")?;
    let output = Command::new(&loader)
        .output()
        .map_err(|error| format!("{}: {error}", loader.display()))?;
    let text = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    let musl = text
        .lines()
        .find_map(|line| line.strip_prefix("Version "))
        .ok_or_else(|| format!("{} did not say its version", loader.display()))?
        .trim()
        .to_owned();
    let extra = match std::env::var(EXTRA_MUSL) {
        Ok(value) => {
            let (version, path) = value.split_once(':').ok_or_else(|| {
                format!("{EXTRA_MUSL}={value:?}: expected <version>:<path of musl-gcc>")
            })?;
            Some((version.to_owned(), PathBuf::from(path), musl_model(version)))
        }
        Err(_) => None,
    };
    Ok(Libraries {
        glibc,
        musl_model: musl_model(&musl),
        musl,
        extra,
        go: go_version(),
    })
}

/// The version of the `go` on the path (`go version` prints `go version go1.19.8 linux/amd64`),
/// or `None`, saying so: the test then compares glibc and musl only.
fn go_version() -> Option<String> {
    let output = Command::new("go").arg("version").output();
    let version = output.ok().and_then(|output| {
        String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .find_map(|word| word.strip_prefix("go1.").map(|rest| format!("1.{rest}")))
    });
    if version.is_none() {
        report(
            "skipped Go: no `go` to build tests/differential/gai.go (Debian: apt-get install golang-go)",
        );
    }
    version
}

/// Differences between a real library and the simulation that are understood and kept:
/// (variant, `*` for every one; library; family; name; why). Each is a version difference:
/// the model follows the newest release, the table shows what the run version did.
const KNOWN_DIFFERENCES: &[(&str, StubResolver, Family, &str, &str)] = &[
    (
        "*",
        StubResolver::Go,
        Family::Unspec,
        LONG_ROOTED,
        GO_1_19_NAME_LIST,
    ),
    (
        "*",
        StubResolver::Go,
        Family::Inet,
        LONG_ROOTED,
        GO_1_19_NAME_LIST,
    ),
    (
        "*",
        StubResolver::Go,
        Family::Inet6,
        LONG_ROOTED,
        GO_1_19_NAME_LIST,
    ),
];

/// Why go1.19 asks nothing for [`LONG_ROOTED`].
const GO_1_19_NAME_LIST: &str = "go1.19's nameList returns no candidate for a rooted name of \
     254 characters (`l == 254 && rooted`, the test inverted); later releases ask it";

/// One `resolv.conf` variant: its label and the pod the kubelet writes it for.
struct Variant {
    label: &'static str,
    pod: PodDns,
    /// The families run for it (every name).
    families: &'static [Family],
}

fn ip(text: &str) -> IpAddr {
    text.parse().expect("an address")
}

/// The client pod `client-0`, with two host aliases for one name (an IPv4 and an IPv6
/// address: the hosts file's answer goes through the address sort too).
fn client_pod(namespace: &str) -> PodDns {
    PodDns::new(namespace, "client-0")
        .with_ips([ip(POD_IP)])
        .with_host_alias(HostAlias::new("fd00:10:1::3", ["legacy-db"]))
        .with_host_alias(HostAlias::new(
            "10.1.2.3",
            ["legacy-db", "legacy-db.corp.example"],
        ))
}

/// The kubelet's variants of the issue: ClusterFirst in two namespaces, ndots 1 and 2, no
/// search line, a search line over musl's 255 characters, single-request, use-vc, edns0.
fn variants() -> Vec<Variant> {
    let with = |name: &'static str, value: Option<&str>| {
        client_pod("default").with_dns_config(PodDnsConfig::new().with_option(name, value))
    };
    let long_search: Vec<String> = (1..=12)
        .map(|i| format!("corp{i}.long-example-domain.internal"))
        .collect();
    let all = &[Family::Unspec, Family::Inet, Family::Inet6][..];
    let unspec = &[Family::Unspec][..];
    vec![
        Variant {
            label: "ClusterFirst, namespace default",
            pod: client_pod("default"),
            families: all,
        },
        Variant {
            label: "ClusterFirst, namespace shop",
            pod: client_pod("shop"),
            families: unspec,
        },
        Variant {
            label: "ndots:1",
            pod: with("ndots", Some("1")),
            families: unspec,
        },
        Variant {
            label: "ndots:2",
            pod: with("ndots", Some("2")),
            families: unspec,
        },
        Variant {
            label: "no search line",
            pod: client_pod("default")
                .with_policy(k8s_dns_sim::resolver::DnsPolicy::None)
                .with_dns_config(
                    PodDnsConfig::new()
                        .with_nameservers([CLUSTER_DNS])
                        .with_option("ndots", Some("5")),
                ),
            families: unspec,
        },
        Variant {
            label: "a search line over 255 characters",
            pod: client_pod("default")
                .with_dns_config(PodDnsConfig::new().with_searches(long_search)),
            families: unspec,
        },
        Variant {
            label: "single-request",
            pod: with("single-request", None),
            families: unspec,
        },
        Variant {
            label: "use-vc",
            pod: with("use-vc", None),
            families: unspec,
        },
        Variant {
            label: "edns0",
            pod: with("edns0", None),
            families: unspec,
        },
        // Last: the namespace keeps the IPv6 address from here on.
        Variant {
            label: "ClusterFirst, a dual-stack pod",
            pod: client_pod("default").with_ips([ip(POD_IP), ip(POD_IP6)]),
            families: all,
        },
    ]
}

fn cluster_dns() -> ClusterDns {
    let mut yaml = CLUSTER.to_owned();
    // 40 endpoints: 40 A records do not fit 512 bytes.
    yaml.push_str(
        "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
         metadata: {name: big-1, namespace: default, labels: {kubernetes.io/service-name: big}}\n\
         addressType: IPv4\nports: [{port: 80}]\nendpoints:\n",
    );
    for i in 1..=40 {
        writeln!(yaml, "- addresses: [10.244.{}.{}]", 3 + i % 4, 10 + i).unwrap();
    }
    yaml.push_str(
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: huge, namespace: default}\n\
         spec: {clusterIP: None, ports: [{port: 80}]}\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
         metadata: {name: huge-1, namespace: default, labels: {kubernetes.io/service-name: huge}}\n\
         addressType: IPv4\nports: [{port: 80}]\nendpoints:\n",
    );
    for i in 1..=100 {
        writeln!(yaml, "- addresses: [10.245.{}.{}]", i % 7, 10 + i).unwrap();
    }
    let upstream = Upstream::new()
        .with_address("example.com", ip("93.184.215.14"), 300)
        .and_then(|u| u.with_address("example.com", ip("2606:2800:21f:cb07::1"), 300))
        .expect("upstream records");
    ClusterDns::new(
        Cluster::from_yaml(&yaml).expect("the test cluster loads"),
        Config::default().with_upstream(upstream),
    )
}

fn sandbox(variant: &Variant) -> PodSandbox {
    Kubelet::default()
        .sandbox(&variant.pod)
        .expect("the kubelet starts the pod")
}

fn family_cli(family: Family) -> &'static str {
    match family {
        Family::Unspec => "unspec",
        Family::Inet => "inet",
        Family::Inet6 => "inet6",
        _ => unreachable!("three families"),
    }
}

/// A query as compared: name, type, transport, EDNS size; and the socket it went on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sent {
    name: String,
    qtype: String,
    tcp: bool,
    edns: Option<u16>,
    socket: String,
}

impl Sent {
    fn key(&self) -> (&str, &str, bool, Option<u16>) {
        (&self.name, &self.qtype, self.tcp, self.edns)
    }
}

/// What one lookup did: its queries and its result (`ok <addresses>` or `error <EAI_*>`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Observed {
    queries: Vec<Sent>,
    result: String,
}

/// (variant index, client, family (`family_cli`), name).
type Key = (usize, String, String, String);

fn key(index: usize, client: &str, family: Family, name: &str) -> Key {
    (
        index,
        client.to_owned(),
        family_cli(family).to_owned(),
        name.to_owned(),
    )
}

fn gai_name(code: i32) -> String {
    match code {
        -2 => "EAI_NONAME".into(),
        -3 => "EAI_AGAIN".into(),
        -4 => "EAI_FAIL".into(),
        -5 => "EAI_NODATA".into(),
        -9 => "EAI_ADDRFAMILY".into(),
        -11 => "EAI_SYSTEM".into(),
        other => format!("EAI {other}"),
    }
}

fn simulate(
    dns: &ClusterDns,
    sandbox: &PodSandbox,
    library: StubResolver,
    family: Family,
    name: &str,
) -> (Resolution, Observed) {
    let resolution = dns.getaddrinfo(sandbox, library, family, name);
    let queries = resolution
        .queries()
        .map(|query| Sent {
            name: query.name.clone(),
            qtype: query.qtype.to_string(),
            tcp: query.transport == Transport::Tcp,
            edns: query.edns,
            socket: query.socket.to_string(),
        })
        .collect();
    let result = match &resolution.result {
        Ok(Found::Addresses(addresses)) => format!("ok {}", join(addresses)),
        Ok(Found::Records(_)) => "records".into(),
        Err(LookupError::Gai(error)) => format!("error {}", error.name()),
        Err(other) => format!("error {other}"),
        Ok(_) => "something else".into(),
    };
    (resolution, Observed { queries, result })
}

fn join(addresses: &[IpAddr]) -> String {
    addresses
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why the test cannot run here, if it cannot.
fn prerequisites() -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return Err("Linux namespaces only".into());
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|uids| uids.split_whitespace().nth(1))
        == Some("0");
    if !root {
        return Err("not root: no network and mount namespace for the pod's files".into());
    }
    if Path::new("/var/run/nscd/socket").exists() {
        return Err("nscd is running, and would answer for the system's files".into());
    }
    let runs = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if !runs("unshare", &["--mount", "--net", "--uts", "true"]) {
        return Err("`unshare --mount --net --uts` is missing or not permitted here".into());
    }
    if !runs("ip", &["-V"]) {
        return Err("no `ip` (iproute2) to set up the pod's network".into());
    }
    if !runs("gcc", &["--version"]) {
        return Err("no gcc for the glibc client".into());
    }
    if !runs("musl-gcc", &["-v"]) && !runs("sh", &["-c", "command -v musl-gcc"]) {
        return Err("no musl-gcc for the musl client (Debian: apt-get install musl-tools)".into());
    }
    Ok(())
}

/// Builds the Go client into `dir` as `gai-go`: `CGO_ENABLED=0`, so that `net` has only its
/// pure Go resolver (the cgo one would call the system's glibc).
fn build_go_client(dir: &Path) -> Result<(), String> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/gai.go");
    let mut command = Command::new("go");
    command
        .args(["build", "-o"])
        .arg(dir.join("gai-go"))
        .arg(&source)
        .env("CGO_ENABLED", "0")
        .env("GO111MODULE", "off");
    if std::env::var_os("HOME").is_none() && std::env::var_os("GOCACHE").is_none() {
        command.env("GOCACHE", dir.join("go-cache"));
    }
    let result = command
        .output()
        .map_err(|error| format!("go build: {error}"))?;
    if result.status.success() {
        Ok(())
    } else {
        Err(format!(
            "go build failed: {}",
            String::from_utf8_lossy(&result.stderr)
        ))
    }
}

/// Compiles the client for each library into `dir`.
fn build_clients(libraries: &Libraries, dir: &Path) -> Result<(), String> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/gai.c");
    let mut builds = vec![
        (PathBuf::from("gcc"), &[][..], "gai-glibc"),
        (PathBuf::from("musl-gcc"), &["-static"][..], "gai-musl"),
    ];
    if let Some((_, path, _)) = &libraries.extra {
        builds.push((path.clone(), &["-static"][..], "gai-musl-extra"));
    }
    for (compiler, extra, output) in builds {
        let compiler = compiler.display().to_string();
        let result = Command::new(&compiler)
            .args(extra)
            .args(["-O1", "-Wall", "-o"])
            .arg(dir.join(output))
            .arg(&source)
            .output()
            .map_err(|error| format!("{compiler}: {error}"))?;
        if !result.status.success() {
            return Err(format!(
                "{compiler} failed: {}",
                String::from_utf8_lossy(&result.stderr)
            ));
        }
    }
    Ok(())
}

/// Where the test's own lines (what it compared, or why it skipped) are kept for `.ci/run` to
/// print: cargo captures a passing test's output, and running the test again only to see it
/// rebuilt the crate under other features (a minute of CI).
const REPORT: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/differential-report.txt");

/// Prints a line of the test's report and appends it to [`REPORT`].
fn report(line: &str) {
    use std::io::Write as _;
    println!("{line}");
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(REPORT)
    {
        let _ = writeln!(file, "{line}");
    }
}

#[test]
fn differential_against_the_real_libraries() {
    let _ = std::fs::remove_file(REPORT);
    let mut libraries = match prerequisites().and_then(|()| libraries()) {
        Ok(libraries) => libraries,
        Err(reason) => {
            report(&format!("skipped: {reason}"));
            return;
        }
    };
    let dir = std::env::temp_dir().join(format!("k8s-dns-sim-differential-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a work directory");
    if let Err(reason) = build_clients(&libraries, &dir) {
        let _ = std::fs::remove_dir_all(&dir);
        report(&format!("skipped: {reason}"));
        return;
    }
    if libraries.go.is_some()
        && let Err(reason) = build_go_client(&dir)
    {
        report(&format!("skipped Go: {reason}"));
        libraries.go = None;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let mut child = Command::new("unshare")
        .args(["--mount", "--net", "--uts", "--"])
        .arg(&exe)
        .args([
            "--exact",
            "differential_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, &dir)
        .env(CHILD_CLIENTS, libraries.clients().join(" "))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("unshare starts");
    let deadline = Instant::now() + Duration::from_secs(240);
    while child.try_wait().expect("the child's status").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the differential child did not finish in 240 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("the child's output");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.code() == Some(SETUP_REFUSED) {
        let _ = std::fs::remove_dir_all(&dir);
        report(&format!(
            "skipped: the namespace could not be set up: {stdout}{stderr}"
        ));
        return;
    }
    assert!(
        output.status.success(),
        "the differential child failed: {}\n{stdout}\n{stderr}",
        output.status
    );
    let observed_text =
        std::fs::read_to_string(dir.join("observed.tsv")).expect("the child's observations");
    let _ = std::fs::remove_dir_all(&dir);
    let observed = parse_observed(&observed_text);
    compare_and_render(&libraries, &observed);
}

/// Reads the child's lines: `variant \t library \t family \t name \t result \t queries`, each
/// query `name type udp|tcp edns|- port`, `;`-separated.
fn parse_observed(text: &str) -> BTreeMap<Key, Observed> {
    let mut observed = BTreeMap::new();
    for line in text.lines().filter(|line| !line.is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [variant, library, family, name, result, queries] = fields[..] else {
            panic!("a bad observation line: {line:?}");
        };
        let queries = queries
            .split(';')
            .filter(|query| !query.is_empty())
            .map(|query| {
                let parts: Vec<&str> = query.split(' ').collect();
                let [name, qtype, transport, edns, port] = parts[..] else {
                    panic!("a bad query: {query:?}");
                };
                Sent {
                    name: name.to_owned(),
                    qtype: qtype.to_owned(),
                    tcp: transport == "tcp",
                    edns: edns.parse().ok(),
                    socket: format!("{transport}:{port}"),
                }
            })
            .collect();
        observed.insert(
            (
                variant.parse().expect("a variant index"),
                library.to_owned(),
                family.to_owned(),
                name.to_owned(),
            ),
            Observed {
                queries,
                result: result.to_owned(),
            },
        );
    }
    observed
}

/// A step of the simulated walk, as [`canonical`] lays the queries out on it: its group, its
/// UDP and TCP query counts, and whether the order of its queries is not fixed.
type Shape = (usize, usize, usize, bool);

/// The shape of the simulated walk: its steps as (group, UDP queries, TCP queries, unordered),
/// a group being a run of consecutive steps for the same name (glibc asks a name again in a new
/// walk after ERANGE); unordered: Go's A and AAAA goroutines, which send in either order.
fn shape(resolution: &Resolution) -> Vec<Shape> {
    let mut out: Vec<Shape> = Vec::new();
    let mut previous: Option<&str> = None;
    let mut group = 0;
    for step in &resolution.steps {
        if previous.is_some_and(|name| name != step.name) {
            group += 1;
        }
        previous = Some(&step.name);
        let tcp = step
            .queries
            .iter()
            .filter(|query| query.transport == Transport::Tcp)
            .count();
        out.push((
            group,
            step.queries.len() - tcp,
            tcp,
            step.parallel && step.unordered,
        ));
    }
    out
}

/// `queries` laid out on the simulated walk's `shape`: each step's UDP queries, then its TCP
/// ones; and for each query, the index in its step of the first query that went on the same
/// socket. `None` when they do not fit the shape.
///
/// The server's threads log UDP and TCP queries as each gets to them, so a UDP datagram sent
/// before a TCP query may be logged after it (glibc sends A and AAAA at once, gets a truncated
/// A and asks both again over TCP while the AAAA datagram still waits to be read). Each
/// transport's own order is the library's (one UDP thread reads datagrams in arrival order; a
/// TCP query is logged before its answer, which the library waits for), and the library starts
/// a new name only once the last one is done: so the real queries are cut into groups by the
/// simulated counts, and within a group each step takes its UDP and TCP queries in order.
/// An unordered step (Go's two goroutines, which race) has its UDP queries, and its TCP ones,
/// sorted by type: the pair is one step, compared as a set.
fn canonical(queries: &[Sent], shape: &[Shape]) -> Option<Vec<(Sent, usize)>> {
    if shape
        .iter()
        .map(|(_, udp, tcp, _)| udp + tcp)
        .sum::<usize>()
        != queries.len()
    {
        return None;
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while index < shape.len() {
        let group = shape[index].0;
        let steps: Vec<(usize, usize, bool)> = shape[index..]
            .iter()
            .take_while(|(g, _, _, _)| *g == group)
            .map(|(_, udp, tcp, unordered)| (*udp, *tcp, *unordered))
            .collect();
        let len: usize = steps.iter().map(|(udp, tcp, _)| udp + tcp).sum();
        let slice = &queries[start..start + len];
        let mut udp = slice.iter().filter(|query| !query.tcp);
        let mut tcp = slice.iter().filter(|query| query.tcp);
        for (udp_count, tcp_count, unordered) in &steps {
            let mut udp_part: Vec<&Sent> = udp.by_ref().take(*udp_count).collect();
            let mut tcp_part: Vec<&Sent> = tcp.by_ref().take(*tcp_count).collect();
            if *unordered {
                udp_part.sort_by(|a, b| a.qtype.cmp(&b.qtype));
                tcp_part.sort_by(|a, b| a.qtype.cmp(&b.qtype));
            }
            let step: Vec<&Sent> = udp_part.into_iter().chain(tcp_part).collect();
            if step.len() != udp_count + tcp_count || step[..*udp_count].iter().any(|q| q.tcp) {
                return None;
            }
            for query in &step {
                let first = step
                    .iter()
                    .position(|other| other.socket == query.socket)
                    .unwrap_or(0);
                out.push(((*query).clone(), first));
            }
        }
        start += len;
        index += steps.len();
    }
    Some(out)
}

fn compare_and_render(libraries: &Libraries, observed: &BTreeMap<Key, Observed>) {
    let dns = cluster_dns();
    let variants = variants();
    let mut problems = Vec::new();
    let mut rows: Rows = BTreeMap::new();
    let mut compared = 0;
    let mut kept = 0;
    for (index, variant) in variants.iter().enumerate() {
        let sandbox = sandbox(variant);
        for &family in variant.families {
            for (name_index, name) in NAMES.iter().enumerate() {
                for client in libraries.clients() {
                    if !asks(client, name) {
                        continue;
                    }
                    let library = libraries.model(client);
                    let Some(real) = observed.get(&key(index, client, family, name)) else {
                        problems.push(format!(
                            "{}: {library} {family} {name}: not run",
                            variant.label
                        ));
                        continue;
                    };
                    let (resolution, simulated) = simulate(&dns, &sandbox, library, family, name);
                    let shape = shape(&resolution);
                    let real_order = canonical(&real.queries, &shape);
                    let same_queries = match (&real_order, canonical(&simulated.queries, &shape)) {
                        (Some(real), Some(simulated)) => {
                            real.len() == simulated.len()
                                && real
                                    .iter()
                                    .zip(&simulated)
                                    .all(|((a, i), (b, j))| a.key() == b.key() && i == j)
                        }
                        _ => false,
                    };
                    let same = same_queries && real.result == simulated.result;
                    // The table shows the real queries laid out on the steps (UDP before TCP
                    // within a step): the order the library sent them in.
                    let real = Observed {
                        queries: real_order.map_or_else(
                            || real.queries.clone(),
                            |ordered| ordered.into_iter().map(|(query, _)| query).collect(),
                        ),
                        result: real.result.clone(),
                    };
                    let known = KNOWN_DIFFERENCES.iter().any(|(v, l, f, n, _)| {
                        (*v == "*" || *v == variant.label)
                            && *l == library
                            && *f == family
                            && n == name
                    });
                    if !same && !known {
                        problems.push(format!(
                            "{}: {library} getaddrinfo({name:?}, {family}):\n  real: {} | {}\n  sim:  {} | {}\n{resolution}",
                            variant.label,
                            render_queries(name, &real.queries),
                            real.result,
                            render_queries(name, &simulated.queries),
                            simulated.result,
                        ));
                    }
                    compared += 1;
                    kept += usize::from(!same && known);
                    rows.entry((
                        index,
                        FAMILIES.iter().position(|f| *f == family).unwrap_or(0),
                        name_index,
                    ))
                    .or_default()
                    .push((
                        client,
                        library,
                        real,
                        (!same).then_some(simulated),
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} lookups differ between the real libraries and the simulation:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
    let table = render_table(
        &[
            (
                "glibc",
                format!("glibc {}", libraries.glibc),
                "glibc".into(),
            ),
            ("musl", format!("musl {}", libraries.musl), "musl".into()),
        ],
        &variants,
        &rows,
    );
    let extra = libraries
        .extra
        .as_ref()
        .map(|(version, _, model)| format!(" and musl {version} (as {model})"))
        .unwrap_or_default();
    let go = libraries
        .go
        .as_ref()
        .map(|version| format!(" and Go {version} (as {})", StubResolver::Go))
        .unwrap_or_default();
    let agree = if kept == 0 {
        "all agree".to_owned()
    } else {
        format!("all agree but {kept} known version differences (KNOWN_DIFFERENCES)")
    };
    report(&format!(
        "compared {compared} lookups of glibc {} and musl {} (as {}){extra}{go} with the simulation: {agree}",
        libraries.glibc, libraries.musl, libraries.musl_model
    ));
    if let Some(version) = &libraries.go {
        if version == GO_TABLE_VERSION {
            let label = format!("Go {version}");
            let table = render_table(&[("go", label.clone(), label)], &variants, &rows);
            check_doc(GO_MARKER, &table);
        } else {
            report(&format!(
                "the Go table of docs/resolver-behaviour.md §3.8 is for Go {GO_TABLE_VERSION}: not checked here"
            ));
        }
    }
    if let Some((version, _, _)) = &libraries.extra
        && version == EXTRA_TABLE_VERSION
    {
        let label = format!("musl {version}");
        let extra = render_table(&[("musl-extra", label.clone(), label)], &variants, &rows);
        check_doc(EXTRA_MARKER, &extra);
    }
    if (libraries.glibc.as_str(), libraries.musl.as_str()) == TABLE_VERSIONS {
        check_doc(MARKER, &table);
    } else {
        report(&format!(
            "the table of docs/resolver-behaviour.md §3.6 is for glibc {} and musl {}: not checked here",
            TABLE_VERSIONS.0, TABLE_VERSIONS.1
        ));
    }
}

/// A step's candidate written against the name asked: `as is`, or `+<suffix>`.
fn candidate(asked: &str, sent: &str) -> String {
    let bare = asked.trim_end_matches('.');
    let sent_bare = sent.trim_end_matches('.');
    if sent_bare.eq_ignore_ascii_case(bare) {
        "as is".to_owned()
    } else if let Some(suffix) = sent_bare
        .strip_prefix(bare)
        .and_then(|rest| rest.strip_prefix('.'))
    {
        format!("+{suffix}")
    } else {
        format!("`{sent}`")
    }
}

/// The queries of a lookup, compactly: each step (consecutive queries for one name) as its
/// candidate, with its types, transport and EDNS size; `none` for no query.
fn render_queries(asked: &str, queries: &[Sent]) -> String {
    if queries.is_empty() {
        return "none".to_owned();
    }
    let mut steps: Vec<(String, Vec<String>)> = Vec::new();
    for query in queries {
        let mut what = query.qtype.clone();
        if query.tcp {
            what.push_str("/tcp");
        }
        if let Some(size) = query.edns {
            write!(what, "/edns{size}").unwrap();
        }
        match steps.last_mut() {
            Some((name, types)) if *name == query.name => types.push(what),
            _ => steps.push((query.name.clone(), vec![what])),
        }
    }
    let shapes: Vec<String> = steps.iter().map(|(_, types)| types.join(" ")).collect();
    let names: Vec<String> = steps
        .iter()
        .map(|(name, _)| candidate(asked, name))
        .collect();
    if shapes.iter().all(|shape| *shape == shapes[0]) {
        format!("{}: {}", shapes[0], names.join(", "))
    } else {
        names
            .iter()
            .zip(&shapes)
            .map(|(name, shape)| format!("{name} ({shape})"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn render_result(result: &str) -> String {
    if let Some(error) = result.strip_prefix("error ") {
        return format!("`{error}`");
    }
    let addresses: Vec<&str> = result
        .strip_prefix("ok")
        .unwrap_or(result)
        .split_whitespace()
        .collect();
    if addresses.len() > 4 {
        format!(
            "{} addresses: `{}`, `{}`, `{}`, …",
            addresses.len(),
            addresses[0],
            addresses[1],
            addresses[2]
        )
    } else {
        addresses
            .iter()
            .map(|address| format!("`{address}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Per (variant, family, name): each client's real lookup (with the model it is compared
/// with), and the simulated one where it differs.
type Rows =
    BTreeMap<(usize, usize, usize), Vec<(&'static str, StubResolver, Observed, Option<Observed>)>>;

/// The table of `columns` (client, header of its queries, header of its result): a section
/// per variant, a row per family and name.
fn render_table(columns: &[(&str, String, String)], variants: &[Variant], rows: &Rows) -> String {
    let mut out = String::new();
    let mut current = None;
    for ((index, family, name), results) in rows {
        let (family, name) = (FAMILIES[*family], NAMES[*name]);
        if !columns
            .iter()
            .any(|(client, _, _)| results.iter().any(|(c, _, _, _)| c == client))
        {
            continue;
        }
        if current != Some(*index) {
            current = Some(*index);
            let variant = &variants[*index];
            let conf = sandbox(variant).resolv_conf;
            let conf: Vec<&str> = conf.lines().collect();
            let mut header = String::from("| Name | Family |");
            for (_, queries, result) in columns {
                write!(header, " {queries}: queries | {result} |").unwrap();
            }
            header.push_str(" simulated |\n|---|---|");
            header.push_str(&"---|---|".repeat(columns.len()));
            header.push_str("---|\n");
            write!(
                out,
                "\n**{}** (`{}`)\n\n{header}",
                variant.label,
                conf.join("` / `"),
            )
            .unwrap();
        }
        let mut line = format!("| `{name}` | {family} |");
        let mut differing = Vec::new();
        for (client, _, _) in columns {
            let Some((_, library, real, simulated)) =
                results.iter().find(|(c, _, _, _)| c == client)
            else {
                continue;
            };
            write!(
                line,
                " {} | {} |",
                render_queries(name, &real.queries),
                render_result(&real.result)
            )
            .unwrap();
            if let Some(simulated) = simulated {
                differing.push(format!(
                    "{library}: {} → {}",
                    render_queries(name, &simulated.queries),
                    render_result(&simulated.result)
                ));
            }
        }
        let simulated = if differing.is_empty() {
            "same".to_owned()
        } else {
            differing.join("; ")
        };
        let line = format!("{line} {simulated} |")
            .replace(LONG_ROOTED.trim_end_matches('.'), LONG_ROOTED_SHOWN);
        writeln!(out, "{line}").unwrap();
    }
    out
}

/// The markers of the generated sections of `docs/resolver-behaviour.md`: the table of the
/// system's glibc and musl, and the one of the extra musl.
const MARKER: &str = "differential table";
const EXTRA_MARKER: &str = "differential table, musl 1.2.5";

/// The marker of the generated table of Go's pure resolver, and the version it was made with
/// (Debian bookworm's `golang-go`).
const GO_MARKER: &str = "differential table, Go";
const GO_TABLE_VERSION: &str = "1.19.8";

/// The version of the [`EXTRA_MUSL`] whose table the docs keep.
const EXTRA_TABLE_VERSION: &str = "1.2.5";

/// The generated section of `docs/resolver-behaviour.md` must be `table`; with
/// `K8S_DNS_SIM_BLESS=1` it is rewritten.
fn check_doc(marker: &str, table: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/resolver-behaviour.md");
    let doc = std::fs::read_to_string(&path).expect("docs/resolver-behaviour.md");
    let begin_marker =
        format!("<!-- {marker}: begin (generated by tests/resolver_differential.rs) -->");
    let end_marker = format!("<!-- {marker}: end -->");
    let (Some(begin), Some(end)) = (doc.find(&begin_marker), doc.find(&end_marker)) else {
        panic!("docs/resolver-behaviour.md has no generated section {marker:?}");
    };
    let current = &doc[begin + begin_marker.len()..end];
    let wanted = format!("\n{table}\n");
    if current == wanted {
        return;
    }
    if std::env::var_os("K8S_DNS_SIM_BLESS").is_some() {
        let updated = format!("{}{begin_marker}{wanted}{}", &doc[..begin], &doc[end..]);
        std::fs::write(&path, updated).expect("docs/resolver-behaviour.md written");
        return;
    }
    panic!(
        "docs/resolver-behaviour.md: the section {marker:?} is not the table this run \
         produced; rerun with K8S_DNS_SIM_BLESS=1 to rewrite it. The table:\n{table}"
    );
}

// ---------------------------------------------------------------------------------------
// Inside the namespaces.

/// Run by `differential_against_the_real_libraries` inside `unshare --mount --net --uts`:
/// sets up the pod's network, files and hostname, serves the cluster, runs every lookup and
/// writes what each client did to `observed.tsv`.
#[test]
#[ignore = "run by differential_against_the_real_libraries, inside unshare"]
fn differential_child() {
    let Some(dir) = std::env::var_os(CHILD_DIR).map(PathBuf::from) else {
        return;
    };
    let device = match set_up_network().and_then(|device| set_up_files(&dir).map(|()| device)) {
        Ok(device) => device,
        Err(reason) => {
            println!("{reason}");
            std::process::exit(SETUP_REFUSED);
        }
    };
    let server = match Server::start(cluster_dns(), (ip(CLUSTER_DNS), 53)) {
        Ok(server) => server,
        Err(error) => {
            println!("cannot serve on {CLUSTER_DNS}:53: {error}");
            std::process::exit(SETUP_REFUSED);
        }
    };
    server.forward_outside_zones(true);
    server.log_queries(true);
    let clients: Vec<String> = std::env::var(CHILD_CLIENTS)
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let mut out = String::new();
    for (index, variant) in variants().iter().enumerate() {
        let sandbox = sandbox(variant);
        // Rewritten in place: the bind mounts follow the files.
        std::fs::write(dir.join("resolv.conf"), &sandbox.resolv_conf).expect("resolv.conf");
        std::fs::write(
            dir.join("hosts"),
            sandbox.hosts.as_deref().unwrap_or_default(),
        )
        .expect("hosts");
        for interface in sandbox.interfaces.iter().filter(|i| i.address.is_ipv6()) {
            if let Err(reason) = add_ipv6(&device, interface.address, interface.prefix) {
                println!("{reason}");
                std::process::exit(SETUP_REFUSED);
            }
        }
        for &family in variant.families {
            for name in NAMES {
                for client in clients.iter().filter(|client| asks(client, name)) {
                    barrier(&server);
                    server.take_queries();
                    let result = run_client(&dir.join(format!("gai-{client}")), family, name);
                    barrier(&server);
                    let queries: Vec<String> = server
                        .take_queries()
                        .iter()
                        .filter(|received| {
                            received.message().is_some_and(|message| {
                                message.queries.first().is_none_or(|question| {
                                    question.name().to_ascii() != BARRIER_NAME
                                })
                            })
                        })
                        .map(|received| {
                            let message = received.message().expect("a query message");
                            let question = &message.queries[0];
                            let edns = message
                                .edns
                                .as_ref()
                                .map_or("-".to_owned(), |edns| edns.max_payload().to_string());
                            let transport = match received.transport {
                                Transport::Tcp => "tcp",
                                _ => "udp",
                            };
                            format!(
                                "{} {} {transport} {edns} {}",
                                question.name(),
                                question.query_type(),
                                received.peer.port()
                            )
                        })
                        .collect();
                    writeln!(
                        out,
                        "{index}\t{client}\t{}\t{name}\t{result}\t{}",
                        family_cli(family),
                        queries.join(";")
                    )
                    .unwrap();
                }
            }
        }
    }
    std::fs::write(dir.join("observed.tsv"), out).expect("observed.tsv");
}

/// The name of the barrier query, which no client asks. (Not its id: musl draws its ids from
/// the clock, so any id is some query's now and then.)
const BARRIER_NAME: &str = "barrier.k8s-dns-sim.invalid.";

/// Waits until the server has read every datagram a finished client sent: the UDP thread
/// takes datagrams in arrival order, so once it answers one sent now, it has logged every
/// earlier one (a library may leave a datagram unanswered: glibc's AAAA after a truncated A,
/// which a busy machine may read only after the client exited). TCP queries are logged before
/// their answer, which the client waited for.
fn barrier(server: &Server) {
    use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
    use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
    let mut query = Message::new(0, MessageType::Query, OpCode::Query);
    query.add_query(Query::query(
        Name::from_ascii(BARRIER_NAME).expect("a name"),
        RecordType::A,
    ));
    let bytes = query.to_vec().expect("a query");
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").expect("a UDP socket");
    socket
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("a timeout");
    let mut reply = [0u8; 512];
    for _ in 0..20 {
        socket
            .send_to(&bytes, server.addr())
            .expect("the barrier is sent");
        if socket.recv(&mut reply).is_ok() {
            return;
        }
    }
    panic!("the server does not answer the barrier query");
}

/// Runs `ip` with `args` (space-separated).
fn ip_cmd(args: &str) -> Result<(), String> {
    let output = Command::new("ip")
        .args(args.split(' '))
        .output()
        .map_err(|error| format!("ip {args}: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {args}: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// The dual-stack pod's IPv6 address on `device`, with the default IPv6 route.
fn add_ipv6(device: &str, address: IpAddr, prefix: u8) -> Result<(), String> {
    ip_cmd(&format!(
        "-6 addr replace {address}/{prefix} dev {device} nodad"
    ))?;
    ip_cmd(&format!("-6 route replace default dev {device}"))
}

/// `lo` up with the cluster DNS address; the pod's address on a veth interface `eth0` (on
/// `lo` where veth cannot be made) with the default route; IPv4 only, as the simulated pod
/// (until a dual-stack variant adds its IPv6 address). Returns the pod's device.
fn set_up_network() -> Result<String, String> {
    ip_cmd("link set lo up")?;
    ip_cmd(&format!("addr add {CLUSTER_DNS}/32 dev lo"))?;
    let veth = ip_cmd("link add eth0 type veth peer name host0")
        .and_then(|()| ip_cmd(&format!("addr add {POD_IP}/24 dev eth0")))
        .and_then(|()| ip_cmd("link set host0 up"))
        .and_then(|()| ip_cmd("link set eth0 up"))
        .and_then(|()| ip_cmd("route add default dev eth0"));
    let device = if veth.is_ok() {
        "eth0"
    } else {
        ip_cmd(&format!("addr add {POD_IP}/24 dev lo"))?;
        ip_cmd("route add default dev lo")?;
        "lo"
    };
    std::fs::write("/proc/sys/kernel/hostname", "client-0")
        .map_err(|error| format!("setting the hostname: {error}"))?;
    Ok(device.to_owned())
}

/// The kubelet's `/etc/hosts` for the pod and the variant's `/etc/resolv.conf` (rewritten in
/// place for each variant), bind-mounted over the system's; `hosts: files dns`, `multi on` and
/// the built-in `gai.conf` tables, as the simulation assumes.
fn set_up_files(dir: &Path) -> Result<(), String> {
    let hosts = Kubelet::default()
        .hosts_file_text(&client_pod("default"))
        .expect("a running pod has a hosts file");
    let files = [
        ("resolv.conf", String::new(), "/etc/resolv.conf"),
        ("hosts", hosts, "/etc/hosts"),
        (
            "nsswitch.conf",
            "hosts: files dns\n".into(),
            "/etc/nsswitch.conf",
        ),
        ("host.conf", "multi on\n".into(), "/etc/host.conf"),
        ("gai.conf", String::new(), "/etc/gai.conf"),
    ];
    for (name, text, target) in files {
        let source = dir.join(name);
        std::fs::write(&source, text).map_err(|error| format!("{name}: {error}"))?;
        if !Path::new(target).exists() {
            if target == "/etc/resolv.conf" || target == "/etc/hosts" {
                return Err(format!("no {target} to mount over"));
            }
            continue;
        }
        let status = Command::new("mount")
            .arg("--bind")
            .arg(&source)
            .arg(target)
            .status()
            .map_err(|error| format!("mount: {error}"))?;
        if !status.success() {
            return Err(format!("mount --bind over {target} refused"));
        }
    }
    Ok(())
}

/// Runs one client; its one line (`ok …` or `error <EAI_*>`), killed after 20 s.
fn run_client(client: &Path, family: Family, name: &str) -> String {
    let mut child = Command::new(client)
        .arg(family_cli(family))
        .arg(name)
        // Go: its pure resolver, whatever it would choose (the C clients ignore it).
        .env("GODEBUG", "netdns=go")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the client starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("the client's status").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return "error timeout".to_owned();
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let output = child.wait_with_output().expect("the client's output");
    let line = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    match line.strip_prefix("error ").map(str::parse::<i32>) {
        Some(Ok(code)) => format!("error {}", gai_name(code)),
        // Go's: the error's type and text.
        _ => line,
    }
}
