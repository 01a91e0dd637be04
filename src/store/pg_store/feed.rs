//! The change feed (`migrations/0003_feed.sql`): every row a page shows
//! carries the number of the write that last changed it, so a standby reads
//! the rows numbered after the last it read, through the `changed` index of
//! each table, and its cost follows the change rather than the database.

use std::collections::BTreeMap;

use postgres::{IsolationLevel, Transaction};

use super::link::backend;
use super::{PgStore, from_json};
use crate::engine::{CheckState, ComponentState};
use crate::incidents::{Incident, Maintenance, Override};
use crate::model::{CheckId, ComponentId};
use crate::store::{ChangeFeed, Changes, StoreError, blocks};
use crate::uptime::Day;
use crate::uptime::calendar::DayNo;

/// The tables the feed numbers.
const TABLES: [&str; 8] = [
    "incidents",
    "maintenances",
    "overrides",
    "component_states",
    "check_states",
    "uptime_days",
    "result_blocks",
    "candor_removed",
];

impl ChangeFeed for PgStore {
    fn feed_position(&self) -> Result<u64, StoreError> {
        // The newest number committed, not the sequence's (a number taken by
        // a write still in flight must not be skipped).
        let sql = format!(
            "SELECT greatest({})",
            TABLES
                .map(|t| format!("(SELECT max(changed) FROM {t})"))
                .join(", ")
        );
        self.read(move |c| {
            let newest: Option<i64> = c
                .query_one(sql.as_str(), &[])
                .and_then(|r| r.try_get(0))
                .map_err(backend)?;
            Ok(point(newest.unwrap_or(0)))
        })
    }

    fn changes_since(&self, after: u64, hours_from: DayNo) -> Result<Changes, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        self.read(move |c| {
            let mut tx = c
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(backend)?;
            let mut read = Read {
                tx: &mut tx,
                after,
                upto: after,
            };
            let mut changes = Changes {
                incidents: read.records::<Incident>("incidents", "id", "record")?,
                maintenances: read.records::<Maintenance>("maintenances", "id", "record")?,
                ..Changes::default()
            };
            // An override set and taken off since: the later of the two.
            let mut overrides: BTreeMap<ComponentId, (Option<Override>, i64)> = BTreeMap::new();
            let set = read.records_keyed::<Override>("overrides", "component_id", "record")?;
            let set = set.into_iter().map(|(id, o, at)| (id, Some(o), at));
            let taken_off = (read.removed()?.into_iter())
                .filter(|(kind, _, _)| kind == "override")
                .map(|(_, id, at)| (id, None, at));
            for (id, o, at) in set.chain(taken_off) {
                let Ok(id) = ComponentId::parse(&id) else {
                    continue;
                };
                if overrides.get(&id).is_none_or(|(_, seen)| *seen < at) {
                    overrides.insert(id, (o, at));
                }
            }
            changes.overrides = (overrides.into_iter())
                .map(|(id, (o, _))| (id, o))
                .collect();
            changes.components = read
                .records_keyed::<ComponentState>("component_states", "component_id", "state")?
                .into_iter()
                .filter_map(|(id, s, _)| Some((ComponentId::parse(&id).ok()?, s)))
                .collect();
            changes.checks = read
                .records_keyed::<CheckState>("check_states", "check_id", "state")?
                .into_iter()
                .filter_map(|(id, s, _)| Some((CheckId::parse_stored(&id).ok()?, s)))
                .collect();
            changes.days = read.days(hours_from)?;
            changes.results = read.blocks()?;
            changes.upto = point(read.upto);
            tx.commit().map_err(backend)?;
            Ok(changes)
        })
    }
}

fn point(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// One read of the feed, in one snapshot.
struct Read<'a, 'b> {
    tx: &'a mut Transaction<'b>,
    after: i64,
    /// The newest number seen.
    upto: i64,
}

impl Read<'_, '_> {
    fn rows(&mut self, sql: &str) -> Result<Vec<postgres::Row>, StoreError> {
        let rows = self.tx.query(sql, &[&self.after]).map_err(backend)?;
        for r in &rows {
            let n: i64 = r.try_get("changed").map_err(backend)?;
            self.upto = self.upto.max(n);
        }
        Ok(rows)
    }

    fn records_keyed<T: serde::de::DeserializeOwned>(
        &mut self,
        table: &str,
        key: &str,
        value: &str,
    ) -> Result<Vec<(String, T, i64)>, StoreError> {
        let sql = format!("SELECT {key}, {value}, changed FROM {table} WHERE changed > $1");
        let rows = self.rows(&sql)?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get(0).map_err(backend)?;
                let bytes: Vec<u8> = r.try_get(1).map_err(backend)?;
                let at: i64 = r.try_get(2).map_err(backend)?;
                Ok((id.clone(), from_json(&bytes, &format!("{table} {id}"))?, at))
            })
            .collect()
    }

    fn records<T: serde::de::DeserializeOwned>(
        &mut self,
        table: &str,
        key: &str,
        value: &str,
    ) -> Result<Vec<T>, StoreError> {
        Ok((self.records_keyed(table, key, value)?.into_iter())
            .map(|(_, r, _)| r)
            .collect())
    }

    fn removed(&mut self) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows = self.rows("SELECT kind, key, changed FROM candor_removed WHERE changed > $1")?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get(0).map_err(backend)?,
                    r.try_get(1).map_err(backend)?,
                    r.try_get(2).map_err(backend)?,
                ))
            })
            .collect()
    }

    fn days(&mut self, hours_from: DayNo) -> Result<Vec<(DayNo, ComponentId, Day)>, StoreError> {
        let rows = self
            .rows("SELECT day, component_id, data, changed FROM uptime_days WHERE changed > $1")?;
        super::records::days_of(&rows, hours_from)
    }

    fn blocks(&mut self) -> Result<Vec<(CheckId, Vec<crate::store::StoredResult>)>, StoreError> {
        let rows = self.rows(
            "SELECT hour, check_id, block, changed FROM result_blocks WHERE changed > $1 ORDER BY hour",
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let hour: i32 = r.try_get(0).map_err(backend)?;
            let id: String = r.try_get(1).map_err(backend)?;
            let block: Vec<u8> = r.try_get(2).map_err(backend)?;
            let Ok(check) = CheckId::parse_stored(&id) else {
                continue;
            };
            out.push((check, blocks::decode(super::hour_of_row(hour), &block)));
        }
        Ok(out)
    }
}
