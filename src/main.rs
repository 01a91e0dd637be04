//! The `candor` command: parse the command line, load the config, run.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use candor::clock::{Clock, SystemClock};
use candor::{Application, Config, telemetry};

/// mimalloc rather than glibc malloc: with a page rendered and compressed every
/// few seconds on a multi-threaded runtime, glibc's per-thread arenas (up to 8
/// per core) kept the freed multi-MB buffers, and RSS climbed for as long as
/// Candor ran. mimalloc frees them back to the OS (benches/memory.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc 3 options (their numbers in its `mi_option_e`, mimalloc.h, which
/// libmimalloc-sys does not name), their defaults, and what Candor sets:
/// - `purge_delay` (15, 1000 ms → 0): freed pages go back to the OS at once
///   rather than after a delay that idle threads never reach;
/// - `generic_collect` (34, every 10,000 → 100 generic allocations): each
///   thread's heap is collected more often, and
/// - `page_full_retain` (36, 2 → 0): no thread keeps full pages of a size
///   class it no longer uses. With 15 threads (HTTP workers, runtime, the
///   compressor, sled) these held a few MB at 1,000 components:
///   `benches/memory.sh`, median 55.7 → ~54 MB, see the README.
const MI_OPTIONS: [(MiOption, MiValue, MiValue); 3] =
    [(15, 1000, 0), (34, 10_000, 100), (36, 2, 0)];
type MiOption = libmimalloc_sys::mi_option_t;
type MiValue = std::ffi::c_long;

/// Sets [`MI_OPTIONS`]. Each is left alone when it does not read as mimalloc
/// 3's default: set through its `MIMALLOC_*` variable, or another mimalloc
/// whose options are numbered differently.
fn tune_allocator() {
    // SAFETY: plain integer options, read and set before any other thread
    // exists (mimalloc's option calls are not thread-safe).
    unsafe {
        for (option, default, ours) in MI_OPTIONS {
            if libmimalloc_sys::mi_option_get(option) == default {
                libmimalloc_sys::mi_option_set(option, ours);
            }
        }
    }
}

/// Returns the pages the calling thread's heap no longer uses to the OS,
/// after a render or a round of compression (see
/// `candor::web::snapshot::after_renders`).
fn collect_freed() {
    // SAFETY: mimalloc's collection of the calling thread's heap, which any
    // thread may call at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// Candor: a self-hosted status page and outage notifier.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The configuration file.
    #[arg(
        long,
        global = true,
        env = "CANDOR_CONFIG",
        default_value = "checks.toml"
    )]
    config: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Run the checks and serve the status page (the default).
    Serve,
    /// Validate the configuration, print every problem, exit 0 when valid.
    CheckConfig,
    /// Write the public site as static files into a directory (updating a
    /// previous export there: only changed files are written), to publish on
    /// separate infrastructure. Serve it at a domain root. Reads the data dir:
    /// stop a running Candor first, or export from a copy of its data dir.
    Export {
        /// The directory to write the site into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Copy an installation from its sled data directory into an empty
    /// PostgreSQL database (to run several nodes on it), and say what was
    /// copied. Stop the Candor that uses the directory first.
    MigrateStore {
        /// The store to copy: `sled:DIR` (a data directory).
        #[arg(long)]
        from: String,
        /// The database to copy into: a `postgres://` URL (or set
        /// CANDOR_DATABASE_URL and leave this out, to keep its password out
        /// of the process list).
        #[arg(long, env = "CANDOR_DATABASE_URL", hide_env_values = true)]
        to: String,
    },
    /// Probe, from this machine, the checks a Candor server assigns to one
    /// of its `[[locations]]`, and send it the results. Needs no config file
    /// and no data dir; the location's token is read from CANDOR_AGENT_TOKEN.
    Agent {
        /// The server's base URL, like https://status.example.com.
        #[arg(long)]
        server: String,
        /// The id of the location in the server's checks.toml.
        #[arg(long)]
        location: String,
        /// Bind every probe's outgoing connections to this address.
        #[arg(long)]
        source_ip: Option<std::net::IpAddr>,
        /// How often to ask the server for changed checks.
        #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
        refresh: std::time::Duration,
        /// How often to send the results gathered meanwhile.
        #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
        send_every: std::time::Duration,
        /// Most results kept while the server cannot be reached (the oldest
        /// are dropped first, and counted).
        #[arg(long, default_value_t = 100_000)]
        buffer: usize,
        /// Most probes in flight at once.
        #[arg(long, default_value_t = 100)]
        max_concurrent_checks: usize,
    },
}

fn main() -> ExitCode {
    tune_allocator();
    candor::web::snapshot::after_renders(collect_freed);
    let cli = Cli::parse();
    // The one clock: the config is validated, and the app runs, on it.
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match cli.command.unwrap_or(Command::Serve) {
        Command::CheckConfig => check_config(&cli.config, &*clock),
        Command::Serve => serve(&cli.config, clock),
        Command::Export { out } => export(&cli.config, &out, &*clock),
        Command::MigrateStore { from, to } => migrate_store(&from, &to),
        Command::Agent {
            server,
            location,
            source_ip,
            refresh,
            send_every,
            buffer,
            max_concurrent_checks,
        } => {
            let opts = agent_options(&server, &location).map(|(server, location, token)| {
                candor::agent::Options {
                    server,
                    location,
                    token,
                    source_ip,
                    refresh,
                    send_every,
                    buffer,
                    max_concurrent: max_concurrent_checks.max(1),
                }
            });
            match opts {
                Ok(opts) => agent(opts),
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// `candor migrate-store`: sled into PostgreSQL, all of it or nothing.
fn migrate_store(from: &str, to: &str) -> ExitCode {
    let Some(dir) = from.strip_prefix("sled:") else {
        eprintln!("error: --from must be sled:DIR (the data directory to copy), not {from:?}");
        return ExitCode::FAILURE;
    };
    if let Err(why) = candor::config::DatabaseUrl::parse(to) {
        eprintln!("error: --to {why}");
        return ExitCode::FAILURE;
    }
    match candor::store::copy::sled_to_postgres(std::path::Path::new(dir), to) {
        Ok(copied) => {
            let total: u64 = copied.values().sum();
            println!("copied {total} records from {dir} into PostgreSQL:");
            for (kind, n) in &copied {
                println!("  {n:>9} {kind}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: nothing was copied: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The agent's server, location and token, each checked.
fn agent_options(
    server: &str,
    location: &str,
) -> Result<(reqwest::Url, candor::model::LocationId, String), String> {
    let url = reqwest::Url::parse(server)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| format!("--server \"{server}\" is not an http:// or https:// URL"))?;
    let location =
        candor::model::LocationId::parse(location).map_err(|e| format!("--location: {e}"))?;
    let token = std::env::var("CANDOR_AGENT_TOKEN")
        .map(|t| t.trim().to_owned())
        .unwrap_or_default();
    if token.is_empty() {
        return Err("CANDOR_AGENT_TOKEN is not set: set it to this location's token (the server reads it from the variable its [[locations]] token_env names)".into());
    }
    Ok((url, location, token))
}

fn agent(opts: candor::agent::Options) -> ExitCode {
    telemetry::init();
    on_runtime(async move {
        let cancel = tokio_util::sync::CancellationToken::new();
        let stop = cancel.clone();
        let signal = candor::app::shutdown_signal()?;
        tokio::spawn(async move {
            signal.await;
            stop.cancel();
        });
        candor::agent::run(opts, cancel).await
    })
}

fn check_config(path: &std::path::Path, clock: &dyn Clock) -> ExitCode {
    match Config::load(path, clock.now()) {
        Ok(c) => {
            println!(
                "{} is valid: {} components, {} checks",
                path.display(),
                c.components.len(),
                c.checks.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn export(path: &std::path::Path, out: &std::path::Path, clock: &dyn Clock) -> ExitCode {
    let mut config = match Config::load(path, clock.now()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = config.apply_env() {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    match candor::export::export(config, out, clock.now()) {
        Ok(done) => {
            println!(
                "wrote {} files to {} ({} unchanged, {} removed)",
                done.written,
                out.display(),
                done.unchanged,
                done.removed
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(path: &std::path::Path, clock: Arc<dyn Clock>) -> ExitCode {
    telemetry::init();
    let mut config = match Config::load(path, clock.now()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = config.apply_env() {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    on_runtime(run(config, clock))
}

/// Runs `work` to its end on a multi-threaded runtime; its error is printed.
fn on_runtime(work: impl std::future::Future<Output = anyhow::Result<()>>) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(runtime_threads())
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(work);
    // Blocking work (a DNS lookup of an abandoned probe) must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    if let Some(shared) = candor::store::open_shared(&config.server)? {
        return candor::app::node::run(config, clock, shared).await;
    }
    let data = match &config.server.database_url {
        Some(_) => "PostgreSQL".to_owned(),
        None => config.server.data_dir.display().to_string(),
    };
    let app = Application::build_with_clock(config, clock).await?;
    tracing::info!("listening on {} (data in {data})", app.url());
    app.run_until_stopped().await
}

/// One runtime thread per core, at most four: 10,000 checks every 30 s take
/// under a tenth of one core (benches/scheduler_scale.sh), so more threads on
/// a big host would only each hold a stack and an allocator cache.
fn runtime_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(4))
}
