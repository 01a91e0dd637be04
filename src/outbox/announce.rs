//! Which changes subscribers hear about, as [`Notice`]s: incident opened, an
//! update an engineer marked `notify`, resolved; maintenance scheduled, reminder,
//! started, completed. Automatic incidents notify unless one of their
//! components has `notify_automatic = false`.

use super::notice::{Affected, Notice, NoticeImpact, NoticeKind, NoticeStatus};
use super::update_ref::UpdateRef;
use crate::config::Config;
use crate::incidents::book::Event;
use crate::incidents::{
    Author, Book, Incident, IncidentId, Maintenance, MaintenanceId, RecordId, UpdateId, UpdateText,
    promise,
};
use crate::model::{ComponentId, Evidence};

/// The notices the events of one change cause. One change sends at most one
/// email per incident: resolving (or opening) supersedes the update beside it.
/// What a component's checks find now (empty while they pass).
pub type SeenNow<'a> = &'a dyn Fn(&ComponentId) -> Vec<Evidence>;

/// `seen_now`: what a component's checks find now (an incident without a
/// cause or evidence of its own gives that as its why).
pub fn notices(events: &[Event], book: &Book, config: &Config, seen_now: SeenNow) -> Vec<Notice> {
    let mut out = Vec::new();
    for event in events {
        let notice = match event {
            Event::IncidentOpened { id } => {
                incident(book, config, seen_now, id, NoticeKind::IncidentOpened, None)
            }
            Event::IncidentResolved { id } => incident(
                book,
                config,
                seen_now,
                id,
                NoticeKind::IncidentResolved,
                None,
            ),
            Event::IncidentUpdated { id, update } if !superseded(events, id) => incident(
                book,
                config,
                seen_now,
                id,
                NoticeKind::IncidentUpdated,
                Some(update),
            ),
            Event::IncidentAnnounced { id, opening } if !resolved(events, id) => {
                announced(book, config, seen_now, id, *opening)
            }
            Event::IncidentUpdated { .. } | Event::IncidentAnnounced { .. } => None,
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

/// Opening, resolving or announcing an incident in the same change says
/// what an update beside it would.
fn superseded(events: &[Event], id: &IncidentId) -> bool {
    events.iter().any(|e| match e {
        Event::IncidentOpened { id: o }
        | Event::IncidentResolved { id: o }
        | Event::IncidentAnnounced { id: o, .. } => o == id,
        _ => false,
    })
}

fn resolved(events: &[Event], id: &IncidentId) -> bool {
    (events.iter()).any(|e| matches!(e, Event::IncidentResolved { id: o } if o == id))
}

/// A held email whose settle time passed: the incident as it is now, with
/// the latest update meant for subscribers.
fn announced(
    book: &Book,
    config: &Config,
    seen_now: SeenNow,
    id: &IncidentId,
    opening: bool,
) -> Option<Notice> {
    let i = book.incidents.get(id)?;
    let u = i.updates.iter().rev().find(|u| u.notify)?;
    let kind = match opening {
        true => NoticeKind::IncidentOpened,
        false => NoticeKind::IncidentUpdated,
    };
    incident(book, config, seen_now, id, kind, Some(&u.id))
}

fn incident(
    book: &Book,
    config: &Config,
    seen_now: SeenNow,
    id: &IncidentId,
    kind: NoticeKind,
    update: Option<&UpdateId>,
) -> Option<Notice> {
    let i = book.incidents.get(id)?;
    let u = match update {
        Some(uid) => i.updates.iter().find(|u| &u.id == uid)?,
        None => i.latest()?,
    };
    if !u.notify || (i.source == Author::Automatic && !automatic_allowed(i, config)) {
        return None;
    }
    // Held for the settle time (it goes out as `IncidentAnnounced`), or,
    // resolved while its opening was still held, never announced at all.
    let held = i
        .held
        .is_some_and(|h| h.opening || kind != NoticeKind::IncidentResolved);
    if held {
        return None;
    }
    Some(Notice {
        kind,
        subject_id: RecordId::from(&i.id),
        update_id: u.id.clone().into(),
        name: i.name.clone(),
        status: NoticeStatus::Incident(u.status),
        impact: headline(i),
        components: affected(config, i.components.iter().map(|(c, s)| (c, *s))),
        cause: i.cause.clone(),
        why: Some(promise::grounds(i, &|c| name(config, c), seen_now)),
        expected_resolution_at: i.expected_resolution_at,
        next_update_by: i.next_update_by.filter(|_| i.status.is_open()),
        workaround: i.workaround.clone(),
        body: u.body.clone(),
        window: None,
        at: u.at,
    })
}

/// The worst affected component's status ("Major outage"), or the incident's
/// impact ("Major impact") when no component it names is down.
fn headline(i: &Incident) -> NoticeImpact {
    i.components
        .values()
        .filter(|s| **s != crate::model::ComponentStatus::Operational)
        .max_by_key(|s| s.severity())
        .map_or(NoticeImpact::Incident(i.impact), |s| {
            NoticeImpact::Worst(*s)
        })
}

fn automatic_allowed(i: &Incident, config: &Config) -> bool {
    i.components
        .keys()
        .all(|c| config.component(c).is_none_or(|c| c.notify_automatic))
}

fn maintenance(
    book: &Book,
    config: &Config,
    id: &MaintenanceId,
    kind: NoticeKind,
) -> Option<Notice> {
    let m: &Maintenance = book.maintenances.get(id)?;
    let u = m.latest()?;
    if !m.updates.first().is_some_and(|first| first.notify) {
        return None;
    }
    let status = crate::model::ComponentStatus::UnderMaintenance;
    Some(Notice {
        kind,
        subject_id: RecordId::from(&m.id),
        update_id: if kind == NoticeKind::MaintenanceReminder {
            UpdateRef::Reminder(m.id.clone())
        } else {
            u.id.clone().into()
        },
        name: m.name.clone().into(),
        status: NoticeStatus::Maintenance(u.status),
        impact: NoticeImpact::Maintenance,
        components: affected(config, m.components.iter().map(|c| (c, status))),
        cause: None,
        why: None,
        expected_resolution_at: None,
        next_update_by: None,
        workaround: None,
        body: if m.body.is_empty() {
            u.body.clone()
        } else {
            UpdateText::Written(m.body.clone())
        },
        window: Some((m.scheduled_for, m.scheduled_until)),
        at: u.at,
    })
}

/// A component's configured name (its id once it has left the config).
fn name(config: &Config, id: &crate::model::ComponentId) -> String {
    config
        .component(id)
        .map_or_else(|| id.to_string(), |c| c.name.clone())
}

fn affected<'a>(
    config: &Config,
    components: impl Iterator<Item = (&'a crate::model::ComponentId, crate::model::ComponentStatus)>,
) -> Vec<Affected> {
    components
        .map(|(id, status)| {
            let c = config.component(id);
            Affected {
                id: id.clone(),
                name: c.map_or_else(|| id.to_string(), |c| c.name.clone()),
                status,
                group: c.and_then(|c| c.group.clone()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    const RULES: crate::config::Incidents = crate::config::Incidents::AT_ONCE;
    use crate::incidents::auto::{self, Observed};
    use crate::incidents::input::{IncidentInput, MaintenanceInput, UpdateInput};
    use crate::incidents::promise::Grounds;
    use crate::model::{ComponentId, ComponentStatus};

    fn config(notify_automatic: bool) -> Config {
        Config::parse(&format!(
            "[[components]]\nid = \"api\"\nname = \"Public API\"\nnotify_automatic = {notify_automatic}\n"
        ))
        .unwrap()
    }

    fn t(min: i64) -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 14, 0, 0).unwrap() + chrono::Duration::minutes(min)
    }

    fn outage() -> Observed {
        Observed {
            workaround: None,
            id: ComponentId::parse("api").unwrap(),
            name: "Public API".into(),
            group: None,
            status: ComponentStatus::MajorOutage,
            since: t(0),
            // "API health: HTTP 503 Service Unavailable."
            evidence: vec![crate::model::Evidence {
                seen_from: None,
                check: "API health".into(),
                reason: Some(crate::model::Reason::HttpStatus { code: 503 }),
                runs: 3,
                since: None,
            }],
        }
    }

    #[test]
    fn automatic_incidents_notify_unless_the_component_opts_out() {
        for (allowed, expected) in [(true, 1), (false, 0)] {
            let mut book = Book::default();
            let events = auto::on_status_change(
                &mut book,
                &outage(),
                ComponentStatus::Operational,
                t(1),
                &RULES,
            );
            let notices = notices(&events, &book, &config(allowed), &|_| Vec::new());
            assert_eq!(notices.len(), expected, "notify_automatic = {allowed}");
            if let Some(n) = notices.first() {
                assert_eq!(n.kind, NoticeKind::IncidentOpened);
                assert_eq!(n.impact, NoticeImpact::Worst(ComponentStatus::MajorOutage));
                let Some(Grounds::Checks { seen, .. }) = &n.why else {
                    panic!("the why is the evidence: {:?}", n.why)
                };
                assert_eq!(seen[0].component, "Public API");
                assert_eq!(seen[0].evidence, outage().evidence);
                assert_eq!(n.next_update_by, Some(t(31)), "30 minutes after opening");
            }
        }
    }

    #[test]
    fn a_resolving_update_sends_one_resolution_and_quiet_updates_send_nothing() {
        let config = config(true);
        let mut book = Book::default();
        let open = IncidentInput {
            name: Some("x".into()),
            status: Some("identified".into()),
            body: Some("y".into()),
            ..Default::default()
        };
        let current = |_: &ComponentId| ComponentStatus::Operational;
        let (id, _) = book.open_incident(open.validate(&config, t(0)).unwrap(), &current, t(0));
        let quiet = UpdateInput {
            status: Some("monitoring".into()),
            body: Some("z".into()),
            notify: Some(false),
            ..Default::default()
        };
        let events = book
            .update_incident(&id, quiet.validate(&config, t(1)).unwrap(), &current, t(1))
            .unwrap();
        assert!(
            notices(&events, &book, &config, &|_| Vec::new()).is_empty(),
            "notify: false sends nothing"
        );
        let resolve = UpdateInput {
            status: Some("resolved".into()),
            body: Some("done".into()),
            ..Default::default()
        };
        let events = book
            .update_incident(
                &id,
                resolve.validate(&config, t(2)).unwrap(),
                &current,
                t(2),
            )
            .unwrap();
        let kinds: Vec<NoticeKind> = notices(&events, &book, &config, &|_| Vec::new())
            .iter()
            .map(|n| n.kind)
            .collect();
        assert_eq!(kinds, vec![NoticeKind::IncidentResolved]);
        let resolved = &notices(&events, &book, &config, &|_| Vec::new())[0];
        assert_eq!(resolved.why, Some(Grounds::NotPublished));
        assert_eq!(resolved.next_update_by, None, "nothing more is promised");
    }

    #[test]
    fn maintenance_is_announced_reminded_started_and_completed() {
        let config = config(true);
        let mut book = Book::default();
        let input = MaintenanceInput {
            name: Some("Upgrade".into()),
            scheduled_for: Some(t(180).to_rfc3339()),
            scheduled_until: Some(t(240).to_rfc3339()),
            components: vec!["api".into()],
            ..Default::default()
        };
        let (_, scheduled) =
            book.schedule_maintenance(input.validate(&config, t(0)).unwrap(), t(0));
        let hour = std::time::Duration::from_secs(3600);
        assert!(auto::remind(&mut book, t(100), hour).is_empty(), "not yet");
        let reminder = auto::remind(&mut book, t(125), hour);
        assert!(
            auto::remind(&mut book, t(130), hour).is_empty(),
            "reminded once"
        );
        let none = |_: &ComponentId| None;
        let started = auto::tick(&mut book, t(180), &RULES, &none);
        let completed = auto::tick(&mut book, t(240), &RULES, &none);
        let kinds: Vec<NoticeKind> = [scheduled, reminder, started, completed]
            .iter()
            .flat_map(|events| notices(events, &book, &config, &|_| Vec::new()))
            .map(|n| n.kind)
            .collect();
        assert_eq!(
            kinds,
            vec![
                NoticeKind::MaintenanceScheduled,
                NoticeKind::MaintenanceReminder,
                NoticeKind::MaintenanceStarted,
                NoticeKind::MaintenanceCompleted,
            ]
        );
    }
}
