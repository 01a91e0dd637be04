//! A target that closes its connection after a redirect without saying so
//! (no `Connection: close`): curl and browsers follow it on a new
//! connection, and so must a probe, or it reports outages that are not.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;

/// Answers one request per connection, then closes it: `/ok` with 200,
/// anything else with a 302 to `to`, as keep-alive answers would look.
async fn closes_after_each_answer(to: &'static str) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = vec![0u8; 4096];
                let n = stream.read(&mut head).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&head[..n]);
                let answer = if request.starts_with("GET /ok ") {
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_owned()
                } else {
                    format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\n\r\n")
                };
                let _ = stream.write_all(answer.as_bytes()).await;
                // A moment later, closed without a word, whatever the
                // client sent meanwhile (as a busy server's would be).
                tokio::time::sleep(Duration::from_millis(30)).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_redirect_from_a_server_that_then_closes_is_followed_every_time() {
    let addr = closes_after_each_answer("/ok").await;
    let spec = http_spec(addr, "/", |_| {});
    let prober = Prober::new(std::slice::from_ref(&spec), Arc::new(SystemClock)).unwrap();
    for run in 0..15 {
        let result = prober.run(&spec).await;
        assert_eq!(
            (result.outcome, words(&result)),
            (Outcome::Up, String::new()),
            "run {run}"
        );
    }
}

#[tokio::test]
async fn a_redirect_loop_from_such_a_server_is_too_many_redirects() {
    let addr = closes_after_each_answer("/loop").await;
    let spec = http_spec(addr, "/loop", |_| {});
    let prober = Prober::new(std::slice::from_ref(&spec), Arc::new(SystemClock)).unwrap();
    for _ in 0..3 {
        let result = prober.run(&spec).await;
        assert_eq!(
            (result.outcome, words(&result)),
            (Outcome::Down, "too many redirects (more than 5)".to_owned())
        );
    }
}
