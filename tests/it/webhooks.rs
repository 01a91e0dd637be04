//! `[[webhooks]]` through real HTTP receivers on loopback: Statuspage payloads
//! for incidents and component changes, HMAC signatures checked independently,
//! component filters, and (in `delivery`) retries, refusals, order, a hanging
//! receiver and a restart.

mod delivery;
mod maintenance;

use std::sync::Arc;
use std::time::{Duration, Instant};

use candor::clock::ManualClock;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{TOKEN, TestApp, admin_request, spawn_app_full};
use crate::receiver::{Receiver, Reply, Request};
use crate::target::{Mode, Target};

use crate::helpers::API_AND_DB as COMPONENTS;

/// One `[[webhooks]]` entry.
fn hook(url: &str, extra: &str) -> String {
    format!("\n[[webhooks]]\nurl = \"{url}\"\n{extra}\n")
}

async fn spawn(hooks: &str) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::default());
    let body = format!("{COMPONENTS}{hooks}");
    (
        spawn_app_full(&body, Some(TOKEN), clock.clone()).await,
        clock,
    )
}

/// An admin API call that must succeed; its JSON answer.
async fn admin(app: &TestApp, method: &str, path: &str, body: Value) -> Value {
    let (status, answer) = admin_request(&app.base, method, path, body).await;
    assert!((200..300).contains(&status), "{path}: {status} {answer}");
    answer
}

fn api_incident() -> Value {
    json!({"name": "Elevated API errors", "status": "investigating", "impact": "major",
           "body": "Requests fail with 503.", "components": {"api": "major_outage"},
           "cause": "A failed failover"})
}

/// `sha256=<hex>` computed here, independently of Candor's code.
fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = (mac.finalize().into_bytes().iter())
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// Polls `/metrics` until it has `line`.
async fn wait_for_metric(app: &TestApp, line: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        if metrics.lines().any(|l| l == line) {
            return;
        }
        assert!(Instant::now() < deadline, "no {line:?} in:\n{metrics}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn incidents(requests: &[Request]) -> Vec<Value> {
    (requests.iter().filter(|r| !r.is_component()))
        .map(Request::json)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_is_posted_as_a_statuspage_payload_signed_with_the_secret() {
    let rx = Receiver::start(Reply::Status(200)).await;
    let secret = "a long shared secret";
    let (app, _) = spawn(&hook(&rx.url("/hook"), &format!("secret = \"{secret}\""))).await;
    let incident = admin(&app, "POST", "/incidents", api_incident()).await;
    let id = incident["id"].as_str().unwrap();
    let got = rx.wait_for(2).await;
    let first = &got[0];
    assert_eq!(
        (first.method.as_str(), first.path.as_str()),
        ("POST", "/hook")
    );
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert!(first.header("user-agent").unwrap().contains("Candor"));
    assert!(
        first
            .header("x-candor-delivery")
            .is_some_and(|d| !d.is_empty())
    );
    for r in &got {
        let sent = r.header("x-candor-signature").unwrap();
        assert_eq!(
            sent,
            signature(secret, &r.body),
            "signature of {:?}",
            r.json()
        );
    }
    assert!(
        !first.is_component(),
        "the incident comes first, then its component"
    );
    let body = first.json();
    assert_eq!(body["page"]["id"], "candor");
    assert_eq!(body["page"]["status_indicator"], "critical");
    assert_eq!(body["page"]["status_description"], "Major Service Outage");
    assert!(
        body["meta"]["generated_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert!(
        body["meta"]["unsubscribe"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    assert!(
        body["meta"]["documentation"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let i = &body["incident"];
    assert_eq!(i["id"], id);
    assert_eq!(i["name"], "Elevated API errors");
    assert_eq!(i["status"], "investigating");
    assert_eq!(i["impact"], "major");
    assert_eq!(i["cause"], "A failed failover");
    assert_eq!(i["incident_updates"][0]["body"], "Requests fail with 503.");
    assert_eq!(i["components"][0]["id"], "api");
    assert_eq!(i["components"][0]["status"], "major_outage");
    assert!(
        i["shortlink"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/incidents/{id}"))
    );

    let path = format!("/incidents/{id}/updates");
    admin(
        &app,
        "POST",
        &path,
        json!({"status": "monitoring", "body": "A fix is out."}),
    )
    .await;
    admin(
        &app,
        "POST",
        &path,
        json!({"status": "resolved", "body": "Fixed."}),
    )
    .await;
    admin(
        &app,
        "PUT",
        &format!("/incidents/{id}/postmortem"),
        json!({"body": "What we learned."}),
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let statuses = loop {
        let statuses: Vec<Value> = (incidents(&rx.requests()).iter())
            .map(|b| b["incident"]["status"].clone())
            .collect();
        if statuses.len() >= 4 || Instant::now() > deadline {
            break statuses;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        statuses,
        ["investigating", "monitoring", "resolved", "postmortem"]
    );
    let last = incidents(&rx.requests()).pop().unwrap();
    assert_eq!(last["incident"]["postmortem_body"], "What we learned.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engineers_status_is_a_component_payload_and_without_a_secret_it_is_unsigned() {
    let rx = Receiver::start(Reply::Status(200)).await;
    let (app, _) = spawn(&hook(&rx.url("/"), "")).await;
    admin(
        &app,
        "PATCH",
        "/components/db",
        json!({"status": "partial_outage"}),
    )
    .await;
    let got = rx.wait_for(1).await;
    assert_eq!(got[0].header("x-candor-signature"), None);
    let body = got[0].json();
    let update = &body["component_update"];
    assert_eq!(update["old_status"], "operational");
    assert_eq!(update["new_status"], "partial_outage");
    assert_eq!(update["component_type"], "Component");
    assert_eq!(update["component_id"], "db");
    assert!(update["created_at"].is_string() && update["id"].is_string());
    assert_eq!(body["component"]["id"], "db");
    assert_eq!(body["component"]["name"], "Database");
    assert_eq!(body["component"]["status"], "partial_outage");
    assert_eq!(body["page"]["status_indicator"], "major");

    admin(
        &app,
        "PATCH",
        "/components/db",
        json!({"status": "operational"}),
    )
    .await;
    let back = rx.wait_for(2).await[1].json();
    assert_eq!(back["component_update"]["old_status"], "partial_outage");
    assert_eq!(back["component_update"]["new_status"], "operational");
    assert_eq!(rx.requests().len(), 2, "one payload per change");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_with_components_gets_only_what_touches_them() {
    let (everything, only_db) = (
        Receiver::start(Reply::Status(200)).await,
        Receiver::start(Reply::Status(200)).await,
    );
    let hooks = hook(&everything.url("/"), "") + &hook(&only_db.url("/"), "components = [\"db\"]");
    let (app, _) = spawn(&hooks).await;
    admin(&app, "POST", "/incidents", api_incident()).await;
    everything.wait_for(2).await;
    admin(
        &app,
        "PATCH",
        "/components/db",
        json!({"status": "major_outage"}),
    )
    .await;
    everything.wait_for(3).await;
    // Deliveries to one url keep their order: had the api ones gone to
    // only_db, they would have arrived before this one.
    let got = only_db.wait_for(1).await;
    assert_eq!(
        got.len(),
        1,
        "{:#?}",
        got.iter().map(Request::json).collect::<Vec<_>>()
    );
    assert_eq!(got[0].json()["component_update"]["component_id"], "db");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_component_whose_checks_start_failing_is_posted_as_a_component_update() {
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let rx = Receiver::start(Reply::Status(200)).await;
    let check = format!(
        "\n[[checks]]\ncomponent = \"api\"\nname = \"API health\"\nurl = \"{}\"\n\
         every = \"200ms\"\ntimeout = \"1s\"\nfailure_threshold = 2\nsuccess_threshold = 2\n",
        target.url("/health")
    );
    let (app, _) = spawn(&(check + &hook(&rx.url("/"), ""))).await;
    app.wait_for_page("the check's first result", |p| p.contains("Operational"))
        .await;
    target.set(Mode::Answer(503, "down")).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let update = loop {
        let found = (rx.requests().iter())
            .find(|r| r.is_component())
            .map(Request::json);
        if let Some(body) = found {
            break body;
        }
        assert!(
            Instant::now() < deadline,
            "no component payload: {:#?}",
            rx.requests()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(update["component_update"]["component_id"], "api");
    assert_eq!(update["component_update"]["old_status"], "operational");
    assert_eq!(update["component_update"]["new_status"], "major_outage");
    assert_eq!(update["component"]["status"], "major_outage");
    let opened = incidents(&rx.wait_for(2).await);
    assert_eq!(
        opened[0]["incident"]["status"], "investigating",
        "the automatic incident"
    );
}
