//! Times for people: in the site's zone, with the zone named.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// "14:02 CET" today, "21 Nov 14:02 CET" otherwise (both in the site's zone).
pub fn short(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    if local.date_naive() == now.with_timezone(&tz).date_naive() {
        local.format("%H:%M %Z").to_string()
    } else {
        local.format("%-d %b %H:%M %Z").to_string()
    }
}

/// "14:02:31 CET", for "last checked".
pub fn precise(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M:%S %Z").to_string()
}

/// Machine-readable, for `<time datetime>`.
pub fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// "for 12 minutes", "for 3 hours", "for 2 days": how long a state has lasted.
pub fn lasted(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - since).num_seconds().max(0);
    let (n, unit) = match secs {
        s if s < 90 => return "for about a minute".into(),
        s if s < 90 * 60 => (s / 60, "minute"),
        s if s < 36 * 3600 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    format!("for {n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_in_the_site_zone_with_the_zone_named() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 13, 0, 0).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 12, 2, 31).unwrap();
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(short(at, now, berlin), "13:02 CET");
        assert_eq!(precise(at, berlin), "13:02:31 CET");
        let yesterday = at - chrono::Duration::days(1);
        assert_eq!(short(yesterday, now, Tz::UTC), "21 Nov 12:02 UTC");
    }

    #[test]
    fn durations_read_naturally() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 13, 0, 0).unwrap();
        let ago = |s| now - chrono::Duration::seconds(s);
        assert_eq!(lasted(ago(30), now), "for about a minute");
        assert_eq!(lasted(ago(12 * 60), now), "for 12 minutes");
        assert_eq!(lasted(ago(3600 * 2), now), "for 2 hours");
        assert_eq!(lasted(ago(86_400 * 3), now), "for 3 days");
        assert_eq!(
            lasted(now + chrono::Duration::seconds(5), now),
            "for about a minute"
        );
    }
}
