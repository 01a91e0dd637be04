//! The embedded default: a sled database, one tree per kind of record, a
//! schema version checked at start, and retention pruning of raw results.
//!
//! sled calls are quick in-memory operations except `flush`, which is awaited
//! with `flush_async` so it never blocks the executor. Raw results are packed
//! per check and hour ([`blocks`]) and written at checkpoints ([`journal`]).
//! Nothing of sled leaves this module: its errors become [`StoreError`]s.

mod blocks;
mod commit;
mod journal;
mod keys;
mod migrate;
mod outbox;
mod rollups;
mod subscribers;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
#[cfg(test)]
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{StateStore, States, Storage, StoreError, StoredResult};
use crate::engine::CheckState;
#[cfg(test)]
use crate::engine::ComponentState;
use crate::incidents::{Book, Incident, Maintenance};
use crate::model::{CheckId, CheckResult, ComponentId};
use migrate::SCHEMA_KEY;

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct SledStore {
    db: sled::Db,
    /// Raw results, one entry per check and hour (see [`blocks`]).
    blocks: sled::Tree,
    /// Uptime per component and local day (see [`rollups`]).
    rollups: sled::Tree,
    /// Results and check states not yet written.
    journal: Arc<Mutex<journal::Journal>>,
    /// Held through a whole checkpoint: `flush` is called from several tasks,
    /// and two overlapping checkpoints could write an older block last.
    checkpointing: Arc<Mutex<()>>,
    /// The last checkpoint failed (cleared only by one that succeeds).
    checkpoint_failed: Arc<AtomicBool>,
    /// The last write of uptime rollups failed.
    rollups_failed: Arc<AtomicBool>,
    check_state: sled::Tree,
    component_state: sled::Tree,
    incidents: sled::Tree,
    maintenances: sled::Tree,
    overrides: sled::Tree,
    outbox: sled::Tree,
    outbox_failed: sled::Tree,
    subscribers: subscribers::Trees,
    failed: Arc<AtomicBool>,
}

impl SledStore {
    /// Opens (creating if needed) the database in `dir` and runs migrations.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        Self::open_with_cache(dir, super::DEFAULT_CACHE_SIZE)
    }

    /// Opens the store with sled's page cache bounded to `cache_size` bytes.
    pub fn open_with_cache(dir: &Path, cache_size: u64) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_owned(),
            source,
        })?;
        let open = |source: sled::Error| StoreError::Open {
            path: dir.to_owned(),
            detail: source.to_string(),
        };
        let db = sled::Config::new()
            .path(dir.join("db"))
            .cache_capacity(cache_size)
            .flush_every_ms(Some(500))
            .open()
            .map_err(open)?;
        migrate::run(&db, dir)?;
        Ok(Self {
            blocks: db.open_tree(migrate::BLOCKS).map_err(open)?,
            rollups: db.open_tree("uptime_days").map_err(open)?,
            journal: Arc::default(),
            checkpointing: Arc::default(),
            checkpoint_failed: Arc::default(),
            rollups_failed: Arc::default(),
            check_state: db.open_tree("check_state").map_err(open)?,
            component_state: db.open_tree("component_state").map_err(open)?,
            incidents: db.open_tree("incidents").map_err(open)?,
            maintenances: db.open_tree("maintenances").map_err(open)?,
            overrides: db.open_tree("overrides").map_err(open)?,
            outbox: db.open_tree("outbox").map_err(open)?,
            outbox_failed: db.open_tree("outbox_failed").map_err(open)?,
            subscribers: subscribers::Trees::open(&db).map_err(open)?,
            failed: Arc::new(AtomicBool::new(false)),
            db,
        })
    }

    fn write_journal(&self) -> Result<(), StoreError> {
        let writes = self.journal().take();
        let (blocks, states) = &writes;
        if blocks.is_empty() && states.is_empty() {
            return Ok(());
        }
        let apply = |tree: &sled::Tree, items: &[(Vec<u8>, Vec<u8>)]| {
            let mut batch = sled::Batch::default();
            for (k, v) in items {
                batch.insert(k.as_slice(), v.as_slice());
            }
            tree.apply_batch(batch)
        };
        let encoded: Result<Vec<_>, StoreError> = states
            .iter()
            .map(|(check, state)| {
                let json = serde_json::to_vec(state).map_err(|e| StoreError::Corrupt {
                    what: format!("state of {check}"),
                    detail: e.to_string(),
                })?;
                Ok((check.as_str().as_bytes().to_vec(), json))
            })
            .collect();
        let written = encoded.and_then(|states| {
            apply(&self.blocks, blocks)?;
            apply(&self.check_state, &states)?;
            Ok(())
        });
        if written.is_err() {
            self.journal().restore(writes);
        }
        written
    }

    fn journal(&self) -> MutexGuard<'_, journal::Journal> {
        // The journal holds plain data; a panic elsewhere cannot leave it torn.
        self.journal
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    #[cfg(test)]
    pub fn save_component(
        &self,
        id: &ComponentId,
        state: &ComponentState,
    ) -> Result<(), StoreError> {
        put_json(&self.component_state, id.as_str(), state)
    }

    /// A unique, increasing id (outbox keys).
    fn generate_id(&self) -> Result<u64, StoreError> {
        Ok(self.db.generate_id()?)
    }
}

impl StateStore for SledStore {
    /// Keeps a result and the check state it produced; they reach the disk at
    /// the next [`StateStore::checkpoint`].
    fn record(&self, result: &CheckResult, state: &CheckState) -> Result<(), StoreError> {
        let stored = |hour| {
            let key = blocks::key(hour, &result.check);
            match self.blocks.get(key) {
                Ok(v) => v.map(|v| v.to_vec()),
                // The hour then starts afresh in memory; its stored part is
                // replaced at the next checkpoint. Said, not silent.
                Err(e) => {
                    tracing::error!(check = %result.check, error = %e, "cannot read this hour's stored results");
                    None
                }
            }
        };
        self.journal().push(result, state, stored);
        Ok(())
    }
    /// Writes the results and check states kept since the last checkpoint. On
    /// failure they stay in memory for the next one.
    fn checkpoint(&self) -> Result<(), StoreError> {
        let _one_at_a_time = self
            .checkpointing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let written = self.write_journal();
        self.checkpoint_failed
            .store(written.is_err(), Ordering::Relaxed);
        written
    }
    fn commit(&self, c: &super::Commit<'_>) -> Result<(), StoreError> {
        commit::write(self, c)
    }

    /// All persisted check and component states.
    fn load_state(&self) -> Result<States, StoreError> {
        let checks = read_all(&self.check_state, |k| CheckId::parse(k).ok())?;
        let components = read_all(&self.component_state, |k| ComponentId::parse(k).ok())?;
        Ok((checks, components))
    }
    /// Every incident, maintenance and override.
    fn load_book(&self) -> Result<Book, StoreError> {
        // Keyed by each record's own id, which is the key it is stored under;
        // an id that does not parse makes the record unreadable, not skipped.
        let any = |_: &str| Some(());
        Ok(Book {
            incidents: (read_all(&self.incidents, any)?.into_iter())
                .map(|((), i): ((), Incident)| (i.id.clone(), i))
                .collect(),
            maintenances: (read_all(&self.maintenances, any)?.into_iter())
                .map(|((), m): ((), Maintenance)| (m.id.clone(), m))
                .collect(),
            overrides: read_all(&self.overrides, |k| ComponentId::parse(k).ok())?
                .into_iter()
                .collect(),
        })
    }
    /// One check's results in `[from, to)`, oldest first, written or not.
    fn results(
        &self,
        check: &CheckId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StoredResult>, StoreError> {
        let mut out = Vec::new();
        if to <= from {
            return Ok(out);
        }
        let last = blocks::hour_of(to - chrono::Duration::milliseconds(1));
        for hour in blocks::hour_of(from)..=last {
            let pending = self.journal().pending(check, hour).map(<[u8]>::to_vec);
            let bytes = match pending {
                Some(bytes) => bytes,
                None => match self.blocks.get(blocks::key(hour, check))? {
                    Some(v) => v.to_vec(),
                    None => continue,
                },
            };
            let in_range = |r: &StoredResult| from <= r.at && r.at < to;
            out.extend(blocks::decode(hour, &bytes).into_iter().filter(in_range));
        }
        Ok(out)
    }
    /// Deletes raw results of every hour that ended before `before`, for every
    /// check (also ones no longer configured); retention is kept by the hour.
    /// Returns how many hourly blocks were deleted. Blocking: call it from
    /// `spawn_blocking`.
    fn prune(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let cutoff = blocks::hour_of(before);
        let mut deleted = 0;
        loop {
            // Time-first keys: everything older is one range at the tree's start.
            let mut batch = sled::Batch::default();
            let mut n = 0;
            for key in self
                .blocks
                .range(..cutoff.to_be_bytes().to_vec())
                .keys()
                .take(4096)
            {
                batch.remove(key?);
                n += 1;
            }
            if n == 0 {
                break;
            }
            self.blocks.apply_batch(batch)?;
            deleted += n;
        }
        self.journal().forget_before(cutoff);
        Ok(deleted)
    }
}

impl Storage for SledStore {
    fn flush(&self) -> super::Flushing<'_> {
        Box::pin(async move {
            self.db.flush_async().await?;
            Ok(())
        })
    }

    /// Marks storage as failing (a write failed) or healthy again.
    fn set_failed(&self, failed: bool) {
        self.failed.store(failed, Ordering::Relaxed);
    }
    /// Healthy when the last write succeeded and the database answers.
    fn healthy(&self) -> bool {
        !self.failed.load(Ordering::Relaxed)
            && !self.checkpoint_failed.load(Ordering::Relaxed)
            && !self.rollups_failed.load(Ordering::Relaxed)
            && self.db.get(SCHEMA_KEY).is_ok()
    }
}

/// Serializing to JSON behind `dyn`, so one closure encodes every record kind.
mod erased {
    pub trait Json {
        fn to_json(&self) -> Result<Vec<u8>, super::StoreError>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Result<Vec<u8>, super::StoreError> {
            serde_json::to_vec(self).map_err(|e| super::StoreError::Corrupt {
                what: "record".into(),
                detail: e.to_string(),
            })
        }
    }
}

#[cfg(test)]
fn put_json<T: Serialize>(tree: &sled::Tree, key: &str, value: &T) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Corrupt {
        what: key.to_owned(),
        detail: e.to_string(),
    })?;
    tree.insert(key.as_bytes(), bytes)?;
    Ok(())
}

fn read_all<K, T: DeserializeOwned>(
    tree: &sled::Tree,
    parse_key: impl Fn(&str) -> Option<K>,
) -> Result<Vec<(K, T)>, StoreError> {
    let mut out = Vec::new();
    for item in tree.iter() {
        let (k, v) = item?;
        let name = String::from_utf8_lossy(&k);
        let Some(key) = parse_key(&name) else {
            continue;
        };
        let value = serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt {
            what: format!("state of {name}"),
            detail: e.to_string(),
        })?;
        out.push((key, value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
