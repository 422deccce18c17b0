//! Bad manifests, through the public API: every error names where it is (document, line,
//! column, `items` entry), which object, which field, and what was expected and found.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use k8s_dns_sim::{Cluster, ClusterBuilder, DEFAULT_MAX_INPUT_BYTES, LoadErrorKind, LoadErrors};

/// The error of loading `text` with `Cluster::from_yaml`, which must fail.
fn load_error(text: &str) -> LoadErrors {
    match Cluster::from_yaml(text) {
        Ok(_) => panic!("loaded, but should have failed:\n{text}"),
        Err(errors) => errors,
    }
}

/// A Service named `web` in `default` with the given `spec` lines.
fn service(spec: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n{spec}")
}

/// The long phrases of the naming rules, as the errors spell them.
const DNS1035: &str = "a DNS-1035 label (at most 63 lower-case letters, digits or '-', starting with a letter and ending with a letter or digit)";
const DNS1123_LABEL: &str = "a DNS-1123 label (at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit)";
const IANA: &str = "an IANA service name (at most 15 lower-case letters, digits or '-', with at least one letter, no '-' at either end and no '--')";

#[test]
fn each_bad_manifest_is_reported_with_its_location_object_and_field() {
    let cases: Vec<(&str, String, String)> = vec![
        (
            "port above 65535",
            service("  ports:\n  - port: 99999\n"),
            "document 1, line 7, column 11: Service default/web: spec.ports[0].port: expected an integer from 1 to 65535, found 99999".into(),
        ),
        (
            "port as a string is a type error with serde's field path, in our words",
            service("  ports:\n  - port: \"80\"\n"),
            "document 1, line 7, column 11: Service default/web: spec.ports[0].port: expected an integer, found the string \"80\"".into(),
        ),
        (
            "Service name is a DNS-1035 label",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  clusterIP: None\n".into(),
            format!("document 1, line 4, column 9: Service default/1web: metadata.name: expected {DNS1035}, found \"1web\""),
        ),
        (
            "metadata.namespace is a DNS-1123 label",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: Prod\nspec:\n  clusterIP: None\n".into(),
            format!("document 1, line 5, column 14: Service Prod/web: metadata.namespace: expected {DNS1123_LABEL}, found \"Prod\""),
        ),
        (
            "missing name mentions generateName",
            "apiVersion: v1\nkind: Service\nmetadata:\n  generateName: web-\nspec:\n  clusterIP: None\n".into(),
            "document 1, line 3: metadata.name: Service has no name (it has generateName \"web-\", which only the API server turns into a name; set metadata.name)".into(),
        ),
        (
            "missing name without generateName",
            "apiVersion: v1\nkind: Namespace\nmetadata: {}\n".into(),
            "document 1, line 3: metadata.name: Namespace has no name".into(),
        ),
        (
            "Service type is one of four",
            service("  type: Internal\n  ports:\n  - port: 80\n"),
            "document 1, line 6, column 9: Service default/web: spec.type: expected ClusterIP, NodePort, LoadBalancer or ExternalName, found \"Internal\"".into(),
        ),
        (
            "clusterIP is strictly parsed",
            service("  clusterIP: 10.0.0.256\n  ports:\n  - port: 80\n"),
            "document 1, line 6, column 14: Service default/web: spec.clusterIP: expected \"\", \"None\" or an IP address, found \"10.0.0.256\"".into(),
        ),
        (
            "clusterIPs[0] equals clusterIP",
            service("  clusterIP: 10.0.0.1\n  clusterIPs:\n  - 10.0.0.2\n  ports:\n  - port: 80\n"),
            "document 1, line 8, column 3: Service default/web: spec.clusterIPs[0]: expected the value of spec.clusterIP, \"10.0.0.1\", found \"10.0.0.2\"".into(),
        ),
        (
            "two cluster IPs are of different families",
            service("  clusterIP: 10.0.0.1\n  clusterIPs: [10.0.0.1, 10.0.0.2]\n  ports:\n  - port: 80\n"),
            "document 1, line 7: Service default/web: spec.clusterIPs[1]: expected an address of the other family than spec.clusterIPs[0] (both are IPv4), found \"10.0.0.2\"".into(),
        ),
        (
            "clusterIP \"\" with clusterIPs",
            service("  clusterIP: \"\"\n  clusterIPs: [10.0.0.1]\n  ports:\n  - port: 80\n"),
            "document 1, line 7, column 15: Service default/web: spec.clusterIPs: expected no value when spec.clusterIP is empty, found [\"10.0.0.1\"]".into(),
        ),
        (
            "cluster IP family matches ipFamilies",
            service("  clusterIP: 10.0.0.1\n  ipFamilies: [IPv6]\n  ports:\n  - port: 80\n"),
            "document 1, line 6, column 14: Service default/web: spec.clusterIP: expected an IPv6 address (spec.ipFamilies[0] is IPv6), found \"10.0.0.1\"".into(),
        ),
        (
            "SingleStack with two cluster IPs",
            service("  clusterIP: 10.0.0.1\n  clusterIPs: [10.0.0.1, fd00::1]\n  ipFamilyPolicy: SingleStack\n  ports:\n  - port: 80\n"),
            "document 1, line 8, column 19: Service default/web: spec.ipFamilyPolicy: expected PreferDualStack or RequireDualStack for two cluster IPs, found \"SingleStack\"".into(),
        ),
        (
            "NodePort may not be headless",
            service("  type: NodePort\n  clusterIP: None\n  ports:\n  - port: 80\n"),
            "document 1, line 7, column 14: Service default/web: spec.clusterIP: expected a cluster IP (a NodePort Service may not be headless), found \"None\"".into(),
        ),
        (
            "ports are required unless headless",
            service("  clusterIP: 10.0.0.1\n"),
            "document 1, line 5: Service default/web: spec.ports: required field is missing".into(),
        ),
        (
            "a port name is required when there are several ports",
            service("  ports:\n  - name: http\n    port: 80\n  - port: 443\n"),
            "document 1, line 9: Service default/web: spec.ports[1].name: required field is missing".into(),
        ),
        (
            "port names are unique",
            service("  ports:\n  - name: http\n    port: 80\n  - name: http\n    port: 443\n"),
            "document 1, line 9, column 11: Service default/web: spec.ports[1].name: expected a name no other port has, found \"http\"".into(),
        ),
        (
            "a port name is a DNS-1123 label",
            service("  clusterIP: None\n  ports:\n  - name: Http\n    port: 80\n"),
            format!("document 1, line 8, column 11: Service default/web: spec.ports[0].name: expected {DNS1123_LABEL}, found \"Http\""),
        ),
        (
            "protocol and port pairs are unique",
            service("  ports:\n  - name: a\n    port: 53\n    protocol: UDP\n  - name: b\n    port: 53\n    protocol: UDP\n"),
            "document 1, line 11, column 11: Service default/web: spec.ports[1].port: expected a port and protocol no other port has, found 53/UDP".into(),
        ),
        (
            "protocol is TCP, UDP or SCTP",
            service("  ports:\n  - port: 80\n    protocol: HTTP\n"),
            "document 1, line 8, column 15: Service default/web: spec.ports[0].protocol: expected TCP, UDP or SCTP, found \"HTTP\"".into(),
        ),
        (
            "a quoted numeric targetPort is a name, and names need a letter",
            service("  ports:\n  - port: 80\n    targetPort: \"8080\"\n"),
            format!("document 1, line 8, column 17: Service default/web: spec.ports[0].targetPort: expected {IANA}, found \"8080\""),
        ),
        (
            "targetPort is an integer or a string",
            service("  ports:\n  - port: 80\n    targetPort: [8080]\n"),
            "document 1, line 8, column 17: Service default/web: spec.ports[0].targetPort: expected an integer or a port name, found a sequence".into(),
        ),
        (
            "ExternalName needs externalName",
            service("  type: ExternalName\n"),
            "document 1, line 5: Service default/web: spec.externalName: required field is missing".into(),
        ),
        (
            "ExternalName has no cluster IP",
            service("  type: ExternalName\n  externalName: db.example.com\n  clusterIP: 10.0.0.1\n"),
            "document 1, line 8, column 14: Service default/web: spec.clusterIP: expected no value for an ExternalName Service, found \"10.0.0.1\"".into(),
        ),
        (
            "externalName is a DNS-1123 subdomain",
            service("  type: ExternalName\n  externalName: db_1.example.com.\n"),
            "document 1, line 7, column 17: Service default/web: spec.externalName: expected a DNS-1123 subdomain, optionally with one trailing dot, found \"db_1.example.com.\"".into(),
        ),
        (
            "a selector value is a string, as the API server's map[string]string",
            service("  clusterIP: None\n  selector:\n    app: 1\n"),
            "document 1, line 8, column 10: Service default/web: spec.selector[app]: expected a string (quote it), found the number 1".into(),
        ),
        (
            "a selector key is a qualified name",
            service("  clusterIP: None\n  selector:\n    my app: web\n"),
            "document 1, line 8, column 13: Service default/web: spec.selector[my app]: expected a label key (a name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, optionally after a DNS-1123 subdomain and '/'), found \"my app\"".into(),
        ),
        (
            "a label value is at most 63 characters, alphanumeric at both ends",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n    team: web-\n".into(),
            "document 1, line 6, column 11: Namespace prod: metadata.labels[team]: expected a label value (empty, or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit), found \"web-\"".into(),
        ),
        (
            "Endpoints addresses need a valid, non-special ip",
            "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: legacy\nsubsets:\n- addresses:\n  - ip: 127.0.0.1\n  ports:\n  - port: 80\n".into(),
            "document 1, line 7, column 9: Endpoints default/legacy: subsets[0].addresses[0].ip: expected an address that is not unspecified, loopback, link-local or multicast, found \"127.0.0.1\"".into(),
        ),
        (
            "Endpoints ports need a port",
            "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: legacy\nsubsets:\n- notReadyAddresses:\n  - ip: 10.0.0.1\n  ports:\n  - name: x\n".into(),
            "document 1, line 9: Endpoints default/legacy: subsets[0].ports[0].port: required field is missing".into(),
        ),
        (
            "EndpointSlice needs an addressType",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\nendpoints:\n- addresses: [10.0.0.1]\n".into(),
            "document 1, line 1: EndpointSlice default/s: addressType: required field is missing".into(),
        ),
        (
            "EndpointSlice addressType is IPv4, IPv6 or FQDN",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\naddressType: IP\n".into(),
            "document 1, line 5, column 14: EndpointSlice default/s: addressType: expected IPv4, IPv6 or FQDN, found \"IP\"".into(),
        ),
        (
            "an endpoint has at least one address",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\naddressType: IPv4\nendpoints:\n- addresses: []\n".into(),
            "document 1, line 7, column 14: EndpointSlice default/s: endpoints[0].addresses: required field is missing".into(),
        ),
        (
            "conditions are booleans",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\naddressType: IPv4\nendpoints:\n- addresses: [10.0.0.1]\n  conditions:\n    ready: yes\n".into(),
            "document 1, line 9, column 12: EndpointSlice default/s: endpoints[0].conditions.ready: expected a boolean, found the string \"yes\"".into(),
        ),
        (
            "an EndpointSlice port may be absent but not 0",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\naddressType: IPv4\nports:\n- port: 0\n".into(),
            "document 1, line 7, column 9: EndpointSlice default/s: ports[0].port: expected an integer from 1 to 65535, found 0".into(),
        ),
        (
            "Pod hostname is a DNS-1123 label",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostname: web_0\n".into(),
            format!("document 1, line 6, column 13: Pod default/p: spec.hostname: expected {DNS1123_LABEL}, found \"web_0\""),
        ),
        (
            "podIPs[0] equals podIP",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nstatus:\n  podIP: 10.1.0.1\n  podIPs:\n  - ip: 10.1.0.2\n".into(),
            "document 1, line 8, column 9: Pod default/p: status.podIPs[0].ip: expected the value of status.podIP, \"10.1.0.1\", found \"10.1.0.2\"".into(),
        ),
        (
            "Pod phase is an enum",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nstatus:\n  phase: Dead\n".into(),
            "document 1, line 6, column 10: Pod default/p: status.phase: expected Pending, Running, Succeeded, Failed or Unknown, found \"Dead\"".into(),
        ),
        (
            "a modelled kind in another apiVersion",
            "apiVersion: discovery.k8s.io/v1beta1\nkind: EndpointSlice\nmetadata:\n  name: s\naddressType: IPv4\n".into(),
            "document 1, line 1, column 13: EndpointSlice default/s: apiVersion: expected discovery.k8s.io/v1 (the version of EndpointSlice the simulator models), found \"discovery.k8s.io/v1beta1\"".into(),
        ),
        (
            "a document must be a mapping",
            "- just\n- a list\n".into(),
            "document 1, line 1: expected a mapping with apiVersion and kind, found a sequence".into(),
        ),
        (
            "a scalar document is not an object either",
            "---\nhello\n".into(),
            "document 1, line 2: expected a mapping with apiVersion and kind, found the string \"hello\"".into(),
        ),
        (
            "kind is required",
            "apiVersion: v1\nmetadata:\n  name: x\n".into(),
            "document 1, line 1: kind: required field is missing".into(),
        ),
        (
            "kind is a string",
            "apiVersion: v1\nkind: [Service]\n".into(),
            "document 1, line 2, column 7: kind: expected a string, found a sequence".into(),
        ),
        (
            "a syntax error: serde's position is dropped from the message, its context kept",
            service("  ports:\n  - port: 80\n   name: bad-indent\n"),
            "document 1, line 8, column 4: did not find expected key, while parsing a block mapping at line 6 column 3".into(),
        ),
        (
            "lines are absolute across documents, context lines too",
            format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: a}}\n---\n{}", service("  ports:\n  - port: 80\n   name: x\n")),
            "document 2, line 12, column 4: did not find expected key, while parsing a block mapping at line 10 column 3".into(),
        ),
        (
            "a character YAML forbids is placed where it is, not at line 1",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\u{0}b\n".into(),
            "document 1, line 4, column 10: expected a character YAML allows (printable, a tab or a line break), found the control character U+0000".into(),
        ),
        (
            "duplicate keys are a syntax error, placed at the second occurrence",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n".into(),
            "document 1, line 5, column 3: metadata.name: expected each key once in a mapping, found the key \"name\" a second time (first on line 4)".into(),
        ),
        (
            "List items are located by index and line",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: ok\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n  spec:\n    ports:\n    - port: 0\n".into(),
            "document 1, items[1], line 14, column 13: Service default/web: spec.ports[0].port: expected an integer from 1 to 65535, found 0".into(),
        ),
        (
            "type errors inside List items are located by walking the document",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n  spec:\n    ports:\n    - port: 80\n      targetPort: 0.5\n".into(),
            "document 1, items[0], line 11, column 19: Service default/web: spec.ports[0].targetPort: expected an integer or a port name, found the number 0.5".into(),
        ),
        (
            "JSON type errors have serde's line and column",
            "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n \"metadata\": {\"name\": \"web\"},\n \"spec\": {\"ports\": [{\"port\": true}]}}\n".into(),
            "document 1, line 3, column 30: Service default/web: spec.ports[0].port: expected an integer, found the boolean true".into(),
        ),
        (
            "JSON semantic errors fall back to the object's line",
            "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n \"metadata\": {\"name\": \"web\"},\n \"spec\": {\"ports\": [{\"port\": 70000}]}}\n".into(),
            "document 1, line 1: Service default/web: spec.ports[0].port: expected an integer from 1 to 65535, found 70000".into(),
        ),
    ];
    for (rule, text, expected) in cases {
        assert_eq!(load_error(&text).to_string(), expected, "{rule}");
    }
}

#[test]
fn every_bad_object_of_a_batch_is_reported() {
    let text = "\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 0
  - port: 70000
---
apiVersion: v1
kind: Namespace
metadata:
  name: good
---
apiVersion: v1
kind: Namespace
metadata:
  name: Bad
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: p
  status:
    phase: Lost
";
    let errors = match ClusterBuilder::default().add_yaml("cluster.yaml", text) {
        Ok(_) => panic!("loaded a bad batch"),
        Err(errors) => errors,
    };
    assert_eq!(
        errors.to_string(),
        format!(
            "6 errors; nothing was loaded:
  cluster.yaml: document 1, line 7: Service default/web: spec.ports[0].name: required field is missing
  cluster.yaml: document 1, line 7, column 11: Service default/web: spec.ports[0].port: expected an integer from 1 to 65535, found 0
  cluster.yaml: document 1, line 8: Service default/web: spec.ports[1].name: required field is missing
  cluster.yaml: document 1, line 8, column 11: Service default/web: spec.ports[1].port: expected an integer from 1 to 65535, found 70000
  cluster.yaml: document 3, line 18, column 9: Namespace Bad: metadata.name: expected {DNS1123_LABEL}, found \"Bad\"
  cluster.yaml: document 4, items[0], line 28, column 12: Pod default/p: status.phase: expected Pending, Running, Succeeded, Failed or Unknown, found \"Lost\""
        )
    );
}

/// Runs `f` on another thread and fails the test if it does not finish within 10 seconds.
fn within_ten_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let _ = sender.send(f());
    });
    receiver
        .recv_timeout(Duration::from_secs(10))
        .expect("loading did not finish within 10 seconds (or panicked)")
}

#[test]
fn a_syntax_error_followed_by_more_documents_ends_promptly() {
    // serde_yaml's multi-document iterator yields the same syntax error forever here
    // (dtolnay/serde-yaml#193); documents split by hand are parsed one by one.
    let mut text = String::from("a: [1,\n");
    for i in 0..50 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: ns-{i}}}\n"
        ));
    }
    text.push_str("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: Bad}\n");
    let errors = within_ten_seconds(move || Cluster::from_yaml(&text).map(|_| ()));
    let errors = errors.expect_err("a syntax error must fail the batch");
    let summary: Vec<(Option<usize>, bool)> = errors
        .errors()
        .iter()
        .map(|e| {
            (
                e.location.document,
                matches!(e.kind, LoadErrorKind::Syntax { .. }),
            )
        })
        .collect();
    // The syntax error, and the bad document after it: later documents are still read.
    assert_eq!(summary, vec![(Some(1), true), (Some(52), false)]);
}

#[test]
fn an_unknown_alias_followed_by_another_document_is_an_error_not_a_panic() {
    // serde_yaml's multi-document iterator panics on the document after `*nope`.
    let text = "a: *nope\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: Bad\n";
    let errors = within_ten_seconds(move || Cluster::from_yaml(text).map(|_| ()));
    let errors = errors.expect_err("an unknown alias must fail the batch");
    assert_eq!(
        errors.to_string(),
        format!(
            "2 errors; nothing was loaded:
  document 1, line 1, column 4: expected an alias of an anchor defined before it in the document, found *nope
  document 2, line 6, column 9: Namespace Bad: metadata.name: expected {DNS1123_LABEL}, found \"Bad\""
        )
    );
}

#[test]
fn input_over_the_limit_is_refused_before_parsing() {
    let text = format!("{}\n", "#".repeat(DEFAULT_MAX_INPUT_BYTES));
    let expected = format!(
        "input is {} bytes, more than the limit of {DEFAULT_MAX_INPUT_BYTES} bytes",
        DEFAULT_MAX_INPUT_BYTES + 1
    );
    assert_eq!(
        load_error(&text).to_string(),
        format!("<input>: {expected}")
    );
    let errors = ClusterBuilder::default()
        .add_yaml("big.yaml", &text)
        .map(|_| ())
        .expect_err("over the limit");
    assert_eq!(errors.to_string(), format!("big.yaml: {expected}"));
    assert!(matches!(
        errors.errors()[0].kind,
        LoadErrorKind::TooLarge { .. }
    ));
}

#[test]
fn broken_fixtures_each_report_their_one_fault() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "service-port-out-of-range.yaml",
            include_str!("../fixtures/broken/service-port-out-of-range.yaml"),
            "service-port-out-of-range.yaml: document 1, line 14, column 11: Service shop/web: spec.ports[1].port: expected an integer from 1 to 65535, found 84430",
        ),
        (
            "endpointslice-v1beta1.yaml",
            include_str!("../fixtures/broken/endpointslice-v1beta1.yaml"),
            "endpointslice-v1beta1.yaml: document 1, line 2, column 13: EndpointSlice default/web-abcde: apiVersion: expected discovery.k8s.io/v1 (the version of EndpointSlice the simulator models), found \"discovery.k8s.io/v1beta1\"",
        ),
        (
            "pod-generate-name.yaml",
            include_str!("../fixtures/broken/pod-generate-name.yaml"),
            "pod-generate-name.yaml: document 1, line 4: metadata.name: Pod has no name (it has generateName \"web-\", which only the API server turns into a name; set metadata.name)",
        ),
        (
            "headless-nodeport.yaml",
            include_str!("../fixtures/broken/headless-nodeport.yaml"),
            "headless-nodeport.yaml: document 1, line 9, column 14: Service default/web: spec.clusterIP: expected a cluster IP (a NodePort Service may not be headless), found \"None\"",
        ),
        (
            "slice-ipv6-in-ipv4.yaml",
            include_str!("../fixtures/broken/slice-ipv6-in-ipv4.yaml"),
            "slice-ipv6-in-ipv4.yaml: document 1, line 12, column 3: EndpointSlice default/web-v4: endpoints[1].addresses[0]: expected an IPv4 address, found \"fd00::5\"",
        ),
    ];
    for (name, text, expected) in cases {
        let errors = ClusterBuilder::default()
            .add_yaml(name, text)
            .map(|_| ())
            .expect_err("a broken fixture must not load");
        assert_eq!(errors.errors().len(), 1, "{name}: one fault each");
        assert_eq!(errors.to_string(), *expected, "{name}");
    }
}

/// A ServiceImport `web` in `default` with the given `spec` lines.
fn service_import(spec: &str) -> String {
    format!(
        "apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\nmetadata:\n  name: web\nspec:\n{spec}"
    )
}

#[test]
fn bad_service_imports_are_reported_like_services() {
    let cases: Vec<(&str, String, String)> = vec![
        (
            "the name is a DNS-1035 label, as a Service's",
            "apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\nmetadata:\n  name: 1web\nspec:\n  type: Headless\n".into(),
            format!("document 1, line 4, column 9: ServiceImport default/1web: metadata.name: expected {DNS1035}, found \"1web\""),
        ),
        (
            "spec.type is required",
            service_import("  ports:\n  - port: 80\n"),
            "document 1, line 5: ServiceImport default/web: spec.type: required field is missing".into(),
        ),
        (
            "spec.type is ClusterSetIP or Headless",
            service_import("  type: ClusterIP\n"),
            "document 1, line 6, column 9: ServiceImport default/web: spec.type: expected ClusterSetIP or Headless, found \"ClusterIP\"".into(),
        ),
        (
            "spec.ips are IP addresses",
            service_import("  type: ClusterSetIP\n  ips: [10.0.0.256]\n  ports:\n  - port: 80\n"),
            "document 1, line 7: ServiceImport default/web: spec.ips[0]: expected an IP address, found \"10.0.0.256\"".into(),
        ),
        (
            "at most two spec.ips",
            service_import("  type: ClusterSetIP\n  ips:\n  - 10.0.0.1\n  - fd00::1\n  - 10.0.0.2\n  ports:\n  - port: 80\n"),
            "document 1, line 7, column 3: ServiceImport default/web: spec.ips: expected at most 2 addresses, found [\"10.0.0.1\", \"fd00::1\", \"10.0.0.2\"]".into(),
        ),
        (
            "ports are in range",
            service_import("  type: ClusterSetIP\n  ips: [10.0.0.1]\n  ports:\n  - port: 0\n"),
            "document 1, line 9, column 11: ServiceImport default/web: spec.ports[0].port: expected an integer from 1 to 65535, found 0".into(),
        ),
        (
            "a port needs its number",
            service_import("  type: Headless\n  ports:\n  - name: http\n"),
            "document 1, line 8: ServiceImport default/web: spec.ports[0].port: required field is missing".into(),
        ),
        (
            "several ports need names",
            service_import("  type: Headless\n  ports:\n  - port: 80\n  - {name: https, port: 443}\n"),
            "document 1, line 8: ServiceImport default/web: spec.ports[0].name: required field is missing".into(),
        ),
        (
            "port names are DNS-1123 labels and unique",
            service_import("  type: Headless\n  ports:\n  - {name: http, port: 80}\n  - {name: http, port: 81}\n"),
            "document 1, line 9: ServiceImport default/web: spec.ports[1].name: expected a name no other port has, found \"http\"".into(),
        ),
        (
            "protocols are TCP, UDP or SCTP",
            service_import("  type: Headless\n  ports:\n  - {port: 53, protocol: dns}\n"),
            "document 1, line 8: ServiceImport default/web: spec.ports[0].protocol: expected TCP, UDP or SCTP, found \"dns\"".into(),
        ),
        (
            "a type error keeps serde's field path",
            service_import("  type: ClusterSetIP\n  ips: 10.0.0.1\n"),
            "document 1, line 7, column 8: ServiceImport default/web: spec.ips: expected a sequence, found the string \"10.0.0.1\"".into(),
        ),
        (
            "another version of the Multi-Cluster Services API",
            "apiVersion: multicluster.x-k8s.io/v1beta1\nkind: ServiceImport\nmetadata:\n  name: web\nspec:\n  type: Headless\n".into(),
            "document 1, line 1, column 13: ServiceImport default/web: apiVersion: expected multicluster.x-k8s.io/v1alpha1 (the version of ServiceImport the simulator models), found \"multicluster.x-k8s.io/v1beta1\"".into(),
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(rule, text, expected)| {
            let got = load_error(text).to_string();
            (got != *expected).then(|| format!("[{rule}]\n  want: {expected}\n  got:  {got}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_service_import_of_another_api_group_is_skipped_not_refused() {
    let text = "apiVersion: lighthouse.submariner.io/v2alpha1\nkind: ServiceImport\nmetadata:\n  name: web\n  namespace: shop\n";
    let cluster = Cluster::from_yaml(text).expect("another group's kind is listed, not loaded");
    assert!(cluster.service_imports().is_empty());
    let [skipped] = cluster.skipped() else {
        panic!("one skipped object expected: {:?}", cluster.skipped());
    };
    assert_eq!(skipped.api_version, "lighthouse.submariner.io/v2alpha1");
    assert_eq!(skipped.kind, "ServiceImport");
}

#[test]
fn deep_flow_nesting_is_refused_promptly_where_it_crosses_the_limit() {
    // The YAML parser's time grows with the square of this depth: 100,000 levels (200 KB) took
    // two minutes before it refused them. The loader counts the levels first.
    let levels = 100_000;
    let cases = [
        (
            format!("a: {}{}\n", "[".repeat(levels), "]".repeat(levels)),
            "document 1, line 1, column 131: expected collections nested at most 128 deep, found one at depth 129",
        ),
        (
            format!(
                "apiVersion: v1\nkind: Namespace\nmetadata: {{name: a}}\n---\na: {}x{}\n",
                "{a: ".repeat(levels),
                "}".repeat(levels)
            ),
            "document 2, line 5, column 512: expected collections nested at most 128 deep, found one at depth 129",
        ),
        (
            format!("{}x\n", "- ".repeat(levels)),
            "document 1, line 1, column 257: expected collections nested at most 128 deep, found one at depth 129",
        ),
    ];
    for (text, expected) in cases {
        let errors = within_ten_seconds(move || Cluster::from_yaml(&text).map(|_| ()))
            .expect_err("too deep");
        assert_eq!(errors.to_string(), expected);
        assert_eq!(
            errors.errors()[0].kind,
            LoadErrorKind::TooDeep { limit: 128 }
        );
    }
}

#[test]
fn alias_bombs_are_refused_promptly_at_the_alias_that_crosses_the_limit() {
    // Nine levels of nine aliases: a billion copies of "lol" if expanded.
    let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=9 {
        let uses = vec![format!("*a{}", i - 1); 9].join(", ");
        laughs.push_str(&format!("a{i}: &a{i} [{uses}]\n"));
    }
    // Few levels but wide: 10,000 uses of a 6,000-item list (100 KB) took 31 s and built 60
    // million nodes.
    let items: Vec<String> = (0..6000).map(|i| format!("item{i}")).collect();
    let wide = format!(
        "a: &a [{}]\nb: [{}]\n",
        items.join(", "),
        ["*a"; 10_000].join(", ")
    );
    let cases = [
        (
            laughs,
            "document 1, line 5, column 10: expected at most 1000 alias uses in one document (each alias counted every time its anchored node is copied), found more at *a3",
        ),
        (
            wide,
            "document 1, line 2, column 73: expected aliases to copy at most 1048576 bytes into one document, found *a taking it to 1060074 bytes",
        ),
    ];
    for (text, expected) in cases {
        let errors = within_ten_seconds(move || Cluster::from_yaml(&text).map(|_| ()))
            .expect_err("an alias bomb");
        assert_eq!(errors.to_string(), expected);
    }
}
