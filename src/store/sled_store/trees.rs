//! The open database: sled's handle and one tree per kind of record.

use std::path::Path;

use super::{migrate, parts, reports, subscribers};
use crate::store::StoreError;

/// Every tree of one open database. Replaced as a whole when the database is
/// reopened after a failure (see `recover`).
pub(super) struct Trees {
    pub db: sled::Db,
    /// Raw results, one entry per check and hour (see `blocks`).
    pub blocks: sled::Tree,
    /// The hour under way's results, appended per checkpoint (see `parts`).
    pub parts: sled::Tree,
    /// Uptime per component and local day (see `rollups`).
    pub rollups: sled::Tree,
    pub check_state: sled::Tree,
    pub component_state: sled::Tree,
    pub incidents: sled::Tree,
    pub maintenances: sled::Tree,
    pub overrides: sled::Tree,
    pub outbox: sled::Tree,
    pub outbox_failed: sled::Tree,
    pub subscribers: subscribers::Trees,
    /// Visitors' reports and the alarms they raised (see `reports`).
    pub reports: reports::Trees,
}

impl Trees {
    /// Opens (creating if needed) the database in `dir` and runs migrations.
    pub fn open(dir: &Path, cache_size: u64) -> Result<Self, StoreError> {
        let open = |source: sled::Error| StoreError::Open {
            path: dir.to_owned(),
            detail: source.to_string(),
        };
        let db = sled::Config::new()
            .path(dir.join("db"))
            .cache_capacity(cache_size)
            .flush_every_ms(Some(500))
            .open()
            .map_err(open)?;
        migrate::run(&db, dir)?;
        Ok(Self {
            blocks: db.open_tree(migrate::BLOCKS).map_err(open)?,
            parts: db.open_tree(parts::TREE).map_err(open)?,
            rollups: db.open_tree("uptime_days").map_err(open)?,
            check_state: db.open_tree("check_state").map_err(open)?,
            component_state: db.open_tree("component_state").map_err(open)?,
            incidents: db.open_tree("incidents").map_err(open)?,
            maintenances: db.open_tree("maintenances").map_err(open)?,
            overrides: db.open_tree("overrides").map_err(open)?,
            outbox: db.open_tree("outbox").map_err(open)?,
            outbox_failed: db.open_tree("outbox_failed").map_err(open)?,
            subscribers: subscribers::Trees::open(&db).map_err(open)?,
            reports: reports::Trees::open(&db).map_err(open)?,
            db,
        })
    }
}
