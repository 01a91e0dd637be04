//! Delivery through the outbox: a 500 is retried with the same bytes (the
//! test moves the clock past the backoff instead of sleeping), later
//! deliveries to that url wait their turn, a 410 is kept as failed, a hanging
//! receiver holds up nobody else, and after a restart a queued delivery is
//! signed with the secret configured then, or dropped if its webhook is gone.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{COMPONENTS, admin, api_incident, hook, signature, spawn, wait_for_metric};
use crate::helpers::{Binary, TOKEN, admin_request, config_with};
use crate::receiver::{Receiver, Reply};
use crate::smtp::Smtp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_is_retried_with_the_same_delivery_and_later_ones_wait_their_turn() {
    let rx = Receiver::start(Reply::Status(200)).await;
    rx.script(&[Reply::Status(500)]);
    let (app, clock) = spawn(&hook(&rx.url("/"), "secret = \"s\"")).await;
    admin(&app, "POST", "/incidents", api_incident()).await;
    rx.wait_for(1).await;
    wait_for_metric(&app, "candor_outbox_retrying 1").await;
    assert!(
        !rx.requests().iter().any(|r| r.is_component()),
        "the component payload waits behind the incident"
    );
    clock.advance(chrono::Duration::hours(1));
    let got = rx.wait_for(3).await;
    let (refused, retried, after) = (&got[0], &got[1], &got[2]);
    assert_eq!(retried.body, refused.body, "a retry sends the same bytes");
    assert_eq!(
        retried.header("x-candor-delivery"),
        refused.header("x-candor-delivery")
    );
    assert_eq!(
        retried.header("x-candor-signature"),
        Some(signature("s", &retried.body).as_str())
    );
    assert!(
        !retried.is_component() && after.is_component(),
        "order kept"
    );
    wait_for_metric(&app, "candor_webhooks_sent_total 2").await;
    wait_for_metric(&app, "candor_outbox_queued 0").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_410_is_kept_as_failed_and_never_retried() {
    let rx = Receiver::start(Reply::Status(200)).await;
    rx.script(&[Reply::Status(410)]);
    let (app, clock) = spawn(&hook(&rx.url("/"), "")).await;
    admin(&app, "POST", "/incidents", api_incident()).await;
    wait_for_metric(&app, "candor_webhooks_failed_total 1").await;
    clock.advance(chrono::Duration::hours(1));
    admin(
        &app,
        "PATCH",
        "/components/db",
        json!({"status": "major_outage"}),
    )
    .await;
    // Had the refused incident been queued for a retry, it would come before
    // the db payload: deliveries to one url keep their order.
    let got = rx.wait_for(3).await;
    let kinds: Vec<bool> = got.iter().map(|r| r.is_component()).collect();
    assert_eq!(kinds, [false, true, true], "refused incident, api, then db");
    assert_eq!(got[2].json()["component_update"]["component_id"], "db");
    assert_eq!(app.store.outbox_counts().unwrap().failed, 1);
    let kept = app.store.failed_jobs(10).unwrap();
    assert_eq!(kept.len(), 1);
    let last_error = kept[0].1.last_error.as_deref().unwrap_or_default();
    assert!(last_error.contains("410"), "{last_error}");
    wait_for_metric(&app, "candor_outbox_failed 1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_receiver_delays_neither_other_receivers_nor_email() {
    let hanging = Receiver::start(Reply::Hang).await;
    let fine = Receiver::start(Reply::Status(200)).await;
    let smtp = Smtp::start().await;
    let email = format!("\n[email]\nsmtp_url = \"{}\"\n", smtp.url());
    let hooks = hook(&hanging.url("/"), "") + &hook(&fine.url("/"), "");
    let (app, _) = spawn(&(email + &hooks)).await;
    app.confirmed_subscriber("ops@example.com", &[]).await;
    let started = Instant::now();
    admin(&app, "POST", "/incidents", api_incident()).await;
    hanging.wait_for(1).await;
    fine.wait_for(2).await;
    smtp.wait_for("ops@example.com", 1).await;
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(8),
        "took {waited:?}: something waited for the hanging receiver (10 s timeout)"
    );
    assert_eq!(
        hanging.requests().len(),
        1,
        "its second payload waits behind the first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_a_queued_delivery_uses_the_secret_configured_now_or_is_dropped() {
    let kept = Receiver::start(Reply::Status(503)).await;
    let removed = Receiver::start(Reply::Status(503)).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    let before = hook(&kept.url("/"), "secret = \"old\"") + &hook(&removed.url("/"), "");
    std::fs::write(
        &path,
        config_with(dir.path(), &format!("{COMPONENTS}{before}")),
    )
    .unwrap();
    let mut app = Binary::serve_with_env(&path, &[("CANDOR_ADMIN_TOKEN", TOKEN)]);
    let (status, _) = admin_request(&app.base, "POST", "/incidents", api_incident()).await;
    assert_eq!(status, 201);
    kept.wait_for(1).await;
    removed.wait_for(1).await;
    app.kill_9();

    let after = hook(&kept.url("/"), "secret = \"new\"");
    std::fs::write(
        &path,
        config_with(dir.path(), &format!("{COMPONENTS}{after}")),
    )
    .unwrap();
    kept.script(&[Reply::Status(200), Reply::Status(200)]);
    let app = Binary::serve_with_env(&path, &[("CANDOR_ADMIN_TOKEN", TOKEN)]);
    let got = kept.wait_for(3).await;
    assert_eq!(got[1].body, got[0].body, "the queued incident, retried");
    assert_eq!(
        got[1].header("x-candor-signature"),
        Some(signature("new", &got[1].body).as_str())
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let metrics = crate::helpers::client()
            .get(format!("{}/metrics", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.lines().any(|l| l == "candor_outbox_queued 0") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "outbox never emptied:\n{metrics}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        removed.requests().len(),
        1,
        "a removed webhook gets nothing more"
    );
}
