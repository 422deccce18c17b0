//! Generated pod contexts for the resolver: which Pod asks, how its `resolv.conf` is made, and
//! which stub resolver reads it.

use proptest::prelude::*;
use proptest::sample::select;

use crate::model::DnsPolicy;
use crate::resolver::{Kubelet, PodDns, PodDnsConfig, StubResolver};

/// A Pod that resolves names, and the kubelet that writes its `resolv.conf`.
#[derive(Debug, Clone)]
pub struct PodContext {
    /// The Pod (its namespace decides the first search domain).
    pub pod: PodDns,
    /// The kubelet of its node (cluster DNS, cluster domain, the node's own `resolv.conf`).
    pub kubelet: Kubelet,
    /// The C library or runtime whose resolver reads the file.
    pub library: StubResolver,
}

/// A pod context in one of `namespaces`: `dnsPolicy` ClusterFirst, ClusterFirstWithHostNet
/// (on the host network), Default (the node's file) or None (its `dnsConfig` alone); a
/// `dnsConfig` adding a search domain, `ndots` from 1 to 5, or none; a node `resolv.conf`
/// with or without a search domain of its own; glibc, musl or Go.
pub fn pod_context(namespaces: Vec<String>) -> impl Strategy<Value = PodContext> {
    let namespaces = if namespaces.is_empty() {
        vec!["default".to_owned()]
    } else {
        namespaces
    };
    (
        select(namespaces),
        select(vec![
            DnsPolicy::ClusterFirst,
            DnsPolicy::ClusterFirstWithHostNet,
            DnsPolicy::Default,
            DnsPolicy::None,
        ]),
        proptest::option::of(1u8..=5),
        any::<bool>(),
        any::<bool>(),
        select(vec![
            StubResolver::Glibc,
            StubResolver::Musl,
            StubResolver::Musl1_2_3,
            StubResolver::Go,
        ]),
    )
        .prop_map(
            |(namespace, policy, ndots, extra_search, node_search, library)| {
                let mut pod = PodDns::new(namespace, "client")
                    .with_policy(policy)
                    .with_host_network(policy == DnsPolicy::ClusterFirstWithHostNet);
                // dnsPolicy None needs a dnsConfig with a nameserver.
                if ndots.is_some() || extra_search || policy == DnsPolicy::None {
                    let mut config = PodDnsConfig::new();
                    if policy == DnsPolicy::None {
                        config = config.with_nameservers(["10.96.0.10"]);
                    }
                    if extra_search {
                        config = config.with_searches(["example.com"]);
                    }
                    if let Some(ndots) = ndots {
                        config = config.with_option("ndots", Some(&ndots.to_string()));
                    }
                    pod = pod.with_dns_config(config);
                }
                let kubelet = Kubelet {
                    node_resolv_conf: Some(if node_search {
                        "nameserver 192.168.0.1\nsearch corp.example\n".to_owned()
                    } else {
                        "nameserver 192.168.0.1\n".to_owned()
                    }),
                    ..Kubelet::default()
                };
                PodContext {
                    pod,
                    kubelet,
                    library,
                }
            },
        )
}
