//! Health checks: what to probe (validated specs), when (schedules), and how
//! (probes and the pure conditions that judge a response).

pub mod conditions;
pub mod probe;
pub mod schedule;
mod tls_reason;
pub mod wire;

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, Url};

use crate::model::{CheckId, ComponentId};
pub use schedule::Cadence;

/// Most bytes of a response body a probe reads; the rest is never downloaded, so a
/// hostile or broken target cannot exhaust memory.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// One check, validated: code past the config never re-checks these values.
#[derive(Debug, Clone)]
pub struct CheckSpec {
    pub id: CheckId,
    pub component: ComponentId,
    pub name: String,
    pub target: Target,
    pub cadence: Cadence,
    pub timeout: Duration,
    /// Slower than this → degraded.
    pub degraded_over: Option<Duration>,
    /// Consecutive failures before the check counts as down.
    pub failure_threshold: u32,
    /// Consecutive successes before a failing check counts as up again.
    pub success_threshold: u32,
    /// Where it is probed from: `local` (this instance) and/or locations whose
    /// agents probe it. Never empty.
    pub locations: Vec<crate::model::LocationId>,
    /// How many of `locations` must see it failing before its health leaves
    /// up (1 ..= locations.len()).
    pub confirm: usize,
}

impl CheckSpec {
    /// Whether anything but this instance probes it: its health is then
    /// confirmed across locations (see `engine::located`).
    pub fn is_located(&self) -> bool {
        !(self.locations.len() == 1 && self.locations[0].is_local())
    }

    /// Whether this instance's own scheduler probes it.
    pub fn runs_here(&self) -> bool {
        self.locations
            .iter()
            .any(crate::model::LocationId::is_local)
    }
}

// One value per configured check, built once and never moved in a hot path, so the
// size difference between variants doesn't matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Target {
    Http(HttpTarget),
    /// `tcp://host:port`: up when a connection is accepted.
    Tcp {
        host: String,
        port: u16,
    },
}

#[derive(Debug, Clone)]
pub struct HttpTarget {
    pub url: Url,
    pub method: Method,
    pub headers: HeaderMap,
    pub body: Option<String>,
    /// Accepted status codes; `None` accepts any 2xx or 3xx.
    pub expect_status: Option<Vec<u16>>,
    pub body_contains: Option<String>,
    pub json: Option<JsonCondition>,
    /// For https: a certificate expiring sooner than this → degraded.
    pub cert_expiry_warning: Duration,
    /// Redirects followed before giving up (0: none followed).
    pub max_redirects: usize,
    /// Accept any certificate (self-signed internal services). Expiry is still read
    /// and reported.
    pub insecure: bool,
}

/// A value expected at an RFC 6901 JSON pointer in the response body.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonCondition {
    /// Like `/status` or `/checks/0/ok`.
    pub pointer: String,
    pub equals: serde_json::Value,
}

impl Target {
    /// Where this check points, for people and logs.
    pub fn describe(&self) -> String {
        match self {
            Target::Http(h) => format!("{} {}", h.method, h.url),
            Target::Tcp { host, port } => format!("tcp://{host}:{port}"),
        }
    }
}
