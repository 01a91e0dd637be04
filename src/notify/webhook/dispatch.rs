//! Delivers the outbox's webhook jobs, in a task of its own beside the email
//! worker (which skips them), so neither waits for the other.
//!
//! Per receiver (url): at most one delivery in flight, and only its oldest job
//! is tried, so deliveries to one url never overtake each other: a later job
//! waits while an earlier one backs off. Receivers do not wait for each other:
//! one that hangs holds up only its own queue, for at most the request timeout
//! per try. Retries use the email worker's backoff, up to `give_up_after`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::{Id, JoinSet};
use tokio_util::sync::CancellationToken;

use super::Delivery;
use super::send::{Outcome, Sender};
use crate::clock::Clock;
use crate::config::Webhook;
use crate::config::urls::for_logs;
use crate::metrics::Metrics;
use crate::notify::worker::{backoff, update_gauges};
use crate::outbox::{Envelope, Job};
use crate::store::health::log_error;
use crate::store::{JobId, Store, StoreError};

/// How often the outbox is looked at when nothing wakes the dispatcher (a
/// backoff ending, a job queued by an earlier run).
const POLL: Duration = Duration::from_secs(1);

pub struct Dispatcher {
    pub store: Store,
    /// As configured now: secrets are taken from here at delivery time.
    pub webhooks: Arc<[Webhook]>,
    pub sender: Sender,
    pub metrics: Arc<Metrics>,
    /// Stop retrying a delivery this long after its change (`[email] give_up_after`).
    pub give_up_after: Duration,
    /// Notified by the pipeline when it queued deliveries.
    pub wake: Arc<Notify>,
    /// The pipeline's clock: jobs' times come from it, and tests move it to
    /// end a backoff instead of sleeping through it.
    pub clock: Arc<dyn Clock>,
}

/// A job to try now: its outbox key, bookkeeping and delivery.
struct Due {
    key: JobId,
    envelope: Envelope,
    delivery: Delivery,
}

impl Dispatcher {
    pub async fn run(self, cancel: CancellationToken) {
        tracing::info!(webhooks = self.webhooks.len(), "webhook dispatcher started");
        let this = Arc::new(self);
        let mut running = JoinSet::new();
        // The url each running delivery is for.
        let mut busy: HashMap<Id, String> = HashMap::new();
        loop {
            this.start_due(&mut running, &mut busy);
            tokio::select! {
                () = cancel.cancelled() => break,
                Some(done) = running.join_next_with_id() => {
                    let id = match done {
                        Ok((id, ())) => id,
                        Err(e) => e.id(),
                    };
                    busy.remove(&id);
                }
                () = this.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
        // Let in-flight attempts finish and record their outcome (each within
        // the request timeout), so a delivered payload is not sent again.
        while running.join_next().await.is_some() {}
        tracing::info!("webhook dispatcher stopped");
    }

    /// Starts every due head-of-queue job whose url has nothing in flight.
    fn start_due(self: &Arc<Self>, running: &mut JoinSet<()>, busy: &mut HashMap<Id, String>) {
        let due = {
            let in_flight: HashSet<&str> = busy.values().map(String::as_str).collect();
            self.due(&in_flight)
        };
        let due = match due {
            Ok(due) => due,
            Err(e) => {
                log_error(&e, "webhook outbox unreadable; retrying shortly");
                return;
            }
        };
        for job in due {
            let url = job.delivery.url.clone();
            let this = self.clone();
            let handle = running.spawn(async move { this.attempt(job).await });
            busy.insert(handle.id(), url);
        }
    }

    /// The oldest job of each url not in flight, when it is due now. Keys
    /// are increasing ids, so key order is the order changes were committed.
    fn due(&self, in_flight: &HashSet<&str>) -> Result<Vec<Due>, StoreError> {
        let now = self.clock.now();
        let mut heads: HashSet<String> = HashSet::new();
        let mut out = Vec::new();
        for (key, envelope) in self.store.jobs(None, usize::MAX)? {
            let Job::Webhook(delivery) = &envelope.job else {
                continue;
            };
            let head = heads.insert(delivery.url.clone());
            if head && !in_flight.contains(delivery.url.as_str()) && envelope.next_at <= now {
                let delivery = delivery.clone();
                out.push(Due {
                    key,
                    envelope,
                    delivery,
                });
            }
        }
        Ok(out)
    }

    /// One try, and its outcome recorded: removed when delivered, rescheduled
    /// on a transient failure, moved to `outbox_failed` when refused or too old.
    async fn attempt(&self, job: Due) {
        let Due {
            key,
            mut envelope,
            delivery: d,
        } = job;
        // Receivers' tokens ride in query strings: never in the log.
        let url = for_logs(&d.url);
        let Some(hook) = self.webhooks.iter().find(|w| w.url.as_str() == d.url) else {
            tracing::warn!(%url, delivery = %d.id, about = %d.about, "webhook no longer in the config: delivery dropped");
            return self.settle(self.store.finish_job(key)).await;
        };
        let stored = match self.sender.post(&d, hook.secret.as_ref()).await {
            Outcome::Delivered(status) => {
                tracing::info!(%url, delivery = %d.id, about = %d.about, %status, "webhook delivered");
                self.metrics.webhooks_sent.inc();
                self.store.finish_job(key)
            }
            Outcome::Retry(e) if !self.too_old(&envelope) => {
                envelope.attempts += 1;
                envelope.next_at = self.clock.now() + backoff(envelope.attempts);
                tracing::warn!(%url, delivery = %d.id, attempt = envelope.attempts, error = %e, "webhook not delivered; will retry");
                envelope.last_error = Some(e);
                self.store.replace_job(key, &envelope, &[])
            }
            Outcome::Retry(e) | Outcome::Failed(e) => {
                tracing::warn!(%url, delivery = %d.id, about = %d.about, error = %e, "webhook delivery given up");
                self.fail(key, envelope, e)
            }
        };
        self.settle(stored).await;
    }

    fn fail(&self, key: JobId, mut envelope: Envelope, error: String) -> Result<(), StoreError> {
        envelope.last_error = Some(error);
        self.store.fail_job(key, &envelope)?;
        self.metrics.webhooks_failed.inc();
        Ok(())
    }

    /// Flushes what an attempt recorded, and refreshes the outbox gauges.
    async fn settle(&self, stored: Result<(), StoreError>) {
        let flushed = match stored {
            Ok(()) => self.store.flush().await,
            Err(e) => Err(e),
        };
        if let Err(e) = flushed {
            log_error(&e, "could not record a webhook delivery's outcome");
        }
        update_gauges(&self.store, &self.metrics);
    }

    fn too_old(&self, envelope: &Envelope) -> bool {
        let age = (self.clock.now() - envelope.created_at).to_std();
        age.unwrap_or_default() > self.give_up_after
    }
}
