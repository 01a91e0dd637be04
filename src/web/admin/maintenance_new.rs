//! `GET /admin/maintenances/new` and `POST /admin/maintenances`: scheduling
//! maintenance, its window typed in the site's time zone.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use chrono::{DurationRound, TimeDelta};
use maud::{Markup, html};

use super::groups;
use super::guard::{Engineer, Posted};
use super::inputs;
use super::layout::{failure, frame, html, see_other};
use super::local_time::to_local;
use super::pickers;
use super::state::Session;
use super::submit::submit;
use super::widgets::{self, Form};
use crate::incidents::input::FieldErrors;
use crate::pipeline::desk::{Command, CommandError, Done};
use crate::read::view::View;
use crate::web::form_data::FormData;

pub async fn show(engineer: Engineer) -> HttpResponse {
    let snapshot = engineer.shared.snapshots.current();
    let v = &snapshot.view;
    let tz = v.config.site.timezone;
    // Default window: the next full hour, for an hour.
    let start = (v.now + TimeDelta::hours(1))
        .duration_trunc(TimeDelta::hours(1))
        .unwrap_or(v.now);
    let defaults = FormData::default()
        .with("scheduled_for", to_local(start, tz))
        .with("scheduled_until", to_local(start + TimeDelta::hours(1), tz))
        .with("notify", "on");
    let none = FieldErrors::default();
    let form = Form::new(&defaults, &none);
    html(StatusCode::OK, page(v, &engineer.session, form))
}

pub async fn create(posted: Posted) -> HttpResponse {
    let Posted { engineer, form } = posted;
    let snapshot = engineer.shared.snapshots.current();
    let v = &snapshot.view;
    let (expanded, mut problems) = groups::expand_members(&form, &v.config);
    let (input, found) = inputs::maintenance(&expanded, v.config.site.timezone);
    groups::merge(&mut problems, found);
    let invalid = |errors: &FieldErrors| {
        let f = Form::new(&form, errors);
        html(
            StatusCode::UNPROCESSABLE_ENTITY,
            page(v, &engineer.session, f),
        )
    };
    match submit(
        &engineer.shared,
        Command::ScheduleMaintenance(input),
        problems,
    )
    .await
    {
        Ok(Done::Maintenance(m)) => see_other(&format!("/admin/maintenances/{}", m.id)),
        Ok(_) => see_other("/admin"),
        Err(CommandError::Invalid(errors)) => invalid(&errors),
        Err(e) => failure(&e, Some(&engineer.session)),
    }
}

fn page(v: &View, session: &Session, form: Form<'_>) -> Markup {
    let tz = v.config.site.timezone;
    let content = html! {
        h1 { "Schedule maintenance" }
        form.card method="post" action="/admin/maintenances" {
            (widgets::csrf(session))
            (form.summary())
            (form.text("name", "Name", Some("e.g. \u{201c}Database upgrade\u{201d}.")))
            (form.area("body", "Message", 3, Some("What customers will notice. Optional.")))
            (form.datetime("scheduled_for", "From", tz))
            (form.datetime("scheduled_until", "Until", tz))
            (pickers::members(v, form))
            (form.checkbox("notify", "Email subscribers"))
            button.primary type="submit" { "Schedule maintenance" }
        }
    };
    frame("Schedule maintenance", Some(session), content)
}
