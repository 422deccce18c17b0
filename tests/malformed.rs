//! The corpus of malformed inputs: every file of `tests/malformed/` (and the broken fixtures of
//! `fixtures/broken/`), loaded through the public API, must fail with exactly the errors that
//! `tests/malformed/expected.txt` lists for it: for each error, in order, the [`LoadErrorKind`]
//! variant, the location (document, `items` entry, line, column), the object, the field and the
//! text of what is wrong.
//!
//! `expected.txt` is one table: a line naming a file (relative to `tests/malformed/`), optionally
//! followed by `with` and the builder option the case needs, then one indented line per error,
//! its five parts separated by ` | ` (`-` for a part that is not known). Lines starting with `#`
//! are comments. Every file of the corpus must be in the table and every entry must name a file;
//! together the cases must produce every [`LoadErrorKind`] and cover every kind the loader reads.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use k8s_dns_sim::{ClusterBuilder, LoadError, LoadErrors, ServiceCidrs};

/// The corpus directory.
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/malformed");

/// Every variant of `LoadErrorKind`, which the corpus must produce between its cases.
const EVERY_KIND: &[&str] = &[
    "TooLarge",
    "Syntax",
    "Missing",
    "MissingName",
    "Invalid",
    "Duplicate",
    "TooDeep",
    "TooManyAliases",
    "AliasesTooLarge",
    "ServiceCidrExhausted",
];

/// Every kind the loader reads, as an error names its object, which the corpus must cover.
const EVERY_OBJECT_KIND: &[&str] = &[
    "Service",
    "Endpoints",
    "EndpointSlice",
    "Pod",
    "Namespace",
    "ServiceImport",
    "StatefulSet",
    "Deployment",
    "ReplicaSet",
    "DaemonSet",
    "ConfigMap",
    "Node",
    "ReplicationController",
    "Job",
];

/// One case of the table: the file, the builder option it needs, the errors it must give.
struct Case {
    file: String,
    setup: Option<String>,
    errors: Vec<String>,
    /// The line of `expected.txt` naming the file.
    line: usize,
}

/// Reads `expected.txt`.
fn table() -> Vec<Case> {
    let text = std::fs::read_to_string(Path::new(CORPUS).join("expected.txt"))
        .expect("tests/malformed/expected.txt");
    let mut cases: Vec<Case> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(error) = line.strip_prefix("    ") {
            let case = cases
                .last_mut()
                .unwrap_or_else(|| panic!("expected.txt:{}: an error before any file", index + 1));
            case.errors.push(error.to_owned());
            continue;
        }
        let (file, setup) = match line.split_once(" with ") {
            Some((file, setup)) => (file, Some(setup.to_owned())),
            None => (line, None),
        };
        cases.push(Case {
            file: file.to_owned(),
            setup,
            errors: Vec::new(),
            line: index + 1,
        });
    }
    cases
}

/// One error as a line of the table.
fn row(error: &LoadError) -> String {
    let debug = format!("{:?}", error.kind);
    let variant = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut location = error.location.clone();
    location.origin = None;
    let location = if location.is_unknown() {
        "-".to_owned()
    } else {
        location.to_string()
    };
    let object = error
        .object
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string);
    let field = error.field.clone().unwrap_or_else(|| "-".to_owned());
    format!(
        "{variant} | {location} | {object} | {field} | {}",
        error.kind
    )
}

/// Loads `file` of the corpus with the builder option `setup`; the errors it gives, or none.
fn load(file: &str, setup: Option<&str>) -> Vec<LoadError> {
    let path = Path::new(CORPUS).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut builder = ClusterBuilder::new();
    match setup {
        None => {}
        Some(option) => {
            if let Some(bytes) = option.strip_prefix("max_input_bytes ") {
                builder.max_input_bytes(bytes.parse().expect("a byte count"));
            } else if let Some(cidr) = option.strip_prefix("service_cidr ") {
                builder.service_cidrs(ServiceCidrs {
                    ipv4: Some(cidr.parse().expect("a CIDR")),
                    ..ServiceCidrs::default()
                });
            } else {
                panic!("{file}: unknown option {option:?}");
            }
        }
    }
    let result: Result<(), LoadErrors> = builder
        .add_yaml(file, &text)
        .map(|_| ())
        .and_then(|()| builder.build().map(|_| ()));
    match result {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_errors(),
    }
}

#[test]
fn every_malformed_input_gives_exactly_its_errors() {
    let cases = table();
    let mut failures = String::new();
    let mut kinds = BTreeSet::new();
    let mut objects = BTreeSet::new();
    let mut listed = BTreeMap::new();
    for case in &cases {
        if let Some(previous) = listed.insert(case.file.clone(), case.line) {
            writeln!(
                failures,
                "expected.txt:{}: {} is listed twice (first on line {previous})",
                case.line, case.file
            )
            .unwrap();
        }
        let errors = load(&case.file, case.setup.as_deref());
        let got: Vec<String> = errors.iter().map(row).collect();
        for error in &errors {
            kinds.insert(
                row(error)
                    .split(" | ")
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            );
            if let Some(object) = &error.object {
                objects.insert(format!("{:?}", object.kind));
            }
            // The origin is the file, in every location.
            assert_eq!(error.location.origin.as_deref(), Some(case.file.as_str()));
        }
        if got.is_empty() {
            writeln!(failures, "expected.txt:{}: {} loaded", case.line, case.file).unwrap();
        } else if got != case.errors {
            writeln!(
                failures,
                "expected.txt:{}: {} gives other errors; it gives:\n{}\n    {}",
                case.line,
                case.file,
                case.file,
                got.join("\n    ")
            )
            .unwrap();
        }
    }
    // Every file of the corpus is a case.
    let mut files: Vec<String> = std::fs::read_dir(CORPUS)
        .expect("tests/malformed/")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name != "expected.txt")
        .collect();
    files.sort();
    for file in files {
        if !listed.contains_key(&file) {
            let errors = load(&file, None);
            writeln!(
                failures,
                "{file} is not in expected.txt; it gives:\n{file}\n    {}",
                errors.iter().map(row).collect::<Vec<_>>().join("\n    ")
            )
            .unwrap();
        }
    }
    assert!(failures.is_empty(), "{failures}");
    assert!(cases.len() >= 100, "{} cases", cases.len());
    let missing: Vec<_> = EVERY_KIND.iter().filter(|k| !kinds.contains(**k)).collect();
    assert!(missing.is_empty(), "no case gives {missing:?}");
    let unknown: Vec<_> = kinds
        .iter()
        .filter(|k| !EVERY_KIND.contains(&k.as_str()))
        .collect();
    assert!(unknown.is_empty(), "EVERY_KIND misses {unknown:?}");
    let missing: Vec<_> = EVERY_OBJECT_KIND
        .iter()
        .filter(|k| !objects.contains(**k))
        .collect();
    assert!(missing.is_empty(), "no case is about a {missing:?}");
}
