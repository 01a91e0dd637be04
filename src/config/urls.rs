//! URLs in the config that hold secrets: the SMTP URL is checked in lettre's
//! form at load, and any URL is shown with its password hidden.

use lettre::{AsyncSmtpTransport, Tokio1Executor};

/// Checks an SMTP URL in lettre's form without connecting; the message never
/// repeats a password.
pub fn check_url(url: &str) -> Result<(), String> {
    crate::checks::probe::install_crypto_provider();
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|e| format!("\"{}\" is not an SMTP URL ({e}); write it like smtp://user:pass@host:587 or smtps://host", redact(url)))
}

/// The URL with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}
