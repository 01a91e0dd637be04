//! Delivers the outbox. Jobs are processed oldest first; a broadcast streams
//! subscribers in pages of [`PAGE`], sends each page concurrently over the SMTP
//! pool, then commits its cursor (and any per-recipient retries) and flushes
//! before the next page — so a crash re-sends at most the page in flight.
//! Transient failures back off exponentially with jitter, up to
//! `give_up_after`; permanent ones (5xx) are recorded as failed, not retried.
//! Webhook jobs share the outbox but are delivered by `webhook::dispatch`.
//! Storage is reached only through [`Store`]'s outbox and subscriber traits.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::transport::{Mailer, POOL_SIZE, SendError};
use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::outbox::notice::{Notice, Recipient};
use crate::outbox::{Envelope, Job, Letter};
use crate::store::health::log_error;
use crate::store::{JobId, Store, StoreError};

/// Subscribers read and sent per step of a broadcast.
pub const PAGE: usize = 256;
/// The longest wait between retries.
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// Turns a letter into a message (the compose module, or a test double).
pub type Composer = Arc<dyn Fn(&Letter) -> Result<lettre::Message, String> + Send + Sync>;

pub struct Worker {
    pub store: Store,
    pub mailer: Mailer,
    pub compose: Composer,
    pub metrics: Arc<Metrics>,
    pub give_up_after: Duration,
    pub wake: Arc<Notify>,
    /// Jobs' times come from it (tests move it to end a backoff).
    pub clock: Arc<dyn Clock>,
}

/// What happened to one letter.
enum Sent {
    Ok,
    Retry(String),
    Failed(String),
}

impl Worker {
    pub async fn run(self, cancel: CancellationToken) {
        tracing::info!("delivery worker started");
        loop {
            if let Err(e) = self.run_once(&cancel).await {
                log_error(&e, "outbox: storage error; retrying shortly");
            }
            tokio::select! {
                () = cancel.cancelled() => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
        tracing::info!("delivery worker stopped");
    }

    /// Processes every job due now, oldest first; returns how many were handled.
    pub async fn run_once(&self, cancel: &CancellationToken) -> Result<usize, StoreError> {
        let mut handled = 0;
        let mut cursor: Option<JobId> = None;
        // One at a time: jobs queued meanwhile are met in id order.
        while let Some((key, envelope)) = self.store.jobs(cursor, 1)?.pop() {
            cursor = Some(key);
            if cancel.is_cancelled() {
                break;
            }
            if envelope.next_at > self.clock.now() {
                continue;
            }
            match envelope.job.clone() {
                Job::Send(letter) => self.send_one(key, envelope, &letter).await?,
                Job::Broadcast { .. } => self.broadcast(key, envelope, cancel).await?,
                // The webhook dispatcher's: a slow receiver never delays email.
                Job::Webhook(_) => continue,
            }
            handled += 1;
        }
        self.update_gauges();
        Ok(handled)
    }

    async fn send_one(
        &self,
        key: JobId,
        mut envelope: Envelope,
        letter: &Letter,
    ) -> Result<(), StoreError> {
        match deliver(&self.mailer, &self.compose, letter.clone()).await {
            Sent::Ok => {
                self.store.finish_job(key)?;
                self.metrics.emails_sent.inc();
            }
            Sent::Failed(e) => self.fail(key, envelope, e)?,
            Sent::Retry(e) if self.too_old(&envelope) => self.fail(key, envelope, e)?,
            Sent::Retry(e) => {
                envelope.attempts += 1;
                envelope.next_at = self.clock.now() + backoff(envelope.attempts);
                let letter = self.label(letter);
                tracing::warn!(%letter, attempt = envelope.attempts, error = %e, "email not delivered; will retry");
                envelope.last_error = Some(e);
                self.store.replace_job(key, &envelope, &[])?;
            }
        }
        self.store.flush().await
    }

    /// Sends a broadcast page by page until done, cancelled, or the server is
    /// unreachable (then the whole broadcast backs off).
    async fn broadcast(
        &self,
        key: JobId,
        mut envelope: Envelope,
        cancel: &CancellationToken,
    ) -> Result<(), StoreError> {
        let Job::Broadcast {
            notice,
            mut cursor,
            mut sent,
            mut failed,
        } = envelope.job.clone()
        else {
            return Ok(());
        };
        loop {
            if cancel.is_cancelled() {
                return Ok(());
            }
            let page = self.store.confirmed_after(cursor.as_deref(), PAGE)?;
            let Some(last) = page.last().map(|s| s.id.clone()) else {
                self.store.finish_job(key)?;
                tracing::info!(notice = %notice.update_id, sent, failed, "broadcast delivered");
                return self.store.flush().await;
            };
            let recipients: Vec<Recipient> = page
                .into_iter()
                .filter(|s| s.wants(&notice))
                .map(|s| Recipient {
                    follower: s.follows.is_some(),
                    email: s.email,
                    token: s.token,
                    components: s.components,
                    language: s.language,
                })
                .collect();
            let results = self.send_page(&notice, recipients).await;
            let ok = results
                .iter()
                .filter(|(_, r)| matches!(r, Sent::Ok))
                .count();
            let retry: Vec<(Recipient, String)> = results
                .iter()
                .filter_map(|(r, s)| match s {
                    Sent::Retry(e) => Some((r.clone(), e.clone())),
                    _ => None,
                })
                .collect();
            if ok == 0
                && !retry.is_empty()
                && retry.len() == results.len()
                && !self.too_old(&envelope)
            {
                // Nobody got through: the server is likely down. Retry the page later.
                envelope.attempts += 1;
                envelope.next_at = self.clock.now() + backoff(envelope.attempts);
                envelope.last_error = retry.first().map(|(_, e)| e.clone());
                tracing::warn!(
                    attempt = envelope.attempts,
                    error = envelope.last_error.as_deref().unwrap_or(""),
                    "SMTP unreachable; broadcast paused"
                );
                envelope.job = Job::Broadcast {
                    notice,
                    cursor,
                    sent,
                    failed,
                };
                self.store.replace_job(key, &envelope, &[])?;
                return self.store.flush().await;
            }
            sent += ok as u64;
            self.metrics.emails_sent.inc_by(ok as u64);
            for (recipient, r) in &results {
                if let Sent::Failed(e) = r {
                    failed += 1;
                    self.metrics.emails_failed.inc();
                    let letter = Letter::Notice {
                        notice: notice.clone(),
                        recipient: recipient.clone(),
                    };
                    let letter = self.label(&letter);
                    tracing::warn!(%letter, error = %e, "email refused permanently");
                }
            }
            cursor = Some(last);
            envelope.attempts = 0;
            envelope.job = Job::Broadcast {
                notice: notice.clone(),
                cursor: cursor.clone(),
                sent,
                failed,
            };
            self.commit_page(key, &envelope, &notice, retry)?;
            self.store.flush().await?;
        }
    }

    /// Sends one page concurrently, at most [`POOL_SIZE`] at a time. Every
    /// recipient gets an outcome: a send that panicked is retried like any
    /// transient failure, never dropped behind the cursor.
    async fn send_page(
        &self,
        notice: &Notice,
        recipients: Vec<Recipient>,
    ) -> Vec<(Recipient, Sent)> {
        let mut out = Vec::with_capacity(recipients.len());
        let mut running = JoinSet::new();
        // Which recipient each task sends to: a task that panics still has one.
        let mut whom = HashMap::new();
        for recipient in recipients {
            if running.len() >= POOL_SIZE as usize
                && let Some(done) = running.join_next_with_id().await
            {
                out.extend(joined(done, &mut whom));
            }
            let (mailer, compose) = (self.mailer.clone(), self.compose.clone());
            let letter = Letter::Notice {
                notice: notice.clone(),
                recipient: recipient.clone(),
            };
            let task = running.spawn(async move { deliver(&mailer, &compose, letter).await });
            whom.insert(task.id(), recipient);
        }
        while let Some(done) = running.join_next_with_id().await {
            out.extend(joined(done, &mut whom));
        }
        out
    }

    /// The broadcast's new cursor and the page's retries, in one transaction.
    fn commit_page(
        &self,
        key: JobId,
        envelope: &Envelope,
        notice: &Notice,
        retry: Vec<(Recipient, String)>,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        let mut split = Vec::with_capacity(retry.len());
        for (recipient, error) in retry {
            let letter = Letter::Notice {
                notice: notice.clone(),
                recipient,
            };
            let mut job = Envelope::new(Job::Send(letter), now);
            job.attempts = 1;
            job.next_at = now + backoff(1);
            job.last_error = Some(error);
            split.push(job);
        }
        self.store.replace_job(key, envelope, &split)
    }

    fn fail(&self, key: JobId, mut envelope: Envelope, error: String) -> Result<(), StoreError> {
        match &envelope.job {
            Job::Send(letter) => {
                let letter = self.label(letter);
                tracing::warn!(%letter, error = %error, "email given up");
            }
            _ => tracing::warn!(error = %error, "email given up"),
        }
        envelope.last_error = Some(error);
        self.store.fail_job(key, &envelope)?;
        self.metrics.emails_failed.inc();
        Ok(())
    }

    /// A letter as the log names it: kind, notice and subscriber id, never
    /// the address (an operator finds the subscriber by its id).
    fn label(&self, letter: &Letter) -> String {
        let id = match self.store.subscriber_by_token(letter.token()) {
            Ok(found) => found.map(|s| s.id),
            Err(_) => None,
        };
        label::describe(letter, id.as_deref())
    }

    fn too_old(&self, envelope: &Envelope) -> bool {
        let age = (self.clock.now() - envelope.created_at)
            .to_std()
            .unwrap_or_default();
        age > self.give_up_after
    }

    fn update_gauges(&self) {
        update_gauges(&self.store, &self.metrics);
    }
}

/// Sets the outbox gauges (email and webhook jobs alike).
pub(crate) fn update_gauges(store: &Store, metrics: &Metrics) {
    let counts = match store.outbox_counts() {
        Ok(counts) => counts,
        Err(e) => {
            log_error(&e, "outbox unreadable: gauges not updated");
            return;
        }
    };
    let gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    metrics.outbox_queued.set(gauge(counts.queued));
    metrics.outbox_retrying.set(gauge(counts.retrying));
    metrics.outbox_failed.set(gauge(counts.failed));
}

/// A finished send task's outcome, for the recipient it was started for
/// (every task is registered before it can be joined).
fn joined(
    done: Result<(tokio::task::Id, Sent), tokio::task::JoinError>,
    whom: &mut HashMap<tokio::task::Id, Recipient>,
) -> Option<(Recipient, Sent)> {
    let (id, sent) = match done {
        Ok((id, sent)) => (id, sent),
        Err(e) => (
            e.id(),
            Sent::Retry(format!("the send failed unexpectedly ({e})")),
        ),
    };
    let recipient = whom.remove(&id);
    if recipient.is_none() {
        tracing::error!(task = %id, "a send task finished that was never started");
    }
    Some((recipient?, sent))
}

async fn deliver(mailer: &Mailer, compose: &Composer, letter: Letter) -> Sent {
    let message = match compose(&letter) {
        Ok(m) => m,
        Err(e) => return Sent::Failed(format!("could not compose the message: {e}")),
    };
    match mailer.send(message).await {
        Ok(()) => Sent::Ok,
        Err(SendError::Transient(e)) => Sent::Retry(e),
        Err(SendError::Permanent(e)) => Sent::Failed(e),
    }
}

/// 2^attempt seconds (capped at 10 minutes) plus up to a second of jitter, so
/// retries after an outage don't arrive all at once.
pub fn backoff(attempt: u32) -> chrono::Duration {
    use rand::Rng;
    let base = Duration::from_secs(1u64 << attempt.min(10)).min(MAX_BACKOFF);
    let jitter = Duration::from_millis(rand::rng().random_range(0..1000));
    chrono::Duration::from_std(base + jitter).unwrap_or(chrono::Duration::seconds(600))
}

/// When the next job is due, for tests and reports.
pub fn next_due(store: &Store) -> Option<DateTime<Utc>> {
    let jobs = store.jobs(None, usize::MAX).ok()?;
    jobs.into_iter().map(|(_, e)| e.next_at).min()
}

mod label;
#[cfg(test)]
mod tests;
