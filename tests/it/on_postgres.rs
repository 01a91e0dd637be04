//! The real binary on PostgreSQL (`CANDOR_DATABASE_URL`): what it stores
//! outlives the process and its data directory, a database that cannot be
//! reached is a clear error at start, and a database restarted under a
//! running Candor is reported on /healthz, then used again.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{
    Binary, TOKEN, admin_request, client, config_with, run_candor, wait_for_page,
};
use crate::postgres::{cluster, own_cluster, psql};
use crate::target::{Mode, Target};

const COMPONENTS: &str = "[[components]]\nid = \"api\"\nname = \"Public API\"\n\n\
                          [[components]]\nid = \"db\"\nname = \"Database\"\n";

fn checked(url: &str, cadence: &str) -> String {
    format!(
        "{COMPONENTS}\n[[checks]]\nid = \"api-health\"\ncomponent = \"api\"\nname = \"API health\"\n\
         url = \"{url}\"\n{cadence}\ntimeout = \"1s\"\nfailure_threshold = 2\n"
    )
}

/// The binary on `body`, in a fresh data directory, on the database at `url`.
fn serve(dir: &tempfile::TempDir, body: &str, url: &str) -> Binary {
    let path = dir.path().join("c.toml");
    std::fs::write(&path, config_with(dir.path(), body)).unwrap();
    Binary::serve_with_env(
        &path,
        &[("CANDOR_ADMIN_TOKEN", TOKEN), ("CANDOR_DATABASE_URL", url)],
    )
}

fn incident(name: &str) -> serde_json::Value {
    json!({"name": name, "status": "investigating", "impact": "major",
           "body": "Requests fail.", "components": {"db": "major_outage"}})
}

#[tokio::test]
async fn what_candor_stores_on_postgres_outlives_the_process_and_its_data_directory() {
    let url = cluster().fresh_database();
    let target = Target::start(Mode::Answer(503, "down")).await;
    let first_dir = tempfile::tempdir().unwrap();
    let mut app = serve(
        &first_dir,
        &checked(&target.url("/"), "every = \"200ms\""),
        &url,
    );
    assert!(
        app.log().iter().any(|l| l.contains("data in PostgreSQL")),
        "{:?}",
        app.log()
    );
    let client = client();
    wait_for_page(&client, &app.base, "the automatic incident", |p| {
        p.contains("Major outage")
    })
    .await;
    let (status, _) = admin_request(
        &app.base,
        "POST",
        "/incidents",
        incident("Database failover"),
    )
    .await;
    assert_eq!(status, 201);
    app.kill_9();
    let stored = psql(&url, "SELECT count(*) FROM incidents").unwrap();
    assert_eq!(stored, "2", "the automatic incident and the engineer's");

    // Another data directory, a target that is up and a schedule that does
    // not fire: what the page shows comes from the database.
    let second = Target::start(Mode::Answer(200, "ok")).await;
    let other_dir = tempfile::tempdir().unwrap();
    let app = serve(
        &other_dir,
        &checked(&second.url("/"), "schedule = \"0 0 0 1 1 *\""),
        &url,
    );
    let page = wait_for_page(&client, &app.base, "a page", |_| true).await;
    assert!(page.contains("Database failover"), "{page}");
    assert!(
        page.contains("API health: HTTP 503 Service Unavailable"),
        "{page}"
    );
    assert_eq!(second.hits(), 0);
}

#[test]
fn a_database_that_cannot_be_reached_is_a_clear_error_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    let url =
        "postgres://candor:hunter2-secret@127.0.0.1:1/candor?sslmode=disable&connect_timeout=2";
    let body = format!("[server]\ndatabase_url = \"{url}\"\n");
    // `[server]` is already in the config: put the key there.
    let text = config_with(dir.path(), COMPONENTS).replace("[server]\n", &body);
    std::fs::write(&path, text).unwrap();
    let out = run_candor(&["serve", "--config", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot connect to PostgreSQL"), "{err}");
    assert!(
        !err.contains("hunter2"),
        "the password is never printed: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    let bad = dir.path().join("bad.toml");
    let text = config_with(dir.path(), COMPONENTS)
        .replace("[server]\n", "[server]\ndatabase_url = \"mysql://db\"\n");
    std::fs::write(&bad, text).unwrap();
    let out = run_candor(&["check-config", "--config", bad.to_str().unwrap()]);
    assert_ne!(out.status.code(), Some(0));
    let said = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("server.database_url"), "{said}");
}

/// /healthz of `base`; status 0 when the request fails (a node switching
/// roles closes its idle connections, and a pooled one may be reset).
async fn healthz(base: &str) -> (u16, String) {
    match client().get(format!("{base}/healthz")).send().await {
        Ok(res) => (res.status().as_u16(), res.text().await.unwrap_or_default()),
        Err(e) => (0, e.to_string()),
    }
}

async fn wait_for_health(base: &str, code: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = healthz(base).await;
        if status == code {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "/healthz never answered {code}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_database_restarted_under_candor_is_reported_then_used_again() {
    let db = own_cluster();
    let url = db.fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let app = serve(&dir, COMPONENTS, &url);
    wait_for_role(&app.base, "leader", Duration::from_secs(10)).await;
    let (status, _) = admin_request(&app.base, "POST", "/incidents", incident("Before")).await;
    assert_eq!(status, 201);

    // Blocking, briefly: Candor runs in its own process.
    db.stop();
    let (status, _) = admin_request(&app.base, "POST", "/incidents", incident("During")).await;
    assert_eq!(status, 503, "nothing is acknowledged that is not stored");
    let body = wait_for_health(&app.base, 503).await;
    assert!(body.contains("\"storage\":\"failing\""), "{body}");
    // Down for longer than the leader's lease: the node stops leading (no
    // renewal), stands by on its last pages, and says so.
    let standing = wait_for_role(&app.base, "standby", Duration::from_secs(15)).await;
    assert_eq!(standing["storage"], "failing", "{standing}");
    // The public page is served from memory meanwhile.
    for _ in 0..6 {
        let page = page_of(&app.base).await;
        assert!(page.contains("Before"), "{page}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    db.start();
    wait_for_role(&app.base, "leader", Duration::from_secs(15)).await;
    // Healthy once its scheduler turns and a write reaches the database.
    let back = wait_for_health(&app.base, 200).await;
    assert!(back.contains("\"role\":\"leader\""), "{back}");
    let (status, _) = admin_request(&app.base, "POST", "/incidents", incident("After")).await;
    assert_eq!(status, 201);
    let names = psql(
        &url,
        "SELECT string_agg(name, ',' ORDER BY name) FROM \
         (SELECT convert_from(record, 'UTF8')::jsonb->>'name' AS name FROM incidents) AS i",
    )
    .unwrap();
    assert_eq!(names, "After,Before");
}

/// /healthz of a node as JSON (any status).
async fn health_json(base: &str) -> serde_json::Value {
    let (_, body) = healthz(base).await;
    serde_json::from_str(&body).unwrap_or_default()
}

/// Waits until `base` reports `role` (fails after `within`).
async fn wait_for_role(base: &str, role: &str, within: Duration) -> serde_json::Value {
    let deadline = Instant::now() + within;
    loop {
        let h = health_json(base).await;
        if h["role"] == role {
            return h;
        }
        assert!(Instant::now() < deadline, "{base} never became {role}: {h}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The page of `base`; empty when the request fails (see [`healthz`]).
async fn page_of(base: &str) -> String {
    match client().get(format!("{base}/")).send().await {
        Ok(res) => res.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Waits until the page of `base` shows `what` (fails after `within`).
async fn wait_for_text(base: &str, what: &str, within: Duration) -> Duration {
    let start = Instant::now();
    loop {
        if page_of(base).await.contains(what) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < within,
            "{base} never showed {what:?} within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn two_nodes_one_leader_writes_through_the_standby_and_the_standby_takes_over() {
    let url = cluster().fresh_database();
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let body = checked(&target.url("/"), "every = \"200ms\"");
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = serve(&dir_a, &body, &url);
    let led = wait_for_role(&a.base, "leader", Duration::from_secs(10)).await;
    let b = serve(&dir_b, &body, &url);
    let standby = wait_for_role(&b.base, "standby", Duration::from_secs(10)).await;
    assert_eq!(standby["leader"], a.base.as_str(), "{standby}");
    assert_eq!(standby["epoch"], led["epoch"]);
    assert_eq!(standby["scheduler"], "standby");
    // Still one leader a few lease renewals later.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(health_json(&a.base).await["role"], "leader");
    assert_eq!(health_json(&b.base).await["role"], "standby");
    let metrics = client()
        .get(format!("{}/metrics", a.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("candor_leader 1"), "{metrics}");
    let standing = client()
        .get(format!("{}/metrics", b.base))
        .send()
        .await
        .unwrap();
    let standing = standing.text().await.unwrap();
    assert!(standing.contains("candor_leader 0"), "{standing}");

    // A write sent to the standby is the leader's: 201 once committed, then
    // on both nodes' pages within a second.
    let (status, made) =
        admin_request(&b.base, "POST", "/incidents", incident("Replica lag")).await;
    assert_eq!(status, 201, "{made}");
    let on_a = wait_for_text(&a.base, "Replica lag", Duration::from_secs(1)).await;
    let on_b = wait_for_text(&b.base, "Replica lag", Duration::from_secs(1)).await;
    eprintln!(
        "write through the standby seen on the leader after {on_a:?}, on the standby after {on_b:?}"
    );

    // The leader dies: the standby takes the lease within 10 s, with a new
    // epoch, and schedules the checks: a target failing now opens an incident.
    a.kill_9();
    let killed = Instant::now();
    let took = wait_for_role(&b.base, "leader", Duration::from_secs(10)).await;
    eprintln!(
        "failover: the standby leads {:?} after kill -9",
        killed.elapsed()
    );
    assert!(
        took["epoch"].as_i64() > led["epoch"].as_i64(),
        "{took} after {led}"
    );
    let metrics = client()
        .get(format!("{}/metrics", b.base))
        .send()
        .await
        .unwrap();
    let metrics = metrics.text().await.unwrap();
    for line in ["candor_leader 1", "candor_lease_changes 2"] {
        assert!(
            metrics.contains(line),
            "{line} not in the new leader's metrics:\n{metrics}"
        );
    }
    target.set(Mode::Answer(503, "down")).await;
    wait_for_text(&b.base, "API health: HTTP 503", Duration::from_secs(10)).await;
    let page = page_of(&b.base).await;
    assert!(
        page.contains("Replica lag"),
        "no acknowledged write is missing"
    );
}

#[tokio::test]
async fn a_leader_paused_past_its_lease_stands_by_and_never_writes_again() {
    let url = cluster().fresh_database();
    let target = Target::start(Mode::Answer(200, "ok")).await;
    let body = checked(&target.url("/"), "every = \"200ms\"");
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = serve(&dir_a, &body, &url);
    let led = wait_for_role(&a.base, "leader", Duration::from_secs(10)).await;
    let b = serve(&dir_b, &body, &url);
    wait_for_role(&b.base, "standby", Duration::from_secs(10)).await;
    let pid = a.child.id().to_string();
    let signal = |sig: &str| {
        let ok = std::process::Command::new("kill")
            .args([sig, &pid])
            .status()
            .unwrap();
        assert!(ok.success());
    };
    signal("-STOP");
    let took = wait_for_role(&b.base, "leader", Duration::from_secs(12)).await;
    assert!(took["epoch"].as_i64() > led["epoch"].as_i64());
    let (status, _) = admin_request(&b.base, "POST", "/incidents", incident("While paused")).await;
    assert_eq!(status, 201);
    // Resumed, the old leader finds its lease gone: it stands by behind the
    // new leader (its writes, fenced by the old epoch, could not commit).
    signal("-CONT");
    let after = wait_for_role(&a.base, "standby", Duration::from_secs(10)).await;
    assert_eq!(after["leader"], b.base.as_str(), "{after}");
    assert_eq!(health_json(&b.base).await["role"], "leader");
    // And a write sent to it now reaches the new leader.
    let (status, _) =
        admin_request(&a.base, "POST", "/incidents", incident("After resuming")).await;
    assert_eq!(status, 201);
    wait_for_text(&b.base, "After resuming", Duration::from_secs(2)).await;
}

#[test]
fn a_write_checks_the_lease_in_its_own_transaction_so_a_deposed_leader_cannot_commit() {
    use candor::incidents::Incident;
    use candor::store::Commit;
    let url = cluster().fresh_database();
    let config = candor::Config::parse(&format!("[server]\ndatabase_url = \"{url}\"\n")).unwrap();
    let open = || candor::store::open_shared(&config.server).unwrap().unwrap();
    let (a, b) = (open(), open());
    let named = |name: &str| -> Incident {
        let mut i: Incident = serde_json::from_str(crate::stores::INCIDENT).unwrap();
        i.id =
            candor::incidents::IncidentId::parse(&format!("{:0>12}", name.to_lowercase())).unwrap();
        i
    };
    let write = |s: &candor::store::Shared, i: &Incident| {
        s.store.commit(&Commit {
            incidents: vec![i],
            ..Commit::default()
        })
    };
    let ttl = Duration::from_secs(1);
    let first = a
        .lease
        .acquire("a", "http://a", ttl)
        .unwrap()
        .expect("a free lease");
    (a.fence)(Some(("a".into(), first)));
    write(&a, &named("aone")).unwrap();
    assert_eq!(
        b.lease.acquire("b", "http://b", ttl).unwrap(),
        None,
        "held by a"
    );
    assert_eq!(b.lease.holder().unwrap().unwrap().node, "a");
    // a stops renewing (paused); its lease runs out and b takes it.
    std::thread::sleep(Duration::from_millis(1_200));
    let second = b
        .lease
        .acquire("b", "http://b", ttl)
        .unwrap()
        .expect("an expired lease");
    assert!(second > first);
    (b.fence)(Some(("b".into(), second)));
    let refused = write(&a, &named("atwo")).unwrap_err().to_string();
    assert!(
        refused.contains("no longer holds the leader's lease"),
        "{refused}"
    );
    assert!(
        !a.lease.renew("a", first, ttl).unwrap(),
        "a's epoch is over"
    );
    write(&b, &named("bone")).unwrap();
    let ids = psql(
        &url,
        "SELECT string_agg(id, ',' ORDER BY id) FROM incidents",
    )
    .unwrap();
    assert_eq!(
        ids, "00000000aone,00000000bone",
        "a's write after b took over is not there"
    );
    assert_eq!(b.lease.holder().unwrap().unwrap().changes, 2);
}

/// Subscribes `email` through the web form of `base` and its confirmation
/// link (both may be a standby's: the leader answers).
async fn subscribe(base: &str, smtp: &crate::smtp::Smtp, email: &str) -> Result<(), String> {
    let form = client()
        .post(format!("{base}/subscribe"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("email={}", email.replace('@', "%40")))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let confirmation = smtp.wait_for(email, 1).await.remove(0);
    let link = crate::email::link(&confirmation, "/confirm");
    // The link names the leader's public URL; follow it on `base` instead.
    let path = link
        .split_once("/subscriptions/")
        .map(|(_, rest)| format!("/subscriptions/{rest}"))
        .unwrap();
    let confirmed = client().get(format!("{base}{path}")).send().await.unwrap();
    match confirmed.status().as_u16() {
        200 => Ok(()),
        other => Err(format!("{path}: {other}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leader_killed_mid_broadcast_the_new_leader_finishes_it_with_few_duplicates() {
    let url = cluster().fresh_database();
    let smtp = crate::smtp::Smtp::start().await;
    let body = format!(
        "[email]\nfrom = \"Status <status@test.example>\"\nsmtp_url = \"{}\"\n\n{COMPONENTS}",
        smtp.url()
    );
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = serve(&dir_a, &body, &url);
    wait_for_role(&a.base, "leader", Duration::from_secs(10)).await;
    let b = serve(&dir_b, &body, &url);
    wait_for_role(&b.base, "standby", Duration::from_secs(10)).await;
    let readers: Vec<String> = (0..8).map(|i| format!("reader{i}@example.com")).collect();
    for r in &readers {
        if let Err(e) = subscribe(&b.base, &smtp, r).await {
            panic!("{e}\nA: {:#?}\nB: {:#?}", a.log(), b.log());
        }
    }
    // Slow enough that the broadcast is still going when the kill comes.
    smtp.slow_down(Duration::from_millis(150));
    let (status, _) = admin_request(
        &b.base,
        "POST",
        "/incidents",
        incident("Killed mid-broadcast"),
    )
    .await;
    assert_eq!(status, 201);
    let notices = || smtp.with_subject("Major outage");
    smtp.wait_for_subject("Major outage").await;
    a.kill_9();
    let at_kill = notices().len();
    smtp.slow_down(Duration::ZERO);
    wait_for_role(&b.base, "leader", Duration::from_secs(10)).await;
    for r in &readers {
        let got = smtp.wait_for(r, 2).await;
        assert!(
            got.len() >= 2,
            "{r} got no notice (sent {at_kill} before the kill)"
        );
    }
    // Each reader has the notice at least once; a page resent after the
    // failover repeats it at most once.
    tokio::time::sleep(Duration::from_secs(1)).await;
    for r in &readers {
        let to_r = notices()
            .iter()
            .filter(|m| m.header("to").is_some_and(|t| t.contains(r)))
            .count();
        assert!((1..=2).contains(&to_r), "{r} got the notice {to_r} times");
    }
    eprintln!(
        "{} notices for {} readers ({at_kill} before the kill)",
        notices().len(),
        readers.len()
    );
}

#[test]
fn tls_to_the_database_checks_the_servers_certificate() {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let db = own_cluster();
    let url = db.fresh_database();
    // A private CA, and the server's certificate for 127.0.0.1 signed by it.
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (crt, key, ca_file) = (
        dir.path().join("server.crt"),
        dir.path().join("server.key"),
        dir.path().join("ca.pem"),
    );
    std::fs::write(&crt, server.pem()).unwrap();
    std::fs::write(&key, server_key.serialize_pem()).unwrap();
    std::fs::write(&ca_file, ca.pem()).unwrap();
    // The server reads them as its own user (nobody, when the tests run as
    // root), and wants its key private.
    use std::os::unix::fs::PermissionsExt;
    for f in [&crt, &key] {
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o600)).unwrap();
        if crate::debian::is_root() {
            std::os::unix::fs::chown(f, Some(65534), None).unwrap();
        }
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for sql in [
        "ALTER SYSTEM SET ssl = on".to_owned(),
        format!("ALTER SYSTEM SET ssl_cert_file = '{}'", crt.display()),
        format!("ALTER SYSTEM SET ssl_key_file = '{}'", key.display()),
        "SELECT pg_reload_conf()".to_owned(),
    ] {
        psql(&url, &sql).unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    let tls_url = url
        .replace("sslmode=disable", "")
        .trim_end_matches(['?', '&'])
        .to_owned();
    let tls_url = format!(
        "{tls_url}{}sslmode=require",
        if tls_url.contains('?') { "&" } else { "?" }
    );

    let config = dir.path().join("c.toml");
    std::fs::write(&config, config_with(dir.path(), COMPONENTS)).unwrap();
    // Trusting the private CA (rustls reads SSL_CERT_FILE for its roots).
    let ca_path = ca_file.display().to_string();
    let app = Binary::serve_with_env(
        &config,
        &[
            ("CANDOR_DATABASE_URL", tls_url.as_str()),
            ("SSL_CERT_FILE", ca_path.as_str()),
        ],
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(wait_for_role(&app.base, "leader", Duration::from_secs(10)));
    let over_tls = psql(
        &url,
        "SELECT bool_and(ssl) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) \
         WHERE application_name = 'candor'",
    )
    .unwrap();
    assert_eq!(over_tls, "t", "every connection of Candor's is encrypted");
    drop(app);

    // Without the CA, the certificate is not trusted: a clear error at start.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_candor"))
        .args(["serve", "--config"])
        .arg(&config)
        .env("CANDOR_DATABASE_URL", &tls_url)
        .env("SSL_CERT_FILE", dir.path().join("none.pem"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot connect to PostgreSQL"), "{err}");
    assert!(err.to_lowercase().contains("certificate"), "{err}");
}

#[tokio::test]
async fn a_leader_stopped_cleanly_hands_the_lease_over_at_once() {
    let url = cluster().fresh_database();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = serve(&dir_a, COMPONENTS, &url);
    wait_for_role(&a.base, "leader", Duration::from_secs(10)).await;
    let b = serve(&dir_b, COMPONENTS, &url);
    wait_for_role(&b.base, "standby", Duration::from_secs(10)).await;
    let stopped = Instant::now();
    assert!(a.terminate().await.success());
    // Released, not left to expire (6 s): the standby's next try (every
    // second) takes it.
    wait_for_role(&b.base, "leader", Duration::from_secs(3)).await;
    eprintln!("a clean stop handed over in {:?}", stopped.elapsed());
}
