//! Keeping a directory equal to the public site, cheaply and without a reader
//! ever seeing half a file: the one code path of `candor export` and of the
//! live export.
//!
//! Only files whose bytes changed are written (each atomically), and files the
//! site no longer has are removed. The first sync of a [`Mirror`] compares
//! every file with what is on disk and removes strays; later ones trust what
//! they wrote (a file's source ETag, and its length and mtime on disk), so a
//! site with thousands of incident pages costs a `stat` per unchanged file.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::files::{File, site_files};
use super::write::{self, Claim, MARKER, MARKER_TEXT};
use crate::web::snapshot::Snapshot;

/// A directory kept equal to the site, and what was last written there.
#[derive(Debug)]
pub struct Mirror {
    dir: PathBuf,
    /// The live site's subscribe URL, for the exported pages' form.
    subscribe: String,
    /// What this mirror knows to be on disk, by relative path.
    known: HashMap<PathBuf, Known>,
    /// Whether files not written by this mirror were looked for and removed.
    swept: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Known {
    version: String,
    len: u64,
    modified: Option<SystemTime>,
}

/// What one sync did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Every problem, each naming its path; the next sync tries again.
    pub failures: Vec<anyhow::Error>,
}

impl Mirror {
    pub fn new(dir: PathBuf, subscribe: String) -> Self {
        Self {
            dir,
            subscribe,
            known: HashMap::new(),
            swept: false,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Makes the directory hold `snapshot`'s site. Files are written before
    /// the pages that link to them, and removed last.
    pub fn sync(&mut self, snapshot: &Snapshot) -> Outcome {
        let mut out = Outcome::default();
        if !self.swept {
            match write::claim(&self.dir) {
                Ok(Claim::Foreign(why)) => {
                    out.failures.push(anyhow::anyhow!(why));
                    return out;
                }
                Err(e) => out.failures.push(e),
                Ok(Claim::Free | Claim::Ours) => {}
            }
        }
        let mut wanted = HashSet::new();
        for file in site_files(snapshot) {
            match file {
                Ok(file) => {
                    self.put(&file, &mut out);
                    wanted.insert(file.path);
                }
                Err(e) => out.failures.push(e),
            }
        }
        self.mark(&mut out);
        self.prune(&wanted, &mut out);
        out
    }

    /// Writes `file` unless the disk already holds its bytes.
    fn put(&mut self, file: &File<'_>, out: &mut Outcome) {
        let path = self.dir.join(&file.path);
        let on_disk = fs::symlink_metadata(&path).ok().filter(|m| m.is_file());
        let stamp = |m: &fs::Metadata| (m.len(), m.modified().ok());
        if let (Some(known), Some(meta)) = (self.known.get(&file.path), &on_disk)
            && known.version == file.version()
            && (known.len, known.modified) == stamp(meta)
        {
            out.unchanged += 1;
            return;
        }
        self.known.remove(&file.path);
        let bytes = match file.bytes(&self.subscribe) {
            Ok(bytes) => bytes,
            Err(e) => {
                out.failures.push(anyhow::Error::new(e).context(format!(
                    "could not read the rendered {}",
                    file.path.display()
                )));
                return;
            }
        };
        let same = on_disk
            .as_ref()
            .is_some_and(|m| m.len() == bytes.len() as u64)
            && fs::read(&path).is_ok_and(|old| old == bytes);
        if same {
            out.unchanged += 1;
        } else if let Err(e) = write::replace(&path, &bytes) {
            out.failures.push(e);
            return;
        } else {
            out.written += 1;
        }
        // Read back so the next sync compares with what the disk reports.
        if let Ok(meta) = fs::symlink_metadata(&path) {
            let (len, modified) = stamp(&meta);
            let version = file.version().to_owned();
            let known = Known {
                version,
                len,
                modified,
            };
            self.known.insert(file.path.clone(), known);
        }
    }

    /// The marker that lets the next export (or the next start) claim the directory.
    fn mark(&self, out: &mut Outcome) {
        let marker = self.dir.join(MARKER);
        if !marker.is_file()
            && let Err(e) = write::replace(&marker, MARKER_TEXT)
        {
            out.failures.push(e);
        }
    }

    /// Removes what the site no longer has: files this mirror wrote, and on
    /// the first sync anything else in the directory (a previous run's pages,
    /// temporary files a crash left).
    fn prune(&mut self, wanted: &HashSet<PathBuf>, out: &mut Outcome) {
        let mut gone: Vec<PathBuf> = self
            .known
            .keys()
            .filter(|p| !wanted.contains(*p))
            .cloned()
            .collect();
        let sweep = !self.swept;
        if sweep {
            match write::walk(&self.dir) {
                Ok(found) => gone.extend(found.into_iter().filter(|p| {
                    !wanted.contains(p) && p.as_os_str() != MARKER && !self.known.contains_key(p)
                })),
                Err(e) => out.failures.push(e),
            }
        }
        for path in gone {
            match write::remove(&self.dir, &self.dir.join(&path)) {
                Ok(()) => {
                    self.known.remove(&path);
                    out.removed += 1;
                }
                Err(e) => out.failures.push(e),
            }
        }
        // A sync that failed anywhere sweeps again next time: what it could not
        // remove is not in `known`, so only a sweep would find it.
        if sweep && out.failures.is_empty() {
            self.swept = true;
        }
    }
}

#[cfg(test)]
mod tests;
