//! The agents' door: `GET /api/agent/v1/checks` (what a location probes) and
//! `POST /api/agent/v1/results` (a batch of its results). Each location's
//! agent authenticates with its own token (`Authorization: Bearer`),
//! compared in constant time with every location's; a wrong one counts
//! against the client's failure budget, the one the admin login uses (429
//! with `Retry-After` once spent). A batch goes to the pipeline, the one
//! write path, and is answered once it is applied.

use std::collections::HashMap;
use std::time::Duration;

use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;
use subtle::ConstantTimeEq;
use tokio::sync::{mpsc, oneshot};

use super::{Shared, client};
use crate::checks::wire::{Assignment, Batch, MAX_BATCH};
use crate::config::{Config, Secret};
use crate::model::LocationId;
use crate::pipeline::arrivals::Arrival;

/// Largest batch body: `MAX_BATCH` results of a few hundred bytes each.
const MAX_BODY: usize = 4 << 20;
/// How long an agent waits for its batch to be applied before it is told to
/// retry (the pipeline may be busy with a burst of writes).
const APPLY_TIMEOUT: Duration = Duration::from_secs(30);

/// What the agents' routes share: tokens, each location's checks, and the
/// way into the pipeline.
pub struct Agents {
    tokens: Vec<(LocationId, Secret)>,
    /// Each location's assignment as sent (JSON) and its ETag.
    assignments: HashMap<LocationId, (Bytes, String)>,
    arrive: mpsc::Sender<Arrival>,
}

impl Agents {
    pub fn new(config: &Config, arrive: mpsc::Sender<Arrival>) -> Self {
        let assignments = (config.locations.iter())
            .map(|l| {
                let a = Assignment::of(&l.id, &l.name, &config.checks);
                let etag = format!("\"{}\"", a.version);
                let body = serde_json::to_vec(&a).unwrap_or_default();
                (l.id.clone(), (Bytes::from(body), etag))
            })
            .collect();
        Self {
            tokens: config.agent_tokens.clone(),
            assignments,
            arrive,
        }
    }

    /// The location whose token the request carries, checked against every
    /// location's token so the time taken says nothing about which matched.
    fn location(&self, given: &str) -> Option<&LocationId> {
        let mut found = None;
        for (id, token) in &self.tokens {
            if bool::from(token.expose().ct_eq(given.as_bytes())) {
                found = Some(id);
            }
        }
        found
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/agent/v1")
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .route("/checks", web::get().to(checks))
            .route("/results", web::post().to(results)),
    );
}

fn error(status: actix_web::http::StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "error": message }))
}

/// The location of an authenticated agent, or the response refusing it.
fn authenticate(req: &HttpRequest, shared: &Shared) -> Result<LocationId, HttpResponse> {
    let ip = client::of(req, shared);
    if let Some(wait) = shared.failures.throttled(ip) {
        return Err(HttpResponse::TooManyRequests()
            .insert_header((header::RETRY_AFTER, wait.as_secs().max(1)))
            .json(json!({ "error": "too many wrong tokens from this address: wait for Retry-After seconds" })));
    }
    let given = (req.headers().get(header::AUTHORIZATION))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let unauthorized = || {
        HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .json(json!({ "error": "missing or wrong token: send Authorization: Bearer <the location's agent token>" }))
    };
    let Some(given) = given else {
        return Err(unauthorized());
    };
    match shared.agents.location(given) {
        Some(location) => {
            shared.failures.succeeded(ip);
            Ok(location.clone())
        }
        None => {
            shared.failures.failed(ip);
            Err(unauthorized())
        }
    }
}

async fn checks(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let location = match authenticate(&req, &shared) {
        Ok(l) => l,
        Err(refused) => return refused,
    };
    let Some((body, etag)) = shared.agents.assignments.get(&location) else {
        return error(
            actix_web::http::StatusCode::NOT_FOUND,
            "this location has no checks",
        );
    };
    let unchanged = (req.headers().get(header::IF_NONE_MATCH))
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    if unchanged {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag.clone()))
            .finish();
    }
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::ETAG, etag.clone()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body.clone())
}

async fn results(req: HttpRequest, shared: web::Data<Shared>, body: Bytes) -> HttpResponse {
    use actix_web::http::StatusCode;
    let location = match authenticate(&req, &shared) {
        Ok(l) => l,
        Err(refused) => return refused,
    };
    let batch: Batch = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("the batch is not valid JSON of the agent protocol: {e}"),
            );
        }
    };
    if batch.results.len() > MAX_BATCH {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "{} results in one batch: send at most {MAX_BATCH}",
                batch.results.len()
            ),
        );
    }
    let now = shared.clock.now();
    let mut results = Vec::with_capacity(batch.results.len());
    for (i, r) in batch.results.into_iter().enumerate() {
        match r.result(now) {
            Ok(r) => results.push(r),
            Err(e) => {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &format!("results[{i}]: {e}; nothing of this batch was stored"),
                );
            }
        }
    }
    let (reply, answer) = oneshot::channel();
    let arrival = Arrival {
        location,
        instance: batch.instance,
        seq: batch.seq,
        dropped: batch.dropped,
        results,
        reply,
    };
    let busy = || {
        HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, 5))
            .json(json!({ "error": "the server is shutting down or busy: send the batch again" }))
    };
    if shared.agents.arrive.send(arrival).await.is_err() {
        return busy();
    }
    match tokio::time::timeout(APPLY_TIMEOUT, answer).await {
        Ok(Ok(stored)) => HttpResponse::Ok().json(stored),
        _ => busy(),
    }
}
