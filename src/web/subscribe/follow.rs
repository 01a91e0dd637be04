//! Following one incident ("Email me when this is resolved"): the form on an
//! open incident's page, double opt-in as for subscriptions (the same
//! per-network limit, the same cap of confirmation emails, the same answer
//! for known and unknown addresses), then that incident's updates and its
//! resolution only. No subscription is created; following ends a week after
//! the incident is resolved (`subscribers::FOLLOW_AFTER`).
//!
//! Routes (all public):
//! - `GET|POST /incidents/{id}/follow`
//! - `GET /follow/{token}/confirm`
//! - `GET|POST /follow/{token}/stop` (POST = RFC 8058 one-click)

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};

use super::pages::{self, personal};
use super::signup::address;
use super::{Here, Unavailable, config, plausible, write};
use crate::incidents::{Incident, IncidentId};
use crate::lang::Lang;
use crate::pipeline::desk::{Done, SubscriptionCommand};
use crate::read::words;
use crate::say;
use crate::subscribers::{PENDING_FOR, Subscribed, Subscriber};
use crate::web::form_data::FormData;
use crate::web::pages::{MARK, sentence};
use crate::web::{Shared, client};

const EMAIL: &str = "follow-email";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/incidents/{id}/follow", web::get().to(show))
        .route("/incidents/{id}/follow", web::post().to(submit))
        // The confirmation link of a follower, answered as a subscriber's is.
        .route(
            "/follow/{token}/confirm",
            web::get().to(super::manage::confirm),
        )
        .route("/follow/{token}/stop", web::get().to(stop_page))
        .route("/follow/{token}/stop", web::post().to(stop));
}

/// The block on an open incident's page: one address, the page's language.
pub fn on_incident(l: Lang, incident: &IncidentId) -> Markup {
    html! {
        section.follow-section aria-labelledby="follow-title" {
            h2 #follow-title { (l.say("follow-title")) }
            (form(l, incident, "", None))
        }
    }
}

/// The form; `problem` is what was wrong with `email` when it comes back.
fn form(l: Lang, incident: &IncidentId, email: &str, problem: Option<&str>) -> Markup {
    let described = match problem {
        Some(_) => "follow-email-error follow-email-hint",
        None => "follow-email-hint",
    };
    html! {
        form.subscribe.follow method="post" action={"/incidents/" (incident) "/follow"} {
            input type="hidden" name="lang" value=(l.tag());
            p.field.field--error[problem.is_some()] {
                label for=(EMAIL) { (l.say("form-email")) }
                input #follow-email type="email" name="email" required
                    autocomplete="email" inputmode="email" maxlength="254"
                    value=(email)
                    aria-invalid=[problem.map(|_| "true")]
                    autofocus[problem.is_some()]
                    aria-describedby=(described);
                @if let Some(p) = problem {
                    span.field__error #follow-email-error { "✕ " (p) }
                }
                span.hint #follow-email-hint { (l.say("follow-what")) }
            }
            p { button.primary type="submit" { (l.say("follow-button")) } }
        }
    }
}

/// The open incident `id` names in the current snapshot.
fn open_incident(shared: &Shared, id: &str) -> Option<Incident> {
    let id = IncidentId::parse(id).ok()?;
    let view = shared.snapshots.current().view.clone();
    let incident = view.book.incidents.get(&id)?;
    incident.status.is_open().then(|| incident.clone())
}

/// `GET /incidents/{id}/follow`: the form on a page of its own.
pub async fn show(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
) -> HttpResponse {
    let config = config(&shared);
    let here = Here::of(&req, &config.site);
    match open_incident(&shared, &id) {
        Some(i) => form_page(StatusCode::OK, here, &i, "", None),
        None => not_open(&shared, here, &id),
    }
}

fn form_page(
    status: StatusCode,
    here: Here<'_>,
    i: &Incident,
    email: &str,
    problem: Option<&str>,
) -> HttpResponse {
    let l = here.lang;
    let name = words::incident_name(l, &i.name);
    let content = html! {
        p.crumbs { a href={"/incidents/" (i.id)} { "← " (name) } }
        h1 #follow-title { (l.say("follow-title")) }
        p.lead { (name) }
        (form(l, &i.id, email, problem))
    };
    personal(status, here, &l.say("follow-page"), content)
}

/// `POST /incidents/{id}/follow`.
#[tracing::instrument(skip_all)]
pub async fn submit(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let config = config(&shared);
    let here = Here::of(&req, &config.site);
    if let Err(wait) = shared.limits.admit(client::of(&req, &shared)) {
        return pages::too_many(here, wait);
    }
    let Some(form) = FormData::parse(&body) else {
        return pages::bad_form(here);
    };
    // The language of the page the form was on: every email in it.
    let lang = Lang::parse(form.value("lang"))
        .filter(|l| here.site.languages.contains(l))
        .unwrap_or(here.lang);
    let here = Here { lang, ..here };
    let Some(incident) = open_incident(&shared, &id) else {
        return not_open(&shared, here, &id);
    };
    let given = form.value("email").trim();
    let email = match address(lang, given) {
        Ok(email) => email,
        Err(problem) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return form_page(status, here, &incident, given, Some(&problem));
        }
    };
    let command = SubscriptionCommand::Follow {
        email: email.clone(),
        incident: incident.id.clone(),
        language: Some(lang.tag().to_owned()),
    };
    match write(&shared, "follow", command).await {
        Ok(Done::Subscribed(Subscribed::Capped { retry_at })) => {
            let wait = (retry_at - shared.clock.now()).to_std().unwrap_or_default();
            pages::capped(here, wait)
        }
        // Resolved between the page and the post.
        Ok(Done::Subscribed(Subscribed::NotOpen)) => not_open(&shared, here, &id),
        Ok(_) => check_inbox(here, &incident, &email),
        Err(_) => pages::unavailable(here),
    }
}

/// The one answer to every accepted follow, known address or not.
fn check_inbox(here: Here<'_>, i: &Incident, email: &str) -> HttpResponse {
    let l = here.lang;
    let content = html! {
        h1 { (l.say("inbox-title")) }
        p.lead {
            (sentence(&say!(l, "inbox-lead", email = MARK), html! { strong { (email) } }))
        }
        p { (say!(l, "follow-inbox-open", days = PENDING_FOR.num_days())) }
        p { a href={"/incidents/" (i.id)} { (l.say("follow-back")) } }
    };
    personal(StatusCode::OK, here, &l.say("inbox-title"), content)
}

/// 404 for an incident that is unknown, and 409 for one already resolved:
/// nothing to follow.
fn not_open(shared: &Shared, here: Here<'_>, id: &str) -> HttpResponse {
    let l = here.lang;
    let view = shared.snapshots.current().view.clone();
    let known = (IncidentId::parse(id).ok()).filter(|id| view.book.incidents.contains_key(id));
    let status = match &known {
        Some(_) => StatusCode::CONFLICT,
        None => StatusCode::NOT_FOUND,
    };
    let content = html! {
        h1 { (l.say("follow-not-open-title")) }
        @if let Some(id) = &known {
            p.lead {
                (sentence(
                    &say!(l, "follow-not-open-lead", incident = MARK),
                    html! { a href={"/incidents/" (id)} { (l.say("follow-its-page")) } },
                ))
            }
        }
        p { a href="/" { (l.say("back-to-status")) } }
    };
    personal(status, here, &l.say("follow-not-open-page"), content)
}

/// After a confirmation link: a follower's page, or a subscriber's (the
/// links of either kind confirm either, the token being the proof).
pub(super) fn confirmed(
    req: &HttpRequest,
    shared: &Shared,
    here: Here<'_>,
    s: &Subscriber,
) -> HttpResponse {
    let config = config(shared);
    let here = super::manage::theirs(req, here, s);
    let Some(incident) = &s.follows else {
        return pages::confirmed(here, &config.components, s);
    };
    let l = here.lang;
    let view = shared.snapshots.current().view.clone();
    let name = match view.book.incidents.get(incident) {
        Some(i) => words::incident_name(l, &i.name).into_owned(),
        None => incident.to_string(),
    };
    let content = html! {
        h1 { (l.say("followed-title")) }
        p.lead {
            (sentence(
                &say!(l, "followed-lead", email = MARK, incident = name.as_str()),
                html! { strong { (s.email) } },
            ))
        }
        p { (l.say("followed-ends")) }
        p { a href={"/incidents/" (incident)} { (l.say("follow-back")) } }
        h2 { (l.say("follow-stop-button")) }
        (stop_form(l, &s.token, false))
    };
    personal(StatusCode::OK, here, &l.say("followed-title"), content)
}

fn stop_form(l: Lang, token: &str, primary: bool) -> Markup {
    html! {
        form.action method="post" action={"/follow/" (token) "/stop"} {
            input type="hidden" name="List-Unsubscribe" value="One-Click";
            p { button.primary[primary] type="submit" { (l.say("follow-stop-button")) } }
        }
    }
}

/// `GET /follow/{token}/stop`: a button, because a GET must not change
/// anything (mail scanners follow links).
pub async fn stop_page(
    req: HttpRequest,
    shared: web::Data<Shared>,
    token: web::Path<String>,
) -> HttpResponse {
    let config = config(&shared);
    let here = Here::of(&req, &config.site);
    if !plausible(&token) {
        return pages::link_gone(here);
    }
    let l = here.lang;
    let content = html! {
        h1 { (l.say("follow-stop-title")) }
        p.lead { (l.say("follow-stop-lead")) }
        (stop_form(l, &token, true))
    };
    personal(StatusCode::OK, here, &l.say("follow-stop-button"), content)
}

/// `POST /follow/{token}/stop`: RFC 8058 one-click and the page's button.
/// Any body will do, and an unknown token gets the same answer.
#[tracing::instrument(skip_all)]
pub async fn stop(
    req: HttpRequest,
    shared: web::Data<Shared>,
    token: web::Path<String>,
) -> HttpResponse {
    let config = config(&shared);
    let here = Here::of(&req, &config.site);
    if let Err(Unavailable) =
        super::manage::leave(&shared, token.into_inner(), "stop following").await
    {
        return pages::unavailable(here);
    }
    let l = here.lang;
    let content = html! {
        h1 { (l.say("follow-stopped-title")) }
        p.lead { (l.say("follow-stopped-lead")) }
        p { a href="/" { (l.say("back-to-status")) } }
    };
    personal(
        StatusCode::OK,
        here,
        &l.say("follow-stopped-title"),
        content,
    )
}
