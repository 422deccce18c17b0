//! Shared helpers for the table tests: load a fixture, ask a question, compare sections as
//! multisets of zone-file lines (the way CoreDNS's own handler tests compare them).

#![allow(dead_code)] // each test binary uses a different part of this module

pub mod reply;

use k8s_dns_sim::hickory_proto::op::ResponseCode;
use k8s_dns_sim::hickory_proto::rr::RecordType;
use k8s_dns_sim::{Cluster, ClusterDns, Config};

/// Reads a file under `fixtures/`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// A server over a fixture with `config`.
pub fn dns(fixture_name: &str, config: Config) -> ClusterDns {
    let cluster = Cluster::from_yaml(&fixture(fixture_name))
        .unwrap_or_else(|errors| panic!("{fixture_name} does not load:\n{errors}"));
    ClusterDns::new(cluster, config)
}

/// One row of an answer table.
pub struct Case {
    /// The rule checked (a number from docs/coredns-rules.md, or a short description).
    pub rule: &'static str,
    pub name: &'static str,
    pub qtype: RecordType,
    pub rcode: ResponseCode,
    pub answer: &'static [&'static str],
    pub authority: &'static [&'static str],
    pub additional: &'static [&'static str],
}

/// A positive row: NOERROR with these answer and additional records, no authority.
pub fn positive(
    rule: &'static str,
    name: &'static str,
    qtype: RecordType,
    answer: &'static [&'static str],
    additional: &'static [&'static str],
) -> Case {
    Case {
        rule,
        name,
        qtype,
        rcode: ResponseCode::NoError,
        answer,
        authority: &[],
        additional,
    }
}

/// A negative row: no answer, `soa` in authority (NODATA with NOERROR, or NXDOMAIN).
pub fn negative(
    rule: &'static str,
    name: &'static str,
    qtype: RecordType,
    rcode: ResponseCode,
    soa: &'static str,
) -> Case {
    // One small leak per table row keeps the rows `'static` like every other Case.
    let authority: &'static [&'static str] = Box::leak(Box::new([soa]));
    Case {
        rule,
        name,
        qtype,
        rcode,
        answer: &[],
        authority,
        additional: &[],
    }
}

/// The SOA of `cluster.local` with the default TTL, as every negative answer carries it.
pub const SOA: &str =
    "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5";

fn sorted(lines: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut lines: Vec<String> = lines.into_iter().collect();
    lines.sort();
    lines
}

fn expected(lines: &[&str]) -> Vec<String> {
    sorted(lines.iter().map(|line| (*line).to_owned()))
}

/// Runs every case against `dns`, reporting all mismatches at once.
pub fn check(dns: &ClusterDns, cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        let answer = dns
            .lookup(case.name, case.qtype)
            .unwrap_or_else(|error| panic!("[{}] {error}", case.rule));
        let got = (
            answer.response_code(),
            sorted(answer.answers.iter().map(ToString::to_string)),
            sorted(answer.authorities.iter().map(ToString::to_string)),
            sorted(answer.additionals.iter().map(ToString::to_string)),
        );
        let want = (
            case.rcode,
            expected(case.answer),
            expected(case.authority),
            expected(case.additional),
        );
        if got != want {
            failures.push(format!(
                "[{}] {} {:?}\n  want: {want:?}\n  got:  {got:?}",
                case.rule, case.name, case.qtype
            ));
        }
        assert!(answer.is_authoritative() || case.rcode == ResponseCode::Refused);
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The `dig` example's binary: the one `cargo test` built next to the test binary, else built
/// now.
pub fn dig_binary() -> &'static std::path::PathBuf {
    static BINARY: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test binary's path");
        let profile = exe
            .parent()
            .and_then(|deps| deps.parent())
            .expect("target/<profile>/deps");
        let binary = profile
            .join("examples")
            .join(format!("dig{}", std::env::consts::EXE_SUFFIX));
        if !binary.exists() {
            let status = std::process::Command::new(env!("CARGO"))
                .args(["build", "--quiet", "--example", "dig"])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .expect("cargo runs");
            assert!(status.success(), "cargo build --example dig failed");
        }
        binary
    })
}

/// Runs `program` with `args` and `stdin` from the repository root: (exit code, stdout,
/// stderr).
pub fn run_program(program: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(program)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("{}: {error}", program.display()));
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    let output = child.wait_with_output().expect("the program ends");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
