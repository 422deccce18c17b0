//! A picture of the linking: a namespace's Services, their EndpointSlices or Endpoints, the
//! endpoints and Pods behind them, and the DNS names each yields, as Mermaid or Graphviz DOT.
//!
//! Vocabulary (the linking rules are the [`cluster`](crate::cluster) module's):
//!
//! - a **Service** owns the EndpointSlices labelled `kubernetes.io/service-name` with its name;
//! - an **Endpoints** object reaches DNS only as the EndpointSlices the mirroring controller
//!   copies it into, for the selectorless Service of exactly its name;
//! - an **endpoint** is ready unless `conditions.ready` is `false` (terminating is shown, but
//!   CoreDNS reads only `ready`); its `targetRef` names the **Pod** behind it;
//! - the **DNS names**: the Service's own name (`<service>.<namespace>.svc.<zone>`: a ClusterIP
//!   Service's virtual IPs, a headless Service's ready endpoints, an ExternalName's CNAME), a
//!   headless Service's endpoint names (`<hostname>.<service>…`, or the dashed address) and
//!   the SRV names of named ports (`_<port>._<protocol>.<service>…`).
//!
//! Every name is asked of the [`ClusterDns`] itself, so what a name node says it answers (the
//! records, or NXDOMAIN, NODATA, REFUSED) is what the server answers. Objects that reach no
//! Service (an Endpoints object whose name matches no Service, a slice without the label or
//! naming a Service that does not exist), endpoints that are not ready or terminating, and
//! names that answer no record are marked: in words in their labels, and by a style (Mermaid
//! `classDef`s, DOT dashes and colours) explained in a legend.
//!
//! The output is deterministic: namespaces, Services and objects in name order, node ids
//! numbered in that order (`svc0`, `slice1`, …, so any Kubernetes name is a valid id and no
//! two collide), every label quoted and escaped.
//!
//! ```
//! use k8s_dns_sim::graph::Graph;
//! use k8s_dns_sim::{Cluster, ClusterDns, Config};
//!
//! let manifests = std::fs::read_to_string("fixtures/seed-mysql.yaml")?;
//! let dns = ClusterDns::new(Cluster::from_yaml(&manifests)?, Config::default());
//! let graph = Graph::new(&dns, Some("default"));
//!
//! let mermaid = graph.to_mermaid();
//! assert!(mermaid.starts_with("flowchart LR\n"));
//! // The Endpoints object is linked to no Service, and the headless name does not exist.
//! assert!(mermaid.contains("Endpoints default/mysql-ep<br/>linked to no Service"));
//! assert!(mermaid.contains("mysql-svc.default.svc.cluster.local.<br/>NXDOMAIN"));
//!
//! let dot = graph.to_dot();
//! assert!(dot.starts_with("digraph linking {\n"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::net::IpAddr;
use std::str::FromStr;

use hickory_proto::rr::{Name, RecordType};

use crate::answer::names::{EndpointName, port_name, service_name};
use crate::answer::{Answer, Outcome, is_reverse_zone};
use crate::cluster::{Cluster, ClusterService, ClusterSlice, SliceOrigin};
use crate::diagnostic::DiagnosticKind;
use crate::model::{
    AddressType, Endpoint, EndpointPort, Endpoints, Kind, ObjectRef, Pod, Protocol, ServiceType,
    TargetRef,
};
use crate::server::ClusterDns;

/// The linking of a namespace (or of every namespace) as a graph, ready to render.
///
/// Built once from a [`ClusterDns`] by [`Graph::new`]; [`Graph::to_mermaid`] and
/// [`Graph::to_dot`] render it (see the [module documentation](self) for what it shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graph {
    /// The namespace asked for, lower-case; `None` for every namespace.
    namespace: Option<String>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

/// The two renderings of a [`Graph`], as `dig --graph [mermaid|dot]` names them.
///
/// ```
/// use k8s_dns_sim::graph::GraphFormat;
///
/// assert_eq!("dot".parse::<GraphFormat>()?, GraphFormat::Dot);
/// assert_eq!("Mermaid".parse::<GraphFormat>()?, GraphFormat::Mermaid);
/// assert_eq!(
///     "svg".parse::<GraphFormat>().unwrap_err().to_string(),
///     r#"expected a graph format "mermaid" or "dot", found "svg""#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GraphFormat {
    /// A Mermaid `flowchart LR`, which GitHub renders in a ```` ```mermaid ```` block.
    #[default]
    Mermaid,
    /// A Graphviz DOT `digraph` (`dot -Tsvg` draws it).
    Dot,
}

/// A graph format other than `mermaid` and `dot`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a graph format \"mermaid\" or \"dot\", found {found:?}")]
#[non_exhaustive]
pub struct UnknownGraphFormat {
    /// The text given.
    pub found: String,
}

impl std::fmt::Display for GraphFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GraphFormat::Mermaid => "mermaid",
            GraphFormat::Dot => "dot",
        })
    }
}

impl FromStr for GraphFormat {
    type Err = UnknownGraphFormat;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.eq_ignore_ascii_case("mermaid") {
            Ok(GraphFormat::Mermaid)
        } else if text.eq_ignore_ascii_case("dot") {
            Ok(GraphFormat::Dot)
        } else {
            Err(UnknownGraphFormat {
                found: text.to_owned(),
            })
        }
    }
}

impl Graph {
    /// The linking of `namespace` (case-insensitive), or of every namespace with `None`, as
    /// `dns` sees it: its cluster, and the zone of its first `kubernetes` plugin
    /// (`cluster.local.` when it has none) to build the names in. Each name's answer is asked
    /// of `dns`.
    ///
    /// ```
    /// use k8s_dns_sim::graph::Graph;
    /// use k8s_dns_sim::ClusterDns;
    ///
    /// let dns = ClusterDns::from_yaml("apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: shop}
    /// spec: {clusterIP: 10.96.0.20, ports: [{name: http, port: 80}]}
    /// ")?;
    /// let dot = Graph::new(&dns, Some("shop")).to_dot();
    /// assert!(dot.contains(r#"label="web.shop.svc.cluster.local.\nA 10.96.0.20""#), "{dot}");
    /// assert!(Graph::new(&dns, Some("other")).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(dns: &ClusterDns, namespace: Option<&str>) -> Graph {
        let namespace = namespace.map(str::to_ascii_lowercase);
        let (nodes, edges) = {
            let mut builder = Builder::new(dns, namespace.as_deref());
            builder.build();
            (builder.nodes, builder.edges)
        };
        Graph {
            namespace,
            nodes,
            edges,
        }
    }

    /// Whether nothing of the namespace was found to draw (no Service, Endpoints or
    /// EndpointSlice). The renderings then hold one node saying so.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The graph in `format`.
    pub fn render(&self, format: GraphFormat) -> String {
        match format {
            GraphFormat::Mermaid => self.to_mermaid(),
            GraphFormat::Dot => self.to_dot(),
        }
    }

    /// The graph as a Mermaid `flowchart LR`: a subgraph per namespace, then the edges, then
    /// the styles of the marked nodes and a legend of the marks used.
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        if self.nodes.is_empty() {
            let _ = writeln!(out, "  empty[\"{}\"]", mermaid_text(&[self.nothing_text()]));
            return out;
        }
        for (index, (namespace, nodes)) in self.by_namespace().into_iter().enumerate() {
            let title = format!("namespace {namespace}");
            let _ = writeln!(out, "  subgraph ns{index} [\"{}\"]", mermaid_text(&[title]));
            for node in nodes {
                let (open, close) = node.shape.mermaid();
                let label = mermaid_text(&node.lines);
                let _ = writeln!(out, "    {}{open}\"{label}\"{close}", node.id);
            }
            out.push_str("  end\n");
        }
        for edge in &self.edges {
            let arrow = match edge.style {
                EdgeStyle::Solid => "-->",
                EdgeStyle::NearMiss => "-.->",
            };
            let _ = writeln!(
                out,
                "  {} {arrow}|\"{}\"| {}",
                self.nodes[edge.from].id,
                mermaid_text(&[edge.label.as_str()]),
                self.nodes[edge.to].id
            );
        }
        let marks = self.marks();
        if !marks.is_empty() {
            out.push_str("  subgraph legend [\"legend\"]\n");
            for mark in &marks {
                let _ = writeln!(
                    out,
                    "    legend_{}[\"{}\"]",
                    mark.class(),
                    mermaid_text(&[mark.legend()])
                );
            }
            out.push_str("  end\n");
            for mark in &marks {
                let _ = writeln!(out, "  classDef {} {}", mark.class(), mark.mermaid_style());
                let ids: Vec<String> = self
                    .nodes
                    .iter()
                    .filter(|node| node.mark == Some(*mark))
                    .map(|node| node.id.clone())
                    .chain([format!("legend_{}", mark.class())])
                    .collect();
                let _ = writeln!(out, "  class {} {}", ids.join(","), mark.class());
            }
        }
        out
    }

    /// The graph as a Graphviz DOT `digraph` (left to right): a cluster per namespace, then
    /// the edges, then a legend of the marks used.
    pub fn to_dot(&self) -> String {
        let mut out = String::from("digraph linking {\n");
        out.push_str("  rankdir=LR;\n");
        out.push_str("  graph [fontname=\"Helvetica\"];\n");
        out.push_str("  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n");
        out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        if self.nodes.is_empty() {
            let _ = writeln!(
                out,
                "  empty [label=\"{}\"];",
                dot_text(&[self.nothing_text()])
            );
            out.push_str("}\n");
            return out;
        }
        for (index, (namespace, nodes)) in self.by_namespace().into_iter().enumerate() {
            let _ = writeln!(out, "  subgraph cluster_ns{index} {{");
            let title = format!("namespace {namespace}");
            let _ = writeln!(out, "    label=\"{}\";", dot_text(&[title]));
            for node in nodes {
                let _ = writeln!(out, "    {} [{}];", node.id, dot_attributes(node));
            }
            out.push_str("  }\n");
        }
        for edge in &self.edges {
            let style = match edge.style {
                EdgeStyle::Solid => "",
                EdgeStyle::NearMiss => ", style=dashed, color=\"red\", fontcolor=\"red\"",
            };
            let _ = writeln!(
                out,
                "  {} -> {} [label=\"{}\"{style}];",
                self.nodes[edge.from].id,
                self.nodes[edge.to].id,
                dot_text(&[edge.label.as_str()])
            );
        }
        let marks = self.marks();
        if !marks.is_empty() {
            out.push_str("  subgraph cluster_legend {\n    label=\"legend\";\n");
            for mark in &marks {
                let _ = writeln!(
                    out,
                    "    legend_{} [label=\"{}\", {}];",
                    mark.class(),
                    dot_text(&[mark.legend()]),
                    mark.dot_style(None)
                );
            }
            out.push_str("  }\n");
        }
        out.push_str("}\n");
        out
    }

    /// The nodes grouped by namespace, namespaces sorted, nodes in the order they were made.
    fn by_namespace(&self) -> BTreeMap<&str, Vec<&Node>> {
        let mut groups: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
        for node in &self.nodes {
            groups
                .entry(node.namespace.as_str())
                .or_default()
                .push(node);
        }
        groups
    }

    /// The marks some node carries, in legend order.
    fn marks(&self) -> BTreeSet<Mark> {
        self.nodes.iter().filter_map(|node| node.mark).collect()
    }

    fn nothing_text(&self) -> String {
        match &self.namespace {
            Some(namespace) => {
                format!("no Service, Endpoints or EndpointSlice in namespace {namespace}")
            }
            None => "no Service, Endpoints or EndpointSlice".to_owned(),
        }
    }
}

// ------------------------------------------------------------------------------------------
// The graph's parts
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    /// `svc0`, `slice3`, …: a prefix naming the kind and the node's index, so unique.
    id: String,
    namespace: String,
    shape: Shape,
    /// The label, one line each; the first names the object.
    lines: Vec<String>,
    mark: Option<Mark>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Service,
    /// An EndpointSlice or an Endpoints object.
    Source,
    Endpoint,
    Pod,
    Name,
}

impl Shape {
    fn prefix(self) -> &'static str {
        match self {
            Shape::Service => "svc",
            Shape::Source => "src",
            Shape::Endpoint => "ep",
            Shape::Pod => "pod",
            Shape::Name => "dns",
        }
    }

    /// The brackets of the Mermaid node shape.
    fn mermaid(self) -> (&'static str, &'static str) {
        match self {
            Shape::Service => ("([", "])"),
            Shape::Source => ("[", "]"),
            Shape::Endpoint => ("(", ")"),
            Shape::Pod => ("[[", "]]"),
            Shape::Name => ("[/", "/]"),
        }
    }

    /// The DOT shape and the styles it always has.
    fn dot(self) -> (&'static str, &'static [&'static str]) {
        match self {
            Shape::Service => ("box", &["rounded", "bold"]),
            Shape::Source => ("box", &[]),
            Shape::Endpoint => ("ellipse", &[]),
            Shape::Pod => ("box3d", &[]),
            Shape::Name => ("note", &[]),
        }
    }
}

/// What a node is marked as, in legend order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    /// An Endpoints object or EndpointSlice that reaches no Service.
    Unlinked,
    /// An endpoint whose `conditions.ready` is false.
    NotReady,
    /// A ready endpoint that is terminating (still answered: CoreDNS reads only `ready`).
    Terminating,
    /// A name that answers no record.
    NoAnswer,
}

impl Mark {
    fn class(self) -> &'static str {
        match self {
            Mark::Unlinked => "unlinked",
            Mark::NotReady => "notready",
            Mark::Terminating => "terminating",
            Mark::NoAnswer => "noanswer",
        }
    }

    fn legend(self) -> &'static str {
        match self {
            Mark::Unlinked => "dashed red: linked to no Service, never reaches DNS",
            Mark::NotReady => "dashed grey: endpoint not ready, left out of DNS",
            Mark::Terminating => "orange: endpoint terminating, still answered while ready",
            Mark::NoAnswer => "red: name answers no record",
        }
    }

    fn mermaid_style(self) -> &'static str {
        match self {
            Mark::Unlinked => "stroke:#d00,stroke-width:2px,stroke-dasharray:5 5,color:#d00",
            Mark::NotReady => "stroke:#888,stroke-dasharray:5 5,color:#888",
            Mark::Terminating => "stroke:#e80,stroke-width:2px",
            Mark::NoAnswer => "stroke:#d00,stroke-width:2px,color:#d00",
        }
    }

    /// DOT attributes, adding to the shape's own styles.
    fn dot_style(self, shape: Option<Shape>) -> String {
        let mut styles: Vec<&str> = shape
            .map(|shape| shape.dot().1.to_vec())
            .unwrap_or_default();
        let (style, colour) = match self {
            Mark::Unlinked => (Some("dashed"), "red"),
            Mark::NotReady => (Some("dashed"), "gray50"),
            Mark::Terminating => (None, "orange"),
            Mark::NoAnswer => (None, "red"),
        };
        styles.extend(style);
        let mut text = format!("color=\"{colour}\", fontcolor=\"{colour}\"");
        if !styles.is_empty() {
            let _ = write!(text, ", style=\"{}\"", styles.join(","));
        }
        text
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Edge {
    from: usize,
    to: usize,
    label: String,
    style: EdgeStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EdgeStyle {
    Solid,
    /// Not a link: what would link the objects with one change (dashed).
    NearMiss,
}

fn dot_attributes(node: &Node) -> String {
    let (shape, styles) = node.shape.dot();
    let mut text = format!("shape={shape}, label=\"{}\"", dot_text(&node.lines));
    match node.mark {
        Some(mark) => {
            let _ = write!(text, ", {}", mark.dot_style(Some(node.shape)));
        }
        None if !styles.is_empty() => {
            let _ = write!(text, ", style=\"{}\"", styles.join(","));
        }
        None => {}
    }
    text
}

/// Label lines as the inside of a quoted Mermaid string: `#`, `"`, `<` and `>` as entity
/// codes (so no text can end the string or open an HTML tag), lines joined by `<br/>`.
fn mermaid_text<S: AsRef<str>>(lines: &[S]) -> String {
    let escaped: Vec<String> = lines
        .iter()
        .map(|line| {
            let mut out = String::with_capacity(line.as_ref().len());
            for c in line.as_ref().chars() {
                match c {
                    '#' => out.push_str("#35;"),
                    '"' => out.push_str("#quot;"),
                    '<' => out.push_str("#lt;"),
                    '>' => out.push_str("#gt;"),
                    '\n' | '\r' => out.push(' '),
                    other => out.push(other),
                }
            }
            out
        })
        .collect();
    escaped.join("<br/>")
}

/// Label lines as the inside of a quoted DOT string: `\` and `"` escaped, lines joined by
/// `\n`.
fn dot_text<S: AsRef<str>>(lines: &[S]) -> String {
    let escaped: Vec<String> = lines
        .iter()
        .map(|line| {
            let mut out = String::with_capacity(line.as_ref().len());
            for c in line.as_ref().chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '"' => out.push_str("\\\""),
                    '\n' | '\r' => out.push(' '),
                    other => out.push(other),
                }
            }
            out
        })
        .collect();
    escaped.join("\\n")
}

// ------------------------------------------------------------------------------------------
// Building
// ------------------------------------------------------------------------------------------

struct Builder<'d> {
    dns: &'d ClusterDns,
    cluster: &'d Cluster,
    namespace: Option<&'d str>,
    zone: Name,
    endpoint_pod_names: bool,
    /// What the cluster noticed, by object.
    diagnostics: HashMap<ObjectRef, Vec<&'d DiagnosticKind>>,
    pods: HashMap<(&'d str, &'d str), &'d Pod>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// Nodes made once and shared: Services, Endpoints objects and Pods by their reference,
    /// names by their text.
    objects: HashMap<ObjectRef, usize>,
    names: HashMap<String, usize>,
}

impl<'d> Builder<'d> {
    fn new(dns: &'d ClusterDns, namespace: Option<&'d str>) -> Self {
        let cluster = dns.cluster();
        let kubernetes = dns.config().kubernetes();
        let zone = kubernetes
            .and_then(|kubernetes| kubernetes.zones.iter().find(|zone| !is_reverse_zone(zone)))
            .cloned()
            .unwrap_or_else(|| Name::from_ascii("cluster.local.").unwrap_or_else(|_| Name::root()));
        let mut diagnostics: HashMap<ObjectRef, Vec<&DiagnosticKind>> = HashMap::new();
        for diagnostic in cluster.diagnostics() {
            diagnostics
                .entry(diagnostic.object.clone())
                .or_default()
                .push(&diagnostic.kind);
        }
        let pods = cluster
            .pods()
            .map(|pod| ((pod.meta.namespace.as_str(), pod.meta.name.as_str()), pod))
            .collect();
        Builder {
            dns,
            cluster,
            namespace,
            zone,
            endpoint_pod_names: kubernetes.is_some_and(|kubernetes| kubernetes.endpoint_pod_names),
            diagnostics,
            pods,
            nodes: Vec::new(),
            edges: Vec::new(),
            objects: HashMap::new(),
            names: HashMap::new(),
        }
    }

    fn in_scope(&self, namespace: &str) -> bool {
        self.namespace.is_none_or(|wanted| wanted == namespace)
    }

    fn build(&mut self) {
        let cluster = self.cluster;
        let mut drawn_slices: BTreeSet<(String, String)> = BTreeSet::new();
        for service in cluster.services() {
            if self.in_scope(&service.service().meta.namespace) {
                self.service(service, &mut drawn_slices);
            }
        }
        for endpoints in cluster.endpoints() {
            if self.in_scope(&endpoints.meta.namespace) {
                self.endpoints_object(endpoints);
            }
        }
        for slice in cluster.endpoint_slices() {
            let meta = &slice.slice().meta;
            let drawn = drawn_slices.contains(&(meta.namespace.clone(), meta.name.clone()));
            if !drawn && self.in_scope(&meta.namespace) {
                self.unlinked_slice(slice);
            }
        }
    }

    fn node(
        &mut self,
        shape: Shape,
        namespace: &str,
        lines: Vec<String>,
        mark: Option<Mark>,
    ) -> usize {
        let index = self.nodes.len();
        self.nodes.push(Node {
            id: format!("{}{index}", shape.prefix()),
            namespace: namespace.to_owned(),
            shape,
            lines,
            mark,
        });
        index
    }

    fn edge(&mut self, from: usize, to: usize, label: &str, style: EdgeStyle) {
        self.edges.push(Edge {
            from,
            to,
            label: label.to_owned(),
            style,
        });
    }

    /// The node of a Service, made the first time it is asked for.
    fn service_node(&mut self, service: &ClusterService) -> usize {
        let object = service.service();
        let meta = &object.meta;
        let key = ObjectRef::namespaced(Kind::Service, &meta.namespace, &meta.name);
        if let Some(&index) = self.objects.get(&key) {
            return index;
        }
        let mut lines = vec![format!("Service {}/{}", meta.namespace, meta.name)];
        let ips = join(service.cluster_ips());
        lines.push(match &object.service_type {
            ServiceType::ExternalName(target) => format!("ExternalName {target}"),
            _ if object.is_headless() => "headless (clusterIP: None)".to_owned(),
            other => format!("{} {ips}", other.as_str()),
        });
        lines.push(match &object.selector {
            Some(selector) => {
                let pairs: Vec<String> = selector
                    .labels()
                    .iter()
                    .map(|(key, value)| format!("{key}={value}"))
                    .collect();
                format!("selector {}", pairs.join(","))
            }
            None => "no selector".to_owned(),
        });
        if !object.ports.is_empty() {
            let ports: Vec<String> = object
                .ports
                .iter()
                .map(|port| port_text(port.name.as_deref(), Some(port.port), port.protocol))
                .collect();
            lines.push(format!("ports {}", ports.join(", ")));
        }
        let index = self.node(Shape::Service, &meta.namespace, lines, None);
        self.objects.insert(key, index);
        index
    }

    fn service(&mut self, service: &ClusterService, drawn_slices: &mut BTreeSet<(String, String)>) {
        let object = service.service();
        let meta = &object.meta;
        let node = self.service_node(service);
        let Some(base) = service_name(meta, &self.zone) else {
            return;
        };
        // The Service's own name.
        let mut answer = self.addresses(&base);
        if answer.outcome == Outcome::NxDomain
            && object.is_headless()
            && !service.has_ready_endpoints()
            && let Some(outcome) = answer.lines.get_mut(1)
        {
            *outcome = "NXDOMAIN: headless, no ready endpoint".to_owned();
        }
        let name = self.name_node(&meta.namespace, &base, answer);
        let label = if object.service_type.is_external_name() {
            "CNAME"
        } else {
            "name"
        };
        self.edge(node, name, label, EdgeStyle::Solid);
        if object.service_type.is_external_name() {
            return;
        }
        // The SRV names of named ports: the Service's, and for a headless Service its slices'
        // (CoreDNS answers a headless SRV from the slices' ports).
        let mut ports: BTreeSet<(String, Protocol)> = object
            .ports
            .iter()
            .filter_map(|port| Some((port.name.clone()?.to_ascii_lowercase(), port.protocol)))
            .collect();
        if object.is_headless() {
            for slice in service.slices() {
                ports.extend(slice.slice().ports.iter().filter_map(|port| {
                    Some((port.name.clone()?.to_ascii_lowercase(), port.protocol))
                }));
            }
        }
        for (port, protocol) in ports {
            if let Some(srv) = port_name(&base, &port, protocol.as_str()) {
                let answer = self.lookup(&srv, &[RecordType::SRV]);
                let name = self.name_node(&meta.namespace, &srv, answer);
                self.edge(node, name, "SRV", EdgeStyle::Solid);
            }
        }
        // The slices, their endpoints and Pods, and a headless Service's endpoint names.
        let loaded = service
            .slices()
            .any(|slice| *slice.origin() == SliceOrigin::Loaded);
        for slice in service.slices() {
            let slice_meta = &slice.slice().meta;
            drawn_slices.insert((slice_meta.namespace.clone(), slice_meta.name.clone()));
            if loaded
                && *slice.origin() == SliceOrigin::FromPods
                && slice.slice().endpoints.is_empty()
            {
                // The controller's empty slice beside the input's own: nothing to show.
                continue;
            }
            let slice_node = self.slice_node(slice, None);
            let label = match slice.origin() {
                SliceOrigin::Loaded => "kubernetes.io/service-name",
                SliceOrigin::MirroredFrom(_) => "mirrored slice",
                SliceOrigin::FromPods => "slice from Pods",
            };
            self.edge(node, slice_node, label, EdgeStyle::Solid);
            if let SliceOrigin::MirroredFrom(endpoints) = slice.origin() {
                let link = EndpointsLink::Mirrored;
                let from = self.endpoints_node(&slice_meta.namespace, endpoints, link);
                self.edge(from, slice_node, "mirrored", EdgeStyle::Solid);
            }
            for endpoint in &slice.slice().endpoints {
                let endpoint_node = self.endpoint_node(&slice_meta.namespace, endpoint);
                self.edge(slice_node, endpoint_node, "endpoint", EdgeStyle::Solid);
                let target = endpoint.target_ref.as_ref();
                self.target(&slice_meta.namespace, endpoint_node, target);
                if object.is_headless() && endpoint.is_ready() {
                    for &address in &endpoint.addresses {
                        let label = EndpointName::of(endpoint, address, self.endpoint_pod_names);
                        let Some(name) = label.under(&base, None) else {
                            continue;
                        };
                        let qtype = match address {
                            IpAddr::V4(_) => RecordType::A,
                            IpAddr::V6(_) => RecordType::AAAA,
                        };
                        let answer = self.lookup(&name, &[qtype]);
                        let name = self.name_node(&meta.namespace, &name, answer);
                        self.edge(endpoint_node, name, "name", EdgeStyle::Solid);
                    }
                }
            }
        }
    }

    /// A loaded Endpoints object: drawn when it is mirrored (its slices already drew it), when
    /// it is linked to no Service, or when its selectorless Service's mirrored slices came with
    /// the input. The controller's own Endpoints beside a selector Service (a dump) are left
    /// out: DNS never reads them.
    fn endpoints_object(&mut self, endpoints: &Endpoints) {
        let meta = &endpoints.meta;
        let key = ObjectRef::namespaced(Kind::Endpoints, &meta.namespace, &meta.name);
        if self.objects.contains_key(&key) {
            return;
        }
        let refusal = self
            .diagnostics
            .get(&key)
            .into_iter()
            .flatten()
            .find_map(|kind| unlinked_endpoints_reason(&meta.name, kind));
        let service = self.cluster.service(&meta.namespace, &meta.name);
        match refusal {
            Some((reason, near)) => {
                let link = EndpointsLink::Unlinked(reason);
                let node = self.endpoints_node(&meta.namespace, &meta.name, link);
                for subset in &endpoints.subsets {
                    let addresses = subset.addresses.iter().map(|address| (address, true));
                    let not_ready = subset.not_ready_addresses.iter().map(|a| (a, false));
                    for (address, ready) in addresses.chain(not_ready) {
                        let mut lines = vec![address.ip.to_string()];
                        lines.push(if ready { "ready" } else { "not ready" }.to_owned());
                        if let Some(hostname) = &address.hostname {
                            lines.push(format!("hostname {hostname}"));
                        }
                        let mark = (!ready).then_some(Mark::NotReady);
                        let address_node = self.node(Shape::Endpoint, &meta.namespace, lines, mark);
                        self.edge(node, address_node, "address", EdgeStyle::Solid);
                        let target = address.target_ref.as_ref();
                        self.target(&meta.namespace, address_node, target);
                    }
                }
                let near = near.and_then(|name| self.cluster.service(&meta.namespace, &name));
                if let Some(service) = near {
                    let label = if service.service().meta.name == meta.name {
                        "same name, not mirrored".to_owned()
                    } else {
                        format!("rename to {} to link", service.service().meta.name)
                    };
                    let service_node = self.service_node(service);
                    self.edge(node, service_node, &label, EdgeStyle::NearMiss);
                }
            }
            None => {
                if let Some(service) = service.filter(|s| s.service().selector.is_none()) {
                    let link = EndpointsLink::MirroredInInput;
                    let node = self.endpoints_node(&meta.namespace, &meta.name, link);
                    let service_node = self.service_node(service);
                    self.edge(node, service_node, "same name", EdgeStyle::Solid);
                }
            }
        }
    }

    /// The node of an Endpoints object, made the first time it is asked for; `unlinked` gives
    /// the reason it reaches no Service.
    fn endpoints_node(&mut self, namespace: &str, name: &str, link: EndpointsLink) -> usize {
        let key = ObjectRef::namespaced(Kind::Endpoints, namespace, name);
        if let Some(&index) = self.objects.get(&key) {
            return index;
        }
        let mut lines = vec![format!("Endpoints {namespace}/{name}")];
        let mark = match link {
            EndpointsLink::Unlinked(reason) => {
                lines.push(format!("linked to no Service: {reason}"));
                Some(Mark::Unlinked)
            }
            EndpointsLink::Mirrored => {
                lines.push("same name as its Service: mirrored".to_owned());
                None
            }
            EndpointsLink::MirroredInInput => {
                lines.push("same name as its Service: mirrored slice in the input".to_owned());
                None
            }
        };
        let index = self.node(Shape::Source, namespace, lines, mark);
        self.objects.insert(key, index);
        index
    }

    fn slice_node(&mut self, slice: &ClusterSlice, unlinked: Option<String>) -> usize {
        let object = slice.slice();
        let meta = &object.meta;
        let mut lines = vec![format!("EndpointSlice {}/{}", meta.namespace, meta.name)];
        match slice.origin() {
            SliceOrigin::MirroredFrom(endpoints) => {
                lines.push(format!("mirrored from Endpoints {endpoints}"));
            }
            SliceOrigin::FromPods => lines.push("made from Pods by the controller".to_owned()),
            _ => {}
        }
        let mut mark = None;
        if object.address_type == AddressType::Fqdn {
            lines.push("addressType FQDN: never served".to_owned());
            mark = Some(Mark::Unlinked);
        }
        if !object.ports.is_empty() {
            lines.push(format!("ports {}", endpoint_ports(&object.ports)));
        }
        if object.endpoints.is_empty() {
            lines.push("no endpoints".to_owned());
        }
        if let Some(reason) = unlinked {
            lines.push(format!("linked to no Service: {reason}"));
            mark = Some(Mark::Unlinked);
        }
        self.node(Shape::Source, &meta.namespace, lines, mark)
    }

    fn unlinked_slice(&mut self, slice: &ClusterSlice) {
        let object = slice.slice();
        let meta = &object.meta;
        if object.service_name().is_none()
            && let Some(import) = object.multicluster_service_name()
            && self
                .cluster
                .service_import(&meta.namespace, import)
                .is_some()
        {
            // A ServiceImport's slice: answered in multicluster zones, not drawn here.
            return;
        }
        let reason = match object.service_name() {
            None => "no kubernetes.io/service-name label".to_owned(),
            Some(service) => format!("kubernetes.io/service-name={service}, no such Service"),
        };
        let node = self.slice_node(slice, Some(reason));
        for endpoint in &object.endpoints {
            let endpoint_node = self.endpoint_node(&meta.namespace, endpoint);
            self.edge(node, endpoint_node, "endpoint", EdgeStyle::Solid);
            self.target(&meta.namespace, endpoint_node, endpoint.target_ref.as_ref());
        }
    }

    /// An endpoint of a slice, and the Pod its `targetRef` names.
    fn endpoint_node(&mut self, namespace: &str, endpoint: &Endpoint) -> usize {
        let addresses: Vec<String> = endpoint
            .addresses
            .iter()
            .map(ToString::to_string)
            .chain(endpoint.fqdn_addresses.iter().cloned())
            .collect();
        let terminating = endpoint.conditions.terminating == Some(true);
        let state = match (endpoint.is_ready(), terminating) {
            (true, false) => "ready",
            (true, true) => "ready, terminating",
            (false, false) => "not ready",
            (false, true) => "not ready, terminating",
        };
        let mut lines = vec![addresses.join(", "), state.to_owned()];
        if let Some(hostname) = &endpoint.hostname {
            lines.push(format!("hostname {hostname}"));
        }
        let mark = if !endpoint.is_ready() {
            Some(Mark::NotReady)
        } else if terminating {
            Some(Mark::Terminating)
        } else {
            None
        };
        self.node(Shape::Endpoint, namespace, lines, mark)
    }

    /// The edge from an endpoint to the Pod its `targetRef` names.
    fn target(&mut self, namespace: &str, endpoint_node: usize, target: Option<&TargetRef>) {
        if let Some(target) = target {
            let pod = self.pod_node(namespace, target);
            self.edge(endpoint_node, pod, "targetRef", EdgeStyle::Solid);
        }
    }

    /// The node of the object a `targetRef` names (a Pod, usually), made once.
    fn pod_node(&mut self, namespace: &str, target: &TargetRef) -> usize {
        let namespace = target.namespace.as_deref().unwrap_or(namespace);
        let kind = target.kind.as_deref().unwrap_or("Pod");
        // Keyed as a Pod; another kind with its kind before the name, which no Pod name can
        // hold (a space), so the two never share a node.
        let key = if kind == "Pod" {
            ObjectRef::namespaced(Kind::Pod, namespace, &target.name)
        } else {
            ObjectRef::namespaced(Kind::Pod, namespace, &format!("{kind} {}", target.name))
        };
        if let Some(&index) = self.objects.get(&key) {
            return index;
        }
        let mut lines = vec![format!("{kind} {namespace}/{}", target.name)];
        match self
            .pods
            .get(&(namespace, target.name.as_str()))
            .filter(|_| kind == "Pod")
        {
            Some(pod) => {
                if !pod.pod_ips.is_empty() {
                    lines.push(join(&pod.pod_ips));
                }
                let mut state = match pod.ready {
                    Some(false) => "not ready".to_owned(),
                    _ if pod.pod_ips.is_empty() => "no address".to_owned(),
                    _ => "ready".to_owned(),
                };
                if pod.terminating {
                    state.push_str(", terminating");
                }
                lines.push(state);
            }
            None if kind == "Pod" => lines.push("not in the manifests".to_owned()),
            None => {}
        }
        let index = self.node(Shape::Pod, namespace, lines, None);
        self.objects.insert(key, index);
        index
    }

    /// The node of a DNS name, made once per name.
    fn name_node(&mut self, namespace: &str, name: &Name, answer: NameAnswer) -> usize {
        let key = name.to_lowercase().to_string();
        if let Some(&index) = self.names.get(&key) {
            return index;
        }
        let mark = (answer.outcome != Outcome::Success).then_some(Mark::NoAnswer);
        let index = self.node(Shape::Name, namespace, answer.lines, mark);
        self.names.insert(key, index);
        index
    }

    /// What `name` answers for A and AAAA.
    fn addresses(&self, name: &Name) -> NameAnswer {
        self.lookup(name, &[RecordType::A, RecordType::AAAA])
    }

    /// What `name` answers for each of `types`: its own records (a CNAME once), or the outcome
    /// of the first question when none has a record.
    fn lookup(&self, name: &Name, types: &[RecordType]) -> NameAnswer {
        let mut lines = vec![name.to_string()];
        let mut first: Option<Outcome> = None;
        let mut records: Vec<String> = Vec::new();
        for &qtype in types {
            let answer: Answer = self.dns.answer(name, qtype);
            first.get_or_insert(answer.outcome);
            for record in answer.answers.iter().filter(|record| record.name == *name) {
                let text = format!("{} {}", record.record_type(), record.data);
                if !records.contains(&text) {
                    records.push(text);
                }
            }
        }
        let outcome = if records.is_empty() {
            match first {
                Some(Outcome::Success) | None => Outcome::NoData,
                Some(other) => other,
            }
        } else {
            Outcome::Success
        };
        if records.is_empty() {
            lines.push(outcome_text(&outcome));
        } else {
            lines.extend(records);
        }
        NameAnswer { outcome, lines }
    }
}

/// How an Endpoints object is linked, for its label.
enum EndpointsLink {
    /// Mirrored into the slices drawn beside it.
    Mirrored,
    /// Linked by name to its selectorless Service, whose mirrored slices came with the input.
    MirroredInInput,
    /// Linked to no Service, for this reason.
    Unlinked(String),
}

/// A name's label lines (the name, then its records or outcome) and whether it answered.
struct NameAnswer {
    outcome: Outcome,
    lines: Vec<String>,
}

fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Success | Outcome::NoData => "NODATA: no record of this type".to_owned(),
        Outcome::NxDomain => "NXDOMAIN".to_owned(),
        Outcome::Refused => "REFUSED".to_owned(),
        Outcome::ServFail => "SERVFAIL".to_owned(),
        Outcome::NoReply => "no reply".to_owned(),
        Outcome::Other(code) => code.to_string(),
    }
}

/// Why the Endpoints object `name` reaches no Service, short, and the Service a change would
/// link it to (for the dashed "near miss" edge).
fn unlinked_endpoints_reason(
    name: &str,
    kind: &DiagnosticKind,
) -> Option<(String, Option<String>)> {
    match kind {
        DiagnosticKind::EndpointsWithoutService { name, suggestion } => {
            Some((format!("no Service named {name}"), suggestion.clone()))
        }
        DiagnosticKind::EndpointsBesideSelector { service } => Some((
            "its Service has a selector, so it is not mirrored".to_owned(),
            Some(service.clone()),
        )),
        DiagnosticKind::EndpointsSkipMirror => Some((
            "skip-mirror label, so it is not mirrored".to_owned(),
            Some(name.to_owned()),
        )),
        DiagnosticKind::EndpointsLeaderElection => Some((
            "leader-election lock, never mirrored".to_owned(),
            Some(name.to_owned()),
        )),
        _ => None,
    }
}

fn port_text(name: Option<&str>, port: Option<u16>, protocol: Protocol) -> String {
    let number = port.map_or_else(|| "all".to_owned(), |port| port.to_string());
    match name {
        Some(name) => format!("{name} {number}/{}", protocol.as_str()),
        None => format!("{number}/{}", protocol.as_str()),
    }
}

fn endpoint_ports(ports: &[EndpointPort]) -> String {
    let ports: Vec<String> = ports
        .iter()
        .map(|port| port_text(port.name.as_deref(), port.port, port.protocol))
        .collect();
    ports.join(", ")
}

fn join(addresses: &[IpAddr]) -> String {
    let texts: Vec<String> = addresses.iter().map(ToString::to_string).collect();
    texts.join(", ")
}
