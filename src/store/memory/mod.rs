//! Storage in memory, behind the same traits as sled: what unit tests of the
//! pipeline and the delivery worker run on. Every write is atomic under one
//! lock; `flush` has nothing to wait for. It can be told to fail, so tests can
//! see what the core does when storage does.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::health::Health;
use super::{
    Commit, Flushing, JobId, OutboxCounts, OutboxStore, RollupStore, StateStore, States, Storage,
    StoreError, StoredResult,
};
use crate::engine::{CheckState, ComponentState};
use crate::incidents::{Book, IncidentId};
use crate::model::{CheckId, CheckResult, ComponentId};
use crate::outbox::Envelope;
use crate::subscribers::{Answer, Subscriber};
use crate::uptime::Day;
use crate::uptime::calendar::DayNo;

mod reports;
mod subscribers;

#[derive(Default)]
struct Records {
    results: BTreeMap<CheckId, Vec<StoredResult>>,
    check_states: BTreeMap<CheckId, CheckState>,
    component_states: BTreeMap<ComponentId, ComponentState>,
    book: Book,
    days: BTreeMap<(DayNo, ComponentId), Vec<u8>>,
    outbox: BTreeMap<JobId, Envelope>,
    outbox_failed: BTreeMap<JobId, Envelope>,
    subscribers: BTreeMap<String, Subscriber>,
    answers: BTreeMap<(IncidentId, String), (Answer, DateTime<Utc>)>,
    /// By time, then a unique number.
    reports: BTreeMap<(DateTime<Utc>, u64), crate::reports::Report>,
    report_alarms: BTreeMap<ComponentId, DateTime<Utc>>,
}

#[derive(Default)]
pub struct MemoryStore {
    records: Mutex<Records>,
    ids: AtomicU64,
    /// While set, every write fails (as a full disk would).
    refuse_writes: AtomicBool,
    health: Health,
}

impl MemoryStore {
    /// Makes every later write fail (true) or succeed again (false).
    pub fn refuse_writes(&self, refuse: bool) {
        self.refuse_writes.store(refuse, Ordering::Relaxed);
    }

    fn read(&self) -> MutexGuard<'_, Records> {
        // Plain data: a panic elsewhere cannot leave it torn.
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> Result<MutexGuard<'_, Records>, StoreError> {
        self.refused()?;
        self.health.written();
        Ok(self.read())
    }

    fn refused(&self) -> Result<(), StoreError> {
        if self.refuse_writes.load(Ordering::Relaxed) {
            let e = StoreError::Backend("no space left on device (simulated)".into());
            self.health.failed(&e);
            return Err(e);
        }
        Ok(())
    }

    fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed) + 1
    }
}

impl StateStore for MemoryStore {
    fn record(&self, result: &CheckResult, state: &CheckState) -> Result<(), StoreError> {
        let mut r = self.write()?;
        r.results
            .entry(result.check.clone())
            .or_default()
            .push(StoredResult {
                at: result.at,
                duration: result.duration,
                outcome: result.outcome,
                reason: result.reason.clone(),
            });
        r.check_states.insert(result.check.clone(), state.clone());
        Ok(())
    }

    fn checkpoint(&self) -> Result<(), StoreError> {
        self.write().map(drop)
    }

    fn commit(&self, c: &Commit<'_>) -> Result<(), StoreError> {
        let mut r = self.write()?;
        for i in &c.incidents {
            r.book.incidents.insert(i.id.clone(), (*i).clone());
        }
        for m in &c.maintenances {
            r.book.maintenances.insert(m.id.clone(), (*m).clone());
        }
        for (id, o) in &c.overrides {
            match o {
                Some(o) => r.book.overrides.insert((*id).clone(), (*o).clone()),
                None => r.book.overrides.remove(*id),
            };
        }
        for (id, s) in &c.components {
            r.component_states.insert((*id).clone(), (*s).clone());
        }
        for job in &c.jobs {
            let id = self.next_id();
            r.outbox.insert(id, job.clone());
        }
        Ok(())
    }

    fn load_state(&self) -> Result<States, StoreError> {
        let r = self.read();
        Ok((
            r.check_states.clone().into_iter().collect(),
            r.component_states.clone().into_iter().collect(),
        ))
    }

    fn load_book(&self) -> Result<Book, StoreError> {
        Ok(self.read().book.clone())
    }

    fn results(
        &self,
        check: &CheckId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StoredResult>, StoreError> {
        let r = self.read();
        let all = r.results.get(check).map(Vec::as_slice).unwrap_or_default();
        Ok(all
            .iter()
            .filter(|s| from <= s.at && s.at < to)
            .cloned()
            .collect())
    }

    fn prune(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut r = self.write()?;
        let mut n = 0;
        for results in r.results.values_mut() {
            let len = results.len();
            results.retain(|s| s.at >= before);
            n += len - results.len();
        }
        Ok(n)
    }
}

impl RollupStore for MemoryStore {
    fn save_days(&self, days: &[(DayNo, ComponentId, Vec<u8>)]) -> Result<(), StoreError> {
        let mut r = self.write()?;
        for (day, component, bytes) in days {
            r.days.insert((*day, component.clone()), bytes.clone());
        }
        Ok(())
    }

    fn load_days(
        &self,
        from: DayNo,
        hours_from: DayNo,
    ) -> Result<Vec<(DayNo, ComponentId, Day)>, StoreError> {
        let r = self.read();
        Ok((r.days.iter())
            .filter(|((day, _), _)| *day >= from)
            .filter_map(|((day, c), bytes)| {
                Some((*day, c.clone(), Day::decode(bytes, *day >= hours_from)?))
            })
            .collect())
    }

    fn prune_days(&self, before: DayNo) -> Result<usize, StoreError> {
        let mut r = self.write()?;
        let len = r.days.len();
        r.days.retain(|(day, _), _| *day >= before);
        Ok(len - r.days.len())
    }
}

impl OutboxStore for MemoryStore {
    fn jobs(
        &self,
        after: Option<JobId>,
        limit: usize,
    ) -> Result<Vec<(JobId, Envelope)>, StoreError> {
        let r = self.read();
        let start = after.map_or(0, |a| a.saturating_add(1));
        Ok((r.outbox.range(start..))
            .take(limit)
            .map(|(id, e)| (*id, e.clone()))
            .collect())
    }

    fn enqueue(&self, jobs: &[Envelope]) -> Result<(), StoreError> {
        let mut r = self.write()?;
        for job in jobs {
            r.outbox.insert(self.next_id(), job.clone());
        }
        Ok(())
    }

    fn replace_job(&self, id: JobId, job: &Envelope, split: &[Envelope]) -> Result<(), StoreError> {
        let mut r = self.write()?;
        r.outbox.insert(id, job.clone());
        for job in split {
            r.outbox.insert(self.next_id(), job.clone());
        }
        Ok(())
    }

    fn finish_job(&self, id: JobId) -> Result<(), StoreError> {
        self.write()?.outbox.remove(&id);
        Ok(())
    }

    fn fail_job(&self, id: JobId, job: &Envelope) -> Result<(), StoreError> {
        let mut r = self.write()?;
        r.outbox.remove(&id);
        r.outbox_failed.insert(id, job.clone());
        Ok(())
    }

    fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let r = self.read();
        Ok(OutboxCounts {
            queued: r.outbox.len() as u64,
            retrying: r.outbox.values().filter(|e| e.attempts > 0).count() as u64,
            failed: r.outbox_failed.len() as u64,
        })
    }

    fn failed_jobs(&self, limit: usize) -> Result<Vec<(JobId, Envelope)>, StoreError> {
        let r = self.read();
        Ok((r.outbox_failed.iter())
            .take(limit)
            .map(|(id, e)| (*id, e.clone()))
            .collect())
    }
}

impl Storage for MemoryStore {
    /// Fails while writes are refused, as a flush to a full disk does.
    fn flush(&self) -> Flushing<'_> {
        Box::pin(async {
            self.refused()?;
            self.health.flushed();
            Ok(())
        })
    }

    fn healthy(&self) -> bool {
        self.health.is_ok()
    }

    fn recover(&self) -> Flushing<'_> {
        Box::pin(async {
            if !self.health.is_ok() {
                self.refused()?;
                self.health.written();
                self.health.flushed();
            }
            Ok(())
        })
    }

    fn inject_disk_full(&self, full: bool) {
        self.refuse_writes(full);
    }
}
