//! The nodes Pods run on: the input's `v1 Node` objects when it has any, otherwise the node
//! pool of the builder's [`WorkloadConfig`](super::WorkloadConfig).
//!
//! For each node the simulator needs three things, each what a cluster would have:
//!
//! - **its Pod subnet**: the Node's `spec.podCIDRs` (the node IPAM controller writes them,
//!   `pkg/controller/nodeipam`), or, when it states none, the `index`-th per-node subnet of the
//!   configured pod CIDRs (see the `ipam` module);
//! - **its host IPs**, the addresses of its `hostNetwork` Pods: the kubelet's
//!   `GetNodeHostIPs` over its `status.addresses` ([`Node::host_ips`]); pool nodes get
//!   generated ones from [`NodeAddresses`](super::NodeAddresses);
//! - **where a Pod without `spec.nodeName` goes**: the scheduler's choice is replaced by a
//!   stable hash of the Pod's namespace and name over the nodes, in name order.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use super::WorkloadConfig;
use crate::cidr::{address_at, usable_offsets};
use crate::generated::fnv1a64;
use crate::model::Node;

/// One node, as the simulator places Pods on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SimNode {
    /// Its name.
    pub(crate) name: String,
    /// Its position: which per-node subnet it gets when it states none.
    pub(crate) index: usize,
    /// `spec.podCIDRs`, primary first (empty: the computed subnet).
    pub(crate) pod_cidrs: Vec<IpNet>,
    /// The addresses of its `hostNetwork` Pods.
    pub(crate) host_ips: Vec<IpAddr>,
}

/// The nodes of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct NodeSet {
    nodes: Vec<SimNode>,
    by_name: BTreeMap<String, usize>,
    /// Whether they are the input's Node objects (rather than the builder's pool).
    loaded: bool,
}

impl NodeSet {
    /// The loaded Nodes, sorted by name, or (with none) the pool of `config`.
    pub(crate) fn new(loaded: &[&Node], config: &WorkloadConfig) -> NodeSet {
        if loaded.is_empty() {
            return NodeSet::pool(config);
        }
        let mut sorted: Vec<&Node> = loaded.to_vec();
        sorted.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        sorted.dedup_by(|a, b| a.meta.name == b.meta.name);
        let nodes = sorted
            .into_iter()
            .enumerate()
            .map(|(index, node)| SimNode {
                name: node.meta.name.clone(),
                index,
                pod_cidrs: node.pod_cidrs.clone(),
                host_ips: node.host_ips(),
            })
            .collect();
        NodeSet::of(nodes, true)
    }

    /// The builder's node pool: node `i` of [`WorkloadConfig::nodes`] gets the `i`-th usable
    /// address of each [`NodeAddresses`](super::NodeAddresses) range whose family the pod
    /// CIDRs have (`node-1` is `172.18.0.2`, as a one-node kind cluster's node is).
    fn pool(config: &WorkloadConfig) -> NodeSet {
        let families = config.pod_cidrs.families();
        let mut nodes = Vec::new();
        for (index, name) in config.nodes.iter().enumerate() {
            if nodes.iter().any(|node: &SimNode| &node.name == name) {
                continue;
            }
            let host_ips = families
                .iter()
                .filter_map(|family| config.node_addresses.range(*family))
                .filter_map(|range| {
                    let (first, last) = usable_offsets(range)?;
                    let offset = first + (index as u128) % (last - first + 1);
                    Some(address_at(range, offset))
                })
                .collect();
            nodes.push(SimNode {
                name: name.clone(),
                index,
                pod_cidrs: Vec::new(),
                host_ips,
            });
        }
        NodeSet::of(nodes, false)
    }

    fn of(nodes: Vec<SimNode>, loaded: bool) -> NodeSet {
        let by_name = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| (node.name.clone(), i))
            .collect();
        NodeSet {
            nodes,
            by_name,
            loaded,
        }
    }

    /// Whether the nodes are the input's Node objects.
    pub(crate) fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// How many nodes there are.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The nodes, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &SimNode> {
        self.nodes.iter()
    }

    /// The node of this name.
    pub(crate) fn get(&self, name: &str) -> Option<&SimNode> {
        self.by_name.get(name).and_then(|&i| self.nodes.get(i))
    }

    /// The `i`-th node, round-robin (a workload's Pod `i`).
    pub(crate) fn round_robin(&self, i: u64) -> Option<&SimNode> {
        let count = self.nodes.len() as u64;
        (count > 0).then(|| &self.nodes[(i % count) as usize])
    }

    /// The node a Pod without `spec.nodeName` is scheduled on: a stable hash of its namespace
    /// and name over the nodes.
    pub(crate) fn choose(&self, namespace: &str, name: &str) -> Option<&SimNode> {
        self.round_robin(fnv1a64(&["schedule", namespace, name]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodeAddress, NodeAddressType};
    use crate::workload::PodCidrs;

    #[test]
    fn the_pool_gives_kind_like_node_addresses_in_the_pod_families() {
        let mut config = WorkloadConfig {
            nodes: vec!["a".into(), "b".into()],
            ..WorkloadConfig::default()
        };
        let pool = NodeSet::new(&[], &config);
        let ips: Vec<Vec<String>> = pool
            .iter()
            .map(|n| n.host_ips.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(ips, [vec!["172.18.0.2"], vec!["172.18.0.3"]]);
        config.pod_cidrs = PodCidrs::dual_stack();
        let pool = NodeSet::new(&[], &config);
        assert_eq!(
            pool.get("b").map(|n| n.host_ips.len()),
            Some(2),
            "dual-stack pods, dual-stack nodes"
        );
        assert!(!pool.is_loaded());
    }

    #[test]
    fn loaded_nodes_are_in_name_order_and_replace_the_pool() {
        let mut b = Node::new("b");
        b.addresses = vec![NodeAddress {
            address_type: NodeAddressType::InternalIp,
            address: "192.168.1.12".parse().unwrap(),
        }];
        let a = Node::new("a");
        let set = NodeSet::new(&[&b, &a], &WorkloadConfig::default());
        let names: Vec<&str> = set.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(set.get("b").map(|n| n.index), Some(1));
        assert!(set.get("node-1").is_none(), "the pool is not used");
        assert!(set.is_loaded());
        // The choice is stable and spreads Pods over the nodes.
        let chosen: std::collections::BTreeSet<&str> = (0..20)
            .filter_map(|i| set.choose("default", &format!("pod-{i}")))
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(chosen.len(), 2);
        assert_eq!(set.choose("ns", "p"), set.choose("ns", "p"));
    }
}
