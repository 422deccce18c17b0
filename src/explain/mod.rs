//! Why a question got its answer: the steps the server and the `kubernetes` plugin took, the
//! objects they looked at (and where each was read), every endpoint left out and why, and the
//! near misses that would have answered, each with the change that makes the name resolve.
//!
//! A real cluster answers in silence; an explanation is the part nobody else can give. It is
//! built in two halves, so that it can never describe a different answer from the one sent:
//!
//! - **What the server did** is recorded while the question is answered, by the same code that
//!   answers it: the block chosen, each plugin that answered or passed the question on, every
//!   question the `kubernetes` plugin was asked (`autopath` asks several; a CNAME target is
//!   asked again), and the outcome.
//! - **Why the plugin answered so** is read afterwards from the cluster by the plugin's rules
//!   (the same name grammar, zone matching, readiness, name and port matching), for each
//!   question the plugin was asked. Its reading of whether the name exists is checked against
//!   what the plugin answered ([`Explanation::disagreements`] is empty in every test).
//!
//! Each step names the rule of `docs/coredns-rules.md` it applies (number and title, read from
//! that file when the crate is built), so the explanation and the documentation cannot drift.
//!
//! ```
//! use k8s_dns_sim::hickory_proto::rr::RecordType;
//! use k8s_dns_sim::{Cluster, ClusterDns, Config, Outcome};
//!
//! let cluster = Cluster::from_yaml(
//!     "apiVersion: v1
//! kind: Service
//! metadata: {name: mysql-svc, namespace: default}
//! spec: {clusterIP: None, ports: [{port: 3306}]}
//! ---
//! apiVersion: v1
//! kind: Endpoints
//! metadata: {name: mysql-ep, namespace: default}
//! subsets: [{addresses: [{ip: 114.32.146.154}], ports: [{port: 3306}]}]
//! ",
//! )?;
//! let dns = ClusterDns::new(cluster, Config::default());
//! let explanation = dns.explain("mysql-svc.default.svc.cluster.local", RecordType::A)?;
//! assert_eq!(explanation.answer.outcome, Outcome::NxDomain);
//! let text = explanation.to_string();
//! assert!(text.contains("headless"), "{text}");
//! assert!(text.contains("rename Endpoints default/mysql-ep to mysql-svc"), "{text}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod endpoints;
mod kubernetes;
mod near;
mod reader;
mod render;
mod reverse;
mod rules;
mod walk;

use std::net::IpAddr;

use hickory_proto::op::Message;
use hickory_proto::rr::{Name, RecordType};

use crate::answer::{Answer, Outcome};
use crate::chain::trace::{Event, Trace};
use crate::chain::{DEFAULT_CLIENT, Request};
use crate::error::{InvalidNameError, Location};
use crate::model::ObjectRef;
use crate::qname;
use crate::server::ClusterDns;
use crate::wire::Transport;

pub use rules::Rule;
pub use walk::{WalkExplanation, WalkStep};

/// A question, its answer, and why.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Explanation {
    /// The question name, as asked.
    pub name: Name,
    /// The question type.
    pub qtype: RecordType,
    /// The answer, exactly as [`ClusterDns::answer`] gives it.
    pub answer: Answer,
    /// What happened, in order.
    pub steps: Vec<Step>,
    /// What would have answered with a small change, and the change.
    pub near_misses: Vec<NearMiss>,
    /// Where the explanation's own reading of the cluster disagrees with what the plugin
    /// answered: a bug in the explanation, reported rather than hidden. Empty in every test.
    pub disagreements: Vec<String>,
}

/// One step: a rule applied, the objects it looked at, and what it decided.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Step {
    /// How deep the question of this step is: 0 for the client's, 1 for a question the
    /// server asked itself on its behalf (a CNAME target, an `autopath` candidate's plugins).
    pub depth: usize,
    /// The rule of `docs/coredns-rules.md` applied, when one is.
    pub rule: Option<Rule>,
    /// The objects looked at, with where each was read.
    pub objects: Vec<ObjectAt>,
    /// What was decided, in words.
    pub decision: String,
    /// Endpoint addresses left out of the answer, and why.
    pub left_out: Vec<LeftOut>,
}

/// An object, and where it was read from (unknown for objects the simulator made: mirrored
/// slices carry their Endpoints' place, workload Pods their workload's).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObjectAt {
    /// The object.
    pub object: ObjectRef,
    /// Where it was read.
    pub location: Location,
}

/// An endpoint address that did not make it into the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeftOut {
    /// The EndpointSlice it is in (a mirrored one is named after its Endpoints).
    pub slice: ObjectRef,
    /// The address.
    pub address: IpAddr,
    /// Why.
    pub reason: LeftOutReason,
}

/// Why an endpoint address is not in an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeftOutReason {
    /// `conditions.ready` is false (rule 13): CoreDNS reads no other condition.
    NotReady {
        /// Whether it is also terminating (a Pod being deleted).
        terminating: bool,
    },
    /// The question asks for the other address family.
    OtherFamily,
    /// Its name is not the endpoint label the question asks for.
    OtherName {
        /// The name it answers to.
        name: String,
    },
    /// None of its slice's ports matches the `_port._proto` asked for.
    PortMismatch,
    /// It is not in the topology zone a zonal name asks for.
    OtherZone {
        /// Its zone, if it has one.
        zone: Option<String>,
    },
    /// The plugin's `noendpoints` option hides every endpoint.
    NoEndpointsOption,
    /// In a multicluster zone, it belongs to another cluster than the name asks for.
    OtherCluster {
        /// Its cluster id.
        cluster: String,
    },
}

/// Something that would have answered with a small change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NearMiss {
    /// What is close to the question.
    pub what: String,
    /// The objects concerned.
    pub objects: Vec<ObjectAt>,
    /// The change that would make the name resolve.
    pub fix: String,
}

impl ClusterDns {
    /// Answers `name`/`qtype` as [`ClusterDns::lookup`] does, and says why.
    ///
    /// # Errors
    /// [`InvalidNameError`] when `name` is not a valid domain name.
    pub fn explain(&self, name: &str, qtype: RecordType) -> Result<Explanation, InvalidNameError> {
        Ok(self.explain_name(&qname::absolute(name)?, qtype))
    }

    /// [`ClusterDns::explain`] for an absolute name.
    pub fn explain_name(&self, name: &Name, qtype: RecordType) -> Explanation {
        let request = Request::new(name.clone(), qtype, Transport::Udp, DEFAULT_CLIENT);
        self.explain_request(&request)
    }

    /// Explains the question of a request message, as [`ClusterDns::handle`] would answer it
    /// (the question's class aside), received over UDP: [`ClusterDns::explain_exchange`] with
    /// [`Transport::Udp`].
    pub fn explain_message(&self, request: &Message) -> Option<Explanation> {
        self.explain_exchange(request, Transport::Udp)
    }

    /// Explains the question of a request message received over `transport`: the answer's
    /// steps, and, when the reply does not fit (over UDP, the client's EDNS size or 512 bytes),
    /// a last step saying how many records it carries and that TC tells the client to ask
    /// again over TCP (rule 34). `None` when no plugin would see the message: a response (QR
    /// set, which gets no reply, rule 28), or a message without exactly one question (FORMERR
    /// before any plugin, rule 29).
    ///
    /// ```
    /// use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
    /// use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
    /// use k8s_dns_sim::{ClusterDns, Transport};
    ///
    /// // A headless Service with 40 ready endpoints: more A records than 512 bytes hold.
    /// let addresses: Vec<String> = (1..=40).map(|i| format!("{{ip: 10.1.0.{i}}}")).collect();
    /// let dns = ClusterDns::from_yaml(&format!(
    ///     "apiVersion: v1
    /// kind: Service
    /// metadata: {{name: db, namespace: default}}
    /// spec: {{clusterIP: None, ports: [{{port: 5432}}]}}
    /// ---
    /// apiVersion: v1
    /// kind: Endpoints
    /// metadata: {{name: db, namespace: default}}
    /// subsets: [{{addresses: [{}], ports: [{{port: 5432}}]}}]
    /// ",
    ///     addresses.join(", ")
    /// ))?;
    /// let mut request = Message::new(7, MessageType::Query, OpCode::Query);
    /// request.add_query(Query::query(
    ///     Name::from_ascii("db.default.svc.cluster.local.")?,
    ///     RecordType::A,
    /// ));
    /// let udp = dns.explain_exchange(&request, Transport::Udp).expect("a query");
    /// assert!(udp.to_string().contains("29 of its 40 answer records"), "{udp}");
    /// let tcp = dns.explain_exchange(&request, Transport::Tcp).expect("a query");
    /// assert!(!tcp.to_string().contains("answer records"), "{tcp}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain_exchange(&self, request: &Message, transport: Transport) -> Option<Explanation> {
        if request.metadata.message_type == hickory_proto::op::MessageType::Response {
            return None;
        }
        let [query] = request.queries.as_slice() else {
            return None;
        };
        let query_request = Request::new(
            query.name().clone(),
            query.query_type(),
            transport,
            DEFAULT_CLIENT,
        )
        .with_id(request.metadata.id);
        let mut explanation = self.explain_request(&query_request);
        if let Some(step) = self.truncation_step(request, transport, &explanation.answer) {
            explanation.steps.push(step);
        }
        Some(explanation)
    }

    /// Rule 34's step when `request`'s reply over `transport` is cut to fit: what the limit is,
    /// how many of the answer's records it carries, and what TC asks of the client.
    fn truncation_step(
        &self,
        request: &Message,
        transport: Transport,
        answer: &crate::Answer,
    ) -> Option<Step> {
        let bytes = request.to_vec().ok()?;
        let reply = Message::from_vec(&self.handle_bytes(&bytes, transport)).ok()?;
        if !reply.truncation {
            return None;
        }
        let limit = match (transport, &request.edns) {
            (Transport::Tcp, _) => "65535 bytes, the most a TCP message holds".to_owned(),
            (Transport::Udp, Some(edns)) => format!(
                "{} bytes, the client's EDNS size",
                edns.max_payload().max(512)
            ),
            (Transport::Udp, None) => "512 bytes, as the client sent no EDNS".to_owned(),
        };
        let retry = match transport {
            Transport::Udp => "TC (truncated) is set, so the client asks again over TCP",
            Transport::Tcp => "TC (truncated) is set; no transport carries more",
        };
        let sent = reply.answers.len() + reply.authorities.len() + reply.additionals.len();
        let whole = answer.answers.len() + answer.authorities.len() + answer.additionals.len();
        let others = if sent - reply.answers.len() == whole - answer.answers.len() {
            String::new()
        } else {
            format!(" ({sent} of its {whole} records in all sections)")
        };
        Some(Step::new(
            0,
            Some(34),
            format!(
                "the reply over {transport} must fit {limit}: it carries {} of its {} answer records{others}; {retry}",
                reply.answers.len(),
                answer.answers.len(),
            ),
        ))
    }

    fn explain_request(&self, request: &Request) -> Explanation {
        let trace = Trace::default();
        let answer = self.answer_traced(request, Some(&trace));
        let mut explanation = Explanation {
            name: request.name.clone(),
            qtype: request.qtype,
            answer,
            steps: Vec::new(),
            near_misses: Vec::new(),
            disagreements: Vec::new(),
        };
        for note in trace.into_notes() {
            let depth = usize::from(note.depth);
            explain_event(self, note.event, depth, &mut explanation);
        }
        explanation.steps.push(Step::new(
            0,
            Some(1),
            outcome_words(&explanation.answer, request.qtype),
        ));
        explanation
    }
}

impl Explanation {
    /// The reason in one line, as `dig` prints it under a negative answer: the step that
    /// decided (the last before the closing one), and the first near miss's fix.
    ///
    /// ```
    /// use k8s_dns_sim::hickory_proto::rr::RecordType;
    /// use k8s_dns_sim::{ClusterDns, Config, Cluster};
    ///
    /// let dns = ClusterDns::new(Cluster::default(), Config::default());
    /// let explanation = dns.explain("web.default.svc.cluster.local", RecordType::A)?;
    /// assert_eq!(explanation.summary(), "there is no Service \"web\" in namespace \"default\"");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn summary(&self) -> String {
        let deciding = self
            .steps
            .iter()
            .rev()
            .nth(1)
            .or(self.steps.last())
            .map_or("", |step| step.decision.as_str());
        match self.near_misses.first() {
            Some(miss) => format!("{deciding}; {}", miss.fix),
            None => deciding.to_owned(),
        }
    }
}

/// The steps of one recorded event.
fn explain_event(dns: &ClusterDns, event: Event, depth: usize, out: &mut Explanation) {
    let step = |rule, decision: String| Step::new(depth, rule, decision);
    match event {
        Event::Question { name, qtype } => {
            if depth > 0 {
                out.steps.push(step(
                    Some(40),
                    format!("the server is asked {name} {qtype} on the question's behalf"),
                ));
            }
        }
        Event::Transfer { zone } => out.steps.push(step(
            Some(36),
            format!("a zone transfer of {zone}, which the transfer plugin allows: the whole zone"),
        )),
        Event::NoBlock { zones } => {
            let plugin_has_reverse = dns
                .config()
                .servers
                .iter()
                .filter_map(|block| block.kubernetes())
                .any(|kubernetes| kubernetes.zones.iter().any(crate::answer::is_reverse_zone));
            reverse_near_miss(&out.name.clone(), plugin_has_reverse, out);
            let config = dns.config();
            let decision = if zones.is_empty() {
                let mut ports: Vec<String> = config
                    .servers
                    .iter()
                    .flat_map(|block| &block.keys)
                    .map(|key| format!("{}:{}", key.zone, key.port))
                    .collect();
                ports.dedup();
                format!(
                    "no server block listens on port {} (the Corefile's blocks: {}), so the server refuses the name; Config::with_port picks the blocks that answer",
                    config.port,
                    if ports.is_empty() { "none".to_owned() } else { ports.join(", ") }
                )
            } else {
                format!(
                    "no server block's zone contains the name (the blocks serve {}), so the server refuses it",
                    list_names(&zones)
                )
            };
            out.steps.push(step(Some(39), decision));
        }
        Event::Block { zone, plugins } => out.steps.push(step(
            Some(39),
            format!(
                "the server block of zone {zone} answers (the longest zone containing the name); its plugins in CoreDNS's order: {}",
                plugins.join(", ")
            ),
        )),
        Event::EmptyBlock => out.steps.push(step(
            Some(39),
            "the block has no plugins, so the server refuses".to_owned(),
        )),
        Event::Plugin { name, answered } => {
            if let Some(text) = plugin_words(&name, answered) {
                out.steps.push(step(plugin_rule(&name), text));
            }
        }
        Event::Rewritten { before, after } => out.steps.push(step(
            plugin_rule("rewrite"),
            format!("rewrite rewrites the question {before} to {after}: the plugins after it are asked that, and the reply's names are put back on the way out"),
        )),
        Event::Kubernetes {
            config,
            zones,
            name,
            qtype,
            answered,
        } => kubernetes::explain(
            &reader::Asked {
                cluster: dns.cluster(),
                config: &config,
                zones: &zones,
                name: &name,
                qtype,
                answered,
                depth,
                chain: &[],
            },
            out,
        ),
        Event::EndOfChain => out.steps.push(step(
            Some(40),
            "the last plugin passed the question on, so the server answers SERVFAIL".to_owned(),
        )),
        Event::TooDeep => out.steps.push(step(
            Some(40),
            "the server was asked again too many times for one question (a CNAME loop?): SERVFAIL"
                .to_owned(),
        )),
    }
}

/// For a reverse name no zone serves: the reverse zones kubeadm's Corefile has.
pub(crate) fn reverse_near_miss(name: &Name, plugin_has_reverse: bool, out: &mut Explanation) {
    let reverse = name.num_labels() >= 2 && {
        let lower = name.to_lowercase().to_string();
        lower.ends_with(".in-addr.arpa.") || lower.ends_with(".ip6.arpa.")
    };
    if !reverse {
        return;
    }
    let miss = if plugin_has_reverse {
        NearMiss {
            what: "a reverse name: the kubernetes plugin has reverse zones, but no server block's keys include them".to_owned(),
            objects: Vec::new(),
            fix: "serve the reverse zones from the block too: add in-addr.arpa and ip6.arpa to its keys (`cluster.local in-addr.arpa ip6.arpa {`), or make it the root block `.:53`, as kubeadm's default Corefile does".to_owned(),
        }
    } else {
        NearMiss {
            what: "a reverse name, and the configuration serves no reverse zone for it".to_owned(),
            objects: Vec::new(),
            fix: "add the reverse zones to the kubernetes plugin, as kubeadm's default Corefile does: `kubernetes cluster.local in-addr.arpa ip6.arpa`".to_owned(),
        }
    };
    if !out.near_misses.contains(&miss) {
        out.near_misses.push(miss);
    }
}

/// The rule of a plugin other than `kubernetes`.
fn plugin_rule(name: &str) -> Option<u16> {
    match name {
        "hosts" => Some(41),
        "file" => Some(55),
        "whoami" => Some(43),
        "acl" => Some(44),
        "loadbalance" => Some(45),
        "chaos" => Some(46),
        "autopath" => Some(47),
        "template" => Some(48),
        "forward" => Some(40),
        "rewrite" => Some(51),
        _ => None,
    }
}

/// What a plugin other than `kubernetes` did, when it did something worth a step (plugins
/// that only pass questions on, as `errors` or `cache`, are left out).
fn plugin_words(name: &str, answered: Option<Outcome>) -> Option<String> {
    let outcome = match answered {
        Some(outcome) => outcome_name(outcome),
        None => {
            return match name {
                "hosts" => Some("hosts has no entry for the name, so it passes the question on".to_owned()),
                "file" => Some("file does not answer the name (outside its zones, or a name error its fallthrough covers), so it passes the question on".to_owned()),
                "autopath" => Some("autopath does not apply (not a search-path name of a known Pod), so it passes the question on".to_owned()),
                "forward" => Some("forward does not handle this name, so it passes the question on".to_owned()),
                "loadbalance" => Some("loadbalance shuffles the order of the address records on the way back".to_owned()),
                "acl" => Some("acl lets the question through".to_owned()),
                "template" => Some("no template answers the name (another zone, class or type, or no regex matches within fallthrough), so template passes the question on".to_owned()),
                "rewrite" => Some("rewrite hands the question to the plugins after it".to_owned()),
                _ => None,
            };
        }
    };
    Some(match name {
        "hosts" => format!("hosts answers from its entries: {outcome}"),
        "file" if answered == Some(Outcome::Refused) => {
            format!(
                "file refuses the question (a name outside its zones with no plugin after it, or a zone transfer): {outcome}"
            )
        }
        "file" => format!("file answers from its zone file, authoritative for the zone: {outcome}"),
        "forward" => format!(
            "forward sends the question to the upstream resolver: {outcome} (the simulated upstream holds only the records it is given, Config::upstream; none by default)"
        ),
        "autopath" => format!(
            "autopath tries the client Pod's search path on the server side and answers: {outcome}"
        ),
        "acl" => format!("acl blocks the question: {outcome}"),
        "template" => format!("a template matches the name and answers: {outcome}"),
        "rewrite" => format!("rewrite makes of the name one that is not a domain name: {outcome}"),
        other => format!("{other} answers: {outcome}"),
    })
}

fn outcome_name(outcome: Outcome) -> String {
    match outcome {
        Outcome::Success => "NOERROR with records".to_owned(),
        Outcome::NoData => "NOERROR without records (NODATA)".to_owned(),
        Outcome::NxDomain => "NXDOMAIN".to_owned(),
        Outcome::Refused => "REFUSED".to_owned(),
        Outcome::ServFail => "SERVFAIL".to_owned(),
        Outcome::NoReply => "no reply at all".to_owned(),
        Outcome::Other(code) => format!("{code}"),
    }
}

/// The closing step: what the outcome means.
fn outcome_words(answer: &Answer, qtype: RecordType) -> String {
    let soa = if answer.authorities.is_empty() {
        ""
    } else {
        ", with the zone's SOA in the authority section (rule 2)"
    };
    match answer.outcome {
        Outcome::Success => format!(
            "answer: NOERROR with {} record{}",
            answer.answers.len(),
            if answer.answers.len() == 1 { "" } else { "s" }
        ),
        Outcome::NoData => {
            format!(
                "answer: NOERROR with no records (NODATA): the name exists but has no {qtype} records{soa}"
            )
        }
        Outcome::NxDomain => format!("answer: NXDOMAIN: the name does not exist{soa}"),
        Outcome::Refused => "answer: REFUSED".to_owned(),
        Outcome::ServFail => "answer: SERVFAIL".to_owned(),
        Outcome::NoReply => "answer: none (the query is dropped)".to_owned(),
        Outcome::Other(code) => format!("answer: {code}"),
    }
}

fn list_names(names: &[Name]) -> String {
    if names.is_empty() {
        return "no zone".to_owned();
    }
    names
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Step {
    fn new(depth: usize, rule: Option<u16>, decision: String) -> Step {
        debug_assert!(
            rule.is_none_or(|number| Rule::numbered(number).is_some()),
            "rule {rule:?} is not in docs/coredns-rules.md"
        );
        Step {
            depth,
            rule: rule.and_then(Rule::numbered),
            objects: Vec::new(),
            decision,
            left_out: Vec::new(),
        }
    }
}

impl ObjectAt {
    pub(crate) fn new(object: ObjectRef, location: Location) -> ObjectAt {
        ObjectAt { object, location }
    }
}
