//! The application's housekeeping: pruning old results, and the signals that
//! stop it.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::pipeline::desk::{Command, Desk, Done, SubscriptionCommand};
use crate::reports;
use crate::store::{Store, prune_cutoff};

/// How often old raw results are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// Deletes raw results older than the retention, uptime rollups older than
/// [`crate::uptime::KEEP_DAYS`] and visitors' reports older than
/// [`reports::KEEP`] (or beyond the newest [`reports::KEEP_AT_MOST`]), every
/// few minutes: history past its keep, which nothing the pipeline decides on
/// reads (it counts the last hour's reports in memory). Forgetting subscriptions never
/// confirmed is a change of state, so it is asked of the pipeline.
pub(super) async fn prune_loop(
    store: Store,
    desk: Desk,
    retention: Duration,
    tz: chrono_tz::Tz,
    clock: Arc<dyn Clock>,
    cancel: CancellationToken,
) {
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(PRUNE_EVERY) => {}
        }
        let store = store.clone();
        let now = clock.now();
        let cutoff = prune_cutoff(now, retention);
        let prune = move || {
            let results = store.prune(cutoff)?;
            let today = crate::uptime::calendar::day_no(now.with_timezone(&tz).date_naive());
            let days = store.prune_days(today.saturating_sub(crate::uptime::KEEP_DAYS))?;
            let reports = store.prune_reports(now - reports::KEEP, reports::KEEP_AT_MOST)?;
            Ok::<usize, crate::store::StoreError>(results + days + reports)
        };
        match tokio::task::spawn_blocking(prune).await {
            Ok(Ok(n)) => tracing::debug!(deleted = n, "pruned old results"),
            Ok(Err(e)) => tracing::error!(error = %e, "could not prune old results"),
            Err(e) => tracing::error!(error = %e, "pruning task failed"),
        }
        let expire = Command::Subscription(SubscriptionCommand::ExpirePending);
        match desk.submit(expire).await {
            Ok(Done::Expired(n)) => tracing::debug!(forgotten = n, "expired pending subscriptions"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "could not expire pending subscriptions"),
        }
    }
}

/// A future that resolves on SIGINT or SIGTERM; the handlers are installed now.
pub fn shutdown_signal()
-> std::io::Result<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(Box::pin(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = interrupt.recv() => {}
            }
        }))
    }
    #[cfg(not(unix))]
    {
        Ok(Box::pin(async {
            let _ = tokio::signal::ctrl_c().await;
        }))
    }
}
