//! What generating test cases costs: a property test runs 256 cases by default, so the
//! strategies of `k8s_dns_sim::strategies` must make 256 clusters of the default shape (and
//! the questions about them) in well under a second, loading included.
//!
//! `cargo bench -p k8s-dns-sim-benches --bench strategies` runs:
//! - `strategies/256_clusters_default_shape`: 256 `cluster(ClusterShape::default())` values,
//!   each rendered to manifests and loaded through `Cluster::from_yaml`;
//! - `strategies/256_clusters_with_questions`: the same with `questions_for`'s questions;
//! - `strategies/256_change_sequences`: a cluster and a `change_sequence` of up to 8 batches
//!   (whose final state is loaded afresh).
//!
//! Measured on a shared 2-core machine: 0.30 s for the 256 clusters, 0.36 s with their
//! questions, 0.54 s for the change sequences.
//!
//! Self-contained (no `support` module) so that it can move with the other benches.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use k8s_dns_sim::strategies::{ClusterShape, change_sequence, cluster, cluster_with_questions};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

/// `cases` values of `strategy`, as a test runner draws them.
fn draw<S: Strategy>(strategy: &S, cases: usize) -> usize {
    let mut runner = TestRunner::deterministic();
    (0..cases)
        .map(|_| {
            let value = strategy.new_tree(&mut runner).unwrap().current();
            black_box(value);
        })
        .count()
}

fn bench_strategies(c: &mut Criterion) {
    let shape = ClusterShape::default();
    let mut group = c.benchmark_group("strategies");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("256_clusters_default_shape", |b| {
        b.iter(|| draw(&cluster(shape), 256))
    });
    group.bench_function("256_clusters_with_questions", |b| {
        b.iter(|| draw(&cluster_with_questions(shape), 256))
    });
    let sequences = cluster(shape).prop_flat_map(|generated| change_sequence(&generated, 8));
    group.bench_function("256_change_sequences", |b| b.iter(|| draw(&sequences, 256)));
    group.finish();
}

criterion_group!(benches, bench_strategies);
criterion_main!(benches);
