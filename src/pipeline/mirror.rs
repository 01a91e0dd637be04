//! A standby's copy of what the pages show: restored once from the store,
//! then kept current from its change feed ([`crate::store::ChangeFeed`]), so
//! each refresh reads and applies what the leader changed, not the whole
//! installation. The records it holds are the leader's, as stored; it
//! decides nothing itself (no automation, no accounting of uptime: the days
//! are the leader's, as of its last checkpoint).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::restore::{Restorable, engine, note_result, restore};
use crate::config::Config;
use crate::engine::{CheckState, ComponentState, Engine};
use crate::incidents::Book;
use crate::model::{CheckId, ComponentId};
use crate::read::view::{self, View};
use crate::store::{Changes, StoredResult};
use crate::uptime::calendar::{self, DayNo};
use crate::uptime::latency::Latency;
use crate::uptime::ledger::HOURS_WINDOW;
use crate::uptime::{Ledger, Reports};

pub struct Mirror {
    config: Arc<Config>,
    /// Judges from `checks` and `components`, made again when they change.
    engine: Engine,
    /// The check and component states as stored, by id.
    checks: BTreeMap<CheckId, CheckState>,
    components: BTreeMap<ComponentId, ComponentState>,
    /// Shared with the views made from it; changed copy-on-write, so a
    /// record the feed did not bring keeps its pointer and is not rendered
    /// again.
    book: Arc<Book>,
    ledger: Ledger,
    latency: Latency,
    reports: Reports,
    /// The checks whose response times are charted (as at start).
    charted: HashSet<CheckId>,
    /// Per check, the newest result charted: only later ones are added (a
    /// block comes again, whole, at each of the leader's checkpoints).
    charted_until: HashMap<CheckId, DateTime<Utc>>,
    /// Components whose days changed since the last view.
    touched: Vec<ComponentId>,
    /// How far along the feed this copy is.
    position: u64,
}

impl Mirror {
    /// Everything as stored, at feed position `position` (read before the
    /// store, so a change committed meanwhile is read again, never missed).
    pub fn restore(
        config: &Arc<Config>,
        store: &(impl Restorable + ?Sized),
        position: u64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Self> {
        let restored = restore(config, store, now)?;
        let (checks, components) = restored.states;
        Ok(Self {
            config: config.clone(),
            engine: restored.engine,
            checks: checks.into_iter().collect(),
            components: components.into_iter().collect(),
            book: restored.view.book,
            ledger: restored.ledger,
            latency: restored.latency,
            reports: Reports::default(),
            charted: config.checks.iter().map(|c| c.id.clone()).collect(),
            charted_until: restored.charted,
            touched: Vec::new(),
            position,
        })
    }

    pub fn position(&self) -> u64 {
        self.position
    }

    /// From this day on, stored days keep their hours (as at start).
    pub fn hours_from(&self, now: DateTime<Utc>) -> DayNo {
        let today = calendar::day_no(calendar::local_date(now, self.config.site.timezone));
        today.saturating_sub(HOURS_WINDOW)
    }

    /// Applies what the feed brought.
    pub fn apply(&mut self, changes: Changes, now: DateTime<Utc>) {
        self.position = self.position.max(changes.upto);
        if !(changes.incidents.is_empty()
            && changes.maintenances.is_empty()
            && changes.overrides.is_empty())
        {
            let book = Arc::make_mut(&mut self.book);
            for i in changes.incidents {
                book.incidents.insert(i.id.clone(), i);
            }
            for m in changes.maintenances {
                book.maintenances.insert(m.id.clone(), m);
            }
            for (id, o) in changes.overrides {
                match o {
                    Some(o) => book.overrides.insert(id, o),
                    None => book.overrides.remove(&id),
                };
            }
        }
        // A healthy check's state is written once an hour, its results at
        // every checkpoint (under the same id): its last result is the
        // newest of them, whether the state came now or before.
        let newest: HashMap<&CheckId, &StoredResult> = (changes.results.iter())
            .filter_map(|(check, results)| results.last().map(|r| (check, r)))
            .collect();
        let mut newer = false;
        for (check, r) in &newest {
            if let Some(state) = self.checks.get_mut(*check) {
                let before = state.last.as_ref().map(|l| l.at);
                note_result(state, r);
                newer |= state.last.as_ref().map(|l| l.at) != before;
            }
        }
        if newer || !(changes.checks.is_empty() && changes.components.is_empty()) {
            // Judged again from every stored state, as a restore does: the
            // leader writes a status change and the check states behind it
            // in two commits, and a read may fall between them.
            for (id, mut state) in changes.checks {
                if let Some(r) = newest.get(&id) {
                    note_result(&mut state, r);
                }
                // A state written with an older last result than its results
                // already told (a status change's commit) keeps the newer.
                let held = self.checks.get(&id).and_then(|s| s.last.clone());
                if let Some(held) = held.filter(|h| state.last.as_ref().is_none_or(|l| l.at < h.at))
                {
                    state.last = Some(held);
                }
                self.checks.insert(id, state);
            }
            self.components.extend(changes.components);
            let states = (
                (self.checks.iter())
                    .map(|(id, s)| (id.clone(), s.clone()))
                    .collect(),
                (self.components.iter())
                    .map(|(id, s)| (id.clone(), s.clone()))
                    .collect(),
            );
            self.engine = engine(&self.config, states, now).0;
        }
        if !changes.days.is_empty() {
            let today = self.hours_from(now) + HOURS_WINDOW;
            if changes.days.iter().any(|(day, _, _)| *day < today) {
                // A day before today changed (the first checkpoint after
                // midnight): the report's past days are no longer true.
                self.reports = Reports::default();
            }
            (self.touched).extend(changes.days.iter().map(|(_, c, _)| c.clone()));
            self.ledger.put_stored(changes.days, now);
        }
        let day_ago = now - Duration::hours(24);
        for (check, results) in changes.results {
            if !self.charted.contains(&check) {
                continue;
            }
            let newest = self.charted_until.get(&check).copied();
            let mut charted = None;
            for r in (results.iter()).filter(|r| r.at >= day_ago && newest.is_none_or(|n| r.at > n))
            {
                let ms = u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX);
                self.latency.push(&check, r.at, ms, r.outcome);
                charted = Some(r.at);
            }
            if let Some(at) = charted {
                self.charted_until.insert(check, at);
            }
        }
    }

    /// What the pages show as of `now`: the statuses judged again (cheap,
    /// in memory), the uptime summaries made again only for components
    /// whose days changed (all of them at most every few seconds, as on the
    /// leader).
    pub fn view(&mut self, now: DateTime<Utc>) -> View {
        let components = view::components(&self.config, &self.engine, &self.book, now);
        let touched = std::mem::take(&mut self.touched);
        let uptime = (self.reports).get(
            &self.ledger,
            &self.latency,
            components.keys(),
            &touched,
            now,
        );
        let components = Arc::new(components);
        View::new(&self.config, components, self.book.clone(), uptime, now)
    }
}

#[cfg(test)]
mod tests;
