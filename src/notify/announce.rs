//! Which changes subscribers hear about, as [`Notice`]s: incident opened, an
//! update an engineer marked `notify`, resolved; maintenance scheduled, reminder,
//! started, completed. Automatic incidents notify unless one of their
//! components has `notify_automatic = false`.

use super::notice::{Affected, Notice, NoticeKind};
use crate::config::Config;
use crate::incidents::book::Event;
use crate::incidents::{Author, Book, Incident, Maintenance};

/// The notices the events of one change cause. One change sends at most one
/// email per incident: resolving (or opening) supersedes the update beside it.
pub fn notices(events: &[Event], book: &Book, config: &Config) -> Vec<Notice> {
    let mut out = Vec::new();
    for event in events {
        let notice = match event {
            Event::IncidentOpened { id } => {
                incident(book, config, id, NoticeKind::IncidentOpened, None)
            }
            Event::IncidentResolved { id } => {
                incident(book, config, id, NoticeKind::IncidentResolved, None)
            }
            Event::IncidentUpdated { id, update } => {
                let covered = events.iter().any(|e| {
                    matches!(e, Event::IncidentOpened { id: o } | Event::IncidentResolved { id: o } if o == id)
                });
                if covered {
                    None
                } else {
                    incident(book, config, id, NoticeKind::IncidentUpdated, Some(update))
                }
            }
            Event::MaintenanceScheduled { id } => {
                maintenance(book, config, id, NoticeKind::MaintenanceScheduled)
            }
            Event::MaintenanceReminder { id } => {
                maintenance(book, config, id, NoticeKind::MaintenanceReminder)
            }
            Event::MaintenanceStarted { id } => {
                maintenance(book, config, id, NoticeKind::MaintenanceStarted)
            }
            Event::MaintenanceCompleted { id } => {
                maintenance(book, config, id, NoticeKind::MaintenanceCompleted)
            }
            Event::MaintenanceUpdated { .. }
            | Event::PostmortemPublished { .. }
            | Event::ComponentOverridden { .. } => None,
        };
        out.extend(notice);
    }
    out
}

fn incident(
    book: &Book,
    config: &Config,
    id: &str,
    kind: NoticeKind,
    update: Option<&String>,
) -> Option<Notice> {
    let i = book.incidents.get(id)?;
    let u = match update {
        Some(uid) => i.updates.iter().find(|u| &u.id == uid)?,
        None => i.latest()?,
    };
    if !u.notify || (i.source == Author::Automatic && !automatic_allowed(i, config)) {
        return None;
    }
    Some(Notice {
        kind,
        subject_id: i.id.clone(),
        update_id: u.id.clone(),
        name: i.name.clone(),
        status: u.status.label().to_owned(),
        impact: headline(i),
        components: affected(config, i.components.iter().map(|(c, s)| (c, *s))),
        cause: i.cause.clone(),
        expected_resolution_at: i.expected_resolution_at,
        workaround: i.workaround.clone(),
        body: u.body.clone(),
        window: None,
        at: u.at,
    })
}

/// "Major outage" (the worst affected component's status), or "Major impact"
/// for an incident that names no component.
fn headline(i: &Incident) -> String {
    i.components
        .values()
        .filter(|s| **s != crate::model::ComponentStatus::Operational)
        .max_by_key(|s| s.severity())
        .map_or_else(
            || format!("{} impact", i.impact.label()),
            |s| s.label().to_owned(),
        )
}

fn automatic_allowed(i: &Incident, config: &Config) -> bool {
    i.components
        .keys()
        .all(|c| config.component(c).is_none_or(|c| c.notify_automatic))
}

fn maintenance(book: &Book, config: &Config, id: &str, kind: NoticeKind) -> Option<Notice> {
    let m: &Maintenance = book.maintenances.get(id)?;
    let u = m.latest()?;
    if !m.updates.first().is_some_and(|first| first.notify) {
        return None;
    }
    let status = crate::model::ComponentStatus::UnderMaintenance;
    Some(Notice {
        kind,
        subject_id: m.id.clone(),
        update_id: if kind == NoticeKind::MaintenanceReminder {
            format!("{}-reminder", m.id)
        } else {
            u.id.clone()
        },
        name: m.name.clone(),
        status: u.status.label().to_owned(),
        impact: "Maintenance".to_owned(),
        components: affected(config, m.components.iter().map(|c| (c, status))),
        cause: None,
        expected_resolution_at: None,
        workaround: None,
        body: if m.body.is_empty() {
            u.body.clone()
        } else {
            m.body.clone()
        },
        window: Some((m.scheduled_for, m.scheduled_until)),
        at: u.at,
    })
}

fn affected<'a>(
    config: &Config,
    components: impl Iterator<Item = (&'a crate::model::ComponentId, crate::model::ComponentStatus)>,
) -> Vec<Affected> {
    components
        .map(|(id, status)| Affected {
            id: id.clone(),
            name: config
                .component(id)
                .map_or_else(|| id.to_string(), |c| c.name.clone()),
            status,
        })
        .collect()
}
