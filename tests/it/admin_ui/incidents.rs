//! Incidents through the admin forms: opening, updating, and a rejected form.

use chrono::{Duration, Utc};

use super::browser::{self, Browser};
use super::signed_in;

/// The incident form as it comes, filled in like an engineer in a hurry would;
/// returns the new incident's admin page.
async fn open_incident(browser: &mut Browser, name: &str) -> String {
    let form = browser
        .form("/admin/incidents/new", "/admin/incidents")
        .await
        .set("name", name)
        .set("body", "Some API calls fail. We are looking into it.")
        .set("components.api", "major_outage")
        .set("workaround", "Use the website meanwhile.");
    let page = browser.post("/admin/incidents", &form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location.unwrap();
    assert!(location.starts_with("/admin/incidents/"), "{location}");
    location
}

/// The part of `html` from the label of field `id` to the next field's label.
fn field<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("for=\"{id}\""))
        .unwrap_or_else(|| panic!("no field {id} in:\n{html}"));
    let rest = &html[start + 1..];
    let end = rest.find("<label for=").unwrap_or(rest.len());
    &html[start..start + 1 + end]
}

#[tokio::test]
async fn an_incident_opened_through_the_form_shows_on_its_page_and_at_once_on_the_status_page() {
    let (_app, mut browser) = signed_in().await;
    let blank = browser
        .form("/admin/incidents/new", "/admin/incidents")
        .await;
    assert_eq!(blank.get("status"), Some("investigating"));
    assert_eq!(blank.get("impact"), Some(""), "derived from components");
    assert_eq!(blank.get("components.api"), Some(""), "not affected");
    assert_eq!(
        blank.get("notify"),
        Some("on"),
        "subscribers told by default"
    );

    let location = open_incident(&mut browser, "Payments fail for <b>some</b> cards").await;

    // No polling: the redirect comes after the change is on the page.
    let public = browser.get("/").await.body;
    assert!(public.contains("Major outage"), "{public}");
    assert!(public.contains("Affected: Public API"), "{public}");
    let page = browser.get(&location).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Payments fail for &lt;b&gt;some&lt;/b&gt; cards")
    );
    assert!(
        !page.body.contains("<b>some</b>"),
        "engineer text is escaped"
    );
    assert!(
        page.body.contains("Public API: Major outage"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Use the website meanwhile."));
    assert!(
        page.body.contains("Critical"),
        "impact derived from a major outage"
    );
    let dashboard = browser.get("/admin").await.body;
    assert!(
        dashboard.contains(&format!("href=\"{location}\"")),
        "{dashboard}"
    );
}

#[tokio::test]
async fn an_update_through_the_prefilled_form_changes_only_what_was_typed() {
    let (_app, mut browser) = signed_in().await;
    let location = open_incident(&mut browser, "API errors").await;
    let eta = (Utc::now() + Duration::hours(2))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let action = format!("{location}/updates");
    let form = browser
        .form(&location, &action)
        .await
        .set("status", "identified")
        .set("body", "We found the cause.")
        .set("cause", "A full disk on the primary database")
        .set("expected_resolution_at", &eta)
        .set("components.api", "partial_outage");
    assert_eq!(form.get("workaround"), Some("Use the website meanwhile."));
    let page = browser.post(&action, &form).await;
    assert_eq!(page.status, 303, "{}", page.body);

    let public = browser.get("/").await.body;
    assert!(
        public.contains("Partial outage") && !public.contains("Major outage"),
        "{public}"
    );
    let page = browser.get(&location).await.body;
    assert!(page.contains("Identified"), "{page}");
    assert!(page.contains("A full disk on the primary database"));
    assert!(page.contains("We found the cause."));
    assert!(
        page.contains("Use the website meanwhile."),
        "untouched field kept"
    );
    assert!(
        page.contains("Public API: Major outage → Partial outage"),
        "{page}"
    );
    let again = browser.form(&location, &action).await;
    assert_eq!(
        again.get("expected_resolution_at"),
        Some(eta.as_str()),
        "UTC site"
    );

    let cleared = again
        .set("workaround", "")
        .set("body", "Workaround no longer needed.");
    assert_eq!(browser.post(&action, &cleared).await.status, 303);
    let page = browser.get(&location).await.body;
    assert!(
        !page.contains("Use the website meanwhile."),
        "emptied field cleared"
    );
    assert!(page.contains("A full disk on the primary database"), "kept");
}

#[tokio::test]
async fn a_form_with_an_empty_name_comes_back_422_with_the_message_by_the_field_and_values_kept() {
    let (_app, mut browser) = signed_in().await;
    let form = browser
        .form("/admin/incidents/new", "/admin/incidents")
        .await
        .set("name", "   ")
        .set("status", "identified")
        .set("body", "Logins time out.")
        .set("cause", "Expired certificate & <wrong> chain")
        .set("components.web", "degraded_performance")
        .set("expected_resolution_at", "2001-01-01T10:00");
    let page = browser.post("/admin/incidents", &form).await;
    assert_eq!(page.status, 422);
    assert!(
        field(&page.body, "f-name").contains("must not be empty"),
        "{}",
        page.body
    );
    assert!(field(&page.body, "f-expected_resolution_at").contains("is in the past"));
    assert!(!field(&page.body, "f-body").contains("must not be empty"));

    let kept = browser::form(&page.body, "/admin/incidents");
    assert_eq!(kept.get("body"), Some("Logins time out."));
    assert_eq!(
        kept.get("cause"),
        Some("Expired certificate & <wrong> chain")
    );
    assert_eq!(kept.get("status"), Some("identified"));
    assert_eq!(kept.get("components.web"), Some("degraded_performance"));
    assert_eq!(kept.get("components.api"), Some(""));
    assert!(
        browser
            .get("/admin")
            .await
            .body
            .contains("No open incidents.")
    );
}

#[tokio::test]
async fn a_resolved_incident_lifts_its_statuses_and_takes_a_postmortem_through_its_form() {
    let (_app, mut browser) = signed_in().await;
    let location = open_incident(&mut browser, "Queue stalled").await;
    let updates = format!("{location}/updates");
    let postmortem = format!("{location}/postmortem");
    assert!(
        !browser.get(&location).await.body.contains(&postmortem),
        "not while open"
    );

    let resolve = browser
        .form(&location, &updates)
        .await
        .set("status", "resolved")
        .set("body", "Fixed.");
    assert_eq!(browser.post(&updates, &resolve).await.status, 303);
    let public = browser.get("/").await.body;
    assert!(public.contains("All systems operational"), "{public}");

    let empty = browser.form(&location, &postmortem).await;
    let page = browser.post(&postmortem, &empty).await;
    assert_eq!(page.status, 422);
    assert!(field(&page.body, "f-postmortem-body").contains("must not be empty"));
    assert!(
        !field(&page.body, "f-body").contains("must not be empty"),
        "not the update's"
    );

    let written = empty.set("body", "A full disk; we now alert at 80%.");
    assert_eq!(browser.post(&postmortem, &written).await.status, 303);
    let page = browser.get(&location).await.body;
    assert!(page.contains("Postmortem · "), "{page}");
    let again = browser::form(&page, &postmortem);
    assert_eq!(again.get("body"), Some("A full disk; we now alert at 80%."));
}

#[tokio::test]
async fn an_engineer_splits_a_component_off_from_the_incident_page() {
    let (_app, mut browser) = signed_in().await;
    let form = browser
        .form("/admin/incidents/new", "/admin/incidents")
        .await
        .set("name", "API and website down")
        .set("body", "Both fail.")
        .set("components.api", "major_outage")
        .set("components.web", "partial_outage");
    let location = browser
        .post("/admin/incidents", &form)
        .await
        .location
        .unwrap();
    let action = format!("{location}/split");

    let none = browser.form(&location, &action).await;
    let refused = browser.post(&action, &none).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("name at least one component to move"),
        "{}",
        refused.body
    );

    let split = browser
        .form(&location, &action)
        .await
        .set("components", "web")
        .set("name", "Website slow");
    let moved = browser.post(&action, &split).await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let new = moved.location.unwrap();
    assert_ne!(new, location);
    let page = browser.get(&new).await.body;
    assert!(
        page.contains("Website slow") && page.contains("Website moved to an incident of its own."),
        "{page}"
    );
    let old = browser.get(&location).await.body;
    assert!(
        !old.contains("id=\"split-title\""),
        "one component left: nothing to split"
    );
}
