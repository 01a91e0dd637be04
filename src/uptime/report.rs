//! What the pages show of the history, computed at each render from the
//! ledger (in memory): per component the last 90 days and the 24 h / 7 d /
//! 30 d / 90 d figures, plus the response-time buckets.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::calendar::{self, DayNo};
use super::latency::Latency;
use super::ledger::HOURS_WINDOW;
use super::{Ledger, Totals, uptime_of};
use crate::model::ComponentId;

/// Days in the bar.
pub const BAR_DAYS: u32 = 90;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// The last [`BAR_DAYS`] local days, oldest first, today last; None: no record.
    pub days: Vec<(NaiveDate, Option<Totals>)>,
    pub last_24h: Option<f64>,
    pub last_7d: Option<f64>,
    pub last_30d: Option<f64>,
    pub last_90d: Option<f64>,
}

/// What a figure over the last `days` local days covers. A new install (or
/// a component added lately) has observed only the last few of them: its
/// 90-day figure is then the figure of those few days, and says so.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coverage {
    /// The days asked for, today included.
    pub days: u32,
    pub uptime: Option<f64>,
    /// When observation began after the first of those days: the first day
    /// with observed time (then the figure covers only the days since).
    pub since: Option<NaiveDate>,
    /// How many of those days have observed time.
    pub observed_days: u32,
}

impl Summary {
    /// The figure over the last `days` days of the bar (at most
    /// [`BAR_DAYS`]) and what it covers. Observation "began" on the first
    /// day of the bar with observed time: a gap after that is a gap in the
    /// data (grey days on the bar), not a later start.
    pub fn coverage(&self, days: u32) -> Coverage {
        let seen = |t: &Option<Totals>| t.as_ref().is_some_and(|t| super::observed(t) > 0);
        let from = self.days.len().saturating_sub(days as usize);
        let window = &self.days[from..];
        let began = self.days.iter().find(|(_, t)| seen(t)).map(|(d, _)| *d);
        let first = window.first().map(|(d, _)| *d);
        Coverage {
            days,
            uptime: uptime_of(window.iter().filter_map(|(_, t)| t.as_ref())),
            since: began.filter(|b| first.is_some_and(|f| *b > f)),
            observed_days: u32::try_from(window.iter().filter(|(_, t)| seen(t)).count())
                .unwrap_or(u32::MAX),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Shared between reports: one built for a status change copies the
    /// others' summaries by pointer.
    pub components: BTreeMap<ComponentId, Arc<Summary>>,
    pub latency: Latency,
}

impl Report {
    pub fn build<'a>(
        ledger: &Ledger,
        latency: &Latency,
        ids: impl IntoIterator<Item = &'a ComponentId>,
        now: DateTime<Utc>,
    ) -> Self {
        let tz = ledger.timezone();
        let today = calendar::day_no(calendar::local_date(now, tz));
        let components = ids
            .into_iter()
            .map(|id| (id.clone(), Arc::new(summary(ledger, id, today, now))))
            .collect();
        Self {
            components,
            latency: latency.clone(),
        }
    }
}

/// How long a report is reused while no component changes status: its
/// figures move only with time, by a few seconds' worth.
const REUSE: Duration = Duration::seconds(5);

/// The last report built, reused between renders: a render for an
/// engineer's write costs the components whose status it changed, not the
/// whole installation's 90 days (7 ms at 1,000 components).
#[derive(Debug, Default)]
pub struct Reports {
    last: Option<(Arc<Report>, DateTime<Utc>, DayNo)>,
}

impl Reports {
    /// The report as of `now`: the last one if it is recent and nothing
    /// changed status, that one with the `changed` components' summaries
    /// made again, or a new one.
    pub fn get<'a>(
        &mut self,
        ledger: &Ledger,
        latency: &Latency,
        ids: impl IntoIterator<Item = &'a ComponentId>,
        changed: &[ComponentId],
        now: DateTime<Utc>,
    ) -> Arc<Report> {
        let today = calendar::day_no(calendar::local_date(now, ledger.timezone()));
        if let Some((report, built, day)) = &mut self.last {
            let recent = *day == today && *built <= now && now - *built < REUSE;
            if recent && changed.is_empty() {
                return report.clone();
            }
            if recent {
                let mut next = Report::clone(report);
                for id in changed {
                    let summary = Arc::new(summary(ledger, id, today, now));
                    next.components.insert(id.clone(), summary);
                }
                next.latency = latency.clone();
                *report = Arc::new(next);
                return report.clone();
            }
        }
        let report = Arc::new(Report::build(ledger, latency, ids, now));
        self.last = Some((report.clone(), now, today));
        report
    }
}

fn summary(ledger: &Ledger, id: &ComponentId, today: DayNo, now: DateTime<Utc>) -> Summary {
    let first = today.saturating_sub(BAR_DAYS - 1);
    let days: Vec<(NaiveDate, Option<Totals>)> = (first..=today)
        .map(|d| (calendar::date(d), ledger.day(id, d).map(|day| day.totals)))
        .collect();
    let last = |n: usize| {
        let from = days.len().saturating_sub(n);
        uptime_of(days[from..].iter().filter_map(|(_, t)| t.as_ref()))
    };
    Summary {
        last_24h: last_24h(ledger, id, today, now),
        last_7d: last(7),
        last_30d: last(30),
        last_90d: last(90),
        days,
    }
}

/// The hours that overlap the last 24 hours (so up to 25 hours of time).
fn last_24h(ledger: &Ledger, id: &ComponentId, today: DayNo, now: DateTime<Utc>) -> Option<f64> {
    let tz = ledger.timezone();
    let since = now - Duration::hours(24);
    let mut hours = Vec::new();
    for d in today.saturating_sub(HOURS_WINDOW - 1)..=today {
        let Some(day) = ledger.day(id, d) else {
            continue;
        };
        let start = calendar::start_of(calendar::date(d), tz);
        for (i, h) in day.hours.iter().enumerate() {
            let begins = start + Duration::hours(i64::try_from(i).unwrap_or(0));
            if begins + Duration::hours(1) > since && begins <= now {
                hours.push(h);
            }
        }
    }
    uptime_of(hours)
}
