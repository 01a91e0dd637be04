//! Fan-out of one incident to many confirmed subscribers through the real
//! outbox worker and lettre's pooled SMTP, against a local SMTP sink.
//! Run by `benches/fanout.sh`, which starts Postfix's smtp-sink and measures its
//! raw accept rate with smtp-source for comparison.
//!   cargo bench --bench fanout -- SMTP_ADDR [SUBSCRIBERS=100000]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use candor::Config;
use candor::incidents::{Impact, IncidentStatus, RecordId, UpdateId};
use candor::metrics::Metrics;
use candor::notify::compose::{Letterhead, compose};
use candor::notify::transport::Mailer;
use candor::notify::worker::{Composer, Worker};
use candor::outbox::notice::{Affected, Notice, NoticeImpact, NoticeKind, NoticeStatus};
use candor::outbox::{Envelope, Job};
use candor::pipeline::subscriptions::import_confirmed;
use candor::store::Commit;
use tokio_util::sync::CancellationToken;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn notice() -> Notice {
    Notice {
        kind: NoticeKind::IncidentOpened,
        subject_id: RecordId::parse("bench0000001").unwrap(),
        update_id: UpdateId::parse("u00000000001").unwrap().into(),
        name: "Elevated API errors".into(),
        status: NoticeStatus::Incident(IncidentStatus::Investigating),
        impact: NoticeImpact::Incident(Impact::Major),
        components: vec![Affected {
            id: candor::model::ComponentId::parse("api").unwrap(),
            name: "Public API".into(),
            status: candor::model::ComponentStatus::MajorOutage,
            group: None,
        }],
        cause: Some("A failed database failover".into()),
        why: None,
        expected_resolution_at: Some(chrono::Utc::now() + chrono::Duration::minutes(30)),
        next_update_by: None,
        workaround: Some("Retry after a minute.".into()),
        body: "Some requests fail with 503. We are failing over the database.".into(),
        window: None,
        at: chrono::Utc::now(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let smtp = args
        .first()
        .cloned()
        .unwrap_or_else(|| "127.0.0.1:2525".into());
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let config = Config::parse(&format!(
        "[site]\ntitle = \"Bench Status\"\n[email]\nfrom = \"Bench <status@bench.example>\"\nsmtp_url = \"smtp://{smtp}\"\n[[components]]\nid = \"api\"\nname = \"Public API\"\n"
    ))
    .map_err(|p| anyhow::anyhow!("{p:?}"))?;
    let store = candor::store::open(dir.path())?;
    let now = chrono::Utc::now();
    let t = Instant::now();
    for i in 0..n {
        let email = format!("user{i}@bench.example");
        import_confirmed(&*store, &email, Vec::new(), now)?;
    }
    store.flush().await?;
    eprintln!(
        "imported {n} subscribers in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let metrics = Arc::new(Metrics::new());
    let head = Letterhead::from_config(&config);
    let composer: Composer = Arc::new(move |l| compose(&head, l).map_err(|e| e.to_string()));
    let worker = Worker {
        store: store.clone(),
        mailer: Mailer::new(config.email.smtp_url.as_deref(), dir.path())
            .map_err(anyhow::Error::msg)?,
        compose: composer,
        metrics: metrics.clone(),
        give_up_after: Duration::from_secs(3600),
        wake: Arc::default(),
        clock: Arc::new(candor::clock::SystemClock),
    };
    let job = Envelope::new(
        Job::Broadcast {
            notice: notice(),
            cursor: None,
            sent: 0,
            failed: 0,
        },
        now,
    );
    store.commit(&Commit {
        jobs: vec![job],
        ..Commit::default()
    })?;

    let rss_before = rss_kib();
    let (peak, done) = (
        Arc::new(AtomicU64::new(rss_before)),
        Arc::new(AtomicBool::new(false)),
    );
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let start = Instant::now();
    let cancel = CancellationToken::new();
    while store.outbox_counts()?.queued > 0 {
        worker.run_once(&cancel).await?;
    }
    let secs = start.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    let sent = metrics.emails_sent.get();
    eprintln!("failed: {}", metrics.emails_failed.get());
    println!(
        "candor fan-out: {sent} emails accepted in {secs:.1} s = {:.0} msg/s",
        sent as f64 / secs
    );
    println!(
        "candor RSS: {:.0} MB before, {:.0} MB peak during fan-out",
        rss_before as f64 / 1024.0,
        peak.load(Ordering::Relaxed) as f64 / 1024.0
    );
    println!(
        "RESULT sent={sent} seconds={secs:.2} rss_before_kib={rss_before} rss_peak_kib={}",
        peak.load(Ordering::Relaxed)
    );
    Ok(())
}
