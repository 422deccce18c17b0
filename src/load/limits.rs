//! What one input may cost: the limits an input is checked against before and while it is
//! parsed ([`LoadLimits`]).

#[cfg(doc)]
use crate::error::{LoadError, LoadErrorKind};

/// The default cap on one input's size: 64 MiB.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// What one input may cost, checked before and while it is parsed, so that no input, however
/// it is made, takes time or memory out of proportion to its size. Each limit that is crossed
/// is a [`LoadError`] located where it is crossed; the defaults ([`LoadLimits::DEFAULT`]) are
/// far above what a real dump holds. Set them with
/// [`ClusterBuilder::load_limits`](crate::ClusterBuilder::load_limits).
///
/// | limit | default | error |
/// |---|---|---|
/// | [`max_input_bytes`](Self::max_input_bytes) | 64 MiB | [`LoadErrorKind::TooLarge`] |
/// | [`max_depth`](Self::max_depth) | 128 levels | [`LoadErrorKind::TooDeep`] |
/// | [`max_aliases`](Self::max_aliases) | 1,000 uses | [`LoadErrorKind::TooManyAliases`] |
/// | [`max_alias_bytes`](Self::max_alias_bytes) | 1 MiB | [`LoadErrorKind::AliasesTooLarge`] |
///
/// With them, parsing an input costs time linear in its size, and the text a document's aliases
/// copy is at most `max_alias_bytes` more.
///
/// ```
/// use k8s_dns_sim::{ClusterBuilder, LoadErrorKind, LoadLimits};
///
/// let mut limits = LoadLimits::default();
/// limits.max_depth = 8;
/// let mut builder = ClusterBuilder::new();
/// builder.load_limits(limits);
/// let deep = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: [[[[[[[[[]]]]]]]]]\n";
/// let errors = builder.add_yaml("deep.yaml", deep).map(|_| ()).unwrap_err();
/// assert_eq!(errors.errors()[0].kind, LoadErrorKind::TooDeep { limit: 8 });
/// assert_eq!(
///     errors.to_string(),
///     "deep.yaml: document 1, line 4, column 14: expected collections nested at most 8 deep, found one at depth 9"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadLimits {
    /// The largest input, in bytes, refused before any parsing (default
    /// [`DEFAULT_MAX_INPUT_BYTES`], 64 MiB). The YAML parser keeps a whole document's events in
    /// memory, a few times the document's size.
    pub max_input_bytes: usize,
    /// The deepest nesting of collections (mappings and sequences, block or flow style, the
    /// document's own mapping counting as 1) in one document, counting what an alias brings in
    /// where it is used (default 128). The `kubectl get -o yaml` dumps among the fixtures nest
    /// at most 11 deep (in their `managedFields`); real objects rarely pass 20. The YAML parser itself stops at 128, so a larger value acts as 128.
    pub max_depth: usize,
    /// The most alias uses (`*name`) in one document, each alias counted once for every time
    /// the anchored node holding it is itself used (default 1,000). kubectl's output has none;
    /// hand-written manifests use a few per shared block. Nine aliases to an anchor of nine
    /// aliases to … (the "billion laughs") are refused at the 1,001st copy instead of being
    /// expanded a billion times.
    pub max_aliases: usize,
    /// The most text the aliases of one document may copy, in bytes: each use counts the size
    /// of the text its anchored node covers, with that text's own aliases expanded (default
    /// 1 MiB). This bounds what a few aliases of a large anchored node cost.
    pub max_alias_bytes: usize,
}

impl LoadLimits {
    /// The defaults: 64 MiB, 128 levels, 1,000 alias uses, 1 MiB copied by aliases.
    pub const DEFAULT: LoadLimits = LoadLimits {
        max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
        max_depth: 128,
        max_aliases: 1_000,
        max_alias_bytes: 1024 * 1024,
    };

    pub(super) fn budget(&self) -> super::scan::Budget {
        super::scan::Budget {
            max_depth: self.max_depth,
            max_aliases: self.max_aliases,
            max_alias_bytes: self.max_alias_bytes,
        }
    }
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits::DEFAULT
    }
}
