//! Probes against real servers on loopback: a tiny scriptable HTTP/1.1 responder
//! (plain or over TLS) that can answer, answer late, hang, trickle or flood.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::header::HeaderMap;
use reqwest::{Method, Url};
use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;
use crate::checks::{Cadence, JsonCondition};
use crate::clock::SystemClock;
use crate::model::{CheckId, ComponentId};

const MIB: usize = 1024 * 1024;

/// What the test server does with one request.
#[derive(Clone)]
enum Reply {
    /// Answer after `delay`.
    Answer {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
        delay: Duration,
    },
    /// Accept and read the request, then never answer.
    Hang,
    /// Send headers promising 1000 bytes, then one byte every 100 ms.
    Trickle,
    /// Read the request, then close without a word.
    Close,
    /// Promise 100 bytes, send 10, close.
    ShortBody,
    /// A body of `len` bytes: `head`, then filler, then `tail`.
    Flood {
        len: usize,
        head: &'static [u8],
        tail: &'static [u8],
    },
}

fn answer(status: u16, body: &str) -> Reply {
    Reply::Answer {
        status,
        headers: Vec::new(),
        body: body.as_bytes().to_vec(),
        delay: Duration::ZERO,
    }
}

fn redirect(to: &str) -> Reply {
    Reply::Answer {
        status: 302,
        headers: vec![("Location", to.to_owned())],
        body: Vec::new(),
        delay: Duration::ZERO,
    }
}

type Script = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

/// Serves `script` (request path → reply) over plain HTTP on 127.0.0.1.
async fn serve(script: impl Fn(&str) -> Reply + Send + Sync + 'static) -> SocketAddr {
    serve_with(Arc::new(script), None).await
}

async fn serve_with(script: Script, tls: Option<tokio_rustls::TlsAcceptor>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (script, tls) = (script.clone(), tls.clone());
            tokio::spawn(async move {
                match tls {
                    None => handle(stream, script).await,
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(stream).await {
                            handle(stream, script).await;
                        }
                    }
                }
            });
        }
    });
    addr
}

/// Answers requests on one connection until the client goes away.
async fn handle<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, script: Script) {
    let Some(path) = read_request(&mut stream).await else {
        return;
    };
    let _ = match script(&path) {
        Reply::Answer {
            status,
            headers,
            body,
            delay,
        } => {
            tokio::time::sleep(delay).await;
            let mut head = format!(
                "HTTP/1.1 {status} Whatever\r\nContent-Length: {}\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("Connection: close\r\n\r\n");
            let mut bytes = head.into_bytes();
            bytes.extend_from_slice(&body);
            stream.write_all(&bytes).await
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
        Reply::Trickle => trickle(&mut stream).await,
        Reply::Close => Ok(()),
        Reply::ShortBody => {
            let cut = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
            stream.write_all(cut).await
        }
        Reply::Flood { len, head, tail } => flood(&mut stream, len, head, tail).await,
    };
    let _ = stream.shutdown().await;
}

/// Reads the request head, returning its path.
async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    head.split_whitespace().nth(1).map(str::to_owned)
}

async fn trickle<S: AsyncWrite + Unpin>(stream: &mut S) -> std::io::Result<()> {
    stream
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        .await?;
    for _ in 0..1000 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        stream.write_all(b"x").await?;
        stream.flush().await?;
    }
    Ok(())
}

async fn flood<S: AsyncWrite + Unpin>(
    stream: &mut S,
    len: usize,
    head: &[u8],
    tail: &[u8],
) -> std::io::Result<()> {
    let start = format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n");
    stream.write_all(start.as_bytes()).await?;
    stream.write_all(head).await?;
    let filler = vec![b'x'; 64 * 1024];
    let mut left = len - head.len() - tail.len();
    while left > 0 {
        let n = left.min(filler.len());
        stream.write_all(&filler[..n]).await?;
        left -= n;
    }
    stream.write_all(tail).await
}

fn http_target(url: &str) -> HttpTarget {
    HttpTarget {
        url: Url::parse(url).unwrap(),
        method: Method::GET,
        headers: HeaderMap::new(),
        body: None,
        expect_status: None,
        body_contains: None,
        json: None,
        cert_expiry_warning: Duration::from_secs(14 * 24 * 3600),
        max_redirects: 5,
        insecure: false,
    }
}

fn spec(target: Target) -> CheckSpec {
    CheckSpec {
        id: CheckId::parse("api-health").unwrap(),
        component: ComponentId::parse("api").unwrap(),
        name: "health".to_owned(),
        target,
        cadence: Cadence::Every(Duration::from_secs(30)),
        timeout: Duration::from_secs(5),
        degraded_over: None,
        failure_threshold: 1,
        success_threshold: 1,
        locations: vec![crate::model::LocationId::local()],
        confirm: 1,
    }
}

fn http_spec(addr: SocketAddr, path: &str, edit: impl FnOnce(&mut HttpTarget)) -> CheckSpec {
    let mut target = http_target(&format!("http://{addr}{path}"));
    edit(&mut target);
    spec(Target::Http(target))
}

/// Runs `spec` with a prober built for it, as the scheduler would.
async fn run(spec: &CheckSpec) -> CheckResult {
    let prober = Prober::new(std::slice::from_ref(spec), Arc::new(SystemClock)).unwrap();
    prober.run(spec).await
}

/// The outcome and the reason in words (empty for none).
async fn outcome_of(spec: &CheckSpec) -> (Outcome, String) {
    let result = run(spec).await;
    (result.outcome, words(&result))
}

fn words(result: &CheckResult) -> String {
    result
        .reason
        .as_ref()
        .map(|r| crate::read::words::reason(crate::lang::Lang::english(), r))
        .unwrap_or_default()
}

#[tokio::test]
async fn ok_is_up_with_no_reason() {
    let addr = serve(|_| answer(200, "fine")).await;
    let check = http_spec(addr, "/health", |_| {});
    let before = Utc::now();
    let result = run(&check).await;
    assert_eq!((result.outcome, words(&result).as_str()), (Outcome::Up, ""));
    assert_eq!(result.check, check.id);
    assert!(result.at >= before && result.at <= Utc::now());
    assert!(result.duration < Duration::from_secs(5));
}

/// Set in the child process of `proxy_settings_in_the_environment_are_ignored`.
const PROXY_CHILD: &str = "CANDOR_TEST_PROXY_CHILD";

#[test]
fn proxy_settings_in_the_environment_are_ignored() {
    // Environment variables are process-wide: set them only in a child running
    // the probe below, never in this test process.
    let dead_proxy = "http://127.0.0.1:9";
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "checks::probe::tests::probe_under_proxy_settings",
        ])
        .args(["--nocapture", "--test-threads=1"])
        .env(PROXY_CHILD, "1")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .envs(
            [
                "HTTP_PROXY",
                "http_proxy",
                "HTTPS_PROXY",
                "https_proxy",
                "ALL_PROXY",
                "all_proxy",
            ]
            .map(|k| (k, dead_proxy)),
        )
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("1 passed"), "the child ran no test: {text}");
}

/// Does nothing unless run as the child of the test above.
#[tokio::test]
async fn probe_under_proxy_settings() {
    if std::env::var_os(PROXY_CHILD).is_none() {
        return;
    }
    let addr = serve(|_| answer(200, "fine")).await;
    // By name, as real targets are.
    let check = http_spec(addr, "/", |t| {
        t.url.set_host(Some("localhost")).unwrap();
    });
    assert_eq!(outcome_of(&check).await, (Outcome::Up, String::new()));
}

#[tokio::test]
async fn server_error_is_down_with_canonical_phrase() {
    let addr = serve(|_| answer(503, "")).await;
    let got = outcome_of(&http_spec(addr, "/", |_| {})).await;
    assert_eq!(
        got,
        (Outcome::Down, "HTTP 503 Service Unavailable".to_owned())
    );
}

#[tokio::test]
async fn unexpected_status_is_down() {
    let addr = serve(|_| answer(200, "")).await;
    let check = http_spec(addr, "/", |t| t.expect_status = Some(vec![201]));
    assert_eq!(
        outcome_of(&check).await,
        (Outcome::Down, "HTTP 200 OK".to_owned())
    );
}

#[tokio::test]
async fn missing_body_text_is_down() {
    let addr = serve(|_| answer(200, "all failing")).await;
    let check = http_spec(addr, "/", |t| t.body_contains = Some("ok".to_owned()));
    let want = (Outcome::Down, "body did not contain \"ok\"".to_owned());
    assert_eq!(outcome_of(&check).await, want);
}

#[tokio::test]
async fn json_condition_passes_and_fails() {
    let addr = serve(|path| match path {
        "/good" => answer(200, r#"{"status":"ok","n":1}"#),
        _ => answer(200, r#"{"status":"degraded"}"#),
    })
    .await;
    let cond = JsonCondition {
        pointer: "/status".to_owned(),
        equals: json!("ok"),
    };
    let good = http_spec(addr, "/good", |t| t.json = Some(cond.clone()));
    assert_eq!(outcome_of(&good).await, (Outcome::Up, String::new()));
    let bad = http_spec(addr, "/bad", |t| t.json = Some(cond.clone()));
    let want = "JSON /status was \"degraded\", expected \"ok\"";
    assert_eq!(outcome_of(&bad).await, (Outcome::Down, want.to_owned()));
}

#[tokio::test]
async fn slow_answer_is_degraded() {
    let addr = serve(|_| Reply::Answer {
        status: 200,
        headers: Vec::new(),
        body: Vec::new(),
        delay: Duration::from_millis(300),
    })
    .await;
    let mut check = http_spec(addr, "/", |_| {});
    check.degraded_over = Some(Duration::from_millis(100));
    let (outcome, reason) = outcome_of(&check).await;
    assert_eq!(outcome, Outcome::Degraded, "{reason}");
    assert!(reason.starts_with("slow: answered in "), "{reason}");
    assert!(reason.contains("(over 100 ms)"), "{reason}");
}

#[tokio::test]
async fn silent_server_times_out_on_time() {
    let addr = serve(|_| Reply::Hang).await;
    let mut check = http_spec(addr, "/", |_| {});
    check.timeout = Duration::from_millis(500);
    let started = Instant::now();
    let result = run(&check).await;
    let took = started.elapsed();
    assert_eq!(result.outcome, Outcome::Down);
    assert_eq!(words(&result), "timed out after 500 ms");
    // Generous: CI is a slow 2-core machine.
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(result.duration >= Duration::from_millis(500));
}

#[tokio::test]
async fn trickled_body_times_out() {
    let addr = serve(|_| Reply::Trickle).await;
    let mut check = http_spec(addr, "/", |_| {});
    check.timeout = Duration::from_millis(500);
    let started = Instant::now();
    let got = outcome_of(&check).await;
    assert_eq!(got, (Outcome::Down, "timed out after 500 ms".to_owned()));
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn huge_body_is_read_only_up_to_the_cap() {
    let addr = serve(|_| Reply::Flood {
        len: 5 * MIB,
        head: b"HEAD-MARK",
        tail: b"TAIL-MARK",
    })
    .await;
    let head = http_spec(addr, "/", |t| {
        t.body_contains = Some("HEAD-MARK".to_owned())
    });
    assert_eq!(outcome_of(&head).await, (Outcome::Up, String::new()));
    // The tail is past the cap: never read, so never found.
    let tail = http_spec(addr, "/", |t| {
        t.body_contains = Some("TAIL-MARK".to_owned())
    });
    let want = "body did not contain \"TAIL-MARK\" (in its first 1 MiB)";
    assert_eq!(outcome_of(&tail).await, (Outcome::Down, want.to_owned()));
}

#[tokio::test]
async fn closed_port_is_refused() {
    let addr = closed_port().await;
    let got = outcome_of(&http_spec(addr, "/", |_| {})).await;
    assert_eq!(got, (Outcome::Down, "connection refused".to_owned()));
}

#[tokio::test]
async fn dropped_connections_are_named() {
    let addr = serve(|path| match path {
        "/close" => Reply::Close,
        _ => Reply::ShortBody,
    })
    .await;
    let closed = http_spec(addr, "/close", |_| {});
    let want = "connection closed before a response";
    assert_eq!(outcome_of(&closed).await, (Outcome::Down, want.to_owned()));
    let short = http_spec(addr, "/short", |_| {});
    let want = "connection closed before the body was complete";
    assert_eq!(outcome_of(&short).await, (Outcome::Down, want.to_owned()));
}

/// A `.invalid` name never resolves; where no resolver answers (a sandboxed CI
/// machine) the lookup times out instead.
fn assert_unresolved(got: (Outcome, String)) {
    let (outcome, reason) = got;
    assert_eq!(outcome, Outcome::Down, "{reason}");
    assert!(
        reason == "could not resolve host candor-test.invalid" || reason == "timed out after 10 s",
        "{reason}"
    );
}

#[tokio::test]
async fn unknown_host_is_named() {
    let mut check = spec(Target::Http(http_target("http://candor-test.invalid/")));
    check.timeout = Duration::from_secs(10);
    assert_unresolved(outcome_of(&check).await);
}

#[tokio::test]
async fn redirect_loop_is_too_many_redirects() {
    let addr = serve(|path| match path {
        "/a" => redirect("/b"),
        _ => redirect("/a"),
    })
    .await;
    let check = http_spec(addr, "/a", |t| t.max_redirects = 2);
    let want = "too many redirects (more than 2)";
    assert_eq!(outcome_of(&check).await, (Outcome::Down, want.to_owned()));
}

#[tokio::test]
async fn redirect_is_followed_to_the_answer() {
    let addr = serve(|path| match path {
        "/old" => redirect("/new"),
        "/new" => answer(200, "ok here"),
        _ => answer(404, ""),
    })
    .await;
    let check = http_spec(addr, "/old", |t| {
        t.body_contains = Some("ok here".to_owned())
    });
    assert_eq!(outcome_of(&check).await, (Outcome::Up, String::new()));
}

#[tokio::test]
async fn zero_redirects_judges_the_redirect_itself() {
    let addr = serve(|path| match path {
        "/old" => redirect("/new"),
        _ => answer(200, ""),
    })
    .await;
    let check = http_spec(addr, "/old", |t| {
        t.max_redirects = 0;
        t.expect_status = Some(vec![200]);
    });
    assert_eq!(
        outcome_of(&check).await,
        (Outcome::Down, "HTTP 302 Found".to_owned())
    );
}

#[tokio::test]
async fn tcp_up_and_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let up = spec(Target::Tcp {
        host: "127.0.0.1".to_owned(),
        port,
    });
    assert_eq!(outcome_of(&up).await, (Outcome::Up, String::new()));
    let refused = spec(Target::Tcp {
        host: "127.0.0.1".to_owned(),
        port: closed_port().await.port(),
    });
    let want = (Outcome::Down, "connection refused".to_owned());
    assert_eq!(outcome_of(&refused).await, want);
    let mut unknown = spec(Target::Tcp {
        host: "candor-test.invalid".to_owned(),
        port: 80,
    });
    unknown.timeout = Duration::from_secs(10);
    assert_unresolved(outcome_of(&unknown).await);
}

#[tokio::test]
async fn clients_are_shared_per_redirect_and_tls_setting() {
    let target = |redirects, insecure| {
        let mut t = http_target("http://127.0.0.1:1/");
        t.max_redirects = redirects;
        t.insecure = insecure;
        spec(Target::Http(t))
    };
    let specs = [
        target(5, false),
        target(5, false),
        target(5, true),
        target(0, false),
        spec(Target::Tcp {
            host: "127.0.0.1".to_owned(),
            port: 1,
        }),
    ];
    let prober = Prober::new(&specs, Arc::new(SystemClock)).unwrap();
    assert_eq!(prober.clients.lock().unwrap().len(), 3);
    // A check unknown at startup still runs, and adds its client once.
    prober.run(&target(7, true)).await;
    prober.run(&target(7, true)).await;
    assert_eq!(prober.clients.lock().unwrap().len(), 4);
}

async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// A TLS server whose self-signed certificate (for localhost and 127.0.0.1)
/// expires `valid_for` from now.
async fn serve_tls(valid_for: Duration) -> SocketAddr {
    serve_tls_until(Utc::now().timestamp() + i64::try_from(valid_for.as_secs()).unwrap()).await
}

/// Same, with the certificate's notAfter at `not_after` (Unix seconds).
async fn serve_tls_until(not_after: i64) -> SocketAddr {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let mut params = rcgen::CertificateParams::new(names).unwrap();
    let epoch = rcgen::date_time_ymd(1970, 1, 1);
    let not_before = Utc::now().timestamp() - 30 * 24 * 3600;
    params.not_before = epoch + Duration::from_secs(not_before.unsigned_abs());
    params.not_after = epoch + Duration::from_secs(not_after.unsigned_abs());
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let key_der = rustls::pki_types::PrivatePkcs8KeyDer::from(key.serialize_der());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key_der.into())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    serve_with(Arc::new(|_: &str| answer(200, "ok")), Some(acceptor)).await
}

#[tokio::test]
async fn expiring_certificate_is_degraded_when_insecure() {
    let addr = serve_tls(Duration::from_secs(3 * 24 * 3600 + 3600)).await;
    let mut target = http_target(&format!("https://localhost:{}/", addr.port()));
    target.insecure = true;
    let (outcome, reason) = outcome_of(&spec(Target::Http(target))).await;
    assert_eq!(outcome, Outcome::Degraded, "{reason}");
    assert!(
        [
            "certificate expires in 3 days",
            "certificate expires in 2 days"
        ]
        .contains(&reason.as_str()),
        "{reason}"
    );
}

#[tokio::test]
async fn self_signed_certificate_is_down_when_verified() {
    let addr = serve_tls(Duration::from_secs(30 * 24 * 3600)).await;
    let target = http_target(&format!("https://127.0.0.1:{}/", addr.port()));
    let (outcome, reason) = outcome_of(&spec(Target::Http(target))).await;
    assert_eq!(outcome, Outcome::Down, "{reason}");
    let want = "TLS certificate not issued by a trusted authority (self-signed, or a private CA)";
    assert_eq!(reason, want);
}

#[tokio::test]
async fn expired_certificate_is_named() {
    let addr = serve_tls_until(Utc::now().timestamp() - 36 * 3600).await;
    let url = format!("https://localhost:{}/", addr.port());
    let verified = spec(Target::Http(http_target(&url)));
    let want = "TLS certificate has expired";
    assert_eq!(
        outcome_of(&verified).await,
        (Outcome::Down, want.to_owned())
    );
    // Accepted anyway when insecure, but still reported.
    let mut target = http_target(&url);
    target.insecure = true;
    // 36 hours is one whole day, not two.
    let want = "certificate expired 1 day ago";
    assert_eq!(
        outcome_of(&spec(Target::Http(target))).await,
        (Outcome::Degraded, want.to_owned())
    );
}

#[tokio::test]
async fn https_to_a_plain_server_is_a_handshake_failure() {
    // Like a real web server given TLS bytes: a plain-text 400, then close.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        }
    });
    let target = http_target(&format!("https://127.0.0.1:{port}/"));
    let (outcome, reason) = outcome_of(&spec(Target::Http(target))).await;
    assert_eq!(outcome, Outcome::Down);
    assert!(reason.starts_with("TLS handshake failed: "), "{reason}");
    assert!(reason.chars().count() <= 121, "{reason}");
}

#[test]
fn cert_secs_left_counts_to_not_after() {
    let names = vec!["localhost".to_owned()];
    let mut params = rcgen::CertificateParams::new(names).unwrap();
    params.not_after = rcgen::date_time_ymd(2030, 1, 10);
    let key = rcgen::KeyPair::generate().unwrap();
    let der = params.self_signed(&key).unwrap().der().to_vec();
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let secs = |s: &str| cert_secs_left(&der, at(s));
    assert_eq!(secs("2030-01-07T00:00:00Z"), Some(3 * 86_400));
    assert_eq!(secs("2030-01-09T23:00:00Z"), Some(3600));
    assert_eq!(secs("2030-01-10T01:00:00Z"), Some(-3600));
    assert_eq!(
        cert_secs_left(b"not a certificate", at("2030-01-01T00:00:00Z")),
        None
    );
}

#[path = "probe_redirect_tests.rs"]
mod redirect_close;
