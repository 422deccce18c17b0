//! The plugins of a server block, as typed settings: [`PluginConfig`].

use std::net::IpAddr;

use hickory_proto::rr::{Name, Record};

use super::{Fallthrough, KubernetesConfig};

/// CoreDNS's `plugin.cfg` (v1.14.7): every plugin a build knows, in the order a query passes
/// through the plugins of a server block, whatever order the Corefile writes them in.
pub(crate) const PLUGIN_CFG: &[&str] = &[
    "root",
    "metadata",
    "geoip",
    "cancel",
    "proxyproto",
    "quic",
    "grpc_server",
    "https",
    "https3",
    "timeouts",
    "multisocket",
    "reload",
    "nsid",
    "bufsize",
    "bind",
    "debug",
    "trace",
    "ready",
    "health",
    "pprof",
    "shed",
    "prometheus",
    "errors",
    "log",
    "dnstap",
    "local",
    "dns64",
    "any",
    "chaos",
    "loadbalance",
    "tsig",
    "rewrite",
    "autopath",
    "acl",
    "cache",
    "header",
    "dnssec",
    "tls",
    "minimal",
    "template",
    "transfer",
    "hosts",
    "route53",
    "azure",
    "clouddns",
    "k8s_external",
    "kubernetes",
    "file",
    "auto",
    "secondary",
    "etcd",
    "loop",
    "forward",
    "grpc",
    "erratic",
    "whoami",
    "on",
    "sign",
    "view",
    "nomad",
];

/// The place of plugin `name` in `plugin.cfg` (`None` for a name CoreDNS does not know).
pub(crate) fn chain_position(name: &str) -> Option<usize> {
    PLUGIN_CFG.iter().position(|plugin| *plugin == name)
}

/// One plugin of a server block.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PluginConfig {
    /// `kubernetes`: the cluster's names.
    Kubernetes(KubernetesConfig),
    /// `hosts`: names and addresses from a hosts file and inline entries.
    Hosts(HostsConfig),
    /// `file`: authoritative zones read from zone files.
    File(FileConfig),
    /// `forward`: queries for its zone go to [`Config::upstream`](super::Config::upstream).
    Forward(ForwardConfig),
    /// `transfer`: zone transfers of the plugins that hold zones.
    Transfer(TransferConfig),
    /// `bind`: the addresses the server listens on.
    Bind(BindConfig),
    /// `loadbalance`: the order of address records in answers.
    Loadbalance(LoadbalanceConfig),
    /// `acl`: allow, block, filter or drop queries by name, type and client address.
    Acl(AclConfig),
    /// `chaos [VERSION [AUTHORS…]]`: CH-class TXT answers for `version.bind` and friends.
    Chaos(ChaosConfig),
    /// `autopath [ZONES…] @kubernetes|RESOLVCONF`: the search path walked on the server.
    Autopath(AutopathConfig),
    /// `rewrite`: the question changed for the plugins after it, the reply put back.
    Rewrite(super::RewriteConfig),
    /// `cache`: answers unchanged (the simulated server has no clock), listed in
    /// [`Config::not_simulated`](super::Config::not_simulated).
    Cache,
    /// `whoami`: the client's address and port.
    Whoami,
    /// `template`: answers made from templates for the names its regexes match.
    Template(super::TemplateConfig),
    /// A plugin that does not change answers (`errors`, `log`, `health`, `ready`,
    /// `prometheus`, `reload`, `loop`, `debug`, …): queries pass through it.
    Inert(String),
    /// A plugin that would change answers but is not simulated: queries pass through it, and
    /// [`Config::not_simulated`](super::Config::not_simulated) says so.
    NotSimulated(String),
}

impl PluginConfig {
    /// The directive's name (`"kubernetes"`, `"hosts"`, …).
    pub fn name(&self) -> &str {
        match self {
            PluginConfig::Kubernetes(_) => "kubernetes",
            PluginConfig::Hosts(_) => "hosts",
            PluginConfig::File(_) => "file",
            PluginConfig::Forward(_) => "forward",
            PluginConfig::Transfer(_) => "transfer",
            PluginConfig::Bind(_) => "bind",
            PluginConfig::Loadbalance(_) => "loadbalance",
            PluginConfig::Acl(_) => "acl",
            PluginConfig::Chaos(_) => "chaos",
            PluginConfig::Autopath(_) => "autopath",
            PluginConfig::Rewrite(_) => "rewrite",
            PluginConfig::Cache => "cache",
            PluginConfig::Whoami => "whoami",
            PluginConfig::Template(_) => "template",
            PluginConfig::Inert(name) | PluginConfig::NotSimulated(name) => name,
        }
    }

    /// Its place in a block's chain (`plugin.cfg` order); unknown names go last.
    pub(crate) fn chain_position(&self) -> usize {
        chain_position(self.name()).unwrap_or(usize::MAX)
    }
}

/// `hosts [FILE [ZONES…]] { ADDRESS NAME…; ttl N; no_reverse; reload D; fallthrough [ZONES…] }`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostsConfig {
    /// The hosts file, as written (`/etc/hosts` when none is).
    pub path: String,
    /// The zones it answers (its origins): the arguments after the file, else the block's.
    pub zones: Vec<Name>,
    /// The entries written inline in the Corefile.
    pub inline: Vec<HostsEntry>,
    /// The entries of the hosts file (empty when the file was not provided).
    pub file: Vec<HostsEntry>,
    /// `ttl` (default 3600).
    pub ttl: u32,
    /// Whether PTR records are made for the entries (`no_reverse` turns them off).
    pub reverse: bool,
    /// `fallthrough [ZONES…]`.
    pub fallthrough: Fallthrough,
    /// `fallthrough_unsupported`: types other than A, AAAA and PTR fall through too.
    pub fallthrough_unsupported: bool,
}

impl Default for HostsConfig {
    fn default() -> Self {
        HostsConfig {
            path: "/etc/hosts".to_owned(),
            zones: vec![Name::root()],
            inline: Vec::new(),
            file: Vec::new(),
            ttl: 3600,
            reverse: true,
            fallthrough: Fallthrough::Off,
            fallthrough_unsupported: false,
        }
    }
}

/// `file DBFILE [ZONES…] { fallthrough [ZONES…]; reload D; reload_by_mtime }`, every `file`
/// line of a server block together (CoreDNS sets the plugin up once per block).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FileConfig {
    /// The zones, in the order they are written (a later zone of the same origin replaces an
    /// earlier one, as in CoreDNS's map of zones).
    pub zones: Vec<FileZone>,
    /// `fallthrough [ZONES…]` (the last one written, shared by every `file` line of the block).
    pub fallthrough: Fallthrough,
}

/// One zone of a `file` plugin: its origin and the records its zone file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileZone {
    /// The zone's origin, lower-case and absolute.
    pub origin: Name,
    /// The zone file's container path (`/etc/coredns/db.example.org`).
    pub path: String,
    /// The records of the zone file as hickory-proto's zone-file parser reads them (relative
    /// names made absolute under the origin); the SOA among them.
    pub records: Vec<Record>,
}

/// One line of a hosts file: an address and its names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostsEntry {
    /// The address.
    pub address: IpAddr,
    /// Its names, lower-case and absolute, as written (a `*.` first label is a wildcard).
    pub names: Vec<Name>,
}

impl HostsEntry {
    /// An entry.
    pub fn new(address: IpAddr, names: Vec<Name>) -> HostsEntry {
        HostsEntry { address, names }
    }
}

/// `forward FROM TO… { except ZONES…; … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ForwardConfig {
    /// The zone it forwards (`.` for everything).
    pub from: Name,
    /// The destinations as written (`/etc/resolv.conf`, `8.8.8.8`, `tls://…`). Every one of
    /// them is the [`Upstream`](crate::Upstream).
    pub to: Vec<String>,
    /// `except`: zones it does not forward.
    pub except: Vec<Name>,
}

impl ForwardConfig {
    /// Whether a question for `name` is forwarded: inside `from` and not inside an `except`
    /// zone (CoreDNS `forward.go` `match`; the zone itself is never excepted).
    pub fn handles(&self, name: &Name) -> bool {
        if !self.from.zone_of(name) {
            return false;
        }
        let name = name.to_lowercase();
        name == self.from || !self.except.iter().any(|zone| zone.zone_of(&name))
    }

    /// `forward . /etc/resolv.conf`.
    pub fn everything() -> ForwardConfig {
        ForwardConfig {
            from: Name::root(),
            to: vec!["/etc/resolv.conf".to_owned()],
            except: Vec::new(),
        }
    }
}

/// `transfer [ZONES…] { to ADDRESS…|*; source ADDRESS }`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransferConfig {
    /// The zones it transfers (the block's when none is written).
    pub zones: Vec<Name>,
    /// Who may transfer: `*`, or addresses (a client must send from one of them).
    pub to: Vec<TransferPeer>,
}

/// One `to` of a `transfer` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransferPeer {
    /// `*`: any client.
    Anyone,
    /// A client sending from this address.
    Address(IpAddr),
}

impl TransferConfig {
    /// Transfers of `zones` to any client (`transfer ZONES { to * }`).
    pub fn to_anyone(zones: Vec<Name>) -> TransferConfig {
        TransferConfig {
            zones,
            to: vec![TransferPeer::Anyone],
        }
    }

    /// Whether a client at `address` may transfer.
    pub fn allows(&self, address: IpAddr) -> bool {
        self.to.iter().any(|peer| match peer {
            TransferPeer::Anyone => true,
            TransferPeer::Address(allowed) => *allowed == address,
        })
    }
}

/// `bind ADDRESS|IFACE… { except … }`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct BindConfig {
    /// The addresses bound (interface names and excepted addresses left out).
    pub addresses: Vec<IpAddr>,
}

/// `loadbalance [round_robin|weighted FILE|prefer CIDR…]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LoadbalanceConfig {
    /// `round_robin` (the default): A, AAAA and MX records shuffled.
    #[default]
    RoundRobin,
    /// Another policy (`weighted`, `prefer`): answers pass unchanged, listed as not
    /// simulated.
    Other(String),
}

/// `acl`: every `acl` directive of a block, each one a rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AclConfig {
    /// The rules, in Corefile order.
    pub rules: Vec<AclRule>,
}

/// One `acl [ZONES…] { POLICY… }` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AclRule {
    /// The zones it applies to (the block's when none is written).
    pub zones: Vec<Name>,
    /// Its policies, in order: the first that matches decides.
    pub policies: Vec<AclPolicy>,
}

/// One line of an `acl` block: `ACTION [type QTYPE…] [net CIDR…]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AclPolicy {
    /// What it does to a query it matches.
    pub action: AclAction,
    /// The query types it matches; `None` for every type (no `type`, or `type *`).
    pub types: Option<Vec<hickory_proto::rr::RecordType>>,
    /// The client networks it matches; `None` for every client (no `net`, or `net *`).
    pub nets: Option<Vec<ipnet::IpNet>>,
}

impl AclPolicy {
    /// Whether a query of `qtype` from `client` matches.
    pub fn matches(&self, qtype: hickory_proto::rr::RecordType, client: IpAddr) -> bool {
        self.types
            .as_ref()
            .is_none_or(|types| types.contains(&qtype))
            && self
                .nets
                .as_ref()
                .is_none_or(|nets| nets.iter().any(|net| net.contains(&client)))
    }
}

/// What an `acl` policy does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AclAction {
    /// `allow`: the query goes on to the next plugin, no later rule is checked.
    Allow,
    /// `block`: REFUSED.
    Block,
    /// `filter`: NOERROR with no records.
    Filter,
    /// `drop`: no reply at all.
    Drop,
}

/// `chaos [VERSION [AUTHORS…]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChaosConfig {
    /// What `version.bind` and `version.server` answer (`CoreDNS-1.14.7` when none is
    /// written).
    pub version: String,
    /// What `authors.bind` answers, sorted (empty when none are written: CoreDNS's own list of
    /// owners is not simulated).
    pub authors: Vec<String>,
}

/// `autopath [ZONES…] @PLUGIN|RESOLVCONF`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AutopathConfig {
    /// The zones it acts in (the block's when none are written).
    pub zones: Vec<Name>,
    /// Where the search path comes from.
    pub search: AutopathSearch,
}

/// Where `autopath` takes its search path from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AutopathSearch {
    /// `@kubernetes` (or another plugin's name): the querying Pod's search path, which only
    /// the `kubernetes` plugin of the same block gives (with `pods verified`).
    Plugin(String),
    /// The `search` domains of a resolv.conf file, the same for every client.
    Domains(Vec<Name>),
}
