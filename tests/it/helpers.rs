//! Spawning the app (in-process, or as the real binary) and polling its page.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use std::sync::Arc;

use candor::clock::{Clock, SystemClock};
use candor::{Application, Config};
use tempfile::TempDir;
use tokio_util::sync::CancellationToken;

pub struct TestApp {
    pub base: String,
    pub store: candor::store::Store,
    /// The app's write path (as the subscribe pages use it).
    pub desk: candor::pipeline::desk::Desk,
    pub stop: CancellationToken,
    pub client: reqwest::Client,
    pub task: tokio::task::JoinHandle<anyhow::Result<()>>,
    /// The app's data directory (inside the temporary dir).
    pub data_dir: std::path::PathBuf,
    _dir: TempDir,
}

/// Two components, `api` ("Public API") and `db` ("Database"), as several
/// suites configure them.
pub const API_AND_DB: &str = r#"
[[components]]
id = "api"
name = "Public API"

[[components]]
id = "db"
name = "Database"
"#;

/// The config text with a fresh data dir and a free port filled in.
pub fn config_with(dir: &Path, body: &str) -> String {
    config_with_site(dir, "", body)
}

/// [`config_with`], with more `[site]` keys (TOML lines).
pub fn config_with_site(dir: &Path, site: &str, body: &str) -> String {
    format!(
        "[site]\ntitle = \"Test Status\"\n{site}\n[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{}\"\n\n{body}",
        dir.join("data").display()
    )
}

/// Runs the real application in this process.
pub async fn spawn_app(body: &str) -> TestApp {
    spawn_app_full(body, None, Arc::new(SystemClock)).await
}

/// Runs the application with an admin token and a clock the test may move.
pub async fn spawn_app_full(body: &str, token: Option<&str>, clock: Arc<dyn Clock>) -> TestApp {
    spawn_app_in(tempfile::tempdir().unwrap(), body, token, clock).await
}

/// Runs the application in `dir`, whose `data` directory a test may have
/// filled beforehand (history, say).
pub async fn spawn_app_in(
    dir: TempDir,
    body: &str,
    token: Option<&str>,
    clock: Arc<dyn Clock>,
) -> TestApp {
    spawn_app_with(dir, "", body, token, clock, |_| ()).await
}

/// Runs the application in `dir` with more `[site]` keys (TOML lines), and
/// `tweak` applied to the config as loaded: for what a file may not say,
/// such as a refresh shorter than the 5 s a site may ask for.
pub async fn spawn_app_with(
    dir: TempDir,
    site: &str,
    body: &str,
    token: Option<&str>,
    clock: Arc<dyn Clock>,
    tweak: impl FnOnce(&mut Config),
) -> TestApp {
    try_spawn_app_with(dir, site, body, token, clock, tweak)
        .await
        .unwrap()
}

/// [`spawn_app_with`], returning why the application would not start.
pub async fn try_spawn_app_with(
    dir: TempDir,
    site: &str,
    body: &str,
    token: Option<&str>,
    clock: Arc<dyn Clock>,
    tweak: impl FnOnce(&mut Config),
) -> anyhow::Result<TestApp> {
    let text = config_with_site(dir.path(), site, body);
    let mut config = Config::parse_at(&text, clock.now()).unwrap();
    config.admin_token = token.map(str::to_owned);
    tweak(&mut config);
    // A store closed just before (a seeded data dir, a restart) lets go of
    // sled's lock from a background thread: wait for it a little.
    let deadline = Instant::now() + Duration::from_secs(10);
    let app = loop {
        match Application::build_with_clock(config.clone(), clock.clone()).await {
            Err(e)
                if Instant::now() < deadline
                    && format!("{e:#}").contains("could not acquire lock") =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            built => break built?,
        }
    };
    let base = format!("http://127.0.0.1:{}", app.port());
    let (store, stop, desk) = (app.store(), app.stopper(), app.desk());
    let task = tokio::spawn(app.run_until_stopped());
    Ok(TestApp {
        base,
        store,
        desk,
        stop,
        client: client(),
        task,
        data_dir: dir.path().join("data"),
        _dir: dir,
    })
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// A confirmed subscriber to `components` (none: all), made through the
    /// write path as the web flow would (subscribe, then confirm); its token.
    pub async fn confirmed_subscriber(&self, email: &str, components: &[&str]) -> String {
        use candor::pipeline::desk::{Command, Done, SubscriptionCommand};
        let components = (components.iter())
            .map(|c| candor::model::ComponentId::parse(c).unwrap())
            .collect();
        let email = email.to_owned();
        let subscribe = SubscriptionCommand::Subscribe {
            language: None,
            email: email.clone(),
            components,
        };
        self.desk
            .submit(Command::Subscription(subscribe))
            .await
            .unwrap();
        let token = self.subscriber(&email).expect("stored").token;
        let confirm = SubscriptionCommand::Confirm {
            token: token.clone(),
        };
        let done = self.desk.submit(Command::Subscription(confirm)).await;
        assert!(matches!(done, Ok(Done::Subscriber(Some(_)))), "{done:?}");
        token
    }

    /// The stored subscriber with this address.
    pub fn subscriber(&self, email: &str) -> Option<candor::subscribers::Subscriber> {
        self.store.subscriber_by_email(email).unwrap()
    }

    pub async fn page(&self) -> String {
        self.get("/").await.text().await.unwrap()
    }

    /// Polls `/` until `pred` holds, or fails the test with the last page seen.
    pub async fn wait_for_page(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        wait_for_page(&self.client, &self.base, what, pred).await
    }
}

/// An HTTP client for tests (rustls needs its provider installed first).
pub fn client() -> reqwest::Client {
    candor::checks::probe::install_crypto_provider();
    reqwest::Client::new()
}

pub async fn wait_for_page(
    client: &reqwest::Client,
    base: &str,
    what: &str,
    pred: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(res) = client.get(format!("{base}/")).send().await {
            last = res.text().await.unwrap_or_default();
            if pred(&last) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for the page to show {what}; last page:\n{last}");
}

/// The real `candor` binary, serving; killed when dropped.
pub struct Binary {
    pub child: Child,
    pub base: String,
    /// Every line it logged on stdout so far.
    log: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Binary {
    pub fn serve(config: &Path) -> Self {
        Self::serve_with_env(config, &[])
    }

    pub fn serve_with_env(config: &Path, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_candor"))
            .args(["serve", "--config"])
            .arg(config)
            .env("RUST_LOG", candor::telemetry::DEFAULT_FILTER)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let port = loop {
            let line = lines
                .next()
                .expect("candor exited before listening")
                .unwrap();
            log.lock().unwrap().push(line.clone());
            if let Some(rest) = line.split("listening on http://127.0.0.1:").nth(1) {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    /// The lines logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    pub fn kill_9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, as a service manager stops it; its exit status once it has
    /// flushed its store and exited (at most 10 s).
    pub async fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "still running 10 s after SIGTERM"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens sled's data dir with `open`, waiting a little while the lock is
/// still held: a store closed just before lets go of it from sled's
/// background thread.
pub fn sled_unlocked<T, E: std::fmt::Display>(mut open: impl FnMut() -> Result<T, E>) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match open() {
            Err(e)
                if Instant::now() < deadline
                    && e.to_string().contains("could not acquire lock") =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("cannot open the sled store: {e}"),
            Ok(opened) => return opened,
        }
    }
}

/// Runs the binary to completion with these arguments.
pub fn run_candor(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_candor"))
        .args(args)
        .output()
        .unwrap()
}

/// The admin token the tests start the app with.
pub const TOKEN: &str = "test-token-0123456789";

/// One admin API call (`/api/admin/v1{path}`) with [`TOKEN`]: the status and the
/// JSON body (or the text, as a JSON string, when it is not JSON).
pub async fn admin_request(
    base: &str,
    method: &str,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let res = client()
        .request(method, format!("{base}/api/admin/v1{path}"))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}
