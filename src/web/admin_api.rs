//! The engineers' JSON API under `/api/admin/v1`.

use actix_web::web;

/// Registers the admin API routes.
pub fn routes(_cfg: &mut web::ServiceConfig) {}
