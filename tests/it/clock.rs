//! The application reads time from the one clock it was built with: a test
//! that moves it sees checks come due and confirmation links expire, without
//! waiting a week.

use std::sync::Arc;
use std::time::{Duration, Instant};

use candor::clock::ManualClock;

use crate::helpers::{TestApp, spawn_app_full};
use crate::target::{Mode, Target};

const COMPONENTS: &str = "[[components]]\nid = \"api\"\nname = \"Public API\"\n";

async fn spawn(body: &str) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::default());
    (spawn_app_full(body, None, clock.clone()).await, clock)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weekly_check_runs_as_soon_as_the_clock_reaches_its_next_run() {
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let body = format!(
        "{COMPONENTS}\n[[checks]]\ncomponent = \"api\"\nname = \"API health\"\nurl = \"{}\"\nevery = \"7d\"\n",
        target.url("/")
    );
    let (_app, clock) = spawn(&body).await;
    clock.advance(chrono::Duration::days(7));
    let deadline = Instant::now() + Duration::from_secs(10);
    while target.hits() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(target.hits() > 0, "the check never ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmation_link_expires_seven_days_later_on_the_apps_clock() {
    let (app, clock) = spawn(COMPONENTS).await;
    let signup = app
        .client
        .post(format!("{}/subscribe", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("email=late%40example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 200);
    let token = app.subscriber("late@example.com").expect("stored").token;
    clock.advance(chrono::Duration::days(6));
    let manage = app.get(&format!("/subscriptions/{token}")).await;
    assert_eq!(manage.status(), 200, "still pending after six days");
    clock.advance(chrono::Duration::days(2));
    let manage = app.get(&format!("/subscriptions/{token}")).await;
    assert_eq!(manage.status(), 404, "pending for eight days");
    let confirm = app.get(&format!("/subscriptions/{token}/confirm")).await;
    assert_eq!(confirm.status(), 404);
    assert!((confirm.text().await.unwrap()).contains("This link has expired or was already used"));
    assert!(
        app.subscriber("late@example.com").is_none(),
        "the expired subscription is forgotten"
    );
}
