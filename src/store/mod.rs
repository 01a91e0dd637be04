//! Storage, as the core sees it: a few traits, one per kind of record (as
//! pict-rs splits its repo), and the plain data that crosses them. Two
//! implementations sit behind them: [`sled_store`] (the embedded default,
//! on disk), [`pg_store`] (PostgreSQL, for several nodes on one database)
//! and [`memory`] (for unit tests of the pipeline and the worker).
//!
//! The signatures name only Candor's own types: no backend iterator, batch,
//! tree or error leaves this module's implementations. Every method is one
//! short read or one write that is atomic on its own, so a PostgreSQL
//! implementation maps each to a statement or to one ordinary transaction
//! (`commit`, `save_subscriber`, `save_reports`, `replace_job` and
//! `fail_job` write several records together); see the README's architecture section.
//!
//! Methods are synchronous and quick (sled keeps recent writes in memory);
//! only [`Storage::flush`], which waits for the disk, is async.

pub(crate) mod blocks;
pub mod copy;
pub mod health;
pub(crate) mod journal;
pub mod memory;
pub mod pg_store;
pub mod sled_store;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::engine::{CheckState, ComponentState};
use crate::incidents::{Book, Incident, IncidentId, Maintenance, Override};
use crate::model::{CheckId, CheckResult, ComponentId, Outcome, Reason};
use crate::outbox::Envelope;
use crate::reports::Report;
use crate::subscribers::{Answer, FeedbackCounts, Subscriber};
use crate::uptime::Day;
use crate::uptime::calendar::DayNo;

/// The layout version this build writes; bump it with a migration.
pub const SCHEMA_VERSION: u32 = 4;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database in {}: {detail} (is another Candor using it, or is it not a Candor data directory?)", path.display())]
    Open { path: PathBuf, detail: String },
    /// PostgreSQL at `[server] database_url` (the URL is never repeated: it
    /// may hold a password).
    #[error("cannot use the database at server.database_url: {0}")]
    Database(String),
    #[error("the data in {} was written by a newer Candor (schema {found}); this one reads up to schema {SCHEMA_VERSION}", path.display())]
    TooNew { path: PathBuf, found: u32 },
    /// The backend failed (I/O, disk full); its own words.
    #[error("storage error: {0}")]
    Backend(String),
    #[error("stored {what} is unreadable: {detail}")]
    Corrupt { what: String, detail: String },
}

impl StoreError {
    pub(crate) fn corrupt(what: impl Into<String>, e: impl std::fmt::Display) -> Self {
        Self::Corrupt {
            what: what.into(),
            detail: e.to_string(),
        }
    }
}

/// A check result as stored (the check is known from where it was read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResult {
    pub at: DateTime<Utc>,
    pub duration: Duration,
    pub outcome: Outcome,
    pub reason: Option<Reason>,
}

/// Records one change touched, written together or not at all.
#[derive(Debug, Default)]
pub struct Commit<'a> {
    pub incidents: Vec<&'a Incident>,
    pub maintenances: Vec<&'a Maintenance>,
    /// `None` removes the component's override.
    pub overrides: Vec<(&'a ComponentId, Option<&'a Override>)>,
    /// Components' states from the checks, when this change moved them.
    pub components: Vec<(&'a ComponentId, &'a ComponentState)>,
    /// Notifications the change causes: committed with it or not at all.
    pub jobs: Vec<Envelope>,
}

impl Commit<'_> {
    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
            && self.maintenances.is_empty()
            && self.overrides.is_empty()
            && self.components.is_empty()
            && self.jobs.is_empty()
    }
}

/// Every check's and component's state as last stored.
pub type States = (
    Vec<(CheckId, CheckState)>,
    Vec<(ComponentId, ComponentState)>,
);

/// An outbox job's id: unique and increasing, so id order is commit order.
pub type JobId = u64;

/// What the outbox holds, for /metrics and the dashboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub queued: u64,
    /// Of the queued, those that failed at least once.
    pub retrying: u64,
    /// Given up on.
    pub failed: u64,
}

/// The pipeline's records: results, check and component states, incidents,
/// maintenances and overrides.
pub trait StateStore: Send + Sync {
    /// Keeps a result and the check state it produced; they reach storage at
    /// the next [`StateStore::checkpoint`] (what a crash may lose of them).
    fn record(&self, result: &CheckResult, state: &CheckState) -> Result<(), StoreError>;
    /// Writes what `record` kept; on failure it is kept for the next one.
    fn checkpoint(&self) -> Result<(), StoreError>;
    /// Writes every record of one change, and the jobs it causes, atomically.
    fn commit(&self, c: &Commit<'_>) -> Result<(), StoreError>;
    fn load_state(&self) -> Result<States, StoreError>;
    /// Every incident, maintenance and override.
    fn load_book(&self) -> Result<Book, StoreError>;
    /// One check's results in `[from, to)`, oldest first, written or not.
    fn results(
        &self,
        check: &CheckId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StoredResult>, StoreError>;
    /// Deletes raw results of every hour that ended before `before`; returns
    /// how many stored units went. Slow on a big history: call it off the
    /// async executor.
    fn prune(&self, before: DateTime<Utc>) -> Result<usize, StoreError>;
}

/// Uptime per component and local day.
pub trait RollupStore: Send + Sync {
    /// Writes encoded days (from `Ledger::take_dirty`) together.
    fn save_days(&self, days: &[(DayNo, ComponentId, Vec<u8>)]) -> Result<(), StoreError>;
    /// Every stored day from `from` on; days from `hours_from` on keep their hours.
    fn load_days(
        &self,
        from: DayNo,
        hours_from: DayNo,
    ) -> Result<Vec<(DayNo, ComponentId, Day)>, StoreError>;
    /// Deletes days before `before`; returns how many.
    fn prune_days(&self, before: DayNo) -> Result<usize, StoreError>;
}

/// The durable outbox: jobs in id order, each replaced or removed atomically.
pub trait OutboxStore: Send + Sync {
    /// Up to `limit` jobs after `after` (all from the start with `None`), oldest first.
    fn jobs(
        &self,
        after: Option<JobId>,
        limit: usize,
    ) -> Result<Vec<(JobId, Envelope)>, StoreError>;
    /// Adds jobs (new ids, in order).
    fn enqueue(&self, jobs: &[Envelope]) -> Result<(), StoreError>;
    /// Replaces job `id` and adds `split` (retries split off it) atomically.
    fn replace_job(&self, id: JobId, job: &Envelope, split: &[Envelope]) -> Result<(), StoreError>;
    /// Removes a job that is done.
    fn finish_job(&self, id: JobId) -> Result<(), StoreError>;
    /// Moves a job to the failed list atomically.
    fn fail_job(&self, id: JobId, job: &Envelope) -> Result<(), StoreError>;
    fn outbox_counts(&self) -> Result<OutboxCounts, StoreError>;
    /// Up to `limit` jobs given up on, oldest first (with their last error).
    fn failed_jobs(&self, limit: usize) -> Result<Vec<(JobId, Envelope)>, StoreError>;
}

/// Subscriber records, their lookups and their answers.
pub trait SubscriberStore: Send + Sync {
    /// A new subscriber id: unique and increasing, so the fan-out cursor
    /// meets new subscribers last.
    fn new_subscriber_id(&self) -> Result<String, StoreError>;
    /// The subscriber (not a follower) at `email`.
    fn subscriber_by_email(&self, email: &str) -> Result<Option<Subscriber>, StoreError>;
    /// The follower of `incident` at `email`.
    fn follower(
        &self,
        email: &str,
        incident: &IncidentId,
    ) -> Result<Option<Subscriber>, StoreError>;
    fn subscriber_by_token(&self, token: &str) -> Result<Option<Subscriber>, StoreError>;
    /// Writes the record (and its lookups), with `job` if any, atomically.
    fn save_subscriber(&self, s: &Subscriber, job: Option<&Envelope>) -> Result<(), StoreError>;
    /// Forgets the record, its lookups and its answers.
    fn remove_subscriber(&self, s: &Subscriber) -> Result<(), StoreError>;
    /// Up to `limit` confirmed subscribers after `cursor`, in id order.
    fn confirmed_after(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Subscriber>, StoreError>;
    /// Every subscriber (export; slow on a big list: off the executor).
    fn all_subscribers(&self) -> Result<Vec<Subscriber>, StoreError>;
    /// (confirmed, pending) subscribers; followers of one incident are not
    /// counted.
    fn subscriber_counts(&self) -> Result<(u64, u64), StoreError>;
    /// Records (or replaces) a subscriber's answer about an incident.
    fn save_answer(
        &self,
        incident: &IncidentId,
        subscriber: &str,
        answer: Answer,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    fn feedback(&self, incident: &IncidentId) -> Result<FeedbackCounts, StoreError>;
}

/// A change to the visitors' reports, written with the jobs it causes or not
/// at all.
#[derive(Debug, Default)]
pub struct ReportChange<'a> {
    /// A new report, when the change is one.
    pub report: Option<&'a Report>,
    /// Alarms raised (`Some(since)`) or cleared (`None`).
    pub alarms: Vec<(&'a ComponentId, Option<DateTime<Utc>>)>,
    /// Webhook deliveries a raised alarm causes.
    pub jobs: Vec<Envelope>,
}

impl ReportChange<'_> {
    pub fn is_empty(&self) -> bool {
        self.report.is_none() && self.alarms.is_empty() && self.jobs.is_empty()
    }
}

/// Visitors' "I'm affected" reports, and the components whose alarm they
/// raised. Bounded by [`ReportStore::prune_reports`].
pub trait ReportStore: Send + Sync {
    /// Writes a report, alarm changes and their jobs atomically.
    fn save_reports(&self, change: &ReportChange<'_>) -> Result<(), StoreError>;
    /// Reports made at or after `since`, oldest first.
    fn reports_since(&self, since: DateTime<Utc>) -> Result<Vec<Report>, StoreError>;
    /// The newest `limit` reports, newest first.
    fn latest_reports(&self, limit: usize) -> Result<Vec<Report>, StoreError>;
    /// The components whose alarm is raised, and since when.
    fn report_alarms(&self) -> Result<Vec<(ComponentId, DateTime<Utc>)>, StoreError>;
    /// Deletes reports made before `before`, then the oldest beyond the
    /// newest `keep`; returns how many went.
    fn prune_reports(&self, before: DateTime<Utc>, keep: usize) -> Result<usize, StoreError>;
}

/// What the pages show that changed after a point of a store's change feed
/// (see [`ChangeFeed`]), each record as it is now.
#[derive(Debug, Default)]
pub struct Changes {
    /// The point these changes reach: the next read starts after it.
    pub upto: u64,
    pub incidents: Vec<Incident>,
    pub maintenances: Vec<Maintenance>,
    /// `None`: the override was taken off.
    pub overrides: Vec<(ComponentId, Option<Override>)>,
    pub checks: Vec<(CheckId, CheckState)>,
    pub components: Vec<(ComponentId, ComponentState)>,
    pub days: Vec<(DayNo, ComponentId, Day)>,
    /// The results of each hour block written since, whole (oldest first).
    pub results: Vec<(CheckId, Vec<StoredResult>)>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
            && self.maintenances.is_empty()
            && self.overrides.is_empty()
            && self.checks.is_empty()
            && self.components.is_empty()
            && self.days.is_empty()
            && self.results.is_empty()
    }
}

/// The records the pages show, numbered in commit order, so that a standby
/// reads what changed since it last looked rather than everything.
pub trait ChangeFeed: Send + Sync {
    /// The point of the newest committed change: a read of the records
    /// started after this call holds at least everything up to it.
    fn feed_position(&self) -> Result<u64, StoreError>;
    /// Every record the pages show that changed after `after`, in one
    /// consistent read; days from `hours_from` on keep their hours.
    fn changes_since(&self, after: u64, hours_from: DayNo) -> Result<Changes, StoreError>;
}

/// The leader's lease as a node reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub node: String,
    /// Where the leader takes forwarded writes (`[server] advertise_url`).
    pub advertise_url: String,
    /// Grows with every change of holder; the leader's writes check it.
    pub epoch: i64,
    /// How many times the lease changed hands since the database was made.
    pub changes: u64,
}

/// A node that said it was alive lately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSeen {
    pub node: String,
    pub advertise_url: String,
    /// "leader" or "standby".
    pub role: String,
    pub seen_ago: Duration,
}

/// One leader among several nodes on one database: a lease with an epoch,
/// taken and renewed against the database's clock, and the change notices
/// the leader's commits send to the standbys.
pub trait LeaseStore: Send + Sync {
    /// Takes the lease for `ttl` if it is free or already `node`'s; its epoch
    /// when held (a new one when it changed hands), `None` when another
    /// node holds it.
    fn acquire(
        &self,
        node: &str,
        advertise: &str,
        ttl: Duration,
    ) -> Result<Option<i64>, StoreError>;
    /// Extends `node`'s lease at `epoch`; false when it is no longer theirs.
    fn renew(&self, node: &str, epoch: i64, ttl: Duration) -> Result<bool, StoreError>;
    /// Ends `node`'s lease now (a clean shutdown), so a standby takes over
    /// without waiting for it to expire.
    fn release(&self, node: &str, epoch: i64) -> Result<(), StoreError>;
    /// The live holder, if any.
    fn holder(&self) -> Result<Option<Holder>, StoreError>;
    /// Records that `node` is alive, in `role`.
    fn seen(&self, node: &str, advertise: &str, role: &str) -> Result<(), StoreError>;
    /// The nodes seen within `within`.
    fn nodes(&self, within: Duration) -> Result<Vec<NodeSeen>, StoreError>;
    /// Calls `changed` after each of the leader's commits (on a thread of
    /// its own, for as long as the process runs).
    fn watch(&self, changed: Box<dyn Fn() + Send>) -> Result<(), StoreError>;
}

/// A store shared by several nodes, with its lease; see [`open_shared`].
#[derive(Clone)]
pub struct Shared {
    pub store: Store,
    pub lease: Arc<dyn LeaseStore>,
    /// Makes every later write of `store` check that `node` still holds the
    /// lease at `epoch` (`None`: unchecked, for a node that is not leader).
    pub fence: Arc<SetFence>,
    /// What changed since a standby last read (see [`ChangeFeed`]).
    pub feed: Arc<dyn ChangeFeed>,
}

/// Sets (or, with `None`, clears) the node and epoch every write checks.
pub type SetFence = dyn Fn(Option<(String, i64)>) + Send + Sync;

/// The store `server` names, shared with other nodes: `None` for sled (one
/// node only).
pub fn open_shared(server: &crate::config::Server) -> Result<Option<Shared>, StoreError> {
    let Some(url) = &server.database_url else {
        return Ok(None);
    };
    let store = pg_store::PgStore::connect(url.expose())?;
    let lease = pg_store::lease::PgLease::connect(url.expose())?;
    let fenced = store.clone();
    Ok(Some(Shared {
        feed: Arc::new(store.clone()),
        store: Arc::new(store),
        lease: Arc::new(lease),
        fence: Arc::new(move |f| fenced.set_fence(f)),
    }))
}

/// A future that waits for storage.
pub type Flushing<'a> = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 'a>>;

/// All of Candor's storage.
pub trait Storage: StateStore + RollupStore + OutboxStore + SubscriberStore + ReportStore {
    /// Waits until everything written so far is durable (before a 2xx).
    fn flush(&self) -> Flushing<'_>;
    /// False from a failed write, read or flush until a write reaches the
    /// disk again; what only touched memory never makes it true (/healthz).
    fn healthy(&self) -> bool;
    /// While failing, tries a write that must reach the disk, bringing the
    /// backend back if it needs that (sled must be reopened after an I/O
    /// error). Nothing to do, and cheap, when healthy. Called every second
    /// by the pipeline while storage is failing.
    fn recover(&self) -> Flushing<'_>;
    /// For fault tests: every write and flush fails as on a full disk while
    /// `full` is set, through the same paths a real one takes.
    #[doc(hidden)]
    fn inject_disk_full(&self, full: bool);
}

/// A handle to storage; cheap to clone.
pub type Store = Arc<dyn Storage>;

/// Opens (creating if needed) the on-disk database in `dir`, migrating it.
pub fn open(dir: &Path) -> Result<Store, StoreError> {
    open_with_cache(dir, DEFAULT_CACHE_SIZE)
}

/// `[server] cache_size`'s default, for stores opened without a config.
pub use crate::config::DEFAULT_CACHE_SIZE;

/// [`open`] with a page cache of `cache_size` bytes.
pub fn open_with_cache(dir: &Path, cache_size: u64) -> Result<Store, StoreError> {
    Ok(Arc::new(sled_store::SledStore::open_with_cache(
        dir, cache_size,
    )?))
}

/// Opens the store `server` names: PostgreSQL at `database_url` when it is
/// set (migrating its schema), else sled in `data_dir`.
pub fn open_configured(server: &crate::config::Server) -> Result<Store, StoreError> {
    match &server.database_url {
        Some(url) => Ok(Arc::new(pg_store::PgStore::connect(url.expose())?)),
        None => open_with_cache(&server.data_dir, server.cache_size),
    }
}

/// PostgreSQL at `url` (see [`pg_store`]).
pub fn open_postgres(url: &str) -> Result<Store, StoreError> {
    Ok(Arc::new(pg_store::PgStore::connect(url)?))
}

/// Storage in memory only, for tests.
pub fn in_memory() -> Store {
    Arc::new(memory::MemoryStore::default())
}

/// The instant before which results are older than `retention` at `now`.
/// Checked: a retention beyond chrono's range prunes nothing, never panics.
pub fn prune_cutoff(now: DateTime<Utc>, retention: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(retention)
        .ok()
        .and_then(|r| now.checked_sub_signed(r))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}
