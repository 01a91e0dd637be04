//! Versioned migrations, embedded in the binary: `migrations/NNNN_*.sql`,
//! applied in order at start, each in its own transaction with its number
//! recorded in `candor_migrations`. Nodes starting together take turns (a
//! transaction-scoped advisory lock), so each migration runs once. A
//! database migrated by a newer Candor is refused, as sled's is.

use postgres::Client;

use super::link::backend;
use crate::store::StoreError;

/// Every migration, in order: (version, name, SQL).
const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "schema", include_str!("migrations/0001_schema.sql")),
    (2, "lease", include_str!("migrations/0002_lease.sql")),
    (3, "feed", include_str!("migrations/0003_feed.sql")),
];

/// The advisory lock key of migrations ("candor" in ASCII, as a number).
const LOCK: i64 = 0x63_61_6e_64_6f_72;

/// The newest migration this build knows.
pub fn latest() -> i32 {
    MIGRATIONS.last().map_or(0, |(v, _, _)| *v)
}

/// Applies what the database lacks.
pub fn run(c: &mut Client) -> Result<(), StoreError> {
    c.batch_execute(
        "CREATE TABLE IF NOT EXISTS candor_migrations (
             version integer PRIMARY KEY,
             name text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .map_err(backend)?;
    for (version, name, sql) in MIGRATIONS {
        let mut tx = c.transaction().map_err(backend)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])
            .map_err(backend)?;
        let newest: Option<i32> = tx
            .query_one("SELECT max(version) FROM candor_migrations", &[])
            .and_then(|r| r.try_get(0))
            .map_err(backend)?;
        if let Some(found) = newest.filter(|n| *n > latest()) {
            return Err(StoreError::Backend(format!(
                "the database was migrated by a newer Candor (migration {found}); this one knows up to {}",
                latest()
            )));
        }
        if newest.is_some_and(|n| n >= *version) {
            continue;
        }
        tx.batch_execute(sql).map_err(|e| {
            StoreError::Backend(format!(
                "migration {version} ({name}) failed: {}",
                backend(e)
            ))
        })?;
        tx.execute(
            "INSERT INTO candor_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .map_err(backend)?;
        tx.commit().map_err(backend)?;
        tracing::info!(version, name, "database migrated");
    }
    Ok(())
}
