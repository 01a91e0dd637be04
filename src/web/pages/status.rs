//! `GET /`: the overall state; every open incident with why, when it is
//! expected back and what to do meanwhile; maintenance under way or coming;
//! then every component with its status and, when something is wrong, why and
//! since when.

use maud::{Markup, html};

use super::components::{self, icon};
use super::incident::{affected, answers, impact, maintenance_badge, window};
use super::{layout, note};
use crate::engine::overall;
use crate::incidents::{GroupRef, Impact, Incident, Maintenance, MaintenanceStatus, Member};
use crate::markup as text;
use crate::model::ComponentStatus;
use crate::read::time;
use crate::read::view::View;
use crate::read::words;
use crate::say;
use crate::web::subscribe::form;

/// Re-exported for the subscribe form, which groups its checkboxes the same way.
pub(crate) use super::components::groups;
use super::group_rows::GroupRows;

pub fn render(v: &View) -> Markup {
    render_with(v, None).0
}

/// `/`, with the group rows of the previous render (same config) reused
/// where nothing they show changed; also this render's rows, for the next.
pub fn render_with(v: &View, previous: Option<&GroupRows>) -> (Markup, GroupRows) {
    let site = &v.config.site;
    let mut rows = GroupRows::default();
    let content = html! {
        h1.visually-hidden { (site.title) }
        (banner(v))
        (incidents(v))
        (maintenances(v))
        (crate::web::reports::on_index(v.lang, &v.config.components))
        (components::section(v, previous, &mut rows))
        p.history-link { a href="/history" { (v.lang.say("history-link")) } }
        (subscribe(v))
    };
    let live = layout::Live {
        at: v.now,
        path: "/",
    };
    let page = layout::page(site, v.lang, &site.title, Some(live), content);
    (page, rows)
}

/// The subscribe form for everything. Choosing components (a checkbox each,
/// 1,000 on a large installation) happens on `/subscribe`. The page's own
/// refresh waits while this form is in use, so it never wipes what was typed.
fn subscribe(v: &View) -> Markup {
    let l = v.lang;
    html! {
        section.subscribe-section #subscribe aria-labelledby="subscribe-title" {
            h2 #subscribe-title { (l.say("subscribe-title")) }
            p.hint {
                (l.say("subscribe-what")) " "
                (super::sentence(
                    &say!(l, "subscribe-every", choose = super::MARK),
                    html! { a href="/subscribe" { (l.say("subscribe-choose")) } },
                ))
            }
            (form::render(l, &[], &form::Entered::default()))
        }
    }
}

fn banner(v: &View) -> Markup {
    let worst = overall(v.components.values().map(|s| s.status));
    let open = v.book.open_incidents();
    // Every component up while an engineer keeps an incident open (about
    // none of them, or about components they set back already): not "all
    // systems operational", but the incident, as bad as its impact says. An
    // automatic incident whose checks pass again is waiting out its quiet
    // period, not still hurting.
    let hurting: Vec<_> = (open.iter()).filter(|i| i.recovered_at.is_none()).collect();
    let impact = hurting.iter().map(|i| i.impact).max();
    let (worst, text) = match (worst, impact) {
        (ComponentStatus::Operational, Some(impact)) => (
            as_status(impact),
            say!(v.lang, "banner-incidents-open", n = hurting.len()),
        ),
        (ComponentStatus::Operational, None) => (worst, v.lang.say("banner-operational")),
        (other, _) => (other, words::status(v.lang, other)),
    };
    let affected = not_operational(v);
    html! {
        section.banner.{"banner--" (worst.as_str())} role="status" {
            span.icon aria-hidden="true" { (icon(worst)) }
            div {
                p.banner__text { (text) }
                @if !affected.is_empty() {
                    p.banner__affected { (say!(v.lang, "banner-affected", components = words::members(v.lang, &affected))) }
                }
            }
        }
    }
}

/// The status an incident's impact looks like (the same shapes as its badge).
fn as_status(impact: Impact) -> ComponentStatus {
    match impact {
        Impact::None => ComponentStatus::Operational,
        Impact::Minor => ComponentStatus::DegradedPerformance,
        Impact::Major => ComponentStatus::PartialOutage,
        Impact::Critical => ComponentStatus::MajorOutage,
    }
}

/// Open incidents, newest first, each answering why, when and meanwhile.
fn incidents(v: &View) -> Markup {
    let open = v.book.open_incidents();
    html! {
        @if !open.is_empty() {
            section.incidents aria-labelledby="incidents-title" {
                h2 #incidents-title { (v.lang.say("current-incidents")) }
                @for i in open { (incident_card(v, i)) }
            }
        }
    }
}

fn incident_card(v: &View, i: &Incident) -> Markup {
    let (tz, l) = (v.config.site.timezone, v.lang);
    let statuses = i.components.iter().map(|(c, s)| (c, Some(*s)));
    html! {
        article.card.{"card--" (i.impact.as_str())} aria-labelledby={"incident-" (i.id)} {
            h3.card__title #{"incident-" (i.id)} { a href={"/incidents/" (i.id)} { (words::incident_name(l, &i.name)) } }
            p.card__meta { (impact(l, i.impact)) " · " (words::incident_status(l, i.status)) }
            @if !i.components.is_empty() {
                div.card__affected { span.card__label { (l.say("affected-label")) } (affected(v, statuses)) }
            }
            (answers(v, i))
            // Once an automatic incident's checks pass again, its detection
            // note (the failure's evidence) is history: the permalink keeps it.
            @if let Some(u) = i.latest().filter(|_| i.recovered_at.is_none()) {
                div.card__latest {
                    p.card__update {
                        strong { (say!(l, "latest-update", status = words::incident_status(l, u.status))) } " · "
                        time datetime=(time::iso(u.at)) { (time::short(l, u.at, v.now, tz)) }
                    }
                    div.text { (note::body(l, &u.body, tz)) }
                }
            }
        }
    }
}

/// Maintenance under way, then maintenance to come (soonest first).
fn maintenances(v: &View) -> Markup {
    let mut shown: Vec<&Maintenance> = v
        .book
        .maintenances
        .values()
        .filter(|m| {
            m.status.is_active()
                || (m.status == MaintenanceStatus::Scheduled && m.scheduled_for > v.now)
        })
        .collect();
    shown.sort_by_key(|m| (!m.status.is_active(), m.scheduled_for));
    html! {
        @if !shown.is_empty() {
            section.maintenances aria-labelledby="maintenance-title" {
                h2 #maintenance-title { (v.lang.say("scheduled-maintenance")) }
                @for m in shown { (maintenance_card(v, m)) }
            }
        }
    }
}

fn maintenance_card(v: &View, m: &Maintenance) -> Markup {
    let (tz, l) = (v.config.site.timezone, v.lang);
    html! {
        article.card.card--maintenance aria-labelledby={"maintenance-" (m.id)} {
            h3.card__title #{"maintenance-" (m.id)} { a href={"/incidents/" (m.id)} { (m.name) } }
            p.card__meta {
                (maintenance_badge(l)) " · " (words::maintenance_status(l, m.status))
                @if m.status == MaintenanceStatus::Scheduled {
                    (say!(l, "maintenance-starts", within = time::relative_future(l, m.scheduled_for, v.now)))
                }
            }
            p.card__window { (l.say("maintenance-when")) " " (window(l, m, tz, false)) }
            @if !m.components.is_empty() {
                div.card__affected {
                    span.card__label { (l.say("affected-label")) }
                    (affected(v, m.components.iter().map(|c| (c, None))))
                }
            }
            div.text { (text::render(&m.body)) }
            @if let Some(u) = m.latest().filter(|_| m.updates.len() > 1) {
                div.card__latest {
                    p.card__update {
                        strong { (say!(l, "latest-update", status = words::maintenance_status(l, u.status))) } " · "
                        time datetime=(time::iso(u.at)) { (time::short(l, u.at, v.now, tz)) }
                    }
                    div.text { (note::body(l, &u.body, tz)) }
                }
            }
        }
    }
}

/// The components not operational now, in the order of the file, as an
/// automatic incident names them: a group that is out as a whole is named as
/// the group ("All of Europe West (50 components)").
fn not_operational(v: &View) -> Vec<Member> {
    let mut sizes: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for g in v
        .config
        .components
        .iter()
        .filter_map(|c| c.group.as_deref())
    {
        *sizes.entry(g).or_default() += 1;
    }
    (v.config.components.iter())
        .filter(|c| {
            (v.components.get(&c.id)).is_some_and(|s| s.status != ComponentStatus::Operational)
        })
        .map(|c| Member {
            name: c.name.clone(),
            group: c.group.as_deref().map(|g| GroupRef {
                name: g.to_owned(),
                size: sizes.get(g).copied().unwrap_or(1),
            }),
        })
        .collect()
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
