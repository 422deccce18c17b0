//! musl 1.2.3 and 1.2.4+ (as 1.2.5): `__lookup_name` (`src/network/lookup_name.c`),
//! `__res_msend_rc` (`res_msend.c`), `__res_mkquery` (`res_mkquery.c`), `__dns_parse`
//! (`dns_parse.c`); `docs/resolver-behaviour.md` §2.

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::RecordType;

use crate::wire::Transport;

use super::conf::LibraryConf;
use super::exchange::{self, Exchanger, Outgoing, Received};
use super::hosts::{self, HostsAnswer};
use super::library::{Family, StubResolver};
use super::literal::{self, Literal};
use super::result::{Cause, Found, GaiError, HErrno, LookupError, Source};
use super::sandbox::PodSandbox;
use super::sort;

/// `MAXADDRS` (lookup.h).
const MAXADDRS: usize = 48;
/// The answer buffer of 1.2.3 (`abuf[2][512]`).
const LEGACY_BUFFER: usize = 512;
/// `ABUF_SIZE` of 1.2.5 (768 in 1.2.4).
const BUFFER: usize = 4800;

/// What `name_from_dns` returned: addresses, "not found, go on" (0), or an error that ends the
/// lookup.
enum FromDns {
    Addresses(Vec<IpAddr>),
    GoOn,
    Error(GaiError),
}

pub(crate) struct Musl<'s> {
    conf: LibraryConf,
    sandbox: &'s PodSandbox,
    legacy: bool,
}

impl<'s> Musl<'s> {
    pub(crate) fn new(conf: LibraryConf, sandbox: &'s PodSandbox) -> Musl<'s> {
        let legacy = conf.library == StubResolver::Musl1_2_3;
        Musl {
            conf,
            sandbox,
            legacy,
        }
    }

    /// 1.2.3 says `EAI_NONAME` where 1.2.4 says `EAI_NODATA` (commit 85050ac5).
    fn no_data(&self) -> GaiError {
        if self.legacy {
            GaiError::NoName
        } else {
            GaiError::NoData
        }
    }

    /// `getaddrinfo(name, family)` with `ai_flags` 0: `__lookup_name`.
    pub(crate) fn getaddrinfo(
        &mut self,
        ex: &mut Exchanger<'_>,
        name: &str,
        family: Family,
    ) -> (Source, Result<Found, LookupError>) {
        ex.legacy_musl = self.legacy;
        let gai = |error| Err(LookupError::Gai(error));
        // `strnlen(name, 255) - 1 >= 254`: empty, or 255 characters and more.
        if name.is_empty() || name.len() >= 255 {
            return (Source::None, gai(GaiError::NoName));
        }
        match literal::literal(self.conf.library, name, family) {
            Literal::Address(address) => {
                return (Source::Literal, Ok(Found::Addresses(vec![address])));
            }
            Literal::WrongFamily(_) => return (Source::Literal, gai(self.no_data())),
            Literal::BadZone => return (Source::Literal, gai(GaiError::NoName)),
            Literal::Name => {}
        }
        if let Some(text) = &self.sandbox.hosts {
            match hosts::lookup(self.conf.library, text, name, family) {
                HostsAnswer::Found(mut addresses) => {
                    sort::sort(self.conf.library, family, self.sandbox, &mut addresses);
                    return (Source::HostsFile, Ok(Found::Addresses(addresses)));
                }
                HostsAnswer::WrongFamily => return (Source::HostsFile, gai(self.no_data())),
                HostsAnswer::NotFound => {}
            }
        }
        let result = match self.search(ex, name, family) {
            FromDns::Addresses(mut addresses) => {
                sort::sort(self.conf.library, family, self.sandbox, &mut addresses);
                Ok(Found::Addresses(addresses))
            }
            FromDns::GoOn => gai(GaiError::NoName),
            FromDns::Error(error) => gai(error),
        };
        (Source::Dns, result)
    }

    /// `name_from_dns_search`.
    fn search(&mut self, ex: &mut Exchanger<'_>, name: &str, family: Family) -> FromDns {
        let dots = name.matches('.').count();
        let trailing_dot = name.ends_with('.');
        let search = if dots >= usize::from(self.conf.ndots) || trailing_dot {
            Vec::new()
        } else {
            self.conf.search.clone()
        };
        let bare = name.strip_suffix('.').unwrap_or(name);
        if bare.is_empty() || bare.ends_with('.') {
            return FromDns::Error(GaiError::NoName);
        }
        let l = bare.len();
        for domain in &search {
            if domain.len() < 256 - l - 1 {
                let candidate = format!("{bare}.{domain}");
                match self.name_from_dns(ex, &candidate, family) {
                    FromDns::GoOn => {}
                    other => return other,
                }
            }
        }
        self.name_from_dns(ex, name, family)
    }

    /// `name_from_dns`: A (unless `AF_INET6`) then AAAA (unless `AF_INET`), to every
    /// nameserver at once; the first non-zero rcode in that order decides.
    fn name_from_dns(&mut self, ex: &mut Exchanger<'_>, name: &str, family: Family) -> FromDns {
        let mut types = Vec::new();
        if family != Family::Inet6 {
            types.push(RecordType::A);
        }
        if family != Family::Inet {
            types.push(RecordType::AAAA);
        }
        if exchange::musl_query(0, name, RecordType::A, self.legacy, false).is_none() {
            // 1.2.3: EAI_NONAME; 1.2.4+ (commit 1e7fb12f): as if the name did not exist.
            return if self.legacy {
                FromDns::Error(GaiError::NoName)
            } else {
                FromDns::GoOn
            };
        }
        ex.step(&absolute(name), types.len() > 1, false);
        let queries: Vec<Outgoing> = types
            .iter()
            .map(|&qtype| Outgoing {
                musl: true,
                ..Outgoing::new(name, qtype)
            })
            .collect();
        let answers = self.msend(ex, &queries);
        for answer in &answers {
            let Some(bytes) = answer.as_ref().filter(|bytes| bytes.len() >= 4) else {
                return FromDns::Error(GaiError::Again);
            };
            match bytes[3] & 15 {
                0 => {}
                2 => return FromDns::Error(GaiError::Again),
                3 => return FromDns::GoOn,
                _ => return FromDns::Error(GaiError::Fail),
            }
        }
        let mut addresses = Vec::new();
        let order: Vec<usize> = if self.legacy {
            (0..answers.len()).collect()
        } else {
            (0..answers.len()).rev().collect()
        };
        for index in order {
            if let Some(bytes) = &answers[index] {
                let filter = (!self.legacy).then_some(types[index]);
                self.parse(bytes, filter, &mut addresses);
            }
        }
        if addresses.is_empty() {
            FromDns::Error(self.no_data())
        } else {
            FromDns::Addresses(addresses)
        }
    }

    /// `dns_parse_callback` over `__dns_parse`: the addresses of one reply, at most 48 in all.
    fn parse(&self, bytes: &[u8], rrtype: Option<RecordType>, addresses: &mut Vec<IpAddr>) {
        for (rr, data) in dns_parse(bytes, self.legacy) {
            if rr == 5 {
                continue; // CNAME: the canonical name only
            }
            if addresses.len() >= MAXADDRS {
                if self.legacy {
                    return;
                }
                continue;
            }
            if let Some(rrtype) = rrtype
                && u16::from(rr) != u16::from(rrtype)
            {
                continue;
            }
            match rr {
                1 => match <[u8; 4]>::try_from(data) {
                    Ok(octets) => addresses.push(IpAddr::V4(Ipv4Addr::from(octets))),
                    Err(_) => return,
                },
                28 => match <[u8; 16]>::try_from(data) {
                    Ok(octets) => addresses.push(IpAddr::V6(Ipv6Addr::from(octets))),
                    Err(_) => return,
                },
                _ => {}
            }
        }
    }

    /// `__res_msend_rc`: every query to every nameserver on one UDP socket; rounds every
    /// `timeout / attempts` until each query has a NOERROR or NXDOMAIN reply or `timeout`
    /// passes; a SERVFAIL resent at once (at most twice the query count per round), any other
    /// rcode ignored; 1.2.4+: a truncated reply's query alone again over TCP. The accepted
    /// reply of each query, cut to the answer buffer.
    fn msend(&mut self, ex: &mut Exchanger<'_>, queries: &[Outgoing]) -> Vec<Option<Vec<u8>>> {
        let servers = self.conf.nameservers.clone();
        let timeout = u64::from(self.conf.timeout) * 1000;
        // `attempts:0` divides by zero in musl; read as 1 here.
        let interval = timeout / u64::from(self.conf.attempts.max(1));
        let buffer = if self.legacy { LEGACY_BUFFER } else { BUFFER };
        let socket = ex.socket();
        let mut answers: Vec<Option<Vec<u8>>> = vec![None; queries.len()];
        let mut elapsed = 0u64;
        let mut round = 0;
        'rounds: while elapsed < timeout {
            if answers.iter().all(Option::is_some) {
                break;
            }
            let cause = if round == 0 {
                Cause::First
            } else {
                Cause::Retry
            };
            round += 1;
            // Every unanswered query to every server, then the replies as they come.
            let mut queue: VecDeque<(usize, usize, usize, Option<Received>)> = VecDeque::new();
            for index in 0..queries.len() {
                if answers[index].is_some() {
                    continue;
                }
                for (server, &address) in servers.iter().enumerate() {
                    if let Some((sent, reply)) =
                        ex.send(&queries[index], address, Transport::Udp, socket, cause)
                    {
                        queue.push_back((index, server, sent, reply));
                    }
                }
            }
            let mut servfail_retry = 2 * queries.len();
            while let Some((index, server, sent, reply)) = queue.pop_front() {
                let Some(reply) = reply else {
                    continue;
                };
                if answers[index].is_some() {
                    continue;
                }
                match u16::from(reply.rcode()) {
                    0 | 3 => {}
                    2 => {
                        if servfail_retry > 0 {
                            servfail_retry -= 1;
                            if let Some((sent, reply)) = ex.send(
                                &queries[index],
                                servers[server],
                                Transport::Udp,
                                socket,
                                Cause::ResendAfterServfail,
                            ) {
                                queue.push_back((index, server, sent, reply));
                            }
                        }
                        continue;
                    }
                    _ => continue,
                }
                if !self.legacy && (reply.truncated() || reply.bytes.len() > buffer) {
                    let tcp = ex.socket();
                    let Some((sent, Some(reply))) = ex.send(
                        &queries[index],
                        servers[server],
                        Transport::Tcp,
                        tcp,
                        Cause::TcpAfterTruncation,
                    ) else {
                        break 'rounds;
                    };
                    if !matches!(u16::from(reply.rcode()), 0 | 3) {
                        break 'rounds;
                    }
                    ex.used(sent);
                    answers[index] = Some(cut(&reply, buffer));
                    continue;
                }
                ex.used(sent);
                answers[index] = Some(cut(&reply, buffer));
                if self.legacy && answers.iter().all(Option::is_some) {
                    break 'rounds;
                }
            }
            if answers.iter().all(Option::is_some) {
                break;
            }
            elapsed += interval.max(1);
        }
        if answers.iter().any(Option::is_none) {
            ex.wait_millis(timeout);
        } else {
            ex.wait_millis(elapsed.min(timeout));
        }
        answers
    }

    /// `res_query` (musl's `res_search` is the same function: no search list).
    pub(crate) fn res_query(
        &mut self,
        ex: &mut Exchanger<'_>,
        name: &str,
        qtype: RecordType,
    ) -> (Source, Result<Found, LookupError>) {
        ex.legacy_musl = self.legacy;
        if exchange::musl_query(0, name, qtype, self.legacy, true).is_none() {
            return (Source::None, Err(LookupError::Resolver(HErrno::NoRecovery)));
        }
        ex.step(&absolute(name), false, false);
        let query = Outgoing {
            musl: true,
            ad: true,
            ..Outgoing::new(name, qtype)
        };
        let answers = self.msend(ex, std::slice::from_ref(&query));
        let reply = ex
            .steps
            .last()
            .and_then(|step| step.queries.iter().rev().find_map(|q| q.reply.clone()))
            .filter(|reply| reply.used);
        let Some(bytes) = answers.first().cloned().flatten().filter(|b| b.len() >= 12) else {
            return (Source::Dns, Err(LookupError::Resolver(HErrno::TryAgain)));
        };
        if bytes[3] & 15 == 3 {
            return (
                Source::Dns,
                Err(LookupError::Resolver(HErrno::HostNotFound)),
            );
        }
        if bytes[3] & 15 == 0 && bytes[6] == 0 && bytes[7] == 0 {
            return (Source::Dns, Err(LookupError::Resolver(HErrno::NoData)));
        }
        match reply.and_then(|reply| reply.answer) {
            Some(answer) => (Source::Dns, Ok(Found::Records(answer))),
            None => (Source::Dns, Err(LookupError::Resolver(HErrno::NoRecovery))),
        }
    }
}

fn absolute(name: &str) -> String {
    if name.ends_with('.') {
        name.to_owned()
    } else {
        format!("{name}.")
    }
}

/// A reply as musl holds it: at most its answer buffer.
fn cut(reply: &Received, buffer: usize) -> Vec<u8> {
    reply.bytes[..reply.bytes.len().min(buffer)].to_vec()
}

/// `__dns_parse`: the answer records of a reply as (low byte of the type, data), up to the
/// first record that does not fit. It skips names crudely (any byte from 1 to 127, then a
/// zero or a two-byte pointer); 1.2.3 refuses replies with more than 64 questions and answers
/// and pointers past offset 511 (it was written for 512-byte buffers).
fn dns_parse(r: &[u8], legacy: bool) -> Vec<(u8, &[u8])> {
    let mut records = Vec::new();
    let rlen = r.len();
    if rlen < 12 || r[3] & 15 != 0 {
        return records;
    }
    let qdcount = usize::from(r[4]) * 256 + usize::from(r[5]);
    let ancount = usize::from(r[6]) * 256 + usize::from(r[7]);
    if legacy && qdcount + ancount > 64 {
        return records;
    }
    let mut p = 12;
    let skip_name = |p: &mut usize| {
        while *p < rlen && r[*p].wrapping_sub(1) < 127 {
            *p += 1;
        }
    };
    let bad_pointer = |p: usize| {
        legacy
            && (r.get(p).is_some_and(|&b| b > 193)
                || (r.get(p) == Some(&193) && r.get(p + 1).is_some_and(|&b| b > 254)))
    };
    for _ in 0..qdcount {
        skip_name(&mut p);
        if p >= rlen || bad_pointer(p) || p + 6 > rlen {
            return records;
        }
        p += 5 + usize::from(r[p] != 0);
    }
    for _ in 0..ancount {
        skip_name(&mut p);
        if p >= rlen || bad_pointer(p) {
            return records;
        }
        if (legacy && p + 6 > rlen) || (!legacy && p + 12 > rlen) {
            return records;
        }
        p += 1 + usize::from(r[p] != 0);
        let Some(length) = r.get(p + 8..p + 10) else {
            return records;
        };
        let length = usize::from(length[0]) * 256 + usize::from(length[1]);
        let Some(data) = r.get(p + 10..p + 10 + length) else {
            return records;
        };
        records.push((r[p + 1], data));
        p += 10 + length;
    }
    records
}
