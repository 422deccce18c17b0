//! What a name refers to, whatever the question type: CoreDNS's `Records`, `findServices` and
//! `findPods` (`plugin/kubernetes/kubernetes.go`).
//!
//! A Service (in an ordinary zone) and a ServiceImport (in a `multicluster` zone, CoreDNS's
//! `findMultiClusterServices`) go through the same rules, written once against
//! [`ServiceView`]; the only differences are asked of the view: an ExternalName exists only for
//! Services, `noendpoints` hides only a Service's endpoints (CoreDNS watches the multicluster
//! slices regardless), and an import's endpoint names carry their cluster id.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::Context;
use super::names::EndpointName;
use super::question::Question;
use crate::cluster::{ClusterSlice, ServiceView};
use crate::config::PodMode;
use crate::model::{Endpoint, EndpointSlice};
use crate::qname::{PortFilter, QueryName, ServicePart};

/// What a name refers to.
pub(super) enum Found<'c> {
    /// NXDOMAIN.
    NameError,
    /// The name exists and holds nothing.
    Nothing,
    /// The name holds records.
    Items(Items<'c>),
}

/// The kinds of records a name holds.
pub(super) enum Items<'c> {
    /// A Service's ClusterIPs or a ClusterSetIP import's `spec.ips`, with the port asked for.
    VirtualIps {
        view: ServiceView<'c>,
        port: Option<PortFilter<'c>>,
    },
    /// Endpoints: of a headless Service or import, or the one an endpoint name asks for.
    Endpoints {
        view: ServiceView<'c>,
        part: ServicePart<'c>,
    },
    /// An ExternalName's target, a domain name.
    ExternalName(&'c str),
    /// A pod name's address.
    Pod(IpAddr),
    /// `ns.dns.<zone>`.
    NameServer,
}

impl Context<'_> {
    /// What a name refers to (CoreDNS `Records`), whatever the question type.
    pub(super) fn find<'c>(&'c self, question: &Question<'_>, parsed: QueryName<'c>) -> Found<'c> {
        if question.labels_are_reverse()
            && !matches!(
                parsed,
                QueryName::Apex | QueryName::ServiceApex | QueryName::PodApex | QueryName::Invalid
            )
        {
            return Found::NameError;
        }
        match parsed {
            QueryName::Apex | QueryName::ServiceApex | QueryName::PodApex => Found::Nothing,
            QueryName::Invalid | QueryName::DnsVersion => Found::NameError,
            QueryName::NameServer => {
                if question.zone_is_lowercase() {
                    Found::Items(Items::NameServer)
                } else {
                    Found::NameError
                }
            }
            QueryName::Namespace { namespace } => {
                if self.namespace_exposed(namespace) {
                    Found::Nothing
                } else {
                    Found::NameError
                }
            }
            QueryName::PodNamespace { namespace } => {
                if self.config.pods != PodMode::Disabled && self.namespace_exposed(namespace) {
                    Found::Nothing
                } else {
                    Found::NameError
                }
            }
            QueryName::Pod { namespace, address } => self.find_pod(namespace, address),
            QueryName::Service {
                namespace,
                service,
                part,
            } => self.find_service(namespace, service, part, question.multicluster),
        }
    }

    /// Whether a namespace is exposed: listed by `namespaces` (or that option empty), and
    /// existing.
    pub(crate) fn namespace_exposed(&self, namespace: &str) -> bool {
        self.config.exposes_namespace(namespace) && self.cluster.has_namespace_lowercase(namespace)
    }

    /// CoreDNS `findServices` (or, in a multicluster zone, `findMultiClusterServices`).
    fn find_service<'c>(
        &'c self,
        namespace: &'c str,
        name: &'c str,
        part: ServicePart<'c>,
        multicluster: bool,
    ) -> Found<'c> {
        if !self.namespace_exposed(namespace) {
            return Found::NameError;
        }
        // A multicluster zone answers ServiceImports, never Services.
        let view = if multicluster {
            self.cluster
                .find_service_import(namespace, name)
                .map(ServiceView::Import)
        } else {
            self.cluster
                .find_service(namespace, name)
                .map(ServiceView::Service)
        };
        let Some(view) = view else {
            return Found::NameError;
        };
        let headless = view.is_headless();
        let external = view.service().and_then(|service| {
            service
                .service_type
                .is_external_name()
                .then(|| service.cname_target())
        });
        if self.config.ignore_empty_service
            && external.is_none()
            && !headless
            && !self.has_ready(view)
        {
            return Found::NameError;
        }
        // Zonal names exist only for headless Services: a virtual IP has no zone.
        if matches!(part, ServicePart::Zonal(_)) && !headless {
            return Found::NameError;
        }
        if let Some(target) = external {
            // An IP-valued externalName (no target) is ignored; names below an ExternalName
            // do not exist.
            return match (target, part) {
                (Some(target), ServicePart::Whole) => Found::Items(Items::ExternalName(target)),
                _ => Found::NameError,
            };
        }
        if let ServicePart::Zonal(zone) = part {
            // A zonal name exists whatever its zone holds: nothing there is NODATA. `prefer`
            // falls back to every endpoint.
            let in_zone = self.entries(view, part).next().is_some();
            let part = match (in_zone, zone.prefer) {
                (true, _) => part,
                (false, true) => ServicePart::Whole,
                (false, false) => return Found::Nothing,
            };
            if self.entries(view, part).next().is_none() {
                return Found::Nothing;
            }
            return Found::Items(Items::Endpoints { view, part });
        }
        if headless || part.endpoint().is_some() {
            if self.entries(view, part).next().is_none() {
                return Found::NameError;
            }
            return Found::Items(Items::Endpoints { view, part });
        }
        // Through its virtual IPs a name exists through its ports: none matching (or, for an
        // import, none at all) is a name error; a match with no IP is a name without addresses.
        let port = part.port();
        if !view
            .ports()
            .any(|(name, protocol, _)| port_matches(port, name, protocol.as_str()))
        {
            return Found::NameError;
        }
        Found::Items(Items::VirtualIps { view, port })
    }

    /// Whether the plugin knows of a ready endpoint of the Service or import (with
    /// `noendpoints` it knows of none of a Service's).
    fn has_ready(&self, view: ServiceView<'_>) -> bool {
        self.visible_slices(view).next().is_some() && view.linked().has_ready()
    }

    /// The slices the plugin sees of a Service or import: `noendpoints` hides a Service's.
    pub(crate) fn visible_slices<'c>(
        &self,
        view: ServiceView<'c>,
    ) -> impl Iterator<Item = &'c ClusterSlice> + use<'c> {
        let hidden = self.config.noendpoints && view.service().is_some();
        let count = if hidden { 0 } else { usize::MAX };
        view.linked().slices.iter().map(AsRef::as_ref).take(count)
    }

    /// The distinct ready addresses of one family a Service or import answers for its whole
    /// name, in slice order: worked out when the cluster was linked.
    pub(super) fn ready_addresses<'c>(
        &self,
        view: ServiceView<'c>,
        ipv6: bool,
    ) -> impl Iterator<Item = IpAddr> + use<'c> {
        let linked = view.linked();
        let (v4, v6): (&[Ipv4Addr], &[Ipv6Addr]) = match (self.visible_slices(view).next(), ipv6) {
            (None, _) => (&[], &[]),
            (Some(_), false) => (&linked.ready_ipv4, &[]),
            (Some(_), true) => (&[], &linked.ready_ipv6),
        };
        v4.iter()
            .map(|&v4| IpAddr::V4(v4))
            .chain(v6.iter().map(|&v6| IpAddr::V6(v6)))
    }

    /// The entries of a Service's or import's ready endpoints that `part` asks for, as CoreDNS
    /// lists them: one per address and matching port, slice by slice.
    pub(super) fn entries<'c>(
        &self,
        view: ServiceView<'c>,
        part: ServicePart<'c>,
    ) -> impl Iterator<Item = Entry<'c>> + use<'c> {
        let endpoint_pod_names = self.config.endpoint_pod_names;
        self.visible_slices(view).flat_map(move |slice| {
            let cluster = view.cluster_id(slice);
            // An endpoint name in a multicluster zone holds a cluster id (none for a one-label
            // name, which matches an empty id), which must be the slice's.
            let named = match (part, cluster) {
                (ServicePart::Endpoint { cluster: asked, .. }, Some(cluster)) => {
                    asked.unwrap_or_default().eq_ignore_ascii_case(cluster)
                }
                _ => true,
            };
            slice_entries(slice.slice(), part, endpoint_pod_names)
                .filter(move |_| named)
                .map(move |entry| Entry { cluster, ..entry })
        })
    }

    /// CoreDNS `findPods`.
    fn find_pod<'c>(&self, namespace: &str, label: &str) -> Found<'c> {
        if self.config.pods == PodMode::Disabled || !self.namespace_exposed(namespace) {
            return Found::NameError;
        }
        let Some(address) = super::names::pod_address(label) else {
            return Found::NameError;
        };
        if self.config.pods == PodMode::Verified {
            let exists = self.cluster.pods_with_ip(address).any(|pod| {
                pod.meta.namespace == namespace && !pod.terminating && !pod_finished(pod)
            });
            if !exists {
                return Found::NameError;
            }
        }
        Found::Items(Items::Pod(address))
    }
}

/// Whether CoreDNS's pod informer leaves `pod` out: it lists Pods with the field selector
/// `status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown` (`podListFunc`), so a
/// finished Pod's address is no Pod name under `pods verified`.
fn pod_finished(pod: &crate::model::Pod) -> bool {
    use crate::model::PodPhase;
    matches!(
        pod.phase,
        Some(PodPhase::Succeeded | PodPhase::Failed | PodPhase::Unknown)
    )
}

/// One (address × port) entry of a Service's or import's endpoints.
#[derive(Clone, Copy)]
pub(super) struct Entry<'c> {
    pub(super) endpoint: &'c Endpoint,
    pub(super) address: IpAddr,
    /// `None` for a slice without ports (CoreDNS's port -1): counted, never answered.
    pub(super) port: Option<u16>,
    /// The cluster id its name carries in a multicluster zone.
    pub(super) cluster: Option<&'c str>,
}

impl<'c> Entry<'c> {
    /// The name of its endpoint address.
    pub(super) fn name(&self, endpoint_pod_names: bool) -> EndpointName<'c> {
        EndpointName::of(self.endpoint, self.address, endpoint_pod_names)
    }
}

/// One slice's entries as CoreDNS lists them: per ready endpoint (in the topology zone, for a
/// zonal name) and address (named as the endpoint name asks, for one), one per matching port
/// (the port a port name asks for). A slice without ports still answers address queries:
/// CoreDNS gives it one port with no name, no protocol and number -1.
fn slice_entries<'c>(
    slice: &'c EndpointSlice,
    part: ServicePart<'c>,
    endpoint_pod_names: bool,
) -> impl Iterator<Item = Entry<'c>> + 'c {
    let port_count = slice.ports.len().max(1);
    let port = part.port();
    slice
        .endpoints
        .iter()
        .filter(move |endpoint| {
            endpoint.is_ready()
                && match part {
                    ServicePart::Zonal(zone) => endpoint
                        .zone
                        .as_deref()
                        .is_some_and(|value| zone.matches(value)),
                    _ => true,
                }
        })
        .flat_map(move |endpoint| {
            endpoint
                .addresses
                .iter()
                .copied()
                .filter(move |&address| {
                    part.endpoint().is_none_or(|label| {
                        EndpointName::of(endpoint, address, endpoint_pod_names).matches(label)
                    })
                })
                .flat_map(move |address| {
                    (0..port_count).filter_map(move |index| {
                        let slice_port = slice.ports.get(index);
                        let (name, protocol) = slice_port.map_or((Some(""), ""), |slice_port| {
                            (slice_port.name.as_deref(), slice_port.protocol.as_str())
                        });
                        port_matches(port, name, protocol).then_some(Entry {
                            endpoint,
                            address,
                            port: slice_port.and_then(|slice_port| slice_port.port),
                            cluster: None,
                        })
                    })
                })
        })
}

/// CoreDNS `matchPortAndProtocol`: an absent filter matches everything; names compare
/// case-insensitively.
pub(crate) fn port_matches(
    filter: Option<PortFilter<'_>>,
    name: Option<&str>,
    protocol: &str,
) -> bool {
    filter.is_none_or(|filter| {
        filter.port.eq_ignore_ascii_case(name.unwrap_or_default())
            && filter.protocol.eq_ignore_ascii_case(protocol)
    })
}
