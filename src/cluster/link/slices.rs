//! The EndpointSlices of Services and ServiceImports: loaded ones (linked by their labels),
//! mirrored ones (the EndpointSlice mirroring controller, for a selectorless Service's
//! Endpoints) and ones derived from Pods (the EndpointSlice controller, for a Service with a
//! selector and none of the controller's own slices in the input).

use std::net::IpAddr;
use std::sync::Arc;

use super::super::index::{Multimap, slice_owners};
use super::super::mirror;
use super::super::{Cluster, ClusterImport, ClusterSlice, Key, LinkedSlices, SliceOrigin, Sourced};
use super::super::{derived_slice_id, loaded_slice_id};
use super::{Dirty, object_key};
use crate::controller;
use crate::error::Location;
use crate::load::LoadedObject;
use crate::model::{ClusterIpSpec, EndpointSlice, IpFamily, Object, ObjectRef, Pod};

impl Cluster {
    pub(super) fn add_loaded_slice(
        &mut self,
        key: &Key,
        slice: EndpointSlice,
        location: Location,
        dirty: &mut Dirty,
    ) {
        let id = loaded_slice_id(key);
        dirty.owners(self.index.add_loaded_slice(&id, &slice));
        self.index.add_endpoints(&id, &slice);
        let linked = Arc::new(ClusterSlice {
            slice,
            origin: SliceOrigin::Loaded,
            location,
        });
        self.linked.slices.insert_mut(id, linked);
    }

    pub(super) fn drop_loaded_slice(
        &mut self,
        key: &Key,
        slice: &EndpointSlice,
        dirty: &mut Dirty,
    ) {
        let id = loaded_slice_id(key);
        dirty.owners(self.index.remove_loaded_slice(&id, slice));
        self.index.remove_endpoints(&id, slice);
        self.linked.slices.remove_mut(&id);
    }

    /// Replaces a loaded slice, touching only the index entries that differ (a readiness flip
    /// changes one address, whatever the size of the slice or the cluster).
    pub(super) fn replace_loaded_slice(
        &mut self,
        reference: &ObjectRef,
        old: &EndpointSlice,
        loaded: LoadedObject,
        dirty: &mut Dirty,
    ) {
        let Object::EndpointSlice(new) = *loaded.object else {
            // Only called for an EndpointSlice reference, whose object is a slice.
            return;
        };
        let key = object_key(reference);
        if old.meta.labels != new.meta.labels || old.address_type != new.address_type {
            // Relinked to other owners: the plain way.
            self.remove_object(reference, dirty);
            let object = Object::EndpointSlice(new);
            let location = loaded.location;
            self.insert_object(
                LoadedObject {
                    object: Box::new(object),
                    location,
                },
                dirty,
            );
            return;
        }
        let id = loaded_slice_id(&key);
        self.index.replace_endpoints(&id, old, &new);
        dirty.owners(slice_owners(&new));
        let linked = Arc::new(ClusterSlice {
            slice: new,
            origin: SliceOrigin::Loaded,
            location: loaded.location,
        });
        self.linked.slices.insert_mut(id, linked);
    }

    /// Links the dirty ServiceImports again: their slices and ready addresses.
    pub(super) fn link_imports(&mut self, dirty: &std::collections::BTreeSet<Key>) {
        for key in dirty {
            let Some(source) = self.objects.imports.get(key).cloned() else {
                self.linked.imports.remove_mut(key);
                continue;
            };
            let slices = self.loaded_slices(&self.index.slices_by_import, key);
            let import = Arc::new(ClusterImport {
                source,
                linked: LinkedSlices::new(slices),
            });
            self.linked.imports.insert_mut(key.clone(), import);
        }
    }

    /// The loaded slices `index` lists under `key`, sorted by name.
    fn loaded_slices(&self, index: &Multimap<Key, Key>, key: &Key) -> Vec<Arc<ClusterSlice>> {
        index
            .get(key)
            .filter_map(|id| self.linked.slices.get(id).cloned())
            .collect()
    }

    /// The slices of a Service: those labelled with its name; then, for a selectorless
    /// Service, the mirror of its Endpoints (unless the input already holds that mirror); for
    /// one with a selector, unless the input holds the EndpointSlice controller's own slices
    /// (labelled `managed-by: endpointslice-controller.k8s.io`), what that controller makes of
    /// the Pods it selects.
    pub(super) fn link_slices(
        &mut self,
        key: &Key,
        source: &Sourced<crate::model::Service>,
        cluster_ips: &[IpAddr],
    ) -> Vec<Arc<ClusterSlice>> {
        let mut slices = self.loaded_slices(&self.index.slices_by_service, key);
        let service = &source.object;
        if service.selector.is_some() {
            // The EndpointSlice controller owns only the slices it labels as its own: with one
            // of those in the input (a dump), the input holds its work; otherwise it makes its
            // slices from the Pods beside whatever custom slices the input has, which CoreDNS
            // reads as well.
            if !slices
                .iter()
                .any(|slice| controller::is_controller_slice(&slice.slice))
            {
                slices.extend(self.derive_slices(key, source, cluster_ips));
            }
            return slices;
        }
        let Some(endpoints) = self.objects.endpoints.get(key).cloned() else {
            return slices;
        };
        let already_mirrored = slices.iter().any(|slice| {
            slice
                .slice
                .meta
                .labels
                .get(mirror::MANAGED_BY_LABEL)
                .map(String::as_str)
                == Some(mirror::MIRRORING_CONTROLLER)
        });
        if already_mirrored || mirror::refusal(&endpoints.object).is_some() {
            return slices;
        }
        let origin = SliceOrigin::MirroredFrom(endpoints.object.meta.name.clone());
        for slice in mirror::mirror(&endpoints.object).slices {
            slices.push(self.add_derived_slice(slice, origin.clone(), &endpoints.location));
        }
        slices
    }

    /// The EndpointSlice controller's slices for a Service, from the Pods it selects.
    fn derive_slices(
        &mut self,
        key: &Key,
        source: &Sourced<crate::model::Service>,
        cluster_ips: &[IpAddr],
    ) -> Vec<Arc<ClusterSlice>> {
        let mut service = source.object.clone();
        if !cluster_ips.is_empty() {
            service.cluster_ip = ClusterIpSpec::Ips(cluster_ips.to_vec());
        }
        service.ip_families = controller::defaulted_ip_families(&service, &self.cluster_families());
        let members: Vec<Arc<Sourced<Pod>>> = self
            .index
            .members
            .get(key)
            .filter_map(|pod| self.objects.pods.get(pod).cloned())
            .collect();
        let pods: Vec<&Pod> = members.iter().map(|source| &source.object).collect();
        let derived = controller::endpoint_slices_with_nodes(
            &service,
            &pods,
            controller::DEFAULT_MAX_ENDPOINTS_PER_SLICE,
            &|node| self.lookup_node(node),
        );
        derived
            .into_iter()
            .map(|slice| self.add_derived_slice(slice, SliceOrigin::FromPods, &source.location))
            .collect()
    }

    /// A slice the simulator made, added to the effective slices and indexed.
    fn add_derived_slice(
        &mut self,
        slice: EndpointSlice,
        origin: SliceOrigin,
        location: &Location,
    ) -> Arc<ClusterSlice> {
        let id = derived_slice_id(&slice);
        self.index.add_endpoints(&id, &slice);
        let derived = Arc::new(ClusterSlice {
            slice,
            origin,
            location: location.clone(),
        });
        self.linked.slices.insert_mut(id, derived.clone());
        derived
    }

    /// Drops a slice the simulator made (see [`Cluster::add_derived_slice`]).
    pub(super) fn drop_derived_slice(&mut self, slice: &EndpointSlice) {
        let id = derived_slice_id(slice);
        self.index.remove_endpoints(&id, slice);
        self.linked.slices.remove_mut(&id);
    }

    /// The families the service CIDRs cover, primary first.
    fn cluster_families(&self) -> Vec<IpFamily> {
        let primary = self.cidrs.primary_family();
        let mut families = vec![primary];
        if self.cidrs.range(primary.other()).is_some() {
            families.push(primary.other());
        }
        families
    }
}
