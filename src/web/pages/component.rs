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

/// Incidents listed on the page: the most recent ones.
const RECENT: usize = 10;
/// Checks charted on the page; further ones are described in words (a
/// component with 100 checks would otherwise be a page of 100 charts).
const CHARTS: usize = 12;

pub fn render(v: &View, c: &Component, incidents: &DayIncidents<'_>) -> Markup {
    let tz = v.config.site.timezone;
    let summary = v.uptime.components.get(&c.id);
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
        p.crumbs { a href="/" { "← Current status" } }
        h1 { (c.name) }
        ul.components { (components::component(v, c, Place::Own)) }
        @if let Some(view) = v.components.get(&c.id) {
            (places::section(&view.places, v.now, tz))
        }
        (crate::web::reports::on_component(c))
        section aria-labelledby="uptime-title" {
            h2 #uptime-title { "Uptime" }
            @if let Some(s) = summary {
                (uptime::figures(s))
                (uptime::bar(c, s, incidents))
                (uptime::day_table(c, s, incidents))
            }
            p.hint {
                "Uptime counts outages by time: a major outage fully, a partial outage at 30%; "
                "degraded performance counts as up, and maintenance and time we could not "
                "observe are left out."
            }
        }
        @if !checks.is_empty() {
            section aria-labelledby="latency-title" {
                h2 #latency-title { "Response time, last 24 hours" }
                @for k in checks.iter().take(CHARTS) {
                    (chart::chart(k.id.as_str(), &k.name, &v.uptime.latency.series(&k.id, v.now), tz))
                }
                @if checks.len() > CHARTS {
                    h3 { "Other checks" }
                    ul.history {
                        @for k in checks.iter().skip(CHARTS) {
                            li.history__item {
                                span.history__name { (k.name) }
                                p.history__meta { (chart::describe(&v.uptime.latency.series(&k.id, v.now), tz)) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="recent-title" {
            h2 #recent-title { "Recent incidents" }
            @if recent.is_empty() {
                p.empty { "No incidents affected " (c.name) "." }
            } @else {
                ul.history {
                    @for i in recent.iter().take(RECENT) {
                        li.history__item {
                            a.history__name href={"/incidents/" (i.id)} { (words::incident_name(&i.name)) }
                            p.history__meta {
                                (i.status.label()) " · started "
                                time datetime=(time::iso(i.started_at)) { (time::full(i.started_at, tz)) }
                            }
                        }
                    }
                }
            }
            p.history-link { a href="/history" { "All past incidents and maintenance" } }
        }
    };
    let title = format!("{} · {}", c.name, v.config.site.title);
    let path = format!("/components/{}", c.id);
    let live = layout::Live {
        at: v.now,
        path: &path,
    };
    layout::page(&v.config.site, &title, Some(live), content)
}
