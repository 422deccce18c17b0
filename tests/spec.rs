//! One test per section of the Kubernetes DNS specification 1.1.0 (kubernetes/dns
//! `docs/specification.md`, snapshot 9aa70b8), over `fixtures/spec.yaml` with kubeadm's
//! Corefile (reverse zones, so PTR is served; `ttl 30`).
//!
//! Where CoreDNS and the spec differ, the library follows CoreDNS: the row checks CoreDNS's
//! answer and its rule says "CoreDNS ≠ spec" and how.

mod support;

use k8s_dns_sim::hickory_proto::op::ResponseCode;
use k8s_dns_sim::hickory_proto::rr::RecordType;
use k8s_dns_sim::{ClusterDns, Config};
use support::{Case, check, fixture};

fn dns() -> ClusterDns {
    let config =
        Config::from_corefile(&fixture("corefiles/kubeadm.Corefile")).expect("kubeadm's Corefile");
    support::dns("spec.yaml", config)
}

const SOA: &str =
    "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30";
const SOA_IN_ADDR: &str =
    "in-addr.arpa. 30 IN SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 1 7200 1800 86400 30";

/// `ip6.arpa` name of 2001:db8::<last>, `last` given as its four reversed nibbles.
macro_rules! ip6 {
    ($nibbles:literal) => {
        concat!(
            $nibbles,
            ".0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
        )
    };
}

#[test]
fn section_2_1_comparisons_are_case_insensitive() {
    check(
        &dns(),
        &[Case {
            rule: "§2.1 all comparisons between query data and Kubernetes data are case-insensitive; the owner keeps the question's case",
            name: "KuBeRnEtEs.DEFAULT.svc.Cluster.Local.",
            qtype: RecordType::A,
            rcode: ResponseCode::NoError,
            answer: &["KuBeRnEtEs.DEFAULT.svc.Cluster.Local. 30 IN A 10.3.0.1"],
            authority: &[],
            additional: &[],
        }],
    );
}

#[test]
fn section_2_2_record_for_schema_version() {
    check(
        &dns(),
        &[Case {
            rule: "§2.2 dns-version.<zone> TXT holds the schema version, 1.1.0, TTL 28800 (not the plugin's ttl)",
            name: "dns-version.cluster.local.",
            qtype: RecordType::TXT,
            rcode: ResponseCode::NoError,
            answer: &["dns-version.cluster.local. 28800 IN TXT 1.1.0"],
            authority: &[],
            additional: &[],
        }],
    );
}

#[test]
fn section_2_3_records_for_a_service_with_cluster_ip() {
    check(
        &dns(),
        &[
            Case {
                rule: "§2.3.1 A record of an IPv4 ClusterIP",
                name: "kubernetes.default.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &["kubernetes.default.svc.cluster.local. 30 IN A 10.3.0.1"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.3.1 AAAA record of an IPv6 ClusterIP",
                name: "web6.default.svc.cluster.local.",
                qtype: RecordType::AAAA,
                rcode: ResponseCode::NoError,
                answer: &["web6.default.svc.cluster.local. 30 IN AAAA 2001:db8::1"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.3.1 an IPv4-only Service has no AAAA record (NODATA)",
                name: "kubernetes.default.svc.cluster.local.",
                qtype: RecordType::AAAA,
                rcode: ResponseCode::NoError,
                answer: &[],
                authority: &[SOA],
                additional: &[],
            },
            Case {
                rule: "§2.3.2 SRV per named port, target the Service name; CoreDNS ≠ spec example: priority 0 and weight 100 (spec leaves them open, its example says 10 100); the A record in additional (spec: may)",
                name: "_https._tcp.kubernetes.default.svc.cluster.local.",
                qtype: RecordType::SRV,
                rcode: ResponseCode::NoError,
                answer: &[
                    "_https._tcp.kubernetes.default.svc.cluster.local. 30 IN SRV 0 100 443 kubernetes.default.svc.cluster.local.",
                ],
                authority: &[],
                additional: &["kubernetes.default.svc.cluster.local. 30 IN A 10.3.0.1"],
            },
            Case {
                rule: "§2.3.2 SRV of an IPv6 Service: the AAAA record in additional",
                name: "_http._tcp.web6.default.svc.cluster.local.",
                qtype: RecordType::SRV,
                rcode: ResponseCode::NoError,
                answer: &[
                    "_http._tcp.web6.default.svc.cluster.local. 30 IN SRV 0 100 80 web6.default.svc.cluster.local.",
                ],
                authority: &[],
                additional: &["web6.default.svc.cluster.local. 30 IN AAAA 2001:db8::1"],
            },
            Case {
                rule: "§2.3.2 no SRV for a port name the Service does not have (CoreDNS: NXDOMAIN, not NODATA)",
                name: "_http._tcp.kubernetes.default.svc.cluster.local.",
                qtype: RecordType::SRV,
                rcode: ResponseCode::NXDomain,
                answer: &[],
                authority: &[SOA],
                additional: &[],
            },
            Case {
                rule: "§2.3.2 CoreDNS ≠ spec: 'unnamed ports do not have an SRV record', but an SRV query without _port._proto matches every port, the unnamed one included",
                name: "unnamed.default.svc.cluster.local.",
                qtype: RecordType::SRV,
                rcode: ResponseCode::NoError,
                answer: &[
                    "unnamed.default.svc.cluster.local. 30 IN SRV 0 100 8080 unnamed.default.svc.cluster.local.",
                ],
                authority: &[],
                additional: &["unnamed.default.svc.cluster.local. 30 IN A 10.3.0.2"],
            },
            Case {
                rule: "§2.3.3 PTR of an IPv4 ClusterIP",
                name: "1.0.3.10.in-addr.arpa.",
                qtype: RecordType::PTR,
                rcode: ResponseCode::NoError,
                answer: &["1.0.3.10.in-addr.arpa. 30 IN PTR kubernetes.default.svc.cluster.local."],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.3.3 PTR of an IPv6 ClusterIP, reversed nibbles under ip6.arpa",
                name: ip6!("1.0.0.0"),
                qtype: RecordType::PTR,
                rcode: ResponseCode::NoError,
                answer: &[concat!(
                    ip6!("1.0.0.0"),
                    " 30 IN PTR web6.default.svc.cluster.local."
                )],
                authority: &[],
                additional: &[],
            },
        ],
    );
}

#[test]
fn section_2_4_records_for_a_headless_service() {
    check(
        &dns(),
        &[
            Case {
                rule: "§2.4.1 one A record per ready endpoint; the not-ready one (10.3.0.103) is left out",
                name: "headless.default.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &[
                    "headless.default.svc.cluster.local. 30 IN A 10.3.0.100",
                    "headless.default.svc.cluster.local. 30 IN A 10.3.0.101",
                    "headless.default.svc.cluster.local. 30 IN A 10.3.0.102",
                ],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.4.1 one AAAA record per ready IPv6 endpoint",
                name: "headless6.default.svc.cluster.local.",
                qtype: RecordType::AAAA,
                rcode: ResponseCode::NoError,
                answer: &[
                    "headless6.default.svc.cluster.local. 30 IN AAAA 2001:db8::100",
                    "headless6.default.svc.cluster.local. 30 IN AAAA 2001:db8::101",
                ],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.4.1 <hostname>.<service> A for a ready endpoint with a hostname",
                name: "my-pet.headless.default.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &["my-pet.headless.default.svc.cluster.local. 30 IN A 10.3.0.100"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.4.1 <hostname>.<service> AAAA for a ready IPv6 endpoint with a hostname",
                name: "my-pet.headless6.default.svc.cluster.local.",
                qtype: RecordType::AAAA,
                rcode: ResponseCode::NoError,
                answer: &["my-pet.headless6.default.svc.cluster.local. 30 IN AAAA 2001:db8::100"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.4.1 several IPs for one hostname: one A record per IP",
                name: "twin.twins.default.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &[
                    "twin.twins.default.svc.cluster.local. 30 IN A 10.3.1.1",
                    "twin.twins.default.svc.cluster.local. 30 IN A 10.3.1.2",
                ],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.1/§2.4.1 hostname of an endpoint without one: a system-assigned identifier; CoreDNS uses the dashed IP",
                name: "10-3-0-102.headless.default.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &["10-3-0-102.headless.default.svc.cluster.local. 30 IN A 10.3.0.102"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.4.1 a not-ready endpoint's hostname has no record",
                name: "sleepy.headless.default.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NXDomain,
                answer: &[],
                authority: &[SOA],
                additional: &[],
            },
            Case {
                rule: "§2.4.1 no ready endpoints: NXDOMAIN (A)",
                name: "empty.default.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NXDomain,
                answer: &[],
                authority: &[SOA],
                additional: &[],
            },
            Case {
                rule: "§2.4.1 no ready endpoints: NXDOMAIN (AAAA)",
                name: "empty.default.svc.cluster.local.",
                qtype: RecordType::AAAA,
                rcode: ResponseCode::NXDomain,
                answer: &[],
                authority: &[SOA],
                additional: &[],
            },
            Case {
                rule: "§2.1/§2.4.1 CoreDNS ≠ spec: the spec's ready includes endpoints of a Service annotated tolerate-unready-endpoints; CoreDNS ignores the annotation, so no ready endpoint: NXDOMAIN",
                name: "unready.default.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NXDomain,
                answer: &[],
                authority: &[SOA],
                additional: &[],
            },
            Case {
                rule: "§2.4.1 ready endpoints of the other family only: CoreDNS answers NODATA (the spec does not say)",
                name: "headless6.default.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &[],
                authority: &[SOA],
                additional: &[],
            },
            Case {
                rule: "§2.4.2 SRV per ready endpoint for port https (N=3), target <hostname>.<service>; weight 100/3 floored; A records in additional",
                name: "_https._tcp.headless.default.svc.cluster.local.",
                qtype: RecordType::SRV,
                rcode: ResponseCode::NoError,
                answer: &[
                    "_https._tcp.headless.default.svc.cluster.local. 30 IN SRV 0 33 443 my-pet.headless.default.svc.cluster.local.",
                    "_https._tcp.headless.default.svc.cluster.local. 30 IN SRV 0 33 443 my-pet-2.headless.default.svc.cluster.local.",
                    "_https._tcp.headless.default.svc.cluster.local. 30 IN SRV 0 33 443 10-3-0-102.headless.default.svc.cluster.local.",
                ],
                authority: &[],
                additional: &[
                    "my-pet.headless.default.svc.cluster.local. 30 IN A 10.3.0.100",
                    "my-pet-2.headless.default.svc.cluster.local. 30 IN A 10.3.0.101",
                    "10-3-0-102.headless.default.svc.cluster.local. 30 IN A 10.3.0.102",
                ],
            },
            Case {
                rule: "§2.4.2 SRV for the second named port (M=2): N×M records over the two port names",
                name: "_metrics._tcp.headless.default.svc.cluster.local.",
                qtype: RecordType::SRV,
                rcode: ResponseCode::NoError,
                answer: &[
                    "_metrics._tcp.headless.default.svc.cluster.local. 30 IN SRV 0 33 9090 my-pet.headless.default.svc.cluster.local.",
                    "_metrics._tcp.headless.default.svc.cluster.local. 30 IN SRV 0 33 9090 my-pet-2.headless.default.svc.cluster.local.",
                    "_metrics._tcp.headless.default.svc.cluster.local. 30 IN SRV 0 33 9090 10-3-0-102.headless.default.svc.cluster.local.",
                ],
                authority: &[],
                additional: &[
                    "my-pet.headless.default.svc.cluster.local. 30 IN A 10.3.0.100",
                    "my-pet-2.headless.default.svc.cluster.local. 30 IN A 10.3.0.101",
                    "10-3-0-102.headless.default.svc.cluster.local. 30 IN A 10.3.0.102",
                ],
            },
            Case {
                rule: "§2.4.2 SRV of an IPv6 headless Service: AAAA records in additional",
                name: "_https._tcp.headless6.default.svc.cluster.local.",
                qtype: RecordType::SRV,
                rcode: ResponseCode::NoError,
                answer: &[
                    "_https._tcp.headless6.default.svc.cluster.local. 30 IN SRV 0 50 443 my-pet.headless6.default.svc.cluster.local.",
                    "_https._tcp.headless6.default.svc.cluster.local. 30 IN SRV 0 50 443 2001-db8--101.headless6.default.svc.cluster.local.",
                ],
                authority: &[],
                additional: &[
                    "my-pet.headless6.default.svc.cluster.local. 30 IN AAAA 2001:db8::100",
                    "2001-db8--101.headless6.default.svc.cluster.local. 30 IN AAAA 2001:db8::101",
                ],
            },
            Case {
                rule: "§2.4.3 PTR of a ready endpoint with a hostname",
                name: "100.0.3.10.in-addr.arpa.",
                qtype: RecordType::PTR,
                rcode: ResponseCode::NoError,
                answer: &[
                    "100.0.3.10.in-addr.arpa. 30 IN PTR my-pet.headless.default.svc.cluster.local.",
                ],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.4.3 PTR of a ready endpoint without a hostname: CoreDNS names it by its dashed IP (kube-dns gave none)",
                name: "102.0.3.10.in-addr.arpa.",
                qtype: RecordType::PTR,
                rcode: ResponseCode::NoError,
                answer: &[
                    "102.0.3.10.in-addr.arpa. 30 IN PTR 10-3-0-102.headless.default.svc.cluster.local.",
                ],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.4.3 PTR of a ready IPv6 endpoint with a hostname, reversed nibbles",
                name: ip6!("0.0.1.0"),
                qtype: RecordType::PTR,
                rcode: ResponseCode::NoError,
                answer: &[concat!(
                    ip6!("0.0.1.0"),
                    " 30 IN PTR my-pet.headless6.default.svc.cluster.local."
                )],
                authority: &[],
                additional: &[],
            },
        ],
    );
}

#[test]
fn section_2_5_records_for_external_name_services() {
    check(
        &dns(),
        &[
            Case {
                rule: "§2.5 CNAME <service>.<ns>.svc.<zone> → <extname>.",
                name: "foo.default.svc.cluster.local.",
                qtype: RecordType::CNAME,
                rcode: ResponseCode::NoError,
                answer: &["foo.default.svc.cluster.local. 30 IN CNAME www.example.com."],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.5 A query (IPv4): the CNAME first; CoreDNS then adds the target's records from upstream, which the simulator has none of, so the CNAME alone",
                name: "foo.default.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &["foo.default.svc.cluster.local. 30 IN CNAME www.example.com."],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "§2.5 AAAA query (IPv6): the CNAME, as for A",
                name: "foo.default.svc.cluster.local.",
                qtype: RecordType::AAAA,
                rcode: ResponseCode::NoError,
                answer: &["foo.default.svc.cluster.local. 30 IN CNAME www.example.com."],
                authority: &[],
                additional: &[],
            },
        ],
    );
}

#[test]
fn section_2_4_3_no_ptr_for_a_not_ready_endpoint() {
    // The plugin has no PTR for it; kubeadm's `fallthrough in-addr.arpa ip6.arpa` then passes
    // the name error to the rest of the server, which (with no upstream record) says NXDOMAIN
    // without the plugin's SOA and without AA.
    let answer = dns()
        .lookup("103.0.3.10.in-addr.arpa.", RecordType::PTR)
        .unwrap();
    assert_eq!(answer.response_code(), ResponseCode::NXDomain);
    assert!(answer.answers.is_empty());
    assert!(answer.authorities.is_empty());
    assert!(!answer.authoritative);
    // Without fallthrough the plugin's own NXDOMAIN carries the reverse zone's SOA.
    let strict = k8s_dns_sim::ClusterDns::new(
        k8s_dns_sim::Cluster::from_yaml(&fixture("spec.yaml")).unwrap(),
        Config::from_corefile(&fixture("corefiles/kubeadm.Corefile"))
            .unwrap()
            .with_fallthrough(k8s_dns_sim::Fallthrough::Off),
    );
    let answer = strict
        .lookup("103.0.3.10.in-addr.arpa.", RecordType::PTR)
        .unwrap();
    assert_eq!(answer.response_code(), ResponseCode::NXDomain);
    assert_eq!(answer.authorities.len(), 1);
    assert_eq!(answer.authorities[0].to_string(), SOA_IN_ADDR);
}
