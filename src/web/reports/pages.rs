//! The answers to a report: thanks, and each refusal with its status, in
//! the visitor's language (the `report-*` messages). Like the subscriber
//! pages they are never cached, never framed and not indexed (they answer
//! one visitor's post).

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use maud::{Markup, html};

use super::form::{self, Entered};
use crate::config::Component;
use crate::lang::Lang;
use crate::say;
use crate::web::subscribe::Here;
use crate::web::subscribe::pages::personal;

/// The longest part of an unknown id echoed back to its sender.
const ECHO: usize = 100;

/// `GET /report`, and the form again (400) with what was wrong.
pub fn form(
    status: StatusCode,
    here: Here<'_>,
    components: &[Component],
    entered: &Entered,
) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("report-page-title")) }
        p.hint { (l.say("report-index-hint")) }
        (form::full(l, components, entered))
        (back(l))
    };
    let title = match status {
        StatusCode::OK => l.say("report-page-title"),
        _ => l.say("report-not-sent"),
    };
    personal(status, here, &title, content)
}

/// 200: stored (and counted).
pub fn thanks(here: Here<'_>, c: &Component) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("report-thanks-title")) }
        p.lead { (say!(l, "report-thanks-lead", name = c.name.as_str())) }
        p { (l.say("report-thanks-body")) }
        p { a href={"/components/" (c.id)} { (say!(l, "report-back-to", name = c.name.as_str())) } }
        (back(l))
    };
    personal(StatusCode::OK, here, &l.say("report-thanks-title"), content)
}

/// 429 with Retry-After: this network reported too often.
pub fn too_many(here: Here<'_>, wait: Duration) -> HttpResponse {
    let l = here.lang;
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let content = html! {
        h1 { (l.say("report-too-many-title")) }
        p.lead { (say!(l, "report-too-many-lead", minutes = minutes)) }
        (back(l))
    };
    let title = l.say("report-too-many-title");
    let mut res = personal(StatusCode::TOO_MANY_REQUESTS, here, &title, content);
    res.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(wait.as_secs().max(1)),
    );
    res
}

/// 404: the form named a component this page does not have.
pub fn unknown(here: Here<'_>, id: &str) -> HttpResponse {
    let l = here.lang;
    let shown: String = id.chars().take(ECHO).collect();
    let content = html! {
        h1 { (l.say("report-unknown-title")) }
        p.lead { (say!(l, "report-unknown-lead", id = shown.as_str())) }
        p { a href="/report" { (l.say("report-index-link")) } }
        (back(l))
    };
    let title = l.say("report-unknown-title");
    personal(StatusCode::NOT_FOUND, here, &title, content)
}

/// 400: the body was not a form.
pub fn unreadable(here: Here<'_>) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("report-not-sent")) }
        p.lead { (l.say("report-unreadable")) }
    };
    personal(
        StatusCode::BAD_REQUEST,
        here,
        &l.say("report-not-sent"),
        content,
    )
}

/// 503: storage failed; the cause is in the log.
pub fn unavailable(here: Here<'_>) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("report-unavailable-title")) }
        p.lead { (l.say("report-unavailable-lead")) }
    };
    let title = l.say("report-unavailable-title");
    personal(StatusCode::SERVICE_UNAVAILABLE, here, &title, content)
}

fn back(l: Lang) -> Markup {
    html! { p { a href="/" { (l.say("back-to-status")) } } }
}
