//! Assertions for tests: what a name resolves to from inside a pod, checked in one line, with
//! the whole walk (every query and reply) printed when it is not what was expected.
//!
//! Names go through the pod-side resolver as an application's `getaddrinfo` sends them (glibc,
//! both families, a `ClusterFirst` pod with the kubelet's defaults), not through
//! [`ClusterDns::lookup`]: a short name such as `web` or `web.shop` resolves as it does in a
//! pod, search list and all.

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::{Family, Kubelet, PodDns, Resolution, StubResolver};
use crate::server::ClusterDns;

impl ClusterDns {
    /// Panics unless `name`, resolved from a pod in namespace `default`, gives exactly the
    /// `expected` addresses (in any order).
    ///
    /// ```
    /// use k8s_dns_sim::ClusterDns;
    ///
    /// let dns = ClusterDns::from_yaml(
    ///     "apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: default}
    /// spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
    /// ",
    /// )?;
    /// dns.assert_resolves("web", ["10.96.0.20"]);
    /// dns.assert_resolves("web.default.svc.cluster.local", ["10.96.0.20"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn assert_resolves<S: AsRef<str>>(
        &self,
        name: &str,
        expected: impl IntoIterator<Item = S>,
    ) {
        self.assert_resolves_in("default", name, expected);
    }

    /// Panics unless `name`, resolved from a pod in `namespace`, gives exactly the `expected`
    /// addresses (in any order). An expected text that is not an address fails the assertion.
    #[track_caller]
    pub fn assert_resolves_in<S: AsRef<str>>(
        &self,
        namespace: &str,
        name: &str,
        expected: impl IntoIterator<Item = S>,
    ) {
        let resolution = self.resolve_from(namespace, name);
        let expected: BTreeSet<IpAddr> = expected
            .into_iter()
            .map(|text| {
                let text = text.as_ref();
                text.parse()
                    .unwrap_or_else(|_| panic!("expected an IP address, found {text:?}"))
            })
            .collect();
        let got: BTreeSet<IpAddr> = resolution.addresses().iter().copied().collect();
        assert!(
            got == expected,
            "{name:?} from a pod in {namespace:?}: expected {expected:?}, found {got:?}\n{resolution}"
        );
    }

    /// Panics unless `name`, resolved from a pod in `namespace`, gives no address at all.
    #[track_caller]
    pub fn assert_does_not_resolve(&self, namespace: &str, name: &str) {
        let resolution = self.resolve_from(namespace, name);
        assert!(
            resolution.addresses().is_empty(),
            "{name:?} from a pod in {namespace:?}: expected no address, found {:?}\n{resolution}",
            resolution.addresses()
        );
    }

    /// `getaddrinfo(name, AF_UNSPEC)` as glibc runs it in a `ClusterFirst` pod of `namespace`.
    fn resolve_from(&self, namespace: &str, name: &str) -> Resolution {
        let pod = PodDns::new(namespace, "test");
        match Kubelet::default().sandbox(&pod) {
            Ok(sandbox) => self.getaddrinfo(&sandbox, StubResolver::Glibc, Family::Unspec, name),
            Err(error) => panic!("no pod sandbox for namespace {namespace:?}: {error}"),
        }
    }
}
