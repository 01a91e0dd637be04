//! `GET /`: the overall state; every open incident with why, when it is
//! expected back and what to do meanwhile; maintenance under way or coming;
//! then every component with its status and, when something is wrong, why and
//! since when.

use maud::{Markup, html};

use super::components::{self, icon};
use super::incident::{affected, answers, impact, maintenance_badge, window};
use super::layout;
use crate::engine::overall;
use crate::incidents::{Incident, Maintenance, MaintenanceStatus};
use crate::markup as text;
use crate::model::ComponentStatus;
use crate::read::time;
use crate::read::view::View;
use crate::read::words;
use crate::web::subscribe::form;

/// Re-exported for the subscribe form, which groups its checkboxes the same way.
pub(crate) use super::components::groups;

pub fn render(v: &View) -> Markup {
    let site = &v.config.site;
    let content = html! {
        h1.visually-hidden { (site.title) }
        (banner(v))
        (incidents(v))
        (maintenances(v))
        (components::section(v))
        p.history-link { a href="/history" { "Past incidents and maintenance" } }
        (subscribe(v))
    };
    layout::page(site, &site.title, Some(site.refresh.as_secs()), content)
}

/// The subscribe form for everything. Choosing components (a checkbox each,
/// 1,000 on a large installation) happens on `/subscribe`, which also does not
/// reload itself and so never wipes a half-typed form.
fn subscribe(v: &View) -> Markup {
    html! {
        section.subscribe-section #subscribe aria-labelledby="subscribe-title" {
            h2 #subscribe-title { "Get updates by email" }
            p.hint {
                "We email you when an incident starts, changes or ends, and before planned maintenance. "
                "This form follows every component; "
                a href="/subscribe" { "choose components" } " on a page that doesn't reload itself "
                "(this one does every " (v.config.site.refresh.as_secs()) " seconds)."
            }
            (form::render(&[], &form::Entered::default()))
        }
    }
}

fn banner(v: &View) -> Markup {
    let worst = overall(v.components.values().map(|s| s.status));
    let text = match worst {
        ComponentStatus::Operational => "All systems operational",
        ComponentStatus::DegradedPerformance => "Degraded performance",
        ComponentStatus::PartialOutage => "Partial outage",
        ComponentStatus::MajorOutage => "Major outage",
        ComponentStatus::UnderMaintenance => "Under maintenance",
    };
    let affected: Vec<&str> = v
        .config
        .components
        .iter()
        .filter(|c| {
            v.components
                .get(&c.id)
                .is_some_and(|s| s.status != ComponentStatus::Operational)
        })
        .map(|c| c.name.as_str())
        .collect();
    html! {
        section.banner.{"banner--" (worst.as_str())} role="status" {
            span.icon aria-hidden="true" { (icon(worst)) }
            div {
                p.banner__text { (text) }
                @if !affected.is_empty() {
                    p.banner__affected { "Affected: " (list(&affected)) }
                }
                p.banner__updated {
                    "Updated " time datetime=(time::iso(v.now)) { (time::precise(v.now, v.config.site.timezone)) }
                }
            }
        }
    }
}

/// Open incidents, newest first, each answering why, when and meanwhile.
fn incidents(v: &View) -> Markup {
    let open = v.book.open_incidents();
    html! {
        @if !open.is_empty() {
            section.incidents aria-labelledby="incidents-title" {
                h2 #incidents-title { "Current incidents" }
                @for i in open { (incident_card(v, i)) }
            }
        }
    }
}

fn incident_card(v: &View, i: &Incident) -> Markup {
    let tz = v.config.site.timezone;
    let statuses = i.components.iter().map(|(c, s)| (c, Some(*s)));
    html! {
        article.card.{"card--" (i.impact.as_str())} aria-labelledby={"incident-" (i.id)} {
            h3.card__title #{"incident-" (i.id)} { a href={"/incidents/" (i.id)} { (words::incident_name(&i.name)) } }
            p.card__meta { (impact(i.impact)) " · " (i.status.label()) }
            @if !i.components.is_empty() {
                div.card__affected { span.card__label { "Affected:" } (affected(v, statuses)) }
            }
            (answers(v, i))
            // Once an automatic incident's checks pass again, its detection
            // note (the failure's evidence) is history: the permalink keeps it.
            @if let Some(u) = i.latest().filter(|_| i.recovered_at.is_none()) {
                div.card__latest {
                    p.card__update {
                        strong { "Latest update: " (u.status.label()) } " · "
                        time datetime=(time::iso(u.at)) { (time::short(u.at, v.now, tz)) }
                    }
                    div.text { (text::render(&words::update(&u.body, tz))) }
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
                h2 #maintenance-title { "Scheduled maintenance" }
                @for m in shown { (maintenance_card(v, m)) }
            }
        }
    }
}

fn maintenance_card(v: &View, m: &Maintenance) -> Markup {
    let tz = v.config.site.timezone;
    html! {
        article.card.card--maintenance aria-labelledby={"maintenance-" (m.id)} {
            h3.card__title #{"maintenance-" (m.id)} { a href={"/incidents/" (m.id)} { (m.name) } }
            p.card__meta {
                (maintenance_badge()) " · " (m.status.label())
                @if m.status == MaintenanceStatus::Scheduled {
                    ", starts " (time::relative_future(m.scheduled_for, v.now))
                }
            }
            p.card__window { "When: " (window(m, tz, false)) }
            @if !m.components.is_empty() {
                div.card__affected {
                    span.card__label { "Affected:" }
                    (affected(v, m.components.iter().map(|c| (c, None))))
                }
            }
            div.text { (text::render(&m.body)) }
            @if let Some(u) = m.latest().filter(|_| m.updates.len() > 1) {
                div.card__latest {
                    p.card__update {
                        strong { "Latest update: " (u.status.label()) } " · "
                        time datetime=(time::iso(u.at)) { (time::short(u.at, v.now, tz)) }
                    }
                    div.text { (text::render(&words::update(&u.body, tz))) }
                }
            }
        }
    }
}

/// "A", "A and B", "A, B and C", "A, B, C and 4 more".
fn list(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        _ if names.len() <= SHOWN => {
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!(
            "{} and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{list, render};
    use crate::incidents::{Incident, IncidentId, IncidentStatus, MaintenanceStatus, Override};
    use crate::model::{ComponentStatus, Finding, Reason};
    use crate::read::view::{Decider, View, Why};
    use crate::web::render::fixtures::*;

    fn page(v: &View) -> String {
        render(v).into_string()
    }

    fn with_incident(i: Incident) -> String {
        page(&view(config(), book(vec![i], vec![]), at(14, 5)))
    }

    #[test]
    fn an_open_incident_answers_why_when_and_meanwhile_above_the_components() {
        let mut i = incident("inc1", "Payments failing", at(14, 0));
        i.cause = Some("A database node ran out of disk.".into());
        i.workaround = Some("Retry in a few minutes.".into());
        i.expected_resolution_at = Some(at(14, 30));
        let out = with_incident(i);
        let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing: {out}"));
        assert!(pos("Payments failing") < pos("Components"));
        assert!(out.contains("href=\"/incidents/inc1\""));
        assert!(out.contains("Critical impact"));
        assert!(pos("Why:") < pos("A database node ran out of disk."));
        assert!(pos("Expected back:") < pos("by "));
        assert!(
            out.contains("15:30 CET</time>, in about 25 minutes"),
            "{out}"
        );
        assert!(pos("Meanwhile:") < pos("Retry in a few minutes."));
        assert!(out.contains("Public API: <span class=\"status--major_outage\">Major outage"));
        assert!(out.contains("Latest update: Investigating"));
        assert!(out.contains("We are looking into it."));
        assert!(out.contains("href=\"/history\""));
    }

    #[test]
    fn without_a_cause_or_estimate_the_page_says_so() {
        let out = with_incident(incident("inc1", "Payments failing", at(14, 0)));
        assert!(out.contains("Under investigation"), "{out}");
        assert!(out.contains("No estimate yet"), "{out}");
        assert!(!out.contains("Meanwhile"), "no workaround, no row: {out}");
    }

    #[test]
    fn a_missed_estimate_is_admitted_and_still_shown() {
        let mut i = incident("inc1", "Payments failing", at(13, 0));
        i.expected_resolution_at = Some(at(14, 0));
        let out = with_incident(i);
        assert!(
            out.contains("The estimate of <time datetime=\"2026-11-22T14:00:00Z\">15:00 CET</time> has passed; we'll post a new one."),
            "{out}"
        );
        assert!(!out.contains("in about"), "{out}");
    }

    #[test]
    fn a_recovered_automatic_incident_says_it_is_working_again() {
        let mut i = incident("inc1", "Public API: major outage", at(13, 0));
        i.source = crate::incidents::Author::Automatic;
        i.updates[0].body = "Detected automatically. API health: HTTP 503.".into();
        i.recovered_at = Some(at(13, 50));
        let out = with_incident(i);
        assert!(
            out.contains(
                "Working again since <time datetime=\"2026-11-22T13:50:00Z\">14:50 CET</time>"
            ),
            "{out}"
        );
        assert!(!out.contains("HTTP 503"), "{out}");
        assert!(!out.contains("No estimate yet"), "{out}");
    }

    #[test]
    fn open_incidents_are_listed_newest_first_and_resolved_ones_not_at_all() {
        let older = incident("a", "Older trouble", at(12, 0));
        let newer = incident("b", "Newer trouble", at(13, 0));
        let mut done = resolve(incident("c", "Fixed trouble", at(11, 0)), at(11, 30));
        done.status = IncidentStatus::Postmortem;
        let out = page(&view(
            config(),
            book(vec![older, newer, done], vec![]),
            at(14, 0),
        ));
        let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing: {out}"));
        assert!(pos("Newer trouble") < pos("Older trouble"));
        assert!(!out.contains("Fixed trouble"), "{out}");
    }

    #[test]
    fn maintenance_in_progress_comes_before_upcoming_and_past_is_gone() {
        let soon = maintenance("soon", MaintenanceStatus::Scheduled, at(20, 0), at(22, 0));
        let now = maintenance("now", MaintenanceStatus::InProgress, at(13, 0), at(15, 0));
        let done = maintenance("done", MaintenanceStatus::Completed, at(1, 0), at(2, 0));
        let late = maintenance("late", MaintenanceStatus::Scheduled, at(9, 0), at(10, 0));
        let out = page(&view(
            config(),
            book(vec![], vec![soon, now, done, late]),
            at(14, 0),
        ));
        let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing: {out}"));
        assert!(pos("Maintenance now") < pos("Maintenance soon"));
        assert!(pos("In progress") < pos("Maintenance soon"));
        assert!(out.contains("Scheduled, starts in about 6 hours"), "{out}");
        assert!(
            out.contains(
                "Sun 22 Nov 21:00</time>–<time datetime=\"2026-11-22T22:00:00Z\">23:00 CET"
            ),
            "{out}"
        );
        assert!(out.contains("href=\"/incidents/soon\""));
        assert!(out.contains("Upgrading the database."));
        assert!(out.contains("<li>Database</li>"), "{out}");
        assert!(!out.contains("Maintenance done") && !out.contains("Maintenance late"));
    }

    #[test]
    fn a_component_tells_who_decided_its_status() {
        let mut v = view(
            config(),
            book(vec![incident("inc1", "API down", at(9, 0))], vec![]),
            at(10, 0),
        );
        let mut api = component(ComponentStatus::MajorOutage);
        api.decided_by = Decider::Engineer;
        api.reason = Some(Why::Checks(vec![Finding {
            check: "API health".into(),
            reason: Some(Reason::other("HTTP 503")),
        }]));
        let mut db = component(ComponentStatus::UnderMaintenance);
        db.decided_by = Decider::Maintenance;
        db.reason = Some(Why::Maintenance("Disk swap".into()));
        v.components = std::sync::Arc::new([(id("api"), api), (id("db"), db)].into());
        let mut b = (*v.book).clone();
        b.overrides.insert(
            id("api"),
            Override {
                status: ComponentStatus::MajorOutage,
                at: at(9, 0),
                incident: Some(IncidentId::fixture("inc1")),
            },
        );
        v.book = std::sync::Arc::new(b);
        let out = page(&v);
        assert!(
            out.contains("Why: </strong>Scheduled maintenance: Disk swap"),
            "{out}"
        );
        assert!(
            !out.contains("HTTP 503"),
            "an engineer's status shows no checks reason: {out}"
        );
        assert!(
            out.contains("see <a href=\"/incidents/inc1\">API down</a>"),
            "{out}"
        );
    }

    #[test]
    fn affected_components_are_listed_in_words() {
        assert_eq!(list(&["A"]), "A");
        assert_eq!(list(&["A", "B"]), "A and B");
        assert_eq!(list(&["A", "B", "C"]), "A, B and C");
        assert_eq!(list(&["A", "B", "C", "D", "E"]), "A, B, C and 2 more");
    }
}
