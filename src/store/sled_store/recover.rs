//! Coming back after the disk failed. sled keeps the first I/O error it meets
//! (a full disk, say) and answers every later write and flush with it until
//! the database is opened again, so without this a store stayed failing until
//! Candor restarted, however much room was made. [`SledStore::recover_now`]
//! first writes a plain file to see whether the disk takes writes again;
//! only then does it try the database, and reopen it in place when sled is
//! still stuck on the old error. The journal of results lives outside the
//! reopened part, so nothing recorded meanwhile is dropped.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::SledStore;
use super::trees::Trees;
use crate::store::Storage;
use crate::store::StoreError;

/// Written and removed in the data directory before the database is tried:
/// a disk that cannot take this cannot take sled's next log segment either.
const PROBE_FILE: &str = "write-probe";
const PROBE_BYTES: usize = 64 * 1024;
/// A key written, and flushed, to prove the database takes writes.
const PROBE_KEY: &[u8] = b"last_write_probe";
/// Operations under way when a reopen starts get this long to finish.
const DRAIN: Duration = Duration::from_secs(5);
/// sled releases its file lock from a background thread after its last
/// handle drops; opening again waits this long for it.
const LOCK_WAIT: Duration = Duration::from_secs(5);

impl SledStore {
    /// [`crate::store::Storage::recover`]: nothing when healthy; otherwise a
    /// write that must reach the disk (reopening the database if needed).
    pub(super) async fn recover_now(&self) -> Result<(), StoreError> {
        if self.health.is_ok() {
            return Ok(());
        }
        let store = self.clone();
        let tried = tokio::task::spawn_blocking(move || store.try_writes())
            .await
            .map_err(|e| StoreError::Backend(format!("the recovery task failed: {e}")))
            .and_then(|tried| tried);
        if let Err(e) = &tried {
            self.health.failed(e);
        }
        tried?;
        // Results kept in memory while failing are written first.
        self.write_journal()?;
        self.flush().await
    }

    /// The disk, then the database as it is, then the database reopened.
    fn try_writes(&self) -> Result<(), StoreError> {
        self.injected()?;
        probe_disk(&self.dir)?;
        if self.write(write_probe).is_ok() && self.db_flush().is_ok() {
            return Ok(());
        }
        self.reopen()?;
        self.write(write_probe)
    }

    fn db_flush(&self) -> Result<(), StoreError> {
        Ok(self.trees()?.db.flush().map(drop)?)
    }

    /// Drops the stuck database and opens it again from what is on disk:
    /// what was acknowledged was flushed, so it is there.
    pub(super) fn reopen(&self) -> Result<(), StoreError> {
        let mut open = self.open.write().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = open.take()
            && let Err(old) = drain(old)
        {
            *open = Some(old);
            return Err(StoreError::Backend(
                "storage is busy; reopening it later".into(),
            ));
        }
        let deadline = Instant::now() + LOCK_WAIT;
        let trees = loop {
            match Trees::open(&self.dir, self.cache_size) {
                Err(StoreError::Open { detail, .. })
                    if detail.contains("lock") && Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => break other?,
            }
        };
        *open = Some(Arc::new(trees));
        tracing::warn!(dir = %self.dir.display(), "storage reopened after a failure");
        Ok(())
    }

    /// A fault a test injected, as the error a full disk gives.
    pub(super) fn injected(&self) -> Result<(), StoreError> {
        if self.disk_full.load(Ordering::Relaxed) {
            return Err(StoreError::Backend(
                "No space left on device (os error 28, injected by a test)".into(),
            ));
        }
        Ok(())
    }
}

fn write_probe(t: &Trees) -> Result<(), StoreError> {
    let now = chrono::Utc::now().timestamp().to_be_bytes();
    t.db.insert(PROBE_KEY, &now)?;
    Ok(())
}

/// Waits for operations still holding the old database, then drops it; gives
/// it back when they take too long.
fn drain(old: Arc<Trees>) -> Result<(), Arc<Trees>> {
    let deadline = Instant::now() + DRAIN;
    let mut old = old;
    loop {
        match Arc::try_unwrap(old) {
            Ok(trees) => {
                drop(trees);
                return Ok(());
            }
            Err(still) if Instant::now() < deadline => {
                old = still;
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(still) => return Err(still),
        }
    }
}

/// Writes, syncs and removes a small file in `dir`.
fn probe_disk(dir: &Path) -> Result<(), StoreError> {
    let path = dir.join(PROBE_FILE);
    let written = File::create(&path).and_then(|mut f| {
        f.write_all(&[0; PROBE_BYTES])?;
        f.sync_all()
    });
    let _ = std::fs::remove_file(&path);
    written.map_err(|e| StoreError::Backend(format!("the data directory takes no writes: {e}")))
}
