//! The status engine: a pure function of (state, check result, now) → (state,
//! changes). No clock, disk or network here, so every rule is table-tested.
//!
//! Two layers damp flapping: a check's *health* moves only after
//! `failure_threshold` consecutive failures or `success_threshold` consecutive
//! successes; a component's status is then derived from its checks' health.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::checks::CheckSpec;
use crate::model::{
    CheckId, CheckResult, ComponentId, ComponentStatus, Finding, LocationId, Outcome, Reason,
};

/// Consecutive-result counters for one check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Streak {
    pub up: u32,
    pub not_up: u32,
    pub down: u32,
    pub not_down: u32,
}

impl Streak {
    /// Counts `outcome`. `up`, `down` and `not_down` stop at `cap`, the
    /// check's larger threshold, as no rule looks further: a healthy check's
    /// state then stops changing and is not rewritten at every checkpoint
    /// (`store::journal`). `not_up` counts on: the page says how many checks
    /// in a row failed.
    fn push(&mut self, outcome: Outcome, cap: u32) {
        let (up, down) = (outcome == Outcome::Up, outcome == Outcome::Down);
        let next = |n: u32| n.saturating_add(1).min(cap);
        self.up = if up { next(self.up) } else { 0 };
        self.not_up = if up { 0 } else { self.not_up.saturating_add(1) };
        self.down = if down { next(self.down) } else { 0 };
        self.not_down = if down { 0 } else { next(self.not_down) };
    }
}

/// What the last probe of a check saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastResult {
    pub at: DateTime<Utc>,
    pub duration_ms: u64,
    pub outcome: Outcome,
    /// Older builds stored an empty string for none.
    #[serde(default, deserialize_with = "crate::model::reason::optional")]
    pub reason: Option<Reason>,
}

/// A check's debounced state; persisted so a restart resumes mid-outage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckState {
    /// Debounced: what the component status is derived from.
    pub health: Outcome,
    pub streak: Streak,
    pub last: Option<LastResult>,
    /// The latest reason from a result that was not up: shown while degraded.
    pub bad_reason: Option<Reason>,
    /// The latest reason from a down result: shown while down, so one slow
    /// answer in an outage does not replace why it is down. Absent in state
    /// stored by older builds.
    #[serde(default)]
    pub down_reason: Option<Reason>,
    /// When the current run of not-up results began.
    pub failing_since: Option<DateTime<Utc>>,
}

impl Default for CheckState {
    fn default() -> Self {
        Self {
            health: Outcome::Up,
            streak: Streak::default(),
            last: None,
            bad_reason: None,
            down_reason: None,
            failing_since: None,
        }
    }
}

/// A component's status as the checks see it; persisted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentState {
    pub status: ComponentStatus,
    pub since: DateTime<Utc>,
    /// What is wrong, per check that is not up (in words: "API health: HTTP
    /// 503 Service Unavailable"); empty when nothing is. Older builds stored
    /// the words, under `reason`.
    #[serde(default, alias = "reason", deserialize_with = "findings::stored")]
    pub findings: Vec<Finding>,
    pub last_checked: Option<DateTime<Utc>>,
    /// When Candor first ran with this component: written once and kept
    /// across restarts (the Statuspage API's `created_at`). Older builds did
    /// not store it; `restore` then takes `since`, the earliest time known.
    #[serde(default)]
    pub first_seen: Option<DateTime<Utc>>,
}

/// Something that happened which others (store, page, notifications) care about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    ComponentStatus {
        component: ComponentId,
        from: ComponentStatus,
        to: ComponentStatus,
        at: DateTime<Utc>,
        findings: Vec<Finding>,
    },
}

/// The static facts about a check the engine needs.
#[derive(Debug, Clone)]
struct CheckMeta {
    component: ComponentId,
    name: String,
    failure_threshold: u32,
    success_threshold: u32,
    /// Where it is probed from, and how many must agree (see [`located`]).
    locations: Vec<LocationId>,
    confirm: usize,
    /// Probed from anywhere but here alone: health is confirmed per location.
    located: bool,
    /// The spacing of its runs: a location silent for two of them (and the
    /// timeout, the longest a probe takes) is stale.
    period: chrono::Duration,
    timeout: chrono::Duration,
}

/// All check and component state, plus the config facts to judge with.
#[derive(Debug, Clone)]
pub struct Engine {
    meta: HashMap<CheckId, CheckMeta>,
    /// Each component's checks, in config order.
    members: BTreeMap<ComponentId, Vec<CheckId>>,
    pub checks: HashMap<CheckId, CheckState>,
    pub components: BTreeMap<ComponentId, ComponentState>,
    /// When this engine was built: the `since` of statuses settled by `restore`.
    started: DateTime<Utc>,
    /// Located checks' states per location (see [`located`]); `checks` holds
    /// their confirmed state.
    seen: HashMap<CheckId, located::ByLocation>,
    /// Locations' names, for findings.
    places: HashMap<LocationId, String>,
}

impl Engine {
    /// A fresh engine for these components and checks; every component starts
    /// operational as of `now` until checks say otherwise.
    pub fn new(components: &[ComponentId], specs: &[CheckSpec], now: DateTime<Utc>) -> Self {
        let mut members: BTreeMap<ComponentId, Vec<CheckId>> =
            components.iter().map(|c| (c.clone(), Vec::new())).collect();
        let mut meta = HashMap::new();
        for s in specs {
            members
                .entry(s.component.clone())
                .or_default()
                .push(s.id.clone());
            meta.insert(
                s.id.clone(),
                CheckMeta {
                    component: s.component.clone(),
                    name: s.name.clone(),
                    failure_threshold: s.failure_threshold,
                    success_threshold: s.success_threshold,
                    locations: s.locations.clone(),
                    confirm: s.confirm,
                    located: s.is_located(),
                    period: chrono::Duration::from_std(s.cadence.period(now))
                        .unwrap_or(chrono::Duration::days(1)),
                    timeout: chrono::Duration::from_std(s.timeout)
                        .unwrap_or(chrono::Duration::minutes(5)),
                },
            );
        }
        let components = members
            .keys()
            .map(|id| (id.clone(), ComponentState::operational(now)))
            .collect();
        Self {
            meta,
            members,
            checks: HashMap::new(),
            components,
            started: now,
            seen: HashMap::new(),
            places: HashMap::new(),
        }
    }

    /// Applies one result. Unknown checks (removed from the config while a probe
    /// was in flight) are ignored.
    pub fn observe(&mut self, result: &CheckResult) -> Vec<Change> {
        let Some(meta) = self.meta.get(&result.check) else {
            return Vec::new();
        };
        if meta.located {
            return self.observe_from(&LocationId::local(), result);
        }
        let state = self.checks.entry(result.check.clone()).or_default();
        state.apply(result, meta.failure_threshold, meta.success_threshold);
        let component = meta.component.clone();
        self.recompute(&component, result.at).into_iter().collect()
    }

    fn recompute(&mut self, component: &ComponentId, at: DateTime<Utc>) -> Option<Change> {
        let members = self.members.get(component)?;
        let (status, findings, failing_since) = self.judge(members, at);
        let current = self.components.get_mut(component)?;
        current.last_checked = Some(at);
        current.findings.clone_from(&findings);
        if current.status == status {
            return None;
        }
        let from = current.status;
        current.since = match (from, failing_since) {
            (ComponentStatus::Operational, Some(first)) => first,
            _ => at,
        };
        current.status = status;
        Some(Change::ComponentStatus {
            component: component.clone(),
            from,
            to: status,
            at,
            findings,
        })
    }

    /// A component's status from its checks' health: all down → major outage,
    /// some down → partial outage, any degraded → degraded performance.
    fn judge(
        &self,
        members: &[CheckId],
        now: DateTime<Utc>,
    ) -> (ComponentStatus, Vec<Finding>, Option<DateTime<Utc>>) {
        let observed: Vec<(&CheckId, &CheckState)> = members
            .iter()
            .filter_map(|id| self.checks.get(id).map(|s| (id, s)))
            .collect();
        let down = observed
            .iter()
            .filter(|(_, s)| s.health == Outcome::Down)
            .count();
        let degraded = observed.iter().any(|(_, s)| s.health == Outcome::Degraded);
        let status = match down {
            0 if degraded => ComponentStatus::DegradedPerformance,
            0 => ComponentStatus::Operational,
            n if n == observed.len() => ComponentStatus::MajorOutage,
            _ => ComponentStatus::PartialOutage,
        };
        let bad: Vec<&(&CheckId, &CheckState)> = observed
            .iter()
            .filter(|(_, s)| s.health != Outcome::Up)
            .collect();
        let findings = bad
            .iter()
            .map(|(id, s)| Finding {
                seen_from: self.seen_from(id, now),
                check: self.name(id).to_owned(),
                reason: s.reason().cloned(),
            })
            .collect();
        let since = bad.iter().filter_map(|(_, s)| s.failing_since).min();
        (status, findings, since)
    }

    /// A check's name for people, its id when the config no longer has it.
    fn name<'a>(&'a self, id: &'a CheckId) -> &'a str {
        self.meta.get(id).map_or(id.as_str(), |m| m.name.as_str())
    }
}

impl ComponentState {
    pub fn operational(now: DateTime<Utc>) -> Self {
        Self {
            status: ComponentStatus::Operational,
            since: now,
            findings: Vec::new(),
            last_checked: None,
            first_seen: Some(now),
        }
    }
}

impl CheckState {
    /// Why the check is not up, as the results that made its health said:
    /// the last down reason while down, the last not-up reason while degraded.
    pub fn reason(&self) -> Option<&Reason> {
        match self.health {
            Outcome::Down => self.down_reason.as_ref().or(self.bad_reason.as_ref()),
            Outcome::Degraded | Outcome::Up => self.bad_reason.as_ref(),
        }
    }

    fn apply(&mut self, r: &CheckResult, failure_threshold: u32, success_threshold: u32) {
        if r.outcome == Outcome::Up {
            self.failing_since = None;
        } else {
            self.failing_since.get_or_insert(r.at);
            if let Some(reason) = &r.reason {
                self.bad_reason = Some(reason.clone());
                if r.outcome == Outcome::Down {
                    self.down_reason = Some(reason.clone());
                }
            }
        }
        (self.streak).push(r.outcome, failure_threshold.max(success_threshold));
        self.health = next_health(
            self.health,
            &self.streak,
            failure_threshold,
            success_threshold,
        );
        if self.health == Outcome::Up && r.outcome == Outcome::Up {
            self.bad_reason = None;
            self.down_reason = None;
        }
        self.last = Some(LastResult {
            at: r.at,
            duration_ms: u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX),
            outcome: r.outcome,
            reason: r.reason.clone(),
        });
    }
}

/// The debounce rule: leave a state only after enough consecutive evidence.
pub fn next_health(current: Outcome, s: &Streak, failure: u32, success: u32) -> Outcome {
    if s.down >= failure {
        return Outcome::Down;
    }
    match current {
        Outcome::Down if s.not_down >= success && s.up >= success => Outcome::Up,
        Outcome::Down if s.not_down >= success => Outcome::Degraded,
        Outcome::Down => Outcome::Down,
        Outcome::Degraded if s.up >= success => Outcome::Up,
        Outcome::Degraded => Outcome::Degraded,
        Outcome::Up if s.not_up >= failure => Outcome::Degraded,
        Outcome::Up => Outcome::Up,
    }
}

/// The page's overall banner: the worst component status, if any.
pub fn overall(states: impl IntoIterator<Item = ComponentStatus>) -> ComponentStatus {
    states
        .into_iter()
        .max_by_key(|s| s.severity())
        .unwrap_or(ComponentStatus::Operational)
}

mod findings;
pub mod located;
mod restore;
#[cfg(test)]
mod tests;
