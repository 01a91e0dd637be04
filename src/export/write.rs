//! The file system side of the export: whether a directory may be managed,
//! writing one file so that no reader sees it half-written, and removing files
//! with the directories they leave empty.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Marks a directory as written by Candor's export, so a later export may
/// change it; any other non-empty directory is refused, never touched.
pub const MARKER: &str = ".candor-export";

/// What the marker file says to someone who finds it.
pub const MARKER_TEXT: &[u8] =
    b"Written by Candor's export: files here that are not part of the site are removed.\n";

/// Whether an export may manage `dir`.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// Absent or empty: it becomes an export.
    Free,
    /// A previous export (it has the marker).
    Ours,
    /// Anything else, with the reason.
    Foreign(String),
}

/// Looks at `dir` without changing it; an error means it could not be read.
pub fn claim(dir: &Path) -> anyhow::Result<Claim> {
    let meta = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Claim::Free),
        other => other.with_context(|| format!("cannot read {}", dir.display()))?,
    };
    if !meta.is_dir() {
        let why = format!("{} exists and is not a directory", dir.display());
        return Ok(Claim::Foreign(why));
    }
    if dir.join(MARKER).is_file() {
        return Ok(Claim::Ours);
    }
    let empty = fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .next()
        .is_none();
    Ok(if empty {
        Claim::Free
    } else {
        Claim::Foreign(format!(
            "{} is not empty and was not written by a Candor export; refusing to change it",
            dir.display()
        ))
    })
}

/// Writes `bytes` to `path` through a temporary file beside it, renamed over
/// the old one: a reader sees the old file or the new one, never a mix.
///
/// Not fsynced: the export is a copy of what is in the database, and the first
/// export after a restart compares every file's bytes and repairs any that a
/// crash left short.
pub fn replace(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let parent = path
        .parent()
        .with_context(|| format!("{} has no parent directory", path.display()))?;
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let tmp = temporary(path);
    let written = fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes));
    let renamed = written.and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = renamed {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

/// `.NAME.tmp-<pid>` beside `path`: hidden from directory indexes, and on the
/// same file system, so the rename is atomic.
fn temporary(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Removes the file at `path` (already gone is fine), then the directories up
/// to `root` it leaves empty.
pub fn remove(root: &Path, path: &Path) -> anyhow::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("cannot remove {}", path.display()));
        }
        _ => {}
    }
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != root && d.starts_with(root)) {
        // Fails while the directory holds anything: that ends the climb.
        if fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
    Ok(())
}

/// Every file (or link, or other non-directory) under `root`, relative to it.
/// Links to directories are not followed.
pub fn walk(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let dir = root.join(&rel);
        let entries =
            fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            let path = rel.join(entry.file_name());
            if is_dir {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absent_empty_or_marked_directories_may_be_claimed() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        assert_eq!(claim(&site).unwrap(), Claim::Free);
        fs::create_dir(&site).unwrap();
        assert_eq!(claim(&site).unwrap(), Claim::Free);
        fs::write(site.join("precious.txt"), "keep").unwrap();
        assert!(matches!(claim(&site).unwrap(), Claim::Foreign(why) if why.contains("refusing")));
        fs::write(site.join(MARKER), MARKER_TEXT).unwrap();
        assert_eq!(claim(&site).unwrap(), Claim::Ours);
        let file = site.join("precious.txt");
        assert!(matches!(claim(&file).unwrap(), Claim::Foreign(_)));
    }

    #[test]
    fn replace_writes_through_a_temporary_file_it_does_not_leave_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/index.html");
        replace(&path, b"one").unwrap();
        replace(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(walk(dir.path()).unwrap(), [PathBuf::from("a/b/index.html")]);
    }

    #[test]
    fn a_failed_write_names_the_path_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("file"), "not a directory").unwrap();
        let path = dir.path().join("file/index.html");
        let err = replace(&path, b"x").unwrap_err();
        assert!(
            format!("{err:#}").contains(dir.path().to_str().unwrap()),
            "{err:#}"
        );
        // A directory where the file should go: the rename fails, the temp goes.
        let blocked = dir.path().join("blocked");
        fs::create_dir_all(blocked.join("inside")).unwrap();
        assert!(replace(&blocked, b"x").is_err());
        assert_eq!(walk(dir.path()).unwrap(), [PathBuf::from("file")]);
    }

    #[test]
    fn remove_takes_the_directories_it_empties_but_not_the_root() {
        let dir = tempfile::tempdir().unwrap();
        replace(&dir.path().join("incidents/a/index.html"), b"a").unwrap();
        replace(&dir.path().join("incidents/b/index.html"), b"b").unwrap();
        remove(dir.path(), &dir.path().join("incidents/a/index.html")).unwrap();
        assert!(!dir.path().join("incidents/a").exists());
        assert!(dir.path().join("incidents/b/index.html").exists());
        remove(dir.path(), &dir.path().join("incidents/b/index.html")).unwrap();
        assert!(!dir.path().join("incidents").exists());
        assert!(dir.path().exists());
        remove(dir.path(), &dir.path().join("gone.html")).unwrap();
    }
}
