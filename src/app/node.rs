//! One node among several on one PostgreSQL database (`[server]
//! database_url`): exactly one leads, the holder of the database's lease,
//! and runs the whole application (scheduler, automation, outbox, webhooks);
//! the others stand by.
//!
//! A standby serves the public pages from its own snapshot, rendered from
//! its copy of the state ([`Mirror`]): read once from the database, then
//! after each of the leader's commits (the leader's transactions `NOTIFY`;
//! the standby `LISTEN`s) brought up to date from the store's change feed,
//! which holds only what changed. It forwards every write to the leader
//! (`web::node`). Every second it tries to take the lease;
//! when the leader is gone (its lease expired, or it released it on a clean
//! stop), one standby takes it with a new epoch, starts the application from
//! what the database holds, and leads. A leader that cannot renew its lease
//! stops leading and stands by again; its writes check the epoch in their
//! own transaction, so it cannot commit once another node leads.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

use super::{Application, browser_url, shutdown_signal};
use crate::clock::Clock;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::pipeline::desk::Desk;
use crate::pipeline::mirror::Mirror;
use crate::store::{self, LeaseStore};
use crate::web::node::{Node, NodeState};
use crate::web::render::render_all;
use crate::web::snapshot::{Snapshot, Snapshots};
use crate::web::{self, Shared};

/// How long a lease lasts without renewal: the longest a dead leader's
/// node keeps the others waiting.
pub const LEASE_TTL: Duration = Duration::from_secs(6);
/// The leader renews this often (three tries within one lease).
const RENEW_EVERY: Duration = Duration::from_secs(2);
/// A standby tries to take the lease this often.
const TRY_EVERY: Duration = Duration::from_secs(1);
/// A standby's pages are rendered again at most this often, and at least
/// this often even without a notice (a notice missed while reconnecting).
const REFRESH_AT_MOST: Duration = Duration::from_millis(100);
const REFRESH_AT_LEAST: Duration = Duration::from_secs(30);
/// After a failed refresh, the next try.
const RETRY: Duration = Duration::from_secs(1);

/// Runs this node until SIGTERM or SIGINT: standing by, leading when it
/// holds the lease, standing by again if it loses it.
pub async fn run(
    config: Config,
    clock: Arc<dyn Clock>,
    shared: store::Shared,
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(&config.server.listen)
        .with_context(|| format!("cannot listen on {}", config.server.listen))?;
    let addr = listener.local_addr()?;
    let advertise = match &config.server.advertise_url {
        Some(url) => url.as_str().trim_end_matches('/').to_owned(),
        None => browser_url(addr),
    };
    let id = format!(
        "{}-{:06x}",
        std::process::id(),
        rand::random::<u32>() & 0xff_ffff
    );
    let node = Arc::new(Node::new(
        id.clone(),
        advertise.clone(),
        shared.lease.clone(),
    )?);
    let changed = Arc::new(Notify::new());
    let wake = changed.clone();
    shared.lease.watch(Box::new(move || wake.notify_one()))?;
    let mut signal = shutdown_signal()?;
    // The pages the node last served as leader, shown while standing by if
    // the database cannot be read.
    let mut last_pages: Option<Arc<Snapshots>> = None;
    tracing::info!(node = %id, advertise = %advertise, "listening on {} (data in PostgreSQL)", browser_url(addr));
    loop {
        // A free lease is taken at once (a lone node, or the first of
        // several, leads without a standby's moment); otherwise stand by,
        // knowing the leader before the first request so that writes can be
        // forwarded from the start, until the lease is ours.
        let epoch = match shared.lease.acquire(&id, &advertise, LEASE_TTL) {
            Ok(Some(epoch)) => epoch,
            _ => {
                if let Ok(Some(h)) = shared.lease.holder() {
                    node.set(NodeState {
                        leader: false,
                        leader_url: Some(h.advertise_url),
                        epoch: h.epoch,
                    });
                }
                let standby = Standby::start(
                    listener.try_clone()?,
                    &config,
                    &clock,
                    &shared,
                    &node,
                    &changed,
                    last_pages.take(),
                )
                .await?;
                let epoch = tokio::select! {
                    () = &mut signal => {
                        standby.stop().await;
                        return Ok(());
                    }
                    epoch = wait_for_lease(&shared, &node, &standby.metrics) => epoch,
                };
                standby.stop().await;
                epoch
            }
        };
        tracing::info!(node = %id, epoch, "took the leader's lease: leading");
        (shared.fence)(Some((id.clone(), epoch)));
        node.set(NodeState {
            leader: true,
            leader_url: Some(advertise.clone()),
            epoch,
        });
        let app = Application::build_on(
            config.clone(),
            clock.clone(),
            listener.try_clone()?,
            shared.store.clone(),
            Some(node.clone()),
        )
        .await?;
        last_pages = Some(app.snapshots());
        let metrics = app.metrics();
        metrics.leader.set(1);
        if let Ok(Some(h)) = shared.lease.holder() {
            metrics
                .lease_changes
                .set(i64::try_from(h.changes).unwrap_or(i64::MAX));
        }
        let lost = Arc::new(AtomicBool::new(false));
        let renewing = tokio::spawn(keep_lease(
            shared.lease.clone(),
            node.clone(),
            epoch,
            app.stopper(),
            lost.clone(),
        ));
        // The application stops on SIGTERM and SIGINT itself, or when the
        // lease is lost (`keep_lease` cancels it).
        let ran = app.run_until_stopped().await;
        renewing.abort();
        (shared.fence)(None);
        if !lost.load(Ordering::Relaxed) {
            // A clean stop hands the lease over at once.
            let _ = shared.lease.release(&id, epoch);
            return ran;
        }
        if let Err(e) = ran {
            tracing::warn!(error = %e, "the application stopped while losing the lease");
        }
        tracing::error!(node = %id, epoch, "lost the leader's lease (another node leads, or the database was unreachable for too long): standing by");
        node.set(NodeState {
            leader: false,
            leader_url: None,
            epoch,
        });
    }
}

/// Tries to take the lease every [`TRY_EVERY`]; meanwhile keeps the node's
/// idea of the leader current. Returns the epoch once the lease is ours.
async fn wait_for_lease(shared: &store::Shared, node: &Arc<Node>, metrics: &Metrics) -> i64 {
    loop {
        let lease = shared.lease.clone();
        let (id, advertise) = (node.id.clone(), node.advertise_url.clone());
        let tried = tokio::task::spawn_blocking(move || {
            let _ = lease.seen(&id, &advertise, "standby");
            let got = lease.acquire(&id, &advertise, LEASE_TTL)?;
            Ok::<_, store::StoreError>((got, lease.holder()?))
        })
        .await;
        match tried {
            Ok(Ok((Some(epoch), _))) => return epoch,
            Ok(Ok((None, holder))) => {
                if let Some(h) = &holder {
                    metrics
                        .lease_changes
                        .set(i64::try_from(h.changes).unwrap_or(i64::MAX));
                }
                node.set(NodeState {
                    leader: false,
                    leader_url: holder.as_ref().map(|h| h.advertise_url.clone()),
                    epoch: holder.map_or(0, |h| h.epoch),
                });
            }
            Ok(Err(e)) => tracing::debug!(error = %e, "cannot read the lease"),
            Err(e) => tracing::debug!(error = %e, "the lease check stopped"),
        }
        tokio::time::sleep(TRY_EVERY).await;
    }
}

/// Renews the lease every [`RENEW_EVERY`]. When it is no longer ours, or no
/// renewal succeeded for a whole lease, it stops the application.
async fn keep_lease(
    lease: Arc<dyn LeaseStore>,
    node: Arc<Node>,
    epoch: i64,
    stop: CancellationToken,
    lost: Arc<AtomicBool>,
) {
    let mut renewed = Instant::now();
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let (lease, id, advertise) = (lease.clone(), node.id.clone(), node.advertise_url.clone());
        let got = tokio::task::spawn_blocking(move || {
            let _ = lease.seen(&id, &advertise, "leader");
            lease.renew(&id, epoch, LEASE_TTL)
        })
        .await;
        match got {
            Ok(Ok(true)) => renewed = Instant::now(),
            Ok(Ok(false)) => break,
            Ok(Err(e)) => tracing::warn!(error = %e, "cannot renew the leader's lease"),
            Err(e) => tracing::warn!(error = %e, "the lease renewal stopped"),
        }
        if renewed.elapsed() >= LEASE_TTL {
            break;
        }
    }
    lost.store(true, Ordering::Relaxed);
    stop.cancel();
}

/// A standby's web server and the task that keeps its pages current.
struct Standby {
    server: actix_web::dev::ServerHandle,
    metrics: Arc<Metrics>,
    refresh: tokio::task::JoinHandle<()>,
}

impl Standby {
    async fn start(
        listener: TcpListener,
        config: &Config,
        clock: &Arc<dyn Clock>,
        shared: &store::Shared,
        node: &Arc<Node>,
        changed: &Arc<Notify>,
        last: Option<Arc<Snapshots>>,
    ) -> anyhow::Result<Self> {
        let config = Arc::new(config.clone());
        let first = match Copy::load(&config, shared, clock.now()).await {
            Ok(copy) => match copy.refresh(clock.now(), Vec::new(), Vec::new()).await {
                (Some(copy), Ok(pages)) => Ok((copy, pages)),
                (_, Err(e)) => Err(e),
                (None, Ok(_)) => Err(anyhow::anyhow!("the standby's first refresh stopped")),
            },
            Err(e) => Err(e),
        };
        let (copy, snapshots) = match (first, last) {
            (Ok((copy, pages)), _) => (Some(copy), Arc::new(Snapshots::of(pages))),
            // The database is out of reach: the last pages, until it is back
            // (`keep_current` tries again after the next notice meanwhile).
            (Err(e), Some(last)) => {
                tracing::warn!(error = %e, "cannot read the database: showing the last pages until it is back");
                changed.notify_one();
                (None, last)
            }
            (Err(e), None) => return Err(e),
        };
        let (desk, _) = Desk::new(1);
        let (arrive, _) = mpsc::channel(1);
        let metrics = Arc::new(Metrics::new());
        let web = Shared {
            limits: Arc::default(),
            report_limits: Arc::new(web::reports::limits()),
            failures: Arc::default(),
            snapshots: snapshots.clone(),
            store: shared.store.clone(),
            metrics: metrics.clone(),
            heartbeat: Arc::new(AtomicI64::new(0)),
            desk,
            admin_token: config.admin_token.clone(),
            clock: clock.clone(),
            agents: Arc::new(web::agents::Agents::new(&config, arrive)),
            node: Some(node.clone()),
        };
        let server = web::server(listener, web)?;
        let handle = server.handle();
        tokio::spawn(server);
        let refresh = tokio::spawn(keep_current(
            config,
            shared.clone(),
            clock.clone(),
            copy,
            snapshots,
            changed.clone(),
        ));
        Ok(Self {
            server: handle,
            metrics,
            refresh,
        })
    }

    /// Stops serving (requests in flight finish) and refreshing.
    async fn stop(self) {
        self.refresh.abort();
        self.server.stop(true).await;
    }
}

/// The standby's copy of the state ([`Mirror`]), with the store and feed it
/// is kept current from; moved onto a blocking thread for each refresh.
struct Copy {
    mirror: Mirror,
    shared: store::Shared,
}

impl Copy {
    /// Everything as the database holds it now.
    async fn load(
        config: &Arc<Config>,
        shared: &store::Shared,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<Self> {
        let (config, shared) = (config.clone(), shared.clone());
        tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            // The position first: a change committed during the read is
            // read again from the feed, never missed.
            let position = shared.feed.feed_position()?;
            let mirror = Mirror::restore(&config, &*shared.store, position, now)
                .context("while reading the database")?;
            tracing::debug!(
                read_ms = started.elapsed().as_millis() as u64,
                position,
                "standby state read from the database"
            );
            Ok(Self { mirror, shared })
        })
        .await?
    }

    /// Reads what changed since the last read, applies it, and renders the
    /// pages as of `now`, again only where they changed. A failed read
    /// leaves the copy as it was (`None` only if the refresh panicked).
    async fn refresh(
        mut self,
        now: chrono::DateTime<chrono::Utc>,
        previous: Vec<Arc<Snapshot>>,
        read: Vec<crate::lang::Lang>,
    ) -> (Option<Self>, anyhow::Result<Vec<Snapshot>>) {
        let done = tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let hours_from = self.mirror.hours_from(now);
            let changes = match (self.shared.feed).changes_since(self.mirror.position(), hours_from)
            {
                Ok(changes) => changes,
                Err(e) => return (self, Err(anyhow::Error::from(e))),
            };
            let empty = changes.is_empty();
            self.mirror.apply(changes, now);
            let read_in = started.elapsed();
            let pages = render_all(self.mirror.view(now), &previous, &read);
            tracing::debug!(
                read_ms = read_in.as_millis() as u64,
                render_ms = (started.elapsed() - read_in).as_millis() as u64,
                empty,
                position = self.mirror.position(),
                "standby caught up with the database"
            );
            (self, Ok(pages))
        })
        .await;
        match done {
            Ok((copy, pages)) => (Some(copy), pages),
            Err(e) => (None, Err(e.into())),
        }
    }
}

/// Brings the standby's copy up to date and renders its pages again after
/// each notice of a commit (bursts folded together), and every
/// [`REFRESH_AT_LEAST`] regardless (relative times, a notice missed while
/// reconnecting). Without a copy (the database was out of reach), it reads
/// everything.
async fn keep_current(
    config: Arc<Config>,
    shared: store::Shared,
    clock: Arc<dyn Clock>,
    mut copy: Option<Copy>,
    snapshots: Arc<Snapshots>,
    changed: Arc<Notify>,
) {
    let mut failing = false;
    loop {
        let _ = tokio::time::timeout(REFRESH_AT_LEAST, changed.notified()).await;
        tokio::time::sleep(REFRESH_AT_MOST).await;
        let now = clock.now();
        let current = match copy.take() {
            Some(c) => Ok(c),
            None => Copy::load(&config, &shared, now).await,
        };
        let pages = match current {
            Ok(current) => {
                let (previous, read) = (snapshots.all().to_vec(), snapshots.languages_read());
                let (kept, pages) = current.refresh(now, previous, read).await;
                copy = kept;
                pages
            }
            Err(e) => Err(e),
        };
        match pages {
            Ok(pages) => {
                drop(snapshots.replace_all(pages));
                if std::mem::take(&mut failing) {
                    tracing::info!("the standby reads the database again");
                }
            }
            Err(e) => {
                // Said once per outage; tried again every second.
                if !std::mem::replace(&mut failing, true) {
                    tracing::warn!(error = %e, "cannot read the database: the standby's pages stay as they are until it is back");
                }
                tokio::time::sleep(RETRY).await;
                changed.notify_one();
            }
        }
    }
}
