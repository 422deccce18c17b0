//! Nodes and `hostNetwork` (issue 9, section 1): the input's `v1 Node` objects or the
//! builder's node pool decide where Pods run, which Pod subnet they draw from and which
//! addresses `hostNetwork` Pods take; what CoreDNS makes of two endpoints sharing one node
//! address. Each test names the Kubernetes rule it checks and its source; rule numbers refer to
//! docs/coredns-rules.md.

mod pod_support;
mod support;

use std::collections::BTreeSet;

use k8s_dns_sim::hickory_proto::op::ResponseCode::NoError;
use k8s_dns_sim::hickory_proto::rr::RecordType::{A, AAAA, PTR, SRV};
use k8s_dns_sim::model::PodPhase;
use k8s_dns_sim::workload::WorkloadConfig;
use k8s_dns_sim::{Change, Cluster, ClusterDns, Config, DiagnosticKind, Kind};
use pod_support::{answers, apply, diagnostics, ip, load, pod};
use support::{SOA, check, fixture, negative, positive};

#[test]
fn host_network_pods_answer_their_node_s_addresses() {
    // kubelet generateAPIPodStatus: a hostNetwork Pod's podIPs are its node's host IPs
    // (GetNodeHostIPs: the first InternalIP, else ExternalIP, and one of the other family);
    // the EndpointSlice controller publishes them as any Pod's (podToEndpoint).
    let config = Config::default()
        .with_zones(["cluster.local", "in-addr.arpa"])
        .unwrap();
    let dns = support::dns("nodes-hostnetwork.yaml", config);
    let agent = "node-agent.kube-system.svc.cluster.local.";
    let dual = "node-agent-dual.kube-system.svc.cluster.local.";
    let exporter = "exporter.monitoring.svc.cluster.local.";
    let srv = "_metrics._tcp.exporter.monitoring.svc.cluster.local.";
    let target = "192-168-10-11.exporter.monitoring.svc.cluster.local.";
    check(
        &dns,
        &[
            positive(
                "12 a hostNetwork DaemonSet answers each node's InternalIP (not its ExternalIP)",
                agent,
                A,
                &[
                    "node-agent.kube-system.svc.cluster.local. 5 IN A 192.168.10.11",
                    "node-agent.kube-system.svc.cluster.local. 5 IN A 192.168.10.12",
                ],
                &[],
            ),
            negative(
                "12 a single-stack Service has no IPv6 slice",
                agent,
                AAAA,
                NoError,
                SOA,
            ),
            positive(
                "12 both families when the node has both (worker-b)",
                dual,
                AAAA,
                &["node-agent-dual.kube-system.svc.cluster.local. 5 IN AAAA fd00:192:168::12"],
                &[],
            ),
            positive(
                "12 two hostNetwork Pods of one node: two endpoints, one A record",
                exporter,
                A,
                &["exporter.monitoring.svc.cluster.local. 5 IN A 192.168.10.11"],
                &[],
            ),
            positive(
                "16 their SRV records merge into one, weighted before the merge (100/2)",
                srv,
                SRV,
                &[
                    "_metrics._tcp.exporter.monitoring.svc.cluster.local. 5 IN SRV 0 50 9256 192-168-10-11.exporter.monitoring.svc.cluster.local.",
                ],
                &["192-168-10-11.exporter.monitoring.svc.cluster.local. 5 IN A 192.168.10.11"],
            ),
            positive(
                "14 the shared dashed name answers once",
                target,
                A,
                &["192-168-10-11.exporter.monitoring.svc.cluster.local. 5 IN A 192.168.10.11"],
                &[],
            ),
            positive(
                "18 PTR: identical targets once, one per Service",
                "11.10.168.192.in-addr.arpa.",
                PTR,
                &[
                    "11.10.168.192.in-addr.arpa. 5 IN PTR 192-168-10-11.exporter.monitoring.svc.cluster.local.",
                    "11.10.168.192.in-addr.arpa. 5 IN PTR 192-168-10-11.node-agent.kube-system.svc.cluster.local.",
                    "11.10.168.192.in-addr.arpa. 5 IN PTR 192-168-10-11.node-agent-dual.kube-system.svc.cluster.local.",
                ],
                &[],
            ),
        ],
    );
    // The slice keeps both endpoints (hashEndpoint tells them apart by targetRef), and each
    // endpoint's zone is its node's label.
    let cluster = dns.cluster();
    let exporter = cluster.service("monitoring", "exporter").unwrap();
    let endpoints: Vec<(Option<&str>, Option<&str>)> = exporter
        .slices()
        .flat_map(|slice| slice.slice().endpoints.iter())
        .map(|e| (e.target_ref.as_ref().map(|t| &*t.name), e.zone.as_deref()))
        .collect();
    assert_eq!(
        endpoints,
        [
            (Some("exporter-1"), Some("zone-a")),
            (Some("exporter-2"), Some("zone-a"))
        ]
    );
    // A Pod on the pod network of worker-a has an address of worker-a's podCIDR.
    let subnet: ipnet::IpNet = "10.244.7.0/24".parse().unwrap();
    assert!(subnet.contains(&ip(cluster, "default", "web-a")));
    // A Pod bound to a missing Node: Pending, no address, told about.
    let lost = pod(cluster, "default", "web-lost");
    assert_eq!(
        (lost.phase, lost.pod_ips.len()),
        (Some(PodPhase::Pending), 0)
    );
    assert!(diagnostics(cluster).contains(&(
        "Pod default/web-lost".to_owned(),
        DiagnosticKind::PodOnMissingNode {
            node: "worker-gone".to_owned(),
            nodes_loaded: true
        }
    )));
}

#[test]
fn with_endpoint_pod_names_two_host_network_pods_keep_two_names() {
    // Rule 14: with endpoint_pod_names an endpoint is named after its Pod, so the two
    // endpoints sharing an address get two SRV records (weight 50 each) and two PTR targets.
    let config = Config::default()
        .with_zones(["cluster.local", "in-addr.arpa"])
        .unwrap()
        .with_endpoint_pod_names(true);
    let dns = support::dns("nodes-hostnetwork.yaml", config);
    let srv = "_metrics._tcp.exporter.monitoring.svc.cluster.local.";
    check(
        &dns,
        &[
            positive(
                "16 one SRV per endpoint name",
                srv,
                SRV,
                &[
                    "_metrics._tcp.exporter.monitoring.svc.cluster.local. 5 IN SRV 0 50 9256 exporter-1.exporter.monitoring.svc.cluster.local.",
                    "_metrics._tcp.exporter.monitoring.svc.cluster.local. 5 IN SRV 0 50 9256 exporter-2.exporter.monitoring.svc.cluster.local.",
                ],
                &[
                    "exporter-1.exporter.monitoring.svc.cluster.local. 5 IN A 192.168.10.11",
                    "exporter-2.exporter.monitoring.svc.cluster.local. 5 IN A 192.168.10.11",
                ],
            ),
            positive(
                "14 each Pod's name answers the node's address",
                "exporter-2.exporter.monitoring.svc.cluster.local.",
                A,
                &["exporter-2.exporter.monitoring.svc.cluster.local. 5 IN A 192.168.10.11"],
                &[],
            ),
        ],
    );
    let ptr = dns.lookup("11.10.168.192.in-addr.arpa.", PTR).unwrap();
    let exporter_targets = ptr
        .answer_lines()
        .into_iter()
        .filter(|line| line.contains("exporter.monitoring"))
        .count();
    assert_eq!(exporter_targets, 2, "{:?}", ptr.answer_lines());
}

#[test]
fn a_stated_pod_on_a_missing_node_is_left_out_unless_not_ready_addresses_are_published() {
    // reconciler.go (reconcileByAddressType): "skipping Pod for Service, Node not found",
    // unless service.Spec.PublishNotReadyAddresses.
    let manifests = |publish: bool| {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata: {{name: worker-a}}\n---\n\
             apiVersion: v1\nkind: Service\nmetadata: {{name: db}}\n\
             spec: {{clusterIP: None, publishNotReadyAddresses: {publish}, selector: {{app: db}}, ports: [{{port: 5432}}]}}\n---\n\
             apiVersion: v1\nkind: Pod\nmetadata: {{name: db-0, labels: {{app: db}}}}\n\
             spec: {{nodeName: worker-gone}}\n\
             status: {{phase: Running, podIP: 10.250.0.9, conditions: [{{type: Ready, status: \"True\"}}]}}\n---\n\
             apiVersion: v1\nkind: Pod\nmetadata: {{name: db-1, labels: {{app: db}}}}\n\
             spec: {{nodeName: worker-a}}\n\
             status: {{phase: Running, podIP: 10.250.0.10, conditions: [{{type: Ready, status: \"True\"}}]}}\n"
        )
    };
    for (publish, want) in [
        (false, vec!["10.250.0.10"]),
        (true, vec!["10.250.0.10", "10.250.0.9"]),
    ] {
        let cluster = load(&manifests(publish));
        let ready: Vec<String> = cluster
            .service("default", "db")
            .unwrap()
            .ready_ipv4()
            .iter()
            .map(ToString::to_string)
            .collect();
        let mut ready = ready;
        ready.sort();
        assert_eq!(ready, want, "publishNotReadyAddresses: {publish}");
    }
}

#[test]
fn without_node_objects_pods_run_on_the_builder_s_pool() {
    // No Node objects: the nodes are WorkloadConfig::nodes, with addresses from
    // WorkloadConfig::node_addresses (172.18.0.0/16 by default, node i at .2 + i).
    let daemon = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\n\
        spec: {selector: {matchLabels: {app: agent}}, template: {metadata: {labels: {app: agent}}, spec: {hostNetwork: true}}}\n---\n\
        apiVersion: v1\nkind: Service\nmetadata: {name: agent}\n\
        spec: {clusterIP: None, selector: {app: agent}, ports: [{port: 9100}]}\n---\n\
        apiVersion: v1\nkind: Pod\nmetadata: {name: probe}\nspec: {hostNetwork: true, nodeName: node-1}\n";
    let cluster = load(daemon);
    assert_eq!(ip(&cluster, "default", "probe").to_string(), "172.18.0.2");
    let mut builder = Cluster::builder();
    let mut workloads = WorkloadConfig::default();
    workloads.nodes = vec!["node-1".into(), "node-2".into(), "node-3".into()];
    builder.workload_config(workloads);
    builder.add_yaml("agent.yaml", daemon).unwrap();
    let dns = ClusterDns::new(builder.build().unwrap(), Config::default());
    assert_eq!(
        answers(&dns, "agent.default.svc.cluster.local."),
        ["172.18.0.2", "172.18.0.3", "172.18.0.4"]
            .into_iter()
            .map(str::to_owned)
            .collect()
    );
}

#[test]
fn node_changes_move_what_depends_on_them_and_answer_like_a_fresh_load() {
    // A Node's addresses decide its hostNetwork Pods' addresses, its existence whether its
    // Pods run (and which DaemonSet Pods there are): every change answers as a fresh load of
    // the final manifests would.
    let base = fixture("nodes-hostnetwork.yaml");
    let worker_b_v6_only = "apiVersion: v1\nkind: Node\nmetadata: {name: worker-b, labels: {topology.kubernetes.io/zone: zone-b}}\n\
        status: {addresses: [{type: InternalIP, address: 192.168.10.99}]}\n";
    let worker_gone = "apiVersion: v1\nkind: Node\nmetadata: {name: worker-gone}\n\
        status: {addresses: [{type: InternalIP, address: 192.168.10.50}]}\n";
    let mut dns = ClusterDns::new(load(&base), Config::default());
    let names = [
        "node-agent.kube-system.svc.cluster.local.",
        "web.default.svc.cluster.local.",
        "exporter.monitoring.svc.cluster.local.",
    ];
    let same_as_fresh = |dns: &ClusterDns, manifests: &str, step: &str| {
        let fresh = ClusterDns::new(load(manifests), Config::default());
        for name in names {
            assert_eq!(answers(dns, name), answers(&fresh, name), "{step}: {name}");
        }
        let kinds = |d: &ClusterDns| {
            d.cluster()
                .diagnostics()
                .iter()
                .map(|d| format!("{}: {}", d.object, d.kind))
                .collect::<BTreeSet<_>>()
        };
        assert_eq!(kinds(dns), kinds(&fresh), "{step}");
    };
    apply(
        &mut dns,
        Change::apply_yaml("worker-b.yaml", worker_b_v6_only),
    );
    let mut manifests = base.replace("192.168.10.12}", "192.168.10.99}");
    manifests = manifests.replace(
        "    - {type: InternalIP, address: \"fd00:192:168::12\"}\n",
        "",
    );
    assert!(answers(&dns, names[0]).contains("192.168.10.99"));
    same_as_fresh(&dns, &manifests, "worker-b readdressed");

    apply(&mut dns, Change::apply_yaml("gone.yaml", worker_gone));
    manifests.push_str("---\n");
    manifests.push_str(worker_gone);
    assert_eq!(
        answers(&dns, "web.default.svc.cluster.local.").len(),
        2,
        "web-lost now runs on worker-gone"
    );
    assert_eq!(
        answers(&dns, names[0]).len(),
        3,
        "and the DaemonSet runs there too"
    );
    same_as_fresh(&dns, &manifests, "worker-gone added");

    apply(&mut dns, Change::delete(Kind::Node, "", "worker-a"));
    assert_eq!(
        answers(&dns, names[2]).len(),
        0,
        "exporters on worker-a no longer run"
    );
    assert_eq!(
        dns.cluster()
            .pods()
            .filter(|p| p.meta.name.starts_with("node-agent-"))
            .count(),
        2,
        "the DaemonSet's Pod of worker-a is gone"
    );
}

#[test]
fn an_endpoint_s_zone_is_its_node_s_and_answers_zonal_names() {
    // podToEndpoint: zone = the node's topology.kubernetes.io/zone label; rule 26: with zonal,
    // <zone>.pin._zone.<headless svc> answers the endpoints of that zone.
    let dns = support::dns(
        "nodes-hostnetwork.yaml",
        Config::default().with_zonal(true).unwrap(),
    );
    let zone_a = "zone-a.pin._zone.node-agent.kube-system.svc.cluster.local.";
    let zone_b = "zone-b.pin._zone.node-agent.kube-system.svc.cluster.local.";
    check(
        &dns,
        &[
            positive(
                "26 worker-a's zone holds worker-a's agent",
                zone_a,
                A,
                &[
                    "zone-a.pin._zone.node-agent.kube-system.svc.cluster.local. 5 IN A 192.168.10.11",
                ],
                &[],
            ),
            positive(
                "26 worker-b's zone holds worker-b's agent",
                zone_b,
                A,
                &[
                    "zone-b.pin._zone.node-agent.kube-system.svc.cluster.local. 5 IN A 192.168.10.12",
                ],
                &[],
            ),
        ],
    );
}

#[test]
fn a_host_network_pod_of_a_node_without_addresses_has_none() {
    // GetNodeHostIPs finds no InternalIP or ExternalIP: the kubelet has no host IP to give.
    let cluster = load(
        "apiVersion: v1\nkind: Node\nmetadata: {name: bare}\n\
         status: {addresses: [{type: Hostname, address: bare}, {type: InternalIP, address: not-an-ip}]}\n---\n\
         apiVersion: v1\nkind: Pod\nmetadata: {name: probe}\nspec: {hostNetwork: true}\n",
    );
    let probe = pod(&cluster, "default", "probe");
    assert_eq!(
        (probe.node_name.as_deref(), probe.phase, probe.pod_ips.len()),
        (Some("bare"), Some(PodPhase::Running), 0)
    );
    assert_eq!(
        diagnostics(&cluster),
        [(
            "Pod default/probe".to_owned(),
            DiagnosticKind::HostNetworkPodWithoutNodeAddress {
                node: "bare".to_owned()
            }
        )]
    );
}
