//! The pod side: what `getaddrinfo("db")` in a pod returns, and after which queries.
//!
//! A Pod rarely asks for `db.shop.svc.cluster.local.`; it asks for `db`, and two things stand
//! between that and cluster DNS:
//!
//! - **the kubelet** ([`Kubelet`], from a [`PodDns`]): it writes the pod's `/etc/resolv.conf`
//!   for its `dnsPolicy` and `dnsConfig` (for `ClusterFirst`: the cluster DNS address, the
//!   search list `<ns>.svc.<zone> svc.<zone> <zone>` and `options ndots:5`) and its
//!   `/etc/hosts` (`localhost`, the pod's own name, `hostAliases`); the [`PodSandbox`] holds
//!   both, with the pod's hostname and addresses;
//! - **the stub resolver** ([`StubResolver`]: glibc, musl 1.2.3, musl 1.2.4+, Go): it answers
//!   numeric names and hosts-file names itself, then walks the search list, sending A and
//!   AAAA queries (together or not, over one socket or two, with or without EDNS), stops on
//!   its own rules, retries over TCP after a truncated reply (or not), and sorts the
//!   addresses it hands the application.
//!
//! [`ClusterDns::getaddrinfo`](crate::ClusterDns::getaddrinfo) does all of it against the
//! simulated server: every query is a real DNS message, built as the library builds it and
//! answered by [`ClusterDns::handle_bytes`](crate::ClusterDns::handle_bytes) over UDP (512
//! bytes, or the EDNS size the library offers) or TCP, so truncation is real. The
//! [`Resolution`] lists every step, query and reply, and what the application gets: the
//! addresses in its order, or the library's error. Names outside the server's zones are
//! answered as the cluster's `forward` would answer them: by the [`Upstream`](crate::Upstream),
//! NXDOMAIN for a name it does not hold.
//!
//! ```
//! use k8s_dns_sim::resolver::{Family, Kubelet, PodDns, StubResolver};
//! use k8s_dns_sim::{Cluster, ClusterDns, Config};
//!
//! let dns = ClusterDns::new(
//!     Cluster::from_yaml(
//!         "apiVersion: v1
//! kind: Service
//! metadata: {name: web, namespace: default}
//! spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
//! ",
//!     )?,
//!     Config::default(),
//! );
//! let pod = PodDns::new("default", "client-0").with_ips(["10.244.1.5".parse()?]);
//! let kubelet = Kubelet::default();
//! let sandbox = kubelet.sandbox(&pod)?;
//!
//! // `web.default` from a pod in `default`: one NXDOMAIN step first, then the hit.
//! let glibc = dns.getaddrinfo(&sandbox, StubResolver::Glibc, Family::Unspec, "web.default");
//! assert_eq!(
//!     glibc.names(),
//!     ["web.default.default.svc.cluster.local.", "web.default.svc.cluster.local."]
//! );
//! assert_eq!(glibc.addresses(), ["10.96.0.20".parse::<std::net::IpAddr>()?]);
//! // glibc sends A and AAAA together, on one socket.
//! let first: Vec<String> = glibc.steps[0].queries.iter().map(|q| q.qtype.to_string()).collect();
//! assert_eq!(first, ["A", "AAAA"]);
//!
//! // `localhost` and the pod's own hostname never reach DNS.
//! let own = dns.getaddrinfo(&sandbox, StubResolver::Musl, Family::Unspec, "client-0");
//! assert!(own.steps.is_empty());
//! assert_eq!(own.addresses(), ["10.244.1.5".parse::<std::net::IpAddr>()?]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The rules, the source lines they come from and the comparison table the tests check are in
//! the repository's `docs/resolver-behaviour.md`. The files follow the concerns: `kubelet`
//! (the two files), `conf` (reading `resolv.conf` as each library does), `hosts`, `literal`,
//! `exchange` (queries on the wire), `glibc`, `musl`, `go` (each library's walk), `sort` (the
//! address order) and `result`.

mod assertions;
mod conf;
mod exchange;
mod glibc;
mod go;
mod hosts;
mod kubelet;
mod library;
mod literal;
mod musl;
mod result;
mod sandbox;
mod sort;

use hickory_proto::rr::RecordType;

use crate::error::InvalidNameError;
use crate::qname;
use crate::server::ClusterDns;

pub use conf::{KUBELET_NDOTS, LibraryConf, MAX_NDOTS, ResolvConf, ResolvConfError};
#[cfg(feature = "serve")]
pub(crate) use exchange::outside_zones;
pub use exchange::{Nameserver, PodNetwork};
pub use hosts::{HostsEntry, HostsFile};
pub use kubelet::{
    DnsPolicy, HostAlias, Kubelet, KubeletError, KubeletEvent, PodDns, PodDnsConfig, PodDnsOption,
    PodError,
};
pub use library::{Family, StubResolver};
pub use result::{
    Attempt, Cause, DnsError, Found, GaiError, HErrno, Lookup, LookupError, Query, Reply,
    Resolution, Source, Step,
};
pub use sandbox::{Interface, PodSandbox};

use exchange::Exchanger;

/// `getaddrinfo(name, family)` (Go: `LookupIP`) as `library` runs it in `sandbox`, with its
/// queries answered by `server`.
pub fn getaddrinfo(
    server: &dyn Nameserver,
    sandbox: &PodSandbox,
    library: StubResolver,
    family: Family,
    name: &str,
) -> Resolution {
    run(
        server,
        sandbox,
        library,
        name,
        Lookup::Addresses(family),
        |conf, ex| match library {
            StubResolver::Glibc => glibc::Glibc::new(conf, sandbox).getaddrinfo(ex, name, family),
            StubResolver::Musl | StubResolver::Musl1_2_3 => {
                musl::Musl::new(conf, sandbox).getaddrinfo(ex, name, family)
            }
            StubResolver::Go => go::Go::new(conf, sandbox).lookup_ip(ex, name, family),
        },
    )
}

/// One lookup: the file read as `library` reads it, the walk `walk` makes with it against
/// `server`, and everything it sent and got.
fn run(
    server: &dyn Nameserver,
    sandbox: &PodSandbox,
    library: StubResolver,
    name: &str,
    lookup: Lookup,
    walk: impl FnOnce(LibraryConf, &mut Exchanger<'_>) -> (Source, Result<Found, LookupError>),
) -> Resolution {
    let conf = LibraryConf::read(library, &sandbox.resolv_conf, &sandbox.hostname);
    let mut ex = Exchanger::new(server);
    let (source, result) = walk(conf.clone(), &mut ex);
    Resolution {
        library,
        lookup,
        name: name.to_owned(),
        conf,
        source,
        attempts: attempts(&ex.steps),
        steps: ex.steps,
        result,
        waited: ex.waited,
    }
}

/// One attempt per step of the first walk whose name is a domain name.
fn attempts(steps: &[Step]) -> Vec<Attempt> {
    steps
        .iter()
        .filter(|step| step.walk == 1)
        .filter_map(|step| {
            let mut name = hickory_proto::rr::Name::from_ascii(&step.name).ok()?;
            // The name as it goes on the wire, where every name is absolute: a step whose text
            // ends in an escaped dot (`\.`, from a name or search domain ending in a
            // backslash) would otherwise read as a relative name.
            name.set_fqdn(true);
            let answer = step
                .queries
                .iter()
                .rev()
                .filter_map(|query| query.reply.as_ref())
                .find(|reply| reply.used)
                .and_then(|reply| reply.answer.clone());
            Some(Attempt { name, answer })
        })
        .collect()
}

/// A server that knows no name: NXDOMAIN, authoritatively, for every question.
struct Nowhere;

impl Nameserver for Nowhere {
    fn reply(
        &self,
        _server: std::net::IpAddr,
        query: &[u8],
        transport: crate::wire::Transport,
    ) -> Vec<u8> {
        match crate::wire::intake(query) {
            crate::wire::Intake::Drop => Vec::new(),
            crate::wire::Intake::Reply(reply) => crate::wire::encode(&reply, u16::MAX),
            crate::wire::Intake::Request(request) => {
                let mut reply =
                    crate::wire::reply(&request, hickory_proto::op::ResponseCode::NXDomain);
                reply.metadata.authoritative = true;
                crate::wire::encode(&reply, crate::wire::size_limit(&request, transport))
            }
        }
    }
}

impl ResolvConf {
    /// The names `resolver` asks DNS for `name`, in order, when every one of them is NXDOMAIN:
    /// its whole search-list walk (as `getaddrinfo(AF_INET)` runs it, without a hosts file).
    /// Empty when it sends no query at all: a numeric address, or a name it refuses.
    pub fn candidates(&self, resolver: StubResolver, name: &str) -> Vec<hickory_proto::rr::Name> {
        let sandbox = PodSandbox::from_resolv_conf(self);
        let resolution = getaddrinfo(&Nowhere, &sandbox, resolver, Family::Inet, name);
        resolution
            .attempts
            .into_iter()
            .map(|attempt| attempt.name)
            .collect()
    }
}

/// A search for records of one type, as `library`'s own API does it: glibc's `res_search`
/// (the search list, no hosts file), musl's `res_search` (which is `res_query`: **no** search
/// list, the name as given), Go's `Resolver.lookup` behind `LookupSRV`, `LookupTXT`, … (the
/// search list, stopping at the first candidate with a record of the type).
pub fn search(
    server: &dyn Nameserver,
    sandbox: &PodSandbox,
    library: StubResolver,
    name: &str,
    qtype: RecordType,
) -> Resolution {
    run(
        server,
        sandbox,
        library,
        name,
        Lookup::Records(qtype),
        |conf, ex| match library {
            StubResolver::Glibc => glibc::Glibc::new(conf, sandbox).res_search(ex, name, qtype),
            StubResolver::Musl | StubResolver::Musl1_2_3 => {
                musl::Musl::new(conf, sandbox).res_query(ex, name, qtype)
            }
            StubResolver::Go => go::Go::new(conf, sandbox).lookup(ex, name, qtype),
        },
    )
}

impl ClusterDns {
    /// `getaddrinfo(name, family)` in a pod (Go: `LookupIP`), as `library` runs it: the
    /// sandbox's hosts file and numeric names first, then its `resolv.conf` walk against this
    /// server (see [`crate::resolver`]). Every input has an outcome: the library's own error is
    /// the [`Resolution::result`].
    pub fn getaddrinfo(
        &self,
        sandbox: &PodSandbox,
        library: StubResolver,
        family: Family,
        name: &str,
    ) -> Resolution {
        getaddrinfo(self, sandbox, library, family, name)
    }

    /// [`ClusterDns::getaddrinfo`] in the sandbox `kubelet` makes for `pod`.
    ///
    /// # Errors
    /// A [`KubeletError`] when the kubelet cannot start the pod's sandbox.
    pub fn resolve_pod(
        &self,
        kubelet: &Kubelet,
        pod: &PodDns,
        library: StubResolver,
        family: Family,
        name: &str,
    ) -> Result<Resolution, KubeletError> {
        let sandbox = kubelet.sandbox(pod)?;
        Ok(self.getaddrinfo_on(kubelet, &sandbox, library, family, name))
    }

    /// `getaddrinfo` in `sandbox`, its queries sent over the network of `kubelet`'s Pods.
    fn getaddrinfo_on(
        &self,
        kubelet: &Kubelet,
        sandbox: &PodSandbox,
        library: StubResolver,
        family: Family,
        name: &str,
    ) -> Resolution {
        getaddrinfo(&self.network(kubelet), sandbox, library, family, name)
    }

    /// The nameservers this cluster's Pods reach with `kubelet`: this server at the kubelet's
    /// `clusterDNS` (and `kube-system/kube-dns`'s ClusterIPs), a resolver outside the cluster
    /// (the [`Upstream`](crate::Upstream)) at any other address. See [`PodNetwork`].
    pub fn network(&self, kubelet: &Kubelet) -> PodNetwork<'_> {
        PodNetwork::new(self, &kubelet.cluster_dns)
    }

    /// The kubelet of this cluster's nodes, as kubeadm sets it up: [`Kubelet::default`] with
    /// the server's first zone as `clusterDomain` and the ClusterIPs of `kube-system/kube-dns`
    /// (when that Service is loaded) as `clusterDNS`. Set
    /// [`Kubelet::node_resolv_conf`] for `dnsPolicy: Default` Pods: the node's file is the
    /// caller's to say.
    pub fn kubelet(&self) -> Kubelet {
        let mut kubelet = Kubelet::default();
        if let Some(zone) = self
            .config()
            .kubernetes_plugins()
            .flat_map(|kubernetes| &kubernetes.zones)
            .next()
        {
            kubelet.cluster_domain = zone.to_string().trim_end_matches('.').to_owned();
        }
        if let Some(service) = self.cluster().service("kube-system", "kube-dns")
            && !service.cluster_ips().is_empty()
        {
            kubelet.cluster_dns = service.cluster_ips().to_vec();
        }
        kubelet
    }

    /// The kubelet's view of the Pod `pod` (`namespace/name`) of the cluster, loaded or made by
    /// a workload: its `dnsPolicy`, `dnsConfig`, `hostAliases`, hostname and subdomain,
    /// `setHostnameAsFQDN`, `hostNetwork` and addresses ([`PodDns::from`]).
    ///
    /// # Errors
    /// [`PodError::BadReference`] for a reference that is not `namespace/name`,
    /// [`PodError::NotFound`] when the cluster has no such Pod.
    pub fn pod_dns(&self, pod: &str) -> Result<PodDns, PodError> {
        self.find_pod(pod).map(PodDns::from)
    }

    fn find_pod(&self, pod: &str) -> Result<&crate::model::Pod, PodError> {
        let (namespace, name) = pod
            .split_once('/')
            .filter(|(namespace, name)| {
                !namespace.is_empty() && !name.is_empty() && !name.contains('/')
            })
            .ok_or_else(|| PodError::BadReference(pod.to_owned()))?;
        self.cluster()
            .pods()
            .find(|candidate| candidate.meta.namespace == namespace && candidate.meta.name == name)
            .ok_or_else(|| PodError::NotFound {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
            })
    }

    /// The sandbox `kubelet` makes for the Pod `pod` (`namespace/name`) on its node: the
    /// kubelet [on the Pod's Node](Kubelet::on_node) when that Node is loaded (else named after
    /// `spec.nodeName`), then [`Kubelet::sandbox`] of [`ClusterDns::pod_dns`].
    ///
    /// # Errors
    /// As [`ClusterDns::pod_dns`], and [`PodError::Kubelet`] when the kubelet cannot start it.
    pub fn pod_sandbox(&self, kubelet: &Kubelet, pod: &str) -> Result<PodSandbox, PodError> {
        let found = self.find_pod(pod)?;
        let node = found.node_name.as_deref();
        let kubelet = match node.and_then(|node| self.cluster().node(node)) {
            Some(node) => kubelet.on_node(node),
            None => {
                let mut kubelet = kubelet.clone();
                if let Some(node) = node {
                    kubelet.node_hostname = node.to_owned();
                }
                kubelet
            }
        };
        kubelet
            .sandbox(&PodDns::from(found))
            .map_err(|source| PodError::Kubelet {
                namespace: found.meta.namespace.clone(),
                name: found.meta.name.clone(),
                source,
            })
    }

    /// [`ClusterDns::getaddrinfo`] in the Pod `pod` (`namespace/name`) of the cluster, in the
    /// sandbox [`ClusterDns::pod_sandbox`] makes for it.
    ///
    /// ```
    /// use k8s_dns_sim::resolver::{Family, StubResolver};
    /// use k8s_dns_sim::ClusterDns;
    ///
    /// let dns = ClusterDns::from_yaml(
    ///     "apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: default}
    /// spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: client, namespace: default}
    /// spec:
    ///   dnsConfig: {options: [{name: ndots, value: \"1\"}]}
    ///   hostAliases: [{ip: 10.1.2.3, hostnames: [legacy-db]}]
    /// ",
    /// )?;
    /// let kubelet = dns.kubelet();
    /// let web = dns.getaddrinfo_in_pod(&kubelet, "default/client", StubResolver::Musl, Family::Inet, "web")?;
    /// assert_eq!(web.names(), ["web.default.svc.cluster.local."]);
    /// // The alias is in the pod's /etc/hosts: no query.
    /// let alias = dns.getaddrinfo_in_pod(&kubelet, "default/client", StubResolver::Glibc, Family::Unspec, "legacy-db")?;
    /// assert_eq!(alias.queries().count(), 0);
    /// assert_eq!(alias.addresses(), ["10.1.2.3".parse::<std::net::IpAddr>()?]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`ClusterDns::pod_sandbox`].
    pub fn getaddrinfo_in_pod(
        &self,
        kubelet: &Kubelet,
        pod: &str,
        library: StubResolver,
        family: Family,
        name: &str,
    ) -> Result<Resolution, PodError> {
        let sandbox = self.pod_sandbox(kubelet, pod)?;
        Ok(self.getaddrinfo_on(kubelet, &sandbox, library, family, name))
    }

    /// Resolves `name` for one record type in a pod whose `resolv.conf` is `conf` (no hosts
    /// file): A as `getaddrinfo(AF_INET)`, AAAA as `getaddrinfo(AF_INET6)` (Go: `ip4`, `ip6`),
    /// any other type as the library's record search ([`search`]: glibc `res_search`, musl
    /// `res_query`, Go `Resolver.lookup`).
    ///
    /// ```
    /// use k8s_dns_sim::resolver::{ResolvConf, StubResolver};
    /// use k8s_dns_sim::hickory_proto::rr::RecordType;
    /// use k8s_dns_sim::{Cluster, ClusterDns, Config};
    ///
    /// let dns = ClusterDns::new(
    ///     Cluster::from_yaml(
    ///         "apiVersion: v1
    /// kind: Service
    /// metadata: {name: kubernetes, namespace: default}
    /// spec: {clusterIP: 10.96.0.1, ports: [{name: https, port: 443}]}
    /// ",
    ///     )?,
    ///     Config::default(),
    /// );
    /// let pod = ResolvConf::cluster_first("shop", "cluster.local")?;
    /// let resolution = dns.resolve(&pod, StubResolver::Glibc, "kubernetes.default", RecordType::A)?;
    /// assert_eq!(
    ///     resolution.names(),
    ///     ["kubernetes.default.shop.svc.cluster.local.", "kubernetes.default.svc.cluster.local."]
    /// );
    /// assert!(resolution.found());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`InvalidNameError`] when the library sends no query for `name`
    /// ([`ResolvConf::candidates`] is empty): it is not a domain name, or a numeric address the
    /// library answers itself ([`ClusterDns::getaddrinfo`] gives its result).
    pub fn resolve(
        &self,
        conf: &ResolvConf,
        resolver: StubResolver,
        name: &str,
        qtype: RecordType,
    ) -> Result<Resolution, InvalidNameError> {
        if qname::absolute(name.trim_end_matches('.')).is_err() || name.is_empty() {
            return Err(InvalidNameError {
                name: name.to_owned(),
                reason: "no search-list candidate is a domain name".to_owned(),
            });
        }
        if conf.candidates(resolver, name).is_empty() {
            return Err(InvalidNameError {
                name: name.to_owned(),
                reason: format!(
                    "{resolver} sends no query for it (a numeric address, or a name it refuses)"
                ),
            });
        }
        let sandbox = PodSandbox::from_resolv_conf(conf);
        Ok(match qtype {
            RecordType::A => self.getaddrinfo(&sandbox, resolver, Family::Inet, name),
            RecordType::AAAA => self.getaddrinfo(&sandbox, resolver, Family::Inet6, name),
            _ => search(self, &sandbox, resolver, name, qtype),
        })
    }
}
