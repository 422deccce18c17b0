//! Instruction counts of the bytes-to-bytes query cases and their baselines, for callgrind: a
//! stable comparison on a shared, noisy machine, where criterion's times wander.
//!
//! Each case runs in a function of its own, `ITERATIONS` times (the first argument, 1 under
//! `cargo bench`), so that callgrind's inclusive cost of `case_<name>` divided by the
//! iterations is the cost of one query (the second argument, when given, runs only the cases
//! whose name contains it; read the costs at `main`'s call sites, since the linker may fold
//! cases with the same code into one function):
//!
//! ```text
//! cargo bench -p k8s-dns-sim-benches --bench instructions --no-run
//! valgrind --tool=callgrind --callgrind-out-file=cg.out target/release/deps/instructions-* 2000
//! callgrind_annotate --inclusive=yes cg.out | grep case_
//! ```
//!
//! The query cases are those of `benches/lookup.rs`, with the same baselines; `flip_1k` and
//! `flip_150k` are the readiness flips of `benches/update.rs` (one `Cluster::apply`, in a
//! cluster of 1,000 and of 150,000 endpoints; the 150k cluster is loaded only when that case
//! runs, since loading it under callgrind takes a minute or two), each followed by
//! `lookup_1k` / `lookup_150k`, a ClusterIP question in the same cluster; `load_150k` and
//! `baseline_load_150k` are the load of `benches/load.rs` and its baseline, run once each.

use std::hint::black_box;
use std::net::Ipv4Addr;

use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
use k8s_dns_sim::hickory_proto::rr::rdata::A;
use k8s_dns_sim::hickory_proto::rr::{Name, RData, Record, RecordType};
use k8s_dns_sim::{Change, Cluster, ClusterDns, Config, Transport};
use k8s_dns_sim_benches::{baseline, generated_manifests};

fn query_bytes(name: &str) -> Vec<u8> {
    let mut message = Message::new(7, MessageType::Query, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.add_query(Query::query(Name::from_ascii(name).unwrap(), RecordType::A));
    message.to_vec().unwrap()
}

#[inline(never)]
fn case_bytes_clusterip_a(dns: &ClusterDns, query: &[u8], iterations: usize) {
    for _ in 0..iterations {
        black_box(dns.handle_bytes(black_box(query), Transport::Udp));
    }
}

#[inline(never)]
fn case_bytes_headless_a_100(dns: &ClusterDns, query: &[u8], iterations: usize) {
    for _ in 0..iterations {
        black_box(dns.handle_bytes(black_box(query), Transport::Tcp));
    }
}

#[inline(never)]
fn case_bytes_nxdomain(dns: &ClusterDns, query: &[u8], iterations: usize) {
    for _ in 0..iterations {
        black_box(dns.handle_bytes(black_box(query), Transport::Udp));
    }
}

#[inline(never)]
fn case_baseline_clusterip_a(query: &[u8], iterations: usize) {
    for _ in 0..iterations {
        let request = Message::from_vec(black_box(query)).unwrap();
        let mut reply = Message::response(request.id, request.op_code);
        reply.queries = request.queries.clone();
        let name = request.queries[0].name().clone();
        reply.add_answer(Record::from_rdata(
            name,
            5,
            RData::A(A(Ipv4Addr::new(10, 96, 0, 0))),
        ));
        black_box(reply.to_vec().unwrap());
    }
}

/// Decoding `query` and encoding `reply` with the query's id and question: the baseline of a
/// case whose reply is `reply`.
#[inline(never)]
fn case_baseline_decode_encode(query: &[u8], reply: &Message, iterations: usize) {
    let mut reply = reply.clone();
    for _ in 0..iterations {
        let request = Message::from_vec(black_box(query)).unwrap();
        reply.metadata.id = request.id;
        reply.queries = request.queries;
        black_box(reply.to_vec().unwrap());
    }
}

#[inline(never)]
fn case_baseline_headless_a_100(query: &[u8], reply: &Message, iterations: usize) {
    case_baseline_decode_encode(query, reply, iterations);
}

#[inline(never)]
fn case_baseline_nxdomain(query: &[u8], reply: &Message, iterations: usize) {
    case_baseline_decode_encode(query, reply, iterations);
}

#[inline(never)]
fn case_baseline_encode_headless_a_100(reply: &Message, iterations: usize) {
    for _ in 0..iterations {
        black_box(black_box(reply).to_vec().unwrap());
    }
}

/// Loading the 10k-Service, 150k-endpoint manifests of `benches/load.rs`.
#[inline(never)]
fn case_load_150k(yaml: &str, iterations: usize) {
    for _ in 0..iterations {
        black_box(Cluster::from_yaml(black_box(yaml)).unwrap());
    }
}

/// Loading the 100k-Service, 1M-endpoint manifests of `benches/load.rs`'s per-byte figure,
/// for `perf record` (callgrind would take an hour); run only when named.
#[inline(never)]
fn case_load_1m(yaml: &str) {
    let mut builder = Cluster::builder();
    builder.max_input_bytes(yaml.len());
    black_box(
        builder
            .add_yaml("generated.yaml", yaml)
            .unwrap()
            .build()
            .unwrap(),
    );
}

/// Its baseline: plain typed deserialisation of the same text into minimal structs.
#[inline(never)]
fn case_baseline_load_150k(yaml: &str, iterations: usize) {
    for _ in 0..iterations {
        black_box(baseline(black_box(yaml)));
    }
}

/// One readiness flip of an endpoint of `cluster`, `iterations` times.
#[inline(never)]
fn case_flip(cluster: &Cluster, change: &Change, iterations: usize) {
    for _ in 0..iterations {
        black_box(cluster.apply([black_box(change.clone())]).unwrap());
    }
}

/// One ClusterIP A question over UDP (`handle_bytes`, the prepared path: the Service lookup
/// is most of it) in the flip's cluster, `iterations` times.
#[inline(never)]
fn case_lookup(dns: &ClusterDns, query: &[u8], iterations: usize) {
    for _ in 0..iterations {
        black_box(dns.handle_bytes(black_box(query), Transport::Udp));
    }
}

#[inline(never)]
fn case_lookup_1k(dns: &ClusterDns, query: &[u8], iterations: usize) {
    case_lookup(dns, query, iterations);
}

#[inline(never)]
fn case_lookup_150k(dns: &ClusterDns, query: &[u8], iterations: usize) {
    case_lookup(dns, query, iterations);
}

#[inline(never)]
fn case_flip_1k(cluster: &Cluster, change: &Change, iterations: usize) {
    case_flip(cluster, change, iterations);
}

#[inline(never)]
fn case_flip_150k(cluster: &Cluster, change: &Change, iterations: usize) {
    case_flip(cluster, change, iterations);
}

/// The cluster and change of `benches/update.rs`: `services` Services of 10 endpoints, and
/// the flip of service 1's first endpoint.
fn flip_setup(services: usize) -> (Cluster, Change) {
    let cluster = Cluster::from_yaml(&generated_manifests(services, 10)).unwrap();
    let address = Ipv4Addr::from(0x0a00_0000u32 + 10).into();
    let change = Change::endpoint_ready("bench", "svc-1-1", address, false);
    assert!(cluster.apply([change.clone()]).is_ok());
    (cluster, change)
}

fn main() {
    // `cargo bench` passes `--bench`: then one iteration of each, as a smoke run.
    let iterations = std::env::args()
        .nth(1)
        .and_then(|argument| argument.parse().ok())
        .unwrap_or(1);
    let cluster = Cluster::from_yaml(&generated_manifests(200, 100)).unwrap();
    let config = Config::default()
        .with_zones(["cluster.local", "in-addr.arpa"])
        .unwrap();
    let dns = ClusterDns::new(cluster, config);
    let clusterip = query_bytes("svc-0.bench.svc.cluster.local.");
    let headless = query_bytes("svc-1.bench.svc.cluster.local.");
    let missing = query_bytes("missing.bench.svc.cluster.local.");
    let headless_reply = Message::from_vec(&dns.handle_bytes(&headless, Transport::Tcp)).unwrap();
    let missing_reply = Message::from_vec(&dns.handle_bytes(&missing, Transport::Udp)).unwrap();
    assert_eq!(headless_reply.answers.len(), 100);
    assert_eq!(missing_reply.authorities.len(), 1);

    let only = std::env::args().nth(2).unwrap_or_default();
    let run = |case: &str| case.contains(only.as_str());
    if run("bytes_clusterip_a") {
        case_bytes_clusterip_a(&dns, &clusterip, iterations);
    }
    if run("bytes_headless_a_100") {
        case_bytes_headless_a_100(&dns, &headless, iterations);
    }
    if run("bytes_nxdomain") {
        case_bytes_nxdomain(&dns, &missing, iterations);
    }
    if run("baseline_clusterip_a") {
        case_baseline_clusterip_a(&clusterip, iterations);
    }
    if run("baseline_headless_a_100") {
        case_baseline_headless_a_100(&headless, &headless_reply, iterations);
    }
    if run("baseline_nxdomain") {
        case_baseline_nxdomain(&missing, &missing_reply, iterations);
    }
    if run("baseline_encode_headless_a_100") {
        case_baseline_encode_headless_a_100(&headless_reply, iterations);
    }
    if run("load_150k") {
        // Once each, whatever the iterations: a load is 2.5 billion instructions.
        let yaml = generated_manifests(10_000, 15);
        case_load_150k(&yaml, 1);
        case_baseline_load_150k(&yaml, 1);
    }
    if only == "load_1m" {
        case_load_1m(&generated_manifests(100_000, 10));
    }
    // The flips' clusters also answer a ClusterIP question (a Service in the middle), so that
    // a change of the persistent maps' shape shows in lookups as well as in changes.
    let lookup = |cluster: &Cluster, services: usize| {
        let dns = ClusterDns::new(cluster.clone(), Config::default());
        let query = query_bytes(&format!("svc-{}.bench.svc.cluster.local.", services / 2));
        let reply = Message::from_vec(&dns.handle_bytes(&query, Transport::Udp)).unwrap();
        assert_eq!(reply.answers.len(), 1);
        (dns, query)
    };
    if run("flip_1k") || run("lookup_1k") {
        let (cluster, change) = flip_setup(100);
        case_flip_1k(&cluster, &change, iterations);
        let (dns, query) = lookup(&cluster, 100);
        case_lookup_1k(&dns, &query, iterations);
    }
    if run("flip_150k") || run("lookup_150k") {
        let (cluster, change) = flip_setup(15_000);
        case_flip_150k(&cluster, &change, iterations);
        let (dns, query) = lookup(&cluster, 15_000);
        case_lookup_150k(&dns, &query, iterations);
    }
}
