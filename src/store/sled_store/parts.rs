//! The results of the hour under way, appended at each checkpoint rather than
//! rewritten (see `journal`): each checkpoint adds, per shard of checks (see
//! `packed`), one entry holding the bytes each check's block gained since
//! the last one. A check's parts of an hour, concatenated in the order they
//! were written, are its block of that hour. The first checkpoint after the
//! hour ends writes the blocks whole into the blocks tree and removes the
//! hour's parts ([`fold`]). A whole block, where there is one, is the block:
//! parts of the same hour and check are then left over from before it.
//!
//! Keys are `hour (u32 BE) ‖ 0xFF ‖ shard ‖ sequence (u32 BE)`: a check's
//! parts of one hour sit together, oldest first, and every part of hours
//! before a given one is a range at the tree's start. The sequence grows
//! with each checkpoint, across restarts (see [`next_seq`]).

use std::collections::BTreeMap;

use super::packed;
use crate::store::journal::{Part, Stored};

/// Name of the tree.
pub const TREE: &str = "result_parts";

/// A batch adding `parts` as one new entry per shard, numbered `seq`.
pub fn batch(parts: &[Part], seq: u32) -> sled::Batch {
    let mut entries: BTreeMap<Vec<u8>, packed::Records> = BTreeMap::new();
    for part in parts {
        let name = part.check.as_str().as_bytes();
        let mut key = packed::key_of(&part.hour.to_be_bytes(), name);
        key.extend_from_slice(&seq.to_be_bytes());
        let records = entries.entry(key).or_default();
        records.insert(name.to_vec(), part.bytes.clone());
    }
    let mut batch = sled::Batch::default();
    for (key, records) in entries {
        batch.insert(key, packed::encode(&records));
    }
    batch
}

/// The sequence number for the next checkpoint's parts: one past the
/// largest stored (the tree holds about one hour of checkpoints).
pub fn next_seq(tree: &sled::Tree) -> sled::Result<u32> {
    let mut next = 0;
    for key in tree.iter().keys() {
        if let Some(seq) = seq_of(&key?) {
            next = next.max(seq.saturating_add(1));
        }
    }
    Ok(next)
}

fn seq_of(key: &[u8]) -> Option<u32> {
    let seq: [u8; 4] = key.get(6..10)?.try_into().ok()?;
    Some(u32::from_be_bytes(seq)).filter(|_| key.len() == 10)
}

/// What storage holds of `name`'s hour: its whole block, else its parts.
/// The parts are read first: [`fold`] writes a block whole before it removes
/// its parts, so a fold meanwhile is seen as one or the other, never neither.
pub fn stored(
    blocks: &sled::Tree,
    parts: &sled::Tree,
    hour: u32,
    name: &[u8],
) -> sled::Result<Stored> {
    let mut joined = None;
    for entry in parts.scan_prefix(packed::key_of(&hour.to_be_bytes(), name)) {
        let (_, value) = entry?;
        if let Some(part) = packed::find(&value, name) {
            joined.get_or_insert_with(Vec::new).extend_from_slice(part);
        }
    }
    if let Some(bytes) = packed::get(blocks, &hour.to_be_bytes(), name)? {
        return Ok(Stored::Whole(bytes));
    }
    Ok(joined.map_or(Stored::Nothing, Stored::Parts))
}

/// Parts of hours before `before` whose hour has no whole block: (hour,
/// check name, the parts concatenated). Also the keys of every entry read.
pub fn unfolded(
    blocks: &sled::Tree,
    parts: &sled::Tree,
    before: u32,
) -> sled::Result<(Vec<packed::Record>, Vec<sled::IVec>)> {
    let mut keys = Vec::new();
    let mut joined: BTreeMap<(Vec<u8>, Vec<u8>), Vec<u8>> = BTreeMap::new();
    for entry in parts.range(..before.to_be_bytes().to_vec()) {
        let (key, value) = entry?;
        if seq_of(&key).is_some() {
            for (name, bytes) in packed::records(&value) {
                (joined
                    .entry((key[..4].to_vec(), name.to_vec()))
                    .or_default())
                .extend_from_slice(bytes);
            }
        }
        keys.push(key);
    }
    let mut missing = Vec::new();
    for ((hour, name), bytes) in joined {
        if packed::get(blocks, &hour, &name)?.is_none() {
            missing.push((hour, name, bytes));
        }
    }
    Ok((missing, keys))
}

/// Writes whole the blocks of hours before `before` that only parts hold
/// (checks that have not run since, or no longer configured), then removes
/// every part of those hours. The journal writes the blocks it holds whole
/// first; a crash between the two steps leaves parts a whole block supersedes.
pub fn fold(blocks: &sled::Tree, parts: &sled::Tree, before: u32) -> sled::Result<()> {
    let (missing, keys) = unfolded(blocks, parts, before)?;
    if keys.is_empty() {
        return Ok(());
    }
    if !missing.is_empty() {
        blocks.apply_batch(packed::merge(blocks, missing)?)?;
    }
    let mut batch = sled::Batch::default();
    for key in keys {
        batch.remove(key);
    }
    parts.apply_batch(batch)
}
