//! Pods as a cluster runs them (issue 9, section 1): Pods without `status` scheduled and
//! started, a stated status kept, and the Pod fields the pod-side resolver reads. Each test
//! names the Kubernetes rule it checks and where Kubernetes implements it; rule numbers refer
//! to docs/coredns-rules.md. Nodes and `hostNetwork` are in `tests/nodes.rs`, Jobs and
//! ReplicationControllers in `tests/jobs.rs`.

mod pod_support;
mod support;

use std::collections::BTreeSet;
use std::net::IpAddr;

use k8s_dns_sim::hickory_proto::op::ResponseCode::NXDomain;
use k8s_dns_sim::hickory_proto::rr::RecordType::{A, AAAA, SRV};
use k8s_dns_sim::model::{DnsPolicy, PodPhase, PodStatusSource};
use k8s_dns_sim::workload::{PodCidrs, WorkloadConfig};
use k8s_dns_sim::{Change, Cluster, ClusterDns, Config, DiagnosticKind, Kind};
use pod_support::{
    a_line, addresses, answers, apply, bare_pods, db_with, diagnostics, ip, leak, leak_lines, load,
    pod,
};
use support::{SOA, check, fixture, negative, positive};

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
