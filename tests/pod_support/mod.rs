//! Helpers shared by the tests of Pods as a cluster runs them (`tests/pods.rs`,
//! `tests/nodes.rs`, `tests/jobs.rs`).

#![allow(dead_code)] // each test binary uses a different part of this module

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use k8s_dns_sim::hickory_proto::rr::RecordType::A;
use k8s_dns_sim::model::Pod;
use k8s_dns_sim::{Change, Cluster, ClusterDns, DiagnosticKind};

/// A `'static` copy of a line built at run time, for a table row.
pub fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

pub fn load(manifests: &str) -> Cluster {
    Cluster::from_yaml(manifests).unwrap_or_else(|errors| panic!("{errors}"))
}

pub fn pod<'c>(cluster: &'c Cluster, namespace: &str, name: &str) -> &'c Pod {
    cluster
        .pods()
        .find(|pod| pod.meta.namespace == namespace && pod.meta.name == name)
        .unwrap_or_else(|| panic!("no Pod {namespace}/{name}"))
}

pub fn ip(cluster: &Cluster, namespace: &str, name: &str) -> IpAddr {
    pod(cluster, namespace, name).pod_ips[0]
}

pub fn a_line(owner: &str, ip: IpAddr) -> &'static str {
    let kind = if ip.is_ipv4() { "A" } else { "AAAA" };
    leak(format!("{owner} 5 IN {kind} {ip}"))
}

pub fn answers(dns: &ClusterDns, name: &str) -> BTreeSet<String> {
    dns.lookup(name, A)
        .unwrap()
        .answers
        .iter()
        .map(|record| record.data.to_string())
        .collect()
}

pub fn apply(dns: &mut ClusterDns, change: Change) {
    dns.apply([change])
        .unwrap_or_else(|errors| panic!("{errors}"));
    dns.cluster().check_consistency().unwrap();
}

pub fn diagnostics(cluster: &Cluster) -> Vec<(String, DiagnosticKind)> {
    cluster
        .diagnostics()
        .iter()
        .map(|d| (d.object.to_string(), d.kind.clone()))
        .collect()
}

pub fn leak_lines(lines: &[&'static str]) -> &'static [&'static str] {
    Box::leak(lines.to_vec().into_boxed_slice())
}

/// A headless Service `db` and one Pod `db-0` of app `db`, the Pod's document given.
pub fn db_with(pod: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{name: db}}\n\
         spec: {{clusterIP: None, publishNotReadyAddresses: false, selector: {{app: db}}, ports: [{{name: pg, port: 5432}}]}}\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: db-0\n  labels: {{app: db}}\n{pod}"
    )
}

/// `count` bare Pods of app `app` in `namespace`, in name order or reversed.
pub fn bare_pods(namespace: &str, count: usize, reversed: bool) -> String {
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

pub fn addresses(cluster: &Cluster) -> BTreeMap<String, Vec<IpAddr>> {
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

pub fn is_generated_name(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix).is_some_and(|suffix| {
        suffix.len() == 5
            && suffix
                .bytes()
                .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
    })
}
