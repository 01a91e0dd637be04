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
    /// No trusted authority issued it: self-signed, or from a private CA
    /// (the verifier reports both alike).
    CertUnknownIssuer,
    /// The certificate is not for `host` (the URL's); `names` are those it
    /// is for, as far as they were known (none from builds before them).
    CertWrongName {
        host: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        names: Vec<String>,
    },
    CertRevoked,
    /// A signature in the chain is not from the authority it names: a
    /// self-signed certificate that bears a trusted authority's name, say.
    CertBadSignature,
    /// An authority's (CA) certificate served as the server's own.
    CertCaAsServer,
    /// The certificate is not meant for TLS servers (its extended key usage).
    CertWrongPurpose,
    /// Refused for a reason without a kind of its own above.
    CertRejected {
        problem: CertProblem,
    },
    /// Stored by builds before the kinds above: the TLS library's own name
    /// for the problem ("BadSignature"). Read through [`Reason::upgraded`].
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

/// Why a certificate was refused, for the rarer problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertProblem {
    /// Not a well-formed certificate.
    Malformed,
    /// Signed with an algorithm the prober does not support.
    UnsupportedAlgorithm,
    /// Has a critical extension the prober does not understand.
    UnknownCriticalExtension,
    /// Its revocation status could not be told.
    RevocationUnknown,
    /// The chain has a server certificate where an authority should be.
    ServerCertAsCa,
    /// Names outside what its authority may certify.
    NameNotPermitted,
    /// Anything else; also what a later build's problem reads as here.
    #[serde(other)]
    Other,
}

impl Reason {
    pub fn other(text: impl Into<String>) -> Self {
        Self::Other { text: text.into() }
    }

    /// This reason in today's kinds: a certificate reason stored by an older
    /// build as the TLS library's name for it becomes its own kind (those
    /// names were all it held); every other reason is itself.
    pub fn upgraded(&self) -> Self {
        let Self::CertNotTrusted { detail } = self else {
            return self.clone();
        };
        if detail.contains("CaUsedAsEndEntity") {
            Self::CertCaAsServer
        } else if detail.contains("EndEntityUsedAsCa") {
            Self::CertRejected {
                problem: CertProblem::ServerCertAsCa,
            }
        } else if detail.contains("BadSignature") {
            Self::CertBadSignature
        } else if detail.contains("Purpose") || detail.contains("Eku") {
            Self::CertWrongPurpose
        } else if detail.contains("BadEncoding") {
            Self::CertRejected {
                problem: CertProblem::Malformed,
            }
        } else {
            Self::CertRejected {
                problem: CertProblem::Other,
            }
        }
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
    /// For a check probed from several locations: where it fails and where
    /// it is fine. None for a check probed from one place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_from: Option<SeenFrom>,
}

/// Where a check probed from several locations was seen failing, and where
/// fine, by the locations' names as configured when it was seen (as a
/// finding keeps its check's name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenFrom {
    pub failing: Vec<String>,
    pub fine: Vec<String>,
}

/// A finding with how long it has lasted, for an incident's updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub check: String,
    pub reason: Option<Reason>,
    /// As [`Finding::seen_from`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_from: Option<SeenFrom>,
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
    fn a_wrong_name_stored_without_names_still_reads() {
        let old: Reason =
            serde_json::from_str(r#"{"kind":"cert_wrong_name","host":"api.example"}"#).unwrap();
        let host = "api.example".to_owned();
        assert_eq!(
            old,
            Reason::CertWrongName {
                host,
                names: vec![]
            }
        );
    }

    #[test]
    fn a_certificate_problem_from_a_later_build_reads_as_other() {
        let json = r#"{"kind":"cert_rejected","problem":"quantum_weakness"}"#;
        let later: Reason = serde_json::from_str(json).unwrap();
        let problem = CertProblem::Other;
        assert_eq!(later, Reason::CertRejected { problem });
    }

    #[test]
    fn library_names_stored_by_older_builds_become_kinds() {
        let old = |detail: &str| {
            let json = format!(r#"{{"kind":"cert_not_trusted","detail":"{detail}"}}"#);
            serde_json::from_str::<Reason>(&json).unwrap().upgraded()
        };
        assert_eq!(old("BadSignature"), Reason::CertBadSignature);
        assert_eq!(
            old("Other(OtherError(CaUsedAsEndEntity))"),
            Reason::CertCaAsServer
        );
        assert_eq!(
            old("Other(OtherError(UnsupportedCertVersion))"),
            Reason::CertRejected {
                problem: CertProblem::Other
            }
        );
        assert_eq!(Reason::CertExpired.upgraded(), Reason::CertExpired);
    }

    #[test]
    fn millis_round_to_the_nearest() {
        assert_eq!(millis(Duration::from_micros(400)), 0);
        assert_eq!(millis(Duration::from_micros(600)), 1);
        assert_eq!(millis(Duration::from_millis(800)), 800);
    }
}
