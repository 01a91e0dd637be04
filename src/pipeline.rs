//! The one path every change takes: engine → persist → public snapshot. A status
//! change is flushed to disk and rendered at once; routine results (a newer "last
//! checked") are rendered at most every few seconds, so 10,000 checks don't mean
//! 10,000 renders.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::engine::{Change, Engine};
use crate::metrics::Metrics;
use crate::model::CheckResult;
use crate::store::Store;
use crate::web::snapshot::Snapshots;

/// The longest routine results wait before they show on the page.
const ROUTINE_RENDER: Duration = Duration::from_secs(3);
/// Re-render now and then anyway, so relative times ("for 12 minutes") stay true.
const IDLE_RENDER: Duration = Duration::from_secs(30);

pub struct Pipeline {
    pub config: Arc<Config>,
    pub engine: Engine,
    pub store: Store,
    pub snapshots: Arc<Snapshots>,
    pub metrics: Arc<Metrics>,
}

impl Pipeline {
    pub async fn run(
        mut self,
        mut results: mpsc::Receiver<CheckResult>,
        cancel: CancellationToken,
    ) {
        let mut dirty = false;
        let mut last_render = Instant::now();
        loop {
            let wait = if dirty { ROUTINE_RENDER } else { IDLE_RENDER };
            tokio::select! {
                biased;
                () = cancel.cancelled() => break,
                received = results.recv() => match received {
                    Some(result) => {
                        if self.handle(&result).await {
                            self.render();
                            last_render = Instant::now();
                            dirty = false;
                        } else {
                            dirty = true;
                        }
                    }
                    None => break,
                },
                () = tokio::time::sleep_until(last_render + wait) => {
                    self.render();
                    last_render = Instant::now();
                    dirty = false;
                }
            }
        }
        if let Err(e) = self.store.flush().await {
            tracing::error!(error = %e, "could not flush storage at shutdown");
        }
    }

    /// Applies one result; true when a status changed (render now).
    async fn handle(&mut self, result: &CheckResult) -> bool {
        let changes = self.engine.observe(result);
        let mut ok = match self.engine.checks.get(&result.check) {
            Some(state) => self.log_err(self.store.record(result, state)),
            None => true,
        };
        for change in &changes {
            let Change::ComponentStatus {
                component,
                from,
                to,
                reason,
                ..
            } = change;
            tracing::info!(%component, %from, %to, reason = reason.as_deref().unwrap_or(""), "component status changed");
            if let Some(state) = self.engine.components.get(component) {
                ok &= self.log_err(self.store.save_component(component, state));
            }
        }
        if !changes.is_empty() {
            ok &= self.log_err(self.store.flush().await);
        }
        self.store.set_failed(!ok);
        !changes.is_empty()
    }

    fn log_err(&self, r: Result<(), crate::store::StoreError>) -> bool {
        if let Err(e) = &r {
            tracing::error!(error = %e, "could not write to storage");
        }
        r.is_ok()
    }

    pub fn render(&self) {
        let snapshot = crate::web::render(&self.config, &self.engine, Utc::now());
        self.snapshots.replace(snapshot);
        self.metrics.page_renders.inc();
    }
}
