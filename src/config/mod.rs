//! How the simulated DNS server is configured: the whole Corefile, as typed settings.
//!
//! A [`Config`] is what a CoreDNS process reads from its Corefile: its server blocks (each with
//! its zones, port and transport, and its plugins), the port the simulated server listens on,
//! and what lies beyond it (the [`Upstream`] that `forward` sends to). Each block's plugins run
//! in CoreDNS's compiled order (`plugin.cfg`), whatever order the Corefile writes them in.
//!
//! [`Config::default`] is one block for `cluster.local.` holding the `kubernetes` plugin with
//! its own defaults, so a name outside `cluster.local.` is REFUSED (no block covers it).
//! [`Config::kubeadm`] is kubeadm's whole Corefile (`.:53` with `kubernetes`, `forward`,
//! `cache`, `loadbalance`, …), and [`Config::from_corefile`] reads any Corefile. The settings
//! of the first `kubernetes` plugin are [`Config::kubernetes`]; the `with_*` builders act on it.
//!
//! ```
//! use k8s_dns_sim::{Config, PodMode};
//!
//! let config = Config::default().with_ttl(30).with_pods(PodMode::Insecure);
//! let kubernetes = config.kubernetes().expect("the default has a kubernetes plugin");
//! assert_eq!(kubernetes.ttl, 30);
//! assert_eq!(kubernetes.zones[0].to_string(), "cluster.local.");
//! assert_eq!(config.servers[0].zones()[0].to_string(), "cluster.local.");
//! ```

use std::net::IpAddr;

use hickory_proto::rr::Name;

use crate::upstream::Upstream;

mod kubernetes;
mod plugins;
mod rewrite;
mod template;
pub(crate) mod zones;

pub use kubernetes::{DEFAULT_TTL, KubernetesConfig, MAX_TTL};
pub(crate) use plugins::PLUGIN_CFG;
pub use plugins::{
    AclAction, AclConfig, AclPolicy, AclRule, AutopathConfig, AutopathSearch, BindConfig,
    ChaosConfig, FileConfig, FileZone, ForwardConfig, HostsConfig, HostsEntry, LoadbalanceConfig,
    PluginConfig, TransferConfig, TransferPeer,
};
pub use rewrite::{
    AnswerRewrite, AnswerTarget, NameMatch, NameRewrite, Pattern, RewriteConfig, RewriteField,
    RewriteNext, RewriteRule,
};
pub(crate) use template::{Expr as TemplateExpr, Piece as TemplatePiece};
pub use template::{RrTemplate, TemplateConfig, TemplateRegex, TemplateRule};

/// The port CoreDNS listens on when a server block names none (and the simulated server's).
pub const DEFAULT_PORT: u16 = 53;

/// The whole server: its server blocks and the world beyond it.
///
/// Fields are public so tests can read and adjust them; the `with_*` methods chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The server blocks, in Corefile order. A query is served by the block of
    /// [`Config::port`] whose zone is the longest match of the question (REFUSED when none
    /// covers it).
    pub servers: Vec<ServerBlock>,
    /// The port the simulated server listens on: the blocks for this port answer, the others
    /// are kept but never asked, whatever real port a loopback server is bound to. 53, or,
    /// read from a Corefile with no block on 53, the port of its first plain-DNS block (a
    /// cluster's DNS Service maps its port 53 to it, as OpenShift's does to `.:5353`).
    pub port: u16,
    /// What answers beyond the server: the destination of every `forward` plugin. Filled
    /// through [`Config::with_upstream`].
    pub upstream: Upstream,
    /// Directives that were read but are not simulated, so the user can see what was not
    /// applied (nothing is silently dropped).
    pub not_simulated: Vec<NotSimulated>,
}

/// One server block: `KEYS { PLUGINS }`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerBlock {
    /// The block's keys, one per zone (a CIDR key expands to its reverse zones).
    pub keys: Vec<ServerKey>,
    /// Its plugins as typed settings, in the order the Corefile first names each (a directive
    /// used on several lines, as `rewrite` or `template` may be, is one plugin). They run in
    /// `plugin.cfg` order.
    pub plugins: Vec<PluginConfig>,
}

/// One key of a server block: `[SCHEME://]ZONE[:PORT]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerKey {
    /// The zone, lower-case and absolute.
    pub zone: Name,
    /// The port (53 unless written, or the scheme's own: 853 for `tls://`, 443 for `https://`).
    pub port: u16,
    /// The transport the block is served over.
    pub scheme: Scheme,
}

/// The transport of a server block (`dns://`, the default, or another scheme).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Scheme {
    /// Plain DNS over UDP and TCP (`dns://` or no scheme): what the simulated server speaks.
    #[default]
    Dns,
    /// `tls://` (DNS over TLS).
    Tls,
    /// `quic://` (DNS over QUIC).
    Quic,
    /// `grpc://`.
    Grpc,
    /// `https://` (DNS over HTTPS).
    Https,
    /// `https3://` (DNS over HTTP/3).
    Https3,
}

impl Scheme {
    /// The port a key of this scheme listens on when it names none.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Dns => DEFAULT_PORT,
            Scheme::Tls | Scheme::Quic => 853,
            Scheme::Grpc => 443,
            Scheme::Https | Scheme::Https3 => 443,
        }
    }
}

impl ServerBlock {
    /// A plain-DNS block for `zones` on `port`, holding `plugins`.
    pub fn new(zones: Vec<Name>, port: u16, plugins: Vec<PluginConfig>) -> ServerBlock {
        ServerBlock {
            keys: zones
                .into_iter()
                .map(|zone| ServerKey {
                    zone,
                    port,
                    scheme: Scheme::Dns,
                })
                .collect(),
            plugins,
        }
    }

    /// The block's zones, in key order.
    pub fn zones(&self) -> Vec<Name> {
        self.keys.iter().map(|key| key.zone.clone()).collect()
    }

    /// Whether the block is served on plain DNS at `port`.
    pub fn listens_on(&self, port: u16) -> bool {
        self.keys
            .iter()
            .any(|key| key.port == port && key.scheme == Scheme::Dns)
    }

    /// Its first `kubernetes` plugin.
    pub fn kubernetes(&self) -> Option<&KubernetesConfig> {
        self.plugins.iter().find_map(|plugin| match plugin {
            PluginConfig::Kubernetes(kubernetes) => Some(kubernetes),
            _ => None,
        })
    }

    /// Whether it holds a plugin of this name (`"forward"`, `"chaos"`, …).
    pub fn has_plugin(&self, name: &str) -> bool {
        self.plugins.iter().any(|plugin| plugin.name() == name)
    }
}

/// `pods`: whether and how pod A records (`1-2-3-4.<ns>.pod.<zone>`) are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PodMode {
    /// `disabled` (the plugin default): every pod name is NXDOMAIN.
    #[default]
    Disabled,
    /// `insecure` (kubeadm's setting): any well-formed dashed IP answers, without checking Pods.
    Insecure,
    /// `verified`: a Pod with that IP must exist in that namespace.
    Verified,
}

/// `fallthrough [zones]` (CoreDNS's `plugin/pkg/fall`), of `kubernetes`, `hosts`, `file`,
/// `template`, ….
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Fallthrough {
    /// No `fallthrough` directive.
    #[default]
    Off,
    /// `fallthrough` with no zones: every zone falls through.
    All,
    /// `fallthrough <zones…>`: only these zones (lower-case, absolute).
    Zones(Vec<Name>),
}

impl Fallthrough {
    /// Whether a name error for `name` goes on to the next plugin.
    pub fn covers(&self, name: &Name) -> bool {
        match self {
            Fallthrough::Off => false,
            Fallthrough::All => true,
            Fallthrough::Zones(zones) => zones.iter().any(|zone| zone.zone_of(name)),
        }
    }
}

/// A Corefile directive that was accepted but whose effect is not simulated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotSimulated {
    /// The line of the Corefile, counted from 1.
    pub line: usize,
    /// The directive as written, e.g. `rewrite` or `kubernetes/labels`.
    pub directive: String,
    /// Why it is not simulated, or what the simulator does instead.
    pub reason: String,
}

impl Default for Config {
    fn default() -> Self {
        let kubernetes = KubernetesConfig::default();
        Config {
            servers: vec![ServerBlock::new(
                kubernetes.zones.clone(),
                DEFAULT_PORT,
                vec![PluginConfig::Kubernetes(kubernetes)],
            )],
            port: DEFAULT_PORT,
            upstream: Upstream::new(),
            not_simulated: Vec::new(),
        }
    }
}

impl Config {
    /// A server with these blocks and nothing beyond it.
    pub fn with_servers(servers: Vec<ServerBlock>) -> Config {
        Config {
            servers,
            ..Config::default()
        }
    }

    /// The settings of the first `kubernetes` plugin, in server block order.
    pub fn kubernetes(&self) -> Option<&KubernetesConfig> {
        self.servers.iter().find_map(ServerBlock::kubernetes)
    }

    /// The settings of the first `kubernetes` plugin, to change them.
    pub fn kubernetes_mut(&mut self) -> Option<&mut KubernetesConfig> {
        self.servers.iter_mut().find_map(|block| {
            block.plugins.iter_mut().find_map(|plugin| match plugin {
                PluginConfig::Kubernetes(kubernetes) => Some(kubernetes),
                _ => None,
            })
        })
    }

    /// Every `kubernetes` plugin, in server block order.
    pub fn kubernetes_plugins(&self) -> impl Iterator<Item = &KubernetesConfig> {
        self.servers.iter().flat_map(|block| {
            block.plugins.iter().filter_map(|plugin| match plugin {
                PluginConfig::Kubernetes(kubernetes) => Some(kubernetes),
                _ => None,
            })
        })
    }

    /// Every `kubernetes` plugin, in server block order, to change them.
    pub fn kubernetes_plugins_mut(&mut self) -> impl Iterator<Item = &mut KubernetesConfig> {
        self.servers.iter_mut().flat_map(|block| {
            block.plugins.iter_mut().filter_map(|plugin| match plugin {
                PluginConfig::Kubernetes(kubernetes) => Some(kubernetes),
                _ => None,
            })
        })
    }

    /// The first `kubernetes` plugin, added in a block of its own (`cluster.local:53 {
    /// kubernetes }`) when the configuration has none.
    fn kubernetes_or_add(&mut self) -> &mut KubernetesConfig {
        if self.kubernetes().is_none() {
            let kubernetes = KubernetesConfig::default();
            self.servers.push(ServerBlock::new(
                kubernetes.zones.clone(),
                self.port,
                vec![PluginConfig::Kubernetes(kubernetes)],
            ));
        }
        self.kubernetes_mut()
            .expect("a kubernetes plugin was just added")
    }

    /// The index of the block holding the first `kubernetes` plugin.
    fn kubernetes_block(&mut self) -> &mut ServerBlock {
        self.kubernetes_or_add();
        self.servers
            .iter_mut()
            .find(|block| block.kubernetes().is_some())
            .expect("a kubernetes plugin was just added")
    }

    /// Applies `change` to the first `kubernetes` plugin (added when there is none).
    fn on_kubernetes(mut self, change: impl FnOnce(KubernetesConfig) -> KubernetesConfig) -> Self {
        let kubernetes = self.kubernetes_or_add();
        *kubernetes = change(std::mem::take(kubernetes));
        self
    }

    /// Replaces the zones of the first `kubernetes` plugin (see
    /// [`KubernetesConfig::with_zones`]). When that plugin's block was made for its zones (as
    /// [`Config::default`]'s is), the block's keys follow, so that the new zones are served.
    ///
    /// ```
    /// use k8s_dns_sim::{Config, ZoneConfigError};
    ///
    /// let config = Config::default().with_zones(["Cluster.Local", "10.0.0.0/8"])?;
    /// let zones = &config.kubernetes().unwrap().zones;
    /// assert_eq!(zones[0].to_string(), "cluster.local.");
    /// assert_eq!(zones[1].to_string(), "10.in-addr.arpa.");
    ///
    /// let err = Config::default().with_zones(["cluster..local"]).unwrap_err();
    /// assert_eq!(err.to_string(), r#"expected a domain name, found "cluster..local""#);
    /// # Ok::<(), ZoneConfigError>(())
    /// ```
    ///
    /// # Errors
    /// As [`KubernetesConfig::with_zones`].
    pub fn with_zones<I, S>(mut self, zones: I) -> Result<Self, ZoneConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let kubernetes = self.kubernetes_or_add();
        let old = kubernetes.zones.clone();
        let changed = kubernetes.clone().with_zones(zones)?;
        let new = changed.zones.clone();
        *kubernetes = changed;
        let port = self.port;
        let block = self.kubernetes_block();
        if block.zones() == old {
            *block = ServerBlock::new(new, port, std::mem::take(&mut block.plugins));
        }
        Ok(self)
    }

    /// Sets the `multicluster` zones of the first `kubernetes` plugin (see
    /// [`KubernetesConfig::with_multicluster_zones`]).
    ///
    /// # Errors
    /// As [`KubernetesConfig::with_multicluster_zones`].
    pub fn with_multicluster_zones<I, S>(mut self, zones: I) -> Result<Self, ZoneConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let kubernetes = self.kubernetes_or_add();
        *kubernetes = kubernetes.clone().with_multicluster_zones(zones)?;
        Ok(self)
    }

    /// Sets `ttl` of the first `kubernetes` plugin, clamped to 0–3600 as CoreDNS allows.
    pub fn with_ttl(self, ttl: u32) -> Self {
        self.on_kubernetes(|k| k.with_ttl(ttl))
    }

    /// Sets `pods` of the first `kubernetes` plugin.
    pub fn with_pods(self, pods: PodMode) -> Self {
        self.on_kubernetes(|k| k.with_pods(pods))
    }

    /// Sets `namespaces` of the first `kubernetes` plugin (empty exposes all).
    pub fn with_namespaces<I, S>(self, namespaces: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.on_kubernetes(|k| k.with_namespaces(namespaces))
    }

    /// Sets `endpoint_pod_names` of the first `kubernetes` plugin.
    pub fn with_endpoint_pod_names(self, on: bool) -> Self {
        self.on_kubernetes(|k| k.with_endpoint_pod_names(on))
    }

    /// Sets `ignore empty_service` of the first `kubernetes` plugin.
    pub fn with_ignore_empty_service(self, on: bool) -> Self {
        self.on_kubernetes(|k| k.with_ignore_empty_service(on))
    }

    /// Sets `noendpoints` of the first `kubernetes` plugin.
    ///
    /// # Errors
    /// As [`KubernetesConfig::with_noendpoints`]: turning it on beside `zonal`.
    pub fn with_noendpoints(mut self, on: bool) -> Result<Self, OptionConflict> {
        let kubernetes = self.kubernetes_or_add();
        *kubernetes = kubernetes.clone().with_noendpoints(on)?;
        Ok(self)
    }

    /// Sets `fallthrough` of the first `kubernetes` plugin. A name error in those zones goes on
    /// to the next plugin of its block (SERVFAIL when there is none).
    pub fn with_fallthrough(self, fallthrough: Fallthrough) -> Self {
        self.on_kubernetes(|k| k.with_fallthrough(fallthrough))
    }

    /// Sets `zonal` of the first `kubernetes` plugin.
    ///
    /// ```
    /// use k8s_dns_sim::{Config, OptionConflict};
    ///
    /// let zonal = Config::default().with_zonal(true)?;
    /// // CoreDNS does not start with both (the Corefile reader refuses them too).
    /// assert_eq!(zonal.with_noendpoints(true).unwrap_err(), OptionConflict::ZonalWithoutEndpoints);
    /// # Ok::<(), OptionConflict>(())
    /// ```
    ///
    /// # Errors
    /// As [`KubernetesConfig::with_zonal`]: turning it on beside `noendpoints`.
    pub fn with_zonal(mut self, on: bool) -> Result<Self, OptionConflict> {
        let kubernetes = self.kubernetes_or_add();
        *kubernetes = kubernetes.clone().with_zonal(on)?;
        Ok(self)
    }

    /// Sets the server's own addresses (`bind`) as the first `kubernetes` plugin sees them.
    pub fn with_server_addresses<I: IntoIterator<Item = IpAddr>>(self, addresses: I) -> Self {
        self.on_kubernetes(|k| k.with_server_addresses(addresses))
    }

    /// Sets the port the simulated server listens on (53 by default): only the blocks of this
    /// port answer.
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Sets what answers beyond the server (see [`Upstream`]): the destination of `forward`.
    ///
    /// A server whose blocks hold no `forward` plugin gets one, as every cluster's Corefile
    /// has: in the block of the root zone `.` when there is one, else in a new `.` block of
    /// its own. So `Config::default().with_upstream(…)` answers names outside `cluster.local.`
    /// from the upstream, as kubeadm's `forward . /etc/resolv.conf` would, while a name error
    /// inside `cluster.local.` stays the kubernetes plugin's.
    pub fn with_upstream(mut self, upstream: Upstream) -> Self {
        self.upstream = upstream;
        if !self.servers.iter().any(|block| block.has_plugin("forward")) {
            let port = self.port;
            let forward = PluginConfig::Forward(ForwardConfig::everything());
            match self
                .servers
                .iter_mut()
                .find(|block| block.listens_on(port) && block.keys.iter().any(|k| k.zone.is_root()))
            {
                Some(root) => root.plugins.push(forward),
                None => {
                    self.servers
                        .push(ServerBlock::new(vec![Name::root()], port, vec![forward]))
                }
            }
        }
        self
    }

    /// Whether zone transfers (AXFR/IXFR) of one of the first `kubernetes` plugin's zones are
    /// allowed: its block has a `transfer` plugin covering one of them.
    pub fn allows_transfer(&self) -> bool {
        self.kubernetes().is_some_and(|kubernetes| {
            kubernetes
                .zones
                .iter()
                .any(|zone| self.allows_transfer_of(zone))
        })
    }

    /// Whether zone transfers of `zone`, one of the first `kubernetes` plugin's zones, are
    /// allowed: that plugin's block has a `transfer` plugin whose zones cover it.
    pub fn allows_transfer_of(&self, zone: &Name) -> bool {
        let Some(block) = self.servers.iter().find(|b| b.kubernetes().is_some()) else {
            return false;
        };
        block.plugins.iter().any(|plugin| match plugin {
            PluginConfig::Transfer(transfer) => transfer.zones.iter().any(|t| t.zone_of(zone)),
            _ => false,
        })
    }

    /// Allows zone transfers (AXFR/IXFR) of the first `kubernetes` plugin's zones to any
    /// client, as `transfer { to * }` in its block does; `false` removes that block's
    /// `transfer` plugins.
    pub fn with_transfer(mut self, on: bool) -> Self {
        let zones = self.kubernetes_or_add().zones.clone();
        let block = self.kubernetes_block();
        block
            .plugins
            .retain(|plugin| !matches!(plugin, PluginConfig::Transfer(_)));
        if on {
            block
                .plugins
                .push(PluginConfig::Transfer(TransferConfig::to_anyone(zones)));
        }
        self
    }
}

/// Options of one `kubernetes` plugin that CoreDNS refuses to start with together (its
/// Corefile reader refuses them with the same reason, [`CorefileErrorKind::ZonalWithoutEndpoints`](crate::CorefileErrorKind::ZonalWithoutEndpoints)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OptionConflict {
    /// `zonal` with `noendpoints`: zonal names are answered from the endpoint cache, which
    /// `noendpoints` turns off.
    #[error("`zonal` needs the endpoint cache, which `noendpoints` turns off: remove one of them")]
    ZonalWithoutEndpoints,
}

/// A zone given to [`Config::with_zones`] or [`Config::with_multicluster_zones`] that cannot be
/// used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ZoneConfigError {
    /// The text is not a domain name.
    #[error("expected a domain name, found {zone:?}")]
    NotADomainName {
        /// The zone as given.
        zone: String,
    },
    /// No zone at all.
    #[error("expected at least one zone, found none")]
    NoZone,
    /// A multicluster zone that is not one of [`KubernetesConfig::zones`].
    #[error(
        "expected one of the configured zones ({}), found {zone:?}",
        configured.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    NotAConfiguredZone {
        /// The zone as given.
        zone: String,
        /// The zones configured when it was given.
        configured: Vec<Name>,
    },
}

impl ZoneConfigError {
    /// The zone as given.
    pub fn zone(&self) -> &str {
        match self {
            ZoneConfigError::NotADomainName { zone }
            | ZoneConfigError::NotAConfiguredZone { zone, .. } => zone,
            ZoneConfigError::NoZone => "",
        }
    }
}

/// Parses a zone as CoreDNS does: lower-case, absolute. `None` when it is not a domain name.
pub(crate) fn normalize_zone(text: &str) -> Option<Name> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut name = Name::from_ascii(text).ok()?.to_lowercase();
    name.set_fqdn(true);
    Some(name)
}
