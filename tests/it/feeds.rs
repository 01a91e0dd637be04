//! Feeds and badges from the running app: served from the snapshot, following
//! what engineers post through the admin API.

use std::sync::Arc;
use std::time::{Duration, Instant};

use candor::clock::SystemClock;
use serde_json::{Value, json};

use crate::helpers::{TOKEN, TestApp, admin_request, spawn_app_full};

use crate::helpers::API_AND_DB as COMPONENTS;

async fn spawn() -> TestApp {
    spawn_app_full(COMPONENTS, Some(TOKEN), Arc::new(SystemClock)).await
}

/// An admin API call; the answer's status and JSON body.
async fn admin(app: &TestApp, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
    admin_request(&app.base, method.as_str(), path, body).await
}

/// Polls `path` until its body satisfies `pred`; the last response's headers and body.
async fn wait_for(
    app: &TestApp,
    path: &str,
    pred: impl Fn(&str) -> bool,
) -> (reqwest::header::HeaderMap, String) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "GET {path}");
        let headers = res.headers().clone();
        let body = res.text().await.unwrap();
        if pred(&body) {
            return (headers, body);
        }
        assert!(Instant::now() < deadline, "timed out on {path}: {body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A GET with `If-None-Match: etag` gets a 304 without a body.
async fn assert_not_modified(app: &TestApp, path: &str, etag: &str) {
    let res = app
        .client
        .get(format!("{}{path}", app.base))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304, "{path}");
    assert!(res.bytes().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_feeds_carry_an_incident_posted_through_the_admin_api() {
    let app = spawn().await;
    let (status, incident) = admin(&app, reqwest::Method::POST, "/incidents", json!({
        "name": "Elevated API errors", "status": "investigating", "impact": "major",
        "body": "We are looking into <errors> on the API.", "components": {"api": "partial_outage"}
    }))
    .await;
    assert_eq!(status, 201, "{incident}");
    let id = incident["id"].as_str().unwrap();
    let link = format!("{}/incidents/{id}", app.base);

    for (path, content_type) in [
        ("/feed.atom", "application/atom+xml; charset=utf-8"),
        ("/feed.rss", "application/rss+xml; charset=utf-8"),
    ] {
        let (headers, body) = wait_for(&app, path, |b| b.contains("Elevated API errors")).await;
        assert_eq!(headers["content-type"], content_type);
        let feed = feed_rs::parser::parse(body.as_bytes()).expect("the feed parses");
        assert_eq!(feed.title.unwrap().content, "Test Status");
        assert_eq!(feed.entries.len(), 1, "{body}");
        let entry = &feed.entries[0];
        assert_eq!(
            entry.title.as_ref().unwrap().content,
            "Elevated API errors — Investigating"
        );
        assert_eq!(entry.links[0].href, link);
        assert_eq!(entry.id, link);
        let etag = headers["etag"].to_str().unwrap();
        assert_not_modified(&app, path, etag).await;
    }
    let page = app.page().await;
    assert!(
        page.contains(r#"href="/feed.atom""#),
        "the head links the feed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn badges_say_what_a_component_patched_to_major_outage_says() {
    let app = spawn().await;
    let (_, body) = wait_for(&app, "/badge.svg", |_| true).await;
    assert!(
        body.contains(r#"aria-label="status: operational""#),
        "{body}"
    );

    let (status, _) = admin(
        &app,
        reqwest::Method::PATCH,
        "/components/api",
        json!({"status": "major_outage"}),
    )
    .await;
    assert_eq!(status, 200);
    let (headers, body) = wait_for(&app, "/badge.svg", |b| b.contains("major outage")).await;
    assert_eq!(headers["content-type"], "image/svg+xml");
    assert_eq!(
        headers["cache-control"],
        "public, max-age=10, stale-while-revalidate=30, stale-if-error=86400"
    );
    assert!(body.starts_with("<svg"), "{body}");
    assert!(body.contains(r#"aria-label="status: major outage""#));
    assert_not_modified(&app, "/badge.svg", headers["etag"].to_str().unwrap()).await;

    let (headers, api) = wait_for(&app, "/badge/api.svg", |_| true).await;
    assert_eq!(headers["content-type"], "image/svg+xml");
    assert!(
        api.contains(r#"aria-label="Public API: major outage""#),
        "{api}"
    );
    let (_, db) = wait_for(&app, "/badge/db.svg", |_| true).await;
    assert!(db.contains(r#"aria-label="Database: operational""#), "{db}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_component_badge_is_a_plain_text_404() {
    let app = spawn().await;
    for path in ["/badge/nope.svg", "/badge/api", "/badge/.svg"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(
            content_type.starts_with("text/plain"),
            "{path}: {content_type}"
        );
        let body = res.text().await.unwrap();
        assert!(!body.starts_with("<svg"), "{path}: {body}");
    }
}
