//! The scanner's cases: what nests, what an alias costs, and text that only looks like structure.

use super::*;

const BUDGET: Budget = Budget {
    max_depth: 4,
    max_aliases: 5,
    max_alias_bytes: 100,
};

fn breach(text: &str) -> Option<(usize, Breach)> {
    check(text, BUDGET)
        .err()
        .map(|found| (found.offset, found.breach))
}

#[test]
fn flow_and_block_levels_add_up() {
    let cases: &[(&str, &str, Option<usize>)] = &[
        ("four flow levels", "[[[[]]]]", None),
        ("five flow levels", "[[[[[]]]]]", Some(4)),
        ("a mapping and three flow levels", "a: [[[x]]]\n", None),
        (
            "a mapping and four flow levels",
            "a: [{b: [[x]]}]\n",
            Some(9),
        ),
        (
            "block mappings by indentation",
            "a:\n  b:\n    c:\n      d: 1\n",
            None,
        ),
        (
            "a fifth block level",
            "a:\n  b:\n    c:\n      d:\n        e: 1\n",
            Some(32),
        ),
        ("block sequences on one line", "- - - - x\n", None),
        ("five block sequences on one line", "- - - - - x\n", Some(8)),
        (
            "an indentless sequence is a level",
            "a:\n- b:\n  - c:\n    - d\n",
            Some(12),
        ),
        (
            "levels close again",
            "a:\n  b:\n    c: [x]\nd:\n  e:\n    f: [x]\n",
            None,
        ),
    ];
    for (rule, text, expected) in cases {
        let got = breach(text).map(|(offset, breach)| {
            assert_eq!(breach, Breach::Depth, "{rule}");
            offset
        });
        assert_eq!(got, *expected, "{rule}");
    }
}

#[test]
fn brackets_in_text_are_not_structure() {
    let deep = "[[[[[[[[[[";
    let cases = [
        format!("a: \"{deep}\"\n"),
        format!("a: '{deep}'\n"),
        format!("a: x{deep}\n"),
        format!("a: x\n  {deep}\n"),
        format!("a: |\n  {deep}\n  {deep}\nb: 1\n"),
        format!("a: >-\n\n    {deep}\nb: 1\n"),
        format!("a: 1 # {deep}\n"),
        format!("# {deep}\n"),
        format!("a: \"x\\\"{deep}\"\n"),
        format!("a: 'it''s {deep}'\n"),
        format!("a: \"multi\n  line {deep}\"\n"),
        format!("[a{deep}b]\n").replace("[[", "xx"),
    ];
    for text in cases {
        assert_eq!(breach(&text), None, "{text:?}");
    }
}

#[test]
fn a_block_scalar_ends_at_a_less_indented_line() {
    assert_eq!(
        breach("a: |\n  text\nb: [[[[x]]]]\n"),
        Some((18, Breach::Depth))
    );
}

#[test]
fn a_line_break_libyaml_knows_ends_a_comment() {
    // NEL ends a comment for libyaml, so the brackets after it are structure.
    assert_eq!(
        breach("a: 1 # c\u{85}[[[[[x]]]]]\n").map(|(_, b)| b),
        Some(Breach::Depth)
    );
}

#[test]
fn aliases_cost_what_they_copy() {
    let laughs = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n";
    // *a twice (2 uses), *b twice (2 × 3 = 6): the sixth use crosses 5.
    assert_eq!(
        breach(laughs),
        Some((
            laughs.rfind("*b").unwrap(),
            Breach::Aliases {
                alias: "b".to_owned()
            }
        ))
    );
    let big = format!("a: &a [{}]\nb: [*a, *a]\n", "x, ".repeat(20));
    let Some((offset, Breach::AliasBytes { alias, total })) = breach(&big) else {
        panic!("expected a byte breach");
    };
    assert_eq!((offset, alias.as_str()), (big.rfind("*a").unwrap(), "a"));
    assert!(total > 100);
    assert_eq!(breach("a: &a [x]\nb: [*a, *a, *a]\n"), None);
}

#[test]
fn anchors_cover_their_nodes() {
    // The block mapping under `a` is the anchored node; `b` is outside it.
    let text = "a: &a\n  x: 1\n  y: 2\nb: *a\nc: *a\n";
    let mut scanner = Scanner::new(text, BUDGET);
    assert_eq!(scanner.run(), Ok(()));
    let weight = scanner.anchors["a"];
    assert_eq!(weight.bytes, "&a\n  x: 1\n  y: 2\n".len());
    assert_eq!(weight.depth, 1);
    // An indentless sequence belongs to its key's anchor.
    let text = "a: &s\n- 1\n- 2\nb: 1\n";
    let mut scanner = Scanner::new(text, BUDGET);
    assert_eq!(scanner.run(), Ok(()));
    assert_eq!(scanner.anchors["s"].bytes, "&s\n- 1\n- 2\n".len());
    // A scalar anchor ends with its scalar (and the line break a plain scalar reads).
    let text = "a: &v hello\nb: *v\n";
    let mut scanner = Scanner::new(text, BUDGET);
    assert_eq!(scanner.run(), Ok(()));
    assert_eq!(scanner.anchors["v"].bytes, "&v hello\n".len());
}

#[test]
fn an_alias_brings_its_depth() {
    let text = "a: &a [[x]]\nb: [[*a]]\n";
    assert_eq!(
        breach(text),
        Some((text.rfind("*a").unwrap(), Breach::Depth))
    );
}

#[test]
fn an_alias_inside_its_own_anchor_is_refused() {
    assert_eq!(
        breach("a: &a [*a]\n"),
        Some((
            7,
            Breach::Recursive {
                alias: "a".to_owned()
            }
        ))
    );
}

#[test]
fn stacked_anchors_do_not_pile_up() {
    let text = format!(
        "a: {}x\nb: *a1\n",
        (1..=5000).map(|i| format!("&a{i} ")).collect::<String>()
    );
    let mut scanner = Scanner::new(&text, BUDGET);
    assert_eq!(scanner.run(), Ok(()));
    assert!(scanner.open.is_empty() && scanner.open_names.is_empty());
    // Only the last anchor names the node.
    assert_eq!(scanner.anchors.len(), 1);
}

#[test]
fn odd_text_never_hangs_or_panics() {
    for text in [
        "",
        "-",
        "- ",
        "[",
        "]]]]",
        "{",
        "'",
        "\"",
        "\"\\",
        "|",
        "|9",
        ">+\n",
        "&",
        "*",
        "!",
        "!<",
        "%",
        "? ",
        ": ",
        "é[",
        "\r",
        "\u{2028}[",
        "a: &a\n",
        "&a &b x",
        "\t[",
    ] {
        let _ = check(text, BUDGET);
    }
}

/// The nesting depth of a parsed value: what the parser's recursion limit counts.
fn value_depth(value: &serde_yaml::Value) -> usize {
    use serde_yaml::Value;
    match value {
        Value::Sequence(items) => 1 + items.iter().map(value_depth).max().unwrap_or(0),
        Value::Mapping(map) => {
            1 + map
                .iter()
                .map(|(k, v)| value_depth(k).max(value_depth(v)))
                .max()
                .unwrap_or(0)
        }
        Value::Tagged(tagged) => value_depth(&tagged.value),
        _ => 0,
    }
}

/// The depth the scanner counts: the least limit it accepts.
fn scanned_depth(text: &str) -> usize {
    let budget = |max_depth| Budget {
        max_depth,
        max_aliases: usize::MAX,
        max_alias_bytes: usize::MAX,
    };
    (0..200)
        .find(|&depth| check(text, budget(depth)).is_ok())
        .unwrap_or(200)
}

#[test]
fn the_depth_is_the_parsers_for_every_fixture() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    let mut files = vec![root.to_owned()];
    let mut checked = 0;
    while let Some(path) = files.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else {
            if path.ends_with(".yaml") {
                let text = std::fs::read_to_string(&path).expect("fixture");
                for document in crate::load::documents::split(&text) {
                    let Ok(value) = serde_yaml::from_str(&document.text) else {
                        continue;
                    };
                    assert_eq!(
                        scanned_depth(&document.text),
                        value_depth(&value),
                        "{path}, document {}",
                        document.number
                    );
                    checked += 1;
                }
            }
            continue;
        };
        files.extend(entries.map(|e| e.expect("entry").path().display().to_string()));
    }
    assert!(checked > 50, "{checked} documents");
}

#[test]
fn the_depth_is_the_parsers_for_odd_layouts() {
    for text in [
        "a: &a {b: [1, {c: 2}]}\nd: [*a]\n",
        "- &x\n  - &y [1, [2]]\n- *x\n- [*y]\n",
        "? [a, b]\n: c\n",
        "a:\n- b\n- c: [d]\nx: 1\n",
        "a: b\n  c [[[ d\n",
        "a: |2\n   [[[\n  ]]]\nb: {}\n",
        "\"k\": [\"v\", {\"w\": [[]]}]\n",
        "{\"a\": {\"b\": [1, 2, {\"c\": null}]}}\n",
        "a: !!map {b: !!seq [c]}\n",
        "a: &l\n  x: 1\nb:\n  <<: *l\n  y: [2]\n",
        "- - - [x]\n- y\n",
        "a:\n  - b:\n      c: >\n        text [\n      d: [e]\n",
        // Found by the property below: a flow collection as a block key, and the one-pair
        // mapping of a flow sequence, are levels too.
        "['']: ",
        "[b: ]: ",
        "{b: }: #",
    ] {
        let value: serde_yaml::Value = serde_yaml::from_str(text).expect(text);
        assert_eq!(scanned_depth(text), value_depth(&value), "{text:?}");
    }
}

proptest::proptest! {
    #[test]
    fn the_depth_is_never_less_than_the_parsers(tokens in proptest::collection::vec(
        proptest::sample::select(vec![
            "a", "b: ", "- ", "  ", "\n", "[", "]", "{", "}", ", ", ": ", "\"", "'", "#",
            "|", ">", "&a ", "*a", "? ", "\t", "\\", "x\n  ", "\u{85}", "!t ",
        ]),
        0..40,
    )) {
        let text: String = tokens.concat();
        if let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(&text) {
            proptest::prop_assert!(
                scanned_depth(&text) >= value_depth(&value),
                "{:?}: scanned {}, parsed {}", text, scanned_depth(&text), value_depth(&value)
            );
        }
    }
}
