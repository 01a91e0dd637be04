//! Why a check is not up, as data: a kind and its parameters, never words.
//! `read::words` turns a [`Reason`] into a sentence in the reader's language,
//! so what is stored once can be shown in any.
//!
//! Stored forms (state JSON, incident updates, result blocks) are the
//! serde form below: `{"kind": "http_status", "code": 503}`. Builds before
//! this one stored English sentences; such a plain string still reads, as
//! [`Reason::Other`] with that text, and is shown as it was.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a probe saw that made it not up.
///
/// Text parameters are data, not prose: names from the config (a host, a JSON
/// pointer), excerpts of what the target sent (compact JSON, at most about 40
/// characters), or a library's own words where nothing better is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// A status the check does not accept.
    HttpStatus {
        code: u16,
    },
    /// `body_contains` was not found; `within` is the cap when the body was
    /// longer than what was read (in bytes).
    BodyMissing {
        text: String,
        within: Option<u64>,
    },
    /// The body was over the cap (in bytes), too large to read as JSON.
    JsonTooLarge {
        over: u64,
        pointer: String,
        expected: String,
    },
    NotJson {
        pointer: String,
        expected: String,
    },
    JsonMissing {
        pointer: String,
    },
    JsonMismatch {
        pointer: String,
        found: String,
        expected: String,
    },
    /// Whole days until the certificate's notAfter, rounded toward zero
    /// (negative once expired by a day or more: -10 is 10 to 11 days ago).
    /// `expired` tells the last day before notAfter from the first after
    /// (both 0 days); builds before it stored negative days only, rounded
    /// down, and read as expired.
    CertExpiry {
        days_left: i64,
        #[serde(default)]
        expired: bool,
    },
    /// Answered in `ms`, slower than `over_ms`.
    Slow {
        ms: u64,
        over_ms: u64,
    },
    /// No answer within the check's timeout.
    TimedOut {
        after_ms: u64,
    },
    /// The connect phase alone took longer than the client allows.
    ConnectTimedOut {
        after_ms: u64,
    },
    UnresolvedHost {
        host: String,
    },
    TooManyRedirects {
        max: u64,
    },
    ConnectionRefused,
    ConnectionReset {
        reading_body: bool,
    },
    ConnectionAborted,
    ConnectionClosed {
        reading_body: bool,
    },
    ConnectionTimedOut,
    HostUnreachable,
    NetworkUnreachable,
    /// The server sent a TLS alert (its name, as rustls spells it).
    TlsAlert {
        alert: String,
    },
    TlsHandshake {
        detail: String,
    },
    CertExpired,
    CertNotValidYet,
    CertUnknownIssuer,
    CertWrongName {
        host: String,
    },
    CertRevoked,
    CertNotTrusted {
        detail: String,
    },
    /// The HTTP client could not be built for this check.
    ClientSetup {
        detail: String,
    },
    BodyReadFailed {
        detail: String,
    },
    /// Words nothing above classifies: a library's error text, or a reason
    /// stored as an English sentence by an older build.
    Other {
        text: String,
    },
}

impl Reason {
    pub fn other(text: impl Into<String>) -> Self {
        Self::Other { text: text.into() }
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The derived (remote) form, written as an inherent function.
        Reason::serialize(self, s)
    }
}

/// The derived form, or a plain string from an older build (as `Other`).
impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Kind(#[serde(deserialize_with = "Reason::deserialize")] Reason),
            Text(String),
        }
        Ok(match Stored::deserialize(d)? {
            Stored::Kind(reason) => reason,
            Stored::Text(text) => Reason::Other { text },
        })
    }
}

/// For fields that older builds stored as a string, empty for none.
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Reason>, D::Error> {
    let reason = Option::<Reason>::deserialize(d)?;
    Ok(reason.filter(|r| !matches!(r, Reason::Other { text } if text.is_empty())))
}

/// A duration in whole milliseconds, rounded to the nearest, as reasons keep
/// them.
pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_micros().saturating_add(500) / 1000).unwrap_or(u64::MAX)
}

/// One check that is not up, and why (None: no result said why).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The check's name, as configured when this was seen.
    pub check: String,
    pub reason: Option<Reason>,
}

/// A finding with how long it has lasted, for an incident's updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub check: String,
    pub reason: Option<Reason>,
    /// Consecutive results that were not up.
    pub runs: u32,
    /// When that run of results began.
    pub since: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_stored_as_its_kind_and_parameters() {
        let r = Reason::HttpStatus { code: 503 };
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(json, r#"{"kind":"http_status","code":503}"#);
        assert_eq!(serde_json::from_str::<Reason>(&json).unwrap(), r);
        let unit = serde_json::to_string(&Reason::ConnectionRefused).unwrap();
        assert_eq!(unit, r#"{"kind":"connection_refused"}"#);
        let other = Reason::other("x");
        let back: Reason = serde_json::from_str(&serde_json::to_string(&other).unwrap()).unwrap();
        assert_eq!(back, other);
    }

    #[test]
    fn an_english_reason_from_an_older_build_reads_as_other() {
        let old: Reason = serde_json::from_str(r#""HTTP 503 Service Unavailable""#).unwrap();
        assert_eq!(old, Reason::other("HTTP 503 Service Unavailable"));
        // Even one that spells like a kind: only objects carry kinds.
        let old: Reason = serde_json::from_str(r#""connection_refused""#).unwrap();
        assert_eq!(old, Reason::other("connection_refused"));
        assert!(serde_json::from_str::<Reason>(r#"{"kind":"no_such_kind"}"#).is_err());
    }

    #[test]
    fn a_cert_expiry_stored_without_expired_still_reads() {
        let old: Reason = serde_json::from_str(r#"{"kind":"cert_expiry","days_left":-2}"#).unwrap();
        assert_eq!(
            old,
            Reason::CertExpiry {
                days_left: -2,
                expired: false
            }
        );
    }

    #[test]
    fn millis_round_to_the_nearest() {
        assert_eq!(millis(Duration::from_micros(400)), 0);
        assert_eq!(millis(Duration::from_micros(600)), 1);
        assert_eq!(millis(Duration::from_millis(800)), 800);
    }
}
