//! Reasons in English: "HTTP 503 Service Unavailable", "timed out after 10 s".

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::model::reason::millis;
use crate::model::{CertProblem, Reason};

/// Reasons longer than this are cut: they end up in a status page and in logs.
const MAX_REASON_CHARS: usize = 120;
/// Longest quoted text inside a reason (as the JSON excerpts are).
const MAX_VALUE_CHARS: usize = 40;

/// A reason in words, at most [`MAX_REASON_CHARS`] characters. `Other` text
/// is shown as it is: a library's words, already cut to that length by the
/// probe, or words an older build stored (a whole component's findings, maybe
/// longer).
pub fn reason(r: &Reason) -> String {
    if let Reason::Other { text } = r {
        return text.clone();
    }
    let words = fixed(r).map_or_else(|| with_parameters(r), str::to_owned);
    shorten(&words, MAX_REASON_CHARS)
}

/// Reasons that take no parameters.
fn fixed(r: &Reason) -> Option<&'static str> {
    use Reason as R;
    Some(match r {
        R::ConnectionRefused => "connection refused",
        R::ConnectionReset { reading_body: true } => "connection reset while reading the body",
        R::ConnectionReset {
            reading_body: false,
        } => "connection reset",
        R::ConnectionAborted => "connection aborted",
        R::ConnectionClosed { reading_body: true } => {
            "connection closed before the body was complete"
        }
        R::ConnectionClosed {
            reading_body: false,
        } => "connection closed before a response",
        R::ConnectionTimedOut => "connection timed out",
        R::HostUnreachable => "host unreachable",
        R::NetworkUnreachable => "network unreachable",
        R::CertExpired => "TLS certificate has expired",
        R::CertNotValidYet => "TLS certificate is not valid yet",
        R::CertUnknownIssuer => {
            "TLS certificate not issued by a trusted authority (self-signed, or a private CA)"
        }
        R::CertRevoked => "TLS certificate has been revoked",
        R::CertBadSignature => {
            "TLS certificate not trusted: its signature is not from the authority it names"
        }
        R::CertCaAsServer => "TLS certificate is a CA certificate, not a server certificate",
        R::CertWrongPurpose => "TLS certificate is not meant for servers (its key usage)",
        R::CertRejected { problem } => cert_problem(*problem),
        _ => return None,
    })
}

fn with_parameters(r: &Reason) -> String {
    use Reason as R;
    match r {
        R::HttpStatus { code } => http_status(*code),
        R::CertExpiry { days_left, expired } => cert_expiry(*days_left, *expired),
        R::Slow { ms, over_ms } => format!(
            "slow: answered in {} (over {})",
            duration_ms(*ms),
            duration_ms(*over_ms)
        ),
        R::TimedOut { after_ms } => format!("timed out after {}", duration_ms(*after_ms)),
        R::ConnectTimedOut { after_ms } => {
            format!("timed out connecting after {}", duration_ms(*after_ms))
        }
        R::UnresolvedHost { host } => format!("could not resolve host {host}"),
        R::TooManyRedirects { max } => format!("too many redirects (more than {max})"),
        R::TlsAlert { alert } => format!("TLS handshake failed (server alert: {alert})"),
        R::TlsHandshake { detail } => format!("TLS handshake failed: {detail}"),
        R::CertWrongName { host, names } => cert_wrong_name(host, names),
        // Older builds' library names, read as today's kinds.
        R::CertNotTrusted { .. } => reason(&r.upgraded()),
        R::ClientSetup { detail } => format!("client setup: {detail}"),
        R::BodyReadFailed { detail } => format!("reading the body failed: {detail}"),
        content => body(content),
    }
}

/// What the body held (or did not).
fn body(r: &Reason) -> String {
    use Reason as R;
    match r {
        R::BodyMissing { text, within } => match within {
            Some(cap) => format!(
                "body did not contain {} (in its first {})",
                quoted(text),
                size(*cap)
            ),
            None => format!("body did not contain {}", quoted(text)),
        },
        R::JsonTooLarge {
            over,
            pointer,
            expected,
        } => format!(
            "body is over {}, too large to read as JSON (expected {pointer} = {expected})",
            size(*over)
        ),
        R::NotJson { pointer, expected } => {
            format!("body is not JSON (expected {pointer} = {expected})")
        }
        R::JsonMissing { pointer } => format!("JSON has no {pointer}"),
        R::JsonMismatch {
            pointer,
            found,
            expected,
        } => format!("JSON {pointer} was {found}, expected {expected}"),
        // Not reached: `reason` words the others.
        other => fixed(other).unwrap_or_default().to_owned(),
    }
}

fn cert_problem(problem: CertProblem) -> &'static str {
    use CertProblem as P;
    match problem {
        P::Malformed => "TLS certificate is malformed",
        P::UnsupportedAlgorithm => "TLS certificate is signed with an unsupported algorithm",
        P::UnknownCriticalExtension => "TLS certificate has a critical extension not understood",
        P::RevocationUnknown => "TLS certificate's revocation status is unknown",
        P::ServerCertAsCa => "TLS certificate chain has a server certificate as an authority",
        P::NameNotPermitted => "TLS certificate names a host its authority may not certify",
        P::Other => "TLS certificate not accepted",
    }
}

/// Names the certificate shown are at most this many, then "and N more".
const MAX_CERT_NAMES: usize = 3;

/// "TLS certificate is for other.example, not api.example".
fn cert_wrong_name(host: &str, names: &[String]) -> String {
    if names.is_empty() {
        return format!("TLS certificate is not for {host}");
    }
    let shown: Vec<String> = names
        .iter()
        .take(MAX_CERT_NAMES)
        .map(|n| shorten(n, MAX_VALUE_CHARS))
        .collect();
    let more = match names.len().saturating_sub(MAX_CERT_NAMES) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!(
        "TLS certificate is for {}{more}, not {host}",
        shown.join(", ")
    )
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

fn cert_expiry(days: i64, expired: bool) -> String {
    match (days, expired) {
        (..0, _) => format!(
            "certificate expired {} ago",
            days_words(days.unsigned_abs())
        ),
        (0, true) => "certificate expired less than a day ago".to_owned(),
        (0, false) => "certificate expires today".to_owned(),
        _ => format!("certificate expires in {}", days_words(days.unsigned_abs())),
    }
}

fn days_words(days: u64) -> String {
    if days == 1 {
        "1 day".to_owned()
    } else {
        format!("{days} days")
    }
}

/// A duration in plain words: "800 ms", "1.2 s", "42 s", "2 min 5 s", "1 h 5 min".
/// Precision drops as durations grow, since nobody needs milliseconds of a minute.
pub fn human_duration(d: Duration) -> String {
    duration_ms(millis(d))
}

fn duration_ms(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 9_950 {
        let tenths = (ms + 50) / 100;
        return match tenths % 10 {
            0 => format!("{} s", tenths / 10),
            t => format!("{}.{t} s", tenths / 10),
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
