//! YAML merge keys (`<<`), applied as kubectl applies them.
//!
//! kubectl reads YAML with go-yaml, which merges the mapping (or each mapping of a sequence)
//! given as the value of a `<<` key into the mapping holding it: `<<: *defaults` copies the
//! anchored mapping's entries, `<<: [*a, *b]` copies both, and keys written in the mapping
//! itself win over merged ones, as do earlier mappings of the sequence over later ones.
//! serde_yaml leaves `<<` as an ordinary key, so the loader merges by hand, innermost mappings
//! first, so that an anchored mapping that itself merges another is complete when copied.

use serde_yaml::{Mapping, Value};

/// A `<<` whose value cannot be merged: its field path and what it holds instead of mappings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadMerge {
    /// The path of the `<<` key (`metadata.labels.<<`), or of the entry of its sequence.
    pub field: String,
    /// What is there instead of a mapping.
    pub found: String,
}

/// The merge key.
const MERGE: &str = "<<";

/// Whether `value` holds a merge key anywhere.
pub(crate) fn has_merge_keys(value: &Value) -> bool {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Mapping(map) => {
                if map.contains_key(MERGE) {
                    return true;
                }
                stack.extend(map.values());
            }
            Value::Sequence(items) => stack.extend(items),
            Value::Tagged(tagged) => stack.push(&tagged.value),
            _ => {}
        }
    }
    false
}

/// Applies every merge key of `value`. `describe` names a value's shape for the error.
pub(crate) fn apply(value: &mut Value, describe: fn(&Value) -> String) -> Result<(), BadMerge> {
    merge_into(value, &mut String::new(), describe)
}

fn merge_into(
    value: &mut Value,
    path: &mut String,
    describe: fn(&Value) -> String,
) -> Result<(), BadMerge> {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                match key {
                    Value::String(key) => path.push_str(key),
                    _ => path.push('?'),
                }
                merge_into(child, path, describe)?;
                path.truncate(len);
            }
            let Some(merged) = map.remove(MERGE) else {
                return Ok(());
            };
            let field = if path.is_empty() {
                MERGE.to_owned()
            } else {
                format!("{path}.{MERGE}")
            };
            match merged {
                Value::Mapping(source) => copy_missing(map, source),
                Value::Sequence(sources) => {
                    for (index, source) in sources.into_iter().enumerate() {
                        match source {
                            Value::Mapping(source) => copy_missing(map, source),
                            other => {
                                return Err(BadMerge {
                                    field: format!("{field}[{index}]"),
                                    found: describe(&other),
                                });
                            }
                        }
                    }
                }
                other => {
                    return Err(BadMerge {
                        field,
                        found: describe(&other),
                    });
                }
            }
            Ok(())
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                merge_into(item, path, describe)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Tagged(tagged) => merge_into(&mut tagged.value, path, describe),
        _ => Ok(()),
    }
}

/// Copies the entries of `source` whose keys `map` does not have.
fn copy_missing(map: &mut Mapping, source: Mapping) {
    for (key, value) in source {
        if !map.contains_key(&key) {
            map.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(text: &str) -> Result<Value, BadMerge> {
        let mut value: Value = serde_yaml::from_str(text).expect("test YAML");
        apply(&mut value, |_| "something else".to_owned()).map(|()| value)
    }

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("test YAML")
    }

    #[test]
    fn merged_keys_yield_to_written_ones_and_earlier_sources() {
        let cases = [
            (
                "one mapping",
                "d: &d {a: 1, b: 2}\nm:\n  <<: *d\n  b: 3\n",
                "{a: 1, b: 3}",
            ),
            (
                "a written key before the merge still wins",
                "d: &d {a: 1, b: 2}\nm:\n  b: 3\n  <<: *d\n",
                "{a: 1, b: 3}",
            ),
            (
                "a sequence: the first mapping wins",
                "x: &x {a: 1}\ny: &y {a: 2, b: 2}\nm: {<<: [*x, *y]}\n",
                "{a: 1, b: 2}",
            ),
            (
                "an anchored mapping that merges another",
                "x: &x {a: 1}\ny: &y {<<: *x, b: 2}\nm: {<<: *y}\n",
                "{a: 1, b: 2}",
            ),
        ];
        for (rule, text, expected) in cases {
            let value = merged(text).expect(rule);
            assert_eq!(value["m"], yaml(expected), "{rule}");
        }
    }

    #[test]
    fn only_mappings_merge() {
        assert_eq!(
            merged("m:\n  <<: 5\n"),
            Err(BadMerge {
                field: "m.<<".to_owned(),
                found: "something else".to_owned()
            })
        );
        assert_eq!(
            merged("x: &x {a: 1}\nm:\n  l:\n  - <<: [*x, [1]]\n").map(|_| ()),
            Err(BadMerge {
                field: "m.l[0].<<[1]".to_owned(),
                found: "something else".to_owned()
            })
        );
    }

    #[test]
    fn merge_keys_are_found_anywhere() {
        assert!(!has_merge_keys(&yaml("a: {b: [c, {d: e}]}")));
        assert!(has_merge_keys(&yaml("a: {b: [c, {<<: {d: e}}]}")));
    }
}
