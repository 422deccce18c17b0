//! Checking a `v1 Namespace` (`ValidateNamespace` in
//! `pkg/apis/core/validation/validation.go`).
//!
//! Only the name counts: it is a DNS-1123 label, since it becomes a label of every name in
//! the namespace. A Namespace is cluster-scoped, so its `metadata.namespace` is ignored (see
//! [`Checker::meta`]).

use super::{Checker, NameRule};
use crate::load::raw::RawNamespace;
use crate::model::{Kind, Namespace};

/// Validates a Namespace.
pub(crate) fn namespace(check: &mut Checker<'_>, raw: RawNamespace) -> Option<Namespace> {
    let meta = check.meta(raw.metadata, Kind::Namespace, NameRule::Dns1123Label);
    check.ok().then_some(Namespace { meta })
}
