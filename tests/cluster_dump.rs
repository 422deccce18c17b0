//! A dump of a real cluster configures the simulator: the ConfigMap `kube-system/coredns`
//! carries the cluster's Corefile, and `ClusterDns::from_cluster` answers with it.

mod support;

use k8s_dns_sim::hickory_proto::op::ResponseCode;
use k8s_dns_sim::hickory_proto::rr::RecordType;
use k8s_dns_sim::{
    Cluster, ClusterBuilder, ClusterDns, Config, CorefileError, EmbeddedCorefile, Fallthrough,
    Kind, LoadErrorKind, Location, ObjectRef, PodMode,
};
use support::{Case, check, fixture};

const DUMP: &str = "cluster-dump.yaml";
/// The `items` index and first line of the coredns ConfigMap in the dump.
const CONFIGMAP_ITEM: usize = 16;
const CONFIGMAP_LINE: usize = 469;
/// The input line of the Corefile's first line (`.:53 {`), just below `Corefile: |`.
const COREFILE_FIRST_LINE: usize = 472;

fn load(origin: &str, text: &str) -> Cluster {
    let mut builder = ClusterBuilder::new();
    builder
        .add_yaml(origin, text)
        .unwrap_or_else(|errors| panic!("{origin} does not load:\n{errors}"));
    builder
        .build()
        .unwrap_or_else(|errors| panic!("{origin} does not build:\n{errors}"))
}

fn dump() -> Cluster {
    load(DUMP, &fixture(DUMP))
}

fn from_cluster(cluster: Cluster) -> ClusterDns {
    ClusterDns::from_cluster(cluster).unwrap_or_else(|error| panic!("{error}"))
}

fn configmap_location(line: usize) -> Location {
    let mut location = Location::default();
    location.origin = Some(DUMP.to_owned());
    location.document = Some(1);
    location.item = Some(CONFIGMAP_ITEM);
    location.line = Some(line);
    location
}

/// A one-ConfigMap manifest.
fn configmap(namespace: &str, name: &str, corefile: &str) -> String {
    let body: String = corefile
        .lines()
        .map(|line| format!("    {line}\n"))
        .collect();
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {namespace}\ndata:\n  Corefile: |\n{body}"
    )
}

const SMALL_COREFILE: &str = ".:53 {\n    kubernetes cluster.local {\n        ttl 7\n    }\n}\n";

#[test]
fn the_dump_carries_kubeadms_corefile_with_its_location() {
    let cluster = dump();
    let corefile = cluster.corefile().expect("the coredns ConfigMap is read");
    assert_eq!(corefile.text(), fixture("corefiles/kubeadm.Corefile"));
    assert_eq!(corefile.location(), &configmap_location(CONFIGMAP_LINE));
    // Corefile line 10 is `ttl 30`.
    assert_eq!(corefile.input_line(1), Some(COREFILE_FIRST_LINE));
    assert_eq!(corefile.input_line(10), Some(COREFILE_FIRST_LINE + 9));
    let input = fixture(DUMP);
    let line_10 = input.lines().nth(COREFILE_FIRST_LINE + 9 - 1).unwrap();
    assert_eq!(line_10.trim(), "ttl 30");
}

#[test]
fn the_coredns_configmap_is_read_not_skipped_and_other_configmaps_are_skipped() {
    let cluster = dump();
    let skipped: Vec<(&str, Option<&str>, Option<&str>)> = cluster
        .skipped()
        .iter()
        .map(|s| (s.kind.as_str(), s.namespace.as_deref(), s.name.as_deref()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("ConfigMap", Some("default"), Some("kube-root-ca.crt")),
            ("ConfigMap", Some("kube-system"), Some("kube-proxy")),
            ("ConfigMap", Some("shop"), Some("cart-config")),
        ]
    );
}

#[test]
fn from_cluster_reads_the_embedded_corefile() {
    let dns = from_cluster(dump());
    // The Corefile's settings, plus the server's own address taken from kube-dns's endpoints
    // (kubeadm's Corefile has no `bind`).
    let expected = Config::from_corefile(&fixture("corefiles/kubeadm.Corefile"))
        .unwrap()
        .with_server_addresses(["10.244.0.2".parse().unwrap()]);
    assert_eq!(dns.config(), &expected);
    assert_eq!(dns.config().kubernetes().unwrap().ttl, 30);
    assert_eq!(dns.config().kubernetes().unwrap().pods, PodMode::Insecure);
    assert_eq!(
        dns.config().kubernetes().unwrap().fallthrough,
        Config::kubeadm().kubernetes().unwrap().fallthrough,
        "fallthrough in-addr.arpa ip6.arpa"
    );
    assert_ne!(
        dns.config().kubernetes().unwrap().fallthrough,
        Fallthrough::default()
    );
}

/// The SOA of `cluster.local` with `ttl 30`.
const SOA_30: &str =
    "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30";

#[test]
fn the_configmaps_ttl_and_pods_insecure_take_effect() {
    let dns = from_cluster(dump());
    check(
        &dns,
        &[
            Case {
                rule: "ttl 30: a ClusterIP A record carries the ConfigMap's TTL",
                name: "cart.shop.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &["cart.shop.svc.cluster.local. 30 IN A 10.104.23.17"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "ttl 30: headless endpoint name",
                name: "db-0.db.shop.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &["db-0.db.shop.svc.cluster.local. 30 IN A 10.244.1.31"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "ttl 30: the negative SOA's TTL and MINIMUM",
                name: "nope.shop.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NXDomain,
                answer: &[],
                authority: &[SOA_30],
                additional: &[],
            },
            Case {
                rule: "pods insecure: a pod record answers",
                name: "10-244-1-23.shop.pod.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &["10-244-1-23.shop.pod.cluster.local. 30 IN A 10.244.1.23"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "pods insecure: any dashed IP answers, no Pod is checked",
                name: "1-2-3-4.shop.pod.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &["1-2-3-4.shop.pod.cluster.local. 30 IN A 1.2.3.4"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "in-addr.arpa zone: PTR of a ClusterIP",
                name: "10.0.96.10.in-addr.arpa.",
                qtype: RecordType::PTR,
                rcode: ResponseCode::NoError,
                answer: &[
                    "10.0.96.10.in-addr.arpa. 30 IN PTR kube-dns.kube-system.svc.cluster.local.",
                ],
                authority: &[],
                additional: &[],
            },
        ],
    );
}

#[test]
fn an_explicit_config_wins_over_the_embedded_corefile() {
    let dns = ClusterDns::new(dump(), Config::default());
    check(
        &dns,
        &[
            Case {
                rule: "ClusterDns::new keeps its config: the default ttl 5",
                name: "cart.shop.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &["cart.shop.svc.cluster.local. 5 IN A 10.104.23.17"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "ClusterDns::new keeps its config: pods disabled",
                name: "10-244-1-23.shop.pod.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NXDomain,
                answer: &[],
                authority: &[support::SOA],
                additional: &[],
            },
        ],
    );
}

#[test]
fn without_the_configmap_from_cluster_uses_kubeadms_corefile() {
    // What kubeadm and kind install, not the bare plugin's defaults (which no cluster runs).
    let dns = from_cluster(
        support::dns("kubectl-dump.yaml", Config::default())
            .cluster()
            .clone(),
    );
    assert!(dns.cluster().corefile().is_none());
    assert_eq!(dns.config(), &Config::kubeadm());
    assert_ne!(dns.config(), &Config::default());
}

#[test]
fn a_broken_embedded_corefile_is_a_located_error() {
    let text = fixture(DUMP).replace("ttl 30", "ttl 4000");
    let error: CorefileError = ClusterDns::from_cluster(load(DUMP, &text)).unwrap_err();
    assert_eq!(error.line, 10, "the line within the Corefile");
    assert_eq!(
        error.embedded,
        Some(configmap_location(COREFILE_FIRST_LINE + 9)),
        "the ConfigMap's location, moved to the input line of Corefile line 10"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "cluster-dump.yaml: document 1, items[{CONFIGMAP_ITEM}], line {}: ConfigMap kube-system/coredns: data.Corefile line 10: `ttl`: expected an integer from 0 to 3600, found `4000`",
            COREFILE_FIRST_LINE + 9
        )
    );
}

#[test]
fn a_broken_corefile_in_a_json_string_is_located_at_the_configmap() {
    let json = r#"{
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "coredns", "namespace": "kube-system"},
    "data": {"Corefile": ".:53 {\n    kubernetes cluster.local {\n        pods sometimes\n    }\n}\n"}
}
"#;
    let cluster = load("cm.json", json);
    assert_eq!(
        cluster.corefile().unwrap().input_line(1),
        None,
        "not a block scalar"
    );
    let error = ClusterDns::from_cluster(cluster).unwrap_err();
    assert_eq!(error.line, 3);
    let location = error.embedded.clone().expect("embedded");
    assert_eq!(
        (location.origin.as_deref(), location.line),
        (Some("cm.json"), Some(1))
    );
    assert!(
        error.to_string().starts_with(
            "cm.json: document 1, line 1: ConfigMap kube-system/coredns: data.Corefile line 3: "
        ),
        "{error}"
    );
}

#[test]
fn a_coredns_configmap_in_another_namespace_is_ignored() {
    // Broken on purpose: were it read, from_cluster would fail.
    let text = configmap(
        "default",
        "coredns",
        ".:53 {\n    kubernetes {\n        ttl 4000\n    }\n}\n",
    );
    let cluster = load("other.yaml", &text);
    assert!(cluster.corefile().is_none());
    assert_eq!(cluster.skipped().len(), 1);
    assert_eq!(cluster.skipped()[0].namespace.as_deref(), Some("default"));
    let dns = from_cluster(cluster);
    assert_eq!(
        dns.config(),
        &Config::kubeadm(),
        "the fallback, not the ConfigMap"
    );
}

#[test]
fn only_the_name_coredns_counts_in_kube_system() {
    let cluster = load(
        "other.yaml",
        &configmap("kube-system", "coredns-custom", SMALL_COREFILE),
    );
    assert!(cluster.corefile().is_none());
    // And the real one is read from a single manifest too.
    let cluster = load(
        "cm.yaml",
        &configmap("kube-system", "coredns", SMALL_COREFILE),
    );
    assert_eq!(from_cluster(cluster).config().kubernetes().unwrap().ttl, 7);
}

#[test]
fn a_coredns_configmap_without_a_corefile_is_skipped() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata: {other: x}\n";
    let cluster = load("cm.yaml", text);
    assert!(cluster.corefile().is_none());
    assert_eq!(cluster.skipped().len(), 1);
}

#[test]
fn a_corefile_that_is_not_a_string_is_a_load_error() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: [a, b]\n";
    let errors = Cluster::from_yaml(text).unwrap_err();
    let [error] = errors.errors() else {
        panic!("one error expected: {errors}");
    };
    assert_eq!(error.field.as_deref(), Some("data.Corefile"));
    assert_eq!(error.location.line, Some(5));
    assert_eq!(error.object, Some(EmbeddedCorefile::object_ref()));
    assert!(
        matches!(error.kind, LoadErrorKind::Invalid { .. }),
        "{error}"
    );
}

#[test]
fn two_coredns_configmaps_are_a_duplicate() {
    let one = configmap("kube-system", "coredns", SMALL_COREFILE);
    let identity = ObjectRef::namespaced(Kind::ConfigMap, "kube-system", "coredns");

    // In one input.
    let errors = Cluster::from_yaml(&format!("{one}---\n{one}")).unwrap_err();
    let [error] = errors.errors() else {
        panic!("one error expected: {errors}");
    };
    assert_eq!(error.object.as_ref(), Some(&identity));
    assert_eq!(error.location.document, Some(2));
    let LoadErrorKind::Duplicate { first } = &error.kind else {
        panic!("a duplicate expected: {error}");
    };
    assert_eq!(first.document, Some(1));

    // Across two inputs: the second is refused as a whole, the first stays.
    let mut builder = ClusterBuilder::new();
    builder.add_yaml("a.yaml", &one).unwrap();
    let errors = builder.add_yaml("b.yaml", &one).unwrap_err();
    assert_eq!(errors.errors()[0].object.as_ref(), Some(&identity));
    let cluster = builder.build().unwrap();
    assert_eq!(
        cluster.corefile().unwrap().location().origin.as_deref(),
        Some("a.yaml")
    );
}

#[test]
fn a_dump_names_its_dns_service_as_the_name_server() {
    use k8s_dns_sim::hickory_proto::rr::RecordType;
    let cluster = k8s_dns_sim::Cluster::from_yaml(&support::fixture("cluster-dump.yaml")).unwrap();
    let dns = k8s_dns_sim::ClusterDns::from_cluster(cluster).unwrap();
    // Rule 24: the server's own address (a CoreDNS pod, an endpoint of kube-dns) makes the
    // apex NS name kube-dns, with its ClusterIP as glue; ns.dns.<zone> answers that IP.
    let ns = dns.lookup("cluster.local.", RecordType::NS).unwrap();
    assert_eq!(
        ns.answer_lines(),
        ["cluster.local. 30 IN NS kube-dns.kube-system.svc.cluster.local."]
    );
    let glue: Vec<String> = ns.additionals.iter().map(ToString::to_string).collect();
    assert_eq!(
        glue,
        ["kube-dns.kube-system.svc.cluster.local. 30 IN A 10.96.0.10"]
    );
    let a = dns.lookup("ns.dns.cluster.local.", RecordType::A).unwrap();
    assert_eq!(
        a.answer_lines(),
        ["ns.dns.cluster.local. 30 IN A 10.96.0.10"]
    );
}
