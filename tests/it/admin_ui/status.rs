//! Component statuses and maintenance set through the admin forms, as the
//! public page then shows them.

use super::signed_in;

#[tokio::test]
async fn a_component_set_on_the_dashboard_shows_publicly_and_operational_hands_it_back() {
    let (_app, mut browser) = signed_in().await;
    let action = "/admin/components/web";
    let form = browser.form("/admin", action).await;
    let page = browser
        .post(action, &form.set("status", "major_outage"))
        .await;
    assert_eq!(page.status, 303);
    assert!(browser.get("/").await.body.contains("Affected: Website"));
    let dashboard = browser.get("/admin").await.body;
    assert!(dashboard.contains("Engineer"), "{dashboard}");

    let form = browser.form("/admin", action).await;
    assert_eq!(
        form.get("status"),
        Some("major_outage"),
        "current status preselected"
    );
    let page = browser
        .post(action, &form.set("status", "operational"))
        .await;
    assert_eq!(page.status, 303);
    let public = browser.get("/").await.body;
    assert!(public.contains("All systems operational"), "{public}");
}

#[tokio::test]
async fn maintenance_scheduled_and_started_through_forms_shows_on_the_status_page() {
    let (_app, mut browser) = signed_in().await;
    let form = browser
        .form("/admin/maintenances/new", "/admin/maintenances")
        .await
        .set("name", "Database upgrade")
        .set("components", "api");
    assert!(
        !form.get("scheduled_for").unwrap_or("").is_empty(),
        "a default window"
    );
    let page = browser.post("/admin/maintenances", &form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location.unwrap();

    let action = format!("{location}/updates");
    let update = browser.form(&location, &action).await;
    assert_eq!(
        update.get("status"),
        Some("in_progress"),
        "the next step preselected"
    );
    let page = browser
        .post(&action, &update.set("body", "Work has started."))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let public = browser.get("/").await.body;
    assert!(public.contains("Under maintenance"), "{public}");
    assert!(
        browser
            .get(&location)
            .await
            .body
            .contains("Work has started.")
    );
}

#[tokio::test]
async fn a_maintenance_form_with_an_unreadable_time_comes_back_422_and_schedules_nothing() {
    let (_app, mut browser) = signed_in().await;
    let form = browser
        .form("/admin/maintenances/new", "/admin/maintenances")
        .await
        .set("name", "Network work")
        .set("scheduled_until", "next tuesday");
    let page = browser.post("/admin/maintenances", &form).await;
    assert_eq!(page.status, 422);
    assert!(
        page.body
            .contains("&quot;next tuesday&quot; is not a date and time"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("name at least one component"),
        "the desk's findings too"
    );
    assert!(page.body.contains("value=\"Network work\""), "kept");
    let dashboard = browser.get("/admin").await.body;
    assert!(
        dashboard.contains("No maintenance scheduled"),
        "{dashboard}"
    );
}

#[tokio::test]
async fn a_component_the_checks_took_down_links_its_automatic_incident_and_its_set_form_keeps_one_line()
 {
    use crate::target::{Mode, Target};
    let target = Target::start(Mode::Answer(503, "down")).await;
    let body = format!(
        "{}\n[[checks]]\ncomponent = \"api\"\nname = \"health\"\nurl = \"{}\"\n\
         every = \"200ms\"\nfailure_threshold = 1\n",
        super::COMPONENTS,
        target.url("/")
    );
    let app = crate::helpers::spawn_app_full(
        &body,
        Some(super::TOKEN),
        std::sync::Arc::new(candor::clock::SystemClock),
    )
    .await;
    app.wait_for_page("the outage", |p| p.contains("HTTP 503"))
        .await;
    let mut browser = super::browser::Browser::new(&app.base);
    let fields = super::browser::Fields::default().set("token", super::TOKEN);
    assert_eq!(browser.post("/admin/login", &fields).await.status, 303);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let row = loop {
        let dashboard = browser.get("/admin").await.body;
        let row = (dashboard.split("<tr id=\"component-api\">").nth(1))
            .and_then(|r| r.split("</tr>").next())
            .unwrap_or_default()
            .to_owned();
        if row.contains("Checks in <a href=\"/admin/incidents/") {
            break row;
        }
        assert!(std::time::Instant::now() < deadline, "no link: {row}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(row.contains("class=\"inline set-status\""), "{row}");
}
