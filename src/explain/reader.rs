//! What the readers of one `kubernetes` question share: the question and what the plugin did,
//! the explanation being written, and the helpers that name objects and addresses.

use std::net::IpAddr;

use hickory_proto::rr::{Name, RecordType};

use super::{Explanation, NearMiss, ObjectAt, Step};
use crate::answer::{Context, Outcome, Zone};
use crate::cluster::{Cluster, ClusterSlice, ServiceView, key};
use crate::config::KubernetesConfig;
use crate::error::Location;
use crate::model::{Kind, ObjectRef};
use crate::qname::Labels;

/// What the reading concludes the plugin does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    /// The name is outside the plugin's zones: passed on.
    OutsideZones,
    /// The plugin refuses (a transfer).
    Refused,
    /// The name does not exist.
    NameError,
    /// The name exists (with or without records of the type).
    Exists,
    /// The name exists; whether records follow depends on another answer (a CNAME target).
    Chased,
}

/// One question the plugin was asked, and what it did.
pub(super) struct Asked<'a> {
    pub(super) cluster: &'a Cluster,
    pub(super) config: &'a KubernetesConfig,
    pub(super) zones: &'a [Zone],
    pub(super) name: &'a Name,
    pub(super) qtype: RecordType,
    /// The plugin's outcome; `None` when it passed the question on.
    pub(super) answered: Option<Outcome>,
    pub(super) depth: usize,
    /// The names (lower case) of the CNAME chain that led here, for an ExternalName's target.
    pub(super) chain: &'a [Name],
}

/// Reads one question over the cluster, writing steps and near misses into the explanation.
pub(super) struct Reader<'a, 'o> {
    pub(super) asked: &'a Asked<'a>,
    pub(super) context: Context<'a>,
    pub(super) out: &'o mut Explanation,
}

impl Reader<'_, '_> {
    pub(super) fn step(&mut self, rule: u16, decision: String) -> &mut Step {
        self.out
            .steps
            .push(Step::new(self.asked.depth, Some(rule), decision));
        self.out.steps.last_mut().expect("just pushed")
    }

    pub(super) fn near(&mut self, what: String, objects: Vec<ObjectAt>, fix: String) {
        let miss = NearMiss { what, objects, fix };
        if !self.out.near_misses.contains(&miss) {
            self.out.near_misses.push(miss);
        }
    }
}

pub(super) fn ips_text(ips: &[IpAddr]) -> String {
    if ips.is_empty() {
        return "no address".to_owned();
    }
    ips.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn ports_text(ports: &[(Option<&str>, &str)]) -> String {
    if ports.is_empty() {
        return "none".to_owned();
    }
    ports
        .iter()
        .map(|(name, protocol)| match name {
            Some(name) if !name.is_empty() => format!("{name}/{protocol}"),
            _ => format!("(unnamed)/{protocol}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn slice_ref(slice: &ClusterSlice) -> ObjectRef {
    let meta = &slice.slice().meta;
    ObjectRef::namespaced(Kind::EndpointSlice, &meta.namespace, &meta.name)
}

pub(super) fn service_at(service: &crate::model::Service, location: &Location) -> ObjectAt {
    ObjectAt::new(
        ObjectRef::namespaced(Kind::Service, &service.meta.namespace, &service.meta.name),
        location.clone(),
    )
}

pub(super) fn view_at(view: ServiceView<'_>) -> ObjectAt {
    let meta = view.meta();
    let (kind, location) = match view {
        ServiceView::Service(service) => (Kind::Service, service.location().clone()),
        ServiceView::Import(import) => (Kind::ServiceImport, import.location().clone()),
    };
    ObjectAt::new(
        ObjectRef::namespaced(kind, &meta.namespace, &meta.name),
        location,
    )
}

pub(super) fn pod_at(cluster: &Cluster, namespace: &str, name: &str) -> ObjectAt {
    let location = cluster
        .objects
        .pods
        .get(&key(namespace, name))
        .map(|source| source.location.clone())
        .unwrap_or_default();
    ObjectAt::new(ObjectRef::namespaced(Kind::Pod, namespace, name), location)
}

pub(super) fn zone_label_count(zone: &Name) -> usize {
    usize::from(zone.num_labels())
}

pub(super) use crate::cluster::similar_name as similar;

pub(super) fn labels_are_reverse(labels: &Labels) -> bool {
    let n = labels.len();
    n >= 2 && labels.text(n - 1) == "arpa" && matches!(labels.text(n - 2), "in-addr" | "ip6")
}

pub(super) fn reverse_address(name: &Name, labels: &Labels) -> Option<IpAddr> {
    if !labels_are_reverse(labels) {
        return None;
    }
    let network = name.to_lowercase().parse_arpa_name().ok()?;
    (network.prefix_len() == network.max_prefix_len()).then(|| network.addr())
}
