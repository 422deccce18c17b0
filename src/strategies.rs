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
    /// Endpoints per Service, at most.
    pub endpoints: usize,
}

impl Default for ClusterShape {
    fn default() -> Self {
        ClusterShape {
            namespaces: 3,
            services: 4,
            endpoints: 5,
        }
    }
}

/// The kind of a generated Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceKind {
    /// A ClusterIP Service with an IPv4 ClusterIP.
    ClusterIp,
    /// A dual-stack ClusterIP Service.
    DualStack,
    /// A headless Service.
    Headless,
    /// An ExternalName Service pointing outside the cluster.
    ExternalName,
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
    /// Its port name (every generated Service has one TCP port, `80`, with this name).
    pub port_name: String,
    /// The ClusterIPs stated in the manifest.
    pub cluster_ips: Vec<IpAddr>,
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
    select(vec![
        ServiceKind::ClusterIp,
        ServiceKind::DualStack,
        ServiceKind::Headless,
        ServiceKind::ExternalName,
    ])
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
                            dns1035_label(),
                            0..=shape.endpoints,
                            0..=shape.endpoints,
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
                for (name, (kind, port_name, v4_count, v6_count)) in specs {
                    let v6_count =
                        if kind == ServiceKind::DualStack || kind == ServiceKind::Headless {
                            v6_count
                        } else {
                            0
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
                        ServiceKind::ClusterIp => vec![cluster_ip(ordinal, false)],
                        ServiceKind::DualStack => {
                            vec![cluster_ip(ordinal, false), cluster_ip(ordinal, true)]
                        }
                        _ => Vec::new(),
                    };
                    let namespace = namespace.clone();
                    services.push((v4, v6).prop_map(move |(v4, v6)| GeneratedService {
                        namespace: namespace.clone(),
                        name: name.clone(),
                        kind,
                        port_name: port_name.clone(),
                        cluster_ips: cluster_ips.clone(),
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
/// and one EndpointSlice per address family, named `<service>-ipv4` and `<service>-ipv6`.
pub fn render(namespaces: &[String], services: &[GeneratedService]) -> String {
    let mut yaml = String::new();
    for namespace in namespaces {
        let _ = write!(
            yaml,
            "---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: \"{namespace}\"}}\n"
        );
    }
    for service in services {
        let (namespace, name) = (&service.namespace, &service.name);
        let _ = write!(
            yaml,
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: \"{name}\", namespace: \"{namespace}\"}}\nspec:\n"
        );
        match service.kind {
            ServiceKind::ExternalName => {
                let _ = writeln!(
                    yaml,
                    "  type: ExternalName\n  externalName: {name}.example.com"
                );
            }
            ServiceKind::Headless => {
                let _ = writeln!(yaml, "  clusterIP: None");
            }
            ServiceKind::ClusterIp | ServiceKind::DualStack => {
                let ips: Vec<String> = service
                    .cluster_ips
                    .iter()
                    .map(|ip| format!("\"{ip}\""))
                    .collect();
                let policy = if service.kind == ServiceKind::DualStack {
                    "RequireDualStack"
                } else {
                    "SingleStack"
                };
                let _ = writeln!(
                    yaml,
                    "  clusterIP: {}\n  clusterIPs: [{}]\n  ipFamilyPolicy: {policy}",
                    ips[0],
                    ips.join(", ")
                );
            }
        }
        if service.kind != ServiceKind::ExternalName {
            let _ = writeln!(
                yaml,
                "  ports: [{{name: \"{}\", port: 80}}]",
                service.port_name
            );
        }
        for (family, v6) in [("IPv4", false), ("IPv6", true)] {
            let endpoints: Vec<&GeneratedEndpoint> = service
                .endpoints
                .iter()
                .filter(|endpoint| endpoint.address.is_ipv6() == v6)
                .collect();
            if endpoints.is_empty() || service.kind == ServiceKind::ExternalName {
                continue;
            }
            let _ = write!(
                yaml,
                "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
                 metadata: {{name: \"{name}-{}\", namespace: \"{namespace}\", labels: {{kubernetes.io/service-name: \"{name}\"}}}}\n\
                 addressType: {family}\nports: [{{name: \"{}\", port: 8080, protocol: TCP}}]\nendpoints:\n",
                family.to_ascii_lowercase(),
                service.port_name
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
    }
    yaml
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
        names.push(format!("_{}._tcp.{base}", service.port_name));
        names.push(format!("_{}._udp.{base}", service.port_name));
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
