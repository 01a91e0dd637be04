//! Subscriber records in sled: `subscribers` (id → record), `subscriber_emails`
//! (address → id), `subscriber_tokens` (SHA-256 of token → id) and `feedback`
//! (incident, 0x00, subscriber id → answer). A record saved with a job puts
//! the job in the outbox in the same transaction.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::SledStore;
use crate::incidents::IncidentId;
use crate::outbox::Envelope;
use crate::store::{StoreError, SubscriberStore};
use crate::subscribers::{Answer, FeedbackCounts, Subscriber, address_key};

#[derive(Clone)]
pub struct Trees {
    records: sled::Tree,
    emails: sled::Tree,
    tokens: sled::Tree,
    feedback: sled::Tree,
}

impl Trees {
    pub fn open(db: &sled::Db) -> Result<Self, sled::Error> {
        Ok(Self {
            records: db.open_tree("subscribers")?,
            emails: db.open_tree("subscriber_emails")?,
            tokens: db.open_tree("subscriber_tokens")?,
            feedback: db.open_tree("feedback")?,
        })
    }

    fn by_id(&self, id: &[u8]) -> Result<Option<Subscriber>, StoreError> {
        self.records.get(id)?.map(|v| decode(&v)).transpose()
    }
}

impl SubscriberStore for SledStore {
    /// Unique and increasing (sled's id generator), so two subscribers can
    /// never share a record.
    fn new_subscriber_id(&self) -> Result<String, StoreError> {
        self.write(|t| Ok(format!("{:016x}", t.db.generate_id()?)))
    }

    fn subscriber_by_email(&self, email: &str) -> Result<Option<Subscriber>, StoreError> {
        self.read(|t| {
            let t = &t.subscribers;
            match t.emails.get(email.as_bytes())? {
                Some(id) => t.by_id(&id),
                None => Ok(None),
            }
        })
    }

    fn follower(
        &self,
        email: &str,
        incident: &IncidentId,
    ) -> Result<Option<Subscriber>, StoreError> {
        let key = address_key(email, Some(incident));
        self.read(|t| {
            let t = &t.subscribers;
            match t.emails.get(key.as_bytes())? {
                Some(id) => t.by_id(&id),
                None => Ok(None),
            }
        })
    }

    fn subscriber_by_token(&self, token: &str) -> Result<Option<Subscriber>, StoreError> {
        self.read(|t| {
            let t = &t.subscribers;
            match t.tokens.get(token_key(token))? {
                Some(id) => t.by_id(&id),
                None => Ok(None),
            }
        })
    }

    fn save_subscriber(&self, s: &Subscriber, job: Option<&Envelope>) -> Result<(), StoreError> {
        let record = serde_json::to_vec(s).map_err(|e| StoreError::corrupt("subscriber", e))?;
        let job = job
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| StoreError::corrupt("job", e))?;
        let key = s.address_key();
        self.write(|trees| {
            let t = &trees.subscribers;
            (&t.records, &t.emails, &t.tokens, &trees.outbox)
                .transaction(|(records, emails, tokens, outbox)| {
                    records.insert(s.id.as_bytes(), record.as_slice())?;
                    emails.insert(key.as_bytes(), s.id.as_bytes())?;
                    tokens.insert(&token_key(&s.token)[..], s.id.as_bytes())?;
                    if let Some(job) = &job {
                        outbox.insert(&outbox.generate_id()?.to_be_bytes(), job.as_slice())?;
                    }
                    Ok::<(), ConflictableTransactionError<()>>(())
                })
                .map_err(from_tx)
        })
    }

    fn remove_subscriber(&self, s: &Subscriber) -> Result<(), StoreError> {
        let key = s.address_key();
        self.write(|t| {
            let t = &t.subscribers;
            (&t.records, &t.emails, &t.tokens)
                .transaction(|(records, emails, tokens)| {
                    records.remove(s.id.as_bytes())?;
                    emails.remove(key.as_bytes())?;
                    tokens.remove(&token_key(&s.token)[..])?;
                    Ok::<(), ConflictableTransactionError<()>>(())
                })
                .map_err(from_tx)?;
            for item in t.feedback.iter().keys() {
                let key = item?;
                if key.ends_with(s.id.as_bytes()) {
                    t.feedback.remove(key)?;
                }
            }
            Ok(())
        })
    }

    fn confirmed_after(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Subscriber>, StoreError> {
        let start = match cursor {
            Some(c) => std::ops::Bound::Excluded(c.as_bytes().to_vec()),
            None => std::ops::Bound::Unbounded,
        };
        self.read(|t| {
            let mut out = Vec::with_capacity(limit);
            let records = &t.subscribers.records;
            for item in records.range::<Vec<u8>, _>((start, std::ops::Bound::Unbounded)) {
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
        })
    }

    fn all_subscribers(&self) -> Result<Vec<Subscriber>, StoreError> {
        self.read(|t| {
            (t.subscribers.records.iter())
                .map(|item| item.map_err(StoreError::from).and_then(|(_, v)| decode(&v)))
                .collect()
        })
    }

    fn subscriber_counts(&self) -> Result<(u64, u64), StoreError> {
        self.read(|t| {
            let (mut confirmed, mut pending) = (0, 0);
            for item in t.subscribers.records.iter() {
                let (_, v) = item?;
                let s = decode::<Subscriber>(&v)?;
                match (&s.follows, s.is_confirmed()) {
                    (Some(_), _) => {}
                    (None, true) => confirmed += 1,
                    (None, false) => pending += 1,
                }
            }
            Ok((confirmed, pending))
        })
    }

    fn save_answer(
        &self,
        incident: &IncidentId,
        subscriber: &str,
        answer: Answer,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let value =
            serde_json::to_vec(&(answer, at)).map_err(|e| StoreError::corrupt("feedback", e))?;
        self.write(|t| {
            (t.subscribers.feedback).insert(feedback_key(incident.as_str(), subscriber), value)?;
            Ok(())
        })
    }

    fn feedback(&self, incident: &IncidentId) -> Result<FeedbackCounts, StoreError> {
        self.read(|t| {
            let mut counts = FeedbackCounts::default();
            let prefix = feedback_key(incident.as_str(), "");
            for item in t.subscribers.feedback.scan_prefix(prefix) {
                let (_, v) = item?;
                counts.add(decode(&v)?);
            }
            Ok(counts)
        })
    }
}

/// Tokens are looked up by their hash, so lookups never compare secrets
/// byte by byte.
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

fn decode<T: serde::de::DeserializeOwned>(v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(|e| StoreError::corrupt("record", e))
}

fn from_tx(e: TransactionError<()>) -> StoreError {
    match e {
        TransactionError::Storage(e) => StoreError::from(e),
        TransactionError::Abort(()) => StoreError::corrupt("transaction", "aborted"),
    }
}

impl Trees {
    /// Every subscriber record and answer, for `candor migrate-store` (the
    /// lookups are made again from the records).
    pub fn dump(&self, sink: &mut dyn FnMut(crate::store::copy::Record)) -> Result<(), StoreError> {
        use crate::store::copy::Record;
        for item in self.records.iter() {
            let (_, v) = item?;
            sink(Record::Subscriber { json: v.to_vec() });
        }
        for item in self.feedback.iter() {
            let (k, v) = item?;
            let Some(split) = k.iter().position(|b| *b == 0) else {
                continue;
            };
            sink(Record::Answer {
                incident: String::from_utf8_lossy(&k[..split]).into_owned(),
                subscriber: String::from_utf8_lossy(&k[split + 1..]).into_owned(),
                json: v.to_vec(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Storage;

    #[test]
    fn subscribers_added_in_the_same_instant_never_overwrite_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open(dir.path()).unwrap();
        let now = Utc::now();
        for i in 0..5_000 {
            let s = Subscriber::confirmed(
                store.new_subscriber_id().unwrap(),
                &format!("u{i}@example.com"),
                Vec::new(),
                now,
            );
            store.save_subscriber(&s, None).unwrap();
        }
        assert_eq!(store.subscriber_counts().unwrap(), (5_000, 0));
        let mut seen = 0;
        let mut cursor: Option<String> = None;
        loop {
            let page = store.confirmed_after(cursor.as_deref(), 1000).unwrap();
            let Some(last) = page.last() else { break };
            cursor = Some(last.id.clone());
            seen += page.len();
        }
        assert_eq!(seen, 5_000, "the fan-out walk meets every subscriber once");
        assert!(store.healthy());
    }
}
