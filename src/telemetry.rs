//! Logging: human-readable lines on stdout, filtered by `RUST_LOG`; coloured only
//! on a terminal, so files and log collectors get no escape codes.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Without `RUST_LOG`: info, but not actix-http's connection dispatcher,
/// which logs at ERROR every request it cannot parse ("stream error: request
/// parse error: URI error: uri too long") after answering it 400 or 431: any
/// client, without logging in, could fill the log with them, and none is
/// Candor's own error. Candor's own request errors are logged where they
/// are handled.
pub const DEFAULT_FILTER: &str = "info,actix_server=warn,actix_http::h1::dispatcher=off,sled=warn";

/// Installs the global subscriber once; later calls (tests) are no-ops.
pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal())
        .try_init();
}
