//! Uptime history as customers see it: the 90-day bar on `/`, each
//! component's page with its figures and response-time chart, and rollups
//! that survive a restart.

use std::sync::Arc;
use std::time::Duration;

use candor::clock::ManualClock;
use candor::model::ComponentId;
use candor::uptime::{Day, calendar};
use candor::{Application, Config};
use chrono::{DateTime, Utc};

use crate::helpers::{client, config_with, spawn_app, spawn_app_in, wait_for_page};
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
        .wait_for_page("today's uptime", |p| p.contains("100% uptime since"))
        .await;
    // On `/`, one link: 89 grey days, then today green, and the words, which
    // say that only today was observed.
    let today = Utc::now().format("%-d %b");
    assert!(
        page.contains(&format!(
            "<a class=\"strip\" style=\"--b:linear-gradient(90deg,var(--d-none) 98.89%,\
             var(--d-ok) 0)\" href=\"/components/api\" aria-label=\"Public API: 100% uptime \
             since {today} (1 day of data), no downtime, 89 without data\">100% uptime since \
             {today} (1 day of data)</a>"
        )),
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
    app.wait_for_page("a first result", |p| p.contains("100% uptime since"))
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
        let store = crate::helpers::sled_unlocked(|| candor::store::open(&dir.path().join("data")));
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
            p.contains("100% uptime since")
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

/// A clock at noon today (UTC, the site's zone), so the days the test seeds
/// as yesterday and the day before stay so while it runs.
fn clock_at_noon() -> (Arc<ManualClock>, DateTime<Utc>) {
    let clock = Arc::new(ManualClock::default());
    let now = Utc::now();
    let noon = now.date_naive().and_hms_opt(12, 0, 0).unwrap().and_utc();
    clock.advance(noon - now);
    (clock, noon)
}

/// What an install started at noon two days ago has stored: the afternoon of
/// the day before yesterday, all of yesterday with 14.4 minutes (1 %) of
/// major outage.
async fn seed_two_days(data_dir: &std::path::Path, today: u32) {
    let api = ComponentId::parse("api").unwrap();
    let (mut first, mut second) = (Day::default(), Day::default());
    for hour in 12..24 {
        first.add(hour, 0, 3_600_000);
    }
    for hour in 0..24 {
        second.add(hour, 0, if hour == 3 { 2_736_000 } else { 3_600_000 });
    }
    second.add(3, 3, 864_000);
    let store = candor::store::open(data_dir).unwrap();
    let days = [
        (today - 2, api.clone(), first.encode()),
        (today - 1, api, second.encode()),
    ];
    store.save_days(&days).unwrap();
    store.flush().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_two_day_old_install_every_figure_says_since_when_it_covers() {
    let (clock, noon) = clock_at_noon();
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let dir = tempfile::tempdir().unwrap();
    let today = calendar::day_no(calendar::local_date(noon, chrono_tz::UTC));
    seed_two_days(&dir.path().join("data"), today).await;
    let app = spawn_app_in(dir, &body(&target.url("/health")), None, clock).await;

    // Yesterday's outage over the 2.5 days observed, today's few seconds
    // included: 1 - 14.4 min / 60 h.
    let since = (noon - chrono::Duration::days(2)).format("%-d %b");
    let caption = format!("99.33% uptime since {since} (3 days of data)");
    let page = app
        .wait_for_page("the caption with today", |p| p.contains(&caption))
        .await;
    assert!(!page.contains("over 90 days"), "{page}");
    assert!(
        page.contains(&format!(
            "aria-label=\"Public API: {caption}, 1 day with downtime, 87 without data\""
        )),
        "{page}"
    );
    // Narrow screens show the last 30 or 60 days, all of them since the
    // install: the same caption, and no other figure for them.
    assert!(
        !page.contains("data-60") && !page.contains("data-30"),
        "{page}"
    );

    let detail = app.get("/components/api").await.text().await.unwrap();
    let note = format!("<span class=\"figures__since\">since {since} (3 days of data)</span>");
    assert_eq!(
        detail.matches(&note).count(),
        3,
        "7, 30 and 90 days: {detail}"
    );
    for days in [90, 60, 30] {
        let legend = format!("<span class=\"bar__{days}\">{caption}</span>");
        assert!(detail.contains(&legend), "{legend}: {detail}");
    }
    assert!(!detail.contains("uptime over"), "{detail}");
    app.stop.cancel();
}
