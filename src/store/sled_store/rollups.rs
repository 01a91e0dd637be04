//! Uptime rollups: one record per local day and component, packed by day
//! (`day (u32 big-endian, days since 1970-01-01)` is the prefix, see
//! `packed`), so today's entries, rewritten at every checkpoint, are few and
//! sit together at the tree's right edge, and pruning takes a range at its
//! left edge.

use super::trees::Trees;
use super::{SledStore, packed};
use crate::model::ComponentId;
use crate::store::{RollupStore, StoreError};
use crate::uptime::Day;
use crate::uptime::calendar::DayNo;

impl RollupStore for SledStore {
    /// Writes encoded days (from `Ledger::take_dirty`) in one batch.
    fn save_days(&self, days: &[(DayNo, ComponentId, Vec<u8>)]) -> Result<(), StoreError> {
        let records = days.iter().map(|(day, component, value)| {
            let name = component.as_str().as_bytes().to_vec();
            (day.to_be_bytes().to_vec(), name, value.clone())
        });
        self.write(|t| {
            let batch = packed::merge(&t.rollups, records)?;
            Ok(t.rollups.apply_batch(batch)?)
        })
    }

    /// Every stored day from `from` on; days from `hours_from` on keep their hours.
    fn load_days(
        &self,
        from: DayNo,
        hours_from: DayNo,
    ) -> Result<Vec<(DayNo, ComponentId, Day)>, StoreError> {
        self.read(|t| Self::days_from(t, from, hours_from))
    }

    /// Deletes rollups of days before `before`; returns how many.
    fn prune_days(&self, before: DayNo) -> Result<usize, StoreError> {
        self.write(|t| {
            let mut batch = sled::Batch::default();
            let mut n = 0;
            for k in t.rollups.range(..before.to_be_bytes().to_vec()).keys() {
                batch.remove(k?);
                n += 1;
            }
            t.rollups.apply_batch(batch)?;
            Ok(n)
        })
    }
}

impl SledStore {
    fn days_from(
        t: &Trees,
        from: DayNo,
        hours_from: DayNo,
    ) -> Result<Vec<(DayNo, ComponentId, Day)>, StoreError> {
        let mut out = Vec::new();
        for record in packed::unpack(4, t.rollups.range(from.to_be_bytes().to_vec()..)) {
            let (prefix, name, v) = record?;
            let Ok(day) = <[u8; 4]>::try_from(prefix.as_slice()) else {
                continue;
            };
            let day = u32::from_be_bytes(day);
            let Ok(component) = ComponentId::parse(&String::from_utf8_lossy(&name)) else {
                continue;
            };
            // Derived data: a record that does not decode costs that day's
            // figure ("no data"), never the start of Candor.
            match Day::decode(&v, day >= hours_from) {
                Some(record) => out.push((day, component, record)),
                None => {
                    tracing::warn!(%component, day, bytes = v.len(), "ignoring an unreadable uptime record")
                }
            }
        }
        Ok(out)
    }
}
