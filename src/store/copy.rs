//! `candor migrate-store`: an installation copied from the sled store into an
//! empty PostgreSQL database, every record as it is stored (the same JSON and
//! packed bytes; outbox job ids kept, so queued notices go out once, in order).

use std::collections::BTreeMap;
use std::path::Path;

use super::StoreError;

/// One stored record, in the form both stores keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A check's packed results of one hour.
    Block {
        hour: u32,
        check: String,
        bytes: Vec<u8>,
    },
    CheckState {
        check: String,
        json: Vec<u8>,
    },
    ComponentState {
        component: String,
        json: Vec<u8>,
    },
    Incident {
        id: String,
        json: Vec<u8>,
    },
    Maintenance {
        id: String,
        json: Vec<u8>,
    },
    Override {
        component: String,
        json: Vec<u8>,
    },
    /// A component's uptime of one local day.
    Day {
        day: u32,
        component: String,
        bytes: Vec<u8>,
    },
    Job {
        id: u64,
        json: Vec<u8>,
    },
    FailedJob {
        id: u64,
        json: Vec<u8>,
    },
    Subscriber {
        json: Vec<u8>,
    },
    Answer {
        incident: String,
        subscriber: String,
        json: Vec<u8>,
    },
    Report {
        json: Vec<u8>,
    },
    Alarm {
        component: String,
        json: Vec<u8>,
    },
}

impl Record {
    /// What the summary calls this kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Block { .. } => "hours of check results",
            Record::CheckState { .. } => "check states",
            Record::ComponentState { .. } => "component states",
            Record::Incident { .. } => "incidents",
            Record::Maintenance { .. } => "maintenances",
            Record::Override { .. } => "component overrides",
            Record::Day { .. } => "days of uptime",
            Record::Job { .. } => "queued notifications",
            Record::FailedJob { .. } => "failed notifications",
            Record::Subscriber { .. } => "subscribers",
            Record::Answer { .. } => "subscriber answers",
            Record::Report { .. } => "visitor reports",
            Record::Alarm { .. } => "report alarms",
        }
    }
}

/// How many records of each kind were copied.
pub type Copied = BTreeMap<&'static str, u64>;

/// Records are written this many at a time.
const CHUNK: usize = 2_000;

/// Copies every record of the sled store in `dir` into the empty database at
/// `url` (its schema is created first), in one transaction: all of it or,
/// on any error, nothing. `dir` must not be in use by a running Candor.
pub fn sled_to_postgres(dir: &Path, url: &str) -> Result<Copied, StoreError> {
    if !dir.is_dir() {
        return Err(StoreError::Open {
            path: dir.to_owned(),
            detail: "there is no data directory there".into(),
        });
    }
    let from = super::sled_store::SledStore::open(dir)?;
    super::pg_store::PgStore::connect(url)?;
    let mut into = super::pg_store::import::Import::begin(url)?;
    let mut copied = Copied::new();
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut failed = None;
    from.dump(&mut |record| {
        if failed.is_some() {
            return;
        }
        *copied.entry(record.kind()).or_default() += 1;
        chunk.push(record);
        if chunk.len() >= CHUNK
            && let Err(e) = into.write(std::mem::take(&mut chunk))
        {
            failed = Some(e);
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    into.write(chunk)?;
    into.commit()?;
    Ok(copied)
}
