//! What precompressing the public bodies costs per render, and what it saves:
//! gzip (what Candor does) beside brotli at several qualities, for the status
//! page of 50 components (the same site as `benches/page_vs_nginx.sh`).
//! Each figure is the median of many runs on one core.
//!   cargo bench --bench precompress [RUNS=41]

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use candor::Config;
use candor::engine::Engine;
use candor::incidents::Book;
use candor::read::view::{self, View};
use candor::uptime::{Day, Ledger, Report, calendar};
use candor::web::encoding;
use candor::web::render::render;
use candor::web::snapshot::Snapshot;

/// Bodies below this are never compressed (as in `web::snapshot`).
const MIN_LEN: usize = 1024;

fn config() -> anyhow::Result<Arc<Config>> {
    let mut toml = String::from("[site]\ntitle = \"Bench Status\"\n");
    for i in 1..=50 {
        toml += &format!(
            "[[components]]\nid = \"c{i}\"\nname = \"Component {i}\"\ngroup = \"Group {}\"\n\
             description = \"Service number {i}\"\n",
            i % 5
        );
    }
    let config = Config::parse(&toml).map_err(|p| anyhow::anyhow!("{p:?}"))?;
    Ok(Arc::new(config))
}

fn view(config: &Arc<Config>) -> View {
    let ids: Vec<_> = config.components.iter().map(|c| c.id.clone()).collect();
    let now = chrono::Utc::now();
    let engine = Engine::new(&ids, &config.checks, now);
    let book = Arc::new(Book::default());
    let components = view::components(config, &engine, &book, now);
    // 90 days of history, each day observed, a few with outages, as the page
    // shows them after three months.
    let today = calendar::day_no(calendar::local_date(now, chrono_tz::UTC));
    let mut days = Vec::new();
    for id in components.keys() {
        for d in today.saturating_sub(89)..=today {
            let mut day = Day::default();
            day.add(0, 0, 86_000_000);
            if (d as usize + id.as_str().len()).is_multiple_of(11) {
                day.add(1, 3, 400_000);
            }
            days.push((d, id.clone(), day));
        }
    }
    let statuses = components.iter().map(|(id, c)| (id.clone(), c.status));
    let ledger = Ledger::new(config, now, statuses, days);
    let uptime = Report::build(&ledger, &Default::default(), components.keys(), now);
    View {
        config: config.clone(),
        components: Arc::new(components),
        book,
        uptime: Arc::new(uptime),
        now,
        lang: candor::lang::Lang::english(),
    }
}

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn brotli(body: &[u8], quality: i32) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality,
        lgwin: 22,
        size_hint: body.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    // Reading a slice and writing a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &body[..], &mut out, &params);
    out
}

/// The bodies rendered afresh on every render (closed incident pages, the
/// history and the feeds are reused while no record changed), with the
/// overall badge (component badges are drawn when read).
fn fresh_bodies(s: &Snapshot) -> anyhow::Result<Vec<Bytes>> {
    let mut all = vec![s.index.body()?];
    for r in s.api.values().chain([&*s.badges.overall]) {
        all.push(r.body()?);
    }
    Ok(all.into_iter().filter(|b| b.len() >= MIN_LEN).collect())
}

fn main() -> anyhow::Result<()> {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(41);
    let config = config()?;
    let snapshot = render(view(&config), None);
    let index = &snapshot.index.body()?;
    let bodies = fresh_bodies(&snapshot)?;
    let total: usize = bodies.iter().map(|b| b.len()).sum();
    let size = |c: Option<Bytes>| c.map_or(0, |b| b.len());
    let (gz, br) = (size(encoding::gzip(index)), size(encoding::brotli(index)));
    println!(
        "50 components: index {} B, gzip -9 {gz} B, brotli (as served) {br} B ({:.1} % smaller); \
         {} bodies >= 1 KiB made afresh per render, {total} B",
        index.len(),
        100.0 * (gz as f64 - br as f64) / gz as f64,
        bodies.len()
    );
    // What is timed is the render alone, of the state the snapshot shows, a
    // moment later: component pages are reused (as within their 60 s).
    let mut later = snapshot.view.clone();
    later.now += chrono::Duration::seconds(1);
    let render_time = median(runs, || drop(render(later.clone(), Some(&snapshot))));
    println!("whole render (gzip and brotli included), median of {runs}: {render_time:.2?}");
    let pages = median(runs, || drop(render(later.clone(), None)));
    println!("the same, every component page rendered too (once a minute): {pages:.2?}");
    let each = |f: fn(&[u8]) -> Option<Bytes>| {
        let one = median(runs, || drop(f(index)));
        let all = median(runs, || bodies.iter().for_each(|b| drop(f(b))));
        (one, all)
    };
    let (gz_one, gz_all) = each(encoding::gzip);
    let (br_one, br_all) = each(encoding::brotli);
    println!("as served   index time  all fresh bodies");
    println!("gzip -9     {gz_one:>10.2?}  {gz_all:>10.2?}");
    println!("brotli      {br_one:>10.2?}  {br_all:>10.2?}");
    println!("brotli quality  index B  vs gzip  index time");
    for quality in [4, 5, 6, 9, 11] {
        let size = brotli(index, quality).len();
        let time = median(runs, || drop(brotli(index, quality)));
        let gain = 100.0 * (gz as f64 - size as f64) / gz as f64;
        println!("{quality:<16}{size:>7}  {gain:>6.1}%  {time:>10.2?}");
    }
    Ok(())
}
