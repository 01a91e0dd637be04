//! Delivers the outbox. Jobs are processed oldest first; a broadcast streams
//! subscribers in pages of [`PAGE`], sends each page concurrently over the SMTP
//! pool, then commits its cursor (and any per-recipient retries) and flushes
//! before the next page — so a crash re-sends at most the page in flight.
//! Transient failures back off exponentially with jitter, up to
//! `give_up_after`; permanent ones (5xx) are recorded as failed, not retried.
//! Webhook jobs share the tree but are delivered by `webhook::dispatch`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::transport::{Mailer, POOL_SIZE, SendError};
use crate::metrics::Metrics;
use crate::outbox::notice::{Notice, Recipient};
use crate::outbox::{Envelope, Job, Letter};
use crate::store::{Store, StoreError};
use crate::subscribers::Subscribers;

/// Subscribers read and sent per step of a broadcast.
pub const PAGE: usize = 256;
/// The longest wait between retries.
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// Turns a letter into a message (the compose module, or a test double).
pub type Composer = Arc<dyn Fn(&Letter) -> Result<lettre::Message, String> + Send + Sync>;

pub struct Worker {
    pub store: Store,
    pub subscribers: Subscribers,
    pub mailer: Mailer,
    pub compose: Composer,
    pub metrics: Arc<Metrics>,
    pub give_up_after: Duration,
    pub wake: Arc<Notify>,
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
                tracing::error!(error = %e, "outbox: storage error; retrying shortly");
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
        let outbox = self.store.outbox();
        let mut handled = 0;
        let mut cursor: Option<sled::IVec> = None;
        loop {
            let next = match &cursor {
                Some(k) => outbox
                    .range::<&[u8], _>((
                        std::ops::Bound::Excluded(k.as_ref()),
                        std::ops::Bound::Unbounded,
                    ))
                    .next(),
                None => outbox.iter().next(),
            };
            let Some(item) = next else { break };
            let (key, value) = item?;
            cursor = Some(key.clone());
            if cancel.is_cancelled() {
                break;
            }
            let envelope: Envelope =
                serde_json::from_slice(&value).map_err(|e| StoreError::Corrupt {
                    what: "outbox job".into(),
                    detail: e.to_string(),
                })?;
            if envelope.next_at > Utc::now() {
                continue;
            }
            match envelope.job.clone() {
                Job::Send(letter) => self.send_one(&key, envelope, &letter).await?,
                Job::Broadcast { .. } => self.broadcast(&key, envelope, cancel).await?,
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
        key: &[u8],
        mut envelope: Envelope,
        letter: &Letter,
    ) -> Result<(), StoreError> {
        let outbox = self.store.outbox();
        match deliver(&self.mailer, &self.compose, letter.clone()).await {
            Sent::Ok => {
                outbox.remove(key)?;
                self.metrics.emails_sent.inc();
            }
            Sent::Failed(e) => self.fail(key, envelope, e)?,
            Sent::Retry(e) if self.too_old(&envelope) => self.fail(key, envelope, e)?,
            Sent::Retry(e) => {
                envelope.attempts += 1;
                envelope.next_at = Utc::now() + backoff(envelope.attempts);
                tracing::warn!(to = letter.to(), attempt = envelope.attempts, error = %e, "email not delivered; will retry");
                envelope.last_error = Some(e);
                outbox.insert(key, encode(&envelope)?)?;
            }
        }
        self.store.flush().await
    }

    /// Sends a broadcast page by page until done, cancelled, or the server is
    /// unreachable (then the whole broadcast backs off).
    async fn broadcast(
        &self,
        key: &[u8],
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
        let outbox = self.store.outbox();
        loop {
            if cancel.is_cancelled() {
                return Ok(());
            }
            let page = self.subscribers.confirmed_after(cursor.as_deref(), PAGE)?;
            let Some(last) = page.last().map(|s| s.id.clone()) else {
                outbox.remove(key)?;
                tracing::info!(notice = %notice.update_id, sent, failed, "broadcast delivered");
                return self.store.flush().await;
            };
            let recipients: Vec<Recipient> = page
                .into_iter()
                .filter(|s| notice.concerns(&s.components))
                .map(|s| Recipient {
                    email: s.email,
                    token: s.token,
                    components: s.components,
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
                envelope.next_at = Utc::now() + backoff(envelope.attempts);
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
                outbox.insert(key, encode(&envelope)?)?;
                return self.store.flush().await;
            }
            sent += ok as u64;
            self.metrics.emails_sent.inc_by(ok as u64);
            for (_, r) in &results {
                if let Sent::Failed(e) = r {
                    failed += 1;
                    self.metrics.emails_failed.inc();
                    tracing::warn!(error = %e, "email refused permanently");
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

    /// Sends one page concurrently, at most [`POOL_SIZE`] at a time.
    async fn send_page(
        &self,
        notice: &Notice,
        recipients: Vec<Recipient>,
    ) -> Vec<(Recipient, Sent)> {
        let mut out = Vec::with_capacity(recipients.len());
        let mut running = JoinSet::new();
        for recipient in recipients {
            if running.len() >= POOL_SIZE as usize
                && let Some(Ok(done)) = running.join_next().await
            {
                out.push(done);
            }
            let (mailer, compose) = (self.mailer.clone(), self.compose.clone());
            let letter = Letter::Notice {
                notice: notice.clone(),
                recipient: recipient.clone(),
            };
            running.spawn(async move { (recipient, deliver(&mailer, &compose, letter).await) });
        }
        while let Some(done) = running.join_next().await {
            if let Ok(done) = done {
                out.push(done);
            }
        }
        out
    }

    /// The broadcast's new cursor and the page's retries, in one transaction.
    fn commit_page(
        &self,
        key: &[u8],
        envelope: &Envelope,
        notice: &Notice,
        retry: Vec<(Recipient, String)>,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let mut batch = sled::Batch::default();
        batch.insert(key, encode(envelope)?);
        for (recipient, error) in retry {
            let letter = Letter::Notice {
                notice: notice.clone(),
                recipient,
            };
            let mut job = Envelope::new(Job::Send(letter), now);
            job.attempts = 1;
            job.next_at = now + backoff(1);
            job.last_error = Some(error);
            let id = self.store.generate_id()?;
            batch.insert(&id.to_be_bytes(), encode(&job)?);
        }
        self.store.outbox().apply_batch(batch)?;
        Ok(())
    }

    fn fail(&self, key: &[u8], mut envelope: Envelope, error: String) -> Result<(), StoreError> {
        tracing::warn!(error = %error, "email given up");
        envelope.last_error = Some(error);
        self.store.outbox_failed().insert(key, encode(&envelope)?)?;
        self.store.outbox().remove(key)?;
        self.metrics.emails_failed.inc();
        Ok(())
    }

    fn too_old(&self, envelope: &Envelope) -> bool {
        let age = (Utc::now() - envelope.created_at)
            .to_std()
            .unwrap_or_default();
        age > self.give_up_after
    }

    fn update_gauges(&self) {
        update_gauges(&self.store, &self.metrics);
    }
}

/// Sets the outbox gauges from the tree (email and webhook jobs alike).
pub(crate) fn update_gauges(store: &Store, metrics: &Metrics) {
    let (queued, retrying) = store
        .outbox()
        .iter()
        .values()
        .flatten()
        .fold((0, 0), |(q, r), v| {
            let retrying = serde_json::from_slice::<Envelope>(&v).is_ok_and(|e| e.attempts > 0);
            (q + 1, r + i64::from(retrying))
        });
    metrics.outbox_queued.set(queued);
    metrics.outbox_retrying.set(retrying);
    metrics
        .outbox_failed
        .set(i64::try_from(store.outbox_failed().len()).unwrap_or(i64::MAX));
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

pub(crate) fn encode(envelope: &Envelope) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(envelope).map_err(|e| StoreError::Corrupt {
        what: "outbox job".into(),
        detail: e.to_string(),
    })
}

/// When the next job is due, for tests and reports.
pub fn next_due(store: &Store) -> Option<DateTime<Utc>> {
    store
        .outbox()
        .iter()
        .values()
        .flatten()
        .filter_map(|v| serde_json::from_slice::<Envelope>(&v).ok())
        .map(|e| e.next_at)
        .min()
}
