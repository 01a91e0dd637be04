//! One component's rollup for one local day, and its encoding in sled.
//!
//! The value is varints: the day's five totals, the number of hours, then five
//! totals per hour since the day's start (up to 25 on the day clocks go back).
//! The hours serve the 24-hour figure; a fully observed day takes ~200 bytes.

use integer_encoding::VarInt;

use super::{Totals, add};

/// Hours a local day can have (25 when the clocks go back).
pub const MAX_HOURS: usize = 25;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Day {
    pub totals: Totals,
    /// Per hour since the day's start; may be empty for days loaded only for
    /// their totals.
    pub hours: Vec<Totals>,
}

impl Day {
    /// Adds `ms` milliseconds in status slot `bucket` during hour `hour`.
    pub fn add(&mut self, hour: usize, bucket: usize, ms: u32) {
        let hour = hour.min(MAX_HOURS - 1);
        if self.hours.len() <= hour {
            self.hours.resize(hour + 1, Totals::default());
        }
        let mut one = Totals::default();
        one[bucket] = ms;
        add(&mut self.hours[hour], &one);
        add(&mut self.totals, &one);
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(10 + self.hours.len() * 8);
        let mut put = |n: u32| v.extend(n.encode_var_vec());
        self.totals.iter().for_each(|&n| put(n));
        put(u32::try_from(self.hours.len()).unwrap_or(0));
        for h in &self.hours {
            h.iter().for_each(|&n| put(n));
        }
        v
    }

    /// None for a value this module did not write.
    pub fn decode(mut b: &[u8], with_hours: bool) -> Option<Self> {
        let mut next = || {
            let (n, len) = u32::decode_var(b)?;
            b = b.get(len..)?;
            Some(n)
        };
        let mut totals = Totals::default();
        for t in &mut totals {
            *t = next()?;
        }
        let n = usize::try_from(next()?).ok()?.min(MAX_HOURS);
        let mut hours = Vec::with_capacity(if with_hours { n } else { 0 });
        for _ in 0..n {
            let mut h = Totals::default();
            for t in &mut h {
                *t = next()?;
            }
            if with_hours {
                hours.push(h);
            }
        }
        Some(Self { totals, hours })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_round_trips_with_or_without_its_hours() {
        let mut d = Day::default();
        for h in 0..24 {
            d.add(h, 0, 3_600_000);
        }
        d.add(14, 3, 120_000);
        let bytes = d.encode();
        assert!(bytes.len() < 240, "{}", bytes.len());
        assert_eq!(Day::decode(&bytes, true), Some(d.clone()));
        let light = Day::decode(&bytes, false).unwrap();
        assert_eq!(light.totals, d.totals);
        assert!(light.hours.is_empty());
        assert_eq!(Day::decode(&bytes[..3], true), None);
        assert_eq!(d.totals[0], 24 * 3_600_000);
        assert_eq!(d.hours[14][3], 120_000);
    }
}
