//! The leader's lease (`candor_lease`, one row), the nodes' heartbeats
//! (`candor_nodes`), and the change notices standbys listen for.
//!
//! Times are the database's (`now()`), so nodes never compare clocks. The
//! lease runs on its own connection: a renewal never waits behind a long
//! write of the store.

use std::time::Duration;

use postgres::Client;

use super::link::{self, backend};
use crate::store::{Holder, LeaseStore, NodeSeen, StoreError};

/// The channel the leader's commits notify (`NOTIFY candor_changes`).
pub const CHANGES: &str = "candor_changes";

pub struct PgLease {
    link: link::Sender,
    url: String,
}

impl PgLease {
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        Ok(Self {
            link: link::Sender::spawn(link::Link::new(url)?)?,
            url: url.to_owned(),
        })
    }
}

fn seconds(d: Duration) -> f64 {
    d.as_secs_f64()
}

impl LeaseStore for PgLease {
    fn acquire(
        &self,
        node: &str,
        advertise: &str,
        ttl: Duration,
    ) -> Result<Option<i64>, StoreError> {
        let (node, advertise, ttl) = (node.to_owned(), advertise.to_owned(), seconds(ttl));
        self.link.run(move |c| {
            // Free (expired) or already ours: a new holder starts a new epoch.
            let row = c
                .query_opt(
                    "UPDATE candor_lease SET \
                       epoch = CASE WHEN holder = $1 AND expires_at > now() THEN epoch ELSE epoch + 1 END, \
                       changes = changes + CASE WHEN holder = $1 AND expires_at > now() THEN 0 ELSE 1 END, \
                       holder = $1, advertise_url = $2, \
                       expires_at = now() + make_interval(secs => $3) \
                     WHERE id = 1 AND (expires_at <= now() OR holder = $1) \
                     RETURNING epoch",
                    &[&node, &advertise, &ttl],
                )
                .map_err(backend)?;
            row.map(|r| r.try_get::<_, i64>(0).map_err(backend)).transpose()
        })
    }

    fn renew(&self, node: &str, epoch: i64, ttl: Duration) -> Result<bool, StoreError> {
        let (node, ttl) = (node.to_owned(), seconds(ttl));
        self.link.run(move |c| {
            let n = c
                .execute(
                    "UPDATE candor_lease SET expires_at = now() + make_interval(secs => $3) \
                     WHERE id = 1 AND holder = $1 AND epoch = $2 AND expires_at > now()",
                    &[&node, &epoch, &ttl],
                )
                .map_err(backend)?;
            Ok(n == 1)
        })
    }

    fn release(&self, node: &str, epoch: i64) -> Result<(), StoreError> {
        let node = node.to_owned();
        self.link.run(move |c| {
            c.execute(
                "UPDATE candor_lease SET expires_at = '-infinity' WHERE id = 1 AND holder = $1 AND epoch = $2",
                &[&node, &epoch],
            )
            .map(drop)
            .map_err(backend)
        })
    }

    fn holder(&self) -> Result<Option<Holder>, StoreError> {
        self.link.run(|c| {
            let r = c
                .query_one(
                    "SELECT holder, advertise_url, epoch, expires_at > now(), changes FROM candor_lease WHERE id = 1",
                    &[],
                )
                .map_err(backend)?;
            let node: Option<String> = r.try_get(0).map_err(backend)?;
            let live: bool = r.try_get(3).map_err(backend)?;
            let changes: i64 = r.try_get(4).map_err(backend)?;
            Ok(match (node, live) {
                (Some(node), true) => Some(Holder {
                    node,
                    advertise_url: r.try_get::<_, Option<String>>(1).map_err(backend)?.unwrap_or_default(),
                    epoch: r.try_get(2).map_err(backend)?,
                    changes: u64::try_from(changes).unwrap_or(0),
                }),
                _ => None,
            })
        })
    }

    fn seen(&self, node: &str, advertise: &str, role: &str) -> Result<(), StoreError> {
        let (node, advertise, role) = (node.to_owned(), advertise.to_owned(), role.to_owned());
        self.link.run(move |c| {
            c.execute(
                "INSERT INTO candor_nodes (node, advertise_url, role, seen_at) VALUES ($1, $2, $3, now()) \
                 ON CONFLICT (node) DO UPDATE SET advertise_url = EXCLUDED.advertise_url, \
                 role = EXCLUDED.role, seen_at = EXCLUDED.seen_at",
                &[&node, &advertise, &role],
            )
            .map(drop)
            .map_err(backend)
        })
    }

    fn nodes(&self, within: Duration) -> Result<Vec<NodeSeen>, StoreError> {
        let within = seconds(within);
        self.link.run(move |c| {
            let rows = c
                .query(
                    "SELECT node, advertise_url, role, extract(epoch FROM now() - seen_at)::float8 \
                     FROM candor_nodes WHERE seen_at > now() - make_interval(secs => $1) ORDER BY node",
                    &[&within],
                )
                .map_err(backend)?;
            rows.iter()
                .map(|r| {
                    let ago: f64 = r.try_get(3).map_err(backend)?;
                    Ok(NodeSeen {
                        node: r.try_get(0).map_err(backend)?,
                        advertise_url: r.try_get(1).map_err(backend)?,
                        role: r.try_get(2).map_err(backend)?,
                        seen_ago: Duration::try_from_secs_f64(ago.max(0.0)).unwrap_or_default(),
                    })
                })
                .collect()
        })
    }

    /// A thread that LISTENs for the leader's commits and calls `changed`
    /// for each (and once after every reconnection, as changes may have been
    /// missed meanwhile). It ends with the process.
    fn watch(&self, changed: Box<dyn Fn() + Send>) -> Result<(), StoreError> {
        let url = self.url.clone();
        std::thread::Builder::new()
            .name("candor-listen".into())
            .spawn(move || {
                loop {
                    if let Err(e) = listen(&url, &*changed) {
                        tracing::debug!(error = %e, "listening for changes failed; again in 1 s");
                    }
                    std::thread::sleep(Duration::from_secs(1));
                }
            })
            .map(drop)
            .map_err(|e| StoreError::Backend(format!("cannot start the listening thread: {e}")))
    }
}

/// One connection's listening, until it fails.
fn listen(url: &str, changed: &dyn Fn()) -> Result<(), StoreError> {
    let mut link = link::Link::new(url)?;
    let client: &mut Client = link.client()?;
    client
        .batch_execute(&format!("LISTEN {CHANGES}"))
        .map_err(backend)?;
    changed();
    loop {
        {
            let mut notes = client.notifications();
            let mut iter = notes.timeout_iter(Duration::from_secs(5));
            // Each commit, as it comes (the caller folds bursts together).
            while fallible_next(&mut iter)?.is_some() {
                changed();
            }
        }
        // A quiet connection is checked now and then: a database that went
        // away must be noticed, and listened to again once it is back.
        client.batch_execute("SELECT 1").map_err(backend)?;
    }
}

fn fallible_next(
    iter: &mut impl postgres::fallible_iterator::FallibleIterator<
        Item = postgres::Notification,
        Error = postgres::Error,
    >,
) -> Result<Option<postgres::Notification>, StoreError> {
    iter.next().map_err(backend)
}
