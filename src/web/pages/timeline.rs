//! An incident's or a maintenance's timeline: every update, newest first. The
//! public permalink and the admin pages render it here, with the same markup;
//! [`Reader`] holds what differs between customers and engineers.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::incident::component_name;
use crate::incidents::{Author, ComponentChange, Update};
use crate::read::view::View;
use crate::read::{time, words};
use crate::say;

/// Who reads the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Customers on the permalink. Times are full dates, so a closed record
    /// renders without reference to `now` and the page can be kept; an update
    /// nobody typed says so.
    Public,
    /// Engineers in the admin UI: times as short as today allows, and who
    /// posted each update and whether subscribers were emailed about it.
    Engineer,
}

impl Reader {
    /// The section's heading and its id.
    fn heading(self, v: &View) -> (&'static str, String) {
        match self {
            Reader::Public => ("updates-title", v.lang.say("updates")),
            Reader::Engineer => ("timeline-title", "Timeline".to_owned()),
        }
    }

    fn when(self, v: &View, at: DateTime<Utc>) -> Markup {
        let tz = v.config.site.timezone;
        let shown = match self {
            Reader::Public => time::full(v.lang, at, tz),
            Reader::Engineer => time::short(v.lang, at, v.now, tz),
        };
        html! { time datetime=(time::iso(at)) { (shown) } }
    }

    /// "Public API: operational → major outage" in a sentence for customers;
    /// engineers see the labels as the admin pages write them elsewhere.
    fn change(self, v: &View, c: &ComponentChange) -> String {
        let name = component_name(v, &c.component);
        match self {
            Reader::Public => say!(
                v.lang,
                "update-change",
                component = name,
                old = words::status_lower(v.lang, c.old),
                new = words::status_lower(v.lang, c.new)
            ),
            Reader::Engineer => format!("{name}: {} → {}", c.old.label(), c.new.label()),
        }
    }
}

/// Every update, newest first, each labelled with its status by `label`.
pub fn timeline<S: Copy>(
    v: &View,
    updates: &[Update<S>],
    label: impl Fn(S) -> String,
    reader: Reader,
) -> Markup {
    let (id, heading) = reader.heading(v);
    html! {
        section aria-labelledby=(id) {
            h2 id=(id) { (heading) }
            ol.timeline {
                @for u in updates.iter().rev() { (entry(v, u, &label(u.status), reader)) }
            }
        }
    }
}

fn entry<S>(v: &View, u: &Update<S>, label: &str, reader: Reader) -> Markup {
    let automatic = u.author == Author::Automatic;
    // An update may name a component it left as it was ("partial outage →
    // partial outage"): that is no change to show.
    let changes: Vec<&ComponentChange> = u.changes.iter().filter(|c| c.old != c.new).collect();
    html! {
        li.update {
            p.update__head {
                strong { (label) } " · " (reader.when(v, u.at))
                @if reader == Reader::Engineer {
                    " · " (if automatic { "posted automatically" } else { "by an engineer" })
                    @if !u.notify { " · not emailed" }
                }
            }
            div.text { (super::note::body(v.lang, &u.body, v.config.site.timezone)) }
            @if !changes.is_empty() {
                ul.changes { @for c in changes { li { (reader.change(v, c)) } } }
            }
            @if reader == Reader::Public && automatic {
                p.update__author { (v.lang.say("update-automatic")) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Reader, timeline};
    use crate::incidents::{Author, ComponentChange, IncidentStatus, MaintenanceStatus, Update};
    use crate::model::ComponentStatus;
    use crate::read::view::View;
    use crate::web::render::fixtures::*;

    fn v() -> View {
        view(config(), book(vec![], vec![]), at(12, 0))
    }

    /// An automatic, unemailed update that took the API down, then an
    /// engineer's.
    fn updates() -> Vec<Update<IncidentStatus>> {
        let mut first = update(IncidentStatus::Investigating, "Checks fail.", at(9, 0));
        first.author = Author::Automatic;
        first.notify = false;
        first.changes = vec![ComponentChange {
            component: id("api"),
            old: ComponentStatus::Operational,
            new: ComponentStatus::MajorOutage,
        }];
        let second = update(IncidentStatus::Identified, "A bad deploy.", at(9, 20));
        vec![first, second]
    }

    fn render(reader: Reader) -> String {
        timeline(
            &v(),
            &updates(),
            |s: IncidentStatus| s.label().to_owned(),
            reader,
        )
        .into_string()
    }

    #[test]
    fn both_readers_see_the_same_updates_newest_first_in_the_same_markup() {
        for reader in [Reader::Public, Reader::Engineer] {
            let out = render(reader);
            let identified = out.find("<strong>Identified</strong>").expect(&out);
            assert!(identified < out.find("<strong>Investigating").expect(&out));
            assert_eq!(out.matches("<li class=\"update\">").count(), 2, "{out}");
            assert!(out.contains("<div class=\"text\"><p>A bad deploy.</p></div>"));
            assert!(
                out.contains("<ul class=\"changes\"><li>Public API: "),
                "{out}"
            );
        }
    }

    #[test]
    fn customers_see_full_dates_and_the_automatic_marker_but_not_who_or_whether_emailed() {
        let out = render(Reader::Public);
        assert!(
            out.contains("<h2 id=\"updates-title\">Updates</h2>"),
            "{out}"
        );
        assert!(out.contains(">Sun 22 Nov 2026, 10:20 CET</time>"), "{out}");
        assert!(out.contains("Public API: operational → major outage"));
        assert_eq!(out.matches("Posted automatically").count(), 1, "{out}");
        assert!(!out.contains("by an engineer") && !out.contains("not emailed"));
    }

    #[test]
    fn engineers_see_short_times_who_posted_and_what_was_not_emailed() {
        let out = render(Reader::Engineer);
        assert!(
            out.contains("<h2 id=\"timeline-title\">Timeline</h2>"),
            "{out}"
        );
        assert!(
            out.contains(">10:20 CET</time> · by an engineer</p>"),
            "{out}"
        );
        assert!(
            out.contains(">10:00 CET</time> · posted automatically · not emailed</p>"),
            "{out}"
        );
        assert!(
            out.contains("Public API: Operational → Major outage"),
            "{out}"
        );
        assert!(!out.contains("update__author"), "{out}");
    }

    #[test]
    fn a_component_left_as_it_was_is_not_shown_as_a_change() {
        let mut u = update(IncidentStatus::Identified, "Still on it.", at(9, 0));
        let change = |old, new| ComponentChange {
            component: id("api"),
            old,
            new,
        };
        u.changes = vec![change(
            ComponentStatus::PartialOutage,
            ComponentStatus::PartialOutage,
        )];
        for reader in [Reader::Public, Reader::Engineer] {
            let out = timeline(
                &v(),
                &[u.clone()],
                |s: IncidentStatus| s.label().to_owned(),
                reader,
            )
            .into_string();
            assert!(!out.contains("class=\"changes\""), "{out}");
        }
        u.changes.push(ComponentChange {
            component: id("db"),
            ..change(ComponentStatus::PartialOutage, ComponentStatus::Operational)
        });
        let out = timeline(
            &v(),
            &[u],
            |s: IncidentStatus| s.label().to_owned(),
            Reader::Public,
        )
        .into_string();
        assert!(
            out.contains(
                "<ul class=\"changes\"><li>Database: partial outage → operational</li></ul>"
            ),
            "{out}"
        );
    }

    #[test]
    fn a_maintenance_timeline_labels_updates_with_maintenance_statuses() {
        let u = vec![update(MaintenanceStatus::InProgress, "Started.", at(2, 0))];
        let out = timeline(
            &v(),
            &u,
            |s: MaintenanceStatus| s.label().to_owned(),
            Reader::Engineer,
        )
        .into_string();
        assert!(out.contains("<strong>In progress</strong>"), "{out}");
    }
}
