//! A failing disk, through the store's fault seam: health follows what
//! reaches the disk, and the store comes back by itself.

use super::*;
use crate::store::{Commit, OutboxStore, Storage};

#[tokio::test]
async fn storage_stays_failing_until_a_write_reaches_the_disk_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    store.inject_disk_full(true);
    assert!(store.commit(&Commit::default()).is_err());
    assert!(!store.healthy());
    // What only touches memory proves nothing about the disk.
    let r = result("api-health", 5, Outcome::Up);
    store.record(&r, &CheckState::default()).unwrap();
    assert!(!store.healthy(), "a result kept in memory");
    assert!(store.recover().await.is_err(), "the disk is still full");
    store.inject_disk_full(false);
    store.flush().await.unwrap();
    assert!(!store.healthy(), "a flush with nothing written");
    store.recover().await.unwrap();
    assert!(store.healthy());
    // The result kept while failing was written by the recovery.
    let reopened = {
        drop(store);
        reopen(dir.path()).unwrap()
    };
    assert_eq!(reopened.results(&r.check, at(0), at(10)).unwrap().len(), 1);
}

#[tokio::test]
async fn a_reopened_database_keeps_what_was_flushed_and_takes_writes() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let comp = ComponentId::parse("api").unwrap();
    store
        .save_component(&comp, &ComponentState::operational(at(0)))
        .unwrap();
    store.flush().await.unwrap();
    store.reopen().unwrap();
    let (_, components) = store.load_state().unwrap();
    assert_eq!(components.len(), 1);
    store.enqueue(&[]).unwrap();
    store.flush().await.unwrap();
}
