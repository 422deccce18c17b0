//! Workloads and Pods becoming endpoints, as the Kubernetes controllers make them (issue 4):
//! StatefulSet names, readiness, publishNotReadyAddresses, termination, scaling, Deployments
//! behind a ClusterIP, dual-stack Pods, named targetPorts and the subdomain rule.

mod support;

use std::collections::BTreeSet;
use std::net::IpAddr;

use k8s_dns_sim::hickory_proto::rr::RecordType::{A, AAAA, PTR, SRV};
use k8s_dns_sim::workload::{PodCidrs, WorkloadConfig};
use k8s_dns_sim::{Change, Cluster, ClusterDns, Config, Kind, Outcome};
use support::fixture;

/// Applies one change, and checks that the snapshot's indexes agree with its objects.
fn apply(dns: &mut ClusterDns, change: Change) {
    dns.apply([change]).unwrap();
    dns.cluster().check_consistency().unwrap();
}

fn dns(manifests: &str) -> ClusterDns {
    ClusterDns::new(Cluster::from_yaml(manifests).unwrap(), Config::default())
}

/// The address of a Pod by name.
fn pod_ip(dns: &ClusterDns, name: &str) -> IpAddr {
    dns.cluster()
        .pods()
        .find(|pod| pod.meta.name == name)
        .and_then(|pod| pod.pod_ips.first().copied())
        .unwrap_or_else(|| panic!("no Pod {name}"))
}

fn addresses(
    dns: &ClusterDns,
    name: &str,
    qtype: k8s_dns_sim::hickory_proto::rr::RecordType,
) -> BTreeSet<String> {
    let answer = dns.lookup(name, qtype).unwrap();
    answer
        .answers
        .iter()
        .map(|record| record.data.to_string())
        .collect()
}

fn set(items: &[IpAddr]) -> BTreeSet<String> {
    items.iter().map(ToString::to_string).collect()
}

#[test]
fn statefulset_pods_get_stable_names_under_their_headless_service() {
    let dns = dns(&fixture("statefulset.yaml"));
    let pods: Vec<String> = dns
        .cluster()
        .pods()
        .map(|pod| pod.meta.name.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        pods,
        ["web-0", "web-1", "web-2"],
        "StatefulSet pods are <name>-<ordinal>"
    );
    for name in ["web-0", "web-1", "web-2"] {
        let fqdn = format!("{name}.nginx.default.svc.cluster.local.");
        assert_eq!(
            addresses(&dns, &fqdn, A),
            set(&[pod_ip(&dns, name)]),
            "hostname = pod name, subdomain = serviceName"
        );
    }
    let all = set(&[
        pod_ip(&dns, "web-0"),
        pod_ip(&dns, "web-1"),
        pod_ip(&dns, "web-2"),
    ]);
    assert_eq!(addresses(&dns, "nginx.default.svc.cluster.local.", A), all);
    // The named targetPort `web` resolves to the container port 8080.
    let srv = dns
        .lookup("_web._tcp.nginx.default.svc.cluster.local.", SRV)
        .unwrap();
    assert_eq!(srv.answers.len(), 3);
    assert!(
        srv.answer_lines()
            .iter()
            .all(|line| line.contains(" 8080 web-")),
        "{:?}",
        srv.answer_lines()
    );
}

#[test]
fn the_same_manifests_give_the_same_pod_addresses() {
    let first = dns(&fixture("statefulset.yaml"));
    let second = dns(&fixture("statefulset.yaml"));
    for name in ["web-0", "web-1", "web-2"] {
        assert_eq!(pod_ip(&first, name), pod_ip(&second, name));
        let range: ipnet::IpNet = "10.244.0.0/16".parse().unwrap();
        assert!(
            range.contains(&pod_ip(&first, name)),
            "from the default pod CIDR"
        );
    }
}

#[test]
fn readiness_flips_add_and_remove_names() {
    let mut dns = dns(&fixture("statefulset.yaml"));
    apply(&mut dns, Change::pod_ready("default", "web-1", false));
    let web1 = "web-1.nginx.default.svc.cluster.local.";
    assert_eq!(
        dns.lookup(web1, A).unwrap().outcome,
        Outcome::NxDomain,
        "an unready endpoint has no name"
    );
    assert_eq!(
        addresses(&dns, "nginx.default.svc.cluster.local.", A).len(),
        2
    );
    apply(&mut dns, Change::pod_ready("default", "web-1", true));
    assert_eq!(addresses(&dns, web1, A), set(&[pod_ip(&dns, "web-1")]));
}

#[test]
fn terminating_pods_stop_answering() {
    let mut dns = dns(&fixture("statefulset.yaml"));
    apply(&mut dns, Change::pod_terminating("default", "web-2", true));
    // ready = publishNotReadyAddresses || (Ready && !terminating)
    assert_eq!(
        dns.lookup("web-2.nginx.default.svc.cluster.local.", A)
            .unwrap()
            .outcome,
        Outcome::NxDomain
    );
    assert_eq!(
        addresses(&dns, "nginx.default.svc.cluster.local.", A).len(),
        2
    );
}

#[test]
fn publish_not_ready_addresses_answers_unready_and_terminating_pods() {
    let manifests = fixture("statefulset.yaml")
        .replace(
            "  clusterIP: None\n",
            "  clusterIP: None\n  publishNotReadyAddresses: true\n",
        )
        .replace(
            "  name: web\nspec:",
            "  name: web\n  annotations: {k8s-dns-sim.io/ready: \"false\"}\nspec:",
        );
    let mut dns = dns(&manifests);
    assert!(
        dns.cluster().pods().all(|pod| pod.ready == Some(false)),
        "the annotation made them unready"
    );
    assert_eq!(
        addresses(&dns, "nginx.default.svc.cluster.local.", A).len(),
        3
    );
    apply(&mut dns, Change::pod_terminating("default", "web-0", true));
    assert_eq!(
        addresses(&dns, "web-0.nginx.default.svc.cluster.local.", A),
        set(&[pod_ip(&dns, "web-0")])
    );
}

#[test]
fn scaling_down_removes_names_and_up_brings_them_back() {
    let mut dns = dns(&fixture("statefulset.yaml"));
    let web0 = pod_ip(&dns, "web-0");
    apply(
        &mut dns,
        Change::scale(Kind::StatefulSet, "default", "web", 1),
    );
    for name in ["web-1", "web-2"] {
        let fqdn = format!("{name}.nginx.default.svc.cluster.local.");
        assert_eq!(
            dns.lookup(&fqdn, A).unwrap().outcome,
            Outcome::NxDomain,
            "{name} is gone"
        );
    }
    assert_eq!(
        addresses(&dns, "nginx.default.svc.cluster.local.", A),
        set(&[web0]),
        "web-0 kept its address"
    );
    apply(
        &mut dns,
        Change::scale(Kind::StatefulSet, "default", "web", 3),
    );
    assert_eq!(
        addresses(&dns, "nginx.default.svc.cluster.local.", A).len(),
        3
    );
}

#[test]
fn a_deployment_behind_a_clusterip_service() {
    let dns = ClusterDns::new(
        Cluster::from_yaml(&fixture("deployment.yaml")).unwrap(),
        Config::default()
            .with_zones(["cluster.local", "in-addr.arpa"])
            .unwrap(),
    );
    assert_eq!(
        addresses(&dns, "api.default.svc.cluster.local.", A),
        BTreeSet::from(["10.96.0.50".to_owned()])
    );
    let pods: Vec<_> = dns.cluster().pods().collect();
    assert_eq!(pods.len(), 3);
    assert!(
        pods.iter().all(|pod| pod.meta.name.starts_with("api-")),
        "<deployment>-<hash>-<suffix>"
    );
    let ready: Vec<_> = pods.iter().filter(|pod| pod.ready == Some(true)).collect();
    assert_eq!(ready.len(), 2, "k8s-dns-sim.io/ready-replicas: 2");
    // Endpoint names under a ClusterIP Service: the dashed IP of each ready Pod (rule 15).
    let ip = ready[0].pod_ips[0];
    let dashed = ip.to_string().replace('.', "-");
    assert_eq!(
        addresses(&dns, &format!("{dashed}.api.default.svc.cluster.local."), A),
        set(&[ip])
    );
    // PTR of a Pod address names it under its Service.
    let reverse = k8s_dns_sim::hickory_proto::rr::Name::from(ip).to_string();
    let ptr = dns.lookup(&reverse, PTR).unwrap();
    assert_eq!(
        ptr.answer_lines(),
        [format!(
            "{reverse} 5 IN PTR {dashed}.api.default.svc.cluster.local."
        )]
    );
}

#[test]
fn dual_stack_pods_answer_both_families() {
    let manifests = fixture("statefulset.yaml").replace(
        "  clusterIP: None\n",
        "  clusterIP: None\n  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]\n",
    );
    let mut builder = Cluster::builder();
    let mut workloads = WorkloadConfig::default();
    workloads.pod_cidrs = PodCidrs::dual_stack();
    builder.workload_config(workloads);
    builder.add_yaml("statefulset.yaml", &manifests).unwrap();
    let dns = ClusterDns::new(builder.build().unwrap(), Config::default());
    assert_eq!(
        addresses(&dns, "nginx.default.svc.cluster.local.", A).len(),
        3
    );
    assert_eq!(
        addresses(&dns, "nginx.default.svc.cluster.local.", AAAA).len(),
        3
    );
    assert_eq!(
        addresses(&dns, "web-0.nginx.default.svc.cluster.local.", AAAA).len(),
        1
    );
}

#[test]
fn a_pod_without_the_named_target_port_is_left_out_of_that_port() {
    let manifests = format!(
        "{}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: stray, labels: {{app: nginx}}}}\n\
         spec: {{containers: [{{name: c, ports: [{{containerPort: 9090, name: other}}]}}]}}\n\
         status: {{phase: Running, podIP: 10.244.99.9, conditions: [{{type: Ready, status: \"True\"}}]}}\n",
        fixture("statefulset.yaml")
    );
    let dns = dns(&manifests);
    // The Pod is an endpoint (its own slice, with no `web` port), so the Service name answers it…
    assert!(addresses(&dns, "nginx.default.svc.cluster.local.", A).contains("10.244.99.9"));
    // …but `_web._tcp` SRV lists only the Pods that have the port.
    let srv = dns
        .lookup("_web._tcp.nginx.default.svc.cluster.local.", SRV)
        .unwrap();
    assert_eq!(srv.answers.len(), 3);
    assert!(
        !srv.answer_lines()
            .iter()
            .any(|line| line.contains("10-244-99-9"))
    );
}

#[test]
fn a_subdomain_that_is_not_the_service_name_gives_no_hostname() {
    let manifests = fixture("statefulset.yaml").replace("serviceName: nginx", "serviceName: other");
    let dns = dns(&manifests);
    assert_eq!(
        dns.lookup("web-0.nginx.default.svc.cluster.local.", A)
            .unwrap()
            .outcome,
        Outcome::NxDomain,
        "subdomain `other` is not the Service `nginx`: no hostname record"
    );
    let ip = pod_ip(&dns, "web-0");
    let dashed = ip.to_string().replace('.', "-");
    assert_eq!(
        addresses(
            &dns,
            &format!("{dashed}.nginx.default.svc.cluster.local."),
            A
        ),
        set(&[ip])
    );
}

#[test]
fn input_pods_a_workload_owns_are_not_duplicated() {
    let manifests = format!(
        "{}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: web-1, labels: {{app: nginx}}}}\n\
         spec: {{hostname: web-1, subdomain: nginx}}\n\
         status: {{phase: Running, podIP: 10.244.50.1, conditions: [{{type: Ready, status: \"True\"}}]}}\n",
        fixture("statefulset.yaml")
    );
    let dns = dns(&manifests);
    assert_eq!(
        dns.cluster().pods().count(),
        3,
        "web-1 comes from the input, not twice"
    );
    let web1: IpAddr = "10.244.50.1".parse().unwrap();
    assert_eq!(
        addresses(&dns, "web-1.nginx.default.svc.cluster.local.", A),
        set(&[web1])
    );
    assert!(
        dns.cluster()
            .pods()
            .all(|pod| pod.meta.name == "web-1" || pod.pod_ips[0] != web1),
        "no address collision"
    );
}

#[test]
fn a_pod_selected_by_two_services_is_an_endpoint_of_each() {
    let manifests = format!(
        "{}---\napiVersion: v1\nkind: Service\nmetadata: {{name: nginx-all}}\n\
         spec: {{clusterIP: None, selector: {{app: nginx}}, ports: [{{name: web, port: 80}}]}}\n",
        fixture("statefulset.yaml")
    );
    let dns = ClusterDns::new(
        Cluster::from_yaml(&manifests).unwrap(),
        Config::default()
            .with_zones(["cluster.local", "in-addr.arpa"])
            .unwrap(),
    );
    let ip = pod_ip(&dns, "web-0");
    assert!(addresses(&dns, "nginx-all.default.svc.cluster.local.", A).contains(&ip.to_string()));
    // One PTR per Service: the hostname under `nginx` (its subdomain), the dashed IP under the other.
    let reverse = k8s_dns_sim::hickory_proto::rr::Name::from(ip).to_string();
    let ptr: BTreeSet<String> = dns
        .lookup(&reverse, PTR)
        .unwrap()
        .answers
        .iter()
        .map(|r| r.data.to_string())
        .collect();
    let dashed = ip.to_string().replace('.', "-");
    assert_eq!(
        ptr,
        BTreeSet::from([
            "web-0.nginx.default.svc.cluster.local.".to_owned(),
            format!("{dashed}.nginx-all.default.svc.cluster.local."),
        ])
    );
}

/// A headless Service `db` selecting the Pod `db-a` (10.244.7.1), and an EndpointSlice of it
/// with `labels` (besides the service-name label) holding 10.244.7.99.
fn service_pod_and_slice(labels: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{name: db}}\n\
        spec: {{clusterIP: None, selector: {{app: db}}, ports: [{{name: pg, port: 5432}}]}}\n---\n\
        apiVersion: v1\nkind: Pod\nmetadata: {{name: db-a, labels: {{app: db}}}}\n\
        status: {{phase: Running, podIP: 10.244.7.1, conditions: [{{type: Ready, status: \"True\"}}]}}\n---\n\
        apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
        metadata: {{name: db-x, labels: {{kubernetes.io/service-name: db{labels}}}}}\n\
        addressType: IPv4\nports: [{{name: pg, port: 5432, protocol: TCP}}]\n\
        endpoints: [{{addresses: [10.244.7.99]}}]\n"
    )
}

/// Rule (docs/kubernetes-behaviour.md §2.2): the EndpointSlice controller manages only the
/// slices it labels `managed-by: endpointslice-controller.k8s.io`. A slice of the input with
/// that label is the controller's own work (a dump): DNS answers from it, and a disagreement
/// with the Pods is diagnosed.
#[test]
fn slices_in_the_input_win_over_pods_and_disagreement_is_diagnosed() {
    let manifests = service_pod_and_slice(
        ", endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io",
    );
    let dns = dns(&manifests);
    assert_eq!(
        addresses(&dns, "db.default.svc.cluster.local.", A),
        BTreeSet::from(["10.244.7.99".to_owned()]),
        "the input's EndpointSlice is the truth"
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
            .any(|d| d.contains("Service default/db") && d.contains("disagree with the Pods")),
        "{diagnostics:#?}"
    );
}

/// Rule (docs/kubernetes-behaviour.md §2.2): a slice of the input without the controller's
/// label (none, or another manager's) is a custom slice; the controller still makes its own
/// from the Pods, and CoreDNS reads both.
#[test]
fn a_custom_slice_sits_beside_the_controller_s_slices() {
    for labels in ["", ", endpointslice.kubernetes.io/managed-by: my-operator"] {
        let dns = dns(&service_pod_and_slice(labels));
        assert_eq!(
            addresses(&dns, "db.default.svc.cluster.local.", A),
            BTreeSet::from(["10.244.7.1".to_owned(), "10.244.7.99".to_owned()]),
            "labels {labels:?}: the Pod's address and the custom slice's"
        );
        let disagreement = dns
            .cluster()
            .diagnostics()
            .iter()
            .any(|d| d.to_string().contains("disagree with the Pods"));
        assert!(
            !disagreement,
            "a custom slice is not the controller's to disagree with"
        );
    }
}

#[test]
fn deleting_a_workload_pod_recreates_it_and_keeps_the_namespace() {
    // Regression: workload Pods were not counted in their namespace, so deleting them made the
    // namespace (and every Service in it) disappear.
    let manifests = fixture("statefulset.yaml")
        .replace("  name: nginx\n", "  name: nginx\n  namespace: shop\n")
        .replace("  name: web\n", "  name: web\n  namespace: shop\n");
    let mut dns = dns(&manifests);
    for pod in ["web-0", "web-1"] {
        apply(
            &mut dns,
            Change::Delete(k8s_dns_sim::ObjectRef::namespaced(Kind::Pod, "shop", pod)),
        );
    }
    assert_eq!(dns.cluster().namespaces(), ["shop"]);
    assert_eq!(
        addresses(&dns, "nginx.shop.svc.cluster.local.", A).len(),
        3,
        "the StatefulSet made them again"
    );
    let fresh = ClusterDns::new(Cluster::from_yaml(&manifests).unwrap(), Config::default());
    assert_eq!(
        addresses(&dns, "nginx.shop.svc.cluster.local.", A),
        addresses(&fresh, "nginx.shop.svc.cluster.local.", A)
    );
}

/// A StatefulSet named `name` with 2 replicas behind the headless Service `db`.
fn named_stateful_set(name: &str) -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata: {{name: db}}
spec: {{clusterIP: None, selector: {{app: db}}, ports: [{{port: 5432}}]}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {name}}}
spec:
  serviceName: db
  replicas: 2
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec: {{containers: [{{name: db, image: postgres}}]}}
"
    )
}

/// Rule (docs/kubernetes-behaviour.md, StatefulSet names): every Pod of a StatefulSet carries
/// `controller-revision-hash: <name>-<hash>`, and a label value may have at most 63
/// characters, so the API server refuses every Pod of a StatefulSet whose name leaves no room
/// for the hash (kubernetes/kubernetes#64023): no Pod, no name in DNS, and a diagnostic that
/// says why. A name of 40 characters leaves room for any hash; one of 60 (whose Pod names
/// still fit a label) for none of more than 2 characters.
#[test]
fn a_statefulset_name_too_long_for_its_revision_label_gets_no_pods() {
    for (length, created) in [(40, true), (60, false)] {
        let name = format!("{}{}", "d", "b".repeat(length - 1));
        let dns = dns(&named_stateful_set(&name));
        let pods = dns.cluster().pods().count();
        assert_eq!(pods, if created { 2 } else { 0 }, "name of {length}");
        let pod_name = format!("{name}-0.db.default.svc.cluster.local");
        let outcome = dns.lookup(&pod_name, A).unwrap().outcome;
        let expected = if created {
            Outcome::Success
        } else {
            Outcome::NxDomain
        };
        assert_eq!(outcome, expected, "{pod_name}");
        let refused: Vec<String> = dns
            .cluster()
            .diagnostics()
            .iter()
            .filter(|diagnostic| diagnostic.object.kind == Kind::StatefulSet)
            .map(ToString::to_string)
            .collect();
        assert_eq!(refused.len(), usize::from(!created), "{refused:?}");
        if let Some(text) = refused.first() {
            assert!(
                text.contains("controller-revision-hash") && text.contains(&name),
                "{text}"
            );
        }
    }
}
