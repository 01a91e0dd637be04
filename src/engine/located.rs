//! Checks probed from several locations. Each location's results are debounced
//! on their own (the check's thresholds, per location); the check's health is
//! the *confirmed* one: it leaves up only when `confirm` locations see it
//! failing. A location silent for more than two of the check's periods counts
//! neither for nor against: the others decide (needing `confirm` of them, or
//! all of them when fewer remain), and with none left the check keeps the
//! health it had, shown as not being checked rather than as operational.
//!
//! Each location's state is kept under the check's id at that location
//! (`api-health@us-east`, [`CheckId::at`]), stored like any check state.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Change, CheckState, Engine, LastResult, Streak};
use crate::model::{CheckId, CheckResult, ComponentId, Finding, LocationId, Outcome, SeenFrom};

/// How many periods of silence make a location's state stale.
const SILENT_PERIODS: i32 = 2;

/// One location's view of a located check, for the pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtLocation {
    pub location: LocationId,
    /// None: no result from there yet.
    pub state: Option<CheckState>,
    /// Reported within two of the check's periods.
    pub fresh: bool,
}

impl Engine {
    /// Names locations as customers read them ("Virginia"), for the findings
    /// of located checks; an unnamed location is called by its id.
    pub fn name_locations(&mut self, names: impl IntoIterator<Item = (LocationId, String)>) {
        self.places.extend(names);
    }

    pub(super) fn location_name<'a>(&'a self, id: &'a LocationId) -> &'a str {
        self.places.get(id).map_or(id.as_str(), String::as_str)
    }

    /// Applies one location's result to a located check. Results of a
    /// location the check does not list are ignored (the check was moved
    /// while an agent still had it).
    pub fn observe_from(&mut self, location: &LocationId, result: &CheckResult) -> Vec<Change> {
        let Some(meta) = self.meta.get(&result.check) else {
            return Vec::new();
        };
        if !meta.locations.contains(location) {
            return Vec::new();
        }
        if !meta.located {
            return if location.is_local() {
                self.observe(result)
            } else {
                Vec::new()
            };
        }
        let (failure, success) = (meta.failure_threshold, meta.success_threshold);
        let component = meta.component.clone();
        let state = (self.seen.entry(result.check.clone()).or_default())
            .entry(location.clone())
            .or_default();
        state.apply(result, failure, success);
        self.confirm(&result.check.clone(), result.at);
        self.recompute(&component, result.at).into_iter().collect()
    }

    /// Re-judges every located check as of `now`, for locations that fell
    /// silent (or spoke again) without a result of the check itself saying so.
    pub fn silence(&mut self, now: DateTime<Utc>) -> Vec<Change> {
        let located: Vec<CheckId> = self.seen.keys().cloned().collect();
        let mut moved = Vec::new();
        for check in located {
            let before = self.checks.get(&check).map(|s| s.health);
            self.confirm(&check, now);
            if self.checks.get(&check).map(|s| s.health) != before
                && let Some(meta) = self.meta.get(&check)
                && !moved.contains(&meta.component)
            {
                moved.push(meta.component.clone());
            }
        }
        moved
            .iter()
            .filter_map(|component| self.recompute(component, now))
            .collect()
    }

    /// The check's confirmed state from its locations' as of `now`, written to
    /// `checks`; unchanged when no location is fresh.
    fn confirm(&mut self, check: &CheckId, now: DateTime<Utc>) {
        let (Some(meta), Some(seen)) = (self.meta.get(check), self.seen.get(check)) else {
            return;
        };
        let fresh: Vec<(&LocationId, &CheckState)> = (meta.locations.iter())
            .filter_map(|l| seen.get(l).map(|s| (l, s)))
            .filter(|(_, s)| is_fresh(s, meta.window(), now))
            .collect();
        if fresh.is_empty() {
            return;
        }
        let need = meta.confirm.min(fresh.len());
        let count = |f: fn(Outcome) -> bool| fresh.iter().filter(|(_, s)| f(s.health)).count();
        let health = if count(|h| h == Outcome::Down) >= need {
            Outcome::Down
        } else if count(|h| h != Outcome::Up) >= need {
            Outcome::Degraded
        } else {
            Outcome::Up
        };
        let failing: Vec<&(&LocationId, &CheckState)> = fresh
            .iter()
            .filter(|(_, s)| s.health != Outcome::Up)
            .collect();
        let worst = failing
            .iter()
            .find(|(_, s)| s.health == Outcome::Down)
            .or(failing.first());
        let confirmed = CheckState {
            health,
            streak: Streak {
                not_up: failing
                    .iter()
                    .map(|(_, s)| s.streak.not_up)
                    .max()
                    .unwrap_or(0),
                ..Streak::default()
            },
            last: fresh
                .iter()
                .filter_map(|(_, s)| s.last.clone())
                .max_by_key(|l| l.at),
            bad_reason: worst.and_then(|(_, s)| s.bad_reason.clone()),
            down_reason: worst.and_then(|(_, s)| s.down_reason.clone()),
            failing_since: (health != Outcome::Up)
                .then(|| failing.iter().filter_map(|(_, s)| s.failing_since).min())
                .flatten(),
        };
        self.checks.insert(check.clone(), confirmed);
    }

    /// Where a located check fails and where it is fine, among the locations
    /// that reported recently, by name. None for a check probed from one place.
    pub(super) fn seen_from(&self, check: &CheckId, now: DateTime<Utc>) -> Option<SeenFrom> {
        let meta = self.meta.get(check).filter(|m| m.located)?;
        let seen = self.seen.get(check)?;
        let mut out = SeenFrom::default();
        for l in &meta.locations {
            let Some(s) = seen.get(l).filter(|s| is_fresh(s, meta.window(), now)) else {
                continue;
            };
            let name = self.location_name(l).to_owned();
            if s.health == Outcome::Up {
                out.fine.push(name);
            } else {
                out.failing.push(name);
            }
        }
        Some(out)
    }

    /// Each location of a located check, in the config's order, with its
    /// state as of `now`. Empty for a check probed from one place.
    pub fn at_locations(&self, check: &CheckId, now: DateTime<Utc>) -> Vec<AtLocation> {
        let Some(meta) = self.meta.get(check).filter(|m| m.located) else {
            return Vec::new();
        };
        let seen = self.seen.get(check);
        (meta.locations.iter())
            .map(|l| {
                let state = seen.and_then(|s| s.get(l)).cloned();
                let fresh = state
                    .as_ref()
                    .is_some_and(|s| is_fresh(s, meta.window(), now));
                AtLocation {
                    location: l.clone(),
                    state,
                    fresh,
                }
            })
            .collect()
    }

    /// Whether `location` probes `check` (this instance probes every check
    /// that lists no location).
    pub fn probes_from(&self, check: &CheckId, location: &LocationId) -> bool {
        self.meta
            .get(check)
            .is_some_and(|m| m.locations.contains(location))
    }

    /// When the newest result of `check` from `location` was probed.
    pub fn last_from(&self, check: &CheckId, location: &LocationId) -> Option<DateTime<Utc>> {
        let state = match self.meta.get(check)?.located {
            true => self.seen.get(check)?.get(location)?,
            false => self.checks.get(check)?,
        };
        state.last.as_ref().map(|l| l.at)
    }

    /// Whether results of `check` from `location` make its response-time
    /// chart: those of the first location it lists.
    pub fn charted_from(&self, check: &CheckId, location: &LocationId) -> bool {
        self.meta.get(check).and_then(|m| m.locations.first()) == Some(location)
    }

    /// The state `check` keeps for `location`'s results, and the id it is
    /// stored under: the check's own, or `check@location` when located.
    pub fn state_from(
        &self,
        check: &CheckId,
        location: &LocationId,
    ) -> Option<(CheckId, &CheckState)> {
        if self.meta.get(check)?.located {
            let state = self.seen.get(check)?.get(location)?;
            Some((check.at(location), state))
        } else {
            Some((check.clone(), self.checks.get(check)?))
        }
    }

    /// Each location that probes a located check, and whether it is silent:
    /// no fresh result from it for any of them.
    pub fn silent_locations(&self, now: DateTime<Utc>) -> BTreeMap<LocationId, bool> {
        let mut out: BTreeMap<LocationId, bool> = BTreeMap::new();
        for (check, meta) in self.meta.iter().filter(|(_, m)| m.located) {
            let seen = self.seen.get(check);
            for l in &meta.locations {
                let fresh =
                    (seen.and_then(|s| s.get(l))).is_some_and(|s| is_fresh(s, meta.window(), now));
                let silent = out.entry(l.clone()).or_insert(true);
                *silent &= !fresh;
            }
        }
        out
    }

    /// Every location's state of every located check, under its stored id
    /// (`api-health@us-east`): what is persisted.
    pub fn location_states(&self) -> impl Iterator<Item = (CheckId, &CheckState)> {
        (self.seen.iter()).flat_map(|(check, by)| by.iter().map(|(l, s)| (check.at(l), s)))
    }

    /// Puts a stored location state back (its id split by the caller);
    /// states of locations the check no longer lists are dropped.
    pub(super) fn restore_location(
        &mut self,
        check: CheckId,
        location: LocationId,
        state: CheckState,
    ) {
        let Some(meta) = self.meta.get(&check).filter(|m| m.located) else {
            return;
        };
        if meta.locations.contains(&location) {
            (self.seen.entry(check).or_default()).insert(location, state);
        }
    }

    /// After a restore: each located check confirmed from its locations as
    /// they were last stored (freshness as of their own last results, so a
    /// restart does not read as every location falling silent).
    pub(super) fn confirm_restored(&mut self) {
        let checks: Vec<(CheckId, DateTime<Utc>)> = (self.seen.iter())
            .filter_map(|(c, by)| {
                let newest = by
                    .values()
                    .filter_map(|s| s.last.as_ref().map(|l| l.at))
                    .max()?;
                Some((c.clone(), newest))
            })
            .collect();
        for (check, newest) in checks {
            self.confirm(&check, newest);
        }
    }
}

/// One place a component's checks are probed from, as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub location: LocationId,
    /// As customers read it ("Virginia").
    pub name: String,
    /// The worst health of the component's checks there, among those heard
    /// from within two of their periods; None when none were: no data.
    pub health: Option<Outcome>,
    /// Its newest result of any of them, however old.
    pub last: Option<LastResult>,
}

/// What a component's located checks say per place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    /// Every place its located checks list, in the config's order; empty
    /// when it is probed from this instance only.
    pub places: Vec<Place>,
    /// Checks failing somewhere but not confirmed (their health is up),
    /// with where: "seen from Virginia only".
    pub unconfirmed: Vec<Finding>,
}

impl Places {
    /// Whether no place has reported recently: the component is not being
    /// checked (its status stays what it was).
    pub fn unchecked(&self) -> bool {
        !self.places.is_empty() && self.places.iter().all(|p| p.health.is_none())
    }
}

impl Engine {
    /// Where `component`'s located checks stand, per place, as of `now`.
    pub fn places(&self, component: &ComponentId, now: DateTime<Utc>) -> Places {
        let mut out = Places::default();
        let Some(members) = self.members.get(component) else {
            return out;
        };
        for check in members {
            let at = self.at_locations(check, now);
            if at.is_empty() {
                continue;
            }
            for a in &at {
                let i = match out.places.iter().position(|p| p.location == a.location) {
                    Some(i) => i,
                    None => {
                        out.places.push(Place {
                            location: a.location.clone(),
                            name: self.location_name(&a.location).to_owned(),
                            health: None,
                            last: None,
                        });
                        out.places.len() - 1
                    }
                };
                let place = &mut out.places[i];
                let Some(state) = &a.state else { continue };
                if a.fresh {
                    let worse = |h: Outcome| match h {
                        Outcome::Up => 0,
                        Outcome::Degraded => 1,
                        Outcome::Down => 2,
                    };
                    if place.health.is_none_or(|h| worse(state.health) > worse(h)) {
                        place.health = Some(state.health);
                    }
                }
                if let Some(l) = &state.last
                    && place.last.as_ref().is_none_or(|p| p.at < l.at)
                {
                    place.last = Some(l.clone());
                }
            }
            let confirmed_up = self
                .checks
                .get(check)
                .is_none_or(|s| s.health == Outcome::Up);
            let failing = at
                .iter()
                .find(|a| a.fresh && a.state.as_ref().is_some_and(|s| s.health != Outcome::Up));
            if confirmed_up && let Some(f) = failing {
                out.unconfirmed.push(Finding {
                    check: self.name(check).to_owned(),
                    reason: f.state.as_ref().and_then(|s| s.reason().cloned()),
                    seen_from: self.seen_from(check, now),
                });
            }
        }
        out
    }
}

/// Whether a location's state is recent enough to count: its last result
/// probed within two of the check's periods and its timeout of `now`.
fn is_fresh(state: &CheckState, window: chrono::Duration, now: DateTime<Utc>) -> bool {
    state.last.as_ref().is_some_and(|l| now - l.at <= window)
}

impl super::CheckMeta {
    /// How long a location's last result counts.
    fn window(&self) -> chrono::Duration {
        self.period * SILENT_PERIODS + self.timeout
    }
}

/// Per-location states of one check, by location.
pub(super) type ByLocation = BTreeMap<LocationId, CheckState>;

#[cfg(test)]
mod tests;
