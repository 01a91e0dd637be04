//! Unit tests of [`super::Rendered`]: copies, validators, laziness.

use std::io::Read;

use actix_web::http::header;
use actix_web::test::TestRequest;

use super::Rendered;
use crate::web::encoding;

/// A page long and repetitive enough to be worth compressing.
fn page() -> Rendered {
    let body = "<li>Public API — Operational</li>\n".repeat(100);
    Rendered::new(body, "text/html; charset=utf-8")
}

fn value(res: &actix_web::HttpResponse, name: header::HeaderName) -> &str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn ask(page: &Rendered, headers: &[(header::HeaderName, &str)]) -> actix_web::HttpResponse {
    let mut req = TestRequest::get();
    for (name, v) in headers {
        req = req.insert_header((name.clone(), *v));
    }
    page.respond(&req.to_http_request(), "no-store")
}

#[test]
fn each_copy_decompresses_to_the_page_and_has_its_own_etag() {
    let page = page();
    let gz = page.copies().gzip.as_ref().expect("a long page is gzipped");
    let br = page
        .copies()
        .brotli
        .as_ref()
        .expect("a long page is in brotli");
    let mut gunzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz.body[..])
        .read_to_end(&mut gunzipped)
        .expect("valid gzip");
    assert_eq!(gunzipped, page.body().unwrap());
    let mut unbrotlied = Vec::new();
    brotli::Decompressor::new(&br.body[..], 4096)
        .read_to_end(&mut unbrotlied)
        .expect("valid brotli");
    assert_eq!(unbrotlied, page.body().unwrap());
    assert!(gz.etag.starts_with('"') && gz.etag.ends_with("-gz\""));
    assert!(br.etag.starts_with('"') && br.etag.ends_with("-br\""));
    assert_eq!(gz.etag.replace("-gz", "-br"), br.etag);
    assert_ne!(gz.etag, page.etag);
}

#[test]
fn a_compressed_body_is_held_without_its_identity_copy_and_inflated_on_demand() {
    let page = page();
    page.copies();
    let body = page.body().expect("our own gzip");
    assert_eq!(body.len(), 3600);
    assert!(page.kept().is_none());
    assert!(page.held() * 10 < body.len(), "held {} bytes", page.held());
    let res = ask(&page, &[(header::ACCEPT_ENCODING, "identity")]);
    let sent = actix_web::rt::System::new()
        .block_on(actix_web::body::to_bytes(res.into_body()))
        .expect("a body");
    assert_eq!(sent, body);
}

#[test]
fn small_bodies_are_not_compressed() {
    let tiny = Rendered::new("tiny", "text/plain");
    assert!(tiny.copies().gzip.is_none() && tiny.copies().brotli.is_none());
    assert_eq!(tiny.body().expect("kept as it is"), "tiny");
    let res = ask(&tiny, &[(header::ACCEPT_ENCODING, "br, gzip")]);
    assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
    assert!(res.headers().get(header::VARY).is_none());
}

#[test]
fn respond_serves_the_representation_the_client_accepts() {
    let page = page();
    let (gz, br) = (
        page.copies().gzip.clone().unwrap(),
        page.copies().brotli.clone().unwrap(),
    );
    for (accept, coding, etag) in [
        ("gzip", "gzip", &gz.etag),
        ("gzip, deflate, br", "br", &br.etag),
        ("br;q=0, gzip", "gzip", &gz.etag),
    ] {
        let res = ask(&page, &[(header::ACCEPT_ENCODING, accept)]);
        assert_eq!(value(&res, header::CONTENT_ENCODING), coding, "{accept}");
        assert_eq!(value(&res, header::ETAG), etag.as_str(), "{accept}");
        assert_eq!(value(&res, header::VARY), "Accept-Encoding");
    }
    for accept in [None, Some("identity"), Some("br;q=0")] {
        let headers: Vec<_> = accept
            .map(|a| (header::ACCEPT_ENCODING, a))
            .into_iter()
            .collect();
        let res = ask(&page, &headers);
        assert!(
            res.headers().get(header::CONTENT_ENCODING).is_none(),
            "{accept:?}"
        );
        assert_eq!(value(&res, header::ETAG), page.etag.as_str());
        assert_eq!(value(&res, header::VARY), "Accept-Encoding");
    }
}

#[test]
fn if_none_match_must_name_the_representation_being_served() {
    let page = page();
    let gz = page.copies().gzip.clone().expect("compressed").etag;
    let br = page.copies().brotli.clone().expect("compressed").etag;
    let with = |etag: &str, encoding: Option<&str>| {
        let mut headers = vec![(header::IF_NONE_MATCH, etag)];
        headers.extend(encoding.map(|e| (header::ACCEPT_ENCODING, e)));
        ask(&page, &headers)
    };
    let not_modified = with(&gz, Some("gzip"));
    assert_eq!(not_modified.status(), 304);
    assert_eq!(value(&not_modified, header::ETAG), gz.as_str());
    assert_eq!(value(&not_modified, header::VARY), "Accept-Encoding");
    assert_eq!(with(&format!("W/{gz}"), Some("gzip")).status(), 304);
    let not_modified = with(&br, Some("br"));
    assert_eq!(not_modified.status(), 304);
    assert_eq!(value(&not_modified, header::ETAG), br.as_str());
    assert_eq!(with(&br, Some("gzip")).status(), 200);
    assert_eq!(with(&gz, Some("gzip, br")).status(), 200);
    assert_eq!(with(&gz, None).status(), 200);
    assert_eq!(with(&page.etag, Some("gzip")).status(), 200);
    assert_eq!(with(&page.etag, None).status(), 304);
}

#[test]
fn copies_are_made_only_when_a_client_takes_one_and_then_once() {
    let page = page();
    assert!(!page.is_compressed(), "rendering compresses nothing");
    let res = ask(&page, &[(header::ACCEPT_ENCODING, "identity")]);
    assert_eq!(value(&res, header::VARY), "Accept-Encoding");
    assert!(!page.is_compressed(), "an identity client makes no copy");
    let etag = format!("\"{}-br\"", page.etag.trim_matches('"'));
    let res = ask(&page, &[(header::ACCEPT_ENCODING, "br")]);
    assert_eq!(value(&res, header::CONTENT_ENCODING), "br");
    assert_eq!(value(&res, header::ETAG), etag);
    assert!(page.is_compressed());
    let first = page.copies().brotli.clone().expect("a brotli copy").body;
    let again = page.copies().brotli.clone().expect("the same copy").body;
    assert_eq!(first.as_ptr(), again.as_ptr(), "made once");
    assert!(encoding::worth_compressing(&page.body().expect("inflated")));
}

#[test]
fn threads_asking_at_once_share_one_set_of_copies() {
    let page = std::sync::Arc::new(page());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let page = page.clone();
            std::thread::spawn(move || {
                let br = page.copies().brotli.clone().expect("a brotli copy");
                br.body.as_ptr() as usize
            })
        })
        .collect();
    let pointers: Vec<usize> = handles
        .into_iter()
        .map(|h| h.join().expect("no panic"))
        .collect();
    assert!(pointers.windows(2).all(|w| w[0] == w[1]), "{pointers:?}");
    assert!(
        page.kept().is_none(),
        "the body itself is dropped once gzipped"
    );
}
