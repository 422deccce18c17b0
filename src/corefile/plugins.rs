//! What the simulator does with each plugin a CoreDNS build knows (`plugin.cfg`, v1.14.7, whose
//! order is the order a query passes through the plugins of a server block: see
//! `crate::config::PLUGIN_CFG`).

use crate::config::PLUGIN_CFG;

/// What the simulator does with a plugin found in a server block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Treatment {
    /// Simulated: read into a typed [`PluginConfig`](crate::config::PluginConfig).
    Simulated,
    /// Does not change answers: accepted silently, queries pass through it.
    Silent,
    /// Changes answers but is not simulated: recorded in `Config::not_simulated` with this reason.
    NotSimulated(&'static str),
}

/// What the simulator does with each plugin of CoreDNS's `plugin.cfg` (v1.14.7).
fn treatment_of(name: &str) -> Option<Treatment> {
    use Treatment::{NotSimulated as N, Silent as S, Simulated as Y};
    Some(match name {
        "root" => S,
        "metadata" => S,
        "geoip" => S,
        "cancel" => S,
        "proxyproto" => S,
        "quic" => S,
        "grpc_server" => S,
        "https" => S,
        "https3" => S,
        "timeouts" => S,
        "multisocket" => S,
        "reload" => S,
        "nsid" => S,
        "bufsize" => {
            N("limits the EDNS0 UDP buffer size, which changes when answers are truncated")
        }
        "bind" => Y,
        "debug" => S,
        "trace" => S,
        "ready" => S,
        "health" => S,
        "pprof" => S,
        "shed" => S,
        "prometheus" => S,
        "errors" => S,
        "log" => S,
        "dnstap" => S,
        "local" => N("answers localhost names and some reverse names itself"),
        "dns64" => N("synthesizes AAAA records from A records"),
        "any" => N("answers ANY queries with a HINFO record (RFC 8482)"),
        "chaos" => Y,
        "loadbalance" => Y,
        "tsig" => N("verifies or requires TSIG signatures, and may refuse unsigned queries"),
        "rewrite" => Y,
        "autopath" => Y,
        "acl" => Y,
        "cache" => Y,
        "header" => N("changes flags in the response header"),
        "dnssec" => N("signs answers with DNSSEC records"),
        "tls" => S,
        "minimal" => N("removes the authority and additional sections from answers"),
        "template" => Y,
        "transfer" => Y,
        "hosts" => Y,
        "route53" => N("answers zones from AWS Route 53"),
        "azure" => N("answers zones from Azure DNS"),
        "clouddns" => N("answers zones from Google Cloud DNS"),
        "k8s_external" => N("answers names of Services' external addresses in its own zones"),
        "kubernetes" => Y,
        "file" => Y,
        "auto" => N("answers zones from zone files (queries the kubernetes plugin passes on)"),
        "secondary" => {
            N("answers zones transferred from a primary (queries the kubernetes plugin passes on)")
        }
        "etcd" => N("answers names from etcd (queries the kubernetes plugin passes on)"),
        "loop" => S,
        "forward" => Y,
        "grpc" => N("sends the queries the kubernetes plugin passes on to a gRPC upstream"),
        "erratic" => N("drops, delays or truncates answers on purpose"),
        "whoami" => Y,
        "on" => S,
        "sign" => S,
        "view" => {
            N("limits which queries this server block answers, by an expression on the query")
        }
        "nomad" => N("answers names from Nomad services"),
        _ => return None,
    })
}

/// Whether `name` is a CoreDNS plugin (a directive CoreDNS accepts in a server block).
pub(crate) fn is_plugin(name: &str) -> bool {
    PLUGIN_CFG.contains(&name)
}

/// What the simulator does with plugin `name`; `None` when it is not a plugin.
pub(crate) fn treatment(name: &str) -> Option<Treatment> {
    if !is_plugin(name) {
        return None;
    }
    treatment_of(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plugin_has_a_treatment_and_names_are_unique() {
        for (index, name) in PLUGIN_CFG.iter().enumerate() {
            assert!(
                PLUGIN_CFG[index + 1..].iter().all(|other| other != name),
                "{name} listed twice"
            );
            assert!(treatment(name).is_some(), "{name} has no treatment");
        }
        assert_eq!(PLUGIN_CFG.len(), 60);
    }
}
