//! glibc 2.36+: `getaddrinfo` (`sysdeps/posix/getaddrinfo.c`, `nss/getaddrinfo.c` from 2.39),
//! `nss_files`, `nss_dns` (`resolv/nss_dns/dns-host.c`) and the resolver (`resolv/res_query.c`,
//! `resolv/res_send.c`); `docs/resolver-behaviour.md` §2.

use std::net::IpAddr;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{RData, RecordType};

use crate::wire::Transport;

use super::conf::LibraryConf;
use super::exchange::{Exchanger, Outgoing, Received, encodable};
use super::hosts::{self, HostsAnswer};
use super::library::{Family, StubResolver};
use super::literal::{self, Literal};
use super::result::{Cause, Found, GaiError, HErrno, LookupError, Source};
use super::sandbox::PodSandbox;
use super::sort;

/// `RESOLV_EDNS_BUFFER_SIZE` (resolv-internal.h): the payload glibc offers with `edns0`.
const EDNS_PAYLOAD: u16 = 1200;
/// `MAXDNAME`.
const MAXDNAME: usize = 1025;
/// getaddrinfo's first result buffer (a `scratch_buffer`), doubled on ERANGE.
const FIRST_BUFFER: usize = 1024;
/// `sizeof (struct gaih_addrtuple)` on 64-bit Linux.
const ADDRTUPLE: usize = 40;

/// What one search step (`__res_context_query`) came to.
enum StepResult {
    /// The replies the step decided on (one or two), in arrival order.
    Answered(Vec<Received>),
    /// `h_errno`, and the response code in the answer buffer (`hp->rcode`).
    Failed(HErrno, ResponseCode),
}

/// What one `send_dg` exchange came to.
enum Datagram {
    Usable(Vec<Received>),
    Failed(ResponseCode),
    Truncated,
}

pub(crate) struct Glibc<'s> {
    conf: LibraryConf,
    sandbox: &'s PodSandbox,
    rotate: usize,
}

impl<'s> Glibc<'s> {
    pub(crate) fn new(conf: LibraryConf, sandbox: &'s PodSandbox) -> Glibc<'s> {
        Glibc {
            conf,
            sandbox,
            rotate: 0,
        }
    }

    /// `getaddrinfo(name, family)` with `ai_flags` 0.
    pub(crate) fn getaddrinfo(
        &mut self,
        ex: &mut Exchanger<'_>,
        name: &str,
        family: Family,
    ) -> (Source, Result<Found, LookupError>) {
        let gai = |error| Err(LookupError::Gai(error));
        if name.is_empty() {
            return (Source::None, gai(GaiError::NoName));
        }
        // text_to_binary_address.
        match literal::literal(StubResolver::Glibc, name, family) {
            Literal::Address(address) => {
                return (Source::Literal, Ok(Found::Addresses(vec![address])));
            }
            Literal::WrongFamily(_) => return (Source::Literal, gai(GaiError::AddrFamily)),
            Literal::BadZone => return (Source::Literal, gai(GaiError::NoName)),
            Literal::Name => {}
        }
        // NSS `hosts: files dns`.
        if let Some(text) = &self.sandbox.hosts
            && let HostsAnswer::Found(mut addresses) =
                hosts::lookup(StubResolver::Glibc, text, name, family)
        {
            sort::sort(StubResolver::Glibc, family, self.sandbox, &mut addresses);
            return (Source::HostsFile, Ok(Found::Addresses(addresses)));
        }
        // nss_dns `check_name`: res_hnok.
        if !hnok(name) {
            return (Source::None, gai(GaiError::NoName));
        }
        let result = match family {
            Family::Unspec => self.unspec(ex, name),
            Family::Inet | Family::Inet6 => {
                let qtype = if family == Family::Inet {
                    RecordType::A
                } else {
                    RecordType::AAAA
                };
                self.one_family(ex, name, qtype)
            }
        };
        let result = match result {
            Ok(mut addresses) => {
                sort::sort(StubResolver::Glibc, family, self.sandbox, &mut addresses);
                Ok(Found::Addresses(addresses))
            }
            Err(Some(herrno)) => Err(LookupError::Gai(match herrno {
                HErrno::NoData => GaiError::NoData,
                HErrno::TryAgain => GaiError::Again,
                HErrno::HostNotFound | HErrno::NoRecovery => GaiError::NoName,
            })),
            Err(None) => Err(LookupError::Gai(GaiError::System)),
        };
        (Source::Dns, result)
    }

    /// `_nss_dns_gethostbyname4_r` and `gaih_getanswer`, called again with a buffer twice as
    /// large while it reports ERANGE (`get_nss_addresses`): each call walks the whole search
    /// list again.
    fn unspec(
        &mut self,
        ex: &mut Exchanger<'_>,
        name: &str,
    ) -> Result<Vec<IpAddr>, Option<HErrno>> {
        let mut buffer = FIRST_BUFFER;
        loop {
            let types: &[RecordType] = if self.conf.no_aaaa {
                &[RecordType::A]
            } else {
                &[RecordType::A, RecordType::AAAA]
            };
            let replies = self.search(ex, name, types).map_err(Some)?;
            match gaih_getanswer(&replies, buffer) {
                Slices::Erange if buffer < 1 << 24 => {
                    buffer *= 2;
                    ex.walk += 1;
                }
                Slices::Erange => return Err(None),
                Slices::Found(addresses) => return Ok(addresses),
                Slices::NotFound => return Err(Some(HErrno::HostNotFound)),
                Slices::Internal => return Err(None),
            }
        }
    }

    /// One family: `try_simple_gethostbyname` (`AF_INET`) or `gethosts` (`AF_INET6`) in
    /// getaddrinfo.c, over `_nss_dns_gethostbyname2_r`: one type, the whole search walked again
    /// with a buffer twice as large while `getanswer_r` reports ERANGE (the same
    /// `scratch_buffer` protocol as [`Glibc::unspec`]).
    fn one_family(
        &mut self,
        ex: &mut Exchanger<'_>,
        name: &str,
        qtype: RecordType,
    ) -> Result<Vec<IpAddr>, Option<HErrno>> {
        let mut buffer = FIRST_BUFFER;
        loop {
            let replies = self.search(ex, name, &[qtype]).map_err(Some)?;
            match replies.first() {
                Some(reply) if !hostent_fits(reply, buffer, qtype) && buffer < 1 << 24 => {
                    buffer *= 2;
                    ex.walk += 1;
                }
                Some(reply) if !hostent_fits(reply, buffer, qtype) => return Err(None),
                // An answer without an address of the type (a CNAME only): `getanswer_r` says
                // NSS_STATUS_TRYAGAIN with NO_RECOVERY. AF_INET goes through
                // `try_simple_gethostbyname`, where a failed `__gethostbyname2_r` that is not
                // TRY_AGAIN is EAI_NODATA; AF_INET6 through `gethosts`, where it sets no
                // "no data" flag, so the end result is EAI_NONAME.
                _ => {
                    return addresses_of(&replies, qtype).map_err(|_| {
                        Some(if qtype == RecordType::A {
                            HErrno::NoData
                        } else {
                            HErrno::HostNotFound
                        })
                    });
                }
            }
        }
    }

    /// `res_search(name, C_IN, qtype)`: the reply the walk ended with.
    pub(crate) fn res_search(
        &mut self,
        ex: &mut Exchanger<'_>,
        name: &str,
        qtype: RecordType,
    ) -> (Source, Result<Found, LookupError>) {
        match self.search(ex, name, &[qtype]) {
            Ok(replies) => {
                let answer = replies.first().and_then(Received::answer);
                match answer {
                    Some(answer) => (Source::Dns, Ok(Found::Records(answer))),
                    None => (Source::Dns, Err(LookupError::Resolver(HErrno::NoRecovery))),
                }
            }
            Err(herrno) => (Source::Dns, Err(LookupError::Resolver(herrno))),
        }
    }

    /// `__res_context_search`.
    fn search(
        &mut self,
        ex: &mut Exchanger<'_>,
        name: &str,
        types: &[RecordType],
    ) -> Result<Vec<Received>, HErrno> {
        let dots = name.matches('.').count();
        let trailing_dot = name.ends_with('.');
        let mut herrno = HErrno::HostNotFound;
        let mut saved = None;
        let mut tried_as_is = false;
        let mut searched = false;
        let mut root_on_list = false;
        let (mut got_nodata, mut got_servfail) = (false, false);
        if dots >= usize::from(self.conf.ndots) || trailing_dot {
            match self.query_domain(ex, name, None, types) {
                StepResult::Answered(replies) => return Ok(replies),
                StepResult::Failed(error, _) if trailing_dot => return Err(error),
                StepResult::Failed(error, _) => {
                    herrno = error;
                    saved = Some(error);
                    tried_as_is = true;
                }
            }
        }
        // RES_DEFNAMES and RES_DNSRCH are on by default: one level of search for every name
        // without a trailing dot.
        if !trailing_dot {
            for domain in self.conf.search.clone() {
                searched = true;
                let domain = domain.strip_prefix('.').unwrap_or(&domain).to_owned();
                if domain.is_empty() {
                    root_on_list = true;
                }
                match self.query_domain(ex, name, Some(&domain), types) {
                    StepResult::Answered(replies) => return Ok(replies),
                    StepResult::Failed(error, rcode) => {
                        herrno = error;
                        match error {
                            HErrno::NoData => got_nodata = true,
                            HErrno::HostNotFound => {}
                            HErrno::TryAgain if rcode == ResponseCode::ServFail => {
                                got_servfail = true;
                            }
                            // Anything else: stop searching, but try the name as is below.
                            _ => break,
                        }
                    }
                }
            }
        }
        let no_tld = dots == 0 && searched && self.conf.no_tld_query;
        if !(tried_as_is || root_on_list || no_tld) {
            match self.query_domain(ex, name, None, types) {
                StepResult::Answered(replies) => return Ok(replies),
                StepResult::Failed(error, _) => herrno = error,
            }
        }
        Err(if let Some(saved) = saved {
            saved
        } else if got_nodata {
            HErrno::NoData
        } else if got_servfail {
            HErrno::TryAgain
        } else {
            herrno
        })
    }

    /// `__res_context_querydomain`: the name, or the name and a domain, then the query.
    fn query_domain(
        &mut self,
        ex: &mut Exchanger<'_>,
        name: &str,
        domain: Option<&str>,
        types: &[RecordType],
    ) -> StepResult {
        let long_name = match domain {
            None => {
                if name.len().wrapping_sub(1) >= MAXDNAME - 1 {
                    return StepResult::Failed(HErrno::NoRecovery, ResponseCode::NoError);
                }
                name.to_owned()
            }
            Some(domain) => {
                if name.len() + domain.len() + 1 >= MAXDNAME {
                    return StepResult::Failed(HErrno::NoRecovery, ResponseCode::NoError);
                }
                format!("{name}.{domain}")
            }
        };
        self.query(ex, &long_name, types)
    }

    /// `__res_context_query`: build the queries, send them, decide on the replies.
    fn query(&mut self, ex: &mut Exchanger<'_>, name: &str, types: &[RecordType]) -> StepResult {
        if !encodable(name) {
            // res_nmkquery fails: NO_RECOVERY, nothing sent.
            return StepResult::Failed(HErrno::NoRecovery, ResponseCode::NoError);
        }
        if types == [RecordType::AAAA] && self.conf.no_aaaa {
            // `no-aaaa`: the AAAA query is answered NODATA locally (res-noaaaa.c).
            return StepResult::Failed(HErrno::NoData, ResponseCode::NoError);
        }
        let absolute = if name.ends_with('.') {
            name.to_owned()
        } else {
            format!("{name}.")
        };
        let sequential = self.conf.single_request || self.conf.single_request_reopen;
        ex.step(&absolute, types.len() > 1 && !sequential, false);
        let queries: Vec<Outgoing> = types
            .iter()
            .map(|&qtype| Outgoing {
                edns: self.conf.edns0.then_some(EDNS_PAYLOAD),
                ad: self.conf.trust_ad,
                ..Outgoing::new(&absolute, qtype)
            })
            .collect();
        let replies = match self.send(ex, &queries) {
            Ok(replies) => replies,
            Err(rcode) => return StepResult::Failed(HErrno::TryAgain, rcode),
        };
        let (hp, hp2) = match replies.as_slice() {
            [one] => (one, one),
            [one, two, ..] => (one, two),
            [] => return StepResult::Failed(HErrno::TryAgain, ResponseCode::NoError),
        };
        let bad = |reply: &Received| reply.rcode() != ResponseCode::NoError || reply.ancount() == 0;
        if bad(hp) && bad(hp2) {
            let code = if hp.rcode() == ResponseCode::NoError {
                hp2.rcode()
            } else {
                hp.rcode()
            };
            let error = match code {
                ResponseCode::NXDomain => HErrno::HostNotFound,
                ResponseCode::ServFail => HErrno::TryAgain,
                ResponseCode::NoError => HErrno::NoData,
                _ => HErrno::NoRecovery,
            };
            return StepResult::Failed(error, hp.rcode());
        }
        StepResult::Answered(replies)
    }

    /// `__res_context_send`: `attempts` rounds over the nameservers, UDP unless `use-vc`, TCP
    /// to the same server after a truncated reply. The replies used, or the response code of
    /// the last failing reply.
    fn send(
        &mut self,
        ex: &mut Exchanger<'_>,
        queries: &[Outgoing],
    ) -> Result<Vec<Received>, ResponseCode> {
        let servers = self.conf.nameservers.clone();
        let count = servers.len().max(1);
        let offset = if self.conf.rotate {
            let offset = self.rotate;
            self.rotate += 1;
            offset
        } else {
            0
        };
        let mut last = ResponseCode::NoError;
        let mut v_circuit = self.conf.use_vc;
        let attempts = usize::from(self.conf.attempts);
        let mut tries = 0;
        let mut first = true;
        while tries < attempts {
            for shift in 0..servers.len() {
                let index = (offset + shift) % count;
                let server = servers[index];
                let cause = if first { Cause::First } else { Cause::Retry };
                first = false;
                let mut after_tc = false;
                loop {
                    if v_circuit {
                        tries = attempts;
                        let cause = if after_tc {
                            Cause::TcpAfterTruncation
                        } else {
                            cause
                        };
                        match self.send_vc(ex, server, queries, cause) {
                            Some(replies) => return Ok(replies),
                            None => break,
                        }
                    }
                    // The wait per server: `retrans << ns`, divided by the server count
                    // after the first.
                    let wait = u64::from(self.conf.timeout) << index.min(8);
                    let wait = if index > 0 { wait / count as u64 } else { wait }.max(1);
                    match self.send_dg(ex, server, queries, cause, wait) {
                        Datagram::Usable(replies) => return Ok(replies),
                        Datagram::Failed(rcode) => {
                            last = rcode;
                            break;
                        }
                        Datagram::Truncated => {
                            v_circuit = true;
                            after_tc = true;
                        }
                    }
                }
            }
            tries += 1;
        }
        Err(last)
    }

    /// `send_vc`: one TCP connection, every query on it, the replies read in order.
    fn send_vc(
        &mut self,
        ex: &mut Exchanger<'_>,
        server: IpAddr,
        queries: &[Outgoing],
        cause: Cause,
    ) -> Option<Vec<Received>> {
        let socket = ex.socket();
        let mut replies = Vec::new();
        let mut indexes = Vec::new();
        for query in queries {
            let (index, reply) = ex.send(query, server, Transport::Tcp, socket, cause)?;
            indexes.push(index);
            replies.push(reply?);
        }
        for index in indexes {
            ex.used(index);
        }
        Some(replies)
    }

    /// `send_dg`: one UDP socket for the step; both queries at once (`sendmmsg`), or the
    /// second after the first reply (`single-request`, on a new socket with
    /// `single-request-reopen`).
    fn send_dg(
        &mut self,
        ex: &mut Exchanger<'_>,
        server: IpAddr,
        queries: &[Outgoing],
        cause: Cause,
        wait: u64,
    ) -> Datagram {
        let failing = |reply: &Received| {
            matches!(
                reply.rcode(),
                ResponseCode::ServFail | ResponseCode::NotImp | ResponseCode::Refused
            ) || reply.lame()
        };
        let mut socket = ex.socket();
        let sequential = self.conf.single_request || self.conf.single_request_reopen;
        if queries.len() == 1 || !sequential {
            let mut sent = Vec::new();
            for query in queries {
                match ex.send(query, server, Transport::Udp, socket, cause) {
                    Some(pair) => sent.push(pair),
                    None => return Datagram::Failed(ResponseCode::NoError),
                }
            }
            let mut usable: Vec<(usize, Received)> = Vec::new();
            let mut failed: Option<ResponseCode> = None;
            for (index, reply) in sent {
                let Some(reply) = reply else {
                    continue;
                };
                if failing(&reply) {
                    if !usable.is_empty() {
                        // The partner's reply is kept; this one is dropped.
                        break;
                    }
                    let already = failed.is_some();
                    failed.get_or_insert(reply.rcode());
                    if already || queries.len() == 1 {
                        break;
                    }
                    continue;
                }
                if reply.truncated() {
                    return Datagram::Truncated;
                }
                usable.push((index, reply));
            }
            if usable.is_empty() {
                if failed.is_none() {
                    // No reply at all: the server's timeout.
                    ex.wait(wait);
                }
                return Datagram::Failed(failed.unwrap_or(ResponseCode::NoError));
            }
            for (index, _) in &usable {
                ex.used(*index);
            }
            return Datagram::Usable(usable.into_iter().map(|(_, reply)| reply).collect());
        }
        // single-request(-reopen): A, wait for its reply, then AAAA.
        let Some((first_index, first)) =
            ex.send(&queries[0], server, Transport::Udp, socket, cause)
        else {
            return Datagram::Failed(ResponseCode::NoError);
        };
        let Some(first) = first else {
            ex.wait(wait);
            return Datagram::Failed(ResponseCode::NoError);
        };
        if failing(&first) {
            // The second query is only sent after a usable first reply: the socket waits for
            // a reply that never comes.
            ex.wait(wait);
            return Datagram::Failed(first.rcode());
        }
        if first.truncated() {
            return Datagram::Truncated;
        }
        if self.conf.single_request_reopen {
            socket = ex.socket();
        }
        let Some((second_index, second)) =
            ex.send(&queries[1], server, Transport::Udp, socket, cause)
        else {
            ex.used(first_index);
            return Datagram::Usable(vec![first]);
        };
        match second {
            Some(second) if second.truncated() && !failing(&second) => Datagram::Truncated,
            Some(second) if !failing(&second) => {
                ex.used(first_index);
                ex.used(second_index);
                Datagram::Usable(vec![first, second])
            }
            _ => {
                ex.used(first_index);
                Datagram::Usable(vec![first])
            }
        }
    }
}

/// The addresses of `qtype` in the replies (`getanswer_r`), or the `h_errno` of a reply with
/// none: a CNAME only is HOST_NOT_FOUND.
fn addresses_of(replies: &[Received], qtype: RecordType) -> Result<Vec<IpAddr>, Option<HErrno>> {
    let addresses: Vec<IpAddr> = replies
        .iter()
        .flat_map(|reply| reply.message.answers.iter())
        .filter_map(|record| match (&record.data, qtype) {
            (RData::A(a), RecordType::A) => Some(IpAddr::V4(a.0)),
            (RData::AAAA(aaaa), RecordType::AAAA) => Some(IpAddr::V6(aaaa.0)),
            _ => None,
        })
        .collect();
    if addresses.is_empty() {
        Err(Some(HErrno::HostNotFound))
    } else {
        Ok(addresses)
    }
}

/// Whether `getanswer_r` (nss_dns/dns-host.c, as rewritten for 2.37 and carried by the 2.36
/// release branch that Debian ships: `alloc_buffer`) can build the `hostent` of `reply` in a
/// buffer of `buffer` bytes, or reports ERANGE: the question's name and each CNAME target that
/// is a host name, as strings; each address of `qtype` owned by the name expected (the question,
/// then each CNAME's target), aligned to 4; then the address pointers and a NULL, and the alias
/// pointers, aligned to 8. A reply with no address needs no arrays (it fails otherwise).
fn hostent_fits(reply: &Received, buffer: usize, qtype: RecordType) -> bool {
    let Some(question) = reply.message.queries.first() else {
        return true;
    };
    let text = |name: &hickory_proto::rr::Name| {
        name.to_string().trim_end_matches('.').to_ascii_lowercase()
    };
    let mut used = ntop_len(question.name());
    let mut aliases = 1;
    let mut addresses = 0;
    let mut expected = text(question.name());
    for record in &reply.message.answers {
        match (&record.data, qtype) {
            (RData::CNAME(target), _) => {
                if hnok(&target.0.to_string()) {
                    used += ntop_len(&target.0);
                    aliases += 1;
                }
                expected = text(&target.0);
            }
            (RData::A(_), RecordType::A) | (RData::AAAA(_), RecordType::AAAA)
                if text(&record.name) == expected =>
            {
                used = used.next_multiple_of(4) + if qtype == RecordType::A { 4 } else { 16 };
                addresses += 1;
            }
            _ => {}
        }
    }
    if addresses == 0 {
        return true;
    }
    used = used.next_multiple_of(8) + (addresses + 1) * 8;
    used = used.next_multiple_of(8) + aliases * 8;
    used <= buffer
}

/// What `gaih_getanswer` made of a step's replies.
enum Slices {
    Found(Vec<IpAddr>),
    NotFound,
    /// `NSS_STATUS_TRYAGAIN` with `NETDB_INTERNAL`, not ERANGE.
    Internal,
    Erange,
}

enum Slice {
    Success,
    NotFound,
    Internal,
    Erange,
}

/// `ns_name_ntop`'s length for a name: its text without the final dot, and the NUL.
fn ntop_len(name: &hickory_proto::rr::Name) -> usize {
    let text = name.to_string();
    let text = text.strip_suffix('.').unwrap_or(&text);
    if text.is_empty() { 2 } else { text.len() + 1 }
}

/// `gaih_getanswer_slice`: the addresses of one reply, written into the caller's buffer of
/// `buffer` bytes from `used` on (names, then a 40-byte `gaih_addrtuple` per address).
fn slice(
    reply: &Received,
    buffer: usize,
    used: &mut usize,
    first: &mut bool,
    addresses: &mut Vec<IpAddr>,
) -> Slice {
    let remaining = |used: usize| buffer.saturating_sub(used);
    // The question's name is written (not kept) to check it.
    if let Some(question) = reply.message.queries.first()
        && ntop_len(question.name()) > remaining(*used)
    {
        return Slice::Erange;
    }
    if reply.message.answers.is_empty() {
        return Slice::NotFound;
    }
    let mut have_answer = false;
    let mut canon = false;
    let mut h_name: Option<(usize, usize)> = None;
    for record in &reply.message.answers {
        let owner = ntop_len(&record.name);
        if owner > remaining(*used) {
            return Slice::Erange;
        }
        if *first && !canon {
            h_name = Some((*used, owner));
            *used += owner;
        }
        match &record.data {
            RData::CNAME(target) if *first => {
                // The owner's copy is given back, the target written instead.
                if let Some((start, length)) = h_name
                    && start + length == *used
                {
                    *used = start;
                }
                let length = ntop_len(&target.0);
                if length > remaining(*used) {
                    return Slice::Erange;
                }
                *used += length;
                canon = true;
            }
            RData::A(_) | RData::AAAA(_) => {
                let pad = (8 - *used % 8) % 8;
                *used += pad;
                if remaining(*used) < ADDRTUPLE {
                    return Slice::Erange;
                }
                *used += ADDRTUPLE;
                *first = false;
                addresses.push(match &record.data {
                    RData::A(a) => IpAddr::V4(a.0),
                    RData::AAAA(aaaa) => IpAddr::V6(aaaa.0),
                    _ => continue,
                });
                have_answer = true;
            }
            _ => {}
        }
    }
    if have_answer {
        Slice::Success
    } else if canon {
        Slice::NotFound
    } else {
        Slice::Internal
    }
}

/// `gaih_getanswer`: the first reply to arrive, then the second, combined as its table says.
fn gaih_getanswer(replies: &[Received], buffer: usize) -> Slices {
    let mut used = 0;
    let mut first = true;
    let mut addresses = Vec::new();
    let Some(one) = replies.first() else {
        return Slices::NotFound;
    };
    let mut status = slice(one, buffer, &mut used, &mut first, &mut addresses);
    if matches!(status, Slice::Erange) {
        return Slices::Erange;
    }
    if let Some(two) = replies.get(1) {
        let second = slice(two, buffer, &mut used, &mut first, &mut addresses);
        if matches!(second, Slice::Erange) {
            return Slices::Erange;
        }
        if !matches!(status, Slice::Success) && !matches!(second, Slice::NotFound) {
            status = second;
        }
    }
    match status {
        Slice::Success => Slices::Found(addresses),
        Slice::NotFound => Slices::NotFound,
        Slice::Internal => Slices::Internal,
        Slice::Erange => Slices::Erange,
    }
}

/// glibc's `res_hnok` (res-name-checking.c): printable, a domain name, labels of letters,
/// digits, `-` and `_`, the first label not starting with `-`.
pub(crate) fn hnok(name: &str) -> bool {
    if !name.bytes().all(|b| b > b' ' && b <= b'~') {
        return false;
    }
    let bare = name.strip_suffix('.').unwrap_or(name);
    if bare.is_empty() {
        return name == ".";
    }
    if bare.len() > 253 || bare.starts_with('-') {
        return false;
    }
    bare.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}
