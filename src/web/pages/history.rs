//! `GET /history` and `GET /history?page=N`: past incidents and completed
//! maintenance, newest first, grouped by month in the site's zone.
//! Rendered without reference to `now`, so the pages can be kept until a record
//! on them changes.
//!
//! Pages are cut from the oldest record: page 1 holds the oldest
//! [`PER_PAGE`], page 2 the next, and the newest page (also served at
//! `/history`) the rest, [`PER_PAGE`] to twice that less one. A newly resolved
//! incident therefore lands on the newest page and moves no other record to
//! another page: a page's address and its contents stay put, and a change
//! renders again only the pages whose records changed (see `web::render`).

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::incident::{impact, maintenance_badge, window};
use super::layout;
use crate::incidents::{Incident, Maintenance};
use crate::lang::Lang;
use crate::read::view::View;
use crate::read::{time, words};
use crate::say;

/// Records per page (the newest page holds up to twice as many, less one).
pub const PER_PAGE: usize = 20;

/// One past record.
pub enum Item<'a> {
    Incident(&'a Incident),
    Maintenance(&'a Maintenance),
}

impl Item<'_> {
    /// When it began: what the list is sorted and grouped by.
    fn at(&self) -> DateTime<Utc> {
        match self {
            Item::Incident(i) => i.started_at,
            Item::Maintenance(m) => m.scheduled_for,
        }
    }
}

/// Page `n` with its `items` (oldest first); the newest page is also `/history`.
pub fn page(v: &View, items: &[Item], n: usize, newest: bool) -> Markup {
    let (site, l) = (&v.config.site, v.lang);
    let newest_first: Vec<&Item> = items.iter().rev().collect();
    let content = html! {
        h1 { (l.say("history-title")) }
        @if items.is_empty() {
            p.empty { (l.say("history-empty")) }
        }
        @for (month, members) in months(v, &newest_first) {
            section.month aria-labelledby={"month-" (n) "-" (month_id(&month))} {
                h2 #{"month-" (n) "-" (month_id(&month))} { (month) }
                ul.history { @for item in members { (entry(v, item)) } }
            }
        }
        (pager(l, n, newest))
        p.history-link { a href="/" { "← " (l.say("crumb-current-status")) } }
    };
    let title = if newest {
        format!("{} · {}", l.say("history-title"), site.title)
    } else {
        format!("{} · {}", say!(l, "history-title-page", n = n), site.title)
    };
    layout::page(site, l, &title, None, content)
}

/// Consecutive items by month ("November 2026") in the site's zone.
fn months<'a, 'b>(v: &View, items: &[&'a Item<'b>]) -> Vec<(String, Vec<&'a Item<'b>>)> {
    let mut out: Vec<(String, Vec<&Item>)> = Vec::new();
    for &item in items {
        let month = time::month(v.lang, item.at(), v.config.site.timezone);
        match out.last_mut() {
            Some((m, members)) if *m == month => members.push(item),
            _ => out.push((month, vec![item])),
        }
    }
    out
}

fn month_id(month: &str) -> String {
    month.to_lowercase().replace(' ', "-")
}

fn entry(v: &View, item: &Item) -> Markup {
    let (tz, l) = (v.config.site.timezone, v.lang);
    match item {
        Item::Incident(i) => html! {
            li.history__item {
                a.history__name href={"/incidents/" (i.id)} { (words::incident_name(l, &i.name)) }
                p.history__meta {
                    (impact(l, i.impact)) " · "
                    time datetime=(time::iso(i.started_at)) { (time::day_time(l, i.started_at, tz)) }
                    @if let Some(end) = i.resolved_at {
                        " · " (say!(l, "history-lasted", span = time::span(l, i.started_at, end)))
                    }
                }
            }
        },
        Item::Maintenance(m) => html! {
            li.history__item {
                a.history__name href={"/incidents/" (m.id)} { (m.name) }
                p.history__meta {
                    (maintenance_badge(l)) " · " (window(l, m, tz, false))
                    " · " (say!(l, "history-window", span = time::span(l, m.scheduled_for, m.scheduled_until)))
                }
            }
        },
    }
}

/// "Newer" and "Older" links by page number, which stays a page's own: the
/// newest page has no "Newer", page 1 no "Older".
fn pager(l: Lang, n: usize, newest: bool) -> Markup {
    let newer = (!newest).then(|| format!("/history?page={}", n + 1));
    let older = (n > 1).then(|| format!("/history?page={}", n - 1));
    html! {
        @if newer.is_some() || older.is_some() {
            nav.pager aria-label=(l.say("history-pages")) {
                @if let Some(href) = newer { a rel="prev" href=(href) { "← " (l.say("history-newer")) } }
                @if !newest { span { (say!(l, "history-page", n = n)) } }
                @if let Some(href) = older { a rel="next" href=(href) { (l.say("history-older")) " →" } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use crate::incidents::MaintenanceStatus;
    use crate::web::render::fixtures::*;

    /// Pages 1 (the oldest) to the newest, as rendered for the snapshot.
    fn pages(v: &crate::read::view::View) -> Vec<String> {
        let (pages, _) = crate::web::history_pages::render(v, None);
        let text = |p: &std::sync::Arc<crate::web::snapshot::Rendered>| {
            String::from_utf8_lossy(&p.body().expect("our own gzip")).into_owned()
        };
        pages[1..].iter().map(text).collect()
    }

    #[test]
    fn without_past_incidents_there_is_one_page_saying_so() {
        let open = incident("open", "Still broken", at(9, 0));
        let out = pages(&view(config(), book(vec![open], vec![]), at(10, 0)));
        assert_eq!(out.len(), 1);
        assert!(out[0].contains("No past incidents"), "{}", out[0]);
        assert!(
            !out[0].contains("Still broken"),
            "open incidents are not history"
        );
        assert!(!out[0].contains("Older"));
    }

    #[test]
    fn past_records_are_grouped_by_month_newest_first() {
        let nov = resolve(incident("nov", "November outage", at(8, 0)), at(9, 25));
        let oct_start = Utc.with_ymd_and_hms(2026, 10, 3, 12, 0, 0).unwrap();
        let oct = resolve(
            incident("oct", "October outage", oct_start),
            oct_start + Duration::hours(2),
        );
        // 31 Oct 23:30 UTC is already November in Berlin.
        let edge = Utc.with_ymd_and_hms(2026, 10, 31, 23, 30, 0).unwrap();
        let mnt = maintenance(
            "mnt",
            MaintenanceStatus::Completed,
            edge,
            edge + Duration::hours(1),
        );
        let upcoming = maintenance("later", MaintenanceStatus::Scheduled, at(20, 0), at(21, 0));
        let v = view(
            config(),
            book(vec![oct, nov], vec![mnt, upcoming]),
            at(12, 0),
        );
        let out = &pages(&v)[0];
        let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing: {out}"));
        assert!(pos("November 2026") < pos("November outage"));
        assert!(pos("November outage") < pos("Maintenance mnt"));
        assert!(pos("Maintenance mnt") < pos("October 2026"));
        assert!(pos("October 2026") < pos("October outage"));
        assert_eq!(out.matches("November 2026</h2>").count(), 1, "{out}");
        assert!(out.contains("href=\"/incidents/nov\""));
        assert!(out.contains("Critical impact"));
        assert!(out.contains("lasted 1 hour 25 minutes"), "{out}");
        assert!(
            out.contains(
                ">Sun 1 Nov 00:30</time>–<time datetime=\"2026-11-01T00:30:00Z\">01:30 CET<"
            ),
            "{out}"
        );
        assert!(
            !out.contains("Maintenance later"),
            "upcoming maintenance is not history"
        );
    }

    fn resolved(n: i64) -> Vec<crate::incidents::Incident> {
        (0..n)
            .map(|n| {
                let start = at(0, 0) - Duration::days(n);
                resolve(
                    incident(&format!("i{n}"), &format!("Outage {n}."), start),
                    start + Duration::hours(1),
                )
            })
            .collect()
    }

    #[test]
    fn the_newest_page_takes_up_to_twice_a_page_less_one() {
        let out = pages(&view(config(), book(resolved(39), vec![]), at(12, 0)));
        assert_eq!(out.len(), 1);
        assert!(out[0].contains("Outage 0.") && out[0].contains("Outage 38."));
        assert!(!out[0].contains("Older") && !out[0].contains("Newer"));
    }

    #[test]
    fn pages_are_cut_from_the_oldest_and_numbered_from_it() {
        let out = pages(&view(config(), book(resolved(45), vec![]), at(12, 0)));
        assert_eq!(out.len(), 2);
        // Page 1: the 20 oldest (Outage 44. to 25.), newest of them first.
        assert!(out[0].contains("Outage 44.") && out[0].contains("Outage 25."));
        assert!(!out[0].contains("Outage 24."));
        assert!(out[0].find("Outage 25.") < out[0].find("Outage 44."));
        assert!(out[0].contains("Incident history, page 1 ·"), "{}", out[0]);
        assert!(out[0].contains("href=\"/history?page=2\""), "{}", out[0]);
        assert!(out[0].contains("Newer") && !out[0].contains("Older"));
        // Page 2, the newest (also /history): the other 25.
        assert!(out[1].contains("Outage 0.") && out[1].contains("Outage 24."));
        assert!(out[1].contains("href=\"/history?page=1\""), "{}", out[1]);
        assert!(out[1].contains("Older") && !out[1].contains("Newer"));
        assert!(out[1].contains("<title>Incident history ·"), "{}", out[1]);
    }

    #[test]
    fn a_newly_resolved_incident_leaves_older_pages_as_they_were() {
        let mut incidents = resolved(59);
        let before = pages(&view(config(), book(incidents.clone(), vec![]), at(12, 0)));
        let start = at(1, 0);
        incidents.push(resolve(incident("new", "Fresh outage.", start), at(2, 0)));
        let after = pages(&view(config(), book(incidents, vec![]), at(12, 0)));
        assert_eq!(after.len(), 3, "60 records: three pages of 20");
        assert_eq!(before[0], after[0], "page 1 is unchanged");
        assert!(after[2].contains("Fresh outage."));
        assert!(!after[1].contains("Fresh outage."));
    }
}
