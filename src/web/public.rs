//! Public GET handlers: each answers from the current snapshot in memory.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::Shared;
use crate::incidents::RecordId;

/// Public pages, JSON, feeds and badges may be cached briefly, by a CDN too.
/// A cache may keep answering with the last copy for 30 s while it refetches,
/// and for a day while the origin is down or erroring (RFC 5861): a status page
/// should stay up when the thing it runs beside does not.
pub const PAGE_CACHE: &str = "public, max-age=10, stale-while-revalidate=30, stale-if-error=86400";

pub async fn index(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    shared.snapshots.current().index.respond(&req, PAGE_CACHE)
}

pub async fn incident(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
) -> HttpResponse {
    // Incidents and maintenances share this route (and one form of id).
    let Ok(id) = RecordId::parse(&id) else {
        return not_found().await;
    };
    match shared.snapshots.current().incidents.get(&id) {
        Some(page) => page.respond(&req, PAGE_CACHE),
        None => not_found().await,
    }
}

pub async fn component(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
) -> HttpResponse {
    let snapshot = shared.snapshots.current();
    match snapshot.components.page(&snapshot.view, id.as_str()) {
        Some(page) => page.respond(&req, PAGE_CACHE),
        None => not_found().await,
    }
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    page: Option<usize>,
}

pub async fn history(
    req: HttpRequest,
    shared: web::Data<Shared>,
    query: web::Query<HistoryQuery>,
) -> HttpResponse {
    let snapshot = shared.snapshots.current();
    // Index 0 is the newest page (plain `/history`); page N is index N.
    let index = match query.page {
        None => Some(0),
        Some(0) => None,
        Some(n) => Some(n),
    };
    match index.and_then(|i| snapshot.history.get(i)) {
        Some(p) => p.respond(&req, PAGE_CACHE),
        None => not_found().await,
    }
}

pub async fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Not found. The status page is at /")
}
