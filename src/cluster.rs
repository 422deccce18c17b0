//! The model cluster: loaded objects, linked the way a modern cluster links them, and indexed
//! for DNS lookups.
//!
//! Loading objects into a [`Cluster`] does everything the controllers of a real cluster would
//! have done before DNS ever sees the objects:
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
//! query is a hash lookup and a copy.
//!
//! A `Cluster` is an immutable snapshot: every map in it is persistent (structurally shared),
//! so cloning one is a few reference-count increments and it can be shared across threads.
//! [`Cluster::apply`] makes the next snapshot from a batch of [`Change`]s, relinking only what
//! the changed objects touch; loading from scratch is the same operation on an empty cluster,
//! which is why the two agree (except for which address an allocated ClusterIP or a workload
//! Pod got: those stay with their object across changes, as in a real cluster).
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

pub(crate) mod allocate;
mod builder;
pub use builder::{ClusterBuilder, ObjectLimits};
mod views;
pub use views::{ClusterImport, ClusterService, ClusterSlice, SliceOrigin};
pub(crate) use views::{LinkedSlices, ServiceView};
mod diagnose;
pub(crate) use diagnose::{similar_name, suggest_service_for};
mod index;
mod link;
mod mirror;
mod nodes;
#[cfg(feature = "k8s-openapi")]
mod openapi;
mod update;

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use allocate::CidrCheck;
pub use allocate::ServiceCidrs;
pub use update::{Change, UpdateError, UpdateErrorKind, UpdateErrors};

use index::{Index, Linked, Objects};

use crate::diagnostic::Diagnostic;
use crate::error::{LoadErrors, Location};
use crate::load::{EmbeddedCorefile, LoadLimits, SkippedObject};
use crate::model::Workload;
use crate::model::{Endpoint, EndpointSlice, Endpoints, ObjectMeta, Pod};
use crate::workload::WorkloadConfig;

/// The SOA serial of a freshly loaded cluster. CoreDNS uses the time of the last cluster
/// change, which no test can predict; the simulator counts changes instead: 1 after loading,
/// one more after every batch of [`Change`]s (see [`Cluster::serial`]).
pub const SOA_SERIAL: u32 = 1;

/// A persistent hash map: cloning shares the structure, changing copies one path.
pub(crate) type Map<K, V> = rpds::HashTrieMapSync<K, V>;
/// A persistent ordered set.
pub(crate) type Set<T> = rpds::RedBlackTreeSetSync<T>;
/// The key of a namespaced object: `namespace/name`, lower-case as Kubernetes names are.
pub(crate) type Key = Arc<str>;

/// `namespace/name`.
pub(crate) fn key(namespace: &str, name: &str) -> Key {
    let mut text = String::with_capacity(namespace.len() + name.len() + 1);
    text.push_str(namespace);
    text.push('/');
    text.push_str(name);
    text.into()
}

/// The id of a loaded slice among the effective slices.
pub(crate) fn loaded_slice_id(key: &Key) -> Key {
    format!("L {key}").into()
}

/// The id of a slice the simulator made (mirrored or derived from Pods); generated names are
/// unique per Service.
pub(crate) fn derived_slice_id(slice: &EndpointSlice) -> Key {
    format!("D {}/{}", slice.meta.namespace, slice.meta.name).into()
}

/// The key of a namespace in the per-namespace indexes.
pub(crate) fn key_of_namespace(namespace: &str) -> Key {
    namespace.into()
}

/// The namespaces every cluster has from its start (the API server creates them), whether or
/// not the input mentions them: a name in `default` is never NXDOMAIN for want of the
/// namespace.
pub const BUILT_IN_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];

/// An object with where it was read from.
#[derive(Debug, Clone)]
pub(crate) struct Sourced<T> {
    pub(crate) object: T,
    pub(crate) location: Location,
}

/// A loaded, linked and indexed cluster: an immutable snapshot, cheap to clone and to query.
#[derive(Clone)]
pub struct Cluster {
    /// The objects, as loaded or changed since.
    pub(crate) objects: Objects,
    /// What linking derives from them.
    pub(crate) linked: Linked,
    /// Lookups other than by key, changed only through [`Index`]'s methods.
    pub(crate) index: Index,
    /// Increases with every applied batch of changes; the SOA serial.
    pub(crate) serial: u32,
    /// Where ClusterIPs come from.
    pub(crate) cidrs: Arc<ServiceCidrs>,
    /// What stated ClusterIPs are checked against.
    pub(crate) cidr_check: Arc<CidrCheck>,
    /// Where workload Pods run and which addresses they get.
    pub(crate) workload_config: Arc<WorkloadConfig>,
    /// Bounds on what the objects expand into.
    pub(crate) limits: ObjectLimits,
    /// Bounds on the text of the manifests a change applies.
    pub(crate) load_limits: LoadLimits,
    /// Objects of kinds the simulator does not model, listed.
    pub(crate) skipped: Arc<Vec<SkippedObject>>,
    /// The Corefile of the ConfigMap `kube-system/coredns`, when the input held it.
    pub(crate) corefile: Option<Arc<EmbeddedCorefile>>,
    /// The ConfigMap `kube-system/coredns-custom` as files under `/etc/coredns/custom/`.
    pub(crate) custom_files: Arc<BTreeMap<String, String>>,
    /// Computed on first use for each snapshot.
    pub(crate) diagnostics: Arc<OnceLock<Vec<Diagnostic>>>,
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster::empty(ServiceCidrs::default())
    }
}

impl fmt::Debug for Cluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cluster")
            .field("serial", &self.serial)
            .field("services", &self.linked.services.size())
            .field("service_imports", &self.linked.imports.size())
            .field("endpoint_slices", &self.linked.slices.size())
            .field("pods", &self.objects.pods.size())
            .field("namespaces", &self.namespaces().len())
            .finish_non_exhaustive()
    }
}

/// Indexes of a [`Cluster`] that disagree with its objects (see
/// [`Cluster::check_consistency`]): a bug in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the cluster's indexes disagree with its objects:\n  {}", problems.join("\n  "))]
#[non_exhaustive]
pub struct ConsistencyError {
    /// What disagrees, one line each.
    pub problems: Vec<String>,
}

impl Cluster {
    /// A cluster with no object.
    pub(crate) fn empty(cidrs: ServiceCidrs) -> Cluster {
        Cluster {
            objects: Objects {
                services: Map::new_sync(),
                endpoints: Map::new_sync(),
                imports: Map::new_sync(),
                pods: Map::new_sync(),
                namespaces: Map::new_sync(),
                workloads: Map::new_sync(),
                nodes: Map::new_sync(),
            },
            // 16 children a node, not 64, for the two maps a readiness flip copies a path of: a
            // copied node touches its children's reference counts, which in a big cluster are
            // not in cache (150k endpoints: 72 L1 misses a flip instead of 346; README).
            linked: Linked {
                services: Map::new_sync_with_degree(16),
                imports: Map::new_sync(),
                slices: Map::new_sync_with_degree(16),
            },
            index: Index::new(),
            serial: SOA_SERIAL,
            cidr_check: Arc::new(CidrCheck::learnt(&[], &cidrs).0),
            cidrs: Arc::new(cidrs),
            workload_config: Arc::new(WorkloadConfig::default()),
            limits: ObjectLimits::default(),
            load_limits: LoadLimits::DEFAULT,
            skipped: Arc::new(Vec::new()),
            corefile: None,
            custom_files: Arc::new(BTreeMap::new()),
            diagnostics: Arc::new(OnceLock::new()),
        }
    }

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

    /// The SOA serial: 1 for a freshly loaded cluster, one more after every applied batch.
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// The same cluster at SOA serial `serial`: for a cluster loaded again that must follow
    /// the serial of the one it replaces, as a zone's serial only grows.
    ///
    /// ```
    /// let cluster = k8s_dns_sim::Cluster::from_yaml("")?.with_serial(7);
    /// assert_eq!(cluster.serial(), 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_serial(mut self, serial: u32) -> Self {
        self.serial = serial;
        self
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

    /// The Service `namespace/name`, both already lower-case. The answer path's lookup: the
    /// key is written into a stack buffer, so nothing is allocated.
    pub(crate) fn find_service(&self, namespace: &str, name: &str) -> Option<&ClusterService> {
        let mut buffer = [0u8; 512];
        let key = stack_key(namespace, name, &mut buffer)?;
        self.linked.services.get(key).map(AsRef::as_ref)
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

    /// The ServiceImport `namespace/name`, both already lower-case.
    pub(crate) fn find_service_import(
        &self,
        namespace: &str,
        name: &str,
    ) -> Option<&ClusterImport> {
        let mut buffer = [0u8; 512];
        let key = stack_key(namespace, name, &mut buffer)?;
        self.linked.imports.get(key).map(AsRef::as_ref)
    }

    /// Every ServiceImport, sorted by namespace and name.
    pub fn service_imports(&self) -> Vec<&ClusterImport> {
        let mut imports: Vec<&ClusterImport> =
            self.linked.imports.values().map(AsRef::as_ref).collect();
        imports.sort_by(|a, b| {
            let (a, b) = (&a.import().meta, &b.import().meta);
            (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
        });
        imports
    }

    /// The EndpointSlices of a ServiceImport.
    pub fn slices_of_import<'a>(
        &'a self,
        import: &'a ClusterImport,
    ) -> impl Iterator<Item = &'a ClusterSlice> + 'a {
        import.slices()
    }

    /// Whether the namespace exists (case-insensitive): a Namespace object names it or an
    /// object lives in it.
    pub fn has_namespace(&self, namespace: &str) -> bool {
        let mut buffer = [0u8; 253];
        lowercase(namespace.as_bytes(), &mut buffer)
            .is_some_and(|namespace| self.has_namespace_lowercase(namespace))
    }

    /// Whether the namespace exists; `namespace` already lower-case.
    pub(crate) fn has_namespace_lowercase(&self, namespace: &str) -> bool {
        BUILT_IN_NAMESPACES.contains(&namespace)
            || self.index.namespace_in_use(namespace)
            || self.objects.namespaces.contains_key(namespace)
    }

    /// Every namespace, sorted.
    pub fn namespaces(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .index
            .namespaces_in_use()
            .chain(self.objects.namespaces.keys())
            .map(AsRef::as_ref)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Every Service, sorted by namespace and name.
    pub fn services(&self) -> Vec<&ClusterService> {
        let mut services: Vec<&ClusterService> =
            self.linked.services.values().map(AsRef::as_ref).collect();
        services.sort_by(|a, b| {
            let (a, b) = (&a.service().meta, &b.service().meta);
            (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
        });
        services
    }

    /// Every EndpointSlice, loaded and mirrored, sorted by namespace and name.
    pub fn endpoint_slices(&self) -> Vec<&ClusterSlice> {
        let mut slices: Vec<&ClusterSlice> =
            self.linked.slices.values().map(AsRef::as_ref).collect();
        slices.sort_by(|a, b| {
            let (a, b) = (&a.slice.meta, &b.slice.meta);
            (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
        });
        slices
    }

    /// The EndpointSlices of a Service.
    pub fn slices_of<'a>(
        &'a self,
        service: &'a ClusterService,
    ) -> impl Iterator<Item = &'a ClusterSlice> + 'a {
        service.slices()
    }

    /// The Service a slice belongs to, if it names one that exists.
    pub fn service_of(&self, slice: &ClusterSlice) -> Option<&ClusterService> {
        let name = slice.slice.service_name()?;
        self.find_service(&slice.slice.meta.namespace, name)
    }

    /// Every loaded Endpoints object, sorted by namespace and name.
    pub fn endpoints(&self) -> impl Iterator<Item = &Endpoints> {
        sorted_by_key(
            self.objects.endpoints.values().map(|source| &source.object),
            |e| &e.meta,
        )
    }

    /// Every workload (StatefulSet, Deployment, ReplicaSet, DaemonSet, ReplicationController,
    /// Job), sorted by namespace, name and kind.
    pub fn workloads(&self) -> impl Iterator<Item = &Workload> {
        let mut workloads: Vec<&Workload> = self
            .objects
            .workloads
            .values()
            .map(|source| &source.object)
            .collect();
        workloads.sort_by(|a, b| {
            (&a.meta.namespace, &a.meta.name, a.kind()).cmp(&(
                &b.meta.namespace,
                &b.meta.name,
                b.kind(),
            ))
        });
        workloads.into_iter()
    }

    /// Whether a Pod was made by a workload rather than loaded.
    pub fn is_generated(&self, pod: &Pod) -> bool {
        let namespace: Key = pod.meta.namespace.as_str().into();
        self.index
            .generated_pods
            .values(&namespace)
            .is_some_and(|pods| pods.contains(&key(&pod.meta.namespace, &pod.meta.name)))
    }

    /// Every Pod: loaded ones and those workloads made, sorted by namespace and name.
    pub fn pods(&self) -> impl Iterator<Item = &Pod> {
        sorted_by_key(
            self.objects.pods.values().map(|source| &source.object),
            |pod| &pod.meta,
        )
    }

    /// The Pods whose primary IP is `ip`.
    pub(crate) fn pods_with_ip(&self, ip: IpAddr) -> impl Iterator<Item = &Pod> {
        self.index
            .pods_by_ip
            .get(&ip)
            .filter_map(|key| self.objects.pods.get(key))
            .map(|source| &source.object)
    }

    /// The Services whose ClusterIPs include `ip`, sorted by namespace and name.
    pub fn services_with_cluster_ip(&self, ip: IpAddr) -> impl Iterator<Item = &ClusterService> {
        self.index
            .ip_owners
            .get(&ip)
            .filter_map(|key| self.linked.services.get(key))
            .map(AsRef::as_ref)
    }

    /// The ready endpoints with address `ip`, with their slices, over every slice that names a
    /// Service (whether or not that Service exists).
    pub fn ready_endpoints_with_address(
        &self,
        ip: IpAddr,
    ) -> impl Iterator<Item = (&ClusterSlice, &Endpoint)> {
        self.index
            .endpoints_by_address
            .get(&ip)
            .filter_map(|(slice, endpoint)| {
                let slice = self.linked.slices.get(slice)?;
                let endpoint = slice.slice.endpoints.get(*endpoint as usize)?;
                endpoint.is_ready().then_some((slice.as_ref(), endpoint))
            })
    }

    /// Every Pod (loaded, and those workloads made) with where it was read from, sorted by
    /// namespace and name: for the lint, which names the place of what it reports.
    pub(crate) fn located_pods(&self) -> Vec<(&Pod, &Location)> {
        located(self.objects.pods.values().map(AsRef::as_ref), |pod| {
            &pod.meta
        })
    }

    /// Every workload with where it was read from, sorted by namespace and name.
    pub(crate) fn located_workloads(&self) -> Vec<(&Workload, &Location)> {
        located(self.objects.workloads.values().map(AsRef::as_ref), |w| {
            &w.meta
        })
    }

    /// Where the Namespace object `name` was read from, when the input held one.
    pub(crate) fn namespace_location(&self, name: &str) -> Option<&Location> {
        self.objects
            .namespaces
            .get(name)
            .map(|source| &source.location)
    }

    /// Everything about the objects that changes (or fails to change) DNS, in input order.
    /// Worked out on first use for each snapshot.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        self.diagnostics.get_or_init(|| diagnose::diagnose(self))
    }

    /// Checks that every index of the snapshot agrees with the objects it derives from, by
    /// rebuilding the indexes: the invariant that makes an incrementally changed cluster answer
    /// like a fresh load. A test aid (this crate's change-sequence property calls it after
    /// every sequence); it costs a full rebuild.
    ///
    /// # Errors
    /// [`ConsistencyError`] listing every index that disagrees.
    pub fn check_consistency(&self) -> Result<(), ConsistencyError> {
        let problems = index::check(self);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConsistencyError { problems })
        }
    }

    /// Objects of kinds the simulator does not model, listed rather than loaded.
    pub fn skipped(&self) -> &[SkippedObject] {
        &self.skipped
    }

    /// The Corefile of the ConfigMap `kube-system/coredns`, when the input held it: the
    /// configuration of the cluster the manifests were dumped from. See
    /// [`ClusterDns::from_cluster`](crate::ClusterDns::from_cluster).
    pub fn corefile(&self) -> Option<&EmbeddedCorefile> {
        self.corefile.as_deref()
    }

    /// The files the CoreDNS Deployment mounts beside its Corefile: the other keys of
    /// `kube-system/coredns` under `/etc/coredns/` and those of `kube-system/coredns-custom`
    /// under `/etc/coredns/custom/` (k3s's `*.server` and `*.override`).
    pub fn corefile_files(&self) -> BTreeMap<String, String> {
        let mut files = self
            .corefile
            .as_ref()
            .map(|corefile| corefile.files().clone())
            .unwrap_or_default();
        files.extend(
            self.custom_files
                .iter()
                .map(|(path, text)| (path.clone(), text.clone())),
        );
        files
    }
}

/// `objects` sorted by the namespace and name of their metadata (the persistent maps iterate
/// in an order that changes from one process to the next).
fn located<'a, T: 'a>(
    objects: impl Iterator<Item = &'a Sourced<T>>,
    meta: impl Fn(&T) -> &ObjectMeta,
) -> Vec<(&'a T, &'a Location)> {
    let mut objects: Vec<(&T, &Location)> = objects
        .map(|source| (&source.object, &source.location))
        .collect();
    objects.sort_by(|(a, _), (b, _)| {
        let (a, b) = (meta(a), meta(b));
        (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
    });
    objects
}

fn sorted_by_key<'a, T>(
    objects: impl Iterator<Item = &'a T>,
    meta: impl Fn(&T) -> &ObjectMeta,
) -> std::vec::IntoIter<&'a T> {
    let mut objects: Vec<&T> = objects.collect();
    objects.sort_by(|a, b| {
        let (a, b) = (meta(a), meta(b));
        (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
    });
    objects.into_iter()
}

/// `namespace/name` written into `buffer`.
fn stack_key<'b>(namespace: &str, name: &str, buffer: &'b mut [u8; 512]) -> Option<&'b str> {
    let length = namespace.len() + 1 + name.len();
    let target = buffer.get_mut(..length)?;
    target[..namespace.len()].copy_from_slice(namespace.as_bytes());
    target[namespace.len()] = b'/';
    target[namespace.len() + 1..].copy_from_slice(name.as_bytes());
    std::str::from_utf8(target).ok()
}

/// Lower-cases ASCII into `buffer`; `None` when it does not fit or is not UTF-8.
pub(crate) fn lowercase<'b>(text: &[u8], buffer: &'b mut [u8]) -> Option<&'b str> {
    let target = buffer.get_mut(..text.len())?;
    for (out, byte) in target.iter_mut().zip(text) {
        *out = byte.to_ascii_lowercase();
    }
    std::str::from_utf8(target).ok()
}
