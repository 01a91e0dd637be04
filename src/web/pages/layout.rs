//! The frame every public page shares: head, site header, footer.

use maud::{DOCTYPE, Markup, html};

use crate::config::Site;
use crate::web::assets;

/// Wraps `content` in the page frame. `refresh` reloads the page by itself (works
/// without JavaScript).
pub fn page(site: &Site, title: &str, refresh: Option<u64>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(secs) = refresh {
                    meta http-equiv="refresh" content=(secs);
                }
                title { (title) }
                link rel="stylesheet" href=(assets::url("style.css"));
                link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
                link rel="alternate" type="application/atom+xml" title=(site.title) href="/feed.atom";
                link rel="alternate" type="application/rss+xml" title=(site.title) href="/feed.rss";
            }
            body {
                a.skip href="#main" { "Skip to content" }
                // "Get updates" at the top of every page: on a long page the
                // form at the bottom is far away (and `/` reloads itself).
                header.site {
                    div.wrap.site__bar {
                        a.site__title href="/" { (site.title) }
                        a.site__subscribe href="/subscribe" { "Get updates" }
                    }
                }
                main #main .wrap { (content) }
                footer.site {
                    div.wrap {
                        p { "Times are shown in " (site.timezone.name()) "." }
                        p { "Powered by Candor." }
                    }
                }
            }
        }
    }
}
