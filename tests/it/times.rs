//! Every time the public pages show is a `<time datetime="...Z">`: UTC for
//! machines (and for the page script, which shows it in the visitor's
//! zone), and as text the site's zone with the zone named, which reads
//! without script.

use std::sync::Arc;

use candor::clock::ManualClock;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{TOKEN, TestApp, admin_request, spawn_app_with};
use crate::target::{Mode, Target};

/// `api` fails its check (an automatic incident with the checks' evidence),
/// `db` passes its own (a response-time chart with its slowest ten minutes).
fn body(down: &str, up: &str) -> String {
    format!(
        "[[components]]\nid = \"api\"\nname = \"Public API\"\n\n\
         [[components]]\nid = \"db\"\nname = \"Database\"\n\n\
         [[checks]]\ncomponent = \"api\"\nname = \"API health\"\nurl = \"{down}\"\n\
         every = \"200ms\"\ntimeout = \"1s\"\nfailure_threshold = 1\n\n\
         [[checks]]\ncomponent = \"db\"\nname = \"DB health\"\nurl = \"{up}\"\n\
         every = \"200ms\"\ntimeout = \"1s\"\n"
    )
}

/// What is wrong with the times of a page: each time-like text (`14:02`)
/// outside a `<time>` element, each `<time>` whose `datetime` is not UTC,
/// and each whose text names no zone (a window's start aside: its end, after
/// the dash, names it). Also how many `<time>` elements it has.
fn loose_times(html: &str) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut text = String::new();
    let mut count = 0;
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        let tag_end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..tag_end];
        rest = &rest[tag_end..];
        if !tag.starts_with("<time") {
            continue;
        }
        count += 1;
        let close = rest.find("</time>").unwrap_or(rest.len());
        let shown = &rest[..close];
        rest = rest.get(close + "</time>".len()..).unwrap_or("");
        let datetime = tag
            .split("datetime=\"")
            .nth(1)
            .and_then(|v| v.split('"').next());
        if !datetime.is_some_and(|d| d.ends_with('Z') && d.contains('T')) {
            problems.push(format!("not UTC: {tag}{shown}</time>"));
        }
        let zoned = shown.ends_with(" CET") || shown.ends_with(" CEST");
        if !zoned && !rest.starts_with('–') && !rest.starts_with(" – ") {
            problems.push(format!("no zone named: {tag}{shown}</time>"));
        }
    }
    text.push_str(rest);
    let bytes = text.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    for (i, _) in text.match_indices(':') {
        if i >= 1 && digit(i - 1) && digit(i + 1) && digit(i + 2) {
            let mut from = i.saturating_sub(40);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let mut to = (i + 20).min(text.len());
            while !text.is_char_boundary(to) {
                to += 1;
            }
            problems.push(format!("a time outside <time>: …{}…", &text[from..to]));
        }
    }
    (problems, count)
}

/// When a live page was made: its "Updated" time.
fn updated_at(page: &str) -> Option<DateTime<Utc>> {
    let rest = page
        .split("<p class=\"updated\">Updated <time datetime=\"")
        .nth(1)?;
    rest.split('"').next()?.parse().ok()
}

async fn send(app: &TestApp, method: &str, path: &str, body: Value) -> Value {
    let (status, answer) = admin_request(&app.base, method, path, body).await;
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {answer}"
    );
    answer
}

async fn text(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_time_on_the_status_incident_and_component_pages_is_a_time_element() {
    let down = Target::start(Mode::Answer(503, "down")).await;
    let up = Target::start(Mode::Answer(200, "ok")).await;
    let body = body(&down.url("/health"), &up.url("/health"));
    let site = "timezone = \"Europe/Berlin\"\n";
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::default());
    let app = spawn_app_with(dir, site, &body, Some(TOKEN), clock.clone(), |_| ()).await;
    app.wait_for_page("the automatic incident", |p| {
        p.contains("Current incidents") && p.contains("HTTP 503")
    })
    .await;
    let list = send(&app, "GET", "/incidents", json!({})).await;
    let automatic = list["incidents"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let eta = (Utc::now() + Duration::hours(2)).to_rfc3339();
    let engineers = json!({
        "name": "Slow reports", "status": "identified", "body": "A slow query.",
        "components": {"db": "degraded_performance"}, "expected_resolution_at": eta,
    });
    let engineers = send(&app, "POST", "/incidents", engineers).await;
    let starts = Utc::now() + Duration::days(1);
    let window = json!({
        "name": "Database upgrade", "body": "A new version.", "components": ["db"],
        "scheduled_for": starts.to_rfc3339(),
        "scheduled_until": (starts + Duration::hours(2)).to_rfc3339(),
    });
    let maintenance = send(&app, "POST", "/maintenances", window).await;
    app.wait_for_page("the records, and a result of db's check", |p| {
        let db = p.split("id=\"component-db\"").nth(1).unwrap_or_default();
        let db = db.split("</li>").next().unwrap_or_default();
        p.contains("Slow reports") && p.contains("Database upgrade") && db.contains("Last checked")
    })
    .await;
    // The response times reach the pages with the uptime report, which is
    // kept for 5 s while no status changes, and a component page once made
    // is kept up to a minute: let the report's 5 s pass on the app's clock
    // and wait for a render after that before asking for a component page.
    let passed = Utc::now() + Duration::seconds(6);
    clock.advance(Duration::seconds(6));
    app.wait_for_page("a render with the response times", |p| {
        updated_at(p).is_some_and(|at| at >= passed)
    })
    .await;

    let record = |v: &Value| format!("/incidents/{}", v["id"].as_str().unwrap_or_default());
    let paths = [
        "/".to_owned(),
        format!("/incidents/{automatic}"),
        record(&engineers),
        record(&maintenance),
        "/components/api".to_owned(),
        "/components/db".to_owned(),
    ];
    for path in &paths {
        let page = text(&app, path).await;
        let (problems, count) = loose_times(&page);
        assert!(problems.is_empty(), "{path}: {problems:#?}");
        assert!(count >= 2, "{path}: {count} times: {page}");
    }
    // The times that used to be plain text: the checks' evidence in an
    // automatic note, and the chart's slowest ten minutes.
    let permalink = text(&app, &paths[1]).await;
    assert!(
        permalink.contains("HTTP 503 Service Unavailable on 1 check since <time datetime=\""),
        "{permalink}"
    );
    let db = text(&app, "/components/db").await;
    assert!(
        db.contains("(in the 10 minutes from <time datetime=\""),
        "{db}"
    );
    app.stop.cancel();
}

#[test]
fn the_scan_finds_a_time_outside_a_time_element_and_one_without_its_zone() {
    let (problems, count) = loose_times(
        "<p>since <time datetime=\"2026-11-22T13:02:00Z\">14:02 CET</time>, \
         <time datetime=\"2026-11-22T13:02:00Z\">Sun 22 Nov 14:02</time>–\
         <time datetime=\"2026-11-22T15:02:00Z\">16:02 CET</time></p>",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(count, 3);
    let (problems, _) = loose_times(
        "<p>at 14:02 CET</p><time datetime=\"2026-11-22\">22 Nov</time>\
         <time datetime=\"2026-11-22T13:02:00Z\">14:02</time>",
    );
    assert_eq!(problems.len(), 4, "{problems:#?}");
}
