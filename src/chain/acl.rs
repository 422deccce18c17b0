//! The `acl` plugin (CoreDNS `plugin/acl/acl.go`): allow, block, filter or drop a query by
//! its name, type and client address.

use super::Request;
use crate::answer::{Answer, Outcome};
use crate::config::{AclAction, AclConfig};

/// RFC 8914's info code "Blocked", which a `block` reply carries.
const EDE_BLOCKED: u16 = 15;
/// RFC 8914's info code "Filtered", which a `filter` reply carries.
const EDE_FILTERED: u16 = 17;

/// An empty reply with an extended error (acl.go: `SetEdns0(4096, true)` and an `EDNS0_EDE`).
fn with_extended_error(outcome: Outcome, code: u16) -> Answer {
    let mut answer = Answer::empty(outcome);
    answer.extended_error = Some(code);
    answer
}

/// Rule 44: the rules in order, each for its zones; the first policy of a rule whose types and
/// networks match decides (`allow` ends the checks and passes the query on); no decision passes
/// it on. `None`: passed on.
pub(super) fn serve(acl: &AclConfig, request: &Request) -> Option<Answer> {
    let name = request.name.to_lowercase();
    let client = request.client.ip();
    for rule in &acl.rules {
        if !rule.zones.iter().any(|zone| zone.zone_of(&name)) {
            continue;
        }
        let decided = rule
            .policies
            .iter()
            .find(|policy| policy.matches(request.qtype, client))
            .map(|policy| policy.action);
        match decided {
            Some(AclAction::Allow) => return None,
            // REFUSED, written by the plugin with an OPT of its own and an extended error.
            Some(AclAction::Block) => {
                return Some(with_extended_error(Outcome::Refused, EDE_BLOCKED));
            }
            // NOERROR with nothing, not authoritative, with an extended error.
            Some(AclAction::Filter) => {
                return Some(with_extended_error(Outcome::NoData, EDE_FILTERED));
            }
            Some(AclAction::Drop) => return Some(Answer::empty(Outcome::NoReply)),
            None => {}
        }
    }
    None
}
