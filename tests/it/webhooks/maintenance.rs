//! A maintenance window as Statuspage sends it: the maintenance as an
//! incident when scheduled, started and completed by the clock (its email
//! reminder sends nothing), and its components' status changes beside it.

use serde_json::{Value, json};

use super::{admin, hook, spawn};
use crate::receiver::{Receiver, Reply, Request};

/// ("incident", status) or ("component", "old>new") for each request.
fn story(requests: &[Request]) -> Vec<(String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    requests
        .iter()
        .map(Request::json)
        .map(|b| match b.get("component_update") {
            Some(u) => (
                format!("component {}", text(&u["component_id"])),
                format!("{}>{}", text(&u["old_status"]), text(&u["new_status"])),
            ),
            None => ("incident".into(), text(&b["incident"]["status"])),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_maintenance_is_sent_when_scheduled_started_and_completed_with_its_components() {
    let rx = Receiver::start(Reply::Status(200)).await;
    let (app, clock) = spawn(&hook(&rx.url("/"), "components = [\"db\"]")).await;
    let at = |m: i64| (chrono::Utc::now() + chrono::Duration::minutes(m)).to_rfc3339();
    let m = admin(
        &app,
        "POST",
        "/maintenances",
        json!({
            "name": "Database upgrade", "body": "Upgrading to v16.",
            "scheduled_for": at(60), "scheduled_until": at(120), "components": ["db"]
        }),
    )
    .await;
    let scheduled = rx.wait_for(1).await[0].json();
    assert_eq!(scheduled["incident"]["id"], m["id"]);
    assert_eq!(scheduled["incident"]["impact"], "maintenance");
    assert_eq!(
        scheduled["incident"]["scheduled_until"]
            .as_str()
            .map(str::len),
        Some(24)
    );
    clock.advance(chrono::Duration::minutes(61));
    rx.wait_for(3).await;
    clock.advance(chrono::Duration::minutes(60));
    let got = rx.wait_for(5).await;
    let expected = [
        ("incident", "scheduled"),
        ("incident", "in_progress"),
        ("component db", "operational>under_maintenance"),
        ("incident", "completed"),
        ("component db", "under_maintenance>operational"),
    ]
    .map(|(a, b)| (a.to_owned(), b.to_owned()));
    assert_eq!(story(&got), expected);
    assert_eq!(got[2].json()["page"]["status_indicator"], "maintenance");
}
