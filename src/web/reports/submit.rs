//! `GET /report` (the form with every component to choose from) and
//! `POST /report` (a report from any of the forms).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::form::Entered;
use super::pages;
use crate::lang::Lang;
use crate::model::ComponentId;
use crate::pipeline::desk::{Command, CommandError};
use crate::reports::{TEXT_MAX, clean_text};
use crate::say;
use crate::web::form_data::FormData;
use crate::web::subscribe::Here;
use crate::web::{Shared, client};

/// `GET /report[?component=ID]`: the component is chosen when it is one.
pub async fn show(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let config = shared.snapshots.current().view.config.clone();
    let here = Here::of(&req, &config.site);
    let query = FormData::parse(req.query_string().as_bytes()).unwrap_or_default();
    let entered = Entered {
        component: query.value("component").to_owned(),
        ..Entered::default()
    };
    let res = pages::form(StatusCode::OK, here, &config.components, &entered);
    crate::web::lang::mark(res, &req, &config.site, here.lang)
}

/// `POST /report`: `component` (an id) and an optional `text`, with the
/// `lang` of the page the form was on. Checked first (400 naming the field,
/// 404 naming an unknown component), then counted against the network's
/// allowance (429), then stored through the pipeline and answered once on
/// disk.
#[tracing::instrument(skip_all)]
pub async fn submit(req: HttpRequest, shared: web::Data<Shared>, body: web::Bytes) -> HttpResponse {
    let config = shared.snapshots.current().view.config.clone();
    let here = Here::of(&req, &config.site);
    let Some(form) = FormData::parse(&body) else {
        return pages::unreadable(here);
    };
    // The answer is in the language of the page the form was on.
    let lang = Lang::parse(form.value("lang"))
        .filter(|l| config.site.languages.contains(l))
        .unwrap_or(here.lang);
    let here = Here { lang, ..here };
    let mut entered = Entered {
        component: form.value("component").trim().to_owned(),
        text: form.value("text").to_owned(),
        ..Entered::default()
    };
    let component = match entered.component.as_str() {
        "" => {
            entered.component_problem = Some(lang.say("report-no-component"));
            None
        }
        id => {
            let known = ComponentId::parse(id).ok();
            match known.as_ref().and_then(|c| config.component(c)) {
                Some(c) => Some(c),
                None => return pages::unknown(here, id),
            }
        }
    };
    let text = clean_text(&entered.text).map_err(|e| {
        let problem = say!(
            lang,
            "report-text-too-long",
            chars = e.chars,
            max = TEXT_MAX
        );
        entered.text_problem = Some(problem);
    });
    let (Some(component), Ok(text)) = (component, text) else {
        return pages::form(StatusCode::BAD_REQUEST, here, &config.components, &entered);
    };
    if let Err(wait) = shared.report_limits.admit(client::of(&req, &shared)) {
        return pages::too_many(here, wait);
    }
    let command = Command::Report {
        component: component.id.clone(),
        text,
    };
    match shared.desk.submit(command).await {
        Ok(_) => pages::thanks(here, component),
        Err(CommandError::NotFound(_)) => pages::unknown(here, component.id.as_str()),
        Err(e) => {
            tracing::error!(error = %e, "a visitor's report was not stored");
            pages::unavailable(here)
        }
    }
}
