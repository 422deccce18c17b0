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
    // 12 header + 35 question + 16 per compressed A record: 29 records make 511 bytes, as in
    // CoreDNS (hickory's own limited encoder would stop at 28).
    let (size, reply) = exchange(
        &headless_with(100),
        &query(BIG, RecordType::A),
        Transport::Udp,
    );
    assert!(size <= 512, "{size} bytes");
    assert!(reply.truncation, "TC must be set when records were dropped");
    assert_eq!(reply.answers.len(), 29);
    assert_eq!(reply.response_code, ResponseCode::NoError);
}

#[test]
fn udp_with_edns_fits_the_advertised_payload() {
    let dns = headless_with(300);
    // 1232: 12 header + 35 question + 11 OPT + 73 × 16 = 1226 bytes, as CoreDNS fits them.
    // 4096: CoreDNS fits 252. hickory-proto compresses at most 120 names per message (its fix
    // for RUSTSEC-2026-0119), so records after the 119th carry their full owner name (45 bytes
    // each) and only 166 fit. README "Differences from CoreDNS" documents this.
    for (payload, expected) in [(1232u16, 73usize), (4096, 166)] {
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

#[test]
fn undecodable_bytes_get_formerr_with_their_id() {
    let dns = headless_with(1);
    let mut bytes = query(BIG, RecordType::A).to_vec().unwrap();
    bytes.truncate(bytes.len() - 3);
    let reply = Message::from_vec(&dns.handle_bytes(&bytes, Transport::Udp)).unwrap();
    assert_eq!(reply.response_code, ResponseCode::FormErr);
    assert_eq!(reply.id, 0xbeef);
    for garbage in [&[][..], &[0x12][..], &[0xff; 11][..]] {
        let reply = Message::from_vec(&dns.handle_bytes(garbage, Transport::Udp)).unwrap();
        assert_eq!(reply.response_code, ResponseCode::FormErr, "{garbage:?}");
    }
}

#[test]
fn anything_but_one_question_is_formerr() {
    let dns = headless_with(1);
    let none = Message::new(7, MessageType::Query, OpCode::Query);
    let mut two = query(BIG, RecordType::A);
    two.add_query(Query::query(
        Name::from_ascii(BIG).unwrap(),
        RecordType::AAAA,
    ));
    for request in [none, two] {
        let (_, reply) = exchange(&dns, &request, Transport::Udp);
        assert_eq!(reply.response_code, ResponseCode::FormErr);
        assert_eq!(reply.queries, request.queries);
    }
}

#[test]
fn opcodes_other_than_query_are_notimp() {
    let dns = headless_with(1);
    for op_code in [OpCode::Status, OpCode::Notify, OpCode::Update] {
        let mut request = query(BIG, RecordType::A);
        request.metadata.op_code = op_code;
        let (_, reply) = exchange(&dns, &request, Transport::Udp);
        assert_eq!(reply.response_code, ResponseCode::NotImp, "{op_code:?}");
        assert_eq!(reply.op_code, op_code);
    }
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
    let direct = dns.handle(&request);
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
