//! Which deliveries a change causes, and what their bodies say, without a
//! network: a config, a book, and the view the pipeline would build.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use super::plan::{self, StatusChange};
use crate::config::Config;
use crate::engine::Engine;
use crate::incidents::book::Event;
use crate::incidents::input::{IncidentInput, MaintenanceInput, UpdateInput};
use crate::incidents::{Book, IncidentId};
use crate::model::{ComponentId, ComponentStatus};
use crate::outbox::{Envelope, Job};
use crate::read::view::{self, View};

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 14, 0, 0).unwrap() + chrono::Duration::minutes(min)
}

/// Three receivers: everything, only `api`, only `db`.
fn config() -> Arc<Config> {
    let text = r#"
[site]
title = "Acme Status"
public_url = "https://status.acme.example"

[[components]]
id = "api"
name = "Public API"

[[components]]
id = "db"
name = "Database"

[[webhooks]]
url = "https://all.example/hook"

[[webhooks]]
url = "https://api.example/hook"
components = ["api"]

[[webhooks]]
url = "https://db.example/hook"
components = ["db"]
"#;
    Arc::new(Config::parse(text).unwrap())
}

fn id(s: &str) -> ComponentId {
    ComponentId::parse(s).unwrap()
}

fn view(config: &Arc<Config>, book: &Book) -> View {
    let ids: Vec<ComponentId> = config.components.iter().map(|c| c.id.clone()).collect();
    let engine = Engine::new(&ids, &config.checks, t(0));
    View {
        lang: crate::lang::Lang::english(),
        config: config.clone(),
        components: Arc::new(view::components(config, &engine, book, t(5))),
        book: Arc::new(book.clone()),
        uptime: Arc::default(),
        now: t(5),
    }
}

/// (url, body as JSON) of each job.
fn sent(jobs: &[Envelope]) -> Vec<(String, Value)> {
    jobs.iter()
        .map(|e| match &e.job {
            Job::Webhook(d) => (d.url.clone(), serde_json::from_str(&d.body).unwrap()),
            other => panic!("not a webhook job: {other:?}"),
        })
        .collect()
}

fn open_on_api(config: &Config, book: &mut Book) -> (IncidentId, Vec<Event>) {
    let input = IncidentInput {
        name: Some("Elevated API errors".into()),
        status: Some("identified".into()),
        impact: Some("major".into()),
        body: Some("Requests fail with 503.".into()),
        components: vec![("api".into(), "major_outage".into())],
        ..Default::default()
    };
    let ok = |_: &ComponentId| ComponentStatus::Operational;
    book.open_incident(input.validate(config, t(1)).unwrap(), &ok, t(1))
}

#[test]
fn an_incident_goes_to_every_webhook_whose_filter_it_passes_once_per_change() {
    let config = config();
    let mut book = Book::default();
    let (incident, _) = open_on_api(&config, &mut book);
    let resolve = UpdateInput {
        status: Some("resolved".into()),
        body: Some("Fixed.".into()),
        ..Default::default()
    };
    let ok = |_: &ComponentId| ComponentStatus::MajorOutage;
    let events = book
        .update_incident(
            &incident,
            resolve.validate(&config, t(2)).unwrap(),
            &ok,
            t(2),
        )
        .unwrap();
    assert!(
        events.len() > 1,
        "a resolving update is several events: {events:?}"
    );
    let jobs = plan::jobs(&config.webhooks, &view(&config, &book), &events, &[], t(2));
    let sent = sent(&jobs);
    let urls: Vec<&str> = sent.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        urls,
        ["https://all.example/hook", "https://api.example/hook"]
    );
    assert_eq!(sent[0].1, sent[1].1, "one body for every receiver");
    let body = &sent[0].1;
    assert_eq!(body["incident"]["id"], incident.as_str());
    assert_eq!(body["incident"]["status"], "resolved");
    assert_eq!(body["incident"]["incident_updates"][0]["body"], "Fixed.");
    assert_eq!(body["incident"]["components"][0]["id"], "api");
    assert_eq!(body["meta"]["generated_at"], "2026-11-22T14:02:00.000Z");
    assert_eq!(body["meta"]["unsubscribe"], "https://status.acme.example");
    assert_eq!(body["page"]["id"], "candor");
    assert_eq!(body["page"]["status_indicator"], "none");
    let ids: Vec<&str> = jobs
        .iter()
        .filter_map(|e| match &e.job {
            Job::Webhook(d) => Some(d.id.as_str()),
            _ => None,
        })
        .collect();
    assert_ne!(ids[0], ids[1], "each delivery has its own id");
}

#[test]
fn maintenance_is_sent_as_an_incident_but_its_reminder_is_not() {
    let config = config();
    let mut book = Book::default();
    let input = MaintenanceInput {
        name: Some("Database upgrade".into()),
        scheduled_for: Some(t(180).to_rfc3339()),
        scheduled_until: Some(t(240).to_rfc3339()),
        components: vec!["db".into()],
        ..Default::default()
    };
    let (m, events) = book.schedule_maintenance(input.validate(&config, t(0)).unwrap(), t(0));
    let v = view(&config, &book);
    let sent = sent(&plan::jobs(&config.webhooks, &v, &events, &[], t(0)));
    let urls: Vec<&str> = sent.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        urls,
        ["https://all.example/hook", "https://db.example/hook"]
    );
    let incident = &sent[0].1["incident"];
    assert_eq!(incident["id"], m.as_str());
    assert_eq!(incident["impact"], "maintenance");
    assert_eq!(incident["status"], "scheduled");
    assert_eq!(incident["scheduled_for"], "2026-11-22T17:00:00.000Z");
    let reminder = [Event::MaintenanceReminder { id: m }];
    assert!(plan::jobs(&config.webhooks, &v, &reminder, &[], t(1)).is_empty());
}

#[test]
fn an_effective_status_change_is_a_component_update_for_that_component_only() {
    let config = config();
    let before = BTreeMap::from([
        (id("api"), ComponentStatus::Operational),
        (id("db"), ComponentStatus::Operational),
    ]);
    let mut after = before.clone();
    after.insert(id("db"), ComponentStatus::PartialOutage);
    after.insert(id("new"), ComponentStatus::MajorOutage);
    let changes = plan::status_changes(&before, &after);
    assert_eq!(
        changes,
        [StatusChange {
            component: id("db"),
            old: ComponentStatus::Operational,
            new: ComponentStatus::PartialOutage,
        }],
        "unchanged and newly configured components are not changes"
    );
    let book = Book::default();
    let v = view(&config, &book);
    let sent = sent(&plan::jobs(&config.webhooks, &v, &[], &changes, t(3)));
    let urls: Vec<&str> = sent.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        urls,
        ["https://all.example/hook", "https://db.example/hook"]
    );
    let update = &sent[0].1["component_update"];
    assert_eq!(update["old_status"], "operational");
    assert_eq!(update["new_status"], "partial_outage");
    assert_eq!(update["component_type"], "Component");
    assert_eq!(update["component_id"], "db");
    assert_eq!(update["created_at"], "2026-11-22T14:03:00.000Z");
    assert!(update["id"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(sent[0].1["component"]["id"], "db");
    assert_eq!(sent[0].1["component"]["name"], "Database");
}

#[test]
fn without_webhooks_a_change_queues_nothing() {
    let config = Arc::new(Config::parse("[[components]]\nid = \"api\"\nname = \"API\"\n").unwrap());
    let mut book = Book::default();
    let (_, events) = open_on_api(&config, &mut book);
    assert!(plan::jobs(&config.webhooks, &view(&config, &book), &events, &[], t(1)).is_empty());
}
