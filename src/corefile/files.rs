//! The files a Corefile names (`hosts FILE`, `file ZONEFILE`, …), looked up in the CoreDNS
//! container, never on the machine running the simulator.
//!
//! CoreDNS reads such files from its own container: the Deployment mounts the `coredns`
//! ConfigMap at `/etc/coredns/`, its working directory is `/` (the image's `WORKDIR`), so a
//! relative path is a path under `/`. Answers must not depend on the host that runs the tests,
//! so [`Config::from_corefile`](crate::Config::from_corefile) reads no file at all, and the
//! caller says where the container's files come from: a directory standing for its root
//! ([`Config::from_corefile_in`](crate::Config::from_corefile_in)), or a map or closure from
//! path to contents ([`Config::from_corefile_with_files`](crate::Config::from_corefile_with_files)).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Where the files of the CoreDNS container come from: a map from path to contents, a closure,
/// or [`NoFiles`].
///
/// Paths are the container's, absolute and normalized (`/etc/coredns/NodeHosts`); `None` is a
/// file that does not exist.
///
/// ```
/// use std::collections::BTreeMap;
/// use k8s_dns_sim::CorefileFiles;
///
/// let files = BTreeMap::from([("/etc/coredns/NodeHosts".to_owned(), "10.0.0.1 node-1\n".to_owned())]);
/// assert_eq!(files.read("/etc/coredns/NodeHosts").as_deref(), Some("10.0.0.1 node-1\n"));
/// let none = |_: &str| None::<String>;
/// assert_eq!(none.read("/etc/hosts"), None);
/// ```
pub trait CorefileFiles {
    /// The contents of the file at `path`; `None` when there is none.
    fn read(&self, path: &str) -> Option<String>;

    /// The paths of the files directly in directory `dir` (no trailing `/`), for an `import`
    /// glob. The default lists none: a closure cannot be listed, so a glob matches nothing.
    fn list(&self, dir: &str) -> Vec<String> {
        let _ = dir;
        Vec::new()
    }
}

/// The keys of a map that are files directly in `dir`.
fn keys_in<'k>(keys: impl Iterator<Item = &'k str>, dir: &str) -> Vec<String> {
    let prefix = format!("{}/", dir.trim_end_matches('/'));
    keys.filter(|key| {
        key.strip_prefix(&prefix)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
    })
    .map(str::to_owned)
    .collect()
}

/// No file exists: what [`Config::from_corefile`](crate::Config::from_corefile) reads with.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFiles;

impl CorefileFiles for NoFiles {
    fn read(&self, _path: &str) -> Option<String> {
        None
    }
}

impl<F: Fn(&str) -> Option<String>> CorefileFiles for F {
    fn read(&self, path: &str) -> Option<String> {
        self(path)
    }
}

impl CorefileFiles for BTreeMap<String, String> {
    fn read(&self, path: &str) -> Option<String> {
        self.get(path).cloned()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        keys_in(self.keys().map(String::as_str), dir)
    }
}

impl CorefileFiles for HashMap<String, String> {
    fn read(&self, path: &str) -> Option<String> {
        self.get(path).cloned()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let mut paths = keys_in(self.keys().map(String::as_str), dir);
        paths.sort();
        paths
    }
}

impl CorefileFiles for &BTreeMap<String, String> {
    fn read(&self, path: &str) -> Option<String> {
        self.get(path).cloned()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        keys_in(self.keys().map(String::as_str), dir)
    }
}

impl CorefileFiles for BTreeMap<&str, &str> {
    fn read(&self, path: &str) -> Option<String> {
        self.get(path).map(|text| (*text).to_owned())
    }

    fn list(&self, dir: &str) -> Vec<String> {
        keys_in(self.keys().copied(), dir)
    }
}

/// A directory standing for the container's root: `/etc/coredns/NodeHosts` is
/// `dir/etc/coredns/NodeHosts`. Read at configuration time only.
#[derive(Debug, Clone)]
pub(crate) struct Root(pub(crate) PathBuf);

impl CorefileFiles for Root {
    fn read(&self, path: &str) -> Option<String> {
        let relative = Path::new(path.trim_start_matches('/'));
        std::fs::read_to_string(self.0.join(relative)).ok()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let relative = Path::new(dir.trim_start_matches('/'));
        let Ok(entries) = std::fs::read_dir(self.0.join(relative)) else {
            return Vec::new();
        };
        let mut paths: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
            .filter_map(|entry| entry.file_name().into_string().ok())
            .map(|name| format!("{}/{name}", dir.trim_end_matches('/')))
            .collect();
        paths.sort();
        paths
    }
}

/// The files an `import` argument names, as Caddy's `doImport` finds them: a relative path is
/// relative to the Corefile's directory (`/etc/coredns`, where the Deployment mounts it); a
/// pattern with `*`, `?` or `[` in its last component is a glob over that directory, in name
/// order. `Ok` with the paths (none for a glob that matches nothing), `Err` with the path for a
/// plain file that does not exist.
pub(crate) fn import_paths(
    files: &dyn CorefileFiles,
    argument: &str,
) -> Result<Vec<String>, String> {
    let path = if argument.starts_with('/') {
        container_path(argument)
    } else {
        container_path(&format!("/etc/coredns/{argument}"))
    };
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", &path));
    let is_glob = |text: &str| text.contains(['*', '?', '[']);
    if !is_glob(name) {
        return match files.read(&path) {
            Some(_) => Ok(vec![path]),
            None => Err(path),
        };
    }
    if is_glob(dir) {
        return Ok(Vec::new());
    }
    let mut matched: Vec<String> = files
        .list(if dir.is_empty() { "/" } else { dir })
        .into_iter()
        .filter(|candidate| {
            candidate
                .rsplit_once('/')
                .is_some_and(|(_, file)| glob_matches(name.as_bytes(), file.as_bytes()))
        })
        .collect();
    matched.sort();
    Ok(matched)
}

/// `filepath.Match` for one path component: `*` any run, `?` one byte, `[…]` a set or range
/// (`[!…]`/`[^…]` negated).
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| glob_matches(rest, &text[skip..])),
        Some((b'?', rest)) => text
            .split_first()
            .is_some_and(|(_, tail)| glob_matches(rest, tail)),
        Some((b'[', rest)) => {
            let Some(end) = rest.iter().position(|&b| b == b']') else {
                return false;
            };
            let (set, after) = (&rest[..end], &rest[end + 1..]);
            let (negated, set) = match set.split_first() {
                Some((b'!' | b'^', tail)) => (true, tail),
                _ => (false, set),
            };
            let Some((&first, tail)) = text.split_first() else {
                return false;
            };
            let mut found = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == b'-' {
                    found |= (set[i]..=set[i + 2]).contains(&first);
                    i += 3;
                } else {
                    found |= set[i] == first;
                    i += 1;
                }
            }
            found != negated && glob_matches(after, tail)
        }
        Some((&literal, rest)) => text
            .split_first()
            .is_some_and(|(&first, tail)| first == literal && glob_matches(rest, tail)),
    }
}

/// The container path a Corefile's `path` stands for: relative paths are under `/` (the
/// working directory), `.` and `..` components resolved, `..` never above the root.
pub(crate) fn container_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::{container_path, glob_matches};

    #[test]
    fn globs_match_as_filepath_match_does() {
        for (pattern, name, expected) in [
            ("*.server", "a.server", true),
            ("*.server", "a.override", false),
            ("*.server", ".server", true),
            ("?.server", "ab.server", false),
            ("[ab].server", "b.server", true),
            ("[!ab].server", "b.server", false),
            ("[a-c]x", "bx", true),
        ] {
            assert_eq!(
                glob_matches(pattern.as_bytes(), name.as_bytes()),
                expected,
                "{pattern} {name}"
            );
        }
    }

    #[test]
    fn paths_resolve_under_the_container_root() {
        for (path, expected) in [
            ("/etc/coredns/NodeHosts", "/etc/coredns/NodeHosts"),
            ("etc/hosts", "/etc/hosts"),
            ("./db.example.org", "/db.example.org"),
            ("/etc/../../etc//hosts", "/etc/hosts"),
        ] {
            assert_eq!(container_path(path), expected, "{path}");
        }
    }
}
