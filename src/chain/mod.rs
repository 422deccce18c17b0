//! The server around the plugins: which server block answers a question, and that block's
//! plugins, run in CoreDNS's compiled order.
//!
//! CoreDNS builds one plugin chain per server block (`core/dnsserver/server.go` `NewServer`)
//! and, for each query, picks the block by the longest zone that contains the question name
//! (`ServeDNS`). The plugins of the chain run in `plugin.cfg` order, whatever order the
//! Corefile writes them in; each one answers, hands the query to the next one, or changes it on
//! the way in (and the reply on the way back). When the last one hands it on, or a plugin
//! returns an error code without writing a reply, the server writes that code itself.
//!
//! [`Chain`] is that structure prepared once from a [`Config`] (the blocks of the port the
//! simulated server listens on, each plugin's tables built), and [`Chain::serve`] runs one
//! question through it. Answering stays pure: a question is a function of the chain, the
//! cluster snapshot and the [`Request`] (which carries the client's address, for the plugins
//! that look at it).
//!
//! The plugins that change answers each have a file: `hosts`, `file`, `whoami`, `acl`, `chaos`,
//! `autopath`, `loadbalance`, `rewrite` and `template`; `kubernetes` is `crate::answer`, and `forward` asks the
//! [`Upstream`]. Every other plugin a block holds lets the question pass (those that would
//! change answers are listed in [`Config::not_simulated`]).
//!
//! The rules are in `docs/coredns-rules.md` (35, 39–58).

mod acl;
mod autopath;
mod chaos;
mod file;
mod hosts;
mod loadbalance;
mod rewrite;
mod template;
pub(crate) mod trace;
mod whoami;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use hickory_proto::rr::{DNSClass, Name, RecordType};

use crate::answer::{Answer, Context, Outcome, Served, Zone};
use crate::cluster::Cluster;
use crate::config::{
    AclConfig, AutopathSearch, ChaosConfig, Config, ForwardConfig, KubernetesConfig,
    LoadbalanceConfig, PluginConfig, RewriteConfig, ServerBlock,
};
use crate::upstream::Upstream;
use crate::wire::Transport;
use hosts::HostsTable;
use trace::{Event, Trace};

/// The client address of a query that names none ([`crate::ClusterDns::handle_bytes`]):
/// `192.0.2.1` (TEST-NET-1, RFC 5737), outside every pod and node network a cluster uses.
pub const DEFAULT_CLIENT: SocketAddr =
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 40000);

/// A question through the server again (a CNAME target, `upstream.Lookup`) goes at most this
/// deep; past it the inner question is SERVFAIL.
const MAX_RESOLVE_DEPTH: u8 = 8;

/// One question as the plugins see it.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// The question name, as the client spelled it.
    pub(crate) name: Name,
    /// The question type.
    pub(crate) qtype: RecordType,
    /// Where the query came from.
    pub(crate) client: SocketAddr,
    /// The question class (IN unless the server lets other classes through, rule 31).
    pub(crate) class: DNSClass,
    /// Over what (`whoami` names it).
    pub(crate) transport: Transport,
    /// The query's id (`loadbalance` orders by it; 0 for a lookup without a message).
    pub(crate) id: u16,
    /// How many times the server was asked again to answer the question this one came from.
    depth: u8,
}

impl Request {
    /// The same question with another class.
    pub(crate) fn with_class(mut self, class: DNSClass) -> Request {
        self.class = class;
        self
    }

    /// The same question with the query's id.
    pub(crate) fn with_id(mut self, id: u16) -> Request {
        self.id = id;
        self
    }

    /// A question from `client` over `transport`.
    pub(crate) fn new(
        name: Name,
        qtype: RecordType,
        transport: Transport,
        client: SocketAddr,
    ) -> Request {
        Request {
            name,
            qtype,
            client,
            transport,
            class: DNSClass::IN,
            id: 0,
            depth: 0,
        }
    }
}

/// The prepared server: the blocks of one port, each with its plugins in chain order.
#[derive(Debug, Clone)]
pub(crate) struct Chain {
    blocks: Vec<Block>,
    upstream: Upstream,
    opens_classes: bool,
}

/// One server block, prepared.
#[derive(Debug, Clone)]
struct Block {
    /// Its zones (lower-case, absolute).
    zones: Vec<Name>,
    /// Its plugins in `plugin.cfg` order.
    plugins: Vec<Plugin>,
}

/// One plugin of a block, with what it answers from built.
#[derive(Debug, Clone)]
enum Plugin {
    Kubernetes {
        config: KubernetesConfig,
        zones: Vec<Zone>,
    },
    Hosts(HostsTable),
    File(file::FileTable),
    Forward(ForwardConfig),
    Whoami,
    Acl(AclConfig),
    Chaos(ChaosConfig),
    Autopath {
        zones: Vec<Name>,
        search: autopath::Search,
    },
    /// `loadbalance round_robin`: the reply's records shuffled on the way back.
    Loadbalance,
    Template(crate::config::TemplateConfig),
    /// `rewrite`: the question changed on the way in, the reply put back on the way out.
    Rewrite(RewriteConfig),
    /// A plugin queries pass through unchanged (its directive's name).
    Pass(String),
}

impl Plugin {
    /// The directive's name.
    fn name(&self) -> &str {
        match self {
            Plugin::Kubernetes { .. } => "kubernetes",
            Plugin::Hosts(_) => "hosts",
            Plugin::File(_) => "file",
            Plugin::Forward(_) => "forward",
            Plugin::Whoami => "whoami",
            Plugin::Acl(_) => "acl",
            Plugin::Chaos(_) => "chaos",
            Plugin::Autopath { .. } => "autopath",
            Plugin::Loadbalance => "loadbalance",
            Plugin::Template(_) => "template",
            Plugin::Rewrite(_) => "rewrite",
            Plugin::Pass(name) => name,
        }
    }
}

/// What a question is answered from besides the chain: the cluster snapshot.
pub(crate) struct World<'a> {
    pub(crate) cluster: &'a Cluster,
    /// Where the explaining path records what the server does; `None` when answering.
    pub(crate) trace: Option<&'a Trace>,
}

impl World<'_> {
    /// Records an event of a question `depth` deep, when tracing.
    fn note(&self, depth: u8, event: impl FnOnce() -> Event) {
        if let Some(trace) = self.trace {
            trace.note(depth, event());
        }
    }
}

impl Chain {
    /// Prepares the blocks of `config` that listen on [`Config::port`].
    pub(crate) fn new(config: &Config) -> Chain {
        let blocks = config
            .servers
            .iter()
            .filter(|block| block.listens_on(config.port))
            .map(Block::new)
            .collect();
        let opens_classes = config
            .servers
            .iter()
            .filter(|block| block.listens_on(config.port))
            .any(|block| block.has_plugin("chaos") || block.has_plugin("forward"));
        Chain {
            blocks,
            upstream: config.upstream.clone(),
            opens_classes,
        }
    }

    /// Whether questions of a class other than IN reach the chain (rule 31): some block of the
    /// port has `chaos` or `forward` (CoreDNS's `EnableChaos`; `proxy` no longer exists).
    pub(crate) fn opens_other_classes(&self) -> bool {
        self.opens_classes
    }

    /// The blocks of the port in [`Chain::serve`]'s order, each with its zones and, when its
    /// chain makes every reply to a question in the plugin's zones the `kubernetes` plugin's,
    /// that plugin's settings: the first plugin of the chain that does anything is
    /// `kubernetes` (the plugins before it let questions pass), so nothing rewrites the
    /// question on the way in or the reply on the way out; except that `loadbalance` may
    /// stand before it, which reorders sections of more than one record (the flag says
    /// whether one does). What `crate::server` prepares its answers for; a name error that
    /// the plugin's `fallthrough` hands on is for the caller to leave to the chain.
    pub(crate) fn kubernetes_blocks(
        &self,
    ) -> impl Iterator<Item = (&[Name], Option<(&KubernetesConfig, bool)>)> {
        self.blocks.iter().map(|block| {
            let mut shuffles = false;
            let mut kubernetes = None;
            for plugin in &block.plugins {
                match plugin {
                    Plugin::Pass(_) => {}
                    Plugin::Loadbalance => shuffles = true,
                    Plugin::Kubernetes { config, .. } => {
                        kubernetes = Some((config, shuffles));
                        break;
                    }
                    _ => break,
                }
            }
            (block.zones.as_slice(), kubernetes)
        })
    }

    /// The prepared zones of a `kubernetes` plugin's settings, for the zone listing.
    pub(crate) fn zones_of(config: &KubernetesConfig) -> Vec<Zone> {
        config
            .zones
            .iter()
            .map(|zone| Zone::new(zone, config))
            .collect()
    }

    /// Answers `request` as the server does (rule 39): the block of the longest zone that
    /// contains the name, REFUSED when none does; then its plugins, SERVFAIL when the last one
    /// passes the question on.
    pub(crate) fn serve(&self, world: &World<'_>, request: &Request) -> Answer {
        let depth = request.depth;
        world.note(depth, || Event::Question {
            name: request.name.clone(),
            qtype: request.qtype,
        });
        let Some((block, zone)) = self.block_for(&request.name, request.qtype) else {
            world.note(depth, || Event::NoBlock {
                zones: self.blocks.iter().flat_map(|b| b.zones.clone()).collect(),
            });
            return Answer::empty(Outcome::Refused);
        };
        world.note(depth, || Event::Block {
            zone: zone.clone(),
            plugins: block.plugins.iter().map(|p| p.name().to_owned()).collect(),
        });
        if block.plugins.is_empty() {
            // A block without plugins has no chain: CoreDNS refuses (server.go).
            world.note(depth, || Event::EmptyBlock);
            return Answer::empty(Outcome::Refused);
        }
        self.next(world, &block.plugins, request)
    }

    /// The block CoreDNS's `ServeDNS` picks for `name`: the longest zone containing it among
    /// the blocks (the first block of a zone when several name it); for DS the shortest one
    /// other than the root, as CoreDNS keeps looking for the parent; the root zone last.
    fn block_for(&self, name: &Name, qtype: RecordType) -> Option<(&Block, &Name)> {
        let mut best: Option<(&Block, &Name, usize)> = None;
        for block in &self.blocks {
            for zone in &block.zones {
                if zone.is_root() || !zone.zone_of(name) {
                    continue;
                }
                let labels = zone.num_labels() as usize;
                let better = match best {
                    None => true,
                    Some((_, _, found)) if qtype == RecordType::DS => labels < found,
                    Some((_, _, found)) => labels > found,
                };
                if better {
                    best = Some((block, zone, labels));
                }
            }
        }
        best.map(|(block, zone, _)| (block, zone)).or_else(|| {
            self.blocks.iter().find_map(|block| {
                let root = block.zones.iter().find(|zone| zone.is_root())?;
                Some((block, root))
            })
        })
    }

    /// Runs `request` through `plugins`, the rest of a block's chain.
    fn next(&self, world: &World<'_>, plugins: &[Plugin], request: &Request) -> Answer {
        let Some((plugin, rest)) = plugins.split_first() else {
            // plugin.NextOrFailure: no next plugin is SERVFAIL, written by the server.
            world.note(request.depth, || Event::EndOfChain);
            return Answer::empty(Outcome::ServFail);
        };
        // The plugin's note goes before those of the plugins it passes the question to.
        let slot = world.trace.map(|trace| trace.reserve(request.depth));
        let next = |request: &Request| self.next(world, rest, request);
        let (answer, answered) = self.run(world, plugin, rest, request, &next);
        if let (Some(trace), Some(slot)) = (world.trace, slot) {
            let outcome = answered.then_some(answer.outcome);
            let event = match plugin {
                Plugin::Kubernetes { config, zones } => Event::Kubernetes {
                    config: Box::new(config.clone()),
                    zones: zones.clone(),
                    name: request.name.clone(),
                    qtype: request.qtype,
                    answered: outcome,
                },
                _ => Event::Plugin {
                    name: plugin.name().to_owned(),
                    answered: outcome,
                },
            };
            trace.fill(slot, event);
        }
        answer
    }

    /// Runs one plugin (`rest` the plugins after it): its answer, and whether it wrote it
    /// (rather than the plugins after it).
    fn run(
        &self,
        world: &World<'_>,
        plugin: &Plugin,
        rest: &[Plugin],
        request: &Request,
        next: &dyn Fn(&Request) -> Answer,
    ) -> (Answer, bool) {
        let passed = |request: &Request| (next(request), false);
        let own = |answer: Answer| (answer, true);
        match plugin {
            Plugin::Kubernetes { config, zones } => {
                let resolve =
                    |name: &Name, qtype: RecordType| self.resolve(world, request, name, qtype);
                let context = Context {
                    cluster: world.cluster,
                    config,
                    zones,
                    serial: world.cluster.serial(),
                    resolve: Some(&resolve),
                };
                match context.serve(&request.name, request.qtype) {
                    Served::Answer(answer) => own(answer),
                    Served::Next => passed(request),
                    Served::Refused => own(Answer::empty(Outcome::Refused)),
                }
            }
            Plugin::Hosts(table) => table.serve(request).map_or_else(|| passed(request), own),
            Plugin::File(table) => {
                let resolve =
                    |name: &Name, qtype: RecordType| self.resolve(world, request, name, qtype);
                // CoreDNS's last plugin has no next handler; `on` installs none.
                let has_next = rest.iter().any(|plugin| plugin.name() != "on");
                match table.serve(request, has_next, &resolve) {
                    file::Served::Answer(answer) => own(answer),
                    file::Served::Next => passed(request),
                }
            }
            Plugin::Forward(forward) => {
                if forward.handles(&request.name) {
                    own(Answer::from_upstream(
                        self.upstream.lookup(&request.name, request.qtype),
                    ))
                } else {
                    passed(request)
                }
            }
            Plugin::Whoami => own(whoami::serve(request)),
            Plugin::Chaos(chaos) => {
                chaos::serve(chaos, request).map_or_else(|| passed(request), own)
            }
            Plugin::Autopath { zones, search } => {
                autopath::serve(zones, search, world.cluster, request, next)
                    .map_or_else(|| passed(request), own)
            }
            Plugin::Acl(rules) => acl::serve(rules, request).map_or_else(|| passed(request), own),
            Plugin::Loadbalance => {
                let mut answer = next(request);
                loadbalance::shuffle(
                    &mut answer,
                    request.qtype,
                    world.cluster.serial(),
                    request.id,
                );
                (answer, false)
            }
            Plugin::Template(templates) => {
                let resolve =
                    |name: &Name, qtype: RecordType| self.resolve(world, request, name, qtype);
                template::serve(templates, request, &resolve).map_or_else(|| passed(request), own)
            }
            Plugin::Rewrite(config) => rewrite::serve(config, request, next, &|before, after| {
                world.note(request.depth, || Event::Rewritten { before, after });
            }),
            Plugin::Pass(_) => passed(request),
        }
    }

    /// Asks the whole server about `name`/`qtype` on behalf of `request` (CoreDNS's
    /// `upstream.Lookup`: a new question from the same client, through block selection and the
    /// chain). `None` when no reply is written.
    fn resolve(
        &self,
        world: &World<'_>,
        request: &Request,
        name: &Name,
        qtype: RecordType,
    ) -> Option<Answer> {
        if request.depth >= MAX_RESOLVE_DEPTH {
            world.note(request.depth, || Event::TooDeep);
            return Some(Answer::empty(Outcome::ServFail));
        }
        let inner = Request {
            name: name.clone(),
            qtype,
            client: request.client,
            transport: request.transport,
            class: DNSClass::IN,
            id: request.id,
            depth: request.depth + 1,
        };
        let answer = self.serve(world, &inner);
        (answer.outcome != Outcome::NoReply).then_some(answer)
    }
}

impl Block {
    fn new(block: &ServerBlock) -> Block {
        let mut configs: Vec<&PluginConfig> = block.plugins.iter().collect();
        // A stable sort: plugins CoreDNS does not know keep their place at the end.
        configs.sort_by_key(|plugin| plugin.chain_position());
        let kubernetes = block.kubernetes();
        let plugins = configs
            .into_iter()
            .map(|config| Plugin::new(config, kubernetes))
            .collect();
        Block {
            zones: block.zones(),
            plugins,
        }
    }
}

impl Plugin {
    /// `kubernetes` is the block's `kubernetes` plugin, which `autopath @kubernetes` asks.
    fn new(config: &PluginConfig, kubernetes: Option<&KubernetesConfig>) -> Plugin {
        match config {
            PluginConfig::Kubernetes(kubernetes) => Plugin::Kubernetes {
                zones: Chain::zones_of(kubernetes),
                config: kubernetes.clone(),
            },
            PluginConfig::Hosts(hosts) => Plugin::Hosts(HostsTable::new(hosts)),
            PluginConfig::File(file) => Plugin::File(file::FileTable::new(file)),
            PluginConfig::Forward(forward) => Plugin::Forward(forward.clone()),
            PluginConfig::Whoami => Plugin::Whoami,
            PluginConfig::Acl(acl) => Plugin::Acl(acl.clone()),
            PluginConfig::Chaos(chaos) => Plugin::Chaos(chaos.clone()),
            PluginConfig::Autopath(autopath) => Plugin::Autopath {
                zones: autopath.zones.clone(),
                search: match (&autopath.search, kubernetes) {
                    (AutopathSearch::Domains(domains), _) => {
                        autopath::Search::Fixed(domains.clone())
                    }
                    (AutopathSearch::Plugin(name), Some(kubernetes)) if name == "kubernetes" => {
                        autopath::Search::Kubernetes {
                            zones: kubernetes.zones.clone(),
                            pods: kubernetes.pods,
                            extra: kubernetes.autopath_search.clone(),
                        }
                    }
                    _ => autopath::Search::Nothing,
                },
            },
            PluginConfig::Loadbalance(LoadbalanceConfig::RoundRobin) => Plugin::Loadbalance,
            PluginConfig::Template(templates) => Plugin::Template(templates.clone()),
            PluginConfig::Rewrite(rewrite) => Plugin::Rewrite(rewrite.clone()),
            other => Plugin::Pass(other.name().to_owned()),
        }
    }
}
