//! The admin API's refusals and errors, all `{"error": ...}` (422 adds
//! `"fields"`): 401 without a valid token, 429 once a client has sent too
//! many wrong ones, 403 when no token is configured, 503 when storage fails (the cause goes to the log, not to the client).

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use serde_json::json;

use crate::incidents::input::FieldErrors;
use crate::web::auth::{self, Access};
use crate::web::{Shared, client};

/// Some(response) when the request may not use the API. A wrong token
/// counts against the client's failure budget, the one `/admin/login` uses;
/// once it is spent, every request from that client gets 429 until the
/// window passes, whatever token it carries.
pub fn refuse(req: &HttpRequest, shared: &Shared) -> Option<HttpResponse> {
    let ip = client::of(req, shared);
    if let Some(wait) = shared.failures.throttled(ip) {
        return Some(
            HttpResponse::TooManyRequests()
                .insert_header((header::RETRY_AFTER, wait.as_secs().max(1)))
                .json(json!({ "error": "too many wrong tokens from this address: wait for Retry-After seconds" })),
        );
    }
    match auth::bearer(req, shared.admin_token.as_deref()) {
        Access::Granted => {
            shared.failures.succeeded(ip);
            None
        }
        Access::Denied { tried } => {
            // A request without any token is not a guess.
            if tried {
                shared.failures.failed(ip);
            }
            Some(
                HttpResponse::Unauthorized()
                    .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
                    .json(json!({ "error": "missing or wrong token: send Authorization: Bearer <CANDOR_ADMIN_TOKEN>" })),
            )
        }
        Access::Disabled => Some(error(
            StatusCode::FORBIDDEN,
            "the admin API is disabled: start Candor with CANDOR_ADMIN_TOKEN set to a random secret of at least 16 characters",
        )),
    }
}

pub fn error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "error": message }))
}

pub fn invalid(errors: &FieldErrors) -> HttpResponse {
    HttpResponse::UnprocessableEntity()
        .json(json!({ "error": errors.summary(), "fields": errors.0 }))
}

/// 503 for a storage failure, whose cause goes to the log.
pub fn unavailable(what: &str, e: anyhow::Error) -> HttpResponse {
    tracing::error!(error = %format!("{e:#}"), "{what} failed");
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("{what} failed; try again"),
    )
}
