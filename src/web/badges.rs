//! `GET /badge.svg` and `GET /badge/{component}.svg`: shields-style flat badges
//! for READMEs and dashboards, pre-rendered into the snapshot. Built with maud,
//! so component names are escaped like everything else engineers write.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};

use super::Shared;
use super::public::PAGE_CACHE;
use super::snapshot::Rendered;
use crate::engine::overall;
use crate::lang::Lang;
use crate::model::ComponentStatus;
use crate::read::view::View;

pub const SVG: &str = "image/svg+xml";

/// The key of the overall badge in [`crate::web::snapshot::Snapshot::badges`].
pub const OVERALL: &str = "";

const HEIGHT: u32 = 20;
/// Average advance of an 11px Verdana-like glyph, in tenths of a pixel; the
/// text is then stretched or squeezed to exactly that (`textLength`).
const CHAR_WIDTH_TENTHS: u32 = 65;
/// Space left and right of each text.
const PADDING: u32 = 6;
const LABEL_COLOUR: &str = "#555";

pub async fn overall_badge(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let snapshot = super::public::localized(&req, &shared);
    match snapshot.badges.get(OVERALL) {
        Some(badge) => super::public::answer(&req, &snapshot, badge.respond(&req, PAGE_CACHE)),
        None => super::public::not_found().await,
    }
}

/// `{file}` is `{component id}.svg`; anything else is not a badge.
pub async fn component_badge(
    req: HttpRequest,
    shared: web::Data<Shared>,
    file: web::Path<String>,
) -> HttpResponse {
    let snapshot = super::public::localized(&req, &shared);
    let badge = file
        .strip_suffix(".svg")
        .filter(|id| !id.is_empty())
        .and_then(|id| snapshot.badges.get(id));
    match badge {
        Some(badge) => super::public::answer(&req, &snapshot, badge.respond(&req, PAGE_CACHE)),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("No such component. Badges are at /badge/{component id}.svg"),
    }
}

/// The overall badge (key [`OVERALL`]) and one per component (key: its id).
/// Shared: a render keeps the badges whose status did not change by pointer.
pub type Badges = HashMap<String, Arc<Rendered>>;

/// Every badge, reusing those of `previous` whose status did not change.
pub fn render(v: &View, previous: Option<(&View, &Badges)>) -> Badges {
    let worst = overall(v.components.values().map(|c| c.status));
    let mut badges = HashMap::with_capacity(v.config.components.len() + 1);
    // A badge shows a status under a name from the config (the caller only
    // passes a previous render of the same config): same status, same badge.
    let kept = |key: &str, status: ComponentStatus, was: Option<ComponentStatus>| {
        let (_, old) = previous?;
        (was == Some(status))
            .then(|| old.get(key).cloned())
            .flatten()
    };
    let was_worst = previous.map(|(p, _)| overall(p.components.values().map(|c| c.status)));
    let l = v.lang;
    let badge = kept(OVERALL, worst, was_worst)
        .unwrap_or_else(|| rendered(l, &l.say("badge-label"), worst));
    badges.insert(OVERALL.to_owned(), badge);
    let status_in = |view: &View, c: &crate::config::Component| {
        view.components
            .get(&c.id)
            .map_or(ComponentStatus::Operational, |s| s.status)
    };
    for c in &v.config.components {
        let status = status_in(v, c);
        let was = previous.map(|(p, _)| status_in(p, c));
        let badge =
            kept(c.id.as_str(), status, was).unwrap_or_else(|| rendered(l, &c.name, status));
        badges.insert(c.id.as_str().to_owned(), badge);
    }
    badges
}

fn rendered(lang: Lang, label: &str, status: ComponentStatus) -> Arc<Rendered> {
    Arc::new(Rendered::new(badge(lang, label, status).into_string(), SVG))
}

/// Short words, as badges elsewhere say them.
pub fn words(lang: Lang, status: ComponentStatus) -> String {
    lang.say(&format!("badge-{}", status.as_str()))
}

/// Dark enough for white text at WCAG AA (4.5:1; tested).
pub fn colour(status: ComponentStatus) -> &'static str {
    match status {
        ComponentStatus::Operational => "#1a7f37",
        ComponentStatus::DegradedPerformance => "#9a6700",
        ComponentStatus::PartialOutage => "#bc4c00",
        ComponentStatus::MajorOutage => "#cf222e",
        ComponentStatus::UnderMaintenance => "#0969da",
    }
}

/// Approximate rendered width of `text`, in whole pixels.
fn text_width(text: &str) -> u32 {
    let chars = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
    chars.saturating_mul(CHAR_WIDTH_TENTHS).div_ceil(10)
}

/// Two rectangles, the label on grey and the message on the status colour.
pub fn badge(lang: Lang, label: &str, status: ComponentStatus) -> Markup {
    let message = words(lang, status);
    let title = format!("{label}: {message}");
    let (lt, mt) = (text_width(label), text_width(&message));
    let (lw, mw) = (lt + 2 * PADDING, mt + 2 * PADDING);
    let width = lw + mw;
    // Non-void elements throughout (`rect {}`), so the output is XML.
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(width) height=(HEIGHT)
            viewBox={"0 0 " (width) " " (HEIGHT)} role="img" aria-label=(title) {
            title { (title) }
            g shape-rendering="crispEdges" {
                rect width=(lw) height=(HEIGHT) fill=(LABEL_COLOUR) {}
                rect x=(lw) width=(mw) height=(HEIGHT) fill=(colour(status)) {}
            }
            g fill="#fff" text-anchor="middle" font-size="11"
                font-family="Verdana,Geneva,DejaVu Sans,sans-serif" {
                text x=(half(lw)) y="14" textLength=(lt) lengthAdjust="spacingAndGlyphs" { (label) }
                text x=(half(2 * lw + mw)) y="14" textLength=(mt) lengthAdjust="spacingAndGlyphs" { (message) }
            }
        }
    }
}

/// `n / 2`; displays as an SVG number ("10" or "10.5").
fn half(n: u32) -> f64 {
    f64::from(n) / 2.0
}

#[cfg(test)]
mod tests;
