//! `GET /history?page=N`: past incidents and completed maintenance, newest
//! first, grouped by month in the site's zone, a fixed number to a page.
//! Rendered without reference to `now`, so the pages can be kept until a record
//! changes.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::incident::{impact, maintenance_badge, window};
use super::layout;
use crate::incidents::{Incident, Maintenance, MaintenanceStatus};
use crate::read::view::View;
use crate::read::{time, words};

/// Records per page.
pub const PER_PAGE: usize = 20;

/// One past record.
enum Item<'a> {
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

/// Every history page, page 1 (newest) first; always at least one.
pub fn render(v: &View) -> Vec<Markup> {
    let items = past(v);
    let pages: Vec<&[Item]> = if items.is_empty() {
        vec![&[]]
    } else {
        items.chunks(PER_PAGE).collect()
    };
    let count = pages.len();
    pages
        .into_iter()
        .enumerate()
        .map(|(n, items)| page(v, items, n + 1, count))
        .collect()
}

/// Resolved incidents and completed maintenance, newest first.
fn past(v: &View) -> Vec<Item<'_>> {
    let incidents = v.book.incidents.values().filter(|i| !i.status.is_open());
    let maintenances = v
        .book
        .maintenances
        .values()
        .filter(|m| m.status == MaintenanceStatus::Completed);
    let mut items: Vec<Item> = incidents
        .map(Item::Incident)
        .chain(maintenances.map(Item::Maintenance))
        .collect();
    items.sort_by_key(|item| std::cmp::Reverse(item.at()));
    items
}

fn page(v: &View, items: &[Item], n: usize, count: usize) -> Markup {
    let site = &v.config.site;
    let content = html! {
        h1 { "Incident history" }
        @if items.is_empty() {
            p.empty { "No past incidents." }
        }
        @for (month, members) in months(v, items) {
            section.month aria-labelledby={"month-" (n) "-" (month_id(&month))} {
                h2 #{"month-" (n) "-" (month_id(&month))} { (month) }
                ul.history { @for item in members { (entry(v, item)) } }
            }
        }
        (pager(n, count))
        p.history-link { a href="/" { "← Current status" } }
    };
    let title = match n {
        1 => format!("Incident history · {}", site.title),
        n => format!("Incident history, page {n} · {}", site.title),
    };
    layout::page(site, &title, None, content)
}

/// Consecutive items by month ("November 2026") in the site's zone.
fn months<'a, 'b>(v: &View, items: &'a [Item<'b>]) -> Vec<(String, Vec<&'a Item<'b>>)> {
    let mut out: Vec<(String, Vec<&Item>)> = Vec::new();
    for item in items {
        let month = time::month(item.at(), v.config.site.timezone);
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
    let tz = v.config.site.timezone;
    match item {
        Item::Incident(i) => html! {
            li.history__item {
                a.history__name href={"/incidents/" (i.id)} { (words::incident_name(&i.name)) }
                p.history__meta {
                    (impact(i.impact)) " · "
                    time datetime=(time::iso(i.started_at)) { (time::day_time(i.started_at, tz)) }
                    @if let Some(end) = i.resolved_at {
                        " · lasted " (time::span(i.started_at, end))
                    }
                }
            }
        },
        Item::Maintenance(m) => html! {
            li.history__item {
                a.history__name href={"/incidents/" (m.id)} { (m.name) }
                p.history__meta {
                    (maintenance_badge()) " · " (window(m, tz, false))
                    " · " (time::span(m.scheduled_for, m.scheduled_until)) " window"
                }
            }
        },
    }
}

/// "Newer" and "Older" links; page 1 is plain `/history`.
fn pager(n: usize, count: usize) -> Markup {
    let newer = match n {
        1 => None,
        2 => Some("/history".to_owned()),
        n => Some(format!("/history?page={}", n - 1)),
    };
    let older = (n < count).then(|| format!("/history?page={}", n + 1));
    html! {
        @if count > 1 {
            nav.pager aria-label="History pages" {
                @if let Some(href) = newer { a rel="prev" href=(href) { "← Newer" } }
                span { "Page " (n) " of " (count) }
                @if let Some(href) = older { a rel="next" href=(href) { "Older →" } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::render;
    use crate::incidents::MaintenanceStatus;
    use crate::web::render::fixtures::*;

    fn pages(v: &crate::read::view::View) -> Vec<String> {
        render(v).into_iter().map(|m| m.into_string()).collect()
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

    #[test]
    fn twenty_one_past_incidents_make_two_pages() {
        let incidents = (0..21)
            .map(|n| {
                let start = at(0, 0) - Duration::days(n);
                resolve(
                    incident(&format!("i{n}"), &format!("Outage {n}."), start),
                    start + Duration::hours(1),
                )
            })
            .collect();
        let out = pages(&view(config(), book(incidents, vec![]), at(12, 0)));
        assert_eq!(out.len(), 2);
        assert!(out[0].contains("Outage 0.") && out[0].contains("Outage 19."));
        assert!(!out[0].contains("Outage 20."));
        assert!(out[0].contains("href=\"/history?page=2\""), "{}", out[0]);
        assert!(out[0].contains("Older"));
        assert!(!out[0].contains("Newer"));
        assert!(out[1].contains("Outage 20."));
        assert!(out[1].contains("href=\"/history\""));
        assert!(out[1].contains("Newer") && !out[1].contains("Older"));
    }
}
