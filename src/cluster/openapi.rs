//! Objects as [`k8s_openapi`] values (what `kube::Api::list` returns) into the builder.
//!
//! A test that already holds its cluster's objects in Rust, through kube-rs or built by hand
//! with `k8s-openapi`, should not have to write them out as YAML. But it should get exactly the
//! answers, the diagnostics and the errors the same objects give as a manifest, and that is
//! only certain if both go down one path. So each value is serialised as the API server would
//! write it (`k8s-openapi` writes `apiVersion` and `kind` itself) and read by the loader that
//! reads manifests: the same fields are read, the same rules refuse the same values, and an
//! error names the object (kind, namespace and name), the field path and the offending value.
//! The line an error gives is a line of that serialised text, one document per object,
//! counted from the first object of the call; the input is named after the kind, for example
//! `k8s-openapi Service objects`.
//!
//! The cost is one serialisation per object, small beside what a test does with the cluster.
//!
//! Which Kubernetes version `k8s-openapi` models is the application's choice (one of its
//! `v1_*` or `latest` features, which kube-rs users set already); this crate enables none, as
//! `k8s-openapi` asks of libraries.

use k8s_openapi::Resource;
use serde::Serialize;

use super::ClusterBuilder;
use crate::error::{LoadError, LoadErrorKind, LoadErrors, Location};

impl ClusterBuilder {
    /// Adds one object given as a `k8s-openapi` value: a `Service`, `Endpoints`,
    /// `EndpointSlice`, `Pod`, `Namespace`, `Node`, an `apps/v1` or `batch/v1` workload, the
    /// `kube-system/coredns` `ConfigMap`, or anything else [`ClusterBuilder::add_yaml`] reads
    /// (other kinds are skipped and listed in [`Cluster::skipped`](crate::Cluster::skipped),
    /// as in a manifest).
    ///
    /// ```
    /// use k8s_dns_sim::{Cluster, ClusterDns};
    /// use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
    /// use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    ///
    /// let web = Service {
    ///     metadata: ObjectMeta {
    ///         name: Some("web".into()),
    ///         namespace: Some("default".into()),
    ///         ..ObjectMeta::default()
    ///     },
    ///     spec: Some(ServiceSpec {
    ///         cluster_ip: Some("10.96.0.20".into()),
    ///         ports: Some(vec![ServicePort { port: 80, ..ServicePort::default() }]),
    ///         ..ServiceSpec::default()
    ///     }),
    ///     ..Service::default()
    /// };
    /// let cluster = Cluster::builder().add_object(&web)?.build()?;
    /// let dns = ClusterDns::from_cluster(cluster)?;
    /// dns.assert_resolves("web.default.svc.cluster.local", ["10.96.0.20"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// What [`ClusterBuilder::add_yaml`] gives for the same object written as YAML; on error
    /// nothing is added.
    pub fn add_object<K>(&mut self, object: &K) -> Result<&mut Self, LoadErrors>
    where
        K: Resource + Serialize,
    {
        self.add_objects([object])
    }

    /// Adds objects of one kind given as `k8s-openapi` values, all or none: for example the
    /// items of a `kube::Api::list`. A snapshot of a live cluster is one call per kind:
    ///
    /// ```ignore
    /// // In a crate that depends on kube, k8s-openapi (with a version feature) and this
    /// // crate with its `k8s-openapi` feature:
    /// use k8s_openapi::api::core::v1::{Namespace, Pod, Service};
    /// use k8s_openapi::api::discovery::v1::EndpointSlice;
    /// use kube::api::{Api, ListParams};
    ///
    /// let client = kube::Client::try_default().await?;
    /// let all = ListParams::default();
    /// let mut builder = k8s_dns_sim::Cluster::builder();
    /// builder.add_objects(&Api::<Namespace>::all(client.clone()).list(&all).await?)?;
    /// builder.add_objects(&Api::<Service>::all(client.clone()).list(&all).await?)?;
    /// builder.add_objects(&Api::<EndpointSlice>::all(client.clone()).list(&all).await?)?;
    /// builder.add_objects(&Api::<Pod>::all(client.clone()).list(&all).await?)?;
    /// let dns = k8s_dns_sim::ClusterDns::from_cluster(builder.build()?)?;
    /// ```
    ///
    /// # Errors
    /// Every object that could not be loaded, as [`ClusterBuilder::add_yaml`] reports them for
    /// the same objects written as YAML documents; on error nothing of this call is added.
    pub fn add_objects<'a, K>(
        &mut self,
        objects: impl IntoIterator<Item = &'a K>,
    ) -> Result<&mut Self, LoadErrors>
    where
        K: Resource + Serialize + 'a,
    {
        let origin = format!("k8s-openapi {} objects", K::KIND);
        let mut text = String::new();
        for object in objects {
            let document = serde_yaml::to_string(object).map_err(|error| {
                LoadErrors::new(vec![LoadError::new(
                    Location {
                        origin: Some(origin.clone()),
                        ..Location::default()
                    },
                    LoadErrorKind::Syntax {
                        message: format!("the {} could not be written as YAML: {error}", K::KIND),
                    },
                )])
            })?;
            text.push_str("---\n");
            text.push_str(&document);
        }
        self.add_yaml(&origin, &text)
    }
}
