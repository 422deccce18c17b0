//! Reading the `-f` inputs (files, folders, standard input) and choosing the configuration.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::cluster::{Cluster, ClusterBuilder};
use crate::config::Config;
use crate::corefile::CorefileError;
use crate::error::LoadErrors;
use crate::server::ClusterDns;

use super::options::{ConfigChoice, ManifestSource};

/// How standard input is named in errors and locations.
pub const STDIN_NAME: &str = "<stdin>";

/// Why `dig` printed no reply. Each prints one line (or one per bad object for
/// [`DigError::Load`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DigError {
    /// A file, folder or standard input could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The path as given (`<stdin>` for `-f -`).
        path: String,
        /// The reading error.
        source: std::io::Error,
    },
    /// A folder given with `-f` holds no manifest.
    #[error("{path}: no *.yaml, *.yml or *.json file in this folder")]
    EmptyFolder {
        /// The folder as given.
        path: String,
    },
    /// The manifests do not load.
    #[error("{0}")]
    Load(#[from] LoadErrors),
    /// `--corefile`'s file, or the input's ConfigMap's Corefile, does not read.
    #[error("{}{error}", origin.as_ref().map(|path| format!("{path}: ")).unwrap_or_default())]
    Corefile {
        /// The `--corefile` path; `None` for the ConfigMap (the error names its place).
        origin: Option<String>,
        /// What is wrong with it.
        error: Box<CorefileError>,
    },
    /// The name asked is not a domain name.
    #[error("{name:?} is not a domain name: {reason}")]
    Name {
        /// The name as given.
        name: String,
        /// Why not.
        reason: String,
    },
    /// The pod `--from-pod` or `--pod-namespace` names cannot be set up.
    #[error("{0}")]
    Pod(String),
    /// The server sent no reply (it drops what it cannot read), or one that does not decode.
    #[error(";; connection timed out; no servers could be reached")]
    NoReply,
    /// The output could not be written (a closed pipe: `dig … | head`).
    #[error("writing the output: {0}")]
    Output(#[from] std::io::Error),
}

impl DigError {
    /// Whether the reader went away (`| head`): not worth a message.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, DigError::Output(error) if error.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Where the answering configuration came from, as the `;; CONFIG:` line names it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigSource {
    /// `--corefile FILE`.
    File(String),
    /// The input's ConfigMap `kube-system/coredns`, at this place in the input.
    ConfigMap(String),
    /// Neither: kubeadm's default Corefile ([`Config::kubeadm`]).
    Kubeadm,
    /// `--plugin-defaults` ([`Config::default`]).
    PluginDefaults,
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigSource::File(path) => write!(f, "{path} (--corefile)"),
            ConfigSource::ConfigMap(location) => {
                write!(
                    f,
                    "the Corefile of ConfigMap kube-system/coredns ({location})"
                )
            }
            ConfigSource::Kubeadm => f.write_str(
                "kubeadm's default Corefile (no --corefile, no coredns ConfigMap; \
                 --plugin-defaults for the bare plugin)",
            ),
            ConfigSource::PluginDefaults => {
                f.write_str("the kubernetes plugin's defaults (--plugin-defaults)")
            }
        }
    }
}

/// A loaded server and where its configuration came from.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The server.
    pub dns: ClusterDns,
    /// Its configuration's origin.
    pub source: ConfigSource,
    /// Files of `-f DIR/` folders that are no Kubernetes manifests, left out.
    pub skipped_files: Vec<String>,
}

/// What the inputs hold: the manifests' texts, and the files of folders left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Manifests {
    /// `(origin, text)` pairs, in order.
    pub texts: Vec<(String, String)>,
    /// Files of a `-f DIR/` that are no Kubernetes manifests (no document in them has a
    /// top-level `kind`: a Helm `values.yaml`, a tool's own settings), left out and named.
    pub skipped: Vec<String>,
}

/// Whether a file's text is a Kubernetes manifest: some document has a top-level `kind` (a
/// line `kind: …` in YAML, a `"kind"` key in JSON).
fn looks_like_a_manifest(text: &str) -> bool {
    text.lines().any(|line| line.starts_with("kind:")) || text.contains("\"kind\"")
}

/// Reads every input, in order: `(origin, text)` pairs, a folder expanded into its
/// `*.yaml`, `*.yml` and `*.json` files sorted by name (those that are no Kubernetes
/// manifest left out and listed in [`Manifests::skipped`]), `-f -` read from `stdin`. A file
/// named on its own is always read: one that is no manifest gets the loader's error.
///
/// # Errors
/// [`DigError::Read`] for an input that cannot be read, [`DigError::EmptyFolder`] for a
/// folder without manifests.
pub fn read_manifests(
    sources: &[ManifestSource],
    stdin: &mut dyn Read,
) -> Result<Manifests, DigError> {
    let mut texts = Vec::new();
    let mut skipped = Vec::new();
    for source in sources {
        match source {
            ManifestSource::Stdin => {
                let mut text = String::new();
                stdin
                    .read_to_string(&mut text)
                    .map_err(|source| DigError::Read {
                        path: STDIN_NAME.to_owned(),
                        source,
                    })?;
                texts.push((STDIN_NAME.to_owned(), text));
            }
            ManifestSource::Path(path) if path.is_dir() => {
                let files = folder_manifests(path)?;
                if files.is_empty() {
                    return Err(DigError::EmptyFolder {
                        path: path.display().to_string(),
                    });
                }
                for file in files {
                    let text = read(&file)?;
                    if looks_like_a_manifest(&text) {
                        texts.push((file.display().to_string(), text));
                    } else {
                        skipped.push(file.display().to_string());
                    }
                }
            }
            ManifestSource::Path(path) => texts.push((path.display().to_string(), read(path)?)),
        }
    }
    Ok(Manifests { texts, skipped })
}

/// Loads the inputs into a cluster.
///
/// # Errors
/// As [`read_manifests`], and [`DigError::Load`] for manifests that do not load.
pub fn load_cluster(sources: &[ManifestSource], stdin: &mut dyn Read) -> Result<Cluster, DigError> {
    Ok(load_cluster_noting(sources, stdin)?.0)
}

/// [`load_cluster`], with the folder files left out as no manifests.
fn load_cluster_noting(
    sources: &[ManifestSource],
    stdin: &mut dyn Read,
) -> Result<(Cluster, Vec<String>), DigError> {
    let manifests = read_manifests(sources, stdin)?;
    let mut builder = ClusterBuilder::new();
    for (origin, text) in &manifests.texts {
        builder.add_yaml(origin, text)?;
    }
    Ok((builder.build()?, manifests.skipped))
}

/// Loads the inputs and configures the server as `config` says.
///
/// # Errors
/// As [`load_cluster`], and [`DigError::Corefile`] for a Corefile that does not read.
pub fn load(
    sources: &[ManifestSource],
    config: &ConfigChoice,
    stdin: &mut dyn Read,
) -> Result<Loaded, DigError> {
    let (cluster, skipped_files) = load_cluster_noting(sources, stdin)?;
    let loaded = |dns: ClusterDns, source: ConfigSource| Loaded {
        dns,
        source,
        skipped_files: skipped_files.clone(),
    };
    match config {
        ConfigChoice::Corefile(path) => {
            let origin = path.display().to_string();
            let config =
                Config::from_corefile(&read(path)?).map_err(|error| DigError::Corefile {
                    origin: Some(origin.clone()),
                    error: Box::new(error),
                })?;
            Ok(loaded(
                ClusterDns::new(cluster, config),
                ConfigSource::File(origin),
            ))
        }
        ConfigChoice::PluginDefaults => Ok(loaded(
            ClusterDns::new(cluster, Config::default()),
            ConfigSource::PluginDefaults,
        )),
        ConfigChoice::FromInput => {
            let source = match cluster.corefile() {
                Some(corefile) => ConfigSource::ConfigMap(corefile.location().to_string()),
                None => ConfigSource::Kubeadm,
            };
            let dns = ClusterDns::from_cluster(cluster).map_err(|error| DigError::Corefile {
                origin: None,
                error: Box::new(error),
            })?;
            Ok(loaded(dns, source))
        }
    }
}

pub(super) fn read(path: &Path) -> Result<String, DigError> {
    std::fs::read_to_string(path).map_err(|source| DigError::Read {
        path: path.display().to_string(),
        source,
    })
}

fn folder_manifests(folder: &Path) -> Result<Vec<PathBuf>, DigError> {
    let error = |source| DigError::Read {
        path: folder.display().to_string(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(error)? {
        let path = entry.map_err(error)?.path();
        let manifest = path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| matches!(ext, "yaml" | "yml" | "json"));
        if manifest && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
