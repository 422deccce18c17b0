//! Bounds on what the objects expand into (`ObjectLimits`): a small input that asks for
//! unbounded Pods or endpoints is refused with an error naming the workload, the field and the
//! limit, before anything is made, and a batch that would pass a limit changes nothing.

use k8s_dns_sim::{Change, Cluster, ClusterBuilder, Kind, ObjectLimits};

fn workload(kind: &str, name: &str, replicas: u64) -> String {
    let service_name = if kind == "StatefulSet" {
        "  serviceName: web\n"
    } else {
        ""
    };
    format!(
        "apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: {name}, namespace: default}}\nspec:\n  \
         replicas: {replicas}\n{service_name}  selector: {{matchLabels: {{app: {name}}}}}\n  \
         template: {{metadata: {{labels: {{app: {name}}}}}}}\n---\n"
    )
}

fn selecting(app: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{name: {app}, namespace: default}}\n\
         spec: {{clusterIP: None, selector: {{app: {app}}}, ports: [{{port: 80}}]}}\n---\n"
    )
}

fn pod(name: &str, ip: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: default, labels: {{app: x}}}}\n\
         status: {{podIP: {ip}, conditions: [{{type: Ready, status: 'True'}}]}}\n---\n"
    )
}

fn load(limits: ObjectLimits, manifests: &str) -> Result<Cluster, String> {
    let mut builder = ClusterBuilder::new();
    builder.object_limits(limits);
    builder
        .add_yaml("limits.yaml", manifests)
        .map_err(|errors| errors.to_string())?;
    builder.build().map_err(|errors| errors.to_string())
}

fn limits(pods_per_workload: usize, pods: usize, endpoints: usize) -> ObjectLimits {
    let mut limits = ObjectLimits::default();
    limits.pods_per_workload = pods_per_workload;
    limits.pods = pods;
    limits.endpoints = endpoints;
    limits
}

#[test]
fn inputs_that_ask_for_too_much_are_refused_before_anything_is_made() {
    let defaults = ObjectLimits::default();
    let table: Vec<(&str, ObjectLimits, String, &str)> = vec![
        (
            "a 12-line StatefulSet asking for 2^31 - 1 Pods",
            defaults,
            workload("StatefulSet", "web", 2_147_483_647),
            "StatefulSet default/web: spec.replicas: expected at most 250000 Pods \
             (ObjectLimits::pods_per_workload), found 2147483647",
        ),
        (
            "a Deployment asking for two billion",
            defaults,
            workload("Deployment", "api", 2_000_000_000),
            "Deployment default/api: spec.replicas: expected at most 250000 Pods \
             (ObjectLimits::pods_per_workload), found 2000000000",
        ),
        (
            "two workloads within their own limit, not together",
            limits(10, 5, 1000),
            format!(
                "{}{}",
                workload("Deployment", "a", 3),
                workload("ReplicaSet", "b", 4)
            ),
            "ReplicaSet default/b: spec.replicas: expected at most 5 Pods in the cluster \
             (ObjectLimits::pods), found 7 Pods with the other Pods and workloads of the cluster",
        ),
        (
            "Pods the input states count too",
            limits(10, 2, 1000),
            format!(
                "{}{}{}",
                pod("a", "10.1.0.1"),
                pod("b", "10.1.0.2"),
                pod("c", "10.1.0.3")
            ),
            "Pod default/c: expected at most 2 Pods in the cluster (ObjectLimits::pods), found 3 Pods",
        ),
        (
            "endpoints: Pods selected by a Service",
            limits(10, 10, 3),
            format!("{}{}", workload("Deployment", "api", 4), selecting("api")),
            "Service default/api: expected at most 3 endpoints in the cluster's EndpointSlices \
             (ObjectLimits::endpoints), found 4 endpoints with this Service's",
        ),
    ];
    for (case, limits, manifests, expected) in table {
        let error = load(limits, &manifests).expect_err(case);
        assert!(
            error.ends_with(expected),
            "{case}:\n  {error}\n  expected …{expected}"
        );
    }
    // Within the limits, the same kinds of input load.
    let fits = format!("{}{}", workload("Deployment", "api", 3), selecting("api"));
    let cluster = load(limits(3, 3, 3), &fits).unwrap();
    assert_eq!(cluster.pods().count(), 3);
}

#[test]
fn a_change_that_asks_for_too_much_is_refused_and_changes_nothing() {
    let cluster = load(
        limits(10, 10, 10),
        &format!("{}{}", workload("StatefulSet", "web", 2), selecting("web")),
    )
    .unwrap();
    for change in [
        Change::scale(Kind::StatefulSet, "default", "web", u32::MAX),
        Change::scale(Kind::StatefulSet, "default", "web", 11),
        Change::apply_yaml("more.yaml", workload("Deployment", "api", 9)),
    ] {
        let errors = cluster.apply([change.clone()]).expect_err("over the limit");
        assert!(errors.to_string().contains("ObjectLimits::"), "{errors}");
    }
    assert_eq!(cluster.pods().count(), 2, "the snapshot is unchanged");
    let scaled = cluster
        .apply([Change::scale(Kind::StatefulSet, "default", "web", 10)])
        .unwrap();
    assert_eq!(scaled.pods().count(), 10);
    scaled.check_consistency().unwrap();
}
