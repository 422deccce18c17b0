//! The names the Kubernetes e2e DNS tests query (`test/e2e/network/dns.go`), against the
//! objects those tests create (`fixtures/conformance.yaml`), with kubeadm's Corefile as the
//! cluster runs it.
//!
//! A probe passes when `dig +notcp` and `dig +tcp` both give a non-empty answer section
//! (`dns_common.go`, `createProbeCommand`); the targeted probes of the ExternalName test compare
//! `dig +short` output exactly. Each row below asserts both: non-empty over UDP and over TCP, and
//! the exact answer CoreDNS gives.
//!
//! The partial names below resolve only through the pod's search list; `tests/resolver.rs`
//! resolves them with `ClusterDns::resolve` (glibc, musl and Go), except where noted. Each is
//! queried by the e2e tests:
//! - "should resolve DNS of partial qualified names for the cluster": `kubernetes.default` A,
//!   `kubernetes.default.svc` A;
//! - "should resolve DNS of partial qualified names for services": `dns-test-service`,
//!   `dns-test-service.<ns>`, `dns-test-service.<ns>.svc` (A),
//!   `_http._tcp.dns-test-service.<ns>.svc` and `_http._tcp.test-service-2.<ns>.svc` (SRV);
//! - "DNS HostNetwork … ClusterFirstWithHostNet": the same partial names from a hostNetwork pod;
//! - "more than 6 DNS search paths …", "search path containing an underscore …":
//!   `kubernetes.default` and friends through custom search lists;
//! - "should support configurable pod resolv.conf": `notexistname` through a custom server.
//!
//! Not DNS at all (the kubelet's `/etc/hosts`, read with `getent hosts`):
//! `dns-querier-1.dns-test-service.<ns>.svc.<domain>`, `dns-querier-1`,
//! `dns-querier-2.dns-test-service-2.<ns>.svc.<domain>`, `dns-querier-2`.
//!
//! Not covered either: the AAAA variants the tests use on IPv6 clusters (this fixture is an
//! IPv4 cluster), the retired pod A-record probe (`a-b-c-d.<ns>.pod.<domain>`, skipped since
//! kubernetes#104614; `tests/cluster_dump.rs` checks pod records), and the feature-gated
//! `1kubernetes.<ns>.svc.<domain>` (RelaxedServiceNameValidation: the loader applies the
//! DNS-1035 rule to Service names, so a name starting with a digit is refused).

mod support;

use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
use k8s_dns_sim::{Cluster, ClusterDns, Config, Transport};
use support::{Case, check, fixture};

const FIXTURE: &str = "conformance.yaml";

/// kubeadm's Corefile, which every conformance cluster built by kubeadm runs: reverse zones
/// (needed for the PTR probe), `ttl 30`.
fn kubeadm() -> Config {
    Config::from_corefile(&fixture("corefiles/kubeadm.Corefile")).expect("kubeadm's Corefile")
}

fn server(text: &str) -> ClusterDns {
    let cluster = Cluster::from_yaml(text).unwrap_or_else(|errors| panic!("{errors}"));
    ClusterDns::new(cluster, kubeadm())
}

/// The answer section of `name`/`qtype` over one transport, as zone-file lines.
fn answer_over(
    dns: &ClusterDns,
    name: &str,
    qtype: RecordType,
    transport: Transport,
) -> Vec<String> {
    let mut request = Message::new(0x0e2e, MessageType::Query, OpCode::Query);
    request.metadata.recursion_desired = true;
    request.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
    let bytes = dns.handle_bytes(&request.to_vec().unwrap(), transport);
    let reply = Message::from_vec(&bytes).unwrap();
    assert_eq!(
        reply.response_code,
        ResponseCode::NoError,
        "{name} {qtype} over {transport:?}"
    );
    let mut lines: Vec<String> = reply.answers.iter().map(ToString::to_string).collect();
    lines.sort();
    lines
}

/// The e2e probe's own criterion: a non-empty answer over UDP and over TCP (and, since the
/// probe loops until both pass, the same answer).
fn probe(dns: &ClusterDns, cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        let udp = answer_over(dns, case.name, case.qtype, Transport::Udp);
        let tcp = answer_over(dns, case.name, case.qtype, Transport::Tcp);
        if udp.is_empty() || udp != tcp {
            failures.push(format!(
                "[{}] {} {:?}: UDP {udp:?}, TCP {tcp:?}",
                case.rule, case.name, case.qtype
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Both criteria: the probe's, then CoreDNS's exact reply.
fn check_probes(dns: &ClusterDns, cases: &[Case]) {
    probe(dns, cases);
    check(dns, cases);
}

#[test]
fn should_provide_dns_for_the_cluster() {
    check_probes(
        &server(&fixture(FIXTURE)),
        &[Case {
            rule: "e2e 'should provide DNS for the cluster': kubernetes.default.svc.<domain> A",
            name: "kubernetes.default.svc.cluster.local.",
            qtype: RecordType::A,
            rcode: ResponseCode::NoError,
            answer: &["kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1"],
            authority: &[],
            additional: &[],
        }],
    );
}

#[test]
fn should_provide_dns_for_services() {
    check_probes(
        &server(&fixture(FIXTURE)),
        &[
            Case {
                rule: "e2e 'DNS for services': headless A is the querier pod's IP",
                name: "dns-test-service.dns-8137.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &["dns-test-service.dns-8137.svc.cluster.local. 30 IN A 10.244.1.5"],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "e2e 'DNS for services': headless SRV targets the endpoint hostname dns-querier-1",
                name: "_http._tcp.dns-test-service.dns-8137.svc.cluster.local.",
                qtype: RecordType::SRV,
                rcode: ResponseCode::NoError,
                answer: &[
                    "_http._tcp.dns-test-service.dns-8137.svc.cluster.local. 30 IN SRV 0 100 80 dns-querier-1.dns-test-service.dns-8137.svc.cluster.local.",
                ],
                authority: &[],
                additional: &[
                    "dns-querier-1.dns-test-service.dns-8137.svc.cluster.local. 30 IN A 10.244.1.5",
                ],
            },
            Case {
                rule: "e2e 'DNS for services': ClusterIP SRV targets the Service name",
                name: "_http._tcp.test-service-2.dns-8137.svc.cluster.local.",
                qtype: RecordType::SRV,
                rcode: ResponseCode::NoError,
                answer: &[
                    "_http._tcp.test-service-2.dns-8137.svc.cluster.local. 30 IN SRV 0 100 80 test-service-2.dns-8137.svc.cluster.local.",
                ],
                authority: &[],
                additional: &["test-service-2.dns-8137.svc.cluster.local. 30 IN A 10.96.117.42"],
            },
            Case {
                rule: "e2e 'DNS for services': PTR of test-service-2's ClusterIP (reverse zones configured)",
                name: "42.117.96.10.in-addr.arpa.",
                qtype: RecordType::PTR,
                rcode: ResponseCode::NoError,
                answer: &[
                    "42.117.96.10.in-addr.arpa. 30 IN PTR test-service-2.dns-8137.svc.cluster.local.",
                ],
                authority: &[],
                additional: &[],
            },
        ],
    );
}

#[test]
fn should_provide_dns_for_pods_for_subdomain() {
    check_probes(
        &server(&fixture(FIXTURE)),
        &[
            Case {
                rule: "e2e 'DNS for pods for Subdomain': <hostname>.<subdomain> exists because subdomain names the headless Service",
                name: "dns-querier-2.dns-test-service-2.dns-5521.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &[
                    "dns-querier-2.dns-test-service-2.dns-5521.svc.cluster.local. 30 IN A 10.244.2.7",
                ],
                authority: &[],
                additional: &[],
            },
            Case {
                rule: "e2e 'DNS for pods for Subdomain': the headless Service itself",
                name: "dns-test-service-2.dns-5521.svc.cluster.local.",
                qtype: RecordType::A,
                rcode: ResponseCode::NoError,
                answer: &["dns-test-service-2.dns-5521.svc.cluster.local. 30 IN A 10.244.2.7"],
                authority: &[],
                additional: &[],
            },
        ],
    );
}

/// The ExternalName test's three steps; its probes are targeted (`dig +short`, compared
/// exactly), so the answer section must be exactly one record.
#[test]
fn should_provide_dns_for_external_name_services() {
    let original = fixture(FIXTURE);
    check_probes(
        &server(&original),
        &[Case {
            rule: "e2e 'DNS for ExternalName services' step 1: CNAME is exactly foo.example.com.",
            name: "dns-test-service-3.dns-2964.svc.cluster.local.",
            qtype: RecordType::CNAME,
            rcode: ResponseCode::NoError,
            answer: &[
                "dns-test-service-3.dns-2964.svc.cluster.local. 30 IN CNAME foo.example.com.",
            ],
            authority: &[],
            additional: &[],
        }],
    );

    let step_2 = original.replace(
        "externalName: foo.example.com",
        "externalName: bar.example.com",
    );
    assert_ne!(step_2, original);
    check_probes(
        &server(&step_2),
        &[Case {
            rule: "e2e 'DNS for ExternalName services' step 2: externalName changed, CNAME is exactly bar.example.com.",
            name: "dns-test-service-3.dns-2964.svc.cluster.local.",
            qtype: RecordType::CNAME,
            rcode: ResponseCode::NoError,
            answer: &[
                "dns-test-service-3.dns-2964.svc.cluster.local. 30 IN CNAME bar.example.com.",
            ],
            authority: &[],
            additional: &[],
        }],
    );

    // Step 3: the Service becomes ClusterIP with port http/80 (the API server then allocates
    // an IP; the dump states it).
    let step_3 = original.replace(
        "    type: ExternalName\n    externalName: foo.example.com\n",
        "    type: ClusterIP\n    clusterIP: 10.96.201.9\n    ports:\n    - {name: http, port: 80, protocol: TCP}\n",
    );
    assert_ne!(step_3, original);
    check_probes(
        &server(&step_3),
        &[Case {
            rule: "e2e 'DNS for ExternalName services' step 3: type ClusterIP, A is exactly the ClusterIP, one record",
            name: "dns-test-service-3.dns-2964.svc.cluster.local.",
            qtype: RecordType::A,
            rcode: ResponseCode::NoError,
            answer: &["dns-test-service-3.dns-2964.svc.cluster.local. 30 IN A 10.96.201.9"],
            authority: &[],
            additional: &[],
        }],
    );
}

/// The probe helper itself must be able to fail: a name the cluster does not have.
#[test]
#[should_panic(expected = "NoError")]
fn the_probe_fails_on_a_missing_name() {
    probe(
        &server(&fixture(FIXTURE)),
        &[Case {
            rule: "a Service no test creates",
            name: "dns-test-service-9.dns-8137.svc.cluster.local.",
            qtype: RecordType::A,
            rcode: ResponseCode::NoError,
            answer: &[],
            authority: &[],
            additional: &[],
        }],
    );
}
