//! One outage, one story: components failing together behind one target are
//! one automatic incident, told in one email per subscriber after the settle
//! time; a group failing as a whole is named as the group; a component that
//! recovers early leaves; a later failure within the window joins; an
//! engineer's takeover keeps the incident theirs.

use std::sync::Arc;
use std::time::Duration;

use candor::clock::ManualClock;
use serde_json::{Value, json};

use crate::helpers::{TOKEN, TestApp, admin_request, spawn_app_full};
use crate::incidents::wait_for_incidents;
use crate::smtp::{Mail, Smtp};
use crate::target::{Mode, Target};

/// Components (id, name, group) each checked at its own URL every 200 ms.
fn config(components: &[(&str, &str, Option<&str>, String)], extra: &str) -> String {
    let mut toml = format!("{extra}\n[incidents]\nsettle = \"30s\"\ncorrelate_within = \"2m\"\n");
    for (id, name, group, _) in components {
        toml += &format!("[[components]]\nid = \"{id}\"\nname = \"{name}\"\n");
        if let Some(g) = group {
            toml += &format!("group = \"{g}\"\n");
        }
    }
    for (id, name, _, url) in components {
        toml += &format!(
            "[[checks]]\ncomponent = \"{id}\"\nname = \"{name} health\"\nurl = \"{url}\"\n\
             every = \"200ms\"\ntimeout = \"1s\"\nfailure_threshold = 2\nsuccess_threshold = 2\n"
        );
    }
    toml
}

async fn spawn(body: &str) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::default());
    (
        spawn_app_full(body, Some(TOKEN), clock.clone()).await,
        clock,
    )
}

fn members(incident: &Value) -> usize {
    incident["components"].as_object().map_or(0, |c| c.len())
}

fn notices(smtp: &Smtp, to: &str) -> Vec<Mail> {
    (smtp.mails().into_iter())
        .filter(|m| m.to.iter().any(|t| t == to))
        .filter(|m| {
            !m.header("subject")
                .unwrap_or_default()
                .contains("subscription")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_components_behind_one_failing_target_are_one_incident_and_one_email_each() {
    let target = Target::start(Mode::Answer(503, "down")).await;
    let smtp = Smtp::start().await;
    let url = target.url("/shared-host");
    let parts = [
        ("api", "Public API", None, url.clone()),
        ("pay", "Payments", None, url.clone()),
        ("web", "Website", None, url),
    ];
    let email = format!(
        "[email]\nfrom = \"Status <status@test.example>\"\nsmtp_url = \"{}\"\n",
        smtp.url()
    );
    let (app, clock) = spawn(&config(&parts, &email)).await;
    app.confirmed_subscriber("all@example.com", &[]).await;
    app.confirmed_subscriber("api@example.com", &["api"]).await;
    app.confirmed_subscriber("payweb@example.com", &["pay", "web"])
        .await;

    let list = wait_for_incidents(&app, "one incident for all three", |l| {
        l.len() == 1 && members(&l[0]) == 3
    })
    .await;
    let name = list[0]["name"].as_str().unwrap_or_default().to_owned();
    for part in ["Public API", "Payments", "Website", ": major outage"] {
        assert!(name.contains(part), "{name}");
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let list = wait_for_incidents(&app, "the same", |_| true).await;
    assert_eq!(list.len(), 1, "still one incident");
    assert!(
        notices(&smtp, "all@example.com").is_empty(),
        "held for the settle time"
    );

    clock.advance(chrono::Duration::seconds(31));
    for to in ["all@example.com", "api@example.com", "payweb@example.com"] {
        smtp.wait_for(to, 1).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for to in ["all@example.com", "api@example.com", "payweb@example.com"] {
        let got = notices(&smtp, to);
        assert_eq!(got.len(), 1, "one email for {to}, not one per component");
    }
    let to_api = &notices(&smtp, "api@example.com")[0].data;
    assert!(to_api.contains("Public API: Major outage"), "{to_api}");
    assert!(to_api.contains("and 2 other components"), "{to_api}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_failing_together_is_named_as_the_group() {
    let down = Target::start(Mode::Answer(503, "down")).await;
    let up = Target::start(Mode::Answer(200, "ok")).await;
    let mut parts: Vec<(&str, &str, Option<&str>, String)> = ["eu1", "eu2", "eu3", "eu4"]
        .iter()
        .zip(["Service 1", "Service 2", "Service 3", "Service 4"])
        .map(|(id, name)| (*id, name, Some("Europe West"), down.url("/")))
        .collect();
    parts.push(("us1", "US Service", Some("US East"), up.url("/")));
    let (app, _clock) = spawn(&config(&parts, "")).await;
    let list = wait_for_incidents(&app, "the group's incident", |l| {
        l.len() == 1 && members(&l[0]) == 4
    })
    .await;
    assert_eq!(
        list[0]["name"],
        "All of Europe West (4 components): major outage"
    );
    app.wait_for_page("the group named on the page", |p| {
        p.contains("All of Europe West (4 components): major outage")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_component_recovering_early_leaves_and_a_later_failure_within_the_window_joins() {
    let api = Target::start(Mode::Answer(503, "down")).await;
    let pay = Target::start(Mode::Answer(503, "down")).await;
    let web = Target::start(Mode::Answer(200, "ok")).await;
    let late = Target::start(Mode::Answer(200, "ok")).await;
    let parts = [
        ("api", "Public API", None, api.url("/")),
        ("pay", "Payments", None, pay.url("/")),
        ("web", "Website", None, web.url("/")),
        ("late", "Reports", None, late.url("/")),
    ];
    let (app, clock) = spawn(&config(&parts, "")).await;
    wait_for_incidents(&app, "one incident for two", |l| {
        l.len() == 1 && members(&l[0]) == 2
    })
    .await;

    pay.set(Mode::Answer(200, "ok")).await;
    let list = wait_for_incidents(&app, "Payments leaving", |l| {
        l[0]["components"]["pay"] == "operational"
    })
    .await;
    assert_eq!(list[0]["status"], "investigating", "the API still fails");
    let last = list[0]["updates"]
        .as_array()
        .and_then(|u| u.last())
        .cloned();
    assert_eq!(
        last.map(|u| u["body"].clone()),
        Some(json!("Payments is operational again."))
    );

    clock.advance(chrono::Duration::seconds(90));
    web.set(Mode::Answer(503, "down")).await;
    let list = wait_for_incidents(&app, "Website joining", |l| {
        l.len() == 1 && l[0]["components"]["web"] == "major_outage"
    })
    .await;
    assert_eq!(list.len(), 1, "within the window of the last change");

    clock.advance(chrono::Duration::minutes(3));
    late.set(Mode::Answer(503, "down")).await;
    wait_for_incidents(&app, "a new incident past the window", |l| l.len() == 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_an_engineer_takes_over_a_new_failure_opens_its_own_incident_and_theirs_stays_open() {
    let api = Target::start(Mode::Answer(503, "down")).await;
    let pay = Target::start(Mode::Answer(200, "ok")).await;
    let parts = [
        ("api", "Public API", None, api.url("/")),
        ("pay", "Payments", None, pay.url("/")),
    ];
    let (app, clock) = spawn(&config(&parts, "")).await;
    let list = wait_for_incidents(&app, "an automatic incident", |l| l.len() == 1).await;
    let id = list[0]["id"].as_str().unwrap_or_default().to_owned();
    let (status, _) = admin_request(
        &app.base,
        "POST",
        &format!("/incidents/{id}/updates"),
        json!({"status": "identified", "body": "A bad deploy; rolling back."}),
    )
    .await;
    assert_eq!(status, 201);
    pay.set(Mode::Answer(503, "down")).await;
    let list = wait_for_incidents(&app, "a second incident", |l| l.len() == 2).await;
    let theirs = list
        .iter()
        .find(|i| i["id"] == id.as_str())
        .cloned()
        .unwrap_or_default();
    assert_eq!(members(&theirs), 1, "nothing joins an engineer's incident");

    api.set(Mode::Answer(200, "ok")).await;
    pay.set(Mode::Answer(200, "ok")).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    clock.advance(chrono::Duration::minutes(6));
    let list = wait_for_incidents(&app, "the automatic one resolved", |l| {
        l.iter()
            .any(|i| i["id"] != id.as_str() && i["status"] == "resolved")
    })
    .await;
    let theirs = list
        .iter()
        .find(|i| i["id"] == id.as_str())
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        theirs["status"], "identified",
        "the engineer's stays theirs"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engineer_splits_a_component_off_through_the_api() {
    let down = Target::start(Mode::Answer(503, "down")).await;
    let parts = [
        ("api", "Public API", None, down.url("/")),
        ("pay", "Payments", None, down.url("/")),
    ];
    let (app, _clock) = spawn(&config(&parts, "")).await;
    let list = wait_for_incidents(&app, "one incident for two", |l| {
        l.len() == 1 && members(&l[0]) == 2
    })
    .await;
    let id = list[0]["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/incidents/{id}/split");

    let (status, body) = admin_request(
        &app.base,
        "POST",
        &path,
        json!({"components": ["api", "pay"]}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["components"].is_string(), "{body}");
    let (status, body) = admin_request(
        &app.base,
        "POST",
        &path,
        json!({"components": ["nope"], "colour": 1}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["fields"]["components.nope"].is_string() && body["fields"]["colour"].is_string(),
        "{body}"
    );
    let (status, _) = admin_request(
        &app.base,
        "POST",
        "/incidents/zzzzzzzzzzzz/split",
        json!({"components": ["pay"]}),
    )
    .await;
    assert_eq!(status, 404);

    let (status, new) = admin_request(
        &app.base,
        "POST",
        &path,
        json!({"components": ["pay"], "name": "Card payments failing"}),
    )
    .await;
    assert_eq!(status, 201, "{new}");
    assert_eq!(new["name"], "Card payments failing");
    assert_eq!(new["components"], json!({"pay": "major_outage"}));
    let list = wait_for_incidents(&app, "two incidents", |l| l.len() == 2).await;
    let old = list
        .iter()
        .find(|i| i["id"] == id.as_str())
        .cloned()
        .unwrap_or_default();
    assert_eq!(old["name"], "Public API: major outage");
    app.wait_for_page("both on the page", |p| {
        p.contains("Card payments failing") && p.contains("Public API: major outage")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_components_workaround_is_on_its_automatic_incident_and_in_the_email() {
    let target = Target::start(Mode::Answer(503, "down")).await;
    let smtp = Smtp::start().await;
    let parts = [("api", "Public API", None, target.url("/api"))];
    let email = format!(
        "[email]\nfrom = \"Status <status@test.example>\"\nsmtp_url = \"{}\"\n",
        smtp.url()
    );
    let body = config(&parts, &email).replace(
        "name = \"Public API\"\n",
        "name = \"Public API\"\nworkaround = \"Use the web app at https://app.example.com\"\n",
    );
    let (app, clock) = spawn(&body).await;
    app.confirmed_subscriber("all@example.com", &[]).await;
    let list = wait_for_incidents(&app, "an incident", |l| l.len() == 1).await;
    assert_eq!(
        list[0]["workaround"],
        "Use the web app at https://app.example.com"
    );
    let id = list[0]["id"].as_str().unwrap_or_default().to_owned();
    let page = app
        .get(&format!("/incidents/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Meanwhile:"), "{page}");
    assert!(page.contains("https://app.example.com"), "{page}");
    clock.advance(chrono::Duration::seconds(31));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mail = loop {
        if let Some(m) = notices(&smtp, "all@example.com").first() {
            break m.data.clone();
        }
        assert!(std::time::Instant::now() < deadline, "no incident email");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(mail.contains("Meanwhile"), "{mail}");
    assert!(mail.contains("Use the web app at"), "{mail}");
}
