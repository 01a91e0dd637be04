//! The public site as bytes in memory. Rendered when state changes and swapped in
//! atomically, so a public GET is a memory copy: no storage I/O, no rendering.

use arc_swap::ArcSwap;
use std::sync::Arc;

pub use super::rendered::{Encoded, Rendered};
/// Re-exported for the static assets' ETags.
pub use crate::model::fnv1a;

/// Every public page, rendered together from one state, and that state.
#[derive(Debug)]
pub struct Snapshot {
    pub view: crate::read::view::View,
    pub index: Rendered,
    /// `/incidents/{id}` by incident and maintenance id.
    pub incidents: super::record_pages::RecordPages,
    /// `/components/{id}`, rendered on demand from `view` (see
    /// [`super::component_pages`]).
    pub components: Arc<super::component_pages::ComponentPages>,
    /// `/history` at index 0 (the newest page), `/history?page=N` at index N
    /// (pages counted from the oldest; see `pages::history`).
    pub history: Vec<Arc<Rendered>>,
    /// The past records `history` lists, in order, for the next render.
    pub history_order: super::history_pages::Order,
    /// `/feed.atom` and `/feed.rss`.
    pub feed_atom: Rendered,
    pub feed_rss: Rendered,
    /// `/badge.svg` (key `""`) and `/badge/{component}.svg` (key: component id).
    pub badges: super::badges::Badges,
    /// `/api/v2/{path}` (Statuspage's public API) by path, like `summary.json`.
    /// Shared by the snapshots of every language.
    pub api: Arc<std::collections::HashMap<&'static str, Rendered>>,
    /// The objects `api` was made of, reused by the next render.
    pub api_made: Arc<super::api_v2::Made>,
    /// The group rows `index` was made of, reused by the next render.
    pub group_rows: super::pages::group_rows::GroupRows,
}

/// The current snapshot in each language the site offers (the default
/// language's first), swapped atomically, all together, by the pipeline.
pub struct Snapshots(ArcSwap<Vec<Arc<Snapshot>>>);

impl Snapshots {
    /// One snapshot alone.
    pub fn new(first: Snapshot) -> Self {
        Self(ArcSwap::from_pointee(vec![Arc::new(first)]))
    }

    /// One snapshot per language, the default first, as
    /// [`super::render::render_all`] makes them (never none: it renders the
    /// default language whatever else).
    pub fn of(all: Vec<Snapshot>) -> Self {
        Self(ArcSwap::from_pointee(
            all.into_iter().map(Arc::new).collect(),
        ))
    }

    /// The default language's.
    pub fn current(&self) -> Arc<Snapshot> {
        self.all()[0].clone()
    }

    /// The one in `lang`; the default language's if there is none in it.
    pub fn in_lang(&self, lang: crate::lang::Lang) -> Arc<Snapshot> {
        let all = self.all();
        let found = all.iter().find(|s| s.view.lang == lang);
        found.unwrap_or(&all[0]).clone()
    }

    fn all(&self) -> Arc<Vec<Arc<Snapshot>>> {
        self.0.load_full()
    }

    /// Makes `next` the current snapshot, alone; returns it, shared.
    pub fn replace(&self, next: Snapshot) -> Arc<Snapshot> {
        let next = Arc::new(next);
        self.0.store(Arc::new(vec![next.clone()]));
        next
    }

    /// Makes `next` (one per language, the default first) current; returns
    /// them, shared.
    pub fn replace_all(&self, next: Vec<Snapshot>) -> Arc<Vec<Arc<Snapshot>>> {
        let next: Arc<Vec<Arc<Snapshot>>> = Arc::new(next.into_iter().map(Arc::new).collect());
        if !next.is_empty() {
            self.0.store(next.clone());
        }
        next
    }
}

impl Snapshot {
    /// Makes the compressed copies of every body not compressed yet (bodies
    /// kept from the previous snapshot already are).
    pub fn compress(&self) {
        let shared = self.incidents.iter().map(|(_, page)| page);
        let shared = shared.chain(&self.history).chain(self.badges.values());
        let owned = [&self.index, &self.feed_atom, &self.feed_rss].into_iter();
        let owned = owned.chain(self.api.values());
        for body in shared.map(|b| &**b).chain(owned) {
            body.copies();
        }
    }
}

/// How long the compressor waits for renders to pause before compressing
/// the newest snapshot, and at most while they do not.
const QUIET: std::time::Duration = std::time::Duration::from_millis(50);
const SETTLED: std::time::Duration = std::time::Duration::from_secs(1);

/// The pipeline's view of the page: each state it publishes is rendered into
/// a new snapshot (reusing what did not change in the previous one), and the
/// live export, if any, is woken. The snapshot's compressed copies are made
/// on a thread of their own, after the pipeline has moved on (see
/// [`super::rendered`]).
pub struct Publisher {
    snapshots: Arc<Snapshots>,
    /// A wake-up nobody waits for is kept, once, so renders during an
    /// export fold into one.
    rendered: Arc<tokio::sync::Notify>,
    compress: std::sync::mpsc::Sender<Arc<Vec<Arc<Snapshot>>>>,
}

impl Publisher {
    /// Starts the compressor thread; it ends when the publisher is dropped.
    pub fn new(
        snapshots: Arc<Snapshots>,
        rendered: Arc<tokio::sync::Notify>,
    ) -> std::io::Result<Self> {
        let (compress, queue) = std::sync::mpsc::channel::<Arc<Vec<Arc<Snapshot>>>>();
        std::thread::Builder::new()
            .name("compress".into())
            .spawn(move || {
                while let Ok(mut snapshot) = queue.recv() {
                    // Only the newest matters, once writes pause: a snapshot
                    // replaced within QUIET is not worth compressing (a request
                    // meanwhile compresses what it needs itself).
                    let deadline = std::time::Instant::now() + SETTLED;
                    while let Ok(newer) = queue.recv_timeout(QUIET) {
                        snapshot = newer;
                        if std::time::Instant::now() >= deadline {
                            break;
                        }
                    }
                    for one in snapshot.iter() {
                        one.compress();
                    }
                }
            })?;
        Ok(Self {
            snapshots,
            rendered,
            compress,
        })
    }
}

impl crate::pipeline::Publish for Publisher {
    fn publish(&self, view: crate::read::View) {
        let previous = self.snapshots.all();
        let snapshots = super::render::render_all(view, &previous);
        let shown = self.snapshots.replace_all(snapshots);
        self.rendered.notify_one();
        // Fails only once the thread is gone; requests then compress what
        // they need themselves.
        let _ = self.compress.send(shown);
    }
}
