//! The `file` plugin (CoreDNS `plugin/file/file.go`, `lookup.go`, `zone.go`, `tree/glue.go`):
//! authoritative answers from zone files.
//!
//! Each zone is held as CoreDNS's tree holds it: the SOA and the apex NS records apart, every
//! other record under its owner name, lower-cased as `Zone.Insert` lower-cases it. The lookup
//! walks the question name from the zone's origin one label at a time, as `Zone.Lookup` does:
//! a name with NS records below the apex is a zone cut (a referral), a missing name remembers
//! the wildcard of its level, and what is left is an answer, a CNAME to follow, a wildcard
//! answer, NODATA or NXDOMAIN.

use std::collections::{HashMap, HashSet};

use hickory_proto::rr::{Name, RData, Record, RecordType};

use super::Request;
use crate::answer::{Answer, Outcome};
use crate::config::{Fallthrough, FileConfig, FileZone};

/// A CNAME chain inside a zone is followed this many times past the first (lookup.go's
/// `externalLookup`, `i > 8`).
const MAX_CHASE: usize = 8;

/// A `file` plugin's zones, built once (rule 55).
#[derive(Debug, Clone)]
pub(crate) struct FileTable {
    zones: Vec<ZoneTree>,
    fallthrough: Fallthrough,
}

/// One zone, as `plugin/file/zone.go` holds it.
#[derive(Debug, Clone)]
struct ZoneTree {
    origin: Name,
    /// `None` only for a zone without SOA, which the reader refuses (lookup.go answers such a
    /// zone SERVFAIL).
    soa: Option<Record>,
    /// The NS records at the origin (`Apex.NS`), not in `names`.
    apex_ns: Vec<Record>,
    /// Every other record, by lower-cased owner name.
    names: HashMap<Name, Vec<Record>>,
    /// Every name strictly above a name of `names`: those that have a descendant.
    above: HashSet<Name>,
}

/// How a lookup ended (lookup.go's `Result`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Success,
    NameError,
    Delegation,
    NoData,
    ServerFailure,
}

/// The three sections and the result of a lookup.
struct Sections {
    answer: Vec<Record>,
    authority: Vec<Record>,
    additional: Vec<Record>,
    found: Found,
}

impl Sections {
    fn new(
        answer: Vec<Record>,
        authority: Vec<Record>,
        additional: Vec<Record>,
        found: Found,
    ) -> Sections {
        Sections {
            answer,
            authority,
            additional,
            found,
        }
    }
}

/// Asks the whole server a question (CoreDNS's `upstream.Lookup`); `None` when no reply is
/// written.
pub(super) type Resolve<'a> = &'a dyn Fn(&Name, RecordType) -> Option<Answer>;

/// What [`FileTable::serve`] does with a question.
pub(super) enum Served {
    /// The plugin writes this reply (or returns this code for the server to write).
    Answer(Answer),
    /// The question goes to the next plugin.
    Next,
}

impl FileTable {
    pub(crate) fn new(config: &FileConfig) -> FileTable {
        FileTable {
            zones: config.zones.iter().map(ZoneTree::new).collect(),
            fallthrough: config.fallthrough.clone(),
        }
    }

    /// The plugin's `ServeDNS` (rule 55). `has_next`: whether a plugin that handles queries
    /// comes after it; without one, a name outside its zones is REFUSED.
    pub(super) fn serve(&self, request: &Request, has_next: bool, resolve: Resolve<'_>) -> Served {
        let qname = request.name.to_lowercase();
        let Some(zone) = self
            .zones
            .iter()
            .filter(|zone| zone.origin.zone_of(&qname))
            .max_by_key(|zone| zone.origin.num_labels())
        else {
            if has_next {
                return Served::Next;
            }
            return Served::Answer(Answer::empty(Outcome::Refused));
        };
        // Without the transfer plugin's help, a transfer is refused (returned, not written).
        if matches!(request.qtype, RecordType::AXFR | RecordType::IXFR) {
            return Served::Answer(Answer::empty(Outcome::Refused));
        }
        let found = zone.lookup(&qname, request.qtype, resolve);
        if found.answer.is_empty()
            && matches!(found.found, Found::NameError | Found::Success)
            && self.fallthrough.covers(&qname)
        {
            return Served::Next;
        }
        let (code_nx, authoritative) = match found.found {
            Found::Success | Found::NoData => (false, true),
            Found::NameError => (true, true),
            // A referral alone is not authoritative; a CNAME before it keeps AA.
            Found::Delegation => (false, !found.answer.is_empty()),
            Found::ServerFailure if found.answer.is_empty() => {
                return Served::Answer(Answer::empty(Outcome::ServFail));
            }
            Found::ServerFailure => {
                return Served::Answer(Answer::new(
                    Outcome::ServFail,
                    found.answer,
                    found.authority,
                    found.additional,
                    true,
                ));
            }
        };
        let outcome = if code_nx {
            Outcome::NxDomain
        } else if found.answer.is_empty() {
            Outcome::NoData
        } else {
            Outcome::Success
        };
        Served::Answer(Answer::new(
            outcome,
            found.answer,
            found.authority,
            found.additional,
            authoritative,
        ))
    }
}

impl ZoneTree {
    fn new(zone: &FileZone) -> ZoneTree {
        let origin = zone.origin.to_lowercase();
        let mut soa = None;
        let mut apex_ns = Vec::new();
        let mut names: HashMap<Name, Vec<Record>> = HashMap::new();
        for record in &zone.records {
            let record = lowered(record);
            match record.record_type() {
                RecordType::SOA => soa = Some(record),
                RecordType::NS if record.name == origin => apex_ns.push(record),
                _ => names
                    .entry(record.name.to_lowercase())
                    .or_default()
                    .push(record),
            }
        }
        let mut above = HashSet::new();
        for name in names.keys() {
            let mut parent = name.base_name();
            while above.insert(parent.clone()) && !parent.is_root() {
                parent = parent.base_name();
            }
        }
        ZoneTree {
            origin,
            soa,
            apex_ns,
            names,
            above,
        }
    }

    /// The records of `name` (any case) of type `qtype`.
    fn of_type(&self, name: &Name, qtype: RecordType) -> Vec<Record> {
        self.names
            .get(&name.to_lowercase())
            .map_or_else(Vec::new, |records| {
                records
                    .iter()
                    .filter(|record| record.record_type() == qtype)
                    .cloned()
                    .collect()
            })
    }

    fn holds(&self, name: &Name) -> bool {
        self.names.contains_key(&name.to_lowercase())
    }

    /// Whether a name strictly below `name` is held (lookup.go's `hasDescendant`).
    fn has_descendant(&self, name: &Name) -> bool {
        self.above.contains(&name.to_lowercase())
    }

    /// `name` cut to the origin and `extra` labels more (zone.go's `nameFromRight`); `None` once
    /// that is more labels than `name` has.
    fn cut_below_origin(&self, name: &Name, extra: usize) -> Option<Name> {
        if extra == 0 {
            return Some(self.origin.clone());
        }
        let want = usize::from(self.origin.num_labels()) + extra;
        (usize::from(name.num_labels()) >= want).then(|| name.trim_to(want))
    }

    fn soa_section(&self) -> Vec<Record> {
        self.soa.iter().cloned().collect()
    }

    /// lookup.go's `Zone.Lookup`, for a lower-cased `qname` inside the zone.
    fn lookup(&self, qname: &Name, qtype: RecordType, resolve: Resolve<'_>) -> Sections {
        if self.soa.is_none() {
            return Sections::new(Vec::new(), Vec::new(), Vec::new(), Found::ServerFailure);
        }
        if *qname == self.origin {
            match qtype {
                RecordType::SOA => {
                    return Sections::new(
                        self.soa_section(),
                        self.apex_ns.clone(),
                        Vec::new(),
                        Found::Success,
                    );
                }
                RecordType::NS => {
                    let glue = self.glue(&self.apex_ns);
                    return Sections::new(self.apex_ns.clone(), Vec::new(), glue, Found::Success);
                }
                _ => {}
            }
        }
        // The walk from the origin down, one label at a time.
        let mut found = false;
        let mut wildcard: Option<Name> = None;
        let mut extra = 0;
        while let Some(part) = self.cut_below_origin(qname, extra) {
            extra += 1;
            if !self.holds(&part) {
                found = false;
                if part.is_root() {
                    continue;
                }
                let star = part.clone().into_wildcard();
                if self.holds(&star) || self.has_descendant(&star) {
                    wildcard = Some(star);
                }
                continue;
            }
            found = true;
            if let Some((ns, glue)) = self.delegation(&part, qname, qtype) {
                return Sections::new(Vec::new(), ns, glue, Found::Delegation);
            }
        }
        if found {
            let cnames = self.of_type(qname, RecordType::CNAME);
            if !cnames.is_empty() && qtype != RecordType::CNAME {
                return self.chase(cnames, qtype, resolve);
            }
            let records = self.of_type(qname, qtype);
            if records.is_empty() {
                return Sections::new(Vec::new(), self.soa_section(), Vec::new(), Found::NoData);
            }
            let additional = self.additional(&records);
            return Sections::new(records, self.apex_ns.clone(), additional, Found::Success);
        }
        if let Some(star) = wildcard.filter(|star| !self.closer_empty_name(qname, star)) {
            let as_asked = |records: Vec<Record>| -> Vec<Record> {
                records
                    .into_iter()
                    .map(|mut record| {
                        record.name = qname.clone();
                        record
                    })
                    .collect()
            };
            // A wildcard that is only an empty name above others holds nothing: NODATA.
            let cnames = as_asked(self.of_type(&star, RecordType::CNAME));
            if !cnames.is_empty() && qtype != RecordType::CNAME {
                return self.chase(cnames, qtype, resolve);
            }
            let records = as_asked(self.of_type(&star, qtype));
            if records.is_empty() {
                return Sections::new(Vec::new(), self.soa_section(), Vec::new(), Found::NoData);
            }
            let additional = self.additional(&records);
            return Sections::new(records, self.apex_ns.clone(), additional, Found::Success);
        }
        // An empty non-terminal: NOERROR without records, with the SOA.
        let found = if self.has_descendant(qname) {
            Found::Success
        } else {
            Found::NameError
        };
        Sections::new(Vec::new(), self.soa_section(), Vec::new(), found)
    }

    /// Whether an empty name lies between the wildcard's parent and `qname`, which then is the
    /// closest encloser and the wildcard does not apply (lookup.go's `closerENTExists`, RFC
    /// 4592).
    fn closer_empty_name(&self, qname: &Name, star: &Name) -> bool {
        let parent = star.base_name();
        let mut name = qname.base_name();
        while name.num_labels() > parent.num_labels() && parent.zone_of(&name) {
            if self.has_descendant(&name) {
                return true;
            }
            name = name.base_name();
        }
        false
    }

    /// The referral at `cut` (lookup.go's `delegationFromElem`): its NS records and their glue;
    /// none at a name without NS, nor for DS at the cut itself (the parent answers that).
    fn delegation(
        &self,
        cut: &Name,
        qname: &Name,
        qtype: RecordType,
    ) -> Option<(Vec<Record>, Vec<Record>)> {
        let ns = self.of_type(cut, RecordType::NS);
        if ns.is_empty() || (qtype == RecordType::DS && cut == qname) {
            return None;
        }
        let glue = self.glue(&ns);
        Some((ns, glue))
    }

    /// The first zone cut between the origin and `target` (lookup.go's `findDelegation`).
    fn find_delegation(
        &self,
        target: &Name,
        qtype: RecordType,
    ) -> Option<(Vec<Record>, Vec<Record>)> {
        let mut extra = 1;
        while let Some(name) = self.cut_below_origin(target, extra) {
            extra += 1;
            if self.holds(&name)
                && let Some(referral) = self.delegation(&name, target, qtype)
            {
                return Some(referral);
            }
            if name == *target {
                return None;
            }
        }
        None
    }

    /// The A then AAAA records of each NS target below its NS owner (tree/glue.go).
    fn glue(&self, ns: &[Record]) -> Vec<Record> {
        let mut glue = Vec::new();
        for record in ns {
            if let RData::NS(target) = &record.data
                && record.name.zone_of(&target.0)
            {
                glue.extend(self.of_type(&target.0, RecordType::A));
                glue.extend(self.of_type(&target.0, RecordType::AAAA));
            }
        }
        glue
    }

    /// The addresses of the in-zone targets of SRV, MX, SVCB and HTTPS records, each target
    /// once (lookup.go's `additionalProcessing`).
    fn additional(&self, answer: &[Record]) -> Vec<Record> {
        let mut seen: Vec<Name> = Vec::new();
        let mut extra = Vec::new();
        for record in answer {
            let target = match &record.data {
                RData::SRV(srv) => &srv.target,
                RData::MX(mx) => &mx.exchange,
                RData::SVCB(svcb) => &svcb.target_name,
                RData::HTTPS(https) => &https.0.target_name,
                _ => continue,
            };
            let target = target.to_lowercase();
            if !self.origin.zone_of(&target) || seen.contains(&target) {
                continue;
            }
            extra.extend(self.of_type(&target, RecordType::A));
            extra.extend(self.of_type(&target, RecordType::AAAA));
            seen.push(target);
        }
        extra
    }

    /// Follows the CNAME records `answer` ends with (lookup.go's `externalLookup`): inside the
    /// zone while the target is held, through the whole server once it is not.
    fn chase(&self, mut answer: Vec<Record>, qtype: RecordType, resolve: Resolve<'_>) -> Sections {
        let mut rounds = 0;
        loop {
            let Some(target) = answer.last().and_then(cname_target) else {
                return Sections::new(answer, self.apex_ns.clone(), Vec::new(), Found::Success);
            };
            if let Some((ns, glue)) = self.find_delegation(&target, qtype) {
                return Sections::new(answer, ns, glue, Found::Delegation);
            }
            let outside = !self.holds(&target)
                || qtype == RecordType::NS
                || (qtype == RecordType::SOA && target == self.origin);
            if outside {
                let (records, found) = match resolve(&target, qtype) {
                    None => (Vec::new(), Found::Success),
                    Some(reply) => {
                        let found = match reply.outcome {
                            Outcome::NxDomain => Found::NameError,
                            Outcome::ServFail => Found::ServerFailure,
                            Outcome::NoData => Found::NoData,
                            _ => Found::Success,
                        };
                        (reply.answers, found)
                    }
                };
                answer.extend(records);
                let authority = match found {
                    Found::NameError | Found::NoData => self.soa_section(),
                    _ => self.apex_ns.clone(),
                };
                let additional = self.additional(&answer);
                return Sections::new(answer, authority, additional, found);
            }
            if rounds > MAX_CHASE {
                let additional = self.additional(&answer);
                return Sections::new(answer, self.apex_ns.clone(), additional, Found::Success);
            }
            let cnames = self.of_type(&target, RecordType::CNAME);
            if cnames.is_empty() {
                answer.extend(self.of_type(&target, qtype));
                let additional = self.additional(&answer);
                return Sections::new(answer, self.apex_ns.clone(), additional, Found::Success);
            }
            answer.extend(cnames);
            rounds += 1;
        }
    }
}

/// The target of a CNAME record.
fn cname_target(record: &Record) -> Option<Name> {
    match &record.data {
        RData::CNAME(target) => Some(target.0.to_lowercase()),
        _ => None,
    }
}

/// A record as `Zone.Insert` stores it: the owner lower-cased (not an SRV's), and the names
/// inside NS, CNAME, MX and SOA records.
fn lowered(record: &Record) -> Record {
    let mut record = record.clone();
    if record.record_type() != RecordType::SRV {
        record.name = record.name.to_lowercase();
    }
    match &mut record.data {
        RData::NS(target) => target.0 = target.0.to_lowercase(),
        RData::CNAME(target) => target.0 = target.0.to_lowercase(),
        RData::MX(mx) => mx.exchange = mx.exchange.to_lowercase(),
        RData::SVCB(svcb) => svcb.target_name = svcb.target_name.to_lowercase(),
        RData::HTTPS(https) => https.0.target_name = https.0.target_name.to_lowercase(),
        RData::SOA(soa) => {
            soa.mname = soa.mname.to_lowercase();
            soa.rname = soa.rname.to_lowercase();
        }
        _ => {}
    }
    record
}
