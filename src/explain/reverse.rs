//! PTR: a reverse name read as the address it stands for (rule 18): the Service whose cluster
//! IP it is, or the ready endpoints that hold it, and what hides them (the `namespaces`
//! option, `noendpoints`).

use hickory_proto::rr::Name;

use super::ObjectAt;
use super::reader::{Reader, Reading, pod_at, reverse_address, service_at, slice_ref};
use crate::answer::names::name_in_namespace;
use crate::qname::{Labels, QueryName};

impl Reader<'_, '_> {
    /// PTR (rule 18).
    pub(super) fn ptr(
        &mut self,
        parsed: QueryName<'_>,
        zone: &Name,
        multicluster: bool,
    ) -> Reading {
        let labels = Labels::new(self.asked.name);
        let address = reverse_address(self.asked.name, &labels);
        let Some(address) = address else {
            self.step(
                18,
                "not a complete reverse name (4 labels under in-addr.arpa, 32 under ip6.arpa): only the name's existence counts".to_owned(),
            );
            return match self.find(parsed, zone, multicluster) {
                Reading::Chased => Reading::Exists,
                reading => reading,
            };
        };
        let config = self.asked.config;
        let Some(primary) = config
            .zones
            .iter()
            .find(|zone| !crate::answer::is_reverse_zone(zone))
        else {
            self.step(
                18,
                format!("{address}: the plugin has no forward zone to name a target in"),
            );
            return Reading::NameError;
        };
        let restricted = !config.namespaces.is_empty();
        let cluster = self.asked.cluster;
        // The plugin's `namespace_exposed`, over the question's own references (the reader
        // writes steps while it looks).
        let visible = move |namespace: &str| {
            !restricted
                || (config.exposes_namespace(namespace)
                    && cluster.has_namespace_lowercase(namespace))
        };
        let hidden: Vec<ObjectAt> = cluster
            .services_with_cluster_ip(address)
            .filter(|service| !visible(&service.service().meta.namespace))
            .map(|service| service_at(service.service(), service.location()))
            .collect();
        if !hidden.is_empty() {
            let step = self.step(
                18,
                format!("{address} is the cluster IP of a Service in a namespace the `namespaces` option does not serve, so that Service gives no PTR"),
            );
            step.objects = hidden;
        }
        if let Some(service) = cluster
            .services_with_cluster_ip(address)
            .find(|service| visible(&service.service().meta.namespace))
        {
            let meta = &service.service().meta;
            let target = name_in_namespace(&meta.name, &meta.namespace, primary);
            let step = self.step(
                18,
                format!(
                    "{address} is the cluster IP of Service {}/{}: one PTR, {}",
                    meta.namespace,
                    meta.name,
                    target.map_or_else(|| "a name too long to send".to_owned(), |t| t.to_string())
                ),
            );
            step.objects
                .push(service_at(service.service(), service.location()));
            return Reading::Exists;
        }
        if config.noendpoints {
            self.step(
                18,
                format!("{address} is no Service's cluster IP, and `noendpoints` hides every endpoint: no PTR"),
            );
            return Reading::NameError;
        }
        // Slices that name a Service (whether or not it exists), in served namespaces.
        let found: Vec<ObjectAt> = cluster
            .ready_endpoints_with_address(address)
            .filter(|(slice, _)| {
                slice.slice().service_name().is_some() && visible(&slice.slice().meta.namespace)
            })
            .map(|(slice, _)| ObjectAt::new(slice_ref(slice), slice.location().clone()))
            .collect();
        if found.is_empty() {
            self.step(
                18,
                format!(
                    "{address} is no Service's cluster IP and no ready endpoint's address: no PTR"
                ),
            );
            let pods: Vec<ObjectAt> = cluster
                .pods_with_ip(address)
                .map(|pod| pod_at(cluster, &pod.meta.namespace, &pod.meta.name))
                .collect();
            if !pods.is_empty() {
                self.near(
                    format!("{address} is the address of a Pod that is no ready endpoint of any Service"),
                    pods,
                    "select the Pod with a Service (and make it ready): its endpoint name then answers PTR".to_owned(),
                );
            }
            return Reading::NameError;
        }
        let step = self.step(
            18,
            format!("{address} is a ready endpoint address: one PTR per endpoint name"),
        );
        step.objects = found;
        Reading::Exists
    }
}
