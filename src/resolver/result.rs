//! What a resolution records: every query, every reply, and what the application gets.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::RecordType;

use crate::answer::{Answer, Outcome};
use crate::wire::Transport;

use super::conf::LibraryConf;
use super::library::{Family, StubResolver};

/// What was asked: addresses (`getaddrinfo`, Go's `LookupIP`) or records of one type
/// (`res_search`; Go's `LookupSRV`, `LookupTXT`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lookup {
    /// `getaddrinfo(name, family)`.
    Addresses(Family),
    /// A search for records of one type.
    Records(RecordType),
}

/// Where the result came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// The name is a numeric address: no lookup at all.
    Literal,
    /// `/etc/hosts`.
    HostsFile,
    /// DNS (whether it answered or not).
    Dns,
    /// Nothing was looked up: the library refused the name itself.
    None,
}

/// Why a query was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cause {
    /// The first time in this step.
    First,
    /// musl: sent again at once after a SERVFAIL reply.
    ResendAfterServfail,
    /// Sent again in a later round (`attempts`), or to the next nameserver.
    Retry,
    /// Sent over TCP because the UDP reply was truncated.
    TcpAfterTruncation,
}

/// A reply as the library received it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reply {
    /// The response code.
    pub rcode: ResponseCode,
    /// TC.
    pub truncated: bool,
    /// AA.
    pub authoritative: bool,
    /// RA.
    pub recursion_available: bool,
    /// The reply as a typed answer (its records, authority and additional sections); `None`
    /// for a response code an [`Outcome`] does not name (SERVFAIL, FORMERR, NOTIMP, …).
    pub answer: Option<Answer>,
    /// Its size on the wire, in bytes.
    pub size: usize,
    /// Whether the library used it: false for a reply it ignored (an error code it resends or
    /// waits out, a lame reply, a truncated reply it asks again over TCP, a partner reply it
    /// dropped when the step moved to TCP).
    pub used: bool,
}

impl Reply {
    /// The records of the answer section.
    pub fn answers(&self) -> &[hickory_proto::rr::Record] {
        self.answer
            .as_ref()
            .map_or(&[], |answer| answer.answers.as_slice())
    }
}

/// One query a stub resolver sent, and the reply it got.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Query {
    /// The name asked, absolute, as sent.
    pub name: String,
    /// The type asked.
    pub qtype: RecordType,
    /// The nameserver it went to.
    pub server: IpAddr,
    /// UDP or TCP.
    pub transport: Transport,
    /// The EDNS payload size offered (an OPT record), or `None` for no OPT.
    pub edns: Option<u16>,
    /// The socket or connection it went on, numbered from 1 within the resolution: queries on
    /// the same number shared a socket.
    pub socket: u32,
    /// Why it was sent.
    pub cause: Cause,
    /// The reply, if any.
    pub reply: Option<Reply>,
}

/// One step of the walk: a candidate name, and the queries sent for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Step {
    /// The candidate name, absolute.
    pub name: String,
    /// glibc asks the whole walk again when its result buffer was too small (ERANGE): the
    /// walk this step belongs to, from 1.
    pub walk: u32,
    /// Whether the step's queries were in flight together (glibc's pair sent with one
    /// `sendmmsg`, musl's parallel queries, Go's two goroutines) rather than one after the
    /// other's reply (`single-request`, or one query).
    pub parallel: bool,
    /// Go: the queries run concurrently on their own sockets, so their order on the wire is not
    /// fixed (the simulator lists them in the order they were started).
    pub unordered: bool,
    /// The queries, in order.
    pub queries: Vec<Query>,
}

/// A `getaddrinfo` error code (`<netdb.h>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GaiError {
    /// `EAI_NONAME` (-2).
    NoName,
    /// `EAI_AGAIN` (-3).
    Again,
    /// `EAI_FAIL` (-4).
    Fail,
    /// `EAI_NODATA` (-5).
    NoData,
    /// `EAI_ADDRFAMILY` (-9).
    AddrFamily,
    /// `EAI_SYSTEM` (-11): glibc, when a reply's answer section holds records but no
    /// address and no CNAME (`gaih_getanswer_slice` reports `NETDB_INTERNAL`).
    System,
}

impl GaiError {
    /// The constant's name.
    pub fn name(self) -> &'static str {
        match self {
            GaiError::NoName => "EAI_NONAME",
            GaiError::Again => "EAI_AGAIN",
            GaiError::Fail => "EAI_FAIL",
            GaiError::NoData => "EAI_NODATA",
            GaiError::AddrFamily => "EAI_ADDRFAMILY",
            GaiError::System => "EAI_SYSTEM",
        }
    }

    /// The value (glibc's and musl's).
    pub fn code(self) -> i32 {
        match self {
            GaiError::NoName => -2,
            GaiError::Again => -3,
            GaiError::Fail => -4,
            GaiError::NoData => -5,
            GaiError::AddrFamily => -9,
            GaiError::System => -11,
        }
    }

    /// `gai_strerror` in `library`.
    pub fn message(self, library: StubResolver) -> &'static str {
        match (library, self) {
            (StubResolver::Glibc, GaiError::NoName) => "Name or service not known",
            (StubResolver::Glibc, GaiError::Again) => "Temporary failure in name resolution",
            (StubResolver::Glibc, GaiError::Fail) => "Non-recoverable failure in name resolution",
            (StubResolver::Glibc, GaiError::NoData) => "No address associated with hostname",
            (StubResolver::Glibc, GaiError::AddrFamily) => {
                "Address family for hostname not supported"
            }
            (StubResolver::Glibc, GaiError::System) => "System error",
            (_, GaiError::System) => "System error",
            (_, GaiError::NoName) => "Name does not resolve",
            (_, GaiError::Again) => "Try again",
            (_, GaiError::Fail) => "Non-recoverable error",
            (_, GaiError::NoData) => "Name has no usable address",
            (_, GaiError::AddrFamily) => "Address family for name not supported",
        }
    }
}

/// An `h_errno` value, as `res_search` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HErrno {
    /// `HOST_NOT_FOUND`.
    HostNotFound,
    /// `TRY_AGAIN`.
    TryAgain,
    /// `NO_RECOVERY`.
    NoRecovery,
    /// `NO_DATA`.
    NoData,
}

impl HErrno {
    /// The constant's name.
    pub fn name(self) -> &'static str {
        match self {
            HErrno::HostNotFound => "HOST_NOT_FOUND",
            HErrno::TryAgain => "TRY_AGAIN",
            HErrno::NoRecovery => "NO_RECOVERY",
            HErrno::NoData => "NO_DATA",
        }
    }
}

/// Go's `*net.DNSError`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DnsError {
    /// `Err`: `"no such host"`, `"server misbehaving"`, `"lame referral"`, …
    pub err: String,
    /// `Name`: the name as given to the lookup.
    pub name: String,
    /// `Server`: `ip:53` of the server whose reply made the error, empty when none.
    pub server: String,
    /// `IsTimeout`.
    pub is_timeout: bool,
    /// `IsTemporary`.
    pub is_temporary: bool,
    /// `IsNotFound`.
    pub is_not_found: bool,
}

impl fmt::Display for DnsError {
    /// As Go prints it: `lookup <name> on <server>: <err>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lookup {}", self.name)?;
        if !self.server.is_empty() {
            write!(f, " on {}", self.server)?;
        }
        write!(f, ": {}", self.err)
    }
}

/// Why a lookup gave the application no result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LookupError {
    /// glibc's or musl's `getaddrinfo` return value.
    Gai(GaiError),
    /// `res_search`'s `h_errno`.
    Resolver(HErrno),
    /// Go: a `*net.DNSError`.
    GoDns(DnsError),
    /// Go: an `*net.AddrError` (`"no suitable address found"`): the name resolved, but to no
    /// address of the family asked for.
    GoAddr {
        /// `Err`.
        err: String,
        /// `Addr`: the name.
        addr: String,
    },
}

impl LookupError {
    /// Whether Go reports it as "not found" (`IsNotFound`), or libc as `EAI_NONAME` /
    /// `HOST_NOT_FOUND`.
    pub fn is_not_found(&self) -> bool {
        match self {
            LookupError::Gai(error) => *error == GaiError::NoName,
            LookupError::Resolver(error) => *error == HErrno::HostNotFound,
            LookupError::GoDns(error) => error.is_not_found,
            LookupError::GoAddr { .. } => false,
        }
    }
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::Gai(error) => f.write_str(error.name()),
            LookupError::Resolver(error) => f.write_str(error.name()),
            LookupError::GoDns(error) => write!(f, "DNSError: {error}"),
            LookupError::GoAddr { err, addr } => write!(f, "AddrError: address {addr}: {err}"),
        }
    }
}

/// What the application got.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Found {
    /// Addresses, in the order the application sees them (after the library's sort): the
    /// first is the one a client connects to first.
    Addresses(Vec<IpAddr>),
    /// The reply a record search ended with.
    Records(Answer),
}

/// One candidate name of the walk, and the answer the library took for it (the last reply it
/// used in that step; `None` when it used none).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// The candidate name, absolute.
    pub name: hickory_proto::rr::Name,
    /// The answer.
    pub answer: Option<Answer>,
}

/// A whole resolution: the library, the question, every step with its queries and replies,
/// and the result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resolution {
    /// The library.
    pub library: StubResolver,
    /// What was asked.
    pub lookup: Lookup,
    /// The name as given.
    pub name: String,
    /// How the library read the pod's `resolv.conf`.
    pub conf: LibraryConf,
    /// Where the result came from.
    pub source: Source,
    /// The steps of the walk, in order (empty when no query was sent).
    pub steps: Vec<Step>,
    /// The candidates of the (first) walk and the answer taken for each: [`Resolution::steps`]
    /// in short, one entry per step (`ResolvConf::candidates` lists them in advance).
    pub attempts: Vec<Attempt>,
    /// The result.
    pub result: Result<Found, LookupError>,
    /// How long the library would have waited for replies that never came or that it ignored
    /// (musl waits out its `timeout` on REFUSED; the simulated server answers everything at
    /// once otherwise).
    pub waited: Duration,
}

impl Resolution {
    /// Every query, in order.
    pub fn queries(&self) -> impl Iterator<Item = &Query> {
        self.steps.iter().flat_map(|step| step.queries.iter())
    }

    /// Whether the application got a result (an address, or records).
    pub fn found(&self) -> bool {
        match &self.result {
            Ok(Found::Addresses(addresses)) => !addresses.is_empty(),
            Ok(Found::Records(answer)) => answer.outcome == Outcome::Success,
            Err(_) => false,
        }
    }

    /// The addresses, in the application's order (empty for an error or a record search).
    pub fn addresses(&self) -> &[IpAddr] {
        match &self.result {
            Ok(Found::Addresses(addresses)) => addresses,
            _ => &[],
        }
    }

    /// The error, if the lookup failed.
    pub fn error(&self) -> Option<&LookupError> {
        self.result.as_ref().err()
    }

    /// The candidate names the walk asked, in order (each once per walk).
    pub fn names(&self) -> Vec<&str> {
        self.steps.iter().map(|step| step.name.as_str()).collect()
    }

    /// The last reply the library used, as a typed answer: for a search that ended on a
    /// record, that reply.
    pub fn answer(&self) -> Option<&Answer> {
        if let Ok(Found::Records(answer)) = &self.result {
            return Some(answer);
        }
        let used: Vec<&Reply> = self
            .queries()
            .filter_map(|query| query.reply.as_ref())
            .filter(|reply| reply.used)
            .collect();
        used.iter()
            .rev()
            .find(|reply| !reply.answers().is_empty())
            .or(used.last())
            .and_then(|reply| reply.answer.as_ref())
    }
}

impl fmt::Display for Reply {
    /// `NOERROR aa, 1 answer`, `NXDOMAIN aa, 0 answers`, `NOERROR tc, 29 answers (ignored)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut flags = Vec::new();
        if self.authoritative {
            flags.push("aa");
        }
        if self.truncated {
            flags.push("tc");
        }
        if self.recursion_available {
            flags.push("ra");
        }
        let count = self.answers().len();
        write!(f, "{}", crate::answer::rcode_mnemonic(self.rcode))?;
        if !flags.is_empty() {
            write!(f, " {}", flags.join(" "))?;
        }
        write!(f, ", {count} answer{}", if count == 1 { "" } else { "s" })?;
        if !self.used {
            f.write_str(" (ignored)")?;
        }
        Ok(())
    }
}

impl fmt::Display for Query {
    /// `UDP#1 A web.default.svc.cluster.local. @10.96.0.10 EDNS 1232 -> NOERROR aa, 1 answer`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}#{} {} {} @{}",
            self.transport, self.socket, self.qtype, self.name, self.server
        )?;
        if let Some(size) = self.edns {
            write!(f, " EDNS {size}")?;
        }
        match self.cause {
            Cause::First => {}
            Cause::ResendAfterServfail => f.write_str(" (resent after SERVFAIL)")?,
            Cause::Retry => f.write_str(" (retry)")?,
            Cause::TcpAfterTruncation => f.write_str(" (after TC)")?,
        }
        match &self.reply {
            Some(reply) => write!(f, " -> {reply}"),
            None => f.write_str(" -> no reply"),
        }
    }
}

impl fmt::Display for Resolution {
    /// The walk, a step a paragraph, then the result.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.lookup {
            Lookup::Addresses(family) => format!("getaddrinfo({:?}, {family})", self.name),
            Lookup::Records(qtype) => format!("search({:?}, {qtype})", self.name),
        };
        writeln!(f, "{}: {what}", self.library)?;
        for line in &self.conf.skipped_lines {
            writeln!(
                f,
                "  resolv.conf line {line} skipped (255 characters or more)"
            )?;
        }
        match self.source {
            Source::Literal => writeln!(f, "  a numeric address: no lookup")?,
            Source::HostsFile => writeln!(f, "  answered from /etc/hosts")?,
            Source::None => writeln!(f, "  refused before any lookup")?,
            Source::Dns => {}
        }
        for (index, step) in self.steps.iter().enumerate() {
            let walk = if step.walk > 1 {
                format!(" (walk {})", step.walk)
            } else {
                String::new()
            };
            let concurrent = match (step.parallel, step.unordered) {
                (true, true) => " (in parallel, order not fixed)",
                (true, false) => " (in parallel)",
                _ => "",
            };
            writeln!(f, "  step {}{walk}: {}{concurrent}", index + 1, step.name)?;
            for query in &step.queries {
                writeln!(f, "    {query}")?;
            }
        }
        match &self.result {
            Ok(Found::Addresses(addresses)) => {
                let list: Vec<String> = addresses.iter().map(ToString::to_string).collect();
                writeln!(f, "  result: {}", list.join(", "))?;
            }
            Ok(Found::Records(answer)) => {
                writeln!(f, "  result: {} record(s)", answer.answers.len())?;
                for line in answer.answer_lines() {
                    writeln!(f, "    {line}")?;
                }
            }
            Err(error) => writeln!(f, "  result: {error}")?,
        }
        if !self.waited.is_zero() {
            writeln!(f, "  waited: {:?}", self.waited)?;
        }
        Ok(())
    }
}
