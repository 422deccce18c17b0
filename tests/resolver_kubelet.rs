//! The kubelet's view of a pod (`docs/resolver-behaviour.md` §1): the `resolv.conf` of every
//! `dnsPolicy` (`pkg/kubelet/network/dns/dns.go` `GetPodDNS`), `dnsConfig` merged and the limits
//! applied, and the `/etc/hosts` it writes (`pkg/kubelet/kubelet_pods.go`).

use std::net::IpAddr;

use k8s_dns_sim::resolver::{
    DnsPolicy, Family, HostAlias, Kubelet, KubeletError, PodDns, PodDnsConfig, StubResolver,
};
use k8s_dns_sim::{Cluster, ClusterDns, Config};

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// A node like §1.6's: its own search domain and options.
fn node() -> Kubelet {
    let mut kubelet = Kubelet::default();
    kubelet.node_resolv_conf =
        Some("nameserver 10.0.0.2\nsearch ec2.internal\noptions edns0 trust-ad\n".to_owned());
    kubelet
}

fn pod(namespace: &str) -> PodDns {
    PodDns::new(namespace, "client-0").with_ips([ip("10.244.1.5")])
}

#[test]
fn resolv_conf_for_every_policy() {
    // GetPodDNS / getPodDNSType: (pod, the file containerd writes, events).
    let kubelet = node();
    let cluster_first = "search shop.svc.cluster.local svc.cluster.local cluster.local ec2.internal\n\
                         nameserver 10.96.0.10\noptions ndots:5\n";
    let node_file = "search ec2.internal\nnameserver 10.0.0.2\noptions edns0 trust-ad\n";
    let cases: Vec<(&str, PodDns, &str)> = vec![
        // ClusterFirst: the cluster DNS only, the cluster's domains then the node's, exactly
        // ndots:5 (the node's options dropped).
        ("ClusterFirst", pod("shop"), cluster_first),
        // ClusterFirst on the host network falls through to Default.
        (
            "ClusterFirst, hostNetwork",
            pod("shop").with_host_network(true),
            node_file,
        ),
        (
            "ClusterFirstWithHostNet, hostNetwork",
            pod("shop")
                .with_host_network(true)
                .with_policy(DnsPolicy::ClusterFirstWithHostNet),
            cluster_first,
        ),
        (
            "Default",
            pod("shop").with_policy(DnsPolicy::Default),
            node_file,
        ),
        // None: only dnsConfig.
        (
            "None",
            pod("shop").with_policy(DnsPolicy::None).with_dns_config(
                PodDnsConfig::new()
                    .with_nameservers(["1.1.1.1"])
                    .with_searches(["corp.example"])
                    .with_option("ndots", Some("2")),
            ),
            "search corp.example\nnameserver 1.1.1.1\noptions ndots:2\n",
        ),
        // None without dnsConfig: an empty file (the API server would refuse such a Pod).
        (
            "None, nothing",
            pod("shop").with_policy(DnsPolicy::None),
            "",
        ),
        // §1.6's second example: dnsConfig merged, the pod's ndots replacing the base one.
        (
            "ClusterFirst with dnsConfig",
            pod("shop").with_dns_config(
                PodDnsConfig::new()
                    .with_nameservers(["1.1.1.1"])
                    .with_searches(["corp.example"])
                    .with_option("ndots", Some("2"))
                    .with_option("edns0", None),
            ),
            "search shop.svc.cluster.local svc.cluster.local cluster.local ec2.internal corp.example\n\
             nameserver 10.96.0.10\nnameserver 1.1.1.1\noptions ndots:2 edns0\n",
        ),
    ];
    for (what, pod, want) in cases {
        let (conf, events) = kubelet.resolv_conf_with_events(&pod).unwrap();
        assert_eq!(conf.to_string(), want, "{what}");
        assert!(events.is_empty(), "{what}: {events:?}");
    }
}

#[test]
fn default_with_an_empty_resolv_conf_flag() {
    // --resolv-conf="": a loopback nameserver per node IP, in node-IP order; search `.`.
    let mut kubelet = Kubelet::default();
    kubelet.node_resolv_conf = None;
    kubelet.node_ips = vec![ip("192.168.0.10"), ip("fd00::10")];
    let conf = kubelet
        .resolv_conf(&pod("shop").with_policy(DnsPolicy::Default))
        .unwrap();
    assert_eq!(
        conf.to_string(),
        "search .\nnameserver 127.0.0.1\nnameserver ::1\n"
    );
    kubelet.node_ips.clear();
    let conf = kubelet
        .resolv_conf(&pod("shop").with_policy(DnsPolicy::Default))
        .unwrap();
    assert_eq!(conf.to_string(), "search .\nnameserver 127.0.0.1\n");
}

#[test]
fn cluster_first_without_cluster_dns_falls_back_to_default() {
    let mut kubelet = node();
    kubelet.cluster_dns.clear();
    let (conf, events) = kubelet.resolv_conf_with_events(&pod("shop")).unwrap();
    assert_eq!(conf.nameservers, ["10.0.0.2"]);
    assert_eq!(conf.search, ["ec2.internal"]);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].reason, "MissingClusterDNS");
    assert!(
        events[0]
            .message
            .contains("Falling back to \"Default\" policy")
    );
}

#[test]
fn the_node_file_as_the_kubelet_reads_it() {
    // parseResolvConf: lines trimmed, `#` lines skipped (not `;`), the last search line,
    // one trailing dot cut, `.` entries dropped; options accumulate by name.
    let mut kubelet = Kubelet::default();
    kubelet.node_resolv_conf = Some(
        "# generated\n  nameserver 10.0.0.2\nsearch old.example\nsearch a.example. . b.example\n\
         options ndots:2 timeout:1\noptions ndots:3\n"
            .to_owned(),
    );
    let conf = kubelet
        .resolv_conf(&pod("shop").with_policy(DnsPolicy::Default))
        .unwrap();
    assert_eq!(conf.search, ["a.example", "b.example"]);
    assert_eq!(conf.options, ["ndots:3", "timeout:1"]);
    assert_eq!(conf.nameservers, ["10.0.0.2"]);
    // A bare nameserver line fails GetPodDNS for every pod, whatever its policy.
    kubelet.node_resolv_conf = Some("nameserver\n".to_owned());
    assert_eq!(
        kubelet.resolv_conf(&pod("shop")),
        Err(KubeletError::EmptyNameserver { line: 1 })
    );
}

#[test]
fn limits_cut_and_warn() {
    // formDNSConfigFitsLimits: 3 nameservers, 32 searches, 253 characters a domain, 2048 the
    // line; each cut an event, never an error.
    let kubelet = Kubelet::default();
    let servers = ["1.1.1.1", "1.0.0.1", "8.8.8.8"];
    let (conf, events) = kubelet
        .resolv_conf_with_events(
            &pod("shop").with_dns_config(PodDnsConfig::new().with_nameservers(servers)),
        )
        .unwrap();
    assert_eq!(conf.nameservers, ["10.96.0.10", "1.1.1.1", "1.0.0.1"]);
    assert_eq!(
        events[0].message,
        "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 1.0.0.1"
    );
    // 40 domains: the first 32 kept.
    let many: Vec<String> = (0..40).map(|n| format!("d{n}.example")).collect();
    let (conf, events) = kubelet
        .resolv_conf_with_events(
            &pod("shop").with_dns_config(PodDnsConfig::new().with_searches(many.clone())),
        )
        .unwrap();
    assert_eq!(conf.search.len(), 32);
    assert_eq!(conf.search[3], "d0.example");
    assert_eq!(events[0].reason, "DNSConfigForming");
    assert!(
        events[0]
            .message
            .starts_with("Search Line limits were exceeded")
    );
    // A domain over 253 characters is dropped.
    let long = format!("{}.example", "a".repeat(250));
    let conf = kubelet
        .resolv_conf(&pod("shop").with_dns_config(PodDnsConfig::new().with_searches([long])))
        .unwrap();
    assert_eq!(conf.search.len(), 3);
    // 2048 characters: domains cut from the end.
    let wide: Vec<String> = (0..20)
        .map(|n| format!("{n:02}.{}", "x".repeat(120)))
        .collect();
    let conf = kubelet
        .resolv_conf(&pod("shop").with_dns_config(PodDnsConfig::new().with_searches(wide)))
        .unwrap();
    assert!(conf.search.join(" ").len() <= 2048);
    assert_eq!(conf.search.len(), 3 + 16, "54 + 16 × 124 = 2038 characters");
    // Duplicates: exact strings only (`dnsConfig` entries are not trimmed).
    let conf = kubelet
        .resolv_conf(
            &pod("shop").with_dns_config(PodDnsConfig::new().with_searches([
                "cluster.local",
                "cluster.local.",
                "svc.cluster.local",
            ])),
        )
        .unwrap();
    assert_eq!(
        conf.search,
        [
            "shop.svc.cluster.local",
            "svc.cluster.local",
            "cluster.local",
            "cluster.local."
        ]
    );
}

#[test]
fn the_hosts_file_byte_for_byte() {
    // docs/resolver-behaviour.md §1.7's example (managedHostsFileContent,
    // hostsEntriesFromHostAliases).
    let kubelet = Kubelet::default();
    let pod = PodDns::new("default", "web-0")
        .with_hostname("web-0", Some("web"))
        .with_ips([ip("10.244.1.5")])
        .with_host_alias(HostAlias::new("10.1.2.3", ["foo.local", "bar.local"]));
    assert_eq!(
        kubelet.hosts_file_text(&pod).unwrap(),
        "# Kubernetes-managed hosts file.\n\
         127.0.0.1\tlocalhost\n\
         ::1\tlocalhost ip6-localhost ip6-loopback\n\
         fe00::0\tip6-localnet\n\
         fe00::0\tip6-mcastprefix\n\
         fe00::1\tip6-allnodes\n\
         fe00::2\tip6-allrouters\n\
         10.244.1.5\tweb-0.web.default.svc.cluster.local\tweb-0\n\
         \n\
         # Entries added by HostAliases.\n\
         10.1.2.3\tfoo.local\tbar.local\n"
    );
    let table = kubelet.hosts_file(&pod).unwrap();
    assert_eq!(table.entries.len(), 8);
    assert_eq!(table.addresses("bar.local"), [ip("10.1.2.3")]);
    // Dual-stack, no subdomain: a line per pod IP, hostname only.
    let dual = PodDns::new("default", "client-0").with_ips([ip("10.244.1.5"), ip("fd00::5")]);
    let text = kubelet.hosts_file_text(&dual).unwrap();
    assert!(
        text.ends_with("10.244.1.5\tclient-0\nfd00::5\tclient-0\n"),
        "{text}"
    );
    // No IP: no file mounted.
    assert_eq!(
        kubelet.hosts_file_text(&PodDns::new("default", "pending")),
        None
    );
}

#[test]
fn the_host_network_hosts_file() {
    // nodeHostsFileContent: a header, the node's file as is, the aliases.
    let kubelet = Kubelet::default();
    let pod = PodDns::new("kube-system", "agent-x")
        .with_host_network(true)
        .with_ips([ip("192.168.0.10")])
        .with_host_alias(HostAlias::new("10.1.2.3", ["foo.local"]));
    assert_eq!(
        kubelet.hosts_file_text(&pod).unwrap(),
        format!(
            "# Kubernetes-managed hosts file (host network).\n{}\n# Entries added by HostAliases.\n10.1.2.3\tfoo.local\n",
            kubelet.node_hosts
        )
    );
    // Its hostname is the node's.
    assert_eq!(kubelet.kernel_hostname(&pod).unwrap(), "node-1");
}

#[test]
fn hostnames_as_the_kubelet_makes_them() {
    // GeneratePodHostNameAndDomain, truncatePodHostnameIfNeeded, GetNodenameForKernel.
    let kubelet = Kubelet::default();
    let long = format!("{}-.x", "a".repeat(61));
    let pod = PodDns::new("default", &long);
    let (hostname, domain) = kubelet.hostname_and_domain(&pod);
    assert_eq!(
        hostname,
        "a".repeat(61),
        "cut to 63, then trailing '-' and '.' removed"
    );
    assert_eq!(domain, None);
    let pod = PodDns::new("shop", "db-0")
        .with_hostname("db-0", Some("db"))
        .with_hostname_as_fqdn(true);
    assert_eq!(
        kubelet.kernel_hostname(&pod).unwrap(),
        "db-0.db.shop.svc.cluster.local"
    );
    let too_long = PodDns::new("a-rather-long-namespace-name", "p")
        .with_hostname("a-rather-long-hostname", Some("a-long-subdomain"))
        .with_hostname_as_fqdn(true);
    assert!(matches!(
        kubelet.kernel_hostname(&too_long),
        Err(KubeletError::FqdnTooLong { .. })
    ));
    // Without a subdomain there is no FQDN: the hostname stays.
    let plain = PodDns::new("shop", "db-0").with_hostname_as_fqdn(true);
    assert_eq!(kubelet.kernel_hostname(&plain).unwrap(), "db-0");
}

#[test]
fn the_documentation_example_pod_resolves_its_own_fqdn_from_the_file() {
    // The Kubernetes documentation's hostname/subdomain example: the pod's own FQDN is in its
    // /etc/hosts, so it resolves without DNS even before the headless Service has endpoints.
    let dns = ClusterDns::new(Cluster::from_yaml("").unwrap(), Config::default());
    let kubelet = Kubelet::default();
    let busybox1 = PodDns::new("default", "busybox1")
        .with_hostname("busybox-1", Some("busybox-subdomain"))
        .with_ips([ip("10.244.1.7")]);
    for library in StubResolver::ALL {
        let resolution = dns
            .resolve_pod(
                &kubelet,
                &busybox1,
                library,
                Family::Unspec,
                "busybox-1.busybox-subdomain.default.svc.cluster.local",
            )
            .unwrap();
        assert_eq!(resolution.addresses(), [ip("10.244.1.7")], "{library}");
        assert_eq!(resolution.queries().count(), 0);
    }
}
