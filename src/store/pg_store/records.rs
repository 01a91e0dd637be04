//! One change's records in one transaction, uptime days, the outbox, and
//! visitors' reports.

use chrono::{DateTime, Utc};
use postgres::Transaction;

use super::link::backend;
use super::{PgStore, from_json, json};
use crate::model::ComponentId;
use crate::outbox::Envelope;
use crate::reports::Report;
use crate::store::{
    Commit, JobId, OutboxCounts, OutboxStore, ReportChange, ReportStore, RollupStore, StoreError,
};
use crate::uptime::Day;
use crate::uptime::calendar::DayNo;

/// Keys and encoded values, made before the connection's thread runs them.
type Rows = Vec<(String, Vec<u8>)>;

/// A [`Commit`] as owned rows: `None` removes an override.
pub(super) struct Change {
    incidents: Rows,
    maintenances: Rows,
    overrides: Vec<(String, Option<Vec<u8>>)>,
    components: Rows,
    jobs: Vec<(i32, Vec<u8>)>,
}

impl Change {
    pub fn of(c: &Commit<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            incidents: (c.incidents.iter())
                .map(|i| Ok((i.id.as_str().to_owned(), json(*i, "incident")?)))
                .collect::<Result<_, StoreError>>()?,
            maintenances: (c.maintenances.iter())
                .map(|m| Ok((m.id.as_str().to_owned(), json(*m, "maintenance")?)))
                .collect::<Result<_, StoreError>>()?,
            overrides: (c.overrides.iter())
                .map(|(id, o)| {
                    Ok((
                        id.as_str().to_owned(),
                        o.map(|o| json(o, "override")).transpose()?,
                    ))
                })
                .collect::<Result<_, StoreError>>()?,
            components: (c.components.iter())
                .map(|(id, s)| Ok((id.as_str().to_owned(), json(*s, "component state")?)))
                .collect::<Result<_, StoreError>>()?,
            jobs: encode_jobs(&c.jobs)?,
        })
    }

    /// Every row in one transaction: all of the change or none of it.
    pub fn write(self, tx: &mut Transaction<'_>) -> Result<(), StoreError> {
        upsert(tx, "incidents", "id", "record", self.incidents)?;
        upsert(tx, "maintenances", "id", "record", self.maintenances)?;
        upsert(
            tx,
            "component_states",
            "component_id",
            "state",
            self.components,
        )?;
        // Per component, the last of this change's overrides decides.
        let last: std::collections::BTreeMap<String, Option<Vec<u8>>> =
            self.overrides.into_iter().collect();
        let (kept, removed): (Vec<_>, Vec<_>) = last.into_iter().partition(|(_, o)| o.is_some());
        let kept = kept
            .into_iter()
            .filter_map(|(id, o)| Some((id, o?)))
            .collect();
        upsert(tx, "overrides", "component_id", "record", kept)?;
        let removed: Vec<String> = removed.into_iter().map(|(id, _)| id).collect();
        if !removed.is_empty() {
            tx.execute(
                "DELETE FROM overrides WHERE component_id = ANY($1)",
                &[&removed],
            )
            .map_err(backend)?;
        }
        insert_jobs(tx, self.jobs)?;
        Ok(())
    }
}

/// Inserts or replaces `rows` of `table` in one statement.
fn upsert(
    tx: &mut Transaction<'_>,
    table: &str,
    key: &str,
    value: &str,
    rows: Rows,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    // One change may name a record twice (posts committed together, two
    // updates of one incident): the last wins, as it would one at a time.
    // PostgreSQL refuses to update a row twice in one statement.
    let mut last: std::collections::HashMap<String, Vec<u8>> = std::collections::HashMap::new();
    let mut order = Vec::with_capacity(rows.len());
    for (id, row) in rows {
        if last.insert(id.clone(), row).is_none() {
            order.push(id);
        }
    }
    let values: Vec<Vec<u8>> = order.iter().filter_map(|id| last.remove(id)).collect();
    let ids = order;
    let sql = format!(
        "INSERT INTO {table} ({key}, {value}) SELECT * FROM unnest($1::text[], $2::bytea[]) \
         ON CONFLICT ({key}) DO UPDATE SET {value} = EXCLUDED.{value}"
    );
    tx.execute(sql.as_str(), &[&ids, &values])
        .map_err(backend)?;
    Ok(())
}

/// Jobs as (attempts, JSON), in order.
pub(super) fn encode_jobs(jobs: &[Envelope]) -> Result<Vec<(i32, Vec<u8>)>, StoreError> {
    jobs.iter()
        .map(|j| Ok((attempts(j), json(j, "outbox job")?)))
        .collect()
}

fn attempts(job: &Envelope) -> i32 {
    i32::try_from(job.attempts).unwrap_or(i32::MAX)
}

/// Adds jobs to the outbox in order (identity ids, so id order is this order).
pub(super) fn insert_jobs(
    tx: &mut Transaction<'_>,
    jobs: Vec<(i32, Vec<u8>)>,
) -> Result<(), StoreError> {
    if jobs.is_empty() {
        return Ok(());
    }
    let (attempts, jobs): (Vec<i32>, Vec<Vec<u8>>) = jobs.into_iter().unzip();
    tx.execute(
        "INSERT INTO outbox (attempts, job) \
         SELECT a, j FROM unnest($1::integer[], $2::bytea[]) WITH ORDINALITY AS t(a, j, n) ORDER BY n",
        &[&attempts, &jobs],
    )
    .map_err(backend)?;
    Ok(())
}

fn job_param(id: JobId) -> Result<i64, StoreError> {
    i64::try_from(id)
        .map_err(|_| StoreError::corrupt("outbox job id", format!("{id} is out of range")))
}

/// `(id, job)` rows, decoded.
fn jobs_of(rows: &[postgres::Row]) -> Result<Vec<(JobId, Envelope)>, StoreError> {
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get(0).map_err(backend)?;
            let bytes: Vec<u8> = r.try_get(1).map_err(backend)?;
            Ok((
                u64::try_from(id).unwrap_or(0),
                from_json(&bytes, "outbox job")?,
            ))
        })
        .collect()
}

fn limit_param(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

fn day_param(day: DayNo) -> i32 {
    i32::try_from(day).unwrap_or(i32::MAX)
}

fn count(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// `(day, component_id, data, ...)` rows as uptime days; days from
/// `hours_from` on keep their hours.
pub(super) fn days_of(
    rows: &[postgres::Row],
    hours_from: DayNo,
) -> Result<Vec<(DayNo, ComponentId, Day)>, StoreError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let day: i32 = r.try_get(0).map_err(backend)?;
        let id: String = r.try_get(1).map_err(backend)?;
        let data: Vec<u8> = r.try_get(2).map_err(backend)?;
        let (Ok(day), Ok(component)) = (DayNo::try_from(day), ComponentId::parse(&id)) else {
            continue;
        };
        // Derived data: a day that does not decode costs that day's figure,
        // never the start of Candor (as with sled).
        match Day::decode(&data, day >= hours_from) {
            Some(record) => out.push((day, component, record)),
            None => {
                tracing::warn!(%component, day, bytes = data.len(), "ignoring an unreadable uptime record")
            }
        }
    }
    Ok(out)
}

impl RollupStore for PgStore {
    fn save_days(&self, days: &[(DayNo, ComponentId, Vec<u8>)]) -> Result<(), StoreError> {
        if days.is_empty() {
            return Ok(());
        }
        let numbers: Vec<i32> = days.iter().map(|(d, _, _)| day_param(*d)).collect();
        let components: Vec<String> = days.iter().map(|(_, c, _)| c.as_str().to_owned()).collect();
        let data: Vec<Vec<u8>> = days.iter().map(|(_, _, v)| v.clone()).collect();
        self.write(move |c| {
            c.execute(
                "INSERT INTO uptime_days (day, component_id, data) \
                 SELECT * FROM unnest($1::integer[], $2::text[], $3::bytea[]) \
                 ON CONFLICT (day, component_id) DO UPDATE SET data = EXCLUDED.data",
                &[&numbers, &components, &data],
            )
            .map(drop)
            .map_err(backend)
        })
    }

    fn load_days(
        &self,
        from: DayNo,
        hours_from: DayNo,
    ) -> Result<Vec<(DayNo, ComponentId, Day)>, StoreError> {
        let first = day_param(from);
        self.read(move |c| {
            let rows = c
                .query(
                    "SELECT day, component_id, data FROM uptime_days WHERE day >= $1 ORDER BY day, component_id",
                    &[&first],
                )
                .map_err(backend)?;
            days_of(&rows, hours_from)
        })
    }

    fn prune_days(&self, before: DayNo) -> Result<usize, StoreError> {
        let before = day_param(before);
        self.write_quiet(move |c| {
            c.execute("DELETE FROM uptime_days WHERE day < $1", &[&before])
                .map(count)
                .map_err(backend)
        })
    }
}

impl OutboxStore for PgStore {
    fn jobs(
        &self,
        after: Option<JobId>,
        limit: usize,
    ) -> Result<Vec<(JobId, Envelope)>, StoreError> {
        let after = after.map(job_param).transpose()?.unwrap_or(-1);
        let limit = limit_param(limit);
        self.read(move |c| {
            let rows = c
                .query(
                    "SELECT id, job FROM outbox WHERE id > $1 ORDER BY id LIMIT $2",
                    &[&after, &limit],
                )
                .map_err(backend)?;
            jobs_of(&rows)
        })
    }

    fn enqueue(&self, jobs: &[Envelope]) -> Result<(), StoreError> {
        let jobs = encode_jobs(jobs)?;
        self.write_quiet(move |tx| {
            insert_jobs(tx, jobs)?;
            Ok(())
        })
    }

    fn replace_job(&self, id: JobId, job: &Envelope, split: &[Envelope]) -> Result<(), StoreError> {
        let id = job_param(id)?;
        let (tries, bytes) = (attempts(job), json(job, "outbox job")?);
        let split = encode_jobs(split)?;
        self.write_quiet(move |tx| {
            tx.execute(
                "UPDATE outbox SET attempts = $2, job = $3 WHERE id = $1",
                &[&id, &tries, &bytes],
            )
            .map_err(backend)?;
            insert_jobs(tx, split)?;
            Ok(())
        })
    }

    fn finish_job(&self, id: JobId) -> Result<(), StoreError> {
        let id = job_param(id)?;
        self.write_quiet(move |c| {
            c.execute("DELETE FROM outbox WHERE id = $1", &[&id])
                .map(drop)
                .map_err(backend)
        })
    }

    fn fail_job(&self, id: JobId, job: &Envelope) -> Result<(), StoreError> {
        let id = job_param(id)?;
        let bytes = json(job, "outbox job")?;
        self.write_quiet(move |tx| {
            tx.execute("DELETE FROM outbox WHERE id = $1", &[&id])
                .map_err(backend)?;
            tx.execute(
                "INSERT INTO outbox_failed (id, job) VALUES ($1, $2) \
                 ON CONFLICT (id) DO UPDATE SET job = EXCLUDED.job",
                &[&id, &bytes],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        self.read(|c| {
            let r = c
                .query_one(
                    "SELECT (SELECT count(*) FROM outbox), \
                            (SELECT count(*) FROM outbox WHERE attempts > 0), \
                            (SELECT count(*) FROM outbox_failed)",
                    &[],
                )
                .map_err(backend)?;
            let n = |i: usize| -> Result<u64, StoreError> {
                let v: i64 = r.try_get(i).map_err(backend)?;
                Ok(u64::try_from(v).unwrap_or(0))
            };
            Ok(OutboxCounts {
                queued: n(0)?,
                retrying: n(1)?,
                failed: n(2)?,
            })
        })
    }

    fn failed_jobs(&self, limit: usize) -> Result<Vec<(JobId, Envelope)>, StoreError> {
        let limit = limit_param(limit);
        self.read(move |c| {
            let rows = c
                .query(
                    "SELECT id, job FROM outbox_failed ORDER BY id LIMIT $1",
                    &[&limit],
                )
                .map_err(backend)?;
            jobs_of(&rows)
        })
    }
}

fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

fn reports_of(rows: &[postgres::Row]) -> Result<Vec<Report>, StoreError> {
    rows.iter()
        .map(|r| {
            let bytes: Vec<u8> = r.try_get(0).map_err(backend)?;
            from_json(&bytes, "report")
        })
        .collect()
}

impl ReportStore for PgStore {
    fn save_reports(&self, change: &ReportChange<'_>) -> Result<(), StoreError> {
        let report = change
            .report
            .map(|r| Ok::<_, StoreError>((millis(r.at), json(r, "report")?)))
            .transpose()?;
        let alarms: Vec<(String, Option<i64>)> = (change.alarms.iter())
            .map(|(c, since)| (c.as_str().to_owned(), since.map(millis)))
            .collect();
        let jobs = encode_jobs(&change.jobs)?;
        self.write(move |tx| {
            if let Some((at, bytes)) = &report {
                tx.execute(
                    "INSERT INTO reports (at_ms, record) VALUES ($1, $2)",
                    &[at, bytes],
                )
                .map_err(backend)?;
            }
            for (component, since) in &alarms {
                match since {
                    Some(at) => tx.execute(
                        "INSERT INTO report_alarms (component_id, since_ms) VALUES ($1, $2) \
                         ON CONFLICT (component_id) DO UPDATE SET since_ms = EXCLUDED.since_ms",
                        &[component, at],
                    ),
                    None => tx.execute(
                        "DELETE FROM report_alarms WHERE component_id = $1",
                        &[component],
                    ),
                }
                .map_err(backend)?;
            }
            insert_jobs(tx, jobs)?;
            Ok(())
        })
    }

    fn reports_since(&self, since: DateTime<Utc>) -> Result<Vec<Report>, StoreError> {
        let since = millis(since);
        self.read(move |c| {
            let rows = c
                .query(
                    "SELECT record FROM reports WHERE at_ms >= $1 ORDER BY at_ms, seq",
                    &[&since],
                )
                .map_err(backend)?;
            reports_of(&rows)
        })
    }

    fn latest_reports(&self, limit: usize) -> Result<Vec<Report>, StoreError> {
        let limit = limit_param(limit);
        self.read(move |c| {
            let rows = c
                .query(
                    "SELECT record FROM reports ORDER BY at_ms DESC, seq DESC LIMIT $1",
                    &[&limit],
                )
                .map_err(backend)?;
            reports_of(&rows)
        })
    }

    fn report_alarms(&self) -> Result<Vec<(ComponentId, DateTime<Utc>)>, StoreError> {
        self.read(|c| {
            let rows = c
                .query(
                    "SELECT component_id, since_ms FROM report_alarms ORDER BY component_id",
                    &[],
                )
                .map_err(backend)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let id: String = r.try_get(0).map_err(backend)?;
                let since: i64 = r.try_get(1).map_err(backend)?;
                if let (Ok(c), Some(at)) = (
                    ComponentId::parse(&id),
                    DateTime::from_timestamp_millis(since),
                ) {
                    out.push((c, at));
                }
            }
            Ok(out)
        })
    }

    fn prune_reports(&self, before: DateTime<Utc>, keep: usize) -> Result<usize, StoreError> {
        let before = millis(before);
        let keep = limit_param(keep);
        self.write_quiet(move |tx| {
            let old = tx
                .execute("DELETE FROM reports WHERE at_ms < $1", &[&before])
                .map_err(backend)?;
            let beyond = tx
                .execute(
                    "DELETE FROM reports WHERE seq IN \
                     (SELECT seq FROM reports ORDER BY at_ms DESC, seq DESC OFFSET $1)",
                    &[&keep],
                )
                .map_err(backend)?;
            Ok(count(old + beyond))
        })
    }
}
