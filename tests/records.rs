//! SRV, PTR and endpoint names (rules 14-18 of docs/coredns-rules.md).

mod support;

use k8s_dns_sim::Config;
use k8s_dns_sim::hickory_proto::op::ResponseCode::{NXDomain, NoError};
use k8s_dns_sim::hickory_proto::rr::RecordType::{A, AAAA, NS, PTR, SRV, TXT};
use support::{SOA as ZONE_SOA, check, dns, negative, positive};

const ARPA_SOA: &str =
    "in-addr.arpa. 5 IN SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 1 7200 1800 86400 5";

fn with_reverse_zones() -> Config {
    Config::default()
        .with_zones(["cluster.local", "in-addr.arpa", "ip6.arpa"])
        .unwrap()
}

#[test]
fn endpoint_names() {
    let dns = dns("golden.yaml", Config::default());
    check(
        &dns,
        &[
            positive(
                "14 hostname names the endpoint",
                "db-0.db.default.svc.cluster.local.",
                A,
                &["db-0.db.default.svc.cluster.local. 5 IN A 10.1.0.5"],
                &[],
            ),
            positive(
                "14 no hostname: the dashed IP",
                "10-1-0-6.db.default.svc.cluster.local.",
                A,
                &["10-1-0-6.db.default.svc.cluster.local. 5 IN A 10.1.0.6"],
                &[],
            ),
            negative(
                "14 a hostname replaces the dashed form",
                "10-1-0-5.db.default.svc.cluster.local.",
                A,
                NXDomain,
                ZONE_SOA,
            ),
            negative(
                "14 pod names only with endpoint_pod_names",
                "db-1.db.default.svc.cluster.local.",
                A,
                NXDomain,
                ZONE_SOA,
            ),
            positive(
                "15 endpoint names exist under ClusterIP services",
                "10-1-0-20.web.default.svc.cluster.local.",
                A,
                &["10-1-0-20.web.default.svc.cluster.local. 5 IN A 10.1.0.20"],
                &[],
            ),
            negative(
                "14 endpoint A of the wrong family: NODATA",
                "db-0.db.default.svc.cluster.local.",
                AAAA,
                NoError,
                ZONE_SOA,
            ),
        ],
    );
    let pod_names = dns_with(
        "golden.yaml",
        Config::default().with_endpoint_pod_names(true),
    );
    check(
        &pod_names,
        &[
            positive(
                "14 endpoint_pod_names: the targetRef pod name",
                "db-1.db.default.svc.cluster.local.",
                A,
                &["db-1.db.default.svc.cluster.local. 5 IN A 10.1.0.6"],
                &[],
            ),
            negative(
                "14 endpoint_pod_names: the dashed form no longer resolves",
                "10-1-0-6.db.default.svc.cluster.local.",
                A,
                NXDomain,
                ZONE_SOA,
            ),
            positive(
                "14 a hostname still wins over the pod name",
                "db-0.db.default.svc.cluster.local.",
                A,
                &["db-0.db.default.svc.cluster.local. 5 IN A 10.1.0.5"],
                &[],
            ),
        ],
    );
    let names = dns_with("srv-and-names.yaml", Config::default());
    check(
        &names,
        &[
            positive(
                "14 endpoints sharing a hostname give several records",
                "shared.dup-name.names.svc.cluster.local.",
                A,
                &[
                    "shared.dup-name.names.svc.cluster.local. 5 IN A 172.17.0.10",
                    "shared.dup-name.names.svc.cluster.local. 5 IN A 172.17.0.11",
                ],
                &[],
            ),
            positive(
                "14 IPv6 dashed name gets a 0 after a trailing dash",
                "fd00-1--0.v6-ep.names.svc.cluster.local.",
                AAAA,
                &["fd00-1--0.v6-ep.names.svc.cluster.local. 5 IN AAAA fd00:1::"],
                &[],
            ),
        ],
    );
}

fn dns_with(fixture: &str, config: Config) -> k8s_dns_sim::ClusterDns {
    dns(fixture, config)
}

#[test]
fn srv_records() {
    let dns = dns("golden.yaml", Config::default());
    check(
        &dns,
        &[
            positive(
                "16 ClusterIP SRV targets the service, address in additional",
                "_http._tcp.web.default.svc.cluster.local.",
                SRV,
                &[
                    "_http._tcp.web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local.",
                ],
                &["web.default.svc.cluster.local. 5 IN A 10.96.0.20"],
            ),
            positive(
                "17 leading underscores are optional",
                "http.tcp.web.default.svc.cluster.local.",
                SRV,
                &[
                    "http.tcp.web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local.",
                ],
                &["web.default.svc.cluster.local. 5 IN A 10.96.0.20"],
            ),
            negative(
                "17 a port that matches nothing is NXDOMAIN",
                "_foo._tcp.web.default.svc.cluster.local.",
                SRV,
                NXDomain,
                ZONE_SOA,
            ),
            negative(
                "17 a protocol that matches nothing is NXDOMAIN",
                "_http._udp.web.default.svc.cluster.local.",
                SRV,
                NXDomain,
                ZONE_SOA,
            ),
            positive(
                "17 A on _port._proto returns the ClusterIP",
                "_http._tcp.web.default.svc.cluster.local.",
                A,
                &["_http._tcp.web.default.svc.cluster.local. 5 IN A 10.96.0.20"],
                &[],
            ),
            positive(
                "16 headless SRV: one per endpoint, weight 100/2, targets the endpoint names",
                "_mysql._tcp.db.default.svc.cluster.local.",
                SRV,
                &[
                    "_mysql._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 3306 db-0.db.default.svc.cluster.local.",
                    "_mysql._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 3306 10-1-0-6.db.default.svc.cluster.local.",
                ],
                &[
                    "db-0.db.default.svc.cluster.local. 5 IN A 10.1.0.5",
                    "10-1-0-6.db.default.svc.cluster.local. 5 IN A 10.1.0.6",
                ],
            ),
            positive(
                "17 SRV without _port._proto lists every port",
                "db.default.svc.cluster.local.",
                SRV,
                &[
                    "db.default.svc.cluster.local. 5 IN SRV 0 50 3306 db-0.db.default.svc.cluster.local.",
                    "db.default.svc.cluster.local. 5 IN SRV 0 50 3306 10-1-0-6.db.default.svc.cluster.local.",
                ],
                &[
                    "db-0.db.default.svc.cluster.local. 5 IN A 10.1.0.5",
                    "10-1-0-6.db.default.svc.cluster.local. 5 IN A 10.1.0.6",
                ],
            ),
            positive(
                "16 SRV on one endpoint name",
                "db-0.db.default.svc.cluster.local.",
                SRV,
                &[
                    "db-0.db.default.svc.cluster.local. 5 IN SRV 0 100 3306 db-0.db.default.svc.cluster.local.",
                ],
                &["db-0.db.default.svc.cluster.local. 5 IN A 10.1.0.5"],
            ),
            negative(
                "12 SRV on an empty headless service is NXDOMAIN",
                "empty.default.svc.cluster.local.",
                SRV,
                NXDomain,
                ZONE_SOA,
            ),
            positive(
                "21 synthesised targets use the zone as spelled and the object names",
                "_HtTp._TcP.WeB.DeFault.SvC.cLuStEr.LoCaL.",
                SRV,
                &[
                    "_HtTp._TcP.WeB.DeFault.SvC.cLuStEr.LoCaL. 5 IN SRV 0 100 80 web.default.svc.cLuStEr.LoCaL.",
                ],
                &["web.default.svc.cLuStEr.LoCaL. 5 IN A 10.96.0.20"],
            ),
        ],
    );
    let names = dns_with("srv-and-names.yaml", Config::default());
    check(
        &names,
        &[
            positive(
                "16 weight is counted before duplicates are dropped (dup-name: one SRV, weight 50)",
                "_http._tcp.dup-name.names.svc.cluster.local.",
                SRV,
                &[
                    "_http._tcp.dup-name.names.svc.cluster.local. 5 IN SRV 0 50 80 shared.dup-name.names.svc.cluster.local.",
                ],
                &[
                    "shared.dup-name.names.svc.cluster.local. 5 IN A 172.17.0.10",
                    "shared.dup-name.names.svc.cluster.local. 5 IN A 172.17.0.11",
                ],
            ),
            negative(
                "16 portless headless SRV is NODATA",
                "portless.names.svc.cluster.local.",
                SRV,
                NoError,
                ZONE_SOA,
            ),
            positive(
                "16 portless headless A still works",
                "portless.names.svc.cluster.local.",
                A,
                &["portless.names.svc.cluster.local. 5 IN A 172.17.0.20"],
                &[],
            ),
            positive(
                "17 SRV without _port._proto: every port, each weight 100/2",
                "multi.names.svc.cluster.local.",
                SRV,
                &["multi.names.svc.cluster.local. 5 IN SRV 0 50 53 multi.names.svc.cluster.local."],
                &["multi.names.svc.cluster.local. 5 IN A 10.96.3.3"],
            ),
            positive(
                "17 protocol filter picks the UDP port",
                "_dns._udp.multi.names.svc.cluster.local.",
                SRV,
                &[
                    "_dns._udp.multi.names.svc.cluster.local. 5 IN SRV 0 100 53 multi.names.svc.cluster.local.",
                ],
                &["multi.names.svc.cluster.local. 5 IN A 10.96.3.3"],
            ),
        ],
    );
    let dual = dns_with("dual-stack.yaml", Config::default());
    check(
        &dual,
        &[positive(
            "16 dual-stack ClusterIP: one SRV of weight 50, both addresses in additional",
            "_https._tcp.api.dual.svc.cluster.local.",
            SRV,
            &[
                "_https._tcp.api.dual.svc.cluster.local. 5 IN SRV 0 50 443 api.dual.svc.cluster.local.",
            ],
            &[
                "api.dual.svc.cluster.local. 5 IN A 10.96.5.5",
                "api.dual.svc.cluster.local. 5 IN AAAA fd00:10:96::5",
            ],
        )],
    );
}

#[test]
fn ptr_records() {
    let dns = dns("golden.yaml", with_reverse_zones());
    check(
        &dns,
        &[
            positive(
                "18 a ClusterIP names its service",
                "20.0.96.10.in-addr.arpa.",
                PTR,
                &["20.0.96.10.in-addr.arpa. 5 IN PTR web.default.svc.cluster.local."],
                &[],
            ),
            positive(
                "18 an endpoint with a hostname",
                "5.0.1.10.in-addr.arpa.",
                PTR,
                &["5.0.1.10.in-addr.arpa. 5 IN PTR db-0.db.default.svc.cluster.local."],
                &[],
            ),
            positive(
                "18 an endpoint without hostname: dashed IP",
                "6.0.1.10.in-addr.arpa.",
                PTR,
                &["6.0.1.10.in-addr.arpa. 5 IN PTR 10-1-0-6.db.default.svc.cluster.local."],
                &[],
            ),
            positive(
                "18 endpoints of ClusterIP services too",
                "20.0.1.10.in-addr.arpa.",
                PTR,
                &["20.0.1.10.in-addr.arpa. 5 IN PTR 10-1-0-20.web.default.svc.cluster.local."],
                &[],
            ),
            negative(
                "18 unknown address: NXDOMAIN with the reverse zone's SOA",
                "99.0.1.10.in-addr.arpa.",
                PTR,
                NXDomain,
                ARPA_SOA,
            ),
            negative(
                "18 a partial reverse name is NXDOMAIN",
                "0.1.10.in-addr.arpa.",
                PTR,
                NXDomain,
                ARPA_SOA,
            ),
            positive(
                "18/21 PTR targets use the configured zone, not the question's spelling",
                "20.0.96.10.IN-ADDR.ARPA.",
                PTR,
                &["20.0.96.10.IN-ADDR.ARPA. 5 IN PTR web.default.svc.cluster.local."],
                &[],
            ),
        ],
    );
    let refused = dns_with("golden.yaml", Config::default());
    assert_eq!(
        refused
            .lookup("20.0.96.10.in-addr.arpa.", PTR)
            .unwrap()
            .outcome,
        k8s_dns_sim::Outcome::Refused,
        "without reverse zones PTR questions are outside the server's zones"
    );
}

#[test]
fn name_server_records() {
    let pod_ip: std::net::IpAddr = "10.244.0.2".parse().unwrap();
    let dns = dns_with(
        "kube-dns.yaml",
        Config::default().with_server_addresses([pod_ip]),
    );
    check(
        &dns,
        &[
            positive(
                "24 apex NS: the Service whose endpoints hold the server's address, ClusterIP glue",
                "cluster.local.",
                NS,
                &["cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local."],
                &["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"],
            ),
            positive(
                "22 ns.dns.<zone> answers the same addresses",
                "ns.dns.cluster.local.",
                A,
                &["ns.dns.cluster.local. 5 IN A 10.96.0.10"],
                &[],
            ),
            positive(
                "22 the name part may be in any case",
                "NS.DNS.cluster.local.",
                A,
                &["NS.DNS.cluster.local. 5 IN A 10.96.0.10"],
                &[],
            ),
            negative(
                "22 the zone part must be lower case",
                "ns.dns.Cluster.Local.",
                A,
                NXDomain,
                "Cluster.Local. 5 IN SOA ns.dns.Cluster.Local. hostmaster.Cluster.Local. 1 7200 1800 86400 5",
            ),
            negative(
                "22 ns.dns.<zone> has no AAAA here: NODATA",
                "ns.dns.cluster.local.",
                AAAA,
                NoError,
                ZONE_SOA,
            ),
            negative(
                "22/10 TXT on ns.dns.<zone> is NXDOMAIN",
                "ns.dns.cluster.local.",
                TXT,
                NXDomain,
                ZONE_SOA,
            ),
        ],
    );
    let elsewhere: std::net::IpAddr = "192.0.2.53".parse().unwrap();
    let standalone = dns_with(
        "kube-dns.yaml",
        Config::default().with_server_addresses([elsewhere]),
    );
    check(
        &standalone,
        &[positive(
            "24 no slice holds the server's address: ns.dns.<zone> with the address as glue",
            "cluster.local.",
            NS,
            &["cluster.local. 5 IN NS ns.dns.cluster.local."],
            &["ns.dns.cluster.local. 5 IN A 192.0.2.53"],
        )],
    );
    let unconfigured = dns_with("kube-dns.yaml", Config::default());
    check(
        &unconfigured,
        &[positive(
            "24 no server address configured: ns.dns.<zone> without glue",
            "cluster.local.",
            NS,
            &["cluster.local. 5 IN NS ns.dns.cluster.local."],
            &[],
        )],
    );
}

#[test]
fn zonal_names() {
    let dns = dns_with("zonal.yaml", Config::default().with_zonal(true).unwrap());
    check(
        &dns,
        &[
            positive(
                "26 pin: the endpoints in that zone",
                "us-east-1a.pin._zone.db.default.svc.cluster.local.",
                A,
                &[
                    "us-east-1a.pin._zone.db.default.svc.cluster.local. 5 IN A 10.2.0.1",
                    "us-east-1a.pin._zone.db.default.svc.cluster.local. 5 IN A 10.2.0.2",
                ],
                &[],
            ),
            negative(
                "26 pin: a zone without endpoints is NODATA",
                "us-east-1c.pin._zone.db.default.svc.cluster.local.",
                A,
                NoError,
                ZONE_SOA,
            ),
            positive(
                "26 prefer: falls back to every endpoint",
                "us-east-1c.prefer._zone.db.default.svc.cluster.local.",
                A,
                &[
                    "us-east-1c.prefer._zone.db.default.svc.cluster.local. 5 IN A 10.2.0.1",
                    "us-east-1c.prefer._zone.db.default.svc.cluster.local. 5 IN A 10.2.0.2",
                    "us-east-1c.prefer._zone.db.default.svc.cluster.local. 5 IN A 10.2.0.3",
                ],
                &[],
            ),
            positive(
                "26 prefer: the zone's endpoints when it has some",
                "us-east-1b.prefer._zone.db.default.svc.cluster.local.",
                A,
                &["us-east-1b.prefer._zone.db.default.svc.cluster.local. 5 IN A 10.2.0.3"],
                &[],
            ),
            negative(
                "26 ClusterIP services have no zonal names",
                "us-east-1a.pin._zone.web.default.svc.cluster.local.",
                A,
                NXDomain,
                ZONE_SOA,
            ),
            negative(
                "26 unknown directive is NXDOMAIN",
                "us-east-1a.only._zone.db.default.svc.cluster.local.",
                A,
                NXDomain,
                ZONE_SOA,
            ),
            negative(
                "26 TXT on an empty zonal name is NODATA",
                "us-east-1c.pin._zone.db.default.svc.cluster.local.",
                TXT,
                NoError,
                ZONE_SOA,
            ),
            positive(
                "26 SRV on a zonal name targets the zone's endpoints",
                "us-east-1b.pin._zone.db.default.svc.cluster.local.",
                SRV,
                &[
                    "us-east-1b.pin._zone.db.default.svc.cluster.local. 5 IN SRV 0 100 5432 db-2.db.default.svc.cluster.local.",
                ],
                &["db-2.db.default.svc.cluster.local. 5 IN A 10.2.0.3"],
            ),
        ],
    );
    let off = dns_with("zonal.yaml", Config::default());
    check(
        &off,
        &[negative(
            "8/26 without zonal, three labels left of the service are NXDOMAIN",
            "us-east-1a.pin._zone.db.default.svc.cluster.local.",
            A,
            NXDomain,
            ZONE_SOA,
        )],
    );
}

#[test]
fn odd_labels_are_joined_byte_for_byte() {
    // CoreDNS joins object names into answers as text, so a punycode-like Service name or
    // hostname (`xn--abc`, which IDNA would refuse) and an underscored or dotted Pod name keep
    // their bytes; a dotted Pod name makes two labels.
    let dns = dns(
        "odd-labels.yaml",
        with_reverse_zones().with_endpoint_pod_names(true),
    );
    let service = "xn--abc.default.svc.cluster.local.";
    check(
        &dns,
        &[
            positive(
                "16 a ClusterIP Service's SRV targets its own name",
                "xn--abc.default.svc.cluster.local.",
                SRV,
                &[
                    "xn--abc.default.svc.cluster.local. 5 IN SRV 0 100 80 xn--abc.default.svc.cluster.local.",
                ],
                &["xn--abc.default.svc.cluster.local. 5 IN A 10.96.0.41"],
            ),
            positive(
                "16/17 the named port's SRV targets the Service name",
                "_http._tcp.xn--abc.default.svc.cluster.local.",
                SRV,
                &[
                    "_http._tcp.xn--abc.default.svc.cluster.local. 5 IN SRV 0 100 80 xn--abc.default.svc.cluster.local.",
                ],
                &["xn--abc.default.svc.cluster.local. 5 IN A 10.96.0.41"],
            ),
            positive(
                "18 a ClusterIP names its Service",
                "41.0.96.10.in-addr.arpa.",
                PTR,
                &["41.0.96.10.in-addr.arpa. 5 IN PTR xn--abc.default.svc.cluster.local."],
                &[],
            ),
            positive(
                "14/16 an endpoint hostname xn--abc names its SRV target",
                "_pg._tcp.db.default.svc.cluster.local.",
                SRV,
                &[
                    "_pg._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 5432 xn--abc.db.default.svc.cluster.local.",
                    "_pg._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 5432 db-1.db.default.svc.cluster.local.",
                ],
                &[
                    "xn--abc.db.default.svc.cluster.local. 5 IN A 10.2.0.1",
                    "db-1.db.default.svc.cluster.local. 5 IN A 10.2.0.2",
                ],
            ),
            positive(
                "14/16 endpoint_pod_names: x_y as is, web.v1 as two labels",
                "cart.shop.svc.cluster.local.",
                SRV,
                &[
                    "cart.shop.svc.cluster.local. 5 IN SRV 0 50 8080 x_y.cart.shop.svc.cluster.local.",
                    "cart.shop.svc.cluster.local. 5 IN SRV 0 50 8080 web.v1.cart.shop.svc.cluster.local.",
                ],
                &[
                    "x_y.cart.shop.svc.cluster.local. 5 IN A 10.244.1.23",
                    "web.v1.cart.shop.svc.cluster.local. 5 IN A 10.244.1.24",
                ],
            ),
        ],
    );
    let listing = dns.zone_file("cluster.local").unwrap();
    assert!(
        listing.contains(&format!("{service} 5 IN A 10.96.0.41")),
        "27 the zone listing holds the Service:\n{listing}"
    );
}
