//! The admin UI with many components: pickers grouped by component group,
//! each with a whole-group choice, and every admin page compressed in the
//! coding the browser asks for.

use std::io::Read;
use std::sync::Arc;

use candor::clock::SystemClock;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, COOKIE, VARY};
use serde_json::Value;

use super::TOKEN;
use super::browser::{Browser, Fields};
use crate::helpers::{TestApp, spawn_app_full};

const GROUPS: usize = 4;
const PER_GROUP: usize = 50;

/// 200 components in 4 groups of 50 ("Region 00" to "Region 03").
fn components() -> String {
    (0..GROUPS * PER_GROUP)
        .map(|n| {
            let (g, c) = (n / PER_GROUP, n % PER_GROUP);
            format!("[[components]]\nid = \"svc-{g:02}-{c:02}\"\nname = \"Service {g:02}-{c:02}\"\ngroup = \"Region {g:02}\"\n")
        })
        .collect()
}

async fn signed_in_many() -> (TestApp, Browser) {
    let app = spawn_app_full(&components(), Some(TOKEN), Arc::new(SystemClock)).await;
    let mut browser = Browser::new(&app.base);
    let page = browser
        .post("/admin/login", &Fields::default().set("token", TOKEN))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    (app, browser)
}

/// Each component's status as `/api/v2/components.json` shows it.
async fn statuses(app: &TestApp) -> Vec<(String, String)> {
    let body: Value = app
        .get("/api/v2/components.json")
        .await
        .json()
        .await
        .unwrap();
    let list = body["components"].as_array().unwrap();
    list.iter()
        .map(|c| {
            let id = c["id"].as_str().unwrap().to_owned();
            (id, c["status"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn status_of<'a>(all: &'a [(String, String)], id: &str) -> &'a str {
    &all.iter().find(|(c, _)| c == id).unwrap().1
}

#[tokio::test]
async fn admin_pages_come_in_brotli_or_gzip_as_the_browser_asks_and_decode_to_the_same_page() {
    let (app, browser) = signed_in_many().await;
    let cookie = browser.cookie.clone().unwrap();
    let http = reqwest::Client::new();
    for path in ["/admin", "/admin/incidents/new", "/admin/maintenances/new"] {
        let get = |coding: Option<&'static str>| {
            let mut req = (http.get(format!("{}{path}", app.base))).header(COOKIE, &cookie);
            if let Some(c) = coding {
                req = req.header(ACCEPT_ENCODING, c);
            }
            req.send()
        };
        let plain = get(None).await.unwrap();
        assert!(plain.headers().get(CONTENT_ENCODING).is_none(), "{path}");
        let plain = plain.bytes().await.unwrap();
        for (asked, coding) in [("gzip, deflate, br", "br"), ("gzip", "gzip")] {
            let res = get(Some(asked)).await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(res.headers()[CONTENT_ENCODING], coding, "{path} {asked}");
            assert_eq!(res.headers()[VARY], "Accept-Encoding", "{path}");
            let body = res.bytes().await.unwrap();
            assert!(
                body.len() * 5 < plain.len(),
                "{path}: {} of {} bytes",
                body.len(),
                plain.len()
            );
            let mut decoded = Vec::new();
            match coding {
                "br" => brotli::Decompressor::new(&body[..], 4096).read_to_end(&mut decoded),
                _ => flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut decoded),
            }
            .unwrap();
            // The CSRF token is the session's, so the pages are the same bytes.
            assert_eq!(decoded, plain, "{path} in {coding}");
        }
    }
}

#[tokio::test]
async fn the_incident_form_has_one_closed_group_per_component_group_each_with_a_whole_group_choice()
{
    let (_app, browser) = signed_in_many().await;
    let page = browser.get("/admin/incidents/new").await.body;
    assert_eq!(
        page.matches("<details class=\"group\">").count(),
        GROUPS,
        "all closed"
    );
    for g in 0..GROUPS {
        assert!(
            page.contains(&format!("name=\"groups.Region {g:02}\"")),
            "{page}"
        );
        assert!(page.contains(&format!("Every component in Region {g:02}")));
    }
    assert_eq!(
        page.matches("name=\"components.").count(),
        GROUPS * PER_GROUP
    );
}

#[tokio::test]
async fn a_whole_group_choice_sets_every_component_of_the_group_and_a_single_choice_beside_it_wins()
{
    let (app, mut browser) = signed_in_many().await;
    let form = browser
        .form("/admin/incidents/new", "/admin/incidents")
        .await
        .set("name", "Region 01 is down")
        .set("body", "Everything in Region 01 fails.")
        .set("groups.Region 01", "partial_outage")
        .set("components.svc-01-07", "major_outage");
    let page = browser.post("/admin/incidents", &form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let all = statuses(&app).await;
    for c in 0..PER_GROUP {
        let expected = if c == 7 {
            "major_outage"
        } else {
            "partial_outage"
        };
        assert_eq!(
            status_of(&all, &format!("svc-01-{c:02}")),
            expected,
            "svc-01-{c:02}"
        );
    }
    assert_eq!(status_of(&all, "svc-00-07"), "operational");
    assert_eq!(status_of(&all, "svc-02-00"), "operational");
    // The incident's update form offers the same whole-group choice.
    let location = page.location.unwrap();
    let update = browser
        .form(&location, &format!("{location}/updates"))
        .await;
    let update = update
        .set("status", "monitoring")
        .set("body", "Recovering.")
        .set("groups.Region 01", "degraded_performance");
    let page = browser.post(&format!("{location}/updates"), &update).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let all = statuses(&app).await;
    assert_eq!(status_of(&all, "svc-01-07"), "degraded_performance");
    assert_eq!(status_of(&all, "svc-01-49"), "degraded_performance");
}

#[tokio::test]
async fn an_unknown_group_or_status_is_refused_beside_its_field_and_opens_nothing() {
    let (app, mut browser) = signed_in_many().await;
    let form = browser
        .form("/admin/incidents/new", "/admin/incidents")
        .await
        .set("name", "Something")
        .set("body", "Something broke.")
        .set("groups.Atlantis", "major_outage")
        .set("groups.Region 02", "on_fire");
    let page = browser.post("/admin/incidents", &form).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("no group named &quot;Atlantis&quot;"),
        "{}",
        page.body
    );
    // The bad status shows in its group, which is open, next to its select.
    let group = page.body.find("Every component in Region 02").unwrap();
    let opened = page.body[..group].rfind("<details").unwrap();
    assert!(
        page.body[opened..].starts_with("<details class=\"group\" open"),
        "{}",
        &page.body[opened..group]
    );
    let error = page.body[group..]
        .find("&quot;on_fire&quot; is not a component status")
        .unwrap();
    assert!(
        error < page.body[group..].find("Service 02-00").unwrap(),
        "beside the field"
    );
    let incidents: Value = app
        .get("/api/v2/incidents.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(incidents["incidents"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_group_set_on_the_dashboard_changes_all_of_it_and_then_shows_open() {
    let (app, mut browser) = signed_in_many().await;
    let dashboard = browser.get("/admin").await.body;
    assert_eq!(
        dashboard.matches("<details class=\"group\">").count(),
        GROUPS
    );
    let first = browser.form("/admin", "/admin/groups").await;
    assert_eq!(first.get("group"), Some("Region 00"));
    let form = first
        .set("group", "Region 02")
        .set("status", "major_outage");
    let page = browser.post("/admin/groups", &form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let all = statuses(&app).await;
    // components.json lists the groups too (Statuspage's `group: true`).
    let down = (all.iter())
        .filter(|(id, s)| id.starts_with("svc-") && s == "major_outage")
        .count();
    assert_eq!(down, PER_GROUP);
    assert_eq!(status_of(&all, "svc-02-31"), "major_outage");
    let dashboard = browser.get("/admin").await.body;
    assert_eq!(
        dashboard.matches("<details class=\"group\" open>").count(),
        1
    );
    assert!(
        dashboard.contains("50 of 50 not operational"),
        "{dashboard}"
    );

    let unknown = browser
        .post("/admin/groups", &form.set("group", "Atlantis"))
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    assert!(
        unknown.body.contains("no group named &quot;Atlantis&quot;"),
        "{}",
        unknown.body
    );
}

#[tokio::test]
async fn a_maintenance_for_a_whole_group_covers_each_of_its_components() {
    let (app, mut browser) = signed_in_many().await;
    let form = browser
        .form("/admin/maintenances/new", "/admin/maintenances")
        .await
        .set("name", "Region 03 network work")
        .set("groups", "Region 03");
    let page = browser.post("/admin/maintenances", &form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let body: Value = app
        .get("/api/v2/scheduled-maintenances.json")
        .await
        .json()
        .await
        .unwrap();
    let m = &body["scheduled_maintenances"][0];
    assert_eq!(m["components"].as_array().unwrap().len(), PER_GROUP, "{m}");

    let form = form.set("groups", "Atlantis");
    let page = browser.post("/admin/maintenances", &form).await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("no group named &quot;Atlantis&quot;"),
        "{}",
        page.body
    );
}
