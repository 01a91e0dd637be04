//! `[export] dir`: a task that keeps a directory equal to the public site after
//! every render, so a second host or a bucket synced from it shows what the
//! live page shows.
//!
//! The pipeline only wakes it (a [`Notify`], which holds one wake-up at most),
//! so a render never waits for the disk. Renders that happen while an export
//! runs fold into one more export of the latest snapshot. The file I/O runs on
//! a blocking thread; its failures are logged, counted and retried after the
//! next render, and never stop the app.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::mirror::{Mirror, Outcome};
use super::write::{self, Claim};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::web::snapshot::Snapshots;

/// The live export task, ready to run.
pub struct LiveExport {
    mirror: Mirror,
    /// To start a fresh mirror should a sync panic and take the old one.
    subscribe: String,
    snapshots: Arc<Snapshots>,
    /// Notified by the pipeline after each render.
    rendered: Arc<Notify>,
    metrics: Arc<Metrics>,
}

impl LiveExport {
    /// Refuses, at start, a directory that holds something other than an
    /// export: a wrong path is then noticed at once and nothing is deleted.
    /// Problems that may pass (unwritable, a missing mount) are left to the
    /// exports, which report and retry them.
    pub fn new(
        dir: PathBuf,
        subscribe: String,
        snapshots: Arc<Snapshots>,
        rendered: Arc<Notify>,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Self> {
        if let Ok(Claim::Foreign(why)) = write::claim(&dir) {
            anyhow::bail!("export.dir: {why}");
        }
        Ok(Self {
            mirror: Mirror::new(dir, subscribe.clone()),
            subscribe,
            snapshots,
            rendered,
            metrics,
        })
    }

    /// The live export `config` asks for (`[export] dir`), if any.
    pub fn from_config(
        config: &Config,
        snapshots: Arc<Snapshots>,
        rendered: Arc<Notify>,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Option<Self>> {
        let Some(export) = &config.export else {
            return Ok(None);
        };
        let subscribe = super::subscribe_url(config);
        Self::new(export.dir.clone(), subscribe, snapshots, rendered, metrics).map(Some)
    }

    /// Runs `export` if there is one; a task either way, so that shutdown
    /// treats it like every other.
    pub async fn run_if_any(export: Option<Self>, cancel: CancellationToken) {
        if let Some(export) = export {
            export.run(cancel).await;
        }
    }

    /// Exports the current snapshot, then again after each render, until
    /// `cancel`. A sync in flight at the stop finishes on its own thread.
    pub async fn run(self, cancel: CancellationToken) {
        let Self {
            mut mirror,
            subscribe,
            snapshots,
            rendered,
            metrics,
        } = self;
        loop {
            let snapshot = snapshots.current();
            let dir = mirror.dir().to_owned();
            let job = tokio::task::spawn_blocking(move || {
                let outcome = mirror.sync(&snapshot);
                (mirror, outcome)
            });
            mirror = tokio::select! {
                biased;
                () = cancel.cancelled() => return,
                joined = job => match joined {
                    Ok((mirror, outcome)) => {
                        report(&metrics, &dir, &outcome);
                        mirror
                    }
                    Err(e) => {
                        metrics.exports.inc();
                        metrics.export_failures.inc();
                        tracing::error!(dir = %dir.display(), error = %e, "the live export failed; it starts afresh after the next render");
                        Mirror::new(dir, subscribe.clone())
                    }
                },
            };
            tokio::select! {
                biased;
                () = cancel.cancelled() => return,
                () = rendered.notified() => {}
            }
        }
    }
}

/// Counts the export; logs its problems with their paths.
fn report(metrics: &Metrics, dir: &Path, outcome: &Outcome) {
    metrics.exports.inc();
    metrics.export_files_written.inc_by(outcome.written as u64);
    let Some(first) = outcome.failures.first() else {
        tracing::debug!(
            dir = %dir.display(),
            written = outcome.written,
            removed = outcome.removed,
            "exported"
        );
        return;
    };
    metrics.export_failures.inc();
    tracing::error!(
        dir = %dir.display(),
        problems = outcome.failures.len(),
        first = format!("{first:#}"),
        "the live export is incomplete; it is retried after the next render"
    );
}

#[cfg(test)]
mod tests;
