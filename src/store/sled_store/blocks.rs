//! Raw check results packed into one sled entry per check and hour.
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

use std::time::Duration;

use chrono::{DateTime, Utc};
use integer_encoding::VarInt;

use super::StoredResult;
use crate::model::{CheckId, CheckResult, Outcome};

const HOUR_MS: u64 = 3_600_000;

/// Hours since the epoch of `at` (0 before 1970, which does not occur).
pub fn hour_of(at: DateTime<Utc>) -> u32 {
    u32::try_from(super::keys::millis(at) / HOUR_MS).unwrap_or(u32::MAX)
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
    last_reason: String,
}

impl Block {
    /// An empty block for `hour`.
    pub fn new(hour: u32) -> Self {
        Self {
            bytes: Vec::new(),
            last_ms: u64::from(hour) * HOUR_MS,
            last_reason: String::new(),
        }
    }

    /// A block read back from storage, ready to be appended to.
    /// A torn or foreign tail is dropped, so what is appended stays readable.
    pub fn resume(hour: u32, mut bytes: Vec<u8>) -> Self {
        let mut block = Self::new(hour);
        let (results, valid) = decode_prefix(hour, &bytes);
        for r in results {
            block.last_ms = super::keys::millis(r.at);
            block.last_reason = r.reason;
        }
        bytes.truncate(valid);
        block.bytes = bytes;
        block
    }

    /// Appends a result; results arrive in time order per check (an earlier one
    /// is stored at the previous entry's time rather than breaking the format).
    pub fn push(&mut self, r: &CheckResult) {
        let ms = super::keys::millis(r.at).max(self.last_ms);
        self.bytes.extend((ms - self.last_ms).encode_var_vec());
        self.bytes.push(outcome_byte(r.outcome));
        let duration = u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX);
        self.bytes.extend(duration.encode_var_vec());
        let tag: u64 = if r.reason.is_empty() {
            0
        } else if r.reason == self.last_reason {
            1
        } else {
            r.reason.len() as u64 + 2
        };
        self.bytes.extend(tag.encode_var_vec());
        if tag >= 2 {
            self.bytes.extend_from_slice(r.reason.as_bytes());
            self.last_reason.clone_from(&r.reason);
        }
        self.last_ms = ms;
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
    let mut reason = String::new();
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
fn entry(b: &[u8], at: &mut u64, reason: &mut String) -> Option<(StoredResult, usize)> {
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
    let text = match tag {
        0 => String::new(),
        1 => reason.clone(),
        _ => {
            let len = usize::try_from(tag - 2).ok()?;
            let bytes = b.get(n..n.checked_add(len)?)?;
            n += len;
            *reason = String::from_utf8_lossy(bytes).into_owned();
            reason.clone()
        }
    };
    *at = at.checked_add(delta)?;
    let stamp = DateTime::from_timestamp_millis(i64::try_from(*at).ok()?)?;
    let r = StoredResult {
        at: stamp,
        duration: Duration::from_millis(duration),
        outcome,
        reason: text,
    };
    Some((r, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(ms: i64, outcome: Outcome, reason: &str) -> CheckResult {
        CheckResult {
            check: CheckId::parse("api-health").unwrap(),
            at: DateTime::from_timestamp_millis(ms).unwrap(),
            duration: Duration::from_millis(42),
            outcome,
            reason: reason.into(),
        }
    }

    #[test]
    fn a_block_round_trips_results_and_repeated_reasons() {
        let base = 1_790_000_000_000 - 1_790_000_000_000 % 3_600_000;
        let hour = u32::try_from(base / 3_600_000).unwrap();
        let rs = [
            result(base + 5, Outcome::Up, ""),
            result(base + 30_005, Outcome::Down, "HTTP 503"),
            result(base + 60_005, Outcome::Down, "HTTP 503"),
            result(base + 90_005, Outcome::Degraded, "slow: 900 ms"),
            result(base + 120_005, Outcome::Up, ""),
        ];
        let mut block = Block::new(hour);
        for r in &rs {
            block.push(r);
        }
        let back = decode(hour, &block.bytes);
        assert_eq!(back.len(), rs.len());
        for (a, b) in rs.iter().zip(&back) {
            assert_eq!((a.at, a.outcome, &a.reason), (b.at, b.outcome, &b.reason));
            assert_eq!(b.duration, Duration::from_millis(42));
        }
        // A healthy result costs a handful of bytes.
        let mut healthy = Block::new(hour);
        healthy.push(&rs[0]);
        let one = healthy.bytes.len();
        healthy.push(&rs[4]);
        assert!(healthy.bytes.len() - one <= 6, "{}", healthy.bytes.len());
        // Appending to a resumed block continues the same stream.
        let mut resumed = Block::resume(hour, block.bytes[..].to_vec());
        resumed.push(&result(base + 150_005, Outcome::Down, "HTTP 503"));
        let again = decode(hour, &resumed.bytes);
        assert_eq!(again.len(), 6);
        assert_eq!(again[5].reason, "HTTP 503");
    }

    #[test]
    fn a_torn_block_keeps_the_entries_before_the_tear() {
        let mut block = Block::new(0);
        block.push(&result(10, Outcome::Up, ""));
        block.push(&result(20, Outcome::Down, "refused"));
        let mut first = Block::new(0);
        first.push(&result(10, Outcome::Up, ""));
        let one = first.bytes.len();
        let whole = block.bytes.len();
        for cut in 0..whole {
            let back = decode(0, &block.bytes[..cut]);
            assert_eq!(back.len(), usize::from(cut >= one), "cut at {cut}");
            // Resuming a torn block drops the tail, so appends stay readable.
            let mut resumed = Block::resume(0, block.bytes[..cut].to_vec());
            resumed.push(&result(30, Outcome::Up, ""));
            assert_eq!(decode(0, &resumed.bytes).len(), usize::from(cut >= one) + 1);
        }
        assert_eq!(decode(0, &block.bytes).len(), 2);
        assert_eq!(decode(0, &[0, 9, 0, 0]).len(), 0, "unknown outcome");
    }

    #[test]
    fn keys_sort_by_hour_then_check() {
        let a = CheckId::parse("a").unwrap();
        let z = CheckId::parse("z").unwrap();
        assert!(key(1, &z) < key(2, &a));
        assert_eq!(split_key(&key(7, &a)), Some((7, "a")));
        assert_eq!(split_key(&[1, 2]), None);
    }
}
