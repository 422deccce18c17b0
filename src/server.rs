//! [`ClusterDns`]: a cluster and a configuration, answering questions.
//!
//! Three ways in, from the most convenient to the most faithful:
//!
//! - [`ClusterDns::lookup`]: a name as text and a type, a typed [`Answer`] back. No bytes.
//! - [`ClusterDns::handle`]: a `hickory_proto` request message, a response message back.
//! - [`ClusterDns::handle_bytes`]: wire bytes in, wire bytes out, with UDP truncation.
//!
//! And one view of a whole zone: [`ClusterDns::zone_records`] / [`ClusterDns::zone_file`], the
//! records a zone transfer sends (see [`crate::zone`]).
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

use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};

use std::net::SocketAddr;

use crate::answer::{Answer, Context, Outcome, Zone, is_reverse_zone};
use crate::chain::trace::{Event, Trace};
use crate::chain::{Chain, DEFAULT_CLIENT, Request, World};
use crate::cluster::Cluster;
use crate::config::{Config, KubernetesConfig};
use crate::corefile::CorefileError;
use crate::error::InvalidNameError;
use crate::qname;
use crate::wire::{self, Family, Intake, Screened, Transport};
use crate::zone::{self, ZoneError};

mod prepared;

use prepared::Prepared;

/// Why [`ClusterDns::from_yaml`] or [`ClusterDns::from_paths`] could not set up a server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// A file could not be read.
    #[error("{}: {reason}", path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why (the system's error).
        reason: String,
    },
    /// The manifests do not load.
    #[error(transparent)]
    Load(#[from] crate::error::LoadErrors),
    /// The Corefile of the input's `kube-system/coredns` ConfigMap does not read.
    #[error(transparent)]
    Corefile(#[from] CorefileError),
}

/// A simulated cluster DNS server: CoreDNS's `kubernetes` plugin over a [`Cluster`].
#[derive(Debug, Clone)]
pub struct ClusterDns {
    cluster: Cluster,
    config: Config,
    /// The server blocks of [`Config::port`], prepared.
    chain: Chain,
    /// The first `kubernetes` plugin's settings (its own defaults when there is none) and its
    /// zones, prepared: what zone listings and transfers are made of.
    listed: KubernetesConfig,
    zones: Vec<Zone>,
    /// The parts of the common replies that do not depend on the question (see
    /// `server/prepared.rs`).
    prepared: Prepared,
}

impl ClusterDns {
    /// A server answering for `cluster` as configured.
    pub fn new(cluster: Cluster, config: Config) -> Self {
        let chain = Chain::new(&config);
        let prepared = Prepared::new(&chain, &cluster);
        let (listed, zones) = match config.kubernetes() {
            Some(kubernetes) => (kubernetes.clone(), Chain::zones_of(kubernetes)),
            None => (KubernetesConfig::default(), Vec::new()),
        };
        ClusterDns {
            cluster,
            config,
            chain,
            listed,
            zones,
            prepared,
        }
    }

    /// A server configured the way the cluster itself is: by the Corefile of its ConfigMap
    /// `kube-system/coredns` ([`Cluster::corefile`]) when the manifests hold it, as a dump of
    /// a real cluster does; by kubeadm's default Corefile ([`Config::kubeadm`], the one kubeadm
    /// and kind install: reverse zones, `pods insecure`, `ttl 30`, `forward` for the rest)
    /// otherwise, since that is what a cluster without its own ConfigMap in the input most
    /// likely runs. [`ClusterDns::new`] takes an explicit configuration instead, whatever the
    /// manifests hold ([`Config::default`] for the `kubernetes` plugin's own defaults).
    ///
    /// ```
    /// use k8s_dns_sim::{Cluster, ClusterDns, Config};
    ///
    /// let cluster = Cluster::from_yaml(
    ///     "apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: coredns, namespace: kube-system}
    /// data:
    ///   Corefile: |
    ///     .:53 {
    ///         kubernetes cluster.local {
    ///             ttl 60
    ///         }
    ///     }
    /// ",
    /// )?;
    /// let dns = ClusterDns::from_cluster(cluster)?;
    /// assert_eq!(dns.config().kubernetes().unwrap().ttl, 60);
    ///
    /// // Without the ConfigMap: kubeadm's Corefile.
    /// let dns = ClusterDns::from_cluster(Cluster::from_yaml("")?)?;
    /// assert_eq!(dns.config().kubernetes().unwrap().ttl, 30);
    /// assert_eq!(dns.config(), &Config::kubeadm());
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
            Some(corefile) => {
                Config::from_corefile_with_files(corefile.text(), cluster.corefile_files())
                    .map_err(|error| error.embedded_in(corefile))?
            }
            None => Config::kubeadm(),
        };
        let own = own_address_in(&cluster);
        for kubernetes in config.kubernetes_plugins_mut() {
            if kubernetes.server_addresses.is_empty() {
                kubernetes.server_addresses.clone_from(&own);
            }
        }
        Ok(ClusterDns::new(cluster, config))
    }

    /// A server over the manifests of one YAML or JSON input, configured as
    /// [`ClusterDns::from_cluster`] configures one: the one-line setup for a test.
    ///
    /// ```
    /// use k8s_dns_sim::ClusterDns;
    /// use k8s_dns_sim::hickory_proto::rr::RecordType;
    ///
    /// let dns = ClusterDns::from_yaml(
    ///     "apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: default}
    /// spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
    /// ",
    /// )?;
    /// assert_eq!(dns.lookup("web.default.svc.cluster.local", RecordType::A)?.addresses().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`SetupError::Load`] for manifests that do not load, [`SetupError::Corefile`] for an
    /// embedded Corefile that does not read.
    pub fn from_yaml(text: &str) -> Result<ClusterDns, SetupError> {
        Ok(ClusterDns::from_cluster(Cluster::from_yaml(text)?)?)
    }

    /// A server over the manifests of several files (each a YAML or JSON input, named by its
    /// path in errors), configured as [`ClusterDns::from_cluster`] configures one.
    ///
    /// # Errors
    /// [`SetupError::Read`] for a file that cannot be read, then as [`ClusterDns::from_yaml`].
    pub fn from_paths<P: AsRef<std::path::Path>>(
        paths: impl IntoIterator<Item = P>,
    ) -> Result<ClusterDns, SetupError> {
        let mut builder = Cluster::builder();
        for path in paths {
            let path = path.as_ref();
            let text = std::fs::read_to_string(path).map_err(|error| SetupError::Read {
                path: path.to_owned(),
                reason: error.to_string(),
            })?;
            builder.add_yaml(&path.display().to_string(), &text)?;
        }
        Ok(ClusterDns::from_cluster(builder.build()?)?)
    }

    /// The cluster.
    ///
    /// (See [`ClusterDns::from_cluster`] for how a dump gives the server its own address.)
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Applies a batch of changes to the cluster: later answers see all of them, and a clone
    /// taken before (a snapshot another thread may be answering from) sees none.
    ///
    /// ```
    /// use k8s_dns_sim::hickory_proto::rr::RecordType;
    /// use k8s_dns_sim::{Change, Cluster, ClusterDns, Config, Outcome};
    ///
    /// let mut dns = ClusterDns::new(
    ///     Cluster::from_yaml(
    ///         "apiVersion: v1
    /// kind: Service
    /// metadata: {name: db, namespace: default}
    /// spec: {clusterIP: None, ports: [{port: 5432}]}
    /// ---
    /// apiVersion: discovery.k8s.io/v1
    /// kind: EndpointSlice
    /// metadata: {name: db-1, namespace: default, labels: {kubernetes.io/service-name: db}}
    /// addressType: IPv4
    /// endpoints: [{addresses: [10.1.0.5], conditions: {ready: false}}]
    /// ",
    ///     )?,
    ///     Config::default(),
    /// );
    /// let before = dns.clone();
    /// dns.apply([Change::endpoint_ready("default", "db-1", "10.1.0.5".parse()?, true)])?;
    /// let name = "db.default.svc.cluster.local";
    /// assert_eq!(before.lookup(name, RecordType::A)?.outcome, Outcome::NxDomain);
    /// assert_eq!(dns.lookup(name, RecordType::A)?.outcome, Outcome::Success);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Every change that cannot be applied; then none is.
    pub fn apply(
        &mut self,
        changes: impl IntoIterator<Item = crate::Change>,
    ) -> Result<(), crate::UpdateErrors> {
        self.cluster = self.cluster.apply(changes)?;
        Ok(())
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn context(&self) -> Context<'_> {
        Context {
            cluster: &self.cluster,
            config: &self.listed,
            zones: &self.zones,
            serial: self.cluster.serial(),
            resolve: None,
        }
    }

    /// Answers `name` (absolute or not: it is taken as absolute) for `qtype`.
    ///
    /// # Errors
    /// [`InvalidNameError`] when `name` is not a valid domain name.
    pub fn lookup(&self, name: &str, qtype: RecordType) -> Result<Answer, InvalidNameError> {
        Ok(self.answer(&qname::absolute(name)?, qtype))
    }

    /// Answers an absolute name for `qtype`. Owner names in the answer are `name` exactly as
    /// given, case included.
    ///
    /// An AXFR or IXFR of a zone apex, with [`Config::allows_transfer_of`], is the whole zone in
    /// CoreDNS's order (see [`crate::zone`]); an IXFR gets the same full listing, since the
    /// plugin keeps no journal (the up-to-date IXFR case needs the request's SOA and is handled
    /// by [`ClusterDns::handle`]). Every other transfer is REFUSED.
    pub fn answer(&self, name: &Name, qtype: RecordType) -> Answer {
        self.answer_request(&Request::new(
            name.clone(),
            qtype,
            Transport::Udp,
            DEFAULT_CLIENT,
        ))
    }

    /// Answers one question (its name absolute).
    fn answer_request(&self, request: &Request) -> Answer {
        self.answer_traced(request, None)
    }

    /// [`ClusterDns::answer_request`], recording what the server does in `trace` when there is
    /// one (the explanation's path).
    pub(crate) fn answer_traced(&self, request: &Request, trace: Option<&Trace>) -> Answer {
        let (name, qtype) = (&request.name, request.qtype);
        if is_transfer_type(qtype) && self.is_zone_apex(name) {
            let mut zone = name.to_lowercase();
            zone.set_fqdn(true);
            if self.config.allows_transfer_of(&zone) {
                if let Some(trace) = trace {
                    trace.note(0, Event::Transfer { zone: zone.clone() });
                }
                return Answer::success(zone::listing(&self.context(), &zone));
            }
        }
        let world = World {
            cluster: &self.cluster,
            trace,
        };
        self.chain.serve(&world, request)
    }

    /// Whether `name` is one of the listed zones (labels compared case-insensitively).
    fn is_zone_apex(&self, name: &Name) -> bool {
        let labels = name.iter().count();
        self.listed_zones()
            .iter()
            .any(|zone| zone.iter().count() == labels && zone.zone_of(name))
    }

    /// The zones of the first `kubernetes` plugin: those listings and transfers are made of.
    fn listed_zones(&self) -> &[Name] {
        match self.config.kubernetes() {
            Some(kubernetes) => &kubernetes.zones,
            None => &[],
        }
    }

    /// The response to a request message, with no size limit (see
    /// [`ClusterDns::handle_bytes`] for UDP truncation); `None` when CoreDNS sends no reply at
    /// all: for a response (QR set).
    ///
    /// As CoreDNS's server checks a request before any lookup (`docs/coredns-rules.md` rules
    /// 29–31): NOTIMP for an opcode other than QUERY or NOTIFY; FORMERR for anything but one
    /// question, or more than one answer or authority record or two additional records (both
    /// replies are the request's header alone); REFUSED for a class other than IN; BADVERS for
    /// an EDNS version other than 0. A NOTIFY is answered like a query.
    ///
    /// A zone transfer (AXFR, IXFR) is answered as over TCP, in one message holding the whole
    /// listing; see [`ClusterDns::handle_bytes_stream`] for the rules and for the split into
    /// several messages.
    pub fn handle(&self, request: &Message) -> Option<Message> {
        self.handle_from(request, DEFAULT_CLIENT)
    }

    /// [`ClusterDns::handle`] for a request sent from `client`: the plugins that look at the
    /// client (`whoami`, `acl`) see this address. `None` also when a plugin drops the query
    /// (`acl` `drop`).
    pub fn handle_from(&self, request: &Message, client: SocketAddr) -> Option<Message> {
        match wire::accept_message(request) {
            Some(Intake::Drop) => return None,
            Some(Intake::Reply(reply)) => return Some(reply),
            Some(Intake::Request(_)) | None => {}
        }
        let mut messages = self.respond(request, None, client).into_iter();
        let mut first = messages.next()?;
        for rest in messages {
            first.answers.extend(rest.answers);
        }
        Some(first)
    }

    /// The server's checks before any plugin (rule 31): those of [`wire::screen`], except that
    /// a class other than IN goes on to the plugins when a block has `chaos` or `forward`.
    fn screen<'m>(&self, request: &'m Message) -> Screened<'m> {
        if self.chain.opens_other_classes()
            && let [query] = request.queries.as_slice()
            && query.query_class() != DNSClass::IN
        {
            if request.edns.as_ref().is_some_and(|edns| edns.version() > 0) {
                return Screened::Reject(ResponseCode::BADVERS);
            }
            return Screened::Query(query);
        }
        wire::screen(request)
    }

    /// The response to a well-formed query that is not a zone transfer; `None` when a plugin
    /// drops it.
    fn respond_to_query(
        &self,
        request: &Message,
        query: &Query,
        transport: Option<Transport>,
        client: SocketAddr,
    ) -> Option<Message> {
        let answer = self.answer_request(
            &Request::new(
                query.name().clone(),
                query.query_type(),
                transport.unwrap_or(Transport::Udp),
                client,
            )
            .with_class(query.query_class())
            .with_id(request.id),
        );
        if answer.outcome == Outcome::NoReply {
            return None;
        }
        let mut response = wire::reply(request, answer.response_code());
        let (recursion_available, truncated) = (answer.recursion_available, answer.truncated);
        wire::fill(&mut response, answer);
        response.metadata.recursion_available |= recursion_available;
        response.metadata.truncation |= truncated;
        Some(response)
    }

    /// The responses to `request`: one message, or several for a zone transfer over TCP.
    /// `transport` is `None` for [`ClusterDns::handle`]: no transport, no split.
    /// Empty when a plugin drops the query.
    fn respond(
        &self,
        request: &Message,
        transport: Option<Transport>,
        client: SocketAddr,
    ) -> Vec<Message> {
        match self.screen(request) {
            Screened::Reject(code) => vec![wire::reply(request, code)],
            Screened::Query(query) => {
                if let Some(messages) = self.transfer(request, query, transport) {
                    return messages;
                }
                self.respond_to_query(request, query, transport, client)
                    .into_iter()
                    .collect()
            }
        }
    }

    /// What CoreDNS's `transfer` plugin does before (and around) the listing, or `None` when the
    /// request goes to the ordinary answer path (which refuses transfers it does not serve and
    /// lists the zone for those it does).
    fn transfer(
        &self,
        request: &Message,
        query: &Query,
        transport: Option<Transport>,
    ) -> Option<Vec<Message>> {
        let qtype = query.query_type();
        if !is_transfer_type(qtype) {
            return None;
        }
        // transfer.go refuses every transfer that does not come over TCP.
        if transport == Some(Transport::Udp) {
            return Some(vec![wire::reply(request, ResponseCode::Refused)]);
        }
        let zone = query.name().to_lowercase();
        if !self.listed_zones().contains(&zone) || !self.config.allows_transfer_of(&zone) {
            return None;
        }
        if qtype == RecordType::IXFR {
            // The client's serial is the SOA in the authority section; without exactly one SOA
            // there, transfer.go answers SERVFAIL.
            let serial = match request.authorities.as_slice() {
                [record] => match &record.data {
                    RData::SOA(soa) => soa.serial,
                    _ => return Some(vec![wire::reply(request, ResponseCode::ServFail)]),
                },
                _ => return Some(vec![wire::reply(request, ResponseCode::ServFail)]),
            };
            // Up to date (xfr.go compares for equality only): the SOA alone, in a reply
            // without AA (transfer.go builds it with SetReply only).
            if serial != 0 && serial == self.cluster.serial() {
                let mut response = wire::reply(request, ResponseCode::NoError);
                response.answers = vec![self.context().zone_soa(zone)];
                return Some(vec![response]);
            }
        }
        let answer = self.answer(query.name(), qtype);
        if answer.outcome != Outcome::Success {
            return None;
        }
        let batches = match transport {
            Some(_) => zone::batches(answer.answers),
            None => vec![answer.answers],
        };
        let messages = batches
            .into_iter()
            .map(|batch| {
                let mut response = wire::reply(request, ResponseCode::NoError);
                response.metadata.authoritative = true;
                response.answers = batch;
                response
            })
            .collect();
        Some(messages)
    }

    /// The response to a request in wire format, as wire bytes; empty when CoreDNS sends no
    /// reply at all: for fewer bytes than a header, and for a response (QR set).
    ///
    /// Over [`Transport::Udp`] the response fits in 512 bytes, or in the EDNS payload size the
    /// request advertises; over [`Transport::Tcp`] in 65535 bytes. Records that do not fit are
    /// dropped and TC is set. As in CoreDNS, a reply is sent uncompressed when it fits
    /// uncompressed (and, over UDP, takes at most 1480 bytes: the client is taken to be an
    /// IPv4 one); otherwise every name is compressed (`docs/coredns-rules.md` rules 34,
    /// 60–63).
    ///
    /// A request is checked as in [`ClusterDns::handle`]; bytes whose body does not decode get
    /// FORMERR with the request's header and, when it could be read, its question; a header
    /// that ends without the question it announces gets SERVFAIL (`docs/coredns-rules.md`
    /// rules 28–30).
    ///
    /// A zone transfer over TCP whose records exceed [`zone::TRANSFER_BATCH_BYTES`] takes
    /// several messages, as in CoreDNS; this returns the first. Use
    /// [`ClusterDns::handle_bytes_stream`] to get them all.
    pub fn handle_bytes(&self, request: &[u8], transport: Transport) -> Vec<u8> {
        self.handle_bytes_from(request, transport, DEFAULT_CLIENT)
    }

    /// [`ClusterDns::handle_bytes`] for a request sent from `client` (the peer address of the
    /// UDP packet or TCP connection): the plugins that look at the client (`whoami`, `acl`)
    /// see this address. Empty also when a plugin drops the query (`acl` `drop`).
    ///
    /// ```
    /// use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
    /// use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
    /// use k8s_dns_sim::{Cluster, ClusterDns, Config, Transport};
    ///
    /// let config = Config::from_corefile(".:53 {\n    whoami\n}\n")?;
    /// let dns = ClusterDns::new(Cluster::from_yaml("")?, config);
    /// let mut query = Message::new(7, MessageType::Query, OpCode::Query);
    /// query.add_query(Query::query(Name::from_ascii("example.org.")?, RecordType::A));
    /// let client = "10.244.1.7:41000".parse()?;
    /// let bytes = dns.handle_bytes_from(&query.to_vec()?, Transport::Udp, client);
    /// let reply = Message::from_vec(&bytes)?;
    /// assert_eq!(reply.additionals[0].to_string(), "example.org. 0 IN A 10.244.1.7");
    /// assert_eq!(reply.additionals[1].to_string(), "_udp.example.org. 0 IN SRV 0 0 41000 .");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn handle_bytes_from(
        &self,
        request: &[u8],
        transport: Transport,
        client: SocketAddr,
    ) -> Vec<u8> {
        // The common replies of the `kubernetes` plugin, from prepared parts: the same bytes
        // as below, without decoding the request or running the chain.
        if let Some(reply) = self.prepared.answer(&self.cluster, request) {
            return reply;
        }
        self.handle_bytes_general(request, transport, client)
    }

    /// [`ClusterDns::handle_bytes_from`] without the prepared replies: every request decoded,
    /// screened and run through the chain.
    pub(crate) fn handle_bytes_general(
        &self,
        request: &[u8],
        transport: Transport,
        client: SocketAddr,
    ) -> Vec<u8> {
        let message = match wire::intake(request) {
            Intake::Drop => return Vec::new(),
            // A header and at most one question: small enough for any transport.
            Intake::Reply(reply) => return wire::encode(&reply, u16::MAX),
            Intake::Request(message) => message,
        };
        let limit = wire::Limit::new(&message, transport, Family::from(client.ip()));
        match self.screen(&message) {
            Screened::Query(query) if !is_transfer(query) => self
                .respond_to_query(&message, query, Some(transport), client)
                .map(|response| wire::encode(&response, limit))
                .unwrap_or_default(),
            _ => self
                .respond(&message, Some(transport), client)
                .first()
                .map(|response| wire::encode(response, limit))
                .unwrap_or_default(),
        }
    }

    /// Every message the server sends in response to a request in wire format: one, except for
    /// a zone transfer over TCP, which takes as many as CoreDNS's `transfer` plugin sends.
    ///
    /// Zone transfers (AXFR and IXFR), as CoreDNS answers them:
    /// - over [`Transport::Udp`]: REFUSED (the `transfer` plugin serves TCP only);
    /// - without [`Config::allows_transfer_of`], or for a name that is not the apex of a zone of the
    ///   server: REFUSED;
    /// - AXFR: the zone's listing ([`ClusterDns::zone_records`]), SOA first and last, split into
    ///   messages before each would exceed [`zone::TRANSFER_BATCH_BYTES`] bytes of records
    ///   (counted uncompressed); every message echoes the question and has AA set;
    /// - IXFR: the request must carry exactly one SOA in its authority section (else SERVFAIL).
    ///   If its serial is the cluster's ([`Cluster::serial`]), the zone is up to date: one message with the SOA
    ///   alone. Any other serial gets the full AXFR-style listing: CoreDNS keeps no journal of
    ///   changes, so it never sends an incremental difference.
    ///
    /// ```
    /// use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
    /// use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
    /// use k8s_dns_sim::{Cluster, ClusterDns, Config, Transport};
    ///
    /// let cluster = Cluster::from_yaml(
    ///     "apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: default}
    /// spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
    /// ",
    /// )?;
    /// let dns = ClusterDns::new(cluster, Config::default().with_transfer(true));
    ///
    /// let mut axfr = Message::new(1, MessageType::Query, OpCode::Query);
    /// axfr.add_query(Query::query(Name::from_ascii("cluster.local.")?, RecordType::AXFR));
    /// let request = axfr.to_vec()?;
    ///
    /// let udp = Message::from_vec(&dns.handle_bytes(&request, Transport::Udp))?;
    /// assert_eq!(udp.metadata.response_code, ResponseCode::Refused);
    ///
    /// let tcp = dns.handle_bytes_stream(&request, Transport::Tcp);
    /// assert_eq!(tcp.len(), 1);
    /// let reply = Message::from_vec(&tcp[0])?;
    /// assert_eq!(reply.answers.len(), 5); // SOA, NS, A, SRV, SOA
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn handle_bytes_stream(&self, request: &[u8], transport: Transport) -> Vec<Vec<u8>> {
        self.handle_bytes_stream_from(request, transport, DEFAULT_CLIENT)
    }

    /// [`ClusterDns::handle_bytes_stream`] for a request sent from `client` (see
    /// [`ClusterDns::handle_bytes_from`]).
    pub fn handle_bytes_stream_from(
        &self,
        request: &[u8],
        transport: Transport,
        client: SocketAddr,
    ) -> Vec<Vec<u8>> {
        match wire::intake(request) {
            Intake::Drop => Vec::new(),
            Intake::Reply(reply) => vec![wire::encode(&reply, u16::MAX)],
            Intake::Request(request) => {
                let limit = wire::Limit::new(&request, transport, Family::from(client.ip()));
                self.respond(&request, Some(transport), client)
                    .iter()
                    .map(|response| wire::encode(response, limit))
                    .collect()
            }
        }
    }

    /// Every record the server serves in `zone`, one of its forward zones, in the order a
    /// zone transfer (AXFR) sends them: SOA, NS and glue, each Service's records by Service
    /// name, SOA again (see [`crate::zone`] for the rules, after CoreDNS's `xfr.go`).
    ///
    /// This is the teaching and diffing view of a cluster's DNS: it does not depend on
    /// [`Config::allows_transfer_of`] (that only decides whether AXFR questions are answered). The zone
    /// is matched case-insensitively; owner names are lower-case.
    ///
    /// # Errors
    /// [`ZoneError::InvalidName`] when `zone` is not a domain name, [`ZoneError::NotServed`]
    /// when it is not one of the zones of the first `kubernetes` plugin ([`KubernetesConfig::zones`](crate::KubernetesConfig::zones)) or is a reverse zone.
    ///
    /// ```
    /// use k8s_dns_sim::{Cluster, ClusterDns, Config};
    ///
    /// let yaml = "apiVersion: v1
    /// kind: Service
    /// metadata: {name: db, namespace: default}
    /// spec: {type: ExternalName, externalName: db.example.com}
    /// ";
    /// let dns = ClusterDns::new(Cluster::from_yaml(yaml)?, Config::default());
    /// let records = dns.zone_records("cluster.local")?;
    /// assert_eq!(records.len(), 4); // SOA, NS, CNAME, SOA
    /// assert_eq!(
    ///     records[2].to_string(),
    ///     "db.default.svc.cluster.local. 5 IN CNAME db.example.com."
    /// );
    /// assert!(dns.zone_records("example.com").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn zone_records(&self, zone: &str) -> Result<Vec<Record>, ZoneError> {
        let name = qname::absolute(zone)?.to_lowercase();
        let forward = |configured: &&Name| !is_reverse_zone(configured);
        if !self
            .listed_zones()
            .iter()
            .filter(forward)
            .any(|z| *z == name)
        {
            let configured: Vec<String> = self
                .listed_zones()
                .iter()
                .filter(forward)
                .map(ToString::to_string)
                .collect();
            return Err(ZoneError::NotServed {
                zone: zone.to_owned(),
                configured: configured.join(" "),
            });
        }
        Ok(zone::listing(&self.context(), &name))
    }

    /// [`ClusterDns::zone_records`] as zone-file text: one record per line
    /// (`name ttl IN type data`), each line ending in a newline.
    ///
    /// Made for diffs: list the zone of two versions of a cluster and compare the texts line by
    /// line; the lines that differ are exactly the DNS records that changed.
    ///
    /// # Errors
    /// As [`ClusterDns::zone_records`].
    ///
    /// ```
    /// use k8s_dns_sim::{Cluster, ClusterDns, Config};
    ///
    /// let before = "apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: default}
    /// spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
    /// ";
    /// let after = before.replace("10.96.0.20", "10.96.0.21");
    /// let listing = |yaml: &str| -> Result<String, Box<dyn std::error::Error>> {
    ///     let dns = ClusterDns::new(Cluster::from_yaml(yaml)?, Config::default());
    ///     Ok(dns.zone_file("cluster.local")?)
    /// };
    /// let (old, new) = (listing(before)?, listing(&after)?);
    /// let changed: Vec<&str> = new.lines().filter(|line| !old.lines().any(|l| l == *line)).collect();
    /// assert_eq!(changed, ["web.default.svc.cluster.local. 5 IN A 10.96.0.21"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn zone_file(&self, zone: &str) -> Result<String, ZoneError> {
        let mut text = String::new();
        for record in self.zone_records(zone)? {
            text.push_str(&record.to_string());
            text.push('\n');
        }
        Ok(text)
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

/// Whether a question asks for a zone transfer.
fn is_transfer(query: &Query) -> bool {
    is_transfer_type(query.query_type())
}

fn is_transfer_type(qtype: RecordType) -> bool {
    matches!(qtype, RecordType::AXFR | RecordType::IXFR)
}
