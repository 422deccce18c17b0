//! Manifests shared by the benches.

use std::fmt::Write;
use std::net::Ipv4Addr;

/// `services` Services in namespace `bench`, alternately ClusterIP and headless, each with an
/// EndpointSlice of `endpoints_per_service` ready endpoints.
pub fn generated_manifests(services: usize, endpoints_per_service: usize) -> String {
    let mut yaml = String::with_capacity(services * (400 + endpoints_per_service * 40));
    for s in 0..services {
        let cluster_ip = if s % 2 == 0 {
            format!("10.{}.{}.{}", 96 + s / 65536, (s / 256) % 256, s % 256)
        } else {
            "None".to_owned()
        };
        writeln!(
            yaml,
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: svc-{s}, namespace: bench}}\n\
             spec: {{clusterIP: {cluster_ip}, ports: [{{name: http, port: 80}}]}}\n---\n\
             apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
             metadata: {{name: svc-{s}-1, namespace: bench, labels: {{kubernetes.io/service-name: svc-{s}}}}}\n\
             addressType: IPv4\nports: [{{name: http, port: 8080, protocol: TCP}}]\nendpoints:"
        )
        .unwrap();
        for e in 0..endpoints_per_service {
            let n = s * endpoints_per_service + e;
            writeln!(
                yaml,
                "  - addresses: [\"{}\"]",
                Ipv4Addr::from(0x0a00_0000u32 + n as u32)
            )
            .unwrap();
        }
    }
    yaml
}
