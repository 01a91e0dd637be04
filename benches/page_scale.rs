//! `/` at 50, 1,000 and 5,000 components with 90 days of history: its size
//! (identity and brotli, as served), its elements, the time to render it,
//! and, at 50 and 1,000, DOMContentLoaded in headless Chromium on a phone-
//! sized window with the CPU throttled 4x (DevTools'
//! Emulation.setCPUThrottlingRate), as a mid-range phone would load it.
//!   cargo bench --bench page_scale [RUNS=21] [--no-browser]
//! `benches/page_scale.sh` runs it on the base commit too, side by side.
//! Besides the table it prints `tsv` lines for that script.

#[path = "../tests/it/chromium.rs"]
mod chromium;
#[path = "../tests/it/debian.rs"]
mod debian;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use candor::Config;
use candor::engine::Engine;
use candor::incidents::Book;
use candor::model::{ComponentStatus, Finding, Reason};
use candor::read::view::{self, Decider, View, Why};
use candor::uptime::{Day, Ledger, Report, calendar};
use candor::web::{assets, encoding, pages};

/// Page loads per size in the browser (the median is reported).
const LOADS: usize = 7;

/// `n` components, each with a check's worth of description: 5 groups of 10
/// at 50 (as the other benchmarks), otherwise groups of 50.
fn config(n: usize) -> anyhow::Result<Arc<Config>> {
    let per_group = if n <= 50 { 10 } else { 50 };
    let mut toml = String::from("[site]\ntitle = \"Bench Status\"\n");
    for i in 0..n {
        toml += &format!(
            "[[components]]\nid = \"c{i}\"\nname = \"Service {i}\"\ngroup = \"Region {:02}\"\n\
             description = \"Service number {i}\"\n",
            i / per_group + 1
        );
    }
    let config = Config::parse(&toml).map_err(|p| anyhow::anyhow!("{p:?}"))?;
    Ok(Arc::new(config))
}

/// 90 observed days per component; on about 2 % of days an outage of 5 to
/// 65 minutes and on 1 % degraded performance, spread by a hash; every
/// component checked in the last 30 s; one component (in the second group)
/// in a major outage now.
fn view(config: &Arc<Config>) -> View {
    let ids: Vec<_> = config.components.iter().map(|c| c.id.clone()).collect();
    let now = chrono::Utc::now();
    let engine = Engine::new(&ids, &config.checks, now);
    let book = Arc::new(Book::default());
    let mut components = view::components(config, &engine, &book, now);
    let today = calendar::day_no(calendar::local_date(now, chrono_tz::UTC));
    let mut days = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        for d in today.saturating_sub(89)..=today {
            let mut day = Day::default();
            let h = (n as u64 * 2_654_435_761 + u64::from(d) * 40_503) % 1000;
            match h {
                0..20 => day.add(1, 3, 300_000 + h as u32 * 180_000),
                20..30 => day.add(1, 1, 1_800_000),
                _ => {}
            }
            day.add(0, 0, 80_000_000);
            days.push((d, id.clone(), day));
        }
    }
    for (n, c) in components.values_mut().enumerate() {
        c.last_checked = Some(now - chrono::Duration::seconds(n as i64 % 30));
    }
    let failing = ids.get(ids.len().min(12)).or(ids.last()).cloned();
    if let Some(c) = failing.and_then(|id| components.get_mut(&id)) {
        c.status = ComponentStatus::MajorOutage;
        c.checks_status = ComponentStatus::MajorOutage;
        c.decided_by = Decider::Checks;
        c.since = now - chrono::Duration::minutes(7);
        c.reason = Some(Why::Checks(vec![Finding {
            seen_from: None,
            check: "health".into(),
            reason: Some(Reason::other("HTTP 503 Service Unavailable")),
        }]));
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
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Start tags: what a browser makes elements of (maud escapes every `<` in
/// text, and `<!DOCTYPE` is not a tag).
fn elements(html: &str) -> usize {
    let b = html.as_bytes();
    b.windows(2)
        .filter(|w| w[0] == b'<' && w[1].is_ascii_alphabetic())
        .count()
}

struct Row {
    n: usize,
    identity: usize,
    brotli: usize,
    elements: usize,
    render: Duration,
    compress: Duration,
    browser: Option<Loaded>,
}

#[derive(Clone, Copy)]
struct Loaded {
    dcl_ms: f64,
    load_ms: f64,
    elements: u64,
}

fn measure(n: usize, runs: usize) -> anyhow::Result<(Row, String)> {
    let v = view(&config(n)?);
    let body = pages::status::render(&v).into_string();
    let br = encoding::brotli(body.as_bytes()).map_or(body.len(), |b| b.len());
    let render = median(runs, || drop(pages::status::render(&v).into_string()));
    let compress = median(runs, || drop(encoding::brotli(body.as_bytes())));
    let row = Row {
        n,
        identity: body.len(),
        brotli: br,
        elements: elements(&body),
        render,
        compress,
        browser: None,
    };
    Ok((row, body))
}

/// Serves the pages (`/{n}`) and the stylesheet as Candor does, on loopback.
async fn serve(pages: BTreeMap<usize, String>) -> anyhow::Result<String> {
    let pages = web::Data::new(pages);
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(pages.clone())
            .route("/static/{name}", web::get().to(assets::serve))
            .route("/{n}", web::get().to(page))
    })
    .workers(1)
    .listen(listener)?
    .run();
    tokio::spawn(server);
    Ok(format!("http://127.0.0.1:{port}"))
}

async fn page(pages: web::Data<BTreeMap<usize, String>>, n: web::Path<usize>) -> HttpResponse {
    match pages.get(&n) {
        Some(body) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(body.clone()),
        None => HttpResponse::NotFound().finish(),
    }
}

const TIMING: &str = r#"
    const t = performance.getEntriesByType('navigation')[0];
    return [t.domContentLoadedEventEnd, t.loadEventEnd, document.getElementsByTagName('*').length];
"#;

/// Loads each page [`LOADS`] times in a 390 x 844 window, CPU throttled 4x.
async fn load_times(pages: BTreeMap<usize, String>) -> Result<BTreeMap<usize, Loaded>, String> {
    let sizes: Vec<usize> = pages.keys().copied().collect();
    let base = serve(pages).await.map_err(|e| e.to_string())?;
    let browser = chromium::Browser::start(390, 844).await?;
    let result = async {
        browser
            .cdp(
                "Emulation.setCPUThrottlingRate",
                serde_json::json!({ "rate": 4 }),
            )
            .await?;
        let mut out = BTreeMap::new();
        for n in sizes {
            let mut runs = Vec::new();
            for _ in 0..LOADS {
                let c = &browser.client;
                c.goto(&format!("{base}/{n}"))
                    .await
                    .map_err(|e| e.to_string())?;
                let t = c.execute(TIMING, vec![]).await.map_err(|e| e.to_string())?;
                let f = |i: usize| t[i].as_f64().unwrap_or(f64::NAN);
                runs.push(Loaded {
                    dcl_ms: f(0),
                    load_ms: f(1),
                    elements: t[2].as_u64().unwrap_or(0),
                });
            }
            runs.sort_by(|a, b| a.dcl_ms.total_cmp(&b.dcl_ms));
            out.insert(n, runs[runs.len() / 2]);
        }
        Ok::<_, String>(out)
    }
    .await;
    browser.close().await;
    result
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(21);
    let browser = !args.iter().any(|a| a == "--no-browser");
    let mut rows = Vec::new();
    let mut pages = BTreeMap::new();
    for n in [50, 1_000, 5_000] {
        let (row, body) = measure(n, if n > 1_000 { runs.div_ceil(4) } else { runs })?;
        if n <= 1_000 {
            pages.insert(n, body);
        }
        rows.push(row);
    }
    if browser {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        let loaded = rt
            .block_on(load_times(pages))
            .map_err(|e| anyhow::anyhow!(e))?;
        for row in &mut rows {
            row.browser = loaded.get(&row.n).copied();
        }
    }
    print(&rows);
    Ok(())
}

fn print(rows: &[Row]) {
    println!(
        "{:>10} {:>12} {:>10} {:>9} {:>10} {:>10} {:>12} {:>10}",
        "components",
        "identity B",
        "brotli B",
        "elements",
        "render",
        "brotli",
        "DCL 4x (ms)",
        "load 4x"
    );
    for r in rows {
        let (dcl, load) = r
            .browser
            .map_or((f64::NAN, f64::NAN), |b| (b.dcl_ms, b.load_ms));
        println!(
            "{:>10} {:>12} {:>10} {:>9} {:>10.2?} {:>10.2?} {:>12.0} {:>10.0}",
            r.n, r.identity, r.brotli, r.elements, r.render, r.compress, dcl, load
        );
        if let Some(b) = r.browser.filter(|b| b.elements as usize != r.elements) {
            println!("           (the browser counted {} elements)", b.elements);
        }
    }
    for r in rows {
        let (dcl, load) = r
            .browser
            .map_or((f64::NAN, f64::NAN), |b| (b.dcl_ms, b.load_ms));
        println!(
            "tsv\t{}\t{}\t{}\t{}\t{:.3}\t{:.3}\t{:.0}\t{:.0}",
            r.n,
            r.identity,
            r.brotli,
            r.elements,
            r.render.as_secs_f64() * 1e3,
            r.compress.as_secs_f64() * 1e3,
            dcl,
            load
        );
    }
}
