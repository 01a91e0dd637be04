//! Headless Chromium from Debian, driven through WebDriver (chromedriver and
//! fantoccini): installed on first use when missing, so `cargo test` needs
//! nothing set up by hand. Shared by the browser test and
//! `benches/page_scale.rs`.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Installs Debian's `chromium` and `chromium-driver` unless both binaries
/// are there: with apt-get as root, or through `sudo -n` otherwise.
pub fn ensure_installed() -> Result<(), String> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    crate::debian::apt_install(&["chromium", "chromium-driver"], "the browser tests")?;
    if Path::new(CHROMEDRIVER).exists() {
        Ok(())
    } else {
        Err(format!(
            "chromium-driver is installed but {CHROMEDRIVER} is not there"
        ))
    }
}

/// A chromedriver on a free loopback port with one headless Chromium
/// session; both end when it is dropped (or [`Browser::close`]d).
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and Chromium with a fresh profile, its window
    /// `width` × `height` CSS pixels.
    pub async fn start(width: u32, height: u32) -> Result<Self, String> {
        // apt-get may take minutes: off the runtime's workers (the app under
        // test runs on them).
        tokio::task::spawn_blocking(ensure_installed)
            .await
            .map_err(|e| format!("installing chromium panicked: {e}"))??;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port for chromedriver: {e}"))?
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {CHROMEDRIVER}: {e}"))?;
        let profile = tempfile::tempdir().map_err(|e| format!("no temporary profile: {e}"))?;
        let browser = Self {
            client: connect(port, &profile, width, height).await?,
            driver,
            _profile: profile,
        };
        browser.client.set_window_size(width, height).await.ok();
        Ok(browser)
    }

    /// Runs a DevTools command (chromedriver's `goog/cdp/execute`); the
    /// benchmark throttles the CPU with it.
    #[allow(dead_code)]
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, String> {
        let command = Cdp {
            body: json!({ "cmd": cmd, "params": params }).to_string(),
        };
        (self.client.issue_cmd(command).await).map_err(|e| format!("{cmd}: {e}"))
    }

    /// Ends the session (and Chromium), then chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Chromium goes with chromedriver when a test fails before `close`.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A session with the flags a closed network and a CI machine need: no
/// sandbox (containers, root), no GPU, and none of Chromium's own traffic.
async fn connect(
    port: u16,
    profile: &tempfile::TempDir,
    width: u32,
    height: u32,
) -> Result<Client, String> {
    let args = [
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        format!("--window-size={width},{height}"),
        format!("--user-data-dir={}", profile.path().display()),
    ];
    let mut caps = Capabilities::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        json!({ "binary": CHROMIUM, "args": args }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return Ok(client),
            // chromedriver takes a moment to listen.
            Err(_) if started.elapsed() < Duration::from_secs(20) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(format!("no WebDriver session with {CHROMIUM}: {e}")),
        }
    }
}

/// chromedriver's extension command for DevTools protocol calls.
#[derive(Debug)]
struct Cdp {
    body: String,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.clone()))
    }
}
