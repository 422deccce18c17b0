//! hickory-resolver, configured as a Pod's resolver (the kubelet's `ClusterFirst` resolv.conf:
//! search `<ns>.svc.cluster.local svc.cluster.local cluster.local`, ndots 5), against the
//! loopback server of `k8s_dns_sim::serve`: what a Rust program in a Pod would see.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{Name, RData};
use hickory_resolver::{Resolver, TokioResolver};
use k8s_dns_sim::serve::Server;
use k8s_dns_sim::{Change, Cluster, ClusterDns, Config, Kind};

const MANIFESTS: &str = "\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.0.20, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec: {clusterIP: None, ports: [{name: pg, port: 5432}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: db-1, namespace: shop, labels: {kubernetes.io/service-name: db}}
addressType: IPv4
ports: [{name: pg, port: 5432, protocol: TCP}]
endpoints:
  - addresses: [10.244.1.5]
    hostname: db-0
  - addresses: [10.244.2.6]
    hostname: db-1
  - addresses: [10.244.3.7]
    conditions: {ready: false}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: billing}
spec: {clusterIP: 10.96.0.30, ports: [{port: 443}]}
";

fn server(manifests: &str) -> Server {
    let dns = ClusterDns::new(Cluster::from_yaml(manifests).unwrap(), Config::default());
    Server::start(dns, "127.0.0.1:0").expect("the server starts on loopback")
}

/// A resolver as a Pod in `namespace` has one: the kubelet's search list and ndots:5, the
/// server as its only name server (UDP, then TCP for a truncated reply), no cache (as glibc,
/// so that a change is seen by the next lookup) and no hosts file.
fn pod_resolver(server: &Server, namespace: &str) -> TokioResolver {
    let mut name_server = NameServerConfig::udp_and_tcp(server.addr().ip());
    for connection in &mut name_server.connections {
        connection.port = server.addr().port();
    }
    let search = [
        format!("{namespace}.svc.cluster.local."),
        "svc.cluster.local.".to_owned(),
        "cluster.local.".to_owned(),
    ]
    .iter()
    .map(|domain| Name::from_ascii(domain).unwrap())
    .collect();
    let config = ResolverConfig::from_parts(None, search, vec![name_server]);
    let mut options = ResolverOpts::default();
    options.ndots = 5;
    options.timeout = Duration::from_secs(2);
    options.attempts = 2;
    options.cache_size = 0;
    options.use_hosts_file = ResolveHosts::Never;
    Resolver::builder_with_config(config, TokioRuntimeProvider::default())
        .with_options(options)
        .build()
        .expect("the resolver builds")
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

async fn ips(resolver: &TokioResolver, name: &str) -> BTreeSet<IpAddr> {
    resolver
        .lookup_ip(name)
        .await
        .unwrap_or_else(|error| panic!("{name}: {error}"))
        .iter()
        .collect()
}

fn set(addresses: &[&str]) -> BTreeSet<IpAddr> {
    addresses.iter().map(|a| a.parse().unwrap()).collect()
}

#[test]
fn a_short_name_resolves_through_the_search_list() {
    let server = server(MANIFESTS);
    let resolver = pod_resolver(&server, "shop");
    block_on(async {
        // `web` becomes web.shop.svc.cluster.local, the first search domain.
        assert_eq!(ips(&resolver, "web").await, set(&["10.96.0.20"]));
        // Another namespace's Service by `<svc>.<ns>`: the second search domain.
        assert_eq!(ips(&resolver, "api.billing").await, set(&["10.96.0.30"]));
        // The whole name, absolute.
        assert_eq!(
            ips(&resolver, "web.shop.svc.cluster.local.").await,
            set(&["10.96.0.20"])
        );
    });
}

#[test]
fn a_clusterip_and_a_headless_service() {
    let server = server(MANIFESTS);
    let resolver = pod_resolver(&server, "shop");
    block_on(async {
        // ClusterIP: the one virtual IP.
        let web = resolver.ipv4_lookup("web").await.unwrap();
        assert_eq!(web.answers().len(), 1);
        // Headless: one address per ready endpoint (the unready one is left out).
        assert_eq!(
            ips(&resolver, "db").await,
            set(&["10.244.1.5", "10.244.2.6"])
        );
        // Each endpoint by its hostname, and SRV naming them.
        assert_eq!(ips(&resolver, "db-0.db").await, set(&["10.244.1.5"]));
        let srv = resolver.srv_lookup("_pg._tcp.db").await.unwrap();
        let mut targets: Vec<String> = srv
            .answers()
            .iter()
            .filter_map(|record| match &record.data {
                RData::SRV(srv) => Some(format!("{} {}", srv.port, srv.target)),
                _ => None,
            })
            .collect();
        targets.sort();
        assert_eq!(
            targets,
            [
                "5432 db-0.db.shop.svc.cluster.local.",
                "5432 db-1.db.shop.svc.cluster.local."
            ]
        );
    });
}

#[test]
fn a_missing_name_is_nxdomain() {
    let server = server(MANIFESTS);
    let resolver = pod_resolver(&server, "shop");
    block_on(async {
        let error = resolver
            .lookup_ip("nope.shop.svc.cluster.local.")
            .await
            .unwrap_err();
        assert!(error.is_nx_domain(), "{error}");
        // A short name fails too, after the whole search list (and the name as given, which
        // is outside the cluster zone: REFUSED).
        assert!(resolver.lookup_ip("nope").await.is_err());
        // A Service of another namespace is not found by its short name.
        assert!(resolver.lookup_ip("api").await.is_err());
    });
}

#[test]
fn a_truncated_udp_reply_is_retried_over_tcp() {
    let mut manifests = String::from(
        "apiVersion: v1\nkind: Service\nmetadata: {name: big, namespace: shop}\n\
         spec: {clusterIP: None, ports: [{name: http, port: 80}]}\n---\n\
         apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
         metadata: {name: big-1, namespace: shop, labels: {kubernetes.io/service-name: big}}\n\
         addressType: IPv4\nports: [{name: http, port: 80, protocol: TCP}]\nendpoints:\n",
    );
    for i in 0..200 {
        manifests.push_str(&format!(
            "  - addresses: [\"10.1.{}.{}\"]\n",
            i / 256,
            i % 256
        ));
    }
    let server = server(&manifests);
    let resolver = pod_resolver(&server, "shop");
    block_on(async {
        // 200 A records fit no UDP reply (the resolver advertises 1232 bytes).
        assert_eq!(ips(&resolver, "big").await.len(), 200);
    });
}

#[test]
fn a_live_apply_is_seen_by_the_next_lookup() {
    let server = server(MANIFESTS);
    let resolver = pod_resolver(&server, "shop");
    block_on(async {
        assert_eq!(ips(&resolver, "db").await.len(), 2);
        server
            .apply([Change::endpoint_ready(
                "shop",
                "db-1",
                "10.244.3.7".parse().unwrap(),
                true,
            )])
            .unwrap();
        assert_eq!(
            ips(&resolver, "db").await,
            set(&["10.244.1.5", "10.244.2.6", "10.244.3.7"])
        );
        server
            .apply([Change::delete(Kind::Service, "shop", "web")])
            .unwrap();
        assert!(resolver.lookup_ip("web").await.is_err());
        server
            .apply([Change::apply_yaml(
                "web.yaml",
                "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n\
                 spec: {clusterIP: 10.96.0.21, ports: [{port: 80}]}\n",
            )])
            .unwrap();
        assert_eq!(ips(&resolver, "web").await, set(&["10.96.0.21"]));
    });
}
