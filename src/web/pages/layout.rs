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
use crate::lang::Lang;
use crate::read::time;
use crate::say;
use crate::web::assets;

/// A page that keeps itself current: when it was rendered, and its own
/// address (the Reload link and the script fetch it again).
#[derive(Debug, Clone, Copy)]
pub struct Live<'a> {
    pub at: DateTime<Utc>,
    pub path: &'a str,
}

/// Wraps `content` in the page frame, in `lang`; `live` pages refresh
/// themselves. Where the site offers several languages, the footer links to
/// the page in each of the others (`?lang=`, which then sticks).
pub fn page(
    site: &Site,
    lang: Lang,
    title: &str,
    live: Option<Live<'_>>,
    content: Markup,
) -> Markup {
    let tz = site.timezone;
    let refresh = live.map(|_| site.refresh.as_secs());
    let others: Vec<Lang> = site
        .languages
        .iter()
        .copied()
        .filter(|l| *l != lang)
        .collect();
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
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
            body style=(stylesheet_words(lang)) {
                a.skip href="#main" { (lang.say("skip-to-content")) }
                // "Get updates" at the top of every page: on a long page the
                // form at the bottom is far away.
                header.site {
                    div.wrap.site__bar {
                        a.site__title href="/" { (site.title) }
                        a.site__subscribe href="/subscribe" { (lang.say("get-updates")) }
                    }
                }
                main #main .wrap data-refresh=[refresh] data-zone=(tz.name())
                    data-days=(names(lang, "%a", 7, |n| (2026, 11, 23 + n))) data-months=(names(lang, "%b", 12, |n| (2026, n + 1, 1))) {
                    @if let Some(live) = live {
                        p.updated {
                            (super::sentence(
                                &say!(lang, "updated-at", at = super::MARK),
                                html! { time datetime=(time::iso(live.at)) { (time::short(lang, live.at, live.at, tz)) } },
                            ))
                            " · "
                            a href=(live.path) { (lang.say("reload")) }
                        }
                    }
                    (content)
                }
                footer.site {
                    div.wrap {
                        p #zone-note data-here=(say!(lang, "times-shown-in-yours", zone = "{zone}")) {
                            (say!(lang, "times-shown-in", zone = tz.name()))
                        }
                        @if !others.is_empty() {
                            p.languages {
                                @for (n, other) in others.iter().enumerate() {
                                    @if n > 0 { " · " }
                                    a href={"?lang=" (other.tag())} lang=(other.tag()) hreflang=(other.tag()) { (other.name()) }
                                }
                            }
                        }
                        p { (lang.say("powered-by")) }
                    }
                }
            }
        }
    }
}

/// The language's names of the days (Monday first) or months, as its dates
/// on the page write them, for the page script to find.
fn names(lang: Lang, pattern: &str, n: u32, date: impl Fn(u32) -> (i32, u32, u32)) -> String {
    let one = |i| {
        let (y, m, d) = date(i);
        chrono::NaiveDate::from_ymd_opt(y, m, d)
            .map(|day| {
                day.format_localized(pattern, lang.chrono_locale())
                    .to_string()
            })
            .unwrap_or_default()
    };
    (0..n).map(one).collect::<Vec<_>>().join(" ")
}

/// The words the stylesheet shows (around the uptime bars on `/`), as
/// custom properties on `<body>`: CSS strings, quoted and escaped.
fn stylesheet_words(lang: Lang) -> String {
    let words = [
        ("--l-90", say!(lang, "days-ago", days = 90)),
        ("--l-60", say!(lang, "days-ago", days = 60)),
        ("--l-30", say!(lang, "days-ago", days = 30)),
        ("--l-today", lang.say("today")),
        ("--l-over60", lang.say("uptime-over-60")),
        ("--l-over30", lang.say("uptime-over-30")),
    ];
    let mut out = String::new();
    for (name, text) in words {
        out.push_str(name);
        out.push_str(":\"");
        for c in text.chars() {
            match c {
                '"' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                c if c.is_control() => {}
                c => out.push(c),
            }
        }
        out.push_str("\";");
    }
    out
}

#[cfg(test)]
mod tests {
    use maud::html;

    use super::{Live, page};
    use crate::lang::Lang;
    use crate::web::render::fixtures::{at, config};

    #[test]
    fn a_live_page_refreshes_through_the_script_and_offers_a_reload_link() {
        let site = &config().site;
        let live = Live {
            at: at(12, 5),
            path: "/components/api",
        };
        let out = page(site, Lang::english(), "T", Some(live), html! { p { "Hi" } }).into_string();
        assert!(!out.contains("http-equiv"), "no meta refresh: {out}");
        assert!(
            out.contains("<script src=\"/static/page.js?v=") && out.contains("\" defer></script>"),
            "{out}"
        );
        assert!(
            out.contains(
                "<main class=\"wrap\" id=\"main\" data-refresh=\"30\" data-zone=\"Europe/Berlin\" \
                 data-days=\"Mon Tue Wed Thu Fri Sat Sun\" \
                 data-months=\"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec\">\
                 <p class=\"updated\">Updated <time datetime=\"2026-11-22T12:05:00Z\">13:05 CET</time> · \
                 <a href=\"/components/api\">Reload</a></p><p>Hi</p></main>"
            ),
            "{out}"
        );
        assert!(out.contains("Times are shown in Europe/Berlin."), "{out}");
    }

    #[test]
    fn a_page_that_is_not_live_neither_refreshes_nor_offers_a_reload() {
        let out = page(&config().site, Lang::english(), "T", None, html! {}).into_string();
        assert!(
            out.contains(
                "<main class=\"wrap\" id=\"main\" data-zone=\"Europe/Berlin\" \
                 data-days=\"Mon Tue Wed Thu Fri Sat Sun\" \
                 data-months=\"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec\"></main>"
            ),
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
