//! Local days in the site's zone: day numbers, where a day starts (DST days
//! have 23 or 25 hours), and which hour of its day an instant falls in.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

/// Days since 1970-01-01 of a local date (the rollups' key).
pub type DayNo = u32;

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");

pub fn day_no(date: NaiveDate) -> DayNo {
    u32::try_from((date - EPOCH).num_days()).unwrap_or(0)
}

pub fn date(day: DayNo) -> NaiveDate {
    EPOCH + Duration::days(i64::from(day))
}

/// The local date of `at` in `tz`.
pub fn local_date(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// When `date` begins in `tz`: local midnight, or, where the clocks skip
/// midnight (some zones change at 00:00), the instant the gap ends (the
/// scheduler's reading of a skipped wall time).
pub fn start_of(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    crate::checks::schedule::instants(tz, midnight)
        .map_or_else(|| midnight.and_utc(), |(first, _)| first)
}

/// The instants `date` spans in `tz`: `[start, end)`.
pub fn span(date: NaiveDate, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let next = date.succ_opt().unwrap_or(date);
    (start_of(date, tz), start_of(next, tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dst_days_have_23_and_25_hours_and_others_24() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let len = |y, m, d| {
            let (a, b) = span(NaiveDate::from_ymd_opt(y, m, d).unwrap(), berlin);
            (b - a).num_hours()
        };
        assert_eq!(len(2026, 3, 29), 23);
        assert_eq!(len(2026, 10, 25), 25);
        assert_eq!(len(2026, 11, 22), 24);
    }

    #[test]
    fn a_zone_that_skips_midnight_starts_the_day_at_one() {
        // Cuba moved its clocks from 00:00 to 01:00 on 8 March 2026.
        let havana: Tz = "America/Havana".parse().unwrap();
        let start = start_of(NaiveDate::from_ymd_opt(2026, 3, 8).unwrap(), havana);
        assert_eq!(
            start.with_timezone(&havana).format("%H:%M").to_string(),
            "01:00"
        );
    }

    #[test]
    fn day_numbers_round_trip() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(date(day_no(d)), d);
        assert_eq!(day_no(EPOCH), 0);
    }
}
