//! Reading the history back at start: the stored days into a new ledger, and
//! the last 24 hours of raw results into the response-time buckets.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::config::Config;
use crate::model::ComponentId;
use crate::read::view::ComponentView;
use crate::store::{Store, StoreError};
use crate::uptime::Ledger;
use crate::uptime::calendar;
use crate::uptime::latency::Latency;
use crate::uptime::ledger::{HOURS_WINDOW, WINDOW};

pub fn history(
    config: &Config,
    store: &Store,
    components: &BTreeMap<ComponentId, ComponentView>,
    now: DateTime<Utc>,
) -> Result<(Ledger, Latency), StoreError> {
    let today = calendar::day_no(calendar::local_date(now, config.site.timezone));
    let days = store.load_days(
        today.saturating_sub(WINDOW),
        today.saturating_sub(HOURS_WINDOW),
    )?;
    let statuses = components.iter().map(|(id, v)| (id.clone(), v.status));
    let ledger = Ledger::new(config, now, statuses, days);
    let mut latency = Latency::default();
    let since = now - Duration::hours(24);
    for check in &config.checks {
        for r in store.results(&check.id, since, now)? {
            let ms = u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX);
            latency.push(&check.id, r.at, ms, r.outcome);
        }
    }
    Ok((ledger, latency))
}
