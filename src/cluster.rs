//! The model cluster: loaded objects, linked the way a modern cluster links them, and indexed
//! for DNS lookups.
//!
//! Building a [`Cluster`] does, once, everything the controllers of a real cluster would have
//! done before DNS ever sees the objects:
//!
//! - **ClusterIPs** are allocated for Services that need one and have none (see
//!   [`ServiceCidrs`]).
//! - **EndpointSlices** belong to the Service named by their `kubernetes.io/service-name` label.
//! - **Endpoints** reach DNS only through the EndpointSlice mirroring controller: for a
//!   selectorless Service of the same name (see the `mirror` module). When the input already
//!   holds the mirrored slices (a `kubectl get -o yaml` dump), they are not mirrored twice.
//! - **ServiceImports** (the Multi-Cluster Services API) own the EndpointSlices labelled
//!   `multicluster.kubernetes.io/service-name` with their name; each such slice's cluster id is
//!   its `multicluster.kubernetes.io/source-cluster` label. They answer only in `multicluster`
//!   zones.
//! - An endpoint is **ready** unless `conditions.ready` is `false`.
//! - A **namespace exists** when a Namespace object names it or any object lives in it.
//!
//! What DNS needs per Service (its ready addresses by family) is computed here, so answering a
//! query is two hash lookups and a copy.
//!
//! ```
//! use k8s_dns_sim::Cluster;
//!
//! let cluster = Cluster::from_yaml(
//!     "apiVersion: v1
//! kind: Service
//! metadata: {name: web, namespace: default}
//! spec:
//!   clusterIP: 10.96.0.20
//!   ports: [{name: http, port: 80}]
//! ",
//! )?;
//! let web = cluster.service("default", "web").expect("loaded");
//! assert_eq!(web.cluster_ips(), ["10.96.0.20".parse::<std::net::IpAddr>()?]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod allocate;
mod mirror;

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub use allocate::ServiceCidrs;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::error::{LoadError, LoadErrorKind, LoadErrors, Location};
use crate::load::{self, DEFAULT_MAX_INPUT_BYTES, EmbeddedCorefile, LoadedObject, SkippedObject};
use crate::model::{
    ClusterIpSpec, Endpoint, EndpointSlice, Endpoints, IpFamily, IpFamilyPolicy, Kind, Namespace,
    Object, ObjectRef, Pod, Service, ServiceImport, ServiceType,
};
use allocate::Allocator;

/// A loaded, linked and indexed cluster. Immutable; cheap to query.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    services: Vec<ClusterService>,
    imports: Vec<ClusterImport>,
    namespaces: HashMap<Box<str>, NamespaceEntry>,
    slices: Vec<ClusterSlice>,
    endpoints: Vec<(Endpoints, Location)>,
    pods: Vec<(Pod, Location)>,
    diagnostics: Vec<Diagnostic>,
    skipped: Vec<SkippedObject>,
    /// The Corefile of the ConfigMap `kube-system/coredns`, if the input held it.
    corefile: Option<EmbeddedCorefile>,
    /// ClusterIP → the Services holding it, in load order (CoreDNS `SvcIndexReverse`).
    services_by_cluster_ip: HashMap<IpAddr, Vec<usize>>,
    /// Ready endpoint address → `(slice, endpoint)` indexes, in slice order, for every slice
    /// that names a Service (CoreDNS `EpIndexReverse`).
    endpoints_by_address: HashMap<IpAddr, Vec<(usize, usize)>>,
}

#[derive(Debug, Clone, Default)]
struct NamespaceEntry {
    /// Whether a Namespace object names it (otherwise it exists because objects live in it).
    object: Option<(Namespace, Location)>,
    /// Service name → index into `Cluster::services`.
    services: HashMap<Box<str>, usize>,
    /// ServiceImport name → index into `Cluster::imports`.
    imports: HashMap<Box<str>, usize>,
}

/// A Service as DNS sees it: the object, its effective ClusterIPs and its ready endpoints.
#[derive(Debug, Clone)]
pub struct ClusterService {
    service: Service,
    location: Location,
    cluster_ips: Vec<IpAddr>,
    slices: Vec<usize>,
    ready_ipv4: Vec<Ipv4Addr>,
    ready_ipv6: Vec<Ipv6Addr>,
}

impl ClusterService {
    /// The Service object.
    pub fn service(&self) -> &Service {
        &self.service
    }

    /// Where it was loaded from.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Its ClusterIPs, primary first: those the manifest gave, or those allocated for it. Empty
    /// for headless and ExternalName Services.
    pub fn cluster_ips(&self) -> &[IpAddr] {
        &self.cluster_ips
    }

    /// The distinct ready IPv4 endpoint addresses, in the order first seen.
    pub fn ready_ipv4(&self) -> &[Ipv4Addr] {
        &self.ready_ipv4
    }

    /// The distinct ready IPv6 endpoint addresses, in the order first seen.
    pub fn ready_ipv6(&self) -> &[Ipv6Addr] {
        &self.ready_ipv6
    }

    /// Whether any endpoint is ready.
    pub fn has_ready_endpoints(&self) -> bool {
        !self.ready_ipv4.is_empty() || !self.ready_ipv6.is_empty()
    }

    /// Indexes of its EndpointSlices in [`Cluster::endpoint_slices`].
    pub fn slice_indexes(&self) -> &[usize] {
        &self.slices
    }
}

/// A ServiceImport as DNS sees it in a `multicluster` zone: the object and the EndpointSlices
/// labelled `multicluster.kubernetes.io/service-name` with its name.
#[derive(Debug, Clone)]
pub struct ClusterImport {
    import: ServiceImport,
    location: Location,
    slices: Vec<usize>,
    ready_addresses: usize,
}

impl ClusterImport {
    /// The ServiceImport object.
    pub fn import(&self) -> &ServiceImport {
        &self.import
    }

    /// Where it was loaded from.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Indexes of its EndpointSlices in [`Cluster::endpoint_slices`].
    pub fn slice_indexes(&self) -> &[usize] {
        &self.slices
    }

    /// Whether any endpoint of its slices is ready.
    pub fn has_ready_endpoints(&self) -> bool {
        self.ready_addresses > 0
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
}

/// An EndpointSlice of the cluster, loaded or mirrored.
#[derive(Debug, Clone)]
pub struct ClusterSlice {
    slice: EndpointSlice,
    origin: SliceOrigin,
    location: Location,
    service: Option<usize>,
    import: Option<usize>,
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

    /// Whether it belongs to an existing Service.
    pub fn is_linked(&self) -> bool {
        self.service.is_some()
    }

    /// Whether it belongs to an existing ServiceImport.
    pub fn is_imported(&self) -> bool {
        self.import.is_some()
    }

    /// The cluster id of its endpoints in `multicluster` zones: the
    /// `multicluster.kubernetes.io/source-cluster` label, empty when it has none (as CoreDNS
    /// reads it).
    pub fn cluster_id(&self) -> &str {
        self.slice.source_cluster().unwrap_or_default()
    }
}

/// Builds a [`Cluster`] from several inputs, with options.
///
/// ```
/// use k8s_dns_sim::ClusterBuilder;
///
/// let mut builder = ClusterBuilder::new();
/// builder.add_yaml("services.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")?;
/// let cluster = builder.build()?;
/// assert!(cluster.has_namespace("shop"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ClusterBuilder {
    objects: Vec<LoadedObject>,
    identities: HashMap<ObjectRef, Location>,
    skipped: Vec<SkippedObject>,
    corefile: Option<EmbeddedCorefile>,
    service_cidrs: ServiceCidrs,
    max_input_bytes: usize,
}

impl Default for ClusterBuilder {
    fn default() -> Self {
        ClusterBuilder::new()
    }
}

impl ClusterBuilder {
    /// An empty builder with the default service CIDRs and input limit.
    pub fn new() -> Self {
        ClusterBuilder {
            objects: Vec::new(),
            identities: HashMap::new(),
            skipped: Vec::new(),
            corefile: None,
            service_cidrs: ServiceCidrs::default(),
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
        }
    }

    /// Sets the ranges ClusterIPs are allocated from.
    pub fn service_cidrs(&mut self, cidrs: ServiceCidrs) -> &mut Self {
        self.service_cidrs = cidrs;
        self
    }

    /// Sets the largest input [`ClusterBuilder::add_yaml`] accepts, in bytes.
    pub fn max_input_bytes(&mut self, limit: usize) -> &mut Self {
        self.max_input_bytes = limit;
        self
    }

    /// Adds every object of one YAML or JSON input (several documents, `kind: List`, or a
    /// single object). `origin` names the input in errors, usually its file name.
    ///
    /// The ConfigMap `kube-system/coredns` is read too: its `data.Corefile` becomes
    /// [`Cluster::corefile`]. A second one, in this input or an earlier one, is a duplicate.
    ///
    /// # Errors
    /// Every object that could not be loaded, and every object that repeats the kind, namespace
    /// and name of one already added. On error nothing of this input is added.
    pub fn add_yaml(&mut self, origin: &str, text: &str) -> Result<&mut Self, LoadErrors> {
        self.add_batch(Some(origin), text)?;
        Ok(self)
    }

    fn add_batch(&mut self, origin: Option<&str>, text: &str) -> Result<(), LoadErrors> {
        let batch =
            load::parse_manifests(origin, text, self.max_input_bytes).map_err(LoadErrors::new)?;
        let mut errors = Vec::new();
        let mut seen: HashMap<ObjectRef, Location> = HashMap::new();
        let identities = batch
            .objects
            .iter()
            .map(|loaded| (loaded.object.object_ref(), &loaded.location))
            .chain(
                batch
                    .corefiles
                    .iter()
                    .map(|corefile| (EmbeddedCorefile::object_ref(), corefile.location())),
            );
        for (identity, location) in identities {
            let first = self
                .identities
                .get(&identity)
                .or_else(|| seen.get(&identity));
            match first {
                Some(first) => errors.push(
                    LoadError::new(
                        location.clone(),
                        LoadErrorKind::Duplicate {
                            first: first.clone(),
                        },
                    )
                    .with_object(identity),
                ),
                None => {
                    seen.insert(identity, location.clone());
                }
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|error| {
                let location = &error.location;
                (location.document, location.item, location.line)
            });
            return Err(LoadErrors::new(errors));
        }
        self.identities.extend(seen);
        self.objects.extend(batch.objects);
        self.skipped.extend(batch.skipped);
        if let Some(corefile) = batch.corefiles.into_iter().next() {
            self.corefile = Some(corefile);
        }
        Ok(())
    }

    /// Links and indexes everything added.
    ///
    /// # Errors
    /// A Service that needs a ClusterIP when its service CIDR is full (or not configured for
    /// its family).
    pub fn build(self) -> Result<Cluster, LoadErrors> {
        let mut linker = Linker::new(self.service_cidrs, self.skipped);
        linker.cluster.corefile = self.corefile;
        linker.link(self.objects)
    }
}

impl Cluster {
    /// Loads a cluster from one YAML or JSON input with the default options.
    ///
    /// # Errors
    /// Every object that could not be loaded; see [`ClusterBuilder::add_yaml`].
    pub fn from_yaml(text: &str) -> Result<Cluster, LoadErrors> {
        let mut builder = ClusterBuilder::new();
        builder.add_batch(None, text)?;
        builder.build()
    }

    /// A builder for several inputs or non-default options.
    pub fn builder() -> ClusterBuilder {
        ClusterBuilder::new()
    }

    /// The Service `namespace/name` (case-insensitive).
    pub fn service(&self, namespace: &str, name: &str) -> Option<&ClusterService> {
        let mut namespace_buffer = [0u8; 253];
        let mut name_buffer = [0u8; 253];
        self.find_service(
            lowercase(namespace.as_bytes(), &mut namespace_buffer)?,
            lowercase(name.as_bytes(), &mut name_buffer)?,
        )
    }

    /// The Service `namespace/name`, both already lower-case. The answer path's lookup.
    pub(crate) fn find_service(&self, namespace: &str, name: &str) -> Option<&ClusterService> {
        let entry = self.namespaces.get(namespace)?;
        entry.services.get(name).map(|&index| &self.services[index])
    }

    /// The ServiceImport `namespace/name` (case-insensitive).
    pub fn service_import(&self, namespace: &str, name: &str) -> Option<&ClusterImport> {
        let mut namespace_buffer = [0u8; 253];
        let mut name_buffer = [0u8; 253];
        self.find_service_import(
            lowercase(namespace.as_bytes(), &mut namespace_buffer)?,
            lowercase(name.as_bytes(), &mut name_buffer)?,
        )
    }

    /// The ServiceImport `namespace/name`, both already lower-case. The answer path's lookup.
    pub(crate) fn find_service_import(
        &self,
        namespace: &str,
        name: &str,
    ) -> Option<&ClusterImport> {
        let entry = self.namespaces.get(namespace)?;
        entry.imports.get(name).map(|&index| &self.imports[index])
    }

    /// Every ServiceImport, in load order.
    pub fn service_imports(&self) -> &[ClusterImport] {
        &self.imports
    }

    /// The EndpointSlices of a ServiceImport.
    pub fn slices_of_import<'a>(
        &'a self,
        import: &'a ClusterImport,
    ) -> impl Iterator<Item = &'a ClusterSlice> + 'a {
        import.slices.iter().map(|&index| &self.slices[index])
    }

    /// Whether the namespace exists (case-insensitive): a Namespace object names it or an
    /// object lives in it.
    pub fn has_namespace(&self, namespace: &str) -> bool {
        let mut buffer = [0u8; 253];
        lowercase(namespace.as_bytes(), &mut buffer)
            .is_some_and(|namespace| self.namespaces.contains_key(namespace))
    }

    /// Whether the namespace exists; `namespace` already lower-case.
    pub(crate) fn has_namespace_lowercase(&self, namespace: &str) -> bool {
        self.namespaces.contains_key(namespace)
    }

    /// Every namespace, sorted.
    pub fn namespaces(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.namespaces.keys().map(AsRef::as_ref).collect();
        names.sort_unstable();
        names
    }

    /// Every Service, in load order.
    pub fn services(&self) -> &[ClusterService] {
        &self.services
    }

    /// Every EndpointSlice: loaded ones in load order, then mirrored ones.
    pub fn endpoint_slices(&self) -> &[ClusterSlice] {
        &self.slices
    }

    /// The EndpointSlices of a Service.
    pub fn slices_of<'a>(
        &'a self,
        service: &'a ClusterService,
    ) -> impl Iterator<Item = &'a ClusterSlice> + 'a {
        service.slices.iter().map(|&index| &self.slices[index])
    }

    /// Every loaded Endpoints object.
    pub fn endpoints(&self) -> impl Iterator<Item = &Endpoints> {
        self.endpoints.iter().map(|(endpoints, _)| endpoints)
    }

    /// Every loaded Pod.
    pub fn pods(&self) -> impl Iterator<Item = &Pod> {
        self.pods.iter().map(|(pod, _)| pod)
    }

    /// The Services whose ClusterIPs include `ip`, in load order.
    pub fn services_with_cluster_ip(&self, ip: IpAddr) -> impl Iterator<Item = &ClusterService> {
        self.services_by_cluster_ip
            .get(&ip)
            .into_iter()
            .flatten()
            .map(|&index| &self.services[index])
    }

    /// The ready endpoints with address `ip`, with their slices, over every slice that names a
    /// Service (whether or not that Service exists).
    pub fn ready_endpoints_with_address(
        &self,
        ip: IpAddr,
    ) -> impl Iterator<Item = (&ClusterSlice, &Endpoint)> {
        self.endpoints_by_address
            .get(&ip)
            .into_iter()
            .flatten()
            .map(|&(slice, endpoint)| {
                let slice = &self.slices[slice];
                (slice, &slice.slice.endpoints[endpoint])
            })
    }

    /// Everything noticed while linking that changes (or fails to change) DNS.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Objects of kinds the simulator does not model, listed rather than loaded.
    pub fn skipped(&self) -> &[SkippedObject] {
        &self.skipped
    }

    /// The Corefile of the ConfigMap `kube-system/coredns`, when the input held it: the
    /// configuration of the cluster the manifests were dumped from. See
    /// [`ClusterDns::from_cluster`](crate::ClusterDns::from_cluster).
    pub fn corefile(&self) -> Option<&EmbeddedCorefile> {
        self.corefile.as_ref()
    }
}

/// Lower-cases ASCII into `buffer`; `None` when it does not fit or is not UTF-8.
pub(crate) fn lowercase<'b>(text: &[u8], buffer: &'b mut [u8]) -> Option<&'b str> {
    let target = buffer.get_mut(..text.len())?;
    for (out, byte) in target.iter_mut().zip(text) {
        *out = byte.to_ascii_lowercase();
    }
    std::str::from_utf8(target).ok()
}

// ------------------------------------------------------------------------------------------
// Linking
// ------------------------------------------------------------------------------------------

/// The one-shot work of [`ClusterBuilder::build`].
struct Linker {
    cidrs: ServiceCidrs,
    cluster: Cluster,
}

impl Linker {
    fn new(cidrs: ServiceCidrs, skipped: Vec<SkippedObject>) -> Self {
        Linker {
            cidrs,
            cluster: Cluster {
                skipped,
                ..Cluster::default()
            },
        }
    }

    fn link(mut self, objects: Vec<LoadedObject>) -> Result<Cluster, LoadErrors> {
        let mut endpoints = Vec::new();
        let mut slices = Vec::new();
        for LoadedObject { object, location } in objects {
            if !matches!(object, Object::Namespace(_)) {
                self.namespace_entry(&object.meta().namespace);
            }
            match object {
                Object::Service(service) => self.add_service(service, location),
                Object::Endpoints(object) => endpoints.push((object, location)),
                Object::EndpointSlice(slice) => slices.push((slice, location)),
                Object::Pod(pod) => self.cluster.pods.push((pod, location)),
                Object::Namespace(namespace) => {
                    let name = namespace.meta.name.clone();
                    self.namespace_entry(&name).object = Some((namespace, location));
                }
                Object::ServiceImport(import) => self.add_import(import, location),
            }
        }
        self.assign_cluster_ips()?;
        for (slice, location) in slices {
            self.add_loaded_slice(slice, location);
        }
        for (object, location) in endpoints {
            self.mirror_endpoints(&object, &location);
            self.cluster.endpoints.push((object, location));
        }
        self.collect_ready_addresses();
        self.index_addresses();
        self.diagnose_services();
        self.diagnose_imports();
        // Report in input order, whatever order linking noticed things in.
        self.cluster.diagnostics.sort_by_key(|diagnostic| {
            let location = &diagnostic.location;
            (
                location.origin.clone(),
                location.document,
                location.item,
                location.line,
            )
        });
        Ok(self.cluster)
    }

    fn namespace_entry(&mut self, namespace: &str) -> &mut NamespaceEntry {
        self.cluster.namespaces.entry(namespace.into()).or_default()
    }

    fn add_service(&mut self, service: Service, location: Location) {
        let index = self.cluster.services.len();
        let name: Box<str> = service.meta.name.as_str().into();
        self.namespace_entry(&service.meta.namespace)
            .services
            .insert(name, index);
        self.cluster.services.push(ClusterService {
            service,
            location,
            cluster_ips: Vec::new(),
            slices: Vec::new(),
            ready_ipv4: Vec::new(),
            ready_ipv6: Vec::new(),
        });
    }

    fn add_import(&mut self, import: ServiceImport, location: Location) {
        let index = self.cluster.imports.len();
        let name: Box<str> = import.meta.name.as_str().into();
        self.namespace_entry(&import.meta.namespace)
            .imports
            .insert(name, index);
        self.cluster.imports.push(ClusterImport {
            import,
            location,
            slices: Vec::new(),
            ready_addresses: 0,
        });
    }

    /// Explicit ClusterIPs first (reserving them), then allocation in name order.
    fn assign_cluster_ips(&mut self) -> Result<(), LoadErrors> {
        let mut taken: HashSet<IpAddr> = HashSet::new();
        let mut owner: HashMap<IpAddr, usize> = HashMap::new();
        for index in 0..self.cluster.services.len() {
            let entry = &self.cluster.services[index];
            if let ClusterIpSpec::Ips(ips) = &entry.service.cluster_ip {
                let ips = ips.clone();
                for ip in &ips {
                    taken.insert(*ip);
                    if let Some(&other) = owner.get(ip) {
                        self.diagnose_duplicate_ip(index, other, *ip);
                    } else {
                        owner.insert(*ip, index);
                    }
                }
                self.cluster.services[index].cluster_ips = ips;
            }
        }
        let mut order: Vec<usize> = (0..self.cluster.services.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (
                &self.cluster.services[a].service.meta,
                &self.cluster.services[b].service.meta,
            );
            (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
        });
        let mut errors = Vec::new();
        let mut allocator = Allocator::new(&mut taken);
        for index in order {
            let entry = &self.cluster.services[index];
            let wanted = families_to_allocate(&entry.service, &entry.cluster_ips, &self.cidrs);
            for family in wanted {
                let meta = &self.cluster.services[index].service.meta;
                let allocated = self
                    .cidrs
                    .range(family)
                    .and_then(|range| allocator.allocate(range, &meta.namespace, &meta.name));
                match allocated {
                    Some(ip) => self.cluster.services[index].cluster_ips.push(ip),
                    None => {
                        let entry = &self.cluster.services[index];
                        let cidr = self.cidrs.range(family).map_or_else(
                            || format!("(no {family} range configured)"),
                            |r| r.to_string(),
                        );
                        errors.push(
                            LoadError::new(
                                entry.location.clone(),
                                LoadErrorKind::ServiceCidrExhausted { cidr },
                            )
                            .with_object(service_ref(&entry.service))
                            .with_field("spec.clusterIP"),
                        );
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(LoadErrors::new(errors))
        }
    }

    fn diagnose_duplicate_ip(&mut self, index: usize, other: usize, ip: IpAddr) {
        let entry = &self.cluster.services[index];
        let other = service_ref(&self.cluster.services[other].service);
        self.cluster.diagnostics.push(Diagnostic {
            object: service_ref(&entry.service),
            location: entry.location.clone(),
            kind: DiagnosticKind::DuplicateClusterIp { ip, other },
        });
    }

    fn add_loaded_slice(&mut self, slice: EndpointSlice, location: Location) {
        let object =
            ObjectRef::namespaced(Kind::EndpointSlice, &slice.meta.namespace, &slice.meta.name);
        let imported = slice.multicluster_service_name();
        let problem = if slice.address_type == crate::model::AddressType::Fqdn {
            Some(DiagnosticKind::FqdnSliceNotServed)
        } else {
            match slice.service_name() {
                // A slice of a ServiceImport needs no Service.
                None if imported.is_some() => None,
                None => Some(DiagnosticKind::SliceWithoutServiceLabel),
                Some(service)
                    if self
                        .cluster
                        .find_service(&slice.meta.namespace, service)
                        .is_none() =>
                {
                    Some(DiagnosticKind::SliceWithoutService {
                        service: service.to_owned(),
                    })
                }
                Some(_) => None,
            }
        };
        let mut problems: Vec<DiagnosticKind> = problem.into_iter().collect();
        if let Some(import) = imported
            && slice.address_type != crate::model::AddressType::Fqdn
        {
            if self
                .cluster
                .find_service_import(&slice.meta.namespace, import)
                .is_none()
            {
                problems.push(DiagnosticKind::MulticlusterSliceWithoutImport {
                    import: import.to_owned(),
                });
            }
            if slice.source_cluster().is_none() {
                problems.push(DiagnosticKind::MulticlusterSliceWithoutSourceCluster);
            }
        }
        for kind in problems {
            self.cluster.diagnostics.push(Diagnostic {
                object: object.clone(),
                location: location.clone(),
                kind,
            });
        }
        self.push_slice(slice, SliceOrigin::Loaded, location);
    }

    fn push_slice(&mut self, slice: EndpointSlice, origin: SliceOrigin, location: Location) {
        let index = self.cluster.slices.len();
        let service = if slice.address_type == crate::model::AddressType::Fqdn {
            None
        } else {
            slice.service_name().and_then(|name| {
                self.cluster
                    .namespaces
                    .get(slice.meta.namespace.as_str())
                    .and_then(|entry| entry.services.get(name).copied())
            })
        };
        if let Some(service) = service {
            self.cluster.services[service].slices.push(index);
        }
        let import = if slice.address_type == crate::model::AddressType::Fqdn {
            None
        } else {
            slice.multicluster_service_name().and_then(|name| {
                self.cluster
                    .namespaces
                    .get(slice.meta.namespace.as_str())
                    .and_then(|entry| entry.imports.get(name).copied())
            })
        };
        if let Some(import) = import {
            let ready: usize = slice
                .endpoints
                .iter()
                .filter(|endpoint| endpoint.is_ready())
                .map(|endpoint| endpoint.addresses.len())
                .sum();
            let entry = &mut self.cluster.imports[import];
            entry.slices.push(index);
            entry.ready_addresses += ready;
        }
        self.cluster.slices.push(ClusterSlice {
            slice,
            origin,
            location,
            service,
            import,
        });
    }

    fn mirror_endpoints(&mut self, endpoints: &Endpoints, location: &Location) {
        let namespace = endpoints.meta.namespace.as_str();
        let name = endpoints.meta.name.as_str();
        let object = ObjectRef::namespaced(Kind::Endpoints, namespace, name);
        let diagnose = |kind| Diagnostic {
            object: object.clone(),
            location: location.clone(),
            kind,
        };
        let Some(service) = self.cluster.find_service(namespace, name) else {
            let suggestion = self.suggest_service_for(namespace);
            self.cluster
                .diagnostics
                .push(diagnose(DiagnosticKind::EndpointsWithoutService {
                    name: name.to_owned(),
                    suggestion,
                }));
            return;
        };
        if service.service.selector.is_some() {
            // A dump of a real cluster holds the controller's own Endpoints next to its slices:
            // nothing to tell. Hand-written Endpoints beside a selector are a classic mistake.
            if service.slices.is_empty() {
                self.cluster
                    .diagnostics
                    .push(diagnose(DiagnosticKind::EndpointsBesideSelector {
                        service: name.to_owned(),
                    }));
            }
            return;
        }
        match mirror::refusal(endpoints) {
            Some(mirror::MirrorRefusal::SkipMirrorLabel) => {
                self.cluster
                    .diagnostics
                    .push(diagnose(DiagnosticKind::EndpointsSkipMirror));
                return;
            }
            Some(mirror::MirrorRefusal::LeaderElection) => {
                self.cluster
                    .diagnostics
                    .push(diagnose(DiagnosticKind::EndpointsLeaderElection));
                return;
            }
            None => {}
        }
        let already_mirrored = self.cluster.slices_of(service).any(|slice| {
            slice
                .slice
                .meta
                .labels
                .get(mirror::MANAGED_BY_LABEL)
                .map(String::as_str)
                == Some(mirror::MIRRORING_CONTROLLER)
        });
        if already_mirrored {
            return;
        }
        let mirrored = mirror::mirror(endpoints);
        for (subset, total, dropped) in mirrored.truncated {
            self.cluster
                .diagnostics
                .push(diagnose(DiagnosticKind::EndpointsTruncated {
                    subset,
                    total,
                    dropped,
                }));
        }
        for slice in mirrored.slices {
            self.push_slice(
                slice,
                SliceOrigin::MirroredFrom(name.to_owned()),
                location.clone(),
            );
        }
    }

    /// A selectorless, non-ExternalName Service in `namespace` with no slices yet: what an
    /// Endpoints object with a non-matching name was most likely meant for.
    fn suggest_service_for(&self, namespace: &str) -> Option<String> {
        let entry = self.cluster.namespaces.get(namespace)?;
        let mut candidates: Vec<&str> = entry
            .services
            .values()
            .map(|&index| &self.cluster.services[index])
            .filter(|service| {
                service.service.selector.is_none()
                    && service.service.service_type != ServiceType::ExternalName
                    && service.slices.is_empty()
            })
            .map(|service| service.service.meta.name.as_str())
            .collect();
        candidates.sort_unstable();
        match candidates.as_slice() {
            [only] => Some((*only).to_owned()),
            _ => None,
        }
    }

    /// The reverse indexes PTR answers use.
    fn index_addresses(&mut self) {
        for (index, service) in self.cluster.services.iter().enumerate() {
            for ip in &service.cluster_ips {
                self.cluster
                    .services_by_cluster_ip
                    .entry(*ip)
                    .or_default()
                    .push(index);
            }
        }
        for (slice_index, slice) in self.cluster.slices.iter().enumerate() {
            if slice.slice.service_name().is_none() {
                continue;
            }
            for (endpoint_index, endpoint) in slice.slice.endpoints.iter().enumerate() {
                if !endpoint.is_ready() {
                    continue;
                }
                for address in &endpoint.addresses {
                    self.cluster
                        .endpoints_by_address
                        .entry(*address)
                        .or_default()
                        .push((slice_index, endpoint_index));
                }
            }
        }
    }

    fn collect_ready_addresses(&mut self) {
        for service in &mut self.cluster.services {
            let mut seen: HashSet<IpAddr> = HashSet::new();
            for &index in &service.slices {
                let slice = &self.cluster.slices[index].slice;
                for endpoint in slice.endpoints.iter().filter(|e| e.is_ready()) {
                    for &address in &endpoint.addresses {
                        if !seen.insert(address) {
                            continue;
                        }
                        match address {
                            IpAddr::V4(v4) => service.ready_ipv4.push(v4),
                            IpAddr::V6(v6) => service.ready_ipv6.push(v6),
                        }
                    }
                }
            }
        }
    }

    fn diagnose_services(&mut self) {
        for service in &self.cluster.services {
            let kind = match &service.service.external_name {
                Some(name)
                    if service.service.service_type == ServiceType::ExternalName
                        && name.parse::<IpAddr>().is_ok() =>
                {
                    Some(DiagnosticKind::ExternalNameIsIp {
                        external_name: name.clone(),
                    })
                }
                _ if service.service.is_headless() && !service.has_ready_endpoints() => {
                    Some(DiagnosticKind::HeadlessWithoutReadyEndpoints)
                }
                _ => None,
            };
            if let Some(kind) = kind {
                self.cluster.diagnostics.push(Diagnostic {
                    object: service_ref(&service.service),
                    location: service.location.clone(),
                    kind,
                });
            }
        }
    }
}

impl Linker {
    fn diagnose_imports(&mut self) {
        for import in &self.cluster.imports {
            let object = &import.import;
            let kind = if object.is_headless() && !import.has_ready_endpoints() {
                Some(DiagnosticKind::HeadlessImportWithoutReadyEndpoints)
            } else if !object.is_headless() && object.ports.is_empty() {
                Some(DiagnosticKind::ClusterSetIpImportWithoutPorts)
            } else if !object.is_headless() && object.ips.is_empty() {
                Some(DiagnosticKind::ClusterSetIpImportWithoutIps)
            } else {
                None
            };
            if let Some(kind) = kind {
                self.cluster.diagnostics.push(Diagnostic {
                    object: ObjectRef::namespaced(
                        Kind::ServiceImport,
                        &object.meta.namespace,
                        &object.meta.name,
                    ),
                    location: import.location.clone(),
                    kind,
                });
            }
        }
    }
}

/// Which families a Service still needs an allocated ClusterIP for.
fn families_to_allocate(service: &Service, have: &[IpAddr], cidrs: &ServiceCidrs) -> Vec<IpFamily> {
    if service.service_type == ServiceType::ExternalName || service.is_headless() {
        return Vec::new();
    }
    let dual = matches!(
        service.ip_family_policy,
        Some(IpFamilyPolicy::PreferDualStack | IpFamilyPolicy::RequireDualStack)
    );
    let primary = have
        .first()
        .map(IpFamily::of)
        .or_else(|| service.ip_families.first().copied())
        .unwrap_or_else(|| cidrs.primary_family());
    let mut wanted = vec![primary];
    if dual {
        let secondary = service
            .ip_families
            .get(1)
            .copied()
            .unwrap_or(match primary {
                IpFamily::IPv4 => IpFamily::IPv6,
                IpFamily::IPv6 => IpFamily::IPv4,
            });
        let required = service.ip_family_policy == Some(IpFamilyPolicy::RequireDualStack);
        if required || cidrs.range(secondary).is_some() {
            wanted.push(secondary);
        }
    }
    wanted
        .into_iter()
        .filter(|family| !have.iter().any(|ip| IpFamily::of(ip) == *family))
        .collect()
}

fn service_ref(service: &Service) -> ObjectRef {
    ObjectRef::namespaced(Kind::Service, &service.meta.namespace, &service.meta.name)
}
