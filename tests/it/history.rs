//! Uptime history as customers see it: the 90-day bar on `/`, each
//! component's page with its figures and response-time chart, and rollups
//! that survive a restart.

use std::time::Duration;

use candor::uptime::calendar;
use candor::{Application, Config};
use chrono::Utc;

use crate::helpers::{client, config_with, spawn_app, wait_for_page};
use crate::target::{Mode, Target};

fn body(url: &str) -> String {
    format!(
        r#"[[components]]
id = "api"
name = "Public API"

[[checks]]
component = "api"
name = "health"
url = "{url}"
every = "200ms"
timeout = "1s"
failure_threshold = 1
success_threshold = 1
"#
    )
}

/// Today's cell of the bar on a component's page, as `(class, text)`.
fn today_cell(page: &str) -> (String, String) {
    let from = page
        .find("<ol class=\"bar\"")
        .expect("the bar is on the page");
    let bar = &page[from..];
    let end = bar.find("</ol>").expect("its end");
    let last = bar[..end].rfind("<li class=\"").expect("a cell");
    let cell = &bar[last + 11..end];
    let (class, rest) = cell.split_once("\"><span>").expect("class and text");
    let text = rest.trim_end_matches("</span></li>");
    (class.to_owned(), text.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_90_days_per_component_with_today_measured_and_older_days_without_data() {
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let app = spawn_app(&body(&target.url("/health"))).await;
    let page = app
        .wait_for_page("today's uptime", |p| p.contains("100% uptime over 90 days"))
        .await;
    // On `/`, one link: 89 grey days, then today green, and the words.
    assert!(
        page.contains(
            "<a class=\"strip\" style=\"--b:linear-gradient(90deg,var(--d-none) 98.89%,\
             var(--d-ok) 0)\" href=\"/components/api\" aria-label=\"Public API: 100% uptime \
             over 90 days, no downtime, 89 without data\">100% uptime over 90 days</a>"
        ),
        "{page}"
    );
    assert!(!page.contains("<ol class=\"bar\""), "{page}");

    let res = app.get("/components/api").await;
    assert_eq!(res.status(), 200);
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/html"), "{ct}");
    let detail = res.text().await.unwrap();
    // Every day a cell with its words (the page was rendered at start and is
    // kept for up to a minute while the status holds: no result yet).
    let bar = &detail[detail.find("<ol class=\"bar\"").expect("a bar")..];
    let bar = &bar[..bar.find("</ol>").expect("its end")];
    assert_eq!(bar.matches("<li class=\"").count(), 90, "{detail}");
    assert!(detail.contains("Every day, in words"), "{detail}");
    for text in [
        "<h1>Public API</h1>",
        "Last 24 hours",
        "90 days",
        "<svg",
        "Response time of health",
    ] {
        assert!(detail.contains(text), "missing {text:?}: {detail}");
    }
    assert_eq!(app.get("/components/nope").await.status(), 404);
    app.stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_lowers_todays_uptime_and_names_its_incident() {
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let app = spawn_app(&body(&target.url("/health"))).await;
    app.wait_for_page("a first result", |p| p.contains("100% uptime over 90 days"))
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    target.set(Mode::Answer(503, "down")).await;
    app.wait_for_page("the outage", |p| p.contains("Major outage since"))
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    target.set(Mode::Answer(200, "ok")).await;
    let page = app
        .wait_for_page("the recovery", |p| !p.contains("Major outage since"))
        .await;
    assert!(page.contains("1 day with downtime"), "{page}");
    // The component's page was rendered again when its status changed.
    let detail = app.get("/components/api").await.text().await.unwrap();
    let (class, text) = today_cell(&detail);
    assert_ne!(class, "ok", "{text}");
    assert!(!text.contains("100% uptime"), "{text}");
    assert!(text.contains("; incident: Public API"), "{text}");
    app.stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollups_are_stored_at_shutdown_and_a_restart_adds_to_them() {
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let dir = tempfile::tempdir().unwrap();
    let config = config_with(dir.path(), &body(&target.url("/health")));
    let api = candor::model::ComponentId::parse("api").unwrap();
    let observed = || {
        let store = candor::store::open(&dir.path().join("data")).unwrap();
        let today = calendar::day_no(calendar::local_date(Utc::now(), chrono_tz::UTC));
        let days = store.load_days(today, today).unwrap();
        let day = days.iter().find(|(d, c, _)| *d == today && *c == api);
        day.map_or(0, |(_, _, day)| candor::uptime::observed(&day.totals))
    };
    let (mut seen, mut ran) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        let started = std::time::Instant::now();
        let app = Application::build(Config::parse(&config).unwrap())
            .await
            .unwrap();
        let (base, stop) = (app.url(), app.stopper());
        let task = tokio::spawn(app.run_until_stopped());
        wait_for_page(&client(), &base, "a result", |p| {
            p.contains("100% uptime over 90 days")
        })
        .await;
        // On the second run the page shows the stored day at once.
        tokio::time::sleep(Duration::from_secs(3)).await;
        stop.cancel();
        task.await.unwrap().unwrap();
        ran.push(started.elapsed().as_millis() as u64);
        // sled lets go of its lock from a background thread.
        tokio::time::sleep(Duration::from_millis(300)).await;
        seen.push(observed());
    }
    assert!(seen[0] >= 2_000, "first run stored {} ms", seen[0]);
    assert!(
        seen[1] >= seen[0] + 2_000,
        "the second run added to the first: {seen:?}"
    );
    // Never more than the time Candor ran: nothing is counted twice, and the
    // time between the runs is not counted at all.
    assert!(seen[0] <= ran[0], "{seen:?} in {ran:?} ms");
    assert!(seen[1] - seen[0] <= ran[1], "{seen:?} in {ran:?} ms");
}
