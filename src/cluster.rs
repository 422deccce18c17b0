//! The model cluster. (Stub: being written.)

use crate::error::LoadErrors;
use crate::load::{self, LoadedObject, SkippedObject};

/// A loaded cluster.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    objects: Vec<LoadedObject>,
    skipped: Vec<SkippedObject>,
}

/// Builds a [`Cluster`] from several inputs.
#[derive(Debug, Clone, Default)]
pub struct ClusterBuilder {
    objects: Vec<LoadedObject>,
    skipped: Vec<SkippedObject>,
}

impl ClusterBuilder {
    /// Adds every object of a YAML/JSON input.
    ///
    /// # Errors
    /// Every bad object; nothing is added then.
    pub fn add_yaml(&mut self, origin: &str, text: &str) -> Result<&mut Self, LoadErrors> {
        let batch = load::parse_manifests(Some(origin), text, load::DEFAULT_MAX_INPUT_BYTES)
            .map_err(LoadErrors::new)?;
        self.objects.extend(batch.objects);
        self.skipped.extend(batch.skipped);
        Ok(self)
    }

    /// Builds the cluster.
    ///
    /// # Errors
    /// Cross-object errors.
    pub fn build(self) -> Result<Cluster, LoadErrors> {
        Ok(Cluster {
            objects: self.objects,
            skipped: self.skipped,
        })
    }
}

impl Cluster {
    /// Loads a cluster from one YAML/JSON input.
    ///
    /// # Errors
    /// Every bad object.
    pub fn from_yaml(text: &str) -> Result<Cluster, LoadErrors> {
        let batch = load::parse_manifests(None, text, load::DEFAULT_MAX_INPUT_BYTES)
            .map_err(LoadErrors::new)?;
        Ok(Cluster {
            objects: batch.objects,
            skipped: batch.skipped,
        })
    }

    /// Objects of kinds the simulator does not model.
    pub fn skipped(&self) -> &[SkippedObject] {
        &self.skipped
    }
}
