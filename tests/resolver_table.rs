//! The comparison table of `docs/resolver-behaviour.md` §3, every row, as one table test: for
//! each variant of the kubelet's `resolv.conf`, each name and each library, the exact queries
//! (step, transport, socket, type, name, EDNS size, why sent, reply) and the final result.
//!
//! The cluster is the one §3.1 assumes: `web.default.svc.cluster.local.` is a ClusterIP
//! Service with `10.96.0.20` only, every other name NXDOMAIN; pod `client-0` (10.244.1.5)
//! with the kubelet's hosts file. §3.5's reply shapes come from a nameserver in front of the
//! cluster that answers `<shape>.default.svc.cluster.local.` with that shape (as the logging
//! server of the real runs did), except the 100 A records, which are a headless Service.

use std::net::IpAddr;

use k8s_dns_sim::hickory_proto::op::{Edns, Message, MessageType, ResponseCode};
use k8s_dns_sim::hickory_proto::rr::rdata::{A, CNAME};
use k8s_dns_sim::hickory_proto::rr::{Name, RData, Record, RecordType};
use k8s_dns_sim::resolver::{
    Cause, Family, Found, Kubelet, LookupError, Nameserver, PodDns, PodSandbox, Resolution,
    StubResolver,
};
use k8s_dns_sim::{Cluster, ClusterDns, Config, Transport};

use StubResolver::{Glibc, Go, Musl, Musl1_2_3};

const S_DEFAULT: [&str; 3] = [
    "default.svc.cluster.local",
    "svc.cluster.local",
    "cluster.local",
];
const S_SHOP: [&str; 3] = [
    "shop.svc.cluster.local",
    "svc.cluster.local",
    "cluster.local",
];

/// §3.1's cluster, plus the 100-endpoint headless Service of §3.5.
fn cluster() -> ClusterDns {
    let mut yaml = String::from(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n\
         spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}\n---\n\
         apiVersion: v1\nkind: Service\nmetadata: {name: big, namespace: default}\n\
         spec: {clusterIP: None, ports: [{port: 80}]}\n---\n\
         apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
         metadata: {name: big-1, namespace: default, labels: {kubernetes.io/service-name: big}}\n\
         addressType: IPv4\nendpoints:\n",
    );
    for i in 0..100 {
        yaml.push_str(&format!("- addresses: [10.1.0.{}]\n", i + 1));
    }
    ClusterDns::new(Cluster::from_yaml(&yaml).unwrap(), Config::default())
}

/// The logging server's reply shapes (§3.5), in front of the cluster.
struct Shapes(ClusterDns);

impl Nameserver for Shapes {
    fn reply(&self, server: IpAddr, query: &[u8], transport: Transport) -> Vec<u8> {
        let request = Message::from_vec(query).unwrap();
        let question = request.queries[0].clone();
        let name = question.name().to_ascii().to_lowercase();
        let Some(shape) = name.strip_suffix(".default.svc.cluster.local.") else {
            return self.0.reply(server, query, transport);
        };
        let mut response = Message::new(request.id, MessageType::Response, request.op_code);
        response.metadata.recursion_desired = request.recursion_desired;
        response.metadata.authoritative = true;
        response.add_query(question.clone());
        let owner = question.name().clone();
        match (shape, question.query_type()) {
            ("nodata", _) => {}
            ("cname", _) => {
                let target = Name::from_ascii("nowhere.example.").unwrap();
                response.add_answer(Record::from_rdata(owner, 5, RData::CNAME(CNAME(target))));
            }
            ("mixed", RecordType::A) => {
                let address = RData::A(A::new(10, 96, 0, 30));
                response.add_answer(Record::from_rdata(owner, 5, address));
            }
            ("mixed", _) => response.metadata.response_code = ResponseCode::NXDomain,
            ("servfail", _) => {
                response.metadata.authoritative = false;
                response.metadata.response_code = ResponseCode::ServFail;
            }
            ("refused", _) => {
                response.metadata.authoritative = false;
                response.metadata.response_code = ResponseCode::Refused;
            }
            // NOERROR, no answer, neither AA nor RA: "lame"; `lame-opt` with the OPT record a
            // server puts in its reply to an EDNS query.
            ("lame", _) => response.metadata.authoritative = false,
            ("lame-opt", _) => {
                response.metadata.authoritative = false;
                response.set_edns(Edns::new());
            }
            _ => return self.0.reply(server, query, transport),
        }
        response.to_vec().unwrap()
    }
}

/// The variants of §3.3: the kubelet's file for the pod, in its own words.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    V1,
    V2,
    V3,
    V4,
    V5,
    V6,
    V7,
    V7Reopen,
    V8,
    V9,
}

fn long_search() -> Vec<String> {
    let mut domains: Vec<String> = S_DEFAULT.iter().map(|d| (*d).to_owned()).collect();
    domains.extend((1..=12).map(|n| format!("corp{n}.long-example-domain.internal")));
    domains
}

fn resolv_conf(variant: Variant) -> String {
    let search = |domains: &[&str]| format!("search {}\n", domains.join(" "));
    let ns = "nameserver 10.96.0.10\n";
    match variant {
        Variant::V1 => format!("{}{ns}options ndots:5\n", search(&S_DEFAULT)),
        Variant::V2 => format!("{}{ns}options ndots:5\n", search(&S_SHOP)),
        Variant::V3 => format!("{}{ns}options ndots:1\n", search(&S_DEFAULT)),
        Variant::V4 => format!("{}{ns}options ndots:2\n", search(&S_DEFAULT)),
        Variant::V5 => format!("{ns}options ndots:5\n"),
        Variant::V6 => format!("search {}\n{ns}options ndots:5\n", long_search().join(" ")),
        Variant::V7 => format!("{}{ns}options ndots:5 single-request\n", search(&S_DEFAULT)),
        Variant::V7Reopen => {
            format!(
                "{}{ns}options ndots:5 single-request-reopen\n",
                search(&S_DEFAULT)
            )
        }
        Variant::V8 => format!("{}{ns}options ndots:5 use-vc\n", search(&S_DEFAULT)),
        Variant::V9 => format!("{}{ns}options ndots:5 edns0\n", search(&S_DEFAULT)),
    }
}

/// Pod `client-0`: the kubelet's hosts file (§1.7, no subdomain), `lo` with `::1`.
fn sandbox(variant: Variant) -> PodSandbox {
    let pod = PodDns::new("default", "client-0").with_ips(["10.244.1.5".parse().unwrap()]);
    let mut sandbox = Kubelet::default().sandbox(&pod).unwrap();
    sandbox.resolv_conf = resolv_conf(variant);
    sandbox
}

/// What a step's replies are: `hit` (NOERROR, 1 answer), `ND` (NOERROR, none), `NX`.
#[derive(Clone, Copy)]
enum R {
    Hit,
    Nd,
    Nx,
}

fn reply_text(reply: R) -> &'static str {
    match reply {
        R::Hit => "NOERROR/1",
        R::Nd => "NOERROR/0",
        R::Nx => "NXDOMAIN/0",
    }
}

/// One query as the table test compares it.
fn render(resolution: &Resolution) -> Vec<String> {
    let mut lines = Vec::new();
    for (index, step) in resolution.steps.iter().enumerate() {
        for query in &step.queries {
            let edns = query
                .edns
                .map(|size| format!(" EDNS{size}"))
                .unwrap_or_default();
            let cause = match query.cause {
                Cause::First => "",
                Cause::Retry => " retry",
                Cause::ResendAfterServfail => " resend",
                Cause::TcpAfterTruncation => " after-TC",
                _ => " ?",
            };
            let reply = match &query.reply {
                Some(reply) => format!(
                    "{:?}{}/{}{}",
                    reply.rcode,
                    if reply.truncated { "+TC" } else { "" },
                    reply.answers().len(),
                    if reply.used { "" } else { " ignored" }
                )
                .replace("NoError", "NOERROR")
                .replace("NXDomain", "NXDOMAIN")
                .replace("ServFail", "SERVFAIL")
                .replace("Refused", "REFUSED"),
                None => "none".to_owned(),
            };
            lines.push(format!(
                "{} {}#{} {} {}{edns}{cause} -> {reply}",
                index + 1,
                query.transport,
                query.socket,
                query.qtype,
                query.name
            ));
        }
    }
    lines
}

fn result_text(resolution: &Resolution) -> String {
    match &resolution.result {
        Ok(Found::Addresses(addresses)) => addresses
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" "),
        Ok(Found::Records(answer)) => format!("{} records", answer.answers.len()),
        Err(LookupError::Gai(error)) => error.name().to_owned(),
        Err(LookupError::GoDns(error)) if error.is_not_found => "NSH".to_owned(),
        Err(LookupError::GoDns(error)) => format!("DNSError {}", error.err),
        Err(LookupError::GoAddr { .. }) => "AddrError".to_owned(),
        Err(other) => other.to_string(),
        Ok(other) => format!("{other:?}"),
    }
}

/// The queries `library` sends in `variant` for `steps` (name, A reply, AAAA reply) with
/// `AF_UNSPEC`, by the rules of §2.6: glibc one UDP socket per step (a new one for the AAAA with
/// `single-request-reopen`), one TCP connection per step with `use-vc`, OPT 1200 with `edns0`;
/// musl one UDP socket per step, no OPT, every option ignored; Go one socket per query, OPT
/// 1232 always, TCP with `use-vc`.
fn expected(library: StubResolver, variant: Variant, steps: &[(&str, R, R)]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut socket = 0;
    for (index, (name, a, aaaa)) in steps.iter().enumerate() {
        let step = index + 1;
        let mut line = |transport: &str, socket: u32, qtype: &str, edns: &str, reply: R| {
            lines.push(format!(
                "{step} {transport}#{socket} {qtype} {name}{edns} -> {}",
                reply_text(reply)
            ));
        };
        match library {
            Glibc => {
                let transport = if variant == Variant::V8 { "TCP" } else { "UDP" };
                let edns = if variant == Variant::V9 {
                    " EDNS1200"
                } else {
                    ""
                };
                socket += 1;
                line(transport, socket, "A", edns, *a);
                if variant == Variant::V7Reopen {
                    socket += 1;
                }
                line(transport, socket, "AAAA", edns, *aaaa);
            }
            Musl | Musl1_2_3 => {
                socket += 1;
                line("UDP", socket, "A", "", *a);
                line("UDP", socket, "AAAA", "", *aaaa);
            }
            Go => {
                let transport = if variant == Variant::V8 { "TCP" } else { "UDP" };
                socket += 1;
                line(transport, socket, "A", " EDNS1232", *a);
                socket += 1;
                line(transport, socket, "AAAA", " EDNS1232", *aaaa);
            }
            _ => unreachable!(),
        }
    }
    lines
}

/// `name` with each search domain, NXDOMAIN (`S(ns)` in the table).
fn searched(name: &str, domains: &[&str]) -> Vec<(String, R, R)> {
    domains
        .iter()
        .map(|domain| (format!("{name}.{domain}."), R::Nx, R::Nx))
        .collect()
}

fn nx(name: &str) -> (String, R, R) {
    (format!("{name}."), R::Nx, R::Nx)
}

fn hit(name: &str) -> (String, R, R) {
    (format!("{name}."), R::Hit, R::Nd)
}

/// One row: the steps and the result, per library.
struct Row {
    variant: Variant,
    name: &'static str,
    library: StubResolver,
    steps: Vec<(String, R, R)>,
    result: &'static str,
}

fn rows_for(
    variant: Variant,
    name: &'static str,
    libraries: &[StubResolver],
    steps: Vec<(String, R, R)>,
    result: &'static str,
) -> Vec<Row> {
    libraries
        .iter()
        .map(|&library| Row {
            variant,
            name,
            library,
            steps: steps.clone(),
            result,
        })
        .collect()
}

const ALL: [StubResolver; 4] = [Glibc, Musl1_2_3, Musl, Go];
const LIBC: [StubResolver; 3] = [Glibc, Musl1_2_3, Musl];
const GLIBC_GO: [StubResolver; 2] = [Glibc, Go];
const MUSLS: [StubResolver; 2] = [Musl1_2_3, Musl];
const WEB: &str = "10.96.0.20";
const FQDN: &str = "web.default.svc.cluster.local";

/// The V1 rows (also those of V7, V8, V9: same names, steps and results).
fn v1_rows(variant: Variant) -> Vec<Row> {
    let mut rows = Vec::new();
    rows.extend(rows_for(variant, "web", &ALL, vec![hit(FQDN)], WEB));
    let mut steps = vec![nx("web.default.default.svc.cluster.local")];
    steps.push(hit(FQDN));
    rows.extend(rows_for(variant, "web.default", &ALL, steps, WEB));
    let mut steps = searched("web.default.svc", &S_DEFAULT[..2]);
    steps.push(hit(FQDN));
    rows.extend(rows_for(variant, "web.default.svc", &ALL, steps, WEB));
    let mut steps = searched(FQDN, &S_DEFAULT);
    steps.push(hit(FQDN));
    rows.extend(rows_for(variant, FQDN, &ALL, steps, WEB));
    for name in ["example.com", "missing"] {
        let mut steps = searched(name, &S_DEFAULT);
        steps.push(nx(name));
        rows.extend(rows_for(variant, name, &LIBC, steps.clone(), "EAI_NONAME"));
        rows.extend(rows_for(variant, name, &[Go], steps, "NSH"));
    }
    rows
}

/// §3.2: the rows common to every variant.
fn common_rows(variant: Variant) -> Vec<Row> {
    let mut rows = rows_for(
        variant,
        "web.default.svc.cluster.local.",
        &ALL,
        vec![hit(FQDN)],
        WEB,
    );
    rows.extend(rows_for(
        variant,
        "localhost",
        &ALL,
        vec![],
        "::1 127.0.0.1",
    ));
    rows.extend(rows_for(variant, "10.0.0.1", &ALL, vec![], "10.0.0.1"));
    rows.extend(rows_for(variant, "::1", &ALL, vec![], "::1"));
    rows.extend(rows_for(variant, "client-0", &ALL, vec![], "10.244.1.5"));
    rows
}

fn table() -> Vec<Row> {
    let mut rows = Vec::new();
    for variant in [
        Variant::V1,
        Variant::V2,
        Variant::V3,
        Variant::V4,
        Variant::V5,
        Variant::V6,
        Variant::V7,
        Variant::V7Reopen,
        Variant::V8,
        Variant::V9,
    ] {
        rows.extend(common_rows(variant));
    }
    // V1, and V7-V9 (the same walks, other queries).
    for variant in [
        Variant::V1,
        Variant::V7,
        Variant::V7Reopen,
        Variant::V8,
        Variant::V9,
    ] {
        rows.extend(v1_rows(variant));
    }
    // V2: namespace shop.
    let v2 = Variant::V2;
    let mut steps = searched("web", &S_SHOP);
    steps.push(nx("web"));
    rows.extend(rows_for(v2, "web", &LIBC, steps.clone(), "EAI_NONAME"));
    rows.extend(rows_for(v2, "web", &[Go], steps, "NSH"));
    let steps = vec![nx("web.default.shop.svc.cluster.local"), hit(FQDN)];
    rows.extend(rows_for(v2, "web.default", &ALL, steps, WEB));
    let mut steps = searched("web.default.svc", &S_SHOP[..2]);
    steps.push(hit(FQDN));
    rows.extend(rows_for(v2, "web.default.svc", &ALL, steps, WEB));
    let mut steps = searched(FQDN, &S_SHOP);
    steps.push(hit(FQDN));
    rows.extend(rows_for(v2, FQDN, &ALL, steps, WEB));
    for name in ["example.com", "missing"] {
        let mut steps = searched(name, &S_SHOP);
        steps.push(nx(name));
        rows.extend(rows_for(v2, name, &LIBC, steps.clone(), "EAI_NONAME"));
        rows.extend(rows_for(v2, name, &[Go], steps, "NSH"));
    }
    // V3: ndots:1.
    let v3 = Variant::V3;
    rows.extend(rows_for(v3, "web", &ALL, vec![hit(FQDN)], WEB));
    let steps = vec![
        nx("web.default"),
        nx("web.default.default.svc.cluster.local"),
        hit(FQDN),
    ];
    rows.extend(rows_for(v3, "web.default", &GLIBC_GO, steps, WEB));
    rows.extend(rows_for(
        v3,
        "web.default",
        &MUSLS,
        vec![nx("web.default")],
        "EAI_NONAME",
    ));
    let mut steps = vec![nx("web.default.svc")];
    steps.extend(searched("web.default.svc", &S_DEFAULT[..2]));
    steps.push(hit(FQDN));
    rows.extend(rows_for(v3, "web.default.svc", &GLIBC_GO, steps, WEB));
    let steps = vec![nx("web.default.svc")];
    rows.extend(rows_for(v3, "web.default.svc", &MUSLS, steps, "EAI_NONAME"));
    rows.extend(rows_for(v3, FQDN, &ALL, vec![hit(FQDN)], WEB));
    let mut steps = vec![nx("example.com")];
    steps.extend(searched("example.com", &S_DEFAULT));
    rows.extend(rows_for(
        v3,
        "example.com",
        &[Glibc],
        steps.clone(),
        "EAI_NONAME",
    ));
    rows.extend(rows_for(v3, "example.com", &[Go], steps, "NSH"));
    rows.extend(rows_for(
        v3,
        "example.com",
        &MUSLS,
        vec![nx("example.com")],
        "EAI_NONAME",
    ));
    let mut steps = searched("missing", &S_DEFAULT);
    steps.push(nx("missing"));
    rows.extend(rows_for(v3, "missing", &LIBC, steps.clone(), "EAI_NONAME"));
    rows.extend(rows_for(v3, "missing", &[Go], steps, "NSH"));
    // V4: ndots:2.
    let v4 = Variant::V4;
    rows.extend(rows_for(v4, "web", &ALL, vec![hit(FQDN)], WEB));
    let steps = vec![nx("web.default.default.svc.cluster.local"), hit(FQDN)];
    rows.extend(rows_for(v4, "web.default", &ALL, steps, WEB));
    let mut steps = vec![nx("web.default.svc")];
    steps.extend(searched("web.default.svc", &S_DEFAULT[..2]));
    steps.push(hit(FQDN));
    rows.extend(rows_for(v4, "web.default.svc", &GLIBC_GO, steps, WEB));
    let steps = vec![nx("web.default.svc")];
    rows.extend(rows_for(v4, "web.default.svc", &MUSLS, steps, "EAI_NONAME"));
    rows.extend(rows_for(v4, FQDN, &ALL, vec![hit(FQDN)], WEB));
    for name in ["example.com", "missing"] {
        let mut steps = searched(name, &S_DEFAULT);
        steps.push(nx(name));
        rows.extend(rows_for(v4, name, &LIBC, steps.clone(), "EAI_NONAME"));
        rows.extend(rows_for(v4, name, &[Go], steps, "NSH"));
    }
    // V5: no search line.
    let v5 = Variant::V5;
    for name in [
        "web",
        "web.default",
        "web.default.svc",
        "example.com",
        "missing",
    ] {
        rows.extend(rows_for(v5, name, &LIBC, vec![nx(name)], "EAI_NONAME"));
        rows.extend(rows_for(v5, name, &[Go], vec![nx(name)], "NSH"));
    }
    rows.extend(rows_for(v5, FQDN, &ALL, vec![hit(FQDN)], WEB));
    // V6: a search line over 255 characters: musl skips it (as V5).
    let v6 = Variant::V6;
    let long = long_search();
    let long: Vec<&str> = long.iter().map(String::as_str).collect();
    rows.extend(rows_for(v6, "web", &GLIBC_GO, vec![hit(FQDN)], WEB));
    let steps = vec![nx("web.default.default.svc.cluster.local"), hit(FQDN)];
    rows.extend(rows_for(v6, "web.default", &GLIBC_GO, steps, WEB));
    let mut steps = searched("web.default.svc", &S_DEFAULT[..2]);
    steps.push(hit(FQDN));
    rows.extend(rows_for(v6, "web.default.svc", &GLIBC_GO, steps, WEB));
    let mut steps = searched(FQDN, &long);
    steps.push(hit(FQDN));
    rows.extend(rows_for(v6, FQDN, &GLIBC_GO, steps, WEB));
    for name in ["web", "web.default", "web.default.svc"] {
        rows.extend(rows_for(v6, name, &MUSLS, vec![nx(name)], "EAI_NONAME"));
    }
    rows.extend(rows_for(v6, FQDN, &MUSLS, vec![hit(FQDN)], WEB));
    for name in ["example.com", "missing"] {
        let mut steps = searched(name, &long);
        steps.push(nx(name));
        rows.extend(rows_for(v6, name, &[Glibc], steps.clone(), "EAI_NONAME"));
        rows.extend(rows_for(v6, name, &[Go], steps, "NSH"));
        rows.extend(rows_for(v6, name, &MUSLS, vec![nx(name)], "EAI_NONAME"));
    }
    rows
}

#[test]
fn every_row_of_the_comparison_table() {
    let dns = cluster();
    let rows = table();
    let mut failures = Vec::new();
    for row in &rows {
        let resolution =
            dns.getaddrinfo(&sandbox(row.variant), row.library, Family::Unspec, row.name);
        let steps: Vec<(&str, R, R)> = row
            .steps
            .iter()
            .map(|(name, a, aaaa)| (name.as_str(), *a, *aaaa))
            .collect();
        let want = expected(row.library, row.variant, &steps);
        let got = render(&resolution);
        let result = result_text(&resolution);
        if got != want || result != row.result {
            failures.push(format!(
                "{:?} {} {:?}:\n  want {:#?} => {}\n  got  {:#?} => {}\n{resolution}",
                row.variant, row.library, row.name, want, row.result, got, result
            ));
        }
        // The step records how the queries went out.
        for step in &resolution.steps {
            let sequential = matches!(row.variant, Variant::V7 | Variant::V7Reopen)
                && matches!(row.library, Glibc | Go);
            assert_eq!(
                step.parallel, !sequential,
                "{:?} {} {}",
                row.variant, row.library, row.name
            );
            assert_eq!(step.unordered, row.library == Go && !sequential);
        }
    }
    assert!(rows.len() > 300, "{} rows", rows.len());
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// §3.4: other families, V1.
#[test]
fn other_families() {
    let dns = cluster();
    let sandbox = sandbox(Variant::V1);
    let one = |qtype: &str, steps: &[(&str, &str)], tag: &str| -> Vec<String> {
        steps
            .iter()
            .enumerate()
            .map(|(index, (name, reply))| {
                format!(
                    "{} UDP#{} {qtype} {name}{tag} -> {reply}",
                    index + 1,
                    index + 1
                )
            })
            .collect()
    };
    let web_aaaa = [
        ("web.default.svc.cluster.local.", "NOERROR/0"),
        ("web.svc.cluster.local.", "NXDOMAIN/0"),
        ("web.cluster.local.", "NXDOMAIN/0"),
        ("web.", "NXDOMAIN/0"),
    ];
    let client_aaaa = [
        ("client-0.default.svc.cluster.local.", "NXDOMAIN/0"),
        ("client-0.svc.cluster.local.", "NXDOMAIN/0"),
        ("client-0.cluster.local.", "NXDOMAIN/0"),
        ("client-0.", "NXDOMAIN/0"),
    ];
    let missing = |qtype: &str, tag: &str| {
        let steps = [
            ("missing.default.svc.cluster.local.", "NXDOMAIN/0"),
            ("missing.svc.cluster.local.", "NXDOMAIN/0"),
            ("missing.cluster.local.", "NXDOMAIN/0"),
            ("missing.", "NXDOMAIN/0"),
        ];
        one(qtype, &steps, tag)
    };
    let go = " EDNS1232";
    // (name, family, library, queries, result)
    let cases: Vec<(&str, Family, StubResolver, Vec<String>, &str)> = vec![
        (
            "web",
            Family::Inet,
            Glibc,
            one("A", &[("web.default.svc.cluster.local.", "NOERROR/1")], ""),
            WEB,
        ),
        (
            "web",
            Family::Inet,
            Musl1_2_3,
            one("A", &[("web.default.svc.cluster.local.", "NOERROR/1")], ""),
            WEB,
        ),
        (
            "web",
            Family::Inet,
            Musl,
            one("A", &[("web.default.svc.cluster.local.", "NOERROR/1")], ""),
            WEB,
        ),
        (
            "web",
            Family::Inet,
            Go,
            one("A", &[("web.default.svc.cluster.local.", "NOERROR/1")], go),
            WEB,
        ),
        (
            "web",
            Family::Inet6,
            Glibc,
            one("AAAA", &web_aaaa, ""),
            "EAI_NODATA",
        ),
        ("web", Family::Inet6, Go, one("AAAA", &web_aaaa, go), "NSH"),
        (
            "web",
            Family::Inet6,
            Musl1_2_3,
            one("AAAA", &web_aaaa[..1], ""),
            "EAI_NONAME",
        ),
        (
            "web",
            Family::Inet6,
            Musl,
            one("AAAA", &web_aaaa[..1], ""),
            "EAI_NODATA",
        ),
        (
            "localhost",
            Family::Inet,
            Glibc,
            vec![],
            "127.0.0.1 127.0.0.1",
        ),
        ("localhost", Family::Inet, Musl1_2_3, vec![], "127.0.0.1"),
        ("localhost", Family::Inet, Musl, vec![], "127.0.0.1"),
        ("localhost", Family::Inet, Go, vec![], "127.0.0.1"),
        ("10.0.0.1", Family::Inet6, Glibc, vec![], "EAI_ADDRFAMILY"),
        ("10.0.0.1", Family::Inet6, Musl1_2_3, vec![], "EAI_NONAME"),
        ("10.0.0.1", Family::Inet6, Musl, vec![], "EAI_NODATA"),
        ("10.0.0.1", Family::Inet6, Go, vec![], "AddrError"),
        ("::1", Family::Inet, Glibc, vec![], "EAI_ADDRFAMILY"),
        ("::1", Family::Inet, Musl1_2_3, vec![], "EAI_NONAME"),
        ("::1", Family::Inet, Musl, vec![], "EAI_NODATA"),
        ("::1", Family::Inet, Go, vec![], "AddrError"),
        (
            "client-0",
            Family::Inet6,
            Glibc,
            one("AAAA", &client_aaaa, ""),
            "EAI_NONAME",
        ),
        ("client-0", Family::Inet6, Musl1_2_3, vec![], "EAI_NONAME"),
        ("client-0", Family::Inet6, Musl, vec![], "EAI_NODATA"),
        ("client-0", Family::Inet6, Go, vec![], "AddrError"),
    ];
    let mut cases = cases;
    for library in ALL {
        let tag = if library == Go { go } else { "" };
        let result = if library == Go { "NSH" } else { "EAI_NONAME" };
        cases.push(("missing", Family::Inet, library, missing("A", tag), result));
        cases.push((
            "missing",
            Family::Inet6,
            library,
            missing("AAAA", tag),
            result,
        ));
    }
    for library in ALL {
        cases.push(("localhost", Family::Inet6, library, vec![], "::1"));
    }
    for (name, family, library, queries, result) in cases {
        let resolution = dns.getaddrinfo(&sandbox, library, family, name);
        assert_eq!(
            (render(&resolution), result_text(&resolution)),
            (queries, result.to_owned()),
            "{name} {family} {library}\n{resolution}"
        );
    }
}

/// §3.5: other reply shapes at step 1 (`<label>.default.svc.cluster.local.`), V1, `AF_UNSPEC`.
#[test]
fn other_reply_shapes() {
    let server = Shapes(cluster());
    let sandbox = sandbox(Variant::V1);
    let run = |library, label: &str| {
        k8s_dns_sim::resolver::getaddrinfo(&server, &sandbox, library, Family::Unspec, label)
    };
    let later = |label: &str| {
        let mut steps = searched(label, &S_DEFAULT[1..]);
        steps.push(nx(label));
        steps
    };
    // ND / ND: glibc and Go go on (4 steps), musl stops.
    for library in ALL {
        let resolution = run(library, "nodata");
        let mut steps = vec![("nodata.default.svc.cluster.local.".to_owned(), R::Nd, R::Nd)];
        if matches!(library, Glibc | Go) {
            steps.extend(later("nodata"));
        }
        let steps: Vec<(&str, R, R)> = steps.iter().map(|(n, a, b)| (n.as_str(), *a, *b)).collect();
        let result = match library {
            Glibc => "EAI_NODATA",
            Musl1_2_3 => "EAI_NONAME",
            Musl => "EAI_NODATA",
            _ => "NSH",
        };
        assert_eq!(
            render(&resolution),
            expected(library, Variant::V1, &steps),
            "{library}"
        );
        assert_eq!(result_text(&resolution), result, "{library}\n{resolution}");
    }
    // CNAME to a name with no address: glibc and musl stop, Go goes on.
    for library in ALL {
        let resolution = run(library, "cname");
        let steps = if library == Go { 4 } else { 1 };
        let result = match library {
            Glibc | Musl1_2_3 => "EAI_NONAME",
            Musl => "EAI_NODATA",
            _ => "NSH",
        };
        assert_eq!(resolution.steps.len(), steps, "{library}\n{resolution}");
        assert_eq!(result_text(&resolution), result, "{library}\n{resolution}");
        assert_eq!(
            resolution.steps[0].queries[0]
                .reply
                .as_ref()
                .unwrap()
                .answers()
                .len(),
            1
        );
    }
    // A address, AAAA NXDOMAIN: musl drops the address (the first non-zero rcode decides).
    for library in ALL {
        let resolution = run(library, "mixed");
        let (steps, result) = if library.is_musl() {
            (4, "EAI_NONAME")
        } else {
            (1, "10.96.0.30")
        };
        assert_eq!(resolution.steps.len(), steps, "{library}\n{resolution}");
        assert_eq!(result_text(&resolution), result, "{library}\n{resolution}");
    }
    // SERVFAIL to both.
    let glibc = run(Glibc, "servfail");
    let first: Vec<String> = render(&glibc).into_iter().take(4).collect();
    assert_eq!(
        first,
        [
            "1 UDP#1 A servfail.default.svc.cluster.local. -> SERVFAIL/0 ignored",
            "1 UDP#1 AAAA servfail.default.svc.cluster.local. -> SERVFAIL/0 ignored",
            "1 UDP#2 A servfail.default.svc.cluster.local. retry -> SERVFAIL/0 ignored",
            "1 UDP#2 AAAA servfail.default.svc.cluster.local. retry -> SERVFAIL/0 ignored",
        ]
    );
    assert_eq!(glibc.steps.len(), 4, "pair twice, then 3 steps\n{glibc}");
    assert_eq!(result_text(&glibc), "EAI_AGAIN");
    for library in MUSLS {
        let musl = run(library, "servfail");
        assert_eq!(musl.steps.len(), 1, "{musl}");
        assert_eq!(musl.queries().count(), 12, "12 datagrams\n{musl}");
        assert_eq!(
            musl.queries()
                .filter(|q| q.cause == Cause::ResendAfterServfail)
                .count(),
            8
        );
        assert_eq!(musl.waited, std::time::Duration::from_secs(5));
        assert_eq!(result_text(&musl), "EAI_AGAIN");
    }
    let go = run(Go, "servfail");
    let first: Vec<String> = render(&go).into_iter().take(4).collect();
    assert_eq!(
        first,
        [
            "1 UDP#1 A servfail.default.svc.cluster.local. EDNS1232 -> SERVFAIL/0 ignored",
            "1 UDP#2 A servfail.default.svc.cluster.local. EDNS1232 retry -> SERVFAIL/0 ignored",
            "1 UDP#3 AAAA servfail.default.svc.cluster.local. EDNS1232 -> SERVFAIL/0 ignored",
            "1 UDP#4 AAAA servfail.default.svc.cluster.local. EDNS1232 retry -> SERVFAIL/0 ignored",
        ]
    );
    assert_eq!(go.steps.len(), 4);
    assert_eq!(
        result_text(&go),
        "NSH",
        "the as-is NXDOMAIN replaces the SERVFAIL error"
    );
    // REFUSED to both: glibc abandons the search list but asks the name as is.
    let glibc = run(Glibc, "refused");
    assert_eq!(
        glibc.names(),
        ["refused.default.svc.cluster.local.", "refused."]
    );
    assert_eq!(glibc.steps[0].queries.len(), 4);
    assert_eq!(result_text(&glibc), "EAI_NONAME");
    for library in MUSLS {
        let musl = run(library, "refused");
        assert_eq!(musl.queries().count(), 4, "{musl}");
        assert_eq!(musl.waited, std::time::Duration::from_secs(5));
        assert_eq!(result_text(&musl), "EAI_AGAIN");
    }
    let go = run(Go, "refused");
    assert_eq!(go.steps.len(), 4);
    assert_eq!(go.steps[0].queries.len(), 4);
    assert_eq!(result_text(&go), "NSH");
}

/// §3.5, the last row: 100 A records, truncated over UDP.
#[test]
fn a_hundred_addresses_and_truncation() {
    let dns = cluster();
    let sandbox = sandbox(Variant::V1);
    let run = |library| dns.getaddrinfo(&sandbox, library, Family::Unspec, "big");
    let big = "big.default.svc.cluster.local.";
    // glibc: the UDP pair, both again over TCP; the whole walk three times (ERANGE: a result
    // buffer of 1024, then 2048, then 4096 bytes).
    let glibc = run(Glibc);
    let mut want = Vec::new();
    for walk in 0..3 {
        let (udp, tcp) = (2 * walk + 1, 2 * walk + 2);
        want.extend([
            format!("{} UDP#{udp} A {big} -> NOERROR+TC/29 ignored", walk + 1),
            format!("{} UDP#{udp} AAAA {big} -> NOERROR/0 ignored", walk + 1),
            format!("{} TCP#{tcp} A {big} after-TC -> NOERROR/100", walk + 1),
            format!("{} TCP#{tcp} AAAA {big} after-TC -> NOERROR/0", walk + 1),
        ]);
    }
    assert_eq!(render(&glibc), want, "{glibc}");
    assert_eq!(
        glibc.steps.iter().map(|s| s.walk).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(glibc.addresses().len(), 100);
    // musl 1.2.3: UDP only, the 29 records the truncated reply held.
    let musl = run(Musl1_2_3);
    assert_eq!(
        render(&musl),
        [
            format!("1 UDP#1 A {big} -> NOERROR+TC/29"),
            format!("1 UDP#1 AAAA {big} -> NOERROR/0"),
        ]
    );
    assert_eq!(musl.addresses().len(), 29);
    // musl 1.2.4+: the A query alone again over TCP; at most 48 addresses.
    let musl = run(Musl);
    assert_eq!(
        render(&musl),
        [
            format!("1 UDP#1 A {big} -> NOERROR+TC/29 ignored"),
            format!("1 UDP#1 AAAA {big} -> NOERROR/0"),
            format!("1 TCP#2 A {big} after-TC -> NOERROR/100"),
        ]
    );
    assert_eq!(musl.addresses().len(), 48);
    // Go: 73 records fit its 1232 bytes; A again over TCP; all 100.
    let go = run(Go);
    assert_eq!(
        render(&go),
        [
            format!("1 UDP#1 A {big} EDNS1232 -> NOERROR+TC/73 ignored"),
            format!("1 TCP#2 A {big} EDNS1232 after-TC -> NOERROR/100"),
            format!("1 UDP#3 AAAA {big} EDNS1232 -> NOERROR/0"),
        ]
    );
    assert_eq!(go.addresses().len(), 100);
}

/// glibc's `gethosts` (getaddrinfo.c) for `AF_INET` and `AF_INET6` keeps the ERANGE protocol
/// too: 2.36's `getanswer_r` (nss_dns/dns-host.c) needs 400 bytes of host data and a pointer
/// per answer record plus one before the names and addresses, so 100 A records do not fit the
/// first 1024-byte buffer and the whole walk is asked again with 2048 (checked against the
/// real glibc by tests/resolver_differential.rs, name `huge`); 40 fit at once.
#[test]
fn glibc_one_family_walks_again_when_its_buffer_is_too_small() {
    let dns = cluster();
    let sandbox = sandbox(Variant::V1);
    let big = "big.default.svc.cluster.local.";
    let inet = dns.getaddrinfo(&sandbox, Glibc, Family::Inet, "big");
    assert_eq!(
        render(&inet),
        [
            format!("1 UDP#1 A {big} -> NOERROR+TC/29 ignored"),
            format!("1 TCP#2 A {big} after-TC -> NOERROR/100"),
            format!("2 UDP#3 A {big} -> NOERROR+TC/29 ignored"),
            format!("2 TCP#4 A {big} after-TC -> NOERROR/100"),
        ],
        "{inet}"
    );
    assert_eq!(inet.addresses().len(), 100);
    // A name with one address fits the first buffer: one walk.
    let web = dns.getaddrinfo(&sandbox, Glibc, Family::Inet, "web");
    assert!(web.steps.iter().all(|step| step.walk == 1), "{web}");
    // No AAAA records: nothing to make room for, one walk, the four candidates.
    let inet6 = dns.getaddrinfo(&sandbox, Glibc, Family::Inet6, "big");
    assert!(inet6.steps.iter().all(|step| step.walk == 1), "{inet6}");
}

/// A CNAME-only answer (an ExternalName Service whose target has no address): glibc's
/// `getanswer_r` gives `NSS_STATUS_TRYAGAIN` with `NO_RECOVERY`, which `try_simple_gethostbyname`
/// (`AF_INET`) reports as `EAI_NODATA` and `gethosts` (`AF_INET6`) and `gethostbyname4_r`
/// (`AF_UNSPEC`) as `EAI_NONAME` (getaddrinfo.c; checked against the real glibc by
/// tests/resolver_differential.rs, name `ext-nx`).
#[test]
fn glibc_cname_only_errors_by_family() {
    let dns = ClusterDns::new(
        Cluster::from_yaml(
            "apiVersion: v1\nkind: Service\nmetadata: {name: ext-nx, namespace: default}\n\
             spec: {type: ExternalName, externalName: nowhere.invalid}\n",
        )
        .unwrap(),
        Config::default(),
    );
    let sandbox = sandbox(Variant::V1);
    for (family, want) in [
        (Family::Inet, "EAI_NODATA"),
        (Family::Inet6, "EAI_NONAME"),
        (Family::Unspec, "EAI_NONAME"),
    ] {
        let resolution = dns.getaddrinfo(&sandbox, Glibc, family, "ext-nx");
        assert_eq!(
            resolution.steps.len(),
            1,
            "the CNAME ends the walk\n{resolution}"
        );
        assert_eq!(result_text(&resolution), want, "{family}\n{resolution}");
    }
}

/// Go's `checkHeader` (`net/dnsclient_unix.go`, newest release: `extractExtendedRCode`, added
/// by golang/go#61695, Go 1.22 by its date, reports whether the reply has any additional
/// record, and `errLameReferral` needs none): a
/// NOERROR reply with neither answer, AA nor RA is a lame referral, tried again on the next
/// server and round, only when its additional section is empty. A reply to Go's EDNS query
/// carries an OPT record, so it is NODATA ("no such host"), asked once. (go1.19 had no such
/// condition: there both replies are lame, `docs/resolver-behaviour.md` §3.8.)
#[test]
fn go_lame_referral_needs_an_empty_additional_section() {
    let server = Shapes(cluster());
    let sandbox = sandbox(Variant::V1);
    for (label, queries) in [("lame", 4), ("lame-opt", 2)] {
        let resolution =
            k8s_dns_sim::resolver::getaddrinfo(&server, &sandbox, Go, Family::Unspec, label);
        assert_eq!(
            resolution.steps[0].queries.len(),
            queries,
            "{label}: attempts:2, one server\n{resolution}"
        );
        assert_eq!(resolution.steps.len(), 4, "{label}\n{resolution}");
        assert_eq!(result_text(&resolution), "NSH", "{label}\n{resolution}");
    }
}
