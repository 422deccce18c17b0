//! The `k8s-dns-sim` command-line tool (issue 12 §5), run as CI runs it: the subcommands, their
//! exit codes, `-f -` and `-f DIR/`, and `--json` for `dig` and `zone`. (`cargo test` builds
//! the binary: the dev-dependency on this crate enables the `cli` feature.)

mod support;

use serde_json::Value;

/// Runs the tool with `args` and `stdin` from the repository root: (exit code, stdout, stderr).
fn cli(args: &[&str], stdin: &str) -> (i32, String, String) {
    support::run_program(
        std::path::Path::new(env!("CARGO_BIN_EXE_k8s-dns-sim")),
        args,
        stdin,
    )
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture reads")
}

/// The seed manifest, for standard input.
const SEED: &str = include_str!("../fixtures/seed-mysql.yaml");

/// (rule, arguments, standard input, exit code, what stdout holds, what stderr holds)
type Case<'a> = (&'a str, &'a [&'a str], &'a str, i32, &'a str, &'a str);

#[test]
fn subcommands_and_their_exit_codes() {
    let golden = fixture("golden.yaml");
    let cases: &[Case] = &[
        (
            "--help lists the commands, exit 0",
            &["--help"],
            "",
            0,
            "zone -f FILE... [ZONE]",
            "",
        ),
        (
            "no command: one line, exit 2",
            &[],
            "",
            2,
            "",
            "k8s-dns-sim: no command: dig, zone, explain, lint or graph (k8s-dns-sim --help lists the commands)\n",
        ),
        (
            "--version",
            &["--version"],
            "",
            0,
            "k8s-dns-sim 0.1.0\n",
            "",
        ),
        (
            "--version is an option every command takes",
            &["lint", "--version"],
            "",
            0,
            "k8s-dns-sim 0.1.0\n",
            "",
        ),
        (
            "a command's --help is its usage and the common options",
            &["zone", "--help"],
            "",
            0,
            "usage: k8s-dns-sim zone -f FILE... [ZONE]\n\nList the zone (cluster.local by default) in the order of a zone transfer.\n\nOptions every command takes:",
            "",
        ),
        (
            "graph --help",
            &["graph", "--help"],
            "",
            0,
            "usage: k8s-dns-sim graph [-f] FILE... [--namespace NS] [--format mermaid|dot]\n\nThe linking of Services, endpoints and Pods.\n",
            "",
        ),
        (
            "dig is the example's dig",
            &[
                "dig",
                "-f",
                "fixtures/golden.yaml",
                "web.default.svc.cluster.local",
            ],
            "",
            0,
            ";; ANSWER SECTION:\nweb.default.svc.cluster.local. 30 IN\tA\t10.96.0.20\n",
            "",
        ),
        (
            "dig --help is dig's help",
            &["dig", "--help"],
            "",
            0,
            "+bufsize=N",
            "",
        ),
        (
            "dig -f - reads standard input",
            &["dig", "-f", "-", "-x", "10.96.0.20", "+short"],
            &golden,
            0,
            "web.default.svc.cluster.local.\n",
            "",
        ),
        (
            "dig -f DIR/ reads the folder's manifests (two files here, one per namespace)",
            &[
                "dig",
                "-f",
                "fixtures/parity/",
                "allready.ready.svc.cluster.local",
                "+short",
            ],
            "",
            0,
            "10.1.0.1\n",
            "",
        ),
        (
            "zone lists the zone, as the zone example",
            &["zone", "-f", "fixtures/golden.yaml"],
            "",
            0,
            "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30\n",
            "",
        ),
        (
            "zone of a zone the server does not list: its error, exit 2",
            &["zone", "-f", "fixtures/golden.yaml", "example.com"],
            "",
            2,
            "",
            "k8s-dns-sim zone: expected a forward zone of this server (cluster.local.), found \"example.com\"\n",
        ),
        (
            "a bad argument: one line, exit 2",
            &["zone", "-f", "fixtures/golden.yaml", "--nope"],
            "",
            2,
            "",
            "k8s-dns-sim zone: unknown option --nope (k8s-dns-sim --help lists the commands)\n",
        ),
        (
            "an unknown command",
            &["frob"],
            "",
            2,
            "",
            "k8s-dns-sim: unknown command \"frob\": dig, zone, explain, lint or graph (k8s-dns-sim --help lists the commands)\n",
        ),
        (
            "input that does not load: its error, exit 2",
            &["zone", "-f", "fixtures/no-such.yaml"],
            "",
            2,
            "",
            "k8s-dns-sim zone: fixtures/no-such.yaml: No such file or directory (os error 2)\n",
        ),
        (
            "lint takes the shell's files, and fails a CI job on the seed's unlinked Endpoints (exit 1)",
            &["lint", "fixtures/seed-mysql.yaml"],
            "",
            1,
            "error[endpoints-without-service]: Endpoints default/mysql-ep",
            "",
        ),
        (
            "lint passes on the fixed seed at the default severity, error (exit 0)",
            &["lint", "fixtures/seed-mysql-fixed.yaml"],
            "",
            0,
            "warning[srv-port-name-mismatch]",
            "",
        ),
        (
            "lint --severity warning fails on the fixed seed's SRV port-name warning",
            &[
                "lint",
                "fixtures/seed-mysql-fixed.yaml",
                "--severity",
                "warning",
            ],
            "",
            1,
            "warning[srv-port-name-mismatch]",
            "",
        ),
        (
            "lint reads -f - (standard input) too",
            &["lint", "-f", "-"],
            SEED,
            1,
            "error[endpoints-without-service]",
            "",
        ),
        (
            "lint's severity is checked",
            &["lint", "fixtures/seed-mysql.yaml", "--severity", "loud"],
            "",
            2,
            "",
            "k8s-dns-sim lint: --severity: error, warning or info, not \"loud\"",
        ),
        (
            "lint without manifests",
            &["lint", "--severity", "error"],
            "",
            2,
            "",
            "k8s-dns-sim lint: no manifests",
        ),
        (
            "explain reads dig's question",
            &[
                "explain",
                "-f",
                "fixtures/seed-mysql.yaml",
                "mysql-svc.default.svc.cluster.local",
            ],
            "",
            0,
            ";; Why mysql-svc.default.svc.cluster.local. A got this answer:",
            "",
        ),
        (
            "explain's question is checked as dig's",
            &["explain", "-f", "fixtures/seed-mysql.yaml", "+shrot", "web"],
            "",
            2,
            "",
            "k8s-dns-sim explain: unknown query option +shrot",
        ),
        (
            "graph reads --namespace and --format",
            &[
                "graph",
                "fixtures/seed-mysql.yaml",
                "--namespace",
                "default",
                "--format",
                "dot",
            ],
            "",
            0,
            "digraph",
            "",
        ),
        (
            "graph's format is checked",
            &["graph", "fixtures/seed-mysql.yaml", "--format", "svg"],
            "",
            2,
            "",
            "k8s-dns-sim graph: --format: mermaid or dot, not \"svg\"",
        ),
    ];
    for (rule, args, stdin, code, stdout, stderr) in cases {
        let (got, out, err) = cli(args, stdin);
        assert_eq!(got, *code, "{rule}: {err}");
        assert!(out.contains(stdout), "{rule}: {stdout:?} not in:\n{out}");
        assert!(err.contains(stderr), "{rule}: {stderr:?} not in:\n{err}");
        if *code == 2 {
            assert_eq!(err.lines().count(), 1, "{rule}: one line:\n{err}");
        }
    }
}

#[test]
fn dig_json_holds_the_exchange() {
    // (rule, arguments after `dig -f fixtures/golden.yaml --json`, JSON pointer, value)
    let cases: &[(&str, &[&str], &str, Value)] = &[
        (
            "the rcode by dig's name",
            &["web.default.svc.cluster.local"],
            "/status",
            "NOERROR".into(),
        ),
        (
            "an answer's data",
            &["web.default.svc.cluster.local"],
            "/answer/0/data",
            "10.96.0.20".into(),
        ),
        (
            "an answer's TTL (kubeadm's 30)",
            &["web.default.svc.cluster.local"],
            "/answer/0/ttl",
            30.into(),
        ),
        (
            "the question as sent",
            &["-x", "10.96.0.20"],
            "/question/0/type",
            "PTR".into(),
        ),
        (
            "NXDOMAIN's SOA",
            &["nope.default.svc.cluster.local"],
            "/authority/0/type",
            "SOA".into(),
        ),
        (
            "no reason for NOERROR",
            &["web.default.svc.cluster.local"],
            "/reason",
            Value::Null,
        ),
        (
            "+tcp",
            &["+tcp", "web.default.svc.cluster.local"],
            "/transport",
            "TCP".into(),
        ),
        (
            "+noedns",
            &["+noedns", "web.default.svc.cluster.local"],
            "/edns_udp_size",
            Value::Null,
        ),
    ];
    for (rule, args, pointer, want) in cases {
        let args: Vec<&str> = ["dig", "-f", "fixtures/golden.yaml", "--json"]
            .iter()
            .chain(args.iter())
            .copied()
            .collect();
        let (code, out, err) = cli(&args, "");
        assert_eq!(code, 0, "{rule}: {err}");
        let value: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{rule}: {e}\n{out}"));
        assert_eq!(value.pointer(pointer), Some(want), "{rule}: {out}");
    }
    let (_, out, _) = cli(
        &[
            "dig",
            "-f",
            "fixtures/golden.yaml",
            "--json",
            "nope.default.svc.cluster.local",
        ],
        "",
    );
    let value: Value = serde_json::from_str(&out).unwrap();
    assert!(
        value["reason"]
            .as_str()
            .unwrap()
            .starts_with("NXDOMAIN: there is no Service \"nope\" in namespace \"default\""),
        "NXDOMAIN's reason: {out}"
    );
}

#[test]
fn zone_json_lists_the_records_of_the_text_listing() {
    let (code, text, err) = cli(&["zone", "-f", "fixtures/golden.yaml"], "");
    assert_eq!(code, 0, "{err}");
    let (code, json, err) = cli(&["zone", "-f", "fixtures/golden.yaml", "--json"], "");
    assert_eq!(code, 0, "{err}");
    let value: Value = serde_json::from_str(&json).unwrap();
    let records = value["records"].as_array().expect("records");
    assert_eq!(
        records.len(),
        text.lines().count(),
        "one record per listed line"
    );
    assert_eq!(value["zone"], "cluster.local");
    let first = &records[0];
    assert_eq!(
        format!(
            "{} {} {} {} {}",
            first["name"].as_str().unwrap(),
            first["ttl"],
            first["class"].as_str().unwrap(),
            first["type"].as_str().unwrap(),
            first["data"].as_str().unwrap()
        ),
        text.lines().next().unwrap(),
        "the same first record"
    );
}

#[test]
fn a_folder_is_every_manifest_in_it() {
    // fixtures/parity/ holds manifests; the listing of the folder equals that of its files.
    let mut files: Vec<String> =
        std::fs::read_dir(format!("{}/fixtures/parity", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| {
                path.extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
            })
            .map(|path| {
                format!(
                    "fixtures/parity/{}",
                    path.file_name().unwrap().to_string_lossy()
                )
            })
            .collect();
    files.sort();
    assert!(!files.is_empty(), "fixtures/parity/ holds manifests");
    let mut by_file = vec!["zone"];
    for file in &files {
        by_file.extend(["-f", file.as_str()]);
    }
    let (code_dir, from_dir, err_dir) = cli(&["zone", "-f", "fixtures/parity/"], "");
    let (code_files, from_files, err_files) = cli(&by_file, "");
    assert_eq!(
        (code_dir, code_files),
        (code_files, code_files),
        "{err_dir}\n{err_files}"
    );
    assert_eq!(from_dir, from_files);
    assert_eq!(
        err_dir.replace("fixtures/parity//", "fixtures/parity/"),
        err_files
    );
}

/// `--json` for explain, lint and graph: the data CI pipelines read.
#[test]
fn explain_lint_and_graph_print_json() {
    let (code, out, err) = cli(
        &[
            "explain",
            "-f",
            "fixtures/seed-mysql.yaml",
            "mysql-svc.default.svc.cluster.local",
            "--json",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let value: Value = serde_json::from_str(&out).expect("explain --json is JSON");
    assert_eq!(value["reply"]["status"], "NXDOMAIN");
    assert!(
        value["near_misses"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("rename Endpoints default/mysql-ep to mysql-svc")
    );
    assert_eq!(value["steps"][0]["rule"]["number"], 39);

    let (code, out, _) = cli(&["lint", "fixtures/seed-mysql.yaml", "--json"], "");
    assert_eq!(code, 1);
    let value: Value = serde_json::from_str(&out).expect("lint --json is JSON");
    let codes: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"endpoints-without-service"), "{codes:?}");

    let (code, out, _) = cli(&["graph", "fixtures/seed-mysql.yaml", "--json"], "");
    assert_eq!(code, 0);
    let value: Value = serde_json::from_str(&out).expect("graph --json is JSON");
    assert!(
        value["diagram"]
            .as_str()
            .unwrap()
            .starts_with("flowchart LR")
    );
}

/// `--json` on input that does not load: the errors as data on standard output (each with its
/// document, line, object and field), exit 2, for every command; without `--json` the same
/// errors are text on standard error.
#[test]
fn json_failures_are_json() {
    let broken = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: default}\nspec:\n  ports:\n  - port: http\n";
    for args in [
        &["lint", "-f", "-", "--json"][..],
        &["zone", "-f", "-", "--json"],
        &["graph", "-f", "-", "--json"],
        &[
            "explain",
            "-f",
            "-",
            "web.default.svc.cluster.local",
            "--json",
        ],
        &["dig", "-f", "-", "web.default.svc.cluster.local", "--json"],
    ] {
        let (code, out, err) = cli(args, broken);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert_eq!(err, "", "{args:?}: nothing on standard error");
        let value: Value = serde_json::from_str(&out).expect("the failure is JSON");
        assert_eq!(value["failure"], "load", "{args:?}");
        let error = &value["errors"][0];
        assert_eq!(error["document"], 2, "{args:?}: {error}");
        assert_eq!(error["line"], 11, "{args:?}: {error}");
        assert_eq!(
            value["errors"].as_array().map(Vec::len),
            Some(1),
            "{args:?}"
        );
        assert_eq!(error["kind"], "Service", "{args:?}: {error}");
        assert_eq!(error["namespace"], "default", "{args:?}: {error}");
        assert_eq!(error["name"], "db", "{args:?}: {error}");
        assert_eq!(error["field"], "spec.ports[0].port", "{args:?}: {error}");
    }
    let (code, out, err) = cli(&["lint", "-f", "-"], broken);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("line 11"), "{err}");
}
