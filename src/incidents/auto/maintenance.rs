//! Maintenance windows that start and end by themselves, and the reminders
//! before them. Pure; `now` is passed in.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::super::book::{Book, Event, update};
use super::super::{Author, Maintenance, MaintenanceStatus, Said};
use crate::model::ComponentId;

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
    let upcoming = |m: &Maintenance| {
        m.status == MaintenanceStatus::Scheduled && !m.reminded && now < m.scheduled_for
    };
    for m in book.maintenances.matching_mut(upcoming) {
        if m.scheduled_for - now <= before {
            m.reminded = true;
            if m.scheduled_for - m.created_at > before {
                events.push(Event::MaintenanceReminder { id: m.id.clone() });
            }
        }
    }
    events
}

pub(super) fn advance_maintenances(book: &mut Book, now: DateTime<Utc>) -> Vec<Event> {
    let mut events = Vec::new();
    let moving = |m: &Maintenance| match m.status {
        MaintenanceStatus::Scheduled => now >= m.scheduled_for,
        MaintenanceStatus::InProgress | MaintenanceStatus::Verifying => now >= m.scheduled_until,
        MaintenanceStatus::Completed => false,
    };
    for m in book.maintenances.matching_mut(moving) {
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

pub(super) fn in_maintenance(book: &Book, id: &ComponentId) -> bool {
    book.maintenances
        .values()
        .any(|m| m.status.is_active() && m.covers(id))
}
