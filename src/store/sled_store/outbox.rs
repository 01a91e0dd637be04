//! The outbox trees: `outbox` (job id, big-endian → job as JSON) and
//! `outbox_failed` (the same, for jobs given up on).

use std::ops::Bound;

use super::SledStore;
use crate::outbox::Envelope;
use crate::store::{JobId, OutboxCounts, OutboxStore, StoreError};

fn encode(envelope: &Envelope) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(envelope).map_err(|e| StoreError::corrupt("outbox job", e))
}

fn decode(value: &[u8]) -> Result<Envelope, StoreError> {
    serde_json::from_slice(value).map_err(|e| StoreError::corrupt("outbox job", e))
}

fn job_id(key: &[u8]) -> Result<JobId, StoreError> {
    <[u8; 8]>::try_from(key)
        .map(u64::from_be_bytes)
        .map_err(|_| StoreError::corrupt("outbox key", format!("{} bytes instead of 8", key.len())))
}

impl OutboxStore for SledStore {
    fn jobs(
        &self,
        after: Option<JobId>,
        limit: usize,
    ) -> Result<Vec<(JobId, Envelope)>, StoreError> {
        let start = match after {
            Some(id) => Bound::Excluded(id.to_be_bytes()),
            None => Bound::Unbounded,
        };
        self.read(|t| {
            let mut out = Vec::new();
            for item in t
                .outbox
                .range::<[u8; 8], _>((start, Bound::Unbounded))
                .take(limit)
            {
                let (key, value) = item?;
                out.push((job_id(&key)?, decode(&value)?));
            }
            Ok(out)
        })
    }

    fn enqueue(&self, jobs: &[Envelope]) -> Result<(), StoreError> {
        self.write(|t| {
            let mut batch = sled::Batch::default();
            for job in jobs {
                batch.insert(&t.db.generate_id()?.to_be_bytes(), encode(job)?);
            }
            Ok(t.outbox.apply_batch(batch)?)
        })
    }

    fn replace_job(&self, id: JobId, job: &Envelope, split: &[Envelope]) -> Result<(), StoreError> {
        self.write(|t| {
            let mut batch = sled::Batch::default();
            batch.insert(&id.to_be_bytes(), encode(job)?);
            for job in split {
                batch.insert(&t.db.generate_id()?.to_be_bytes(), encode(job)?);
            }
            Ok(t.outbox.apply_batch(batch)?)
        })
    }

    fn finish_job(&self, id: JobId) -> Result<(), StoreError> {
        self.write(|t| {
            t.outbox.remove(id.to_be_bytes())?;
            Ok(())
        })
    }

    fn fail_job(&self, id: JobId, job: &Envelope) -> Result<(), StoreError> {
        use sled::Transactional;
        use sled::transaction::{ConflictableTransactionError, TransactionError};
        let value = encode(job)?;
        let key = id.to_be_bytes();
        self.write(|t| {
            (&t.outbox, &t.outbox_failed)
                .transaction(|(outbox, failed)| {
                    failed.insert(&key, value.as_slice())?;
                    outbox.remove(&key)?;
                    Ok::<(), ConflictableTransactionError<()>>(())
                })
                .map_err(|e: TransactionError<()>| match e {
                    TransactionError::Storage(e) => StoreError::from(e),
                    TransactionError::Abort(()) => StoreError::corrupt("transaction", "aborted"),
                })
        })
    }

    fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        self.read(|t| {
            let mut counts = OutboxCounts::default();
            for value in t.outbox.iter().values() {
                counts.queued += 1;
                // An unreadable job counts as queued; the worker reports it.
                if decode(&value?).is_ok_and(|e| e.attempts > 0) {
                    counts.retrying += 1;
                }
            }
            counts.failed = t.outbox_failed.len() as u64;
            Ok(counts)
        })
    }

    fn failed_jobs(&self, limit: usize) -> Result<Vec<(JobId, Envelope)>, StoreError> {
        self.read(|t| {
            let mut out = Vec::new();
            for item in t.outbox_failed.iter().take(limit) {
                let (key, value) = item?;
                out.push((job_id(&key)?, decode(&value)?));
            }
            Ok(out)
        })
    }
}
