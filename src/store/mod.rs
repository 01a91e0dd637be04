//! Persistence in an embedded sled database: one tree per kind of record, a
//! schema version checked at start, and retention pruning of raw results.
//!
//! sled calls are quick in-memory operations except `flush`, which is awaited
//! with `flush_async` so it never blocks the executor.

mod commit;
mod keys;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::engine::{CheckState, ComponentState};
use crate::incidents::Book;
use crate::model::{CheckId, CheckResult, ComponentId};
pub use commit::Commit;
pub use keys::StoredResult;

/// The layout version this build writes; bump it with a migration in `open`.
pub const SCHEMA_VERSION: u32 = 1;
const SCHEMA_KEY: &[u8] = b"schema_version";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database in {}: {source} (is another Candor using it, or is it not a Candor data directory?)", path.display())]
    Open { path: PathBuf, source: sled::Error },
    #[error("the data in {} was written by a newer Candor (schema {found}); this one reads up to schema {SCHEMA_VERSION}", path.display())]
    TooNew { path: PathBuf, found: u32 },
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("stored {what} is unreadable: {detail}")]
    Corrupt { what: String, detail: String },
}

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    results: sled::Tree,
    check_state: sled::Tree,
    component_state: sled::Tree,
    incidents: sled::Tree,
    maintenances: sled::Tree,
    overrides: sled::Tree,
    outbox: sled::Tree,
    outbox_failed: sled::Tree,
    failed: Arc<AtomicBool>,
}

impl Store {
    /// Opens (creating if needed) the database in `dir` and runs migrations.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_owned(),
            source,
        })?;
        let open = |source| StoreError::Open {
            path: dir.to_owned(),
            source,
        };
        let db = sled::Config::new()
            .path(dir.join("db"))
            .flush_every_ms(Some(500))
            .open()
            .map_err(open)?;
        migrate(&db, dir)?;
        Ok(Self {
            results: db.open_tree("results").map_err(open)?,
            check_state: db.open_tree("check_state").map_err(open)?,
            component_state: db.open_tree("component_state").map_err(open)?,
            incidents: db.open_tree("incidents").map_err(open)?,
            maintenances: db.open_tree("maintenances").map_err(open)?,
            overrides: db.open_tree("overrides").map_err(open)?,
            outbox: db.open_tree("outbox").map_err(open)?,
            outbox_failed: db.open_tree("outbox_failed").map_err(open)?,
            failed: Arc::new(AtomicBool::new(false)),
            db,
        })
    }

    /// Stores a result and the check state it produced.
    pub fn record(&self, result: &CheckResult, state: &CheckState) -> Result<(), StoreError> {
        let key = keys::result_key(&result.check, result.at);
        self.results.insert(key, keys::encode_result(result))?;
        put_json(&self.check_state, result.check.as_str(), state)
    }

    pub fn save_component(
        &self,
        id: &ComponentId,
        state: &ComponentState,
    ) -> Result<(), StoreError> {
        put_json(&self.component_state, id.as_str(), state)
    }

    /// Every incident, maintenance and override.
    pub fn load_book(&self) -> Result<Book, StoreError> {
        let id = |k: &str| Some(k.to_owned());
        Ok(Book {
            incidents: read_all(&self.incidents, id)?.into_iter().collect(),
            maintenances: read_all(&self.maintenances, id)?.into_iter().collect(),
            overrides: read_all(&self.overrides, |k| ComponentId::parse(k).ok())?
                .into_iter()
                .collect(),
        })
    }

    /// The subscriber records, in this database.
    pub fn subscribers(&self) -> Result<crate::subscribers::Subscribers, StoreError> {
        crate::subscribers::Subscribers::open(&self.db)
    }

    /// The outbox tree, for the delivery worker.
    pub fn outbox(&self) -> sled::Tree {
        self.outbox.clone()
    }

    /// Jobs given up on (permanent failures, or retried past their age).
    pub fn outbox_failed(&self) -> sled::Tree {
        self.outbox_failed.clone()
    }

    /// A unique, increasing id (outbox keys).
    pub fn generate_id(&self) -> Result<u64, StoreError> {
        Ok(self.db.generate_id()?)
    }

    /// Waits until everything written so far is on disk.
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.db.flush_async().await?;
        Ok(())
    }

    /// All persisted check and component states.
    #[allow(clippy::type_complexity)]
    pub fn load_state(
        &self,
    ) -> Result<
        (
            Vec<(CheckId, CheckState)>,
            Vec<(ComponentId, ComponentState)>,
        ),
        StoreError,
    > {
        let checks = read_all(&self.check_state, |k| CheckId::parse(k).ok())?;
        let components = read_all(&self.component_state, |k| ComponentId::parse(k).ok())?;
        Ok((checks, components))
    }

    /// One check's results in `[from, to)`, oldest first.
    pub fn results(
        &self,
        check: &CheckId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StoredResult>, StoreError> {
        let range = keys::result_key(check, from)..keys::result_key(check, to);
        let mut out = Vec::new();
        for item in self.results.range(range) {
            let (k, v) = item?;
            let r = keys::decode_result(&k, &v).ok_or_else(|| StoreError::Corrupt {
                what: format!("result of {check}"),
                detail: format!("{} bytes", v.len()),
            })?;
            out.push(r);
        }
        Ok(out)
    }

    /// Deletes raw results older than `before`, for every check (also ones no
    /// longer configured). Returns how many were deleted. Blocking: call it from
    /// `spawn_blocking`.
    pub fn prune(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let cutoff = keys::millis(before).to_be_bytes();
        let mut cursor: Vec<u8> = Vec::new();
        let mut deleted = 0;
        while let Some(item) = self.results.range(cursor.as_slice()..).next() {
            let (key, _) = item?;
            let Some(end) = key.iter().position(|b| *b == 0) else {
                self.results.remove(&key)?;
                continue;
            };
            let prefix = &key[..=end];
            let mut upto = prefix.to_vec();
            upto.extend_from_slice(&cutoff);
            let mut batch = sled::Batch::default();
            for old in self.results.range(prefix.to_vec()..upto).keys() {
                batch.remove(old?);
                deleted += 1;
            }
            self.results.apply_batch(batch)?;
            cursor = prefix.to_vec();
            if let Some(last) = cursor.last_mut() {
                *last = 1; // the smallest key after every key with this prefix
            }
        }
        Ok(deleted)
    }

    /// The instant before which results are older than `retention` at `now`, for
    /// [`Store::prune`]. Checked: a retention beyond chrono's range prunes nothing
    /// rather than panicking.
    pub fn prune_cutoff(now: DateTime<Utc>, retention: std::time::Duration) -> DateTime<Utc> {
        chrono::Duration::from_std(retention)
            .ok()
            .and_then(|r| now.checked_sub_signed(r))
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// Marks storage as failing (a write failed) or healthy again.
    pub fn set_failed(&self, failed: bool) {
        self.failed.store(failed, Ordering::Relaxed);
    }

    /// Healthy when the last write succeeded and the database answers.
    pub fn healthy(&self) -> bool {
        !self.failed.load(Ordering::Relaxed) && self.db.get(SCHEMA_KEY).is_ok()
    }
}

fn migrate(db: &sled::Db, dir: &Path) -> Result<(), StoreError> {
    let found = match db.get(SCHEMA_KEY)? {
        Some(v) => {
            let bytes: [u8; 4] = v.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                what: "schema version".into(),
                detail: format!("{} bytes instead of 4", v.len()),
            })?;
            u32::from_be_bytes(bytes)
        }
        None => 0,
    };
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: dir.to_owned(),
            found,
        });
    }
    // Schema 0 is an empty database: nothing to convert yet.
    if found < SCHEMA_VERSION {
        db.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
        db.flush()?;
    }
    Ok(())
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
