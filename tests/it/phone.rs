//! The public pages at phone width (390 px) in headless Chromium, with the
//! keyboard: the 90-day cells of a component page take the focus and show
//! their text, the bar on `/` is a labelled link, and the response-time
//! chart's labels are legible.

use std::sync::Arc;
use std::time::{Duration, Instant};

use candor::clock::SystemClock;
use serde_json::Value;

use fantoccini::Locator;

use crate::chromium::Browser;
use crate::helpers::{TestApp, spawn_app_full};
use crate::target::{Mode, Target};

fn config(url: &str) -> String {
    format!(
        "[[components]]\nid = \"api\"\nname = \"Public API\"\n\n\
         [[checks]]\ncomponent = \"api\"\nname = \"health\"\nurl = \"{url}\"\nevery = \"200ms\"\n"
    )
}

/// Polls the component page until it draws the response-time line.
async fn wait_for_chart(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let page = app
            .get("/components/api")
            .await
            .text()
            .await
            .unwrap_or_default();
        if page.contains("class=\"chart__line\" d=\"M") {
            return;
        }
        assert!(Instant::now() < deadline, "no chart: {page}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

const COMPONENT_PAGE: &str = r#"
    const labels = [...document.querySelectorAll('.chart__label')]
        .map(t => t.getBoundingClientRect().height);
    const cell = document.querySelector('ol.bar > li:last-child');
    const text = cell.querySelector('span').getBoundingClientRect();
    return {
        labels,
        tab_index: cell.tabIndex,
        focused: document.activeElement === cell,
        text_width: text.width,
        text: cell.textContent,
    };
"#;

const STATUS_PAGE: &str = r#"
    const bar = document.querySelector('a.strip');
    bar.focus();
    return {
        focused: document.activeElement === bar,
        label: bar.getAttribute('aria-label'),
        href: bar.getAttribute('href'),
    };
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_phone_width_day_cells_take_the_focus_the_bar_is_a_link_and_chart_labels_are_legible() {
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let app = spawn_app_full(&config(&target.url("/")), None, Arc::new(SystemClock)).await;
    wait_for_chart(&app).await;
    let browser = Browser::start(390, 844)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let seen = async {
        browser
            .client
            .goto(&format!("{}/components/api", app.base))
            .await?;
        // Focused through WebDriver, as a keyboard would (a script's focus()
        // does not focus a headless window, so :focus would not match).
        let today = browser
            .client
            .find(Locator::Css("ol.bar > li:last-child"))
            .await?;
        today.send_keys(" ").await?;
        let component = browser.client.execute(COMPONENT_PAGE, vec![]).await?;
        browser.client.goto(&format!("{}/", app.base)).await?;
        let status = browser.client.execute(STATUS_PAGE, vec![]).await?;
        Ok::<_, fantoccini::error::CmdError>((component, status))
    }
    .await;
    browser.close().await;
    let (component, status) = seen.unwrap_or_else(|e| panic!("the browser failed: {e}"));

    let labels: Vec<f64> = (component["labels"].as_array().cloned().unwrap_or_default())
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    assert_eq!(labels.len(), 6, "{component}");
    assert!(
        labels.iter().all(|h| *h >= 9.0),
        "label heights in px: {labels:?}"
    );
    assert_eq!(component["tab_index"], 0, "{component}");
    assert_eq!(component["focused"], true, "{component}");
    assert!(
        component["text_width"].as_f64().unwrap_or(0.0) > 20.0,
        "{component}"
    );
    assert!(
        component["text"]
            .as_str()
            .unwrap_or_default()
            .contains("uptime"),
        "{component}"
    );

    assert_eq!(status["focused"], true, "{status}");
    assert_eq!(status["href"], "/components/api", "{status}");
    let label = status["label"].as_str().unwrap_or_default();
    assert!(
        label.starts_with("Public API: ") && label.contains("uptime"),
        "{status}"
    );
    app.stop.cancel();
}
