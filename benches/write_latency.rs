//! Write latency against the size of the history: an engineer's write (new
//! incident, incident update, component status PATCH) from request to 2xx,
//! over HTTP to the real application, with 4 writers at once, on an
//! installation of 1,000 components (20 groups of 50) whose history holds 10
//! incidents beside one whose history holds 5,000. A write should cost what
//! it changes, so the two should be close.
//!   cargo bench --bench write_latency -- [WRITES=1000] [SMALL=10] [LARGE=5000]
//! WRITES is per installation; both run in alternating rounds, so the
//! machine's noise falls on both alike. With `DATABASE_URL=postgres://...`
//! (an empty database) a third installation runs beside them: the large
//! history on PostgreSQL, as the leader of several nodes (its writes check
//! the lease), and the ratio to sled is printed (benches/postgres.sh makes
//! a throwaway database and runs this).

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use candor::incidents::{Author, Impact, Incident, IncidentId, IncidentStatus, Update, UpdateId};
use candor::model::{ComponentId, ComponentStatus};
use candor::store::Commit;
use candor::{Application, Config};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "bench-token-0123456789abcdef";
const GROUPS: usize = 20;
const PER_GROUP: usize = 50;
const WRITERS: usize = 4;
const ROUNDS: usize = 5;

fn component(n: usize) -> String {
    format!("svc-{:02}-{:02}", n / PER_GROUP, n % PER_GROUP)
}

fn config(data: &std::path::Path) -> String {
    let mut s = format!(
        "[site]\ntitle = \"Bench Status\"\n[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{}\"\n",
        data.display()
    );
    for n in 0..GROUPS * PER_GROUP {
        let id = component(n);
        s += &format!(
            "[[components]]\nid = \"{id}\"\nname = \"Service {id}\"\ngroup = \"Region {:02}\"\n",
            n / PER_GROUP
        );
    }
    s
}

/// A resolved incident that began `hours_ago`, with three updates.
fn past_incident(n: usize, hours_ago: i64) -> anyhow::Result<Incident> {
    let start = chrono::Utc::now() - chrono::Duration::hours(hours_ago);
    let end = start + chrono::Duration::minutes(40);
    let c =
        ComponentId::parse(&component(n * 7 % (GROUPS * PER_GROUP))).map_err(anyhow::Error::msg)?;
    let update = |status, body: &str, at| Update {
        id: UpdateId::random(),
        status,
        body: body.to_owned().into(),
        at,
        changes: Vec::new(),
        notify: true,
        author: Author::Engineer,
    };
    Ok(Incident {
        id: IncidentId::random(),
        name: format!("Past outage number {n}").into(),
        status: IncidentStatus::Resolved,
        impact: Impact::Major,
        components: [(c, ComponentStatus::MajorOutage)].into(),
        created_at: start,
        updated_at: end,
        started_at: start,
        monitoring_at: None,
        resolved_at: Some(end),
        cause: Some("A failed deploy.".into()),
        expected_resolution_at: None,
        next_update_by: None,
        workaround: None,
        postmortem: None,
        source: Author::Engineer,
        taken_over: false,
        recovered_at: None,
        held: None,
        updates: vec![
            update(
                IncidentStatus::Investigating,
                "Requests fail; we are looking into it.",
                start,
            ),
            update(
                IncidentStatus::Identified,
                "A deploy broke it; rolling back.",
                start + chrono::Duration::minutes(10),
            ),
            update(
                IncidentStatus::Resolved,
                "Rolled back; all good again.",
                end,
            ),
        ],
    })
}

/// One running installation with `history` past incidents (every 2 hours
/// back), on a runtime of its own: its renders must not delay the writers'
/// clocks, nor the writers its requests.
struct Installation {
    history: usize,
    /// "sled" or "PostgreSQL".
    store: &'static str,
    base: String,
    stop: CancellationToken,
    thread: std::thread::JoinHandle<anyhow::Result<()>>,
    latencies: Vec<Duration>,
}

async fn seed(store: candor::store::Store, history: usize) -> anyhow::Result<()> {
    let records = (0..history)
        .map(|n| past_incident(n, 2 * (n as i64 + 1)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for chunk in records.chunks(500) {
        store.commit(&Commit {
            incidents: chunk.iter().collect(),
            ..Commit::default()
        })?;
    }
    Ok(store.flush().await?)
}

fn start(history: usize, database: Option<String>) -> anyhow::Result<Installation> {
    let on = if database.is_some() {
        "PostgreSQL"
    } else {
        "sled"
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            let dir = tempfile::tempdir()?;
            let data = dir.path().join("data");
            let mut config = Config::parse(&config(&data)).map_err(|p| anyhow::anyhow!("{p:?}"))?;
            config.admin_token = Some(TOKEN.to_owned());
            let app = match database {
                None => {
                    seed(candor::store::open(&data)?, history).await?;
                    Application::build(config).await?
                }
                Some(url) => {
                    config.server.database_url =
                        Some(candor::config::DatabaseUrl::parse(&url).map_err(anyhow::Error::msg)?);
                    let shared =
                        candor::store::open_shared(&config.server)?.context("a database URL")?;
                    seed(shared.store.clone(), history).await?;
                    let epoch = (shared.lease)
                        .acquire("bench", "http://127.0.0.1", Duration::from_secs(3600))?
                        .context("the lease is free in a new database")?;
                    (shared.fence)(Some(("bench".into(), epoch)));
                    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
                    let clock = std::sync::Arc::new(candor::clock::SystemClock);
                    Application::build_on(config, clock, listener, shared.store.clone(), None)
                        .await?
                }
            };
            let base = format!("http://127.0.0.1:{}", app.port());
            tx.send((base, app.stopper()))?;
            app.run_until_stopped().await
        })
    });
    let (base, stop) = rx.recv().context("the installation did not start")?;
    Ok(Installation {
        history,
        store: on,
        base,
        stop,
        thread,
        latencies: Vec::new(),
    })
}

/// Sends one write; its time to the 2xx, and the answer.
async fn write(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    body: Value,
) -> anyhow::Result<(Duration, Value)> {
    let t = Instant::now();
    let res = client
        .request(method, &url)
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await?;
    let status = res.status();
    let answer: Value = res.json().await.unwrap_or(Value::Null);
    let took = t.elapsed();
    if !status.is_success() {
        bail!("{url}: {status} {answer}");
    }
    Ok((took, answer))
}

/// One writer's cycle: open an incident on a component, update it, resolve
/// it, then set another component's status and hand it back. Five writes.
async fn cycle(client: &reqwest::Client, base: &str, n: usize) -> anyhow::Result<Vec<Duration>> {
    use reqwest::Method;
    let (a, b) = (component(n % 1000), component((n * 13 + 500) % 1000));
    let api = format!("{base}/api/admin/v1");
    let mut took = Vec::with_capacity(5);
    let (t, opened) = write(client, Method::POST, format!("{api}/incidents"), json!({
        "name": format!("Elevated errors on {a}"), "status": "investigating",
        "body": "Some requests fail.", "components": {a.clone(): "major_outage"}, "notify": false,
    })).await?;
    took.push(t);
    let id = opened["id"]
        .as_str()
        .context("the new incident's id")?
        .to_owned();
    let updates = format!("{api}/incidents/{id}/updates");
    for (status, body) in [
        ("identified", "A bad deploy; rolling back."),
        ("resolved", "Rolled back."),
    ] {
        let body = json!({"status": status, "body": body, "notify": false});
        took.push(write(client, Method::POST, updates.clone(), body).await?.0);
    }
    for status in ["degraded_performance", "operational"] {
        let url = format!("{api}/components/{b}");
        took.push(
            write(client, Method::PATCH, url, json!({"status": status}))
                .await?
                .0,
        );
    }
    Ok(took)
}

/// `writes` writes from [`WRITERS`] writers at once.
async fn round(inst: &mut Installation, writes: usize, offset: usize) -> anyhow::Result<()> {
    // A connection per request: a pooled one the server has just closed
    // as idle would fail the write, and loopback connects cost microseconds.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let cycles = writes.div_ceil(5 * WRITERS);
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (client, base) = (client.clone(), inst.base.clone());
            tokio::spawn(async move {
                let mut all = Vec::new();
                for c in 0..cycles {
                    all.extend(cycle(&client, &base, offset + c * WRITERS + w).await?);
                }
                anyhow::Ok(all)
            })
        })
        .collect();
    for t in tasks {
        inst.latencies.extend(t.await??);
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .map(|a| a.parse().context("arguments are numbers"))
        .collect::<anyhow::Result<_>>()?;
    let writes = args.first().copied().unwrap_or(1000);
    let sizes = [
        args.get(1).copied().unwrap_or(10),
        args.get(2).copied().unwrap_or(5000),
    ];
    let database = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty());
    let mut installs = Vec::new();
    let mut plan: Vec<(usize, Option<String>)> = sizes.iter().map(|s| (*s, None)).collect();
    if let Some(url) = &database {
        plan.push((sizes[1], Some(url.clone())));
    }
    for (size, on) in plan {
        let t = Instant::now();
        installs.push(start(size, on)?);
        eprintln!(
            "started with {size} incidents in history ({:.1} s)",
            t.elapsed().as_secs_f64()
        );
    }
    // Warm up both (connections, first renders), then measure in rounds.
    for inst in &mut installs {
        round(inst, 5 * WRITERS, 900).await?;
        inst.latencies.clear();
    }
    // The first render's bodies are compressed after it, on a thread of
    // their own: with 5,000 incident pages that takes a few seconds of a
    // core, once per start. Measure the steady state, not that.
    tokio::time::sleep(Duration::from_secs(10)).await;
    for r in 0..ROUNDS {
        for inst in &mut installs {
            round(inst, writes / ROUNDS, r * 1000).await?;
        }
    }
    println!(
        "write-to-2xx, {WRITERS} writers, {} components, {writes} writes each (5 rounds, alternating)",
        GROUPS * PER_GROUP
    );
    println!("| store | incidents in history | writes | median | p90 | p99 | max |");
    println!("|---|---|---|---|---|---|---|");
    let mut figures = Vec::new();
    for inst in &mut installs {
        inst.latencies.sort();
        let l = &inst.latencies;
        let (p50, p99) = (quantile(l, 0.5), quantile(l, 0.99));
        println!(
            "| {} | {} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            inst.store,
            inst.history,
            l.len(),
            ms(p50),
            ms(quantile(l, 0.9)),
            ms(p99),
            ms(l.last().copied().unwrap_or_default())
        );
        figures.push((p50, p99));
    }
    let ratio_of = |a: usize, b: usize, f: fn(&(Duration, Duration)) -> Duration| {
        ms(f(&figures[a])) / ms(f(&figures[b])).max(f64::EPSILON)
    };
    let ratio = |f| ratio_of(1, 0, f);
    println!(
        "ratio {} / {} incidents: median {:.2}x, p99 {:.2}x",
        sizes[1],
        sizes[0],
        ratio(|f| f.0),
        ratio(|f| f.1)
    );
    if figures.len() == 3 {
        println!(
            "ratio PostgreSQL / sled, {} incidents: median {:.2}x, p99 {:.2}x",
            sizes[1],
            ratio_of(2, 1, |f| f.0),
            ratio_of(2, 1, |f| f.1)
        );
    }
    for inst in installs {
        inst.stop.cancel();
        inst.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the installation panicked"))??;
    }
    Ok(())
}
