//! Public GET handlers: each answers from the current snapshot in memory.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use std::sync::Arc;

use super::Shared;
use super::snapshot::Snapshot;
use crate::incidents::RecordId;

/// Public pages, JSON, feeds and badges may be cached briefly, by a CDN too.
/// A cache may keep answering with the last copy for 30 s while it refetches,
/// and for a day while the origin is down or erroring (RFC 5861): a status page
/// should stay up when the thing it runs beside does not.
pub const PAGE_CACHE: &str = "public, max-age=10, stale-while-revalidate=30, stale-if-error=86400";

/// The snapshot in the reader's language (see [`super::lang`]).
pub(super) fn localized(req: &HttpRequest, shared: &Shared) -> Arc<Snapshot> {
    let first = shared.snapshots.current();
    let lang = super::lang::of(req, &first.view.config.site);
    match lang == first.view.lang {
        true => first,
        false => shared.snapshots.in_lang(lang),
    }
}

/// A page of `snapshot` marked with its language.
pub(super) fn answer(req: &HttpRequest, snapshot: &Snapshot, res: HttpResponse) -> HttpResponse {
    super::lang::mark(res, req, &snapshot.view.config.site, snapshot.view.lang)
}

pub async fn index(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let snapshot = localized(&req, &shared);
    answer(&req, &snapshot, snapshot.index.respond(&req, PAGE_CACHE))
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
    let snapshot = localized(&req, &shared);
    match snapshot.incidents.get(&id) {
        Some(page) => answer(&req, &snapshot, page.respond(&req, PAGE_CACHE)),
        None => not_found().await,
    }
}

pub async fn component(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
) -> HttpResponse {
    let snapshot = localized(&req, &shared);
    match snapshot.components.page(&snapshot.view, id.as_str()) {
        Some(page) => answer(&req, &snapshot, page.respond(&req, PAGE_CACHE)),
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
    let snapshot = localized(&req, &shared);
    // Index 0 is the newest page (plain `/history`); page N is index N.
    let index = match query.page {
        None => Some(0),
        Some(0) => None,
        Some(n) => Some(n),
    };
    match index.and_then(|i| snapshot.history.get(i)) {
        Some(p) => answer(&req, &snapshot, p.respond(&req, PAGE_CACHE)),
        None => not_found().await,
    }
}

pub async fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Not found. The status page is at /")
}
