//! "I'm affected" reports: a visitor says a component is not working for
//! them, with at most a short text and no address. Reports are counted per
//! component over the last 15 minutes and hour; when a component's count
//! reaches its `report_threshold` while its checks are green, engineers are
//! told once (the admin dashboard and a `component.reports_threshold`
//! webhook): customers see something the checks do not.
//!
//! Core: plain data and pure rules, no storage or web. A report enters
//! through the pipeline (the one writer), which keeps a [`Watch`] of the
//! last hour and stores reports through `store::ReportStore`; nothing a
//! visitor types is ever part of the public view.
//!
//! - [`text`]: what a visitor may type, cleaned once at the edge.
//! - [`tally`]: reports per component over the last hour, in memory.
//! - [`watch`]: the tally with each component's alarm, and when it turns.
//! - [`overview`]: what engineers see, from what is stored.

pub mod overview;
pub mod tally;
pub mod text;
pub mod watch;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::model::ComponentId;

pub use overview::{ComponentReports, Overview};
pub use text::{TEXT_MAX, TextTooLong, clean_text};
pub use watch::{Counts, Turn, Watch};

/// The short window: the threshold counts reports within it.
pub const SHORT: Duration = Duration::minutes(15);
/// The long window engineers also see; the tally keeps this much.
pub const LONG: Duration = Duration::hours(1);
/// How long stored reports are kept (engineers read the recent ones; the
/// counts need only the last hour).
pub const KEEP: Duration = Duration::days(7);
/// The most reports stored at once: the oldest beyond it are pruned too,
/// so storage does not grow with a flood, whatever its age.
pub const KEEP_AT_MOST: usize = 10_000;

/// The webhook event a crossed threshold sends.
pub const THRESHOLD_EVENT: &str = "component.reports_threshold";

/// One visitor's report, as stored. It names no visitor: no address, no
/// network, no cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub component: ComponentId,
    pub at: DateTime<Utc>,
    /// What they wrote, cleaned ([`clean_text`]); None when they wrote nothing.
    pub text: Option<String>,
}

#[cfg(test)]
mod tests;
