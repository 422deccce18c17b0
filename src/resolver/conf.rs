//! `/etc/resolv.conf`: the file the kubelet has written ([`ResolvConf`]), and the file as each
//! library reads it ([`LibraryConf`]), which is not the same thing (`docs/resolver-behaviour.md`
//! §2.2).

use std::fmt;
use std::net::IpAddr;

use crate::error::InvalidNameError;
use crate::qname;

use super::library::StubResolver;

/// glibc's, musl's and Go's cap on `ndots` (`RES_MAXNDOTS`).
pub const MAX_NDOTS: u8 = 15;
/// The kubelet's `ndots` for `ClusterFirst` Pods (`defaultDNSOptions`).
pub const KUBELET_NDOTS: u8 = 5;

/// A Pod's `/etc/resolv.conf` as the kubelet hands it to the container runtime (the CRI
/// `DNSConfig`): nameservers, search domains and options, as text, in order.
///
/// Its [`Display`](fmt::Display) is the file containerd writes (`search` line, one
/// `nameserver` line each, `options` line; an empty list writes no line). The stub resolvers
/// read that text, each in its own way ([`LibraryConf::read`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResolvConf {
    /// `nameserver` lines, in order (the libraries use the first three).
    pub nameservers: Vec<String>,
    /// The `search` line's domains, in order, as written.
    pub search: Vec<String>,
    /// `ndots` as glibc reads the options (1 without one, at most 15). Set it to change the
    /// file's `ndots` option: the file is written with this value.
    pub ndots: u8,
    /// The `options` line's entries (`ndots:5`, `edns0`, …), in order.
    pub options: Vec<String>,
}

impl Default for ResolvConf {
    fn default() -> Self {
        ResolvConf {
            nameservers: Vec::new(),
            search: Vec::new(),
            ndots: 1,
            options: Vec::new(),
        }
    }
}

/// A `resolv.conf` line that [`ResolvConf::parse`] refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
#[non_exhaustive]
pub struct ResolvConfError {
    /// The line, counted from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl ResolvConf {
    /// What the kubelet writes for a `ClusterFirst` Pod in `namespace` on a kubeadm cluster
    /// whose node file has no search domains: `search <ns>.svc.<zone> svc.<zone> <zone>`,
    /// `nameserver 10.96.0.10`, `options ndots:5` (see [`Kubelet`](super::Kubelet) for the whole
    /// derivation, with any cluster DNS address, the node's file, `dnsPolicy` and `dnsConfig`).
    ///
    /// # Errors
    /// An [`InvalidNameError`] when the namespace or zone do not make domain names.
    pub fn cluster_first(namespace: &str, zone: &str) -> Result<ResolvConf, InvalidNameError> {
        let zone = zone.trim_end_matches('.');
        let search = vec![
            format!("{namespace}.svc.{zone}"),
            format!("svc.{zone}"),
            zone.to_owned(),
        ];
        for domain in &search {
            qname::absolute(domain)?;
        }
        Ok(ResolvConf {
            nameservers: vec!["10.96.0.10".to_owned()],
            search,
            ndots: KUBELET_NDOTS,
            options: vec![format!("ndots:{KUBELET_NDOTS}")],
        })
    }

    /// Reads `resolv.conf` text into its parts, refusing what no library could use: a
    /// `nameserver` line without an IP address, a search domain that is not a domain name, an
    /// `ndots` value that is not a number. (The libraries themselves never refuse a file: they
    /// skip such lines or read them as something else; [`LibraryConf::read`] reads a text as
    /// each of them does.)
    ///
    /// Comments are whole lines whose first non-blank character is `#` or `;` (no library
    /// knows comments inside a line). The first three nameservers are kept (every library uses
    /// three at most); the last `search` or `domain` line wins (`domain` keeps its first word, as
    /// glibc and Go do); `options` lines add up.
    ///
    /// # Errors
    /// A [`ResolvConfError`] naming the line of a bad address, domain or `ndots` value.
    pub fn parse(text: &str) -> Result<ResolvConf, ResolvConfError> {
        let mut conf = ResolvConf::default();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let trimmed = line.trim_start();
            if trimmed.starts_with(['#', ';']) {
                continue;
            }
            let mut words = trimmed.split_whitespace();
            let Some(keyword) = words.next() else {
                continue;
            };
            let error = |message: String| ResolvConfError {
                line: number,
                message,
            };
            match keyword {
                "nameserver" => {
                    let address = words.next().ok_or_else(|| {
                        error("`nameserver`: expected an IP address, found nothing".to_owned())
                    })?;
                    let literal = address.split('%').next().unwrap_or_default();
                    if literal.parse::<IpAddr>().is_err() {
                        return Err(error(format!(
                            "`nameserver`: expected an IP address, found `{address}`"
                        )));
                    }
                    if conf.nameservers.len() < 3 {
                        conf.nameservers.push(address.to_owned());
                    }
                }
                "search" | "domain" => {
                    let domains: Vec<&str> = if keyword == "domain" {
                        words.take(1).collect()
                    } else {
                        words.collect()
                    };
                    for domain in &domains {
                        search_domain(domain, number)?;
                    }
                    if !domains.is_empty() {
                        conf.search = domains.into_iter().map(str::to_owned).collect();
                    }
                }
                "options" => {
                    for option in words {
                        if let Some(value) = option.strip_prefix("ndots:")
                            && (value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()))
                        {
                            return Err(error(format!(
                                "`ndots`: expected an integer of at least 0, found `{value}`"
                            )));
                        }
                        conf.options.push(option.to_owned());
                    }
                }
                _ => {}
            }
        }
        conf.ndots = options_ndots(&conf.options);
        Ok(conf)
    }

    /// The options as the file has them: [`ResolvConf::options`], with the `ndots` entry
    /// rewritten when [`ResolvConf::ndots`] says otherwise.
    pub fn written_options(&self) -> Vec<String> {
        if options_ndots(&self.options) == self.ndots {
            return self.options.clone();
        }
        let mut options = vec![format!("ndots:{}", self.ndots)];
        options.extend(
            self.options
                .iter()
                .filter(|option| !option.starts_with("ndots:"))
                .cloned(),
        );
        options
    }
}

/// The `ndots` glibc reads from an options list.
pub(crate) fn options_ndots(options: &[String]) -> u8 {
    let mut conf = LibraryConf::defaults(StubResolver::Glibc);
    for option in options {
        glibc_option(&mut conf, option);
    }
    conf.ndots
}

impl fmt::Display for ResolvConf {
    /// The file as containerd writes it (`parseDNSOptions`, `sandbox_run_linux.go`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.search.is_empty() {
            writeln!(f, "search {}", self.search.join(" "))?;
        }
        for server in &self.nameservers {
            writeln!(f, "nameserver {server}")?;
        }
        let options = self.written_options();
        if !options.is_empty() {
            writeln!(f, "options {}", options.join(" "))?;
        }
        Ok(())
    }
}

/// A search domain of line `line`, checked.
fn search_domain(text: &str, line: usize) -> Result<(), ResolvConfError> {
    qname::absolute(text.trim_end_matches('.'))
        .map(drop)
        .map_err(|error| ResolvConfError {
            line,
            message: format!(
                "search domain: expected a domain name, found `{text}`: {}",
                error.reason
            ),
        })
}

/// `/etc/resolv.conf` as one library reads it: what it will actually use.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LibraryConf {
    /// The library.
    pub library: StubResolver,
    /// The nameservers it sends to: at most three; `127.0.0.1` (Go: `127.0.0.1` and `::1`)
    /// when the file names none it can read.
    pub nameservers: Vec<IpAddr>,
    /// The search list, as the library keeps it (Go: each made absolute, `.` entries dropped;
    /// glibc and musl: as written). glibc and Go take the domain of a dotted hostname when the
    /// file has none.
    pub search: Vec<String>,
    /// `ndots` (default 1, at most 15).
    pub ndots: u8,
    /// `attempts` (default 2; glibc at most 5, musl at most 10, Go at least 1).
    pub attempts: u8,
    /// `timeout` in seconds (default 5; glibc at most 30, musl at most 60, Go at least 1).
    pub timeout: u8,
    /// `rotate` (glibc, Go).
    pub rotate: bool,
    /// `single-request` (glibc; Go reads both spellings as this).
    pub single_request: bool,
    /// `single-request-reopen` (glibc).
    pub single_request_reopen: bool,
    /// `use-vc` (glibc; Go also `usevc`, `tcp`): TCP only.
    pub use_vc: bool,
    /// `edns0` (glibc: OPT with payload 1200; Go always sends OPT, and ignores the option).
    pub edns0: bool,
    /// `no-aaaa` (glibc 2.36+).
    pub no_aaaa: bool,
    /// `trust-ad` (glibc; current Go): AD set in queries.
    pub trust_ad: bool,
    /// `no-tld-query` (glibc): a dotless name is not asked as is.
    pub no_tld_query: bool,
    /// Lines the library skipped whole (musl: 255 characters or more), counted from 1.
    pub skipped_lines: Vec<usize>,
    /// Go: an option or keyword it does not know (a cgo build would then hand lookups to libc,
    /// `docs/resolver-behaviour.md` §2.12).
    pub unknown_option: bool,
}

impl LibraryConf {
    fn defaults(library: StubResolver) -> LibraryConf {
        LibraryConf {
            library,
            nameservers: Vec::new(),
            search: Vec::new(),
            ndots: 1,
            attempts: 2,
            timeout: 5,
            rotate: false,
            single_request: false,
            single_request_reopen: false,
            use_vc: false,
            edns0: false,
            no_aaaa: false,
            trust_ad: false,
            no_tld_query: false,
            skipped_lines: Vec::new(),
            unknown_option: false,
        }
    }

    /// Reads `text` as `library` reads `/etc/resolv.conf`, in a pod whose `gethostname()` is
    /// `hostname` (glibc and Go take its domain as the search list when the file has none).
    pub fn read(library: StubResolver, text: &str, hostname: &str) -> LibraryConf {
        let mut conf = match library {
            StubResolver::Glibc => read_glibc(text),
            StubResolver::Musl | StubResolver::Musl1_2_3 => read_musl(library, text),
            StubResolver::Go => read_go(text),
        };
        if conf.search.is_empty() && matches!(library, StubResolver::Glibc | StubResolver::Go) {
            // glibc `domain_from_hostname` (res_init.c), Go `dnsDefaultSearch`.
            if let Some((_, domain)) = hostname.split_once('.')
                && !domain.is_empty()
            {
                conf.search = vec![match library {
                    StubResolver::Go => rooted(domain),
                    _ => domain.to_owned(),
                }];
            }
        }
        if conf.nameservers.is_empty() {
            conf.nameservers.push(IpAddr::from([127, 0, 0, 1]));
            if library == StubResolver::Go {
                conf.nameservers
                    .push(IpAddr::from(std::net::Ipv6Addr::LOCALHOST));
            }
        }
        conf
    }
}

/// glibc `res_vinit_1` and `res_setoptions` (res_init.c).
fn read_glibc(text: &str) -> LibraryConf {
    let mut conf = LibraryConf::defaults(StubResolver::Glibc);
    for line in text.split_inclusive('\n') {
        if line.starts_with([';', '#']) {
            continue;
        }
        let line = line.trim_end_matches('\n');
        if let Some(rest) = keyword(line, "domain") {
            if let Some(first) = rest.split([' ', '\t']).find(|word| !word.is_empty()) {
                conf.search = vec![first.to_owned()];
            }
        } else if let Some(rest) = keyword(line, "search") {
            let domains: Vec<String> = rest
                .split([' ', '\t'])
                .filter(|word| !word.is_empty())
                .map(str::to_owned)
                .collect();
            if !domains.is_empty() {
                conf.search = domains;
            }
        } else if let Some(rest) = keyword(line, "nameserver") {
            let word = rest
                .trim_start_matches([' ', '\t'])
                .split([' ', '\t'])
                .next()
                .unwrap_or_default();
            let address = super::literal::inet_aton(word).map(IpAddr::V4).or_else(|| {
                let bare = word.split('%').next().unwrap_or_default();
                bare.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)
            });
            if let Some(address) = address
                && conf.nameservers.len() < 3
            {
                conf.nameservers.push(address);
            }
        } else if let Some(rest) = keyword(line, "options") {
            for option in rest.split([' ', '\t']).filter(|word| !word.is_empty()) {
                glibc_option(&mut conf, option);
            }
        }
    }
    conf
}

fn glibc_option(conf: &mut LibraryConf, option: &str) {
    // `atoi`: leading digits, nothing (or garbage) is 0.
    let atoi = |value: &str| -> u64 {
        let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
        digits
            .parse::<u64>()
            .unwrap_or(if digits.is_empty() { 0 } else { u64::MAX })
    };
    let clamp = |value: u64, max: u8| u8::try_from(value).unwrap_or(max).min(max);
    if let Some(value) = option.strip_prefix("ndots:") {
        conf.ndots = clamp(atoi(value), MAX_NDOTS);
    } else if let Some(value) = option.strip_prefix("timeout:") {
        conf.timeout = clamp(atoi(value), 30);
    } else if let Some(value) = option.strip_prefix("attempts:") {
        conf.attempts = clamp(atoi(value), 5);
    } else {
        // Matched by prefix, in res_setoptions' order.
        type Set = fn(&mut LibraryConf);
        let flags: [(&str, Set); 10] = [
            ("rotate", |c| c.rotate = true),
            ("edns0", |c| c.edns0 = true),
            ("single-request-reopen", |c| c.single_request_reopen = true),
            ("single-request", |c| c.single_request = true),
            ("no_tld_query", |c| c.no_tld_query = true),
            ("no-tld-query", |c| c.no_tld_query = true),
            ("no-reload", |_| {}),
            ("use-vc", |c| c.use_vc = true),
            ("trust-ad", |c| c.trust_ad = true),
            ("no-aaaa", |c| c.no_aaaa = true),
        ];
        if let Some((_, set)) = flags.iter().find(|(name, _)| option.starts_with(name)) {
            set(conf);
        }
    }
}

/// glibc's `MATCH`: the keyword at column 0, followed by a space or a tab.
fn keyword<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(name)?;
    rest.starts_with([' ', '\t']).then_some(rest)
}

/// musl `__get_resolv_conf` (resolvconf.c): a 256-byte line buffer.
fn read_musl(library: StubResolver, text: &str) -> LibraryConf {
    let mut conf = LibraryConf::defaults(library);
    let mut search_line: Option<&str> = None;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        // `fgets` into 256 bytes: a line of 255 characters or more has no newline in the
        // buffer and is skipped whole (at the end of the file too: `feof` is not yet set).
        if line.len() >= 255 {
            conf.skipped_lines.push(index + 1);
            continue;
        }
        let space_after = |len: usize| {
            line.as_bytes()
                .get(len)
                .is_some_and(u8::is_ascii_whitespace)
                || (raw.len() == len + 1 && raw.ends_with('\n'))
        };
        if line.starts_with("options") && space_after(7) {
            // `strstr` anywhere in the line, the first occurrence; a digit must follow.
            if let Some(value) = musl_number(line, "ndots:", false) {
                conf.ndots = u8::try_from(value.min(15)).unwrap_or(MAX_NDOTS);
            }
            if let Some(value) = musl_number(line, "attempts:", false) {
                conf.attempts = u8::try_from(value.min(10)).unwrap_or(10);
            }
            if let Some(value) = musl_number(line, "timeout:", true) {
                conf.timeout = u8::try_from(value.min(60)).unwrap_or(60);
            }
            continue;
        }
        if line.starts_with("nameserver") && space_after(10) {
            if conf.nameservers.len() >= 3 {
                continue;
            }
            let rest = line.get(11..).unwrap_or_default();
            let word = rest
                .trim_start_matches(|c: char| c.is_ascii_whitespace())
                .split(|c: char| c.is_ascii_whitespace())
                .next()
                .unwrap_or_default();
            if let Some(address) = super::literal::musl_literal(word) {
                conf.nameservers.push(address);
            }
            continue;
        }
        if (line.starts_with("domain") || line.starts_with("search")) && space_after(6) {
            search_line = Some(line.get(7..).unwrap_or_default());
        }
    }
    if let Some(line) = search_line {
        conf.search = line
            .split(|c: char| c.is_ascii_whitespace())
            .filter(|word| !word.is_empty())
            .map(str::to_owned)
            .collect();
    }
    conf
}

/// musl: `strstr(line, key)`, then `strtoul` if a digit follows (or a `.` for `timeout:`).
fn musl_number(line: &str, key: &str, dot_allowed: bool) -> Option<u64> {
    let at = line.find(key)?;
    let value = &line[at + key.len()..];
    let first = value.chars().next()?;
    if !(first.is_ascii_digit() || (dot_allowed && first == '.')) {
        return None;
    }
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    Some(digits.parse::<u64>().unwrap_or(u64::MAX))
}

/// Go `dnsReadConfig` (dnsconfig_unix.go / dnsconfig.go), current tree.
fn read_go(text: &str) -> LibraryConf {
    let mut conf = LibraryConf::defaults(StubResolver::Go);
    for line in text.lines() {
        if line.starts_with([';', '#']) {
            continue;
        }
        let fields: Vec<&str> = line.split_ascii_whitespace().collect();
        let Some(&first) = fields.first() else {
            continue;
        };
        match first {
            "nameserver" => {
                if let Some(&address) = fields.get(1)
                    && conf.nameservers.len() < 3
                    && let Some(address) = super::literal::go_literal(address)
                {
                    conf.nameservers.push(address);
                }
            }
            "domain" => {
                if let Some(&domain) = fields.get(1) {
                    conf.search = vec![rooted(domain)];
                }
            }
            "search" => {
                conf.search = fields[1..]
                    .iter()
                    .filter(|domain| **domain != ".")
                    .map(|domain| rooted(domain))
                    .collect();
            }
            "options" => {
                for option in &fields[1..] {
                    go_option(&mut conf, option);
                }
            }
            "lookup" => {}
            _ => conf.unknown_option = true,
        }
    }
    conf
}

fn go_option(conf: &mut LibraryConf, option: &str) {
    // `dtoi`: leading decimal digits; none is 0.
    let dtoi = |value: &str| -> u64 {
        let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
        digits
            .parse::<u64>()
            .unwrap_or(if digits.is_empty() { 0 } else { u64::MAX })
    };
    if let Some(value) = option.strip_prefix("ndots:") {
        conf.ndots = u8::try_from(dtoi(value).min(15)).unwrap_or(MAX_NDOTS);
    } else if let Some(value) = option.strip_prefix("timeout:") {
        conf.timeout = u8::try_from(dtoi(value).max(1)).unwrap_or(u8::MAX);
    } else if let Some(value) = option.strip_prefix("attempts:") {
        conf.attempts = u8::try_from(dtoi(value).max(1)).unwrap_or(u8::MAX);
    } else {
        match option {
            "rotate" => conf.rotate = true,
            "single-request" | "single-request-reopen" => conf.single_request = true,
            "use-vc" | "usevc" | "tcp" => conf.use_vc = true,
            "trust-ad" => conf.trust_ad = true,
            "edns0" | "no-reload" => {}
            _ => conf.unknown_option = true,
        }
    }
}

/// Go's `ensureRooted`.
fn rooted(domain: &str) -> String {
    if domain.ends_with('.') {
        domain.to_owned()
    } else {
        format!("{domain}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_keeps_the_parts_and_refuses_what_no_library_uses() {
        let conf = ResolvConf::parse(
            "# written by the kubelet\nnameserver 10.96.0.10\nsearch a.example b.example\n\
             search shop.svc.cluster.local svc.cluster.local cluster.local\n  ; a comment\n\
             options ndots:20 edns0\noptions rotate\n",
        )
        .unwrap();
        assert_eq!(conf.nameservers, ["10.96.0.10"]);
        assert_eq!(conf.search.len(), 3, "the last search line wins");
        assert_eq!(
            conf.options,
            ["ndots:20", "edns0", "rotate"],
            "options lines add up"
        );
        assert_eq!(conf.ndots, 15, "capped at 15");
        let huge = ResolvConf::parse("options ndots:99999999999999\n").unwrap();
        assert_eq!(huge.ndots, 15, "clamped, however large");
        let mut edited = ResolvConf::parse("options edns0 ndots:2\n").unwrap();
        edited.ndots = 3;
        assert_eq!(
            edited.to_string(),
            "options ndots:3 edns0\n",
            "the field wins"
        );
        assert_eq!(
            ResolvConf::parse("domain corp.example other.example\n")
                .unwrap()
                .search,
            ["corp.example"]
        );
        // A `#` inside a line is no comment: it is read as a search domain.
        assert!(ResolvConf::parse("search a.example # note\n").is_err());
        let error = ResolvConf::parse("nameserver ten\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 1: `nameserver`: expected an IP address, found `ten`"
        );
    }

    #[test]
    fn the_runtime_writes_search_nameservers_options() {
        let conf = ResolvConf::cluster_first("shop", "cluster.local.").unwrap();
        assert_eq!(
            conf.to_string(),
            "search shop.svc.cluster.local svc.cluster.local cluster.local\n\
             nameserver 10.96.0.10\noptions ndots:5\n"
        );
        assert_eq!(ResolvConf::default().to_string(), "");
    }
}
