//! The loader never panics, whatever the input: every prefix of realistic manifests and of the
//! malformed corpus (`tests/malformed/`), cut mid-token or mid-indentation, at any character
//! boundary, and random YAML-ish token soup either loads or returns errors.

use k8s_dns_sim::Cluster;
use proptest::prelude::*;

const MANIFESTS: &[&str] = &[
    include_str!("../fixtures/broken/service-port-out-of-range.yaml"),
    include_str!("../fixtures/broken/slice-ipv6-in-ipv4.yaml"),
    include_str!("../fixtures/broken/headless-nodeport.yaml"),
    include_str!("../fixtures/nodes-hostnetwork.yaml"),
    include_str!("../fixtures/jobs.yaml"),
    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n  spec:\n    clusterIPs: [None]\n    ports:\n    - {port: 80, targetPort: http}\n- kind: Pod\n  apiVersion: v1\n  metadata:\n    name: p\n  status:\n    podIPs:\n    - ip: 10.0.0.1\n...\n%YAML 1.2\n--- &a\nb: *a\n",
    "apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\nmetadata: {name: db, namespace: shop}\nspec:\n  type: ClusterSetIP\n  ips: [10.0.0.1, \"fd00::1\"]\n  ports:\n  - {name: sql, protocol: TCP, port: 5432, appProtocol: postgresql}\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: db-east\n  namespace: shop\n  labels:\n    multicluster.kubernetes.io/service-name: db\n    multicluster.kubernetes.io/source-cluster: east\naddressType: IPv4\nendpoints:\n- addresses: [10.1.0.5]\n  hostname: db-0\n",
    "{\"apiVersion\": \"v1\", \"kind\": \"ServiceList\", \"items\": [{\"metadata\": {\"name\": \"x\"}, \"spec\": {\"ports\": [{\"port\": 1}]}}]}\n",
];

/// Where to cut a manifest: every character boundary of a short one; of a long one, every
/// boundary within four characters of a line start (mid-indentation, mid-key, a lone `-`) and
/// about 300 more spread evenly (mid-value, mid-token). Every boundary of the two 2-4 KB fixtures
/// made this test quadratic: 11 of CI's 66 seconds of test time.
fn cuts(text: &str) -> Vec<usize> {
    const SHORT: usize = 600;
    let step = (text.len() / 300).max(1);
    let mut line_start = 0;
    let mut cuts = Vec::new();
    for (end, c) in text.char_indices() {
        if text.len() <= SHORT || end - line_start <= 4 || end % step == 0 {
            cuts.push(end);
        }
        if c == '\n' {
            line_start = end + 1;
        }
    }
    cuts
}

#[test]
fn every_prefix_of_a_manifest_loads_or_fails_cleanly() {
    for manifest in MANIFESTS {
        for end in cuts(manifest) {
            let _ = Cluster::from_yaml(&manifest[..end]);
        }
    }
}

#[test]
fn cuts_cover_short_manifests_and_every_line_start_of_long_ones() {
    let short = "a: 1\nb: 2\n";
    assert_eq!(cuts(short), (0..short.len()).collect::<Vec<_>>());
    let line = "key: a-longer-value-here\n";
    let long = line.repeat(100);
    let cuts = cuts(&long);
    assert!(cuts.len() < long.len() / 2, "a long manifest is sampled");
    for index in 0..100 {
        for offset in 0..=4 {
            let cut = index * line.len() + offset;
            assert!(cuts.contains(&cut), "line {index} offset {offset}");
        }
    }
}

#[test]
fn every_prefix_of_a_malformed_input_fails_cleanly() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/malformed");
    for entry in std::fs::read_dir(corpus).expect("tests/malformed/") {
        let path = entry.expect("an entry").path();
        if path.ends_with("expected.txt") {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("a file");
        // About 64 cuts of each file (every character of the realistic manifests above).
        let step = (text.len() / 64).max(1);
        for (index, (end, _)) in text.char_indices().enumerate() {
            if index % step == 0 {
                let _ = Cluster::from_yaml(&text[..end]);
            }
        }
    }
}

proptest! {
    #[test]
    fn token_soup_loads_or_fails_cleanly(tokens in prop::collection::vec(
        prop::sample::select(vec![
            "apiVersion: v1\n", "kind: Service\n", "kind: List\n", "items:\n", "- ", "  ", "\n",
            "metadata:\n", "name: a\n", "spec:\n", "ports:\n", "port: 80\n", "clusterIP: None\n",
            "---\n", "...\n", "--- ", "&a ", "*a", "*nope", "[", "]", "{", "}", ": ", "\"", "'",
            "#", "\t", "- port: 99999\n", "addressType: IPv4\n", "endpoints:\n", "é", "\r\n",
            "<<: *a\n", "<<: [*a, *b]\n", "&b ", "\u{feff}", "\0", "\u{85}", "{}", "}{", "|\n",
            "labels:\n", "selector: {app: 1}\n", "\"k\": ", "!!str ", "? ",
            "kind: Pod\n", "kind: Node\n", "kind: Job\n", "apiVersion: batch/v1\n",
            "hostNetwork: true\n", "nodeName: n\n", "dnsPolicy: None\n", "completionMode: Indexed\n",
            "podCIDRs: [10.0.0.0/24, 10.1.0.0/24]\n", "dnsConfig:\n", "parallelism: -1\n",
        ]),
        0..60,
    )) {
        let text: String = tokens.concat();
        let _ = Cluster::from_yaml(&text);
    }
}
