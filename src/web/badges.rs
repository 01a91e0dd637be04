//! `GET /badge.svg` and `GET /badge/{component}.svg`: shields-style flat badges
//! for READMEs and dashboards. The overall badge is rendered into the
//! snapshot; a component's when asked for, from the snapshot's view, and kept
//! in a bounded cache while its status holds (1,000 components' badges in
//! three encodings were ~2 MB per language, most never read). Built with
//! maud, so component names are escaped like everything else engineers write.

use std::sync::{Arc, Mutex, PoisonError};

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
    let badge = &snapshot.badges.overall;
    super::public::answer(&req, &snapshot, badge.respond(&req, PAGE_CACHE))
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
        .and_then(|id| snapshot.badges.get(&snapshot.view, id));
    match badge {
        Some(badge) => super::public::answer(&req, &snapshot, badge.respond(&req, PAGE_CACHE)),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("No such component. Badges are at /badge/{component id}.svg"),
    }
}

/// Component badges kept without a live export: under 2 KB each with their
/// compressed copies.
pub const CACHED: usize = 64;

/// A snapshot's badges: the overall one, and the components' as they are
/// read, cached across the snapshots of one language and config.
#[derive(Debug)]
pub struct Badges {
    pub overall: Arc<Rendered>,
    status: ComponentStatus,
    cache: Arc<Cache>,
}

/// Component badges by id, with the status each shows.
type Cache = Mutex<lru::LruCache<crate::model::ComponentId, (ComponentStatus, Arc<Rendered>)>>;

impl Badges {
    /// The badges of `v`: the overall one drawn again only if the worst status
    /// changed since `previous` (a render of the same config and language),
    /// whose cache of component badges is kept.
    pub fn render(v: &View, previous: Option<&Badges>) -> Self {
        let status = overall(v.components.values().map(|c| c.status));
        let l = v.lang;
        let overall = match previous {
            Some(p) if p.status == status => p.overall.clone(),
            _ => rendered(l, &l.say("badge-label"), status),
        };
        let cache = previous.map(|p| p.cache.clone()).unwrap_or_else(|| {
            let room = super::component_pages::room(&v.config, CACHED);
            Arc::new(Mutex::new(lru::LruCache::new(room)))
        });
        Self {
            overall,
            status,
            cache,
        }
    }

    /// The badge of component `id` as `v` shows it: the cached one while its
    /// status holds (its name comes from the config, which a cache is never
    /// kept across), otherwise drawn now. None for an unknown component.
    pub fn get(&self, v: &View, id: &str) -> Option<Arc<Rendered>> {
        let c = v.config.components.iter().find(|c| c.id.as_str() == id)?;
        let status = (v.components.get(&c.id)).map_or(ComponentStatus::Operational, |s| s.status);
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((was, badge)) = cache.get(&c.id)
            && *was == status
        {
            return Some(badge.clone());
        }
        let badge = rendered(v.lang, &c.name, status);
        cache.put(c.id.clone(), (status, badge.clone()));
        Some(badge)
    }

    /// How many component badges are cached now.
    #[cfg(test)]
    pub fn cached(&self) -> usize {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Every badge by path key ([`OVERALL`] or a component id), for an export.
    pub fn all(&self, v: &View) -> Vec<(String, Arc<Rendered>)> {
        let components = (v.config.components.iter())
            .filter_map(|c| Some((c.id.as_str().to_owned(), self.get(v, c.id.as_str())?)));
        std::iter::once((OVERALL.to_owned(), self.overall.clone()))
            .chain(components)
            .collect()
    }
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
