//! The single pass: one document read once, straight into the raw structs of its objects.
//!
//! The detailed path (the rest of `load.rs`) parses a document into a `serde_yaml::Value`,
//! applies its merge keys, reads `apiVersion` and `kind` from the value, and then parses the
//! text a second time into the raw struct of the kind, so that a type error keeps its field
//! path, line and column; a List entry is even written out as text again and parsed a third
//! time. That costs about three times plain typed deserialisation.
//!
//! This pass reads the document once, with the fast reader ([`block`]) where it can, else
//! with serde_yaml (both give the same serde calls), through [`Strict`]: the top-level
//! mapping's keys as they
//! come, and as soon as `apiVersion` and `kind` are known and name a modelled kind, the rest
//! of the mapping goes straight into that kind's raw struct. Keys that come before them
//! (kubectl sorts keys: an EndpointSlice's `addressType` and `endpoints` come before its
//! `kind`) are kept as values until then and handed to the struct first; a hand-written
//! manifest, and the benches' generated ones, start with `apiVersion` and `kind`, and keep
//! nothing. `kind: List` documents (`apiVersion`, `items`, `kind`, as kubectl sorts them) have
//! their entries read the same way, each as it comes. Objects of other kinds keep only what
//! a [`SkippedObject`](super::SkippedObject) lists.
//!
//! It reads only documents it can read exactly as the detailed path would, and gives up on
//! anything else, returning `None`: a syntax or type error, a merge key, a repeated key, a
//! non-string key or a tag anywhere (see [`Strict`]), a document that is not a mapping, a List
//! entry without its own kind, a modelled kind under another version or group, the ConfigMaps
//! the loader reads. The loader then
//! reads that document by the detailed path, which finds and words the errors exactly as
//! before; it does the same when validation finds an error in an object read here. So a
//! document with an error is parsed more than once, a good one once, and what a good one
//! loads is what the detailed path loads (checked by `single_pass_loads_what_the_detailed_path_loads`
//! in `load/tests.rs`, over every fixture).

use std::fmt;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{
    self, DeserializeSeed, Deserializer, Error as _, IgnoredAny, IntoDeserializer, MapAccess,
    SeqAccess, Visitor,
};
use serde_yaml::Value;

use super::block;
use super::raw::{Raw, raw_of};
use super::strict::Strict;
use super::{Class, EmbeddedCorefile, classify};

/// An object read by the single pass.
// Moved once, from the pass to validation: a box would cost an allocation per object.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub(super) enum Entry {
    /// A modelled kind, in its raw struct.
    Typed(Raw),
    /// Any other kind, with what the loader lists of it.
    Skipped {
        api_version: String,
        kind: String,
        namespace: Option<String>,
        name: Option<String>,
    },
}

/// What one document holds.
#[allow(clippy::large_enum_variant)] // as `Entry`
#[derive(Debug)]
pub(super) enum Read {
    /// Nothing (`~`, `null`).
    Null,
    /// One object.
    One(Entry),
    /// The entries of a List, in order.
    List(Vec<Entry>),
}

/// The document `text` read by the fast reader ([`block`]), nesting less deeply than
/// `max_depth`, or `None` when it gives up: then [`read_yaml`] may read it.
pub(super) fn read_block(text: &str, max_depth: usize) -> Option<Read> {
    let mut events = block::events(text, max_depth)?;
    let read = ObjectSeed { top: true }
        .deserialize(Strict(&mut events))
        .ok()?;
    events.finished().then_some(read)
}

/// The document `text` read through serde_yaml, or `None` when it must be read by the
/// detailed path (see the module docs).
pub(super) fn read_yaml(text: &str) -> Option<Read> {
    ObjectSeed { top: true }
        .deserialize(Strict(serde_yaml::Deserializer::from_str(text)))
        .ok()
}

/// The reason the pass gives up: never shown, the detailed path reads the document again.
fn give_up<E: de::Error>() -> E {
    E::custom("left to the detailed path")
}

/// A document (`top`) or a List entry.
#[derive(Clone, Copy)]
struct ObjectSeed {
    top: bool,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = Read;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Read, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// The top-level keys the pass tells apart.
enum Key {
    ApiVersion,
    Kind,
    Metadata,
    Items,
    Other(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "apiVersion" => Key::ApiVersion,
                    "kind" => Key::Kind,
                    "metadata" => Key::Metadata,
                    "items" => Key::Items,
                    other => Key::Other(other.to_owned()),
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// `apiVersion` or `kind` as the detailed path takes it: a non-empty string, nothing else
/// (a number or a boolean is an error there).
struct Header(String);

impl<'de> Deserialize<'de> for Header {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Header, D::Error> {
        struct HeaderVisitor;
        impl Visitor<'_> for HeaderVisitor {
            type Value = Header;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-empty string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Header, E> {
                if text.is_empty() {
                    Err(give_up())
                } else {
                    Ok(Header(text.to_owned()))
                }
            }
        }
        deserializer.deserialize_any(HeaderVisitor)
    }
}

/// A List's `items`: null or a sequence of objects.
struct ItemsSeed;

impl<'de> DeserializeSeed<'de> for ItemsSeed {
    type Value = Vec<Entry>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<Entry>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed {
    type Value = Vec<Entry>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence of objects")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<Entry>, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Entry>, A::Error> {
        let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(read) = seq.next_element_seed(ObjectSeed { top: false })? {
            match read {
                Read::One(entry) => entries.push(entry),
                Read::Null | Read::List(_) => return Err(give_up()),
            }
        }
        Ok(entries)
    }
}

impl<'de> Visitor<'de> for ObjectSeed {
    type Value = Read;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping with apiVersion and kind")
    }

    /// A document of only `~` or `null` holds nothing; a List entry must be an object.
    fn visit_none<E: de::Error>(self) -> Result<Read, E> {
        self.visit_unit()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Read, E> {
        if self.top {
            Ok(Read::Null)
        } else {
            Err(give_up())
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read, A::Error> {
        let mut api_version: Option<String> = None;
        let mut kind: Option<String> = None;
        let mut items: Option<Vec<Entry>> = None;
        // The values of the keys before `apiVersion` and `kind` (kubectl sorts the keys:
        // `addressType` and `endpoints` come first in an EndpointSlice), for the raw struct
        // once the kind is known; only `metadata` once it is known not to be modelled.
        let mut buffered: Vec<(String, Value)> = Vec::new();
        let mut skipping = false;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::ApiVersion => api_version = Some(map.next_value::<Header>()?.0),
                Key::Kind => kind = Some(map.next_value::<Header>()?.0),
                Key::Items if self.top => items = Some(map.next_value_seed(ItemsSeed)?),
                Key::Items | Key::Other(_) if skipping => {
                    map.next_value::<IgnoredAny>()?;
                }
                Key::Metadata => buffered.push(("metadata".to_owned(), map.next_value()?)),
                Key::Items => buffered.push(("items".to_owned(), map.next_value()?)),
                Key::Other(name) => buffered.push((name, map.next_value()?)),
            }
            if skipping {
                continue;
            }
            let (Some(api_version), Some(kind)) = (&api_version, &kind) else {
                continue;
            };
            match classify(api_version, kind) {
                Class::Modelled {
                    expected_version,
                    kind,
                } => {
                    if api_version != expected_version {
                        return Err(give_up());
                    }
                    // What came before, then the rest of the mapping, straight into the kind's
                    // raw struct.
                    let rest = Chain {
                        buffered: buffered.into_iter(),
                        value: None,
                        rest: map,
                    };
                    return match raw_of(kind, MapAccessDeserializer::new(rest)) {
                        Some(raw) => raw.map(|raw| Read::One(Entry::Typed(raw))),
                        None => Err(give_up()),
                    };
                }
                Class::WrongGroup { .. } | Class::WrongSpelling { .. } => return Err(give_up()),
                Class::Other => {
                    skipping = true;
                    buffered.retain(|(key, _)| key == "metadata");
                }
            }
        }
        let (Some(api_version), Some(kind)) = (api_version, kind) else {
            return Err(give_up());
        };
        if self.top && (kind == "List" || (kind.ends_with("List") && items.is_some())) {
            return Ok(Read::List(items.unwrap_or_default()));
        }
        if !skipping {
            // A modelled kind would have been read as soon as both were known.
            return Err(give_up());
        }
        let metadata = buffered
            .iter()
            .find(|(key, _)| key == "metadata")
            .map(|(_, value)| value);
        let text = |key: &str| {
            metadata
                .and_then(|m| m.get(key))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (namespace, name) = (text("namespace"), text("name"));
        // The ConfigMaps the loader reads (the cluster's Corefile and its custom files).
        if api_version == "v1"
            && kind == "ConfigMap"
            && namespace.as_deref() == Some(EmbeddedCorefile::NAMESPACE)
            && (name.as_deref() == Some(EmbeddedCorefile::NAME)
                || name.as_deref() == Some(EmbeddedCorefile::CUSTOM_NAME))
        {
            return Err(give_up());
        }
        Ok(Read::One(Entry::Skipped {
            api_version,
            kind,
            namespace,
            name,
        }))
    }
}

/// The entries of a mapping read so far (as values), then the rest of it (as it comes): what
/// a raw struct reads when its kind came after other keys.
struct Chain<A> {
    buffered: std::vec::IntoIter<(String, Value)>,
    /// The value of the buffered key just handed out.
    value: Option<Value>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Chain<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.buffered.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(key.into_deserializer()).map(Some)
            }
            None => self.rest.next_key_seed(seed),
        }
    }

    /// A buffered value is read from the `Value`: its errors have no position, but any error
    /// sends the document to the detailed path, which has them.
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value).map_err(A::Error::custom),
            None => self.rest.next_value_seed(seed),
        }
    }
}
