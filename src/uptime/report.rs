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
    /// The last [`BAR_DAYS`] local days, oldest first, today last.
    pub days: Days,
    pub last_24h: Option<f64>,
    pub last_7d: Option<f64>,
    pub last_30d: Option<f64>,
    pub last_90d: Option<f64>,
}

/// The days of a bar, oldest first, each with its totals (None: no record).
/// The days before today hold only from the first with a record, in one
/// slice shared by every report made the same day (they no longer change):
/// a report rebuilt every few seconds copies a pointer per component, and a
/// new install's empty days cost nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Days {
    /// The last day (today); meaningless when `len` is 0.
    last: NaiveDate,
    /// How many days the bar has, today included.
    len: u32,
    /// The days just before `last`, oldest first; earlier ones have no record.
    before: Arc<[Option<Totals>]>,
    today: Option<Totals>,
}

impl Days {
    /// `totals` are the days ending on `last`, oldest first.
    pub fn new(last: NaiveDate, mut totals: Vec<Option<Totals>>) -> Self {
        let len = u32::try_from(totals.len()).unwrap_or(u32::MAX);
        let today = totals.pop().flatten();
        Self::of(last, len, trimmed(totals), today)
    }

    fn of(last: NaiveDate, len: u32, before: Arc<[Option<Totals>]>, today: Option<Totals>) -> Self {
        Self {
            last,
            len,
            before,
            today,
        }
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Day `i`, counted from the oldest.
    pub fn get(&self, i: usize) -> Option<(NaiveDate, Option<&Totals>)> {
        (i < self.len()).then(|| self.at(i))
    }

    /// Day `i` < `len`.
    fn at(&self, i: usize) -> (NaiveDate, Option<&Totals>) {
        let back = self.len().saturating_sub(i + 1);
        let date = self.last - Duration::days(i64::try_from(back).unwrap_or(0));
        let totals = match back {
            0 => self.today.as_ref(),
            b => (self.before.len().checked_sub(b)).and_then(|j| self.before[j].as_ref()),
        };
        (date, totals)
    }

    pub fn first(&self) -> Option<(NaiveDate, Option<&Totals>)> {
        self.get(0)
    }

    pub fn last(&self) -> Option<(NaiveDate, Option<&Totals>)> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Oldest first.
    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = (NaiveDate, Option<&Totals>)> + ExactSizeIterator + '_
    {
        (0..self.len()).map(|i| self.at(i))
    }

    /// Whether `other`'s days before today are the same slice as these.
    #[cfg(test)]
    pub fn shares_past_with(&self, other: &Days) -> bool {
        Arc::ptr_eq(&self.before, &other.before)
    }

    /// How many days before today are held (from the first with a record).
    #[cfg(test)]
    pub fn past_held(&self) -> usize {
        self.before.len()
    }

    /// Sets day `i` (counted from the oldest) for a test.
    #[cfg(test)]
    pub fn set(&mut self, i: usize, totals: Option<Totals>) {
        let mut all: Vec<_> = self.iter().map(|(_, t)| t.copied()).collect();
        all[i] = totals;
        *self = Self::new(self.last, all);
    }

    /// The totals of the days from `from` (counted from the oldest) on.
    fn totals_from(&self, from: usize) -> impl Iterator<Item = &Totals> {
        (from..self.len()).filter_map(|i| self.at(i).1)
    }
}

/// The days from the first with a record on.
fn trimmed(totals: Vec<Option<Totals>>) -> Arc<[Option<Totals>]> {
    let first = totals
        .iter()
        .position(Option::is_some)
        .unwrap_or(totals.len());
    totals[first..].into()
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
        let seen = |t: Option<&Totals>| t.is_some_and(|t| super::observed(t) > 0);
        let all = &self.days;
        let from = all.len().saturating_sub(days as usize);
        let window = || (from..all.len()).map(|i| all.at(i));
        let began = all.iter().find(|(_, t)| seen(*t)).map(|(d, _)| d);
        let first = all.get(from).map(|(d, _)| d);
        Coverage {
            days,
            uptime: uptime_of(all.totals_from(from)),
            since: began.filter(|b| first.is_some_and(|f| *b > f)),
            observed_days: u32::try_from(window().filter(|(_, t)| seen(*t)).count())
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
        Self::build_after(ledger, latency, ids, now, None)
    }

    /// [`Report::build`], sharing the days before today with `previous`, a
    /// report made earlier today.
    fn build_after<'a>(
        ledger: &Ledger,
        latency: &Latency,
        ids: impl IntoIterator<Item = &'a ComponentId>,
        now: DateTime<Utc>,
        previous: Option<&Report>,
    ) -> Self {
        let tz = ledger.timezone();
        let today = calendar::day_no(calendar::local_date(now, tz));
        let components = ids
            .into_iter()
            .map(|id| {
                let before = previous.and_then(|p| p.before(id));
                (
                    id.clone(),
                    Arc::new(summary(ledger, id, today, now, before)),
                )
            })
            .collect();
        Self {
            components,
            latency: latency.clone(),
        }
    }

    fn before(&self, id: &ComponentId) -> Option<Arc<[Option<Totals>]>> {
        self.components.get(id).map(|s| s.days.before.clone())
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
                    let summary = summary(ledger, id, today, now, report.before(id));
                    next.components.insert(id.clone(), Arc::new(summary));
                }
                next.latency = latency.clone();
                *report = Arc::new(next);
                return report.clone();
            }
        }
        let previous = (self.last.as_ref()).filter(|(_, _, day)| *day == today);
        let previous = previous.map(|(report, _, _)| &**report);
        let report = Arc::new(Report::build_after(ledger, latency, ids, now, previous));
        self.last = Some((report.clone(), now, today));
        report
    }
}

/// One component's summary; `before`: its days before today, from a
/// report made earlier today (the days before today no longer change).
fn summary(
    ledger: &Ledger,
    id: &ComponentId,
    today: DayNo,
    now: DateTime<Utc>,
    before: Option<Arc<[Option<Totals>]>>,
) -> Summary {
    let first = today.saturating_sub(BAR_DAYS - 1);
    let totals = |d| ledger.day(id, d).map(|day| day.totals);
    let before = before.unwrap_or_else(|| trimmed((first..today).map(totals).collect()));
    let len = today - first + 1;
    let days = Days::of(calendar::date(today), len, before, totals(today));
    let last = |n: usize| uptime_of(days.totals_from(days.len().saturating_sub(n)));
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
