//! Answer tables over the fixtures: one row per rule, expected records in zone-file text,
//! sections compared as multisets. Rule numbers refer to docs/coredns-rules.md.

mod support;

use k8s_dns_sim::hickory_proto::op::ResponseCode::{NXDomain, NoError, Refused};
use k8s_dns_sim::hickory_proto::rr::RecordType::{
    A, AAAA, AXFR, CNAME, HINFO, IXFR, MX, NS, PTR, SOA, SRV, TXT,
};
use k8s_dns_sim::{Config, PodMode};
use support::{Case, SOA as ZONE_SOA, check, dns};

#[test]
fn seed_manifest_does_not_resolve_because_endpoints_name_differs() {
    let dns = dns("seed-mysql.yaml", Config::default());
    check(
        &dns,
        &[Case {
            rule: "12 headless without ready endpoints is NXDOMAIN (Endpoints mysql-ep never links)",
            name: "mysql-svc.default.svc.cluster.local.",
            qtype: A,
            rcode: NXDomain,
            answer: &[],
            authority: &[ZONE_SOA],
            additional: &[],
        }],
    );
}

#[test]
fn seed_manifest_resolves_once_endpoints_carry_the_service_name() {
    let dns = dns("seed-mysql-fixed.yaml", Config::default());
    check(
        &dns,
        &[
            Case {
                rule: "12 headless answers its ready endpoint (mirrored from Endpoints)",
                name: "mysql-svc.default.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["mysql-svc.default.svc.cluster.local. 5 IN A 114.32.146.154"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "12 headless with endpoints of the other family only is NODATA",
                name: "mysql-svc.default.svc.cluster.local.",
                qtype: AAAA,
                rcode: NoError,
                answer: &[],
                authority: &[ZONE_SOA],
                additional: &[],
            },
        ],
    );
}

#[test]
fn clusterip_answers_its_virtual_ip_and_headless_its_ready_endpoints() {
    let dns = dns("clusterip-vs-headless.yaml", Config::default());
    check(
        &dns,
        &[
            Case {
                rule: "11 ClusterIP service answers its ClusterIP",
                name: "web.default.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["web.default.svc.cluster.local. 5 IN A 10.96.0.20"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "12 headless answers one A per ready endpoint; 13 ready:false is hidden",
                name: "web-headless.default.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &[
                    "web-headless.default.svc.cluster.local. 5 IN A 10.244.1.10",
                    "web-headless.default.svc.cluster.local. 5 IN A 10.244.2.11",
                ],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "11 ClusterIP of one family: AAAA is NODATA",
                name: "web.default.svc.cluster.local.",
                qtype: AAAA,
                rcode: NoError,
                answer: &[],
                authority: &[ZONE_SOA],
                additional: &[],
            },
        ],
    );
}

#[test]
fn dual_stack_answers_each_family_separately() {
    let dns = dns("dual-stack.yaml", Config::default());
    check(
        &dns,
        &[
            Case {
                rule: "11 dual-stack ClusterIP: A gives the IPv4 ClusterIP",
                name: "api.dual.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["api.dual.svc.cluster.local. 5 IN A 10.96.5.5"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "11 dual-stack ClusterIP: AAAA gives the IPv6 ClusterIP",
                name: "api.dual.svc.cluster.local.",
                qtype: AAAA,
                rcode: NoError,
                answer: &["api.dual.svc.cluster.local. 5 IN AAAA fd00:10:96::5"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "12 dual-stack headless: A from the IPv4 slice",
                name: "api-headless.dual.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &[
                    "api-headless.dual.svc.cluster.local. 5 IN A 10.244.0.5",
                    "api-headless.dual.svc.cluster.local. 5 IN A 10.244.0.6",
                ],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "12 dual-stack headless: AAAA from the IPv6 slice",
                name: "api-headless.dual.svc.cluster.local.",
                qtype: AAAA,
                rcode: NoError,
                answer: &[
                    "api-headless.dual.svc.cluster.local. 5 IN AAAA fd00:10:244::5",
                    "api-headless.dual.svc.cluster.local. 5 IN AAAA fd00:10:244::6",
                ],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "12 headless with ready endpoints of the other family only: NODATA",
                name: "v6-only.dual.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &[],
                authority: &[ZONE_SOA],
                additional: &[],
            },
        ],
    );
}

#[test]
fn only_the_ready_condition_decides_what_dns_serves() {
    let dns = dns("unready-endpoints.yaml", Config::default());
    check(
        &dns,
        &[
            Case {
                rule: "13 ready:true and unset conditions are served, ready:false is not",
                name: "queue.jobs.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &[
                    "queue.jobs.svc.cluster.local. 5 IN A 10.244.4.1",
                    "queue.jobs.svc.cluster.local. 5 IN A 10.244.4.3",
                ],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "12/13 headless whose endpoints are all ready:false (serving, terminating) is NXDOMAIN",
                name: "draining.jobs.svc.cluster.local.",
                qtype: A,
                rcode: NXDomain,
                answer: &[],
                authority: &[ZONE_SOA],
                additional: &[],
            },
            Case {
                rule: "12 headless with no EndpointSlice at all is NXDOMAIN, for every type",
                name: "batch.jobs.svc.cluster.local.",
                qtype: AAAA,
                rcode: NXDomain,
                answer: &[],
                authority: &[ZONE_SOA],
                additional: &[],
            },
            Case {
                rule: "11 ClusterIP answers its ClusterIP whatever its endpoints",
                name: "cache.jobs.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["cache.jobs.svc.cluster.local. 5 IN A 10.96.7.7"],
                authority: &[],
                additional: &[],
            },
        ],
    );
}

#[test]
fn ignore_empty_service_hides_clusterip_services_without_ready_endpoints() {
    let dns = dns(
        "unready-endpoints.yaml",
        Config::default().with_ignore_empty_service(true),
    );
    check(
        &dns,
        &[Case {
            rule: "11 ignore empty_service: ClusterIP without ready endpoints is NXDOMAIN",
            name: "cache.jobs.svc.cluster.local.",
            qtype: A,
            rcode: NXDomain,
            answer: &[],
            authority: &[ZONE_SOA],
            additional: &[],
        }],
    );
}

#[test]
fn endpoints_reach_dns_only_through_mirroring() {
    let dns = dns("linking.yaml", Config::default());
    let nx = |rule, name| Case {
        rule,
        name,
        qtype: A,
        rcode: NXDomain,
        answer: &[],
        authority: &[ZONE_SOA],
        additional: &[],
    };
    check(
        &dns,
        &[
            Case {
                rule: "mirroring: selectorless Service + same-name Endpoints; notReadyAddresses hidden",
                name: "manual.links.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["manual.links.svc.cluster.local. 5 IN A 192.0.2.10"],
                authority: &[],
                additional: &[],
            },
            nx(
                "mirroring: skip-mirror label keeps Endpoints out of DNS",
                "skipped.links.svc.cluster.local.",
            ),
            nx(
                "mirroring: Endpoints beside a selector are not mirrored",
                "selected.links.svc.cluster.local.",
            ),
            Case {
                rule: "mirroring: a dump's mirrored slice is not mirrored again",
                name: "dumped.links.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["dumped.links.svc.cluster.local. 5 IN A 192.0.2.40"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "EndpointSlices link through kubernetes.io/service-name",
                name: "labelled.links.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["labelled.links.svc.cluster.local. 5 IN A 192.0.2.50"],
                authority: &[],
                additional: &[],
            },
        ],
    );
}

/// Negative answers and the names that are not service-shaped (rules 1-10).
#[test]
fn negative_answers_follow_coredns() {
    let dns = dns("golden.yaml", Config::default());
    let case = |rule, name, qtype, rcode| Case {
        rule,
        name,
        qtype,
        rcode,
        answer: &[],
        authority: &[ZONE_SOA],
        additional: &[],
    };
    check(
        &dns,
        &[
            case(
                "1 unknown service: NXDOMAIN + SOA",
                "nope.default.svc.cluster.local.",
                A,
                NXDomain,
            ),
            case(
                "7 unknown namespace: NXDOMAIN",
                "web.nonexistent.svc.cluster.local.",
                A,
                NXDomain,
            ),
            case("6 apex A: NODATA", "cluster.local.", A, NoError),
            case("6 svc.<zone>: NODATA", "svc.cluster.local.", A, NoError),
            case("6 pod.<zone>: NODATA", "pod.cluster.local.", A, NoError),
            case(
                "6 label next to zone must be svc or pod",
                "foo.cluster.local.",
                A,
                NXDomain,
            ),
            case(
                "6 dns-version is NXDOMAIN except for TXT",
                "dns-version.cluster.local.",
                A,
                NXDomain,
            ),
            case(
                "7 existing namespace: NODATA",
                "default.svc.cluster.local.",
                A,
                NoError,
            ),
            case(
                "8 three labels left of the service: NXDOMAIN",
                "a.b.c.web.default.svc.cluster.local.",
                A,
                NXDomain,
            ),
            case(
                "9 no wildcards: * is a literal label",
                "*.default.svc.cluster.local.",
                A,
                NXDomain,
            ),
            case(
                "9 no wildcards: any is a literal label",
                "any.default.svc.cluster.local.",
                A,
                NXDomain,
            ),
            case(
                "4 other types on an existing name: NODATA",
                "web.default.svc.cluster.local.",
                MX,
                NoError,
            ),
            case(
                "4 other types on a missing name: NXDOMAIN",
                "nope.default.svc.cluster.local.",
                HINFO,
                NXDomain,
            ),
            case(
                "3 SOA below the apex: NODATA, even for a missing name",
                "nope.default.svc.cluster.local.",
                SOA,
                NoError,
            ),
            case(
                "3 NS below the apex: NODATA",
                "web.default.svc.cluster.local.",
                NS,
                NoError,
            ),
            case(
                "10 TXT on an existing-but-empty name: NXDOMAIN",
                "default.svc.cluster.local.",
                TXT,
                NXDomain,
            ),
            case(
                "10 TXT on the apex: NXDOMAIN",
                "cluster.local.",
                TXT,
                NXDomain,
            ),
            case(
                "10 TXT on an existing service: NODATA",
                "web.default.svc.cluster.local.",
                TXT,
                NoError,
            ),
            case(
                "4 AAAA on an IPv4 ClusterIP service: NODATA",
                "web.default.svc.cluster.local.",
                AAAA,
                NoError,
            ),
            case(
                "CNAME on a ClusterIP service: NODATA",
                "web.default.svc.cluster.local.",
                CNAME,
                NoError,
            ),
            case(
                "12 empty headless: NXDOMAIN for AAAA too",
                "empty.default.svc.cluster.local.",
                AAAA,
                NXDomain,
            ),
            case(
                "20 names below an ExternalName: NXDOMAIN",
                "x.ext.default.svc.cluster.local.",
                A,
                NXDomain,
            ),
            case(
                "20 SRV on an ExternalName: NODATA",
                "ext.default.svc.cluster.local.",
                SRV,
                NoError,
            ),
            case(
                "23 pods disabled: pod names NXDOMAIN",
                "10-1-0-5.default.pod.cluster.local.",
                A,
                NXDomain,
            ),
            case(
                "23 pods disabled: <ns>.pod.<zone> NXDOMAIN",
                "default.pod.cluster.local.",
                A,
                NXDomain,
            ),
            case(
                "19 in-zone CNAME target that does not exist: NODATA without the CNAME",
                "broken-alias.default.svc.cluster.local.",
                A,
                NoError,
            ),
        ],
    );
}

#[test]
fn apex_and_special_names() {
    let dns = dns("golden.yaml", Config::default());
    check(
        &dns,
        &[
            Case {
                rule: "2/3 SOA at the apex",
                name: "cluster.local.",
                qtype: SOA,
                rcode: NoError,
                answer: &[ZONE_SOA],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "5 dns-version TXT is 1.1.0 with TTL 28800",
                name: "dns-version.cluster.local.",
                qtype: TXT,
                rcode: NoError,
                answer: &["dns-version.cluster.local. 28800 IN TXT 1.1.0"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "3 AXFR is REFUSED without transfer",
                name: "cluster.local.",
                qtype: AXFR,
                rcode: Refused,
                answer: &[],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "3 IXFR is REFUSED without transfer",
                name: "cluster.local.",
                qtype: IXFR,
                rcode: Refused,
                answer: &[],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "names outside every zone: REFUSED",
                name: "example.com.",
                qtype: A,
                rcode: Refused,
                answer: &[],
                authority: &[],
                additional: &[],
            },
        ],
    );
}

#[test]
fn external_name_answers_a_cname() {
    let dns = dns("golden.yaml", Config::default());
    check(
        &dns,
        &[
            Case {
                rule: "19 ExternalName CNAME query",
                name: "ext.default.svc.cluster.local.",
                qtype: CNAME,
                rcode: NoError,
                answer: &["ext.default.svc.cluster.local. 5 IN CNAME example.com."],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "19 A on an out-of-zone ExternalName with no upstream: the CNAME alone",
                name: "ext.default.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["ext.default.svc.cluster.local. 5 IN CNAME example.com."],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "19 A on an in-zone ExternalName: CNAME plus the chased records",
                name: "alias.default.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &[
                    "alias.default.svc.cluster.local. 5 IN CNAME web.default.svc.cluster.local.",
                    "web.default.svc.cluster.local. 5 IN A 10.96.0.20",
                ],
                authority: &[],
                additional: &[],
            },
        ],
    );
}

#[test]
fn lookups_ignore_case_and_echo_the_question() {
    let dns = dns("golden.yaml", Config::default());
    check(
        &dns,
        &[
            Case {
                rule: "21 case-insensitive match; owner echoes the question",
                name: "WeB.DeFault.SVC.Cluster.Local.",
                qtype: A,
                rcode: NoError,
                answer: &["WeB.DeFault.SVC.Cluster.Local. 5 IN A 10.96.0.20"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "21/2 the SOA uses the zone as spelled in the question",
                name: "nope.default.svc.Cluster.LOCAL.",
                qtype: A,
                rcode: NXDomain,
                answer: &[],
                authority: &[
                    "Cluster.LOCAL. 5 IN SOA ns.dns.Cluster.LOCAL. hostmaster.Cluster.LOCAL. 1 7200 1800 86400 5",
                ],
                additional: &[],
            },
        ],
    );
}

#[test]
fn ttl_option_sets_record_and_soa_ttls() {
    let dns = dns("golden.yaml", Config::default().with_ttl(600));
    check(
        &dns,
        &[
            Case {
                rule: "5 every record uses ttl",
                name: "web.default.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["web.default.svc.cluster.local. 600 IN A 10.96.0.20"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "2 the SOA record's TTL is min(ttl, 300); its minimum is ttl",
                name: "nope.default.svc.cluster.local.",
                qtype: A,
                rcode: NXDomain,
                answer: &[],
                authority: &[
                    "cluster.local. 300 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 600",
                ],
                additional: &[],
            },
        ],
    );
}

#[test]
fn namespaces_option_hides_other_namespaces() {
    let dns = dns(
        "golden.yaml",
        Config::default().with_namespaces(["kube-system"]),
    );
    check(
        &dns,
        &[
            Case {
                rule: "7 a namespace not listed in `namespaces` is NXDOMAIN",
                name: "web.default.svc.cluster.local.",
                qtype: A,
                rcode: NXDomain,
                answer: &[],
                authority: &[ZONE_SOA],
                additional: &[],
            },
            Case {
                rule: "7 <ns>.svc.<zone> of an unexposed namespace is NXDOMAIN",
                name: "default.svc.cluster.local.",
                qtype: A,
                rcode: NXDomain,
                answer: &[],
                authority: &[ZONE_SOA],
                additional: &[],
            },
        ],
    );
}

#[test]
fn pod_records_follow_the_pods_mode() {
    let insecure = dns(
        "golden.yaml",
        Config::default().with_pods(PodMode::Insecure),
    );
    check(
        &insecure,
        &[
            Case {
                rule: "23 pods insecure: any dashed IP answers",
                name: "10-1-0-5.default.pod.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["10-1-0-5.default.pod.cluster.local. 5 IN A 10.1.0.5"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "23 pods insecure: the namespace must exist",
                name: "10-1-0-5.nowhere.pod.cluster.local.",
                qtype: A,
                rcode: NXDomain,
                answer: &[],
                authority: &[ZONE_SOA],
                additional: &[],
            },
            Case {
                rule: "23 pods insecure: <ns>.pod.<zone> is NODATA",
                name: "default.pod.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &[],
                authority: &[ZONE_SOA],
                additional: &[],
            },
        ],
    );
}

#[test]
fn a_kubeadm_corefile_configures_the_answers() {
    let corefile = support::fixture("corefiles/kubeadm.Corefile");
    let config = Config::from_corefile(&corefile).expect("kubeadm's Corefile reads");
    let dns = dns("golden.yaml", config);
    check(
        &dns,
        &[
            Case {
                rule: "Corefile ttl 30 applies to records",
                name: "web.default.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["web.default.svc.cluster.local. 30 IN A 10.96.0.20"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "Corefile pods insecure answers pod names",
                name: "10-1-0-5.default.pod.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &["10-1-0-5.default.pod.cluster.local. 30 IN A 10.1.0.5"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "2 SOA TTL min(30, 300) and minimum 30",
                name: "nope.default.svc.cluster.local.",
                qtype: A,
                rcode: NXDomain,
                answer: &[],
                authority: &[
                    "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30",
                ],
                additional: &[],
            },
        ],
    );
}

#[test]
fn fallthrough_passes_name_errors_to_the_upstream() {
    use k8s_dns_sim::{Outcome, Upstream};
    let corefile = support::fixture("corefiles/kubeadm.Corefile");
    let kubeadm = dns("golden.yaml", Config::from_corefile(&corefile).unwrap());
    // kubeadm: `fallthrough in-addr.arpa ip6.arpa`; no upstream record for this address.
    let unknown = kubeadm.lookup("99.0.1.10.in-addr.arpa.", PTR).unwrap();
    assert_eq!(
        unknown.outcome,
        Outcome::NxDomain,
        "the upstream does not know it either"
    );
    assert!(
        unknown.authorities.is_empty(),
        "the upstream's answer carries no plugin SOA"
    );
    assert!(
        !unknown.authoritative,
        "an answer from beyond the plugin is not authoritative"
    );
    // Names the plugin knows never fall through.
    let known = kubeadm.lookup("20.0.96.10.in-addr.arpa.", PTR).unwrap();
    assert_eq!(
        known.answer_lines(),
        ["20.0.96.10.in-addr.arpa. 30 IN PTR web.default.svc.cluster.local."]
    );
    assert!(known.authoritative);
    // Only the listed zones fall through: cluster.local name errors stay the plugin's.
    let forward = kubeadm
        .lookup("nope.default.svc.cluster.local.", A)
        .unwrap();
    assert_eq!(forward.outcome, Outcome::NxDomain);
    assert_eq!(forward.authorities.len(), 1);
    assert!(forward.authoritative);

    let upstream = Upstream::new()
        .with_reverse("10.1.0.99".parse().unwrap(), "printer.example.com", 3600)
        .unwrap();
    let with_upstream = dns(
        "golden.yaml",
        Config::from_corefile(&corefile)
            .unwrap()
            .with_upstream(upstream),
    );
    let found = with_upstream
        .lookup("99.0.1.10.in-addr.arpa.", PTR)
        .unwrap();
    assert_eq!(
        found.answer_lines(),
        ["99.0.1.10.in-addr.arpa. 3600 IN PTR printer.example.com."]
    );
    assert!(!found.authoritative);
}

#[test]
fn external_names_outside_the_zone_ask_the_upstream() {
    use k8s_dns_sim::Upstream;
    let upstream = Upstream::new()
        .with_address("example.com", "93.184.215.14".parse().unwrap(), 120)
        .unwrap();
    let dns = dns("golden.yaml", Config::default().with_upstream(upstream));
    check(
        &dns,
        &[
            Case {
                rule: "19 out-of-zone target: CNAME plus the upstream's records, with their own TTL",
                name: "ext.default.svc.cluster.local.",
                qtype: A,
                rcode: NoError,
                answer: &[
                    "ext.default.svc.cluster.local. 5 IN CNAME example.com.",
                    "example.com. 120 IN A 93.184.215.14",
                ],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "19 upstream without records of the type: the CNAME alone",
                name: "ext.default.svc.cluster.local.",
                qtype: AAAA,
                rcode: NoError,
                answer: &["ext.default.svc.cluster.local. 5 IN CNAME example.com."],
                authority: &[],
                additional: &[],
            },
        ],
    );
}

#[test]
fn a_corefile_hosts_block_answers_external_name_targets() {
    let corefile = ".:53 {\n    hosts {\n        93.184.215.14 example.com\n        ttl 60\n        fallthrough\n    }\n    kubernetes cluster.local\n}\n";
    let config = Config::from_corefile(corefile).unwrap();
    assert!(
        config.not_simulated.is_empty(),
        "{:?}",
        config.not_simulated
    );
    let dns = dns("golden.yaml", config);
    check(
        &dns,
        &[Case {
            rule: "19/40 an out-of-zone ExternalName target is asked of the whole server: hosts answers it",
            name: "ext.default.svc.cluster.local.",
            qtype: A,
            rcode: NoError,
            answer: &[
                "ext.default.svc.cluster.local. 5 IN CNAME example.com.",
                "example.com. 60 IN A 93.184.215.14",
            ],
            authority: &[],
            additional: &[],
        }],
    );
}
