//! `GET /components/{id}`: one component's history: its status now, uptime
//! over the last 24 hours, 7, 30 and 90 days, the 90-day bar, each check's
//! response times over the last 24 hours, and its recent incidents.

use maud::{Markup, html};

use super::components::{self, Place};
use super::uptime::{self, DayIncidents};
use super::{chart, layout, places};
use crate::config::Component;
use crate::read::view::View;
use crate::read::{time, words};
use crate::say;

/// Incidents listed on the page: the most recent ones.
const RECENT: usize = 10;
/// Checks charted on the page; further ones are described in words (a
/// component with 100 checks would otherwise be a page of 100 charts).
const CHARTS: usize = 12;

pub fn render(v: &View, c: &Component, incidents: &DayIncidents<'_>) -> Markup {
    let (tz, l) = (v.config.site.timezone, v.lang);
    let summary = v.uptime.components.get(&c.id);
    // A figure over the last 24 hours of a component first seen within them
    // says since when, as the day figures do.
    let first_seen = (v.components.get(&c.id))
        .map(|s| s.first_seen)
        .filter(|at| *at > v.now - chrono::Duration::hours(24))
        .map(|at| say!(l, "since-time", time = time::short(l, at, v.now, tz)));
    let checks: Vec<_> = v
        .config
        .checks
        .iter()
        .filter(|k| k.component == c.id)
        .collect();
    let mut recent: Vec<_> = v
        .book
        .incidents
        .values()
        .filter(|i| i.components.contains_key(&c.id))
        .collect();
    recent.sort_by_key(|i| std::cmp::Reverse(i.started_at));
    let content = html! {
        p.crumbs { a href="/" { "← " (l.say("crumb-current-status")) } }
        h1 { (c.name) }
        ul.components { (components::component(v, c, Place::Own)) }
        @if let Some(view) = v.components.get(&c.id) {
            (places::section(l, &view.places, v.now, tz))
        }
        section aria-labelledby="uptime-title" {
            h2 #uptime-title { (l.say("uptime")) }
            @if let Some(s) = summary {
                (uptime::figures(l, s, first_seen.as_deref()))
                (uptime::bar(l, c, s, incidents))
                (uptime::day_table(l, c, s, incidents))
            }
            p.hint { (l.say("uptime-how")) }
        }
        @if !checks.is_empty() {
            section aria-labelledby="latency-title" {
                h2 #latency-title { (l.say("latency-title")) }
                @for k in checks.iter().take(CHARTS) {
                    (chart::chart(l, k.id.as_str(), &k.name, &v.uptime.latency.series(&k.id, v.now), tz))
                }
                @if checks.len() > CHARTS {
                    h3 { (l.say("other-checks")) }
                    ul.history {
                        @for k in checks.iter().skip(CHARTS) {
                            li.history__item {
                                span.history__name { (k.name) }
                                p.history__meta { (chart::describe(l, &v.uptime.latency.series(&k.id, v.now), tz)) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="recent-title" {
            h2 #recent-title { (l.say("recent-incidents")) }
            @if recent.is_empty() {
                p.empty { (say!(l, "no-recent-incidents", component = c.name.as_str())) }
            } @else {
                ul.history {
                    @for i in recent.iter().take(RECENT) {
                        li.history__item {
                            a.history__name href={"/incidents/" (i.id)} { (words::incident_name(l, &i.name)) }
                            p.history__meta {
                                (super::sentence(
                                    &say!(l, "status-started", status = words::incident_status(l, i.status), at = super::MARK),
                                    html! { time datetime=(time::iso(i.started_at)) { (time::full(l, i.started_at, tz)) } },
                                ))
                            }
                        }
                    }
                }
            }
            p.history-link { a href="/history" { (l.say("history-link-all")) } }
        }
    };
    let title = format!("{} · {}", c.name, v.config.site.title);
    let path = format!("/components/{}", c.id);
    let live = layout::Live {
        at: v.now,
        path: &path,
    };
    layout::page(&v.config.site, l, &title, Some(live), content)
}
