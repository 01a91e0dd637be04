//! What engineers see of the reports (the admin dashboard and
//! `GET /api/admin/v1/reports`), made from what is stored: counts per
//! component over 15 minutes and an hour, its threshold, whether the count
//! is over it while its checks are green, and the newest reports.

use chrono::{DateTime, Utc};

use super::watch::Counts;
use super::{LONG, Report, SHORT};
use crate::config::Config;
use crate::model::{ComponentId, ComponentStatus};

/// The newest reports shown with each component.
pub const LATEST_PER_COMPONENT: usize = 3;
/// The newest reports listed in all.
pub const RECENT: usize = 100;

/// One component's reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentReports {
    pub id: ComponentId,
    pub name: String,
    pub counts: Counts,
    pub threshold: u32,
    /// At least `threshold` reports within the last 15 minutes.
    pub over: bool,
    /// What its checks alone say now.
    pub checks_status: ComponentStatus,
    /// Over the threshold while the checks say operational: customers see
    /// something the checks do not.
    pub unseen: bool,
    /// Since when engineers were told (the webhook), while they are.
    pub alarm_since: Option<DateTime<Utc>>,
    /// Its newest reports, newest first.
    pub latest: Vec<Report>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overview {
    /// Components with a report in the last hour or a raised alarm, those
    /// the checks do not see first, then by their counts.
    pub components: Vec<ComponentReports>,
    /// The newest reports of any component, newest first.
    pub recent: Vec<Report>,
}

/// The overview at `now` from the stored reports of the last hour, the
/// newest reports (newest first), the raised alarms, and what each
/// component's checks say.
pub fn overview(
    config: &Config,
    last_hour: &[Report],
    recent: Vec<Report>,
    alarms: &[(ComponentId, DateTime<Utc>)],
    checks: impl Fn(&ComponentId) -> ComponentStatus,
    now: DateTime<Utc>,
) -> Overview {
    let mut components: Vec<ComponentReports> = (config.components.iter())
        .filter_map(|c| {
            let mine = last_hour.iter().filter(|r| r.component == c.id);
            let counts = mine.fold(Counts::default(), |mut n, r| {
                n.last_1h += usize::from(r.at >= now - LONG);
                n.last_15m += usize::from(r.at >= now - SHORT);
                n
            });
            let alarm_since = alarms.iter().find(|(id, _)| *id == c.id).map(|(_, at)| *at);
            if counts.last_1h == 0 && alarm_since.is_none() {
                return None;
            }
            let over = counts.last_15m >= c.report_threshold as usize;
            let checks_status = checks(&c.id);
            let latest = (recent.iter())
                .filter(|r| r.component == c.id)
                .take(LATEST_PER_COMPONENT)
                .cloned()
                .collect();
            Some(ComponentReports {
                id: c.id.clone(),
                name: c.name.clone(),
                counts,
                threshold: c.report_threshold,
                over,
                checks_status,
                unseen: over && checks_status == ComponentStatus::Operational,
                alarm_since,
                latest,
            })
        })
        .collect();
    // Stable: equal ones keep the order of the file.
    components.sort_by_key(|c| {
        let n = c.counts;
        (
            !c.unseen,
            !c.over,
            std::cmp::Reverse((n.last_15m, n.last_1h)),
        )
    });
    Overview { components, recent }
}

impl Overview {
    /// The components customers report while the checks see nothing.
    pub fn unseen(&self) -> impl Iterator<Item = &ComponentReports> {
        self.components.iter().filter(|c| c.unseen)
    }
}
