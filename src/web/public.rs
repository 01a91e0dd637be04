//! Public GET handlers: each answers from the current snapshot in memory.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::Shared;

/// Public pages may be cached briefly (and by a CDN).
pub const PAGE_CACHE: &str = "public, max-age=10";

pub async fn index(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    shared.snapshots.current().index.respond(&req, PAGE_CACHE)
}

pub async fn incident(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
) -> HttpResponse {
    match shared.snapshots.current().incidents.get(id.as_str()) {
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
    let page = query.page.unwrap_or(1);
    match page.checked_sub(1).and_then(|i| snapshot.history.get(i)) {
        Some(p) => p.respond(&req, PAGE_CACHE),
        None => not_found().await,
    }
}

pub async fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Not found. The status page is at /")
}
