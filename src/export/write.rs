//! Writing the export so that a reader never sees half a site: everything goes
//! into a sibling temporary directory, which is then renamed into place.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::File;

/// Marks a directory as written by `candor export`, so a later export may
/// replace it; any other non-empty directory is refused rather than deleted.
const MARKER: &str = ".candor-export";

/// Writes `files` to `out`, replacing a previous export there.
///
/// Between the two renames (old export aside, new one in) `out` is briefly
/// missing; it never holds a mix of two exports.
pub fn write_atomically(out: &Path, files: &[File]) -> anyhow::Result<()> {
    check_replaceable(out)?;
    let tmp = sibling(out, "tmp")?;
    let written = write_all(&tmp, files);
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let old = sibling(out, "old")?;
    let had_previous = out.exists();
    if had_previous {
        fs::rename(out, &old)
            .with_context(|| format!("cannot move the previous export {} aside", out.display()))?;
    }
    if let Err(e) = fs::rename(&tmp, out) {
        if had_previous {
            let _ = fs::rename(&old, out);
        }
        let _ = fs::remove_dir_all(&tmp);
        return Err(e).with_context(|| format!("cannot move the export into {}", out.display()));
    }
    if had_previous {
        fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove the previous export {}", old.display()))?;
    }
    Ok(())
}

/// `out` may be absent, an empty directory, or a previous export.
fn check_replaceable(out: &Path) -> anyhow::Result<()> {
    if !out.exists() {
        return Ok(());
    }
    anyhow::ensure!(
        out.is_dir(),
        "{} exists and is not a directory",
        out.display()
    );
    let empty = fs::read_dir(out)
        .with_context(|| format!("cannot read {}", out.display()))?
        .next()
        .is_none();
    anyhow::ensure!(
        empty || out.join(MARKER).is_file(),
        "{} is not empty and was not written by candor export; refusing to replace it",
        out.display()
    );
    Ok(())
}

/// `DIR.tmp-<pid>` next to `DIR`, so the final rename stays on one file system.
fn sibling(out: &Path, kind: &str) -> anyhow::Result<PathBuf> {
    let name = out
        .file_name()
        .with_context(|| format!("{} does not name a directory", out.display()))?;
    let mut sibling = name.to_owned();
    sibling.push(format!(".{kind}-{}", std::process::id()));
    Ok(out.with_file_name(sibling))
}

fn write_all(dir: &Path, files: &[File]) -> anyhow::Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir)
            .with_context(|| format!("cannot clear a stale {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, &f.bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    fs::write(
        dir.join(MARKER),
        "Written by `candor export`; the next export replaces this directory.\n",
    )
    .context("cannot write the export marker")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(body: &str) -> Vec<File> {
        vec![File {
            path: "a/index.html".into(),
            bytes: body.as_bytes().to_vec(),
        }]
    }

    #[test]
    fn a_previous_export_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        write_atomically(&out, &files("one")).unwrap();
        fs::write(out.join("stale.html"), "old").unwrap();
        write_atomically(&out, &files("two")).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("stale.html").exists());
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(
            names.len(),
            1,
            "temporary directories left behind: {names:?}"
        );
    }

    #[test]
    fn a_directory_that_is_not_an_export_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("precious.txt"), "keep").unwrap();
        let err = write_atomically(dir.path(), &files("x")).unwrap_err();
        assert!(err.to_string().contains("refusing"), "{err}");
        assert!(dir.path().join("precious.txt").exists());
    }
}
