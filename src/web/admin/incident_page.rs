//! The incident page: where it stands now beside the update form, the
//! postmortem form once it is resolved, and the timeline, newest first.

use maud::{Markup, html};

use super::incident::Forms;
use super::incident_new::{component_selects, incident_statuses, next_update_hint};
use super::layout::frame;
use super::state::Session;
use super::widgets;
use crate::incidents::{Incident, IncidentStatus};
use crate::read::view::View;
use crate::read::{time, words};
use crate::subscribers::FeedbackCounts;
use crate::web::pages::incident::component_name;
use crate::web::pages::timeline::{Reader, timeline};

pub fn page(
    v: &View,
    session: &Session,
    i: &Incident,
    forms: Forms<'_>,
    feedback: Option<FeedbackCounts>,
) -> Markup {
    let content = html! {
        h1 { (words::incident_name(crate::lang::Lang::english(), &i.name)) }
        p.meta {
            (i.status.label()) " · " (i.impact.label()) " impact · "
            a href={"/incidents/" (i.id)} { "Public page" }
        }
        div.split {
            (now(v, i))
            (update_form(v, session, i, forms))
        }
        (super::incident_split::form(v, session, i, forms.split))
        (answers(v, i, feedback))
        @if !i.status.is_open() { (postmortem_form(session, i, forms)) }
        (timeline(v, &i.updates, |s| s.label().to_owned(), Reader::Engineer))
    };
    frame(
        &words::incident_name(crate::lang::Lang::english(), &i.name),
        Some(session),
        content,
    )
}

fn now(v: &View, i: &Incident) -> Markup {
    let tz = v.config.site.timezone;
    html! {
        section.card aria-labelledby="now-title" {
            h2 #now-title { "Now" }
            dl.state {
                dt { "Status" } dd { (i.status.label()) }
                dt { "Impact" } dd { (i.impact.label()) }
                dt { "Components" }
                dd {
                    @if i.components.is_empty() { "None named" }
                    ul.plain {
                        @for (id, status) in &i.components {
                            li { (component_name(v, id)) ": " (status.label()) }
                        }
                    }
                }
                dt { "Cause" }
                dd.text { @match &i.cause { Some(c) => { (c) } None => { em { "Not known yet" } } } }
                dt { "Expected back" }
                dd {
                    @match i.expected_resolution_at {
                        Some(at) => {
                            time datetime=(time::iso(at)) { (time::short(crate::lang::Lang::english(), at, v.now, tz)) }
                            @if at <= v.now { " " strong.late { "(passed: set a new time or clear it)" } }
                        }
                        None => { em { "Not given" } }
                    }
                }
                dt { "Next update" }
                dd {
                    @match i.next_update_by.filter(|_| i.status.is_open()) {
                        Some(at) => {
                            time datetime=(time::iso(at)) { (time::short(crate::lang::Lang::english(), at, v.now, tz)) }
                            @if at <= v.now { " " strong.late { "(overdue: post an update)" } }
                        }
                        None => { em { "Not promised" } }
                    }
                }
                dt { "Workaround" }
                dd.text { @match &i.workaround { Some(w) => { (w) } None => { em { "None" } } } }
                dt { "Started" }
                dd { time datetime=(time::iso(i.started_at)) { (time::short(crate::lang::Lang::english(), i.started_at, v.now, tz)) } }
            }
        }
    }
}

/// What subscribers answered to the resolution email's "is it working for
/// you now?": shown once resolved, or as soon as anyone answered.
fn answers(v: &View, i: &Incident, feedback: Option<FeedbackCounts>) -> Markup {
    let tz = v.config.site.timezone;
    let answered = feedback.is_some_and(|f| f.working + f.still_broken > 0);
    html! {
        @if !i.status.is_open() || answered {
            section aria-labelledby="feedback-title" {
                h2 #feedback-title { "Subscribers' answers" }
                p {
                    @match feedback {
                        None => { "Could not be read (see the log)." }
                        Some(_) if !answered => { "After resolution: no answers yet." }
                        Some(f) => {
                            "After resolution: " (f.working) " "
                            (if f.working == 1 { "says" } else { "say" }) " it works, "
                            (f.still_broken) " still broken"
                            @if let Some(at) = f.last_still_broken {
                                " (latest " time datetime=(time::iso(at)) { (time::short(crate::lang::Lang::english(), at, v.now, tz)) } ")"
                            }
                        }
                    }
                }
            }
        }
    }
}

fn update_form(v: &View, session: &Session, i: &Incident, forms: Forms<'_>) -> Markup {
    let f = forms.update;
    html! {
        section.card aria-labelledby="update-title" {
            h2 #update-title { "Post an update" }
            form method="post" action={"/admin/incidents/" (i.id) "/updates"} {
                (widgets::csrf(session))
                (f.summary())
                (f.select("status", "Status", &incident_statuses()))
                (f.area("body", "Message", 4, Some("What changed, in plain words for customers.")))
                (component_selects(v, f, "No change", true))
                p.hint { "Cause, expected back and workaround show their current values: leave a field as it is to keep it, empty it to clear it." }
                (f.area("cause", "Cause", 2, None))
                (f.was("cause"))
                (f.datetime("expected_resolution_at", "Expected back", v.config.site.timezone))
                (f.was("expected_resolution_at"))
                (f.datetime_hint("next_update_at", "Next update by", v.config.site.timezone, &next_update_hint(v)))
                (f.area("workaround", "Workaround", 2, None))
                (f.was("workaround"))
                (f.checkbox("notify", "Email subscribers"))
                button.primary type="submit" { "Post update" }
            }
        }
    }
}

fn postmortem_form(session: &Session, i: &Incident, forms: Forms<'_>) -> Markup {
    let f = forms.postmortem;
    let published = i.status == IncidentStatus::Postmortem;
    html! {
        section.card aria-labelledby="postmortem-title" {
            h2 #postmortem-title { "Postmortem" }
            form method="post" action={"/admin/incidents/" (i.id) "/postmortem"} {
                (widgets::csrf(session))
                (f.summary())
                (f.area("body", "What happened, why, and what will prevent it", 8, None))
                button.primary type="submit" {
                    @if published { "Replace postmortem" } @else { "Publish postmortem" }
                }
            }
        }
    }
}
