//! The v2 bodies' content: order, groups, filtering, Candor's additions. The
//! spec's key sets are checked in `conform`.

use std::collections::HashMap;

use serde_json::Value;

use super::{bodies, render};
use crate::config::Config;
use crate::incidents::{
    ComponentChange, Incident, IncidentName, IncidentStatus, Maintenance, MaintenanceStatus,
};
use crate::model::ComponentStatus;
use crate::read::view::View;
use crate::web::render::fixtures::{
    at, book, component, id, incident, maintenance, resolve, update, view,
};

const CONFIG: &str = r#"
[site]
title = "Acme Status"
public_url = "https://status.acme.example/"
timezone = "Europe/Berlin"

[[components]]
id = "api"
name = "Public API"
group = "Core services"

[[components]]
id = "web"
name = "Website"
description = "The marketing site"

[[components]]
id = "db"
name = "Database"
group = "Core services"
"#;

/// An open incident whose update took the API down, a resolved one, an upcoming
/// and an active maintenance.
fn open_incident() -> Incident {
    let mut i = incident("inc-open", "Elevated API errors", at(10, 0));
    i.status = IncidentStatus::Identified;
    i.impact = crate::incidents::Impact::Major;
    i.cause = Some("A failed failover".into());
    i.expected_resolution_at = Some(at(11, 30));
    i.workaround = Some("Retry after a minute".into());
    i.updates[0].changes = vec![ComponentChange {
        component: id("api"),
        old: ComponentStatus::Operational,
        new: ComponentStatus::MajorOutage,
    }];
    i.updates
        .push(update(IncidentStatus::Identified, "Found it.", at(10, 20)));
    i.updated_at = at(10, 20);
    i
}

fn records() -> (Vec<Incident>, Vec<Maintenance>) {
    let old = resolve(incident("inc-old", "Old outage", at(8, 0)), at(9, 0));
    let mut next = maintenance(
        "mnt-next",
        MaintenanceStatus::Scheduled,
        at(20, 0),
        at(22, 0),
    );
    // Announced in the morning, for the evening.
    (next.created_at, next.updated_at) = (at(7, 0), at(7, 0));
    let mut now = maintenance(
        "mnt-now",
        MaintenanceStatus::InProgress,
        at(9, 30),
        at(11, 0),
    );
    now.updates
        .push(update(MaintenanceStatus::InProgress, "Started.", at(9, 30)));
    (vec![old, open_incident()], vec![next, now])
}

pub(super) fn sample() -> View {
    let config = std::sync::Arc::new(Config::parse(CONFIG).expect("valid config"));
    let (incidents, maintenances) = records();
    let mut v = view(config, book(incidents, maintenances), at(10, 30));
    let mut components = (*v.components).clone();
    components.insert(id("api"), component(ComponentStatus::MajorOutage));
    components.insert(id("db"), component(ComponentStatus::UnderMaintenance));
    v.components = std::sync::Arc::new(components);
    v
}

pub(super) fn endpoints(v: &View) -> HashMap<&'static str, Value> {
    bodies(v).into_iter().collect()
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect()
}

#[test]
fn the_page_object_names_the_site_its_url_and_zone() {
    let page = &endpoints(&sample())["status.json"]["page"];
    assert_eq!(page["id"], "candor");
    assert_eq!(page["name"], "Acme Status");
    assert_eq!(page["url"], "https://status.acme.example");
    assert_eq!(page["time_zone"], "Europe/Berlin");
    assert_eq!(
        page["updated_at"], "2026-11-22T10:20:00.000Z",
        "the latest change"
    );
}

#[test]
fn components_come_in_position_order_with_their_group_first() {
    let all = endpoints(&sample());
    let list = &all["components.json"]["components"];
    assert_eq!(ids(list), ["group-core-services", "api", "db", "web"]);
    let positions: Vec<u64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["position"].as_u64().unwrap())
        .collect();
    assert_eq!(positions, [1, 2, 3, 4]);
    let group = &list[0];
    assert_eq!(
        (&group["group"], &group["group_id"], &group["name"]),
        (
            &Value::Bool(true),
            &Value::Null,
            &Value::from("Core services")
        )
    );
    assert_eq!(group["components"], serde_json::json!(["api", "db"]));
    assert_eq!(group["status"], "major_outage", "its worst member");
    assert_eq!(
        (&list[1]["group_id"], &list[2]["group_id"]),
        (
            &Value::from("group-core-services"),
            &Value::from("group-core-services")
        )
    );
    assert_eq!(list[3]["group_id"], Value::Null);
    assert_eq!(list[3]["description"], "The marketing site");
    assert_eq!(list[1]["status"], "major_outage");
    assert_eq!(list[2]["status"], "under_maintenance");
    assert_eq!(all["summary.json"]["components"], *list);
}

#[test]
fn incidents_are_newest_first_and_unresolved_ones_are_filtered() {
    let all = endpoints(&sample());
    assert_eq!(
        ids(&all["incidents.json"]["incidents"]),
        ["inc-open", "inc-old"]
    );
    assert_eq!(
        ids(&all["incidents/unresolved.json"]["incidents"]),
        ["inc-open"]
    );
    assert_eq!(ids(&all["summary.json"]["incidents"]), ["inc-open"]);
    let open = &all["incidents.json"]["incidents"][0];
    let bodies: Vec<&str> = open["incident_updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        ["Found it.", "We are looking into it."],
        "updates newest first"
    );
    let first = &open["incident_updates"][1];
    assert_eq!(
        first["affected_components"],
        serde_json::json!([{"code": "api", "name": "Public API", "old_status": "operational", "new_status": "major_outage"}])
    );
    assert_eq!(first["display_at"], first["created_at"]);
    assert_eq!(
        ids(&open["components"]),
        ["api"],
        "full objects of the affected components"
    );
    assert_eq!(open["components"][0]["group_id"], "group-core-services");
    assert_eq!(
        open["shortlink"],
        "https://status.acme.example/incidents/inc-open"
    );
    assert_eq!(open["impact"], "major");
}

#[test]
fn an_automatic_incident_is_named_in_words() {
    let mut v = sample();
    let mut book = (*v.book).clone();
    let i = book.incidents.values_mut().next().unwrap();
    i.name = IncidentName::automatic(
        crate::incidents::Member::new("Public API"),
        ComponentStatus::MajorOutage,
    );
    let id = i.id.clone();
    v.book = std::sync::Arc::new(book);
    let all = endpoints(&v);
    let listed = all["incidents.json"]["incidents"].as_array().unwrap();
    let named = listed.iter().find(|x| x["id"] == id.as_str()).unwrap();
    assert_eq!(named["name"], "Public API: major outage");
}

#[test]
fn candor_adds_the_cause_the_estimate_and_the_workaround() {
    let all = endpoints(&sample());
    let [open, old] = [0, 1].map(|i| &all["incidents.json"]["incidents"][i]);
    assert_eq!(open["cause"], "A failed failover");
    assert_eq!(open["expected_resolution_at"], "2026-11-22T11:30:00.000Z");
    assert_eq!(open["workaround"], "Retry after a minute");
    for key in [
        "cause",
        "expected_resolution_at",
        "workaround",
        "monitoring_at",
    ] {
        assert_eq!(old[key], Value::Null, "{key}");
    }
    assert_eq!(old["resolved_at"], "2026-11-22T09:00:00.000Z");
}

#[test]
fn candor_adds_the_why_in_words_and_the_promised_next_update() {
    let mut v = sample();
    let mut book = (*v.book).clone();
    let open_id = crate::incidents::IncidentId::fixture("inc-open");
    let open = book.incidents.get_mut(&open_id).unwrap();
    open.next_update_by = Some(at(10, 50));
    v.book = std::sync::Arc::new(book);
    let all = endpoints(&v);
    let [open, old] = [0, 1].map(|i| &all["incidents.json"]["incidents"][i]);
    assert_eq!(open["why"], "A failed failover", "the engineer's cause");
    assert_eq!(open["next_update_by"], "2026-11-22T10:50:00.000Z");
    assert_eq!(old["why"], "Cause not yet published");
    assert_eq!(old["next_update_by"], Value::Null, "resolved: no promise");
    let unresolved = &all["incidents/unresolved.json"]["incidents"][0];
    assert_eq!(unresolved["next_update_by"], "2026-11-22T10:50:00.000Z");
    let now = &all["scheduled-maintenances/active.json"]["scheduled_maintenances"][0];
    assert_eq!(
        (&now["why"], &now["next_update_by"]),
        (&Value::Null, &Value::Null)
    );
}

#[test]
fn maintenances_are_filtered_into_upcoming_and_active() {
    let all = endpoints(&sample());
    let list = |p: &str| ids(&all[p]["scheduled_maintenances"]).join(",");
    assert_eq!(list("scheduled-maintenances.json"), "mnt-next,mnt-now");
    assert_eq!(list("scheduled-maintenances/upcoming.json"), "mnt-next");
    assert_eq!(list("scheduled-maintenances/active.json"), "mnt-now");
    assert_eq!(list("summary.json"), "mnt-next,mnt-now");
    let now = &all["scheduled-maintenances/active.json"]["scheduled_maintenances"][0];
    assert_eq!(now["impact"], "maintenance");
    assert_eq!(now["status"], "in_progress");
    assert_eq!(now["scheduled_for"], "2026-11-22T09:30:00.000Z");
    assert_eq!(now["scheduled_until"], "2026-11-22T11:00:00.000Z");
    assert_eq!(ids(&now["components"]), ["db"]);
}

#[test]
fn the_indicator_follows_the_worst_component() {
    let all = endpoints(&sample());
    let status = &all["summary.json"]["status"];
    assert_eq!(
        (&status["indicator"], &status["description"]),
        (
            &Value::from("critical"),
            &Value::from("Major Service Outage")
        )
    );
    let table = [
        (
            ComponentStatus::Operational,
            "none",
            "All Systems Operational",
        ),
        (
            ComponentStatus::DegradedPerformance,
            "minor",
            "Minor Service Outage",
        ),
        (
            ComponentStatus::PartialOutage,
            "major",
            "Partial System Outage",
        ),
        (
            ComponentStatus::MajorOutage,
            "critical",
            "Major Service Outage",
        ),
        (
            ComponentStatus::UnderMaintenance,
            "maintenance",
            "Service Under Maintenance",
        ),
    ];
    for (s, indicator, description) in table {
        assert_eq!(super::shapes::indicator(s), (indicator, description), "{s}");
    }
}

#[test]
fn only_the_fifty_most_recent_incidents_are_listed() {
    let config = std::sync::Arc::new(Config::parse(CONFIG).unwrap());
    let many = (0..60)
        .map(|m| resolve(incident(&format!("i{m:02}"), "x", at(0, m)), at(1, m % 60)))
        .collect();
    let all = endpoints(&view(config, book(many, vec![]), at(12, 0)));
    let listed = ids(&all["incidents.json"]["incidents"]);
    assert_eq!(listed.len(), 50);
    assert_eq!((listed[0], listed[49]), ("i59", "i10"));
}

#[test]
fn bodies_are_json_and_do_not_change_while_nothing_happens() {
    let (one, mut later) = (sample(), sample());
    later.now = at(10, 45);
    let (a, catalog) = render(&one, None);
    let (b, _) = render(&later, Some(&catalog));
    assert_eq!(a["summary.json"].content_type, "application/json");
    assert_eq!(a["summary.json"].etag, b["summary.json"].etag);
    let parsed: Value =
        serde_json::from_slice(&a["incidents/unresolved.json"].body().unwrap()).unwrap();
    assert_eq!(ids(&parsed["incidents"]), ["inc-open"]);
}

#[test]
fn a_render_reuses_the_objects_of_unchanged_components_and_says_the_same_as_a_fresh_one() {
    let one = sample();
    let (_, catalog) = render(&one, None);
    let mut later = sample();
    let mut components = (*later.components).clone();
    let db = components.get_mut(&id("db")).expect("db is in the sample");
    db.status = ComponentStatus::MajorOutage;
    db.since = at(10, 40);
    later.components = std::sync::Arc::new(components);
    let (reused, _) = render(&later, Some(&catalog));
    let (fresh, _) = render(&later, None);
    for (path, body) in &fresh {
        assert_eq!(reused[path].etag, body.etag, "{path}");
    }
    let summary: Value = serde_json::from_slice(&reused["summary.json"].body().unwrap()).unwrap();
    let db = (summary["components"].as_array().unwrap().iter())
        .find(|c| c["id"] == "db")
        .expect("db listed");
    assert_eq!(db["status"], "major_outage");
}

#[test]
fn records_kept_from_the_previous_render_say_what_a_fresh_render_says() {
    let one = sample();
    let (_, made) = render(&one, None);
    // The next state, as the pipeline makes it: a copy of the book with one
    // incident changed, the others shared.
    let mut later = sample();
    let mut book = (*one.book).clone();
    let id = crate::incidents::IncidentId::fixture("inc-open");
    let open = book.incidents.get_mut(&id).expect("in the sample");
    open.name = "Renamed outage".into();
    open.updated_at = at(10, 50);
    later.book = std::sync::Arc::new(book);
    let (kept, _) = render(&later, Some(&made));
    let (fresh, _) = render(&later, None);
    for (path, body) in &fresh {
        assert_eq!(kept[path].etag, body.etag, "{path}");
    }
    let text = String::from_utf8_lossy(&kept["incidents.json"].body().unwrap()).into_owned();
    assert!(text.contains("Renamed outage"), "{text}");
}
