//! The pipeline on the in-memory store: no disk, no web server, no network.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::desk::{Command, CommandError, Done, SubscriptionCommand};
use super::restore::restore;
use super::{Pipeline, Publish};
use crate::clock::{Clock, ManualClock};
use crate::config::Config;
use crate::incidents::input::{FieldErrors, IncidentInput};
use crate::metrics::Metrics;
use crate::model::{CheckResult, ComponentStatus, Outcome};
use crate::outbox::Job;
use crate::read::View;
use crate::store::memory::MemoryStore;
use crate::store::{OutboxStore, StateStore, Storage, Store};
use crate::subscribers::Subscribed;

const CONFIG: &str = r#"
[[components]]
id = "api"
name = "Public API"

[[checks]]
component = "api"
name = "API health"
url = "http://127.0.0.1:9/health"
every = "30s"
failure_threshold = 2
"#;

/// Keeps the last state published, as the web snapshot would show it.
#[derive(Default)]
struct Shown(Mutex<Option<View>>);

impl Publish for Shown {
    fn publish(&self, view: View) {
        if let Ok(mut shown) = self.0.lock() {
            *shown = Some(view);
        }
    }
}

impl Shown {
    fn status(&self) -> Option<ComponentStatus> {
        let shown = self.0.lock().ok()?;
        let view = shown.as_ref()?;
        view.components.values().next().map(|c| c.status)
    }
}

fn pipeline(memory: &Arc<MemoryStore>, shown: &Arc<Shown>) -> Pipeline {
    pipeline_with(CONFIG, memory, shown, Arc::new(ManualClock::default()))
}

fn pipeline_with(
    config: &str,
    memory: &Arc<MemoryStore>,
    shown: &Arc<Shown>,
    clock: Arc<ManualClock>,
) -> Pipeline {
    let now = clock.now();
    let config = Arc::new(Config::parse(config).unwrap());
    let store: Store = memory.clone();
    let restored = restore(&config, &*store, now).unwrap();
    Pipeline {
        locations: Default::default(),
        config,
        book: restored.view.book.clone(),
        announced: (restored.view.components.iter())
            .map(|(id, c)| (id.clone(), c.status))
            .collect(),
        engine: restored.engine,
        store,
        publish: shown.clone(),
        metrics: Arc::new(Metrics::new()),
        clock,
        outbox_wake: Arc::default(),
        webhook_wake: Arc::default(),
        last_tick: now,
        ledger: restored.ledger,
        latency: restored.latency,
        last_checkpoint: now,
        reports: Default::default(),
        report_watch: Default::default(),
    }
}

fn failure(p: &Pipeline) -> CheckResult {
    CheckResult {
        check: p.config.checks[0].id.clone(),
        at: p.clock.now(),
        duration: Duration::from_millis(12),
        outcome: Outcome::Down,
        reason: Some(crate::model::Reason::HttpStatus { code: 503 }),
    }
}

fn incident_input() -> IncidentInput {
    IncidentInput {
        name: Some("Slow logins".into()),
        status: Some("investigating".into()),
        body: Some("We are looking into it.".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn failing_checks_open_an_incident_stored_with_its_email_and_shown() {
    let (memory, shown) = (Arc::new(MemoryStore::default()), Arc::new(Shown::default()));
    let clock = Arc::new(ManualClock::default());
    let mut p = pipeline_with(CONFIG, &memory, &shown, clock.clone());
    let result = failure(&p);
    assert!(
        !p.handle(&result).await,
        "one failure is below the threshold"
    );
    assert!(
        p.handle(&result).await,
        "the second one moves the component"
    );
    p.render();
    assert_eq!(shown.status(), Some(ComponentStatus::MajorOutage));
    let book = memory.load_book().unwrap();
    assert_eq!(book.incidents.len(), 1, "one automatic incident, stored");
    let held = book.incidents.values().next().and_then(|i| i.held);
    assert!(held.is_some_and(|h| h.opening), "its email waits: {held:?}");
    let broadcasts = || {
        let jobs = memory.jobs(None, 10).unwrap();
        (jobs.iter())
            .filter(|(_, e)| matches!(e.job, Job::Broadcast { .. }))
            .count()
    };
    assert_eq!(broadcasts(), 0, "nothing is sent during the settle time");
    clock.advance(chrono::Duration::seconds(29));
    p.tick().await;
    assert_eq!(broadcasts(), 0);
    clock.advance(chrono::Duration::seconds(1));
    p.tick().await;
    assert_eq!(broadcasts(), 1, "then its email goes into the outbox");
    let book = memory.load_book().unwrap();
    let held = book.incidents.values().next().and_then(|i| i.held);
    assert_eq!(held, None, "stored as sent");
    let (_, components) = memory.load_state().unwrap();
    assert_eq!(components[0].1.status, ComponentStatus::MajorOutage);
}

#[tokio::test]
async fn an_engineers_change_that_storage_refuses_is_not_applied_nor_shown() {
    let (memory, shown) = (Arc::new(MemoryStore::default()), Arc::new(Shown::default()));
    let mut p = pipeline(&memory, &shown);
    memory.refuse_writes(true);
    let refused = p
        .execute(
            Command::OpenIncident(incident_input()),
            FieldErrors::default(),
        )
        .await;
    assert!(matches!(refused, Err(CommandError::Storage)), "{refused:?}");
    assert!(
        p.book.incidents.is_empty(),
        "memory never claims what storage lacks"
    );
    assert!(!memory.healthy(), "/healthz says storage is failing");
    memory.refuse_writes(false);
    let done = p
        .execute(
            Command::OpenIncident(incident_input()),
            FieldErrors::default(),
        )
        .await;
    assert!(matches!(done, Ok(Done::Incident(_))), "{done:?}");
    assert_eq!(memory.load_book().unwrap().incidents.len(), 1);
    assert!(memory.healthy());
}

#[tokio::test]
async fn invalid_input_changes_nothing_and_names_the_field() {
    let (memory, shown) = (Arc::new(MemoryStore::default()), Arc::new(Shown::default()));
    let mut p = pipeline(&memory, &shown);
    let input = IncidentInput {
        status: Some("sleeping".into()),
        ..incident_input()
    };
    let refused = p
        .execute(Command::OpenIncident(input), FieldErrors::default())
        .await;
    let Err(CommandError::Invalid(errors)) = refused else {
        panic!("{refused:?}");
    };
    assert!(errors.0.contains_key("status"), "{errors:?}");
    assert!(memory.load_book().unwrap().incidents.is_empty());
    assert_eq!(memory.outbox_counts().unwrap().queued, 0);
}

#[tokio::test]
async fn a_subscription_takes_the_same_path_and_queues_its_confirmation() {
    let (memory, shown) = (Arc::new(MemoryStore::default()), Arc::new(Shown::default()));
    let mut p = pipeline(&memory, &shown);
    let subscribe = SubscriptionCommand::Subscribe {
        language: None,
        email: "ann@example.com".into(),
        components: Vec::new(),
    };
    let done = p
        .execute(Command::Subscription(subscribe), FieldErrors::default())
        .await;
    assert!(
        matches!(done, Ok(Done::Subscribed(Subscribed::ConfirmationQueued))),
        "{done:?}"
    );
    assert_eq!(memory.outbox_counts().unwrap().queued, 1);
    memory.refuse_writes(true);
    let again = SubscriptionCommand::Subscribe {
        language: None,
        email: "bob@example.com".into(),
        components: Vec::new(),
    };
    let refused = p
        .execute(Command::Subscription(again), FieldErrors::default())
        .await;
    assert!(matches!(refused, Err(CommandError::Storage)), "{refused:?}");
    assert_eq!(memory.outbox_counts().unwrap().queued, 1);
}

#[tokio::test]
async fn a_write_copies_only_the_record_it_changes_and_shares_the_rest_with_the_page() {
    let (memory, shown) = (Arc::new(MemoryStore::default()), Arc::new(Shown::default()));
    let mut p = pipeline(&memory, &shown);
    let mut ids = Vec::new();
    for _ in 0..3 {
        let done = p
            .execute(
                Command::OpenIncident(incident_input()),
                FieldErrors::default(),
            )
            .await;
        let Ok(Done::Incident(i)) = done else {
            panic!("{done:?}")
        };
        ids.push(i.id);
    }
    // What the published page holds.
    let before = p.book.clone();
    let update = crate::incidents::input::UpdateInput {
        status: Some("identified".into()),
        body: Some("Found it.".into()),
        ..Default::default()
    };
    let command = Command::UpdateIncident {
        id: ids[1].clone(),
        input: update,
    };
    let done = p.execute(command, FieldErrors::default()).await;
    assert!(matches!(done, Ok(Done::Incident(_))), "{done:?}");
    assert!(
        !Arc::ptr_eq(&before, &p.book),
        "the page's book is left alone"
    );
    assert!(before.incidents.same(&p.book.incidents, &ids[0]));
    assert!(before.incidents.same(&p.book.incidents, &ids[2]));
    assert!(!before.incidents.same(&p.book.incidents, &ids[1]));
    assert_eq!(
        before.incidents.get(&ids[1]).map(|i| i.updates.len()),
        Some(1),
        "the page still shows the incident as it was"
    );
}

mod reports;

#[tokio::test]
async fn the_page_is_made_again_the_moment_a_promised_update_falls_due() {
    let (memory, shown) = (Arc::new(MemoryStore::default()), Arc::new(Shown::default()));
    let clock = Arc::new(ManualClock::default());
    let mut p = pipeline_with(CONFIG, &memory, &shown, clock.clone());
    let result = failure(&p);
    p.handle(&result).await;
    assert!(p.handle(&result).await, "an automatic incident opens");
    // Past the settle time (its email goes out: a change of its own).
    clock.advance(chrono::Duration::seconds(31));
    p.tick().await;
    clock.advance(chrono::Duration::minutes(29));
    assert!(!p.tick().await, "the promise is still to come");
    clock.advance(chrono::Duration::seconds(30));
    assert!(p.tick().await, "30 minutes after opening it falls due");
    clock.advance(chrono::Duration::seconds(1));
    assert!(!p.tick().await, "once");
}
