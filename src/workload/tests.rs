//! Table tests for workload expansion, each naming the Kubernetes function whose rule it
//! checks.

// Table tests spell their row types out.
#![allow(clippy::type_complexity)]

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::model::{
    ContainerPort, Protocol, READY_ANNOTATION, READY_REPLICAS_ANNOTATION, Readiness,
};
use crate::model::{ObjectMeta, Selector};

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn template() -> PodTemplate {
    let mut template = PodTemplate::with_labels(labels(&[("app", "web")]));
    template.container_ports = vec![ContainerPort {
        name: Some("http".to_owned()),
        port: 8080,
        protocol: Protocol::Tcp,
    }];
    template
}

fn selector(pairs: &[(&str, &str)]) -> Selector {
    Selector::new(labels(pairs))
}

/// A StatefulSet `default/web` of the `nginx` Service, starting at ordinal `ordinals_start`.
fn sts_from(replicas: u32, service_name: Option<&str>, ordinals_start: u32) -> Workload {
    let spec = WorkloadSpec::StatefulSet {
        replicas,
        service_name: service_name.map(str::to_owned),
        ordinals_start,
    };
    let mut set = Workload::new(spec, "default", "web");
    set.selector = selector(&[("app", "web")]);
    set.template = template();
    set
}

fn sts(replicas: u32) -> Workload {
    sts_from(replicas, Some("nginx"), 0)
}

fn deployment(replicas: u32) -> Workload {
    let mut d = Workload::new(WorkloadSpec::Deployment { replicas }, "default", "api");
    d.selector = selector(&[("app", "web")]);
    d.template = template();
    d
}

fn replica_set_named(name: &str, replicas: u32) -> Workload {
    Workload::new(WorkloadSpec::ReplicaSet { replicas }, "default", name)
}

fn replica_set(replicas: u32) -> Workload {
    let mut rs = replica_set_named("front", replicas);
    rs.selector = selector(&[("app", "web")]);
    rs.template = template();
    rs
}

fn daemon_set() -> Workload {
    let mut ds = Workload::new(WorkloadSpec::DaemonSet, "kube-system", "agent");
    ds.selector = selector(&[("app", "agent")]);
    ds.template = PodTemplate::with_labels(labels(&[("app", "agent")]));
    ds
}

fn run(workloads: &[Workload], existing: &[Pod], config: &WorkloadConfig) -> Expansion {
    let workloads: Vec<&Workload> = workloads.iter().collect();
    let existing: Vec<&Pod> = existing.iter().collect();
    let nodes = nodes::NodeSet::new(&[], config);
    expand(&workloads, &existing, &nodes, &|_| false, config)
}

fn names(expansion: &Expansion) -> Vec<&str> {
    expansion
        .pods
        .iter()
        .map(|p| p.meta.name.as_str())
        .collect()
}

fn input_pod(namespace: &str, name: &str, pod_labels: &[(&str, &str)], ip: &str) -> Pod {
    let mut pod = Pod::new(namespace, name);
    pod.meta.labels = labels(pod_labels);
    pod.node_name = Some("node-1".to_owned());
    pod.phase = Some(PodPhase::Running);
    pod.pod_ips = vec![ip.parse().unwrap()];
    pod.ready = Some(true);
    pod.status_source = crate::model::PodStatusSource::Manifest;
    pod
}

fn is_generated(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix).is_some_and(|suffix| {
        suffix.len() == generated::SUFFIX_LEN
            && suffix
                .bytes()
                .all(|b| generated::SAFE_ALPHABET.contains(&b))
    })
}

#[test]
fn stateful_set_pods_have_ordinal_names_hostnames_and_the_service_subdomain() {
    // getPodName, initIdentity, updateIdentity (statefulset/stateful_set_utils.go).
    let out = run(&[sts(3)], &[], &WorkloadConfig::default());
    assert_eq!(names(&out), ["web-0", "web-1", "web-2"]);
    for (i, pod) in out.pods.iter().enumerate() {
        let case = &pod.meta.name;
        assert_eq!(
            pod.hostname.as_deref(),
            Some(pod.meta.name.as_str()),
            "{case}"
        );
        assert_eq!(pod.subdomain.as_deref(), Some("nginx"), "{case}");
        assert_eq!(pod.meta.namespace, "default");
        assert_eq!(pod.meta.labels.get("app").map(String::as_str), Some("web"));
        assert_eq!(
            pod.meta.labels.get(STATEFULSET_POD_NAME_LABEL),
            Some(&pod.meta.name)
        );
        assert_eq!(pod.meta.labels.get(POD_INDEX_LABEL), Some(&i.to_string()));
        let revision = &pod.meta.labels[CONTROLLER_REVISION_HASH_LABEL];
        assert!(revision.starts_with("web-"), "{revision}");
        assert_eq!(
            (pod.phase, pod.ready, pod.terminating),
            (Some(PodPhase::Running), Some(true), false)
        );
        assert_eq!(pod.container_ports.len(), 1);
        assert_eq!(pod.pod_ips.len(), 1);
    }

    // spec.ordinals.start, and a template hostname that initIdentity overrides.
    let mut set = sts_from(2, None, 5);
    set.template.hostname = Some("ignored".to_owned());
    let out = run(&[set], &[], &WorkloadConfig::default());
    assert_eq!(names(&out), ["web-5", "web-6"]);
    assert_eq!(out.pods[0].hostname.as_deref(), Some("web-5"));
    assert_eq!(out.pods[0].subdomain, None);
}

#[test]
fn deployments_make_a_hashed_replica_set_whose_pods_have_generated_names() {
    // getNewReplicaSet (deployment/sync.go), ComputeHash, GetPodFromTemplate, SimpleNameGenerator.
    let out = run(&[deployment(3)], &[], &WorkloadConfig::default());
    assert_eq!(out.replica_sets.len(), 1);
    let rs = &out.replica_sets[0];
    let hash = rs
        .meta
        .name
        .strip_prefix("api-")
        .expect("<deployment>-<hash>");
    assert!(
        (1..=10).contains(&hash.len())
            && hash.bytes().all(|b| generated::SAFE_ALPHABET.contains(&b))
    );
    assert_eq!(
        rs.selector
            .labels()
            .get(POD_TEMPLATE_HASH_LABEL)
            .map(String::as_str),
        Some(hash)
    );
    assert_eq!(
        rs.meta
            .labels
            .get(POD_TEMPLATE_HASH_LABEL)
            .map(String::as_str),
        Some(hash)
    );
    assert_eq!(out.pods.len(), 3);
    for pod in &out.pods {
        assert!(
            is_generated(&pod.meta.name, &format!("{}-", rs.meta.name)),
            "{}",
            pod.meta.name
        );
        assert_eq!(
            pod.meta
                .labels
                .get(POD_TEMPLATE_HASH_LABEL)
                .map(String::as_str),
            Some(hash)
        );
        assert_eq!(pod.hostname, None, "Deployment pods have no spec.hostname");
    }
}

#[test]
fn replica_sets_and_daemon_sets_name_pods_from_generate_name() {
    // manageReplicas (replicaset/replica_set.go); syncNodes (daemon/daemon_controller.go).
    let config = WorkloadConfig {
        nodes: vec!["a".to_owned(), "b".to_owned(), "c".to_owned()],
        ..WorkloadConfig::default()
    };
    let cases: Vec<(&str, Workload, &str, usize)> = vec![
        ("ReplicaSet", replica_set(2), "front-", 2),
        ("DaemonSet: one per node", daemon_set(), "agent-", 3),
    ];
    for (case, workload, prefix, count) in cases {
        let out = run(&[workload], &[], &config);
        assert_eq!(out.pods.len(), count, "{case}");
        assert!(
            out.pods.iter().all(|p| is_generated(&p.meta.name, prefix)),
            "{case}: {:?}",
            names(&out)
        );
    }
    let out = run(&[daemon_set()], &[], &config);
    let nodes: BTreeSet<&str> = out
        .pods
        .iter()
        .filter_map(|p| p.node_name.as_deref())
        .collect();
    assert_eq!(nodes, ["a", "b", "c"].into_iter().collect());
    let pod = &out.pods[0];
    assert!(pod.meta.labels.contains_key(CONTROLLER_REVISION_HASH_LABEL));
    assert_eq!(pod.meta.labels[POD_TEMPLATE_GENERATION_LABEL], "1");
    assert!(
        run(
            &[daemon_set()],
            &[],
            &WorkloadConfig {
                nodes: vec![],
                ..config
            }
        )
        .pods
        .is_empty()
    );
}

#[test]
fn pods_are_spread_round_robin_and_get_addresses_from_their_node_subnet() {
    let config = WorkloadConfig {
        nodes: vec!["n1".to_owned(), "n2".to_owned()],
        ..WorkloadConfig::default()
    };
    let out = run(&[sts(4)], &[], &config);
    let placed: Vec<(&str, &str)> = out
        .pods
        .iter()
        .map(|p| (p.meta.name.as_str(), p.node_name.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        placed,
        [
            ("web-0", "n1"),
            ("web-1", "n2"),
            ("web-2", "n1"),
            ("web-3", "n2")
        ]
    );
    let subnet = |node: &str| -> ipnet::IpNet {
        if node == "n1" {
            "10.244.0.0/24"
        } else {
            "10.244.1.0/24"
        }
        .parse()
        .unwrap()
    };
    for pod in &out.pods {
        let node = pod.node_name.as_deref().unwrap_or("");
        assert!(
            subnet(node).contains(&pod.pod_ips[0]),
            "{} {:?}",
            pod.meta.name,
            pod.pod_ips
        );
    }
}

#[test]
fn pod_ips_are_deterministic_unique_and_avoid_stated_ones() {
    let workloads = vec![sts(3), deployment(3), replica_set(2), daemon_set()];
    let first = run(&workloads, &[], &WorkloadConfig::default());
    let reversed: Vec<Workload> = workloads.iter().rev().cloned().collect();
    assert_eq!(
        first,
        run(&reversed, &[], &WorkloadConfig::default()),
        "order does not matter"
    );
    let ips: Vec<IpAddr> = first.pods.iter().flat_map(|p| p.pod_ips.clone()).collect();
    assert_eq!(
        ips.iter().collect::<HashSet<_>>().len(),
        ips.len(),
        "no two Pods share an IP"
    );

    // Every address the first run chose is now stated by the input: all must move.
    let taken: HashSet<IpAddr> = ips.iter().copied().collect();
    let refs: Vec<&Workload> = workloads.iter().collect();
    let config = WorkloadConfig::default();
    let second = expand(
        &refs,
        &[],
        &nodes::NodeSet::new(&[], &config),
        &|ip| taken.contains(ip),
        &config,
    );
    assert!(
        second
            .pods
            .iter()
            .flat_map(|p| &p.pod_ips)
            .all(|ip| !taken.contains(ip))
    );
    // And an input Pod's IP is taken too.
    let stated = input_pod("other", "x", &[], &ips[0].to_string());
    let third = run(&workloads, &[stated], &WorkloadConfig::default());
    assert!(
        third
            .pods
            .iter()
            .flat_map(|p| &p.pod_ips)
            .all(|ip| *ip != ips[0])
    );
}

#[test]
fn dual_stack_pods_get_one_address_per_family() {
    let config = WorkloadConfig {
        pod_cidrs: PodCidrs::dual_stack(),
        ..WorkloadConfig::default()
    };
    let cases: Vec<(&str, PodCidrs, Vec<IpFamilyName>)> = vec![
        ("IPv4 default", PodCidrs::default(), vec!["IPv4"]),
        ("dual stack", PodCidrs::dual_stack(), vec!["IPv4", "IPv6"]),
        ("IPv6 only", PodCidrs::ipv6_only(), vec!["IPv6"]),
    ];
    for (case, cidrs, want) in cases {
        let config = WorkloadConfig {
            pod_cidrs: cidrs,
            ..config.clone()
        };
        let out = run(&[sts(1)], &[], &config);
        let got: Vec<String> = out.pods[0]
            .pod_ips
            .iter()
            .map(|ip| crate::model::IpFamily::of(ip).to_string())
            .collect();
        assert_eq!(got, want, "{case}");
    }
}

type IpFamilyName = &'static str;

#[test]
fn readiness_annotations_override_pod_readiness() {
    let cases: Vec<(&[(&str, &str)], Result<Readiness, ()>, Vec<bool>)> = vec![
        (&[], Ok(Readiness::All), vec![true, true, true]),
        (
            &[(READY_ANNOTATION, "true")],
            Ok(Readiness::All),
            vec![true, true, true],
        ),
        (
            &[(READY_ANNOTATION, "false")],
            Ok(Readiness::None),
            vec![false, false, false],
        ),
        (
            &[(READY_REPLICAS_ANNOTATION, "2")],
            Ok(Readiness::First(2)),
            vec![true, true, false],
        ),
        (&[(READY_ANNOTATION, "maybe")], Err(()), vec![]),
        (&[(READY_REPLICAS_ANNOTATION, "-1")], Err(()), vec![]),
        (
            &[
                (READY_ANNOTATION, "false"),
                (READY_REPLICAS_ANNOTATION, "1"),
            ],
            Err(()),
            vec![],
        ),
    ];
    for (annotations, want, ready) in cases {
        let parsed = Readiness::from_annotations(&labels(annotations));
        assert_eq!(parsed.clone().map_err(|_| ()), want, "{annotations:?}");
        if let Err(error) = &parsed {
            assert!(error.to_string().contains("k8s-dns-sim.io/"), "{error}");
        }
        let Ok(readiness) = parsed else { continue };
        let mut set = sts(3);
        set.readiness = readiness;
        let out = run(&[set], &[], &WorkloadConfig::default());
        let got: Vec<bool> = out.pods.iter().map(|p| p.ready == Some(true)).collect();
        assert_eq!(got, ready, "{annotations:?}");
    }
}

#[test]
fn pods_the_input_has_are_not_duplicated() {
    // StatefulSet: isMemberOf/getParentNameAndOrdinal by name; ReplicaSet: ClaimPods adopts
    // matching active Pods (FilterActivePods); DaemonSet: nodesShouldRunDaemonPod skips a node
    // that runs one; Deployment: getReplicaSetsForDeployment adopts ReplicaSets by label.
    let sts_pod = input_pod("default", "web-1", &[("app", "web")], "10.9.0.1");
    let out = run(&[sts(3)], &[sts_pod], &WorkloadConfig::default());
    assert_eq!(names(&out), ["web-0", "web-2"], "StatefulSet");

    let orphan = input_pod("default", "hand-made", &[("app", "web")], "10.9.0.2");
    let mut finished = input_pod("default", "done", &[("app", "web")], "10.9.0.3");
    finished.phase = Some(PodPhase::Succeeded);
    let mut leaving = input_pod("default", "leaving", &[("app", "web")], "10.9.0.4");
    leaving.terminating = true;
    let elsewhere = input_pod("prod", "other-ns", &[("app", "web")], "10.9.0.5");
    let out = run(
        &[replica_set(3)],
        &[orphan.clone(), finished, leaving, elsewhere],
        &WorkloadConfig::default(),
    );
    assert_eq!(
        out.pods.len(),
        2,
        "ReplicaSet adopts the one active matching Pod"
    );

    // A Deployment's ReplicaSet selects pod-template-hash, so it does not adopt a bare orphan...
    let out = run(&[deployment(2)], &[orphan], &WorkloadConfig::default());
    assert_eq!(
        out.pods.len(),
        2,
        "Deployment ignores Pods without pod-template-hash"
    );
    // ...but Pods of a ReplicaSet the input left out count.
    let dumped = input_pod(
        "default",
        "api-5d4f8-abcde",
        &[("app", "web"), (POD_TEMPLATE_HASH_LABEL, "5d4f8")],
        "10.9.0.6",
    );
    let out = run(
        &[deployment(2)],
        std::slice::from_ref(&dumped),
        &WorkloadConfig::default(),
    );
    assert_eq!(out.pods.len(), 1, "Deployment counts its dumped Pods");

    // A dump with Deployment + ReplicaSet + Pods: nothing new.
    let mut rs = replica_set_named("api-5d4f8", 1);
    rs.selector = selector(&[("app", "web"), (POD_TEMPLATE_HASH_LABEL, "5d4f8")]);
    rs.meta.labels = rs.selector.labels().clone();
    rs.template = PodTemplate::with_labels(rs.selector.labels().clone());
    let out = run(&[deployment(1), rs], &[dumped], &WorkloadConfig::default());
    assert!(
        out.pods.is_empty() && out.replica_sets.is_empty(),
        "{:?}",
        names(&out)
    );

    let mut agent = input_pod("kube-system", "agent-xyz", &[("app", "agent")], "10.9.0.7");
    agent.node_name = Some("node-1".to_owned());
    let out = run(&[daemon_set()], &[agent], &WorkloadConfig::default());
    assert!(out.pods.is_empty(), "DaemonSet: node-1 already runs one");
}

#[test]
fn generated_names_avoid_names_in_use_and_odd_inputs_do_not_panic() {
    let first = run(&[replica_set(1)], &[], &WorkloadConfig::default());
    let taken_name = first.pods[0].meta.name.clone();
    // An input Pod that has the name but does not match the selector.
    let squatter = input_pod("default", &taken_name, &[("app", "other")], "10.9.0.1");
    let out = run(&[replica_set(1)], &[squatter], &WorkloadConfig::default());
    assert_eq!(out.pods.len(), 1);
    assert_ne!(out.pods[0].meta.name, taken_name);

    // Long names are truncated like generateName; empty selectors adopt nothing; a full range.
    let rs = replica_set_named(&"r".repeat(63), 2);
    let mut config = WorkloadConfig::default();
    config.pod_cidrs.ipv4 = Some("10.0.0.0/30".parse().unwrap());
    let out = run(&[rs, sts(0)], &[], &config);
    assert_eq!(out.pods.len(), 2);
    assert!(out.pods.iter().all(|p| p.meta.name.len() == 63));
    assert_eq!(out.unaddressed.len(), 1, "a /30 holds one Pod");
}

#[test]
fn a_stateful_set_behind_a_headless_service_gives_hostname_endpoints() {
    // The chain the integration builds: initIdentity, then podToEndpoint/ShouldSetHostname.
    use crate::controller::{DEFAULT_MAX_ENDPOINTS_PER_SLICE, endpoint_slices_for};
    use crate::model::{ClusterIpSpec, IpFamily, Service, ServicePort, ServiceType};
    let service = Service {
        meta: ObjectMeta::new("default", "nginx"),
        service_type: ServiceType::ClusterIp,
        cluster_ip: ClusterIpSpec::Headless,
        ip_families: vec![IpFamily::IPv4],
        ip_family_policy: None,
        ports: vec![ServicePort {
            name: Some("web".to_owned()),
            protocol: Protocol::Tcp,
            port: 80,
            target_port: Some(crate::model::TargetPort::Name("http".to_owned())),
        }],
        selector: Some(selector(&[("app", "web")])),
        publish_not_ready_addresses: false,
        load_balancer_ip: None,
    };
    let mut set = sts(2);
    set.readiness = Readiness::First(1);
    let out = run(&[set], &[], &WorkloadConfig::default());
    let pods: Vec<&Pod> = out.pods.iter().collect();
    let slices = endpoint_slices_for(&service, &pods, DEFAULT_MAX_ENDPOINTS_PER_SLICE);
    assert_eq!(slices.len(), 1);
    let got: Vec<(Option<&str>, Option<bool>)> = slices[0]
        .endpoints
        .iter()
        .map(|e| (e.hostname.as_deref(), e.conditions.ready))
        .collect();
    assert_eq!(
        got,
        [(Some("web-0"), Some(true)), (Some("web-1"), Some(false))]
    );
    assert_eq!(
        slices[0].ports[0].port,
        Some(8080),
        "named targetPort from the template"
    );
}

#[test]
fn many_pods_on_one_node_spill_over_without_a_scan_per_pod() {
    let rs = replica_set_named("big", 2_000);
    let started = std::time::Instant::now();
    let out = run(&[rs], &[], &WorkloadConfig::default());
    assert_eq!(out.pods.len(), 2_000);
    assert!(out.unaddressed.is_empty());
    let ips: HashSet<&IpAddr> = out.pods.iter().flat_map(|p| &p.pod_ips).collect();
    assert_eq!(ips.len(), 2_000);
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
}
