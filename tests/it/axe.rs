//! axe-core, Deque's accessibility engine, run in the browser test's
//! Chromium. It is an npm package: installed with npm on first use into a
//! cache under `target/` (the integration tests' `CARGO_TARGET_TMPDIR`), so
//! `cargo test` needs nothing set up by hand beyond Node.js and npm.

use std::path::PathBuf;
use std::process::Command;

use fantoccini::Client;
use serde_json::Value;

/// The version installed: pinned, so a new rule does not fail a build by
/// itself.
const VERSION: &str = "4.10.3";

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("axe-core-{VERSION}"))
}

/// axe-core's browser bundle, installed with npm when it is not cached yet.
pub fn source() -> Result<String, String> {
    let file = dir().join("node_modules/axe-core/axe.min.js");
    if !file.is_file() {
        install()?;
    }
    std::fs::read_to_string(&file).map_err(|e| format!("could not read {}: {e}", file.display()))
}

fn install() -> Result<(), String> {
    let dir = dir();
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    let out = Command::new("npm")
        .arg("install")
        .arg("--prefix")
        .arg(&dir)
        .args(["--no-audit", "--no-fund", "--no-save", "--loglevel=error"])
        .arg(format!("axe-core@{VERSION}"))
        .output()
        .map_err(|e| {
            format!(
                "the browser test runs axe-core, which it installs with npm, and could not \
                 run npm ({e}): install Node.js and npm (Debian: apt-get install -y npm)"
            )
        })?;
    if !out.status.success() {
        return Err(format!(
            "`npm install axe-core@{VERSION}` into {} exited with {}: {}",
            dir.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}

/// Runs axe on the page the browser shows (every rule it runs by default:
/// WCAG 2.x A and AA, and its best practices); the violations, each as its
/// rule id, impact and up to five of the elements it found.
pub async fn violations(client: &Client, source: &str) -> Result<Vec<Value>, String> {
    let load = format!("{source}\n;return typeof axe;");
    let loaded = client
        .execute(&load, vec![])
        .await
        .map_err(|e| format!("could not load axe-core into the page: {e}"))?;
    if loaded != "object" {
        return Err(format!("axe-core did not load: typeof axe is {loaded}"));
    }
    let run = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] })
            .then(r => done(r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            }))))
            .catch(e => done({ error: String(e) }));
    "#;
    let found = client
        .execute_async(run, vec![])
        .await
        .map_err(|e| format!("axe.run failed: {e}"))?;
    match found {
        Value::Array(list) => Ok(list),
        other => Err(format!("axe.run failed: {other}")),
    }
}
