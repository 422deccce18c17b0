//! The lint (issue 12 §2): findings with a severity, the objects and their places, what DNS
//! does, and the fix.
//!
//! Table-driven over fixtures (`fixtures/lint/*.yaml` hold one case per object, named in their
//! header comments): each positive row names the finding it expects, each negative row an
//! object that must *not* get that finding. Where a finding states what DNS answers, a test
//! asks the simulator and checks the statement. Every fixture of the repository that loads is
//! linted and snapshotted (`tests/snapshots/lint__*.snap`), so any change of a finding is a
//! reviewed diff: `INSTA_UPDATE=always cargo test --test lint`, then review the `.snap` files.

use std::path::{Path, PathBuf};

use k8s_dns_sim::hickory_proto::rr::RecordType;
use k8s_dns_sim::lint::{self, CODES, Finding, Severity};
use k8s_dns_sim::{Cluster, ClusterDns, Config, Outcome};

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

/// The fixture `fixtures/<path>`, loaded under its repository path so that findings name it.
fn try_load(path: &str) -> Option<Cluster> {
    let text = std::fs::read_to_string(format!("{}/fixtures/{path}", root())).ok()?;
    let mut builder = Cluster::builder();
    builder.add_yaml(&format!("fixtures/{path}"), &text).ok()?;
    builder.build().ok()
}

fn load(path: &str) -> Cluster {
    try_load(path).unwrap_or_else(|| panic!("fixtures/{path} does not load"))
}

/// The full lint of a fixture: with its own Corefile when it carries one, else the defaults.
fn lint_fixture(path: &str) -> Vec<Finding> {
    dns(path).lint()
}

fn dns(path: &str) -> ClusterDns {
    let cluster = load(path);
    ClusterDns::from_cluster(cluster.clone())
        .unwrap_or_else(|_| ClusterDns::new(cluster, Config::default()))
}

/// The first subject's object, as printed (`Endpoints default/mysql-ep`).
fn subject(finding: &Finding) -> String {
    finding
        .subjects
        .first()
        .and_then(|subject| subject.object.as_ref())
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// One expected finding.
struct Expect {
    /// The rule checked, in words.
    rule: &'static str,
    fixture: &'static str,
    code: &'static str,
    severity: Severity,
    /// The object the finding is about, as printed.
    subject: &'static str,
    /// Texts the finding must contain (in its problem, effect or fix).
    says: &'static [&'static str],
}

const EXPECTED: &[Expect] = &[
    Expect {
        rule: "an FQDN slice is not served: the headless Service says so, not 'no EndpointSlice of it'",
        fixture: "lint/fqdn-slice.yaml",
        code: "headless-without-endpoints",
        severity: Severity::Error,
        subject: "Service default/legacy",
        says: &[
            "only endpoints are in EndpointSlices of addressType FQDN (default/legacy-fqdn)",
            "make Service default/legacy an ExternalName Service",
        ],
    },
    Expect {
        rule: "an FQDN slice: what CoreDNS does and what the simulator does",
        fixture: "lint/fqdn-slice.yaml",
        code: "endpointslice-fqdn",
        severity: Severity::Warning,
        subject: "EndpointSlice default/legacy-fqdn",
        says: &["CoreDNS does not look at addressType"],
    },
    Expect {
        rule: "an Endpoints object belongs to the Service of exactly its name (did you mean)",
        fixture: "seed-mysql.yaml",
        code: "endpoints-without-service",
        severity: Severity::Error,
        subject: "Endpoints default/mysql-ep",
        says: &[
            "did you mean Service default/mysql-svc?",
            "rename Endpoints default/mysql-ep to mysql-svc",
        ],
    },
    Expect {
        rule: "a headless Service without endpoints answers NXDOMAIN; the fix is the unlinked Endpoints",
        fixture: "seed-mysql.yaml",
        code: "headless-without-endpoints",
        severity: Severity::Error,
        subject: "Service default/mysql-svc",
        says: &[
            "mysql-svc.default.svc.cluster.local answers NXDOMAIN",
            "rename Endpoints default/mysql-ep to mysql-svc",
        ],
    },
    Expect {
        rule: "headless SRV names come from endpoint ports: names that differ",
        fixture: "seed-mysql-fixed.yaml",
        code: "srv-port-name-mismatch",
        severity: Severity::Warning,
        subject: "Endpoints default/mysql-svc",
        says: &[
            "_default-ep._tcp.mysql-svc.default.svc.cluster.local answers NXDOMAIN",
            "_mysql._tcp.mysql-svc.default.svc.cluster.local",
        ],
    },
    Expect {
        rule: "an unnamed endpoint port gives no _name._proto SRV",
        fixture: "lint/srv-ports.yaml",
        code: "unnamed-endpoint-port",
        severity: Severity::Warning,
        subject: "Endpoints shop/db",
        says: &[
            "_mysql._tcp.db.shop.svc.cluster.local answers NXDOMAIN",
            "name that port mysql",
        ],
    },
    Expect {
        rule: "an EndpointSlice port named otherwise than the Service port",
        fixture: "lint/srv-ports.yaml",
        code: "srv-port-name-mismatch",
        severity: Severity::Warning,
        subject: "EndpointSlice shop/queue-1",
        says: &["rename port rabbit of EndpointSlice shop/queue-1 to amqp"],
    },
    Expect {
        rule: "only not-ready Pods behind a selector: publishNotReadyAddresses",
        fixture: "lint/not-ready.yaml",
        code: "headless-only-not-ready-endpoints",
        severity: Severity::Error,
        subject: "Service shop/api",
        says: &[
            "2 endpoints are all not ready",
            "spec.publishNotReadyAddresses: true",
        ],
    },
    Expect {
        rule: "only notReadyAddresses in hand-written Endpoints: move them",
        fixture: "lint/not-ready.yaml",
        code: "headless-only-not-ready-endpoints",
        severity: Severity::Error,
        subject: "Service shop/legacy",
        says: &["from notReadyAddresses to addresses"],
    },
    Expect {
        rule: "only ready: false in a hand-written EndpointSlice",
        fixture: "lint/not-ready.yaml",
        code: "headless-only-not-ready-endpoints",
        severity: Severity::Error,
        subject: "Service shop/manual",
        says: &["conditions.ready: true", "EndpointSlice shop/manual-1"],
    },
    Expect {
        rule: "a Pod subdomain naming no Service",
        fixture: "lint/subdomain.yaml",
        code: "pod-subdomain-without-service",
        severity: Severity::Error,
        subject: "Pod apps/lost",
        says: &[
            "has no Service nowhere",
            "lost.nowhere.apps.svc.cluster.local answers NXDOMAIN",
        ],
    },
    Expect {
        rule: "a Pod subdomain naming a Service that does not select it",
        fixture: "lint/subdomain.yaml",
        code: "pod-subdomain-without-service",
        severity: Severity::Error,
        subject: "Pod apps/stray",
        says: &["does not select them: its selector tier=named"],
    },
    Expect {
        rule: "a Pod subdomain naming a ClusterIP Service",
        fixture: "lint/subdomain.yaml",
        code: "pod-subdomain-service-not-headless",
        severity: Severity::Warning,
        subject: "Pod apps/vip-pod",
        says: &[
            "vip.apps.svc.cluster.local answers the cluster IP",
            "clusterIP: None",
        ],
    },
    Expect {
        rule: "a Pod subdomain without hostname has no name of its own",
        fixture: "lint/subdomain.yaml",
        code: "pod-subdomain-without-hostname",
        severity: Severity::Warning,
        subject: "Pod apps/nameless",
        says: &["set spec.hostname: nameless"],
    },
    Expect {
        rule: "a StatefulSet serviceName naming no Service",
        fixture: "lint/subdomain.yaml",
        code: "statefulset-without-service",
        severity: Severity::Error,
        subject: "StatefulSet apps/orphan",
        says: &[
            "orphan-0.ghost.apps.svc.cluster.local",
            "with the selector app=orphan",
        ],
    },
    Expect {
        rule: "a StatefulSet serviceName naming a ClusterIP Service",
        fixture: "lint/subdomain.yaml",
        code: "statefulset-service-not-headless",
        severity: Severity::Warning,
        subject: "StatefulSet apps/flat",
        says: &["flat-0.vip.apps.svc.cluster.local"],
    },
    Expect {
        rule: "loadBalancerIP: None where clusterIP: None was meant",
        fixture: "lint/service-fields.yaml",
        code: "load-balancer-ip-none",
        severity: Severity::Error,
        subject: "Service data/db",
        says: &["replace loadBalancerIP: None with clusterIP: None"],
    },
    Expect {
        rule: "the stale tolerate-unready-endpoints annotation",
        fixture: "lint/service-fields.yaml",
        code: "tolerate-unready-endpoints-annotation",
        severity: Severity::Warning,
        subject: "Service data/old",
        says: &["spec.publishNotReadyAddresses: true"],
    },
    Expect {
        rule: "an ExternalName that is an IP",
        fixture: "lint/service-fields.yaml",
        code: "external-name-is-ip",
        severity: Severity::Error,
        subject: "Service data/by-ip",
        says: &[
            "by-ip.data.svc.cluster.local answers NXDOMAIN",
            "192.0.2.10",
        ],
    },
    Expect {
        rule: "an ExternalName into the zone at nothing",
        fixture: "lint/service-fields.yaml",
        code: "external-name-into-zone-at-nothing",
        severity: Severity::Error,
        subject: "Service data/dangling",
        says: &[
            "A NXDOMAIN, AAAA NXDOMAIN",
            "dangling.data.svc.cluster.local answers A NODATA without the CNAME",
            "create Service pg in namespace database",
        ],
    },
    Expect {
        rule: "a namespace named like a TLD captures external names (with a Service in it)",
        fixture: "lint/namespace-tld.yaml",
        code: "namespace-like-tld",
        severity: Severity::Warning,
        subject: "Namespace com",
        says: &["google.com", "google.com.svc.cluster.local"],
    },
    Expect {
        rule: "a namespace named like a TLD, still empty",
        fixture: "lint/namespace-tld.yaml",
        code: "namespace-like-tld",
        severity: Severity::Info,
        subject: "Namespace dev",
        says: &["web.dev.svc.cluster.local"],
    },
    Expect {
        rule: "a headless answer too large for 512 bytes of UDP: how many fit (rule 34)",
        fixture: "lint/large-headless.yaml",
        code: "udp-answer-truncated",
        severity: Severity::Warning,
        subject: "Service default/big",
        // 12 (header) + 35 (question: a 31-byte name, type, class) + 29 × 16 = 511 ≤ 512.
        says: &[
            "40 ready IPv4 endpoints",
            "holds 29 of them",
            // What each library keeps: glibc and Go retry over TCP, musl 1.2.3 never does,
            // musl 1.2.4+ does and keeps at most 48 (docs/resolver-behaviour.md §2.9).
            "glibc 2.36+ 40, musl 1.2.3 29, musl 1.2.4+ 40, Go (pure resolver) 40",
            "at 29 ready endpoints or fewer",
        ],
    },
    Expect {
        rule: "an env name in the zone with fewer dots than ndots walks the search list first",
        fixture: "lint/ndots.yaml",
        code: "ndots-search-walk",
        severity: Severity::Info,
        subject: "Pod shop/client",
        says: &[
            "env DB_HOST names mysql.default.svc.cluster.local without a trailing dot: 4 dots, fewer than ndots:5",
            "mysql.default.svc.cluster.local.shop.svc.cluster.local., mysql.default.svc.cluster.local.svc.cluster.local., mysql.default.svc.cluster.local.cluster.local. (6 queries",
        ],
    },
    Expect {
        rule: "a URL in env is read for its host",
        fixture: "lint/ndots.yaml",
        code: "ndots-search-walk",
        severity: Severity::Info,
        subject: "Pod shop/client",
        says: &["env API_URL names api.shop.svc.cluster.local"],
    },
    Expect {
        rule: "a workload's template env, measured in a Pod it made",
        fixture: "lint/ndots.yaml",
        code: "ndots-search-walk",
        severity: Severity::Info,
        subject: "Deployment shop/worker",
        says: &["env QUEUE_ADDR names api.shop.svc.cluster.local"],
    },
    Expect {
        rule: "an EndpointSlice labelled with a Service that does not exist (did you mean)",
        fixture: "lint/unlinked.yaml",
        code: "endpointslice-without-service",
        severity: Severity::Error,
        subject: "EndpointSlice data/db-1",
        says: &[
            "did you mean Service data/db?",
            "change the label kubernetes.io/service-name of EndpointSlice data/db-1 to db",
        ],
    },
    Expect {
        rule: "an EndpointSlice without the service-name label",
        fixture: "lint/unlinked.yaml",
        code: "endpointslice-without-service-label",
        severity: Severity::Error,
        subject: "EndpointSlice data/loose",
        says: &["add the label kubernetes.io/service-name: db to EndpointSlice data/loose"],
    },
    Expect {
        rule: "a headless Service without endpoints: the slices likely meant for it",
        fixture: "lint/unlinked.yaml",
        code: "headless-without-endpoints",
        severity: Severity::Error,
        subject: "Service data/db",
        says: &["label EndpointSlices data/db-1, data/loose kubernetes.io/service-name: db"],
    },
    Expect {
        rule: "a headless Service without endpoints: its own Endpoints carry skip-mirror",
        fixture: "linking.yaml",
        code: "headless-without-endpoints",
        severity: Severity::Error,
        subject: "Service links/skipped",
        says: &[
            "remove the label endpointslice.kubernetes.io/skip-mirror from Endpoints links/skipped",
        ],
    },
    Expect {
        rule: "hand-written Endpoints beside a selector are not mirrored",
        fixture: "linking.yaml",
        code: "endpoints-beside-selector",
        severity: Severity::Error,
        subject: "Endpoints links/selected",
        says: &["remove spec.selector from Service links/selected"],
    },
    Expect {
        rule: "the skip-mirror label keeps Endpoints out of DNS",
        fixture: "linking.yaml",
        code: "endpoints-skip-mirror",
        severity: Severity::Warning,
        subject: "Endpoints links/skipped",
        says: &["remove the label endpointslice.kubernetes.io/skip-mirror"],
    },
    Expect {
        rule: "two Services with one cluster IP",
        fixture: "parity/handler-test.yaml",
        code: "duplicate-cluster-ip",
        severity: Severity::Error,
        subject: "Service testns/svcempty",
        says: &["also the cluster IP of Service testns/svc1"],
    },
];

/// An object that must not get a finding of `code`.
struct Absent {
    rule: &'static str,
    fixture: &'static str,
    code: &'static str,
    subject: &'static str,
}

const ABSENT: &[Absent] = &[
    Absent {
        rule: "the fixed seed: the Endpoints carry the Service's name",
        fixture: "seed-mysql-fixed.yaml",
        code: "endpoints-without-service",
        subject: "Endpoints default/mysql-svc",
    },
    Absent {
        rule: "the fixed seed: the headless Service has its endpoint",
        fixture: "seed-mysql-fixed.yaml",
        code: "headless-without-endpoints",
        subject: "Service default/mysql-svc",
    },
    Absent {
        rule: "matching port names",
        fixture: "lint/srv-ports.yaml",
        code: "srv-port-name-mismatch",
        subject: "EndpointSlice shop/cache-1",
    },
    Absent {
        rule: "a ClusterIP Service's SRV names come from the Service, not its endpoints",
        fixture: "lint/srv-ports.yaml",
        code: "unnamed-endpoint-port",
        subject: "Endpoints shop/web",
    },
    Absent {
        rule: "publishNotReadyAddresses publishes not-ready Pods",
        fixture: "lint/not-ready.yaml",
        code: "headless-only-not-ready-endpoints",
        subject: "Service shop/eager",
    },
    Absent {
        rule: "a Pod under a headless Service that selects it, with a hostname",
        fixture: "lint/subdomain.yaml",
        code: "pod-subdomain-without-service",
        subject: "Pod apps/good",
    },
    Absent {
        rule: "a Pod under a headless Service that selects it, with a hostname",
        fixture: "lint/subdomain.yaml",
        code: "pod-subdomain-without-hostname",
        subject: "Pod apps/good",
    },
    Absent {
        rule: "a StatefulSet governed by a headless Service that selects it",
        fixture: "lint/subdomain.yaml",
        code: "statefulset-without-service",
        subject: "StatefulSet apps/fine",
    },
    Absent {
        rule: "a StatefulSet governed by a headless Service that selects it",
        fixture: "lint/subdomain.yaml",
        code: "statefulset-service-not-headless",
        subject: "StatefulSet apps/fine",
    },
    Absent {
        rule: "the StatefulSet fixture's Pods are governed by their headless Service",
        fixture: "statefulset.yaml",
        code: "statefulset-without-service",
        subject: "StatefulSet default/web",
    },
    Absent {
        rule: "an ExternalName into the zone at a Service that exists",
        fixture: "lint/service-fields.yaml",
        code: "external-name-into-zone-at-nothing",
        subject: "Service data/alias",
    },
    Absent {
        rule: "an ExternalName outside the zone",
        fixture: "lint/service-fields.yaml",
        code: "external-name-into-zone-at-nothing",
        subject: "Service data/outside",
    },
    Absent {
        rule: "a namespace that is no top-level domain",
        fixture: "lint/namespace-tld.yaml",
        code: "namespace-like-tld",
        subject: "Namespace shop",
    },
    Absent {
        rule: "20 addresses fit in 512 bytes",
        fixture: "lint/large-headless.yaml",
        code: "udp-answer-truncated",
        subject: "Service default/small",
    },
    Absent {
        rule: "a name with a trailing dot is asked as written",
        fixture: "lint/ndots.yaml",
        code: "ndots-search-walk",
        subject: "Pod shop/absolute",
    },
    Absent {
        rule: "ndots 4 asks a 4-dot name as written first",
        fixture: "lint/ndots.yaml",
        code: "ndots-search-walk",
        subject: "Pod shop/tuned",
    },
    Absent {
        rule: "an EndpointSlice labelled with its Service",
        fixture: "lint/unlinked.yaml",
        code: "endpointslice-without-service",
        subject: "EndpointSlice data/cache-1",
    },
];

#[test]
fn each_check_reports_its_case() {
    let mut failures = Vec::new();
    for expect in EXPECTED {
        let findings = lint_fixture(expect.fixture);
        // Of the findings of this code about this object, the one that says everything (or,
        // failing that, the first, to show what it says instead).
        let candidates: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.code == expect.code && subject(f) == expect.subject)
            .collect();
        let found = candidates
            .iter()
            .find(|f| expect.says.iter().all(|said| f.to_string().contains(said)))
            .or(candidates.first())
            .copied();
        match found {
            None => failures.push(format!(
                "{}: no {} for {} in {}; got:\n{}",
                expect.rule,
                expect.code,
                expect.subject,
                expect.fixture,
                lint::render(&findings)
            )),
            Some(finding) => {
                if finding.severity != expect.severity {
                    failures.push(format!(
                        "{}: {} is {}, expected {}",
                        expect.rule, expect.code, finding.severity, expect.severity
                    ));
                }
                let text = finding.to_string();
                for said in expect.says {
                    if !text.contains(said) {
                        failures.push(format!(
                            "{}: {} does not say {said:?}:\n{text}",
                            expect.rule, expect.code
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn correct_objects_get_no_finding_of_the_code() {
    let mut failures = Vec::new();
    for absent in ABSENT {
        let findings = lint_fixture(absent.fixture);
        // The subject must exist in the fixture's lint input, or the row checks nothing.
        let cluster = load(absent.fixture);
        assert!(
            mentioned(&cluster, absent.subject),
            "{}: {} is not in {}",
            absent.rule,
            absent.subject,
            absent.fixture
        );
        if let Some(finding) = findings
            .iter()
            .find(|f| f.code == absent.code && subject(f) == absent.subject)
        {
            failures.push(format!("{}: unexpected\n{finding}", absent.rule));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Whether the cluster holds the object printed as `subject`.
fn mentioned(cluster: &Cluster, subject: &str) -> bool {
    let (kind, name) = subject.split_once(' ').expect("Kind name");
    let (namespace, name) = name.split_once('/').unwrap_or(("", name));
    match kind {
        "Service" => cluster.service(namespace, name).is_some(),
        "Endpoints" => cluster
            .endpoints()
            .any(|e| e.meta.namespace == namespace && e.meta.name == name),
        "EndpointSlice" => cluster
            .endpoint_slices()
            .iter()
            .any(|s| s.slice().meta.namespace == namespace && s.slice().meta.name == name),
        "Pod" => cluster
            .pods()
            .any(|p| p.meta.namespace == namespace && p.meta.name == name),
        "StatefulSet" | "Deployment" => cluster
            .workloads()
            .any(|w| w.meta.namespace == namespace && w.meta.name == name),
        "Namespace" => cluster.has_namespace(name),
        other => panic!("no lookup for kind {other}"),
    }
}

#[test]
fn the_seed_gives_an_error_and_the_fixed_seed_none() {
    let seed = load("seed-mysql.yaml").lint();
    let unlinked = seed
        .iter()
        .find(|f| f.code == "endpoints-without-service")
        .expect("endpoints-without-service for the seed");
    assert_eq!(unlinked.severity, Severity::Error);
    assert_eq!(subject(unlinked), "Endpoints default/mysql-ep");
    assert_eq!(
        unlinked.fix,
        "rename Endpoints default/mysql-ep to mysql-svc (metadata.name: mysql-svc)"
    );
    let location = unlinked.location().expect("a location");
    assert_eq!(location.origin.as_deref(), Some("fixtures/seed-mysql.yaml"));
    assert_eq!(location.document, Some(2));

    let fixed = lint_fixture("seed-mysql-fixed.yaml");
    let errors: Vec<&Finding> = fixed
        .iter()
        .filter(|f| f.severity >= Severity::Error)
        .collect();
    assert!(errors.is_empty(), "errors in the fixed seed: {errors:#?}");
}

/// What the findings say DNS does, asked of the simulator.
#[test]
fn the_effects_stated_are_what_the_simulator_answers() {
    let fixed = dns("seed-mysql-fixed.yaml");
    let srv = |dns: &ClusterDns, name: &str| dns.lookup(name, RecordType::SRV).unwrap().outcome;
    // srv-port-name-mismatch: the Service's port name does not answer, the endpoint's does.
    assert_eq!(
        srv(
            &fixed,
            "_default-ep._tcp.mysql-svc.default.svc.cluster.local"
        ),
        Outcome::NxDomain
    );
    assert_eq!(
        srv(&fixed, "_mysql._tcp.mysql-svc.default.svc.cluster.local"),
        Outcome::Success
    );
    // unnamed-endpoint-port: no _mysql._tcp, but a plain SRV lists the port.
    let ports = dns("lint/srv-ports.yaml");
    assert_eq!(
        srv(&ports, "_mysql._tcp.db.shop.svc.cluster.local"),
        Outcome::NxDomain
    );
    assert_eq!(srv(&ports, "db.shop.svc.cluster.local"), Outcome::Success);
    // pod-subdomain-service-not-headless: CoreDNS answers the endpoint name under a ClusterIP
    // Service all the same (rule 15); pod-subdomain-without-service: NXDOMAIN.
    let pods = dns("lint/subdomain.yaml");
    let a = |name: &str| pods.lookup(name, RecordType::A).unwrap().outcome;
    assert_eq!(a("vip-pod.vip.apps.svc.cluster.local"), Outcome::Success);
    assert_eq!(a("flat-0.vip.apps.svc.cluster.local"), Outcome::Success);
    assert_eq!(a("lost.nowhere.apps.svc.cluster.local"), Outcome::NxDomain);
    assert_eq!(
        a("orphan-0.ghost.apps.svc.cluster.local"),
        Outcome::NxDomain
    );
    assert_eq!(
        a("stray.headless.apps.svc.cluster.local"),
        Outcome::NxDomain
    );
    assert_eq!(
        a("nameless.headless.apps.svc.cluster.local"),
        Outcome::NxDomain
    );
    assert_eq!(a("good.headless.apps.svc.cluster.local"), Outcome::Success);
    // load-balancer-ip-none: one virtual IP, not the endpoints.
    let fields = dns("lint/service-fields.yaml");
    let db = fields
        .lookup("db.data.svc.cluster.local", RecordType::A)
        .unwrap();
    assert_eq!(db.answers.len(), 1);
    assert!(
        fields
            .cluster()
            .service("data", "db")
            .unwrap()
            .cluster_ips()
            .len()
            == 1
    );
    // namespace-like-tld: google.com from a Pod's search list reaches the Service.
    let tld = dns("lint/namespace-tld.yaml");
    assert_eq!(
        tld.lookup("google.com.svc.cluster.local", RecordType::A)
            .unwrap()
            .answer_lines(),
        ["google.com.svc.cluster.local. 30 IN A 10.96.0.60"]
    );
}

#[test]
fn not_simulated_corefile_options_are_findings() {
    let corefile =
        ".:53 {\n    errors\n    rewrite ttl foo.example.com 30\n    kubernetes cluster.local\n}\n";
    let config = Config::from_corefile(corefile).expect("the Corefile reads");
    assert!(
        !config.not_simulated.is_empty(),
        "rewrite ttl is not simulated"
    );
    let dns = ClusterDns::new(load("seed-mysql-fixed.yaml"), config);
    let findings = dns.lint();
    let rewrite = findings
        .iter()
        .find(|f| f.code == "corefile-not-simulated")
        .expect("a corefile-not-simulated finding");
    assert_eq!(rewrite.severity, Severity::Warning);
    assert!(
        rewrite.problem.contains("rewrite/ttl (line 3)"),
        "{rewrite}"
    );
    // Negative: kubeadm's Corefile (the fallback) has only `cache` unsimulated, which says
    // nothing about the manifests and is no finding.
    assert!(
        !lint_fixture("seed-mysql-fixed.yaml")
            .iter()
            .any(|f| f.code == "corefile-not-simulated")
    );
    // And the plugin's defaults simulate everything.
    let plain = ClusterDns::new(load("seed-mysql-fixed.yaml"), Config::default());
    assert!(
        !plain
            .lint()
            .iter()
            .any(|f| f.code == "corefile-not-simulated")
    );
}

/// Every fixture of the repository that loads, linted and rendered: one snapshot each.
#[test]
fn every_fixture_is_linted() {
    let mut paths = Vec::new();
    collect(&Path::new(root()).join("fixtures"), &mut paths);
    paths.sort();
    let mut linted = 0;
    for path in paths {
        let relative = path
            .strip_prefix(Path::new(root()).join("fixtures"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(cluster) = try_load(&relative) else {
            continue;
        };
        let dns = ClusterDns::from_cluster(cluster.clone())
            .unwrap_or_else(|_| ClusterDns::new(cluster.clone(), Config::default()));
        let findings = dns.lint();
        check_invariants(&relative, &cluster, &findings);
        let name = relative
            .trim_end_matches(".yaml")
            .trim_end_matches(".json")
            .replace(['/', '.'], "-");
        let rendered = lint::render(&findings);
        insta::assert_snapshot!(name, format!("fixtures/{relative}\n\n{rendered}"));
        linted += 1;
    }
    assert!(linted >= 30, "only {linted} fixtures linted");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
        {
            out.push(path);
        }
    }
}

/// What holds for every lint: known codes at their listed severity or below, sorted by place,
/// every diagnostic a finding at its place, the cluster's lint contained in the server's.
fn check_invariants(fixture: &str, cluster: &Cluster, findings: &[Finding]) {
    for finding in findings {
        let (_, highest) = CODES
            .iter()
            .find(|(code, _)| *code == finding.code)
            .unwrap_or_else(|| panic!("{fixture}: {} is not in CODES", finding.code));
        assert!(finding.severity <= *highest, "{fixture}: {finding}");
        assert!(!finding.subjects.is_empty(), "{fixture}: {finding}");
        assert!(
            !finding.problem.is_empty() && !finding.effect.is_empty() && !finding.fix.is_empty(),
            "{fixture}: {finding}"
        );
    }
    let places: Vec<_> = findings
        .iter()
        .map(|f| {
            let location = f.location().unwrap();
            (
                location.origin.clone(),
                location.document,
                location.item,
                location.line,
            )
        })
        .collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted, "{fixture}: findings not sorted by place");
    for diagnostic in cluster.diagnostics() {
        assert!(
            findings.iter().any(|f| {
                f.subjects.first().is_some_and(|s| {
                    s.object.as_ref() == Some(&diagnostic.object)
                        && s.location == diagnostic.location
                })
            }),
            "{fixture}: diagnostic without a finding: {diagnostic}"
        );
    }
    let default = ClusterDns::new(cluster.clone(), Config::default()).lint();
    for finding in cluster.lint() {
        assert!(
            default.contains(&finding),
            "{fixture}: {finding} missing from ClusterDns::lint"
        );
    }
}

#[test]
fn every_code_is_documented() {
    let docs = std::fs::read_to_string(format!("{}/docs/lint.md", root())).unwrap();
    for (code, severity) in CODES {
        let heading = format!("### `{code}`");
        let section = docs
            .split(&heading)
            .nth(1)
            .unwrap_or_else(|| panic!("docs/lint.md has no section {heading}"));
        let section = section.split("\n### ").next().unwrap();
        assert!(
            section.contains(&format!("Severity: {severity}")),
            "docs/lint.md {heading} does not give its severity {severity}"
        );
    }
    let mut codes: Vec<&str> = CODES.iter().map(|(code, _)| *code).collect();
    let listed = codes.clone();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes, listed, "CODES is sorted, without repeats");
}
