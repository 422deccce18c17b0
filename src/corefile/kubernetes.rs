//! The `kubernetes` directive, read as CoreDNS's `plugin/kubernetes/setup.go` (v1.14.7) reads it.

use hickory_proto::rr::Name;

use super::error::zone_list;
use super::lexer::Token;
use super::stanza::{Option_, Stanza};
use super::{CorefileError, CorefileErrorKind};
use crate::config::zones;
use crate::config::{Fallthrough, KubernetesConfig, MAX_TTL, NotSimulated, PodMode};

pub(crate) const KUBERNETES: &str = "kubernetes";

/// Reads a `kubernetes` stanza. `block_zones` are the server block's zones, which the plugin
/// takes when the directive names none; what is not simulated goes to `notes`.
///
/// # Errors
/// An unknown option, a wrong number of arguments, or a bad value.
pub(crate) fn read(
    stanza: &Stanza,
    block_zones: &[Name],
    notes: &mut Vec<NotSimulated>,
) -> Result<KubernetesConfig, CorefileError> {
    let mut config = KubernetesConfig::default();
    let mut own_notes: Vec<NotSimulated> = Vec::new();
    config.zones = if stanza.args.is_empty() {
        block_zones.to_vec()
    } else {
        zones_of(KUBERNETES, KUBERNETES, &stanza.args)?
    };
    if config.zones.iter().all(is_reverse) {
        return Err(CorefileError::new(
            stanza.line(),
            CorefileErrorKind::OnlyReverseZones {
                zones: config.zones.clone(),
            },
        ));
    }

    let mut namespaces_line = None;
    let mut namespace_labels_line = None;
    let mut multicluster_line = stanza.line();
    let mut zonal_line = None;
    for option in &stanza.options {
        let name = option.name.text.as_str();
        let args = option.texts();
        match name {
            "endpoint_pod_names" => {
                no_args(option)?;
                config.endpoint_pod_names = true;
            }
            "pods" => {
                let [mode] = args.as_slice() else {
                    return Err(arg_count(
                        option,
                        "one argument (disabled, insecure or verified)",
                    ));
                };
                config.pods = match *mode {
                    "disabled" => PodMode::Disabled,
                    "insecure" => PodMode::Insecure,
                    "verified" => PodMode::Verified,
                    other => {
                        return Err(bad_value(
                            option,
                            "one of disabled, insecure or verified",
                            other,
                        ));
                    }
                };
            }
            "namespaces" => {
                if args.is_empty() {
                    return Err(arg_count(option, "one or more namespace names"));
                }
                for namespace in args {
                    if !config.namespaces.iter().any(|known| known == namespace) {
                        config.namespaces.push(namespace.to_owned());
                    }
                }
                namespaces_line = Some(option.line());
            }
            "endpoint" => {
                if args.is_empty() {
                    return Err(arg_count(option, "one or more API server URLs"));
                }
            }
            "tls" => {
                if args.len() != 3 {
                    return Err(arg_count(
                        option,
                        "three arguments (certificate, key and CA certificate files)",
                    ));
                }
            }
            "kubeconfig" => {
                if !(1..=2).contains(&args.len()) {
                    return Err(arg_count(
                        option,
                        "one or two arguments (a kubeconfig file and an optional context)",
                    ));
                }
            }
            "labels" | "namespace_labels" => {
                if args.is_empty() {
                    return Err(arg_count(option, "a label selector"));
                }
                let selector = args.join(" ");
                let reason = if name == "labels" {
                    format!(
                        "the label selector `{selector}` is not applied: every Service, EndpointSlice and Pod is visible"
                    )
                } else {
                    namespace_labels_line = Some(option.line());
                    format!(
                        "the namespace label selector `{selector}` is not applied: every namespace is exposed"
                    )
                };
                // A repeated option replaces the earlier one, as in CoreDNS.
                let directive = format!("kubernetes/{name}");
                own_notes.retain(|n| n.directive != directive);
                own_notes.push(NotSimulated {
                    line: option.line(),
                    directive,
                    reason,
                });
            }
            "fallthrough" => {
                let zones = zones_of(KUBERNETES, name, &option.args)?;
                config.fallthrough = if option.args.is_empty() || zones.iter().any(Name::is_root) {
                    Fallthrough::All
                } else {
                    Fallthrough::Zones(zones)
                };
            }
            "ttl" => {
                let [value] = args.as_slice() else {
                    return Err(arg_count(
                        option,
                        "one argument (an integer from 0 to 3600)",
                    ));
                };
                config.ttl = value
                    .parse::<i64>()
                    .ok()
                    .and_then(|ttl| u32::try_from(ttl).ok())
                    .filter(|ttl| *ttl <= MAX_TTL)
                    .ok_or_else(|| bad_value(option, "an integer from 0 to 3600", value))?;
            }
            "noendpoints" => {
                no_args(option)?;
                config.noendpoints = true;
            }
            "zonal" => {
                no_args(option)?;
                config.zonal = true;
                zonal_line = Some(option.line());
            }
            "ignore" => {
                let [what] = args.as_slice() else {
                    return Err(arg_count(option, "one argument (empty_service)"));
                };
                if *what != "empty_service" {
                    return Err(bad_value(option, "empty_service", what));
                }
                config.ignore_empty_service = true;
            }
            "multicluster" => {
                // CoreDNS accepts `multicluster` without zones: then no zone is multicluster.
                config.multicluster_zones = zones_of(KUBERNETES, name, &option.args)?;
                multicluster_line = option.line();
            }
            "startup_timeout" => {
                let [value] = args.as_slice() else {
                    return Err(arg_count(option, "one argument (a duration such as 5s)"));
                };
                if !is_go_duration(value) {
                    return Err(bad_value(option, "a duration such as 5s or 1m30s", value));
                }
            }
            "apiserver_qps" => {
                let [value] = args.as_slice() else {
                    return Err(arg_count(option, "one argument (a number, 0 or more)"));
                };
                if !value
                    .parse::<f32>()
                    .is_ok_and(|qps| qps >= 0.0 || qps.is_nan())
                {
                    return Err(bad_value(option, "a number, 0 or more", value));
                }
            }
            "apiserver_burst" | "apiserver_max_inflight" => {
                let [value] = args.as_slice() else {
                    return Err(arg_count(option, "one argument (an integer, 0 or more)"));
                };
                if !value.parse::<i64>().is_ok_and(|n| n >= 0) {
                    return Err(bad_value(option, "an integer, 0 or more", value));
                }
            }
            _ => {
                return Err(option.unknown(
                    KUBERNETES,
                    "one of endpoint, tls, kubeconfig, apiserver_qps, apiserver_burst, \
                     apiserver_max_inflight, namespaces, labels, namespace_labels, pods, \
                     endpoint_pod_names, ttl, noendpoints, fallthrough, ignore, multicluster, zonal, \
                     startup_timeout",
                ));
            }
        }
    }

    if let (Some(namespaces), Some(labels)) = (namespaces_line, namespace_labels_line) {
        return Err(CorefileError::new(
            namespaces.max(labels),
            CorefileErrorKind::ConflictingOptions {
                first: "namespaces".to_owned(),
                second: "namespace_labels".to_owned(),
            },
        ));
    }
    if let Some(zone) = config
        .multicluster_zones
        .iter()
        .find(|zone| !config.zones.contains(zone))
    {
        return Err(CorefileError::new(
            multicluster_line,
            CorefileErrorKind::InvalidValue {
                directive: KUBERNETES.to_owned(),
                option: "multicluster".to_owned(),
                expected: format!("one of the plugin's zones ({})", zone_list(&config.zones)),
                found: zone.to_string(),
            },
        ));
    }
    if let Some(line) = zonal_line
        && config.noendpoints
    {
        return Err(CorefileError::new(
            line,
            CorefileErrorKind::ZonalWithoutEndpoints,
        ));
    }
    notes.extend(own_notes);
    Ok(config)
}

/// The zones written as arguments of `option` of `directive`, each lower-case and absolute
/// (CIDRs become reverse zones).
pub(crate) fn zones_of(
    directive: &str,
    option: &str,
    args: &[Token],
) -> Result<Vec<Name>, CorefileError> {
    let mut zones = Vec::new();
    for arg in args {
        let expanded = zones::zones(&arg.text).map_err(|expected| {
            CorefileError::new(
                arg.line,
                CorefileErrorKind::InvalidValue {
                    directive: directive.to_owned(),
                    option: option.to_owned(),
                    expected: expected.to_owned(),
                    found: arg.text.clone(),
                },
            )
        })?;
        zones.extend(expanded);
    }
    Ok(zones)
}

fn is_reverse(zone: &Name) -> bool {
    ["in-addr.arpa.", "ip6.arpa."]
        .iter()
        .any(|reverse| Name::from_ascii(reverse).is_ok_and(|reverse| reverse.zone_of(zone)))
}

fn no_args(option: &Option_) -> Result<(), CorefileError> {
    if option.args.is_empty() {
        Ok(())
    } else {
        Err(arg_count(option, "no arguments"))
    }
}

/// "`ttl`: expected one argument (…), found 2: `30 40`".
fn arg_count(option: &Option_, expected: &str) -> CorefileError {
    option.wrong_count(KUBERNETES, expected)
}

/// "`ttl`: expected an integer from 0 to 3600, found `x`".
fn bad_value(option: &Option_, expected: &str, found: &str) -> CorefileError {
    option.invalid(KUBERNETES, expected, found)
}

/// Whether Go's `time.ParseDuration` accepts `text`: `0`, or signed numbers with units.
pub(super) fn is_go_duration(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    if body == "0" {
        return true;
    }
    if body.is_empty() {
        return false;
    }
    let mut rest = body;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_end];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[number_end..];
        let Some(unit) = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
            .into_iter()
            .filter(|unit| rest.starts_with(unit))
            .max_by_key(|unit| unit.len())
        else {
            return false;
        };
        rest = &rest[unit.len()..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::is_go_duration;

    #[test]
    fn durations() {
        for good in ["5s", "0", "1m30s", "1.5h", "300ms", "-1s", ".5s", "2us"] {
            assert!(is_go_duration(good), "{good}");
        }
        for bad in ["", "5", "s", "5x", "1..5s", "+"] {
            assert!(!is_go_duration(bad), "{bad}");
        }
    }
}
