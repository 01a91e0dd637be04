//! One node among several on one database: its role as /healthz and
//! /metrics tell it, and, on a standby, the forwarding of every write to the
//! leader. A standby answers public GETs from its own snapshot (kept current
//! from the database); what changes something (any method but GET and HEAD,
//! the admin UI and API, agents' batches) goes to the leader's
//! `advertise_url`, and the client gets the leader's answer, so a 201 means
//! the leader committed.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, guard, web};
use arc_swap::ArcSwap;

use super::Shared;

/// What a node is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeState {
    pub leader: bool,
    /// The leader's `advertise_url`, when one holds the lease.
    pub leader_url: Option<String>,
    /// The lease's epoch as last read (the node's own, on the leader).
    pub epoch: i64,
}

/// This node's name and its current [`NodeState`], shared with the code
/// that takes and renews the lease.
pub struct Node {
    pub id: String,
    pub advertise_url: String,
    /// The database's lease and heartbeats (the dashboard lists the nodes).
    pub lease: Arc<dyn crate::store::LeaseStore>,
    state: ArcSwap<NodeState>,
    forwarder: reqwest::Client,
}

/// A forwarded write waits this long for the leader's answer.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest forwarded body (an agent's batch, a long postmortem).
const FORWARD_LIMIT: usize = 4 << 20;

impl Node {
    pub fn new(
        id: String,
        advertise_url: String,
        lease: Arc<dyn crate::store::LeaseStore>,
    ) -> anyhow::Result<Self> {
        // The process's TLS provider, as the probes install it (an https
        // `advertise_url` is reached over it).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let forwarder = reqwest::Client::builder()
            .timeout(FORWARD_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            id,
            advertise_url,
            lease,
            state: ArcSwap::from_pointee(NodeState {
                leader: false,
                leader_url: None,
                epoch: 0,
            }),
            forwarder,
        })
    }

    pub fn state(&self) -> Arc<NodeState> {
        self.state.load_full()
    }

    pub fn set(&self, state: NodeState) {
        self.state.store(Arc::new(state));
    }
}

/// Whether this request goes to the leader: on a standby, everything but a
/// public read (see [`LEADERS_PATHS`]).
fn forwarded(ctx: &guard::GuardContext<'_>) -> bool {
    let Some(shared) = ctx.app_data::<web::Data<Shared>>() else {
        return false;
    };
    let Some(node) = &shared.node else {
        return false;
    };
    if node.state().leader {
        return false;
    }
    let head = ctx.head();
    let read = head.method == Method::GET || head.method == Method::HEAD;
    !read || LEADERS_PATHS.iter().any(|p| head.uri.path().starts_with(p))
}

/// Paths whose GETs are the leader's too: the admin side (its sessions live
/// on the leader), the agents' API, and the links in emails, some of which
/// write when followed (confirming, answering "still broken").
const LEADERS_PATHS: [&str; 6] = [
    "/admin",
    "/api/admin/",
    "/api/agent/",
    "/subscriptions/",
    "/feedback/",
    "/follow/",
];

/// The route that forwards, registered before every other one.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/{tail:.*}")
            .guard(guard::fn_guard(forwarded))
            .app_data(web::PayloadConfig::new(FORWARD_LIMIT))
            .route(web::route().to(forward)),
    );
}

/// Headers that belong to one connection, never passed on.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
];

async fn forward(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let Some(node) = &shared.node else {
        return HttpResponse::NotFound().finish();
    };
    let Some(leader) = node.state().leader_url.clone() else {
        return unavailable(
            "No node leads right now (one takes over within seconds). Try again shortly.",
        );
    };
    let url = format!(
        "{}{}",
        leader.trim_end_matches('/'),
        req.uri().path_and_query().map_or("/", |p| p.as_str())
    );
    let Ok(method) = reqwest::Method::from_bytes(req.method().as_str().as_bytes()) else {
        return HttpResponse::MethodNotAllowed().finish();
    };
    let mut out = node.forwarder.request(method, &url).body(body);
    for (name, value) in req.headers() {
        let own = ["x-forwarded-for", "content-length"].contains(&name.as_str());
        if !HOP_BY_HOP.contains(&name.as_str()) && !own {
            out = out.header(name.as_str(), value.as_bytes());
        }
    }
    // The leader trusts this only from a node in its `trusted_proxies`.
    if let Some(peer) = req.peer_addr() {
        let chain = match req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        {
            Some(before) => format!("{before}, {}", peer.ip()),
            None => peer.ip().to_string(),
        };
        out = out.header("x-forwarded-for", chain);
    }
    let answer = match out.send().await {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(leader = %leader, error = %e, "cannot forward a write to the leader");
            return unavailable("The leading node did not answer. Try again in a few seconds.");
        }
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut res = HttpResponse::build(status);
    for (name, value) in answer.headers() {
        if !HOP_BY_HOP.contains(&name.as_str()) && name.as_str() != "content-length" {
            res.append_header((name.as_str(), value.as_bytes()));
        }
    }
    match answer.bytes().await {
        Ok(bytes) => res.body(bytes),
        Err(e) => {
            tracing::warn!(leader = %leader, error = %e, "the leader's answer broke off");
            unavailable("The leading node's answer broke off. Try again in a few seconds.")
        }
    }
}

fn unavailable(why: &'static str) -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header(("Retry-After", "2"))
        .insert_header(("Cache-Control", "no-store"))
        .content_type("text/plain; charset=utf-8")
        .body(why)
}
