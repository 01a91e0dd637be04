//! PostgreSQL as the store (`[server] database_url`): the records the sled
//! store keeps, one table per kind (`migrations/`), for several nodes on one
//! database that the operator already runs, replicates and backs up.
//!
//! Every trait method is one statement or one transaction on the store's
//! connection ([`link`]). Records are Candor's own JSON bytes, result blocks
//! and uptime days its own packed encoding, exactly as in sled. Results and
//! check states wait in the same in-memory journal as with sled and are
//! written at checkpoints, in one statement per table. A commit is durable
//! when PostgreSQL acknowledges it, so `flush` has nothing left to wait for.
//! Nothing of rust-postgres leaves this module.

mod feed;
pub mod import;
pub mod lease;
mod link;
mod migrate;
mod records;
mod subscribers;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use postgres::{Client, Transaction};

use super::health::Health;
use super::{Commit, StateStore, States, Storage, StoreError, StoredResult, blocks, journal};
use crate::engine::{CheckState, ComponentState};
use crate::incidents::{Book, Incident, Maintenance, Override};
use crate::model::{CheckId, CheckResult, ComponentId};
use link::backend;

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct PgStore {
    link: Arc<link::Sender>,
    journal: Arc<Mutex<journal::Journal>>,
    /// Held through a whole checkpoint, as in the sled store.
    checkpointing: Arc<Mutex<()>>,
    health: Arc<Health>,
    /// Tests only: every write fails (see [`Storage::inject_disk_full`]).
    refuse: Arc<AtomicBool>,
    /// The leader's node and epoch, checked by every write (see `lease`).
    fence: Arc<Mutex<Option<(String, i64)>>>,
}

impl PgStore {
    /// Connects to the database at `url` and brings its schema up to date.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let link = link::Sender::spawn(link::Link::new(url)?)?;
        link.run(migrate::run).map_err(|e| match e {
            StoreError::Backend(detail) => StoreError::Database(detail),
            e => e,
        })?;
        Ok(Self {
            link: Arc::new(link),
            journal: Arc::default(),
            checkpointing: Arc::default(),
            health: Arc::default(),
            refuse: Arc::default(),
            fence: Arc::default(),
        })
    }

    /// Every later write checks, in its own transaction, that `node` still
    /// holds the lease at `epoch`, and fails if not; `None`: unchecked.
    ///
    /// Results and check states still waiting for a checkpoint are dropped:
    /// they belong to a leadership that ended (its checkpoint failed at the
    /// fence), and written later they would overwrite newer ones of the
    /// node that leads now.
    pub fn set_fence(&self, fence: Option<(String, i64)>) {
        *self.fence.lock().unwrap_or_else(|p| p.into_inner()) = fence;
        let (blocks, states) = self.journal().take();
        if !(blocks.is_empty() && states.is_empty()) {
            tracing::info!(
                blocks = blocks.len(),
                states = states.len(),
                "dropped results kept by a leadership that ended"
            );
        }
    }

    /// Runs a read; a backend error is noted in the store's health.
    fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let got = self.link.run(f);
        if let Err(e) = &got {
            self.health.failed(e);
        }
        got
    }

    /// A write the pages show: standbys render theirs again after it.
    fn write<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        self.write_as(true, f)
    }

    /// A write no page shows (the outbox's progress, subscriber records,
    /// pruning): no notice, so a broadcast to many does not make every
    /// standby render again and again.
    fn write_quiet<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        self.write_as(false, f)
    }

    /// Runs a write in one transaction: the fence first (when set), then
    /// `f`, then (when `shown`) a notice to the standbys, committed together.
    /// Its failure or success is noted in the store's health.
    fn write_as<R: Send + 'static>(
        &self,
        shown: bool,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        if self.refuse.load(Ordering::Relaxed) {
            let e = StoreError::Backend(
                "could not extend file: No space left on device (injected)".into(),
            );
            self.health.failed(&e);
            return Err(e);
        }
        let fence = self.fence.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let done = self.read(move |c| {
            let mut tx = c.transaction().map_err(backend)?;
            if let Some((node, epoch)) = &fence {
                // Locks the lease row until this commits: a node taking the
                // lease waits for it, and a lost lease fails it.
                let held = tx
                    .query_opt(
                        "SELECT 1 FROM candor_lease WHERE id = 1 AND holder = $1 AND epoch = $2 \
                         AND expires_at > now() FOR SHARE",
                        &[node, epoch],
                    )
                    .map_err(backend)?;
                if held.is_none() {
                    return Err(StoreError::Backend(format!(
                        "this node no longer holds the leader's lease (epoch {epoch}): nothing written"
                    )));
                }
            }
            let out = f(&mut tx)?;
            if shown {
                tx.batch_execute(&format!("NOTIFY {}", lease::CHANGES))
                    .map_err(backend)?;
            }
            tx.commit().map_err(backend)?;
            Ok(out)
        });
        if done.is_ok() {
            self.health.written();
            // A commit PostgreSQL acknowledged is durable: nothing to flush.
            self.health.flushed();
        }
        done
    }

    fn journal(&self) -> MutexGuard<'_, journal::Journal> {
        self.journal.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn write_journal(&self) -> Result<(), StoreError> {
        let writes = self.journal().take();
        let (blocks, states) = &writes;
        if blocks.is_empty() && states.is_empty() {
            return Ok(());
        }
        let mut hours = Vec::with_capacity(blocks.len());
        let mut checks = Vec::with_capacity(blocks.len());
        let mut bytes = Vec::with_capacity(blocks.len());
        for (key, block) in blocks {
            if let Some((hour, check)) = blocks::split_key(key) {
                hours.push(hour_param(hour));
                checks.push(check.to_owned());
                bytes.push(block.clone());
            }
        }
        let encoded: Result<Vec<(String, Vec<u8>)>, StoreError> = (states.iter())
            .map(|(check, state)| Ok((check.as_str().to_owned(), json(state, "check state")?)))
            .collect();
        let written = encoded.and_then(|states| {
            let (ids, states): (Vec<String>, Vec<Vec<u8>>) = states.into_iter().unzip();
            self.write(move |tx| {
                tx.execute(
                    "INSERT INTO result_blocks (hour, check_id, block) \
                     SELECT * FROM unnest($1::integer[], $2::text[], $3::bytea[]) \
                     ON CONFLICT (hour, check_id) DO UPDATE SET block = EXCLUDED.block",
                    &[&hours, &checks, &bytes],
                )
                .map_err(backend)?;
                tx.execute(
                    "INSERT INTO check_states (check_id, state) \
                     SELECT * FROM unnest($1::text[], $2::bytea[]) \
                     ON CONFLICT (check_id) DO UPDATE SET state = EXCLUDED.state",
                    &[&ids, &states],
                )
                .map_err(backend)?;
                Ok(())
            })
        });
        if written.is_err() {
            self.journal().restore(writes);
        }
        written
    }

    /// The stored block of `check` for each hour in `hours`.
    fn stored_blocks(
        &self,
        check: &CheckId,
        hours: std::ops::RangeInclusive<u32>,
    ) -> Result<Vec<(u32, Vec<u8>)>, StoreError> {
        let check = check.as_str().to_owned();
        let (first, last) = (hour_param(*hours.start()), hour_param(*hours.end()));
        self.read(move |c| {
            let rows = c
                .query(
                    "SELECT hour, block FROM result_blocks \
                     WHERE check_id = $1 AND hour BETWEEN $2 AND $3 ORDER BY hour",
                    &[&check, &first, &last],
                )
                .map_err(backend)?;
            rows.iter()
                .map(|r| {
                    Ok((
                        hour_of_row(r.try_get(0).map_err(backend)?),
                        r.try_get(1).map_err(backend)?,
                    ))
                })
                .collect()
        })
    }
}

/// Hours since 1970 fit PostgreSQL's `integer` until the year 246,953.
fn hour_param(hour: u32) -> i32 {
    i32::try_from(hour).unwrap_or(i32::MAX)
}

fn hour_of_row(hour: i32) -> u32 {
    u32::try_from(hour).unwrap_or(0)
}

/// A record as Candor's JSON bytes.
fn json<T: serde::Serialize>(value: &T, what: &str) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::corrupt(what, e))
}

fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::corrupt(what, e))
}

/// Every `(id, record)` row of `sql`, decoded.
fn rows_of<T: serde::de::DeserializeOwned>(
    c: &mut Client,
    sql: &str,
    what: &str,
) -> Result<Vec<(String, T)>, StoreError> {
    let rows = c.query(sql, &[]).map_err(backend)?;
    rows.iter()
        .map(|r| {
            let id: String = r.try_get(0).map_err(backend)?;
            let bytes: Vec<u8> = r.try_get(1).map_err(backend)?;
            let value = from_json(&bytes, &format!("{what} {id}"))?;
            Ok((id, value))
        })
        .collect()
}

impl StateStore for PgStore {
    /// Keeps a result and the check state it produced; they are written at
    /// the next [`StateStore::checkpoint`].
    fn record(&self, result: &CheckResult, state: &CheckState) -> Result<(), StoreError> {
        let stored = |hour: u32| match self.stored_blocks(&result.check, hour..=hour) {
            Ok(mut found) => found.pop().map_or(journal::Stored::Nothing, |(_, bytes)| {
                journal::Stored::Whole(bytes)
            }),
            // The hour starts afresh in memory, as with sled; the store's
            // health says that the database fails.
            Err(e) => {
                tracing::debug!(check = %result.check, error = %e, "cannot read this hour's stored results");
                journal::Stored::Unreadable
            }
        };
        self.journal().push(result, state, stored);
        Ok(())
    }

    fn checkpoint(&self) -> Result<(), StoreError> {
        let _one_at_a_time = self.checkpointing.lock().unwrap_or_else(|p| p.into_inner());
        self.write_journal()
    }

    fn commit(&self, c: &Commit<'_>) -> Result<(), StoreError> {
        let change = records::Change::of(c)?;
        self.write(move |tx| change.write(tx))
    }

    fn load_state(&self) -> Result<States, StoreError> {
        self.read(|c| {
            let checks = rows_of::<CheckState>(
                c,
                "SELECT check_id, state FROM check_states",
                "state of check",
            )?
            .into_iter()
            .filter_map(|(id, s)| Some((CheckId::parse_stored(&id).ok()?, s)))
            .collect();
            let components = rows_of::<ComponentState>(
                c,
                "SELECT component_id, state FROM component_states",
                "state of component",
            )?
            .into_iter()
            .filter_map(|(id, s)| Some((ComponentId::parse(&id).ok()?, s)))
            .collect();
            Ok((checks, components))
        })
    }

    fn load_book(&self) -> Result<Book, StoreError> {
        self.read(|c| {
            Ok(Book {
                incidents: rows_of::<Incident>(c, "SELECT id, record FROM incidents", "incident")?
                    .into_iter()
                    .map(|(_, i)| (i.id.clone(), i))
                    .collect(),
                maintenances: rows_of::<Maintenance>(
                    c,
                    "SELECT id, record FROM maintenances",
                    "maintenance",
                )?
                .into_iter()
                .map(|(_, m)| (m.id.clone(), m))
                .collect(),
                overrides: rows_of::<Override>(
                    c,
                    "SELECT component_id, record FROM overrides",
                    "override",
                )?
                .into_iter()
                .filter_map(|(id, o)| Some((ComponentId::parse(&id).ok()?, o)))
                .collect(),
            })
        })
    }

    fn results(
        &self,
        check: &CheckId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StoredResult>, StoreError> {
        if to <= from {
            return Ok(Vec::new());
        }
        // The written blocks of the whole range in one query.
        let hours = blocks::hour_of(from)..=blocks::hour_of(to - chrono::Duration::milliseconds(1));
        let mut written: std::collections::HashMap<u32, Vec<u8>> =
            self.stored_blocks(check, hours)?.into_iter().collect();
        blocks::results_within(from, to, |hour| {
            let pending = self.journal().pending(check, hour).map(<[u8]>::to_vec);
            Ok(pending.or_else(|| written.remove(&hour)))
        })
    }

    fn prune(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let cutoff = blocks::hour_of(before);
        let hour = hour_param(cutoff);
        let n = self.write_quiet(move |c| {
            c.execute("DELETE FROM result_blocks WHERE hour < $1", &[&hour])
                .map_err(backend)
        })?;
        self.journal().forget_before(cutoff);
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }
}

impl Storage for PgStore {
    /// Every write was durable when PostgreSQL acknowledged it.
    fn flush(&self) -> super::Flushing<'_> {
        Box::pin(async move {
            if self.refuse.load(Ordering::Relaxed) {
                let e = StoreError::Backend(
                    "could not extend file: No space left on device (injected)".into(),
                );
                self.health.failed(&e);
                return Err(e);
            }
            self.health.flushed();
            Ok(())
        })
    }

    fn healthy(&self) -> bool {
        self.health.is_ok()
    }

    /// While failing, writes one row that must commit (connecting again if
    /// the connection broke). Runs on a blocking thread: a database that is
    /// down takes up to the connect timeout to say so.
    fn recover(&self) -> super::Flushing<'_> {
        Box::pin(async move {
            if self.health.is_ok() {
                return Ok(());
            }
            let store = self.clone();
            tokio::task::spawn_blocking(move || {
                store.write_quiet(|c| {
                    c.execute(
                        "INSERT INTO probe (id, at) VALUES (1, now()) \
                         ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at",
                        &[],
                    )
                    .map(drop)
                    .map_err(backend)
                })
            })
            .await
            .map_err(|e| StoreError::Backend(format!("the recovery probe stopped: {e}")))?
        })
    }

    fn inject_disk_full(&self, full: bool) {
        self.refuse.store(full, Ordering::Relaxed);
    }
}
