//! The Statuspage-compatible public API (`/api/v2/...`), so dashboards, chat bots
//! and exporters written for Atlassian Statuspage read a Candor page unchanged.
//! Every body is rendered with the snapshot; a request is a map lookup.

#[cfg(test)]
mod conform;
mod objects;
/// `pub(crate)`: the webhook payloads are built from the same objects.
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::Shared;
use super::public::PAGE_CACHE;
use super::snapshot::Rendered;
use crate::incidents::{Incident, Maintenance, MaintenanceStatus};
use crate::read::shapes::{self, Catalog, array_of};
use crate::read::view::View;
use objects::Objects;

/// Statuspage lists this many of the most recent incidents and maintenances.
const RECENT: usize = 50;
/// The filtered lists (unresolved, upcoming, active) are not cut short.
const ALL: usize = usize::MAX;

const JSON: &str = "application/json";

/// The objects one render's bodies were made of: the next render's
/// `previous`, whose objects it reuses where what they show is the same.
#[derive(Debug)]
pub struct Made {
    catalog: Catalog,
    objects: Objects,
}

/// Every endpoint's body, by its path under `/api/v2/`, and what they were
/// made of (for the next render).
pub fn render(v: &View, previous: Option<&Made>) -> (HashMap<&'static str, Rendered>, Arc<Made>) {
    let lists = Lists::new(v, previous);
    let bodies = texts(&lists)
        .into_iter()
        .map(|(path, text)| (path, Rendered::new(text, JSON)))
        .collect();
    let made = Made {
        catalog: lists.catalog,
        objects: lists.objects,
    };
    (bodies, Arc::new(made))
}

/// Every endpoint's JSON, by path, parsed again (what clients read).
#[cfg(test)]
pub fn bodies(v: &View) -> Vec<(&'static str, Value)> {
    let parse = |text: &str| serde_json::from_str(text).expect("our own JSON");
    let texts = texts(&Lists::new(v, None));
    texts.into_iter().map(|(p, t)| (p, parse(&t))).collect()
}

/// One member of a body: built for this body, or JSON text made once and
/// spliced into several (the component objects, the largest part).
#[derive(Serialize)]
#[serde(untagged)]
enum Member<'a> {
    Value(Value),
    Text(&'a RawValue),
}

/// A body's text, its members in key order as serde_json writes a `Value`.
fn text(members: Vec<(&str, Member<'_>)>) -> String {
    let object: BTreeMap<&str, Member<'_>> = members.into_iter().collect();
    // Values and JSON text always serialize; `{}` stands in if one ever did not.
    serde_json::to_string(&object).unwrap_or_else(|_| "{}".to_owned())
}

/// Every endpoint's JSON text, by path.
fn texts(lists: &Lists<'_>) -> Vec<(&'static str, String)> {
    use Member::Value as V;
    let v = lists.view;
    let (page, status) = (shapes::page(v), shapes::status(v));
    let components = lists.catalog.array();
    let open = |i: &Incident| i.status.is_open();
    let upcoming = |m: &Maintenance| m.status == MaintenanceStatus::Scheduled;
    let active = |m: &Maintenance| m.status.is_active();
    let pending = |m: &Maintenance| m.status != MaintenanceStatus::Completed;
    let inc = |keep, n| lists.incidents(keep, n);
    let mnt = |keep, n| lists.maintenances(keep, n);
    let body = |key: &str, value: Member<'_>| text(vec![("page", V(page.clone())), (key, value)]);
    let (open_incidents, pending) = (inc(open, ALL), mnt(pending, ALL));
    let t = Member::Text;
    let mnts = "scheduled_maintenances";
    vec![
        (
            "summary.json",
            text(vec![
                ("page", V(page.clone())),
                ("status", V(status.clone())),
                ("components", Member::Text(&components)),
                ("incidents", t(&open_incidents)),
                (mnts, t(&pending)),
            ]),
        ),
        ("status.json", body("status", V(status))),
        (
            "components.json",
            text(vec![
                ("page", V(page.clone())),
                ("components", Member::Text(&components)),
            ]),
        ),
        (
            "incidents.json",
            body("incidents", t(&inc(|_| true, RECENT))),
        ),
        (
            "incidents/unresolved.json",
            body("incidents", t(&open_incidents)),
        ),
        (
            "scheduled-maintenances.json",
            body(mnts, t(&mnt(|_| true, RECENT))),
        ),
        (
            "scheduled-maintenances/upcoming.json",
            body(mnts, t(&mnt(upcoming, ALL))),
        ),
        (
            "scheduled-maintenances/active.json",
            body(mnts, t(&mnt(active, ALL))),
        ),
    ]
}

/// The view and the objects the bodies list.
struct Lists<'a> {
    view: &'a View,
    catalog: Catalog,
    objects: Objects,
    previous: Option<&'a Objects>,
}

impl<'a> Lists<'a> {
    fn new(view: &'a View, previous: Option<&'a Made>) -> Self {
        Self {
            view,
            catalog: Catalog::new(view, previous.map(|p| &p.catalog)),
            objects: Objects::default(),
            previous: previous.map(|p| &p.objects),
        }
    }

    /// The newest `n` incidents that `keep` accepts, newest first by
    /// `started_at` (id breaks ties, so bodies are stable).
    fn incidents(&self, keep: fn(&Incident) -> bool, n: usize) -> Box<RawValue> {
        let all = self.view.book.incidents.shared_values().filter(|i| keep(i));
        let order = |a: &Incident, b: &Incident| (a.started_at, &a.id).cmp(&(b.started_at, &b.id));
        let list = newest(all.collect(), n, |a, b| order(a, b));
        let (v, cat) = (self.view, &self.catalog);
        let objects: Vec<_> = (list.into_iter())
            .map(|i| (self.objects).incident(self.previous, cat, i, || shapes::incident(v, cat, i)))
            .collect();
        array_of(&objects)
    }

    /// The newest `n` maintenances that `keep` accepts, by `scheduled_for`.
    fn maintenances(&self, keep: fn(&Maintenance) -> bool, n: usize) -> Box<RawValue> {
        let all = self
            .view
            .book
            .maintenances
            .shared_values()
            .filter(|m| keep(m));
        let order = |a: &Maintenance, b: &Maintenance| {
            (a.scheduled_for, &a.id).cmp(&(b.scheduled_for, &b.id))
        };
        let list = newest(all.collect(), n, |a, b| order(a, b));
        let (v, cat) = (self.view, &self.catalog);
        let objects: Vec<_> = (list.into_iter())
            .map(|m| {
                (self.objects).maintenance(self.previous, cat, m, || shapes::maintenance(v, cat, m))
            })
            .collect();
        array_of(&objects)
    }
}

/// The `n` greatest of `list` by `order`, greatest first. The rest are only
/// partitioned off, not sorted: years of history cost one pass per render.
fn newest<T>(mut list: Vec<&T>, n: usize, order: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<&T> {
    let newest_first = |a: &&T, b: &&T| order(b, a);
    if n < list.len() {
        list.select_nth_unstable_by(n, newest_first);
        list.truncate(n);
    }
    list.sort_unstable_by(newest_first);
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
