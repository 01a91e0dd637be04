//! `GET /admin/incidents/new` and `POST /admin/incidents`: opening an incident,
//! with every default filled in so that a name and a message are enough.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use maud::{Markup, html};

use super::dashboard::COMPONENT_STATUSES;
use super::groups;
use super::guard::{Engineer, Posted};
use super::inputs;
use super::layout::{failure, frame, html, see_other};
use super::pickers;
use super::state::Session;
use super::submit::submit;
use super::widgets::{self, Form};
use crate::incidents::input::FieldErrors;
use crate::incidents::{Impact, IncidentStatus};
use crate::model::ComponentStatus;
use crate::pipeline::desk::{Command, CommandError, Done};
use crate::read::view::View;
use crate::web::form_data::FormData;

pub async fn show(engineer: Engineer) -> HttpResponse {
    let snapshot = engineer.shared.snapshots.current();
    let defaults = FormData::default()
        .with("status", IncidentStatus::Investigating.as_str())
        .with("notify", "on");
    let none = FieldErrors::default();
    let form = Form::new(&defaults, &none);
    html(
        StatusCode::OK,
        page(&snapshot.view, &engineer.session, form),
    )
}

pub async fn create(posted: Posted) -> HttpResponse {
    let Posted { engineer, form } = posted;
    let snapshot = engineer.shared.snapshots.current();
    let v = &snapshot.view;
    let (expanded, mut problems) = groups::expand_statuses(&form, &v.config);
    let (input, found) = inputs::incident(&expanded, v.config.site.timezone);
    groups::merge(&mut problems, found);
    let invalid = |errors: &FieldErrors| {
        let f = Form::new(&form, errors);
        html(
            StatusCode::UNPROCESSABLE_ENTITY,
            page(v, &engineer.session, f),
        )
    };
    match submit(&engineer.shared, Command::OpenIncident(input), problems).await {
        Ok(Done::Incident(i)) => see_other(&format!("/admin/incidents/{}", i.id)),
        Ok(_) => see_other("/admin"),
        Err(CommandError::Invalid(errors)) => invalid(&errors),
        Err(e) => failure(&e, Some(&engineer.session)),
    }
}

fn page(v: &View, session: &Session, form: Form<'_>) -> Markup {
    let tz = v.config.site.timezone;
    let content = html! {
        h1 { "Open an incident" }
        form.card method="post" action="/admin/incidents" {
            (widgets::csrf(session))
            (form.summary())
            (form.text("name", "Name", Some("The headline customers see, e.g. \u{201c}Payments fail for some cards\u{201d}.")))
            (form.select("status", "Status", &incident_statuses()))
            (form.select("impact", "Impact", &impacts()))
            (form.area("body", "Message", 4, Some("What customers notice, in plain words.")))
            (component_selects(v, form, "Not affected", false))
            (form.area("cause", "Cause", 2, Some("Why it happened, once known. Leave empty while investigating.")))
            (form.datetime("expected_resolution_at", "Expected back", tz))
            (form.datetime_hint("next_update_at", "Next update by", tz, &next_update_hint(v)))
            (form.area("workaround", "Workaround", 2, Some("What customers can do meanwhile.")))
            (form.checkbox("notify", "Email subscribers"))
            button.primary type="submit" { "Open incident" }
        }
    };
    frame("Open an incident", Some(session), content)
}

/// What an empty "Next update by" promises: `[incidents] next_update_within`
/// after the post, or nothing when that is off.
pub fn next_update_hint(v: &View) -> String {
    match v.config.incidents.next_update_within {
        Some(d) => format!(
            "When customers hear next. Empty: {} after this post. ",
            humantime::format_duration(d)
        ),
        None => "When customers hear next. Empty: no promise. ".to_owned(),
    }
}

/// One select per component, named `components.<id>`, grouped by component
/// group with a whole-group select; the blank choice leaves the component
/// alone. `operational` is offered only where a component can recover
/// (updates).
pub fn component_selects(v: &View, form: Form<'_>, blank: &str, operational: bool) -> Markup {
    let mut options = vec![("", blank)];
    options.extend(
        COMPONENT_STATUSES
            .iter()
            .filter(|s| operational || **s != ComponentStatus::Operational)
            .map(|s| (s.as_str(), s.label())),
    );
    pickers::statuses(v, form, &options)
}

/// Statuses an engineer may post (a postmortem has its own form).
pub fn incident_statuses() -> Vec<(&'static str, &'static str)> {
    IncidentStatus::ALL
        .iter()
        .filter(|s| **s != IncidentStatus::Postmortem)
        .map(|s| (s.as_str(), s.label()))
        .collect()
}

fn impacts() -> Vec<(&'static str, &'static str)> {
    let mut out = vec![("", "Derive from components")];
    out.extend(Impact::ALL.iter().map(|i| (i.as_str(), i.label())));
    out
}
