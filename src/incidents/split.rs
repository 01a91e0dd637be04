//! An engineer splitting components off an incident into one of their own,
//! when what the checks saw together turns out to be separate problems.

use chrono::{DateTime, Utc};

use super::book::{Book, BookError, Event, not_found, update};
use super::input::{FieldErrors, NewSplit};
use super::{Author, Impact, Incident, IncidentId, IncidentName, Member, Said, Update};
use crate::model::{ComponentId, ComponentStatus};

impl Book {
    /// Moves `v.components` out of incident `id` into a new incident, which
    /// takes their statuses, the timeline entries about them, and, for an
    /// automatic incident, its automation (the checks resolve it). Both
    /// timelines say so; no email goes out (subscribers heard of these
    /// components in the first incident's thread). `member` names a
    /// component as the new incident's automatic name does.
    pub fn split_incident(
        &mut self,
        id: &IncidentId,
        v: NewSplit,
        member: &dyn Fn(&ComponentId) -> Member,
        now: DateTime<Utc>,
    ) -> Result<(IncidentId, Vec<Event>), BookError> {
        let from = self
            .incidents
            .get_mut(id)
            .ok_or_else(|| not_found("incident", id))?;
        check(from, &v)?;
        let members: Vec<Member> = v.components.iter().map(member).collect();
        let names: Vec<String> = members.iter().map(|m| m.name.clone()).collect();
        let moved: Vec<(ComponentId, ComponentStatus)> = (v.components.iter())
            .filter_map(|c| from.components.remove(c).map(|s| (c.clone(), s)))
            .collect();
        let about = |u: &Update<_>| {
            u.changes
                .iter()
                .any(|c| v.components.contains(&c.component))
        };
        let mut history: Vec<_> = from.updates.iter().filter(|u| about(u)).cloned().collect();
        for u in &mut history {
            u.id = super::UpdateId::random();
            u.changes.retain(|c| v.components.contains(&c.component));
        }
        leave(from, &names, now);
        let note = update(
            from.status,
            Said::Split { components: names }.into(),
            now,
            Vec::new(),
            false,
            Author::Engineer,
        );
        let mut events = vec![Event::IncidentUpdated {
            id: id.clone(),
            update: note.id.clone(),
        }];
        let mut new = from.clone();
        from.updates.push(note.clone());
        new.id = IncidentId::random();
        new.name = match v.name {
            Some(name) => IncidentName::Written(name),
            None => automatic_name(members, &moved),
        };
        new.impact = worst(moved.iter().map(|(_, s)| *s)).unwrap_or(Impact::None);
        new.components = moved.into_iter().collect();
        new.created_at = now;
        new.updated_at = now;
        new.started_at = history.first().map_or(now, |u| u.at);
        new.held = None;
        new.recovered_at = recovered(&new, now);
        history.push(Update {
            id: super::UpdateId::random(),
            ..note
        });
        new.updates = history;
        let new_id = new.id.clone();
        self.incidents.insert(new_id.clone(), new);
        events.push(Event::IncidentOpened { id: new_id.clone() });
        Ok((new_id, events))
    }
}

/// Only an open incident, only components it has, and not all of them.
fn check(from: &Incident, v: &NewSplit) -> Result<(), BookError> {
    let mut e = FieldErrors::default();
    if !from.status.is_open() {
        e.add("status", "only an open incident can be split");
    }
    for c in &v.components {
        if !from.components.contains_key(c) {
            e.add(format!("components.{c}"), "is not in this incident");
        }
    }
    if e.is_empty() && v.components.len() >= from.components.len() {
        e.add(
            "components",
            "leave at least one component in the incident (to rename it, post an update)",
        );
    }
    match e.is_empty() {
        true => Ok(()),
        false => Err(BookError::Invalid(e)),
    }
}

/// What the incident left behind is now about: its name loses the moved
/// components, its impact is the worst of the rest, and if none of the rest
/// still fails, its quiet period starts.
fn leave(from: &mut Incident, names: &[String], now: DateTime<Utc>) {
    if let IncidentName::Automatic { components, status } = &mut from.name {
        components.retain(|m| !names.contains(&m.name));
        if let Some(s) = (from.components.values().copied()).max_by_key(|s| s.severity()) {
            *status = s;
        }
    }
    if !from.taken_over {
        from.impact = worst(from.components.values().copied()).unwrap_or(from.impact);
    }
    from.updated_at = now;
    from.recovered_at = from.recovered_at.or(recovered(from, now));
}

fn automatic_name(members: Vec<Member>, moved: &[(ComponentId, ComponentStatus)]) -> IncidentName {
    let status = (moved.iter().map(|(_, s)| *s))
        .max_by_key(|s| s.severity())
        .unwrap_or(ComponentStatus::MajorOutage);
    IncidentName::Automatic {
        components: members,
        status,
    }
}

fn worst(statuses: impl Iterator<Item = ComponentStatus>) -> Option<Impact> {
    statuses.map(Impact::of).max()
}

/// An automatic incident none of whose components fails: recovered now.
fn recovered(i: &Incident, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let failing = (i.components.values()).any(|s| *s != ComponentStatus::Operational);
    (i.source == Author::Automatic && !failing).then_some(now)
}
