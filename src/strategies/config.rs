//! Generated configurations of the `kubernetes` plugin, as a [`Config`] and as Corefile text.

use std::net::IpAddr;

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

/// One server block of a [`GeneratedCorefile`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedBlock {
    /// Its keys, the zones it serves (`.` for the root block).
    pub keys: Vec<Name>,
    /// The block's text, as it stands in the Corefile.
    pub text: String,
    /// The `ttl` of its `kubernetes` plugin (`None` for the root block, which forwards).
    pub ttl: Option<u32>,
    /// Its `bind` address: the server's own address the plugin names at the apex (rule 24).
    pub bind: Option<IpAddr>,
    /// Whether it runs `autopath @kubernetes` (beside `pods verified`, rule 47).
    pub autopath: bool,
}

/// A Corefile of several server blocks (rule 39): `cluster.local` always; a `multicluster`
/// `clusterset.local`, a reverse block (`in-addr.arpa ip6.arpa`, its plugin naming
/// `cluster.local` first as CoreDNS requires) and a root block forwarding to the upstream,
/// each or not; written in any order.
#[derive(Debug, Clone)]
pub struct GeneratedCorefile {
    /// The Corefile.
    pub corefile: String,
    /// Its blocks, in the Corefile's order.
    pub blocks: Vec<GeneratedBlock>,
}

impl GeneratedCorefile {
    /// The configuration it reads into.
    pub fn config(&self) -> Config {
        Config::from_corefile(&self.corefile).expect("generated Corefiles read")
    }

    /// The block that answers `name`: the one with the longest key that is a suffix of it,
    /// the root block last (rule 39); `None`: no block covers it (REFUSED).
    pub fn block_for(&self, name: &Name) -> Option<&GeneratedBlock> {
        self.blocks
            .iter()
            .flat_map(|block| block.keys.iter().map(move |key| (key, block)))
            .filter(|(key, _)| key.zone_of(name))
            .max_by_key(|(key, _)| key.num_labels())
            .map(|(_, block)| block)
    }

    /// A Corefile of `block` alone, with the root block when there is one (it answers the
    /// names a `kubernetes` plugin asks the whole server again, ExternalName targets outside
    /// its zones).
    pub fn alone(&self, block: &GeneratedBlock) -> Config {
        let mut text = block.text.clone();
        for other in &self.blocks {
            if other != block && other.ttl.is_none() {
                text.push_str(&other.text);
            }
        }
        Config::from_corefile(&text).expect("generated Corefiles read")
    }

    /// The `cluster.local` block.
    pub fn cluster_block(&self) -> &GeneratedBlock {
        self.blocks
            .iter()
            .find(|block| {
                block
                    .keys
                    .iter()
                    .any(|key| key.to_string() == "cluster.local.")
            })
            .expect("every generated Corefile has a cluster.local block")
    }
}

/// The address a generated `bind` gives the server.
pub const BIND_ADDRESS: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 96, 0, 10));

fn block(
    keys: &[&str],
    text: String,
    ttl: Option<u32>,
    bind: bool,
    autopath: bool,
) -> GeneratedBlock {
    GeneratedBlock {
        keys: keys
            .iter()
            .map(|key| {
                Name::from_ascii(format!("{}.", key.trim_end_matches('.'))).expect("a valid zone")
            })
            .collect(),
        text,
        ttl,
        bind: bind.then_some(BIND_ADDRESS),
        autopath,
    }
}

/// A Corefile of several server blocks, each zone answered by its own `kubernetes` plugin
/// with its own `ttl` (so that an answer names the block it came from): `cluster.local`
/// (`pods` of any mode, `bind` or not, `autopath @kubernetes` beside `pods verified` or not,
/// `namespaces` a subset of `namespaces` or all), and each or not: `clusterset.local`
/// (`multicluster`, ttl 7), `in-addr.arpa ip6.arpa` (ttl 11), a root block forwarding
/// everything else. The blocks come in any order.
pub fn server_blocks(namespaces: Vec<String>) -> impl Strategy<Value = GeneratedCorefile> {
    let count = namespaces.len();
    (
        select(vec![5u32, 30]),
        pod_mode(),
        any::<bool>(),
        any::<bool>(),
        proptest::option::weighted(0.3, subsequence(namespaces, 1..=count.max(1))),
        (any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_flat_map(
            |(ttl, pods, bind, autopath, exposed, (multicluster, reverse, root))| {
                let autopath = autopath && pods == PodMode::Verified;
                let mut options = format!("        ttl {ttl}\n");
                match pods {
                    PodMode::Disabled => {}
                    PodMode::Insecure => options.push_str("        pods insecure\n"),
                    PodMode::Verified => options.push_str("        pods verified\n"),
                }
                if let Some(exposed) = exposed.filter(|exposed| !exposed.is_empty()) {
                    options.push_str(&format!("        namespaces {}\n", exposed.join(" ")));
                }
                let mut text = "cluster.local {\n".to_owned();
                if bind {
                    text.push_str(&format!("    bind {BIND_ADDRESS}\n"));
                }
                text.push_str(&format!("    kubernetes cluster.local {{\n{options}    }}\n"));
                if autopath {
                    text.push_str("    autopath @kubernetes\n");
                }
                text.push_str("}\n");
                let mut blocks = vec![block(&["cluster.local"], text, Some(ttl), bind, autopath)];
                if multicluster {
                    blocks.push(block(
                        &["clusterset.local"],
                        "clusterset.local {\n    kubernetes clusterset.local {\n        ttl 7\n        multicluster clusterset.local\n    }\n}\n".to_owned(),
                        Some(7),
                        false,
                        false,
                    ));
                }
                if reverse {
                    blocks.push(block(
                        &["in-addr.arpa", "ip6.arpa"],
                        "in-addr.arpa ip6.arpa {\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n        ttl 11\n    }\n}\n".to_owned(),
                        Some(11),
                        false,
                        false,
                    ));
                }
                if root {
                    blocks.push(block(
                        &["."],
                        ". {\n    forward . 192.0.2.53\n}\n".to_owned(),
                        None,
                        false,
                        false,
                    ));
                }
                Just(blocks).prop_shuffle()
            },
        )
        .prop_map(|blocks| GeneratedCorefile {
            corefile: blocks.iter().map(|block| block.text.as_str()).collect(),
            blocks,
        })
}
