//! Questions about a generated cluster.

use hickory_proto::rr::{Name, RecordType};
use proptest::prelude::*;
use proptest::sample::select;

use super::GeneratedCluster;

/// A question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The name asked.
    pub name: Name,
    /// The type asked.
    pub qtype: RecordType,
}

/// Questions about a generated cluster: every Service name and port name, endpoint names,
/// names that do not exist, the zone apex, in random case, for the common types.
pub fn questions_for(cluster: &GeneratedCluster) -> impl Strategy<Value = Vec<Question>> + use<> {
    let mut names: Vec<String> = vec![
        "cluster.local.".to_owned(),
        "svc.cluster.local.".to_owned(),
        "missing.default.svc.cluster.local.".to_owned(),
        "dns-version.cluster.local.".to_owned(),
        "outside.example.com.".to_owned(),
    ];
    for service in &cluster.services {
        let base = format!("{}.{}.svc.cluster.local.", service.name, service.namespace);
        names.push(format!("{}.svc.cluster.local.", service.namespace));
        for port in &service.ports {
            if let Some(name) = &port.name {
                // Its own protocol, and one it does not have (unless it is UDP: then TCP).
                let own = port.protocol.as_str().to_ascii_lowercase();
                let other = if own == "udp" { "tcp" } else { "udp" };
                names.push(format!("_{name}._{own}.{base}"));
                names.push(format!("_{name}._{other}.{base}"));
            }
        }
        for endpoint in &service.endpoints {
            names.push(format!("{}.{base}", endpoint.label(false)));
        }
        names.push(base);
    }
    let question = (
        select(names),
        select(vec![
            RecordType::A,
            RecordType::AAAA,
            RecordType::SRV,
            RecordType::TXT,
            RecordType::CNAME,
            RecordType::SOA,
            RecordType::NS,
            RecordType::MX,
        ]),
        any::<u64>(),
    )
        .prop_map(|(name, qtype, case_bits)| Question {
            name: Name::from_ascii(random_case(&name, case_bits))
                .expect("generated names are valid"),
            qtype,
        });
    proptest::collection::vec(question, 1..16)
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
