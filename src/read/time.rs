//! Times for people: in the site's zone, with the zone named, in the reader's
//! language (the date patterns are messages: `date-*` in `locales/`).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::lang::Lang;
use crate::say;

/// "14:02 CET" today, "21 Nov 14:02 CET" otherwise (both in the site's zone).
pub fn short(lang: Lang, at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    if local.date_naive() == now.with_timezone(&tz).date_naive() {
        lang.date(&local, "date-clock")
    } else {
        lang.date(&local, "date-day-clock")
    }
}

/// "14:02:31 CET", for "last checked".
pub fn precise(lang: Lang, at: DateTime<Utc>, tz: Tz) -> String {
    lang.date(&at.with_timezone(&tz), "date-clock-seconds")
}

/// Machine-readable, for `<time datetime>`.
pub fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// "for 12 minutes", "for 3 hours", "for 2 days": how long a state has lasted.
pub fn lasted(lang: Lang, since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - since).num_seconds().max(0);
    let (n, unit) = match secs {
        s if s < 90 => return lang.say("lasted-minute"),
        s if s < 90 * 60 => (s / 60, "minute"),
        s if s < 36 * 3600 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    say!(lang, &format!("lasted-{unit}s"), n = n)
}

/// "in about 25 minutes": how far off a future time is (rounded, since it is an
/// estimate anyway).
pub fn relative_future(lang: Lang, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (at - now).num_seconds().max(0);
    let (n, unit) = match secs {
        s if s < 90 => return lang.say("in-minute"),
        s if s < 3570 => ((s + 30) / 60, "minute"),
        s if s < 5400 => return lang.say("in-hour"),
        s if s < 36 * 3600 => ((s + 1800) / 3600, "hour"),
        s => ((s + 43_200) / 86_400, "day"),
    };
    say!(lang, &format!("in-{unit}s"), n = n)
}

/// "Sun 22 Nov 2026, 14:02 CET": a date that reads the same whenever the page
/// is read (permalinks are rendered once and kept).
pub fn full(lang: Lang, at: DateTime<Utc>, tz: Tz) -> String {
    lang.date(&at.with_timezone(&tz), "date-full")
}

/// "Sun 22 Nov, 14:02 CET": like [`full`] where a heading already names the year.
pub fn day_time(lang: Lang, at: DateTime<Utc>, tz: Tz) -> String {
    lang.date(&at.with_timezone(&tz), "date-day-time")
}

/// "November 2026", for headings.
pub fn month(lang: Lang, at: DateTime<Utc>, tz: Tz) -> String {
    lang.date(&at.with_timezone(&tz), "date-month")
}

/// A window's two ends: ("Sun 22 Nov 02:00", "04:00 CET") when both fall on one
/// day in one zone abbreviation, so it reads "Sun 22 Nov 02:00–04:00 CET";
/// otherwise each end in full. `year` adds the year to the start.
pub fn window(
    lang: Lang,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    tz: Tz,
    year: bool,
) -> (String, String) {
    let (a, b) = (from.with_timezone(&tz), until.with_timezone(&tz));
    let day = lang.say(if year { "date-day-year" } else { "date-day" });
    let same_day = a.date_naive() == b.date_naive();
    let same_zone = a.format("%Z").to_string() == b.format("%Z").to_string();
    let (clock, clock_zone) = (lang.say("date-time"), lang.say("date-clock"));
    let start = match same_day && same_zone {
        true => format!("{day} {clock}"),
        false => format!("{day} {clock_zone}"),
    };
    let end = match same_day {
        true => clock_zone,
        false => format!("{} {clock_zone}", lang.say("date-day")),
    };
    (pattern(lang, &a, &start), pattern(lang, &b, &end))
}

/// `at` by a pattern made of the language's patterns.
fn pattern(lang: Lang, at: &DateTime<Tz>, pattern: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    match write!(
        out,
        "{}",
        at.format_localized(pattern, lang.chrono_locale())
    ) {
        Ok(()) => out,
        Err(_) => at.to_rfc3339(),
    }
}

/// "1 hour 25 minutes": how long something took, in its two largest units.
pub fn span(lang: Lang, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let minutes = ((to - from).num_seconds().max(0) + 30) / 60;
    if minutes == 0 {
        return lang.say("span-none");
    }
    let parts = [
        (minutes / 1440, "day"),
        (minutes / 60 % 24, "hour"),
        (minutes % 60, "minute"),
    ];
    let first = parts.iter().position(|(n, _)| *n > 0).unwrap_or(2);
    parts[first..(first + 2).min(3)]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| say!(lang, &format!("span-{unit}s"), n = *n))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn en() -> Lang {
        Lang::english()
    }

    #[test]
    fn times_are_shown_in_the_site_zone_with_the_zone_named() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 13, 0, 0).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 12, 2, 31).unwrap();
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(short(en(), at, now, berlin), "13:02 CET");
        assert_eq!(precise(en(), at, berlin), "13:02:31 CET");
        let yesterday = at - chrono::Duration::days(1);
        assert_eq!(short(en(), yesterday, now, Tz::UTC), "21 Nov 12:02 UTC");
    }

    #[test]
    fn durations_read_naturally() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 13, 0, 0).unwrap();
        let ago = |s| now - chrono::Duration::seconds(s);
        assert_eq!(lasted(en(), ago(30), now), "for about a minute");
        assert_eq!(lasted(en(), ago(12 * 60), now), "for 12 minutes");
        assert_eq!(lasted(en(), ago(3600 * 2), now), "for 2 hours");
        assert_eq!(lasted(en(), ago(86_400 * 3), now), "for 3 days");
        assert_eq!(
            lasted(en(), now + chrono::Duration::seconds(5), now),
            "for about a minute"
        );
    }

    #[test]
    fn future_times_read_as_how_far_off_they_are() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 13, 0, 0).unwrap();
        let ahead = |s| now + chrono::Duration::seconds(s);
        assert_eq!(relative_future(en(), ahead(20), now), "in about a minute");
        assert_eq!(
            relative_future(en(), ahead(25 * 60), now),
            "in about 25 minutes"
        );
        assert_eq!(
            relative_future(en(), ahead(25 * 60 - 10), now),
            "in about 25 minutes"
        );
        assert_eq!(
            relative_future(en(), ahead(58 * 60), now),
            "in about 58 minutes"
        );
        assert_eq!(relative_future(en(), ahead(3600), now), "in about an hour");
        assert_eq!(
            relative_future(en(), ahead(3 * 3600), now),
            "in about 3 hours"
        );
        assert_eq!(
            relative_future(en(), ahead(3600 + 1800), now),
            "in about 2 hours"
        );
        assert_eq!(
            relative_future(en(), ahead(3 * 86_400), now),
            "in about 3 days"
        );
    }

    #[test]
    fn windows_name_the_day_once_when_they_fit_in_one() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let from = Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap();
        let until = Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap();
        let (a, b) = window(en(), from, until, berlin, false);
        assert_eq!(format!("{a}–{b}"), "Sun 22 Nov 02:00–04:00 CET");
        let (a, _) = window(en(), from, until, berlin, true);
        assert_eq!(a, "Sun 22 Nov 2026 02:00");
        let late = Utc.with_ymd_and_hms(2026, 11, 22, 22, 0, 0).unwrap();
        let (a, b) = window(en(), late, late + chrono::Duration::hours(3), berlin, false);
        assert_eq!(
            format!("{a} – {b}"),
            "Sun 22 Nov 23:00 CET – Mon 23 Nov 02:00 CET"
        );
        // Across the change to summer time both zones are named.
        let dst = Utc.with_ymd_and_hms(2026, 3, 29, 0, 0, 0).unwrap();
        let (a, b) = window(en(), dst, dst + chrono::Duration::hours(2), berlin, false);
        assert_eq!(format!("{a}–{b}"), "Sun 29 Mar 01:00 CET–04:00 CEST");
    }

    #[test]
    fn spans_and_dates_read_naturally() {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 13, 2, 0).unwrap();
        let after = |s| at + chrono::Duration::seconds(s);
        assert_eq!(span(en(), at, after(20)), "less than a minute");
        assert_eq!(span(en(), at, after(45 * 60)), "45 minutes");
        assert_eq!(span(en(), at, after(85 * 60)), "1 hour 25 minutes");
        assert_eq!(span(en(), at, after(2 * 3600)), "2 hours");
        assert_eq!(
            span(en(), at, after(2 * 86_400 + 3 * 3600 + 60)),
            "2 days 3 hours"
        );
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(full(en(), at, berlin), "Sun 22 Nov 2026, 14:02 CET");
        assert_eq!(day_time(en(), at, berlin), "Sun 22 Nov, 14:02 CET");
        assert_eq!(month(en(), at, berlin), "November 2026");
    }
}
