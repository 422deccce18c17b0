//! Times every input of a directory through the fuzz target the directory is named after
//! (`work/load_yaml`, `corpus/changes`, ...) and prints the slowest, and every one over 100 ms
//! (the least of four runs, in CPU time of the thread, so that a busy machine does not count):
//! issue 8 asks that no input under 64 KiB take longer. Use a release build:
//! `cargo run --release --example slowest -- work/load_yaml`.

use std::path::Path;
use std::time::{Duration, Instant};

use arbitrary::{Arbitrary, Unstructured};
use k8s_dns_sim_fuzz::{Batch, harness};

const SLOW: Duration = Duration::from_millis(100);

/// The CPU time this thread has run (Linux: the first field of `/proc/thread-self/schedstat`,
/// brought up to date at the scheduler's ticks: a few milliseconds, enough for the 100 ms bound).
fn cpu_time() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|stat| stat.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// The CPU time `run` takes for `data`.
fn timed(target: &str, data: &[u8]) -> Duration {
    let started = cpu_time();
    run(target, data);
    cpu_time().saturating_sub(started)
}

fn run(target: &str, data: &[u8]) {
    match target {
        "load_yaml" => harness::load_yaml(data),
        "corefile" => harness::corefile(data),
        "handle_bytes" => harness::handle_bytes(data),
        "resolv_conf" => harness::resolv_conf(data),
        "changes" => {
            if let Ok(batch) = Batch::arbitrary_take_rest(Unstructured::new(data)) {
                harness::changes(&batch.0);
            }
        }
        other => panic!("no target {other}"),
    }
}

fn main() {
    for dir in std::env::args().skip(1) {
        let target = Path::new(&dir)
            .file_name()
            .and_then(|name| name.to_str())
            .expect("a directory named after its target")
            .to_owned();
        // Build the target's fixed state before timing.
        run(&target, b"");
        let mut times = Vec::new();
        let start = Instant::now();
        for entry in std::fs::read_dir(&dir).expect("a directory") {
            let path = entry.expect("an entry").path();
            let data = std::fs::read(&path).expect("a file");
            times.push((timed(&target, &data), data.len(), path));
        }
        // The machine may be busy: time the 20 slowest again, three times, and keep the least.
        times.sort();
        let retimed = times.len().saturating_sub(20);
        for (elapsed, _, path) in &mut times[retimed..] {
            let data = std::fs::read(&*path).expect("a file");
            for _ in 0..3 {
                *elapsed = (*elapsed).min(timed(&target, &data));
            }
        }
        times.sort();
        println!("{target}: {} inputs in {:?}", times.len(), start.elapsed());
        for (elapsed, len, path) in times.iter().rev().take(5) {
            println!("  {elapsed:>12?} {len:>6} bytes {}", path.display());
        }
        for (elapsed, len, path) in times.iter().filter(|(e, l, _)| *e > SLOW && *l <= 65536) {
            println!("  SLOW {elapsed:?} {len} bytes {}", path.display());
        }
    }
}
