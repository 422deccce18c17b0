//! What listing a large zone costs.
//!
//! `cargo bench -p k8s-dns-sim-benches --bench zone` (the benches are a crate of their own,
//! `benches/Cargo.toml`) runs:
//! - `zone/records_10k_services`: `ClusterDns::zone_records` over 10,000 Services (half
//!   ClusterIP, half headless with 15 ready endpoints each): about 240,000 records;
//! - `zone/file_10k_services`: `ClusterDns::zone_file`, the same listing as text;
//! - `zone/axfr_tcp_10k_services`: `ClusterDns::handle_bytes_stream` for an AXFR over TCP:
//!   the listing split into messages and encoded.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
use k8s_dns_sim::{Cluster, ClusterDns, Config, Transport};
use k8s_dns_sim_benches::generated_manifests;

fn bench_zone(c: &mut Criterion) {
    let cluster = Cluster::from_yaml(&generated_manifests(10_000, 15)).unwrap();
    let dns = ClusterDns::new(cluster, Config::default().with_transfer(true));
    let records = dns.zone_records("cluster.local").unwrap().len();
    eprintln!("zone/10k_services: {records} records");

    let mut axfr = Message::new(1, MessageType::Query, OpCode::Query);
    axfr.add_query(Query::query(
        Name::from_ascii("cluster.local.").unwrap(),
        RecordType::AXFR,
    ));
    let axfr = axfr.to_vec().unwrap();

    let mut group = c.benchmark_group("zone");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("records_10k_services", |b| {
        b.iter(|| dns.zone_records(black_box("cluster.local")).unwrap())
    });
    group.bench_function("file_10k_services", |b| {
        b.iter(|| dns.zone_file(black_box("cluster.local")).unwrap())
    });
    group.bench_function("axfr_tcp_10k_services", |b| {
        b.iter(|| dns.handle_bytes_stream(black_box(&axfr), Transport::Tcp))
    });
    group.finish();
}

criterion_group!(benches, bench_zone);
criterion_main!(benches);
