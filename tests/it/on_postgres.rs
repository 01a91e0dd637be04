//! The real binary on PostgreSQL (`CANDOR_DATABASE_URL`): what it stores
//! outlives the process and its data directory, a database that cannot be
//! reached is a clear error at start, and a database restarted under a
//! running Candor is reported on /healthz, then used again.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{
    Binary, TOKEN, admin_request, client, config_with, run_candor, wait_for_page,
};
use crate::postgres::{cluster, own_cluster, psql};
use crate::target::{Mode, Target};

const COMPONENTS: &str = "[[components]]\nid = \"api\"\nname = \"Public API\"\n\n\
                          [[components]]\nid = \"db\"\nname = \"Database\"\n";

fn checked(url: &str, cadence: &str) -> String {
    format!(
        "{COMPONENTS}\n[[checks]]\nid = \"api-health\"\ncomponent = \"api\"\nname = \"API health\"\n\
         url = \"{url}\"\n{cadence}\ntimeout = \"1s\"\nfailure_threshold = 2\n"
    )
}

/// The binary on `body`, in a fresh data directory, on the database at `url`.
fn serve(dir: &tempfile::TempDir, body: &str, url: &str) -> Binary {
    let path = dir.path().join("c.toml");
    std::fs::write(&path, config_with(dir.path(), body)).unwrap();
    Binary::serve_with_env(
        &path,
        &[("CANDOR_ADMIN_TOKEN", TOKEN), ("CANDOR_DATABASE_URL", url)],
    )
}

fn incident(name: &str) -> serde_json::Value {
    json!({"name": name, "status": "investigating", "impact": "major",
           "body": "Requests fail.", "components": {"db": "major_outage"}})
}

#[tokio::test]
async fn what_candor_stores_on_postgres_outlives_the_process_and_its_data_directory() {
    let url = cluster().fresh_database();
    let target = Target::start(Mode::Answer(503, "down")).await;
    let first_dir = tempfile::tempdir().unwrap();
    let mut app = serve(
        &first_dir,
        &checked(&target.url("/"), "every = \"200ms\""),
        &url,
    );
    assert!(
        app.log().iter().any(|l| l.contains("data in PostgreSQL")),
        "{:?}",
        app.log()
    );
    let client = client();
    wait_for_page(&client, &app.base, "the automatic incident", |p| {
        p.contains("Major outage")
    })
    .await;
    let (status, _) = admin_request(
        &app.base,
        "POST",
        "/incidents",
        incident("Database failover"),
    )
    .await;
    assert_eq!(status, 201);
    app.kill_9();
    let stored = psql(&url, "SELECT count(*) FROM incidents").unwrap();
    assert_eq!(stored, "2", "the automatic incident and the engineer's");

    // Another data directory, a target that is up and a schedule that does
    // not fire: what the page shows comes from the database.
    let second = Target::start(Mode::Answer(200, "ok")).await;
    let other_dir = tempfile::tempdir().unwrap();
    let app = serve(
        &other_dir,
        &checked(&second.url("/"), "schedule = \"0 0 0 1 1 *\""),
        &url,
    );
    let page = wait_for_page(&client, &app.base, "a page", |_| true).await;
    assert!(page.contains("Database failover"), "{page}");
    assert!(
        page.contains("API health: HTTP 503 Service Unavailable"),
        "{page}"
    );
    assert_eq!(second.hits(), 0);
}

#[test]
fn a_database_that_cannot_be_reached_is_a_clear_error_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    let url =
        "postgres://candor:hunter2-secret@127.0.0.1:1/candor?sslmode=disable&connect_timeout=2";
    let body = format!("[server]\ndatabase_url = \"{url}\"\n");
    // `[server]` is already in the config: put the key there.
    let text = config_with(dir.path(), COMPONENTS).replace("[server]\n", &body);
    std::fs::write(&path, text).unwrap();
    let out = run_candor(&["serve", "--config", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot connect to PostgreSQL"), "{err}");
    assert!(
        !err.contains("hunter2"),
        "the password is never printed: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    let bad = dir.path().join("bad.toml");
    let text = config_with(dir.path(), COMPONENTS)
        .replace("[server]\n", "[server]\ndatabase_url = \"mysql://db\"\n");
    std::fs::write(&bad, text).unwrap();
    let out = run_candor(&["check-config", "--config", bad.to_str().unwrap()]);
    assert_ne!(out.status.code(), Some(0));
    let said = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("server.database_url"), "{said}");
}

async fn healthz(base: &str) -> (u16, String) {
    let res = client()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn wait_for_health(base: &str, code: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = healthz(base).await;
        if status == code {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "/healthz never answered {code}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_database_restarted_under_candor_is_reported_then_used_again() {
    let db = own_cluster();
    let url = db.fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let app = serve(&dir, COMPONENTS, &url);
    let (status, _) = admin_request(&app.base, "POST", "/incidents", incident("Before")).await;
    assert_eq!(status, 201);

    // Blocking, briefly: Candor runs in its own process.
    db.stop();
    let (status, _) = admin_request(&app.base, "POST", "/incidents", incident("During")).await;
    assert_eq!(status, 503, "nothing is acknowledged that is not stored");
    let body = wait_for_health(&app.base, 503).await;
    assert!(body.contains("\"storage\":\"failing\""), "{body}");
    // The public page is served from memory meanwhile.
    let page = client().get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);

    db.start();
    wait_for_health(&app.base, 200).await;
    let (status, _) = admin_request(&app.base, "POST", "/incidents", incident("After")).await;
    assert_eq!(status, 201);
    let names = psql(
        &url,
        "SELECT string_agg(name, ',' ORDER BY name) FROM \
         (SELECT convert_from(record, 'UTF8')::jsonb->>'name' AS name FROM incidents) AS i",
    )
    .unwrap();
    assert_eq!(names, "After,Before");
}
