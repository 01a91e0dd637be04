//! Splitting components off an open incident from its admin page
//! (`POST /admin/incidents/{id}/split`): when what the checks saw together
//! turns out to be separate problems.

use actix_web::HttpResponse;
use actix_web::web;
use maud::{Markup, html};

use super::guard::Posted;
use super::inputs;
use super::layout::{failure, see_other};
use super::state::Session;
use super::submit::submit;
use super::widgets::{self, Form};
use crate::incidents::{Incident, IncidentId};
use crate::pipeline::desk::{Command, CommandError, Done};
use crate::read::view::View;
use crate::web::pages::incident::component_name;

/// The form: a checkbox per component of the incident, and a name.
/// Shown while the incident is open and has more than one component.
pub fn form(v: &View, session: &Session, i: &Incident, f: Form<'_>) -> Markup {
    html! {
        @if i.status.is_open() && i.components.len() > 1 {
            section.card aria-labelledby="split-title" {
                h2 #split-title { "Split off" }
                p.hint { "Move components that turn out to be a separate problem into an incident of their own, with their part of this timeline. Nobody is emailed." }
                form method="post" action={"/admin/incidents/" (i.id) "/split"} {
                    (widgets::csrf(session))
                    (f.summary())
                    fieldset.components-field.field--error[f.errors.get("components").is_some()] id=(widgets::id("split-components")) {
                        legend { "Components to move" }
                        (f.error("components"))
                        @for id in i.components.keys() {
                            div.field.field--check {
                                label {
                                    input type="checkbox" name="components" value=(id)
                                        checked[f.fields.has("components", id.as_str())];
                                    " " (component_name(v, id))
                                }
                                (f.error(&format!("components.{id}")))
                            }
                        }
                    }
                    (f.text("name", "Name of the new incident", Some("Optional: without one it is named for its components.")))
                    button type="submit" { "Split off" }
                }
            }
        }
    }
}

pub async fn split(posted: Posted, id: web::Path<String>) -> HttpResponse {
    let Posted { engineer, form } = posted;
    let Ok(id) = IncidentId::parse(&id) else {
        let unknown = CommandError::no_such("incident", &id);
        return failure(&unknown, Some(&engineer.session));
    };
    let (input, problems) = inputs::split(&form);
    let command = Command::SplitIncident {
        id: id.clone(),
        input,
    };
    match submit(&engineer.shared, command, problems).await {
        Ok(Done::Incident(new)) => see_other(&format!("/admin/incidents/{}", new.id)),
        Ok(_) => see_other(&format!("/admin/incidents/{id}")),
        Err(CommandError::Invalid(errors)) => {
            super::incident::rejected_split(&engineer, &id, &form, &errors).await
        }
        Err(e) => failure(&e, Some(&engineer.session)),
    }
}
