//! `/` at 1,000 components in a real browser (headless Chromium): its size in
//! elements, and which groups the browser shows open.

use std::sync::Arc;

use candor::clock::SystemClock;
use candor::model::ComponentId;
use candor::uptime::{Day, calendar};
use chrono::Utc;
use serde_json::Value;

use crate::chromium::Browser;
use crate::helpers::spawn_app_in;
use crate::target::{Mode, Target};

const GROUPS: usize = 20;
const PER_GROUP: usize = 50;
/// The one component whose check fails: in group 7.
const FAILING: &str = "r07-c13";

/// 20 groups of 50 components; only [`FAILING`] has a check, against `url`.
fn config(url: &str) -> String {
    let mut toml = String::new();
    for g in 1..=GROUPS {
        for c in 1..=PER_GROUP {
            toml += &format!(
                "[[components]]\nid = \"r{g:02}-c{c:02}\"\nname = \"Service {g:02}-{c:02}\"\n\
                 group = \"Region {g:02}\"\n"
            );
        }
    }
    toml += &format!(
        "[[checks]]\ncomponent = \"{FAILING}\"\nname = \"health\"\nurl = \"{url}\"\n\
         every = \"500ms\"\ntimeout = \"1s\"\nfailure_threshold = 1\n"
    );
    toml
}

/// 89 past days of history for every component (today is the app's own),
/// observed all day, with an outage on a few days so bars have stops.
async fn seed_history(data_dir: &std::path::Path, ids: &[ComponentId]) {
    let store = candor::store::open(data_dir).unwrap();
    let today = calendar::day_no(calendar::local_date(Utc::now(), chrono_tz::UTC));
    let mut days = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        for d in today - 89..today {
            let mut day = Day::default();
            day.add(0, 0, 86_000_000);
            if (d as usize + n).is_multiple_of(37) {
                day.add(1, 3, 400_000);
            }
            days.push((d, id.clone(), day.encode()));
        }
    }
    store.save_days(&days).unwrap();
    store.flush().await.unwrap();
}

/// Polls `/` until it shows the failing check. Longer than the helpers'
/// wait: a first render of 1,000 component pages in a debug build, on a
/// machine busy compiling, takes a while.
async fn wait_for_failure(app: &crate::helpers::TestApp) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    loop {
        let page = app.page().await;
        if page.contains("HTTP 503 Service Unavailable") {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the failing check never showed on /: {}",
            &page[..page.len().min(2_000)]
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// What the browser made of `/`: its elements, and each group's name with
/// whether it is open.
const INSPECT: &str = r#"
    const groups = [...document.querySelectorAll('details.group')].map(d =>
        [d.querySelector('.group__name').textContent, d.open]);
    const failing = document.getElementById('component-r07-c13');
    const hidden = document.getElementById('component-r01-c01');
    const updates = [...document.querySelectorAll('header a')].find(a => a.textContent === 'Get updates');
    return {
        elements: document.getElementsByTagName('*').length,
        groups,
        failing_shown: failing.checkVisibility(),
        healthy_shown: hidden.checkVisibility(),
        updates_top: updates ? updates.getBoundingClientRect().top : -1,
        viewport: window.innerHeight,
    };
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_1000_components_the_page_stays_small_and_only_the_failing_group_is_open() {
    let target = Target::start(Mode::Answer(503, "down")).await;
    let dir = tempfile::tempdir().unwrap();
    let body = config(&target.url("/health"));
    let ids: Vec<ComponentId> = (1..=GROUPS)
        .flat_map(|g| (1..=PER_GROUP).map(move |c| format!("r{g:02}-c{c:02}")))
        .map(|id| ComponentId::parse(&id).unwrap())
        .collect();
    seed_history(&dir.path().join("data"), &ids).await;
    let app = spawn_app_in(dir, &body, None, Arc::new(SystemClock)).await;
    wait_for_failure(&app).await;

    let browser = Browser::start(390, 844)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let seen = async {
        browser.client.goto(&format!("{}/", app.base)).await?;
        browser.client.execute(INSPECT, vec![]).await
    }
    .await;
    browser.close().await;
    let seen = seen.unwrap_or_else(|e| panic!("the browser could not read the page: {e}"));

    let elements = seen["elements"].as_u64().unwrap_or(u64::MAX);
    assert!(elements <= 15_000, "{elements} elements");
    let groups = seen["groups"].as_array().cloned().unwrap_or_default();
    assert_eq!(groups.len(), GROUPS, "{seen}");
    for g in &groups {
        let name = g[0].as_str().unwrap_or_default();
        let open = g[1] == Value::Bool(true);
        assert_eq!(open, name == "Region 07", "{name} open: {open}; {seen}");
    }
    assert_eq!(seen["failing_shown"], Value::Bool(true), "{seen}");
    assert_eq!(seen["healthy_shown"], Value::Bool(false), "{seen}");
    let top = seen["updates_top"].as_f64().unwrap_or(-1.0);
    let viewport = seen["viewport"].as_f64().unwrap_or(0.0);
    assert!(
        (0.0..viewport).contains(&top),
        "\"Get updates\" is on the first screen: {seen}"
    );
    app.stop.cancel();
}
