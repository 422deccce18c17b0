//! The `rewrite` plugin: the question rewritten on the way in, the reply's names put back on
//! the way out. Every row names the rule of docs/coredns-rules.md it checks; `[T: …]` rows
//! re-state a case of CoreDNS's `plugin/rewrite/*_test.go`.

mod support;

use k8s_dns_sim::hickory_proto::op::ResponseCode::{self, NXDomain, NoError, ServFail};
use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
use k8s_dns_sim::hickory_proto::rr::RecordType::{self, A, AAAA, SRV, TXT};
use k8s_dns_sim::hickory_proto::rr::{DNSClass, Name, Record};
use k8s_dns_sim::{
    ClusterDns, Config, CorefileErrorKind, NameMatch, PluginConfig, RewriteField, RewriteNext,
    Transport,
};
use support::SOA;

/// `rules` (Corefile lines) before `kubernetes cluster.local` in a `.:53` block, over
/// fixtures/rewrite.yaml.
fn server(rules: &str) -> ClusterDns {
    let corefile = format!(".:53 {{\n{rules}\n    kubernetes cluster.local\n}}\n");
    let config = Config::from_corefile(&corefile).unwrap_or_else(|e| panic!("{corefile}{e}"));
    assert!(
        config.not_simulated.is_empty(),
        "{:?}",
        config.not_simulated
    );
    support::dns("rewrite.yaml", config)
}

fn lines(records: &[Record]) -> Vec<String> {
    records.iter().map(ToString::to_string).collect()
}

/// One question through a block with `rules`, and the reply as zone-file lines.
struct Row {
    rule: &'static str,
    rules: &'static str,
    name: &'static str,
    qtype: RecordType,
    rcode: ResponseCode,
    answer: &'static [&'static str],
    authority: &'static [&'static str],
    additional: &'static [&'static str],
}

const fn row(
    rule: &'static str,
    rules: &'static str,
    name: &'static str,
    qtype: RecordType,
    rcode: ResponseCode,
    answer: &'static [&'static str],
) -> Row {
    Row {
        rule,
        rules,
        name,
        qtype,
        rcode,
        answer,
        authority: &[],
        additional: &[],
    }
}

fn check(rows: &[Row]) {
    let mut failures = Vec::new();
    for row in rows {
        let dns = server(row.rules);
        let answer = dns
            .lookup(row.name, row.qtype)
            .unwrap_or_else(|error| panic!("[{}] {error}", row.rule));
        let got = (
            answer.response_code(),
            lines(&answer.answers),
            lines(&answer.authorities),
            lines(&answer.additionals),
        );
        let owned = |records: &[&str]| records.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let want = (
            row.rcode,
            owned(row.answer),
            owned(row.authority),
            owned(row.additional),
        );
        if got != want {
            failures.push(format!(
                "[{}] {} {:?}\n  want: {want:?}\n  got:  {got:?}",
                row.rule, row.name, row.qtype
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const MYSQL: &str = "    rewrite name exact db.example.com mysql.default.svc.cluster.local";

#[test]
fn an_external_name_answers_with_the_services_address_as_asked() {
    check(&[
        row(
            "51 the short form is exact: the Service's address, owned by the name asked",
            MYSQL,
            "db.example.com.",
            A,
            NoError,
            &["db.example.com. 5 IN A 10.96.0.30"],
        ),
        row(
            "51 the name is matched lower-cased; the owner is the asked name lower-cased [S: request.go Name]",
            MYSQL,
            "DB.Example.COM.",
            A,
            NoError,
            &["db.example.com. 5 IN A 10.96.0.30"],
        ),
        row(
            "51 another name is not rewritten: outside the kubernetes zone, the chain ends (SERVFAIL)",
            MYSQL,
            "www.example.com.",
            A,
            ServFail,
            &[],
        ),
        row(
            "51 the Service's own name still answers as itself",
            MYSQL,
            "mysql.default.svc.cluster.local.",
            A,
            NoError,
            &["mysql.default.svc.cluster.local. 5 IN A 10.96.0.30"],
        ),
        Row {
            additional: &["db.example.com. 5 IN A 10.96.0.30"],
            ..row(
                "51/52 exact puts back owners and data names in every section: the SRV target and the additional A [S: name.go responseRuleFor]",
                MYSQL,
                "db.example.com.",
                SRV,
                NoError,
                &["db.example.com. 5 IN SRV 0 100 3306 db.example.com."],
            )
        },
        Row {
            authority: &[SOA],
            ..row(
                "51 a rewrite onto a name the cluster lacks: NXDOMAIN, the zone's SOA untouched",
                "    rewrite name db.example.com nosuch.default.svc.cluster.local",
                "db.example.com.",
                A,
                NXDomain,
                &[],
            )
        },
        row(
            "51 exact answers back even with `answer auto` written [T: TestRewriteNameExactAnswer]",
            "    rewrite name exact db.example.com. mysql.default.svc.cluster.local. answer auto",
            "db.example.com.",
            A,
            NoError,
            &["db.example.com. 5 IN A 10.96.0.30"],
        ),
    ]);
}

#[test]
fn match_types_and_answer_rewrites() {
    check(&[
        row(
            "52 suffix without answer auto: the reply keeps the rewritten owner [T: TestRewriteNamePrefixSuffixNoAutoAnswer]",
            "    rewrite name suffix .example.com .prod.svc.cluster.local",
            "api.example.com.",
            A,
            NoError,
            &["api.prod.svc.cluster.local. 5 IN A 10.96.1.10"],
        ),
        row(
            "52 suffix with answer auto: TO swapped back for FROM on the owner [T: TestRewriteNamePrefixSuffixAutoAnswer]",
            "    rewrite name suffix .example.com .prod.svc.cluster.local answer auto",
            "api.example.com.",
            A,
            NoError,
            &["api.example.com. 5 IN A 10.96.1.10"],
        ),
        row(
            "52 prefix: FROM and TO get a final dot, so `db` is the first label [T: TestRewriteNamePrefixSuffix]",
            "    rewrite name prefix db mysql",
            "db.default.svc.cluster.local.",
            A,
            NoError,
            &["mysql.default.svc.cluster.local. 5 IN A 10.96.0.30"],
        ),
        row(
            "52 prefix `my` is `my.`: it does not match `mysql.` [T: TestRewriteNameNoRewrite]",
            "    rewrite name prefix my db",
            "mysql.default.svc.cluster.local.",
            A,
            NoError,
            &["mysql.default.svc.cluster.local. 5 IN A 10.96.0.30"],
        ),
        row(
            "52 prefix with answer auto: the rewritten name maps back",
            "    rewrite name prefix db mysql answer auto",
            "db.default.svc.cluster.local.",
            A,
            NoError,
            &["db.default.svc.cluster.local. 5 IN A 10.96.0.30"],
        ),
        row(
            "52 substring, every occurrence replaced; no answer auto",
            "    rewrite name substring corp.internal default.svc.cluster.local",
            "mysql.corp.internal.",
            A,
            NoError,
            &["mysql.default.svc.cluster.local. 5 IN A 10.96.0.30"],
        ),
        row(
            "52 substring with answer auto",
            "    rewrite name substring corp.internal default.svc.cluster.local answer auto",
            "mysql.corp.internal.",
            A,
            NoError,
            &["mysql.corp.internal. 5 IN A 10.96.0.30"],
        ),
        row(
            "52 regex with {1} groups and answer auto [T: TestRewrite regex rows]",
            r"    rewrite name regex (.*)\.db\.example\.com {1}.default.svc.cluster.local answer auto",
            "mysql.db.example.com.",
            A,
            NoError,
            &["mysql.db.example.com. 5 IN A 10.96.0.30"],
        ),
        row(
            "52 regex without answer: the owner stays rewritten",
            r"    rewrite name regex (.*)\.db\.example\.com {1}.default.svc.cluster.local",
            "mysql.db.example.com.",
            A,
            NoError,
            &["mysql.default.svc.cluster.local. 5 IN A 10.96.0.30"],
        ),
        row(
            "52 regex with answer name FROM TO (the README's example) [T: TestRewrite core.dns.rocks row]",
            r"    rewrite name regex (.*)-(prod)\.example\.com {1}.{2}.svc.cluster.local answer name (.*)\.(prod)\.svc\.cluster\.local {1}-{2}.example.com",
            "api-prod.example.com.",
            A,
            NoError,
            &["api-prod.example.com. 5 IN A 10.96.1.10"],
        ),
        row(
            "52 the block form: a rule over several lines",
            "    rewrite stop {\n        name regex (.*)-(prod)\\.example\\.com {1}.{2}.svc.cluster.local\n        answer name (.*)\\.(prod)\\.svc\\.cluster\\.local {1}-{2}.example.com\n    }",
            "api-prod.example.com.",
            A,
            NoError,
            &["api-prod.example.com. 5 IN A 10.96.1.10"],
        ),
        Row {
            additional: &["mysql.default.svc.cluster.local. 5 IN A 10.96.0.30"],
            ..row(
                "52 answer value rewrites data names (the SRV target), not owners",
                r"    rewrite name regex ^db\.example\.com\.$ mysql.default.svc.cluster.local answer value ^mysql\.default\.svc\.cluster\.local\.$ db.example.com",
                "db.example.com.",
                SRV,
                NoError,
                &["mysql.default.svc.cluster.local. 5 IN SRV 0 100 3306 db.example.com."],
            )
        },
        row(
            "52 a rewrite to a name that is not one (an empty label) is SERVFAIL [T: TestRewriteIllegalName]",
            r"    rewrite name regex (.*)\.bad\.example {1}..default.svc.cluster.local",
            "mysql.bad.example.",
            A,
            ServFail,
            &[],
        ),
    ]);
}

#[test]
fn several_rules_stop_and_continue() {
    check(&[
        row(
            "53 continue: the next rule sees the rewritten name; the reply is put back in reverse order",
            "    rewrite continue name exact db.example.com db.internal\n    rewrite name exact db.internal mysql.default.svc.cluster.local",
            "db.example.com.",
            A,
            NoError,
            &["db.example.com. 5 IN A 10.96.0.30"],
        ),
        row(
            "53 stop (the default): the second rule is not tried, db.internal reaches no plugin that answers it",
            "    rewrite name exact db.example.com db.internal\n    rewrite name exact db.internal mysql.default.svc.cluster.local",
            "db.example.com.",
            A,
            ServFail,
            &[],
        ),
        row(
            "53 a rule that does not match does not stop: the next one is tried [T: TestRewrite]",
            "    rewrite name exact other.example.com x.default.svc.cluster.local\n    rewrite name exact db.example.com mysql.default.svc.cluster.local",
            "db.example.com.",
            A,
            NoError,
            &["db.example.com. 5 IN A 10.96.0.30"],
        ),
        row(
            "53 rules run in Corefile order: the first match with stop wins",
            "    rewrite name exact db.example.com mysql.default.svc.cluster.local\n    rewrite name exact db.example.com api.prod.svc.cluster.local",
            "db.example.com.",
            A,
            NoError,
            &["db.example.com. 5 IN A 10.96.0.30"],
        ),
        row(
            "53/54 continue into a type rule: the name and the type are both rewritten",
            "    rewrite continue name exact db.example.com mysql.default.svc.cluster.local\n    rewrite type AAAA A",
            "db.example.com.",
            AAAA,
            NoError,
            &["db.example.com. 5 IN A 10.96.0.30"],
        ),
        row(
            "54 type: an AAAA question is asked as A, and the A records are the reply [T: TestRewrite ANY to HINFO]",
            "    rewrite type AAAA A",
            "mysql.default.svc.cluster.local.",
            AAAA,
            NoError,
            &["mysql.default.svc.cluster.local. 5 IN A 10.96.0.30"],
        ),
    ]);
}

/// Sends `name`/`qtype`/`class` over UDP; the reply.
fn ask(dns: &ClusterDns, name: &str, qtype: RecordType, class: DNSClass) -> Message {
    let mut query = Message::new(9, MessageType::Query, OpCode::Query);
    let mut question = Query::query(Name::from_ascii(name).unwrap(), qtype);
    question.set_query_class(class);
    query.add_query(question);
    Message::from_vec(&dns.handle_bytes(&query.to_vec().unwrap(), Transport::Udp)).unwrap()
}

#[test]
fn the_client_sees_its_own_question() {
    let dns = server(MYSQL);
    let reply = ask(&dns, "DB.Example.com.", A, DNSClass::IN);
    assert_eq!(reply.metadata.response_code, NoError, "51 wire");
    assert_eq!(
        reply.queries[0].to_string(),
        Query::query(Name::from_ascii("DB.Example.com.").unwrap(), A).to_string(),
        "51 the reply's question is the client's, case and all [S: reverter.go WriteMsg]"
    );
    assert_eq!(lines(&reply.answers), ["db.example.com. 5 IN A 10.96.0.30"]);
    let dns = server("    rewrite type AAAA A");
    let reply = ask(&dns, "mysql.default.svc.cluster.local.", AAAA, DNSClass::IN);
    assert_eq!(
        reply.queries[0].query_type(),
        AAAA,
        "54 the type asked is restored"
    );
    assert_eq!(
        lines(&reply.answers),
        ["mysql.default.svc.cluster.local. 5 IN A 10.96.0.30"]
    );
}

#[test]
fn class_rules_rewrite_what_the_server_lets_through() {
    // chaos lets CH questions past the server (rule 31) and runs before rewrite.
    let corefile = ".:53 {\n    chaos\n    rewrite class CH IN\n    kubernetes cluster.local\n}\n";
    let config = Config::from_corefile(corefile).unwrap();
    let dns = support::dns("rewrite.yaml", config);
    let reply = ask(&dns, "mysql.default.svc.cluster.local.", A, DNSClass::CH);
    assert_eq!(
        reply.metadata.response_code, NoError,
        "54 class CH asked as IN"
    );
    assert_eq!(
        lines(&reply.answers),
        ["mysql.default.svc.cluster.local. 5 IN A 10.96.0.30"]
    );
    assert_eq!(
        reply.queries[0].query_class(),
        DNSClass::CH,
        "54 class restored"
    );
    let reply = ask(&dns, "version.bind.", TXT, DNSClass::CH);
    assert_eq!(
        lines(&reply.answers),
        ["version.bind. 0 CH TXT CoreDNS-1.14.7"],
        "54 chaos comes first in plugin.cfg: it answers before rewrite"
    );
}

#[test]
fn rewrite_rules_read_as_coredns_reads_them() {
    // (rule, directive lines, the line of the error or None when it loads)
    let cases: &[(&str, &str, Option<usize>)] = &[
        ("51 short form", "rewrite name a.com b.com", None),
        ("51 [T: TestNewRule] no field", "rewrite", Some(2)),
        ("51 [T: TestNewRule] unknown field", "rewrite foo", Some(2)),
        (
            "51 [T: TestNewRule] name without TO",
            "rewrite name a.com",
            Some(2),
        ),
        (
            "51 [T: TestNewRule] a fourth word that is no answer",
            "rewrite name a.com b.com c.com",
            Some(2),
        ),
        (
            "51 [T: TestNewRule] stop and continue",
            "rewrite continue name a.com b.com\n    rewrite stop name exact a.com b.com",
            None,
        ),
        (
            "51 [T: TestNewRule] an unknown mode is a field",
            "rewrite unknown-action name a.com b.com",
            Some(2),
        ),
        (
            "52 [T: TestNewRule] every match type",
            "rewrite name prefix a.com b.com\n    rewrite name suffix a.com b.com\n    rewrite name substring a.com b.com",
            None,
        ),
        (
            "52 [T: TestNewRule] an unknown match type",
            "rewrite name glob a.com b.com",
            Some(2),
        ),
        (
            "52 [T: TestNewRule] regex",
            r"rewrite name regex ([a])\.com new-{1}.com",
            None,
        ),
        (
            "52 [T: TestNewRule] a regex that does not compile",
            r"rewrite name regex ([a]\.com new-{1}.com",
            Some(2),
        ),
        (
            "52 TO uses more groups than FROM has",
            r"rewrite name regex ([a])\.com new-{1}-{2}.com",
            Some(2),
        ),
        (
            "52 [T: TestNewRule] answer name",
            r"rewrite name regex (dns)\.(core)\.(rocks) {2}.{1}.{3} answer name (core)\.(dns)\.(rocks) {2}.{1}.{3}",
            None,
        ),
        (
            "52 [T: TestNewRule] words after the answer rule",
            r"rewrite name regex (a)\.(b) {2}.{1} answer name (b)\.(a) {2}.{1} too.long way.too.long",
            Some(2),
        ),
        (
            "52 [T: TestNewRule] NoAnswer is not `answer`",
            r"rewrite name regex (a)\.(b) {2}.{1} NoAnswer name (b)\.(a) {2}.{1}",
            Some(2),
        ),
        (
            "52 [T: TestNewRule] answer ttl is no answer rule",
            r"rewrite name regex (a)\.(b) {2}.{1} answer ttl (b)\.(a) {2}.{1}",
            Some(2),
        ),
        (
            "52 answer auto with answer name",
            r"rewrite name regex (a)\.(b) {2}.{1} answer auto answer name (b)\.(a) {2}.{1}",
            Some(2),
        ),
        (
            "52 [T: TestNewRule] answer after substring",
            r"rewrite name substring fcore.dns.rocks dns.fcore.rocks answer name (fcore)\.(dns)\.(rocks) {2}.{1}.{3}",
            None,
        ),
        (
            "52 the block form, the error on the block's line",
            "rewrite stop {\n        name regex (a {1}\n    }",
            Some(3),
        ),
        ("54 [T: TestNewRule] type", "rewrite type any a", None),
        (
            "54 [T: TestNewRule] type with one type",
            "rewrite type a",
            Some(2),
        ),
        (
            "54 [T: TestNewRule] type with three",
            "rewrite type any a a",
            Some(2),
        ),
        (
            "54 [T: TestNewRule] an unknown type",
            "rewrite type XY WV",
            Some(2),
        ),
        ("54 [T: TestNewRule] class", "rewrite class ch in", None),
        (
            "54 [T: TestNewRule] an unknown class",
            "rewrite class IN WV",
            Some(2),
        ),
        ("51 answer first", "rewrite answer name a b", Some(2)),
    ];
    let mut failures = Vec::new();
    for (rule, lines, line) in cases {
        let corefile = format!(".:53 {{\n    {lines}\n    kubernetes cluster.local\n}}\n");
        let got = Config::from_corefile(&corefile)
            .err()
            .map(|error| error.line);
        if got != *line {
            failures.push(format!("[{rule}] {lines}: want {line:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let config = Config::from_corefile(
        ".:53 {\n    rewrite continue name regex (.*)\\.db\\.example\\.com {1}.default.svc.cluster.local\n    rewrite type ANY HINFO\n}\n",
    )
    .unwrap();
    let Some(PluginConfig::Rewrite(rewrite)) = config.servers[0].plugins.first() else {
        panic!("{:?}", config.servers[0].plugins);
    };
    assert_eq!(
        rewrite.rules.len(),
        2,
        "51 one rule per directive, one plugin"
    );
    assert_eq!(rewrite.rules[0].next, RewriteNext::Continue);
    let RewriteField::Name(name) = &rewrite.rules[0].field else {
        panic!("{:?}", rewrite.rules[0]);
    };
    assert_eq!(name.matching, NameMatch::Regex);
    assert_eq!(
        name.from, r"(.*)\.db\.example\.com",
        "52 a regex is kept as written"
    );
    assert_eq!(
        name.to, "{1}.default.svc.cluster.local.",
        "52 TO gets its final dot"
    );
    assert_eq!(rewrite.rules[1].next, RewriteNext::Stop);

    let error = Config::from_corefile(".:53 {\n    rewrite name regex (a {1}\n}\n").unwrap_err();
    assert!(
        matches!(&*error.kind, CorefileErrorKind::InvalidValue { found, .. } if found == "(a"),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "line 2: `rewrite`: expected a regular expression (RE2 syntax, as Go's regexp), found `(a`"
    );
}

#[test]
fn unsimulated_rule_kinds_are_listed() {
    let config = Config::from_corefile(
        ".:53 {\n    rewrite name a.com b.com\n    rewrite ttl example.com. 30\n    rewrite edns0 local set 0xffee abcdefg\n    rewrite cname exact a.com. b.com.\n    rewrite rcode exact a.com. SERVFAIL NOERROR\n    kubernetes cluster.local\n}\n",
    )
    .unwrap();
    let listed: Vec<(usize, &str)> = config
        .not_simulated
        .iter()
        .map(|note| (note.line, note.directive.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (3, "rewrite/ttl"),
            (4, "rewrite/edns0"),
            (5, "rewrite/cname"),
            (6, "rewrite/rcode")
        ],
        "51 exactly the rule kinds not simulated, each at its line; the name rule is not listed"
    );
}

#[test]
fn the_explanation_says_what_was_rewritten() {
    let dns = server(MYSQL);
    let explanation = dns.explain("db.example.com.", A).unwrap();
    let text = explanation.to_string();
    assert!(
        text.contains("rewrite rewrites the question db.example.com. A IN to mysql.default.svc.cluster.local. A IN"),
        "{text}"
    );
    assert_eq!(
        lines(&explanation.answer.answers),
        ["db.example.com. 5 IN A 10.96.0.30"]
    );
    let dns = server(r"    rewrite name regex (.*)\.bad\.example {1}..default.svc.cluster.local");
    let text = dns.explain("mysql.bad.example.", A).unwrap().to_string();
    assert!(
        text.contains("rewrite makes of the name one that is not a domain name: SERVFAIL"),
        "52 the SERVFAIL is the plugin's own: {text}"
    );
}

#[test]
fn an_external_name_service_keeps_its_cname_target() {
    let corefile = ".:53 {\n    rewrite name exact old-db.example.com legacy.default.svc.cluster.local\n    kubernetes cluster.local\n    forward . 10.0.0.10\n}\n";
    let upstream = k8s_dns_sim::Upstream::new()
        .with_address("db.corp.example", "198.51.100.7".parse().unwrap(), 60)
        .unwrap();
    let config = Config::from_corefile(corefile)
        .unwrap()
        .with_upstream(upstream);
    let dns = support::dns("rewrite.yaml", config);
    let answer = dns.lookup("old-db.example.com.", A).unwrap();
    assert_eq!(answer.response_code(), NoError);
    assert_eq!(
        lines(&answer.answers),
        [
            "old-db.example.com. 5 IN CNAME db.corp.example.",
            "db.corp.example. 60 IN A 198.51.100.7",
        ],
        "53 the CNAME's owner is put back; its target, not below the rewritten name, is not"
    );
}
