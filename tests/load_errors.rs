//! Bad manifests, through the public API, in what one malformed file cannot show: a batch with
//! many bad objects, inputs that must fail promptly however they are built, and the limits of
//! the builder. The errors of single malformed inputs (where each is, which object and field,
//! what was expected and found) are the corpus of `tests/malformed/`, checked by
//! `tests/malformed.rs`.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use k8s_dns_sim::{Cluster, ClusterBuilder, DEFAULT_MAX_INPUT_BYTES, LoadErrorKind, LoadErrors};

/// The error of loading `text` with `Cluster::from_yaml`, which must fail.
fn load_error(text: &str) -> LoadErrors {
    match Cluster::from_yaml(text) {
        Ok(_) => panic!("loaded, but should have failed:\n{text}"),
        Err(errors) => errors,
    }
}

/// The phrase of the DNS-1123 label rule, as the errors spell it.
const DNS1123_LABEL: &str = "a DNS-1123 label (at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit)";

#[test]
fn every_bad_object_of_a_batch_is_reported() {
    let text = "\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 0
  - port: 70000
---
apiVersion: v1
kind: Namespace
metadata:
  name: good
---
apiVersion: v1
kind: Namespace
metadata:
  name: Bad
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: p
  status:
    phase: Lost
";
    let errors = match ClusterBuilder::default().add_yaml("cluster.yaml", text) {
        Ok(_) => panic!("loaded a bad batch"),
        Err(errors) => errors,
    };
    assert_eq!(
        errors.to_string(),
        format!(
            "6 errors; nothing was loaded:
  cluster.yaml: document 1, line 7: Service default/web: spec.ports[0].name: required field is missing
  cluster.yaml: document 1, line 7, column 11: Service default/web: spec.ports[0].port: expected an integer from 1 to 65535, found 0
  cluster.yaml: document 1, line 8: Service default/web: spec.ports[1].name: required field is missing
  cluster.yaml: document 1, line 8, column 11: Service default/web: spec.ports[1].port: expected an integer from 1 to 65535, found 70000
  cluster.yaml: document 3, line 18, column 9: Namespace Bad: metadata.name: expected {DNS1123_LABEL}, found \"Bad\"
  cluster.yaml: document 4, items[0], line 28, column 12: Pod default/p: status.phase: expected Pending, Running, Succeeded, Failed or Unknown, found \"Lost\""
        )
    );
}

/// Runs `f` on another thread and fails the test if it does not finish within 10 seconds.
fn within_ten_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let _ = sender.send(f());
    });
    receiver
        .recv_timeout(Duration::from_secs(10))
        .expect("loading did not finish within 10 seconds (or panicked)")
}

#[test]
fn a_syntax_error_followed_by_more_documents_ends_promptly() {
    // serde_yaml's multi-document iterator yields the same syntax error forever here
    // (dtolnay/serde-yaml#193); documents split by hand are parsed one by one.
    let mut text = String::from("a: [1,\n");
    for i in 0..50 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: ns-{i}}}\n"
        ));
    }
    text.push_str("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: Bad}\n");
    let errors = within_ten_seconds(move || Cluster::from_yaml(&text).map(|_| ()));
    let errors = errors.expect_err("a syntax error must fail the batch");
    let summary: Vec<(Option<usize>, bool)> = errors
        .errors()
        .iter()
        .map(|e| {
            (
                e.location.document,
                matches!(e.kind, LoadErrorKind::Syntax { .. }),
            )
        })
        .collect();
    // The syntax error, and the bad document after it: later documents are still read.
    assert_eq!(summary, vec![(Some(1), true), (Some(52), false)]);
}

#[test]
fn an_unknown_alias_followed_by_another_document_is_an_error_not_a_panic() {
    // serde_yaml's multi-document iterator panics on the document after `*nope`.
    let text = "a: *nope\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: Bad\n";
    let errors = within_ten_seconds(move || Cluster::from_yaml(text).map(|_| ()));
    let errors = errors.expect_err("an unknown alias must fail the batch");
    assert_eq!(
        errors.to_string(),
        format!(
            "2 errors; nothing was loaded:
  document 1, line 1, column 4: expected an alias of an anchor defined before it in the document, found *nope
  document 2, line 6, column 9: Namespace Bad: metadata.name: expected {DNS1123_LABEL}, found \"Bad\""
        )
    );
}

#[test]
fn input_over_the_limit_is_refused_before_parsing() {
    let text = format!("{}\n", "#".repeat(DEFAULT_MAX_INPUT_BYTES));
    let expected = format!(
        "input is {} bytes, more than the limit of {DEFAULT_MAX_INPUT_BYTES} bytes",
        DEFAULT_MAX_INPUT_BYTES + 1
    );
    assert_eq!(
        load_error(&text).to_string(),
        format!("<input>: {expected}")
    );
    let errors = ClusterBuilder::default()
        .add_yaml("big.yaml", &text)
        .map(|_| ())
        .expect_err("over the limit");
    assert_eq!(errors.to_string(), format!("big.yaml: {expected}"));
    assert!(matches!(
        errors.errors()[0].kind,
        LoadErrorKind::TooLarge { .. }
    ));
}

#[test]
fn a_service_import_of_another_api_group_is_skipped_not_refused() {
    let text = "apiVersion: lighthouse.submariner.io/v2alpha1\nkind: ServiceImport\nmetadata:\n  name: web\n  namespace: shop\n";
    let cluster = Cluster::from_yaml(text).expect("another group's kind is listed, not loaded");
    assert!(cluster.service_imports().is_empty());
    let [skipped] = cluster.skipped() else {
        panic!("one skipped object expected: {:?}", cluster.skipped());
    };
    assert_eq!(skipped.api_version, "lighthouse.submariner.io/v2alpha1");
    assert_eq!(skipped.kind, "ServiceImport");
}

#[test]
fn deep_flow_nesting_is_refused_promptly_where_it_crosses_the_limit() {
    // The YAML parser's time grows with the square of this depth: 100,000 levels (200 KB) took
    // two minutes before it refused them. The loader counts the levels first.
    let levels = 100_000;
    let cases = [
        (
            format!("a: {}{}\n", "[".repeat(levels), "]".repeat(levels)),
            "document 1, line 1, column 131: expected collections nested at most 128 deep, found one at depth 129",
        ),
        (
            format!(
                "apiVersion: v1\nkind: Namespace\nmetadata: {{name: a}}\n---\na: {}x{}\n",
                "{a: ".repeat(levels),
                "}".repeat(levels)
            ),
            "document 2, line 5, column 512: expected collections nested at most 128 deep, found one at depth 129",
        ),
        (
            format!("{}x\n", "- ".repeat(levels)),
            "document 1, line 1, column 257: expected collections nested at most 128 deep, found one at depth 129",
        ),
    ];
    for (text, expected) in cases {
        let errors = within_ten_seconds(move || Cluster::from_yaml(&text).map(|_| ()))
            .expect_err("too deep");
        assert_eq!(errors.to_string(), expected);
        assert_eq!(
            errors.errors()[0].kind,
            LoadErrorKind::TooDeep { limit: 128 }
        );
    }
}

#[test]
fn alias_bombs_are_refused_promptly_at_the_alias_that_crosses_the_limit() {
    // Nine levels of nine aliases: a billion copies of "lol" if expanded.
    let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=9 {
        let uses = vec![format!("*a{}", i - 1); 9].join(", ");
        laughs.push_str(&format!("a{i}: &a{i} [{uses}]\n"));
    }
    // Few levels but wide: 10,000 uses of a 6,000-item list (100 KB) took 31 s and built 60
    // million nodes.
    let items: Vec<String> = (0..6000).map(|i| format!("item{i}")).collect();
    let wide = format!(
        "a: &a [{}]\nb: [{}]\n",
        items.join(", "),
        ["*a"; 10_000].join(", ")
    );
    let cases = [
        (
            laughs,
            "document 1, line 5, column 10: expected at most 1000 alias uses in one document (each alias counted every time its anchored node is copied), found more at *a3",
        ),
        (
            wide,
            "document 1, line 2, column 73: expected aliases to copy at most 1048576 bytes into one document, found *a taking it to 1060074 bytes",
        ),
    ];
    for (text, expected) in cases {
        let errors = within_ten_seconds(move || Cluster::from_yaml(&text).map(|_| ()))
            .expect_err("an alias bomb");
        assert_eq!(errors.to_string(), expected);
    }
}

/// Errors inside flow syntax (a JSON dump, `ports: [...]`) are placed at their value; an object
/// with thousands of them is placed exactly for its first 64 errors (each placement walks the
/// object's text) and at the object for the rest, so that it still fails at once.
#[test]
fn errors_in_flow_syntax_are_placed_and_stay_linear() {
    let ports: Vec<String> = (0..5000)
        .map(|_| "{\"port\": 0, \"name\": \"p\"}".to_owned())
        .collect();
    let text = format!(
        "{{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n \"metadata\": {{\"name\": \"web\", \"namespace\": \"default\"}},\n \"spec\": {{\"ports\": [{}]}}}}\n",
        ports.join(",\n  ")
    );
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || sender.send(load_error(&text)).unwrap());
    let errors = receiver
        .recv_timeout(Duration::from_secs(20))
        .expect("5,000 errors in one JSON object are reported promptly");
    let port_errors: Vec<_> = errors
        .errors()
        .iter()
        .filter(|error| {
            error
                .field
                .as_deref()
                .is_some_and(|f| f.ends_with("].port"))
        })
        .collect();
    assert_eq!(port_errors.len(), 5000);
    // The first is on line 3 at its value (`{"port": 0` after ` "spec": {"ports": [`).
    assert_eq!(port_errors[0].location.line, Some(3));
    assert_eq!(port_errors[0].location.column, Some(30));
    // The tenth entry is on line 12, at the column of its 0.
    assert_eq!(port_errors[9].location.line, Some(12));
    assert_eq!(port_errors[9].location.column, Some(12));
    // Past the first 64 placements (two errors per port), the object's own line and no column.
    let last = port_errors.last().unwrap();
    assert_eq!((last.location.line, last.location.column), (Some(1), None));
}
