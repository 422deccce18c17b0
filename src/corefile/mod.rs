//! Reading a Corefile into a [`Config`].
//!
//! The Corefile is read the way CoreDNS v1.14.7 reads it (Caddy's lexer and parser, then each
//! plugin's setup): every server block becomes a [`ServerBlock`](crate::config::ServerBlock)
//! with its keys and its plugins as typed settings. What the simulator does with each plugin is
//! listed in `plugins.rs`: plugins that do not change answers are accepted silently; plugins
//! that would change answers but are not simulated are listed in [`Config::not_simulated`].

mod acl;
mod chaos;
mod error;
mod file;
mod files;
mod forward;
mod hosts;
mod kubernetes;
mod lexer;
mod parser;
mod plugins;
mod regexes;
mod rewrite;
mod stanza;
mod template;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::net::IpAddr;

use hickory_proto::rr::Name;

use crate::config::{
    BindConfig, Config, LoadbalanceConfig, NotSimulated, PluginConfig, Scheme, ServerBlock,
    ServerKey, TransferConfig, TransferPeer, zones,
};
pub use error::{CorefileError, CorefileErrorKind};
pub use files::{CorefileFiles, NoFiles};
use parser::{Directive, ServerBlock as ParsedBlock};
use plugins::Treatment;

/// kubeadm's Corefile (`cmd/kubeadm/app/phases/addons/dns/manifests.go`, the `CoreDNS`
/// ConfigMap), as `fixtures/corefiles/kubeadm.Corefile` holds it.
const KUBEADM_COREFILE: &str = include_str!("../../fixtures/corefiles/kubeadm.Corefile");

impl Config {
    /// kubeadm's default Corefile: one `.:53` block with `errors`, `health`, `ready`,
    /// `kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; fallthrough
    /// in-addr.arpa ip6.arpa; ttl 30 }`, `prometheus`, `forward . /etc/resolv.conf`,
    /// `cache 30`, `loop`, `reload` and `loadbalance`. Names outside `cluster.local.` go to
    /// `forward`, that is to [`Config::upstream`].
    ///
    /// ```
    /// use k8s_dns_sim::{Config, PodMode};
    ///
    /// let config = Config::kubeadm();
    /// let kubernetes = config.kubernetes().unwrap();
    /// assert_eq!(kubernetes.ttl, 30);
    /// assert_eq!(kubernetes.pods, PodMode::Insecure);
    /// assert!(config.servers[0].has_plugin("forward"));
    /// ```
    pub fn kubeadm() -> Self {
        Config::from_corefile(KUBEADM_COREFILE).expect("kubeadm's Corefile reads")
    }

    /// Reads a Corefile: every server block, with its plugins.
    ///
    /// The syntax is CoreDNS's (Caddy's): server blocks `KEYS { … }`, one directive per line, an
    /// optional `{ … }` block of options after a directive, `#` comments, `"quoted tokens"`, and
    /// snippets (`(name) { … }` used with `import name`). No file is read: a `hosts` file is
    /// missing (its inline entries answer, as CoreDNS answers when the file does not exist), an
    /// `import` glob matches nothing, and a `file` directive's zone file is missing, which is an
    /// error; see [`Config::from_corefile_in`] and
    /// [`Config::from_corefile_with_files`] to give the container's files.
    ///
    /// ```
    /// use k8s_dns_sim::{Config, Fallthrough, PodMode};
    ///
    /// let config = Config::from_corefile(
    ///     "cluster.local:53 {\n    kubernetes {\n        pods verified\n        fallthrough\n    }\n}\n",
    /// )?;
    /// let kubernetes = config.kubernetes().unwrap();
    /// assert_eq!(kubernetes.zones[0].to_string(), "cluster.local.");
    /// assert_eq!(kubernetes.pods, PodMode::Verified);
    /// assert_eq!(kubernetes.fallthrough, Fallthrough::All);
    /// # Ok::<(), k8s_dns_sim::CorefileError>(())
    /// ```
    ///
    /// # Errors
    /// A [`CorefileError`] naming the line when the Corefile is not valid Caddyfile syntax, names
    /// a directive that is not a CoreDNS plugin, has a server block key that is not a zone (or
    /// one another block already serves), gives a simulated plugin an unknown option or a wrong
    /// argument, imports a file that is not there (or names an `autopath` resolv.conf or a
    /// `file` zone file that is not, or a zone file that does not parse or has no SOA), or uses
    /// environment substitution (`{$VAR}`). An error inside an imported file names that file
    /// ([`CorefileError::file`]).
    pub fn from_corefile(text: &str) -> Result<Config, CorefileError> {
        read(text, &NoFiles)
    }

    /// Reads a Corefile whose files (`hosts FILE`, …) are under `dir`, which stands for the
    /// CoreDNS container's root: `/etc/coredns/NodeHosts` is `dir/etc/coredns/NodeHosts`, and a
    /// relative path is under it too (CoreDNS runs from `/`). The files are read now, once;
    /// answering never touches the filesystem.
    ///
    /// ```
    /// use k8s_dns_sim::{Config, ClusterDns, Cluster};
    /// use k8s_dns_sim::hickory_proto::rr::RecordType;
    ///
    /// let root = std::env::temp_dir().join(format!("k8s-dns-sim-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(root.join("etc/coredns"))?;
    /// std::fs::write(root.join("etc/coredns/NodeHosts"), "172.18.0.2 node-1\n")?;
    /// let config = Config::from_corefile_in(
    ///     ".:53 {\n    hosts /etc/coredns/NodeHosts {\n        fallthrough\n    }\n    kubernetes cluster.local\n}\n",
    ///     &root,
    /// )?;
    /// std::fs::remove_dir_all(&root)?;
    /// let dns = ClusterDns::new(Cluster::from_yaml("")?, config);
    /// let answer = dns.lookup("node-1", RecordType::A)?;
    /// assert_eq!(answer.answer_lines(), ["node-1. 3600 IN A 172.18.0.2"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Config::from_corefile`].
    pub fn from_corefile_in(text: &str, dir: &std::path::Path) -> Result<Config, CorefileError> {
        read(text, &files::Root(dir.to_owned()))
    }

    /// Reads a Corefile whose files come from `files`: a map from container path
    /// (`/etc/coredns/NodeHosts`) to contents, or a closure `Fn(&str) -> Option<String>`
    /// (see [`CorefileFiles`]). A path not there is a missing file.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use k8s_dns_sim::Config;
    ///
    /// let files = BTreeMap::from([("/etc/coredns/NodeHosts", "172.18.0.2 node-1")]);
    /// let config = Config::from_corefile_with_files(
    ///     ".:53 {\n    hosts /etc/coredns/NodeHosts\n}\n",
    ///     files,
    /// )?;
    /// let hosts = config.servers[0].plugins.iter().find_map(|plugin| match plugin {
    ///     k8s_dns_sim::PluginConfig::Hosts(hosts) => Some(hosts),
    ///     _ => None,
    /// });
    /// assert_eq!(hosts.unwrap().file.len(), 1);
    /// # Ok::<(), k8s_dns_sim::CorefileError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Config::from_corefile`].
    pub fn from_corefile_with_files(
        text: &str,
        files: impl CorefileFiles,
    ) -> Result<Config, CorefileError> {
        read(text, &files)
    }
}

/// The most reverse zones the CIDRs of one Corefile may stand for (keys and zone arguments
/// together). A CIDR off a label boundary, such as `10.0.0.0/9`, stands for up to 128 zones;
/// real Corefiles name a few. CoreDNS has no limit: this one bounds what a short Corefile can
/// make the simulator build and search.
pub const MAX_CIDR_ZONES: usize = 4_096;

/// The most zones the `kubernetes` plugins of one Corefile may hold together (each zone is
/// prepared when the server is made and matched on every question). CoreDNS has no limit: a
/// snippet of a thousand zones imported into a thousand blocks would otherwise ask for a
/// million.
pub const MAX_KUBERNETES_ZONES: usize = 4_096;

/// Reads `text`, its files from `files`.
fn read(text: &str, files: &dyn CorefileFiles) -> Result<Config, CorefileError> {
    let tokens = lexer::tokenize(text)?;
    let parsed = parser::parse(tokens, files)?;
    let blocks = &parsed.blocks;
    if blocks.is_empty() {
        return Err(CorefileError::new(1, CorefileErrorKind::NoServerBlock));
    }
    check_reverse_zone_count(&parsed)?;
    let mut config = Config {
        servers: Vec::with_capacity(blocks.len()),
        ..Config::default()
    };
    // The line of the first key serving each zone, port and transport.
    let mut seen: HashMap<(Name, u16, Scheme), usize> = HashMap::new();
    let mut kubernetes_zones = 0;
    let mut regexes = regexes::Regexes::default();
    for block in blocks {
        let keys = keys_of_block(block).map_err(|error| parsed.locate(error, block.keys.iter()))?;
        for (key, line) in &keys {
            match seen.entry((key.zone.clone(), key.port, key.scheme)) {
                Entry::Occupied(first) => {
                    return Err(CorefileError::new(
                        *line,
                        CorefileErrorKind::DuplicateZone {
                            zone: key.zone.to_string(),
                            port: key.port,
                            first: *first.get(),
                        },
                    ));
                }
                Entry::Vacant(vacant) => {
                    vacant.insert(*line);
                }
            }
        }
        let keys: Vec<ServerKey> = keys.into_iter().map(|(key, _)| key).collect();
        let plugins = read_plugins(
            block,
            &keys,
            files,
            &parsed.imported,
            &mut config.not_simulated,
            &mut regexes,
        )?;
        kubernetes_zones += plugins
            .iter()
            .map(|plugin| match plugin {
                PluginConfig::Kubernetes(kubernetes) => kubernetes.zones.len(),
                _ => 0,
            })
            .sum::<usize>();
        if kubernetes_zones > MAX_KUBERNETES_ZONES {
            // This block's `kubernetes` line (its first key's, were there none).
            let at = block
                .directives
                .iter()
                .find(|d| d.name() == kubernetes::KUBERNETES)
                .map(|d| &d.name)
                .into_iter()
                .chain(&block.keys);
            let error = CorefileError::new(
                at.clone().next().map_or(1, |token| token.line),
                CorefileErrorKind::TooManyKubernetesZones {
                    count: kubernetes_zones,
                    limit: MAX_KUBERNETES_ZONES,
                },
            );
            return Err(parsed.locate(error, at.take(1)));
        }
        config.servers.push(ServerBlock { keys, plugins });
    }
    config.port = served_port(&config.servers);
    config.not_simulated.sort_by_key(|n| n.line);
    Ok(config)
}

/// Refuses a Corefile whose CIDRs stand for more than [`MAX_CIDR_ZONES`] reverse zones, before
/// any is built. Every token is counted, wherever it stands: a CIDR that is not a zone (an
/// `acl` network) counts too, which only a Corefile near the limit could notice.
fn check_reverse_zone_count(parsed: &parser::Parsed) -> Result<(), CorefileError> {
    let mut count = 0;
    for block in &parsed.blocks {
        let tokens = block
            .keys
            .iter()
            .chain(block.directives.iter().flat_map(|d| &d.tokens));
        for token in tokens {
            count += zones::cidr_zone_count(&token.text);
            if count > MAX_CIDR_ZONES {
                let error = CorefileError::new(
                    token.line,
                    CorefileErrorKind::TooManyReverseZones {
                        cidr: token.text.clone(),
                        count,
                        limit: MAX_CIDR_ZONES,
                    },
                );
                return Err(parsed.locate(error, std::iter::once(token)));
            }
        }
    }
    Ok(())
}

/// The port the simulated server answers on: 53 when a block serves plain DNS there, else the
/// port of the first block that serves plain DNS at all. A Corefile of `.:5353` (OpenShift's)
/// is reached through its Service, which maps port 53 to 5353: Pods asking port 53 get what
/// the 5353 blocks answer, not a refusal from blocks that are not there.
fn served_port(servers: &[ServerBlock]) -> u16 {
    const DNS_PORT: u16 = 53;
    if servers.iter().any(|block| block.listens_on(DNS_PORT)) {
        return DNS_PORT;
    }
    servers
        .iter()
        .flat_map(|block| &block.keys)
        .find(|key| key.scheme == crate::config::Scheme::Dns)
        .map_or(DNS_PORT, |key| key.port)
}

/// The keys of a server block, each with its line (CIDR keys expand to their reverse zones).
fn keys_of_block(block: &ParsedBlock) -> Result<Vec<(ServerKey, usize)>, CorefileError> {
    let mut keys = Vec::new();
    for key in &block.keys {
        let parsed = zones::key(&key.text).map_err(|expected| {
            CorefileError::new(
                key.line,
                CorefileErrorKind::InvalidKey {
                    key: key.text.clone(),
                    expected: expected.to_owned(),
                },
            )
        })?;
        for zone in parsed.zones {
            keys.push((
                ServerKey {
                    zone,
                    port: parsed.port.unwrap_or(parsed.scheme.default_port()),
                    scheme: parsed.scheme,
                },
                key.line,
            ));
        }
    }
    Ok(keys)
}

/// The directives of a block grouped by name, in the order each name first appears (CoreDNS
/// sets each plugin up once, over every line that names it).
fn grouped(block: &ParsedBlock) -> Vec<(&str, Vec<&Directive>)> {
    let mut groups: Vec<(&str, Vec<&Directive>)> = Vec::new();
    for directive in &block.directives {
        match groups
            .iter_mut()
            .find(|(name, _)| *name == directive.name())
        {
            Some((_, all)) => all.push(directive),
            None => groups.push((directive.name(), vec![directive])),
        }
    }
    groups
}

/// Reads the plugins of one block.
fn read_plugins(
    block: &ParsedBlock,
    keys: &[ServerKey],
    files: &dyn CorefileFiles,
    imported: &[String],
    notes: &mut Vec<NotSimulated>,
    regexes: &mut regexes::Regexes,
) -> Result<Vec<PluginConfig>, CorefileError> {
    let block_zones: Vec<Name> = keys.iter().map(|key| key.zone.clone()).collect();
    let mut plugins = Vec::new();
    let mut bound: Vec<IpAddr> = Vec::new();
    for (name, directives) in grouped(block) {
        let mut group = Group {
            block_zones: &block_zones,
            root: root_of(block),
            files,
            notes: &mut *notes,
            plugins: &mut plugins,
            bound: &mut bound,
            regexes: &mut *regexes,
        };
        // An error names the imported file its directive's line is in.
        group.read(name, &directives).map_err(|error| {
            let tokens = directives
                .iter()
                .flat_map(|directive| std::iter::once(&directive.name).chain(&directive.tokens));
            parser::locate(imported, error, tokens)
        })?;
    }
    // The kubernetes plugin's own addresses are those its block binds; its autopath search
    // domains those of the container's /etc/resolv.conf (setup.go searchFromResolvConf).
    let resolv = files
        .read("/etc/resolv.conf")
        .map(|text| resolv_search(&text))
        .unwrap_or_default();
    for plugin in &mut plugins {
        if let PluginConfig::Kubernetes(kubernetes) = plugin {
            kubernetes.server_addresses.clone_from(&bound);
            kubernetes.autopath_search.clone_from(&resolv);
        }
    }
    note_file_transfers(block, &plugins, notes);
    Ok(plugins)
}

/// A `transfer` covering a zone of `file`: CoreDNS transfers it, the simulator refuses.
fn note_file_transfers(
    block: &ParsedBlock,
    plugins: &[PluginConfig],
    notes: &mut Vec<NotSimulated>,
) {
    let transfer_zones: Vec<&Name> = plugins
        .iter()
        .filter_map(|plugin| match plugin {
            PluginConfig::Transfer(transfer) => Some(&transfer.zones),
            _ => None,
        })
        .flatten()
        .collect();
    let covered: Vec<String> = plugins
        .iter()
        .filter_map(|plugin| match plugin {
            PluginConfig::File(file) => Some(&file.zones),
            _ => None,
        })
        .flatten()
        .filter(|zone| {
            transfer_zones
                .iter()
                .any(|covering| covering.zone_of(&zone.origin))
        })
        .map(|zone| format!("`{}`", zone.origin))
        .collect();
    let line = block
        .directives
        .iter()
        .find(|d| d.name() == "transfer")
        .map(Directive::line);
    if let (Some(line), false) = (line, covered.is_empty()) {
        notes.push(NotSimulated {
            line,
            directive: "transfer".to_owned(),
            reason: format!(
                "transfers of the file plugin's zones ({}) are not simulated: AXFR and IXFR of them are REFUSED",
                covered.join(", ")
            ),
        });
    }
}

/// What reading one plugin of a block (every directive of its name) works with.
struct Group<'a> {
    block_zones: &'a [Name],
    /// The block's `root` directory, which relative `file` paths are under.
    root: Option<String>,
    files: &'a dyn CorefileFiles,
    notes: &'a mut Vec<NotSimulated>,
    plugins: &'a mut Vec<PluginConfig>,
    /// The addresses the block's `bind` names.
    bound: &'a mut Vec<IpAddr>,
    /// The Corefile's regular expressions so far.
    regexes: &'a mut regexes::Regexes,
}

impl Group<'_> {
    /// Reads the directives of plugin `name` into the block's plugins.
    fn read(&mut self, name: &str, directives: &[&Directive]) -> Result<(), CorefileError> {
        let Group {
            block_zones,
            root,
            files,
            notes,
            plugins,
            bound,
            regexes,
        } = self;
        let (block_zones, files) = (*block_zones, *files);
        let note = |line: usize, reason: &str| NotSimulated {
            line,
            directive: name.to_owned(),
            reason: reason.to_owned(),
        };
        match plugins::treatment(name) {
            Some(Treatment::Simulated) => match name {
                "kubernetes" => {
                    let first = once(directives)?;
                    let kubernetes = kubernetes::read(&stanza::read(first)?, block_zones, notes)?;
                    plugins.push(PluginConfig::Kubernetes(kubernetes));
                }
                "hosts" => {
                    let first = once(directives)?;
                    let hosts = hosts::read(&stanza::read(first)?, block_zones, files, notes)?;
                    plugins.push(PluginConfig::Hosts(hosts));
                }
                "file" => {
                    let file = file::read(directives, block_zones, root.as_deref(), files)?;
                    plugins.push(PluginConfig::File(file));
                }
                "forward" => {
                    for directive in directives {
                        let forward = forward::read(&stanza::read(directive)?)?;
                        plugins.push(PluginConfig::Forward(forward));
                    }
                }
                "bind" => {
                    let mut bind = BindConfig::default();
                    for directive in directives {
                        read_bind(&stanza::read(directive)?, &mut bind, notes)?;
                    }
                    bound.clone_from(&bind.addresses);
                    plugins.push(PluginConfig::Bind(bind));
                }
                "transfer" => {
                    let mut transfer = TransferConfig {
                        zones: Vec::new(),
                        to: Vec::new(),
                    };
                    for directive in directives {
                        let stanza = stanza::read(directive)?;
                        let (zones, to) = read_transfer(&stanza, block_zones, notes)?;
                        // One transfer plugin: each stanza adds its zones and peers.
                        transfer.zones.extend(zones);
                        transfer.to.extend(to);
                    }
                    plugins.push(PluginConfig::Transfer(transfer));
                }
                "loadbalance" => {
                    let first = once(directives)?;
                    let stanza = stanza::read(first)?;
                    let policy = match stanza.args.first().map(|t| t.text.as_str()) {
                        None | Some("round_robin") => LoadbalanceConfig::RoundRobin,
                        Some(other) => {
                            notes.push(note(
                                stanza.line(),
                                &format!("the `{other}` policy is not simulated: answers keep their order"),
                            ));
                            LoadbalanceConfig::Other(other.to_owned())
                        }
                    };
                    plugins.push(PluginConfig::Loadbalance(policy));
                }
                "cache" => {
                    notes.push(note(
                        directives[0].line(),
                        "answers are unchanged: no TTL counts down, and a cluster change is seen at once (no cached answer outlives it)",
                    ));
                    plugins.push(PluginConfig::Cache);
                }
                "acl" => {
                    let mut rules = Vec::new();
                    for directive in directives {
                        rules.push(acl::read(&stanza::read(directive)?, block_zones)?);
                    }
                    plugins.push(PluginConfig::Acl(crate::config::AclConfig { rules }));
                }
                "autopath" => {
                    let stanza = stanza::read(once(directives)?)?;
                    let Some((last, zones)) = stanza.args.split_last() else {
                        return Err(stanza
                            .wrong_count("a resolv.conf file or @PLUGIN, after optional zones"));
                    };
                    let search = match last.text.strip_prefix('@') {
                        Some(plugin) => crate::config::AutopathSearch::Plugin(plugin.to_owned()),
                        None => {
                            let path = files::container_path(&last.text);
                            let Some(text) = files.read(&path) else {
                                return Err(CorefileError::new(
                                    last.line,
                                    CorefileErrorKind::InvalidValue {
                                        directive: "autopath".to_owned(),
                                        option: "autopath".to_owned(),
                                        expected: format!(
                                            "a resolv.conf file that was provided (`{path}` was not)"
                                        ),
                                        found: last.text.clone(),
                                    },
                                ));
                            };
                            crate::config::AutopathSearch::Domains(resolv_search(&text))
                        }
                    };
                    let zones = if zones.is_empty() {
                        block_zones.to_vec()
                    } else {
                        kubernetes::zones_of("autopath", "autopath", zones)?
                    };
                    plugins.push(PluginConfig::Autopath(crate::config::AutopathConfig {
                        zones,
                        search,
                    }));
                }
                "chaos" => {
                    let stanza = stanza::read(once(directives)?)?;
                    if let Some(option) = stanza.options.first() {
                        return Err(option.unknown("chaos", "no block"));
                    }
                    // setup.go: each string at most 255 bytes.
                    let trim = |text: &str| {
                        let mut end = text.len().min(255);
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        text[..end].to_owned()
                    };
                    let texts: Vec<&str> = stanza.args.iter().map(|t| t.text.as_str()).collect();
                    let version = texts
                        .first()
                        .map_or_else(|| "CoreDNS-1.14.7".to_owned(), |v| trim(v));
                    // setup.go: without authors, CoreDNS's own owners (zowners.go).
                    let mut authors: Vec<String> = if texts.len() < 2 {
                        chaos::COREDNS_OWNERS
                            .iter()
                            .map(|&owner| owner.to_owned())
                            .collect()
                    } else {
                        texts.iter().skip(1).map(|a| trim(a)).collect()
                    };
                    authors.sort();
                    authors.dedup();
                    plugins.push(PluginConfig::Chaos(crate::config::ChaosConfig {
                        version,
                        authors,
                    }));
                }
                "template" => {
                    let mut templates = Vec::new();
                    for directive in directives {
                        templates.push(template::read(
                            &stanza::read(directive)?,
                            block_zones,
                            regexes,
                        )?);
                    }
                    plugins.push(PluginConfig::Template(crate::config::TemplateConfig {
                        templates,
                    }));
                }
                "rewrite" => {
                    plugins.push(PluginConfig::Rewrite(rewrite::read(
                        directives, notes, regexes,
                    )?));
                }
                "whoami" => {
                    for directive in directives {
                        let stanza = stanza::read(directive)?;
                        if !stanza.args.is_empty() || !stanza.options.is_empty() {
                            return Err(stanza.wrong_count("no arguments"));
                        }
                    }
                    plugins.push(PluginConfig::Whoami);
                }
                _ => plugins.push(PluginConfig::Inert(name.to_owned())),
            },
            Some(Treatment::NotSimulated(reason)) => {
                for directive in directives {
                    notes.push(note(directive.line(), reason));
                }
                plugins.push(PluginConfig::NotSimulated(name.to_owned()));
            }
            Some(Treatment::Silent) => plugins.push(PluginConfig::Inert(name.to_owned())),
            // The parser refuses unknown directives.
            None => {
                return Err(CorefileError::new(
                    directives[0].line(),
                    CorefileErrorKind::UnknownDirective {
                        name: name.to_owned(),
                    },
                ));
            }
        }
        Ok(())
    }
}

/// The directory of the block's `root` directive (`root PATH`), which relative `file` paths
/// are under.
fn root_of(block: &ParsedBlock) -> Option<String> {
    block
        .directives
        .iter()
        .rev()
        .find(|directive| directive.name() == "root")
        .and_then(|directive| directive.tokens.first())
        .map(|token| token.text.clone())
}

/// The one directive of a plugin that may be used once per server block.
fn once<'d>(directives: &[&'d Directive]) -> Result<&'d Directive, CorefileError> {
    match directives {
        [first, second, ..] => Err(CorefileError::new(
            second.line(),
            CorefileErrorKind::DuplicateDirective {
                directive: first.name().to_owned(),
                first: first.line(),
            },
        )),
        [first] => Ok(first),
        [] => unreachable!("a group holds at least one directive"),
    }
}

/// `bind ADDRESS|IFACE… [{ except ADDRESS|IFACE… }]`: IP literals become the block's addresses.
fn read_bind(
    stanza: &stanza::Stanza,
    bind: &mut BindConfig,
    notes: &mut Vec<NotSimulated>,
) -> Result<(), CorefileError> {
    if stanza.args.is_empty() {
        return Err(stanza.wrong_count("one or more addresses or interface names"));
    }
    let mut except = Vec::new();
    for option in &stanza.options {
        if option.name.text != "except" {
            return Err(option.unknown("bind", "`except`"));
        }
        if option.args.is_empty() {
            return Err(option.wrong_count("bind", "one or more addresses or interface names"));
        }
        // A repeated `except` replaces the earlier one, as in CoreDNS.
        except = option.args.clone();
    }
    let mut excluded = Vec::new();
    for token in &except {
        match token.text.parse::<IpAddr>() {
            Ok(ip) => excluded.push(ip),
            Err(_) => notes.push(interface(token, "bind/except")),
        }
    }
    for token in &stanza.args {
        match token.text.parse::<IpAddr>() {
            Ok(ip) if excluded.contains(&ip) => {}
            Ok(ip) if ip.is_loopback() => notes.push(NotSimulated {
                line: token.line,
                directive: "bind".to_owned(),
                reason: format!(
                    "`{ip}` is a loopback address, which the kubernetes plugin never uses as its own address"
                ),
            }),
            Ok(ip) => {
                if !bind.addresses.contains(&ip) {
                    bind.addresses.push(ip);
                }
            }
            Err(_) => notes.push(interface(token, "bind")),
        }
    }
    Ok(())
}

fn interface(token: &lexer::Token, directive: &str) -> NotSimulated {
    NotSimulated {
        line: token.line,
        directive: directive.to_owned(),
        reason: format!(
            "`{}` is not an IP address; as an interface name its addresses cannot be known here, so it is ignored",
            token.text
        ),
    }
}

/// `transfer [ZONES…] { to ADDRESS…; source ADDRESS }`: its zones and who may transfer.
fn read_transfer(
    stanza: &stanza::Stanza,
    block_zones: &[Name],
    notes: &mut Vec<NotSimulated>,
) -> Result<(Vec<Name>, Vec<TransferPeer>), CorefileError> {
    let zones = if stanza.args.is_empty() {
        block_zones.to_vec()
    } else {
        kubernetes::zones_of("transfer", "transfer", &stanza.args)?
    };
    let mut to = Vec::new();
    let mut has_to = false;
    let mut has_source = false;
    for option in &stanza.options {
        match option.name.text.as_str() {
            "to" => {
                if option.args.is_empty() {
                    return Err(option.wrong_count("transfer", "one or more addresses (or `*`)"));
                }
                has_to = true;
                for arg in &option.args {
                    match transfer_peer(&arg.text) {
                        Some(peer) => to.push(peer),
                        None => notes.push(NotSimulated {
                            line: arg.line,
                            directive: "transfer".to_owned(),
                            reason: format!(
                                "`{}` is not an address; no client is allowed by it",
                                arg.text
                            ),
                        }),
                    }
                }
            }
            "source" => {
                let [address] = option.args.as_slice() else {
                    return Err(option.wrong_count("transfer", "one argument (an IP address)"));
                };
                if has_source {
                    return Err(CorefileError::new(
                        option.line(),
                        CorefileErrorKind::DuplicateOption {
                            directive: "transfer".to_owned(),
                            option: "source".to_owned(),
                        },
                    ));
                }
                if address.text.parse::<IpAddr>().is_err() {
                    return Err(option.invalid("transfer", "an IP address", &address.text));
                }
                has_source = true;
            }
            _ => return Err(option.unknown("transfer", "`to` or `source`")),
        }
    }
    if !has_to {
        return Err(CorefileError::new(
            stanza.line(),
            CorefileErrorKind::MissingOption {
                directive: "transfer".to_owned(),
                option: "to ADDRESS…".to_owned(),
            },
        ));
    }
    Ok((zones, to))
}

/// A `to` of `transfer`: `*`, or an address with or without a port (`10.0.0.1`,
/// `10.0.0.1:53`, `[fd00::1]:53`).
fn transfer_peer(text: &str) -> Option<TransferPeer> {
    if text == "*" {
        return Some(TransferPeer::Anyone);
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(TransferPeer::Address(ip));
    }
    text.parse::<std::net::SocketAddr>()
        .ok()
        .map(|address| TransferPeer::Address(address.ip()))
}

/// The `search` domains of a resolv.conf text (the last `search` or `domain` line wins, as
/// miekg/dns's `ClientConfigFromReader` reads it), lower-case and absolute.
fn resolv_search(text: &str) -> Vec<Name> {
    let mut search = Vec::new();
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        match fields.next() {
            Some("search") => {
                search = fields.filter_map(crate::config::normalize_zone).collect();
            }
            Some("domain") => {
                search = fields
                    .take(1)
                    .filter_map(crate::config::normalize_zone)
                    .collect();
            }
            _ => {}
        }
    }
    search
}
