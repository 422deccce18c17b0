//! Live updates: changes make a new snapshot, whole or not at all, and a sequence of changes
//! answers exactly as loading the final state from scratch (issue 4).

mod support;

use std::collections::BTreeSet;

use k8s_dns_sim::hickory_proto::rr::RecordType;
use k8s_dns_sim::model::ServiceType;
use k8s_dns_sim::strategies::{ClusterShape, GeneratedCluster, cluster, questions_for, render};
use k8s_dns_sim::{
    Answer, Change, Cluster, ClusterDns, Config, Kind, ObjectRef, Outcome, UpdateErrorKind,
};
use proptest::prelude::*;
use support::fixture;

fn lines(answer: &Answer) -> BTreeSet<String> {
    answer.answers.iter().map(ToString::to_string).collect()
}

fn service(namespace: &str, name: &str) -> ObjectRef {
    ObjectRef::namespaced(Kind::Service, namespace, name)
}

#[test]
fn snapshots_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Cluster>();
    assert_send_sync::<ClusterDns>();
}

#[test]
fn readiness_flips_show_in_the_next_snapshot_only() {
    let before = Cluster::from_yaml(&fixture("unready-endpoints.yaml")).unwrap();
    let after = before
        .apply([
            Change::endpoint_ready("jobs", "queue-x1", "10.244.4.2".parse().unwrap(), true),
            Change::endpoint_ready("jobs", "queue-x1", "10.244.4.1".parse().unwrap(), false),
        ])
        .unwrap();
    let ready = |cluster: &Cluster| -> Vec<String> {
        let queue = cluster.service("jobs", "queue").unwrap();
        queue.ready_ipv4().iter().map(ToString::to_string).collect()
    };
    assert_eq!(ready(&before), ["10.244.4.1", "10.244.4.3"]);
    assert_eq!(ready(&after), ["10.244.4.2", "10.244.4.3"]);
    assert_eq!(after.serial(), before.serial() + 1);

    // Spec 2.4.3 (no PTR for an endpoint that is not ready) across the flip: the reverse index
    // holds every address and the answer keeps the ready ones.
    let ptr = |cluster: &Cluster, name: &str| -> Vec<String> {
        let config = Config::default()
            .with_zones(["cluster.local", "in-addr.arpa"])
            .unwrap();
        let dns = ClusterDns::new(cluster.clone(), config);
        let answer = dns.lookup(name, RecordType::PTR).unwrap();
        answer.answers.iter().map(|r| r.data.to_string()).collect()
    };
    let (first, second) = ("1.4.244.10.in-addr.arpa.", "2.4.244.10.in-addr.arpa.");
    assert_eq!(
        ptr(&before, first),
        ["10-244-4-1.queue.jobs.svc.cluster.local."]
    );
    assert!(ptr(&before, second).is_empty());
    assert!(ptr(&after, first).is_empty());
    assert_eq!(
        ptr(&after, second),
        ["10-244-4-2.queue.jobs.svc.cluster.local."]
    );
}

#[test]
fn the_soa_serial_counts_batches() {
    let config = Config::default();
    let mut dns = ClusterDns::new(Cluster::from_yaml(&fixture("golden.yaml")).unwrap(), config);
    let serial = |dns: &ClusterDns| {
        let answer = dns.lookup("cluster.local.", RecordType::SOA).unwrap();
        answer.answers[0].to_string()
    };
    assert!(serial(&dns).contains(" 1 7200 "), "{}", serial(&dns));
    dns.apply([Change::Delete(service("default", "empty"))])
        .unwrap();
    dns.apply([Change::Delete(service("default", "ext"))])
        .unwrap();
    assert!(serial(&dns).contains(" 3 7200 "), "{}", serial(&dns));
}

#[test]
fn a_deleted_service_stops_answering_and_its_endpoints_are_orphaned() {
    let mut dns = ClusterDns::new(
        Cluster::from_yaml(&fixture("golden.yaml")).unwrap(),
        Config::default()
            .with_zones(["cluster.local", "in-addr.arpa"])
            .unwrap(),
    );
    dns.apply([Change::Delete(service("default", "db"))])
        .unwrap();
    let a = dns
        .lookup("db.default.svc.cluster.local.", RecordType::A)
        .unwrap();
    assert_eq!(a.outcome, Outcome::NxDomain);
    // CoreDNS still answers PTR from the slice, which names the (now missing) Service.
    let ptr = dns
        .lookup("5.0.1.10.in-addr.arpa.", RecordType::PTR)
        .unwrap();
    assert_eq!(
        lines(&ptr),
        BTreeSet::from([
            "5.0.1.10.in-addr.arpa. 5 IN PTR db-0.db.default.svc.cluster.local.".to_owned()
        ])
    );
    let diagnostics: Vec<String> = dns
        .cluster()
        .diagnostics()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        diagnostics
            .iter()
            .any(|d| d.contains("EndpointSlice default/db-1") && d.contains("no such Service")),
        "{diagnostics:#?}"
    );
}

#[test]
fn apply_creates_and_replaces_like_kubectl_apply() {
    let mut dns = ClusterDns::new(
        Cluster::from_yaml(&fixture("golden.yaml")).unwrap(),
        Config::default(),
    );
    let web_with = |cluster_ip: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: web, namespace: default}}\n\
             spec: {{{cluster_ip}ports: [{{name: http, port: 80}}, {{name: alt, port: 8080}}]}}\n"
        )
    };
    // The API server keeps a Service's ClusterIP across an apply that leaves it out (or
    // repeats it) and refuses one that changes it: it may not change once set.
    dns.apply([Change::apply_yaml("same.yaml", web_with(""))])
        .unwrap();
    dns.apply([Change::apply_yaml(
        "same.yaml",
        web_with("clusterIP: 10.96.0.20, "),
    )])
    .unwrap();
    let refused = dns
        .apply([Change::apply_yaml(
            "change.yaml",
            web_with("clusterIP: 10.96.0.21, "),
        )])
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "change 0: change.yaml: document 1, line 4, column 19: Service default/web: spec.clusterIPs: \
         expected [\"10.96.0.20\"] (it may not change once set), found [\"10.96.0.21\"]"
    );
    let refused = dns
        .apply([Change::apply_yaml(
            "headless.yaml",
            web_with("clusterIP: None, "),
        )])
        .unwrap_err();
    assert!(
        refused.to_string().contains("found [\"None\"]"),
        "{refused}"
    );
    // Deleting and creating it in one batch gives it another (`kubectl replace --force`).
    dns.apply([
        Change::delete(Kind::Service, "default", "web"),
        Change::apply_yaml(
            "change.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n\
             spec: {clusterIP: 10.96.0.21, ports: [{name: http, port: 80}]}\n---\n\
             apiVersion: v1\nkind: Service\nmetadata: {name: new, namespace: default}\n\
             spec: {clusterIP: 10.96.0.99, ports: [{port: 80}]}\n",
        ),
    ])
    .unwrap();
    let web = dns
        .lookup("web.default.svc.cluster.local.", RecordType::A)
        .unwrap();
    assert_eq!(
        web.answer_lines(),
        ["web.default.svc.cluster.local. 5 IN A 10.96.0.21"]
    );
    let new = dns
        .lookup("new.default.svc.cluster.local.", RecordType::A)
        .unwrap();
    assert_eq!(
        new.answer_lines(),
        ["new.default.svc.cluster.local. 5 IN A 10.96.0.99"]
    );
}

#[test]
fn a_selector_change_stops_or_starts_mirroring() {
    let mut dns = ClusterDns::new(
        Cluster::from_yaml(&fixture("linking.yaml")).unwrap(),
        Config::default(),
    );
    let name = "selected.links.svc.cluster.local.";
    assert_eq!(
        dns.lookup(name, RecordType::A).unwrap().outcome,
        Outcome::NxDomain
    );
    // Dropping the selector lets the mirroring controller publish the hand-written Endpoints.
    dns.apply([Change::selector("links", "selected", None)])
        .unwrap();
    assert_eq!(
        dns.lookup(name, RecordType::A).unwrap().answer_lines(),
        [format!("{name} 5 IN A 192.0.2.30")]
    );
    let selector = [("app", "selected")].into_iter().collect();
    dns.apply([Change::selector("links", "selected", Some(selector))])
        .unwrap();
    assert_eq!(
        dns.lookup(name, RecordType::A).unwrap().outcome,
        Outcome::NxDomain
    );
}

#[test]
fn a_type_change_to_external_name_and_back() {
    let mut dns = ClusterDns::new(
        Cluster::from_yaml(&fixture("golden.yaml")).unwrap(),
        Config::default(),
    );
    let name = "web.default.svc.cluster.local.";
    dns.apply([Change::service_type(
        "default",
        "web",
        ServiceType::ExternalName("example.org".into()),
    )])
    .unwrap();
    assert_eq!(
        dns.lookup(name, RecordType::CNAME).unwrap().answer_lines(),
        [format!("{name} 5 IN CNAME example.org.")]
    );
    dns.apply([Change::service_type(
        "default",
        "web",
        ServiceType::ClusterIp,
    )])
    .unwrap();
    let answer = dns.lookup(name, RecordType::A).unwrap();
    assert_eq!(
        answer.outcome,
        Outcome::Success,
        "a ClusterIP is allocated again"
    );
    let range: ipnet::IpNet = "10.96.0.0/12".parse().unwrap();
    let web = dns.cluster().service("default", "web").unwrap();
    assert!(range.contains(&web.cluster_ips()[0]));
}

#[test]
fn a_failed_batch_changes_nothing() {
    let before = Cluster::from_yaml(&fixture("golden.yaml")).unwrap();
    let errors = before
        .apply([
            Change::Delete(service("default", "web")),
            Change::pod_ready("default", "no-such-pod", true),
            Change::apply_yaml(
                "bad.yaml",
                "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 0}]}\n",
            ),
            Change::service_type("default", "db", ServiceType::NodePort),
        ])
        .unwrap_err();
    let kinds: Vec<usize> = errors.errors().iter().map(|error| error.change).collect();
    assert_eq!(kinds, [1, 2, 3], "{errors}");
    assert!(matches!(
        errors.errors()[0].kind,
        UpdateErrorKind::NotFound(_)
    ));
    assert!(matches!(errors.errors()[1].kind, UpdateErrorKind::Load(_)));
    assert_eq!(
        errors.errors()[2].to_string(),
        "change 3: Service default/db: spec.clusterIP: expected a cluster IP (a NodePort \
         Service may not be headless), found \"None\""
    );
    assert!(
        before.service("default", "web").is_some(),
        "the snapshot is untouched"
    );
    assert_eq!(before.serial(), 1);
}

/// An edit of a generated cluster, applied both as a Change and to the model.
#[derive(Debug, Clone)]
enum Edit {
    FlipReady {
        service: usize,
        endpoint: usize,
    },
    DeleteService {
        service: usize,
    },
    /// Re-apply a Service (and its slices) with another IPv4 ClusterIP, as `kubectl apply`.
    Readdress {
        service: usize,
        last: u8,
    },
}

#[test]
fn a_change_is_checked_like_the_api_server_checks_the_object_it_makes() {
    let before = Cluster::from_yaml(&fixture("golden.yaml")).unwrap();
    let errors = before
        .apply([
            // A change about a Pod, given a reference to a Service.
            Change::SetPodReady {
                pod: service("default", "web"),
                ready: false,
            },
            // DaemonSets have no replicas.
            Change::scale(Kind::DaemonSet, "default", "agent", 2),
            // The loader's rule for spec.externalName applies to a type change too.
            Change::service_type(
                "default",
                "web",
                ServiceType::ExternalName("Not_A.Subdomain".into()),
            ),
        ])
        .unwrap_err();
    let texts: Vec<String> = errors.errors().iter().map(ToString::to_string).collect();
    assert_eq!(
        texts,
        [
            "change 0: Service default/web: expected a reference to a Pod, found one to a Service",
            "change 1: DaemonSet default/agent: expected a reference to a StatefulSet, \
             Deployment, ReplicaSet or ReplicationController, found one to a DaemonSet",
            "change 2: Service default/web: spec.externalName: expected a DNS-1123 subdomain, \
             optionally with one trailing dot, found \"Not_A.Subdomain\"",
        ]
    );
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), any::<usize>())
            .prop_map(|(service, endpoint)| Edit::FlipReady { service, endpoint }),
        any::<usize>().prop_map(|service| Edit::DeleteService { service }),
        (any::<usize>(), any::<u8>()).prop_map(|(service, last)| Edit::Readdress { service, last }),
    ];
    proptest::collection::vec(proptest::collection::vec(edit, 1..4), 1..5)
        .prop_map(|batches| batches.into_iter().flatten().collect())
}

/// The Change for an edit, and the model after it.
fn apply_edit(model: &mut GeneratedCluster, edit: &Edit) -> Option<Vec<Change>> {
    if model.services.is_empty() {
        return None;
    }
    match *edit {
        Edit::FlipReady { service, endpoint } => {
            let count = model.services.len();
            let service = &mut model.services[service % count];
            // Readiness is set on a loaded EndpointSlice; mirrored ones follow their Endpoints.
            if service.endpoints.is_empty()
                || service.kind.is_external_name()
                || service.source.is_endpoints_object()
            {
                return None;
            }
            let index = endpoint % service.endpoints.len();
            let slice = service.slice_name(&service.endpoints[index]);
            let endpoint = &mut service.endpoints[index];
            let ready = !endpoint.is_ready();
            endpoint.ready = Some(ready);
            Some(vec![Change::endpoint_ready(
                &service.namespace,
                &slice,
                endpoint.address,
                ready,
            )])
        }
        Edit::Readdress { service, last } => {
            let count = model.services.len();
            let service = &mut model.services[service % count];
            // Services whose first ClusterIP is IPv4 (an IPv6-only one would need an IPv6 address).
            if !service
                .cluster_ips
                .first()
                .is_some_and(std::net::IpAddr::is_ipv4)
            {
                return None;
            }
            // 10.97.0.0/16 is outside every generated address (two readdressed Services may
            // share one: both then own it, live and fresh alike).
            let index = (service.name.len() * 7 + usize::from(last)) % 250;
            let ip: std::net::IpAddr = format!("10.97.{}.{}", index, last).parse().unwrap();
            service.cluster_ips[0] = ip;
            let manifests = render(&[], std::slice::from_ref(service));
            // A ClusterIP may not change once set: delete and create in one batch, as
            // `kubectl replace --force` does.
            let reference = ObjectRef::namespaced(Kind::Service, &service.namespace, &service.name);
            Some(vec![
                Change::Delete(reference),
                Change::apply_yaml("readdress.yaml", manifests),
            ])
        }
        Edit::DeleteService { service } => {
            let removed = model.services.remove(service % model.services.len());
            let changes = removed.objects().into_iter().map(Change::Delete).collect();
            Some(changes)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Applying any sequence of changes answers exactly as loading the final state.
    #[test]
    fn changes_answer_as_a_fresh_load_of_the_final_state(
        (generated, questions) in cluster(ClusterShape::default()).prop_flat_map(|generated| {
            let questions = questions_for(&generated);
            (Just(generated), questions)
        }),
        edits in edits(),
    ) {
        let mut model = generated.clone();
        let mut live = generated.dns().clone();
        for edit in &edits {
            if let Some(changes) = apply_edit(&mut model, edit) {
                live.apply(changes).unwrap();
            }
        }
        let fresh = ClusterDns::new(
            Cluster::from_yaml(&model.render()).unwrap(),
            Config::default(),
        );
        // Every index of the changed snapshot agrees with its objects, as a fresh load's do.
        prop_assert_eq!(live.cluster().check_consistency(), Ok(()));
        prop_assert_eq!(fresh.cluster().check_consistency(), Ok(()));
        // SOA answers differ by design: the live cluster's serial counts its batches.
        for question in questions.iter().filter(|question| question.qtype != RecordType::SOA) {
            let (a, b) = (live.answer(&question.name, question.qtype), fresh.answer(&question.name, question.qtype));
            prop_assert_eq!(a.outcome, b.outcome, "{:?}", question);
            prop_assert_eq!(lines(&a), lines(&b), "{:?}", question);
            prop_assert_eq!(
                a.additionals.iter().map(ToString::to_string).collect::<BTreeSet<_>>(),
                b.additionals.iter().map(ToString::to_string).collect::<BTreeSet<_>>()
            );
        }
        // The same findings (locations differ: the live cluster keeps the original lines).
        let diagnostics = |dns: &ClusterDns| {
            dns.cluster().diagnostics().iter().map(|d| format!("{}: {}", d.object, d.kind)).collect::<BTreeSet<_>>()
        };
        prop_assert_eq!(diagnostics(&live), diagnostics(&fresh));
    }
}

#[test]
fn applying_a_skipped_object_again_lists_it_once() {
    let config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n";
    let cluster = Cluster::from_yaml(config_map).unwrap();
    let cluster = cluster
        .apply([Change::apply_yaml("again.yaml", config_map)])
        .unwrap();
    let cluster = cluster
        .apply([Change::apply_yaml("again.yaml", config_map)])
        .unwrap();
    assert_eq!(cluster.skipped().len(), 1);
}

#[test]
fn a_selector_change_is_checked_like_the_loader_checks_one() {
    let cluster = Cluster::from_yaml(&fixture("golden.yaml")).unwrap();
    let bad = [("app", "not a label value!")].into_iter().collect();
    let errors = cluster
        .apply([Change::selector("default", "web", Some(bad))])
        .unwrap_err();
    assert!(
        errors.to_string().starts_with(
            "change 0: Service default/web: spec.selector[app]: expected a label value"
        ),
        "{errors}"
    );
    let bad_key = [("-app", "web")].into_iter().collect();
    assert!(
        cluster
            .apply([Change::selector("default", "web", Some(bad_key))])
            .is_err()
    );
}

#[test]
fn an_apply_is_bounded_by_the_builder_s_load_limits() {
    let mut limits = k8s_dns_sim::LoadLimits::default();
    limits.max_depth = 4;
    let mut builder = k8s_dns_sim::ClusterBuilder::new();
    builder.load_limits(limits);
    let cluster = builder.build().unwrap();
    let deep = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: [[[[[1]]]]]}\n";
    let errors = cluster
        .apply([Change::apply_yaml("deep.yaml", deep)])
        .unwrap_err();
    assert!(
        errors.to_string().contains("nested at most 4 deep"),
        "{errors}"
    );
}

#[test]
fn deleting_a_namespace_deletes_what_is_in_it() {
    let manifests = "apiVersion: v1\nkind: Namespace\nmetadata: {name: data}\n---\n\
        apiVersion: v1\nkind: Service\nmetadata: {name: pg, namespace: data}\n\
        spec: {clusterIP: 10.96.5.5, selector: {app: pg}, ports: [{port: 5432}]}\n---\n\
        apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: pg, namespace: data}\n\
        spec: {replicas: 2, serviceName: pg, selector: {matchLabels: {app: pg}}, \
        template: {metadata: {labels: {app: pg}}}}\n---\n\
        apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n\
        spec: {clusterIP: 10.96.5.6, ports: [{port: 80}]}\n";
    let mut dns = ClusterDns::new(Cluster::from_yaml(manifests).unwrap(), Config::default());
    let pg = "pg.data.svc.cluster.local.";
    assert_eq!(
        dns.lookup(pg, RecordType::A).unwrap().outcome,
        Outcome::Success
    );
    // The namespace controller deletes every object of a deleted Namespace.
    dns.apply([Change::delete(Kind::Namespace, "", "data")])
        .unwrap();
    dns.cluster().check_consistency().unwrap();
    assert_eq!(
        dns.lookup(pg, RecordType::A).unwrap().outcome,
        Outcome::NxDomain
    );
    assert_eq!(dns.cluster().namespaces(), ["default"]);
    assert_eq!(dns.cluster().pods().count(), 0);
    assert_eq!(
        dns.lookup("web.default.svc.cluster.local.", RecordType::A)
            .unwrap()
            .outcome,
        Outcome::Success
    );
}

/// Fields the API server lets no update change (`src/cluster/update/immutable.rs`): an apply
/// that changes one fails, names the field, and leaves the cluster as it was; one that changes
/// only what may change applies.
#[test]
fn an_apply_may_not_change_what_the_api_server_keeps_immutable() {
    let base = "\
apiVersion: v1
kind: Service
metadata: {name: web-h, namespace: default}
spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: default, labels: {app: web}}
spec: {hostname: a, subdomain: web-h, containers: [{name: c, image: x}]}
status: {phase: Running, podIP: 10.244.0.5, conditions: [{type: Ready, status: 'True'}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  serviceName: web-h
  replicas: 2
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: default}
spec:
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api}}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ext-1
  namespace: default
  labels: {kubernetes.io/service-name: ext}
addressType: IPv4
endpoints: [{addresses: [10.1.0.1]}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: batch, namespace: default}
spec:
  template:
    metadata: {labels: {team: a}}
    spec: {subdomain: web-h, restartPolicy: Never, containers: [{name: c, image: x}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: later, namespace: default}
spec:
  suspend: true
  template:
    metadata: {labels: {team: a}}
    spec: {restartPolicy: Never, containers: [{name: c, image: x}]}
";
    let cluster = Cluster::from_yaml(base).unwrap();
    let job = |name: &str, suspend: bool, team: &str, subdomain: &str| {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: {name}, namespace: default}}\n\
             spec:\n  suspend: {suspend}\n  template:\n    metadata: {{labels: {{team: {team}}}}}\n\
             \x20   spec: {{{subdomain}restartPolicy: Never, containers: [{{name: c, image: x}}]}}\n"
        )
    };
    let pod = |spec: &str, status: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: default, labels: {{app: web}}}}\n\
             spec: {{{spec}containers: [{{name: c, image: x}}]}}\nstatus: {{{status}}}\n"
        )
    };
    let running = "phase: Running, podIP: 10.244.0.5, conditions: [{type: Ready, status: 'True'}]";
    let not_ready =
        "phase: Running, podIP: 10.244.0.5, conditions: [{type: Ready, status: 'False'}]";
    let stateful = |service: &str, app: &str, replicas: u32| {
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: db, namespace: default}}\n\
             spec:\n  serviceName: {service}\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {app}}}}}\n\
             \x20 template: {{metadata: {{labels: {{app: {app}}}}}}}\n"
        )
    };
    let deployment = |app: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api, namespace: default}}\n\
             spec:\n  selector: {{matchLabels: {{app: {app}}}}}\n  template: {{metadata: {{labels: {{app: {app}}}}}}}\n"
        )
    };
    let slice = |address_type: &str, address: &str| {
        format!(
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: ext-1\n  namespace: default\n\
             \x20 labels: {{kubernetes.io/service-name: ext}}\naddressType: {address_type}\n\
             endpoints: [{{addresses: [\"{address}\"]}}]\n"
        )
    };
    // (rule, manifest, None when it applies, else the field and the values the error names)
    let table: Vec<(&str, String, Option<&str>)> = vec![
        (
            "a Pod's hostname (ValidatePodUpdate)",
            pod("hostname: b, subdomain: web-h, ", running),
            Some(
                "line 4, column 18: Pod default/p: spec.hostname: expected \"a\" (it may not change \
                 once set), found \"b\"",
            ),
        ),
        (
            "a Pod's subdomain, removed",
            pod("hostname: a, ", running),
            Some(
                "Pod default/p: spec.subdomain: expected \"web-h\" (it may not change once set), found unset",
            ),
        ),
        (
            "a Pod's nodeName, stated anew",
            pod("hostname: a, subdomain: web-h, nodeName: other, ", running),
            Some(
                "Pod default/p: spec.nodeName: expected unset (it may not change once set), found \"other\"",
            ),
        ),
        (
            "a Pod's hostNetwork",
            pod(
                "hostname: a, subdomain: web-h, hostNetwork: true, ",
                running,
            ),
            Some(
                "Pod default/p: spec.hostNetwork: expected false (it may not change once set), found true",
            ),
        ),
        (
            "a Pod's status and labels may change",
            pod("hostname: a, subdomain: web-h, ", not_ready),
            None,
        ),
        (
            "a StatefulSet's serviceName (ValidateStatefulSetUpdate)",
            stateful("other", "db", 2),
            Some(
                "StatefulSet default/db: spec.serviceName: expected \"web-h\" (it may not change once set), found \"other\"",
            ),
        ),
        (
            "a StatefulSet's selector",
            stateful("web-h", "db2", 2),
            Some(
                "StatefulSet default/db: spec.selector: expected {\"app\": \"db\"} (it may not change once set), found {\"app\": \"db2\"}",
            ),
        ),
        (
            "a StatefulSet's replicas may change",
            stateful("web-h", "db", 5),
            None,
        ),
        (
            "a Deployment's selector (apps/v1: field is immutable)",
            deployment("api2"),
            Some(
                "Deployment default/api: spec.selector: expected {\"app\": \"api\"} (it may not change once set), found {\"app\": \"api2\"}",
            ),
        ),
        (
            "an EndpointSlice's addressType (ValidateEndpointSliceUpdate)",
            slice("IPv6", "fd00::1"),
            Some(
                "EndpointSlice default/ext-1: addressType: expected IPv4 (it may not change once set), found IPv6",
            ),
        ),
        (
            "an EndpointSlice's endpoints may change",
            slice("IPv4", "10.1.0.2"),
            None,
        ),
        (
            "a Job's template, field by field (ValidateJobUpdate)",
            job("batch", false, "a", "subdomain: other, "),
            Some(
                "Job default/batch: spec.template.spec.subdomain: expected \"web-h\" (it may not \
                 change once set), found \"other\"",
            ),
        ),
        (
            "a running Job's template labels",
            job("batch", false, "b", "subdomain: web-h, "),
            Some("Job default/batch: spec.template.metadata.labels: expected {"),
        ),
        (
            "a Job applied again unchanged",
            job("batch", false, "a", "subdomain: web-h, "),
            None,
        ),
        (
            "a suspended Job's template labels may change (KEP-2926)",
            job("later", true, "b", ""),
            None,
        ),
    ];
    for (rule, manifest, expected) in table {
        let result = cluster.apply([Change::apply_yaml("change.yaml", manifest)]);
        match (expected, result) {
            (None, Ok(next)) => assert_eq!(next.serial(), cluster.serial() + 1, "{rule}"),
            (Some(expected), Err(errors)) => {
                let text = errors.to_string();
                assert!(text.contains(expected), "{rule}: {text}");
            }
            (None, Err(errors)) => panic!("{rule}: refused: {errors}"),
            (Some(_), Ok(_)) => panic!("{rule}: applied"),
        }
    }
}
