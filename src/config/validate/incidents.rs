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
    }
}
