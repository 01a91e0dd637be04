//! Visitors' reports through the pipeline, on the in-memory store.

use std::sync::Arc;

use super::{Shown, failure, pipeline_with};
use crate::clock::{Clock, ManualClock};
use crate::incidents::input::FieldErrors;
use crate::model::ComponentId;
use crate::outbox::Job;
use crate::pipeline::Pipeline;
use crate::pipeline::desk::{Command, CommandError, Done};
use crate::store::memory::MemoryStore;
use crate::store::{OutboxStore, ReportStore, Storage};

const CONFIG: &str = r#"
[[components]]
id = "api"
name = "Public API"
report_threshold = 3

[[checks]]
component = "api"
name = "API health"
url = "http://127.0.0.1:9/health"
every = "30s"
failure_threshold = 2

[[webhooks]]
url = "http://127.0.0.1:9/hook"
"#;

fn api() -> ComponentId {
    ComponentId::parse("api").unwrap()
}

fn setup() -> (Arc<MemoryStore>, Arc<ManualClock>, Pipeline) {
    let memory = Arc::new(MemoryStore::default());
    let clock = Arc::new(ManualClock::default());
    let p = pipeline_with(CONFIG, &memory, &Arc::new(Shown::default()), clock.clone());
    (memory, clock, p)
}

async fn report(p: &mut Pipeline, text: Option<&str>) -> Result<Done, CommandError> {
    let command = Command::Report {
        component: api(),
        text: text.map(str::to_owned),
    };
    p.execute(command, FieldErrors::default()).await
}

/// The bodies of the `component.reports_threshold` deliveries queued.
fn alarms_sent(memory: &MemoryStore) -> Vec<serde_json::Value> {
    (memory.jobs(None, 100).unwrap().into_iter())
        .filter_map(|(_, e)| match e.job {
            Job::Webhook(d) => serde_json::from_str::<serde_json::Value>(&d.body).ok(),
            _ => None,
        })
        .filter(|body| body["event"] == "component.reports_threshold")
        .collect()
}

#[tokio::test]
async fn the_report_that_reaches_the_threshold_queues_one_webhook_with_it() {
    let (memory, clock, mut p) = setup();
    for _ in 0..2 {
        assert!(matches!(
            report(&mut p, Some("blank page")).await,
            Ok(Done::Reported)
        ));
        clock.advance(chrono::Duration::seconds(10));
    }
    assert!(
        alarms_sent(&memory).is_empty(),
        "two is under the threshold"
    );
    report(&mut p, None).await.unwrap();
    let sent = alarms_sent(&memory);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["reports"]["last_15m"], 3);
    assert_eq!(sent[0]["reports"]["threshold"], 3);
    assert_eq!(sent[0]["reports"]["checks_status"], "operational");
    assert_eq!(sent[0]["component"]["id"], "api");
    assert_eq!(sent[0]["reports"]["component_id"], "api");
    assert!(
        !sent[0].to_string().contains("blank page"),
        "no visitor text"
    );
    assert_eq!(memory.report_alarms().unwrap().len(), 1, "stored as raised");
    for _ in 0..5 {
        report(&mut p, None).await.unwrap();
    }
    p.tick().await;
    assert_eq!(alarms_sent(&memory).len(), 1, "told once while over");
    assert_eq!(
        memory
            .reports_since(clock.now() - chrono::Duration::hours(1))
            .unwrap()
            .len(),
        8
    );

    // All eight leave the 15-minute window: cleared, and a new crossing tells again.
    clock.advance(chrono::Duration::minutes(16));
    p.tick().await;
    assert!(
        memory.report_alarms().unwrap().is_empty(),
        "cleared when under"
    );
    for _ in 0..3 {
        report(&mut p, None).await.unwrap();
    }
    assert_eq!(alarms_sent(&memory).len(), 2);
}

#[tokio::test]
async fn reports_about_a_component_whose_checks_fail_raise_no_alarm() {
    let (memory, _clock, mut p) = setup();
    let result = failure(&p);
    p.handle(&result).await;
    assert!(p.handle(&result).await, "the component is out");
    for _ in 0..5 {
        report(&mut p, None).await.unwrap();
    }
    p.tick().await;
    assert!(alarms_sent(&memory).is_empty());
    assert!(memory.report_alarms().unwrap().is_empty());
    assert_eq!(memory.latest_reports(10).unwrap().len(), 5, "still stored");
}

#[tokio::test]
async fn an_unknown_component_or_a_failing_store_keeps_nothing_and_counts_nothing() {
    let (memory, _clock, mut p) = setup();
    let unknown = Command::Report {
        component: ComponentId::parse("nope").unwrap(),
        text: None,
    };
    let refused = p.execute(unknown, FieldErrors::default()).await;
    assert!(
        matches!(refused, Err(CommandError::NotFound(_))),
        "{refused:?}"
    );
    memory.refuse_writes(true);
    for _ in 0..3 {
        let refused = report(&mut p, None).await;
        assert!(matches!(refused, Err(CommandError::Storage)), "{refused:?}");
    }
    memory.refuse_writes(false);
    assert!(memory.latest_reports(10).unwrap().is_empty());
    report(&mut p, None).await.unwrap();
    assert!(
        alarms_sent(&memory).is_empty(),
        "the refused three were not counted"
    );
    assert!(memory.healthy());
}
