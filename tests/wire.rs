//! The DNS wire format: header echo, FORMERR/NOTIMP/BADVERS, EDNS, and UDP truncation.

mod support;

use std::fmt::Write;

use k8s_dns_sim::hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
use k8s_dns_sim::{Cluster, ClusterDns, Config, Transport};

/// A headless Service `big` in `default` with `count` ready IPv4 endpoints.
fn headless_with(count: u32) -> ClusterDns {
    let mut yaml = String::from(
        "apiVersion: v1\nkind: Service\nmetadata: {name: big, namespace: default}\n\
         spec: {clusterIP: None, ports: [{name: http, port: 80}]}\n---\n\
         apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
         metadata: {name: big-1, namespace: default, labels: {kubernetes.io/service-name: big}}\n\
         addressType: IPv4\nports: [{name: http, port: 80, protocol: TCP}]\nendpoints:\n",
    );
    for i in 0..count {
        writeln!(
            yaml,
            "  - addresses: [\"10.{}.{}.{}\"]",
            i / 65536,
            (i / 256) % 256,
            i % 256
        )
        .unwrap();
    }
    ClusterDns::new(Cluster::from_yaml(&yaml).unwrap(), Config::default())
}

fn query(name: &str, qtype: RecordType) -> Message {
    let mut message = Message::new(0xbeef, MessageType::Query, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
    message
}

fn with_edns(mut message: Message, payload: u16, version: u8) -> Message {
    let mut edns = Edns::new();
    edns.set_max_payload(payload);
    edns.set_version(version);
    message.set_edns(edns);
    message
}

fn exchange(dns: &ClusterDns, request: &Message, transport: Transport) -> (usize, Message) {
    let bytes = dns.handle_bytes(&request.to_vec().unwrap(), transport);
    (
        bytes.len(),
        Message::from_vec(&bytes).expect("the reply decodes"),
    )
}

const BIG: &str = "big.default.svc.cluster.local.";

#[test]
fn udp_without_edns_fits_512_bytes_and_sets_tc() {
    // Rule 34: 12 header + 35 question + 16 per compressed A record: 29 records make 511
    // bytes, as in CoreDNS (hickory's own limited encoder would stop at 28).
    let (size, reply) = exchange(
        &headless_with(100),
        &query(BIG, RecordType::A),
        Transport::Udp,
    );
    assert_eq!(size, 511, "{size} bytes");
    assert!(reply.truncation, "TC must be set when records were dropped");
    assert_eq!(reply.answers.len(), 29);
    assert_eq!(reply.response_code, ResponseCode::NoError);
}

#[test]
fn udp_with_edns_fits_the_advertised_payload() {
    let dns = headless_with(300);
    // Rule 34, the OPT record's 11 bytes set aside: 1232: 12 header + 35 question + 11 OPT +
    // 73 × 16 = 1226 bytes, as CoreDNS fits them. 4096: 252 (12 + 35 + 11 + 252 × 16 = 4090).
    // Changed by rule 61 (every name compressed, as miekg/dns does): while replies were
    // encoded by hickory-proto, which compresses at most 120 names per message, 4096 held 166.
    for (payload, expected) in [(1232u16, 73usize), (4096, 252)] {
        let request = with_edns(query(BIG, RecordType::A), payload, 0);
        let (size, reply) = exchange(&dns, &request, Transport::Udp);
        assert!(size <= usize::from(payload), "{size} > {payload}");
        assert!(reply.truncation, "payload {payload}: TC");
        assert_eq!(reply.answers.len(), expected, "payload {payload}");
        assert_eq!(
            reply.edns.as_ref().map(Edns::max_payload),
            Some(payload),
            "EDNS echoed"
        );
    }
}

#[test]
fn udp_reply_that_fits_is_not_truncated() {
    let request = with_edns(query(BIG, RecordType::A), 4096, 0);
    let (_, reply) = exchange(&headless_with(100), &request, Transport::Udp);
    assert!(!reply.truncation);
    assert_eq!(reply.answers.len(), 100);
}

#[test]
fn tcp_replies_over_65535_bytes_are_cut_to_fit_and_set_tc() {
    // CoreDNS's request.Scrub truncates a TCP reply to dns.MaxMsgSize (65535) as it truncates
    // a UDP one (rule 34): 1000 SRV records and their glue take more than that.
    let (size, reply) = exchange(
        &headless_with(1000),
        &query(BIG, RecordType::SRV),
        Transport::Tcp,
    );
    assert!(size <= 65535, "{size} bytes");
    assert!(size > 60000, "as much as fits: {size} bytes");
    assert!(reply.truncation);
    assert!(!reply.answers.is_empty());
    assert!(reply.answers.len() + reply.additionals.len() < 2000);
}

#[test]
fn tcp_is_not_truncated_below_65535_bytes() {
    let (size, reply) = exchange(
        &headless_with(300),
        &query(BIG, RecordType::A),
        Transport::Tcp,
    );
    assert!(size > 512);
    assert!(!reply.truncation);
    assert_eq!(reply.answers.len(), 300);
}

#[test]
fn reply_echoes_id_question_and_rd_and_sets_aa() {
    let dns = headless_with(2);
    let request = query("BiG.Default.svc.cluster.local.", RecordType::A);
    let (_, reply) = exchange(&dns, &request, Transport::Udp);
    assert_eq!(reply.id, 0xbeef);
    assert_eq!(reply.message_type, MessageType::Response);
    assert!(reply.recursion_desired);
    assert!(!reply.recursion_available);
    assert!(reply.authoritative);
    assert_eq!(reply.queries, request.queries);
    assert!(
        reply.queries[0].name().eq_case(request.queries[0].name()),
        "0x20 case kept"
    );
    assert!(
        reply.edns.is_none(),
        "no EDNS in the reply to a query without EDNS"
    );
}

/// The request's header flags and counts as sent, from its bytes.
fn header_bytes(bytes: &[u8]) -> [u8; 12] {
    bytes[..12].try_into().unwrap()
}

#[test]
fn rule_28_short_packets_and_responses_get_no_reply() {
    let dns = headless_with(1);
    for garbage in [&[][..], &[0x12][..], &[0xff; 11][..]] {
        for transport in [Transport::Udp, Transport::Tcp] {
            assert_eq!(
                dns.handle_bytes(garbage, transport),
                Vec::<u8>::new(),
                "{garbage:?}"
            );
            assert!(dns.handle_bytes_stream(garbage, transport).is_empty());
        }
    }
    let mut response = query(BIG, RecordType::A);
    response.metadata.message_type = MessageType::Response;
    assert!(
        dns.handle_bytes(&response.to_vec().unwrap(), Transport::Udp)
            .is_empty()
    );
    assert_eq!(dns.handle(&response), None);
}

#[test]
fn rule_29_the_header_check_answers_with_the_header_alone() {
    let dns = headless_with(1);
    let edns = |message| with_edns(message, 1232, 0);
    let mut two_questions = query(BIG, RecordType::A);
    two_questions.add_query(Query::query(
        Name::from_ascii(BIG).unwrap(),
        RecordType::AAAA,
    ));
    let a_record = || {
        let data = k8s_dns_sim::hickory_proto::rr::RData::A("10.0.0.1".parse().unwrap());
        k8s_dns_sim::hickory_proto::rr::Record::from_rdata(Name::from_ascii(BIG).unwrap(), 5, data)
    };
    let mut two_answers = query(BIG, RecordType::A);
    two_answers.answers = vec![a_record(), a_record()];
    let mut two_authorities = query(BIG, RecordType::A);
    two_authorities.authorities = vec![a_record(), a_record()];
    let mut three_additionals = edns(query(BIG, RecordType::A));
    three_additionals.additionals = vec![a_record(), a_record()];
    let with_op = |op_code| {
        let mut request = edns(query(BIG, RecordType::A));
        request.metadata.op_code = op_code;
        request
    };
    let table: Vec<(&str, Message, ResponseCode, OpCode)> = vec![
        (
            "no question",
            Message::new(7, MessageType::Query, OpCode::Query),
            ResponseCode::FormErr,
            OpCode::Query,
        ),
        (
            "two questions",
            two_questions,
            ResponseCode::FormErr,
            OpCode::Query,
        ),
        (
            "two answer records",
            two_answers,
            ResponseCode::FormErr,
            OpCode::Query,
        ),
        (
            "two authority records",
            two_authorities,
            ResponseCode::FormErr,
            OpCode::Query,
        ),
        (
            "three additional records",
            three_additionals,
            ResponseCode::FormErr,
            OpCode::Query,
        ),
        (
            "opcode STATUS",
            with_op(OpCode::Status),
            ResponseCode::NotImp,
            OpCode::Status,
        ),
        (
            "opcode UPDATE",
            with_op(OpCode::Update),
            ResponseCode::NotImp,
            OpCode::Update,
        ),
    ];
    for (case, request, rcode, op_code) in table {
        let mut request = request;
        // Flags a client may set are kept as sent; AA is cleared.
        request.metadata.recursion_desired = true;
        request.metadata.checking_disabled = true;
        request.metadata.authoritative = true;
        let bytes = request.to_vec().unwrap();
        let reply_bytes = dns.handle_bytes(&bytes, Transport::Udp);
        assert_eq!(reply_bytes.len(), 12, "{case}: the header alone");
        let reply = Message::from_vec(&reply_bytes).unwrap();
        assert_eq!(reply.response_code, rcode, "{case}");
        assert_eq!(reply.op_code, op_code, "{case}");
        assert_eq!(reply.id, request.id, "{case}");
        assert!(reply.queries.is_empty() && reply.edns.is_none(), "{case}");
        assert!(reply.recursion_desired && reply.checking_disabled, "{case}");
        assert!(!reply.authoritative, "{case}");
        assert_eq!(
            dns.handle(&request).as_ref(),
            Some(&reply),
            "{case}: handle agrees"
        );
    }
    // A NOTIFY passes the check and is answered like a query (its opcode echoed).
    let notify = with_op(OpCode::Notify);
    let (_, reply) = exchange(&dns, &notify, Transport::Udp);
    assert_eq!(reply.response_code, ResponseCode::NoError);
    assert_eq!(reply.op_code, OpCode::Notify);
    assert_eq!(reply.answers.len(), 1);
}

#[test]
fn rule_30_bodies_that_do_not_unpack() {
    let dns = headless_with(1);
    let request = query(BIG, RecordType::A);
    let whole = request.to_vec().unwrap();
    let question_end = whole.len();
    let header = header_bytes(&whole);
    let with_counts = |bytes: &[u8], answers: u8| {
        let mut bytes = bytes.to_vec();
        bytes[7] = answers;
        bytes
    };

    // The header announces a question and the message ends: SERVFAIL, no question.
    let reply = Message::from_vec(&dns.handle_bytes(&header, Transport::Udp)).unwrap();
    assert_eq!(reply.response_code, ResponseCode::ServFail);
    assert!(reply.queries.is_empty());
    assert!(reply.recursion_desired);

    // A question, then an answer record cut short: FORMERR with the question kept.
    let mut cut_record = with_counts(&whole, 1);
    cut_record.extend_from_slice(&[0xc0, 0x0c, 0x00]);
    let reply = Message::from_vec(&dns.handle_bytes(&cut_record, Transport::Udp)).unwrap();
    assert_eq!(reply.response_code, ResponseCode::FormErr);
    assert_eq!(reply.queries, request.queries);
    assert!(reply.answers.is_empty());

    // A question cut after its name, or after its type: read with type and class 0, then
    // refused for its class (rule 31), the question echoed.
    for cut in [question_end - 4, question_end - 2] {
        let reply = Message::from_vec(&dns.handle_bytes(&whole[..cut], Transport::Udp)).unwrap();
        assert_eq!(reply.response_code, ResponseCode::Refused, "cut at {cut}");
        assert_eq!(reply.queries.len(), 1, "cut at {cut}");
        assert_eq!(reply.queries[0].name(), request.queries[0].name());
    }

    // A name that cannot be read (a label running past the end): FORMERR, header alone.
    let mut broken = header.to_vec();
    broken.extend_from_slice(&[0x3f, b'a', b'b']);
    let reply_bytes = dns.handle_bytes(&broken, Transport::Udp);
    assert_eq!(reply_bytes.len(), 12);
    let reply = Message::from_vec(&reply_bytes).unwrap();
    assert_eq!(reply.response_code, ResponseCode::FormErr);
    assert_eq!(reply.id, 0xbeef);
}

#[test]
fn unknown_edns_version_is_badvers() {
    let request = with_edns(query(BIG, RecordType::A), 1232, 1);
    let (_, reply) = exchange(&headless_with(1), &request, Transport::Udp);
    // BADVERS and BADSIG share the value 16; hickory decodes 16 as BADSIG.
    assert_eq!(
        u16::from(reply.response_code),
        u16::from(ResponseCode::BADVERS)
    );
    assert!(reply.edns.is_some());
}

#[test]
fn handle_and_handle_bytes_agree() {
    let dns = headless_with(5);
    let request = query(BIG, RecordType::A);
    let direct = dns.handle(&request).expect("a query gets a reply");
    let (_, via_bytes) = exchange(&dns, &request, Transport::Tcp);
    assert_eq!(direct.answers, via_bytes.answers);
    assert_eq!(direct.response_code, via_bytes.response_code);
}

#[test]
fn negative_reply_carries_the_soa_on_the_wire() {
    let (_, reply) = exchange(
        &headless_with(1),
        &query("missing.default.svc.cluster.local.", RecordType::A),
        Transport::Udp,
    );
    assert_eq!(reply.response_code, ResponseCode::NXDomain);
    assert!(reply.authoritative);
    assert_eq!(reply.authorities.len(), 1);
    assert_eq!(reply.authorities[0].record_type(), RecordType::SOA);
}

#[test]
fn other_classes_are_refused_before_edns_is_looked_at() {
    use k8s_dns_sim::hickory_proto::rr::DNSClass;
    let mut query = Query::query(Name::from_ascii("version.bind.").unwrap(), RecordType::TXT);
    query.set_query_class(DNSClass::CH);
    let mut request = Message::new(9, MessageType::Query, OpCode::Query);
    request.add_query(query);
    let request = with_edns(request, 1232, 1);
    let (_, reply) = exchange(&headless_with(1), &request, Transport::Udp);
    assert_eq!(
        reply.response_code,
        ResponseCode::Refused,
        "CoreDNS server.go checks the class first"
    );
}

/// A headless Service `web` in `default` with ready IPv4 endpoints 10.0.0.1, 10.0.0.2, …
/// (`count` of them), its port `http` 80/TCP.
fn web_with(count: u32) -> ClusterDns {
    let mut yaml = String::from(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n\
         spec: {clusterIP: None, ports: [{name: http, port: 80}]}\n---\n\
         apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
         metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}\n\
         addressType: IPv4\nports: [{name: http, port: 80, protocol: TCP}]\nendpoints:\n",
    );
    for i in 1..=count {
        writeln!(yaml, "  - addresses: [\"10.0.{}.{}\"]", i / 256, i % 256).unwrap();
    }
    ClusterDns::new(Cluster::from_yaml(&yaml).unwrap(), Config::default())
}

const WEB: &str = "web.default.svc.cluster.local.";
const WEB_SRV: &str = "_http._tcp.web.default.svc.cluster.local.";

/// Reply sizes worked out from CoreDNS's rules, byte by byte. The parts: header 12; question
/// `web.default.svc.cluster.local.` 31 + 4 = 35, `_http._tcp.web…` 42 + 4 = 46; an A record
/// 45 uncompressed (31 + 10 + 4), 16 with its owner a pointer; OPT 11. An SRV record is 98
/// uncompressed (42 + 10 + 6 + target 40, `10-0-0-1.web…`) and 58 compressed (the owner a
/// pointer, the target in full: miekg/dns never compresses it); its glue A 54 uncompressed, 16
/// compressed (the owner points at the SRV target).
#[test]
fn reply_sizes_match_coredns() {
    struct Row {
        rule: &'static str,
        endpoints: u32,
        name: &'static str,
        qtype: RecordType,
        transport: Transport,
        edns: Option<u16>,
        answers: usize,
        additionals: usize,
        size: usize,
        truncated: bool,
    }
    let a = |rule, endpoints, transport, edns, answers, size, truncated| Row {
        rule,
        endpoints,
        name: WEB,
        qtype: RecordType::A,
        transport,
        edns,
        answers,
        additionals: 0,
        size,
        truncated,
    };
    let srv = |rule, endpoints, transport, answers, additionals, size, truncated| Row {
        rule,
        endpoints,
        name: WEB_SRV,
        qtype: RecordType::SRV,
        transport,
        edns: None,
        answers,
        additionals,
        size,
        truncated,
    };
    use Transport::{Tcp, Udp};
    let rows = [
        a(
            "34 no EDNS: 29 compressed A records in 512 bytes (12 + 35 + 29 × 16)",
            100,
            Udp,
            None,
            29,
            511,
            true,
        ),
        a(
            "34/61 EDNS 4096: all 200 A records compressed (12 + 35 + 200 × 16 + 11)",
            200,
            Udp,
            Some(4096),
            200,
            3258,
            false,
        ),
        a(
            "34 TCP: 100 A records fit uncompressed, so they go uncompressed (12 + 35 + 100 × 45)",
            100,
            Tcp,
            None,
            100,
            4547,
            false,
        ),
        a(
            "34 TCP with EDNS: the same, OPT included",
            100,
            Tcp,
            Some(4096),
            100,
            4558,
            false,
        ),
        a(
            "34 UDP, fits in 512 uncompressed: uncompressed (12 + 35 + 10 × 45)",
            10,
            Udp,
            None,
            10,
            497,
            false,
        ),
        a(
            "34 UDP, 11 A do not fit 512 uncompressed (542): all compressed (12 + 35 + 11 × 16)",
            11,
            Udp,
            None,
            11,
            223,
            false,
        ),
        a(
            "60 UDP, fits the EDNS size uncompressed and ≤ 1480 bytes: uncompressed (31 A)",
            31,
            Udp,
            Some(4096),
            31,
            1453,
            false,
        ),
        a(
            "60 UDP, fits the EDNS size uncompressed but > 1480 bytes (IPv4): compressed (33 A)",
            33,
            Udp,
            Some(4096),
            33,
            586,
            false,
        ),
        a(
            "34 OPT accounted: EDNS 1232 holds 73 (74 would fit without the OPT's 11 bytes)",
            200,
            Udp,
            Some(1232),
            73,
            1226,
            true,
        ),
        a(
            "34 a record that fills the budget exactly is kept (EDNS 522: 511 + 11)",
            100,
            Udp,
            Some(522),
            29,
            522,
            true,
        ),
        a(
            "34 EDNS below 512 counts as 512, OPT set aside (12 + 35 + 28 × 16 + 11)",
            100,
            Udp,
            Some(100),
            28,
            506,
            true,
        ),
        srv(
            "34/62 SRV with glue, 512: all compressed (12 + 46 + 4 × 58 + 4 × 16)",
            4,
            Udp,
            4,
            4,
            354,
            false,
        ),
        srv(
            "34/62 SRV with glue, 512: 7 SRV, then glue while it fits (3 fill 512 exactly)",
            7,
            Udp,
            7,
            3,
            512,
            true,
        ),
        srv(
            "34/62 SRV, 512: the 8th SRV does not fit, so no glue at all (miekg stops every section)",
            9,
            Udp,
            7,
            0,
            464,
            true,
        ),
        srv(
            "34 SRV with glue over TCP: uncompressed (12 + 46 + 9 × 98 + 9 × 54)",
            9,
            Tcp,
            9,
            9,
            1426,
            false,
        ),
    ];
    for row in rows {
        let dns = web_with(row.endpoints);
        let mut request = query(row.name, row.qtype);
        if let Some(payload) = row.edns {
            request = with_edns(request, payload, 0);
        }
        let (size, reply) = exchange(&dns, &request, row.transport);
        let rule = row.rule;
        assert_eq!(reply.answers.len(), row.answers, "{rule}: answers");
        assert_eq!(
            reply.additionals.len(),
            row.additionals,
            "{rule}: additionals"
        );
        assert_eq!(size, row.size, "{rule}: size");
        assert_eq!(reply.truncation, row.truncated, "{rule}: TC");
        // What is sent is what the typed reply holds, a prefix of each section.
        let whole = dns.handle(&request).expect("a reply");
        assert_eq!(reply.answers, whole.answers[..row.answers], "{rule}");
        assert_eq!(
            reply.additionals,
            whole.additionals[..row.additionals],
            "{rule}"
        );
    }
}
