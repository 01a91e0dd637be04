//! Checks from several locations, with real agent processes (`candor agent`)
//! on loopback "regions": each binds its probes to its own address
//! (127.0.0.2, .3, .4), and the target answers 503 to the addresses a test
//! says are failing.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use candor::clock::SystemClock;
use candor::config::Secret;
use candor::model::{CheckId, LocationId};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::{TestApp, try_spawn_app_with};

/// (id, name, source address, token) of the three agent locations.
const PLACES: [(&str, &str, &str, &str); 3] = [
    (
        "us-east",
        "Virginia",
        "127.0.0.2",
        "token-us-east-0123456789",
    ),
    (
        "ap-south",
        "Singapore",
        "127.0.0.3",
        "token-ap-south-0123456789",
    ),
    (
        "eu-west",
        "Ireland",
        "127.0.0.4",
        "token-eu-west-0123456789",
    ),
];

/// An HTTP target on loopback answering 503 to the source addresses in
/// `failing`, 200 to others, counting requests per source address.
#[derive(Clone, Default)]
struct Regional {
    port: u16,
    failing: Arc<Mutex<HashSet<IpAddr>>>,
    hits: Arc<Mutex<HashMap<(IpAddr, String), usize>>>,
}

impl Regional {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let t = Self {
            port: listener.local_addr().unwrap().port(),
            ..Self::default()
        };
        let served = t.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, peer)) = listener.accept().await {
                let t = served.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 1024];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&buf);
                    let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                    *t.hits.lock().unwrap().entry((peer.ip(), path)).or_default() += 1;
                    let fail = t.failing.lock().unwrap().contains(&peer.ip());
                    let status = if fail {
                        "503 Service Unavailable"
                    } else {
                        "200 OK"
                    };
                    let reply = format!(
                        "HTTP/1.1 {status}\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
                    );
                    let _ = stream.write_all(reply.as_bytes()).await;
                });
            }
        });
        t
    }

    fn fail(&self, sources: &[&str]) {
        let mut failing = self.failing.lock().unwrap();
        failing.clear();
        failing.extend(sources.iter().map(|s| s.parse::<IpAddr>().unwrap()));
    }

    /// Requests from `source` to /health.
    fn hits(&self, source: &str) -> usize {
        self.hits_on(source, "/health")
    }

    fn hits_on(&self, source: &str, path: &str) -> usize {
        let key = (source.parse().unwrap(), path.to_owned());
        self.hits.lock().unwrap().get(&key).copied().unwrap_or(0)
    }
}

/// One component checked every second from the three places (confirm: a
/// majority, 2), failing after 2 results in a row.
fn body(target: &Regional) -> String {
    body_with(target, "")
}

/// [`body`] and more TOML.
fn body_with(target: &Regional, more: &str) -> String {
    let mut body = String::from("[server]\n");
    body.clear();
    for (id, name, _, _) in PLACES {
        body += &format!(
            "[[locations]]\nid = \"{id}\"\nname = \"{name}\"\ntoken_env = \"CANDOR_TEST_AGENT_{}\"\n",
            id.to_uppercase().replace('-', "_")
        );
    }
    body += &format!(
        "[[components]]\nid = \"api\"\nname = \"Public API\"\n\
         [[checks]]\ncomponent = \"api\"\nname = \"API health\"\nurl = \"http://127.0.0.1:{}/health\"\n\
         every = \"1s\"\ntimeout = \"1s\"\nfailure_threshold = 2\nsuccess_threshold = 1\n\
         locations = [\"us-east\", \"ap-south\", \"eu-west\"]\n",
        target.port
    );
    body + more
}

/// The server, in this process, on `port` (0: any) with its data in `data`.
async fn server(target: &Regional, port: u16, data: &std::path::Path) -> TestApp {
    server_with(&body(target), port, data).await
}

async fn server_with(body: &str, port: u16, data: &std::path::Path) -> TestApp {
    match try_server(body, port, data).await {
        Ok(app) => app,
        Err(e) => panic!("the server did not start: {e:#}"),
    }
}

async fn try_server(body: &str, port: u16, data: &std::path::Path) -> anyhow::Result<TestApp> {
    let data = data.to_owned();
    try_spawn_app_with(
        tempfile::tempdir().unwrap(),
        "",
        body,
        Some(crate::helpers::TOKEN),
        Arc::new(SystemClock),
        move |c| {
            c.server.listen = format!("127.0.0.1:{port}");
            c.server.data_dir = data;
            c.agent_tokens = PLACES
                .iter()
                .map(|(id, _, _, token)| (LocationId::parse(id).unwrap(), Secret::new(*token)))
                .collect();
        },
    )
    .await
}

/// A real agent process.
struct Agent {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Agent {
    fn start(server: &str, place: usize) -> Self {
        let (id, _, source, token) = PLACES[place];
        let mut child = Command::new(env!("CARGO_BIN_EXE_candor"))
            .args([
                "agent",
                "--server",
                server,
                "--location",
                id,
                "--source-ip",
                source,
            ])
            .args(["--refresh", "1s", "--send-every", "200ms"])
            .env("CANDOR_AGENT_TOKEN", token)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = log.clone();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        Self { child, log }
    }

    /// SIGTERM: it sends what it holds, then exits.
    async fn stop(&mut self) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                Instant::now() < deadline,
                "the agent still runs 15 s after SIGTERM"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn components(app: &TestApp) -> Value {
    app.get("/api/v2/components.json")
        .await
        .json()
        .await
        .unwrap()
}

async fn incidents(app: &TestApp) -> Vec<Value> {
    let v: Value = app
        .get("/api/v2/incidents.json")
        .await
        .json()
        .await
        .unwrap();
    v["incidents"].as_array().cloned().unwrap_or_default()
}

/// Polls `probe` until it returns Some, for at most `secs` seconds.
async fn until<T, F: std::future::Future<Output = Option<T>>>(
    secs: u64,
    what: &str,
    mut probe: impl FnMut() -> F,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "waited {secs} s for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn statuses(components: &Value) -> HashMap<String, String> {
    (components["components"][0]["locations"]
        .as_array()
        .into_iter()
        .flatten())
    .map(|l| {
        (
            l["id"].as_str().unwrap().to_owned(),
            l["status"].as_str().unwrap().to_owned(),
        )
    })
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_in_three_places_confirm_outages_and_silence_opens_nothing() {
    let target = Regional::start().await;
    let data = tempfile::tempdir().unwrap();
    let app = server(&target, 0, data.path()).await;
    let mut agents: Vec<Agent> = (0..3).map(|i| Agent::start(&app.base, i)).collect();
    until(30, "all three places reporting", || async {
        let s = statuses(&components(&app).await);
        (s.len() == 3 && s.values().all(|v| v == "operational")).then_some(())
    })
    .await;

    // Singapore alone sees 503: shown as seen from there only; nothing opens.
    target.fail(&["127.0.0.3"]);
    let page = until(30, "the problem seen from Singapore only", || async {
        let page = app.get("/components/api").await.text().await.unwrap();
        page.contains("Problem seen from Singapore only")
            .then_some(page)
    })
    .await;
    assert!(page.contains("HTTP 503 Service Unavailable"), "{page}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let c = components(&app).await;
    assert_eq!(c["components"][0]["status"], "operational");
    assert_eq!(statuses(&c)["ap-south"], "major_outage");
    assert!(
        incidents(&app).await.is_empty(),
        "one place opened an incident"
    );

    // Virginia too: two of three confirm; the incident names where.
    target.fail(&["127.0.0.2", "127.0.0.3"]);
    let incident = until(30, "an incident", || async {
        incidents(&app).await.into_iter().next()
    })
    .await;
    let said = incident["incident_updates"].to_string();
    assert!(
        said.contains("from Virginia and Singapore (Ireland fine)"),
        "{said}"
    );
    assert_eq!(
        components(&app).await["components"][0]["status"],
        "major_outage"
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("candor_location_results_total{location=\"ap-south\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("candor_agent_lag_seconds{location=\"us-east\"}"),
        "{metrics}"
    );

    // Everyone recovers; then Ireland's agent dies: no data from Ireland,
    // and nothing opens for silence.
    target.fail(&[]);
    until(30, "recovery", || async {
        let c = components(&app).await;
        (c["components"][0]["status"] == "operational").then_some(())
    })
    .await;
    let before = incidents(&app).await.len();
    agents[2].child.kill().unwrap();
    let page = until(30, "no data from Ireland", || async {
        let page = app.get("/components/api").await.text().await.unwrap();
        page.contains("<strong>Ireland</strong>: No data since")
            .then_some(page)
    })
    .await;
    assert!(
        !page.contains("Not being checked"),
        "two places still report"
    );
    assert_eq!(statuses(&components(&app).await)["eu-west"], "no_data");
    // The metric follows at the pipeline's next look at the clock.
    let metrics = until(10, "Ireland silent in /metrics", || async {
        let m = app.get("/metrics").await.text().await.unwrap();
        m.contains("candor_location_silent{location=\"eu-west\"} 1")
            .then_some(m)
    })
    .await;
    assert!(
        metrics.contains("candor_location_silent{location=\"us-east\"} 0"),
        "{metrics}"
    );
    let mut browser = crate::admin_ui::browser::Browser::new(&app.base);
    let login = crate::admin_ui::browser::Fields::default().set("token", crate::helpers::TOKEN);
    assert_eq!(browser.post("/admin/login", &login).await.status, 303);
    let admin = browser.get("/admin").await.body;
    assert!(
        admin.contains("Ireland</strong> (eu-west): no data since"),
        "{admin}"
    );
    assert_eq!(
        incidents(&app).await.len(),
        before,
        "silence opened an incident"
    );
    assert_eq!(
        components(&app).await["components"][0]["status"],
        "operational"
    );
    // The last two fall silent: not being checked, not "operational".
    for a in &mut agents[..2] {
        a.stop().await;
    }
    let page = until(30, "not being checked", || async {
        let page = app.get("/").await.text().await.unwrap();
        page.contains("Not being checked").then_some(page)
    })
    .await;
    assert!(
        page.contains("No data from Virginia, Singapore and Ireland since"),
        "{page}"
    );
    assert_eq!(
        incidents(&app).await.len(),
        before,
        "silence opened an incident"
    );
    app.stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_buffered_while_the_server_restarts_are_all_stored_once() {
    let target = Regional::start().await;
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = server(&target, port, data.path()).await;
    let mut agent = Agent::start(&app.base, 0);
    until(30, "results from Virginia", || async {
        (target.hits("127.0.0.2") >= 2).then_some(())
    })
    .await;
    let TestApp {
        stop, task, store, ..
    } = app;
    stop.cancel();
    task.await.unwrap().unwrap();
    drop(store);
    // sled lets go of its lock from a background thread.
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The agent keeps probing with the server away, and keeps what it finds.
    let away = target.hits("127.0.0.2");
    until(30, "probes while the server is away", || async {
        (target.hits("127.0.0.2") >= away + 3).then_some(())
    })
    .await;
    // Back with one more check for Virginia: the agent takes it up without
    // a restart of its own.
    let extra = format!(
        "[[checks]]\ncomponent = \"api\"\nname = \"Extra\"\nurl = \"http://127.0.0.1:{}/extra\"\n\
         every = \"1s\"\ntimeout = \"1s\"\nlocations = [\"us-east\"]\n",
        target.port
    );
    let app = server_with(&body_with(&target, &extra), port, data.path()).await;
    until(30, "the agent back in touch", || async {
        let log = agent.log.lock().unwrap().join("\n");
        log.contains("reachable again").then_some(())
    })
    .await;
    until(30, "the new check probed from Virginia", || async {
        (target.hits_on("127.0.0.2", "/extra") >= 2).then_some(())
    })
    .await;
    agent.stop().await;
    let probed = target.hits("127.0.0.2");
    let check = CheckId::parse("api-api-health").unwrap();
    let stored_id = check.at(&LocationId::parse("us-east").unwrap());
    let from = chrono::Utc::now() - chrono::Duration::hours(1);
    let stored = until(10, "every result stored", || async {
        let got = app
            .store
            .results(&stored_id, from, chrono::Utc::now())
            .unwrap();
        (got.len() >= probed).then_some(got)
    })
    .await;
    assert_eq!(stored.len(), probed, "each probe stored once");
    let times: HashSet<_> = stored.iter().map(|r| r.at).collect();
    assert_eq!(times.len(), stored.len(), "no result twice");
    app.stop.cancel();
}

#[tokio::test]
async fn the_agent_door_refuses_wrong_tokens_malformed_batches_and_stores_replays_once() {
    let target = Regional::start().await;
    let data = tempfile::tempdir().unwrap();
    let app = server(&target, 0, data.path()).await;
    let url = format!("{}/api/agent/v1/results", app.base);
    let post = |token: Option<&str>, body: String| {
        let mut req = app
            .client
            .post(&url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    let now = chrono::Utc::now();
    let batch = |seq: u64, secs: &[i64]| {
        json!({
            "instance": 7, "seq": seq,
            "results": secs.iter().map(|s| json!({
                "check": "api-api-health", "at": now - chrono::Duration::seconds(*s),
                "duration_ms": 12, "outcome": "up"
            })).collect::<Vec<_>>()
        })
        .to_string()
    };
    let token = PLACES[0].3;
    // Wrong or missing token: 401, nothing stored.
    for bad in [
        None,
        Some("not-the-token-0123456789"),
        Some(PLACES[1].3.split_at(5).0),
    ] {
        let r = post(bad, batch(1, &[30])).await.unwrap();
        assert_eq!(r.status(), 401, "{bad:?}");
    }
    let checks = app
        .client
        .get(format!("{}/api/agent/v1/checks", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(checks.status(), 401);
    // The checks of this location, with their version as ETag.
    let checks = (app.client.get(format!("{}/api/agent/v1/checks", app.base)))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(checks.status(), 200);
    let etag = checks.headers()["etag"].to_str().unwrap().to_owned();
    let a: Value = checks.json().await.unwrap();
    assert_eq!(a["location"], "us-east");
    assert_eq!(a["checks"][0]["id"], "api-api-health");
    let again = (app.client.get(format!("{}/api/agent/v1/checks", app.base)))
        .bearer_auth(token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Malformed: named, nothing stored.
    let r = post(Some(token), "{\"instance\": 1".into()).await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("not valid JSON"));
    let future = json!({"instance": 7, "seq": 1, "results": [
        {"check": "api-api-health", "at": now - chrono::Duration::seconds(20), "duration_ms": 5, "outcome": "up"},
        {"check": "api-api-health", "at": now + chrono::Duration::hours(2), "duration_ms": 5, "outcome": "up"}
    ]});
    let r = post(Some(token), future.to_string()).await.unwrap();
    assert_eq!(r.status(), 422);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("results[1]") && text.contains("in the future"),
        "{text}"
    );
    let bad_outcome = json!({"instance": 7, "seq": 1, "results": [
        {"check": "api-api-health", "at": now, "duration_ms": 5, "outcome": "sideways"}
    ]});
    assert_eq!(
        post(Some(token), bad_outcome.to_string())
            .await
            .unwrap()
            .status(),
        400
    );
    let stored_id = CheckId::parse("api-api-health")
        .unwrap()
        .at(&LocationId::parse("us-east").unwrap());
    let hour = chrono::Duration::hours(1);
    assert!(
        app.store
            .results(&stored_id, now - hour, now + hour)
            .unwrap()
            .is_empty()
    );

    // A batch, then the same batch again, then its results under a new number.
    let receipt = |r: reqwest::Response| async move { r.json::<Value>().await.unwrap() };
    let first = receipt(post(Some(token), batch(1, &[30, 20, 10])).await.unwrap()).await;
    assert_eq!(first, json!({"stored": 3, "duplicates": 0, "ignored": 0}));
    let replay = receipt(post(Some(token), batch(1, &[30, 20, 10])).await.unwrap()).await;
    assert_eq!(replay, json!({"stored": 0, "duplicates": 3, "ignored": 0}));
    let renumbered = receipt(post(Some(token), batch(2, &[20, 10, 5])).await.unwrap()).await;
    assert_eq!(
        renumbered,
        json!({"stored": 1, "duplicates": 2, "ignored": 0})
    );
    let got = app
        .store
        .results(&stored_id, now - hour, now + hour)
        .unwrap();
    assert_eq!(got.len(), 4);
    // Another location's token reports as that location.
    let other = receipt(post(Some(PLACES[1].3), batch(1, &[30])).await.unwrap()).await;
    assert_eq!(other["stored"], 1);
    // Guessing is rate-limited like the admin login: once the address's
    // budget is spent, even the right token waits.
    for _ in 0..10 {
        post(Some("guess-guess-guess-guess"), batch(9, &[1]))
            .await
            .unwrap();
    }
    let r = post(Some(token), batch(9, &[1])).await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    app.stop.cancel();
}

#[tokio::test]
async fn a_missing_agent_token_stops_the_start_naming_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = crate::helpers::config_with(
        dir.path(),
        "[[locations]]\nid = \"us-east\"\nname = \"Virginia\"\ntoken_env = \"CANDOR_TEST_TOKEN_NOBODY_SETS\"\n",
    );
    let config = candor::Config::parse(&text).unwrap();
    let err = candor::Application::build(config)
        .await
        .err()
        .expect("refused");
    let said = format!("{err:#}");
    assert!(
        said.contains("locations[0].token_env: CANDOR_TEST_TOKEN_NOBODY_SETS is not set"),
        "{said}"
    );
}
