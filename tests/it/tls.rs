//! Certificates a check refuses, from real TLS servers on loopback: the
//! reason is stored as its kind and read in plain words on the page, never
//! as a TLS library's type names.
//!
//! The binary runs with `SSL_CERT_FILE` naming a test authority, which it
//! then trusts instead of the system's, so a certificate can be valid in
//! every way but one.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
};
use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::{Binary, config_with};

/// An authority: its certificate and the key it signs with.
struct Authority {
    cert: rcgen::Certificate,
    issuer: Issuer<'static, KeyPair>,
}

impl Authority {
    /// A CA named `name` (rcgen's default name when `None`).
    fn new(name: Option<&str>) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        if let Some(name) = name {
            params.distinguished_name = rcgen::DistinguishedName::new();
            params.distinguished_name.push(DnType::CommonName, name);
        }
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Self {
            cert,
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for `names` signed by this authority, and its key.
    fn sign(&self, names: &[&str]) -> (CertificateDer<'static>, KeyPair) {
        self.sign_as(leaf_params(names))
    }

    fn sign_as(&self, params: CertificateParams) -> (CertificateDer<'static>, KeyPair) {
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.der().clone(), key)
    }
}

fn leaf_params(names: &[&str]) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    CertificateParams::new(names).unwrap()
}

/// A self-signed certificate for `names` (with rcgen's default subject name).
fn self_signed(names: &[&str]) -> (CertificateDer<'static>, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let cert = leaf_params(names).self_signed(&key).unwrap();
    (cert.der().clone(), key)
}

/// A TLS server on loopback presenting `cert`; it answers 200 to whoever
/// completes the handshake.
async fn serve_tls((cert, key): (CertificateDer<'static>, KeyPair)) -> SocketAddr {
    let key = PrivatePkcs8KeyDer::from(key.serialize_der());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key.into())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut buf = [0u8; 1024];
                let _ = tls.read(&mut buf).await;
                let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
                let _ = tls.write_all(ok).await;
            });
        }
    });
    addr
}

/// What a check on `https://localhost:{port}/` stored and the page said,
/// with the binary trusting `trusted` only: the stored reason (as JSON) and
/// the page.
async fn probe(trusted: &Authority, addr: SocketAddr) -> (Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, trusted.cert.pem()).unwrap();
    let config = dir.path().join("c.toml");
    let body = format!(
        r#"
[[components]]
id = "api"
name = "Public API"

[[checks]]
component = "api"
id = "api-health"
name = "Health"
url = "https://localhost:{}/"
every = "200ms"
timeout = "2s"
failure_threshold = 1
"#,
        addr.port()
    );
    std::fs::write(&config, config_with(dir.path(), &body)).unwrap();
    let started = Utc::now();
    let mut app = Binary::serve_with_env(&config, &[("SSL_CERT_FILE", path_str(&ca_file))]);
    let client = crate::helpers::client();
    let page = crate::helpers::wait_for_page(&client, &app.base, "a TLS reason", |p| {
        p.contains("component__reason")
    })
    .await;
    stop(&mut app).await;
    let store = crate::helpers::sled_unlocked(|| candor::store::open(&dir.path().join("data")));
    let check = candor::model::CheckId::parse("api-health").unwrap();
    let results = store.results(&check, started, Utc::now()).unwrap();
    let last = results.last().expect("a stored result");
    let reason = serde_json::to_value(&last.reason).unwrap();
    (reason, page)
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// SIGTERM, so the binary flushes its store and exits.
async fn stop(app: &mut Binary) {
    app.terminate().await;
}

/// The component's reason line on the page.
fn why(page: &str) -> &str {
    let from = page.find("component__reason").unwrap();
    let line = &page[from..];
    &line[..line.find("</p>").unwrap_or(line.len())]
}

/// No type names or Debug output of a TLS library in what the page says.
fn assert_plain(words: &str) {
    for internal in [
        "BadSignature",
        "Other(",
        "OtherError",
        "CaUsedAsEndEntity",
        "EkuError",
        "DnsName(",
    ] {
        assert!(!words.contains(internal), "{internal} in {words}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_certificate_reads_as_not_issued_by_a_trusted_authority() {
    let trusted = Authority::new(Some("Candor Test CA"));
    let addr = serve_tls(self_signed(&["localhost"])).await;
    let (reason, page) = probe(&trusted, addr).await;
    assert_eq!(reason["kind"], "cert_unknown_issuer", "{reason}");
    let words = why(&page);
    assert_plain(words);
    assert!(
        words.contains(
            "TLS certificate not issued by a trusted authority (self-signed, or a private CA)"
        ),
        "{words}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_from_an_unknown_authority_reads_as_such() {
    let trusted = Authority::new(Some("Candor Test CA"));
    let unknown = Authority::new(Some("Somebody Else's CA"));
    let addr = serve_tls(unknown.sign(&["localhost"])).await;
    let (reason, page) = probe(&trusted, addr).await;
    assert_eq!(reason["kind"], "cert_unknown_issuer", "{reason}");
    let words = why(&page);
    assert_plain(words);
    assert!(
        words.contains("TLS certificate not issued by a trusted authority"),
        "{words}"
    );
}

/// As the black-box probe saw it: a self-signed certificate whose name is
/// also a trusted authority's (rcgen gives both the same default name).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_certificate_under_a_trusted_name_reads_as_a_bad_signature() {
    let trusted = Authority::new(None);
    let addr = serve_tls(self_signed(&["localhost"])).await;
    let (reason, page) = probe(&trusted, addr).await;
    assert_eq!(reason["kind"], "cert_bad_signature", "{reason}");
    let words = why(&page);
    assert_plain(words);
    assert!(
        words.contains(
            "TLS certificate not trusted: its signature is not from the authority it names"
        ),
        "{words}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_for_another_name_names_both() {
    let trusted = Authority::new(Some("Candor Test CA"));
    let addr = serve_tls(trusted.sign(&["other.example"])).await;
    let (reason, page) = probe(&trusted, addr).await;
    assert_eq!(reason["kind"], "cert_wrong_name", "{reason}");
    assert_eq!(reason["host"], "localhost", "{reason}");
    assert_eq!(reason["names"], serde_json::json!(["other.example"]));
    let words = why(&page);
    assert_plain(words);
    assert!(
        words.contains("TLS certificate is for other.example, not localhost"),
        "{words}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ca_certificate_used_as_a_server_certificate_reads_as_such() {
    let trusted = Authority::new(Some("Candor Test CA"));
    let mut params = leaf_params(&["localhost"]);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let addr = serve_tls(trusted.sign_as(params)).await;
    let (reason, page) = probe(&trusted, addr).await;
    assert_eq!(reason["kind"], "cert_ca_as_server", "{reason}");
    let words = why(&page);
    assert_plain(words);
    assert!(
        words.contains("TLS certificate is a CA certificate, not a server certificate"),
        "{words}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_certificate_served_by_a_server_reads_as_the_wrong_purpose() {
    let trusted = Authority::new(Some("Candor Test CA"));
    let mut params = leaf_params(&["localhost"]);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let addr = serve_tls(trusted.sign_as(params)).await;
    let (reason, page) = probe(&trusted, addr).await;
    assert_eq!(reason["kind"], "cert_wrong_purpose", "{reason}");
    let words = why(&page);
    assert_plain(words);
    assert!(
        words.contains("TLS certificate is not meant for servers"),
        "{words}"
    );
}
