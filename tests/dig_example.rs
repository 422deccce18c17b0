//! The `dig` example's pod mode, run as a user runs it (`examples/dig.rs`): `--from-pod NS/POD`
//! takes a Pod of the manifests, `--hosts` prints the two files the kubelet wrote for it,
//! `--family` picks the `getaddrinfo` family, `--node-resolv-conf` is the node's file.

use std::process::Command;

mod support;

/// Runs `dig` with `args` from the repository root: (exit code, stdout, stderr).
fn dig(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(support::dig_binary())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the dig example runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn contains_in_order(text: &str, parts: &[&str]) -> Result<(), String> {
    let mut rest = text;
    for part in parts {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return Err(format!("{part:?} missing (or out of order) in:\n{text}")),
        }
    }
    Ok(())
}

#[test]
fn from_pod_takes_the_pods_own_files() {
    // (args, what stdout holds, in order). Each case checks one rule of the pod mode.
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "the documentation's hostname/subdomain example: one Pod finds the other by its \
             subdomain, through the search list",
            &[
                "-f",
                "fixtures/hostname-subdomain.yaml",
                "--from-pod",
                "default/busybox2",
                "busybox-1.busybox-subdomain",
            ],
            &[
                ";; Pod default/busybox2 (glibc 2.36+):",
                "step 1: busybox-1.busybox-subdomain.default.svc.cluster.local. (in parallel)",
                "UDP#1 A busybox-1.busybox-subdomain.default.svc.cluster.local. @10.96.0.10 -> NOERROR aa, 1 answer",
                // kubeadm's Corefile (no ConfigMap in the input): TTL 30.
                ";; ANSWER SECTION:\nbusybox-1.busybox-subdomain.default.svc.cluster.local. 30 IN A 10.244.0.75\n",
            ],
        ),
        (
            "--hosts: the Pod's dnsConfig merged into its resolv.conf, its hostAliases in its \
             hosts file, which answers the alias without a query (and so no dig)",
            &[
                "-f",
                "fixtures/pod-dns.yaml",
                "--from-pod",
                "shop/tuned",
                "--hosts",
                "legacy-db",
            ],
            &[
                ";; The pod's /etc/resolv.conf:",
                ";;   search shop.svc.cluster.local svc.cluster.local cluster.local corp.example",
                ";;   nameserver 10.96.0.10\n;;   nameserver 1.1.1.1\n;;   options ndots:2 edns0",
                ";; The pod's /etc/hosts:",
                ";;   # Entries added by HostAliases.\n;;   10.1.2.3    legacy-db    legacy-db.corp.example",
                "answered from /etc/hosts",
                "result: 10.1.2.3",
            ],
        ),
        (
            "--family inet6: AAAA only, and the dig that follows asks AAAA",
            &[
                "-f",
                "fixtures/nodes-hostnetwork.yaml",
                "--from-pod",
                "kube-system/node-agent-rt7sn",
                "--family",
                "inet6",
                "--resolver",
                "musl",
                "node-agent-dual.kube-system.svc.cluster.local.",
            ],
            &[
                "musl 1.2.4+: getaddrinfo(\"node-agent-dual.kube-system.svc.cluster.local.\", AF_INET6)",
                "UDP#1 AAAA node-agent-dual.kube-system.svc.cluster.local. @10.96.0.10 -> NOERROR aa, 1 answer",
                "result: fd00:192:168::12",
                ";node-agent-dual.kube-system.svc.cluster.local. IN AAAA\n",
            ],
        ),
        (
            "a hostNetwork Pod with ClusterFirst gets the node's resolv.conf (Default), here \
             --node-resolv-conf's, and asks the node's nameserver",
            &[
                "-f",
                "fixtures/nodes-hostnetwork.yaml",
                "--from-pod",
                "monitoring/exporter-1",
                "--node-resolv-conf",
                "fixtures/node-resolv.conf",
                "--hosts",
                "--family",
                "inet",
                "example.com",
            ],
            &[
                ";;   search ec2.internal\n;;   nameserver 10.0.0.2",
                "# Kubernetes-managed hosts file (host network).",
                // ndots:1 (the libraries' default): as is first, then the node's domain.
                "UDP#1 A example.com. @10.0.0.2 -> NXDOMAIN ra, 0 answers",
                "UDP#2 A example.com.ec2.internal. @10.0.0.2 -> NXDOMAIN ra, 0 answers",
                "result: EAI_NONAME",
                "status: NXDOMAIN",
            ],
        ),
    ];
    for (why, args, want) in cases {
        let (code, stdout, stderr) = dig(args);
        assert_eq!(code, 0, "{why}: {stderr}\n{stdout}");
        if let Err(problem) = contains_in_order(&stdout, want) {
            panic!("{why}: {problem}");
        }
    }
}

#[test]
fn pod_mode_refuses_what_it_cannot_take() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "a Pod the manifests do not have",
            &[
                "-f",
                "fixtures/pod-dns.yaml",
                "--from-pod",
                "shop/nope",
                "web",
            ],
            "dig: --from-pod: no Pod shop/nope in the cluster (neither loaded nor made by a workload)\n",
        ),
        (
            "not namespace/name",
            &["-f", "fixtures/pod-dns.yaml", "--from-pod", "tuned", "web"],
            "dig: --from-pod: expected a Pod as <namespace>/<name>, found \"tuned\"\n",
        ),
        (
            "two pods at once",
            &[
                "-f",
                "fixtures/pod-dns.yaml",
                "--from-pod",
                "shop/tuned",
                "--pod-namespace",
                "shop",
                "web",
            ],
            "dig: --pod-namespace and --from-pod name two different pods: give one (dig --help lists the options)\n",
        ),
        (
            "an unknown family",
            &["-f", "fixtures/pod-dns.yaml", "--family", "inet5", "web"],
            "dig: --family: unspec, inet or inet6, not \"inet5\" (dig --help lists the options)\n",
        ),
    ];
    for (why, args, want) in cases {
        let (code, stdout, stderr) = dig(args);
        assert_eq!(code, 2, "{why}: {stdout}");
        assert!(stderr.starts_with(want), "{why}: {stderr}");
    }
}
