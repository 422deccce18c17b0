//! `dig` against a simulated cluster: load manifests, ask one question, print the reply the
//! way dig prints it, followed by what the simulator noticed about the manifests.
//!
//! ```text
//! cargo run --example dig -- -f fixtures/seed-mysql.yaml mysql-svc.default.svc.cluster.local
//! cargo run --example dig -- -f fixtures/clusterip-vs-headless.yaml web-headless.default.svc.cluster.local A
//! cargo run --example dig -- -f a.yaml -f b.yaml --corefile Corefile +tcp +bufsize=1232 _http._tcp.web.default.svc.cluster.local SRV
//! cargo run --example dig -- -f fixtures/cluster-dump.yaml cart.shop.svc.cluster.local
//! cargo run --example dig -- -f fixtures/golden.yaml -x 10.96.0.20 +short
//! kubectl get svc,endpointslices,pods -A -o yaml | cargo run --example dig -- -f - web.default.svc.cluster.local
//! ```
//!
//! `--help` lists every option. Without `--corefile`, a dump that holds the ConfigMap
//! `kube-system/coredns` is answered with that ConfigMap's Corefile
//! (`ClusterDns::from_cluster`), and the output says so; otherwise with kubeadm's default
//! Corefile (the one kubeadm and kind install); `--plugin-defaults` answers with the bare
//! plugin's defaults. `--corefile` always wins.
//!
//! The question goes through the same path a real client's would: it is encoded to wire bytes
//! as dig sends it (RD, EDNS with a 1232-byte payload), answered by `ClusterDns::handle_bytes`
//! (UDP by default; a truncated reply is asked again over TCP, as dig does), and the reply
//! bytes are decoded for printing. The logic is the library's `k8s_dns_sim::dig`; this is its
//! `main`.
//!
//! Pod mode (`--pod-namespace NS`) first runs `getaddrinfo` as a pod in that namespace would
//! (the kubelet's `ClusterFirst` files, then the library's walk: every query, every reply, the
//! addresses in the application's order or the library's error), then digs the name that ended
//! the walk:
//!
//! ```text
//! cargo run --example dig -- -f fixtures/golden.yaml --pod-namespace default --resolver musl web
//! cargo run --example dig -- -f fixtures/golden.yaml --pod-namespace shop --family inet6 --hosts web.default
//! ```
//!
//! `--resolver glibc|musl-1.2.3|musl|go` picks the library (glibc by default), `--family
//! unspec|inet|inet6` the `getaddrinfo` family (`unspec` by default; a type other than A and
//! AAAA runs the library's record search instead), `--pod-ip` the pod's address, `--hosts`
//! prints the pod's `/etc/hosts` and `/etc/resolv.conf`. `--from-pod NS/POD` takes a Pod of the
//! manifests instead (bare, or one a workload made: `kubectl get pods` names): its `dnsPolicy`,
//! `dnsConfig`, `hostAliases`, hostname and subdomain, `hostNetwork` and addresses, on its
//! node. `--node-resolv-conf FILE` is the node's `resolv.conf`, for `dnsPolicy: Default` and
//! `hostNetwork` Pods (empty without it):
//!
//! ```text
//! cargo run --example dig -- -f fixtures/hostname-subdomain.yaml --from-pod default/busybox2 --hosts busybox-1.busybox-subdomain
//! ```

use std::process::ExitCode;

use k8s_dns_sim::dig::{self, DigOptions, Invocation};

fn main() -> ExitCode {
    let options = match DigOptions::parse(std::env::args().skip(1)) {
        Ok(Invocation::Help) => {
            print!("{}", dig::HELP);
            return ExitCode::SUCCESS;
        }
        Ok(Invocation::Dig(options)) if options.json => {
            eprintln!(
                "dig: --json is the command-line tool's: cargo run --features cli --bin k8s-dns-sim -- dig ..."
            );
            return ExitCode::from(2);
        }
        Ok(Invocation::Dig(options)) => options,
        Err(error) => {
            eprintln!("dig: {error} (dig --help lists the options)");
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    match dig::run(
        &options,
        &mut std::io::stdin().lock(),
        &mut stdout.lock(),
        &mut stderr.lock(),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        // `dig … | head`: the reader has what it wanted.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("dig: {error}");
            ExitCode::from(2)
        }
    }
}
