//! Every error and diagnostic text, pinned by snapshots in `tests/snapshots/`: a change of
//! wording shows up as a diff there, to be reviewed like code (issue 7 §6).
//!
//! One test per family. Each builds real inputs through the public API and snapshots the
//! texts as a list of cases: a description line, then the text indented below it (for
//! Corefile errors and diagnostics, after the `[Kind]` variant that carries it, so the kind
//! each failure maps to is pinned too). To accept a deliberate change, run
//! `INSTA_UPDATE=always cargo test --test messages` and review the diff of the `.snap` files.

mod support;

use std::fmt::{Display, Write as _};
use std::net::IpAddr;

use k8s_dns_sim::hickory_proto::rr::RecordType;
use k8s_dns_sim::model::ServiceType;
use k8s_dns_sim::resolver::{ResolvConf, StubResolver};
use k8s_dns_sim::{
    Change, Cluster, ClusterBuilder, ClusterDns, Config, CorefileError, Kind, ObjectRef,
    ServiceCidrs, Upstream,
};
use support::fixture;

/// Collects cases as `description` then the text, each of its lines indented.
#[derive(Default)]
struct Cases(String);

impl Cases {
    fn case(&mut self, description: &str, text: impl Display) {
        writeln!(self.0, "{description}").unwrap();
        for line in text.to_string().lines() {
            writeln!(self.0, "    {line}").unwrap();
        }
        self.0.push('\n');
    }
}

/// The variant name of a `Debug` text: `InvalidValue { … }` → `InvalidValue`.
fn variant(debug: &str) -> &str {
    let end = debug
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(debug.len());
    &debug[..end]
}

// ---------------------------------------------------------------------------------------------
// Load errors

/// A Service named `web` in `default` with the given `spec` lines.
fn service(spec: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n{spec}")
}

fn slice(body: &str) -> String {
    format!("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\n{body}")
}

fn pod(body: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n{body}")
}

fn endpoints(body: &str) -> String {
    format!("apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: legacy\n{body}")
}

fn service_import(spec: &str) -> String {
    format!(
        "apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\nmetadata:\n  name: web\nspec:\n{spec}"
    )
}

/// A workload of `kind` named `app` with the given `metadata` extra lines and `spec` lines.
fn workload(kind: &str, metadata: &str, spec: &str) -> String {
    format!("apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: app\n{metadata}spec:\n{spec}")
}

const GOOD_SELECTOR: &str =
    "  selector:\n    matchLabels: {app: a}\n  template:\n    metadata:\n      labels: {app: a}\n";

fn load_error_text(origin: Option<&str>, text: &str) -> String {
    let result = match origin {
        None => Cluster::from_yaml(text).map(|_| ()),
        Some(origin) => ClusterBuilder::new().add_yaml(origin, text).map(|_| ()),
    };
    match result {
        Ok(()) => panic!("loaded, but should have failed:\n{text}"),
        Err(errors) => errors.to_string(),
    }
}

#[test]
fn load_errors() {
    let many_endpoints: String = (0..1001)
        .map(|i| format!("{{addresses: [10.0.{}.{}]}},", i / 250, i % 250 + 1))
        .collect();
    let many_addresses: String = (1..=101).map(|i| format!("10.0.0.{i},")).collect();
    let cases: Vec<(&str, String)> = vec![
        // Syntax: the YAML parser's and serde's own messages.
        (
            "YAML: bad indentation",
            service("  ports:\n  - port: 80\n   name: bad-indent\n"),
        ),
        (
            "YAML: bad indentation in the second document",
            format!(
                "apiVersion: v1\nkind: Namespace\nmetadata: {{name: a}}\n---\n{}",
                service("  ports:\n  - port: 80\n   name: x\n")
            ),
        ),
        ("YAML: unknown alias", "a: *nope\n".into()),
        (
            "YAML: duplicate key",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n".into(),
        ),
        (
            "type: port as a string",
            service("  ports:\n  - port: \"80\"\n"),
        ),
        (
            "type: targetPort as a list",
            service("  ports:\n  - port: 80\n    targetPort: [8080]\n"),
        ),
        (
            "type: targetPort as a float, in a List",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n  spec:\n    ports:\n    - port: 80\n      targetPort: 0.5\n".into(),
        ),
        (
            "type: a condition as a string",
            slice("addressType: IPv4\nendpoints:\n- addresses: [10.0.0.1]\n  conditions:\n    ready: yes\n"),
        ),
        (
            "type: JSON boolean port",
            "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n \"metadata\": {\"name\": \"web\"},\n \"spec\": {\"ports\": [{\"port\": true}]}}\n".into(),
        ),
        (
            "type: ServiceImport ips as a string",
            service_import("  type: ClusterSetIP\n  ips: 10.0.0.1\n"),
        ),
        ("type: Service spec as a number", service("  5\n")),
        ("type: Service spec as a list", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: [a]\n".into()),
        ("type: metadata as a number", "apiVersion: v1\nkind: Service\nmetadata: 5\n".into()),
        ("type: Service ports as a number", service("  ports: 80\n")),
        ("type: Endpoints subsets as a mapping", endpoints("subsets: {a: b}\n")),
        ("type: EndpointSlice endpoints as a string", slice("addressType: IPv4\nendpoints: x\n")),
        ("type: Pod status as a string", pod("status: Running\n")),
        ("type: Pod spec.containers as a mapping", pod("spec:\n  containers: {name: x}\n")),
        ("type: ServiceImport spec as a string", "apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\nmetadata: {name: web}\nspec: x\n".into()),
        ("type: Deployment spec as a string", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: x\n".into()),
        ("type: Deployment replicas as a string", workload("Deployment", "", &format!("  replicas: two\n{GOOD_SELECTOR}"))),
        ("type: labels as a list", "apiVersion: v1\nkind: Service\nmetadata: {name: web, labels: [a]}\nspec: {clusterIP: None}\n".into()),
        ("type: Namespace metadata.name as a list", "apiVersion: v1\nkind: Namespace\nmetadata: {name: [a]}\n".into()),
        // The document itself.
        ("a document that is a list", "- just\n- a list\n".into()),
        ("a document that is a string", "---\nhello\n".into()),
        ("kind is missing", "apiVersion: v1\nmetadata:\n  name: x\n".into()),
        ("kind is a list", "apiVersion: v1\nkind: [Service]\n".into()),
        ("apiVersion is a number", "apiVersion: 1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: None}\n".into()),
        ("List items is a mapping", "apiVersion: v1\nkind: List\nitems: {a: b}\n".into()),
        ("List item is a number", "apiVersion: v1\nkind: List\nitems:\n- 5\n".into()),
        (
            "EndpointSlice of another apiVersion",
            include_str!("../fixtures/broken/endpointslice-v1beta1.yaml").into(),
        ),
        (
            "ServiceImport of another apiVersion",
            "apiVersion: multicluster.x-k8s.io/v1beta1\nkind: ServiceImport\nmetadata:\n  name: web\nspec:\n  type: Headless\n".into(),
        ),
        (
            "ConfigMap coredns with a Corefile that is not a string",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: [a]\n".into(),
        ),
        // Names.
        ("missing name, with generateName", include_str!("../fixtures/broken/pod-generate-name.yaml").into()),
        ("missing name", "apiVersion: v1\nkind: Namespace\nmetadata: {}\n".into()),
        ("no metadata at all", "apiVersion: v1\nkind: Service\nspec: {clusterIP: None}\n".into()),
        (
            "Service name is not a DNS-1035 label",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  clusterIP: None\n".into(),
        ),
        (
            "namespace is not a DNS-1123 label",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: Prod\nspec:\n  clusterIP: None\n".into(),
        ),
        ("Namespace name is not a DNS-1123 label", "apiVersion: v1\nkind: Namespace\nmetadata: {name: Bad}\n".into()),
        ("Deployment name is not a DNS-1123 subdomain", workload("Deployment", "", GOOD_SELECTOR).replace("name: app", "name: App_1")),
        // Services.
        ("port above 65535", include_str!("../fixtures/broken/service-port-out-of-range.yaml").into()),
        ("type is not one of four", service("  type: Internal\n  ports:\n  - port: 80\n")),
        ("clusterIP is not an address", service("  clusterIP: 10.0.0.256\n  ports:\n  - port: 80\n")),
        ("clusterIPs[0] is not clusterIP", service("  clusterIP: 10.0.0.1\n  clusterIPs:\n  - 10.0.0.2\n  ports:\n  - port: 80\n")),
        ("two cluster IPs of one family", service("  clusterIP: 10.0.0.1\n  clusterIPs: [10.0.0.1, 10.0.0.2]\n  ports:\n  - port: 80\n")),
        ("three cluster IPs", service("  clusterIPs: [10.0.0.1, fd00::1, 10.0.0.2]\n  ports:\n  - port: 80\n")),
        ("clusterIPs with None among addresses", service("  clusterIPs: [10.0.0.1, None]\n  ports:\n  - port: 80\n")),
        ("clusterIPs entry is not an address", service("  clusterIPs: [10.0.0.1, fd00::zz]\n  ports:\n  - port: 80\n")),
        ("clusterIP empty with clusterIPs", service("  clusterIP: \"\"\n  clusterIPs: [10.0.0.1]\n  ports:\n  - port: 80\n")),
        ("cluster IP of the wrong family for ipFamilies", service("  clusterIP: 10.0.0.1\n  ipFamilies: [IPv6]\n  ports:\n  - port: 80\n")),
        ("ipFamilies entry unknown", service("  ipFamilies: [IPv5]\n  ports:\n  - port: 80\n")),
        ("ipFamilies entry repeated", service("  ipFamilies: [IPv4, IPv4]\n  ports:\n  - port: 80\n")),
        ("ipFamilies with three entries", service("  ipFamilies: [IPv4, IPv6, IPv4]\n  ports:\n  - port: 80\n")),
        ("ipFamilyPolicy unknown", service("  ipFamilyPolicy: DualStack\n  ports:\n  - port: 80\n")),
        ("SingleStack with two cluster IPs", service("  clusterIP: 10.0.0.1\n  clusterIPs: [10.0.0.1, fd00::1]\n  ipFamilyPolicy: SingleStack\n  ports:\n  - port: 80\n")),
        ("NodePort that is headless", include_str!("../fixtures/broken/headless-nodeport.yaml").into()),
        ("ports missing", service("  clusterIP: 10.0.0.1\n")),
        ("port name missing among several ports", service("  ports:\n  - name: http\n    port: 80\n  - port: 443\n")),
        ("port names repeated", service("  ports:\n  - name: http\n    port: 80\n  - name: http\n    port: 443\n")),
        ("port name is not a DNS-1123 label", service("  clusterIP: None\n  ports:\n  - name: Http\n    port: 80\n")),
        ("port and protocol repeated", service("  ports:\n  - name: a\n    port: 53\n    protocol: UDP\n  - name: b\n    port: 53\n    protocol: UDP\n")),
        ("protocol unknown", service("  ports:\n  - port: 80\n    protocol: HTTP\n")),
        ("targetPort name is not an IANA service name", service("  ports:\n  - port: 80\n    targetPort: \"8080\"\n")),
        ("targetPort number out of range", service("  ports:\n  - port: 80\n    targetPort: 70000\n")),
        ("ExternalName without externalName", service("  type: ExternalName\n")),
        ("ExternalName with a cluster IP", service("  type: ExternalName\n  externalName: db.example.com\n  clusterIP: 10.0.0.1\n")),
        ("ExternalName with ipFamilies", service("  type: ExternalName\n  externalName: db.example.com\n  ipFamilies: [IPv4]\n")),
        ("ExternalName with ipFamilyPolicy", service("  type: ExternalName\n  externalName: db.example.com\n  ipFamilyPolicy: SingleStack\n")),
        ("externalName is not a DNS-1123 subdomain", service("  type: ExternalName\n  externalName: db_1.example.com.\n")),
        ("JSON: port out of range (no column)", "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n \"metadata\": {\"name\": \"web\"},\n \"spec\": {\"ports\": [{\"port\": 70000}]}}\n".into()),
        // Endpoints.
        ("Endpoints address is loopback", endpoints("subsets:\n- addresses:\n  - ip: 127.0.0.1\n  ports:\n  - port: 80\n")),
        ("Endpoints address is not an address", endpoints("subsets:\n- addresses:\n  - ip: 10.0.0.256\n")),
        ("Endpoints address without ip", endpoints("subsets:\n- addresses:\n  - hostname: a\n")),
        ("Endpoints port without port", endpoints("subsets:\n- notReadyAddresses:\n  - ip: 10.0.0.1\n  ports:\n  - name: x\n")),
        ("Endpoints hostname is not a DNS-1123 label", endpoints("subsets:\n- addresses:\n  - ip: 10.0.0.1\n    hostname: Web_0\n")),
        // EndpointSlices.
        ("addressType missing", slice("endpoints:\n- addresses: [10.0.0.1]\n")),
        ("addressType unknown", slice("addressType: IP\n")),
        ("endpoint without addresses", slice("addressType: IPv4\nendpoints:\n- addresses: []\n")),
        ("IPv6 address in an IPv4 slice", include_str!("../fixtures/broken/slice-ipv6-in-ipv4.yaml").into()),
        ("IPv4 address in an IPv6 slice", slice("addressType: IPv6\nendpoints:\n- addresses: [10.0.0.1]\n")),
        ("FQDN address that is not a name", slice("addressType: FQDN\nendpoints:\n- addresses: [\"a..b\"]\n")),
        ("more than 1000 endpoints", slice(&format!("addressType: IPv4\nendpoints: [{many_endpoints}]\n"))),
        ("more than 100 addresses in one endpoint", slice(&format!("addressType: IPv4\nendpoints:\n- addresses: [{many_addresses}]\n"))),
        ("slice port 0", slice("addressType: IPv4\nports:\n- port: 0\n")),
        ("slice endpoint hostname is not a DNS-1123 label", slice("addressType: IPv4\nendpoints:\n- addresses: [10.0.0.1]\n  hostname: Web_0\n")),
        // Pods.
        ("Pod hostname is not a DNS-1123 label", pod("spec:\n  hostname: web_0\n")),
        ("Pod subdomain is not a DNS-1123 label", pod("spec:\n  subdomain: Web\n")),
        ("podIPs[0] is not podIP", pod("status:\n  podIP: 10.1.0.1\n  podIPs:\n  - ip: 10.1.0.2\n")),
        ("podIPs of one family", pod("status:\n  podIPs:\n  - ip: 10.1.0.1\n  - ip: 10.1.0.2\n")),
        ("three podIPs", pod("status:\n  podIPs:\n  - ip: 10.1.0.1\n  - ip: fd00::1\n  - ip: 10.1.0.2\n")),
        ("podIP is not an address", pod("status:\n  podIP: 10.1.0.256\n")),
        ("Pod phase unknown", pod("status:\n  phase: Dead\n")),
        ("container port without containerPort", pod("spec:\n  containers:\n  - name: app\n    ports:\n    - name: http\n")),
        ("container port name is not an IANA service name", pod("spec:\n  containers:\n  - name: app\n    ports:\n    - {name: Http_1, containerPort: 80}\n")),
        // ServiceImports.
        ("ServiceImport name is not a DNS-1035 label", "apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\nmetadata:\n  name: 1web\nspec:\n  type: Headless\n".into()),
        ("ServiceImport type missing", service_import("  ports:\n  - port: 80\n")),
        ("ServiceImport type unknown", service_import("  type: ClusterIP\n")),
        ("ServiceImport ip is not an address", service_import("  type: ClusterSetIP\n  ips: [10.0.0.256]\n  ports:\n  - port: 80\n")),
        ("ServiceImport with three ips", service_import("  type: ClusterSetIP\n  ips:\n  - 10.0.0.1\n  - fd00::1\n  - 10.0.0.2\n  ports:\n  - port: 80\n")),
        ("ServiceImport port names repeated", service_import("  type: Headless\n  ports:\n  - {name: http, port: 80}\n  - {name: http, port: 81}\n")),
        // Workloads.
        ("replicas below 0", workload("Deployment", "", &format!("  replicas: -1\n{GOOD_SELECTOR}"))),
        ("selector missing", workload("Deployment", "", "  template:\n    metadata:\n      labels: {app: a}\n")),
        ("selector with matchExpressions", workload("Deployment", "", "  selector:\n    matchLabels: {app: a}\n    matchExpressions: [{key: app, operator: In, values: [a]}]\n  template:\n    metadata:\n      labels: {app: a}\n")),
        ("selector with empty matchLabels", workload("Deployment", "", "  selector:\n    matchLabels: {}\n  template:\n    metadata:\n      labels: {app: a}\n")),
        ("template labels the selector does not match", workload("Deployment", "", "  selector:\n    matchLabels: {app: a}\n  template:\n    metadata:\n      labels: {app: b, tier: web}\n")),
        ("template hostname is not a DNS-1123 label", workload("Deployment", "", &format!("{GOOD_SELECTOR}    spec:\n      hostname: Web_0\n"))),
        ("StatefulSet serviceName is not a DNS-1123 label", workload("StatefulSet", "", &format!("  serviceName: Web\n{GOOD_SELECTOR}"))),
        ("StatefulSet ordinals.start below 0", workload("StatefulSet", "", &format!("  ordinals: {{start: -1}}\n{GOOD_SELECTOR}"))),
        ("readiness annotation not true or false", workload("Deployment", "  annotations: {k8s-dns-sim.io/ready: \"yes\"}\n", GOOD_SELECTOR)),
        ("ready-replicas annotation not a number", workload("Deployment", "  annotations: {k8s-dns-sim.io/ready-replicas: \"two\"}\n", GOOD_SELECTOR)),
        ("both readiness annotations", workload("Deployment", "  annotations: {k8s-dns-sim.io/ready: \"true\", k8s-dns-sim.io/ready-replicas: \"1\"}\n", GOOD_SELECTOR)),
        // Duplicates and batches.
        (
            "an object defined twice",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n".into(),
        ),
        (
            "several errors in one batch",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 0\n  - port: 70000\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: Bad\n".into(),
        ),
    ];
    let mut out = Cases::default();
    for (description, text) in &cases {
        out.case(description, load_error_text(None, text));
    }
    // With an origin (a file name), which every location then starts with.
    out.case(
        "with an origin: port above 65535",
        load_error_text(
            Some("services.yaml"),
            include_str!("../fixtures/broken/service-port-out-of-range.yaml"),
        ),
    );
    // Too large: the limit is checked before parsing.
    let mut builder = ClusterBuilder::new();
    builder.max_input_bytes(10);
    let errors = builder
        .add_yaml("big.yaml", "apiVersion: v1\nkind: Namespace\n")
        .map(|_| ())
        .unwrap_err();
    out.case("input over the limit", errors);
    // No free cluster IP: a /30 leaves one address to allocate, so of three Services without
    // a clusterIP two find none.
    let mut builder = ClusterBuilder::new();
    builder.service_cidrs(ServiceCidrs {
        ipv4: Some("192.168.0.0/30".parse().unwrap()),
        ..ServiceCidrs::default()
    });
    let two = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n---\n\
               apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {ports: [{port: 80}]}\n---\n\
               apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec: {ports: [{port: 80}]}\n";
    builder.add_yaml("services.yaml", two).unwrap();
    out.case(
        "service CIDR exhausted",
        builder.build().map(|_| ()).unwrap_err(),
    );
    // Defined twice across two inputs of a builder.
    let mut builder = ClusterBuilder::new();
    let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n";
    builder.add_yaml("one.yaml", namespace).unwrap();
    out.case(
        "defined twice across two inputs",
        builder
            .add_yaml("two.yaml", namespace)
            .map(|_| ())
            .unwrap_err(),
    );
    insta::assert_snapshot!("load_errors", out.0);
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

#[test]
fn diagnostics() {
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n---\n";
    let many: String = (0..1001)
        .map(|i| format!("{{ip: 10.0.{}.{}}},", i / 250, i % 250 + 1))
        .collect();
    let cases: Vec<(&str, String)> = vec![
        (
            "EndpointsWithoutService, with a suggestion",
            fixture("seed-mysql.yaml"),
        ),
        (
            "ClusterIpOutsideDefaultCidr (no default/kubernetes, no CIDR stated)",
            format!(
                "{ns}apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec: {{clusterIP: 192.168.7.7, ports: [{{port: 80}}]}}\n"
            ),
        ),
        (
            "EndpointsWithoutService, without a suggestion",
            format!(
                "{ns}apiVersion: v1\nkind: Endpoints\nmetadata: {{name: lonely}}\nsubsets: [{{addresses: [{{ip: 10.0.0.1}}], ports: [{{port: 80}}]}}]\n"
            ),
        ),
        (
            "EndpointsBesideSelector",
            format!(
                "{ns}apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec: {{selector: {{app: web}}, ports: [{{port: 80}}]}}\n---\n\
                     apiVersion: v1\nkind: Endpoints\nmetadata: {{name: web}}\nsubsets: [{{addresses: [{{ip: 10.0.0.1}}], ports: [{{port: 80}}]}}]\n"
            ),
        ),
        (
            "EndpointsSkipMirror",
            format!(
                "{ns}apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec: {{ports: [{{port: 80}}]}}\n---\n\
                     apiVersion: v1\nkind: Endpoints\nmetadata: {{name: web, labels: {{endpointslice.kubernetes.io/skip-mirror: \"true\"}}}}\n\
                     subsets: [{{addresses: [{{ip: 10.0.0.1}}], ports: [{{port: 80}}]}}]\n"
            ),
        ),
        (
            "EndpointsLeaderElection",
            format!(
                "{ns}apiVersion: v1\nkind: Service\nmetadata: {{name: lock}}\nspec: {{ports: [{{port: 80}}]}}\n---\n\
                     apiVersion: v1\nkind: Endpoints\nmetadata: {{name: lock, annotations: {{control-plane.alpha.kubernetes.io/leader: x}}}}\n"
            ),
        ),
        (
            "EndpointsTruncated",
            format!(
                "{ns}apiVersion: v1\nkind: Service\nmetadata: {{name: big}}\nspec: {{ports: [{{port: 80}}]}}\n---\n\
                     apiVersion: v1\nkind: Endpoints\nmetadata: {{name: big}}\nsubsets: [{{addresses: [{many}], ports: [{{port: 80}}]}}]\n"
            ),
        ),
        (
            "SliceWithoutServiceLabel",
            format!(
                "{ns}apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {{name: orphan}}\naddressType: IPv4\nendpoints: [{{addresses: [10.0.0.1]}}]\n"
            ),
        ),
        (
            "SliceWithoutService",
            format!(
                "{ns}apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {{name: stray, labels: {{kubernetes.io/service-name: nothing}}}}\naddressType: IPv4\nendpoints: [{{addresses: [10.0.0.1]}}]\n"
            ),
        ),
        (
            "FqdnSliceNotServed",
            format!(
                "{ns}apiVersion: v1\nkind: Service\nmetadata: {{name: a}}\nspec: {{ports: [{{port: 80}}]}}\n---\n\
                     apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {{name: names, labels: {{kubernetes.io/service-name: a}}}}\naddressType: FQDN\nendpoints: [{{addresses: [db.example.com]}}]\n"
            ),
        ),
        (
            "DuplicateClusterIp",
            format!(
                "{ns}apiVersion: v1\nkind: Service\nmetadata: {{name: a}}\nspec: {{clusterIP: 10.96.1.1, ports: [{{port: 80}}]}}\n---\n\
                     apiVersion: v1\nkind: Service\nmetadata: {{name: b}}\nspec: {{clusterIP: 10.96.1.1, ports: [{{port: 80}}]}}\n"
            ),
        ),
        (
            "SlicesDisagreeWithPods",
            format!(
                "{ns}apiVersion: v1\nkind: Service\nmetadata: {{name: db}}\n\
                     spec: {{clusterIP: None, selector: {{app: db}}, ports: [{{name: pg, port: 5432}}]}}\n---\n\
                     apiVersion: v1\nkind: Pod\nmetadata: {{name: db-a, labels: {{app: db}}}}\n\
                     status: {{phase: Running, podIP: 10.244.7.1, conditions: [{{type: Ready, status: \"True\"}}]}}\n---\n\
                     apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
                     metadata: {{name: db-x, labels: {{kubernetes.io/service-name: db, endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}}}}\n\
                     addressType: IPv4\nports: [{{name: pg, port: 5432, protocol: TCP}}]\n\
                     endpoints: [{{addresses: [10.244.7.99]}}]\n"
            ),
        ),
        (
            "HeadlessWithoutReadyEndpoints",
            format!(
                "{ns}apiVersion: v1\nkind: Service\nmetadata: {{name: hl}}\nspec: {{clusterIP: None}}\n"
            ),
        ),
        (
            "ExternalNameIsIp",
            format!(
                "{ns}apiVersion: v1\nkind: Service\nmetadata: {{name: ip-alias}}\nspec: {{type: ExternalName, externalName: 1.2.3.4}}\n"
            ),
        ),
        (
            "the ServiceImport shapes of fixtures/multicluster.yaml: MulticlusterSliceWithoutImport, \
             MulticlusterSliceWithoutSourceCluster, HeadlessImportWithoutReadyEndpoints, \
             ClusterSetIpImportWithoutIps, ClusterSetIpImportWithoutPorts",
            fixture("multicluster.yaml"),
        ),
        (
            "the linking traps of fixtures/linking.yaml",
            fixture("linking.yaml"),
        ),
    ];
    let mut out = Cases::default();
    for (description, text) in &cases {
        let mut builder = ClusterBuilder::new();
        let cluster = builder
            .add_yaml("case.yaml", text)
            .map(|_| ())
            .and_then(|()| builder.build())
            .unwrap_or_else(|errors| panic!("{description}: {errors}"));
        let texts: Vec<String> = cluster
            .diagnostics()
            .iter()
            .map(|diagnostic| {
                format!(
                    "[{}] {diagnostic}",
                    variant(&format!("{:?}", diagnostic.kind))
                )
            })
            .collect();
        assert!(!texts.is_empty(), "{description}: no diagnostic");
        out.case(description, texts.join("\n"));
    }
    insta::assert_snapshot!("diagnostics", out.0);
}

// ---------------------------------------------------------------------------------------------
// Update errors

#[test]
fn update_errors() {
    let golden = Cluster::from_yaml(&fixture("golden.yaml")).unwrap();
    let service = |name: &str| ObjectRef::namespaced(Kind::Service, "default", name);
    let address: IpAddr = "10.9.9.9".parse().unwrap();
    let cases: Vec<(&str, Vec<Change>)> = vec![
        (
            "delete what does not exist",
            vec![Change::Delete(service("nope"))],
        ),
        (
            "readiness of a Pod that does not exist",
            vec![Change::pod_ready("default", "no-such-pod", true)],
        ),
        (
            "a Pod change given a Service",
            vec![Change::SetPodReady {
                pod: service("web"),
                ready: false,
            }],
        ),
        (
            "scale a DaemonSet",
            vec![Change::scale(Kind::DaemonSet, "default", "agent", 2)],
        ),
        (
            "readiness of an address no endpoint has",
            vec![Change::endpoint_ready("default", "web-1", address, true)],
        ),
        (
            "a headless Service made NodePort",
            vec![Change::service_type("default", "db", ServiceType::NodePort)],
        ),
        (
            "an ExternalName Service made ClusterIP (it has no ports)",
            vec![Change::service_type(
                "default",
                "ext",
                ServiceType::ClusterIp,
            )],
        ),
        (
            "an externalName that is not a DNS-1123 subdomain",
            vec![Change::service_type(
                "default",
                "web",
                ServiceType::ExternalName("Not_A.Subdomain".into()),
            )],
        ),
        (
            "apply manifests that do not load",
            vec![Change::apply_yaml(
                "bad.yaml",
                "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 0}]}\n",
            )],
        ),
        (
            "apply manifests with two errors",
            vec![Change::apply_yaml(
                "bad.yaml",
                "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 0}, {port: 70000}]}\n",
            )],
        ),
        (
            "apply one object twice",
            vec![Change::apply_yaml(
                "twice.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n",
            )],
        ),
        (
            "several failed changes",
            vec![
                Change::Delete(service("web")),
                Change::pod_ready("default", "no-such-pod", true),
                Change::service_type("default", "db", ServiceType::NodePort),
            ],
        ),
        (
            "several failed changes, one of them manifests with two errors (indented below it)",
            vec![
                Change::pod_ready("default", "no-such-pod", true),
                Change::apply_yaml(
                    "bad.yaml",
                    "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 0}, {port: 70000}]}\n",
                ),
            ],
        ),
    ];
    let mut out = Cases::default();
    for (description, changes) in cases {
        let errors = golden.apply(changes).map(|_| ()).unwrap_err();
        out.case(description, errors);
    }
    insta::assert_snapshot!("update_errors", out.0);
}

// ---------------------------------------------------------------------------------------------
// Corefile errors

fn corefile_error(text: &str) -> CorefileError {
    match Config::from_corefile(text) {
        Ok(config) => panic!("{text:?} should fail, read {config:?}"),
        Err(error) => error,
    }
}

/// A server block whose `kubernetes` directive has `body` as its block (options on line 3).
fn options(body: &str) -> String {
    format!(".:53 {{\n    kubernetes cluster.local {{\n{body}\n    }}\n}}\n")
}

/// A server block with `kubernetes` and then `directive`, on line 3.
fn beside(directive: &str) -> String {
    format!(".:53 {{\n    kubernetes\n    {directive}\n}}\n")
}

#[test]
fn corefile_errors() {
    let long_zone = format!("{}.local", "a".repeat(260));
    let cases: Vec<(&str, String)> = vec![
        // Syntax.
        (
            "a quote never closed",
            ".:53 {\n    kubernetes \"cluster.local\n}\n".into(),
        ),
        (
            "a server block never closed",
            ".:53 {\n    kubernetes\n".into(),
        ),
        ("a snippet never closed", "(common) {\n    errors\n".into()),
        (
            "a directive's block never closed",
            ".:53 {\n    kubernetes {\n        pods insecure\n".into(),
        ),
        (
            "a token after a server block's `}`",
            ".:53 {\n    kubernetes\n} extra\n".into(),
        ),
        (
            "a token after a directive block's `}`",
            ".:53 {\n    kubernetes { } extra\n}\n".into(),
        ),
        (
            "a `{` in a directive's block",
            ".:53 {\n    kubernetes {\n        {\n        }\n    }\n}\n".into(),
        ),
        ("a `}` with no block open", "}\n".into()),
        (
            "a `}` on a directive's line",
            ".:53 { kubernetes }\n".into(),
        ),
        (
            "a `}` on an option's line",
            ".:53 {\n    kubernetes cluster.local { pods insecure }\n}\n".into(),
        ),
        (
            "an option opening a block",
            options("        pods {\n        }"),
        ),
        (
            "a `{` with no keys before it",
            "{\n    kubernetes\n}\n".into(),
        ),
        ("a trailing comma at the end", "cluster.local,".into()),
        (
            "a trailing comma before `{`",
            "cluster.local, {\n    kubernetes\n}\n".into(),
        ),
        (
            "a comma inside a key",
            "a.local,b.local {\n    kubernetes\n}\n".into(),
        ),
        ("a snippet without a block", "(common)\nerrors\n".into()),
        ("a snippet without a block at the end", "(common)".into()),
        (
            "a snippet defined twice",
            "(common) {\n}\n(common) {\n}\n".into(),
        ),
        (
            "import of a file that was not provided",
            ".:53 {\n    import custom/extra.override\n    kubernetes\n}\n".into(),
        ),
        (
            "import without a name",
            ".:53 {\n    import\n    kubernetes\n}\n".into(),
        ),
        (
            "import with two names",
            "(a) {\n}\n.:53 {\n    import a b\n    kubernetes\n}\n".into(),
        ),
        (
            "snippets importing themselves",
            "(x) {\n    import x\n}\n.:53 {\n    import x\n    kubernetes\n}\n".into(),
        ),
        (
            "environment substitution {$VAR}",
            "{$ZONE}:53 {\n    kubernetes\n}\n".into(),
        ),
        (
            "environment substitution {%VAR%}",
            ".:53 {\n    kubernetes {%ZONE%}\n}\n".into(),
        ),
        // Server blocks and directives.
        ("an unknown directive", beside("coredns")),
        (
            "a key ending with `:`",
            "example.org: {\n    kubernetes\n}\n".into(),
        ),
        (
            "a key that is not a zone name",
            "a..b {\n    kubernetes\n}\n".into(),
        ),
        (
            "a key that is a CIDR CoreDNS refuses",
            "::/0 {\n    kubernetes\n}\n".into(),
        ),
        (
            "a key too long for a zone",
            format!("{long_zone} {{\n    kubernetes\n}}\n"),
        ),
        (
            "kubernetes twice in a server block",
            ".:53 {\n    kubernetes\n    kubernetes\n}\n".into(),
        ),
        (
            "a zone served by two blocks on one port",
            "a.local {\n    forward . 8.8.8.8\n}\na.local:53 {\n    kubernetes\n}\n".into(),
        ),
        (
            "CIDRs standing for more reverse zones than MAX_CIDR_ZONES",
            format!(
                ".:53 {{\n    kubernetes cluster.local {}\n}}\n",
                (1..=33)
                    .map(|n| format!("{n}.0.0.0/9"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ),
        (
            "kubernetes plugins holding more zones than MAX_KUBERNETES_ZONES",
            format!(
                "(zones) {{\n    kubernetes {}\n}}\n{}",
                (0..100)
                    .map(|n| format!("z{n}.local"))
                    .collect::<Vec<_>>()
                    .join(" "),
                (0..41)
                    .map(|n| format!("b{n}.local {{\n    import zones\n}}\n"))
                    .collect::<String>(),
            ),
        ),
        (
            "a snippet imported until the Corefile passes the token limit",
            format!(
                "(big) {{\n    errors {}\n}}\n{}",
                vec!["x"; 999].join(" "),
                (0..101)
                    .map(|n| format!("b{n}.local {{\n    import big\n}}\n"))
                    .collect::<String>(),
            ),
        ),
        ("an empty Corefile", String::new()),
        // kubernetes.
        ("kubernetes: an unknown option", options("        upstream")),
        (
            "kubernetes: a zone argument that is not a zone",
            ".:53 {\n    kubernetes cluster.local a..b\n}\n".into(),
        ),
        (
            "kubernetes: only reverse zones",
            ".:53 {\n    kubernetes in-addr.arpa 10.0.0.0/8\n}\n".into(),
        ),
        (
            "kubernetes: pods without an argument",
            options("        pods"),
        ),
        (
            "kubernetes: pods with two arguments",
            options("        pods insecure verified"),
        ),
        (
            "kubernetes: pods with an unknown mode",
            options("        pods secure"),
        ),
        (
            "kubernetes: ttl without an argument",
            options("        ttl"),
        ),
        ("kubernetes: ttl above 3600", options("        ttl 3601")),
        ("kubernetes: ttl not a number", options("        ttl 3s")),
        (
            "kubernetes: endpoint_pod_names with an argument",
            options("        endpoint_pod_names yes"),
        ),
        (
            "kubernetes: noendpoints with an argument",
            options("        noendpoints yes"),
        ),
        (
            "kubernetes: zonal with an argument",
            options("        zonal yes"),
        ),
        (
            "kubernetes: namespaces without an argument",
            options("        namespaces"),
        ),
        (
            "kubernetes: endpoint without an argument",
            options("        endpoint"),
        ),
        (
            "kubernetes: tls with two arguments",
            options("        tls a b"),
        ),
        (
            "kubernetes: kubeconfig with three arguments",
            options("        kubeconfig a b c"),
        ),
        (
            "kubernetes: labels without an argument",
            options("        labels"),
        ),
        (
            "kubernetes: namespace_labels without an argument",
            options("        namespace_labels"),
        ),
        (
            "kubernetes: ignore without an argument",
            options("        ignore"),
        ),
        (
            "kubernetes: ignore something else",
            options("        ignore empty_services"),
        ),
        (
            "kubernetes: startup_timeout without a unit",
            options("        startup_timeout 5"),
        ),
        (
            "kubernetes: startup_timeout with two arguments",
            options("        startup_timeout 5s 6s"),
        ),
        (
            "kubernetes: apiserver_qps negative",
            options("        apiserver_qps -1"),
        ),
        (
            "kubernetes: apiserver_qps without an argument",
            options("        apiserver_qps"),
        ),
        (
            "kubernetes: apiserver_burst negative",
            options("        apiserver_burst -1"),
        ),
        (
            "kubernetes: apiserver_max_inflight not a number",
            options("        apiserver_max_inflight many"),
        ),
        (
            "kubernetes: apiserver_burst with two arguments",
            options("        apiserver_burst 1 2"),
        ),
        (
            "kubernetes: fallthrough zone that is not a zone",
            options("        fallthrough a..b"),
        ),
        (
            "kubernetes: multicluster zone that is not a zone",
            options("        multicluster a..b"),
        ),
        (
            "kubernetes: multicluster zone not among the plugin's",
            options("        multicluster clusterset.local"),
        ),
        (
            "kubernetes: namespaces and namespace_labels",
            options("        namespaces a\n        namespace_labels x=y"),
        ),
        (
            "kubernetes: zonal and noendpoints",
            options("        noendpoints\n        zonal"),
        ),
        (
            "kubernetes: a later server block's directive is checked too",
            "a.local {\n    kubernetes\n}\nb.local {\n    kubernetes {\n        ttl x\n    }\n}\n"
                .into(),
        ),
        // bind.
        ("bind without an address", beside("bind")),
        (
            "bind: an unknown option",
            beside("bind 10.0.0.1 {\n        only 10.0.0.2\n    }"),
        ),
        (
            "bind: except without an address",
            beside("bind 10.0.0.1 {\n        except\n    }"),
        ),
        // transfer.
        ("transfer without a block", beside("transfer")),
        (
            "transfer: a zone that is not a zone",
            beside("transfer a..b {\n        to *\n    }"),
        ),
        (
            "transfer: an unknown option",
            beside("transfer {\n        from *\n    }"),
        ),
        (
            "transfer: to without an address",
            beside("transfer {\n        to\n    }"),
        ),
        (
            "transfer: source with two addresses",
            beside("transfer {\n        to *\n        source 10.0.0.1 10.0.0.2\n    }"),
        ),
        (
            "transfer: source twice",
            beside(
                "transfer {\n        to *\n        source 10.0.0.1\n        source 10.0.0.2\n    }",
            ),
        ),
        (
            "transfer: source not an address",
            beside("transfer {\n        to *\n        source here\n    }"),
        ),
        // hosts.
        (
            "hosts: ttl without an argument",
            beside("hosts {\n        ttl\n    }"),
        ),
        (
            "hosts: ttl not a number",
            beside("hosts {\n        ttl 1h\n    }"),
        ),
        (
            "hosts: an entry whose name is not a domain name",
            beside("hosts {\n        10.0.0.1 a..b\n    }"),
        ),
    ];
    let mut out = Cases::default();
    for (description, text) in &cases {
        let error = corefile_error(text);
        out.case(
            description,
            format_args!("[{}] {error}", variant(&format!("{:?}", error.kind))),
        );
    }
    // Embedded in the manifests: the ConfigMap's place, then the Corefile line.
    let dump = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\n\
                data:\n  Corefile: |\n    .:53 {\n        kubernetes cluster.local {\n            ttl 4000\n        }\n    }\n";
    let mut builder = ClusterBuilder::new();
    builder.add_yaml("dump.yaml", dump).unwrap();
    let error = ClusterDns::from_cluster(builder.build().unwrap()).unwrap_err();
    out.case(
        "embedded in a ConfigMap (a block scalar: the input line is known)",
        format_args!("[{}] {error}", variant(&format!("{:?}", error.kind))),
    );
    let json = r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "coredns", "namespace": "kube-system"}, "data": {"Corefile": ".:53 {\n    kubernetes cluster.local {\n        pods sometimes\n    }\n}\n"}}"#;
    let mut builder = ClusterBuilder::new();
    builder.add_yaml("cm.json", json).unwrap();
    let error = ClusterDns::from_cluster(builder.build().unwrap()).unwrap_err();
    out.case(
        "embedded in a ConfigMap (a JSON string: the ConfigMap's own line)",
        format_args!("[{}] {error}", variant(&format!("{:?}", error.kind))),
    );
    insta::assert_snapshot!("corefile_errors", out.0);
}

/// What a Corefile reader accepts but does not simulate, as `Config::not_simulated` reports it.
#[test]
fn corefile_not_simulated() {
    let corefile = "example.org {\n    forward . 8.8.8.8\n}\n\
        .:53 {\n    bind eth0 127.0.0.1 10.0.0.10 {\n        except lo\n    }\n\
        \x20   rewrite ttl foo.example.com 30\n\
        \x20   cache 30\n    forward . /etc/resolv.conf\n    bufsize 1232\n    loadbalance\n\
        \x20   hosts /etc/coredns/hosts {\n        10.0.0.1 a.example.org\n        bogus\n    }\n\
        \x20   transfer example.org {\n        to *\n    }\n\
        \x20   kubernetes cluster.local other.local {\n        labels app=web\n        namespace_labels team=a\n    }\n\
        \x20   transfer cluster.local {\n        to *\n    }\n}\n\
        other.local {\n    kubernetes\n}\n";
    let config = Config::from_corefile(corefile).unwrap();
    let mut out = Cases::default();
    for note in &config.not_simulated {
        out.case(
            &format!("line {}: {}", note.line, note.directive),
            &note.reason,
        );
    }
    insta::assert_snapshot!("corefile_not_simulated", out.0);
}

// ---------------------------------------------------------------------------------------------
// Smaller families

#[test]
fn zone_config_errors() {
    let mut out = Cases::default();
    for zone in ["cluster..local", "", "a b"] {
        let error = Config::default().with_zones([zone]).unwrap_err();
        out.case(&format!("with_zones([{zone:?}])"), error);
    }
    let error = Config::default()
        .with_multicluster_zones(["clusterset.local"])
        .unwrap_err();
    out.case("with_multicluster_zones: not a configured zone", error);
    let error = Config::default()
        .with_zones(["cluster.local", "in-addr.arpa"])
        .unwrap()
        .with_multicluster_zones(["clusterset..local"])
        .unwrap_err();
    out.case("with_multicluster_zones: not a domain name", error);
    let none: [&str; 0] = [];
    out.case(
        "with_zones([])",
        Config::default().with_zones(none).unwrap_err(),
    );
    let error = Config::default()
        .with_zones(["cluster.local", "clusterset.local"])
        .unwrap()
        .with_multicluster_zones(["clusterset.local"])
        .unwrap()
        .with_zones(["cluster.local"])
        .unwrap_err();
    out.case("with_zones dropping a multicluster zone", error);
    out.case(
        "with_zones([\"::/0\"]): a CIDR CoreDNS refuses",
        Config::default().with_zones(["::/0"]).unwrap_err(),
    );
    insta::assert_snapshot!("zone_config_errors", out.0);
}

#[test]
fn resolv_conf_errors() {
    let cases = [
        ("nameserver without an address", "nameserver\n"),
        (
            "nameserver that is not an address",
            "search svc.cluster.local\nnameserver dns.local\n",
        ),
        ("search domain that is not a domain name", "search a..b\n"),
        ("ndots not a number", "options ndots:five\n"),
    ];
    let mut out = Cases::default();
    for (description, text) in cases {
        out.case(description, ResolvConf::parse(text).unwrap_err());
    }
    out.case(
        "cluster_first with a namespace that is not a label",
        ResolvConf::cluster_first("a..b", "cluster.local").unwrap_err(),
    );
    insta::assert_snapshot!("resolv_conf_errors", out.0);
}

#[test]
fn zone_errors() {
    let dns = ClusterDns::new(Cluster::from_yaml("").unwrap(), Config::kubeadm());
    let mut out = Cases::default();
    for zone in ["example.org", "in-addr.arpa", "a..b"] {
        out.case(
            &format!("zone_records({zone:?})"),
            dns.zone_records(zone).unwrap_err(),
        );
    }
    insta::assert_snapshot!("zone_errors", out.0);
}

#[test]
fn invalid_name_errors() {
    let dns = ClusterDns::new(Cluster::from_yaml("").unwrap(), Config::default());
    let long_label = format!("{}.default.svc.cluster.local", "a".repeat(64));
    let long_name = vec!["abcdefghij"; 30].join(".");
    let mut out = Cases::default();
    for name in ["a..b", long_label.as_str(), long_name.as_str()] {
        out.case(
            &format!("lookup({name:?})"),
            dns.lookup(name, RecordType::A).unwrap_err(),
        );
    }
    let address: IpAddr = "10.0.0.1".parse().unwrap();
    out.case(
        "Upstream::with_address(\"a..b\")",
        Upstream::new()
            .with_address("a..b", address, 60)
            .unwrap_err(),
    );
    out.case(
        "Upstream::with_cname(\"db.example.org\", \"a..b\")",
        Upstream::new()
            .with_cname("db.example.org", "a..b", 60)
            .unwrap_err(),
    );
    out.case(
        "Upstream::with_reverse(10.0.0.1, \"a..b\")",
        Upstream::new()
            .with_reverse(address, "a..b", 60)
            .unwrap_err(),
    );
    let pod = ResolvConf::cluster_first("default", "cluster.local").unwrap();
    out.case(
        "resolve(\"a..b\") with no candidate",
        dns.resolve(&pod, StubResolver::Glibc, "a..b", RecordType::A)
            .unwrap_err(),
    );
    insta::assert_snapshot!("invalid_name_errors", out.0);
}
