//! What a query costs.
//!
//! `cargo bench -p k8s-dns-sim-benches --bench lookup` (the benches are a crate of their own,
//! `benches/Cargo.toml`) runs, each bytes-to-bytes case beside its baseline (bare hickory-proto
//! decoding the same query and encoding the same reply: the floor any bytes-to-bytes server on
//! hickory pays):
//! - `baseline/hickory_decode_encode`: decoding a query and encoding a reply with one A
//!   record (built in the loop from the question);
//! - `baseline/hickory_decode_encode_headless_a_100`: the query, and the reply
//!   `query/bytes_headless_a_100` sends (prepared outside the loop: decode and encode only);
//! - `baseline/hickory_encode_headless_a_100`: the encoding alone;
//! - `baseline/hickory_decode_encode_nxdomain`: the query, and the reply
//!   `query/bytes_nxdomain` sends (SOA in authority);
//! - `query/typed_clusterip_a`: `ClusterDns::answer`, no bytes;
//! - `query/bytes_clusterip_a`: `ClusterDns::handle_bytes` for the same question over UDP
//!   (target: at most 0.8x its baseline);
//! - `query/bytes_headless_a_100`: a headless Service with 100 ready endpoints, over TCP
//!   (target: at most 0.5x hickory's encoding of the same reply);
//! - `query/bytes_nxdomain`: an unknown Service (SOA in authority), over UDP (target: at most
//!   0.8x its baseline);
//! - `query/bytes_headless_srv_100`: SRV of a headless Service with 100 endpoints (100 SRV
//!   records, 100 addresses in additional);
//! - `query/typed_ptr_endpoint`: PTR of an endpoint address (reverse index).
//!
//! Loading is measured by `benches/load.rs`.

use std::hint::black_box;
use std::net::Ipv4Addr;

use criterion::{Criterion, criterion_group, criterion_main};
use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
use k8s_dns_sim::hickory_proto::rr::rdata::A;
use k8s_dns_sim::hickory_proto::rr::{Name, RData, Record, RecordType};
use k8s_dns_sim::{Cluster, ClusterDns, Config, Transport};
use k8s_dns_sim_benches::generated_manifests;

fn query_bytes(name: &str) -> Vec<u8> {
    query_bytes_of(name, RecordType::A)
}

fn query_bytes_of(name: &str, qtype: RecordType) -> Vec<u8> {
    let mut message = Message::new(7, MessageType::Query, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
    message.to_vec().unwrap()
}

fn bench_queries(c: &mut Criterion) {
    let cluster = Cluster::from_yaml(&generated_manifests(200, 100)).unwrap();
    let config = Config::default()
        .with_zones(["cluster.local", "in-addr.arpa"])
        .unwrap();
    let dns = ClusterDns::new(cluster, config);

    let clusterip = "svc-0.bench.svc.cluster.local.";
    let clusterip_query = query_bytes(clusterip);
    let headless_query = query_bytes("svc-1.bench.svc.cluster.local.");
    let missing_query = query_bytes("missing.bench.svc.cluster.local.");
    let clusterip_name = Name::from_ascii(clusterip).unwrap();

    let mut group = c.benchmark_group("baseline");
    group.bench_function("hickory_decode_encode", |b| {
        b.iter(|| {
            let request = Message::from_vec(black_box(&clusterip_query)).unwrap();
            let mut reply = Message::response(request.id, request.op_code);
            reply.queries = request.queries.clone();
            let name = request.queries[0].name().clone();
            reply.add_answer(Record::from_rdata(
                name,
                5,
                RData::A(A(Ipv4Addr::new(10, 96, 0, 0))),
            ));
            black_box(reply.to_vec().unwrap())
        })
    });
    // The replies the crate sends, decoded, for hickory to encode again.
    let headless_reply =
        Message::from_vec(&dns.handle_bytes(&headless_query, Transport::Tcp)).unwrap();
    let missing_reply =
        Message::from_vec(&dns.handle_bytes(&missing_query, Transport::Udp)).unwrap();
    assert_eq!(headless_reply.answers.len(), 100);
    assert_eq!(missing_reply.authorities.len(), 1);
    for (name, query, reply) in [
        (
            "hickory_decode_encode_headless_a_100",
            &headless_query,
            &headless_reply,
        ),
        (
            "hickory_decode_encode_nxdomain",
            &missing_query,
            &missing_reply,
        ),
    ] {
        let mut reply = reply.clone();
        group.bench_function(name, |b| {
            b.iter(|| {
                let request = Message::from_vec(black_box(query)).unwrap();
                reply.metadata.id = request.id;
                reply.queries = request.queries;
                black_box(reply.to_vec().unwrap())
            })
        });
    }
    group.bench_function("hickory_encode_headless_a_100", |b| {
        b.iter(|| black_box(black_box(&headless_reply).to_vec().unwrap()))
    });
    group.finish();

    let mut group = c.benchmark_group("query");
    group.bench_function("typed_clusterip_a", |b| {
        b.iter(|| black_box(dns.answer(black_box(&clusterip_name), RecordType::A)))
    });
    group.bench_function("bytes_clusterip_a", |b| {
        b.iter(|| black_box(dns.handle_bytes(black_box(&clusterip_query), Transport::Udp)))
    });
    group.bench_function("bytes_headless_a_100", |b| {
        b.iter(|| black_box(dns.handle_bytes(black_box(&headless_query), Transport::Tcp)))
    });
    group.bench_function("bytes_nxdomain", |b| {
        b.iter(|| black_box(dns.handle_bytes(black_box(&missing_query), Transport::Udp)))
    });
    let srv_query = query_bytes_of("_http._tcp.svc-1.bench.svc.cluster.local.", RecordType::SRV);
    group.bench_function("bytes_headless_srv_100", |b| {
        b.iter(|| black_box(dns.handle_bytes(black_box(&srv_query), Transport::Tcp)))
    });
    // svc-1's first endpoint is 10.0.0.100 (endpoint numbers count from service 0).
    let ptr_name = Name::from_ascii("100.0.0.10.in-addr.arpa.").unwrap();
    assert_eq!(dns.answer(&ptr_name, RecordType::PTR).answers.len(), 1);
    group.bench_function("typed_ptr_endpoint", |b| {
        b.iter(|| black_box(dns.answer(black_box(&ptr_name), RecordType::PTR)))
    });
    group.finish();
}

criterion_group!(benches, bench_queries);
criterion_main!(benches);
