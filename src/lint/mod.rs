//! Findings about manifests (and a configuration) that load but do not do what they look like
//! they do: each with a severity, the objects and where they were read, what DNS does because
//! of it, and the fix.
//!
//! # Why
//!
//! A real cluster answers a mistake in silence: the API server accepts an Endpoints object named
//! `mysql-ep` next to a Service named `mysql-svc`, and from then on the Service's name answers
//! NXDOMAIN with nothing saying why. [`Cluster::diagnostics`] already notices what the simulator
//! meets while it links the objects; the lint turns each of those into a [`Finding`] a person
//! (or a CI job) can act on, and adds the checks that need more than linking: port names that
//! change the SRV names, Pods and StatefulSets whose governing Service is missing, names that a
//! namespace called like a top-level domain captures, replies too large for 512 bytes of UDP,
//! Corefile options the simulator does not simulate.
//!
//! Every finding says four things: what is wrong ([`Finding::problem`]), what DNS does because of
//! it ([`Finding::effect`]), the concrete change that fixes it ([`Finding::fix`]), and the
//! objects concerned with the document and line each came from ([`Finding::subjects`]). Its
//! [`Finding::code`] is a stable kebab-case name (the list is [`CODES`]; the repository's
//! `docs/lint.md` explains each), and its [`Severity`] is ordered so that a tool can filter by a
//! threshold: an [`Severity::Error`] is something that makes a name not resolve as the author
//! evidently meant.
//!
//! Two entry points:
//! - [`Cluster::lint`]: the findings the objects alone give, names written in the plugin's
//!   default zone `cluster.local`;
//! - [`ClusterDns::lint`]: those, written in the configuration's first zone, and the findings
//!   that need the configuration too (it asks its own server: the 512-byte count is the number
//!   of answers a real UDP reply carries, the ExternalName check looks the target up).
//!
//! Findings come sorted by where their first object was read (input, document, line), then by
//! code; [`render`] prints them one paragraph each, deterministically.
//!
//! ```
//! use k8s_dns_sim::lint::Severity;
//! use k8s_dns_sim::Cluster;
//!
//! let cluster = Cluster::from_yaml(&std::fs::read_to_string("fixtures/seed-mysql.yaml")?)?;
//! let findings = cluster.lint();
//! let unlinked = findings
//!     .iter()
//!     .find(|finding| finding.code == "endpoints-without-service")
//!     .expect("the seed's Endpoints name no Service");
//! assert_eq!(unlinked.severity, Severity::Error);
//! assert_eq!(unlinked.fix, "rename Endpoints default/mysql-ep to mysql-svc (metadata.name: mysql-svc)");
//! assert!(findings.iter().any(|finding| finding.severity >= Severity::Error));
//! println!("{}", k8s_dns_sim::lint::render(&findings));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod diagnostics;
mod dns;
mod rules;

use std::cmp::Ordering;
use std::fmt;

use crate::cluster::Cluster;
use crate::error::Location;
use crate::model::ObjectRef;
use crate::server::ClusterDns;

pub use rules::COMMON_TLDS;

/// The zone names are written in when no configuration says otherwise: the plugin's default.
const DEFAULT_ZONE: &str = "cluster.local";

/// How bad a [`Finding`] is. Ordered: `Info < Warning < Error`, so `severity >= threshold`
/// filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing resolves differently from what the manifests say.
    Info,
    /// Probably not what was meant, or a name that resolves only partly (some SRV names, some
    /// clients, some records).
    Warning,
    /// A name does not resolve as the author evidently meant (NXDOMAIN, no address, another
    /// object's address).
    Error,
}

impl Severity {
    /// The lower-case name: `info`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An object a [`Finding`] is about, with where it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Subject {
    /// The object; `None` for a place that is no object, such as a line of a Corefile.
    pub object: Option<ObjectRef>,
    /// Where it was read from (unknown for objects the simulator made, such as a workload's
    /// Pods, and for objects built in code).
    pub location: Location,
}

impl Subject {
    pub(crate) fn object(object: ObjectRef, location: &Location) -> Subject {
        Subject {
            object: Some(object),
            location: location.clone(),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.object, self.location.is_unknown()) {
            (Some(object), true) => write!(f, "{object}"),
            (Some(object), false) => write!(f, "{object} ({})", self.location),
            (None, _) => write!(f, "{}", self.location),
        }
    }
}

/// Something in the manifests (or the configuration) that changes DNS in a way its author
/// probably did not mean, with the fix.
///
/// The fields are public to read (a command-line tool prints and serialises them); findings
/// are made only by [`Cluster::lint`] and [`ClusterDns::lint`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// A stable kebab-case name of the check, one of [`CODES`] (`endpoints-without-service`).
    pub code: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// The objects concerned, the one the finding is about first.
    pub subjects: Vec<Subject>,
    /// What is wrong.
    pub problem: String,
    /// What DNS does because of it.
    pub effect: String,
    /// A concrete change that fixes it.
    pub fix: String,
}

impl Finding {
    /// Where the finding is, for sorting and for a one-line summary: its first subject's place.
    pub fn location(&self) -> Option<&Location> {
        self.subjects.first().map(|subject| &subject.location)
    }

    fn sort_key(&self) -> impl Ord + '_ {
        let location = self.location();
        (
            location.map(|l| l.origin.clone()),
            location.map(|l| (l.document, l.item, l.line)),
            self.subjects.first().map(|s| s.object.clone()),
        )
    }
}

impl fmt::Display for Finding {
    /// `severity[code]: subject`, then the problem, the effect in DNS, the fix and any further
    /// objects, one indented line each.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity, self.code)?;
        if let Some(first) = self.subjects.first() {
            write!(f, ": {first}")?;
        }
        writeln!(f)?;
        writeln!(f, "  problem: {}", self.problem)?;
        writeln!(f, "  in DNS:  {}", self.effect)?;
        write!(f, "  fix:     {}", self.fix)?;
        for other in self.subjects.iter().skip(1) {
            write!(f, "\n  see:     {other}")?;
        }
        Ok(())
    }
}

/// Every finding code, with the severity it has (a code whose severity depends on the case lists
/// the highest).
pub const CODES: &[(&str, Severity)] = &[
    ("cluster-ip-outside-default-cidr", Severity::Warning),
    ("clustersetip-import-without-ips", Severity::Error),
    ("clustersetip-import-without-ports", Severity::Error),
    ("corefile-not-simulated", Severity::Warning),
    ("duplicate-cluster-ip", Severity::Error),
    ("endpoints-beside-selector", Severity::Error),
    ("endpoints-leader-election", Severity::Info),
    ("endpoints-over-1000-addresses", Severity::Warning),
    ("endpoints-skip-mirror", Severity::Warning),
    ("endpoints-without-service", Severity::Error),
    ("endpointslice-fqdn", Severity::Warning),
    ("endpointslice-without-service", Severity::Error),
    ("endpointslice-without-service-label", Severity::Error),
    ("endpointslices-disagree-with-pods", Severity::Warning),
    ("external-name-into-zone-at-nothing", Severity::Error),
    ("external-name-is-ip", Severity::Error),
    ("headless-import-without-ready-endpoints", Severity::Error),
    ("headless-only-not-ready-endpoints", Severity::Error),
    ("headless-without-endpoints", Severity::Error),
    ("host-network-pod-without-node-address", Severity::Warning),
    ("load-balancer-ip-none", Severity::Error),
    ("multicluster-slice-without-import", Severity::Error),
    (
        "multicluster-slice-without-source-cluster",
        Severity::Warning,
    ),
    ("namespace-like-tld", Severity::Warning),
    ("ndots-search-walk", Severity::Info),
    ("pod-on-missing-node", Severity::Warning),
    ("pod-subdomain-service-not-headless", Severity::Warning),
    ("pod-subdomain-without-hostname", Severity::Warning),
    ("pod-subdomain-without-service", Severity::Error),
    ("srv-port-name-mismatch", Severity::Warning),
    ("statefulset-pods-refused", Severity::Error),
    ("statefulset-service-not-headless", Severity::Warning),
    ("statefulset-without-service", Severity::Error),
    ("tolerate-unready-endpoints-annotation", Severity::Warning),
    ("udp-answer-truncated", Severity::Warning),
    ("unnamed-endpoint-port", Severity::Warning),
];

/// The findings one paragraph each, separated by blank lines (empty for none).
pub fn render(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n\n")
}

impl Cluster {
    /// The findings the objects alone give (every [`Cluster::diagnostics`] entry among them),
    /// sorted by place then code; DNS names in them are written in the zone `cluster.local`.
    /// [`ClusterDns::lint`] adds those that need the configuration. See [`crate::lint`].
    pub fn lint(&self) -> Vec<Finding> {
        sorted(lint_cluster(self, DEFAULT_ZONE))
    }
}

impl ClusterDns {
    /// Every finding: those of [`Cluster::lint`] (names written in the configuration's first
    /// zone), and those that need the configuration: Corefile options that are not simulated,
    /// headless names whose UDP reply without EDNS is truncated (measured by asking this
    /// server), ExternalNames pointing into the zone at nothing, and the search-list cost of
    /// names the manifests reference. Sorted by place then code. See [`crate::lint`].
    pub fn lint(&self) -> Vec<Finding> {
        let zone = self
            .config()
            .kubernetes()
            .and_then(|kubernetes| kubernetes.zones.first())
            .map(|zone| zone.to_ascii().trim_end_matches('.').to_owned())
            .unwrap_or_else(|| DEFAULT_ZONE.to_owned());
        let mut findings = lint_cluster(self.cluster(), &zone);
        findings.extend(dns::lint(self, &zone));
        sorted(findings)
    }
}

fn lint_cluster(cluster: &Cluster, zone: &str) -> Vec<Finding> {
    let mut findings = diagnostics::findings(cluster, zone);
    findings.extend(rules::findings(cluster, zone));
    findings
}

fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.code.cmp(b.code))
            .then_with(|| compare_text(a, b))
    });
    findings.dedup();
    findings
}

fn compare_text(a: &Finding, b: &Finding) -> Ordering {
    (&a.problem, &a.effect, &a.fix).cmp(&(&b.problem, &b.effect, &b.fix))
}

/// A finding with its parts.
pub(crate) fn finding(
    code: &'static str,
    severity: Severity,
    subjects: Vec<Subject>,
    problem: String,
    effect: String,
    fix: String,
) -> Finding {
    debug_assert!(
        CODES.iter().any(|(known, _)| *known == code),
        "{code} is not in CODES"
    );
    Finding {
        code,
        severity,
        subjects,
        problem,
        effect,
        fix,
    }
}

/// `namespace/name` of a namespaced object.
pub(crate) fn qualified(object: &ObjectRef) -> String {
    match &object.namespace {
        Some(namespace) => format!("{namespace}/{}", object.name),
        None => object.name.clone(),
    }
}
