//! `[export] dir`: a running Candor keeps a directory equal to the site after
//! every change, rewriting only what changed, and survives one it cannot write.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use candor::clock::SystemClock;
use serde_json::json;

use super::COMPONENTS;
use crate::helpers::{TOKEN, TestApp, admin_request, spawn_app_full};

/// The app in this process, keeping a live export in `dir`.
async fn spawn_exporting(dir: &Path) -> TestApp {
    let body = format!("{COMPONENTS}\n[export]\ndir = \"{}\"\n", dir.display());
    spawn_app_full(&body, Some(TOKEN), Arc::new(SystemClock)).await
}

/// Polls until the file at `path` exists and `pred` holds for its text.
async fn wait_for_file(path: &Path, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if pred(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {}:\n{text}",
            path.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// (inode, modification time) of a file: both stay when it is not rewritten.
fn stamp(path: &Path) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).unwrap();
    (meta.ino(), meta.modified().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_candor_keeps_the_export_dir_equal_to_the_site_after_each_change() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let app = spawn_exporting(&out).await;
    wait_for_file(&out.join("index.html"), |t| t.contains("Public API")).await;
    let css = out.join("static/style.css");
    let before = stamp(&css);

    let incident = json!({
        "name": "Live export outage", "status": "identified", "body": "A failover.",
        "components": {"api": "major_outage"}, "cause": "A failed disk"
    });
    let (status, incident) = admin_request(&app.base, "POST", "/incidents", incident).await;
    assert_eq!(status, 201, "{incident}");
    let id = incident["id"].as_str().unwrap();
    wait_for_file(&out.join("index.html"), |t| {
        t.contains("Live export outage")
    })
    .await;
    let page = wait_for_file(&out.join(format!("incidents/{id}/index.html")), |t| {
        t.contains("A failed disk")
    })
    .await;
    assert!(page.contains("Live export outage"), "{page}");
    let summary = std::fs::read(out.join("api/v2/summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&summary).unwrap();
    assert_eq!(summary["incidents"][0]["name"], "Live export outage");
    assert_eq!(stamp(&css), before, "an unchanged file was rewritten");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("candor_export_failures_total 0"),
        "{metrics}"
    );
    app.stop.cancel();
    app.task.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_dir_that_cannot_be_written_is_counted_and_retried_after_the_next_change() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "a file where the directory must go").unwrap();
    let app = spawn_exporting(&blocker.join("site")).await;
    let incident = json!({
        "name": "Unexported outage", "status": "investigating", "body": "Looking.",
        "components": {"api": "major_outage"}
    });
    let (status, _) = admin_request(&app.base, "POST", "/incidents", incident).await;
    assert_eq!(status, 201);
    assert!(app.page().await.contains("Unexported outage"));
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        if !metrics.contains("candor_export_failures_total 0") {
            assert!(
                metrics.contains("candor_export_failures_total "),
                "{metrics}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "no failure counted: {metrics}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    std::fs::remove_file(&blocker).unwrap();
    let (status, _) = admin_request(
        &app.base,
        "PATCH",
        "/components/api",
        json!({"status": "degraded_performance"}),
    )
    .await;
    assert_eq!(status, 200);
    wait_for_file(&blocker.join("site/index.html"), |t| {
        t.contains("Unexported outage")
    })
    .await;
    app.stop.cancel();
    app.task.await.unwrap().unwrap();
}
