//! `GET /report` (the form with every component to choose from) and
//! `POST /report` (a report from any of the forms).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::form::Entered;
use super::{pages, words};
use crate::model::ComponentId;
use crate::pipeline::desk::{Command, CommandError};
use crate::reports::{TEXT_MAX, clean_text};
use crate::web::form_data::FormData;
use crate::web::{Shared, client};

/// `GET /report[?component=ID]`: the component is chosen when it is one.
pub async fn show(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let config = shared.snapshots.current().view.config.clone();
    let query = FormData::parse(req.query_string().as_bytes()).unwrap_or_default();
    let entered = Entered {
        component: query.value("component").to_owned(),
        ..Entered::default()
    };
    pages::form(StatusCode::OK, &config.site, &config.components, &entered)
}

/// `POST /report`: `component` (an id) and an optional `text`. Checked
/// first (400 naming the field, 404 naming an unknown component), then
/// counted against the network's allowance (429), then stored through the
/// pipeline and answered once on disk.
#[tracing::instrument(skip_all)]
pub async fn submit(req: HttpRequest, shared: web::Data<Shared>, body: web::Bytes) -> HttpResponse {
    let config = shared.snapshots.current().view.config.clone();
    let site = &config.site;
    let Some(form) = FormData::parse(&body) else {
        return pages::unreadable(site);
    };
    let mut entered = Entered {
        component: form.value("component").trim().to_owned(),
        text: form.value("text").to_owned(),
        ..Entered::default()
    };
    let component = match entered.component.as_str() {
        "" => {
            entered.component_problem = Some(words::no_component().to_owned());
            None
        }
        id => {
            let known = ComponentId::parse(id).ok();
            match known.as_ref().and_then(|c| config.component(c)) {
                Some(c) => Some(c),
                None => return pages::unknown(site, id),
            }
        }
    };
    let text = clean_text(&entered.text)
        .map_err(|e| entered.text_problem = Some(words::text_too_long(e.chars, TEXT_MAX)));
    let (Some(component), Ok(text)) = (component, text) else {
        return pages::form(StatusCode::BAD_REQUEST, site, &config.components, &entered);
    };
    if let Err(wait) = shared.report_limits.admit(client::of(&req, &shared)) {
        return pages::too_many(site, wait);
    }
    let command = Command::Report {
        component: component.id.clone(),
        text,
    };
    match shared.desk.submit(command).await {
        Ok(_) => pages::thanks(site, component),
        Err(CommandError::NotFound(_)) => pages::unknown(site, component.id.as_str()),
        Err(e) => {
            tracing::error!(error = %e, "a visitor's report was not stored");
            pages::unavailable(site)
        }
    }
}
