//! [`ClusterDns`]: a cluster and a configuration, answering questions.
//!
//! Three ways in, from the most convenient to the most faithful:
//!
//! - [`ClusterDns::lookup`]: a name as text and a type, a typed [`Answer`] back. No bytes.
//! - [`ClusterDns::handle`]: a `hickory_proto` request message, a response message back.
//! - [`ClusterDns::handle_bytes`]: wire bytes in, wire bytes out, with UDP truncation.
//!
//! ```
//! use k8s_dns_sim::{Cluster, ClusterDns, Config, Outcome};
//! use hickory_proto::rr::RecordType;
//!
//! let cluster = Cluster::from_yaml(
//!     "apiVersion: v1
//! kind: Service
//! metadata: {name: web, namespace: default}
//! spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
//! ",
//! )?;
//! let dns = ClusterDns::new(cluster, Config::default());
//! let answer = dns.lookup("web.default.svc.cluster.local", RecordType::A)?;
//! assert_eq!(answer.outcome, Outcome::Success);
//! assert_eq!(answer.answer_lines(), ["web.default.svc.cluster.local. 5 IN A 10.96.0.20"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use hickory_proto::op::Message;
use hickory_proto::rr::{Name, RecordType};

use crate::answer::{Answer, Context, Zone};
use crate::cluster::Cluster;
use crate::config::Config;
use crate::corefile::CorefileError;
use crate::wire::{self, Screened, Transport};

/// The SOA serial the simulator reports. CoreDNS uses the time of the last cluster change,
/// which no test can predict; a fixed value keeps answers reproducible.
pub const SOA_SERIAL: u32 = 1;

/// A simulated cluster DNS server: CoreDNS's `kubernetes` plugin over a [`Cluster`].
#[derive(Debug, Clone)]
pub struct ClusterDns {
    cluster: Cluster,
    config: Config,
    zones: Vec<Zone>,
}

/// A name that is not a valid domain name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name:?} is not a valid domain name: {reason}")]
#[non_exhaustive]
pub struct NameError {
    /// The text given.
    pub name: String,
    /// Why it is not valid.
    pub reason: String,
}

impl ClusterDns {
    /// A server answering for `cluster` as configured.
    pub fn new(cluster: Cluster, config: Config) -> Self {
        let zones = config
            .zones
            .iter()
            .map(|zone| Zone::new(zone, &config))
            .collect();
        ClusterDns {
            cluster,
            config,
            zones,
        }
    }

    /// A server configured the way the cluster itself is: by the Corefile of its ConfigMap
    /// `kube-system/coredns` ([`Cluster::corefile`]) when the manifests hold it, as a dump of
    /// a real cluster does; by [`Config::default`] otherwise. [`ClusterDns::new`] takes an
    /// explicit configuration instead, whatever the manifests hold.
    ///
    /// ```
    /// use k8s_dns_sim::{Cluster, ClusterDns};
    ///
    /// let cluster = Cluster::from_yaml(
    ///     "apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: coredns, namespace: kube-system}
    /// data:
    ///   Corefile: |
    ///     .:53 {
    ///         kubernetes cluster.local {
    ///             ttl 30
    ///         }
    ///     }
    /// ",
    /// )?;
    /// let dns = ClusterDns::from_cluster(cluster)?;
    /// assert_eq!(dns.config().ttl, 30);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// The server's own address (which decides the apex NS record and `ns.dns.<zone>`) is the
    /// Corefile's `bind` address when it has one; otherwise, like a CoreDNS replica whose pod
    /// IP is an endpoint of its Service, the first ready endpoint of `kube-system/kube-dns`.
    ///
    /// # Errors
    /// A [`CorefileError`] when the embedded Corefile cannot be read, with
    /// [`CorefileError::embedded`] giving the ConfigMap's location (and the input line of the
    /// bad Corefile line when it is known).
    pub fn from_cluster(cluster: Cluster) -> Result<ClusterDns, CorefileError> {
        let mut config = match cluster.corefile() {
            Some(corefile) => Config::from_corefile(corefile.text())
                .map_err(|error| error.embedded_in(corefile))?,
            None => Config::default(),
        };
        if config.server_addresses.is_empty() {
            config.server_addresses = own_address_in(&cluster);
        }
        Ok(ClusterDns::new(cluster, config))
    }

    /// The cluster.
    ///
    /// (See [`ClusterDns::from_cluster`] for how a dump gives the server its own address.)
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn context(&self) -> Context<'_> {
        Context {
            cluster: &self.cluster,
            config: &self.config,
            zones: &self.zones,
            serial: SOA_SERIAL,
        }
    }

    /// Answers `name` (absolute or not: it is taken as absolute) for `qtype`.
    ///
    /// # Errors
    /// [`NameError`] when `name` is not a valid domain name.
    pub fn lookup(&self, name: &str, qtype: RecordType) -> Result<Answer, NameError> {
        let mut parsed = Name::from_ascii(name).map_err(|error| NameError {
            name: name.to_owned(),
            reason: error.to_string(),
        })?;
        parsed.set_fqdn(true);
        Ok(self.answer(&parsed, qtype))
    }

    /// Answers an absolute name for `qtype`. Owner names in the answer are `name` exactly as
    /// given, case included.
    pub fn answer(&self, name: &Name, qtype: RecordType) -> Answer {
        self.context().answer(name, qtype)
    }

    /// The response to a request message, with no size limit (see
    /// [`ClusterDns::handle_bytes`] for UDP truncation).
    ///
    /// FORMERR for a message that is not a query or does not hold exactly one question, NOTIMP
    /// for an opcode other than QUERY, BADVERS for an EDNS version other than 0, REFUSED for a
    /// class other than IN.
    pub fn handle(&self, request: &Message) -> Message {
        match wire::screen(request) {
            Screened::Reject(code) => wire::reply(request, code),
            Screened::Query(query) => {
                let answer = self.answer(query.name(), query.query_type());
                let mut response = wire::reply(request, answer.response_code());
                wire::fill(&mut response, answer);
                response
            }
        }
    }

    /// The response to a request in wire format, as wire bytes.
    ///
    /// Over [`Transport::Udp`] the response fits in 512 bytes, or in the EDNS payload size the
    /// request advertises; records that do not fit are dropped and TC is set. Over
    /// [`Transport::Tcp`] nothing is dropped. Bytes that do not decode get a FORMERR reply that
    /// echoes whatever id they carry.
    pub fn handle_bytes(&self, request: &[u8], transport: Transport) -> Vec<u8> {
        match Message::from_vec(request) {
            Ok(request) => {
                let response = self.handle(&request);
                wire::encode(&response, wire::size_limit(&request, transport))
            }
            Err(_) => wire::format_error(request),
        }
    }
}

/// The address a CoreDNS replica of a dumped cluster would have: the first ready endpoint of
/// `kube-system/kube-dns`, the Service kubeadm and most distributions put in front of CoreDNS.
///
/// A real replica learns its addresses from its network interfaces (its pod IP), and every
/// replica is an endpoint of that Service, so any one of them gives the same apex NS and
/// `ns.dns.<zone>` answers. Empty when there is no such Service or it has no ready endpoint.
fn own_address_in(cluster: &Cluster) -> Vec<std::net::IpAddr> {
    let Some(service) = cluster.service("kube-system", "kube-dns") else {
        return Vec::new();
    };
    let first = service
        .ready_ipv4()
        .first()
        .map(|&v4| std::net::IpAddr::V4(v4))
        .or_else(|| {
            service
                .ready_ipv6()
                .first()
                .map(|&v6| std::net::IpAddr::V6(v6))
        });
    first.into_iter().collect()
}
