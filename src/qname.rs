//! The grammar of cluster DNS names: which zone a question is in, and what it names.
//!
//! CoreDNS strips the zone and reads the rest right to left (`plugin/kubernetes/parse.go`):
//!
//! ```text
//! <zone>                                   apex (NODATA for A; SOA and NS live here)
//! svc.<zone>   pod.<zone>                  exist, hold nothing (NODATA)
//! dns-version.<zone>                       TXT "1.1.0"
//! ns.dns.<zone>                            the DNS server itself
//! <ns>.svc.<zone>                          a namespace (NODATA if it exists)
//! <svc>.<ns>.svc.<zone>                    a Service
//! <endpoint>.<svc>.<ns>.svc.<zone>         one endpoint (hostname or dashed IP)
//! <_port>.<_proto>.<svc>.<ns>.svc.<zone>   a port (leading underscores optional)
//! <ns>.pod.<zone>                          a namespace's pod names (NODATA)
//! [x.[y.]]<a-b-c-d>.<ns>.pod.<zone>       a pod by dashed IP; up to two labels left are ignored
//! anything else in the zone                NXDOMAIN
//! ```
//!
//! Matching is case-insensitive, so the question's labels are lower-cased once into a fixed
//! buffer on the stack ([`Labels`]); everything after that borrows from it, which keeps parsing
//! allocation-free.

use hickory_proto::rr::Name;

/// The lower-cased labels of a name, stored inline (a DNS name is at most 255 bytes).
pub(crate) struct Labels {
    bytes: [u8; 255],
    ends: [u8; 128],
    count: usize,
}

impl Labels {
    /// The labels of `name`, lower-cased.
    pub(crate) fn new(name: &Name) -> Labels {
        let mut labels = Labels {
            bytes: [0; 255],
            ends: [0; 128],
            count: 0,
        };
        let mut end = 0usize;
        for label in name.iter() {
            // hickory guarantees a name fits in 255 bytes with at most 127 labels; stay safe
            // anyway rather than index out of bounds.
            let Some(target) = labels.bytes.get_mut(end..end + label.len()) else {
                break;
            };
            for (out, byte) in target.iter_mut().zip(label) {
                *out = byte.to_ascii_lowercase();
            }
            end += label.len();
            let Some(slot) = labels.ends.get_mut(labels.count) else {
                break;
            };
            *slot = end as u8;
            labels.count += 1;
        }
        labels
    }

    /// The number of labels.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Label `index`, counted from the left.
    pub(crate) fn get(&self, index: usize) -> &[u8] {
        let start = if index == 0 {
            0
        } else {
            usize::from(self.ends[index - 1])
        };
        &self.bytes[start..usize::from(self.ends[index])]
    }

    /// Label `index` as text (labels that are not UTF-8 never match an object name).
    pub(crate) fn text(&self, index: usize) -> &str {
        std::str::from_utf8(self.get(index)).unwrap_or("\u{fffd}")
    }

    /// Whether the last `suffix.len()` labels equal `suffix` (already lower-case).
    pub(crate) fn ends_with(&self, suffix: &[Box<[u8]>]) -> bool {
        suffix.len() <= self.count
            && suffix
                .iter()
                .enumerate()
                .all(|(i, label)| self.get(self.count - suffix.len() + i) == &**label)
    }
}

/// What a name inside a zone refers to. Label texts borrow from [`Labels`], lower-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryName<'a> {
    /// The zone itself.
    Apex,
    /// `svc.<zone>`.
    ServiceApex,
    /// `pod.<zone>`.
    PodApex,
    /// `dns-version.<zone>`.
    DnsVersion,
    /// `ns.dns.<zone>`.
    NameServer,
    /// `<ns>.svc.<zone>`.
    Namespace { namespace: &'a str },
    /// `<svc>.<ns>.svc.<zone>`, optionally with an endpoint label or a port and protocol.
    Service {
        namespace: &'a str,
        service: &'a str,
        endpoint: Option<&'a str>,
        port: Option<PortFilter<'a>>,
    },
    /// `<ns>.pod.<zone>`.
    PodNamespace { namespace: &'a str },
    /// `<dashed-ip>.<ns>.pod.<zone>`.
    Pod {
        namespace: &'a str,
        address: &'a str,
    },
    /// Not a name the plugin serves (wrong shape, or too many labels): NXDOMAIN.
    Invalid,
}

/// `_port._proto`: the port name and protocol, underscores removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PortFilter<'a> {
    pub(crate) port: &'a str,
    pub(crate) protocol: &'a str,
}

/// Parses the labels left of a zone with `zone_labels` labels.
pub(crate) fn parse(labels: &Labels, zone_labels: usize) -> QueryName<'_> {
    let n = labels.len().saturating_sub(zone_labels);
    if n == 0 {
        return QueryName::Apex;
    }
    let label = |i: usize| labels.text(i);
    match (label(n - 1), n) {
        ("svc", 1) => QueryName::ServiceApex,
        ("svc", 2) => QueryName::Namespace {
            namespace: label(0),
        },
        ("svc", 3..=5) => QueryName::Service {
            namespace: label(n - 2),
            service: label(n - 3),
            endpoint: (n == 4).then(|| label(0)),
            port: (n == 5).then(|| PortFilter {
                port: strip_underscore(label(0)),
                protocol: strip_underscore(label(1)),
            }),
        },
        ("pod", 1) => QueryName::PodApex,
        ("pod", 2) => QueryName::PodNamespace {
            namespace: label(0),
        },
        ("pod", 3..=5) => QueryName::Pod {
            namespace: label(n - 2),
            address: label(n - 3),
        },
        ("dns-version", 1) => QueryName::DnsVersion,
        ("dns", 2) if label(0) == "ns" => QueryName::NameServer,
        _ => QueryName::Invalid,
    }
}

fn strip_underscore(label: &str) -> &str {
    label.strip_prefix('_').unwrap_or(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(name: &str, check: impl FnOnce(QueryName<'_>)) {
        let name = Name::from_ascii(name).unwrap();
        let labels = Labels::new(&name);
        check(parse(&labels, 2));
    }

    #[test]
    fn every_name_shape_of_the_grammar() {
        use QueryName::*;
        let table: &[(&str, QueryName<'static>)] = &[
            ("cluster.local.", Apex),
            ("svc.cluster.local.", ServiceApex),
            ("pod.cluster.local.", PodApex),
            ("dns-version.cluster.local.", DnsVersion),
            ("ns.dns.cluster.local.", NameServer),
            (
                "default.svc.cluster.local.",
                Namespace {
                    namespace: "default",
                },
            ),
            (
                "web.default.svc.cluster.local.",
                Service {
                    namespace: "default",
                    service: "web",
                    endpoint: None,
                    port: None,
                },
            ),
            (
                "WEB.Default.SVC.cluster.local.",
                Service {
                    namespace: "default",
                    service: "web",
                    endpoint: None,
                    port: None,
                },
            ),
            (
                "db-0.db.default.svc.cluster.local.",
                Service {
                    namespace: "default",
                    service: "db",
                    endpoint: Some("db-0"),
                    port: None,
                },
            ),
            (
                "_http._tcp.web.default.svc.cluster.local.",
                Service {
                    namespace: "default",
                    service: "web",
                    endpoint: None,
                    port: Some(PortFilter {
                        port: "http",
                        protocol: "tcp",
                    }),
                },
            ),
            (
                "http.tcp.web.default.svc.cluster.local.",
                Service {
                    namespace: "default",
                    service: "web",
                    endpoint: None,
                    port: Some(PortFilter {
                        port: "http",
                        protocol: "tcp",
                    }),
                },
            ),
            ("a.b.c.web.default.svc.cluster.local.", Invalid),
            (
                "default.pod.cluster.local.",
                PodNamespace {
                    namespace: "default",
                },
            ),
            (
                "x.10-1-0-5.default.pod.cluster.local.",
                Pod {
                    namespace: "default",
                    address: "10-1-0-5",
                },
            ),
            ("a.b.c.10-1-0-5.default.pod.cluster.local.", Invalid),
            ("foo.cluster.local.", Invalid),
            ("a.dns-version.cluster.local.", Invalid),
            (
                "*.default.svc.cluster.local.",
                Service {
                    namespace: "default",
                    service: "*",
                    endpoint: None,
                    port: None,
                },
            ),
        ];
        for (name, expected) in table {
            parsed(name, |got| assert_eq!(got, *expected, "{name}"));
        }
    }
}
