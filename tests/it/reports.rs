//! "I'm affected" reports through the real routes: the forms on `/` and a
//! component's page, what engineers see (`/admin`, the admin API,
//! `/metrics`), the per-network allowance, refusals, the threshold's webhook
//! to a real receiver on loopback, and a restart. Visitors' networks are
//! told apart by `X-Forwarded-For` from a trusted proxy (loopback).

use std::sync::Arc;
use std::time::{Duration, Instant};

use candor::clock::{ManualClock, SystemClock};
use reqwest::StatusCode;
use serde_json::Value;

use crate::admin_ui::browser::{self, Browser, Fields};
use crate::helpers::{TOKEN, TestApp, admin_request, spawn_app_full, spawn_app_in};
use crate::receiver::{Receiver, Reply, Request};
use crate::target::{Mode, Target};

/// `[server]` keys first (the helper's config ends inside `[server]`).
const PROXY: &str = "trusted_proxies = [\"127.0.0.1/32\"]\n";

const COMPONENTS: &str = r#"
[[components]]
id = "api"
name = "Public API"
report_threshold = 3

[[components]]
id = "db"
name = "Database"
"#;

fn config(extra: &str) -> String {
    format!("{PROXY}{COMPONENTS}{extra}")
}

async fn spawn(extra: &str) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::default());
    let app = spawn_app_full(&config(extra), Some(TOKEN), clock.clone()).await;
    (app, clock)
}

/// What came back, read in full.
struct Answer {
    status: StatusCode,
    retry_after: Option<u64>,
    body: String,
}

/// Posts a report form as a browser behind our proxy at `from` does.
async fn post(app: &TestApp, fields: &[(&str, &str)], from: &str) -> Answer {
    let res = app
        .client
        .post(format!("{}/report", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", from)
        .body(serde_urlencoded::to_string(fields).unwrap())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let retry_after = (res.headers().get("retry-after"))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = res.text().await.unwrap();
    Answer {
        status,
        retry_after,
        body,
    }
}

/// A report about `component` from the network of `from` that must be thanked for.
async fn report(app: &TestApp, component: &str, text: &str, from: &str) {
    let got = post(app, &[("component", component), ("text", text)], from).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert!(
        got.body.contains("Thanks — the team sees your report"),
        "{}",
        got.body
    );
}

async fn api_reports(app: &TestApp) -> Value {
    let (status, body) = admin_request(&app.base, "GET", "/reports", Value::Null).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The admin API's entry for `id`, if it lists it.
fn listed<'a>(all: &'a Value, id: &str) -> Option<&'a Value> {
    all["components"].as_array()?.iter().find(|c| c["id"] == id)
}

async fn signed_in(app: &TestApp) -> Browser {
    let mut b = Browser::new(&app.base);
    let page = b
        .post("/admin/login", &Fields::default().set("token", TOKEN))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    b
}

/// The `component.reports_threshold` payloads among `requests`.
fn threshold_events(requests: &[Request]) -> Vec<Value> {
    (requests.iter().map(Request::json))
        .filter(|b| b["event"] == "component.reports_threshold")
        .collect()
}

/// Waits for the app's tick (every second) to have run at least twice.
async fn ticks() {
    tokio::time::sleep(Duration::from_millis(2_200)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_from_a_components_page_is_stored_counted_and_shown_to_engineers_escaped() {
    let (app, _) = spawn("").await;
    let page = app.get("/components/api").await.text().await.unwrap();
    assert!(page.contains(">I'm affected</button>"), "{page}");
    let fields = browser::form(&page, "/report");
    assert_eq!(
        fields.get("component"),
        Some("api"),
        "the page's own component"
    );
    let fields = fields.set("text", "<script>alert(1)</script>\nThe\u{1b}[31m app hangs");
    let res = app
        .client
        .post(format!("{}/report", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&fields.0).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let thanks = res.text().await.unwrap();
    assert!(
        thanks.contains("Thanks — the team sees your report about Public API."),
        "{thanks}"
    );
    assert!(
        thanks.contains("We don't reply to reports"),
        "no promise of an answer"
    );

    let all = api_reports(&app).await;
    let api = listed(&all, "api").expect("api is listed");
    assert_eq!(
        (api["last_15m"].as_u64(), api["last_1h"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (api["threshold"].as_u64(), &api["over_threshold"]),
        (Some(3), &Value::Bool(false))
    );
    assert_eq!(api["checks_status"], "operational");
    assert!(
        listed(&all, "db").is_none(),
        "no reports, not listed: {all}"
    );
    let cleaned = "<script>alert(1)</script> The[31m app hangs";
    assert_eq!(
        all["reports"][0]["text"], cleaned,
        "control characters go: {all}"
    );
    assert_eq!(all["reports"][0]["component"], "api");

    let admin = signed_in(&app).await.get("/admin").await.body;
    assert!(admin.contains("Customer reports"), "{admin}");
    assert!(
        admin.contains("&lt;script&gt;alert(1)&lt;/script&gt; The[31m app hangs"),
        "{admin}"
    );
    assert!(!admin.contains("<script>alert"), "escaped on /admin");
    assert!(
        !admin.contains("do not see"),
        "one report is under the threshold"
    );

    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l == "candor_reports_total{component=\"api\"} 1"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_on_the_status_page_reports_the_chosen_component() {
    let (app, _) = spawn("").await;
    let page = app.page().await;
    let form = &page[page.find("action=\"/report\"").expect("a report form on /")..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(
        form.contains("<option value=\"\" selected>"),
        "nothing chosen yet: {form}"
    );
    assert!(
        form.contains("<option value=\"db\">Database</option>"),
        "{form}"
    );
    assert!(
        !form.contains("<script") && !form.contains("onclick"),
        "no script: {form}"
    );
    let fields = browser::form(&page, "/report").set("component", "db");
    let pairs: Vec<(&str, &str)> = fields
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let got = post(&app, &pairs, "203.0.113.5").await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert!(
        got.body.contains("your report about Database"),
        "{}",
        got.body
    );
    let all = api_reports(&app).await;
    assert_eq!(
        listed(&all, "db").map(|c| c["last_15m"].clone()),
        Some(1.into()),
        "{all}"
    );
    assert_eq!(
        all["reports"][0]["text"],
        Value::Null,
        "nothing typed, nothing kept"
    );
    let own = app.get("/report?component=db").await.text().await.unwrap();
    assert!(
        own.contains("<option value=\"db\" selected>Database</option>"),
        "{own}"
    );
    let junk = app.get("/report?component=%ff%00&x").await;
    assert_eq!(junk.status(), 200, "a query it cannot use is ignored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_visitor_types_never_appears_on_a_public_page() {
    let (app, _) = spawn("").await;
    let marker = "zebra-marker-7431";
    report(&app, "api", &format!("{marker} <i>x</i>"), "203.0.113.5").await;
    report(&app, "db", marker, "198.51.100.5").await;
    assert_eq!(
        api_reports(&app).await["reports"].as_array().map(Vec::len),
        Some(2)
    );
    for path in [
        "/",
        "/components/api",
        "/components/db",
        "/history",
        "/report",
        "/feed.atom",
        "/feed.rss",
        "/badge.svg",
        "/badge/api.svg",
        "/api/v2/summary.json",
        "/api/v2/components.json",
        "/api/v2/status.json",
        "/api/v2/incidents.json",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        let body = res.text().await.unwrap();
        assert!(!body.contains(marker), "{path} shows what a visitor typed");
    }
    let summary: Value = app.get("/api/v2/summary.json").await.json().await.unwrap();
    assert_eq!(
        summary["status"]["indicator"], "none",
        "reports change no status"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_past_its_allowance_gets_429_saying_when_to_try_again() {
    let (app, _) = spawn("").await;
    for _ in 0..3 {
        report(&app, "db", "", "198.51.100.7").await;
    }
    let refused = post(&app, &[("component", "db")], "198.51.100.7").await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    let wait = refused.retry_after.expect("Retry-After");
    assert!((1..=900).contains(&wait), "{wait}");
    assert!(
        refused.body.contains("Try again in 15 minutes"),
        "{}",
        refused.body
    );
    let neighbour = post(&app, &[("component", "db")], "198.51.100.200").await;
    assert_eq!(neighbour.status, 429, "the same /24 shares the allowance");
    report(&app, "db", "", "203.0.113.9").await;
    let all = api_reports(&app).await;
    assert_eq!(
        listed(&all, "db").map(|c| c["last_15m"].clone()),
        Some(4.into()),
        "{all}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_naming_the_field_and_stores_nothing() {
    let (app, _) = spawn("").await;
    let none = post(&app, &[("text", "it is broken")], "203.0.113.1").await;
    assert_eq!(none.status, 400);
    assert!(
        none.body.contains("id=\"report-component-error\""),
        "{}",
        none.body
    );
    assert!(none.body.contains("Choose which part isn"), "{}", none.body);
    assert!(
        none.body.contains("value=\"it is broken\""),
        "what was typed is kept"
    );

    let unknown = post(&app, &[("component", "<b>nope</b>")], "203.0.113.1").await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown
            .body
            .contains("There is no component &quot;&lt;b&gt;nope&lt;/b&gt;&quot;"),
        "{}",
        unknown.body
    );

    let long = "é".repeat(501);
    let too_long = post(
        &app,
        &[("component", "api"), ("text", &long)],
        "203.0.113.1",
    )
    .await;
    assert_eq!(too_long.status, 400);
    assert!(
        too_long.body.contains("id=\"report-text-error\""),
        "{}",
        too_long.body
    );
    assert!(
        too_long.body.contains("501 characters long"),
        "{}",
        too_long.body
    );
    assert!(
        too_long.body.contains("<option value=\"api\" selected>"),
        "still chosen"
    );

    // Not UTF-8, and no component: still a named 400, never a 500.
    let not_a_form = app
        .client
        .post(format!("{}/report", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a', b'=', 0xff, 0xfe])
        .send()
        .await
        .unwrap();
    let status = not_a_form.status().as_u16();
    assert!(
        status == 400,
        "{status}: {}",
        not_a_form.text().await.unwrap()
    );

    let all = api_reports(&app).await;
    assert_eq!(all["components"], Value::Array(Vec::new()), "{all}");
    assert_eq!(all["reports"], Value::Array(Vec::new()));
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(!metrics.contains("candor_reports_total{"), "{metrics}");
    // Refusals cost no allowance: three reports still go through.
    for _ in 0..3 {
        report(&app, "db", "", "203.0.113.1").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crossing_the_threshold_while_the_checks_are_green_sends_one_webhook_until_it_falls_back() {
    let rx = Receiver::start(Reply::Status(200)).await;
    let (app, clock) = spawn(&format!("\n[[webhooks]]\nurl = \"{}\"\n", rx.url("/hook"))).await;
    report(&app, "api", "blank page", "203.0.1.1").await;
    report(&app, "api", "", "203.0.2.1").await;
    ticks().await;
    assert!(
        threshold_events(&rx.requests()).is_empty(),
        "two is under three"
    );
    report(&app, "api", "", "203.0.3.1").await;
    let got = rx.wait_for(1).await;
    let events = threshold_events(&got);
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(e["component"]["id"], "api");
    assert_eq!(e["reports"]["component_id"], "api");
    assert_eq!(e["reports"]["last_15m"], 3);
    assert_eq!(e["reports"]["threshold"], 3);
    assert_eq!(e["reports"]["checks_status"], "operational");
    assert_eq!(e["page"]["id"], "candor");
    assert!(
        !e.to_string().contains("blank page"),
        "no visitor text: {e}"
    );

    report(&app, "api", "", "203.0.4.1").await;
    report(&app, "api", "", "203.0.5.1").await;
    ticks().await;
    assert_eq!(
        threshold_events(&rx.requests()).len(),
        1,
        "told once while over"
    );
    let admin = signed_in(&app).await.get("/admin").await.body;
    let warning = admin
        .split("Customers report problems the checks do not see")
        .nth(1)
        .expect("the warning on /admin");
    assert!(
        warning[..warning.find("</div>").unwrap()].contains("Public API"),
        "{admin}"
    );
    let all = api_reports(&app).await;
    let api = listed(&all, "api").unwrap();
    assert_eq!(
        (&api["over_threshold"], &api["unseen_by_checks"]),
        (&Value::Bool(true), &Value::Bool(true))
    );
    assert!(api["alarm_since"].is_string(), "{api}");

    // Fifteen minutes on, every report has left the window: the alarm
    // clears, and crossing again tells again.
    clock.advance(chrono::Duration::minutes(16));
    ticks().await;
    let api = listed(&api_reports(&app).await, "api").cloned().unwrap();
    assert_eq!(
        (&api["over_threshold"], &api["alarm_since"]),
        (&Value::Bool(false), &Value::Null)
    );
    assert_eq!(api["last_1h"], 5);
    let admin = signed_in(&app).await.get("/admin").await.body;
    assert!(!admin.contains("do not see"), "{admin}");
    for n in 6..9 {
        report(&app, "api", "", &format!("203.0.{n}.1")).await;
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while threshold_events(&rx.requests()).len() < 2 {
        assert!(Instant::now() < deadline, "no second webhook");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_about_a_component_whose_checks_fail_raise_no_alarm() {
    let target = Target::start(Mode::Answer(503, "down")).await;
    let rx = Receiver::start(Reply::Status(200)).await;
    let extra = format!(
        "\n[[checks]]\ncomponent = \"api\"\nname = \"health\"\nurl = \"{}\"\n\
         every = \"200ms\"\nfailure_threshold = 1\n\n[[webhooks]]\nurl = \"{}\"\n",
        target.url("/"),
        rx.url("/hook")
    );
    let app = spawn_app_full(&config(&extra), Some(TOKEN), Arc::new(SystemClock)).await;
    app.wait_for_page("the outage", |p| p.contains("HTTP 503"))
        .await;
    for n in 1..=4 {
        report(&app, "api", "", &format!("203.0.{n}.1")).await;
    }
    ticks().await;
    let all = api_reports(&app).await;
    let api = listed(&all, "api").unwrap();
    assert_eq!(api["over_threshold"], true, "{api}");
    assert_eq!(api["unseen_by_checks"], false, "the checks see it");
    assert_eq!(api["checks_status"], "major_outage");
    assert_eq!(api["alarm_since"], Value::Null);
    let admin = signed_in(&app).await.get("/admin").await.body;
    assert!(admin.contains("Customer reports"));
    assert!(
        !admin.contains("Customers report problems the checks do not see"),
        "{admin}"
    );
    let requests = rx.requests();
    assert!(!requests.is_empty(), "the outage itself was sent");
    assert!(
        threshold_events(&requests).is_empty(),
        "{:?}",
        threshold_events(&requests)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_and_their_count_survive_a_restart() {
    let rx = Receiver::start(Reply::Status(200)).await;
    let extra = format!("\n[[webhooks]]\nurl = \"{}\"\n", rx.url("/hook"));
    let clock = Arc::new(ManualClock::default());
    let app = spawn_app_full(&config(&extra), Some(TOKEN), clock.clone()).await;
    report(&app, "api", "first", "203.0.1.1").await;
    report(&app, "api", "second", "203.0.2.1").await;
    app.stop.cancel();
    let _ = (&mut { app.task }).await;
    let dir = tempfile::tempdir().unwrap();
    let copied = std::process::Command::new("cp")
        .arg("-a")
        .arg(&app.data_dir)
        .arg(dir.path().join("data"))
        .status()
        .unwrap();
    assert!(copied.success());
    clock.advance(chrono::Duration::minutes(5));
    let again = spawn_app_in(dir, &config(&extra), Some(TOKEN), clock.clone()).await;
    let all = api_reports(&again).await;
    let api = listed(&all, "api").expect("still listed");
    assert_eq!(api["last_15m"], 2, "{all}");
    let texts: Vec<&Value> = all["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["text"])
        .collect();
    assert_eq!(texts, [&Value::from("second"), &Value::from("first")]);
    // The restored count goes on: the third report crosses the threshold.
    report(&again, "api", "", "203.0.3.1").await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while threshold_events(&rx.requests()).is_empty() {
        assert!(Instant::now() < deadline, "the third report raised nothing");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spanish_reader_reports_in_spanish_and_is_thanked_in_spanish() {
    let (app, _) = spawn("").await;
    let page = app
        .get("/components/api?lang=es")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(">Me afecta</button>"), "{page}");
    assert!(page.contains("¿No le funciona?"), "{page}");
    let fields = browser::form(&page, "/report");
    assert_eq!(
        fields.get("lang"),
        Some("es"),
        "the page's language goes along"
    );
    let pairs: Vec<(&str, &str)> = (fields.0.iter())
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let got = post(&app, &pairs, "203.0.113.5").await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert!(
        got.body
            .contains("Gracias: el equipo ve su informe sobre Public API."),
        "{}",
        got.body
    );
    let refused = post(&app, &[("lang", "es")], "203.0.113.5").await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("Elija qué parte no funciona."),
        "{}",
        refused.body
    );
    let english = post(&app, &[("lang", "xx")], "203.0.113.5").await;
    assert!(
        english.body.contains("Choose which part isn"),
        "unknown: the reader's own"
    );
}
