use std::time::Duration;

use chrono::TimeZone;

use super::*;
use crate::model::{Outcome, Reason};
use crate::store::{RollupStore, SCHEMA_VERSION, prune_cutoff};
use migrate::SCHEMA_KEY;

mod faults;
mod messages;
mod parts;

/// A stored result's reason in words.
fn words(r: &StoredResult) -> String {
    crate::read::words::check_reason(crate::lang::Lang::english(), r.reason.as_ref()).into_owned()
}

fn at(sec: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + sec, 0).single().unwrap()
}

fn result(check: &str, sec: i64, outcome: Outcome) -> CheckResult {
    CheckResult {
        check: CheckId::parse(check).unwrap(),
        at: at(sec),
        duration: Duration::from_millis(40),
        outcome,
        reason: (outcome != Outcome::Up).then_some(Reason::ConnectionRefused),
    }
}

/// sled releases its file lock from a background thread after the last handle
/// drops; a new process never sees this, a test reopening in-process may.
pub(super) fn reopen(dir: &std::path::Path) -> Result<SledStore, StoreError> {
    for _ in 0..50 {
        match SledStore::open(dir) {
            Err(StoreError::Open { detail, .. }) if detail.contains("lock") => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
    SledStore::open(dir)
}

#[test]
fn results_and_state_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let r = result("api-health", 5, Outcome::Down);
    let state = CheckState::default();
    let comp = ComponentId::parse("api").unwrap();
    let comp_state = ComponentState::operational(at(0));
    {
        let store = SledStore::open(dir.path()).unwrap();
        store.record(&r, &state).unwrap();
        store.save_component(&comp, &comp_state).unwrap();
        store.checkpoint().unwrap();
        store.trees().unwrap().db.flush().unwrap();
    }
    let store = reopen(dir.path()).unwrap();
    let got = store.results(&r.check, at(0), at(10)).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(words(&got[0]), "connection refused");
    let (checks, components) = store.load_state().unwrap();
    assert_eq!(checks, vec![(r.check.clone(), state)]);
    assert_eq!(components, vec![(comp, comp_state)]);
}

/// The start of hour `h` after a fixed one, plus `sec` seconds.
fn hour(h: i64, sec: i64) -> DateTime<Utc> {
    let base = 1_790_000_000 - 1_790_000_000 % 3600;
    Utc.timestamp_opt(base + h * 3600 + sec, 0)
        .single()
        .unwrap()
}

fn result_at(check: &str, at: DateTime<Utc>) -> CheckResult {
    CheckResult {
        at,
        ..result(check, 0, Outcome::Up)
    }
}

#[test]
fn pruning_removes_whole_old_hours_of_every_check_and_keeps_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let s = CheckState::default();
    for check in ["a", "a-b", "b"] {
        for at in [
            hour(0, 1),
            hour(0, 3599),
            hour(1, 0),
            hour(2, 5),
            hour(2, 6),
        ] {
            store.record(&result_at(check, at), &s).unwrap();
        }
    }
    store.checkpoint().unwrap();
    // Pruning before 2:30 removes hours 0 and 1; hour 2 has not ended.
    assert_eq!(store.prune(hour(2, 1800)).unwrap(), 6);
    for check in ["a", "a-b", "b"] {
        let left = store
            .results(&CheckId::parse(check).unwrap(), hour(-1, 0), hour(5, 0))
            .unwrap();
        let ats: Vec<_> = left.iter().map(|r| r.at).collect();
        assert_eq!(ats, vec![hour(2, 5), hour(2, 6)], "for {check}");
    }
    assert_eq!(store.prune(hour(2, 1800)).unwrap(), 0);
}

#[test]
fn results_are_readable_before_and_after_a_checkpoint_and_in_range_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let id = CheckId::parse("api").unwrap();
    let s = CheckState::default();
    for sec in [10, 20, 30] {
        store.record(&result_at("api", hour(0, sec)), &s).unwrap();
    }
    let count = |from, to| store.results(&id, from, to).unwrap().len();
    assert_eq!(count(hour(0, 0), hour(1, 0)), 3, "pending results are read");
    store.checkpoint().unwrap();
    store.record(&result_at("api", hour(0, 40)), &s).unwrap();
    assert_eq!(count(hour(0, 0), hour(1, 0)), 4, "written and pending");
    assert_eq!(count(hour(0, 20), hour(0, 40)), 2, "[from, to)");
    assert_eq!(count(hour(0, 40), hour(0, 20)), 0, "an empty range");
    store.checkpoint().unwrap();
    assert_eq!(count(hour(0, 0), hour(1, 0)), 4);
}

#[test]
fn a_restart_appends_to_the_hour_already_written() {
    let dir = tempfile::tempdir().unwrap();
    let id = CheckId::parse("api").unwrap();
    let s = CheckState::default();
    {
        let store = SledStore::open(dir.path()).unwrap();
        store.record(&result_at("api", hour(0, 10)), &s).unwrap();
        let down = CheckResult {
            at: hour(0, 20),
            ..result("api", 0, Outcome::Down)
        };
        store.record(&down, &s).unwrap();
        store.checkpoint().unwrap();
        store.trees().unwrap().db.flush().unwrap();
    }
    let store = reopen(dir.path()).unwrap();
    store.record(&result_at("api", hour(0, 30)), &s).unwrap();
    store.checkpoint().unwrap();
    let got = store.results(&id, hour(0, 0), hour(1, 0)).unwrap();
    let ats: Vec<_> = got.iter().map(|r| r.at).collect();
    assert_eq!(ats, vec![hour(0, 10), hour(0, 20), hour(0, 30)]);
    assert_eq!(words(&got[1]), "connection refused");
}

#[test]
fn schema_1_results_are_packed_into_blocks_at_start() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path().join("db")).unwrap();
        db.insert(SCHEMA_KEY, &1u32.to_be_bytes()).unwrap();
        let old = db.open_tree("results").unwrap();
        for (check, at) in [
            ("a", hour(0, 1)),
            ("a", hour(0, 2)),
            ("a", hour(3, 0)),
            ("b", hour(0, 5)),
        ] {
            let r = result_at(check, at);
            old.insert(keys::result_key(&r.check, at), keys::encode_result(&r))
                .unwrap();
        }
        db.flush().unwrap();
    }
    let store = reopen(dir.path()).unwrap();
    let a = CheckId::parse("a").unwrap();
    let got = store.results(&a, hour(0, 0), hour(4, 0)).unwrap();
    let ats: Vec<_> = got.iter().map(|r| r.at).collect();
    assert_eq!(ats, vec![hour(0, 1), hour(0, 2), hour(3, 0)]);
    let b = CheckId::parse("b").unwrap();
    assert_eq!(store.results(&b, hour(0, 0), hour(4, 0)).unwrap().len(), 1);
    assert!(
        !store
            .trees()
            .unwrap()
            .db
            .tree_names()
            .iter()
            .any(|n| n.as_ref() == b"results")
    );
    assert_eq!(
        store
            .trees()
            .unwrap()
            .db
            .get(SCHEMA_KEY)
            .unwrap()
            .unwrap()
            .as_ref(),
        &SCHEMA_VERSION.to_be_bytes()
    );
}

#[test]
fn schema_3_entries_are_packed_at_start_and_read_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let state = CheckState {
        health: Outcome::Down,
        ..CheckState::default()
    };
    let mut day = crate::uptime::Day::default();
    day.add(3, 0, 60_000);
    let checks: Vec<String> = (0..200).map(|i| format!("c{i}")).collect();
    {
        let db = sled::open(dir.path().join("db")).unwrap();
        db.insert(SCHEMA_KEY, &3u32.to_be_bytes()).unwrap();
        let (blocks_tree, states, days) = (
            db.open_tree(migrate::BLOCKS).unwrap(),
            db.open_tree("check_state").unwrap(),
            db.open_tree("uptime_days").unwrap(),
        );
        for check in &checks {
            let id = CheckId::parse(check).unwrap();
            let mut block = blocks::Block::new(blocks::hour_of(hour(0, 0)));
            block.push(&result_at(check, hour(0, 7)));
            blocks_tree
                .insert(blocks::key(blocks::hour_of(hour(0, 0)), &id), block.bytes)
                .unwrap();
            states
                .insert(check.as_bytes(), serde_json::to_vec(&state).unwrap())
                .unwrap();
            let mut key = 20_000u32.to_be_bytes().to_vec();
            key.extend_from_slice(check.as_bytes());
            days.insert(key, day.encode()).unwrap();
        }
        db.flush().unwrap();
    }
    let store = reopen(dir.path()).unwrap();
    for check in &checks {
        let id = CheckId::parse(check).unwrap();
        let got = store.results(&id, hour(0, 0), hour(1, 0)).unwrap();
        assert_eq!(
            got.iter().map(|r| r.at).collect::<Vec<_>>(),
            [hour(0, 7)],
            "{check}"
        );
    }
    let (loaded, _) = store.load_state().unwrap();
    assert_eq!(loaded.len(), 200);
    assert!(loaded.iter().all(|(_, s)| *s == state));
    let days = store.load_days(19_999, 20_000).unwrap();
    assert_eq!(days.len(), 200);
    assert!(days.iter().all(|(d, _, got)| *d == 20_000 && *got == day));
    let t = store.trees().unwrap();
    for (tree, prefix) in [(&t.blocks, 4), (&t.check_state, 0), (&t.rollups, 4)] {
        assert!(
            tree.len() <= usize::from(packed::SHARDS),
            "{} entries",
            tree.len()
        );
        assert!(
            tree.iter()
                .keys()
                .all(|k| packed::is_packed(&k.unwrap(), prefix))
        );
    }
}

#[test]
fn a_checkpoint_at_1000_checks_writes_a_few_entries_not_one_per_check() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    for i in 0..1000 {
        store
            .record(
                &result_at(&format!("c{i}"), hour(0, i)),
                &CheckState::default(),
            )
            .unwrap();
    }
    store.checkpoint().unwrap();
    let t = store.trees().unwrap();
    assert!(
        t.blocks.len() <= usize::from(packed::SHARDS),
        "{}",
        t.blocks.len()
    );
    assert!(
        t.check_state.len() <= usize::from(packed::SHARDS),
        "{}",
        t.check_state.len()
    );
    let c500 = CheckId::parse("c500").unwrap();
    assert_eq!(
        store.results(&c500, hour(0, 0), hour(1, 0)).unwrap()[0].at,
        hour(0, 500)
    );
    assert_eq!(store.load_state().unwrap().0.len(), 1000);
}

#[test]
fn a_database_from_a_newer_candor_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path()).unwrap();
        store
            .trees()
            .unwrap()
            .db
            .insert(SCHEMA_KEY, &99u32.to_be_bytes())
            .unwrap();
        store.trees().unwrap().db.flush().unwrap();
    }
    let err = reopen(dir.path()).err().unwrap().to_string();
    assert!(err.contains("newer Candor (schema 99)"), "{err}");
    assert!(err.contains(&dir.path().display().to_string()), "{err}");
}

#[test]
fn a_data_dir_that_is_a_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let err = SledStore::open(&file).err().unwrap().to_string();
    assert!(err.contains("not-a-dir"), "{err}");
}

#[test]
fn a_corrupt_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("db")).unwrap();
    std::fs::write(
        dir.path().join("db").join("conf"),
        b"garbage garbage garbage",
    )
    .unwrap();
    std::fs::write(dir.path().join("db").join("db"), vec![0xAB; 4096]).unwrap();
    let err = SledStore::open(dir.path()).err().map(|e| e.to_string());
    let err = err.expect("a garbage database must not open");
    assert!(err.contains(&dir.path().display().to_string()), "{err}");
}

#[test]
fn the_prune_cutoff_never_panics() {
    let day = Duration::from_secs(86_400);
    assert_eq!(prune_cutoff(at(86_400), day), at(0));
    for huge in [
        Duration::from_secs(u64::MAX),
        Duration::from_secs(400_000 * 365 * 86_400),
    ] {
        assert_eq!(prune_cutoff(at(0), huge), DateTime::<Utc>::MIN_UTC);
    }
}

/// Records as stored while ids were plain strings (same keys, same JSON) read
/// back under the id types, and are written back byte for byte.
#[test]
fn records_stored_with_string_ids_read_back_and_write_the_same_bytes() {
    use crate::incidents::IncidentId;
    use crate::store::{Commit, SubscriberStore};
    let incident = r#"{"id":"k3v9q0x2m7ab","name":"API down","status":"resolved","impact":"major","components":{"api":"major_outage"},"created_at":"2026-09-21T12:26:40Z","updated_at":"2026-09-21T12:30:00Z","started_at":"2026-09-21T12:26:40Z","monitoring_at":null,"resolved_at":"2026-09-21T12:30:00Z","cause":null,"expected_resolution_at":null,"workaround":null,"postmortem":null,"source":"engineer","taken_over":false,"recovered_at":null,"updates":[{"id":"p0q1r2s3t4u5","status":"resolved","body":"Fixed.","at":"2026-09-21T12:30:00Z","changes":[{"component":"api","old":"operational","new":"major_outage"}],"notify":true,"author":"engineer"}]}"#;
    let maintenance = r#"{"id":"a1b2c3d4e5f6","name":"Disk swap","body":"","status":"scheduled","scheduled_for":"2026-09-22T02:00:00Z","scheduled_until":"2026-09-22T03:00:00Z","components":["db"],"created_at":"2026-09-21T12:00:00Z","updated_at":"2026-09-21T12:00:00Z","updates":[{"id":"z9y8x7w6v5u4","status":"scheduled","body":"Maintenance scheduled.","at":"2026-09-21T12:00:00Z","changes":[],"notify":true,"author":"engineer"}],"reminded":false}"#;
    let pinned =
        r#"{"status":"major_outage","at":"2026-09-21T12:26:40Z","incident":"k3v9q0x2m7ab"}"#;
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path()).unwrap();
        store
            .trees()
            .unwrap()
            .incidents
            .insert("k3v9q0x2m7ab", incident)
            .unwrap();
        store
            .trees()
            .unwrap()
            .maintenances
            .insert("a1b2c3d4e5f6", maintenance)
            .unwrap();
        store
            .trees()
            .unwrap()
            .overrides
            .insert("api", pinned)
            .unwrap();
        let answer = r#"["working","2026-09-21T13:00:00Z"]"#;
        let key = "k3v9q0x2m7ab\x000000000000000001";
        store
            .trees()
            .unwrap()
            .db
            .open_tree("feedback")
            .unwrap()
            .insert(key, answer)
            .unwrap();
        store.trees().unwrap().db.flush().unwrap();
    }
    let store = reopen(dir.path()).unwrap();
    let book = store.load_book().unwrap();
    let id = IncidentId::parse("k3v9q0x2m7ab").unwrap();
    let api = ComponentId::parse("api").unwrap();
    let (i, m) = (
        &book.incidents[&id],
        book.maintenances.values().next().unwrap(),
    );
    assert_eq!(i.updates[0].id.as_str(), "p0q1r2s3t4u5");
    assert_eq!(m.id.as_str(), "a1b2c3d4e5f6");
    assert_eq!(book.overrides[&api].incident.as_ref(), Some(&id));
    assert_eq!(store.feedback(&id).unwrap().working, 1);

    let commit = Commit {
        incidents: vec![i],
        maintenances: vec![m],
        overrides: vec![(&api, book.overrides.get(&api))],
        ..Commit::default()
    };
    store.commit(&commit).unwrap();
    let stored = |t: &sled::Tree, k: &str| t.get(k).unwrap().unwrap().to_vec();
    assert_eq!(
        stored(&store.trees().unwrap().incidents, "k3v9q0x2m7ab"),
        incident.as_bytes()
    );
    assert_eq!(
        stored(&store.trees().unwrap().maintenances, "a1b2c3d4e5f6"),
        maintenance.as_bytes()
    );
    assert_eq!(
        stored(&store.trees().unwrap().overrides, "api"),
        pinned.as_bytes()
    );
}
