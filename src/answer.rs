//! The rules: given a cluster, a configuration and a question, what CoreDNS answers.
//!
//! The work happens in three steps, as in CoreDNS's `kubernetes` plugin:
//!
//! 1. **Zone**: the longest configured zone that contains the name; none means REFUSED
//!    (CoreDNS passes the question on, and with no other plugin that is a refusal).
//! 2. **Lookup**: what the name refers to in the cluster, independent of the
//!    question type. A *name error* (unknown Service or namespace, a name that is not
//!    service-shaped) becomes NXDOMAIN; a name that exists but holds nothing (the zone apex,
//!    `svc.<zone>`, `<ns>.svc.<zone>`) is an empty success.
//! 3. **Records**: the lookup filtered by question type. An empty result for a name that exists
//!    is NODATA. Both negative answers carry the zone's SOA in the authority section.
//!
//! The rules and their CoreDNS sources are listed in `shared/reference/coredns-rules.md`; the
//! tests in `tests/` name the rule each case checks.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::rdata::{A, AAAA, CNAME, NS, PTR, SOA, SRV, TXT};
use hickory_proto::rr::{Name, RData, Record, RecordType};

use crate::cluster::{Cluster, ClusterImport, ClusterService, ClusterSlice};
use crate::config::{Config, PodMode};
use crate::model::{Endpoint, EndpointSlice};
use crate::qname::{self, Grammar, Labels, PortFilter, QueryName, Zonal};
use crate::upstream::UpstreamAnswer;

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
    /// NOERROR with data, NODATA, NXDOMAIN or REFUSED.
    pub outcome: Outcome,
    /// The answer section.
    pub answers: Vec<Record>,
    /// The authority section: the zone's SOA for negative answers.
    pub authorities: Vec<Record>,
    /// The additional section.
    pub additionals: Vec<Record>,
    /// Whether the AA bit is set: on every answer of the plugin; not on one that fell through
    /// to the [`Upstream`](crate::Upstream), nor on REFUSED.
    pub authoritative: bool,
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
    /// REFUSED: the name is outside every zone of the server, or a zone transfer was asked
    /// for and transfers are not enabled or the name is not a zone apex.
    Refused,
}

impl Outcome {
    /// The response code this outcome is sent with.
    pub fn response_code(self) -> ResponseCode {
        match self {
            Outcome::Success | Outcome::NoData => ResponseCode::NoError,
            Outcome::NxDomain => ResponseCode::NXDomain,
            Outcome::Refused => ResponseCode::Refused,
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

    /// A positive, authoritative answer.
    pub(crate) fn success(answers: Vec<Record>) -> Answer {
        Answer {
            outcome: Outcome::Success,
            answers,
            authorities: Vec::new(),
            additionals: Vec::new(),
            authoritative: true,
        }
    }

    fn refused() -> Answer {
        Answer {
            outcome: Outcome::Refused,
            answers: Vec::new(),
            authorities: Vec::new(),
            additionals: Vec::new(),
            authoritative: false,
        }
    }

    /// What the upstream says, passed on unchanged (no SOA, not authoritative).
    pub(crate) fn from_upstream(answer: UpstreamAnswer) -> Answer {
        let outcome = match (answer.records.is_empty(), answer.name_exists) {
            (false, _) => Outcome::Success,
            (true, true) => Outcome::NoData,
            (true, false) => Outcome::NxDomain,
        };
        Answer {
            outcome,
            answers: answer.records,
            authorities: Vec::new(),
            additionals: Vec::new(),
            authoritative: false,
        }
    }
}

/// A configured zone, prepared for matching.
#[derive(Debug, Clone)]
pub(crate) struct Zone {
    /// Lower-case labels, left to right.
    labels: Vec<Box<[u8]>>,
    /// Whether it is a `multicluster` zone: one of them, or a zone below one (CoreDNS's
    /// `isMultiClusterZone` matches the zone against them as it matches a question).
    multicluster: bool,
}

impl Zone {
    pub(crate) fn new(name: &Name, config: &Config) -> Zone {
        Zone {
            labels: name
                .iter()
                .map(|label| label.to_ascii_lowercase().into_boxed_slice())
                .collect(),
            multicluster: config
                .multicluster_zones
                .iter()
                .any(|zone| zone.zone_of(name)),
        }
    }
}

/// Everything an answer is computed from.
pub(crate) struct Context<'a> {
    pub(crate) cluster: &'a Cluster,
    pub(crate) config: &'a Config,
    pub(crate) zones: &'a [Zone],
    pub(crate) serial: u32,
}

impl Context<'_> {
    /// Answers `qname`/`qtype`.
    pub(crate) fn answer(&self, qname: &Name, qtype: RecordType) -> Answer {
        let labels = Labels::new(qname);
        let Some(zone) = self.matching_zone(&labels) else {
            return Answer::refused();
        };
        let question = Question {
            name: qname,
            labels: &labels,
            zone_labels: zone.labels.len(),
            multicluster: zone.multicluster,
        };
        let outcome = self.lookup_typed(&question, qtype, 0);
        let mut answer = Answer {
            outcome: Outcome::Success,
            answers: Vec::new(),
            authorities: Vec::new(),
            additionals: Vec::new(),
            authoritative: true,
        };
        match outcome {
            Typed::Refused => return Answer::refused(),
            // `fallthrough`: the name error goes on to the rest of the server.
            Typed::NameError if self.config.falls_through(qname) => {
                return Answer::from_upstream(self.config.upstream.lookup(qname, qtype));
            }
            Typed::NameError => answer.outcome = Outcome::NxDomain,
            Typed::Records(records, extra) if records.is_empty() => {
                answer.outcome = Outcome::NoData;
                answer.additionals = extra;
            }
            Typed::Records(records, extra) => {
                answer.answers = records;
                answer.additionals = extra;
            }
        }
        if answer.outcome != Outcome::Success {
            answer.authorities.push(self.soa_record(&question));
        }
        answer
    }

    /// The longest zone containing the name.
    fn matching_zone(&self, labels: &Labels) -> Option<&Zone> {
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

    /// What a name refers to (CoreDNS `Records`), whatever the question type.
    fn find<'c>(&'c self, question: &Question<'_>, parsed: QueryName<'c>) -> Found<'c>
    where
        Self: 'c,
    {
        if question.labels_are_reverse()
            && !matches!(
                parsed,
                QueryName::Apex | QueryName::ServiceApex | QueryName::PodApex | QueryName::Invalid
            )
        {
            return Found::NameError;
        }
        match parsed {
            QueryName::Apex | QueryName::ServiceApex | QueryName::PodApex => Found::Nothing,
            QueryName::Invalid | QueryName::DnsVersion => Found::NameError,
            QueryName::NameServer => {
                if question.zone_is_lowercase() {
                    Found::Items(Items::NameServer)
                } else {
                    Found::NameError
                }
            }
            QueryName::Namespace { namespace } => {
                if self.namespace_exposed(namespace) {
                    Found::Nothing
                } else {
                    Found::NameError
                }
            }
            QueryName::PodNamespace { namespace } => {
                if self.config.pods != PodMode::Disabled && self.namespace_exposed(namespace) {
                    Found::Nothing
                } else {
                    Found::NameError
                }
            }
            QueryName::Pod { namespace, address } => self.find_pod(namespace, address),
            // A multicluster zone answers ServiceImports, never Services.
            QueryName::Service {
                namespace,
                service,
                endpoint,
                cluster,
                port,
                zonal: _,
            } if question.multicluster => self.find_multicluster_service(
                namespace,
                service,
                ImportFilter {
                    endpoint,
                    cluster,
                    port,
                },
            ),
            QueryName::Service {
                namespace,
                service,
                endpoint,
                cluster: _,
                port,
                zonal,
            } => self.find_service(
                namespace,
                service,
                EndpointFilter {
                    endpoint,
                    port,
                    zone: zonal,
                },
            ),
        }
    }

    pub(crate) fn namespace_exposed(&self, namespace: &str) -> bool {
        self.config.exposes_namespace(namespace) && self.cluster.has_namespace_lowercase(namespace)
    }

    /// CoreDNS `findServices`.
    fn find_service<'c>(
        &'c self,
        namespace: &'c str,
        name: &'c str,
        filter: EndpointFilter<'c>,
    ) -> Found<'c> {
        if !self.namespace_exposed(namespace) {
            return Found::NameError;
        }
        let Some(service) = self.cluster.find_service(namespace, name) else {
            return Found::NameError;
        };
        let object = service.service();
        let headless = object.is_headless();
        if self.config.ignore_empty_service
            && !object.service_type.is_external_name()
            && !headless
            && !self.has_ready(service)
        {
            return Found::NameError;
        }
        // Zonal names exist only for headless Services: a virtual IP has no zone.
        if filter.zone.is_some() && !headless {
            return Found::NameError;
        }
        if object.service_type.is_external_name() {
            return match object.cname_target() {
                Some(target) if filter.endpoint.is_none() && filter.port.is_none() => {
                    Found::Items(Items::ExternalName(target))
                }
                _ => Found::NameError,
            };
        }
        if let Some(zone) = filter.zone {
            // A zonal name exists whatever its zone holds: nothing there is NODATA. `prefer`
            // falls back to every endpoint.
            let in_zone = self.endpoint_entries(service, filter).next().is_some();
            let filter = match (in_zone, zone.prefer) {
                (true, _) => filter,
                (false, true) => EndpointFilter {
                    zone: None,
                    ..filter
                },
                (false, false) => return Found::Nothing,
            };
            if self.endpoint_entries(service, filter).next().is_none() {
                return Found::Nothing;
            }
            return Found::Items(Items::Endpoints { service, filter });
        }
        if headless || filter.endpoint.is_some() {
            if self.endpoint_entries(service, filter).next().is_none() {
                return Found::NameError;
            }
            return Found::Items(Items::Endpoints { service, filter });
        }
        let port = filter.port;
        let port_matches = object.ports.iter().any(|service_port| {
            port_matches(
                port,
                service_port.name.as_deref(),
                service_port.protocol.as_str(),
            )
        });
        if !port_matches {
            return Found::NameError;
        }
        Found::Items(Items::ClusterIps { service, port })
    }

    /// CoreDNS `findMultiClusterServices`: `findServices` over ServiceImports and the slices
    /// labelled `multicluster.kubernetes.io/service-name`, where an endpoint is named with its
    /// cluster id. (`noendpoints` does not apply: CoreDNS watches those slices regardless.)
    fn find_multicluster_service<'c>(
        &'c self,
        namespace: &'c str,
        name: &'c str,
        filter: ImportFilter<'c>,
    ) -> Found<'c> {
        if !self.namespace_exposed(namespace) {
            return Found::NameError;
        }
        let Some(import) = self.cluster.find_service_import(namespace, name) else {
            return Found::NameError;
        };
        let object = import.import();
        if self.config.ignore_empty_service
            && !object.is_headless()
            && !import.has_ready_endpoints()
        {
            return Found::NameError;
        }
        if object.is_headless() || filter.endpoint.is_some() {
            if self.import_entries(import, filter).next().is_none() {
                return Found::NameError;
            }
            return Found::Items(Items::ImportEndpoints { import, filter });
        }
        // A ClusterSetIP import exists through its ports: none matching (or none at all) is a
        // name error; a match with no `spec.ips` is a name without addresses.
        let port_matches = object.ports.iter().any(|import_port| {
            port_matches(
                filter.port,
                import_port.name.as_deref(),
                import_port.protocol.as_str(),
            )
        });
        if !port_matches {
            return Found::NameError;
        }
        Found::Items(Items::ImportIps {
            import,
            port: filter.port,
        })
    }

    /// The entries of a ServiceImport's ready endpoints that pass `filter`, each with the
    /// cluster id of its slice: one per address and matching port, slice by slice.
    fn import_entries<'c>(
        &'c self,
        import: &'c ClusterImport,
        filter: ImportFilter<'c>,
    ) -> impl Iterator<Item = (Entry<'c>, &'c str)> + 'c {
        let endpoint_pod_names = self.config.endpoint_pod_names;
        import.slices().flat_map(move |cluster_slice| {
            let cluster = cluster_slice.cluster_id();
            // An endpoint name holds a cluster id (empty for a one-label name), which must
            // be the slice's.
            let named = filter.endpoint.is_none()
                || filter
                    .cluster
                    .unwrap_or_default()
                    .eq_ignore_ascii_case(cluster);
            let slice_filter = SliceFilter {
                endpoint: filter.endpoint,
                port: filter.port,
                zone: None,
                endpoint_pod_names,
            };
            slice_entries(cluster_slice.slice(), slice_filter)
                .filter(move |_| named)
                .map(move |entry| (entry, cluster))
        })
    }

    fn has_ready(&self, service: &ClusterService) -> bool {
        !self.config.noendpoints && service.has_ready_endpoints()
    }

    /// The entries of a Service's ready endpoints that pass `filter`, as CoreDNS lists them:
    /// one per address and matching port, slice by slice.
    fn endpoint_entries<'c>(
        &'c self,
        service: &'c ClusterService,
        filter: EndpointFilter<'c>,
    ) -> impl Iterator<Item = Entry<'c>> + 'c {
        // `noendpoints`: the plugin never learns of any endpoint.
        let slices = service.slices().take(if self.config.noendpoints {
            0
        } else {
            usize::MAX
        });
        let slice_filter = SliceFilter {
            endpoint: filter.endpoint,
            port: filter.port,
            zone: filter.zone,
            endpoint_pod_names: self.config.endpoint_pod_names,
        };
        slices.flat_map(move |slice| slice_entries(slice.slice(), slice_filter))
    }

    /// CoreDNS `findPods`.
    fn find_pod<'c>(&self, namespace: &str, label: &str) -> Found<'c> {
        if self.config.pods == PodMode::Disabled || !self.namespace_exposed(namespace) {
            return Found::NameError;
        }
        let Some(address) = pod_address(label) else {
            return Found::NameError;
        };
        if self.config.pods == PodMode::Verified {
            let exists = self
                .cluster
                .pods_with_ip(address)
                .any(|pod| pod.meta.namespace == namespace && !pod.terminating);
            if !exists {
                return Found::NameError;
            }
        }
        Found::Items(Items::Pod(address))
    }

    /// A and AAAA (CoreDNS `plugin.A` / `plugin.AAAA`).
    fn address_records(
        &self,
        question: &Question<'_>,
        parsed: QueryName<'_>,
        qtype: RecordType,
        depth: usize,
    ) -> Typed {
        let items = match self.find(question, parsed) {
            Found::NameError => return Typed::NameError,
            Found::Nothing => return Typed::empty(),
            Found::Items(items) => items,
        };
        let mut records = Vec::new();
        let mut push = |address: IpAddr| {
            if let Some(data) = address_rdata(address, qtype) {
                records.push(Record::from_rdata(
                    question.name.clone(),
                    self.config.ttl,
                    data,
                ));
            }
        };
        match items {
            Items::ClusterIps { service, .. } => {
                service.cluster_ips().iter().copied().for_each(push)
            }
            Items::Endpoints {
                service,
                filter:
                    EndpointFilter {
                        endpoint: None,
                        port: None,
                        zone: None,
                    },
            } if !self.config.noendpoints => match qtype {
                RecordType::A => service
                    .ready_ipv4()
                    .iter()
                    .copied()
                    .map(IpAddr::V4)
                    .for_each(push),
                _ => service
                    .ready_ipv6()
                    .iter()
                    .copied()
                    .map(IpAddr::V6)
                    .for_each(push),
            },
            Items::Endpoints { service, filter } => {
                let mut seen: HashSet<IpAddr> = HashSet::new();
                for Entry { address, .. } in self.endpoint_entries(service, filter) {
                    if seen.insert(address) {
                        push(address);
                    }
                }
            }
            Items::ImportIps { import, .. } => import.import().ips.iter().copied().for_each(push),
            Items::ImportEndpoints { import, filter } => {
                let mut seen: HashSet<IpAddr> = HashSet::new();
                for (Entry { address, .. }, _) in self.import_entries(import, filter) {
                    if seen.insert(address) {
                        push(address);
                    }
                }
            }
            Items::Pod(address) => push(address),
            Items::NameServer => {
                let zone = question.zone_as_spelled();
                for (_, address) in self.name_server_addresses(&zone) {
                    push(address);
                }
            }
            Items::ExternalName(target) => return self.chase(question, target, qtype, depth),
        }
        Typed::Records(records, Vec::new())
    }

    /// An ExternalName's CNAME for A and AAAA (CoreDNS `backend_lookup.go`). A target inside
    /// the zone is followed here and the CNAME kept only when it yields records; a target
    /// outside is asked of the [`Upstream`](crate::Upstream), and the CNAME is kept with
    /// whatever that returns.
    fn chase(
        &self,
        question: &Question<'_>,
        target: &str,
        qtype: RecordType,
        depth: usize,
    ) -> Typed {
        let Some(cname) = self.cname_record(question, target, true) else {
            return Typed::empty();
        };
        let RData::CNAME(CNAME(target_name)) = &cname.data else {
            return Typed::empty();
        };
        let target_labels = Labels::new(target_name);
        if !question.zone_contains(&target_labels) {
            // Asked of the rest of the server: the CNAME stays, followed by whatever the
            // upstream holds (nothing, when it does not know the name).
            let upstream = self.config.upstream.lookup(target_name, qtype);
            let mut records = Vec::with_capacity(upstream.records.len() + 1);
            records.push(cname);
            records.extend(upstream.records);
            return Typed::Records(records, Vec::new());
        }
        if depth >= MAX_CNAME_CHAIN {
            return Typed::empty();
        }
        let next = Question {
            name: target_name,
            labels: &target_labels,
            zone_labels: question.zone_labels,
            multicluster: question.multicluster,
        };
        match self.lookup_typed(&next, qtype, depth + 1) {
            Typed::Records(records, extra) if !records.is_empty() => {
                let mut all = Vec::with_capacity(records.len() + 1);
                all.push(cname);
                all.extend(records);
                Typed::Records(all, extra)
            }
            _ => Typed::empty(),
        }
    }

    /// `name CNAME target.`, or `None` for an invalid target, or for a direct loop
    /// (`x CNAME x`) when `skip_loop` (the address lookups skip it; the CNAME answer does not).
    fn cname_record(
        &self,
        question: &Question<'_>,
        target: &str,
        skip_loop: bool,
    ) -> Option<Record> {
        let mut target = Name::from_ascii(target).ok()?;
        target.set_fqdn(true);
        if skip_loop && target == *question.name {
            return None;
        }
        Some(Record::from_rdata(
            question.name.clone(),
            self.config.ttl,
            RData::CNAME(CNAME(target)),
        ))
    }

    /// SRV (CoreDNS `plugin.SRV`): one record per distinct (target, port) of the entries,
    /// priority 0, weight `floor(100 / entries)` counted before duplicates are dropped, and
    /// the targets' addresses in the additional section.
    fn srv(&self, question: &Question<'_>, parsed: QueryName<'_>) -> Typed {
        let items = match self.find(question, parsed) {
            Found::NameError => return Typed::NameError,
            Found::Nothing => return Typed::empty(),
            Found::Items(items) => items,
        };
        let zone = question.zone_as_spelled();
        // (target, port, address); a port of `None` is counted but not answered. Targets are
        // keys until they are answered, so that duplicates are found by hashing small keys
        // instead of comparing names.
        let mut entries: Vec<(TargetKey<'_>, Option<u16>, IpAddr)> = Vec::new();
        let mut base: Option<Name> = None;
        match items {
            Items::ClusterIps { service, port } => {
                base = Some(service_name(service, &zone));
                for service_port in &service.service().ports {
                    let name = service_port.name.as_deref();
                    if !port_matches(port, name, service_port.protocol.as_str()) {
                        continue;
                    }
                    for &ip in service.cluster_ips() {
                        entries.push((TargetKey::Service, Some(service_port.port), ip));
                    }
                }
            }
            Items::Endpoints { service, filter } => {
                base = Some(service_name(service, &zone));
                let pod_names = self.config.endpoint_pod_names;
                for entry in self.endpoint_entries(service, filter) {
                    let key = TargetKey::of_endpoint(entry.endpoint, entry.address, pod_names);
                    entries.push((key, entry.port, entry.address));
                }
            }
            Items::ImportIps { import, port } => {
                base = Some(import_name(import, &zone));
                for import_port in &import.import().ports {
                    let name = import_port.name.as_deref();
                    if !port_matches(port, name, import_port.protocol.as_str()) {
                        continue;
                    }
                    for &ip in &import.import().ips {
                        entries.push((TargetKey::Service, Some(import_port.port), ip));
                    }
                }
            }
            Items::ImportEndpoints { import, filter } => {
                base = Some(import_name(import, &zone));
                let pod_names = self.config.endpoint_pod_names;
                for (entry, cluster) in self.import_entries(import, filter) {
                    let key = TargetKey::of_endpoint(entry.endpoint, entry.address, pod_names)
                        .in_cluster(cluster);
                    entries.push((key, entry.port, entry.address));
                }
            }
            // CoreDNS keeps no SRV for ExternalName Services.
            Items::ExternalName(_) => {}
            // Pod names are entries without a port: port 0, target the name.
            Items::Pod(address) => entries.push((TargetKey::Question, Some(0), address)),
            // `ns.dns.<zone>` only ever holds A and AAAA records.
            Items::NameServer => {}
        }
        let weight = srv_weight(entries.len());
        let ttl = self.config.ttl;
        let target_of = |key: TargetKey<'_>| key.name(base.as_ref(), question.name);
        let mut records: Vec<Record> = Vec::new();
        let mut additionals: Vec<Record> = Vec::new();
        let mut seen_records: HashSet<(TargetKey<'_>, u16)> = HashSet::new();
        let mut seen_addresses: HashSet<(TargetKey<'_>, IpAddr)> = HashSet::new();
        for &(key, port, address) in &entries {
            let Some(port) = port else { continue };
            let new_record = seen_records.insert((key, port));
            let new_address = seen_addresses.insert((key, address));
            if !new_record && !new_address {
                continue;
            }
            // Spelled out once per entry that adds something.
            let target = target_of(key);
            if new_record {
                let data = SRV::new(0, weight, port, target.clone());
                records.push(Record::from_rdata(
                    question.name.clone(),
                    ttl,
                    RData::SRV(data),
                ));
            }
            if new_address {
                let data = match address {
                    IpAddr::V4(v4) => RData::A(A(v4)),
                    IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
                };
                additionals.push(Record::from_rdata(target, ttl, data));
            }
        }
        Typed::Records(records, additionals)
    }

    /// PTR (CoreDNS `reverse.go`): a ClusterIP names its Service (the first one, alone);
    /// otherwise every ready endpoint with that address names itself under its Service.
    /// Targets are in the first forward zone as configured.
    fn ptr(&self, question: &Question<'_>, parsed: QueryName<'_>) -> Typed {
        let Some(address) = question.reverse_address() else {
            // Not a complete reverse name: only existence decides NXDOMAIN versus NODATA.
            return match self.find(question, parsed) {
                Found::NameError => Typed::NameError,
                _ => Typed::empty(),
            };
        };
        let Some(zone) = self.config.zones.iter().find(|zone| !is_reverse_zone(zone)) else {
            return Typed::NameError;
        };
        let ttl = self.config.ttl;
        let restricted = !self.config.namespaces.is_empty();
        let visible = |namespace: &str| !restricted || self.namespace_exposed(namespace);
        let ptr =
            |target: Name| Record::from_rdata(question.name.clone(), ttl, RData::PTR(PTR(target)));
        if let Some(service) = self
            .cluster
            .services_with_cluster_ip(address)
            .find(|service| visible(&service.service().meta.namespace))
        {
            return Typed::one(ptr(service_name(service, zone)));
        }
        if self.config.noendpoints {
            return Typed::NameError;
        }
        let mut records: Vec<Record> = Vec::new();
        for (slice, endpoint) in self.cluster.ready_endpoints_with_address(address) {
            let slice = slice.slice();
            let (Some(service), namespace) = (slice.service_name(), &slice.meta.namespace) else {
                continue;
            };
            if !visible(namespace) {
                continue;
            }
            let mut buffer = [0u8; 48];
            let label = endpoint_label(
                endpoint,
                &address,
                self.config.endpoint_pod_names,
                &mut buffer,
            );
            let Ok(target) = Name::from_labels([label, service, namespace, "svc"])
                .and_then(|name| name.append_domain(zone))
            else {
                continue;
            };
            let record = ptr(target);
            if !records.iter().any(|existing| existing.data == record.data) {
                records.push(record);
            }
        }
        if records.is_empty() {
            Typed::NameError
        } else {
            Typed::Records(records, Vec::new())
        }
    }

    /// TXT: `dns-version`, and CoreDNS's quirk of answering NXDOMAIN for names that exist but
    /// hold no records (the apex, `svc.<zone>`, `<ns>.svc.<zone>`) and NODATA for names with
    /// records.
    fn txt(&self, question: &Question<'_>, parsed: QueryName<'_>) -> Typed {
        if parsed == QueryName::DnsVersion {
            let text = TXT::new(vec![DNS_SCHEMA_VERSION.to_owned()]);
            return Typed::one(Record::from_rdata(
                question.name.clone(),
                DNS_VERSION_TTL,
                RData::TXT(text),
            ));
        }
        match self.find(question, parsed) {
            // CoreDNS answers `ns.dns.<zone>` before its record lookup, except for TXT.
            Found::Items(Items::NameServer) => Typed::NameError,
            // Any other name with records, ExternalName included (no CNAME is followed for
            // TXT, whatever backend_lookup.go's TXT would do: kubernetes.go returns first).
            Found::Items(_) => Typed::empty(),
            // A zonal name that exists but holds nothing stays NODATA for TXT too.
            Found::Nothing if matches!(parsed, QueryName::Service { zonal: Some(_), .. }) => {
                Typed::empty()
            }
            Found::Nothing | Found::NameError => Typed::NameError,
        }
    }

    /// NS at the apex (CoreDNS `plugin.NS`): one NS per distinct name of
    /// [`Context::name_server_addresses`], with every address as glue. With no server
    /// addresses configured: `ns.dns.<zone>` alone.
    fn apex_ns(&self, question: &Question<'_>) -> Typed {
        let (records, glue) = self.apex_ns_records(question.name, &question.zone_as_spelled());
        Typed::Records(records, glue)
    }

    /// The apex NS records, owned by `owner`, and their glue (see [`Context::apex_ns`]).
    pub(crate) fn apex_ns_records(&self, owner: &Name, zone: &Name) -> (Vec<Record>, Vec<Record>) {
        let ttl = self.config.ttl;
        let mut records: Vec<Record> = Vec::new();
        let mut glue: Vec<Record> = Vec::new();
        for (name, address) in self.name_server_addresses(zone) {
            let data = match address {
                IpAddr::V4(v4) => RData::A(A(v4)),
                IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
            };
            glue.push(Record::from_rdata(name.clone(), ttl, data));
            let ns = RData::NS(NS(name));
            if !records.iter().any(|record| record.data == ns) {
                records.push(Record::from_rdata(owner.clone(), ttl, ns));
            }
        }
        if records.is_empty() {
            // A real server always has addresses; a simulated one without any still names
            // `ns.dns.<zone>`, without glue, rather than answer NODATA.
            if let Ok(name) = Name::from_ascii("ns.dns").and_then(|ns| ns.append_domain(zone)) {
                records.push(Record::from_rdata(owner.clone(), ttl, RData::NS(NS(name))));
            }
        }
        (records, glue)
    }

    /// The server's names and addresses (CoreDNS `nsAddrs`): for each of its own addresses,
    /// the EndpointSlices holding it as a ready endpoint, and their Services: a ClusterIP
    /// Service gives `<svc>.<ns>.svc.<zone>` with each ClusterIP, a headless one
    /// `<endpoint>.<svc>.<ns>.svc.<zone>` with each ready address of the slice. When no slice
    /// holds any of them: `ns.dns.<zone>` with the server's addresses.
    pub(crate) fn name_server_addresses(&self, zone: &Name) -> Vec<(Name, IpAddr)> {
        let mut found_endpoint = false;
        let mut pairs: Vec<(Name, IpAddr)> = Vec::new();
        for &local in &self.config.server_addresses {
            let mut seen_slices: Vec<*const ClusterSlice> = Vec::new();
            for (cluster_slice, _) in self.cluster.ready_endpoints_with_address(local) {
                if seen_slices.contains(&std::ptr::from_ref(cluster_slice)) {
                    continue;
                }
                seen_slices.push(std::ptr::from_ref(cluster_slice));
                found_endpoint = true;
                let slice = cluster_slice.slice();
                let Some(service) = slice
                    .service_name()
                    .and_then(|name| self.cluster.find_service(&slice.meta.namespace, name))
                else {
                    continue;
                };
                let base = service_name(service, zone);
                if service.service().is_headless() {
                    for endpoint in slice.endpoints.iter().filter(|e| e.is_ready()) {
                        for address in &endpoint.addresses {
                            let mut buffer = [0u8; 48];
                            let label = endpoint_label(
                                endpoint,
                                address,
                                self.config.endpoint_pod_names,
                                &mut buffer,
                            );
                            let name = base.prepend_label(label).unwrap_or_else(|_| base.clone());
                            pairs.push((name, *address));
                        }
                    }
                } else {
                    for &ip in service.cluster_ips() {
                        pairs.push((base.clone(), ip));
                    }
                }
            }
        }
        if !found_endpoint
            && let Ok(name) = Name::from_ascii("ns.dns").and_then(|ns| ns.append_domain(zone))
        {
            for &local in &self.config.server_addresses {
                pairs.push((name.clone(), local));
            }
        }
        pairs
    }

    /// The zone's SOA as CoreDNS builds it (`plugin/backend_lookup.go` `SOA`).
    fn soa_record(&self, question: &Question<'_>) -> Record {
        self.zone_soa(question.zone_as_spelled())
    }

    /// The SOA of `zone`, owned by `zone` as given (see [`Context::soa_record`]).
    pub(crate) fn zone_soa(&self, zone: Name) -> Record {
        let under_zone = |label: &str| {
            Name::from_ascii(label)
                .and_then(|prefix| prefix.append_domain(&zone))
                .unwrap_or_else(|_| zone.clone())
        };
        let ttl = self.config.ttl;
        let soa = SOA::new(
            under_zone("ns.dns"),
            under_zone("hostmaster"),
            self.serial,
            7200,
            1800,
            86400,
            ttl,
        );
        Record::from_rdata(zone, ttl.min(300), RData::SOA(soa))
    }
}

/// A question inside a zone.
struct Question<'a> {
    name: &'a Name,
    labels: &'a Labels,
    zone_labels: usize,
    multicluster: bool,
}

impl Question<'_> {
    /// The zone as the question spells it (CoreDNS keeps the caller's case).
    fn zone_as_spelled(&self) -> Name {
        let mut zone = self.name.trim_to(self.zone_labels);
        zone.set_fqdn(true);
        zone
    }

    /// Whether the zone part of the question is written in lower case (`ns.dns.<zone>` only
    /// resolves then: CoreDNS compares the lower-cased name with the zone as spelled).
    fn zone_is_lowercase(&self) -> bool {
        self.name
            .iter()
            .skip(self.labels.len() - self.zone_labels)
            .all(|label| !label.iter().any(u8::is_ascii_uppercase))
    }

    /// Whether another name lies in this question's zone.
    fn zone_contains(&self, other: &Labels) -> bool {
        let zone_start = self.labels.len() - self.zone_labels;
        other.len() >= self.zone_labels
            && (0..self.zone_labels).all(|i| {
                other.get(other.len() - self.zone_labels + i) == self.labels.get(zone_start + i)
            })
    }

    /// The address a complete reverse name stands for (`4.3.2.1.in-addr.arpa.` or 32 nibbles
    /// under `ip6.arpa.`), as CoreDNS's `ExtractAddressFromReverse` reads it.
    fn reverse_address(&self) -> Option<IpAddr> {
        if !self.labels_are_reverse() {
            return None;
        }
        let network = self.name.to_lowercase().parse_arpa_name().ok()?;
        (network.prefix_len() == network.max_prefix_len()).then(|| network.addr())
    }

    /// Whether the name lies under `in-addr.arpa.` or `ip6.arpa.`.
    fn labels_are_reverse(&self) -> bool {
        let n = self.labels.len();
        n >= 2
            && self.labels.get(n - 1) == b"arpa"
            && matches!(self.labels.get(n - 2), b"in-addr" | b"ip6")
    }
}

/// What a name refers to.
enum Found<'c> {
    /// NXDOMAIN.
    NameError,
    /// The name exists and holds nothing.
    Nothing,
    /// The name holds records.
    Items(Items<'c>),
}

/// The kinds of records a name holds.
enum Items<'c> {
    ClusterIps {
        service: &'c ClusterService,
        port: Option<PortFilter<'c>>,
    },
    Endpoints {
        service: &'c ClusterService,
        filter: EndpointFilter<'c>,
    },
    ExternalName(&'c str),
    Pod(IpAddr),
    NameServer,
    /// A ClusterSetIP ServiceImport's `spec.ips` (multicluster zones).
    ImportIps {
        import: &'c ClusterImport,
        port: Option<PortFilter<'c>>,
    },
    /// A ServiceImport's endpoints: headless, or an endpoint name (multicluster zones).
    ImportEndpoints {
        import: &'c ClusterImport,
        filter: ImportFilter<'c>,
    },
}

/// What [`slice_entries`] keeps.
#[derive(Clone, Copy)]
struct SliceFilter<'a> {
    endpoint: Option<&'a str>,
    port: Option<PortFilter<'a>>,
    zone: Option<Zonal<'a>>,
    endpoint_pod_names: bool,
}

/// One slice's entries as CoreDNS lists them: per ready endpoint (in the topology zone, when
/// one is asked for) and address (named `filter.endpoint`, when given), one per matching port.
/// A slice without ports still answers address queries: CoreDNS gives it one port with no
/// name, no protocol and number -1.
fn slice_entries<'c>(
    slice: &'c EndpointSlice,
    filter: SliceFilter<'c>,
) -> impl Iterator<Item = Entry<'c>> + 'c {
    let port_count = slice.ports.len().max(1);
    slice
        .endpoints
        .iter()
        .filter(move |endpoint| {
            endpoint.is_ready()
                && filter.zone.is_none_or(|zone| {
                    endpoint
                        .zone
                        .as_deref()
                        .is_some_and(|value| zone.matches(value))
                })
        })
        .flat_map(move |endpoint| {
            endpoint
                .addresses
                .iter()
                .copied()
                .filter(move |address| {
                    filter.endpoint.is_none_or(|label| {
                        endpoint_name_matches(endpoint, address, filter.endpoint_pod_names, label)
                    })
                })
                .flat_map(move |address| {
                    (0..port_count).filter_map(move |index| {
                        let port = slice.ports.get(index);
                        let (name, protocol) = port.map_or((Some(""), ""), |port| {
                            (port.name.as_deref(), port.protocol.as_str())
                        });
                        port_matches(filter.port, name, protocol).then_some(Entry {
                            endpoint,
                            address,
                            port: port.and_then(|port| port.port),
                        })
                    })
                })
        })
}

/// One (address × port) entry of a Service's endpoints. `port` is `None` for a slice without
/// ports (CoreDNS's port -1): counted, never answered.
#[derive(Clone, Copy)]
struct Entry<'c> {
    endpoint: &'c Endpoint,
    address: IpAddr,
    port: Option<u16>,
}

#[derive(Clone, Copy)]
struct EndpointFilter<'a> {
    endpoint: Option<&'a str>,
    port: Option<PortFilter<'a>>,
    zone: Option<Zonal<'a>>,
}

/// What a multicluster name asks of a ServiceImport's endpoints.
#[derive(Clone, Copy)]
struct ImportFilter<'a> {
    endpoint: Option<&'a str>,
    /// The cluster id of `<endpoint>.<cluster>.<svc>…`; `None` (matching an empty cluster id)
    /// for a one-label endpoint name.
    cluster: Option<&'a str>,
    port: Option<PortFilter<'a>>,
}

/// What an SRV target is, before it is spelled out as a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum TargetKey<'c> {
    /// `<svc>.<ns>.svc.<zone>`.
    Service,
    /// `<label>.<svc>.<ns>.svc.<zone>`, the label being a hostname or a pod name.
    Endpoint(&'c str),
    /// `<dashed ip>.<svc>.<ns>.svc.<zone>`.
    Dashed(IpAddr),
    /// The question's own name, lower-cased (pod names).
    Question,
    /// `<label>.<cluster>.<svc>.<ns>.svc.<zone>` (multicluster zones).
    ClusterEndpoint(&'c str, &'c str),
    /// `<dashed ip>.<cluster>.<svc>.<ns>.svc.<zone>` (multicluster zones).
    ClusterDashed(&'c str, IpAddr),
}

impl<'c> TargetKey<'c> {
    /// The key of an endpoint address's name (see [`endpoint_label`]).
    fn of_endpoint(endpoint: &'c Endpoint, address: IpAddr, endpoint_pod_names: bool) -> Self {
        if let Some(hostname) = &endpoint.hostname {
            return TargetKey::Endpoint(hostname);
        }
        if endpoint_pod_names
            && let Some(pod) = endpoint.target_ref.as_ref().filter(|r| r.name.len() < 64)
        {
            return TargetKey::Endpoint(&pod.name);
        }
        TargetKey::Dashed(address)
    }

    /// The same endpoint under a cluster id (CoreDNS's multicluster key). An empty id, from a
    /// slice without a source cluster, adds no label: CoreDNS would write an empty one, a
    /// name it cannot send.
    fn in_cluster(self, cluster: &'c str) -> Self {
        match self {
            TargetKey::Endpoint(label) => TargetKey::ClusterEndpoint(cluster, label),
            TargetKey::Dashed(address) => TargetKey::ClusterDashed(cluster, address),
            other => other,
        }
    }

    /// The name, under `base` (the Service's name) when it has one.
    fn name(self, base: Option<&Name>, question: &Name) -> Name {
        let Some(base) = base else {
            return question.to_lowercase();
        };
        let mut buffer = [0u8; 48];
        let label = match self {
            TargetKey::Service => return base.clone(),
            TargetKey::Question => return question.to_lowercase(),
            TargetKey::Endpoint(label) => label,
            TargetKey::Dashed(address) => dashed_ip(&address, &mut buffer),
            TargetKey::ClusterEndpoint(cluster, label) => {
                return under_cluster(base, cluster, label);
            }
            TargetKey::ClusterDashed(cluster, address) => {
                return under_cluster(base, cluster, dashed_ip(&address, &mut buffer));
            }
        };
        base.prepend_label(label).unwrap_or_else(|_| base.clone())
    }
}

/// The result of a typed lookup.
enum Typed {
    Refused,
    NameError,
    /// Answer records (empty: NODATA) and additional records.
    Records(Vec<Record>, Vec<Record>),
}

impl Typed {
    fn empty() -> Typed {
        Typed::Records(Vec::new(), Vec::new())
    }

    fn one(record: Record) -> Typed {
        Typed::Records(vec![record], Vec::new())
    }
}

/// CoreDNS `matchPortAndProtocol`: an absent filter matches everything; names compare
/// case-insensitively.
fn port_matches(filter: Option<PortFilter<'_>>, name: Option<&str>, protocol: &str) -> bool {
    filter.is_none_or(|filter| {
        filter.port.eq_ignore_ascii_case(name.unwrap_or_default())
            && filter.protocol.eq_ignore_ascii_case(protocol)
    })
}

/// The record data for an address, when it is of the question's family.
pub(crate) fn address_rdata(address: IpAddr, qtype: RecordType) -> Option<RData> {
    match (address, qtype) {
        (IpAddr::V4(v4), RecordType::A) => Some(RData::A(A(v4))),
        (IpAddr::V6(v6), RecordType::AAAA) => Some(RData::AAAA(AAAA(v6))),
        _ => None,
    }
}

/// The name of an endpoint address (CoreDNS `endpointHostname`): its hostname; else, with
/// `endpoint_pod_names`, its Pod's name if shorter than 64; else its dashed IP.
pub(crate) fn endpoint_label<'e>(
    endpoint: &'e Endpoint,
    address: &IpAddr,
    endpoint_pod_names: bool,
    buffer: &'e mut [u8; 48],
) -> &'e str {
    if let Some(hostname) = &endpoint.hostname {
        return hostname;
    }
    if endpoint_pod_names
        && let Some(pod) = endpoint.target_ref.as_ref().filter(|r| r.name.len() < 64)
    {
        return &pod.name;
    }
    dashed_ip(address, buffer)
}

/// Whether `label` names this endpoint address (see [`endpoint_label`]).
fn endpoint_name_matches(
    endpoint: &Endpoint,
    address: &IpAddr,
    endpoint_pod_names: bool,
    label: &str,
) -> bool {
    let mut buffer = [0u8; 48];
    endpoint_label(endpoint, address, endpoint_pod_names, &mut buffer).eq_ignore_ascii_case(label)
}

/// `<service>.<namespace>.svc.<zone>`.
pub(crate) fn service_name(service: &ClusterService, zone: &Name) -> Name {
    let meta = &service.service().meta;
    Name::from_labels([meta.name.as_str(), meta.namespace.as_str(), "svc"])
        .and_then(|name| name.append_domain(zone))
        .unwrap_or_else(|_| zone.clone())
}

/// `<import>.<namespace>.svc.<zone>`.
fn import_name(import: &ClusterImport, zone: &Name) -> Name {
    let meta = &import.import().meta;
    Name::from_labels([meta.name.as_str(), meta.namespace.as_str(), "svc"])
        .and_then(|name| name.append_domain(zone))
        .unwrap_or_else(|_| zone.clone())
}

/// `<label>.<cluster>.<base>`, the cluster id spelled as its label holds it (a dotted value
/// makes several labels, as CoreDNS joins it); no cluster label for an empty id.
fn under_cluster(base: &Name, cluster: &str, label: &str) -> Name {
    let parent = if cluster.is_empty() {
        base.clone()
    } else {
        Name::from_ascii(cluster)
            .and_then(|cluster| cluster.append_domain(base))
            .unwrap_or_else(|_| base.clone())
    };
    parent.prepend_label(label).unwrap_or(parent)
}

/// CoreDNS's SRV weight: 100 shared by the entries at priority 0, floored, at least 1.
pub(crate) fn srv_weight(entries: usize) -> u16 {
    match entries {
        0 => 100,
        n => u16::try_from(100 / n).unwrap_or(0).max(1),
    }
}

/// Whether a zone is a reverse zone (under `in-addr.arpa.` or `ip6.arpa.`).
pub(crate) fn is_reverse_zone(zone: &Name) -> bool {
    let labels: Vec<&[u8]> = zone.iter().collect();
    matches!(
        labels.as_slice(),
        [.., in_addr, arpa] if arpa.eq_ignore_ascii_case(b"arpa")
            && (in_addr.eq_ignore_ascii_case(b"in-addr") || in_addr.eq_ignore_ascii_case(b"ip6"))
    )
}

/// An address with `.` and `:` replaced by `-`, and a `0` added after a trailing `-`
/// (`10-1-0-5`, `2001-db8--0`), written into `buffer`.
pub(crate) fn dashed_ip<'b>(address: &IpAddr, buffer: &'b mut [u8; 48]) -> &'b str {
    use std::io::Write;
    let mut cursor = std::io::Cursor::new(&mut buffer[..]);
    // An IPv6 address is at most 45 characters; the write cannot fail.
    let _ = write!(cursor, "{address}");
    let mut len = cursor.position() as usize;
    for byte in &mut buffer[..len] {
        if *byte == b'.' || *byte == b':' {
            *byte = b'-';
        }
    }
    if len > 0 && buffer[len - 1] == b'-' {
        buffer[len] = b'0';
        len += 1;
    }
    std::str::from_utf8(&buffer[..len]).unwrap_or_default()
}

/// The address of a pod label (CoreDNS `findPods`): exactly three `-` and no `--` is IPv4,
/// anything else is read as IPv6 with `-` for `:`.
fn pod_address(label: &str) -> Option<IpAddr> {
    let dashes = label.bytes().filter(|&b| b == b'-').count();
    let mut buffer = [0u8; 63];
    let target = buffer.get_mut(..label.len())?;
    let ipv4 = dashes == 3 && !label.contains("--");
    for (out, byte) in target.iter_mut().zip(label.bytes()) {
        *out = match (byte, ipv4) {
            (b'-', true) => b'.',
            (b'-', false) => b':',
            (other, _) => other,
        };
    }
    let text = std::str::from_utf8(target).ok()?;
    if ipv4 {
        text.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
    } else {
        text.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashed_ip_follows_coredns_endpoint_hostname() {
        let table = [
            ("10.1.0.5", "10-1-0-5"),
            ("2001:db8::", "2001-db8--0"),
            ("5678:abcd::1", "5678-abcd--1"),
            ("::1", "--1"),
        ];
        for (ip, dashed) in table {
            let mut buffer = [0u8; 48];
            assert_eq!(dashed_ip(&ip.parse().unwrap(), &mut buffer), dashed, "{ip}");
        }
    }

    #[test]
    fn pod_labels_read_back_as_addresses() {
        let table = [
            ("10-1-0-5", Some("10.1.0.5")),
            ("1-2-3", None),
            ("fd00--1", Some("fd00::1")),
            ("10--1-0-5", Some("10::1:0:5")), // four dashes: read as IPv6
            ("not-an-ip", None),
        ];
        for (label, expected) in table {
            let expected = expected.map(|ip| ip.parse::<IpAddr>().unwrap());
            assert_eq!(pod_address(label), expected, "{label}");
        }
    }
}
