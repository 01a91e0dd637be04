//! The hour under way appended as parts, and written whole once it is over.

use std::collections::HashSet;

use super::*;
use crate::store::blocks::Block;
use crate::store::copy::Record;

/// 40 checks: enough to spread over many shards.
fn checks() -> Vec<String> {
    (0..40).map(|i| format!("check-{i:02}")).collect()
}

/// A result at `at`; every fifth second down, for a reason.
fn probe(check: &str, at: DateTime<Utc>) -> CheckResult {
    let outcome = if at.timestamp() % 5 == 0 {
        Outcome::Down
    } else {
        Outcome::Up
    };
    CheckResult {
        at,
        ..result(check, 0, outcome)
    }
}

fn record_all(store: &SledStore, secs: impl IntoIterator<Item = i64> + Clone) {
    for check in checks() {
        for sec in secs.clone() {
            store
                .record(&probe(&check, hour(0, sec)), &CheckState::default())
                .unwrap();
        }
    }
}

/// The block the results of `check` at `secs` of hour 0 make.
fn block_of(check: &str, secs: impl IntoIterator<Item = i64>) -> Vec<u8> {
    let mut block = Block::new(blocks::hour_of(hour(0, 0)));
    for sec in secs {
        block.push(&probe(check, hour(0, sec)));
    }
    block.bytes
}

/// Bytes of every part of `check` stored, and how many parts there are.
fn parts_of(store: &SledStore, check: &str) -> (usize, usize) {
    let t = store.trees().unwrap();
    let mut bytes = 0;
    let mut count = 0;
    for entry in t.parts.iter() {
        let (_, value) = entry.unwrap();
        if let Some(part) = packed::find(&value, check.as_bytes()) {
            bytes += part.len();
            count += 1;
        }
    }
    (bytes, count)
}

fn whole_blocks(store: &SledStore) -> usize {
    let t = store.trees().unwrap();
    packed::unpack(4, t.blocks.iter()).count()
}

fn times(store: &SledStore, check: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<i64> {
    let id = CheckId::parse(check).unwrap();
    (store.results(&id, from, to).unwrap().iter())
        .map(|r| r.at.timestamp() - hour(0, 0).timestamp())
        .collect()
}

#[test]
fn the_hour_under_way_is_appended_at_each_checkpoint_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let first: Vec<i64> = (1..=10).map(|n| n * 30).collect();
    let second: Vec<i64> = (11..=20).map(|n| n * 30).collect();
    record_all(&store, first.clone());
    store.checkpoint_at(hour(0, 301)).unwrap();
    record_all(&store, second.clone());
    store.checkpoint_at(hour(0, 601)).unwrap();

    assert_eq!(
        whole_blocks(&store),
        0,
        "no block of the hour written whole"
    );
    let all: Vec<i64> = first.iter().chain(&second).copied().collect();
    for check in checks() {
        let (bytes, count) = parts_of(&store, &check);
        assert_eq!(count, 2, "{check}: one part per checkpoint");
        assert_eq!(
            bytes,
            block_of(&check, all.clone()).len(),
            "{check}: each result stored once, not rewritten"
        );
        assert_eq!(times(&store, &check, hour(0, 0), hour(1, 0)), all);
    }
    let got = store
        .results(&CheckId::parse("check-07").unwrap(), hour(0, 0), hour(1, 0))
        .unwrap();
    assert_eq!(got.len(), 20);
    assert!(
        (got.iter()).all(|r| (r.outcome == Outcome::Down) == (r.at.timestamp() % 5 == 0)),
        "outcomes read back as recorded"
    );
    assert!(
        (got.iter())
            .filter(|r| r.outcome == Outcome::Down)
            .all(|r| words(r) == "connection refused"),
        "reasons read back across parts"
    );
}

#[test]
fn the_first_checkpoint_after_the_hour_writes_it_whole_and_drops_its_parts() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    record_all(&store, [30, 60]);
    store.checkpoint_at(hour(0, 100)).unwrap();
    record_all(&store, [3590]);
    store.checkpoint_at(hour(0, 3595)).unwrap();
    assert_eq!(whole_blocks(&store), 0);

    // A new hour: the next results go into hour 1's parts; hour 0 is written
    // whole, once, and its parts removed.
    for check in checks() {
        let next = probe(&check, hour(1, 20));
        store.record(&next, &CheckState::default()).unwrap();
    }
    store.checkpoint_at(hour(1, 60)).unwrap();
    assert_eq!(whole_blocks(&store), checks().len());
    let t = store.trees().unwrap();
    let hours: HashSet<Vec<u8>> = (t.parts.iter().keys())
        .map(|k| k.unwrap()[..4].to_vec())
        .collect();
    let hour_1 = blocks::hour_of(hour(1, 0)).to_be_bytes().to_vec();
    assert_eq!(hours, HashSet::from([hour_1]), "only hour 1's parts remain");
    for check in checks() {
        let whole = packed::get(
            &t.blocks,
            &blocks::hour_of(hour(0, 0)).to_be_bytes(),
            check.as_bytes(),
        );
        assert_eq!(whole.unwrap(), Some(block_of(&check, [30, 60, 3590])));
        assert_eq!(
            times(&store, &check, hour(0, 0), hour(2, 0)),
            vec![30, 60, 3590, 3600 + 20]
        );
    }
    // Nothing new of hour 0: the next checkpoint does not write it again.
    let before = t.blocks.checksum().unwrap();
    store
        .record(&probe("check-01", hour(1, 50)), &CheckState::default())
        .unwrap();
    store.checkpoint_at(hour(1, 400)).unwrap();
    assert_eq!(t.blocks.checksum().unwrap(), before);
}

#[test]
fn a_restart_mid_hour_appends_after_the_parts_already_written() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path()).unwrap();
        record_all(&store, [5, 30]);
        store.checkpoint_at(hour(0, 100)).unwrap();
        record_all(&store, [125, 150]);
        store.checkpoint_at(hour(0, 200)).unwrap();
        store.trees().unwrap().db.flush().unwrap();
    }
    let store = reopen(dir.path()).unwrap();
    record_all(&store, [250, 280]);
    store.checkpoint_at(hour(0, 300)).unwrap();
    for check in checks() {
        let (bytes, count) = parts_of(&store, &check);
        assert_eq!(
            count, 3,
            "{check}: the restart's part comes after the others"
        );
        assert_eq!(bytes, block_of(&check, [5, 30, 125, 150, 250, 280]).len());
        assert_eq!(
            times(&store, &check, hour(0, 0), hour(1, 0)),
            vec![5, 30, 125, 150, 250, 280]
        );
    }
    // A down result after the restart repeats the reason written before it.
    let got = store
        .results(
            &CheckId::parse("check-03").unwrap(),
            hour(0, 240),
            hour(0, 260),
        )
        .unwrap();
    assert_eq!(words(&got[0]), "connection refused");
}

#[test]
fn parts_of_a_check_that_does_not_run_again_are_written_whole_when_the_hour_ends() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path()).unwrap();
        store
            .record(&probe("gone", hour(0, 10)), &CheckState::default())
            .unwrap();
        store
            .record(&probe("api", hour(0, 10)), &CheckState::default())
            .unwrap();
        store.checkpoint_at(hour(0, 60)).unwrap();
        store.trees().unwrap().db.flush().unwrap();
    }
    // After a restart only "api" runs (say "gone" left the config).
    let store = reopen(dir.path()).unwrap();
    store
        .record(&probe("api", hour(1, 10)), &CheckState::default())
        .unwrap();
    store.checkpoint_at(hour(1, 60)).unwrap();
    assert_eq!(times(&store, "gone", hour(0, 0), hour(2, 0)), vec![10]);
    assert_eq!(times(&store, "api", hour(0, 0), hour(2, 0)), vec![10, 3610]);
    let t = store.trees().unwrap();
    assert_eq!(whole_blocks(&store), 2, "hour 0 of both, whole");
    assert!(
        (t.parts.iter().keys())
            .all(|k| k.unwrap()[..4] == blocks::hour_of(hour(1, 0)).to_be_bytes()),
        "no part of hour 0 is left"
    );
}

#[test]
fn a_part_whose_write_failed_is_written_at_the_next_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    record_all(&store, [30]);
    store.checkpoint_at(hour(0, 40)).unwrap();
    record_all(&store, [60]);
    store.inject_disk_full(true);
    assert!(store.checkpoint_at(hour(0, 70)).is_err());
    store.inject_disk_full(false);
    record_all(&store, [90]);
    store.checkpoint_at(hour(0, 100)).unwrap();
    for check in checks() {
        assert_eq!(
            parts_of(&store, &check).0,
            block_of(&check, [30, 60, 90]).len()
        );
        assert_eq!(
            times(&store, &check, hour(0, 0), hour(1, 0)),
            vec![30, 60, 90]
        );
    }
}

#[test]
fn an_export_holds_the_hour_under_way_though_only_its_parts_are_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    // Now: dumping checkpoints at the real hour, which is under way.
    let now = Utc::now();
    let r = CheckResult {
        at: now,
        ..result("api", 0, Outcome::Down)
    };
    store.record(&r, &CheckState::default()).unwrap();
    store.checkpoint().unwrap();
    let mut found = Vec::new();
    store
        .dump(&mut |record| {
            if let Record::Block { hour, check, bytes } = record {
                found.push((hour, check, bytes));
            }
        })
        .unwrap();
    let mut block = Block::new(blocks::hour_of(now));
    block.push(&r);
    assert_eq!(
        found,
        vec![(blocks::hour_of(now), "api".to_owned(), block.bytes)]
    );
}
