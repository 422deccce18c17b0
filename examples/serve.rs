//! A simulated cluster's DNS on a real socket, for `dig`, a browser's resolver, or code under
//! test: load manifests, serve them on UDP and TCP, and (with `--watch`) load them again when
//! a file changes.
//!
//! ```text
//! cargo run --features serve --example serve -- -f fixtures/golden.yaml --listen 127.0.0.1:5353
//! dig @127.0.0.1 -p 5353 web.default.svc.cluster.local
//! cargo run --features serve --example serve -- -f a.yaml -f b.yaml --corefile Corefile --watch
//! ```
//!
//! The manifests and `--corefile` are read as the `dig` example reads them: without
//! `--corefile`, a dump that holds the ConfigMap `kube-system/coredns` is answered with that
//! ConfigMap's Corefile, otherwise with the plugin's defaults. `--listen` defaults to
//! `127.0.0.1:5353`; port 0 picks a free port (printed).
//!
//! With `--watch`, every second the modification times of the files are compared with the
//! last ones seen; on a change everything is loaded again and swapped in whole
//! (`Server::replace`). A load that fails is printed and the old snapshot keeps being served.

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use k8s_dns_sim::serve::Server;
use k8s_dns_sim::{ClusterBuilder, ClusterDns, Config};

const USAGE: &str = "usage: serve -f <manifests.yaml> [-f <more.yaml>...] [--corefile <Corefile>] \
[--listen <addr:port>] [--watch]";

struct Options {
    manifests: Vec<String>,
    corefile: Option<String>,
    listen: String,
    watch: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut manifests = Vec::new();
    let mut corefile = None;
    let mut listen = "127.0.0.1:5353".to_owned();
    let mut watch = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-f" | "--file" => manifests.push(args.next().ok_or("-f needs a file")?),
            "--corefile" => corefile = Some(args.next().ok_or("--corefile needs a file")?),
            "--listen" => listen = args.next().ok_or("--listen needs an address")?,
            "--watch" => watch = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unexpected argument {other}\n{USAGE}")),
        }
    }
    if manifests.is_empty() {
        return Err(format!("no manifests given\n{USAGE}"));
    }
    Ok(Options {
        manifests,
        corefile,
        listen,
        watch,
    })
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|error| format!("{path}: {error}"))
}

/// Loads the manifests and the configuration, as the `dig` example does.
fn load(options: &Options) -> Result<ClusterDns, String> {
    let mut builder = ClusterBuilder::new();
    for path in &options.manifests {
        builder
            .add_yaml(path, &read(path)?)
            .map_err(|errors| errors.to_string())?;
    }
    let cluster = builder.build().map_err(|errors| errors.to_string())?;
    match &options.corefile {
        Some(path) => {
            let config =
                Config::from_corefile(&read(path)?).map_err(|error| format!("{path}: {error}"))?;
            Ok(ClusterDns::new(cluster, config))
        }
        None => ClusterDns::from_cluster(cluster).map_err(|error| error.to_string()),
    }
}

/// What the simulator noticed, and how much it serves.
fn describe(dns: &ClusterDns) {
    let cluster = dns.cluster();
    let zones: Vec<String> = dns
        .config()
        .kubernetes_plugins()
        .flat_map(|kubernetes| &kubernetes.zones)
        .map(ToString::to_string)
        .collect();
    println!(
        ";; {} Services, {} Pods; zones {} (serial {})",
        cluster.services().len(),
        cluster.pods().count(),
        zones.join(" "),
        cluster.serial()
    );
    for diagnostic in cluster.diagnostics() {
        println!(";;   {diagnostic}");
    }
}

/// The files to watch, with their modification times (`None` for one that cannot be read).
fn stamps(options: &Options) -> Vec<Option<SystemTime>> {
    options
        .manifests
        .iter()
        .chain(&options.corefile)
        .map(|path| {
            std::fs::metadata(path)
                .and_then(|meta| meta.modified())
                .ok()
        })
        .collect()
}

fn run() -> Result<(), String> {
    let options = parse_args(std::env::args().skip(1))?;
    let dns = load(&options)?;
    describe(&dns);
    let server = Server::start(dns, options.listen.as_str())
        .map_err(|error| format!("cannot listen on {}: {error}", options.listen))?;
    let addr = server.addr();
    println!(";; serving on {addr} (UDP and TCP); try:");
    println!(
        "dig @{} -p {} web.default.svc.cluster.local",
        addr.ip(),
        addr.port()
    );
    if !options.watch {
        loop {
            std::thread::park();
        }
    }
    println!(";; watching {} file(s) for changes", stamps(&options).len());
    let mut seen = stamps(&options);
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let now = stamps(&options);
        if now == seen {
            continue;
        }
        seen = now;
        match load(&options) {
            Ok(dns) => {
                println!(";; files changed: reloaded");
                // Served at the next serial: a zone's serial only grows.
                server.replace(dns);
                describe(&server.dns());
            }
            Err(error) => {
                println!(
                    ";; files changed, but they do not load; still serving the last good load:"
                );
                for line in error.lines() {
                    println!(";;   {line}");
                }
            }
        }
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("serve: {message}");
            ExitCode::from(2)
        }
    }
}
