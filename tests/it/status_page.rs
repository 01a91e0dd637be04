//! The status page follows real targets: up, failing, hanging, recovering.

use std::time::{Duration, Instant};

use chrono::Utc;

use crate::helpers::spawn_app;
use crate::target::{Mode, Target};

fn one_check(url: &str, extra: &str) -> String {
    format!(
        r#"
[[components]]
id = "api"
name = "Public API"
group = "Core services"

[[checks]]
component = "api"
name = "API health"
url = "{url}"
every = "200ms"
timeout = "1s"
failure_threshold = 2
success_threshold = 2
{extra}
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_target_shows_an_outage_with_its_reason_then_recovers() {
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let app = spawn_app(&one_check(&target.url("/health"), "")).await;

    let page = app
        .wait_for_page("a checked component", |p| p.contains("100% uptime since"))
        .await;
    assert!(page.contains("All systems operational"), "{page}");
    assert!(page.contains("Core services") && page.contains("Public API"));

    target.set(Mode::Answer(503, "down")).await;
    let page = app
        .wait_for_page("the outage", |p| p.contains("Major outage"))
        .await;
    assert!(
        page.contains("API health: HTTP 503 Service Unavailable"),
        "{page}"
    );
    assert!(page.contains("Major outage since"), "{page}");
    assert!(page.contains("Affected: Public API"), "{page}");

    target.set(Mode::Answer(200, "ok")).await;
    let page = app
        .wait_for_page("recovery", |p| p.contains("All systems operational"))
        .await;
    assert!(
        !page.contains("HTTP 503"),
        "the reason must go with the outage: {page}"
    );
    app.stop.cancel();
    app.task.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_target_reads_as_timed_out_and_other_checks_keep_their_schedule() {
    let hanging = Target::start(Mode::Hang).await;
    let healthy = Target::start(Mode::Answer(200, "ok")).await;
    let config = format!(
        r#"
[[components]]
id = "slow"
name = "Slow service"

[[components]]
id = "fast"
name = "Fast service"

[[checks]]
component = "slow"
name = "Hangs"
url = "{}"
every = "200ms"
timeout = "2s"
failure_threshold = 1

[[checks]]
component = "fast"
name = "Answers"
url = "{}"
every = "200ms"
timeout = "1s"
"#,
        hanging.url("/"),
        healthy.url("/")
    );
    let started = Utc::now();
    let app = spawn_app(&config).await;
    let page = app
        .wait_for_page("the timeout", |p| p.contains("timed out after 2 s"))
        .await;
    assert!(page.contains("Hangs: timed out after 2 s"), "{page}");

    // Over 3 s the fast check, due every 200 ms, runs about 15 times while the
    // hanging one holds its connection; at least 7 on a slow, busy machine.
    let fast = candor::model::CheckId::parse("fast-answers").unwrap();
    let from = Utc::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let runs = app.store.results(&fast, from, Utc::now()).unwrap().len();
    assert!(runs >= 7, "fast check ran {runs} times in 3 s");
    // Every hanging run ended at its timeout (plus a little), not later.
    let slow = candor::model::CheckId::parse("slow-hangs").unwrap();
    let slow_runs = app.store.results(&slow, started, Utc::now()).unwrap();
    assert!(!slow_runs.is_empty(), "the page showed a timeout");
    for run in &slow_runs {
        assert!(run.duration < Duration::from_secs(3), "{run:?}");
    }
    app.stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_served_with_an_etag_and_answers_304_when_unchanged() {
    // No checks: no result re-renders the page between the two requests.
    let app = spawn_app("[[components]]\nid = \"api\"\nname = \"Public API\"\n").await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(format!("{}/", app.base))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    let stale = app
        .client
        .get(format!("{}/", app.base))
        .header("If-None-Match", "\"nope\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_storage_and_scheduler() {
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let app = spawn_app(&one_check(&target.url("/"), "")).await;
    // Once a run is counted, the scheduler has turned.
    let deadline = Instant::now() + Duration::from_secs(10);
    let metrics = loop {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        if metrics.contains("candor_check_runs_total") {
            break metrics;
        }
        assert!(
            Instant::now() < deadline,
            "no check run counted:\n{metrics}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(metrics.contains("candor_checks_configured 1"), "{metrics}");
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = serde_json::from_slice(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["scheduler"], "ok");
    let css = app.get("/static/style.css").await;
    assert_eq!(css.status(), 200);
    assert_eq!(app.get("/static/nope.js").await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_from_the_config_is_escaped_on_the_page() {
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let config = one_check(&target.url("/"), "").replace(
        "name = \"Public API\"",
        "name = \"<script>alert(1)</script>\"",
    );
    let app = spawn_app(&config).await;
    let page = app.page().await;
    assert!(!page.contains("<script>alert(1)"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_gzipped_for_clients_that_accept_it_with_its_own_etag() {
    use std::io::Read;
    // No checks: no result re-renders the page between the requests.
    let app = spawn_app("[[components]]\nid = \"api\"\nname = \"Public API\"\n").await;
    let get = |headers: &[(&str, &str)]| {
        let mut req = app.client.get(format!("{}/", app.base));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send()
    };

    let plain = get(&[]).await.unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_etag = plain.headers()["etag"].to_str().unwrap().to_owned();
    let page = plain.bytes().await.unwrap();
    assert!(String::from_utf8_lossy(&page).contains("Public API"));

    let gzipped = get(&[("Accept-Encoding", "gzip, deflate")]).await.unwrap();
    assert_eq!(gzipped.status(), 200);
    let headers = gzipped.headers().clone();
    assert_eq!(headers["content-encoding"], "gzip");
    let vary = headers["vary"].to_str().unwrap().to_ascii_lowercase();
    assert!(vary.contains("accept-encoding"), "{vary}");
    let cache_control = headers["cache-control"].to_str().unwrap();
    assert!(
        cache_control.contains("stale-if-error=86400"),
        "{cache_control}"
    );
    let gz_etag = headers["etag"].to_str().unwrap().to_owned();
    assert_ne!(gz_etag, plain_etag, "one strong ETag per representation");
    let bytes = gzipped.bytes().await.unwrap();
    assert!(bytes.len() < page.len());
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_end(&mut unzipped)
        .expect("a gzip body");
    assert_eq!(unzipped, page);

    let revalidated = get(&[("Accept-Encoding", "gzip"), ("If-None-Match", &gz_etag)])
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
    assert_eq!(revalidated.headers()["etag"].to_str().unwrap(), gz_etag);
    let vary = revalidated.headers()["vary"].to_str().unwrap();
    assert!(
        vary.to_ascii_lowercase().contains("accept-encoding"),
        "{vary}"
    );
    // The gzip validator does not match the identity representation.
    let identity = get(&[("If-None-Match", &gz_etag)]).await.unwrap();
    assert_eq!(identity.status(), 200);
    app.stop.cancel();
}

#[tokio::test]
async fn a_head_request_gets_what_a_get_would_without_the_body() {
    let app = spawn_app("[[components]]\nid = \"api\"\nname = \"Public API\"\n").await;
    let client = reqwest::Client::new();
    for path in [
        "/",
        "/components/api",
        "/history",
        "/feed.atom",
        "/badge.svg",
        "/api/v2/summary.json",
        "/healthz",
    ] {
        let url = format!("{}{path}", app.base);
        let get = client.get(&url).send().await.unwrap();
        let head = client.head(&url).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "{path}");
        assert_eq!(
            head.headers().get("etag"),
            get.headers().get("etag"),
            "{path}"
        );
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "{path}"
        );
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
    }
}
