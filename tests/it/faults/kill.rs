//! kill -9 in the middle of things: engineers' writes and a broadcast.
//! Whatever was acknowledged is there after the restart, and every
//! subscriber gets the notice (at least once).

use std::time::Duration;

use super::{incident, serve, serve_in};
use crate::email::link;
use crate::helpers::{TOKEN, admin_request, client};
use crate::smtp::Smtp;

/// An incident's id when it was answered 201; None once the app is gone.
async fn try_post(base: &str, name: &str) -> Option<String> {
    let res = client()
        .post(format!("{base}/api/admin/v1/incidents"))
        .bearer_auth(TOKEN)
        .json(&incident(name))
        .send()
        .await
        .ok()?;
    if res.status() != 201 {
        return None;
    }
    let body: serde_json::Value = res.json().await.ok()?;
    Some(body["id"].as_str()?.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_stream_of_writes_loses_nothing_acknowledged() {
    let (mut app, dir) = serve("");
    let base = app.base.clone();
    // Two writers, each keeping the ids of the incidents answered 201.
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let base = base.clone();
            tokio::spawn(async move {
                let mut acked = Vec::new();
                for n in 0.. {
                    let name = format!("Writer {w} incident {n}");
                    match try_post(&base, &name).await {
                        Some(id) => acked.push(id),
                        None => break,
                    }
                }
                acked
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    app.kill_9();
    let mut acked = Vec::new();
    for w in writers {
        acked.extend(w.await.unwrap());
    }
    assert!(
        acked.len() >= 4,
        "too few writes to mean much: {}",
        acked.len()
    );
    let app = serve_in(&dir, "");
    for id in &acked {
        let (status, _) = admin_request(
            &app.base,
            "GET",
            &format!("/incidents/{id}"),
            serde_json::Value::Null,
        )
        .await;
        assert_eq!(status, 200, "acknowledged incident {id} lost");
    }
}

/// Subscribes `email` through the web form and its confirmation link.
async fn subscribe(base: &str, smtp: &Smtp, email: &str) {
    let form = client()
        .post(format!("{base}/subscribe"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("email={}", email.replace('@', "%40")))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let confirmation = smtp.wait_for(email, 1).await.remove(0);
    let confirmed = client().get(link(&confirmation, "/confirm")).send().await;
    assert_eq!(confirmed.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_broadcast_still_gets_the_notice_to_everyone() {
    let smtp = Smtp::start().await;
    let email = format!(
        "[email]\nfrom = \"Status <status@test.example>\"\nsmtp_url = \"{}\"\n",
        smtp.url()
    );
    let (mut app, dir) = serve(&email);
    // Under the per-address limit on subscribing (10 an hour).
    let readers: Vec<String> = (0..8).map(|i| format!("reader{i}@example.com")).collect();
    for r in &readers {
        subscribe(&app.base, &smtp, r).await;
    }
    // Slow enough that the broadcast is still going when the kill comes.
    smtp.slow_down(Duration::from_millis(100));
    let (status, _) = admin_request(&app.base, "POST", "/incidents", incident("Killed")).await;
    assert_eq!(status, 201);
    let notices = || smtp.with_subject("Major outage");
    smtp.wait_for_subject("Major outage").await;
    app.kill_9();
    let at_kill = notices().len();
    smtp.slow_down(Duration::ZERO);
    let _app = serve_in(&dir, &email);
    for r in &readers {
        let got = smtp.wait_for(r, 2).await;
        assert!(
            got.len() >= 2,
            "{r} got no notice (sent {at_kill} before the kill)"
        );
    }
}
