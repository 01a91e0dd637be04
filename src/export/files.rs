//! The snapshot as a list of files at static-host paths, with the links a
//! static host cannot answer rewritten.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

use crate::config::Config;
use crate::web::assets;
use crate::web::snapshot::{Rendered, Snapshot};

/// One file of the export: where it goes and the rendered body it is made of.
/// The bytes are made only when the file must be compared or written.
#[derive(Debug, Clone)]
pub struct File<'a> {
    /// Relative to the export directory, never leaving it.
    pub path: PathBuf,
    /// Borrowed from the snapshot, or owned: component pages are rendered
    /// on demand (`web::component_pages`).
    pub source: Cow<'a, Rendered>,
    /// HTML, whose server-only links are rewritten for a static host.
    pub page: bool,
}

impl File<'_> {
    /// What the file holds; pages get [`for_static_host`] links.
    pub fn bytes(&self, subscribe: &str) -> std::io::Result<Vec<u8>> {
        let body = self.source.body()?;
        if !self.page {
            return Ok(body.to_vec());
        }
        let text = String::from_utf8_lossy(&body);
        Ok(for_static_host(&text, subscribe).into_bytes())
    }

    /// Changes whenever the bytes do: the source's strong ETag (the link
    /// rewriting depends only on the source and the config, fixed per export).
    pub fn version(&self) -> &str {
        &self.source.etag
    }
}

/// Where the exported subscribe form and link send visitors: the live site.
pub fn subscribe_url(config: &Config) -> String {
    format!(
        "{}/subscribe",
        config.site.public_url.as_str().trim_end_matches('/')
    )
}

/// Every public page, feed, badge, API body and asset of `snapshot`, each
/// linked-to file before the pages that link to it (assets first, `/` last), so
/// a reader of a directory being updated does not follow a link to nothing.
/// A path that would leave the directory is an error for that file alone.
pub fn site_files(snapshot: &Snapshot) -> Vec<anyhow::Result<File<'_>>> {
    let mut files: Vec<_> = assets::all()
        .map(|(name, asset)| file(format!("static/{name}"), Cow::Borrowed(asset), false))
        .collect();
    for (path, body) in snapshot.api.iter() {
        files.push(file(format!("api/v2/{path}"), Cow::Borrowed(body), false));
    }
    files.push(file(
        "feed.atom".into(),
        Cow::Borrowed(&snapshot.feed_atom),
        false,
    ));
    files.push(file(
        "feed.rss".into(),
        Cow::Borrowed(&snapshot.feed_rss),
        false,
    ));
    for (key, badge) in snapshot.badges.all(&snapshot.view) {
        let path = match key.as_str() {
            "" => "badge.svg".to_owned(),
            id => format!("badge/{id}.svg"),
        };
        files.push(file(path, Cow::Owned(Rendered::clone(&badge)), false));
    }
    for (id, page) in snapshot.incidents.iter() {
        files.push(file(
            format!("incidents/{id}/index.html"),
            Cow::Borrowed(&**page),
            true,
        ));
    }
    for c in &snapshot.view.config.components {
        if let Some(page) = snapshot.components.page(&snapshot.view, c.id.as_str()) {
            let path = format!("components/{}/index.html", c.id);
            files.push(file(path, Cow::Owned(Rendered::clone(&page)), true));
        }
    }
    for (i, page) in snapshot.history.iter().enumerate().rev() {
        let path = match i {
            0 => "history/index.html".to_owned(),
            n => format!("history/page/{n}/index.html"),
        };
        files.push(file(path, Cow::Borrowed(&**page), true));
    }
    files.push(file(
        "index.html".into(),
        Cow::Borrowed(&snapshot.index),
        true,
    ));
    files
}

/// Ids come from storage: one that would leave the export directory is refused.
fn file<'a>(path: String, source: Cow<'a, Rendered>, page: bool) -> anyhow::Result<File<'a>> {
    let path = PathBuf::from(path);
    anyhow::ensure!(
        stays_inside(&path),
        "refusing to export {}: not a plain relative path",
        path.display()
    );
    Ok(File { path, source, page })
}

fn stays_inside(path: &Path) -> bool {
    path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Rewrites the links of a rendered page that only a server answers:
/// `href="/history?page=N"` → `href="/history/page/N/"`, the subscribe
/// link and form (`/subscribe`) → `subscribe`, the live site's absolute URL,
/// the report forms and link (`/report`) → the live site's `/report`, and
/// the follow form of an open incident → the live site's.
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
    let base = live.strip_suffix("/subscribe").unwrap_or(&live);
    let report = format!("{base}/report");
    out.replace("href=\"/subscribe\"", &format!("href=\"{live}\""))
        .replace("action=\"/subscribe\"", &format!("action=\"{live}\""))
        .replace("href=\"/report\"", &format!("href=\"{report}\""))
        .replace("action=\"/report\"", &format!("action=\"{report}\""))
        .replace(
            "action=\"/incidents/",
            &format!("action=\"{base}/incidents/"),
        )
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
    fn reporting_goes_to_the_live_site() {
        let html = r#"<a href="/report">r</a><form class="report" method="post" action="/report">"#;
        assert_eq!(
            for_static_host(html, LIVE),
            r#"<a href="https://status.acme.example/report">r</a><form class="report" method="post" action="https://status.acme.example/report">"#
        );
    }

    #[test]
    fn following_an_incident_goes_to_the_live_site() {
        let html = r#"<form method="post" action="/incidents/abc/follow">"#;
        assert_eq!(
            for_static_host(html, LIVE),
            r#"<form method="post" action="https://status.acme.example/incidents/abc/follow">"#
        );
    }

    #[test]
    fn paths_that_leave_the_directory_are_refused() {
        let body = Rendered::new("x", "text/plain");
        assert!(
            file(
                "incidents/../../etc/index.html".into(),
                Cow::Borrowed(&body),
                false
            )
            .is_err()
        );
        assert!(file("/etc/passwd".into(), Cow::Borrowed(&body), false).is_err());
        assert!(
            file(
                "incidents/abc/index.html".into(),
                Cow::Borrowed(&body),
                false
            )
            .is_ok()
        );
    }

    #[test]
    fn pages_get_static_links_and_other_files_their_bytes() {
        let html = Rendered::new(r#"<a href="/history?page=2">"#, "text/html");
        let page = file("index.html".into(), Cow::Borrowed(&html), true).unwrap();
        assert_eq!(page.bytes(LIVE).unwrap(), br#"<a href="/history/page/2/">"#);
        assert_eq!(page.version(), html.etag);
        let json = file("api/v2/x.json".into(), Cow::Borrowed(&html), false).unwrap();
        assert_eq!(json.bytes(LIVE).unwrap(), html.body().unwrap());
    }
}
