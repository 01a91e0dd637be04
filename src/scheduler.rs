//! Runs every check on its cadence. One task keeps a heap of due times; each due
//! check is probed in its own task under a concurrency limit, so a slow or hanging
//! check never delays another's schedule. Next runs are computed from the
//! schedule, not from when the last run ended, so nothing drifts over hours.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::checks::CheckSpec;
use crate::checks::probe::Prober;
use crate::checks::schedule::jitter;
use crate::metrics::Metrics;
use crate::model::CheckResult;

/// The longest the loop sleeps, so its heartbeat stays fresh for `/healthz`.
const TICK: Duration = Duration::from_secs(1);

/// Heap entry: when it is due (jitter included), the schedule's own instant, and
/// which check.
type Due = Reverse<(DateTime<Utc>, DateTime<Utc>, usize)>;

pub struct Scheduler {
    pub specs: Arc<[CheckSpec]>,
    pub prober: Arc<Prober>,
    pub results: mpsc::Sender<CheckResult>,
    pub max_concurrent: usize,
    pub metrics: Arc<Metrics>,
    /// Unix seconds of the loop's last turn.
    pub heartbeat: Arc<AtomicI64>,
}

impl Scheduler {
    /// Runs until `cancel` fires; in-flight probes are then abandoned (their
    /// results would arrive after shutdown began).
    pub async fn run(self, cancel: CancellationToken) {
        let limit = Arc::new(Semaphore::new(self.max_concurrent));
        let busy: Vec<Arc<AtomicBool>> = self.specs.iter().map(|_| Arc::default()).collect();
        let now = Utc::now();
        let jitters: Vec<Duration> = self
            .specs
            .iter()
            .map(|s| jitter(s.id.as_str(), s.cadence.period(now)))
            .collect();
        let mut heap: BinaryHeap<Due> = BinaryHeap::with_capacity(self.specs.len());
        for i in 0..self.specs.len() {
            if let Some(entry) = self.next_entry(i, now, now, &jitters) {
                heap.push(entry);
            }
        }
        let mut running = JoinSet::new();
        tracing::info!(checks = self.specs.len(), "scheduler started");
        loop {
            self.heartbeat
                .store(Utc::now().timestamp(), Ordering::Relaxed);
            while running.try_join_next().is_some() {}
            let wait = heap
                .peek()
                .map_or(TICK, |Reverse((due, _, _))| until(*due).min(TICK));
            tokio::select! {
                () = cancel.cancelled() => break,
                () = tokio::time::sleep(wait) => {}
            }
            let now = Utc::now();
            while let Some(Reverse((due, base, i))) = heap.peek().copied() {
                if due > now {
                    break;
                }
                heap.pop();
                if let Some(entry) = self.next_entry(i, base, now, &jitters) {
                    heap.push(entry);
                }
                self.launch(i, due, &busy[i], &limit, &mut running);
            }
        }
        running.abort_all();
        tracing::info!("scheduler stopped");
    }

    /// The run after the one scheduled at `base`. After a long stall (a suspended
    /// machine), missed runs are skipped rather than fired all at once.
    fn next_entry(
        &self,
        i: usize,
        base: DateTime<Utc>,
        now: DateTime<Utc>,
        jitters: &[Duration],
    ) -> Option<Due> {
        let cadence = &self.specs[i].cadence;
        let jitter = chrono::Duration::from_std(jitters[i]).unwrap_or_default();
        let mut next = cadence.next_after(base)?;
        if next + jitter < now - chrono::Duration::seconds(1) {
            next = cadence.next_after(now - jitter)?;
        }
        Some(Reverse((next + jitter, next, i)))
    }

    fn launch(
        &self,
        i: usize,
        due: DateTime<Utc>,
        busy: &Arc<AtomicBool>,
        limit: &Arc<Semaphore>,
        running: &mut JoinSet<()>,
    ) {
        if busy.swap(true, Ordering::AcqRel) {
            self.metrics.checks_skipped.inc();
            tracing::debug!(check = %self.specs[i].id, "previous run still in flight; skipped");
            return;
        }
        let (specs, prober, tx, metrics) = (
            self.specs.clone(),
            self.prober.clone(),
            self.results.clone(),
            self.metrics.clone(),
        );
        let (busy, limit) = (busy.clone(), limit.clone());
        running.spawn(async move {
            let Ok(_permit) = limit.acquire_owned().await else {
                return;
            };
            let lag = (Utc::now() - due).to_std().unwrap_or_default();
            metrics.start_lag.observe(lag.as_secs_f64());
            let result = prober.run(&specs[i]).await;
            metrics
                .check_duration
                .observe(result.duration.as_secs_f64());
            metrics.count_run(result.outcome);
            busy.store(false, Ordering::Release);
            // The pipeline is gone only during shutdown; the result is moot then.
            let _ = tx.send(result).await;
        });
    }
}

fn until(at: DateTime<Utc>) -> Duration {
    (at - Utc::now()).to_std().unwrap_or(Duration::ZERO)
}
