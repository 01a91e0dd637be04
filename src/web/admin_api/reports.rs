//! `GET /api/admin/v1/reports`: customers' "I'm affected" reports, per
//! component over the last 15 minutes and hour against its threshold, and
//! the newest reports with what their senders wrote.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::errors::{error, refuse};
use crate::reports::{ComponentReports, Overview, Report};
use crate::web::Shared;
use crate::web::reports::overview::load;

pub async fn list(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if let Some(refused) = refuse(&req, &shared) {
        return refused;
    }
    match load(&shared).await {
        Ok(o) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(shape(&o, shared.clock.now())),
        Err(_) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "reading the reports failed; try again",
        ),
    }
}

/// The answer's shape (README, "Admin API").
fn shape(o: &Overview, now: DateTime<Utc>) -> Value {
    json!({
        "generated_at": time(now),
        "components": o.components.iter().map(component).collect::<Vec<_>>(),
        "reports": o.recent.iter().map(report).collect::<Vec<_>>(),
    })
}

fn component(c: &ComponentReports) -> Value {
    json!({
        "id": c.id.as_str(),
        "name": c.name,
        "last_15m": c.counts.last_15m,
        "last_1h": c.counts.last_1h,
        "threshold": c.threshold,
        "over_threshold": c.over,
        "checks_status": c.checks_status.as_str(),
        "unseen_by_checks": c.unseen,
        "alarm_since": c.alarm_since.map(time),
    })
}

fn report(r: &Report) -> Value {
    json!({"at": time(r.at), "component": r.component.as_str(), "text": r.text})
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}
