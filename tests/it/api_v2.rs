//! The Statuspage-compatible public API: every endpoint answers JSON any origin
//! may read, shows an engineer's incident, and honours ETags.

use std::sync::Arc;
use std::time::{Duration, Instant};

use candor::clock::{Clock, ManualClock};
use serde_json::{Value, json};

use crate::helpers::{TOKEN, TestApp, spawn_app_full, spawn_app_in};

const COMPONENTS: &str = r#"
[[components]]
id = "api"
name = "Public API"
group = "Core services"

[[components]]
id = "db"
name = "Database"
"#;

const ENDPOINTS: [&str; 8] = [
    "summary.json",
    "status.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
];

async fn open_incident(app: &TestApp) -> String {
    let res = app
        .client
        .post(format!("{}/api/admin/v1/incidents", app.base))
        .bearer_auth(TOKEN)
        .json(&json!({
            "name": "Elevated API errors", "status": "identified", "impact": "major",
            "body": "Rolling back a deploy.", "components": {"api": "major_outage"},
            "cause": "A bad deploy", "workaround": "Retry after a minute"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

/// GETs `/api/v2/{path}`, checking the headers every answer carries.
async fn get_json(app: &TestApp, path: &str) -> Value {
    let res = app.get(&format!("/api/v2/{path}")).await;
    assert_eq!(res.status(), 200, "{path}");
    let headers = res.headers();
    assert_eq!(headers["content-type"], "application/json", "{path}");
    assert_eq!(headers["access-control-allow-origin"], "*", "{path}");
    assert_eq!(
        headers["cache-control"],
        "public, max-age=10, stale-while-revalidate=30, stale-if-error=86400",
        "{path}"
    );
    assert!(headers.contains_key("etag"), "{path}");
    res.json().await.unwrap()
}

/// Polls until the incident shows in `unresolved.json` (the snapshot is rebuilt
/// after the write).
async fn wait_for_unresolved(app: &TestApp, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let body = get_json(app, "incidents/unresolved.json").await;
        if body["incidents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id)
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "incident {id} never listed: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_v2_endpoint_answers_json_any_origin_can_read_and_lists_the_incident() {
    let app = spawn_app_full(COMPONENTS, Some(TOKEN), Arc::new(ManualClock::default())).await;
    let id = open_incident(&app).await;
    wait_for_unresolved(&app, &id).await;
    for path in ENDPOINTS {
        let body = get_json(&app, path).await;
        assert_eq!(body["page"]["id"], "candor", "{path}");
        assert_eq!(body["page"]["name"], "Test Status", "{path}");
    }
    let summary = get_json(&app, "summary.json").await;
    assert_eq!(summary["status"]["indicator"], "critical");
    assert_eq!(summary["incidents"][0]["id"], id);
    assert_eq!(summary["incidents"][0]["cause"], "A bad deploy");
    assert_eq!(summary["incidents"][0]["components"][0]["id"], "api");
    let ids: Vec<&str> = (summary["components"].as_array().unwrap().iter())
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["group-core-services", "api", "db"]);
    let all = get_json(&app, "incidents.json").await;
    assert_eq!(all["incidents"][0]["id"], id);
    let update = &all["incidents"][0]["incident_updates"][0];
    assert_eq!(
        update["affected_components"][0]["new_status"],
        "major_outage"
    );
    assert_eq!(
        get_json(&app, "scheduled-maintenances/active.json").await["scheduled_maintenances"],
        json!([])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v2_body_the_client_has_is_not_sent_again_and_unknown_paths_are_404_json() {
    let app = spawn_app_full(COMPONENTS, Some(TOKEN), Arc::new(ManualClock::default())).await;
    let first = app.get("/api/v2/summary.json").await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(format!("{}/api/v2/summary.json", app.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["access-control-allow-origin"], "*");
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());

    for path in [
        "/api/v2/nope.json",
        "/api/v2/incidents/nope.json",
        "/api/v2/",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert_eq!(res.headers()["content-type"], "application/json");
        assert_eq!(res.headers()["access-control-allow-origin"], "*");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body, json!({"error": "not found"}), "{path}");
    }
}

/// `components.json`'s object for `id`, once its status reads `status`.
async fn component_when(app: &TestApp, id: &str, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let body = get_json(app, "components.json").await;
        let found = (body["components"].as_array().cloned().unwrap_or_default())
            .into_iter()
            .find(|c| c["id"] == id);
        if let Some(c) = found.filter(|c| c["status"] == status) {
            return c;
        }
        assert!(Instant::now() < deadline, "{id} never {status}: {body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_components_created_at_is_when_first_seen_across_changes_and_restarts() {
    let clock = Arc::new(ManualClock::default());
    let first_seen = clock.now();
    let app = spawn_app_full(COMPONENTS, Some(TOKEN), clock.clone()).await;
    let before = component_when(&app, "db", "operational").await;
    let created = before["created_at"].clone();
    let at = |v: &Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap_or_default()).expect("RFC 3339")
    };
    // The manual clock runs on from its start.
    let off = at(&created).signed_duration_since(first_seen);
    assert!(
        off >= chrono::Duration::zero() && off < chrono::Duration::seconds(5),
        "{off}"
    );
    let day = at(&created).format("%Y-%m-%d").to_string();
    assert_eq!(before["start_date"], json!(day));

    clock.advance(chrono::Duration::hours(30));
    let patch = json!({"status": "major_outage"});
    let (status, _) =
        crate::helpers::admin_request(&app.base, "PATCH", "/components/db", patch).await;
    assert_eq!(status, 200);
    let changed = component_when(&app, "db", "major_outage").await;
    assert_eq!(changed["created_at"], created, "a change does not move it");
    let updated = at(&changed["updated_at"]).signed_duration_since(clock.now());
    assert!(
        updated.num_seconds().abs() < 5,
        "updated_at is the change: {changed}"
    );
    assert_eq!(changed["start_date"], before["start_date"]);

    // Restart on a copy of the data, a day later.
    app.stop.cancel();
    let _ = (&mut { app.task }).await;
    let dir = tempfile::tempdir().expect("a temp dir");
    let copied = std::process::Command::new("cp")
        .arg("-a")
        .arg(&app.data_dir)
        .arg(dir.path().join("data"))
        .status()
        .expect("cp runs");
    assert!(copied.success());
    clock.advance(chrono::Duration::days(1));
    let again = spawn_app_in(dir, COMPONENTS, Some(TOKEN), clock.clone()).await;
    let after = component_when(&again, "db", "major_outage").await;
    assert_eq!(
        after["created_at"], created,
        "stored once, kept across a restart"
    );
    let api = component_when(&again, "api", "operational").await;
    assert_eq!(api["created_at"], created, "never changed, still stored");
}
