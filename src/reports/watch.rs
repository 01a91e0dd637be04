//! The pipeline's memory of reports: the tally of the last hour, and which
//! components' alarms are raised. An alarm is raised when a component's
//! reports within [`SHORT`] reach its threshold while its checks are green,
//! and stays raised (nothing is sent again) until the count falls back
//! under the threshold; it may then be raised again.
//!
//! Deciding is separate from remembering: the pipeline asks what a report
//! (or the time passing) turns, stores that with the jobs it causes, and
//! only then applies it here, so memory never claims what was not stored.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::tally::Tally;
use super::{LONG, SHORT};
use crate::model::ComponentId;

/// Reports about one component over the two windows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub last_15m: usize,
    pub last_1h: usize,
}

/// What a component's alarm is judged with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub threshold: u32,
    /// Whether its checks (alone: not an engineer, not a maintenance) say
    /// it is operational.
    pub checks_green: bool,
}

/// A change of a component's alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Customers report what the checks do not see: tell engineers, once.
    Raise,
    /// The reports fell back under the threshold (or the component left the
    /// config).
    Clear,
}

/// The turn for a component whose alarm is `raised` (or not), with
/// `last_15m` reports, under `rule` (None: no longer configured).
pub fn turn(raised: bool, last_15m: usize, rule: Option<Rule>) -> Option<Turn> {
    let Some(rule) = rule else {
        return raised.then_some(Turn::Clear);
    };
    let over = last_15m >= rule.threshold as usize;
    match (raised, over) {
        (true, false) => Some(Turn::Clear),
        (false, true) if rule.checks_green => Some(Turn::Raise),
        _ => None,
    }
}

#[derive(Debug, Clone, Default)]
pub struct Watch {
    tally: Tally,
    /// Components whose alarm is raised, since when.
    alarms: BTreeMap<ComponentId, DateTime<Utc>>,
}

impl Watch {
    /// From what is stored: the reports of the last hour (their component
    /// and time) and the raised alarms.
    pub fn restore(
        reports: impl IntoIterator<Item = (ComponentId, DateTime<Utc>)>,
        alarms: impl IntoIterator<Item = (ComponentId, DateTime<Utc>)>,
    ) -> Self {
        let mut watch = Self {
            alarms: alarms.into_iter().collect(),
            ..Self::default()
        };
        for (component, at) in reports {
            watch.tally.add(&component, at);
        }
        watch
    }

    pub fn counts(&self, component: &ComponentId, now: DateTime<Utc>) -> Counts {
        Counts {
            last_15m: self.tally.count_since(component, now - SHORT),
            last_1h: self.tally.count_since(component, now - LONG),
        }
    }

    /// Since when `component`'s alarm is raised, if it is.
    pub fn raised(&self, component: &ComponentId) -> Option<DateTime<Utc>> {
        self.alarms.get(component).copied()
    }

    /// The turn one more report about `component` at `now` causes (the
    /// report is not counted yet: see [`Watch::count`]).
    pub fn on_report(
        &self,
        component: &ComponentId,
        now: DateTime<Utc>,
        rule: Option<Rule>,
    ) -> Option<Turn> {
        let last_15m = self.tally.count_since(component, now - SHORT) + 1;
        turn(self.alarms.contains_key(component), last_15m, rule)
    }

    /// Counts a stored report.
    pub fn count(&mut self, component: &ComponentId, at: DateTime<Utc>) {
        self.tally.add(component, at);
    }

    /// The turns the time passing (reports leaving the window) and the
    /// checks changing cause by `now`, for each component with a raised alarm
    /// or a report in the last hour; forgets reports older than that.
    pub fn review(
        &mut self,
        now: DateTime<Utc>,
        rule_of: impl Fn(&ComponentId) -> Option<Rule>,
    ) -> Vec<(ComponentId, Turn)> {
        self.tally.forget_before(now - LONG);
        let mut candidates: Vec<&ComponentId> = self.alarms.keys().collect();
        candidates.extend(
            self.tally
                .components()
                .filter(|c| !self.alarms.contains_key(*c)),
        );
        candidates
            .into_iter()
            .filter_map(|c| {
                let last_15m = self.tally.count_since(c, now - SHORT);
                let raised = self.alarms.contains_key(c);
                Some((c.clone(), turn(raised, last_15m, rule_of(c))?))
            })
            .collect()
    }

    /// Remembers a stored turn.
    pub fn apply(&mut self, component: &ComponentId, turn: Turn, now: DateTime<Utc>) {
        match turn {
            Turn::Raise => {
                self.alarms.insert(component.clone(), now);
            }
            Turn::Clear => {
                self.alarms.remove(component);
            }
        }
    }
}
