//! Pods as a cluster runs them (issue 9, section 1): Pods without `status` scheduled and
//! started, Nodes and `hostNetwork`, ReplicationControllers and Jobs, and the Pod fields the
//! pod-side resolver reads. Each test names the Kubernetes rule it checks and where Kubernetes
//! implements it; rule numbers refer to docs/coredns-rules.md.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use k8s_dns_sim::hickory_proto::op::ResponseCode::{NXDomain, NoError};
use k8s_dns_sim::hickory_proto::rr::RecordType::{A, AAAA, PTR, SRV};
use k8s_dns_sim::model::{DnsPolicy, Pod, PodPhase, PodStatusSource};
use k8s_dns_sim::workload::{PodCidrs, WorkloadConfig};
use k8s_dns_sim::{Change, Cluster, ClusterDns, Config, DiagnosticKind, Kind, ObjectLimits};
use support::{SOA, check, fixture, negative, positive};

/// A `'static` copy of a line built at run time, for a table row.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn load(manifests: &str) -> Cluster {
    Cluster::from_yaml(manifests).unwrap_or_else(|errors| panic!("{errors}"))
}

fn pod<'c>(cluster: &'c Cluster, namespace: &str, name: &str) -> &'c Pod {
    cluster
        .pods()
        .find(|pod| pod.meta.namespace == namespace && pod.meta.name == name)
        .unwrap_or_else(|| panic!("no Pod {namespace}/{name}"))
}

fn ip(cluster: &Cluster, namespace: &str, name: &str) -> IpAddr {
    pod(cluster, namespace, name).pod_ips[0]
}

fn a_line(owner: &str, ip: IpAddr) -> &'static str {
    let kind = if ip.is_ipv4() { "A" } else { "AAAA" };
    leak(format!("{owner} 5 IN {kind} {ip}"))
}

fn answers(dns: &ClusterDns, name: &str) -> BTreeSet<String> {
    dns.lookup(name, A)
        .unwrap()
        .answers
        .iter()
        .map(|record| record.data.to_string())
        .collect()
}

fn apply(dns: &mut ClusterDns, change: Change) {
    dns.apply([change])
        .unwrap_or_else(|errors| panic!("{errors}"));
    dns.cluster().check_consistency().unwrap();
}

fn diagnostics(cluster: &Cluster) -> Vec<(String, DiagnosticKind)> {
    cluster
        .diagnostics()
        .iter()
        .map(|d| (d.object.to_string(), d.kind.clone()))
        .collect()
}

// ------------------------------------------------------------------------------------------
// Pods without status
// ------------------------------------------------------------------------------------------

#[test]
fn the_documentation_s_hostname_and_subdomain_example_answers_as_in_a_cluster() {
    // kubernetes.io/docs/concepts/services-networking/dns-pod-service ("Pod's hostname and
    // subdomain fields"): bare Pods, no status; the scheduler and kubelet start them, and the
    // EndpointSlice controller sets each endpoint's hostname (ShouldSetHostname).
    let cluster = load(&fixture("hostname-subdomain.yaml"));
    for name in ["busybox1", "busybox2"] {
        let pod = pod(&cluster, "default", name);
        assert_eq!(pod.phase, Some(PodPhase::Running), "{name}");
        assert_eq!(
            pod.ready,
            Some(true),
            "{name}: Ready unless stated otherwise"
        );
        assert_eq!(
            pod.node_name.as_deref(),
            Some("node-1"),
            "{name}: the pool's node"
        );
        assert_eq!(
            pod.status_source,
            PodStatusSource::Simulated { chose_node: true }
        );
        let subnet: ipnet::IpNet = "10.244.0.0/24".parse().unwrap();
        assert!(subnet.contains(&pod.pod_ips[0]), "{name}: node-1's subnet");
    }
    let (one, two) = (
        ip(&cluster, "default", "busybox1"),
        ip(&cluster, "default", "busybox2"),
    );
    let fqdn1 = "busybox-1.busybox-subdomain.default.svc.cluster.local.";
    let fqdn2 = "busybox-2.busybox-subdomain.default.svc.cluster.local.";
    let service = "busybox-subdomain.default.svc.cluster.local.";
    let srv = "_foo._tcp.busybox-subdomain.default.svc.cluster.local.";
    let dns = ClusterDns::new(cluster, Config::default());
    check(
        &dns,
        &[
            positive(
                "14 dns-pod-service: <hostname>.<subdomain> answers the Pod's address",
                fqdn1,
                A,
                leak_lines(&[a_line(fqdn1, one)]),
                &[],
            ),
            positive(
                "14 the other Pod's own name",
                fqdn2,
                A,
                leak_lines(&[a_line(fqdn2, two)]),
                &[],
            ),
            positive(
                "12 the headless Service answers both Pods",
                service,
                A,
                leak_lines(&[a_line(service, one), a_line(service, two)]),
                &[],
            ),
            positive(
                "16 SRV targets are the hostnames",
                srv,
                SRV,
                leak_lines(&[
                    leak(format!("{srv} 5 IN SRV 0 50 1234 {fqdn1}")),
                    leak(format!("{srv} 5 IN SRV 0 50 1234 {fqdn2}")),
                ]),
                leak_lines(&[a_line(fqdn1, one), a_line(fqdn2, two)]),
            ),
            negative(
                "14 a Pod with a hostname answers to it only, not to its name",
                "busybox1.busybox-subdomain.default.svc.cluster.local.",
                A,
                NXDomain,
                SOA,
            ),
        ],
    );
}

fn leak_lines(lines: &[&'static str]) -> &'static [&'static str] {
    Box::leak(lines.to_vec().into_boxed_slice())
}

/// A headless Service `db` and one Pod `db-0` of app `db`, the Pod's document given.
fn db_with(pod: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{name: db}}\n\
         spec: {{clusterIP: None, publishNotReadyAddresses: false, selector: {{app: db}}, ports: [{{name: pg, port: 5432}}]}}\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: db-0\n  labels: {{app: db}}\n{pod}"
    )
}

#[test]
fn a_pod_s_status_decides_what_the_cluster_makes_of_it() {
    // A Pod without status is scheduled and started (Running, Ready unless
    // k8s-dns-sim.io/ready says otherwise, an address from its node's subnet); a stated status
    // is kept as dumped, a Pending one without an address included; finished Pods are no
    // endpoints (ShouldPodBeInEndpoints: IsPodTerminal, no IP).
    let in_node_subnet = |ip: &IpAddr| {
        "10.244.0.0/24"
            .parse::<ipnet::IpNet>()
            .unwrap()
            .contains(ip)
    };
    type Expect = (Option<PodPhase>, Option<bool>, bool, usize);
    let cases: &[(&str, &str, Expect)] = &[
        (
            "no status: started, Ready",
            "spec: {containers: [{name: c, image: i}]}\n",
            (Some(PodPhase::Running), Some(true), true, 1),
        ),
        (
            "no status, k8s-dns-sim.io/ready false: started, not Ready",
            "  annotations: {k8s-dns-sim.io/ready: \"false\"}\nspec: {containers: [{name: c, image: i}]}\n",
            (Some(PodPhase::Running), Some(false), true, 0),
        ),
        (
            "stated podIP: kept",
            "status: {phase: Running, podIP: 10.250.0.9, conditions: [{type: Ready, status: \"True\"}]}\n",
            (Some(PodPhase::Running), Some(true), false, 1),
        ),
        (
            "status without an address (Pending in a dump): stays without one",
            "status: {phase: Pending}\n",
            (Some(PodPhase::Pending), None, false, 0),
        ),
        (
            "an empty status counts as stated",
            "status: {}\n",
            (None, None, false, 0),
        ),
        (
            "Failed: not an endpoint",
            "status: {phase: Failed, podIP: 10.250.0.9, conditions: [{type: Ready, status: \"True\"}]}\n",
            (Some(PodPhase::Failed), Some(true), false, 0),
        ),
        (
            "Succeeded: not an endpoint",
            "status: {phase: Succeeded, podIP: 10.250.0.9, conditions: [{type: Ready, status: \"True\"}]}\n",
            (Some(PodPhase::Succeeded), Some(true), false, 0),
        ),
        (
            "bound to a node the cluster does not have: Pending, no address",
            "spec: {nodeName: worker-9, containers: [{name: c, image: i}]}\n",
            (Some(PodPhase::Pending), None, false, 0),
        ),
    ];
    for (case, pod_yaml, (phase, ready, allocated, endpoints)) in cases {
        let cluster = load(&db_with(pod_yaml));
        let db0 = pod(&cluster, "default", "db-0");
        assert_eq!(db0.phase, *phase, "{case}");
        assert_eq!(db0.ready, *ready, "{case}");
        assert_eq!(
            db0.pod_ips.first().is_some_and(in_node_subnet),
            *allocated,
            "{case}: {:?}",
            db0.pod_ips
        );
        let service = cluster.service("default", "db").unwrap();
        assert_eq!(service.ready_ipv4().len(), *endpoints, "{case}");
        cluster.check_consistency().unwrap();
    }
    // The Pod on a missing node is told about.
    let cluster = load(&db_with(cases[7].1));
    assert_eq!(
        diagnostics(&cluster)
            .into_iter()
            .filter(|(object, _)| object == "Pod default/db-0")
            .map(|(_, kind)| kind)
            .collect::<Vec<_>>(),
        [DiagnosticKind::PodOnMissingNode {
            node: "worker-9".to_owned(),
            nodes_loaded: false
        }]
    );
}

#[test]
fn readiness_set_later_is_the_pod_s_own_and_survives_an_apply() {
    // Change::SetPodReady writes a started Pod's status; `kubectl apply` of its manifest
    // (which has no status) leaves the status as it is, as the API server does.
    let manifests = db_with("spec: {containers: [{name: c, image: i}]}\n");
    let mut dns = ClusterDns::new(load(&manifests), Config::default());
    let address = ip(dns.cluster(), "default", "db-0");
    let name = "db.default.svc.cluster.local.";
    assert_eq!(answers(&dns, name), BTreeSet::from([address.to_string()]));
    apply(&mut dns, Change::pod_ready("default", "db-0", false));
    assert_eq!(
        dns.lookup(name, A).unwrap().outcome,
        k8s_dns_sim::Outcome::NxDomain
    );
    apply(
        &mut dns,
        Change::apply_yaml("again.yaml", manifests.clone()),
    );
    assert_eq!(
        pod(dns.cluster(), "default", "db-0").ready,
        Some(false),
        "the apply kept the status"
    );
    assert_eq!(
        ip(dns.cluster(), "default", "db-0"),
        address,
        "and the address"
    );
    apply(&mut dns, Change::pod_ready("default", "db-0", true));
    assert_eq!(answers(&dns, name), BTreeSet::from([address.to_string()]));
    // Deleted and created again, it is a new Pod, started afresh.
    apply(&mut dns, Change::pod_ready("default", "db-0", false));
    dns.apply([
        Change::delete(Kind::Pod, "default", "db-0"),
        Change::apply_yaml("new.yaml", manifests),
    ])
    .unwrap();
    assert_eq!(pod(dns.cluster(), "default", "db-0").ready, Some(true));
}

/// `count` bare Pods of app `app` in `namespace`, in name order or reversed.
fn bare_pods(namespace: &str, count: usize, reversed: bool) -> String {
    let mut names: Vec<usize> = (0..count).collect();
    if reversed {
        names.reverse();
    }
    names
        .into_iter()
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: p-{i}, namespace: {namespace}, labels: {{app: app}}}}\n\
                 spec: {{containers: [{{name: c, image: i}}]}}\n---\n"
            )
        })
        .collect()
}

fn addresses(cluster: &Cluster) -> BTreeMap<String, Vec<IpAddr>> {
    cluster
        .pods()
        .map(|pod| {
            (
                format!("{}/{}", pod.meta.namespace, pod.meta.name),
                pod.pod_ips.clone(),
            )
        })
        .collect()
}

#[test]
fn addresses_do_not_depend_on_the_order_of_the_input() {
    // Allocation runs in name order within each namespace's pass, as for workload Pods, so
    // 60 Pods in one /24 (where first choices collide) get the same addresses however the
    // input is ordered or split.
    let forward = load(&(bare_pods("a", 60, false) + &bare_pods("b", 20, false)));
    let backward = load(&(bare_pods("b", 20, true) + &bare_pods("a", 60, true)));
    let mut builder = Cluster::builder();
    builder
        .add_yaml("b.yaml", &bare_pods("b", 20, false))
        .unwrap();
    builder
        .add_yaml("a.yaml", &bare_pods("a", 60, true))
        .unwrap();
    let split = builder.build().unwrap();
    assert_eq!(addresses(&forward), addresses(&backward));
    assert_eq!(addresses(&forward), addresses(&split));
    let all: Vec<IpAddr> = addresses(&forward).into_values().flatten().collect();
    assert_eq!(all.len(), 80);
    assert_eq!(
        all.iter().collect::<BTreeSet<_>>().len(),
        80,
        "no two Pods share one"
    );
}

#[test]
fn bare_pods_are_dual_stack_when_the_pod_cidrs_are() {
    let manifests = db_with("spec: {containers: [{name: c, image: i}]}\n").replace(
        "clusterIP: None,",
        "clusterIP: None, ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv4, IPv6],",
    );
    let mut builder = Cluster::builder();
    let mut workloads = WorkloadConfig::default();
    workloads.pod_cidrs = PodCidrs::dual_stack();
    builder.workload_config(workloads);
    builder.add_yaml("db.yaml", &manifests).unwrap();
    let cluster = builder.build().unwrap();
    let ips = pod(&cluster, "default", "db-0").pod_ips.clone();
    assert!(
        ips.len() == 2 && ips[0].is_ipv4() && ips[1].is_ipv6(),
        "{ips:?}"
    );
    let dns = ClusterDns::new(cluster, Config::default());
    let name = "db.default.svc.cluster.local.";
    check(
        &dns,
        &[positive(
            "12 a dual-stack headless Service answers the Pod's IPv6 address",
            name,
            AAAA,
            leak_lines(&[a_line(name, ips[1])]),
            &[],
        )],
    );
}

// ------------------------------------------------------------------------------------------
// Nodes and hostNetwork
// ------------------------------------------------------------------------------------------

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
        .map(|e| {
            (
                e.target_ref.as_ref().map(|t| t.name.as_str()),
                e.zone.as_deref(),
            )
        })
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

// ------------------------------------------------------------------------------------------
// ReplicationControllers and Jobs
// ------------------------------------------------------------------------------------------

fn is_generated_name(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix).is_some_and(|suffix| {
        suffix.len() == 5
            && suffix
                .bytes()
                .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
    })
}

#[test]
fn indexed_job_pods_get_hostnames_under_their_subdomain() {
    // job_controller.go manageJob: an Indexed Job's Pod of index i gets the annotation and
    // label batch.kubernetes.io/job-completion-index, hostname <job>-<i>, generateName
    // <job>-<i>- (podGenerateNameWithIndex); firstPendingIndexes runs the lowest indexes,
    // min(parallelism, completions) at once. The template's subdomain makes them
    // <job>-<i>.<subdomain>.<ns>.svc names (the docs' "Job with Pod-to-Pod Communication").
    let cluster = load(&fixture("jobs.yaml"));
    let workers: Vec<&Pod> = cluster
        .pods()
        .filter(|p| p.meta.labels.get("job-name").map(String::as_str) == Some("workers"))
        .collect();
    assert_eq!(workers.len(), 2, "parallelism 2 of 3 completions");
    for (index, pod) in workers.iter().enumerate() {
        let index = index.to_string();
        let labels = &pod.meta.labels;
        assert!(
            is_generated_name(&pod.meta.name, &format!("workers-{index}-")),
            "{}",
            pod.meta.name
        );
        assert_eq!(labels["batch.kubernetes.io/job-completion-index"], index);
        assert_eq!(
            pod.meta.annotations["batch.kubernetes.io/job-completion-index"],
            index
        );
        assert_eq!(labels["batch.kubernetes.io/job-name"], "workers");
        assert_eq!(
            labels["controller-uid"],
            labels["batch.kubernetes.io/controller-uid"]
        );
        assert_eq!(
            pod.hostname.as_deref(),
            Some(format!("workers-{index}").as_str())
        );
        assert_eq!(pod.subdomain.as_deref(), Some("workers"));
    }
    let ip0 = workers[0].pod_ips[0];
    let ip1 = workers[1].pod_ips[0];
    let dns = ClusterDns::new(cluster.clone(), Config::default());
    let w0 = "workers-0.workers.default.svc.cluster.local.";
    let w1 = "workers-1.workers.default.svc.cluster.local.";
    check(
        &dns,
        &[
            positive(
                "14 the Pod of index 0 by its hostname",
                w0,
                A,
                leak_lines(&[a_line(w0, ip0)]),
                &[],
            ),
            positive(
                "14 the Pod of index 1",
                w1,
                A,
                leak_lines(&[a_line(w1, ip1)]),
                &[],
            ),
            negative(
                "14 index 2 waits: not running, no name",
                "workers-2.workers.default.svc.cluster.local.",
                A,
                NXDomain,
                SOA,
            ),
        ],
    );
}

#[test]
fn non_indexed_jobs_and_replication_controllers_name_pods_from_generate_name() {
    // manageJob: min(parallelism, completions) Pods, generateName <job>-; the ReplicaSet
    // controller over a ReplicationController: replicas Pods, generateName <rc>-.
    let mut dns = ClusterDns::new(load(&fixture("jobs.yaml")), Config::default());
    let names = |dns: &ClusterDns, prefix: &str| -> Vec<String> {
        dns.cluster()
            .pods()
            .filter(|p| is_generated_name(&p.meta.name, prefix))
            .map(|p| p.meta.name.clone())
            .collect()
    };
    assert_eq!(
        names(&dns, "batch-").len(),
        2,
        "completions 2 < parallelism 5"
    );
    assert_eq!(names(&dns, "legacy-").len(), 3);
    let srv = dns
        .lookup("_http._tcp.legacy.default.svc.cluster.local.", SRV)
        .unwrap();
    assert_eq!(
        srv.answers.len(),
        3,
        "the named targetPort resolves on each Pod"
    );
    let skipped: Vec<(&str, Option<&str>)> = dns
        .cluster()
        .skipped()
        .iter()
        .map(|s| (s.kind.as_str(), s.name.as_deref()))
        .collect();
    assert_eq!(
        skipped,
        [("CronJob", Some("nightly"))],
        "CronJob is listed, not run"
    );
    apply(
        &mut dns,
        Change::scale(Kind::ReplicationController, "default", "legacy", 1),
    );
    assert_eq!(names(&dns, "legacy-").len(), 1, "kubectl scale rc");
    let refused = dns
        .apply([Change::scale(Kind::Job, "default", "batch", 3)])
        .unwrap_err();
    assert!(
        refused.to_string().contains("found one to a Job"),
        "{refused}"
    );
}

/// A Job `j` with `spec` (flow YAML inside `spec: {…}`) and an optional `status`.
fn job(spec: &str, status: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: j}}\n\
         spec: {{{spec}, template: {{spec: {{restartPolicy: Never, containers: [{{name: c, image: i}}]}}}}}}\n{status}"
    )
}

fn job_pods(manifests: &str) -> Vec<String> {
    load(manifests)
        .pods()
        .filter(|p| p.meta.labels.get("job-name").map(String::as_str) == Some("j"))
        .filter(|p| p.phase == Some(PodPhase::Running))
        .map(|p| {
            p.meta
                .annotations
                .get("batch.kubernetes.io/job-completion-index")
                .cloned()
                .unwrap_or_else(|| "-".to_owned())
        })
        .collect()
}

#[test]
fn a_job_runs_the_pods_its_progress_leaves() {
    // SetDefaults_Job (both unset: 1 and 1; parallelism alone: 1), manageJob (wantActive:
    // completions − succeeded, at most parallelism; parallelism for a work queue; none when
    // suspended), syncJob (a finished Job runs nothing), firstPendingIndexes.
    // A Pod of the Job (selected through the generated controller-uid label, the Job's uid).
    let done = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: j-0-done\n  \
        labels: {job-name: j, batch.kubernetes.io/controller-uid: 0b5c1f2e-uid}\n  \
        annotations: {batch.kubernetes.io/job-completion-index: \"0\"}\nstatus: {phase: Succeeded}\n---\n";
    let with_uid = |manifests: String| {
        manifests.replace(
            "metadata: {name: j}",
            "metadata: {name: j, uid: 0b5c1f2e-uid}",
        )
    };
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        ("defaults: one Pod", job("suspend: false", ""), vec!["-"]),
        (
            "a work queue runs parallelism Pods",
            job("parallelism: 3", ""),
            vec!["-", "-", "-"],
        ),
        (
            "completions below parallelism",
            job("parallelism: 3, completions: 2", ""),
            vec!["-", "-"],
        ),
        (
            "status.succeeded counts",
            job("parallelism: 3, completions: 4", "status: {succeeded: 3}\n"),
            vec!["-"],
        ),
        (
            "suspended: none",
            job("suspend: true, completions: 2", ""),
            vec![],
        ),
        (
            "finished: none",
            job(
                "completions: 2",
                "status: {conditions: [{type: Complete, status: \"True\"}]}\n",
            ),
            vec![],
        ),
        (
            "parallelism 0: none",
            job("parallelism: 0, completions: 2", ""),
            vec![],
        ),
        (
            "Indexed: the lowest pending indexes",
            job(
                "completionMode: Indexed, completions: 4, parallelism: 2",
                "status: {completedIndexes: \"0,2\"}\n",
            ),
            vec!["1", "3"],
        ),
        (
            "Indexed: a Succeeded Pod of the input completes its index",
            format!(
                "{done}{}",
                with_uid(job(
                    "completionMode: Indexed, completions: 3, parallelism: 3",
                    ""
                ))
            ),
            vec!["1", "2"],
        ),
    ];
    for (case, manifests, want) in cases {
        assert_eq!(job_pods(&manifests), want, "{case}");
    }
}

#[test]
fn object_limits_bound_the_new_kinds_and_bare_pods() {
    // ObjectLimits: a Job's Pods at once count against pods_per_workload (field
    // spec.parallelism), a ReplicationController's replicas too, and bare Pods against pods.
    let mut limits = ObjectLimits::default();
    limits.pods_per_workload = 10;
    limits.pods = 25;
    let load_with = |manifests: &str| {
        let mut builder = Cluster::builder();
        builder.object_limits(limits);
        builder.add_yaml("in.yaml", manifests).unwrap();
        builder
            .build()
            .map(|_| ())
            .map_err(|errors| errors.to_string())
    };
    let rc = "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\n\
        spec: {replicas: 11, template: {metadata: {labels: {app: rc}}}}\n";
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "a Job",
            job("parallelism: 11", ""),
            "Job default/j: spec.parallelism: expected at most 10 Pods (ObjectLimits::pods_per_workload), found 11",
        ),
        (
            "a ReplicationController",
            rc.to_owned(),
            "ReplicationController default/rc: spec.replicas: expected at most 10 Pods (ObjectLimits::pods_per_workload), found 11",
        ),
        (
            "bare Pods",
            bare_pods("default", 26, false),
            "expected at most 25 Pods in the cluster (ObjectLimits::pods), found 26 Pods",
        ),
    ];
    for (case, manifests, want) in cases {
        let error = load_with(&manifests).unwrap_err();
        assert!(error.contains(want), "{case}: {error}");
    }
    assert!(load_with(&bare_pods("default", 25, false)).is_ok());
}

// ------------------------------------------------------------------------------------------
// The Pod fields the resolver reads
// ------------------------------------------------------------------------------------------

#[test]
fn the_resolver_s_pod_fields_are_loaded_on_pods_and_templates() {
    // validatePodDNSConfig, validateDNSPolicy (ClusterFirst by default), ValidateHostAliases:
    // read for the pod-side resolver, copied from a template into every Pod made from it.
    let spec = "hostNetwork: true, dnsPolicy: None, setHostnameAsFQDN: true, \
        dnsConfig: {nameservers: [1.2.3.4], searches: [ns1.svc.cluster-domain.example, my.dns.search.suffix], \
        options: [{name: ndots, value: \"2\"}, {name: edns0}]}, \
        hostAliases: [{ip: 127.0.0.1, hostnames: [foo.local, bar.local]}]";
    let manifests = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: dns-example}}\nspec: {{{spec}}}\n---\n\
         apiVersion: v1\nkind: Pod\nmetadata: {{name: plain}}\nspec: {{}}\n---\n\
         apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d}}\n\
         spec: {{selector: {{matchLabels: {{app: d}}}}, template: {{metadata: {{labels: {{app: d}}}}, spec: {{{spec}}}}}}}\n"
    );
    let cluster = load(&manifests);
    let made = cluster
        .pods()
        .find(|p| p.meta.name.starts_with("d-"))
        .unwrap();
    for pod in [pod(&cluster, "default", "dns-example"), made] {
        let name = &pod.meta.name;
        assert!(pod.host_network, "{name}");
        assert!(pod.set_hostname_as_fqdn, "{name}");
        assert_eq!(pod.dns_policy, DnsPolicy::None, "{name}");
        let config = pod.dns_config.as_ref().unwrap();
        assert_eq!(config.nameservers, ["1.2.3.4".parse::<IpAddr>().unwrap()]);
        assert_eq!(
            config.searches,
            ["ns1.svc.cluster-domain.example", "my.dns.search.suffix"]
        );
        let options: Vec<(&str, Option<&str>)> = config
            .options
            .iter()
            .map(|o| (o.name.as_str(), o.value.as_deref()))
            .collect();
        assert_eq!(options, [("ndots", Some("2")), ("edns0", None)]);
        assert_eq!(pod.host_aliases.len(), 1);
        assert_eq!(pod.host_aliases[0].hostnames, ["foo.local", "bar.local"]);
        assert_eq!(
            pod.pod_ips,
            ["172.18.0.2".parse::<IpAddr>().unwrap()],
            "{name}: on the host network of node-1"
        );
    }
    let plain = pod(&cluster, "default", "plain");
    assert_eq!(plain.dns_policy, DnsPolicy::ClusterFirst, "the default");
    assert!(!plain.host_network && plain.dns_config.is_none() && plain.host_aliases.is_empty());
    let template = &cluster.workloads().next().unwrap().template;
    assert_eq!(template.dns_policy, DnsPolicy::None);
    assert!(template.host_network);
}

// ------------------------------------------------------------------------------------------
// Any change sequence answers like a fresh load
// ------------------------------------------------------------------------------------------

mod sequences {
    use super::*;
    use proptest::prelude::*;

    /// A generated Pod of namespace `shop`, selected by the headless Service `app`.
    #[derive(Debug, Clone)]
    struct GenPod {
        id: usize,
        hostname: bool,
        host_network: bool,
        /// A stated status with this last octet of `10.250.0.0/24` (outside the pod CIDR).
        stated: Option<u8>,
        ready: bool,
    }

    #[derive(Debug, Clone)]
    struct Model {
        pods: Vec<GenPod>,
        /// The InternalIP of a `node-1` Node object, when there is one.
        node: Option<u8>,
    }

    #[derive(Debug, Clone)]
    enum Edit {
        FlipReady(usize),
        Delete(usize),
        Reapply(usize),
        Add(bool, bool),
        Readdress(u8),
    }

    fn gen_pod() -> impl Strategy<Value = (bool, bool, Option<u8>, bool)> {
        (
            any::<bool>(),
            prop::bool::weighted(0.2),
            prop::option::weighted(0.25, 1u8..250),
            prop::bool::weighted(0.8),
        )
    }

    fn model() -> impl Strategy<Value = Model> {
        (
            prop::collection::vec(gen_pod(), 1..14),
            prop::option::of(1u8..250),
        )
            .prop_map(|(pods, node)| Model {
                pods: pods
                    .into_iter()
                    .enumerate()
                    .map(|(id, (hostname, host_network, stated, ready))| GenPod {
                        id,
                        hostname,
                        host_network,
                        // Stated addresses are distinct, as a dump's are.
                        stated: stated.map(|_| u8::try_from(id + 1).unwrap_or(1)),
                        ready,
                    })
                    .collect(),
                node,
            })
    }

    fn edits() -> impl Strategy<Value = Vec<Edit>> {
        let edit = prop_oneof![
            any::<usize>().prop_map(Edit::FlipReady),
            any::<usize>().prop_map(Edit::Delete),
            any::<usize>().prop_map(Edit::Reapply),
            (any::<bool>(), prop::bool::weighted(0.2)).prop_map(|(h, n)| Edit::Add(h, n)),
            (1u8..250).prop_map(Edit::Readdress),
        ];
        prop::collection::vec(edit, 1..8)
    }

    fn render_pod(pod: &GenPod) -> String {
        let name = format!("p-{}", pod.id);
        let mut text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: shop\n  labels: {{app: app}}\n"
        );
        if pod.stated.is_none() {
            text.push_str(&format!(
                "  annotations: {{k8s-dns-sim.io/ready: \"{}\"}}\n",
                pod.ready
            ));
        }
        text.push_str("spec:\n  containers: [{name: c, image: i, ports: [{containerPort: 80, name: http}]}]\n");
        if pod.hostname {
            text.push_str(&format!("  hostname: h-{}\n  subdomain: app\n", pod.id));
        }
        if pod.host_network {
            text.push_str("  hostNetwork: true\n");
        }
        if let Some(octet) = pod.stated {
            let status = if pod.ready { "True" } else { "False" };
            text.push_str(&format!(
                "  nodeName: node-1\nstatus: {{phase: Running, podIP: 10.250.0.{octet}, conditions: [{{type: Ready, status: \"{status}\"}}]}}\n"
            ));
        }
        text
    }

    fn render_node(octet: u8) -> String {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata: {{name: node-1}}\n\
             status: {{addresses: [{{type: InternalIP, address: 192.168.0.{octet}}}]}}\n"
        )
    }

    fn render(model: &Model) -> String {
        let mut text = "apiVersion: v1\nkind: Service\nmetadata: {name: app, namespace: shop}\n\
            spec: {clusterIP: None, selector: {app: app}, ports: [{name: http, port: 80, targetPort: http}]}\n"
            .to_owned();
        for pod in &model.pods {
            text.push_str("---\n");
            text.push_str(&render_pod(pod));
        }
        if let Some(octet) = model.node {
            text.push_str("---\n");
            text.push_str(&render_node(octet));
        }
        text
    }

    /// The Change for an edit, and the model after it.
    fn apply_edit(model: &mut Model, next_id: &mut usize, edit: &Edit) -> Option<Vec<Change>> {
        let count = model.pods.len();
        match *edit {
            Edit::FlipReady(i) if count > 0 => {
                let pod = &mut model.pods[i % count];
                pod.ready = !pod.ready;
                Some(vec![Change::pod_ready(
                    "shop",
                    &format!("p-{}", pod.id),
                    pod.ready,
                )])
            }
            Edit::Delete(i) if count > 0 => {
                let pod = model.pods.remove(i % count);
                Some(vec![Change::delete(
                    Kind::Pod,
                    "shop",
                    &format!("p-{}", pod.id),
                )])
            }
            Edit::Reapply(i) if count > 0 => {
                let pod = &model.pods[i % count];
                Some(vec![Change::apply_yaml("again.yaml", render_pod(pod))])
            }
            Edit::Add(hostname, host_network) => {
                let pod = GenPod {
                    id: *next_id,
                    hostname,
                    host_network,
                    stated: None,
                    ready: true,
                };
                *next_id += 1;
                let manifests = render_pod(&pod);
                model.pods.push(pod);
                Some(vec![Change::apply_yaml("new.yaml", manifests)])
            }
            Edit::Readdress(octet) => {
                model.node = Some(octet);
                Some(vec![Change::apply_yaml("node.yaml", render_node(octet))])
            }
            _ => None,
        }
    }

    /// What a fresh load and a changed cluster must agree on.
    fn observed(dns: &ClusterDns, model: &Model) -> Vec<(String, BTreeSet<String>)> {
        let cluster = dns.cluster();
        let mut out: Vec<(String, BTreeSet<String>)> = cluster
            .pods()
            .map(|pod| {
                let mut facts: BTreeSet<String> =
                    pod.pod_ips.iter().map(ToString::to_string).collect();
                facts.insert(format!("ready={:?} node={:?}", pod.ready, pod.node_name));
                (pod.meta.name.clone(), facts)
            })
            .collect();
        let mut names = vec![
            "app.shop.svc.cluster.local.".to_owned(),
            "_http._tcp.app.shop.svc.cluster.local.".to_owned(),
        ];
        names.extend(
            model
                .pods
                .iter()
                .map(|pod| format!("h-{}.app.shop.svc.cluster.local.", pod.id)),
        );
        for name in names {
            for qtype in [A, SRV] {
                let answer = dns.lookup(&name, qtype).unwrap();
                let lines = answer
                    .answers
                    .iter()
                    .chain(answer.additionals.iter())
                    .map(ToString::to_string)
                    .collect();
                out.push((format!("{name} {qtype:?} {:?}", answer.outcome), lines));
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Bare Pods, started or stated, readiness flips, deletions, re-applies, new Pods and
        /// a Node readdressed: the changed cluster answers as a fresh load of the final state.
        #[test]
        fn pod_changes_answer_as_a_fresh_load_of_the_final_state(model in model(), edits in edits()) {
            let mut live = ClusterDns::new(load(&render(&model)), Config::default());
            let mut model = model;
            let mut next_id = 1000;
            for edit in &edits {
                if let Some(changes) = apply_edit(&mut model, &mut next_id, edit) {
                    live.apply(changes).unwrap();
                }
            }
            prop_assert_eq!(live.cluster().check_consistency(), Ok(()));
            let fresh = ClusterDns::new(load(&render(&model)), Config::default());
            prop_assert_eq!(observed(&live, &model), observed(&fresh, &model));
        }
    }
}
