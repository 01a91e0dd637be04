//! Runs every check on its cadence. One task keeps a heap of due times; each due
//! check is probed in its own task under a concurrency limit, so a slow or hanging
//! check never delays another's schedule. Next runs are computed from the
//! schedule, not from when the last run ended, so nothing drifts over hours.
//! When the wall clock is stepped back (NTP), every check is scheduled afresh
//! from the new time instead of waiting out the step.

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
use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::model::CheckResult;

/// The longest the loop sleeps, so its heartbeat stays fresh for `/healthz`.
const TICK: Duration = Duration::from_secs(1);

/// Heap entry: when it is due (offset included), the schedule's own instant, and
/// which check.
type Due = Reverse<(DateTime<Utc>, DateTime<Utc>, usize)>;

pub struct Scheduler {
    pub specs: Arc<[CheckSpec]>,
    pub prober: Arc<Prober>,
    pub results: mpsc::Sender<CheckResult>,
    pub max_concurrent: usize,
    pub metrics: Arc<Metrics>,
    /// Unix seconds of the loop's last turn, on `clock`.
    pub heartbeat: Arc<AtomicI64>,
    /// Due times are on this clock, so a test that moves it makes checks due.
    pub clock: Arc<dyn Clock>,
}

impl Scheduler {
    /// Runs until `cancel` fires; in-flight probes are then abandoned (their
    /// results would arrive after shutdown began).
    pub async fn run(self, cancel: CancellationToken) {
        let limit = Arc::new(Semaphore::new(self.max_concurrent));
        let busy: Vec<Arc<AtomicBool>> = self.specs.iter().map(|_| Arc::default()).collect();
        let mut queue = Queue::new(self.specs.clone(), self.clock.now());
        let mut running = JoinSet::new();
        tracing::info!(checks = self.specs.len(), "scheduler started");
        loop {
            self.heartbeat
                .store(self.clock.now().timestamp(), Ordering::Relaxed);
            while let Some(joined) = running.try_join_next() {
                if let Err(e) = joined {
                    tracing::error!(error = %e, "a probe task failed");
                }
            }
            let now = self.clock.now();
            let wait = queue
                .next_due()
                .map_or(TICK, |due| until(due, now).min(TICK));
            tokio::select! {
                () = cancel.cancelled() => break,
                () = tokio::time::sleep(wait) => {}
            }
            for (i, due) in queue.pop_due(self.clock.now()) {
                self.launch(i, due, &busy[i], &limit, &mut running);
            }
        }
        running.abort_all();
        tracing::info!("scheduler stopped");
    }

    fn launch(
        &self,
        i: usize,
        due: DateTime<Utc>,
        busy: &Arc<AtomicBool>,
        limit: &Arc<Semaphore>,
        running: &mut JoinSet<()>,
    ) {
        let Some(guard) = BusyGuard::claim(busy) else {
            self.metrics.checks_skipped.inc();
            tracing::debug!(check = %self.specs[i].id, "previous run still in flight; skipped");
            return;
        };
        let (specs, prober, tx, metrics, clock) = (
            self.specs.clone(),
            self.prober.clone(),
            self.results.clone(),
            self.metrics.clone(),
            self.clock.clone(),
        );
        let limit = limit.clone();
        running.spawn(async move {
            let Ok(_permit) = limit.acquire_owned().await else {
                return;
            };
            let lag = (clock.now() - due).to_std().unwrap_or_default();
            metrics.start_lag.observe(lag.as_secs_f64());
            let result = prober.run(&specs[i]).await;
            metrics
                .check_duration
                .observe(result.duration.as_secs_f64());
            metrics.count_run(result.outcome);
            drop(guard);
            // The pipeline is gone only during shutdown; the result is moot then.
            let _ = tx.send(result).await;
        });
    }
}

/// A check's in-flight flag, set while this guard lives. Dropping clears it on
/// every path out of a probe task: done, no permit, a panic, or an abort.
struct BusyGuard(Arc<AtomicBool>);

impl BusyGuard {
    /// The guard, or None when the check is already in flight.
    fn claim(flag: &Arc<AtomicBool>) -> Option<Self> {
        (!flag.swap(true, Ordering::AcqRel)).then(|| Self(flag.clone()))
    }
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Due times of every check, earliest first. Pure over the `now` it is given.
struct Queue {
    specs: Arc<[CheckSpec]>,
    /// Each check's stable offset within its interval (`Cadence::offset`).
    offsets: Vec<Duration>,
    heap: BinaryHeap<Due>,
}

impl Queue {
    fn new(specs: Arc<[CheckSpec]>, now: DateTime<Utc>) -> Self {
        let offsets = specs
            .iter()
            .map(|s| s.cadence.offset(s.id.as_str(), now))
            .collect();
        let mut queue = Self {
            specs,
            offsets,
            heap: BinaryHeap::new(),
        };
        queue.reschedule(now);
        queue
    }

    /// When the earliest check is due.
    fn next_due(&self) -> Option<DateTime<Utc>> {
        self.heap.peek().map(|Reverse((due, _, _))| *due)
    }

    /// Every check due by `now` with its due time, each rescheduled for its next run.
    fn pop_due(&mut self, now: DateTime<Utc>) -> Vec<(usize, DateTime<Utc>)> {
        if self.stepped_back(now) {
            tracing::warn!("the wall clock went back; scheduling every check afresh from now");
            self.reschedule(now);
        }
        let mut due = Vec::new();
        while let Some(Reverse((at, base, i))) = self.heap.peek().copied() {
            if at > now {
                break;
            }
            self.heap.pop();
            if let Some(entry) = self.next_entry(i, base, now) {
                self.heap.push(entry);
            }
            due.push((i, at));
        }
        due
    }

    /// Whether the clock went back (an NTP step) since the earliest entry was
    /// scheduled: it is then later than its own schedule puts the next run after
    /// `now` (1 s of slack), and without a fix every check would wait out the step.
    /// Comparing with the schedule rather than a fixed period keeps irregular cron
    /// schedules (weekdays only, monthly) from reading as a step.
    fn stepped_back(&self, now: DateTime<Utc>) -> bool {
        let Some(Reverse((_, base, i))) = self.heap.peek().copied() else {
            return false;
        };
        let slack = now + chrono::Duration::seconds(1);
        self.specs[i]
            .cadence
            .next_after(slack)
            .is_some_and(|expected| base > expected)
    }

    /// Schedules every check from `now`, dropping what was queued: each at
    /// its first run after `now` on its own instants (schedule plus offset).
    fn reschedule(&mut self, now: DateTime<Utc>) {
        self.heap.clear();
        for i in 0..self.specs.len() {
            let offset = chrono::Duration::from_std(self.offsets[i]).unwrap_or_default();
            if let Some(entry) = self.next_entry(i, now - offset, now) {
                self.heap.push(entry);
            }
        }
    }

    /// The run after the one scheduled at `base`. After a long stall (a suspended
    /// machine), missed runs are skipped rather than fired all at once.
    fn next_entry(&self, i: usize, base: DateTime<Utc>, now: DateTime<Utc>) -> Option<Due> {
        let cadence = &self.specs[i].cadence;
        let offset = chrono::Duration::from_std(self.offsets[i]).unwrap_or_default();
        let mut next = cadence.next_after(base)?;
        if next + offset < now - chrono::Duration::seconds(1) {
            next = cadence.next_after(now - offset)?;
        }
        Some(Reverse((next + offset, next, i)))
    }
}

/// How long from `now` until `at`; zero when it has passed.
fn until(at: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (at - now).to_std().unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests;
