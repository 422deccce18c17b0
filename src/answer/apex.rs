//! The zone's own records: the SOA (`plugin/backend_lookup.go` `SOA`), the apex NS and
//! `ns.dns.<zone>` (`plugin/kubernetes/ns.go`), and the TXT of `dns-version.<zone>`
//! (`kubernetes.go`).

use std::net::IpAddr;

use hickory_proto::rr::rdata::{NS, SOA, TXT};
use hickory_proto::rr::{Name, RData, Record};

use super::lookup::{Found, Items};
use super::names::{EndpointName, name_server, service_name};
use super::question::{Question, SoaNames};
use super::{Context, DNS_SCHEMA_VERSION, DNS_VERSION_TTL, Typed};
use crate::cluster::ClusterSlice;
use crate::qname::{QueryName, ServicePart};

impl Context<'_> {
    /// TXT: `dns-version`, and CoreDNS's quirk of answering NXDOMAIN for names that exist but
    /// hold no records (the apex, `svc.<zone>`, `<ns>.svc.<zone>`) and NODATA for names with
    /// records.
    pub(super) fn txt(&self, question: &Question<'_>, parsed: QueryName<'_>) -> Typed {
        if parsed == QueryName::DnsVersion {
            let text = TXT::new(vec![DNS_SCHEMA_VERSION.to_owned()]);
            return Typed::one(Record::from_rdata(
                question.name.clone(),
                DNS_VERSION_TTL,
                RData::TXT(text),
            ));
        }
        let zonal = matches!(
            parsed,
            QueryName::Service {
                part: ServicePart::Zonal(_),
                ..
            }
        );
        match self.find(question, parsed) {
            // CoreDNS answers `ns.dns.<zone>` before its record lookup, except for TXT.
            Found::Items(Items::NameServer) => Typed::NameError,
            // Any other name with records, ExternalName included (no CNAME is followed for
            // TXT, whatever backend_lookup.go's TXT would do: kubernetes.go returns first).
            Found::Items(_) => Typed::empty(),
            // A zonal name that exists but holds nothing stays NODATA for TXT too.
            Found::Nothing if zonal => Typed::empty(),
            Found::Nothing | Found::NameError => Typed::NameError,
        }
    }

    /// NS at the apex (CoreDNS `plugin.NS`): one NS per distinct name of
    /// [`Context::name_server_addresses`], with every address as glue. With no server
    /// addresses configured: `ns.dns.<zone>` alone.
    pub(super) fn apex_ns(&self, question: &Question<'_>) -> Typed {
        let (records, glue) = self.apex_ns_records(question.name, &question.zone_as_spelled());
        Typed::records(records, glue)
    }

    /// The apex NS records, owned by `owner`, and their glue (see [`Context::apex_ns`]).
    pub(crate) fn apex_ns_records(&self, owner: &Name, zone: &Name) -> (Vec<Record>, Vec<Record>) {
        let ttl = self.config.ttl;
        let mut records: Vec<Record> = Vec::new();
        let mut glue: Vec<Record> = Vec::new();
        for (name, address) in self.name_server_addresses(zone) {
            glue.push(Record::from_rdata(name.clone(), ttl, RData::from(address)));
            let ns = RData::NS(NS(name));
            if !records.iter().any(|record| record.data == ns) {
                records.push(Record::from_rdata(owner.clone(), ttl, ns));
            }
        }
        if records.is_empty() {
            // A real server always has addresses; a simulated one without any still names
            // `ns.dns.<zone>`, without glue, rather than answer NODATA.
            if let Some(name) = name_server(zone) {
                records.push(Record::from_rdata(owner.clone(), ttl, RData::NS(NS(name))));
            }
        }
        (records, glue)
    }

    /// The server's names and addresses (CoreDNS `nsAddrs`): for each of its own addresses,
    /// the EndpointSlices holding it as a ready endpoint, and their Services: a ClusterIP
    /// Service gives `<svc>.<ns>.svc.<zone>` with each ClusterIP, a headless one
    /// `<endpoint>.<svc>.<ns>.svc.<zone>` with each ready address of the slice. When no slice
    /// holds any of them: `ns.dns.<zone>` with the server's addresses. Names too long for DNS
    /// (a very long zone) are left out.
    pub(crate) fn name_server_addresses(&self, zone: &Name) -> Vec<(Name, IpAddr)> {
        let mut found_endpoint = false;
        let mut pairs: Vec<(Name, IpAddr)> = Vec::new();
        for &local in &self.config.server_addresses {
            let mut seen_slices: Vec<*const ClusterSlice> = Vec::new();
            for (cluster_slice, _) in self.cluster.ready_endpoints_with_address(local) {
                if seen_slices.contains(&std::ptr::from_ref(cluster_slice)) {
                    continue;
                }
                seen_slices.push(std::ptr::from_ref(cluster_slice));
                found_endpoint = true;
                let slice = cluster_slice.slice();
                let Some(service) = slice
                    .service_name()
                    .and_then(|name| self.cluster.find_service(&slice.meta.namespace, name))
                else {
                    continue;
                };
                let Some(base) = service_name(&service.service().meta, zone) else {
                    continue;
                };
                if service.service().is_headless() {
                    let pod_names = self.config.endpoint_pod_names;
                    for endpoint in slice.endpoints.iter().filter(|e| e.is_ready()) {
                        for &address in &endpoint.addresses {
                            let name = EndpointName::of(endpoint, address, pod_names);
                            if let Some(name) = name.under(&base, None) {
                                pairs.push((name, address));
                            }
                        }
                    }
                } else {
                    for &ip in service.cluster_ips() {
                        pairs.push((base.clone(), ip));
                    }
                }
            }
        }
        if !found_endpoint && let Some(name) = name_server(zone) {
            for &local in &self.config.server_addresses {
                pairs.push((name.clone(), local));
            }
        }
        pairs
    }

    /// The zone's SOA as CoreDNS builds it (`plugin/backend_lookup.go` `SOA`), its names in the
    /// question's spelling of the zone.
    pub(super) fn soa_record(&self, question: &Question<'_>) -> Record {
        if question.zone_is_lowercase() {
            return self.soa_of(question.zone.soa_names.clone());
        }
        self.zone_soa(question.zone_as_spelled())
    }

    /// The SOA of `zone`, owned by `zone` as given: mname `ns.dns.<zone>`, rname
    /// `hostmaster.<zone>`, the cluster's serial, refresh 7200, retry 1800, expire 86400,
    /// minimum and TTL the configured `ttl` (the TTL at most 300).
    pub(crate) fn zone_soa(&self, zone: Name) -> Record {
        self.soa_of(SoaNames::under(zone))
    }

    fn soa_of(&self, names: SoaNames) -> Record {
        let ttl = self.config.ttl;
        let soa = SOA::new(
            names.mname,
            names.rname,
            self.serial,
            7200,
            1800,
            86400,
            ttl,
        );
        Record::from_rdata(names.zone, ttl.min(300), RData::SOA(soa))
    }
}
