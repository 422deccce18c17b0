//! The Rust snippets of README.md, compiled and run, so the README cannot drift from the API.
//! (Kept in sync by hand: each function body is one snippet.)

#[test]
fn readme_snippet_1() -> Result<(), Box<dyn std::error::Error>> {
    use k8s_dns_sim::hickory_proto::rr::RecordType;
    use k8s_dns_sim::{Cluster, ClusterDns, Config, Outcome};

    let cluster = Cluster::from_yaml(&std::fs::read_to_string(
        "fixtures/clusterip-vs-headless.yaml",
    )?)?;
    let dns = ClusterDns::new(cluster, Config::default());

    let answer = dns.lookup("web-headless.default.svc.cluster.local", RecordType::A)?;
    assert_eq!(answer.outcome, Outcome::Success);
    for line in answer.answer_lines() {
        println!("{line}"); // web-headless.default.svc.cluster.local. 5 IN A 10.244.1.10 …
    }
    Ok(())
}

#[test]
fn readme_snippet_in_a_test() -> Result<(), Box<dyn std::error::Error>> {
    use k8s_dns_sim::ClusterDns;
    use k8s_dns_sim::hickory_proto::rr::RecordType;

    let dns = ClusterDns::from_yaml(
        "apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.0.20, ports: [{name: http, port: 80}]}
",
    )?;
    dns.assert_resolves_in("shop", "web", ["10.96.0.20"]);
    let srv = dns
        .lookup("_http._tcp.web.shop.svc.cluster.local", RecordType::SRV)?
        .srv();
    assert_eq!(srv[0].port, 80);
    Ok(())
}

#[test]
fn readme_snippet_2() -> Result<(), Box<dyn std::error::Error>> {
    use k8s_dns_sim::hickory_proto::rr::RecordType;
    use k8s_dns_sim::{Change, Cluster, ClusterDns, Config, Kind, Outcome};

    let mut dns = ClusterDns::new(
        Cluster::from_yaml(&std::fs::read_to_string("fixtures/statefulset.yaml")?)?,
        Config::default(),
    );
    let before = dns.clone(); // a snapshot another thread could keep answering from
    dns.apply([Change::pod_ready("default", "web-1", false)])?;
    assert_eq!(
        dns.lookup("web-1.nginx.default.svc.cluster.local", RecordType::A)?
            .outcome,
        Outcome::NxDomain
    );
    assert_eq!(
        before
            .lookup("web-1.nginx.default.svc.cluster.local", RecordType::A)?
            .outcome,
        Outcome::Success
    );
    dns.apply([Change::scale(Kind::StatefulSet, "default", "web", 1)])?;
    Ok(())
}
