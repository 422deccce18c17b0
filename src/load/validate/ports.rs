//! The port lists that several kinds share, each checked as the API server checks it.
//!
//! - `spec.ports` of a Service and of a ServiceImport ([`PortsSeen`]): the part of
//!   `validateServicePort` and of the uniqueness checks of `ValidateService`
//!   (`pkg/apis/core/validation/validation.go`) that the two share. A ServiceImport is copied
//!   from the exported Services, so its ports follow the Service rules.
//! - The ports of an Endpoints subset and of an EndpointSlice ([`endpoint_ports`]): the
//!   Endpoints form requires `port`, and a name when there are several; the EndpointSlice form
//!   (`pkg/apis/discovery/validation/validation.go`) makes both optional, an unset port meaning
//!   "all ports".
//! - The container ports of a Pod spec ([`container_ports`]), of a Pod or of a workload's
//!   template: only containers and restartable init containers serve traffic.
//!
//! A single port number or protocol is checked by the [`Checker`] itself.

use std::collections::HashSet;

use super::{Checker, NameRule, quote};
use crate::load::raw::{Int, RawContainer, RawContainerPort, RawEndpointPort};
use crate::model::{ContainerPort, EndpointPort, Protocol};

/// The checks every entry of a `spec.ports` list shares: a name (required when there are
/// several, a DNS-1123 label, unique), a protocol, a port number, and a unique port and
/// protocol pair.
pub(super) struct PortsSeen {
    many: bool,
    names: HashSet<String>,
    pairs: HashSet<(Protocol, u16)>,
}

impl PortsSeen {
    pub(super) fn new(count: usize) -> Self {
        PortsSeen {
            many: count > 1,
            names: HashSet::new(),
            pairs: HashSet::new(),
        }
    }

    /// Checks one entry; `field` spells the path of one of its fields.
    pub(super) fn check(
        &mut self,
        check: &mut Checker<'_>,
        field: &dyn Fn(&str) -> String,
        name: Option<String>,
        protocol: Option<&str>,
        port: Option<Int>,
    ) -> (Option<String>, Protocol, Option<u16>) {
        let name = match name.filter(|n| !n.is_empty()) {
            None => {
                if self.many {
                    check.missing(&field("name"));
                }
                None
            }
            Some(name) => {
                if check.name(&field("name"), &name, NameRule::Dns1123Label)
                    && !self.names.insert(name.clone())
                {
                    check.invalid(&field("name"), "a name no other port has", quote(&name));
                }
                Some(name)
            }
        };
        let protocol = check.protocol(&field("protocol"), protocol);
        let number = match port {
            None => {
                check.missing(&field("port"));
                None
            }
            Some(value) => check.port(&field("port"), value),
        };
        if let Some(number) = number
            && !self.pairs.insert((protocol, number))
        {
            check.invalid(
                &field("port"),
                "a port and protocol no other port has",
                format!("{number}/{protocol}"),
            );
        }
        (name, protocol, number)
    }
}

/// Ports of an Endpoints subset (`port` required, a name required when there are several)
/// or of an EndpointSlice (`port` optional, names optional).
pub(super) fn endpoint_ports(
    check: &mut Checker<'_>,
    prefix: &str,
    raw: Vec<RawEndpointPort>,
    legacy: bool,
) -> Vec<EndpointPort> {
    let many = raw.len() > 1;
    let mut names = HashSet::new();
    let mut unnamed = false;
    let mut out = Vec::new();
    for (p, port) in raw.into_iter().enumerate() {
        let field = |name: &str| format!("{prefix}[{p}].{name}");
        let name = port_name(check, &field("name"), port.name, legacy && many, &mut names);
        if name.is_none() && !legacy {
            // A slice port's name defaults to "", which two ports may not share either.
            if unnamed {
                check.invalid(&field("name"), "a name no other port has", "\"\"");
            }
            unnamed = true;
        }
        let app_protocol = check.optional_name(
            &field("appProtocol"),
            port.app_protocol,
            NameRule::QualifiedName,
        );
        let protocol = check.protocol(&field("protocol"), port.protocol.as_deref());
        let number = match port.port {
            None if legacy => {
                check.missing(&field("port"));
                None
            }
            None => None,
            Some(value) => check.port(&field("port"), value),
        };
        out.push(EndpointPort {
            name,
            protocol,
            port: number,
            app_protocol,
        });
    }
    out
}

/// A port's `name`: required when `required` (several ports), a DNS-1123 label, unique among
/// `names`.
fn port_name(
    check: &mut Checker<'_>,
    field: &str,
    name: Option<String>,
    required: bool,
    names: &mut HashSet<String>,
) -> Option<String> {
    match name.filter(|name| !name.is_empty()) {
        None => {
            if required {
                check.missing(field);
            }
            None
        }
        Some(name) => {
            if check.name(field, &name, NameRule::Dns1123Label) && !names.insert(name.clone()) {
                check.invalid(field, "a name no other port has", quote(&name));
            }
            Some(name)
        }
    }
}

/// The ports of a Pod spec's containers and restartable init containers ("sidecars", the only
/// init containers that serve traffic), under `prefix` (`spec`, `spec.template.spec`).
pub(super) fn container_ports(
    check: &mut Checker<'_>,
    prefix: &str,
    containers: Option<Vec<RawContainer>>,
    init_containers: Option<Vec<RawContainer>>,
) -> Vec<ContainerPort> {
    let mut ports = Vec::new();
    for (c, container) in containers.unwrap_or_default().into_iter().enumerate() {
        let field = format!("{prefix}.containers[{c}].ports");
        ports.extend(pod_ports(
            check,
            &field,
            container.ports.unwrap_or_default(),
        ));
    }
    for (c, container) in init_containers.unwrap_or_default().into_iter().enumerate() {
        if container.restart_policy.as_deref() == Some("Always") {
            let field = format!("{prefix}.initContainers[{c}].ports");
            ports.extend(pod_ports(
                check,
                &field,
                container.ports.unwrap_or_default(),
            ));
        }
    }
    ports
}

/// The `ports` of one container, under `prefix`: an optional IANA service name, a protocol
/// and a required `containerPort`.
fn pod_ports(
    check: &mut Checker<'_>,
    prefix: &str,
    raw: Vec<RawContainerPort>,
) -> Vec<ContainerPort> {
    let mut out = Vec::new();
    for (p, port) in raw.into_iter().enumerate() {
        let field = |name: &str| format!("{prefix}[{p}].{name}");
        let name = check.optional_name(&field("name"), port.name, NameRule::IanaServiceName);
        let protocol = check.protocol(&field("protocol"), port.protocol.as_deref());
        let number = match port.container_port {
            None => {
                check.missing(&field("containerPort"));
                None
            }
            Some(value) => check.port(&field("containerPort"), value),
        };
        if let Some(port) = number {
            out.push(ContainerPort {
                name,
                port,
                protocol,
            });
        }
    }
    out
}
