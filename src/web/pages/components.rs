//! The components on `/` and on a component's page: each with its status,
//! why and since when. On `/`, components sharing a `group` fold into one
//! native `<details>` row showing the group's worst status, open only when
//! something in it is not operational, so a page of 1,000 components shows
//! 20 rows until something breaks (and then the group where it broke).

use maud::{Markup, html};

use super::group_rows::GroupRows;
use super::strip;
use crate::config::Component;
use crate::engine::overall;
use crate::model::{ComponentId, ComponentStatus};
use crate::read::time;
use crate::read::view::{ComponentView, Decider, View};
use crate::read::words;
use crate::say;

/// Where a component row is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// On `/`, not in a group: the name (a heading under "Components") links
    /// to the component's page; the bar follows.
    Index,
    /// On `/` in a group: as [`Place::Index`], a heading level below the
    /// group's name.
    Grouped,
    /// On the component's own page, whose title names it: the heading says "Now".
    Own,
}

/// The components section of `/`: groups folded, ungrouped ones as rows.
/// Group rows that show nothing new are taken from `previous`; `rows`
/// receives this render's, for the next.
pub fn section(v: &View, previous: Option<&GroupRows>, rows: &mut GroupRows) -> Markup {
    html! {
        section aria-labelledby="components-title" {
            h2 #components-title { (v.lang.say("components")) }
            @for (group, members) in groups(&v.config.components) {
                @match group {
                    Some(name) => (rows.row(previous, v, name, &members, || group_row(v, name, &members))),
                    None => ul.components {
                        @for c in members { (component(v, c, Place::Index)) }
                    },
                }
            }
        }
    }
}

/// One group: a `<details>` whose summary names it, counts its components
/// and shows the worst of their statuses (words and icon, not colour alone).
fn group_row(v: &View, name: &str, members: &[&Component]) -> Markup {
    let statuses: Vec<ComponentStatus> = members.iter().map(|c| status_of(v, &c.id)).collect();
    let worst = overall(statuses.iter().copied());
    let affected = statuses
        .iter()
        .filter(|s| **s != ComponentStatus::Operational)
        .count();
    let count = match affected {
        0 => say!(v.lang, "group-count", n = members.len()),
        affected => say!(
            v.lang,
            "group-count-affected",
            n = members.len(),
            affected = affected
        ),
    };
    html! {
        details.group open[affected > 0] {
            summary.group__summary {
                h3.group__name { (name) }
                span.group__count { (count) }
                (status_badge(v, worst))
            }
            ul.components {
                @for c in members { (component(v, c, Place::Grouped)) }
            }
        }
    }
}

fn status_of(v: &View, id: &ComponentId) -> ComponentStatus {
    v.components
        .get(id)
        .map_or(ComponentStatus::Operational, |s| s.status)
}

/// The status in words; the stylesheet puts its icon before it (so status
/// is never told by colour alone, for no bytes per row).
fn status_badge(v: &View, status: ComponentStatus) -> Markup {
    html! {
        span class={"status status--" (status.as_str())} { (words::status(v.lang, status)) }
    }
}

/// A component's status, why and since when; on `/` its name links to its
/// own page and its 90-day bar follows. Markup is terse (classes only where
/// the stylesheet needs them): `/` holds 1,000 of these on a large site.
/// When it was last checked is said on its own page and, on `/`, only while
/// it is not operational (one line of 1,000 otherwise).
pub(crate) fn component(v: &View, c: &Component, place: Place) -> Markup {
    let (tz, l) = (v.config.site.timezone, v.lang);
    let state = v.components.get(&c.id);
    let status = state.map_or(ComponentStatus::Operational, |s| s.status);
    // Every place it is checked from is silent: no data is no news, so its
    // last status is not shown as if it were confirmed.
    let unchecked = state.is_some_and(|s| s.places.unchecked());
    let class = match status {
        ComponentStatus::Operational => "component".to_owned(),
        other => format!("component component--{}", other.as_str()),
    };
    html! {
        li class=(class) id={"component-" (c.id)} {
            div {
                @match place {
                    Place::Index => h3 { a href={"/components/" (c.id)} { (c.name) } },
                    Place::Grouped => h4 { a href={"/components/" (c.id)} { (c.name) } },
                    Place::Own => h2 { (l.say("component-now")) },
                }
                @if unchecked && status == ComponentStatus::Operational {
                    span.status.status--unchecked { (l.say("component-unchecked")) }
                } @else {
                    (status_badge(v, status))
                }
            }
            @if let Some(d) = &c.description { p.component__desc { (d) } }
            @if unchecked {
                p.component__checked { (silent_since(v, state)) }
            }
            @if let Some(s) = state.filter(|s| s.status != ComponentStatus::Operational) {
                (reason(v, &c.id, s))
                p.component__since {
                    (super::sentence(
                        &say!(l, "component-since", status = words::status(l, status), since = super::MARK, lasted = time::lasted(l, s.since, v.now)),
                        html! { time datetime=(time::iso(s.since)) { (time::short(l, s.since, v.now, tz)) } },
                    ))
                }
            }
            @if place == Place::Own || status != ComponentStatus::Operational {
                (checked(v, state))
            }
            @if place != Place::Own {
                @if let Some(s) = v.uptime.components.get(&c.id) {
                    (strip::strip(l, c, s))
                }
            }
        }
    }
}

/// "No data from Virginia and Singapore since 14:02 UTC".
fn silent_since(v: &View, state: Option<&ComponentView>) -> Markup {
    let (tz, l) = (v.config.site.timezone, v.lang);
    let places = state.map(|s| &s.places.places[..]).unwrap_or_default();
    let names: Vec<String> = places.iter().map(|p| p.name.clone()).collect();
    let last = places
        .iter()
        .filter_map(|p| p.last.as_ref().map(|l| l.at))
        .max();
    let names = words::and_list(l, &names);
    match last {
        Some(at) => super::sentence(
            &say!(l, "silent-since", places = names, since = super::MARK),
            html! { time datetime=(time::iso(at)) { (time::short(l, at, v.now, tz)) } },
        ),
        None => html! { (say!(l, "silent", places = names)) },
    }
}

/// When the checks last reported on it.
fn checked(v: &View, state: Option<&ComponentView>) -> Markup {
    let (tz, l) = (v.config.site.timezone, v.lang);
    html! {
        p.component__checked {
            @match state.and_then(|s| s.last_checked) {
                Some(at) => (super::sentence(
                    &say!(l, "last-checked", at = super::MARK),
                    html! { time datetime=(time::iso(at)) { (time::precise(l, at, tz)) } },
                )),
                None => (l.say("not-checked-yet")),
            }
        }
    }
}

/// Why a component is not operational: the checks' evidence or the
/// maintenance's name; for an engineer's status, the incident that set it.
fn reason(v: &View, id: &ComponentId, s: &ComponentView) -> Markup {
    let incident = v
        .book
        .overrides
        .get(id)
        .and_then(|o| o.incident.as_ref())
        .and_then(|i| v.book.incidents.get(i));
    let l = v.lang;
    html! {
        @match (s.decided_by, &s.reason, incident) {
            (Decider::Engineer, _, Some(i)) => p.component__reason {
                strong { (l.say("answer-why")) " " }
                (super::sentence(
                    &say!(l, "why-see", incident = super::MARK),
                    html! { a href={"/incidents/" (i.id)} { (words::incident_name(l, &i.name)) } },
                ))
            },
            (Decider::Engineer, _, None) => p.component__reason { (l.say("why-engineers")) },
            (_, Some(reason), _) => p.component__reason { strong { (l.say("answer-why")) " " } (words::why(l, reason)) },
            (_, None, _) => {},
        }
    }
}

/// Components by group, groups in order of first appearance; ungrouped ones
/// form their own unnamed group where they first appear.
pub(crate) fn groups(components: &[Component]) -> Vec<(Option<&str>, Vec<&Component>)> {
    let mut out: Vec<(Option<&str>, Vec<&Component>)> = Vec::new();
    for c in components {
        let g = c.group.as_deref();
        match out.iter_mut().find(|(name, _)| *name == g) {
            Some((_, members)) => members.push(c),
            None => out.push((g, vec![c])),
        }
    }
    out
}

/// A shape per status, so status is never told by colour alone (the same
/// shapes as `.status--*::before` in the stylesheet).
pub(crate) fn icon(status: ComponentStatus) -> &'static str {
    match status {
        ComponentStatus::Operational => "✓",
        ComponentStatus::DegradedPerformance => "▲",
        ComponentStatus::PartialOutage => "◆",
        ComponentStatus::MajorOutage => "✕",
        ComponentStatus::UnderMaintenance => "⚙",
    }
}

#[cfg(test)]
#[path = "components_tests.rs"]
mod tests;
