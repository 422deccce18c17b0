//! The loader's input as a whole: how documents are numbered, a batch that fails whole, the
//! size and object limits, merge keys, byte-order marks, a stream of JSON objects, and the
//! single pass agreeing with the detailed path.

use super::*;

#[test]
fn documents_are_numbered_as_a_user_counts_them() {
    let text = "\
---
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
# nothing here
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: d, namespace: a}
...
apiVersion: v1
kind: Namespace
metadata: {name: b}
";
    let batch = load(text);
    let locations: Vec<Location> = batch.objects.iter().map(|o| o.location.clone()).collect();
    assert_eq!(locations, vec![located(1, None, 2), located(4, None, 12)]);
    assert_eq!(
        batch.skipped,
        vec![SkippedObject {
            location: located(3, None, 8),
            api_version: "batch/v1".to_owned(),
            kind: "CronJob".to_owned(),
            namespace: Some("a".to_owned()),
            name: Some("d".to_owned()),
        }]
    );
}

#[test]
fn empty_input_and_comment_only_documents_load_nothing() {
    for text in [
        "",
        "\n\n",
        "# just a comment\n",
        "---\n---\n# c\n...\n",
        "~\n",
    ] {
        let batch = load(text);
        assert!(
            batch.objects.is_empty() && batch.skipped.is_empty(),
            "{text:?}"
        );
    }
}

#[test]
fn a_bad_object_among_good_ones_fails_the_whole_batch() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: good}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: Bad}\n";
    let errors = parse_manifests(None, text, DEFAULT_MAX_INPUT_BYTES).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].location.document, Some(2));
}

#[test]
fn the_size_limit_is_inclusive() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n";
    assert!(parse_manifests(None, text, text.len()).is_ok());
    let errors = parse_manifests(None, text, text.len() - 1).unwrap_err();
    assert_eq!(
        errors[0].kind,
        LoadErrorKind::TooLarge {
            size: text.len(),
            limit: text.len() - 1
        }
    );
}

#[test]
fn merge_keys_merge_as_kubectl_merges_them() {
    let text = "\
labels: &labels
  app: web
  tier: front
extra: &extra {team: shop, tier: back}
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    <<: [*labels, *extra]
    tier: edge
spec:
  <<: {clusterIP: None}
  selector:
    <<: *labels
---
apiVersion: v1
kind: List
items:
- &pod
  apiVersion: v1
  kind: Pod
  metadata: {name: a, labels: {app: web}}
- <<: *pod
  metadata: {name: b}
";
    let batch = load(text);
    let [service, a, b] = batch.objects.as_slice() else {
        panic!("three objects expected: {:#?}", batch.objects);
    };
    let Object::Service(service) = &*service.object else {
        panic!("a Service first");
    };
    // Written keys win over merged ones; of two merged mappings the first wins.
    assert_eq!(
        service.meta.labels,
        map(&[("app", "web"), ("team", "shop"), ("tier", "edge")])
    );
    assert_eq!(service.cluster_ip, ClusterIpSpec::Headless);
    assert_eq!(
        service.selector,
        Some(map(&[("app", "web"), ("tier", "front")]).into())
    );
    assert_eq!(service_location(&batch, 0), located(1, None, 1));
    // A List entry merging another: its own metadata replaces the merged one whole.
    assert_eq!(a.object.meta().name, "a");
    assert_eq!(b.object.meta().name, "b");
    assert_eq!(b.object.kind(), Kind::Pod);
    assert!(b.object.meta().labels.is_empty());
}

fn service_location(batch: &Batch, index: usize) -> Location {
    batch.objects[index].location.clone()
}

#[test]
fn a_byte_order_mark_may_start_any_document() {
    let text = "\u{feff}apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n\u{feff}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n---\n\u{feff}apiVersion: v1\nkind: Namespace\nmetadata: {name: c}\n";
    let batch = load(text);
    let found: Vec<(String, Location)> = batch
        .objects
        .iter()
        .map(|o| (o.object.meta().name.clone(), o.location.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("a".to_owned(), located(1, None, 1)),
            ("b".to_owned(), located(2, None, 5)),
            ("c".to_owned(), located(3, None, 9)),
        ]
    );
}

#[test]
fn a_stream_of_json_objects_loads_one_document_per_object() {
    // As `kubectl get -o json` run twice into one file prints it, then two on one line.
    let namespace = |name: &str| {
        format!(
            "{{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Namespace\",\n    \"metadata\": {{\"name\": \"{name}\"}}\n}}\n"
        )
    };
    let text = format!(
        "{}{}{{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {{\"name\": \"c\"}}}} {{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {{\"name\": \"d\"}}}}\n{JSON_LIST}",
        namespace("a"),
        namespace("b")
    );
    let batch = load(&text);
    let found: Vec<(String, Location)> = batch
        .objects
        .iter()
        .map(|o| (o.object.meta().name.clone(), o.location.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("a".to_owned(), located(1, None, 1)),
            ("b".to_owned(), located(2, None, 6)),
            ("c".to_owned(), located(3, None, 11)),
            ("d".to_owned(), located(4, None, 11)),
            ("web".to_owned(), located(5, Some(0), 15)),
        ]
    );
    // An error in a later object is placed in it, column included.
    let line = "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"c\"}} {\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": [1]}";
    let text = format!("{}{line}\n", namespace("a"));
    let errors = parse_manifests(Some("test.yaml"), &text, DEFAULT_MAX_INPUT_BYTES).unwrap_err();
    let mut expected = located(3, None, 6);
    expected.column = Some(line.find("[1]").unwrap() + 1);
    assert_eq!(errors[0].location, expected);
    assert_eq!(errors[0].field.as_deref(), Some("metadata"));
}

#[test]
fn label_values_are_strings_as_the_api_server_reads_them() {
    let service = only_service(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    version: \"1\"\n    empty:\n    tilde: ~\nspec:\n  clusterIP: None\n  selector:\n    app: \"1\"\n",
    );
    assert_eq!(
        service.meta.labels,
        map(&[("empty", ""), ("tilde", ""), ("version", "1")])
    );
    assert_eq!(service.selector, Some(map(&[("app", "1")]).into()));
}

#[test]
fn the_builder_sets_every_limit() {
    use crate::cluster::ClusterBuilder;

    // The first error of loading `text` with `limits`, if any.
    let load_with = |limits: LoadLimits, text: &str| -> Option<LoadError> {
        let mut builder = ClusterBuilder::new();
        builder.load_limits(limits);
        let result = builder.add_yaml("limits.yaml", text).map(|_| ());
        result.err().map(|errors| errors.errors()[0].clone())
    };
    let defaults = LoadLimits::default();
    assert_eq!(defaults, LoadLimits::DEFAULT);
    let deep = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: [[[[[[[[[]]]]]]]]]\n";
    assert_eq!(load_with(defaults, deep), None);
    let error = load_with(
        LoadLimits {
            max_depth: 8,
            ..defaults
        },
        deep,
    )
    .expect("too deep");
    assert_eq!(
        error.to_string(),
        "limits.yaml: document 1, line 4, column 14: expected collections nested at most 8 deep, found one at depth 9"
    );
    let aliases =
        "a: &a [x]\nb: [*a, *a, *a]\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
    assert_eq!(load_with(defaults, aliases), None);
    let error = load_with(
        LoadLimits {
            max_aliases: 2,
            ..defaults
        },
        aliases,
    )
    .expect("over a limit");
    assert_eq!(
        error.kind,
        LoadErrorKind::TooManyAliases {
            alias: "a".to_owned(),
            limit: 2
        }
    );
    let error = load_with(
        LoadLimits {
            max_alias_bytes: 10,
            ..defaults
        },
        aliases,
    )
    .expect("over a limit");
    assert!(matches!(
        error.kind,
        LoadErrorKind::AliasesTooLarge { limit: 10, .. }
    ));
    let error = load_with(
        LoadLimits {
            max_input_bytes: 10,
            ..defaults
        },
        aliases,
    )
    .expect("over a limit");
    assert!(matches!(
        error.kind,
        LoadErrorKind::TooLarge { limit: 10, .. }
    ));
}

/// Every fixture and malformed input the repository holds (`.yaml`, `.yml` and `.json` files
/// under `fixtures/` and `tests/malformed/`), as (path, text).
pub(super) fn corpus() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut folders = vec![root.join("fixtures"), root.join("tests/malformed")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a corpus folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) && let Ok(text) = std::fs::read_to_string(&path)
            {
                out.push((path.display().to_string(), text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn single_pass_loads_what_the_detailed_path_loads() {
    let corpus = corpus();
    assert!(corpus.len() > 150, "the corpus is there: {}", corpus.len());
    let mut read_once = 0;
    for (path, text) in &corpus {
        let (single, _) = read_manifests(Some("t"), text, &LoadLimits::DEFAULT, true);
        let (detailed, read_again) = read_manifests(Some("t"), text, &LoadLimits::DEFAULT, false);
        assert_eq!(
            format!("{single:?}"),
            format!("{detailed:?}"),
            "{path}: the same objects, skipped objects and errors"
        );
        if single.is_ok() && read_again > 0 {
            read_once += 1;
        }
    }
    // The pass must be doing the work: most good inputs never reach the detailed path.
    let (_, again) = read_manifests(None, &generated(), &LoadLimits::DEFAULT, true);
    assert_eq!(again, 0, "generated manifests are read once");
    assert!(
        read_once > 20,
        "good inputs read by the single pass: {read_once}"
    );
}

#[test]
fn single_pass_reads_kubectl_dumps_once_in_yaml_and_json() {
    // `kubectl get -o yaml` sorts keys: a List's `items` before its `kind`, an
    // EndpointSlice's `addressType` and `endpoints` before its `kind`.
    let yaml = std::fs::read_to_string("fixtures/kubectl-dump.yaml").expect("fixture");
    let value: serde_yaml::Value = serde_yaml::from_str(&yaml).expect("YAML");
    let json = serde_json::to_string_pretty(&value).expect("JSON");
    for (format, text) in [("yaml", &yaml), ("json", &json)] {
        let (result, again) = read_manifests(None, text, &LoadLimits::DEFAULT, true);
        let batch = result.expect("loads");
        assert!(
            batch.objects.len() >= 4 && !batch.skipped.is_empty(),
            "{format}"
        );
        assert_eq!(again, 0, "{format}: read once");
    }
    // The ConfigMap kube-system/coredns is read by the detailed path, and its List with it.
    let dump = std::fs::read_to_string("fixtures/cluster-dump.yaml").expect("fixture");
    let (result, again) = read_manifests(None, &dump, &LoadLimits::DEFAULT, true);
    assert_eq!(result.expect("loads").corefiles.len(), 1);
    assert_eq!(again, 1);
}

/// Manifests as the benches generate them: Services and EndpointSlices, flow style inside.
fn generated() -> String {
    (0..20)
        .map(|s| {
            format!(
                "---\napiVersion: v1\nkind: Service\nmetadata: {{name: svc-{s}, namespace: bench}}\n\
                 spec: {{clusterIP: None, ports: [{{name: http, port: 80}}]}}\n---\n\
                 apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
                 metadata: {{name: svc-{s}-1, namespace: bench, labels: {{kubernetes.io/service-name: svc-{s}}}}}\n\
                 addressType: IPv4\nports: [{{name: http, port: 8080, protocol: TCP}}]\nendpoints:\n  - addresses: [\"10.0.0.{s}\"]\n"
            )
        })
        .collect()
}
