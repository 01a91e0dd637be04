//! The admin web UI under `/admin`, for engineers in the middle of an outage:
//! few clicks, defaults filled in, no JavaScript. Engineers sign in with the
//! admin token; every form carries its session's CSRF token. Pages read the
//! in-memory snapshot; every change goes through the desk, like the JSON API's.

mod components;
mod compress;
mod dashboard;
mod groups;
mod guard;
mod incident;
mod incident_new;
mod incident_page;
mod incident_split;
mod inputs;
mod layout;
mod local_time;
mod login;
mod maintenance;
mod maintenance_new;
mod pickers;
mod reports;
mod state;
mod submit;
mod widgets;

use actix_web::dev::Service;
use actix_web::web;

/// Largest form body: a 20,000-character text, percent-encoded, with room.
const FORM_LIMIT: usize = 1 << 20;

/// Registers the admin UI routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin")
            .app_data(web::PayloadConfig::new(FORM_LIMIT))
            .wrap_fn(|req, srv| {
                let coding = compress::coding(&req);
                let answer = srv.call(req);
                async move { Ok(compress::compress(answer.await?, coding).await) }
            })
            .route("", web::get().to(dashboard::show))
            .route("/", web::get().to(dashboard::show))
            .route("/login", web::get().to(login::show))
            .route("/login", web::post().to(login::submit))
            .route("/logout", web::post().to(login::logout))
            .route(
                "/components/{id}",
                web::post().to(components::set_component),
            )
            .route("/groups", web::post().to(components::set_group))
            .route(
                "/subscribers.csv",
                web::get().to(dashboard::subscribers_csv),
            )
            .route("/incidents/new", web::get().to(incident_new::show))
            .route("/incidents", web::post().to(incident_new::create))
            .route("/incidents/{id}", web::get().to(incident::show))
            .route("/incidents/{id}/updates", web::post().to(incident::update))
            .route(
                "/incidents/{id}/split",
                web::post().to(incident_split::split),
            )
            .route(
                "/incidents/{id}/postmortem",
                web::post().to(incident::postmortem),
            )
            .route("/maintenances/new", web::get().to(maintenance_new::show))
            .route("/maintenances", web::post().to(maintenance_new::create))
            .route("/maintenances/{id}", web::get().to(maintenance::show))
            .route(
                "/maintenances/{id}/updates",
                web::post().to(maintenance::update),
            ),
    );
}
