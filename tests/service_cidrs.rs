//! ClusterIPs a Service states, checked against the service CIDRs as the API server checks
//! them ("the provided IP is not in the valid range"), where the input says what they are:
//! stated on the builder, or implied by `default/kubernetes`; otherwise only a diagnostic.

use k8s_dns_sim::{Cluster, ClusterBuilder, DiagnosticKind, ServiceCidrs};

fn service(name: &str, cluster_ip: &str) -> String {
    let ip = if cluster_ip.is_empty() {
        String::new()
    } else {
        format!("clusterIP: {cluster_ip}, ")
    };
    format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: default}}\n\
         spec: {{{ip}ports: [{{port: 443}}]}}\n---\n"
    )
}

fn load(cidrs: Option<&str>, manifests: &str) -> Result<Cluster, String> {
    let mut builder = ClusterBuilder::new();
    if let Some(cidr) = cidrs {
        builder.service_cidrs(ServiceCidrs {
            ipv4: Some(cidr.parse().unwrap()),
            ipv6: None,
        });
    }
    builder
        .add_yaml("cidrs.yaml", manifests)
        .map_err(|errors| errors.to_string())?;
    builder.build().map_err(|errors| errors.to_string())
}

/// A case: what it shows, the CIDR stated on the builder, the manifests, the outcome.
type Row = (
    &'static str,
    Option<&'static str>,
    String,
    Result<(), &'static str>,
);

#[test]
fn stated_cluster_ips_are_checked_where_the_range_is_known() {
    let outside = service("web", "192.168.7.7");
    let table: Vec<Row> = vec![
        (
            "stated on the builder: outside is an error",
            Some("10.43.0.0/16"),
            outside.clone(),
            Err(
                "cidrs.yaml: document 1, line 1: Service default/web: spec.clusterIPs[0]: \
                 expected an address in the service CIDR 10.43.0.0/16 (stated on the builder), \
                 found \"192.168.7.7\"",
            ),
        ),
        (
            "stated on the builder: inside loads",
            Some("10.43.0.0/16"),
            service("web", "10.43.12.7"),
            Ok(()),
        ),
        (
            "the range's network address is not handed out (ipallocator leaves it out)",
            Some("10.96.0.0/12"),
            service("web", "10.96.0.0"),
            Err(
                "cidrs.yaml: document 1, line 1: Service default/web: spec.clusterIPs[0]: \
                 expected an address in the service CIDR 10.96.0.0/12 (stated on the builder) \
                 other than its network and broadcast addresses, found \"10.96.0.0\"",
            ),
        ),
        (
            "nor its broadcast address",
            Some("10.96.0.0/12"),
            service("web", "10.111.255.255"),
            Err(
                "cidrs.yaml: document 1, line 1: Service default/web: spec.clusterIPs[0]: \
                 expected an address in the service CIDR 10.96.0.0/12 (stated on the builder) \
                 other than its network and broadcast addresses, found \"10.111.255.255\"",
            ),
        ),
        (
            "the addresses beside them are",
            Some("10.96.0.0/12"),
            format!(
                "{}{}",
                service("first", "10.96.0.1"),
                service("last", "10.111.255.254")
            ),
            Ok(()),
        ),
        (
            "implied by default/kubernetes (k3s): outside is an error",
            None,
            format!(
                "{}{}",
                service("kubernetes", "10.43.0.1"),
                service("web", "10.96.0.50")
            ),
            Err(
                "cidrs.yaml: document 2, line 6: Service default/web: spec.clusterIPs[0]: \
                 expected an address in the service CIDR 10.43.0.0/16 (the largest one Service \
                 default/kubernetes at 10.43.0.1, its first address, allows), found \"10.96.0.50\"",
            ),
        ),
        (
            "implied by default/kubernetes (EKS 10.100.0.0/16 implies up to /14): inside loads",
            None,
            format!(
                "{}{}",
                service("kubernetes", "10.100.0.1"),
                service("web", "10.103.4.4")
            ),
            Ok(()),
        ),
        (
            "unknown range: outside the default loads (a diagnostic says so)",
            None,
            outside.clone(),
            Ok(()),
        ),
        (
            "a kubernetes Service that starts no plausible range implies nothing",
            None,
            format!("{}{}", service("kubernetes", "10.96.0.3"), outside),
            Ok(()),
        ),
    ];
    for (case, cidrs, manifests, expected) in table {
        let got = load(cidrs, &manifests).map(|_| ());
        assert_eq!(
            got.as_ref().map(|_| ()).map_err(String::as_str),
            expected,
            "{case}"
        );
    }
}

#[test]
fn an_address_outside_the_default_range_with_no_range_known_is_a_diagnostic() {
    let cluster = load(None, &service("web", "192.168.7.7")).unwrap();
    let outside: Vec<&DiagnosticKind> = cluster
        .diagnostics()
        .iter()
        .map(|diagnostic| &diagnostic.kind)
        .filter(|kind| matches!(kind, DiagnosticKind::ClusterIpOutsideDefaultCidr { .. }))
        .collect();
    assert_eq!(outside.len(), 1, "{:?}", cluster.diagnostics());
    // Inside the default range, or with the range known, there is no such diagnostic.
    for (cidrs, manifests) in [
        (None, service("web", "10.96.1.1")),
        (Some("192.168.0.0/16"), service("web", "192.168.7.7")),
    ] {
        let cluster = load(cidrs, &manifests).unwrap();
        assert!(
            !cluster
                .diagnostics()
                .iter()
                .any(|d| matches!(d.kind, DiagnosticKind::ClusterIpOutsideDefaultCidr { .. })),
            "{manifests}"
        );
    }
}

#[test]
fn services_without_an_address_get_one_in_the_learnt_range() {
    let manifests = format!(
        "{}{}",
        service("kubernetes", "10.43.0.1"),
        service("web", "")
    );
    let cluster = Cluster::from_yaml(&manifests).unwrap();
    let web = cluster.service("default", "web").unwrap();
    let allocated: ipnet::IpNet = "10.43.0.0/20".parse().unwrap();
    assert!(
        allocated.contains(&web.cluster_ips()[0]),
        "{:?}",
        web.cluster_ips()
    );
}

/// `default/kubernetes` is single-stack in the primary family: a dump whose kubernetes Service
/// is IPv4 says nothing of the IPv6 range, so a dual-stack Service's IPv6 ClusterIP is not
/// reported as outside a default range (Kubernetes has no default IPv6 range).
#[test]
fn the_kubernetes_service_says_nothing_of_the_other_family() {
    let cluster = k8s_dns_sim::Cluster::from_yaml(
        "apiVersion: v1
kind: Service
metadata: {name: kubernetes, namespace: default}
spec: {clusterIP: 10.43.0.1, ports: [{name: https, port: 443}]}
---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: default}
spec:
  clusterIP: 10.43.12.7
  clusterIPs: [10.43.12.7, \"2001:cafe:43::7\"]
  ipFamilies: [IPv4, IPv6]
  ipFamilyPolicy: PreferDualStack
  ports: [{port: 80}]
",
    )
    .unwrap();
    assert!(
        cluster.diagnostics().is_empty(),
        "{:?}",
        cluster.diagnostics()
    );
}

/// A build that fails takes the inputs out of the builder all the same (documented on
/// `ClusterBuilder::build`): building again gives an empty cluster, not the same error and
/// not the objects. To retry, the inputs are added again.
#[test]
fn a_failed_build_consumes_the_inputs_as_a_successful_one_does() {
    let mut builder = ClusterBuilder::new();
    builder.service_cidrs(ServiceCidrs {
        ipv4: Some("10.96.0.0/30".parse().unwrap()),
        ipv6: None,
    });
    let manifests: String = (0..3).map(|i| service(&format!("s{i}"), "")).collect();
    builder.add_yaml("full.yaml", &manifests).unwrap();
    let errors = builder.build().unwrap_err();
    assert!(errors.to_string().contains("10.96.0.0/30"), "{errors}");
    let again = builder.build().unwrap();
    assert!(again.services().is_empty());
    builder.add_yaml("full.yaml", &service("s0", "")).unwrap();
    assert_eq!(builder.build().unwrap().services().len(), 1);
}
