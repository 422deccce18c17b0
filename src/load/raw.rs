//! The shape of the modelled kinds as they appear in a manifest.
//!
//! These structs hold only what [`crate::model`] needs, in the API's own spelling. Every field
//! is optional and unknown fields are ignored, so anything `kubectl get -o yaml` prints
//! (`status`, `managedFields`, `uid`, …) deserializes; whether a required field is present is
//! decided by the validation step, which can then name the field in its error. Numbers are
//! read as [`Int`] rather than `u16` so that an out-of-range port is reported as the API server
//! reports it ("from 1 to 65535"), not as a serde type error. Each struct expects "a mapping",
//! so that a type error names what was expected in the API's terms, not the struct. Label,
//! annotation and selector maps take strings only ([`string_map`]), as the API server's
//! `map[string]string` does.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::model::Kind;

/// `metadata`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawMeta {
    pub name: Option<String>,
    pub generate_name: Option<String>,
    pub namespace: Option<String>,
    #[serde(deserialize_with = "string_map")]
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(deserialize_with = "string_map")]
    pub annotations: Option<BTreeMap<String, String>>,
    pub deletion_timestamp: Option<serde_yaml::Value>,
    pub uid: Option<String>,
}

/// `v1 Service`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawService {
    pub metadata: Option<RawMeta>,
    pub spec: Option<RawServiceSpec>,
}

/// `Service.spec`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawServiceSpec {
    #[serde(rename = "type")]
    pub service_type: Option<String>,
    #[serde(rename = "clusterIP")]
    pub cluster_ip: Option<String>,
    #[serde(rename = "clusterIPs")]
    pub cluster_ips: Option<Vec<String>>,
    pub ip_families: Option<Vec<String>>,
    pub ip_family_policy: Option<String>,
    pub ports: Option<Vec<RawServicePort>>,
    #[serde(deserialize_with = "string_map")]
    pub selector: Option<BTreeMap<String, String>>,
    pub external_name: Option<String>,
    pub publish_not_ready_addresses: Option<bool>,
    #[serde(rename = "loadBalancerIP")]
    pub load_balancer_ip: Option<String>,
}

/// An entry of `Service.spec.ports`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawServicePort {
    pub name: Option<String>,
    pub protocol: Option<String>,
    pub port: Option<Int>,
    pub target_port: Option<IntOrString>,
}

/// `v1 Endpoints`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawEndpoints {
    pub metadata: Option<RawMeta>,
    pub subsets: Option<Vec<RawSubset>>,
}

/// An entry of `Endpoints.subsets`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawSubset {
    pub addresses: Option<Vec<RawEndpointAddress>>,
    pub not_ready_addresses: Option<Vec<RawEndpointAddress>>,
    pub ports: Option<Vec<RawEndpointPort>>,
}

/// An address of an Endpoints subset.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawEndpointAddress {
    pub ip: Option<String>,
    pub hostname: Option<String>,
    pub node_name: Option<String>,
    pub target_ref: Option<RawTargetRef>,
}

/// A `targetRef`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawTargetRef {
    pub kind: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

/// A port of an Endpoints subset or an EndpointSlice.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawEndpointPort {
    pub name: Option<String>,
    pub protocol: Option<String>,
    pub port: Option<Int>,
    pub app_protocol: Option<String>,
}

/// `discovery.k8s.io/v1 EndpointSlice`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawEndpointSlice {
    pub metadata: Option<RawMeta>,
    pub address_type: Option<String>,
    pub endpoints: Option<Vec<RawEndpoint>>,
    pub ports: Option<Vec<RawEndpointPort>>,
}

/// An entry of `EndpointSlice.endpoints`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawEndpoint {
    pub addresses: Option<Vec<String>>,
    pub conditions: Option<RawConditions>,
    pub hostname: Option<String>,
    pub node_name: Option<String>,
    pub zone: Option<String>,
    pub target_ref: Option<RawTargetRef>,
}

/// `EndpointSlice.endpoints[].conditions`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawConditions {
    pub ready: Option<bool>,
    pub serving: Option<bool>,
    pub terminating: Option<bool>,
}

/// `v1 Pod`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawPod {
    pub metadata: Option<RawMeta>,
    pub spec: Option<RawPodSpec>,
    pub status: Option<RawPodStatus>,
}

/// `Pod.spec` (and a Pod template's `spec`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawPodSpec {
    pub hostname: Option<String>,
    pub subdomain: Option<String>,
    pub node_name: Option<String>,
    pub containers: Option<Vec<RawContainer>>,
    pub init_containers: Option<Vec<RawContainer>>,
    pub host_network: Option<bool>,
    pub dns_policy: Option<String>,
    pub dns_config: Option<RawPodDnsConfig>,
    pub host_aliases: Option<Vec<RawHostAlias>>,
    #[serde(rename = "setHostnameAsFQDN")]
    pub set_hostname_as_fqdn: Option<bool>,
    pub restart_policy: Option<String>,
}

/// `Pod.spec.dnsConfig`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawPodDnsConfig {
    pub nameservers: Option<Vec<String>>,
    pub searches: Option<Vec<String>>,
    pub options: Option<Vec<RawPodDnsOption>>,
}

/// An entry of `Pod.spec.dnsConfig.options`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a mapping")]
pub(crate) struct RawPodDnsOption {
    pub name: Option<String>,
    /// A string in the API (`*string`): `value: 2` is refused as the API server refuses it
    /// ("cannot unmarshal number into … of type string"); it must be quoted.
    #[serde(deserialize_with = "strict_string")]
    pub value: Option<String>,
}

/// An entry of `Pod.spec.hostAliases`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a mapping")]
pub(crate) struct RawHostAlias {
    pub ip: Option<String>,
    pub hostnames: Option<Vec<String>>,
}

/// A container or init container.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawContainer {
    pub ports: Option<Vec<RawContainerPort>>,
    /// Read leniently (only `name` and a string `value` are kept, for the lint's look at the
    /// names the Pods are given): nothing of it decides an answer.
    pub env: Option<serde_yaml::Value>,
    pub restart_policy: Option<String>,
}

/// A container port.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawContainerPort {
    pub name: Option<String>,
    pub container_port: Option<Int>,
    pub protocol: Option<String>,
}

/// `Pod.status`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawPodStatus {
    pub phase: Option<String>,
    #[serde(rename = "podIP")]
    pub pod_ip: Option<String>,
    #[serde(rename = "podIPs")]
    pub pod_ips: Option<Vec<RawPodIp>>,
    pub conditions: Option<Vec<RawPodCondition>>,
}

/// An entry of `Pod.status.podIPs`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a mapping")]
pub(crate) struct RawPodIp {
    pub ip: Option<String>,
}

/// An entry of `status.conditions` (a Pod's, or a Job's).
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a mapping")]
pub(crate) struct RawPodCondition {
    #[serde(rename = "type")]
    pub condition_type: Option<String>,
    pub status: Option<String>,
}

/// `v1 Node`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a mapping")]
pub(crate) struct RawNode {
    pub metadata: Option<RawMeta>,
    pub spec: Option<RawNodeSpec>,
    pub status: Option<RawNodeStatus>,
}

/// `Node.spec`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a mapping")]
pub(crate) struct RawNodeSpec {
    #[serde(rename = "podCIDR")]
    pub pod_cidr: Option<String>,
    #[serde(rename = "podCIDRs")]
    pub pod_cidrs: Option<Vec<String>>,
}

/// `Node.status`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a mapping")]
pub(crate) struct RawNodeStatus {
    pub addresses: Option<Vec<RawNodeAddress>>,
}

/// An entry of `Node.status.addresses`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a mapping")]
pub(crate) struct RawNodeAddress {
    #[serde(rename = "type")]
    pub address_type: Option<String>,
    pub address: Option<String>,
}

/// `v1 Namespace`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a mapping")]
pub(crate) struct RawNamespace {
    pub metadata: Option<RawMeta>,
}

/// `multicluster.x-k8s.io/v1alpha1 ServiceImport`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawServiceImport {
    pub metadata: Option<RawMeta>,
    pub spec: Option<RawServiceImportSpec>,
}

/// `ServiceImport.spec`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawServiceImportSpec {
    #[serde(rename = "type")]
    pub import_type: Option<String>,
    pub ips: Option<Vec<String>>,
    pub ports: Option<Vec<RawServiceImportPort>>,
}

/// An entry of `ServiceImport.spec.ports`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawServiceImportPort {
    pub name: Option<String>,
    pub protocol: Option<String>,
    pub port: Option<Int>,
    pub app_protocol: Option<String>,
}

/// An integer of any size YAML gives, range-checked later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Int(pub i128);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IntVisitor).map(Int)
    }
}

struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = i128;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i128, E> {
        Ok(i128::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i128, E> {
        Ok(i128::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<i128, E> {
        Ok(v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<i128, E> {
        i128::try_from(v).map_err(|_| too_large(v, &self))
    }
}

/// The error for an integer beyond `i128`: more digits than any field takes.
fn too_large<E: de::Error>(v: u128, expected: &dyn de::Expected) -> E {
    E::invalid_value(de::Unexpected::Other(&format!("the number {v}")), expected)
}

/// An `IntOrString` (`targetPort`): an integer, or a string kept as written (a quoted
/// `"8080"` stays a string, as in the API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IntOrString {
    /// An integer.
    Int(i128),
    /// A string.
    String(String),
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IntOrStringVisitor)
    }
}

struct IntOrStringVisitor;

impl Visitor<'_> for IntOrStringVisitor {
    type Value = IntOrString;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a port name")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrString, E> {
        Ok(IntOrString::Int(i128::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrString, E> {
        Ok(IntOrString::Int(i128::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<IntOrString, E> {
        Ok(IntOrString::Int(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<IntOrString, E> {
        i128::try_from(v)
            .map(IntOrString::Int)
            .map_err(|_| too_large(v, &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrString, E> {
        Ok(IntOrString::String(v.to_owned()))
    }
}

/// `apps/v1` StatefulSet, Deployment, ReplicaSet or DaemonSet: what their Pods look like.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawWorkload {
    pub metadata: Option<RawMeta>,
    pub spec: Option<RawWorkloadSpec>,
}

/// The `spec` of a workload.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawWorkloadSpec {
    pub replicas: Option<Int>,
    pub selector: Option<RawLabelSelector>,
    pub template: Option<RawPodTemplate>,
    pub service_name: Option<String>,
    pub ordinals: Option<RawOrdinals>,
}

/// `v1 ReplicationController`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawReplicationController {
    pub metadata: Option<RawMeta>,
    pub spec: Option<RawReplicationControllerSpec>,
}

/// `ReplicationController.spec`: its selector is a plain label map.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawReplicationControllerSpec {
    pub replicas: Option<Int>,
    #[serde(deserialize_with = "string_map")]
    pub selector: Option<BTreeMap<String, String>>,
    pub template: Option<RawPodTemplate>,
}

/// `batch/v1 Job`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawJob {
    pub metadata: Option<RawMeta>,
    pub spec: Option<RawJobSpec>,
    pub status: Option<RawJobStatus>,
}

/// `Job.spec`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawJobSpec {
    pub parallelism: Option<Int>,
    pub completions: Option<Int>,
    pub completion_mode: Option<String>,
    pub suspend: Option<bool>,
    pub manual_selector: Option<bool>,
    pub selector: Option<RawLabelSelector>,
    pub template: Option<RawPodTemplate>,
}

/// `Job.status`, as a dump holds it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawJobStatus {
    pub succeeded: Option<Int>,
    pub completed_indexes: Option<String>,
    pub conditions: Option<Vec<RawPodCondition>>,
}

/// A label selector.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawLabelSelector {
    #[serde(deserialize_with = "string_map")]
    pub match_labels: Option<BTreeMap<String, String>>,
    pub match_expressions: Option<serde_yaml::Value>,
}

/// A Pod template.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawPodTemplate {
    pub metadata: Option<RawMeta>,
    pub spec: Option<RawPodSpec>,
}

/// A StatefulSet's `spec.ordinals`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a mapping")]
pub(crate) struct RawOrdinals {
    pub start: Option<Int>,
}

/// A `map[string]string` of the API (labels, annotations, selectors): every value must be a
/// string, as the API server's JSON decoder demands. YAML `app: 1` or `enabled: true` is a
/// number or a boolean there, refused with "cannot unmarshal number into … of type string";
/// serde_yaml alone would turn them into strings. A null value (`app:`) is the empty string,
/// as the API server reads it. Keys are read as strings (`1: a` is the key `"1"`, as kubectl
/// writes it to JSON).
fn string_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    let map: Option<BTreeMap<String, StrictString>> = Option::deserialize(deserializer)?;
    Ok(map.map(|map| map.into_iter().map(|(k, v)| (k, v.0)).collect()))
}

/// An optional string field that must be written as a string in YAML (see [`string_map`]);
/// null is absent.
fn strict_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let value: Option<StrictString> = Option::deserialize(deserializer)?;
    Ok(value.map(|value| value.0))
}

/// A string value that must be written as a string in YAML: see [`string_map`].
struct StrictString(String);

impl<'de> Deserialize<'de> for StrictString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictStringVisitor)
    }
}

struct StrictStringVisitor;

impl Visitor<'_> for StrictStringVisitor {
    type Value = StrictString;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string (quote it)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<StrictString, E> {
        Ok(StrictString(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<StrictString, E> {
        Ok(StrictString(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<StrictString, E> {
        Ok(StrictString(String::new()))
    }

    fn visit_none<E: de::Error>(self) -> Result<StrictString, E> {
        Ok(StrictString(String::new()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<StrictString, E> {
        Err(E::invalid_type(
            de::Unexpected::Other(&format!("integer `{v}`")),
            &self,
        ))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<StrictString, E> {
        Err(E::invalid_type(
            de::Unexpected::Other(&format!("integer `{v}`")),
            &self,
        ))
    }
}

/// An object of a modelled kind, read into its raw struct.
#[derive(Debug)]
pub(crate) enum Raw {
    Service(RawService),
    Endpoints(RawEndpoints),
    EndpointSlice(RawEndpointSlice),
    Pod(RawPod),
    Namespace(RawNamespace),
    ServiceImport(RawServiceImport),
    /// A StatefulSet, Deployment, ReplicaSet or DaemonSet (the kind).
    Workload(Kind, RawWorkload),
    ReplicationController(RawReplicationController),
    Job(RawJob),
    Node(RawNode),
}

/// Reads an object of `kind` into its raw struct: the one place that knows which struct
/// holds which kind, for both the single pass and the detailed path. `None` for a kind that
/// has no raw struct (a ConfigMap, read by the loader itself).
pub(crate) fn raw_of<'de, D: Deserializer<'de>>(
    kind: Kind,
    deserializer: D,
) -> Option<Result<Raw, D::Error>> {
    Some(match kind {
        Kind::Service => RawService::deserialize(deserializer).map(Raw::Service),
        Kind::Endpoints => RawEndpoints::deserialize(deserializer).map(Raw::Endpoints),
        Kind::EndpointSlice => RawEndpointSlice::deserialize(deserializer).map(Raw::EndpointSlice),
        Kind::Pod => RawPod::deserialize(deserializer).map(Raw::Pod),
        Kind::Namespace => RawNamespace::deserialize(deserializer).map(Raw::Namespace),
        Kind::ServiceImport => RawServiceImport::deserialize(deserializer).map(Raw::ServiceImport),
        Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => {
            RawWorkload::deserialize(deserializer).map(|raw| Raw::Workload(kind, raw))
        }
        Kind::ReplicationController => {
            RawReplicationController::deserialize(deserializer).map(Raw::ReplicationController)
        }
        Kind::Job => RawJob::deserialize(deserializer).map(Raw::Job),
        Kind::Node => RawNode::deserialize(deserializer).map(Raw::Node),
        Kind::ConfigMap => return None,
    })
}
