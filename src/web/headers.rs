//! Security headers on every response the app sends: pages, feeds, badges,
//! `/api/v2/*`, `/static`, 404s. A handler that sets its own (the admin
//! pages' stricter policy, the subscriber pages' `no-referrer`) keeps them:
//! [`DefaultHeaders`] only adds what is missing.
//!
//! The public pages run one script, `/static/page.js` (local times, and the
//! live pages' refresh in place), so `script-src 'self'` allows scripts from
//! this origin's files only: never inline script, `eval` or another host.
//! The script fetches the page it is on again, hence `connect-src 'self'`.
//! Styles come only from `/static`, images only from this origin (the
//! favicon) and forms post back here. One exception: the 90-day bars on `/`
//! carry their day colours as an inline `style` attribute (a CSS gradient per
//! component, see `pages::strip`), which no stylesheet could know in
//! advance. `style-src-attr 'unsafe-inline'` allows those attributes and
//! nothing else: `style-src-elem 'self'` still refuses inline `<style>`
//! elements. Browsers without CSP level 3 read only `style-src`, which
//! therefore also says `'unsafe-inline'` so the bars keep their colours there.
//! A style attribute cannot run script, and with `img-src 'self'` and
//! `default-src 'none'` it cannot load anything from elsewhere either.

use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;

/// The public pages' Content-Security-Policy.
pub const PUBLIC_CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; \
     style-src 'self' 'unsafe-inline'; style-src-elem 'self'; style-src-attr 'unsafe-inline'; \
     img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The middleware adding them.
pub fn security() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, PUBLIC_CSP))
        // Browsers must not guess a type other than the one sent (an SVG or a
        // feed read as HTML).
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // For browsers that do not know `frame-ancestors`: no clickjacking
        // of the subscribe and manage forms.
        .add((header::X_FRAME_OPTIONS, "DENY"))
        // Links out of the page say where they came from only to this site.
        .add((header::REFERRER_POLICY, "same-origin"))
}
