//! Results and check states waiting to be written: appended in memory as they
//! arrive and written at a checkpoint (every few minutes, at a status change, and at
//! shutdown), so 1,000 checks every 30 s cost a few thousand sled writes per
//! checkpoint rather than a write per result. What a crash can lose is bounded
//! by the checkpoint interval: raw results and check streaks of those minutes
//! (component statuses and incidents are written, and flushed, when they change).
//!
//! A check state is written when what a restart needs of it changed: its
//! health, streak counters (which stop counting at the check's larger
//! threshold while it is healthy, see `engine::Streak`), reasons, or the hour of its
//! last result (the states of one check's locations all together, when any of
//! them changed). A healthy check's state is then written once an hour, not at
//! every checkpoint: rewriting 1,000 unchanged states every 5 minutes is what
//! made sled's memory climb (README, Benchmarks, "2026-12-03, later"). Its last
//! result is read back from the blocks at start (`pipeline::restore`).
//!
//! On sled the results of the current hour are appended rather than rewritten
//! ([`Journal::take_appending`]): each checkpoint hands out only the bytes a
//! block gained since it was last written (a part), and the first checkpoint
//! after the hour ends writes the hour's block whole, once. A block's bytes
//! only ever grow at the end, so its parts, concatenated in the order they
//! were written, are the block. Rewriting every check's growing block at every
//! checkpoint was the other half of sled's climb.

use std::collections::{HashMap, HashSet};

use super::blocks::{self, Block};
use crate::engine::CheckState;
use crate::model::{CheckId, CheckResult};

/// An hour's block of one check and whether it has news since it was written.
#[derive(Debug)]
struct Open {
    hour: u32,
    block: Block,
    dirty: bool,
    /// How many of the block's bytes storage holds (as parts or whole).
    on_disk: usize,
    /// Storage holds (or is to hold) the hour's block whole, so later writes
    /// of it replace it whole rather than appending parts.
    whole: bool,
}

/// What storage holds of one check's hour, read when a check first writes
/// into it.
#[derive(Debug)]
pub enum Stored {
    Nothing,
    /// The hour's block, written whole.
    Whole(Vec<u8>),
    /// The hour's parts, concatenated in the order they were written.
    Parts(Vec<u8>),
    /// The read failed: the hour starts afresh in memory and its block is
    /// written whole, replacing what storage holds.
    Unreadable,
}

/// Bytes appended to a check's block of an hour since it was last written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub hour: u32,
    pub check: CheckId,
    /// Where in the block these bytes begin.
    pub start: usize,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct Journal {
    open: HashMap<CheckId, Open>,
    /// Blocks of past hours not yet written.
    closed: Vec<(u32, CheckId, Vec<u8>)>,
    /// The latest state of each check that ran since the last checkpoint
    /// (serialized only when written: one result at a time it would cost more
    /// than the rest of storing it).
    states: HashMap<CheckId, CheckState>,
    /// Each check's state as last handed out to be written.
    written: HashMap<CheckId, CheckState>,
}

/// What a checkpoint writes: block keys and values, and check states.
pub type Writes = (Vec<(Vec<u8>, Vec<u8>)>, Vec<(CheckId, CheckState)>);

impl Journal {
    /// Appends a result. `stored` reads the hour's block from storage the first
    /// time a check writes into an hour (after a restart it may hold results).
    pub fn push(
        &mut self,
        r: &CheckResult,
        state: &CheckState,
        stored: impl FnOnce(u32) -> Stored,
    ) {
        let hour = blocks::hour_of(r.at);
        let mut stored = Some(stored);
        let mut load = |hour| {
            let read = stored.take().map_or(Stored::Nothing, |read| read(hour));
            let (bytes, whole) = match read {
                Stored::Nothing => (Vec::new(), false),
                Stored::Whole(bytes) => (bytes, true),
                Stored::Parts(bytes) => (bytes, false),
                Stored::Unreadable => (Vec::new(), true),
            };
            let read = bytes.len();
            let block = Block::resume(hour, bytes);
            let on_disk = block.bytes.len();
            Open {
                hour,
                block,
                dirty: false,
                on_disk,
                // A torn tail is dropped in memory; on disk it would sit
                // between the parts, so the block is then replaced whole.
                whole: whole || on_disk < read,
            }
        };
        let open = self
            .open
            .entry(r.check.clone())
            .or_insert_with(|| load(hour));
        if open.hour != hour {
            let old = std::mem::replace(open, load(hour));
            // Also a block whose parts are written but not yet whole.
            if old.dirty || (!old.whole && old.on_disk > 0) {
                self.closed
                    .push((old.hour, r.check.clone(), old.block.bytes));
            }
        }
        open.block.push(r);
        open.dirty = true;
        match self.states.get_mut(&r.check) {
            Some(s) => s.clone_from(state),
            None => {
                self.states.insert(r.check.clone(), state.clone());
            }
        }
    }

    /// Everything not yet written, marking it written, every block whole. The
    /// caller writes it or, on failure, hands it back with [`Journal::restore`].
    pub fn take(&mut self) -> Writes {
        let mut blocks = self.take_closed();
        for (check, open) in &mut self.open {
            if std::mem::take(&mut open.dirty) {
                blocks.push((blocks::key(open.hour, check), open.block.bytes.clone()));
            }
        }
        (blocks, self.take_states())
    }

    /// Everything not yet written, marking it written: blocks of the hour
    /// `now` (and later) as the parts they gained since last written, blocks
    /// of hours before it whole (once, and again only if they gain a late
    /// result). Once these are written, parts of hours before `now` are not
    /// needed. On failure the caller hands them back with
    /// [`Journal::restore_appended`].
    pub fn take_appending(&mut self, now: u32) -> (Writes, Vec<Part>) {
        let mut blocks = self.take_closed();
        let mut parts = Vec::new();
        for (check, open) in &mut self.open {
            let dirty = std::mem::take(&mut open.dirty);
            if open.hour < now && !open.whole {
                open.whole = true;
            } else if !dirty {
                continue;
            }
            if open.whole {
                blocks.push((blocks::key(open.hour, check), open.block.bytes.clone()));
            } else {
                parts.push(Part {
                    hour: open.hour,
                    check: check.clone(),
                    start: open.on_disk,
                    bytes: open.block.bytes[open.on_disk..].to_vec(),
                });
            }
            open.on_disk = open.block.bytes.len();
        }
        ((blocks, self.take_states()), parts)
    }

    /// Blocks of past hours not yet written, as keys and values.
    fn take_closed(&mut self) -> Vec<(Vec<u8>, Vec<u8>)> {
        (self.closed.drain(..))
            .map(|(hour, check, bytes)| (blocks::key(hour, &check), bytes))
            .collect()
    }

    /// The check states to write: those a restart would read differently.
    fn take_states(&mut self) -> Vec<(CheckId, CheckState)> {
        // The locations of one check are written together, so their last
        // results are as old as each other when read back: a location whose
        // result looks stale does not count in confirming the check, and a
        // failing location fresher than healthy ones would then decide alone.
        let news: HashSet<CheckId> = (self.states.iter())
            .filter(|(check, state)| {
                (self.written.get(*check)).is_none_or(|w| !same_for_restart(w, state))
            })
            .map(|(check, _)| check.split_location().0)
            .collect();
        let written = &mut self.written;
        (self.states.drain())
            .filter(|(check, _)| news.contains(&check.split_location().0))
            .inspect(|(check, state)| {
                written.insert(check.clone(), state.clone());
            })
            .collect()
    }

    /// Puts back writes that failed, so the next checkpoint tries them again.
    /// Open blocks are re-marked dirty; a block already superseded in memory
    /// is written in its newer form anyway.
    pub fn restore(&mut self, (blocks, states): Writes) {
        for (key, bytes) in blocks {
            let Some((hour, check)) = blocks::split_key(&key) else {
                continue;
            };
            let Ok(check) = CheckId::parse_stored(check) else {
                continue;
            };
            match self.open.get_mut(&check) {
                Some(open) if open.hour == hour => open.dirty = true,
                // First: a block of the same hour closed since (newer) is
                // written after it and wins.
                _ => self.closed.insert(0, (hour, check, bytes)),
            }
        }
        for (check, state) in states {
            // Not written after all: the next checkpoint writes it.
            self.written.remove(&check);
            self.states.entry(check).or_insert(state);
        }
    }

    /// Puts back a checkpoint's writes that failed (see [`Journal::restore`]);
    /// a part not written is handed out again, from where it began.
    pub fn restore_appended(&mut self, (writes, parts): (Writes, Vec<Part>)) {
        self.restore(writes);
        for part in parts {
            match self.open.get_mut(&part.check) {
                Some(open) if open.hour == part.hour && !open.whole => {
                    open.on_disk = open.on_disk.min(part.start);
                    open.dirty = true;
                }
                // Closed since, or to be written whole: the block carries
                // these bytes anyway.
                _ => {}
            }
        }
    }

    /// Results of `check` in `hour` not yet written, if any: the open block,
    /// or one closed when the hour ended and not yet written (the newest).
    pub fn pending(&self, check: &CheckId, hour: u32) -> Option<&[u8]> {
        if let Some(open) = self.open.get(check).filter(|o| o.hour == hour) {
            return Some(&open.block.bytes);
        }
        (self.closed.iter().rev())
            .find(|(h, c, _)| *h == hour && c == check)
            .map(|(_, _, bytes)| bytes.as_slice())
    }

    /// Forgets open blocks of hours before `hour` that are already written
    /// (checks removed from the config, or idle for an hour).
    pub fn forget_before(&mut self, hour: u32) {
        self.open.retain(|_, open| open.hour >= hour || open.dirty);
    }
}

/// Whether `b` tells a restart nothing `a` does not: the same health, streak
/// and reasons, and a last result of the same outcome in the same hour.
fn same_for_restart(a: &CheckState, b: &CheckState) -> bool {
    let last = |s: &CheckState| (s.last.as_ref()).map(|l| (blocks::hour_of(l.at), l.outcome));
    a.health == b.health
        && a.streak == b.streak
        && a.bad_reason == b.bad_reason
        && a.down_reason == b.down_reason
        && a.failing_since == b.failing_since
        && last(a) == last(b)
}

#[cfg(test)]
mod tests;
