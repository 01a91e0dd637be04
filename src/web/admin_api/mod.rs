//! The engineers' JSON API under `/api/admin/v1` (bearer `CANDOR_ADMIN_TOKEN`).
//! Every write goes through the desk and is on disk before the 2xx.
//! Errors: 401 without a valid token, 403 when no token is configured, 400 for a
//! body that is not a JSON object, 422 `{"error", "fields"}` naming each bad field.
//!
//! - [`writes`]: incidents, maintenances and components changed through the desk.
//! - [`reads`]: incidents, feedback counts, subscribers.
//! - [`reports`]: customers' "I'm affected" reports.
//! - [`shapes`]: the JSON answered, mapped field by field from the stored
//!   records (the storage schema is not the wire format).
//! - [`errors`]: refusals and error bodies.

mod errors;
mod reads;
mod reports;
mod shapes;
mod writes;

use actix_web::web;

/// Registers the admin API routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/admin/v1")
            .route("/incidents", web::get().to(reads::list_incidents))
            .route("/incidents", web::post().to(writes::open_incident))
            .route("/incidents/{id}", web::get().to(reads::get_incident))
            .route(
                "/incidents/{id}/updates",
                web::post().to(writes::update_incident),
            )
            .route(
                "/incidents/{id}/split",
                web::post().to(writes::split_incident),
            )
            .route(
                "/incidents/{id}/postmortem",
                web::put().to(writes::postmortem),
            )
            .route(
                "/incidents/{id}/feedback",
                web::get().to(reads::incident_feedback),
            )
            .route("/subscribers", web::get().to(reads::list_subscribers))
            .route("/reports", web::get().to(reports::list))
            .route(
                "/maintenances",
                web::post().to(writes::schedule_maintenance),
            )
            .route(
                "/maintenances/{id}/updates",
                web::post().to(writes::update_maintenance),
            )
            .route("/components/{id}", web::patch().to(writes::set_component)),
    );
}
