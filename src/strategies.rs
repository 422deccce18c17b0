//! proptest strategies: valid clusters and the questions worth asking them.
//!
//! Enabled by the `proptest` feature. Every cluster is generated as manifests (YAML text) and
//! loaded through [`Cluster::from_yaml`], the same door users go through, so it is valid by
//! construction and shrinks to smaller valid manifests.
//!
//! ```
//! use k8s_dns_sim::strategies::{ClusterShape, cluster_with_questions};
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//!
//! let mut runner = TestRunner::default();
//! runner
//!     .run(&cluster_with_questions(ClusterShape::default()), |(generated, questions)| {
//!         for question in &questions {
//!             let answer = generated.dns().answer(&question.name, question.qtype);
//!             // Negative answers always carry exactly one SOA.
//!             if answer.answers.is_empty() {
//!                 prop_assert!(answer.authorities.len() <= 1);
//!             }
//!         }
//!         Ok(())
//!     })
//!     .unwrap();
//! ```

use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::{Name, RecordType};
use proptest::prelude::*;
use proptest::sample::select;

use crate::{Cluster, ClusterDns, Config};

/// How big and how varied generated clusters are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterShape {
    /// Namespaces, at most.
    pub namespaces: usize,
    /// Services per namespace, at most.
    pub services: usize,
    /// Endpoints per Service and address family, at most.
    pub endpoints: usize,
    /// Ports per Service, at most (at least 1; a Service with several names every one).
    pub ports: usize,
    /// EndpointSlices per Service and address family, at most (at least 1): the endpoints of
    /// a family are dealt out over them, as the EndpointSlice controller splits a large
    /// Service.
    pub slices: usize,
}

impl Default for ClusterShape {
    fn default() -> Self {
        ClusterShape {
            namespaces: 3,
            services: 4,
            endpoints: 5,
            ports: 3,
            slices: 2,
        }
    }
}

/// The kind of a generated Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ServiceKind {
    /// A ClusterIP Service with an IPv4 ClusterIP.
    ClusterIp,
    /// A dual-stack ClusterIP Service (IPv4 first).
    DualStack,
    /// A ClusterIP Service with one IPv6 ClusterIP (`ipFamilies: [IPv6]`).
    Ipv6Only,
    /// A headless Service, with endpoints of both families.
    Headless,
    /// A `NodePort` Service (an IPv4 ClusterIP, as ClusterIP Services have).
    NodePort,
    /// A `LoadBalancer` Service (an IPv4 ClusterIP; the load balancer is not in DNS).
    LoadBalancer,
    /// An ExternalName Service pointing outside the cluster (`<name>.example.com`).
    ExternalName,
    /// An ExternalName Service pointing into the cluster's zone: at another generated Service
    /// of its namespace when there is one (`<other>.<namespace>.svc.cluster.local`), else at a
    /// name that does not exist.
    ExternalNameInZone,
}

impl ServiceKind {
    /// Every kind, in declaration order.
    pub const ALL: [ServiceKind; 8] = [
        ServiceKind::ClusterIp,
        ServiceKind::DualStack,
        ServiceKind::Ipv6Only,
        ServiceKind::Headless,
        ServiceKind::NodePort,
        ServiceKind::LoadBalancer,
        ServiceKind::ExternalName,
        ServiceKind::ExternalNameInZone,
    ];

    /// Whether Services of this kind have ClusterIPs (and answer them, not their endpoints).
    pub fn has_cluster_ip(self) -> bool {
        !matches!(
            self,
            ServiceKind::Headless | ServiceKind::ExternalName | ServiceKind::ExternalNameInZone
        )
    }

    /// Whether it is an ExternalName Service (no ports, no endpoints, a CNAME).
    pub fn is_external_name(self) -> bool {
        matches!(
            self,
            ServiceKind::ExternalName | ServiceKind::ExternalNameInZone
        )
    }

    /// The address families its endpoints have: (IPv4, IPv6).
    pub fn endpoint_families(self) -> (bool, bool) {
        match self {
            ServiceKind::ClusterIp | ServiceKind::NodePort | ServiceKind::LoadBalancer => {
                (true, false)
            }
            ServiceKind::Ipv6Only => (false, true),
            ServiceKind::DualStack | ServiceKind::Headless => (true, true),
            ServiceKind::ExternalName | ServiceKind::ExternalNameInZone => (false, false),
        }
    }
}

/// A port's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PortProtocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
}

impl PortProtocol {
    /// As a manifest writes it (`TCP`).
    pub fn as_str(self) -> &'static str {
        match self {
            PortProtocol::Tcp => "TCP",
            PortProtocol::Udp => "UDP",
            PortProtocol::Sctp => "SCTP",
        }
    }
}

/// One port of a generated Service (its EndpointSlices carry the same name and protocol, with
/// target port `port + 8000`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedPort {
    /// Its name; `None` only for the single port of a Service.
    pub name: Option<String>,
    /// The Service port.
    pub port: u16,
    /// Its protocol.
    pub protocol: PortProtocol,
}

/// One generated endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedEndpoint {
    /// Its address.
    pub address: IpAddr,
    /// `conditions.ready` (`None`: unset, which counts as ready).
    pub ready: Option<bool>,
    /// `hostname`.
    pub hostname: Option<String>,
}

impl GeneratedEndpoint {
    /// Whether DNS serves it.
    pub fn is_ready(&self) -> bool {
        self.ready != Some(false)
    }
}

/// One generated Service with what it should answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedService {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ServiceKind,
    /// Its ports (none for ExternalName Services).
    pub ports: Vec<GeneratedPort>,
    /// The ClusterIPs stated in the manifest.
    pub cluster_ips: Vec<IpAddr>,
    /// How many EndpointSlices each address family's endpoints are dealt out over.
    pub slices: usize,
    /// The `externalName` of an ExternalName Service.
    pub external_name: Option<String>,
    /// The endpoints of its EndpointSlices.
    pub endpoints: Vec<GeneratedEndpoint>,
}

impl GeneratedService {
    /// `<name>.<namespace>.svc.cluster.local.`
    pub fn fqdn(&self) -> Name {
        Name::from_ascii(format!(
            "{}.{}.svc.cluster.local.",
            self.name, self.namespace
        ))
        .expect("generated names are valid")
    }

    /// The name of the EndpointSlice that holds `endpoint` (one of [`GeneratedService::endpoints`]):
    /// `<service>-ipv4`, `<service>-ipv4-1`, … (the `n`-th endpoint of a family is in slice
    /// `n % slices`).
    pub fn slice_name(&self, endpoint: &GeneratedEndpoint) -> String {
        let v6 = endpoint.address.is_ipv6();
        let position = self
            .endpoints
            .iter()
            .filter(|other| other.address.is_ipv6() == v6)
            .position(|other| other == endpoint)
            .unwrap_or(0);
        slice_name(&self.name, v6, position % self.slices.max(1))
    }

    /// The names of all its EndpointSlices, as [`render`] writes them.
    pub fn slice_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .endpoints
            .iter()
            .map(|endpoint| self.slice_name(endpoint))
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

fn slice_name(service: &str, v6: bool, index: usize) -> String {
    let family = if v6 { "ipv6" } else { "ipv4" };
    match index {
        0 => format!("{service}-{family}"),
        index => format!("{service}-{family}-{index}"),
    }
}

/// A generated cluster: its manifests, the Services they describe, and a server over them.
#[derive(Debug, Clone)]
pub struct GeneratedCluster {
    /// The manifests, as YAML.
    pub manifests: String,
    /// The namespaces (each has a Namespace object).
    pub namespaces: Vec<String>,
    /// What the manifests describe.
    pub services: Vec<GeneratedService>,
    dns: ClusterDns,
}

impl GeneratedCluster {
    /// The server over the cluster, with [`Config::default`].
    pub fn dns(&self) -> &ClusterDns {
        &self.dns
    }

    /// A server over the same cluster with another configuration (e.g. from a generated
    /// Corefile, or `Config::default()` with options changed).
    pub fn dns_with(&self, config: Config) -> ClusterDns {
        ClusterDns::new(self.dns.cluster().clone(), config)
    }
}

/// A question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The name asked.
    pub name: Name,
    /// The type asked.
    pub qtype: RecordType,
}

/// A DNS-1035 label (what Service names must be), at most 12 characters to keep names short.
pub fn dns1035_label() -> impl Strategy<Value = String> {
    "[a-z]([-a-z0-9]{0,10}[a-z0-9])?"
}

fn service_kind() -> impl Strategy<Value = ServiceKind> {
    select(ServiceKind::ALL.to_vec())
}

fn protocol() -> impl Strategy<Value = PortProtocol> {
    // TCP most often, as in clusters.
    prop_oneof![
        3 => Just(PortProtocol::Tcp),
        1 => Just(PortProtocol::Udp),
        1 => Just(PortProtocol::Sctp),
    ]
}

/// 1 to `most` ports: a single one named or not, several all named (uniquely, as the API
/// server requires).
fn ports(most: usize) -> impl Strategy<Value = Vec<GeneratedPort>> {
    let single =
        (proptest::option::of(dns1035_label()), protocol()).prop_map(|(name, protocol)| {
            vec![GeneratedPort {
                name,
                port: 80,
                protocol,
            }]
        });
    let several = (
        proptest::collection::btree_set(dns1035_label(), 2..=most.max(2)),
        proptest::collection::vec(protocol(), most.max(2)),
    )
        .prop_map(|(names, protocols)| {
            names
                .into_iter()
                .zip(protocols)
                .enumerate()
                .map(|(index, (name, protocol))| GeneratedPort {
                    name: Some(name),
                    port: 80 + u16::try_from(index).unwrap_or(0),
                    protocol,
                })
                .collect::<Vec<_>>()
        });
    if most <= 1 {
        single.boxed()
    } else {
        prop_oneof![single, several].boxed()
    }
}

fn endpoint(index: usize, v6: bool) -> impl Strategy<Value = GeneratedEndpoint> {
    (
        prop_oneof![Just(None), Just(Some(true)), Just(Some(false))],
        proptest::option::of("[a-z][a-z0-9]{0,6}"),
    )
        .prop_map(move |(ready, hostname)| GeneratedEndpoint {
            address: endpoint_address(index, v6),
            ready,
            hostname,
        })
}

/// Unique by construction: the index is spread over the low bytes.
fn endpoint_address(index: usize, v6: bool) -> IpAddr {
    let index = u32::try_from(index).unwrap_or(u32::MAX);
    if v6 {
        IpAddr::V6(Ipv6Addr::new(
            0xfd00,
            0x10,
            0x244,
            0,
            0,
            0,
            (index >> 16) as u16,
            index as u16,
        ))
    } else {
        IpAddr::V4(Ipv4Addr::from(0x0af4_0000 + index))
    }
}

/// A valid cluster of the given shape: namespaces, Services of every kind with unique
/// ClusterIPs, and EndpointSlices with ready, unready and unset conditions, some hostnames.
pub fn cluster(shape: ClusterShape) -> impl Strategy<Value = GeneratedCluster> {
    let namespaces = proptest::collection::btree_set(dns1035_label(), 1..=shape.namespaces.max(1));
    namespaces
        .prop_flat_map(move |namespaces| {
            let namespaces: Vec<String> = namespaces.into_iter().collect();
            let per_namespace = namespaces
                .iter()
                .map(|_| {
                    proptest::collection::btree_map(
                        dns1035_label(),
                        (
                            service_kind(),
                            ports(shape.ports),
                            0..=shape.endpoints,
                            0..=shape.endpoints,
                            1..=shape.slices.max(1),
                        ),
                        0..=shape.services,
                    )
                })
                .collect::<Vec<_>>();
            (Just(namespaces), per_namespace)
        })
        .prop_flat_map(|(namespaces, per_namespace)| {
            let mut services = Vec::new();
            let mut next_endpoint = 0usize;
            for (namespace, specs) in namespaces.iter().zip(per_namespace) {
                let names: Vec<String> = specs.keys().cloned().collect();
                for (name, (kind, ports, v4_count, v6_count, slices)) in specs {
                    let external_name = match kind {
                        ServiceKind::ExternalName => Some(format!("{name}.example.com")),
                        ServiceKind::ExternalNameInZone => {
                            let other = names.iter().find(|other| **other != name);
                            let target = other.map_or("missing-target", String::as_str);
                            Some(format!("{target}.{namespace}.svc.cluster.local"))
                        }
                        _ => None,
                    };
                    let (has_v4, has_v6) = kind.endpoint_families();
                    let v4_count = if has_v4 { v4_count } else { 0 };
                    let v6_count = if has_v6 { v6_count } else { 0 };
                    let ports = if kind.is_external_name() {
                        Vec::new()
                    } else {
                        ports
                    };
                    let v4 = (0..v4_count)
                        .map(|i| endpoint(next_endpoint + i, false))
                        .collect::<Vec<_>>();
                    let v6 = (0..v6_count)
                        .map(|i| endpoint(next_endpoint + v4_count + i, true))
                        .collect::<Vec<_>>();
                    next_endpoint += v4_count + v6_count;
                    let ordinal = services.len();
                    let cluster_ips = match kind {
                        ServiceKind::ClusterIp
                        | ServiceKind::NodePort
                        | ServiceKind::LoadBalancer => {
                            vec![cluster_ip(ordinal, false)]
                        }
                        ServiceKind::DualStack => {
                            vec![cluster_ip(ordinal, false), cluster_ip(ordinal, true)]
                        }
                        ServiceKind::Ipv6Only => vec![cluster_ip(ordinal, true)],
                        _ => Vec::new(),
                    };
                    let namespace = namespace.clone();
                    services.push((v4, v6).prop_map(move |(v4, v6)| GeneratedService {
                        namespace: namespace.clone(),
                        name: name.clone(),
                        kind,
                        ports: ports.clone(),
                        cluster_ips: cluster_ips.clone(),
                        slices,
                        external_name: external_name.clone(),
                        endpoints: v4.into_iter().chain(v6).collect(),
                    }));
                }
            }
            (Just(namespaces), services)
        })
        .prop_map(|(namespaces, services)| {
            let manifests = render(&namespaces, &services);
            let cluster = Cluster::from_yaml(&manifests).unwrap_or_else(|errors| {
                panic!("generated manifests must load:\n{errors}\n{manifests}")
            });
            GeneratedCluster {
                manifests,
                namespaces,
                services,
                dns: ClusterDns::new(cluster, Config::default()),
            }
        })
}

fn cluster_ip(ordinal: usize, v6: bool) -> IpAddr {
    let ordinal = u16::try_from(ordinal).unwrap_or(u16::MAX);
    if v6 {
        IpAddr::V6(Ipv6Addr::new(0xfd00, 0x10, 0x96, 0, 0, 0, 1, ordinal))
    } else {
        IpAddr::V4(Ipv4Addr::new(
            10,
            96,
            100 + (ordinal >> 8) as u8,
            ordinal as u8,
        ))
    }
}

/// The manifests of namespaces and Services: a Namespace object each; per Service the Service
/// and its EndpointSlices (see [`GeneratedService::slice_name`]).
pub fn render(namespaces: &[String], services: &[GeneratedService]) -> String {
    let mut yaml = String::new();
    for namespace in namespaces {
        let _ = write!(
            yaml,
            "---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: \"{namespace}\"}}\n"
        );
    }
    for service in services {
        render_service(&mut yaml, service);
        for (family, v6) in [("IPv4", false), ("IPv6", true)] {
            let endpoints: Vec<&GeneratedEndpoint> = service
                .endpoints
                .iter()
                .filter(|endpoint| endpoint.address.is_ipv6() == v6)
                .collect();
            if service.kind.is_external_name() {
                continue;
            }
            for slice in 0..service.slices.max(1) {
                let members: Vec<&GeneratedEndpoint> = endpoints
                    .iter()
                    .skip(slice)
                    .step_by(service.slices.max(1))
                    .copied()
                    .collect();
                if !members.is_empty() {
                    render_slice(
                        &mut yaml,
                        service,
                        family,
                        &slice_name(&service.name, v6, slice),
                        &members,
                    );
                }
            }
        }
    }
    yaml
}

fn render_service(yaml: &mut String, service: &GeneratedService) {
    let (namespace, name) = (&service.namespace, &service.name);
    let _ = write!(
        yaml,
        "---\napiVersion: v1\nkind: Service\nmetadata: {{name: \"{name}\", namespace: \"{namespace}\"}}\nspec:\n"
    );
    if let Some(target) = &service.external_name {
        let _ = writeln!(yaml, "  type: ExternalName\n  externalName: {target}");
        return;
    }
    match service.kind {
        ServiceKind::Headless => {
            let _ = writeln!(yaml, "  clusterIP: None");
        }
        ServiceKind::NodePort => {
            let _ = writeln!(yaml, "  type: NodePort");
        }
        ServiceKind::LoadBalancer => {
            let _ = writeln!(yaml, "  type: LoadBalancer");
        }
        _ => {}
    }
    if service.kind.has_cluster_ip() {
        let ips: Vec<String> = service
            .cluster_ips
            .iter()
            .map(|ip| format!("\"{ip}\""))
            .collect();
        let (policy, families) = match service.kind {
            ServiceKind::DualStack => ("RequireDualStack", "[IPv4, IPv6]"),
            ServiceKind::Ipv6Only => ("SingleStack", "[IPv6]"),
            _ => ("SingleStack", "[IPv4]"),
        };
        let _ = writeln!(
            yaml,
            "  clusterIP: {}\n  clusterIPs: [{}]\n  ipFamilyPolicy: {policy}\n  ipFamilies: {families}",
            ips[0],
            ips.join(", ")
        );
    }
    let ports: Vec<String> = service
        .ports
        .iter()
        .map(|port| {
            let name = port
                .name
                .as_ref()
                .map(|name| format!("name: \"{name}\", "))
                .unwrap_or_default();
            format!(
                "{{{name}port: {}, targetPort: {}, protocol: {}}}",
                port.port,
                u32::from(port.port) + 8000,
                port.protocol.as_str()
            )
        })
        .collect();
    let _ = writeln!(yaml, "  ports: [{}]", ports.join(", "));
}

fn render_slice(
    yaml: &mut String,
    service: &GeneratedService,
    family: &str,
    slice: &str,
    endpoints: &[&GeneratedEndpoint],
) {
    let (namespace, name) = (&service.namespace, &service.name);
    let ports: Vec<String> = service
        .ports
        .iter()
        .map(|port| {
            let name = port
                .name
                .as_ref()
                .map(|name| format!("name: \"{name}\", "))
                .unwrap_or_default();
            format!(
                "{{{name}port: {}, protocol: {}}}",
                u32::from(port.port) + 8000,
                port.protocol.as_str()
            )
        })
        .collect();
    let _ = write!(
        yaml,
        "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
         metadata: {{name: \"{slice}\", namespace: \"{namespace}\", labels: {{kubernetes.io/service-name: \"{name}\"}}}}\n\
         addressType: {family}\nports: [{}]\nendpoints:\n",
        ports.join(", ")
    );
    for endpoint in endpoints {
        let _ = writeln!(yaml, "  - addresses: [\"{}\"]", endpoint.address);
        if let Some(ready) = endpoint.ready {
            let _ = writeln!(yaml, "    conditions: {{ready: {ready}}}");
        }
        if let Some(hostname) = &endpoint.hostname {
            let _ = writeln!(yaml, "    hostname: \"{hostname}\"");
        }
    }
}

/// Questions about a generated cluster: every Service name and port name, endpoint names,
/// names that do not exist, the zone apex, in random case, for the common types.
pub fn questions_for(cluster: &GeneratedCluster) -> impl Strategy<Value = Vec<Question>> + use<> {
    let mut names: Vec<String> = vec![
        "cluster.local.".to_owned(),
        "svc.cluster.local.".to_owned(),
        "missing.default.svc.cluster.local.".to_owned(),
        "dns-version.cluster.local.".to_owned(),
        "outside.example.com.".to_owned(),
    ];
    for service in &cluster.services {
        let base = format!("{}.{}.svc.cluster.local.", service.name, service.namespace);
        names.push(format!("{}.svc.cluster.local.", service.namespace));
        for port in &service.ports {
            if let Some(name) = &port.name {
                // Its own protocol, and one it does not have (unless it is UDP: then TCP).
                let own = port.protocol.as_str().to_ascii_lowercase();
                let other = if own == "udp" { "tcp" } else { "udp" };
                names.push(format!("_{name}._{own}.{base}"));
                names.push(format!("_{name}._{other}.{base}"));
            }
        }
        for endpoint in &service.endpoints {
            let label = match &endpoint.hostname {
                Some(hostname) => hostname.clone(),
                None => endpoint.address.to_string().replace(['.', ':'], "-"),
            };
            names.push(format!("{label}.{base}"));
        }
        names.push(base);
    }
    let question = (
        select(names),
        select(vec![
            RecordType::A,
            RecordType::AAAA,
            RecordType::SRV,
            RecordType::TXT,
            RecordType::CNAME,
            RecordType::SOA,
            RecordType::NS,
            RecordType::MX,
        ]),
        any::<u64>(),
    )
        .prop_map(|(name, qtype, case_bits)| Question {
            name: Name::from_ascii(random_case(&name, case_bits))
                .expect("generated names are valid"),
            qtype,
        });
    proptest::collection::vec(question, 1..16)
}

/// Flips the case of letters by the bits of `bits` (0x20 randomisation, as resolvers do).
fn random_case(name: &str, bits: u64) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| {
            if bits >> (i % 64) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

/// A cluster together with questions about it.
pub fn cluster_with_questions(
    shape: ClusterShape,
) -> impl Strategy<Value = (GeneratedCluster, Vec<Question>)> {
    cluster(shape).prop_flat_map(|cluster| {
        let questions = questions_for(&cluster);
        (Just(cluster), questions)
    })
}
