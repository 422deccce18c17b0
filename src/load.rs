//! Reading manifests: YAML/JSON text in, validated [`Object`]s out.
//!
//! The pipeline, one document at a time:
//!
//! 1. [`documents::split`] cuts the stream at `---` / `...` lines (see that module for why the
//!    loader does not use serde_yaml's multi-document iterator), and a stream of JSON objects
//!    (`{…}{…}`, as several `kubectl get -o json` print it) into one document per object.
//! 2. The [`single`] pass reads the document once, straight into the hand-written structs of
//!    [`raw`] for the modelled kinds (a List's entries too), and they are checked and
//!    defaulted by [`validate`] as the API server would. That is all a good document costs.
//!    The pass reads with the fast reader ([`block`]) the plain block YAML most manifests are
//!    written in, and gives anything else to serde_yaml, after step 3.
//! 3. [`scan`] reads the text of each document the fast reader did not read, in linear time,
//!    and refuses nesting and aliases beyond the [`LoadLimits`], before the YAML parser, whose
//!    cost they would blow up, sees it. Then the single pass reads it through serde_yaml.
//! 4. A document the single pass does not read exactly as the detailed path would, or with
//!    an error, is read again by the detailed path, which words every error as precisely as
//!    it can: the document is parsed into a `serde_yaml::Value`, which catches syntax errors
//!    (turned into located errors by [`yaml_error`]), its merge keys (`<<`) are applied
//!    ([`merge`]), and it must be a mapping with `apiVersion` and `kind`. `kind: List` and
//!    `*List` documents (`kubectl get -o yaml` output) are opened and each entry of `items`
//!    goes through step 5.
//! 5. The object is dispatched on (`apiVersion`, `kind`) ([`classify`]). Kinds the simulator
//!    does not model are listed as [`SkippedObject`]s; a modelled kind named under a built-in
//!    group that has no such kind (`v1 EndpointSlice`) is an error, as the API server gives.
//!    Modelled kinds are deserialized again, this time from the text into the structs of
//!    [`raw`], so that type errors keep their field path and line, and then validated.
//!
//! Every error is collected; a batch with any error yields no object at all.

mod block;
mod classify;
mod coredns_configmap;
pub use coredns_configmap::EmbeddedCorefile;
use coredns_configmap::data_files;
mod documents;
mod limits;
pub use limits::{DEFAULT_MAX_INPUT_BYTES, LoadLimits};
mod merge;
mod raw;
mod scan;
mod single;
mod strict;
mod validate;
mod yaml_error;
pub(crate) use classify::{Class, classify};
use classify::{identity, text_identity};
pub(crate) use validate::external_name;
// For `Change::SetSelector` (`cluster/update.rs`), which checks a selector as the loader does.
pub(crate) use validate::selector_problems;

use serde_yaml::{Mapping, Value};

use crate::error::{LoadError, LoadErrorKind, Location};
use crate::model::{Kind, Object, ObjectRef};
use documents::{Document, Scope};
use raw::{Raw, raw_of};
use validate::{Checker, quote};
use yaml_error::{Source, serde_error};

/// An object read from the input, with where it was.
#[derive(Debug, Clone)]
pub(crate) struct LoadedObject {
    /// The validated object, boxed: the objects of a big input wait in one vector until they
    /// are linked, and one the size of the largest kind (a Pod template's workload, 424 bytes)
    /// for each would hold 10 MB of 20k objects until the last is linked; a box is freed as its
    /// object is.
    pub object: Box<Object>,
    /// The object's first line (document, `items` index for a List entry, line).
    pub location: Location,
}

/// An object of a kind the simulator does not model (CronJob, ConfigMap, CRDs, …): listed,
/// not loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedObject {
    /// Where it was.
    pub location: Location,
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`, if any.
    pub namespace: Option<String>,
    /// `metadata.name`, if any.
    pub name: Option<String>,
}

/// The result of reading one input.
#[derive(Debug, Clone, Default)]
pub(crate) struct Batch {
    /// The modelled objects, in input order.
    pub objects: Vec<LoadedObject>,
    /// The objects of other kinds, in input order.
    pub skipped: Vec<SkippedObject>,
    /// The Corefiles of `kube-system/coredns` ConfigMaps, in input order (more than one is a
    /// duplicate, reported by the builder).
    pub corefiles: Vec<EmbeddedCorefile>,
    /// The data of the ConfigMap `kube-system/coredns-custom` as container files
    /// (`/etc/coredns/custom/<key>`), when the input holds it (the last one wins).
    pub custom_files: Option<std::collections::BTreeMap<String, String>>,
}

/// Reads every document of `text` with the default limits but for its size, capped at
/// `max_bytes`. All-or-nothing: any error means no objects. (The unit tests' entry point.)
#[cfg(test)]
pub(crate) fn parse_manifests(
    origin: Option<&str>,
    text: &str,
    max_bytes: usize,
) -> Result<Batch, Vec<LoadError>> {
    let limits = LoadLimits {
        max_input_bytes: max_bytes,
        ..LoadLimits::DEFAULT
    };
    parse_manifests_with(origin, text, &limits)
}

/// Reads every document of `text`. All-or-nothing: any error means no objects.
///
/// `origin` names the input in locations (usually a file name). An input longer than
/// `limits.max_input_bytes` is refused as a whole, before any parsing; a document that nests
/// or uses aliases beyond `limits` is refused before the YAML parser sees it.
pub(crate) fn parse_manifests_with(
    origin: Option<&str>,
    text: &str,
    limits: &LoadLimits,
) -> Result<Batch, Vec<LoadError>> {
    read_manifests(origin, text, limits, true).0
}

/// Where `field` of the object at `location` (one [`parse_manifests_with`] read from `text`)
/// is written: its line and column when they can be found, else `location` as it is. For the
/// checks made after reading (an apply that changes an immutable field), which have only the
/// object and its location.
pub(crate) fn place_field(text: &str, location: &Location, field: &str) -> Location {
    let mut placed = location.clone();
    let Some(document) = location.document.and_then(|number| {
        documents::split(text)
            .into_iter()
            .find(|d| d.number == number)
    }) else {
        return placed;
    };
    let lines = documents::lines(&document.text);
    let scope = match location.item {
        None => Some(Scope::whole(&lines)),
        Some(item) => {
            let block = documents::entries(&lines, &documents::segments("items"));
            match block.get(item) {
                Some((_, scope)) => Some(*scope),
                None => documents::json_items(&document.text).get(item).copied(),
            }
        }
    };
    let segments = documents::segments(field);
    let found = scope
        .and_then(|scope| documents::locate(&lines, scope, &segments, true))
        .filter(|found| found.depth == segments.len());
    if let Some(found) = found {
        let column = if found.line == 0 {
            document.first_column + found.column
        } else {
            found.column
        };
        placed.line = Some(document.first_line + found.line + 1);
        placed.column = Some(column + 1);
    }
    placed
}

/// [`parse_manifests_with`], the single pass on or off, and how many documents the detailed
/// path read.
fn read_manifests(
    origin: Option<&str>,
    text: &str,
    limits: &LoadLimits,
    single_pass: bool,
) -> (Result<Batch, Vec<LoadError>>, usize) {
    let mut loader = Loader {
        origin: origin.map(str::to_owned),
        limits: *limits,
        batch: Batch::default(),
        errors: Vec::new(),
        single_pass,
        read_again: 0,
    };
    if text.len() > limits.max_input_bytes {
        let location = loader.location(None, None, None);
        let error = LoadError::new(
            location,
            LoadErrorKind::TooLarge {
                size: text.len(),
                limit: limits.max_input_bytes,
            },
        );
        return (Err(vec![error]), 0);
    }
    for document in documents::split(text) {
        loader.document(&document);
    }
    let result = if loader.errors.is_empty() {
        Ok(loader.batch)
    } else {
        Err(loader.errors)
    };
    (result, loader.read_again)
}

/// The state of one [`parse_manifests`] call.
struct Loader {
    origin: Option<String>,
    limits: LoadLimits,
    batch: Batch,
    errors: Vec<LoadError>,
    /// Whether documents go through the [`single`] pass first (off only in the tests that
    /// compare it with the detailed path).
    single_pass: bool,
    /// How many documents the detailed path read (the unit tests check that good documents
    /// need it not).
    read_again: usize,
}

/// What the single pass loads of one object.
// Moved once, into the batch: a box would cost an allocation per object.
#[allow(clippy::large_enum_variant)]
enum Accepted {
    Object(LoadedObject),
    Skipped(SkippedObject),
    /// A modelled object that validation turned into nothing, without an error.
    Nothing,
}

/// Where an object sits: its document, and its `items` index inside a List.
struct Site<'d> {
    document: &'d Document<'d>,
    /// The document's lines.
    lines: &'d [&'d str],
    /// The lines the object covers, when known.
    window: Option<Scope>,
    item: Option<usize>,
    /// The 1-based line where the object starts.
    line: Option<usize>,
}

impl Loader {
    fn location(
        &self,
        document: Option<usize>,
        item: Option<usize>,
        line: Option<usize>,
    ) -> Location {
        Location {
            origin: self.origin.clone(),
            document,
            item,
            line,
            column: None,
        }
    }

    fn site_location(&self, site: &Site<'_>) -> Location {
        self.location(Some(site.document.number), site.item, site.line)
    }

    /// Records that `field` of the object at `site` has a value the API server refuses.
    fn refuse(
        &mut self,
        site: &Site<'_>,
        object: Option<ObjectRef>,
        field: &str,
        expected: String,
        found: String,
    ) {
        let mut checker = self.checker(site, object);
        checker.invalid(field, expected, found);
        self.errors.append(&mut checker.errors);
    }

    fn checker<'d>(&self, site: &Site<'d>, object: Option<ObjectRef>) -> Checker<'d> {
        Checker::new(
            site.lines,
            (site.document.first_line, site.document.first_column),
            site.window,
            self.site_location(site),
            object,
        )
    }

    fn document(&mut self, document: &Document) {
        let Some(first) = documents::first_content_line(&document.text) else {
            return; // blank or comment-only
        };
        if document.after_json_stream {
            let text = document.text.lines().nth(first).unwrap_or_default();
            let blanks = text.chars().take_while(|c| c.is_whitespace()).count();
            let (line, column) = document.input_position(first + 1, blanks + 1);
            let mut location = self.location(Some(document.number), None, Some(line));
            location.column = Some(column);
            self.errors.push(LoadError::new(
                location,
                LoadErrorKind::Syntax {
                    message: "expected another JSON object or the end of the input: an input \
                              that starts with JSON objects one after the other is read as JSON \
                              to its end, as kubectl reads it"
                        .to_owned(),
                },
            ));
            return;
        }
        let line = Some(document.first_line + first + 1);
        // The fast reader first, before the scan: it reads no aliases and nests less deeply
        // than the limit, so the scan has nothing to refuse in a document it reads.
        let mut read_fast = false;
        if self.single_pass
            && let Some(read) = single::read_block(&document.text, self.limits.max_depth)
        {
            if self.single(document, read, line) {
                return;
            }
            // Validation found an error: serde_yaml would read the same, so only the detailed
            // path is left, to word it.
            read_fast = true;
        }
        if let Err(found) = scan::check(&document.text, self.limits.budget()) {
            self.errors.push(self.breach(document, found));
            return;
        }
        if self.single_pass
            && !read_fast
            && let Some(read) = single::read_yaml(&document.text)
            && self.single(document, read, line)
        {
            return;
        }
        // The detailed path: the document's errors, or what the single pass does not read.
        self.read_again += 1;
        let lines = documents::lines(&document.text);
        let site = Site {
            document,
            lines: &lines,
            window: Some(Scope::whole(&lines)),
            item: None,
            line,
        };
        let mut value: Value = match serde_yaml::from_str(&document.text) {
            Ok(value) => value,
            Err(error) => {
                let location = self.site_location(&site);
                let mut error = serde_error(&error, location, Source::Document(document));
                // The document does not parse, but its object may still be named in it.
                error.object = text_identity(&lines);
                self.errors.push(error);
                return;
            }
        };
        if value.is_null() {
            return; // a document holding only `~` or `null`
        }
        // With merge keys applied, the objects are read from the merged value, not the text.
        let merged = merge::has_merge_keys(&value);
        if merged && let Err(bad) = merge::apply(&mut value, describe) {
            let object = value.as_mapping().and_then(identity);
            let mut checker = self.checker(&site, object);
            checker.report(
                &bad.field,
                LoadErrorKind::Syntax {
                    message: format!(
                        "expected a mapping or a sequence of mappings to merge, found {}",
                        bad.found
                    ),
                },
            );
            self.errors.append(&mut checker.errors);
            return;
        }
        let Some(map) = value.as_mapping() else {
            let location = self.site_location(&site);
            self.errors.push(LoadError::new(
                location,
                LoadErrorKind::Invalid {
                    expected: "a mapping with apiVersion and kind".to_owned(),
                    found: describe(&value),
                },
            ));
            return;
        };
        let Some((api_version, kind)) = self.header(&site, map) else {
            return;
        };
        let is_list = kind == "List" || (kind.ends_with("List") && map.contains_key("items"));
        if is_list {
            self.list(&site, map, &api_version, &kind);
        } else {
            let item = merged.then_some(&value);
            self.object(&site, map, &api_version, &kind, item);
        }
    }

    /// Loads what the [`single`] pass read of `document` (whose first content line is
    /// `line`), validated. False, with nothing loaded, when validation finds an error: the
    /// detailed path then reads the document again.
    fn single(&mut self, document: &Document, read: single::Read, line: Option<usize>) -> bool {
        match read {
            single::Read::Null => true,
            single::Read::One(entry) => match self.accept(document, entry, None, line) {
                Some(accepted) => {
                    self.keep(accepted);
                    true
                }
                None => false,
            },
            single::Read::List(entries) => {
                let places = if entries.is_empty() {
                    Vec::new()
                } else {
                    item_places(document, &documents::lines(&document.text), entries.len())
                };
                let mut accepted = Vec::with_capacity(entries.len());
                for (i, entry) in entries.into_iter().enumerate() {
                    let item_line = places.get(i).and_then(|place| place.0).or(line);
                    match self.accept(document, entry, Some(i), item_line) {
                        Some(entry) => accepted.push(entry),
                        None => return false,
                    }
                }
                for entry in accepted {
                    self.keep(entry);
                }
                true
            }
        }
    }

    /// Validates one object of the single pass; `None` when validation finds an error.
    fn accept(
        &self,
        document: &Document,
        entry: single::Entry,
        item: Option<usize>,
        line: Option<usize>,
    ) -> Option<Accepted> {
        let location = self.location(Some(document.number), item, line);
        Some(match entry {
            single::Entry::Typed(raw) => {
                let mut checker = Checker::new(&[], (document.first_line, 0), None, location, None);
                let object = validate(&mut checker, raw);
                let (location, errors) = checker.into_parts();
                if !errors.is_empty() {
                    return None;
                }
                match object {
                    Some(object) => Accepted::Object(LoadedObject {
                        object: Box::new(object),
                        location,
                    }),
                    None => Accepted::Nothing,
                }
            }
            single::Entry::Skipped {
                api_version,
                kind,
                namespace,
                name,
            } => Accepted::Skipped(SkippedObject {
                location,
                api_version,
                kind,
                namespace,
                name,
            }),
        })
    }

    fn keep(&mut self, accepted: Accepted) {
        match accepted {
            Accepted::Object(object) => self.batch.objects.push(object),
            Accepted::Skipped(skipped) => self.batch.skipped.push(skipped),
            Accepted::Nothing => {}
        }
    }

    /// The error for a document that breaks a limit the [`scan`] checks.
    fn breach(&self, document: &Document, found: scan::Found) -> LoadError {
        let (line, column) = document.input_position_of(found.offset);
        let mut location = self.location(Some(document.number), None, Some(line));
        location.column = Some(column);
        let kind = match found.breach {
            scan::Breach::Depth => LoadErrorKind::TooDeep {
                limit: self.limits.max_depth,
            },
            scan::Breach::Aliases { alias } => LoadErrorKind::TooManyAliases {
                alias,
                limit: self.limits.max_aliases,
            },
            scan::Breach::AliasBytes { alias, total } => LoadErrorKind::AliasesTooLarge {
                alias,
                limit: self.limits.max_alias_bytes,
                total,
            },
            scan::Breach::Recursive { alias } => LoadErrorKind::Syntax {
                message: format!(
                    "expected an alias of a complete node, found *{alias} inside the node &{alias} anchors"
                ),
            },
        };
        LoadError::new(location, kind)
    }

    /// Reads `apiVersion` and `kind`, reporting them when missing or not strings.
    fn header(&mut self, site: &Site<'_>, map: &Mapping) -> Option<(String, String)> {
        let mut read = |field: &str| {
            let mut checker = self.checker(site, None);
            match map.get(field) {
                Some(Value::String(text)) if !text.is_empty() => return Some(text.clone()),
                None | Some(Value::Null) | Some(Value::String(_)) => checker.missing(field),
                Some(other) => checker.invalid(field, "a string", describe(other)),
            }
            self.errors.append(&mut checker.errors);
            None
        };
        let api_version = read("apiVersion");
        let kind = read("kind");
        Some((api_version?, kind?))
    }

    /// Loads each entry of a List's `items`.
    fn list(&mut self, site: &Site<'_>, map: &Mapping, api_version: &str, kind: &str) {
        let items = match map.get("items") {
            None | Some(Value::Null) => return,
            Some(Value::Sequence(items)) => items,
            Some(other) => {
                let mut checker = self.checker(site, None);
                checker.invalid("items", "a sequence of objects", describe(other));
                self.errors.append(&mut checker.errors);
                return;
            }
        };
        let places = item_places(site.document, site.lines, items.len());
        // A typed list (`ServiceList`) straight from the API may leave `kind` and `apiVersion`
        // out of its items; they are those of the list without the `List` suffix.
        let item_kind = kind.strip_suffix("List").filter(|k| !k.is_empty());
        for (i, item) in items.iter().enumerate() {
            let (line, window) = places.get(i).copied().unwrap_or((None, None));
            let item_site = Site {
                document: site.document,
                lines: site.lines,
                window,
                item: Some(i),
                line: line.or(site.line),
            };
            let Some(item_map) = item.as_mapping() else {
                let location = self.site_location(&item_site);
                self.errors.push(LoadError::new(
                    location,
                    LoadErrorKind::Invalid {
                        expected: "a mapping with apiVersion and kind".to_owned(),
                        found: describe(item),
                    },
                ));
                continue;
            };
            let mut item_map = item_map.clone();
            if let (Some(item_kind), false) = (item_kind, item_map.contains_key("kind")) {
                item_map.insert("kind".into(), item_kind.into());
                if !item_map.contains_key("apiVersion") {
                    item_map.insert("apiVersion".into(), api_version.into());
                }
            }
            let Some((item_api_version, item_kind)) = self.header(&item_site, &item_map) else {
                continue;
            };
            self.object(
                &item_site,
                &item_map,
                &item_api_version,
                &item_kind,
                Some(&Value::Mapping(item_map.clone())),
            );
        }
    }

    /// Dispatches one object on (`apiVersion`, `kind`). `item` is the object's value when it
    /// is a List entry; a top-level object is deserialized from its document's text.
    fn object(
        &mut self,
        site: &Site<'_>,
        map: &Mapping,
        api_version: &str,
        kind: &str,
        item: Option<&Value>,
    ) {
        let metadata = |key: &str| {
            map.get("metadata")
                .and_then(|m| m.get(key))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        if api_version == "v1"
            && kind == "ConfigMap"
            && metadata("namespace").as_deref() == Some(EmbeddedCorefile::NAMESPACE)
            && metadata("name").as_deref() == Some(EmbeddedCorefile::NAME)
            && self.corefile(site, map)
        {
            return;
        }
        if api_version == "v1"
            && kind == "ConfigMap"
            && metadata("namespace").as_deref() == Some(EmbeddedCorefile::NAMESPACE)
            && metadata("name").as_deref() == Some(EmbeddedCorefile::CUSTOM_NAME)
        {
            self.batch.custom_files = Some(data_files(map, "/etc/coredns/custom"));
            return;
        }
        // The object a refused kind was meant to be, for the error to name.
        let named = |intended: Kind| {
            metadata("name").map(|name| {
                if intended.is_namespaced() {
                    let namespace = metadata("namespace").unwrap_or_else(|| "default".into());
                    ObjectRef::namespaced(intended, &namespace, &name)
                } else {
                    ObjectRef::cluster_scoped(intended, &name)
                }
            })
        };
        let (expected_version, model_kind) = match classify(api_version, kind) {
            Class::Modelled {
                expected_version,
                kind,
            } => (expected_version, kind),
            Class::WrongSpelling { intended } => {
                let expected = format!(
                    "{intended} (kinds are case-sensitive and singular; {} has no kind {})",
                    quote(api_version),
                    quote(kind)
                );
                self.refuse(site, named(intended), "kind", expected, quote(kind));
                return;
            }
            Class::WrongGroup {
                expected_version,
                intended,
            } => {
                let expected = format!(
                    "{expected_version} (the group {kind} belongs to; {} has no {kind})",
                    quote(api_version)
                );
                self.refuse(
                    site,
                    named(intended),
                    "apiVersion",
                    expected,
                    quote(api_version),
                );
                return;
            }
            Class::Other => {
                let location = self.site_location(site);
                self.batch.skipped.push(SkippedObject {
                    location,
                    api_version: api_version.to_owned(),
                    kind: kind.to_owned(),
                    namespace: metadata("namespace"),
                    name: metadata("name"),
                });
                return;
            }
        };
        let mut checker = self.checker(site, identity(map));
        if api_version != expected_version {
            checker.invalid(
                "apiVersion",
                format!("{expected_version} (the version of {kind} the simulator models)"),
                quote(api_version),
            );
            self.errors.append(&mut checker.errors);
            return;
        }
        let object = self
            .typed(site, &checker, model_kind, item)
            .and_then(|raw| validate(&mut checker, raw));
        self.errors.append(&mut checker.errors);
        if let Some(object) = object {
            let location = self.site_location(site);
            self.batch.objects.push(LoadedObject {
                object: Box::new(object),
                location,
            });
        }
    }

    /// Deserializes the object into the raw struct of `kind`, reporting a type error.
    fn typed(
        &mut self,
        site: &Site<'_>,
        checker: &Checker<'_>,
        kind: Kind,
        item: Option<&Value>,
    ) -> Option<Raw> {
        let location = self.site_location(site);
        let result = match item {
            None => raw_of(
                kind,
                serde_yaml::Deserializer::from_str(&site.document.text),
            )?
            .map_err(|e| serde_error(&e, location, Source::Document(site.document))),
            // A List entry (or a merged document) has no text of its own: write it out again
            // and read that, which keeps serde's field path; the line is then found by walking
            // the document.
            Some(value) => match serde_yaml::to_string(value) {
                Ok(text) => raw_of(kind, serde_yaml::Deserializer::from_str(&text))?,
                Err(error) => Err(error),
            }
            .map_err(|e| serde_error(&e, location, Source::Rewritten(checker))),
        };
        match result {
            Ok(raw) => Some(raw),
            Err(mut error) => {
                error.object = checker.object();
                self.errors.push(error);
                None
            }
        }
    }
}

/// Checks and defaults a raw object as the API server would.
fn validate(checker: &mut Checker<'_>, raw: Raw) -> Option<Object> {
    match raw {
        Raw::Service(raw) => validate::service(checker, raw).map(Object::Service),
        Raw::Endpoints(raw) => validate::endpoints(checker, raw).map(Object::Endpoints),
        Raw::EndpointSlice(raw) => {
            validate::endpoint_slice(checker, raw).map(Object::EndpointSlice)
        }
        Raw::Pod(raw) => validate::pod(checker, raw).map(Object::Pod),
        Raw::Namespace(raw) => validate::namespace(checker, raw).map(Object::Namespace),
        Raw::ServiceImport(raw) => {
            validate::service_import(checker, raw).map(Object::ServiceImport)
        }
        Raw::Workload(kind, raw) => validate::workload(checker, kind, raw).map(Object::Workload),
        Raw::ReplicationController(raw) => {
            validate::replication_controller(checker, raw).map(Object::Workload)
        }
        Raw::Job(raw) => validate::job(checker, raw).map(Object::Workload),
        Raw::Node(raw) => validate::node(checker, raw).map(Object::Node),
    }
}

/// Where each of a List document's `count` items starts (1-based, absolute line) and which
/// lines it covers, when that can be found: by walking block YAML (one walk for all items), or
/// by the layout of `kubectl get -o json` (lines only). Used only when the number of entries
/// found matches `count`.
fn item_places(
    document: &Document,
    lines: &[&str],
    count: usize,
) -> Vec<(Option<usize>, Option<Scope>)> {
    let absolute = |line: usize| Some(document.first_line + line + 1);
    let walked = documents::entries(lines, &documents::segments("items"));
    if walked.len() == count {
        return walked
            .into_iter()
            .map(|(found, scope)| (absolute(found.line), Some(scope)))
            .collect();
    }
    let json = documents::json_items(&document.text);
    if json.len() == count {
        return json
            .into_iter()
            .map(|scope| (absolute(scope.first), Some(scope)))
            .collect();
    }
    Vec::new()
}

/// A value's shape, for "expected a mapping, found …".
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", quote(s)),
        Value::Sequence(_) => "a sequence".to_owned(),
        Value::Mapping(_) => "a mapping".to_owned(),
        Value::Tagged(t) => format!("a value tagged {}", t.tag),
    }
}

#[cfg(test)]
mod tests;
