//! Schema 1's one-entry-per-result encoding, read once by the migration to
//! schema 2 (see `migrate`); tests write it to exercise that migration. Keys
//! were `check id, 0x00, milliseconds since the epoch (u64 big-endian)`.

use std::time::Duration;

use chrono::DateTime;
#[cfg(test)]
use chrono::Utc;

#[cfg(test)]
use crate::model::{CheckId, CheckResult};
use crate::model::{Outcome, Reason};

pub use crate::store::StoredResult;

#[cfg(test)]
pub fn result_key(check: &CheckId, at: DateTime<Utc>) -> Vec<u8> {
    let mut key = Vec::with_capacity(check.as_str().len() + 9);
    key.extend_from_slice(check.as_str().as_bytes());
    key.push(0);
    key.extend_from_slice(&millis(at).to_be_bytes());
    key
}

pub use crate::store::blocks::millis;

/// `[outcome][duration ms, u32 BE][reason, UTF-8]`: about 5 bytes for a healthy result.
/// Schema 1 knew reasons only as words: tests write `Reason::Other` text.
#[cfg(test)]
pub fn encode_result(r: &CheckResult) -> Vec<u8> {
    let text = match &r.reason {
        Some(Reason::Other { text }) => text.as_str(),
        _ => "",
    };
    let mut v = Vec::with_capacity(5 + text.len());
    v.push(match r.outcome {
        Outcome::Up => 0,
        Outcome::Degraded => 1,
        Outcome::Down => 2,
    });
    let ms = u32::try_from(r.duration.as_millis()).unwrap_or(u32::MAX);
    v.extend_from_slice(&ms.to_be_bytes());
    v.extend_from_slice(text.as_bytes());
    v
}

/// Decodes a key/value pair written by [`result_key`] and [`encode_result`].
pub fn decode_result(key: &[u8], value: &[u8]) -> Option<StoredResult> {
    let ts: [u8; 8] = key.get(key.len().checked_sub(8)?..)?.try_into().ok()?;
    let at = DateTime::from_timestamp_millis(i64::try_from(u64::from_be_bytes(ts)).ok()?)?;
    let outcome = match *value.first()? {
        0 => Outcome::Up,
        1 => Outcome::Degraded,
        2 => Outcome::Down,
        _ => return None,
    };
    let ms: [u8; 4] = value.get(1..5)?.try_into().ok()?;
    // Words, as every build then stored them; empty for none.
    let text = String::from_utf8_lossy(value.get(5..)?).into_owned();
    let reason = (!text.is_empty()).then_some(Reason::Other { text });
    Some(StoredResult {
        at,
        duration: Duration::from_millis(u64::from(u32::from_be_bytes(ms))),
        outcome,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_round_trip_and_keys_sort_by_time() {
        let id = CheckId::parse("api-health").unwrap();
        let at = DateTime::from_timestamp_millis(1_790_000_000_123).unwrap();
        let r = CheckResult {
            check: id.clone(),
            at,
            duration: Duration::from_millis(812),
            outcome: Outcome::Down,
            reason: Some(Reason::other("HTTP 503 Service Unavailable")),
        };
        let key = result_key(&id, at);
        let back = decode_result(&key, &encode_result(&r)).unwrap();
        assert_eq!(back.at, at);
        assert_eq!(back.duration, r.duration);
        assert_eq!(back.outcome, Outcome::Down);
        assert_eq!(back.reason, r.reason);
        let later = result_key(&id, at + chrono::Duration::milliseconds(1));
        assert!(key < later);
        let longer = CheckId::parse("api-health-2").unwrap();
        assert!(
            result_key(&longer, at) > later,
            "prefixes do not interleave"
        );
    }

    #[test]
    fn garbage_values_decode_to_none() {
        let key = result_key(&CheckId::parse("a").unwrap(), Utc::now());
        assert_eq!(decode_result(&key, &[]), None);
        assert_eq!(decode_result(&key, &[9, 0, 0, 0, 0]), None);
        assert_eq!(decode_result(&[1, 2], &[0, 0, 0, 0, 0]), None);
    }
}
