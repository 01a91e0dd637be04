//! The snapshot as a list of files at static-host paths, with the links a
//! static host cannot answer rewritten.

use std::path::{Component, Path, PathBuf};

use crate::config::Config;
use crate::web::assets;
use crate::web::snapshot::Snapshot;

/// One file of the export: its path relative to the export directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Where the exported subscribe form and link send visitors: the live site.
pub(super) fn subscribe_url(config: &Config) -> String {
    format!(
        "{}/subscribe",
        config.site.public_url.as_str().trim_end_matches('/')
    )
}

/// Every public page, feed, badge, API body and asset of `snapshot`.
pub fn site_files(snapshot: &Snapshot, subscribe: &str) -> anyhow::Result<Vec<File>> {
    let html = |path: String, body: &[u8]| {
        let text = String::from_utf8_lossy(body);
        file(path, for_static_host(&text, subscribe).into_bytes())
    };
    let mut files = vec![html("index.html".into(), &snapshot.index.body)];
    for (id, page) in &snapshot.incidents {
        files.push(html(format!("incidents/{id}/index.html"), &page.body));
    }
    for (id, (_, page)) in &snapshot.components {
        files.push(html(format!("components/{id}/index.html"), &page.body));
    }
    for (i, page) in snapshot.history.iter().enumerate() {
        let path = match i {
            0 => "history/index.html".to_owned(),
            i => format!("history/page/{}/index.html", i + 1),
        };
        files.push(html(path, &page.body));
    }
    for (path, body) in &snapshot.api {
        files.push(file(format!("api/v2/{path}"), body.body.to_vec()));
    }
    files.push(file("feed.atom".into(), snapshot.feed_atom.body.to_vec()));
    files.push(file("feed.rss".into(), snapshot.feed_rss.body.to_vec()));
    for (key, badge) in &snapshot.badges {
        let path = match key.as_str() {
            "" => "badge.svg".to_owned(),
            id => format!("badge/{id}.svg"),
        };
        files.push(file(path, badge.body.to_vec()));
    }
    for (name, bytes) in assets::all() {
        files.push(file(format!("static/{name}"), bytes.to_vec()));
    }
    files.into_iter().collect()
}

/// Ids come from storage: one that would leave the export directory is refused.
fn file(path: String, bytes: Vec<u8>) -> anyhow::Result<File> {
    let path = PathBuf::from(path);
    anyhow::ensure!(
        stays_inside(&path),
        "refusing to export {}: not a plain relative path",
        path.display()
    );
    Ok(File { path, bytes })
}

fn stays_inside(path: &Path) -> bool {
    path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Rewrites the links of a rendered page that only a server answers:
/// `href="/history?page=N"` → `href="/history/page/N/"`, and the subscribe
/// link and form (`/subscribe`) → `subscribe`, the live site's absolute URL.
pub fn for_static_host(html: &str, subscribe: &str) -> String {
    const PAGE: &str = "href=\"/history?page=";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(PAGE) {
        out.push_str(&rest[..at]);
        let after = &rest[at + PAGE.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with('"') {
            out.push_str(&format!("href=\"/history/page/{}/\"", &after[..digits]));
            rest = &after[digits + 1..];
        } else {
            out.push_str(PAGE);
            rest = after;
        }
    }
    out.push_str(rest);
    let live = maud::html! { (subscribe) }.into_string();
    out.replace("href=\"/subscribe\"", &format!("href=\"{live}\""))
        .replace("action=\"/subscribe\"", &format!("action=\"{live}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIVE: &str = "https://status.acme.example/subscribe";

    #[test]
    fn history_page_links_become_directories() {
        let html = r#"<a rel="prev" href="/history">x</a><a href="/history?page=12">y</a>"#;
        assert_eq!(
            for_static_host(html, LIVE),
            r#"<a rel="prev" href="/history">x</a><a href="/history/page/12/">y</a>"#
        );
    }

    #[test]
    fn other_history_queries_are_left_alone() {
        let html = r#"<a href="/history?page=two">"#;
        assert_eq!(for_static_host(html, LIVE), html);
    }

    #[test]
    fn subscribing_goes_to_the_live_site() {
        let html = r#"<a href="/subscribe">s</a><form method="post" action="/subscribe">"#;
        assert_eq!(
            for_static_host(html, LIVE),
            format!(r#"<a href="{LIVE}">s</a><form method="post" action="{LIVE}">"#)
        );
    }

    #[test]
    fn paths_that_leave_the_directory_are_refused() {
        assert!(file("incidents/../../etc/index.html".into(), vec![]).is_err());
        assert!(file("/etc/passwd".into(), vec![]).is_err());
        assert!(file("incidents/abc/index.html".into(), vec![]).is_ok());
    }
}
