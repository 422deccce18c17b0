//! The `file` plugin (docs/coredns-rules.md 55–58): the answers of an authoritative zone read
//! from a zone file, the plugin's place in the chain, and the Corefiles and zone files it
//! refuses. The rows re-express what CoreDNS's `plugin/file/*_test.go` check (lookup, CNAME,
//! wildcard, delegation, glue, empty non-terminal, fallthrough, setup), over a zone of our own:
//! `fixtures/zones/db.example.org`. Every row names its rule.

mod support;

use support::reply::{Row, check, row as bare};

use std::collections::BTreeMap;

use k8s_dns_sim::hickory_proto::op::ResponseCode::{self, NXDomain, NoError, Refused, ServFail};
use k8s_dns_sim::hickory_proto::rr::RecordType::{
    self, A, AAAA, AXFR, CNAME, DS, MX, NS, SOA, SRV, TXT,
};
use k8s_dns_sim::{ClusterDns, Config, CorefileErrorKind, Upstream};

const ZONE_PATH: &str = "/etc/coredns/db.example.org";

const SOA_LINE: &str = "example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 2026120201 7200 3600 1209600 300";
const APEX_NS: &[&str] = &[
    "example.org. 3600 IN NS ns1.example.org.",
    "example.org. 3600 IN NS ns2.elsewhere.net.",
];
const SOA_ONLY: &[&str] = &[SOA_LINE];

/// A positive answer of the zone: AA, the apex NS in the authority section.
const fn positive(
    rule: &'static str,
    name: &'static str,
    qtype: RecordType,
    answer: &'static [&'static str],
    additional: &'static [&'static str],
) -> Row {
    Row {
        rule,
        name,
        qtype,
        rcode: NoError,
        aa: true,
        answer,
        authority: APEX_NS,
        additional,
    }
}

/// A negative answer of the zone: AA, the SOA alone in the authority section.
const fn negative(
    rule: &'static str,
    name: &'static str,
    qtype: RecordType,
    rcode: ResponseCode,
) -> Row {
    Row {
        rule,
        name,
        qtype,
        rcode,
        aa: true,
        answer: &[],
        authority: SOA_ONLY,
        additional: &[],
    }
}

fn zone_text() -> String {
    support::fixture("zones/db.example.org")
}

/// A server from `corefile`, the zone file at ZONE_PATH (and `more` files), and for a Corefile
/// with `forward` an upstream that holds www.example.com and nothere.example.org.
fn server_with(corefile: &str, more: &[(&str, &str)]) -> ClusterDns {
    let zone = zone_text();
    let mut files: BTreeMap<String, String> = BTreeMap::from([(ZONE_PATH.to_owned(), zone)]);
    for (path, text) in more {
        files.insert((*path).to_owned(), (*text).to_owned());
    }
    let upstream = Upstream::new()
        .with_address("www.example.com", "93.184.215.14".parse().unwrap(), 300)
        .unwrap()
        .with_address("nothere.example.org", "198.51.100.1".parse().unwrap(), 60)
        .unwrap();
    let mut config = Config::from_corefile_with_files(corefile, files)
        .unwrap_or_else(|error| panic!("{error}\n{corefile}"));
    // with_upstream adds a `forward .` to a Corefile without one: only where one is written.
    if corefile.contains("forward") {
        config = config.with_upstream(upstream);
    }
    assert!(
        config.not_simulated.iter().all(|n| n.directive != "file"),
        "file is simulated: {:?}",
        config.not_simulated
    );
    support::dns("golden.yaml", config)
}

fn server(corefile: &str) -> ClusterDns {
    server_with(corefile, &[])
}

const ZONE_BLOCK: &str = ".:53 {\n    file /etc/coredns/db.example.org example.org\n    kubernetes cluster.local\n    forward . 8.8.8.8\n}\n";

#[test]
fn the_zone_answers_as_an_authoritative_server() {
    let dns = server(ZONE_BLOCK);
    const WEB_A: &str = "web.example.org. 300 IN A 192.0.2.80";
    check(
        &dns,
        &[
            Row {
                authority: APEX_NS,
                ..bare(
                    "56 SOA at the apex: the SOA, the apex NS in authority",
                    "example.org.",
                    SOA,
                    NoError,
                    true,
                    SOA_ONLY,
                )
            },
            Row {
                additional: &[
                    "ns1.example.org. 3600 IN A 192.0.2.53",
                    "ns1.example.org. 3600 IN AAAA 2001:db8::53",
                ],
                ..bare(
                    "56 NS at the apex: the NS records, glue (A then AAAA) for the in-zone server only, no authority",
                    "example.org.",
                    NS,
                    NoError,
                    true,
                    APEX_NS,
                )
            },
            positive(
                "56 A at the apex: the zone's own TTL (600), the apex NS in authority",
                "example.org.",
                A,
                &["example.org. 600 IN A 192.0.2.10"],
                &[],
            ),
            positive(
                "56 MX: the in-zone exchange's address in additional",
                "example.org.",
                MX,
                &["example.org. 3600 IN MX 10 mail.example.org."],
                &["mail.example.org. 3600 IN A 192.0.2.25"],
            ),
            positive(
                "56 SRV: the in-zone target's address in additional",
                "_http._tcp.example.org.",
                SRV,
                &["_http._tcp.example.org. 3600 IN SRV 0 100 80 web.example.org."],
                &[WEB_A],
            ),
            positive(
                "56 owner names are lower-cased as the zone stores them, whatever the question's case",
                "MIXED.Example.ORG.",
                A,
                &["mixed.example.org. 3600 IN A 192.0.2.9"],
                &[],
            ),
            positive(
                "56 the $TTL default for records without their own",
                "ns1.example.org.",
                AAAA,
                &["ns1.example.org. 3600 IN AAAA 2001:db8::53"],
                &[],
            ),
            negative(
                "56 a name the zone does not hold: NXDOMAIN, AA, the SOA",
                "nothere.example.org.",
                A,
                NXDomain,
            ),
            negative(
                "56 a name without the type: NODATA, AA, the SOA",
                "web.example.org.",
                TXT,
                NoError,
            ),
            negative(
                "56 an empty non-terminal (deep.ent exists below ent): NOERROR without records, the SOA",
                "ent.example.org.",
                A,
                NoError,
            ),
            negative(
                "56 a name below a held name that holds nothing: NXDOMAIN",
                "x.web.example.org.",
                A,
                NXDomain,
            ),
            bare(
                "55 a transfer without the transfer plugin's help: REFUSED, returned for the server to write",
                "example.org.",
                AXFR,
                Refused,
                false,
                &[],
            ),
        ],
    );
}

#[test]
fn cnames_are_followed_inside_the_zone_and_through_the_server() {
    let dns = server(ZONE_BLOCK);
    const WWW: &str = "www.example.org. 3600 IN CNAME web.example.org.";
    const WEB_A: &str = "web.example.org. 300 IN A 192.0.2.80";
    check(
        &dns,
        &[
            positive(
                "57 a CNAME to a name of the zone: the CNAME, then the target's records",
                "www.example.org.",
                A,
                &[WWW, WEB_A],
                &[],
            ),
            positive(
                "57 a chain of two CNAMEs, each in order",
                "alias.example.org.",
                A,
                &[
                    "alias.example.org. 3600 IN CNAME www.example.org.",
                    WWW,
                    WEB_A,
                ],
                &[],
            ),
            positive(
                "57 a CNAME question gets the CNAME alone",
                "www.example.org.",
                CNAME,
                &[WWW],
                &[],
            ),
            positive(
                "57 the target lacks the type: NOERROR with the CNAME, the apex NS (not the SOA)",
                "www.example.org.",
                AAAA,
                &[WWW],
                &[],
            ),
            positive(
                "57/40 a target outside the zone is asked of the whole server (here forward's upstream)",
                "out.example.org.",
                A,
                &[
                    "out.example.org. 3600 IN CNAME www.example.com.",
                    "www.example.com. 300 IN A 93.184.215.14",
                ],
                &[],
            ),
            positive(
                "57/40 a target in cluster.local is answered by the kubernetes plugin",
                "kube.example.org.",
                A,
                &[
                    "kube.example.org. 3600 IN CNAME web.default.svc.cluster.local.",
                    "web.default.svc.cluster.local. 5 IN A 10.96.0.20",
                ],
                &[],
            ),
            Row {
                answer: &["gone.example.org. 3600 IN CNAME nowhere.example.com."],
                ..negative(
                    "57 the server's NXDOMAIN for the outside target is the reply's rcode, with this zone's SOA",
                    "gone.example.org.",
                    A,
                    NXDomain,
                )
            },
            Row {
                answer: &["tosub.example.org. 3600 IN CNAME host.sub.example.org."],
                authority: &["sub.example.org. 3600 IN NS ns.sub.example.org."],
                additional: &["ns.sub.example.org. 3600 IN A 192.0.2.54"],
                ..bare(
                    "57/58 a CNAME into a delegated name: the CNAME and the referral, AA kept for the CNAME",
                    "tosub.example.org.",
                    A,
                    NoError,
                    true,
                    &[],
                )
            },
        ],
    );
    // A CNAME loop inside the zone stops after the first CNAME and nine more.
    let looped = dns.lookup("loop1.example.org", A).unwrap();
    assert_eq!(
        (looped.response_code(), looped.answers.len()),
        (NoError, 10),
        "57 a CNAME loop: {:?}",
        looped.answer_lines()
    );
}

#[test]
fn wildcards_and_delegations_answer_as_coredns_does() {
    let dns = server(ZONE_BLOCK);
    let referral = |rule, name, qtype| Row {
        authority: &["sub.example.org. 3600 IN NS ns.sub.example.org."],
        additional: &["ns.sub.example.org. 3600 IN A 192.0.2.54"],
        ..bare(rule, name, qtype, NoError, false, &[])
    };
    check(
        &dns,
        &[
            positive(
                "57 a wildcard answers in the asked name's place",
                "x.apps.example.org.",
                A,
                &["x.apps.example.org. 3600 IN A 192.0.2.100"],
                &[],
            ),
            positive(
                "57 a wildcard covers more than one label when nothing closer exists",
                "a.b.apps.example.org.",
                TXT,
                &["a.b.apps.example.org. 3600 IN TXT wild"],
                &[],
            ),
            negative(
                "57 a wildcard without the type: NODATA with the SOA",
                "x.apps.example.org.",
                MX,
                NoError,
            ),
            negative(
                "57 the wildcard's parent is an empty non-terminal: NODATA",
                "apps.example.org.",
                A,
                NoError,
            ),
            referral(
                "58 a name below a zone cut: a referral, not authoritative, the cut's NS and glue",
                "host.sub.example.org.",
                A,
            ),
            referral(
                "58 the glue's own name is below the cut too: a referral",
                "ns.sub.example.org.",
                A,
            ),
            referral(
                "58 NS at the cut itself: a referral",
                "sub.example.org.",
                NS,
            ),
            negative(
                "58 DS at the cut is the parent's to answer: NODATA with the SOA, AA",
                "sub.example.org.",
                DS,
                NoError,
            ),
        ],
    );
}

#[test]
fn the_plugins_place_in_the_chain() {
    let zone_then = |after: &str| {
        format!(".:53 {{\n    file /etc/coredns/db.example.org example.org\n{after}}}\n")
    };
    const NOTHERE_UPSTREAM: &str = "nothere.example.org. 60 IN A 198.51.100.1";
    let rows: Vec<(String, Vec<Row>)> = vec![
        (
            zone_then(""),
            vec![bare("55 a name outside its zones with no plugin after it: REFUSED", "other.org.", A, Refused, false, &[])],
        ),
        (
            zone_then("    loop\n"),
            vec![bare("55 outside its zones with a plugin after it: passed on (loop, then the end of the chain: SERVFAIL)", "other.org.", A, ServFail, false, &[])],
        ),
        (
            zone_then("    forward . 8.8.8.8\n"),
            vec![
                bare("55 outside its zones: passed on to forward", "www.example.com.", A, NoError, false, &["www.example.com. 300 IN A 93.184.215.14"]),
                negative("55 without fallthrough a name error stays the zone's", "nothere.example.org.", A, NXDomain),
            ],
        ),
        (
            ".:53 {\n    file /etc/coredns/db.example.org example.org {\n        fallthrough\n    }\n    forward . 8.8.8.8\n}\n".to_owned(),
            vec![
                bare("55 fallthrough: a name error goes to the next plugin", "nothere.example.org.", A, NoError, false, &[NOTHERE_UPSTREAM]),
                bare("55 fallthrough covers an empty non-terminal too (NOERROR without answers): forward's NXDOMAIN, not AA", "ent.example.org.", A, NXDomain, false, &[]),
                negative("55 fallthrough leaves NODATA alone", "web.example.org.", TXT, NoError),
            ],
        ),
        (
            ".:53 {\n    file /etc/coredns/db.example.org example.org {\n        fallthrough example.net\n    }\n    forward . 8.8.8.8\n}\n".to_owned(),
            vec![negative("55 fallthrough for other zones only: the zone answers its name error", "nothere.example.org.", A, NXDomain)],
        ),
        (
            ".:53 {\n    file db.example.org example.org example.net\n    root /etc/coredns\n}\n".to_owned(),
            vec![
                positive("55 a relative path is under `root`; the zones are the arguments", "mail.example.org.", A, &["mail.example.org. 3600 IN A 192.0.2.25"], &[]),
                Row {
                    authority: &["example.net. 3600 IN NS ns1.example.net.", "example.net. 3600 IN NS ns2.elsewhere.net."],
                    ..bare("55 the same file read for a second origin: its relative names under that origin", "mail.example.net.", A, NoError, true, &["mail.example.net. 3600 IN A 192.0.2.25"])
                },
            ],
        ),
        (
            "example.org:53 {\n    file /etc/coredns/db.example.org {\n        reload 30s\n        reload_by_mtime\n        upstream\n    }\n}\n".to_owned(),
            vec![positive("55 no zones written: the block's; reload, reload_by_mtime and upstream accepted", "mail.example.org.", A, &["mail.example.org. 3600 IN A 192.0.2.25"], &[])],
        ),
    ];
    for (corefile, rows) in rows {
        check(&server(&corefile), &rows);
    }
}

#[test]
fn kubernetes_fallthrough_reaches_the_zone_of_cluster_local() {
    let legacy = "$TTL 60\n@ IN SOA ns.dns hostmaster 1 7200 1800 86400 30\n@ IN NS ns.dns\nlegacy IN A 10.0.0.99\n";
    let dns = server_with(
        ".:53 {\n    kubernetes cluster.local {\n        fallthrough\n    }\n    file /etc/coredns/db.cluster.local cluster.local\n}\n",
        &[("/etc/coredns/db.cluster.local", legacy)],
    );
    const SOA: &str = "cluster.local. 60 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30";
    check(
        &dns,
        &[
            bare(
                "56 the cluster's names still come from kubernetes",
                "web.default.svc.cluster.local.",
                A,
                NoError,
                true,
                &["web.default.svc.cluster.local. 5 IN A 10.96.0.20"],
            ),
            Row {
                authority: &["cluster.local. 60 IN NS ns.dns.cluster.local."],
                ..bare(
                    "55/35 kubernetes' name error falls through to file (after it in plugin.cfg), which answers AA with its NS",
                    "legacy.cluster.local.",
                    A,
                    NoError,
                    true,
                    &["legacy.cluster.local. 60 IN A 10.0.0.99"],
                )
            },
            Row {
                authority: &[SOA],
                ..bare(
                    "55/35 a name neither holds: the zone's NXDOMAIN with its own SOA",
                    "nothing.cluster.local.",
                    A,
                    NXDomain,
                    true,
                    &[],
                )
            },
        ],
    );
}

#[test]
fn bad_file_directives_and_zone_files_are_located_errors() {
    type Expect = fn(&CorefileErrorKind) -> bool;
    let cases: &[(&str, &str, &str, usize, Expect)] = &[
        (
            "55 the zone file was not provided",
            ".:53 {\n    file /etc/coredns/db.missing\n}\n",
            "",
            2,
            |kind| matches!(kind, CorefileErrorKind::MissingZoneFile { path } if path == "/etc/coredns/db.missing"),
        ),
        (
            "55 file needs a zone file",
            ".:53 {\n    file\n}\n",
            "",
            2,
            |kind| matches!(kind, CorefileErrorKind::WrongArgumentCount { .. }),
        ),
        (
            "55 an unknown option",
            ".:53 {\n    file /etc/coredns/db.bad example.org {\n        transfer to *\n    }\n}\n",
            "$TTL 1\n@ IN SOA a b 1 1 1 1 1\n",
            3,
            |kind| matches!(kind, CorefileErrorKind::UnknownOption { option, .. } if option == "transfer"),
        ),
        (
            "55 reload needs a Go duration",
            ".:53 {\n    file /etc/coredns/db.bad example.org {\n        reload soon\n    }\n}\n",
            "$TTL 1\n@ IN SOA a b 1 1 1 1 1\n",
            3,
            |kind| matches!(kind, CorefileErrorKind::InvalidValue { found, .. } if found == "soon"),
        ),
        (
            "55 a zone file without SOA",
            ".:53 {\n    file /etc/coredns/db.bad example.org\n}\n",
            "$TTL 1\nwww IN A 192.0.2.1\n",
            2,
            |kind| matches!(kind, CorefileErrorKind::InvalidZoneFile { line: None, error, .. } if error.contains("SOA")),
        ),
        (
            "55 a record the zone parser refuses, located in the zone file",
            ".:53 {\n    file /etc/coredns/db.bad example.org\n}\n",
            "$TTL 1\n@ IN SOA a b 1 1 1 1 1\nwww IN A 192.0.2.1\nbad IN A not-an-address\n",
            2,
            |kind| matches!(kind, CorefileErrorKind::InvalidZoneFile { line: Some(4), path, .. } if path == "/etc/coredns/db.bad"),
        ),
        (
            "55 $INCLUDE would read the host's files: refused, located",
            ".:53 {\n    file /etc/coredns/db.bad example.org\n}\n",
            "$TTL 1\n@ IN SOA a b 1 1 1 1 1\n$INCLUDE /etc/passwd\n",
            2,
            |kind| matches!(kind, CorefileErrorKind::InvalidZoneFile { line: Some(3), error, .. } if error.contains("$INCLUDE")),
        ),
        (
            "55 DNAME is not read by hickory-proto's zone parser: refused, located",
            ".:53 {\n    file /etc/coredns/db.bad example.org\n}\n",
            "$TTL 1\n@ IN SOA a b 1 1 1 1 1\nold IN DNAME new.example.org.\n",
            2,
            |kind| {
                matches!(
                    kind,
                    CorefileErrorKind::InvalidZoneFile { line: Some(3), .. }
                )
            },
        ),
    ];
    for (rule, corefile, zone, line, expect) in cases {
        let files = BTreeMap::from([("/etc/coredns/db.bad", *zone)]);
        let error = Config::from_corefile_with_files(corefile, files).expect_err(rule);
        assert_eq!(error.line, *line, "[{rule}] {error}");
        assert!(expect(&error.kind), "[{rule}] {error}");
    }
    // Config::from_corefile reads no file: a `file` directive is then an error naming it.
    let error = Config::from_corefile(ZONE_BLOCK).unwrap_err();
    assert!(
        matches!(&*error.kind, CorefileErrorKind::MissingZoneFile { .. }) && error.line == 2,
        "55 from_corefile reads no zone file: {error}"
    );
}

#[test]
fn the_explanation_names_the_file_step() {
    let dns = server(ZONE_BLOCK);
    let explanation = dns.explain("kube.example.org", A).unwrap();
    let steps: Vec<(usize, Option<u16>, &str)> = explanation
        .steps
        .iter()
        .map(|step| {
            (
                step.depth,
                step.rule.map(|rule| rule.number),
                step.decision.as_str(),
            )
        })
        .collect();
    assert!(
        steps.iter().any(|(depth, rule, decision)| *depth == 0
            && *rule == Some(55)
            && decision.starts_with("file answers from its zone file")),
        "55 the file step answers the client's question: {steps:#?}"
    );
    assert!(
        steps.iter().any(|(depth, _, decision)| *depth == 1
            && decision.contains("web.default.svc.cluster.local")),
        "57/40 the CNAME target is a question of its own, one deeper: {steps:#?}"
    );
    let last = server(".:53 {\n    file /etc/coredns/db.example.org example.org\n}\n");
    let refused = last.explain("other.org", A).unwrap();
    assert!(
        refused
            .steps
            .iter()
            .any(|step| step.rule.map(|rule| rule.number) == Some(55)
                && step.decision.starts_with("file refuses the question")),
        "55 the last plugin refuses a name outside its zones: {:#?}",
        refused.steps
    );
    let passed = dns.explain("www.example.com", A).unwrap();
    assert!(
        passed
            .steps
            .iter()
            .any(|step| step.decision.starts_with("file does not answer the name")),
        "55 a name outside the zone: file passes it on: {:#?}",
        passed.steps
    );
}

/// Reads `zone` as the zone file of a `file` plugin: a Config or a located error, never a panic.
fn read_zone(zone: &str) -> Result<Config, k8s_dns_sim::CorefileError> {
    Config::from_corefile_with_files(
        ".:53 {\n    file /etc/coredns/db example.org\n}\n",
        BTreeMap::from([("/etc/coredns/db", zone)]),
    )
}

#[test]
fn every_prefix_of_a_zone_file_loads_or_fails_cleanly() {
    let zone = zone_text();
    let mut errors = 0;
    for (end, _) in zone.char_indices().step_by(3) {
        if let Err(error) = read_zone(&zone[..end]) {
            assert_eq!(
                error.line, 2,
                "55 a zone-file error names the `file` line: {error}"
            );
            errors += 1;
        }
    }
    assert!(errors > 0, "55 cut zone files fail");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn zone_token_soup_loads_or_fails_cleanly(tokens in proptest::collection::vec(
        proptest::sample::select(vec![
            "@", " ", "\t", "\n", "\r", "IN", "CH", "SOA", "A", "AAAA", "CNAME", "NS", "MX", "SRV",
            "TXT", "*", "*.", "a", "a.b.", "1.2.3.4", "::1", "3600", "1h", "(", ")", ";", "\"",
            "\\", "$TTL", "$ORIGIN", "$INCLUDE", "$GENERATE", "10", "ns1", "é", ".", "..",
        ]),
        0..40,
    )) {
        let zone: String = tokens.concat();
        let _ = read_zone(&format!("$TTL 60\n@ IN SOA ns1 host 1 2 3 4 5\n{zone}"));
        let _ = read_zone(&zone);
    }
}

#[test]
fn from_cluster_reads_zone_files_from_the_configmaps() {
    // A zone kept as a key of the coredns ConfigMap (mounted at /etc/coredns/), and one of
    // coredns-custom's (mounted at /etc/coredns/custom/, imported by a *.server block).
    let yaml = "apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    example.org:53 {
        file /etc/coredns/example.db
    }
    .:53 {
        kubernetes cluster.local
    }
    import custom/*.server
  example.db: |
    $TTL 120
    @ IN SOA ns hostmaster 1 7200 1800 86400 30
    @ IN NS ns
    ns IN A 192.0.2.1
    www IN A 192.0.2.80
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns-custom, namespace: kube-system}
data:
  lab.server: |
    lab.example:53 {
        file /etc/coredns/custom/lab.db
    }
  lab.db: |
    @ 60 IN SOA ns hostmaster 1 7200 1800 86400 30
    db 60 IN A 10.1.2.3
";
    let dns = ClusterDns::from_yaml(yaml).unwrap();
    check(
        &dns,
        &[
            Row {
                authority: &["example.org. 120 IN NS ns.example.org."],
                ..bare(
                    "55/42 a zone file kept as a key of the coredns ConfigMap",
                    "www.example.org.",
                    A,
                    NoError,
                    true,
                    &["www.example.org. 120 IN A 192.0.2.80"],
                )
            },
            bare(
                "55/42 a zone file of coredns-custom, for a block it imports (no NS at the apex: an empty authority)",
                "db.lab.example.",
                A,
                NoError,
                true,
                &["db.lab.example. 60 IN A 10.1.2.3"],
            ),
        ],
    );
}

#[test]
fn a_transfer_of_a_file_zone_is_listed_as_not_simulated() {
    let zone = zone_text();
    let files = BTreeMap::from([(ZONE_PATH, zone.as_str())]);
    let config = Config::from_corefile_with_files(
        "example.org:53 {\n    file /etc/coredns/db.example.org\n    transfer {\n        to *\n    }\n}\n",
        files,
    )
    .unwrap();
    let notes: Vec<(usize, &str)> = config
        .not_simulated
        .iter()
        .map(|note| (note.line, note.directive.as_str()))
        .collect();
    assert_eq!(notes, [(3, "transfer")], "55 {:?}", config.not_simulated);
    let dns = support::dns("golden.yaml", config);
    check(
        &dns,
        &[bare(
            "55 the transfer itself: REFUSED",
            "example.org.",
            AXFR,
            Refused,
            false,
            &[],
        )],
    );
}
