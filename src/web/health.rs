//! `GET /healthz`: 200 when storage answers and the scheduler is turning, 503
//! otherwise, with which part failed, for load balancers and Docker.

use std::sync::atomic::Ordering;

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::Shared;

/// The scheduler turns at least every second; allow for a busy machine.
const STALE_AFTER_SECS: i64 = 10;

pub async fn healthz(shared: web::Data<Shared>) -> HttpResponse {
    let storage = shared.store.healthy();
    let beat = shared.heartbeat.load(Ordering::Relaxed);
    let age = chrono::Utc::now().timestamp() - beat;
    let scheduler = beat > 0 && age <= STALE_AFTER_SECS;
    let body = json!({
        "status": if storage && scheduler { "ok" } else { "unhealthy" },
        "storage": if storage { "ok" } else { "failing" },
        "scheduler": if scheduler { "ok" } else { "stalled" },
    });
    let mut res = if storage && scheduler {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    res.insert_header(("Cache-Control", "no-store")).json(body)
}
