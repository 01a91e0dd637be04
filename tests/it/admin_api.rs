//! The admin API's JSON keys, through HTTP: scripts read these, so a change to
//! how incidents and maintenances are stored must not add, drop or rename one.
//! (The exact bytes are pinned in `src/web/admin_api/shapes/tests.rs`.)

use std::sync::Arc;
use std::time::{Duration, Instant};

use candor::clock::ManualClock;
use serde_json::{Value, json};

use crate::helpers::{TOKEN, TestApp, admin_request, spawn_app_full};

use crate::helpers::API_AND_DB as COMPONENTS;

const INCIDENT: [&str; 19] = [
    "cause",
    "components",
    "created_at",
    "expected_resolution_at",
    "id",
    "impact",
    "monitoring_at",
    "name",
    "next_update_by",
    "postmortem",
    "recovered_at",
    "resolved_at",
    "source",
    "started_at",
    "status",
    "taken_over",
    "updated_at",
    "updates",
    "workaround",
];

const MAINTENANCE: [&str; 11] = [
    "body",
    "components",
    "created_at",
    "id",
    "name",
    "reminded",
    "scheduled_for",
    "scheduled_until",
    "status",
    "updated_at",
    "updates",
];

const UPDATE: [&str; 7] = ["at", "author", "body", "changes", "id", "notify", "status"];

fn keys(v: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = (v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}")))
    .keys()
    .map(String::as_str)
    .collect();
    keys.sort_unstable();
    keys
}

async fn send(app: &TestApp, method: &str, path: &str, body: Value) -> (u16, Value) {
    admin_request(&app.base, method, path, body).await
}

fn in_minutes(m: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(m)).to_rfc3339()
}

/// GET /incidents/{id} once the page's snapshot has the postmortem.
async fn incident_with_postmortem(app: &TestApp, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, body) = send(app, "GET", &format!("/incidents/{id}"), json!({})).await;
        if status == 200 && body["status"] == "postmortem" {
            return body;
        }
        assert!(Instant::now() < deadline, "no postmortem: {status} {body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_is_answered_with_the_same_keys_by_every_route() {
    let clock = Arc::new(ManualClock::default());
    let app = spawn_app_full(COMPONENTS, Some(TOKEN), clock).await;
    let (status, opened) = send(
        &app,
        "POST",
        "/incidents",
        json!({
            "name": "Elevated API errors", "status": "identified", "impact": "major",
            "body": "Failing over.", "components": {"api": "partial_outage"},
            "cause": "A failed failover", "workaround": "Retry after a minute",
            "expected_resolution_at": in_minutes(30)
        }),
    )
    .await;
    assert_eq!(status, 201, "{opened}");
    assert_eq!(keys(&opened), INCIDENT);
    assert_eq!(opened["components"], json!({"api": "partial_outage"}));
    assert_eq!(
        (&opened["status"], &opened["impact"], &opened["source"]),
        (&json!("identified"), &json!("major"), &json!("engineer"))
    );
    let update = &opened["updates"][0];
    assert_eq!(keys(update), UPDATE);
    assert_eq!(
        update["changes"],
        json!([{"component": "api", "old": "operational", "new": "partial_outage"}])
    );
    assert!(opened["created_at"].as_str().unwrap().ends_with('Z'));

    let id = opened["id"].as_str().unwrap();
    let resolve = json!({"status": "resolved", "body": "Done."});
    let (status, resolved) = send(&app, "POST", &format!("/incidents/{id}/updates"), resolve).await;
    assert_eq!((status, keys(&resolved)), (201, INCIDENT.to_vec()));
    assert!(resolved["resolved_at"].is_string(), "{resolved}");
    let (status, written) = send(
        &app,
        "PUT",
        &format!("/incidents/{id}/postmortem"),
        json!({"body": "A stuck replica."}),
    )
    .await;
    assert_eq!((status, keys(&written)), (200, INCIDENT.to_vec()));
    assert_eq!(keys(&written["postmortem"]), ["at", "body"]);

    let got = incident_with_postmortem(&app, id).await;
    assert_eq!(got, written, "GET answers what the write answered");
    let (_, list) = send(&app, "GET", "/incidents", json!({})).await;
    assert_eq!(keys(&list), ["incidents"]);
    assert_eq!(list["incidents"], json!([written]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_maintenance_and_a_components_status_keep_their_keys() {
    let clock = Arc::new(ManualClock::default());
    let app = spawn_app_full(COMPONENTS, Some(TOKEN), clock).await;
    let (status, m) = send(&app, "POST", "/maintenances", json!({
        "name": "Database upgrade", "body": "Upgrading to v16.",
        "scheduled_for": in_minutes(60), "scheduled_until": in_minutes(120), "components": ["db"]
    }))
    .await;
    assert_eq!(status, 201, "{m}");
    assert_eq!(keys(&m), MAINTENANCE);
    assert_eq!(
        (&m["status"], &m["components"], &m["reminded"]),
        (&json!("scheduled"), &json!(["db"]), &json!(false))
    );
    assert_eq!(keys(&m["updates"][0]), UPDATE);

    let id = m["id"].as_str().unwrap();
    let start = json!({"status": "in_progress", "body": "Started early."});
    let (status, m) = send(&app, "POST", &format!("/maintenances/{id}/updates"), start).await;
    assert_eq!((status, keys(&m)), (201, MAINTENANCE.to_vec()), "{m}");
    assert_eq!(m["updates"][1]["status"], "in_progress", "oldest first");

    let down = json!({"status": "major_outage"});
    let (status, c) = send(&app, "PATCH", "/components/api", down).await;
    assert_eq!(
        (status, c),
        (200, json!({"id": "api", "status": "major_outage"}))
    );
}
