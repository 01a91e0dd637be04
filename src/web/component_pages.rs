//! `/components/{id}`, rendered on demand from the snapshot's view and kept in
//! a bounded cache.
//!
//! Rendering all of them with every snapshot held one page per component in
//! memory (at 1,000 components, tens of MB in three encodings) and re-rendered
//! each one every minute though few are ever read. Now a page is rendered
//! when asked for (from the view in memory: still no storage I/O per GET) and
//! kept while it shows what the view shows, for at most [`PAGE_AGE`]; the
//! cache keeps the [`CACHED`] most recently read. With a live export every
//! page is written anyway, so the cache then holds them all, as before.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};

use super::pages;
use super::snapshot::Rendered;
use crate::config::{Component, Config};
use crate::model::{ComponentId, ComponentStatus};
use crate::read::view::{View, Why};
use crate::uptime::report::BAR_DAYS;
use crate::uptime::uptime;
use pages::uptime::percent;

/// How long a page may show older response-time charts and figures: they
/// move with every result, and rendering again at every read would cost a
/// render per GET.
pub const PAGE_AGE: chrono::Duration = chrono::Duration::seconds(60);
/// Pages kept without a live export: a few KB each (compressed), so this
/// bounds the cache to well under a MB whatever the installation's size.
pub const CACHED: usize = 64;

/// What a page shows that is not age-bounded: its component's status line,
/// its incidents and its uptime figures. A cached page is served only while
/// these are unchanged.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    status: Option<(ComponentStatus, Option<Why>, DateTime<Utc>)>,
    /// How many incidents name the component, and the latest `updated_at`
    /// among them: records are only added and every change moves it.
    incidents: (usize, Option<DateTime<Utc>>),
    /// The uptime figures as the page words them (24 h, 7, 30 and 90 days,
    /// today). A page rendered the moment an outage began counted none of
    /// it, and kept reading 100% for up to [`PAGE_AGE`] while `/` already
    /// showed the outage; now the page follows as soon as a figure moves.
    figures: [Option<String>; 5],
    /// Where it is checked from: each place's health (None: no data) and the
    /// failures not confirmed. Response times and result times are
    /// age-bounded like the charts.
    places: (
        Vec<Option<crate::model::Outcome>>,
        Vec<crate::model::Finding>,
    ),
}

impl Shown {
    fn of(v: &View, id: &ComponentId) -> Self {
        let status = v
            .components
            .get(id)
            .map(|s| (s.status, s.reason.clone(), s.since));
        let mine = v
            .book
            .incidents
            .values()
            .filter(|i| i.components.contains_key(id));
        let incidents = mine.fold((0, None), |(n, latest), i| {
            (n + 1, latest.max(Some(i.updated_at)))
        });
        let places = v.components.get(id).map_or_else(Default::default, |c| {
            let health = c.places.places.iter().map(|p| p.health).collect();
            (health, c.places.unconfirmed.clone())
        });
        Self {
            status,
            incidents,
            figures: figures(v, id),
            places,
        }
    }
}

fn figures(v: &View, id: &ComponentId) -> [Option<String>; 5] {
    let Some(s) = v.uptime.components.get(id) else {
        return Default::default();
    };
    let today = s.days.last().and_then(|(_, t)| t).and_then(uptime);
    [s.last_24h, s.last_7d, s.last_30d, s.last_90d, today].map(|u| u.map(|u| percent(v.lang, u)))
}

#[derive(Debug)]
struct Entry {
    /// The view's `now` when rendered.
    at: DateTime<Utc>,
    /// The configuration it was rendered with (names, zone, checks).
    config: Arc<Config>,
    shown: Shown,
    page: Arc<Rendered>,
}

/// The cache of component pages, shared by successive snapshots.
#[derive(Debug)]
pub struct ComponentPages {
    cache: Mutex<lru::LruCache<ComponentId, Entry>>,
}

/// Room for [`CACHED`] pages.
impl Default for ComponentPages {
    fn default() -> Self {
        Self {
            cache: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(CACHED).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

impl ComponentPages {
    /// Room for [`CACHED`] pages, or for every component when the config has
    /// a live export (which writes every page after each render).
    pub fn for_config(config: &Config) -> Self {
        Self {
            cache: Mutex::new(lru::LruCache::new(room(config, CACHED))),
        }
    }

    /// How many pages are cached now.
    pub fn cached(&self) -> usize {
        self.lock().len()
    }

    /// The page of component `id` as of `v`: the cached one while it shows
    /// what `v` shows and is younger than [`PAGE_AGE`], otherwise rendered now.
    /// None for an unknown component.
    pub fn page(&self, v: &View, id: &str) -> Option<Arc<Rendered>> {
        let c = v.config.components.iter().find(|c| c.id.as_str() == id)?;
        let shown = Shown::of(v, &c.id);
        if let Some(e) = self.lock().get(&c.id)
            && Arc::ptr_eq(&e.config, &v.config)
            && e.shown == shown
            && (v.now - e.at) < PAGE_AGE
        {
            return Some(e.page.clone());
        }
        // Rendered outside the lock: readers of other pages do not wait.
        let page = render(v, c);
        let entry = Entry {
            at: v.now,
            config: v.config.clone(),
            shown,
            page: page.clone(),
        };
        self.lock().put(c.id.clone(), entry);
        Some(page)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, lru::LruCache<ComponentId, Entry>> {
        // A panic while holding it cannot leave an entry half-written.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Room for `cached` of something per component, or for every component
/// when the config has a live export (which writes them all after each
/// render).
pub fn room(config: &Config, cached: usize) -> NonZeroUsize {
    let wanted = match config.export {
        Some(_) => config.components.len(),
        None => cached.min(config.components.len()),
    };
    NonZeroUsize::new(wanted).unwrap_or(NonZeroUsize::MIN)
}

fn render(v: &View, c: &Component) -> Arc<Rendered> {
    let tz = v.config.site.timezone;
    let days = pages::uptime::incidents_by_day(v.lang, &v.book, v.now, tz, BAR_DAYS);
    let markup = pages::component::render(v, c, &days);
    Arc::new(Rendered::new(markup.into_string(), super::render::HTML))
}

#[cfg(test)]
mod tests;
