//! Judging what a probe saw. Pure functions, no I/O, so every rule (status, body,
//! JSON, certificate, latency) is unit-tested without a network.

use std::time::Duration;

use serde_json::Value;

use super::{HttpTarget, JsonCondition, MAX_BODY_BYTES};
use crate::model::reason::millis;
use crate::model::{Outcome, Reason};

/// Longest excerpt of a JSON value kept in a reason, so one huge value cannot
/// flood storage, the status page or the logs.
const MAX_VALUE_CHARS: usize = 40;

const SECS_PER_DAY: i64 = 24 * 60 * 60;

/// What an HTTP probe saw, borrowed from the probe so judging copies nothing.
#[derive(Debug, Clone, Copy)]
pub struct HttpSeen<'a> {
    pub status: u16,
    /// At most `MAX_BODY_BYTES` of the body.
    pub body: &'a [u8],
    /// The body was longer than `body` (reading stopped at the cap).
    pub body_truncated: bool,
    pub elapsed: Duration,
    /// Seconds until the peer certificate's notAfter, negative once it has
    /// passed (https only).
    pub cert_secs_left: Option<i64>,
}

/// Decides the outcome of one HTTP probe and says why, as data (None when up).
/// Hard failures (status, body, JSON) come before soft ones (certificate,
/// latency) so the worst problem is the one reported.
pub fn judge_http(
    target: &HttpTarget,
    degraded_over: Option<Duration>,
    resp: &HttpSeen<'_>,
) -> (Outcome, Option<Reason>) {
    let down = status_problem(target, resp)
        .or_else(|| body_problem(target, resp))
        .or_else(|| target.json.as_ref().and_then(|c| json_problem(c, resp)));
    if let Some(reason) = down {
        return (Outcome::Down, Some(reason));
    }
    let degraded = cert_problem(target, resp).or_else(|| slow_problem(degraded_over, resp));
    match degraded {
        Some(reason) => (Outcome::Degraded, Some(reason)),
        None => (Outcome::Up, None),
    }
}

/// The status, when it is not one the check accepts.
fn status_problem(target: &HttpTarget, resp: &HttpSeen<'_>) -> Option<Reason> {
    let accepted = match &target.expect_status {
        Some(list) => list.contains(&resp.status),
        None => (200..400).contains(&resp.status),
    };
    (!accepted).then_some(Reason::HttpStatus { code: resp.status })
}

fn body_problem(target: &HttpTarget, resp: &HttpSeen<'_>) -> Option<Reason> {
    let needle = target.body_contains.as_deref()?;
    if contains(resp.body, needle.as_bytes()) {
        return None;
    }
    Some(Reason::BodyMissing {
        text: needle.to_owned(),
        within: resp.body_truncated.then_some(MAX_BODY_BYTES as u64),
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

fn json_problem(cond: &JsonCondition, resp: &HttpSeen<'_>) -> Option<Reason> {
    let pointer = cond.pointer.clone();
    let expected = render_value(&cond.equals);
    if resp.body_truncated {
        let over = MAX_BODY_BYTES as u64;
        return Some(Reason::JsonTooLarge {
            over,
            pointer,
            expected,
        });
    }
    let Ok(doc) = serde_json::from_slice::<Value>(resp.body) else {
        return Some(Reason::NotJson { pointer, expected });
    };
    match doc.pointer(&cond.pointer) {
        None => Some(Reason::JsonMissing { pointer }),
        Some(found) if *found == cond.equals => None,
        Some(found) => Some(Reason::JsonMismatch {
            pointer,
            found: render_value(found),
            expected,
        }),
    }
}

/// A certificate close to expiry degrades the check. With verification on, an
/// expired certificate already failed the handshake; with `insecure` it gets here
/// and is reported, but still only degrades (the operator accepted any certificate).
fn cert_problem(target: &HttpTarget, resp: &HttpSeen<'_>) -> Option<Reason> {
    let left = resp.cert_secs_left?;
    if i128::from(left) >= i128::from(target.cert_expiry_warning.as_secs()) {
        return None;
    }
    // Toward zero both ways: 3 days 1 hour left is "in 3 days", and 10 days
    // 1 hour past is "10 days ago" (rounding down said 11).
    Some(Reason::CertExpiry {
        days_left: left / SECS_PER_DAY,
        expired: left < 0,
    })
}

fn slow_problem(degraded_over: Option<Duration>, resp: &HttpSeen<'_>) -> Option<Reason> {
    let limit = degraded_over?;
    (resp.elapsed > limit).then(|| Reason::Slow {
        ms: millis(resp.elapsed),
        over_ms: millis(limit),
    })
}

/// Compact JSON, shortened with "…" past `MAX_VALUE_CHARS`: an excerpt of what
/// was seen or expected, kept in a reason.
fn render_value(v: &Value) -> String {
    shorten(&v.to_string(), MAX_VALUE_CHARS)
}

/// `s` cut to `max_chars` characters, marked with "…" when cut.
pub(super) fn shorten(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        None => s.to_owned(),
        Some((cut, _)) => format!("{}…", &s[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderMap;
    use reqwest::{Method, Url};

    use super::*;
    use crate::read::words;

    const DAY: u64 = 24 * 60 * 60;

    fn target() -> HttpTarget {
        HttpTarget {
            url: Url::parse("https://example.com/health").unwrap(),
            method: Method::GET,
            headers: HeaderMap::new(),
            body: None,
            expect_status: None,
            body_contains: None,
            json: None,
            cert_expiry_warning: Duration::from_secs(14 * DAY),
            max_redirects: 5,
            insecure: false,
        }
    }

    /// `n` days in seconds (negative: ago).
    fn days(n: i64) -> i64 {
        n * SECS_PER_DAY
    }

    fn seen() -> HttpSeen<'static> {
        HttpSeen {
            status: 200,
            body: b"",
            body_truncated: false,
            elapsed: Duration::from_millis(50),
            cert_secs_left: None,
        }
    }

    fn want_status_ok(t: &mut HttpTarget) {
        t.json = Some(JsonCondition {
            pointer: "/status".to_owned(),
            equals: Value::from("ok"),
        });
    }

    struct Case {
        name: &'static str,
        target: fn(&mut HttpTarget),
        seen: fn(&mut HttpSeen<'static>),
        degraded_over: Option<Duration>,
        want: (Outcome, &'static str),
    }

    const SLOW: Option<Duration> = Some(Duration::from_millis(800));

    #[rustfmt::skip]
    fn cases() -> Vec<Case> {
        use Outcome::{Degraded, Down, Up};
        let none: fn(&mut HttpTarget) = |_| {};
        let plain: fn(&mut HttpSeen<'static>) = |_| {};
        vec![
            Case { name: "200 is up", target: none, seen: plain, degraded_over: None, want: (Up, "") },
            Case { name: "3xx is accepted by default", target: none, seen: |s| s.status = 301, degraded_over: None, want: (Up, "") },
            Case { name: "503", target: none, seen: |s| s.status = 503, degraded_over: None, want: (Down, "HTTP 503 Service Unavailable") },
            Case { name: "404", target: none, seen: |s| s.status = 404, degraded_over: None, want: (Down, "HTTP 404 Not Found") },
            Case { name: "1xx is not accepted", target: none, seen: |s| s.status = 101, degraded_over: None, want: (Down, "HTTP 101 Switching Protocols") },
            Case { name: "unknown code", target: none, seen: |s| s.status = 599, degraded_over: None, want: (Down, "HTTP 599") },
            Case { name: "expect_status rejects 200", target: |t| t.expect_status = Some(vec![201]), seen: plain, degraded_over: None, want: (Down, "HTTP 200 OK") },
            Case { name: "expect_status accepts 503", target: |t| t.expect_status = Some(vec![200, 503]), seen: |s| s.status = 503, degraded_over: None, want: (Up, "") },
            Case { name: "body contains", target: |t| t.body_contains = Some("ok".to_owned()), seen: |s| s.body = b"all ok here", degraded_over: None, want: (Up, "") },
            Case { name: "body missing text", target: |t| t.body_contains = Some("ok".to_owned()), seen: |s| s.body = b"failing", degraded_over: None, want: (Down, "body did not contain \"ok\"") },
            Case { name: "body missing text, truncated", target: |t| t.body_contains = Some("ok".to_owned()), seen: |s| { s.body = b"failing"; s.body_truncated = true }, degraded_over: None, want: (Down, "body did not contain \"ok\" (in its first 1 MiB)") },
            Case { name: "status checked before body", target: |t| t.body_contains = Some("ok".to_owned()), seen: |s| s.status = 500, degraded_over: None, want: (Down, "HTTP 500 Internal Server Error") },
            Case { name: "body checked before JSON", target: |t| { want_status_ok(t); t.body_contains = Some("x".to_owned()) }, seen: |s| s.body = b"{}", degraded_over: None, want: (Down, "body did not contain \"x\"") },
            Case { name: "JSON matches", target: want_status_ok, seen: |s| s.body = br#"{"status":"ok"}"#, degraded_over: None, want: (Up, "") },
            Case { name: "JSON nested number", target: |t| t.json = Some(JsonCondition { pointer: "/checks/0/n".to_owned(), equals: Value::from(3) }), seen: |s| s.body = br#"{"checks":[{"n":3}]}"#, degraded_over: None, want: (Up, "") },
            Case { name: "not JSON", target: want_status_ok, seen: |s| s.body = b"<html>", degraded_over: None, want: (Down, "body is not JSON (expected /status = \"ok\")") },
            Case { name: "JSON truncated", target: want_status_ok, seen: |s| { s.body = b"{\"status\""; s.body_truncated = true }, degraded_over: None, want: (Down, "body is over 1 MiB, too large to read as JSON (expected /status = \"ok\")") },
            Case { name: "JSON pointer missing", target: want_status_ok, seen: |s| s.body = br#"{"state":"ok"}"#, degraded_over: None, want: (Down, "JSON has no /status") },
            Case { name: "JSON value differs", target: want_status_ok, seen: |s| s.body = br#"{"status":"degraded"}"#, degraded_over: None, want: (Down, "JSON /status was \"degraded\", expected \"ok\"") },
            Case { name: "JSON value is compact", target: want_status_ok, seen: |s| s.body = br#"{"status": {"a": [1, 2]}}"#, degraded_over: None, want: (Down, "JSON /status was {\"a\":[1,2]}, expected \"ok\"") },
            Case { name: "JSON long value shortened", target: want_status_ok, seen: |s| s.body = br#"{"status":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#, degraded_over: None, want: (Down, "JSON /status was \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…, expected \"ok\"") },
            Case { name: "cert 3 days", target: none, seen: |s| s.cert_secs_left = Some(days(3)), degraded_over: None, want: (Degraded, "certificate expires in 3 days") },
            Case { name: "cert 1 day", target: none, seen: |s| s.cert_secs_left = Some(days(1)), degraded_over: None, want: (Degraded, "certificate expires in 1 day") },
            Case { name: "cert today", target: none, seen: |s| s.cert_secs_left = Some(days(0)), degraded_over: None, want: (Degraded, "certificate expires today") },
            Case { name: "cert expired (insecure)", target: none, seen: |s| s.cert_secs_left = Some(days(-2)), degraded_over: None, want: (Degraded, "certificate expired 2 days ago") },
            Case { name: "cert 3 days 1 hour", target: none, seen: |s| s.cert_secs_left = Some(days(3) + 3600), degraded_over: None, want: (Degraded, "certificate expires in 3 days") },
            Case { name: "cert 1 hour left", target: none, seen: |s| s.cert_secs_left = Some(3600), degraded_over: None, want: (Degraded, "certificate expires today") },
            Case { name: "cert expired 1 hour ago", target: none, seen: |s| s.cert_secs_left = Some(-3600), degraded_over: None, want: (Degraded, "certificate expired less than a day ago") },
            Case { name: "cert expired 1 day 1 hour ago", target: none, seen: |s| s.cert_secs_left = Some(days(-1) - 3600), degraded_over: None, want: (Degraded, "certificate expired 1 day ago") },
            Case { name: "cert expired 10 days 1 hour ago", target: none, seen: |s| s.cert_secs_left = Some(days(-10) - 3600), degraded_over: None, want: (Degraded, "certificate expired 10 days ago") },
            Case { name: "cert 13 days < 14", target: none, seen: |s| s.cert_secs_left = Some(days(13)), degraded_over: None, want: (Degraded, "certificate expires in 13 days") },
            Case { name: "cert 14 days is fine", target: none, seen: |s| s.cert_secs_left = Some(days(14)), degraded_over: None, want: (Up, "") },
            Case { name: "no warning configured", target: |t| t.cert_expiry_warning = Duration::ZERO, seen: |s| s.cert_secs_left = Some(days(0)), degraded_over: None, want: (Up, "") },
            Case { name: "status beats cert", target: none, seen: |s| { s.status = 502; s.cert_secs_left = Some(days(3)) }, degraded_over: None, want: (Down, "HTTP 502 Bad Gateway") },
            Case { name: "slow", target: none, seen: |s| s.elapsed = Duration::from_millis(1200), degraded_over: SLOW, want: (Degraded, "slow: answered in 1.2 s (over 800 ms)") },
            Case { name: "at the limit is not slow", target: none, seen: |s| s.elapsed = Duration::from_millis(800), degraded_over: SLOW, want: (Up, "") },
            Case { name: "no latency limit", target: none, seen: |s| s.elapsed = Duration::from_secs(60), degraded_over: None, want: (Up, "") },
            Case { name: "cert beats slow", target: none, seen: |s| { s.elapsed = Duration::from_secs(2); s.cert_secs_left = Some(days(3)) }, degraded_over: SLOW, want: (Degraded, "certificate expires in 3 days") },
            Case { name: "down beats slow", target: none, seen: |s| { s.status = 500; s.elapsed = Duration::from_secs(2) }, degraded_over: SLOW, want: (Down, "HTTP 500 Internal Server Error") },
        ]
    }

    #[test]
    fn judge_http_table() {
        for case in cases() {
            let mut t = target();
            (case.target)(&mut t);
            let mut s = seen();
            (case.seen)(&mut s);
            let (outcome, reason) = judge_http(&t, case.degraded_over, &s);
            let reason = reason
                .as_ref()
                .map(|r| words::reason(crate::lang::Lang::english(), r))
                .unwrap_or_default();
            assert_eq!(
                (outcome, reason.as_str()),
                case.want,
                "case {:?}",
                case.name
            );
        }
    }

    #[test]
    fn shorten_respects_char_boundaries() {
        assert_eq!(shorten("ééé", 2), "éé…");
        assert_eq!(shorten("ab", 2), "ab");
    }
}
