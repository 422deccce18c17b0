//! What loading a large cluster costs, in time and memory, beside plain typed deserialisation.
//!
//! `cargo bench -p k8s-dns-sim-benches --bench load` runs (issue 13's load targets):
//! - `load/baseline_typed_150k_endpoints`: the baseline, plain typed `serde_yaml`
//!   deserialisation of the same text into minimal structs holding what the cluster needs
//!   (metadata name, namespace, labels; Service type, clusterIP(s), ipFamilies, ports,
//!   selector; EndpointSlice addressType, endpoints with addresses, conditions, hostname and
//!   targetRef name, ports), kept in memory;
//! - `load/10k_services_150k_endpoints`: `Cluster::from_yaml` over the same 10,000 Services
//!   and 150,000 endpoints (target: at most 1.3× the baseline);
//! - `scale/clusterip_a_100_services` and `scale/clusterip_a_100k_services`: one ClusterIP
//!   lookup (`ClusterDns::answer`) in a cluster of 100 Services, and of 100,000 Services with
//!   1,000,000 endpoints (target: at most 1.3× the small one's).
//!
//! Before criterion's runs it prints, measured once with the counting allocator installed
//! here: each load's peak memory and what it keeps (target: the load's peak at most 1.5× the
//! baseline's), and the time per input byte of the 1,000,000-endpoint load (the input cap
//! raised on the builder) beside the 150,000-endpoint one's (target: at most 1.1×).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
use k8s_dns_sim::{Cluster, ClusterDns, Config};
use k8s_dns_sim_benches::{Counting, baseline, generated_manifests, mib, peak_during};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// `Cluster::from_yaml` with the input cap raised to fit `yaml`.
fn load(yaml: &str) -> Cluster {
    Cluster::builder()
        .max_input_bytes(yaml.len())
        .add_yaml("generated.yaml", yaml)
        .unwrap()
        .build()
        .unwrap()
}

/// The fastest of `runs` timed runs of `run`.
fn fastest<T>(runs: usize, mut run: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(run());
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// Memory and per-byte time, measured once each, printed for the README.
fn report(small: &str, large: &str) {
    let (documents, base) = peak_during(|| baseline(small));
    drop(documents);
    let (cluster, ours) = peak_during(|| load(small));
    drop(cluster);
    eprintln!(
        "memory/150k_endpoints: baseline peak {:.1} MiB (kept {:.1} MiB), load peak {:.1} MiB (kept {:.1} MiB): {:.2}x the baseline's peak",
        mib(base.peak),
        mib(base.kept),
        mib(ours.peak),
        mib(ours.kept),
        ours.peak as f64 / base.peak as f64
    );
    let small_time = fastest(3, || load(small));
    let large_time = fastest(2, || load(large));
    let per_byte = |time: Duration, text: &str| time.as_secs_f64() * 1e9 / text.len() as f64;
    eprintln!(
        "load/per_byte: {:.1} MB in {:.2?} ({:.1} ns/byte); {:.1} MB in {:.2?} ({:.1} ns/byte): {:.2}x per byte",
        small.len() as f64 / 1e6,
        small_time,
        per_byte(small_time, small),
        large.len() as f64 / 1e6,
        large_time,
        per_byte(large_time, large),
        per_byte(large_time, large) / per_byte(small_time, small)
    );
}

fn bench_load(c: &mut Criterion) {
    let small = generated_manifests(10_000, 15);
    let large = generated_manifests(100_000, 10);
    report(&small, &large);

    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("baseline_typed_150k_endpoints", |b| {
        b.iter(|| black_box(baseline(black_box(&small))))
    });
    group.bench_function("10k_services_150k_endpoints", |b| {
        b.iter(|| black_box(Cluster::from_yaml(black_box(&small)).unwrap()))
    });
    group.finish();

    let zones = || {
        Config::default()
            .with_zones(["cluster.local", "in-addr.arpa"])
            .unwrap()
    };
    let few = ClusterDns::new(
        Cluster::from_yaml(&generated_manifests(100, 10)).unwrap(),
        zones(),
    );
    let many = ClusterDns::new(load(&large), zones());
    drop(large);
    // A ClusterIP Service in the middle of the big cluster, and the first of the small one.
    let few_name = Name::from_ascii("svc-50.bench.svc.cluster.local.").unwrap();
    let many_name = Name::from_ascii("svc-50000.bench.svc.cluster.local.").unwrap();
    for (dns, name) in [(&few, &few_name), (&many, &many_name)] {
        assert_eq!(dns.answer(name, RecordType::A).answers.len(), 1);
    }
    let mut group = c.benchmark_group("scale");
    group.bench_function("clusterip_a_100_services", |b| {
        b.iter(|| black_box(few.answer(black_box(&few_name), RecordType::A)))
    });
    group.bench_function("clusterip_a_100k_services", |b| {
        b.iter(|| black_box(many.answer(black_box(&many_name), RecordType::A)))
    });
    group.finish();
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
