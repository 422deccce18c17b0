//! A serde `Deserializer` wrapper that refuses, while the typed structs are read, what only the
//! `serde_yaml::Value` parse used to refuse: the single pass ([`super::single`]) reads each
//! document once, straight into the typed structs, and must accept no document that the
//! detailed path (`Value`, then typed) refuses.
//!
//! Typed structs accept three things a `Value` does not:
//! - a key repeated in a mapping whose values the struct ignores (an unknown field, `status`,
//!   `managedFields`) or reads as a map (`labels`: a `BTreeMap` keeps the last value);
//! - the merge key `<<`, an ordinary unknown field to serde, applied by the loader itself;
//! - keys that are not strings (`1: a`, `~: b`), which a struct or a string map reads as text
//!   where a `Value` keeps a number or null.
//!
//! [`Strict`] wraps every mapping of the document, ignored parts included (it reads them
//! instead of skipping them), and fails on each of these; a tagged value (`!foo x`, which a
//! `Value` keeps as tagged) fails too. A failure here is no error the user sees: the document
//! is then read again by the detailed path, which finds the error and words it, or reads the
//! document as it always has. So this wrapper may refuse more than it must (a hash collision
//! of two different keys counts as a repeat), never less.

use std::collections::HashSet;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

/// A deserializer whose every mapping refuses repeated, merge and non-string keys, and whose
/// values refuse tags (see the module docs).
pub(crate) struct Strict<D>(pub D);

/// The error of a refusal: its text is never shown, since the document is read again.
fn refused<E: de::Error>(what: &str) -> E {
    E::custom(format_args!("left to the detailed path: {what}"))
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $type:ty),*)),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $type,)* visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method($($arg,)* Wrap(visitor))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<D> {
    type Error = D::Error;

    forward! {
        deserialize_any(), deserialize_bool(), deserialize_i8(), deserialize_i16(),
        deserialize_i32(), deserialize_i64(), deserialize_i128(), deserialize_u8(),
        deserialize_u16(), deserialize_u32(), deserialize_u64(), deserialize_u128(),
        deserialize_f32(), deserialize_f64(), deserialize_char(), deserialize_str(),
        deserialize_string(), deserialize_bytes(), deserialize_byte_buf(),
        deserialize_option(), deserialize_unit(), deserialize_seq(), deserialize_map(),
        deserialize_identifier(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    }

    /// Ignored parts are read, not skipped, so that their mappings are checked too.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Wrap(visitor))
    }
}

/// A visitor that wraps what it is handed (mappings, sequences, options) in [`Strict`].
struct Wrap<V>(V);

macro_rules! pass {
    ($($method:ident($type:ty)),* $(,)?) => {
        $(
            fn $method<E: de::Error>(self, v: $type) -> Result<Self::Value, E> {
                self.0.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    pass! {
        visit_bool(bool), visit_i8(i8), visit_i16(i16), visit_i32(i32), visit_i64(i64),
        visit_i128(i128), visit_u8(u8), visit_u16(u16), visit_u32(u32), visit_u64(u64),
        visit_u128(u128), visit_f32(f32), visit_f64(f64), visit_char(char), visit_str(&str),
        visit_borrowed_str(&'de str), visit_string(String), visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]), visit_byte_buf(Vec<u8>),
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(Strict(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(Strict(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(StrictSeq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(StrictMap {
            inner: map,
            seen: Seen::default(),
        })
    }

    /// serde_yaml hands a tagged node (`!foo x`) over as an enum.
    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(refused("a tagged value"))
    }
}

/// A seed whose deserializer is wrapped in [`Strict`].
pub(crate) struct StrictSeed<S>(pub S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for StrictSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Strict(deserializer))
    }
}

struct StrictSeq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for StrictSeq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(StrictSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A mapping whose keys must be strings, other than `<<`, each once.
struct StrictMap<A> {
    inner: A,
    seen: Seen,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for StrictMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.inner.next_key_seed(KeySeed {
            seed,
            seen: &mut self.seen,
        })
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.next_value_seed(StrictSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// The keys of one mapping so far, as hashes: the first few inline, then in a set, so that a
/// mapping of any size is checked in linear time and a small one allocates nothing.
#[derive(Default)]
struct Seen {
    inline: [u64; 8],
    count: usize,
    more: HashSet<u64>,
}

impl Seen {
    /// False when `key`'s hash was seen before in this mapping.
    fn insert(&mut self, key: &str) -> bool {
        let hash = fnv1a(key);
        let known = self.inline.len().min(self.count);
        if self.inline[..known].contains(&hash) {
            return false;
        }
        if self.count < self.inline.len() {
            self.inline[self.count] = hash;
            self.count += 1;
            true
        } else {
            self.more.insert(hash)
        }
    }
}

/// FNV-1a: a collision only sends the document to the detailed path.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

struct KeySeed<'s, K> {
    seed: K,
    seen: &'s mut Seen,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for KeySeed<'_, K> {
    type Value = K::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<K::Value, E> {
        if key == "<<" {
            return Err(refused("a merge key"));
        }
        if !self.seen.insert(key) {
            return Err(refused("a key repeated in its mapping"));
        }
        self.seed.deserialize(key.into_deserializer())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Shape {
        name: Option<String>,
        labels: Option<BTreeMap<String, String>>,
    }

    fn strict(text: &str) -> Result<Shape, serde_yaml::Error> {
        Shape::deserialize(Strict(serde_yaml::Deserializer::from_str(text)))
    }

    #[test]
    fn strict_refuses_what_a_value_refuses_and_typed_structs_accept() {
        let cases = [
            ("a key repeated where the struct ignores it", "x: 1\nx: 2\n"),
            (
                "a key repeated deep inside an ignored part",
                "x: {y: [{z: 1, z: 2}]}\n",
            ),
            ("a key repeated in a string map", "labels: {a: b, a: c}\n"),
            ("a merge key", "x: &a {y: 1}\nz: {<<: *a}\n"),
            ("a number as a key", "labels: {1: a}\n"),
            ("a null key", "~: a\n"),
            ("a tagged value", "x: !foo bar\n"),
        ];
        for (rule, text) in cases {
            // The typed struct alone accepts each of them.
            assert!(serde_yaml::from_str::<Shape>(text).is_ok(), "{rule}: typed");
            assert!(strict(text).is_err(), "{rule}: strict");
        }
    }

    #[test]
    fn strict_reads_what_it_accepts_as_the_typed_struct_does() {
        let text = "name: web\nx: {y: [{z: 1}, {z: 2}]}\nlabels: {a: b, \"c\": d}\n";
        assert_eq!(
            strict(text).unwrap(),
            serde_yaml::from_str::<Shape>(text).unwrap()
        );
        // Many keys: past the inline ones, into the set.
        let many: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(strict(&many).is_ok());
        assert!(strict(&format!("{many}k39: again\n")).is_err());
    }
}
