//! The names the rules build: an endpoint's name, a Service's name, a port's name, and a pod
//! label read back as an address.
//!
//! Every name here is built from object names and a zone, as CoreDNS builds it: by joining the
//! texts, each label taken byte for byte (`xn--abc` and `x_y` are labels like any other; no
//! IDNA processing). A built name can still be one DNS cannot carry: a label over 63 bytes (a
//! Pod name under `endpoint_pod_names` is kept only below 64, but a StatefulSet's Pod name can
//! be longer), or a name over 255 bytes when the configured zone is long. CoreDNS fails to pack
//! such a reply; the builders return `None` and the record that would carry it is left out.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::Name;

use crate::model::{Endpoint, ObjectMeta};

/// The name of one endpoint address, CoreDNS's `endpointHostname`: its `hostname`; else, with
/// `endpoint_pod_names`, the name of its Pod (`targetRef`) if shorter than 64 bytes; else its
/// address with `.` and `:` replaced by `-`.
///
/// A hostname (or pod name) replaces the dashed form: the dashed name then does not resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EndpointName<'e> {
    /// A hostname or a pod name.
    Label(&'e str),
    /// The dashed address (see [`dashed_ip`]).
    Dashed(IpAddr),
}

impl<'e> EndpointName<'e> {
    /// The name of `address` of `endpoint`.
    pub(crate) fn of(endpoint: &'e Endpoint, address: IpAddr, endpoint_pod_names: bool) -> Self {
        if let Some(hostname) = &endpoint.hostname {
            return EndpointName::Label(hostname);
        }
        if endpoint_pod_names
            && let Some(pod) = endpoint.target_ref.as_ref().filter(|r| r.name.len() < 64)
        {
            return EndpointName::Label(&pod.name);
        }
        EndpointName::Dashed(address)
    }

    /// The label, written into `buffer` when it is a dashed address.
    pub(crate) fn label<'b>(self, buffer: &'b mut [u8; 48]) -> &'b str
    where
        'e: 'b,
    {
        match self {
            EndpointName::Label(label) => label,
            EndpointName::Dashed(address) => dashed_ip(&address, buffer),
        }
    }

    /// Whether `label` (from a question) names this endpoint address, case-insensitively.
    pub(crate) fn matches(self, label: &str) -> bool {
        let mut buffer = [0u8; 48];
        self.label(&mut buffer).eq_ignore_ascii_case(label)
    }

    /// `<label>.<base>`, or in a multicluster zone `<label>.<cluster>.<base>`. A name with a
    /// dot (a Pod name may have one) makes several labels, as CoreDNS's string join does.
    pub(crate) fn under(self, base: &Name, cluster: Option<&str>) -> Option<Name> {
        let mut buffer = [0u8; 48];
        let label = self.label(&mut buffer);
        let parent = match cluster {
            Some(cluster) => under_cluster(base, cluster)?,
            None => base.clone(),
        };
        prepend_text(&parent, label)
    }
}

/// `<name>.<namespace>.svc.<zone>`: the name of a Service or ServiceImport.
pub(crate) fn service_name(meta: &ObjectMeta, zone: &Name) -> Option<Name> {
    name_in_namespace(&meta.name, &meta.namespace, zone)
}

/// `<name>.<namespace>.svc.<zone>`, for a Service known by its name only (an EndpointSlice's
/// `kubernetes.io/service-name` label).
pub(crate) fn name_in_namespace(name: &str, namespace: &str, zone: &Name) -> Option<Name> {
    // Object names hold no dot (DNS-1035 and DNS-1123 labels): one label each.
    Name::from_labels([name.as_bytes(), namespace.as_bytes(), b"svc"])
        .and_then(|prefix| prefix.append_domain(zone))
        .ok()
}

/// `_<port>._<protocol>.<base>`, lower-case: the owner of a named port's SRV record.
pub(crate) fn port_name(base: &Name, port: &str, protocol: &str) -> Option<Name> {
    let port = format!("_{}", port.to_ascii_lowercase());
    let protocol = format!("_{}", protocol.to_ascii_lowercase());
    prepend_text(&prepend_text(base, &protocol)?, &port)
}

/// `ns.dns.<zone>`: the name of the server itself.
pub(crate) fn name_server(zone: &Name) -> Option<Name> {
    Name::from_ascii("ns.dns")
        .and_then(|ns| ns.append_domain(zone))
        .ok()
}

/// `<cluster>.<base>`, the cluster id spelled as its label holds it (a dotted value makes
/// several labels, as CoreDNS joins it); `base` itself for an empty id (CoreDNS would write an
/// empty label, a name it cannot send).
fn under_cluster(base: &Name, cluster: &str) -> Option<Name> {
    if cluster.is_empty() {
        return Some(base.clone());
    }
    prepend_text(base, cluster)
}

/// `<text>.<base>`: `text` split at its dots into labels, each taken byte for byte (hickory's
/// `&str` labels go through IDNA, which refuses `xn--abc` and `x_y`); `None` for an empty label
/// or one over 63 bytes, or a name over 255 bytes.
fn prepend_text(base: &Name, text: &str) -> Option<Name> {
    if !text.contains('.') {
        // One label: prepended in place of building a name to append.
        return (!text.is_empty())
            .then(|| base.prepend_label(text.as_bytes()).ok())
            .flatten();
    }
    let labels = text.split('.').map(str::as_bytes);
    Name::from_labels(labels)
        .and_then(|prefix| prefix.append_domain(base))
        .ok()
}

/// An address with `.` and `:` replaced by `-`, and a `0` added after a trailing `-`
/// (`10-1-0-5`, `2001-db8--0`), written into `buffer`.
pub(crate) fn dashed_ip<'b>(address: &IpAddr, buffer: &'b mut [u8; 48]) -> &'b str {
    use std::io::Write;
    let mut cursor = std::io::Cursor::new(&mut buffer[..]);
    // An address is at most 45 characters (an IPv4-mapped IPv6 address): the write into 48
    // bytes cannot fail, and it leaves room for the added `0`.
    let _ = write!(cursor, "{address}");
    let mut len = usize::try_from(cursor.position()).unwrap_or(0);
    for byte in &mut buffer[..len] {
        if *byte == b'.' || *byte == b':' {
            *byte = b'-';
        }
    }
    if len > 0 && buffer[len - 1] == b'-' {
        buffer[len] = b'0';
        len += 1;
    }
    // An address prints as ASCII: this is always UTF-8.
    std::str::from_utf8(&buffer[..len]).unwrap_or_default()
}

/// The address of a pod label (CoreDNS `findPods`): exactly three `-` and no `--` is IPv4,
/// anything else is read as IPv6 with `-` for `:`.
pub(crate) fn pod_address(label: &str) -> Option<IpAddr> {
    let dashes = label.bytes().filter(|&b| b == b'-').count();
    let mut buffer = [0u8; 63];
    let target = buffer.get_mut(..label.len())?;
    let ipv4 = dashes == 3 && !label.contains("--");
    for (out, byte) in target.iter_mut().zip(label.bytes()) {
        *out = match (byte, ipv4) {
            (b'-', true) => b'.',
            (b'-', false) => b':',
            (other, _) => other,
        };
    }
    let text = std::str::from_utf8(target).ok()?;
    if ipv4 {
        text.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
    } else {
        text.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashed_ip_follows_coredns_endpoint_hostname() {
        let table = [
            ("10.1.0.5", "10-1-0-5"),
            ("2001:db8::", "2001-db8--0"),
            ("5678:abcd::1", "5678-abcd--1"),
            ("::1", "--1"),
            ("::ffff:255.255.255.255", "--ffff-255-255-255-255"),
        ];
        for (ip, dashed) in table {
            let mut buffer = [0u8; 48];
            assert_eq!(dashed_ip(&ip.parse().unwrap(), &mut buffer), dashed, "{ip}");
        }
    }

    #[test]
    fn pod_labels_read_back_as_addresses() {
        let table = [
            ("10-1-0-5", Some("10.1.0.5")),
            ("1-2-3", None),
            ("fd00--1", Some("fd00::1")),
            ("10--1-0-5", Some("10::1:0:5")), // four dashes: read as IPv6
            ("not-an-ip", None),
        ];
        for (label, expected) in table {
            let expected = expected.map(|ip| ip.parse::<IpAddr>().unwrap());
            assert_eq!(pod_address(label), expected, "{label}");
        }
    }

    #[test]
    fn labels_are_taken_byte_for_byte_as_coredns_joins_them() {
        let zone = Name::from_ascii("cluster.local.").unwrap();
        let text = |name: Option<Name>| name.map(|name| name.to_string());
        let meta = ObjectMeta::new("default", "xn--abc");
        assert_eq!(
            text(service_name(&meta, &zone)).as_deref(),
            Some("xn--abc.default.svc.cluster.local.")
        );
        let base = Name::from_ascii("cart.shop.svc.cluster.local.").unwrap();
        for (label, expected) in [
            ("x_y", Some("x_y.cart.shop.svc.cluster.local.")),
            // hickory's text form escapes a leading hyphen; the label itself is `-x`.
            ("-x", Some("\\-x.cart.shop.svc.cluster.local.")),
            // A Pod name with a dot makes two labels, as CoreDNS's string join does.
            ("web.v1", Some("web.v1.cart.shop.svc.cluster.local.")),
            ("a..b", None),
            ("", None),
        ] {
            let name = EndpointName::Label(label).under(&base, None);
            assert_eq!(text(name).as_deref(), expected, "{label:?}");
        }
        assert_eq!(
            text(port_name(&base, "HTTP_1", "TCP")).as_deref(),
            Some("_http_1._tcp.cart.shop.svc.cluster.local.")
        );
    }

    #[test]
    fn names_too_long_for_dns_are_not_built() {
        // 4 labels of 63 bytes: a 256-byte zone name with the root cannot take another label.
        let long = [&"z".repeat(63); 3].map(String::as_str).join(".");
        let zone = Name::from_ascii(format!("{long}.")).unwrap();
        let meta = ObjectMeta::new("default", &"s".repeat(63));
        assert_eq!(service_name(&meta, &zone), None);
        assert_eq!(port_name(&zone, &"p".repeat(63), "tcp"), None);
        let base = Name::from_ascii("web.default.svc.cluster.local.").unwrap();
        let endpoint = EndpointName::Label("web-0");
        assert_eq!(
            endpoint.under(&base, None).map(|name| name.to_string()),
            Some("web-0.web.default.svc.cluster.local.".to_owned())
        );
        assert_eq!(
            endpoint
                .under(&base, Some("east.1"))
                .map(|name| name.to_string()),
            Some("web-0.east.1.web.default.svc.cluster.local.".to_owned())
        );
    }
}
