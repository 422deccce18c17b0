//! Queries on the wire: the [`Nameserver`] a pod's resolver talks to, the query messages each
//! library builds, and the record of every query and reply.

use std::net::IpAddr;
use std::time::Duration;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query as Question, ResponseCode};
use hickory_proto::rr::{Name, RecordType};

use crate::answer::{Answer, Outcome};
use crate::server::ClusterDns;
use crate::upstream::Upstream;
use crate::wire::{self, Intake, Screened, Transport};

use super::result::{Cause, Query, Reply, Step};

/// What answers a pod's queries: given the wire bytes of a query sent to `server` over
/// `transport`, the wire bytes of the reply (empty for no reply).
///
/// [`ClusterDns`] answers as a cluster's DNS Service does, whatever the address: names in its
/// zones as CoreDNS's `kubernetes` plugin, every other name as its `forward` would, from the
/// [`Upstream`] (NXDOMAIN for a name the upstream does not hold, with RA set, as a recursive
/// resolver answers). An [`Upstream`] alone answers as the node's own resolver would.
/// [`PodNetwork`] tells the two apart by address, as a Pod's network does. Implement it to put
/// a failing or misbehaving server in front of the libraries.
pub trait Nameserver {
    /// The reply to `query`.
    fn reply(&self, server: IpAddr, query: &[u8], transport: Transport) -> Vec<u8>;
}

impl Nameserver for ClusterDns {
    fn reply(&self, _server: IpAddr, query: &[u8], transport: Transport) -> Vec<u8> {
        if let Intake::Request(message) = wire::intake(query)
            && outside(self, &message)
        {
            return forwarded(&self.config().upstream, &message, transport);
        }
        self.handle_bytes(query, transport)
    }
}

/// Whether `message` is a query (not a transfer) for a name outside `dns`'s zones: one the
/// cluster's `forward` answers.
fn outside(dns: &ClusterDns, message: &Message) -> bool {
    if let Screened::Query(question) = wire::screen(message) {
        !matches!(question.query_type(), RecordType::AXFR | RecordType::IXFR)
            && !dns
                .config()
                .kubernetes_plugins()
                .flat_map(|kubernetes| &kubernetes.zones)
                .any(|zone| zone.zone_of(question.name()))
    } else {
        false
    }
}

/// Whether the request bytes are a query the cluster DNS Service forwards (outside `dns`'s
/// zones): what [`Nameserver::reply`] for [`ClusterDns`] answers from the upstream.
#[cfg(feature = "serve")]
pub(crate) fn outside_zones(dns: &ClusterDns, query: &[u8]) -> bool {
    matches!(wire::intake(query), Intake::Request(message) if outside(dns, &message))
}

/// The nameservers a Pod reaches: the cluster's DNS at its addresses (the kubelet's
/// `clusterDNS`, and the ClusterIPs of `kube-system/kube-dns`), and at every other address a
/// resolver outside the cluster, which knows the [`Upstream`]'s names and no cluster name. So
/// a Pod with `dnsPolicy: None` and `nameservers: [1.1.1.1]`, or a `hostNetwork` Pod whose
/// `ClusterFirst` the kubelet turned into the node's file, gets NXDOMAIN for
/// `web.default.svc.cluster.local`, as in a real cluster. Made by [`ClusterDns::network`];
/// the pod views ([`ClusterDns::resolve_pod`], [`ClusterDns::getaddrinfo_in_pod`], dig's
/// `--from-pod` and `--pod-namespace`) ask through it.
#[derive(Debug, Clone)]
pub struct PodNetwork<'a> {
    dns: &'a ClusterDns,
    cluster_dns: Vec<IpAddr>,
}

impl<'a> PodNetwork<'a> {
    /// The network of `dns`'s Pods, with `cluster_dns` as the kubelet's `clusterDNS`.
    pub(crate) fn new(dns: &'a ClusterDns, cluster_dns: &[IpAddr]) -> Self {
        let mut addresses = cluster_dns.to_vec();
        if let Some(service) = dns.cluster().service("kube-system", "kube-dns") {
            addresses.extend(service.cluster_ips().iter().copied());
        }
        addresses.sort_unstable();
        addresses.dedup();
        PodNetwork {
            dns,
            cluster_dns: addresses,
        }
    }

    /// Whether `server` is the cluster's DNS (else it is a resolver outside the cluster).
    pub fn is_cluster_dns(&self, server: IpAddr) -> bool {
        self.cluster_dns.binary_search(&server).is_ok()
    }
}

impl Nameserver for PodNetwork<'_> {
    fn reply(&self, server: IpAddr, query: &[u8], transport: Transport) -> Vec<u8> {
        if self.is_cluster_dns(server) {
            self.dns.reply(server, query, transport)
        } else {
            self.dns.config().upstream.reply(server, query, transport)
        }
    }
}

impl Nameserver for Upstream {
    fn reply(&self, _server: IpAddr, query: &[u8], transport: Transport) -> Vec<u8> {
        match wire::intake(query) {
            Intake::Drop => Vec::new(),
            Intake::Reply(reply) => wire::encode(&reply, u16::MAX),
            Intake::Request(message) => forwarded(self, &message, transport),
        }
    }
}

impl<T: Nameserver + ?Sized> Nameserver for &T {
    fn reply(&self, server: IpAddr, query: &[u8], transport: Transport) -> Vec<u8> {
        (**self).reply(server, query, transport)
    }
}

/// The reply a recursive resolver gives from the upstream's records: NOERROR with them (or
/// NODATA), NXDOMAIN for a name it does not hold; RA set, AA not; truncated to the transport.
fn forwarded(upstream: &Upstream, request: &Message, transport: Transport) -> Vec<u8> {
    let Screened::Query(question) = wire::screen(request) else {
        if let Screened::Reject(code) = wire::screen(request) {
            return wire::encode(&wire::reply(request, code), u16::MAX);
        }
        return Vec::new();
    };
    let answer = Answer::from_upstream(upstream.lookup(question.name(), question.query_type()));
    let mut response = wire::reply(request, answer.response_code());
    wire::fill(&mut response, answer);
    response.metadata.recursion_available = true;
    wire::encode(&response, wire::size_limit(request, transport))
}

/// Whether `name` (absolute text) can be put in a query: labels of 1 to 63 bytes, at most 255
/// bytes on the wire (what `res_mkquery`'s `ns_name_pton` and Go's `dnsmessage` accept).
pub(crate) fn encodable(name: &str) -> bool {
    if name == "." {
        return true;
    }
    let bare = name.strip_suffix('.').unwrap_or(name);
    !bare.is_empty()
        && bare.len() <= 253
        && bare
            .split('.')
            .all(|label| !label.is_empty() && label.len() <= 63)
}

/// A query a library is about to send.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    /// The name, as the library puts it in the query.
    pub(crate) name: String,
    pub(crate) qtype: RecordType,
    /// The OPT record's payload size, if one is sent.
    pub(crate) edns: Option<u16>,
    /// AD in the query.
    pub(crate) ad: bool,
    /// musl builds its query bytes itself (`__res_mkquery`), byte for byte.
    pub(crate) musl: bool,
}

impl Outgoing {
    pub(crate) fn new(name: &str, qtype: RecordType) -> Outgoing {
        Outgoing {
            name: name.to_owned(),
            qtype,
            edns: None,
            ad: false,
            musl: false,
        }
    }
}

/// musl's `__res_mkquery`: the question written label by label over the name's own dots, RD
/// set, AD cleared as `name_from_dns` clears it. A name with two trailing dots is refused by
/// 1.2.4+ and, in 1.2.3, becomes a malformed question (the second dot is left as a length
/// byte). `None` when musl refuses to build it.
pub(crate) fn musl_query(
    id: u16,
    name: &str,
    qtype: RecordType,
    legacy: bool,
    ad: bool,
) -> Option<Vec<u8>> {
    let bytes = name.as_bytes();
    let mut l = bytes.len().min(255);
    if l > 0 && bytes[l - 1] == b'.' {
        l -= 1;
    }
    if !legacy && l > 0 && bytes[l - 1] == b'.' {
        return None;
    }
    if l > 253 {
        return None;
    }
    let n = 17 + l + usize::from(l > 0);
    let mut q = vec![0u8; n.max(18) + 4];
    q[2] = 1; // RD
    q[3] = if ad { 32 } else { 0 };
    q[5] = 1;
    q[13..13 + l].copy_from_slice(&bytes[..l]);
    let mut i = 13;
    while q[i] != 0 {
        let mut j = i;
        while q[j] != 0 && q[j] != b'.' {
            j += 1;
        }
        let length = j - i;
        if length == 0 || length > 63 {
            return None;
        }
        q[i - 1] = u8::try_from(length).ok()?;
        i = j + 1;
    }
    let qtype = u16::from(qtype);
    q[i + 1] = u8::try_from(qtype).ok()?; // musl takes types below 256 only
    q[i + 3] = 1; // IN
    q.truncate(n);
    q[0] = (id >> 8) as u8;
    q[1] = id as u8;
    Some(q)
}

/// A reply as bytes and, when it decodes, as a message.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) bytes: Vec<u8>,
    pub(crate) message: Message,
}

impl Received {
    pub(crate) fn rcode(&self) -> ResponseCode {
        self.message.metadata.response_code
    }

    pub(crate) fn truncated(&self) -> bool {
        self.message.metadata.truncation
    }

    /// The reply as a typed answer.
    pub(crate) fn answer(&self) -> Option<Answer> {
        typed(&self.message)
    }

    pub(crate) fn ancount(&self) -> usize {
        self.message.answers.len()
    }

    /// glibc's and Go's "lame" reply: NOERROR, no answer, neither AA nor RA, and no additional
    /// record either, OPT included (glibc's `send_dg`; Go's `checkHeader` in the newest release,
    /// its `hasAdd` (golang/go#61695, Go 1.22 by its date): go1.19 did not look at the
    /// additional section).
    pub(crate) fn lame(&self) -> bool {
        let metadata = &self.message.metadata;
        metadata.response_code == ResponseCode::NoError
            && self.message.answers.is_empty()
            && !metadata.authoritative
            && !metadata.recursion_available
            && self.message.additionals.is_empty()
            && self.message.edns.is_none()
    }
}

/// The typed reply of a message: `None` for response codes an [`Outcome`] does not name.
fn typed(message: &Message) -> Option<Answer> {
    let outcome = match message.metadata.response_code {
        ResponseCode::NoError if message.answers.is_empty() => Outcome::NoData,
        ResponseCode::NoError => Outcome::Success,
        ResponseCode::NXDomain => Outcome::NxDomain,
        ResponseCode::Refused => Outcome::Refused,
        _ => return None,
    };
    Some(Answer::new(
        outcome,
        message.answers.clone(),
        message.authorities.clone(),
        message.additionals.clone(),
        message.metadata.authoritative,
    ))
}

/// Sends queries and records them: the walk's log.
pub(crate) struct Exchanger<'a> {
    server: &'a dyn Nameserver,
    next_id: u16,
    sockets: u32,
    pub(crate) steps: Vec<Step>,
    pub(crate) waited: Duration,
    pub(crate) walk: u32,
    /// musl 1.2.3's malformed questions.
    pub(crate) legacy_musl: bool,
}

impl<'a> Exchanger<'a> {
    pub(crate) fn new(server: &'a dyn Nameserver) -> Exchanger<'a> {
        Exchanger {
            server,
            next_id: 0x1000,
            sockets: 0,
            steps: Vec::new(),
            waited: Duration::ZERO,
            walk: 1,
            legacy_musl: false,
        }
    }

    /// Starts a step for `name`.
    pub(crate) fn step(&mut self, name: &str, parallel: bool, unordered: bool) {
        self.steps.push(Step {
            name: name.to_owned(),
            walk: self.walk,
            parallel,
            unordered,
            queries: Vec::new(),
        });
    }

    /// A new socket (or connection) number.
    pub(crate) fn socket(&mut self) -> u32 {
        self.sockets += 1;
        self.sockets
    }

    /// Adds waiting time.
    pub(crate) fn wait(&mut self, seconds: u64) {
        self.waited += Duration::from_secs(seconds);
    }

    /// Adds waiting time in milliseconds.
    pub(crate) fn wait_millis(&mut self, millis: u64) {
        self.waited += Duration::from_millis(millis);
    }

    /// Sends `query` to `server` and records it in the current step; the index of the query in
    /// the step, and the reply if one came back and decodes. `None` as index when the library
    /// could not build the query (nothing is sent).
    pub(crate) fn send(
        &mut self,
        query: &Outgoing,
        server: IpAddr,
        transport: Transport,
        socket: u32,
        cause: Cause,
    ) -> Option<(usize, Option<Received>)> {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let bytes = if query.musl {
            musl_query(id, &query.name, query.qtype, self.legacy_musl, query.ad)?
        } else {
            let mut name = Name::from_ascii(&query.name).ok()?;
            name.set_fqdn(true);
            let mut message = Message::new(id, MessageType::Query, OpCode::Query);
            message.metadata.recursion_desired = true;
            message.metadata.authentic_data = query.ad;
            message.add_query(Question::query(name, query.qtype));
            if let Some(size) = query.edns {
                let mut edns = Edns::new();
                edns.set_max_payload(size);
                message.set_edns(edns);
            }
            message.to_vec().ok()?
        };
        let reply_bytes = self.server.reply(server, &bytes, transport);
        let received = Message::from_vec(&reply_bytes)
            .ok()
            .filter(|message| message.metadata.id == id)
            .map(|message| Received {
                bytes: reply_bytes.clone(),
                message,
            });
        let reply = received.as_ref().map(|received| Reply {
            rcode: received.rcode(),
            truncated: received.truncated(),
            authoritative: received.message.metadata.authoritative,
            recursion_available: received.message.metadata.recursion_available,
            answer: typed(&received.message),
            size: reply_bytes.len(),
            used: false,
        });
        let name = if query.name.ends_with('.') {
            query.name.clone()
        } else {
            format!("{}.", query.name)
        };
        if self.steps.is_empty() {
            self.step(&name, false, false);
        }
        let step = self.steps.last_mut()?;
        step.queries.push(Query {
            name,
            qtype: query.qtype,
            server,
            transport,
            edns: query.edns,
            socket,
            cause,
            reply,
        });
        Some((step.queries.len() - 1, received))
    }

    /// Marks a query of the current step as used by the library.
    pub(crate) fn used(&mut self, query: usize) {
        if let Some(reply) = self
            .steps
            .last_mut()
            .and_then(|step| step.queries.get_mut(query))
            .and_then(|query| query.reply.as_mut())
        {
            reply.used = true;
        }
    }
}

/// A nameserver as Go writes it in `DNSError.Server`.
pub(crate) fn host_port(server: IpAddr) -> String {
    match server {
        IpAddr::V4(v4) => format!("{v4}:53"),
        IpAddr::V6(v6) => format!("[{v6}]:53"),
    }
}
