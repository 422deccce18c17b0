//! The pod side over the simulated server: the search-list walks of glibc, musl and Go
//! (`docs/resolver-behaviour.md`), including the partial names the Kubernetes conformance tests
//! resolve. The per-library rules are in `tests/resolver_rules.rs`, the kubelet's files in
//! `tests/resolver_kubelet.rs`, the comparison table in `tests/resolver_table.rs`.

mod support;

use k8s_dns_sim::hickory_proto::rr::RecordType::{A, AAAA, SRV};
use k8s_dns_sim::resolver::{Family, Kubelet, PodDns, ResolvConf, StubResolver};
use k8s_dns_sim::{Cluster, ClusterDns, Config, Upstream};
use support::fixture;

fn kubeadm(fixture_name: &str) -> ClusterDns {
    let config = Config::from_corefile(&fixture("corefiles/kubeadm.Corefile")).unwrap();
    ClusterDns::new(Cluster::from_yaml(&fixture(fixture_name)).unwrap(), config)
}

fn tried(
    dns: &ClusterDns,
    conf: &ResolvConf,
    resolver: StubResolver,
    name: &str,
    qtype: k8s_dns_sim::hickory_proto::rr::RecordType,
) -> (Vec<String>, bool) {
    let resolution = dns.resolve(conf, resolver, name, qtype).unwrap();
    let names = resolution
        .names()
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    (names, resolution.found())
}

#[test]
fn conformance_partial_names_resolve_through_the_search_list() {
    // e2e "should resolve DNS of partial qualified names for services" and "... for the cluster".
    let dns = kubeadm("conformance.yaml");
    let pod = ResolvConf::cluster_first("dns-8137", "cluster.local").unwrap();
    for (name, qtype) in [
        ("dns-test-service", A),
        ("dns-test-service.dns-8137", A),
        ("dns-test-service.dns-8137.svc", A),
        ("_http._tcp.dns-test-service.dns-8137.svc", SRV),
        ("_http._tcp.test-service-2.dns-8137.svc", SRV),
        ("kubernetes.default", A),
        ("kubernetes.default.svc", A),
    ] {
        for resolver in StubResolver::ALL {
            let (names, found) = tried(&dns, &pod, resolver, name, qtype);
            if qtype == SRV && resolver.is_musl() {
                // musl's res_search is res_query (src/network/res_query.c: `weak_alias(res_query,
                // res_search)`): no search list, so a partial SRV name is asked as is only.
                assert_eq!(names, [format!("{name}.")], "{resolver}");
                assert!(!found, "{resolver} {name}");
                continue;
            }
            assert!(found, "{resolver:?} {name}: tried {names:?}");
        }
    }
}

#[test]
fn kubernetes_default_costs_one_nxdomain_first() {
    // From a pod in `default`, `kubernetes.default` is first tried as
    // kubernetes.default.default.svc.cluster.local (NXDOMAIN).
    let dns = kubeadm("conformance.yaml");
    let pod = ResolvConf::cluster_first("default", "cluster.local").unwrap();
    let (names, found) = tried(&dns, &pod, StubResolver::Glibc, "kubernetes.default", A);
    assert!(found);
    assert_eq!(
        names,
        [
            "kubernetes.default.default.svc.cluster.local.",
            "kubernetes.default.svc.cluster.local."
        ]
    );
}

#[test]
fn an_external_name_walks_the_whole_search_list_first() {
    // ndots:5 amplification (kubernetes#14051): three search domains, then the name itself,
    // answered by the upstream (the server's `forward`).
    let upstream = Upstream::new()
        .with_address("api.github.com", "140.82.121.6".parse().unwrap(), 60)
        .unwrap();
    let config = Config::default().with_upstream(upstream);
    let dns = ClusterDns::new(Cluster::from_yaml(&fixture("golden.yaml")).unwrap(), config);
    let pod = ResolvConf::cluster_first("default", "cluster.local").unwrap();
    let (names, found) = tried(&dns, &pod, StubResolver::Glibc, "api.github.com", A);
    assert!(found);
    assert_eq!(names.len(), 4, "{names:?}");
    // A trailing dot skips the walk.
    let (names, found) = tried(&dns, &pod, StubResolver::Glibc, "api.github.com.", A);
    assert!(found);
    assert_eq!(names, ["api.github.com."]);
    // With AF_UNSPEC that is eight queries for glibc, musl and Go alike.
    let sandbox = k8s_dns_sim::resolver::PodSandbox::from_resolv_conf(&pod);
    for library in StubResolver::ALL {
        let resolution = dns.getaddrinfo(&sandbox, library, Family::Unspec, "api.github.com");
        assert_eq!(resolution.queries().count(), 8, "{resolution}");
        assert_eq!(
            resolution.addresses(),
            ["140.82.121.6".parse::<std::net::IpAddr>().unwrap()]
        );
    }
}

#[test]
fn musl_stops_on_nodata_where_glibc_goes_on() {
    // k3s#6561: an AAAA question for a name whose first candidate exists without AAAA records.
    let dns = ClusterDns::new(
        Cluster::from_yaml(&fixture("golden.yaml")).unwrap(),
        Config::default(),
    );
    let pod = ResolvConf::cluster_first("default", "cluster.local").unwrap();
    for musl in [StubResolver::Musl, StubResolver::Musl1_2_3] {
        let resolution = dns.resolve(&pod, musl, "web", AAAA).unwrap();
        assert_eq!(resolution.steps.len(), 1, "musl: NODATA ends the walk");
        assert!(!resolution.found());
    }
    let glibc = dns.resolve(&pod, StubResolver::Glibc, "web", AAAA).unwrap();
    assert_eq!(
        glibc.steps.len(),
        4,
        "glibc: NODATA goes on through the list and the name itself"
    );
    assert!(!glibc.found());
}

#[test]
fn a_namespace_named_like_a_tld_captures_external_names() {
    // kubernetes#60534: with a namespace `com` holding a Service `yahoo`, every pod's
    // `yahoo.com` resolves to that Service through `svc.cluster.local`.
    let manifests = "apiVersion: v1\nkind: Service\nmetadata: {name: yahoo, namespace: com}\n\
                     spec: {clusterIP: 10.96.7.77, ports: [{port: 80}]}\n";
    let dns = ClusterDns::new(Cluster::from_yaml(manifests).unwrap(), Config::default());
    let pod = ResolvConf::cluster_first("default", "cluster.local").unwrap();
    let resolution = dns
        .resolve(&pod, StubResolver::Glibc, "yahoo.com", A)
        .unwrap();
    assert!(resolution.found());
    assert_eq!(
        resolution.names().last().copied(),
        Some("yahoo.com.svc.cluster.local.")
    );
    assert_eq!(
        resolution.answer().unwrap().answer_lines(),
        ["yahoo.com.svc.cluster.local. 5 IN A 10.96.7.77"]
    );
}

#[test]
fn the_pod_itself_and_its_aliases_never_reach_dns() {
    // The kubelet's /etc/hosts (kubelet_pods.go managedHostsFileContent): the pod's hostname,
    // its FQDN with a subdomain, and hostAliases are answered by every library from the file.
    let dns = kubeadm("conformance.yaml");
    let pod = PodDns::new("default", "web-0")
        .with_hostname("web-0", Some("web"))
        .with_ips(["10.244.1.5".parse().unwrap()])
        .with_host_alias(k8s_dns_sim::resolver::HostAlias::new(
            "10.1.2.3",
            ["foo.local", "bar.local"],
        ));
    let kubelet = Kubelet::default();
    for library in StubResolver::ALL {
        for (name, address) in [
            ("web-0", "10.244.1.5"),
            ("web-0.web.default.svc.cluster.local", "10.244.1.5"),
            ("bar.local", "10.1.2.3"),
            ("localhost", "::1"),
        ] {
            let resolution = dns
                .resolve_pod(&kubelet, &pod, library, Family::Unspec, name)
                .unwrap();
            assert_eq!(
                resolution.queries().count(),
                0,
                "{library} {name}\n{resolution}"
            );
            assert_eq!(
                resolution.addresses()[0].to_string(),
                address,
                "{library} {name}"
            );
        }
    }
}

#[test]
fn readme_getaddrinfo_snippet() -> Result<(), Box<dyn std::error::Error>> {
    // README.md, "What `getaddrinfo` in a pod does" (kept in sync by hand), and its claim.
    let dns = ClusterDns::new(
        Cluster::from_yaml(&std::fs::read_to_string(
            "fixtures/clusterip-vs-headless.yaml",
        )?)?,
        Config::default(),
    );
    let pod = PodDns::new("default", "client-0").with_ips(["10.244.3.5".parse()?]);
    let sandbox = Kubelet::default().sandbox(&pod)?; // resolv.conf, /etc/hosts, hostname
    for library in StubResolver::ALL {
        let resolution = dns.getaddrinfo(&sandbox, library, Family::Inet6, "web");
        println!("{resolution}");
        assert_eq!(
            resolution.queries().count(),
            if library.is_musl() { 1 } else { 4 }
        );
        assert!(!resolution.found());
    }
    Ok(())
}

/// Rule: every name a walk asks is absolute, as on the wire, even when the text glibc builds
/// ends in an escaped dot (a name `\` joined to a search domain, or a search domain ending in
/// a backslash). Found by the `resolv_conf` fuzz target (input `\0\\`: no resolv.conf, the
/// name `\`).
#[test]
fn candidates_with_escaped_dots_are_absolute() {
    for (conf_text, name) in [
        ("", "\\"),
        ("search default.svc.\\\noptions ndots:4\n", "web"),
        ("search default.svc.cluster.local\n", "a\\.b"),
    ] {
        let conf = ResolvConf::parse(conf_text).expect("resolv.conf reads");
        for resolver in [StubResolver::Glibc, StubResolver::Musl, StubResolver::Go] {
            for candidate in conf.candidates(resolver, name) {
                assert!(
                    candidate.is_fqdn(),
                    "{resolver:?} {conf_text:?} {name:?}: {candidate} is relative"
                );
            }
        }
    }
}
