//! Components recovering, and automatic incidents resolving once the checks
//! have passed through the quiet period; the clock's other transitions.

use chrono::{DateTime, Utc};

use super::super::book::{Book, Event, update};
use super::super::{Author, ComponentChange, Incident, IncidentStatus, MaintenanceStatus, Said};
use super::{Observed, Rules, advance_maintenances, held, note, open_automatic, open_if_failing};
use crate::model::{ComponentId, ComponentStatus};

/// A component's checks pass again. The last failing one in its incident
/// starts the quiet period; one of several still failing leaves the incident
/// (its status there becomes operational, said in a note).
pub(super) fn recovered(book: &mut Book, c: &Observed, now: DateTime<Utc>) -> Vec<Event> {
    let Some(incident) = open_automatic(book, &c.id) else {
        return Vec::new();
    };
    let others_failing = (incident.components.iter())
        .any(|(id, s)| *id != c.id && *s != ComponentStatus::Operational);
    if !others_failing {
        // The last one: the incident's own quiet period, and its resolution
        // says it.
        incident.recovered_at = Some(now);
        return Vec::new();
    }
    let Some(old) = incident
        .components
        .insert(c.id.clone(), ComponentStatus::Operational)
        .filter(|old| *old != ComponentStatus::Operational)
    else {
        return Vec::new();
    };
    incident.updated_at = now;
    let u = update(
        incident.status,
        Said::Recovered {
            component: c.name.clone(),
        }
        .into(),
        now,
        vec![ComponentChange {
            component: c.id.clone(),
            old,
            new: ComponentStatus::Operational,
        }],
        false,
        Author::Automatic,
    );
    vec![note(incident, u)]
}

/// Time-driven transitions: maintenance windows, held emails whose settle time
/// passed, and resolving recovered automatic incidents after the quiet period.
/// `observe` gives the checks' view of a component.
pub fn tick(
    book: &mut Book,
    now: DateTime<Utc>,
    rules: &Rules,
    observe: &dyn Fn(&ComponentId) -> Option<Observed>,
) -> Vec<Event> {
    let mut events = advance_maintenances(book, now);
    let ended: Vec<ComponentId> = events
        .iter()
        .filter_map(|e| match e {
            Event::MaintenanceCompleted { id } => {
                book.maintenances.get(id).map(|m| m.components.clone())
            }
            _ => None,
        })
        .flatten()
        .collect();
    events.extend(open_if_failing(book, &ended, observe, now, rules));
    let quiet = chrono::Duration::from_std(rules.quiet_period).unwrap_or_default();
    let due = |i: &Incident| {
        i.recovered_at.is_some_and(|at| now - at >= quiet)
            && i.status.is_open()
            && i.source == Author::Automatic
    };
    for incident in book.incidents.matching_mut(due) {
        events.extend(settle(incident, now));
    }
    events.extend(held::release(book, now));
    events
}

/// Whether [`tick`] has anything to do at `now` (cheap; avoids copying the book).
pub fn due(book: &Book, now: DateTime<Utc>, rules: &Rules) -> bool {
    let quiet = chrono::Duration::from_std(rules.quiet_period).unwrap_or_default();
    book.maintenances.values().any(|m| match m.status {
        MaintenanceStatus::Scheduled => now >= m.scheduled_for,
        MaintenanceStatus::InProgress | MaintenanceStatus::Verifying => now >= m.scheduled_until,
        MaintenanceStatus::Completed => false,
    }) || book.incidents.values().any(|i| {
        i.status.is_open()
            && ((i.source == Author::Automatic
                && i.recovered_at.is_some_and(|at| now - at >= quiet))
                || held::is_due(i, now))
    })
}

/// The quiet period passed with the checks passing: resolve, or, if an engineer
/// owns the incident, only say so.
fn settle(incident: &mut Incident, now: DateTime<Utc>) -> Vec<Event> {
    incident.recovered_at = None;
    incident.updated_at = now;
    let id = incident.id.clone();
    if incident.taken_over {
        let u = update(
            incident.status,
            Said::Passing.into(),
            now,
            Vec::new(),
            false,
            Author::Automatic,
        );
        return vec![note(incident, u)];
    }
    // Only what this update changes: components that left earlier already
    // said so in their own note.
    let changes = (incident.components.iter_mut())
        .filter(|(_, status)| **status != ComponentStatus::Operational)
        .map(|(component, status)| {
            let old = std::mem::replace(status, ComponentStatus::Operational);
            ComponentChange {
                component: component.clone(),
                old,
                new: ComponentStatus::Operational,
            }
        })
        .collect();
    incident.status = IncidentStatus::Resolved;
    incident.resolved_at = Some(now);
    incident.next_update_by = None;
    // An email still held for a later addition has nothing left to say; one
    // held to open the thread stays, marking an incident nobody was told of.
    incident.held = incident.held.filter(|h| h.opening);
    let u = update(
        IncidentStatus::Resolved,
        Said::ResolvedByChecks.into(),
        now,
        changes,
        true,
        Author::Automatic,
    );
    let update_id = u.id.clone();
    incident.updates.push(u);
    vec![
        Event::IncidentUpdated {
            id: id.clone(),
            update: update_id,
        },
        Event::IncidentResolved { id },
    ]
}
