//! Building the model cluster: ClusterIP allocation, duplicates, batch atomicity, namespaces,
//! skipped kinds and diagnostics.

mod support;

use std::net::IpAddr;

use k8s_dns_sim::{
    Cluster, ClusterBuilder, DiagnosticKind, LoadErrorKind, ServiceCidrs, SliceOrigin,
};
use support::fixture;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn service_yaml(name: &str, spec: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: default}}\nspec: {spec}\n---\n"
    )
}

fn small_cidrs(v4: &str) -> ServiceCidrs {
    ServiceCidrs {
        ipv4: Some(v4.parse().unwrap()),
        ..ServiceCidrs::default()
    }
}

#[test]
fn allocation_is_deterministic_whatever_the_load_order() {
    let a = service_yaml("alpha", "{ports: [{port: 80}]}");
    let b = service_yaml("beta", "{ports: [{port: 80}]}");
    let c = service_yaml("gamma", "{ports: [{port: 80}]}");
    let forward = Cluster::from_yaml(&format!("{a}{b}{c}")).unwrap();
    let backward = Cluster::from_yaml(&format!("{c}{b}{a}")).unwrap();
    let range: ipnet::IpNet = "10.96.0.0/12".parse().unwrap();
    for name in ["alpha", "beta", "gamma"] {
        let first = forward.service("default", name).unwrap().cluster_ips();
        let second = backward.service("default", name).unwrap().cluster_ips();
        assert_eq!(first, second, "{name}");
        assert_eq!(first.len(), 1);
        assert!(
            range.contains(&first[0]),
            "{name}: {} outside the service CIDR",
            first[0]
        );
    }
}

#[test]
fn allocation_never_hands_out_a_stated_ip() {
    // A /29 has five usable offsets (.2 to .6); four are stated, so the one Service without an
    // IP must get the fifth, whatever its name hashes to (several names, so a lucky hash
    // cannot pass the test).
    for name in ["free", "web", "api", "db", "queue", "cache"] {
        let mut yaml = String::new();
        for (i, last) in [2, 3, 4, 5].iter().enumerate() {
            let spec = format!("{{clusterIP: 192.168.0.{last}, ports: [{{port: 80}}]}}");
            yaml += &service_yaml(&format!("fixed{i}"), &spec);
        }
        yaml += &service_yaml(name, "{ports: [{port: 80}]}");
        let mut builder = ClusterBuilder::new();
        builder.service_cidrs(small_cidrs("192.168.0.0/29"));
        builder.add_yaml("services.yaml", &yaml).unwrap();
        let cluster = builder.build().unwrap();
        let ips = cluster.service("default", name).unwrap().cluster_ips();
        assert_eq!(ips, [ip("192.168.0.6")], "{name}");
    }
}

#[test]
fn a_full_service_cidr_is_a_located_error() {
    let mut yaml = String::new();
    for i in 0..6 {
        yaml += &service_yaml(&format!("svc{i}"), "{ports: [{port: 80}]}");
    }
    let mut builder = ClusterBuilder::new();
    builder.service_cidrs(small_cidrs("192.168.0.0/29"));
    builder.add_yaml("services.yaml", &yaml).unwrap();
    let errors = builder.build().unwrap_err();
    assert_eq!(errors.errors().len(), 1);
    let error = &errors.errors()[0];
    assert!(matches!(
        error.kind,
        LoadErrorKind::ServiceCidrExhausted { .. }
    ));
    assert_eq!(error.field.as_deref(), Some("spec.clusterIP"));
    let text = error.to_string();
    assert!(text.starts_with("services.yaml: document "), "{text}");
    assert!(
        text.ends_with("spec.clusterIP: no free address left in the service CIDR 192.168.0.0/29"),
        "{text}"
    );
}

#[test]
fn kubernetes_service_gets_the_first_address_of_the_range() {
    let cluster = Cluster::from_yaml(&service_yaml(
        "kubernetes",
        "{ports: [{name: https, port: 443}]}",
    ))
    .unwrap();
    assert_eq!(
        cluster
            .service("default", "kubernetes")
            .unwrap()
            .cluster_ips(),
        [ip("10.96.0.1")]
    );
}

#[test]
fn families_follow_ip_families_and_policy() {
    let yaml = [
        service_yaml(
            "dual",
            "{ipFamilyPolicy: PreferDualStack, ports: [{port: 80}]}",
        ),
        service_yaml("v6", "{ipFamilies: [IPv6], ports: [{port: 80}]}"),
        service_yaml(
            "v6-first",
            "{ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv6, IPv4], ports: [{port: 80}]}",
        ),
        service_yaml(
            "half-given",
            "{clusterIP: 10.96.9.9, ipFamilyPolicy: RequireDualStack, ports: [{port: 80}]}",
        ),
        service_yaml("headless", "{clusterIP: None}"),
        service_yaml(
            "external",
            "{type: ExternalName, externalName: example.com}",
        ),
    ]
    .concat();
    let cluster = Cluster::from_yaml(&yaml).unwrap();
    let families = |name: &str| -> Vec<bool> {
        cluster
            .service("default", name)
            .unwrap()
            .cluster_ips()
            .iter()
            .map(IpAddr::is_ipv4)
            .collect()
    };
    assert_eq!(
        families("dual"),
        [true, false],
        "PreferDualStack: IPv4 primary, then IPv6"
    );
    assert_eq!(families("v6"), [false], "ipFamilies [IPv6]");
    assert_eq!(
        families("v6-first"),
        [false, true],
        "ipFamilies order is the primary order"
    );
    assert_eq!(
        families("half-given"),
        [true, false],
        "the missing family is allocated"
    );
    assert_eq!(
        cluster
            .service("default", "half-given")
            .unwrap()
            .cluster_ips()[0],
        ip("10.96.9.9")
    );
    assert_eq!(families("headless"), Vec::<bool>::new());
    assert_eq!(families("external"), Vec::<bool>::new());
}

#[test]
fn an_object_defined_twice_is_an_error_naming_both_places() {
    let web = service_yaml("web", "{ports: [{port: 80}]}");
    let errors = Cluster::from_yaml(&format!("{web}{web}")).unwrap_err();
    let error = &errors.errors()[0];
    assert!(matches!(error.kind, LoadErrorKind::Duplicate { .. }));
    assert_eq!(
        error.to_string(),
        "document 2, line 6: Service default/web: defined twice; the first definition is at document 1, line 1"
    );
}

#[test]
fn a_failed_batch_leaves_the_builder_unchanged() {
    let mut builder = ClusterBuilder::new();
    builder
        .add_yaml("good.yaml", &service_yaml("web", "{ports: [{port: 80}]}"))
        .unwrap();
    // The second batch repeats `web` and has a new Service `api`: it must add neither.
    let bad = format!(
        "{}{}",
        service_yaml("api", "{ports: [{port: 80}]}"),
        service_yaml("web", "{ports: [{port: 8080}]}")
    );
    assert!(builder.add_yaml("bad.yaml", &bad).is_err());
    let broken = service_yaml("db", "{ports: [{port: 99999}]}");
    assert!(builder.add_yaml("broken.yaml", &broken).is_err());
    let cluster = builder.build().unwrap();
    assert!(cluster.service("default", "web").is_some());
    assert!(cluster.service("default", "api").is_none());
    assert!(cluster.service("default", "db").is_none());
    assert_eq!(cluster.services().len(), 1);
}

#[test]
fn a_namespace_exists_when_named_or_used() {
    let yaml = "apiVersion: v1\nkind: Namespace\nmetadata: {name: empty-ns}\n---\n\
                apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: used}\nspec: {ports: [{port: 80}]}\n";
    let cluster = Cluster::from_yaml(yaml).unwrap();
    assert!(cluster.has_namespace("empty-ns"), "a Namespace object");
    assert!(cluster.has_namespace("used"), "an object lives in it");
    assert!(cluster.has_namespace("USED"), "case-insensitive");
    assert!(
        cluster.has_namespace("default") && cluster.has_namespace("kube-system"),
        "the API server's own namespaces exist in every cluster"
    );
    assert!(!cluster.has_namespace("other"), "nothing names or uses it");
    assert_eq!(cluster.namespaces(), ["empty-ns", "used"]);
}

#[test]
fn a_kubectl_dump_loads_and_lists_what_it_skips() {
    let cluster = Cluster::from_yaml(&fixture("kubectl-dump.yaml")).unwrap();
    let cart = cluster.service("shop", "cart").unwrap();
    assert_eq!(cart.cluster_ips(), [ip("10.104.23.17")]);
    assert_eq!(
        cart.ready_ipv4(),
        ["10.244.1.23".parse::<std::net::Ipv4Addr>().unwrap()]
    );
    let skipped: Vec<(&str, Option<&str>)> = cluster
        .skipped()
        .iter()
        .map(|s| (s.kind.as_str(), s.name.as_deref()))
        .collect();
    assert_eq!(skipped, [("ConfigMap", Some("cart-config"))]);
    assert!(
        cluster.diagnostics().is_empty(),
        "{:?}",
        cluster.diagnostics()
    );
}

#[test]
fn mirrored_slices_carry_readiness_and_their_origin() {
    let cluster = Cluster::from_yaml(&fixture("linking.yaml")).unwrap();
    let manual = cluster.service("links", "manual").unwrap();
    let slices: Vec<_> = cluster.slices_of(manual).collect();
    assert_eq!(slices.len(), 1);
    assert_eq!(
        slices[0].origin(),
        &SliceOrigin::MirroredFrom("manual".to_owned())
    );
    let ready: Vec<Option<bool>> = slices[0]
        .slice()
        .endpoints
        .iter()
        .map(|e| e.conditions.ready)
        .collect();
    assert_eq!(
        ready,
        [Some(true), Some(false)],
        "addresses first, then notReadyAddresses"
    );
    let dumped = cluster.service("links", "dumped").unwrap();
    assert_eq!(
        cluster.slices_of(dumped).count(),
        1,
        "the dump's mirrored slice is not doubled"
    );
}

fn diagnostic_kinds(cluster: &Cluster) -> Vec<(String, DiagnosticKind)> {
    cluster
        .diagnostics()
        .iter()
        .map(|d| (d.object.to_string(), d.kind.clone()))
        .collect()
}

#[test]
fn linking_traps_are_diagnosed() {
    let cluster = Cluster::from_yaml(&fixture("linking.yaml")).unwrap();
    assert_eq!(
        diagnostic_kinds(&cluster),
        [
            (
                "Service links/skipped".to_owned(),
                DiagnosticKind::HeadlessWithoutReadyEndpoints
            ),
            (
                "Endpoints links/skipped".to_owned(),
                DiagnosticKind::EndpointsSkipMirror
            ),
            (
                "Service links/selected".to_owned(),
                DiagnosticKind::HeadlessWithoutReadyEndpoints
            ),
            (
                "Endpoints links/selected".to_owned(),
                DiagnosticKind::EndpointsBesideSelector {
                    service: "selected".to_owned()
                }
            ),
            (
                "EndpointSlice links/orphan-slice".to_owned(),
                DiagnosticKind::SliceWithoutServiceLabel
            ),
        ]
    );
}

#[test]
fn the_seed_manifest_is_diagnosed_with_a_suggestion() {
    let cluster = Cluster::from_yaml(&fixture("seed-mysql.yaml")).unwrap();
    assert_eq!(
        diagnostic_kinds(&cluster),
        [
            (
                "Service default/mysql-svc".to_owned(),
                DiagnosticKind::HeadlessWithoutReadyEndpoints
            ),
            (
                "Endpoints default/mysql-ep".to_owned(),
                DiagnosticKind::EndpointsWithoutService {
                    name: "mysql-ep".to_owned(),
                    suggestion: Some("mysql-svc".to_owned()),
                }
            ),
        ]
    );
    let text = cluster.diagnostics()[1].to_string();
    assert!(
        text.contains("did you mean Service \"mysql-svc\"?"),
        "{text}"
    );
}

#[test]
fn other_oddities_are_diagnosed() {
    let mut addresses = String::new();
    for i in 0..1001 {
        addresses += &format!("{{ip: 10.0.{}.{}}},", i / 250, i % 250 + 1);
    }
    let yaml = format!(
        "{}{}{}{}\
         apiVersion: v1\nkind: Endpoints\nmetadata: {{name: big, namespace: default}}\n\
         subsets: [{{addresses: [{addresses}], ports: [{{port: 80}}]}}]\n---\n\
         apiVersion: v1\nkind: Endpoints\n\
         metadata: {{name: lock, namespace: default, annotations: {{control-plane.alpha.kubernetes.io/leader: x}}}}\n---\n\
         apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
         metadata: {{name: stray, namespace: default, labels: {{kubernetes.io/service-name: nothing}}}}\n\
         addressType: IPv4\nendpoints: [{{addresses: [10.9.9.9]}}]\n---\n\
         apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
         metadata: {{name: names, namespace: default, labels: {{kubernetes.io/service-name: a}}}}\n\
         addressType: FQDN\nendpoints: [{{addresses: [db.example.com]}}]\n",
        service_yaml("a", "{clusterIP: 10.96.1.1, ports: [{port: 80}]}"),
        service_yaml("b", "{clusterIP: 10.96.1.1, ports: [{port: 80}]}"),
        service_yaml("ip-alias", "{type: ExternalName, externalName: 1.2.3.4}"),
        service_yaml("big", "{clusterIP: None}") + &service_yaml("lock", "{clusterIP: None}"),
    );
    let cluster = Cluster::from_yaml(&yaml).unwrap();
    let kinds = diagnostic_kinds(&cluster);
    let has = |object: &str, kind: DiagnosticKind| {
        assert!(
            kinds.contains(&(object.to_owned(), kind.clone())),
            "{object}: {kind:?} not in {kinds:#?}"
        );
    };
    has(
        "Service default/b",
        DiagnosticKind::DuplicateClusterIp {
            ip: ip("10.96.1.1"),
            other: k8s_dns_sim::ObjectRef::namespaced(k8s_dns_sim::Kind::Service, "default", "a"),
        },
    );
    has(
        "Service default/ip-alias",
        DiagnosticKind::ExternalNameIsIp {
            external_name: "1.2.3.4".to_owned(),
        },
    );
    has(
        "Endpoints default/big",
        DiagnosticKind::EndpointsTruncated {
            subset: 0,
            total: 1001,
            dropped: 1,
        },
    );
    has(
        "Endpoints default/lock",
        DiagnosticKind::EndpointsLeaderElection,
    );
    has(
        "EndpointSlice default/stray",
        DiagnosticKind::SliceWithoutService {
            service: "nothing".to_owned(),
        },
    );
    has(
        "EndpointSlice default/names",
        DiagnosticKind::FqdnSliceNotServed,
    );
    let big = cluster.service("default", "big").unwrap();
    assert_eq!(
        big.ready_ipv4().len(),
        1000,
        "only 1000 addresses of a subset are mirrored"
    );
}
