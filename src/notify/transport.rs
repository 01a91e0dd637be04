//! Delivery through lettre: pooled async SMTP when `smtp_url` is set, else the
//! file transport writing `.eml` files (the default for `cargo run`).

use lettre::{AsyncSmtpTransport, Tokio1Executor};

pub use crate::config::urls::redact;

use std::path::{Path, PathBuf};

use lettre::AsyncTransport;
use lettre::transport::smtp::PoolConfig;

/// Connections kept to the SMTP server; also the most messages in flight.
pub const POOL_SIZE: u32 = 16;

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying: connection refused, timeouts, 4xx replies.
    #[error("{0}")]
    Transient(String),
    /// Not worth retrying: a 5xx reply for this recipient or message.
    #[error("{0}")]
    Permanent(String),
}

/// Where messages go.
#[derive(Clone)]
pub enum Mailer {
    /// `smtp://` (plain or STARTTLS): our pool of TCP_NODELAY connections.
    Direct(std::sync::Arc<super::nodelay::NoDelaySmtp>),
    /// `smtps://`: lettre's pooled transport.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a directory (no SMTP server configured).
    Files(lettre::AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl Mailer {
    /// SMTP when `smtp_url` is set, otherwise files under `data_dir/outbox-files/`.
    pub fn new(smtp_url: Option<&str>, data_dir: &Path) -> Result<Self, String> {
        crate::checks::probe::install_crypto_provider();
        match smtp_url {
            Some(url) => {
                if let Some(direct) = super::nodelay::NoDelaySmtp::from_url(url)? {
                    tracing::info!(server = %redact(url), "subscriber email goes through SMTP");
                    return Ok(Mailer::Direct(std::sync::Arc::new(direct)));
                }
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("bad smtp_url {}: {e}", redact(url)))?
                    .pool_config(PoolConfig::new().max_size(POOL_SIZE))
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .build();
                tracing::info!(server = %redact(url), "subscriber email goes through SMTP");
                Ok(Mailer::Smtp(transport))
            }
            None => {
                let dir = data_dir.join("outbox-files");
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                tracing::info!(dir = %dir.display(), "no smtp_url set: subscriber email is written as .eml files");
                Ok(Mailer::Files(lettre::AsyncFileTransport::new(&dir), dir))
            }
        }
    }

    pub async fn send(&self, message: lettre::Message) -> Result<(), SendError> {
        match self {
            Mailer::Direct(d) => d.send(message).await,
            Mailer::Smtp(t) => t.send(message).await.map(|_| ()).map_err(classify),
            Mailer::Files(t, _) => t.send(message).await.map(|_| ()).map_err(|e| {
                SendError::Transient(format!("could not write the message file: {e}"))
            }),
        }
    }
}

fn classify(e: lettre::transport::smtp::Error) -> SendError {
    super::nodelay::classify(&e)
}
