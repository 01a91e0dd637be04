//! TLS failures as reasons. Certificate problems become kinds of their own,
//! told apart by the error types rustls and its verifier (webpki) give,
//! never by their Debug text, which would otherwise reach the public page.

use std::error::Error as StdError;

use rustls::CertificateError;

use super::conditions::shorten;
use crate::model::{CertProblem, Reason};

/// The reason for a TLS failure connecting to `host`; `None` for a failure
/// that has no kind of its own (the caller keeps the library's message).
pub(super) fn tls_reason(err: &rustls::Error, host: &str) -> Option<Reason> {
    Some(match err {
        rustls::Error::InvalidCertificate(cert) => cert_reason(cert, host),
        rustls::Error::AlertReceived(alert) => Reason::TlsAlert {
            alert: format!("{alert:?}"),
        },
        _ => return None,
    })
}

/// A refused certificate as a kind: never the library's Debug text, which
/// would reach the public page.
fn cert_reason(err: &CertificateError, host: &str) -> Reason {
    use CertificateError as E;
    match err {
        E::Expired | E::ExpiredContext { .. } => Reason::CertExpired,
        E::NotValidYet | E::NotValidYetContext { .. } => Reason::CertNotValidYet,
        E::UnknownIssuer => Reason::CertUnknownIssuer,
        E::NotValidForName => wrong_name(host, &[]),
        E::NotValidForNameContext { presented, .. } => wrong_name(host, presented),
        E::Revoked => Reason::CertRevoked,
        E::BadSignature => Reason::CertBadSignature,
        E::InvalidPurpose | E::InvalidPurposeContext { .. } => Reason::CertWrongPurpose,
        E::Other(other) => verifier_reason(&*other.0),
        _ => Reason::CertRejected {
            problem: cert_problem(err),
        },
    }
}

fn cert_problem(err: &CertificateError) -> CertProblem {
    use CertificateError as E;
    match err {
        E::BadEncoding => CertProblem::Malformed,
        #[allow(deprecated)]
        E::UnsupportedSignatureAlgorithm => CertProblem::UnsupportedAlgorithm,
        E::UnsupportedSignatureAlgorithmContext { .. }
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            CertProblem::UnsupportedAlgorithm
        }
        E::UnhandledCriticalExtension => CertProblem::UnknownCriticalExtension,
        E::UnknownRevocationStatus
        | E::ExpiredRevocationList
        | E::ExpiredRevocationListContext { .. } => CertProblem::RevocationUnknown,
        _ => CertProblem::Other,
    }
}

/// What the verifier reported as its own error: webpki's for the problems
/// rustls has no variant for, or the platform verifier's for a certificate
/// not meant for servers.
fn verifier_reason(err: &(dyn StdError + Send + Sync + 'static)) -> Reason {
    let Some(webpki) = err.downcast_ref::<webpki::Error>() else {
        // rustls-platform-verifier turns webpki's wrong-purpose error into
        // a private type of its own; its message is all that tells it.
        if err.to_string() == "certificate had invalid extensions" {
            return Reason::CertWrongPurpose;
        }
        let problem = CertProblem::Other;
        return Reason::CertRejected { problem };
    };
    let problem = match webpki {
        webpki::Error::CaUsedAsEndEntity => return Reason::CertCaAsServer,
        webpki::Error::EndEntityUsedAsCa => CertProblem::ServerCertAsCa,
        webpki::Error::NameConstraintViolation => CertProblem::NameNotPermitted,
        webpki::Error::BadDer | webpki::Error::BadDerTime => CertProblem::Malformed,
        _ => CertProblem::Other,
    };
    Reason::CertRejected { problem }
}

/// At most this many of the names a certificate is for are kept in a reason.
const MAX_CERT_NAMES: usize = 8;
/// A longer name is cut: it comes from the target.
const MAX_CERT_NAME_CHARS: usize = 64;

fn wrong_name(host: &str, presented: &[String]) -> Reason {
    let host = host.to_owned();
    let names = presented
        .iter()
        .filter_map(|p| presented_name(p))
        .take(MAX_CERT_NAMES)
        .collect();
    Reason::CertWrongName { host, names }
}

/// The name in one of webpki's presented names, which it gives in its Debug
/// form: `DnsName("other.example")`, `IpAddress(192.0.2.1)`. Other forms
/// (a URI, a directory name) are no host name and are left out, as is a name
/// with control characters.
fn presented_name(presented: &str) -> Option<String> {
    let name = presented
        .strip_prefix("DnsName(\"")
        .and_then(|rest| rest.strip_suffix("\")"))
        .or_else(|| {
            presented
                .strip_prefix("IpAddress(")
                .and_then(|rest| rest.strip_suffix(')'))
                .filter(|ip| ip.parse::<std::net::IpAddr>().is_ok())
        })?;
    if name.is_empty() || name.chars().any(char::is_control) {
        return None;
    }
    Some(shorten(name, MAX_CERT_NAME_CHARS))
}

#[cfg(test)]
#[path = "tls_reason_tests.rs"]
mod tests;
