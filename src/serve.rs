//! A real DNS server on a socket, answering from a [`ClusterDns`] (feature `serve`).
//!
//! [`Server::start`] binds UDP and TCP on one address (port 0 picks a free port, the same for
//! both) and answers from plain std threads: no async runtime. Code under test that calls
//! `getaddrinfo`, a DNS client library or `dig` can then be pointed at [`Server::addr`].
//! [`Server::apply`] changes the cluster while it serves; dropping the [`Server`] stops it.
//!
//! ```
//! use std::net::UdpSocket;
//! use std::time::Duration;
//!
//! use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
//! use k8s_dns_sim::hickory_proto::rr::{Name, RecordType};
//! use k8s_dns_sim::serve::Server;
//! use k8s_dns_sim::{Change, Cluster, ClusterDns, Config, Kind};
//!
//! let cluster = Cluster::from_yaml(
//!     "apiVersion: v1
//! kind: Service
//! metadata: {name: web, namespace: default}
//! spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
//! ",
//! )?;
//! let server = Server::start(ClusterDns::new(cluster, Config::default()), "127.0.0.1:0")?;
//!
//! // Any DNS client will do; here, one UDP exchange by hand.
//! let ask = || -> Result<Message, Box<dyn std::error::Error>> {
//!     let mut query = Message::new(7, MessageType::Query, OpCode::Query);
//!     query.add_query(Query::query(
//!         Name::from_ascii("web.default.svc.cluster.local.")?,
//!         RecordType::A,
//!     ));
//!     let socket = UdpSocket::bind("127.0.0.1:0")?;
//!     socket.set_read_timeout(Some(Duration::from_secs(5)))?;
//!     socket.send_to(&query.to_vec()?, server.addr())?;
//!     let mut reply = [0; 512];
//!     let size = socket.recv(&mut reply)?;
//!     Ok(Message::from_vec(&reply[..size])?)
//! };
//! let reply = ask()?;
//! assert_eq!(reply.answers[0].to_string(), "web.default.svc.cluster.local. 5 IN A 10.96.0.20");
//!
//! // The next query sees the change; one in flight saw the old snapshot or the new one.
//! server.apply([Change::delete(Kind::Service, "default", "web")])?;
//! assert_eq!(ask()?.metadata.response_code, ResponseCode::NXDomain);
//!
//! let addr = server.addr();
//! drop(server); // every thread stopped, both sockets closed
//! UdpSocket::bind(addr)?; // so the port is free again
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! How it runs:
//! - one UDP thread: a datagram in, [`ClusterDns::handle_bytes`] over [`Transport::Udp`] (so
//!   large replies are truncated with TC set, as CoreDNS truncates them), a datagram out;
//! - one TCP accept thread, and a thread per connection, at most [`Limits::max_connections`]
//!   at once (one more is accepted and closed at once). A connection carries any number of
//!   2-byte length-prefixed messages, each answered by [`ClusterDns::handle_bytes_stream`]
//!   over [`Transport::Tcp`]: every message of a zone transfer, one after the other. A
//!   connection idle for [`Limits::idle_timeout`] (or that takes longer to send one message) is
//!   closed, and so is one that announces a message over [`Limits::max_message_bytes`];
//! - each query takes the current snapshot once (an `Arc` clone under a read lock held for
//!   that clone only), so it is answered wholly from the cluster before a change or wholly
//!   from the cluster after it;
//! - dropping the [`Server`] sets a stop flag, shuts down every open connection, wakes the UDP
//!   and accept threads (an empty datagram and a connection to the server's own address; the
//!   UDP thread also polls the flag every 250 ms), and joins every thread before it returns.
//!
//! Two switches, both off by default, serve tests that compare real clients with the
//! simulation:
//! - [`Server::forward_outside_zones`]: names outside the server's zones are answered as the
//!   cluster DNS Service answers them (its `forward`, from the
//!   [`Upstream`](crate::Upstream)), exactly as the simulated pod resolvers see them
//!   ([`resolver::Nameserver`](crate::resolver::Nameserver) for [`ClusterDns`]), instead of
//!   REFUSED by the kubernetes plugin alone;
//! - [`Server::log_queries`]: every request received is kept, in arrival order, with its
//!   transport and the client's address, until [`Server::take_queries`] hands them over. A
//!   request is logged before it is answered, so a client that got its replies finds its
//!   queries in the log.
//!
//! Whatever a client sends, the server neither panics nor stops serving: bytes that are no DNS
//! message get the reply CoreDNS gives them, or none (see [`ClusterDns::handle_bytes`]).
//!
//! The answering code knows nothing of sockets or threads: this module is the only one that
//! has them.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs,
    UdpSocket,
};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::resolver::Nameserver;
use crate::{Change, ClusterDns, Transport, UpdateErrors};

/// How often the UDP thread looks at the stop flag when no datagram wakes it (a fallback: a
/// dropped [`Server`] wakes it with an empty datagram).
const UDP_POLL: Duration = Duration::from_millis(250);

/// The largest datagram the UDP thread reads (the largest UDP payload there is).
const UDP_BUFFER: usize = 65_535;

/// How long a dropped [`Server`] waits for its wake-up connection to be accepted.
const WAKE_TIMEOUT: Duration = Duration::from_secs(1);

/// The bounds a [`Server`] keeps to, whatever its clients do.
///
/// ```
/// use std::time::Duration;
/// use k8s_dns_sim::serve::Limits;
///
/// let mut limits = Limits::default();
/// limits.max_connections = 8;
/// limits.idle_timeout = Duration::from_secs(2);
/// assert_eq!(limits.max_message_bytes, 65_535);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The most TCP connections served at once; a connection past it is accepted and closed
    /// at once. Default 64.
    pub max_connections: usize,
    /// How long a TCP connection may stay silent between two messages, and the longest it may
    /// take to send one message, before the server closes it; also the longest one write of a
    /// reply may wait for a client that does not read. Default 10 s.
    pub idle_timeout: Duration,
    /// The longest request read, in bytes: a TCP connection announcing a longer message is
    /// closed, a longer UDP datagram is dropped. A DNS message is at most 65,535 bytes (its TCP
    /// length prefix has two bytes), which is the default.
    pub max_message_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 64,
            idle_timeout: Duration::from_secs(10),
            max_message_bytes: 65_535,
        }
    }
}

/// A DNS server on UDP and TCP, answering from a [`ClusterDns`] until it is dropped.
///
/// See the [module documentation](self) for an example and for how it runs.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    udp: Option<JoinHandle<()>>,
    tcp: Option<JoinHandle<()>>,
}

/// What the server's threads share.
#[derive(Debug)]
struct Shared {
    /// The snapshot queries are answered from. Readers hold the lock only to clone the `Arc`.
    current: RwLock<Arc<ClusterDns>>,
    /// Held by [`Server::apply`] and [`Server::replace`], so that two changes made at once
    /// are both kept (each builds on the snapshot the other left).
    writer: Mutex<()>,
    /// Set when the server is dropped.
    stop: AtomicBool,
    /// The open TCP connections.
    connections: Mutex<Connections>,
    limits: Limits,
    /// [`Server::forward_outside_zones`].
    forward: AtomicBool,
    /// [`Server::log_queries`]: `Some` while logging.
    log: Mutex<Option<Vec<ReceivedQuery>>>,
}

/// A request the server received while [`Server::log_queries`] was on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedQuery {
    /// UDP or TCP.
    pub transport: Transport,
    /// The client's address and port (a client's socket, or its TCP connection).
    pub peer: SocketAddr,
    /// The request's bytes, as received (without TCP's length prefix).
    pub bytes: Vec<u8>,
}

impl ReceivedQuery {
    /// The request decoded, when it is a DNS message.
    pub fn message(&self) -> Option<hickory_proto::op::Message> {
        hickory_proto::op::Message::from_vec(&self.bytes).ok()
    }
}

/// The open TCP connections, each a clone of its stream, so that a dropped server can shut
/// them down and wake the threads reading them.
#[derive(Debug, Default)]
struct Connections {
    next_id: u64,
    open: HashMap<u64, TcpStream>,
    /// Set (under this lock) when the server is dropped: no connection is registered after it.
    stopping: bool,
}

/// Locks a mutex whatever happened to its last holder: the data behind these locks (a
/// connection table, nothing) is valid at every step, so a poisoned lock is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// The current snapshot, taken once per query.
    fn snapshot(&self) -> Arc<ClusterDns> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn swap(&self, next: Arc<ClusterDns>) -> Arc<ClusterDns> {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        std::mem::replace(&mut *current, next)
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

impl Server {
    /// Serves `dns` on UDP and TCP at `addr` (the first of its addresses that binds), with the
    /// default [`Limits`]. Port 0 picks a free port, the same for UDP and TCP; [`Server::addr`]
    /// says which.
    ///
    /// # Errors
    /// When no address of `addr` can be bound for both UDP and TCP (the error of the last one
    /// tried), or a thread cannot be started.
    pub fn start(dns: ClusterDns, addr: impl ToSocketAddrs) -> io::Result<Server> {
        Server::start_with(dns, addr, Limits::default())
    }

    /// [`Server::start`] with other [`Limits`].
    ///
    /// # Errors
    /// As [`Server::start`]; also when `limits.max_connections` is 0 or `limits.idle_timeout`
    /// is zero (`InvalidInput`).
    pub fn start_with(
        dns: ClusterDns,
        addr: impl ToSocketAddrs,
        limits: Limits,
    ) -> io::Result<Server> {
        if limits.max_connections == 0 || limits.idle_timeout.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "expected at least one TCP connection and a non-zero idle timeout",
            ));
        }
        let mut last_error = None;
        for candidate in addr.to_socket_addrs()? {
            match bind_pair(candidate) {
                Ok((udp, tcp)) => return Server::run(dns, udp, tcp, limits),
                Err(error) => last_error = Some(error),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "expected an address, found none",
            )
        }))
    }

    fn run(
        dns: ClusterDns,
        udp: UdpSocket,
        tcp: TcpListener,
        limits: Limits,
    ) -> io::Result<Server> {
        let addr = tcp.local_addr()?;
        udp.set_read_timeout(Some(UDP_POLL))?;
        let shared = Arc::new(Shared {
            current: RwLock::new(Arc::new(dns)),
            writer: Mutex::new(()),
            stop: AtomicBool::new(false),
            connections: Mutex::new(Connections::default()),
            limits,
            forward: AtomicBool::new(false),
            log: Mutex::new(None),
        });
        // Built before the threads, so that a failure to start the second stops the first
        // (through Drop).
        let mut server = Server {
            addr,
            shared,
            udp: None,
            tcp: None,
        };
        let shared = Arc::clone(&server.shared);
        server.udp = Some(
            thread::Builder::new()
                .name("k8s-dns-sim-udp".into())
                .spawn(move || serve_udp(&udp, &shared))?,
        );
        let shared = Arc::clone(&server.shared);
        server.tcp = Some(
            thread::Builder::new()
                .name("k8s-dns-sim-tcp".into())
                .spawn(move || accept_tcp(&tcp, &shared))?,
        );
        Ok(server)
    }

    /// The address the server answers on, UDP and TCP (with the port it picked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The snapshot queries are answered from now.
    pub fn dns(&self) -> Arc<ClusterDns> {
        self.shared.snapshot()
    }

    /// Applies a batch of changes to the served cluster, whole or not at all (as
    /// [`ClusterDns::apply`]), and swaps the result in: a query answered before the swap sees
    /// none of the changes, one answered after sees all of them. Queries keep being answered
    /// from the old snapshot while the next one is built.
    ///
    /// # Errors
    /// Every change that cannot be applied, as [`ClusterDns::apply`] gives them; then the
    /// served snapshot is left as it was.
    pub fn apply(&self, changes: impl IntoIterator<Item = Change>) -> Result<(), UpdateErrors> {
        let _writer = lock(&self.shared.writer);
        let mut next = ClusterDns::clone(&self.shared.snapshot());
        next.apply(changes)?;
        self.shared.swap(Arc::new(next));
        Ok(())
    }

    /// Serves `dns` from now on instead of the current snapshot (for instance the manifests
    /// loaded again from disk), and returns the snapshot it replaces.
    ///
    /// The SOA serial never goes back, as CoreDNS's (the time of the last change) does not: a
    /// replacement whose serial is not above the one served is served with the next serial, so
    /// that a secondary asking IXFR with the old serial learns of the change. A fresh load is
    /// serial 1; after a replace of a server at serial 3 it answers serial 4.
    pub fn replace(&self, dns: ClusterDns) -> Arc<ClusterDns> {
        let _writer = lock(&self.shared.writer);
        let served = self.shared.snapshot().cluster().serial();
        let dns = if dns.cluster().serial() > served {
            dns
        } else {
            let cluster = dns
                .cluster()
                .clone()
                .with_serial(served.wrapping_add(1).max(1));
            ClusterDns::new(cluster, dns.config().clone())
        };
        self.shared.swap(Arc::new(dns))
    }

    /// The limits the server keeps to.
    pub fn limits(&self) -> Limits {
        self.shared.limits
    }

    /// Whether names outside the server's zones are answered as the cluster's DNS Service
    /// answers them (`forward`, from [`Config::upstream`](crate::Config::upstream): NXDOMAIN
    /// with RA for a name it does not hold) rather than REFUSED, as the kubernetes plugin alone
    /// answers. Off by default. Takes effect from the next query.
    pub fn forward_outside_zones(&self, forward: bool) {
        self.shared.forward.store(forward, Ordering::SeqCst);
    }

    /// Starts (`true`) or stops (`false`) keeping every request received; stopping drops what
    /// was kept. Off by default.
    pub fn log_queries(&self, on: bool) {
        let mut log = lock(&self.shared.log);
        *log = on.then(Vec::new);
    }

    /// The requests received since logging started or since the last call, in arrival order;
    /// empty when logging is off.
    pub fn take_queries(&self) -> Vec<ReceivedQuery> {
        lock(&self.shared.log)
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        {
            let mut connections = lock(&self.shared.connections);
            connections.stopping = true;
            for stream in connections.open.values() {
                // Wakes the thread blocked reading (or writing) it.
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        let wake = wake_addr(self.addr);
        if let Some(udp) = self.udp.take() {
            let unspecified = match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            };
            if let Ok(socket) = UdpSocket::bind((unspecified, 0)) {
                // An empty datagram gets no reply; if it is lost, the UDP thread still sees the
                // flag within UDP_POLL.
                let _ = socket.send_to(&[], wake);
            }
            let _ = udp.join();
        }
        if let Some(tcp) = self.tcp.take() {
            // The accept thread sees the flag once `accept` returns: connect to wake it.
            if TcpStream::connect_timeout(&wake, WAKE_TIMEOUT).is_ok() {
                let _ = tcp.join();
            }
            // Otherwise the listener could not be reached (it cannot happen on a working
            // loopback): rather than hang, the thread is left to end at its next connection.
        }
    }
}

/// Where a dropped server sends its wake-ups: its own address, the loopback address of the
/// same family when it listens on every address.
fn wake_addr(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

/// A UDP socket and a TCP listener on the same address and port. For port 0, the port UDP
/// picked may be taken for TCP: then another is tried, a few times.
fn bind_pair(addr: SocketAddr) -> io::Result<(UdpSocket, TcpListener)> {
    let attempts = if addr.port() == 0 { 16 } else { 1 };
    let mut last_error = None;
    for _ in 0..attempts {
        let udp = UdpSocket::bind(addr)?;
        match TcpListener::bind(udp.local_addr()?) {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(error) if error.kind() == io::ErrorKind::AddrInUse => last_error = Some(error),
            Err(error) => return Err(error),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse)))
}

/// Logs one request (when logging is on), then answers it with every message of the reply;
/// none if the answering code panics (a bug of this crate, which must not take the server down
/// with it). `peer` is the client's address, which plugins such as `whoami` and `acl` look at.
fn answer(
    shared: &Shared,
    dns: &ClusterDns,
    local: SocketAddr,
    peer: SocketAddr,
    request: &[u8],
    transport: Transport,
) -> Vec<Vec<u8>> {
    if let Some(log) = lock(&shared.log).as_mut() {
        log.push(ReceivedQuery {
            transport,
            peer,
            bytes: request.to_vec(),
        });
    }
    catch_unwind(AssertUnwindSafe(|| match transport {
        _ if shared.forward.load(Ordering::SeqCst)
            && crate::resolver::outside_zones(dns, request) =>
        {
            let reply = Nameserver::reply(dns, local.ip(), request, transport);
            if reply.is_empty() {
                Vec::new()
            } else {
                vec![reply]
            }
        }
        Transport::Udp => {
            let reply = dns.handle_bytes_from(request, transport, peer);
            if reply.is_empty() {
                Vec::new()
            } else {
                vec![reply]
            }
        }
        Transport::Tcp => dns.handle_bytes_stream_from(request, transport, peer),
    }))
    .unwrap_or_default()
}

/// The UDP thread: a datagram in, at most one out, until the server is dropped.
fn serve_udp(socket: &UdpSocket, shared: &Shared) {
    let mut buffer = vec![0u8; UDP_BUFFER];
    while !shared.stopping() {
        let (size, peer) = match socket.recv_from(&mut buffer) {
            Ok(received) => received,
            Err(error) => {
                if !matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) {
                    // An ICMP error from an earlier reply (Windows reports it here) or a
                    // passing failure: keep serving, without spinning on it.
                    thread::sleep(Duration::from_millis(1));
                }
                continue;
            }
        };
        if shared.stopping() {
            break;
        }
        let Some(request) = buffer.get(..size) else {
            continue;
        };
        if request.len() > shared.limits.max_message_bytes {
            continue;
        }
        let dns = shared.snapshot();
        let local = socket.local_addr().unwrap_or(peer);
        for reply in answer(shared, &dns, local, peer, request, Transport::Udp) {
            let _ = socket.send_to(&reply, peer);
        }
    }
}

/// The TCP accept thread: a thread per connection, until the server is dropped; then it
/// joins them all.
fn accept_tcp(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    loop {
        let accepted = listener.accept();
        if shared.stopping() {
            break;
        }
        // Join the threads of connections that have ended.
        let (ended, open): (Vec<_>, Vec<_>) = workers.into_iter().partition(|w| w.is_finished());
        workers = open;
        for worker in ended {
            let _ = worker.join();
        }
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(_) => {
                // Out of file descriptors, or a connection reset before it was accepted: try
                // again shortly.
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let Some(id) = register(shared, &stream) else {
            // Over the limit (or stopping): close it at once.
            let _ = stream.shutdown(Shutdown::Both);
            continue;
        };
        let worker_shared = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name("k8s-dns-sim-tcp-conn".into())
            .spawn(move || {
                serve_connection(stream, &worker_shared);
                lock(&worker_shared.connections).open.remove(&id);
            });
        match spawned {
            Ok(worker) => workers.push(worker),
            Err(_) => {
                // The stream went with the closure: deregistering drops its last clone.
                if let Some(stream) = lock(&shared.connections).open.remove(&id) {
                    let _ = stream.shutdown(Shutdown::Both);
                }
            }
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
}

/// Registers a new connection, or `None` when there are already as many as the limit allows
/// or the server is stopping.
fn register(shared: &Shared, stream: &TcpStream) -> Option<u64> {
    let mut connections = lock(&shared.connections);
    if connections.stopping || connections.open.len() >= shared.limits.max_connections {
        return None;
    }
    let clone = stream.try_clone().ok()?;
    let id = connections.next_id;
    connections.next_id += 1;
    connections.open.insert(id, clone);
    Some(id)
}

/// One TCP connection: length-prefixed messages in, each answered by every message of its
/// reply, until the client closes it, stays idle too long, sends a message too long, or the
/// server is dropped.
fn serve_connection(mut stream: TcpStream, shared: &Shared) {
    let limits = shared.limits;
    let _ = stream.set_nodelay(true);
    if stream.set_write_timeout(Some(limits.idle_timeout)).is_err() {
        return;
    }
    let mut reply = Vec::new();
    let (Ok(local), Ok(peer)) = (stream.local_addr(), stream.peer_addr()) else {
        let _ = stream.shutdown(Shutdown::Both);
        return;
    };
    while !shared.stopping() {
        let deadline = Instant::now() + limits.idle_timeout;
        let mut prefix = [0u8; 2];
        if read_full(&mut stream, &mut prefix, deadline).is_err() {
            break;
        }
        let size = usize::from(u16::from_be_bytes(prefix));
        if size > limits.max_message_bytes {
            break;
        }
        let mut request = vec![0u8; size];
        if read_full(&mut stream, &mut request, deadline).is_err() || shared.stopping() {
            break;
        }
        let dns = shared.snapshot();
        let messages = answer(shared, &dns, local, peer, &request, Transport::Tcp);
        drop(dns);
        for message in messages {
            // Over TCP every message fits 65,535 bytes; one that did not could not be framed.
            let Ok(length) = u16::try_from(message.len()) else {
                continue;
            };
            reply.clear();
            reply.extend_from_slice(&length.to_be_bytes());
            reply.extend_from_slice(&message);
            if stream.write_all(&reply).is_err() {
                let _ = stream.shutdown(Shutdown::Both);
                return;
            }
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// Fills `buffer` from `stream` by `deadline`.
fn read_full(stream: &mut TcpStream, buffer: &mut [u8], deadline: Instant) -> io::Result<()> {
    let mut filled = 0;
    while filled < buffer.len() {
        let remaining = deadline
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
            .ok_or(io::ErrorKind::TimedOut)?;
        stream.set_read_timeout(Some(remaining))?;
        let Some(rest) = buffer.get_mut(filled..) else {
            break;
        };
        match stream.read(rest) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(read) => filled += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}
