//! Reports per component over the last hour, in memory: what the threshold
//! is judged on, so that a report costs no storage read. Built at start from
//! the stored reports of the last hour.
//!
//! Bounded: times older than [`super::LONG`] are forgotten, and at most
//! [`PER_COMPONENT`] are kept per component (a count saturates there, which
//! is still at or above any threshold the config accepts).

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Utc};

use crate::config::MAX_REPORT_THRESHOLD;
use crate::model::ComponentId;

/// The most report times kept per component.
pub const PER_COMPONENT: usize = MAX_REPORT_THRESHOLD as usize;

#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Each component's report times, oldest first.
    times: BTreeMap<ComponentId, VecDeque<DateTime<Utc>>>,
}

impl Tally {
    /// Counts a report about `component` made at `at`.
    pub fn add(&mut self, component: &ComponentId, at: DateTime<Utc>) {
        let times = self.times.entry(component.clone()).or_default();
        // Reports arrive in time order; a restore may not.
        let place = times.partition_point(|t| *t <= at);
        times.insert(place, at);
        if times.len() > PER_COMPONENT {
            times.pop_front();
        }
    }

    /// Reports about `component` made at or after `since`.
    pub fn count_since(&self, component: &ComponentId, since: DateTime<Utc>) -> usize {
        self.times.get(component).map_or(0, |times| {
            times.len() - times.partition_point(|t| *t < since)
        })
    }

    /// Forgets reports made before `cutoff`.
    pub fn forget_before(&mut self, cutoff: DateTime<Utc>) {
        self.times.retain(|_, times| {
            while times.front().is_some_and(|t| *t < cutoff) {
                times.pop_front();
            }
            !times.is_empty()
        });
    }

    /// The components with any report counted.
    pub fn components(&self) -> impl Iterator<Item = &ComponentId> {
        self.times.keys()
    }
}
