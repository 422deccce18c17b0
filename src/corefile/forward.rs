//! `forward FROM TO… { except ZONES…; … }`, read as CoreDNS's `plugin/forward/setup.go` reads
//! it. Every destination is the [`Upstream`](crate::Upstream); the options that tune the
//! connections (timeouts, health checks, TLS, policies) are checked for their names only.

use super::kubernetes::zones_of;
use super::stanza::Stanza;
use super::{CorefileError, CorefileErrorKind};
use crate::config::ForwardConfig;

/// The options of `forward` (setup.go `parseBlock`).
const OPTIONS: &[&str] = &[
    "except",
    "max_fails",
    "max_connect_attempts",
    "health_check",
    "force_tcp",
    "prefer_udp",
    "tls",
    "tls_servername",
    "expire",
    "max_age",
    "max_idle_conns",
    "read_timeout",
    "doh_method",
    "policy",
    "max_concurrent",
    "next",
    "next_on_nodata",
    "failfast_all_unhealthy_upstreams",
    "failover",
    "resolver",
    "source_address",
];

/// Reads one `forward` stanza.
pub(super) fn read(stanza: &Stanza) -> Result<ForwardConfig, CorefileError> {
    let [from, to @ ..] = stanza.args.as_slice() else {
        return Err(stanza.wrong_count("a zone and one or more destinations"));
    };
    if to.is_empty() {
        return Err(stanza.wrong_count("a zone and one or more destinations"));
    }
    let zones = zones_of("forward", "forward", std::slice::from_ref(from))?;
    // setup.go keeps the first zone of a CIDR that expands to several.
    let Some(from_zone) = zones.into_iter().next() else {
        return Err(CorefileError::new(
            from.line,
            CorefileErrorKind::InvalidValue {
                directive: "forward".to_owned(),
                option: "forward".to_owned(),
                expected: "a zone".to_owned(),
                found: from.text.clone(),
            },
        ));
    };
    let mut config = ForwardConfig {
        from: from_zone,
        to: to.iter().map(|token| token.text.clone()).collect(),
        except: Vec::new(),
    };
    for option in &stanza.options {
        let name = option.name.text.as_str();
        if !OPTIONS.contains(&name) {
            return Err(option.unknown("forward", &OPTIONS.join(", ")));
        }
        if name == "except" {
            if option.args.is_empty() {
                return Err(option.wrong_count("forward", "one or more zones"));
            }
            config
                .except
                .extend(zones_of("forward", "except", &option.args)?);
        }
    }
    Ok(config)
}
