//! The delivery worker on the in-memory store, writing mail as files.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::{Composer, Worker};
use crate::clock::SystemClock;
use crate::incidents::{Impact, IncidentStatus, RecordId, UpdateId};
use crate::metrics::Metrics;
use crate::model::{ComponentId, ComponentStatus};
use crate::notify::transport::Mailer;
use crate::outbox::notice::{Affected, Notice, NoticeImpact, NoticeKind, NoticeStatus, Recipient};
use crate::outbox::{Envelope, Job, Letter};
use crate::store::{Store, in_memory};
use crate::subscribers::Subscriber;

fn notice() -> Notice {
    let now = Utc::now();
    Notice {
        kind: NoticeKind::IncidentOpened,
        subject_id: RecordId::fixture("inc00001"),
        update_id: UpdateId::fixture("upd00001").into(),
        name: "Elevated API errors".into(),
        status: NoticeStatus::Incident(IncidentStatus::Investigating),
        impact: NoticeImpact::Incident(Impact::Major),
        components: vec![Affected {
            id: ComponentId::parse("api").unwrap(),
            name: "Public API".into(),
            status: ComponentStatus::MajorOutage,
            group: None,
        }],
        cause: None,
        why: None,
        expected_resolution_at: None,
        next_update_by: None,
        workaround: None,
        body: "Some requests fail.".into(),
        window: None,
        at: now,
    }
}

/// A composer that writes a plain message, and panics for one address.
fn composer(panics_for: &'static str) -> Composer {
    Arc::new(move |letter: &Letter| {
        assert_ne!(letter.to(), panics_for, "a composer bug for one address");
        lettre::Message::builder()
            .from(
                "Status <status@example.com>"
                    .parse()
                    .map_err(|e| format!("{e}"))?,
            )
            .to(letter.to().parse().map_err(|e| format!("{e}"))?)
            .subject("Notice")
            .body(String::from("text"))
            .map_err(|e| e.to_string())
    })
}

fn worker(store: &Store, dir: &std::path::Path, compose: Composer) -> Worker {
    Worker {
        store: store.clone(),
        mailer: Mailer::new(None, dir).unwrap(),
        compose,
        metrics: Arc::new(Metrics::new()),
        give_up_after: Duration::from_secs(3600),
        wake: Arc::default(),
        clock: Arc::new(SystemClock),
    }
}

#[tokio::test]
async fn a_send_that_panics_is_kept_for_retry_not_lost_behind_the_cursor() {
    let store = in_memory();
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    for email in ["ok@example.com", "boom@example.com", "fine@example.com"] {
        let s = Subscriber::confirmed(store.new_subscriber_id().unwrap(), email, vec![], now);
        store.save_subscriber(&s, None).unwrap();
    }
    let broadcast = Job::Broadcast {
        notice: notice(),
        cursor: None,
        sent: 0,
        failed: 0,
    };
    store.enqueue(&[Envelope::new(broadcast, now)]).unwrap();
    let w = worker(&store, dir.path(), composer("boom@example.com"));
    w.run_once(&CancellationToken::new()).await.unwrap();
    assert_eq!(w.metrics.emails_sent.get(), 2, "the others were sent");
    let jobs = store.jobs(None, 10).unwrap();
    let retries: Vec<&Recipient> = (jobs.iter())
        .filter_map(|(_, e)| match &e.job {
            Job::Send(Letter::Notice { recipient, .. }) if e.attempts == 1 => Some(recipient),
            _ => None,
        })
        .collect();
    assert_eq!(
        jobs.len(),
        1,
        "the broadcast is done; one retry is left: {jobs:?}"
    );
    assert_eq!(retries.len(), 1);
    assert_eq!(retries[0].email, "boom@example.com");
    let error = jobs[0].1.last_error.as_deref().unwrap_or_default();
    assert!(error.contains("failed unexpectedly"), "{error}");
}

#[tokio::test]
async fn a_delivered_letter_leaves_the_outbox_and_is_counted() {
    let store = in_memory();
    let dir = tempfile::tempdir().unwrap();
    let letter = Letter::Confirmation {
        language: None,
        email: "ann@example.com".into(),
        token: "t".repeat(64),
    };
    store
        .enqueue(&[Envelope::new(Job::Send(letter), Utc::now())])
        .unwrap();
    let w = worker(&store, dir.path(), composer("nobody@example.com"));
    assert_eq!(w.run_once(&CancellationToken::new()).await.unwrap(), 1);
    assert_eq!(store.outbox_counts().unwrap().queued, 0);
    assert_eq!(w.metrics.emails_sent.get(), 1);
    let written = std::fs::read_dir(dir.path().join("outbox-files"))
        .unwrap()
        .count();
    assert_eq!(written, 1, "one .eml file");
}
