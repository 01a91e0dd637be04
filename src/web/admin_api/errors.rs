//! The admin API's refusals and errors, all `{"error": ...}` (422 adds
//! `"fields"`): 401 without a valid token, 403 when no token is configured,
//! 503 when storage fails (the cause goes to the log, not to the client).

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

use crate::incidents::input::FieldErrors;
use crate::web::Shared;
use crate::web::auth::{self, Access};

/// Some(response) when the request may not use the API.
pub fn refuse(req: &HttpRequest, shared: &Shared) -> Option<HttpResponse> {
    match auth::bearer(req, shared.admin_token.as_deref()) {
        Access::Granted => None,
        Access::Denied => Some(
            HttpResponse::Unauthorized()
                .insert_header(("WWW-Authenticate", "Bearer"))
                .json(json!({ "error": "missing or wrong token: send Authorization: Bearer <CANDOR_ADMIN_TOKEN>" })),
        ),
        Access::Disabled => Some(error(
            StatusCode::FORBIDDEN,
            "the admin API is disabled: start Candor with CANDOR_ADMIN_TOKEN set to a long random secret",
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
