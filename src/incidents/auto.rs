//! Automation: incidents opened and resolved from the checks' evidence, and
//! maintenance windows that start and end by themselves. Pure; `now` is passed in.
//!
//! Rules: a component leaving operational opens an automatic incident (or joins
//! the open one for it); recovery resolves it only after a quiet period, so a
//! flapping component doesn't open and close incidents in a storm; once an
//! engineer has posted on it, automation only adds notes; nothing opens for a
//! component inside its maintenance window.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::book::{Book, Event, update};
use super::{
    Author, ComponentChange, Impact, Incident, IncidentId, IncidentName, IncidentStatus,
    MaintenanceStatus, Said,
};
use crate::model::{ComponentId, ComponentStatus, Evidence};

/// What the checks say about one component right now.
#[derive(Debug, Clone)]
pub struct Observed {
    pub id: ComponentId,
    pub name: String,
    /// Status from the checks alone.
    pub status: ComponentStatus,
    /// When the current status began (first failure).
    pub since: DateTime<Utc>,
    /// Each check that is not up, why, and since when (as data; in words:
    /// "API health: HTTP 503 on 3 checks in a row since 14:02 UTC").
    pub evidence: Vec<Evidence>,
}

/// Reacts to the checks moving a component from `from` to `c.status`.
pub fn on_status_change(
    book: &mut Book,
    c: &Observed,
    from: ComponentStatus,
    now: DateTime<Utc>,
) -> Vec<Event> {
    if c.status == ComponentStatus::Operational {
        if let Some(incident) = open_automatic(book, &c.id) {
            incident.recovered_at = Some(now);
        }
        return Vec::new();
    }
    if in_maintenance(book, &c.id) {
        return Vec::new();
    }
    if let Some(incident) = open_automatic(book, &c.id) {
        return join(incident, c, now);
    }
    if book
        .incidents
        .values()
        .any(|i| i.status.is_open() && i.components.contains_key(&c.id))
    {
        // An engineer's incident already covers it; the page shows the evidence.
        return Vec::new();
    }
    open(book, c, from, now)
}

/// Time-driven transitions: maintenance windows, and resolving recovered
/// automatic incidents after the quiet period. `observe` gives the checks' view
/// of a component.
pub fn tick(
    book: &mut Book,
    now: DateTime<Utc>,
    quiet: Duration,
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
    events.extend(open_if_failing(book, &ended, observe, now));
    let quiet = chrono::Duration::from_std(quiet).unwrap_or_default();
    for incident in book.incidents.values_mut() {
        let due = incident.recovered_at.is_some_and(|at| now - at >= quiet);
        if due && incident.status.is_open() && incident.source == Author::Automatic {
            events.extend(settle(incident, now));
        }
    }
    events
}

/// Whether [`tick`] has anything to do at `now` (cheap; avoids copying the book).
pub fn due(book: &Book, now: DateTime<Utc>, quiet: Duration) -> bool {
    let quiet = chrono::Duration::from_std(quiet).unwrap_or_default();
    book.maintenances.values().any(|m| match m.status {
        MaintenanceStatus::Scheduled => now >= m.scheduled_for,
        MaintenanceStatus::InProgress | MaintenanceStatus::Verifying => now >= m.scheduled_until,
        MaintenanceStatus::Completed => false,
    }) || book.incidents.values().any(|i| {
        i.status.is_open()
            && i.source == Author::Automatic
            && i.recovered_at.is_some_and(|at| now - at >= quiet)
    })
}

/// Whether a scheduled maintenance starts within `before` and its subscribers
/// were not reminded yet.
pub fn reminders_due(book: &Book, now: DateTime<Utc>, before: Duration) -> bool {
    let before = chrono::Duration::from_std(before).unwrap_or_default();
    book.maintenances.values().any(|m| {
        m.status == MaintenanceStatus::Scheduled
            && !m.reminded
            && now < m.scheduled_for
            && m.scheduled_for - now <= before
    })
}

/// Marks maintenances starting within `before` as reminded, one event each.
/// One scheduled closer than `before` in the first place gets no reminder (its
/// scheduling email said when it starts).
pub fn remind(book: &mut Book, now: DateTime<Utc>, before: Duration) -> Vec<Event> {
    let before = chrono::Duration::from_std(before).unwrap_or_default();
    let mut events = Vec::new();
    for m in book.maintenances.values_mut() {
        if m.status != MaintenanceStatus::Scheduled || m.reminded || now >= m.scheduled_for {
            continue;
        }
        if m.scheduled_for - now <= before {
            m.reminded = true;
            if m.scheduled_for - m.created_at > before {
                events.push(Event::MaintenanceReminder { id: m.id.clone() });
            }
        }
    }
    events
}

/// After a maintenance ends: components whose checks still fail get an incident.
pub fn open_if_failing(
    book: &mut Book,
    components: &[ComponentId],
    observe: &dyn Fn(&ComponentId) -> Option<Observed>,
    now: DateTime<Utc>,
) -> Vec<Event> {
    let mut events = Vec::new();
    for id in components {
        if let Some(c) = observe(id).filter(|c| c.status != ComponentStatus::Operational) {
            events.extend(on_status_change(
                book,
                &c,
                ComponentStatus::Operational,
                now,
            ));
        }
    }
    events
}

fn advance_maintenances(book: &mut Book, now: DateTime<Utc>) -> Vec<Event> {
    let mut events = Vec::new();
    for m in book.maintenances.values_mut() {
        let (next, said) = match m.status {
            MaintenanceStatus::Scheduled
            | MaintenanceStatus::InProgress
            | MaintenanceStatus::Verifying
                if now >= m.scheduled_until =>
            {
                (MaintenanceStatus::Completed, Said::MaintenanceEnded)
            }
            MaintenanceStatus::Scheduled if now >= m.scheduled_for => {
                (MaintenanceStatus::InProgress, Said::MaintenanceStarted)
            }
            _ => continue,
        };
        m.status = next;
        m.updated_at = now;
        let u = update(next, said.into(), now, Vec::new(), true, Author::Automatic);
        events.push(Event::MaintenanceUpdated {
            id: m.id.clone(),
            update: u.id.clone(),
        });
        m.updates.push(u);
        events.push(match next {
            MaintenanceStatus::InProgress => Event::MaintenanceStarted { id: m.id.clone() },
            _ => Event::MaintenanceCompleted { id: m.id.clone() },
        });
    }
    events
}

fn in_maintenance(book: &Book, id: &ComponentId) -> bool {
    book.maintenances
        .values()
        .any(|m| m.status.is_active() && m.covers(id))
}

fn open_automatic<'a>(book: &'a mut Book, id: &ComponentId) -> Option<&'a mut Incident> {
    book.incidents.values_mut().find(|i| {
        i.source == Author::Automatic && i.status.is_open() && i.components.contains_key(id)
    })
}

fn open(book: &mut Book, c: &Observed, from: ComponentStatus, now: DateTime<Utc>) -> Vec<Event> {
    let id = IncidentId::random();
    let change = ComponentChange {
        component: c.id.clone(),
        old: from,
        new: c.status,
    };
    let incident = Incident {
        id: id.clone(),
        name: IncidentName::Automatic {
            component: c.name.clone(),
            status: c.status,
        },
        status: IncidentStatus::Investigating,
        impact: Impact::of(c.status),
        components: BTreeMap::from([(c.id.clone(), c.status)]),
        created_at: now,
        updated_at: now,
        started_at: c.since.min(now),
        monitoring_at: None,
        resolved_at: None,
        cause: None,
        expected_resolution_at: None,
        workaround: None,
        postmortem: None,
        source: Author::Automatic,
        taken_over: false,
        recovered_at: None,
        updates: vec![update(
            IncidentStatus::Investigating,
            Said::Detected {
                evidence: c.evidence.clone(),
            }
            .into(),
            now,
            vec![change],
            true,
            Author::Automatic,
        )],
    };
    book.incidents.insert(id.clone(), incident);
    vec![Event::IncidentOpened { id }]
}

/// A new status for a component of an open automatic incident.
fn join(incident: &mut Incident, c: &Observed, now: DateTime<Utc>) -> Vec<Event> {
    let again = incident.recovered_at.take().is_some();
    let old = incident
        .components
        .get(&c.id)
        .copied()
        .unwrap_or(ComponentStatus::Operational);
    if old == c.status && !again {
        return Vec::new();
    }
    let evidence = c.evidence.clone();
    let said = if again {
        Said::FailingAgain { evidence }
    } else {
        Said::Now {
            status: c.status,
            evidence,
        }
    };
    let change = ComponentChange {
        component: c.id.clone(),
        old,
        new: c.status,
    };
    incident.components.insert(c.id.clone(), c.status);
    if !incident.taken_over {
        incident.impact = incident.impact.max(Impact::of(c.status));
    }
    incident.updated_at = now;
    let worse = c.status.severity() > old.severity();
    let u = update(
        incident.status,
        said.into(),
        now,
        vec![change],
        worse,
        Author::Automatic,
    );
    let event = Event::IncidentUpdated {
        id: incident.id.clone(),
        update: u.id.clone(),
    };
    incident.updates.push(u);
    vec![event]
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
        let event = Event::IncidentUpdated {
            id,
            update: u.id.clone(),
        };
        incident.updates.push(u);
        return vec![event];
    }
    let changes = incident
        .components
        .iter_mut()
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
