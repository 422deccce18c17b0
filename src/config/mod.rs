//! How the simulated DNS server is configured: the settings of CoreDNS's `kubernetes` plugin.
//!
//! [`Config::default`] is the plugin's own default (`kubernetes cluster.local` with no options).
//! Real clusters usually run kubeadm's Corefile, which adds reverse zones, `pods insecure`,
//! `fallthrough in-addr.arpa ip6.arpa` and `ttl 30`; [`Config::kubeadm`] gives exactly that, and
//! [`Config::from_corefile`] reads any Corefile.
//!
//! ```
//! use k8s_dns_sim::{Config, PodMode};
//!
//! let config = Config::default().with_ttl(30).with_pods(PodMode::Insecure);
//! assert_eq!(config.ttl, 30);
//! assert_eq!(config.zones[0].to_string(), "cluster.local.");
//! ```

use std::net::IpAddr;

use hickory_proto::rr::Name;

use crate::upstream::Upstream;

pub(crate) mod zones;

/// The default TTL of every record CoreDNS's `kubernetes` plugin serves, in seconds.
pub const DEFAULT_TTL: u32 = 5;

/// The largest `ttl` CoreDNS accepts.
pub const MAX_TTL: u32 = 3600;

/// Settings of the simulated `kubernetes` plugin.
///
/// Fields are public so tests can read and adjust them; the `with_*` methods chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The zones the plugin is authoritative for, lower-case and absolute, in the order written.
    /// The first forward zone is the one PTR targets are built in. Reverse zones
    /// (`in-addr.arpa.`, `ip6.arpa.`, or narrower) enable PTR answers.
    pub zones: Vec<Name>,
    /// `ttl`: the TTL of every record (0–3600). The SOA record's own TTL is `min(ttl, 300)`.
    pub ttl: u32,
    /// `namespaces`: only these namespaces are exposed; empty means all.
    pub namespaces: Vec<String>,
    /// `pods`: how `a-b-c-d.<ns>.pod.<zone>` names are answered.
    pub pods: PodMode,
    /// `endpoint_pod_names`: name endpoints without a hostname after their Pod.
    pub endpoint_pod_names: bool,
    /// `ignore empty_service`: a ClusterIP Service without ready endpoints answers NXDOMAIN.
    pub ignore_empty_service: bool,
    /// `noendpoints`: endpoints are not watched at all.
    pub noendpoints: bool,
    /// `fallthrough [zones]`: NXDOMAIN-class answers in these zones go to the next plugin.
    pub fallthrough: Fallthrough,
    /// The server's own addresses (the server block's `bind` directive). They decide the apex NS
    /// record and `ns.dns.<zone>`.
    pub server_addresses: Vec<IpAddr>,
    /// Whether a `transfer` block allows zone transfers (AXFR/IXFR) of the plugin's zones.
    pub transfer: bool,
    /// `multicluster` zones.
    pub multicluster_zones: Vec<Name>,
    /// `zonal`: answer `<zone>.pin|prefer._zone.<service>` names.
    pub zonal: bool,
    /// What answers beyond the plugin: out-of-zone ExternalName targets and, with
    /// `fallthrough`, names the plugin would answer NXDOMAIN. Filled from a Corefile's `hosts`
    /// block, or through [`Config::with_upstream`].
    pub upstream: Upstream,
    /// Directives that were read but are not simulated, so the user can see what was not
    /// applied (nothing is silently dropped).
    pub not_simulated: Vec<NotSimulated>,
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

/// `fallthrough [zones]`.
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
        Config {
            zones: vec![Name::from_ascii("cluster.local.").expect("a valid constant name")],
            ttl: DEFAULT_TTL,
            namespaces: Vec::new(),
            pods: PodMode::Disabled,
            endpoint_pod_names: false,
            ignore_empty_service: false,
            noendpoints: false,
            fallthrough: Fallthrough::Off,
            server_addresses: Vec::new(),
            transfer: false,
            multicluster_zones: Vec::new(),
            zonal: false,
            upstream: Upstream::new(),
            not_simulated: Vec::new(),
        }
    }
}

impl Config {
    /// The `kubernetes` stanza of kubeadm's default Corefile:
    /// `kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; fallthrough in-addr.arpa
    /// ip6.arpa; ttl 30 }`.
    pub fn kubeadm() -> Self {
        let reverse = ["in-addr.arpa.", "ip6.arpa."]
            .map(|zone| Name::from_ascii(zone).expect("a valid constant name"));
        Config {
            zones: [
                vec![Name::from_ascii("cluster.local.").expect("a valid constant name")],
                reverse.to_vec(),
            ]
            .concat(),
            ttl: 30,
            pods: PodMode::Insecure,
            fallthrough: Fallthrough::Zones(reverse.to_vec()),
            ..Config::default()
        }
    }

    /// Replaces the zones, read as CoreDNS reads the `kubernetes` plugin's zone arguments: each
    /// made lower-case and absolute, a CIDR made into the reverse zones it covers.
    ///
    /// ```
    /// use k8s_dns_sim::{Config, ZoneConfigError};
    ///
    /// let config = Config::default().with_zones(["Cluster.Local", "10.0.0.0/8"])?;
    /// assert_eq!(config.zones[0].to_string(), "cluster.local.");
    /// assert_eq!(config.zones[1].to_string(), "10.in-addr.arpa.");
    ///
    /// let err = Config::default().with_zones(["cluster..local"]).unwrap_err();
    /// assert_eq!(err.zone(), "cluster..local");
    /// assert_eq!(err.to_string(), r#"expected a domain name, found "cluster..local""#);
    /// # Ok::<(), ZoneConfigError>(())
    /// ```
    ///
    /// # Errors
    /// [`ZoneConfigError::NotADomainName`] for the first zone that is not a domain name (or a
    /// CIDR CoreDNS refuses), [`ZoneConfigError::NoZone`] for none at all (the plugin would
    /// refuse every question), [`ZoneConfigError::NotAConfiguredZone`] for a
    /// [`Config::multicluster_zones`] entry no longer among them.
    pub fn with_zones<I, S>(mut self, zones: I) -> Result<Self, ZoneConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut parsed = Vec::new();
        for zone in zones {
            let zone = zone.as_ref();
            let expanded = zones::zones(zone).map_err(|_| ZoneConfigError::NotADomainName {
                zone: zone.to_owned(),
            })?;
            parsed.extend(expanded);
        }
        if parsed.is_empty() {
            return Err(ZoneConfigError::NoZone);
        }
        if let Some(orphan) = self
            .multicluster_zones
            .iter()
            .find(|zone| !parsed.contains(zone))
        {
            return Err(ZoneConfigError::NotAConfiguredZone {
                zone: orphan.to_string(),
                configured: parsed,
            });
        }
        self.zones = parsed;
        Ok(self)
    }

    /// Sets the `multicluster` zones: in these zones (and zones below them) names are answered
    /// from ServiceImports and their EndpointSlices instead of Services. Set
    /// [`Config::with_zones`] first: each must be one of the zones.
    ///
    /// ```
    /// use k8s_dns_sim::{Config, ZoneConfigError};
    ///
    /// let config = Config::default()
    ///     .with_zones(["cluster.local", "clusterset.local"])?
    ///     .with_multicluster_zones(["clusterset.local"])?;
    /// assert_eq!(config.multicluster_zones[0].to_string(), "clusterset.local.");
    ///
    /// let err = Config::default().with_multicluster_zones(["clusterset.local"]).unwrap_err();
    /// assert!(matches!(err, ZoneConfigError::NotAConfiguredZone { .. }));
    /// assert_eq!(
    ///     err.to_string(),
    ///     r#"expected one of the configured zones (cluster.local.), found "clusterset.local""#
    /// );
    /// # Ok::<(), ZoneConfigError>(())
    /// ```
    ///
    /// # Errors
    /// A [`ZoneConfigError`] for the first zone that is not a domain name or not one of
    /// [`Config::zones`] (CoreDNS refuses such a Corefile).
    pub fn with_multicluster_zones<I, S>(mut self, zones: I) -> Result<Self, ZoneConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut parsed = Vec::new();
        for zone in zones {
            let zone = zone.as_ref();
            match normalize_zone(zone) {
                Some(name) if self.zones.contains(&name) => parsed.push(name),
                Some(_) => {
                    return Err(ZoneConfigError::NotAConfiguredZone {
                        zone: zone.to_owned(),
                        configured: self.zones.clone(),
                    });
                }
                None => {
                    return Err(ZoneConfigError::NotADomainName {
                        zone: zone.to_owned(),
                    });
                }
            }
        }
        self.multicluster_zones = parsed;
        Ok(self)
    }

    /// Sets `ttl`, clamped to 0–3600 as CoreDNS allows.
    pub fn with_ttl(mut self, ttl: u32) -> Self {
        self.ttl = ttl.min(MAX_TTL);
        self
    }

    /// Sets `pods`.
    pub fn with_pods(mut self, pods: PodMode) -> Self {
        self.pods = pods;
        self
    }

    /// Sets `namespaces` (empty exposes all).
    pub fn with_namespaces<I, S>(mut self, namespaces: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.namespaces = namespaces.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `endpoint_pod_names`.
    pub fn with_endpoint_pod_names(mut self, on: bool) -> Self {
        self.endpoint_pod_names = on;
        self
    }

    /// Sets `ignore empty_service`.
    pub fn with_ignore_empty_service(mut self, on: bool) -> Self {
        self.ignore_empty_service = on;
        self
    }

    /// Sets `noendpoints`.
    pub fn with_noendpoints(mut self, on: bool) -> Self {
        self.noendpoints = on;
        self
    }

    /// Sets `fallthrough`.
    pub fn with_fallthrough(mut self, fallthrough: Fallthrough) -> Self {
        self.fallthrough = fallthrough;
        self
    }

    /// Sets `zonal`: answer `<zone>.pin|prefer._zone.<headless service>` names.
    pub fn with_zonal(mut self, on: bool) -> Self {
        self.zonal = on;
        self
    }

    /// Sets the server's own addresses (`bind`).
    pub fn with_server_addresses<I: IntoIterator<Item = IpAddr>>(mut self, addresses: I) -> Self {
        self.server_addresses = addresses.into_iter().collect();
        self
    }

    /// Sets what answers beyond the plugin (see [`Upstream`]).
    pub fn with_upstream(mut self, upstream: Upstream) -> Self {
        self.upstream = upstream;
        self
    }

    /// Whether `fallthrough` passes NXDOMAIN-class answers for `name` onward.
    pub fn falls_through(&self, name: &Name) -> bool {
        match &self.fallthrough {
            Fallthrough::Off => false,
            Fallthrough::All => true,
            Fallthrough::Zones(zones) => zones.iter().any(|zone| zone.zone_of(name)),
        }
    }

    /// Sets whether zone transfers (AXFR/IXFR) are allowed, as a `transfer { to * }` block
    /// covering the plugin's zones does.
    pub fn with_transfer(mut self, on: bool) -> Self {
        self.transfer = on;
        self
    }

    /// Whether a namespace is exposed by the `namespaces` option.
    pub fn exposes_namespace(&self, namespace: &str) -> bool {
        self.namespaces.is_empty()
            || self
                .namespaces
                .iter()
                .any(|exposed| exposed.eq_ignore_ascii_case(namespace))
    }
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
    /// A multicluster zone that is not one of [`Config::zones`].
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
