//! Deterministic stand-ins for the random parts of controller-made names.
//!
//! Kubernetes names generated objects from a prefix plus five random characters
//! (`names.SimpleNameGenerator` in apiserver's `storage/names`, drawing from
//! `k8s.io/apimachinery/pkg/util/rand`), and encodes template hashes with
//! `rand.SafeEncodeString` (the decimal digits of an FNV-32a hash mapped onto the same
//! alphabet). Both use an alphabet without vowels or look-alike characters, so that no
//! generated name spells a word. The simulator keeps the alphabet and the shapes but replaces
//! randomness with a stable hash, so the same manifests always give the same names.

/// Kubernetes' "safe" alphabet for generated names (`util/rand`, `alphanums`): no vowels, no
/// `0`, `1`, `3`, so no words and no look-alikes.
pub(crate) const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The length of the random suffix `names.SimpleNameGenerator` appends.
pub(crate) const SUFFIX_LEN: usize = 5;

/// The longest `generateName` prefix kept before the suffix: `63 - 5`, as
/// `SimpleNameGenerator` truncates (`maxGeneratedNameLength`).
pub(crate) const MAX_PREFIX_LEN: usize = 63 - SUFFIX_LEN;

/// FNV-1a (64 bit) over `parts`, each followed by a `/` separator: small and stable across
/// platforms and Rust versions, unlike `std`'s hasher.
pub(crate) fn fnv1a64(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(b'/')) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// FNV-1a (32 bit), the hash the Deployment and DaemonSet controllers use for template
/// hashes (`controller.ComputeHash`).
pub(crate) fn fnv1a32(parts: &[&str]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(b'/')) {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    hash
}

/// Five characters of the safe alphabet derived from `parts`: the deterministic replacement
/// for `utilrand.String(5)`.
pub(crate) fn suffix(parts: &[&str]) -> String {
    let mut hash = fnv1a64(parts);
    let base = SAFE_ALPHABET.len() as u64;
    let mut out = String::with_capacity(SUFFIX_LEN);
    for _ in 0..SUFFIX_LEN {
        out.push(char::from(SAFE_ALPHABET[(hash % base) as usize]));
        hash /= base;
    }
    out
}

/// `rand.SafeEncodeString` of a 32-bit hash's decimal form: each digit byte mapped onto the
/// safe alphabet, giving the 8–10 character `pod-template-hash` / revision hash shape.
pub(crate) fn safe_encode(hash: u32) -> String {
    hash.to_string()
        .bytes()
        .map(|b| char::from(SAFE_ALPHABET[usize::from(b) % SAFE_ALPHABET.len()]))
        .collect()
}

/// The prefix `generateName: <base>-` gives, truncated as `SimpleNameGenerator` does.
pub(crate) fn generate_name_prefix(base: &str) -> String {
    let mut prefix = format!("{base}-");
    if prefix.len() > MAX_PREFIX_LEN {
        // Names are ASCII after validation; cut on a char boundary anyway.
        let mut cut = MAX_PREFIX_LEN;
        while !prefix.is_char_boundary(cut) {
            cut -= 1;
        }
        prefix.truncate(cut);
    }
    prefix
}

/// A stand-in for the random UUID the API server gives an object (`metadata.uid`): a version-4
/// shaped UUID hashed from `parts`.
pub(crate) fn uid(parts: &[&str]) -> String {
    let high = fnv1a64(&[&["uid", "high"][..], parts].concat());
    let low = fnv1a64(&[&["uid", "low"][..], parts].concat());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xfff,
        0x8000 | ((low >> 48) & 0x3fff),
        low & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_use_the_safe_alphabet_and_are_stable() {
        let a = suffix(&["default", "web", "0"]);
        assert_eq!(a.len(), SUFFIX_LEN);
        assert!(a.bytes().all(|b| SAFE_ALPHABET.contains(&b)));
        assert_eq!(a, suffix(&["default", "web", "0"]));
        assert_ne!(a, suffix(&["default", "web", "1"]));
        // The separator keeps `a/bc` and `ab/c` apart.
        assert_ne!(suffix(&["a", "bc"]), suffix(&["ab", "c"]));
    }

    #[test]
    fn safe_encode_maps_each_decimal_digit() {
        // SafeEncodeString maps byte b to alphabet[b % 27]: '0' (48) → index 21 → '4'.
        assert_eq!(safe_encode(0), "4");
        assert_eq!(safe_encode(u32::MAX).len(), 10);
    }

    #[test]
    fn uids_are_stable_and_shaped_like_version_4_uuids() {
        let id = uid(&["default", "job"]);
        assert_eq!(id, uid(&["default", "job"]));
        assert_ne!(id, uid(&["default", "other"]));
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12], "{id}");
        assert_eq!(&id[14..15], "4", "{id}");
    }

    #[test]
    fn generate_name_prefixes_are_truncated_like_simple_name_generator() {
        assert_eq!(generate_name_prefix("web"), "web-");
        let long = "a".repeat(70);
        assert_eq!(generate_name_prefix(&long).len(), MAX_PREFIX_LEN);
    }
}
