//! The answers to a report: thanks, and each refusal with its status. Like
//! the subscriber pages they are never cached, never framed and not indexed
//! (they answer one visitor's post).

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use maud::html;

use super::form::{self, Entered};
use super::words;
use crate::config::{Component, Site};
use crate::web::subscribe::pages::personal;

/// The longest part of an unknown id echoed back to its sender.
const ECHO: usize = 100;

/// `GET /report`, and the form again (400) with what was wrong.
pub fn form(
    status: StatusCode,
    site: &Site,
    components: &[Component],
    entered: &Entered,
) -> HttpResponse {
    let content = html! {
        h1 { (words::page_title()) }
        p.hint { (words::index_hint()) }
        (form::full(components, entered))
        p { a href="/" { (words::back_to_status()) } }
    };
    let title = match status {
        StatusCode::OK => words::page_title(),
        _ => words::bad_form_title(),
    };
    personal(status, site, title, content)
}

/// 200: stored (and counted).
pub fn thanks(site: &Site, c: &Component) -> HttpResponse {
    let content = html! {
        h1 { (words::thanks_title()) }
        p.lead { (words::thanks_lead(&c.name)) }
        p { (words::thanks_body()) }
        p { a href={"/components/" (c.id)} { (words::back_to(&c.name)) } }
        p { a href="/" { (words::back_to_status()) } }
    };
    personal(StatusCode::OK, site, words::thanks_title(), content)
}

/// 429 with Retry-After: this network reported too often.
pub fn too_many(site: &Site, wait: Duration) -> HttpResponse {
    let content = html! {
        h1 { (words::too_many_title()) }
        p.lead { (words::too_many(wait)) }
        p { a href="/" { (words::back_to_status()) } }
    };
    let mut res = personal(
        StatusCode::TOO_MANY_REQUESTS,
        site,
        words::too_many_title(),
        content,
    );
    res.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(wait.as_secs().max(1)),
    );
    res
}

/// 404: the form named a component this page does not have.
pub fn unknown(site: &Site, id: &str) -> HttpResponse {
    let shown: String = id.chars().take(ECHO).collect();
    let content = html! {
        h1 { (words::unknown_title()) }
        p.lead { (words::unknown(&shown)) }
        p { a href="/report" { (words::index_link()) } }
        p { a href="/" { (words::back_to_status()) } }
    };
    personal(StatusCode::NOT_FOUND, site, words::unknown_title(), content)
}

/// 400: the body was not a form.
pub fn unreadable(site: &Site) -> HttpResponse {
    let content = html! {
        h1 { (words::bad_form_title()) }
        p.lead { (words::unreadable()) }
    };
    personal(
        StatusCode::BAD_REQUEST,
        site,
        words::bad_form_title(),
        content,
    )
}

/// 503: storage failed; the cause is in the log.
pub fn unavailable(site: &Site) -> HttpResponse {
    let content = html! {
        h1 { (words::unavailable_title()) }
        p.lead { (words::unavailable()) }
    };
    personal(
        StatusCode::SERVICE_UNAVAILABLE,
        site,
        words::unavailable_title(),
        content,
    )
}
