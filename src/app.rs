//! The application: storage, engine, scheduler, pipeline and web server, built
//! from a config and run together until a signal (or a test) stops them.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Duration;

use actix_web::dev::Server;
use anyhow::Context;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::checks::probe::Prober;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::export::LiveExport;
use crate::metrics::Metrics;
use crate::notify::compose::{Letterhead, compose};
use crate::notify::transport::Mailer;
use crate::notify::webhook::dispatch::Dispatcher;
use crate::notify::webhook::send::Sender;
use crate::notify::worker::{Composer, Worker};
use crate::pipeline::Pipeline;
use crate::pipeline::arrivals::Locations;
use crate::pipeline::desk::{Desk, Submission};
use crate::pipeline::restore::{Restored, record_first_seen, restore};
use crate::web::auth;

use crate::scheduler::Scheduler;
use crate::store::Store;
use crate::web::render::render_all;
use crate::web::snapshot::{Publisher, Snapshots};
use crate::web::{self, Shared};
use background::prune_loop;
pub use background::shutdown_signal;

mod background;
pub mod node;

pub struct Application {
    addr: std::net::SocketAddr,
    server: Server,
    store: Store,
    scheduler: Scheduler,
    pipeline: Pipeline,
    /// For the housekeeping task's writes (expiring subscriptions).
    desk: Desk,
    worker: Worker,
    dispatcher: Dispatcher,
    /// `[export] dir`, when configured.
    export: Option<LiveExport>,
    /// The pages being served.
    snapshots: Arc<Snapshots>,
    results: mpsc::Receiver<crate::model::CheckResult>,
    commands: mpsc::Receiver<Submission>,
    retention: Duration,
    /// The site's zone: uptime days are local days.
    tz: chrono_tz::Tz,
    /// What every part reads time from; the pruner gets it at run time.
    clock: Arc<dyn Clock>,
    cancel: CancellationToken,
    /// Registered at build time so a SIGTERM that arrives during start-up is
    /// not lost (PID 1 in a container ignores unhandled signals).
    signal: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
}

impl Application {
    /// Opens storage, restores state and binds the listener; nothing runs yet.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// As [`Application::build`], reading time from `clock` (tests move it).
    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&config.server.listen)
            .with_context(|| format!("cannot listen on {}", config.server.listen))?;
        let store = crate::store::open_configured(&config.server)?;
        Self::build_on(config, clock, listener, store, None).await
    }

    /// As [`Application::build_with_clock`], on a listener and a store
    /// already open: a node that has just taken the leader's lease.
    pub async fn build_on(
        mut config: Config,
        clock: Arc<dyn Clock>,
        listener: TcpListener,
        store: Store,
        node: Option<Arc<crate::web::node::Node>>,
    ) -> anyhow::Result<Self> {
        let addr = listener.local_addr()?;
        if config.site.public_url_derived
            && let Ok(url) = reqwest::Url::parse(&browser_url(addr))
        {
            config.site.public_url = url;
        }
        if config.admin_token.as_deref().is_some_and(auth::too_short) {
            // Refused rather than warned about: a short secret falls to
            // guessing from many addresses, whatever the per-address budget.
            // The public page still starts; only the admin side stays shut.
            tracing::error!(
                "CANDOR_ADMIN_TOKEN is shorter than {} characters, so it is not used: the admin API and /admin refuse everyone until it is set to a longer random secret (openssl rand -hex 32)",
                auth::MIN_TOKEN_CHARS
            );
            config.admin_token = None;
        } else if config.admin_token.is_none() {
            tracing::warn!(
                "no CANDOR_ADMIN_TOKEN set: the admin API and /admin refuse everyone; set it to a long random secret to enable them"
            );
        }
        if let Err(problems) = config.load_agent_tokens() {
            let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
            anyhow::bail!(
                "cannot start: agent tokens are missing or too short (set each in the environment of this process; generate one with openssl rand -hex 32):\n{}",
                list.join("\n")
            );
        }
        let config = Arc::new(config);
        let now = clock.now();
        let Restored {
            engine,
            view: first,
            ledger,
            latency,
            unrecorded,
            ..
        } = restore(&config, &*store, now)?;
        record_first_seen(&store, &engine, &unrecorded)
            .await
            .context("while storing when new components were first seen")?;
        let report_watch = crate::pipeline::reports::restore_watch(&*store, now)
            .context("while reading the visitors' reports of the last hour")?;
        let book = first.book.clone();
        let announced = (first.components.iter())
            .map(|(id, c)| (id.clone(), c.status))
            .collect();
        let snapshots = Arc::new(Snapshots::of(render_all(first, &[], &[])));
        let shown_pages = snapshots.clone();
        let metrics = Arc::new(Metrics::new());
        metrics
            .checks_configured
            .set(i64::try_from(config.checks.len()).unwrap_or(i64::MAX));
        let heartbeat = Arc::new(AtomicI64::new(0));
        // Checks that list `local`; the others are probed by agents only.
        let here: Vec<_> = (config.checks.iter())
            .filter(|c| c.runs_here())
            .cloned()
            .collect();
        let prober = Arc::new(Prober::new(&here, clock.clone())?);
        let (arrive, arrivals) = mpsc::channel(64);
        let (desk, commands) = Desk::new(64);
        let (worker, dispatcher) = deliverers(&config, &store, &metrics, &clock)?;
        let outbox_wake = worker.wake.clone();
        let housekeeping = desk.clone();
        let shared = Shared {
            limits: Arc::default(),
            report_limits: Arc::new(web::reports::limits()),
            failures: Arc::default(),
            snapshots: snapshots.clone(),
            store: store.clone(),
            metrics: metrics.clone(),
            heartbeat: heartbeat.clone(),
            desk,
            admin_token: config.admin_token.clone(),
            clock: clock.clone(),
            agents: Arc::new(web::agents::Agents::new(&config, arrive)),
            node,
        };
        let server = web::server(listener, shared)?;
        let (tx, rx) = mpsc::channel(4096);
        let scheduler = Scheduler {
            specs: here.into(),
            prober,
            results: tx,
            max_concurrent: config.server.max_concurrent_checks,
            metrics: metrics.clone(),
            heartbeat,
            clock: clock.clone(),
        };
        let rendered = Arc::new(tokio::sync::Notify::new());
        let (shown, wake) = (snapshots.clone(), rendered.clone());
        let export = LiveExport::from_config(&config, shown, wake, metrics.clone())?;
        let pipeline = Pipeline {
            config: config.clone(),
            engine,
            book,
            store: store.clone(),
            publish: Arc::new(Publisher::new(snapshots, rendered)?),
            metrics,
            last_tick: now,
            last_checkpoint: now,
            reports: Default::default(),
            ledger,
            latency,
            outbox_wake: outbox_wake.clone(),
            webhook_wake: dispatcher.wake.clone(),
            announced,
            clock: clock.clone(),
            locations: Locations::new(arrivals),
            report_watch,
        };
        Ok(Self {
            addr,
            server,
            store,
            scheduler,
            pipeline,
            desk: housekeeping,
            worker,
            dispatcher,
            export,
            snapshots: shown_pages,
            results: rx,
            commands,
            retention: config.server.retention,
            tz: config.site.timezone,
            clock,
            cancel: CancellationToken::new(),
            signal: shutdown_signal()?,
        })
    }

    /// The bound port (useful with `listen = "127.0.0.1:0"`).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// An address a browser on this machine can open.
    pub fn url(&self) -> String {
        browser_url(self.addr)
    }

    /// The pages it serves (a node that stops leading keeps showing them
    /// while the database cannot be read).
    pub fn snapshots(&self) -> Arc<Snapshots> {
        self.snapshots.clone()
    }

    /// The metrics this application exports.
    pub fn metrics(&self) -> Arc<Metrics> {
        self.pipeline.metrics.clone()
    }

    /// The database handle, for tests that inspect what was stored.
    pub fn store(&self) -> Store {
        self.store.clone()
    }

    /// Where writes go (the one write path), for tests and tools that make
    /// changes as the web pages do.
    pub fn desk(&self) -> Desk {
        self.desk.clone()
    }

    /// Cancelling this token stops the application as a signal would.
    pub fn stopper(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Runs server, scheduler, pipeline and pruner until SIGTERM, SIGINT or the
    /// stopper; then stops scheduling, lets the server finish, flushes storage.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let Self {
            server,
            store,
            scheduler,
            pipeline,
            desk,
            worker,
            dispatcher,
            export,
            results,
            commands,
            retention,
            tz,
            clock,
            cancel,
            signal,
            ..
        } = self;
        let handle = server.handle();
        let mut server = tokio::spawn(server);
        let scheduler = tokio::spawn(scheduler.run(cancel.clone()));
        let pipeline = tokio::spawn(pipeline.run(results, commands, cancel.clone()));
        let pruner = tokio::spawn(prune_loop(
            store.clone(),
            desk,
            retention,
            tz,
            clock,
            cancel.clone(),
        ));
        let worker = tokio::spawn(worker.run(cancel.clone()));
        let dispatcher = tokio::spawn(dispatcher.run(cancel.clone()));
        let export = tokio::spawn(LiveExport::run_if_any(export, cancel.clone()));
        let (mut scheduler, mut pipeline) = (scheduler, pipeline);
        // Biased, and a task ending after the stop was asked for is no error: a
        // stopped scheduler is ready at the same moment as the stop itself.
        let unexpected = |what: &str, ended: String| {
            if cancel.is_cancelled() {
                Ok(())
            } else {
                Err(anyhow::anyhow!("the {what} stopped unexpectedly: {ended}"))
            }
        };
        // Which task's handle the select consumed (it cannot be awaited again).
        let (outcome, consumed) = tokio::select! {
            biased;
            () = signal => (Ok(()), None),
            () = cancel.cancelled() => (Ok(()), None),
            ended = &mut server => (unexpected("web server", format!("{ended:?}")), None),
            ended = &mut scheduler => (unexpected("scheduler", format!("{ended:?}")), Some("scheduler")),
            ended = &mut pipeline => (unexpected("pipeline", format!("{ended:?}")), Some("pipeline")),
        };
        tracing::info!("shutting down");
        cancel.cancel();
        handle.stop(true).await;
        // A task whose end the select already took cannot be awaited again.
        for (name, task) in [
            ("scheduler", scheduler),
            ("pipeline", pipeline),
            ("pruner", pruner),
            ("worker", worker),
            ("webhook dispatcher", dispatcher),
            ("export", export),
        ] {
            if consumed == Some(name) {
                continue;
            }
            if let Err(e) = task.await {
                tracing::error!(task = name, error = %e, "task ended abnormally");
            }
        }
        store
            .flush()
            .await
            .context("while flushing storage at shutdown")?;
        tracing::info!("stopped");
        outcome
    }
}

/// `http://` + the bound address, with 0.0.0.0 / :: shown as 127.0.0.1.
fn browser_url(addr: std::net::SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("http://127.0.0.1:{}", addr.port())
    } else {
        format!("http://{addr}")
    }
}

/// The email worker and the webhook dispatcher: two tasks over one outbox, so
/// a slow receiver never holds up email, nor an SMTP outage a webhook.
fn deliverers(
    config: &Config,
    store: &Store,
    metrics: &Arc<Metrics>,
    clock: &Arc<dyn Clock>,
) -> anyhow::Result<(Worker, Dispatcher)> {
    let worker = Worker {
        store: store.clone(),
        mailer: Mailer::new(config.email.smtp_url.as_deref(), &config.server.data_dir)
            .map_err(anyhow::Error::msg)?,
        compose: composer(config),
        metrics: metrics.clone(),
        give_up_after: config.email.give_up_after,
        wake: Arc::default(),
        clock: clock.clone(),
    };
    let dispatcher = Dispatcher {
        store: store.clone(),
        webhooks: config.webhooks.clone().into(),
        sender: Sender::new().context("while building the webhook HTTP client")?,
        metrics: metrics.clone(),
        give_up_after: config.email.give_up_after,
        wake: Arc::default(),
        clock: clock.clone(),
    };
    Ok((worker, dispatcher))
}

/// Builds messages with the site's letterhead.
fn composer(config: &Config) -> Composer {
    let head = Letterhead::from_config(config);
    Arc::new(move |letter| compose(&head, letter).map_err(|e| e.to_string()))
}
