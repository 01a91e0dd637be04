//! The one path every change takes, automatic or by an engineer: engine and book
//! → persist (flushed before anyone is told) → public snapshot. One task owns the
//! state, so changes never interleave. A status change or an engineer's post is
//! rendered at once; routine results (a newer "last checked") at most every few
//! seconds, so 10,000 checks don't mean 10,000 renders.

pub mod arrivals;
mod commands;
pub mod desk;
pub mod mirror;
mod persist;
pub mod reports;
pub mod restore;
pub mod subscriptions;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::config::Config;
use crate::engine::{Change, Engine};
use crate::incidents::auto::{self, Observed};
use crate::incidents::promise;
use crate::incidents::{Book, GroupRef, Member};
use crate::metrics::Metrics;
use crate::model::{CheckResult, ComponentId, ComponentStatus, LocationId};
use crate::read::view::{self, View};
use crate::read::words;
use crate::store::{Store, StoreError};
use crate::uptime::latency::Latency;
use crate::uptime::{Ledger, Report, Reports};
use desk::Submission;

/// Where the state is shown: the web adapter renders its snapshot from each
/// view it is given (and wakes the live export). Called on the pipeline's
/// task, after every change customers see and now and then for the clock.
pub trait Publish: Send + Sync {
    fn publish(&self, view: View);
}

/// The longest routine results wait before they show on the page.
const ROUTINE_RENDER: Duration = Duration::from_secs(3);
/// Re-render now and then anyway, so relative times ("for 12 minutes") stay true.
const IDLE_RENDER: Duration = Duration::from_secs(30);
/// The most commands that share one render (so check results and the clock
/// are not kept waiting by a flood of writes).
const BATCH: usize = 32;
/// How often time-driven transitions (maintenance windows, quiet periods) are checked.
const TICK: Duration = Duration::from_secs(1);
/// How often raw results, check states and uptime rollups are written (also at
/// every component status change and at shutdown): what a crash can lose of them.
const CHECKPOINT: chrono::Duration = chrono::Duration::minutes(5);

pub struct Pipeline {
    pub config: Arc<Config>,
    pub engine: Engine,
    /// Shared with the snapshot; changed copy-on-write.
    pub book: Arc<Book>,
    pub store: Store,
    /// Shows each new state (the web snapshot).
    pub publish: Arc<dyn Publish>,
    pub metrics: Arc<Metrics>,
    pub clock: Arc<dyn Clock>,
    /// Wakes the delivery worker after notifications were queued.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Wakes the webhook dispatcher after deliveries were queued.
    pub webhook_wake: Arc<tokio::sync::Notify>,
    /// Each component's effective status as of the last stored change: the
    /// "old status" of the next component webhook. Starts as restored.
    pub announced: BTreeMap<ComponentId, ComponentStatus>,
    /// When `tick` last ran, to notice an ETA passing in between.
    pub last_tick: chrono::DateTime<chrono::Utc>,
    /// Uptime accounting: time per status per component and day.
    pub ledger: Ledger,
    /// Response times of the last 24 hours, per check.
    pub latency: Latency,
    /// The uptime report the last render showed, reused while nothing changed.
    pub reports: Reports,
    /// When results and rollups were last written.
    pub last_checkpoint: chrono::DateTime<chrono::Utc>,
    /// Batches from agents in other locations, and what is known of them.
    pub locations: arrivals::Locations,
    /// Visitors' reports of the last hour and the alarms they raised
    /// (restored with `reports::restore_watch`).
    pub report_watch: crate::reports::Watch,
}

impl Pipeline {
    pub async fn run(
        mut self,
        mut results: mpsc::Receiver<CheckResult>,
        mut commands: mpsc::Receiver<Submission>,
        cancel: CancellationToken,
    ) {
        let mut dirty = false;
        let mut last_render = Instant::now();
        // Without agents, a channel nobody sends on.
        let (_none, idle) = mpsc::channel(1);
        let mut arrivals = self.locations.arrivals.take().unwrap_or(idle);
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let wait = if dirty { ROUTINE_RENDER } else { IDLE_RENDER };
            let urgent = tokio::select! {
                biased;
                () = cancel.cancelled() => break,
                Some(first) = commands.recv() => {
                    // Commands that arrived meanwhile share one flush and one
                    // render: with several engineers (or scripts) writing at
                    // once, each write waits for one of each, not for one per
                    // write queued ahead of it.
                    let mut batch = vec![first];
                    while batch.len() < BATCH {
                        let Ok(next) = commands.try_recv() else { break };
                        batch.push(next);
                    }
                    let (work, replies): (Vec<_>, Vec<_>) = batch
                        .into_iter()
                        .map(|(command, problems, reply)| {
                            let shown = command.changes_page();
                            ((command, problems), (reply, shown))
                        })
                        .unzip();
                    let answers = self.execute_all(work).await;
                                    let shown = (answers.iter().zip(&replies)).any(|(a, (_, shown))| a.is_ok() && *shown);
                    if shown {
                        // Render before replying: an engineer redirected to a
                        // page must see the change they just made.
                        self.render();
                        last_render = Instant::now();
                    }
                    for ((reply, _), answer) in replies.into_iter().zip(answers) {
                        let _ = reply.send(answer);
                    }
                    false
                }
                Some(batch) = arrivals.recv() => {
                    let urgent = self.arrive(batch).await;
                    dirty |= !urgent;
                    urgent
                }
                received = results.recv() => match received {
                    Some(result) => {
                        let urgent = self.handle(&result).await;
                        dirty |= !urgent;
                        urgent
                    }
                    None => break,
                },
                _ = tick.tick() => self.tick().await,
                () = tokio::time::sleep_until(last_render + wait) => true,
            };
            if urgent {
                self.render();
                last_render = Instant::now();
                dirty = false;
            }
        }
        // Keep what probes already finished: store it before the final flush.
        results.close();
        while let Ok(result) = results.try_recv() {
            self.handle(&result).await;
        }
        self.save_rollups(self.clock.now());
        log_err(self.store.checkpoint());
        if let Err(e) = self.store.flush().await {
            tracing::error!(error = %e, "could not flush storage at shutdown");
        }
    }

    /// Applies one check result of this instance's own probes; true when
    /// something customers see changed.
    pub async fn handle(&mut self, result: &CheckResult) -> bool {
        let local = LocationId::local();
        (self.metrics).location_results(local.as_str(), 1, result.at.timestamp());
        self.handle_from(&local, result).await
    }

    /// Applies one check result probed from `location`.
    pub async fn handle_from(&mut self, location: &LocationId, result: &CheckResult) -> bool {
        let changes = self.engine.observe_from(location, result);
        self.ledger.result(&result.check, result.at);
        if self.engine.charted_from(&result.check, location) {
            let ms = u64::try_from(result.duration.as_millis()).unwrap_or(u64::MAX);
            (self.latency).push(&result.check, result.at, ms, result.outcome);
        }
        let ok = match self.engine.state_from(&result.check, location) {
            Some((id, state)) if id == result.check => log_err(self.store.record(result, state)),
            Some((id, state)) => {
                let stored = CheckResult {
                    check: id,
                    ..result.clone()
                };
                log_err(self.store.record(&stored, state))
            }
            None => true,
        };
        let stored = self.apply_changes(&changes).await;
        if !(ok && stored) {
            tracing::debug!(check = %result.check, "a result's change was not stored");
        }
        !changes.is_empty()
    }

    /// Opens, joins and resolves automatic incidents for components the
    /// checks moved, and stores it all; false when something was not stored.
    async fn apply_changes(&mut self, changes: &[Change]) -> bool {
        let mut ok = true;
        let mut events = Vec::new();
        let mut moved = Vec::new();
        for change in changes {
            let Change::ComponentStatus {
                component,
                from,
                to,
                findings,
                ..
            } = change;
            let reason = words::findings(crate::lang::Lang::english(), findings);
            tracing::info!(%component, %from, %to, %reason, "component status changed");
            moved.push(component.clone());
            if let Some(observed) = self.observe(component) {
                let now = self.clock.now();
                events.extend(auto::on_status_change(
                    Arc::make_mut(&mut self.book),
                    &observed,
                    *from,
                    now,
                    &self.config.incidents,
                ));
            }
        }
        if !changes.is_empty() {
            ok &= log_err(self.persist(&events, &moved));
            // The check states that moved a component are written with it,
            // so a restart judges from them.
            ok &= log_err(self.store.checkpoint());
            ok &= log_err(self.store.flush().await);
        }
        ok
    }

    /// Time-driven transitions; true when the page must change (a transition, or
    /// an ETA or promised update just passed: the page then says the estimate
    /// was missed, or the update is overdue).
    async fn tick(&mut self) -> bool {
        let now = self.clock.now();
        // Locations that fell silent (or spoke again) count no more (or again).
        let silenced = self.engine.silence(now);
        if !silenced.is_empty() {
            self.apply_changes(&silenced).await;
        }
        for (location, silent) in self.engine.silent_locations(now) {
            self.metrics.location_silent(location.as_str(), silent);
        }
        self.tick_reports(now).await;
        self.tick_records().await || !silenced.is_empty()
    }

    /// Time-driven transitions of incidents and maintenances (see `tick`).
    async fn tick_records(&mut self) -> bool {
        if !self.store.healthy() {
            // The store logs its failure and its recovery itself.
            let _ = self.store.recover().await;
        }
        let now = self.clock.now();
        if now - self.last_checkpoint >= CHECKPOINT {
            self.checkpoint(now);
        }
        let since = std::mem::replace(&mut self.last_tick, now);
        // An ETA or a promised update that just passed: the page says so.
        let eta_passed = self.book.incidents.values().any(|i| {
            (i.status.is_open()
                && i.expected_resolution_at
                    .is_some_and(|eta| since < eta && eta <= now))
                || promise::fell_due(i, since, now)
        });
        let rules = &self.config.incidents;
        let remind = self.config.email.reminder_before;
        if !auto::due(&self.book, now, rules) && !auto::reminders_due(&self.book, now, remind) {
            return eta_passed;
        }
        let engine = &self.engine;
        let config = &self.config;
        let observe = |id: &ComponentId| observe(config, engine, id);
        let book = Arc::make_mut(&mut self.book);
        let mut events = auto::remind(book, now, remind);
        events.extend(auto::tick(book, now, &config.incidents, &observe));
        if events.is_empty() {
            return eta_passed;
        }
        let _stored = log_err(self.persist(&events, &[])) && log_err(self.store.flush().await);
        true
    }

    /// Writes raw results, check states and uptime rollups kept in memory
    /// (not flushed: sled's own flush follows within half a second).
    pub fn checkpoint(&mut self, now: chrono::DateTime<chrono::Utc>) {
        self.last_checkpoint = now;
        // Each write reports its own failure to /healthz (see Store::healthy).
        self.save_rollups(now);
        log_err(self.store.checkpoint());
    }

    /// Accounts every component up to `now` and writes the days that changed;
    /// days that could not be written are written at the next checkpoint.
    fn save_rollups(&mut self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.ledger.advance_all(now);
        let days = self.ledger.take_dirty(now);
        let saved = log_err(self.store.save_days(&days));
        if !saved {
            self.ledger
                .mark_dirty(days.into_iter().map(|(d, c, _)| (c, d)));
        }
        saved
    }

    /// What the checks say about a component, for an incident update.
    fn observe(&self, id: &ComponentId) -> Option<Observed> {
        observe(&self.config, &self.engine, id)
    }

    /// The state every page reads, as of now. Statuses that changed start a
    /// new span in the uptime ledger here, the one place every change of what
    /// customers see passes through.
    pub fn view(&mut self) -> View {
        let now = self.clock.now();
        let components = view::components(&self.config, &self.engine, &self.book, now);
        let changed = (self.ledger).statuses(components.iter().map(|(id, v)| (id, v.status)), now);
        self.ledger.advance_all(now);
        let (ledger, latency) = (&self.ledger, &self.latency);
        let uptime = (self.reports).get(ledger, latency, components.keys(), &changed, now);
        let components = Arc::new(components);
        View::new(&self.config, components, self.book.clone(), uptime, now)
    }

    /// The statuses and records as of now, with the given uptime history.
    pub fn view_with(&self, uptime: Arc<Report>) -> View {
        let now = self.clock.now();
        let components = view::components(&self.config, &self.engine, &self.book, now);
        View::new(
            &self.config,
            Arc::new(components),
            self.book.clone(),
            uptime,
            now,
        )
    }

    pub fn render(&mut self) {
        let view = self.view();
        self.publish.publish(view);
        self.metrics.page_renders.inc();
    }
}

fn observe(config: &Config, engine: &Engine, id: &ComponentId) -> Option<Observed> {
    let state = engine.components.get(id)?;
    let Member { name, group } = member(config, id);
    Some(Observed {
        workaround: config.component(id).and_then(|c| c.workaround.clone()),
        id: id.clone(),
        name,
        group,
        status: state.status,
        since: state.since,
        evidence: engine.evidence(id),
    })
}

/// A component as an automatic incident names it: its name, and its group
/// with the group's size.
fn member(config: &Config, id: &ComponentId) -> Member {
    let component = config.component(id);
    let group = component.and_then(|c| c.group.as_ref()).map(|g| GroupRef {
        name: g.clone(),
        size: (config.components.iter())
            .filter(|o| o.group.as_ref() == Some(g))
            .count(),
    });
    Member {
        name: component.map_or_else(|| id.to_string(), |c| c.name.clone()),
        group,
    }
}

/// Logs a failed write unless it is the disk failing, which the store says
/// itself (once, not at every retry).
fn log_err(r: Result<(), StoreError>) -> bool {
    if let Err(e) = &r {
        crate::store::health::log_error(e, "could not write to storage");
    }
    r.is_ok()
}

#[cfg(test)]
mod tests;
