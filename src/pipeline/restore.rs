//! The state as stored, read back at start (what `serve` runs from and what
//! `candor export` renders): engine states, the book, the stored days into a
//! new ledger, and the last 24 hours of raw results into the response-time
//! buckets.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::config::Config;
use crate::engine::{CheckState, Engine, LastResult};
use crate::model::LocationId;
use crate::model::{CheckId, ComponentId};
use crate::read::view::{self, ComponentView, View};
use crate::store::{RollupStore, StateStore, States, StoreError, StoredResult};
use crate::uptime::calendar;
use crate::uptime::latency::Latency;
use crate::uptime::ledger::{HOURS_WINDOW, WINDOW};
use crate::uptime::{Ledger, Report};

/// The engine and the public view as stored: what serve starts from and what
/// `candor export` renders.
pub fn restore(
    config: &Arc<Config>,
    store: &(impl Restorable + ?Sized),
    now: DateTime<Utc>,
) -> anyhow::Result<Restored> {
    let mut states = store.load_state()?;
    newest_results(store, &mut states.0, now)?;
    let (engine, unrecorded) = engine(config, states.clone(), now);
    let book = Arc::new(store.load_book()?);
    let components = Arc::new(view::components(config, &engine, &book, now));
    let (ledger, latency, charted) = history(config, store, &components, now)?;
    let uptime = Arc::new(Report::build(&ledger, &latency, components.keys(), now));
    let view = View::new(config, components, book, uptime, now);
    Ok(Restored {
        engine,
        view,
        ledger,
        latency,
        unrecorded,
        states,
        charted,
    })
}

/// The engine judging from stored states, as of `now`; and the components
/// whose first-seen time is not stored yet.
pub fn engine(
    config: &Config,
    (checks, components): States,
    now: DateTime<Utc>,
) -> (Engine, Vec<ComponentId>) {
    let ids: Vec<_> = config.components.iter().map(|c| c.id.clone()).collect();
    let mut engine = Engine::new(&ids, &config.checks, now);
    let local = (LocationId::local(), config.server.location.clone());
    let others = (config.locations.iter()).map(|l| (l.id.clone(), l.name.clone()));
    engine.name_locations(std::iter::once(local).chain(others));
    let unrecorded = engine.restore(checks, components);
    (engine, unrecorded)
}

/// The state as stored, ready to run or to render.
pub struct Restored {
    pub engine: Engine,
    pub view: View,
    pub ledger: crate::uptime::Ledger,
    pub latency: crate::uptime::latency::Latency,
    /// Components whose first-seen time is not stored yet: `serve` stores
    /// them before it starts ([`record_first_seen`]).
    pub unrecorded: Vec<ComponentId>,
    /// The check and component states as stored.
    pub states: States,
    pub charted: Charted,
}

/// Stores the state of `ids` (with their first-seen times) once, so the
/// time a component was first seen is the same after every restart.
pub async fn record_first_seen(
    store: &crate::store::Store,
    engine: &Engine,
    ids: &[ComponentId],
) -> Result<(), StoreError> {
    let components = (ids.iter())
        .filter_map(|id| engine.components.get(id).map(|s| (id, s)))
        .collect::<Vec<_>>();
    if components.is_empty() {
        return Ok(());
    }
    let commit = crate::store::Commit {
        components,
        ..Default::default()
    };
    store.commit(&commit)?;
    store.flush().await
}

/// Brings each check state's last result up to the newest one stored: a
/// healthy check's state is written once an hour (`store::journal`), its
/// results at every checkpoint, under the same id (a check's, or one
/// location's of it). The newest result is in the hour of the state's last
/// one or the next (the state is written at the first checkpoint of an hour).
fn newest_results(
    store: &(impl Restorable + ?Sized),
    checks: &mut [(CheckId, CheckState)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for (id, state) in checks {
        let Some(last) = &state.last else { continue };
        let after = last.at + Duration::milliseconds(1);
        let hour = crate::store::blocks::hour_start(last.at);
        let until = now.min(hour + Duration::hours(2));
        if let Some(r) = store.results(id, after, until)?.pop() {
            note_result(state, &r);
        }
    }
    Ok(())
}

/// Takes `r` as the state's last result if it is newer than the one held.
pub fn note_result(state: &mut CheckState, r: &StoredResult) {
    if state.last.as_ref().is_some_and(|l| l.at >= r.at) {
        return;
    }
    state.last = Some(LastResult {
        at: r.at,
        duration_ms: u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX),
        outcome: r.outcome,
        reason: r.reason.clone(),
    });
}

/// Storage that holds what a restore reads.
pub trait Restorable: StateStore + RollupStore {}
impl<T: StateStore + RollupStore + ?Sized> Restorable for T {}

/// Per check, the time of the newest result charted in a [`Latency`].
pub type Charted = HashMap<CheckId, DateTime<Utc>>;

/// The uptime ledger from the stored days, and the response times of the
/// last 24 hours with, per check, the time of the newest result charted.
pub fn history(
    config: &Config,
    store: &(impl Restorable + ?Sized),
    components: &BTreeMap<ComponentId, ComponentView>,
    now: DateTime<Utc>,
) -> Result<(Ledger, Latency, Charted), StoreError> {
    let today = calendar::day_no(calendar::local_date(now, config.site.timezone));
    let days = store.load_days(
        today.saturating_sub(WINDOW),
        today.saturating_sub(HOURS_WINDOW),
    )?;
    let statuses = components.iter().map(|(id, v)| (id.clone(), v.status));
    let ledger = Ledger::new(config, now, statuses, days);
    let mut latency = Latency::default();
    let mut charted = HashMap::new();
    let since = now - Duration::hours(24);
    for check in &config.checks {
        for r in store.results(&check.id, since, now)? {
            let ms = u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX);
            latency.push(&check.id, r.at, ms, r.outcome);
            charted.insert(check.id.clone(), r.at);
        }
    }
    Ok((ledger, latency, charted))
}
