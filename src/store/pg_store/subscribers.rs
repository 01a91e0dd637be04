//! Subscriber records and their answers. A record is found by its address
//! key (a follower's holds the incident too) or by the SHA-256 of its token,
//! so lookups never compare secrets; the record saved last under a key wins,
//! as in sled, where the lookup entry is overwritten.

use chrono::{DateTime, Utc};
use postgres::Client;
use sha2::{Digest, Sha256};

use super::link::backend;
use super::records::{encode_jobs, insert_jobs};
use super::{PgStore, from_json, json};
use crate::incidents::IncidentId;
use crate::outbox::Envelope;
use crate::store::{StoreError, SubscriberStore};
use crate::subscribers::{Answer, FeedbackCounts, Subscriber, address_key};

pub(super) fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The subscriber saved last whose `column` is `key`.
fn one_by(c: &mut Client, column: &str, key: &[u8]) -> Result<Option<Subscriber>, StoreError> {
    let sql =
        format!("SELECT record FROM subscribers WHERE {column} = $1 ORDER BY saved DESC LIMIT 1");
    let row = c.query_opt(sql.as_str(), &[&key]).map_err(backend)?;
    row.map(|r| {
        let bytes: Vec<u8> = r.try_get(0).map_err(backend)?;
        from_json(&bytes, "subscriber")
    })
    .transpose()
}

fn many(rows: &[postgres::Row]) -> Result<Vec<Subscriber>, StoreError> {
    rows.iter()
        .map(|r| {
            let bytes: Vec<u8> = r.try_get(0).map_err(backend)?;
            from_json(&bytes, "subscriber")
        })
        .collect()
}

impl SubscriberStore for PgStore {
    /// From a sequence: unique and increasing, as sled's generated ids.
    fn new_subscriber_id(&self) -> Result<String, StoreError> {
        self.write_quiet(|c| {
            let n: i64 = c
                .query_one("SELECT nextval('subscriber_ids')", &[])
                .and_then(|r| r.try_get(0))
                .map_err(backend)?;
            Ok(format!("{n:016x}"))
        })
    }

    fn subscriber_by_email(&self, email: &str) -> Result<Option<Subscriber>, StoreError> {
        let key = address_key(email, None).into_bytes();
        self.read(move |c| one_by(c, "address_key", &key))
    }

    fn follower(
        &self,
        email: &str,
        incident: &IncidentId,
    ) -> Result<Option<Subscriber>, StoreError> {
        let key = address_key(email, Some(incident)).into_bytes();
        self.read(move |c| one_by(c, "address_key", &key))
    }

    fn subscriber_by_token(&self, token: &str) -> Result<Option<Subscriber>, StoreError> {
        let hash = token_hash(token);
        self.read(move |c| one_by(c, "token_hash", &hash))
    }

    fn save_subscriber(&self, s: &Subscriber, job: Option<&Envelope>) -> Result<(), StoreError> {
        let record = json(s, "subscriber")?;
        let (id, key, hash) = (
            s.id.clone(),
            s.address_key().into_bytes(),
            token_hash(&s.token),
        );
        let (confirmed, follower) = (s.is_confirmed(), s.follows.is_some());
        let jobs = encode_jobs(job.cloned().as_slice())?;
        self.write_quiet(move |tx| {
            tx.execute(
                "INSERT INTO subscribers (id, address_key, token_hash, confirmed, follower, saved, record) \
                 VALUES ($1, $2, $3, $4, $5, nextval('subscriber_saves'), $6) \
                 ON CONFLICT (id) DO UPDATE SET address_key = EXCLUDED.address_key, \
                 token_hash = EXCLUDED.token_hash, confirmed = EXCLUDED.confirmed, \
                 follower = EXCLUDED.follower, saved = EXCLUDED.saved, record = EXCLUDED.record",
                &[&id, &key, &hash, &confirmed, &follower, &record],
            )
            .map_err(backend)?;
            insert_jobs(tx, jobs)?;
            Ok(())
        })
    }

    fn remove_subscriber(&self, s: &Subscriber) -> Result<(), StoreError> {
        let id = s.id.clone();
        self.write_quiet(move |tx| {
            tx.execute("DELETE FROM subscribers WHERE id = $1", &[&id])
                .map_err(backend)?;
            tx.execute("DELETE FROM feedback WHERE subscriber_id = $1", &[&id])
                .map_err(backend)?;
            Ok(())
        })
    }

    fn confirmed_after(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Subscriber>, StoreError> {
        let cursor = cursor.map(str::to_owned);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(move |c| {
            let rows = c
                .query(
                    "SELECT record FROM subscribers WHERE confirmed AND ($1::text IS NULL OR id > $1) \
                     ORDER BY id LIMIT $2",
                    &[&cursor, &limit],
                )
                .map_err(backend)?;
            many(&rows)
        })
    }

    fn all_subscribers(&self) -> Result<Vec<Subscriber>, StoreError> {
        self.read(|c| {
            let rows = c
                .query("SELECT record FROM subscribers ORDER BY id", &[])
                .map_err(backend)?;
            many(&rows)
        })
    }

    fn subscriber_counts(&self) -> Result<(u64, u64), StoreError> {
        self.read(|c| {
            let r = c
                .query_one(
                    "SELECT count(*) FILTER (WHERE confirmed), count(*) FILTER (WHERE NOT confirmed) \
                     FROM subscribers WHERE NOT follower",
                    &[],
                )
                .map_err(backend)?;
            let n = |i: usize| -> Result<u64, StoreError> {
                let v: i64 = r.try_get(i).map_err(backend)?;
                Ok(u64::try_from(v).unwrap_or(0))
            };
            Ok((n(0)?, n(1)?))
        })
    }

    fn save_answer(
        &self,
        incident: &IncidentId,
        subscriber: &str,
        answer: Answer,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let value = json(&(answer, at), "feedback")?;
        let (incident, subscriber) = (incident.as_str().to_owned(), subscriber.to_owned());
        self.write(move |c| {
            c.execute(
                "INSERT INTO feedback (incident_id, subscriber_id, answer) VALUES ($1, $2, $3) \
                 ON CONFLICT (incident_id, subscriber_id) DO UPDATE SET answer = EXCLUDED.answer",
                &[&incident, &subscriber, &value],
            )
            .map(drop)
            .map_err(backend)
        })
    }

    fn feedback(&self, incident: &IncidentId) -> Result<FeedbackCounts, StoreError> {
        let incident = incident.as_str().to_owned();
        self.read(move |c| {
            let rows = c
                .query(
                    "SELECT answer FROM feedback WHERE incident_id = $1",
                    &[&incident],
                )
                .map_err(backend)?;
            let mut counts = FeedbackCounts::default();
            for r in &rows {
                let bytes: Vec<u8> = r.try_get(0).map_err(backend)?;
                let answer: (Answer, DateTime<Utc>) = from_json(&bytes, "feedback")?;
                counts.add(answer);
            }
            Ok(counts)
        })
    }
}
