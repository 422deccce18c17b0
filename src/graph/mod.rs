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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::str::FromStr;

use crate::server::ClusterDns;

mod build;

use build::Builder;

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
