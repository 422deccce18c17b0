//! The picture of the linking (issue 12 §3): `graph::Graph` rendered as Mermaid and DOT.
//!
//! Snapshots pin the whole rendering of the teaching fixtures; the table rows say which rule
//! each fixture shows and check the lines that show it, so a snapshot accepted by mistake
//! still fails here. The structural checks parse every line of both renderings of every
//! fixture: a node referenced but not declared, a repeated id or a label that ends its quotes
//! early fails them. To accept a deliberate change of the snapshots, run
//! `INSTA_UPDATE=always cargo test --test graph` and review the diff of the `.snap` files.

mod support;

use std::collections::BTreeSet;

use k8s_dns_sim::graph::{Graph, GraphFormat};
use k8s_dns_sim::{Cluster, ClusterDns, Config};
use support::{dns, fixture};

fn graph_of(fixture_name: &str, namespace: Option<&str>) -> Graph {
    Graph::new(&dns(fixture_name, Config::default()), namespace)
}

fn graph_of_yaml(yaml: &str, namespace: Option<&str>) -> Graph {
    let cluster = Cluster::from_yaml(yaml).unwrap_or_else(|errors| panic!("{errors}"));
    Graph::new(&ClusterDns::new(cluster, Config::default()), namespace)
}

// ---------------------------------------------------------------------------------------------
// The teaching fixtures

struct Row {
    fixture: &'static str,
    /// The rule the picture shows.
    rule: &'static str,
    /// Lines (trimmed) the Mermaid rendering must hold.
    mermaid: &'static [&'static str],
    /// Texts it must not hold anywhere.
    absent: &'static [&'static str],
}

const ROWS: &[Row] = &[
    Row {
        fixture: "seed-mysql.yaml",
        rule: "an Endpoints object belongs to the Service with exactly its name: mysql-ep is linked to nothing, and the headless mysql-svc with no ready endpoint answers NXDOMAIN",
        mermaid: &[
            r#"src3["Endpoints default/mysql-ep<br/>linked to no Service: no Service named mysql-ep"]"#,
            r#"dns1[/"mysql-svc.default.svc.cluster.local.<br/>NXDOMAIN: headless, no ready endpoint"/]"#,
            r#"src3 -.->|"rename to mysql-svc to link"| svc0"#,
            "class src3,legend_unlinked unlinked",
            "class dns1,dns2,legend_noanswer noanswer",
        ],
        absent: &["114.32.146.154.", "EndpointSlice"],
    },
    Row {
        fixture: "seed-mysql-fixed.yaml",
        rule: "the Endpoints named like its selectorless Service is mirrored into an EndpointSlice, and the headless name answers its address",
        mermaid: &[
            r#"dns1[/"mysql-svc.default.svc.cluster.local.<br/>A 114.32.146.154"/]"#,
            r#"src5 -->|"mirrored"| src4"#,
            r#"svc0 -->|"mirrored slice"| src4"#,
            r#"dns7[/"114-32-146-154.mysql-svc.default.svc.cluster.local.<br/>A 114.32.146.154"/]"#,
            // The SRV name comes from the Endpoints' port name, not the Service's.
            r#"dns3[/"_mysql._tcp.mysql-svc.default.svc.cluster.local.<br/>SRV 0 100 3306 114-32-146-154.mysql-svc.default.svc.cluster.local."/]"#,
            r#"dns2[/"_default-ep._tcp.mysql-svc.default.svc.cluster.local.<br/>NXDOMAIN"/]"#,
        ],
        absent: &["unlinked", "linked to no Service"],
    },
    Row {
        fixture: "clusterip-vs-headless.yaml",
        rule: "a ClusterIP Service answers its one virtual IP; a headless one an A record per ready endpoint, the not-ready endpoint left out and marked",
        mermaid: &[
            r#"dns1[/"web.default.svc.cluster.local.<br/>A 10.96.0.20"/]"#,
            r#"dns11[/"web-headless.default.svc.cluster.local.<br/>A 10.244.1.10<br/>A 10.244.2.11"/]"#,
            r#"ep8("10.244.3.12<br/>not ready")"#,
            "class ep8,ep18,legend_notready notready",
            // One Pod node behind the endpoints of both Services.
            r#"ep4 -->|"targetRef"| pod5"#,
            r#"ep14 -->|"targetRef"| pod5"#,
        ],
        absent: &["10-244-1-10.web.default", "10-244-3-12."],
    },
    Row {
        fixture: "hostname-subdomain.yaml",
        rule: "an endpoint with a hostname is named by it under its headless Service (the Pod's hostname and subdomain)",
        mermaid: &[
            r#"ep4("10.244.0.75<br/>ready<br/>hostname busybox-1")"#,
            r#"ep4 -->|"name"| dns6"#,
            r#"dns6[/"busybox-1.busybox-subdomain.default.svc.cluster.local.<br/>A 10.244.0.75"/]"#,
            r#"pod5[["Pod default/busybox1<br/>10.244.0.75<br/>ready"]]"#,
        ],
        absent: &["10-244-0-75.", "legend"],
    },
    Row {
        fixture: "statefulset.yaml",
        rule: "a StatefulSet's Pods are named <pod>.<serviceName> through the controller's slice, and the SRV names target them",
        mermaid: &[
            r#"svc0 -->|"slice from Pods"| src3"#,
            r#"dns6[/"web-0.nginx.default.svc.cluster.local.<br/>A 10.244.0.111"/]"#,
            r#"SRV 0 33 8080 web-0.nginx.default.svc.cluster.local."#,
        ],
        absent: &["not in the manifests"],
    },
    Row {
        fixture: "linking.yaml",
        rule: "skip-mirror, Endpoints beside a selector and a slice without the service-name label each reach no Service; the labelled slice and the dump's mirrored slice do",
        mermaid: &[
            "linked to no Service: skip-mirror label, so it is not mirrored",
            "linked to no Service: its Service has a selector, so it is not mirrored",
            "linked to no Service: no kubernetes.io/service-name label",
            r#"src28 -.->|"same name, not mirrored"| svc20"#,
            r#"src30 -.->|"same name, not mirrored"| svc24"#,
            "same name as its Service: mirrored slice in the input",
        ],
        absent: &[],
    },
];

#[test]
fn teaching_fixtures_render_as_snapshotted_and_show_their_rule() {
    for row in ROWS {
        let graph = graph_of(row.fixture, None);
        let mermaid = graph.to_mermaid();
        let lines: BTreeSet<&str> = mermaid.lines().map(str::trim).collect();
        for expected in row.mermaid {
            assert!(
                lines.contains(expected) || mermaid.contains(expected),
                "{} ({}): missing {expected:?} in\n{mermaid}",
                row.fixture,
                row.rule
            );
        }
        for absent in row.absent {
            assert!(
                !mermaid.contains(absent),
                "{} ({}): {absent:?} should not be in\n{mermaid}",
                row.fixture,
                row.rule
            );
        }
        let name = row.fixture.trim_end_matches(".yaml");
        insta::assert_snapshot!(format!("{name}.mermaid"), mermaid);
        insta::assert_snapshot!(format!("{name}.dot"), graph.to_dot());
    }
}

#[test]
fn marks_are_in_words_in_the_labels_and_in_the_dot_styles() {
    // Rule: a marked object says so in its label (the colour is a help, not the message), and
    // DOT draws unlinked and not-ready nodes dashed.
    let dot = graph_of("seed-mysql.yaml", None).to_dot();
    assert!(
        dot.contains(r#"src3 [shape=box, label="Endpoints default/mysql-ep\nlinked to no Service: no Service named mysql-ep", color="red", fontcolor="red", style="dashed"];"#),
        "{dot}"
    );
    assert!(dot.contains(r#"src3 -> svc0 [label="rename to mysql-svc to link", style=dashed"#));
    let dot = graph_of("clusterip-vs-headless.yaml", None).to_dot();
    assert!(
        dot.contains(r#"ep8 [shape=ellipse, label="10.244.3.12\nnot ready", color="gray50", fontcolor="gray50", style="dashed"];"#),
        "{dot}"
    );
}

#[test]
fn every_kind_of_service_and_endpoint_state_is_drawn() {
    let yaml = r#"apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec: {type: ExternalName, externalName: db.example.com}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {clusterIP: None, ports: [{name: grpc, port: 9000}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: api-1, namespace: shop, labels: {kubernetes.io/service-name: api}}
addressType: IPv4
ports: [{name: grpc, port: 9000}]
endpoints:
  - addresses: [10.1.0.1]
    conditions: {ready: true, terminating: true}
  - addresses: [10.1.0.2]
    conditions: {ready: false, terminating: true}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: stray, namespace: shop, labels: {kubernetes.io/service-name: apl}}
addressType: IPv4
endpoints: [{addresses: [10.1.0.9]}]
"#;
    let mermaid = graph_of_yaml(yaml, Some("shop")).to_mermaid();
    let rows: &[(&str, &str)] = &[
        (
            "an ExternalName Service's name is a CNAME to its target",
            "db.shop.svc.cluster.local.<br/>CNAME db.example.com.",
        ),
        (
            "a ready endpoint that is terminating is still answered, and marked",
            r#"("10.1.0.1<br/>ready, terminating")"#,
        ),
        (
            "a not-ready terminating endpoint is marked not ready",
            r#"("10.1.0.2<br/>not ready, terminating")"#,
        ),
        (
            "the terminating endpoint still has its name",
            r#"10-1-0-1.api.shop.svc.cluster.local.<br/>A 10.1.0.1"#,
        ),
        (
            "a slice naming a Service that does not exist is linked to nothing",
            "linked to no Service: kubernetes.io/service-name=apl, no such Service",
        ),
        (
            "the legend names the terminating mark",
            "legend_terminating",
        ),
    ];
    for (rule, text) in rows {
        assert!(mermaid.contains(text), "{rule}: {text:?} in\n{mermaid}");
    }
    assert!(
        !mermaid.contains("10-1-0-2."),
        "a not-ready endpoint has no name\n{mermaid}"
    );
    let ep = mermaid
        .lines()
        .find(|line| line.contains("ready, terminating\")") && !line.contains("not ready"))
        .expect("the terminating endpoint");
    let id = ep.trim().split('(').next().unwrap();
    assert!(
        mermaid.contains(&format!("class {id},legend_terminating terminating")),
        "{mermaid}"
    );
}

// ---------------------------------------------------------------------------------------------
// Scope, zone, format

#[test]
fn a_namespace_is_drawn_alone_and_every_namespace_without_one() {
    let yaml = "apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: blog}
spec: {clusterIP: 10.96.0.21, ports: [{port: 80}]}
";
    let shop = graph_of_yaml(yaml, Some("Shop")).to_mermaid();
    assert!(shop.contains("web.shop.svc.cluster.local."), "{shop}");
    assert!(!shop.contains("blog"), "{shop}");
    let all = graph_of_yaml(yaml, None).to_mermaid();
    assert!(all.contains(r#"subgraph ns0 ["namespace blog"]"#), "{all}");
    assert!(all.contains(r#"subgraph ns1 ["namespace shop"]"#), "{all}");
    let none = graph_of_yaml(yaml, Some("nowhere"));
    assert!(none.is_empty());
    assert_eq!(
        none.to_mermaid(),
        "flowchart LR\n  empty[\"no Service, Endpoints or EndpointSlice in namespace nowhere\"]\n"
    );
}

#[test]
fn names_are_built_in_the_configured_zone() {
    let cluster = Cluster::from_yaml(&fixture("clusterip-vs-headless.yaml")).unwrap();
    let config = Config::from_corefile(".:53 {\n    kubernetes Example.ORG\n}\n").unwrap();
    let mermaid = Graph::new(&ClusterDns::new(cluster, config), None).to_mermaid();
    assert!(
        mermaid.contains("web.default.svc.example.org.<br/>A 10.96.0.20"),
        "{mermaid}"
    );
    assert!(!mermaid.contains("cluster.local"), "{mermaid}");
}

#[test]
fn formats_parse_as_dig_names_them_and_render_the_same_graph() {
    let graph = graph_of("seed-mysql.yaml", None);
    assert_eq!(graph.render("MERMAID".parse().unwrap()), graph.to_mermaid());
    assert_eq!(graph.render("dot".parse().unwrap()), graph.to_dot());
    assert_eq!(GraphFormat::default(), GraphFormat::Mermaid);
    assert!("png".parse::<GraphFormat>().is_err());
}

// ---------------------------------------------------------------------------------------------
// Structure: every line of both renderings parses; ids are unique and declared

#[test]
fn every_fixture_renders_valid_mermaid_and_dot() {
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(format!("{}/fixtures", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(cluster) = Cluster::from_yaml(&text) else {
            continue; // fixtures of load errors
        };
        let graph = Graph::new(&ClusterDns::new(cluster, Config::default()), None);
        let name = path.display();
        check_mermaid(&graph.to_mermaid()).unwrap_or_else(|e| panic!("{name}: mermaid: {e}"));
        check_dot(&graph.to_dot()).unwrap_or_else(|e| panic!("{name}: dot: {e}"));
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} fixtures checked");
}

#[test]
fn names_with_quotes_dots_and_markup_are_escaped() {
    // A targetRef is not validated as a name: it may hold anything, and must not break out
    // of its label. A Pod name with a dot is a valid label text too.
    let yaml = r##"apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: None}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
endpoints:
  - addresses: [10.0.0.1]
    targetRef: {kind: Pod, name: 'we"ird#<b>\x|end'}
  - addresses: [10.0.0.2]
    targetRef: {kind: Pod, name: web.v1}
"##;
    let graph = graph_of_yaml(yaml, None);
    let mermaid = graph.to_mermaid();
    check_mermaid(&mermaid).unwrap_or_else(|e| panic!("{e}\n{mermaid}"));
    assert!(
        mermaid.contains("Pod default/we#quot;ird#35;#lt;b#gt;\\x|end"),
        "{mermaid}"
    );
    assert!(mermaid.contains("Pod default/web.v1"), "{mermaid}");
    let dot = graph.to_dot();
    check_dot(&dot).unwrap_or_else(|e| panic!("{e}\n{dot}"));
    assert!(dot.contains(r#"Pod default/we\"ird#<b>\\x|end"#), "{dot}");
}

#[test]
fn the_structure_checks_catch_what_they_claim_to() {
    // The checks above are only worth something if they fail on a broken rendering.
    let broken_mermaid: &[(&str, &str)] = &[
        ("flowchart LR\n  a -->|\"x\"| b\n", "undeclared"),
        (
            "flowchart LR\n  subgraph ns0 [\"x\"]\n    a[\"1\"]\n    a[\"2\"]\n  end\n",
            "twice",
        ),
        (
            "flowchart LR\n  subgraph ns0 [\"x\"]\n    a[\"say \"hi\"\"]\n  end\n",
            "quote",
        ),
        (
            "flowchart LR\n  subgraph ns0 [\"x\"]\n    a[\"1\"]\n  end\n  class a,b c\n",
            "undeclared",
        ),
    ];
    for (text, why) in broken_mermaid {
        let error = check_mermaid(text).expect_err(text);
        assert!(error.contains(why), "{text}: {error}");
    }
    let broken_dot: &[(&str, &str)] = &[
        (
            "digraph linking {\n  a -> b [label=\"x\"];\n}\n",
            "undeclared",
        ),
        ("digraph linking {\n  a [label=\"x\\\"];\n}\n", "quote"),
        (
            "digraph linking {\n  a [label=\"x\"];\n  a [label=\"y\"];\n}\n",
            "twice",
        ),
    ];
    for (text, why) in broken_dot {
        let error = check_dot(text).expect_err(text);
        assert!(error.contains(why), "{text}: {error}");
    }
}

#[test]
fn graphviz_draws_the_dot_output_where_it_is_installed() {
    let present = std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|output| output.status.success());
    if !present {
        eprintln!("skipped: no `dot` (Graphviz) on this machine");
        return;
    }
    for row in ROWS {
        let dot = graph_of(row.fixture, None).to_dot();
        let mut child = std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(dot.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success() && output.stdout.starts_with(b"<?xml"),
            "{}: dot -Tsvg failed: {}",
            row.fixture,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The README

#[test]
fn the_readme_pictures_are_what_the_library_renders() {
    let readme =
        std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let start = readme
        .find("\n## A picture of the linking\n")
        .expect("the README section \"A picture of the linking\"");
    let section = &readme[start + 1..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    let blocks: Vec<&str> = section
        .split("```mermaid\n")
        .skip(1)
        .map(|block| &block[..block.find("```").expect("a closed block")])
        .collect();
    assert_eq!(blocks.len(), 2, "two diagrams, before and after the fix");
    for (block, fixture) in blocks
        .iter()
        .zip(["seed-mysql.yaml", "seed-mysql-fixed.yaml"])
    {
        let rendered = graph_of(fixture, None).to_mermaid();
        assert_eq!(
            *block, rendered,
            "README.md's diagram of {fixture} is stale: paste the output of `cargo run --example dig -- -f fixtures/{fixture} --graph`"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// Checks a Mermaid rendering line by line: each is a header, a subgraph, a node, an edge, a
/// class definition or assignment, or `end`; ids are declared once before the edges and
/// classes that name them, and no label holds a raw quote.
fn check_mermaid(text: &str) -> Result<(), String> {
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let mut referenced: Vec<String> = Vec::new();
    let mut lines = text.lines();
    if lines.next() != Some("flowchart LR") {
        return Err("does not start with `flowchart LR`".into());
    }
    let shapes = [
        ("([\"", "\"])"),
        ("[[\"", "\"]]"),
        ("[/\"", "\"/]"),
        ("[\"", "\"]"),
        ("(\"", "\")"),
    ];
    let mut depth = 0;
    for line in lines {
        let line = line.trim();
        if line == "end" {
            depth -= 1;
            continue;
        }
        if let Some(rest) = line.strip_prefix("subgraph ") {
            let (id, title) = rest.split_once(' ').ok_or("subgraph without title")?;
            quoted(
                title
                    .strip_prefix('[')
                    .and_then(|t| t.strip_suffix(']'))
                    .ok_or("title")?,
            )?;
            declare(&mut declared, id)?;
            depth += 1;
            continue;
        }
        if line.starts_with("classDef ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("class ") {
            let (ids, _) = rest.split_once(' ').ok_or("class without name")?;
            referenced.extend(ids.split(',').map(str::to_owned));
            continue;
        }
        if let Some((from, rest)) = line
            .split_once(" -->|")
            .or_else(|| line.split_once(" -.->|"))
        {
            let (label, to) = rest.rsplit_once("| ").ok_or("edge without target")?;
            quoted(label)?;
            referenced.push(from.to_owned());
            referenced.push(to.to_owned());
            continue;
        }
        let id_end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .ok_or_else(|| format!("unrecognised line {line:?}"))?;
        let (id, rest) = line.split_at(id_end);
        let (open, close) = shapes
            .iter()
            .find(|(open, close)| rest.starts_with(open) && rest.ends_with(close))
            .ok_or_else(|| format!("unrecognised line {line:?}"))?;
        let label = &rest[open.len() - 1..rest.len() - close.len() + 1];
        quoted(label)?;
        if depth == 0 && id != "empty" {
            return Err(format!("node {id} outside every subgraph"));
        }
        declare(&mut declared, id)?;
    }
    check_references(&declared, &referenced)
}

/// Checks a DOT rendering line by line, as [`check_mermaid`] does.
fn check_dot(text: &str) -> Result<(), String> {
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let mut referenced: Vec<String> = Vec::new();
    let mut lines = text.lines();
    if lines.next() != Some("digraph linking {") {
        return Err("does not start with `digraph linking {`".into());
    }
    let mut depth = 1;
    for line in lines {
        let line = line.trim();
        match line {
            "}" => {
                depth -= 1;
                continue;
            }
            "rankdir=LR;" => continue,
            _ => {}
        }
        if let Some(rest) = line.strip_prefix("subgraph ") {
            let id = rest.strip_suffix(" {").ok_or("subgraph without `{`")?;
            if !id.starts_with("cluster_") {
                return Err(format!("subgraph {id} is not a cluster"));
            }
            declare(&mut declared, id)?;
            depth += 1;
            continue;
        }
        if let Some(label) = line
            .strip_prefix("label=")
            .and_then(|l| l.strip_suffix(';'))
        {
            quoted(label)?;
            continue;
        }
        let (head, attributes) = line
            .strip_suffix("];")
            .and_then(|l| l.split_once(" ["))
            .ok_or_else(|| format!("unrecognised line {line:?}"))?;
        attribute_list(attributes)?;
        match head.split_once(" -> ") {
            Some((from, to)) => {
                referenced.push(from.to_owned());
                referenced.push(to.to_owned());
            }
            None if ["graph", "node", "edge"].contains(&head) => {}
            None => declare(&mut declared, head)?,
        }
    }
    if depth != 0 {
        return Err(format!("braces unbalanced by {depth}"));
    }
    check_references(&declared, &referenced)
}

fn declare(declared: &mut BTreeSet<String>, id: &str) -> Result<(), String> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("id {id:?} is not a plain identifier"));
    }
    if !declared.insert(id.to_owned()) {
        return Err(format!("id {id} declared twice"));
    }
    Ok(())
}

fn check_references(declared: &BTreeSet<String>, referenced: &[String]) -> Result<(), String> {
    match referenced.iter().find(|id| !declared.contains(*id)) {
        Some(id) => Err(format!("{id} is referenced but undeclared")),
        None => Ok(()),
    }
}

/// `"…"` with no raw quote inside (Mermaid has no escape but entity codes).
fn quoted(text: &str) -> Result<(), String> {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(|| format!("{text:?} is not quoted"))?;
    if inner.contains('"') {
        return Err(format!("raw quote inside {text:?}"));
    }
    Ok(())
}

/// `key=value, key="quoted"`: every quoted string closed (backslash escapes honoured).
fn attribute_list(text: &str) -> Result<(), String> {
    let mut in_quotes = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, in_quotes) {
            ('\\', true) => {
                chars.next();
            }
            ('"', _) => in_quotes = !in_quotes,
            ('[' | ']' | ';', false) => {
                return Err(format!("stray {c:?} outside quotes in {text:?}"));
            }
            _ => {}
        }
    }
    if in_quotes {
        return Err(format!("a quote never closed in {text:?}"));
    }
    Ok(())
}
