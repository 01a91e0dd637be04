//! Following one incident: "Email me when this is resolved" on an open
//! incident's page, double opt-in by email, then that incident's updates and
//! its resolution only (with "is everything working for you now?"), in the
//! language of the page used, and no subscription created.

use std::sync::Arc;
use std::time::Duration;

use candor::clock::SystemClock;
use serde_json::{Value, json};

use crate::helpers::{API_AND_DB, TOKEN, TestApp, admin_request, client, spawn_app_full};
use crate::smtp::Smtp;

async fn post_form(app: &TestApp, path: &str, body: &str) -> (u16, String) {
    let res = client()
        .post(format!("{}{path}", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn open(app: &TestApp, name: &str, component: &str) -> String {
    let incident = json!({"name": name, "status": "investigating", "impact": "major",
        "body": "Looking into it.", "components": {component: "major_outage"}});
    let (status, opened) = admin_request(&app.base, "POST", "/incidents", incident).await;
    assert_eq!(status, 201, "{opened}");
    opened["id"].as_str().unwrap().to_owned()
}

async fn update(app: &TestApp, id: &str, body: Value) {
    let path = format!("/incidents/{id}/updates");
    let (status, answer) = admin_request(&app.base, "POST", &path, body).await;
    assert!((200..300).contains(&status), "{answer}");
}

/// The token of the link `…/follow/{token}/confirm` in a mail.
fn confirm_token(mail: &str) -> String {
    let (_, after) = mail.split_once("/follow/").expect("a follow link");
    after.split('/').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_hears_of_that_incident_only_until_it_is_resolved_in_their_language() {
    let smtp = Smtp::start().await;
    let config = format!(
        "[email]\nfrom = \"Test Status <status@test.example>\"\nsmtp_url = \"{}\"\n{API_AND_DB}",
        smtp.url()
    );
    let app = spawn_app_full(&config, Some(TOKEN), Arc::new(SystemClock)).await;
    let api = open(&app, "API errors", "api").await;
    let db = open(&app, "Slow queries", "db").await;

    // The form is on the open incident's page, in the page's language.
    let page = client()
        .get(format!("{}/incidents/{api}", app.base))
        .header("Accept-Language", "es")
        .send()
        .await
        .unwrap();
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Avísenme cuando esté resuelto")
            && page.contains(&format!("action=\"/incidents/{api}/follow\""))
            && page.contains("name=\"lang\" value=\"es\""),
        "{page}"
    );

    // A bad address comes back with the reason, nothing stored or sent.
    let (status, form) = post_form(
        &app,
        &format!("/incidents/{api}/follow"),
        "email=nope&lang=es",
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        form.contains("aria-invalid=\"true\"") && form.contains("value=\"nope\""),
        "{form}"
    );
    assert!(app.store.all_subscribers().unwrap().is_empty());

    let who = "luis@example.com";
    let body = "email=luis%40example.com&lang=es";
    let (status, first) = post_form(&app, &format!("/incidents/{api}/follow"), body).await;
    assert_eq!(status, 200, "{first}");
    assert!(first.contains("Revise su bandeja de entrada"), "{first}");
    let confirmation = smtp.wait_for(who, 1).await[0].decoded();
    assert!(
        confirmation.contains("Confirme que quiere noticias de este incidente")
            && confirmation.contains("sobre «API errors»"),
        "{confirmation}"
    );
    // Asking again (a known address) gets the same answer.
    let (status, again) = post_form(&app, &format!("/incidents/{api}/follow"), body).await;
    assert_eq!((status, again.as_str()), (200, first.as_str()));
    smtp.wait_for(who, 2).await;

    let token = confirm_token(&confirmation);
    // In their language, without asking the browser's.
    let confirmed = app.get(&format!("/follow/{token}/confirm")).await;
    let confirmed = confirmed.text().await.unwrap();
    assert!(
        confirmed.contains("Está siguiendo este incidente") && confirmed.contains("API errors"),
        "{confirmed}"
    );
    // No subscription: not stored as one, and its manage page does not open.
    assert!(app.subscriber(who).is_none());
    let manage = app.get(&format!("/subscriptions/{token}")).await;
    assert_eq!(manage.status(), 404);

    // The other incident's news is not theirs; this one's is.
    update(
        &app,
        &db,
        json!({"status": "identified", "body": "Index rebuilt."}),
    )
    .await;
    update(
        &app,
        &api,
        json!({"status": "identified", "body": "A bad deploy.",
        "workaround": "Use the web app."}),
    )
    .await;
    let mails = smtp.wait_for(who, 3).await;
    let news = mails[2].decoded();
    assert!(
        news.contains("A bad deploy.")
            && news.contains("Dejar de seguir este incidente")
            && news.contains("Use the web app.")
            && !news.contains("Index rebuilt."),
        "{news}"
    );
    assert!(
        (mails[2].header("list-unsubscribe").unwrap_or_default())
            .ends_with(&format!("/follow/{token}/stop>"))
    );
    update(
        &app,
        &api,
        json!({"status": "resolved", "body": "Rolled back."}),
    )
    .await;
    let resolved = smtp.wait_for(who, 4).await[3].decoded();
    assert!(
        resolved.contains("Este incidente está resuelto")
            && resolved.contains("¿Le funciona todo ya?")
            && resolved.contains(&format!("/feedback/{api}/{token}/working")),
        "{resolved}"
    );
    // The other incident resolving is not theirs either.
    update(
        &app,
        &db,
        json!({"status": "resolved", "body": "Fast again."}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let theirs: Vec<String> = (smtp.mails().into_iter())
        .filter(|m| m.to.iter().any(|t| t == who))
        .map(|m| m.decoded())
        .collect();
    assert_eq!(
        theirs.len(),
        4,
        "two confirmations, one update, the resolution"
    );
    assert!(!theirs.iter().any(|m| m.contains("Slow queries")));

    // A resolved incident has nothing left to follow.
    let (status, closed) = post_form(&app, &format!("/incidents/{api}/follow"), body).await;
    assert_eq!(status, 409, "{closed}");
    assert!(closed.contains("No queda nada que seguir"), "{closed}");
    let (status, _) = post_form(&app, "/incidents/zzzzzzzzzzzz/follow", body).await;
    assert_eq!(status, 404);

    // One click stops it; the record is gone.
    let (status, stopped) = post_form(
        &app,
        &format!("/follow/{token}/stop"),
        "List-Unsubscribe=One-Click",
    )
    .await;
    assert_eq!(status, 200);
    assert!(stopped.contains("no longer follow"), "{stopped}");
    assert!(app.store.all_subscribers().unwrap().is_empty());

    // The subscribe form's allowance per network covers following too: five
    // posts above, then 429 with Retry-After by the eleventh.
    let follow = format!("/incidents/{api}/follow");
    let mut limited = None;
    for _ in 0..6 {
        let res = client()
            .post(format!("{}{follow}", app.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            limited = Some(res);
            break;
        }
    }
    let limited = limited.expect("a network's eleventh follow in an hour is refused");
    assert!(limited.headers().contains_key("retry-after"));
}
