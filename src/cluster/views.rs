//! What DNS reads of a linked cluster: a Service with its effective ClusterIPs and slices
//! ([`ClusterService`]), a ServiceImport ([`ClusterImport`]), one view over both
//! ([`ServiceView`]), and the cluster's EndpointSlices with where each came from
//! ([`ClusterSlice`]). Linking (`link/`) makes them; answering only reads them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use super::Sourced;
use crate::error::Location;
use crate::model::{EndpointSlice, ObjectMeta, Protocol, Service, ServiceImport};

/// A Service as DNS sees it: the object, its effective ClusterIPs and its ready endpoints.
#[derive(Debug, Clone)]
pub struct ClusterService {
    pub(crate) source: Arc<Sourced<Service>>,
    pub(crate) cluster_ips: Vec<IpAddr>,
    pub(crate) linked: LinkedSlices,
}

impl ClusterService {
    /// The Service object.
    pub fn service(&self) -> &Service {
        &self.source.object
    }

    /// Where it was loaded from.
    pub fn location(&self) -> &Location {
        &self.source.location
    }

    /// Its ClusterIPs, primary first: those the manifest gave, or those allocated for it. Empty
    /// for headless and ExternalName Services.
    pub fn cluster_ips(&self) -> &[IpAddr] {
        &self.cluster_ips
    }

    /// The distinct ready IPv4 endpoint addresses, in slice order.
    pub fn ready_ipv4(&self) -> &[Ipv4Addr] {
        &self.linked.ready_ipv4
    }

    /// The distinct ready IPv6 endpoint addresses, in slice order.
    pub fn ready_ipv6(&self) -> &[Ipv6Addr] {
        &self.linked.ready_ipv6
    }

    /// Whether any endpoint is ready.
    pub fn has_ready_endpoints(&self) -> bool {
        self.linked.has_ready()
    }

    /// Its EndpointSlices: loaded ones, then mirrored or Pod-derived ones, each sorted by name.
    pub fn slices(&self) -> impl Iterator<Item = &ClusterSlice> {
        self.linked.slices.iter().map(AsRef::as_ref)
    }
}

/// A ServiceImport as DNS sees it in a `multicluster` zone: the object and its EndpointSlices.
#[derive(Debug, Clone)]
pub struct ClusterImport {
    pub(crate) source: Arc<Sourced<ServiceImport>>,
    pub(crate) linked: LinkedSlices,
}

impl ClusterImport {
    /// The ServiceImport object.
    pub fn import(&self) -> &ServiceImport {
        &self.source.object
    }

    /// Where it was loaded from.
    pub fn location(&self) -> &Location {
        &self.source.location
    }

    /// Its EndpointSlices (those labelled `multicluster.kubernetes.io/service-name` with its
    /// name), sorted by name.
    pub fn slices(&self) -> impl Iterator<Item = &ClusterSlice> {
        self.linked.slices.iter().map(AsRef::as_ref)
    }

    /// The distinct ready IPv4 endpoint addresses of its slices, in slice order.
    pub fn ready_ipv4(&self) -> &[Ipv4Addr] {
        &self.linked.ready_ipv4
    }

    /// The distinct ready IPv6 endpoint addresses of its slices, in slice order.
    pub fn ready_ipv6(&self) -> &[Ipv6Addr] {
        &self.linked.ready_ipv6
    }

    /// Whether any endpoint of its slices is ready.
    pub fn has_ready_endpoints(&self) -> bool {
        self.linked.has_ready()
    }
}

/// The EndpointSlices linked to a Service or ServiceImport and, worked out once when they are
/// linked, their distinct ready addresses by family, in slice order: what a headless name
/// answers, so that answering it is a copy.
#[derive(Debug, Clone, Default)]
pub(crate) struct LinkedSlices {
    pub(crate) slices: Vec<Arc<ClusterSlice>>,
    pub(crate) ready_ipv4: Vec<Ipv4Addr>,
    pub(crate) ready_ipv6: Vec<Ipv6Addr>,
}

impl LinkedSlices {
    pub(crate) fn new(slices: Vec<Arc<ClusterSlice>>) -> Self {
        let mut linked = LinkedSlices {
            slices,
            ready_ipv4: Vec::new(),
            ready_ipv6: Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for slice in &linked.slices {
            for endpoint in slice.slice.endpoints.iter().filter(|e| e.is_ready()) {
                for &address in &endpoint.addresses {
                    if !seen.insert(address) {
                        continue;
                    }
                    match address {
                        IpAddr::V4(v4) => linked.ready_ipv4.push(v4),
                        IpAddr::V6(v6) => linked.ready_ipv6.push(v6),
                    }
                }
            }
        }
        linked
    }

    pub(crate) fn has_ready(&self) -> bool {
        !self.ready_ipv4.is_empty() || !self.ready_ipv6.is_empty()
    }
}

/// One view of the two things a `<name>.<namespace>.svc.<zone>` name can stand for: a Service,
/// in an ordinary zone, or a ServiceImport, in a `multicluster` zone. Every DNS rule that
/// applies to both (headless or not, virtual IPs, ports, slices, ready addresses) is written
/// once against this view; what differs is asked of it ([`ServiceView::cluster_id`],
/// [`ServiceView::service`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum ServiceView<'c> {
    /// A Service.
    Service(&'c ClusterService),
    /// A ServiceImport (Multi-Cluster Services API).
    Import(&'c ClusterImport),
}

impl<'c> ServiceView<'c> {
    /// Name, namespace, labels.
    pub(crate) fn meta(self) -> &'c ObjectMeta {
        match self {
            ServiceView::Service(service) => &service.service().meta,
            ServiceView::Import(import) => &import.import().meta,
        }
    }

    /// The Service, for the rules only Services have (ExternalName, `noendpoints`).
    pub(crate) fn service(self) -> Option<&'c Service> {
        match self {
            ServiceView::Service(service) => Some(service.service()),
            ServiceView::Import(_) => None,
        }
    }

    /// Headless: `clusterIP: None`, or an import of type `Headless`.
    pub(crate) fn is_headless(self) -> bool {
        match self {
            ServiceView::Service(service) => service.service().is_headless(),
            ServiceView::Import(import) => import.import().is_headless(),
        }
    }

    /// The virtual IPs: a Service's ClusterIPs, an import's ClusterSet IPs (`spec.ips`).
    pub(crate) fn virtual_ips(self) -> &'c [IpAddr] {
        match self {
            ServiceView::Service(service) => service.cluster_ips(),
            ServiceView::Import(import) => &import.import().ips,
        }
    }

    /// `spec.ports`, as (name, protocol, port).
    pub(crate) fn ports(self) -> impl Iterator<Item = (Option<&'c str>, Protocol, u16)> + 'c {
        let (service, import) = match self {
            ServiceView::Service(service) => (service.service().ports.as_slice(), &[][..]),
            ServiceView::Import(import) => (&[][..], import.import().ports.as_slice()),
        };
        service
            .iter()
            .map(|port| (port.name.as_deref(), port.protocol, port.port))
            .chain(
                import
                    .iter()
                    .map(|port| (port.name.as_deref(), port.protocol, port.port)),
            )
    }

    /// The linked EndpointSlices and their ready addresses.
    pub(crate) fn linked(self) -> &'c LinkedSlices {
        match self {
            ServiceView::Service(service) => &service.linked,
            ServiceView::Import(import) => &import.linked,
        }
    }

    /// The cluster id an endpoint of `slice` is named with (`<endpoint>.<cluster>.<svc>…`):
    /// for an import, the slice's source cluster; a Service's endpoints have none.
    pub(crate) fn cluster_id(self, slice: &'c ClusterSlice) -> Option<&'c str> {
        match self {
            ServiceView::Service(_) => None,
            ServiceView::Import(_) => Some(slice.cluster_id()),
        }
    }
}

/// Where an EndpointSlice of the cluster came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SliceOrigin {
    /// Loaded from the input.
    Loaded,
    /// Made by the mirroring controller from the Endpoints object of this name.
    MirroredFrom(String),
    /// Made by the EndpointSlice controller from the Pods the Service's selector matches (the
    /// input carried no EndpointSlice for it).
    FromPods,
}

/// An EndpointSlice of the cluster, loaded or mirrored.
#[derive(Debug, Clone)]
pub struct ClusterSlice {
    pub(crate) slice: EndpointSlice,
    pub(crate) origin: SliceOrigin,
    pub(crate) location: Location,
}

impl ClusterSlice {
    /// The slice.
    pub fn slice(&self) -> &EndpointSlice {
        &self.slice
    }

    /// Where it came from.
    pub fn origin(&self) -> &SliceOrigin {
        &self.origin
    }

    /// Where it (or the Endpoints it mirrors) was read from.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Whether it belongs to a ServiceImport (it carries the
    /// `multicluster.kubernetes.io/service-name` label).
    pub fn is_imported(&self) -> bool {
        self.slice.multicluster_service_name().is_some()
    }

    /// The cluster id of a multicluster slice: its `multicluster.kubernetes.io/source-cluster`
    /// label, or empty.
    pub fn cluster_id(&self) -> &str {
        self.slice.source_cluster().unwrap_or_default()
    }
}
