//! What every fuzz target checks, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/`) and
//! the bounded smoke run on the stable toolchain (`tests/fuzz_smoke.rs`, which includes this
//! file with `#[path]`). Each check panics, with what it found, when an invariant of the
//! public API is broken; a returned error is fine.
//!
//! Only `k8s_dns_sim` (and the `hickory_proto` it re-exports) is used here, so the file
//! compiles in both crates.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::OnceLock;

use k8s_dns_sim::hickory_proto::op::{Message, MessageType};
use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
use k8s_dns_sim::model::{Selector, ServiceType};
use k8s_dns_sim::resolver::{ResolvConf, StubResolver};
use k8s_dns_sim::{
    Change, Cluster, ClusterDns, Config, Kind, ObjectLimits, ObjectRef, Outcome, Transport,
};

/// The largest input the targets load.
pub const MAX_INPUT_BYTES: usize = 64 * 1024;
/// The Pod and endpoint limits of the targets (issue 8: small enough that no input expands
/// past them for long).
pub const OBJECT_LIMIT: usize = 1_000;

/// [`ObjectLimits`] with every bound at [`OBJECT_LIMIT`].
pub fn limits() -> ObjectLimits {
    let mut limits = ObjectLimits::default();
    limits.pods_per_workload = OBJECT_LIMIT;
    limits.pods = OBJECT_LIMIT;
    limits.endpoints = OBJECT_LIMIT;
    limits
}

/// Loads `text` the way the targets do: the limits above, 64 KiB at most.
pub fn build(origins_and_texts: &[(&str, &str)]) -> Result<Cluster, k8s_dns_sim::LoadErrors> {
    let mut builder = Cluster::builder();
    builder
        .object_limits(limits())
        .max_input_bytes(MAX_INPUT_BYTES);
    for (origin, text) in origins_and_texts {
        builder.add_yaml(origin, text)?;
    }
    builder.build()
}

// ---------------------------------------------------------------------------------------------
// load_yaml

/// Target `load_yaml`: bytes as (lossy) UTF-8 into the builder; a cluster that loads has
/// diagnostics, a zone file, answers for its Services and consistent indexes.
pub fn load_yaml(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let Ok(cluster) = build(&[("fuzz.yaml", &text)]) else {
        return;
    };
    for diagnostic in cluster.diagnostics() {
        let _ = diagnostic.to_string();
    }
    if let Err(error) = cluster.check_consistency() {
        panic!("a loaded cluster is inconsistent: {error}");
    }
    let dns = ClusterDns::new(cluster.clone(), Config::default());
    if let Err(error) = dns.zone_file("cluster.local") {
        panic!("zone_file(\"cluster.local\") of the default config failed: {error}");
    }
    ask_about_objects(&dns, 8);
    // The cluster's own Corefile, when it brought one, configures a server that answers too.
    if let Ok(own) = ClusterDns::from_cluster(cluster) {
        ask_about_objects(&own, 4);
    }
}

/// Asks about the first `count` Services and Pods of the server's cluster: each name is valid
/// (the loader validated it) and inside the zone, so it gets an answer of the zone.
fn ask_about_objects(dns: &ClusterDns, count: usize) {
    let zones: Vec<String> = dns
        .config()
        .kubernetes_plugins()
        .flat_map(|kubernetes| &kubernetes.zones)
        .map(|zone| zone.to_ascii())
        .filter(|zone| !zone.ends_with(".arpa."))
        .collect();
    // Names are written `<labels>.<zone>`; under the root zone `.` that is `<labels>.`.
    let zone = zones.first().map_or("cluster.local.", String::as_str);
    let zone = if zone == "." { "" } else { zone };
    let mut names = Vec::new();
    for service in dns.cluster().services().into_iter().take(count) {
        let meta = &service.service().meta;
        names.push(format!("{}.{}.svc.{zone}", meta.name, meta.namespace));
        names.push(format!(
            "_http._tcp.{}.{}.svc.{zone}",
            meta.name, meta.namespace
        ));
    }
    for pod in dns.cluster().pods().take(count) {
        if let Some(subdomain) = &pod.subdomain {
            let host = pod.hostname.as_deref().unwrap_or(&pod.meta.name);
            names.push(format!(
                "{host}.{subdomain}.{}.svc.{zone}",
                pod.meta.namespace
            ));
        }
    }
    names.push(zone.to_owned());
    for name in &names {
        for qtype in [
            RecordType::A,
            RecordType::AAAA,
            RecordType::SRV,
            RecordType::ANY,
        ] {
            let answer = match dns.lookup(name, qtype) {
                Ok(answer) => answer,
                // An object name is a DNS label, but a Corefile zone may make it too long.
                Err(_) if name.len() > 250 => continue,
                Err(error) => panic!("{name} {qtype}: a loaded object's name is invalid: {error}"),
            };
            check_answer(dns, name, qtype, &answer);
        }
    }
}

/// What holds for every answer inside the plugin's zones: a negative one carries one SOA.
/// (`template`, `hosts`, `whoami` and `chaos` answer authoritatively too, and write no SOA of
/// their own, as CoreDNS's do: rule 49 of docs/coredns-rules.md. Their answers are left out.)
fn check_answer(dns: &ClusterDns, name: &str, qtype: RecordType, answer: &k8s_dns_sim::Answer) {
    let plugin_answered = answer.authoritative;
    if plugin_answered
        && matches!(answer.outcome, Outcome::NxDomain | Outcome::NoData)
        && !answered_without_soa_of_its_own(dns, name, qtype)
    {
        let soas = answer
            .authorities
            .iter()
            .filter(|record| record.record_type() == RecordType::SOA)
            .count();
        assert_eq!(
            soas,
            1,
            "{name} {qtype}: a negative answer without exactly one SOA: {answer:?} (config {:?})",
            dns.config().kubernetes().unwrap().zones
        );
    }
    if answer.outcome == Outcome::Success {
        assert!(
            !answer.answers.is_empty(),
            "{name} {qtype}: Success without records"
        );
    }
}

/// Whether a plugin that writes no SOA of its own (rules 41, 43, 46, 48 and 49) took the
/// question, as the explanation of the answer tells.
fn answered_without_soa_of_its_own(dns: &ClusterDns, name: &str, qtype: RecordType) -> bool {
    const WITHOUT_SOA: [u16; 5] = [41, 43, 46, 48, 49];
    dns.explain(name, qtype).is_ok_and(|explanation| {
        explanation.steps.iter().any(|step| {
            step.rule
                .is_some_and(|rule| WITHOUT_SOA.contains(&rule.number))
        })
    })
}

// ---------------------------------------------------------------------------------------------
// corefile

/// Target `corefile`: `Config::from_corefile`; an error names a line of the text, and a config
/// that reads answers questions about a fixed cluster in each of its zones.
pub fn corefile(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let config = match Config::from_corefile(&text) {
        Ok(config) => config,
        Err(error) => {
            let lines = text.split('\n').count().max(1);
            assert!(
                error.line >= 1 && error.line <= lines,
                "the error names line {} of a {lines}-line Corefile: {error}",
                error.line
            );
            return;
        }
    };
    let dns = ClusterDns::new(small_cluster().clone(), config);
    // The first few distinct zones: a Corefile can name thousands (4,096 from CIDRs alone), and
    // asking each the same questions finds nothing the first few do not.
    let mut zones: Vec<Name> = Vec::new();
    for zone in dns.config().kubernetes().into_iter().flat_map(|k| &k.zones) {
        if zones.len() == CHECKED_ZONES {
            break;
        }
        if !zones.contains(zone) {
            zones.push(zone.clone());
        }
    }
    let mut names = vec!["5.0.1.10.in-addr.arpa.".to_owned()];
    for zone in zones {
        let zone = zone.to_ascii();
        if !zone.ends_with(".arpa.")
            && let Err(error) = dns.zone_file(&zone)
        {
            panic!("zone_file({zone:?}) of a configured forward zone failed: {error}");
        }
        names.extend([
            format!("web.default.svc.{zone}"),
            format!("db-0.db.default.svc.{zone}"),
            format!("10-1-0-5.default.pod.{zone}"),
        ]);
    }
    for name in names {
        if let Ok(answer) = dns.lookup(&name, RecordType::A) {
            check_answer(&dns, &name, RecordType::A, &answer);
        }
    }
}

/// How many of a Corefile's `kubernetes` zones [`corefile`] asks its questions in.
const CHECKED_ZONES: usize = 8;

// ---------------------------------------------------------------------------------------------
// handle_bytes

/// The Corefile of the `handle_bytes` server: every zone kind, multicluster, transfers, pods,
/// zonal names, an upstream and a fallthrough.
pub const HANDLE_BYTES_COREFILE: &str = ".:53 {
    bind 10.96.0.10
    transfer {
        to *
    }
    hosts {
        93.184.216.34 example.com
        fallthrough
    }
    kubernetes cluster.local clusterset.local in-addr.arpa ip6.arpa {
        pods verified
        multicluster clusterset.local
        fallthrough ip6.arpa
        zonal
        ttl 30
    }
}
";

/// The `handle_bytes` server, built once: fixtures/golden.yaml and fixtures/multicluster.yaml.
pub fn wire_dns() -> &'static ClusterDns {
    static DNS: OnceLock<ClusterDns> = OnceLock::new();
    DNS.get_or_init(|| {
        let cluster = build(&[
            ("golden.yaml", include_str!("../../fixtures/golden.yaml")),
            (
                "multicluster.yaml",
                include_str!("../../fixtures/multicluster.yaml"),
            ),
        ])
        .expect("the fixtures load");
        let config = Config::from_corefile(HANDLE_BYTES_COREFILE).expect("the Corefile reads");
        assert!(config.allows_transfer());
        ClusterDns::new(cluster, config)
    })
}

/// Target `handle_bytes`: any bytes, over UDP and TCP, with `handle_bytes` and
/// `handle_bytes_stream`. No reply exactly for fewer than 12 bytes or QR set; every reply
/// decodes, is a response with the request's id, and over UDP fits 512 bytes or the request's
/// EDNS size; `handle_bytes` is the first message of `handle_bytes_stream`.
pub fn handle_bytes(bytes: &[u8]) {
    let dns = wire_dns();
    let ignored = bytes.len() < 12 || bytes[2] & 0x80 != 0;
    let udp_limit = Message::from_vec(bytes)
        .ok()
        .map_or(512, |request| usize::from(request.max_payload()));
    for transport in [Transport::Udp, Transport::Tcp] {
        let reply = dns.handle_bytes(bytes, transport);
        let stream = dns.handle_bytes_stream(bytes, transport);
        if ignored {
            assert!(reply.is_empty(), "{transport}: a reply to ignored bytes");
            assert!(stream.is_empty(), "{transport}: a stream for ignored bytes");
            continue;
        }
        assert!(!reply.is_empty(), "{transport}: no reply to a request");
        assert_eq!(
            stream.first(),
            Some(&reply),
            "{transport}: handle_bytes is not the first message of handle_bytes_stream"
        );
        for message in &stream {
            let decoded = match Message::from_vec(message) {
                Ok(decoded) => decoded,
                Err(error) => panic!("{transport}: the reply does not decode: {error}"),
            };
            assert_eq!(
                decoded.metadata.message_type,
                MessageType::Response,
                "{transport}: the reply is not a response"
            );
            assert_eq!(
                message[..2],
                bytes[..2],
                "{transport}: the reply's id is not the request's"
            );
            if transport == Transport::Udp {
                assert!(
                    message.len() <= udp_limit,
                    "UDP reply of {} bytes over the limit of {udp_limit}",
                    message.len()
                );
            }
        }
        if transport == Transport::Udp {
            assert_eq!(stream.len(), 1, "UDP: more than one message");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// changes

/// A small cluster with one of everything: golden.yaml's Services and slices, a StatefulSet and
/// a Deployment (fixtures/statefulset.yaml, fixtures/deployment.yaml), and a Pod and an
/// Endpoints object.
pub fn small_cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        build(&[
            ("golden.yaml", include_str!("../../fixtures/golden.yaml")),
            (
                "statefulset.yaml",
                include_str!("../../fixtures/statefulset.yaml"),
            ),
            (
                "deployment.yaml",
                include_str!("../../fixtures/deployment.yaml"),
            ),
            ("extra.yaml", EXTRA_OBJECTS),
        ])
        .expect("the fixtures load")
    })
}

/// Objects the fixtures above lack: a Pod with a hostname, an Endpoints object of a selectorless
/// Service, a second namespace.
const EXTRA_OBJECTS: &str = "apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: cart, namespace: shop}
subsets:
- addresses: [{ip: 10.2.0.7, hostname: cart-a}]
  ports: [{name: http, port: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: db-0, namespace: default, labels: {app: db}}
spec: {hostname: db-0, subdomain: db}
status:
  podIP: 10.1.0.5
  conditions: [{type: Ready, status: 'True'}]
";

/// The server the `changes` target changes: the small cluster, with reverse zones and pods.
pub fn changes_dns() -> &'static ClusterDns {
    static DNS: OnceLock<ClusterDns> = OnceLock::new();
    DNS.get_or_init(|| {
        let config = Config::default()
            .with_zones(["cluster.local", "in-addr.arpa", "ip6.arpa"])
            .expect("valid zones")
            .with_pods(k8s_dns_sim::PodMode::Verified)
            .with_transfer(true);
        ClusterDns::new(small_cluster().clone(), config)
    })
}

/// The names and values changes are made of: the small cluster's own, and a few that are not
/// in it or are not valid at all.
pub struct Vocabulary {
    /// Namespaces.
    pub namespaces: Vec<String>,
    /// Names of objects of any kind.
    pub names: Vec<String>,
    /// Addresses of endpoints, Pods and Services.
    pub addresses: Vec<IpAddr>,
    /// Label keys and values.
    pub labels: Vec<String>,
    /// ExternalName targets.
    pub targets: Vec<String>,
}

/// The vocabulary of [`small_cluster`].
pub fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let cluster = small_cluster();
        let mut namespaces: Vec<String> = cluster.namespaces().iter().map(|&n| n.into()).collect();
        namespaces.extend(["nope".into(), "kube-system".into(), "Bad_NS".into()]);
        let mut names = Vec::new();
        let mut addresses = Vec::new();
        for service in cluster.services() {
            names.push(service.service().meta.name.clone());
            addresses.extend(service.cluster_ips());
        }
        for slice in cluster.endpoint_slices() {
            names.push(slice.slice().meta.name.clone());
            for endpoint in &slice.slice().endpoints {
                addresses.extend(&endpoint.addresses);
            }
        }
        for pod in cluster.pods() {
            names.push(pod.meta.name.clone());
            addresses.extend(&pod.pod_ips);
        }
        for workload in cluster.workloads() {
            names.push(workload.meta.name.clone());
        }
        for endpoints in cluster.endpoints() {
            names.push(endpoints.meta.name.clone());
        }
        names.extend(["nope".into(), "x".repeat(64), "-a".into(), String::new()]);
        names.sort();
        names.dedup();
        addresses
            .extend(["10.96.0.99", "fd00::1", "0.0.0.0"].map(|a| a.parse::<IpAddr>().unwrap()));
        addresses.sort();
        addresses.dedup();
        let labels = [
            "app", "web", "db", "nginx", "api", "nothing", "a/b", "-", "",
        ]
        .map(String::from)
        .to_vec();
        let targets = [
            "example.com",
            "web.default.svc.cluster.local",
            "nope.default.svc.cluster.local.",
            "a..b",
            "",
            "10.0.0.1",
        ]
        .map(String::from)
        .to_vec();
        Vocabulary {
            namespaces,
            names,
            addresses,
            labels,
            targets,
        }
    })
}

/// One change, as indices into the [`Vocabulary`] (taken modulo its lists' lengths) and raw
/// values: the fuzz target makes these with `arbitrary`, the smoke test with proptest.
#[derive(Debug, Clone)]
pub enum ChangeSpec {
    /// `Change::Apply` of arbitrary text.
    ApplyText(String),
    /// `Change::Apply` of a manifest made from a template of [`TEMPLATES`].
    ApplyTemplate {
        /// Which template.
        template: u8,
        /// The object's namespace.
        namespace: u8,
        /// The object's name.
        name: u8,
        /// An address it states.
        address: u8,
        /// A number it states (port, replicas).
        number: u32,
    },
    /// `Change::Delete`.
    Delete {
        /// Which kind.
        kind: u8,
        /// Namespace.
        namespace: u8,
        /// Name.
        name: u8,
    },
    /// `Change::SetPodReady`.
    PodReady {
        /// Namespace.
        namespace: u8,
        /// Pod.
        name: u8,
        /// Ready.
        ready: bool,
    },
    /// `Change::SetPodTerminating`.
    PodTerminating {
        /// Namespace.
        namespace: u8,
        /// Pod.
        name: u8,
        /// Terminating.
        terminating: bool,
    },
    /// `Change::SetEndpointReady`.
    EndpointReady {
        /// Namespace.
        namespace: u8,
        /// Slice.
        name: u8,
        /// Address.
        address: u8,
        /// Ready.
        ready: bool,
    },
    /// `Change::SetServiceType`.
    ServiceType {
        /// Namespace.
        namespace: u8,
        /// Service.
        name: u8,
        /// ClusterIP, NodePort, LoadBalancer, ExternalName.
        service_type: u8,
        /// The ExternalName target.
        target: u8,
    },
    /// `Change::Scale`.
    Scale {
        /// Which kind.
        kind: u8,
        /// Namespace.
        namespace: u8,
        /// Workload.
        name: u8,
        /// Replicas.
        replicas: u32,
    },
    /// `Change::SetSelector`.
    Selector {
        /// Namespace.
        namespace: u8,
        /// Service.
        name: u8,
        /// `None` (selectorless) or label pairs.
        labels: Option<Vec<(u8, u8)>>,
    },
}

/// Manifests the `ApplyTemplate` change fills in: `{ns}`, `{name}`, `{ip}`, `{n}`.
pub const TEMPLATES: &[&str] = &[
    "apiVersion: v1\nkind: Service\nmetadata: {name: {name}, namespace: {ns}}\nspec:\n  selector: {app: {name}}\n  ports: [{name: http, port: {n}}]\n",
    "apiVersion: v1\nkind: Service\nmetadata: {name: {name}, namespace: {ns}}\nspec:\n  clusterIP: None\n  ports: [{name: http, port: 80}]\n",
    "apiVersion: v1\nkind: Service\nmetadata: {name: {name}, namespace: {ns}}\nspec:\n  clusterIP: {ip}\n  ports: [{port: 80}]\n",
    "apiVersion: v1\nkind: Service\nmetadata: {name: {name}, namespace: {ns}}\nspec: {type: ExternalName, externalName: web.default.svc.cluster.local}\n",
    "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: {name}-s\n  namespace: {ns}\n  labels: {kubernetes.io/service-name: {name}}\naddressType: IPv4\nports: [{name: http, port: {n}}]\nendpoints:\n- addresses: [{ip}]\n  hostname: {name}-0\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: {name}, namespace: {ns}, labels: {app: web}}\nspec: {hostname: {name}, subdomain: db}\nstatus:\n  podIP: {ip}\n  conditions: [{type: Ready, status: 'True'}]\n",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: {name}, namespace: {ns}}\nspec:\n  serviceName: nginx\n  replicas: {n}\n  selector: {matchLabels: {app: nginx}}\n  template: {metadata: {labels: {app: nginx}}}\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: {name}, namespace: {ns}}\nspec:\n  replicas: {n}\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n",
    "apiVersion: v1\nkind: Endpoints\nmetadata: {name: {name}, namespace: {ns}}\nsubsets:\n- addresses: [{ip: {ip}}]\n  ports: [{port: {n}}]\n",
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: {name}}\n",
];

/// The kinds a change may name.
const KINDS: [Kind; 11] = [
    Kind::Service,
    Kind::Endpoints,
    Kind::EndpointSlice,
    Kind::Pod,
    Kind::Namespace,
    Kind::ConfigMap,
    Kind::ServiceImport,
    Kind::StatefulSet,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::DaemonSet,
];

fn pick<T>(list: &[T], index: u8) -> &T {
    &list[usize::from(index) % list.len()]
}

impl ChangeSpec {
    /// The change this spec describes.
    pub fn to_change(&self) -> Change {
        let words = vocabulary();
        let ns = |index: &u8| pick(&words.namespaces, *index).as_str();
        let name = |index: &u8| pick(&words.names, *index).as_str();
        match self {
            ChangeSpec::ApplyText(text) => Change::apply_yaml("fuzz.yaml", text.clone()),
            ChangeSpec::ApplyTemplate {
                template,
                namespace,
                name: object,
                address,
                number,
            } => {
                let text = pick(TEMPLATES, *template)
                    .replace("{ns}", ns(namespace))
                    .replace("{name}", name(object))
                    .replace("{ip}", &pick(&words.addresses, *address).to_string())
                    .replace("{n}", &number.to_string());
                Change::apply_yaml("template.yaml", text)
            }
            ChangeSpec::Delete {
                kind,
                namespace,
                name: object,
            } => {
                let kind = *pick(&KINDS, *kind);
                if kind == Kind::Namespace {
                    Change::Delete(ObjectRef::cluster_scoped(kind, name(object)))
                } else {
                    Change::delete(kind, ns(namespace), name(object))
                }
            }
            ChangeSpec::PodReady {
                namespace,
                name: pod,
                ready,
            } => Change::pod_ready(ns(namespace), name(pod), *ready),
            ChangeSpec::PodTerminating {
                namespace,
                name: pod,
                terminating,
            } => Change::pod_terminating(ns(namespace), name(pod), *terminating),
            ChangeSpec::EndpointReady {
                namespace,
                name: slice,
                address,
                ready,
            } => Change::endpoint_ready(
                ns(namespace),
                name(slice),
                *pick(&words.addresses, *address),
                *ready,
            ),
            ChangeSpec::ServiceType {
                namespace,
                name: service,
                service_type,
                target,
            } => {
                let service_type = match service_type % 4 {
                    0 => ServiceType::ClusterIp,
                    1 => ServiceType::NodePort,
                    2 => ServiceType::LoadBalancer,
                    _ => ServiceType::ExternalName(pick(&words.targets, *target).clone()),
                };
                Change::service_type(ns(namespace), name(service), service_type)
            }
            ChangeSpec::Scale {
                kind,
                namespace,
                name: workload,
                replicas,
            } => {
                let kind = *pick(&KINDS[7..], *kind);
                Change::scale(kind, ns(namespace), name(workload), *replicas)
            }
            ChangeSpec::Selector {
                namespace,
                name: service,
                labels,
            } => {
                let selector = labels.as_ref().map(|pairs| {
                    let labels: BTreeMap<String, String> = pairs
                        .iter()
                        .map(|(key, value)| {
                            (
                                pick(&words.labels, *key).clone(),
                                pick(&words.labels, *value).clone(),
                            )
                        })
                        .collect();
                    Selector::new(labels)
                });
                Change::selector(ns(namespace), name(service), selector)
            }
        }
    }
}

/// The questions whose answers a failed batch must leave as they were, besides the zone file
/// (which holds every record of every Service and endpoint): the negative answers (a namespace,
/// a Service or an endpoint that is not there), Pod names, PTRs and the apex.
fn questions() -> &'static [(String, RecordType)] {
    static QUESTIONS: OnceLock<Vec<(String, RecordType)>> = OnceLock::new();
    QUESTIONS.get_or_init(|| {
        let words = vocabulary();
        let cluster = small_cluster();
        let mut questions = Vec::new();
        let mut ask = |name: String, types: &[RecordType]| {
            for qtype in types {
                questions.push((name.clone(), *qtype));
            }
        };
        let mut services: Vec<String> = cluster
            .services()
            .iter()
            .map(|service| service.service().meta.name.clone())
            .collect();
        services.push("nope".to_owned());
        for namespace in ["default", "shop", "nope"] {
            ask(format!("{namespace}.svc.cluster.local"), &[RecordType::A]);
            if namespace == "nope" {
                continue;
            }
            for name in &services {
                ask(
                    format!("{name}.{namespace}.svc.cluster.local"),
                    &[RecordType::A, RecordType::SRV],
                );
            }
        }
        for endpoint in [
            "db-0.db.default",
            "10-1-0-6.db.default",
            "web-0.nginx.default",
            "web-3.nginx.default",
            "cart-a.cart.shop",
        ] {
            ask(format!("{endpoint}.svc.cluster.local"), &[RecordType::A]);
        }
        for address in &words.addresses {
            let dashed = address.to_string().replace(['.', ':'], "-");
            ask(
                format!("{dashed}.default.pod.cluster.local"),
                &[RecordType::A],
            );
            if let IpAddr::V4(v4) = address {
                let [a, b, c, d] = v4.octets();
                ask(format!("{d}.{c}.{b}.{a}.in-addr.arpa"), &[RecordType::PTR]);
            }
        }
        ask(
            "cluster.local".to_owned(),
            &[RecordType::SOA, RecordType::NS],
        );
        ask("ns.dns.cluster.local".to_owned(), &[RecordType::A]);
        questions
    })
}

/// Everything a snapshot answers that the `changes` target compares.
#[derive(Debug)]
pub struct Observed {
    answers: Vec<Option<k8s_dns_sim::Answer>>,
    zone_file: String,
    diagnostics: Vec<String>,
    serial: u32,
}

/// What `dns` answers to [`questions`].
pub fn observe(dns: &ClusterDns) -> Observed {
    Observed {
        answers: questions()
            .iter()
            .map(|(name, qtype)| dns.lookup(name, *qtype).ok())
            .collect(),
        zone_file: dns
            .zone_file("cluster.local")
            .expect("cluster.local is served"),
        diagnostics: dns
            .cluster()
            .diagnostics()
            .iter()
            .map(ToString::to_string)
            .collect(),
        serial: dns.cluster().serial(),
    }
}

/// What the small cluster answers before any change.
pub fn original() -> &'static Observed {
    static ORIGINAL: OnceLock<Observed> = OnceLock::new();
    ORIGINAL.get_or_init(|| observe(changes_dns()))
}

/// Target `changes`: a batch applied to a copy of the small cluster's server. A failed batch
/// leaves every answer as it was (the copy and the original alike); a batch that applies gives
/// a consistent snapshot, one serial later, that answers every question.
pub fn changes(specs: &[ChangeSpec]) {
    let original = original();
    let base = changes_dns();
    let changes: Vec<Change> = specs.iter().map(ChangeSpec::to_change).collect();
    let mut next = base.clone();
    match next.apply(changes) {
        Err(errors) => {
            let _ = errors.to_string();
            if let Some(difference) = difference(&observe(&next), original) {
                panic!("the failed batch {specs:?} changed {difference}");
            }
        }
        Ok(()) => {
            let cluster = next.cluster();
            if let Err(error) = cluster.check_consistency() {
                panic!("the batch {specs:?} left the cluster inconsistent: {error}");
            }
            assert_eq!(cluster.serial(), base.cluster().serial() + 1);
            let after = observe(&next);
            for ((name, qtype), answer) in questions().iter().zip(&after.answers) {
                if let Some(answer) = answer {
                    check_answer(&next, name, *qtype, answer);
                }
            }
        }
    }
    // The snapshot the batch was applied to: its records and serial as they were.
    assert!(
        base.zone_file("cluster.local").ok().as_ref() == Some(&original.zone_file)
            && base.cluster().serial() == original.serial,
        "the batch {specs:?} changed the snapshot it was applied to"
    );
}

/// The first thing `after` answers otherwise than `before`, in words.
fn difference(after: &Observed, before: &Observed) -> Option<String> {
    if after.serial != before.serial {
        return Some(format!("the serial: {} to {}", before.serial, after.serial));
    }
    for ((name, qtype), (a, b)) in questions()
        .iter()
        .zip(after.answers.iter().zip(&before.answers))
    {
        if a != b {
            return Some(format!("the answer to {name} {qtype}: {b:?} to {a:?}"));
        }
    }
    if after.zone_file != before.zone_file {
        return Some(format!(
            "the zone file:\n{}\nto\n{}",
            before.zone_file, after.zone_file
        ));
    }
    if after.diagnostics != before.diagnostics {
        return Some(format!(
            "the diagnostics: {:?} to {:?}",
            before.diagnostics, after.diagnostics
        ));
    }
    None
}

// ---------------------------------------------------------------------------------------------
// resolv_conf

/// The names the `resolv_conf` target resolves, besides one taken from its input.
const RESOLVED_NAMES: &[&str] = &[
    "web",
    "db-0.db.default.svc",
    "web.default.svc.cluster.local.",
];

/// Target `resolv_conf`: the input up to its first NUL is resolv.conf text, the rest a name.
/// The candidates of every resolver are absolute and at most one more than the search list;
/// `resolve` fails exactly when there is no candidate and asks only candidates, in order.
pub fn resolv_conf(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let (conf_text, name) = text.split_once('\0').unwrap_or((&text, "web"));
    let conf = match ResolvConf::parse(conf_text) {
        Ok(conf) => conf,
        Err(error) => {
            let lines = conf_text.split('\n').count().max(1);
            assert!(
                error.line >= 1 && error.line <= lines,
                "resolv.conf error on line {} of {lines}: {error}",
                error.line
            );
            return;
        }
    };
    assert!(conf.ndots <= 15, "ndots {} over 15", conf.ndots);
    assert!(conf.nameservers.len() <= 3, "more than 3 nameservers kept");
    let dns = changes_dns();
    for name in RESOLVED_NAMES.iter().copied().chain([name]) {
        for resolver in [StubResolver::Glibc, StubResolver::Musl, StubResolver::Go] {
            let candidates = conf.candidates(resolver, name);
            assert!(
                candidates.len() <= conf.search.len() + 1,
                "{resolver:?} {name:?}: {} candidates for {} search domains",
                candidates.len(),
                conf.search.len()
            );
            for candidate in &candidates {
                assert!(
                    candidate.is_fqdn(),
                    "{resolver:?} {name:?}: {candidate} not absolute"
                );
            }
            match dns.resolve(&conf, resolver, name, RecordType::A) {
                Ok(resolution) => {
                    assert!(
                        !candidates.is_empty(),
                        "{name:?}: resolved without candidates"
                    );
                    assert!(!resolution.attempts.is_empty(), "{name:?}: no attempt");
                    assert!(resolution.attempts.len() <= candidates.len());
                    for (attempt, candidate) in resolution.attempts.iter().zip(&candidates) {
                        assert_eq!(&attempt.name, candidate, "{resolver:?} {name:?}");
                    }
                    let _ = resolution.to_string();
                }
                Err(_) => assert!(
                    candidates.is_empty(),
                    "{resolver:?} {name:?}: resolve failed with candidates {candidates:?}"
                ),
            }
        }
    }
}
