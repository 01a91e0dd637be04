//! A subscription behind its token: confirming it, changing its components,
//! and leaving it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};

use super::pages::{self, Notice};
use super::{Unavailable, blocking, chosen, config, plausible, write};
use crate::pipeline::desk::{Done, SubscriptionCommand};
use crate::subscribers::PENDING_FOR;
use crate::subscribers::Subscriber;
use crate::web::Shared;
use crate::web::form_data::FormData;

/// `GET /subscriptions/{token}/confirm`: the link in the confirmation email.
/// Following it again later shows the same page.
#[tracing::instrument(skip_all)]
pub async fn confirm(shared: web::Data<Shared>, token: web::Path<String>) -> HttpResponse {
    let config = config(&shared);
    let token = token.into_inner();
    if !plausible(&token) {
        return pages::link_gone(&config.site);
    }
    match write(&shared, "confirm", SubscriptionCommand::Confirm { token }).await {
        Ok(Done::Subscriber(Some(s))) => pages::confirmed(&config.site, &config.components, &s),
        Ok(_) => pages::link_gone(&config.site),
        Err(_) => pages::unavailable(&config.site),
    }
}

/// `GET /subscriptions/{token}`: the manage page.
pub async fn show(shared: web::Data<Shared>, token: web::Path<String>) -> HttpResponse {
    let config = config(&shared);
    let (site, components) = (&config.site, &config.components);
    match lookup(&shared, token.into_inner()).await {
        Ok(Some(s)) => {
            let checked = ids(&s);
            pages::manage(StatusCode::OK, site, components, &s, &checked, Notice::None)
        }
        Ok(None) => pages::link_gone(site),
        Err(Unavailable) => pages::unavailable(site),
    }
}

/// `POST /subscriptions/{token}`: saves the chosen components (none: all).
#[tracing::instrument(skip_all)]
pub async fn save(
    shared: web::Data<Shared>,
    token: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let config = config(&shared);
    let (site, components) = (&config.site, &config.components);
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
    let ids = match chosen(components, &given) {
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
pub async fn unsubscribe_page(shared: web::Data<Shared>, token: web::Path<String>) -> HttpResponse {
    let config = config(&shared);
    if plausible(&token) {
        pages::unsubscribe(&config.site, &token)
    } else {
        pages::link_gone(&config.site)
    }
}

/// `POST /subscriptions/{token}/unsubscribe`: RFC 8058 one-click (mail
/// clients POST `List-Unsubscribe=One-Click` without cookies) and the page's
/// button. Any body will do, and an unknown token gets the same answer.
#[tracing::instrument(skip_all)]
pub async fn unsubscribe(shared: web::Data<Shared>, token: web::Path<String>) -> HttpResponse {
    let config = config(&shared);
    let token = token.into_inner();
    if plausible(&token) {
        match write(
            &shared,
            "unsubscribe",
            SubscriptionCommand::Unsubscribe { token },
        )
        .await
        {
            Ok(Done::Removed(true)) => tracing::info!("a subscriber unsubscribed"),
            Ok(_) => {}
            Err(_) => return pages::unavailable(&config.site),
        }
    }
    pages::unsubscribed(&config.site)
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
    Ok(found.filter(|s| live(s, now)))
}

fn live(s: &Subscriber, now: DateTime<Utc>) -> bool {
    s.is_confirmed() || now - s.created_at <= PENDING_FOR
}

fn ids(s: &Subscriber) -> Vec<String> {
    s.components.iter().map(|c| c.as_str().to_owned()).collect()
}
