//! Where a question stands: the configured zone it matched, and what the rules ask of its
//! name (the zone as the question spells it, whether it lies under a reverse zone).
//!
//! CoreDNS keeps the caller's spelling of the zone (`handler.go`: the zone is cut from the
//! question, not from the configuration), so every synthesised name (SOA owner and fields, SRV
//! targets) repeats it; matching is case-insensitive, on the lower-cased [`Labels`].

use std::net::IpAddr;

use hickory_proto::rr::Name;

use crate::config::KubernetesConfig;
use crate::qname::Labels;

/// A configured zone, prepared for matching.
#[derive(Debug, Clone)]
pub(crate) struct Zone {
    /// Lower-case labels, left to right.
    pub(super) labels: Vec<Box<[u8]>>,
    /// Whether it is a `multicluster` zone: one of them, or a zone below one (CoreDNS's
    /// `isMultiClusterZone` matches the zone against them as it matches a question).
    pub(super) multicluster: bool,
    /// The names of its SOA for a question that spells the zone in lower case, the usual
    /// spelling: built once here rather than for every negative answer.
    pub(super) soa_names: SoaNames,
}

/// The zone, `ns.dns.<zone>` and `hostmaster.<zone>`, in lower case.
#[derive(Debug, Clone)]
pub(super) struct SoaNames {
    pub(super) zone: Name,
    pub(super) mname: Name,
    pub(super) rname: Name,
}

impl SoaNames {
    /// The SOA's names under `zone` as spelled. A zone within 11 bytes of DNS's 255 has no
    /// room for the labels; the zone itself stands in for the names then (CoreDNS would build
    /// a name it cannot send).
    pub(super) fn under(zone: Name) -> SoaNames {
        let under_zone = |label: &str| {
            Name::from_ascii(label)
                .and_then(|prefix| prefix.append_domain(&zone))
                .unwrap_or_else(|_| zone.clone())
        };
        SoaNames {
            mname: under_zone("ns.dns"),
            rname: under_zone("hostmaster"),
            zone,
        }
    }
}

impl Zone {
    /// How many labels it has.
    pub(crate) fn label_count(&self) -> usize {
        self.labels.len()
    }

    /// Whether it is a `multicluster` zone.
    pub(crate) fn is_multicluster(&self) -> bool {
        self.multicluster
    }

    pub(crate) fn new(name: &Name, config: &KubernetesConfig) -> Zone {
        Zone {
            labels: name
                .iter()
                .map(|label| label.to_ascii_lowercase().into_boxed_slice())
                .collect(),
            multicluster: config
                .multicluster_zones
                .iter()
                .any(|zone| zone.zone_of(name)),
            soa_names: SoaNames::under({
                let mut zone = name.to_lowercase();
                zone.set_fqdn(true);
                zone
            }),
        }
    }
}

/// A question inside a zone.
pub(super) struct Question<'a> {
    /// The configured zone it is in.
    pub(super) zone: &'a Zone,
    pub(super) name: &'a Name,
    pub(super) labels: &'a Labels,
    pub(super) zone_labels: usize,
    pub(super) multicluster: bool,
}

impl Question<'_> {
    /// The zone as the question spells it (CoreDNS keeps the caller's case).
    pub(super) fn zone_as_spelled(&self) -> Name {
        let mut zone = self.name.trim_to(self.zone_labels);
        zone.set_fqdn(true);
        zone
    }

    /// Whether the zone part of the question is written in lower case (`ns.dns.<zone>` only
    /// resolves then: CoreDNS compares the lower-cased name with the zone as spelled).
    pub(super) fn zone_is_lowercase(&self) -> bool {
        self.name
            .iter()
            .skip(self.labels.len() - self.zone_labels)
            .all(|label| !label.iter().any(u8::is_ascii_uppercase))
    }

    /// Whether another name lies in this question's zone.
    pub(super) fn zone_contains(&self, other: &Labels) -> bool {
        let zone_start = self.labels.len() - self.zone_labels;
        other.len() >= self.zone_labels
            && (0..self.zone_labels).all(|i| {
                other.get(other.len() - self.zone_labels + i) == self.labels.get(zone_start + i)
            })
    }

    /// The address a complete reverse name stands for (`4.3.2.1.in-addr.arpa.` or 32 nibbles
    /// under `ip6.arpa.`), as CoreDNS's `ExtractAddressFromReverse` reads it.
    pub(super) fn reverse_address(&self) -> Option<IpAddr> {
        if !self.labels_are_reverse() {
            return None;
        }
        let network = self.name.to_lowercase().parse_arpa_name().ok()?;
        (network.prefix_len() == network.max_prefix_len()).then(|| network.addr())
    }

    /// Whether the name lies under `in-addr.arpa.` or `ip6.arpa.`.
    pub(super) fn labels_are_reverse(&self) -> bool {
        let n = self.labels.len();
        n >= 2
            && self.labels.get(n - 1) == b"arpa"
            && matches!(self.labels.get(n - 2), b"in-addr" | b"ip6")
    }
}
