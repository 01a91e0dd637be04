//! The public site as bytes in memory. Rendered when state changes and swapped in
//! atomically, so a public GET is a memory copy: no storage I/O, no rendering.

use arc_swap::ArcSwap;
use std::sync::Arc;

use crate::lang::Lang;

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

/// The current snapshot in the default language and in each other language
/// of the site read since start (the default language's first), swapped
/// atomically, all together, by the pipeline. A language nobody has asked
/// for costs nothing: its first reader's request renders it (about as long
/// as a render for an engineer's write), and every render from then on
/// includes it.
pub struct Snapshots {
    all: ArcSwap<Vec<Arc<Snapshot>>>,
    /// The languages other than the default read since start. Its lock also
    /// makes readers arriving together in a new language wait for one render.
    read: std::sync::Mutex<Vec<Lang>>,
}

impl Snapshots {
    /// One snapshot alone.
    pub fn new(first: Snapshot) -> Self {
        Self::of(vec![first])
    }

    /// One snapshot per language, the default first, as
    /// [`super::render::render_all`] makes them (never none: it renders the
    /// default language whatever else).
    pub fn of(all: Vec<Snapshot>) -> Self {
        let read = all.iter().skip(1).map(|s| s.view.lang).collect();
        Self {
            all: ArcSwap::from_pointee(all.into_iter().map(Arc::new).collect()),
            read: std::sync::Mutex::new(read),
        }
    }

    /// The default language's.
    pub fn current(&self) -> Arc<Snapshot> {
        self.all()[0].clone()
    }

    /// The one in `lang`, rendered now if it is the first read in a language
    /// of the site since start; the default language's if the site does not
    /// offer `lang`.
    pub fn in_lang(&self, lang: Lang) -> Arc<Snapshot> {
        if let Some(found) = self.find(lang) {
            return found;
        }
        let mut read = self
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let all = self.all();
        if let Some(found) = all.iter().find(|s| s.view.lang == lang) {
            return found.clone();
        }
        let first = &all[0];
        if !first.view.config.site.languages.contains(&lang) {
            return first.clone();
        }
        if !read.contains(&lang) {
            read.push(lang);
        }
        let one = Arc::new(super::render::render_lang(first, lang));
        // Kept unless a render meanwhile replaced the snapshots: that one
        // either has this language (it read `read` after the push above) or
        // is followed by a render that will.
        self.all.rcu(|current| {
            let mut next = Vec::clone(current);
            if Arc::ptr_eq(&current[0], first) {
                next.push(one.clone());
            }
            next
        });
        one
    }

    /// The languages other than the default read since start.
    pub fn languages_read(&self) -> Vec<Lang> {
        self.read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn find(&self, lang: Lang) -> Option<Arc<Snapshot>> {
        self.all().iter().find(|s| s.view.lang == lang).cloned()
    }

    pub fn all(&self) -> Arc<Vec<Arc<Snapshot>>> {
        self.all.load_full()
    }

    /// Makes `next` the current snapshot, alone; returns it, shared.
    pub fn replace(&self, next: Snapshot) -> Arc<Snapshot> {
        let next = Arc::new(next);
        self.all.store(Arc::new(vec![next.clone()]));
        next
    }

    /// Makes `next` (one per language, the default first) current; returns
    /// them, shared.
    pub fn replace_all(&self, next: Vec<Snapshot>) -> Arc<Vec<Arc<Snapshot>>> {
        let next: Arc<Vec<Arc<Snapshot>>> = Arc::new(next.into_iter().map(Arc::new).collect());
        if !next.is_empty() {
            self.all.store(next.clone());
        }
        next
    }
}

impl Snapshot {
    /// Makes the compressed copies of every body not compressed yet (bodies
    /// kept from the previous snapshot already are).
    pub fn compress(&self) {
        let shared = self.incidents.iter().map(|(_, page)| page);
        let shared = shared.chain(&self.history).chain([&self.badges.overall]);
        let owned = [&self.index, &self.feed_atom, &self.feed_rss].into_iter();
        let owned = owned.chain(self.api.values());
        for body in shared.map(|b| &**b).chain(owned) {
            body.copies();
        }
    }
}

/// What hands the memory a render or a compression freed back to the OS;
/// nothing unless the binary sets it ([`after_renders`]).
static RELEASE: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Sets what runs after each render and each round of compression, on the
/// thread that did it. Candor's binary sets mimalloc's collection
/// (`main.rs`): a render frees several MB of short-lived buffers, and the
/// thread's heap otherwise keeps the pages they shared with longer-lived
/// objects (`benches/memory.sh`: about 2 MB of median RSS at 1,000
/// components, for under a millisecond every few seconds).
pub fn after_renders(release: fn()) {
    let _ = RELEASE.set(release);
}

fn release() {
    if let Some(release) = RELEASE.get() {
        release();
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
                    drop(snapshot);
                    release();
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
        let read = self.snapshots.languages_read();
        let snapshots = super::render::render_all(view, &previous, &read);
        let shown = self.snapshots.replace_all(snapshots);
        drop(previous);
        release();
        self.rendered.notify_one();
        // Fails only once the thread is gone; requests then compress what
        // they need themselves.
        let _ = self.compress.send(shown);
    }
}
