//! `GET /admin/incidents/{id}` and its forms: posting an update
//! (`POST .../updates`) and, once resolved, the postmortem (`POST .../postmortem`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono_tz::Tz;

use super::groups;
use super::guard::{Engineer, Posted};
use super::incident_page::page;
use super::inputs::{self, WAS};
use super::layout::{failure, html, not_found, see_other};
use super::local_time::to_local;
use super::state::Session;
use super::submit::submit;
use super::widgets::Form;
use crate::incidents::input::{FieldErrors, PostmortemInput};
use crate::incidents::{Incident, IncidentId, IncidentStatus};
use crate::pipeline::desk::{Command, CommandError};
use crate::read::view::View;
use crate::subscribers::FeedbackCounts;
use crate::web::Shared;
use crate::web::form_data::FormData;

const NO_SUCH: &str =
    "There is no incident with that id. It may have been opened on another Candor instance.";

pub async fn show(engineer: Engineer, id: web::Path<String>) -> HttpResponse {
    let snapshot = engineer.shared.snapshots.current();
    let v = &snapshot.view;
    let found = IncidentId::parse(&id).ok();
    let Some(incident) = found.and_then(|id| v.book.incidents.get(&id)) else {
        return not_found(Some(&engineer.session), NO_SUCH);
    };
    let none = FieldErrors::default();
    let update = prefilled(incident, v.config.site.timezone);
    let postmortem = written(incident);
    let split = FormData::default();
    let forms = Forms {
        update: Form::new(&update, &none),
        postmortem: Form::new(&postmortem, &none).within("postmortem"),
        split: Form::new(&split, &none).within("split"),
    };
    let feedback = feedback(&engineer.shared, &incident.id).await;
    html(
        StatusCode::OK,
        page(v, &engineer.session, incident, forms, feedback),
    )
}

pub async fn update(posted: Posted, id: web::Path<String>) -> HttpResponse {
    let Posted { engineer, form } = posted;
    let snapshot = engineer.shared.snapshots.current();
    let v = &snapshot.view;
    let Ok(id) = IncidentId::parse(&id) else {
        let unknown = CommandError::no_such("incident", &id);
        return failure(&unknown, Some(&engineer.session));
    };
    let (expanded, mut problems) = groups::expand_statuses(&form, &v.config);
    let (input, found) = inputs::update(&expanded, v.config.site.timezone);
    groups::merge(&mut problems, found);
    let command = Command::UpdateIncident {
        id: id.clone(),
        input,
    };
    let errors = match submit(&engineer.shared, command, problems).await {
        Ok(_) => return see_other(&format!("/admin/incidents/{id}")),
        Err(CommandError::Invalid(errors)) => errors,
        Err(e) => return failure(&e, Some(&engineer.session)),
    };
    let empty = FormData::default();
    let none = FieldErrors::default();
    let feedback = feedback(&engineer.shared, &id).await;
    rejected(
        v,
        &engineer.session,
        &id,
        Forms {
            update: Form::new(&form, &errors),
            postmortem: Form::new(&empty, &none).within("postmortem"),
            split: Form::new(&empty, &none).within("split"),
        },
        feedback,
    )
}

pub async fn postmortem(posted: Posted, id: web::Path<String>) -> HttpResponse {
    let Posted { engineer, form } = posted;
    let Ok(id) = IncidentId::parse(&id) else {
        let unknown = CommandError::no_such("incident", &id);
        return failure(&unknown, Some(&engineer.session));
    };
    let (input, problems) = inputs::read::<PostmortemInput>(&form);
    let command = Command::WritePostmortem {
        id: id.clone(),
        body: input.body,
    };
    let errors = match submit(&engineer.shared, command, problems).await {
        Ok(_) => return see_other(&format!("/admin/incidents/{id}")),
        Err(CommandError::Invalid(errors)) => errors,
        Err(e) => return failure(&e, Some(&engineer.session)),
    };
    let snapshot = engineer.shared.snapshots.current();
    let v = &snapshot.view;
    let Some(incident) = v.book.incidents.get(&id) else {
        return not_found(Some(&engineer.session), NO_SUCH);
    };
    let update = prefilled(incident, v.config.site.timezone);
    let none = FieldErrors::default();
    let split = FormData::default();
    let feedback = feedback(&engineer.shared, &id).await;
    rejected(
        v,
        &engineer.session,
        &id,
        Forms {
            update: Form::new(&update, &none),
            postmortem: Form::new(&form, &errors).within("postmortem"),
            split: Form::new(&split, &none).within("split"),
        },
        feedback,
    )
}

/// 422 for the split form: the page again, with what was ticked and what is
/// wrong with it.
pub async fn rejected_split(
    engineer: &super::guard::Engineer,
    id: &IncidentId,
    form: &FormData,
    errors: &FieldErrors,
) -> HttpResponse {
    let snapshot = engineer.shared.snapshots.current();
    let v = &snapshot.view;
    let Some(incident) = v.book.incidents.get(id) else {
        return not_found(Some(&engineer.session), NO_SUCH);
    };
    let update = prefilled(incident, v.config.site.timezone);
    let (empty, none) = (FormData::default(), FieldErrors::default());
    let feedback = feedback(&engineer.shared, id).await;
    let forms = Forms {
        update: Form::new(&update, &none),
        postmortem: Form::new(&empty, &none).within("postmortem"),
        split: Form::new(form, errors).within("split"),
    };
    rejected(v, &engineer.session, id, forms, feedback)
}

/// The incident page's forms.
#[derive(Clone, Copy)]
pub struct Forms<'a> {
    pub update: Form<'a>,
    pub postmortem: Form<'a>,
    pub split: Form<'a>,
}

/// 422: the page again, with what was typed and what is wrong with it.
fn rejected(
    v: &View,
    session: &Session,
    id: &IncidentId,
    forms: Forms<'_>,
    feedback: Option<FeedbackCounts>,
) -> HttpResponse {
    match v.book.incidents.get(id) {
        Some(incident) => html(
            StatusCode::UNPROCESSABLE_ENTITY,
            page(v, session, incident, forms, feedback),
        ),
        None => not_found(Some(session), NO_SUCH),
    }
}

/// Subscribers' answers about this incident; None (logged) if unreadable,
/// and the page goes without them.
async fn feedback(shared: &Shared, id: &IncidentId) -> Option<FeedbackCounts> {
    let store = shared.store.clone();
    let id = id.clone();
    let failure: anyhow::Error = match web::block(move || store.feedback(&id)).await {
        Ok(Ok(counts)) => return Some(counts),
        Ok(Err(e)) => e.into(),
        Err(e) => e.into(),
    };
    tracing::error!(error = %format!("{failure:#}"), "reading incident feedback failed");
    None
}

/// The update form as the incident stands: the fields show the current status,
/// cause, ETA and workaround (an untouched field keeps its value); the message
/// and the components start empty (no change).
fn prefilled(i: &Incident, tz: Tz) -> FormData {
    let status = match i.status {
        IncidentStatus::Postmortem => IncidentStatus::Resolved,
        s => s,
    };
    let eta = i
        .expected_resolution_at
        .map(|t| to_local(t, tz))
        .unwrap_or_default();
    let mut f = FormData::default()
        .with("status", status.as_str())
        .with("notify", "on");
    for (name, value) in [
        ("cause", i.cause.clone().unwrap_or_default()),
        ("expected_resolution_at", eta),
        ("workaround", i.workaround.clone().unwrap_or_default()),
    ] {
        f = f
            .with(&format!("{name}{WAS}"), value.clone())
            .with(name, value);
    }
    f
}

fn written(i: &Incident) -> FormData {
    FormData::default().with(
        "body",
        i.postmortem
            .as_ref()
            .map(|p| p.body.clone())
            .unwrap_or_default(),
    )
}
