//! Reasons in words: "HTTP 503 Service Unavailable", "timed out after 10 s".

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::lang::Lang;
use crate::model::reason::millis;
use crate::model::{CertProblem, Reason};
use crate::say;

/// Reasons longer than this are cut: they end up in a status page and in logs.
const MAX_REASON_CHARS: usize = 120;
/// Longest quoted text inside a reason (as the JSON excerpts are).
const MAX_VALUE_CHARS: usize = 40;

/// A reason in words, at most [`MAX_REASON_CHARS`] characters. `Other` text
/// is shown as it is: a library's words, already cut to that length by the
/// probe, or words an older build stored (a whole component's findings, maybe
/// longer).
pub fn reason(lang: Lang, r: &Reason) -> String {
    if let Reason::Other { text } = r {
        return text.clone();
    }
    let words = fixed(r).map_or_else(|| with_parameters(lang, r), |id| lang.say(id));
    shorten(&words, MAX_REASON_CHARS)
}

/// Reasons that take no parameters: their message.
fn fixed(r: &Reason) -> Option<&'static str> {
    use Reason as R;
    Some(match r {
        R::ConnectionRefused => "reason-connection-refused",
        R::ConnectionReset { reading_body: true } => "reason-connection-reset-body",
        R::ConnectionReset {
            reading_body: false,
        } => "reason-connection-reset",
        R::ConnectionAborted => "reason-connection-aborted",
        R::ConnectionClosed { reading_body: true } => "reason-connection-closed-body",
        R::ConnectionClosed {
            reading_body: false,
        } => "reason-connection-closed",
        R::ConnectionTimedOut => "reason-connection-timed-out",
        R::HostUnreachable => "reason-host-unreachable",
        R::NetworkUnreachable => "reason-network-unreachable",
        R::CertExpired => "reason-cert-expired",
        R::CertNotValidYet => "reason-cert-not-valid-yet",
        R::CertUnknownIssuer => "reason-cert-unknown-issuer",
        R::CertRevoked => "reason-cert-revoked",
        R::CertBadSignature => "reason-cert-bad-signature",
        R::CertCaAsServer => "reason-cert-ca-as-server",
        R::CertWrongPurpose => "reason-cert-wrong-purpose",
        R::CertRejected { problem } => cert_problem(*problem),
        _ => return None,
    })
}

fn with_parameters(lang: Lang, r: &Reason) -> String {
    use Reason as R;
    let ms = |ms: &u64| duration_ms(lang, *ms);
    match r {
        R::HttpStatus { code } => http_status(*code),
        R::CertExpiry { days_left, expired } => cert_expiry(lang, *days_left, *expired),
        R::Slow { ms: took, over_ms } => {
            say!(lang, "reason-slow", took = ms(took), limit = ms(over_ms))
        }
        R::TimedOut { after_ms } => say!(lang, "reason-timed-out", after = ms(after_ms)),
        R::ConnectTimedOut { after_ms } => {
            say!(lang, "reason-connect-timed-out", after = ms(after_ms))
        }
        R::UnresolvedHost { host } => say!(lang, "reason-unresolved-host", host = host.as_str()),
        R::TooManyRedirects { max } => say!(lang, "reason-too-many-redirects", max = *max),
        R::TlsAlert { alert } => say!(lang, "reason-tls-alert", alert = alert.as_str()),
        R::TlsHandshake { detail } => say!(lang, "reason-tls-handshake", detail = detail.as_str()),
        R::CertWrongName { host, names } => cert_wrong_name(lang, host, names),
        // Older builds' library names, read as today's kinds.
        R::CertNotTrusted { .. } => reason(lang, &r.upgraded()),
        R::ClientSetup { detail } => say!(lang, "reason-client-setup", detail = detail.as_str()),
        R::BodyReadFailed { detail } => {
            say!(lang, "reason-body-read-failed", detail = detail.as_str())
        }
        content => body(lang, content),
    }
}

/// What the body held (or did not).
fn body(lang: Lang, r: &Reason) -> String {
    use Reason as R;
    match r {
        R::BodyMissing { text, within } => match within {
            Some(cap) => say!(
                lang,
                "reason-body-missing-within",
                text = quoted(text),
                size = size(*cap)
            ),
            None => say!(lang, "reason-body-missing", text = quoted(text)),
        },
        R::JsonTooLarge {
            over,
            pointer,
            expected,
        } => say!(
            lang,
            "reason-json-too-large",
            size = size(*over),
            pointer = pointer.as_str(),
            expected = expected.as_str()
        ),
        R::NotJson { pointer, expected } => say!(
            lang,
            "reason-not-json",
            pointer = pointer.as_str(),
            expected = expected.as_str()
        ),
        R::JsonMissing { pointer } => say!(lang, "reason-json-missing", pointer = pointer.as_str()),
        R::JsonMismatch {
            pointer,
            found,
            expected,
        } => say!(
            lang,
            "reason-json-mismatch",
            pointer = pointer.as_str(),
            found = found.as_str(),
            expected = expected.as_str()
        ),
        // Not reached: `reason` words the others.
        other => fixed(other).map(|id| lang.say(id)).unwrap_or_default(),
    }
}

fn cert_problem(problem: CertProblem) -> &'static str {
    use CertProblem as P;
    match problem {
        P::Malformed => "reason-cert-malformed",
        P::UnsupportedAlgorithm => "reason-cert-unsupported-algorithm",
        P::UnknownCriticalExtension => "reason-cert-unknown-critical-extension",
        P::RevocationUnknown => "reason-cert-revocation-unknown",
        P::ServerCertAsCa => "reason-cert-server-as-ca",
        P::NameNotPermitted => "reason-cert-name-not-permitted",
        P::Other => "reason-cert-other",
    }
}

/// Names the certificate shown are at most this many, then "and N more".
const MAX_CERT_NAMES: usize = 3;

/// "TLS certificate is for other.example, not api.example".
fn cert_wrong_name(lang: Lang, host: &str, names: &[String]) -> String {
    if names.is_empty() {
        return say!(lang, "reason-cert-not-for", host = host);
    }
    let shown: Vec<String> = names
        .iter()
        .take(MAX_CERT_NAMES)
        .map(|n| shorten(n, MAX_VALUE_CHARS))
        .collect();
    let shown = shown.join(", ");
    let names = match names.len().saturating_sub(MAX_CERT_NAMES) {
        0 => shown,
        n => say!(lang, "reason-cert-names-more", names = shown, n = n),
    };
    say!(lang, "reason-cert-for-other", names = names, host = host)
}

/// "HTTP 503 Service Unavailable": the standard phrase, else just the number.
/// The server's own phrase was never kept: it is free text from the target
/// (HTTP/2 has none at all).
fn http_status(code: u16) -> String {
    let phrase = StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason());
    match phrase {
        Some(p) => format!("HTTP {code} {p}"),
        None => format!("HTTP {code}"),
    }
}

fn cert_expiry(lang: Lang, days: i64, expired: bool) -> String {
    match (days, expired) {
        (..0, _) => say!(lang, "reason-cert-expired-ago", days = days.unsigned_abs()),
        (0, true) => lang.say("reason-cert-expired-today"),
        (0, false) => lang.say("reason-cert-expires-today"),
        _ => say!(lang, "reason-cert-expires-in", days = days.unsigned_abs()),
    }
}

/// A duration in plain words: "800 ms", "1.2 s", "42 s", "2 min 5 s", "1 h 5 min".
/// Precision drops as durations grow, since nobody needs milliseconds of a minute.
pub fn human_duration(lang: Lang, d: Duration) -> String {
    duration_ms(lang, millis(d))
}

fn duration_ms(lang: Lang, ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 9_950 {
        let tenths = (ms + 50) / 100;
        return match tenths % 10 {
            0 => format!("{} s", tenths / 10),
            t => format!("{}{}{t} s", tenths / 10, lang.say("decimal-mark")),
        };
    }
    let secs = (ms + 500) / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

/// "1 MiB", "512 KiB".
fn size(bytes: u64) -> String {
    if bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

/// A string in double quotes, shortened like JSON values.
fn quoted(s: &str) -> String {
    shorten(&Value::from(s).to_string(), MAX_VALUE_CHARS)
}

/// `s` cut to `max_chars` characters, marked with "…" when cut.
fn shorten(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        None => s.to_owned(),
        Some((cut, _)) => format!("{}…", &s[..cut]),
    }
}
