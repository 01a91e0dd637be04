//! Subscriber records in sled: `subscribers` (id → record), `subscriber_emails`
//! (address → id), `subscriber_tokens` (SHA-256 of token → id) and `feedback`
//! (incident, 0x00, subscriber id → answer). Writes that also send mail put the
//! outbox job in the same transaction.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::{Answer, FeedbackCounts, Subscriber};
use crate::model::ComponentId;
use crate::outbox::{Envelope, Job, Letter};
use crate::store::StoreError;

/// Confirmation emails one address may be sent per day.
pub const CONFIRMATIONS_PER_DAY: usize = 3;
/// Unconfirmed subscriptions are forgotten after this.
pub const PENDING_FOR: Duration = Duration::days(7);

/// What `subscribe` did. The web answer is the same for all but `Capped`, so
/// nobody learns whether an address is subscribed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscribed {
    /// New, or still pending: a confirmation email is queued.
    ConfirmationQueued,
    /// Already confirmed: a "manage your subscription" email is queued.
    ManageLinkQueued,
    /// Too many emails to this address today; nothing queued.
    Capped,
}

#[derive(Clone)]
pub struct Subscribers {
    db: sled::Db,
    records: sled::Tree,
    emails: sled::Tree,
    tokens: sled::Tree,
    feedback: sled::Tree,
    outbox: sled::Tree,
}

impl Subscribers {
    pub fn open(db: &sled::Db) -> Result<Self, StoreError> {
        Ok(Self {
            db: db.clone(),
            records: db.open_tree("subscribers")?,
            emails: db.open_tree("subscriber_emails")?,
            tokens: db.open_tree("subscriber_tokens")?,
            feedback: db.open_tree("feedback")?,
            outbox: db.open_tree("outbox")?,
        })
    }

    /// Subscribes `email` (already validated) to `components` (empty: all), or
    /// re-sends its confirmation, queueing the email in the same transaction.
    pub fn subscribe(
        &self,
        email: &str,
        components: Vec<ComponentId>,
        now: DateTime<Utc>,
    ) -> Result<Subscribed, StoreError> {
        let mut s = match self.by_email(email)? {
            Some(s) => s,
            None => Subscriber {
                id: self.new_id()?,
                email: email.to_owned(),
                components: Vec::new(),
                token: new_token(),
                created_at: now,
                confirmed_at: None,
                confirmations_sent: Vec::new(),
            },
        };
        s.confirmations_sent
            .retain(|t| now - *t < Duration::days(1));
        if s.confirmations_sent.len() >= CONFIRMATIONS_PER_DAY {
            return Ok(Subscribed::Capped);
        }
        s.confirmations_sent.push(now);
        let (letter, outcome) = if s.is_confirmed() {
            (
                Letter::ManageLink {
                    email: s.email.clone(),
                    token: s.token.clone(),
                },
                Subscribed::ManageLinkQueued,
            )
        } else {
            s.components = components;
            (
                Letter::Confirmation {
                    email: s.email.clone(),
                    token: s.token.clone(),
                },
                Subscribed::ConfirmationQueued,
            )
        };
        self.save(&s, Some(Envelope::new(Job::Send(letter), now)))?;
        Ok(outcome)
    }

    /// Adds an already confirmed subscriber without sending anything (imports
    /// from another tool, benchmarks). An existing address is left as it is.
    pub fn import_confirmed(
        &self,
        email: &str,
        components: Vec<ComponentId>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        if self.emails.contains_key(email.as_bytes())? {
            return Ok(false);
        }
        let s = Subscriber {
            id: self.new_id()?,
            email: email.to_owned(),
            components,
            token: new_token(),
            created_at: now,
            confirmed_at: Some(now),
            confirmations_sent: Vec::new(),
        };
        self.save(&s, None)?;
        Ok(true)
    }

    /// Confirms the subscription behind `token`; None if unknown or expired.
    pub fn confirm(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Subscriber>, StoreError> {
        let Some(mut s) = self.by_token(token)? else {
            return Ok(None);
        };
        if !s.is_confirmed() {
            if now - s.created_at > PENDING_FOR {
                self.remove(&s)?;
                return Ok(None);
            }
            s.confirmed_at = Some(now);
            self.save(&s, None)?;
        }
        Ok(Some(s))
    }

    pub fn by_token(&self, token: &str) -> Result<Option<Subscriber>, StoreError> {
        match self.tokens.get(token_key(token))? {
            Some(id) => self.by_id(&id),
            None => Ok(None),
        }
    }

    pub fn by_email(&self, email: &str) -> Result<Option<Subscriber>, StoreError> {
        match self.emails.get(email.as_bytes())? {
            Some(id) => self.by_id(&id),
            None => Ok(None),
        }
    }

    /// Changes which components the subscriber behind `token` follows.
    pub fn set_components(
        &self,
        token: &str,
        components: Vec<ComponentId>,
    ) -> Result<Option<Subscriber>, StoreError> {
        let Some(mut s) = self.by_token(token)? else {
            return Ok(None);
        };
        s.components = components;
        self.save(&s, None)?;
        Ok(Some(s))
    }

    /// Forgets the subscriber behind `token`; true if there was one.
    pub fn unsubscribe(&self, token: &str) -> Result<bool, StoreError> {
        match self.by_token(token)? {
            Some(s) => self.remove(&s).map(|()| true),
            None => Ok(false),
        }
    }

    /// Up to `limit` confirmed subscribers after `cursor` in id order: the
    /// fan-out reads subscribers in pages, never all at once.
    pub fn confirmed_after(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Subscriber>, StoreError> {
        let start = match cursor {
            Some(c) => std::ops::Bound::Excluded(c.as_bytes().to_vec()),
            None => std::ops::Bound::Unbounded,
        };
        let mut out = Vec::with_capacity(limit);
        for item in self
            .records
            .range::<Vec<u8>, _>((start, std::ops::Bound::Unbounded))
        {
            let (_, v) = item?;
            let s: Subscriber = decode(&v)?;
            if s.is_confirmed() {
                out.push(s);
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// (confirmed, pending)
    pub fn counts(&self) -> Result<(u64, u64), StoreError> {
        let (mut confirmed, mut pending) = (0, 0);
        for item in self.records.iter() {
            let (_, v) = item?;
            if decode::<Subscriber>(&v)?.is_confirmed() {
                confirmed += 1
            } else {
                pending += 1
            }
        }
        Ok((confirmed, pending))
    }

    /// Every subscriber, for export (blocking; call off the executor).
    pub fn all(&self) -> Result<Vec<Subscriber>, StoreError> {
        self.records
            .iter()
            .map(|item| item.map_err(StoreError::from).and_then(|(_, v)| decode(&v)))
            .collect()
    }

    /// Forgets subscriptions never confirmed within [`PENDING_FOR`].
    pub fn expire_pending(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let stale: Vec<Subscriber> = self
            .all()?
            .into_iter()
            .filter(|s| !s.is_confirmed() && now - s.created_at > PENDING_FOR)
            .collect();
        for s in &stale {
            self.remove(s)?;
        }
        Ok(stale.len())
    }

    /// Records (or changes) a subscriber's answer for an incident.
    pub fn record_answer(
        &self,
        incident: &str,
        token: &str,
        answer: Answer,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Some(s) = self.by_token(token)? else {
            return Ok(false);
        };
        let value = serde_json::to_vec(&(answer, now)).map_err(|e| corrupt("feedback", e))?;
        self.feedback.insert(feedback_key(incident, &s.id), value)?;
        Ok(true)
    }

    pub fn feedback(&self, incident: &str) -> Result<FeedbackCounts, StoreError> {
        let mut counts = FeedbackCounts::default();
        for item in self.feedback.scan_prefix(feedback_key(incident, "")) {
            let (_, v) = item?;
            match decode::<(Answer, DateTime<Utc>)>(&v)? {
                (Answer::Working, _) => counts.working += 1,
                (Answer::StillBroken, at) => {
                    counts.still_broken += 1;
                    counts.last_still_broken = counts.last_still_broken.max(Some(at));
                }
            }
        }
        Ok(counts)
    }

    /// Unique and increasing (sled's id generator), so two subscribers can never
    /// share a record and the fan-out cursor meets new subscribers last.
    fn new_id(&self) -> Result<String, StoreError> {
        Ok(format!("{:016x}", self.db.generate_id()?))
    }

    fn by_id(&self, id: &[u8]) -> Result<Option<Subscriber>, StoreError> {
        self.records.get(id)?.map(|v| decode(&v)).transpose()
    }

    /// Writes the record and its indexes, and `job` if any, atomically.
    fn save(&self, s: &Subscriber, job: Option<Envelope>) -> Result<(), StoreError> {
        let record = serde_json::to_vec(s).map_err(|e| corrupt("subscriber", e))?;
        let job = job
            .map(|j| serde_json::to_vec(&j))
            .transpose()
            .map_err(|e| corrupt("job", e))?;
        (&self.records, &self.emails, &self.tokens, &self.outbox)
            .transaction(|(records, emails, tokens, outbox)| {
                records.insert(s.id.as_bytes(), record.as_slice())?;
                emails.insert(s.email.as_bytes(), s.id.as_bytes())?;
                tokens.insert(&token_key(&s.token)[..], s.id.as_bytes())?;
                if let Some(job) = &job {
                    outbox.insert(&outbox.generate_id()?.to_be_bytes(), job.as_slice())?;
                }
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .map_err(from_tx)
    }

    fn remove(&self, s: &Subscriber) -> Result<(), StoreError> {
        (&self.records, &self.emails, &self.tokens)
            .transaction(|(records, emails, tokens)| {
                records.remove(s.id.as_bytes())?;
                emails.remove(s.email.as_bytes())?;
                tokens.remove(&token_key(&s.token)[..])?;
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .map_err(from_tx)?;
        for item in self.feedback.iter().keys() {
            let key = item?;
            if key.ends_with(s.id.as_bytes()) {
                self.feedback.remove(key)?;
            }
        }
        Ok(())
    }
}

/// Normalises an address for storage and lookup: trimmed, domain lowercased.
/// (The local part is case-sensitive by the RFC; real mailboxes rarely are, but
/// we keep it as given.)
pub fn normalise(email: &str) -> String {
    let email = email.trim();
    match email.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
        None => email.to_owned(),
    }
}

fn token_key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn feedback_key(incident: &str, subscriber: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(incident.len() + subscriber.len() + 1);
    k.extend_from_slice(incident.as_bytes());
    k.push(0);
    k.extend_from_slice(subscriber.as_bytes());
    k
}

/// 256 random bits, hex.
fn new_token() -> String {
    use rand::Rng;
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode<T: serde::de::DeserializeOwned>(v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(|e| corrupt("record", e))
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: what.into(),
        detail: e.to_string(),
    }
}

fn from_tx(e: TransactionError<()>) -> StoreError {
    match e {
        TransactionError::Storage(e) => StoreError::Sled(e),
        TransactionError::Abort(()) => corrupt("transaction", "aborted"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribers_added_in_the_same_instant_never_overwrite_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let subs = Subscribers::open(&db).unwrap();
        let now = Utc::now();
        for i in 0..5_000 {
            assert!(
                subs.import_confirmed(&format!("u{i}@example.com"), Vec::new(), now)
                    .unwrap()
            );
        }
        assert_eq!(subs.counts().unwrap(), (5_000, 0));
        let mut seen = 0;
        let mut cursor: Option<String> = None;
        loop {
            let page = subs.confirmed_after(cursor.as_deref(), 1000).unwrap();
            let Some(last) = page.last() else { break };
            cursor = Some(last.id.clone());
            seen += page.len();
        }
        assert_eq!(seen, 5_000, "the fan-out walk meets every subscriber once");
    }

    #[test]
    fn an_unconfirmed_subscription_expires_after_seven_days() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let subs = Subscribers::open(&db).unwrap();
        let start = Utc::now();
        subs.subscribe("late@example.com", Vec::new(), start)
            .unwrap();
        subs.subscribe("sweep@example.com", Vec::new(), start)
            .unwrap();
        let late = subs.by_email("late@example.com").unwrap().unwrap();
        assert!(
            subs.confirm(&late.token, start + Duration::days(8))
                .unwrap()
                .is_none(),
            "an expired link confirms nothing"
        );
        assert!(subs.by_email("late@example.com").unwrap().is_none());
        assert_eq!(subs.expire_pending(start + Duration::days(6)).unwrap(), 0);
        assert_eq!(subs.expire_pending(start + Duration::days(8)).unwrap(), 1);
        assert_eq!(subs.counts().unwrap(), (0, 0));
    }
}
