//! The real binary: check-config, refusing bad configs, kill -9 and restart,
//! graceful shutdown.

use std::path::Path;
use std::time::Duration;

use crate::helpers::{Binary, config_with, run_candor, wait_for_page};
use crate::target::{Mode, Target};

const BROKEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/broken.toml");

/// Every problem in the broken fixture, by place.
const BROKEN_PLACES: &[&str] = &[
    "site.timezone: unknown time zone \"Atlantis/Capital\"",
    "checks[0].schedule:",
    "checks[1].timeuot: unknown key",
    "checks[2].component: unknown component \"nope\"",
    "checks[3].every: \"often\" is not a duration",
    "checks[3].url: a tcp check needs a host and a port",
];

#[test]
fn check_config_prints_every_problem_and_exits_1() {
    let out = run_candor(&["check-config", "--config", BROKEN]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for place in BROKEN_PLACES {
        assert!(text.contains(place), "missing {place:?} in:\n{text}");
    }
    assert!(text.contains("6 problems"), "{text}");
}

#[test]
fn check_config_accepts_the_sample_and_exits_0() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/checks.toml");
    let out = run_candor(&["check-config", "--config", sample]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("is valid"));
}

#[test]
fn serve_refuses_a_broken_config_with_the_same_messages() {
    let out = run_candor(&["serve", "--config", BROKEN]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    for place in BROKEN_PLACES {
        assert!(text.contains(place), "missing {place:?} in:\n{text}");
    }
}

#[test]
fn a_missing_config_file_is_named() {
    let out = run_candor(&["check-config", "--config", "/nonexistent/candor.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("/nonexistent/candor.toml"));
}

#[test]
fn an_unusable_data_dir_is_named_and_serve_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let config = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{}\"\n",
        blocker.join("data").display()
    );
    let path = dir.path().join("checks.toml");
    std::fs::write(&path, config).unwrap();
    let out = run_candor(&["serve", "--config", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&blocker.join("data").display().to_string()),
        "{err}"
    );
}

fn write_config(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, config_with(dir, body)).unwrap();
    path
}

fn watched(url: &str, cadence: &str) -> String {
    format!(
        "[[components]]\nid = \"api\"\nname = \"Public API\"\n\n[[checks]]\nid = \"api-health\"\n\
         component = \"api\"\nname = \"API health\"\nurl = \"{url}\"\n{cadence}\n\
         timeout = \"1s\"\nfailure_threshold = 2\n"
    )
}

#[tokio::test]
async fn an_outage_is_still_shown_after_kill_9_and_restart() {
    let target = Target::start(Mode::Answer(503, "down")).await;
    let dir = tempfile::tempdir().unwrap();
    let fast = write_config(
        dir.path(),
        "fast.toml",
        &watched(&target.url("/"), "every = \"200ms\""),
    );
    let client = crate::helpers::client();
    let mut app = Binary::serve(&fast);
    wait_for_page(&client, &app.base, "the outage", |p| {
        p.contains("Major outage")
    })
    .await;
    app.kill_9();

    // Restarted against a second target, on a schedule that won't fire during the
    // test: whatever the page shows now comes from what was stored before the kill.
    let second = Target::start(Mode::Answer(200, "ok")).await;
    let idle = write_config(
        dir.path(),
        "idle.toml",
        &watched(&second.url("/"), "schedule = \"0 0 0 1 1 *\""),
    );
    let app = Binary::serve(&idle);
    let page = wait_for_page(&client, &app.base, "a page", |_| true).await;
    assert!(page.contains("Major outage"), "{page}");
    assert!(
        page.contains("API health: HTTP 503 Service Unavailable"),
        "{page}"
    );
    assert_eq!(second.hits(), 0, "no check ran after the restart");
}

#[test]
fn logs_to_a_pipe_have_no_colour_codes() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), "c.toml", "");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_candor"))
        .args(["serve", "--config"])
        .arg(&path)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let listening = loop {
        let Some(Ok(line)) = lines.next() else {
            break false;
        };
        let done = line.contains("listening on");
        seen.push(line);
        if done {
            break true;
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    let log = seen.join("\n");
    assert!(listening, "candor exited before listening:\n{log}");
    assert!(!log.contains('\u{1b}'), "escape codes in:\n{log}");
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly_with_exit_0() {
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "c.toml",
        &watched(&target.url("/"), "every = \"200ms\""),
    );
    let mut app = Binary::serve(&path);
    let client = crate::helpers::client();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let res = client.get(format!("{}/healthz", app.base)).send().await;
        if res.is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not healthy within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let status = app.terminate().await;
    assert_eq!(status.code(), Some(0));
}
