//! A subscription behind its token: confirming it, changing its components,
//! and leaving it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};

use super::pages::{self, Notice};
use super::{Here, Unavailable, blocking, chosen, config, plausible, write};
use crate::lang::Lang;
use crate::pipeline::desk::{Done, SubscriptionCommand};
use crate::subscribers::PENDING_FOR;
use crate::subscribers::Subscriber;
use crate::web::Shared;
use crate::web::form_data::FormData;

/// `GET /subscriptions/{token}/confirm` and `GET /follow/{token}/confirm`:
/// the link in the confirmation email (the page says which it confirmed).
/// Following it again later shows the same page.
#[tracing::instrument(skip_all)]
pub async fn confirm(
    req: HttpRequest,
    shared: web::Data<Shared>,
    token: web::Path<String>,
) -> HttpResponse {
    let config = config(&shared);
    let here = Here::of(&req, &config.site);
    let token = token.into_inner();
    if !plausible(&token) {
        return pages::link_gone(here);
    }
    match write(&shared, "confirm", SubscriptionCommand::Confirm { token }).await {
        Ok(Done::Subscriber(Some(s))) => super::follow::confirmed(&req, &shared, here, &s),
        Ok(_) => pages::link_gone(here),
        Err(_) => pages::unavailable(here),
    }
}

/// A subscriber's own page: in the language they chose for their emails,
/// unless the visitor picked one on the page (`?lang=`, the cookie).
pub(super) fn theirs<'a>(req: &HttpRequest, here: Here<'a>, s: &Subscriber) -> Here<'a> {
    let stored = (s.language.as_deref())
        .and_then(Lang::parse)
        .filter(|l| here.site.languages.contains(l));
    match (crate::web::lang::explicit(req, here.site), stored) {
        (None, Some(lang)) => Here { lang, ..here },
        _ => here,
    }
}

/// `GET /subscriptions/{token}`: the manage page.
pub async fn show(
    req: HttpRequest,
    shared: web::Data<Shared>,
    token: web::Path<String>,
) -> HttpResponse {
    let config = config(&shared);
    let (site, components) = (Here::of(&req, &config.site), &config.components);
    match lookup(&shared, token.into_inner()).await {
        Ok(Some(s)) => {
            let checked = ids(&s);
            let site = theirs(&req, site, &s);
            pages::manage(StatusCode::OK, site, components, &s, &checked, Notice::None)
        }
        Ok(None) => pages::link_gone(site),
        Err(Unavailable) => pages::unavailable(site),
    }
}

/// `POST /subscriptions/{token}`: saves the chosen components (none: all).
#[tracing::instrument(skip_all)]
pub async fn save(
    req: HttpRequest,
    shared: web::Data<Shared>,
    token: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let config = config(&shared);
    let (site, components) = (Here::of(&req, &config.site), &config.components);
    let token = token.into_inner();
    let Some(form) = FormData::parse(&body) else {
        return pages::bad_form(site);
    };
    let given: Vec<String> = form.all("components").map(str::to_owned).collect();
    let s = match lookup(&shared, token.clone()).await {
        Ok(Some(s)) => s,
        Ok(None) => return pages::link_gone(site),
        Err(Unavailable) => return pages::unavailable(site),
    };
    // Their emails' language, as chosen on the form (kept if not offered).
    let language = Lang::parse(form.value("language")).filter(|l| site.site.languages.contains(l));
    let site = match language {
        Some(lang) => Here { lang, ..site },
        None => theirs(&req, site, &s),
    };
    let ids = match chosen(site.lang, components, &given) {
        Ok(ids) => ids,
        Err(problem) => {
            let problems = [problem];
            return pages::manage(
                StatusCode::UNPROCESSABLE_ENTITY,
                site,
                components,
                &s,
                &given,
                Notice::Problems(&problems),
            );
        }
    };
    let command = SubscriptionCommand::SetComponents {
        token,
        components: ids,
        language: language.map(|l| l.tag().to_owned()),
    };
    match write(&shared, "save components", command).await {
        Ok(Done::Subscriber(Some(s))) => {
            let checked = self::ids(&s);
            pages::manage(
                StatusCode::OK,
                site,
                components,
                &s,
                &checked,
                Notice::Saved,
            )
        }
        Ok(_) => pages::link_gone(site),
        Err(_) => pages::unavailable(site),
    }
}

/// `GET /subscriptions/{token}/unsubscribe`: asks; does not unsubscribe.
pub async fn unsubscribe_page(
    req: HttpRequest,
    shared: web::Data<Shared>,
    token: web::Path<String>,
) -> HttpResponse {
    let config = config(&shared);
    let here = Here::of(&req, &config.site);
    if plausible(&token) {
        pages::unsubscribe(here, &token)
    } else {
        pages::link_gone(here)
    }
}

/// `POST /subscriptions/{token}/unsubscribe`: RFC 8058 one-click (mail
/// clients POST `List-Unsubscribe=One-Click` without cookies) and the page's
/// button. Any body will do, and an unknown token gets the same answer.
#[tracing::instrument(skip_all)]
pub async fn unsubscribe(
    req: HttpRequest,
    shared: web::Data<Shared>,
    token: web::Path<String>,
) -> HttpResponse {
    let config = config(&shared);
    let here = Here::of(&req, &config.site);
    match leave(&shared, token.into_inner(), "unsubscribe").await {
        Ok(()) => pages::unsubscribed(here),
        Err(Unavailable) => pages::unavailable(here),
    }
}

/// Forgets the subscriber or follower behind `token`; an implausible or
/// unknown token is no error (leaving twice is fine). Err: storage failed.
pub(super) async fn leave(
    shared: &Shared,
    token: String,
    what: &'static str,
) -> Result<(), Unavailable> {
    if !plausible(&token) {
        return Ok(());
    }
    let done = write(shared, what, SubscriptionCommand::Unsubscribe { token }).await?;
    if let Done::Removed(true) = done {
        tracing::info!("{what}: done");
    }
    Ok(())
}

/// The live subscription behind `token`: unknown tokens and confirmations
/// left too long are None. Err: storage failed (logged).
pub(super) async fn lookup(
    shared: &Shared,
    token: String,
) -> Result<Option<Subscriber>, Unavailable> {
    if !plausible(&token) {
        return Ok(None);
    }
    let store = shared.store.clone();
    let found = blocking("look up a subscriber", move || {
        store.subscriber_by_token(&token)
    })
    .await?;
    let now = shared.clock.now();
    // A follower's token opens only the follower's pages (`/follow/...`).
    Ok(found.filter(|s| live(s, now) && s.follows.is_none()))
}

fn live(s: &Subscriber, now: DateTime<Utc>) -> bool {
    s.is_confirmed() || now - s.created_at <= PENDING_FOR
}

fn ids(s: &Subscriber) -> Vec<String> {
    s.components.iter().map(|c| c.as_str().to_owned()).collect()
}
