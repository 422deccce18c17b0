//! The settings of CoreDNS's `kubernetes` plugin: [`KubernetesConfig`].

use std::net::IpAddr;

use hickory_proto::rr::Name;

use super::{Fallthrough, OptionConflict, PodMode, ZoneConfigError, normalize_zone, zones};

/// The default TTL of every record CoreDNS's `kubernetes` plugin serves, in seconds.
pub const DEFAULT_TTL: u32 = 5;

/// The largest `ttl` CoreDNS accepts.
pub const MAX_TTL: u32 = 3600;

/// Settings of one `kubernetes` plugin (CoreDNS's `plugin/kubernetes/setup.go`).
///
/// Fields are public so tests can read and adjust them; the `with_*` methods chain.
/// [`KubernetesConfig::default`] is the plugin's own default: `kubernetes cluster.local` with
/// no options.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KubernetesConfig {
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
    /// `noendpoints`: endpoints are not watched at all. Never with `zonal` (CoreDNS does not
    /// start; [`KubernetesConfig::with_noendpoints`] refuses it, setting the field does not).
    pub noendpoints: bool,
    /// `fallthrough [zones]`: NXDOMAIN-class answers in these zones go to the next plugin.
    pub fallthrough: Fallthrough,
    /// The server's own addresses, as this plugin sees them (its server block's `bind`
    /// directive). They decide the apex NS record and `ns.dns.<zone>`.
    pub server_addresses: Vec<IpAddr>,
    /// `multicluster` zones.
    pub multicluster_zones: Vec<Name>,
    /// `zonal`: answer `<zone>.pin|prefer._zone.<service>` names. Never with `noendpoints`
    /// (see [`KubernetesConfig::with_zonal`]).
    pub zonal: bool,
    /// The search domains of the CoreDNS container's own `/etc/resolv.conf` (read through
    /// the files given to [`Config::from_corefile_with_files`](super::Config::from_corefile_with_files)):
    /// `autopath @kubernetes` tries them after the cluster's own.
    pub autopath_search: Vec<Name>,
}

impl Default for KubernetesConfig {
    fn default() -> Self {
        KubernetesConfig {
            zones: vec![Name::from_ascii("cluster.local.").expect("a valid constant name")],
            ttl: DEFAULT_TTL,
            namespaces: Vec::new(),
            pods: PodMode::Disabled,
            endpoint_pod_names: false,
            ignore_empty_service: false,
            noendpoints: false,
            fallthrough: Fallthrough::Off,
            server_addresses: Vec::new(),
            multicluster_zones: Vec::new(),
            zonal: false,
            autopath_search: Vec::new(),
        }
    }
}

impl KubernetesConfig {
    /// The `kubernetes` stanza of kubeadm's default Corefile:
    /// `kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; fallthrough in-addr.arpa
    /// ip6.arpa; ttl 30 }` (the whole Corefile is [`Config::kubeadm`](super::Config::kubeadm)).
    pub fn kubeadm() -> Self {
        let reverse = ["in-addr.arpa.", "ip6.arpa."]
            .map(|zone| Name::from_ascii(zone).expect("a valid constant name"));
        KubernetesConfig {
            zones: [
                vec![Name::from_ascii("cluster.local.").expect("a valid constant name")],
                reverse.to_vec(),
            ]
            .concat(),
            ttl: 30,
            pods: PodMode::Insecure,
            fallthrough: Fallthrough::Zones(reverse.to_vec()),
            ..KubernetesConfig::default()
        }
    }

    /// Replaces the zones, read as CoreDNS reads the `kubernetes` plugin's zone arguments: each
    /// made lower-case and absolute, a CIDR made into the reverse zones it covers.
    ///
    /// ```
    /// use k8s_dns_sim::{KubernetesConfig, ZoneConfigError};
    ///
    /// let config = KubernetesConfig::default().with_zones(["Cluster.Local", "10.0.0.0/8"])?;
    /// assert_eq!(config.zones[0].to_string(), "cluster.local.");
    /// assert_eq!(config.zones[1].to_string(), "10.in-addr.arpa.");
    ///
    /// let err = KubernetesConfig::default().with_zones(["cluster..local"]).unwrap_err();
    /// assert_eq!(err.zone(), "cluster..local");
    /// assert_eq!(err.to_string(), r#"expected a domain name, found "cluster..local""#);
    /// # Ok::<(), ZoneConfigError>(())
    /// ```
    ///
    /// # Errors
    /// [`ZoneConfigError::NotADomainName`] for the first zone that is not a domain name (or a
    /// CIDR CoreDNS refuses), [`ZoneConfigError::NoZone`] for none at all (the plugin would
    /// refuse every question), [`ZoneConfigError::NotAConfiguredZone`] for a
    /// [`KubernetesConfig::multicluster_zones`] entry no longer among them.
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
    /// [`KubernetesConfig::with_zones`] first: each must be one of the zones.
    ///
    /// ```
    /// use k8s_dns_sim::{KubernetesConfig, ZoneConfigError};
    ///
    /// let config = KubernetesConfig::default()
    ///     .with_zones(["cluster.local", "clusterset.local"])?
    ///     .with_multicluster_zones(["clusterset.local"])?;
    /// assert_eq!(config.multicluster_zones[0].to_string(), "clusterset.local.");
    ///
    /// let err = KubernetesConfig::default().with_multicluster_zones(["clusterset.local"]).unwrap_err();
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
    /// [`KubernetesConfig::zones`] (CoreDNS refuses such a Corefile).
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
    ///
    /// # Errors
    /// [`OptionConflict::ZonalWithoutEndpoints`] when turning it on beside `zonal`, as
    /// CoreDNS refuses to start (nothing changes).
    pub fn with_noendpoints(mut self, on: bool) -> Result<Self, OptionConflict> {
        if on && self.zonal {
            return Err(OptionConflict::ZonalWithoutEndpoints);
        }
        self.noendpoints = on;
        Ok(self)
    }

    /// Sets `fallthrough`.
    pub fn with_fallthrough(mut self, fallthrough: Fallthrough) -> Self {
        self.fallthrough = fallthrough;
        self
    }

    /// Sets `zonal`: answer `<zone>.pin|prefer._zone.<headless service>` names.
    ///
    /// # Errors
    /// [`OptionConflict::ZonalWithoutEndpoints`] when turning it on beside `noendpoints`, as
    /// CoreDNS refuses to start (nothing changes).
    pub fn with_zonal(mut self, on: bool) -> Result<Self, OptionConflict> {
        if on && self.noendpoints {
            return Err(OptionConflict::ZonalWithoutEndpoints);
        }
        self.zonal = on;
        Ok(self)
    }

    /// Sets the server's own addresses (`bind`).
    pub fn with_server_addresses<I: IntoIterator<Item = IpAddr>>(mut self, addresses: I) -> Self {
        self.server_addresses = addresses.into_iter().collect();
        self
    }

    /// Whether `fallthrough` passes NXDOMAIN-class answers for `name` onward.
    pub fn falls_through(&self, name: &Name) -> bool {
        self.fallthrough.covers(name)
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
