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
        stored: impl FnOnce(u32) -> Option<Vec<u8>>,
    ) {
        let hour = blocks::hour_of(r.at);
        let mut stored = Some(stored);
        let mut load = |hour| {
            let block = match stored.take().and_then(|read| read(hour)) {
                Some(bytes) => Block::resume(hour, bytes),
                None => Block::new(hour),
            };
            Open {
                hour,
                block,
                dirty: false,
            }
        };
        let open = self
            .open
            .entry(r.check.clone())
            .or_insert_with(|| load(hour));
        if open.hour != hour {
            let old = std::mem::replace(open, load(hour));
            if old.dirty {
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

    /// Everything not yet written, marking it written. The caller writes it or,
    /// on failure, hands it back with [`Journal::restore`].
    pub fn take(&mut self) -> Writes {
        let mut blocks: Vec<(Vec<u8>, Vec<u8>)> = self
            .closed
            .drain(..)
            .map(|(hour, check, bytes)| (blocks::key(hour, &check), bytes))
            .collect();
        for (check, open) in &mut self.open {
            if std::mem::take(&mut open.dirty) {
                blocks.push((blocks::key(open.hour, check), open.block.bytes.clone()));
            }
        }
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
        let states = (self.states.drain())
            .filter(|(check, _)| news.contains(&check.split_location().0))
            .inspect(|(check, state)| {
                written.insert(check.clone(), state.clone());
            })
            .collect();
        (blocks, states)
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
