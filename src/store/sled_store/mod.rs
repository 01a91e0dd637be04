//! The embedded default: a sled database, one tree per kind of record, a
//! schema version checked at start, and retention pruning of raw results.
//!
//! sled calls are quick in-memory operations except `flush`, which is awaited
//! with `flush_async` so it never blocks the executor. Raw results are packed
//! per check and hour ([`blocks`]) and written at checkpoints ([`journal`]),
//! the hour under way as appended parts ([`parts`]).
//! Nothing of sled leaves this module: its errors become [`StoreError`]s,
//! each noted in the store's [`Health`]; after a disk failure the database is
//! reopened in place ([`recover`]).

mod commit;
mod dump;
mod keys;
mod migrate;
mod outbox;
mod packed;
mod parts;
mod recover;
mod reports;
mod rollups;
mod subscribers;
mod trees;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use chrono::{DateTime, Utc};
#[cfg(test)]
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::health::Health;
use super::{StateStore, States, Storage, StoreError, StoredResult};
use crate::engine::CheckState;
#[cfg(test)]
use crate::engine::ComponentState;
use crate::incidents::{Book, Incident, Maintenance};
use crate::model::{CheckId, CheckResult, ComponentId};
use crate::store::{blocks, journal};
use trees::Trees;

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct SledStore {
    /// The open database; `None` only while it is being reopened after a
    /// failure (see [`recover`]).
    open: Arc<RwLock<Option<Arc<Trees>>>>,
    dir: PathBuf,
    cache_size: u64,
    /// Results and check states not yet written.
    journal: Arc<Mutex<journal::Journal>>,
    /// Held through a whole checkpoint: `flush` is called from several tasks,
    /// and two overlapping checkpoints could write an older block last, or
    /// a later part first.
    checkpointing: Arc<Mutex<()>>,
    /// The sequence number of the next checkpoint's parts (see [`parts`]).
    next_part: Arc<AtomicU32>,
    /// Whether writes reach the disk; every backend error is noted here.
    health: Arc<Health>,
    /// Tests only: every write fails as on a full disk (see
    /// [`Storage::inject_disk_full`]).
    disk_full: Arc<AtomicBool>,
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
        let trees = Trees::open(dir, cache_size)?;
        let next_part = parts::next_seq(&trees.parts).map_err(|e| StoreError::Open {
            path: dir.to_owned(),
            detail: e.to_string(),
        })?;
        Ok(Self {
            open: Arc::new(RwLock::new(Some(Arc::new(trees)))),
            dir: dir.to_owned(),
            cache_size,
            journal: Arc::default(),
            checkpointing: Arc::default(),
            next_part: Arc::new(AtomicU32::new(next_part)),
            health: Arc::default(),
            disk_full: Arc::default(),
        })
    }

    /// The open trees, for one operation.
    fn trees(&self) -> Result<Arc<Trees>, StoreError> {
        let open = self.open.read().unwrap_or_else(|p| p.into_inner());
        open.clone().ok_or_else(|| {
            StoreError::Backend("the database is being reopened after a failure".into())
        })
    }

    /// Runs a read; a backend error is noted in the store's health.
    fn read<R>(&self, f: impl FnOnce(&Trees) -> Result<R, StoreError>) -> Result<R, StoreError> {
        let got = self.trees().and_then(|t| f(&t));
        if let Err(e) = &got {
            self.health.failed(e);
        }
        got
    }

    /// Runs a write; its failure or success is noted in the store's health.
    fn write<R>(&self, f: impl FnOnce(&Trees) -> Result<R, StoreError>) -> Result<R, StoreError> {
        let done = self.injected().and_then(|()| self.read(f));
        match &done {
            Ok(_) => self.health.written(),
            // `read` noted it already, unless the fault was injected.
            Err(e) => self.health.failed(e),
        }
        done
    }

    /// Writes the journal: whole blocks of past hours, the parts the hour
    /// under way gained, changed check states; then folds the parts of past
    /// hours (see [`parts`]).
    fn write_journal(&self) -> Result<(), StoreError> {
        self.write_journal_at(blocks::hour_of(Utc::now()))
    }

    /// [`SledStore::write_journal`] as if the hour were `now`.
    fn write_journal_at(&self, now: u32) -> Result<(), StoreError> {
        let _one_at_a_time = self
            .checkpointing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let writes = self.journal().take_appending(now);
        let ((blocks, states), new_parts) = &writes;
        // Parts of past hours are folded with the next writes there are.
        if blocks.is_empty() && states.is_empty() && new_parts.is_empty() {
            return Ok(());
        }
        // Each into its shard's entry (see `packed`): one entry rewritten per
        // shard, not one per check.
        let apply = |tree: &sled::Tree, items: Vec<packed::Record>| {
            tree.apply_batch(packed::merge(tree, items)?)
        };
        let encoded: Result<Vec<_>, StoreError> = states
            .iter()
            .map(|(check, state)| {
                let json = serde_json::to_vec(state).map_err(|e| StoreError::Corrupt {
                    what: format!("state of {check}"),
                    detail: e.to_string(),
                })?;
                Ok((Vec::new(), check.as_str().as_bytes().to_vec(), json))
            })
            .collect();
        let written = encoded.and_then(|states| {
            self.write(|t| {
                let hours = (blocks.iter()).filter_map(|(key, bytes)| {
                    let (prefix, check) = key.split_at_checked(4)?;
                    Some((prefix.to_vec(), check.to_vec(), bytes.clone()))
                });
                if !blocks.is_empty() {
                    apply(&t.blocks, hours.collect())?;
                }
                if !states.is_empty() {
                    apply(&t.check_state, states)?;
                }
                if !new_parts.is_empty() {
                    let seq = self.next_part.fetch_add(1, Ordering::Relaxed);
                    t.parts.apply_batch(parts::batch(new_parts, seq))?;
                }
                Ok(parts::fold(&t.blocks, &t.parts, now)?)
            })
        });
        if written.is_err() {
            self.journal().restore_appended(writes);
        }
        written
    }

    fn journal(&self) -> MutexGuard<'_, journal::Journal> {
        // The journal holds plain data; a panic elsewhere cannot leave it torn.
        self.journal
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A checkpoint as if it ran at `now` (tests of hours past and under way).
    #[cfg(test)]
    pub fn checkpoint_at(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.write_journal_at(blocks::hour_of(now))
    }

    #[cfg(test)]
    pub fn save_component(
        &self,
        id: &ComponentId,
        state: &ComponentState,
    ) -> Result<(), StoreError> {
        self.write(|t| put_json(&t.component_state, id.as_str(), state))
    }
}

impl StateStore for SledStore {
    /// Keeps a result and the check state it produced; they reach the disk at
    /// the next [`StateStore::checkpoint`].
    fn record(&self, result: &CheckResult, state: &CheckState) -> Result<(), StoreError> {
        let stored = |hour: u32| {
            let check = result.check.as_str().as_bytes();
            match self.read(|t| Ok(parts::stored(&t.blocks, &t.parts, hour, check)?)) {
                Ok(stored) => stored,
                // The hour then starts afresh in memory; its stored part is
                // replaced at the next checkpoint. The store's health says
                // that the disk fails (once, not per result).
                Err(e) => {
                    tracing::debug!(check = %result.check, error = %e, "cannot read this hour's stored results");
                    journal::Stored::Unreadable
                }
            }
        };
        self.journal().push(result, state, stored);
        Ok(())
    }
    /// Writes the results and check states kept since the last checkpoint. On
    /// failure they stay in memory for the next one.
    fn checkpoint(&self) -> Result<(), StoreError> {
        self.write_journal()
    }
    fn commit(&self, c: &super::Commit<'_>) -> Result<(), StoreError> {
        self.write(|t| commit::write(t, c))
    }

    /// All persisted check and component states.
    fn load_state(&self) -> Result<States, StoreError> {
        self.read(|t| {
            let checks = read_packed(&t.check_state, |k| CheckId::parse_stored(k).ok())?;
            let components = read_all(&t.component_state, |k| ComponentId::parse(k).ok())?;
            Ok((checks, components))
        })
    }
    /// Every incident, maintenance and override.
    fn load_book(&self) -> Result<Book, StoreError> {
        // Keyed by each record's own id, which is the key it is stored under;
        // an id that does not parse makes the record unreadable, not skipped.
        let any = |_: &str| Some(());
        self.read(|t| {
            Ok(Book {
                incidents: (read_all(&t.incidents, any)?.into_iter())
                    .map(|((), i): ((), Incident)| (i.id.clone(), i))
                    .collect(),
                maintenances: (read_all(&t.maintenances, any)?.into_iter())
                    .map(|((), m): ((), Maintenance)| (m.id.clone(), m))
                    .collect(),
                overrides: read_all(&t.overrides, |k| ComponentId::parse(k).ok())?
                    .into_iter()
                    .collect(),
            })
        })
    }
    /// One check's results in `[from, to)`, oldest first, written or not.
    fn results(
        &self,
        check: &CheckId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StoredResult>, StoreError> {
        blocks::results_within(from, to, |hour| {
            if let Some(bytes) = self.journal().pending(check, hour) {
                return Ok(Some(bytes.to_vec()));
            }
            let name = check.as_str().as_bytes();
            self.read(|t| match parts::stored(&t.blocks, &t.parts, hour, name)? {
                journal::Stored::Whole(bytes) | journal::Stored::Parts(bytes) => Ok(Some(bytes)),
                journal::Stored::Nothing | journal::Stored::Unreadable => Ok(None),
            })
        })
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
            let n = self.write(|t| {
                let mut batch = sled::Batch::default();
                let mut n = 0;
                for key in t
                    .blocks
                    .range(..cutoff.to_be_bytes().to_vec())
                    .keys()
                    .take(4096)
                {
                    batch.remove(key?);
                    n += 1;
                }
                t.blocks.apply_batch(batch)?;
                Ok(n)
            })?;
            if n == 0 {
                break;
            }
            deleted += n;
        }
        self.journal().forget_before(cutoff);
        Ok(deleted)
    }
}

impl Storage for SledStore {
    fn flush(&self) -> super::Flushing<'_> {
        Box::pin(async move {
            let flushed = match self.injected().and_then(|()| self.trees()) {
                Ok(t) => t.db.flush_async().await.map(drop).map_err(StoreError::from),
                Err(e) => Err(e),
            };
            match &flushed {
                Ok(()) => self.health.flushed(),
                Err(e) => self.health.failed(e),
            }
            flushed
        })
    }

    /// Healthy unless a backend error was seen since the last write that
    /// reached the disk.
    fn healthy(&self) -> bool {
        self.health.is_ok()
    }

    fn recover(&self) -> super::Flushing<'_> {
        Box::pin(self.recover_now())
    }

    fn inject_disk_full(&self, full: bool) {
        self.disk_full
            .store(full, std::sync::atomic::Ordering::Relaxed);
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

/// Every record of a tree of packed entries with no prefix (see `packed`).
fn read_packed<K, T: DeserializeOwned>(
    tree: &sled::Tree,
    parse_name: impl Fn(&str) -> Option<K>,
) -> Result<Vec<(K, T)>, StoreError> {
    let mut out = Vec::new();
    for record in packed::unpack(0, tree.iter()) {
        let (_, name, value) = record?;
        let name = String::from_utf8_lossy(&name);
        let Some(key) = parse_name(&name) else {
            continue;
        };
        let value = serde_json::from_slice(&value)
            .map_err(|e| StoreError::corrupt(format!("state of {name}"), e))?;
        out.push((key, value));
    }
    Ok(out)
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
