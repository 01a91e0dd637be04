//! The subscriber's pages. They are personal (their URLs carry the secret
//! token), so they are never cached, never framed and never send a Referer.

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use maud::{Markup, html};

use super::Here;
use super::form::{self, Entered};
use crate::config::Component;
use crate::incidents::{Incident, IncidentId};
use crate::lang::Lang;
use crate::read::words;
use crate::say;
use crate::subscribers::PENDING_FOR;
use crate::subscribers::{Answer, Subscriber};
use crate::web::pages::layout;
use crate::web::pages::{MARK, sentence};
use crate::web::xml_chars;

/// A personal page: HTML, not stored anywhere, not framable, no Referer (the
/// URL holds the token), not indexed; in the visitor's language.
pub fn personal(status: StatusCode, here: Here<'_>, title: &str, content: Markup) -> HttpResponse {
    let page = layout::page(here.site, here.lang, title, None, content);
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header(("X-Robots-Tag", "noindex"))
        .insert_header((header::CONTENT_LANGUAGE, here.lang.tag()))
        .body(xml_chars::clean_string(page.into_string()))
}

/// `GET /subscribe`, and the form again (422) with what was wrong.
pub fn signup(
    status: StatusCode,
    here: Here<'_>,
    components: &[Component],
    entered: &Entered,
) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("signup-title")) }
        p { (l.say("subscribe-what")) }
        (form::render(l, components, entered))
    };
    personal(status, here, &l.say("signup-page"), content)
}

/// The one answer to every accepted form, so nobody learns whether an address
/// is new, pending or subscribed.
pub fn check_inbox(here: Here<'_>, email: &str) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("inbox-title")) }
        p.lead {
            (sentence(&say!(l, "inbox-lead", email = MARK), html! { strong { (email) } }))
        }
        p { (say!(l, "inbox-open", days = PENDING_FOR.num_days())) }
        p {
            (sentence(
                &say!(l, "inbox-nothing", again = MARK),
                html! { a href="/subscribe" { (l.say("inbox-try-again")) } },
            ))
        }
        (back(l))
    };
    personal(StatusCode::OK, here, &l.say("inbox-title"), content)
}

/// 429: the address had its confirmation emails for today.
pub fn capped(here: Here<'_>, wait: Duration) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("capped-title")) }
        p.lead { (l.say("capped-lead")) }
        p { (l.say("capped-earlier")) }
        (back(l))
    };
    let res = personal(
        StatusCode::TOO_MANY_REQUESTS,
        here,
        &l.say("capped-page"),
        content,
    );
    retry_after(res, wait)
}

/// 429 with Retry-After: this network posted the form too often.
pub fn too_many(here: Here<'_>, wait: Duration) -> HttpResponse {
    let l = here.lang;
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let content = html! {
        h1 { (l.say("too-many-title")) }
        p.lead { (say!(l, "too-many-lead", minutes = minutes)) }
        (back(l))
    };
    let res = personal(
        StatusCode::TOO_MANY_REQUESTS,
        here,
        &l.say("too-many-title"),
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
pub fn confirmed(here: Here<'_>, components: &[Component], s: &Subscriber) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("confirmed-title")) }
        p.lead { (sentence(&say!(l, "confirmed-lead", email = MARK), html! { strong { (s.email) } })) }
        (form::following(l, components, &s.components))
        p { a href=(manage_url(&s.token)) { (l.say("confirmed-change")) } }
        p.hint { (l.say("confirmed-every-email")) }
        (back(l))
    };
    personal(StatusCode::OK, here, &l.say("confirmed-title"), content)
}

/// `GET /subscriptions/{token}`, and the answer to saving it.
pub fn manage(
    status: StatusCode,
    here: Here<'_>,
    components: &[Component],
    s: &Subscriber,
    checked: &[String],
    notice: Notice<'_>,
) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("mail-manage-title")) }
        @match notice {
            Notice::None => {},
            Notice::Saved => p.notice role="status" { (l.say("manage-saved")) },
            Notice::Problems(problems) => (form::problems(l, problems)),
        }
        p.lead { (sentence(&say!(l, "manage-lead", email = MARK), html! { strong { (s.email) } })) }
        @if !s.is_confirmed() {
            p {
                (l.say("manage-unconfirmed")) " "
                a href={(manage_url(&s.token)) "/confirm"} { (l.say("manage-confirm")) }
            }
        }
        (form::following(l, components, &s.components))
        form.subscribe method="post" action=(manage_url(&s.token)) {
            (form::language(&here.site.languages, l))
            (form::choices(l, components, checked))
            p { button.primary type="submit" { (l.say("manage-save")) } }
        }
        h2 { (l.say("mail-unsubscribe")) }
        form.action method="post" action={(manage_url(&s.token)) "/unsubscribe"} {
            input type="hidden" name="List-Unsubscribe" value="One-Click";
            p { button type="submit" { (l.say("mail-unsubscribe")) } }
        }
    };
    personal(status, here, &l.say("mail-manage-title"), content)
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
pub fn unsubscribe(here: Here<'_>, token: &str) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("unsubscribe-title")) }
        p.lead { (l.say("unsubscribe-lead")) }
        form.action method="post" action={(manage_url(token)) "/unsubscribe"} {
            input type="hidden" name="List-Unsubscribe" value="One-Click";
            p { button.primary type="submit" { (l.say("mail-unsubscribe")) } }
        }
        p { a href=(manage_url(token)) { (l.say("unsubscribe-fewer")) } }
    };
    personal(StatusCode::OK, here, &l.say("mail-unsubscribe"), content)
}

/// The same whether or not the token was known (unsubscribing twice is fine).
pub fn unsubscribed(here: Here<'_>) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("unsubscribed-title")) }
        p.lead { (l.say("unsubscribed-lead")) }
        p {
            (sentence(
                &say!(l, "unsubscribed-again", again = MARK),
                html! { a href="/subscribe" { (l.say("unsubscribed-subscribe")) } },
            ))
        }
        (back(l))
    };
    personal(StatusCode::OK, here, &l.say("unsubscribed-title"), content)
}

/// 404 for a token that is unknown, expired or unsubscribed.
pub fn link_gone(here: Here<'_>) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("gone-title")) }
        p.lead {
            (sentence(
                &say!(l, "gone-lead", again = MARK),
                html! { a href="/subscribe" { (l.say("gone-subscribe")) } },
            ))
        }
        (back(l))
    };
    personal(StatusCode::NOT_FOUND, here, &l.say("gone-page"), content)
}

/// `GET /feedback/{incident}/{token}/{answer}`, after recording the answer.
pub fn thanks(here: Here<'_>, incident: &Incident, token: &str, answer: Answer) -> HttpResponse {
    let l = here.lang;
    let (said, other, change) = match answer {
        Answer::Working => (
            "thanks-working",
            Answer::StillBroken,
            "thanks-change-broken",
        ),
        Answer::StillBroken => ("thanks-broken", Answer::Working, "thanks-change-working"),
    };
    let content = html! {
        h1 { (l.say("thanks-title")) }
        p.lead {
            (sentence(
                &say!(l, said, incident = MARK),
                html! { a href={"/incidents/" (incident.id)} { (words::incident_name(l, &incident.name)) } },
            ))
        }
        @if answer == Answer::StillBroken {
            p { (l.say("thanks-broken-note")) }
        }
        form.action method="post" action=(feedback_url(&incident.id, token, other)) {
            p { button type="submit" { (l.say(change)) } }
        }
        (back(l))
    };
    personal(StatusCode::OK, here, &l.say("thanks-title"), content)
}

/// 400: the body was not a form.
pub fn bad_form(here: Here<'_>) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("bad-form-title")) }
        p.lead { (l.say("bad-form-lead")) }
    };
    personal(
        StatusCode::BAD_REQUEST,
        here,
        &l.say("bad-form-title"),
        content,
    )
}

/// 503: storage failed; the cause is in the log.
pub fn unavailable(here: Here<'_>) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("unavailable-title")) }
        p.lead { (l.say("unavailable-lead")) }
    };
    personal(
        StatusCode::SERVICE_UNAVAILABLE,
        here,
        &l.say("unavailable-page"),
        content,
    )
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

fn back(l: Lang) -> Markup {
    html! { p { a href="/" { (l.say("back-to-status")) } } }
}
