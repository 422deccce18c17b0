//! How a legacy Endpoints object reaches DNS: the EndpointSlice mirroring controller.
//!
//! CoreDNS reads only EndpointSlices (it dropped Endpoints in v1.11). A hand-written Endpoints
//! object therefore matters only if the mirroring controller copies it into slices, which it
//! does when (`pkg/controller/endpointslicemirroring`):
//! - a Service with the same name and namespace exists and has no selector;
//! - the Endpoints is not labelled `endpointslice.kubernetes.io/skip-mirror: "true"`;
//! - it does not carry the leader-election annotation.
//!
//! Each subset gives one slice per address family; at most 1000 addresses of a subset are
//! mirrored, ready ones first; `notReadyAddresses` become endpoints with `ready: false`.

use std::collections::BTreeMap;

use crate::model::{
    AddressType, Endpoint, EndpointAddress, EndpointConditions, EndpointSlice, Endpoints, IpFamily,
    ObjectMeta, SERVICE_NAME_LABEL,
};

/// The label that stops mirroring.
pub(crate) const SKIP_MIRROR_LABEL: &str = "endpointslice.kubernetes.io/skip-mirror";
/// The annotation of a leader-election lock, never mirrored.
pub(crate) const LEADER_ANNOTATION: &str = "control-plane.alpha.kubernetes.io/leader";
/// `endpointslice.kubernetes.io/managed-by`.
pub(crate) const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
/// The value of [`MANAGED_BY_LABEL`] on mirrored slices.
pub(crate) const MIRRORING_CONTROLLER: &str = "endpointslicemirroring-controller.k8s.io";
/// At most this many addresses of one subset are mirrored.
pub(crate) const MAX_MIRRORED_PER_SUBSET: usize = 1000;

/// Why an Endpoints object is not mirrored, as far as the object alone tells.
pub(crate) enum MirrorRefusal {
    SkipMirrorLabel,
    LeaderElection,
}

/// Checks the object-level conditions (the Service-level ones are the caller's).
pub(crate) fn refusal(endpoints: &Endpoints) -> Option<MirrorRefusal> {
    if endpoints
        .meta
        .labels
        .get(SKIP_MIRROR_LABEL)
        .map(String::as_str)
        == Some("true")
    {
        Some(MirrorRefusal::SkipMirrorLabel)
    } else if endpoints.meta.annotations.contains_key(LEADER_ANNOTATION) {
        Some(MirrorRefusal::LeaderElection)
    } else {
        None
    }
}

/// The result of mirroring one Endpoints object.
pub(crate) struct Mirrored {
    pub slices: Vec<EndpointSlice>,
}

/// Mirrors an Endpoints object into EndpointSlices, as the controller would.
pub(crate) fn mirror(endpoints: &Endpoints) -> Mirrored {
    let mut slices = Vec::new();
    for (index, subset) in endpoints.subsets.iter().enumerate() {
        let ready = subset.addresses.iter().map(|address| (address, true));
        let not_ready = subset
            .not_ready_addresses
            .iter()
            .map(|address| (address, false));
        let kept: Vec<(&EndpointAddress, bool)> = ready
            .chain(not_ready)
            .take(MAX_MIRRORED_PER_SUBSET)
            .collect();
        for (family, address_type) in [
            (IpFamily::IPv4, AddressType::IPv4),
            (IpFamily::IPv6, AddressType::IPv6),
        ] {
            let endpoints_of_family: Vec<Endpoint> = kept
                .iter()
                .filter(|(address, _)| IpFamily::of(&address.ip) == family)
                .map(|(address, ready)| to_endpoint(address, *ready))
                .collect();
            if endpoints_of_family.is_empty() {
                continue;
            }
            slices.push(EndpointSlice {
                meta: mirrored_meta(endpoints, index, family),
                address_type,
                endpoints: endpoints_of_family,
                ports: subset.ports.clone(),
            });
        }
    }
    Mirrored { slices }
}

fn mirrored_meta(endpoints: &Endpoints, subset: usize, family: IpFamily) -> ObjectMeta {
    let mut labels: BTreeMap<String, String> = endpoints.meta.labels.clone();
    labels.insert(SERVICE_NAME_LABEL.to_owned(), endpoints.meta.name.clone());
    labels.insert(MANAGED_BY_LABEL.to_owned(), MIRRORING_CONTROLLER.to_owned());
    let suffix = match family {
        IpFamily::IPv4 => "ipv4",
        IpFamily::IPv6 => "ipv6",
    };
    ObjectMeta {
        name: format!("{}-mirror-{subset}-{suffix}", endpoints.meta.name),
        namespace: endpoints.meta.namespace.clone(),
        labels,
        annotations: BTreeMap::new(),
    }
}

fn to_endpoint(address: &EndpointAddress, ready: bool) -> Endpoint {
    Endpoint {
        addresses: vec![address.ip],
        fqdn_addresses: Vec::new(),
        conditions: EndpointConditions {
            ready: Some(ready),
            serving: Some(ready),
            terminating: Some(false),
        },
        hostname: address.hostname.clone(),
        node_name: address.node_name.clone(),
        zone: None,
        target_ref: address.target_ref.clone(),
    }
}
