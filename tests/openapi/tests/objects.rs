//! The `k8s-openapi` feature: objects given as k8s-openapi values load exactly as the same
//! objects written as a manifest (one loader reads both, see `src/cluster/openapi.rs`).

use std::collections::BTreeMap;

use k8s_dns_sim::{Cluster, ClusterDns, Config};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Namespace, Node, Pod, ReplicationController, Service, ServicePort,
    ServiceSpec,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_yaml::Value;

/// The documents of a manifest (the items of `kind: List` documents spliced in), grouped by
/// kind in order of appearance.
fn documents_by_kind(text: &str) -> BTreeMap<String, Vec<Value>> {
    let mut by_kind: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut pending: Vec<Value> = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = <Value as serde::Deserialize>::deserialize(document).expect("fixture is YAML");
        if !value.is_null() {
            pending.push(value);
        }
    }
    while let Some(value) = pending.pop() {
        let kind = value["kind"]
            .as_str()
            .expect("every object has a kind")
            .to_owned();
        if kind == "List" {
            let items = value["items"].as_sequence().cloned().unwrap_or_default();
            pending.extend(items.into_iter().rev());
            continue;
        }
        by_kind.entry(kind).or_default().insert(0, value);
    }
    by_kind
}

/// Adds `values` to the builder as k8s-openapi objects of type `K`.
fn add_as<K>(builder: &mut k8s_dns_sim::ClusterBuilder, values: &[Value])
where
    K: k8s_openapi::Resource + serde::Serialize + serde::de::DeserializeOwned,
{
    let objects: Vec<K> = values
        .iter()
        .map(|value| serde_yaml::from_value(value.clone()).expect("a valid object of its kind"))
        .collect();
    builder
        .add_objects(&objects)
        .unwrap_or_else(|errors| panic!("{} objects refused: {errors}", K::KIND));
}

/// The cluster a manifest gives when every object in it comes in as a k8s-openapi value.
fn cluster_through_openapi(text: &str) -> Cluster {
    let mut builder = Cluster::builder();
    for (kind, values) in documents_by_kind(text) {
        match kind.as_str() {
            "Namespace" => add_as::<Namespace>(&mut builder, &values),
            "Service" => add_as::<Service>(&mut builder, &values),
            "Endpoints" => add_as::<Endpoints>(&mut builder, &values),
            "EndpointSlice" => add_as::<EndpointSlice>(&mut builder, &values),
            "Pod" => add_as::<Pod>(&mut builder, &values),
            "Node" => add_as::<Node>(&mut builder, &values),
            "ConfigMap" => add_as::<ConfigMap>(&mut builder, &values),
            "Deployment" => add_as::<Deployment>(&mut builder, &values),
            "StatefulSet" => add_as::<StatefulSet>(&mut builder, &values),
            "ReplicaSet" => add_as::<ReplicaSet>(&mut builder, &values),
            "DaemonSet" => add_as::<DaemonSet>(&mut builder, &values),
            "ReplicationController" => add_as::<ReplicationController>(&mut builder, &values),
            "Job" => add_as::<Job>(&mut builder, &values),
            "CronJob" => add_as::<CronJob>(&mut builder, &values),
            other => panic!("no k8s-openapi type mapped for kind {other}"),
        }
    }
    builder.build().expect("the objects link")
}

/// Everything a cluster answers, as text: the zone listing of every zone the config serves,
/// the diagnostics' kinds and the skipped objects' kinds and names.
fn everything_answered(cluster: Cluster) -> String {
    let mut diagnostics: Vec<String> = cluster
        .diagnostics()
        .iter()
        .map(|diagnostic| format!("{}: {:?}", diagnostic.object, diagnostic.kind))
        .collect();
    diagnostics.sort();
    let mut skipped: Vec<String> = cluster
        .skipped()
        .iter()
        .map(|skipped| {
            format!(
                "{} {:?}/{:?}",
                skipped.kind, skipped.namespace, skipped.name
            )
        })
        .collect();
    skipped.sort();
    let dns = ClusterDns::new(cluster, Config::default());
    let zones = dns
        .zone_file("cluster.local")
        .expect("the default zone lists");
    format!("{zones}\ndiagnostics: {diagnostics:?}\nskipped: {skipped:?}\n")
}

/// Rule: one loader reads manifests and k8s-openapi values, so the same objects answer the
/// same, whichever way they come in. Every kind the loader reads (and CronJob, which it skips)
/// appears in one of these fixtures.
#[test]
fn k8s_openapi_objects_answer_as_their_manifest() {
    for fixture in [
        "golden.yaml",
        "clusterip-vs-headless.yaml",
        "deployment.yaml",
        "statefulset.yaml",
        "jobs.yaml",
        "hostname-subdomain.yaml",
        "nodes-hostnetwork.yaml",
        "dual-stack.yaml",
        "unready-endpoints.yaml",
        "srv-and-names.yaml",
        "zonal.yaml",
        "cluster-dump.yaml",
        "kubectl-dump.yaml",
        "seed-mysql.yaml",
    ] {
        let path = format!("{}/../../fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("fixture exists");
        let from_yaml = Cluster::from_yaml(&text).expect("fixture loads");
        let from_openapi = cluster_through_openapi(&text);
        assert_eq!(
            everything_answered(from_openapi),
            everything_answered(from_yaml),
            "{fixture}: k8s-openapi values answer differently from the manifest",
        );
    }
}

fn service(name: &str, port: i32) -> Service {
    Service {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..ObjectMeta::default()
        },
        spec: Some(ServiceSpec {
            ports: Some(vec![ServicePort {
                port,
                ..ServicePort::default()
            }]),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

/// Rule: a value the API server would refuse is refused with the loader's error, naming the
/// object, the field path and the value; and a call that fails adds none of its objects.
#[test]
fn a_refused_k8s_openapi_object_is_named_and_its_call_adds_nothing() {
    let mut builder = Cluster::builder();
    let errors = builder
        .add_objects(&[service("web", 80), service("db", 70000)])
        .expect_err("port 70000 is refused");
    let message = errors.to_string();
    for part in [
        "k8s-openapi Service objects",
        "Service default/db",
        "spec.ports[0].port",
        "70000",
    ] {
        assert!(message.contains(part), "{part:?} missing from: {message}");
    }
    let cluster = builder.build().expect("an empty cluster");
    assert!(
        cluster.service("default", "web").is_none(),
        "the failed call added web"
    );
}

/// Rule: a duplicate across calls is a duplicate, as across manifests.
#[test]
fn a_k8s_openapi_object_added_twice_is_a_duplicate() {
    let mut builder = Cluster::builder();
    builder.add_object(&service("web", 80)).expect("first");
    let errors = builder
        .add_object(&service("web", 81))
        .expect_err("second is a duplicate");
    assert!(errors.to_string().contains("defined twice"), "{errors}");
}

/// Rule: the `kube-system/coredns` ConfigMap is the cluster's Corefile, whichever way it comes.
#[test]
fn the_coredns_config_map_as_a_k8s_openapi_value_is_the_corefile() {
    let corefile = ".:53 {\n    kubernetes example.test\n}\n";
    let config_map = ConfigMap {
        metadata: ObjectMeta {
            name: Some("coredns".into()),
            namespace: Some("kube-system".into()),
            ..ObjectMeta::default()
        },
        data: Some([("Corefile".to_owned(), corefile.to_owned())].into()),
        ..ConfigMap::default()
    };
    let cluster = Cluster::builder()
        .add_object(&config_map)
        .expect("loads")
        .add_object(&service("web", 80))
        .expect("loads")
        .build()
        .expect("links");
    assert_eq!(
        cluster.corefile().map(|embedded| embedded.text()),
        Some(corefile)
    );
    let dns = ClusterDns::from_cluster(cluster).expect("the Corefile configures");
    let answer = dns
        .lookup(
            "web.default.svc.example.test",
            k8s_dns_sim::hickory_proto::rr::RecordType::A,
        )
        .expect("a name");
    assert_eq!(answer.addresses().len(), 1, "{answer}");
}
