//! "I'm affected" reports on the web: the forms on `/` and on each
//! component's page, `/report`, and the answers. A report needs no login
//! and no address, so (like the subscribe form) there is no session whose
//! CSRF token could protect it; what keeps one visitor, or a page that
//! makes its visitors' browsers post here, from counting many times is the
//! allowance per network ([`PER_WINDOW`] per [`WINDOW`], IPv4 /24 or IPv6
//! /64, the client as `[server] trusted_proxies` says). Nothing a visitor
//! types is ever part of a public page: it goes to the pipeline and from
//! there only to engineers. Every sentence a visitor reads is a `report-*`
//! message in `locales/*.ftl`, in the visitor's language.
//!
//! Routes (public): `GET /report`, `POST /report`. Engineers read the
//! reports through [`overview::load`] (`/admin`, the admin API).

pub mod form;
pub mod overview;
mod pages;
mod submit;

use std::time::Duration;

use actix_web::web;

pub use form::{on_component, on_index};

use super::subscribe::Limits;

/// Reports one network may send per [`WINDOW`]: a few people in one office,
/// but never one person crossing a threshold alone.
pub const PER_WINDOW: usize = 3;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// The allowance per network the report form is counted against.
pub fn limits() -> Limits {
    Limits::new(PER_WINDOW, WINDOW)
}

/// Registers the report routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/report", super::read().to(submit::show))
        .route("/report", web::post().to(submit::submit));
}
