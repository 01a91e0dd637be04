//! Visitors' reports in sled: `reports` (milliseconds since the epoch and a
//! unique id, both big-endian, so keys sort by time → the report) and
//! `report_alarms` (component id → since when its alarm is raised). A change
//! is written with the webhook jobs it causes in one transaction.

use chrono::{DateTime, Utc};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::SledStore;
use super::keys::millis;
use crate::model::ComponentId;
use crate::reports::Report;
use crate::store::{ReportChange, ReportStore, StoreError};

/// Keys removed per batch when pruning.
const PRUNE_CHUNK: usize = 4096;

#[derive(Clone)]
pub struct Trees {
    records: sled::Tree,
    alarms: sled::Tree,
}

impl Trees {
    pub fn open(db: &sled::Db) -> Result<Self, sled::Error> {
        Ok(Self {
            records: db.open_tree("reports")?,
            alarms: db.open_tree("report_alarms")?,
        })
    }
}

/// Time first, so a range of keys is a range of time.
fn key(at: DateTime<Utc>, id: u64) -> [u8; 16] {
    let mut k = [0; 16];
    k[..8].copy_from_slice(&millis(at).to_be_bytes());
    k[8..].copy_from_slice(&id.to_be_bytes());
    k
}

fn encode<T: serde::Serialize>(what: &str, value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::corrupt(what, e))
}

fn decode<T: serde::de::DeserializeOwned>(what: &str, v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(|e| StoreError::corrupt(what, e))
}

impl ReportStore for SledStore {
    fn save_reports(&self, change: &ReportChange<'_>) -> Result<(), StoreError> {
        let report = change.report.map(|r| encode("report", r)).transpose()?;
        let alarms = (change.alarms.iter())
            .map(|(c, since)| Ok((c.as_str(), since.map(|s| encode("alarm", &s)).transpose()?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let jobs = (change.jobs.iter())
            .map(|j| encode("job", j))
            .collect::<Result<Vec<_>, StoreError>>()?;
        self.write(|trees| {
            let at = change.report.map(|r| r.at);
            let key = at.map(|at| Ok::<_, sled::Error>(key(at, trees.db.generate_id()?)));
            let key = key.transpose()?;
            let t = &trees.reports;
            (&t.records, &t.alarms, &trees.outbox)
                .transaction(|(records, alarm_tree, outbox)| {
                    if let (Some(key), Some(report)) = (&key, &report) {
                        records.insert(&key[..], report.as_slice())?;
                    }
                    for (component, since) in &alarms {
                        match since {
                            Some(since) => {
                                alarm_tree.insert(component.as_bytes(), since.as_slice())?
                            }
                            None => alarm_tree.remove(component.as_bytes())?,
                        };
                    }
                    for job in &jobs {
                        outbox.insert(&outbox.generate_id()?.to_be_bytes(), job.as_slice())?;
                    }
                    Ok::<(), ConflictableTransactionError<()>>(())
                })
                .map_err(from_tx)
        })
    }

    fn reports_since(&self, since: DateTime<Utc>) -> Result<Vec<Report>, StoreError> {
        self.read(|t| {
            (t.reports.records.range(key(since, 0)..))
                .map(|item| decode("report", &item?.1))
                .collect()
        })
    }

    fn latest_reports(&self, limit: usize) -> Result<Vec<Report>, StoreError> {
        self.read(|t| {
            (t.reports.records.iter().rev())
                .take(limit)
                .map(|item| decode("report", &item?.1))
                .collect()
        })
    }

    fn report_alarms(&self) -> Result<Vec<(ComponentId, DateTime<Utc>)>, StoreError> {
        self.read(|t| {
            let mut out = Vec::new();
            for item in t.reports.alarms.iter() {
                let (k, v) = item?;
                // An id this build cannot read names no configured component.
                let Ok(id) = ComponentId::parse(&String::from_utf8_lossy(&k)) else {
                    continue;
                };
                out.push((id, decode("alarm", &v)?));
            }
            Ok(out)
        })
    }

    /// Blocking (a scan of the tree to count it): call it off the executor.
    fn prune_reports(&self, before: DateTime<Utc>, keep: usize) -> Result<usize, StoreError> {
        let mut deleted = 0;
        loop {
            let n = self.write(|t| {
                let records = &t.reports.records;
                let old = records.range(..key(before, 0)).keys().take(PRUNE_CHUNK);
                remove_all(records, old)
            })?;
            deleted += n;
            if n < PRUNE_CHUNK {
                break;
            }
        }
        loop {
            let n = self.write(|t| {
                let records = &t.reports.records;
                let over = records.len().saturating_sub(keep).min(PRUNE_CHUNK);
                remove_all(records, records.iter().keys().take(over))
            })?;
            deleted += n;
            if n == 0 {
                break;
            }
        }
        Ok(deleted)
    }
}

/// Removes every key in one batch; how many.
fn remove_all(
    tree: &sled::Tree,
    keys: impl Iterator<Item = sled::Result<sled::IVec>>,
) -> Result<usize, StoreError> {
    let mut batch = sled::Batch::default();
    let mut n = 0;
    for k in keys {
        batch.remove(k?);
        n += 1;
    }
    tree.apply_batch(batch)?;
    Ok(n)
}

fn from_tx(e: TransactionError<()>) -> StoreError {
    match e {
        TransactionError::Storage(e) => StoreError::from(e),
        TransactionError::Abort(()) => StoreError::corrupt("transaction", "aborted"),
    }
}

impl Trees {
    /// Every report (in time order) and alarm, for `candor migrate-store`.
    pub fn dump(&self, sink: &mut dyn FnMut(crate::store::copy::Record)) -> Result<(), StoreError> {
        use crate::store::copy::Record;
        for item in self.records.iter() {
            let (_, v) = item?;
            sink(Record::Report { json: v.to_vec() });
        }
        for item in self.alarms.iter() {
            let (k, v) = item?;
            sink(Record::Alarm {
                component: String::from_utf8_lossy(&k).into_owned(),
                json: v.to_vec(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::outbox::{Envelope, Job, Letter};
    use crate::store::Storage;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::days(20_000) + Duration::minutes(minutes)
    }

    fn report(c: &str, m: i64, text: &str) -> Report {
        Report {
            component: ComponentId::parse(c).unwrap(),
            at: at(m),
            text: (!text.is_empty()).then(|| text.to_owned()),
        }
    }

    /// The contract every backend keeps, run on sled and on memory alike.
    fn keeps_reports_in_time_order_with_their_alarms_and_jobs(store: &dyn Storage) {
        let api = ComponentId::parse("api").unwrap();
        for (i, r) in [
            report("api", 5, "b"),
            report("db", 1, ""),
            report("api", 5, "c"),
        ]
        .iter()
        .enumerate()
        {
            let alarm = (i == 2).then(|| (&api, Some(at(5))));
            let job = Envelope::new(
                Job::Send(Letter::Confirmation {
                    email: "a@example.com".into(),
                    token: "t".into(),
                    language: None,
                }),
                at(5),
            );
            let change = ReportChange {
                report: Some(r),
                alarms: alarm.into_iter().collect(),
                jobs: if i == 2 { vec![job] } else { Vec::new() },
            };
            store.save_reports(&change).unwrap();
        }
        let texts = |rs: Vec<Report>| -> Vec<String> {
            rs.iter()
                .map(|r| {
                    format!(
                        "{}@{}:{}",
                        r.component,
                        (r.at - at(0)).num_minutes(),
                        r.text.as_deref().unwrap_or("-")
                    )
                })
                .collect()
        };
        assert_eq!(
            texts(store.reports_since(at(0)).unwrap()),
            ["db@1:-", "api@5:b", "api@5:c"]
        );
        assert_eq!(
            texts(store.reports_since(at(5)).unwrap()),
            ["api@5:b", "api@5:c"]
        );
        assert_eq!(
            texts(store.reports_since(at(6)).unwrap()),
            Vec::<String>::new()
        );
        assert_eq!(
            texts(store.latest_reports(2).unwrap()),
            ["api@5:c", "api@5:b"]
        );
        assert_eq!(store.report_alarms().unwrap(), [(api.clone(), at(5))]);
        assert_eq!(
            store.outbox_counts().unwrap().queued,
            1,
            "the job went with it"
        );
        let clear = ReportChange {
            alarms: vec![(&api, None)],
            ..ReportChange::default()
        };
        store.save_reports(&clear).unwrap();
        assert_eq!(store.report_alarms().unwrap(), []);

        for m in 10..20 {
            let change = ReportChange {
                report: Some(&report("web", m, "")),
                ..ReportChange::default()
            };
            store.save_reports(&change).unwrap();
        }
        assert_eq!(
            store.prune_reports(at(5), 100).unwrap(),
            1,
            "db@1 is too old"
        );
        assert_eq!(
            store.prune_reports(at(0), 4).unwrap(),
            8,
            "only the newest 4 stay"
        );
        assert_eq!(
            texts(store.reports_since(at(0)).unwrap()),
            ["web@16:-", "web@17:-", "web@18:-", "web@19:-"]
        );
        assert_eq!(store.prune_reports(at(0), 4).unwrap(), 0);
    }

    #[test]
    fn sled_keeps_reports_in_time_order_with_their_alarms_and_jobs() {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open(dir.path()).unwrap();
        keeps_reports_in_time_order_with_their_alarms_and_jobs(&store);
        drop(store);
        let reopened = crate::store::sled_store::tests::reopen(dir.path()).unwrap();
        assert_eq!(reopened.reports_since(at(0)).unwrap().len(), 4, "on disk");
    }

    #[test]
    fn memory_keeps_reports_in_time_order_with_their_alarms_and_jobs() {
        keeps_reports_in_time_order_with_their_alarms_and_jobs(&*crate::store::in_memory());
    }

    #[test]
    fn pruning_a_large_backlog_takes_several_batches() {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open(dir.path()).unwrap();
        for s in 0..(PRUNE_CHUNK as i64 * 2 + 10) {
            let mut r = report("api", 0, "");
            r.at += Duration::milliseconds(s);
            let change = ReportChange {
                report: Some(&r),
                ..ReportChange::default()
            };
            store.save_reports(&change).unwrap();
        }
        assert_eq!(
            store.prune_reports(at(60), 10).unwrap(),
            PRUNE_CHUNK * 2 + 10
        );
        assert!(store.reports_since(at(0)).unwrap().is_empty());
    }
}
