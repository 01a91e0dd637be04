//! The SMTP server restarts under Candor.

use super::{incident, serve};
use crate::email::link;
use crate::helpers::{admin_request, client};
use crate::smtp::Smtp;

/// A pooled connection to the old server is dead; the first send on it
/// must be retried on a fresh one at once, not pause the broadcast.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_smtp_server_costs_no_paused_broadcast() {
    let smtp = Smtp::start().await;
    let email = format!(
        "[email]\nfrom = \"Status <status@test.example>\"\nsmtp_url = \"{}\"\n",
        smtp.url()
    );
    let (app, _dir) = serve(&email);
    let form = client()
        .post(format!("{}/subscribe", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("email=reader%40example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    // The confirmation leaves a pooled connection to the old server.
    let confirmation = smtp.wait_for("reader@example.com", 1).await.remove(0);
    let confirmed = client().get(link(&confirmation, "/confirm")).send().await;
    assert_eq!(confirmed.unwrap().status(), 200);

    smtp.stop().await;
    let restarted = Smtp::start_on(&smtp.addr.to_string()).await;
    let (status, _) = admin_request(&app.base, "POST", "/incidents", incident("Restart")).await;
    assert_eq!(status, 201);
    let mail = restarted.wait_for("reader@example.com", 1).await.remove(0);
    assert!(mail.header("subject").unwrap().contains("Major outage"));
    let paused: Vec<String> = (app.log().into_iter())
        .filter(|l| l.contains("broadcast paused"))
        .collect();
    assert!(paused.is_empty(), "{paused:?}");
}
