//! `multicluster` zones (rule 25 of docs/coredns-rules.md; CoreDNS `findMultiClusterServices`,
//! kubernetes.go:605-707): ServiceImports instead of Services, the slices labelled
//! `multicluster.kubernetes.io/service-name` instead of the Service's, endpoint names with the
//! cluster id of `multicluster.kubernetes.io/source-cluster`.
//!
//! The first tables are CoreDNS's own `TestMultiClusterServeDNS` (handler_test.go:25-555, the
//! common cases and `multiclusterDnsTestCases`, over the imports of
//! `fixtures/multicluster.yaml`) moved to `clusterset.local`, the zone the MCS API names; the
//! rest are read from the source.

mod support;

use k8s_dns_sim::hickory_proto::op::ResponseCode::{NXDomain, NoError};
use k8s_dns_sim::hickory_proto::rr::RecordType::{A, AAAA, CNAME, PTR, SOA, SRV, TXT};
use k8s_dns_sim::{Cluster, Config};
use support::{SOA as CLUSTER_SOA, check, dns, fixture, negative, positive};

const MC_SOA: &str = "clusterset.local. 5 IN SOA ns.dns.clusterset.local. hostmaster.clusterset.local. 1 7200 1800 86400 5";
const ARPA_SOA: &str =
    "in-addr.arpa. 5 IN SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 1 7200 1800 86400 5";

/// `kubernetes cluster.local clusterset.local in-addr.arpa { multicluster clusterset.local }`.
fn multicluster() -> Config {
    Config::default()
        .with_zones(["cluster.local", "clusterset.local", "in-addr.arpa"])
        .and_then(|config| config.with_multicluster_zones(["clusterset.local"]))
        .unwrap()
}

#[test]
fn coredns_common_cases_in_a_multicluster_zone() {
    let dns = dns("multicluster.yaml", multicluster());
    check(
        &dns,
        &[
            positive(
                "handler_test.go A Service: a ClusterSetIP import answers spec.ips (kubernetes.go:691-704)",
                "svc1.testns.svc.clusterset.local.",
                A,
                &["svc1.testns.svc.clusterset.local. 5 IN A 10.0.0.1"],
                &[],
            ),
            positive(
                "handler_test.go svcempty: no ready endpoint, still its ClusterSet IP",
                "svcempty.testns.svc.clusterset.local.",
                A,
                &["svcempty.testns.svc.clusterset.local. 5 IN A 10.0.0.11"],
                &[],
            ),
            positive(
                "handler_test.go SRV of a ClusterSetIP import targets the import",
                "svc1.testns.svc.clusterset.local.",
                SRV,
                &[
                    "svc1.testns.svc.clusterset.local. 5 IN SRV 0 100 80 svc1.testns.svc.clusterset.local.",
                ],
                &["svc1.testns.svc.clusterset.local. 5 IN A 10.0.0.1"],
            ),
            positive(
                "handler_test.go SRV svcempty",
                "svcempty.testns.svc.clusterset.local.",
                SRV,
                &[
                    "svcempty.testns.svc.clusterset.local. 5 IN SRV 0 100 80 svcempty.testns.svc.clusterset.local.",
                ],
                &["svcempty.testns.svc.clusterset.local. 5 IN A 10.0.0.11"],
            ),
            positive(
                "handler_test.go SRV svc6: AAAA glue",
                "svc6.testns.svc.clusterset.local.",
                SRV,
                &[
                    "svc6.testns.svc.clusterset.local. 5 IN SRV 0 100 80 svc6.testns.svc.clusterset.local.",
                ],
                &["svc6.testns.svc.clusterset.local. 5 IN AAAA 1234:abcd::1"],
            ),
            positive(
                "handler_test.go _http._tcp SRV of a ClusterSetIP import",
                "_http._tcp.svc1.testns.svc.clusterset.local.",
                SRV,
                &[
                    "_http._tcp.svc1.testns.svc.clusterset.local. 5 IN SRV 0 100 80 svc1.testns.svc.clusterset.local.",
                ],
                &["svc1.testns.svc.clusterset.local. 5 IN A 10.0.0.1"],
            ),
            positive(
                "handler_test.go A headless import: every ready IPv4 endpoint of every cluster",
                "hdls1.testns.svc.clusterset.local.",
                A,
                &[
                    "hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.2",
                    "hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.3",
                    "hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.4",
                    "hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.5",
                ],
                &[],
            ),
            positive(
                "handler_test.go A headless and portless import",
                "hdlsprtls.testns.svc.clusterset.local.",
                A,
                &["hdlsprtls.testns.svc.clusterset.local. 5 IN A 172.0.0.20"],
                &[],
            ),
            negative(
                "handler_test.go AAAA of an IPv4 import: NODATA",
                "svc1.testns.svc.clusterset.local.",
                AAAA,
                NoError,
                MC_SOA,
            ),
            negative(
                "handler_test.go AAAA non-existing import",
                "svc0.testns.svc.clusterset.local.",
                AAAA,
                NXDomain,
                MC_SOA,
            ),
            negative(
                "handler_test.go A non-existing import",
                "svc0.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            negative(
                "handler_test.go A non-existing namespace",
                "svc0.svc-nons.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            positive(
                "handler_test.go TXT dns-version",
                "dns-version.clusterset.local.",
                TXT,
                &["dns-version.clusterset.local. 28800 IN TXT 1.1.0"],
                &[],
            ),
            negative(
                "handler_test.go TXT on an existing import: NODATA (rule 10)",
                "svc1.testns.svc.clusterset.local.",
                TXT,
                NoError,
                MC_SOA,
            ),
            negative(
                "handler_test.go TXT on a missing import in a missing namespace",
                "svc0.svc-nons.svc.clusterset.local.",
                TXT,
                NXDomain,
                MC_SOA,
            ),
            negative(
                "handler_test.go bogus endpoint of a headless import",
                "bogusendpoint.hdls1.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            negative(
                "handler_test.go bogus endpoint of a missing import",
                "bogusendpoint.svc0.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            positive(
                "handler_test.go AAAA import",
                "svc6.testns.svc.clusterset.local.",
                AAAA,
                &["svc6.testns.svc.clusterset.local. 5 IN AAAA 1234:abcd::1"],
                &[],
            ),
            positive(
                "handler_test.go _http._tcp SRV svc6",
                "_http._tcp.svc6.testns.svc.clusterset.local.",
                SRV,
                &[
                    "_http._tcp.svc6.testns.svc.clusterset.local. 5 IN SRV 0 100 80 svc6.testns.svc.clusterset.local.",
                ],
                &["svc6.testns.svc.clusterset.local. 5 IN AAAA 1234:abcd::1"],
            ),
            positive(
                "handler_test.go AAAA headless import",
                "hdls1.testns.svc.clusterset.local.",
                AAAA,
                &[
                    "hdls1.testns.svc.clusterset.local. 5 IN AAAA 5678:abcd::1",
                    "hdls1.testns.svc.clusterset.local. 5 IN AAAA 5678:abcd::2",
                ],
                &[],
            ),
            negative(
                "handler_test.go svc.<zone>: NODATA",
                "svc.clusterset.local.",
                A,
                NoError,
                MC_SOA,
            ),
            negative(
                "handler_test.go <ns>.svc.<zone>: NODATA",
                "testns.svc.clusterset.local.",
                A,
                NoError,
                MC_SOA,
            ),
            positive(
                "handler_test.go dual-stack ClusterSetIP import, A",
                "svc-dual-stack.testns.svc.clusterset.local.",
                A,
                &["svc-dual-stack.testns.svc.clusterset.local. 5 IN A 10.0.0.3"],
                &[],
            ),
            positive(
                "handler_test.go dual-stack ClusterSetIP import, AAAA",
                "svc-dual-stack.testns.svc.clusterset.local.",
                AAAA,
                &["svc-dual-stack.testns.svc.clusterset.local. 5 IN AAAA 10::3"],
                &[],
            ),
            positive(
                "handler_test.go dual-stack SRV: weight 50 before duplicates are dropped (rule 16)",
                "svc-dual-stack.testns.svc.clusterset.local.",
                SRV,
                &[
                    "svc-dual-stack.testns.svc.clusterset.local. 5 IN SRV 0 50 80 svc-dual-stack.testns.svc.clusterset.local.",
                ],
                &[
                    "svc-dual-stack.testns.svc.clusterset.local. 5 IN A 10.0.0.3",
                    "svc-dual-stack.testns.svc.clusterset.local. 5 IN AAAA 10::3",
                ],
            ),
            negative(
                "handler_test.go SOA below the apex: NODATA",
                "svc1.testns.svc.clusterset.local.",
                SOA,
                NoError,
                MC_SOA,
            ),
            negative(
                "handler_test.go CNAME below a name that is no import",
                "endpoint.external.testns.svc.clusterset.local.",
                CNAME,
                NXDomain,
                MC_SOA,
            ),
        ],
    );
}

#[test]
fn coredns_multicluster_cases() {
    let dns = dns("multicluster.yaml", multicluster());
    check(
        &dns,
        &[
            positive(
                "handler_test.go multicluster SRV headless: targets <ep>.<clusterid>.<svc>, weight 16 (rule 16)",
                "_http._tcp.hdls1.testns.svc.clusterset.local.",
                SRV,
                &[
                    "_http._tcp.hdls1.testns.svc.clusterset.local. 5 IN SRV 0 16 80 172-0-0-2.cluster1.hdls1.testns.svc.clusterset.local.",
                    "_http._tcp.hdls1.testns.svc.clusterset.local. 5 IN SRV 0 16 80 172-0-0-3.cluster1.hdls1.testns.svc.clusterset.local.",
                    "_http._tcp.hdls1.testns.svc.clusterset.local. 5 IN SRV 0 16 80 5678-abcd--1.cluster1.hdls1.testns.svc.clusterset.local.",
                    "_http._tcp.hdls1.testns.svc.clusterset.local. 5 IN SRV 0 16 80 5678-abcd--2.cluster1.hdls1.testns.svc.clusterset.local.",
                    "_http._tcp.hdls1.testns.svc.clusterset.local. 5 IN SRV 0 16 80 dup-name.cluster1.hdls1.testns.svc.clusterset.local.",
                ],
                &[
                    "172-0-0-2.cluster1.hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.2",
                    "172-0-0-3.cluster1.hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.3",
                    "5678-abcd--1.cluster1.hdls1.testns.svc.clusterset.local. 5 IN AAAA 5678:abcd::1",
                    "5678-abcd--2.cluster1.hdls1.testns.svc.clusterset.local. 5 IN AAAA 5678:abcd::2",
                    "dup-name.cluster1.hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.4",
                    "dup-name.cluster1.hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.5",
                ],
            ),
            positive(
                "handler_test.go multicluster AAAA endpoint (no trailing dot)",
                "5678-abcd--2.cluster1.hdls1.testns.svc.clusterset.local",
                AAAA,
                &[
                    "5678-abcd--2.cluster1.hdls1.testns.svc.clusterset.local. 5 IN AAAA 5678:abcd::2",
                ],
                &[],
            ),
            positive(
                "handler_test.go multicluster AAAA endpoint",
                "5678-abcd--1.cluster1.hdls1.testns.svc.clusterset.local.",
                AAAA,
                &[
                    "5678-abcd--1.cluster1.hdls1.testns.svc.clusterset.local. 5 IN AAAA 5678:abcd::1",
                ],
                &[],
            ),
            positive(
                "handler_test.go multicluster endpoint with no port",
                "172-0-0-20.cluster1.hdlsprtls.testns.svc.clusterset.local.",
                A,
                &["172-0-0-20.cluster1.hdlsprtls.testns.svc.clusterset.local. 5 IN A 172.0.0.20"],
                &[],
            ),
            negative(
                "handler_test.go endpoint without the cluster id: NXDOMAIN (kubernetes.go:669)",
                "5678-abcd--1.hdls1.testns.svc.clusterset.local.",
                AAAA,
                NXDomain,
                MC_SOA,
            ),
            positive(
                "handler_test.go multicluster endpoint IP",
                "172-0-0-2.cluster1.hdls1.testns.svc.clusterset.local.",
                A,
                &["172-0-0-2.cluster1.hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.2"],
                &[],
            ),
            positive(
                "handler_test.go multicluster endpoint IP 2",
                "172-0-0-3.cluster1.hdls1.testns.svc.clusterset.local.",
                A,
                &["172-0-0-3.cluster1.hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.3"],
                &[],
            ),
            positive(
                "handler_test.go multicluster endpoint by name, two addresses",
                "dup-name.cluster1.hdls1.testns.svc.clusterset.local.",
                A,
                &[
                    "dup-name.cluster1.hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.4",
                    "dup-name.cluster1.hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.5",
                ],
                &[],
            ),
            positive(
                "kubernetes_test.go endpoint names exist under a ClusterSetIP import (kubernetes.go:655)",
                "ep1a.cluster1.svc1.testns.svc.clusterset.local.",
                A,
                &["ep1a.cluster1.svc1.testns.svc.clusterset.local. 5 IN A 172.0.0.1"],
                &[],
            ),
        ],
    );
}

#[test]
fn clusters_services_and_shapes_read_from_the_source() {
    let dns = dns("multicluster.yaml", multicluster());
    check(
        &dns,
        &[
            // Services and imports never mix (kubernetes.go:371-375).
            negative(
                "25 a plain Service is not visible in a multicluster zone",
                "plain.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            positive(
                "25 ... but is in the cluster zone",
                "plain.testns.svc.cluster.local.",
                A,
                &["plain.testns.svc.cluster.local. 5 IN A 10.96.0.51"],
                &[],
            ),
            positive(
                "25 a Service and an import of one name: the Service in the cluster zone",
                "svc1.testns.svc.cluster.local.",
                A,
                &["svc1.testns.svc.cluster.local. 5 IN A 10.96.0.50"],
                &[],
            ),
            negative(
                "25 imports are not visible in the cluster zone",
                "hdls1.testns.svc.cluster.local.",
                A,
                NXDomain,
                CLUSTER_SOA,
            ),
            negative(
                "8 outside a multicluster zone two labels are _port._proto: no port ep1a",
                "ep1a.cluster1.svc1.testns.svc.cluster.local.",
                A,
                NXDomain,
                CLUSTER_SOA,
            ),
            // Two clusters, the same hostname in each.
            positive(
                "12 a headless import answers the ready endpoints of every cluster",
                "db.testns.svc.clusterset.local.",
                A,
                &[
                    "db.testns.svc.clusterset.local. 5 IN A 10.1.0.5",
                    "db.testns.svc.clusterset.local. 5 IN A 10.2.0.5",
                    "db.testns.svc.clusterset.local. 5 IN A 10.2.0.7",
                ],
                &[],
            ),
            positive(
                "25 the cluster id picks the endpoint",
                "db-0.east.db.testns.svc.clusterset.local.",
                A,
                &["db-0.east.db.testns.svc.clusterset.local. 5 IN A 10.1.0.5"],
                &[],
            ),
            positive(
                "21 the cluster id matches case-insensitively (source-cluster: West)",
                "db-0.west.db.testns.svc.clusterset.local.",
                A,
                &["db-0.west.db.testns.svc.clusterset.local. 5 IN A 10.2.0.5"],
                &[],
            ),
            negative(
                "13 a not-ready endpoint has no name",
                "db-1.east.db.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            negative(
                "25 the endpoint's own cluster only",
                "10-2-0-7.east.db.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            negative(
                "25 an unknown cluster id",
                "db-0.north.db.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            positive(
                "16 SRV targets carry each slice's cluster id as its label spells it",
                "db.testns.svc.clusterset.local.",
                SRV,
                &[
                    "db.testns.svc.clusterset.local. 5 IN SRV 0 33 5432 db-0.east.db.testns.svc.clusterset.local.",
                    "db.testns.svc.clusterset.local. 5 IN SRV 0 33 5432 db-0.West.db.testns.svc.clusterset.local.",
                    "db.testns.svc.clusterset.local. 5 IN SRV 0 33 5432 10-2-0-7.West.db.testns.svc.clusterset.local.",
                ],
                &[
                    "db-0.east.db.testns.svc.clusterset.local. 5 IN A 10.1.0.5",
                    "db-0.West.db.testns.svc.clusterset.local. 5 IN A 10.2.0.5",
                    "10-2-0-7.West.db.testns.svc.clusterset.local. 5 IN A 10.2.0.7",
                ],
            ),
            positive(
                "21 SRV targets use the zone as the question spells it",
                "_SQL._TCP.db.TestNs.svc.ClusterSet.Local.",
                SRV,
                &[
                    "_SQL._TCP.db.TestNs.svc.ClusterSet.Local. 5 IN SRV 0 33 5432 db-0.east.db.testns.svc.ClusterSet.Local.",
                    "_SQL._TCP.db.TestNs.svc.ClusterSet.Local. 5 IN SRV 0 33 5432 db-0.West.db.testns.svc.ClusterSet.Local.",
                    "_SQL._TCP.db.TestNs.svc.ClusterSet.Local. 5 IN SRV 0 33 5432 10-2-0-7.West.db.testns.svc.ClusterSet.Local.",
                ],
                &[
                    "db-0.east.db.testns.svc.ClusterSet.Local. 5 IN A 10.1.0.5",
                    "db-0.West.db.testns.svc.ClusterSet.Local. 5 IN A 10.2.0.5",
                    "10-2-0-7.West.db.testns.svc.ClusterSet.Local. 5 IN A 10.2.0.7",
                ],
            ),
            negative(
                "17 a port the import's slices do not have",
                "_http._tcp.db.testns.svc.clusterset.local.",
                SRV,
                NXDomain,
                MC_SOA,
            ),
            positive(
                "16 SRV of one endpoint name",
                "db-0.west.db.testns.svc.clusterset.local.",
                SRV,
                &[
                    "db-0.west.db.testns.svc.clusterset.local. 5 IN SRV 0 100 5432 db-0.West.db.testns.svc.clusterset.local.",
                ],
                &["db-0.West.db.testns.svc.clusterset.local. 5 IN A 10.2.0.5"],
            ),
            negative(
                "16 portless headless SRV: NODATA",
                "hdlsprtls.testns.svc.clusterset.local.",
                SRV,
                NoError,
                MC_SOA,
            ),
            // A slice without a source cluster: ClusterId is "" (object/multicluster_endpoint.go).
            positive(
                "25 no source-cluster label: the one-label name matches the empty cluster id",
                "orphan.nocluster.testns.svc.clusterset.local.",
                A,
                &["orphan.nocluster.testns.svc.clusterset.local. 5 IN A 172.0.2.1"],
                &[],
            ),
            negative(
                "25 no source-cluster label: no cluster id matches",
                "orphan.cluster1.nocluster.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            positive(
                "simulator: the SRV target leaves out the empty cluster label CoreDNS cannot send",
                "nocluster.testns.svc.clusterset.local.",
                SRV,
                &[
                    "nocluster.testns.svc.clusterset.local. 5 IN SRV 0 100 80 orphan.nocluster.testns.svc.clusterset.local.",
                ],
                &["orphan.nocluster.testns.svc.clusterset.local. 5 IN A 172.0.2.1"],
            ),
            // ClusterSetIP imports without ips or ports (kubernetes.go:691-704).
            negative(
                "11 a ClusterSetIP import without ips exists with no address: NODATA",
                "noips.testns.svc.clusterset.local.",
                A,
                NoError,
                MC_SOA,
            ),
            negative(
                "16 ... and no SRV",
                "noips.testns.svc.clusterset.local.",
                SRV,
                NoError,
                MC_SOA,
            ),
            negative(
                "11 a ClusterSetIP import without ports is found through none: NXDOMAIN",
                "noports.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            negative(
                "12 a headless import without ready endpoints: NXDOMAIN",
                "hdlsempty.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            negative(
                "25 slices naming no import answer nothing",
                "ghost.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            // PTR knows Services and the regular slices only (reverse.go:30-55).
            negative(
                "18 a ClusterSet IP has no PTR",
                "1.0.0.10.in-addr.arpa.",
                PTR,
                NXDomain,
                ARPA_SOA,
            ),
            positive(
                "18 a Service's ClusterIP names the Service in the first zone",
                "50.0.96.10.in-addr.arpa.",
                PTR,
                &["50.0.96.10.in-addr.arpa. 5 IN PTR svc1.testns.svc.cluster.local."],
                &[],
            ),
            negative(
                "simulator: an endpoint of a multicluster-only slice has no PTR (CoreDNS builds `172-0-0-2..testns.svc.cluster.local.`, which it cannot send)",
                "2.0.0.172.in-addr.arpa.",
                PTR,
                NXDomain,
                ARPA_SOA,
            ),
        ],
    );
}

#[test]
fn options_in_multicluster_zones() {
    let ignore = dns(
        "multicluster.yaml",
        multicluster().with_ignore_empty_service(true),
    );
    check(
        &ignore,
        &[
            negative(
                "11 ignore empty_service: a ClusterSetIP import without ready endpoints (kubernetes.go:641-652)",
                "svcempty.testns.svc.clusterset.local.",
                A,
                NXDomain,
                MC_SOA,
            ),
            positive(
                "11 ignore empty_service: an import with a ready endpoint answers",
                "svc1.testns.svc.clusterset.local.",
                A,
                &["svc1.testns.svc.clusterset.local. 5 IN A 10.0.0.1"],
                &[],
            ),
            negative(
                "11 ignore empty_service: an import without slices",
                "svc6.testns.svc.clusterset.local.",
                AAAA,
                NXDomain,
                MC_SOA,
            ),
            positive(
                "11 ignore empty_service does not apply to headless imports",
                "hdlsprtls.testns.svc.clusterset.local.",
                A,
                &["hdlsprtls.testns.svc.clusterset.local. 5 IN A 172.0.0.20"],
                &[],
            ),
        ],
    );

    let noendpoints = dns(
        "multicluster.yaml",
        multicluster().with_noendpoints(true).unwrap(),
    );
    check(
        &noendpoints,
        &[positive(
            "noendpoints stops the slice watch, not the multicluster one (controller.go:215-234)",
            "hdlsprtls.testns.svc.clusterset.local.",
            A,
            &["hdlsprtls.testns.svc.clusterset.local. 5 IN A 172.0.0.20"],
            &[],
        )],
    );

    let zonal = dns(
        "multicluster.yaml",
        multicluster().with_zonal(true).unwrap(),
    );
    check(
        &zonal,
        &[negative(
            "26 zonal names do not exist in multicluster zones (parse.go:115)",
            "z1.pin._zone.hdls1.testns.svc.clusterset.local.",
            A,
            NXDomain,
            MC_SOA,
        )],
    );

    // isMultiClusterZone matches the question's zone against the multicluster zones as it
    // matches names: a zone below one is multicluster too (kubernetes.go:720-723).
    let below = dns(
        "multicluster.yaml",
        Config::default()
            .with_zones(["cluster.local", "local"])
            .and_then(|config| config.with_multicluster_zones(["local"]))
            .unwrap(),
    );
    check(
        &below,
        &[
            positive(
                "25 a zone below a multicluster zone answers imports",
                "svc1.testns.svc.cluster.local.",
                A,
                &["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
                &[],
            ),
            negative(
                "25 ... and not Services",
                "plain.testns.svc.cluster.local.",
                A,
                NXDomain,
                CLUSTER_SOA,
            ),
        ],
    );
}

#[test]
fn the_corefile_option_turns_a_zone_multicluster() {
    let corefile = ".:53 {\n    kubernetes cluster.local clusterset.local {\n        multicluster clusterset.local\n    }\n}\n";
    let config = Config::from_corefile(corefile).unwrap();
    let dns = k8s_dns_sim::ClusterDns::new(
        Cluster::from_yaml(&fixture("multicluster.yaml")).unwrap(),
        config,
    );
    check(
        &dns,
        &[positive(
            "25 multicluster clusterset.local",
            "ep1a.cluster1.svc1.testns.svc.clusterset.local.",
            A,
            &["ep1a.cluster1.svc1.testns.svc.clusterset.local. 5 IN A 172.0.0.1"],
            &[],
        )],
    );
}

#[test]
fn imports_are_linked_and_diagnosed() {
    let cluster = Cluster::from_yaml(&fixture("multicluster.yaml")).unwrap();
    let db = cluster
        .service_import("TestNs", "DB")
        .expect("case-insensitive");
    assert!(db.import().is_headless());
    let clusters: Vec<&str> = cluster
        .slices_of_import(db)
        .map(|s| s.cluster_id())
        .collect();
    assert_eq!(clusters, ["east", "West"]);
    assert!(
        cluster
            .slices_of_import(db)
            .all(|s| s.is_imported() && cluster.service_of(s).is_none())
    );
    let svc1 = cluster.service_import("testns", "svc1").unwrap();
    assert_eq!(
        svc1.import().ips,
        ["10.0.0.1".parse::<std::net::IpAddr>().unwrap()]
    );
    assert_eq!(svc1.import().ports[0].port, 80);
    assert_eq!(cluster.service_imports().len(), 11);

    let diagnostics: Vec<String> = cluster
        .diagnostics()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        diagnostics,
        [
            "document 19, line 211: EndpointSlice testns/nocluster-slice: has no multicluster.kubernetes.io/source-cluster label, so its endpoints have an empty cluster id: they answer as <endpoint>.<svc>.<ns>.svc.<zone> in a multicluster zone, never as <endpoint>.<cluster>.<svc>…, and CoreDNS cannot send SRV targets naming them (an empty label)",
            "document 20, line 226: EndpointSlice testns/ghost-cluster1: labelled multicluster.kubernetes.io/service-name=\"ghost\", but there is no such ServiceImport in this namespace, so no multicluster name answers with these endpoints",
            "document 21, line 239: ServiceImport testns/noips: ClusterSetIP ServiceImport without spec.ips: its name answers A and AAAA with no records (NODATA) in multicluster zones",
            "document 22, line 247: ServiceImport testns/noports: ClusterSetIP ServiceImport without spec.ports: CoreDNS answers a ClusterSetIP import only through its ports, so its name answers NXDOMAIN in multicluster zones",
            "document 23, line 256: ServiceImport testns/hdlsempty: headless ServiceImport with no ready endpoints (in slices labelled multicluster.kubernetes.io/service-name): its name answers NXDOMAIN in multicluster zones until an endpoint is ready",
        ]
    );
}

#[test]
fn odd_cluster_ids_and_long_names_never_panic() {
    let long = "a".repeat(63);
    let mut yaml = format!(
        "apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\nmetadata: {{name: {long}, namespace: {long}}}\nspec:\n  type: Headless\n  ports:\n  - {{name: http, port: 80}}\n"
    );
    let slice = |i: usize, cluster: &str| {
        format!(
            "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s{i}\n  namespace: {long}\n  labels:\n    multicluster.kubernetes.io/service-name: {long}\n    multicluster.kubernetes.io/source-cluster: {cluster}\naddressType: IPv6\nendpoints:\n- addresses: [\"fd00::{i}\"]\n  hostname: {long}\n- addresses: [\"fd00::1:{i}\"]\nports:\n- {{name: http, port: 80}}\n"
        )
    };
    // Cluster ids a label value cannot hold, which the API server refuses, never load.
    for cluster in ["\"bad label!\"", &"c".repeat(70), "\"..\""] {
        let errors = Cluster::from_yaml(&format!("{yaml}{}", slice(9, cluster))).unwrap_err();
        assert_eq!(
            errors.errors()[0].field.as_deref(),
            Some("metadata.labels[multicluster.kubernetes.io/source-cluster]"),
            "{cluster}"
        );
    }
    for (i, cluster) in ["\"\"", "a.b", &"c".repeat(63), "UPPER"].iter().enumerate() {
        yaml.push_str(&slice(i, cluster));
    }
    let cluster = Cluster::from_yaml(&yaml).unwrap();
    let dns = k8s_dns_sim::ClusterDns::new(
        cluster,
        Config::default()
            .with_zones(["clusterset.local", "ip6.arpa"])
            .and_then(|config| config.with_multicluster_zones(["clusterset.local"]))
            .unwrap(),
    );
    let service = format!("{long}.{long}.svc.clusterset.local.");
    let names = [
        service.clone(),
        format!("_http._tcp.{service}"),
        format!("{long}.a.{service}"),
        format!("{long}.upper.{service}"),
        format!("fd00--1-1.{service}"),
        format!("x.y.{service}"),
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.".to_owned(),
    ];
    for name in &names {
        for qtype in [A, AAAA, SRV, TXT, PTR, CNAME] {
            let answer = dns.lookup(name, qtype);
            assert!(answer.is_ok(), "{name} {qtype}");
        }
    }
    // The cluster id matches case-insensitively whatever the name's length.
    let answer = dns
        .lookup(&format!("{long}.upper.{service}"), AAAA)
        .unwrap();
    assert_eq!(answer.answers.len(), 1);
}
