//! Storage over a simulated year: 1,000 checks (one component each) every
//! 30 s, every result through the real pipeline (`Pipeline::handle`: status
//! engine, uptime ledger, response-time buckets, journal), checkpoints every
//! 5 simulated minutes and pruning every 10, as a running Candor does, with
//! the clock set to the simulated time. Prints the data directory's size each
//! simulated month, and beside it a baseline: the schema-1 layout (one sled
//! entry per result) written for one simulated day, times the retention.
//!
//!   cargo bench --bench history_storage -- [CHECKS=1000] [DAYS=365] [RETENTION_DAYS=7]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use candor::Config;
use candor::clock::Clock;
use candor::engine::Engine;
use candor::metrics::Metrics;
use candor::model::{CheckResult, ComponentStatus, Outcome, Reason};
use candor::pipeline::Pipeline;
use candor::read::view::{self, View};
use candor::store::{open, prune_cutoff};
use candor::uptime::{Ledger, Report, calendar};
use candor::web::snapshot::{Publisher, Snapshots};
use chrono::{DateTime, TimeZone, Utc};

/// A clock the simulation sets.
struct SimClock(Mutex<DateTime<Utc>>);

impl Clock for SimClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_default()
    }
}

fn config(checks: usize, dir: &Path, retention_days: u64) -> anyhow::Result<Config> {
    let mut toml = format!(
        "[server]\ndata_dir = {:?}\nretention = \"{retention_days}d\"\n",
        dir.display().to_string()
    );
    for i in 0..checks {
        toml.push_str(&format!(
            "[[components]]\nid = \"svc-{i:04}\"\nname = \"Service {i}\"\n\
             [[checks]]\ncomponent = \"svc-{i:04}\"\nname = \"HTTP health\"\n\
             url = \"http://127.0.0.1:9/health\"\nevery = \"30s\"\n"
        ));
    }
    Config::parse(&toml).map_err(|e| anyhow::anyhow!("{e:?}"))
}

fn dir_size(p: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(p) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// The pipeline as `Application::build` assembles it, minus server and tasks.
fn pipeline(config: Config, clock: Arc<SimClock>) -> anyhow::Result<Pipeline> {
    let config = Arc::new(config);
    let store = open(&config.server.data_dir)?;
    let now = clock.now();
    let ids: Vec<_> = config.components.iter().map(|c| c.id.clone()).collect();
    let engine = Engine::new(&ids, &config.checks, now);
    let book = Arc::new(candor::incidents::Book::default());
    let components = view::components(&config, &engine, &book, now);
    let statuses = components.iter().map(|(id, c)| (id.clone(), c.status));
    let ledger = Ledger::new(&config, now, statuses, []);
    let announced: BTreeMap<_, ComponentStatus> = components
        .iter()
        .map(|(id, c)| (id.clone(), c.status))
        .collect();
    let first = View {
        config: config.clone(),
        components: Arc::new(components),
        book: book.clone(),
        uptime: Arc::new(Report::default()),
        now,
        lang: candor::lang::Lang::english(),
    };
    Ok(Pipeline {
        locations: Default::default(),
        publish: Arc::new(Publisher::new(
            Arc::new(Snapshots::new(candor::web::render::render(first, None))),
            Arc::default(),
        )?),
        config,
        engine,
        book,
        store,
        metrics: Arc::new(Metrics::new()),
        clock,
        outbox_wake: Arc::default(),
        webhook_wake: Arc::default(),
        announced,
        last_tick: now,
        ledger,
        latency: Default::default(),
        last_checkpoint: now,
        reports: Default::default(),
    })
}

/// Check `i`'s result of round `n`: mostly up in 20–200 ms; about one in 500
/// down with a reason (isolated, below the failure threshold).
fn result(p: &Pipeline, i: usize, n: u64, at: DateTime<Utc>) -> CheckResult {
    let h = candor::model::fnv1a(&[(i as u64).to_le_bytes(), n.to_le_bytes()].concat());
    let down = h.is_multiple_of(500);
    CheckResult {
        check: p.config.checks[i].id.clone(),
        at,
        duration: Duration::from_millis(20 + h % 180),
        outcome: if down { Outcome::Down } else { Outcome::Up },
        reason: down.then_some(Reason::HttpStatus { code: 503 }),
    }
}

/// Schema 1's layout (one entry per result: `check\0ms` → 5 bytes) for one
/// simulated day of `checks` checks; returns the bytes on disk.
fn baseline_day(checks: usize, dir: &Path) -> anyhow::Result<u64> {
    let db = sled::Config::new()
        .path(dir)
        .flush_every_ms(Some(500))
        .open()?;
    let tree = db.open_tree("results")?;
    for n in 0..2880u64 {
        for i in 0..checks {
            let mut key = format!("svc-{i:04}-http-health").into_bytes();
            key.push(0);
            key.extend_from_slice(&(1_767_225_600_000 + n * 30_000).to_be_bytes());
            tree.insert(key, &[0u8, 0, 0, 0, 42][..])?;
        }
    }
    db.flush()?;
    Ok(dir_size(dir))
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .filter_map(|a| a.parse().ok())
        .collect();
    let checks = args.first().copied().unwrap_or(1000) as usize;
    let days = args.get(1).copied().unwrap_or(365);
    let retention = args.get(2).copied().unwrap_or(7);
    let work = tempfile::tempdir()?;
    let data = work.path().join("data");
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let clock = Arc::new(SimClock(Mutex::new(start)));
    let mut p = pipeline(config(checks, &data, retention)?, clock.clone())?;
    let tz = p.config.site.timezone;
    println!("simulating {checks} checks every 30 s for {days} days, retention {retention} d");
    let began = Instant::now();
    let rounds = days * 2880;
    let mut last = (0u64, 0u64);
    for n in 0..rounds {
        let round = start + chrono::Duration::seconds(30 * n as i64);
        for i in 0..checks {
            // Spread over the 30 s, as the scheduler's jitter does.
            let at = round + chrono::Duration::milliseconds((i as i64 * 29_000) / checks as i64);
            let r = result(&p, i, n, at);
            p.handle(&r).await;
        }
        let now = round + chrono::Duration::seconds(30);
        if let Ok(mut t) = clock.0.lock() {
            *t = now;
        }
        if n % 10 == 9 {
            p.checkpoint(now);
        }
        if n % 20 == 19 {
            let cutoff = prune_cutoff(now, Duration::from_secs(retention * 86_400));
            p.store.prune(cutoff)?;
            let today = calendar::day_no(now.with_timezone(&tz).date_naive());
            p.store
                .prune_days(today.saturating_sub(candor::uptime::KEEP_DAYS))?;
        }
        if n % (2880 * 30) == 2880 * 30 - 1 || n == rounds - 1 {
            p.checkpoint(now);
            p.store.flush().await?;
            let size = dir_size(&data);
            let day = (n + 1) / 2880;
            let rate = ((n + 1 - last.0) * checks as u64) as f64
                / (began.elapsed().as_secs_f64() - last.1 as f64 / 1e3).max(1e-3);
            last = (n + 1, began.elapsed().as_millis() as u64);
            println!(
                "day {day:>4}: data dir {:>8.1} MB  ({:.0} results/s, {:.0} s so far)",
                mb(size),
                rate,
                began.elapsed().as_secs_f64()
            );
        }
    }
    p.checkpoint(clock.now());
    p.store.flush().await?;
    let size = dir_size(&data);
    let base = baseline_day(checks, &work.path().join("baseline"))?;
    println!();
    println!("| layout | data dir | target |");
    println!("|---|---|---|");
    println!(
        "| schema 2 (hourly blocks + day rollups), after {days} days | {:.0} MB | <= 1000 MB |",
        mb(size)
    );
    println!(
        "| schema 1 (one entry per result), 1 day measured x {retention} d retention | {:.0} MB | |",
        mb(base) * retention as f64
    );
    println!(
        "ratio schema 2 / schema 1: {:.3}; {} results in {:.0} s",
        size as f64 / (base as f64 * retention as f64),
        rounds * checks as u64,
        began.elapsed().as_secs_f64()
    );
    Ok(())
}
