//! SMTP over sockets with TCP_NODELAY, on lettre's own protocol code.
//!
//! lettre 0.11.23 leaves Nagle's algorithm on: it writes a message body and
//! then the closing `\r\n.\r\n` as two writes, so the second waits for the
//! server's delayed ACK, about 40 ms a message on every connection (fixed
//! upstream in lettre PR #1159, not yet released). We open the TCP connection
//! ourselves with TCP_NODELAY and hand it to `AsyncSmtpConnection`, which still
//! speaks SMTP, STARTTLS and AUTH. Implicit TLS (`smtps://`) keeps lettre's
//! own pooled transport until a lettre release carries the fix.

use std::sync::Mutex;
use std::time::Duration;

use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use reqwest::Url;
use tokio::net::TcpStream;

use super::transport::{POOL_SIZE, SendError};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A pool of SMTP connections to one server, each with TCP_NODELAY.
pub struct NoDelaySmtp {
    host: String,
    port: u16,
    /// STARTTLS parameters, and whether the server must offer it.
    starttls: Option<(TlsParameters, bool)>,
    credentials: Option<Credentials>,
    hello: ClientId,
    idle: Mutex<Vec<AsyncSmtpConnection>>,
}

impl NoDelaySmtp {
    /// For `smtp://` URLs (plain, or STARTTLS with `?tls=required|opportunistic`),
    /// with lettre's defaults (port 25, or 587 with STARTTLS). None for other
    /// schemes, which lettre's own transport handles.
    pub fn from_url(url: &str) -> Result<Option<Self>, String> {
        let u = Url::parse(url).map_err(|e| e.to_string())?;
        if u.scheme() != "smtp" {
            return Ok(None);
        }
        let host = u
            .host_str()
            .ok_or("no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = u
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let starttls = match tls.as_deref() {
            None => None,
            Some(mode @ ("required" | "opportunistic")) => {
                let params = TlsParameters::new(host.clone()).map_err(|e| e.to_string())?;
                Some((params, mode == "required"))
            }
            Some(other) => {
                return Err(format!(
                    "unknown tls={other}: use required or opportunistic"
                ));
            }
        };
        let port = u
            .port()
            .unwrap_or(if starttls.is_some() { 587 } else { 25 });
        let decode = |s: &str| percent_decode(s);
        let credentials = u
            .password()
            .map(|p| Credentials::new(decode(u.username()), decode(p)));
        let hello = match u.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        Ok(Some(Self {
            host,
            port,
            starttls,
            credentials,
            hello,
            idle: Mutex::new(Vec::new()),
        }))
    }

    /// Sends one message, reusing an idle connection when there is one. A
    /// reused connection that turns out dead (the server closed it while idle,
    /// or restarted) is replaced once before the failure counts: any failure
    /// without an SMTP reply code, including the end of the stream where a
    /// reply was due ("incomplete response", a response error to lettre).
    /// Retrying at once can duplicate a message no more than the outbox's
    /// own later retry would.
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        let envelope = message.envelope().clone();
        let bytes = message.formatted();
        let reused = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let was_reused = reused.is_some();
        let mut conn = match reused {
            Some(c) => c,
            None => self.connect().await?,
        };
        let mut result = conn.send(&envelope, &bytes).await;
        if was_reused && result.as_ref().is_err_and(|e| e.status().is_none()) {
            conn = self.connect().await?;
            result = conn.send(&envelope, &bytes).await;
        }
        match result {
            Ok(_) => {
                self.release(conn);
                Ok(())
            }
            Err(e) => Err(classify(&e)),
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let tcp =
            tokio::time::timeout(TIMEOUT, TcpStream::connect((self.host.as_str(), self.port)))
                .await
                .map_err(|_| {
                    SendError::Transient(format!(
                        "timed out connecting to {}:{}",
                        self.host, self.port
                    ))
                })?
                .map_err(|e| {
                    SendError::Transient(format!(
                        "cannot connect to {}:{}: {e}",
                        self.host, self.port
                    ))
                })?;
        tcp.set_nodelay(true)
            .map_err(|e| SendError::Transient(e.to_string()))?;
        let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
            .await
            .map_err(|e| classify(&e))?;
        if let Some((params, required)) = &self.starttls {
            if conn.can_starttls() {
                conn.starttls(params.clone(), &self.hello)
                    .await
                    .map_err(|e| classify(&e))?;
            } else if *required {
                return Err(SendError::Transient(
                    "the server does not offer STARTTLS (tls=required)".into(),
                ));
            }
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials)
                .await
                .map_err(|e| classify(&e))?;
        }
        Ok(conn)
    }

    fn release(&self, conn: AsyncSmtpConnection) {
        if conn.has_broken() {
            return;
        }
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < POOL_SIZE as usize
        {
            idle.push(conn);
        }
    }
}

pub(super) fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() {
        SendError::Permanent(e.to_string())
    } else {
        SendError::Transient(e.to_string())
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_lettres_rules() {
        let plain = NoDelaySmtp::from_url("smtp://mail.example:2525")
            .unwrap()
            .unwrap();
        assert_eq!(
            (plain.host.as_str(), plain.port, plain.starttls.is_some()),
            ("mail.example", 2525, false)
        );
        let submission = NoDelaySmtp::from_url("smtp://u%40x:p%2Fw@mail.example?tls=required")
            .unwrap()
            .unwrap();
        assert_eq!(submission.port, 587);
        assert!(
            submission
                .starttls
                .as_ref()
                .is_some_and(|(_, required)| *required)
        );
        assert!(submission.credentials.is_some());
        assert_eq!(
            NoDelaySmtp::from_url("smtp://mail.example")
                .unwrap()
                .unwrap()
                .port,
            25
        );
        assert!(
            NoDelaySmtp::from_url("smtps://mail.example")
                .unwrap()
                .is_none(),
            "implicit TLS stays with lettre"
        );
        assert!(NoDelaySmtp::from_url("smtp://mail.example?tls=maybe").is_err());
        assert_eq!(percent_decode("u%40x%2Fy"), "u@x/y");
    }
}
