//! [`check`]: every index and the linked state rebuilt from the objects, and compared.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::net::IpAddr;
use std::sync::Arc;

use super::super::{Cluster, Key, LinkedSlices, SliceOrigin, key_of_namespace};
use super::{endpoint_entries, first_pair, label_pair, slice_owners};

/// Every way the indexes and the linked state disagree with the objects they derive from,
/// found by rebuilding them (see [`Cluster::check_consistency`]).
pub(crate) fn check(cluster: &Cluster) -> Vec<String> {
    let objects = &cluster.objects;
    let linked = &cluster.linked;
    let index = &cluster.index;
    let mut problems = Vec::new();
    let mut compare = |what: &str, expected: &dyn Debug, found: &dyn Debug, equal: bool| {
        if !equal {
            problems.push(format!(
                "{what}: rebuilt from the objects {expected:?}, indexed {found:?}"
            ));
        }
    };

    // Namespaces in use: every namespaced object counts once.
    let mut namespace_use: BTreeMap<Key, u32> = BTreeMap::new();
    let namespaces = objects
        .services
        .values()
        .map(|s| &s.object.meta.namespace)
        .chain(objects.endpoints.values().map(|s| &s.object.meta.namespace))
        .chain(linked.loaded_slices().map(|(_, s)| &s.slice.meta.namespace))
        .chain(objects.imports.values().map(|s| &s.object.meta.namespace))
        .chain(objects.pods.values().map(|s| &s.object.meta.namespace))
        .chain(objects.workloads.values().map(|s| &s.object.meta.namespace));
    for namespace in namespaces {
        *namespace_use.entry(namespace.as_str().into()).or_default() += 1;
    }
    let found: BTreeMap<Key, u32> = index
        .namespace_use
        .iter()
        .map(|(key, count)| (key.clone(), *count))
        .collect();
    compare(
        "namespace use",
        &namespace_use,
        &found,
        namespace_use == found,
    );

    // Loaded slices by owner.
    let mut by_service: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    let mut by_import: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (id, source) in linked.loaded_slices() {
        let id = id.clone();
        let (service, import) = slice_owners(&source.slice);
        if let Some(service) = service {
            by_service.entry(service).or_default().insert(id.clone());
        }
        if let Some(import) = import {
            by_import.entry(import).or_default().insert(id);
        }
    }
    let found = index.slices_by_service.to_btree();
    compare(
        "slices by Service",
        &by_service,
        &found,
        by_service == found,
    );
    let found = index.slices_by_import.to_btree();
    compare(
        "slices by ServiceImport",
        &by_import,
        &found,
        by_import == found,
    );

    // Endpoints by address, over every effective slice, and how many there are.
    let mut by_address: BTreeMap<IpAddr, BTreeSet<(Key, u32)>> = BTreeMap::new();
    let count: usize = linked
        .slices
        .values()
        .map(|s| s.slice.endpoints.len())
        .sum();
    compare(
        "endpoint count",
        &count,
        &index.endpoint_count,
        count == index.endpoint_count,
    );
    for (id, slice) in linked.slices.iter() {
        for (address, entry) in endpoint_entries(id, &slice.slice) {
            by_address.entry(address).or_default().insert(entry);
        }
    }
    let found = index.endpoints_by_address.to_btree();
    compare(
        "endpoints by address",
        &by_address,
        &found,
        by_address == found,
    );

    // Pods.
    let mut by_ip: BTreeMap<IpAddr, BTreeSet<Key>> = BTreeMap::new();
    let mut by_namespace: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (pod_key, source) in objects.pods.iter() {
        if let Some(ip) = source.object.pod_ips.first() {
            by_ip.entry(*ip).or_default().insert(pod_key.clone());
        }
        let namespace = key_of_namespace(&source.object.meta.namespace);
        by_namespace
            .entry(namespace)
            .or_default()
            .insert(pod_key.clone());
    }
    let found = index.pods_by_ip.to_btree();
    compare("Pods by IP", &by_ip, &found, by_ip == found);
    let mut simulated: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    let mut by_node: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (pod_key, source) in objects.pods.iter() {
        let pod = &source.object;
        if pod.is_simulated() {
            let namespace = key_of_namespace(&pod.meta.namespace);
            simulated
                .entry(namespace)
                .or_default()
                .insert(pod_key.clone());
        }
        if let Some(node) = &pod.node_name {
            by_node
                .entry(node.as_str().into())
                .or_default()
                .insert(pod_key.clone());
        }
    }
    let found = index.simulated_pods.to_btree();
    compare("simulated Pods", &simulated, &found, simulated == found);
    let found = index.pods_by_node.to_btree();
    compare("Pods by node", &by_node, &found, by_node == found);
    let found = index.pods_by_namespace.to_btree();
    compare(
        "Pods by namespace",
        &by_namespace,
        &found,
        by_namespace == found,
    );

    // Pods by label pair.
    let mut by_label: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (pod_key, source) in objects.pods.iter() {
        let meta = &source.object.meta;
        for (name, value) in &meta.labels {
            let pair = label_pair(&meta.namespace, name, value);
            by_label.entry(pair).or_default().insert(pod_key.clone());
        }
    }
    let found = index.pods_by_label.to_btree();
    compare("Pods by label", &by_label, &found, by_label == found);

    // Services with selectors, and the Pods they select.
    let mut selecting: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    let mut members: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (service_key, source) in objects.services.iter() {
        let service = &source.object;
        let Some(selector) = &service.selector else {
            continue;
        };
        let namespace = key_of_namespace(&service.meta.namespace);
        if let Some(pair) = first_pair(service) {
            selecting
                .entry(pair)
                .or_default()
                .insert(service_key.clone());
        }
        let matching: BTreeSet<Key> = by_namespace
            .get(&namespace)
            .into_iter()
            .flatten()
            .filter(|pod| {
                objects
                    .pods
                    .get(*pod)
                    .is_some_and(|pod| selector.matches(&pod.object.meta.labels))
            })
            .cloned()
            .collect();
        members.insert(service_key.clone(), matching);
    }
    let found = index.selectors_by_label.to_btree();
    compare(
        "Services by selector",
        &selecting,
        &found,
        selecting == found,
    );
    // A Service that selects no Pod may hold an empty set or none: the same to every reader.
    members.retain(|_, pods| !pods.is_empty());
    let mut found = index.members.to_btree();
    found.retain(|_, pods| !pods.is_empty());
    compare("selector members", &members, &found, members == found);

    // Workloads, and the Pods they made.
    let mut workloads: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (workload_key, source) in objects.workloads.iter() {
        let namespace = key_of_namespace(&source.object.meta.namespace);
        workloads
            .entry(namespace)
            .or_default()
            .insert(workload_key.clone());
    }
    let found = index.workloads_by_namespace.to_btree();
    compare(
        "workloads by namespace",
        &workloads,
        &found,
        workloads == found,
    );
    for (namespace, pods) in index.generated_pods.to_btree() {
        for pod in pods {
            let exists = objects.pods.contains_key(&pod);
            let in_namespace = by_namespace
                .get(&namespace)
                .is_some_and(|p| p.contains(&pod));
            compare(
                "a workload's Pod",
                &format!("{pod} in {namespace}"),
                &"missing",
                exists && in_namespace,
            );
        }
    }

    // Linked Services and imports: one per object, built from the current object.
    let keys = |map: &dyn Fn() -> Vec<Key>| map().into_iter().collect::<BTreeSet<Key>>();
    let service_keys = keys(&|| objects.services.keys().cloned().collect());
    let linked_keys = keys(&|| linked.services.keys().cloned().collect());
    compare(
        "linked Services",
        &service_keys,
        &linked_keys,
        service_keys == linked_keys,
    );
    let import_keys = keys(&|| objects.imports.keys().cloned().collect());
    let linked_keys = keys(&|| linked.imports.keys().cloned().collect());
    compare(
        "linked imports",
        &import_keys,
        &linked_keys,
        import_keys == linked_keys,
    );
    let mut owners: BTreeMap<IpAddr, BTreeSet<Key>> = BTreeMap::new();
    // The loaded slices, and what the linked Services derived: nothing else.
    let mut effective: BTreeSet<Key> = linked.loaded_slices().map(|(id, _)| id.clone()).collect();
    for (service_key, service) in linked.services.iter() {
        let current = objects
            .services
            .get(service_key)
            .is_some_and(|source| Arc::ptr_eq(source, &service.source));
        compare(
            "a linked Service's object",
            service_key,
            &"an older one",
            current,
        );
        for ip in &service.cluster_ips {
            owners.entry(*ip).or_default().insert(service_key.clone());
        }
        check_linked(service_key, &service.linked, &mut compare);
        for slice in &service.linked.slices {
            if slice.origin != SliceOrigin::Loaded {
                effective.insert(super::super::derived_slice_id(&slice.slice));
            }
        }
    }
    for (import_key, import) in linked.imports.iter() {
        check_linked(import_key, &import.linked, &mut compare);
    }
    let found = index.ip_owners.to_btree();
    compare("ClusterIP owners", &owners, &found, owners == found);
    let found: BTreeSet<Key> = linked.slices.keys().cloned().collect();
    compare("effective slices", &effective, &found, effective == found);
    problems
}

/// A linked Service's or import's ready addresses are those of its slices.
fn check_linked(
    key: &Key,
    linked: &LinkedSlices,
    compare: &mut impl FnMut(&str, &dyn Debug, &dyn Debug, bool),
) {
    let rebuilt = LinkedSlices::new(linked.slices.clone());
    let expected = (&rebuilt.ready_ipv4, &rebuilt.ready_ipv6);
    let found = (&linked.ready_ipv4, &linked.ready_ipv6);
    compare(
        &format!("ready addresses of {key}"),
        &expected,
        &found,
        expected == found,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::key;

    const MANIFESTS: &str = "apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 10.96.0.20, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}}
status: {podIP: 10.244.0.5, conditions: [{type: Ready, status: 'True'}]}
";

    #[test]
    fn the_check_finds_an_index_out_of_step_with_the_objects() {
        let cluster = Cluster::from_yaml(MANIFESTS).unwrap();
        assert_eq!(check(&cluster), Vec::<String>::new());

        let mut stale_pod = cluster.clone();
        let pod = stale_pod
            .objects
            .pods
            .values()
            .next()
            .unwrap()
            .object
            .clone();
        stale_pod.index.remove_pod(&key("default", "web-1"), &pod);
        let problems = check(&stale_pod);
        assert!(
            problems.iter().any(|p| p.starts_with("Pods by IP"))
                && problems.iter().any(|p| p.starts_with("Pods by namespace"))
                && problems.iter().any(|p| p.starts_with("namespace use")),
            "{problems:?}"
        );

        let mut stolen_ip = cluster.clone();
        stolen_ip
            .index
            .release_ip(&"10.96.0.20".parse().unwrap(), &key("default", "web"));
        let problems = check(&stolen_ip);
        assert!(
            problems.iter().any(|p| p.starts_with("ClusterIP owners")),
            "{problems:?}"
        );

        let mut lost_endpoint = cluster;
        let (id, slice) = lost_endpoint
            .linked
            .slices
            .iter()
            .next()
            .map(|(id, slice)| (id.clone(), slice.clone()))
            .unwrap();
        lost_endpoint.index.remove_endpoints(&id, &slice.slice);
        let problems = check(&lost_endpoint);
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("endpoints by address")),
            "{problems:?}"
        );
    }
}
