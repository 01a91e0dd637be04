//! HTTP: public routes served from the in-memory snapshot, plus health and metrics.

pub mod admin;
mod admin_api;
pub mod agents;
/// `pub(crate)`: webhook payloads reuse its Statuspage objects.
pub(crate) mod api_v2;
pub mod assets;
pub mod auth;
mod badges;
pub mod client;
pub mod component_pages;
pub mod encoding;
pub mod failures;
mod feeds;
mod form_data;
mod headers;
mod health;
pub mod history_pages;
pub mod lang;
pub mod node;
pub mod pages;
mod public;
pub mod record_pages;
pub mod render;
pub mod rendered;
pub mod reports;
pub mod snapshot;
mod subscribe;
pub mod xml_chars;

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};

use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::pipeline::desk::Desk;
use crate::store::Store;
use snapshot::Snapshots;

/// What request handlers share.
pub struct Shared {
    pub snapshots: Arc<Snapshots>,
    pub store: Store,
    pub metrics: Arc<Metrics>,
    /// Unix seconds of the scheduler's last turn.
    pub heartbeat: Arc<AtomicI64>,
    /// Where engineers' changes go.
    pub desk: Desk,
    /// `CANDOR_ADMIN_TOKEN`; without it the admin API and UI refuse everyone.
    pub admin_token: Option<String>,
    /// How often one network may post the subscribe form.
    pub limits: Arc<subscribe::Limits>,
    /// How often one network may send an "I'm affected" report.
    pub report_limits: Arc<subscribe::Limits>,
    /// Wrong admin tokens per client address, login form and API together.
    pub failures: Arc<failures::Budget>,
    /// The application's one clock: what handlers stamp and compare with is
    /// the time the pipeline and the scheduler see.
    pub clock: Arc<dyn Clock>,
    /// Agents' tokens, their locations' checks, and the way to the pipeline.
    pub agents: Arc<agents::Agents>,
    /// This node's role among several on one database; `None` on sled.
    pub node: Option<Arc<node::Node>>,
}

/// GET, and HEAD for the same resource (uptime monitors and link checkers
/// send HEAD; actix leaves the body out of a HEAD response itself).
fn read() -> actix_web::Route {
    use actix_web::guard;
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// Builds the server on an already bound listener (port 0 in tests).
pub fn server(listener: TcpListener, shared: Shared) -> std::io::Result<Server> {
    let shared = web::Data::new(shared);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(headers::security())
            .app_data(shared.clone())
            // First: on a standby, writes go to the leader.
            .configure(node::routes)
            .route("/", read().to(public::index))
            .route("/incidents/{id}", read().to(public::incident))
            .route("/components/{id}", read().to(public::component))
            .route("/history", read().to(public::history))
            .route("/feed.atom", read().to(feeds::atom_feed))
            .route("/feed.rss", read().to(feeds::rss_feed))
            .route("/badge.svg", read().to(badges::overall_badge))
            .route("/badge/{file}", read().to(badges::component_badge))
            .route("/api/v2/{name:.*}", read().to(api_v2::serve))
            .route("/healthz", read().to(health::healthz))
            .route("/metrics", read().to(metrics))
            .route("/static/{name}", read().to(assets::serve))
            .configure(subscribe::routes)
            .configure(reports::routes)
            .configure(admin_api::routes)
            .configure(agents::routes)
            .configure(admin::routes)
            .default_service(web::to(public::not_found))
    })
    .workers(workers())
    .disable_signals()
    .shutdown_timeout(5)
    .listen(listener)?
    .run();
    Ok(server)
}

/// One worker per core, at most [`MAX_WORKERS`]: public GETs are memory
/// copies, so more would only contend, and each worker is a thread with its
/// own runtime, buffers and allocator cache held for the life of the process.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(MAX_WORKERS))
}

/// Four workers answer tens of thousands of cached GETs a second.
const MAX_WORKERS: usize = 4;

async fn metrics(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(shared.metrics.encode())
}
