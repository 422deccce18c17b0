//! The `acl` plugin (CoreDNS `plugin/acl/acl.go`): allow, block, filter or drop a query by
//! its name, type and client address.

use super::Request;
use crate::answer::{Answer, Outcome};
use crate::config::{AclAction, AclConfig};

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
            // REFUSED, written by the plugin (with EDNS and an extended error "Blocked").
            Some(AclAction::Block) => return Some(Answer::empty(Outcome::Refused)),
            // NOERROR with nothing (extended error "Filtered"), not authoritative.
            Some(AclAction::Filter) => return Some(Answer::empty(Outcome::NoData)),
            Some(AclAction::Drop) => return Some(Answer::empty(Outcome::NoReply)),
            None => {}
        }
    }
    None
}
