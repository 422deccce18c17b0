//! The `template` plugin (docs/coredns-rules.md 48–50): which questions a template takes, the
//! reply it writes, and the Corefiles it refuses. The rows re-express the cases of CoreDNS's
//! `plugin/template/template_test.go`, `setup_test.go`, `cname_test.go` and the plugin's
//! README examples, plus the uses Kubernetes Corefiles make of it. Every row names its rule.

mod support;

use support::reply::{Row, check, lines, row};

use k8s_dns_sim::hickory_proto::op::ResponseCode::{NXDomain, NoError, ServFail};
use k8s_dns_sim::hickory_proto::rr::RecordType::{self, A, AAAA, ANY, MX, PTR, TXT};
use k8s_dns_sim::{ClusterDns, Config, CorefileErrorKind, Upstream};

/// SERVFAIL written by the server: the template returned it without a reply (not AA).
const fn servfail(rule: &'static str, name: &'static str, qtype: RecordType) -> Row {
    row(rule, name, qtype, ServFail, false, &[])
}

fn server(corefile: &str) -> ClusterDns {
    let upstream = Upstream::new()
        .with_address("www.example.com", "93.184.215.14".parse().unwrap(), 300)
        .unwrap()
        .with_address("google.com", "142.250.74.46".parse().unwrap(), 120)
        .unwrap();
    let config = Config::from_corefile(corefile)
        .unwrap_or_else(|error| panic!("{error}\n{corefile}"))
        .with_upstream(upstream);
    assert!(
        config
            .not_simulated
            .iter()
            .all(|n| n.directive != "template"),
        "template is simulated: {:?}",
        config.not_simulated
    );
    support::dns("golden.yaml", config)
}

#[test]
fn silencing_aaaa_answers_nodata_before_kubernetes() {
    let dns = server(
        r#".:53 {
    kubernetes cluster.local
    forward . /etc/resolv.conf
    template IN AAAA . {
        rcode NOERROR
    }
}
"#,
    );
    check(
        &dns,
        &[
            row(
                "48/49 AAAA of a Service: the template runs before kubernetes (plugin.cfg), NOERROR, AA, nothing, no SOA",
                "web.default.svc.cluster.local.",
                AAAA,
                NoError,
                true,
                &[],
            ),
            row(
                "48/49 AAAA of an outside name: the template answers, forward never sees it",
                "www.example.com.",
                AAAA,
                NoError,
                true,
                &[],
            ),
            row(
                "48 A is another type: passed on to kubernetes",
                "web.default.svc.cluster.local.",
                A,
                NoError,
                true,
                &["web.default.svc.cluster.local. 5 IN A 10.96.0.20"],
            ),
            row(
                "48 A is another type: passed on to forward",
                "www.example.com.",
                A,
                NoError,
                false,
                &["www.example.com. 300 IN A 93.184.215.14"],
            ),
            row(
                "48 a question of type ANY matches a template of any type",
                "web.default.svc.cluster.local.",
                ANY,
                NoError,
                true,
                &[],
            ),
        ],
    );
}

#[test]
fn search_path_junk_is_nxdomain_and_the_rest_falls_through() {
    let dns = server(
        r#".:53 {
    template ANY ANY cluster.local {
        match "\.(com|net|org)\.([a-z0-9-]+\.)?(svc\.)?cluster\.local\.$"
        rcode NXDOMAIN
        fallthrough
    }
    template ANY ANY cluster.local {
        match "^[^.]+\.example\.cluster\.local\.$"
        rcode NXDOMAIN
        authority "{{ .Zone }} 30 IN SOA ns.dns.{{ .Zone }} hostmaster.{{ .Zone }} 1 7200 1800 86400 30"
    }
    kubernetes cluster.local
    forward . /etc/resolv.conf
}
"#,
    );
    check(
        &dns,
        &[
            row(
                "49 a search-path expansion of an outside name: NXDOMAIN, AA, no SOA (the template writes only the authority records it is given)",
                "www.example.com.default.svc.cluster.local.",
                A,
                NXDomain,
                true,
                &[],
            ),
            row(
                "48 the regex is matched against the lower-cased name",
                "WWW.Example.COM.svc.cluster.local.",
                AAAA,
                NXDomain,
                true,
                &[],
            ),
            Row {
                authority: &[
                    "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30",
                ],
                ..row(
                    "49 the second template: NXDOMAIN with the SOA its authority template makes ({{ .Zone }})",
                    "x.example.cluster.local.",
                    A,
                    NXDomain,
                    true,
                    &[],
                )
            },
            servfail(
                "48 no regex of the last template matches, and it has no fallthrough: SERVFAIL",
                "web.default.svc.cluster.local.",
                A,
            ),
            row(
                "48 outside every template's zones: passed on",
                "www.example.com.",
                A,
                NoError,
                false,
                &["www.example.com. 300 IN A 93.184.215.14"],
            ),
        ],
    );
}

#[test]
fn a_wildcard_a_from_a_named_group() {
    let dns = server(
        r#"example.com {
    template IN A example.com {
        match "^(?P<sub>[a-z]+)\.example\.com\.$"
        answer "{{ .Name }} 60 IN A 10.0.0.1"
        fallthrough
    }
    template IN TXT example.com {
        match "^(?P<sub>[a-z]+)\.example\.com\.$"
        answer "{{ .Name }} 60 IN TXT \"{{ .Group.sub }},{{ index .Match 1 }},{{ .Zone }},{{ .Class }},{{ .Type }},{{ index .Group \"sub\" }},{{ .Group.nope }},{{ index .Group \"nope\" }}\""
    }
}
"#,
    );
    check(
        &dns,
        &[
            row(
                "49 the owner is .Name, the question lower-cased",
                "Shop.Example.com.",
                A,
                NoError,
                true,
                &["shop.example.com. 60 IN A 10.0.0.1"],
            ),
            row(
                "49 .Group.NAME, index .Match 1, .Zone, .Class, .Type, index .Group KEY; a missing key is `<no value>` as a field, empty through index (Go)",
                "shop.example.com.",
                TXT,
                NoError,
                true,
                &["shop.example.com. 60 IN TXT shop,shop,example.com.,IN,TXT,shop,<no value>,"],
            ),
            servfail(
                "48 no regex matches, fallthrough to the next template, whose type differs: passed on, the end of the chain",
                "a.b.example.com.",
                A,
            ),
            servfail(
                "48 no regex matches the TXT template and it has no fallthrough: SERVFAIL",
                "a.b.example.com.",
                TXT,
            ),
            servfail(
                "48 AAAA matches no template's type: passed on, the end of the chain",
                "shop.example.com.",
                AAAA,
            ),
        ],
    );
}

/// The README's and template_test.go's `.example` templates (ip-a-b-c-d names, MX with an
/// additional A, NS authorities, hexadecimal names through parseInt, PTR from named groups).
#[test]
fn coredns_examples_answer_as_its_tests_expect() {
    let dns = server(
        r#". {
    template IN A example {
        match ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
        match "^(?P<b>[0-9]*)[.](?P<c>[0-9]*)[.](?P<d>[0-9]*)[.]ext[.]example[.]$"
        answer "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
        authority "example. 60 IN NS ns0.example."
        additional "ns0.example. 60 IN A 203.0.113.8"
        fallthrough
    }
    template IN A example {
        match "^ip0a(?P<b>[a-f0-9]{2})(?P<c>[a-f0-9]{2})(?P<d>[a-f0-9]{2})[.]example[.]$"
        answer "{{ .Name }} 3600 IN A 10.{{ parseInt .Group.b 16 8 }}.{{ parseInt .Group.c 16 8 }}.{{ parseInt .Group.d 16 8 }}"
        fallthrough
    }
    template IN MX example {
        match ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
        answer "{{ .Name }} 60 MX 10 {{ .Name }}"
        additional "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
    }
    template IN PTR in-addr.arpa {
        match ^(?P<d>[0-9]*)[.](?P<c>[0-9]*)[.](?P<b>[0-9]*)[.](?P<a>[0-9]*)[.]in-addr[.]arpa[.]$
        answer "{{ .Name }} 60 IN PTR ip-{{ .Group.a }}-{{ .Group.b }}-{{ .Group.c }}-{{ .Group.d }}.example."
    }
    template ANY ANY invalid {
        rcode NXDOMAIN
        authority "invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)"
    }
    template ANY ANY servfail.test {
        rcode SERVFAIL
        answer "{{ .Name }} 60 IN A 192.0.2.1"
    }
    template ANY ANY broken.test {
        match ^field[.]
        match ^notrr[.]
        match ^gg[.]
        match ^range[.]
        answer "{{ .Grup.d }}"
    }
    template ANY ANY notrr.broken.test {
        answer "{{ .Name }}"
    }
    template ANY ANY gg.broken.test {
        answer "{{ .Name }} 60 IN TXT \"{{ parseInt \"gg\" 16 8 }}\""
    }
    template ANY ANY range.broken.test {
        match "^(range)[.]"
        answer "{{ .Name }} 60 IN TXT \"{{ index .Match 2 }}\""
    }
}
"#,
    );
    check(
        &dns,
        &[
            Row {
                authority: &["example. 60 IN NS ns0.example."],
                additional: &["ns0.example. 60 IN A 203.0.113.8"],
                ..row(
                    "49 template_test ExampleDomainANSMatch: answer, authority and additional",
                    "ip-10-95-12-8.example.",
                    A,
                    NoError,
                    true,
                    &["ip-10-95-12-8.example. 60 IN A 10.95.12.8"],
                )
            },
            Row {
                authority: &["example. 60 IN NS ns0.example."],
                additional: &["ns0.example. 60 IN A 203.0.113.8"],
                ..row(
                    "48 README `multiple ip patterns`: the second match of a template, same named groups",
                    "1.2.3.ext.example.",
                    A,
                    NoError,
                    true,
                    &["1.2.3.ext.example. 60 IN A 10.1.2.3"],
                )
            },
            row(
                "49 template_test ExampleDomainMatchHexIp: parseInt .Group.b 16 8",
                "ip0a5f0c09.example.",
                A,
                NoError,
                true,
                &["ip0a5f0c09.example. 3600 IN A 10.95.12.9"],
            ),
            Row {
                additional: &["ip-10-95-12-8.example. 60 IN A 10.95.12.8"],
                ..row(
                    "49 template_test ExampleDomainMXMatch: no class written is IN",
                    "ip-10-95-12-8.example.",
                    MX,
                    NoError,
                    true,
                    &["ip-10-95-12-8.example. 60 IN MX 10 ip-10-95-12-8.example."],
                )
            },
            row(
                "49 README: a PTR from named groups",
                "8.12.95.10.in-addr.arpa.",
                PTR,
                NoError,
                true,
                &["8.12.95.10.in-addr.arpa. 60 IN PTR ip-10-95-12-8.example."],
            ),
            Row {
                authority: &["invalid. 60 IN SOA ns.invalid. hostmaster.invalid. 1 60 60 60 60"],
                ..row(
                    "49 template_test ExampleInvalidNXDOMAIN: NXDOMAIN with its SOA ({{ .Class }} is IN)",
                    "test.invalid.",
                    MX,
                    NXDomain,
                    true,
                    &[],
                )
            },
            servfail(
                "49 template_test RcodeServFail: returned, never written",
                "a.servfail.test.",
                A,
            ),
            servfail(
                "49 template_test BrokenTemplate: a field the data lacks fails when run",
                "field.broken.test.",
                TXT,
            ),
            servfail(
                "48 the first template of the zone takes the name (no fallthrough), though a later one is more specific",
                "notrr.broken.test.",
                TXT,
            ),
            servfail(
                "49 template_test BrokenParseIntTemplate, via the first template",
                "gg.broken.test.",
                TXT,
            ),
            servfail(
                "48 no regex of broken.test matches, no fallthrough",
                "other.broken.test.",
                TXT,
            ),
        ],
    );
    // template_test NonRRTemplate, BrokenParseIntTemplate and an index out of range, each
    // reached on its own.
    let broken = server(
        r#". {
    template ANY ANY notrr.test {
        answer "{{ .Name }}"
    }
    template ANY ANY gg.test {
        answer "{{ .Name }} 60 IN TXT \"{{ parseInt \"gg\" 16 8 }}\""
    }
    template ANY ANY range.test {
        match "^(range)[.]"
        answer "{{ .Name }} 60 IN TXT \"{{ index .Match 2 }}\""
    }
    template ANY ANY arity.test {
        answer "{{ .Name }} 60 IN TXT \"{{ parseInt }}\""
    }
}
"#,
    );
    check(
        &broken,
        &[
            servfail("49 a text that is not a record", "notrr.test.", A),
            servfail("49 parseInt of `gg` in base 16", "x.gg.test.", A),
            servfail("49 index .Match 2 of one group", "range.test.", TXT),
            servfail(
                "49 parseInt without arguments (accepted at load, as setup_test.go has it)",
                "arity.test.",
                TXT,
            ),
        ],
    );
}

#[test]
fn a_cname_from_a_template_is_followed_through_the_server() {
    let dns = server(
        r#".:53 {
    template IN ANY alias.example {
        match "^db\.alias\.example\.$"
        answer "db.alias.example. 60 IN CNAME web.default.svc.cluster.local."
    }
    template IN ANY foogle.com {
        match "^foogle\.com\.$"
        answer "foogle.com 60 IN CNAME google.com"
    }
    kubernetes cluster.local
    forward . /etc/resolv.conf
}
"#,
    );
    check(
        &dns,
        &[
            row(
                "49 an A question: the CNAME's target asked of the whole server, the kubernetes answer appended",
                "db.alias.example.",
                A,
                NoError,
                true,
                &[
                    "db.alias.example. 60 IN CNAME web.default.svc.cluster.local.",
                    "web.default.svc.cluster.local. 5 IN A 10.96.0.20",
                ],
            ),
            row(
                "49 AAAA: the target has no AAAA, the CNAME alone",
                "db.alias.example.",
                AAAA,
                NoError,
                true,
                &["db.alias.example. 60 IN CNAME web.default.svc.cluster.local."],
            ),
            row(
                "49 TXT: targets are followed for A and AAAA only",
                "db.alias.example.",
                TXT,
                NoError,
                true,
                &["db.alias.example. 60 IN CNAME web.default.svc.cluster.local."],
            ),
            row(
                "49 README `Fabricate a CNAME`: relative names are under the root, the target from forward",
                "foogle.com.",
                A,
                NoError,
                true,
                &[
                    "foogle.com. 60 IN CNAME google.com.",
                    "google.com. 120 IN A 142.250.74.46",
                ],
            ),
        ],
    );
}

#[test]
fn a_template_in_the_cluster_zone_comes_before_kubernetes() {
    let dns = server(
        r#"cluster.local {
    kubernetes
    template IN A {
        match "^web\.default\.svc\.cluster\.local\.$"
        answer "{{ .Name }} 10 IN A 192.0.2.99"
        fallthrough
    }
}
"#,
    );
    check(
        &dns,
        &[
            row(
                "48 plugin.cfg puts template before kubernetes: its answer wins (zones from the block)",
                "web.default.svc.cluster.local.",
                A,
                NoError,
                true,
                &["web.default.svc.cluster.local. 10 IN A 192.0.2.99"],
            ),
            row(
                "48 a name no regex matches falls through to kubernetes",
                "db.default.svc.cluster.local.",
                A,
                NoError,
                true,
                &[
                    "db.default.svc.cluster.local. 5 IN A 10.1.0.5",
                    "db.default.svc.cluster.local. 5 IN A 10.1.0.6",
                ],
            ),
        ],
    );
}

/// setup_test.go's parse errors, and the parts of the plugin the simulator refuses rather than
/// answer differently: each error names the line of the option.
#[test]
fn corefiles_the_template_plugin_refuses() {
    let cases: &[(&str, usize, &str)] = &[
        ("template", 2, "`template`"),
        ("template X", 2, "`template`"),
        ("template ANY", 2, "`template`"),
        ("template ANY X", 2, "a type such as A"),
        ("template in A", 2, "a class"),
        (
            "template ANY ANY {\n        notavailable\n    }",
            3,
            "`notavailable`",
        ),
        (
            "template ANY ANY {\n        answer\n    }",
            3,
            "one or more records",
        ),
        (
            "template ANY ANY {\n        additional\n    }",
            3,
            "one or more records",
        ),
        (
            "template ANY ANY {\n        rcode\n    }",
            3,
            "one response code",
        ),
        (
            "template ANY ANY {\n        rcode UNDEFINED\n    }",
            3,
            "a response code",
        ),
        (
            "template ANY ANY {\n        answer \"{{\"\n    }",
            3,
            "not closed",
        ),
        (
            "template ANY ANY {\n        authority \"{{\"\n    }",
            3,
            "not closed",
        ),
        (
            "template ANY ANY {\n        answer \"{{ notAFunction }}\"\n    }",
            3,
            "not a defined function",
        ),
        (
            "template ANY ANY {\n        match \"(?P<x>\"\n    }",
            3,
            "regular expression",
        ),
        (
            "template ANY ANY {\n        match x\n        answer \"{{ .Message.Id }} 60 IN A 10.0.0.1\"\n    }",
            4,
            "`.Message` is not simulated",
        ),
        (
            "template ANY ANY {\n        answer \"{{ .Meta \\\"kubernetes/client-namespace\\\" }}. 60 IN A 10.0.0.1\"\n    }",
            3,
            "`.Meta` is not simulated",
        ),
        (
            "template ANY ANY {\n        answer \"{{ printf \\\"%s\\\" .Name }} 60 IN A 10.0.0.1\"\n    }",
            3,
            "`printf` is not simulated",
        ),
        (
            "template IN A example.com {\n        var ip replace(group('ip'), '-', '.')\n    }",
            3,
            "var, expr and ederror are not simulated",
        ),
        (
            "template ANY ANY invalid {\n        rcode NXDOMAIN\n        ederror 21 \"Blocked according to RFC2606\"\n    }",
            4,
            "var, expr and ederror are not simulated",
        ),
    ];
    let mut failures = Vec::new();
    for (stanza, line, words) in cases {
        let corefile = format!(".:53 {{\n    {stanza}\n}}\n");
        match Config::from_corefile(&corefile) {
            Ok(_) => failures.push(format!("accepted:\n{corefile}")),
            Err(error) => {
                let text = error.to_string();
                if error.line != *line || !text.contains(words) {
                    failures.push(format!(
                        "{stanza:?}: want line {line} with {words:?}, got {text}"
                    ));
                }
                assert!(!matches!(
                    *error.kind,
                    CorefileErrorKind::UnknownDirective { .. }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// setup_test.go's accepted Corefiles: each directive is one template of one plugin.
#[test]
fn corefiles_the_template_plugin_accepts() {
    let accepted = [
        "template ANY ANY {\n    }",
        "template ANY ANY {\n        answer \"{{ parseInt }}\"\n        additional \"{{ parseInt }}\"\n        authority \"{{ parseInt }}\"\n    }",
        "template ANY A example.com {\n        match ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)[.]example[.]com\n        answer \"{{ .Name }} A {{ .Group.a }}.{{ .Grup.d }}.\"\n        fallthrough\n    }",
        "template IN ANY example.com {\n        match \"[.](example[.]com[.]dc1[.]example[.]com[.])$\"\n        rcode NXDOMAIN\n        authority \"{{ index .Match 1 }} 60 IN SOA ns.{{ index .Match 1 }} hostmaster.example.com (1 60 60 60 60)\"\n        fallthrough example.com\n        upstream\n    }",
        "template IN A example {\n        answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n    }\n    template IN MX example. {\n        answer \"{{ .Name }} 60 IN MX 10 {{ .Name }}\"\n    }",
    ];
    for stanza in accepted {
        let corefile = format!(".:53 {{\n    {stanza}\n}}\n");
        let config =
            Config::from_corefile(&corefile).unwrap_or_else(|error| panic!("{error}\n{corefile}"));
        let plugins: Vec<&str> = config.servers[0].plugins.iter().map(|p| p.name()).collect();
        assert_eq!(plugins, ["template"], "{corefile}");
        assert!(
            config.not_simulated.is_empty(),
            "{:?}",
            config.not_simulated
        );
    }
}

/// The explanation names the template's rule and what it did (rule 48).
#[test]
fn explain_says_what_the_template_did() {
    let dns = server(
        r#".:53 {
    template IN AAAA . {
        rcode NOERROR
    }
    kubernetes cluster.local
}
"#,
    );
    let silenced = dns
        .explain("web.default.svc.cluster.local.", AAAA)
        .unwrap()
        .to_string();
    assert!(
        silenced
            .contains("a template matches the name and answers: NOERROR without records (NODATA)"),
        "{silenced}"
    );
    assert!(silenced.contains("48"), "{silenced}");
    let passed = dns
        .explain("web.default.svc.cluster.local.", A)
        .unwrap()
        .to_string();
    assert!(
        passed.contains("so template passes the question on"),
        "{passed}"
    );
}

/// README `.invalid`: with `forward` in the block, a CH question reaches the plugin (rule 31),
/// and `{{ .Class }}` is the question's class.
#[test]
fn a_ch_question_gets_its_class_in_the_template() {
    use k8s_dns_sim::Transport;
    use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
    use k8s_dns_sim::hickory_proto::rr::{DNSClass, Name};

    let dns = server(
        r#". {
    forward . 8.8.8.8
    template ANY ANY invalid {
        rcode NXDOMAIN
        authority "invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)"
    }
}
"#,
    );
    let mut query = Message::new(7, MessageType::Query, OpCode::Query);
    let mut question = Query::query(Name::from_ascii("test.invalid.").unwrap(), TXT);
    question.set_query_class(DNSClass::CH);
    query.add_query(question);
    let reply =
        Message::from_vec(&dns.handle_bytes(&query.to_vec().unwrap(), Transport::Udp)).unwrap();
    assert_eq!(reply.metadata.response_code, NXDomain, "49 rcode");
    assert!(reply.metadata.authoritative, "49 AA");
    assert_eq!(
        lines(&reply.authorities),
        ["invalid. 60 CH SOA ns.invalid. hostmaster.invalid. 1 60 60 60 60"],
        "49 the SOA in the question's class"
    );
}
