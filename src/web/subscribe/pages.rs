//! The subscriber's pages. They are personal (their URLs carry the secret
//! token), so they are never cached, never framed and never send a Referer.

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use maud::{Markup, html};

use super::form::{self, Entered};
use crate::config::{Component, Site};
use crate::incidents::{Incident, IncidentId};
use crate::read::words;
use crate::subscribers::PENDING_FOR;
use crate::subscribers::{Answer, Subscriber};
use crate::web::pages::layout;
use crate::web::xml_chars;

/// A personal page: HTML, not stored anywhere, not framable, no Referer (the
/// URL holds the token), not indexed.
pub fn personal(status: StatusCode, site: &Site, title: &str, content: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header(("X-Robots-Tag", "noindex"))
        .body(xml_chars::clean_string(
            layout::page(site, title, None, content).into_string(),
        ))
}

/// `GET /subscribe`, and the form again (422) with what was wrong.
pub fn signup(
    status: StatusCode,
    site: &Site,
    components: &[Component],
    entered: &Entered,
) -> HttpResponse {
    let content = html! {
        h1 { "Get status updates by email" }
        p { "We email you when an incident starts, changes or ends, and before planned maintenance." }
        (form::render(components, entered))
    };
    personal(status, site, "Subscribe", content)
}

/// The one answer to every accepted form, so nobody learns whether an address
/// is new, pending or subscribed.
pub fn check_inbox(site: &Site, email: &str) -> HttpResponse {
    let content = html! {
        h1 { "Check your inbox" }
        p.lead { "If " strong { (email) } " can receive email, a message with a link is on its way." }
        p {
            "Open the link to confirm your subscription (if this address is already "
            "subscribed, the link lets you manage it instead). Links to confirm work for "
            (PENDING_FOR.num_days()) " days."
        }
        p { "Nothing arrived? Look in your spam folder, or " a href="/subscribe" { "try again" } "." }
        (back())
    };
    personal(StatusCode::OK, site, "Check your inbox", content)
}

/// 429: the address had its confirmation emails for today.
pub fn capped(site: &Site, wait: Duration) -> HttpResponse {
    let content = html! {
        h1 { "Too many emails to this address today" }
        p.lead { "We've sent this address several emails today already; try again tomorrow." }
        p { "Look for our earlier messages (and in your spam folder): their links still work." }
        (back())
    };
    let res = personal(
        StatusCode::TOO_MANY_REQUESTS,
        site,
        "Try again tomorrow",
        content,
    );
    retry_after(res, wait)
}

/// 429 with Retry-After: this network posted the form too often.
pub fn too_many(site: &Site, wait: Duration) -> HttpResponse {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    let content = html! {
        h1 { "Too many requests" }
        p.lead { "Too many requests from your network; try again in " (minutes) " " (unit) "." }
        (back())
    };
    let res = personal(
        StatusCode::TOO_MANY_REQUESTS,
        site,
        "Too many requests",
        content,
    );
    retry_after(res, wait)
}

/// Every 429 says when to come back, in whole seconds (at least one).
fn retry_after(mut res: HttpResponse, wait: Duration) -> HttpResponse {
    res.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(wait.as_secs().max(1)),
    );
    res
}

/// `GET /subscriptions/{token}/confirm`.
pub fn confirmed(site: &Site, components: &[Component], s: &Subscriber) -> HttpResponse {
    let content = html! {
        h1 { "You're subscribed" }
        p.lead { "We'll email " strong { (s.email) } " when something changes." }
        (form::following(components, &s.components))
        p { a href=(manage_url(&s.token)) { "Change what you follow, or unsubscribe" } }
        p.hint { "Every email we send carries this link too." }
        (back())
    };
    personal(StatusCode::OK, site, "You're subscribed", content)
}

/// `GET /subscriptions/{token}`, and the answer to saving it.
pub fn manage(
    status: StatusCode,
    site: &Site,
    components: &[Component],
    s: &Subscriber,
    checked: &[String],
    notice: Notice<'_>,
) -> HttpResponse {
    let content = html! {
        h1 { "Your subscription" }
        @match notice {
            Notice::None => {},
            Notice::Saved => p.notice role="status" { "Saved." },
            Notice::Problems(problems) => (form::problems(problems)),
        }
        p.lead { "Emails go to " strong { (s.email) } "." }
        @if !s.is_confirmed() {
            p {
                "This subscription is not confirmed yet, so nothing is sent. "
                a href={(manage_url(&s.token)) "/confirm"} { "Confirm it" }
            }
        }
        (form::following(components, &s.components))
        form.subscribe method="post" action=(manage_url(&s.token)) {
            (form::choices(components, checked))
            p { button.primary type="submit" { "Save" } }
        }
        h2 { "Unsubscribe" }
        form.action method="post" action={(manage_url(&s.token)) "/unsubscribe"} {
            input type="hidden" name="List-Unsubscribe" value="One-Click";
            p { button type="submit" { "Unsubscribe" } }
        }
    };
    personal(status, site, "Your subscription", content)
}

/// What the manage page says above the form.
#[derive(Debug, Clone, Copy)]
pub enum Notice<'a> {
    None,
    Saved,
    Problems(&'a [String]),
}

/// `GET /subscriptions/{token}/unsubscribe`: a button, because a GET must
/// not unsubscribe (mail scanners follow links).
pub fn unsubscribe(site: &Site, token: &str) -> HttpResponse {
    let content = html! {
        h1 { "Unsubscribe?" }
        p.lead { "You'll get no more status emails from us." }
        form.action method="post" action={(manage_url(token)) "/unsubscribe"} {
            input type="hidden" name="List-Unsubscribe" value="One-Click";
            p { button.primary type="submit" { "Unsubscribe" } }
        }
        p { a href=(manage_url(token)) { "Follow fewer components instead" } }
    };
    personal(StatusCode::OK, site, "Unsubscribe", content)
}

/// The same whether or not the token was known (unsubscribing twice is fine).
pub fn unsubscribed(site: &Site) -> HttpResponse {
    let content = html! {
        h1 { "You're unsubscribed" }
        p.lead { "We won't send you status emails any more." }
        p { "Changed your mind? " a href="/subscribe" { "Subscribe again" } "." }
        (back())
    };
    personal(StatusCode::OK, site, "You're unsubscribed", content)
}

/// 404 for a token that is unknown, expired or unsubscribed.
pub fn link_gone(site: &Site) -> HttpResponse {
    let content = html! {
        h1 { "This link no longer works" }
        p.lead { "This link has expired or was already used; " a href="/subscribe" { "subscribe again" } "." }
        (back())
    };
    personal(StatusCode::NOT_FOUND, site, "Link expired", content)
}

/// `GET /feedback/{incident}/{token}/{answer}`, after recording the answer.
pub fn thanks(site: &Site, incident: &Incident, token: &str, answer: Answer) -> HttpResponse {
    let (said, other, change) = match answer {
        Answer::Working => (
            "it's working for you",
            Answer::StillBroken,
            "It's still broken for me",
        ),
        Answer::StillBroken => (
            "it's still broken for you",
            Answer::Working,
            "It works for me now",
        ),
    };
    let content = html! {
        h1 { "Thank you" }
        p.lead { "We've noted that " (said) " after " a href={"/incidents/" (incident.id)} { (words::incident_name(&incident.name)) } "." }
        @if answer == Answer::StillBroken {
            p { "Our engineers see every answer like yours. If it stays broken, contact support as well." }
        }
        form.action method="post" action=(feedback_url(&incident.id, token, other)) {
            p { button type="submit" { (change) } }
        }
        (back())
    };
    personal(StatusCode::OK, site, "Thank you", content)
}

/// 400: the body was not a form.
pub fn bad_form(site: &Site) -> HttpResponse {
    let content = html! {
        h1 { "Form not readable" }
        p.lead { "The form could not be read, so nothing was changed. Go back, reload the page and try again." }
    };
    personal(StatusCode::BAD_REQUEST, site, "Form not readable", content)
}

/// 503: storage failed; the cause is in the log.
pub fn unavailable(site: &Site) -> HttpResponse {
    let content = html! {
        h1 { "Not saved" }
        p.lead { "Something went wrong on our side and nothing was changed. Please try again in a minute." }
    };
    personal(StatusCode::SERVICE_UNAVAILABLE, site, "Try again", content)
}

pub fn manage_url(token: &str) -> String {
    format!("/subscriptions/{token}")
}

pub fn feedback_url(incident: &IncidentId, token: &str, answer: Answer) -> String {
    format!("/feedback/{incident}/{token}/{}", answer_slug(answer))
}

/// The answer as it appears in feedback links.
pub fn answer_slug(answer: Answer) -> &'static str {
    match answer {
        Answer::Working => "working",
        Answer::StillBroken => "still-broken",
    }
}

fn back() -> Markup {
    html! { p { a href="/" { "Back to the status page" } } }
}
