//! The application's housekeeping: pruning old results, and the signals that
//! stop it.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::store::Store;

/// How often old raw results are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// Deletes raw results older than the retention and uptime rollups older than
/// [`crate::uptime::KEEP_DAYS`], every few minutes.
pub(super) async fn prune_loop(
    store: Store,
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
        let cutoff = Store::prune_cutoff(now, retention);
        let prune = move || {
            let results = store.prune(cutoff)?;
            let today = crate::uptime::calendar::day_no(now.with_timezone(&tz).date_naive());
            let days = store.prune_days(today.saturating_sub(crate::uptime::KEEP_DAYS))?;
            let pending = store.subscribers()?.expire_pending(now)?;
            Ok::<usize, crate::store::StoreError>(results + days + pending)
        };
        match tokio::task::spawn_blocking(prune).await {
            Ok(Ok(n)) => {
                tracing::debug!(deleted = n, "pruned old results and expired subscriptions")
            }
            Ok(Err(e)) => tracing::error!(error = %e, "could not prune old results"),
            Err(e) => tracing::error!(error = %e, "pruning task failed"),
        }
    }
}

/// A future that resolves on SIGINT or SIGTERM; the handlers are installed now.
pub(super) fn shutdown_signal()
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
