//! Unit tests of the loader, end to end through [`parse_manifests`]: here the objects (the API
//! server's defaults, where objects and List items are located, `kubectl get -o yaml`/`-o json`
//! dumps); in [`streams`] the input as a whole (document numbering, the all-or-nothing batch,
//! the size and object limits, merge keys, byte-order marks, JSON streams, the single pass).

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::*;
use crate::model::{
    AddressType, ClusterIpSpec, ContainerPort, EndpointAddress, EndpointConditions, EndpointPort,
    IpFamily, IpFamilyPolicy, PodPhase, Protocol, Service, ServicePort, ServiceType, TargetPort,
    TargetRef,
};

fn load(text: &str) -> Batch {
    match parse_manifests(Some("test.yaml"), text, DEFAULT_MAX_INPUT_BYTES) {
        Ok(batch) => batch,
        Err(errors) => panic!("unexpected errors: {errors:#?}"),
    }
}

fn objects(text: &str) -> Vec<Object> {
    load(text).objects.into_iter().map(|o| *o.object).collect()
}

fn only_service(text: &str) -> Service {
    match objects(text).as_slice() {
        [Object::Service(service)] => service.clone(),
        other => panic!("expected one Service, got {other:#?}"),
    }
}

fn ip(text: &str) -> IpAddr {
    text.parse().expect("test IP")
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn located(document: usize, item: Option<usize>, line: usize) -> Location {
    Location {
        origin: Some("test.yaml".to_owned()),
        document: Some(document),
        item,
        line: Some(line),
        column: None,
    }
}

#[test]
fn service_gets_the_api_server_defaults() {
    let service = only_service(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {}\n  ports:\n  - port: 80\n",
    );
    let mut meta = crate::model::ObjectMeta::new("default", "web");
    meta.labels = BTreeMap::new();
    assert_eq!(
        service,
        Service {
            meta,
            service_type: ServiceType::ClusterIp,
            cluster_ip: ClusterIpSpec::Unset,
            ip_families: vec![],
            ip_family_policy: None,
            ports: vec![ServicePort {
                name: None,
                protocol: Protocol::Tcp,
                port: 80,
                target_port: None,
            }],
            selector: None, // `selector: {}` is stored as nil
            publish_not_ready_addresses: false,
            load_balancer_ip: None,
        }
    );
}

#[test]
fn service_cluster_ip_forms_map_to_cluster_ip_spec() {
    let cases: &[(&str, &str, ClusterIpSpec)] = &[
        (
            "headless without ports",
            "spec:\n  clusterIP: None\n",
            ClusterIpSpec::Headless,
        ),
        (
            "headless through clusterIPs",
            "spec:\n  clusterIP: None\n  clusterIPs: [None]\n",
            ClusterIpSpec::Headless,
        ),
        (
            "a single IP",
            "spec:\n  clusterIP: 10.96.0.10\n  ports: [{port: 53}]\n",
            ClusterIpSpec::Ips(vec![ip("10.96.0.10")]),
        ),
        (
            "dual stack, primary first",
            "spec:\n  clusterIP: fd00::10\n  clusterIPs: [fd00::10, 10.96.0.10]\n  ipFamilies: [IPv6, IPv4]\n  ipFamilyPolicy: RequireDualStack\n  ports: [{port: 53}]\n",
            ClusterIpSpec::Ips(vec![ip("fd00::10"), ip("10.96.0.10")]),
        ),
        (
            "an empty clusterIP is unset",
            "spec:\n  clusterIP: \"\"\n  ports: [{port: 53}]\n",
            ClusterIpSpec::Unset,
        ),
    ];
    for (rule, spec, expected) in cases {
        let text = format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\n{spec}");
        assert_eq!(&only_service(&text).cluster_ip, expected, "{rule}");
    }
}

#[test]
fn dual_stack_service_keeps_families_and_policy() {
    let service = only_service(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  clusterIP: 10.96.0.10\n  clusterIPs: [10.96.0.10, fd00::10]\n  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: PreferDualStack\n  ports:\n  - {name: dns, port: 53, protocol: UDP, targetPort: 5353}\n  - {name: dns-tcp, port: 53, targetPort: dns-tcp}\n",
    );
    assert_eq!(service.ip_families, vec![IpFamily::IPv4, IpFamily::IPv6]);
    assert_eq!(
        service.ip_family_policy,
        Some(IpFamilyPolicy::PreferDualStack)
    );
    let ports: Vec<_> = service
        .ports
        .iter()
        .map(|p| (p.name.as_deref(), p.protocol, p.port, p.target_port.clone()))
        .collect();
    assert_eq!(
        ports,
        vec![
            (
                Some("dns"),
                Protocol::Udp,
                53,
                Some(TargetPort::Number(5353))
            ),
            (
                Some("dns-tcp"),
                Protocol::Tcp,
                53,
                Some(TargetPort::Name("dns-tcp".to_owned()))
            ),
        ]
    );
}

#[test]
fn external_name_is_stored_without_its_trailing_dot() {
    let service = only_service(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n  namespace: prod\nspec:\n  type: ExternalName\n  externalName: db.example.com.\n",
    );
    assert_eq!(
        service.service_type,
        ServiceType::ExternalName("db.example.com".to_owned())
    );
    assert_eq!(service.external_name(), Some("db.example.com"));
    assert_eq!(service.cluster_ip, ClusterIpSpec::Unset);
    assert_eq!(service.meta.namespace, "prod");
}

const KUBECTL_DUMP: &str = r#"apiVersion: v1
kind: Service
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"Service"}
  creationTimestamp: "2026-01-01T00:00:00Z"
  labels:
    app: web
  managedFields:
  - apiVersion: v1
    fieldsType: FieldsV1
    fieldsV1:
      f:spec:
        f:ports:
          .: {}
    manager: kubectl-client-side-apply
    operation: Update
    time: "2026-01-01T00:00:00Z"
  name: web
  namespace: shop
  resourceVersion: "1234"
  uid: 0d6b1e2a-0000-0000-0000-000000000000
spec:
  clusterIP: 10.96.12.7
  clusterIPs:
  - 10.96.12.7
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - name: http
    port: 80
    protocol: TCP
    targetPort: http
  selector:
    app: web
  sessionAffinity: None
  type: ClusterIP
status:
  loadBalancer: {}
"#;

#[test]
fn kubectl_dump_with_status_and_managed_fields_loads() {
    let batch = load(&format!("# dumped\n---\n{KUBECTL_DUMP}"));
    let [loaded] = batch.objects.as_slice() else {
        panic!("one object expected");
    };
    assert_eq!(loaded.location, located(1, None, 3));
    let Object::Service(service) = &*loaded.object else {
        panic!("a Service expected");
    };
    assert_eq!(service.meta.namespace, "shop");
    assert_eq!(service.meta.labels, map(&[("app", "web")]));
    assert_eq!(service.selector, Some(map(&[("app", "web")]).into()));
    assert_eq!(
        service.cluster_ip,
        ClusterIpSpec::Ips(vec![ip("10.96.12.7")])
    );
    assert_eq!(
        service.ports[0].target_port,
        Some(TargetPort::Name("http".to_owned()))
    );
}

const JSON_LIST: &str = r#"{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "managedFields": [
                    {
                        "apiVersion": "v1",
                        "manager": "kubectl"
                    }
                ],
                "name": "web",
                "namespace": "default"
            },
            "spec": {
                "clusterIP": "10.96.0.20",
                "ports": [
                    {
                        "port": 80,
                        "protocol": "TCP",
                        "targetPort": 8080
                    }
                ]
            }
        },
        {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {
                "name": "web"
            }
        }
    ],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    }
}
"#;

#[test]
fn json_list_from_kubectl_loads_with_item_lines() {
    let batch = load(JSON_LIST);
    let [loaded] = batch.objects.as_slice() else {
        panic!("one object expected");
    };
    assert_eq!(loaded.location, located(1, Some(0), 4));
    let Object::Service(service) = &*loaded.object else {
        panic!("a Service expected");
    };
    assert_eq!(service.ports[0].target_port, Some(TargetPort::Number(8080)));
    assert_eq!(
        batch.skipped,
        vec![SkippedObject {
            location: located(1, Some(1), 28),
            api_version: "batch/v1".to_owned(),
            kind: "CronJob".to_owned(),
            namespace: None,
            name: Some("web".to_owned()),
        }]
    );
}

#[test]
fn yaml_list_items_are_loaded_and_located() {
    let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: prod
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
    namespace: prod
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: prod
  spec:
    clusterIP: None
";
    let batch = load(text);
    let found: Vec<(Kind, Location)> = batch
        .objects
        .iter()
        .map(|o| (o.object.kind(), o.location.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (Kind::Namespace, located(1, Some(0), 4)),
            (Kind::Service, located(1, Some(2), 13)),
        ]
    );
    assert_eq!(batch.skipped.len(), 1);
    assert_eq!(batch.skipped[0].location, located(1, Some(1), 8));
    assert_eq!(batch.skipped[0].namespace.as_deref(), Some("prod"));
}

#[test]
fn typed_list_items_may_leave_out_kind_and_api_version() {
    let text = "apiVersion: v1\nkind: ServiceList\nitems:\n- metadata:\n    name: a\n  spec:\n    clusterIP: None\n";
    let objects = objects(text);
    assert_eq!(objects.len(), 1);
    assert_eq!(
        objects[0].object_ref(),
        ObjectRef::namespaced(Kind::Service, "default", "a")
    );
}

#[test]
fn endpoint_slice_keeps_conditions_ports_and_fqdn_addresses() {
    let text = "\
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abcde
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
endpoints:
- addresses: [10.0.0.1]
  conditions: {ready: true, serving: true, terminating: false}
  hostname: web-0
  nodeName: node-1
  zone: z1
  targetRef: {kind: Pod, name: web-0, namespace: default}
- addresses: [10.0.0.2]
  conditions: {ready: false}
- addresses: [10.0.0.3]
ports:
- name: http
  port: 8080
  appProtocol: http
- {}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ext
addressType: FQDN
endpoints:
- addresses: [db.example.com]
";
    let objects = objects(text);
    let [Object::EndpointSlice(slice), Object::EndpointSlice(fqdn)] = objects.as_slice() else {
        panic!("two slices expected: {objects:#?}");
    };
    assert_eq!(slice.service_name(), Some("web"));
    assert_eq!(slice.address_type, AddressType::IPv4);
    let conditions: Vec<_> = slice.endpoints.iter().map(|e| e.conditions).collect();
    assert_eq!(
        conditions,
        vec![
            EndpointConditions {
                ready: Some(true),
                serving: Some(true),
                terminating: Some(false),
            },
            EndpointConditions {
                ready: Some(false),
                serving: None,
                terminating: None,
            },
            EndpointConditions::default(),
        ]
    );
    let ready: Vec<bool> = slice.endpoints.iter().map(|e| e.is_ready()).collect();
    assert_eq!(ready, vec![true, false, true]);
    let first = &slice.endpoints[0];
    assert_eq!(first.addresses, vec![ip("10.0.0.1")]);
    assert_eq!(first.hostname.as_deref(), Some("web-0"));
    assert_eq!(first.zone.as_deref(), Some("z1"));
    assert_eq!(
        first.target_ref,
        Some(TargetRef {
            kind: Some("Pod".into()),
            namespace: Some("default".into()),
            name: "web-0".into(),
        })
    );
    assert_eq!(
        slice.ports,
        vec![
            EndpointPort {
                name: Some("http".to_owned()),
                protocol: Protocol::Tcp,
                port: Some(8080),
                app_protocol: Some("http".to_owned()),
            },
            EndpointPort {
                name: None,
                protocol: Protocol::Tcp,
                port: None, // "all ports"
                app_protocol: None,
            },
        ]
    );
    assert_eq!(fqdn.address_type, AddressType::Fqdn);
    assert!(fqdn.endpoints[0].addresses.is_empty());
    assert_eq!(fqdn.endpoints[0].fqdn_addresses, vec!["db.example.com"]);
}

#[test]
fn endpoints_keep_ready_and_not_ready_addresses() {
    let text = "\
apiVersion: v1
kind: Endpoints
metadata:
  name: legacy
subsets:
- addresses:
  - ip: 192.0.2.10
    hostname: a
  notReadyAddresses:
  - ip: 2001:db8::1
  ports:
  - port: 5432
";
    let objects = objects(text);
    let [Object::Endpoints(endpoints)] = objects.as_slice() else {
        panic!("one Endpoints expected");
    };
    let subset = &endpoints.subsets[0];
    assert_eq!(
        subset.addresses,
        vec![EndpointAddress {
            ip: ip("192.0.2.10"),
            hostname: Some("a".into()),
            node_name: None,
            target_ref: None,
        }]
    );
    assert_eq!(subset.not_ready_addresses[0].ip, ip("2001:db8::1"));
    assert_eq!(subset.ports[0].port, Some(5432));
    assert_eq!(subset.ports[0].protocol, Protocol::Tcp);
}

#[test]
fn pod_readiness_termination_and_ports() {
    let pod = |status: &str, extra_meta: &str| {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-0\n{extra_meta}spec:\n  hostname: web-0\n  subdomain: web\n  containers:\n  - name: app\n    ports:\n    - {{name: http, containerPort: 8080}}\n  initContainers:\n  - name: sidecar\n    restartPolicy: Always\n    ports:\n    - {{name: metrics, containerPort: 9090, protocol: UDP}}\n  - name: setup\n    ports:\n    - {{containerPort: 1}}\nstatus:\n{status}"
        );
        match objects(&text).as_slice() {
            [Object::Pod(pod)] => pod.clone(),
            other => panic!("one Pod expected, got {other:#?}"),
        }
    };
    let cases: &[(&str, &str, &str, Option<bool>, bool)] = &[
        (
            "Ready True",
            "  conditions:\n  - {type: Ready, status: \"True\"}\n",
            "",
            Some(true),
            false,
        ),
        (
            "Ready False",
            "  conditions:\n  - {type: Initialized, status: \"True\"}\n  - {type: Ready, status: \"False\"}\n",
            "",
            Some(false),
            false,
        ),
        (
            "Ready Unknown",
            "  conditions:\n  - {type: Ready, status: Unknown}\n",
            "",
            None,
            false,
        ),
        ("no conditions", "  phase: Pending\n", "", None, false),
        (
            "deletionTimestamp means terminating",
            "  phase: Running\n",
            "  deletionTimestamp: \"2026-01-01T00:00:00Z\"\n",
            None,
            true,
        ),
    ];
    for (rule, status, extra_meta, ready, terminating) in cases {
        let pod = pod(status, extra_meta);
        assert_eq!(pod.ready, *ready, "{rule}");
        assert_eq!(pod.terminating, *terminating, "{rule}");
    }

    let pod = pod(
        "  phase: Running\n  podIP: 10.1.0.5\n  podIPs:\n  - ip: 10.1.0.5\n  - ip: fd00::5\n",
        "",
    );
    assert_eq!(pod.phase, Some(PodPhase::Running));
    assert_eq!(pod.pod_ips, vec![ip("10.1.0.5"), ip("fd00::5")]);
    assert_eq!(pod.hostname.as_deref(), Some("web-0"));
    assert_eq!(pod.subdomain.as_deref(), Some("web"));
    assert_eq!(
        pod.container_ports,
        vec![
            ContainerPort {
                name: Some("http".to_owned()),
                port: 8080,
                protocol: Protocol::Tcp,
            },
            // A restartable init container's port counts; the plain init container's not.
            ContainerPort {
                name: Some("metrics".to_owned()),
                port: 9090,
                protocol: Protocol::Udp,
            },
        ]
    );
}

#[test]
fn pod_ip_alone_fills_pod_ips() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nstatus: {podIP: 10.1.0.9}\n";
    let objects = objects(text);
    let [Object::Pod(pod)] = objects.as_slice() else {
        panic!("one Pod expected");
    };
    assert_eq!(pod.pod_ips, vec![ip("10.1.0.9")]);
}

#[test]
fn namespace_is_cluster_scoped() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  namespace: ignored\n";
    let objects = objects(text);
    assert_eq!(
        objects[0].object_ref(),
        ObjectRef::cluster_scoped(Kind::Namespace, "prod")
    );
    assert_eq!(objects[0].meta().namespace, "");
}

mod block;
mod streams;
