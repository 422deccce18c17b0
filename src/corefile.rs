//! Reading a Corefile into a [`Config`]. (Stub: being written.)

use crate::config::Config;

/// A Corefile that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
#[non_exhaustive]
pub struct CorefileError {
    /// The line, counted from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Config {
    /// Reads the server block of a Corefile that holds the `kubernetes` plugin.
    ///
    /// # Errors
    /// A [`CorefileError`] naming the line.
    pub fn from_corefile(text: &str) -> Result<Config, CorefileError> {
        let _ = text;
        Ok(Config::default())
    }
}
