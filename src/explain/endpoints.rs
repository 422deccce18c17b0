//! The endpoints of a headless Service (or an endpoint, port or zonal name) listed slice by
//! slice: which addresses answer, and each one left out with its reason (rules 13, 14, 17, 25,
//! 26), with the Pods behind them.

use hickory_proto::rr::RecordType;

use super::reader::{Reader, ips_text, pod_at, slice_ref};
use super::{LeftOut, LeftOutReason, ObjectAt};
use crate::answer::names::EndpointName;
use crate::answer::port_matches;
use crate::cluster::{ClusterSlice, ServiceView, SliceOrigin};
use crate::qname::ServicePart;

impl Reader<'_, '_> {
    /// Lists a Service's endpoints for `part`: each slice, and each address left out and why.
    /// Returns how many (address × port) entries answer.
    pub(super) fn endpoints(
        &mut self,
        view: ServiceView<'_>,
        part: ServicePart<'_>,
        namespace: &str,
        name: &str,
    ) -> usize {
        let config = self.asked.config;
        let hidden = config.noendpoints && view.service().is_some();
        let slices: Vec<&ClusterSlice> = view.linked().slices.iter().map(AsRef::as_ref).collect();
        if slices.is_empty() {
            let why = match view.service().map(|service| service.selector.is_some()) {
                Some(true) => {
                    "its selector matches no Pod with an address, and the input holds no EndpointSlice for it"
                }
                Some(false) => {
                    "it has no selector, and no Endpoints object named after it nor EndpointSlice labelled kubernetes.io/service-name for it exists"
                }
                None => {
                    "no EndpointSlice is labelled multicluster.kubernetes.io/service-name for it"
                }
            };
            self.step(13, format!("{namespace}/{name} has no endpoints: {why}"));
            return 0;
        }
        let qtype = self.asked.qtype;
        let family = match qtype {
            RecordType::A => Some(false),
            RecordType::AAAA => Some(true),
            _ => None,
        };
        let port = part.port();
        let mut answering = 0;
        for slice in slices {
            let object = slice_ref(slice);
            let origin = match slice.origin() {
                SliceOrigin::Loaded => String::new(),
                SliceOrigin::MirroredFrom(endpoints) => {
                    format!(" (mirrored from Endpoints {namespace}/{endpoints})")
                }
                SliceOrigin::FromPods => " (made from the Pods the selector matches)".to_owned(),
            };
            let slice_matches_port = slice.slice().ports.is_empty() && port.is_none()
                || (0..slice.slice().ports.len().max(1)).any(|index| {
                    let slice_port = slice.slice().ports.get(index);
                    let (port_name, protocol) = slice_port
                        .map_or((Some(""), ""), |p| (p.name.as_deref(), p.protocol.as_str()));
                    port_matches(port, port_name, protocol)
                });
            let cluster_id = view.cluster_id(slice);
            let mut left_out = Vec::new();
            let mut kept = Vec::new();
            for endpoint in &slice.slice().endpoints {
                for &address in &endpoint.addresses {
                    let reason = if hidden {
                        Some(LeftOutReason::NoEndpointsOption)
                    } else if !endpoint.is_ready() {
                        Some(LeftOutReason::NotReady {
                            terminating: endpoint.conditions.terminating == Some(true),
                        })
                    } else if let ServicePart::Zonal(zone) = part {
                        (!endpoint
                            .zone
                            .as_deref()
                            .is_some_and(|value| zone.matches(value)))
                        .then(|| LeftOutReason::OtherZone {
                            zone: endpoint.zone.as_deref().map(str::to_owned),
                        })
                    } else if let ServicePart::Endpoint { label, cluster } = part {
                        let own = EndpointName::of(endpoint, address, config.endpoint_pod_names);
                        if !own.matches(label) {
                            let mut buffer = [0u8; 48];
                            Some(LeftOutReason::OtherName {
                                name: own.label(&mut buffer).to_owned(),
                            })
                        } else {
                            match cluster_id {
                                Some(id)
                                    if !cluster.unwrap_or_default().eq_ignore_ascii_case(id) =>
                                {
                                    Some(LeftOutReason::OtherCluster {
                                        cluster: id.to_owned(),
                                    })
                                }
                                _ => None,
                            }
                        }
                    } else {
                        None
                    };
                    let reason = reason
                        .or_else(|| (!slice_matches_port).then_some(LeftOutReason::PortMismatch));
                    match reason {
                        Some(reason) => left_out.push(LeftOut {
                            slice: object.clone(),
                            address,
                            reason,
                        }),
                        None => {
                            answering += slice.slice().ports.len().max(1);
                            if family.is_some_and(|v6| address.is_ipv6() != v6) {
                                left_out.push(LeftOut {
                                    slice: object.clone(),
                                    address,
                                    reason: LeftOutReason::OtherFamily,
                                });
                            } else {
                                kept.push(address);
                            }
                        }
                    }
                }
            }
            let selector = view
                .service()
                .and_then(|service| service.selector.as_ref())
                .map(|selector| {
                    selector
                        .labels()
                        .iter()
                        .map(|(key, value)| format!("{key}={value}"))
                        .collect::<Vec<_>>()
                        .join(",")
                });
            let kept_text =
                if slice.slice().endpoints.is_empty() && *slice.origin() == SliceOrigin::FromPods {
                    format!(
                        "no Pod with an address matches the selector {}",
                        selector.unwrap_or_default()
                    )
                } else if kept.is_empty() {
                    "none of its addresses answers".to_owned()
                } else {
                    format!("answering {}", ips_text(&kept))
                };
            let step = self.step(
                13,
                format!(
                    "EndpointSlice {}/{}{origin}: {kept_text}",
                    object.namespace.as_deref().unwrap_or_default(),
                    object.name
                ),
            );
            step.objects
                .push(ObjectAt::new(object, slice.location().clone()));
            step.left_out = left_out;
            // The Pods behind the endpoints (their targetRef).
            let cluster = self.asked.cluster;
            let pods: Vec<ObjectAt> = slice
                .slice()
                .endpoints
                .iter()
                .filter_map(|endpoint| endpoint.target_ref.as_ref())
                .filter(|target| target.kind.as_deref() == Some("Pod"))
                .map(|target| {
                    let namespace = target.namespace.as_deref().unwrap_or(namespace);
                    pod_at(cluster, namespace, &target.name)
                })
                .collect();
            if let Some(step) = self.out.steps.last_mut() {
                for pod in pods {
                    if !step.objects.contains(&pod) {
                        step.objects.push(pod);
                    }
                }
            }
        }
        answering
    }
}
