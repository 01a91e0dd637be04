//! The Statuspage-compatible public API (`/api/v2/...`), so dashboards, chat bots
//! and exporters written for Atlassian Statuspage read a Candor page unchanged.
//! Every body is rendered with the snapshot; a request is a map lookup.

#[cfg(test)]
mod conform;
/// `pub(crate)`: the webhook payloads are built from the same objects.
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::Shared;
use super::public::PAGE_CACHE;
use super::snapshot::Rendered;
use crate::incidents::{Incident, Maintenance, MaintenanceStatus};
use crate::read::shapes::{self, Catalog};
use crate::read::view::View;

/// Statuspage lists this many of the most recent incidents and maintenances.
const RECENT: usize = 50;
/// The filtered lists (unresolved, upcoming, active) are not cut short.
const ALL: usize = usize::MAX;

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
    let lists = Lists::new(v);
    let (page, status) = (shapes::page(v), shapes::status(v));
    let components = Value::from(lists.catalog.list.clone());
    let open = |i: &Incident| i.status.is_open();
    let upcoming = |m: &Maintenance| m.status == MaintenanceStatus::Scheduled;
    let active = |m: &Maintenance| m.status.is_active();
    let pending = |m: &Maintenance| m.status != MaintenanceStatus::Completed;
    let inc = |keep, n| lists.incidents(keep, n);
    let mnt = |keep, n| lists.maintenances(keep, n);
    let body = |key: &str, value: Value| json!({"page": page, key: value});
    let mut summary = json!({"status": status, "components": components,
        "incidents": inc(open, ALL), "scheduled_maintenances": mnt(pending, ALL)});
    summary["page"] = page.clone();
    let mnts = "scheduled_maintenances";
    vec![
        ("summary.json", summary),
        ("status.json", body("status", status.clone())),
        ("components.json", body("components", components)),
        ("incidents.json", body("incidents", inc(|_| true, RECENT))),
        (
            "incidents/unresolved.json",
            body("incidents", inc(open, ALL)),
        ),
        (
            "scheduled-maintenances.json",
            body(mnts, mnt(|_| true, RECENT)),
        ),
        (
            "scheduled-maintenances/upcoming.json",
            body(mnts, mnt(upcoming, ALL)),
        ),
        (
            "scheduled-maintenances/active.json",
            body(mnts, mnt(active, ALL)),
        ),
    ]
}

/// The components and the records, newest first, that the bodies list.
struct Lists<'a> {
    view: &'a View,
    catalog: Catalog,
    incidents: Vec<&'a Incident>,
    maintenances: Vec<&'a Maintenance>,
}

impl<'a> Lists<'a> {
    fn new(view: &'a View) -> Self {
        Self {
            view,
            catalog: Catalog::new(view),
            incidents: newest_incidents(view),
            maintenances: newest_maintenances(view),
        }
    }

    /// The first `n` incidents that `keep` accepts.
    fn incidents(&self, keep: fn(&Incident) -> bool, n: usize) -> Value {
        let list = self.incidents.iter().filter(|i| keep(i)).take(n);
        list.map(|i| shapes::incident(self.view, &self.catalog, i))
            .collect()
    }

    /// The first `n` maintenances that `keep` accepts.
    fn maintenances(&self, keep: fn(&Maintenance) -> bool, n: usize) -> Value {
        let list = self.maintenances.iter().filter(|m| keep(m)).take(n);
        list.map(|m| shapes::maintenance(self.view, &self.catalog, m))
            .collect()
    }
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
