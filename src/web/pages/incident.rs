//! `GET /incidents/{id}`: one incident or maintenance for good: what happened,
//! why, when it was (or is expected to be) back, and every update, newest first.
//! Also the pieces the status page shows for the same records.

use maud::{Markup, html};

use super::timeline::{Reader, timeline};
use super::{MARK, layout, note};
use crate::incidents::promise::{self, Grounds, NextUpdate};
use crate::incidents::{Impact, Incident, Maintenance, MaintenanceStatus};
use crate::markup as text;
use crate::model::{ComponentId, ComponentStatus};
use crate::read::view::View;
use crate::read::words::promise as promised;
use crate::read::{time, words};
use crate::say;

/// An incident's permalink. Closed incidents render without reference to
/// `v.now`, so the page can be kept across renders.
pub fn incident_page(v: &View, i: &Incident) -> Markup {
    let open = i.status.is_open();
    let l = v.lang;
    let content = html! {
        p.crumbs { a href="/" { "← " (l.say("crumb-current-status")) } }
        article.record aria-labelledby="record-title" {
            h1 #record-title { (words::incident_name(l, &i.name)) }
            p.record__meta {
                (impact(l, i.impact)) " "
                span.pill { (say!(l, "record-status", status = words::incident_status(l, i.status))) }
            }
            @if let Some(pm) = i.postmortem.as_ref().filter(|_| !open) {
                section.postmortem #postmortem aria-labelledby="postmortem-title" {
                    h2 #postmortem-title { (l.say("postmortem")) }
                    p.muted { (l.say("postmortem-published")) " " (when(pm.at, v)) }
                    div.text { (text::render(&pm.body)) }
                }
            }
            (facts(v, i))
            @if open {
                (answers(v, i))
                (crate::web::subscribe::follow::on_incident(l, &i.id))
            } @else {
                dl.answers { dt { (l.say("answer-why")) } dd { (why(v, i)) } }
            }
            (timeline(v, &i.updates, |s| words::incident_status(l, s), Reader::Public))
        }
    };
    let path = format!("/incidents/{}", i.id);
    let live = open.then_some(layout::Live {
        at: v.now,
        path: &path,
    });
    layout::page(
        &v.config.site,
        v.lang,
        &title(v, &words::incident_name(v.lang, &i.name)),
        live,
        content,
    )
}

/// A maintenance's permalink.
pub fn maintenance_page(v: &View, m: &Maintenance) -> Markup {
    let tz = v.config.site.timezone;
    let l = v.lang;
    let content = html! {
        p.crumbs { a href="/" { "← " (l.say("crumb-current-status")) } }
        article.record aria-labelledby="record-title" {
            h1 #record-title { (m.name) }
            p.record__meta {
                (maintenance_badge(l)) " "
                span.pill { (say!(l, "record-status", status = words::maintenance_status(l, m.status))) }
            }
            dl.facts {
                dt { (l.say("fact-window")) } dd { (window(l, m, tz, true)) }
                dt { (l.say("fact-components")) } dd { (affected(v, m.components.iter().map(|c| (c, None)))) }
            }
            div.text { (text::render(&m.body)) }
            (timeline(v, &m.updates, |s| words::maintenance_status(l, s), Reader::Public))
        }
    };
    let path = format!("/incidents/{}", m.id);
    let live = (m.status != MaintenanceStatus::Completed).then_some(layout::Live {
        at: v.now,
        path: &path,
    });
    layout::page(&v.config.site, v.lang, &title(v, &m.name), live, content)
}

fn title(v: &View, name: &str) -> String {
    format!("{name} · {}", v.config.site.title)
}

/// Started, resolved, how long, and what was affected.
fn facts(v: &View, i: &Incident) -> Markup {
    let statuses = i.components.iter().map(|(c, s)| (c, Some(*s)));
    let l = v.lang;
    html! {
        dl.facts {
            dt { (l.say("fact-started")) } dd { (when(i.started_at, v)) }
            @if let Some(end) = i.resolved_at.filter(|_| !i.status.is_open()) {
                dt { (l.say("fact-resolved")) } dd { (when(end, v)) }
                dt { (l.say("fact-duration")) } dd { (time::span(l, i.started_at, end)) }
            }
            // An incident about no particular component names none.
            @if !i.components.is_empty() {
                dt { (l.say("fact-affected")) } dd {
                    (affected(v, statuses))
                    // The permalink is where each one can be looked up by name.
                    @if i.components.len() > super::grouped::LONG {
                        details.affected-all {
                            summary { (say!(l, "affected-each", n = i.components.len())) }
                            ul.affected {
                                @for (id, s) in &i.components { li { (component_name(v, id)) (status_label(l, *s)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A full date in the site's zone, machine-readable too.
fn when(at: chrono::DateTime<chrono::Utc>, v: &View) -> Markup {
    html! { time datetime=(time::iso(at)) { (time::full(v.lang, at, v.config.site.timezone)) } }
}

/// The three questions customers ask: why, when is it back, what do I do
/// meanwhile (that row only when there is an answer).
pub fn answers(v: &View, i: &Incident) -> Markup {
    let l = v.lang;
    html! {
        dl.answers {
            dt { (l.say("answer-why")) }
            dd { (why(v, i)) }
            dt { (l.say("answer-back")) }
            dd { p { (expected_back(v, i)) } (next_update(v, i)) }
            @if let Some(w) = &i.workaround {
                dt { (l.say("answer-meanwhile")) }
                dd { (text::render(w)) }
            }
        }
    }
}

/// Why: an engineer's cause as written; else what the checks see, each time
/// marked up; else where the answer stands (under investigation; once closed,
/// the postmortem or that the cause is not yet published). Closed incidents'
/// whys do not depend on `v.now` (their pages are kept).
fn why(v: &View, i: &Incident) -> Markup {
    let (tz, l) = (v.config.site.timezone, v.lang);
    let name = |c: &ComponentId| component_name(v, c).to_owned();
    match promise::grounds(i, &name, &|c| v.seen_now(c)) {
        Grounds::Cause { text: cause } => text::render(&cause),
        Grounds::Checks { seen, passing } => {
            let said = promised::checks(l, &seen, passing, tz);
            let times: Vec<_> = (promised::checks_times(&seen).into_iter())
                .map(|at| (at, words::clock(l, at, tz)))
                .collect();
            html! { p { (note::timed(&said, &times)) } }
        }
        Grounds::Investigating => html! { p { (promised::under_investigation(l)) } },
        Grounds::NotPublished => html! { p { (promised::cause_not_published(l)) } },
        Grounds::Postmortem => html! {
            p { a href={"/incidents/" (i.id) "#postmortem"} { (promised::read_the_postmortem(l)) } }
        },
    }
}

/// "Next update by 14:32 CET" while that is to come; "Update overdue since
/// 14:32 CET" once it passed without a post (the pipeline renders again the
/// moment it passes).
fn next_update(v: &View, i: &Incident) -> Markup {
    let (tz, l) = (v.config.site.timezone, v.lang);
    let shown = |at| vec![(at, time::short(l, at, v.now, tz))];
    match promise::next_update(i, v.now) {
        None => html! {},
        Some(NextUpdate::Due(at)) => {
            let times = shown(at);
            html! { p.next-update { (note::timed(&promised::next_update_by(l, &times[0].1), &times)) } }
        }
        Some(NextUpdate::Overdue(at)) => {
            let times = shown(at);
            let said = promised::update_overdue_since(l, &times[0].1);
            html! { p.next-update.next-update--overdue { strong { (note::timed(&said, &times)) } } }
        }
    }
}

/// "by 15:30 CET, in about 25 minutes"; once that time has passed, say so
/// and keep showing it. An automatic incident whose checks pass again says so
/// while it waits out the quiet period before resolving.
fn expected_back(v: &View, i: &Incident) -> Markup {
    let tz = v.config.site.timezone;
    let l = v.lang;
    let at_time = |at| html! { time datetime=(time::iso(at)) { (time::short(l, at, v.now, tz)) } };
    if let Some(at) = i.recovered_at {
        return super::sentence(&say!(l, "back-working-again", time = MARK), at_time(at));
    }
    match i.expected_resolution_at {
        None => html! { (l.say("back-no-estimate")) },
        Some(eta) if eta > v.now => super::sentence(
            &say!(
                l,
                "back-by",
                time = MARK,
                within = time::relative_future(l, eta, v.now)
            ),
            at_time(eta),
        ),
        Some(eta) => super::sentence(&say!(l, "back-passed", time = MARK), at_time(eta)),
    }
}

/// Impact in words and a shape, never by colour alone.
pub fn impact(l: crate::lang::Lang, impact: Impact) -> Markup {
    let icon = match impact {
        Impact::None => "○",
        Impact::Minor => "▲",
        Impact::Major => "◆",
        Impact::Critical => "✕",
    };
    let words = l.say(&format!("impact-badge-{}", impact.as_str()));
    html! {
        span.impact.{"impact--" (impact.as_str())} {
            span aria-hidden="true" { (icon) } " " (words)
        }
    }
}

/// Maintenance's counterpart of [`impact`].
pub fn maintenance_badge(l: crate::lang::Lang) -> Markup {
    html! { span.impact.impact--maintenance { span aria-hidden="true" { "⚙" } " " (l.say("maintenance-badge")) } }
}

/// The components a record names, each with the status it set when it set
/// one. A long list is told by group ("All of Europe West (50 components)"),
/// so one outage of 50 components is a line, not a screen.
pub fn affected<'a>(
    v: &View,
    components: impl Iterator<Item = (&'a ComponentId, Option<ComponentStatus>)>,
) -> Markup {
    let list: Vec<_> = components.collect();
    if list.len() > super::grouped::LONG {
        return super::grouped::affected(v, &list);
    }
    html! {
        ul.affected {
            @for (id, status) in list {
                li {
                    (component_name(v, id))
                    @if let Some(s) = status { (status_label(v.lang, s)) }
                }
            }
        }
    }
}

/// ": Major outage", coloured by status.
pub fn status_label(l: crate::lang::Lang, s: ComponentStatus) -> Markup {
    html! { ": " span.{"status--" (s.as_str())} { (words::status(l, s)) } }
}

/// A component's configured name; its id if it has left the config since.
pub fn component_name<'a>(v: &'a View, id: &'a ComponentId) -> &'a str {
    v.config
        .component(id)
        .map_or(id.as_str(), |c| c.name.as_str())
}

/// "Sun 22 Nov 02:00–04:00 CET", each end a `<time>`.
pub fn window(l: crate::lang::Lang, m: &Maintenance, tz: chrono_tz::Tz, year: bool) -> Markup {
    let (start, end) = time::window(l, m.scheduled_for, m.scheduled_until, tz, year);
    let dash = if start.ends_with(char::is_alphabetic) {
        " – "
    } else {
        "–"
    };
    html! {
        time datetime=(time::iso(m.scheduled_for)) { (start) }
        (dash)
        time datetime=(time::iso(m.scheduled_until)) { (end) }
    }
}

#[cfg(test)]
mod tests {
    use super::{incident_page, maintenance_page};
    use crate::incidents::{
        Author, ComponentChange, IncidentStatus, MaintenanceStatus, Postmortem,
    };
    use crate::model::ComponentStatus;
    use crate::read::view::View;
    use crate::web::render::fixtures::*;

    fn v() -> View {
        view(config(), book(vec![], vec![]), at(12, 0))
    }

    fn pos(out: &str, s: &str) -> usize {
        out.find(s).unwrap_or_else(|| panic!("{s} missing: {out}"))
    }

    #[test]
    fn the_timeline_is_newest_first_with_changes_and_the_automatic_marker() {
        let mut i = incident("inc1", "API down", at(9, 0));
        i.updates[0].author = Author::Automatic;
        i.updates[0].changes = vec![ComponentChange {
            component: id("api"),
            old: ComponentStatus::Operational,
            new: ComponentStatus::MajorOutage,
        }];
        i.updates.push(update(
            IncidentStatus::Identified,
            "Found a bad deploy.",
            at(9, 20),
        ));
        let out = incident_page(&v(), &i).into_string();
        assert!(pos(&out, "Found a bad deploy.") < pos(&out, "We are looking into it."));
        assert!(pos(&out, "<strong>Identified") < pos(&out, "<strong>Investigating"));
        assert!(
            out.contains("Public API: operational → major outage"),
            "{out}"
        );
        assert_eq!(out.matches("Posted automatically").count(), 1, "{out}");
        assert!(
            pos(&out, "We are looking into it.") < pos(&out, "Posted automatically"),
            "the marker belongs to the automatic update: {out}"
        );
    }

    #[test]
    fn an_open_incident_page_answers_the_three_questions_and_refreshes() {
        let mut i = incident("inc1", "API down", at(9, 0));
        i.expected_resolution_at = Some(at(13, 0));
        i.workaround = Some("Use the EU endpoint.".into());
        let out = incident_page(&v(), &i).into_string();
        assert!(
            out.contains("<h1 id=\"record-title\">API down</h1>"),
            "{out}"
        );
        assert!(out.contains("Critical impact") && out.contains("Status: Investigating"));
        assert!(out.contains("Under investigation"));
        assert!(out.contains("14:00 CET</time>, in about an hour"), "{out}");
        assert!(out.contains("Use the EU endpoint."));
        assert!(!out.contains("http-equiv"), "no meta refresh: {out}");
        assert!(
            out.contains("<main class=\"wrap\" id=\"main\" data-refresh=\"30\""),
            "refreshed in place by the script: {out}"
        );
        assert!(
            out.contains("<a href=\"/incidents/inc1\">Reload</a>"),
            "{out}"
        );
        assert!(
            out.contains("Sun 22 Nov 2026, 10:00 CET"),
            "started, in full: {out}"
        );
        assert!(
            !out.contains("Resolved") && !out.contains("Duration"),
            "{out}"
        );
        // Open: the follow form, in the page's language.
        assert!(
            out.contains("action=\"/incidents/inc1/follow\"")
                && out.contains("Email me when this is resolved"),
            "{out}"
        );
        let resolved = incident_page(&v(), &resolve(i.clone(), at(11, 0))).into_string();
        assert!(
            !resolved.contains("/follow\""),
            "nothing to follow: {resolved}"
        );
    }

    #[test]
    fn an_incident_about_no_component_names_none() {
        let mut i = incident("inc1", "Login slow", at(9, 0));
        i.components.clear();
        let out = incident_page(&v(), &i).into_string();
        assert!(!out.contains("Affected"), "{out}");
        i.components.insert(id("api"), ComponentStatus::MajorOutage);
        let out = incident_page(&v(), &i).into_string();
        assert!(out.contains("Affected"), "{out}");
    }

    #[test]
    fn a_resolved_incident_leads_with_its_postmortem_and_says_how_long_it_lasted() {
        let mut i = resolve(incident("inc1", "API down", at(9, 0)), at(10, 25));
        i.cause = Some("A full disk.".into());
        i.postmortem = Some(Postmortem {
            body: "What happened.\n\nWhat we changed: https://example.com/fix".into(),
            at: at(11, 0),
        });
        i.status = IncidentStatus::Postmortem;
        let out = incident_page(&v(), &i).into_string();
        assert!(pos(&out, "Postmortem</h2>") < pos(&out, "Started"));
        assert!(pos(&out, "What happened.") < pos(&out, "Updates</h2>"));
        assert!(out.contains("<a href=\"https://example.com/fix\" rel=\"nofollow noopener\">"));
        assert!(out.contains("Duration</dt><dd>1 hour 25 minutes"), "{out}");
        assert!(out.contains("Resolved</dt><dd><time datetime=\"2026-11-22T10:25:00Z\">"));
        assert!(out.contains("A full disk."));
        assert!(!out.contains("Expected back") && !out.contains("data-refresh"));
        assert!(
            !out.contains(">Reload</a>"),
            "a closed record stays as it is: {out}"
        );
    }

    #[test]
    fn a_maintenance_page_shows_its_window_components_and_updates() {
        let mut m = maintenance("m1", MaintenanceStatus::Completed, at(1, 0), at(3, 0));
        m.updates
            .push(update(MaintenanceStatus::Completed, "All done.", at(2, 50)));
        let out = maintenance_page(&v(), &m).into_string();
        assert!(out.contains("Maintenance m1") && out.contains("Status: Completed"));
        assert!(
            out.contains(">Sun 22 Nov 2026 02:00</time>–<time datetime=\"2026-11-22T03:00:00Z\">04:00 CET</time>"),
            "{out}"
        );
        assert!(out.contains("<li>Database</li>"));
        assert!(out.contains("Upgrading the database."));
        assert!(pos(&out, "All done.") < pos(&out, "Maintenance scheduled."));
    }
}

#[cfg(test)]
#[path = "incident_promise_tests.rs"]
mod promise_tests;
