//! `candor export`: the public site as static files whose links all resolve,
//! and a refusal while a running Candor holds the data dir; `[export] dir`:
//! a running Candor keeps a directory equal to the site after every change.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::helpers::{Binary, TOKEN, client, config_with, run_candor};

/// `[export] dir` in a running app.
mod live;

const COMPONENTS: &str = r#"
[[components]]
id = "api"
name = "Public API"
"#;

/// Resolved incidents: two history pages' worth (the newest page takes up to
/// 39), so `/history` links to an older page 1.
const RESOLVED: usize = 40;

/// Serves `config`, posts incidents through the admin API (all but the last
/// resolved), stops with SIGTERM.
async fn serve_with_incidents(config: &Path) {
    let mut app = Binary::serve_with_env(config, &[("CANDOR_ADMIN_TOKEN", TOKEN)]);
    let http = client();
    let admin = format!("{}/api/admin/v1/incidents", app.base);
    for n in 0..=RESOLVED {
        let res = http
            .post(&admin)
            .bearer_auth(TOKEN)
            .json(&json!({
                "name": format!("Exported outage {n}"), "status": "investigating",
                "body": "Looking into it.", "components": {"api": "major_outage"}
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let incident: serde_json::Value = res.json().await.unwrap();
        if n == RESOLVED {
            break;
        }
        let res = http
            .post(format!(
                "{admin}/{}/updates",
                incident["id"].as_str().unwrap()
            ))
            .bearer_auth(TOKEN)
            .json(&json!({"status": "resolved", "body": "Fixed."}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let status = app.terminate().await;
    assert_eq!(status.code(), Some(0));
}

fn write_config(dir: &Path) -> PathBuf {
    let path = dir.join("checks.toml");
    std::fs::write(&path, config_with(dir, COMPONENTS)).unwrap();
    path
}

fn export(config: &Path, out: &Path) -> std::process::Output {
    let (config, out) = (config.to_str().unwrap(), out.to_str().unwrap());
    run_candor(&["export", "--out", out, "--config", config])
}

/// Every file under `dir`, relative to it.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Every root-relative `href` in `html`, without its fragment.
fn local_links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with('/'))
        .map(|h| h.split('#').next().unwrap().to_owned())
        .collect()
}

/// What a static host serves for `link`: the file, or the directory's index.
/// It ignores a query, which is only harmless on a versioned asset's URL
/// (`/history?page=2` would show page 1).
fn resolves(root: &Path, link: &str) -> bool {
    let (link, query) = link.split_once('?').unwrap_or((link, ""));
    if !query.is_empty() && !link.starts_with("/static/") {
        return false;
    }
    let path = root.join(link.trim_start_matches('/'));
    if link.ends_with('/') {
        return path.join("index.html").is_file();
    }
    path.is_file() || path.join("index.html").is_file()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_writes_a_static_site_whose_links_all_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path());
    serve_with_incidents(&config).await;
    let out = dir.path().join("site");
    let done = export(&config, &out);
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert_eq!(
        done.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        stdout.contains("wrote ") && stdout.contains("files to"),
        "{stdout}"
    );
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    let open = format!("Exported outage {RESOLVED}");
    assert!(index.contains(&open), "{index}");
    assert!(out.join("history/page/1/index.html").is_file());
    assert!(out.join("history/page/2/index.html").is_file());
    let summary = std::fs::read(out.join("api/v2/summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&summary).unwrap();
    assert_eq!(summary["incidents"][0]["name"], open.as_str());
    let pages: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(pages.len() >= RESOLVED + 4, "{pages:?}");
    let mut checked = 0;
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        for link in local_links(&html) {
            assert!(
                resolves(&out, &link),
                "{} links to missing {link}",
                page.display()
            );
            checked += 1;
        }
    }
    assert!(checked > pages.len() * 4, "only {checked} links checked");
    assert!(
        std::fs::read_to_string(out.join("history/index.html"))
            .unwrap()
            .contains("href=\"/history/page/1/\"")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_replaces_its_previous_output_without_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path());
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    let out = dir.path().join("site");
    assert_eq!(export(&config, &out).status.code(), Some(0));
    std::fs::write(out.join("stale.html"), "old").unwrap();
    assert_eq!(export(&config, &out).status.code(), Some(0));
    assert!(out.join("index.html").is_file());
    assert!(!out.join("stale.html").exists());
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["checks.toml", "data", "site"]);
}

#[test]
fn export_refuses_while_a_running_candor_holds_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path());
    let _app = Binary::serve(&config);
    let out = dir.path().join("site");
    let done = export(&config, &out);
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(1), "{stderr}");
    let data = dir.path().join("data");
    assert!(stderr.contains(data.to_str().unwrap()), "{stderr}");
    assert!(stderr.contains("stop it or export from a copy"), "{stderr}");
    assert!(!out.exists());
}
