//! Reading a Corefile into a [`Config`].
//!
//! The Corefile is read the way CoreDNS v1.14.7 reads it (Caddy's lexer and parser, then each
//! plugin's setup), and the server block that holds the `kubernetes` directive becomes the
//! [`Config`]. What the simulator does with each plugin is listed in `plugins.rs`: plugins that do
//! not change the `kubernetes` plugin's answers are accepted silently; plugins that would change
//! answers but are not simulated are listed in [`Config::not_simulated`].

mod error;
mod hosts;
mod kubernetes;
mod lexer;
mod parser;
mod plugins;
mod stanza;

use std::net::IpAddr;

use hickory_proto::rr::Name;

use crate::config::{Config, NotSimulated, zones};
pub use error::{CorefileError, CorefileErrorKind};
use parser::ServerBlock;
use plugins::Treatment;

impl Config {
    /// Reads the server block of a Corefile that holds the `kubernetes` plugin.
    ///
    /// The syntax is CoreDNS's (Caddy's): server blocks `KEYS { … }`, one directive per line, an
    /// optional `{ … }` block of options after a directive, `#` comments, `"quoted tokens"`, and
    /// snippets (`(name) { … }` used with `import name`). When several server blocks hold a
    /// `kubernetes` directive, the first is read and the others are listed in
    /// [`Config::not_simulated`].
    ///
    /// ```
    /// use k8s_dns_sim::{Config, Fallthrough, PodMode};
    ///
    /// let config = Config::from_corefile(
    ///     "cluster.local:53 {\n    kubernetes {\n        pods verified\n        fallthrough\n    }\n}\n",
    /// )?;
    /// assert_eq!(config.zones[0].to_string(), "cluster.local.");
    /// assert_eq!(config.pods, PodMode::Verified);
    /// assert_eq!(config.fallthrough, Fallthrough::All);
    /// # Ok::<(), k8s_dns_sim::CorefileError>(())
    /// ```
    ///
    /// # Errors
    /// A [`CorefileError`] naming the line when the Corefile is not valid Caddyfile syntax, names
    /// a directive that is not a CoreDNS plugin, has a server block key that is not a zone, gives
    /// the `kubernetes`, `bind` or `transfer` directive an unknown option or a wrong argument,
    /// imports a file, uses environment substitution (`{$VAR}`), or has no `kubernetes`
    /// directive.
    pub fn from_corefile(text: &str) -> Result<Config, CorefileError> {
        let tokens = lexer::tokenize(text)?;
        let blocks = parser::parse(tokens)?;
        let mut block_zones = Vec::with_capacity(blocks.len());
        for block in &blocks {
            block_zones.push(zones_of_block(block)?);
        }

        let mut chosen: Option<(usize, Config)> = None;
        let mut others = Vec::new();
        for (index, block) in blocks.iter().enumerate() {
            let mut directives = block
                .directives
                .iter()
                .filter(|directive| directive.name() == "kubernetes");
            let Some(first) = directives.next() else {
                continue;
            };
            if let Some(second) = directives.next() {
                return Err(CorefileError::new(
                    second.line(),
                    CorefileErrorKind::DuplicateDirective {
                        directive: "kubernetes".to_owned(),
                        first: first.line(),
                    },
                ));
            }
            // Every `kubernetes` directive must be valid, as CoreDNS sets them all up.
            let mut config = Config::default();
            kubernetes::apply(&stanza::read(first)?, &block_zones[index], &mut config)?;
            if chosen.is_none() {
                chosen = Some((index, config));
            } else {
                others.push((index, first.line()));
            }
        }
        let Some((index, mut config)) = chosen else {
            return Err(CorefileError::new(
                blocks
                    .first()
                    .and_then(|block| block.keys.first())
                    .map_or(1, |key| key.line),
                CorefileErrorKind::NoKubernetes,
            ));
        };
        let block = &blocks[index];
        let chosen_line = block.keys.first().map_or(1, |key| key.line);
        for (other, line) in others {
            config.not_simulated.push(NotSimulated {
                line,
                directive: "kubernetes".to_owned(),
                reason: format!(
                    "the server block `{}` also runs the kubernetes plugin; only the first one (line {chosen_line}) is simulated",
                    keys_text(&blocks[other])
                ),
            });
        }
        apply_other_plugins(block, &block_zones[index], &mut config)?;
        config.not_simulated.sort_by_key(|n| n.line);
        Ok(config)
    }
}

/// The zones of a server block's keys, in order (CIDR keys expand to their reverse zones).
fn zones_of_block(block: &ServerBlock) -> Result<Vec<Name>, CorefileError> {
    let mut zones = Vec::new();
    for key in &block.keys {
        let expanded = zones::zones(&key.text).map_err(|expected| {
            CorefileError::new(
                key.line,
                CorefileErrorKind::InvalidKey {
                    key: key.text.clone(),
                    expected: expected.to_owned(),
                },
            )
        })?;
        zones.extend(expanded);
    }
    Ok(zones)
}

fn keys_text(block: &ServerBlock) -> String {
    block
        .keys
        .iter()
        .map(|key| key.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Applies `bind` and `transfer`, and records the plugins that are not simulated.
fn apply_other_plugins(
    block: &ServerBlock,
    block_zones: &[Name],
    config: &mut Config,
) -> Result<(), CorefileError> {
    let mut transfer_zones: Vec<(usize, Vec<Name>)> = Vec::new();
    for directive in &block.directives {
        let name = directive.name();
        match plugins::treatment(name) {
            Some(Treatment::Simulated) => match name {
                "bind" => apply_bind(&stanza::read(directive)?, config)?,
                "hosts" => hosts::apply(&stanza::read(directive)?, config)?,
                "transfer" => {
                    let stanza = stanza::read(directive)?;
                    let zones = read_transfer(&stanza, block_zones)?;
                    transfer_zones.push((stanza.line(), zones));
                }
                _ => {}
            },
            Some(Treatment::NotSimulated(reason)) => config.not_simulated.push(NotSimulated {
                line: directive.line(),
                directive: name.to_owned(),
                reason: reason.to_owned(),
            }),
            Some(Treatment::Silent) => {}
            // The parser refuses unknown directives.
            None => {
                return Err(CorefileError::new(
                    directive.line(),
                    CorefileErrorKind::UnknownDirective {
                        name: name.to_owned(),
                    },
                ));
            }
        }
    }
    for (line, zones) in transfer_zones {
        let covered: Vec<&Name> = config
            .zones
            .iter()
            .filter(|zone| zones.iter().any(|t| t.zone_of(zone)))
            .collect();
        if covered.is_empty() {
            config.not_simulated.push(NotSimulated {
                line,
                directive: "transfer".to_owned(),
                reason: "its zones do not include a zone of the kubernetes plugin, so it transfers nothing the simulator serves".to_owned(),
            });
            continue;
        }
        config.transfer = true;
        if covered.len() < config.zones.len() {
            config.not_simulated.push(NotSimulated {
                line,
                directive: "transfer".to_owned(),
                reason: "it covers only some of the kubernetes plugin's zones; the simulator allows transfers of all of them".to_owned(),
            });
        }
    }
    Ok(())
}

/// `bind ADDRESS|IFACE… [{ except ADDRESS|IFACE… }]`: IP literals become server addresses.
fn apply_bind(stanza: &stanza::Stanza, config: &mut Config) -> Result<(), CorefileError> {
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
            Err(_) => config.not_simulated.push(interface(token, "bind/except")),
        }
    }
    for token in &stanza.args {
        match token.text.parse::<IpAddr>() {
            Ok(ip) if excluded.contains(&ip) => {}
            Ok(ip) if ip.is_loopback() => config.not_simulated.push(NotSimulated {
                line: token.line,
                directive: "bind".to_owned(),
                reason: format!(
                    "`{ip}` is a loopback address, which the kubernetes plugin never uses as its own address"
                ),
            }),
            Ok(ip) => {
                if !config.server_addresses.contains(&ip) {
                    config.server_addresses.push(ip);
                }
            }
            Err(_) => config.not_simulated.push(interface(token, "bind")),
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

/// `transfer [ZONES…] { to ADDRESS…; source ADDRESS }`: returns the zones it covers.
fn read_transfer(
    stanza: &stanza::Stanza,
    block_zones: &[Name],
) -> Result<Vec<Name>, CorefileError> {
    let zones = if stanza.args.is_empty() {
        block_zones.to_vec()
    } else {
        kubernetes::zones_of("transfer", "transfer", &stanza.args)?
    };
    let mut has_to = false;
    let mut has_source = false;
    for option in &stanza.options {
        match option.name.text.as_str() {
            "to" => {
                if option.args.is_empty() {
                    return Err(option.wrong_count("transfer", "one or more addresses (or `*`)"));
                }
                has_to = true;
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
    Ok(zones)
}
