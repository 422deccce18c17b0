//! PTR: CoreDNS's `reverse.go` (and `plugin.PTR` in `plugin/backend_lookup.go`).
//!
//! A ClusterIP names its Service (the first one, alone); otherwise every ready endpoint with
//! that address names itself under its Service, identical targets once. Targets are in the
//! first forward zone as configured. Namespaces are checked only when the `namespaces` option
//! is set.

use hickory_proto::rr::rdata::PTR;
use hickory_proto::rr::{Name, RData, Record};

use super::lookup::Found;
use super::names::{EndpointName, name_in_namespace, service_name};
use super::question::Question;
use super::{Context, Typed};
use crate::qname::QueryName;

impl Context<'_> {
    /// PTR (CoreDNS `reverse.go`).
    pub(super) fn ptr(&self, question: &Question<'_>, parsed: QueryName<'_>) -> Typed {
        let Some(address) = question.reverse_address() else {
            // Not a complete reverse name: only existence decides NXDOMAIN versus NODATA.
            return match self.find(question, parsed) {
                Found::NameError => Typed::NameError,
                _ => Typed::empty(),
            };
        };
        let Some(zone) = self.config.zones.iter().find(|zone| !is_reverse_zone(zone)) else {
            return Typed::NameError;
        };
        let ttl = self.config.ttl;
        let restricted = !self.config.namespaces.is_empty();
        let visible = |namespace: &str| !restricted || self.namespace_exposed(namespace);
        let ptr =
            |target: Name| Record::from_rdata(question.name.clone(), ttl, RData::PTR(PTR(target)));
        if let Some(service) = self
            .cluster
            .services_with_cluster_ip(address)
            .find(|service| visible(&service.service().meta.namespace))
        {
            // A name too long for DNS (a very long zone) cannot be sent: no record.
            return match service_name(&service.service().meta, zone) {
                Some(target) => Typed::one(ptr(target)),
                None => Typed::NameError,
            };
        }
        if self.config.noendpoints {
            return Typed::NameError;
        }
        let mut records: Vec<Record> = Vec::new();
        for (slice, endpoint) in self.cluster.ready_endpoints_with_address(address) {
            let slice = slice.slice();
            let (Some(service), namespace) = (slice.service_name(), &slice.meta.namespace) else {
                continue;
            };
            if !visible(namespace) {
                continue;
            }
            let name = EndpointName::of(endpoint, address, self.config.endpoint_pod_names);
            let Some(target) = name_in_namespace(service, namespace, zone)
                .and_then(|base| name.under(&base, None))
            else {
                continue;
            };
            let record = ptr(target);
            if !records.iter().any(|existing| existing.data == record.data) {
                records.push(record);
            }
        }
        if records.is_empty() {
            Typed::NameError
        } else {
            Typed::records(records, Vec::new())
        }
    }
}

/// Whether a zone is a reverse zone (under `in-addr.arpa.` or `ip6.arpa.`).
pub(crate) fn is_reverse_zone(zone: &Name) -> bool {
    let labels: Vec<&[u8]> = zone.iter().collect();
    matches!(
        labels.as_slice(),
        [.., in_addr, arpa] if arpa.eq_ignore_ascii_case(b"arpa")
            && (in_addr.eq_ignore_ascii_case(b"in-addr") || in_addr.eq_ignore_ascii_case(b"ip6"))
    )
}
