//! Every public response carries the security headers, and the pages use
//! nothing their Content-Security-Policy refuses: one script, from
//! `/static`, and no inline script or style element.

use std::sync::Arc;

use candor::clock::SystemClock;
use serde_json::json;

use crate::helpers::{API_AND_DB, TOKEN, TestApp, admin_request, spawn_app_full};

const PUBLIC_CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; \
     style-src 'self' 'unsafe-inline'; style-src-elem 'self'; style-src-attr 'unsafe-inline'; \
     img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// An app with an incident, so its page and the feeds have an entry.
async fn app_with_incident() -> (TestApp, String) {
    let app = spawn_app_full(API_AND_DB, Some(TOKEN), Arc::new(SystemClock)).await;
    let incident = json!({
        "name": "Checkout down", "status": "investigating", "body": "Looking.",
        "components": {"api": "major_outage"},
    });
    let (status, opened) = admin_request(&app.base, "POST", "/incidents", incident).await;
    assert_eq!(status, 201, "{opened}");
    let id = opened["id"].as_str().unwrap_or_default().to_owned();
    (app, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_response_sends_csp_nosniff_frame_and_referrer_headers() {
    let (app, id) = app_with_incident().await;
    let incident = format!("/incidents/{id}");
    let paths = [
        "/",
        incident.as_str(),
        "/components/api",
        "/history",
        "/feed.atom",
        "/feed.rss",
        "/badge.svg",
        "/badge/api.svg",
        "/api/v2/summary.json",
        "/api/v2/components.json",
        "/static/style.css",
        "/static/page.js",
        "/subscribe",
        "/report",
        "/no-such-page",
        "/incidents/nonexistent1",
    ];
    for path in paths {
        let res = app.get(path).await;
        let header = |name: &str| {
            (res.headers().get(name))
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            header("content-security-policy").as_deref(),
            Some(PUBLIC_CSP),
            "{path}"
        );
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{path}");
        assert!(header("referrer-policy").is_some(), "{path}");
    }
    // Served as script (with nosniff, a browser runs nothing else).
    let script = app.get("/static/page.js").await;
    let ct = script.headers().get("content-type");
    assert_eq!(
        ct.and_then(|v| v.to_str().ok()),
        Some("text/javascript; charset=utf-8")
    );
    // The admin pages keep their own, stricter policy (no inline styles).
    let login = app.get("/admin/login").await;
    let csp = login.headers().get("content-security-policy");
    let csp = csp.and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(
        csp.starts_with("default-src 'none'; style-src 'self';"),
        "{csp}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_pages_load_one_script_from_static_no_inline_script_or_style_element_and_inline_style_only_on_bars()
 {
    let (app, id) = app_with_incident().await;
    // A bar with more than one colour is the one inline style the policy allows.
    app.wait_for_page("the outage", |p| p.contains("Major outage"))
        .await;
    for path in [
        "/",
        &format!("/incidents/{id}"),
        "/components/api",
        "/history",
        "/subscribe",
        "/report",
    ] {
        let page = app.get(path).await.text().await.unwrap_or_default();
        let scripts: Vec<&str> = page
            .match_indices("<script")
            .map(|(at, _)| &page[at..])
            .collect();
        assert_eq!(scripts.len(), 1, "{path}: {page}");
        let tag = &scripts[0][..scripts[0].find("</script>").map_or(0, |end| end + 9)];
        assert!(
            tag.starts_with("<script src=\"/static/page.js?v=")
                && tag.ends_with("\" defer></script>"),
            "{path}: the script is a file, nothing inline: {tag}"
        );
        assert!(
            !page.contains("http-equiv"),
            "{path}: no meta refresh: {page}"
        );
        assert!(!page.contains("<style"), "{path}: {page}");
        for (at, _) in page.match_indices(" style=") {
            let tag_start = page[..at].rfind('<').unwrap_or(0);
            let tag = &page[tag_start..at];
            // The bars, and the words their captions show, as CSS custom
            // properties in the page's language, on the section around them.
            assert!(
                tag.starts_with("<a class=\"strip")
                    || tag == "<section aria-labelledby=\"components-title\"",
                "{path}: inline style on {tag}"
            );
        }
    }
}
