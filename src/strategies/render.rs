//! The manifests of generated Services and their EndpointSlices.

use std::fmt::Write;

use super::service::{
    EndpointSource, GeneratedEndpoint, GeneratedService, ServiceKind, slice_name,
};

/// The manifests of namespaces and Services: a Namespace object each; per Service the Service
/// and its EndpointSlices (see [`GeneratedService::slice_name`]).
pub fn render(namespaces: &[String], services: &[GeneratedService]) -> String {
    let mut yaml = String::new();
    for namespace in namespaces {
        let _ = write!(
            yaml,
            "---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: \"{namespace}\"}}\n"
        );
    }
    for service in services {
        render_service(&mut yaml, service);
        // A Service switched to ExternalName keeps the endpoints it had (generated
        // ExternalName Services have none).
        if service.source.is_endpoints_object() {
            render_endpoints(&mut yaml, service);
            continue;
        }
        for (family, v6) in [("IPv4", false), ("IPv6", true)] {
            let endpoints: Vec<&GeneratedEndpoint> = service
                .endpoints
                .iter()
                .filter(|endpoint| endpoint.address.is_ipv6() == v6)
                .collect();
            for slice in 0..service.slices.max(1) {
                let members: Vec<&GeneratedEndpoint> = endpoints
                    .iter()
                    .skip(slice)
                    .step_by(service.slices.max(1))
                    .copied()
                    .collect();
                if !members.is_empty() {
                    render_slice(
                        &mut yaml,
                        service,
                        family,
                        &slice_name(&service.name, v6, slice),
                        &members,
                    );
                }
            }
        }
    }
    yaml
}

fn render_service(yaml: &mut String, service: &GeneratedService) {
    let (namespace, name) = (&service.namespace, &service.name);
    let _ = write!(
        yaml,
        "---\napiVersion: v1\nkind: Service\nmetadata: {{name: \"{name}\", namespace: \"{namespace}\"}}\nspec:\n"
    );
    if let Some(target) = &service.external_name {
        let _ = writeln!(yaml, "  type: ExternalName\n  externalName: {target}");
        // A Service switched to ExternalName keeps its ports.
        if !service.ports.is_empty() {
            let _ = writeln!(yaml, "  ports: [{}]", service_ports(service).join(", "));
        }
        return;
    }
    match service.kind {
        ServiceKind::Headless => {
            let _ = writeln!(yaml, "  clusterIP: None");
        }
        ServiceKind::NodePort => {
            let _ = writeln!(yaml, "  type: NodePort");
        }
        ServiceKind::LoadBalancer => {
            let _ = writeln!(yaml, "  type: LoadBalancer");
        }
        _ => {}
    }
    if service.source == EndpointSource::BesideSelector {
        // A selector no Pod matches: the Service is not selectorless, so its Endpoints object
        // is not mirrored.
        let _ = writeln!(yaml, "  selector: {{generated-selector: none}}");
    }
    // No ClusterIP in the model: one is allocated (a Service switched back from ExternalName).
    if service.kind.has_cluster_ip() && !service.cluster_ips.is_empty() {
        let ips: Vec<String> = service
            .cluster_ips
            .iter()
            .map(|ip| format!("\"{ip}\""))
            .collect();
        let (policy, families) = match service.kind {
            ServiceKind::DualStack => ("RequireDualStack", "[IPv4, IPv6]"),
            ServiceKind::Ipv6Only => ("SingleStack", "[IPv6]"),
            _ => ("SingleStack", "[IPv4]"),
        };
        let _ = writeln!(
            yaml,
            "  clusterIP: {}\n  clusterIPs: [{}]\n  ipFamilyPolicy: {policy}\n  ipFamilies: {families}",
            ips[0],
            ips.join(", ")
        );
    }
    let _ = writeln!(yaml, "  ports: [{}]", service_ports(service).join(", "));
}

/// The Service's `spec.ports`.
fn service_ports(service: &GeneratedService) -> Vec<String> {
    service
        .ports
        .iter()
        .map(|port| {
            let name = port
                .name
                .as_ref()
                .map(|name| format!("name: \"{name}\", "))
                .unwrap_or_default();
            format!(
                "{{{name}port: {}, targetPort: {}, protocol: {}}}",
                port.port,
                u32::from(port.port) + 8000,
                port.protocol.as_str()
            )
        })
        .collect()
}

fn render_slice(
    yaml: &mut String,
    service: &GeneratedService,
    family: &str,
    slice: &str,
    endpoints: &[&GeneratedEndpoint],
) {
    let (namespace, name) = (&service.namespace, &service.name);
    let ports = slice_ports(service, 0);
    let _ = write!(
        yaml,
        "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
         metadata: {{name: \"{slice}\", namespace: \"{namespace}\", labels: {{kubernetes.io/service-name: \"{name}\"}}}}\n\
         addressType: {family}\nports: [{}]\nendpoints:\n",
        ports.join(", ")
    );
    for endpoint in endpoints {
        render_endpoint(yaml, namespace, endpoint);
    }
}

/// One entry of an EndpointSlice's `endpoints`.
pub(super) fn render_endpoint(yaml: &mut String, namespace: &str, endpoint: &GeneratedEndpoint) {
    let _ = writeln!(yaml, "  - addresses: [\"{}\"]", endpoint.address);
    match (endpoint.ready, endpoint.terminating) {
        (Some(ready), true) => {
            let _ = writeln!(
                yaml,
                "    conditions: {{ready: {ready}, serving: false, terminating: true}}"
            );
        }
        (Some(ready), false) => {
            let _ = writeln!(yaml, "    conditions: {{ready: {ready}}}");
        }
        (None, _) => {}
    }
    if let Some(hostname) = &endpoint.hostname {
        let _ = writeln!(yaml, "    hostname: \"{hostname}\"");
    }
    if let Some(pod) = &endpoint.target_ref {
        let _ = writeln!(
            yaml,
            "    targetRef: {{kind: Pod, name: \"{pod}\", namespace: \"{namespace}\"}}"
        );
    }
    if let Some(zone) = &endpoint.zone {
        let _ = writeln!(yaml, "    zone: \"{zone}\"");
    }
}

/// The ports of its EndpointSlices (and Endpoints subsets, the `n`-th at `offset` `100 n`):
/// the target ports, named as the Service's.
fn slice_ports(service: &GeneratedService, offset: u32) -> Vec<String> {
    service
        .ports
        .iter()
        .map(|port| {
            let name = port
                .name
                .as_ref()
                .map(|name| format!("name: \"{name}\", "))
                .unwrap_or_default();
            format!(
                "{{{name}port: {}, protocol: {}}}",
                u32::from(port.port) + 8000 + offset,
                port.protocol.as_str()
            )
        })
        .collect()
}

/// The Endpoints object of a Service whose endpoints are written the legacy way: the
/// endpoints dealt out over [`GeneratedService::slices`] subsets (the `n`-th endpoint in
/// subset `n % slices`), each with every port at its own numbers (as Pods whose named target
/// port resolves differently are grouped), ready addresses and `notReadyAddresses`.
fn render_endpoints(yaml: &mut String, service: &GeneratedService) {
    if service.endpoints.is_empty() {
        return;
    }
    let (namespace, name) = (&service.namespace, &service.name);
    let labels = if service.source == EndpointSource::SkipMirror {
        ", labels: {endpointslice.kubernetes.io/skip-mirror: \"true\"}"
    } else {
        ""
    };
    let _ = write!(
        yaml,
        "---\napiVersion: v1\nkind: Endpoints\n\
         metadata: {{name: \"{name}\", namespace: \"{namespace}\"{labels}}}\nsubsets:\n"
    );
    let subsets = service.slices.max(1).min(service.endpoints.len());
    for subset in 0..subsets {
        let offset = 100 * u32::try_from(subset).unwrap_or(0);
        let _ = writeln!(
            yaml,
            "  - ports: [{}]",
            slice_ports(service, offset).join(", ")
        );
        for (key, ready) in [("addresses", true), ("notReadyAddresses", false)] {
            let addresses: Vec<String> = service
                .endpoints
                .iter()
                .enumerate()
                .filter(|(index, endpoint)| {
                    index % subsets == subset && endpoint.is_ready() == ready
                })
                .map(|(_, endpoint)| {
                    let mut fields = vec![format!("ip: \"{}\"", endpoint.address)];
                    if let Some(hostname) = &endpoint.hostname {
                        fields.push(format!("hostname: \"{hostname}\""));
                    }
                    if let Some(pod) = &endpoint.target_ref {
                        fields.push(format!(
                            "targetRef: {{kind: Pod, name: \"{pod}\", namespace: \"{namespace}\"}}"
                        ));
                    }
                    format!("{{{}}}", fields.join(", "))
                })
                .collect();
            if !addresses.is_empty() {
                let _ = writeln!(yaml, "    {key}: [{}]", addresses.join(", "));
            }
        }
    }
}
