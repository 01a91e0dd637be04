//! Every incident, maintenance and engineer override, and the engineer's actions
//! on them. Pure: the caller passes `now` and persists what the returned events
//! name.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::input::{
    Edit, FieldErrors, NewIncident, NewMaintenance, NewMaintenanceUpdate, NewUpdate,
};
use super::records::Records;
use super::{
    Author, ComponentChange, Incident, IncidentId, IncidentStatus, Maintenance, MaintenanceId,
    MaintenanceStatus, Override, Postmortem, Said, Update, UpdateId, UpdateText,
};
use crate::model::{ComponentId, ComponentStatus};

/// Something that changed; the pipeline persists the records these name, and
/// notifications are derived from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    IncidentOpened {
        id: IncidentId,
    },
    IncidentUpdated {
        id: IncidentId,
        update: UpdateId,
    },
    IncidentResolved {
        id: IncidentId,
    },
    /// The settle time of an automatic incident passed (or an engineer
    /// posted on it first): the email held back for it goes out now, as of
    /// the incident's state now. `opening`: subscribers have not heard of it.
    IncidentAnnounced {
        id: IncidentId,
        opening: bool,
    },
    PostmortemPublished {
        id: IncidentId,
    },
    MaintenanceScheduled {
        id: MaintenanceId,
    },
    MaintenanceUpdated {
        id: MaintenanceId,
        update: UpdateId,
    },
    MaintenanceStarted {
        id: MaintenanceId,
    },
    /// It starts within `[email] reminder_before`.
    MaintenanceReminder {
        id: MaintenanceId,
    },
    MaintenanceCompleted {
        id: MaintenanceId,
    },
    ComponentOverridden {
        component: ComponentId,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookError {
    #[error("no {what} with id \"{id}\"")]
    NotFound { what: &'static str, id: String },
    #[error("{}", .0.summary())]
    Invalid(FieldErrors),
}

#[derive(Debug, Clone, Default)]
pub struct Book {
    /// Each record behind its own `Arc`: copying the book for a change copies
    /// pointers, and a change copies only the records it touches.
    pub incidents: Records<IncidentId, Incident>,
    pub maintenances: Records<MaintenanceId, Maintenance>,
    pub overrides: BTreeMap<ComponentId, Override>,
}

impl Book {
    /// Opens an engineer's incident; `current` gives each component's status now.
    pub fn open_incident(
        &mut self,
        v: NewIncident,
        current: &dyn Fn(&ComponentId) -> ComponentStatus,
        now: DateTime<Utc>,
    ) -> (IncidentId, Vec<Event>) {
        let id = IncidentId::random();
        let changes = changes(&v.components, current);
        let mut events = vec![Event::IncidentOpened { id: id.clone() }];
        events.extend(self.apply_overrides(&v.components, &id, now));
        let resolved = !v.status.is_open();
        let incident = Incident {
            id: id.clone(),
            name: v.name.into(),
            status: v.status,
            impact: v.impact,
            components: v.components,
            created_at: now,
            updated_at: now,
            started_at: now,
            monitoring_at: (v.status == IncidentStatus::Monitoring).then_some(now),
            resolved_at: resolved.then_some(now),
            cause: v.cause,
            expected_resolution_at: v.expected_resolution_at,
            next_update_by: v.next_update_by.filter(|_| !resolved),
            workaround: v.workaround,
            postmortem: None,
            source: Author::Engineer,
            taken_over: false,
            recovered_at: None,
            held: None,
            updates: vec![update(
                v.status,
                v.body.into(),
                now,
                changes,
                v.notify,
                Author::Engineer,
            )],
        };
        self.incidents.insert(id.clone(), incident);
        if resolved {
            events.extend(self.lift_overrides(&id));
        }
        (id, events)
    }

    /// Posts an engineer's update. On an automatic incident this hands it over
    /// to the engineer: automation will no longer resolve it.
    pub fn update_incident(
        &mut self,
        id: &IncidentId,
        v: NewUpdate,
        current: &dyn Fn(&ComponentId) -> ComponentStatus,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, BookError> {
        if !self.incidents.contains_key(id) {
            return Err(not_found("incident", id));
        }
        let changes = changes(&v.components, current);
        let mut events = self.apply_overrides(&v.components, id, now);
        let incident = self
            .incidents
            .get_mut(id)
            .ok_or_else(|| not_found("incident", id))?;
        let was_open = incident.status.is_open();
        incident.status = v.status;
        incident.updated_at = now;
        incident.taken_over |= incident.source == Author::Automatic;
        incident.recovered_at = None;
        // The engineer's update goes out now; an email held for the settle
        // time would only repeat it, but if it was to open the thread, this
        // change opens it.
        if incident.held.take().is_some_and(|h| h.opening) {
            events.push(Event::IncidentAnnounced {
                id: id.clone(),
                opening: true,
            });
        }
        incident
            .components
            .extend(v.components.iter().map(|(k, s)| (k.clone(), *s)));
        apply_edit(&mut incident.cause, v.cause);
        apply_edit(&mut incident.workaround, v.workaround);
        apply_edit(
            &mut incident.expected_resolution_at,
            v.expected_resolution_at,
        );
        // Each post makes the next promise; a resolution promises nothing.
        incident.next_update_by = v.next_update_by.filter(|_| v.status.is_open());
        if v.status == IncidentStatus::Monitoring && incident.monitoring_at.is_none() {
            incident.monitoring_at = Some(now);
        }
        let u = update(
            v.status,
            v.body.into(),
            now,
            changes,
            v.notify,
            Author::Engineer,
        );
        events.push(Event::IncidentUpdated {
            id: id.clone(),
            update: u.id.clone(),
        });
        incident.updates.push(u);
        if v.status.is_open() {
            incident.resolved_at = None;
        } else if was_open {
            incident.resolved_at = Some(now);
            events.push(Event::IncidentResolved { id: id.clone() });
            events.extend(self.lift_overrides(id));
        }
        Ok(events)
    }

    /// Publishes (or replaces) the postmortem of a resolved incident.
    pub fn write_postmortem(
        &mut self,
        id: &IncidentId,
        body: String,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, BookError> {
        let incident = self
            .incidents
            .get_mut(id)
            .ok_or_else(|| not_found("incident", id))?;
        let mut e = FieldErrors::default();
        if incident.status.is_open() {
            e.add(
                "status",
                "resolve the incident before writing its postmortem",
            );
        }
        if body.trim().is_empty() {
            e.add("body", "must not be empty");
        }
        if !e.is_empty() {
            return Err(BookError::Invalid(e));
        }
        incident.postmortem = Some(Postmortem {
            body: body.trim().to_owned(),
            at: now,
        });
        incident.status = IncidentStatus::Postmortem;
        incident.updated_at = now;
        Ok(vec![Event::PostmortemPublished { id: id.clone() }])
    }

    pub fn schedule_maintenance(
        &mut self,
        v: NewMaintenance,
        now: DateTime<Utc>,
    ) -> (MaintenanceId, Vec<Event>) {
        let id = MaintenanceId::random();
        let body = if v.body.is_empty() {
            Said::MaintenanceScheduled.into()
        } else {
            v.body.clone().into()
        };
        let m = Maintenance {
            id: id.clone(),
            name: v.name,
            body: v.body,
            status: MaintenanceStatus::Scheduled,
            scheduled_for: v.scheduled_for,
            scheduled_until: v.scheduled_until,
            components: v.components,
            created_at: now,
            updated_at: now,
            updates: vec![update(
                MaintenanceStatus::Scheduled,
                body,
                now,
                Vec::new(),
                v.notify,
                Author::Engineer,
            )],
            reminded: false,
        };
        self.maintenances.insert(id.clone(), m);
        (id.clone(), vec![Event::MaintenanceScheduled { id }])
    }

    pub fn update_maintenance(
        &mut self,
        id: &MaintenanceId,
        v: NewMaintenanceUpdate,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, BookError> {
        let m = self
            .maintenances
            .get_mut(id)
            .ok_or_else(|| not_found("maintenance", id))?;
        let u = update(
            v.status,
            v.body.into(),
            now,
            Vec::new(),
            v.notify,
            Author::Engineer,
        );
        let mut events = vec![Event::MaintenanceUpdated {
            id: id.clone(),
            update: u.id.clone(),
        }];
        if v.status == MaintenanceStatus::Completed && m.status != MaintenanceStatus::Completed {
            events.push(Event::MaintenanceCompleted { id: id.clone() });
        }
        m.status = v.status;
        m.updated_at = now;
        m.updates.push(u);
        Ok(events)
    }

    /// An engineer's explicit status. `operational` hands the component back to
    /// its checks (so a later failure is not hidden); anything else pins it.
    pub fn set_component(
        &mut self,
        id: &ComponentId,
        status: ComponentStatus,
        now: DateTime<Utc>,
    ) -> Vec<Event> {
        if status == ComponentStatus::Operational {
            self.overrides.remove(id);
        } else {
            self.overrides.insert(
                id.clone(),
                Override {
                    status,
                    at: now,
                    incident: None,
                },
            );
        }
        vec![Event::ComponentOverridden {
            component: id.clone(),
        }]
    }

    fn apply_overrides(
        &mut self,
        statuses: &BTreeMap<ComponentId, ComponentStatus>,
        incident: &IncidentId,
        now: DateTime<Utc>,
    ) -> Vec<Event> {
        let mut events = Vec::new();
        for (id, status) in statuses {
            events.extend(self.set_component(id, *status, now));
            if let Some(o) = self.overrides.get_mut(id) {
                o.incident = Some(incident.clone());
            }
        }
        events
    }

    /// Resolving an incident lifts the statuses it set.
    fn lift_overrides(&mut self, incident: &IncidentId) -> Vec<Event> {
        let lifted: Vec<ComponentId> = self
            .overrides
            .iter()
            .filter(|(_, o)| o.incident.as_ref() == Some(incident))
            .map(|(id, _)| id.clone())
            .collect();
        lifted
            .into_iter()
            .map(|component| {
                self.overrides.remove(&component);
                Event::ComponentOverridden { component }
            })
            .collect()
    }

    /// Open incidents, newest first.
    pub fn open_incidents(&self) -> Vec<&Incident> {
        let mut open: Vec<&Incident> = self
            .incidents
            .values()
            .filter(|i| i.status.is_open())
            .collect();
        open.sort_by_key(|i| std::cmp::Reverse(i.started_at));
        open
    }
}

pub(super) fn not_found(what: &'static str, id: impl std::fmt::Display) -> BookError {
    BookError::NotFound {
        what,
        id: id.to_string(),
    }
}

fn changes(
    statuses: &BTreeMap<ComponentId, ComponentStatus>,
    current: &dyn Fn(&ComponentId) -> ComponentStatus,
) -> Vec<ComponentChange> {
    statuses
        .iter()
        .map(|(id, new)| ComponentChange {
            component: id.clone(),
            old: current(id),
            new: *new,
        })
        .collect()
}

fn apply_edit<T>(slot: &mut Option<T>, edit: Edit<T>) {
    match edit {
        Edit::Keep => {}
        Edit::Clear => *slot = None,
        Edit::Set(v) => *slot = Some(v),
    }
}

pub(super) fn update<S>(
    status: S,
    body: UpdateText,
    at: DateTime<Utc>,
    changes: Vec<ComponentChange>,
    notify: bool,
    author: Author,
) -> Update<S> {
    Update {
        id: UpdateId::random(),
        status,
        body,
        at,
        changes,
        notify,
        author,
    }
}
