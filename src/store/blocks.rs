//! Raw check results packed into one entry per check and hour (a sled entry,
//! a PostgreSQL row).
//!
//! sled spends 150–370 bytes of disk on every entry however small (measured:
//! 2 million 5-byte results took 743 MB), so 1,000 checks every 30 s kept for
//! 7 days as one entry each would need several gigabytes. Packed per hour, a
//! healthy result costs ~6 bytes and an hour of a check ~1 KB.
//!
//! Keys are `hour (u32 big-endian, hours since the epoch) ‖ check id`: time
//! first, so new blocks are appended at the right edge of the tree and pruning
//! deletes whole leaves at the left edge, which keeps sled's file from growing
//! with garbage (check-first keys grew 2.2× larger in the same test).
//!
//! A block's value is a sequence of entries, each
//! `varint(ms since the previous entry, or since the hour for the first)`,
//! `outcome (u8)`, `varint(duration ms)`, `varint(reason tag)`, reason bytes;
//! the tag is 0 for no reason, 1 for the previous entry's reason, n + 2 for a
//! new reason of n bytes (an outage repeats one reason for hours).
//!
//! A reason's bytes are 0xFF and its JSON form (`model::Reason`'s serde form,
//! `{"kind":"http_status","code":503}`), or, for `Reason::Other`, its text in
//! UTF-8, where 0xFF never occurs. So blocks written before reasons were data,
//! with every reason in English words, read as they are: as `Other` text, shown
//! as it was. Per result the cost is unchanged (no byte for none, one for a
//! repeat); a new reason costs about what its words did (34 bytes for the 28
//! of "HTTP 503 Service Unavailable").

use std::time::Duration;

use chrono::{DateTime, Utc};
use integer_encoding::VarInt;

use super::StoredResult;
use crate::model::{CheckId, CheckResult, Outcome, Reason};

/// First byte of a reason stored as data; never the first byte of UTF-8 text.
const DATA: u8 = 0xFF;

const HOUR_MS: u64 = 3_600_000;

/// Milliseconds since the epoch, clamped at zero (times before 1970 don't occur).
pub fn millis(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp_millis()).unwrap_or(0)
}

/// Hours since the epoch of `at` (0 before 1970, which does not occur).
pub fn hour_of(at: DateTime<Utc>) -> u32 {
    u32::try_from(millis(at) / HOUR_MS).unwrap_or(u32::MAX)
}

/// The start of the hour `at` is in.
pub fn hour_start(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(i64::from(hour_of(at)) * 3600, 0).unwrap_or(at)
}

/// One check's results in `[from, to)`, oldest first, from the block of
/// each hour that range spans (`block_of`, `None` for an hour without one).
pub fn results_within<E>(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    mut block_of: impl FnMut(u32) -> Result<Option<Vec<u8>>, E>,
) -> Result<Vec<StoredResult>, E> {
    let mut out = Vec::new();
    if to <= from {
        return Ok(out);
    }
    let last = hour_of(to - chrono::Duration::milliseconds(1));
    for hour in hour_of(from)..=last {
        if let Some(bytes) = block_of(hour)? {
            let in_range = |r: &StoredResult| from <= r.at && r.at < to;
            out.extend(decode(hour, &bytes).into_iter().filter(in_range));
        }
    }
    Ok(out)
}

pub fn key(hour: u32, check: &CheckId) -> Vec<u8> {
    let mut key = Vec::with_capacity(4 + check.as_str().len());
    key.extend_from_slice(&hour.to_be_bytes());
    key.extend_from_slice(check.as_str().as_bytes());
    key
}

/// The hour and check id of a block key; None for a key this module did not write.
pub fn split_key(key: &[u8]) -> Option<(u32, &str)> {
    let hour: [u8; 4] = key.get(..4)?.try_into().ok()?;
    let check = std::str::from_utf8(key.get(4..)?).ok()?;
    Some((u32::from_be_bytes(hour), check))
}

/// One check's results in one hour, as they arrive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Block {
    pub bytes: Vec<u8>,
    /// Milliseconds since the epoch of the last entry (the hour's start when empty).
    last_ms: u64,
    /// The reason last written in full, which a repeat refers to.
    last_reason: Option<Reason>,
}

impl Block {
    /// An empty block for `hour`.
    pub fn new(hour: u32) -> Self {
        Self {
            bytes: Vec::new(),
            last_ms: u64::from(hour) * HOUR_MS,
            last_reason: None,
        }
    }

    /// A block read back from storage, ready to be appended to.
    /// A torn or foreign tail is dropped, so what is appended stays readable.
    pub fn resume(hour: u32, mut bytes: Vec<u8>) -> Self {
        let mut block = Self::new(hour);
        let (results, valid) = decode_prefix(hour, &bytes);
        for r in results {
            block.last_ms = millis(r.at);
            if r.reason.is_some() {
                block.last_reason = r.reason;
            }
        }
        bytes.truncate(valid);
        block.bytes = bytes;
        block
    }

    /// Appends a result; results arrive in time order per check (an earlier one
    /// is stored at the previous entry's time rather than breaking the format).
    pub fn push(&mut self, r: &CheckResult) {
        let ms = millis(r.at).max(self.last_ms);
        self.bytes.extend((ms - self.last_ms).encode_var_vec());
        self.bytes.push(outcome_byte(r.outcome));
        let duration = u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX);
        self.bytes.extend(duration.encode_var_vec());
        match &r.reason {
            None => self.bytes.extend(0u64.encode_var_vec()),
            Some(reason) if self.last_reason.as_ref() == Some(reason) => {
                self.bytes.extend(1u64.encode_var_vec());
            }
            Some(reason) => {
                let bytes = encode_reason(reason);
                self.bytes.extend((bytes.len() as u64 + 2).encode_var_vec());
                self.bytes.extend_from_slice(&bytes);
                self.last_reason = Some(reason.clone());
            }
        }
        self.last_ms = ms;
    }
}

fn encode_reason(reason: &Reason) -> Vec<u8> {
    match reason {
        Reason::Other { text } => text.as_bytes().to_vec(),
        data => {
            let mut bytes = vec![DATA];
            // Writing a plain enum to a Vec cannot fail.
            bytes.extend(serde_json::to_vec(data).unwrap_or_default());
            bytes
        }
    }
}

/// A stored reason. Data this build cannot read (a newer build's kind) is
/// kept as text rather than dropping the rest of the block.
fn decode_reason(bytes: &[u8]) -> Reason {
    match bytes.split_first() {
        Some((&DATA, json)) => serde_json::from_slice(json)
            .unwrap_or_else(|_| Reason::other(String::from_utf8_lossy(json))),
        _ => Reason::other(String::from_utf8_lossy(bytes)),
    }
}

fn outcome_byte(o: Outcome) -> u8 {
    match o {
        Outcome::Up => 0,
        Outcome::Degraded => 1,
        Outcome::Down => 2,
    }
}

/// The results in a block, oldest first. Decoding stops at the first entry
/// that does not parse (a torn or foreign value), keeping what came before.
pub fn decode(hour: u32, bytes: &[u8]) -> Vec<StoredResult> {
    decode_prefix(hour, bytes).0
}

/// The results that decode, and how many bytes they take.
fn decode_prefix(hour: u32, bytes: &[u8]) -> (Vec<StoredResult>, usize) {
    let mut out = Vec::new();
    let mut at = u64::from(hour) * HOUR_MS;
    let mut rest = bytes;
    let mut reason = None;
    while !rest.is_empty() {
        let Some((entry, len)) = entry(rest, &mut at, &mut reason) else {
            break;
        };
        out.push(entry);
        rest = &rest[len..];
    }
    (out, bytes.len() - rest.len())
}

/// One entry at the start of `b` and its length in bytes.
fn entry(b: &[u8], at: &mut u64, reason: &mut Option<Reason>) -> Option<(StoredResult, usize)> {
    let (delta, mut n) = u64::decode_var(b)?;
    let outcome = match *b.get(n)? {
        0 => Outcome::Up,
        1 => Outcome::Degraded,
        2 => Outcome::Down,
        _ => return None,
    };
    n += 1;
    let (duration, len) = u64::decode_var(b.get(n..)?)?;
    n += len;
    let (tag, len) = u64::decode_var(b.get(n..)?)?;
    n += len;
    let said = match tag {
        0 => None,
        1 => reason.clone(),
        _ => {
            let len = usize::try_from(tag - 2).ok()?;
            let bytes = b.get(n..n.checked_add(len)?)?;
            n += len;
            *reason = Some(decode_reason(bytes));
            reason.clone()
        }
    };
    *at = at.checked_add(delta)?;
    let stamp = DateTime::from_timestamp_millis(i64::try_from(*at).ok()?)?;
    let r = StoredResult {
        at: stamp,
        duration: Duration::from_millis(duration),
        outcome,
        reason: said,
    };
    Some((r, n))
}

#[cfg(test)]
mod tests;
