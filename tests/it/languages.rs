//! Spanish and English: each visitor reads the page in the language they
//! prefer (Accept-Language), the switch (`?lang=`) sticks in a cookie, caches
//! are told what the body depends on, and a subscriber's emails come in the
//! language of the page they subscribed on, until they change it.

use std::sync::Arc;
use std::time::Duration;

use candor::clock::SystemClock;
use serde_json::json;

use crate::helpers::{TOKEN, TestApp, admin_request, client, spawn_app_full, spawn_app_with};
use crate::smtp::Smtp;

const COMPONENTS: &str = r#"
[[components]]
id = "api"
name = "Public API"
"#;

async fn fetch(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (reqwest::header::HeaderMap, String) {
    let mut req = client().get(format!("{}{path}", app.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    (res.headers().clone(), res.text().await.unwrap())
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name).map_or("", |v| v.to_str().unwrap_or(""))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_visitor_reads_their_language_and_the_switch_sticks() {
    let app = spawn_app_full(COMPONENTS, Some(TOKEN), Arc::new(SystemClock)).await;

    let (h, es) = fetch(&app, "/", &[("Accept-Language", "es-MX,es;q=0.9,en;q=0.5")]).await;
    assert!(es.contains("<html lang=\"es\""), "{es}");
    assert!(es.contains("Todos los sistemas operativos") && es.contains("Componentes"));
    assert!(!es.contains("All systems operational"));
    assert_eq!(header(&h, "content-language"), "es");
    let vary = header(&h, "vary");
    assert!(
        vary.contains("Accept-Encoding") && vary.contains("Accept-Language"),
        "{vary}"
    );
    // The way back, in the other language's own name.
    assert!(
        es.contains("href=\"?lang=en\" lang=\"en\" hreflang=\"en\">English</a>"),
        "{es}"
    );

    let (h, en) = fetch(&app, "/", &[("Accept-Language", "de-DE")]).await;
    assert!(en.contains("<html lang=\"en\"") && en.contains("All systems operational"));
    assert_eq!(header(&h, "content-language"), "en");
    assert!(en.contains("href=\"?lang=es\" lang=\"es\" hreflang=\"es\">Español</a>"));

    // The switch: ?lang=es answers in Spanish and remembers it.
    let (h, _) = fetch(&app, "/?lang=es", &[("Accept-Language", "en")]).await;
    let cookie = header(&h, "set-cookie");
    assert!(
        cookie.starts_with("lang=es") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let (_, page) = fetch(
        &app,
        "/components/api",
        &[("Accept-Language", "en"), ("Cookie", "lang=es")],
    )
    .await;
    assert!(
        page.contains("<html lang=\"es\"") && page.contains("Disponibilidad"),
        "{page}"
    );
    // A malformed header is no error: the default language, or the one it
    // still names (a bad weight is read leniently).
    for (given, lang) in [
        (";;;,q=,", "en"),
        (",,,", "en"),
        ("*;q=2", "en"),
        (&"x".repeat(5_000) as &str, "en"),
        ("es;q=abc,,", "es"),
    ] {
        let (h, page) = fetch(&app, "/", &[("Accept-Language", given)]).await;
        assert!(page.contains(&format!("<html lang=\"{lang}\"")), "{given}");
        assert_eq!(header(&h, "content-language"), lang, "{given}");
    }
    // A language the site does not offer is no choice.
    let (h, page) = fetch(&app, "/?lang=xx", &[]).await;
    assert!(page.contains("<html lang=\"en\""));
    assert_eq!(header(&h, "set-cookie"), "");

    // Badges, feeds and the history speak it too.
    let (_, badge) = fetch(&app, "/badge.svg", &[("Accept-Language", "es")]).await;
    assert!(
        badge.contains(">estado<") && badge.contains(">operativo<"),
        "{badge}"
    );
    let (_, feed) = fetch(&app, "/feed.rss?lang=es", &[]).await;
    assert!(feed.contains("<language>es</language>"), "{feed}");
    let (_, history) = fetch(&app, "/history", &[("Accept-Language", "es")]).await;
    assert!(history.contains("Historial de incidentes"), "{history}");
    // The subscribe page is made per request, in the visitor's language.
    let (_, form) = fetch(&app, "/subscribe", &[("Accept-Language", "es")]).await;
    assert!(form.contains("Correo electrónico") && form.contains("name=\"lang\" value=\"es\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_in_english_only_ignores_accept_language() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);
    let app = spawn_app_with(
        dir,
        "languages = [\"en\"]",
        COMPONENTS,
        Some(TOKEN),
        clock,
        |_| (),
    )
    .await;
    let (h, page) = fetch(&app, "/", &[("Accept-Language", "es")]).await;
    assert!(
        page.contains("<html lang=\"en\"") && !page.contains("?lang="),
        "{page}"
    );
    assert!(!header(&h, "vary").contains("Accept-Language"));
    assert_eq!(header(&h, "content-language"), "en");
}

fn config(smtp_url: &str) -> String {
    format!(
        "[email]\nfrom = \"Test Status <status@test.example>\"\nsmtp_url = \"{smtp_url}\"\n{COMPONENTS}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_is_written_to_in_the_language_they_subscribed_in_until_they_change_it() {
    let smtp = Smtp::start().await;
    let app = spawn_app_full(&config(&smtp.url()), Some(TOKEN), Arc::new(SystemClock)).await;
    let who = "ana@example.com";
    // The Spanish form carries its language.
    let res = client()
        .post(format!("{}/subscribe", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("email=ana%40example.com&lang=es")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-language"], "es");
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Revise su bandeja de entrada")
    );
    let confirmation = smtp.wait_for(who, 1).await[0].decoded();
    assert!(
        confirmation.contains("lang=\"es\"")
            && confirmation.contains("Confirmar para empezar a recibir avisos"),
        "{confirmation}"
    );
    let s = app.subscriber(who).expect("stored");
    assert_eq!(s.language.as_deref(), Some("es"));
    let page = client()
        .get(format!("{}/subscriptions/{}/confirm", app.base, s.token))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("Está suscrito"));

    let incident = json!({"name": "API errors", "status": "investigating", "impact": "major",
        "body": "Requests fail.", "components": {"api": "major_outage"}});
    let (status, opened) = admin_request(&app.base, "POST", "/incidents", incident).await;
    assert_eq!(status, 201, "{opened}");
    let notice = smtp.wait_for(who, 2).await[1].decoded();
    assert!(
        notice.contains("Por qué") && notice.contains("Interrupción grave"),
        "{notice}"
    );
    assert!(
        notice.contains("Requests fail."),
        "engineers' words as written: {notice}"
    );

    // The manage page opens in their language and changes it.
    let manage = client()
        .get(format!("{}/subscriptions/{}", app.base, s.token))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        manage.contains("Idioma de los correos")
            && manage.contains("<option value=\"es\" lang=\"es\" selected>"),
        "{manage}"
    );
    let saved = client()
        .post(format!("{}/subscriptions/{}", app.base, s.token))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("language=en")
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    assert!(saved.text().await.unwrap().contains("Saved."));
    let id = opened["id"].as_str().unwrap();
    let update = json!({"status": "identified", "body": "Found it."});
    let (status, _) = admin_request(
        &app.base,
        "POST",
        &format!("/incidents/{id}/updates"),
        update,
    )
    .await;
    assert!((200..300).contains(&status));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let english = smtp.wait_for(who, 3).await[2].decoded();
    assert!(
        english.contains("lang=\"en\"") && english.contains("Why") && !english.contains("Por qué"),
        "{english}"
    );
}
