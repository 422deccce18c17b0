//! The prepared replies are the general path's bytes, for every question: a table over the
//! fixtures and the Corefiles of `fixtures/`, and a property over generated clusters and
//! configurations.

use std::net::SocketAddr;
use std::path::Path;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query};
use hickory_proto::rr::rdata::opt::EdnsOption;
use hickory_proto::rr::{Name, RecordType};
use proptest::prelude::*;

use crate::strategies::{self, ClusterShape, wire_queries_for};
use crate::{Cluster, ClusterDns, Config, Transport};

const CLIENTS: [&str; 2] = ["192.0.2.1:40000", "[2001:db8::1]:40000"];

/// A query's variants: plain; RD; EDNS 512, 1232 with DO, 4096; CD; AD; those the general
/// path must keep (TC set, an EDNS option, EDNS version 1, a trailing byte); EDNS 100.
fn variants(name: &Name, qtype: RecordType) -> Vec<Vec<u8>> {
    let query = |id: u16, edit: &dyn Fn(&mut Message)| {
        let mut message = Message::new(id, MessageType::Query, OpCode::Query);
        message.add_query(Query::query(name.clone(), qtype));
        edit(&mut message);
        message.to_vec().expect("a query encodes")
    };
    let edns = |size: u16, dnssec_ok: bool| {
        let mut edns = Edns::new();
        edns.set_max_payload(size);
        edns.set_dnssec_ok(dnssec_ok);
        edns
    };
    let mut all = vec![
        query(1, &|_| {}),
        query(2, &|m| m.metadata.recursion_desired = true),
        query(3, &|m| {
            m.set_edns(edns(512, false));
        }),
        query(4, &|m| {
            m.set_edns(edns(1232, true));
        }),
        query(5, &|m| {
            m.set_edns(edns(4096, false));
        }),
        query(6, &|m| m.metadata.checking_disabled = true),
        query(7, &|m| m.metadata.authentic_data = true),
        query(8, &|m| m.metadata.truncation = true),
        query(9, &|m| {
            let mut with_option = edns(4096, false);
            with_option
                .options_mut()
                .insert(EdnsOption::Unknown(10, vec![1, 2, 3, 4, 5, 6, 7, 8]));
            m.set_edns(with_option);
        }),
        query(10, &|m| {
            let mut version = edns(4096, false);
            version.set_version(1);
            m.set_edns(version);
        }),
    ];
    let mut trailing = query(11, &|_| {});
    trailing.push(0);
    all.push(trailing);
    // A payload size below 512 (hickory's encoder raises it, so it is written by hand): the
    // reply's OPT says 512.
    let mut small = query(12, &|m| {
        m.set_edns(edns(512, false));
    });
    let class = small.len() - 11 + 3;
    small[class..class + 2].copy_from_slice(&100u16.to_be_bytes());
    all.push(small);
    all
}

/// Compares the two paths on every variant of every question, the variants spread over both
/// transports and client families (which matter only to replies over 512 bytes, never
/// prepared); the number of replies that were prepared.
fn compare(dns: &ClusterDns, questions: &[(Name, RecordType)], what: &str) -> usize {
    let mut prepared = 0;
    for (name, qtype) in questions {
        for (index, request) in variants(name, *qtype).into_iter().enumerate() {
            prepared += usize::from(dns.prepared.answer(&dns.cluster, &request).is_some());
            let transport = [Transport::Udp, Transport::Tcp][index % 2];
            let client: SocketAddr = CLIENTS[index / 2 % 2].parse().expect("an address");
            let fast = dns.handle_bytes_from(&request, transport, client);
            let general = dns.handle_bytes_general(&request, transport, client);
            assert_eq!(
                fast, general,
                "{what}: {name} {qtype} over {transport} from {client}, request {request:?}"
            );
        }
    }
    prepared
}

/// The Service names of a cluster and their neighbours: each Service in lower case, in
/// capitals, with the zone in capitals; a missing Service in each namespace, a missing
/// namespace, a name that is not Service-shaped, and one outside the zones.
fn names_of(cluster: &Cluster) -> Vec<Name> {
    let mut texts = vec![
        "missing.default.svc.cluster.local.".to_owned(),
        "web.missing-namespace.svc.cluster.local.".to_owned(),
        "default.svc.cluster.local.".to_owned(),
        "a.b.c.d.svc.cluster.local.".to_owned(),
        "outside.example.com.".to_owned(),
        "web_1.default.svc.cluster.local.".to_owned(),
    ];
    for service in cluster.services() {
        let meta = &service.service().meta;
        let base = format!("{}.{}.svc.cluster.local.", meta.name, meta.namespace);
        texts.push(base.to_ascii_uppercase());
        texts.push(format!(
            "{}.{}.svc.CLUSTER.local.",
            meta.name, meta.namespace
        ));
        texts.push(format!("missing.{}.svc.cluster.local.", meta.namespace));
        texts.push(format!(
            "{}.{}.svc.clusterset.local.",
            meta.name, meta.namespace
        ));
        texts.push(base);
    }
    texts
        .iter()
        .map(|text| Name::from_ascii(text).expect("a name"))
        .collect()
}

fn questions_of(cluster: &Cluster) -> Vec<(Name, RecordType)> {
    // A and AAAA are prepared; TXT stands for the types that are not.
    let types = [RecordType::A, RecordType::AAAA, RecordType::TXT];
    names_of(cluster)
        .into_iter()
        .flat_map(|name| types.map(|qtype| (name.clone(), qtype)))
        .collect()
}

/// Corefiles beside the fixtures' own configuration: the plugin's defaults; options that keep
/// the prepared path for some names (`namespaces`, `ttl`, `fallthrough` elsewhere) or leave
/// it (`fallthrough` in the zone, `ignore empty_service`, `multicluster`); plugins that
/// change answers before the plugin does (`rewrite`, `template`, `hosts`, `acl`), which leave
/// it; `loadbalance`, which keeps it for replies of one record; and a block of its own for
/// `svc.cluster.local`, which takes the Service names away from the plugin.
const COREFILES: &[&str] = &[
    ".:53 {\n    kubernetes cluster.local {\n        namespaces default\n        ttl 60\n    }\n}\n",
    ".:53 {\n    kubernetes cluster.local in-addr.arpa {\n        fallthrough in-addr.arpa\n    }\n    forward . 10.0.0.1\n}\n",
    ".:53 {\n    kubernetes cluster.local {\n        fallthrough\n    }\n    forward . 10.0.0.1\n}\n",
    ".:53 {\n    kubernetes cluster.local {\n        ignore empty_service\n    }\n}\n",
    ".:53 {\n    kubernetes cluster.local clusterset.local {\n        multicluster clusterset.local\n    }\n}\n",
    ".:53 {\n    errors\n    cache 30\n    rewrite name web.default.svc.cluster.local web-headless.default.svc.cluster.local\n    kubernetes cluster.local\n}\n",
    ".:53 {\n    template IN A cluster.local {\n        answer \"{{ .Name }} 60 IN A 10.0.0.9\"\n    }\n    kubernetes cluster.local\n}\n",
    ".:53 {\n    hosts {\n        10.0.0.8 web.default.svc.cluster.local\n        fallthrough\n    }\n    kubernetes cluster.local\n}\n",
    ".:53 {\n    loadbalance\n    kubernetes cluster.local\n}\n",
    ".:53 {\n    acl {\n        block type A net 192.0.2.0/24\n    }\n    kubernetes cluster.local\n}\n",
    "cluster.local:53 {\n    kubernetes cluster.local\n}\nsvc.cluster.local:53 {\n    forward . 10.0.0.1\n}\n",
];

#[test]
fn prepared_replies_are_the_general_path_s_bytes_for_every_fixture_and_corefile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("fixtures"))
        .expect("fixtures/")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    fixtures.sort();
    let mut corefiles: Vec<_> = std::fs::read_dir(root.join("fixtures/corefiles"))
        .expect("fixtures/corefiles/")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    corefiles.sort();
    let mut configs: Vec<(String, Config)> = vec![("defaults".to_owned(), Config::default())];
    for text in COREFILES {
        configs.push((text.to_string(), Config::from_corefile(text).expect(text)));
    }
    for path in &corefiles {
        let text = std::fs::read_to_string(path).expect("a Corefile");
        if let Ok(config) = Config::from_corefile(&text) {
            configs.push((path.display().to_string(), config));
        }
    }
    // Every fixture with its own configuration and the defaults; the fixtures with ClusterIP,
    // headless, dual-stack and multicluster Services with every configuration.
    let everywhere = [
        "clusterip-vs-headless.yaml",
        "dual-stack.yaml",
        "multicluster.yaml",
    ];
    let mut prepared = 0;
    for path in &fixtures {
        let text = std::fs::read_to_string(path).expect("a fixture");
        let Ok(own) = ClusterDns::from_yaml(&text) else {
            continue;
        };
        let questions = questions_of(own.cluster());
        let what = path.display().to_string();
        prepared += compare(&own, &questions, &what);
        let all = everywhere.iter().any(|name| path.ends_with(name));
        for (name, config) in configs.iter().take(if all { configs.len() } else { 1 }) {
            let dns = ClusterDns::new(own.cluster().clone(), config.clone());
            prepared += compare(&dns, &questions, &format!("{what} with {name}"));
        }
    }
    assert!(prepared > 1000, "only {prepared} prepared replies");
}

/// Which configurations prepare which replies: the rows name the reason a reply is or is not
/// prepared, so that a prepared path that silently stops being taken fails here.
#[test]
fn the_common_replies_are_prepared_and_the_rewritten_ones_are_not() {
    let yaml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clusterip-vs-headless.yaml"),
    )
    .expect("the fixture");
    let cluster = Cluster::from_yaml(&yaml).expect("it loads");
    let defaults = Config::default();
    let corefile = |text: &str| Config::from_corefile(text).expect(text);
    let rewrite = corefile(COREFILES[5]);
    let fallthrough = corefile(COREFILES[2]);
    let kubeadm = Config::kubeadm();
    let loadbalance = corefile(COREFILES[8]);
    let blocks = corefile(COREFILES[10]);
    let rows: &[(&str, &Config, &str, RecordType, bool)] = &[
        (
            "ClusterIP A",
            &defaults,
            "web.default.svc.cluster.local.",
            RecordType::A,
            true,
        ),
        (
            "mixed case",
            &defaults,
            "WEB.Default.svc.Cluster.Local.",
            RecordType::A,
            true,
        ),
        (
            "NODATA: no IPv6 ClusterIP",
            &defaults,
            "web.default.svc.cluster.local.",
            RecordType::AAAA,
            true,
        ),
        (
            "NXDOMAIN: no such Service",
            &defaults,
            "missing.default.svc.cluster.local.",
            RecordType::A,
            true,
        ),
        (
            "NXDOMAIN: no such namespace",
            &defaults,
            "web.nowhere.svc.cluster.local.",
            RecordType::A,
            true,
        ),
        (
            "kubeadm: fallthrough only in the reverse zones",
            &kubeadm,
            "missing.default.svc.cluster.local.",
            RecordType::A,
            true,
        ),
        (
            "the SOA in the question's capitals",
            &defaults,
            "missing.default.svc.CLUSTER.local.",
            RecordType::A,
            false,
        ),
        (
            "headless",
            &defaults,
            "web-headless.default.svc.cluster.local.",
            RecordType::A,
            false,
        ),
        (
            "SRV",
            &defaults,
            "web.default.svc.cluster.local.",
            RecordType::SRV,
            false,
        ),
        (
            "not a Service name",
            &defaults,
            "default.svc.cluster.local.",
            RecordType::A,
            false,
        ),
        (
            "outside the zones",
            &defaults,
            "example.com.",
            RecordType::A,
            false,
        ),
        (
            "rewrite before kubernetes",
            &rewrite,
            "web.default.svc.cluster.local.",
            RecordType::A,
            false,
        ),
        (
            "fallthrough: a name error goes on",
            &fallthrough,
            "missing.default.svc.cluster.local.",
            RecordType::A,
            false,
        ),
        (
            "fallthrough: a ClusterIP is still the plugin's",
            &fallthrough,
            "web.default.svc.cluster.local.",
            RecordType::A,
            true,
        ),
        (
            "loadbalance: a section of one record stays",
            &loadbalance,
            "web.default.svc.cluster.local.",
            RecordType::A,
            true,
        ),
        (
            "a block of its own for svc.cluster.local",
            &blocks,
            "web.default.svc.cluster.local.",
            RecordType::A,
            false,
        ),
    ];
    for (rule, config, name, qtype, expected) in rows {
        let dns = ClusterDns::new(cluster.clone(), (*config).clone());
        let name = Name::from_ascii(name).expect("a name");
        let request = &variants(&name, *qtype)[0];
        let got = dns.prepared.answer(&dns.cluster, request).is_some();
        assert_eq!(got, *expected, "{rule}");
        compare(&dns, &[(name, *qtype)], rule);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Over generated clusters, configurations and wire queries (random case, EDNS sizes,
    /// RD, UDP or TCP), with CD set or not: the same bytes both ways.
    #[test]
    fn prepared_replies_are_the_general_path_s_bytes_over_generated_clusters(
        (generated, config, queries, checking_disabled) in strategies::cluster(ClusterShape::default())
            .prop_flat_map(|generated| {
                let config = strategies::kubernetes_config(generated.namespaces.clone());
                let queries = wire_queries_for(&generated);
                (Just(generated), config, queries, any::<bool>())
            })
    ) {
        for dns in [generated.dns().clone(), generated.dns_with(config.config.clone())] {
            for query in &queries {
                let mut request = query.bytes();
                if checking_disabled {
                    request[3] |= 0x10;
                }
                for client in CLIENTS {
                    let client: SocketAddr = client.parse().expect("an address");
                    let fast = dns.handle_bytes_from(&request, query.transport, client);
                    let general = dns.handle_bytes_general(&request, query.transport, client);
                    prop_assert_eq!(fast, general, "{:?} with {}", query, config.corefile);
                }
            }
        }
    }
}
