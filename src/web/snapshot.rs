//! The public site as bytes in memory. Rendered when state changes and swapped in
//! atomically, so a public GET is a memory copy: no storage I/O, no rendering.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use arc_swap::ArcSwap;
use std::sync::Arc;

/// Re-exported for the static assets' ETags.
pub use crate::model::fnv1a;

/// One pre-rendered response body.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: actix_web::web::Bytes,
    /// Strong validator: a hash of the body, quoted.
    pub etag: String,
    pub content_type: &'static str,
}

impl Rendered {
    pub fn new(body: impl Into<actix_web::web::Bytes>, content_type: &'static str) -> Self {
        let body = body.into();
        let etag = format!("\"{:016x}\"", fnv1a(&body));
        Self {
            body,
            etag,
            content_type,
        }
    }

    /// 200 with the body, or 304 when the client already has this version.
    pub fn respond(&self, req: &HttpRequest, cache_control: &'static str) -> HttpResponse {
        let fresh = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|t| t.trim() == self.etag || t.trim() == "*")
            });
        let mut res = if fresh {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        res.insert_header((header::ETAG, self.etag.as_str()))
            .insert_header((header::CACHE_CONTROL, cache_control));
        if fresh {
            res.finish()
        } else {
            res.content_type(self.content_type).body(self.body.clone())
        }
    }
}

/// Every public page, rendered together from one state, and that state.
#[derive(Debug)]
pub struct Snapshot {
    pub view: super::view::View,
    pub index: Rendered,
    /// `/incidents/{id}` by incident and maintenance id.
    pub incidents: std::collections::HashMap<String, Arc<Rendered>>,
    /// `/history?page=N`, page 1 first.
    pub history: Vec<Arc<Rendered>>,
    /// `/feed.atom` and `/feed.rss`.
    pub feed_atom: Rendered,
    pub feed_rss: Rendered,
    /// `/badge.svg` (key `""`) and `/badge/{component}.svg` (key: component id).
    pub badges: std::collections::HashMap<String, Rendered>,
    /// `/api/v2/{path}` (Statuspage's public API) by path, like `summary.json`.
    pub api: std::collections::HashMap<&'static str, Rendered>,
}

/// The current snapshot, swapped atomically by the pipeline.
pub struct Snapshots(ArcSwap<Snapshot>);

impl Snapshots {
    pub fn new(first: Snapshot) -> Self {
        Self(ArcSwap::from_pointee(first))
    }

    pub fn current(&self) -> Arc<Snapshot> {
        self.0.load_full()
    }

    pub fn replace(&self, next: Snapshot) {
        self.0.store(Arc::new(next));
    }
}
