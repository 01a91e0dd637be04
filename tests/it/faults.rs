//! Faults as a standing part of the suite: a full disk and its recovery,
//! kill -9 while engineers write and while a broadcast goes out, an SMTP
//! server stopped and restarted, and what the log says meanwhile. Each
//! asserts that nothing acknowledged is lost.

mod disk;
mod kill;
mod logs;
mod smtp;

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::helpers::{API_AND_DB, Binary, TOKEN, config_with};

/// The real binary on `extra` config (and the two components `api` and
/// `db`) in a fresh temporary dir, with the admin token.
fn serve(extra: &str) -> (Binary, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let app = serve_in(&dir, extra);
    (app, dir)
}

/// The same in `dir`, whose data a test may have filled (or will restart on).
fn serve_in(dir: &TempDir, extra: &str) -> Binary {
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        config_with(dir.path(), &format!("{extra}\n{API_AND_DB}")),
    )
    .unwrap();
    Binary::serve_with_env(&path, &[("CANDOR_ADMIN_TOKEN", TOKEN)])
}

/// An incident body for the admin API, named `name`.
fn incident(name: &str) -> Value {
    json!({"name": name, "status": "investigating", "impact": "major",
           "body": "Requests fail.", "components": {"api": "major_outage"}})
}
