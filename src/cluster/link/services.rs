//! Linking a Service: its ClusterIPs (kept, stated or allocated), the Pods its selector
//! matches, and its slices and ready addresses.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::Arc;

use super::super::Sourced;
use super::super::allocate::{Outside, allocate};
use super::super::index::first_pair;
use super::super::{Cluster, ClusterService, Key, LinkedSlices, ServiceCidrs, Set, SliceOrigin};
use crate::error::{LoadError, LoadErrorKind, LoadErrors};
use crate::model::{ClusterIpSpec, IpFamily, IpFamilyPolicy, Kind, ObjectRef, Service};

impl Cluster {
    /// Links the dirty Services again: explicit ClusterIPs are claimed first, then Services in
    /// key order keep or allocate theirs, so that a first load allocates the same way every
    /// time (later batches keep what was allocated, see the module documentation).
    pub(super) fn link_services(&mut self, dirty: &BTreeSet<Key>) -> Result<(), LoadErrors> {
        let mut previous: BTreeMap<Key, Arc<ClusterService>> = BTreeMap::new();
        // Services whose object is the same as before (only their endpoints changed) keep their
        // ClusterIPs without touching the ownership index.
        let mut unchanged: BTreeSet<Key> = BTreeSet::new();
        for key in dirty {
            if let Some(old) = self.linked.services.get(key).cloned() {
                let same = self
                    .objects
                    .services
                    .get(key)
                    .is_some_and(|source| Arc::ptr_eq(source, &old.source));
                self.unlink_service(key, &old, !same);
                if same {
                    unchanged.insert(key.clone());
                }
                previous.insert(key.clone(), old);
            }
        }
        for key in dirty.difference(&unchanged) {
            if let Some(source) = self.objects.services.get(key).cloned()
                && let ClusterIpSpec::Ips(ips) = &source.object.cluster_ip
            {
                for &ip in ips {
                    self.index.claim_ip(ip, key);
                }
            }
        }
        let mut errors = Vec::new();
        for key in dirty {
            let Some(source) = self.objects.services.get(key).cloned() else {
                self.linked.services.remove_mut(key);
                continue;
            };
            let kept = unchanged
                .contains(key)
                .then(|| previous.get(key).map(|old| old.cluster_ips.clone()))
                .flatten();
            let cluster_ips = match kept {
                Some(ips) => Ok(ips),
                None => self.cluster_ips(key, &source, previous.get(key)),
            };
            let cluster_ips = match cluster_ips {
                Ok(ips) => ips,
                Err(error) => {
                    errors.push(*error);
                    Vec::new()
                }
            };
            if !unchanged.contains(key) {
                self.recompute_members(key, &source.object);
            }
            let slices = self.link_slices(key, &source, &cluster_ips);
            let service = ClusterService {
                source: source.clone(),
                cluster_ips,
                linked: LinkedSlices::new(slices),
            };
            self.linked
                .services
                .insert_mut(key.clone(), Arc::new(service));
            // Checked as each Service is linked, so that Pods selected by many Services
            // cannot grow the slices far past the limit before it is noticed.
            let endpoints = self.index.endpoint_count();
            if endpoints > self.limits.endpoints {
                let expected = format!(
                    "at most {} endpoints in the cluster's EndpointSlices (ObjectLimits::endpoints)",
                    self.limits.endpoints
                );
                let meta = &source.object.meta;
                errors.push(
                    LoadError::new(
                        source.location.clone(),
                        LoadErrorKind::Invalid {
                            expected,
                            found: format!("{endpoints} endpoints with this Service's"),
                        },
                    )
                    .with_object(ObjectRef::namespaced(
                        Kind::Service,
                        &meta.namespace,
                        &meta.name,
                    )),
                );
                break;
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(LoadErrors::new(errors))
        }
    }

    /// Drops what a Service derived: its mirrored or Pod-derived slices and (with
    /// `release_ips`) its ClusterIP ownership. Its entry in `linked.services` stays until
    /// [`link_services`](Self::link_services) replaces it (or removes it, for a Service that is
    /// gone): a replacement copies the map's path once, a removal and an insertion twice.
    fn unlink_service(&mut self, key: &Key, old: &ClusterService, release_ips: bool) {
        for slice in &old.linked.slices {
            if slice.origin != SliceOrigin::Loaded {
                self.drop_derived_slice(&slice.slice);
            }
        }
        if release_ips {
            for ip in &old.cluster_ips {
                self.index.release_ip(ip, key);
            }
        }
    }

    /// The ClusterIPs of a Service: those it states; otherwise those it had, while they are of
    /// a family it still wants; otherwise newly allocated. Explicit ones are already claimed.
    fn cluster_ips(
        &mut self,
        key: &Key,
        source: &Sourced<Service>,
        previous: Option<&Arc<ClusterService>>,
    ) -> Result<Vec<IpAddr>, Box<LoadError>> {
        let service = &source.object;
        let mut ips = match &service.cluster_ip {
            ClusterIpSpec::Ips(ips) => ips.clone(),
            _ => Vec::new(),
        };
        for (index, &ip) in ips.iter().enumerate() {
            if let Some(Outside::Known(range, origin)) = self.cidr_check.outside(ip) {
                let meta = &service.meta;
                let expected = if range.contains(&ip) {
                    let ends = if ip.is_ipv4() {
                        "its network and broadcast addresses"
                    } else {
                        "its network address"
                    };
                    format!("an address in the service CIDR {range} ({origin}) other than {ends}")
                } else {
                    format!("an address in the service CIDR {range} ({origin})")
                };
                return Err(Box::new(
                    LoadError::new(
                        source.location.clone(),
                        LoadErrorKind::Invalid {
                            expected,
                            found: format!("{:?}", ip.to_string()),
                        },
                    )
                    .with_object(ObjectRef::namespaced(
                        Kind::Service,
                        &meta.namespace,
                        &meta.name,
                    ))
                    .with_field(format!("spec.clusterIPs[{index}]")),
                ));
            }
        }
        for family in families_to_allocate(service, &ips, &self.cidrs) {
            let index = &self.index;
            let kept = previous.and_then(|previous| {
                previous
                    .cluster_ips
                    .iter()
                    .copied()
                    .find(|ip| IpFamily::of(ip) == family && !index.ip_is_owned(ip))
            });
            let meta = &service.meta;
            let is_taken = |ip: &IpAddr| index.ip_is_owned(ip);
            let allocated = kept.or_else(|| {
                self.cidrs
                    .range(family)
                    .and_then(|range| allocate(range, &meta.namespace, &meta.name, is_taken))
            });
            let Some(ip) = allocated else {
                let cidr = self.cidrs.range(family).map_or_else(
                    || format!("(no {family} range configured)"),
                    |range| range.to_string(),
                );
                return Err(Box::new(
                    LoadError::new(
                        source.location.clone(),
                        LoadErrorKind::ServiceCidrExhausted { cidr },
                    )
                    .with_object(ObjectRef::namespaced(
                        Kind::Service,
                        &meta.namespace,
                        &meta.name,
                    ))
                    .with_field("spec.clusterIP"),
                ));
            };
            self.index.claim_ip(ip, key);
            ips.push(ip);
        }
        Ok(ips)
    }

    /// The Pods a Service's selector matches, found by scanning its namespace (only when the
    /// Service itself changed; Pod changes keep the set up to date one Pod at a time).
    fn recompute_members(&mut self, key: &Key, service: &Service) {
        let Some(selector) = &service.selector else {
            self.index.set_members(key, None);
            return;
        };
        // Only Pods carrying the selector's first pair can match it (see `Index`).
        let Some(pair) = first_pair(service) else {
            self.index.set_members(key, None);
            return;
        };
        let mut members = Set::new_sync();
        for pod in self.index.pods_by_label.get(&pair) {
            if self
                .objects
                .pods
                .get(pod)
                .is_some_and(|source| selector.matches(&source.object.meta.labels))
            {
                members.insert_mut(pod.clone());
            }
        }
        self.index.set_members(key, Some(members));
    }
}

/// Which families a Service still needs an allocated ClusterIP for.
fn families_to_allocate(service: &Service, have: &[IpAddr], cidrs: &ServiceCidrs) -> Vec<IpFamily> {
    if service.service_type.is_external_name() || service.is_headless() {
        return Vec::new();
    }
    let dual = matches!(
        service.ip_family_policy,
        Some(IpFamilyPolicy::PreferDualStack | IpFamilyPolicy::RequireDualStack)
    );
    let primary = have
        .first()
        .map(IpFamily::of)
        .or_else(|| service.ip_families.first().copied())
        .unwrap_or_else(|| cidrs.primary_family());
    let mut wanted = vec![primary];
    if dual {
        let secondary = service
            .ip_families
            .get(1)
            .copied()
            .unwrap_or(primary.other());
        let required = service.ip_family_policy == Some(IpFamilyPolicy::RequireDualStack);
        if required || cidrs.range(secondary).is_some() {
            wanted.push(secondary);
        }
    }
    wanted
        .into_iter()
        .filter(|family| !have.iter().any(|ip| IpFamily::of(ip) == *family))
        .collect()
}
