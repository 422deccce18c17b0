//! Questions about a generated cluster.

use std::fmt::Write;
use std::net::IpAddr;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query};
use hickory_proto::rr::{Name, RecordType};
use proptest::prelude::*;
use proptest::sample::select;

use super::GeneratedCluster;
use crate::Transport;

/// A question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The name asked.
    pub name: Name,
    /// The type asked.
    pub qtype: RecordType,
}

/// The reverse name of an address (`4.3.2.1.in-addr.arpa.`, nibbles under `ip6.arpa.`).
pub fn reverse_name(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa.")
        }
        IpAddr::V6(v6) => {
            let mut name = String::new();
            for byte in v6.octets().iter().rev() {
                let _ = write!(name, "{:x}.{:x}.", byte & 0xf, byte >> 4);
            }
            name.push_str("ip6.arpa.");
            name
        }
    }
}

/// Addresses no generated object has (PTR questions about them are NXDOMAIN).
pub const MISSING_ADDRESSES: [IpAddr; 2] = [
    IpAddr::V4(std::net::Ipv4Addr::new(10, 255, 255, 1)),
    IpAddr::V6(std::net::Ipv6Addr::new(0xfd00, 0xff, 0, 0, 0, 0, 0, 1)),
];

/// Every name worth asking about a generated cluster, lower case and absolute: the apex and
/// the special names, each namespace, every Service under each zone a generated
/// configuration may have (`cluster.local`, `clusterset.local`), its port names under its own
/// protocol and another (with and without the `_`), endpoint labels (by hostname, address
/// and Pod name), zonal names, workload Services and their Pods' hostnames, dashed Pod
/// names, every ServiceImport under both zones with its ports and its endpoint names (with
/// their cluster id, another and none), the reverse names of every address (endpoints,
/// ClusterIPs, missing ones), names that do not exist and one outside the zones.
pub fn names_for(cluster: &GeneratedCluster) -> Vec<String> {
    let mut names: Vec<String> = vec![
        "cluster.local.".to_owned(),
        "svc.cluster.local.".to_owned(),
        "pod.cluster.local.".to_owned(),
        "ns.dns.cluster.local.".to_owned(),
        "missing.default.svc.cluster.local.".to_owned(),
        "dns-version.cluster.local.".to_owned(),
        "outside.example.com.".to_owned(),
        "clusterset.local.".to_owned(),
        "svc.clusterset.local.".to_owned(),
        "dns-version.clusterset.local.".to_owned(),
        "in-addr.arpa.".to_owned(),
    ];
    names.extend(MISSING_ADDRESSES.map(reverse_name));
    for namespace in &cluster.namespaces {
        names.push(format!("{namespace}.svc.cluster.local."));
        names.push(format!("missing.{namespace}.svc.cluster.local."));
        names.push(format!("{namespace}.svc.clusterset.local."));
        names.push(format!("missing.{namespace}.svc.clusterset.local."));
    }
    for import in &cluster.imports {
        let base = import.fqdn().to_string();
        // The import's name in the cluster zone, where imports are not seen.
        names.push(format!(
            "{}.{}.svc.cluster.local.",
            import.name, import.namespace
        ));
        for port in &import.ports {
            if let Some(name) = &port.name {
                let own = port.protocol.as_str().to_ascii_lowercase();
                names.push(format!("_{name}._{own}.{base}"));
            }
        }
        for slices in &import.clusters {
            for endpoint in &slices.endpoints {
                let label = endpoint.label(false);
                // With its cluster id, one no slice has, and none (the empty cluster id's).
                names.push(import.endpoint_name(&label, &slices.cluster).to_string());
                names.push(format!("{label}.north.{base}"));
                names.push(format!("{label}.{base}"));
            }
        }
        names.push(base);
    }
    for service in &cluster.services {
        let base = format!("{}.{}.svc.cluster.local.", service.name, service.namespace);
        names.push(format!(
            "{}.{}.svc.clusterset.local.",
            service.name, service.namespace
        ));
        for port in &service.ports {
            if let Some(name) = &port.name {
                // Its own protocol, and one it does not have (unless it is UDP: then TCP).
                let own = port.protocol.as_str().to_ascii_lowercase();
                let other = if own == "udp" { "tcp" } else { "udp" };
                names.push(format!("_{name}._{own}.{base}"));
                names.push(format!("_{name}._{other}.{base}"));
                names.push(format!("{name}.{own}.{base}"));
            }
        }
        for endpoint in &service.endpoints {
            names.push(format!("{}.{base}", endpoint.label(false)));
            if endpoint.hostname.is_none() && endpoint.target_ref.is_some() {
                names.push(format!("{}.{base}", endpoint.label(true)));
            }
            names.push(reverse_name(endpoint.address));
        }
        for zone in ["zone-a", "zone-b"] {
            names.push(format!("{zone}.pin._zone.{base}"));
        }
        names.extend(service.cluster_ips.iter().copied().map(reverse_name));
        names.push(base);
    }
    for workload in &cluster.workloads {
        let base = format!(
            "{}.{}.svc.cluster.local.",
            workload.name, workload.namespace
        );
        names.push(format!("_web._tcp.{base}"));
        for label in workload.hostnames() {
            names.push(format!("{label}.{base}"));
        }
        names.push(format!("{}-0.{base}", workload.name));
        names.push(base);
    }
    for pod in cluster.dns().cluster().pods() {
        for address in &pod.pod_ips {
            let dashed = address.to_string().replace(['.', ':'], "-");
            names.push(format!(
                "{dashed}.{}.pod.cluster.local.",
                pod.meta.namespace
            ));
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Every type the `kubernetes` plugin has a path for, and one it answers by existence only
/// (HINFO, rule 4).
pub const QUESTION_TYPES: [RecordType; 10] = [
    RecordType::A,
    RecordType::AAAA,
    RecordType::SRV,
    RecordType::PTR,
    RecordType::TXT,
    RecordType::CNAME,
    RecordType::SOA,
    RecordType::NS,
    RecordType::MX,
    RecordType::HINFO,
];

/// Questions about a generated cluster: one of [`names_for`] and one of [`QUESTION_TYPES`],
/// in random case (0x20 randomisation, as resolvers do).
pub fn questions_for(cluster: &GeneratedCluster) -> impl Strategy<Value = Vec<Question>> + use<> {
    let question = (
        select(names_for(cluster)),
        select(QUESTION_TYPES.to_vec()),
        any::<u64>(),
    )
        .prop_map(|(name, qtype, case_bits)| Question {
            name: Name::from_ascii(random_case(&name, case_bits))
                .expect("generated names are valid"),
            qtype,
        });
    proptest::collection::vec(question, 1..16)
}

/// A question as text for [`ClusterDns::lookup`](crate::ClusterDns::lookup): absolute or
/// without the trailing dot (which `lookup` makes absolute).
pub fn question_text(question: &Question) -> impl Strategy<Value = String> + use<> {
    let absolute = question.name.to_string();
    let relative = absolute.trim_end_matches('.').to_owned();
    prop_oneof![Just(absolute), Just(relative)]
}

/// A query as it travels: a question with an id, over UDP or TCP, with or without EDNS (and
/// its payload size), recursion desired or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireQuery {
    /// The question.
    pub question: Question,
    /// The message id.
    pub id: u16,
    /// The EDNS payload size, when the query has an OPT record.
    pub edns: Option<u16>,
    /// The transport.
    pub transport: Transport,
    /// The RD bit.
    pub recursion_desired: bool,
}

impl WireQuery {
    /// The query message.
    pub fn message(&self) -> Message {
        let mut request = Message::new(self.id, MessageType::Query, OpCode::Query);
        request.metadata.recursion_desired = self.recursion_desired;
        request.add_query(Query::query(
            self.question.name.clone(),
            self.question.qtype,
        ));
        if let Some(payload) = self.edns {
            let mut edns = Edns::new();
            edns.set_max_payload(payload);
            request.set_edns(edns);
        }
        request
    }

    /// Its bytes, as [`ClusterDns::handle_bytes`](crate::ClusterDns::handle_bytes) takes them
    /// (no TCP length prefix).
    pub fn bytes(&self) -> Vec<u8> {
        self.message().to_vec().expect("a query encodes")
    }
}

/// Wire queries about a generated cluster: [`questions_for`]'s questions, each with an id,
/// EDNS or not (payload sizes below and above 512), UDP or TCP.
pub fn wire_queries_for(
    cluster: &GeneratedCluster,
) -> impl Strategy<Value = Vec<WireQuery>> + use<> {
    questions_for(cluster).prop_flat_map(|questions| {
        questions
            .into_iter()
            .map(|question| {
                (
                    any::<u16>(),
                    proptest::option::of(prop_oneof![0u16..512, 512u16..4096]),
                    prop_oneof![Just(Transport::Udp), Just(Transport::Tcp)],
                    any::<bool>(),
                )
                    .prop_map(move |(id, edns, transport, recursion_desired)| {
                        WireQuery {
                            question: question.clone(),
                            id,
                            edns,
                            transport,
                            recursion_desired,
                        }
                    })
            })
            .collect::<Vec<_>>()
    })
}

/// Flips the case of letters by the bits of `bits` (0x20 randomisation, as resolvers do).
fn random_case(name: &str, bits: u64) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| {
            if bits >> (i % 64) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}
