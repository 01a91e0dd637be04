//! Input nobody types but anyone can send: control characters in engineers'
//! text, through the admin API and the admin forms. Refused with the field
//! named, nothing stored, and the feeds stay readable XML.

use std::sync::Arc;

use candor::clock::SystemClock;
use serde_json::{Value, json};

use crate::admin_ui::signed_in;
use crate::helpers::{API_AND_DB, TOKEN, admin_request, spawn_app_full};

/// The characters the probe found breaking the feeds, one per case.
const CONTROL: [char; 8] = [
    '\u{0}', '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{fffe}', '\u{ffff}',
];

fn incident(field: &str, c: char) -> Value {
    let mut body = json!({
        "name": "Checkout down", "status": "investigating",
        "body": "Looking.", "components": {"api": "major_outage"},
        "cause": "A bad deploy", "workaround": "Retry",
    });
    body[field] = json!(format!("Check{c}out"));
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_api_refuses_control_characters_naming_the_field_and_stores_nothing() {
    let app = spawn_app_full(API_AND_DB, Some(TOKEN), Arc::new(SystemClock)).await;
    for field in ["name", "body", "cause", "workaround"] {
        for c in CONTROL {
            let (status, answer) =
                admin_request(&app.base, "POST", "/incidents", incident(field, c)).await;
            assert_eq!(status, 422, "{field} with {c:?}: {answer}");
            let message = answer["fields"][field].as_str().unwrap_or_default();
            let code = format!("U+{:04X}", u32::from(c));
            assert!(message.contains(&code), "{field}: {answer}");
        }
    }
    let (_, list) = admin_request(&app.base, "GET", "/incidents", json!({})).await;
    assert_eq!(list["incidents"], json!([]), "nothing stored");

    // Updates and postmortems too: open, resolve, then try each.
    let (status, opened) =
        admin_request(&app.base, "POST", "/incidents", incident("name", ' ')).await;
    assert_eq!(status, 201, "{opened}");
    let id = opened["id"].as_str().unwrap_or_default();
    let update = json!({"status": "resolved", "body": "Fixed\u{1b}[31m"});
    let path = format!("/incidents/{id}/updates");
    let (status, answer) = admin_request(&app.base, "POST", &path, update).await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer["fields"]["body"].is_string(), "{answer}");
    let resolve = json!({"status": "resolved", "body": "Fixed."});
    assert_eq!(
        admin_request(&app.base, "POST", &path, resolve).await.0,
        201
    );
    let path = format!("/incidents/{id}/postmortem");
    let (status, answer) = admin_request(&app.base, "PUT", &path, json!({"body": "A\u{0}B"})).await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer["fields"]["body"].is_string(), "{answer}");

    for feed in ["/feed.atom", "/feed.rss"] {
        let text = app.get(feed).await.text().await.unwrap_or_default();
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{feed}: {e}\n{text}"));
    }
}

#[tokio::test]
async fn the_admin_form_refuses_a_control_character_at_the_field() {
    let (_app, mut browser) = signed_in().await;
    let form = browser
        .form("/admin/incidents/new", "/admin/incidents")
        .await
        .set("name", "Checkout\u{1b} down")
        .set("body", "Looking.")
        .set("components.api", "major_outage");
    let page = browser.post("/admin/incidents", &form).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("U+001B, a control character"),
        "{}",
        page.body
    );
    assert!(!page.body.contains('\u{1b}'), "echoed raw: {}", page.body);
    assert!(page.body.contains("aria-invalid=\"true\""), "{}", page.body);
}

/// Posts the subscribe form with one address.
async fn subscribe(app: &crate::helpers::TestApp, email: &str) -> (u16, String) {
    let body = serde_urlencoded::to_string([("email", email)]).unwrap_or_default();
    let res = (app.client.post(format!("{}/subscribe", app.base)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("the app answers");
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

#[tokio::test]
async fn an_address_lettre_cannot_mail_is_refused_at_the_field_which_takes_the_focus() {
    let app = spawn_app_full(API_AND_DB, Some(TOKEN), Arc::new(SystemClock)).await;
    for bad in ["a@[127.0.0.1]", "\"quoted spaces\"@b.com"] {
        let (status, page) = subscribe(&app, bad).await;
        assert_eq!(status, 422, "{bad}: {page}");
        assert!(page.contains("cannot be mailed"), "{page}");
        let input = page
            .split("<input id=\"subscribe-email\"")
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .unwrap_or_else(|| panic!("no email input: {page}"));
        for attribute in [
            "aria-invalid=\"true\"",
            "autofocus",
            "aria-describedby=\"subscribe-email-error subscribe-email-hint\"",
        ] {
            assert!(input.contains(attribute), "{attribute} missing: {input}");
        }
        assert!(page.contains("id=\"subscribe-email-error\""), "{page}");
    }
    assert!(app.store.all_subscribers().unwrap_or_default().is_empty());
}
