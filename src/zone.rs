//! Zone listing: every record one forward zone serves, in the order of a CoreDNS zone transfer.
//!
//! Why: a query answers one name; a listing shows the whole zone at once. That is the teaching
//! view (what DNS names a set of manifests creates, and which ones a headless Service adds) and
//! the diffing view: list the zone before and after a change to the manifests, diff the two
//! texts, and the changed lines are exactly the DNS records that changed.
//!
//! The listing is what CoreDNS's `kubernetes` plugin sends for an AXFR
//! (`plugin/kubernetes/xfr.go`, `Transfer` and `transferServices`), record for record and in
//! the same order:
//!
//! 1. the zone's SOA;
//! 2. one NS per distinct name server name, then every name server address as glue (TTL 0:
//!    CoreDNS's `nsAddrs` sets no TTL on them);
//! 3. the Services of exposed namespaces (`namespaces`), sorted by name (xfr.go sorts by name
//!    only; Services of the same name in several namespaces come in namespace order here, in
//!    an unspecified order in CoreDNS):
//!    - ClusterIP, NodePort and LoadBalancer: an A/AAAA per ClusterIP, then per port an SRV on
//!      the Service name (weight 100) and, for a named port only, an SRV on
//!      `_<port>._<proto>.<svc>` (weight 100), both targeting the Service name;
//!    - headless: per EndpointSlice, per ready address, an A/AAAA on the Service name, an A/AAAA
//!      on the endpoint name and, per named port of the slice, an SRV on
//!      `_<port>._<proto>.<svc>` targeting the endpoint name, weighted `floor(100/N)` with N the
//!      ready addresses *of that slice*. Nothing is deduplicated: an address in two slices is
//!      listed twice. With `noendpoints` no endpoint is known, so nothing is listed;
//!    - ExternalName: a CNAME to the external name, unless it is an IP address;
//! 4. the SOA again, which ends a transfer.
//!
//! `ignore empty_service` does not act on the listing (xfr.go does not read it). A
//! `multicluster` zone lists ServiceImports instead (xfr.go `transferMultiClusterServices`),
//! sorted by name: an import with ClusterSet IPs as a ClusterIP Service, any other through its
//! multicluster EndpointSlices as a headless Service, endpoint names *without* the cluster id
//! (unlike the query answers).
//!
//! Owner names are lower-case: CoreDNS builds the transfer from the lower-cased question.
//! Two records differ from what the plugin's query answers give: the glue's TTL (0 instead of
//! `ttl`) and the ClusterIP SRV weight (always 100, where a query divides 100 among the
//! ClusterIPs).
//!
//! ```
//! use k8s_dns_sim::{Cluster, ClusterDns, Config};
//!
//! let cluster = Cluster::from_yaml(
//!     "apiVersion: v1
//! kind: Service
//! metadata: {name: web, namespace: default}
//! spec: {clusterIP: 10.96.0.20, ports: [{name: http, port: 80}]}
//! ",
//! )?;
//! let dns = ClusterDns::new(cluster, Config::default());
//! let soa = "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5";
//! assert_eq!(
//!     dns.zone_file("cluster.local")?,
//!     format!(
//!         "{soa}
//! cluster.local. 5 IN NS ns.dns.cluster.local.
//! web.default.svc.cluster.local. 5 IN A 10.96.0.20
//! web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local.
//! _http._tcp.web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local.
//! {soa}
//! "
//!     )
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::net::IpAddr;

use hickory_proto::rr::rdata::{CNAME, SRV};
use hickory_proto::rr::{Name, RData, Record};

use crate::answer::names::{EndpointName, port_name, service_name};
use crate::answer::{Context, srv_weight};
use crate::cluster::{ClusterSlice, ServiceView};
use crate::error::InvalidNameError;
use crate::model::Protocol;

/// CoreDNS's `transfer` plugin starts a new message before the records of the current one
/// would exceed this many bytes (counted uncompressed, as miekg/dns's `Len` does).
pub const TRANSFER_BATCH_BYTES: usize = 63000;

/// Why a zone cannot be listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ZoneError {
    /// The zone is not a valid domain name.
    #[error(transparent)]
    InvalidName(#[from] InvalidNameError),
    /// The zone is not one of the configuration's forward zones.
    #[error("expected a forward zone of this server ({configured}), found {zone:?}")]
    NotServed {
        /// The zone asked for.
        zone: String,
        /// The configured forward zones, space-separated.
        configured: String,
    },
}

/// The listing of `zone` (lower-case, absolute, a configured zone), in xfr.go's order.
pub(crate) fn listing(context: &Context<'_>, zone: &Name) -> Vec<Record> {
    let config = context.config;
    let soa = context.zone_soa(zone.clone());
    let mut out = Out {
        records: vec![soa.clone()],
        ttl: config.ttl,
    };

    let (ns, glue) = context.apex_ns_records(zone, zone);
    out.records.extend(ns);
    out.records.extend(glue.into_iter().map(|mut record| {
        record.ttl = 0;
        record
    }));

    let multicluster = config
        .multicluster_zones
        .iter()
        .any(|multicluster| multicluster.zone_of(zone));
    // xfr.go sorts by name only; ties stay in namespace order (both lists come sorted by
    // namespace and name).
    let mut views: Vec<ServiceView<'_>> = if multicluster {
        let imports = context.cluster.service_imports().into_iter();
        imports.map(ServiceView::Import).collect()
    } else {
        let services = context.cluster.services().into_iter();
        services.map(ServiceView::Service).collect()
    };
    views.retain(|view| context.namespace_exposed(&view.meta().namespace));
    views.sort_by(|a, b| a.meta().name.cmp(&b.meta().name));
    for view in views {
        list_service(context, zone, view, &mut out);
    }

    out.records.push(soa);
    out.records
}

/// The records being listed.
struct Out {
    records: Vec<Record>,
    ttl: u32,
}

impl Out {
    fn address(&mut self, owner: &Name, address: IpAddr) {
        self.records.push(Record::from_rdata(
            owner.clone(),
            self.ttl,
            RData::from(address),
        ));
    }

    /// A Service (or ServiceImport) reached through virtual IPs: an address record per IP,
    /// then per port an SRV on the name and, for a named port, one on `_<port>._<proto>`, all
    /// of weight 100 and targeting the name.
    fn virtual_ip<'p>(
        &mut self,
        base: &Name,
        ips: &[IpAddr],
        ports: impl Iterator<Item = (Option<&'p str>, Protocol, u16)>,
    ) {
        for &ip in ips {
            self.address(base, ip);
        }
        for (name, protocol, port) in ports {
            self.srv(base.clone(), 100, port, base);
            let Some(name) = name.filter(|name| !name.is_empty()) else {
                continue;
            };
            if let Some(owner) = port_name(base, name, protocol.as_str()) {
                self.srv(owner, 100, port, base);
            }
        }
    }

    fn srv(&mut self, owner: Name, weight: u16, port: u16, target: &Name) {
        let data = SRV::new(0, weight, port, target.clone());
        self.records
            .push(Record::from_rdata(owner, self.ttl, RData::SRV(data)));
    }
}

/// One Service's or ServiceImport's records (xfr.go `transferServices` and
/// `transferMultiClusterServices`, one iteration). A name too long for DNS (a very long zone)
/// has no records.
fn list_service(context: &Context<'_>, zone: &Name, view: ServiceView<'_>, out: &mut Out) {
    let Some(base) = service_name(view.meta(), zone) else {
        return;
    };
    if let Some(service) = view.service()
        && service.service_type.is_external_name()
    {
        // An IP-valued externalName is ignored.
        if let Some(target) = service.cname_target()
            && let Ok(mut target) = Name::from_ascii(target)
        {
            target.set_fqdn(true);
            let data = RData::CNAME(CNAME(target));
            out.records.push(Record::from_rdata(base, out.ttl, data));
        }
        return;
    }
    if !view.virtual_ips().is_empty() {
        out.virtual_ip(&base, view.virtual_ips(), view.ports());
        return;
    }
    // Headless: the endpoints, slice by slice (none of a Service's with `noendpoints`).
    for slice in context.visible_slices(view) {
        list_slice_endpoints(context, &base, slice, out);
    }
}

/// The ready endpoints of one slice under `base`: an address record on `base` and on the
/// endpoint's name (*without* a cluster id in a multicluster zone, unlike the query answers),
/// and per named port an SRV on `_<port>._<proto>.<base>` weighted `floor(100/N)`, N the
/// slice's ready addresses.
fn list_slice_endpoints(context: &Context<'_>, base: &Name, slice: &ClusterSlice, out: &mut Out) {
    let slice = slice.slice();
    let endpoint_pod_names = context.config.endpoint_pod_names;
    let ready = || {
        slice
            .endpoints
            .iter()
            .filter(|endpoint| endpoint.is_ready())
    };
    let weight = srv_weight(ready().map(|endpoint| endpoint.addresses.len()).sum());
    // The named ports, with their SRV owner names; a port without a number is CoreDNS's
    // -1, which becomes 65535 in the record.
    let ports: Vec<(Name, u16)> = slice
        .ports
        .iter()
        .filter_map(|port| {
            let name = port.name.as_deref().filter(|name| !name.is_empty())?;
            let owner = port_name(base, name, port.protocol.as_str())?;
            Some((owner, port.port.unwrap_or(u16::MAX)))
        })
        .collect();
    for endpoint in ready() {
        for &address in &endpoint.addresses {
            out.address(base, address);
            let name = EndpointName::of(endpoint, address, endpoint_pod_names);
            let Some(host) = name.under(base, None) else {
                continue;
            };
            out.address(&host, address);
            for (owner, port) in &ports {
                out.srv(owner.clone(), weight, *port, &host);
            }
        }
    }
}

/// The length of a record in wire format without name compression (miekg/dns `Len`), which
/// CoreDNS's `transfer` plugin uses to split a transfer into messages.
pub(crate) fn uncompressed_len(record: &Record) -> usize {
    let name_len = |name: &Name| name.iter().map(|label| label.len() + 1).sum::<usize>() + 1;
    let rdata_len = match &record.data {
        RData::A(_) => 4,
        RData::AAAA(_) => 16,
        RData::SRV(srv) => 6 + name_len(&srv.target),
        RData::CNAME(cname) => name_len(&cname.0),
        RData::NS(ns) => name_len(&ns.0),
        RData::SOA(soa) => name_len(&soa.mname) + name_len(&soa.rname) + 20,
        // Not listed in a transfer; a rough size keeps the split sensible anyway.
        _ => 64,
    };
    name_len(&record.name) + 10 + rdata_len
}

/// Splits a transfer into the messages CoreDNS's `transfer` plugin sends: a new message starts
/// when the next record would take the current one past [`TRANSFER_BATCH_BYTES`].
pub(crate) fn batches(records: Vec<Record>) -> Vec<Vec<Record>> {
    let mut batches = Vec::new();
    let mut batch: Vec<Record> = Vec::new();
    let mut size = 0;
    for record in records {
        let len = uncompressed_len(&record);
        if !batch.is_empty() && size + len > TRANSFER_BATCH_BYTES {
            batches.push(std::mem::take(&mut batch));
            size = 0;
        }
        batch.push(record);
        size += len;
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}
