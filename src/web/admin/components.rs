//! The dashboard's components: what each shows and who decided it, grouped
//! by component group (a group is open when something in it is not
//! operational), with a status form per component and one per group that
//! sets all of the group at once (`POST /admin/components/{id}`,
//! `POST /admin/groups`).

use actix_web::{HttpResponse, web};
use maud::{Markup, html};

use super::groups::{self, Group};
use super::guard::Posted;
use super::inputs;
use super::layout::{failure, see_other};
use super::state::Session;
use super::submit::submit;
use super::widgets;
use crate::config::Component;
use crate::incidents::input::ComponentStatusInput;
use crate::model::ComponentStatus;
use crate::pipeline::desk::Command;
use crate::read::view::{Decider, View, Why};
use crate::read::words;

pub const COMPONENT_STATUSES: [ComponentStatus; 5] = ComponentStatus::ALL;

pub async fn set_component(posted: Posted, id: web::Path<String>) -> HttpResponse {
    let id = id.into_inner();
    let engineer = &posted.engineer;
    let (input, problems) = inputs::read::<ComponentStatusInput>(&posted.form);
    let command = Command::SetComponent {
        id: id.clone(),
        status: input.status,
    };
    match submit(&engineer.shared, command, problems).await {
        Ok(_) => see_other(&format!("/admin#{}", component_anchor(&id))),
        Err(e) => failure(&e, Some(&engineer.session)),
    }
}

/// `POST /admin/groups` (`group`, `status`): every component of the group.
pub async fn set_group(posted: Posted) -> HttpResponse {
    let engineer = &posted.engineer;
    let form = posted.form.filtered(|name, _| name != "group");
    let (input, problems) = inputs::read::<ComponentStatusInput>(&form);
    let group = posted.form.value("group").to_owned();
    let command = Command::SetGroup {
        group,
        status: input.status,
    };
    match submit(&engineer.shared, command, problems).await {
        Ok(_) => see_other("/admin#components-title"),
        Err(e) => failure(&e, Some(&engineer.session)),
    }
}

pub fn section(v: &View, session: &Session) -> Markup {
    let (loose, groups) = groups::of(&v.config);
    html! {
        section aria-labelledby="components-title" {
            h2 #components-title { "Components" }
            p.hint {
                "A status you set stays until you change it (or the incident that set it is resolved). "
                strong { "Operational" } " hands the component back to its checks."
            }
            @if !loose.is_empty() { (table(v, &loose, session)) }
            @for g in &groups { (group(v, g, session)) }
        }
    }
}

/// A group as one line (its worst status, how many are not operational),
/// opening onto its components.
fn group(v: &View, g: &Group, session: &Session) -> Markup {
    let statuses: Vec<ComponentStatus> = (g.components.iter())
        .filter_map(|c| v.components.get(&c.id).map(|s| s.status))
        .collect();
    let worst = (statuses.iter().copied())
        .max_by_key(|s| s.severity())
        .unwrap_or(ComponentStatus::Operational);
    let affected = (statuses.iter())
        .filter(|s| **s != ComponentStatus::Operational)
        .count();
    html! {
        details.group open[affected > 0] {
            summary {
                (g.name) " "
                span.status.{"status--" (worst.as_str())} { (worst.label()) }
                " " span.hint { (affected) " of " (g.components.len()) " not operational" }
            }
            (group_form(g, session))
            (table(v, &g.components, session))
        }
    }
}

fn group_form(g: &Group, session: &Session) -> Markup {
    html! {
        form.inline.group__all method="post" action="/admin/groups" {
            (widgets::csrf(session))
            input type="hidden" name="group" value=(g.name);
            label { "Set every component in " (g.name) " to " }
            select name="status" {
                @for s in COMPONENT_STATUSES { option value=(s.as_str()) { (s.label()) } }
            }
            " "
            button type="submit" { "Set all " (g.components.len()) }
        }
    }
}

fn table(v: &View, components: &[&Component], session: &Session) -> Markup {
    html! {
        table.list {
            thead { tr { th { "Component" } th { "Status" } th { "Decided by" } th { "Set status" } } }
            tbody {
                @for c in components {
                    @if let Some(state) = v.components.get(&c.id) {
                        tr id=(component_anchor(c.id.as_str())) {
                            td { (c.name) }
                            td { span.status.{"status--" (state.status.as_str())} { (state.status.label()) } }
                            td { (decided_by(v, c.id.as_str(), state.decided_by, state.reason.as_ref())) }
                            td { (status_form(c.id.as_str(), &c.name, state.status, session)) }
                        }
                    }
                }
            }
        }
    }
}

fn decided_by(v: &View, id: &str, decider: Decider, reason: Option<&Why>) -> Markup {
    let incident = v
        .book
        .overrides
        .iter()
        .find(|(c, _)| c.as_str() == id)
        .and_then(|(_, o)| o.incident.as_ref())
        .and_then(|i| v.book.incidents.get(i));
    // The checks decide, and an open incident (the automatic one, usually)
    // names the component: linked as an engineer's incident is, so the row
    // leads to where the outage is being handled.
    let covering = (decider == Decider::Checks)
        .then(|| v.book.open_incidents())
        .and_then(|open| {
            (open.into_iter()).find(|i| i.components.keys().any(|c| c.as_str() == id))
        });
    html! {
        @match decider {
            Decider::Checks => {
                "Checks"
                @if let Some(i) = covering {
                    " in " a href={"/admin/incidents/" (i.id)} { (words::incident_name(crate::lang::Lang::english(), &i.name)) }
                }
            }
            Decider::Maintenance => { "Maintenance" }
            Decider::Engineer => {
                "Engineer"
                @if let Some(i) = incident {
                    " in " a href={"/admin/incidents/" (i.id)} { (words::incident_name(crate::lang::Lang::english(), &i.name)) }
                }
            }
        }
        @if let Some(r) = reason { br; span.reason { (words::why(crate::lang::Lang::english(), r)) } }
    }
}

fn status_form(id: &str, name: &str, current: ComponentStatus, session: &Session) -> Markup {
    let field = format!("status-{id}");
    html! {
        form.inline.set-status method="post" action={"/admin/components/" (id)} {
            (widgets::csrf(session))
            label.visually-hidden for=(field) { "Status of " (name) }
            select id=(field) name="status" {
                @for s in COMPONENT_STATUSES {
                    option value=(s.as_str()) selected[s == current] { (s.label()) }
                }
            }
            " "
            button type="submit" { "Set" }
        }
    }
}

fn component_anchor(id: &str) -> String {
    format!("component-{id}")
}
