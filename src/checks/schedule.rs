//! When checks run: cron expressions read in a time zone, or fixed intervals anchored
//! to the Unix epoch, plus a stable per-check offset so checks due together spread
//! out over their interval.
//!
//! Spreading: 1,000 checks every 30 s all aligned to :00 and :30 would hit their
//! targets (and Candor) with 1,000 requests at once and nothing in between. Each
//! check is instead shifted by a fixed offset within its interval, a hash of its
//! id: the same on every start and whatever the order of the file, so each check
//! still runs exactly every interval, on the same instants, and never drifts.
//! A fixed interval spreads over its whole length; a crontab expression (no
//! seconds field) names a minute, so it spreads within that minute; an
//! expression that names its second keeps it.
//!
//! Daylight saving: a cron schedule fires at every instant whose wall-clock time in its
//! zone matches. When clocks fall back, a repeated wall time fires in both passes (an
//! hourly check stays hourly; a daily `30 1 * * *` in New York fires twice that night).
//! When clocks spring forward, a skipped wall time fires when the gap ends (a daily
//! `30 2 * * *` runs at 03:00 that day, not never). The cron crate is only asked for
//! wall times, because its own zone handling, restarted from each firing as a
//! scheduler does, skips the second pass of a repeated hour and drops skipped times.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use crate::model::fnv1a;

/// Shortest fixed interval: anything faster is a load test, not a health check.
const MIN_EVERY: Duration = Duration::from_millis(100);
/// Longest fixed interval: a status page checked less than weekly says nothing.
const MAX_EVERY: Duration = Duration::from_secs(7 * 86_400);
/// How far a schedule without a seconds field spreads: the minute it names.
const MINUTE: Duration = Duration::from_secs(60);
/// Crontab's day numbers 0..=6 (7 is Sunday again), as names the cron crate reads.
const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
/// The fields of a 6/7-field expression, to say which one an error is about.
const FIELD_NAMES: [&str; 7] = [
    "second",
    "minute",
    "hour",
    "day-of-month",
    "month",
    "day-of-week",
    "year",
];

/// When a check runs.
#[derive(Debug, Clone)]
pub enum Cadence {
    /// A cron expression read in a time zone; built by [`Cadence::cron`].
    Cron(CronSchedule),
    /// Fixed interval, anchored to the Unix epoch so runs never drift (every 30s → :00 and :30).
    Every(Duration),
}

/// A parsed cron expression and its zone; built by [`Cadence::cron`], which documents
/// the syntax, so that callers cannot hold an unvalidated schedule.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    /// Fires when any of these does: one schedule, or two for crontab's rule that a
    /// restricted day-of-month and day-of-week match when either does.
    schedules: Vec<cron::Schedule>,
    tz: Tz,
    /// Written with a seconds field (6 or 7 fields): that second is kept.
    explicit_second: bool,
    /// As written, for agents that build the same schedule (`checks::wire`).
    expr: String,
}

impl CronSchedule {
    /// The expression as written.
    pub fn expr(&self) -> &str {
        &self.expr
    }

    /// The zone it is read in.
    pub fn tz(&self) -> Tz {
        self.tz
    }
}

impl Cadence {
    /// Parse a cron expression read in zone `tz`, so "9 am" means 9 am where the operator is.
    ///
    /// - 6 fields `sec min hour dom month dow` (or 7, with a year, or `@daily` and the
    ///   other shorthands): the `cron` crate's syntax and semantics exactly, weekday
    ///   1 = Sunday, and day-of-month AND day-of-week must both match.
    /// - 5 fields `min hour dom month dow`: classic crontab, fired at second 0; weekday
    ///   0 or 7 = Sunday, 1 = Monday ... 6 = Saturday, names SUN..SAT, ranges, lists and
    ///   steps (`N/step` runs to 7, as cronie reads it). As in vixie cron, when neither
    ///   day field starts with `*`, a day matching EITHER fires (`0 0 13 * 5`: the 13th
    ///   and every Friday).
    ///
    /// Errors are one plain line naming the expression and, when known, the field.
    pub fn cron(expr: &str, tz: Tz) -> Result<Self, String> {
        let fields: Vec<&str> = expr.split_whitespace().collect();
        let schedules = match fields.len() {
            1 if expr.trim_start().starts_with('@') => vec![parse_cron(expr, expr.trim())?],
            5 => crontab(expr, &fields)?,
            6 | 7 => vec![parse_cron(expr, &fields.join(" "))?],
            n => {
                return Err(format!(
                    "\"{expr}\" has {n} fields; use 5 (crontab: minute hour day-of-month month \
                     day-of-week) or 6 (seconds first)"
                ));
            }
        };
        Ok(Cadence::Cron(CronSchedule {
            schedules,
            tz,
            explicit_second: matches!(fields.len(), 6 | 7),
            expr: expr.to_owned(),
        }))
    }

    /// Fixed interval; must be at least 100 ms and at most 7 days, the range in which
    /// probing is both harmless to the target and useful to the page.
    pub fn every(interval: Duration) -> Result<Self, String> {
        let shown = humantime::format_duration(interval);
        if interval < MIN_EVERY {
            Err(format!("interval {shown} is too short; use at least 100ms"))
        } else if interval > MAX_EVERY {
            Err(format!("interval {shown} is too long; use at most 7 days"))
        } else {
            Ok(Cadence::Every(interval))
        }
    }

    /// The first scheduled instant strictly after `after` (offset not included), so a
    /// scheduler can sleep until it. None only if the schedule never fires again (e.g. a
    /// past year).
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Cadence::Every(interval) => next_multiple(*interval, after),
            Cadence::Cron(c) => c
                .schedules
                .iter()
                .filter_map(|s| next_in_zone(s, c.tz, after))
                .min(),
        }
    }

    /// Where in its interval the check with id `key` runs, after each scheduled
    /// instant: a stable hash of the id within the interval (an `Every`), within
    /// the minute for a cron expression without seconds (never past its next
    /// firing), zero for one that names its second.
    pub fn offset(&self, key: &str, around: DateTime<Utc>) -> Duration {
        let bound = match self {
            Cadence::Every(interval) => *interval,
            Cadence::Cron(c) if c.explicit_second => Duration::ZERO,
            Cadence::Cron(_) => self.period(around).min(MINUTE),
        };
        offset_within(key, bound)
    }

    /// The typical spacing between runs near `around`, which sizes offsets and staleness
    /// (for an `Every`, the interval; for cron, the gap between the next two firings
    /// after `around`, or 1 day if there are none).
    pub fn period(&self, around: DateTime<Utc>) -> Duration {
        const DAY: Duration = Duration::from_secs(86_400);
        match self {
            Cadence::Every(interval) => *interval,
            Cadence::Cron(_) => self
                .next_after(around)
                .and_then(|a| Some((a, self.next_after(a)?)))
                .and_then(|(a, b)| (b - a).to_std().ok())
                .unwrap_or(DAY),
        }
    }
}

/// A deterministic offset in [0, `bound`) derived from `key` (the check id): the
/// same across restarts, builds and platforms. ZERO when the bound is zero.
pub fn offset_within(key: &str, bound: Duration) -> Duration {
    match u64::try_from(bound.as_nanos()) {
        Ok(0) | Err(_) => Duration::ZERO,
        Ok(bound) => Duration::from_nanos(stable_hash(key) % bound),
    }
}

/// FNV-1a (64-bit) finished with murmur3's mix: fixed arithmetic, so a key hashes the same
/// on every run, build and platform (unlike std's seeded hashers), and the mix spreads
/// FNV's weak low bits over the whole word before the modulo.
fn stable_hash(key: &str) -> u64 {
    let mut h = fnv1a(key.as_bytes());
    h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h = (h ^ (h >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The next whole multiple of `interval` since the Unix epoch strictly after `after`, so
/// runs stay on the same grid whatever time the process started.
fn next_multiple(interval: Duration, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    const NANOS: i128 = 1_000_000_000;
    let step = i128::try_from(interval.as_nanos())
        .ok()
        .filter(|s| *s > 0)?;
    let now = i128::from(after.timestamp()) * NANOS + i128::from(after.timestamp_subsec_nanos());
    let next = (now.div_euclid(step) + 1) * step;
    let secs = i64::try_from(next.div_euclid(NANOS)).ok()?;
    DateTime::from_timestamp(secs, u32::try_from(next.rem_euclid(NANOS)).ok()?)
}

/// Translates crontab to the cron crate's syntax: second 0 first, and day-of-week spelt
/// with names (the numbering differs); crontab's either-day rule, which the crate can't
/// express, becomes two schedules, one per day field.
fn crontab(user: &str, fields: &[&str]) -> Result<Vec<cron::Schedule>, String> {
    let [min, hour, dom, month, dow] = fields else {
        return Err(format!("\"{user}\" is not a 5-field crontab expression"));
    };
    let days =
        crontab_days(dow).map_err(|e| format!("\"{user}\": day-of-week field \"{dow}\": {e}"))?;
    let build =
        |dom: &str, dow: &str| parse_cron(user, &format!("0 {min} {hour} {dom} {month} {dow}"));
    let restricted = |f: &str| !f.starts_with('*') && f != "?";
    if restricted(dom) && restricted(dow) {
        Ok(vec![build(dom, "*")?, build("*", &days)?])
    } else {
        Ok(vec![build(dom, &days)?])
    }
}

/// Reads a crontab day-of-week field and spells it as a list of day names, which the cron
/// crate reads unambiguously.
fn crontab_days(field: &str) -> Result<String, String> {
    if field == "*" {
        return Ok("*".into());
    }
    let mut on = [false; 7];
    for item in field.split(',') {
        for day in crontab_day_item(item)? {
            on[day % 7] = true;
        }
    }
    let names: Vec<&str> = DAY_NAMES
        .iter()
        .zip(on)
        .filter(|(_, o)| *o)
        .map(|(n, _)| *n)
        .collect();
    Ok(names.join(","))
}

/// One list item: `*`, `N`, `N-M`, names, each optionally `/step`; yields days 0..=7.
fn crontab_day_item(item: &str) -> Result<impl Iterator<Item = usize>, String> {
    let (range, step) = match item.split_once('/') {
        None => (item, None),
        Some((range, step)) => match step.parse::<usize>() {
            Ok(n) if n > 0 => (range, Some(n)),
            _ => {
                return Err(format!(
                    "step \"{step}\" in \"{item}\" must be a whole number from 1"
                ));
            }
        },
    };
    let (lo, hi) = match range.split_once('-') {
        _ if range == "*" => (0, 6),
        // SUN ends a range as 7, so FRI-SUN reads as people mean it; SUN-SUN and
        // 0-SUN stay Sunday only.
        Some((a, b)) if b.eq_ignore_ascii_case("sun") => match crontab_day(a)? {
            0 => (0, 0),
            lo => (lo, 7),
        },
        Some((a, b)) => (crontab_day(a)?, crontab_day(b)?),
        None if step.is_some() => (crontab_day(range)?, 7),
        None => (crontab_day(range)?, crontab_day(range)?),
    };
    if lo > hi {
        return Err(format!(
            "range \"{range}\" runs backwards; write it low-high, like 1-5"
        ));
    }
    Ok((lo..=hi).step_by(step.unwrap_or(1)))
}

/// One crontab day: 0..=7 (0 and 7 are Sunday) or a name SUN..SAT in any case.
fn crontab_day(s: &str) -> Result<usize, String> {
    if let Some(i) = DAY_NAMES.iter().position(|n| n.eq_ignore_ascii_case(s)) {
        return Ok(i);
    }
    match s.parse::<usize>() {
        Ok(n) if n <= 7 => Ok(n),
        Ok(n) => Err(format!(
            "{n} is out of range; use 0-7 (0 and 7 are Sunday) or SUN-SAT"
        )),
        Err(_) => Err(format!(
            "\"{s}\" is not a day; use 0-7 (0 and 7 are Sunday) or SUN-SAT"
        )),
    }
}

/// Parses `text` with the cron crate, turning its three-line error (input, caret,
/// reason) into one line that quotes what the user wrote and names the field at fault.
fn parse_cron(user: &str, text: &str) -> Result<cron::Schedule, String> {
    cron::Schedule::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let mut lines = msg.lines().skip(1);
        let caret = lines.next().and_then(|l| l.find('^'));
        let reason = lines.collect::<Vec<_>>().join(" ").trim().to_owned();
        let at = caret.and_then(|pos| field_at(text, pos));
        match (at, reason.is_empty()) {
            (Some(("day-of-week", tok)), false) => format!(
                "\"{user}\": day-of-week field \"{tok}\": {reason} With 6 fields, 1 = Sunday \
                 ... 7 = Saturday (with 5, crontab's 0 or 7 = Sunday)"
            ),
            (Some((name, tok)), false) => format!("\"{user}\": {name} field \"{tok}\": {reason}"),
            (Some((name, tok)), true) => format!("\"{user}\": {name} field \"{tok}\" is not valid"),
            (None, false) => format!("\"{user}\": {reason}"),
            (None, true) => format!("\"{user}\" is not a valid cron expression"),
        }
    })
}

/// The name and text of the field at byte `pos` of a single-spaced 6/7-field `text`.
fn field_at(text: &str, pos: usize) -> Option<(&'static str, &str)> {
    let tokens: Vec<&str> = text.split(' ').collect();
    let index = text.get(..pos)?.matches(' ').count();
    Some((
        FIELD_NAMES.get(index).filter(|_| tokens.len() >= 6)?,
        tokens.get(index)?,
    ))
}

/// The first instant strictly after `after` whose wall time in `tz` matches `schedule`.
///
/// Walls map to instants monotonically, except that the second pass of a repeated hour
/// runs back in wall time. So the answer is the next matching wall time (its first
/// instant past `after`) or, when `after` is in a first pass, the first matching wall
/// time of the second pass.
fn next_in_zone(schedule: &cron::Schedule, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let wall_after = |from: NaiveDateTime| {
        let wall = schedule.after(&from.and_utc()).next()?;
        instants(tz, wall.naive_utc())
    };
    let wall = after.with_timezone(&tz).naive_local();
    let next =
        wall_after(wall).and_then(|(early, late)| [early, late].into_iter().find(|t| *t > after));
    let second_pass = repeat_start(tz, after)
        .and_then(|start| wall_after(start.checked_sub_signed(TimeDelta::seconds(1))?))
        .map(|(_, late)| late)
        .filter(|t| *t > after);
    next.into_iter().chain(second_pass).min()
}

/// If `after` is in the first pass of a repeated hour, the wall time at which the second
/// pass starts (the clock's reading just after it is set back).
fn repeat_start(tz: Tz, after: DateTime<Utc>) -> Option<NaiveDateTime> {
    let wall = after.with_timezone(&tz).naive_local();
    let LocalResult::Ambiguous(a, b) = tz.from_local_datetime(&wall) else {
        return None;
    };
    let (first, second) = (a.min(b), a.max(b));
    if first != after {
        return None;
    }
    let set_back = first_second(after.timestamp(), second.timestamp(), |t| {
        t.with_timezone(&tz).offset().fix() == second.offset().fix()
    })?;
    Some(set_back.with_timezone(&tz).naive_local())
}

/// The instants at which `tz` shows `wall`, earliest first: two in a repeated hour, and for
/// a wall time skipped by a spring-forward, the instant the gap ends.
pub(crate) fn instants(tz: Tz, wall: NaiveDateTime) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(t) => Some((t.to_utc(), t.to_utc())),
        LocalResult::Ambiguous(a, b) => Some((a.min(b).to_utc(), a.max(b).to_utc())),
        LocalResult::None => {
            // Clocks jumped over `wall`: the first second whose wall time is later.
            let center = wall.and_utc().timestamp();
            let end = first_second(center - 86_400, center + 86_400, |t| {
                t.with_timezone(&tz).naive_local() > wall
            })?;
            Some((end, end))
        }
    }
}

/// The first whole second in (`lo`, `hi`] (Unix seconds) at which `is_past` holds, by
/// bisection: clock changes happen on whole seconds, so this finds them exactly.
fn first_second(
    mut lo: i64,
    mut hi: i64,
    is_past: impl Fn(DateTime<Utc>) -> bool,
) -> Option<DateTime<Utc>> {
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if DateTime::from_timestamp(mid, 0).is_some_and(&is_past) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    DateTime::from_timestamp(hi, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Europe::Berlin, UTC};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// The next `n` firings of `expr` after `from`, restarting from each as a scheduler
    /// does, formatted with `fmt` and joined by spaces.
    fn firings(expr: &str, tz: Tz, from: &str, n: usize, fmt: &str) -> String {
        let cadence = Cadence::cron(expr, tz).unwrap();
        let mut t = at(from);
        let out: Vec<String> = (0..n)
            .map_while(|_| {
                t = cadence.next_after(t)?;
                Some(t.format(fmt).to_string())
            })
            .collect();
        out.join(" ")
    }

    #[test]
    fn expressions_fire_when_expected() {
        let cases = [
            ("*/30 * * * * *", "12:00:07", "12:00:30 12:01:00 12:01:30"),
            ("*/5 * * * *", "12:03:20", "12:05:00 12:10:00 12:15:00"),
            ("0 9 * * *", "09:00:00", "03T09:00:00 04T09:00:00"),
            ("@hourly", "09:00:00", "10:00:00 11:00:00 12:00:00"),
            ("0 15 10 * * * 2025", "09:00:00", ""),
        ];
        for (expr, from, want) in cases {
            let fmt = if want.contains('T') { "%dT%T" } else { "%T" };
            let n = want.split(' ').count().max(1);
            let got = firings(expr, UTC, &format!("2026-03-02T{from}Z"), n, fmt);
            assert_eq!(got, want, "{expr}");
        }
    }

    #[test]
    fn crontab_weekdays_use_crontab_numbering() {
        let cases = [
            ("0 9 * * 0", "Sun"),
            ("0 9 * * 7", "Sun"),
            ("0 9 * * SUN", "Sun"),
            ("0 9 * * sun", "Sun"),
            ("0 9 * * 1-5", "Mon Tue Wed Thu Fri"),
            ("0 9 * * MON-FRI", "Mon Tue Wed Thu Fri"),
            ("0 9 * * 5-7", "Sun Fri Sat"),
            ("0 9 * * fri-sun", "Sun Fri Sat"),
            ("0 9 * * SUN-SUN", "Sun"),
            ("0 9 * * 0-sun", "Sun"),
            ("0 9 * * 7-SUN", "Sun"),
            ("0 9 * * sat-sun", "Sun Sat"),
            ("0 9 * * */2", "Sun Tue Thu Sat"),
            ("0 9 * * 1-5/2", "Mon Wed Fri"),
            ("0 9 * * 1/2", "Sun Mon Wed Fri"),
            ("0 9 * * 1,3,sat", "Mon Wed Sat"),
            // 6 fields: the cron crate's numbering, 1 = Sunday.
            ("0 0 9 * * 1", "Sun"),
            ("0 0 9 * * 2-6", "Mon Tue Wed Thu Fri"),
        ];
        for (expr, want) in cases {
            // Sunday 1 March 2026 to Sunday 8 March, exclusive.
            let all = firings(expr, UTC, "2026-02-28T23:59:59Z", 8, "%m-%d/%a/%H");
            let week: Vec<&str> = (all.split(' '))
                .filter(|f| *f < "03-08" && f.ends_with("/09"))
                .map(|f| &f[6..9])
                .collect();
            assert_eq!(week.join(" "), want, "{expr}: {all}");
            assert!(all.split(' ').all(|f| f.ends_with("/09")), "{expr}: {all}");
        }
    }

    #[test]
    fn day_fields_combine_like_crontab_or_cron() {
        let cases = [
            // Restricted day-of-month and day-of-week: either matches (vixie cron).
            ("0 0 13 * 5", "04-03 04-10 04-13 04-17 04-24 05-01"),
            // A day-of-month starting with * does not count as restricted: both must match.
            ("0 0 */10 * 5", "05-01 07-31 08-21 09-11 12-11"),
            // 6 fields keep the cron crate's rule: Friday the 13th only.
            ("0 0 0 13 * 6", "11-13 08-13"),
        ];
        for (expr, want) in cases {
            let n = want.split(' ').count();
            let got = firings(expr, UTC, "2026-04-01T00:00:00Z", n, "%m-%d");
            assert_eq!(got, want, "{expr}");
        }
    }

    #[test]
    fn bad_expressions_say_what_is_wrong() {
        let cases = [
            ("*/5 * * *", "has 4 fields; use 5 (crontab"),
            ("* * * * * * * *", "has 8 fields"),
            ("", "has 0 fields"),
            ("0 61 * * * *", "minute field \"61\": Minutes must be"),
            ("61 * * * *", "minute field \"61\""),
            ("0 25 * * *", "hour field \"25\""),
            ("a b c d e f", "second field \"a\""),
            ("0 0 0 * * * 2200", "year field \"2200\""),
            (
                "0 0 9 * * 0",
                "day-of-week field \"0\": Days of Week must be greater",
            ),
            ("0 0 9 * * 0", "With 6 fields, 1 = Sunday"),
            ("0 9 * * 8", "day-of-week field \"8\": 8 is out of range"),
            ("0 9 * * 5-1", "range \"5-1\" runs backwards"),
            ("0 9 * * */0", "step \"0\" in \"*/0\""),
            ("0 9 * * 1/x", "step \"x\""),
            ("0 9 * * MOO", "\"MOO\" is not a day"),
            ("0 9 * * 1,,2", "\"\" is not a day"),
            ("hello world foo bar baz", "\"baz\" is not a day"),
            ("@sometimes", "\"@sometimes\""),
        ];
        for (expr, want) in cases {
            let err = Cadence::cron(expr, UTC).unwrap_err();
            assert!(err.starts_with(&format!("\"{expr}\"")), "{expr}: {err}");
            assert!(err.contains(want) && !err.contains('\n'), "{expr}: {err}");
        }
    }

    #[test]
    fn dst_keeps_wall_clock_and_keeps_firing() {
        // expression | zone | from (2026, UTC) | next firings (day of month T UTC time)
        let table = "
            0 9 * * *      | America/New_York | 03-06T00:00 | 06T14:00 07T14:00 08T13:00 09T13:00
            0 9 * * *      | America/New_York | 10-30T00:00 | 30T13:00 31T13:00 01T14:00 02T14:00
            0 * * * *      | America/New_York | 03-08T05:30 | 08T06:00 08T07:00 08T08:00
            0 * * * *      | America/New_York | 11-01T04:30 | 01T05:00 01T06:00 01T07:00 01T08:00
            0 */20 * * * * | America/New_York | 11-01T05:30 | 01T05:40 01T06:00 01T06:20 01T06:40
            30 2 * * *     | Europe/Berlin    | 03-28T00:00 | 28T01:30 29T01:00 30T00:30
            30 2 * * *     | Europe/Berlin    | 10-24T00:00 | 24T00:30 25T00:30 25T01:30 26T01:30";
        // New York springs forward at 07:00Z (02:00 skipped: it fires as the gap ends, with
        // 03:00) and falls back at 06:00Z (01:00 shows twice and fires twice). Berlin springs
        // forward at 01:00Z (02:30 runs at 03:00 CEST) and falls back at 01:00Z.
        for row in table.trim().lines() {
            let [expr, tz, from, want] = row.split('|').map(str::trim).collect::<Vec<_>>()[..]
            else {
                panic!("bad row {row}");
            };
            let (tz, n) = (tz.parse().unwrap(), want.split(' ').count());
            let got = firings(expr, tz, &format!("2026-{from}:00Z"), n, "%dT%H:%M");
            assert_eq!(got, want, "{row}");
        }
    }

    #[test]
    fn dst_fast_schedules_step_evenly() {
        let cases = [
            ("* * * * *", New_York, "2026-03-08T06:00:00Z", 60, 180),
            ("* * * * *", New_York, "2026-11-01T04:30:00Z", 60, 180),
            ("* * * * * *", New_York, "2026-11-01T05:58:00Z", 1, 300),
            ("* * * * * *", Berlin, "2026-03-29T00:59:00Z", 1, 300),
            ("*/15 * * * *", Berlin, "2026-10-25T00:00:00Z", 900, 12),
        ];
        for (expr, tz, from, step, n) in cases {
            let cadence = Cadence::cron(expr, tz).unwrap();
            let mut t = at(from);
            for _ in 0..n {
                let next = cadence.next_after(t).unwrap();
                assert_eq!((next - t).num_seconds(), step, "{expr} {tz} after {t}");
                t = next;
            }
        }
    }

    #[test]
    fn every_is_anchored_to_the_epoch() {
        let cases = [
            (30_000, "12:00:07", "12:00:30"),
            (30_000, "12:00:30", "12:01:00"),
            (250, "12:00:00.100", "12:00:00.250"),
            (3_600_000, "12:59:59.999", "13:00:00"),
        ];
        for (ms, from, want) in cases {
            let cadence = Cadence::every(Duration::from_millis(ms)).unwrap();
            let next = cadence
                .next_after(at(&format!("2026-03-02T{from}Z")))
                .unwrap();
            assert_eq!(next.format("%H:%M:%S%.f").to_string(), want, "{ms}ms");
        }
    }

    #[test]
    fn every_rejects_out_of_range_intervals() {
        let week = 7 * 86_400_000;
        for (ms, ok) in [
            (0, false),
            (50, false),
            (100, true),
            (week, true),
            (week + 1, false),
        ] {
            let got = Cadence::every(Duration::from_millis(ms));
            assert_eq!(got.is_ok(), ok, "{ms}ms: {got:?}");
        }
        let err = Cadence::every(Duration::from_millis(50)).unwrap_err();
        assert_eq!(err, "interval 50ms is too short; use at least 100ms");
    }

    #[test]
    fn period_is_the_gap_between_runs() {
        let cases = [
            ("*/5 * * * *", "02", 300),
            ("0 9 * * 1-5", "02", 86_400),
            // Thursday noon: Friday 09:00, then Monday 09:00.
            ("0 9 * * 1-5", "05", 3 * 86_400),
            ("0 0 0 * * * 2020", "02", 86_400),
        ];
        for (expr, day, secs) in cases {
            let around = at(&format!("2026-03-{day}T12:00:00Z"));
            let period = Cadence::cron(expr, UTC).unwrap().period(around);
            assert_eq!(period.as_secs(), secs, "{expr}");
        }
        let every = Cadence::every(Duration::from_secs(45)).unwrap();
        assert_eq!(every.period(at("2026-03-02T12:00:00Z")).as_secs(), 45);
    }

    /// The instants the scheduler runs `key` on, as it does: each scheduled
    /// instant plus its offset, the first `n` after `from`.
    fn runs(cadence: &Cadence, key: &str, from: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let offset = TimeDelta::from_std(cadence.offset(key, from)).unwrap();
        let first = cadence.next_after(from - offset);
        std::iter::successors(first, |t| cadence.next_after(*t))
            .take(n)
            .map(|t| t + offset)
            .collect()
    }

    #[test]
    fn offset_is_stable_and_within_the_interval() {
        let every = |s: u64| Cadence::every(Duration::from_secs(s)).unwrap();
        let now = at("2026-03-02T12:00:00Z");
        // Pinned (checked against a separate FNV-1a + fmix64 implementation): a
        // change of hash would move every check to another instant.
        assert_eq!(
            every(30).offset("api", now),
            Duration::from_nanos(3_110_066_387)
        );
        assert_eq!(
            every(60).offset("api", now),
            Duration::from_nanos(33_110_066_387)
        );
        // Only the id counts: not the time asked, nor any other check.
        assert_eq!(
            every(30).offset("api", now + TimeDelta::hours(5)),
            every(30).offset("api", now)
        );
        let offsets: Vec<Duration> = (0..1000)
            .map(|i| every(30).offset(&format!("check-{i}"), now))
            .collect();
        assert!(offsets.iter().all(|o| *o < Duration::from_secs(30)));
        // Even over the interval: per 1-second slot, 1,000 checks average 33.3.
        let mut per_second = [0_u32; 30];
        for o in &offsets {
            per_second[o.as_secs() as usize] += 1;
        }
        let (min, max) = (
            per_second.iter().min().unwrap(),
            per_second.iter().max().unwrap(),
        );
        assert!(*min >= 18 && *max <= 50, "per second: {per_second:?}");
        let mut distinct = offsets;
        distinct.sort();
        distinct.dedup();
        assert!(distinct.len() > 990, "{} distinct", distinct.len());
        assert_eq!(offset_within("api", Duration::ZERO), Duration::ZERO);
        assert_eq!(
            offset_within("api", Duration::from_nanos(1)),
            Duration::ZERO
        );
    }

    #[test]
    fn a_check_runs_exactly_every_interval_and_never_drifts() {
        let cadence = Cadence::every(Duration::from_secs(30)).unwrap();
        let from = at("2026-03-02T12:00:07Z");
        let offset = TimeDelta::from_std(cadence.offset("api", from)).unwrap();
        let all = runs(&cadence, "api", from, 10_000);
        assert!(
            all.windows(2)
                .all(|w| w[1] - w[0] == TimeDelta::seconds(30))
        );
        // Every run sits on the epoch's 30 s grid plus the offset, days later too.
        let grid =
            |t: &DateTime<Utc>| (*t - offset).timestamp_nanos_opt().unwrap() % 30_000_000_000;
        assert!(all.iter().all(|t| grid(t) == 0));
        // Started again later, it runs on the same instants.
        let later = runs(&cadence, "api", all[5000] - TimeDelta::seconds(1), 3);
        assert_eq!(later, all[5000..5003]);
    }

    #[test]
    fn cron_with_an_explicit_second_keeps_it_and_crontab_spreads_within_its_minute() {
        let from = at("2026-03-02T12:03:20Z");
        for expr in ["15 */5 * * * *", "0 0 9 * * * *"] {
            let cadence = Cadence::cron(expr, UTC).unwrap();
            for key in ["api", "db", "check-7"] {
                assert_eq!(cadence.offset(key, from), Duration::ZERO, "{expr}");
                assert_eq!(runs(&cadence, key, from, 3), runs(&cadence, "x", from, 3));
            }
        }
        let five = Cadence::cron("*/5 * * * *", UTC).unwrap();
        let offsets: Vec<Duration> = (0..100)
            .map(|i| five.offset(&format!("c{i}"), from))
            .collect();
        assert!(offsets.iter().all(|o| *o < Duration::from_secs(60)));
        assert!(offsets.iter().any(|o| *o >= Duration::from_secs(30)));
        let got = runs(&five, "api", from, 3);
        assert!(got.windows(2).all(|w| w[1] - w[0] == TimeDelta::minutes(5)));
        assert_eq!(
            got[0].format("%H:%M").to_string(),
            "12:05",
            "within the minute it names"
        );
    }
}
