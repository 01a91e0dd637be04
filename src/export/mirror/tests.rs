use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::Mirror;
use crate::export::write::{MARKER, walk};
use crate::incidents::{Incident, MaintenanceStatus};
use crate::web::render::fixtures::*;
use crate::web::render::render;
use crate::web::snapshot::Snapshot;

const LIVE: &str = "https://status.acme.example/subscribe";

fn snapshot(incidents: Vec<Incident>, previous: Option<&Snapshot>) -> Snapshot {
    let done = maintenance("mnt", MaintenanceStatus::Completed, at(1, 0), at(2, 0));
    render(
        view(config(), book(incidents, vec![done]), at(10, 5)),
        previous,
    )
}

fn closed() -> Incident {
    resolve(incident("old", "Old outage", at(8, 0)), at(9, 0))
}

/// (inode, mtime in ns) of a file, to tell a rewrite from no write.
fn stamp(path: &Path) -> (u64, i64) {
    let meta = fs::metadata(path).unwrap();
    (meta.ino(), meta.mtime_nsec() + meta.mtime() * 1_000_000_000)
}

fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap()
}

#[test]
fn the_first_sync_writes_the_site_and_the_next_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let mut mirror = Mirror::new(site.clone(), LIVE.into());
    let one = snapshot(vec![closed()], None);
    let first = mirror.sync(&one);
    assert!(first.failures.is_empty(), "{:?}", first.failures);
    let files = walk(&site).unwrap();
    assert_eq!(first.written + 1, files.len(), "every file and the marker");
    assert!(read(&site, "incidents/old/index.html").contains("Old outage"));
    assert!(site.join(MARKER).is_file());
    let old_page = stamp(&site.join("incidents/old/index.html"));

    let open = incident("new", "New outage", at(10, 0));
    let two = snapshot(vec![closed(), open], Some(&one));
    let second = mirror.sync(&two);
    assert!(second.failures.is_empty(), "{:?}", second.failures);
    assert!(read(&site, "index.html").contains("New outage"));
    assert!(read(&site, "incidents/new/index.html").contains("New outage"));
    assert_eq!(stamp(&site.join("incidents/old/index.html")), old_page);
    assert!(second.unchanged > 0 && second.written < first.written);

    let third = mirror.sync(&two);
    assert_eq!((third.written, third.removed), (0, 0));
}

#[test]
fn a_new_mirror_on_an_old_export_keeps_equal_files_and_removes_strays() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let snap = snapshot(vec![closed()], None);
    Mirror::new(site.clone(), LIVE.into()).sync(&snap);
    let index = stamp(&site.join("index.html"));
    fs::write(site.join("stale.html"), "old").unwrap();
    fs::create_dir_all(site.join("incidents/gone")).unwrap();
    fs::write(site.join("incidents/gone/index.html"), "old").unwrap();
    fs::write(site.join(".index.html.tmp-1"), "a crash's leftover").unwrap();

    let again = Mirror::new(site.clone(), LIVE.into()).sync(&snap);
    assert!(again.failures.is_empty(), "{:?}", again.failures);
    assert_eq!((again.written, again.removed), (0, 3));
    assert_eq!(stamp(&site.join("index.html")), index);
    assert!(!site.join("stale.html").exists());
    assert!(!site.join("incidents/gone").exists());
}

#[test]
fn a_file_changed_or_deleted_behind_its_back_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut mirror = Mirror::new(dir.path().to_owned(), LIVE.into());
    let snap = snapshot(vec![closed()], None);
    mirror.sync(&snap);
    let page = dir.path().join("incidents/old/index.html");
    let original = fs::read(&page).unwrap();
    fs::remove_file(dir.path().join("feed.atom")).unwrap();
    fs::write(&page, "vandalised").unwrap();
    let fixed = mirror.sync(&snap);
    assert_eq!(fixed.written, 2, "{fixed:?}");
    assert_eq!(fs::read(&page).unwrap(), original);
    assert!(dir.path().join("feed.atom").is_file());
}

#[test]
fn files_the_site_no_longer_has_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let mut mirror = Mirror::new(dir.path().to_owned(), LIVE.into());
    mirror.sync(&snapshot(vec![closed()], None));
    let page = dir.path().join("incidents/old");
    assert!(page.is_dir());
    let pruned = mirror.sync(&snapshot(vec![], None));
    assert!(pruned.failures.is_empty(), "{:?}", pruned.failures);
    assert!(pruned.removed >= 1);
    assert!(!page.exists());
}

#[test]
fn a_directory_that_is_not_an_export_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("precious.txt"), "keep").unwrap();
    let outcome = Mirror::new(dir.path().to_owned(), LIVE.into()).sync(&snapshot(vec![], None));
    assert_eq!(outcome.failures.len(), 1);
    assert!(outcome.failures[0].to_string().contains("refusing"));
    assert_eq!(walk(dir.path()).unwrap(), [PathBuf::from("precious.txt")]);
}

#[test]
fn a_failed_sync_names_the_path_and_the_next_one_repairs_it() {
    let dir = tempfile::tempdir().unwrap();
    // A regular file where a directory must go: fails even for root.
    let blocker = dir.path().join("site");
    fs::write(&blocker, "in the way").unwrap();
    let mut mirror = Mirror::new(blocker.join("public"), LIVE.into());
    let snap = snapshot(vec![closed()], None);
    let failed = mirror.sync(&snap);
    assert!(!failed.failures.is_empty());
    let message = format!("{:#}", failed.failures[0]);
    assert!(message.contains(blocker.to_str().unwrap()), "{message}");

    fs::remove_file(&blocker).unwrap();
    let repaired = mirror.sync(&snap);
    assert!(repaired.failures.is_empty(), "{:?}", repaired.failures);
    let page = read(&blocker.join("public"), "incidents/old/index.html");
    assert!(page.contains("Old outage"), "{page}");
}
