//! What the benches share: the manifest generator and a counting allocator.
//!
//! This is the library of the `k8s-dns-sim-benches` crate (`benches/Cargo.toml`), a workspace
//! member of its own so that the main crate's `cargo test` never builds criterion. Run the
//! benches with `cargo bench -p k8s-dns-sim-benches` (all) or
//! `cargo bench -p k8s-dns-sim-benches --bench load` (one).

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Deserialize;

/// `services` Services in namespace `bench`, alternately ClusterIP and headless, each with an
/// EndpointSlice of `endpoints_per_service` ready endpoints.
pub fn generated_manifests(services: usize, endpoints_per_service: usize) -> String {
    let mut yaml = String::with_capacity(services * (400 + endpoints_per_service * 40));
    for s in 0..services {
        let cluster_ip = if s % 2 == 0 {
            format!("10.{}.{}.{}", 96 + s / 65536, (s / 256) % 256, s % 256)
        } else {
            "None".to_owned()
        };
        writeln!(
            yaml,
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: svc-{s}, namespace: bench}}\n\
             spec: {{clusterIP: {cluster_ip}, ports: [{{name: http, port: 80}}]}}\n---\n\
             apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
             metadata: {{name: svc-{s}-1, namespace: bench, labels: {{kubernetes.io/service-name: svc-{s}}}}}\n\
             addressType: IPv4\nports: [{{name: http, port: 8080, protocol: TCP}}]\nendpoints:"
        )
        .unwrap();
        for e in 0..endpoints_per_service {
            let n = s * endpoints_per_service + e;
            writeln!(
                yaml,
                "  - addresses: [\"{}\"]",
                Ipv4Addr::from(0x0a00_0000u32 + n as u32)
            )
            .unwrap();
        }
    }
    yaml
}

/// A document of the generated input, with only the fields the cluster needs.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // read by no one: the baseline only builds them
pub struct Minimal {
    api_version: Option<String>,
    kind: Option<String>,
    metadata: Option<MinimalMeta>,
    spec: Option<MinimalSpec>,
    address_type: Option<String>,
    endpoints: Option<Vec<MinimalEndpoint>>,
    ports: Option<Vec<MinimalPort>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalMeta {
    name: Option<String>,
    namespace: Option<String>,
    labels: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct MinimalSpec {
    #[serde(rename = "type")]
    service_type: Option<String>,
    #[serde(rename = "clusterIP")]
    cluster_ip: Option<String>,
    #[serde(rename = "clusterIPs")]
    cluster_ips: Option<Vec<String>>,
    ip_families: Option<Vec<String>>,
    ports: Option<Vec<MinimalPort>>,
    selector: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalPort {
    name: Option<String>,
    port: Option<u16>,
    protocol: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct MinimalEndpoint {
    addresses: Option<Vec<String>>,
    conditions: Option<MinimalConditions>,
    hostname: Option<String>,
    target_ref: Option<MinimalTargetRef>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalConditions {
    ready: Option<bool>,
    serving: Option<bool>,
    terminating: Option<bool>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalTargetRef {
    name: Option<String>,
}

/// The load benches' baseline (issue 13): every document of `yaml` deserialised once, by plain
/// typed `serde_yaml`, into [`Minimal`], kept.
pub fn baseline(yaml: &str) -> Vec<Minimal> {
    serde_yaml::Deserializer::from_str(yaml)
        .map(|document| Minimal::deserialize(document).unwrap())
        .collect()
}

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting the bytes in use and their peak. A bench that measures
/// memory installs it (`#[global_allocator] static ALLOCATOR: Counting = Counting;`) and reads
/// it with [`peak_during`]; the others keep the plain allocator, so that their times carry no
/// counting.
pub struct Counting;

// SAFETY: every call goes to `System` unchanged; only the counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grow(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            grow(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(pointer, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
            grow(new_size);
        }
        moved
    }
}

fn grow(size: usize) {
    let now = CURRENT.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

/// What `run` allocated at its peak and what it still holds when it returns (its result
/// included), both in bytes above what was in use when it started. Meaningful only with
/// [`Counting`] installed as the global allocator, and on one thread.
pub fn peak_during<T>(run: impl FnOnce() -> T) -> (T, Memory) {
    let start = CURRENT.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let result = run();
    let memory = Memory {
        peak: PEAK.load(Ordering::Relaxed) - start,
        kept: CURRENT.load(Ordering::Relaxed).saturating_sub(start),
    };
    (result, memory)
}

/// Bytes measured by [`peak_during`].
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// The most in use at once.
    pub peak: usize,
    /// Still in use at the end (the result).
    pub kept: usize,
}

/// Bytes as MiB, for the benches' reports.
pub fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
