//! The public site as static files, for publishing on separate infrastructure
//! (object storage, a second host) that stays up when the main one is down:
//! once with `candor export`, or after every render with `[export] dir`.
//!
//! Both go through one [`Mirror`]: the site as a list of files
//! ([`site_files`]), each written only when its bytes changed. Links stay
//! root-relative, so the export must be served at the root of its domain. Two
//! kinds of link need a server and are rewritten in the exported HTML (a
//! targeted string replacement on the rendered bytes, see
//! [`files::for_static_host`]): `/history?page=N` becomes `/history/page/N/`,
//! and the subscribe form and link point at the live site (`site.public_url`),
//! since subscribing needs it.

mod files;
mod live;
mod mirror;
mod write;

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::web::render::render;
use crate::web::snapshot::Snapshot;

pub use files::{File, for_static_host, site_files, subscribe_url};
pub use live::LiveExport;
pub use mirror::{Mirror, Outcome};

/// The public site as of `now`, rendered from the stored state as `serve` would.
///
/// Opens the store, so it fails (naming the data dir) while a running Candor
/// holds it.
pub fn snapshot(config: Config, now: DateTime<Utc>) -> anyhow::Result<Snapshot> {
    let dir = config.server.data_dir.clone();
    let store = if config.server.database_url.is_some() {
        crate::store::open_configured(&config.server)
            .context("cannot open the database at server.database_url")?
    } else {
        // Store::open would create an empty database: a wrong path (relative
        // to the working directory) must not quietly export an empty site.
        anyhow::ensure!(
            dir.is_dir(),
            "there is no data directory at {}: check server.data_dir (a relative path is \
             relative to the working directory)",
            dir.display()
        );
        crate::store::open_configured(&config.server).with_context(|| {
            format!(
                "cannot open the data directory {}: if a running Candor uses it, stop it or \
             export from a copy of the directory",
                dir.display()
            )
        })?
    };
    let config = Arc::new(config);
    let restored = crate::pipeline::restore::restore(&config, &*store, now)
        .with_context(|| format!("while reading the state in {}", dir.display()))?;
    Ok(render(restored.view, None))
}

/// Renders the site as of `now` and makes `out` hold it (see [`Mirror`]); an
/// error names the first file that could not be written and how many could not.
pub fn export(config: Config, out: &Path, now: DateTime<Utc>) -> anyhow::Result<Outcome> {
    let subscribe = subscribe_url(&config);
    let snapshot = snapshot(config, now)?;
    let mut outcome = Mirror::new(out.to_owned(), subscribe).sync(&snapshot);
    if outcome.failures.is_empty() {
        return Ok(outcome);
    }
    let count = outcome.failures.len();
    let first = outcome.failures.swap_remove(0);
    Err(first.context(format!(
        "{count} problem{} while exporting into {}; the first",
        if count == 1 { "" } else { "s" },
        out.display()
    )))
}
