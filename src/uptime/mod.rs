//! Uptime history, by time rather than by sample: per component and local day
//! (in the site's zone), the milliseconds spent in each status, kept as
//! rollups in sled; plus each check's response times over the last 24 hours.
//!
//! A day's uptime is `1 − (major_outage + 0.3 × partial_outage) / observed`,
//! where *observed* is the time in operational, degraded performance, partial
//! or major outage: `degraded_performance` counts as up, time under
//! maintenance and time nobody observed are left out, and a day with nothing
//! observed has no uptime at all ("no data", never 100 %).

pub mod calendar;
pub mod latency;
pub mod ledger;
pub mod record;
pub mod report;

use crate::model::ComponentStatus;

pub use ledger::Ledger;
pub use record::Day;
pub use report::{Report, Reports};

/// How long day rollups are kept (the issue asks for at least 400 days).
pub const KEEP_DAYS: u32 = 400;

/// Milliseconds per status: operational, degraded, partial, major, maintenance.
pub type Totals = [u32; 5];

/// The slot of a status in [`Totals`].
pub fn bucket(status: ComponentStatus) -> usize {
    match status {
        ComponentStatus::Operational => 0,
        ComponentStatus::DegradedPerformance => 1,
        ComponentStatus::PartialOutage => 2,
        ComponentStatus::MajorOutage => 3,
        ComponentStatus::UnderMaintenance => 4,
    }
}

/// Milliseconds observed: every status but maintenance.
pub fn observed(t: &Totals) -> u64 {
    t[..4].iter().map(|&ms| u64::from(ms)).sum()
}

/// The uptime of some observed time, in [0, 1]; None when nothing was observed.
pub fn uptime(t: &Totals) -> Option<f64> {
    uptime_of(std::iter::once(t))
}

/// Adds `b` into `a`, saturating (a day holds at most 25 hours of milliseconds).
pub fn add(a: &mut Totals, b: &Totals) {
    for (x, y) in a.iter_mut().zip(b) {
        *x = x.saturating_add(*y);
    }
}

/// The uptime of several spans together: their totals summed in 64 bits
/// (weighted by observed time, so a short day counts for less), then the formula.
pub fn uptime_of<'a>(days: impl IntoIterator<Item = &'a Totals>) -> Option<f64> {
    let mut sum = [0u64; 5];
    for t in days {
        for (s, v) in sum.iter_mut().zip(t) {
            *s += u64::from(*v);
        }
    }
    let observed: u64 = sum[..4].iter().sum();
    if observed == 0 {
        return None;
    }
    let down = sum[3] as f64 + 0.3 * sum[2] as f64;
    Some(1.0 - down / observed as f64)
}

#[cfg(test)]
mod tests;
