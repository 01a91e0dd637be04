//! An honest why and a committed next update (issue 12): an automatic
//! incident from a failing loopback target gives its checks' evidence as the
//! why, on `/`, its page, the API and its opening email, and promises its
//! next update; once that passes without a post the page says the update is
//! overdue, until an engineer's post promises the next; a resolution without
//! a cause says so on the page and in the resolved email, and a postmortem
//! is then linked.

use std::sync::Arc;

use candor::clock::ManualClock;
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde_json::{Value, json};

use crate::helpers::{API_AND_DB, TOKEN, TestApp, admin_request, spawn_app_full};
use crate::incidents::wait_for_incidents;
use crate::smtp::Smtp;
use crate::target::{Mode, Target};

/// The page's words for the evidence of an HTTP 503 on the API.
const WHY: &str = "The check “API health” of Public API reports HTTP 503 Service Unavailable since <time datetime=";
/// The email's.
const WHY_MAILED: &str =
    "Why: The check “API health” of Public API reports HTTP 503 Service Unavailable since ";

/// `api` checked at `url` every 200 ms, emails sent at once (no settle
/// time), with more TOML (an `[email]` section) before it.
fn config(url: &str, email: &str) -> String {
    format!(
        "{email}\n[incidents]\nsettle = \"0s\"\n{API_AND_DB}\n[[checks]]\ncomponent = \"api\"\n\
         name = \"API health\"\nurl = \"{url}\"\nevery = \"200ms\"\ntimeout = \"1s\"\n\
         failure_threshold = 2\nsuccess_threshold = 2\n"
    )
}

fn email(smtp: &Smtp) -> String {
    format!(
        "[email]\nfrom = \"Status <status@test.example>\"\nsmtp_url = \"{}\"\n",
        smtp.url()
    )
}

async fn spawn(body: &str) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::default());
    (
        spawn_app_full(body, Some(TOKEN), clock.clone()).await,
        clock,
    )
}

/// The one automatic incident, once the failing checks opened it.
async fn opened(app: &TestApp) -> Value {
    let list = wait_for_incidents(app, "an automatic incident", |l| l.len() == 1).await;
    assert_eq!(list[0]["source"], "automatic");
    list[0].clone()
}

fn time(v: &Value) -> DateTime<Utc> {
    let text = v.as_str().unwrap_or_else(|| panic!("not a time: {v}"));
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// As `<time datetime>` writes it.
fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn text(app: &TestApp, path: &str) -> String {
    app.get(path).await.text().await.unwrap()
}

/// The incident emails `to` got (not the subscription's own).
fn notices(smtp: &Smtp, to: &str) -> Vec<String> {
    (smtp.mails().into_iter())
        .filter(|m| m.to.iter().any(|t| t == to))
        .filter(|m| {
            !m.header("subject")
                .unwrap_or_default()
                .contains("subscription")
        })
        .map(|m| m.decoded())
        .collect()
}

async fn wait_for_notices(smtp: &Smtp, to: &str, n: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let got = notices(smtp, to);
        if got.len() >= n {
            return got;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{to} got {} incident emails, not {n}: {got:#?}",
            got.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_automatic_incident_gives_its_evidence_as_the_why_and_promises_the_next_update() {
    let target = Target::start(Mode::Answer(503, "down")).await;
    let smtp = Smtp::start().await;
    let (app, _clock) = spawn(&config(&target.url("/health"), &email(&smtp))).await;
    app.confirmed_subscriber("all@example.com", &[]).await;
    let incident = opened(&app).await;
    let id = incident["id"].as_str().unwrap().to_owned();
    let by = time(&incident["next_update_by"]);
    assert_eq!(
        by - time(&incident["created_at"]),
        chrono::Duration::minutes(30),
        "the default promise: {incident}"
    );
    let promised = format!("Next update by <time datetime=\"{}\">", iso(by));
    let clock = by.format("%H:%M UTC").to_string();

    let page = app
        .wait_for_page("the evidence as the why", |p| p.contains(WHY))
        .await;
    for (what, page) in [
        ("/", page),
        ("its page", text(&app, &format!("/incidents/{id}")).await),
    ] {
        assert!(page.contains(WHY), "{what}: {page}");
        assert!(!page.contains("Under investigation"), "{what}: {page}");
        assert!(page.contains("No estimate yet"), "{what}: {page}");
        assert!(page.contains(&promised), "{what}: {page}");
        assert!(page.contains(&format!("{clock}</time>")), "{what}: {page}");
    }

    let api = app.get("/api/v2/incidents/unresolved.json").await;
    let api: Value = api.json().await.unwrap();
    let listed = &api["incidents"][0];
    let why = listed["why"].as_str().unwrap_or_default();
    assert!(
        why.starts_with(
            "The check “API health” of Public API reports HTTP 503 Service Unavailable since "
        ),
        "{listed}"
    );
    assert_eq!(time(&listed["next_update_by"]), by.trunc_subsecs(3));
    assert_eq!(
        listed["cause"],
        Value::Null,
        "the cause stays the engineer's"
    );

    let opening = wait_for_notices(&smtp, "all@example.com", 1)
        .await
        .remove(0);
    assert!(opening.contains(WHY_MAILED), "{opening}");
    assert!(
        opening.contains(&format!("Next update: by {clock} (")),
        "{opening}"
    );
    assert!(!opening.contains("still investigating"), "{opening}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promise_passed_without_a_post_is_overdue_until_an_engineer_promises_the_next() {
    let target = Target::start(Mode::Answer(503, "down")).await;
    let (app, clock) = spawn(&config(&target.url("/health"), "")).await;
    let incident = opened(&app).await;
    let id = incident["id"].as_str().unwrap().to_owned();
    let by = time(&incident["next_update_by"]);
    app.wait_for_page("the promise", |p| p.contains("Next update by"))
        .await;

    clock.advance(chrono::Duration::minutes(31));
    let overdue = format!("Update overdue since <time datetime=\"{}\">", iso(by));
    let page = app
        .wait_for_page("the overdue update", |p| p.contains(&overdue))
        .await;
    assert!(!page.contains("Next update by"), "{page}");
    assert!(page.contains(WHY), "the why stays: {page}");
    let permalink = text(&app, &format!("/incidents/{id}")).await;
    assert!(permalink.contains(&overdue), "{permalink}");

    let path = format!("/incidents/{id}/updates");
    for bad in ["in an hour", "2001-01-01T00:00:00Z"] {
        let body = json!({"status": "identified", "body": "On it.", "next_update_at": bad});
        let (status, answer) = admin_request(&app.base, "POST", &path, body).await;
        assert_eq!(status, 422, "{bad}: {answer}");
        assert!(answer["fields"]["next_update_at"].is_string(), "{answer}");
    }
    let (_, unchanged) =
        admin_request(&app.base, "GET", &format!("/incidents/{id}"), json!({})).await;
    assert_eq!(time(&unchanged["next_update_by"]), by, "nothing stored");

    // The app's clock runs 31 minutes ahead: promise an hour from its now.
    let next = (Utc::now() + chrono::Duration::minutes(31 + 60)).trunc_subsecs(0);
    let body = json!({"status": "identified", "body": "Rolling back a deploy.",
                      "next_update_at": next.to_rfc3339()});
    let (status, answer) = admin_request(&app.base, "POST", &path, body).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(time(&answer["next_update_by"]), next);
    let promised = format!("Next update by <time datetime=\"{}\">", iso(next));
    let page = app
        .wait_for_page("the new promise", |p| p.contains(&promised))
        .await;
    assert!(
        !page.contains("overdue"),
        "a post clears the overdue: {page}"
    );

    // A post without a time promises the default, from the post.
    let body = json!({"status": "monitoring", "body": "Rolled back."});
    let (status, answer) = admin_request(&app.base, "POST", &path, body).await;
    assert_eq!(status, 201, "{answer}");
    let default = time(&answer["next_update_by"]) - time(&answer["updated_at"]);
    assert_eq!(default, chrono::Duration::minutes(30), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resolution_without_a_cause_is_not_yet_published_and_a_postmortem_is_then_linked() {
    let target = Target::start(Mode::Answer(503, "down")).await;
    let smtp = Smtp::start().await;
    let (app, clock) = spawn(&config(&target.url("/health"), &email(&smtp))).await;
    app.confirmed_subscriber("all@example.com", &[]).await;
    let id = opened(&app).await["id"].as_str().unwrap().to_owned();
    wait_for_notices(&smtp, "all@example.com", 1).await;

    target.set(Mode::Answer(200, "ok")).await;
    app.wait_for_page("the checks passing", |p| p.contains("Working again since"))
        .await;
    clock.advance(chrono::Duration::minutes(6));
    let list = wait_for_incidents(&app, "the resolution", |l| l[0]["status"] == "resolved").await;
    assert_eq!(
        list[0]["next_update_by"],
        Value::Null,
        "nothing more promised"
    );

    let resolved = wait_for_notices(&smtp, "all@example.com", 2)
        .await
        .remove(1);
    assert!(
        resolved.contains("This incident is resolved."),
        "{resolved}"
    );
    assert!(
        resolved.contains("Why: Cause not yet published"),
        "{resolved}"
    );
    assert!(!resolved.contains("still investigating"), "{resolved}");
    assert!(!resolved.contains("Next update"), "{resolved}");

    let permalink = format!("/incidents/{id}");
    let page = text(&app, &permalink).await;
    assert!(
        page.contains("<dt>Why:</dt><dd><p>Cause not yet published</p></dd>"),
        "{page}"
    );
    assert!(
        !page.contains("Next update by") && !page.contains("overdue"),
        "{page}"
    );

    let body = json!({"body": "A bad deploy of the API gateway; we now canary deploys."});
    let (status, answer) =
        admin_request(&app.base, "PUT", &format!("{permalink}/postmortem"), body).await;
    assert_eq!(status, 200, "{answer}");
    let page = text(&app, &permalink).await;
    assert!(
        page.contains(&format!(
            "<a href=\"/incidents/{id}#postmortem\">Read the postmortem</a>"
        )),
        "{page}"
    );
    assert!(
        page.contains("id=\"postmortem\""),
        "the link's target: {page}"
    );
    assert!(!page.contains("Cause not yet published"), "{page}");
    let api: Value = app
        .get("/api/v2/incidents.json")
        .await
        .json()
        .await
        .unwrap();
    let why = api["incidents"][0]["why"].as_str().unwrap_or_default();
    assert!(
        why.starts_with("Read the postmortem: http")
            && why.ends_with(&format!("/incidents/{id}#postmortem")),
        "{why}"
    );
}

/// Without checks nothing else renders the page for 30 s: only the promise
/// falling due can show the update overdue within the test's 15 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_says_an_update_is_overdue_the_moment_the_promise_passes() {
    let (app, clock) = spawn(API_AND_DB).await;
    let body = json!({"name": "Slow logins", "status": "investigating", "body": "Looking.",
                      "components": {"api": "degraded_performance"}});
    let (status, incident) = admin_request(&app.base, "POST", "/incidents", body).await;
    assert_eq!(status, 201, "{incident}");
    let by = time(&incident["next_update_by"]);
    assert_eq!(
        by - time(&incident["created_at"]),
        chrono::Duration::minutes(30)
    );
    app.wait_for_page("the promise", |p| p.contains("Next update by"))
        .await;
    clock.advance(chrono::Duration::minutes(30));
    let overdue = format!("Update overdue since <time datetime=\"{}\">", iso(by));
    app.wait_for_page("the overdue update", |p| p.contains(&overdue))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spanish_subscriber_reads_the_evidence_the_workaround_and_the_next_update_in_spanish() {
    use candor::pipeline::desk::{Command, SubscriptionCommand};
    let target = Target::start(Mode::Answer(503, "down")).await;
    let smtp = Smtp::start().await;
    let body = config(&target.url("/health"), &email(&smtp)).replacen(
        "name = \"Public API\"\n",
        "name = \"Public API\"\nworkaround = \"Use the web app at https://app.example.com\"\n",
        1,
    );
    let (app, _clock) = spawn(&body).await;
    let who = "ana@example.com";
    let subscribe = SubscriptionCommand::Subscribe {
        email: who.into(),
        components: Vec::new(),
        language: Some("es".into()),
    };
    app.desk
        .submit(Command::Subscription(subscribe))
        .await
        .unwrap();
    let token = app.subscriber(who).expect("stored").token;
    let confirm = SubscriptionCommand::Confirm { token };
    app.desk
        .submit(Command::Subscription(confirm))
        .await
        .unwrap();

    let incident = opened(&app).await;
    let by = time(&incident["next_update_by"]);
    let clock = by.format("%H:%M UTC").to_string();
    // The confirmation first, then the incident's opening.
    let opening = smtp.wait_for(who, 2).await[1].decoded();
    assert!(opening.contains("lang=\"es\""), "{opening}");
    assert!(
        opening.contains(
            "Por qué: La comprobación «API health» de Public API indica HTTP 503 Service Unavailable desde las "
        ),
        "the checks' evidence, in Spanish: {opening}"
    );
    assert!(
        opening.contains("Mientras tanto")
            && opening.contains("Use the web app at https://app.example.com"),
        "the component's workaround: {opening}"
    );
    assert!(
        opening.contains(&format!("Próxima actualización: hacia las {clock} (")),
        "the promised next update ({clock}): {opening}"
    );
    assert!(
        !opening.contains("Next update") && !opening.contains("Why:"),
        "{opening}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engineers_incident_without_a_cause_gives_the_failing_checks_as_the_why() {
    let target = Target::start(Mode::Answer(503, "down")).await;
    let (app, _clock) = spawn(&config(&target.url("/health"), "")).await;
    opened(&app).await;
    let incident = json!({"name": "Login trouble", "status": "investigating", "impact": "major",
        "body": "Looking into it.", "components": {"api": "major_outage"}});
    let (status, posted) = admin_request(&app.base, "POST", "/incidents", incident).await;
    assert_eq!(status, 201, "{posted}");
    let id = posted["id"].as_str().unwrap();
    let page = text(&app, &format!("/incidents/{id}")).await;
    assert!(page.contains(WHY), "{page}");
    assert!(!page.contains("Under investigation"), "{page}");
    let api: Value = app
        .get("/api/v2/incidents/unresolved.json")
        .await
        .json()
        .await
        .unwrap();
    let listed = (api["incidents"].as_array().unwrap().iter())
        .find(|i| i["id"] == id)
        .unwrap()
        .clone();
    assert!(
        (listed["why"].as_str().unwrap_or_default()).starts_with("The check “API health”"),
        "{listed}"
    );
    // Once the engineer writes a cause, it is the why.
    let update =
        json!({"status": "identified", "body": "Found it.", "cause": "An expired certificate"});
    let (status, _) = admin_request(
        &app.base,
        "POST",
        &format!("/incidents/{id}/updates"),
        update,
    )
    .await;
    assert!((200..300).contains(&status));
    let page = text(&app, &format!("/incidents/{id}")).await;
    assert!(
        page.contains("An expired certificate") && !page.contains(WHY),
        "{page}"
    );
}
