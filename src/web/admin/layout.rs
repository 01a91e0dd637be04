//! The admin frame and the responses every admin page shares: HTML that is
//! never cached or framed, 303 redirects, and plain-worded error pages.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use maud::{DOCTYPE, Markup, html};

use super::state::Session;
use super::widgets;
use crate::pipeline::desk::CommandError;
use crate::web::{assets, xml_chars};

/// No scripts at all; styles and forms only from this origin; never in a frame.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Wraps `content` in the admin frame; `session` adds the navigation and the
/// sign-out button.
pub fn frame(title: &str, session: Option<&Session>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Candor admin" }
                link rel="stylesheet" href=(assets::url("style.css"));
                link rel="stylesheet" href=(assets::url("admin.css"));
                link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
            }
            body.admin {
                a.skip href="#main" { "Skip to content" }
                header.site {
                    div.wrap.admin-bar {
                        a.site__title href="/admin" { "Candor admin" }
                        @if let Some(s) = session {
                            nav aria-label="Admin" {
                                a href="/admin/incidents/new" { "Open an incident" }
                                a href="/admin/maintenances/new" { "Schedule maintenance" }
                                a href="/" { "Public page" }
                                form.inline method="post" action="/admin/logout" {
                                    (widgets::csrf(s))
                                    button.link type="submit" { "Sign out" }
                                }
                            }
                        }
                    }
                }
                main #main .wrap { (content) }
            }
        }
    }
}

/// An admin page: HTML, not stored by caches, not framable (clickjacking).
pub fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(xml_chars::clean_string(markup.into_string()))
}

/// 303 See Other: after a POST, the browser GETs `location`.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// A page that only says what happened and where to go next.
pub fn message(
    status: StatusCode,
    title: &str,
    session: Option<&Session>,
    text: &str,
) -> HttpResponse {
    let content = html! {
        h1 { (title) }
        p.lead { (text) }
        p { a href="/admin" { "Back to the dashboard" } }
    };
    html(status, frame(title, session, content))
}

/// Every command error except Invalid (each form shows those itself).
pub fn failure(e: &CommandError, session: Option<&Session>) -> HttpResponse {
    match e {
        CommandError::NotFound(what) => {
            message(StatusCode::NOT_FOUND, "Not found", session, &capital(what))
        }
        CommandError::Storage => message(
            StatusCode::SERVICE_UNAVAILABLE,
            "Not stored",
            session,
            "The change could not be stored; nothing was changed. Try again.",
        ),
        CommandError::Stopped => message(
            StatusCode::SERVICE_UNAVAILABLE,
            "Shutting down",
            session,
            "Candor is shutting down; nothing was changed. Try again in a moment.",
        ),
        CommandError::Invalid(fields) => message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not changed",
            session,
            &format!("Nothing was changed. {}", widgets::sentences(fields)),
        ),
    }
}

pub fn not_found(session: Option<&Session>, what: &str) -> HttpResponse {
    message(StatusCode::NOT_FOUND, "Not found", session, what)
}

fn capital(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}
