//! Lists the message files in `locales/` (one per language, named by its
//! language tag: `en.ftl`, `es.ftl`) for `src/lang`, so that adding a language
//! is adding one file.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=locales");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let tag = path.file_name()?.to_str()?.strip_suffix(".ftl")?.to_owned();
            println!("cargo:rerun-if-changed={}", path.display());
            Some((tag, path.display().to_string()))
        })
        .collect();
    files.sort();
    let mut out = String::from("/// Each language's tag and messages, from `locales/*.ftl`.\n");
    out.push_str("pub(super) static FILES: &[(&str, &str)] = &[\n");
    for (tag, path) in &files {
        let _ = writeln!(out, "    ({tag:?}, include_str!({path:?})),");
    }
    out.push_str("];\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("locales.rs");
    std::fs::write(&target, out).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
}
