//! `[incidents]`: how automatic incidents open, group and resolve.

use std::time::Duration;

use super::super::Incidents;
use super::super::raw::RawIncidents;
use super::Problems;

/// Longest correlation window: failures further apart than this are not one
/// outage anyone could tell apart from two.
const MAX_CORRELATE: Duration = Duration::from_secs(3600);
/// Longest settle time: a customer must hear about an outage within a minute.
const MAX_SETTLE: Duration = Duration::from_secs(60);
/// Bounds of a promised next update: sooner than a minute is no promise a
/// person can keep, later than a day is no promise at all.
const MIN_NEXT_UPDATE: Duration = Duration::from_secs(60);
const MAX_NEXT_UPDATE: Duration = Duration::from_secs(24 * 3600);
/// The default promise: "Next update by" half an hour after the last post.
const DEFAULT_NEXT_UPDATE: Duration = Duration::from_secs(30 * 60);

pub fn incidents(p: &mut Problems, raw: RawIncidents) -> Incidents {
    let quiet = p.duration("incidents.quiet_period", raw.quiet_period.as_deref());
    let correlate = p.duration(
        "incidents.correlate_within",
        raw.correlate_within.as_deref(),
    );
    if correlate.is_some_and(|d| d > MAX_CORRELATE) {
        p.add(
            "incidents.correlate_within",
            "must be at most 1h (\"0s\" turns correlation off)",
        );
    }
    let settle = p.duration("incidents.settle", raw.settle.as_deref());
    if settle.is_some_and(|d| d > MAX_SETTLE) {
        p.add(
            "incidents.settle",
            "must be at most 60s: subscribers must hear of an outage within a minute",
        );
    }
    Incidents {
        quiet_period: quiet.unwrap_or(Duration::from_secs(300)),
        correlate_within: correlate.unwrap_or(Duration::from_secs(120)),
        settle: settle.unwrap_or(Duration::from_secs(30)),
        next_update_within: next_update_within(p, raw.next_update_within.as_deref()),
    }
}

/// `next_update_within`: a duration from 1m to 24h, or `"off"` (also `"0"`)
/// for none; absent: 30 minutes.
fn next_update_within(p: &mut Problems, raw: Option<&str>) -> Option<Duration> {
    const KEY: &str = "incidents.next_update_within";
    if raw.is_some_and(|v| v.trim().eq_ignore_ascii_case("off")) {
        return None;
    }
    let Some(raw) = raw else {
        return Some(DEFAULT_NEXT_UPDATE);
    };
    match p.duration(KEY, Some(raw)) {
        Some(d) if d.is_zero() => None,
        Some(d) if (MIN_NEXT_UPDATE..=MAX_NEXT_UPDATE).contains(&d) => Some(d),
        Some(_) => {
            p.add(
                KEY,
                format!(
                    "\"{raw}\" is out of range: use 1m to 24h, or \"off\" to promise no next update"
                ),
            );
            Some(DEFAULT_NEXT_UPDATE)
        }
        // Reported by `duration`.
        None => Some(DEFAULT_NEXT_UPDATE),
    }
}
