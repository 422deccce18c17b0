//! The cluster's own CoreDNS configuration in a dump: the ConfigMap `kube-system/coredns`
//! (its `data.Corefile`, [`EmbeddedCorefile`]) and `kube-system/coredns-custom` (files the
//! Corefile may `import`), read by the loader where it meets them.

use serde_yaml::{Mapping, Value};

use super::{Loader, Site, describe};
use crate::error::Location;
use crate::model::{Kind, ObjectRef};

/// The Corefile of the cluster's own CoreDNS, read from the ConfigMap `kube-system/coredns`
/// (`data.Corefile`), as a `kubectl get … configmaps -A -o yaml` dump of a real cluster holds it.
///
/// Only that one ConfigMap counts: it is the one kubeadm (and most installers) create and the
/// CoreDNS Deployment mounts. A `coredns` ConfigMap in another namespace, or any other
/// ConfigMap, is listed as a [`SkippedObject`](super::SkippedObject) like every kind the simulator does not read; so
/// is `kube-system/coredns` when it has no `data.Corefile`. Use it with
/// [`ClusterDns::from_cluster`](crate::ClusterDns::from_cluster).
///
/// ```
/// use k8s_dns_sim::Cluster;
///
/// let cluster = Cluster::from_yaml(
///     "apiVersion: v1
/// kind: ConfigMap
/// metadata: {name: coredns, namespace: kube-system}
/// data:
///   Corefile: |
///     .:53 {
///         kubernetes cluster.local
///     }
/// ",
/// )?;
/// let corefile = cluster.corefile().expect("read from the ConfigMap");
/// assert!(corefile.text().starts_with(".:53 {"));
/// assert_eq!(corefile.location().line, Some(1));
/// // A literal block scalar keeps its lines: Corefile line 2 is line 7 of the input.
/// assert_eq!(corefile.input_line(2), Some(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedCorefile {
    text: String,
    location: Location,
    /// The input line of the Corefile's first line, when the text is a literal block scalar.
    first_line: Option<usize>,
    /// The ConfigMap's other string keys, as the files the CoreDNS Deployment mounts beside
    /// the Corefile: `/etc/coredns/<key>` to its value.
    files: std::collections::BTreeMap<String, String>,
}

impl EmbeddedCorefile {
    /// The namespace of the ConfigMap that counts.
    pub const NAMESPACE: &'static str = "kube-system";
    /// The name of the ConfigMap that counts.
    pub const NAME: &'static str = "coredns";
    /// The key of its `data` that holds the Corefile.
    pub const KEY: &'static str = "Corefile";
    /// The ConfigMap of extra Corefile pieces that k3s (and AKS) mount at
    /// `/etc/coredns/custom/` for `import custom/*.server` and `*.override`.
    pub const CUSTOM_NAME: &'static str = "coredns-custom";

    /// The Corefile's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The ConfigMap's other keys as files of the CoreDNS container: `/etc/coredns/<key>` to
    /// its value (k3s's `NodeHosts`, say), as the Deployment mounts the ConfigMap there.
    /// [`ClusterDns::from_cluster`](crate::ClusterDns::from_cluster) reads the Corefile with
    /// them.
    ///
    /// ```
    /// use k8s_dns_sim::Cluster;
    ///
    /// let cluster = Cluster::from_yaml(
    ///     "apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: coredns, namespace: kube-system}
    /// data:
    ///   Corefile: \".:53 {\\n    hosts /etc/coredns/NodeHosts\\n}\\n\"
    ///   NodeHosts: \"172.18.0.2 node-1\"
    /// ",
    /// )?;
    /// let files = cluster.corefile().unwrap().files();
    /// assert_eq!(files["/etc/coredns/NodeHosts"], "172.18.0.2 node-1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn files(&self) -> &std::collections::BTreeMap<String, String> {
        &self.files
    }

    /// Where the ConfigMap is (its first line).
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The line of the input that holds line `corefile_line` (counted from 1) of the Corefile,
    /// when that can be known: when the Corefile is written as a literal block scalar
    /// (`Corefile: |`), as `kubectl -o yaml` writes it. `None` for quoted or JSON strings.
    pub fn input_line(&self, corefile_line: usize) -> Option<usize> {
        let first = self.first_line?;
        (corefile_line >= 1 && corefile_line <= self.text.lines().count().max(1))
            .then(|| first + corefile_line - 1)
    }

    /// The [`ObjectRef`] of the ConfigMap.
    pub fn object_ref() -> ObjectRef {
        ObjectRef::namespaced(Kind::ConfigMap, Self::NAMESPACE, Self::NAME)
    }
}

impl Loader {
    /// Reads `data.Corefile` of the ConfigMap `kube-system/coredns`. False when it has none
    /// (the ConfigMap is then listed as skipped).
    pub(super) fn corefile(&mut self, site: &Site<'_>, map: &Mapping) -> bool {
        let field = "data.Corefile";
        let Some(value) = map
            .get("data")
            .and_then(|data| data.get(EmbeddedCorefile::KEY))
        else {
            return false;
        };
        let mut checker = self.checker(site, Some(EmbeddedCorefile::object_ref()));
        let Value::String(text) = value else {
            if !value.is_null() {
                checker.invalid(
                    field,
                    "a string (ConfigMap data values are strings)",
                    describe(value),
                );
                self.errors.append(&mut checker.errors);
            }
            return false;
        };
        // `Corefile: |` (what kubectl writes): the text's lines are the following lines.
        let key = checker.locate(field);
        let first_line = key.line.filter(|_| key.column.is_some()).and_then(|line| {
            let text_line = site
                .lines
                .get(line.checked_sub(site.document.first_line + 1)?)?;
            let (_, after) = text_line.split_once(':')?;
            after.trim_start().starts_with('|').then_some(line + 1)
        });
        let mut files = data_files(map, "/etc/coredns");
        files.remove(&format!("/etc/coredns/{}", EmbeddedCorefile::KEY));
        self.batch.corefiles.push(EmbeddedCorefile {
            text: text.clone(),
            location: self.site_location(site),
            first_line,
            files,
        });
        true
    }
}

/// A ConfigMap's string `data` as the files a volume of it mounts under `dir`: `dir/<key>` to
/// the value (keys with a `/` are no file names and are left out).
pub(super) fn data_files(map: &Mapping, dir: &str) -> std::collections::BTreeMap<String, String> {
    map.get("data")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| Some((key.as_str()?, value.as_str()?)))
        .filter(|(key, _)| !key.contains('/'))
        .map(|(key, value)| (format!("{dir}/{key}"), value.to_owned()))
        .collect()
}
