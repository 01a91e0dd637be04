//! The storage traits' promises, one test body for both implementations: the
//! embedded sled store and PostgreSQL (a throwaway cluster, see `postgres`).
//! Each body opens its store through a [`Backend`], which can open it again
//! on the same data, as a restart would.

use std::time::Duration;

use candor::engine::{CheckState, ComponentState};
use candor::incidents::{Incident, Maintenance, Override};
use candor::model::{CheckId, CheckResult, ComponentId, Outcome, Reason};
use candor::outbox::webhook::Delivery;
use candor::outbox::{Envelope, Job};
use candor::reports::Report;
use candor::store::{Commit, ReportChange, Store};
use candor::subscribers::{Answer, Subscriber};
use candor::uptime::Day;
use chrono::{DateTime, TimeZone, Utc};

/// Opens one store's data, again and again.
struct Backend {
    open: Box<dyn Fn() -> Store>,
    /// Kept alive for sled's directory.
    _dir: Option<tempfile::TempDir>,
}

impl Backend {
    fn sled() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        Self {
            open: Box::new(move || crate::helpers::sled_unlocked(|| candor::store::open(&path))),
            _dir: Some(dir),
        }
    }

    fn postgres() -> Self {
        let url = crate::postgres::cluster().fresh_database();
        Self {
            open: Box::new(move || candor::store::open_postgres(&url).unwrap()),
            _dir: None,
        }
    }

    fn open(&self) -> Store {
        (self.open)()
    }
}

/// Each body as two tests: `<name>::sled` and `<name>::postgres`.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sled() {
                super::$name(&super::Backend::sled());
            }
            #[test]
            fn postgres() {
                super::$name(&super::Backend::postgres());
            }
        }
    )*};
}

on_both!(
    results_and_states_are_kept_across_a_restart,
    a_commit_writes_every_record_and_job_together,
    the_outbox_keeps_order_replaces_and_fails_jobs,
    subscribers_are_found_by_address_token_and_follow_and_paged_in_id_order,
    uptime_days_are_saved_loaded_and_pruned,
    reports_and_alarms_are_kept_in_order_and_bounded,
    a_failing_store_says_so_keeps_what_it_had_and_recovers,
);

fn at(sec: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + sec, 0).unwrap()
}

fn result(check: &str, sec: i64, outcome: Outcome) -> CheckResult {
    CheckResult {
        check: CheckId::parse(check).unwrap(),
        at: at(sec),
        duration: Duration::from_millis(40 + sec as u64 % 7),
        outcome,
        reason: (outcome == Outcome::Down).then_some(Reason::HttpStatus { code: 503 }),
    }
}

fn state(health: Outcome) -> CheckState {
    CheckState {
        health,
        ..CheckState::default()
    }
}

fn webhook(n: u32) -> Envelope {
    Envelope::new(
        Job::Webhook(Delivery {
            url: "http://127.0.0.1:9/hook".into(),
            id: format!("d{n}"),
            about: format!("incident {n}"),
            body: format!("{{\"n\":{n}}}"),
        }),
        at(i64::from(n)),
    )
}

fn about(job: &Envelope) -> String {
    match &job.job {
        Job::Webhook(d) => d.about.clone(),
        other => format!("{other:?}"),
    }
}

fn results_and_states_are_kept_across_a_restart(b: &Backend) {
    {
        let store = b.open();
        // Two hours of one check, one result of another.
        for sec in [10, 40, 3_590, 3_610, 3_640] {
            let outcome = if sec == 3_610 {
                Outcome::Down
            } else {
                Outcome::Up
            };
            store
                .record(&result("api", sec, outcome), &state(outcome))
                .unwrap();
        }
        store
            .record(&result("web", 20, Outcome::Up), &state(Outcome::Up))
            .unwrap();
        // Readable before the checkpoint writes them...
        assert_eq!(
            store
                .results(&CheckId::parse("api").unwrap(), at(0), at(7_200))
                .unwrap()
                .len(),
            5
        );
        store.checkpoint().unwrap();
        // ...and an hour already written is appended to, not replaced.
        store
            .record(&result("api", 3_670, Outcome::Up), &state(Outcome::Up))
            .unwrap();
        store.checkpoint().unwrap();
    }
    let store = b.open();
    let api = CheckId::parse("api").unwrap();
    let all = store.results(&api, at(0), at(7_200)).unwrap();
    let secs: Vec<i64> = all
        .iter()
        .map(|r| r.at.timestamp() - 1_790_000_000)
        .collect();
    assert_eq!(secs, [10, 40, 3_590, 3_610, 3_640, 3_670]);
    assert_eq!(all[3].outcome, Outcome::Down);
    assert_eq!(all[3].reason, Some(Reason::HttpStatus { code: 503 }));
    assert_eq!(all[0].duration, Duration::from_millis(43));
    // In range only: [from, to).
    let some = store.results(&api, at(40), at(3_610)).unwrap();
    assert_eq!(some.len(), 2, "{some:?}");
    let (checks, _) = store.load_state().unwrap();
    assert_eq!(checks.len(), 2);
    let api_state = checks.iter().find(|(id, _)| *id == api).unwrap();
    assert_eq!(api_state.1.health, Outcome::Up);
    // Pruning takes whole hours before the cutoff's, of every check (at(0)
    // is 800 s into an hour: at(2_800) starts the next).
    assert!(store.prune(at(3_700)).unwrap() >= 1);
    let left = store.results(&api, at(0), at(7_200)).unwrap();
    let secs: Vec<i64> = left
        .iter()
        .map(|r| r.at.timestamp() - 1_790_000_000)
        .collect();
    assert_eq!(secs, [3_590, 3_610, 3_640, 3_670]);
    let web = store
        .results(&CheckId::parse("web").unwrap(), at(0), at(7_200))
        .unwrap();
    assert!(web.is_empty(), "{web:?}");
}

pub const INCIDENT: &str = r#"{"id":"k3v9q0x2m7ab","name":"API down","status":"investigating","impact":"major","components":{"api":"major_outage"},"created_at":"2026-09-21T12:26:40Z","updated_at":"2026-09-21T12:30:00Z","started_at":"2026-09-21T12:26:40Z","monitoring_at":null,"resolved_at":null,"cause":"A bad deploy","expected_resolution_at":null,"workaround":"Use the mirror","postmortem":null,"source":"engineer","taken_over":false,"recovered_at":null,"updates":[{"id":"p0q1r2s3t4u5","status":"investigating","body":"Looking. \u0000 kept as is","at":"2026-09-21T12:30:00Z","changes":[],"notify":true,"author":"engineer"}]}"#;
const MAINTENANCE: &str = r#"{"id":"a1b2c3d4e5f6","name":"Disk swap","body":"","status":"scheduled","scheduled_for":"2026-09-22T02:00:00Z","scheduled_until":"2026-09-22T03:00:00Z","components":["db"],"created_at":"2026-09-21T12:00:00Z","updated_at":"2026-09-21T12:00:00Z","updates":[],"reminded":false}"#;
const PINNED: &str =
    r#"{"status":"major_outage","at":"2026-09-21T12:26:40Z","incident":"k3v9q0x2m7ab"}"#;

fn a_commit_writes_every_record_and_job_together(b: &Backend) {
    let incident: Incident = serde_json::from_str(INCIDENT).unwrap();
    let maintenance: Maintenance = serde_json::from_str(MAINTENANCE).unwrap();
    let pinned: Override = serde_json::from_str(PINNED).unwrap();
    let (api, db) = (
        ComponentId::parse("api").unwrap(),
        ComponentId::parse("db").unwrap(),
    );
    let down = ComponentState::operational(at(0));
    {
        let store = b.open();
        let jobs = vec![webhook(1), webhook(2)];
        store
            .commit(&Commit {
                incidents: vec![&incident],
                maintenances: vec![&maintenance],
                overrides: vec![(&api, Some(&pinned)), (&db, Some(&pinned))],
                components: vec![(&api, &down)],
                jobs,
            })
            .unwrap();
        // A later change removes one override and rewrites the incident,
        // twice in one commit (posts committed together): the last wins.
        let mut between = incident.clone();
        between.cause = Some("A bad deploy".into());
        let mut later = incident.clone();
        later.cause = Some("A bad deploy, rolled back".into());
        store
            .commit(&Commit {
                incidents: vec![&between, &later],
                overrides: vec![(&db, None)],
                jobs: vec![webhook(3)],
                ..Commit::default()
            })
            .unwrap();
    }
    let store = b.open();
    let book = store.load_book().unwrap();
    let stored = &book.incidents[&incident.id];
    assert_eq!(stored.cause.as_deref(), Some("A bad deploy, rolled back"));
    assert_eq!(
        stored.updates[0].body, incident.updates[0].body,
        "a NUL in text is kept"
    );
    assert_eq!(book.maintenances[&maintenance.id], maintenance);
    assert_eq!(book.overrides.len(), 1);
    assert_eq!(book.overrides[&api], pinned);
    let (_, components) = store.load_state().unwrap();
    assert_eq!(components, vec![(api, down)]);
    let jobs = store.jobs(None, 10).unwrap();
    let order: Vec<String> = jobs.iter().map(|(_, j)| about(j)).collect();
    assert_eq!(
        order,
        ["incident 1", "incident 2", "incident 3"],
        "jobs in commit order"
    );
    assert!(jobs.windows(2).all(|w| w[0].0 < w[1].0), "ids increase");
}

fn the_outbox_keeps_order_replaces_and_fails_jobs(b: &Backend) {
    let store = b.open();
    store
        .enqueue(&[webhook(1), webhook(2), webhook(3)])
        .unwrap();
    let jobs = store.jobs(None, 10).unwrap();
    let ids: Vec<u64> = jobs.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        store.jobs(Some(ids[0]), 1).unwrap()[0].0,
        ids[1],
        "after a cursor, in order"
    );
    // A retry replaces job 1 and splits off two more, at the end.
    let mut retry = jobs[0].1.clone();
    retry.attempts = 1;
    retry.last_error = Some("connection refused".into());
    store
        .replace_job(ids[0], &retry, &[webhook(4), webhook(5)])
        .unwrap();
    store.finish_job(ids[1]).unwrap();
    let mut given_up = jobs[2].1.clone();
    given_up.last_error = Some("HTTP 410 Gone".into());
    store.fail_job(ids[2], &given_up).unwrap();
    drop(store);
    let store = b.open();
    let left: Vec<String> = store
        .jobs(None, 10)
        .unwrap()
        .iter()
        .map(|(_, j)| about(j))
        .collect();
    assert_eq!(left, ["incident 1", "incident 4", "incident 5"]);
    assert_eq!(store.jobs(None, 10).unwrap()[0].1, retry);
    let counts = store.outbox_counts().unwrap();
    assert_eq!((counts.queued, counts.retrying, counts.failed), (3, 1, 1));
    let failed = store.failed_jobs(10).unwrap();
    assert_eq!(failed, vec![(ids[2], given_up)]);
    // New ids come after every id used before, also after a restart.
    store.enqueue(&[webhook(6)]).unwrap();
    let last = store.jobs(None, 10).unwrap().last().unwrap().0;
    assert!(last > *ids.iter().max().unwrap());
}

fn subscriber(store: &Store, email: &str, confirmed: bool) -> Subscriber {
    Subscriber {
        id: store.new_subscriber_id().unwrap(),
        email: email.into(),
        components: vec![ComponentId::parse("api").unwrap()],
        token: format!("token-of-{email}"),
        created_at: at(0),
        confirmed_at: confirmed.then_some(at(5)),
        confirmations_sent: vec![at(0)],
        language: Some("es".into()),
        follows: None,
    }
}

fn subscribers_are_found_by_address_token_and_follow_and_paged_in_id_order(b: &Backend) {
    let store = b.open();
    let ana = subscriber(&store, "ana@example.com", true);
    let bo = subscriber(&store, "bo@example.com", false);
    let cy = subscriber(&store, "cy@example.com", true);
    assert!(
        ana.id < bo.id && bo.id < cy.id,
        "ids increase: {} {} {}",
        ana.id,
        bo.id,
        cy.id
    );
    let incident = candor::incidents::IncidentId::parse("k3v9q0x2m7ab").unwrap();
    let mut follower = subscriber(&store, "ana@example.com", true);
    follower.token = "token-of-ana-following".into();
    follower.follows = Some(incident.clone());
    store.save_subscriber(&ana, Some(&webhook(1))).unwrap();
    for s in [&bo, &cy, &follower] {
        store.save_subscriber(s, None).unwrap();
    }
    assert_eq!(store.jobs(None, 10).unwrap().len(), 1, "saved with its job");
    drop(store);
    let store = b.open();
    assert_eq!(
        store.subscriber_by_email("ana@example.com").unwrap(),
        Some(ana.clone())
    );
    assert_eq!(
        store.follower("ana@example.com", &incident).unwrap(),
        Some(follower.clone())
    );
    assert_eq!(
        store
            .subscriber_by_token("token-of-bo@example.com")
            .unwrap(),
        Some(bo.clone())
    );
    assert_eq!(store.subscriber_by_token("token-of-nobody").unwrap(), None);
    assert_eq!(
        store.subscriber_by_email("nobody@example.com").unwrap(),
        None
    );
    // Confirmed ones in id order, a page at a time, followers included.
    let first = store.confirmed_after(None, 1).unwrap();
    assert_eq!(first, vec![ana.clone()]);
    let rest: Vec<String> = (store.confirmed_after(Some(&ana.id), 10).unwrap().iter())
        .map(|s| s.email.clone())
        .collect();
    assert_eq!(rest, ["cy@example.com", "ana@example.com"]);
    assert_eq!(
        store.subscriber_counts().unwrap(),
        (2, 1),
        "followers not counted"
    );
    assert_eq!(store.all_subscribers().unwrap().len(), 4);
    // Confirming is saving again: the lookups follow.
    let mut bo2 = bo.clone();
    bo2.confirmed_at = Some(at(9));
    store.save_subscriber(&bo2, None).unwrap();
    assert_eq!(store.subscriber_counts().unwrap(), (3, 0));
    assert_eq!(
        store.subscriber_by_email("bo@example.com").unwrap(),
        Some(bo2.clone())
    );
    // Answers count per incident, replaced per subscriber, gone with them.
    store
        .save_answer(&incident, &ana.id, Answer::Working, at(10))
        .unwrap();
    store
        .save_answer(&incident, &bo.id, Answer::Working, at(10))
        .unwrap();
    store
        .save_answer(&incident, &bo.id, Answer::StillBroken, at(11))
        .unwrap();
    let counts = store.feedback(&incident).unwrap();
    assert_eq!((counts.working, counts.still_broken), (1, 1));
    store.remove_subscriber(&ana).unwrap();
    assert_eq!(store.subscriber_by_email("ana@example.com").unwrap(), None);
    assert_eq!(store.subscriber_by_token(&ana.token).unwrap(), None);
    assert_eq!(store.feedback(&incident).unwrap().working, 0);
    assert_eq!(
        store.follower("ana@example.com", &incident).unwrap(),
        Some(follower)
    );
}

fn day(ms: u32) -> Day {
    let mut d = Day::default();
    d.add(0, 0, ms);
    d.add(3, 1, 7);
    d
}

fn uptime_days_are_saved_loaded_and_pruned(b: &Backend) {
    let (api, web) = (
        ComponentId::parse("api").unwrap(),
        ComponentId::parse("web").unwrap(),
    );
    {
        let store = b.open();
        let days: Vec<_> = (100..110)
            .flat_map(|n| {
                [
                    (n, api.clone(), day(n * 10).encode()),
                    (n, web.clone(), day(n).encode()),
                ]
            })
            .collect();
        store.save_days(&days).unwrap();
        // Today's, rewritten at a checkpoint.
        store
            .save_days(&[(109, api.clone(), day(5).encode())])
            .unwrap();
    }
    let store = b.open();
    let loaded = store.load_days(105, 108).unwrap();
    assert_eq!(loaded.len(), 10);
    let find = |n: u32, c: &ComponentId| {
        loaded
            .iter()
            .find(|(d, id, _)| *d == n && id == c)
            .map(|(_, _, d)| d.clone())
    };
    assert_eq!(find(109, &api), Some(day(5)));
    assert_eq!(find(108, &web), Some(day(108)));
    // Before `hours_from`, totals only.
    let early = find(105, &api).unwrap();
    assert_eq!(early.totals, day(1050).totals);
    assert!(early.hours.is_empty());
    assert_eq!(store.prune_days(104).unwrap(), 8);
    assert_eq!(store.load_days(0, 0).unwrap().len(), 12);
}

fn report(component: &str, sec: i64, text: &str) -> Report {
    Report {
        component: ComponentId::parse(component).unwrap(),
        at: at(sec),
        text: Some(text.into()),
    }
}

fn reports_and_alarms_are_kept_in_order_and_bounded(b: &Backend) {
    let api = ComponentId::parse("api").unwrap();
    {
        let store = b.open();
        for (sec, text) in [(10, "slow"), (20, "down"), (20, "down too"), (30, "still")] {
            let r = report("api", sec, text);
            let alarms = if sec == 20 {
                vec![(&api, Some(at(20)))]
            } else {
                vec![]
            };
            let jobs = if sec == 20 { vec![webhook(7)] } else { vec![] };
            store
                .save_reports(&ReportChange {
                    report: Some(&r),
                    alarms,
                    jobs,
                })
                .unwrap();
        }
    }
    let store = b.open();
    let texts = |rs: Vec<Report>| rs.into_iter().filter_map(|r| r.text).collect::<Vec<_>>();
    assert_eq!(
        texts(store.reports_since(at(20)).unwrap()),
        ["down", "down too", "still"]
    );
    assert_eq!(
        texts(store.latest_reports(2).unwrap()),
        ["still", "down too"]
    );
    assert_eq!(store.report_alarms().unwrap(), vec![(api.clone(), at(20))]);
    assert_eq!(
        store.jobs(None, 10).unwrap().len(),
        2,
        "each alarm's job with it"
    );
    store
        .save_reports(&ReportChange {
            alarms: vec![(&api, None)],
            ..ReportChange::default()
        })
        .unwrap();
    assert!(store.report_alarms().unwrap().is_empty());
    // Older than 15 s go, then all but the newest 2.
    assert_eq!(store.prune_reports(at(15), 2).unwrap(), 2);
    assert_eq!(
        texts(store.latest_reports(10).unwrap()),
        ["still", "down too"]
    );
}

fn a_failing_store_says_so_keeps_what_it_had_and_recovers(b: &Backend) {
    let store = b.open();
    let incident: Incident = serde_json::from_str(INCIDENT).unwrap();
    store
        .commit(&Commit {
            incidents: vec![&incident],
            ..Commit::default()
        })
        .unwrap();
    store
        .record(&result("api", 10, Outcome::Up), &state(Outcome::Up))
        .unwrap();
    store.inject_disk_full(true);
    let mut later = incident.clone();
    later.cause = Some("never stored".into());
    let failed = store.commit(&Commit {
        incidents: vec![&later],
        ..Commit::default()
    });
    assert!(failed.is_err());
    assert!(
        store.checkpoint().is_err(),
        "the journal is not written either"
    );
    assert!(!store.healthy());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert!(rt.block_on(store.flush()).is_err());
    store.inject_disk_full(false);
    rt.block_on(store.recover()).unwrap();
    assert!(store.healthy());
    store.checkpoint().unwrap();
    drop(store);
    let store = b.open();
    let book = store.load_book().unwrap();
    assert_eq!(
        book.incidents[&incident.id].cause, incident.cause,
        "the failed write left nothing"
    );
    let kept = store
        .results(&CheckId::parse("api").unwrap(), at(0), at(60))
        .unwrap();
    assert_eq!(
        kept.len(),
        1,
        "results kept in memory through the failure are written after it"
    );
}

/// Every kind of record, in `store`.
fn fill(store: &Store) -> (Incident, Vec<Subscriber>) {
    for sec in [10, 40, 3_590, 3_610] {
        let outcome = if sec == 40 {
            Outcome::Down
        } else {
            Outcome::Up
        };
        store
            .record(&result("api", sec, outcome), &state(outcome))
            .unwrap();
    }
    store.checkpoint().unwrap();
    let incident: Incident = serde_json::from_str(INCIDENT).unwrap();
    let maintenance: Maintenance = serde_json::from_str(MAINTENANCE).unwrap();
    let pinned: Override = serde_json::from_str(PINNED).unwrap();
    let api = ComponentId::parse("api").unwrap();
    let down = ComponentState::operational(at(0));
    store
        .commit(&Commit {
            incidents: vec![&incident],
            maintenances: vec![&maintenance],
            overrides: vec![(&api, Some(&pinned))],
            components: vec![(&api, &down)],
            jobs: vec![webhook(1), webhook(2), webhook(3)],
        })
        .unwrap();
    let jobs = store.jobs(None, 10).unwrap();
    store.fail_job(jobs[0].0, &jobs[0].1).unwrap();
    let people: Vec<Subscriber> = ["ana@example.com", "bo@example.com"]
        .iter()
        .map(|e| subscriber(store, e, true))
        .collect();
    for s in &people {
        store.save_subscriber(s, None).unwrap();
    }
    store
        .save_answer(&incident.id, &people[0].id, Answer::StillBroken, at(50))
        .unwrap();
    store
        .save_days(&[(100, api.clone(), day(9).encode())])
        .unwrap();
    let r = report("api", 20, "slow");
    store
        .save_reports(&ReportChange {
            report: Some(&r),
            alarms: vec![(&api, Some(at(20)))],
            jobs: vec![],
        })
        .unwrap();
    (incident, people)
}

#[test]
fn a_sled_installation_copied_into_postgres_reads_the_same_there() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (incident, people) = fill(&candor::store::open(&data).unwrap());
    let url = crate::postgres::cluster().fresh_database();
    let from = format!("sled:{}", data.display());
    // sled's flusher thread lets go of the directory's lock a moment after
    // the store is dropped (a stopped Candor's process lets go at once).
    let migrate = || {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let out = crate::helpers::run_candor(&["migrate-store", "--from", &from, "--to", &url]);
            let locked = String::from_utf8_lossy(&out.stderr).contains("could not acquire lock");
            if !locked || std::time::Instant::now() > deadline {
                break out;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    let out = migrate();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "2 hours of check results",
        "1 incidents",
        "2 queued notifications",
        "1 failed notifications",
        "2 subscribers",
        "1 subscriber answers",
        "1 visitor reports",
    ] {
        assert!(said.contains(line), "{line:?} not in:\n{said}");
    }
    let (sled, pg) = (
        candor::store::open(&data).unwrap(),
        candor::store::open_postgres(&url).unwrap(),
    );
    let api = CheckId::parse("api").unwrap();
    assert_eq!(
        pg.results(&api, at(0), at(7_200)).unwrap(),
        sled.results(&api, at(0), at(7_200)).unwrap()
    );
    assert_eq!(pg.load_state().unwrap(), sled.load_state().unwrap());
    assert_eq!(
        pg.load_book().unwrap().incidents,
        sled.load_book().unwrap().incidents
    );
    assert_eq!(
        pg.load_book().unwrap().overrides,
        sled.load_book().unwrap().overrides
    );
    assert_eq!(
        pg.jobs(None, 10).unwrap(),
        sled.jobs(None, 10).unwrap(),
        "same ids, same order"
    );
    assert_eq!(pg.failed_jobs(10).unwrap(), sled.failed_jobs(10).unwrap());
    assert_eq!(
        pg.subscriber_by_token(&people[1].token).unwrap(),
        Some(people[1].clone())
    );
    assert_eq!(
        pg.confirmed_after(None, 10).unwrap(),
        sled.confirmed_after(None, 10).unwrap()
    );
    assert_eq!(
        pg.feedback(&incident.id).unwrap(),
        sled.feedback(&incident.id).unwrap()
    );
    assert_eq!(pg.load_days(0, 0).unwrap(), sled.load_days(0, 0).unwrap());
    assert_eq!(
        pg.latest_reports(10).unwrap(),
        sled.latest_reports(10).unwrap()
    );
    assert_eq!(pg.report_alarms().unwrap(), sled.report_alarms().unwrap());
    // New ids come after the copied ones.
    assert!(pg.new_subscriber_id().unwrap() > people[1].id);
    pg.enqueue(&[webhook(9)]).unwrap();
    let last = pg.jobs(None, 10).unwrap().last().unwrap().0;
    assert!(last > sled.jobs(None, 10).unwrap().last().unwrap().0);

    // Into a database that holds records: refused, nothing written.
    drop(sled);
    let again = migrate();
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("already holds") && err.contains("nothing was copied"),
        "{err}"
    );
    let missing = crate::helpers::run_candor(&[
        "migrate-store",
        "--from",
        "sled:/nonexistent/dir",
        "--to",
        &url,
    ]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no data directory"));
}

/// PostgreSQL's change feed, which standbys read: each change after a
/// point, as it is now, once; removals too; nothing from before the point.
#[test]
fn the_change_feed_brings_what_changed_after_a_point_and_nothing_before_it() {
    use candor::store::{ChangeFeed, RollupStore, StateStore};
    let url = crate::postgres::cluster().fresh_database();
    let store = candor::store::pg_store::PgStore::connect(&url).unwrap();
    let incident: Incident = serde_json::from_str(INCIDENT).unwrap();
    let maintenance: Maintenance = serde_json::from_str(MAINTENANCE).unwrap();
    let pinned: Override = serde_json::from_str(PINNED).unwrap();
    let (api, db) = (
        ComponentId::parse("api").unwrap(),
        ComponentId::parse("db").unwrap(),
    );
    let start = store.feed_position().unwrap();
    assert!(store.changes_since(start, 0).unwrap().is_empty());

    store
        .commit(&Commit {
            incidents: vec![&incident],
            overrides: vec![(&api, Some(&pinned))],
            ..Commit::default()
        })
        .unwrap();
    let first = store.feed_position().unwrap();
    assert!(first > start);
    let all = store.changes_since(start, 0).unwrap();
    assert_eq!(all.incidents, std::slice::from_ref(&incident));
    assert_eq!(all.overrides, [(api.clone(), Some(pinned.clone()))]);
    assert_eq!(all.upto, first);
    assert!(store.changes_since(first, 0).unwrap().is_empty());

    // One of everything the pages show, after `first`.
    let moved = ComponentState::operational(at(5));
    store
        .commit(&Commit {
            maintenances: vec![&maintenance],
            overrides: vec![(&api, None), (&db, Some(&pinned))],
            components: vec![(&api, &moved)],
            ..Commit::default()
        })
        .unwrap();
    store
        .record(&result("api", 10, Outcome::Down), &state(Outcome::Down))
        .unwrap();
    store
        .record(&result("api", 20, Outcome::Up), &state(Outcome::Up))
        .unwrap();
    store.checkpoint().unwrap();
    store
        .save_days(&[(20_000, api.clone(), day(900).encode())])
        .unwrap();
    let next = store.changes_since(first, 0).unwrap();
    assert!(next.incidents.is_empty(), "the incident did not change");
    assert_eq!(next.maintenances, [maintenance]);
    assert_eq!(
        next.overrides,
        [(api.clone(), None), (db.clone(), Some(pinned.clone()))]
    );
    assert_eq!(next.components, [(api.clone(), moved)]);
    assert_eq!(
        next.checks,
        [(CheckId::parse("api").unwrap(), state(Outcome::Up))]
    );
    let outcomes: Vec<_> = (next.results.iter())
        .flat_map(|(c, rs)| rs.iter().map(move |r| (c.as_str(), r.at, r.outcome)))
        .collect();
    assert_eq!(
        outcomes,
        [("api", at(10), Outcome::Down), ("api", at(20), Outcome::Up)]
    );
    assert_eq!(next.days, [(20_000, api.clone(), day(900))]);
    assert_eq!(next.upto, store.feed_position().unwrap());

    // An override taken off and set again since the last read: set.
    store
        .commit(&Commit {
            overrides: vec![(&db, None)],
            ..Commit::default()
        })
        .unwrap();
    store
        .commit(&Commit {
            overrides: vec![(&db, Some(&pinned))],
            ..Commit::default()
        })
        .unwrap();
    let again = store.changes_since(next.upto, 0).unwrap();
    assert_eq!(again.overrides, [(db, Some(pinned))]);
    assert!(again.maintenances.is_empty() && again.results.is_empty());

    // Rows written again: an incident edited, the hour's block grown at the
    // next checkpoint, a check state, today's day.
    let mut edited = incident.clone();
    edited.cause = Some("A bad deploy, rolled back".into());
    store
        .commit(&Commit {
            incidents: vec![&edited],
            ..Commit::default()
        })
        .unwrap();
    store
        .record(&result("api", 30, Outcome::Down), &state(Outcome::Down))
        .unwrap();
    store.checkpoint().unwrap();
    store
        .save_days(&[(20_000, api.clone(), day(1800).encode())])
        .unwrap();
    let rewritten = store.changes_since(again.upto, 0).unwrap();
    assert_eq!(rewritten.incidents, [edited]);
    assert_eq!(
        rewritten.checks,
        [(CheckId::parse("api").unwrap(), state(Outcome::Down))]
    );
    let block: Vec<_> = (rewritten.results.iter())
        .flat_map(|(_, rs)| rs.iter().map(|r| r.at))
        .collect();
    assert_eq!(block, [at(10), at(20), at(30)], "the block, whole");
    assert_eq!(rewritten.days, [(20_000, api.clone(), day(1800))]);

    // The numbers are the database's: a write by anything else (a leader of
    // an older Candor, psql) is in the feed too, removals included.
    let position = rewritten.upto;
    crate::postgres::psql(
        &url,
        "UPDATE maintenances SET record = record; DELETE FROM overrides WHERE component_id = 'db'",
    )
    .unwrap();
    let by_hand = store.changes_since(position, 0).unwrap();
    assert_eq!(by_hand.maintenances.len(), 1);
    assert_eq!(
        by_hand.overrides,
        [(ComponentId::parse("db").unwrap(), None)]
    );
    assert_eq!(by_hand.upto, store.feed_position().unwrap());
}
