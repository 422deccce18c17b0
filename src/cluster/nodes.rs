//! The cluster's nodes: the loaded `v1 Node` objects, or (with none) the builder's node pool
//! (see [`WorkloadConfig`](crate::workload::WorkloadConfig)), as the passes that place Pods,
//! the EndpointSlice controller and the diagnostics see them.

use super::Cluster;
use crate::controller::NodeLookup;
use crate::model::Node;
use crate::workload::nodes::NodeSet;

impl Cluster {
    /// Every loaded Node, sorted by name (none when the nodes are the builder's pool).
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        let mut nodes: Vec<&Node> = self.objects.nodes.values().map(|s| &s.object).collect();
        nodes.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        nodes.into_iter()
    }

    /// The loaded Node `name`.
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.objects.nodes.get(name).map(|source| &source.object)
    }

    /// The cluster's nodes: its Node objects, or the builder's pool.
    pub(crate) fn node_set(&self) -> NodeSet {
        let loaded: Vec<&Node> = self.objects.nodes.values().map(|s| &s.object).collect();
        NodeSet::new(&loaded, &self.workload_config)
    }

    /// What the EndpointSlice controller's node lister says of the node `name`: without Node
    /// objects, nodes are not modelled (every node counts as existing).
    pub(crate) fn lookup_node(&self, name: &str) -> NodeLookup<'_> {
        if self.objects.nodes.size() == 0 {
            return NodeLookup::NotModelled;
        }
        match self.objects.nodes.get(name) {
            Some(source) => NodeLookup::Found(&source.object),
            None => NodeLookup::Missing,
        }
    }
}
