//! `GET /admin/maintenances/{id}` and `POST /admin/maintenances/{id}/updates`:
//! a maintenance as it stands, and moving it along (started, verifying, done).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};

use super::guard::{Engineer, Posted};
use super::inputs;
use super::layout::{failure, frame, html, not_found, see_other};
use super::state::Session;
use super::submit::submit;
use super::widgets::{self, Form};
use crate::incidents::input::FieldErrors;
use crate::incidents::{Maintenance, MaintenanceId, MaintenanceStatus};
use crate::pipeline::desk::{Command, CommandError};
use crate::read::time;
use crate::read::view::View;
use crate::web::form_data::FormData;
use crate::web::pages::timeline::{Reader, timeline};

const NO_SUCH: &str = "There is no maintenance with that id.";

pub async fn show(engineer: Engineer, id: web::Path<String>) -> HttpResponse {
    let snapshot = engineer.shared.snapshots.current();
    let v = &snapshot.view;
    let found = MaintenanceId::parse(&id).ok();
    let Some(m) = found.and_then(|id| v.book.maintenances.get(&id)) else {
        return not_found(Some(&engineer.session), NO_SUCH);
    };
    let defaults = FormData::default()
        .with("status", next_status(m.status).as_str())
        .with("notify", "on");
    let none = FieldErrors::default();
    let form = Form::new(&defaults, &none);
    html(StatusCode::OK, page(v, &engineer.session, m, form))
}

pub async fn update(posted: Posted, id: web::Path<String>) -> HttpResponse {
    let Posted { engineer, form } = posted;
    let Ok(id) = MaintenanceId::parse(&id) else {
        let unknown = CommandError::no_such("maintenance", &id);
        return failure(&unknown, Some(&engineer.session));
    };
    let (input, problems) = inputs::maintenance_update(&form);
    let command = Command::UpdateMaintenance {
        id: id.clone(),
        input,
    };
    let errors = match submit(&engineer.shared, command, problems).await {
        Ok(_) => return see_other(&format!("/admin/maintenances/{id}")),
        Err(CommandError::Invalid(errors)) => errors,
        Err(e) => return failure(&e, Some(&engineer.session)),
    };
    let snapshot = engineer.shared.snapshots.current();
    let v = &snapshot.view;
    match v.book.maintenances.get(&id) {
        Some(m) => {
            let f = Form::new(&form, &errors);
            html(
                StatusCode::UNPROCESSABLE_ENTITY,
                page(v, &engineer.session, m, f),
            )
        }
        None => not_found(Some(&engineer.session), NO_SUCH),
    }
}

/// The step that usually comes next, preselected.
fn next_status(s: MaintenanceStatus) -> MaintenanceStatus {
    match s {
        MaintenanceStatus::Scheduled => MaintenanceStatus::InProgress,
        MaintenanceStatus::InProgress => MaintenanceStatus::Verifying,
        MaintenanceStatus::Verifying | MaintenanceStatus::Completed => MaintenanceStatus::Completed,
    }
}

fn page(v: &View, session: &Session, m: &Maintenance, form: Form<'_>) -> Markup {
    let statuses: Vec<_> = MaintenanceStatus::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    let content = html! {
        h1 { (m.name) }
        p.meta { (m.status.label()) " · " a href={"/incidents/" (m.id)} { "Public page" } }
        div.split {
            (now(v, m))
            section.card aria-labelledby="update-title" {
                h2 #update-title { "Post an update" }
                form method="post" action={"/admin/maintenances/" (m.id) "/updates"} {
                    (widgets::csrf(session))
                    (form.summary())
                    (form.select("status", "Status", &statuses))
                    (form.area("body", "Message", 3, Some("e.g. \u{201c}Work has started.\u{201d}")))
                    (form.checkbox("notify", "Email subscribers"))
                    button.primary type="submit" { "Post update" }
                }
            }
        }
        (timeline(v, &m.updates, |s| s.label().to_owned(), Reader::Engineer))
    };
    frame(&m.name, Some(session), content)
}

fn now(v: &View, m: &Maintenance) -> Markup {
    let tz = v.config.site.timezone;
    let names: Vec<&str> = v
        .config
        .components
        .iter()
        .filter(|c| m.covers(&c.id))
        .map(|c| c.name.as_str())
        .collect();
    html! {
        section.card aria-labelledby="now-title" {
            h2 #now-title { "Now" }
            dl.state {
                dt { "Status" } dd { (m.status.label()) }
                dt { "From" } dd { (time::short(crate::lang::Lang::english(), m.scheduled_for, v.now, tz)) }
                dt { "Until" } dd { (time::short(crate::lang::Lang::english(), m.scheduled_until, v.now, tz)) }
                dt { "Components" } dd { (names.join(", ")) }
                dt { "Message" } dd.text { (m.body) }
            }
        }
    }
}
