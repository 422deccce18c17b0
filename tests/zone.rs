//! Zone listing and zone transfers (rule 27 of docs/coredns-rules.md), after CoreDNS
//! `plugin/kubernetes/xfr.go` and `plugin/transfer/transfer.go`. Each case names the lines of
//! those files it checks. Listings are compared line by line, in order: the order is part of
//! what xfr.go defines.

mod support;

use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use k8s_dns_sim::hickory_proto::rr::rdata::SOA;
use k8s_dns_sim::hickory_proto::rr::{Name, RData, Record, RecordType};
use k8s_dns_sim::{ClusterDns, Config, Outcome, Transport, ZoneError};
use support::{SOA as ZONE_SOA, dns};

/// `dns.zone_file(zone)` is exactly `lines`, in order.
fn check_listing(rule: &str, dns: &ClusterDns, zone: &str, lines: &[&str]) {
    let text = dns
        .zone_file(zone)
        .unwrap_or_else(|error| panic!("[{rule}] {error}"));
    let got: Vec<&str> = text.lines().collect();
    assert_eq!(got, lines, "[{rule}] listing of {zone}");
}

const NS: &str = "cluster.local. 5 IN NS ns.dns.cluster.local.";

#[test]
fn golden_listing_in_xfr_order() {
    // xfr.go:41 SOA first; :44-51 NS (the simulator's ns.dns stand-in with no server
    // address); :67-69 Services sorted by name; :77-110 ClusterIP: A, then per port an SRV on
    // the name and one on _port._proto; :112-141 headless: per address A on the Service, A on
    // the endpoint name, SRV per named port weighted per slice (:116); :145-150 ExternalName
    // CNAME; :59 SOA last. `empty` (headless, no endpoints) lists nothing.
    let dns = dns("golden.yaml", Config::default());
    check_listing(
        "xfr.go:41-59,67-150",
        &dns,
        "cluster.local",
        &[
            ZONE_SOA,
            NS,
            "alias.default.svc.cluster.local. 5 IN CNAME web.default.svc.cluster.local.",
            "broken-alias.default.svc.cluster.local. 5 IN CNAME nothing-here.default.svc.cluster.local.",
            "db.default.svc.cluster.local. 5 IN A 10.1.0.5",
            "db-0.db.default.svc.cluster.local. 5 IN A 10.1.0.5",
            "_mysql._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 3306 db-0.db.default.svc.cluster.local.",
            "db.default.svc.cluster.local. 5 IN A 10.1.0.6",
            "10-1-0-6.db.default.svc.cluster.local. 5 IN A 10.1.0.6",
            "_mysql._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 3306 10-1-0-6.db.default.svc.cluster.local.",
            "ext.default.svc.cluster.local. 5 IN CNAME example.com.",
            "web.default.svc.cluster.local. 5 IN A 10.96.0.20",
            "web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local.",
            "_http._tcp.web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local.",
            ZONE_SOA,
        ],
    );
}

#[test]
fn corner_cases_of_the_listing() {
    // xfr.go:67-69 sort by name only (ties: namespace order here); :116 weight per slice;
    // :118-139 no deduplication (10.2.0.3 is in two slices); unready endpoints are not in the
    // slice (object/endpoint.go); :99-101 an unnamed port has only the SRV on the Service name;
    // :148 an ExternalName that is an IP gives no CNAME; a port without a number is -1, sent as
    // 65535.
    let dns = dns("zone.yaml", Config::default());
    check_listing(
        "xfr.go:67-69,99-101,116-139,148",
        &dns,
        "cluster.local.",
        &[
            ZONE_SOA,
            NS,
            "anyport.b.svc.cluster.local. 5 IN A 10.3.0.1",
            "10-3-0-1.anyport.b.svc.cluster.local. 5 IN A 10.3.0.1",
            "_all._tcp.anyport.b.svc.cluster.local. 5 IN SRV 0 100 65535 10-3-0-1.anyport.b.svc.cluster.local.",
            "api.a.svc.cluster.local. 5 IN A 10.96.7.1",
            "api.a.svc.cluster.local. 5 IN SRV 0 100 80 api.a.svc.cluster.local.",
            "_http._tcp.api.a.svc.cluster.local. 5 IN SRV 0 100 80 api.a.svc.cluster.local.",
            "api.b.svc.cluster.local. 5 IN A 10.96.7.2",
            "api.b.svc.cluster.local. 5 IN SRV 0 100 80 api.b.svc.cluster.local.",
            "_http._tcp.api.b.svc.cluster.local. 5 IN SRV 0 100 80 api.b.svc.cluster.local.",
            "node.a.svc.cluster.local. 5 IN A 10.96.7.3",
            "node.a.svc.cluster.local. 5 IN SRV 0 100 8080 node.a.svc.cluster.local.",
            "peers.a.svc.cluster.local. 5 IN A 10.2.0.2",
            "p0.peers.a.svc.cluster.local. 5 IN A 10.2.0.2",
            "_gossip._tcp.peers.a.svc.cluster.local. 5 IN SRV 0 50 7946 p0.peers.a.svc.cluster.local.",
            "peers.a.svc.cluster.local. 5 IN A 10.2.0.3",
            "10-2-0-3.peers.a.svc.cluster.local. 5 IN A 10.2.0.3",
            "_gossip._tcp.peers.a.svc.cluster.local. 5 IN SRV 0 50 7946 10-2-0-3.peers.a.svc.cluster.local.",
            "peers.a.svc.cluster.local. 5 IN A 10.2.0.3",
            "10-2-0-3.peers.a.svc.cluster.local. 5 IN A 10.2.0.3",
            "_gossip._udp.peers.a.svc.cluster.local. 5 IN SRV 0 100 7946 10-2-0-3.peers.a.svc.cluster.local.",
            ZONE_SOA,
        ],
    );
}

#[test]
fn dual_stack_clusterips_and_ipv6_endpoints() {
    // xfr.go:81-87 one address record per ClusterIP, primary first; emitAddressRecord
    // (:243-258) picks A or AAAA by family; endpoint names of IPv6 addresses are dashed.
    let dns = dns("dual-stack.yaml", Config::default().with_ttl(30));
    let text = dns.zone_file("cluster.local").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[2..6],
        [
            "api.dual.svc.cluster.local. 30 IN A 10.96.5.5",
            "api.dual.svc.cluster.local. 30 IN AAAA fd00:10:96::5",
            "api.dual.svc.cluster.local. 30 IN SRV 0 100 443 api.dual.svc.cluster.local.",
            "_https._tcp.api.dual.svc.cluster.local. 30 IN SRV 0 100 443 api.dual.svc.cluster.local.",
        ],
        "[xfr.go:81-87]"
    );
    assert!(
        lines.contains(
            &"fd00-10-244--5.api-headless.dual.svc.cluster.local. 30 IN AAAA fd00:10:244::5"
        ),
        "[kubernetes.go endpointHostname]"
    );
    // SOA TTL min(ttl, 300), minimum ttl.
    assert_eq!(
        lines[0],
        "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30"
    );
}

#[test]
fn namespaces_option_limits_the_listing() {
    // xfr.go:72 namespaceExposed: configured namespaces only (and existing ones).
    let dns = dns("zone.yaml", Config::default().with_namespaces(["b"]));
    check_listing(
        "xfr.go:72",
        &dns,
        "cluster.local",
        &[
            ZONE_SOA,
            NS,
            "anyport.b.svc.cluster.local. 5 IN A 10.3.0.1",
            "10-3-0-1.anyport.b.svc.cluster.local. 5 IN A 10.3.0.1",
            "_all._tcp.anyport.b.svc.cluster.local. 5 IN SRV 0 100 65535 10-3-0-1.anyport.b.svc.cluster.local.",
            "api.b.svc.cluster.local. 5 IN A 10.96.7.2",
            "api.b.svc.cluster.local. 5 IN SRV 0 100 80 api.b.svc.cluster.local.",
            "_http._tcp.api.b.svc.cluster.local. 5 IN SRV 0 100 80 api.b.svc.cluster.local.",
            ZONE_SOA,
        ],
    );
}

#[test]
fn noendpoints_drops_endpoints_and_ignore_empty_service_does_nothing() {
    // xfr.go:112 EpIndex is empty when endpoints are not watched (controller.go: the
    // EndpointSlice informer is not run); xfr.go never reads `ignore empty_service`.
    let listing = |config: Config| dns("zone.yaml", config).zone_file("cluster.local").unwrap();
    let plain = listing(Config::default());
    assert_eq!(
        listing(Config::default().with_ignore_empty_service(true)),
        plain,
        "[xfr.go: no ignore empty_service]"
    );
    let without = listing(Config::default().with_noendpoints(true).unwrap());
    assert!(
        !without.contains("peers") && !without.contains("anyport"),
        "{without}"
    );
    assert!(without.contains("api.a.svc.cluster.local. 5 IN A 10.96.7.1"));
}

#[test]
fn name_servers_and_glue_from_the_server_addresses() {
    // xfr.go:42-51 one NS per distinct nsAddrs name, then every nsAddrs record as glue; nsAddrs
    // (ns.go:79-97) sets no TTL, so the glue has TTL 0.
    let config = Config::default().with_server_addresses(["10.244.0.2".parse().unwrap()]);
    let dns = dns("kube-dns.yaml", config);
    let text = dns.zone_file("cluster.local").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1..3],
        [
            "cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local.",
            "kube-dns.kube-system.svc.cluster.local. 0 IN A 10.96.0.10",
        ],
        "[xfr.go:42-51, ns.go:79-97]"
    );
    assert_eq!(lines.last(), Some(&ZONE_SOA));
}

#[test]
fn multicluster_zone_lists_no_service() {
    // xfr.go:53-57 a multicluster zone lists ServiceImports, which the simulator does not load.
    let mut config = Config::default()
        .with_zones(["cluster.local", "clusterset.local"])
        .unwrap();
    config.kubernetes_mut().unwrap().multicluster_zones =
        vec![Name::from_ascii("clusterset.local.").unwrap()];
    let dns = dns("golden.yaml", config);
    let soa = "clusterset.local. 5 IN SOA ns.dns.clusterset.local. hostmaster.clusterset.local. 1 7200 1800 86400 5";
    check_listing(
        "xfr.go:53-57",
        &dns,
        "clusterset.local",
        &[
            soa,
            "clusterset.local. 5 IN NS ns.dns.clusterset.local.",
            soa,
        ],
    );
}

#[test]
fn zones_not_served_are_errors() {
    // xfr.go:21-24 ErrNotAuthoritative outside the plugin's zones; reverse zones are refused by
    // the listing API (CoreDNS would list forward names under them).
    let dns = dns("golden.yaml", Config::kubeadm());
    for zone in ["example.com", "local", "svc.cluster.local", "in-addr.arpa"] {
        assert!(
            matches!(dns.zone_records(zone), Err(ZoneError::NotServed { .. })),
            "{zone}"
        );
    }
    assert!(matches!(
        dns.zone_records("bad..name"),
        Err(ZoneError::InvalidName(_))
    ));
    // Case-insensitive; owners lower-case.
    assert_eq!(
        dns.zone_file("Cluster.LOCAL").unwrap(),
        dns.zone_file("cluster.local.").unwrap()
    );
}

#[test]
fn axfr_is_refused_without_transfer_and_lists_the_zone_with_it() {
    // handler.go:50-51 REFUSED without the transfer plugin; with it, xfr.go's listing.
    let without = dns("golden.yaml", Config::default());
    let answer = without.lookup("cluster.local", RecordType::AXFR).unwrap();
    assert_eq!(answer.outcome, Outcome::Refused, "[handler.go:50-51]");
    assert!(answer.answers.is_empty() && answer.authorities.is_empty());

    let with = dns("golden.yaml", Config::default().with_transfer(true));
    let records = with.zone_records("cluster.local").unwrap();
    for qtype in [RecordType::AXFR, RecordType::IXFR] {
        // Mixed case: transfer.go passes the lower-cased name to xfr.go.
        let answer = with.lookup("Cluster.Local", qtype).unwrap();
        assert_eq!(answer.outcome, Outcome::Success, "{qtype}");
        assert!(answer.is_authoritative());
        assert_eq!(answer.answers, records, "[xfr.go:20-60] {qtype}");
        assert!(answer.authorities.is_empty() && answer.additionals.is_empty());
    }
    // Below the apex, or outside the zones: REFUSED.
    for name in [
        "svc.cluster.local",
        "web.default.svc.cluster.local",
        "example.com",
    ] {
        let answer = with.lookup(name, RecordType::AXFR).unwrap();
        assert_eq!(answer.outcome, Outcome::Refused, "{name}");
    }
}

fn transfer_request(zone: &str, qtype: RecordType, client_serial: Option<u32>) -> Vec<u8> {
    let mut message = Message::new(42, MessageType::Query, OpCode::Query);
    let name = Name::from_ascii(zone).unwrap();
    message.add_query(Query::query(name.clone(), qtype));
    if let Some(serial) = client_serial {
        let soa = SOA::new(name.clone(), name.clone(), serial, 0, 0, 0, 0);
        message.add_authority(Record::from_rdata(name, 0, RData::SOA(soa)));
    }
    message.to_vec().unwrap()
}

fn decode(bytes: &[u8]) -> Message {
    Message::from_vec(bytes).unwrap()
}

#[test]
fn transfers_over_the_wire() {
    let dns = dns("golden.yaml", Config::default().with_transfer(true));
    let listing = dns.zone_records("cluster.local").unwrap();
    let axfr = transfer_request("cluster.local.", RecordType::AXFR, None);

    // transfer.go:63-65 anything but TCP is REFUSED.
    let udp = decode(&dns.handle_bytes(&axfr, Transport::Udp));
    assert_eq!(
        udp.metadata.response_code,
        ResponseCode::Refused,
        "[transfer.go:63-65]"
    );
    assert!(udp.answers.is_empty());

    // Over TCP: the whole listing in one message (it is far below 63000 bytes), AA set, the
    // question echoed.
    let tcp = decode(&dns.handle_bytes(&axfr, Transport::Tcp));
    assert_eq!(tcp.metadata.response_code, ResponseCode::NoError);
    assert!(tcp.metadata.authoritative);
    assert_eq!(tcp.id, 42);
    assert_eq!(tcp.queries.len(), 1);
    assert_eq!(tcp.answers, listing, "[transfer.go:131-187]");
    assert_eq!(dns.handle_bytes_stream(&axfr, Transport::Tcp).len(), 1);

    // transfer.go:82-90 IXFR needs exactly one SOA in the authority section.
    let ixfr_bare = transfer_request("cluster.local.", RecordType::IXFR, None);
    let reply = decode(&dns.handle_bytes(&ixfr_bare, Transport::Tcp));
    assert_eq!(
        reply.metadata.response_code,
        ResponseCode::ServFail,
        "[transfer.go:82-90]"
    );

    // xfr.go:35-40 + transfer.go:164-178 the client's serial is current: the SOA alone, no AA.
    let current = transfer_request("cluster.local.", RecordType::IXFR, Some(1));
    let reply = decode(&dns.handle_bytes(&current, Transport::Tcp));
    assert_eq!(reply.metadata.response_code, ResponseCode::NoError);
    assert!(!reply.metadata.authoritative, "[transfer.go:170-174]");
    let lines: Vec<String> = reply.answers.iter().map(ToString::to_string).collect();
    assert_eq!(lines, [ZONE_SOA], "[xfr.go:35-40]");

    // Any other serial (older, newer or 0): the full listing, there is no journal.
    for serial in [0, 2, 7] {
        let ixfr = transfer_request("cluster.local.", RecordType::IXFR, Some(serial));
        let reply = decode(&dns.handle_bytes(&ixfr, Transport::Tcp));
        assert_eq!(reply.answers, listing, "[xfr.go:35-41] serial {serial}");
    }

    // Without transfer: REFUSED over both transports.
    let off = dns_without_transfer();
    for transport in [Transport::Udp, Transport::Tcp] {
        let reply = decode(&off.handle_bytes(&axfr, transport));
        assert_eq!(
            reply.metadata.response_code,
            ResponseCode::Refused,
            "{transport:?}"
        );
    }
}

fn dns_without_transfer() -> ClusterDns {
    dns("golden.yaml", Config::default())
}

#[test]
fn a_large_transfer_is_split_as_transfer_go_splits_it() {
    // transfer.go:139-155 a new message before the records would pass 63000 bytes.
    let mut yaml = String::new();
    for s in 0..300 {
        yaml.push_str(&format!(
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: svc-{s:03}, namespace: bench}}\n\
             spec: {{clusterIP: None, ports: [{{name: http, port: 80}}]}}\n---\n\
             apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
             metadata: {{name: svc-{s:03}-1, namespace: bench, labels: {{kubernetes.io/service-name: svc-{s:03}}}}}\n\
             addressType: IPv4\nports: [{{name: http, port: 80, protocol: TCP}}]\nendpoints:\n"
        ));
        for e in 0..10 {
            yaml.push_str(&format!(
                "  - addresses: [\"10.{}.{}.{e}\"]\n",
                s / 256,
                s % 256
            ));
        }
    }
    let cluster = k8s_dns_sim::Cluster::from_yaml(&yaml).unwrap();
    let dns = ClusterDns::new(cluster, Config::default().with_transfer(true));
    let listing = dns.zone_records("cluster.local").unwrap();
    let axfr = transfer_request("cluster.local.", RecordType::AXFR, None);
    let messages = dns.handle_bytes_stream(&axfr, Transport::Tcp);
    assert!(
        messages.len() > 1,
        "{} records in one message",
        listing.len()
    );
    let mut joined = Vec::new();
    for bytes in &messages {
        assert!(bytes.len() <= 65535);
        let message = decode(bytes);
        assert!(message.metadata.authoritative && !message.metadata.truncation);
        joined.extend(message.answers);
    }
    assert_eq!(joined, listing);
    assert_eq!(
        dns.handle_bytes(&axfr, Transport::Tcp),
        messages[0],
        "handle_bytes is the first message"
    );
    // `handle` has no transport: one message with everything.
    assert_eq!(dns.handle(&decode(&axfr)).unwrap().answers, listing);
}

#[test]
fn multicluster_zones_list_service_imports_without_cluster_ids() {
    // xfr.go transferMultiClusterServices: imports sorted by name; ClusterSet IPs like a
    // ClusterIP Service; others through their multicluster slices, endpoint names without the
    // cluster id, SRV weight per slice; plain Services are not listed.
    let config = Config::default()
        .with_zones(["cluster.local", "clusterset.local"])
        .unwrap()
        .with_multicluster_zones(["clusterset.local"])
        .unwrap();
    let dns = dns("multicluster.yaml", config);
    let text = dns.zone_file("clusterset.local").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let must = [
        "svc1.testns.svc.clusterset.local. 5 IN A 10.0.0.1",
        "svc1.testns.svc.clusterset.local. 5 IN SRV 0 100 80 svc1.testns.svc.clusterset.local.",
        "_http._tcp.svc1.testns.svc.clusterset.local. 5 IN SRV 0 100 80 svc1.testns.svc.clusterset.local.",
        "hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.4",
        "dup-name.hdls1.testns.svc.clusterset.local. 5 IN A 172.0.0.4",
        "_http._tcp.hdls1.testns.svc.clusterset.local. 5 IN SRV 0 25 80 dup-name.hdls1.testns.svc.clusterset.local.",
        "_http._tcp.hdls1.testns.svc.clusterset.local. 5 IN SRV 0 50 80 5678-abcd--1.hdls1.testns.svc.clusterset.local.",
    ];
    for line in must {
        assert!(lines.contains(&line), "missing {line:?} in\n{text}");
    }
    assert!(
        !text.contains("plain.testns"),
        "plain Services are not in a multicluster zone:\n{text}"
    );
    assert!(
        !text.contains("cluster1"),
        "no cluster id in transferred names:\n{text}"
    );
    let first = |name: &str| {
        lines
            .iter()
            .position(|line| line.starts_with(name))
            .unwrap()
    };
    assert!(
        first("hdls1.") < first("svc1."),
        "imports are sorted by name"
    );
    // The plain zone still lists Services, not imports.
    let plain = dns.zone_file("cluster.local").unwrap();
    assert!(plain.contains("plain.testns.svc.cluster.local."));
    assert!(!plain.contains("hdls1"));
}
