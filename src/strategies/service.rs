//! Generated Services, their ports and their endpoints.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::Name;
use proptest::prelude::*;
use proptest::sample::select;

use super::dns1035_label;

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

pub(super) fn slice_name(service: &str, v6: bool, index: usize) -> String {
    let family = if v6 { "ipv6" } else { "ipv4" };
    match index {
        0 => format!("{service}-{family}"),
        index => format!("{service}-{family}-{index}"),
    }
}

pub(super) fn service_kind() -> impl Strategy<Value = ServiceKind> {
    select(ServiceKind::ALL.to_vec())
}

pub(super) fn protocol() -> impl Strategy<Value = PortProtocol> {
    // TCP most often, as in clusters.
    prop_oneof![
        3 => Just(PortProtocol::Tcp),
        1 => Just(PortProtocol::Udp),
        1 => Just(PortProtocol::Sctp),
    ]
}

/// 1 to `most` ports: a single one named or not, several all named (uniquely, as the API
/// server requires).
pub(super) fn ports(most: usize) -> impl Strategy<Value = Vec<GeneratedPort>> {
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

pub(super) fn endpoint(index: usize, v6: bool) -> impl Strategy<Value = GeneratedEndpoint> {
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

pub(super) fn cluster_ip(ordinal: usize, v6: bool) -> IpAddr {
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
