//! Which deliveries one change causes, built while the change is committed.
//!
//! - An incident opened, updated (every update, whether or not it emails
//!   subscribers: its `deliver_notifications` says), resolved, or given a
//!   postmortem → one `incident` payload per incident per change.
//! - A maintenance scheduled, updated, started or completed (not its email
//!   reminder) → one `incident` payload carrying the maintenance object.
//! - A component whose effective status (what the page shows) changed →
//!   one `component_update` payload.
//! - A component whose customers' reports reached its threshold while its
//!   checks were green → one `component.reports_threshold` payload (Candor's
//!   own: Statuspage has no such event).
//!
//! Each payload is serialized once; each webhook whose `components` filter it
//! passes gets its own job (own id, own retries) with those same bytes.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Delivery, payload};
use crate::config::Webhook;
use crate::incidents::book::Event;
use crate::incidents::{IncidentId, MaintenanceId, new_id};
use crate::model::{ComponentId, ComponentStatus};
use crate::outbox::{Envelope, Job};
use crate::read::shapes::Catalog;
use crate::read::view::View;
use crate::reports::Counts;

/// A component's effective status before and after one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub component: ComponentId,
    pub old: ComponentStatus,
    pub new: ComponentStatus,
}

/// Components whose status differs between `before` and `after`. An id in
/// only one of them (a component added to or removed from the config) has
/// no old or new status to report, so it is skipped.
pub fn status_changes(
    before: &BTreeMap<ComponentId, ComponentStatus>,
    after: &BTreeMap<ComponentId, ComponentStatus>,
) -> Vec<StatusChange> {
    after
        .iter()
        .filter_map(|(id, new)| {
            let old = before.get(id)?;
            (old != new).then(|| StatusChange {
                component: id.clone(),
                old: *old,
                new: *new,
            })
        })
        .collect()
}

/// The webhook jobs for `events` and `changes`, against the view after them:
/// incident and maintenance payloads first (in the order the events name
/// them), then component payloads.
pub fn jobs(
    webhooks: &[Webhook],
    v: &View,
    events: &[Event],
    changes: &[StatusChange],
    now: DateTime<Utc>,
) -> Vec<Envelope> {
    if webhooks.is_empty() {
        return Vec::new();
    }
    let cat = Catalog::new(v, None);
    let mut out = Vec::new();
    for subject in subjects(events) {
        if let Some((about, affected, body)) = describe(v, &cat, subject, now) {
            push(&mut out, webhooks, about, &affected, &body, now);
        }
    }
    for c in changes {
        let Some(body) = payload::component(v, &cat, &c.component, (c.old, c.new), now) else {
            continue;
        };
        let about = format!("component {}", c.component);
        let affected = std::slice::from_ref(&c.component);
        push(&mut out, webhooks, about, affected, &body, now);
    }
    out
}

/// A component whose customers' reports reached its threshold while its
/// checks were green.
#[derive(Debug, Clone)]
pub struct Crossing<'a> {
    pub component: &'a ComponentId,
    pub counts: Counts,
    pub threshold: u32,
    /// What its checks alone said.
    pub checks_status: ComponentStatus,
}

/// The `component.reports_threshold` deliveries for `crossing`, to every
/// webhook whose filter takes the component.
pub fn reports_threshold(
    webhooks: &[Webhook],
    v: &View,
    crossing: &Crossing<'_>,
    now: DateTime<Utc>,
) -> Vec<Envelope> {
    let cat = Catalog::new(v, None);
    let Some(body) = payload::reports_threshold(v, &cat, crossing, now) else {
        return Vec::new();
    };
    let about = format!("reports about {}", crossing.component);
    let mut out = Vec::new();
    let affected = std::slice::from_ref(crossing.component);
    push(&mut out, webhooks, about, affected, &body, now);
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Subject<'a> {
    Incident(&'a IncidentId),
    Maintenance(&'a MaintenanceId),
}

/// The records the events are about, each once, in the order first named: a
/// resolving update is one payload, not an update and a resolution.
fn subjects(events: &[Event]) -> Vec<Subject<'_>> {
    let mut out = Vec::new();
    for event in events {
        let subject = match event {
            Event::IncidentOpened { id }
            | Event::IncidentUpdated { id, .. }
            | Event::IncidentResolved { id }
            | Event::PostmortemPublished { id } => Subject::Incident(id),
            Event::MaintenanceScheduled { id }
            | Event::MaintenanceUpdated { id, .. }
            | Event::MaintenanceStarted { id }
            | Event::MaintenanceCompleted { id } => Subject::Maintenance(id),
            // Held emails are for people; receivers already had the change.
            Event::MaintenanceReminder { .. }
            | Event::ComponentOverridden { .. }
            | Event::IncidentAnnounced { .. } => continue,
        };
        if !out.contains(&subject) {
            out.push(subject);
        }
    }
    out
}

/// What the payload is about (for logs), the components it affects (for the
/// filters) and the payload itself.
fn describe(
    v: &View,
    cat: &Catalog,
    subject: Subject<'_>,
    now: DateTime<Utc>,
) -> Option<(String, Vec<ComponentId>, Value)> {
    match subject {
        Subject::Incident(id) => {
            let i = v.book.incidents.get(id)?;
            let affected = i.components.keys().cloned().collect();
            let body = payload::incident(v, cat, i, now);
            Some((format!("incident {id}"), affected, body))
        }
        Subject::Maintenance(id) => {
            let m = v.book.maintenances.get(id)?;
            let body = payload::maintenance(v, cat, m, now);
            Some((format!("maintenance {id}"), m.components.clone(), body))
        }
    }
}

fn push(
    out: &mut Vec<Envelope>,
    webhooks: &[Webhook],
    about: String,
    affected: &[ComponentId],
    payload: &Value,
    now: DateTime<Utc>,
) {
    let body = payload.to_string();
    for hook in webhooks.iter().filter(|w| w.wants(affected.iter())) {
        let delivery = Delivery {
            url: hook.url.to_string(),
            id: new_id(),
            about: about.clone(),
            body: body.clone(),
        };
        out.push(Envelope::new(Job::Webhook(delivery), now));
    }
}
