//! The `autopath` plugin (CoreDNS `plugin/autopath/autopath.go`, `cname.go`, and the
//! `kubernetes` plugin's `AutoPath`): the querying Pod's search path walked on the server.

use hickory_proto::rr::rdata::CNAME;
use hickory_proto::rr::{Name, RData, Record};

use super::Request;
use crate::answer::{Answer, Outcome};
use crate::cluster::Cluster;
use crate::config::PodMode;

/// Where a block's `autopath` takes its search path from, prepared.
#[derive(Debug, Clone)]
pub(super) enum Search {
    /// `@kubernetes`: the zones, pod mode and resolv.conf search domains of the block's
    /// `kubernetes` plugin.
    Kubernetes {
        zones: Vec<Name>,
        pods: PodMode,
        extra: Vec<Name>,
    },
    /// A resolv.conf's domains, then the name itself.
    Fixed(Vec<Name>),
    /// A plugin that gives no search path: every question is passed on.
    Nothing,
}

/// The search path for `request`, ending with the root (the name as asked); empty for none.
fn search_path(search: &Search, cluster: &Cluster, request: &Request) -> Vec<Name> {
    match search {
        Search::Nothing => Vec::new(),
        Search::Fixed(domains) => domains.iter().cloned().chain([Name::root()]).collect(),
        Search::Kubernetes { zones, pods, extra } => {
            let name = request.name.to_lowercase();
            let Some(zone) = zones
                .iter()
                .filter(|zone| zone.zone_of(&name))
                .max_by_key(|zone| zone.num_labels())
            else {
                return Vec::new();
            };
            // AutoPath needs the pod cache: `pods verified` only.
            if *pods != PodMode::Verified {
                return Vec::new();
            }
            let Some(pod) = cluster.pods_with_ip(request.client.ip()).next() else {
                return Vec::new();
            };
            let svc = Name::from_ascii("svc")
                .ok()
                .and_then(|svc| svc.append_domain(zone).ok());
            let namespaced = svc.as_ref().and_then(|svc| {
                Name::from_ascii(&pod.meta.namespace)
                    .ok()
                    .and_then(|ns| ns.append_domain(svc).ok())
            });
            let (Some(svc), Some(namespaced)) = (svc, namespaced) else {
                return Vec::new();
            };
            [namespaced, svc, zone.clone()]
                .into_iter()
                .chain(extra.iter().cloned())
                .chain([Name::root()])
                .collect()
        }
    }
}

/// Rule 47: `None` passes the question on unchanged; otherwise the walk's answer.
pub(super) fn serve(
    zones: &[Name],
    search: &Search,
    cluster: &Cluster,
    request: &Request,
    next: &dyn Fn(&Request) -> Answer,
) -> Option<Answer> {
    let name = request.name.to_lowercase();
    if !zones.iter().any(|zone| zone.zone_of(&name)) {
        return None;
    }
    let path = search_path(search, cluster, request);
    let first = path.first()?;
    // The question must be the first search domain or below it: a name the stub resolver
    // built from it.
    if !first.zone_of(&name) || name.num_labels() == first.num_labels() {
        return None;
    }
    // The base is what the client asked, without the first search domain (its case kept).
    let keep = usize::from(request.name.num_labels() - first.num_labels());
    let base = Name::from_labels(request.name.iter().take(keep)).ok()?;
    let mut first_answer = None;
    for domain in &path {
        let Ok(candidate) = base.clone().append_domain(domain) else {
            continue;
        };
        let mut asked = request.clone();
        asked.name = candidate;
        let answer = next(&asked);
        let written = !matches!(
            answer.outcome,
            Outcome::ServFail | Outcome::Refused | Outcome::NoReply
        );
        if first_answer.is_none() {
            first_answer = Some(answer.clone());
        }
        if !written || answer.outcome == Outcome::NxDomain {
            continue;
        }
        let mut answer = answer;
        cnamer(&mut answer, &request.name);
        return Some(answer);
    }
    first_answer
}

/// `cnamer`: a CNAME from the asked name to the owner of the first answer record owned by
/// another name, with that record's TTL, put first.
fn cnamer(answer: &mut Answer, original: &Name) {
    let Some(record) = answer
        .answers
        .iter()
        .find(|record| record.name != *original)
    else {
        return;
    };
    let cname = Record::from_rdata(
        original.clone(),
        record.ttl,
        RData::CNAME(CNAME(record.name.clone())),
    );
    answer.answers.insert(0, cname);
}
