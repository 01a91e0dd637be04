//! The frame every public page shares: head, site header, footer.
//!
//! Every page loads `/static/page.js` (deferred, no inline script), which
//! shows the `<time>` elements in the visitor's own zone. Pages that follow
//! what is happening (`/`, a component's page, an open incident) are
//! [`Live`]: they carry an "Updated 14:02 UTC · Reload" line (a plain link,
//! for readers without JavaScript) and `data-refresh` on `<main>`, from which
//! the script refreshes their content in place every `[site] refresh`
//! seconds, never while the visitor is typing. No `<meta http-equiv=refresh>`:
//! it reloaded the whole page and wiped half-typed forms.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

use crate::config::Site;
use crate::read::time;
use crate::web::assets;

/// A page that keeps itself current: when it was rendered, and its own
/// address (the Reload link and the script fetch it again).
#[derive(Debug, Clone, Copy)]
pub struct Live<'a> {
    pub at: DateTime<Utc>,
    pub path: &'a str,
}

/// Wraps `content` in the page frame; `live` pages refresh themselves.
pub fn page(site: &Site, title: &str, live: Option<Live<'_>>, content: Markup) -> Markup {
    let tz = site.timezone;
    let refresh = live.map(|_| site.refresh.as_secs());
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href=(assets::url("style.css"));
                link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
                link rel="alternate" type="application/atom+xml" title=(site.title) href="/feed.atom";
                link rel="alternate" type="application/rss+xml" title=(site.title) href="/feed.rss";
                script src=(assets::url("page.js")) defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                // "Get updates" at the top of every page: on a long page the
                // form at the bottom is far away.
                header.site {
                    div.wrap.site__bar {
                        a.site__title href="/" { (site.title) }
                        a.site__subscribe href="/subscribe" { "Get updates" }
                    }
                }
                main #main .wrap data-refresh=[refresh] data-zone=(tz.name()) {
                    @if let Some(live) = live {
                        p.updated {
                            "Updated "
                            time datetime=(time::iso(live.at)) { (time::short(live.at, live.at, tz)) }
                            " · "
                            a href=(live.path) { "Reload" }
                        }
                    }
                    (content)
                }
                footer.site {
                    div.wrap {
                        p #zone-note { "Times are shown in " (tz.name()) "." }
                        p { "Powered by Candor." }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use maud::html;

    use super::{Live, page};
    use crate::web::render::fixtures::{at, config};

    #[test]
    fn a_live_page_refreshes_through_the_script_and_offers_a_reload_link() {
        let site = &config().site;
        let live = Live {
            at: at(12, 5),
            path: "/components/api",
        };
        let out = page(site, "T", Some(live), html! { p { "Hi" } }).into_string();
        assert!(!out.contains("http-equiv"), "no meta refresh: {out}");
        assert!(
            out.contains("<script src=\"/static/page.js?v=") && out.contains("\" defer></script>"),
            "{out}"
        );
        assert!(
            out.contains(
                "<main class=\"wrap\" id=\"main\" data-refresh=\"30\" data-zone=\"Europe/Berlin\">\
                 <p class=\"updated\">Updated <time datetime=\"2026-11-22T12:05:00Z\">13:05 CET</time> · \
                 <a href=\"/components/api\">Reload</a></p><p>Hi</p></main>"
            ),
            "{out}"
        );
        assert!(out.contains("Times are shown in Europe/Berlin."), "{out}");
    }

    #[test]
    fn a_page_that_is_not_live_neither_refreshes_nor_offers_a_reload() {
        let out = page(&config().site, "T", None, html! {}).into_string();
        assert!(
            out.contains("<main class=\"wrap\" id=\"main\" data-zone=\"Europe/Berlin\"></main>"),
            "{out}"
        );
        assert!(
            !out.contains("Updated") && !out.contains("data-refresh"),
            "{out}"
        );
        assert!(
            out.contains("/static/page.js?v="),
            "local times on every page: {out}"
        );
    }
}
