//! Generated configurations of the `kubernetes` plugin, as a [`Config`] and as Corefile text.

use hickory_proto::rr::Name;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use crate::{Config, Fallthrough, PodMode};

/// The reverse zones a generated configuration may serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReverseZones {
    /// None: PTR questions are outside the plugin's zones.
    None,
    /// `in-addr.arpa ip6.arpa`, as kubeadm writes them.
    Both,
    /// `10.0.0.0/8`, which the plugin reads as `10.in-addr.arpa.` (IPv4 only).
    Cidr,
}

/// A generated `kubernetes` configuration: every option of the plugin, set or not.
#[derive(Debug, Clone)]
pub struct GeneratedConfig {
    /// The configuration, built with the `Config::with_*` methods.
    pub config: Config,
    /// The same configuration as a Corefile: one server block whose keys are the plugin's
    /// zones, with a `kubernetes` plugin and its options.
    pub corefile: String,
    /// The reverse zones served.
    pub reverse: ReverseZones,
    /// Whether `clusterset.local` is a second, `multicluster`, zone.
    pub multicluster: bool,
}

impl GeneratedConfig {
    /// The zones of its server block, forward zones first.
    pub fn zones(&self) -> Vec<Name> {
        self.config
            .kubernetes()
            .map(|kubernetes| kubernetes.zones.clone())
            .unwrap_or_default()
    }
}

fn pod_mode() -> impl Strategy<Value = PodMode> {
    select(vec![
        PodMode::Disabled,
        PodMode::Insecure,
        PodMode::Verified,
    ])
}

/// A configuration of every `kubernetes` option: zones (a reverse zone or a CIDR, a
/// `multicluster` zone), `ttl`, `namespaces` (a subset of `namespaces`), `pods`,
/// `endpoint_pod_names`, `ignore empty_service`, `noendpoints`, `fallthrough` (everywhere or
/// in the reverse zones) and `zonal`.
pub fn kubernetes_config(namespaces: Vec<String>) -> impl Strategy<Value = GeneratedConfig> {
    let count = namespaces.len();
    (
        select(vec![
            ReverseZones::None,
            ReverseZones::Both,
            ReverseZones::Cidr,
        ]),
        any::<bool>(),
        select(vec![0u32, 5, 30, 3600]),
        proptest::option::weighted(0.3, subsequence(namespaces, 1..=count.max(1))),
        pod_mode(),
        // endpoint_pod_names, ignore empty_service, noendpoints, zonal.
        (
            any::<bool>(),
            any::<bool>(),
            prop::bool::weighted(0.15),
            any::<bool>(),
        ),
        0..3u8,
    )
        .prop_map(
            |(reverse, multicluster, ttl, exposed, pods, flags, fallthrough)| {
                let (endpoint_pod_names, ignore_empty_service, noendpoints, zonal) = flags;
                // CoreDNS refuses `zonal` beside `noendpoints` (zonal names need endpoints).
                let zonal = zonal && !noendpoints;
                let mut zones = vec!["cluster.local"];
                if multicluster {
                    zones.push("clusterset.local");
                }
                let reverse_args: &[&str] = match reverse {
                    ReverseZones::None => &[],
                    ReverseZones::Both => &["in-addr.arpa", "ip6.arpa"],
                    ReverseZones::Cidr => &["10.0.0.0/8"],
                };
                let reverse_keys: &[&str] = match reverse {
                    ReverseZones::Cidr => &["10.in-addr.arpa"],
                    _ => reverse_args,
                };
                let fallthrough = match (fallthrough, reverse) {
                    (0, _) => Fallthrough::Off,
                    (1, _) | (_, ReverseZones::None) => Fallthrough::All,
                    _ => Fallthrough::Zones(
                        reverse_keys
                            .iter()
                            .map(|zone| Name::from_ascii(format!("{zone}.")).expect("a valid zone"))
                            .collect(),
                    ),
                };
                let exposed = exposed.unwrap_or_default();
                let all_zones: Vec<&str> = zones.iter().chain(reverse_args).copied().collect();
                let mut config = Config::default()
                    .with_zones(&all_zones)
                    .expect("valid zones")
                    .with_ttl(ttl)
                    .with_namespaces(exposed.clone())
                    .with_pods(pods)
                    .with_endpoint_pod_names(endpoint_pod_names)
                    .with_ignore_empty_service(ignore_empty_service)
                    .with_noendpoints(noendpoints)
                    .expect("zonal is not on yet")
                    .with_fallthrough(fallthrough.clone())
                    .with_zonal(zonal)
                    .expect("zonal is only on without noendpoints");
                if multicluster {
                    config = config
                        .with_multicluster_zones(["clusterset.local"])
                        .expect("a configured zone");
                }

                let keys: Vec<&str> = zones.iter().chain(reverse_keys).copied().collect();
                let mut corefile = format!(
                    "{} {{\n    kubernetes {} {{\n        ttl {ttl}\n",
                    keys.join(" "),
                    all_zones.join(" ")
                );
                let mut option = |line: String| {
                    corefile.push_str("        ");
                    corefile.push_str(&line);
                    corefile.push('\n');
                };
                if !exposed.is_empty() {
                    option(format!("namespaces {}", exposed.join(" ")));
                }
                match pods {
                    PodMode::Disabled => {}
                    PodMode::Insecure => option("pods insecure".to_owned()),
                    PodMode::Verified => option("pods verified".to_owned()),
                }
                if endpoint_pod_names {
                    option("endpoint_pod_names".to_owned());
                }
                if ignore_empty_service {
                    option("ignore empty_service".to_owned());
                }
                if noendpoints {
                    option("noendpoints".to_owned());
                }
                match &fallthrough {
                    Fallthrough::Off => {}
                    Fallthrough::All => option("fallthrough".to_owned()),
                    Fallthrough::Zones(_) => {
                        option(format!("fallthrough {}", reverse_keys.join(" ")))
                    }
                }
                if zonal {
                    option("zonal".to_owned());
                }
                if multicluster {
                    option("multicluster clusterset.local".to_owned());
                }
                corefile.push_str("    }\n}\n");
                GeneratedConfig {
                    config,
                    corefile,
                    reverse,
                    multicluster,
                }
            },
        )
}
