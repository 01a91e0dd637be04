//! Statuspage's webhook payloads, from the view as of the change: `meta`,
//! `page`, and either `incident` (incidents and scheduled maintenances, which
//! Statuspage sends as incidents) or `component_update` with `component`. The
//! objects are the v2 API's own (`web::api_v2::shapes`), not a second copy.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::incidents::{Incident, Maintenance};
use crate::model::{ComponentId, ComponentStatus};
use crate::read::shapes::{self, Catalog, PAGE_ID};
use crate::read::view::View;

/// The payload format's documentation (Candor's headers are in its README).
pub const DOCUMENTATION: &str =
    "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/";

/// `meta` and `page`, the same in every payload of one change.
fn head(v: &View, now: DateTime<Utc>) -> serde_json::Map<String, Value> {
    let status = shapes::status(v);
    let url = v.config.site.public_url.as_str().trim_end_matches('/');
    let head = json!({
        // Webhooks are removed from checks.toml by the page's operator: there
        // is no unsubscribe link, so this points at the page they run.
        "meta": {"unsubscribe": url, "documentation": DOCUMENTATION,
                 "generated_at": shapes::time(now)},
        // Every Candor page has the id "candor": name and url tell them apart.
        "page": {"id": PAGE_ID, "status_indicator": status["indicator"],
                 "status_description": status["description"],
                 "name": v.config.site.title, "url": url},
    });
    match head {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

fn with(mut head: serde_json::Map<String, Value>, key: &str, value: Value) -> Value {
    head.insert(key.to_owned(), value);
    Value::Object(head)
}

pub fn incident(v: &View, cat: &Catalog, i: &Incident, now: DateTime<Utc>) -> Value {
    with(head(v, now), "incident", shapes::incident(v, cat, i))
}

/// A scheduled maintenance, as the incident it is to Statuspage.
pub fn maintenance(v: &View, cat: &Catalog, m: &Maintenance, now: DateTime<Utc>) -> Value {
    with(head(v, now), "incident", shapes::maintenance(v, cat, m))
}

/// A component's effective status went from `old` to `new`; None for an id
/// the config no longer has.
pub fn component(
    v: &View,
    cat: &Catalog,
    id: &ComponentId,
    (old, new): (ComponentStatus, ComponentStatus),
    now: DateTime<Utc>,
) -> Option<Value> {
    let object = cat.one(id)?;
    let update = json!({
            "old_status": old.as_str(),
            "new_status": new.as_str(),
            "created_at": shapes::time(now),
            "component_type": "Component",
            "id": crate::incidents::new_id(),
            "component_id": id.as_str(),
    });
    let mut payload = head(v, now);
    payload.insert("component_update".into(), update);
    Some(with(payload, "component", object))
}

/// `component.reports_threshold`: customers' "I'm affected" reports about a
/// component reached its threshold while its checks were green. Candor's own
/// event (`event` names it), beside the usual `meta`, `page` and the
/// `component` object. What visitors wrote is not in it (engineers read it
/// on `/admin`): a payload may land in a chat channel. None for an id the
/// config no longer has.
pub fn reports_threshold(
    v: &View,
    cat: &Catalog,
    crossing: &super::plan::Crossing<'_>,
    now: DateTime<Utc>,
) -> Option<Value> {
    let object = cat.one(crossing.component)?;
    let reports = json!({
        "component_id": crossing.component.as_str(),
        "last_15m": crossing.counts.last_15m,
        "last_1h": crossing.counts.last_1h,
        "threshold": crossing.threshold,
        "checks_status": crossing.checks_status.as_str(),
        "crossed_at": shapes::time(now),
    });
    let mut payload = head(v, now);
    payload.insert("event".into(), Value::from(crate::reports::THRESHOLD_EVENT));
    payload.insert("reports".into(), reports);
    Some(with(payload, "component", object))
}
