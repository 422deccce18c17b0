//! Diagnostics: objects that load fine but do not do what they look like they do.
//!
//! A real API server accepts an Endpoints object whose name matches no Service, an
//! EndpointSlice without the `kubernetes.io/service-name` label, or two Services with the same
//! ClusterIP in hand-written YAML fed to a simulator. None of these is an error, but each one
//! changes (or fails to change) a DNS answer in a way that surprises people. The cluster keeps
//! them as [`Diagnostic`]s, each naming the object and explaining the consequence.

use std::fmt;
use std::net::IpAddr;

use crate::error::Location;
use crate::model::ObjectRef;

/// Something about an object that a user should know because it affects DNS.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The object concerned.
    pub object: ObjectRef,
    /// Where the object was read from.
    pub location: Location,
    /// What was noticed.
    pub kind: DiagnosticKind,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_unknown() {
            write!(f, "{}: {}", self.object, self.kind)
        } else {
            write!(f, "{}: {}: {}", self.location, self.object, self.kind)
        }
    }
}

/// The kinds of [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// An Endpoints object is linked only to the Service with its own name and namespace; there
    /// is none, so its addresses never reach DNS.
    #[error(
        "no Service named {name:?} in this namespace, so these addresses never reach DNS (an Endpoints object belongs to the Service with exactly its name){}",
        suggestion_text(suggestion)
    )]
    EndpointsWithoutService {
        /// The Endpoints' name, the Service name it would need.
        name: String,
        /// A selectorless Service in the same namespace that has no endpoints, which the user
        /// probably meant.
        suggestion: Option<String>,
    },
    /// The Service of the same name has a selector: the endpoints controllers build its
    /// endpoints from Pods, and hand-written Endpoints are not mirrored into EndpointSlices.
    #[error(
        "Service {service:?} has a selector, so its endpoints come from matching Pods and this Endpoints object is not mirrored to DNS; remove the selector to publish these addresses"
    )]
    EndpointsBesideSelector {
        /// The Service's name.
        service: String,
    },
    /// The Endpoints object carries `endpointslice.kubernetes.io/skip-mirror: "true"`.
    #[error(
        "labelled endpointslice.kubernetes.io/skip-mirror=true, so it is not mirrored to an EndpointSlice and never reaches DNS"
    )]
    EndpointsSkipMirror,
    /// The Endpoints object carries the leader-election annotation and is not mirrored.
    #[error(
        "has the control-plane.alpha.kubernetes.io/leader annotation (a leader-election lock), so it is not mirrored and never reaches DNS"
    )]
    EndpointsLeaderElection,
    /// More than 1000 addresses in one subset: the mirroring controller drops the rest.
    #[error(
        "subsets[{subset}] has {total} addresses; only the first 1000 (ready ones first) are mirrored; {dropped} dropped"
    )]
    EndpointsTruncated {
        /// The subset index.
        subset: usize,
        /// Addresses in the subset.
        total: usize,
        /// Addresses dropped.
        dropped: usize,
    },
    /// An EndpointSlice without the `kubernetes.io/service-name` label belongs to no Service.
    #[error(
        "has no kubernetes.io/service-name label, so it belongs to no Service and its endpoints answer no service name"
    )]
    SliceWithoutServiceLabel,
    /// The Service an EndpointSlice names does not exist.
    #[error(
        "labelled kubernetes.io/service-name={service:?}, but there is no such Service in this namespace, so no service name answers with these endpoints"
    )]
    SliceWithoutService {
        /// The label's value.
        service: String,
    },
    /// An `FQDN` EndpointSlice (deprecated) is never served.
    #[error("addressType FQDN is deprecated and not served by cluster DNS")]
    FqdnSliceNotServed,
    /// A Service states a ClusterIP outside the default service CIDR, and the input says
    /// nothing of the cluster's real one (no `default/kubernetes` Service, none stated on the
    /// builder): the API server of a cluster with the default range would refuse it.
    #[error(
        "cluster IP {ip} is outside {cidr}, the default service CIDR: a cluster with that range refuses it; state the cluster's service CIDRs (ClusterBuilder::service_cidrs) to check it against the real ones"
    )]
    ClusterIpOutsideDefaultCidr {
        /// The address.
        ip: IpAddr,
        /// The default range of its family.
        cidr: ipnet::IpNet,
    },
    /// Two Services claim the same cluster IP; a real API server would refuse the second.
    #[error("cluster IP {ip} is also used by {other}; a real cluster would refuse one of them")]
    DuplicateClusterIp {
        /// The address.
        ip: IpAddr,
        /// The other Service.
        other: ObjectRef,
    },
    /// The input's EndpointSlices for a Service (a dump) disagree with what its Pods would
    /// make: DNS answers from the slices, as the cluster did when it was dumped.
    #[error(
        "its EndpointSlices in the input disagree with the Pods its selector matches (DNS answers from the slices): {detail}"
    )]
    SlicesDisagreeWithPods {
        /// The differences.
        detail: String,
    },
    /// A headless Service with no ready endpoint: its name answers NXDOMAIN.
    #[error(
        "headless Service with no ready endpoints: its name answers NXDOMAIN until an endpoint is ready"
    )]
    HeadlessWithoutReadyEndpoints,
    /// An EndpointSlice labelled `multicluster.kubernetes.io/service-name` names no ServiceImport
    /// in its namespace.
    #[error(
        "labelled multicluster.kubernetes.io/service-name={import:?}, but there is no such ServiceImport in this namespace, so no multicluster name answers with these endpoints"
    )]
    MulticlusterSliceWithoutImport {
        /// The label's value.
        import: String,
    },
    /// A slice of a ServiceImport without the `multicluster.kubernetes.io/source-cluster`
    /// label: CoreDNS gives its endpoints an empty cluster id.
    #[error(
        "has no multicluster.kubernetes.io/source-cluster label, so its endpoints have an empty cluster id: they answer as <endpoint>.<svc>.<ns>.svc.<zone> in a multicluster zone, never as <endpoint>.<cluster>.<svc>…, and CoreDNS cannot send SRV targets naming them (an empty label)"
    )]
    MulticlusterSliceWithoutSourceCluster,
    /// A headless ServiceImport with no ready endpoint: its name answers NXDOMAIN.
    #[error(
        "headless ServiceImport with no ready endpoints (in slices labelled multicluster.kubernetes.io/service-name): its name answers NXDOMAIN in multicluster zones until an endpoint is ready"
    )]
    HeadlessImportWithoutReadyEndpoints,
    /// A `ClusterSetIP` ServiceImport without `spec.ips`: its name exists with no address.
    #[error(
        "ClusterSetIP ServiceImport without spec.ips: its name answers A and AAAA with no records (NODATA) in multicluster zones"
    )]
    ClusterSetIpImportWithoutIps,
    /// A `ClusterSetIP` ServiceImport without `spec.ports`: CoreDNS finds such an import only
    /// through a port, so its name does not exist.
    #[error(
        "ClusterSetIP ServiceImport without spec.ports: CoreDNS answers a ClusterSetIP import only through its ports, so its name answers NXDOMAIN in multicluster zones"
    )]
    ClusterSetIpImportWithoutPorts,
    /// A Pod's `spec.nodeName` names no node of the cluster: no kubelet runs it (a Pod without
    /// `status` stays Pending, without an address), and the EndpointSlice controller leaves it
    /// out of every Service unless the Service publishes not-ready addresses
    /// (`reconciler.go`, "skipping Pod for Service, Node not found"). Without Node objects in
    /// the input, the nodes are the builder's pool, and only Pods the simulator starts are
    /// checked against it.
    #[error("{}", missing_node_text(node, nodes_loaded))]
    PodOnMissingNode {
        /// `spec.nodeName`.
        node: String,
        /// Whether the cluster's nodes are the input's Node objects (else the builder's pool).
        nodes_loaded: bool,
    },
    /// A `hostNetwork` Pod whose node has no `InternalIP` or `ExternalIP` address: the kubelet
    /// has no host IP to give it, so it has no address and is no endpoint.
    #[error(
        "hostNetwork Pod on Node {node:?}, which has no InternalIP or ExternalIP in status.addresses: the Pod gets no address, so it is no endpoint"
    )]
    HostNetworkPodWithoutNodeAddress {
        /// The node.
        node: String,
    },
    /// An ExternalName Service whose externalName is an IP address: CoreDNS ignores it.
    #[error(
        "externalName {external_name:?} is an IP address; cluster DNS makes no CNAME for it and the name answers NXDOMAIN"
    )]
    ExternalNameIsIp {
        /// The externalName.
        external_name: String,
    },
}

fn missing_node_text(node: &str, nodes_loaded: &bool) -> String {
    if *nodes_loaded {
        format!(
            "spec.nodeName {node:?} names no Node of the input: no kubelet runs this Pod (in a cluster it stays Pending and pod garbage collection deletes it), and the EndpointSlice controller leaves it out unless the Service has publishNotReadyAddresses"
        )
    } else {
        format!(
            "spec.nodeName {node:?} names no node of the cluster (the input has no Node objects, so the nodes are the builder's pool, WorkloadConfig::nodes): no kubelet runs this Pod, so it stays Pending without an address"
        )
    }
}

fn suggestion_text(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(service) => format!(
            "; did you mean Service {service:?}? Rename the Endpoints to {service:?} to link them"
        ),
        None => String::new(),
    }
}
