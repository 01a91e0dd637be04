//! The schema version key and the migrations that run at start.
//!
//! - 0: an empty database; nothing to convert.
//! - 1 → 2: raw results, one sled entry per result in the `results` tree, are
//!   packed into hourly blocks in the `result_blocks` tree (see `blocks`).
//! - 2 → 3: nothing to convert. What Candor says by itself (check reasons,
//!   the findings in component and check states, automatic notes on
//!   incidents) is written as data since schema 3; the English words schema 2
//!   stored in its place still read, and are shown as they were. The bump
//!   keeps an older build, which cannot read the data, from opening the
//!   database.
//! - 3 → 4: hour blocks, check states and uptime days, one sled entry each,
//!   are packed into a few entries per hour, per tree and per day (see
//!   `packed`).
//!
//! A field added to a stored record with a serde default needs no new
//! version: records without it read as before, and an older build ignores
//! it. An incident's `next_update_by` (absent: nothing promised) and a
//! queued notice's `why` and `next_update_by` (absent: the why is told from
//! its cause and kind, as before) came so.

use std::path::Path;

use super::{keys, packed};
use crate::model::{CheckId, CheckResult};
use crate::store::blocks::{self, Block};
use crate::store::{SCHEMA_VERSION, StoreError};

pub const SCHEMA_KEY: &[u8] = b"schema_version";
/// The tree of packed raw results (schema 2).
pub const BLOCKS: &str = "result_blocks";
/// The tree of one-entry-per-result raw results (schema 1).
const OLD_RESULTS: &str = "results";

pub fn run(db: &sled::Db, dir: &Path) -> Result<(), StoreError> {
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
    if found == 1 {
        pack_results(db)?;
    }
    if (1..4).contains(&found) {
        for (tree, prefix_len) in [(BLOCKS, 4), ("check_state", 0), ("uptime_days", 4)] {
            pack_entries(&db.open_tree(tree)?, prefix_len)?;
        }
    }
    if found < SCHEMA_VERSION {
        db.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
        db.flush()?;
    }
    // Only once the new blocks and version are on disk: a crash before this
    // point reruns the whole (idempotent) conversion; one after it, before the
    // drop, finds the old tree here at the next start.
    if db
        .tree_names()
        .iter()
        .any(|n| n.as_ref() == OLD_RESULTS.as_bytes())
    {
        db.drop_tree(OLD_RESULTS)?;
        db.flush()?;
    }
    Ok(())
}

/// Schema 3 → 4: moves every one-record entry of `tree` (`prefix ‖ name`)
/// into its packed entry, in chunks, each chunk's records added and its old
/// entries removed in one batch: a crash midway leaves every record in one
/// place or the other, and the rerun packs the rest.
fn pack_entries(tree: &sled::Tree, prefix_len: usize) -> Result<(), StoreError> {
    const CHUNK: usize = 4096;
    let mut packed_n = 0usize;
    loop {
        let mut old = Vec::new();
        for item in tree.iter() {
            let (key, value) = item?;
            if packed::is_packed(&key, prefix_len) || key.len() <= prefix_len {
                continue;
            }
            old.push((key, value));
            if old.len() == CHUNK {
                break;
            }
        }
        if old.is_empty() {
            break;
        }
        let records = old.iter().map(|(key, value)| {
            let (prefix, name) = key.split_at(prefix_len);
            (prefix.to_vec(), name.to_vec(), value.to_vec())
        });
        let mut batch = packed::merge(tree, records)?;
        for (key, _) in &old {
            batch.remove(key);
        }
        tree.apply_batch(batch)?;
        packed_n += old.len();
    }
    if packed_n > 0 {
        tracing::info!(
            tree = %String::from_utf8_lossy(&tree.name()),
            records = packed_n,
            "packed stored records into shared entries (schema 4)"
        );
    }
    Ok(())
}

/// Schema 1 → 2: reads every stored result in key order (check, then time)
/// and writes each check's hours as blocks.
fn pack_results(db: &sled::Db) -> Result<(), StoreError> {
    let old = db.open_tree(OLD_RESULTS)?;
    let new = db.open_tree(BLOCKS)?;
    let mut current: Option<(CheckId, Block, u32)> = None;
    let mut batch = sled::Batch::default();
    let mut converted = 0usize;
    let mut pending = 0usize;
    for item in old.iter() {
        let (key, value) = item?;
        let Some(end) = key.iter().position(|b| *b == 0) else {
            continue;
        };
        let Ok(check) = CheckId::parse(&String::from_utf8_lossy(&key[..end])) else {
            continue;
        };
        let Some(r) = keys::decode_result(&key, &value) else {
            continue;
        };
        let hour = blocks::hour_of(r.at);
        let same = matches!(&current, Some((c, _, h)) if *c == check && *h == hour);
        if !same {
            if let Some((c, block, h)) = current.take() {
                batch.insert(blocks::key(h, &c), block.bytes);
                pending += 1;
            }
            // In chunks: the version is written last, so a crash midway
            // converts again from the start.
            if pending >= 4096 {
                new.apply_batch(std::mem::take(&mut batch))?;
                pending = 0;
            }
            current = Some((check.clone(), Block::new(hour), hour));
        }
        if let Some((_, block, _)) = current.as_mut() {
            block.push(&CheckResult {
                check,
                at: r.at,
                duration: r.duration,
                outcome: r.outcome,
                reason: r.reason,
            });
        }
        converted += 1;
    }
    if let Some((c, block, h)) = current {
        batch.insert(blocks::key(h, &c), block.bytes);
    }
    new.apply_batch(batch)?;
    tracing::info!(
        results = converted,
        "packed stored results into hourly blocks (schema 2)"
    );
    Ok(())
}
