//! The rules: given a cluster, a configuration and a question, what CoreDNS's `kubernetes`
//! plugin answers.
//!
//! The work happens in three steps, as in the plugin:
//!
//! 1. **Zone**: the longest configured zone that contains the name; none means REFUSED
//!    (CoreDNS passes the question on, and with no other plugin that is a refusal).
//! 2. **Lookup** (`lookup`): what the name refers to in the cluster, independent of the
//!    question type. A *name error* (unknown Service or namespace, a name that is not
//!    service-shaped) becomes NXDOMAIN; a name that exists but holds nothing (the zone apex,
//!    `svc.<zone>`, `<ns>.svc.<zone>`) is an empty success.
//! 3. **Records**: the lookup filtered by question type. An empty result for a name that exists
//!    is NODATA. Both negative answers carry the zone's SOA in the authority section.
//!
//! The files follow the rule families, as CoreDNS splits `handler.go`, `kubernetes.go`,
//! `backend_lookup.go`, `reverse.go` and `ns.go`: this one holds the per-type dispatch
//! (`ServeDNS`) and the outcome; `question` the zone a question is in; `lookup` what a name
//! refers to (`Records`, `findServices`, `findPods`); `address` A, AAAA and CNAME; `srv`
//! SRV; `reverse` PTR; `apex` the zone's own records (SOA, NS, `ns.dns`, `dns-version`);
//! `names` the names the rules build.
//!
//! The rules and their CoreDNS sources are listed in `docs/coredns-rules.md`; the tests in
//! `tests/` name the rule each case checks.

mod address;
mod apex;
mod lookup;
pub(crate) mod names;
mod question;
mod reverse;
mod srv;
mod views;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, Record, RecordType};

pub(crate) use lookup::port_matches;
pub(crate) use question::Zone;
pub(crate) use reverse::is_reverse_zone;
pub(crate) use srv::srv_weight;
pub use views::{SrvTarget, rcode_mnemonic};

use crate::cluster::Cluster;
use crate::config::KubernetesConfig;
use crate::qname::{self, Grammar, Labels, QueryName};
use crate::upstream::UpstreamAnswer;
use lookup::{Found, Items};
use question::Question;

/// The schema version `dns-version.<zone>` answers (Kubernetes DNS specification 1.1.0).
pub const DNS_SCHEMA_VERSION: &str = "1.1.0";
/// The TTL of the `dns-version` TXT record.
pub const DNS_VERSION_TTL: u32 = 28800;
/// CoreDNS follows CNAME chains inside its zones at most this deep.
const MAX_CNAME_CHAIN: usize = 10;

/// What a question got: an outcome and the records of each section.
///
/// This is the typed result tests use without touching bytes; [`crate::ClusterDns::handle`]
/// turns it into a DNS message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Answer {
    /// NOERROR with data, NODATA, NXDOMAIN, REFUSED, SERVFAIL, another response code, or no
    /// reply at all.
    pub outcome: Outcome,
    /// The answer section.
    pub answers: Vec<Record>,
    /// The authority section: the zone's SOA for negative answers.
    pub authorities: Vec<Record>,
    /// The additional section.
    pub additionals: Vec<Record>,
    /// Whether the AA bit is set: on every answer of a plugin that holds the zone
    /// (`kubernetes`, `hosts`, `file`, `template`, …); not on one `forward` brought from the
    /// [`Upstream`](crate::Upstream), nor on an error the server writes (REFUSED, SERVFAIL).
    pub authoritative: bool,
    /// Whether the RA bit is set: on a reply `forward` brought from the upstream, as a
    /// recursive resolver sets it.
    pub recursion_available: bool,
    /// Whether the TC bit is set by the answering plugin (a truncated upstream reply; the
    /// server also sets it when a UDP reply does not fit).
    pub truncated: bool,
    /// A zone transfer's records: sent over TCP in as many messages as `transfer` splits them
    /// into.
    pub(crate) transfer: bool,
    /// The Extended DNS Error (RFC 8914) info code the answering plugin attaches in an OPT
    /// record of its own (`acl`: 15 Blocked, 17 Filtered).
    pub(crate) extended_error: Option<u16>,
}

/// The kind of answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// NOERROR with records in the answer section.
    Success,
    /// NOERROR with no answer: the name exists, but has no records of this type.
    NoData,
    /// NXDOMAIN: the name does not exist.
    NxDomain,
    /// REFUSED: no server block covers the name, or a plugin refused it (a zone transfer
    /// that is not allowed, `acl`, a class other than IN).
    Refused,
    /// SERVFAIL: the last plugin of the block passed the query on (no plugin answers it), or
    /// the upstream could not be reached.
    ServFail,
    /// No reply at all: `acl` dropped the query.
    NoReply,
    /// Another response code, as a `template` may answer (`FORMERR`, `NOTIMP`, …).
    Other(ResponseCode),
}

impl Outcome {
    /// The response code this outcome is sent with (NOERROR for [`Outcome::NoReply`], which is
    /// never sent).
    pub fn response_code(self) -> ResponseCode {
        match self {
            Outcome::Success | Outcome::NoData | Outcome::NoReply => ResponseCode::NoError,
            Outcome::NxDomain => ResponseCode::NXDomain,
            Outcome::Refused => ResponseCode::Refused,
            Outcome::ServFail => ResponseCode::ServFail,
            Outcome::Other(code) => code,
        }
    }

    /// The outcome of a reply with this response code, and records in its answer section or
    /// not.
    pub(crate) fn of(code: ResponseCode, has_answers: bool) -> Outcome {
        match code {
            ResponseCode::NoError if has_answers => Outcome::Success,
            ResponseCode::NoError => Outcome::NoData,
            ResponseCode::NXDomain => Outcome::NxDomain,
            ResponseCode::Refused => Outcome::Refused,
            ResponseCode::ServFail => Outcome::ServFail,
            other => Outcome::Other(other),
        }
    }
}

impl Answer {
    /// The response code.
    pub fn response_code(&self) -> ResponseCode {
        self.outcome.response_code()
    }

    /// Whether the AA bit is set (see [`Answer::authoritative`]).
    pub fn is_authoritative(&self) -> bool {
        self.authoritative
    }

    /// Each answer record in zone-file text (`name ttl IN type data`), in order.
    pub fn answer_lines(&self) -> Vec<String> {
        self.answers.iter().map(ToString::to_string).collect()
    }

    /// An empty, not authoritative reply with this outcome.
    pub(crate) fn empty(outcome: Outcome) -> Answer {
        Answer {
            outcome,
            answers: Vec::new(),
            authorities: Vec::new(),
            additionals: Vec::new(),
            authoritative: false,
            recursion_available: false,
            truncated: false,
            transfer: false,
            extended_error: None,
        }
    }

    /// A reply with this outcome and records, authoritative or not.
    pub(crate) fn new(
        outcome: Outcome,
        answers: Vec<Record>,
        authorities: Vec<Record>,
        additionals: Vec<Record>,
        authoritative: bool,
    ) -> Answer {
        Answer {
            outcome,
            answers,
            authorities,
            additionals,
            authoritative,
            ..Answer::empty(outcome)
        }
    }

    /// A positive, authoritative answer.
    pub(crate) fn success(answers: Vec<Record>) -> Answer {
        Answer {
            outcome: Outcome::Success,
            answers,
            authoritative: true,
            ..Answer::empty(Outcome::Success)
        }
    }

    /// What the upstream says, as a recursive resolver answers it: no SOA, not authoritative,
    /// RA set; SERVFAIL when it could not be reached.
    pub(crate) fn from_upstream(answer: UpstreamAnswer) -> Answer {
        if answer.unreachable {
            return Answer::empty(Outcome::ServFail);
        }
        let outcome = match (answer.records.is_empty(), answer.name_exists) {
            (false, _) => Outcome::Success,
            (true, true) => Outcome::NoData,
            (true, false) => Outcome::NxDomain,
        };
        Answer {
            outcome,
            answers: answer.records,
            recursion_available: true,
            ..Answer::empty(outcome)
        }
    }

    /// Recomputes the outcome after the answer section changed (NOERROR with or without
    /// records).
    pub(crate) fn refresh_outcome(&mut self) {
        if matches!(self.outcome, Outcome::Success | Outcome::NoData) {
            self.outcome = Outcome::of(ResponseCode::NoError, !self.answers.is_empty());
        }
    }
}

/// What the kubernetes plugin does with a question.
pub(crate) enum Served {
    /// It answers.
    Answer(Answer),
    /// It passes the question to the next plugin: outside its zones, or a name error in a
    /// `fallthrough` zone.
    Next,
    /// It returns REFUSED without writing a reply (AXFR and IXFR): the server writes one.
    Refused,
}

/// Asks the whole server again (CoreDNS's `upstream.Lookup`): the reply, or `None` when none
/// was written.
pub(crate) type Resolve<'a> = &'a dyn Fn(&Name, RecordType) -> Option<Answer>;

/// Everything an answer is computed from.
pub(crate) struct Context<'a> {
    pub(crate) cluster: &'a Cluster,
    pub(crate) config: &'a KubernetesConfig,
    pub(crate) zones: &'a [Zone],
    pub(crate) serial: u32,
    /// The whole server, for targets outside the question's zone; `None` where nothing is
    /// asked of it (zone listings).
    pub(crate) resolve: Option<Resolve<'a>>,
}

impl Context<'_> {
    /// Answers `qname`/`qtype`, as the plugin's `ServeDNS` does.
    pub(crate) fn serve(&self, qname: &Name, qtype: RecordType) -> Served {
        let labels = Labels::new(qname);
        let Some(zone) = self.matching_zone(&labels) else {
            return Served::Next;
        };
        let question = Question {
            zone,
            name: qname,
            labels: &labels,
            zone_labels: zone.labels.len(),
            multicluster: zone.multicluster,
        };
        let outcome = self.lookup_typed(&question, qtype, 0);
        let mut answer = Answer::success(Vec::new());
        match outcome {
            Typed::Refused => return Served::Refused,
            // `fallthrough`: the name error goes on to the next plugin.
            Typed::NameError if self.config.falls_through(qname) => return Served::Next,
            Typed::NameError => answer.outcome = Outcome::NxDomain,
            Typed::Records(records, extra, truncated) if records.is_empty() => {
                answer.outcome = Outcome::NoData;
                answer.additionals = extra;
                answer.truncated = truncated;
            }
            Typed::Records(records, extra, truncated) => {
                answer.answers = records;
                answer.additionals = extra;
                answer.truncated = truncated;
            }
        }
        if answer.outcome != Outcome::Success {
            answer.authorities.push(self.soa_record(&question));
        }
        Served::Answer(answer)
    }

    /// The longest zone containing the name.
    pub(crate) fn matching_zone(&self, labels: &Labels) -> Option<&Zone> {
        self.zones
            .iter()
            .filter(|zone| labels.ends_with(&zone.labels))
            .max_by_key(|zone| zone.labels.len())
    }

    /// The name grammar of the question's zone.
    fn grammar(&self, question: &Question<'_>) -> Grammar {
        Grammar {
            zonal: self.config.zonal,
            multicluster: question.multicluster,
        }
    }

    /// The per-type dispatch of CoreDNS's `ServeDNS`.
    fn lookup_typed(&self, question: &Question<'_>, qtype: RecordType, depth: usize) -> Typed {
        let parsed = qname::parse(
            question.labels,
            question.zone_labels,
            self.grammar(question),
        );
        let at_apex = parsed == QueryName::Apex;
        match qtype {
            // The plugin refuses transfers: the server answers those it serves (the `transfer`
            // plugin, at a zone apex) before they reach the plugin (see `crate::server`).
            RecordType::AXFR | RecordType::IXFR => Typed::Refused,
            RecordType::SOA if at_apex => Typed::one(self.soa_record(question)),
            RecordType::SOA => Typed::empty(),
            // CoreDNS compares the lower-cased name with the zone as spelled: a mixed-case apex
            // falls through to the hidden A lookup (NODATA).
            RecordType::NS if at_apex && question.zone_is_lowercase() => self.apex_ns(question),
            RecordType::TXT => self.txt(question, parsed),
            RecordType::SRV => self.srv(question, parsed),
            RecordType::PTR => self.ptr(question, parsed),
            RecordType::A | RecordType::AAAA => {
                self.address_records(question, parsed, qtype, depth)
            }
            RecordType::CNAME => match self.find(question, parsed) {
                Found::NameError => Typed::NameError,
                // No loop check here: CoreDNS's CNAME answer returns even `x CNAME x`.
                Found::Items(Items::ExternalName(target)) => {
                    match self.cname_record(question, target, false) {
                        Some(record) => Typed::one(record),
                        None => Typed::empty(),
                    }
                }
                Found::Nothing | Found::Items(_) => Typed::empty(),
            },
            // Every other type: CoreDNS runs an A lookup only to tell NXDOMAIN from NODATA.
            _ => match self.find(question, parsed) {
                Found::NameError => Typed::NameError,
                _ => Typed::empty(),
            },
        }
    }
}

/// The result of a typed lookup.
enum Typed {
    Refused,
    NameError,
    /// Answer records (empty: NODATA), additional records, and whether an upstream reply
    /// folded in was truncated.
    Records(Vec<Record>, Vec<Record>, bool),
}

impl Typed {
    fn empty() -> Typed {
        Typed::Records(Vec::new(), Vec::new(), false)
    }

    fn one(record: Record) -> Typed {
        Typed::Records(vec![record], Vec::new(), false)
    }

    fn records(records: Vec<Record>, extra: Vec<Record>) -> Typed {
        Typed::Records(records, extra, false)
    }
}
