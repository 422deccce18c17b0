//! One table per library rule, each row naming the source it was read from
//! (`docs/resolver-behaviour.md` §2): glibc `resolv/res_query.c`, `resolv/res_send.c`,
//! `resolv/res_init.c`, `sysdeps/posix/getaddrinfo.c`, `nss/nss_files/files-hosts.c`; musl
//! `src/network/lookup_name.c`, `res_msend.c`, `resolvconf.c`, `res_mkquery.c`; Go
//! `net/dnsclient_unix.go`, `net/dnsconfig.go`, `net/dnsclient.go`, `net/hosts.go`.

use std::net::IpAddr;
use std::time::Duration;

use k8s_dns_sim::hickory_proto::op::{Message, MessageType, ResponseCode};
use k8s_dns_sim::resolver::{
    Cause, Family, Found, Kubelet, LibraryConf, LookupError, Nameserver, PodDns, PodSandbox,
    Resolution, StubResolver,
};
use k8s_dns_sim::{Cluster, ClusterDns, Config, Transport};

use StubResolver::{Glibc, Go, Musl, Musl1_2_3};

const ALL: [StubResolver; 4] = [Glibc, Musl1_2_3, Musl, Go];
const SEARCH: &str = "search default.svc.cluster.local svc.cluster.local cluster.local\n";

/// §3.1's cluster, behind a server that answers `servfail`, `refused` and `lame` (NOERROR
/// without AA or RA) under `example.` and `default.svc.cluster.local.` that way.
struct Faulty(ClusterDns);

fn cluster() -> Faulty {
    let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n\
                spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}\n---\n\
                apiVersion: v1\nkind: Service\nmetadata: {name: dual, namespace: default}\n\
                spec: {clusterIP: 10.96.0.21, clusterIPs: [10.96.0.21, 'fd00:10:96::21'], ipFamilies: [IPv4, IPv6], \
                ipFamilyPolicy: RequireDualStack, ports: [{port: 80}]}\n";
    Faulty(ClusterDns::new(
        Cluster::from_yaml(yaml).unwrap(),
        Config::default(),
    ))
}

impl Nameserver for Faulty {
    fn reply(&self, server: IpAddr, query: &[u8], transport: Transport) -> Vec<u8> {
        let Ok(request) = Message::from_vec(query) else {
            return self.0.reply(server, query, transport);
        };
        let name = request.queries[0].name().to_ascii().to_lowercase();
        let (label, rest) = name.split_once('.').unwrap_or_default();
        let code = match label {
            _ if rest != "example." && rest != "default.svc.cluster.local." => None,
            "servfail" => Some(ResponseCode::ServFail),
            "refused" => Some(ResponseCode::Refused),
            "lame" => Some(ResponseCode::NoError),
            _ => None,
        };
        let Some(code) = code else {
            return self.0.reply(server, query, transport);
        };
        let mut response = Message::new(request.id, MessageType::Response, request.op_code);
        response.metadata.response_code = code;
        response.add_query(request.queries[0].clone());
        response.to_vec().unwrap()
    }
}

fn sandbox(conf: &str) -> PodSandbox {
    let pod = PodDns::new("default", "client-0").with_ips(["10.244.1.5".parse().unwrap()]);
    let mut sandbox = Kubelet::default().sandbox(&pod).unwrap();
    sandbox.resolv_conf = conf.to_owned();
    sandbox
}

fn run(conf: &str, library: StubResolver, family: Family, name: &str) -> Resolution {
    k8s_dns_sim::resolver::getaddrinfo(&cluster(), &sandbox(conf), library, family, name)
}

fn result(resolution: &Resolution) -> String {
    match &resolution.result {
        Ok(Found::Addresses(addresses)) => addresses
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" "),
        Err(LookupError::Gai(error)) => error.name().to_owned(),
        Err(LookupError::GoDns(error)) => format!("DNSError {}", error.err),
        Err(LookupError::GoAddr { err, .. }) => format!("AddrError {err}"),
        other => format!("{other:?}"),
    }
}

/// One row: (source, resolv.conf, library, family, name, the step names, the result).
type Row = (
    &'static str,
    String,
    StubResolver,
    Family,
    String,
    Vec<String>,
    &'static str,
);

fn check(rows: Vec<Row>) {
    let mut failures = Vec::new();
    for (source, conf, library, family, name, steps, want) in rows {
        let resolution = run(&conf, library, family, &name);
        let names: Vec<String> = resolution.names().iter().map(|n| (*n).to_owned()).collect();
        if names != steps || result(&resolution) != want {
            failures.push(format!(
                "{source}: {library} {name:?}\n  want {steps:?} => {want}\n  got  {names:?} => {}\n{resolution}",
                result(&resolution)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|name| (*name).to_owned()).collect()
}

#[test]
fn candidates_and_stop_rules() {
    let v1 = format!("{SEARCH}nameserver 10.96.0.10\noptions ndots:5\n");
    let ndots1 = format!("{SEARCH}nameserver 10.96.0.10\noptions ndots:1\n");
    let root_first = "search . default.svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n";
    let no_tld = format!("{SEARCH}nameserver 10.96.0.10\noptions ndots:5 no-tld-query\n");
    // 233 characters, 3 dots: with `default.svc.cluster.local` it is over 253.
    let long = format!(
        "{}.{}.{}.{}",
        "a".repeat(60),
        "b".repeat(60),
        "c".repeat(60),
        "d".repeat(50)
    );
    let long_steps = |domains: &[&str]| -> Vec<String> {
        let mut steps: Vec<String> = domains.iter().map(|d| format!("{long}.{d}.")).collect();
        steps.push(format!("{long}."));
        steps
    };
    let unspec = Family::Unspec;
    let rows: Vec<Row> = vec![
        // glibc res_query.c: a root entry asks the name as is at its place, and not again.
        (
            "res_query.c:434-437,509 root entry",
            root_first.to_owned(),
            Glibc,
            unspec,
            "web".into(),
            names(&["web.", "web.default.svc.cluster.local."]),
            "10.96.0.20",
        ),
        // Go dnsconfig.go: `.` entries dropped when reading.
        (
            "dnsconfig.go search: `.` dropped",
            root_first.to_owned(),
            Go,
            unspec,
            "web".into(),
            names(&["web.default.svc.cluster.local."]),
            "10.96.0.20",
        ),
        // musl 1.2.4+ res_mkquery.c: `web..` refused, the candidate skipped.
        (
            "res_mkquery.c:16 (1.2.4+)",
            root_first.to_owned(),
            Musl,
            unspec,
            "web".into(),
            names(&["web.default.svc.cluster.local."]),
            "10.96.0.20",
        ),
        // musl 1.2.3: the malformed question is sent, the FORMERR ignored, the timeout waited.
        (
            "res_mkquery.c (1.2.3), res_msend.c",
            root_first.to_owned(),
            Musl1_2_3,
            unspec,
            "web".into(),
            names(&["web.."]),
            "EAI_AGAIN",
        ),
        // glibc res_query.c:593-628: a candidate too long ends the search list; the name as is
        // is still asked.
        (
            "res_query.c querydomain NO_RECOVERY",
            v1.clone(),
            Glibc,
            unspec,
            long.clone(),
            long_steps(&[]),
            "EAI_NONAME",
        ),
        // Go nameList: too-long candidates skipped, the others asked.
        (
            "dnsclient_unix.go nameList",
            v1.clone(),
            Go,
            unspec,
            long.clone(),
            long_steps(&["svc.cluster.local", "cluster.local"]),
            "DNSError no such host",
        ),
        // musl lookup_name.c:222: a domain that makes 256 characters is skipped.
        (
            "lookup_name.c:222",
            v1.clone(),
            Musl,
            unspec,
            long.clone(),
            long_steps(&["svc.cluster.local", "cluster.local"]),
            "EAI_NONAME",
        ),
        // glibc res_query.c:508-517: no-tld-query, a dotless name is not asked as is.
        (
            "res_query.c RES_NOTLDQUERY",
            no_tld.clone(),
            Glibc,
            unspec,
            "missing".into(),
            names(&[
                "missing.default.svc.cluster.local.",
                "missing.svc.cluster.local.",
                "missing.cluster.local.",
            ]),
            "EAI_NONAME",
        ),
        (
            "res_query.c RES_NOTLDQUERY (a dotted name)",
            no_tld,
            Glibc,
            unspec,
            "a.missing".into(),
            names(&[
                "a.missing.default.svc.cluster.local.",
                "a.missing.svc.cluster.local.",
                "a.missing.cluster.local.",
                "a.missing.",
            ]),
            "EAI_NONAME",
        ),
        // glibc res_query.c:384-406: an as-is query asked first never ends the walk; its
        // h_errno is the one reported (TRY_AGAIN after a SERVFAIL).
        (
            "res_query.c:384-406 saved_herrno",
            ndots1.clone(),
            Glibc,
            unspec,
            "servfail.example".into(),
            names(&[
                "servfail.example.",
                "servfail.example.default.svc.cluster.local.",
                "servfail.example.svc.cluster.local.",
                "servfail.example.cluster.local.",
            ]),
            "EAI_AGAIN",
        ),
        // Go goLookupIPCNAMEOrder: the as-is candidate's error is kept over later ones.
        (
            "dnsclient_unix.go lastErr for name+\".\"",
            ndots1.clone(),
            Go,
            unspec,
            "servfail.example".into(),
            names(&[
                "servfail.example.",
                "servfail.example.default.svc.cluster.local.",
                "servfail.example.svc.cluster.local.",
                "servfail.example.cluster.local.",
            ]),
            "DNSError server misbehaving",
        ),
        // musl: SERVFAIL at a step ends the lookup with EAI_AGAIN.
        (
            "lookup_name.c:174",
            ndots1,
            Musl,
            unspec,
            "servfail.example".into(),
            names(&["servfail.example."]),
            "EAI_AGAIN",
        ),
        // Go checkHeader: a lame reply (no AA, no RA) is "lame referral", the next try; the
        // as-is NXDOMAIN's error replaces it.
        (
            "dnsclient_unix.go checkHeader lame",
            v1.clone(),
            Go,
            unspec,
            "lame".into(),
            names(&[
                "lame.default.svc.cluster.local.",
                "lame.svc.cluster.local.",
                "lame.cluster.local.",
                "lame.",
            ]),
            "DNSError no such host",
        ),
        // glibc res_send.c:1276: a lame reply counts as no answer: next server, next round.
        (
            "res_send.c send_dg lame",
            v1.clone(),
            Glibc,
            unspec,
            "lame".into(),
            names(&["lame.default.svc.cluster.local.", "lame."]),
            "EAI_NONAME",
        ),
        // Two trailing dots: no query anywhere.
        (
            "res-name-checking.c res_hnok",
            v1.clone(),
            Glibc,
            unspec,
            "web..".into(),
            vec![],
            "EAI_NONAME",
        ),
        (
            "lookup_name.c:206",
            v1.clone(),
            Musl,
            unspec,
            "web..".into(),
            vec![],
            "EAI_NONAME",
        ),
        (
            "dnsclient.go isDomainName",
            v1.clone(),
            Go,
            unspec,
            "web..".into(),
            vec![],
            "DNSError no such host",
        ),
        // musl lookup_name.c:316: 255 characters and more, no query.
        (
            "lookup_name.c:316",
            v1.clone(),
            Musl,
            unspec,
            "a".repeat(255),
            vec![],
            "EAI_NONAME",
        ),
    ];
    check(rows);
    // Go: both queries of the lame step were tried twice (attempts:2, one server).
    let go = run(&v1, Go, Family::Unspec, "lame");
    assert_eq!(go.steps[0].queries.len(), 4);
    // Go: with ndots:1 the as-is SERVFAIL error is temporary.
    let go = run(
        &format!("{SEARCH}nameserver 10.96.0.10\noptions ndots:1\n"),
        Go,
        Family::Unspec,
        "servfail.example",
    );
    let Some(LookupError::GoDns(error)) = go.error() else {
        panic!("{go}");
    };
    assert!(error.is_temporary && !error.is_not_found);
    assert_eq!(
        error.to_string(),
        "lookup servfail.example on 10.96.0.10:53: server misbehaving"
    );
}

#[test]
fn numeric_names_and_the_hosts_file() {
    let v1 = format!("{SEARCH}nameserver 10.96.0.10\noptions ndots:5\n");
    let search = |name: &str| -> Vec<String> {
        let mut steps: Vec<String> = [
            "default.svc.cluster.local",
            "svc.cluster.local",
            "cluster.local",
        ]
        .iter()
        .map(|d| format!("{name}.{d}."))
        .collect();
        steps.push(format!("{name}."));
        steps
    };
    let unspec = Family::Unspec;
    let rows: Vec<Row> = vec![
        // glibc inet_addr.c / musl inet_aton.c: every inet_aton form is a literal.
        (
            "inet_addr.c __inet_aton_exact",
            v1.clone(),
            Glibc,
            unspec,
            "127.1".into(),
            vec![],
            "127.0.0.1",
        ),
        (
            "inet_aton.c",
            v1.clone(),
            Musl,
            unspec,
            "0x7f.1".into(),
            vec![],
            "127.0.0.1",
        ),
        (
            "inet_aton.c",
            v1.clone(),
            Musl1_2_3,
            unspec,
            "010.0.0.1".into(),
            vec![],
            "8.0.0.1",
        ),
        // Go: `127.1` is all numeric, so not a domain name: no query.
        (
            "dnsclient.go isDomainName",
            v1.clone(),
            Go,
            unspec,
            "127.1".into(),
            vec![],
            "DNSError no such host",
        ),
        // Go: `0x7f.1` is a domain name, and is searched.
        (
            "dnsclient.go isDomainName",
            v1.clone(),
            Go,
            unspec,
            "0x7f.1".into(),
            search("0x7f.1"),
            "DNSError no such host",
        ),
        // `1.2.3.4.` is no literal: glibc and musl ask DNS for it; Go refuses it.
        (
            "getaddrinfo.c text_to_binary_address",
            v1.clone(),
            Glibc,
            unspec,
            "1.2.3.4.".into(),
            names(&["1.2.3.4."]),
            "EAI_NONAME",
        ),
        (
            "lookup_ipliteral.c",
            v1.clone(),
            Musl,
            unspec,
            "1.2.3.4.".into(),
            names(&["1.2.3.4."]),
            "EAI_NONAME",
        ),
        (
            "dnsclient.go isDomainName",
            v1.clone(),
            Go,
            unspec,
            "1.2.3.4.".into(),
            vec![],
            "DNSError no such host",
        ),
        // files-hosts.c: names compared case-insensitively; musl's strstr is case-sensitive.
        (
            "files-hosts.c strcasecmp",
            v1.clone(),
            Glibc,
            unspec,
            "CLIENT-0".into(),
            vec![],
            "10.244.1.5",
        ),
        (
            "lookup_name.c name_from_hosts strstr",
            v1.clone(),
            Musl,
            unspec,
            "CLIENT-0".into(),
            search("CLIENT-0"),
            "EAI_NONAME",
        ),
        (
            "hosts.go lowerASCII",
            v1.clone(),
            Go,
            unspec,
            "CLIENT-0".into(),
            vec![],
            "10.244.1.5",
        ),
        // A trailing dot is part of the name for the hosts file (Go: only dotted names lose it).
        (
            "files-hosts.c",
            v1.clone(),
            Glibc,
            unspec,
            "client-0.".into(),
            names(&["client-0."]),
            "EAI_NONAME",
        ),
        (
            "hosts.go absDomainName",
            v1.clone(),
            Go,
            unspec,
            "client-0.".into(),
            names(&["client-0."]),
            "DNSError no such host",
        ),
        // getaddrinfo.c: with `::1` on lo, `localhost` sorts `::1` first.
        (
            "getaddrinfo.c rfc3484_sort",
            v1.clone(),
            Glibc,
            unspec,
            "localhost".into(),
            vec![],
            "::1 127.0.0.1",
        ),
        // Go ipsock.go filterAddrList: a hosts entry of the other family is an AddrError.
        (
            "ipsock.go filterAddrList",
            v1.clone(),
            Go,
            Family::Inet6,
            "client-0".into(),
            vec![],
            "AddrError no suitable address found",
        ),
        // glibc `no-aaaa` (2.36+): AF_UNSPEC asks A only; AF_INET6 gets NODATA without a query.
        (
            "dns-host.c:416 no-aaaa",
            format!("{SEARCH}options ndots:5 no-aaaa\n"),
            Glibc,
            unspec,
            "web".into(),
            names(&["web.default.svc.cluster.local."]),
            "10.96.0.20",
        ),
        (
            "res_query.c:205 no-aaaa",
            format!("{SEARCH}options ndots:5 no-aaaa\n"),
            Glibc,
            Family::Inet6,
            "web".into(),
            vec![],
            "EAI_NODATA",
        ),
    ];
    check(rows);
    // no-aaaa: the step has the A query only.
    let resolution = run(
        &format!("{SEARCH}options ndots:5 no-aaaa\n"),
        Glibc,
        Family::Unspec,
        "web",
    );
    assert_eq!(resolution.queries().count(), 1);
}

#[test]
fn hostname_gives_the_search_list_when_the_file_has_none() {
    // glibc res_init.c domain_from_hostname, Go dnsDefaultSearch; musl has no such rule.
    let mut sandbox = sandbox("nameserver 10.96.0.10\noptions ndots:5\n");
    sandbox.hostname = "client-0.default.svc.cluster.local".to_owned();
    for library in ALL {
        let resolution = cluster()
            .0
            .getaddrinfo(&sandbox, library, Family::Unspec, "web");
        let expected: &[&str] = if library.is_musl() {
            &["web."]
        } else {
            &["web.default.svc.cluster.local."]
        };
        assert_eq!(resolution.names(), expected, "{library}");
    }
}

#[test]
fn servers_rounds_and_waiting() {
    let three = format!(
        "{SEARCH}nameserver 10.96.0.10\nnameserver 10.96.0.11\nnameserver 10.96.0.12\noptions ndots:5 rotate\n"
    );
    let servers = |resolution: &Resolution| -> Vec<String> {
        resolution
            .queries()
            .map(|query| query.server.to_string())
            .collect()
    };
    // glibc res_send.c nameserver_offset: with rotate each send starts at the next server.
    let glibc = run(&three, Glibc, Family::Unspec, "missing");
    assert_eq!(
        servers(&glibc),
        [
            "10.96.0.10",
            "10.96.0.10",
            "10.96.0.11",
            "10.96.0.11",
            "10.96.0.12",
            "10.96.0.12",
            "10.96.0.10",
            "10.96.0.10"
        ]
    );
    // Go tryOneName serverOffset: each query (tryOneName call) starts at the next server.
    let go = run(&three, Go, Family::Unspec, "web");
    assert_eq!(servers(&go), ["10.96.0.10", "10.96.0.11"]);
    // musl res_msend.c: every query to every server at once; the first reply wins.
    let musl = run(&three, Musl, Family::Unspec, "web");
    assert_eq!(musl.queries().count(), 6);
    assert_eq!(
        musl.queries()
            .filter(|q| q.reply.as_ref().unwrap().used)
            .count(),
        2
    );
    // glibc res_send.c: attempts rounds over the servers; attempts:1 sends a failing pair once.
    let once = format!("{SEARCH}nameserver 10.96.0.10\noptions ndots:5 attempts:1\n");
    let glibc = run(&once, Glibc, Family::Unspec, "servfail");
    assert_eq!(glibc.steps[0].queries.len(), 2);
    // glibc send_dg single-request: after a SERVFAIL on A the AAAA is never sent; the socket
    // waits `timeout` for a reply in each of the two rounds.
    let single =
        format!("{SEARCH}nameserver 10.96.0.10\noptions ndots:5 single-request timeout:2\n");
    let glibc = run(&single, Glibc, Family::Unspec, "servfail");
    let first: Vec<String> = glibc.steps[0]
        .queries
        .iter()
        .map(|q| q.qtype.to_string())
        .collect();
    assert_eq!(first, ["A", "A"]);
    assert_eq!(glibc.waited, Duration::from_secs(4));
    // musl res_msend.c: a REFUSED reply is ignored; the query is resent every timeout/attempts
    // until timeout.
    let musl_conf =
        format!("{SEARCH}nameserver 10.96.0.10\noptions ndots:5 timeout:3 attempts:3\n");
    let musl = run(&musl_conf, Musl, Family::Unspec, "refused");
    assert_eq!(musl.queries().count(), 6, "3 rounds of A and AAAA\n{musl}");
    assert_eq!(
        musl.queries().filter(|q| q.cause == Cause::Retry).count(),
        4
    );
    assert_eq!(musl.waited, Duration::from_secs(3));
    assert_eq!(result(&musl), "EAI_AGAIN");
    // musl: timeout:0 sends nothing at all.
    let zero = format!("{SEARCH}nameserver 10.96.0.10\noptions ndots:5 timeout:0\n");
    let musl = run(&zero, Musl, Family::Unspec, "web");
    assert_eq!(musl.queries().count(), 0);
    assert_eq!(result(&musl), "EAI_AGAIN");
}

#[test]
fn edns_and_transports_per_library() {
    // res_query.c: OPT 1200 with edns0 only; musl never; Go 1232 always (dnsclient_unix.go
    // newRequest). Over TCP the same OPT goes along.
    let conf = format!("{SEARCH}nameserver 10.96.0.10\noptions ndots:5 edns0 use-vc\n");
    for (library, edns, transport) in [
        (Glibc, Some(1200), Transport::Tcp),
        (Musl, None, Transport::Udp),
        (Musl1_2_3, None, Transport::Udp),
        (Go, Some(1232), Transport::Tcp),
    ] {
        let resolution = run(&conf, library, Family::Unspec, "web");
        for query in resolution.queries() {
            assert_eq!(query.edns, edns, "{library}");
            assert_eq!(query.transport, transport, "{library}");
        }
    }
}

#[test]
fn the_order_of_a_dual_stack_answer() {
    // getaddrinfo.c rfc3484_sort (RFC 3484: ULA above IPv4) against lookup_name.c and
    // addrselect.go (RFC 6724: IPv4 above ULA), for a pod with a ULA address.
    let pod = PodDns::new("default", "client-0").with_ips([
        "10.244.1.5".parse().unwrap(),
        "fd00:10:244:1::5".parse().unwrap(),
    ]);
    let sandbox = Kubelet::default().sandbox(&pod).unwrap();
    let dns = cluster().0;
    for (library, first) in [
        (Glibc, "fd00:10:96::21"),
        (Musl1_2_3, "10.96.0.21"),
        (Musl, "10.96.0.21"),
        (Go, "10.96.0.21"),
    ] {
        let resolution = dns.getaddrinfo(&sandbox, library, Family::Unspec, "dual");
        assert_eq!(resolution.addresses().len(), 2, "{library}");
        assert_eq!(resolution.addresses()[0].to_string(), first, "{library}");
    }
}

#[test]
fn resolv_conf_as_each_library_reads_it() {
    // glibc res_init.c res_vinit_1 / res_setoptions.
    let text = "domain corp.example other.example\nsearch\nnameserver ten\nnameserver 10.0.0.1\n\
                nameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n\
                options ndots:abc timeout:100 attempts:9 rotatex\n";
    let glibc = LibraryConf::read(Glibc, text, "pod");
    assert_eq!(
        glibc.search,
        ["corp.example"],
        "domain: its first word; an empty search line does not clear"
    );
    assert_eq!(glibc.nameservers.len(), 3);
    assert_eq!(
        glibc.nameservers[0].to_string(),
        "10.0.0.1",
        "a bad address is skipped"
    );
    assert_eq!((glibc.ndots, glibc.timeout, glibc.attempts), (0, 30, 5));
    assert!(glibc.rotate, "options are matched by prefix");
    // musl resolvconf.c: `domain` keeps the whole line; ndots needs a digit; other clamps.
    let musl = LibraryConf::read(Musl, text, "pod");
    assert_eq!(
        musl.search,
        Vec::<String>::new(),
        "the last search/domain line (empty) wins"
    );
    assert_eq!((musl.ndots, musl.timeout, musl.attempts), (1, 60, 9));
    let musl = LibraryConf::read(Musl, "domain corp.example other.example\n", "pod");
    assert_eq!(musl.search, ["corp.example", "other.example"]);
    // musl: a line of 254 characters is read, one of 255 skipped whole.
    let line = |len: usize| format!("search {}\n", "a".repeat(len - 7));
    assert_eq!(LibraryConf::read(Musl, &line(254), "pod").search.len(), 1);
    let skipped = LibraryConf::read(Musl, &line(255), "pod");
    assert!(skipped.search.is_empty());
    assert_eq!(skipped.skipped_lines, [1]);
    assert_eq!(LibraryConf::read(Glibc, &line(255), "pod").search.len(), 1);
    // musl: `options` is searched with strstr anywhere in the line.
    assert_eq!(
        LibraryConf::read(Musl, "options edns0 xndots:3\n", "pod").ndots,
        3
    );
    // Go dnsconfig.go: names made absolute, `.` dropped, ndots:abc is 0, attempts at least 1,
    // unknown options noted.
    let go = LibraryConf::read(
        Go,
        "search a.example . b.example.\noptions ndots:abc attempts:0 edns0 foo\n",
        "pod",
    );
    assert_eq!(go.search, ["a.example.", "b.example."]);
    assert_eq!((go.ndots, go.attempts), (0, 1));
    assert!(go.unknown_option);
    // No nameserver: 127.0.0.1 (Go: and ::1).
    assert_eq!(LibraryConf::read(Musl, "", "pod").nameservers.len(), 1);
    assert_eq!(LibraryConf::read(Go, "", "pod").nameservers.len(), 2);
}

#[test]
fn record_searches() {
    // glibc res_search walks the search list for any type; musl's res_search is res_query
    // (res_query.c: weak_alias), the name as given only; Go's lookup walks nameList.
    let dns = cluster().0;
    let sandbox = sandbox(&format!("{SEARCH}nameserver 10.96.0.10\noptions ndots:5\n"));
    let qtype = k8s_dns_sim::hickory_proto::rr::RecordType::SRV;
    for (library, steps) in [(Glibc, 1), (Musl, 1), (Musl1_2_3, 1), (Go, 1)] {
        let resolution = k8s_dns_sim::resolver::search(&dns, &sandbox, library, "web", qtype);
        assert_eq!(resolution.steps.len(), steps, "{library}\n{resolution}");
    }
    let glibc = k8s_dns_sim::resolver::search(&dns, &sandbox, Glibc, "web", qtype);
    assert!(
        glibc.found(),
        "web.default.svc.cluster.local. has SRV records\n{glibc}"
    );
    let musl = k8s_dns_sim::resolver::search(&dns, &sandbox, Musl, "web", qtype);
    assert_eq!(musl.names(), ["web."]);
    assert!(!musl.found());
}

// The differential test of issue 9 §4 (the real glibc and musl against the simulator, served
// on a socket) is tests/resolver_differential.rs.

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const CONF: &[&str] = &[
        "search ",
        "domain ",
        "nameserver ",
        "options ",
        "ndots:",
        "attempts:",
        "timeout:",
        "rotate",
        "single-request",
        "single-request-reopen",
        "use-vc",
        "edns0",
        "no-aaaa",
        "no-tld-query",
        "trust-ad",
        "0",
        "1",
        "5",
        "16",
        "99999999999999999999",
        ".",
        "..",
        "default.svc.cluster.local",
        "cluster.local.",
        "10.96.0.10",
        "::1",
        "fe80::1%lo",
        "example.com",
        " ",
        "\t",
        "\n",
        "#",
        ";",
        "é",
        "a",
    ];
    const NAME: &[&str] = &[
        "web",
        "default",
        "svc",
        "cluster",
        "local",
        ".",
        "..",
        "-",
        "_",
        "0",
        "127",
        "1",
        "servfail",
        "refused",
        "lame",
        "x",
        "é",
        "%",
        ":",
        "ff",
        "localhost",
        "client-0",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Rule: every library gives every name in every file a result, without a panic, and
        /// every query it sends fits a DNS message.
        #[test]
        fn rule_any_file_and_name_resolve_or_fail(
            conf in prop::collection::vec(0..CONF.len(), 0..40),
            name in prop::collection::vec(0..NAME.len(), 0..12),
        ) {
            let conf: String = conf.iter().map(|&i| CONF[i]).collect();
            let name: String = name.iter().map(|&i| NAME[i]).collect();
            for library in ALL {
                for family in [Family::Unspec, Family::Inet, Family::Inet6] {
                    let resolution = run(&conf, library, family, &name);
                    for query in resolution.queries() {
                        prop_assert!(query.name.len() <= 256, "{}", query.name);
                    }
                    prop_assert!(resolution.waited <= Duration::from_secs(600));
                }
            }
        }
    }
}
