//! Running checks: the network side. Every failure becomes a `CheckResult` with a
//! reason (as data: `model::Reason`), never an error, so the scheduler only
//! records and never handles.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::error::Error as StdError;
use std::io;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::redirect::Policy;
use reqwest::tls::TlsInfo;
use reqwest::{Client, Response};
use tokio::net::TcpStream;

use super::conditions::{HttpSeen, judge_http, shorten};
use super::tls_reason::tls_reason;
use super::{CheckSpec, HttpTarget, MAX_BODY_BYTES, Target};
use crate::clock::Clock;
use crate::model::reason::millis;
use crate::model::{CheckResult, Outcome, Reason};

const USER_AGENT: &str = concat!("Candor/", env!("CARGO_PKG_VERSION"), " (status check)");
/// Caps the connect phase of clients shared by checks with different timeouts; each
/// check's own timeout still bounds the whole probe.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longer than common check intervals (30–60 s), so a check reuses its connection
/// instead of paying a TCP and TLS handshake every run.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// One check rarely needs more than one connection per host; with thousands of
/// checks, a bigger pool would only hold idle sockets.
const POOL_MAX_IDLE_PER_HOST: usize = 2;
/// Foreign error texts kept in a reason are cut to this: they end up in storage,
/// a status page and logs.
const MAX_REASON_CHARS: usize = 120;

/// What makes HTTP clients differ. Every check with the same key shares one client
/// (its connection pool and TLS configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ClientKey {
    max_redirects: usize,
    insecure: bool,
    /// Keeps idle connections for the next run; the other client opens a
    /// new connection for every request (see `Prober::fetch_retrying`).
    pooled: bool,
    /// The address outgoing connections are bound to (`candor agent
    /// --source-ip`); None: the system chooses.
    source: Option<IpAddr>,
}

impl ClientKey {
    fn of(http: &HttpTarget, source: Option<IpAddr>) -> Self {
        Self {
            max_redirects: http.max_redirects,
            insecure: http.insecure,
            pooled: true,
            source,
        }
    }

    fn unpooled(self) -> Self {
        Self {
            pooled: false,
            ..self
        }
    }
}

/// Runs checks, sharing HTTP clients between them.
pub struct Prober {
    /// Behind a lock only so a check unknown at construction still gets a client;
    /// the lock is held for a map lookup in the common case.
    clients: Mutex<HashMap<ClientKey, Client>>,
    /// Stamps results and counts a certificate's days left: the app's clock,
    /// so a result's time is on the clock its due time and the pipeline use.
    clock: Arc<dyn Clock>,
    /// Binds every probe's outgoing connections to this address.
    source: Option<IpAddr>,
}

/// Without the clock, which has no `Debug`.
impl std::fmt::Debug for Prober {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prober")
            .field("clients", &self.clients)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProbeSetupError {
    #[error(
        "could not set up the HTTP client for checks with max_redirects = {max_redirects}, insecure = {insecure}"
    )]
    Client {
        max_redirects: usize,
        insecure: bool,
        #[source]
        source: reqwest::Error,
    },
}

impl Prober {
    /// Builds the HTTP clients the given checks need: ONE shared client per distinct
    /// (max_redirects, insecure) pair, not one per check (there may be 10,000 checks;
    /// each client has its own pool and TLS config). Fails at startup rather than at
    /// the first probe when TLS cannot be set up (no system root certificates).
    pub fn new(specs: &[CheckSpec], clock: Arc<dyn Clock>) -> Result<Self, ProbeSetupError> {
        Self::from_source(specs, clock, None)
    }

    /// As [`Prober::new`], with every outgoing connection bound to `source`
    /// (a multi-homed agent host, or a "region" on loopback in tests).
    pub fn from_source(
        specs: &[CheckSpec],
        clock: Arc<dyn Clock>,
        source: Option<IpAddr>,
    ) -> Result<Self, ProbeSetupError> {
        let mut clients = HashMap::new();
        for spec in specs {
            let Target::Http(http) = &spec.target else {
                continue;
            };
            let key = ClientKey::of(http, source);
            if let Entry::Vacant(slot) = clients.entry(key) {
                let client = build_client(key).map_err(|source| ProbeSetupError::Client {
                    max_redirects: key.max_redirects,
                    insecure: key.insecure,
                    source,
                })?;
                slot.insert(client);
            }
        }
        Ok(Self {
            clients: Mutex::new(clients),
            clock,
            source,
        })
    }

    /// Runs one check once and never fails: every problem becomes Outcome::Down with
    /// a reason.
    #[tracing::instrument(skip_all, fields(check = %spec.id))]
    pub async fn run(&self, spec: &CheckSpec) -> CheckResult {
        let at = self.clock.now();
        let started = Instant::now();
        let (outcome, reason) = match &spec.target {
            Target::Http(http) => self.probe_http(spec, http, started).await,
            Target::Tcp { host, port } => probe_tcp(host, *port, spec.timeout, self.source).await,
        };
        let duration = started.elapsed();
        tracing::debug!(outcome = outcome.as_str(), ?reason, ?duration, "probed");
        CheckResult {
            check: spec.id.clone(),
            at,
            duration,
            outcome,
            reason,
        }
    }

    async fn probe_http(
        &self,
        spec: &CheckSpec,
        http: &HttpTarget,
        started: Instant,
    ) -> (Outcome, Option<Reason>) {
        let client = match self.client_for(http) {
            Ok(client) => client,
            Err(e) => {
                let detail = innermost(&e);
                return (Outcome::Down, Some(Reason::ClientSetup { detail }));
            }
        };
        let fetched = self.fetch_retrying(&client, http);
        let timed = tokio::time::timeout(spec.timeout, fetched).await;
        match timed {
            Err(_) => (Outcome::Down, Some(timed_out(spec.timeout))),
            Ok(Err(e)) => (Outcome::Down, Some(describe_fetch_error(&e, http))),
            Ok(Ok(got)) => {
                let seen = HttpSeen {
                    status: got.status,
                    body: &got.body,
                    body_truncated: got.truncated,
                    elapsed: started.elapsed(),
                    cert_secs_left: got.cert_secs_left,
                };
                judge_http(http, spec.degraded_over, &seen)
            }
        }
    }

    /// Fetches over the pooled client; when the connection closed (or was
    /// reset) before an answer, tries once more with new connections only.
    /// A server may close a kept-alive connection just as it is reused,
    /// typically after a redirect, without `Connection: close`: curl and
    /// browsers then simply connect again, and a probe that did not would
    /// report an outage that is not (and a redirect loop as a closed
    /// connection).
    async fn fetch_retrying(
        &self,
        client: &Client,
        http: &HttpTarget,
    ) -> Result<Fetched, FetchError> {
        let first = fetch(client, http, &*self.clock).await;
        let Err(FetchError::Send(e)) = &first else {
            return first;
        };
        let closed = matches!(
            describe_error(e, http, Phase::Response),
            Reason::ConnectionClosed { .. } | Reason::ConnectionReset { .. }
        );
        if !closed {
            return first;
        }
        match self.client_with(ClientKey::of(http, self.source).unpooled()) {
            Ok(fresh) => fetch(&fresh, http, &*self.clock).await,
            Err(_) => first,
        }
    }

    /// The shared client for this target, built on first use when the check was not
    /// among those given to `new` (a check added since).
    fn client_for(&self, http: &HttpTarget) -> Result<Client, reqwest::Error> {
        self.client_with(ClientKey::of(http, self.source))
    }

    fn client_with(&self, key: ClientKey) -> Result<Client, reqwest::Error> {
        // A panic elsewhere cannot leave the map half-updated; keep using it.
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        tracing::debug!(
            ?key,
            "building an HTTP client for a check not known at startup"
        );
        let client = build_client(key)?;
        clients.insert(key, client.clone());
        Ok(client)
    }
}

/// Installs rustls' ring provider for the process. reqwest's `rustls-no-provider`
/// needs one before any client is built; a second install fails harmlessly (the
/// first one stays).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn build_client(key: ClientKey) -> Result<Client, reqwest::Error> {
    install_crypto_provider();
    let redirects = match key.max_redirects {
        0 => Policy::none(),
        n => Policy::limited(n),
    };
    let idle = if key.pooled {
        POOL_MAX_IDLE_PER_HOST
    } else {
        0
    };
    Client::builder()
        // A status checker must reach targets the way it is configured to, not
        // silently through an HTTP(S)_PROXY from its environment: a proxy's
        // failure would read as the target's, and its success would hide one.
        .no_proxy()
        .user_agent(USER_AGENT)
        .redirect(redirects)
        .tls_info(true)
        .tls_danger_accept_invalid_certs(key.insecure)
        .connect_timeout(CONNECT_TIMEOUT)
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .pool_max_idle_per_host(idle)
        .local_address(key.source)
        .build()
}

/// What an HTTP exchange produced, owned so judging can borrow it.
struct Fetched {
    status: u16,
    body: Vec<u8>,
    truncated: bool,
    cert_secs_left: Option<i64>,
}

/// Which part of the exchange failed: a connection dropped while reading the body
/// means something else than one dropped before any answer.
enum FetchError {
    Send(reqwest::Error),
    Body(reqwest::Error),
}

async fn fetch(
    client: &Client,
    http: &HttpTarget,
    clock: &dyn Clock,
) -> Result<Fetched, FetchError> {
    let mut request = client
        .request(http.method.clone(), http.url.clone())
        .headers(http.headers.clone());
    if let Some(body) = &http.body {
        request = request.body(body.clone());
    }
    let mut response = request.send().await.map_err(FetchError::Send)?;
    let cert_secs_left = response
        .extensions()
        .get::<TlsInfo>()
        .and_then(TlsInfo::peer_certificate)
        .and_then(|der| cert_secs_left(der, clock.now()));
    let (body, truncated) = read_capped(&mut response).await.map_err(FetchError::Body)?;
    Ok(Fetched {
        status: response.status().as_u16(),
        body,
        truncated,
        cert_secs_left,
    })
}

/// Reads at most `MAX_BODY_BYTES`, then stops: the rest is never downloaded (the
/// connection is dropped with the response rather than drained).
async fn read_capped(response: &mut Response) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_BODY_BYTES - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// Seconds from `now` to the certificate's notAfter (negative once expired);
/// the judging rounds them to days. `None` when the certificate cannot be
/// parsed: expiry is then unknown, which is no reason to fail a check that
/// otherwise passed.
fn cert_secs_left(der: &[u8], now: DateTime<Utc>) -> Option<i64> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let not_after = cert.validity().not_after.timestamp();
    Some(not_after - now.timestamp())
}

/// Up when a TCP connection is accepted within the timeout (it is closed at once).
async fn probe_tcp(
    host: &str,
    port: u16,
    timeout: Duration,
    source: Option<IpAddr>,
) -> (Outcome, Option<Reason>) {
    match tokio::time::timeout(timeout, connect_tcp(host, port, source)).await {
        Err(_) => (Outcome::Down, Some(timed_out(timeout))),
        Ok(Err(reason)) => (Outcome::Down, Some(reason)),
        Ok(Ok(())) => (Outcome::Up, None),
    }
}

/// Resolves first, separately, so a lookup failure reads as such rather than as the
/// resolver's own wording.
async fn connect_tcp(host: &str, port: u16, source: Option<IpAddr>) -> Result<(), Reason> {
    let addrs: Vec<_> = match tokio::net::lookup_host((host, port)).await {
        Ok(addrs) => addrs.collect(),
        Err(_) => Vec::new(),
    };
    if addrs.is_empty() {
        let host = host.to_owned();
        return Err(Reason::UnresolvedHost { host });
    }
    let connected = match source {
        None => TcpStream::connect(&addrs[..]).await,
        Some(ip) => connect_from(ip, &addrs).await,
    };
    match connected {
        Ok(_stream) => Ok(()),
        Err(e) => {
            Err(io_reason(&e, Phase::Connect)
                .unwrap_or_else(|| Reason::other(tidy(&e.to_string()))))
        }
    }
}

/// Connects to the first of `addrs` of `source`'s family that accepts, from
/// `source`.
async fn connect_from(
    source: IpAddr,
    addrs: &[std::net::SocketAddr],
) -> std::io::Result<TcpStream> {
    let mut last = std::io::Error::new(
        std::io::ErrorKind::AddrNotAvailable,
        format!("no address of the target's is of the family of {source}"),
    );
    for addr in addrs.iter().filter(|a| a.is_ipv4() == source.is_ipv4()) {
        let socket = if source.is_ipv4() {
            tokio::net::TcpSocket::new_v4()?
        } else {
            tokio::net::TcpSocket::new_v6()?
        };
        socket.bind(std::net::SocketAddr::new(source, 0))?;
        match socket.connect(*addr).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn timed_out(timeout: Duration) -> Reason {
    Reason::TimedOut {
        after_ms: millis(timeout),
    }
}

/// Where in the exchange an I/O problem happened, to word it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Connect,
    Response,
    Body,
}

fn describe_fetch_error(err: &FetchError, http: &HttpTarget) -> Reason {
    match err {
        FetchError::Send(e) => describe_error(e, http, Phase::Response),
        FetchError::Body(e) => describe_error(e, http, Phase::Body),
    }
}

/// What a reqwest failure was, found by walking the error's sources: the
/// outer layers only say "error sending request"; the cause is inside.
fn describe_error(err: &reqwest::Error, http: &HttpTarget, phase: Phase) -> Reason {
    let chain = source_chain(err);
    if err.is_redirect() && chain.iter().any(|e| e.to_string() == "too many redirects") {
        let max = u64::try_from(http.max_redirects).unwrap_or(u64::MAX);
        return Reason::TooManyRedirects { max };
    }
    if err.is_dns() {
        let host = http.url.host_str().unwrap_or("?").to_owned();
        return Reason::UnresolvedHost { host };
    }
    if let Some(tls) = chain.iter().find_map(|e| e.downcast_ref::<rustls::Error>()) {
        let host = http.url.host_str().unwrap_or("?");
        return tls_reason(tls, host).unwrap_or_else(|| Reason::TlsHandshake {
            detail: tidy(&tls.to_string()),
        });
    }
    if let Some(reason) = chain
        .iter()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .find_map(|e| io_reason(e, phase))
    {
        return reason;
    }
    let closed = "connection closed before message completed";
    if chain.iter().any(|e| e.to_string().contains(closed)) {
        return closed_reason(phase);
    }
    if err.is_timeout() {
        return Reason::ConnectTimedOut {
            after_ms: millis(CONNECT_TIMEOUT),
        };
    }
    let detail = innermost(err);
    match phase {
        Phase::Body => Reason::BodyReadFailed { detail },
        _ => Reason::Other { text: detail },
    }
}

/// The error and its causes, outermost first. An `io::Error` wrapping another error
/// reports that error's *source* as its own, skipping the wrapped error itself (a
/// rustls::Error, typically); it is put back here.
fn source_chain<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut chain = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        chain.push(e);
        let wrapped = e.downcast_ref::<io::Error>().and_then(|io| io.get_ref());
        next = match wrapped {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
    }
    chain
}

/// The innermost cause's own words, without the URL (and its query string, which
/// may hold tokens) that reqwest appends.
fn innermost(err: &reqwest::Error) -> String {
    let chain = source_chain(err);
    let text = chain.last().map(|e| e.to_string()).unwrap_or_default();
    let text = match text.find(" for url (") {
        Some(cut) => &text[..cut],
        None => &text,
    };
    tidy(text)
}

fn io_reason(err: &io::Error, phase: Phase) -> Option<Reason> {
    use io::ErrorKind as K;
    let reading_body = phase == Phase::Body;
    Some(match err.kind() {
        K::ConnectionRefused => Reason::ConnectionRefused,
        K::ConnectionReset => Reason::ConnectionReset { reading_body },
        K::ConnectionAborted => Reason::ConnectionAborted,
        K::HostUnreachable => Reason::HostUnreachable,
        K::NetworkUnreachable => Reason::NetworkUnreachable,
        K::TimedOut => Reason::ConnectionTimedOut,
        K::UnexpectedEof | K::BrokenPipe => closed_reason(phase),
        _ => return None,
    })
}

fn closed_reason(phase: Phase) -> Reason {
    Reason::ConnectionClosed {
        reading_body: phase == Phase::Body,
    }
}

/// One line, trimmed, at most `MAX_REASON_CHARS`: foreign error texts can be long or
/// multi-line.
fn tidy(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    shorten(line, MAX_REASON_CHARS)
}

#[cfg(test)]
#[path = "probe_tests.rs"]
mod tests;
