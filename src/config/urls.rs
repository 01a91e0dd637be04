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

/// The URL as logs may show it: no user name or password, and no query or
/// fragment, where receivers put tokens (`?token=...`); each part left out
/// is marked `***`, so a reader still sees that it was there.
pub fn for_logs(url: &str) -> String {
    let Ok(mut u) = reqwest::Url::parse(url) else {
        return for_logs_unparsed(url);
    };
    if !u.username().is_empty() || u.password().is_some() {
        let _ = u.set_password(None);
        let _ = u.set_username("***");
    }
    if u.query().is_some() {
        u.set_query(Some("***"));
    }
    if u.fragment().is_some() {
        u.set_fragment(Some("***"));
    }
    u.to_string()
}

/// The same by hand for text that is not a URL (shown in config errors).
fn for_logs_unparsed(text: &str) -> String {
    let (head, cut) = match text.find(['?', '#']) {
        Some(i) => (&text[..i], true),
        None => (text, false),
    };
    let start = head.find("://").map_or(0, |i| i + 3);
    let head = match head[start..].find('@') {
        Some(at) => format!("{}***{}", &head[..start], &head[start + at..]),
        None => head.to_owned(),
    };
    if cut { format!("{head}?***") } else { head }
}

#[cfg(test)]
mod tests {
    use super::for_logs;

    #[test]
    fn urls_in_logs_keep_no_secrets() {
        let cases = [
            (
                "https://hooks.example/candor",
                "https://hooks.example/candor",
            ),
            (
                "https://hooks.example/in?token=s3cret&x=1",
                "https://hooks.example/in?***",
            ),
            (
                "https://user:pw@hooks.example/in#frag",
                "https://***@hooks.example/in#***",
            ),
            ("not a url?token=s3cret", "not a url?***"),
            ("ftp//user:pw@host/x?t=1", "***@host/x?***"),
        ];
        for (url, want) in cases {
            assert_eq!(for_logs(url), want, "{url}");
        }
    }
}
