//! `<input type=datetime-local>` values, which carry no zone: they are read in
//! the site's time zone.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// What `<input type=datetime-local>` shows for `at` in the site's zone.
pub fn to_local(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// Reads a datetime-local value (`2026-11-22T15:30`, seconds optional) as a time
/// in `tz`. In the hour a clock falls back, the earlier of the two is meant; a
/// time the clocks skip does not exist and is refused.
pub fn from_local(value: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    let value = value.trim();
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| format!("\"{value}\" is not a date and time like 2026-11-22T15:30"))?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "{value} does not exist in {} (the clocks skip it): pick a time outside the change",
            tz.name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_read_in_the_site_zone() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let t = from_local("2026-11-22T15:30", berlin).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-22T14:30:00+00:00");
        assert_eq!(to_local(t, berlin), "2026-11-22T15:30");
        assert_eq!(
            from_local("2026-07-01T12:00:30", berlin)
                .unwrap()
                .to_rfc3339(),
            "2026-07-01T10:00:30+00:00"
        );
    }

    #[test]
    fn impossible_or_malformed_local_times_are_refused_with_a_reason() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let gap = from_local("2026-03-29T02:30", berlin).unwrap_err();
        assert!(gap.contains("Europe/Berlin"), "{gap}");
        let fold = from_local("2026-10-25T02:30", berlin).unwrap();
        assert_eq!(fold.to_rfc3339(), "2026-10-25T00:30:00+00:00");
        assert!(
            from_local("tomorrow", berlin)
                .unwrap_err()
                .contains("tomorrow")
        );
    }
}
