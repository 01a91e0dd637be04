//! What the admin API answers, field by field. The stored records
//! ([`Incident`], [`Maintenance`]) are the storage schema; these shapes are the
//! wire format, so a renamed, added or retyped field in storage changes the API
//! only when a line here changes too (or fails to compile).
//!
//! The keys and their order are the ones the API has always served (they
//! mirrored the records before this module existed): statuses in Statuspage's
//! words, times in RFC 3339 UTC with as many fractional digits as they carry
//! (`2026-11-22T14:00:00Z`, `2026-11-22T14:00:00.250Z`). Serialized directly,
//! keys come in the order declared here; through a `serde_json::Value` (as the
//! write answers and the list are), alphabetically.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::{Value, json};

use crate::incidents::{Author, ComponentChange, Incident, Maintenance, Postmortem, Update};
use crate::model::ComponentStatus;
use crate::read::words;
use crate::subscribers::FeedbackCounts;

/// An incident with its whole timeline (oldest update first).
#[derive(Serialize)]
pub struct IncidentJson<'a> {
    id: &'a str,
    name: Cow<'a, str>,
    status: &'static str,
    impact: &'static str,
    /// Affected component id → the status last set for it in this incident.
    components: BTreeMap<&'a str, &'static str>,
    created_at: String,
    updated_at: String,
    started_at: String,
    monitoring_at: Option<String>,
    resolved_at: Option<String>,
    cause: Option<&'a str>,
    expected_resolution_at: Option<String>,
    /// The next update promised while open (see `incidents::promise`).
    next_update_by: Option<String>,
    workaround: Option<&'a str>,
    postmortem: Option<PostmortemJson<'a>>,
    /// `automatic` or `engineer`: who opened it.
    source: &'static str,
    taken_over: bool,
    recovered_at: Option<String>,
    updates: Vec<UpdateJson<'a>>,
}

#[derive(Serialize)]
pub struct PostmortemJson<'a> {
    body: &'a str,
    at: String,
}

/// A scheduled maintenance with its timeline (oldest update first).
#[derive(Serialize)]
pub struct MaintenanceJson<'a> {
    id: &'a str,
    name: &'a str,
    body: &'a str,
    status: &'static str,
    scheduled_for: String,
    scheduled_until: String,
    components: Vec<&'a str>,
    created_at: String,
    updated_at: String,
    updates: Vec<UpdateJson<'a>>,
    reminded: bool,
}

/// One entry of an incident's or a maintenance's timeline.
#[derive(Serialize)]
pub struct UpdateJson<'a> {
    id: &'a str,
    status: &'static str,
    body: Cow<'a, str>,
    at: String,
    changes: Vec<ChangeJson<'a>>,
    notify: bool,
    /// `automatic` or `engineer`.
    author: &'static str,
}

#[derive(Serialize)]
pub struct ChangeJson<'a> {
    component: &'a str,
    old: &'static str,
    new: &'static str,
}

/// Subscribers' answers to the resolution email's question.
#[derive(Serialize)]
pub struct FeedbackJson {
    working: u64,
    still_broken: u64,
    last_still_broken: Option<String>,
}

/// `tz`: the site's zone, in which Candor's own notes name times.
pub fn incident(i: &Incident, tz: Tz) -> IncidentJson<'_> {
    IncidentJson {
        id: i.id.as_str(),
        name: words::incident_name(crate::lang::Lang::english(), &i.name),
        status: i.status.as_str(),
        impact: i.impact.as_str(),
        components: (i.components.iter())
            .map(|(id, status)| (id.as_str(), status.as_str()))
            .collect(),
        created_at: time(i.created_at),
        updated_at: time(i.updated_at),
        started_at: time(i.started_at),
        monitoring_at: i.monitoring_at.map(time),
        resolved_at: i.resolved_at.map(time),
        cause: i.cause.as_deref(),
        expected_resolution_at: i.expected_resolution_at.map(time),
        next_update_by: i.next_update_by.map(time),
        workaround: i.workaround.as_deref(),
        postmortem: i.postmortem.as_ref().map(postmortem),
        source: author(i.source),
        taken_over: i.taken_over,
        recovered_at: i.recovered_at.map(time),
        updates: updates(&i.updates, |s| s.as_str(), tz),
    }
}

fn postmortem(p: &Postmortem) -> PostmortemJson<'_> {
    PostmortemJson {
        body: &p.body,
        at: time(p.at),
    }
}

pub fn maintenance(m: &Maintenance, tz: Tz) -> MaintenanceJson<'_> {
    MaintenanceJson {
        id: m.id.as_str(),
        name: &m.name,
        body: &m.body,
        status: m.status.as_str(),
        scheduled_for: time(m.scheduled_for),
        scheduled_until: time(m.scheduled_until),
        components: m.components.iter().map(|c| c.as_str()).collect(),
        created_at: time(m.created_at),
        updated_at: time(m.updated_at),
        updates: updates(&m.updates, |s| s.as_str(), tz),
        reminded: m.reminded,
    }
}

/// Each update's text in words: engineers' as written, Candor's own notes
/// (stored as data) as the page shows them.
fn updates<S: Copy>(ups: &[Update<S>], name: fn(S) -> &'static str, tz: Tz) -> Vec<UpdateJson<'_>> {
    (ups.iter())
        .map(|u| UpdateJson {
            id: u.id.as_str(),
            status: name(u.status),
            body: words::update(crate::lang::Lang::english(), &u.body, tz),
            at: time(u.at),
            changes: u.changes.iter().map(change).collect(),
            notify: u.notify,
            author: author(u.author),
        })
        .collect()
}

fn change(c: &ComponentChange) -> ChangeJson<'_> {
    ChangeJson {
        component: c.component.as_str(),
        old: c.old.as_str(),
        new: c.new.as_str(),
    }
}

/// `{"id", "status"}` of a component an engineer set.
pub fn component(id: &str, status: ComponentStatus) -> Value {
    json!({ "id": id, "status": status.as_str() })
}

pub fn feedback(counts: &FeedbackCounts) -> FeedbackJson {
    FeedbackJson {
        working: counts.working,
        still_broken: counts.still_broken,
        last_still_broken: counts.last_still_broken.map(time),
    }
}

fn author(a: Author) -> &'static str {
    match a {
        Author::Automatic => "automatic",
        Author::Engineer => "engineer",
    }
}

/// RFC 3339 in UTC, `Z`, fractional seconds only as precise as the time is.
fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests;
