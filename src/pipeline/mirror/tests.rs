//! A standby's copy on the in-memory store: restored once, then changed
//! only by what a feed brings.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use super::Mirror;
use crate::config::Config;
use crate::engine::{CheckState, ComponentState};
use crate::incidents::{Incident, Override};
use crate::model::{ComponentId, ComponentStatus, Outcome};
use crate::store::memory::MemoryStore;
use crate::store::{Changes, Commit, StateStore, StoredResult};
use crate::uptime::Day;
use crate::uptime::calendar;

const CONFIG: &str = r#"
[[components]]
id = "api"
name = "Public API"

[[components]]
id = "db"
name = "Database"

[[checks]]
component = "api"
name = "API health"
url = "http://127.0.0.1:9/health"
every = "30s"
"#;

const INCIDENT: &str = r#"{"id":"k3v9q0x2m7ab","name":"API down","status":"investigating","impact":"major","components":{"api":"major_outage"},"created_at":"2026-09-21T12:26:40Z","updated_at":"2026-09-21T12:30:00Z","started_at":"2026-09-21T12:26:40Z","monitoring_at":null,"resolved_at":null,"cause":"A bad deploy","expected_resolution_at":null,"workaround":null,"postmortem":null,"source":"engineer","taken_over":false,"recovered_at":null,"updates":[]}"#;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 21, 13, 0, 0).unwrap()
}

fn incident(id: &str, name: &str) -> Incident {
    let mut i: Incident = serde_json::from_str(INCIDENT).unwrap();
    i.id = crate::incidents::IncidentId::parse(id).unwrap();
    i.name = name.into();
    i
}

fn id(s: &str) -> ComponentId {
    ComponentId::parse(s).unwrap()
}

/// A mirror of a store holding two incidents.
fn mirror() -> (Mirror, Incident, Incident) {
    let config = Arc::new(Config::parse(CONFIG).unwrap());
    let store = MemoryStore::default();
    let (a, b) = (
        incident("aaaaaaaaaaaa", "Old news"),
        incident("bbbbbbbbbbbb", "API down"),
    );
    store
        .commit(&Commit {
            incidents: vec![&a, &b],
            ..Commit::default()
        })
        .unwrap();
    let mirror = Mirror::restore(&config, &store, 7, now()).unwrap();
    (mirror, a, b)
}

#[test]
fn records_the_feed_brings_replace_theirs_and_the_rest_keep_their_pointers() {
    let (mut mirror, a, b) = mirror();
    assert_eq!(mirror.position(), 7);
    let before = mirror.view(now());
    assert_eq!(before.book.incidents.len(), 2);

    let mut edited = b.clone();
    edited.cause = Some("A bad deploy, rolled back".into());
    let pinned = Override {
        status: ComponentStatus::MajorOutage,
        at: now(),
        incident: None,
    };
    let mut down = ComponentState::operational(now());
    down.status = ComponentStatus::PartialOutage;
    mirror.apply(
        Changes {
            upto: 12,
            incidents: vec![edited, incident("cccccccccccc", "New")],
            overrides: vec![(id("db"), Some(pinned))],
            components: vec![(id("api"), down)],
            ..Changes::default()
        },
        now(),
    );
    let after = mirror.view(now());
    assert_eq!(mirror.position(), 12);
    assert_eq!(after.book.incidents.len(), 3);
    // The untouched record is the very one shown before: the render's
    // pointer comparison skips its pages.
    assert!(after.book.incidents.same(&before.book.incidents, &a.id));
    assert!(!after.book.incidents.same(&before.book.incidents, &b.id));
    let cause = after
        .book
        .incidents
        .get(&b.id)
        .and_then(|i| i.cause.clone());
    assert_eq!(cause.as_deref(), Some("A bad deploy, rolled back"));
    assert_eq!(
        after.components[&id("db")].status,
        ComponentStatus::MajorOutage
    );
    assert_eq!(
        after.components[&id("api")].status,
        ComponentStatus::PartialOutage
    );

    // The override taken off; an older point changes nothing of the position.
    mirror.apply(
        Changes {
            upto: 3,
            overrides: vec![(id("db"), None)],
            ..Changes::default()
        },
        now(),
    );
    let last = mirror.view(now());
    assert_eq!(
        last.components[&id("db")].status,
        ComponentStatus::Operational
    );
    assert_eq!(mirror.position(), 12);
}

fn result(minutes_ago: i64, ms: u64) -> StoredResult {
    StoredResult {
        at: now() - chrono::Duration::minutes(minutes_ago),
        duration: Duration::from_millis(ms),
        outcome: Outcome::Up,
        reason: None,
    }
}

#[test]
fn results_are_charted_once_however_often_their_block_comes() {
    let config = Arc::new(Config::parse(CONFIG).unwrap());
    let check = config.checks[0].id.clone();
    // What the store held at the restore: one result, charted by it.
    let store = MemoryStore::default();
    let stored = result(20, 999);
    let first = crate::model::CheckResult {
        check: check.clone(),
        at: stored.at,
        duration: stored.duration,
        outcome: stored.outcome,
        reason: None,
    };
    store.record(&first, &CheckState::default()).unwrap();
    store.checkpoint().unwrap();
    let mut mirror = Mirror::restore(&config, &store, 0, now()).unwrap();
    // The hour's block as the leader's next two checkpoints write it: the
    // second holds the first's results again; a result the leader held
    // when the standby restored (not stored yet) comes in the first.
    let later = now() + chrono::Duration::minutes(2);
    let blocks = [
        vec![result(20, 999), result(1, 100)],
        vec![result(20, 999), result(1, 100), result(-2, 300)],
    ];
    for block in blocks {
        mirror.apply(
            Changes {
                results: vec![(check.clone(), block)],
                ..Changes::default()
            },
            later,
        );
    }
    let charted = mirror.view(later);
    let series = charted.uptime.latency.series(&check, later);
    let buckets: Vec<_> = series
        .iter()
        .flatten()
        .map(|b| (b.answered, b.mean_ms()))
        .collect();
    // 12:40-12:50: the stored one; 12:50-13:00: 100; 13:00-13:10: 300.
    assert_eq!(buckets, [(1, Some(999)), (1, Some(100)), (1, Some(300))]);
}

#[test]
fn a_component_moved_before_its_check_states_arrive_is_judged_again_when_they_do() {
    let (mut mirror, _, _) = mirror();
    let check = mirror.config.checks[0].id.clone();
    let api = id("api");
    let mut down = ComponentState::operational(now());
    down.status = ComponentStatus::MajorOutage;
    // The leader's status change is one commit, the check states behind it
    // the next (its checkpoint); a read between the two sees the first.
    mirror.apply(
        Changes {
            components: vec![(api.clone(), down.clone())],
            ..Changes::default()
        },
        now(),
    );
    assert_eq!(
        mirror.view(now()).components[&api].status,
        ComponentStatus::MajorOutage
    );
    let failing = CheckState {
        health: Outcome::Down,
        ..CheckState::default()
    };
    mirror.apply(
        Changes {
            checks: vec![(check.clone(), failing)],
            ..Changes::default()
        },
        now(),
    );
    assert_eq!(
        mirror.view(now()).components[&api].status,
        ComponentStatus::MajorOutage
    );
    // Recovered: the component's state first, its checks' in the next
    // read. Judged from what is stored, it keeps the time it recovered.
    let recovered_at = now() + chrono::Duration::minutes(10);
    let later = now() + chrono::Duration::minutes(15);
    mirror.apply(
        Changes {
            components: vec![(api.clone(), ComponentState::operational(recovered_at))],
            ..Changes::default()
        },
        later,
    );
    let up = CheckState {
        health: Outcome::Up,
        ..CheckState::default()
    };
    mirror.apply(
        Changes {
            checks: vec![(check, up)],
            ..Changes::default()
        },
        later,
    );
    let shown = &mirror.view(later).components[&api];
    assert_eq!(
        (shown.status, shown.since),
        (ComponentStatus::Operational, recovered_at)
    );
}

#[test]
fn days_the_feed_brings_make_those_components_uptime_again() {
    let (mut mirror, _, _) = mirror();
    let first = mirror.view(now());
    let api = id("api");
    assert_eq!(first.uptime.components[&api].last_90d, None);
    let today = calendar::day_no(calendar::local_date(now(), chrono_tz::UTC));
    let mut day = Day::default();
    day.add(12, 0, 3_000_000);
    day.add(12, 3, 600_000);
    mirror.apply(
        Changes {
            days: vec![(today, api.clone(), day)],
            ..Changes::default()
        },
        now(),
    );
    let second = mirror.view(now() + chrono::Duration::seconds(1));
    let uptime = second.uptime.components[&api].last_90d.unwrap();
    assert!((uptime - 5.0 / 6.0).abs() < 1e-9, "{uptime}");
    // The other component's summary is the one shown before.
    let db = id("db");
    assert!(Arc::ptr_eq(
        &first.uptime.components[&db],
        &second.uptime.components[&db]
    ));
}

/// A state as stored with its last result `minutes_ago`.
fn state_last(minutes_ago: i64) -> CheckState {
    let r = result(minutes_ago, 50);
    CheckState {
        last: Some(crate::engine::LastResult {
            at: r.at,
            duration_ms: 50,
            outcome: r.outcome,
            reason: None,
        }),
        ..CheckState::default()
    }
}

#[test]
fn a_check_s_last_result_is_its_newest_stored_one_though_its_state_is_older() {
    let config = Arc::new(Config::parse(CONFIG).unwrap());
    let check = config.checks[0].id.clone();
    let local = crate::model::LocationId::local();
    // The leader wrote the state with the result of 40 minutes ago, then
    // only results (a healthy check's state is written once an hour).
    let store = MemoryStore::default();
    for (minutes_ago, state) in [(40, state_last(40)), (10, state_last(40))] {
        let r = result(minutes_ago, 50);
        let probed = crate::model::CheckResult {
            check: check.clone(),
            at: r.at,
            duration: r.duration,
            outcome: r.outcome,
            reason: None,
        };
        store.record(&probed, &state).unwrap();
    }
    store.checkpoint().unwrap();
    let mut mirror = Mirror::restore(&config, &store, 0, now()).unwrap();
    let restored = mirror.engine.last_from(&check, &local);
    assert_eq!(
        restored,
        Some(result(10, 0).at),
        "at start, from the results"
    );
    // The feed brings the next checkpoint's block, and no state.
    let block = vec![result(40, 50), result(10, 50), result(1, 70)];
    mirror.apply(
        Changes {
            results: vec![(check.clone(), block)],
            ..Changes::default()
        },
        now(),
    );
    assert_eq!(
        mirror.engine.last_from(&check, &local),
        Some(result(1, 0).at)
    );
    // A state written later, with an older last result, does not undo it.
    mirror.apply(
        Changes {
            checks: vec![(check.clone(), state_last(40))],
            ..Changes::default()
        },
        now(),
    );
    assert_eq!(
        mirror.engine.last_from(&check, &local),
        Some(result(1, 0).at)
    );
}
