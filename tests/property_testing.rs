//! The worked examples of `docs/property-testing.md`, run as tests. The guide shows the
//! regions between `// guide:` markers verbatim; `the_guide_shows_these_examples` fails when
//! the two drift apart, and `invariants_md_names_tests_that_exist` when `docs/invariants.md`
//! names a test that is not there.

// guide: setup
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use k8s_dns_sim::hickory_proto::rr::{Name, RData, RecordType};
use k8s_dns_sim::strategies::{
    ClusterShape, ServiceKind, change_sequence, cluster, kubernetes_config,
};
use k8s_dns_sim::{ClusterDns, Config, Outcome};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;

/// 32 cases, and no failure-persistence files (nor the warning about where to put them).
fn quiet(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}
// guide: end

// guide: client
/// The code under test: a client that looks a name up and picks one address, spreading
/// its connections by a per-client seed.
fn pick_backend(dns: &ClusterDns, name: &Name, seed: usize) -> Option<IpAddr> {
    let answer = dns.answer(name, RecordType::A);
    let addresses: Vec<IpAddr> = answer
        .answers
        .iter()
        .filter_map(|record| match &record.data {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            _ => None,
        })
        .collect();
    (!addresses.is_empty()).then(|| addresses[seed % addresses.len()])
}

proptest! {
    #![proptest_config(quiet(32))]

    /// Whatever the cluster, the client picks one of the headless Service's ready IPv4
    /// endpoints, and none when no endpoint is ready.
    #[test]
    fn my_client_picks_one_of_the_headless_service_s_addresses(
        generated in cluster(ClusterShape::default()),
        seed in any::<usize>(),
    ) {
        for service in generated.services.iter().filter(|s| s.kind == ServiceKind::Headless) {
            let ready: BTreeSet<IpAddr> = service
                .ready()
                .map(|endpoint| endpoint.address)
                .filter(IpAddr::is_ipv4)
                .collect();
            match pick_backend(generated.dns(), &service.fqdn(), seed) {
                Some(address) => prop_assert!(ready.contains(&address)),
                None => prop_assert!(ready.is_empty()),
            }
        }
    }
}
// guide: end

// guide: discovery
/// The code under test: service discovery that caches each name's addresses and refreshes
/// them from DNS after every change it hears about.
#[derive(Default)]
struct Discovery {
    known: BTreeMap<Name, BTreeSet<IpAddr>>,
}

impl Discovery {
    fn refresh(&mut self, dns: &ClusterDns, names: &[Name]) {
        for name in names {
            let mut addresses = BTreeSet::new();
            for qtype in [RecordType::A, RecordType::AAAA] {
                for record in dns.answer(name, qtype).answers {
                    match record.data {
                        RData::A(a) => addresses.insert(IpAddr::V4(a.0)),
                        RData::AAAA(aaaa) => addresses.insert(IpAddr::V6(aaaa.0)),
                        _ => false,
                    };
                }
            }
            self.known.insert(name.clone(), addresses);
        }
    }
}

proptest! {
    #![proptest_config(quiet(32))]

    /// After any sequence of changes (failing batches among them), the cache holds what a
    /// fresh cluster of the final state answers.
    #[test]
    fn my_service_discovery_survives_any_sequence_of_endpoint_changes(
        (generated, sequence) in cluster(ClusterShape::default()).prop_flat_map(|generated| {
            let sequence = change_sequence(&generated, 8);
            (Just(generated), sequence)
        }),
    ) {
        let names: Vec<Name> = generated.services.iter().map(|service| service.fqdn()).collect();
        let mut dns = generated.dns().clone();
        let mut discovery = Discovery::default();
        discovery.refresh(&dns, &names);
        for batch in &sequence.batches {
            // A failing batch is refused whole; the cache keeps what it had.
            prop_assert_eq!(dns.apply(batch.changes.clone()).is_err(), batch.fails);
            discovery.refresh(&dns, &names);
        }
        let mut fresh = Discovery::default();
        fresh.refresh(sequence.after.dns(), &names);
        prop_assert_eq!(discovery.known, fresh.known);
    }
}
// guide: end

// guide: config
/// The code under test: the user's own reading of a Corefile, here the namespaces its
/// `kubernetes` plugin exposes (`None`: all of them).
fn exposed_namespaces(corefile: &str) -> Option<Vec<String>> {
    corefile.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next() == Some("namespaces")).then(|| words.map(str::to_owned).collect())
    })
}

proptest! {
    #![proptest_config(quiet(32))]

    /// The parser and the simulator agree on which namespaces exist, for every generated
    /// configuration of the `kubernetes` plugin.
    #[test]
    fn my_config_parser_and_the_simulator_agree_on_which_names_exist(
        (generated, config) in cluster(ClusterShape::default()).prop_flat_map(|generated| {
            let config = kubernetes_config(generated.namespaces.clone());
            (Just(generated), config)
        }),
    ) {
        let dns = generated.dns_with(Config::from_corefile(&config.corefile).unwrap());
        let exposed = exposed_namespaces(&config.corefile);
        for namespace in &generated.namespaces {
            let name = Name::from_ascii(format!("{namespace}.svc.cluster.local.")).unwrap();
            let exists = dns.answer(&name, RecordType::A).outcome == Outcome::NoData;
            let parsed = exposed.as_ref().is_none_or(|list| list.contains(namespace));
            prop_assert_eq!(exists, parsed, "{}\n{}", namespace, config.corefile);
        }
    }
}
// guide: end

/// The guide's code blocks, each a region of this file.
#[test]
fn the_guide_shows_these_examples() {
    let guide = include_str!("../docs/property-testing.md");
    let source = include_str!("property_testing.rs");
    let mut blocks = 0;
    let mut rest = guide;
    while let Some(start) = rest.find("```rust\n") {
        let body = &rest[start + "```rust\n".len()..];
        let end = body.find("```\n").expect("a closed code block");
        let block = &body[..end];
        assert!(
            source.contains(block),
            "docs/property-testing.md shows code that tests/property_testing.rs does not \
             have:\n{block}"
        );
        blocks += 1;
        rest = &body[end..];
    }
    let regions = source.matches("// guide: end").count() - 1;
    assert_eq!(blocks, regions, "every example region is in the guide");
}

/// Every `tests/<file>.rs` `<test>` pair of `docs/invariants.md` names a test function there.
#[test]
fn invariants_md_names_tests_that_exist() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/invariants.md"))
        .unwrap();
    let mut checked = 0;
    for row in doc.lines().filter(|line| line.starts_with('|')) {
        let Some(cell) = row.trim_end_matches('|').rsplit('|').next() else {
            continue;
        };
        // `tests/x.rs` `a`, `b`; `tests/y.rs` `c`
        for part in cell.split("`tests/").skip(1) {
            let (file, names) = part.split_once('`').unwrap();
            let source =
                std::fs::read_to_string(format!("{}/tests/{file}", env!("CARGO_MANIFEST_DIR")))
                    .unwrap_or_else(|error| {
                        panic!("docs/invariants.md names tests/{file}: {error}")
                    });
            let names = names.split(';').next().unwrap_or("");
            for name in names.split('`').skip(1).step_by(2) {
                if name.contains(' ') {
                    continue;
                }
                assert!(
                    source.contains(&format!("fn {name}(")),
                    "docs/invariants.md names `{name}` in tests/{file}, which has no such test"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} tests named");
}
