//! Static assets (stylesheets, the public pages' script, the icon), compiled into the binary (one binary, no CDN) and served with
//! a long cache life under a content-hashed URL.

use std::sync::LazyLock;

use actix_web::{HttpRequest, HttpResponse, web};

use super::snapshot::{Rendered, fnv1a};

struct Asset {
    name: &'static str,
    bytes: &'static [u8],
    content_type: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "style.css",
        bytes: include_bytes!("../../static/style.css"),
        content_type: "text/css; charset=utf-8",
    },
    Asset {
        name: "admin.css",
        bytes: include_bytes!("../../static/admin.css"),
        content_type: "text/css; charset=utf-8",
    },
    // The public pages' one script: local times, and the live pages'
    // refresh in place (see `pages::layout`).
    Asset {
        name: "page.js",
        bytes: include_bytes!("../../static/page.js"),
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        name: "favicon.svg",
        bytes: include_bytes!("../../static/favicon.svg"),
        content_type: "image/svg+xml",
    },
];

static RENDERED: LazyLock<Vec<(&'static str, Rendered)>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| (a.name, Rendered::compressed(a.bytes, a.content_type)))
        .collect()
});

/// Every embedded asset by file name, for the export (which reads the ETag to
/// know it already wrote this version).
pub fn all() -> impl Iterator<Item = (&'static str, &'static Rendered)> {
    RENDERED.iter().map(|(name, r)| (*name, r))
}

/// The URL of an asset with a version, so browsers may cache it for a year.
pub fn url(name: &str) -> String {
    let version = ASSETS
        .iter()
        .find(|a| a.name == name)
        .map_or(0, |a| fnv1a(a.bytes) & 0xffff_ffff);
    format!("/static/{name}?v={version:08x}")
}

pub async fn serve(req: HttpRequest, name: web::Path<String>) -> HttpResponse {
    match RENDERED.iter().find(|(n, _)| *n == name.as_str()) {
        Some((_, r)) => r.respond(&req, "public, max-age=31536000, immutable"),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such file"),
    }
}
