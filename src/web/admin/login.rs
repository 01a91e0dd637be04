//! Signing in with the admin token (`CANDOR_ADMIN_TOKEN`) and signing out.

use std::time::Duration;

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use maud::{Markup, html};

use super::guard::{COOKIE, Posted, Reject, safe_next};
use super::layout::{frame, html, see_other};
use super::state::{self, SESSION_LIFE};
use crate::web::auth::token_matches;
use crate::web::form_data::FormData;
use crate::web::{Shared, client};

/// Every wrong token costs the guesser this long, on top of the per-address limit.
const FAILURE_DELAY: Duration = Duration::from_millis(250);

pub async fn show(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if shared.admin_token.is_none() {
        return disabled(StatusCode::OK);
    }
    let query = FormData::parse(req.query_string().as_bytes()).unwrap_or_default();
    let next = query.get("next").and_then(safe_next).unwrap_or("/admin");
    let signed_in = req
        .cookie(COOKIE)
        .is_some_and(|c| state::of(&shared).session(c.value()).is_some());
    if signed_in {
        return see_other(next);
    }
    html(StatusCode::OK, page(next, None))
}

pub async fn submit(req: HttpRequest, shared: web::Data<Shared>, body: web::Bytes) -> HttpResponse {
    let Some(token) = shared.admin_token.as_deref() else {
        return disabled(StatusCode::FORBIDDEN);
    };
    let ip = client::of(&req, &shared);
    if let Some(wait) = shared.failures.throttled(ip) {
        return throttled(wait);
    }
    let Some(form) = FormData::parse(&body) else {
        return Reject::BadForm.error_response();
    };
    let next = form.get("next").and_then(safe_next).unwrap_or("/admin");
    if !token_matches(token, form.value("token").trim()) {
        shared.failures.failed(ip);
        tokio::time::sleep(FAILURE_DELAY).await;
        let error = "That is not the admin token. Check CANDOR_ADMIN_TOKEN on the server.";
        return html(StatusCode::UNAUTHORIZED, page(next, Some(error)));
    }
    shared.failures.succeeded(ip);
    let session = state::of(&shared).open_session();
    let https = shared
        .snapshots
        .current()
        .view
        .config
        .site
        .public_url
        .scheme()
        == "https";
    HttpResponse::SeeOther()
        .cookie(session_cookie(session.id, https))
        .insert_header((header::LOCATION, next))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

pub async fn logout(posted: Posted) -> HttpResponse {
    let engineer = posted.engineer;
    engineer.state.close_session(&engineer.session.id);
    let mut gone = Cookie::build(COOKIE, "").path("/admin").finish();
    gone.make_removal();
    HttpResponse::SeeOther()
        .cookie(gone)
        .insert_header((header::LOCATION, "/admin/login"))
        .finish()
}

/// Only sent to `/admin`, never readable by scripts, never sent from another
/// site, and only over TLS when the site is served over https.
fn session_cookie(id: String, https: bool) -> Cookie<'static> {
    let life = i64::try_from(SESSION_LIFE.as_secs()).unwrap_or(i64::MAX);
    Cookie::build(COOKIE, id)
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(https)
        .max_age(time::Duration::seconds(life))
        .finish()
}

fn page(next: &str, error: Option<&str>) -> Markup {
    let content = html! {
        h1 { "Sign in" }
        form.card method="post" action="/admin/login" {
            input type="hidden" name="next" value=(next);
            div.field.field--error[error.is_some()] {
                label for="f-token" { "Admin token" }
                span.hint id="f-token-hint" { "The value of CANDOR_ADMIN_TOKEN on the server." }
                input #f-token type="password" name="token" autocomplete="current-password"
                    autofocus aria-describedby="f-token-hint" aria-invalid=[error.map(|_| "true")];
                @if let Some(e) = error { p.field__error role="alert" { "✕ " (e) } }
            }
            button.primary type="submit" { "Sign in" }
        }
    };
    frame("Sign in", None, content)
}

fn disabled(status: StatusCode) -> HttpResponse {
    let content = html! {
        h1 { "Admin is disabled" }
        p.lead { "No admin token of at least 16 characters is configured, so nobody can sign in and the admin API refuses every request." }
        p {
            "To enable it, set " code { "CANDOR_ADMIN_TOKEN" }
            " to a long random secret in Candor's environment (for example the output of "
            code { "openssl rand -hex 32" } ") and restart Candor. Engineers sign in here with that token."
        }
    };
    html(status, frame("Admin is disabled", None, content))
}

fn throttled(wait: Duration) -> HttpResponse {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let content = html! {
        h1 { "Too many attempts" }
        p.lead {
            "Too many wrong tokens came from your address. Try again in "
            (minutes) " minute" @if minutes != 1 { "s" } "."
        }
    };
    let mut res = html(
        StatusCode::TOO_MANY_REQUESTS,
        frame("Too many attempts", None, content),
    );
    res.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(wait.as_secs().max(1)),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::session_cookie;

    #[test]
    fn the_session_cookie_is_secure_when_the_site_is_https() {
        let plain = session_cookie("abc".into(), false).to_string();
        assert!(!plain.contains("Secure"), "{plain}");
        let tls = session_cookie("abc".into(), true).to_string();
        for flag in [
            "candor_session=abc",
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Path=/admin",
            "Max-Age=43200",
        ] {
            assert!(tls.contains(flag), "{flag} missing from {tls}");
        }
    }
}
