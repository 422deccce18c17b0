//! Gathering a cluster's inputs before it is linked: [`ClusterBuilder`] reads each input (an
//! input that fails adds nothing), refuses an object named twice across inputs, and links
//! everything into an empty [`Cluster`] when it is built; [`ObjectLimits`] bound what the
//! objects may expand into.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::Cluster;
use super::allocate::{CidrCheck, ServiceCidrs};
#[cfg(doc)]
use crate::diagnostic::Diagnostic;
use crate::error::{LoadError, LoadErrorKind, LoadErrors, Location};
use crate::load::{self, EmbeddedCorefile, LoadLimits, LoadedObject, SkippedObject};
use crate::model::{ClusterIpSpec, Object, ObjectRef};
use crate::workload::WorkloadConfig;

/// Bounds on what the objects expand into: a 12-line StatefulSet may ask for two billion Pods,
/// and a Pod selected by many Services becomes an endpoint of each, so the input's size alone
/// bounds nothing. A batch that would pass a limit fails with an error naming it (the
/// workload, the field, the limit), and changes nothing.
///
/// The defaults hold a 150k-Pod cluster. Measured on that scale, peak memory while loading is
/// about 3 KiB per Pod a workload makes (with its endpoint: 150,000 of them took 430 MB) plus
/// about 15 times the size of the input's text (150,000 Pods stated in 25 MB took 380 MB).
///
/// ```
/// use k8s_dns_sim::{Cluster, ObjectLimits};
///
/// let mut limits = ObjectLimits::default();
/// limits.pods_per_workload = 10;
/// let errors = Cluster::builder()
///     .object_limits(limits)
///     .add_yaml("big.yaml", "apiVersion: apps/v1
/// kind: Deployment
/// metadata: {name: api}
/// spec:
///   replicas: 2147483647
///   selector: {matchLabels: {app: api}}
///   template: {metadata: {labels: {app: api}}}
/// ")?
///     .build()
///     .unwrap_err();
/// assert!(errors.to_string().contains("spec.replicas: expected at most 10"), "{errors}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObjectLimits {
    /// The most Pods one workload may make: its `spec.replicas`, or a DaemonSet's node count.
    /// Default 250,000.
    pub pods_per_workload: usize,
    /// The most Pods in the cluster, loaded and made by workloads. Default 250,000.
    pub pods: usize,
    /// The most endpoints in the cluster's EndpointSlices, loaded, mirrored and derived from
    /// Pods. Default 1,000,000.
    pub endpoints: usize,
}

impl Default for ObjectLimits {
    fn default() -> Self {
        ObjectLimits {
            pods_per_workload: 250_000,
            pods: 250_000,
            endpoints: 1_000_000,
        }
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
    custom_files: Option<BTreeMap<String, String>>,
    /// The service CIDRs, when stated.
    service_cidrs: Option<ServiceCidrs>,
    workload_config: WorkloadConfig,
    object_limits: ObjectLimits,
    load_limits: LoadLimits,
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
            custom_files: None,
            service_cidrs: None,
            workload_config: WorkloadConfig::default(),
            object_limits: ObjectLimits::default(),
            load_limits: LoadLimits::DEFAULT,
        }
    }

    /// Sets the bounds on what the objects expand into (see [`ObjectLimits`]); they hold for
    /// every later change of the cluster too.
    pub fn object_limits(&mut self, limits: ObjectLimits) -> &mut Self {
        self.object_limits = limits;
        self
    }

    /// Sets the nodes and pod CIDRs workload Pods are placed on (see [`WorkloadConfig`]).
    pub fn workload_config(&mut self, config: WorkloadConfig) -> &mut Self {
        self.workload_config = config;
        self
    }

    /// States the cluster's service CIDRs: ClusterIPs are allocated from them, and a Service
    /// stating a ClusterIP outside them is refused, as the API server refuses it.
    ///
    /// Unstated, they are learnt from the input where it can tell: the largest range the
    /// ClusterIP of `default/kubernetes` (the first address of a cluster's range) can start,
    /// outside which an address is refused too; otherwise [`ServiceCidrs::default`] is used for
    /// allocation, and an address outside it is only a [`Diagnostic`], since clusters' ranges
    /// vary (k3s `10.43.0.0/16`, EKS `10.100.0.0/16`, GKE `34.118.224.0/20`).
    pub fn service_cidrs(&mut self, cidrs: ServiceCidrs) -> &mut Self {
        self.service_cidrs = Some(cidrs);
        self
    }

    /// Sets the largest input [`ClusterBuilder::add_yaml`] accepts, in bytes (the
    /// `max_input_bytes` of [`ClusterBuilder::load_limits`]).
    pub fn max_input_bytes(&mut self, limit: usize) -> &mut Self {
        self.load_limits.max_input_bytes = limit;
        self
    }

    /// Sets every limit [`ClusterBuilder::add_yaml`] checks an input against: its size, and for
    /// each document how deep it nests and how much its aliases copy (defaults: 64 MiB, 128
    /// levels, 1,000 alias uses and 1 MiB copied by aliases; see `LoadLimits`). A limit crossed
    /// is a [`LoadError`] located where it is crossed.
    pub fn load_limits(&mut self, limits: LoadLimits) -> &mut Self {
        self.load_limits = limits;
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

    pub(super) fn add_batch(&mut self, origin: Option<&str>, text: &str) -> Result<(), LoadErrors> {
        let batch =
            load::parse_manifests_with(origin, text, &self.load_limits).map_err(LoadErrors::new)?;
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
        if batch.custom_files.is_some() {
            self.custom_files = batch.custom_files;
        }
        Ok(())
    }

    /// Links and indexes everything added, taking it out of the builder: the builder keeps its
    /// options and is ready for the inputs of another cluster. All setters take `&mut self`
    /// too, so a builder chains from a temporary:
    ///
    /// ```
    /// use k8s_dns_sim::{Cluster, ServiceCidrs};
    ///
    /// let cidrs = ServiceCidrs { ipv4: Some("10.43.0.0/16".parse()?), ipv6: None };
    /// let cluster = Cluster::builder()
    ///     .service_cidrs(cidrs)
    ///     .add_yaml("web.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n")?
    ///     .build()?;
    /// let web = cluster.service("default", "web").expect("loaded");
    /// assert!("10.43.0.0/16".parse::<ipnet::IpNet>()?.contains(&web.cluster_ips()[0]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// What only linking finds: a Service that needs a ClusterIP when its service CIDR is full
    /// (or not configured for its family), a stated ClusterIP outside a known service CIDR, and
    /// Pods or endpoints past the [`ObjectLimits`]. The inputs are taken out of the builder
    /// then too (linking consumes them; keeping a copy would double a big load's memory): to
    /// try again, change the options and add the inputs again.
    pub fn build(&mut self) -> Result<Cluster, LoadErrors> {
        let (cidr_check, cidrs) = match &self.service_cidrs {
            Some(stated) => (CidrCheck::stated(stated), stated.clone()),
            None => {
                let kubernetes = self
                    .objects
                    .iter()
                    .find_map(|loaded| match &*loaded.object {
                        Object::Service(service)
                            if service.meta.namespace == "default"
                                && service.meta.name == "kubernetes" =>
                        {
                            match &service.cluster_ip {
                                ClusterIpSpec::Ips(ips) => Some(ips.clone()),
                                _ => None,
                            }
                        }
                        _ => None,
                    });
                CidrCheck::learnt(&kubernetes.unwrap_or_default(), &ServiceCidrs::default())
            }
        };
        let mut cluster = Cluster::empty(cidrs);
        cluster.cidr_check = Arc::new(cidr_check);
        cluster.workload_config = Arc::new(self.workload_config.clone());
        cluster.limits = self.object_limits;
        cluster.load_limits = self.load_limits;
        cluster.skipped = Arc::new(std::mem::take(&mut self.skipped));
        cluster.corefile = self.corefile.take().map(Arc::new);
        cluster.custom_files = Arc::new(self.custom_files.take().unwrap_or_default());
        // Freed, not cleared: a big input's identities (5 MB for 20k objects) would be kept for
        // nothing while the cluster is linked, and after.
        self.identities = HashMap::new();
        cluster.change_objects(std::mem::take(&mut self.objects), Vec::new())?;
        Ok(cluster)
    }
}
