//! `[export]`: where a running Candor keeps its live static copy of the site.

use std::path::{Component, Path, PathBuf};

use super::Problems;
use crate::config::raw::RawExport;
use crate::config::{Export, Server};

/// A present `[export]` table must name its directory; the directory must not
/// share a tree with the database, since the export removes every file in it
/// that is not part of the site.
pub(super) fn validate(p: &mut Problems, raw: RawExport, server: &Server) -> Option<Export> {
    let Some(text) = raw.dir else {
        if !p.had_wrong_type("export.dir") {
            p.add(
                "export.dir",
                "missing: name the directory to keep the static copy of the site in",
            );
        }
        return None;
    };
    if text.trim().is_empty() {
        p.add("export.dir", "must not be empty");
        return None;
    }
    let dir = PathBuf::from(&text);
    let (export, data) = (absolute(&dir), absolute(&server.data_dir));
    if export.starts_with(&data) || data.starts_with(&export) {
        p.add(
            "export.dir",
            format!(
                "\"{text}\" overlaps server.data_dir \"{}\": the export removes files that \
                 are not part of the site, so give it a directory of its own",
                server.data_dir.display()
            ),
        );
        return None;
    }
    Some(Export { dir })
}

/// `path` made absolute against the working directory, with `.` and `..`
/// resolved by their names only (the directories need not exist yet).
fn absolute(path: &Path) -> PathBuf {
    let joined = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn parse(export: &str) -> Result<Config, Vec<String>> {
        let text = format!("[server]\ndata_dir = \"/srv/candor/data\"\n\n[export]\n{export}\n");
        Config::parse(&text).map_err(|all| all.iter().map(ToString::to_string).collect())
    }

    fn problems(export: &str) -> Vec<String> {
        parse(export).err().unwrap_or_default()
    }

    #[test]
    fn the_export_dir_is_read_and_absent_means_no_export() {
        let config = parse("dir = \"/var/www/status\"").expect("valid");
        let export = config.export.expect("an export");
        assert_eq!(export.dir, std::path::Path::new("/var/www/status"));
        assert!(Config::parse("").expect("valid").export.is_none());
    }

    #[test]
    fn a_missing_empty_or_mistyped_dir_is_reported() {
        assert_eq!(
            problems(""),
            ["export.dir: missing: name the directory to keep the static copy of the site in"]
        );
        assert_eq!(problems("dir = \"  \""), ["export.dir: must not be empty"]);
        let typed = problems("dir = 3");
        assert_eq!(typed.len(), 1, "{typed:?}");
        assert!(
            typed[0].starts_with("export.dir: invalid type"),
            "{typed:?}"
        );
    }

    #[test]
    fn unknown_keys_are_reported_with_the_other_problems() {
        let all = problems("dri = \"/var/www\"");
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(all.contains(&"export.dri: unknown key (check its spelling)".to_owned()));
        assert!(all.iter().any(|p| p.starts_with("export.dir: missing")));
    }

    #[test]
    fn a_dir_that_overlaps_the_data_dir_is_refused() {
        for dir in [
            "/srv/candor/data",
            "/srv/candor/data/site",
            "/srv/candor",
            "/srv/candor/www/../data/x",
        ] {
            let all = problems(&format!("dir = \"{dir}\""));
            assert_eq!(all.len(), 1, "{dir}: {all:?}");
            assert!(
                all[0].contains("overlaps server.data_dir"),
                "{dir}: {all:?}"
            );
        }
        assert!(parse("dir = \"/srv/candor/data-site\"").is_ok());
    }
}
