//! The Statuspage-compatible public API (`/api/v2/...`), so dashboards, chat bots
//! and exporters written for Atlassian Statuspage read a Candor page unchanged.
//! Every body is rendered with the snapshot; a request is a map lookup.

#[cfg(test)]
mod conform;
mod shapes;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::Shared;
use super::public::PAGE_CACHE;
use super::snapshot::Rendered;
use super::view::View;
use crate::incidents::{Incident, Maintenance, MaintenanceStatus};
use shapes::Catalog;

/// Statuspage lists this many of the most recent incidents and maintenances.
const RECENT: usize = 50;

const JSON: &str = "application/json";

/// Every endpoint's body, by its path under `/api/v2/`.
pub fn render(v: &View) -> HashMap<&'static str, Rendered> {
    bodies(v)
        .into_iter()
        .map(|(path, body)| (path, Rendered::new(body.to_string(), JSON)))
        .collect()
}

/// Every endpoint's JSON, by path.
pub fn bodies(v: &View) -> Vec<(&'static str, Value)> {
    let cat = Catalog::new(v);
    let (page, status) = (shapes::page(v), shapes::status(v));
    let incidents = newest_incidents(v);
    let maintenances = newest_maintenances(v);
    let inc = |keep: fn(&Incident) -> bool, n: usize| -> Value {
        let list = incidents.iter().filter(|i| keep(i)).take(n);
        list.map(|i| shapes::incident(v, &cat, i)).collect()
    };
    let mnt = |keep: fn(&Maintenance) -> bool, n: usize| -> Value {
        let list = maintenances.iter().filter(|m| keep(m)).take(n);
        list.map(|m| shapes::maintenance(v, &cat, m)).collect()
    };
    let unresolved = |i: &Incident| i.status.is_open();
    let upcoming = |m: &Maintenance| m.status == MaintenanceStatus::Scheduled;
    let active = |m: &Maintenance| m.status.is_active();
    let pending = |m: &Maintenance| m.status != MaintenanceStatus::Completed;
    let body = |key: &str, value: Value| json!({"page": page, key: value});
    let summary = json!({
        "page": page,
        "status": status,
        "components": cat.list,
        "incidents": inc(unresolved, usize::MAX),
        "scheduled_maintenances": mnt(pending, usize::MAX),
    });
    vec![
        ("summary.json", summary),
        ("status.json", body("status", status.clone())),
        (
            "components.json",
            body("components", cat.list.clone().into()),
        ),
        ("incidents.json", body("incidents", inc(|_| true, RECENT))),
        (
            "incidents/unresolved.json",
            body("incidents", inc(unresolved, usize::MAX)),
        ),
        (
            "scheduled-maintenances.json",
            body("scheduled_maintenances", mnt(|_| true, RECENT)),
        ),
        (
            "scheduled-maintenances/upcoming.json",
            body("scheduled_maintenances", mnt(upcoming, usize::MAX)),
        ),
        (
            "scheduled-maintenances/active.json",
            body("scheduled_maintenances", mnt(active, usize::MAX)),
        ),
    ]
}

/// Newest first by `started_at` (id breaks ties, so bodies are stable).
fn newest_incidents(v: &View) -> Vec<&Incident> {
    let mut list: Vec<&Incident> = v.book.incidents.values().collect();
    list.sort_by(|a, b| (b.started_at, &b.id).cmp(&(a.started_at, &a.id)));
    list
}

/// Newest first by `scheduled_for`.
fn newest_maintenances(v: &View) -> Vec<&Maintenance> {
    let mut list: Vec<&Maintenance> = v.book.maintenances.values().collect();
    list.sort_by(|a, b| (b.scheduled_for, &b.id).cmp(&(a.scheduled_for, &a.id)));
    list
}

/// `GET /api/v2/{name}`: the snapshot's body, readable from any origin.
pub async fn serve(
    req: HttpRequest,
    shared: web::Data<Shared>,
    name: web::Path<String>,
) -> HttpResponse {
    let mut res = match shared.snapshots.current().api.get(name.as_str()) {
        Some(body) => body.respond(&req, PAGE_CACHE),
        None => HttpResponse::NotFound()
            .content_type(JSON)
            .body(json!({"error": "not found"}).to_string()),
    };
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}
