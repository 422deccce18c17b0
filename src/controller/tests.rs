//! Table tests for the EndpointSlice controller, each naming the Kubernetes function whose
//! rule it checks.

// Table tests spell their row types out.
#![allow(clippy::type_complexity)]

use super::*;
use crate::model::{ContainerPort, Protocol, ServicePort, ServiceType};

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn service(name: &str, selector: &[(&str, &str)]) -> Service {
    Service {
        meta: ObjectMeta::new("default", name),
        service_type: ServiceType::ClusterIp,
        cluster_ip: ClusterIpSpec::Headless,
        ip_families: vec![IpFamily::IPv4],
        ip_family_policy: None,
        ports: vec![ServicePort {
            name: Some("http".to_owned()),
            protocol: Protocol::Tcp,
            port: 80,
            target_port: None,
        }],
        selector: (!selector.is_empty()).then(|| labels(selector).into()),
        publish_not_ready_addresses: false,
        load_balancer_ip: None,
    }
}

fn pod(name: &str, ip: &str) -> Pod {
    let mut pod = Pod::new("default", name);
    pod.meta.labels = labels(&[("app", "web")]);
    pod.node_name = Some("node-1".to_owned());
    pod.phase = Some(PodPhase::Running);
    pod.pod_ips = ip.split(',').filter_map(|s| s.parse().ok()).collect();
    pod.ready = Some(true);
    pod.status_source = crate::model::PodStatusSource::Manifest;
    pod
}

fn web() -> Service {
    service("web", &[("app", "web")])
}

fn derive(service: &Service, pods: &[Pod]) -> Vec<EndpointSlice> {
    let refs: Vec<&Pod> = pods.iter().collect();
    endpoint_slices_for(service, &refs, DEFAULT_MAX_ENDPOINTS_PER_SLICE)
}

/// The addresses across all non-empty slices, in output order.
fn addresses(slices: &[EndpointSlice]) -> Vec<String> {
    slices
        .iter()
        .flat_map(|s| &s.endpoints)
        .flat_map(|e| &e.addresses)
        .map(ToString::to_string)
        .collect()
}

#[test]
fn membership_follows_the_selector_and_namespace() {
    // getServicesForPod: nil selector selects nothing; equality map within the namespace.
    let mut other_ns = pod("other", "10.0.0.3");
    other_ns.meta.namespace = "prod".to_owned();
    let mut other_app = pod("db", "10.0.0.4");
    other_app.meta.labels = labels(&[("app", "db")]);
    let mut extra_labels = pod("web-b", "10.0.0.2");
    extra_labels
        .meta
        .labels
        .insert("tier".to_owned(), "front".to_owned());
    let pods = vec![pod("web-a", "10.0.0.1"), extra_labels, other_ns, other_app];

    let cases: Vec<(&str, Service, Vec<&str>)> = vec![
        ("equality selector", web(), vec!["10.0.0.1", "10.0.0.2"]),
        ("nil selector", service("web", &[]), vec![]),
        (
            "two-key selector",
            service("web", &[("app", "web"), ("tier", "front")]),
            vec!["10.0.0.2"],
        ),
        (
            "ExternalName",
            {
                let mut s = web();
                s.service_type = ServiceType::ExternalName("db.example.com".to_owned());
                s
            },
            vec![],
        ),
    ];
    for (case, svc, want) in cases {
        assert_eq!(addresses(&derive(&svc, &pods)), want, "{case}");
    }
    assert!(
        derive(&service("web", &[]), &pods).is_empty(),
        "nil selector writes no slice"
    );
}

#[test]
fn terminal_pods_and_pods_without_ip_are_left_out() {
    // ShouldPodBeInEndpoints(pod, includeTerminating=true).
    let cases: Vec<(&str, Option<PodPhase>, &str, bool, bool)> = vec![
        ("Running", Some(PodPhase::Running), "10.0.0.1", false, true),
        (
            "Pending with an IP",
            Some(PodPhase::Pending),
            "10.0.0.1",
            false,
            true,
        ),
        ("no phase", None, "10.0.0.1", false, true),
        (
            "Succeeded",
            Some(PodPhase::Succeeded),
            "10.0.0.1",
            false,
            false,
        ),
        ("Failed", Some(PodPhase::Failed), "10.0.0.1", false, false),
        ("no IP", Some(PodPhase::Running), "", false, false),
        (
            "terminating stays in",
            Some(PodPhase::Running),
            "10.0.0.1",
            true,
            true,
        ),
    ];
    for (case, phase, ip, terminating, included) in cases {
        let mut p = pod("web-0", ip);
        p.phase = phase;
        p.terminating = terminating;
        assert_eq!(
            !addresses(&derive(&web(), &[p])).is_empty(),
            included,
            "{case}"
        );
    }
}

#[test]
fn conditions_combine_readiness_publish_not_ready_and_terminating() {
    // podToEndpoint: ready = publishNotReadyAddresses || (serving && !terminating).
    let cases: Vec<(Option<bool>, bool, bool, bool)> = vec![
        // (pod Ready, publishNotReadyAddresses, terminating, want ready)
        (Some(true), false, false, true),
        (Some(false), false, false, false),
        (None, false, false, false),
        (Some(true), false, true, false),
        (Some(false), true, false, true),
        (None, true, false, true),
        (Some(true), true, true, true),
        (Some(false), true, true, true),
    ];
    for (pod_ready, publish, terminating, want) in cases {
        let mut svc = web();
        svc.publish_not_ready_addresses = publish;
        let mut p = pod("web-0", "10.0.0.1");
        p.ready = pod_ready;
        p.terminating = terminating;
        let slices = derive(&svc, &[p]);
        let conditions = slices[0].endpoints[0].conditions;
        let case = format!("ready={pod_ready:?} publish={publish} terminating={terminating}");
        assert_eq!(conditions.ready, Some(want), "{case}");
        assert_eq!(conditions.serving, Some(pod_ready == Some(true)), "{case}");
        assert_eq!(conditions.terminating, Some(terminating), "{case}");
    }
}

#[test]
fn hostname_is_set_only_when_subdomain_names_the_service() {
    // ShouldSetHostname: hostname set, subdomain == Service name, same namespace.
    let cases: Vec<(&str, Option<&str>, Option<&str>, Option<&str>)> = vec![
        (
            "hostname and matching subdomain",
            Some("web-0"),
            Some("web"),
            Some("web-0"),
        ),
        (
            "subdomain of another Service",
            Some("web-0"),
            Some("nginx"),
            None,
        ),
        ("no subdomain", Some("web-0"), None, None),
        ("no hostname (a Deployment pod)", None, Some("web"), None),
        ("empty hostname", Some(""), Some("web"), None),
    ];
    for (case, hostname, subdomain, want) in cases {
        let mut p = pod("web-0", "10.0.0.1");
        p.hostname = hostname.map(str::to_owned);
        p.subdomain = subdomain.map(str::to_owned);
        let slices = derive(&web(), &[p]);
        assert_eq!(slices[0].endpoints[0].hostname.as_deref(), want, "{case}");
    }
}

#[test]
fn named_target_ports_resolve_per_pod_and_split_port_sets() {
    // FindPort: a named targetPort matches a container port by name and protocol; getEndpointPorts
    // leaves the Service port out for a Pod without it; NewPortMapKey groups by port set.
    let mut svc = web();
    svc.ports = vec![
        ServicePort {
            name: Some("http".to_owned()),
            protocol: Protocol::Tcp,
            port: 80,
            target_port: Some(TargetPort::Name("web".to_owned())),
        },
        ServicePort {
            name: Some("metrics".to_owned()),
            protocol: Protocol::Tcp,
            port: 9090,
            target_port: Some(TargetPort::Number(9100)),
        },
    ];
    let port = |name: &str, port: u16, protocol: Protocol| ContainerPort {
        name: Some(name.to_owned()),
        port,
        protocol,
    };
    let mut found = pod("a", "10.0.0.1");
    found.container_ports = vec![port("web", 8080, Protocol::Tcp)];
    let mut wrong_protocol = pod("b", "10.0.0.2");
    wrong_protocol.container_ports = vec![port("web", 8080, Protocol::Udp)];
    let missing = pod("c", "10.0.0.3");
    let mut other_number = pod("d", "10.0.0.4");
    other_number.container_ports = vec![port("web", 8081, Protocol::Tcp)];

    let slices = derive(&svc, &[found, wrong_protocol, missing, other_number]);
    let by_ports: BTreeMap<Vec<Option<u16>>, Vec<String>> = slices
        .iter()
        .map(|s| {
            (
                s.ports.iter().map(|p| p.port).collect(),
                s.endpoints
                    .iter()
                    .map(|e| e.addresses[0].to_string())
                    .collect(),
            )
        })
        .collect();
    let want: BTreeMap<Vec<Option<u16>>, Vec<String>> = [
        (vec![Some(8080), Some(9100)], vec!["10.0.0.1".to_owned()]),
        (vec![Some(8081), Some(9100)], vec!["10.0.0.4".to_owned()]),
        (
            vec![Some(9100)],
            vec!["10.0.0.2".to_owned(), "10.0.0.3".to_owned()],
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(by_ports, want);
    assert!(
        slices
            .iter()
            .flat_map(|s| &s.ports)
            .all(|p| p.name.is_some()),
        "endpoint ports carry the Service port's name"
    );
}

#[test]
fn absent_and_numeric_target_ports() {
    // getEndpointPorts/FindPort: an absent targetPort is the port (API defaulting); a number is used
    // as is; a headless Service without ports gives an empty port list.
    let cases: Vec<(&str, Option<TargetPort>, Vec<Option<u16>>)> = vec![
        ("absent", None, vec![Some(80)]),
        ("number", Some(TargetPort::Number(8080)), vec![Some(8080)]),
    ];
    for (case, target, want) in cases {
        let mut svc = web();
        svc.ports[0].target_port = target;
        let slices = derive(&svc, &[pod("a", "10.0.0.1")]);
        assert_eq!(
            slices[0].ports.iter().map(|p| p.port).collect::<Vec<_>>(),
            want,
            "{case}"
        );
    }
    let mut portless = web();
    portless.ports.clear();
    let slices = derive(&portless, &[pod("a", "10.0.0.1")]);
    assert!(slices[0].ports.is_empty());
    assert_eq!(addresses(&slices), ["10.0.0.1"]);
}

#[test]
fn one_slice_set_per_address_family() {
    // getAddressTypesForService + getEndpointAddresses.
    let pods = vec![
        pod("dual", "10.0.0.1,fd00::1"),
        pod("v4", "10.0.0.2"),
        pod("v6", "fd00::3"),
    ];
    let cases: Vec<(
        &str,
        Vec<IpFamily>,
        ClusterIpSpec,
        Vec<(AddressType, Vec<&str>)>,
    )> = vec![
        (
            "ipFamilies IPv4",
            vec![IpFamily::IPv4],
            ClusterIpSpec::Headless,
            vec![(AddressType::IPv4, vec!["10.0.0.1", "10.0.0.2"])],
        ),
        (
            "ipFamilies IPv6",
            vec![IpFamily::IPv6],
            ClusterIpSpec::Headless,
            vec![(AddressType::IPv6, vec!["fd00::1", "fd00::3"])],
        ),
        (
            "ipFamilies dual, IPv6 primary",
            vec![IpFamily::IPv6, IpFamily::IPv4],
            ClusterIpSpec::Headless,
            vec![
                (AddressType::IPv4, vec!["10.0.0.1", "10.0.0.2"]),
                (AddressType::IPv6, vec!["fd00::1", "fd00::3"]),
            ],
        ),
        (
            "no ipFamilies: the ClusterIP's family",
            vec![],
            ClusterIpSpec::Ips(vec!["fd00:10:96::5".parse().unwrap()]),
            vec![(AddressType::IPv6, vec!["fd00::1", "fd00::3"])],
        ),
        (
            "no ipFamilies, headless: both",
            vec![],
            ClusterIpSpec::Headless,
            vec![
                (AddressType::IPv4, vec!["10.0.0.1", "10.0.0.2"]),
                (AddressType::IPv6, vec!["fd00::1", "fd00::3"]),
            ],
        ),
    ];
    for (case, families, cluster_ip, want) in cases {
        let mut svc = web();
        svc.ip_families = families;
        svc.cluster_ip = cluster_ip;
        let got: Vec<(AddressType, Vec<String>)> = derive(&svc, &pods)
            .iter()
            .map(|s| (s.address_type, addresses(std::slice::from_ref(s))))
            .collect();
        let want: Vec<(AddressType, Vec<String>)> = want
            .into_iter()
            .map(|(t, a)| (t, a.into_iter().map(str::to_owned).collect()))
            .collect();
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn a_family_without_endpoints_gets_one_empty_placeholder() {
    // reconcileByAddressType: the placeholder slice when no endpoint would be written.
    let mut svc = web();
    svc.ip_families = vec![IpFamily::IPv4, IpFamily::IPv6];
    let slices = derive(&svc, &[pod("v4", "10.0.0.1")]);
    assert_eq!(slices.len(), 2);
    assert_eq!(slices[1].address_type, AddressType::IPv6);
    assert!(slices[1].endpoints.is_empty() && slices[1].ports.is_empty());
    let none = derive(&web(), &[]);
    assert_eq!(none.len(), 1);
    assert!(none[0].endpoints.is_empty());
}

#[test]
fn at_most_max_endpoints_per_slice() {
    // reconcileByPortMapping fills slices up to maxEndpointsPerSlice (default 100).
    let pods: Vec<Pod> = (0..250)
        .map(|i| {
            pod(
                &format!("web-{i:03}"),
                &format!("10.0.{}.{}", i / 200, i % 200 + 1),
            )
        })
        .collect();
    let cases: Vec<(usize, Vec<usize>)> = vec![
        (DEFAULT_MAX_ENDPOINTS_PER_SLICE, vec![100, 100, 50]),
        (1000, vec![250]),
        (0, vec![1; 250]), // clamped to 1
        (5000, vec![250]), // clamped to 1000
    ];
    let refs: Vec<&Pod> = pods.iter().collect();
    for (max, want) in cases {
        let slices = endpoint_slices_for(&web(), &refs, max);
        let sizes: Vec<usize> = slices.iter().map(|s| s.endpoints.len()).collect();
        assert_eq!(sizes, want, "max {max}");
        let names: HashSet<&str> = slices.iter().map(|s| s.meta.name.as_str()).collect();
        assert_eq!(
            names.len(),
            slices.len(),
            "slice names are unique (max {max})"
        );
    }
}

#[test]
fn names_labels_and_order_are_deterministic() {
    // newEndpointSlice / setEndpointSliceLabels / getEndpointSlicePrefix.
    let mut svc = web();
    svc.meta.labels = labels(&[
        ("team", "a"),
        (SERVICE_NAME_LABEL, "spoofed"),
        (MANAGED_BY_LABEL, "me"),
    ]);
    let pods = vec![pod("web-b", "10.0.0.2"), pod("web-a", "10.0.0.1")];
    let reversed: Vec<Pod> = pods.iter().rev().cloned().collect();
    let first = derive(&svc, &pods);
    assert_eq!(
        first,
        derive(&svc, &reversed),
        "input order does not matter"
    );
    assert_eq!(
        addresses(&first),
        ["10.0.0.1", "10.0.0.2"],
        "endpoints by Pod name"
    );

    let slice = &first[0];
    assert!(slice.meta.name.starts_with("web-"));
    assert_eq!(slice.meta.name.len(), "web-".len() + 5);
    assert_eq!(slice.meta.namespace, "default");
    assert_eq!(
        slice.meta.labels,
        labels(&[
            ("team", "a"),
            (SERVICE_NAME_LABEL, "web"),
            (MANAGED_BY_LABEL, CONTROLLER_NAME),
            (HEADLESS_LABEL, ""),
        ])
    );
    assert_eq!(slice.service_name(), Some("web"));
    let target = slice.endpoints[0].target_ref.as_ref().unwrap();
    assert_eq!(
        (target.kind.as_deref(), &*target.name),
        (Some("Pod"), "web-a")
    );
    assert_eq!(slice.endpoints[0].node_name.as_deref(), Some("node-1"));

    let mut with_ip = web();
    with_ip.cluster_ip = ClusterIpSpec::Ips(vec!["10.96.0.10".parse().unwrap()]);
    let slices = derive(&with_ip, &pods);
    assert!(!slices[0].meta.labels.contains_key(HEADLESS_LABEL));
}

#[test]
fn a_pod_selected_by_two_services_is_in_both() {
    // getServicesForPod returns every matching Service.
    let a = web();
    let b = service("web-2", &[("app", "web")]);
    let pods = vec![pod("web-0", "10.0.0.1")];
    assert_eq!(addresses(&derive(&a, &pods)), ["10.0.0.1"]);
    assert_eq!(addresses(&derive(&b, &pods)), ["10.0.0.1"]);
}

#[test]
fn defaulted_families_follow_the_api_server() {
    // initIPFamilyFields (pkg/registry/core/service/storage/alloc.go).
    use IpFamily::{IPv4, IPv6};
    let dual = [IPv4, IPv6];
    let v4 = [IPv4];
    let v6 = [IPv6];
    let make = |headless: bool,
                selector: bool,
                families: &[IpFamily],
                ips: &[&str],
                policy: Option<IpFamilyPolicy>| {
        let mut s = if selector { web() } else { service("web", &[]) };
        s.ip_families = families.to_vec();
        s.ip_family_policy = policy;
        s.cluster_ip = if headless {
            ClusterIpSpec::Headless
        } else if ips.is_empty() {
            ClusterIpSpec::Unset
        } else {
            ClusterIpSpec::Ips(ips.iter().map(|ip| ip.parse().unwrap()).collect())
        };
        s
    };
    let prefer = Some(IpFamilyPolicy::PreferDualStack);
    let single = Some(IpFamilyPolicy::SingleStack);
    let cases: Vec<(&str, Service, &[IpFamily], Vec<IpFamily>)> = vec![
        (
            "headless with selector: primary",
            make(true, true, &[], &[], None),
            &dual,
            vec![IPv4],
        ),
        (
            "IPv6-primary cluster",
            make(true, true, &[], &[], None),
            &[IPv6, IPv4],
            vec![IPv6],
        ),
        (
            "stated families kept",
            make(true, true, &[IPv6], &[], None),
            &dual,
            vec![IPv6],
        ),
        (
            "PreferDualStack, dual cluster",
            make(false, true, &[], &[], prefer),
            &dual,
            dual.to_vec(),
        ),
        (
            "PreferDualStack, single cluster",
            make(false, true, &[], &[], prefer),
            &v6,
            vec![IPv6],
        ),
        (
            "PreferDualStack extends a stated family",
            make(false, true, &[IPv6], &[], prefer),
            &dual,
            vec![IPv6, IPv4],
        ),
        (
            "headless selectorless: dual",
            make(true, false, &[], &[], None),
            &dual,
            dual.to_vec(),
        ),
        (
            "headless selectorless: dual even on one stack",
            make(true, false, &[], &[], None),
            &v4,
            dual.to_vec(),
        ),
        (
            "headless selectorless SingleStack",
            make(true, false, &[], &[], single),
            &dual,
            vec![IPv4],
        ),
        (
            "the stated ClusterIP's family",
            make(false, true, &[], &["fd00::10"], None),
            &dual,
            vec![IPv6],
        ),
    ];
    for (case, svc, cluster, want) in cases {
        assert_eq!(defaulted_ip_families(&svc, cluster), want, "{case}");
    }
    let mut external = web();
    external.service_type = ServiceType::ExternalName("db.example.com".to_owned());
    assert!(defaulted_ip_families(&external, &dual).is_empty());
}

#[test]
fn disagreement_names_what_differs() {
    let svc = web();
    let mut p = pod("web-0", "10.0.0.1");
    p.hostname = Some("web-0".to_owned());
    p.subdomain = Some("web".to_owned());
    let derived = derive(&svc, &[p.clone(), pod("web-1", "10.0.0.2")]);

    // The same slices agree; so do differently cut ones.
    let same: Vec<&EndpointSlice> = derived.iter().collect();
    assert_eq!(slice_disagreement(&derived, &same), None);
    let split = endpoint_slices_for(&svc, &[&p, &pod("web-1", "10.0.0.2")], 1);
    let split: Vec<&EndpointSlice> = split.iter().collect();
    assert_eq!(slice_disagreement(&derived, &split), None);

    // A loaded slice that says not ready, lacks one Pod and has a stranger.
    let mut loaded = derived[0].clone();
    loaded.endpoints[0].conditions.ready = Some(false);
    loaded.endpoints[1].addresses = vec!["10.0.0.9".parse().unwrap()];
    let text = slice_disagreement(&derived, &[&loaded]).expect("a disagreement");
    assert!(text.contains("10.0.0.1 is ready, hostname web-0"), "{text}");
    assert!(text.contains("but not ready, hostname web-0"), "{text}");
    assert!(
        text.contains("10.0.0.2 is an endpoint of a selected Pod"),
        "{text}"
    );
    assert!(text.contains("10.0.0.9 is in an EndpointSlice"), "{text}");

    // Unset readiness counts as ready, as CoreDNS reads it.
    let mut unset = derived[0].clone();
    for endpoint in &mut unset.endpoints {
        endpoint.conditions = EndpointConditions::default();
    }
    assert_eq!(slice_disagreement(&derived, &[&unset]), None);
}

#[test]
fn no_panic_on_odd_inputs() {
    let mut svc = web();
    svc.ip_families = vec![IpFamily::IPv4, IpFamily::IPv4];
    svc.selector = Some(Selector::default());
    assert!(
        derive(&svc, &[pod("a", "10.0.0.1")]).is_empty(),
        "empty selector = nil"
    );
    let mut svc = web();
    svc.meta.name = "x".repeat(63);
    let p = pod("a", "10.0.0.1");
    let slices = endpoint_slices_for(&svc, &[&p, &p], 100);
    assert_eq!(
        slices[0].endpoints.len(),
        1,
        "a Pod given twice is one endpoint"
    );
    assert_eq!(slices[0].meta.name.len(), 63);
}
