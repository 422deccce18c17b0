//! Go's pure resolver: `LookupIP` (`lookup.go`, `ipsock.go`), `goLookupIPCNAMEOrder`,
//! `nameList`, `tryOneName`, `exchange` (`net/dnsclient_unix.go`), `isDomainName`
//! (`dnsclient.go`); `docs/resolver-behaviour.md` §2.

use std::net::IpAddr;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{RData, RecordType};

use crate::wire::Transport;

use super::conf::LibraryConf;
use super::exchange::{Exchanger, Outgoing, Received, host_port};
use super::hosts::{self, HostsAnswer};
use super::library::{Family, StubResolver};
use super::literal::{self, Literal};
use super::result::{Cause, DnsError, Found, LookupError, Source};
use super::sandbox::PodSandbox;
use super::sort;

/// `maxDNSPacketSize`: the EDNS payload Go offers on every query.
const EDNS_PAYLOAD: u16 = 1232;

pub(crate) struct Go<'s> {
    conf: LibraryConf,
    sandbox: &'s PodSandbox,
    server_offset: usize,
}

fn dns_error(err: &str, name: &str, server: Option<IpAddr>) -> DnsError {
    DnsError {
        err: err.to_owned(),
        name: name.to_owned(),
        server: server.map(host_port).unwrap_or_default(),
        is_timeout: false,
        is_temporary: false,
        is_not_found: err == "no such host",
    }
}

fn no_suitable_address(name: &str) -> LookupError {
    LookupError::GoAddr {
        err: "no suitable address found".to_owned(),
        addr: name.to_owned(),
    }
}

impl<'s> Go<'s> {
    pub(crate) fn new(conf: LibraryConf, sandbox: &'s PodSandbox) -> Go<'s> {
        Go {
            conf,
            sandbox,
            server_offset: 0,
        }
    }

    /// `Resolver{PreferGo: true}.LookupIP(ctx, "ip"|"ip4"|"ip6", name)`.
    pub(crate) fn lookup_ip(
        &mut self,
        ex: &mut Exchanger<'_>,
        name: &str,
        family: Family,
    ) -> (Source, Result<Found, LookupError>) {
        if name.is_empty() {
            let error = dns_error("no such host", name, None);
            return (Source::None, Err(LookupError::GoDns(error)));
        }
        let keep = |addresses: Vec<IpAddr>| -> Result<Found, LookupError> {
            let kept: Vec<IpAddr> = addresses.into_iter().filter(|a| family.wants(*a)).collect();
            if kept.is_empty() {
                Err(no_suitable_address(name))
            } else {
                Ok(Found::Addresses(kept))
            }
        };
        match literal::literal(StubResolver::Go, name, family) {
            Literal::Address(address) => return (Source::Literal, keep(vec![address])),
            Literal::WrongFamily(address) => return (Source::Literal, keep(vec![address])),
            Literal::BadZone | Literal::Name => {}
        }
        if let Some(text) = &self.sandbox.hosts
            && let HostsAnswer::Found(mut addresses) =
                hosts::lookup(StubResolver::Go, text, name, Family::Unspec)
        {
            sort::sort(
                StubResolver::Go,
                Family::Unspec,
                self.sandbox,
                &mut addresses,
            );
            return (Source::HostsFile, keep(addresses));
        }
        if !is_domain_name(name) {
            let error = dns_error("no such host", name, None);
            return (Source::None, Err(LookupError::GoDns(error)));
        }
        let qtypes: &[RecordType] = match family {
            Family::Unspec => &[RecordType::A, RecordType::AAAA],
            Family::Inet => &[RecordType::A],
            Family::Inet6 => &[RecordType::AAAA],
        };
        let mut addresses = Vec::new();
        let mut last_error: Option<DnsError> = None;
        for fqdn in self.name_list(name) {
            let parallel = !self.conf.single_request && qtypes.len() > 1;
            ex.step(&fqdn, parallel, parallel);
            // Without single-request both queries start at once, each on its own socket, and
            // their results are read as they come; the simulated server answers in the order
            // they were started.
            let results: Vec<Result<Received, DnsError>> = qtypes
                .iter()
                .map(|&qtype| self.try_one_name(ex, &fqdn, qtype))
                .collect();
            for result in results {
                match result {
                    Err(error) => {
                        if last_error.is_none() || fqdn == format!("{name}.") {
                            last_error = Some(error);
                        }
                    }
                    Ok(reply) => {
                        for record in &reply.message.answers {
                            match &record.data {
                                RData::A(a) => addresses.push(IpAddr::V4(a.0)),
                                RData::AAAA(aaaa) => addresses.push(IpAddr::V6(aaaa.0)),
                                _ => {}
                            }
                        }
                    }
                }
            }
            if !addresses.is_empty() {
                break;
            }
        }
        sort::sort(StubResolver::Go, family, self.sandbox, &mut addresses);
        if addresses.is_empty()
            && let Some(mut error) = last_error
        {
            error.name = name.to_owned();
            return (Source::Dns, Err(LookupError::GoDns(error)));
        }
        (Source::Dns, keep(addresses))
    }

    /// `Resolver.lookup(name, qtype)` (behind `LookupSRV`, `LookupTXT`, …): `tryOneName` for
    /// each candidate until one answers; the last error otherwise.
    pub(crate) fn lookup(
        &mut self,
        ex: &mut Exchanger<'_>,
        name: &str,
        qtype: RecordType,
    ) -> (Source, Result<Found, LookupError>) {
        if !is_domain_name(name) {
            let error = dns_error("no such host", name, None);
            return (Source::None, Err(LookupError::GoDns(error)));
        }
        let mut last_error = None;
        for fqdn in self.name_list(name) {
            ex.step(&fqdn, false, false);
            match self.try_one_name(ex, &fqdn, qtype) {
                Ok(reply) => match reply.answer() {
                    Some(answer) => return (Source::Dns, Ok(Found::Records(answer))),
                    None => last_error = Some(dns_error("server misbehaving", name, None)),
                },
                Err(error) => last_error = Some(error),
            }
        }
        let mut error = last_error.unwrap_or_else(|| dns_error("no such host", name, None));
        error.name = name.to_owned();
        (Source::Dns, Err(LookupError::GoDns(error)))
    }

    /// `nameList` (current tree): a rooted name alone; else as is first when it has `ndots`
    /// dots, each search domain whose candidate stays within 254 characters, as is last
    /// otherwise; `.onion` names never.
    pub(crate) fn name_list(&self, name: &str) -> Vec<String> {
        let onion = |name: &str| {
            name.trim_end_matches('.')
                .to_ascii_lowercase()
                .ends_with(".onion")
                || name.trim_end_matches('.').eq_ignore_ascii_case("onion")
        };
        let l = name.len();
        let rooted = name.ends_with('.');
        if l > 254 || (l == 254 && !rooted) {
            return Vec::new();
        }
        if rooted {
            return if onion(name) {
                Vec::new()
            } else {
                vec![name.to_owned()]
            };
        }
        let has_ndots = name.matches('.').count() >= usize::from(self.conf.ndots);
        let name = format!("{name}.");
        let mut names = Vec::new();
        if has_ndots && !onion(&name) {
            names.push(name.clone());
        }
        for suffix in &self.conf.search {
            let fqdn = format!("{name}{suffix}");
            if !onion(&fqdn) && fqdn.len() <= 254 {
                names.push(fqdn);
            }
        }
        if !has_ndots && !onion(&name) {
            names.push(name);
        }
        names
    }

    /// `tryOneName`: `attempts` rounds over the servers (from a rotating offset with
    /// `rotate`); NXDOMAIN and "no record of the type" end it at once, SERVFAIL, REFUSED and
    /// lame replies try the next server and round.
    fn try_one_name(
        &mut self,
        ex: &mut Exchanger<'_>,
        fqdn: &str,
        qtype: RecordType,
    ) -> Result<Received, DnsError> {
        let servers = self.conf.nameservers.clone();
        let offset = if self.conf.rotate {
            let offset = self.server_offset;
            self.server_offset += 1;
            offset
        } else {
            0
        };
        let query = Outgoing {
            edns: Some(EDNS_PAYLOAD),
            ad: self.conf.trust_ad,
            ..Outgoing::new(fqdn, qtype)
        };
        let mut last_error = dns_error("no answer from DNS server", fqdn, None);
        let mut first = true;
        for _ in 0..self.conf.attempts {
            for j in 0..servers.len() {
                let server = servers[(offset + j) % servers.len()];
                let cause = if first { Cause::First } else { Cause::Retry };
                first = false;
                let (index, reply) = match self.exchange(ex, &query, server, cause) {
                    Ok(exchanged) => exchanged,
                    Err(error) => {
                        last_error = error;
                        continue;
                    }
                };
                // checkHeader: lame only with no additional record (`hasAdd`, newest release).
                match reply.rcode() {
                    ResponseCode::NXDomain => {
                        ex.used(index);
                        return Err(dns_error("no such host", fqdn, Some(server)));
                    }
                    ResponseCode::NoError if reply.lame() => {
                        last_error = dns_error("lame referral", fqdn, Some(server));
                        continue;
                    }
                    ResponseCode::NoError => {}
                    ResponseCode::ServFail => {
                        last_error = DnsError {
                            is_temporary: true,
                            ..dns_error("server misbehaving", fqdn, Some(server))
                        };
                        continue;
                    }
                    _ => {
                        last_error = dns_error("server misbehaving", fqdn, Some(server));
                        continue;
                    }
                }
                // skipToAnswer.
                ex.used(index);
                if reply
                    .message
                    .answers
                    .iter()
                    .any(|record| record.record_type() == qtype)
                {
                    return Ok(reply);
                }
                return Err(dns_error("no such host", fqdn, Some(server)));
            }
        }
        Err(last_error)
    }

    /// `exchange`: UDP, then TCP if the UDP reply is truncated (`use-vc`: TCP only), a new
    /// socket each time.
    fn exchange(
        &mut self,
        ex: &mut Exchanger<'_>,
        query: &Outgoing,
        server: IpAddr,
        cause: Cause,
    ) -> Result<(usize, Received), DnsError> {
        let networks: &[Transport] = if self.conf.use_vc {
            &[Transport::Tcp]
        } else {
            &[Transport::Udp, Transport::Tcp]
        };
        let mut cause = cause;
        for &network in networks {
            let socket = ex.socket();
            let Some((index, reply)) = ex.send(query, server, network, socket, cause) else {
                return Err(dns_error("cannot marshal DNS message", &query.name, None));
            };
            let Some(reply) = reply else {
                ex.wait(u64::from(self.conf.timeout));
                return Err(DnsError {
                    is_timeout: true,
                    is_temporary: true,
                    ..dns_error("i/o timeout", &query.name, Some(server))
                });
            };
            if reply.truncated() && network == Transport::Udp {
                cause = Cause::TcpAfterTruncation;
                continue;
            }
            return Ok((index, reply));
        }
        Err(dns_error(
            "no answer from DNS server",
            &query.name,
            Some(server),
        ))
    }
}

/// Go's `isDomainName`: at most 253 characters (254 with the trailing dot), labels of 1 to 63
/// letters, digits, `_` and `-` (not first, not last), not all numeric.
pub(crate) fn is_domain_name(name: &str) -> bool {
    if name == "." {
        return true;
    }
    let l = name.len();
    if l == 0 || l > 254 || (l == 254 && !name.ends_with('.')) {
        return false;
    }
    let mut last = b'.';
    let mut non_numeric = false;
    let mut part = 0;
    for &c in name.as_bytes() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                non_numeric = true;
                part += 1;
            }
            b'0'..=b'9' => part += 1,
            b'-' => {
                if last == b'.' {
                    return false;
                }
                part += 1;
                non_numeric = true;
            }
            b'.' => {
                if last == b'.' || last == b'-' {
                    return false;
                }
                if part > 63 || part == 0 {
                    return false;
                }
                part = 0;
            }
            _ => return false,
        }
        last = c;
    }
    if last == b'-' || part > 63 {
        return false;
    }
    non_numeric
}
