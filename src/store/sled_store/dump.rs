//! Every record of the database, as stored, for `candor migrate-store`.

use super::{SledStore, packed, parts};
use crate::store::StoreError;
use crate::store::copy::Record;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn be_u32(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?))
}

fn be_u64(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?))
}

impl SledStore {
    /// Calls `sink` with every record, kind by kind (results last, as there
    /// are most of them). Results and states not yet checkpointed are
    /// written first.
    pub fn dump(&self, sink: &mut dyn FnMut(Record)) -> Result<(), StoreError> {
        use crate::store::StateStore;
        self.checkpoint()?;
        let t = self.trees()?;
        for item in t.incidents.iter() {
            let (k, v) = item?;
            sink(Record::Incident {
                id: text(&k),
                json: v.to_vec(),
            });
        }
        for item in t.maintenances.iter() {
            let (k, v) = item?;
            sink(Record::Maintenance {
                id: text(&k),
                json: v.to_vec(),
            });
        }
        for item in t.overrides.iter() {
            let (k, v) = item?;
            sink(Record::Override {
                component: text(&k),
                json: v.to_vec(),
            });
        }
        for item in t.component_state.iter() {
            let (k, v) = item?;
            sink(Record::ComponentState {
                component: text(&k),
                json: v.to_vec(),
            });
        }
        for record in packed::unpack(0, t.check_state.iter()) {
            let (_, name, v) = record?;
            sink(Record::CheckState {
                check: text(&name),
                json: v,
            });
        }
        for item in t.outbox.iter() {
            let (k, v) = item?;
            if let Some(id) = be_u64(&k) {
                sink(Record::Job {
                    id,
                    json: v.to_vec(),
                });
            }
        }
        for item in t.outbox_failed.iter() {
            let (k, v) = item?;
            if let Some(id) = be_u64(&k) {
                sink(Record::FailedJob {
                    id,
                    json: v.to_vec(),
                });
            }
        }
        t.subscribers.dump(sink)?;
        t.reports.dump(sink)?;
        for record in packed::unpack(4, t.rollups.iter()) {
            let (prefix, name, bytes) = record?;
            if let Some(day) = be_u32(&prefix) {
                sink(Record::Day {
                    day,
                    component: text(&name),
                    bytes,
                });
            }
        }
        // The hour under way, where only its parts hold it.
        let (unfolded, _) = parts::unfolded(&t.blocks, &t.parts, u32::MAX)?;
        let whole = packed::unpack(4, t.blocks.iter());
        for record in whole.chain(unfolded.into_iter().map(Ok)) {
            let (prefix, name, bytes) = record?;
            if let Some(hour) = be_u32(&prefix) {
                sink(Record::Block {
                    hour,
                    check: text(&name),
                    bytes,
                });
            }
        }
        Ok(())
    }
}
