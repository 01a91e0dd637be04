use std::time::Duration;

use chrono::TimeZone;

use super::*;
use crate::model::Outcome;

fn at(sec: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + sec, 0).single().unwrap()
}

fn result(check: &str, sec: i64, outcome: Outcome) -> CheckResult {
    CheckResult {
        check: CheckId::parse(check).unwrap(),
        at: at(sec),
        duration: Duration::from_millis(40),
        outcome,
        reason: if outcome == Outcome::Up {
            String::new()
        } else {
            "connection refused".into()
        },
    }
}

/// sled releases its file lock from a background thread after the last handle
/// drops; a new process never sees this, a test reopening in-process may.
fn reopen(dir: &std::path::Path) -> Result<Store, StoreError> {
    for _ in 0..50 {
        match Store::open(dir) {
            Err(StoreError::Open { source, .. }) if source.to_string().contains("lock") => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
    Store::open(dir)
}

#[test]
fn results_and_state_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let r = result("api-health", 5, Outcome::Down);
    let state = CheckState::default();
    let comp = ComponentId::parse("api").unwrap();
    let comp_state = ComponentState::operational(at(0));
    {
        let store = Store::open(dir.path()).unwrap();
        store.record(&r, &state).unwrap();
        store.save_component(&comp, &comp_state).unwrap();
        store.db.flush().unwrap();
    }
    let store = reopen(dir.path()).unwrap();
    let got = store.results(&r.check, at(0), at(10)).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].reason, "connection refused");
    let (checks, components) = store.load_state().unwrap();
    assert_eq!(checks, vec![(r.check.clone(), state)]);
    assert_eq!(components, vec![(comp, comp_state)]);
}

#[test]
fn pruning_removes_old_results_of_every_check_and_keeps_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let s = CheckState::default();
    for check in ["a", "a-b", "b"] {
        for sec in [1, 2, 3, 100, 101] {
            store.record(&result(check, sec, Outcome::Up), &s).unwrap();
        }
    }
    assert_eq!(store.prune(at(50)).unwrap(), 9);
    for check in ["a", "a-b", "b"] {
        let left = store
            .results(&CheckId::parse(check).unwrap(), at(0), at(1000))
            .unwrap();
        let secs: Vec<i64> = left
            .iter()
            .map(|r| r.at.timestamp() - 1_790_000_000)
            .collect();
        assert_eq!(secs, vec![100, 101], "for {check}");
    }
    assert_eq!(store.prune(at(50)).unwrap(), 0);
}

#[test]
fn a_database_from_a_newer_candor_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store.db.insert(SCHEMA_KEY, &99u32.to_be_bytes()).unwrap();
        store.db.flush().unwrap();
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
    let err = Store::open(&file).err().unwrap().to_string();
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
    let err = Store::open(dir.path()).err().map(|e| e.to_string());
    let err = err.expect("a garbage database must not open");
    assert!(err.contains(&dir.path().display().to_string()), "{err}");
}

#[test]
fn the_prune_cutoff_never_panics() {
    let day = Duration::from_secs(86_400);
    assert_eq!(Store::prune_cutoff(at(86_400), day), at(0));
    for huge in [
        Duration::from_secs(u64::MAX),
        Duration::from_secs(400_000 * 365 * 86_400),
    ] {
        assert_eq!(Store::prune_cutoff(at(0), huge), DateTime::<Utc>::MIN_UTC);
    }
}
