//! Automation: incidents opened and resolved from the checks' evidence, and
//! maintenance windows that start and end by themselves. Pure; `now` is passed in.
//!
//! Rules:
//! - a component leaving operational opens an automatic incident, or joins
//!   one: the open one it is already in, or else (`[incidents]
//!   correlate_within`) the open automatic incident that last changed within
//!   that window, so one failing host behind many components is one incident;
//! - a component of several that recovers leaves the incident (its status
//!   there becomes operational); the incident resolves once every component
//!   has passed through the quiet period, so a flapping component doesn't
//!   open and close incidents in a storm;
//! - once an engineer has posted on it, automation only adds notes, and no
//!   other component joins it;
//! - nothing opens for a component inside its maintenance window;
//! - the email about an automatic incident, or about components that joined
//!   it, waits `[incidents] settle` ([`Held`]), so what fails together is told
//!   together.

mod held;
mod maintenance;
mod resolve;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::book::{Book, Event, update};
use super::{
    Author, ComponentChange, GroupRef, Impact, Incident, IncidentId, IncidentName, IncidentStatus,
    Member, Said,
};
use crate::config::Incidents as Rules;
use crate::model::{ComponentId, ComponentStatus, Evidence};
pub use held::release;
use maintenance::{advance_maintenances, in_maintenance};
pub use maintenance::{remind, reminders_due};
pub use resolve::{due, tick};

/// What the checks say about one component right now.
#[derive(Debug, Clone)]
pub struct Observed {
    pub id: ComponentId,
    pub name: String,
    /// Its group and the group's size, to name a group that fails as a whole.
    pub group: Option<GroupRef>,
    /// Status from the checks alone.
    pub status: ComponentStatus,
    /// When the current status began (first failure).
    pub since: DateTime<Utc>,
    /// Each check that is not up, why, and since when (as data; in words:
    /// "API health: HTTP 503 on 3 checks in a row since 14:02 UTC").
    pub evidence: Vec<Evidence>,
    /// What customers can do meanwhile, as configured for the component
    /// (`[[components]] workaround`), shown on its automatic incidents until
    /// an engineer takes them over.
    pub workaround: Option<String>,
}

impl Observed {
    fn member(&self) -> Member {
        Member {
            name: self.name.clone(),
            group: self.group.clone(),
        }
    }
}

/// Reacts to the checks moving a component from `from` to `c.status`.
pub fn on_status_change(
    book: &mut Book,
    c: &Observed,
    from: ComponentStatus,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Vec<Event> {
    if c.status == ComponentStatus::Operational {
        return resolve::recovered(book, c, now);
    }
    if in_maintenance(book, &c.id) {
        return Vec::new();
    }
    if let Some(incident) = open_automatic(book, &c.id) {
        return join(incident, c, now, rules);
    }
    if book
        .incidents
        .values()
        .any(|i| i.status.is_open() && i.components.contains_key(&c.id))
    {
        // An engineer's incident already covers it; the page shows the evidence.
        return Vec::new();
    }
    if let Some(incident) = correlated(book, now, rules) {
        return join(incident, c, now, rules);
    }
    open(book, c, from, now, rules)
}

/// After a maintenance ends: components whose checks still fail get an
/// incident (one, when they fail together).
pub fn open_if_failing(
    book: &mut Book,
    components: &[ComponentId],
    observe: &dyn Fn(&ComponentId) -> Option<Observed>,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Vec<Event> {
    let mut events = Vec::new();
    for id in components {
        if let Some(c) = observe(id).filter(|c| c.status != ComponentStatus::Operational) {
            let from = ComponentStatus::Operational;
            events.extend(on_status_change(book, &c, from, now, rules));
        }
    }
    events
}

fn open_automatic<'a>(book: &'a mut Book, id: &ComponentId) -> Option<&'a mut Incident> {
    // Found on the shared records; only the one found is copied.
    let found = (book.incidents.values())
        .find(|i| {
            i.source == Author::Automatic && i.status.is_open() && i.components.contains_key(id)
        })
        .map(|i| i.id.clone())?;
    book.incidents.get_mut(&found)
}

/// The open automatic incident a new failure belongs to: the one that changed
/// last, if that was within the correlation window and no engineer owns it.
fn correlated<'a>(
    book: &'a mut Book,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Option<&'a mut Incident> {
    let window = chrono::Duration::from_std(rules.correlate_within).ok()?;
    if window.is_zero() {
        return None;
    }
    // Chosen on the shared records; only the one joined is copied.
    let id = (book.incidents.values())
        .filter(|i| i.source == Author::Automatic && i.status.is_open() && !i.taken_over)
        .filter(|i| now - i.updated_at <= window)
        .max_by_key(|i| i.updated_at)
        .map(|i| i.id.clone())?;
    book.incidents.get_mut(&id)
}

fn open(
    book: &mut Book,
    c: &Observed,
    from: ComponentStatus,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Vec<Event> {
    let id = IncidentId::random();
    let change = ComponentChange {
        component: c.id.clone(),
        old: from,
        new: c.status,
    };
    let said = Said::Detected {
        evidence: c.evidence.clone(),
    };
    let incident = Incident {
        id: id.clone(),
        name: IncidentName::automatic(c.member(), c.status),
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
        next_update_by: super::promise::promised(now, rules.next_update_within),
        workaround: c.workaround.clone(),
        postmortem: None,
        source: Author::Automatic,
        taken_over: false,
        recovered_at: None,
        held: held::hold(None, true, now, rules),
        updates: vec![update(
            IncidentStatus::Investigating,
            said.into(),
            now,
            vec![change],
            true,
            Author::Automatic,
        )],
    };
    book.incidents.insert(id.clone(), incident);
    vec![Event::IncidentOpened { id }]
}

/// A new status for a component in an open automatic incident, or a component
/// joining it.
fn join(incident: &mut Incident, c: &Observed, now: DateTime<Utc>, rules: &Rules) -> Vec<Event> {
    let again = incident.recovered_at.take().is_some();
    let known = incident.components.get(&c.id).copied();
    let old = known.unwrap_or(ComponentStatus::Operational);
    if old == c.status && !again {
        return Vec::new();
    }
    let several = incident.components.len() > 1 || known.is_none();
    let named = several.then(|| c.name.clone());
    let evidence = c.evidence.clone();
    let said = match known {
        None => Said::Joined {
            component: c.name.clone(),
            status: c.status,
            evidence,
        },
        Some(_) if again || old == ComponentStatus::Operational => Said::FailingAgain {
            component: named,
            evidence,
        },
        Some(_) => Said::Now {
            component: named,
            status: c.status,
            evidence,
        },
    };
    let change = ComponentChange {
        component: c.id.clone(),
        old,
        new: c.status,
    };
    incident.components.insert(c.id.clone(), c.status);
    if !incident.taken_over {
        incident.impact = incident.impact.max(Impact::of(c.status));
        incident.name.join(c.member(), c.status);
        add_workaround(incident, c.workaround.as_deref());
    }
    incident.updated_at = now;
    let worse = c.status.severity() > old.severity();
    if worse {
        incident.held = held::hold(incident.held, false, now, rules);
    }
    let u = update(
        incident.status,
        said.into(),
        now,
        vec![change],
        worse,
        Author::Automatic,
    );
    vec![note(incident, u)]
}

/// Adds a joining component's configured workaround to an automatic
/// incident's, once: each component's on a paragraph of its own.
fn add_workaround(incident: &mut Incident, workaround: Option<&str>) {
    let Some(w) = workaround else { return };
    match &mut incident.workaround {
        Some(all) if all.split("\n\n").any(|p| p == w) => {}
        Some(all) => {
            all.push_str("\n\n");
            all.push_str(w);
        }
        None => incident.workaround = Some(w.to_owned()),
    }
}

/// Adds an automatic note to the incident's timeline; the event naming it.
fn note(incident: &mut Incident, u: super::Update<IncidentStatus>) -> Event {
    let event = Event::IncidentUpdated {
        id: incident.id.clone(),
        update: u.id.clone(),
    };
    incident.updates.push(u);
    event
}

#[cfg(test)]
mod tests;
