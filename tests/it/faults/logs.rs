//! What the log says under hostile input and failing receivers.

use std::time::{Duration, Instant};

use super::{incident, serve};
use crate::helpers::{Binary, admin_request};

/// Waits until a logged line contains `needle`; all lines so far.
async fn wait_for_line(app: &Binary, needle: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let log = app.log();
        if log.iter().any(|l| l.contains(needle)) {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "no {needle:?} in:\n{}",
            log.join("\n")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The status line answering a GET of `path` written by hand (HTTP clients
/// refuse to send a URI this long).
async fn raw_get(base: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overlong_url_from_anyone_is_no_error_in_the_log() {
    let (app, _dir) = serve("");
    let long = "a".repeat(70_000);
    for path in [
        format!("/{long}"),
        format!("/api/admin/v1/incidents/{long}"),
    ] {
        assert_eq!(raw_get(&app.base, &path).await, "HTTP/1.1 400 Bad Request");
    }
    // The answer is out; give the log a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let errors: Vec<String> = (app.log().into_iter())
        .filter(|l| l.contains(" ERROR "))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_urls_are_logged_without_their_secrets() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("http://hook:pa55word@127.0.0.1:{port}/in?token=s3cret");
    let (app, _dir) = serve(&format!("[[webhooks]]\nurl = \"{url}\"\n"));
    let (status, _) = admin_request(&app.base, "POST", "/incidents", incident("Leaky")).await;
    assert_eq!(status, 201);
    let log = wait_for_line(&app, "webhook not delivered").await;
    let leaks: Vec<&String> = (log.iter())
        .filter(|l| l.contains("s3cret") || l.contains("pa55word"))
        .collect();
    assert!(leaks.is_empty(), "{leaks:?}");
    let named = log.iter().find(|l| l.contains("webhook not delivered"));
    let want = format!("http://***@127.0.0.1:{port}/in?***");
    assert!(named.is_some_and(|l| l.contains(&want)), "{named:?}");
}
