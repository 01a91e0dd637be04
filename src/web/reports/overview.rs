//! What engineers see of the reports, read for `/admin` and
//! `GET /api/admin/v1/reports`: from storage (off the executor), with what
//! each component's checks say from the current snapshot.

use actix_web::web;

use crate::model::ComponentStatus;
use crate::reports::overview::{RECENT, overview};
use crate::reports::{LONG, Overview};
use crate::store::StoreError;
use crate::web::Shared;

/// Storage could not be read; the cause is logged.
#[derive(Debug)]
pub struct Unreadable;

/// The overview as of now.
pub async fn load(shared: &Shared) -> Result<Overview, Unreadable> {
    let view = shared.snapshots.current().view.clone();
    let store = shared.store.clone();
    let now = shared.clock.now();
    let read = move || -> Result<_, StoreError> {
        let hour = store.reports_since(now - LONG)?;
        Ok((hour, store.latest_reports(RECENT)?, store.report_alarms()?))
    };
    let (hour, recent, alarms) = match web::block(read).await {
        Ok(Ok(read)) => read,
        Ok(Err(e)) => {
            tracing::error!(error = %format!("{:#}", anyhow::Error::from(e)), "reading the reports failed");
            return Err(Unreadable);
        }
        Err(e) => {
            tracing::error!(error = %e, "reading the reports: the blocking pool failed");
            return Err(Unreadable);
        }
    };
    let checks =
        |c: &_| (view.components.get(c)).map_or(ComponentStatus::Operational, |v| v.checks_status);
    Ok(overview(&view.config, &hour, recent, &alarms, checks, now))
}
