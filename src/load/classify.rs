//! Which kind a document is: its (`apiVersion`, `kind`) against the kinds the simulator
//! models ([`classify`]), and the object a document names, read from its parsed value
//! ([`identity`]) or, for a document that does not parse, from its text ([`text_identity`]),
//! so that even a syntax error can say which object it is in.

use serde_yaml::{Mapping, Value};

use super::documents::{self, Scope};
use crate::model::{Kind, ObjectRef};

/// The API groups Kubernetes itself serves that a manifest commonly names (the core group
/// is ``): a modelled kind named under one of these but not its own is a mistake the API
/// server refuses, not a custom resource.
const BUILT_IN_GROUPS: &[&str] = &[
    "",
    // Not a group the API server serves (the core group is written `v1`), but what `core/v1`
    // means to anyone who writes it: kubectl answers "no matches for kind".
    "core",
    "apps",
    "batch",
    "extensions",
    "policy",
    "autoscaling",
    "discovery.k8s.io",
    "networking.k8s.io",
];

/// The (apiVersion, kind) pairs the simulator models.
const MODELLED: &[(&str, &str, Kind)] = &[
    ("v1", "Service", Kind::Service),
    ("v1", "Endpoints", Kind::Endpoints),
    ("discovery.k8s.io/v1", "EndpointSlice", Kind::EndpointSlice),
    ("v1", "Pod", Kind::Pod),
    ("v1", "Namespace", Kind::Namespace),
    (
        "multicluster.x-k8s.io/v1alpha1",
        "ServiceImport",
        Kind::ServiceImport,
    ),
    ("apps/v1", "StatefulSet", Kind::StatefulSet),
    ("apps/v1", "Deployment", Kind::Deployment),
    ("apps/v1", "ReplicaSet", Kind::ReplicaSet),
    ("apps/v1", "DaemonSet", Kind::DaemonSet),
    ("v1", "Node", Kind::Node),
    ("v1", "ReplicationController", Kind::ReplicationController),
    ("batch/v1", "Job", Kind::Job),
];

/// The modelled object `map` describes, when it names one: its kind (of a modelled group),
/// name and namespace (`default` when unset).
pub(super) fn identity(map: &Mapping) -> Option<ObjectRef> {
    fn text(value: Option<&Value>) -> Option<&str> {
        value.and_then(Value::as_str).filter(|s| !s.is_empty())
    }
    let Class::Modelled { kind, .. } =
        classify(text(map.get("apiVersion"))?, text(map.get("kind"))?)
    else {
        return None;
    };
    let metadata = |key: &str| text(map.get("metadata").and_then(|m| m.get(key)));
    let name = metadata("name")?;
    Some(if kind.is_namespaced() {
        ObjectRef::namespaced(kind, metadata("namespace").unwrap_or("default"), name)
    } else {
        ObjectRef::cluster_scoped(kind, name)
    })
}

/// The object a document that does not parse (a number beyond 64 bits, say) names in its
/// text: [`identity`] of its `apiVersion`, `kind` and `metadata` scalars, found by
/// [`documents::locate`] and read where they stand (best effort: `None` for anything odd).
pub(super) fn text_identity(lines: &[&str]) -> Option<ObjectRef> {
    let scalar = |path: &str| -> Option<Value> {
        let found =
            documents::locate(lines, Scope::whole(lines), &documents::segments(path), true)?;
        if found.depth != documents::segments(path).len() {
            return None;
        }
        let rest = lines.get(found.line)?.get(found.column..)?;
        let text = match rest.chars().next()? {
            // A quote that does not close on its line: no name to trust.
            quote @ ('"' | '\'') => rest[1..].split_once(quote)?.0,
            _ => rest
                .split([',', '}', ']', '#'])
                .next()?
                .trim_end_matches('\r')
                .trim_end(),
        };
        Some(Value::String(text.to_owned()))
    };
    let mut metadata = Mapping::new();
    for key in ["name", "namespace"] {
        if let Some(value) = scalar(&format!("metadata.{key}")) {
            metadata.insert(Value::String(key.to_owned()), value);
        }
    }
    let mut map = Mapping::new();
    for key in ["apiVersion", "kind"] {
        map.insert(Value::String(key.to_owned()), scalar(key)?);
    }
    map.insert(
        Value::String("metadata".to_owned()),
        Value::Mapping(metadata),
    );
    identity(&map)
}

/// The group of an `apiVersion`: `discovery.k8s.io` of `discovery.k8s.io/v1`, empty for the
/// core group (`v1`).
fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// What an (`apiVersion`, `kind`) pair names.
pub(crate) enum Class {
    /// A modelled kind of its group: `expected_version` is the version modelled (another
    /// version of the group is an error).
    Modelled {
        expected_version: &'static str,
        kind: Kind,
    },
    /// A modelled kind named under a built-in group that has no such kind (`v1
    /// EndpointSlice`): an error, as the API server gives.
    WrongGroup {
        expected_version: &'static str,
        intended: Kind,
    },
    /// A modelled kind of its group written in another case or as a plural (`kind: service`,
    /// `kind: Services`): kinds are case-sensitive and singular, and the API server (kubectl:
    /// `no matches for kind "service" in version "v1"`) refuses it.
    WrongSpelling { intended: Kind },
    /// Any other kind (a custom resource, a kind the simulator does not model, a modelled
    /// kind's namesake in another group): listed as skipped.
    Other,
}

/// Classifies an object by its (`apiVersion`, `kind`). A kind of the same name in another
/// API group is another kind (Submariner's own `lighthouse.submariner.io` ServiceImport, say):
/// listed, not loaded. But a built-in group has no such kind (`v1 EndpointSlice`, `v1
/// Deployment`): the API server (and kubectl, "no matches for kind") refuses it, and so does
/// the loader.
pub(crate) fn classify(api_version: &str, kind: &str) -> Class {
    let group = api_group(api_version);
    if let Some(&(expected_version, _, kind)) = MODELLED
        .iter()
        .find(|(version, k, _)| *k == kind && api_group(version) == group)
    {
        return Class::Modelled {
            expected_version,
            kind,
        };
    }
    if let Some(&(expected_version, _, intended)) = MODELLED.iter().find(|(_, k, _)| *k == kind)
        && BUILT_IN_GROUPS.contains(&group)
    {
        return Class::WrongGroup {
            expected_version,
            intended,
        };
    }
    let misspelt = |modelled: &str| {
        kind.eq_ignore_ascii_case(modelled)
            || kind
                .strip_suffix(['s', 'S'])
                .is_some_and(|singular| singular.eq_ignore_ascii_case(modelled))
    };
    match MODELLED
        .iter()
        .find(|(version, k, _)| misspelt(k) && api_group(version) == group)
    {
        Some(&(_, _, intended)) => Class::WrongSpelling { intended },
        None => Class::Other,
    }
}
