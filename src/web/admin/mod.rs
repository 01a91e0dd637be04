//! The admin web UI under `/admin`, for engineers in the middle of an outage.

use actix_web::web;

/// Registers the admin UI routes.
pub fn routes(_cfg: &mut web::ServiceConfig) {}
