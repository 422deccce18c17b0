//! `acl [ZONES…] { allow|block|filter|drop [type QTYPE…|*] [net CIDR…|*] }`, read as CoreDNS's
//! `plugin/acl/setup.go` reads it: each directive a rule, each line of its block a policy.

use std::str::FromStr;

use hickory_proto::rr::{Name, RecordType};
use ipnet::IpNet;

use super::CorefileError;
use super::kubernetes::zones_of;
use super::stanza::{Option_, Stanza};
use crate::config::{AclAction, AclPolicy, AclRule};

/// Reads one `acl` directive: one rule.
pub(super) fn read(stanza: &Stanza, block_zones: &[Name]) -> Result<AclRule, CorefileError> {
    let zones = if stanza.args.is_empty() {
        block_zones.to_vec()
    } else {
        zones_of("acl", "acl", &stanza.args)?
    };
    let mut policies = Vec::new();
    for option in &stanza.options {
        policies.push(policy(option)?);
    }
    Ok(AclRule { zones, policies })
}

fn policy(option: &Option_) -> Result<AclPolicy, CorefileError> {
    let action = match option.name.text.to_ascii_lowercase().as_str() {
        "allow" => AclAction::Allow,
        "block" => AclAction::Block,
        "filter" => AclAction::Filter,
        "drop" => AclAction::Drop,
        _ => return Err(option.unknown("acl", "one of allow, block, filter, drop")),
    };
    let mut policy = AclPolicy {
        action,
        types: None,
        nets: None,
    };
    let is_section = |text: &str| matches!(text.to_ascii_lowercase().as_str(), "type" | "net");
    let mut args = option.args.iter().peekable();
    while let Some(section) = args.next() {
        if !is_section(&section.text) {
            return Err(option.invalid("acl", "`type` or `net`", &section.text));
        }
        let mut values = Vec::new();
        while let Some(value) = args.next_if(|value| !is_section(&value.text)) {
            values.push(value);
        }
        if values.is_empty() {
            return Err(option.wrong_count(
                "acl",
                &format!("one or more values after `{}`", section.text),
            ));
        }
        if section.text.eq_ignore_ascii_case("type") {
            let types = policy.types.get_or_insert_with(Vec::new);
            for value in values {
                if value.text == "*" {
                    policy.types = None;
                    break;
                }
                let qtype = RecordType::from_str(&value.text)
                    .ok()
                    .filter(|qtype| !matches!(qtype, RecordType::Unknown(_)))
                    .ok_or_else(|| {
                        option.invalid("acl", "a query type such as A or AAAA", &value.text)
                    })?;
                types.push(qtype);
            }
        } else {
            let nets = policy.nets.get_or_insert_with(Vec::new);
            for value in values {
                if value.text == "*" {
                    policy.nets = None;
                    break;
                }
                let text = if value.text.contains('/') {
                    value.text.clone()
                } else if value.text.contains(':') {
                    format!("{}/128", value.text)
                } else {
                    format!("{}/32", value.text)
                };
                let net = IpNet::from_str(&text)
                    .map_err(|_| option.invalid("acl", "a CIDR such as 10.0.0.0/8", &value.text))?;
                nets.push(net.trunc());
            }
        }
    }
    Ok(policy)
}
