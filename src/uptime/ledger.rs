//! Accounting time to statuses. Each component has a *mark* (the instant up to
//! which its time is accounted) and a status; advancing to `t` adds
//! `[mark, t)` to that status's total, split by local day and hour.
//!
//! Only observed time counts. A check result vouches for its component's
//! status until the run after its next one is due, plus the check's timeout
//! (one late or skipped run does not open a hole); when results stop, because
//! Candor was down or its scheduler stalled, time stops counting once that
//! cover runs out. A component without checks is observed while Candor runs,
//! its status being what engineers declare.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::calendar::{self, DayNo};
use super::{Day, bucket};
use crate::checks::Cadence;
use crate::config::Config;
use crate::model::{CheckId, ComponentId, ComponentStatus};

/// Days kept in memory: the 90 the page shows, today, and a margin.
pub const WINDOW: u32 = 92;
/// Days whose hours are kept in memory (the 24-hour figure; 3 for DST days).
pub const HOURS_WINDOW: u32 = 3;

#[derive(Debug, Clone)]
struct Track {
    status: ComponentStatus,
    mark: DateTime<Utc>,
    /// Observed up to here; ignored when `always`.
    covered_until: Option<DateTime<Utc>>,
    /// No checks: observed while Candor runs.
    always: bool,
}

#[derive(Debug, Clone)]
pub struct Ledger {
    tz: Tz,
    /// Each check's component, schedule and timeout: what one of its
    /// results vouches for.
    checks: HashMap<CheckId, (ComponentId, Cadence, Duration)>,
    tracks: BTreeMap<ComponentId, Track>,
    days: BTreeMap<(ComponentId, DayNo), Day>,
    dirty: BTreeSet<(ComponentId, DayNo)>,
    /// The local day last split at, to skip time-zone arithmetic per result.
    current: Option<(NaiveDate, DateTime<Utc>, DateTime<Utc>)>,
}

impl Ledger {
    /// Starts accounting at `now` with each component's status now, on top of
    /// the days already stored.
    pub fn new(
        config: &Config,
        now: DateTime<Utc>,
        statuses: impl IntoIterator<Item = (ComponentId, ComponentStatus)>,
        stored: impl IntoIterator<Item = (DayNo, ComponentId, Day)>,
    ) -> Self {
        let mut checks = HashMap::new();
        for c in &config.checks {
            let timeout = Duration::from_std(c.timeout).unwrap_or_default();
            checks.insert(
                c.id.clone(),
                (c.component.clone(), c.cadence.clone(), timeout),
            );
        }
        let watched: BTreeSet<&ComponentId> = config.checks.iter().map(|c| &c.component).collect();
        let tracks = statuses
            .into_iter()
            .map(|(id, status)| {
                let always = !watched.contains(&id);
                let track = Track {
                    status,
                    mark: now,
                    covered_until: None,
                    always,
                };
                (id, track)
            })
            .collect();
        let days = stored
            .into_iter()
            .map(|(d, c, day)| ((c, d), day))
            .collect();
        Self {
            tz: config.site.timezone,
            checks,
            tracks,
            days,
            dirty: BTreeSet::new(),
            current: None,
        }
    }

    /// A result of `check` that ran at `at`: its component is observed from then on.
    pub fn result(&mut self, check: &CheckId, at: DateTime<Utc>) {
        let Some((component, cadence, timeout)) = self.checks.get(check) else {
            return;
        };
        // Until the run after the next is due: one late or skipped run opens
        // no hole, and a cron schedule's uneven gaps (a weekday-only check
        // over the weekend) are covered from the run before them.
        let day = Duration::days(1);
        let next = cadence.next_after(at).unwrap_or(at + day);
        let after = cadence.next_after(next).unwrap_or(next + day);
        let (component, until) = (component.clone(), after + *timeout);
        // Time since the cover ran out (a gap) is skipped by the advance.
        self.advance(&component, at);
        if let Some(t) = self.tracks.get_mut(&component) {
            t.covered_until = t.covered_until.max(Some(until));
        }
    }

    /// The statuses customers see now; a change starts a new span at `now`.
    /// Returns the components whose status changed.
    pub fn statuses<'a>(
        &mut self,
        statuses: impl IntoIterator<Item = (&'a ComponentId, ComponentStatus)>,
        now: DateTime<Utc>,
    ) -> Vec<ComponentId> {
        let mut changed = Vec::new();
        for (id, status) in statuses {
            if self.tracks.get(id).is_some_and(|t| t.status != status) {
                self.advance(id, now);
                if let Some(t) = self.tracks.get_mut(id) {
                    t.status = status;
                }
                changed.push(id.clone());
            }
        }
        changed
    }

    /// Accounts every component up to `now`.
    pub fn advance_all(&mut self, now: DateTime<Utc>) {
        let ids: Vec<ComponentId> = self.tracks.keys().cloned().collect();
        for id in &ids {
            self.advance(id, now);
        }
    }

    fn advance(&mut self, id: &ComponentId, to: DateTime<Utc>) {
        let Some(t) = self.tracks.get_mut(id) else {
            return;
        };
        let end = match (t.always, t.covered_until) {
            (true, _) => to,
            (false, Some(covered)) => to.min(covered),
            (false, None) => t.mark,
        };
        let (from, slot) = (t.mark, bucket(t.status));
        t.mark = t.mark.max(to);
        if end > from {
            self.spend(id, slot, from, end);
        }
    }

    /// Adds `[from, to)` to `slot`, split at local hours and days.
    fn spend(&mut self, id: &ComponentId, slot: usize, mut from: DateTime<Utc>, to: DateTime<Utc>) {
        while from < to {
            let (date, start, end) = self.day_of(from);
            let hour = (from - start).num_hours();
            let hour_end = (start + Duration::hours(hour + 1)).min(end).min(to);
            if hour_end <= from {
                break;
            }
            let ms = u32::try_from((hour_end - from).num_milliseconds()).unwrap_or(u32::MAX);
            let key = (id.clone(), calendar::day_no(date));
            let hour = usize::try_from(hour).unwrap_or(0);
            self.days
                .entry(key.clone())
                .or_default()
                .add(hour, slot, ms);
            self.dirty.insert(key);
            from = hour_end;
        }
    }

    fn day_of(&mut self, at: DateTime<Utc>) -> (NaiveDate, DateTime<Utc>, DateTime<Utc>) {
        match self.current {
            Some(c @ (_, start, end)) if start <= at && at < end => c,
            _ => {
                let date = calendar::local_date(at, self.tz);
                let (start, end) = calendar::span(date, self.tz);
                self.current = Some((date, start, end));
                (date, start, end)
            }
        }
    }

    /// Days changed since the last call, encoded for storage; and forgets, in
    /// memory, days (and hours) older than the page needs.
    pub fn take_dirty(&mut self, now: DateTime<Utc>) -> Vec<(DayNo, ComponentId, Vec<u8>)> {
        let out = std::mem::take(&mut self.dirty)
            .into_iter()
            .filter_map(|(c, d)| Some((d, c.clone(), self.days.get(&(c, d))?.encode())))
            .collect();
        self.forget_old(now);
        out
    }

    /// Takes days as another node stored them, replacing what was held (a
    /// standby's copy of the leader's accounting; it accounts nothing
    /// itself). Forgets, as [`Ledger::take_dirty`] does, what the page no
    /// longer needs.
    pub fn put_stored(
        &mut self,
        days: impl IntoIterator<Item = (DayNo, ComponentId, Day)>,
        now: DateTime<Utc>,
    ) {
        for (d, c, day) in days {
            self.days.insert((c, d), day);
        }
        self.forget_old(now);
    }

    /// Forgets days (and hours) older than the page needs.
    fn forget_old(&mut self, now: DateTime<Utc>) {
        let today = calendar::day_no(calendar::local_date(now, self.tz));
        let oldest = today.saturating_sub(WINDOW);
        self.days.retain(|(_, d), _| *d >= oldest);
        for ((_, d), day) in &mut self.days {
            if *d + HOURS_WINDOW < today && !day.hours.is_empty() {
                day.hours = Vec::new();
            }
        }
    }

    /// Days to write again at the next [`Ledger::take_dirty`] (a write failed).
    pub fn mark_dirty(&mut self, days: impl IntoIterator<Item = (ComponentId, DayNo)>) {
        self.dirty.extend(days);
    }

    /// A component's day, if anything was recorded for it.
    pub fn day(&self, id: &ComponentId, day: DayNo) -> Option<&Day> {
        self.days.get(&(id.clone(), day))
    }

    pub fn timezone(&self) -> Tz {
        self.tz
    }
}
