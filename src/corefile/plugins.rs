//! The plugins a CoreDNS build knows, and what the simulator does with each.
//!
//! The names are CoreDNS's `plugin.cfg` (v1.14.7), in its order, which is also the order in which
//! a query passes through the plugins of a server block: plugins listed before `kubernetes` see
//! (and may change) every query and answer; plugins after it only see the queries the
//! `kubernetes` plugin passes on (names outside its zones, and `fallthrough`).

/// What the simulator does with a plugin found in the chosen server block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Treatment {
    /// Read by the simulator itself (`kubernetes`, `bind`, `transfer`, `hosts`).
    Simulated,
    /// Does not change the `kubernetes` plugin's answers: accepted silently.
    Silent,
    /// Changes answers but is not simulated: recorded in `Config::not_simulated` with this reason.
    NotSimulated(&'static str),
}

/// `plugin.cfg` of CoreDNS v1.14.7, in order, with the simulator's treatment of each.
const PLUGINS: &[(&str, Treatment)] = {
    use Treatment::{NotSimulated as N, Silent as S, Simulated as Y};
    &[
        ("root", S),
        ("metadata", S),
        ("geoip", S),
        ("cancel", S),
        ("proxyproto", S),
        ("quic", S),
        ("grpc_server", S),
        ("https", S),
        ("https3", S),
        ("timeouts", S),
        ("multisocket", S),
        ("reload", S),
        ("nsid", S),
        (
            "bufsize",
            N("limits the EDNS0 UDP buffer size, which changes when answers are truncated"),
        ),
        ("bind", Y),
        ("debug", S),
        ("trace", S),
        ("ready", S),
        ("health", S),
        ("pprof", S),
        ("shed", S),
        ("prometheus", S),
        ("errors", S),
        ("log", S),
        ("dnstap", S),
        (
            "local",
            N("answers localhost names and some reverse names itself"),
        ),
        ("dns64", N("synthesizes AAAA records from A records")),
        (
            "any",
            N("answers ANY queries with a HINFO record (RFC 8482)"),
        ),
        ("chaos", N("answers CH-class queries such as version.bind")),
        (
            "loadbalance",
            N("shuffles the order of A, AAAA and MX records in answers"),
        ),
        (
            "tsig",
            N("verifies or requires TSIG signatures, and may refuse unsigned queries"),
        ),
        (
            "rewrite",
            N("rewrites query names, types or answers before the kubernetes plugin sees them"),
        ),
        (
            "autopath",
            N("completes the search path on the server side and answers with a CNAME"),
        ),
        (
            "acl",
            N("may refuse, drop or filter queries by client address"),
        ),
        (
            "cache",
            N("caches answers: TTLs count down and cached answers outlive cluster changes"),
        ),
        ("header", N("changes flags in the response header")),
        ("dnssec", N("signs answers with DNSSEC records")),
        ("tls", S),
        (
            "minimal",
            N("removes the authority and additional sections from answers"),
        ),
        (
            "template",
            N("synthesizes answers from templates for matching names"),
        ),
        ("transfer", Y),
        ("hosts", Y),
        ("route53", N("answers zones from AWS Route 53")),
        ("azure", N("answers zones from Azure DNS")),
        ("clouddns", N("answers zones from Google Cloud DNS")),
        (
            "k8s_external",
            N("answers names of Services' external addresses in its own zones"),
        ),
        ("kubernetes", Y),
        (
            "file",
            N("answers zones from zone files (queries the kubernetes plugin passes on)"),
        ),
        (
            "auto",
            N("answers zones from zone files (queries the kubernetes plugin passes on)"),
        ),
        (
            "secondary",
            N("answers zones transferred from a primary (queries the kubernetes plugin passes on)"),
        ),
        (
            "etcd",
            N("answers names from etcd (queries the kubernetes plugin passes on)"),
        ),
        ("loop", S),
        (
            "forward",
            N(
                "sends the queries the kubernetes plugin passes on (other names, fallthrough) to upstream servers",
            ),
        ),
        (
            "grpc",
            N("sends the queries the kubernetes plugin passes on to a gRPC upstream"),
        ),
        (
            "erratic",
            N("drops, delays or truncates answers on purpose"),
        ),
        (
            "whoami",
            N("answers the queries the kubernetes plugin passes on with the client's address"),
        ),
        ("on", S),
        ("sign", S),
        (
            "view",
            N("limits which queries this server block answers, by an expression on the query"),
        ),
        ("nomad", N("answers names from Nomad services")),
    ]
};

/// Whether `name` is a CoreDNS plugin (a directive CoreDNS accepts in a server block).
pub(crate) fn is_plugin(name: &str) -> bool {
    PLUGINS.iter().any(|(plugin, _)| *plugin == name)
}

/// What the simulator does with plugin `name`; `None` when it is not a plugin.
pub(crate) fn treatment(name: &str) -> Option<Treatment> {
    PLUGINS
        .iter()
        .find(|(plugin, _)| *plugin == name)
        .map(|(_, treatment)| *treatment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        for (index, (name, _)) in PLUGINS.iter().enumerate() {
            assert!(
                PLUGINS[index + 1..].iter().all(|(other, _)| other != name),
                "{name} listed twice"
            );
        }
        assert_eq!(PLUGINS.len(), 60);
    }
}
