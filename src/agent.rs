//! `candor agent`: probes, from another place, the checks a server assigns to
//! its location, and sends the results to that server. No config file, no
//! data dir: the server says what to probe (`GET /api/agent/v1/checks`,
//! asked again every `refresh`: a changed assignment restarts the schedule),
//! the same scheduler and prober as the server's run the checks, and results
//! go in batches (`POST /api/agent/v1/results`) every `send_every`.
//!
//! While the server is unreachable results wait in a bounded buffer (oldest
//! dropped first, counted and reported with the next batch) and go when it
//! answers again, in order. Every batch carries this process's random
//! instance and a sequence number, so a batch whose answer was lost and that
//! is sent again is stored once.

use std::collections::VecDeque;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Duration;

use anyhow::Context;
use reqwest::{StatusCode, Url, header};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::checks::probe::Prober;
use crate::checks::wire::{Assignment, Batch, MAX_BATCH, Stored, WireResult};
use crate::clock::{Clock, SystemClock};
use crate::metrics::Metrics;
use crate::model::{CheckResult, LocationId, fnv1a};
use crate::scheduler::Scheduler;

/// How an agent runs (the command line's options).
#[derive(Debug, Clone)]
pub struct Options {
    /// The server's base URL (`https://status.example.com`).
    pub server: Url,
    pub location: LocationId,
    /// `CANDOR_AGENT_TOKEN`.
    pub token: String,
    pub source_ip: Option<IpAddr>,
    /// How often the assignment is asked for again.
    pub refresh: Duration,
    /// How often buffered results are sent.
    pub send_every: Duration,
    /// Most results kept while the server is unreachable.
    pub buffer: usize,
    /// Most probes in flight at once.
    pub max_concurrent: usize,
}

/// Runs until `cancel` fires (SIGTERM, SIGINT); then sends what is buffered
/// once more and returns.
pub async fn run(opts: Options, cancel: CancellationToken) -> anyhow::Result<()> {
    crate::checks::probe::install_crypto_provider();
    let http = reqwest::Client::builder()
        .user_agent(concat!("candor-agent/", env!("CARGO_PKG_VERSION")))
        .timeout(Duration::from_secs(30))
        .build()
        .context("cannot set up the HTTP client for the server")?;
    let server = Server {
        http,
        base: opts.server.clone(),
        token: opts.token.clone(),
    };
    let (tx, rx) = mpsc::channel(4096);
    let sender = tokio::spawn(send_loop(server.clone(), opts.clone(), rx, cancel.clone()));
    schedule_loop(&server, &opts, tx, &cancel).await;
    sender.await.context("the sending task failed")?;
    Ok(())
}

/// The server and how to reach it.
#[derive(Clone)]
struct Server {
    http: reqwest::Client,
    base: Url,
    token: String,
}

impl Server {
    fn url(&self, path: &str) -> Url {
        under(&self.base, path)
    }

    /// The assignment, None when it is the one with ETag `known`.
    async fn assignment(
        &self,
        known: Option<&str>,
    ) -> anyhow::Result<Option<(Assignment, String)>> {
        let mut req = (self.http.get(self.url("/api/agent/v1/checks"))).bearer_auth(&self.token);
        if let Some(etag) = known {
            req = req.header(header::IF_NONE_MATCH, etag);
        }
        let response = req.send().await.context("cannot reach the server")?;
        match response.status() {
            StatusCode::NOT_MODIFIED => Ok(None),
            StatusCode::OK => {
                let etag = (response.headers().get(header::ETAG))
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let a = response
                    .json()
                    .await
                    .context("the server's answer is not an assignment")?;
                Ok(Some((a, etag)))
            }
            status => {
                let text = response.text().await.unwrap_or_default();
                anyhow::bail!("the server answered {status}: {}", text.trim())
            }
        }
    }
}

/// Keeps a scheduler running the current assignment, replacing it when the
/// assignment changes, until `cancel`.
async fn schedule_loop(
    server: &Server,
    opts: &Options,
    results: mpsc::Sender<CheckResult>,
    cancel: &CancellationToken,
) {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut running: Option<(String, CancellationToken)> = None;
    let mut failures = 0u32;
    loop {
        let known = running.as_ref().map(|(etag, _)| etag.as_str());
        let wait = match server.assignment(known).await {
            Ok(None) => {
                failures = 0;
                opts.refresh
            }
            Ok(Some((assignment, etag))) => {
                failures = 0;
                if assignment.location != opts.location.as_str() {
                    tracing::error!(
                        expected = %opts.location,
                        got = %assignment.location,
                        "this token is another location's: probing what the server assigns to it"
                    );
                }
                if let Some((_, stop)) = running.take() {
                    stop.cancel();
                }
                let stop = cancel.child_token();
                start(&assignment, opts, &clock, results.clone(), stop.clone());
                running = Some((etag, stop));
                opts.refresh
            }
            Err(e) => {
                failures += 1;
                tracing::warn!(error = %format!("{e:#}"), server = %server.base, "cannot get this location's checks; trying again");
                // Quickly at first, then at the refresh interval.
                opts.refresh
                    .min(Duration::from_secs(u64::from(failures.min(10))))
            }
        };
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(wait) => {}
        }
    }
    if let Some((_, stop)) = running {
        stop.cancel();
    }
}

/// Starts a scheduler for `assignment`'s checks; a check that does not
/// build is logged and left out.
fn start(
    assignment: &Assignment,
    opts: &Options,
    clock: &Arc<dyn Clock>,
    results: mpsc::Sender<CheckResult>,
    stop: CancellationToken,
) {
    let specs: Vec<_> = (assignment.checks.iter().cloned())
        .filter_map(|c| {
            c.spec()
                .map_err(|e| tracing::error!(problem = %e, "the server sent a check this agent cannot run"))
                .ok()
        })
        .collect();
    tracing::info!(
        location = %assignment.location,
        name = %assignment.name,
        checks = specs.len(),
        version = %assignment.version,
        "probing this location's checks"
    );
    let prober = match Prober::from_source(&specs, clock.clone(), opts.source_ip) {
        Ok(p) => Arc::new(p),
        Err(e) => {
            tracing::error!(error = %e, "cannot set up probing");
            return;
        }
    };
    let scheduler = Scheduler {
        specs: specs.into(),
        prober,
        results,
        max_concurrent: opts.max_concurrent,
        metrics: Arc::new(Metrics::new()),
        heartbeat: Arc::new(AtomicI64::new(0)),
        clock: clock.clone(),
    };
    tokio::spawn(scheduler.run(stop));
}

/// Results waiting to be sent, oldest first, at most `cap`.
struct Buffer {
    queue: VecDeque<WireResult>,
    cap: usize,
    dropped: u64,
}

impl Buffer {
    fn push(&mut self, r: &CheckResult) {
        if self.queue.len() >= self.cap {
            self.queue.pop_front();
            self.dropped += 1;
        }
        self.queue.push_back(WireResult::of(r));
    }
}

/// Collects results and sends them every `send_every`, until `cancel` (then
/// once more).
async fn send_loop(
    server: Server,
    opts: Options,
    mut results: mpsc::Receiver<CheckResult>,
    cancel: CancellationToken,
) {
    let mut buffer = Buffer {
        queue: VecDeque::new(),
        cap: opts.buffer.max(1),
        dropped: 0,
    };
    let instance = instance_id();
    let mut seq = 0u64;
    let mut tick = tokio::time::interval(opts.send_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut unreachable_since: Option<std::time::Instant> = None;
    loop {
        tokio::select! {
            () = cancel.cancelled() => break,
            Some(r) = results.recv() => buffer.push(&r),
            _ = tick.tick() => {
                while let Ok(r) = results.try_recv() {
                    buffer.push(&r);
                }
                if buffer.queue.is_empty() {
                    continue;
                }
                let ok = flush(&server, &mut buffer, instance, &mut seq).await;
                match (ok, unreachable_since) {
                    (true, Some(since)) => {
                        tracing::info!(after = ?since.elapsed(), "the server is reachable again; buffered results sent");
                        unreachable_since = None;
                    }
                    (false, None) => unreachable_since = Some(std::time::Instant::now()),
                    _ => {}
                }
            }
        }
    }
    while let Ok(r) = results.try_recv() {
        buffer.push(&r);
    }
    if !buffer.queue.is_empty() && !flush(&server, &mut buffer, instance, &mut seq).await {
        tracing::warn!(
            results = buffer.queue.len(),
            "stopping with results the server has not taken"
        );
    }
}

/// Sends the buffer in batches, oldest first; true when all went.
async fn flush(server: &Server, buffer: &mut Buffer, instance: u64, seq: &mut u64) -> bool {
    while !buffer.queue.is_empty() {
        let n = buffer.queue.len().min(MAX_BATCH);
        *seq += 1;
        let batch = Batch {
            instance,
            seq: *seq,
            dropped: buffer.dropped,
            results: buffer.queue.iter().take(n).cloned().collect(),
        };
        match send(server, &batch).await {
            Ok(stored) => {
                tracing::debug!(?stored, seq = *seq, "batch stored");
                buffer.queue.drain(..n);
            }
            Err(e) => {
                // The same batch goes again under a new number: the server
                // knows its results by check and time as well.
                tracing::warn!(error = %format!("{e:#}"), waiting = buffer.queue.len(), "cannot send results; keeping them for the next try");
                return false;
            }
        }
    }
    true
}

async fn send(server: &Server, batch: &Batch) -> anyhow::Result<Stored> {
    let response = (server.http.post(server.url("/api/agent/v1/results")))
        .bearer_auth(&server.token)
        .json(batch)
        .send()
        .await
        .context("cannot reach the server")?;
    let status = response.status();
    if status.is_success() {
        return response
            .json()
            .await
            .context("the server's answer is not a batch receipt");
    }
    let text = response.text().await.unwrap_or_default();
    anyhow::bail!("the server answered {status}: {}", text.trim())
}

/// `path` under the server's base URL, which may have a path of its own.
fn under(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let prefix = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{prefix}{path}"));
    url
}

/// A random number for this process: its batches' identity.
fn instance_id() -> u64 {
    let seed = format!(
        "{}-{:?}-{}",
        std::process::id(),
        std::time::SystemTime::now(),
        rand::random::<u64>()
    );
    fnv1a(seed.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Outcome;

    #[test]
    fn a_full_buffer_drops_the_oldest_and_counts() {
        let mut b = Buffer {
            queue: VecDeque::new(),
            cap: 2,
            dropped: 0,
        };
        for i in 0..5 {
            b.push(&CheckResult {
                check: crate::model::CheckId::parse(&format!("c{i}")).unwrap(),
                at: chrono::Utc::now(),
                duration: Duration::from_millis(1),
                outcome: Outcome::Up,
                reason: None,
            });
        }
        let left: Vec<&str> = b.queue.iter().map(|r| r.check.as_str()).collect();
        assert_eq!(left, ["c3", "c4"]);
        assert_eq!(b.dropped, 3);
    }

    #[test]
    fn server_paths_keep_a_base_path() {
        let base = Url::parse("https://status.example/candor/").unwrap();
        let url = under(&base, "/api/agent/v1/checks");
        assert_eq!(
            url.as_str(),
            "https://status.example/candor/api/agent/v1/checks"
        );
        let root = Url::parse("https://status.example").unwrap();
        assert_eq!(under(&root, "/x").as_str(), "https://status.example/x");
    }
}
