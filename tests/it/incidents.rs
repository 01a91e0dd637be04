//! Incidents and maintenance through the admin API: auth, validation, the page,
//! durability across kill -9, automation driven by a test clock.

use std::sync::Arc;
use std::time::{Duration, Instant};

use candor::clock::ManualClock;
use serde_json::{Value, json};

use crate::helpers::{
    Binary, TOKEN, TestApp, admin_request, client, config_with, spawn_app_full, wait_for_page,
};
use crate::target::{Mode, Target};

use crate::helpers::API_AND_DB as COMPONENTS;

/// The components plus one fast check on `api` (2 failures down, 2 successes up).
fn with_api_check(url: &str) -> String {
    format!(
        "{COMPONENTS}\n[[checks]]\ncomponent = \"api\"\nname = \"API health\"\nurl = \"{url}\"\n\
         every = \"200ms\"\ntimeout = \"1s\"\nfailure_threshold = 2\nsuccess_threshold = 2\n"
    )
}

async fn spawn(body: &str) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::default());
    (
        spawn_app_full(body, Some(TOKEN), clock.clone()).await,
        clock,
    )
}

async fn send(app: &TestApp, method: &str, path: &str, body: Value) -> (u16, Value) {
    admin_request(&app.base, method, path, body).await
}

fn in_minutes(m: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(m)).to_rfc3339()
}

/// Polls the admin API until `pred` holds for the incident list.
pub async fn wait_for_incidents(
    app: &TestApp,
    what: &str,
    pred: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (_, body) = send(app, "GET", "/incidents", json!({})).await;
        let list = body["incidents"].as_array().cloned().unwrap_or_default();
        if pred(&list) {
            return list;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {list:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_api_needs_the_right_token() {
    let (app, _) = spawn(COMPONENTS).await;
    let url = format!("{}/api/admin/v1/components/api", app.base);
    let body = json!({"status": "major_outage"});
    let none = app.client.patch(&url).json(&body).send().await.unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    let wrong = app
        .client
        .patch(&url)
        .bearer_auth("nope")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = app
        .client
        .patch(&url)
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    app.wait_for_page("the engineer's status", |p| p.contains("Major outage"))
        .await;

    let open = crate::helpers::spawn_app(COMPONENTS).await;
    let refused = open
        .client
        .patch(format!("{}/api/admin/v1/components/api", open.base))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "no token configured: nobody gets in");
    assert!(refused.text().await.unwrap().contains("CANDOR_ADMIN_TOKEN"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_is_422_naming_each_field_and_nothing_is_stored() {
    let (app, _) = spawn(COMPONENTS).await;
    let (status, body) = send(
        &app,
        "POST",
        "/incidents",
        json!({
            "name": "", "status": "on_fire", "impact": "huge", "body": "x",
            "components": {"nope": "major_outage", "api": "broken"},
            "expected_resolution_at": "2001-01-01T00:00:00Z", "cuase": "typo"
        }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    for field in [
        "name",
        "status",
        "impact",
        "components.nope",
        "components.api",
        "cuase",
    ] {
        assert!(
            body["fields"][field].is_string(),
            "{field} missing in {body}"
        );
    }
    let (status, body) = send(&app, "POST", "/incidents", json!({
        "name": "x", "status": "investigating", "body": "y", "expected_resolution_at": in_minutes(-5)
    }))
    .await;
    assert_eq!(status, 422);
    assert!(
        body["fields"]["expected_resolution_at"]
            .as_str()
            .unwrap()
            .contains("past")
    );
    let (status, body) = send(&app, "POST", "/maintenances", json!({
        "name": "m", "body": "b", "scheduled_for": in_minutes(60), "scheduled_until": in_minutes(30), "components": ["api"]
    }))
    .await;
    assert_eq!(status, 422);
    assert!(body["fields"]["scheduled_until"].is_string(), "{body}");
    let (status, body) = send(&app, "POST", "/incidents", json!({"name": 5})).await;
    assert_eq!(
        (status, body["fields"]["name"].as_str()),
        (422, Some("must be a string"))
    );
    let raw = app
        .client
        .post(format!("{}/api/admin/v1/incidents", app.base))
        .bearer_auth(TOKEN)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    assert_eq!(
        send(
            &app,
            "PATCH",
            "/components/nope",
            json!({"status": "major_outage"})
        )
        .await
        .0,
        404
    );
    let (status, _) = send(
        &app,
        "POST",
        "/incidents/nope/updates",
        json!({"status": "resolved", "body": "x"}),
    )
    .await;
    assert_eq!(status, 404);
    let (_, list) = send(&app, "GET", "/incidents", json!({})).await;
    assert_eq!(list["incidents"], json!([]), "nothing was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_from_open_to_postmortem_shows_on_the_page_permalink_and_history() {
    let (app, _) = spawn(COMPONENTS).await;
    let (status, incident) = send(&app, "POST", "/incidents", json!({
        "name": "Elevated API errors", "status": "investigating", "impact": "major",
        "body": "We are looking into errors on the API.", "components": {"api": "partial_outage"},
        "cause": "A failed database failover", "workaround": "Retry after a minute",
        "expected_resolution_at": in_minutes(25)
    }))
    .await;
    assert_eq!(status, 201, "{incident}");
    let id = incident["id"].as_str().unwrap().to_owned();
    let page = app
        .wait_for_page("the incident", |p| p.contains("Elevated API errors"))
        .await;
    for text in [
        "A failed database failover",
        "Retry after a minute",
        "We are looking into errors",
        "Partial outage",
    ] {
        assert!(page.contains(text), "missing {text:?} on /");
    }
    let (status, _) = send(
        &app,
        "POST",
        &format!("/incidents/{id}/updates"),
        json!({
            "status": "resolved", "body": "Failover completed; errors are gone."
        }),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = send(
        &app,
        "PUT",
        &format!("/incidents/{id}/postmortem"),
        json!({"body": "Root cause: a stuck replica."}),
    )
    .await;
    assert_eq!(status, 200);
    // Gone from the current incidents; today's cell of the uptime bar (on
    // the component's page) still names it, as the day's incident.
    let card = format!("href=\"/incidents/{id}\"");
    let page = app
        .wait_for_page("the resolution", |p| !p.contains(&card))
        .await;
    assert!(page.contains("All systems operational"), "{page}");
    assert!(!page.contains("Current incidents"), "{page}");
    let api = app.get("/components/api").await.text().await.unwrap();
    assert!(
        api.contains("uptime; incident: Elevated API errors</span>"),
        "{api}"
    );
    let permalink = app
        .get(&format!("/incidents/{id}"))
        .await
        .text()
        .await
        .unwrap();
    for text in [
        "Elevated API errors",
        "Root cause: a stuck replica.",
        "Failover completed",
        "We are looking into errors",
    ] {
        assert!(
            permalink.contains(text),
            "missing {text:?} on the permalink"
        );
    }
    assert!(
        permalink.find("Failover completed") < permalink.find("We are looking into errors"),
        "newest first"
    );
    let history = app.get("/history").await.text().await.unwrap();
    assert!(history.contains("Elevated API errors"), "{history}");
    assert!(history.contains(&format!("/incidents/{id}")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_from_engineers_is_shown_never_run() {
    let (app, _) = spawn(COMPONENTS).await;
    let xss = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let (status, incident) = send(&app, "POST", "/incidents", json!({
        "name": format!("N {xss}"), "status": "identified", "body": format!("B {xss}"),
        "cause": format!("C {xss}"), "workaround": format!("W {xss}"), "components": {"api": "major_outage"}
    }))
    .await;
    assert_eq!(status, 201);
    let id = incident["id"].as_str().unwrap();
    let page = app
        .wait_for_page("the incident", |p| p.contains("N &lt;script&gt;"))
        .await;
    let permalink = app
        .get(&format!("/incidents/{id}"))
        .await
        .text()
        .await
        .unwrap();
    for html in [&page, &permalink] {
        assert!(!html.contains("<script>alert"), "a script tag got through");
        assert!(!html.contains("<img src=x"), "an img tag got through");
        for prefix in ["N ", "B ", "C ", "W "] {
            assert!(
                html.contains(&format!("{prefix}&lt;script&gt;")),
                "{prefix}field not shown escaped"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_target_opens_an_automatic_incident_that_resolves_after_the_quiet_period() {
    let target = Target::start(Mode::Answer(503, "down")).await;
    let (app, clock) = spawn(&with_api_check(&target.url("/"))).await;
    let list = wait_for_incidents(&app, "an automatic incident", |l| l.len() == 1).await;
    assert_eq!(list[0]["source"], "automatic");
    assert_eq!(list[0]["name"], "Public API: major outage");
    let first = list[0]["updates"][0]["body"].as_str().unwrap();
    assert!(
        first.contains("API health: HTTP 503 Service Unavailable on 2 checks in a row since"),
        "{first}"
    );
    app.wait_for_page("the automatic incident", |p| {
        p.contains("Public API: major outage")
    })
    .await;

    target.set(Mode::Answer(200, "ok")).await;
    app.wait_for_page("recovered checks", |p| {
        p.contains("All systems operational") || p.contains("Operational")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        wait_for_incidents(&app, "still open", |_| true).await[0]["status"],
        "investigating",
        "not before the quiet period"
    );
    clock.advance(chrono::Duration::minutes(6));
    let list = wait_for_incidents(&app, "the resolution", |l| l[0]["status"] == "resolved").await;
    assert!(list[0]["resolved_at"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_automatic_incident_an_engineer_took_over_is_not_resolved_by_the_checks() {
    let target = Target::start(Mode::Answer(503, "down")).await;
    let (app, clock) = spawn(&with_api_check(&target.url("/"))).await;
    let list = wait_for_incidents(&app, "an automatic incident", |l| l.len() == 1).await;
    let id = list[0]["id"].as_str().unwrap().to_owned();
    let (status, _) = send(
        &app,
        "POST",
        &format!("/incidents/{id}/updates"),
        json!({
            "status": "identified", "body": "A bad deploy; rolling back.", "cause": "Deploy 4711"
        }),
    )
    .await;
    assert_eq!(status, 201);
    target.set(Mode::Answer(200, "ok")).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    clock.advance(chrono::Duration::minutes(6));
    let list = wait_for_incidents(&app, "the note", |l| {
        l[0]["updates"]
            .as_array()
            .and_then(|u| u.last())
            .is_some_and(|u| u["body"] == "Checks are passing again.")
    })
    .await;
    assert_eq!(
        list[0]["status"], "identified",
        "the engineer's incident stays theirs"
    );
    assert_eq!(list[0]["cause"], "Deploy 4711");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_moves_from_scheduled_to_in_progress_to_completed_by_itself() {
    let (app, clock) = spawn(COMPONENTS).await;
    let (status, m) = send(&app, "POST", "/maintenances", json!({
        "name": "Database upgrade", "body": "Upgrading to v16.",
        "scheduled_for": in_minutes(60), "scheduled_until": in_minutes(120), "components": ["db"]
    }))
    .await;
    assert_eq!(status, 201, "{m}");
    assert_eq!(m["status"], "scheduled");
    let page = app
        .wait_for_page("the upcoming maintenance", |p| {
            p.contains("Database upgrade")
        })
        .await;
    assert!(!page.contains("Under maintenance"), "not yet");
    clock.advance(chrono::Duration::minutes(61));
    app.wait_for_page("maintenance in progress", |p| {
        p.contains("Under maintenance")
    })
    .await;
    clock.advance(chrono::Duration::minutes(60));
    let page = app
        .wait_for_page("maintenance over", |p| !p.contains("Under maintenance"))
        .await;
    assert!(page.contains("All systems operational"), "{page}");
    let id = m["id"].as_str().unwrap();
    let permalink = app
        .get(&format!("/incidents/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(permalink.contains("Completed"), "{permalink}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_survives_kill_9_right_after_its_201() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, config_with(dir.path(), COMPONENTS)).unwrap();
    let http = client();
    let mut app = Binary::serve_with_env(&path, &[("CANDOR_ADMIN_TOKEN", TOKEN)]);
    let res = http
        .post(format!("{}/api/admin/v1/incidents", app.base))
        .bearer_auth(TOKEN)
        .json(&json!({"name": "Durable", "status": "investigating", "body": "Kept across a crash"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    app.kill_9();
    let incident: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    let app = Binary::serve_with_env(&path, &[("CANDOR_ADMIN_TOKEN", TOKEN)]);
    let page = wait_for_page(&http, &app.base, "a page", |_| true).await;
    assert!(page.contains("Durable"), "{page}");
    let id = incident["id"].as_str().unwrap();
    let got = http
        .get(format!("{}/api/admin/v1/incidents/{id}", app.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_estimate_is_admitted_on_the_page_as_soon_as_it_passes() {
    let (app, clock) = spawn(COMPONENTS).await;
    let (status, _) = send(
        &app,
        "POST",
        "/incidents",
        json!({
            "name": "Slow logins", "status": "identified", "body": "Rebuilding an index.",
            "components": {"api": "degraded_performance"}, "expected_resolution_at": in_minutes(20)
        }),
    )
    .await;
    assert_eq!(status, 201);
    let page = app
        .wait_for_page("the estimate", |p| p.contains("Slow logins"))
        .await;
    assert!(
        page.contains("in about 20 minutes") || page.contains("in about 19 minutes"),
        "{page}"
    );
    assert!(!page.contains("has passed"));
    clock.advance(chrono::Duration::minutes(21));
    let page = app
        .wait_for_page("the missed estimate", |p| p.contains("has passed"))
        .await;
    assert!(
        page.contains("Slow logins"),
        "still shown until a new estimate: {page}"
    );
}
