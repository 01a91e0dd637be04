//! One HTTP attempt at a delivery, and what it means: 2xx delivered;
//! connection errors, timeouts, 429 and 5xx worth retrying; anything else
//! (other 4xx, and 3xx, since redirects are not followed) a permanent refusal.

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

use super::{DELIVERY_HEADER, Delivery, SIGNATURE_HEADER, signature};
use crate::config::Secret;

/// A whole attempt (connect, send, answer) takes at most this long, so a
/// hanging receiver holds only its own queue, and only this long per try.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The most of a refusal's body kept for the log and `outbox_failed`.
const BODY_CAP: usize = 512;

const USER_AGENT: &str = concat!("Candor/", env!("CARGO_PKG_VERSION"), " (webhooks)");

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered(StatusCode),
    Retry(String),
    Failed(String),
}

/// The HTTP client for every receiver; cheap to clone.
#[derive(Clone)]
pub struct Sender {
    client: Client,
}

impl Sender {
    /// A client that follows no redirect (a receiver that moved must be
    /// reconfigured, not followed with a signed body) and gives up after
    /// [`TIMEOUT`]. Proxies from the environment apply, as for any client.
    pub fn new() -> Result<Self, reqwest::Error> {
        crate::checks::probe::install_crypto_provider();
        let client = Client::builder()
            .user_agent(USER_AGENT)
            .redirect(Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .build()?;
        Ok(Self { client })
    }

    /// POSTs the delivery's body, signed with `secret` when there is one.
    #[tracing::instrument(skip_all, fields(delivery = %d.id))]
    pub async fn post(&self, d: &Delivery, secret: Option<&Secret>) -> Outcome {
        let mut request = self
            .client
            .post(&d.url)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(DELIVERY_HEADER, &d.id)
            .body(d.body.clone());
        if let Some(secret) = secret {
            match signature(secret, d.body.as_bytes()) {
                Ok(sig) => request = request.header(SIGNATURE_HEADER, sig),
                Err(e) => return Outcome::Failed(e),
            }
        }
        match request.send().await {
            Ok(response) => judge(response).await,
            Err(e) if e.is_timeout() => {
                Outcome::Retry(format!("no answer within {} s", TIMEOUT.as_secs()))
            }
            Err(e) => Outcome::Retry(chain(&e.without_url())),
        }
    }
}

async fn judge(response: Response) -> Outcome {
    let status = response.status();
    if status.is_success() {
        // The body is not read: nothing in it changes the outcome.
        return Outcome::Delivered(status);
    }
    let said = excerpt(response).await;
    let what = if said.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}: {said}")
    };
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        Outcome::Retry(what)
    } else if status.is_redirection() {
        Outcome::Failed(format!(
            "{what} (redirects are not followed: configure the url it points to)"
        ))
    } else {
        Outcome::Failed(what)
    }
}

/// The start of the body, at most [`BODY_CAP`] bytes however much is sent.
async fn excerpt(mut response: Response) -> String {
    let mut kept = Vec::new();
    while kept.len() < BODY_CAP {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    kept.truncate(BODY_CAP);
    String::from_utf8_lossy(&kept)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// An error and its causes in one line ("error sending request: ...:
/// Connection refused"); the url, which may hold a password, is left out.
fn chain(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
