//! Subscriber email through a real SMTP server: confirmation, routing by
//! component, headers and threading, unsubscribe, feedback, and faults (server
//! down, kill -9 with jobs queued, one recipient refused).

use std::sync::Arc;
use std::time::Duration;

use candor::clock::SystemClock;
use serde_json::{Value, json};

use crate::helpers::{Binary, TOKEN, TestApp, admin_request, client, config_with, spawn_app_full};
use crate::smtp::{Mail, Smtp};

fn config(smtp_url: &str) -> String {
    format!(
        r#"
[email]
from = "Test Status <status@test.example>"
smtp_url = "{smtp_url}"

[[components]]
id = "api"
name = "Public API"

[[components]]
id = "db"
name = "Database"
"#
    )
}

async fn spawn(smtp_url: &str) -> TestApp {
    spawn_app_full(&config(smtp_url), Some(TOKEN), Arc::new(SystemClock)).await
}

/// A confirmed subscriber, made through the write path as the web flow would.
async fn subscribe(app: &TestApp, email: &str, components: &[&str]) -> String {
    app.confirmed_subscriber(email, components).await
}

async fn post(base: &str, path: &str, body: Value) -> Value {
    let (status, answer) = admin_request(base, "POST", path, body).await;
    assert!((200..300).contains(&status), "{path}: {status} {answer}");
    answer
}

fn open_api_incident() -> Value {
    json!({"name": "Elevated API errors", "status": "investigating", "impact": "major",
           "body": "Requests fail with 503.", "components": {"api": "major_outage"},
           "cause": "A failed failover", "workaround": "Retry in a minute"})
}

fn notices(mails: Vec<Mail>) -> Vec<Mail> {
    mails
        .into_iter()
        .filter(|m| {
            !m.header("subject")
                .unwrap_or_default()
                .contains("subscription")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_get_notices_only_for_their_components_with_unsubscribe_headers() {
    let smtp = Smtp::start().await;
    let app = spawn(&smtp.url()).await;
    subscribe(&app, "api@example.com", &["api"]).await;
    subscribe(&app, "db@example.com", &["db"]).await;
    subscribe(&app, "all@example.com", &[]).await;
    post(&app.base, "/incidents", open_api_incident()).await;
    let mail = notices(smtp.wait_for("api@example.com", 2).await)
        .pop()
        .unwrap();
    notices(smtp.wait_for("all@example.com", 2).await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        notices(
            smtp.mails()
                .into_iter()
                .filter(|m| m.to.contains(&"db@example.com".into()))
                .collect()
        )
        .is_empty(),
        "db subscriber got an api notice"
    );

    let subject = mail.header("subject").unwrap();
    assert!(
        subject.contains("[Test Status]") && subject.contains("Investigating"),
        "{subject}"
    );
    assert!(
        mail.header("content-type")
            .unwrap()
            .contains("multipart/alternative")
    );
    let unsubscribe = mail.header("list-unsubscribe").unwrap();
    assert!(
        unsubscribe.starts_with("<http://127.0.0.1:") && unsubscribe.contains("/unsubscribe>"),
        "{unsubscribe}"
    );
    assert_eq!(
        mail.header("list-unsubscribe-post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(mail.data.contains("text/plain") && mail.data.contains("text/html"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_emails_of_an_incident_share_one_thread() {
    let smtp = Smtp::start().await;
    let app = spawn(&smtp.url()).await;
    subscribe(&app, "a@example.com", &[]).await;
    let incident = post(&app.base, "/incidents", open_api_incident()).await;
    let id = incident["id"].as_str().unwrap();
    notices(smtp.wait_for("a@example.com", 2).await);
    post(
        &app.base,
        &format!("/incidents/{id}/updates"),
        json!({"status": "resolved", "body": "Fixed."}),
    )
    .await;
    let mails = notices(smtp.wait_for("a@example.com", 3).await);
    let root = mails[0].header("message-id").unwrap();
    assert!(root.contains(id), "{root}");
    assert_eq!(
        mails[1].header("in-reply-to").as_deref(),
        Some(root.as_str())
    );
    assert!(mails[1].header("references").unwrap().contains(&root));
    assert_ne!(mails[1].header("message-id"), Some(root));
    assert!(
        mails[1].data.contains("/feedback/"),
        "the resolution asks whether it works"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_one_click_unsubscribe_nothing_more_arrives() {
    let smtp = Smtp::start().await;
    let app = spawn(&smtp.url()).await;
    let token = subscribe(&app, "gone@example.com", &[]).await;
    subscribe(&app, "stays@example.com", &[]).await;
    let res = client()
        .post(format!("{}/subscriptions/{token}/unsubscribe", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    post(&app.base, "/incidents", open_api_incident()).await;
    notices(smtp.wait_for("stays@example.com", 2).await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let to_gone: Vec<Mail> = smtp
        .mails()
        .into_iter()
        .filter(|m| m.to.contains(&"gone@example.com".into()))
        .collect();
    assert!(
        notices(to_gone).is_empty(),
        "an unsubscribed address got mail"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_550_for_one_recipient_does_not_block_the_others() {
    let smtp = Smtp::start().await;
    smtp.refuse("bounce@example.com");
    let app = spawn(&smtp.url()).await;
    subscribe(&app, "bounce@example.com", &[]).await;
    subscribe(&app, "fine@example.com", &[]).await;
    post(&app.base, "/incidents", open_api_incident()).await;
    notices(smtp.wait_for("fine@example.com", 2).await);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        // Its confirmation and the notice were both refused, and neither retried.
        if metrics.contains("candor_emails_failed_total 2") {
            assert!(
                metrics.contains("candor_outbox_queued 0"),
                "the refused one is not retried: {metrics}"
            );
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{metrics}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_posted_while_smtp_is_down_arrive_when_it_is_back() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn(&format!("smtp://127.0.0.1:{port}")).await;
    subscribe(&app, "patient@example.com", &[]).await;
    post(&app.base, "/incidents", open_api_incident()).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let page = app.get("/").await.status();
    assert_eq!(page, 200, "an SMTP outage never blocks the page");
    let smtp = Smtp::start_on(&format!("127.0.0.1:{port}")).await;
    notices(smtp.wait_for("patient@example.com", 1).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_notices_survive_kill_9_and_go_out_after_restart() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        config_with(dir.path(), &config(&format!("smtp://127.0.0.1:{port}"))),
    )
    .unwrap();
    let mut app = Binary::serve_with_env(&path, &[("CANDOR_ADMIN_TOKEN", TOKEN)]);
    // Subscribe through the web flow: the confirmation is queued too.
    let form = client()
        .post(format!("{}/subscribe", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("email=crash%40example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    app.kill_9();

    let smtp = Smtp::start_on(&format!("127.0.0.1:{port}")).await;
    let _app = Binary::serve_with_env(&path, &[("CANDOR_ADMIN_TOKEN", TOKEN)]);
    let mail = smtp.wait_for("crash@example.com", 1).await.remove(0);
    assert!(
        mail.header("subject").unwrap().contains("Confirm"),
        "{:?}",
        mail.header("subject")
    );
}

/// The first `http://...` link in a mail's text that contains `needle`
/// (quoted-printable soft breaks joined).
pub(crate) fn link(mail: &Mail, needle: &str) -> String {
    let text = mail.data.replace("=\r\n", "").replace("=3D", "=");
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .find(|w| w.starts_with("http://") && w.contains(needle))
        .unwrap_or_else(|| panic!("no link with {needle:?} in:\n{}", mail.data))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_gets_nothing_but_the_confirmation_until_they_follow_its_link() {
    let smtp = Smtp::start().await;
    let app = spawn(&smtp.url()).await;
    let form = client()
        .post(format!("{}/subscribe", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("email=new%40example.com&components=api")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let confirmation = smtp.wait_for("new@example.com", 1).await.remove(0);
    assert!(confirmation.header("subject").unwrap().contains("Confirm"));
    post(&app.base, "/incidents", open_api_incident()).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        smtp.wait_for("new@example.com", 1).await.len(),
        1,
        "an unconfirmed address got a notice"
    );

    let confirm = link(&confirmation, "/confirm");
    assert_eq!(client().get(&confirm).send().await.unwrap().status(), 200);
    post(&app.base, "/incidents", json!({"name": "Second", "status": "identified", "body": "x", "components": {"api": "partial_outage"}})).await;
    let mails = smtp.wait_for("new@example.com", 2).await;
    assert!(
        mails[1]
            .header("subject")
            .unwrap()
            .contains("Partial outage"),
        "{:?}",
        mails[1].header("subject")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_resolution_emails_still_broken_link_reaches_the_engineers() {
    let smtp = Smtp::start().await;
    let app = spawn(&smtp.url()).await;
    subscribe(&app, "user@example.com", &[]).await;
    let incident = post(&app.base, "/incidents", open_api_incident()).await;
    let id = incident["id"].as_str().unwrap();
    post(
        &app.base,
        &format!("/incidents/{id}/updates"),
        json!({"status": "resolved", "body": "Fixed."}),
    )
    .await;
    let resolution = notices(smtp.wait_for("user@example.com", 3).await)
        .pop()
        .unwrap();
    let still_broken = link(&resolution, "still-broken");
    assert_eq!(
        client().get(&still_broken).send().await.unwrap().status(),
        200
    );
    let res = client()
        .get(format!("{}/api/admin/v1/incidents/{id}/feedback", app.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let counts: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(counts["still_broken"], 1, "{counts}");
    assert!(counts["last_still_broken"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_url_mail_is_written_as_eml_files_in_the_data_dir() {
    let body = "[[components]]\nid = \"api\"\nname = \"Public API\"\n";
    let app = spawn_app_full(body, Some(TOKEN), Arc::new(SystemClock)).await;
    let form = client()
        .post(format!("{}/subscribe", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("email=files%40example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let dir = app.data_dir.join("outbox-files");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let eml: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .collect();
        if let Some(file) = eml.first() {
            let text = std::fs::read_to_string(file.path()).unwrap();
            assert!(
                text.contains("files@example.com") && text.contains("/confirm"),
                "{text}"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no .eml file in {}",
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
