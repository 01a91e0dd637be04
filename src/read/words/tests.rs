//! Every kind of message renders to the English Candor has always shown.

use std::time::Duration;

use chrono::{TimeZone, Utc};

use super::*;
use crate::model::{CertProblem, ComponentStatus};

// The English words, as every test here reads them.
fn en() -> Lang {
    Lang::english()
}
fn reason(r: &Reason) -> String {
    super::reason(en(), r)
}
fn human_duration(d: Duration) -> String {
    super::human_duration(en(), d)
}
fn findings(list: &[Finding]) -> String {
    super::findings(en(), list)
}
fn evidence(list: &[Evidence], tz: Tz) -> String {
    super::evidence(en(), list, tz)
}
fn update(text: &UpdateText, tz: Tz) -> Cow<'_, str> {
    super::update(en(), text, tz)
}
fn incident_name(name: &IncidentName) -> Cow<'_, str> {
    super::incident_name(en(), name)
}
fn why(w: &Why) -> String {
    super::why(en(), w)
}

fn other(text: &str) -> Reason {
    Reason::other(text)
}

#[rustfmt::skip]
#[test]
fn each_reason_kind_renders_to_its_english() {
    use Reason as R;
    let s = |t: &str| t.to_owned();
    let cases = [
        (R::HttpStatus { code: 503 }, "HTTP 503 Service Unavailable"),
        (R::HttpStatus { code: 599 }, "HTTP 599"),
        (R::BodyMissing { text: s("ok"), within: None }, "body did not contain \"ok\""),
        (R::BodyMissing { text: s("ok"), within: Some(1 << 20) }, "body did not contain \"ok\" (in its first 1 MiB)"),
        (R::BodyMissing { text: "a".repeat(50), within: None }, "body did not contain \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…"),
        (R::JsonTooLarge { over: 1 << 20, pointer: s("/status"), expected: s("\"ok\"") }, "body is over 1 MiB, too large to read as JSON (expected /status = \"ok\")"),
        (R::JsonTooLarge { over: 512 * 1024, pointer: s("/a"), expected: s("1") }, "body is over 512 KiB, too large to read as JSON (expected /a = 1)"),
        (R::NotJson { pointer: s("/status"), expected: s("\"ok\"") }, "body is not JSON (expected /status = \"ok\")"),
        (R::JsonMissing { pointer: s("/status") }, "JSON has no /status"),
        (R::JsonMismatch { pointer: s("/status"), found: s("\"degraded\""), expected: s("\"ok\"") }, "JSON /status was \"degraded\", expected \"ok\""),
        (R::CertExpiry { days_left: 3, expired: false }, "certificate expires in 3 days"),
        (R::CertExpiry { days_left: 1, expired: false }, "certificate expires in 1 day"),
        (R::CertExpiry { days_left: 0, expired: false }, "certificate expires today"),
        (R::CertExpiry { days_left: 0, expired: true }, "certificate expired less than a day ago"),
        (R::CertExpiry { days_left: -2, expired: true }, "certificate expired 2 days ago"),
        // Stored by an older build: negative days, no `expired`.
        (R::CertExpiry { days_left: -2, expired: false }, "certificate expired 2 days ago"),
        (R::Slow { ms: 1200, over_ms: 800 }, "slow: answered in 1.2 s (over 800 ms)"),
        (R::TimedOut { after_ms: 10_000 }, "timed out after 10 s"),
        (R::TimedOut { after_ms: 500 }, "timed out after 500 ms"),
        (R::ConnectTimedOut { after_ms: 10_000 }, "timed out connecting after 10 s"),
        (R::UnresolvedHost { host: s("candor-test.invalid") }, "could not resolve host candor-test.invalid"),
        (R::TooManyRedirects { max: 5 }, "too many redirects (more than 5)"),
        (R::ConnectionRefused, "connection refused"),
        (R::ConnectionReset { reading_body: false }, "connection reset"),
        (R::ConnectionReset { reading_body: true }, "connection reset while reading the body"),
        (R::ConnectionAborted, "connection aborted"),
        (R::ConnectionClosed { reading_body: false }, "connection closed before a response"),
        (R::ConnectionClosed { reading_body: true }, "connection closed before the body was complete"),
        (R::ConnectionTimedOut, "connection timed out"),
        (R::HostUnreachable, "host unreachable"),
        (R::NetworkUnreachable, "network unreachable"),
        (R::TlsAlert { alert: s("HandshakeFailure") }, "TLS handshake failed (server alert: HandshakeFailure)"),
        (R::TlsHandshake { detail: s("received corrupt message") }, "TLS handshake failed: received corrupt message"),
        (R::CertExpired, "TLS certificate has expired"),
        (R::CertNotValidYet, "TLS certificate is not valid yet"),
        (R::CertUnknownIssuer, "TLS certificate not issued by a trusted authority (self-signed, or a private CA)"),
        (R::CertWrongName { host: s("api.example"), names: vec![s("other.example")] }, "TLS certificate is for other.example, not api.example"),
        (R::CertWrongName { host: s("a.example"), names: vec![s("b.example"), s("*.c.example")] }, "TLS certificate is for b.example, *.c.example, not a.example"),
        (R::CertWrongName { host: s("a.example"), names: ["b", "c", "d", "e", "f"].map(s).to_vec() }, "TLS certificate is for b, c, d and 2 more, not a.example"),
        (R::CertWrongName { host: s("example.com"), names: vec![] }, "TLS certificate is not for example.com"),
        (R::CertRevoked, "TLS certificate has been revoked"),
        (R::CertBadSignature, "TLS certificate not trusted: its signature is not from the authority it names"),
        (R::CertCaAsServer, "TLS certificate is a CA certificate, not a server certificate"),
        (R::CertWrongPurpose, "TLS certificate is not meant for servers (its key usage)"),
        (R::CertRejected { problem: CertProblem::Malformed }, "TLS certificate is malformed"),
        (R::CertRejected { problem: CertProblem::Other }, "TLS certificate not accepted"),
        // Stored by older builds as the library's names.
        (R::CertNotTrusted { detail: s("BadSignature") }, "TLS certificate not trusted: its signature is not from the authority it names"),
        (R::CertNotTrusted { detail: s("Other(OtherError(CaUsedAsEndEntity))") }, "TLS certificate is a CA certificate, not a server certificate"),
        (R::CertNotTrusted { detail: s("Other(OtherError(Whatever))") }, "TLS certificate not accepted"),
        (R::ClientSetup { detail: s("no roots") }, "client setup: no roots"),
        (R::BodyReadFailed { detail: s("error decoding") }, "reading the body failed: error decoding"),
        (other("HTTP 503"), "HTTP 503"),
    ];
    for (r, want) in cases {
        assert_eq!(reason(&r), want, "{r:?}");
    }
}

#[test]
fn long_reasons_are_cut_at_120_characters() {
    let detail = "x".repeat(150);
    let words = reason(&Reason::BodyReadFailed { detail });
    assert_eq!(words.chars().count(), 121, "{words}");
    assert!(words.ends_with("x…"));
}

#[test]
fn human_duration_table() {
    let ms = Duration::from_millis;
    let cases = [
        (Duration::ZERO, "0 ms"),
        (Duration::from_micros(400), "0 ms"),
        (Duration::from_micros(600), "1 ms"),
        (ms(800), "800 ms"),
        (ms(999), "999 ms"),
        (Duration::from_micros(999_600), "1 s"),
        (ms(1000), "1 s"),
        (ms(1200), "1.2 s"),
        (ms(1250), "1.3 s"),
        (ms(2000), "2 s"),
        (ms(9_940), "9.9 s"),
        (ms(9_960), "10 s"),
        (ms(42_400), "42 s"),
        (ms(59_600), "1 min"),
        (ms(125_000), "2 min 5 s"),
        (ms(3_600_000), "1 h"),
        (ms(3_900_000), "1 h 5 min"),
    ];
    for (d, want) in cases {
        assert_eq!(human_duration(d), want, "{d:?}");
    }
}

fn evidence_503() -> Vec<Evidence> {
    vec![Evidence {
        seen_from: None,
        check: "API health".into(),
        reason: Some(Reason::HttpStatus { code: 503 }),
        runs: 3,
        since: Some(Utc.with_ymd_and_hms(2026, 11, 22, 14, 2, 0).unwrap()),
    }]
}

#[test]
fn findings_and_evidence_name_each_check() {
    let list = [
        Finding {
            seen_from: None,
            check: "API health".into(),
            reason: Some(Reason::HttpStatus { code: 503 }),
        },
        Finding {
            seen_from: None,
            check: "Assets".into(),
            reason: None,
        },
    ];
    assert_eq!(
        findings(&list),
        "API health: HTTP 503 Service Unavailable; Assets: failing"
    );
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    assert_eq!(
        evidence(&evidence_503(), berlin),
        "API health: HTTP 503 Service Unavailable on 3 checks in a row since 15:02 CET."
    );
    let mut once = evidence_503();
    once[0].runs = 1;
    once.push(Evidence {
        seen_from: None,
        check: "Ping".into(),
        reason: Some(Reason::ConnectionRefused),
        runs: 0,
        since: None,
    });
    assert_eq!(
        evidence(&once, chrono_tz::UTC),
        "API health: HTTP 503 Service Unavailable on 1 check since 14:02 UTC. Ping: connection refused."
    );
}

#[test]
fn a_sentence_an_older_build_stored_is_shown_as_it_was() {
    let old = Finding {
        seen_from: None,
        check: String::new(),
        reason: Some(other("API health: HTTP 503; DB: x")),
    };
    assert_eq!(findings(&[old]), "API health: HTTP 503; DB: x");
    let long = "API health: HTTP 503 Service Unavailable; ".repeat(4);
    assert_eq!(reason(&other(&long)), long, "not cut");
}

#[test]
fn automatic_notes_render_to_their_english() {
    let utc = chrono_tz::UTC;
    let e = evidence_503();
    let detail = "API health: HTTP 503 Service Unavailable on 3 checks in a row since 14:02 UTC.";
    let cases = [
        (
            Said::Detected {
                evidence: e.clone(),
            },
            format!("Detected automatically. {detail}"),
        ),
        (
            Said::Now {
                component: None,
                status: ComponentStatus::PartialOutage,
                evidence: e.clone(),
            },
            format!("Now partial outage. {detail}"),
        ),
        (
            Said::FailingAgain {
                component: None,
                evidence: e,
            },
            format!("Failing again. {detail}"),
        ),
        (Said::Passing, "Checks are passing again.".into()),
        (
            Said::ResolvedByChecks,
            "Checks are passing again; resolved automatically.".into(),
        ),
        (Said::MaintenanceScheduled, "Maintenance scheduled.".into()),
        (Said::MaintenanceStarted, "Maintenance has started.".into()),
        (
            Said::MaintenanceEnded,
            "The maintenance window has ended.".into(),
        ),
    ];
    for (said, want) in cases {
        assert_eq!(update(&said.into(), utc), want);
    }
    let written = UpdateText::from("We are on it.");
    assert_eq!(update(&written, utc), "We are on it.");
}

#[test]
fn why_a_component_is_down() {
    let finding = Finding {
        seen_from: None,
        check: "API health".into(),
        reason: Some(Reason::HttpStatus { code: 503 }),
    };
    assert_eq!(
        why(&Why::Checks(vec![finding])),
        "API health: HTTP 503 Service Unavailable"
    );
    assert_eq!(
        why(&Why::Maintenance("Disk swap".into())),
        "Scheduled maintenance: Disk swap"
    );
}

#[test]
fn an_automatic_incident_is_named_as_candor_always_named_it() {
    let named = |component: &str, status| {
        IncidentName::automatic(crate::incidents::Member::new(component), status)
    };
    let cases = [
        (
            named("Public API", ComponentStatus::MajorOutage),
            "Public API: major outage",
        ),
        (
            named("Database", ComponentStatus::PartialOutage),
            "Database: partial outage",
        ),
        (
            named("CDN", ComponentStatus::DegradedPerformance),
            "CDN: degraded performance",
        ),
    ];
    for (name, want) in cases {
        assert_eq!(incident_name(&name), want);
    }
    let written = IncidentName::from("Login failures");
    assert_eq!(incident_name(&written), "Login failures");
}
