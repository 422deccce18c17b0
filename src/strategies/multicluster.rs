//! Generated ServiceImports and their multicluster EndpointSlices (the Multi-Cluster Services
//! API, answered in a `multicluster` zone, rule 25).
//!
//! An import is written as a cluster set's controller writes it: the ServiceImport (its
//! ClusterSet IPs for a `ClusterSetIP` one), and per source cluster one EndpointSlice per
//! address family, labelled `multicluster.kubernetes.io/service-name` and
//! `multicluster.kubernetes.io/source-cluster`. Imports are named like the namespace's
//! Services or not: a Service and an import of one name never mix (the Service answers in
//! `cluster.local`, the import in `clusterset.local`), which the properties check.

use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::Name;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use super::service::{EndpointSource, GeneratedEndpoint, GeneratedPort, endpoint, ports};
use crate::model::{Kind, ObjectRef};

/// The cluster ids generated slices come from (`multicluster.kubernetes.io/source-cluster`);
/// the empty one stands for a slice without that label, whose endpoints have an empty cluster
/// id (their names have no cluster label: `<endpoint>.<import>…`).
pub const CLUSTER_IDS: [&str; 3] = ["east", "west", ""];

/// The zone generated configurations make `multicluster`.
pub const MULTICLUSTER_ZONE: &str = "clusterset.local";

/// The kind of a generated ServiceImport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImportKind {
    /// `type: ClusterSetIP` with one IPv4 ClusterSet IP; its slices hold IPv4 endpoints.
    ClusterSetIp,
    /// `type: ClusterSetIP` with an IPv4 and an IPv6 ClusterSet IP, slices of both families.
    DualStack,
    /// `type: Headless`: the ready endpoints of every cluster answer, of both families.
    Headless,
}

impl ImportKind {
    /// Every kind, in declaration order.
    pub const ALL: [ImportKind; 3] = [
        ImportKind::ClusterSetIp,
        ImportKind::DualStack,
        ImportKind::Headless,
    ];

    /// Whether its endpoints may be IPv6.
    fn has_v6(self) -> bool {
        self != ImportKind::ClusterSetIp
    }
}

/// The endpoints one source cluster exports for an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedClusterSlices {
    /// Its cluster id (one of [`CLUSTER_IDS`]; empty: its slices have no `source-cluster`
    /// label).
    pub cluster: String,
    /// Its endpoints (one slice per family, `<import>.<cluster>.ipv4` / `.ipv6`).
    pub endpoints: Vec<GeneratedEndpoint>,
}

/// One generated ServiceImport with its multicluster slices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedImport {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ImportKind,
    /// `spec.ips`, the ClusterSet IPs (none for a headless import).
    pub ips: Vec<IpAddr>,
    /// `spec.ports` (the slices carry the same names and protocols, port `port + 8000`); none
    /// for some headless imports.
    pub ports: Vec<GeneratedPort>,
    /// The clusters exporting it, each with its endpoints.
    pub clusters: Vec<GeneratedClusterSlices>,
}

impl GeneratedImport {
    /// `<name>.<namespace>.svc.clusterset.local.`
    pub fn fqdn(&self) -> Name {
        Name::from_ascii(format!(
            "{}.{}.svc.{MULTICLUSTER_ZONE}.",
            self.name, self.namespace
        ))
        .expect("generated names are valid")
    }

    /// Its ready endpoints of every cluster, each with its cluster id.
    pub fn ready(&self) -> impl Iterator<Item = (&str, &GeneratedEndpoint)> {
        self.clusters.iter().flat_map(|slices| {
            slices
                .endpoints
                .iter()
                .filter(|endpoint| endpoint.is_ready())
                .map(|endpoint| (slices.cluster.as_str(), endpoint))
        })
    }

    /// The name of the slice of `cluster` holding the endpoints of one family.
    pub fn slice_name(&self, cluster: &str, v6: bool) -> String {
        let family = if v6 { "ipv6" } else { "ipv4" };
        let cluster = if cluster.is_empty() { "none" } else { cluster };
        // Dots keep them apart from every Service's slice (`<service>-ipv4`).
        format!("{}.{cluster}.{family}", self.name)
    }

    /// The name of an endpoint of `cluster` labelled `label`: `<label>.<cluster>.<import>…`,
    /// or `<label>.<import>…` for the empty cluster id.
    pub fn endpoint_name(&self, label: &str, cluster: &str) -> Name {
        let text = if cluster.is_empty() {
            format!("{label}.{}", self.fqdn())
        } else {
            format!("{label}.{cluster}.{}", self.fqdn())
        };
        Name::from_ascii(text).expect("generated names are valid")
    }

    /// The objects written for it: the ServiceImport, then its slices.
    pub fn objects(&self) -> Vec<ObjectRef> {
        let mut objects = vec![ObjectRef::namespaced(
            Kind::ServiceImport,
            &self.namespace,
            &self.name,
        )];
        for slices in &self.clusters {
            for v6 in [false, true] {
                if slices
                    .endpoints
                    .iter()
                    .any(|endpoint| endpoint.address.is_ipv6() == v6)
                {
                    objects.push(ObjectRef::namespaced(
                        Kind::EndpointSlice,
                        &self.namespace,
                        &self.slice_name(&slices.cluster, v6),
                    ));
                }
            }
        }
        objects
    }
}

/// An import `name` in `namespace`: any [`ImportKind`], 1 to `most_ports` ports (a headless
/// one sometimes none), some of [`CLUSTER_IDS`] exporting up to `most_endpoints` endpoints of
/// each of its families
/// (ready, not ready, unset, terminating, some with hostnames). `ordinal` and `first_endpoint`
/// keep its ClusterSet IPs and endpoint addresses unique (the caller counts them).
pub(super) fn import(
    namespace: String,
    name: String,
    ordinal: usize,
    first_endpoint: usize,
    most_ports: usize,
    most_endpoints: usize,
) -> impl Strategy<Value = GeneratedImport> {
    (
        select(ImportKind::ALL.to_vec()),
        ports(most_ports),
        prop::bool::weighted(0.2),
        // A slice without a source cluster now and then; one or two named clusters mostly.
        prop_oneof![
            4 => subsequence(CLUSTER_IDS[..2].to_vec(), 1..=2),
            1 => subsequence(CLUSTER_IDS.to_vec(), 1..=CLUSTER_IDS.len()),
        ],
    )
        .prop_flat_map(move |(kind, ports, portless, clusters)| {
            let ports = if portless && kind == ImportKind::Headless {
                Vec::new()
            } else {
                ports
            };
            let families: &[bool] = if kind.has_v6() {
                &[false, true]
            } else {
                &[false]
            };
            let mut next = first_endpoint;
            let mut per_cluster = Vec::new();
            for cluster in clusters {
                let mut families_of_cluster = Vec::new();
                for &v6 in families {
                    // How many first, then each: a strategy per endpoint generated, no more.
                    let first = IMPORT_ENDPOINTS + next;
                    families_of_cluster.push((0..=most_endpoints).prop_flat_map(move |count| {
                        (0..count)
                            .map(|i| endpoint(first + i, v6, EndpointSource::Slices))
                            .collect::<Vec<_>>()
                    }));
                    next += most_endpoints;
                }
                let cluster = cluster.to_owned();
                per_cluster.push(families_of_cluster.prop_map(move |families| {
                    GeneratedClusterSlices {
                        cluster: cluster.clone(),
                        endpoints: families.into_iter().flatten().collect(),
                    }
                }));
            }
            let ips = match kind {
                ImportKind::ClusterSetIp => vec![cluster_set_ip(ordinal, false)],
                ImportKind::DualStack => {
                    vec![
                        cluster_set_ip(ordinal, false),
                        cluster_set_ip(ordinal, true),
                    ]
                }
                ImportKind::Headless => Vec::new(),
            };
            let (namespace, name) = (namespace.clone(), name.clone());
            per_cluster.prop_map(move |clusters| GeneratedImport {
                namespace: namespace.clone(),
                name: name.clone(),
                kind,
                ips: ips.clone(),
                ports: ports.clone(),
                clusters,
            })
        })
}

/// Import endpoints are numbered from here, apart from every Service's (`10.244.128.0` on).
const IMPORT_ENDPOINTS: usize = 1 << 15;

fn cluster_set_ip(ordinal: usize, v6: bool) -> IpAddr {
    let ordinal = u16::try_from(ordinal).unwrap_or(u16::MAX);
    if v6 {
        IpAddr::V6(Ipv6Addr::new(0xfd00, 0x10, 0x98, 0, 0, 0, 1, ordinal))
    } else {
        IpAddr::V4(Ipv4Addr::new(10, 98, (ordinal >> 8) as u8, ordinal as u8))
    }
}

/// The manifests of imports: per import the ServiceImport, then per cluster and family its
/// EndpointSlice.
pub fn render_imports(imports: &[GeneratedImport]) -> String {
    let mut yaml = String::new();
    for import in imports {
        render_import(&mut yaml, import);
    }
    yaml
}

fn render_import(yaml: &mut String, import: &GeneratedImport) {
    let (namespace, name) = (&import.namespace, &import.name);
    // The import's ports, and its slices' (`port + 8000`).
    let ports = |offset: u32| -> String {
        import
            .ports
            .iter()
            .map(|port| {
                let port_name = port
                    .name
                    .as_ref()
                    .map(|name| format!("name: \"{name}\", "))
                    .unwrap_or_default();
                format!(
                    "{{{port_name}protocol: {}, port: {}}}",
                    port.protocol.as_str(),
                    u32::from(port.port) + offset
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let kind = match import.kind {
        ImportKind::Headless => "Headless",
        _ => "ClusterSetIP",
    };
    let _ = write!(
        yaml,
        "---\napiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\n\
         metadata: {{name: \"{name}\", namespace: \"{namespace}\"}}\nspec:\n  type: {kind}\n  ports: [{}]\n",
        ports(0)
    );
    if !import.ips.is_empty() {
        let ips: Vec<String> = import.ips.iter().map(|ip| format!("\"{ip}\"")).collect();
        let _ = writeln!(yaml, "  ips: [{}]", ips.join(", "));
    }
    for slices in &import.clusters {
        for (family, v6) in [("IPv4", false), ("IPv6", true)] {
            let endpoints: Vec<&GeneratedEndpoint> = slices
                .endpoints
                .iter()
                .filter(|endpoint| endpoint.address.is_ipv6() == v6)
                .collect();
            if endpoints.is_empty() {
                continue;
            }
            let source = if slices.cluster.is_empty() {
                String::new()
            } else {
                format!(
                    "    multicluster.kubernetes.io/source-cluster: \"{}\"\n",
                    slices.cluster
                )
            };
            let _ = write!(
                yaml,
                "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
                 metadata:\n  name: \"{}\"\n  namespace: \"{namespace}\"\n  labels:\n\
                 \x20   multicluster.kubernetes.io/service-name: \"{name}\"\n{source}\
                 addressType: {family}\nports: [{}]\nendpoints:\n",
                import.slice_name(&slices.cluster, v6),
                ports(8000)
            );
            for endpoint in endpoints {
                super::render::render_endpoint(yaml, namespace, endpoint);
            }
        }
    }
}
