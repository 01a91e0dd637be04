//! The writing half of `candor migrate-store`: records copied into an empty
//! database in one transaction, a chunk at a time, one statement per kind.

use postgres::Client;

use super::link::{self, backend};
use super::subscribers::token_hash;
use super::{from_json, hour_param};
use crate::outbox::Envelope;
use crate::store::StoreError;
use crate::store::copy::Record;
use crate::subscribers::Subscriber;

pub struct Import {
    link: link::Link,
    /// The largest subscriber id copied (ids are hexadecimal numbers), so
    /// new ones come after it.
    last_subscriber: u64,
}

impl Import {
    /// Opens a transaction on the database at `url`, whose schema exists and
    /// which holds no records yet.
    pub fn begin(url: &str) -> Result<Self, StoreError> {
        let mut link = link::Link::new(url)?;
        let c = link.client()?;
        let held: i64 = c
            .query_one(
                "SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM maintenances) \
                 + (SELECT count(*) FROM component_states) + (SELECT count(*) FROM check_states) \
                 + (SELECT count(*) FROM subscribers) + (SELECT count(*) FROM outbox) \
                 + (SELECT count(*) FROM result_blocks) + (SELECT count(*) FROM uptime_days)",
                &[],
            )
            .and_then(|r| r.try_get(0))
            .map_err(backend)?;
        if held > 0 {
            return Err(StoreError::Backend(format!(
                "the database already holds {held} of Candor's records: copy into an empty database"
            )));
        }
        c.batch_execute("BEGIN").map_err(backend)?;
        Ok(Self {
            link,
            last_subscriber: 0,
        })
    }

    /// Writes `records` (inside the transaction).
    pub fn write(&mut self, records: Vec<Record>) -> Result<(), StoreError> {
        let mut rows = Rows::default();
        for record in records {
            rows.add(record, &mut self.last_subscriber)?;
        }
        rows.write(self.link.client()?)
    }

    /// Sets the id sequences past what was copied and commits.
    pub fn commit(mut self) -> Result<(), StoreError> {
        let last = i64::try_from(self.last_subscriber)
            .unwrap_or(i64::MAX)
            .max(1);
        let c = self.link.client()?;
        c.execute("SELECT setval('subscriber_ids', $1)", &[&last])
            .map_err(backend)?;
        c.batch_execute(
            "SELECT setval(pg_get_serial_sequence('outbox', 'id'), \
             GREATEST((SELECT max(id) FROM outbox), (SELECT max(id) FROM outbox_failed), 1)); \
             COMMIT",
        )
        .map_err(backend)
    }
}

/// One chunk's records, by table.
#[derive(Default)]
struct Rows {
    blocks: (Vec<i32>, Vec<String>, Vec<Vec<u8>>),
    days: (Vec<i32>, Vec<String>, Vec<Vec<u8>>),
    keyed: [(Vec<String>, Vec<Vec<u8>>); 5],
    jobs: (Vec<i64>, Vec<i32>, Vec<Vec<u8>>),
    failed: (Vec<i64>, Vec<Vec<u8>>),
    subscribers: Vec<(Subscriber, Vec<u8>)>,
    answers: (Vec<String>, Vec<String>, Vec<Vec<u8>>),
    reports: (Vec<i64>, Vec<Vec<u8>>),
    alarms: (Vec<String>, Vec<i64>),
}

/// The tables of `Rows::keyed`: (table, key column, value column).
const KEYED: [(&str, &str, &str); 5] = [
    ("incidents", "id", "record"),
    ("maintenances", "id", "record"),
    ("overrides", "component_id", "record"),
    ("component_states", "component_id", "state"),
    ("check_states", "check_id", "state"),
];

fn id_param(id: u64) -> Result<i64, StoreError> {
    i64::try_from(id)
        .map_err(|_| StoreError::corrupt("outbox job id", format!("{id} is out of range")))
}

impl Rows {
    fn add(&mut self, record: Record, last_subscriber: &mut u64) -> Result<(), StoreError> {
        let mut keyed = |i: usize, k: String, v: Vec<u8>| {
            self.keyed[i].0.push(k);
            self.keyed[i].1.push(v);
        };
        match record {
            Record::Incident { id, json } => keyed(0, id, json),
            Record::Maintenance { id, json } => keyed(1, id, json),
            Record::Override { component, json } => keyed(2, component, json),
            Record::ComponentState { component, json } => keyed(3, component, json),
            Record::CheckState { check, json } => keyed(4, check, json),
            Record::Block { hour, check, bytes } => {
                self.blocks.0.push(hour_param(hour));
                self.blocks.1.push(check);
                self.blocks.2.push(bytes);
            }
            Record::Day {
                day,
                component,
                bytes,
            } => {
                self.days.0.push(i32::try_from(day).unwrap_or(i32::MAX));
                self.days.1.push(component);
                self.days.2.push(bytes);
            }
            Record::Job { id, json } => {
                let job: Envelope = from_json(&json, "outbox job")?;
                self.jobs.0.push(id_param(id)?);
                self.jobs
                    .1
                    .push(i32::try_from(job.attempts).unwrap_or(i32::MAX));
                self.jobs.2.push(json);
            }
            Record::FailedJob { id, json } => {
                self.failed.0.push(id_param(id)?);
                self.failed.1.push(json);
            }
            Record::Subscriber { json } => {
                let s: Subscriber = from_json(&json, "subscriber")?;
                if let Ok(n) = u64::from_str_radix(&s.id, 16) {
                    *last_subscriber = (*last_subscriber).max(n);
                }
                self.subscribers.push((s, json));
            }
            Record::Answer {
                incident,
                subscriber,
                json,
            } => {
                self.answers.0.push(incident);
                self.answers.1.push(subscriber);
                self.answers.2.push(json);
            }
            Record::Report { json } => {
                let r: crate::reports::Report = from_json(&json, "report")?;
                self.reports.0.push(r.at.timestamp_millis());
                self.reports.1.push(json);
            }
            Record::Alarm { component, json } => {
                let since: chrono::DateTime<chrono::Utc> = from_json(&json, "report alarm")?;
                self.alarms.0.push(component);
                self.alarms.1.push(since.timestamp_millis());
            }
        }
        Ok(())
    }

    fn write(self, c: &mut Client) -> Result<(), StoreError> {
        let run = |c: &mut Client, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)]| {
            c.execute(sql, params).map(drop).map_err(backend)
        };
        for ((table, key, value), (keys, values)) in KEYED.iter().zip(&self.keyed) {
            if !keys.is_empty() {
                let sql = format!(
                    "INSERT INTO {table} ({key}, {value}) SELECT * FROM unnest($1::text[], $2::bytea[])"
                );
                run(c, &sql, &[keys, values])?;
            }
        }
        if !self.blocks.0.is_empty() {
            run(
                c,
                "INSERT INTO result_blocks (hour, check_id, block) \
                 SELECT * FROM unnest($1::integer[], $2::text[], $3::bytea[])",
                &[&self.blocks.0, &self.blocks.1, &self.blocks.2],
            )?;
        }
        if !self.days.0.is_empty() {
            run(
                c,
                "INSERT INTO uptime_days (day, component_id, data) \
                 SELECT * FROM unnest($1::integer[], $2::text[], $3::bytea[])",
                &[&self.days.0, &self.days.1, &self.days.2],
            )?;
        }
        if !self.jobs.0.is_empty() {
            run(
                c,
                "INSERT INTO outbox (id, attempts, job) OVERRIDING SYSTEM VALUE \
                 SELECT * FROM unnest($1::bigint[], $2::integer[], $3::bytea[])",
                &[&self.jobs.0, &self.jobs.1, &self.jobs.2],
            )?;
        }
        if !self.failed.0.is_empty() {
            run(
                c,
                "INSERT INTO outbox_failed (id, job) SELECT * FROM unnest($1::bigint[], $2::bytea[])",
                &[&self.failed.0, &self.failed.1],
            )?;
        }
        for (s, json) in &self.subscribers {
            let (key, hash) = (s.address_key().into_bytes(), token_hash(&s.token));
            let (confirmed, follower) = (s.is_confirmed(), s.follows.is_some());
            run(
                c,
                "INSERT INTO subscribers (id, address_key, token_hash, confirmed, follower, saved, record) \
                 VALUES ($1, $2, $3, $4, $5, nextval('subscriber_saves'), $6)",
                &[&s.id, &key, &hash, &confirmed, &follower, json],
            )?;
        }
        if !self.answers.0.is_empty() {
            run(
                c,
                "INSERT INTO feedback (incident_id, subscriber_id, answer) \
                 SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])",
                &[&self.answers.0, &self.answers.1, &self.answers.2],
            )?;
        }
        if !self.reports.0.is_empty() {
            run(
                c,
                "INSERT INTO reports (at_ms, record) SELECT a, r FROM \
                 unnest($1::bigint[], $2::bytea[]) WITH ORDINALITY AS t(a, r, n) ORDER BY n",
                &[&self.reports.0, &self.reports.1],
            )?;
        }
        if !self.alarms.0.is_empty() {
            run(
                c,
                "INSERT INTO report_alarms (component_id, since_ms) \
                 SELECT * FROM unnest($1::text[], $2::bigint[])",
                &[&self.alarms.0, &self.alarms.1],
            )?;
        }
        Ok(())
    }
}
