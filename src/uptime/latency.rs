//! Each check's response times over the last 24 hours, in 10-minute buckets
//! held in memory (16 bytes a bucket, at most 144 a check: 2.3 MB for 1,000
//! checks, twice that while a snapshot holds the previous copy), for the chart
//! on a component's page. Restored at start from the raw results.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::model::{CheckId, Outcome};

/// Width of a bucket, in seconds.
pub const BUCKET_SECS: i64 = 600;
/// Buckets in the chart: 24 hours.
pub const BUCKETS: usize = 144;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bucket {
    /// Unix time / [`BUCKET_SECS`].
    pub slot: u32,
    /// Results that answered (up or degraded), whose times are summed.
    pub answered: u16,
    /// Results that were down (their times are not a response time).
    pub down: u16,
    pub sum_ms: u32,
    pub max_ms: u32,
}

impl Bucket {
    pub fn mean_ms(&self) -> Option<u32> {
        (self.answered > 0).then(|| self.sum_ms / u32::from(self.answered))
    }

    /// When the bucket starts.
    pub fn start(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(i64::from(self.slot) * BUCKET_SECS, 0).unwrap_or_default()
    }
}

pub fn slot_of(at: DateTime<Utc>) -> u32 {
    u32::try_from(at.timestamp().div_euclid(BUCKET_SECS)).unwrap_or(0)
}

/// Shared per check: a render's copy costs a pointer per check, and a result
/// copies only its own check's buckets if a snapshot still holds them.
#[derive(Debug, Clone, Default)]
pub struct Latency {
    series: HashMap<CheckId, Arc<VecDeque<Bucket>>>,
}

impl Latency {
    pub fn push(&mut self, check: &CheckId, at: DateTime<Utc>, ms: u64, outcome: Outcome) {
        let slot = slot_of(at);
        let series = self
            .series
            .entry(check.clone())
            .or_insert_with(|| Arc::new(VecDeque::with_capacity(BUCKETS)));
        let series = Arc::make_mut(series);
        // Old buckets go before a new one comes, so a series never outgrows
        // BUCKETS: a full VecDeque would double its allocation for one more.
        let oldest = slot.saturating_sub(BUCKETS as u32 - 1);
        while series.front().is_some_and(|b| b.slot < oldest) {
            series.pop_front();
        }
        let index = match series.iter().rposition(|b| b.slot <= slot) {
            Some(i) if series[i].slot == slot => i,
            found => {
                let at = found.map_or(0, |i| i + 1);
                series.insert(
                    at,
                    Bucket {
                        slot,
                        ..Bucket::default()
                    },
                );
                at
            }
        };
        let b = &mut series[index];
        if outcome == Outcome::Down {
            b.down = b.down.saturating_add(1);
        } else {
            let ms = u32::try_from(ms).unwrap_or(u32::MAX);
            b.answered = b.answered.saturating_add(1);
            b.sum_ms = b.sum_ms.saturating_add(ms);
            b.max_ms = b.max_ms.max(ms);
        }
    }

    /// The last 24 hours of `check` up to `now`, oldest first, one entry per
    /// bucket (None where nothing ran).
    pub fn series(&self, check: &CheckId, now: DateTime<Utc>) -> Vec<Option<Bucket>> {
        let last = slot_of(now);
        let first = last.saturating_sub(BUCKETS as u32 - 1);
        let mut out = vec![None; (last - first) as usize + 1];
        for b in self.series.get(check).into_iter().flat_map(|s| s.iter()) {
            if let Some(cell) = b
                .slot
                .checked_sub(first)
                .and_then(|i| out.get_mut(i as usize))
            {
                *cell = Some(*b);
            }
        }
        out
    }

    /// Drops checks no longer configured.
    pub fn retain(&mut self, keep: impl Fn(&CheckId) -> bool) {
        self.series.retain(|id, _| keep(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_400 + secs, 0).unwrap()
    }

    #[test]
    fn results_fall_into_ten_minute_buckets_and_old_ones_fall_out() {
        let id = CheckId::parse("api").unwrap();
        let mut l = Latency::default();
        l.push(&id, t(0), 100, Outcome::Up);
        l.push(&id, t(30), 300, Outcome::Degraded);
        l.push(&id, t(60), 5000, Outcome::Down);
        l.push(&id, t(700), 50, Outcome::Up);
        let s = l.series(&id, t(700));
        assert_eq!(s.len(), BUCKETS);
        let last = s[BUCKETS - 1].unwrap();
        assert_eq!(last.mean_ms(), Some(50));
        let first = s[BUCKETS - 2].unwrap();
        assert_eq!(
            (first.mean_ms(), first.max_ms, first.down),
            (Some(200), 300, 1)
        );
        assert!(s[..BUCKETS - 2].iter().all(Option::is_none));
        // A day later the old buckets are gone; an out-of-order result lands in its bucket.
        l.push(&id, t(86_400 + 700), 10, Outcome::Up);
        l.push(&id, t(86_400 + 10), 30, Outcome::Up);
        let s = l.series(&id, t(86_400 + 700));
        assert_eq!(s.iter().flatten().count(), 2);
        assert_eq!(s[BUCKETS - 2].and_then(|b| b.mean_ms()), Some(30));
    }
}
