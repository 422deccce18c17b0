//! The pod side of the why: a stub resolver's walk through the search list, each candidate
//! name with its queries, what the server answered and why, and why the library went on to the
//! next candidate or stopped.
//!
//! The walk itself is the [`Resolution`] the resolver module recorded (every query as sent,
//! every reply as received); this adds the reasons: the `ndots` rule that ordered the
//! candidates, each query's [`Explanation`] from the server, and the library's rule at each
//! step's end (glibc goes on after a name that exists without records, musl stops there: the
//! difference `docs/resolver-behaviour.md` describes).
//!
//! Each query is explained as asked from the default client address: with plugins that look
//! at the client (`autopath`, `acl`, `whoami`), the pod's own reply can differ, and the replies
//! listed are always the ones the pod got.

use std::fmt;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::RecordType;

use super::Explanation;
use crate::qname;
use crate::resolver::{Resolution, Source, StubResolver};
use crate::server::ClusterDns;

/// A stub resolver's walk, explained.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WalkExplanation {
    /// The library.
    pub library: StubResolver,
    /// The name the application gave.
    pub name: String,
    /// Why the candidates come in their order (the `ndots` rule), or why no query was sent.
    pub order: String,
    /// Each candidate name of the walk.
    pub steps: Vec<WalkStep>,
    /// What the application got.
    pub result: String,
}

/// One candidate name: its queries, each explained, and what the library did next.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WalkStep {
    /// The candidate name, absolute.
    pub name: String,
    /// Each query of the step, as the server answered and explained it (one per query type;
    /// resends and TCP retries of the same question share it).
    pub queries: Vec<(RecordType, Explanation)>,
    /// The replies the library got, in order (`A NXDOMAIN aa, 0 answers`, …).
    pub replies: Vec<String>,
    /// For each query type, the step of its explanation that decided the answer.
    pub why: Vec<(RecordType, String)>,
    /// Why the library went on to the next candidate, or stopped here.
    pub then: String,
}

impl ClusterDns {
    /// Explains a resolution this server answered (from [`ClusterDns::getaddrinfo`],
    /// [`ClusterDns::resolve`] and their kin): why the candidates came in that order, each
    /// query's answer and why, and why the walk went on or stopped at each step.
    ///
    /// ```
    /// use k8s_dns_sim::resolver::{Family, Kubelet, PodDns, StubResolver};
    /// use k8s_dns_sim::ClusterDns;
    ///
    /// let dns = ClusterDns::from_yaml("apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: default}
    /// spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
    /// ")?;
    /// let sandbox = Kubelet::default().sandbox(&PodDns::new("default", "client"))?;
    /// let resolution = dns.getaddrinfo(&sandbox, StubResolver::Glibc, Family::Inet, "web");
    /// let walk = dns.explain_resolution(&resolution);
    /// assert!(walk.order.contains("ndots"), "{walk}");
    /// assert!(walk.steps[0].then.contains("stops"), "{walk}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain_resolution(&self, resolution: &Resolution) -> WalkExplanation {
        let conf = &resolution.conf;
        let name = resolution.name.as_str();
        let dots = name.trim_end_matches('.').matches('.').count();
        let order = match resolution.source {
            Source::Literal => {
                "a numeric address: the library answers it without a query".to_owned()
            }
            Source::HostsFile => "found in the pod's /etc/hosts: no query is sent".to_owned(),
            Source::None => "the library refuses the name itself: no query is sent".to_owned(),
            Source::Dns if name.ends_with('.') => {
                "the name ends with a dot: it is asked as written, with no search list".to_owned()
            }
            Source::Dns if dots < usize::from(conf.ndots) => format!(
                "ndots {}: {name:?} has {dots} dot{}, fewer than {}, so the search list ({}) comes first, the name as written last",
                conf.ndots,
                if dots == 1 { "" } else { "s" },
                conf.ndots,
                conf.search.join(" ")
            ),
            Source::Dns => format!(
                "ndots {}: {name:?} has {dots} dots, at least {}, so it is asked as written first, then with the search list",
                conf.ndots, conf.ndots
            ),
        };
        let count = resolution.steps.len();
        let steps = resolution
            .steps
            .iter()
            .enumerate()
            .map(|(index, step)| {
                let mut queries: Vec<(RecordType, Explanation)> = Vec::new();
                let mut replies = Vec::new();
                let mut codes = Vec::new();
                for query in &step.queries {
                    if !queries.iter().any(|(qtype, _)| *qtype == query.qtype)
                        && let Ok(asked) = qname::absolute(&query.name)
                    {
                        queries.push((query.qtype, self.explain_name(&asked, query.qtype)));
                    }
                    match &query.reply {
                        Some(reply) => {
                            replies.push(format!("{} {reply}", query.qtype));
                            if reply.used {
                                codes.push((reply.rcode, !reply.answers().is_empty()));
                            }
                        }
                        None => replies.push(format!("{} no reply", query.qtype)),
                    }
                }
                let last = index + 1 == count;
                let why = queries
                    .iter()
                    .map(|(qtype, explanation)| (*qtype, deciding_step(explanation, &step.queries)))
                    .collect();
                WalkStep {
                    name: step.name.clone(),
                    queries,
                    replies,
                    why,
                    then: then_text(resolution.library, &codes, last, resolution.found()),
                }
            })
            .collect();
        let result = match &resolution.result {
            Ok(_) if resolution.found() => {
                let addresses = resolution.addresses();
                if addresses.is_empty() {
                    "the application gets the records of the last reply".to_owned()
                } else {
                    format!(
                        "the application gets {}",
                        addresses
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            }
            Ok(_) => "the application gets no result".to_owned(),
            Err(error) => format!("the application gets an error: {error}"),
        };
        WalkExplanation {
            library: resolution.library,
            name: resolution.name.clone(),
            order,
            steps,
            result,
        }
    }
}

/// The step of a query's explanation that decided its answer (the last before the closing
/// one); for a name outside every server block, which the resolver module answers as the
/// cluster's `forward` would, that.
fn deciding_step(explanation: &Explanation, queries: &[crate::resolver::Query]) -> String {
    let refused = explanation.answer.outcome == crate::answer::Outcome::Refused;
    let reply_refused = queries
        .iter()
        .filter(|query| query.qtype == explanation.qtype)
        .filter_map(|query| query.reply.as_ref())
        .all(|reply| reply.rcode == ResponseCode::Refused);
    if refused && !reply_refused {
        return "no server block of the cluster's Corefile holds the name, so it is answered as the cluster's forward would answer it: by the upstream resolver".to_owned();
    }
    explanation
        .steps
        .iter()
        .rev()
        .nth(1)
        .map_or_else(String::new, |step| step.decision.clone())
}

/// Why the walk went on after a step or stopped there, from the replies the library used.
fn then_text(
    library: StubResolver,
    codes: &[(ResponseCode, bool)],
    last: bool,
    found: bool,
) -> String {
    let answered = codes.iter().any(|&(_, records)| records);
    let nodata = codes
        .iter()
        .any(|&(code, records)| code == ResponseCode::NoError && !records);
    let all_nxdomain = !codes.is_empty()
        && codes
            .iter()
            .all(|&(code, _)| code == ResponseCode::NXDomain);
    if answered && (last || found) {
        return "the library stops: it has an answer".to_owned();
    }
    if last {
        return if codes.is_empty() {
            "the library stops: no reply it could use".to_owned()
        } else if nodata && library.is_musl() {
            "the library stops: the name exists without records of the types asked (NODATA), and musl ends the search at a name that exists, where glibc would go on".to_owned()
        } else if all_nxdomain {
            "the library stops: no candidate is left".to_owned()
        } else {
            "the library stops here".to_owned()
        };
    }
    if all_nxdomain {
        "NXDOMAIN: the library goes on to the next candidate".to_owned()
    } else if nodata {
        "the name exists but holds no records of the types asked (NODATA): this library goes on to the next candidate".to_owned()
    } else {
        "the library goes on to the next candidate".to_owned()
    }
}

impl fmt::Display for WalkExplanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            ";; {} resolving {:?}: {}",
            self.library, self.name, self.order
        )?;
        for (index, step) in self.steps.iter().enumerate() {
            writeln!(f, ";; {:>2}. {}", index + 1, step.name)?;
            for reply in &step.replies {
                writeln!(f, ";;       {reply}")?;
            }
            for (qtype, why) in &step.why {
                writeln!(f, ";;       why {qtype}: {why}")?;
            }
            writeln!(f, ";;       then: {}", step.then)?;
        }
        writeln!(f, ";; {}", self.result)
    }
}
