//! The crate's module graph is a one-way street in pipeline order.
//!
//! Each top-level module of `src/` may name (through `crate::…` or `super::…` paths) only the
//! modules listed before it in [`PIPELINE`], and the submodules of a folder module (for
//! example `answer/srv.rs` and `answer/lookup.rs`) may not form a cycle among themselves. The
//! test reads the source text, so a new upward import or cycle fails here, naming the file and
//! the line, before anyone has to untangle it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The top-level modules, lowest layer first: text and leaves, the model, reading it, the
/// cluster, the plugin's rules, listing, the wire and the server, then what sits on the server.
const PIPELINE: &[&str] = &[
    // Leaves: no crate imports of their own.
    "generated",
    "cidr",
    // Validated objects and the errors about them; the name grammar.
    "model",
    "error",
    "qname",
    "upstream",
    "diagnostic",
    "config",
    // Text to model and to configuration.
    "load",
    "corefile",
    // Controllers and the cluster.
    "workload",
    "controller",
    "cluster",
    // The kubernetes plugin's rules, and what is built from them.
    "answer",
    "zone",
    // Reply bytes as CoreDNS writes them (hickory types in, no crate imports), then the wire.
    "encode",
    "wire",
    // The server blocks and their plugin chains.
    "chain",
    "server",
    // On top of the server.
    "resolver",
    // The why: findings about the manifests, the picture of the linking, the explanation of
    // one answer; then dig and the command-line tool over all of them.
    "lint",
    "graph",
    "explain",
    "dig",
    "serve",
    "strategies",
];

/// A source file and the module it defines (`answer::srv` for `src/answer/srv.rs`).
struct SourceFile {
    path: PathBuf,
    module: Vec<String>,
}

fn source_files(dir: &Path, prefix: &[String], out: &mut Vec<SourceFile>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("reading {}: {error}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("UTF-8 file names")
            .to_owned();
        if path.is_dir() {
            // A folder of unit tests (`load/tests/`) may reach anywhere, as a `tests.rs` may.
            if name == "tests" {
                continue;
            }
            let mut module = prefix.to_vec();
            module.push(name);
            source_files(&path, &module, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let mut module = prefix.to_vec();
            match name.as_str() {
                "lib" | "mod" => {}
                // Unit-test files may reach anywhere in their parent.
                "tests" => continue,
                _ => module.push(name),
            }
            out.push(SourceFile { path, module });
        }
    }
}

/// The code lines of a file: comments dropped, and nothing from a `#[cfg(test)]` item on.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let code = match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        };
        lines.push((index + 1, code.to_owned()));
    }
    lines
}

/// Every path a file names that starts with `crate::` or `super::`, with its line, expanded
/// over `use` groups (`use crate::{a::b, c};` names `crate::a::b` and `crate::c`).
fn named_paths(text: &str) -> Vec<(usize, String)> {
    let lines = code_lines(text);
    let mut joined = String::new();
    let mut line_of: Vec<usize> = Vec::new();
    for (number, line) in &lines {
        joined.push_str(line);
        joined.push('\n');
        line_of.extend(std::iter::repeat_n(*number, line.len() + 1));
    }
    let mut paths = Vec::new();
    for root in ["crate::", "super::"] {
        let mut start = 0;
        while let Some(found) = joined[start..].find(root) {
            let at = start + found;
            start = at + root.len();
            let preceded_by_ident = joined[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
            if preceded_by_ident {
                continue;
            }
            for path in expand(&joined[at..]) {
                paths.push((line_of[at], path));
            }
        }
    }
    paths
}

/// The paths a `crate::…`/`super::…` path text stands for, its `{…}` groups expanded.
fn expand(text: &str) -> Vec<String> {
    let mut prefix = String::new();
    for (index, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            prefix.push(c);
            continue;
        }
        if c == '{' {
            let body = group_body(&text[index + 1..]);
            return split_group(body)
                .into_iter()
                .flat_map(|item| expand(&format!("{prefix}{}", item.trim())))
                .collect();
        }
        break;
    }
    vec![prefix.trim_end_matches(':').to_owned()]
}

fn group_body(text: &str) -> &str {
    let mut depth = 1;
    for (index, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..index];
                }
            }
            _ => {}
        }
    }
    text
}

fn split_group(body: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (index, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&body[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    items.push(&body[start..]);
    items
        .into_iter()
        .filter(|item| !item.trim().is_empty())
        .collect()
}

/// The module a path names: the longest known module that prefixes it.
fn target_module(
    path: &str,
    from: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let mut segments: Vec<String> = Vec::new();
    let mut rest = path;
    if let Some(after) = rest.strip_prefix("crate::") {
        rest = after;
    } else {
        let mut base = from.to_vec();
        while let Some(after) = rest.strip_prefix("super::") {
            base.pop();
            rest = after;
        }
        segments = base;
    }
    segments.extend(
        rest.split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    );
    (0..=segments.len())
        .rev()
        .map(|len| segments[..len].to_vec())
        .find(|candidate| modules.contains(candidate))
}

struct Edge {
    from: Vec<String>,
    to: Vec<String>,
    file: PathBuf,
    line: usize,
}

fn edges() -> (BTreeSet<Vec<String>>, Vec<Edge>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&root, &[], &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|file| file.module.clone()).collect();
    let mut edges = Vec::new();
    for file in &files {
        let text = fs::read_to_string(&file.path).expect("readable source");
        for (line, path) in named_paths(&text) {
            let Some(to) = target_module(&path, &file.module, &modules) else {
                continue;
            };
            if to != file.module {
                edges.push(Edge {
                    from: file.module.clone(),
                    to,
                    file: file.path.clone(),
                    line,
                });
            }
        }
    }
    (modules, edges)
}

fn show(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

#[test]
fn top_level_modules_only_name_modules_below_them_in_the_pipeline() {
    let (modules, edges) = edges();
    let rank = |module: &[String]| {
        PIPELINE
            .iter()
            .position(|name| module.first().is_some_and(|m| m == name))
    };
    let mut problems = Vec::new();
    for module in modules.iter().filter(|m| m.len() == 1) {
        if rank(module).is_none() {
            problems.push(format!(
                "module `{}` is not placed in PIPELINE (tests/module_graph.rs): put it in its layer",
                show(module)
            ));
        }
    }
    for edge in &edges {
        let (Some(from), Some(to)) = (rank(&edge.from), rank(&edge.to)) else {
            continue;
        };
        if to > from {
            problems.push(format!(
                "{}:{}: `{}` names `{}`, which comes later in the pipeline",
                edge.file.display(),
                edge.line,
                show(&edge.from),
                show(&edge.to)
            ));
        }
    }
    problems.dedup();
    assert!(
        problems.is_empty(),
        "upward imports:\n{}",
        problems.join("\n")
    );
}

#[test]
fn submodules_of_a_folder_form_no_cycle() {
    let (_, edges) = edges();
    // Edges between siblings below the same parent (the parent's own file is the folder's
    // entry point, which declares and re-exports its children, and is left out).
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let mut at: BTreeMap<(Vec<String>, Vec<String>), String> = BTreeMap::new();
    for edge in &edges {
        if edge.from.len() < 2 || edge.to.len() < edge.from.len() {
            continue;
        }
        let parent = &edge.from[..edge.from.len() - 1];
        if !edge.to.starts_with(parent) {
            continue;
        }
        let sibling = edge.to[..edge.from.len()].to_vec();
        if sibling == edge.from {
            continue;
        }
        graph
            .entry(edge.from.clone())
            .or_default()
            .insert(sibling.clone());
        at.entry((edge.from.clone(), sibling))
            .or_insert_with(|| format!("{}:{}", edge.file.display(), edge.line));
    }
    let mut done: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in graph.keys() {
        let mut stack: Vec<Vec<String>> = Vec::new();
        if let Some(cycle) = find_cycle(start, &graph, &mut stack, &mut done) {
            let steps: Vec<String> = cycle
                .windows(2)
                .map(|pair| {
                    format!(
                        "{} -> {} ({})",
                        show(&pair[0]),
                        show(&pair[1]),
                        at[&(pair[0].clone(), pair[1].clone())]
                    )
                })
                .collect();
            panic!("a cycle among sibling modules:\n{}", steps.join("\n"));
        }
    }
}

fn find_cycle(
    node: &Vec<String>,
    graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    stack: &mut Vec<Vec<String>>,
    done: &mut BTreeSet<Vec<String>>,
) -> Option<Vec<Vec<String>>> {
    if let Some(position) = stack.iter().position(|n| n == node) {
        let mut cycle = stack[position..].to_vec();
        cycle.push(node.clone());
        return Some(cycle);
    }
    if done.contains(node) {
        return None;
    }
    stack.push(node.clone());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(cycle) = find_cycle(next, graph, stack, done) {
            return Some(cycle);
        }
    }
    stack.pop();
    done.insert(node.clone());
    None
}

#[test]
fn the_path_reader_expands_groups_and_resolves_super() {
    let text = "use crate::{answer::{Answer, Outcome}, model};\nuse super::names::x;\n// use crate::zone;\nlet a = crate::wire::encode(b);\n";
    let paths: Vec<String> = named_paths(text).into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        paths,
        [
            "crate::answer::Answer",
            "crate::answer::Outcome",
            "crate::model",
            "crate::wire::encode",
            "super::names::x"
        ]
    );
    let modules: BTreeSet<Vec<String>> = [
        vec!["answer".to_owned()],
        vec!["answer".to_owned(), "names".to_owned()],
    ]
    .into_iter()
    .collect();
    let from = vec!["answer".to_owned(), "srv".to_owned()];
    assert_eq!(
        target_module("super::names::x", &from, &modules),
        Some(vec!["answer".to_owned(), "names".to_owned()])
    );
    assert_eq!(
        target_module("super::Context", &from, &modules),
        Some(vec!["answer".to_owned()])
    );
}
