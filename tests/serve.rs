//! The loopback server (`k8s_dns_sim::serve`, feature `serve`) through real sockets: UDP and
//! TCP round trips, truncation and the TCP retry, zone transfers in several messages, changes
//! applied while queries run, shutdown, hostile clients, and real clients (`dig`, the system's
//! `getaddrinfo`) where the machine has them.
#![cfg(feature = "serve")]

mod support;

use std::fmt::Write as _;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use k8s_dns_sim::hickory_proto::rr::{Name, RData, RecordType};
use k8s_dns_sim::serve::{Limits, Server};
use k8s_dns_sim::{Change, Cluster, ClusterDns, Config, Kind};

const TIMEOUT: Duration = Duration::from_secs(5);
const WEB: &str = "web.default.svc.cluster.local.";

fn golden() -> ClusterDns {
    support::dns("golden.yaml", Config::default())
}

fn start(dns: ClusterDns) -> Server {
    Server::start(dns, "127.0.0.1:0").expect("the server starts on loopback")
}

fn query(id: u16, name: &str, qtype: RecordType) -> Message {
    let mut message = Message::new(id, MessageType::Query, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
    message
}

/// One UDP exchange; `None` when no reply came within a second.
fn udp_try(addr: SocketAddr, request: &[u8]) -> Option<Message> {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    socket.send_to(request, addr).unwrap();
    let mut buffer = vec![0; 65535];
    let size = socket.recv(&mut buffer).ok()?;
    Some(Message::from_vec(&buffer[..size]).expect("the reply decodes"))
}

fn udp(addr: SocketAddr, request: &Message) -> Message {
    udp_try(addr, &request.to_vec().unwrap()).expect("a UDP reply")
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT).expect("the server accepts");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream
}

fn send(stream: &mut TcpStream, request: &[u8]) {
    let mut framed = u16::try_from(request.len()).unwrap().to_be_bytes().to_vec();
    framed.extend_from_slice(request);
    stream.write_all(&framed).unwrap();
}

/// One length-prefixed message; `None` when the server closed the connection.
fn receive(stream: &mut TcpStream) -> Option<Message> {
    let mut prefix = [0; 2];
    stream.read_exact(&mut prefix).ok()?;
    let mut body = vec![0; usize::from(u16::from_be_bytes(prefix))];
    stream.read_exact(&mut body).expect("a whole message");
    Some(Message::from_vec(&body).expect("the reply decodes"))
}

fn tcp(addr: SocketAddr, request: &Message) -> Message {
    let mut stream = connect(addr);
    send(&mut stream, &request.to_vec().unwrap());
    receive(&mut stream).expect("a TCP reply")
}

/// Whether the server closed `stream` (EOF or reset) within the stream's read timeout.
fn closed(stream: &mut TcpStream) -> bool {
    let mut byte = [0; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(error) => !matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

fn addresses(reply: &Message) -> Vec<String> {
    reply
        .answers
        .iter()
        .filter_map(|record| match &record.data {
            RData::A(a) => Some(a.to_string()),
            RData::AAAA(aaaa) => Some(aaaa.to_string()),
            _ => None,
        })
        .collect()
}

/// The SOA serial in the authority section of a negative reply.
fn serial(reply: &Message) -> u32 {
    match reply.authorities.as_slice() {
        [record] => match &record.data {
            RData::SOA(soa) => soa.serial,
            other => panic!("expected the SOA, found {other}"),
        },
        other => panic!("expected one SOA in authority, found {other:?}"),
    }
}

/// A headless Service `big` in `default` with `count` ready IPv4 endpoints.
fn headless_with(count: u32) -> ClusterDns {
    let mut yaml = String::from(
        "apiVersion: v1\nkind: Service\nmetadata: {name: big, namespace: default}\n\
         spec: {clusterIP: None, ports: [{name: http, port: 80}]}\n---\n\
         apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
         metadata: {name: big-1, namespace: default, labels: {kubernetes.io/service-name: big}}\n\
         addressType: IPv4\nports: [{name: http, port: 80, protocol: TCP}]\nendpoints:\n",
    );
    for i in 0..count {
        writeln!(yaml, "  - addresses: [\"10.1.{}.{}\"]", i / 256, i % 256).unwrap();
    }
    ClusterDns::new(Cluster::from_yaml(&yaml).unwrap(), Config::default())
}

#[test]
fn the_server_is_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<Server>();
}

#[test]
fn udp_round_trip() {
    let server = start(golden());
    let reply = udp(server.addr(), &query(0x1234, WEB, RecordType::A));
    assert_eq!(reply.id, 0x1234);
    assert_eq!(reply.message_type, MessageType::Response);
    assert_eq!(reply.response_code, ResponseCode::NoError);
    assert!(reply.authoritative);
    assert_eq!(addresses(&reply), ["10.96.0.20"]);

    let missing = udp(
        server.addr(),
        &query(2, "nope.default.svc.cluster.local.", RecordType::A),
    );
    assert_eq!(missing.response_code, ResponseCode::NXDomain);
    assert_eq!(serial(&missing), 1);
}

#[test]
fn udp_and_tcp_share_the_port_and_answer_alike() {
    let server = start(golden());
    assert_ne!(server.addr().port(), 0);
    let request = query(9, WEB, RecordType::A);
    assert_eq!(udp(server.addr(), &request), tcp(server.addr(), &request));
}

#[test]
fn the_query_log_keeps_every_request_in_arrival_order_while_on() {
    let server = start(golden());
    // Off by default: nothing kept.
    udp(server.addr(), &query(1, WEB, RecordType::A));
    assert!(server.take_queries().is_empty());
    server.log_queries(true);
    udp(server.addr(), &query(2, WEB, RecordType::A));
    tcp(server.addr(), &query(3, WEB, RecordType::AAAA));
    let log = server.take_queries();
    let seen: Vec<(u16, k8s_dns_sim::Transport)> = log
        .iter()
        .map(|received| (received.message().unwrap().id, received.transport))
        .collect();
    assert_eq!(
        seen,
        [
            (2, k8s_dns_sim::Transport::Udp),
            (3, k8s_dns_sim::Transport::Tcp)
        ]
    );
    assert!(log.iter().all(|received| received.peer.ip().is_loopback()));
    // Taken: the next call starts afresh; stopping drops what was kept.
    assert!(server.take_queries().is_empty());
    udp(server.addr(), &query(4, WEB, RecordType::A));
    server.log_queries(false);
    assert!(server.take_queries().is_empty());
}

#[test]
fn forwarding_answers_names_outside_the_zones_from_the_upstream() {
    let upstream = k8s_dns_sim::Upstream::new()
        .with_address("example.com", "93.184.215.14".parse().unwrap(), 300)
        .unwrap();
    // The upstream set without a `forward` plugin (`with_upstream` would add one, rule 39):
    // the server's only block is `cluster.local`, so no block covers the name.
    let mut config = Config::default();
    config.upstream = upstream;
    let server = start(support::dns("golden.yaml", config));
    let outside = query(5, "example.com.", RecordType::A);
    // No server block covers it: REFUSED (rule 39).
    assert_eq!(
        udp(server.addr(), &outside).response_code,
        ResponseCode::Refused
    );
    // As the cluster DNS Service's forward: the upstream's record, RA set; NXDOMAIN for a
    // name it does not hold; names in the zone as before.
    server.forward_outside_zones(true);
    let reply = udp(server.addr(), &outside);
    assert_eq!(addresses(&reply), ["93.184.215.14"]);
    assert!(reply.recursion_available && !reply.authoritative);
    assert_eq!(
        tcp(server.addr(), &query(6, "nowhere.example.", RecordType::A)).response_code,
        ResponseCode::NXDomain
    );
    assert_eq!(
        addresses(&udp(server.addr(), &query(7, WEB, RecordType::A))),
        ["10.96.0.20"]
    );
}

#[test]
fn tcp_carries_several_messages_per_connection() {
    let server = start(golden());
    let mut stream = connect(server.addr());
    let questions = [
        (
            WEB,
            RecordType::A,
            ResponseCode::NoError,
            vec!["10.96.0.20"],
        ),
        (
            "db.default.svc.cluster.local.",
            RecordType::A,
            ResponseCode::NoError,
            vec!["10.1.0.5", "10.1.0.6"],
        ),
        (
            "nope.default.svc.cluster.local.",
            RecordType::A,
            ResponseCode::NXDomain,
            vec![],
        ),
    ];
    // Sent one after the other before reading, as a pipelining client does.
    for (id, (name, qtype, _, _)) in questions.iter().enumerate() {
        send(
            &mut stream,
            &query(id as u16, name, *qtype).to_vec().unwrap(),
        );
    }
    for (id, (name, _, rcode, expected)) in questions.iter().enumerate() {
        let reply = receive(&mut stream).expect("a reply per message");
        assert_eq!(reply.id, id as u16, "{name}");
        assert_eq!(reply.response_code, *rcode, "{name}");
        let mut found = addresses(&reply);
        found.sort();
        assert_eq!(found, *expected, "{name}");
    }
}

#[test]
fn udp_truncates_and_the_tcp_retry_gets_the_whole_answer() {
    let server = start(headless_with(100));
    let request = query(5, "big.default.svc.cluster.local.", RecordType::A);
    let over_udp = udp(server.addr(), &request);
    assert!(over_udp.truncation, "TC set on a reply that did not fit");
    // Rule 34: as many compressed records as fit 512 bytes (12 + 35 + 29 × 16 = 511).
    assert_eq!(over_udp.answers.len(), 29);
    let over_tcp = tcp(server.addr(), &request);
    assert!(!over_tcp.truncation);
    assert_eq!(over_tcp.answers.len(), 100);
}

#[test]
fn a_zone_transfer_over_tcp_comes_in_several_messages() {
    // As tests/zone.rs builds it: 300 headless Services of 10 endpoints, over 63,000 bytes.
    let mut yaml = String::new();
    for s in 0..300 {
        write!(
            yaml,
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: svc-{s:03}, namespace: bench}}\n\
             spec: {{clusterIP: None, ports: [{{name: http, port: 80}}]}}\n---\n\
             apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n\
             metadata: {{name: svc-{s:03}-1, namespace: bench, labels: {{kubernetes.io/service-name: svc-{s:03}}}}}\n\
             addressType: IPv4\nports: [{{name: http, port: 80, protocol: TCP}}]\nendpoints:\n"
        )
        .unwrap();
        for e in 0..10 {
            writeln!(yaml, "  - addresses: [\"10.{}.{}.{e}\"]", s / 256, s % 256).unwrap();
        }
    }
    let dns = ClusterDns::new(
        Cluster::from_yaml(&yaml).unwrap(),
        Config::default().with_transfer(true),
    );
    let listing = dns.zone_records("cluster.local").unwrap();
    let server = start(dns);
    let axfr = query(77, "cluster.local.", RecordType::AXFR);

    assert_eq!(
        udp(server.addr(), &axfr).response_code,
        ResponseCode::Refused,
        "no transfer over UDP"
    );

    let mut stream = connect(server.addr());
    send(&mut stream, &axfr.to_vec().unwrap());
    let mut records = Vec::new();
    let (mut messages, mut soas) = (0, 0);
    // The transfer ends with the second SOA.
    while soas < 2 {
        let message = receive(&mut stream).expect("the rest of the transfer");
        assert_eq!(message.id, 77);
        assert!(message.authoritative && !message.truncation);
        soas += message
            .answers
            .iter()
            .filter(|record| record.record_type() == RecordType::SOA)
            .count();
        records.extend(message.answers);
        messages += 1;
    }
    assert!(
        messages > 1,
        "{} records in {messages} message",
        records.len()
    );
    assert_eq!(records, listing);

    // The same connection still answers.
    send(
        &mut stream,
        &query(78, "cluster.local.", RecordType::SOA)
            .to_vec()
            .unwrap(),
    );
    assert_eq!(receive(&mut stream).unwrap().id, 78);
}

#[test]
fn apply_while_another_thread_queries_sees_the_old_or_the_new_snapshot() {
    // Serial 1: `web` exists and `new` does not; every batch swaps them, so an odd serial has
    // `web` and an even one `new`. A reply from a mix of two snapshots would break the pairing.
    let server = Arc::new(start(golden()));
    let new = "new.default.svc.cluster.local.";
    let add_new = "apiVersion: v1\nkind: Service\nmetadata: {name: new, namespace: default}\n\
                   spec: {clusterIP: 10.96.0.99, ports: [{port: 80}]}\n";
    let add_web = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n\
                   spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}\n";
    let done = Arc::new(AtomicBool::new(false));
    let check = |reply: &Message, name: &str| match reply.response_code {
        ResponseCode::NoError if name == WEB => assert_eq!(addresses(reply), ["10.96.0.20"]),
        ResponseCode::NoError => assert_eq!(addresses(reply), ["10.96.0.99"]),
        ResponseCode::NXDomain if name == WEB => assert_eq!(serial(reply) % 2, 0, "{reply}"),
        ResponseCode::NXDomain => assert_eq!(serial(reply) % 2, 1, "{reply}"),
        other => panic!("{name}: {other}"),
    };
    let queriers: Vec<_> = [false, true]
        .into_iter()
        .map(|over_tcp| {
            let (server, done) = (Arc::clone(&server), Arc::clone(&done));
            thread::spawn(move || {
                let started = Instant::now();
                let mut replies = 0u32;
                let mut stream = over_tcp.then(|| connect(server.addr()));
                while !done.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(30) {
                    for name in [WEB, new] {
                        let request = query(replies as u16, name, RecordType::A);
                        let reply = match &mut stream {
                            Some(stream) => {
                                send(stream, &request.to_vec().unwrap());
                                receive(stream).expect("a TCP reply")
                            }
                            None => udp(server.addr(), &request),
                        };
                        check(&reply, name);
                        replies += 1;
                    }
                }
                replies
            })
        })
        .collect();
    for round in 0..20 {
        let batch = if round % 2 == 0 {
            [
                Change::delete(Kind::Service, "default", "web"),
                Change::apply_yaml("new.yaml", add_new),
            ]
        } else {
            [
                Change::delete(Kind::Service, "default", "new"),
                Change::apply_yaml("web.yaml", add_web),
            ]
        };
        server.apply(batch).unwrap();
        thread::sleep(Duration::from_millis(5));
    }
    done.store(true, Ordering::SeqCst);
    for querier in queriers {
        assert!(querier.join().expect("no failed check") > 0);
    }
    // 20 batches: back to `web`, serial 21.
    assert_eq!(server.dns().cluster().serial(), 21);
    let after = udp(server.addr(), &query(1, new, RecordType::A));
    assert_eq!(serial(&after), 21);
}

#[test]
fn a_refused_batch_changes_nothing_and_says_why() {
    let server = start(golden());
    let before = server.dns();
    let errors = server
        .apply([Change::delete(Kind::Service, "default", "no-such-service")])
        .unwrap_err();
    let mut alone = golden();
    let expected = alone
        .apply([Change::delete(Kind::Service, "default", "no-such-service")])
        .unwrap_err();
    assert_eq!(errors, expected, "the errors of ClusterDns::apply");
    assert!(Arc::ptr_eq(&before, &server.dns()));
    assert_eq!(
        addresses(&udp(server.addr(), &query(1, WEB, RecordType::A))),
        ["10.96.0.20"]
    );
}

#[test]
fn replace_serves_another_snapshot() {
    let server = start(golden());
    let old = server.replace(headless_with(3));
    assert_eq!(old.cluster().serial(), 1);
    let reply = udp(
        server.addr(),
        &query(1, "big.default.svc.cluster.local.", RecordType::A),
    );
    assert_eq!(addresses(&reply).len(), 3);
    assert_eq!(
        udp(server.addr(), &query(2, WEB, RecordType::A)).response_code,
        ResponseCode::NXDomain
    );
    // Rule 36: the serial only grows. The replacement, a fresh load (serial 1), is served at
    // serial 2, so a secondary asking IXFR with serial 1 learns of the change; a replacement
    // already ahead keeps its own.
    assert_eq!(server.dns().cluster().serial(), 2);
    server.replace(ClusterDns::new(
        golden().cluster().clone().with_serial(9),
        golden().config().clone(),
    ));
    assert_eq!(server.dns().cluster().serial(), 9);
    server.replace(golden());
    assert_eq!(server.dns().cluster().serial(), 10);
    let soa = udp(server.addr(), &query(3, "cluster.local.", RecordType::SOA));
    assert!(
        soa.answers[0].to_string().contains(" 10 "),
        "{}",
        soa.answers[0]
    );
}

/// The ports a `bind` to port 0 may hand out (Linux's `ip_local_port_range`; elsewhere the
/// IANA range most systems use).
fn ephemeral_ports() -> std::ops::RangeInclusive<u16> {
    let configured = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|text| {
            let mut bounds = text.split_whitespace().map(|n| n.parse::<u16>().ok());
            Some(bounds.next()??..=bounds.next()??)
        });
    configured.unwrap_or(49152..=65535)
}

/// A server on a port below the ephemeral range, which no other socket bound to port 0 (this
/// binary's tests run in parallel and bind many) can be given while this test has let it go.
fn start_outside_the_ephemeral_range() -> Server {
    let ephemeral = ephemeral_ports();
    let mut port = 20_000 + (std::process::id() % 4_000) as u16;
    for _ in 0..200 {
        if !ephemeral.contains(&port)
            && let Ok(server) = Server::start(golden(), ("127.0.0.1", port))
        {
            return server;
        }
        port = 1_024 + (port - 1_024 + 97) % 30_000;
    }
    panic!("no free port below the ephemeral range {ephemeral:?}");
}

#[test]
fn dropping_the_server_stops_it_and_frees_the_port() {
    let server = start_outside_the_ephemeral_range();
    let addr = server.addr();
    // An open, silent connection must not hold the drop up.
    let mut idle = connect(addr);
    let mut busy = connect(addr);
    send(&mut busy, &query(1, WEB, RecordType::A).to_vec().unwrap());
    assert!(receive(&mut busy).is_some());
    let started = Instant::now();
    drop(server);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the drop took {:?}",
        started.elapsed()
    );
    assert!(closed(&mut idle), "open connections are closed");
    assert!(closed(&mut busy));
    // The port is free again, for UDP and TCP...
    let udp_again = UdpSocket::bind(addr).expect("the UDP port is free");
    let tcp_again = TcpListener::bind(addr).expect("the TCP port is free");
    drop((udp_again, tcp_again));
    // ...and a server can be started on it again.
    let again = Server::start(golden(), addr).expect("a server on the same port");
    assert_eq!(again.addr(), addr);
    assert_eq!(
        addresses(&udp(addr, &query(1, WEB, RecordType::A))),
        ["10.96.0.20"]
    );
}

#[test]
fn a_taken_port_is_refused() {
    let first = start(golden());
    let error = Server::start(golden(), first.addr()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::AddrInUse);
}

#[test]
fn garbage_does_not_break_the_server() {
    let server = start(golden());
    let addr = server.addr();
    let mut noise: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0],
        vec![0xff; 11],
        vec![0xff; 12],
        vec![0xff; 600],
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
    ];
    // A deterministic jumble of bytes of every length up to 300.
    let mut state = 0x2545_f491_u32;
    for length in 0..300 {
        noise.push(
            (0..length)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    state as u8
                })
                .collect(),
        );
    }
    // Sent in one burst from one socket; the replies (FORMERR and the like, none for a
    // response or for fewer bytes than a header) are drained after.
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    for packet in &noise {
        socket.send_to(packet, addr).unwrap();
    }
    socket
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buffer = vec![0; 65535];
    while let Ok(size) = socket.recv(&mut buffer) {
        let reply = Message::from_vec(&buffer[..size]).expect("any reply decodes");
        assert_eq!(reply.message_type, MessageType::Response);
    }
    // The same over TCP, each on one connection, framed and unframed.
    for packet in noise.iter().take(40) {
        let mut stream = connect(addr);
        send(&mut stream, packet);
        stream.shutdown(std::net::Shutdown::Write).unwrap();
        while receive_any(&mut stream) {}
    }
    let mut stream = connect(addr);
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    drop(stream);
    // A prefix announcing more than is sent, then a close.
    let mut stream = connect(addr);
    stream.write_all(&[0xff, 0xff, 1, 2, 3]).unwrap();
    drop(stream);

    assert_eq!(
        addresses(&udp(addr, &query(1, WEB, RecordType::A))),
        ["10.96.0.20"]
    );
    assert_eq!(
        addresses(&tcp(addr, &query(2, WEB, RecordType::A))),
        ["10.96.0.20"]
    );
}

/// Reads one framed reply of any content; false at the end of the connection.
fn receive_any(stream: &mut TcpStream) -> bool {
    let mut prefix = [0; 2];
    if stream.read_exact(&mut prefix).is_err() {
        return false;
    }
    let mut body = vec![0; usize::from(u16::from_be_bytes(prefix))];
    stream.read_exact(&mut body).is_ok()
}

#[test]
fn a_silent_client_holds_up_nobody_and_is_closed_when_idle() {
    let mut limits = Limits::default();
    limits.idle_timeout = Duration::from_millis(300);
    let server = Server::start_with(golden(), "127.0.0.1:0", limits).unwrap();
    let addr = server.addr();
    let started = Instant::now();
    let mut silent = connect(addr);
    // Half a length prefix, then nothing: the whole message is late too.
    let mut trickle = connect(addr);
    trickle.write_all(&[0]).unwrap();
    // Meanwhile others are answered.
    assert_eq!(
        addresses(&tcp(addr, &query(1, WEB, RecordType::A))),
        ["10.96.0.20"]
    );
    assert_eq!(
        addresses(&udp(addr, &query(2, WEB, RecordType::A))),
        ["10.96.0.20"]
    );
    assert!(closed(&mut silent), "the idle connection is closed");
    assert!(closed(&mut trickle));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(4),
        "closed after {waited:?}"
    );
}

#[test]
fn connections_past_the_limit_are_closed_at_once() {
    let mut limits = Limits::default();
    limits.max_connections = 2;
    let server = Server::start_with(golden(), "127.0.0.1:0", limits).unwrap();
    let addr = server.addr();
    let request = query(1, WEB, RecordType::A).to_vec().unwrap();
    let mut held: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stream = connect(addr);
            send(&mut stream, &request);
            assert!(receive(&mut stream).is_some(), "within the limit");
            stream
        })
        .collect();
    let mut third = connect(addr);
    assert!(closed(&mut third), "past the limit");
    // UDP is not limited by it.
    assert!(udp_try(addr, &request).is_some());
    // Once one closes, a new connection is served (its slot frees once its thread sees EOF).
    drop(held.pop());
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let mut stream = connect(addr);
        let mut framed = u16::try_from(request.len()).unwrap().to_be_bytes().to_vec();
        framed.extend_from_slice(&request);
        // Closed at once while the slot is still taken: then the write or the read fails.
        if stream.write_all(&framed).is_ok() && receive(&mut stream).is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "no slot freed");
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn limits_are_checked_on_start() {
    let mut limits = Limits::default();
    limits.max_connections = 0;
    let error = Server::start_with(golden(), "127.0.0.1:0", limits).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
}

#[test]
fn a_message_over_the_limit_closes_the_connection() {
    let mut limits = Limits::default();
    limits.max_message_bytes = 100;
    let server = Server::start_with(golden(), "127.0.0.1:0", limits).unwrap();
    let mut stream = connect(server.addr());
    stream.write_all(&[0x01, 0x00]).unwrap(); // 256 bytes announced
    assert!(closed(&mut stream));
    // A short one is still answered.
    assert_eq!(
        addresses(&tcp(server.addr(), &query(1, WEB, RecordType::A))),
        ["10.96.0.20"]
    );
}

// Real clients.

/// The `dig` on this machine, if any.
fn dig() -> Option<&'static str> {
    let found = Command::new("dig")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    found.then_some("dig")
}

fn run_dig(addr: SocketAddr, args: &[&str]) -> String {
    let output = Command::new("dig")
        .arg(format!("@{}", addr.ip()))
        .args(["-p", &addr.port().to_string(), "+time=3", "+tries=2"])
        .args(args)
        .output()
        .expect("dig runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "dig {args:?}: {}\n{text}",
        output.status
    );
    text
}

#[test]
fn dig_queries_the_server() {
    let Some(_) = dig() else {
        println!("skipped: no dig on this machine (Debian: apt-get install dnsutils)");
        return;
    };
    let server = start(golden());
    let addr = server.addr();
    let short = run_dig(addr, &["+short", "web.default.svc.cluster.local"]);
    assert_eq!(short.trim(), "10.96.0.20");
    let over_tcp = run_dig(addr, &["+tcp", "+short", "web.default.svc.cluster.local"]);
    assert_eq!(over_tcp.trim(), "10.96.0.20");
    let mut srv: Vec<&str> = Vec::new();
    let srv_text = run_dig(
        addr,
        &["+short", "_mysql._tcp.db.default.svc.cluster.local", "SRV"],
    );
    srv.extend(srv_text.lines());
    srv.sort();
    assert_eq!(
        srv,
        [
            "0 50 3306 10-1-0-6.db.default.svc.cluster.local.",
            "0 50 3306 db-0.db.default.svc.cluster.local."
        ]
    );
    let missing = run_dig(addr, &["nope.default.svc.cluster.local"]);
    assert!(missing.contains("status: NXDOMAIN"), "{missing}");
    assert!(missing.contains("flags: qr aa rd;"), "{missing}");
}

#[test]
fn dig_retries_a_truncated_reply_over_tcp() {
    let Some(_) = dig() else {
        println!("skipped: no dig on this machine (Debian: apt-get install dnsutils)");
        return;
    };
    let server = start(headless_with(100));
    let text = run_dig(server.addr(), &["+noedns", "big.default.svc.cluster.local"]);
    assert!(text.contains("Truncated, retrying in TCP mode"), "{text}");
    assert!(text.contains("ANSWER: 100,"), "{text}");
    // Rules 34 and 60: over TCP the 100 records fit uncompressed, so they go uncompressed, as
    // CoreDNS sends them: 12 + 35 + 100 × 45 bytes.
    assert!(text.contains("MSG SIZE  rcvd: 4547"), "{text}");
    let short = run_dig(
        server.addr(),
        &["+short", "+noedns", "big.default.svc.cluster.local"],
    );
    assert_eq!(short.lines().count(), 100);
}

#[test]
fn dig_transfers_the_zone() {
    let Some(_) = dig() else {
        println!("skipped: no dig on this machine (Debian: apt-get install dnsutils)");
        return;
    };
    let dns = support::dns("golden.yaml", Config::default().with_transfer(true));
    let expected: Vec<String> = dns
        .zone_records("cluster.local")
        .unwrap()
        .iter()
        .map(|record| {
            record
                .to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let server = start(dns);
    let text = run_dig(
        server.addr(),
        &["+nocmd", "+nostats", "AXFR", "cluster.local"],
    );
    let got: Vec<String> = text
        .lines()
        .filter(|line| !line.starts_with(';') && !line.trim().is_empty())
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(got, expected);
}

/// The system resolver (`getaddrinfo`, through `ToSocketAddrs`), pointed at the server: as
/// root, in a private mount namespace where a resolv.conf naming the server (and an
/// nsswitch.conf asking DNS only) is bind-mounted over the system's. The resolv.conf cannot
/// name a port, so the server listens on port 53 of a loopback address of its own.
#[test]
fn getaddrinfo_resolves_through_the_server() {
    if let Err(reason) = getaddrinfo_check() {
        println!("skipped: {reason}");
    }
}

/// The resolver configuration of a Pod in namespace `default`, as the kubelet writes it.
const POD_RESOLV_CONF: &str = "nameserver 127.77.0.53\n\
search default.svc.cluster.local svc.cluster.local cluster.local\n\
options ndots:5 timeout:2 attempts:2\n";

const GETADDRINFO_NAMES: &str = "K8S_DNS_SIM_GETADDRINFO_NAMES";
const GETADDRINFO_MARK: &str = "getaddrinfo answered ";

fn getaddrinfo_check() -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return Err("getaddrinfo is only pointed at the server on Linux".into());
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|uids| uids.split_whitespace().nth(1))
        == Some("0");
    if !root {
        return Err("not root, so no private mount namespace for a resolv.conf".into());
    }
    if std::path::Path::new("/var/run/nscd/socket").exists() {
        return Err("nscd is running, and would answer for the system's resolv.conf".into());
    }
    if !std::path::Path::new("/etc/resolv.conf").exists() {
        return Err("no /etc/resolv.conf to bind-mount over".into());
    }
    let probe = Command::new("unshare")
        .args(["--mount", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|status| status.success()) {
        return Err("`unshare --mount` is not available or not permitted here".into());
    }
    let server = match Server::start(golden(), "127.77.0.53:53") {
        Ok(server) => server,
        Err(error) => return Err(format!("cannot listen on 127.77.0.53:53: {error}")),
    };

    let dir = std::env::temp_dir().join(format!("k8s-dns-sim-getaddrinfo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|error| error.to_string())?;
    let resolv = dir.join("resolv.conf");
    let nsswitch = dir.join("nsswitch.conf");
    std::fs::write(&resolv, POD_RESOLV_CONF).map_err(|error| error.to_string())?;
    std::fs::write(&nsswitch, "hosts: dns\n").map_err(|error| error.to_string())?;
    let exe = std::env::current_exe().map_err(|error| error.to_string())?;
    // Exit 97: the bind mounts were refused, so the machine cannot do this.
    let script = "mount --bind \"$1\" /etc/resolv.conf || exit 97; \
                  if [ -e /etc/nsswitch.conf ]; then mount --bind \"$2\" /etc/nsswitch.conf || exit 97; fi; \
                  exec \"$3\" --exact getaddrinfo_child --ignored --nocapture --test-threads=1";
    let mut child = Command::new("unshare")
        .args(["--mount", "sh", "-c", script, "sh"])
        .arg(&resolv)
        .arg(&nsswitch)
        .arg(&exe)
        .env(
            GETADDRINFO_NAMES,
            "web db web.default nope cluster.local.example.invalid",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| error.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the getaddrinfo child did not finish in 60 s");
        }
        thread::sleep(Duration::from_millis(20));
    }
    let output = child
        .wait_with_output()
        .map_err(|error| error.to_string())?;
    let _ = std::fs::remove_dir_all(&dir);
    drop(server);
    if output.status.code() == Some(97) {
        return Err("bind mounts are not permitted here".into());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the getaddrinfo child failed: {}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.split_once(GETADDRINFO_MARK).map(|(_, result)| result))
        .collect();
    // Short names through the Pod's search list (ndots:5), a headless Service's addresses, and
    // name errors: NXDOMAIN down the list, then REFUSED for the name as given (outside the zone).
    assert_eq!(
        results,
        [
            "web: 10.96.0.20",
            "db: 10.1.0.5 10.1.0.6",
            "web.default: 10.96.0.20",
            "nope: error",
            "cluster.local.example.invalid: error",
        ],
        "{stdout}"
    );
    Ok(())
}

/// Run by `getaddrinfo_resolves_through_the_server` inside the private mount namespace: asks
/// the system resolver for each name and prints what it answered.
#[test]
#[ignore = "run by getaddrinfo_resolves_through_the_server, in a private mount namespace"]
fn getaddrinfo_child() {
    let Ok(names) = std::env::var(GETADDRINFO_NAMES) else {
        return;
    };
    for name in names.split_whitespace() {
        let line = match (name, 80).to_socket_addrs() {
            Ok(found) => {
                let mut ips: Vec<String> = found.map(|addr| addr.ip().to_string()).collect();
                ips.sort();
                ips.dedup();
                ips.join(" ")
            }
            Err(_) => "error".to_owned(),
        };
        // On a line of its own: the test harness prints the test's name before it.
        println!("\n{GETADDRINFO_MARK}{name}: {line}");
    }
}
