//! The invariants of `docs/invariants.md` that need more than one answer to check: existence
//! (NXDOMAIN versus NODATA), PTR and SRV targets, the zone listing, workloads, change
//! sequences, explanations, Corefiles, text and wire questions, pod resolution. Each runs
//! a few dozen cases (`PROPTEST_CASES` raises them for a long run) so that the file stays
//! cheap in a debug build.

use std::collections::BTreeSet;
use std::net::IpAddr;

use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
use k8s_dns_sim::hickory_proto::rr::{Name, RData, RecordType};
use k8s_dns_sim::model::PodPhase;
use k8s_dns_sim::resolver::Family;
use k8s_dns_sim::strategies::{
    CLUSTER_IDS, ClusterShape, GeneratedCluster, ImportKind, MISSING_ADDRESSES, Question,
    ReverseZones, change_sequence, cluster, cluster_with_questions, kubernetes_config, names_for,
    pod_context, question_text, questions_for, reverse_name, server_blocks, wire_queries_for,
};
use k8s_dns_sim::{
    Answer, Cluster, ClusterDns, ClusterService, ClusterSlice, Config, KubernetesConfig, Outcome,
    PodMode, ServiceType, Transport,
};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;

/// `cases` cases, or `PROPTEST_CASES` when it is set.
fn cases(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        // No regression files (and no warning about where to put them): the seeds that
        // matter are table tests.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn shape() -> ClusterShape {
    ClusterShape::default()
}

fn name(text: &str) -> Name {
    Name::from_ascii(text).unwrap()
}

fn addresses(answer: &Answer) -> BTreeSet<IpAddr> {
    answer.addresses().into_iter().collect()
}

/// The answer records' types and data, lower-cased.
fn data_of(answer: &Answer) -> BTreeSet<String> {
    answer
        .answers
        .iter()
        .map(|record| format!("{} {}", record.record_type(), record.data).to_lowercase())
        .collect()
}

/// What a name is, as `docs/coredns-rules.md` defines existence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exists {
    /// The name does not exist (NXDOMAIN).
    No,
    /// It exists and holds nothing (the apex, `svc.<zone>`, a namespace).
    Empty,
    /// It exists with records of these types.
    With {
        a: bool,
        aaaa: bool,
        srv: bool,
        cname: bool,
    },
}

impl Exists {
    fn of(addresses: &[IpAddr], srv: bool) -> Exists {
        if addresses.is_empty() {
            return Exists::No;
        }
        Exists::With {
            a: addresses.iter().any(IpAddr::is_ipv4),
            aaaa: addresses.iter().any(IpAddr::is_ipv6),
            srv,
            cname: false,
        }
    }
}

/// The label an endpoint address answers to (rule 14).
fn label(hostname: Option<&str>, pod: Option<&str>, address: IpAddr, pod_names: bool) -> String {
    if let Some(hostname) = hostname {
        return hostname.to_owned();
    }
    if pod_names && let Some(pod) = pod.filter(|pod| pod.len() < 64) {
        return pod.to_owned();
    }
    let mut dashed = address.to_string().replace(['.', ':'], "-");
    if dashed.ends_with('-') {
        dashed.push('0');
    }
    dashed
}

/// A ready endpoint address as the existence model sees it: its label (rule 14), its slice's
/// cluster id (empty outside a multicluster zone), and whether its slice has a port matching
/// the filter asked.
struct Ready {
    label: String,
    cluster: String,
    /// The endpoint's topology zone, as read (lower-case).
    zone: Option<String>,
    address: IpAddr,
    has_port: bool,
}

/// The ready endpoint addresses of `slices` (rule 13), each with whether its slice has a port
/// matching `filter` (`None`: any numbered port).
fn ready_endpoints<'a>(
    slices: impl Iterator<Item = &'a ClusterSlice>,
    config: &KubernetesConfig,
    filter: Option<(&str, &str)>,
) -> Vec<Ready> {
    let mut out = Vec::new();
    for cluster_slice in slices {
        let slice = cluster_slice.slice();
        let ports = slice.ports.iter().filter(|port| port.port.is_some());
        let has_port = match filter {
            None => ports.count() > 0,
            Some((name, protocol)) => slice.ports.iter().any(|port| {
                port.name
                    .as_deref()
                    .unwrap_or("")
                    .eq_ignore_ascii_case(name)
                    && port.protocol.as_str().eq_ignore_ascii_case(protocol)
            }),
        };
        for endpoint in slice
            .endpoints
            .iter()
            .filter(|endpoint| endpoint.is_ready())
        {
            for address in &endpoint.addresses {
                let pod = endpoint.target_ref.as_ref().map(|target| &*target.name);
                let label = label(
                    endpoint.hostname.as_deref(),
                    pod,
                    *address,
                    config.endpoint_pod_names,
                );
                out.push(Ready {
                    label,
                    cluster: cluster_slice.cluster_id().to_owned(),
                    zone: endpoint.zone.as_deref().map(str::to_owned),
                    address: *address,
                    has_port,
                });
            }
        }
    }
    out
}

/// The slices the plugin sees of a Service: none with `noendpoints` (it watches no endpoints).
fn service_slices<'a>(
    service: &'a ClusterService,
    config: &KubernetesConfig,
) -> impl Iterator<Item = &'a ClusterSlice> {
    service
        .slices()
        .take(if config.noendpoints { 0 } else { usize::MAX })
}

/// The zones the existence model knows: the cluster zone, and the one generated
/// configurations may make `multicluster`.
const MODELLED_ZONES: [&str; 2] = ["cluster.local.", "clusterset.local."];

/// The modelled zone `name` is in, when the configuration serves it, and whether it is
/// `multicluster`.
fn zone_of<'a>(config: &KubernetesConfig, name: &'a str) -> Option<(&'static str, &'a str, bool)> {
    let zone = MODELLED_ZONES
        .into_iter()
        .find(|zone| name == *zone || name.ends_with(&format!(".{zone}")))?;
    let zone_name = self::name(zone);
    if !config.zones.contains(&zone_name) {
        return None;
    }
    let multicluster = config
        .multicluster_zones
        .iter()
        .any(|mc| mc.zone_of(&zone_name));
    let rest = name
        .strip_suffix(zone)
        .unwrap_or_default()
        .trim_end_matches('.');
    Some((zone, rest, multicluster))
}

/// Whether `name` (lower case, absolute) exists in `cluster.local` or, in a `multicluster`
/// zone, `clusterset.local` (rules 6–8, 11, 12, 14, 15, 17, 19, 20, 25, 26): `None` for the
/// names this model leaves to other properties (`ns.dns`, names outside those zones or in
/// one the configuration does not serve).
fn exists(cluster: &Cluster, config: &KubernetesConfig, name: &str) -> Option<Exists> {
    let (_, rest, multicluster) = zone_of(config, name)?;
    if rest.is_empty() {
        return Some(Exists::Empty);
    }
    let labels: Vec<&str> = rest.split('.').rev().collect();
    if rest.starts_with("ns.dns") {
        return None;
    }
    if labels[0] == "pod" {
        return Some(pod_exists(cluster, config, &labels));
    }
    if labels[0] != "svc" {
        return Some(Exists::No);
    }
    if labels.len() == 1 {
        return Some(Exists::Empty);
    }
    let namespace = labels[1];
    if !cluster.has_namespace(namespace) || !config.exposes_namespace(namespace) {
        return Some(Exists::No);
    }
    if labels.len() == 2 {
        return Some(Exists::Empty);
    }
    if multicluster {
        return Some(import_exists(cluster, config, &labels));
    }
    let Some(service) = cluster.service(namespace, labels[2]) else {
        return Some(Exists::No);
    };
    let spec = service.service();
    if let ServiceType::ExternalName(_) = spec.service_type {
        return Some(if labels.len() == 3 {
            Exists::With {
                a: false,
                aaaa: false,
                srv: false,
                cname: true,
            }
        } else {
            Exists::No
        });
    }
    let headless = spec.is_headless();
    // Rule 26: with `zonal`, `<z>.pin|prefer._zone.<svc>` exists for a headless Service: its
    // ready endpoints in zone `<z>`, nothing (NODATA, TXT too) when none is there (`prefer`:
    // then every endpoint). Without `zonal` the name is too long: NXDOMAIN.
    if config.zonal
        && labels.len() >= 6
        && labels[3] == "_zone"
        && matches!(labels[4], "pin" | "prefer")
    {
        if !headless {
            return Some(Exists::No);
        }
        let zone: Vec<&str> = labels[5..].iter().rev().copied().collect();
        let zone = zone.join(".");
        let ready = ready_endpoints(service_slices(service, config), config, None);
        let mut chosen: Vec<&Ready> = ready
            .iter()
            .filter(|ready| ready.zone.as_deref() == Some(zone.as_str()))
            .collect();
        if chosen.is_empty() && labels[4] == "prefer" {
            chosen = ready.iter().collect();
        }
        let addresses: Vec<IpAddr> = chosen.iter().map(|ready| ready.address).collect();
        return Some(if addresses.is_empty() {
            Exists::With {
                a: false,
                aaaa: false,
                srv: false,
                cname: false,
            }
        } else {
            Exists::of(&addresses, chosen.iter().any(|ready| ready.has_port))
        });
    }
    // `ignore empty_service`: a ClusterIP Service without ready endpoints does not exist.
    let has_ready = !config.noendpoints && service.has_ready_endpoints();
    if !headless && config.ignore_empty_service && !has_ready {
        return Some(Exists::No);
    }
    let cluster_ips = service.cluster_ips().to_vec();
    let ports: Vec<(&str, &str)> = spec
        .ports
        .iter()
        .map(|port| (port.name.as_deref().unwrap_or(""), port.protocol.as_str()))
        .collect();
    Some(service_part_exists(
        ready_endpoints(service_slices(service, config), config, None),
        |filter| ready_endpoints(service_slices(service, config), config, Some(filter)),
        headless,
        &cluster_ips,
        &ports,
        &labels,
        false,
    ))
}

/// Rule 23: `pod.<zone>` exists, holding nothing; below it nothing with `pods disabled`;
/// `<ns>.pod` holds nothing when the namespace is exposed; `<a-b-c-d>.<ns>.pod` (up to two
/// labels left of it ignored) is that address when it parses and the namespace is exposed, and
/// under `pods verified` a Pod of the namespace has it, not terminating nor finished.
fn pod_exists(cluster: &Cluster, config: &KubernetesConfig, labels: &[&str]) -> Exists {
    if labels.len() == 1 {
        return Exists::Empty;
    }
    let namespace = labels[1];
    let exposed = cluster.has_namespace(namespace) && config.exposes_namespace(namespace);
    if config.pods == PodMode::Disabled || !exposed || labels.len() > 5 {
        return Exists::No;
    }
    if labels.len() == 2 {
        return Exists::Empty;
    }
    let label = labels[2];
    let ipv4 = label.matches('-').count() == 3 && !label.contains("--");
    let text = label.replace('-', if ipv4 { "." } else { ":" });
    let Ok(address) = text.parse::<IpAddr>() else {
        return Exists::No;
    };
    if address.is_ipv4() != ipv4 {
        return Exists::No;
    }
    if config.pods == PodMode::Verified
        && !cluster.pods().any(|pod| {
            pod.meta.namespace == namespace
                && pod.pod_ips.contains(&address)
                && !pod.terminating
                && !matches!(
                    pod.phase,
                    Some(PodPhase::Succeeded | PodPhase::Failed | PodPhase::Unknown)
                )
        })
    {
        return Exists::No;
    }
    Exists::of(&[address], true)
}

/// Rule 25: in a `multicluster` zone only ServiceImports exist; `noendpoints` does not hide
/// their slices, `ignore empty_service` applies to those that are not headless, an endpoint
/// name carries its slice's cluster id, and a `ClusterSetIP` import exists through its ports.
fn import_exists(cluster: &Cluster, config: &KubernetesConfig, labels: &[&str]) -> Exists {
    let Some(import) = cluster.service_import(labels[1], labels[2]) else {
        return Exists::No;
    };
    let spec = import.import();
    let headless = spec.is_headless();
    if !headless && config.ignore_empty_service && !import.has_ready_endpoints() {
        return Exists::No;
    }
    let ports: Vec<(&str, &str)> = spec
        .ports
        .iter()
        .map(|port| (port.name.as_deref().unwrap_or(""), port.protocol.as_str()))
        .collect();
    if !headless && ports.is_empty() {
        return Exists::No;
    }
    service_part_exists(
        ready_endpoints(import.slices(), config, None),
        |filter| ready_endpoints(import.slices(), config, Some(filter)),
        headless,
        &spec.ips,
        &ports,
        labels,
        true,
    )
}

/// What the part of a Service's (or import's) name left of `<svc>.<ns>.svc` holds: the name
/// itself (its virtual IPs, or for a headless one its ready endpoints), an endpoint (in a
/// multicluster zone `<endpoint>.<cluster>`), or `_<port>._<proto>`.
fn service_part_exists(
    ready: Vec<Ready>,
    ready_with_port: impl Fn((&str, &str)) -> Vec<Ready>,
    headless: bool,
    virtual_ips: &[IpAddr],
    ports: &[(&str, &str)],
    labels: &[&str],
    multicluster: bool,
) -> Exists {
    let of = |ready: &[&Ready], srv: bool| {
        let addresses: Vec<IpAddr> = ready.iter().map(|ready| ready.address).collect();
        Exists::of(&addresses, srv)
    };
    let endpoint = |label: &str, cluster: &str| {
        let mine: Vec<&Ready> = ready
            .iter()
            .filter(|ready| {
                ready.label.eq_ignore_ascii_case(label)
                    && ready.cluster.eq_ignore_ascii_case(cluster)
            })
            .collect();
        of(&mine, mine.iter().any(|ready| ready.has_port))
    };
    match labels.len() {
        3 if headless => {
            let all: Vec<&Ready> = ready.iter().collect();
            of(&all, ready.iter().any(|ready| ready.has_port))
        }
        // A virtual IP name with no IP (an import without `ips`) exists, holding nothing.
        3 if virtual_ips.is_empty() => Exists::With {
            a: false,
            aaaa: false,
            srv: false,
            cname: false,
        },
        3 => Exists::of(virtual_ips, !ports.is_empty()),
        // One label: an endpoint (in a multicluster zone, of the empty cluster id).
        4 => endpoint(labels[3], ""),
        5 if multicluster && !labels[3].starts_with('_') && !labels[4].starts_with('_') => {
            endpoint(labels[4], labels[3])
        }
        5 => {
            let protocol = labels[3].trim_start_matches('_');
            let port = labels[4].trim_start_matches('_');
            if headless {
                let matching = ready_with_port((port, protocol));
                let matching: Vec<&Ready> =
                    matching.iter().filter(|ready| ready.has_port).collect();
                of(&matching, true)
            } else if ports.iter().any(|(name, proto)| {
                name.eq_ignore_ascii_case(port) && proto.eq_ignore_ascii_case(protocol)
            }) {
                Exists::of(virtual_ips, true)
            } else {
                Exists::No
            }
        }
        _ => Exists::No,
    }
}

/// The outcome `exists` implies for `qtype` (rules 1, 3, 4, 10, 19, 20); `None` when the
/// outcome needs the chase of an ExternalName (checked against the target's own answer).
fn expected_outcome(exists: Exists, qtype: RecordType, name: &str) -> Option<Outcome> {
    let apex = MODELLED_ZONES.contains(&name);
    if MODELLED_ZONES
        .iter()
        .any(|zone| name == format!("dns-version.{zone}"))
        && qtype == RecordType::TXT
    {
        return Some(Outcome::Success);
    }
    let has = match (exists, qtype) {
        (_, RecordType::SOA) => {
            return Some(if apex {
                Outcome::Success
            } else {
                Outcome::NoData
            });
        }
        (_, RecordType::NS) if apex => return Some(Outcome::Success),
        // The TXT quirk (rule 10): NODATA when the lookup found records, else NXDOMAIN.
        (Exists::With { .. }, RecordType::TXT) => return Some(Outcome::NoData),
        (_, RecordType::TXT) => return Some(Outcome::NxDomain),
        (Exists::No, _) => return Some(Outcome::NxDomain),
        (Exists::Empty, _) => false,
        (Exists::With { cname: true, .. }, RecordType::A | RecordType::AAAA) => return None,
        (Exists::With { a, .. }, RecordType::A) => a,
        (Exists::With { aaaa, .. }, RecordType::AAAA) => aaaa,
        (Exists::With { srv, .. }, RecordType::SRV) => srv,
        (Exists::With { cname, .. }, RecordType::CNAME) => cname,
        // Every other type: existence only (rule 4).
        (Exists::With { .. }, _) => false,
    };
    Some(if has {
        Outcome::Success
    } else {
        Outcome::NoData
    })
}

/// Every generated configuration: every option that decides existence in `cluster.local`,
/// `noendpoints` (no Service has endpoints) and `fallthrough` (a name error in its zones is
/// passed on, SERVFAIL with no plugin after `kubernetes`) among them.
fn existence_config(generated: &GeneratedCluster) -> impl Strategy<Value = Config> + use<> {
    kubernetes_config(generated.namespaces.clone()).prop_map(|generated| generated.config)
}

/// `kubernetes cluster.local clusterset.local { multicluster clusterset.local }`.
fn multicluster_config() -> Config {
    Config::default()
        .with_zones(["cluster.local", "clusterset.local"])
        .and_then(|config| config.with_multicluster_zones(["clusterset.local"]))
        .unwrap()
}

fn ptr_config() -> Config {
    Config::default()
        .with_zones(["cluster.local", "in-addr.arpa", "ip6.arpa"])
        .unwrap()
}

proptest! {
    #![proptest_config(cases(32))]

    /// Rules 1, 4, 6–8, 10–12, 14, 15, 17, 19, 20, 23, 25, 26, 35: NXDOMAIN exactly when the name
    /// does not exist and NODATA exactly when it exists without the type asked, existence as
    /// `docs/coredns-rules.md` defines it (the TXT quirk, `ignore empty_service`, `namespaces`,
    /// `endpoint_pod_names`, `noendpoints`, `zonal`, `pods`, ServiceImports in a `multicluster` zone,
    /// ExternalName chasing), a name error SERVFAIL where `fallthrough` passes it on, over
    /// every generated configuration.
    #[test]
    fn rule_nxdomain_exactly_when_the_name_does_not_exist(
        (generated, config) in cluster(shape()).prop_flat_map(|generated| {
            let config = existence_config(&generated);
            (Just(generated), config)
        }),
        qtypes in proptest::sample::subsequence(k8s_dns_sim::strategies::QUESTION_TYPES.to_vec(), 3),
    ) {
        let dns = generated.dns_with(config.clone());
        let kubernetes = config.kubernetes().unwrap();
        for name in names_for(&generated) {
            let Some(exists) = exists(generated.cluster(), kubernetes, &name) else { continue };
            for &qtype in &qtypes {
                if qtype == RecordType::PTR {
                    continue;
                }
                let answer = dns.answer(&self::name(&name), qtype);
                let expected = match expected_outcome(exists, qtype, &name) {
                    Some(outcome) => outcome,
                    None => {
                        // Rule 19: an in-zone target is chased; the CNAME stays only with
                        // records behind it, and a target outside the zone keeps it.
                        let labels: Vec<&str> = name.split('.').collect();
                        let service = generated.cluster().service(labels[1], labels[0]).unwrap();
                        let target = format!("{}.", service.service().external_name().unwrap());
                        if target.ends_with(".cluster.local.") {
                            let chased = dns.answer(&self::name(&target), qtype);
                            if chased.answers.is_empty() { Outcome::NoData } else { Outcome::Success }
                        } else {
                            Outcome::Success
                        }
                    }
                };
                // Rule 35: `fallthrough` passes a name error on; no plugin follows, so the
                // server answers SERVFAIL (NODATA never falls through).
                let expected = if expected == Outcome::NxDomain && kubernetes.falls_through(&self::name(&name)) {
                    Outcome::ServFail
                } else {
                    expected
                };
                prop_assert_eq!(answer.outcome, expected, "{} {:?} ({:?}) {:?}", name, qtype, exists, kubernetes);
                if matches!(answer.outcome, Outcome::NxDomain | Outcome::NoData) {
                    // Every negative answer carries one SOA (rule 1).
                    prop_assert_eq!(answer.authorities.len(), 1);
                }
            }
        }
    }

    /// Rule 18: every PTR target resolves back to the address asked; every ClusterIP and ready
    /// endpoint address has one; an address no object has is NXDOMAIN.
    #[test]
    fn rule_every_ptr_target_resolves_back_to_its_address(generated in cluster(shape())) {
        let dns = generated.dns_with(ptr_config());
        let mut known: Vec<(IpAddr, bool)> = Vec::new();
        for service in &generated.services {
            known.extend(service.cluster_ips.iter().map(|ip| (*ip, true)));
            known.extend(service.served().iter().map(|endpoint| (endpoint.address, endpoint.is_ready())));
        }
        for pod in generated.cluster().pods() {
            known.extend(pod.pod_ips.iter().map(|ip| (*ip, false)));
        }
        known.extend(MISSING_ADDRESSES.map(|ip| (ip, false)));
        for (address, must_exist) in known {
            let answer = dns.answer(&name(&reverse_name(address)), RecordType::PTR);
            if must_exist {
                prop_assert_eq!(answer.outcome, Outcome::Success, "{}", address);
            }
            if MISSING_ADDRESSES.contains(&address) {
                prop_assert_eq!(answer.outcome, Outcome::NxDomain, "{}", address);
            }
            for record in &answer.answers {
                let RData::PTR(target) = &record.data else {
                    prop_assert!(false, "a PTR answer holds PTRs: {}", record);
                    continue;
                };
                let qtype = if address.is_ipv4() { RecordType::A } else { RecordType::AAAA };
                let back = dns.answer(&target.0, qtype);
                prop_assert!(addresses(&back).contains(&address), "{} -> {} -> {:?}", address, target.0, back.answers);
            }
        }
    }

    /// Rule 16: every SRV target inside the zone resolves, to the addresses the additional
    /// section gives it.
    #[test]
    fn rule_every_in_zone_srv_target_resolves(generated in cluster(shape())) {
        let dns = generated.dns();
        let zone = name("cluster.local.");
        let srv_names = names_for(&generated).into_iter().filter(|name| name.ends_with(".svc.cluster.local."));
        for question in srv_names {
            let answer = dns.answer(&name(&question), RecordType::SRV);
            for record in &answer.answers {
                let RData::SRV(srv) = &record.data else { continue };
                let target = &srv.target;
                if !zone.zone_of(target) {
                    continue;
                }
                let mut resolved = addresses(&dns.answer(target, RecordType::A));
                resolved.extend(addresses(&dns.answer(target, RecordType::AAAA)));
                prop_assert!(!resolved.is_empty(), "{} SRV -> {}", question, target);
                for glue in answer.additionals.iter().filter(|glue| &glue.name == target) {
                    let address = match &glue.data {
                        RData::A(a) => IpAddr::V4(a.0),
                        RData::AAAA(aaaa) => IpAddr::V6(aaaa.0),
                        _ => continue,
                    };
                    prop_assert!(resolved.contains(&address), "{} glue {} not in {:?}", target, address, resolved);
                }
            }
        }
    }

    /// Rule 27: every record of the zone listing is in the answer to its own name and type
    /// (SRV up to its weight, the listing's documented difference; glue TTLs not compared);
    /// every address a Service name or a headless endpoint name answers is listed.
    #[test]
    fn rule_the_zone_listing_agrees_with_the_answers(generated in cluster(shape())) {
        let dns = generated.dns();
        let listing = dns.zone_records("cluster.local").unwrap();
        let mut listed: BTreeSet<String> = BTreeSet::new();
        for record in &listing {
            let qtype = record.record_type();
            if matches!(qtype, RecordType::SOA | RecordType::NS) || record.name.to_string().starts_with("ns.dns.") {
                continue;
            }
            let answer = dns.answer(&record.name, qtype);
            let line = |owner: &Name, data: &RData| match data {
                RData::SRV(srv) => format!("{owner} SRV {} {} {}", srv.priority, srv.port, srv.target).to_lowercase(),
                other => format!("{owner} {} {other}", other.record_type()).to_lowercase(),
            };
            let wanted = line(&record.name, &record.data);
            let answered: BTreeSet<String> = answer.answers.iter().map(|r| line(&r.name, &r.data)).collect();
            prop_assert!(answered.contains(&wanted), "listed {} but answered {:?}", wanted, answered);
            listed.insert(wanted);
        }
        let mut owners: Vec<Name> = generated.services.iter().map(|service| service.fqdn()).collect();
        owners.extend(generated.workloads.iter().map(|workload| workload.fqdn()));
        for service in generated.services.iter().filter(|service| service.kind == k8s_dns_sim::strategies::ServiceKind::Headless) {
            for endpoint in service.ready() {
                owners.push(name(&format!("{}.{}", endpoint.label(false), service.fqdn())));
            }
        }
        for owner in owners {
            for qtype in [RecordType::A, RecordType::AAAA] {
                for record in &dns.answer(&owner, qtype).answers {
                    if record.name != owner || record.record_type() != qtype {
                        continue; // an ExternalName's CNAME and its target's records
                    }
                    let line = format!("{} {} {}", record.name, qtype, record.data).to_lowercase();
                    prop_assert!(listed.contains(&line), "answered {} but not listed", line);
                }
            }
        }
    }

    /// Rule 25: in a `multicluster` zone a `ClusterSetIP` import answers its ClusterSet IPs of
    /// the family asked, a headless one the ready endpoints of every cluster (NXDOMAIN with
    /// none ready); `<endpoint>.<cluster>.<import>` answers the ready endpoints of that label
    /// in that cluster, `<endpoint>.<import>` those of slices without a source cluster,
    /// NXDOMAIN where there are none; a Service is not seen there, nor an import in the
    /// cluster zone.
    #[test]
    fn rule_a_multicluster_zone_answers_service_imports(generated in cluster(shape())) {
        let dns = generated.dns_with(multicluster_config());
        let cluster = generated.cluster();
        for import in &generated.imports {
            for (qtype, v6) in [(RecordType::A, false), (RecordType::AAAA, true)] {
                let answer = dns.answer(&import.fqdn(), qtype);
                let expected: Option<BTreeSet<IpAddr>> = if import.kind == ImportKind::Headless {
                    let ready: Vec<IpAddr> = import.ready().map(|(_, endpoint)| endpoint.address).collect();
                    (!ready.is_empty()).then(|| ready.into_iter().filter(|ip| ip.is_ipv6() == v6).collect())
                } else {
                    Some(import.ips.iter().copied().filter(|ip| ip.is_ipv6() == v6).collect())
                };
                match expected {
                    None => prop_assert_eq!(answer.outcome, Outcome::NxDomain, "{:?}", import),
                    Some(expected) => {
                        let outcome = if expected.is_empty() { Outcome::NoData } else { Outcome::Success };
                        prop_assert_eq!(addresses(&answer), expected, "{:?} {:?}", import, qtype);
                        prop_assert_eq!(answer.outcome, outcome, "{:?} {:?}", import, qtype);
                    }
                }
            }
            for (_, endpoint) in import.ready() {
                let label = endpoint.label(false);
                let v6 = endpoint.address.is_ipv6();
                let qtype = if v6 { RecordType::AAAA } else { RecordType::A };
                // Under each cluster id, the empty one (no cluster label) and one no slice has.
                for asked in CLUSTER_IDS.into_iter().chain(["north"]) {
                    let owner = import.endpoint_name(&label, asked);
                    let matching: Vec<IpAddr> = import
                        .ready()
                        .filter(|(cluster_id, same)| *cluster_id == asked && same.label(false) == label)
                        .map(|(_, same)| same.address)
                        .collect();
                    let answer = dns.answer(&owner, qtype);
                    if matching.is_empty() {
                        prop_assert_eq!(answer.outcome, Outcome::NxDomain, "{}", owner);
                    } else {
                        let expected: BTreeSet<IpAddr> = matching.into_iter().filter(|ip| ip.is_ipv6() == v6).collect();
                        prop_assert_eq!(addresses(&answer), expected, "{}", owner);
                    }
                }
            }
            if cluster.service(&import.namespace, &import.name).is_none() {
                let in_cluster_zone = name(&format!("{}.{}.svc.cluster.local.", import.name, import.namespace));
                prop_assert_eq!(dns.answer(&in_cluster_zone, RecordType::A).outcome, Outcome::NxDomain, "{}", in_cluster_zone);
            }
        }
        for service in &generated.services {
            if cluster.service_import(&service.namespace, &service.name).is_none() {
                let in_set = name(&format!("{}.{}.svc.clusterset.local.", service.name, service.namespace));
                prop_assert_eq!(dns.answer(&in_set, RecordType::A).outcome, Outcome::NxDomain, "{}", in_set);
            }
        }
    }

    /// Rule 27 in a `multicluster` zone: the listing holds the ServiceImports, not the
    /// Services, and names endpoints without their cluster id (its documented difference).
    /// Every listed record at an import's own name (or `_<port>._<proto>` of it) is in the
    /// answer, an SRV target up to the cluster id and the weight; every listed endpoint record
    /// is answered under `<endpoint>.<cluster>` for one of the import's clusters; every
    /// address an import name answers is listed.
    #[test]
    fn rule_the_multicluster_zone_listing_agrees_with_the_answers(generated in cluster(shape())) {
        let dns = generated.dns_with(multicluster_config());
        let listing = dns.zone_records("clusterset.local").unwrap();
        let mut listed: BTreeSet<String> = BTreeSet::new();
        let import_of = |owner: &Name| {
            generated.imports.iter().find(|import| import.fqdn().zone_of(owner))
        };
        // `<endpoint>.<cluster>.<import>…` without its cluster label.
        let without_cluster = |target: &Name, import: &k8s_dns_sim::strategies::GeneratedImport| {
            if target.num_labels() == import.fqdn().num_labels() + 2 {
                let labels: Vec<String> = target.iter().map(|label| String::from_utf8_lossy(label).into_owned()).collect();
                name(&format!("{}.{}.", labels[0], labels[2..].join(".")))
            } else {
                target.clone()
            }
        };
        for record in &listing {
            let qtype = record.record_type();
            if matches!(qtype, RecordType::SOA | RecordType::NS) || record.name.to_string().starts_with("ns.dns.") {
                continue;
            }
            let import = import_of(&record.name);
            prop_assert!(import.is_some(), "listed {} which is no import's", record);
            let import = import.unwrap();
            let line = |owner: &Name, data: &RData| match data {
                RData::SRV(srv) => format!("{owner} SRV {} {} {}", srv.priority, srv.port, without_cluster(&srv.target, import)).to_lowercase(),
                other => format!("{owner} {} {other}", other.record_type()).to_lowercase(),
            };
            let wanted = line(&record.name, &record.data);
            listed.insert(wanted.clone());
            let endpoint_name = record.name.num_labels() == import.fqdn().num_labels() + 1
                && !record.name.iter().next().is_some_and(|label| label.starts_with(b"_"));
            let answered: BTreeSet<String> = if endpoint_name {
                // Answered under one of the import's clusters, named with its id.
                let label = String::from_utf8_lossy(record.name.iter().next().unwrap()).into_owned();
                import.clusters.iter().flat_map(|slices| {
                    let owner = import.endpoint_name(&label, &slices.cluster);
                    dns.answer(&owner, qtype).answers.into_iter().map(|r| line(&record.name, &r.data))
                }).collect()
            } else {
                dns.answer(&record.name, qtype).answers.iter().map(|r| line(&r.name, &r.data)).collect()
            };
            prop_assert!(answered.contains(&wanted), "listed {} but answered {:?}", wanted, answered);
        }
        for import in &generated.imports {
            for qtype in [RecordType::A, RecordType::AAAA] {
                for record in &dns.answer(&import.fqdn(), qtype).answers {
                    let line = format!("{} {} {}", record.name, qtype, record.data).to_lowercase();
                    prop_assert!(listed.contains(&line), "answered {} but not listed", line);
                }
            }
        }
    }

    /// Generate → YAML → load, for workloads of every kind the simulator expands: each has
    /// the Pods its controller runs (`replicas`; a Job `min(parallelism, completions)`; a
    /// DaemonSet one per node); a headless Service answers the IPv4 addresses of its ready Pods
    /// that are not terminating (the EndpointSlice controller's rule), a ClusterIP one its
    /// allocated ClusterIP; every Pod with a hostname (a StatefulSet's, an Indexed Job's, a
    /// bare Pod's) answers under it.
    #[test]
    fn workload_services_answer_their_ready_pods(generated in cluster(ClusterShape { workloads: 3, services: 1, ..shape() })) {
        let dns = generated.dns();
        let cluster = generated.cluster();
        for workload in &generated.workloads {
            let pods: Vec<_> = cluster
                .pods()
                .filter(|pod| pod.meta.namespace == workload.namespace
                    && pod.meta.labels.get("app") == Some(&workload.name))
                .collect();
            prop_assert_eq!(pods.len(), workload.pod_count() as usize, "{:?}", workload);
            let ready: BTreeSet<IpAddr> = pods
                .iter()
                .filter(|pod| pod.ready == Some(true) && !pod.terminating)
                .flat_map(|pod| pod.pod_ips.iter().copied())
                .filter(IpAddr::is_ipv4)
                .collect();
            let answer = dns.answer(&workload.fqdn(), RecordType::A);
            if workload.headless {
                prop_assert_eq!(addresses(&answer), ready.clone(), "{:?}", workload);
            } else {
                let service = cluster.service(&workload.namespace, &workload.name).unwrap();
                let ips: BTreeSet<IpAddr> = service.cluster_ips().iter().copied().filter(IpAddr::is_ipv4).collect();
                prop_assert!(!ips.is_empty());
                prop_assert_eq!(addresses(&answer), ips);
            }
            for hostname in workload.hostnames() {
                let named: Vec<_> = pods
                    .iter()
                    .filter(|pod| pod.hostname.as_deref() == Some(hostname.as_str())
                        && pod.subdomain.as_deref() == Some(workload.name.as_str()))
                    .collect();
                prop_assert_eq!(named.len(), 1, "{} in {:?}", hostname, workload);
                let pod = named[0];
                let host = name(&format!("{hostname}.{}", workload.fqdn()));
                // Readiness is the Pod's own: hostNetwork Pods share their node's address.
                let serves = pod.ready == Some(true) && !pod.terminating;
                let expected: BTreeSet<IpAddr> = pod.pod_ips.iter().copied().filter(|ip| serves && ip.is_ipv4()).collect();
                let answer = dns.answer(&host, RecordType::A);
                prop_assert_eq!(addresses(&answer), expected, "{}", host);
            }
        }
    }

    /// Any sequence of changes, every `Change` variant among them, answers as a fresh load of
    /// the final state; a batch that fails is refused whole and changes no answer.
    #[test]
    fn rule_any_change_sequence_answers_as_a_fresh_load_and_failed_batches_change_nothing(
        (generated, sequence, questions) in cluster(shape()).prop_flat_map(|generated| {
            let sequence = change_sequence(&generated, 6);
            let questions = questions_for(&generated);
            (Just(generated), sequence, questions)
        }),
    ) {
        let asked: Vec<&Question> = questions.iter().filter(|question| question.qtype != RecordType::SOA).collect();
        let answers = |dns: &ClusterDns| -> Vec<(Outcome, BTreeSet<String>)> {
            asked.iter().map(|question| {
                let answer = dns.answer(&question.name, question.qtype);
                (answer.outcome, data_of(&answer))
            }).collect()
        };
        let mut live = generated.dns().clone();
        for batch in &sequence.batches {
            let before = answers(&live);
            let result = live.apply(batch.changes.clone());
            prop_assert_eq!(result.is_err(), batch.fails, "{:?}: {:?}", batch, result);
            if batch.fails {
                prop_assert_eq!(answers(&live), before);
            }
        }
        prop_assert_eq!(live.cluster().check_consistency(), Ok(()));
        prop_assert_eq!(answers(&live), answers(sequence.after.dns()));
    }

    /// An explanation carries exactly the answer the server gives, and its own reading of the
    /// cluster agrees with it (`disagreements` empty), for every generated configuration.
    #[test]
    fn rule_explanations_agree_with_their_answers(
        (generated, questions, config) in cluster_with_questions(shape()).prop_flat_map(|(generated, questions)| {
            let config = kubernetes_config(generated.namespaces.clone());
            (Just(generated), Just(questions), config)
        }),
    ) {
        let dns = generated.dns_with(config.config);
        for question in &questions {
            let answer = dns.answer(&question.name, question.qtype);
            let explanation = dns.explain_name(&question.name, question.qtype);
            prop_assert_eq!(explanation.answer.outcome, answer.outcome, "{:?}", question);
            prop_assert_eq!(&explanation.answer.answers, &answer.answers, "{:?}", question);
            prop_assert!(explanation.disagreements.is_empty(), "{:?}: {:?}", question, explanation.disagreements);
        }
    }

    /// A generated Corefile reads into the same `kubernetes` settings as the `Config` built
    /// for it, and both answer every question alike.
    #[test]
    fn a_generated_corefile_and_its_config_answer_alike(
        (generated, questions, config) in cluster_with_questions(shape()).prop_flat_map(|(generated, questions)| {
            let config = kubernetes_config(generated.namespaces.clone());
            (Just(generated), Just(questions), config)
        }),
    ) {
        let read = Config::from_corefile(&config.corefile).unwrap();
        prop_assert_eq!(read.kubernetes(), config.config.kubernetes(), "{}", config.corefile);
        let (built, read) = (generated.dns_with(config.config.clone()), generated.dns_with(read));
        for question in &questions {
            let (a, b) = (built.answer(&question.name, question.qtype), read.answer(&question.name, question.qtype));
            prop_assert_eq!(a.outcome, b.outcome, "{:?}", question);
            prop_assert_eq!(data_of(&a), data_of(&b), "{:?}", question);
        }
        if config.reverse != ReverseZones::None {
            prop_assert!(config.zones().iter().any(|zone| zone.to_string().ends_with("arpa.")));
        }
    }

    /// Rules 39, 24, 47: a Corefile of several server blocks answers every question through the
    /// block whose zone is the longest suffix of the name (REFUSED when none covers it), just
    /// as that block alone answers it (the root block kept beside it, for the names asked of
    /// the whole server again), its own `ttl` on the records; `bind` names the server's
    /// address at `ns.dns.cluster.local` (nothing without it); with `autopath @kubernetes`
    /// a Pod asking `<svc>.<ns>.<its ns>.svc.cluster.local` gets a CNAME to
    /// `<svc>.<ns>.svc.cluster.local` before that name's records.
    #[test]
    fn rule_a_multi_block_corefile_answers_each_zone_through_its_own_block(
        (generated, questions, corefile) in cluster_with_questions(shape()).prop_flat_map(|(generated, questions)| {
            let corefile = server_blocks(generated.namespaces.clone());
            (Just(generated), Just(questions), corefile)
        }),
    ) {
        let config = corefile.config();
        prop_assert_eq!(config.servers.len(), corefile.blocks.len(), "{}", corefile.corefile);
        let multi = generated.dns_with(config);
        for question in &questions {
            let answer = multi.answer(&question.name, question.qtype);
            let Some(block) = corefile.block_for(&question.name) else {
                prop_assert_eq!(answer.outcome, Outcome::Refused, "{:?}", question);
                continue;
            };
            let alone = generated.dns_with(corefile.alone(block)).answer(&question.name, question.qtype);
            prop_assert_eq!(answer.outcome, alone.outcome, "{:?}\n{}", question, corefile.corefile);
            prop_assert_eq!(&answer.answers, &alone.answers, "{:?}", question);
            prop_assert_eq!(&answer.authorities, &alone.authorities, "{:?}", question);
            let own_records = matches!(question.qtype, RecordType::A | RecordType::AAAA | RecordType::SRV | RecordType::PTR)
                && !answer.answers.iter().any(|record| record.record_type() == RecordType::CNAME);
            if let (Some(ttl), true) = (block.ttl, own_records) {
                prop_assert!(answer.answers.iter().all(|record| record.ttl == ttl), "{:?} {:?}", question, answer.answers);
            }
        }
        let cluster_block = corefile.cluster_block();
        let ns_dns = multi.answer(&name("ns.dns.cluster.local."), RecordType::A);
        let expected: BTreeSet<IpAddr> = cluster_block.bind.into_iter().collect();
        prop_assert_eq!(addresses(&ns_dns), expected, "{}", corefile.corefile);
        if cluster_block.autopath {
            let client = generated.cluster().pods().find(|pod| !pod.host_network && pod.pod_ips.iter().any(IpAddr::is_ipv4));
            if let Some(client) = client {
                let address = client.pod_ips.iter().copied().find(IpAddr::is_ipv4).unwrap();
                for service in &generated.services {
                    let direct = service.fqdn();
                    let asked = name(&format!("{}.{}.{}.svc.cluster.local.", service.name, service.namespace, client.meta.namespace));
                    let first = multi.answer(&asked, RecordType::A);
                    let hit = multi.answer(&direct, RecordType::A);
                    if first.outcome != Outcome::NxDomain || hit.answers.is_empty() {
                        continue;
                    }
                    let mut request = Message::new(7, MessageType::Query, OpCode::Query);
                    request.add_query(Query::query(asked.clone(), RecordType::A));
                    let reply = multi.handle_from(&request, std::net::SocketAddr::new(address, 40000)).unwrap();
                    let cname = reply.answers.first().map(|record| (record.name.clone(), record.data.clone()));
                    prop_assert_eq!(cname, Some((asked.clone(), RData::CNAME(k8s_dns_sim::hickory_proto::rr::rdata::CNAME(direct.clone())))), "{}", asked);
                    prop_assert_eq!(&reply.answers[1..], &hit.answers[..], "{}", asked);
                }
            }
        }
    }

    /// `lookup` of a name's text, with or without the trailing dot, answers as the name does.
    #[test]
    fn lookup_text_answers_as_the_name_with_or_without_the_dot(
        (generated, asked) in cluster_with_questions(shape()).prop_flat_map(|(generated, questions)| {
            let texts: Vec<_> = questions.iter().map(|question| (Just(question.clone()), question_text(question))).collect();
            (Just(generated), texts)
        }),
    ) {
        for (question, text) in &asked {
            let by_text = generated.dns().lookup(text, question.qtype).unwrap();
            let by_name = generated.dns().answer(&question.name, question.qtype);
            prop_assert_eq!(by_text.outcome, by_name.outcome, "{}", text);
            // The very records, owner names spelled as asked (rule 21).
            prop_assert_eq!(&by_text.answers, &by_name.answers, "{}", text);
        }
    }

    /// Rules 32–34: every wire reply decodes, echoes the id, the question and RD, answers as
    /// `handle`, and over UDP fits 512 bytes or the EDNS size with TC exactly when the TCP
    /// reply holds more records.
    #[test]
    fn rule_wire_replies_decode_and_echo_the_query(
        (generated, queries) in cluster(shape()).prop_flat_map(|generated| {
            let queries = wire_queries_for(&generated);
            (Just(generated), queries)
        }),
    ) {
        let dns = generated.dns();
        for query in &queries {
            let reply = dns.handle_bytes(&query.bytes(), query.transport);
            let decoded = Message::from_vec(&reply).unwrap();
            prop_assert_eq!(decoded.id, query.id);
            prop_assert_eq!(&decoded.queries, &query.message().queries);
            prop_assert_eq!(decoded.metadata.recursion_desired, query.recursion_desired);
            let whole = dns.handle(&query.message()).unwrap();
            let count = |message: &Message| message.answers.len() + message.authorities.len() + message.additionals.len();
            if query.transport == Transport::Udp {
                prop_assert!(reply.len() <= usize::from(query.edns.unwrap_or(0).max(512)));
                prop_assert_eq!(decoded.truncation, count(&decoded) < count(&whole), "{:?}", query);
            } else {
                prop_assert!(!decoded.truncation);
                prop_assert_eq!(count(&decoded), count(&whole));
            }
        }
    }

    /// A Pod whose `resolv.conf` points at the cluster DNS resolves a Service's absolute name
    /// to the addresses the A and AAAA answers hold, whatever the library and the file's
    /// options, every query sent to a cluster DNS address. A `dnsPolicy: Default` Pod gets the
    /// node's file instead: the node's nameserver and search domains, none of the cluster's;
    /// its every query goes to the node's nameserver, never to the cluster DNS, and that
    /// resolver (the `Upstream`, which holds no cluster name) does not resolve the name.
    #[test]
    fn a_pod_resolves_an_absolute_service_name_to_its_answers(
        (generated, context) in cluster(shape()).prop_flat_map(|generated| {
            let context = pod_context(generated.namespaces.clone());
            (Just(generated), context)
        }),
    ) {
        let dns = generated.dns();
        let default_policy = context.pod.dns_policy == k8s_dns_sim::model::DnsPolicy::Default;
        let node_nameserver: IpAddr = "192.168.0.1".parse().unwrap();
        let cluster_dns = &context.kubelet.cluster_dns;
        let sandbox = context.kubelet.sandbox(&context.pod).unwrap();
        let nameservers: Vec<IpAddr> = sandbox
            .resolv_conf
            .lines()
            .filter_map(|line| line.strip_prefix("nameserver "))
            .map(|address| address.trim().parse().unwrap())
            .collect();
        if default_policy {
            prop_assert_eq!(&nameservers, &vec![node_nameserver], "{}", sandbox.resolv_conf);
            prop_assert!(!sandbox.resolv_conf.contains("svc.cluster.local"), "{}", sandbox.resolv_conf);
        } else {
            prop_assert!(nameservers.iter().all(|server| cluster_dns.contains(server)), "{}", sandbox.resolv_conf);
        }
        let node_resolver = &dns.config().upstream;
        for service in &generated.services {
            let fqdn = service.fqdn();
            let resolution = dns
                .resolve_pod(&context.kubelet, &context.pod, context.library, Family::Unspec, &fqdn.to_string())
                .unwrap();
            let servers: BTreeSet<IpAddr> = resolution.queries().map(|query| query.server).collect();
            if default_policy {
                prop_assert!(servers.iter().all(|server| *server == node_nameserver), "{} {:?}", fqdn, servers);
                let from_node = k8s_dns_sim::resolver::getaddrinfo(
                    node_resolver, &sandbox, context.library, Family::Unspec, &fqdn.to_string(),
                );
                prop_assert!(from_node.addresses().is_empty(), "{} {:?}", fqdn, from_node);
                prop_assert!(from_node.queries().count() > 0, "{}: the node's resolver is asked", fqdn);
            } else {
                prop_assert!(servers.iter().all(|server| cluster_dns.contains(server)), "{} {:?}", fqdn, servers);
                let mut expected = addresses(&dns.answer(&fqdn, RecordType::A));
                expected.extend(addresses(&dns.answer(&fqdn, RecordType::AAAA)));
                let found: BTreeSet<IpAddr> = resolution.addresses().iter().copied().collect();
                prop_assert_eq!(found, expected, "{} {:?}", fqdn, context);
            }
        }
    }
}
