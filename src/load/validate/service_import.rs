//! Checking a `multicluster.x-k8s.io/v1alpha1 ServiceImport` (the Multi-Cluster Services API),
//! which the `multicluster` zones answer in place of Services.
//!
//! Its CustomResourceDefinition checks little, so the rules here are those of the Services the
//! import is copied from (see [`service_import`]): the name is a DNS-1035 label and the ports
//! follow a Service's `spec.ports`. `spec.type` is required (`ClusterSetIP` or `Headless`), and
//! `spec.ips` holds at most two IP addresses, since CoreDNS answers them as addresses.

use std::net::IpAddr;

use super::ports::PortsSeen;
use super::{Checker, NameRule, quote, quote_list};
use crate::load::raw::RawServiceImport;
use crate::model::{Kind, ServiceImport, ServiceImportPort, ServiceImportType};

/// The most addresses `spec.ips` of a ServiceImport may hold (the API's `MaxItems`).
const MAX_IMPORT_IPS: usize = 2;

/// Validates a `multicluster.x-k8s.io/v1alpha1 ServiceImport`.
///
/// The CustomResourceDefinition itself checks little (the type is `ClusterSetIP` or
/// `Headless`, a port has a number); the controllers that write ServiceImports copy them
/// from exported Services, so the name and the ports follow the Service rules here, and each
/// of `spec.ips` must be an address, since CoreDNS answers them as such.
pub(crate) fn service_import(
    check: &mut Checker<'_>,
    raw: RawServiceImport,
) -> Option<ServiceImport> {
    let meta = check.meta(raw.metadata, Kind::ServiceImport, NameRule::Dns1035Label);
    let spec = raw.spec.unwrap_or_default();
    let import_type = check.choice(
        "spec.type",
        spec.import_type.as_deref(),
        true,
        &[
            ("ClusterSetIP", ServiceImportType::ClusterSetIp),
            ("Headless", ServiceImportType::Headless),
        ],
    );
    let raw_ips = spec.ips.unwrap_or_default();
    if raw_ips.len() > MAX_IMPORT_IPS {
        check.invalid(
            "spec.ips",
            format!("at most {MAX_IMPORT_IPS} addresses"),
            quote_list(&raw_ips),
        );
    }
    let mut ips = Vec::new();
    for (i, value) in raw_ips.iter().enumerate() {
        match value.parse::<IpAddr>() {
            Ok(ip) => ips.push(ip),
            Err(_) => check.invalid(&format!("spec.ips[{i}]"), "an IP address", quote(value)),
        }
    }
    let raw_ports = spec.ports.unwrap_or_default();
    let mut seen = PortsSeen::new(raw_ports.len());
    let mut ports = Vec::new();
    for (i, port) in raw_ports.into_iter().enumerate() {
        let field = |name: &str| format!("spec.ports[{i}].{name}");
        let (name, protocol, number) = seen.check(
            check,
            &field,
            port.name,
            port.protocol.as_deref(),
            port.port,
        );
        if let Some(number) = number {
            ports.push(ServiceImportPort {
                name,
                protocol,
                port: number,
                app_protocol: port.app_protocol.filter(|a| !a.is_empty()),
            });
        }
    }
    let import = ServiceImport {
        meta,
        import_type: import_type.unwrap_or(ServiceImportType::ClusterSetIp),
        ips,
        ports,
    };
    check.ok().then_some(import)
}
