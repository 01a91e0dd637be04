//! A full disk and its recovery: on a real 2 MB tmpfs where this machine
//! lets the test mount one (root, mount allowed), otherwise through the
//! store's fault seam. Either way the app's own write, health and recovery
//! paths run; only what fills the disk differs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use std::sync::Arc;

use candor::clock::SystemClock;
use serde_json::Value;

use super::{incident, serve_in};
use crate::helpers::{API_AND_DB, TOKEN, admin_request, client, spawn_app_full};

/// A small tmpfs, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path) -> Option<Self> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
            .arg(at)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| Self(at.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

async fn healthz(base: &str) -> u16 {
    let res = client().get(format!("{base}/healthz")).send().await;
    res.unwrap().status().as_u16()
}

/// Polls /healthz until it answers `code` (fails after 15 s).
async fn wait_for_health(base: &str, code: u16) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while healthz(base).await != code {
        assert!(Instant::now() < deadline, "/healthz never answered {code}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An incident whose record is larger than a memory page (about 9 KB): a
/// full tmpfs still takes writes into the last page a file already has, so a
/// small record written after the disk filled may fit in that slack (and is
/// then truly stored). How much slack there is depends on every byte the
/// database wrote before (another tree opened at start moved it); a record
/// larger than any slack needs a new page, which a full disk refuses.
async fn post(base: &str, name: &str) -> (u16, serde_json::Value) {
    let mut body = incident(name);
    body["body"] = Value::from("Requests fail. ".repeat(600));
    admin_request(base, "POST", "/incidents", body).await
}

/// What the app did through a full disk and after it: every acknowledged
/// incident is still there, and /healthz told the truth throughout.
async fn full_disk_then_room(base: &str, fill: impl Fn(), free: impl Fn()) {
    let (status, kept) = post(base, "Before").await;
    assert_eq!(status, 201);
    fill();
    let (status, _) = post(base, "During").await;
    assert_eq!(status, 503, "nothing is acknowledged that is not on disk");
    // Truthful for as long as it lasts, whatever else is written in memory.
    for _ in 0..3 {
        assert_eq!(healthz(base).await, 503);
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    assert_eq!(post(base, "Still during").await.0, 503);
    free();
    wait_for_health(base, 200).await;
    let (status, after) = post(base, "After").await;
    assert_eq!(status, 201, "{after}");
    for id in [&kept["id"], &after["id"]] {
        let path = format!("/incidents/{}", id.as_str().unwrap());
        let (status, _) = admin_request(base, "GET", &path, Value::Null).await;
        assert_eq!(status, 200, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_writes_says_so_once_and_recovers_when_space_is_freed() {
    let dir = tempfile::tempdir().unwrap();
    // The data directory itself is the small disk.
    let mount = dir.path().join("data");
    std::fs::create_dir_all(&mount).unwrap();
    let Some(_tmpfs) = Tmpfs::mount(&mount) else {
        // No mount allowed here: the store's fault seam instead.
        let app = spawn_app_full(API_AND_DB, Some(TOKEN), Arc::new(SystemClock)).await;
        let store = app.store.clone();
        let fill = || store.inject_disk_full(true);
        full_disk_then_room(&app.base, fill, || app.store.inject_disk_full(false)).await;
        return;
    };
    let app = serve_in(&dir, "");
    let filler = mount.join("filler");
    // Larger than the tmpfs: the write stops where the disk is full.
    let fill = || drop(std::fs::write(&filler, vec![0u8; 4 << 20]));
    let free = || std::fs::remove_file(&filler).unwrap();
    full_disk_then_room(&app.base, fill, free).await;
    // The log said it once, and the recovery; not a line a second.
    let log = app.log();
    let said = |what: &str| log.iter().filter(|l| l.contains(what)).count();
    assert_eq!(said("storage failing"), 1, "{log:#?}");
    assert_eq!(said("storage recovered"), 1, "{log:#?}");
    assert!(said(" ERROR ") <= 2, "{log:#?}");
}
