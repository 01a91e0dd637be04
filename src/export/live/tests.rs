use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::LiveExport;
use crate::metrics::Metrics;
use crate::web::render::fixtures::*;
use crate::web::render::render;
use crate::web::snapshot::{Snapshot, Snapshots};

const LIVE: &str = "https://status.acme.example/subscribe";

/// The site with one open incident called `name`.
fn site(name: &str) -> Snapshot {
    let open = incident("inc", name, at(10, 0));
    render(view(config(), book(vec![open], vec![]), at(10, 5)), None)
}

struct Running {
    snapshots: Arc<Snapshots>,
    rendered: Arc<Notify>,
    metrics: Arc<Metrics>,
    cancel: CancellationToken,
}

impl Running {
    fn new() -> Self {
        Self {
            snapshots: Arc::new(Snapshots::new(site("First"))),
            rendered: Arc::new(Notify::new()),
            metrics: Arc::new(Metrics::new()),
            cancel: CancellationToken::new(),
        }
    }

    fn export(&self, dir: &Path) -> anyhow::Result<LiveExport> {
        let (snapshots, rendered) = (self.snapshots.clone(), self.rendered.clone());
        LiveExport::new(
            dir.to_owned(),
            LIVE.into(),
            snapshots,
            rendered,
            self.metrics.clone(),
        )
    }

    /// What the pipeline does after a render.
    fn render(&self, name: &str) {
        self.snapshots.replace(site(name));
        self.rendered.notify_one();
    }

    /// Waits until `n` exports ran.
    async fn exports(&self, n: u64) {
        for _ in 0..500 {
            if self.metrics.exports.get() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{} exports, not {n}", self.metrics.exports.get());
    }
}

#[tokio::test]
async fn renders_during_an_export_fold_into_one_more_export_of_the_latest() {
    let dir = tempfile::tempdir().unwrap();
    let app = Running::new();
    let export = app.export(dir.path()).unwrap();
    // Renders that find the export busy (not yet waiting) leave one wake-up.
    app.render("Second");
    app.render("Third");
    let task = tokio::spawn(export.run(app.cancel.clone()));
    app.exports(2).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.metrics.exports.get(), 2, "coalesced into one more");
    let index = fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(index.contains("Third"), "{index}");

    app.render("Fourth");
    app.exports(3).await;
    let page = fs::read_to_string(dir.path().join("incidents/inc/index.html")).unwrap();
    assert!(page.contains("Fourth"), "{page}");
    assert_eq!(app.metrics.export_failures.get(), 0);
    app.cancel.cancel();
    task.await.unwrap();
}

#[tokio::test]
async fn a_failing_export_is_counted_and_retried_after_the_next_render() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("site");
    fs::write(&blocker, "a file where the directory must go").unwrap();
    let app = Running::new();
    let task = tokio::spawn(
        app.export(&blocker.join("public"))
            .unwrap()
            .run(app.cancel.clone()),
    );
    app.exports(1).await;
    assert_eq!(app.metrics.export_failures.get(), 1);

    fs::remove_file(&blocker).unwrap();
    app.render("Second");
    app.exports(2).await;
    assert_eq!(app.metrics.export_failures.get(), 1);
    let index = fs::read_to_string(blocker.join("public/index.html")).unwrap();
    assert!(index.contains("Second"), "{index}");
    app.cancel.cancel();
    task.await.unwrap();
}

#[test]
fn a_directory_that_is_not_an_export_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("precious.txt"), "keep").unwrap();
    let err = Running::new().export(dir.path()).err().expect("refused");
    assert!(err.to_string().starts_with("export.dir: "), "{err}");
    assert!(dir.path().join("precious.txt").exists());
}
