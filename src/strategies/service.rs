//! Generated Services, their ports and their endpoints.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::Name;
use proptest::prelude::*;
use proptest::sample::select;

use super::dns1035_label;
use crate::model::{Kind, ObjectRef};

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
    /// `conditions.terminating` (only on endpoints that are not ready, as the EndpointSlice
    /// controller writes them; CoreDNS reads `ready` alone, rule 13).
    pub terminating: bool,
    /// `hostname`.
    pub hostname: Option<String>,
    /// The name of the Pod of its `targetRef` (in the Service's namespace): the endpoint's
    /// name under `endpoint_pod_names` when it has no hostname (rule 14).
    pub target_ref: Option<String>,
    /// Its topology `zone` (EndpointSlices only: an Endpoints object has none), for the
    /// `zonal` option's `<zone>.pin|prefer._zone.<service>` names (rule 26).
    pub zone: Option<String>,
}

impl GeneratedEndpoint {
    /// Whether DNS serves it.
    pub fn is_ready(&self) -> bool {
        self.ready != Some(false)
    }

    /// The label it answers to (rule 14): its hostname; else, with `endpoint_pod_names`, its
    /// Pod's name; else its address with `.` and `:` as `-` (and a `0` after a final `-`).
    pub fn label(&self, endpoint_pod_names: bool) -> String {
        if let Some(hostname) = &self.hostname {
            return hostname.clone();
        }
        if endpoint_pod_names && let Some(pod) = &self.target_ref {
            return pod.clone();
        }
        let mut dashed = self.address.to_string().replace(['.', ':'], "-");
        if dashed.ends_with('-') {
            dashed.push('0');
        }
        dashed
    }
}

/// Where a generated Service's endpoints come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointSource {
    /// EndpointSlices labelled with the Service's name, split over
    /// [`GeneratedService::slices`] per family.
    Slices,
    /// An Endpoints object of the Service's name beside a selectorless Service, its endpoints
    /// dealt out over [`GeneratedService::slices`] subsets: the mirroring controller carries
    /// each subset into one slice per family (`<service>-mirror-<subset>-ipv4`).
    Endpoints,
    /// An Endpoints object labelled `endpointslice.kubernetes.io/skip-mirror: "true"`: never
    /// mirrored, so DNS sees no endpoint.
    SkipMirror,
    /// An Endpoints object beside a Service *with* a selector (matching no Pod): the
    /// mirroring controller leaves it alone, so DNS sees no endpoint.
    BesideSelector,
}

impl EndpointSource {
    /// Every source, in declaration order.
    pub const ALL: [EndpointSource; 4] = [
        EndpointSource::Slices,
        EndpointSource::Endpoints,
        EndpointSource::SkipMirror,
        EndpointSource::BesideSelector,
    ];

    /// Whether DNS sees the endpoints written this way.
    pub fn is_served(self) -> bool {
        matches!(self, EndpointSource::Slices | EndpointSource::Endpoints)
    }

    /// Whether they are written as an Endpoints object (else as EndpointSlices).
    pub fn is_endpoints_object(self) -> bool {
        self != EndpointSource::Slices
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
    /// Its ports (none for generated ExternalName Services; one switched to ExternalName
    /// keeps its own).
    pub ports: Vec<GeneratedPort>,
    /// The ClusterIPs stated in the manifest; empty when one is allocated (a Service a
    /// [`change_sequence`](super::change_sequence) switched to ExternalName and back: read
    /// it from [`ClusterService::cluster_ips`](crate::ClusterService::cluster_ips)).
    pub cluster_ips: Vec<IpAddr>,
    /// How many EndpointSlices each address family's endpoints are dealt out over (for an
    /// Endpoints object: how many subsets all its endpoints are dealt out over).
    pub slices: usize,
    /// The `externalName` of an ExternalName Service.
    pub external_name: Option<String>,
    /// How its endpoints are written (always [`EndpointSource::Slices`] for ExternalName
    /// Services, which have none).
    pub source: EndpointSource,
    /// The endpoints written for it, served or not (see [`GeneratedService::served`]).
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

    /// The endpoints DNS sees: [`GeneratedService::endpoints`] when their source is served,
    /// else none.
    pub fn served(&self) -> &[GeneratedEndpoint] {
        if self.source.is_served() {
            &self.endpoints
        } else {
            &[]
        }
    }

    /// Its ready endpoints that DNS sees.
    pub fn ready(&self) -> impl Iterator<Item = &GeneratedEndpoint> {
        self.served().iter().filter(|endpoint| endpoint.is_ready())
    }

    /// The name of the EndpointSlice that holds `endpoint` (one of [`GeneratedService::endpoints`]):
    /// `<service>-ipv4`, `<service>-ipv4-1`, … (the `n`-th endpoint of a family is in slice
    /// `n % slices`); for a mirrored Endpoints object the mirror's
    /// `<service>-mirror-<subset>-ipv4`, the `n`-th endpoint being in subset `n % slices`.
    pub fn slice_name(&self, endpoint: &GeneratedEndpoint) -> String {
        let v6 = endpoint.address.is_ipv6();
        if self.source.is_endpoints_object() {
            let family = if v6 { "ipv6" } else { "ipv4" };
            let index = self
                .endpoints
                .iter()
                .position(|other| other == endpoint)
                .unwrap_or(0);
            let subsets = self.slices.max(1).min(self.endpoints.len().max(1));
            return format!("{}-mirror-{}-{family}", self.name, index % subsets);
        }
        let position = self
            .endpoints
            .iter()
            .filter(|other| other.address.is_ipv6() == v6)
            .position(|other| other == endpoint)
            .unwrap_or(0);
        slice_name(&self.name, v6, position % self.slices.max(1))
    }

    /// The names of all its EndpointSlices that DNS sees, as [`render`](super::render)
    /// writes them or the mirroring controller makes them.
    pub fn slice_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .served()
            .iter()
            .map(|endpoint| self.slice_name(endpoint))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The objects written for it: the Service, then its EndpointSlices or its Endpoints
    /// object (what a test deletes to remove it).
    pub fn objects(&self) -> Vec<ObjectRef> {
        let mut objects = vec![ObjectRef::namespaced(
            Kind::Service,
            &self.namespace,
            &self.name,
        )];
        if self.source.is_endpoints_object() {
            if !self.endpoints.is_empty() {
                objects.push(ObjectRef::namespaced(
                    Kind::Endpoints,
                    &self.namespace,
                    &self.name,
                ));
            }
            return objects;
        }
        let mut names: Vec<String> = self
            .endpoints
            .iter()
            .map(|endpoint| self.slice_name(endpoint))
            .collect();
        names.sort();
        names.dedup();
        objects.extend(
            names
                .iter()
                .map(|name| ObjectRef::namespaced(Kind::EndpointSlice, &self.namespace, name)),
        );
        objects
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

pub(super) fn endpoint(
    index: usize,
    v6: bool,
    source: EndpointSource,
) -> impl Strategy<Value = GeneratedEndpoint> {
    let slices = source == EndpointSource::Slices;
    (
        prop_oneof![Just(None), Just(Some(true)), Just(Some(false))],
        any::<bool>(),
        proptest::option::of("[a-z][a-z0-9]{0,6}"),
        any::<bool>(),
        proptest::option::of(select(vec!["zone-a", "zone-b"])),
    )
        .prop_map(
            move |(ready, terminating, hostname, target_ref, zone)| GeneratedEndpoint {
                address: endpoint_address(index, v6),
                // Terminating endpoints are not ready; an Endpoints object has no such field
                // (its addresses are ready or not) and no zone.
                ready: if slices { ready } else { ready.or(Some(true)) },
                terminating: slices && terminating && ready == Some(false),
                hostname,
                target_ref: target_ref.then(|| format!("pod-{index}")),
                zone: zone.filter(|_| slices).map(str::to_owned),
            },
        )
}

pub(super) fn endpoint_source() -> impl Strategy<Value = EndpointSource> {
    // Slices most often, as in clusters.
    prop_oneof![
        5 => Just(EndpointSource::Slices),
        2 => Just(EndpointSource::Endpoints),
        1 => Just(EndpointSource::SkipMirror),
        1 => Just(EndpointSource::BesideSelector),
    ]
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
