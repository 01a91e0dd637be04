//! The live pages in a real browser (headless Chromium, one session): `/`
//! refreshes its content in place every `[site] refresh` seconds, but never
//! while the visitor types into its form; groups the visitor opened stay
//! open; times show in the visitor's zone; the figure beside a narrowed
//! uptime bar is over the days it shows; and axe-core finds no violation on
//! `/`, an incident page and a component page.

use std::sync::Arc;
use std::time::{Duration, Instant};

use candor::clock::SystemClock;
use candor::model::ComponentId;
use candor::uptime::{Day, calendar};
use chrono::Utc;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::axe;
use crate::chromium::Browser;
use crate::helpers::{TOKEN, TestApp, admin_request, spawn_app_with};
use crate::target::{Mode, Target};

/// Shorter than a site may set (5 s), so the test waits little.
const REFRESH: Duration = Duration::from_secs(2);

fn body(url: &str) -> String {
    format!(
        "[[components]]\nid = \"api\"\nname = \"Public API\"\n\n\
         [[components]]\nid = \"db\"\nname = \"Database\"\n\n\
         [[components]]\nid = \"web-eu\"\nname = \"Website EU\"\ngroup = \"Websites\"\n\n\
         [[components]]\nid = \"web-us\"\nname = \"Website US\"\ngroup = \"Websites\"\n\n\
         [[components]]\nid = \"north\"\nname = \"North\"\ngroup = \"Regions\"\n\n\
         [[components]]\nid = \"south\"\nname = \"South\"\ngroup = \"Regions\"\n\n\
         [[checks]]\ncomponent = \"api\"\nname = \"API health\"\nurl = \"{url}\"\nevery = \"1s\"\n"
    )
}

/// 70 past days of `api` observed all day: its bar on `/` has a 30- and a
/// 60-day figure of its own for narrow screens.
async fn seed_history(data_dir: &std::path::Path) {
    let store = candor::store::open(data_dir).unwrap();
    let today = calendar::day_no(calendar::local_date(Utc::now(), chrono_tz::UTC));
    let api = ComponentId::parse("api").unwrap();
    let mut day = Day::default();
    for hour in 0..24 {
        day.add(hour, 0, 3_600_000);
    }
    let days: Vec<_> = (today - 70..today)
        .map(|d| (d, api.clone(), day.encode()))
        .collect();
    store.save_days(&days).unwrap();
    store.flush().await.unwrap();
}

async fn send(app: &TestApp, method: &str, path: &str, body: Value) -> Value {
    let (status, answer) = admin_request(&app.base, method, path, body).await;
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {answer}"
    );
    answer
}

type Outcome<T> = Result<T, fantoccini::error::CmdError>;

/// What the visitor has in hand on `/`: the form, the focus, whether the
/// page was reloaded (the marker set at load is gone then), and what the
/// page shows of the outage and the groups.
const STATE: &str = r#"
    const field = document.querySelector('#subscribe input[name=email]');
    const group = name => [...document.querySelectorAll('details.group')]
        .find(d => d.querySelector('.group__name').textContent === name);
    const regions = group('Regions');
    return {
        not_reloaded: window.candorTestMarker === 'set at load',
        value: field.value,
        field_focused: document.activeElement === field,
        outage_shown: !!document.querySelector('#component-web-eu.component--major_outage'),
        websites_open: group('Websites').open,
        regions_open: regions.open,
        regions_focused: document.activeElement === regions.querySelector('summary'),
    };
"#;

async fn state(c: &Client) -> Outcome<Value> {
    c.execute(STATE, vec![]).await
}

/// The visitor types into the subscribe form; the server changes
/// meanwhile; past two refreshes the form, its text and its focus are
/// untouched and the content was not swapped. Then they clear the field
/// and open a group: the next refresh swaps the content in place (no
/// reload), keeps their group open and their focus where it was.
async fn typing_pauses_the_refresh_then_content_updates_in_place(
    c: &Client,
    app: &TestApp,
) -> Outcome<(Value, Value)> {
    c.goto(&format!("{}/", app.base)).await?;
    c.execute("window.candorTestMarker = 'set at load';", vec![])
        .await?;
    // A refresh may swap the form out between finding it and typing (on a
    // busy machine): then type into the new one.
    let mut tries = 0;
    let field = loop {
        let field = c.find(Locator::Css("#subscribe input[name=email]")).await?;
        match field.send_keys("someone@exa").await {
            Ok(()) => break field,
            Err(_) if tries < 3 => tries += 1,
            Err(e) => return Err(e),
        }
    };
    let outage = json!({"status": "major_outage"});
    send(app, "PATCH", "/components/web-eu", outage).await;
    app.wait_for_page("the outage", |p| p.contains("component--major_outage"))
        .await;
    tokio::time::sleep(REFRESH * 2 + Duration::from_millis(500)).await;
    let typing = state(c).await?;

    field.clear().await?;
    let regions = "//details[.//h3[text()='Regions']]/summary";
    c.find(Locator::XPath(regions)).await?.click().await?;
    let deadline = Instant::now() + REFRESH * 15;
    let mut after = state(c).await?;
    while after["outage_shown"] != true && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        after = state(c).await?;
    }
    Ok((typing, after))
}

/// The "Updated" time and the footer's note, once the browser's zone is
/// Tokyo's (the site's is UTC).
async fn times_in_the_visitors_zone(browser: &Browser, app: &TestApp) -> Result<Value, String> {
    browser
        .cdp(
            "Emulation.setTimezoneOverride",
            json!({"timezoneId": "Asia/Tokyo"}),
        )
        .await?;
    let c = &browser.client;
    let read = async {
        c.goto(&format!("{}/", app.base)).await?;
        let js = r#"
            const t = document.querySelector('p.updated time');
            return { text: t.textContent, title: t.title, datetime: t.getAttribute('datetime'),
                     note: document.getElementById('zone-note').textContent };
        "#;
        c.execute(js, vec![]).await
    };
    read.await.map_err(|e| e.to_string())
}

/// The caption of `api`'s bar on `/` as the browser lays it out now.
async fn strip_caption(c: &Client, app: &TestApp) -> Outcome<Value> {
    c.goto(&format!("{}/", app.base)).await?;
    let js = r#"
        const span = document.querySelector('#component-api a.strip > span');
        const after = getComputedStyle(span, '::after');
        return { width: innerWidth, after: after.content, text_size: getComputedStyle(span).fontSize,
                 text: span.textContent, data_30: span.dataset['30'] };
    "#;
    c.execute(js, vec![]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_page_refreshes_in_place_never_under_a_visitors_typing_and_passes_axe() {
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let dir = tempfile::tempdir().unwrap();
    seed_history(&dir.path().join("data")).await;
    let clock = Arc::new(SystemClock);
    let tweak = |c: &mut candor::Config| c.site.refresh = REFRESH;
    let app = spawn_app_with(dir, "", &body(&target.url("/")), Some(TOKEN), clock, tweak).await;
    app.wait_for_page("api checked", |p| p.contains("Website US"))
        .await;
    let incident = json!({
        "name": "Slow checkout", "status": "investigating", "body": "Looking into it.",
        "components": {"db": "partial_outage"},
    });
    let incident = send(&app, "POST", "/incidents", incident).await;
    let incident = incident["id"].as_str().unwrap_or_default().to_owned();
    let axe = tokio::task::spawn_blocking(axe::source)
        .await
        .unwrap_or_else(|e| Err(e.to_string()))
        .unwrap_or_else(|e| panic!("{e}"));
    let browser = Browser::start(1280, 900)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let c = &browser.client;

    let (typing, after) = typing_pauses_the_refresh_then_content_updates_in_place(c, &app)
        .await
        .unwrap_or_else(|e| panic!("the browser failed: {e}"));
    assert_eq!(typing["value"], "someone@exa", "{typing}");
    assert_eq!(typing["field_focused"], true, "{typing}");
    assert_eq!(typing["not_reloaded"], true, "{typing}");
    assert_eq!(
        typing["outage_shown"], false,
        "paused while typing: {typing}"
    );
    assert_eq!(after["outage_shown"], true, "swapped in: {after}");
    assert_eq!(after["not_reloaded"], true, "in place: {after}");
    assert_eq!(
        after["regions_open"], true,
        "the group they opened: {after}"
    );
    assert_eq!(after["regions_focused"], true, "{after}");
    assert_eq!(
        after["websites_open"], true,
        "opened by the outage: {after}"
    );

    let mut found = Vec::new();
    for path in [
        "/".to_owned(),
        format!("/incidents/{incident}"),
        "/components/api".to_owned(),
    ] {
        let checked = async {
            c.goto(&format!("{}{path}", app.base))
                .await
                .map_err(|e| e.to_string())?;
            axe::violations(c, &axe).await
        };
        let violations = checked.await.unwrap_or_else(|e| panic!("{path}: {e}"));
        found.extend(violations.into_iter().map(|v| (path.clone(), v)));
    }
    assert!(found.is_empty(), "axe-core violations: {found:#?}");

    let wide = strip_caption(c, &app)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    c.set_window_size(390, 844)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let narrow = strip_caption(c, &app)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let zoned = times_in_the_visitors_zone(&browser, &app)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser.close().await;

    // Wide, the 90-day caption; at 390 px, 30 days drawn and their figure.
    let text = wide["text"].as_str().unwrap_or_default();
    assert!(text.contains("uptime since"), "{wide}");
    assert_eq!(wide["after"], "none", "{wide}");
    assert_eq!(narrow["text_size"], "0px", "{narrow}");
    let after = narrow["after"].as_str().unwrap_or_default();
    assert!(
        after.contains("uptime over 30 days") && narrow["data_30"] == "100%",
        "{narrow}"
    );

    let shown = zoned["text"].as_str().unwrap_or_default();
    assert!(shown.ends_with(" GMT+9"), "{zoned}");
    assert!(
        zoned["title"]
            .as_str()
            .unwrap_or_default()
            .ends_with(" UTC"),
        "{zoned}"
    );
    let datetime = zoned["datetime"].as_str().unwrap_or_default();
    let tokyo = chrono::DateTime::parse_from_rfc3339(datetime)
        .map(|at| {
            at.with_timezone(&chrono_tz::Asia::Tokyo)
                .format("%H:%M")
                .to_string()
        })
        .unwrap_or_default();
    assert!(shown.contains(&tokyo), "{tokyo}: {zoned}");
    assert_eq!(
        zoned["note"], "Times are shown in your time zone (Asia/Tokyo).",
        "{zoned}"
    );
    app.stop.cancel();
}
