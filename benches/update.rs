//! What one change costs, in a small cluster and in a large one.
//!
//! `cargo bench -p k8s-dns-sim-benches --bench update` (the benches are a crate of their own,
//! `benches/Cargo.toml`) runs `update/readiness_flip_1k_endpoints` and
//! `update/readiness_flip_150k_endpoints`: `Cluster::apply` of one endpoint readiness change,
//! the next snapshot included. Both clusters have 10 endpoints per Service, so the change
//! touches objects of the same size; changes are incremental, so the two should cost about
//! the same.
//!
//! `update/scale_to_900_in_one_change` and `update/scale_to_900_in_eight_changes`: a batch that
//! scales the fixtures' StatefulSet `web` (3 Pods behind the headless `nginx`) to 900 Pods,
//! in one change and in eight (`900, 901, ..., 907`). Every change that touches a workload
//! runs its namespace's pass again (the controllers over every Pod of the namespace), so the
//! second costs about eight times the first: the costliest batch the `changes` fuzz target
//! can make (issue 8 bounds such a batch at 100 ms).

use std::hint::black_box;
use std::net::Ipv4Addr;

use criterion::{Criterion, criterion_group, criterion_main};
use k8s_dns_sim::{Change, Cluster, Kind};
use k8s_dns_sim_benches::generated_manifests;

fn bench_update(c: &mut Criterion) {
    let mut group = c.benchmark_group("update");
    group.sample_size(50);
    for (label, services, per_service) in [("1k", 100, 10), ("150k", 15_000, 10)] {
        let cluster = Cluster::from_yaml(&generated_manifests(services, per_service)).unwrap();
        // Service 1 (headless) has endpoints per_service..2*per_service; flip its first one.
        let address = Ipv4Addr::from(0x0a00_0000u32 + per_service as u32).into();
        let change = Change::endpoint_ready("bench", "svc-1-1", address, false);
        assert!(cluster.apply([change.clone()]).is_ok());
        group.bench_function(format!("readiness_flip_{label}_endpoints"), |b| {
            b.iter(|| black_box(cluster.apply([black_box(change.clone())]).unwrap()))
        });
    }
    let cluster = Cluster::from_yaml(include_str!("../fixtures/statefulset.yaml")).unwrap();
    let scale = |replicas| Change::scale(Kind::StatefulSet, "default", "web", replicas);
    let one = vec![scale(907)];
    let eight: Vec<Change> = (900..908).map(scale).collect();
    group.sample_size(20);
    group.bench_function("scale_to_900_in_one_change", |b| {
        b.iter(|| black_box(cluster.apply(black_box(one.clone())).unwrap()))
    });
    group.bench_function("scale_to_900_in_eight_changes", |b| {
        b.iter(|| black_box(cluster.apply(black_box(eight.clone())).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench_update);
criterion_main!(benches);
