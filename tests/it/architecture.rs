//! The shape of the house, read from the source (README, "Architecture"):
//! imports point inward, with no cycle between top-level modules; sled is
//! named only under `src/store/`; the core names no web framework or HTML
//! template crate. The graph is read from every `crate::` path in the
//! production code of `src/` (test modules left out), grouped `use
//! crate::{a, b}` included: the same lines `cargo modules` would follow.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Core modules: no storage backend, web framework or HTML here.
const CORE: &[&str] = &[
    "model",
    "clock",
    "engine",
    "incidents",
    "uptime",
    "pipeline",
    "read",
    "outbox",
    "subscribers",
    "reports",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's production code: test files and everything from the first
/// `#[cfg(test)]` on are left out (test modules sit at the end of a file).
fn production(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy();
    if name == "tests.rs"
        || name.ends_with("_tests.rs")
        || path.components().any(|c| c.as_os_str() == "tests")
    {
        return String::new();
    }
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

/// `src/a/b.rs` and `src/a.rs` belong to `a`; `main.rs` and `lib.rs` to none.
fn top_module(src: &Path, path: &Path) -> Option<String> {
    let first = path.strip_prefix(src).ok()?.components().next()?;
    let name = first.as_os_str().to_string_lossy();
    let name = name.strip_suffix(".rs").unwrap_or(&name).to_owned();
    (name != "main" && name != "lib").then_some(name)
}

fn identifier(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Every top-level module `text` names through `crate::`.
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            // Only the first segment of each item: `a::b` and `{c, d}` name `a`.
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_ascii_alphabetic() || c == '_') => {
                        out.insert(identifier(&group[i..]).to_owned());
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(identifier(rest).to_owned());
        }
    }
    out.retain(|m| !m.is_empty() && m != "self");
    out
}

struct Graph {
    edges: BTreeMap<String, BTreeSet<String>>,
    sled_outside_store: Vec<PathBuf>,
    frameworks_in_core: Vec<PathBuf>,
}

fn read_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut graph = Graph {
        edges: BTreeMap::new(),
        sled_outside_store: Vec::new(),
        frameworks_in_core: Vec::new(),
    };
    for path in files {
        let Some(module) = top_module(&src, &path) else {
            continue;
        };
        let text = production(&path);
        let targets = graph.edges.entry(module.clone()).or_default();
        targets.extend(imports(&text).into_iter().filter(|t| *t != module));
        let backend = ["sled::", "postgres::", "tokio_postgres"]
            .iter()
            .any(|b| text.contains(b));
        if backend && !path.starts_with(src.join("store")) {
            graph.sled_outside_store.push(path.clone());
        }
        let framework = ["actix_web", "maud"]
            .iter()
            .any(|f| text.contains(&format!("{f}::")) || text.contains(&format!("use {f}")));
        if framework && CORE.contains(&module.as_str()) {
            graph.frameworks_in_core.push(path.clone());
        }
    }
    graph
}

/// One cycle through `edges`, if there is any (depth-first search).
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit<'a>(
        node: &'a str,
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut found: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            found.push(node.to_owned());
            return Some(found);
        }
        if !done.insert(node) {
            return None;
        }
        path.push(node);
        for next in edges.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, edges, path, done) {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|start| visit(start, edges, &mut Vec::new(), &mut done))
}

#[test]
fn imports_between_top_level_modules_form_no_cycle() {
    let graph = read_graph();
    assert!(
        graph.edges.len() > 10,
        "modules found: {:?}",
        graph.edges.keys()
    );
    if let Some(found) = cycle(&graph.edges) {
        panic!(
            "modules import each other in a cycle: {}",
            found.join(" -> ")
        );
    }
}

#[test]
fn sled_and_postgres_are_named_only_in_the_store_and_the_core_names_no_web_framework() {
    let graph = read_graph();
    assert!(
        graph.sled_outside_store.is_empty(),
        "sled or PostgreSQL outside src/store/: {:?}",
        graph.sled_outside_store
    );
    assert!(
        graph.frameworks_in_core.is_empty(),
        "actix or maud in core modules: {:?}",
        graph.frameworks_in_core
    );
    for core in CORE {
        assert!(graph.edges.contains_key(*core), "no module named {core}");
        for adapter in ["web", "notify", "export", "app", "store"] {
            let allowed = *core == "pipeline" && adapter == "store";
            assert!(
                allowed || !graph.edges[*core].contains(adapter),
                "the core module {core} imports the adapter {adapter}"
            );
        }
    }
}

#[test]
fn the_checker_sees_a_cycle_and_grouped_imports() {
    let names = imports("use crate::{a::b, c::{d, e}, self};\nlet x = crate::f::g();");
    assert_eq!(names, ["a", "c", "f"].map(String::from).into());
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    assert_eq!(cycle(&edges), None);
    edges.entry("c".into()).or_default().insert("a".into());
    assert_eq!(cycle(&edges).map(|c| c.len()), Some(4), "a -> b -> c -> a");
}
