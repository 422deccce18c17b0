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
//! <endpoint>.<cluster>.<svc>.<ns>.svc.<zone>  in a multicluster zone, when neither label
//!                                          starts with `_`: an endpoint of one cluster
//! <ns>.pod.<zone>                          a namespace's pod names (NODATA)
//! [x.[y.]]<a-b-c-d>.<ns>.pod.<zone>       a pod by dashed IP; up to two labels left are ignored
//! anything else in the zone                NXDOMAIN
//! ```
//!
//! Matching is case-insensitive, so the question's labels are lower-cased once into a fixed
//! buffer on the stack ([`Labels`]); everything after that borrows from it, which keeps parsing
//! allocation-free.

use hickory_proto::rr::Name;

use crate::error::InvalidNameError;

/// `text` as an absolute name (a missing trailing dot is added), case kept.
///
/// # Errors
/// [`InvalidNameError`] when it is not a domain name.
pub(crate) fn absolute(text: &str) -> Result<Name, InvalidNameError> {
    let invalid = |reason: String| InvalidNameError {
        name: text.to_owned(),
        reason,
    };
    let bare = text.strip_suffix('.').unwrap_or(text);
    // Our own reasons for the common mistakes; an escaped name (`a\.b`, `\065`) is left to
    // hickory, which reads the escapes.
    if !bare.is_empty() && !bare.contains('\\') {
        if let Some(label) = bare.split('.').find(|label| label.len() > 63) {
            return Err(invalid(format!(
                "a label of {} bytes, over DNS's 63",
                label.len()
            )));
        }
        if bare.split('.').any(str::is_empty) {
            return Err(invalid(
                "an empty label (a leading dot, or two in a row)".to_owned(),
            ));
        }
        if bare.len() > 253 {
            return Err(invalid(format!("{} bytes, over DNS's 253", bare.len())));
        }
    }
    let mut name = Name::from_ascii(text).map_err(|error| invalid(error.to_string()))?;
    name.set_fqdn(true);
    Ok(name)
}

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
    /// `<svc>.<ns>.svc.<zone>`, or a part of it: an endpoint, a port, a topology zone.
    Service {
        namespace: &'a str,
        service: &'a str,
        part: ServicePart<'a>,
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

/// Which part of a Service a name asks for: the labels left of `<svc>.<ns>.svc.<zone>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServicePart<'a> {
    /// `<svc>.<ns>.svc.<zone>` itself.
    Whole,
    /// `<endpoint>.<svc>…`: the endpoint of that name (hostname, pod name or dashed IP); in a
    /// multicluster zone `<endpoint>.<cluster>.<svc>…`, with the cluster id (`None` for the
    /// one-label form, which matches an empty cluster id).
    Endpoint {
        label: &'a str,
        cluster: Option<&'a str>,
    },
    /// `_<port>._<proto>.<svc>…`.
    Port(PortFilter<'a>),
    /// `<zone>.pin|prefer._zone.<svc>…` (the `zonal` option).
    Zonal(Zonal<'a>),
}

impl<'a> ServicePart<'a> {
    /// The endpoint label asked for, if any.
    pub(crate) fn endpoint(self) -> Option<&'a str> {
        match self {
            ServicePart::Endpoint { label, .. } => Some(label),
            _ => None,
        }
    }

    /// The port asked for, if any.
    pub(crate) fn port(self) -> Option<PortFilter<'a>> {
        match self {
            ServicePart::Port(port) => Some(port),
            _ => None,
        }
    }
}

/// `_port._proto`: the port name and protocol, underscores removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PortFilter<'a> {
    pub(crate) port: &'a str,
    pub(crate) protocol: &'a str,
}

/// A topology zone in a `zonal` name: `<zone labels…>.pin|prefer._zone.<svc>…`. Kubernetes
/// zone values may contain dots, so the zone is every label left of the directive.
#[derive(Clone, Copy)]
pub(crate) struct Zonal<'a> {
    labels: &'a Labels,
    count: usize,
    /// `prefer`: fall back to every endpoint when none is in the zone (`pin` does not).
    pub(crate) prefer: bool,
}

impl Zonal<'_> {
    /// Whether an endpoint's `zone` is this one (labels compared exactly, lower-case).
    pub(crate) fn matches(&self, zone: &str) -> bool {
        zone.split('.')
            .eq((0..self.count).map(|i| self.labels.text(i)))
    }
}

impl PartialEq for Zonal<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.prefer == other.prefer
            && (0..self.count)
                .map(|i| self.labels.text(i))
                .eq((0..other.count).map(|i| other.labels.text(i)))
    }
}

impl Eq for Zonal<'_> {}

impl std::fmt::Debug for Zonal<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let zone: Vec<&str> = (0..self.count).map(|i| self.labels.text(i)).collect();
        let directive = if self.prefer { "prefer" } else { "pin" };
        write!(f, "Zonal({}.{directive})", zone.join("."))
    }
}

/// Options of the zone a name is in that change the grammar.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Grammar {
    /// `zonal`: `<z>.pin|prefer._zone.<svc>…` names exist.
    pub(crate) zonal: bool,
    /// A `multicluster` zone: two labels left of the service are `<endpoint>.<cluster>` unless
    /// one starts with `_`; zonal names do not exist.
    pub(crate) multicluster: bool,
}

/// Parses the labels left of a zone with `zone_labels` labels.
pub(crate) fn parse(labels: &Labels, zone_labels: usize, grammar: Grammar) -> QueryName<'_> {
    let n = labels.len().saturating_sub(zone_labels);
    if n == 0 {
        return QueryName::Apex;
    }
    let label = |i: usize| labels.text(i);
    let service = |part| QueryName::Service {
        namespace: label(n - 2),
        service: label(n - 3),
        part,
    };
    match (label(n - 1), n) {
        ("svc", 1) => QueryName::ServiceApex,
        ("svc", 2) => QueryName::Namespace {
            namespace: label(0),
        },
        ("svc", 3) => service(ServicePart::Whole),
        ("svc", 4) => service(ServicePart::Endpoint {
            label: label(0),
            cluster: None,
        }),
        ("svc", 5)
            if grammar.multicluster && !label(0).starts_with('_') && !label(1).starts_with('_') =>
        {
            service(ServicePart::Endpoint {
                label: label(0),
                cluster: Some(label(1)),
            })
        }
        ("svc", 5) => service(ServicePart::Port(PortFilter {
            port: strip_underscore(label(0)),
            protocol: strip_underscore(label(1)),
        })),
        ("svc", 6..)
            if grammar.zonal
                && !grammar.multicluster
                && label(n - 4) == "_zone"
                && matches!(label(n - 5), "pin" | "prefer") =>
        {
            let zonal = Zonal {
                labels,
                count: n - 5,
                prefer: label(n - 5) == "prefer",
            };
            service(ServicePart::Zonal(zonal))
        }
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

/// The address a complete reverse name stands for (`4.3.2.1.in-addr.arpa.`, or 32 nibbles
/// under `ip6.arpa.`), as CoreDNS's `dnsutil.ExtractAddressFromReverse` reads it; `None` for
/// any other name.
pub(crate) fn address_of_reverse(name: &Name) -> Option<std::net::IpAddr> {
    let network = name.to_lowercase().parse_arpa_name().ok()?;
    (network.prefix_len() == network.max_prefix_len()).then(|| network.addr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_that_are_not_names_say_why() {
        let long_label = format!("{}.example", "a".repeat(64));
        let long_name = ["a".repeat(63).as_str(); 4].join(".");
        let table = [
            (
                "a..b",
                Some("an empty label (a leading dot, or two in a row)"),
            ),
            (
                ".a",
                Some("an empty label (a leading dot, or two in a row)"),
            ),
            (
                long_label.as_str(),
                Some("a label of 64 bytes, over DNS's 63"),
            ),
            (long_name.as_str(), Some("255 bytes, over DNS's 253")),
            ("web.default.svc.cluster.local", None),
            ("web.", None),
            (".", None),
            // An escaped dot is part of its label, not an empty one (hickory reads escapes).
            ("a\\..", None),
        ];
        for (text, reason) in table {
            let got = absolute(text).err().map(|error| error.reason);
            assert_eq!(got.as_deref(), reason, "{text}");
        }
    }

    fn parsed(name: &str, check: impl FnOnce(QueryName<'_>)) {
        let name = Name::from_ascii(name).unwrap();
        let labels = Labels::new(&name);
        check(parse(&labels, 2, Grammar::default()));
    }

    fn plain(namespace: &'static str, service: &'static str) -> QueryName<'static> {
        QueryName::Service {
            namespace,
            service,
            part: ServicePart::Whole,
        }
    }

    #[test]
    fn zonal_and_multicluster_names_need_their_options() {
        let name = Name::from_ascii("us-east-1a.pin._zone.db.default.svc.cluster.local.").unwrap();
        let labels = Labels::new(&name);
        assert_eq!(parse(&labels, 2, Grammar::default()), QueryName::Invalid);
        let zonal = Grammar {
            zonal: true,
            multicluster: false,
        };
        let QueryName::Service {
            part: ServicePart::Zonal(zone),
            service: "db",
            ..
        } = parse(&labels, 2, zonal)
        else {
            panic!("not a zonal name: {:?}", parse(&labels, 2, zonal));
        };
        assert!(zone.matches("us-east-1a") && !zone.prefer && !zone.matches("us-east-1b"));
        let dotted =
            Name::from_ascii("eu.west.prefer._zone.db.default.svc.cluster.local.").unwrap();
        let dotted_labels = Labels::new(&dotted);
        let QueryName::Service {
            part: ServicePart::Zonal(zone),
            ..
        } = parse(&dotted_labels, 2, zonal)
        else {
            panic!("a zone value with a dot");
        };
        assert!(zone.matches("eu.west") && zone.prefer);
        let both = Grammar {
            zonal: true,
            multicluster: true,
        };
        assert_eq!(
            parse(&labels, 2, both),
            QueryName::Invalid,
            "not in multicluster zones"
        );

        let endpoint = Name::from_ascii("db-0.cluster1.db.default.svc.cluster.local.").unwrap();
        let endpoint_labels = Labels::new(&endpoint);
        let multicluster = Grammar {
            zonal: false,
            multicluster: true,
        };
        assert!(matches!(
            parse(&endpoint_labels, 2, multicluster),
            QueryName::Service {
                part: ServicePart::Endpoint {
                    label: "db-0",
                    cluster: Some("cluster1"),
                },
                ..
            }
        ));
        let port = Name::from_ascii("_http.tcp.db.default.svc.cluster.local.").unwrap();
        let port_labels = Labels::new(&port);
        assert!(matches!(
            parse(&port_labels, 2, multicluster),
            QueryName::Service {
                part: ServicePart::Port(PortFilter {
                    port: "http",
                    protocol: "tcp"
                }),
                ..
            }
        ));
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
            ("web.default.svc.cluster.local.", plain("default", "web")),
            ("WEB.Default.SVC.cluster.local.", plain("default", "web")),
            (
                "db-0.db.default.svc.cluster.local.",
                Service {
                    namespace: "default",
                    service: "db",
                    part: ServicePart::Endpoint {
                        label: "db-0",
                        cluster: None,
                    },
                },
            ),
            (
                "_http._tcp.web.default.svc.cluster.local.",
                Service {
                    namespace: "default",
                    service: "web",
                    part: ServicePart::Port(PortFilter {
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
                    part: ServicePart::Port(PortFilter {
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
                    part: ServicePart::Whole,
                },
            ),
        ];
        for (name, expected) in table {
            parsed(name, |got| assert_eq!(got, *expected, "{name}"));
        }
    }
}
