//! HTTP: public routes served from the in-memory snapshot, plus health and metrics.

pub mod assets;
mod health;
pub mod pages;
pub mod snapshot;

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use actix_web::dev::Server;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::engine::Engine;
use crate::metrics::Metrics;
use crate::store::Store;
use snapshot::{Rendered, Snapshot, Snapshots};

/// What request handlers share.
pub struct Shared {
    pub snapshots: Arc<Snapshots>,
    pub store: Store,
    pub metrics: Arc<Metrics>,
    /// Unix seconds of the scheduler's last turn.
    pub heartbeat: Arc<AtomicI64>,
}

/// Public pages may be cached briefly (and by a CDN).
const PAGE_CACHE: &str = "public, max-age=10";

/// Renders every public page from the current state.
pub fn render(config: &Config, engine: &Engine, now: DateTime<Utc>) -> Snapshot {
    let view = pages::status::StatusView {
        config,
        states: &engine.components,
        now,
    };
    let index = pages::status::render(&view).into_string();
    Snapshot {
        index: Rendered::new(index, "text/html; charset=utf-8"),
    }
}

/// Builds the server on an already bound listener (port 0 in tests).
pub fn server(listener: TcpListener, shared: Shared) -> std::io::Result<Server> {
    let shared = web::Data::new(shared);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(shared.clone())
            .route("/", web::get().to(index))
            .route("/healthz", web::get().to(health::healthz))
            .route("/metrics", web::get().to(metrics))
            .route("/static/{name}", web::get().to(assets::serve))
            .default_service(web::to(not_found))
    })
    .workers(workers())
    .disable_signals()
    .shutdown_timeout(5)
    .listen(listener)?
    .run();
    Ok(server)
}

/// One worker per core: public GETs are memory copies, so more would only contend.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

async fn index(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    shared.snapshots.current().index.respond(&req, PAGE_CACHE)
}

async fn metrics(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(shared.metrics.encode())
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Not found. The status page is at /")
}
