//! The explanation of an answer (issue 12 §1): its steps name the rules of
//! `docs/coredns-rules.md`, its near misses carry fixes, its text is pinned by snapshots, and
//! its reading of the cluster agrees with the answer for every question over every fixture.

use std::fs;

use k8s_dns_sim::explain::{Explanation, LeftOutReason, Rule};
use k8s_dns_sim::hickory_proto::rr::RecordType;
use k8s_dns_sim::{Cluster, ClusterDns, Config, Outcome};

fn fixture(name: &str) -> Cluster {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    Cluster::from_yaml(&fs::read_to_string(&path).expect(&path)).expect(&path)
}

fn plain(name: &str) -> ClusterDns {
    ClusterDns::new(fixture(name), Config::default())
}

#[test]
fn seed_says_headless_without_endpoints_and_suggests_the_rename() {
    let dns = plain("seed-mysql.yaml");
    let explanation = dns
        .explain("mysql-svc.default.svc.cluster.local", RecordType::A)
        .unwrap();
    assert_eq!(explanation.answer.outcome, Outcome::NxDomain);
    insta::assert_snapshot!(explanation.to_string());
}

/// Every fixture that loads, as (file name, cluster).
fn fixtures() -> Vec<(String, Cluster)> {
    let dir = format!("{}/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let text = fs::read_to_string(&path).ok()?;
            let cluster = Cluster::from_yaml(&text).ok()?;
            Some((path.file_name()?.to_string_lossy().into_owned(), cluster))
        })
        .collect()
}

/// Questions over a cluster: every name of its zone listing, each with a near-miss variant
/// (a typo, a label dropped, another namespace), the zone's apex names, and reverse names of
/// every address in the listing.
fn questions(dns: &ClusterDns) -> Vec<String> {
    let mut names = vec![
        "cluster.local".to_owned(),
        "svc.cluster.local".to_owned(),
        "pod.cluster.local".to_owned(),
        "dns-version.cluster.local".to_owned(),
        "ns.dns.cluster.local".to_owned(),
        "nothing.cluster.local".to_owned(),
        "x.nowhere.svc.cluster.local".to_owned(),
        "10-244-0-9.default.pod.cluster.local".to_owned(),
        "1.0.96.10.in-addr.arpa".to_owned(),
        "example.com".to_owned(),
    ];
    for record in dns.zone_records("cluster.local").unwrap_or_default() {
        let name = record.name.to_string();
        let trimmed = name.trim_end_matches('.').to_owned();
        if let Some((first, rest)) = trimmed.split_once('.') {
            names.push(format!("{first}x.{rest}"));
            names.push(format!("a.{trimmed}"));
            names.push(rest.to_owned());
        }
        names.push(trimmed);
        match &record.data {
            k8s_dns_sim::hickory_proto::rr::RData::A(a) => {
                let [a, b, c, d] = a.0.octets();
                names.push(format!("{d}.{c}.{b}.{a}.in-addr.arpa"));
            }
            k8s_dns_sim::hickory_proto::rr::RData::AAAA(aaaa) => {
                names.push(
                    k8s_dns_sim::hickory_proto::rr::Name::from(std::net::IpAddr::V6(aaaa.0))
                        .to_string(),
                );
            }
            _ => {}
        }
    }
    names.sort();
    names.dedup();
    names
}

const TYPES: [RecordType; 11] = [
    RecordType::A,
    RecordType::AAAA,
    RecordType::SRV,
    RecordType::PTR,
    RecordType::TXT,
    RecordType::CNAME,
    RecordType::NS,
    RecordType::SOA,
    RecordType::MX,
    RecordType::AXFR,
    RecordType::ANY,
];

/// Rule: the explanation describes the answer that is sent. For every fixture, under the
/// plugin's defaults, kubeadm's stanza and the fixture's own Corefile, and every question of
/// [`questions`], the explanation's answer is `lookup`'s, and its reading of whether each name
/// the plugin was asked exists agrees with what the plugin answered.
#[test]
fn explanations_agree_with_the_answers_for_every_fixture_even() {
    check_agreement(0);
}

/// The other half of [`explanations_agree_with_the_answers_for_every_fixture_even`] (two
/// tests, so that the two halves run on two threads).
#[test]
fn explanations_agree_with_the_answers_for_every_fixture_odd() {
    check_agreement(1);
}

fn check_agreement(half: usize) {
    let mut checked = 0;
    for (file, cluster) in fixtures().into_iter().skip(half).step_by(2) {
        let mut servers = vec![
            (
                "defaults",
                ClusterDns::new(cluster.clone(), Config::default()),
            ),
            (
                "kubeadm",
                ClusterDns::new(cluster.clone(), Config::kubeadm()),
            ),
        ];
        if let Ok(dns) = ClusterDns::from_cluster(cluster.clone()) {
            servers.push(("from_cluster", dns));
        }
        for (config, dns) in &servers {
            for name in questions(dns) {
                for qtype in TYPES {
                    let Ok(explanation) = dns.explain(&name, qtype) else {
                        continue;
                    };
                    let answer = dns.lookup(&name, qtype).unwrap();
                    assert_eq!(explanation.answer, answer, "{file} {config} {name} {qtype}");
                    assert!(
                        explanation.disagreements.is_empty(),
                        "{file} {config} {name} {qtype}:\n{explanation}"
                    );
                    assert!(!explanation.steps.is_empty());
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 5_000, "only {checked} questions checked");
}

/// One question and what its explanation must say.
struct Case {
    /// The rule (or behaviour) the case checks.
    rule: &'static str,
    fixture: &'static str,
    kubeadm: bool,
    name: &'static str,
    qtype: RecordType,
    outcome: Outcome,
    /// Text every one of which the rendered explanation contains.
    says: &'static [&'static str],
    /// Text one of the near misses' fixes contains (empty: no near miss is required).
    fix: &'static str,
}

const CASES: &[Case] = &[
    Case {
        rule: "12/13: the seed's Endpoints is linked to no Service; rename it",
        fixture: "seed-mysql.yaml",
        kubeadm: false,
        name: "mysql-svc.default.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: &["headless Service", "has no endpoints", "exactly its name"],
        fix: "rename Endpoints default/mysql-ep to mysql-svc",
    },
    Case {
        rule: "12: the fixed seed answers through the slice mirrored from its Endpoints",
        fixture: "seed-mysql-fixed.yaml",
        kubeadm: false,
        name: "mysql-svc.default.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::Success,
        says: &[
            "mirrored from Endpoints default/mysql-svc",
            "answering 114.32.146.154",
        ],
        fix: "",
    },
    Case {
        rule: "13: not-ready endpoints are left out; for a hand-written slice the fix is its conditions (publishNotReadyAddresses acts only on slices made from Pods)",
        fixture: "unready-endpoints.yaml",
        kubeadm: false,
        name: "draining.jobs.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: &[
            "left out",
            "not ready: conditions.ready is false (it is also terminating)",
        ],
        fix: "set conditions.ready: true (or leave it out) on the endpoints of EndpointSlice jobs/draining-x1",
    },
    Case {
        rule: "11: a ClusterIP name answers its virtual IP whatever its endpoints",
        fixture: "unready-endpoints.yaml",
        kubeadm: false,
        name: "cache.jobs.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::Success,
        says: &["a ClusterIP Service (10.96.7.7)", "never its endpoints"],
        fix: "",
    },
    Case {
        rule: "11: no IPv6 cluster IP is NODATA for AAAA",
        fixture: "unready-endpoints.yaml",
        kubeadm: false,
        name: "cache.jobs.svc.cluster.local",
        qtype: RecordType::AAAA,
        outcome: Outcome::NoData,
        says: &["no IPv6 cluster IP", "NODATA"],
        fix: "",
    },
    Case {
        rule: "7: a Service of that name in another namespace is a near miss",
        fixture: "clusterip-vs-headless.yaml",
        kubeadm: false,
        name: "web.prod.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: &["there is no namespace \"prod\""],
        fix: "ask web.default.svc.cluster.local.",
    },
    Case {
        rule: "11: a typo of a Service's name is a near miss",
        fixture: "clusterip-vs-headless.yaml",
        kubeadm: false,
        name: "web-headles.default.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: &["there is no Service \"web-headles\""],
        fix: "ask web-headless.default.svc.cluster.local.",
    },
    Case {
        rule: "6: a name without the svc label is not service-shaped",
        fixture: "clusterip-vs-headless.yaml",
        kubeadm: false,
        name: "web.default.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: &["not one the plugin serves"],
        fix: "ask web.default.svc.cluster.local.",
    },
    Case {
        rule: "17: a port name the Service does not have; its ports are listed",
        fixture: "clusterip-vs-headless.yaml",
        kubeadm: false,
        name: "_nope._tcp.web.default.svc.cluster.local",
        qtype: RecordType::SRV,
        outcome: Outcome::NxDomain,
        says: &["no port of it matches"],
        fix: "ask _http._tcp.web.default.svc.cluster.local.",
    },
    Case {
        rule: "14: an endpoint name that no endpoint answers to; the names they do answer to",
        fixture: "hostname-subdomain.yaml",
        kubeadm: false,
        name: "busybox-3.busybox-subdomain.default.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: &[
            "it answers to the endpoint name \"busybox-1\"",
            "no ready endpoint has that name",
        ],
        fix: "",
    },
    Case {
        rule: "23: pod names are off under the plugin's defaults",
        fixture: "clusterip-vs-headless.yaml",
        kubeadm: false,
        name: "10-244-1-10.default.pod.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: &["pod names are off"],
        fix: "pods insecure",
    },
    Case {
        rule: "23: `pods insecure` answers any dashed address",
        fixture: "clusterip-vs-headless.yaml",
        kubeadm: true,
        name: "10-244-1-10.default.pod.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::Success,
        says: &["`pods insecure`"],
        fix: "",
    },
    Case {
        rule: "39: a reverse name with the plugin's defaults is in no server block's zone",
        fixture: "clusterip-vs-headless.yaml",
        kubeadm: false,
        name: "10.1.244.10.in-addr.arpa",
        qtype: RecordType::PTR,
        outcome: Outcome::Refused,
        says: &["no server block's zone contains the name"],
        fix: "in-addr.arpa ip6.arpa",
    },
    Case {
        rule: "18: PTR of a ready endpoint address with kubeadm's reverse zones",
        fixture: "clusterip-vs-headless.yaml",
        kubeadm: true,
        name: "10.1.244.10.in-addr.arpa",
        qtype: RecordType::PTR,
        outcome: Outcome::Success,
        says: &["ready endpoint address"],
        fix: "",
    },
    Case {
        rule: "35: a name of another cluster zone is outside the plugin's zones (kubeadm's block is the root zone)",
        fixture: "clusterip-vs-headless.yaml",
        kubeadm: true,
        name: "web.default.svc.k8s.example",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: &["outside its zones"],
        fix: "ask web.default.svc.cluster.local.",
    },
    Case {
        rule: "10: TXT of a name that holds nothing is NXDOMAIN",
        fixture: "clusterip-vs-headless.yaml",
        kubeadm: false,
        name: "default.svc.cluster.local",
        qtype: RecordType::TXT,
        outcome: Outcome::NxDomain,
        says: &["TXT quirk"],
        fix: "",
    },
];

/// Checks an explanation against a case: the outcome, text it must say, a fix one of its near
/// misses must offer (none when empty), and no disagreement with the answer.
fn check(explanation: &Explanation, rule: &str, outcome: Outcome, says: &[&str], fix: &str) {
    let text = explanation.to_string();
    assert_eq!(explanation.answer.outcome, outcome, "{rule}:\n{text}");
    for said in says {
        assert!(text.contains(said), "{rule}: missing {said:?} in\n{text}");
    }
    if !fix.is_empty() {
        assert!(
            explanation
                .near_misses
                .iter()
                .any(|miss| miss.fix.contains(fix)),
            "{rule}: no fix {fix:?} in\n{text}"
        );
    }
    assert!(explanation.disagreements.is_empty(), "{rule}:\n{text}");
}

#[test]
fn explanations_say_why() {
    for case in CASES {
        let cluster = fixture(case.fixture);
        let config = if case.kubeadm {
            Config::kubeadm()
        } else {
            Config::default()
        };
        let dns = ClusterDns::new(cluster, config);
        let explanation = dns.explain(case.name, case.qtype).unwrap();
        check(&explanation, case.rule, case.outcome, case.says, case.fix);
    }
}

/// Rule 13: each endpoint left out carries its reason as data, not only as text.
#[test]
fn left_out_endpoints_carry_their_reason() {
    let dns = plain("unready-endpoints.yaml");
    let explanation = dns
        .explain("queue.jobs.svc.cluster.local", RecordType::A)
        .unwrap();
    let reasons: Vec<&LeftOutReason> = explanation
        .steps
        .iter()
        .flat_map(|step| &step.left_out)
        .map(|left| &left.reason)
        .collect();
    assert_eq!(reasons, [&LeftOutReason::NotReady { terminating: false }]);
}

/// Each step's rule is a heading of `docs/coredns-rules.md`, titled as it is there.
#[test]
fn rules_are_read_from_the_rules_document() {
    assert_eq!(
        Rule::numbered(12).map(|rule| rule.title),
        Some("Headless Services")
    );
    assert_eq!(Rule::numbered(999), None);
    let docs = fs::read_to_string(format!(
        "{}/docs/coredns-rules.md",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let dns = plain("seed-mysql.yaml");
    let explanation = dns
        .explain("mysql-svc.default.svc.cluster.local", RecordType::A)
        .unwrap();
    for step in &explanation.steps {
        let rule = step
            .rule
            .expect("every step of this explanation names a rule");
        assert!(docs.contains(&format!("### {}. {}", rule.number, rule.title)));
    }
}

/// The Kubernetes documentation's hostname and subdomain example, explained (a snapshot).
#[test]
fn hostname_subdomain_example_is_explained() {
    let dns = ClusterDns::new(fixture("hostname-subdomain.yaml"), Config::default());
    let explanation = dns
        .explain(
            "busybox-1.busybox-subdomain.default.svc.cluster.local",
            RecordType::A,
        )
        .unwrap();
    assert_eq!(explanation.answer.outcome, Outcome::Success);
    insta::assert_snapshot!(explanation.to_string());
}

/// A wire query is explained as its question is.
#[test]
fn a_wire_query_is_explained_like_its_question() {
    use k8s_dns_sim::hickory_proto::op::{Message, Query};
    use k8s_dns_sim::hickory_proto::rr::Name;
    let dns = plain("seed-mysql.yaml");
    let mut message = Message::query();
    message.add_query(Query::query(
        Name::from_ascii("mysql-svc.default.svc.cluster.local.").unwrap(),
        RecordType::A,
    ));
    let explanation = dns.explain_message(&message).unwrap();
    assert_eq!(explanation.answer.outcome, Outcome::NxDomain);
    assert!(dns.explain_message(&Message::query()).is_none());
}

/// The pod side (rules of `docs/resolver-behaviour.md`): a namespace named like the short name
/// makes `<name>.svc.<zone>` exist without records. glibc goes on past that NODATA, musl stops
/// there; the walk's explanation says which, and why the candidates came in that order.
#[test]
fn a_walk_says_why_it_went_on_or_stopped() {
    use k8s_dns_sim::resolver::{Family, Kubelet, PodDns, StubResolver};
    let dns = ClusterDns::new(
        Cluster::from_yaml(
            "apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {clusterIP: 10.96.0.30, ports: [{port: 80}]}
",
        )
        .unwrap(),
        Config::default(),
    );
    let sandbox = Kubelet::default()
        .sandbox(&PodDns::new("shop", "client"))
        .unwrap();
    let mut texts = Vec::new();
    for library in [StubResolver::Glibc, StubResolver::Musl] {
        let resolution = dns.getaddrinfo(&sandbox, library, Family::Inet, "web");
        let walk = dns.explain_resolution(&resolution);
        assert!(walk.order.contains("ndots 5"), "{walk}");
        let stopped_at_nodata = walk.steps.len() == 2;
        assert_eq!(stopped_at_nodata, library == StubResolver::Musl, "{walk}");
        texts.push(walk.to_string());
    }
    assert!(
        texts[1].contains("musl ends the search at a name that exists"),
        "{}",
        texts[1]
    );
    insta::assert_snapshot!(texts.join("\n"));
}

/// The README's excerpt of the seed's explanation is the real one: every line of its `text`
/// block under "Why: an explanation of every answer" is a line of what `explain` prints.
#[test]
fn the_readme_excerpt_is_what_explain_prints() {
    let readme = fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let section = readme
        .split("## Why: an explanation of every answer")
        .nth(1)
        .expect("the README has the section");
    let block = section
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section has a text block");
    let dns = ClusterDns::from_cluster(fixture("seed-mysql.yaml")).unwrap();
    let text = dns
        .explain("mysql-svc.default.svc.cluster.local", RecordType::A)
        .unwrap()
        .to_string();
    for line in block.lines() {
        // Step numbers differ with the configuration; compare what follows them.
        let body = line.trim_start_matches(";;").trim_start();
        let body = body
            .split_once(". ")
            .filter(|(n, _)| n.trim().parse::<u32>().is_ok())
            .map_or(body, |(_, rest)| rest);
        assert!(
            text.contains(body),
            "README line {line:?} is not in:\n{text}"
        );
    }
}

/// A question over inline manifests and what its explanation must offer as a fix.
struct InlineCase {
    rule: &'static str,
    yaml: &'static str,
    corefile: Option<&'static str>,
    name: &'static str,
    qtype: RecordType,
    outcome: Outcome,
    says: &'static str,
    fix: &'static str,
}

const SEED_AND_REDIS: &str = "apiVersion: v1
kind: Service
metadata: {name: mysql-svc, namespace: default}
spec: {clusterIP: None, ports: [{name: default-ep, port: 3306}]}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: default}
spec: {clusterIP: None, ports: [{port: 6379}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: mysql-ep, namespace: default}
subsets: [{addresses: [{ip: 114.32.146.154}], ports: [{name: mysql, port: 3306}]}]
";

const PORTS: &str = "apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {clusterIP: None, ports: [{name: http, port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: api-1, namespace: default, labels: {kubernetes.io/service-name: api}}
addressType: IPv4
ports: [{name: web, port: 80, protocol: TCP}]
endpoints:
- {addresses: [10.0.0.1]}
- {addresses: [10.0.0.3], hostname: api-b}
- {addresses: [10.0.0.9], conditions: {ready: false}}
";

const EXTERNAL: &str = "apiVersion: v1
kind: Service
metadata: {name: kafka, namespace: data}
spec: {clusterIP: 10.96.0.50, ports: [{port: 9092}]}
---
apiVersion: v1
kind: Service
metadata: {name: events, namespace: data}
spec: {type: ExternalName, externalName: kafak.data.svc.cluster.local}
---
apiVersion: v1
kind: Service
metadata: {name: loop1, namespace: data}
spec: {type: ExternalName, externalName: loop2.data.svc.cluster.local}
---
apiVersion: v1
kind: Service
metadata: {name: loop2, namespace: data}
spec: {type: ExternalName, externalName: loop1.data.svc.cluster.local}
";

const ZK: &str = "apiVersion: v1
kind: Service
metadata: {name: zk-headless, namespace: default}
spec: {clusterIP: None, selector: {app: zk}, ports: [{name: client, port: 2181}]}
---
apiVersion: v1
kind: Service
metadata: {name: cache, namespace: default}
spec: {clusterIP: None, selector: {app: cache}, ports: [{port: 6379}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: zk, namespace: default}
spec:
  serviceName: zk-hs
  replicas: 1
  selector: {matchLabels: {app: zk}}
  template:
    metadata: {labels: {app: zk}}
    spec: {containers: [{name: zk, image: zookeeper}]}
";

const INLINE_CASES: &[InlineCase] = &[
    InlineCase {
        rule: "14: a StatefulSet whose serviceName names another Service: its Pod's name is under that one",
        yaml: ZK,
        corefile: None,
        name: "zk-0.zk-headless.default.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: "no ready endpoint has that name",
        fix: "spec.serviceName) to zk-headless",
    },
    InlineCase {
        rule: "13: a selector that matches no Pod says so",
        yaml: ZK,
        corefile: None,
        name: "cache.default.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: "no Pod with an address matches the selector app=cache",
        fix: "",
    },
    InlineCase {
        rule: "near misses: the seed's rename is found by its name, with another selectorless Service beside it",
        yaml: SEED_AND_REDIS,
        corefile: None,
        name: "mysql-svc.default.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: "has no endpoints",
        fix: "rename Endpoints default/mysql-ep to mysql-svc",
    },
    InlineCase {
        rule: "17: ready endpoints whose slice names its port otherwise: ask their SRV name (not a readiness fix)",
        yaml: PORTS,
        corefile: None,
        name: "_http._tcp.api.default.svc.cluster.local",
        qtype: RecordType::SRV,
        outcome: Outcome::NxDomain,
        says: "no port of its slice matches",
        fix: "ask _web._tcp.api.default.svc.cluster.local.",
    },
    InlineCase {
        rule: "14: a dashed address whose endpoint has a hostname answers only to the hostname",
        yaml: PORTS,
        corefile: None,
        name: "10-0-0-3.api.default.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: "it answers to the endpoint name \"api-b\"",
        fix: "ask api-b.api.default.svc.cluster.local.",
    },
    InlineCase {
        rule: "13: a dashed address of a not-ready endpoint: it is not ready",
        yaml: PORTS,
        corefile: None,
        name: "10-0-0-9.api.default.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NxDomain,
        says: "not ready",
        fix: "make it ready",
    },
    InlineCase {
        rule: "39: the plugin has reverse zones but the block's keys do not: the keys are the fix",
        yaml: PORTS,
        corefile: Some(
            "cluster.local:53 {\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n}\n",
        ),
        name: "1.0.0.10.in-addr.arpa",
        qtype: RecordType::PTR,
        outcome: Outcome::Refused,
        says: "no server block's zone contains the name",
        fix: "add in-addr.arpa and ip6.arpa to its keys",
    },
    InlineCase {
        rule: "19: an ExternalName into the zone at a typo: the target does not exist, the CNAME is dropped, and the similar Service is offered",
        yaml: EXTERNAL,
        corefile: None,
        name: "events.data.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NoData,
        says: "the CNAME's target kafak.data.svc.cluster.local. does not exist",
        fix: "ask kafka.data.svc.cluster.local.",
    },
    InlineCase {
        rule: "19: ExternalNames that point at each other form a loop, which the explanation names",
        yaml: EXTERNAL,
        corefile: None,
        name: "loop1.data.svc.cluster.local",
        qtype: RecordType::A,
        outcome: Outcome::NoData,
        says: "the CNAMEs form a loop",
        fix: "",
    },
];

#[test]
fn inline_near_misses_offer_fixes_that_work() {
    for case in INLINE_CASES {
        let cluster = Cluster::from_yaml(case.yaml).unwrap();
        let config = match case.corefile {
            Some(text) => Config::from_corefile(text).unwrap(),
            None => Config::default(),
        };
        let dns = ClusterDns::new(cluster, config);
        let explanation = dns.explain(case.name, case.qtype).unwrap();
        check(
            &explanation,
            case.rule,
            case.outcome,
            &[case.says],
            case.fix,
        );
    }
}

/// Rule 28: a response (QR set) gets no reply, so there is nothing to explain.
#[test]
fn a_response_message_is_not_explained() {
    use k8s_dns_sim::hickory_proto::op::{Message, MessageType, Query};
    use k8s_dns_sim::hickory_proto::rr::Name;
    let dns = plain("seed-mysql.yaml");
    let mut message = Message::query();
    message.add_query(Query::query(
        Name::from_ascii("mysql-svc.default.svc.cluster.local.").unwrap(),
        RecordType::A,
    ));
    message.metadata.message_type = MessageType::Response;
    assert!(dns.handle(&message).is_none());
    assert!(dns.explain_message(&message).is_none());
}

/// Rule 34: an explanation of a reply that does not fit says so: the limit (512 bytes without
/// EDNS, the client's EDNS size, 512 for a smaller one), how many answer records the reply
/// carries, and that TC sends the client to TCP; over TCP, or when the reply fits, no such step.
#[test]
fn rule_34_a_truncated_reply_is_explained() {
    use k8s_dns_sim::Transport;
    use k8s_dns_sim::hickory_proto::op::{Edns, Message, MessageType, OpCode, Query};
    use k8s_dns_sim::hickory_proto::rr::Name;

    let dns = ClusterDns::new(fixture("lint/large-headless.yaml"), Config::default());
    let name = Name::from_ascii("big.default.svc.cluster.local.").unwrap();
    // (EDNS size, transport, what the rule-34 step says; "" for no such step)
    let cases: &[(Option<u16>, Transport, &str)] = &[
        (
            None,
            Transport::Udp,
            "the reply over UDP must fit 512 bytes, as the client sent no EDNS: it carries 29 of its 40 answer records; TC (truncated) is set, so the client asks again over TCP",
        ),
        (
            Some(512),
            Transport::Udp,
            "must fit 512 bytes, the client's EDNS size: it carries 28 of its 40 answer records",
        ),
        (
            Some(100),
            Transport::Udp,
            "must fit 512 bytes, the client's EDNS size: it carries 28 of its 40",
        ),
        (Some(1232), Transport::Udp, ""),
        (None, Transport::Tcp, ""),
    ];
    for (size, transport, says) in cases {
        let mut request = Message::new(1, MessageType::Query, OpCode::Query);
        request.add_query(Query::query(name.clone(), RecordType::A));
        if let Some(size) = size {
            let mut edns = Edns::new();
            edns.set_max_payload(*size);
            request.edns = Some(edns);
        }
        let explanation = dns.explain_exchange(&request, *transport).unwrap();
        let step = explanation
            .steps
            .iter()
            .find(|step| step.rule.is_some_and(|rule| rule.number == 34));
        match step {
            None => assert!(
                says.is_empty(),
                "{size:?} {transport}: no step\n{explanation}"
            ),
            Some(step) => assert!(
                !says.is_empty() && step.decision.contains(says),
                "{size:?} {transport}: {}",
                step.decision
            ),
        }
        assert_eq!(explanation.answer.answers.len(), 40);
    }
    // explain_message is the UDP exchange.
    let mut request = Message::new(1, MessageType::Query, OpCode::Query);
    request.add_query(Query::query(name, RecordType::A));
    assert!(
        dns.explain_message(&request)
            .unwrap()
            .to_string()
            .contains("[rule 34: Size limit and truncation]")
    );
}
