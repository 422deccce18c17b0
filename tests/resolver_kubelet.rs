//! The kubelet's view of a pod (`docs/resolver-behaviour.md` §1): the `resolv.conf` of every
//! `dnsPolicy` (`pkg/kubelet/network/dns/dns.go` `GetPodDNS`), `dnsConfig` merged and the limits
//! applied, and the `/etc/hosts` it writes (`pkg/kubelet/kubelet_pods.go`).

use std::net::IpAddr;

use k8s_dns_sim::resolver::{
    DnsPolicy, Family, HostAlias, Kubelet, KubeletError, PodDns, PodDnsConfig, PodError,
    StubResolver,
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

/// The Pods of `fixtures/pod-dns.yaml`, loaded, on a node whose own `resolv.conf` is §1.6's.
fn pod_dns_fixture() -> (ClusterDns, Kubelet) {
    let dns = ClusterDns::from_paths([format!(
        "{}/fixtures/pod-dns.yaml",
        env!("CARGO_MANIFEST_DIR")
    )])
    .unwrap();
    let mut kubelet = dns.kubelet();
    kubelet.node_resolv_conf = node().node_resolv_conf;
    (dns, kubelet)
}

#[test]
fn the_derivation_is_a_function_of_the_loaded_pod() {
    // GetPodDNS and the hosts file from the Pod object itself: its dnsPolicy, dnsConfig,
    // hostAliases, hostname/subdomain with setHostnameAsFQDN and hostNetwork, read by the
    // loader from a bare Pod or a workload's template. (pod, resolv.conf, the hosts file's lines
    // after the six fixed ones with `{ip}` for the pod's address, gethostname()).
    let (dns, kubelet) = pod_dns_fixture();
    let api = dns
        .cluster()
        .pods()
        .find(|pod| pod.meta.name.starts_with("api-"))
        .map(|pod| format!("shop/{}", pod.meta.name))
        .expect("the Deployment's Pod");
    let cluster_first =
        "search shop.svc.cluster.local svc.cluster.local cluster.local ec2.internal";
    let cases: Vec<(&str, String, Vec<String>, String)> = vec![
        // dnsConfig merged: the pod's nameserver after the cluster's, its search domain last,
        // its ndots replacing the kubelet's, edns0 added; the aliases' block.
        (
            "shop/tuned",
            format!(
                "{cluster_first} corp.example\nnameserver 10.96.0.10\nnameserver 1.1.1.1\noptions ndots:2 edns0\n"
            ),
            vec![
                "{ip}\ttuned".into(),
                String::new(),
                "# Entries added by HostAliases.".into(),
                "10.1.2.3\tlegacy-db\tlegacy-db.corp.example".into(),
            ],
            "tuned".into(),
        ),
        // Default: the node's file as the kubelet reads it.
        (
            "shop/node-dns",
            "search ec2.internal\nnameserver 10.0.0.2\noptions edns0 trust-ad\n".into(),
            vec!["{ip}\tnode-dns".into()],
            "node-dns".into(),
        ),
        // None: dnsConfig alone.
        (
            "shop/custom",
            "search shop.svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:1 single-request\n"
                .into(),
            vec!["{ip}\tcustom".into()],
            "custom".into(),
        ),
        // A subdomain puts the FQDN in the file; setHostnameAsFQDN makes it the hostname.
        (
            "shop/db-0",
            format!("{cluster_first}\nnameserver 10.96.0.10\noptions ndots:5\n"),
            vec!["{ip}\tdb-0.db.shop.svc.cluster.local\tdb-0".into()],
            "db-0.db.shop.svc.cluster.local".into(),
        ),
        // The template's dnsConfig and hostAliases reach the workload's Pod.
        (
            api.as_str(),
            format!("{cluster_first}\nnameserver 10.96.0.10\noptions ndots:5 use-vc\n"),
            vec![
                format!("{{ip}}\t{}", api.trim_start_matches("shop/")),
                String::new(),
                "# Entries added by HostAliases.".into(),
                "10.1.2.4\tmetrics".into(),
            ],
            api.trim_start_matches("shop/").into(),
        ),
    ];
    for (pod, resolv_conf, hosts_tail, hostname) in cases {
        let sandbox = dns.pod_sandbox(&kubelet, pod).unwrap();
        assert_eq!(sandbox.resolv_conf, resolv_conf, "{pod}");
        let ip = dns.pod_dns(pod).unwrap().pod_ips[0].to_string();
        let hosts = sandbox
            .hosts
            .expect("a running Pod has the kubelet's hosts file");
        let tail: Vec<&str> = hosts.lines().skip(7).collect();
        let want: Vec<String> = hosts_tail.iter().map(|l| l.replace("{ip}", &ip)).collect();
        assert_eq!(tail, want, "{pod}: {hosts}");
        assert_eq!(sandbox.hostname, hostname, "{pod}");
        assert_eq!(
            sandbox
                .interfaces
                .iter()
                .map(|i| i.address.to_string())
                .collect::<Vec<_>>(),
            [ip],
            "{pod}"
        );
    }
}

#[test]
fn a_host_network_pod_takes_its_node() {
    // ClusterFirstWithHostNet on the host network: the cluster's file, the node's hosts file
    // behind the kubelet's header, the node's name as hostname and its host IP as interface.
    let (dns, kubelet) = pod_dns_fixture();
    let pod = dns.pod_dns("shop/agent").unwrap();
    assert!(pod.host_network);
    assert_eq!(pod.pod_ips, [ip("192.168.10.11")], "the Node's InternalIP");
    let sandbox = dns.pod_sandbox(&kubelet, "shop/agent").unwrap();
    assert!(sandbox.resolv_conf.contains("nameserver 10.96.0.10\n"));
    assert_eq!(sandbox.hostname, "worker-a");
    assert!(
        sandbox
            .hosts
            .as_deref()
            .unwrap()
            .starts_with("# Kubernetes-managed hosts file (host network).\n")
    );
    assert_eq!(sandbox.interfaces[0].address, ip("192.168.10.11"));
}

#[test]
fn getaddrinfo_from_a_pod_by_name() {
    // ClusterDns::getaddrinfo_in_pod: the walk with the Pod's own files. ndots:2 asks a
    // one-dot name through the search list; the alias never reaches DNS.
    let (dns, kubelet) = pod_dns_fixture();
    let web = dns
        .getaddrinfo_in_pod(
            &kubelet,
            "shop/tuned",
            StubResolver::Glibc,
            Family::Inet,
            "web.shop",
        )
        .unwrap();
    assert_eq!(
        web.names(),
        [
            "web.shop.shop.svc.cluster.local.",
            "web.shop.svc.cluster.local."
        ]
    );
    assert_eq!(web.addresses(), [ip("10.96.0.20")]);
    // edns0 from dnsConfig: glibc offers 1200 bytes.
    assert!(web.queries().all(|query| query.edns == Some(1200)));
    let alias = dns
        .getaddrinfo_in_pod(
            &kubelet,
            "shop/tuned",
            StubResolver::Musl,
            Family::Unspec,
            "legacy-db.corp.example",
        )
        .unwrap();
    assert_eq!(alias.queries().count(), 0);
    assert_eq!(alias.addresses(), [ip("10.1.2.3")]);
    // use-vc from the Deployment's template: TCP only.
    let api = dns
        .cluster()
        .pods()
        .find(|pod| pod.meta.name.starts_with("api-"))
        .map(|pod| format!("shop/{}", pod.meta.name))
        .unwrap();
    let over_tcp = dns
        .getaddrinfo_in_pod(&kubelet, &api, StubResolver::Glibc, Family::Unspec, "web")
        .unwrap();
    assert!(
        over_tcp
            .queries()
            .all(|query| query.transport == k8s_dns_sim::Transport::Tcp)
    );
    assert_eq!(over_tcp.addresses(), [ip("10.96.0.20")]);
}

#[test]
fn a_pod_reference_that_names_no_pod_is_a_typed_error() {
    let (dns, kubelet) = pod_dns_fixture();
    for (reference, want) in [
        (
            "tuned",
            "expected a Pod as <namespace>/<name>, found \"tuned\"",
        ),
        (
            "shop/",
            "expected a Pod as <namespace>/<name>, found \"shop/\"",
        ),
        (
            "a/b/c",
            "expected a Pod as <namespace>/<name>, found \"a/b/c\"",
        ),
        (
            "shop/nope",
            "no Pod shop/nope in the cluster (neither loaded nor made by a workload)",
        ),
    ] {
        let error = dns.pod_sandbox(&kubelet, reference).unwrap_err();
        assert_eq!(error.to_string(), want);
        assert!(matches!(
            (reference, &error),
            ("shop/nope", PodError::NotFound { .. }) | (_, PodError::BadReference(_))
        ));
    }
    // setHostnameAsFQDN with an FQDN over 64 characters: the kubelet cannot start the Pod.
    let long = ClusterDns::from_yaml(
        "apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a-rather-long-namespace-name}
spec:
  hostname: a-rather-long-hostname
  subdomain: a-long-subdomain
  setHostnameAsFQDN: true
  containers: [{name: c, image: c}]
",
    )
    .unwrap();
    let error = long
        .pod_sandbox(&long.kubelet(), "a-rather-long-namespace-name/p")
        .unwrap_err();
    assert!(
        matches!(
            &error,
            PodError::Kubelet {
                source: KubeletError::FqdnTooLong { .. },
                ..
            }
        ),
        "{error}"
    );
}

/// A Pod's network (`ClusterDns::network`): only the cluster's DNS addresses (the kubelet's
/// `clusterDNS`, kube-dns's ClusterIPs) answer cluster names; every other nameserver is a
/// resolver outside the cluster, which knows the upstream's names and none of the cluster's.
/// So a `dnsPolicy: None` Pod pointed at a public resolver, and a `hostNetwork` Pod left at
/// `ClusterFirst` (which the kubelet turns into the node's file), do not resolve Services,
/// while `ClusterFirstWithHostNet` does.
#[test]
fn only_the_cluster_dns_answers_cluster_names() {
    let cluster = Cluster::from_yaml(
        "apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec: {clusterIP: 10.96.0.53, ports: [{name: dns, port: 53, protocol: UDP}]}
",
    )
    .unwrap();
    let upstream = k8s_dns_sim::Upstream::new()
        .with_address("www.example.com", ip("93.184.215.14"), 300)
        .unwrap();
    let dns = ClusterDns::new(cluster, Config::kubeadm().with_upstream(upstream));
    let mut kubelet = node();
    kubelet.cluster_dns = vec![ip("10.96.0.10")];
    let none = |servers: &[&str]| {
        let mut config = PodDnsConfig::default();
        config.nameservers = servers.iter().map(|s| (*s).to_owned()).collect();
        pod("default")
            .with_policy(DnsPolicy::None)
            .with_dns_config(config)
    };
    // (rule, pod, name, the addresses it resolves to)
    let cases: Vec<(&str, PodDns, &str, &[&str])> = vec![
        (
            "ClusterFirst asks clusterDNS",
            pod("default"),
            "web",
            &["10.96.0.20"],
        ),
        (
            "None with a public resolver: no cluster name",
            none(&["1.1.1.1"]),
            "web.default.svc.cluster.local",
            &[],
        ),
        (
            "None with a public resolver: the outside world's names",
            none(&["1.1.1.1"]),
            "www.example.com",
            &["93.184.215.14"],
        ),
        (
            "None with kube-dns's ClusterIP: the cluster's DNS",
            none(&["10.96.0.53"]),
            "web.default.svc.cluster.local",
            &["10.96.0.20"],
        ),
        (
            "hostNetwork with ClusterFirst: the node's resolver, no cluster name",
            pod("default").with_host_network(true),
            "web.default.svc.cluster.local",
            &[],
        ),
        (
            "ClusterFirstWithHostNet: the cluster's DNS",
            pod("default")
                .with_host_network(true)
                .with_policy(DnsPolicy::ClusterFirstWithHostNet),
            "web.default.svc.cluster.local",
            &["10.96.0.20"],
        ),
    ];
    for (rule, pod, name, want) in cases {
        let resolution = dns
            .resolve_pod(&kubelet, &pod, StubResolver::Glibc, Family::Inet, name)
            .unwrap_or_else(|error| panic!("{rule}: {error}"));
        let want: Vec<IpAddr> = want.iter().map(|a| ip(a)).collect();
        assert_eq!(resolution.addresses(), want, "{rule}:\n{resolution}");
    }
    let network = dns.network(&kubelet);
    assert!(network.is_cluster_dns(ip("10.96.0.10")) && network.is_cluster_dns(ip("10.96.0.53")));
    assert!(!network.is_cluster_dns(ip("10.0.0.2")));
}
