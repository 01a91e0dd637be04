//! Restoring persisted state at start, against the config the engine runs with now.

use super::{CheckState, ComponentState, Engine};
use crate::model::{CheckId, ComponentId, ComponentStatus, Outcome};

impl Engine {
    /// Restores persisted state, keeping only entries the current config still knows,
    /// then settles each component against the config it now runs with (see
    /// `settle`). Returns the components whose first-seen time is not stored
    /// yet (new ones, or stored by an older build): the caller stores them
    /// once, so the time holds across restarts.
    pub fn restore(
        &mut self,
        checks: impl IntoIterator<Item = (CheckId, CheckState)>,
        components: impl IntoIterator<Item = (ComponentId, ComponentState)>,
    ) -> Vec<ComponentId> {
        for (id, state) in checks {
            match id.split_location() {
                (check, Some(location)) => self.restore_location(check, location, state),
                (check, None) if self.meta.get(&check).is_some_and(|m| !m.located) => {
                    self.checks.insert(check, state);
                }
                _ => {}
            }
        }
        self.confirm_restored();
        let mut unrecorded: Vec<ComponentId> = self.components.keys().cloned().collect();
        for (id, mut state) in components {
            if let Some(slot) = self.components.get_mut(&id) {
                if state.first_seen.is_some() {
                    unrecorded.retain(|u| u != &id);
                }
                state.first_seen = state.first_seen.or(Some(state.since));
                *slot = state;
            }
        }
        let ids: Vec<ComponentId> = self.members.keys().cloned().collect();
        for id in &ids {
            self.settle(id);
        }
        unrecorded
    }

    /// Makes a restored component agree with its checks. With saved check state,
    /// the status is judged from that (the stored status may be stale: a crash
    /// between two writes, or checks removed from the config). Without any, the
    /// stored status stands while the component still has checks to confirm or
    /// clear it, and is reset to operational when it has none. Checks without
    /// saved state (new, or renamed) start from the component's status, so one
    /// bad result after a restart does not read as a recovery.
    fn settle(&mut self, component: &ComponentId) {
        let Some(members) = self.members.get(component).cloned() else {
            return;
        };
        let restored = members.iter().any(|id| self.checks.contains_key(id));
        let (status, findings, failing_since) = self.judge(&members, self.started);
        let started = self.started;
        let Some(current) = self.components.get_mut(component) else {
            return;
        };
        if restored {
            if current.status != status {
                current.since = match (current.status, failing_since) {
                    (ComponentStatus::Operational, Some(first)) => first,
                    _ => started,
                };
                current.status = status;
            }
            current.findings = findings;
        } else if members.is_empty() && current.status != ComponentStatus::Operational {
            let first_seen = current.first_seen;
            *current = ComponentState::operational(started);
            current.first_seen = first_seen;
        }
        let seed = match current.status {
            ComponentStatus::MajorOutage | ComponentStatus::PartialOutage => Outcome::Down,
            ComponentStatus::DegradedPerformance => Outcome::Degraded,
            ComponentStatus::Operational | ComponentStatus::UnderMaintenance => return,
        };
        for id in members {
            self.checks.entry(id).or_insert_with(|| CheckState {
                health: seed,
                ..CheckState::default()
            });
        }
    }
}
