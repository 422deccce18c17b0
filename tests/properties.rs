//! Properties that hold for every valid cluster and every question (proptest, through the
//! public `strategies` module).

use std::collections::BTreeSet;
use std::net::IpAddr;

use k8s_dns_sim::hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
use k8s_dns_sim::strategies::{
    ClusterShape, GeneratedCluster, GeneratedService, ImportKind, Question, ServiceKind,
    WorkloadKind, cluster, cluster_with_questions,
};
use k8s_dns_sim::{Answer, Cluster, ClusterDns, Config, Outcome, Transport};
use proptest::prelude::*;

fn shape() -> ClusterShape {
    ClusterShape::default()
}

/// The answer records' types and data, lower-cased (synthesised names such as SOA and SRV
/// targets follow the question's spelling of the zone, rule 21).
fn data_of(answer: &Answer) -> BTreeSet<String> {
    answer
        .answers
        .iter()
        .map(|record| format!("{} {}", record.record_type(), record.data).to_lowercase())
        .collect()
}

fn addresses(answer: &Answer) -> BTreeSet<IpAddr> {
    answer.addresses().into_iter().collect()
}

/// What a Service's own name must answer for A or AAAA.
fn expected_addresses(service: &GeneratedService, v6: bool) -> Option<BTreeSet<IpAddr>> {
    let of_family = |ip: &&IpAddr| ip.is_ipv6() == v6;
    match service.kind {
        kind if kind.has_cluster_ip() => Some(
            service
                .cluster_ips
                .iter()
                .filter(of_family)
                .copied()
                .collect(),
        ),
        ServiceKind::Headless => {
            let ready: Vec<IpAddr> = service.ready().map(|endpoint| endpoint.address).collect();
            // No ready endpoint at all: NXDOMAIN (None).
            (!ready.is_empty()).then(|| ready.iter().filter(of_family).copied().collect())
        }
        // The CNAME alone (chasing an in-zone target is the CNAME rule's, checked apart).
        _ => Some(BTreeSet::new()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Rule 1/2: a negative answer carries exactly the zone's SOA; a positive one none.
    #[test]
    fn negative_answers_carry_one_soa_and_positive_ones_none((generated, questions) in cluster_with_questions(shape())) {
        for question in &questions {
            let answer = generated.dns().answer(&question.name, question.qtype);
            match answer.outcome {
                Outcome::Success => {
                    prop_assert!(!answer.answers.is_empty());
                    prop_assert!(answer.authorities.is_empty(), "{question:?}");
                    prop_assert_eq!(answer.response_code(), ResponseCode::NoError);
                }
                Outcome::NoData | Outcome::NxDomain => {
                    prop_assert!(answer.answers.is_empty(), "{question:?}");
                    prop_assert_eq!(answer.authorities.len(), 1, "{:?}", question);
                    prop_assert_eq!(answer.authorities[0].record_type(), RecordType::SOA);
                    prop_assert!(answer.authorities[0].name.zone_of(&question.name));
                }
                Outcome::Refused => {
                    let zone = Name::from_ascii("cluster.local.").unwrap();
                    prop_assert!(!zone.zone_of(&question.name) || matches!(question.qtype, RecordType::AXFR | RecordType::IXFR));
                }
                _ => prop_assert!(false, "unexpected outcome {:?}", answer.outcome),
            }
        }
    }

    /// Rule 21: matching ignores case; only the owner names' case follows the question. (The
    /// one exception is CoreDNS's: NS at the apex and `ns.dns.<zone>` need the zone in lower
    /// case, rule 22, so NS and `ns.dns` are left out here and tested in the tables.)
    #[test]
    fn answers_do_not_depend_on_the_question_case((generated, questions) in cluster_with_questions(shape())) {
        let ns_dns = Name::from_ascii("ns.dns.cluster.local.").unwrap();
        for question in questions.iter().filter(|question| question.qtype != RecordType::NS && !ns_dns.zone_of(&question.name)) {
            let asked = generated.dns().answer(&question.name, question.qtype);
            let lower = generated.dns().answer(&question.name.to_lowercase(), question.qtype);
            prop_assert_eq!(asked.outcome, lower.outcome, "{:?}", question);
            prop_assert_eq!(data_of(&asked), data_of(&lower), "{:?}", question);
            for record in &asked.answers {
                if record.record_type() != RecordType::CNAME || record.name == question.name {
                    prop_assert!(record.name.eq_case(&question.name) || record.name != question.name);
                }
            }
        }
    }

    /// Rules 11/12: a ClusterIP Service answers its ClusterIPs of the family; a headless one
    /// its ready endpoints (NXDOMAIN with none ready); an ExternalName its CNAME alone.
    #[test]
    fn service_names_answer_what_the_manifests_say(generated in cluster(shape())) {
        for service in &generated.services {
            for (qtype, v6) in [(RecordType::A, false), (RecordType::AAAA, true)] {
                let answer = generated.dns().answer(&service.fqdn(), qtype);
                if service.kind == ServiceKind::ExternalNameInZone {
                    // Rule 19: an in-zone target is chased in the plugin; the CNAME is kept,
                    // before the target's records, only when the target yields records, and a
                    // missing one leaves NOERROR/NODATA without it.
                    let target = format!("{}.", service.external_name.clone().unwrap_or_default());
                    let chased = generated.dns().answer(&Name::from_ascii(&target).unwrap(), qtype);
                    if chased.answers.is_empty() {
                        prop_assert!(answer.answers.is_empty(), "{:?}", service);
                        prop_assert_eq!(answer.outcome, Outcome::NoData, "{:?}", service);
                    } else {
                        let first = answer.answers.first().map(|record| record.data.to_string());
                        prop_assert_eq!(first, Some(target), "{:?}", service);
                        prop_assert_eq!(data_of(&answer).len(), data_of(&chased).len() + 1);
                    }
                    continue;
                }
                match expected_addresses(service, v6) {
                    None => prop_assert_eq!(answer.outcome, Outcome::NxDomain, "{:?}", service),
                    Some(expected) => {
                        prop_assert_eq!(addresses(&answer), expected.clone(), "{:?} {:?}", service, qtype);
                        let outcome = if service.kind.is_external_name() || !expected.is_empty() {
                            Outcome::Success
                        } else {
                            Outcome::NoData
                        };
                        prop_assert_eq!(answer.outcome, outcome, "{:?} {:?}", service, qtype);
                    }
                }
            }
        }
    }

    /// Loading the same manifests in the reverse document order answers the same.
    #[test]
    fn document_order_does_not_change_answers((generated, questions) in cluster_with_questions(shape())) {
        let mut documents: Vec<&str> = generated.manifests.split("---\n").collect();
        documents.reverse();
        let reversed = ClusterDns::new(Cluster::from_yaml(&documents.join("---\n")).unwrap(), Config::default());
        for question in &questions {
            let first = generated.dns().answer(&question.name, question.qtype);
            let second = reversed.answer(&question.name, question.qtype);
            prop_assert_eq!(first.outcome, second.outcome, "{:?}", question);
            prop_assert_eq!(data_of(&first), data_of(&second), "{:?}", question);
        }
    }

    /// The wire (rule 34): a UDP reply fits 512 bytes or the EDNS size, holds a prefix of each
    /// section of what `handle` answers, with nothing after the first section that was cut
    /// short, and sets TC exactly when records were left out; the TCP reply carries every
    /// record `handle` answers. Every reply decodes with hickory to those same records.
    #[test]
    fn wire_replies_fit_and_match(
        (generated, questions) in cluster_with_questions(shape()),
        payload in proptest::option::of(0u16..4096),
    ) {
        check_wire(&generated, &questions, payload)?;
    }

    /// The same for the A, AAAA and SRV questions of every Service of clusters whose Services
    /// have up to 80 endpoints, replies that are compressed and cut (rules 34, 60, 61).
    #[test]
    fn large_wire_replies_fit_and_match(
        // Services only: imports are not answered without a multicluster zone.
        generated in cluster(ClusterShape { endpoints: 80, imports: 0, ..shape() }),
        payload in proptest::option::of(0u16..2048),
    ) {
        let mut questions = Vec::new();
        for service in &generated.services {
            let name = service.fqdn();
            for qtype in [RecordType::A, RecordType::AAAA] {
                questions.push(Question { name: name.clone(), qtype });
            }
            for port in &service.ports {
                if let Some(port_name) = &port.name {
                    let protocol = port.protocol.as_str().to_ascii_lowercase();
                    let srv = Name::from_ascii(format!("_{port_name}._{protocol}.{name}")).unwrap();
                    questions.push(Question { name: srv, qtype: RecordType::SRV });
                }
            }
        }
        check_wire(&generated, &questions, payload)?;
    }

    /// Any bytes get a decodable reply, never a panic, or (rule 28) no reply exactly when they
    /// are shorter than a header or have QR set.
    #[test]
    fn any_bytes_get_a_decodable_reply_or_none(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let dns = empty_dns();
        let ignored = bytes.len() < 12 || bytes[2] & 0x80 != 0;
        for transport in [Transport::Udp, Transport::Tcp] {
            let reply = dns.handle_bytes(&bytes, transport);
            if ignored {
                prop_assert!(reply.is_empty());
            } else {
                prop_assert!(Message::from_vec(&reply).is_ok());
            }
        }
    }
}

/// Checks [`wire_replies_fit_and_match`]'s properties for each question.
fn check_wire(
    generated: &GeneratedCluster,
    questions: &[Question],
    payload: Option<u16>,
) -> Result<(), TestCaseError> {
    for question in questions {
        let mut request = Message::new(0x5151, MessageType::Query, OpCode::Query);
        request.add_query(Query::query(question.name.clone(), question.qtype));
        if let Some(payload) = payload {
            let mut edns = Edns::new();
            edns.set_max_payload(payload);
            request.set_edns(edns);
        }
        let bytes = request.to_vec().unwrap();
        let udp = generated.dns().handle_bytes(&bytes, Transport::Udp);
        let tcp = Message::from_vec(&generated.dns().handle_bytes(&bytes, Transport::Tcp)).unwrap();
        prop_assert!(udp.len() <= usize::from(payload.unwrap_or(0).max(512)));
        let udp = Message::from_vec(&udp).unwrap();
        prop_assert_eq!(udp.id, 0x5151);
        prop_assert_eq!(&udp.queries, &request.queries);
        let direct = generated
            .dns()
            .handle(&request)
            .expect("a query gets a reply");
        let sections = |message: &Message| {
            [
                message.answers.clone(),
                message.authorities.clone(),
                message.additionals.clone(),
            ]
        };
        let mut cut = false;
        for (sent, whole) in sections(&udp).iter().zip(sections(&direct).iter()) {
            if cut {
                prop_assert!(sent.is_empty(), "a section after a cut one is empty");
            }
            prop_assert!(sent.len() <= whole.len());
            prop_assert_eq!(&sent[..], &whole[..sent.len()]);
            cut |= sent.len() < whole.len();
        }
        prop_assert_eq!(udp.truncation, cut);
        prop_assert!(!tcp.truncation);
        prop_assert_eq!(sections(&tcp), sections(&direct));
        prop_assert_eq!(direct.response_code, tcp.response_code);
        prop_assert_eq!(direct.response_code, udp.response_code);
        prop_assert_eq!(udp.edns.is_some(), payload.is_some());
    }
    Ok(())
}

fn empty_dns() -> ClusterDns {
    ClusterDns::new(Cluster::default(), Config::default())
}

#[test]
fn the_generator_produces_every_kind_of_service() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut kinds, mut protocols, mut shapes) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let mut workload_kinds = BTreeSet::new();
    let (mut import_kinds, mut two_clusters) = (BTreeSet::new(), 0);
    let (mut clusterless, mut portless) = (0, 0);
    let mut chased = 0;
    for _ in 0..128 {
        let generated: GeneratedCluster = cluster(shape()).new_tree(&mut runner).unwrap().current();
        // Workloads with at least one Pod, so that each kind was expanded.
        workload_kinds.extend(
            generated
                .workloads
                .iter()
                .filter(|workload| workload.pod_count() > 0)
                .map(|workload| workload.kind),
        );
        for import in &generated.imports {
            import_kinds.insert(import.kind);
            two_clusters += usize::from(import.clusters.len() >= 2 && import.ready().count() > 0);
            clusterless += usize::from(import.ready().any(|(cluster, _)| cluster.is_empty()));
            portless += usize::from(import.ports.is_empty() && import.ready().count() > 0);
        }
        for service in &generated.services {
            kinds.insert(service.kind);
            protocols.extend(service.ports.iter().map(|port| port.protocol));
            let unnamed = service.ports.iter().any(|port| port.name.is_none());
            shapes.insert((
                service.ports.len().min(2),
                unnamed,
                service.slice_names().len() > 2,
            ));
            if service.kind == ServiceKind::ExternalNameInZone {
                let answers = [RecordType::A, RecordType::AAAA]
                    .map(|qtype| generated.dns().answer(&service.fqdn(), qtype).answers.len());
                chased += usize::from(answers.iter().any(|count| *count > 1));
            }
        }
    }
    assert_eq!(
        kinds,
        ServiceKind::ALL.into_iter().collect(),
        "every kind of Service"
    );
    assert_eq!(protocols.len(), 3, "every protocol: {protocols:?}");
    assert_eq!(
        workload_kinds,
        WorkloadKind::ALL.into_iter().collect(),
        "every kind of workload, with Pods"
    );
    assert_eq!(
        import_kinds,
        ImportKind::ALL.into_iter().collect(),
        "every kind of ServiceImport"
    );
    assert!(
        two_clusters > 0,
        "an import exported by two clusters with ready endpoints"
    );
    assert!(
        clusterless > 0,
        "a ready endpoint of a slice without a source cluster"
    );
    assert!(
        portless > 0,
        "a headless import without ports, with endpoints"
    );
    assert!(
        chased > 0,
        "an in-zone ExternalName whose target answers (rule 19's chase)"
    );
    for wanted in [
        (1, true, false),
        (1, false, false),
        (2, false, false),
        (2, false, true),
    ] {
        assert!(
            shapes.contains(&wanted),
            "(ports, unnamed, split slices) {wanted:?} in {shapes:?}"
        );
    }
}

/// The change generator reaches what the change-sequence property claims to cover: every
/// `Change` variant, a switch to ExternalName and one back, a failing batch; and the cluster
/// generator an Endpoints object of several subsets that the mirroring controller carries.
#[test]
fn the_change_generator_reaches_every_variant_and_external_name_switches() {
    use k8s_dns_sim::Change;
    use k8s_dns_sim::model::ServiceType;
    use k8s_dns_sim::strategies::{EndpointSource, change_sequence};
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut variants = BTreeSet::new();
    let (mut to_external, mut back, mut failing, mut subsets) = (0, 0, 0, 0);
    for _ in 0..48 {
        // More workloads per namespace, so that bare Pods (SetPodReady, SetPodTerminating) come often.
        let shape = ClusterShape {
            workloads: 3,
            ..shape()
        };
        let generated: GeneratedCluster = cluster(shape).new_tree(&mut runner).unwrap().current();
        subsets += generated
            .services
            .iter()
            .filter(|service| {
                service.source == EndpointSource::Endpoints && service.slice_names().len() > 2
            })
            .count();
        let sequence = change_sequence(&generated, 6)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        for batch in &sequence.batches {
            failing += usize::from(batch.fails);
            for change in &batch.changes {
                let variant = format!("{change:?}");
                variants.insert(
                    variant[..variant.find([' ', '(', '{']).unwrap_or(variant.len())].to_owned(),
                );
                if let Change::SetServiceType { service_type, .. } = change {
                    match service_type {
                        ServiceType::ExternalName(_) => to_external += 1,
                        _ => back += 1,
                    }
                }
            }
        }
    }
    let expected = [
        "Apply",
        "Delete",
        "SetEndpointReady",
        "SetServiceType",
        "SetSelector",
        "Scale",
        "SetPodReady",
        "SetPodTerminating",
    ];
    assert_eq!(
        variants,
        expected
            .iter()
            .map(|variant| (*variant).to_owned())
            .collect(),
        "every Change variant"
    );
    assert!(
        to_external > 0 && back > 0,
        "ExternalName switches: {to_external} to, {back} other"
    );
    assert!(failing > 0, "a failing batch");
    assert!(
        subsets > 0,
        "a mirrored Endpoints object of several subsets"
    );
}
