//! The teaching walkthrough (`docs/teaching.md`, issue 12 §6) never goes stale: every command
//! in it is run, and every line of the output shown under it must be in what the command
//! prints, in order (a `...` line stands for lines left out).

use std::fs;
use std::process::Command;

use k8s_dns_sim::dig::{self, DigOptions, Invocation};

const DIG: &str = "cargo run --example dig -- ";
const CLI: &str = "cargo run --features cli --bin k8s-dns-sim -- ";

/// What a command of the walkthrough prints: the `dig` example in-process, the binary as a
/// subprocess, both from the repository's root.
fn output_of(command: &str) -> String {
    if let Some(args) = command.strip_prefix(DIG) {
        let Ok(Invocation::Dig(options)) = DigOptions::parse(args.split_whitespace()) else {
            panic!("{command}: not a dig question");
        };
        let mut out = Vec::new();
        let mut err = Vec::new();
        dig::run(&options, &mut std::io::empty(), &mut out, &mut err)
            .unwrap_or_else(|error| panic!("{command}: {error}"));
        return String::from_utf8(out).unwrap();
    }
    if let Some(args) = command.strip_prefix(CLI) {
        let output = Command::new(env!("CARGO_BIN_EXE_k8s-dns-sim"))
            .args(args.split_whitespace())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("k8s-dns-sim runs");
        return String::from_utf8(output.stdout).unwrap();
    }
    panic!("{command}: the walkthrough runs only the dig example and the k8s-dns-sim binary");
}

/// Each (command, shown output) pair: a one-line `sh` block followed by a `text` block.
fn lessons(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("```sh\n") {
        let after = &rest[start + 6..];
        let end = after.find("```").expect("an sh block ends");
        let command = after[..end].trim().to_owned();
        let tail = &after[end + 3..];
        let shown = tail.trim_start().strip_prefix("```text\n").map(|block| {
            let close = block.find("```").expect("a text block ends");
            block[..close].to_owned()
        });
        if let Some(shown) = shown {
            pairs.push((command, shown));
        }
        rest = tail;
    }
    pairs
}

#[test]
fn every_command_of_the_walkthrough_prints_what_it_shows() {
    let text = fs::read_to_string(format!("{}/docs/teaching.md", env!("CARGO_MANIFEST_DIR")))
        .expect("docs/teaching.md reads");
    let pairs = lessons(&text);
    assert!(pairs.len() >= 12, "only {} commands found", pairs.len());
    for (command, shown) in pairs {
        let output = output_of(&command);
        let lines: Vec<&str> = output.lines().collect();
        let mut at = 0;
        let mut elided = true;
        for want in shown.lines() {
            if want == "..." {
                elided = true;
                continue;
            }
            let found = if elided {
                lines[at..]
                    .iter()
                    .position(|line| *line == want)
                    .map(|i| at + i)
            } else {
                (lines.get(at) == Some(&want)).then_some(at)
            };
            let Some(index) = found else {
                panic!(
                    "{command}:\nthe line {want:?} is not where the walkthrough shows it in:\n{output}"
                );
            };
            at = index + 1;
            elided = false;
        }
    }
}
