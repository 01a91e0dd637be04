//! Visitors' reports in memory, in time order.

use chrono::{DateTime, Utc};

use super::MemoryStore;
use crate::model::ComponentId;
use crate::reports::Report;
use crate::store::{ReportChange, ReportStore, StoreError};

impl ReportStore for MemoryStore {
    fn save_reports(&self, change: &ReportChange<'_>) -> Result<(), StoreError> {
        let mut r = self.write()?;
        if let Some(report) = change.report {
            r.reports
                .insert((report.at, self.next_id()), report.clone());
        }
        for (component, since) in &change.alarms {
            match since {
                Some(at) => r.report_alarms.insert((*component).clone(), *at),
                None => r.report_alarms.remove(*component),
            };
        }
        for job in &change.jobs {
            r.outbox.insert(self.next_id(), job.clone());
        }
        Ok(())
    }

    fn reports_since(&self, since: DateTime<Utc>) -> Result<Vec<Report>, StoreError> {
        let r = self.read();
        Ok(r.reports
            .range((since, 0)..)
            .map(|(_, v)| v.clone())
            .collect())
    }

    fn latest_reports(&self, limit: usize) -> Result<Vec<Report>, StoreError> {
        let r = self.read();
        Ok(r.reports.values().rev().take(limit).cloned().collect())
    }

    fn report_alarms(&self) -> Result<Vec<(ComponentId, DateTime<Utc>)>, StoreError> {
        let r = self.read();
        Ok(r.report_alarms
            .iter()
            .map(|(c, at)| (c.clone(), *at))
            .collect())
    }

    fn prune_reports(&self, before: DateTime<Utc>, keep: usize) -> Result<usize, StoreError> {
        let mut r = self.write()?;
        let len = r.reports.len();
        let kept = r.reports.split_off(&(before, 0));
        r.reports = kept;
        while r.reports.len() > keep {
            r.reports.pop_first();
        }
        Ok(len - r.reports.len())
    }
}
