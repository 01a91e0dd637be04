//! The admin API's GETs: incidents (from the current snapshot, no storage
//! read), an incident's feedback counts and the subscriber list (from storage).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use super::errors::{error, invalid, refuse, unavailable};
use super::shapes;
use crate::incidents::IncidentId;
use crate::incidents::input::FieldErrors;
use crate::read::View;
use crate::web::Shared;
use crate::web::subscribe::export;

/// Every incident, newest first.
pub async fn list_incidents(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if let Some(refused) = refuse(&req, &shared) {
        return refused;
    }
    let view = shared.snapshots.current().view.clone();
    let mut incidents: Vec<_> = view.book.incidents.values().collect();
    incidents.sort_by_key(|i| std::cmp::Reverse(i.started_at));
    let tz = view.config.site.timezone;
    let incidents: Vec<_> = (incidents.into_iter())
        .map(|i| shapes::incident(i, tz))
        .collect();
    HttpResponse::Ok().json(json!({ "incidents": incidents }))
}

pub async fn get_incident(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
) -> HttpResponse {
    if let Some(refused) = refuse(&req, &shared) {
        return refused;
    }
    let view = shared.snapshots.current().view.clone();
    match known(&view, &id) {
        Ok(i) => HttpResponse::Ok().json(shapes::incident(
            &view.book.incidents[&i],
            view.config.site.timezone,
        )),
        Err(missing) => missing,
    }
}

/// The incident `id` names, or the 404 that says it names none.
fn known(view: &View, id: &str) -> Result<IncidentId, HttpResponse> {
    IncidentId::parse(id)
        .ok()
        .filter(|i| view.book.incidents.contains_key(i))
        .ok_or_else(|| {
            error(
                StatusCode::NOT_FOUND,
                &format!("no incident with id \"{id}\""),
            )
        })
}

/// Subscribers' answers to "is it working for you now?" for one incident.
pub async fn incident_feedback(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
) -> HttpResponse {
    if let Some(refused) = refuse(&req, &shared) {
        return refused;
    }
    let incident = match known(&shared.snapshots.current().view, &id) {
        Ok(i) => i,
        Err(missing) => return missing,
    };
    let store = shared.store.clone();
    match web::block(move || store.feedback(&incident)).await {
        Ok(Ok(counts)) => HttpResponse::Ok().json(shapes::feedback(&counts)),
        Ok(Err(e)) => unavailable("reading feedback", e.into()),
        Err(e) => unavailable("reading feedback", e.into()),
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    format: Option<String>,
}

/// Every subscriber: JSON (counts and list), or `?format=csv`.
pub async fn list_subscribers(
    req: HttpRequest,
    shared: web::Data<Shared>,
    query: web::Query<ListQuery>,
) -> HttpResponse {
    if let Some(refused) = refuse(&req, &shared) {
        return refused;
    }
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            let mut errors = FieldErrors::default();
            errors.add("format", "must be json or csv");
            return invalid(&errors);
        }
    };
    let store = shared.store.clone();
    let subscriptions = move || store.all_subscribers().map(export::subscriptions);
    match web::block(subscriptions).await {
        Ok(Ok(list)) if csv => export::csv_response(&list, shared.clock.now()),
        Ok(Ok(list)) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(export::json(&list)),
        Ok(Err(e)) => unavailable("listing subscribers", e.into()),
        Err(e) => unavailable("listing subscribers", e.into()),
    }
}
