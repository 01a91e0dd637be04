//! Pins the admin API's JSON byte for byte, so a change to the stored records
//! cannot change what engineers' scripts read without a test saying so.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::*;
use crate::incidents::{Impact, IncidentStatus, MaintenanceStatus};
use crate::incidents::{IncidentId, MaintenanceId, UpdateId};
use chrono::TimeZone;

use crate::incidents::auto::{self, Observed};
use crate::incidents::{Book, Incident, IncidentName, UpdateText};
use crate::model::{ComponentId, ComponentStatus, Evidence, Reason};

const RULES: crate::config::Incidents = crate::config::Incidents::AT_ONCE;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn id(s: &str) -> ComponentId {
    ComponentId::parse(s).unwrap()
}

/// Every optional field set, times of every precision.
fn full_incident() -> Incident {
    Incident {
        id: IncidentId::fixture("abc123def456"),
        name: "Elevated API errors".into(),
        status: IncidentStatus::Postmortem,
        impact: Impact::Major,
        components: BTreeMap::from([
            (id("db"), ComponentStatus::Operational),
            (id("api"), ComponentStatus::PartialOutage),
        ]),
        created_at: at("2026-11-22T14:00:00Z"),
        updated_at: at("2026-11-22T16:00:00.250Z"),
        started_at: at("2026-11-22T13:58:00Z"),
        monitoring_at: Some(at("2026-11-22T15:00:00.123456Z")),
        resolved_at: Some(at("2026-11-22T15:30:00.000000001Z")),
        cause: Some("A failed \"failover\"".into()),
        expected_resolution_at: Some(at("2026-11-22T15:30:00Z")),
        next_update_by: None,
        workaround: Some("Retry after a minute".into()),
        postmortem: Some(Postmortem {
            body: "Root cause: a stuck replica.".into(),
            at: at("2026-11-22T16:00:00.250Z"),
        }),
        source: Author::Automatic,
        taken_over: true,
        recovered_at: Some(at("2026-11-22T15:20:00Z")),
        held: None,
        updates: vec![
            Update {
                id: UpdateId::fixture("u1"),
                status: IncidentStatus::Investigating,
                body: "API health: HTTP 503".into(),
                at: at("2026-11-22T14:00:00Z"),
                changes: vec![ComponentChange {
                    component: id("api"),
                    old: ComponentStatus::Operational,
                    new: ComponentStatus::PartialOutage,
                }],
                notify: true,
                author: Author::Automatic,
            },
            Update {
                id: UpdateId::fixture("u2"),
                status: IncidentStatus::Resolved,
                body: "Failover completed.".into(),
                at: at("2026-11-22T15:30:00.000000001Z"),
                changes: vec![],
                notify: false,
                author: Author::Engineer,
            },
        ],
    }
}

/// Every optional field empty.
fn bare_incident() -> Incident {
    Incident {
        id: IncidentId::fixture("bare"),
        name: "Durable".into(),
        status: IncidentStatus::Investigating,
        impact: Impact::None,
        components: BTreeMap::new(),
        created_at: at("2026-11-22T14:00:00Z"),
        updated_at: at("2026-11-22T14:00:00Z"),
        started_at: at("2026-11-22T14:00:00Z"),
        monitoring_at: None,
        resolved_at: None,
        cause: None,
        expected_resolution_at: None,
        next_update_by: None,
        workaround: None,
        postmortem: None,
        source: Author::Engineer,
        taken_over: false,
        recovered_at: None,
        held: None,
        updates: vec![],
    }
}

fn maintenance_record() -> Maintenance {
    Maintenance {
        id: MaintenanceId::fixture("m1"),
        name: "Database upgrade".into(),
        body: "Upgrading to v16.".into(),
        status: MaintenanceStatus::InProgress,
        scheduled_for: at("2026-11-23T02:00:00Z"),
        scheduled_until: at("2026-11-23T04:00:00Z"),
        components: vec![id("db"), id("api")],
        created_at: at("2026-11-22T14:00:00Z"),
        updated_at: at("2026-11-23T02:00:00.5Z"),
        updates: vec![Update {
            id: UpdateId::fixture("mu1"),
            status: MaintenanceStatus::InProgress,
            body: "Started.".into(),
            at: at("2026-11-23T02:00:00.5Z"),
            changes: vec![ComponentChange {
                component: id("db"),
                old: ComponentStatus::Operational,
                new: ComponentStatus::UnderMaintenance,
            }],
            notify: true,
            author: Author::Automatic,
        }],
        reminded: true,
    }
}

/// The compact JSON, as the API writes it.
fn wire(shape: impl serde::Serialize) -> String {
    serde_json::to_string(&shape).unwrap()
}

#[test]
fn an_incident_has_every_key_in_order_statuses_in_words_and_times_as_precise_as_they_are() {
    let expected = concat!(
        r#"{"id":"abc123def456","#,
        r#""name":"Elevated API errors","#,
        r#""status":"postmortem","#,
        r#""impact":"major","#,
        r#""components":{"api":"partial_outage","db":"operational"},"#,
        r#""created_at":"2026-11-22T14:00:00Z","#,
        r#""updated_at":"2026-11-22T16:00:00.250Z","#,
        r#""started_at":"2026-11-22T13:58:00Z","#,
        r#""monitoring_at":"2026-11-22T15:00:00.123456Z","#,
        r#""resolved_at":"2026-11-22T15:30:00.000000001Z","#,
        r#""cause":"A failed \"failover\"","#,
        r#""expected_resolution_at":"2026-11-22T15:30:00Z","#,
        r#""next_update_by":null,"#,
        r#""workaround":"Retry after a minute","#,
        r#""postmortem":{"body":"Root cause: a stuck replica.","at":"2026-11-22T16:00:00.250Z"},"#,
        r#""source":"automatic","#,
        r#""taken_over":true,"#,
        r#""recovered_at":"2026-11-22T15:20:00Z","#,
        r#""updates":["#,
        r#"{"id":"u1","status":"investigating","body":"API health: HTTP 503","#,
        r#""at":"2026-11-22T14:00:00Z","#,
        r#""changes":[{"component":"api","old":"operational","new":"partial_outage"}],"#,
        r#""notify":true,"author":"automatic"},"#,
        r#"{"id":"u2","status":"resolved","body":"Failover completed.","#,
        r#""at":"2026-11-22T15:30:00.000000001Z","changes":[],"#,
        r#""notify":false,"author":"engineer"}"#,
        r#"]}"#,
    );
    assert_eq!(wire(incident(&full_incident(), chrono_tz::UTC)), expected);
}

#[test]
fn an_incident_without_the_optional_fields_has_them_as_null_not_missing() {
    let expected = concat!(
        r#"{"id":"bare","name":"Durable","status":"investigating","impact":"none","#,
        r#""components":{},"#,
        r#""created_at":"2026-11-22T14:00:00Z","#,
        r#""updated_at":"2026-11-22T14:00:00Z","#,
        r#""started_at":"2026-11-22T14:00:00Z","#,
        r#""monitoring_at":null,"resolved_at":null,"cause":null,"#,
        r#""expected_resolution_at":null,"next_update_by":null,"workaround":null,"postmortem":null,"#,
        r#""source":"engineer","taken_over":false,"recovered_at":null,"#,
        r#""updates":[]}"#,
    );
    assert_eq!(wire(incident(&bare_incident(), chrono_tz::UTC)), expected);
}

/// The write answers and the list go through a `serde_json::Value`, whose
/// keys are sorted: that order is part of what clients get too.
#[test]
fn through_a_json_value_the_keys_come_sorted() {
    let expected = concat!(
        r#"{"cause":null,"components":{},"created_at":"2026-11-22T14:00:00Z","#,
        r#""expected_resolution_at":null,"id":"bare","impact":"none","#,
        r#""monitoring_at":null,"name":"Durable","next_update_by":null,"postmortem":null,"#,
        r#""recovered_at":null,"resolved_at":null,"source":"engineer","#,
        r#""started_at":"2026-11-22T14:00:00Z","status":"investigating","#,
        r#""taken_over":false,"updated_at":"2026-11-22T14:00:00Z","#,
        r#""updates":[],"workaround":null}"#,
    );
    assert_eq!(
        json!(incident(&bare_incident(), chrono_tz::UTC)).to_string(),
        expected
    );
}

#[test]
fn a_maintenance_has_every_key_in_order() {
    let expected = concat!(
        r#"{"id":"m1","name":"Database upgrade","body":"Upgrading to v16.","#,
        r#""status":"in_progress","#,
        r#""scheduled_for":"2026-11-23T02:00:00Z","#,
        r#""scheduled_until":"2026-11-23T04:00:00Z","#,
        r#""components":["db","api"],"#,
        r#""created_at":"2026-11-22T14:00:00Z","#,
        r#""updated_at":"2026-11-23T02:00:00.500Z","#,
        r#""updates":[{"id":"mu1","status":"in_progress","body":"Started.","#,
        r#""at":"2026-11-23T02:00:00.500Z","#,
        r#""changes":[{"component":"db","old":"operational","new":"under_maintenance"}],"#,
        r#""notify":true,"author":"automatic"}],"#,
        r#""reminded":true}"#,
    );
    assert_eq!(
        wire(maintenance(&maintenance_record(), chrono_tz::UTC)),
        expected
    );
}

#[test]
fn feedback_counts_and_a_components_status_keep_their_keys() {
    let counts = FeedbackCounts {
        working: 2,
        still_broken: 1,
        last_still_broken: Some(at("2026-11-22T14:05:00Z")),
    };
    assert_eq!(
        wire(feedback(&counts)),
        r#"{"working":2,"still_broken":1,"last_still_broken":"2026-11-22T14:05:00Z"}"#
    );
    assert_eq!(
        wire(feedback(&FeedbackCounts::default())),
        r#"{"working":0,"still_broken":0,"last_still_broken":null}"#
    );
    assert_eq!(
        component("api", ComponentStatus::MajorOutage).to_string(),
        r#"{"id":"api","status":"major_outage"}"#
    );
}

#[test]
fn updates_are_shown_in_words_and_the_rest_as_stored() {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 14, 5, 0).unwrap();
    let seen = Observed {
        workaround: None,
        id: ComponentId::parse("api").unwrap(),
        name: "Public API".into(),
        group: None,
        status: ComponentStatus::MajorOutage,
        since: now,
        evidence: vec![Evidence {
            seen_from: None,
            check: "API health".into(),
            reason: Some(Reason::ConnectionRefused),
            runs: 2,
            since: Some(now),
        }],
    };
    let mut book = Book::default();
    auto::on_status_change(&mut book, &seen, ComponentStatus::Operational, now, &RULES);
    let i = book.incidents.values().next().unwrap();
    let json = json!(incident(i, chrono_tz::UTC));
    assert_eq!(json["name"], "Public API: major outage");
    assert_eq!(
        json["updates"][0]["body"],
        "Detected automatically. API health: connection refused on 2 checks in a row since 14:05 UTC."
    );
    let stored = serde_json::to_value(i).unwrap();
    assert_eq!(stored["updates"][0]["body"]["said"], "detected");
    assert_eq!(stored["name"]["named"], "automatic", "the name is data too");
    let back: Incident = serde_json::from_value(stored).unwrap();
    assert!(matches!(back.updates[0].body, UpdateText::Said(_)));
    assert_eq!(&back, i, "an incident round-trips through its stored JSON");
}

#[test]
fn an_automatic_note_an_older_build_stored_in_english_is_shown_as_it_was() {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 14, 5, 0).unwrap();
    let seen = Observed {
        workaround: None,
        id: ComponentId::parse("api").unwrap(),
        name: "Public API".into(),
        group: None,
        status: ComponentStatus::MajorOutage,
        since: now,
        evidence: Vec::new(),
    };
    let mut book = Book::default();
    auto::on_status_change(&mut book, &seen, ComponentStatus::Operational, now, &RULES);
    let mut stored = serde_json::to_value(book.incidents.values().next().unwrap()).unwrap();
    let words = "Detected automatically. API health: HTTP 503 Service Unavailable on 2 checks in a row since 14:05 UTC.";
    stored["updates"][0]["body"] = words.into();
    stored["name"] = "Public API: major outage".into();
    let old: Incident = serde_json::from_value(stored).unwrap();
    assert_eq!(old.updates[0].body, UpdateText::from(words));
    assert_eq!(old.name, IncidentName::from("Public API: major outage"));
    assert_eq!(
        json!(incident(&old, chrono_tz::UTC))["name"],
        "Public API: major outage"
    );
    assert_eq!(
        json!(incident(&old, chrono_tz::UTC))["updates"][0]["body"],
        words
    );
}
