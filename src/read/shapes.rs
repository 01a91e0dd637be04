//! Statuspage v2 objects (page, status, component, incident, maintenance,
//! incident update) built from a [`View`], field for field as
//! `statuspage-v2.md` lists them. The webhook payloads reuse them, so a
//! receiver reads the same incident and component objects as the API serves.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::config::Component;
use crate::engine::overall;
use crate::incidents::{Incident, Maintenance, MaintenanceStatus, RecordId, Update, promise};
use crate::model::{ComponentId, ComponentStatus};
use crate::read::view::View;
use crate::read::words;

/// Candor serves one page; Statuspage clients want an id for it.
pub const PAGE_ID: &str = "candor";

/// RFC 3339 in UTC with milliseconds, as Statuspage writes them.
pub fn time(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// `"2026-11-22"`: the day `first` falls on in the site's zone.
fn start_date(v: &View, first: DateTime<Utc>) -> Value {
    let day = first.with_timezone(&v.config.site.timezone).date_naive();
    Value::String(day.format("%Y-%m-%d").to_string())
}

fn opt_time(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, time)
}

fn base_url(v: &View) -> &str {
    v.config.site.public_url.as_str().trim_end_matches('/')
}

pub fn page(v: &View) -> Value {
    json!({
        "id": PAGE_ID,
        "name": v.config.site.title,
        "url": base_url(v),
        "time_zone": v.config.site.timezone.name(),
        "updated_at": time(last_change(v)),
    })
}

/// The latest change anything on the page shows. Not `now`: bodies (and so
/// ETags) stay the same across renders while nothing changes.
fn last_change(v: &View) -> DateTime<Utc> {
    let components = v.components.values().map(|c| c.since);
    let incidents = v.book.incidents.values().map(|i| i.updated_at);
    let maintenances = v.book.maintenances.values().map(|m| m.updated_at);
    components
        .chain(incidents)
        .chain(maintenances)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// Statuspage's overall indicator and its words for the worst component status.
pub fn indicator(overall: ComponentStatus) -> (&'static str, &'static str) {
    match overall {
        ComponentStatus::Operational => ("none", "All Systems Operational"),
        ComponentStatus::DegradedPerformance => ("minor", "Minor Service Outage"),
        ComponentStatus::PartialOutage => ("major", "Partial System Outage"),
        ComponentStatus::MajorOutage => ("critical", "Major Service Outage"),
        ComponentStatus::UnderMaintenance => ("maintenance", "Service Under Maintenance"),
    }
}

pub fn status(v: &View) -> Value {
    let (indicator, description) = indicator(overall(v.components.values().map(|c| c.status)));
    json!({"indicator": indicator, "description": description})
}

/// A group's id: `group-` and the slug of its name ("Core services" →
/// "group-core-services").
pub fn group_id(name: &str) -> String {
    let slug: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    format!("group-{}", slug.join("-"))
}

pub use super::catalog::{Catalog, array_of};

/// Statuspage's dates of a component: `created_at` when it was first seen
/// (stored once), `updated_at` its last status change, `start_date` the
/// first day of its history, in the site's zone.
pub(super) fn component(v: &View, c: &Component, group: Option<&str>, position: usize) -> Value {
    let seen = v.components.get(&c.id);
    let status = seen.map_or(ComponentStatus::Operational, |s| s.status);
    let since = seen.map_or(DateTime::UNIX_EPOCH, |s| s.since);
    let first = seen.map_or(DateTime::UNIX_EPOCH, |s| s.first_seen);
    json!({
        "id": c.id.as_str(),
        "name": c.name,
        "status": status.as_str(),
        "created_at": time(first),
        "updated_at": time(since),
        "position": position,
        "description": c.description,
        "showcase": false,
        "start_date": start_date(v, first),
        "group_id": group,
        "page_id": PAGE_ID,
        "group": false,
        "only_show_if_degraded": false,
        "locations": seen.map_or_else(Vec::new, |s| locations(&s.places)),
    })
}

/// Candor's addition to a component: where it is checked from, when that
/// is anywhere but this instance alone (empty otherwise): each place's id,
/// name, status (`operational`, `degraded_performance`, `major_outage`, or
/// `no_data` when it has not reported within two check periods) and the
/// time of its newest result.
fn locations(places: &crate::read::view::Places) -> Vec<Value> {
    use crate::model::Outcome;
    (places.places.iter())
        .map(|p| {
            let status = match p.health {
                Some(Outcome::Up) => "operational",
                Some(Outcome::Degraded) => "degraded_performance",
                Some(Outcome::Down) => "major_outage",
                None => "no_data",
            };
            json!({
                "id": p.location.as_str(),
                "name": p.name,
                "status": status,
                "last_result_at": opt_time(p.last.as_ref().map(|l| l.at)),
            })
        })
        .collect()
}

/// A group shows the worst status of its members.
pub(super) fn group(
    v: &View,
    name: &str,
    id: &str,
    members: &[&Component],
    position: usize,
) -> Value {
    let seen = || members.iter().filter_map(|m| v.components.get(&m.id));
    let status = overall(seen().map(|s| s.status));
    let since = seen()
        .map(|s| s.since)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH);
    // A group began with its first member.
    let first = (seen().map(|s| s.first_seen).min()).unwrap_or(DateTime::UNIX_EPOCH);
    let ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    json!({
        "id": id,
        "name": name,
        "status": status.as_str(),
        "created_at": time(first),
        "updated_at": time(since),
        "position": position,
        "description": null,
        "showcase": false,
        "start_date": start_date(v, first),
        "group_id": null,
        "page_id": PAGE_ID,
        "group": true,
        "only_show_if_degraded": false,
        "components": ids,
    })
}

pub fn incident(v: &View, cat: &Catalog, i: &Incident) -> Value {
    let postmortem = i.postmortem.as_ref();
    json!({
        "id": i.id,
        "name": words::incident_name(v.lang, &i.name),
        "status": i.status.as_str(),
        "created_at": time(i.created_at),
        "updated_at": time(i.updated_at),
        "monitoring_at": opt_time(i.monitoring_at),
        "resolved_at": opt_time(i.resolved_at),
        "impact": i.impact.as_str(),
        "shortlink": format!("{}/incidents/{}", base_url(v), i.id),
        "started_at": time(i.started_at),
        "page_id": PAGE_ID,
        "incident_updates": updates(v, &RecordId::from(&i.id), &i.updates, |s| s.as_str()),
        "components": cat.objects(i.components.keys()),
        "cause": i.cause,
        "why": why(v, i),
        "expected_resolution_at": opt_time(i.expected_resolution_at),
        "next_update_by": opt_time(i.next_update_by.filter(|_| i.status.is_open())),
        "workaround": i.workaround,
        "postmortem_body": postmortem.map(|p| p.body.as_str()),
        "postmortem_published_at": opt_time(postmortem.map(|p| p.at)),
    })
}

pub fn maintenance(v: &View, cat: &Catalog, m: &Maintenance) -> Value {
    let first = |s: MaintenanceStatus| m.updates.iter().find(|u| u.status == s).map(|u| u.at);
    let completed = (m.status == MaintenanceStatus::Completed)
        .then(|| first(MaintenanceStatus::Completed).unwrap_or(m.updated_at));
    json!({
        "id": m.id,
        "name": m.name,
        "status": m.status.as_str(),
        "created_at": time(m.created_at),
        "updated_at": time(m.updated_at),
        "monitoring_at": opt_time(first(MaintenanceStatus::Verifying)),
        "resolved_at": opt_time(completed),
        "impact": "maintenance",
        "shortlink": format!("{}/incidents/{}", base_url(v), m.id),
        "started_at": time(m.created_at),
        "page_id": PAGE_ID,
        "incident_updates": updates(v, &RecordId::from(&m.id), &m.updates, |s| s.as_str()),
        "components": cat.objects(&m.components),
        "scheduled_for": time(m.scheduled_for),
        "scheduled_until": time(m.scheduled_until),
        "cause": null,
        "why": null,
        "expected_resolution_at": null,
        "next_update_by": null,
        "workaround": null,
    })
}

/// Candor's "why" in words: the cause, the checks' evidence, or where the
/// answer stands (see `incidents::promise`).
fn why(v: &View, i: &Incident) -> String {
    let name =
        |c: &ComponentId| (v.config.component(c)).map_or_else(|| c.to_string(), |k| k.name.clone());
    let grounds = promise::grounds(i, &name, &|c| v.seen_now(c));
    let postmortem = format!("{}/incidents/{}#postmortem", base_url(v), i.id);
    words::promise::why(v.lang, &grounds, v.config.site.timezone, &postmortem)
}

/// Newest first, as Statuspage lists them.
fn updates<S: Copy>(
    v: &View,
    record: &RecordId,
    ups: &[Update<S>],
    name: fn(S) -> &'static str,
) -> Value {
    let one = |u: &Update<S>| {
        let affected: Vec<Value> = (u.changes.iter())
            .map(|c| {
                let config = v.config.component(&c.component);
                json!({
                    "code": c.component.as_str(),
                    "name": config.map_or(c.component.as_str(), |k| k.name.as_str()),
                    "old_status": c.old.as_str(),
                    "new_status": c.new.as_str(),
                })
            })
            .collect();
        json!({
            "id": u.id,
            "status": name(u.status),
            "body": words::update(v.lang, &u.body, v.config.site.timezone),
            "incident_id": record,
            "created_at": time(u.at),
            "updated_at": time(u.at),
            "display_at": time(u.at),
            "affected_components": affected,
            "deliver_notifications": u.notify,
            "custom_tweet": null,
            "tweet_id": null,
        })
    };
    Value::Array(ups.iter().rev().map(one).collect())
}
