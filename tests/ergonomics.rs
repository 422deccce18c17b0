//! What a user's test reaches for: one-line setup, typed views of an answer, its text, and
//! assertions that resolve as a pod does and print the walk when they fail.

mod support;

use std::net::IpAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};

use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
use k8s_dns_sim::{ClusterDns, SetupError, SrvTarget};
use support::fixture;

fn golden() -> ClusterDns {
    ClusterDns::from_yaml(&fixture("golden.yaml")).unwrap()
}

fn ips(texts: &[&str]) -> Vec<IpAddr> {
    texts.iter().map(|text| text.parse().unwrap()).collect()
}

fn name(text: &str) -> Name {
    Name::from_ascii(text).unwrap()
}

#[test]
fn typed_views_of_an_answer() {
    let dns = golden();
    let lookup = |n: &str, t: RecordType| dns.lookup(n, t).unwrap();
    assert_eq!(
        lookup("web.default.svc.cluster.local", RecordType::A).addresses(),
        ips(&["10.96.0.20"])
    );
    let headless = lookup("db.default.svc.cluster.local", RecordType::A).addresses();
    assert_eq!(headless.len(), 2, "{headless:?}");
    let srv = lookup("_mysql._tcp.db.default.svc.cluster.local", RecordType::SRV).srv();
    assert_eq!(
        srv,
        [
            SrvTarget {
                priority: 0,
                weight: 50,
                port: 3306,
                target: name("db-0.db.default.svc.cluster.local."),
            },
            SrvTarget {
                priority: 0,
                weight: 50,
                port: 3306,
                target: name("10-1-0-6.db.default.svc.cluster.local."),
            },
        ]
    );
    // The ExternalName's CNAME, and the addresses the chase found behind it.
    let alias = lookup("alias.default.svc.cluster.local", RecordType::A);
    assert_eq!(alias.cname(), Some(name("web.default.svc.cluster.local.")));
    assert_eq!(alias.addresses(), ips(&["10.96.0.20"]));
    assert_eq!(
        lookup("dns-version.cluster.local", RecordType::TXT).txt(),
        ["1.1.0"]
    );
    assert!(
        lookup("nope.default.svc.cluster.local", RecordType::A)
            .addresses()
            .is_empty()
    );
}

#[test]
fn an_answer_prints_as_dig_shows_its_sections() {
    let dns = golden();
    let missing = dns
        .lookup("nope.default.svc.cluster.local", RecordType::A)
        .unwrap();
    assert_eq!(
        missing.to_string(),
        ";; NXDOMAIN aa\n;; AUTHORITY\ncluster.local. 30 IN SOA ns.dns.cluster.local. \
         hostmaster.cluster.local. 1 7200 1800 86400 30"
    );
    let web = dns
        .lookup("web.default.svc.cluster.local", RecordType::A)
        .unwrap();
    assert_eq!(
        web.to_string(),
        ";; NOERROR aa\n;; ANSWER\nweb.default.svc.cluster.local. 30 IN A 10.96.0.20"
    );
}

#[test]
fn one_line_setup_from_text_or_files() {
    let path = format!("{}/fixtures/golden.yaml", env!("CARGO_MANIFEST_DIR"));
    let from_file = ClusterDns::from_paths([&path]).unwrap();
    from_file.assert_resolves("web", ["10.96.0.20"]);
    let missing = ClusterDns::from_paths(["/no/such/file.yaml"]).unwrap_err();
    assert!(matches!(missing, SetupError::Read { .. }), "{missing}");
    assert!(
        missing.to_string().starts_with("/no/such/file.yaml: "),
        "{missing}"
    );
    let bad = ClusterDns::from_yaml("apiVersion: v1\nkind: Service\nmetadata: {}\n").unwrap_err();
    assert!(matches!(bad, SetupError::Load(_)), "{bad}");
}

#[test]
fn assertions_resolve_as_a_pod_and_print_the_walk_when_they_fail() {
    let dns = golden();
    // Short names walk the pod's search list (ndots:5), as getaddrinfo in the pod does.
    dns.assert_resolves("web", ["10.96.0.20"]);
    dns.assert_resolves("web.default", ["10.96.0.20"]);
    dns.assert_resolves_in("kube-system", "web.default", ["10.96.0.20"]);
    dns.assert_does_not_resolve("kube-system", "web");
    let failure = catch_unwind(AssertUnwindSafe(|| {
        dns.assert_resolves("web", ["10.96.0.21"])
    }))
    .expect_err("a wrong address fails");
    let message = failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains("expected {10.96.0.21}, found {10.96.0.20}")
            && message.contains("web.default.svc.cluster.local"),
        "the message names both and shows the walk:\n{message}"
    );
}

/// The CIDR types the builder's settings take come with the crate (`k8s_dns_sim::ipnet`), so a
/// test sets a cluster's pod range without a dependency of its own.
#[test]
fn pod_cidrs_are_set_with_the_re_exported_ipnet() {
    use k8s_dns_sim::ipnet::Ipv4Net;
    use k8s_dns_sim::workload::WorkloadConfig;
    let mut workloads = WorkloadConfig::default();
    workloads.pod_cidrs.ipv4 = Some("10.9.0.0/16".parse::<Ipv4Net>().unwrap());
    let cluster = k8s_dns_sim::Cluster::builder()
        .workload_config(workloads)
        .add_yaml(
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: i}]}\n",
        )
        .unwrap()
        .build()
        .unwrap();
    let pod = cluster.pods().next().expect("the Pod");
    let address = pod.pod_ips.first().expect("an address").to_string();
    assert!(address.starts_with("10.9."), "{address}");
}
