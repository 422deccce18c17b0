//! Validated Kubernetes objects: the part of each manifest that DNS depends on.
//!
//! The loader ([`crate::Cluster::from_yaml`] and [`crate::ClusterBuilder`]) reads YAML or JSON,
//! checks every object the way the Kubernetes API server would, applies the server's defaults
//! (namespace `default`, protocol `TCP`, type `ClusterIP`) and produces the types in this
//! module. Everything here is therefore valid by construction: a [`Service`] always has a name,
//! its ports are in range, a headless Service is marked as such, and so on. The DNS code never
//! re-checks.
//!
//! Like CoreDNS's own `object` package, these types hold only the fields that change a DNS
//! answer or a diagnostic; everything else in a manifest (status conditions of a Service,
//! `managedFields`, `uid`, container images, …) is accepted by the loader and then dropped.

mod node;
mod pod;
mod workload;

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

pub use node::{Node, NodeAddress, NodeAddressType, ZONE_LABEL};
pub use pod::{
    ContainerPort, DnsPolicy, EnvVar, HostAlias, Pod, PodDnsConfig, PodDnsOption, PodPhase,
    PodStatusSource,
};
pub use workload::{
    CompletionMode, JOB_COMPLETION_INDEX, JobSpec, PodTemplate, READY_ANNOTATION,
    READY_REPLICAS_ANNOTATION, Readiness, ReadinessError, Workload, WorkloadSpec,
};

/// The kinds of object the simulator models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Kind {
    /// `v1 Service`.
    Service,
    /// `v1 Endpoints` (the legacy API, reaching DNS through EndpointSlice mirroring).
    Endpoints,
    /// `discovery.k8s.io/v1 EndpointSlice`.
    EndpointSlice,
    /// `v1 Pod`.
    Pod,
    /// `v1 Namespace`.
    Namespace,
    /// `v1 ConfigMap`: only `kube-system/coredns`, whose `data.Corefile` configures the
    /// simulator (see [`crate::EmbeddedCorefile`]). Never an [`Object`].
    ConfigMap,
    /// `multicluster.x-k8s.io/v1alpha1 ServiceImport` (the Multi-Cluster Services API), answered
    /// in the `multicluster` zones.
    ServiceImport,
    /// `apps/v1 StatefulSet`, expanded into Pods (see [`crate::workload`]).
    StatefulSet,
    /// `apps/v1 Deployment`, expanded into a ReplicaSet's Pods.
    Deployment,
    /// `apps/v1 ReplicaSet`, expanded into Pods.
    ReplicaSet,
    /// `apps/v1 DaemonSet`, expanded into one Pod per node.
    DaemonSet,
    /// `v1 Node`: where Pods run, the addresses `hostNetwork` Pods take, and each node's Pod
    /// subnet.
    Node,
    /// `v1 ReplicationController`, expanded into Pods like a ReplicaSet.
    ReplicationController,
    /// `batch/v1 Job`, expanded into the Pods it runs at once.
    Job,
}

impl Kind {
    /// Whether objects of this kind live in a namespace (all but Namespace and Node).
    pub fn is_namespaced(self) -> bool {
        !matches!(self, Kind::Namespace | Kind::Node)
    }

    /// Whether objects of this kind are workloads, expanded into Pods (see
    /// [`crate::workload`]).
    pub fn is_workload(self) -> bool {
        matches!(
            self,
            Kind::StatefulSet
                | Kind::Deployment
                | Kind::ReplicaSet
                | Kind::DaemonSet
                | Kind::ReplicationController
                | Kind::Job
        )
    }

    /// The `kind` string as written in a manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Service => "Service",
            Kind::Endpoints => "Endpoints",
            Kind::EndpointSlice => "EndpointSlice",
            Kind::Pod => "Pod",
            Kind::Namespace => "Namespace",
            Kind::ConfigMap => "ConfigMap",
            Kind::ServiceImport => "ServiceImport",
            Kind::StatefulSet => "StatefulSet",
            Kind::Deployment => "Deployment",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::Node => "Node",
            Kind::ReplicationController => "ReplicationController",
            Kind::Job => "Job",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity of an object: its kind, namespace and name, printed as
/// `Service default/web` (or `Namespace prod` for cluster-scoped kinds).
///
/// Used as the key in diagnostics and errors, in the manner of kube-rs's `ObjectRef`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    /// The object's kind.
    pub kind: Kind,
    /// The namespace; `None` for cluster-scoped kinds (Namespace, Node).
    pub namespace: Option<String>,
    /// The object's name.
    pub name: String,
}

impl ObjectRef {
    /// A reference to a namespaced object.
    pub fn namespaced(kind: Kind, namespace: &str, name: &str) -> Self {
        ObjectRef {
            kind,
            namespace: Some(namespace.to_owned()),
            name: name.to_owned(),
        }
    }

    /// A reference to a cluster-scoped object.
    pub fn cluster_scoped(kind: Kind, name: &str) -> Self {
        ObjectRef {
            kind,
            namespace: None,
            name: name.to_owned(),
        }
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.kind)?;
        if let Some(namespace) = &self.namespace {
            write_escaped(f, namespace)?;
            f.write_str("/")?;
        }
        write_escaped(f, &self.name)
    }
}

/// Writes `text` with its control characters escaped (`\n`, `\u{1b}`): a name that is not
/// valid (an error is about to say so) must not forge a line of the message or drive the
/// terminal. Valid names have none, and print as they are.
fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    if !text.chars().any(char::is_control) {
        return f.write_str(text);
    }
    for c in text.chars() {
        if c.is_control() {
            write!(f, "{}", c.escape_default())?;
        } else {
            write!(f, "{c}")?;
        }
    }
    Ok(())
}

/// The metadata every object carries, after defaulting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ObjectMeta {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`, defaulted to `default`; empty for cluster-scoped kinds.
    pub namespace: String,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
}

impl ObjectMeta {
    /// Metadata with a name and namespace and no labels or annotations.
    pub(crate) fn new(namespace: &str, name: &str) -> Self {
        ObjectMeta {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
        }
    }
}

/// An equality-based label selector (`matchLabels`, or a Service's `spec.selector`): it
/// matches every object whose labels include all of its pairs (`labels.SelectorFromSet`).
///
/// ```
/// use std::collections::BTreeMap;
/// use k8s_dns_sim::model::Selector;
///
/// let selector: Selector = [("app", "web")].into_iter().collect();
/// let labels = BTreeMap::from([("app".to_owned(), "web".to_owned()), ("tier".to_owned(), "1".to_owned())]);
/// assert!(selector.matches(&labels));
/// assert!(!selector.matches(&BTreeMap::new()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Selector {
    labels: BTreeMap<String, String>,
}

impl Selector {
    /// A selector of these pairs.
    pub fn new(labels: BTreeMap<String, String>) -> Self {
        Selector { labels }
    }

    /// Its pairs.
    pub fn labels(&self) -> &BTreeMap<String, String> {
        &self.labels
    }

    /// Whether it has no pair (an empty selector matches everything).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Whether `labels` hold every pair of the selector.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.labels
            .iter()
            .all(|(key, value)| labels.get(key) == Some(value))
    }

    /// Adds a pair.
    pub(crate) fn insert(&mut self, key: String, value: String) {
        self.labels.insert(key, value);
    }
}

impl From<BTreeMap<String, String>> for Selector {
    fn from(labels: BTreeMap<String, String>) -> Self {
        Selector { labels }
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Selector {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        Selector {
            labels: pairs
                .into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
        }
    }
}

/// An L4 protocol of a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Protocol {
    /// `TCP`, the API server's default.
    #[default]
    Tcp,
    /// `UDP`.
    Udp,
    /// `SCTP`.
    Sctp,
}

impl Protocol {
    /// The protocol as written in a manifest (`TCP`, `UDP`, `SCTP`).
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An IP family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IpFamily {
    /// `IPv4`.
    IPv4,
    /// `IPv6`.
    IPv6,
}

impl IpFamily {
    /// The other family.
    pub fn other(self) -> Self {
        match self {
            IpFamily::IPv4 => IpFamily::IPv6,
            IpFamily::IPv6 => IpFamily::IPv4,
        }
    }

    /// The family of an address.
    pub fn of(ip: &IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => IpFamily::IPv4,
            IpAddr::V6(_) => IpFamily::IPv6,
        }
    }
}

impl fmt::Display for IpFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IpFamily::IPv4 => "IPv4",
            IpFamily::IPv6 => "IPv6",
        })
    }
}

// ------------------------------------------------------------------------------------------
// Service
// ------------------------------------------------------------------------------------------

/// A `v1 Service`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Service {
    /// Name, namespace, labels, annotations.
    pub meta: ObjectMeta,
    /// `spec.type`, defaulted to `ClusterIP`.
    pub service_type: ServiceType,
    /// What `spec.clusterIP` / `spec.clusterIPs` say.
    pub cluster_ip: ClusterIpSpec,
    /// `spec.ipFamilies`, in order (the first is the primary family). May be empty.
    pub ip_families: Vec<IpFamily>,
    /// `spec.ipFamilyPolicy`, if given.
    pub ip_family_policy: Option<IpFamilyPolicy>,
    /// `spec.ports`.
    pub ports: Vec<ServicePort>,
    /// `spec.selector`. `None` for a selectorless Service (an empty map counts as none, as the
    /// API server stores it).
    pub selector: Option<Selector>,
    /// `spec.publishNotReadyAddresses`.
    pub publish_not_ready_addresses: bool,
    /// `spec.loadBalancerIP` as written (deprecated, read by cloud load balancers, never by
    /// DNS): kept only so that the lint can tell `loadBalancerIP: None` written for
    /// `clusterIP: None`.
    pub load_balancer_ip: Option<String>,
}

impl Service {
    /// Whether the Service is headless (`clusterIP: None`).
    pub fn is_headless(&self) -> bool {
        matches!(self.cluster_ip, ClusterIpSpec::Headless)
    }

    /// `spec.externalName` of an `ExternalName` Service, without its trailing dot.
    pub fn external_name(&self) -> Option<&str> {
        match &self.service_type {
            ServiceType::ExternalName(target) => Some(target),
            _ => None,
        }
    }

    /// The name an `ExternalName` Service's CNAME points at: its `externalName`, unless that is
    /// an IP address, which CoreDNS ignores (no CNAME, NXDOMAIN) though the API server accepts
    /// it (an IPv4 address is a valid DNS-1123 subdomain).
    pub fn cname_target(&self) -> Option<&str> {
        self.external_name()
            .filter(|target| target.parse::<IpAddr>().is_err())
    }
}

/// `spec.type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum ServiceType {
    /// `ClusterIP` (the default).
    #[default]
    ClusterIp,
    /// `NodePort`.
    NodePort,
    /// `LoadBalancer`.
    LoadBalancer,
    /// `ExternalName`, with `spec.externalName` (a DNS-1123 subdomain, stored without its
    /// trailing dot).
    ExternalName(String),
}

impl ServiceType {
    /// The type as written in a manifest.
    pub fn as_str(&self) -> &'static str {
        match self {
            ServiceType::ClusterIp => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::ExternalName(_) => "ExternalName",
        }
    }

    /// Whether it is `ExternalName`.
    pub fn is_external_name(&self) -> bool {
        matches!(self, ServiceType::ExternalName(_))
    }
}

/// The cluster IP(s) of a Service as the manifest gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterIpSpec {
    /// No cluster IP given: one is allocated from the service CIDR when the cluster is built.
    /// (ExternalName Services also carry this value and never get one.)
    Unset,
    /// `clusterIP: None`: a headless Service.
    Headless,
    /// One IP, or two of different families (dual stack), primary first.
    Ips(Vec<IpAddr>),
}

/// `spec.ipFamilyPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpFamilyPolicy {
    /// `SingleStack`.
    SingleStack,
    /// `PreferDualStack`.
    PreferDualStack,
    /// `RequireDualStack`.
    RequireDualStack,
}

/// One entry of `spec.ports`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServicePort {
    /// `name`; required when the Service has more than one port.
    pub name: Option<String>,
    /// `protocol`, defaulted to TCP.
    pub protocol: Protocol,
    /// `port`, 1–65535.
    pub port: u16,
    /// `targetPort`, if given.
    pub target_port: Option<TargetPort>,
}

/// `targetPort`: a number or the name of a container port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetPort {
    /// A port number.
    Number(u16),
    /// A named container port.
    Name(String),
}

// ------------------------------------------------------------------------------------------
// Endpoints (legacy)
// ------------------------------------------------------------------------------------------

/// A `v1 Endpoints` object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoints {
    /// Name, namespace, labels, annotations.
    pub meta: ObjectMeta,
    /// `subsets`.
    pub subsets: Vec<EndpointSubset>,
}

/// One entry of `subsets`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EndpointSubset {
    /// `addresses`: ready addresses.
    pub addresses: Vec<EndpointAddress>,
    /// `notReadyAddresses`.
    pub not_ready_addresses: Vec<EndpointAddress>,
    /// `ports`.
    pub ports: Vec<EndpointPort>,
}

/// One address of an Endpoints subset.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointAddress {
    /// `ip`.
    pub ip: IpAddr,
    /// `hostname`.
    pub hostname: Option<Box<str>>,
    /// `nodeName`.
    pub node_name: Option<Box<str>>,
    /// `targetRef`.
    pub target_ref: Option<TargetRef>,
}

/// A `targetRef`: usually the Pod behind an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TargetRef {
    /// `kind`, usually `Pod`.
    pub kind: Option<Box<str>>,
    /// `namespace`.
    pub namespace: Option<Box<str>>,
    /// `name`.
    pub name: Box<str>,
}

// ------------------------------------------------------------------------------------------
// EndpointSlice
// ------------------------------------------------------------------------------------------

/// A `discovery.k8s.io/v1 EndpointSlice`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointSlice {
    /// Name, namespace, labels, annotations. The owning Service is named by the
    /// `kubernetes.io/service-name` label (see [`EndpointSlice::service_name`]).
    pub meta: ObjectMeta,
    /// `addressType`.
    pub address_type: AddressType,
    /// `endpoints`.
    pub endpoints: Vec<Endpoint>,
    /// `ports`. Empty means "no ports" (a portless headless Service).
    pub ports: Vec<EndpointPort>,
}

/// The label that links an EndpointSlice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// The label that links an EndpointSlice to its [`ServiceImport`] (Multi-Cluster Services API).
pub const MULTICLUSTER_SERVICE_NAME_LABEL: &str = "multicluster.kubernetes.io/service-name";

/// The label naming the cluster an imported EndpointSlice's endpoints run in: the cluster id
/// of `<endpoint>.<clusterid>.<svc>.<ns>.svc.<zone>` names.
pub const SOURCE_CLUSTER_LABEL: &str = "multicluster.kubernetes.io/source-cluster";

impl EndpointSlice {
    /// The Service this slice belongs to: its `kubernetes.io/service-name` label.
    pub fn service_name(&self) -> Option<&str> {
        self.meta.labels.get(SERVICE_NAME_LABEL).map(String::as_str)
    }

    /// The ServiceImport this slice belongs to: its `multicluster.kubernetes.io/service-name`
    /// label. A slice may carry both labels and then serves both.
    pub fn multicluster_service_name(&self) -> Option<&str> {
        self.meta
            .labels
            .get(MULTICLUSTER_SERVICE_NAME_LABEL)
            .map(String::as_str)
    }

    /// The cluster its endpoints run in: its `multicluster.kubernetes.io/source-cluster` label.
    pub fn source_cluster(&self) -> Option<&str> {
        self.meta
            .labels
            .get(SOURCE_CLUSTER_LABEL)
            .map(String::as_str)
    }
}

/// `addressType` of an EndpointSlice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressType {
    /// `IPv4`.
    IPv4,
    /// `IPv6`.
    IPv6,
    /// `FQDN` (deprecated; accepted, never served).
    Fqdn,
}

/// One entry of an EndpointSlice's `endpoints`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoint {
    /// `addresses` (1–100). For `FQDN` slices these are empty and
    /// [`Endpoint::fqdn_addresses`] holds the names.
    pub addresses: Vec<IpAddr>,
    /// `addresses` of an `FQDN` slice.
    pub fqdn_addresses: Vec<String>,
    /// `conditions`.
    pub conditions: EndpointConditions,
    /// `hostname`.
    pub hostname: Option<Box<str>>,
    /// `nodeName`.
    pub node_name: Option<Box<str>>,
    /// `zone`.
    pub zone: Option<Box<str>>,
    /// `targetRef`.
    pub target_ref: Option<TargetRef>,
}

impl Endpoint {
    /// Whether DNS serves this endpoint: `conditions.ready` is true or unset.
    ///
    /// This is the only condition CoreDNS reads; `serving` and `terminating` are ignored.
    pub fn is_ready(&self) -> bool {
        self.conditions.ready != Some(false)
    }
}

/// `conditions` of an endpoint. Unset means unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EndpointConditions {
    /// `ready`.
    pub ready: Option<bool>,
    /// `serving`.
    pub serving: Option<bool>,
    /// `terminating`.
    pub terminating: Option<bool>,
}

/// A port of an EndpointSlice or an Endpoints subset.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointPort {
    /// `name`.
    pub name: Option<String>,
    /// `protocol`, defaulted to TCP.
    pub protocol: Protocol,
    /// `port`. `None` only in an EndpointSlice, where it means "all ports".
    pub port: Option<u16>,
    /// `appProtocol`.
    pub app_protocol: Option<String>,
}

// ------------------------------------------------------------------------------------------
// ServiceImport
// ------------------------------------------------------------------------------------------

/// A `multicluster.x-k8s.io/v1alpha1 ServiceImport`: a Service exported by the clusters of a
/// ClusterSet, as the Multi-Cluster Services API (KEP-1645) describes it. CoreDNS answers it,
/// instead of Services, in the zones of its `multicluster` option.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceImport {
    /// Name, namespace, labels, annotations.
    pub meta: ObjectMeta,
    /// `spec.type`.
    pub import_type: ServiceImportType,
    /// `spec.ips`: the ClusterSet IPs (at most two). CoreDNS answers them for a `ClusterSetIP`
    /// import and ignores them for a headless one.
    pub ips: Vec<IpAddr>,
    /// `spec.ports`.
    pub ports: Vec<ServiceImportPort>,
}

impl ServiceImport {
    /// Whether the import is `Headless`.
    pub fn is_headless(&self) -> bool {
        self.import_type == ServiceImportType::Headless
    }
}

/// `spec.type` of a ServiceImport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceImportType {
    /// `ClusterSetIP`: reached through the ClusterSet IPs in `spec.ips`.
    ClusterSetIp,
    /// `Headless`: the endpoints of every cluster are answered directly.
    Headless,
}

impl ServiceImportType {
    /// The type as written in a manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceImportType::ClusterSetIp => "ClusterSetIP",
            ServiceImportType::Headless => "Headless",
        }
    }
}

/// One entry of a ServiceImport's `spec.ports`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceImportPort {
    /// `name`; required when the import has more than one port.
    pub name: Option<String>,
    /// `protocol`, defaulted to TCP.
    pub protocol: Protocol,
    /// `port`, 1–65535.
    pub port: u16,
    /// `appProtocol`.
    pub app_protocol: Option<String>,
}

// ------------------------------------------------------------------------------------------
// Namespace
// ------------------------------------------------------------------------------------------

/// A `v1 Namespace`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Namespace {
    /// Name and labels (`namespace` is empty).
    pub meta: ObjectMeta,
}

/// Any object the simulator models.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Object {
    /// A Service.
    Service(Service),
    /// An Endpoints object.
    Endpoints(Endpoints),
    /// An EndpointSlice.
    EndpointSlice(EndpointSlice),
    /// A Pod.
    Pod(Pod),
    /// A Namespace.
    Namespace(Namespace),
    /// A ServiceImport.
    ServiceImport(ServiceImport),
    /// A StatefulSet, Deployment, ReplicaSet, DaemonSet, ReplicationController or Job.
    Workload(Workload),
    /// A Node.
    Node(Node),
}

impl Object {
    /// The object's metadata.
    pub fn meta(&self) -> &ObjectMeta {
        match self {
            Object::Service(o) => &o.meta,
            Object::Endpoints(o) => &o.meta,
            Object::EndpointSlice(o) => &o.meta,
            Object::Pod(o) => &o.meta,
            Object::Namespace(o) => &o.meta,
            Object::ServiceImport(o) => &o.meta,
            Object::Workload(o) => &o.meta,
            Object::Node(o) => &o.meta,
        }
    }

    /// The object's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Object::Service(_) => Kind::Service,
            Object::Endpoints(_) => Kind::Endpoints,
            Object::EndpointSlice(_) => Kind::EndpointSlice,
            Object::Pod(_) => Kind::Pod,
            Object::Namespace(_) => Kind::Namespace,
            Object::ServiceImport(_) => Kind::ServiceImport,
            Object::Workload(o) => o.kind(),
            Object::Node(_) => Kind::Node,
        }
    }

    /// The object's identity.
    pub fn object_ref(&self) -> ObjectRef {
        let meta = self.meta();
        let kind = self.kind();
        if kind.is_namespaced() {
            ObjectRef::namespaced(kind, &meta.namespace, &meta.name)
        } else {
            ObjectRef::cluster_scoped(kind, &meta.name)
        }
    }
}
