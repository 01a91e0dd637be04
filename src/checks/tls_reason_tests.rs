use std::sync::Arc;

use rustls::{CertificateError as E, OtherError};

use super::*;

fn cert(e: E) -> Option<Reason> {
    tls_reason(&rustls::Error::InvalidCertificate(e), "api.example")
}

fn webpki(e: webpki::Error) -> Option<Reason> {
    cert(E::Other(OtherError(Arc::new(e))))
}

fn rejected(problem: CertProblem) -> Option<Reason> {
    Some(Reason::CertRejected { problem })
}

#[test]
fn certificate_errors_become_kinds() {
    assert_eq!(cert(E::UnknownIssuer), Some(Reason::CertUnknownIssuer));
    assert_eq!(cert(E::BadSignature), Some(Reason::CertBadSignature));
    assert_eq!(cert(E::Expired), Some(Reason::CertExpired));
    assert_eq!(cert(E::NotValidYet), Some(Reason::CertNotValidYet));
    assert_eq!(cert(E::Revoked), Some(Reason::CertRevoked));
    assert_eq!(cert(E::InvalidPurpose), Some(Reason::CertWrongPurpose));
    assert_eq!(cert(E::BadEncoding), rejected(CertProblem::Malformed));
    assert_eq!(
        cert(E::ApplicationVerificationFailure),
        rejected(CertProblem::Other)
    );
}

#[test]
fn the_verifiers_own_errors_are_told_by_type() {
    assert_eq!(
        webpki(webpki::Error::CaUsedAsEndEntity),
        Some(Reason::CertCaAsServer)
    );
    assert_eq!(
        webpki(webpki::Error::EndEntityUsedAsCa),
        rejected(CertProblem::ServerCertAsCa)
    );
    assert_eq!(
        webpki(webpki::Error::UnsupportedCertVersion),
        rejected(CertProblem::Other)
    );
    let foreign = std::io::Error::other("something else");
    assert_eq!(
        cert(E::Other(OtherError(Arc::new(foreign)))),
        rejected(CertProblem::Other)
    );
}

#[test]
fn a_wrong_name_keeps_the_names_the_certificate_is_for() {
    let presented = [
        r#"DnsName("other.example")"#,
        "IpAddress(192.0.2.1)",
        r#"UniformResourceIdentifier("https://x.example")"#,
        "DirectoryName",
        "IpAddress([invalid: 01, 02, 03])",
        "DnsName(\"bad\u{1b}name\")",
    ];
    let got = cert(E::NotValidForNameContext {
        expected: rustls::pki_types::ServerName::try_from("api.example").unwrap(),
        presented: presented.map(str::to_owned).to_vec(),
    });
    let names = vec!["other.example".to_owned(), "192.0.2.1".to_owned()];
    let host = "api.example".to_owned();
    assert_eq!(got, Some(Reason::CertWrongName { host, names }));
    let host = "api.example".to_owned();
    let names = vec![];
    assert_eq!(
        cert(E::NotValidForName),
        Some(Reason::CertWrongName { host, names })
    );
}

#[test]
fn a_long_name_from_the_certificate_is_cut() {
    let long = format!("DnsName(\"{}.example\")", "a".repeat(100));
    let name = presented_name(&long).unwrap();
    assert_eq!(name.chars().count(), 65, "{name}");
}

#[test]
fn other_tls_failures_keep_no_kind() {
    let err = rustls::Error::General("x".to_owned());
    assert_eq!(tls_reason(&err, "api.example"), None);
}
