//! The fast reader ([`super::super::block`]) against serde_yaml: whatever it reads, serde_yaml
//! reads the same (the rule in its module docs), over the corpus, hand-made cases and
//! mutations of every corpus document.

use super::super::documents;
use super::super::single::{read_block, read_yaml};
use super::streams::corpus;
use crate::error::LoadErrorKind;
use crate::load::{LoadLimits, read_manifests};

/// The rule: a document the fast reader reads, serde_yaml reads, to the same objects. `None`
/// when the fast reader gives up; `Some(true)` when it reads.
fn check(context: &str, text: &str) -> bool {
    let Some(fast) = read_block(text, 128) else {
        return false;
    };
    let slow = read_yaml(text);
    assert_eq!(
        Some(format!("{fast:?}")),
        slow.map(|slow| format!("{slow:?}")),
        "{context}: the fast reader reads {text:?} as serde_yaml does"
    );
    true
}

#[test]
fn the_fast_reader_reads_what_serde_yaml_reads_in_the_corpus() {
    let (mut documents, mut read) = (0, 0);
    for (path, text) in corpus() {
        for document in documents::split(&text) {
            documents += 1;
            read += usize::from(check(&path, &document.text));
        }
    }
    eprintln!("read {read} of {documents}");
    // It must be doing the work: most documents are plain block YAML.
    assert!(
        read * 2 > documents,
        "the fast reader read {read} of {documents} documents"
    );
}

#[test]
fn the_fast_reader_reads_the_yaml_it_is_made_for() {
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
    let cases = [
        ("block mappings", format!("{service}  namespace: default\n")),
        (
            "an indentless sequence, as kubectl writes one",
            format!("{service}spec:\n  ports:\n  - port: 80\n    name: http\n  - port: 81\n"),
        ),
        (
            "an indented sequence",
            format!("{service}spec:\n  ports:\n    - port: 80\n      protocol: TCP\n"),
        ),
        (
            "one-line flow collections",
            format!("{service}spec: {{clusterIP: None, ports: [{{name: http, port: 80}}]}}\n"),
        ),
        (
            "JSON-style quoted keys in flow",
            format!("{service}spec: {{\"clusterIP\":\"None\", \"ports\": [{{\"port\":80}}]}}\n"),
        ),
        (
            "comments everywhere",
            format!("# a\n{service}  # b\nspec: # c\n  clusterIP: None # d\n# e\n"),
        ),
        (
            "quoted values",
            format!("{service}  labels:\n    app: 'web'\n    tier: \"db\"\n"),
        ),
        (
            "an empty value",
            format!("{service}  namespace:\nspec:\n  selector: {{}}\n  ports: []\n"),
        ),
        (
            "an entry whose value is below it",
            format!("{service}spec:\n  ports:\n  -\n    port: 80\n"),
        ),
        (
            "keys after spaces and a colon in values",
            format!("{service}  annotations:\n    a.b/c  : http://x:80/y\n"),
        ),
        (
            "null, booleans and integers",
            format!(
                "{service}spec:\n  publishNotReadyAddresses: true\n  clusterIP: ~\n  ports:\n  - port: -0\n"
            ),
        ),
        ("a document of null", "~\n".to_owned()),
        (
            "literal block scalars, clipped and stripped",
            format!(
                "{service}  annotations:\n    a: |\n      {{\"x\": 1}}\n        y\n    b: |-\n      z\n  namespace: n\n"
            ),
        ),
        (
            "UTF-8 in values and comments",
            format!("# é → ü\n{service}  annotations:\n    note: \"café\" # ✓\n    other: 日本\n"),
        ),
        (
            "a List",
            format!(
                "apiVersion: v1\nkind: List\nitems:\n- {}",
                service.replace('\n', "\n  ")
            ),
        ),
    ];
    for (rule, text) in cases {
        assert!(check(rule, &text), "{rule}: read by the fast reader");
    }
}

#[test]
fn the_fast_reader_gives_up_on_what_it_is_not_made_for() {
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
    let cases = [
        ("a tab", "\tnamespace: a\n"),
        ("a carriage return", "  namespace: a\r\n"),
        ("a next-line character", "  namespace: a\u{85}b\n"),
        ("a line separator", "  namespace: a\u{2028}b\n"),
        ("a byte-order mark", "  namespace: a\u{feff}\n"),
        (
            "a folded block scalar",
            "  annotations:\n    a: >\n      text\n",
        ),
        (
            "a blank line in a literal",
            "  annotations:\n    a: |\n      x\n\n      y\n  b: c\n",
        ),
        (
            "a kept literal",
            "  annotations:\n    a: |+\n      x\n  b: c\n",
        ),
        (
            "an indentation indicator",
            "  annotations:\n    a: |2\n      x\n  b: c\n",
        ),
        (
            "a literal at the end",
            "  annotations:\n    a: |\n      x\n",
        ),
        ("an empty literal", "  annotations:\n    a: |\n  b: c\n"),
        ("an anchor", "  labels: &l {a: b}\n"),
        ("a tag", "  namespace: !x a\n"),
        ("a block scalar", "  annotations:\n    a: |\n      text\n"),
        ("a scalar over two lines", "  namespace: a\n    b\n"),
        ("a scalar below its key", "  namespace:\n    a\n"),
        (
            "a flow collection over two lines",
            "  labels: {a: b,\n    c: d}\n",
        ),
        ("a trailing comma", "  labels: {a: b,}\n"),
        (
            "a single-pair mapping in a sequence",
            "  finalizers: [a: b]\n",
        ),
        ("an escape", "  namespace: \"a\\u0041\"\n"),
        (
            "a quote in a single-quoted scalar",
            "  namespace: 'it''s'\n",
        ),
        ("a hexadecimal number", "  generation: 0x1f\n"),
        ("a number with a leading zero", "  generation: 017\n"),
        ("a float", "  generation: 1.5\n"),
        ("a document marker inside", "---\n"),
        ("a complex key", "  ? a\n  : b\n"),
        ("a mapping value after a value", "  namespace: a: b\n"),
        ("a sequence entry after a key", "  namespace: - a\n"),
        ("a key at a column of its own", "   namespace: a\n"),
    ];
    for (rule, extra) in cases {
        let text = format!("{service}{extra}");
        assert!(
            read_block(&text, 128).is_none(),
            "{rule}: given up on: {text:?}"
        );
    }
}

#[test]
fn the_fast_reader_stops_short_of_the_depth_limit() {
    // The loader does not scan what the fast reader reads, so the reader must give up where
    // the scan would refuse: at the limit, one level early.
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  labels: {a: b}\n";
    assert!(read_block(text, 4).is_some(), "three levels, limit four");
    assert!(read_block(text, 3).is_none(), "three levels, limit three");
    let limits = LoadLimits {
        max_depth: 2,
        ..LoadLimits::DEFAULT
    };
    let (result, _) = read_manifests(None, text, &limits, true);
    let errors = result.expect_err("too deep");
    assert!(
        matches!(errors[0].kind, LoadErrorKind::TooDeep { .. }),
        "{errors:?}"
    );
}

/// Each corpus document, with a byte removed or a few bytes put in at many places: what the
/// fast reader reads of any of them, serde_yaml reads the same.
#[test]
fn the_fast_reader_reads_mutated_documents_as_serde_yaml_does() {
    const INSERTS: [&str; 20] = [
        ": ", ":", "-", "- ", " #", "#", "'", "\"", "{", "}", "[", "]", ",", "\n", "  ", "0", ".",
        "~", "\n- ", "\n  ",
    ];
    let (mut tried, mut read) = (0, 0);
    for (path, text) in corpus() {
        for document in documents::split(&text) {
            let text: &str = &document.text;
            if text.len() > 3000 || read_block(text, 128).is_none() {
                continue;
            }
            let places: Vec<usize> = (0..text.len())
                .step_by(text.len() / 24 + 1)
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for &at in &places {
                let mut mutants = vec![format!("{}{}", &text[..at], &text[at + 1..])];
                mutants.extend(
                    INSERTS
                        .iter()
                        .map(|insert| format!("{}{insert}{}", &text[..at], &text[at..])),
                );
                for mutant in mutants {
                    tried += 1;
                    read += usize::from(check(&format!("{path} at byte {at}"), &mutant));
                }
            }
        }
    }
    eprintln!("{read} of {tried} mutants read");
    assert!(
        tried > 10_000 && read > 1_000,
        "{read} of {tried} mutants read"
    );
}
