//! Prints the zone listing of a manifest file, as a zone transfer would send it.
//!
//! `cargo run --example zone -- fixtures/golden.yaml [zone]` (the zone defaults to
//! `cluster.local`). Diff the output for two versions of the manifests to see which DNS
//! records a change adds or removes.

use k8s_dns_sim::{Cluster, ClusterDns, Config};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: zone <manifests.yaml> [zone]");
        std::process::exit(2);
    };
    let zone = args.next().unwrap_or_else(|| "cluster.local".to_owned());
    let cluster = Cluster::from_yaml(&std::fs::read_to_string(&path)?)?;
    let dns = ClusterDns::new(cluster, Config::default());
    print!("{}", dns.zone_file(&zone)?);
    Ok(())
}
