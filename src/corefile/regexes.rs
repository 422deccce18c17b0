//! The regular expressions of one Corefile (`rewrite … regex`, `template`'s `match`), compiled
//! within a bound.
//!
//! Both plugins take Go's RE2 syntax. Go's `regexp` means ASCII by `\d`, `\w`, `\s` and `\b`;
//! the `regex` crate's byte regexes with Unicode off mean the same, and compile an ASCII class
//! into one small state where a Unicode `\w` is hundreds (`\w{1000}` is refused as too big
//! with Unicode classes, and takes 81 KB without). What Unicode mode adds beyond that
//! (`\pL`, `\p{Greek}`) is refused here where Go accepts it (docs/coredns-rules.md, rule 73).
//!
//! Compiling takes time in proportion to the size of the compiled expression (about 5 ns per
//! byte of it, in release): `\pL{100}` is 4.8 MB, 23 ms, so 300 such lines (10 KB of
//! Corefile) took 22 s. Go compiles a class into one instruction and has no such cost; the
//! simulator bounds the total instead: a Corefile's expressions together may take
//! [`MAX_COMPILED_BYTES`]. The `regex` crate tells whether an expression fits a size, not its
//! size, so each is compiled with a limit of 4 KiB, then 16 KiB, and so on (each attempt stops
//! at its limit), and is charged the first limit that holds it: at most four times its size,
//! and the work of all attempts at most 4/3 of the charge. A typical expression
//! (`(.*)\.cluster\.local`, 3 KB) is charged 4 KiB, so a Corefile may hold 512 of them.

use regex::bytes::{Regex, RegexBuilder};

/// What a Corefile's regular expressions may be charged together (see the module docs).
pub(crate) const MAX_COMPILED_BYTES: usize = 2 << 20;

/// The first limit an expression is compiled with.
const FIRST_LIMIT: usize = 4 << 10;

/// Why an expression was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Not RE2 syntax as the `regex` crate reads it: the parser's last line of explanation.
    Syntax(String),
    /// It does not fit in what is left of [`MAX_COMPILED_BYTES`].
    TooBig {
        /// What was left for it, in bytes.
        left: usize,
    },
}

impl Refusal {
    /// What a refused expression should have been, for [`Refusal::TooBig`] with `left`.
    pub(super) fn too_big(left: usize) -> String {
        format!(
            "a regular expression that compiles within what the Corefile's expressions have \
             left ({left} of {MAX_COMPILED_BYTES} bytes; docs/coredns-rules.md, rule 52)"
        )
    }
}

/// Compiles a Corefile's expressions, charging each against [`MAX_COMPILED_BYTES`].
#[derive(Debug)]
pub(super) struct Regexes {
    left: usize,
}

impl Default for Regexes {
    fn default() -> Self {
        Regexes {
            left: MAX_COMPILED_BYTES,
        }
    }
}

impl Regexes {
    /// `text` compiled over bytes with ASCII classes, as Go's `regexp` reads it.
    pub(super) fn compile(&mut self, text: &str) -> Result<Regex, Refusal> {
        let mut limit = FIRST_LIMIT.min(self.left);
        loop {
            match RegexBuilder::new(text)
                .unicode(false)
                .size_limit(limit)
                .build()
            {
                Ok(regex) => {
                    self.left -= limit;
                    return Ok(regex);
                }
                Err(regex::Error::CompiledTooBig(_)) if limit < self.left => {
                    limit = limit.saturating_mul(4).min(self.left);
                }
                Err(regex::Error::CompiledTooBig(_)) => {
                    return Err(Refusal::TooBig { left: self.left });
                }
                Err(regex::Error::Syntax(why)) => {
                    return Err(Refusal::Syntax(
                        why.lines().last().unwrap_or_default().to_owned(),
                    ));
                }
                Err(other) => return Err(Refusal::Syntax(other.to_string())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_are_charged_the_first_limit_that_holds_them() {
        let mut regexes = Regexes::default();
        regexes.compile(r"(.*)\.cluster\.local").unwrap();
        assert_eq!(regexes.left, MAX_COMPILED_BYTES - FIRST_LIMIT);
        // 81 KB compiled: the 256 KiB limit is the first that holds it.
        regexes.compile(r"([a-z]{1000})").unwrap();
        assert_eq!(regexes.left, MAX_COMPILED_BYTES - FIRST_LIMIT - (256 << 10));
    }

    #[test]
    fn perl_classes_are_ascii_as_in_go() {
        let regex = Regexes::default().compile(r"^\w+$").unwrap();
        assert!(regex.is_match(b"web_1"));
        assert!(!regex.is_match("wéb".as_bytes()));
        // A thousand ASCII word characters compile small, as Go's do.
        Regexes::default().compile(r"(\w{1000})").unwrap();
    }

    #[test]
    fn the_budget_runs_out() {
        let mut regexes = Regexes::default();
        let mut compiled = 0;
        let refusal = loop {
            match regexes.compile(r"([a-z]{1000})") {
                Ok(_) => compiled += 1,
                Err(refusal) => break refusal,
            }
        };
        // Eight 256 KiB charges fill 2 MiB; what is left then holds nothing more.
        assert_eq!(compiled, 8);
        assert_eq!(refusal, Refusal::TooBig { left: 0 });
        assert!(matches!(
            Regexes::default().compile(r"(\pL)"),
            Err(Refusal::Syntax(_))
        ));
    }
}
