use actix_web::http::header::{self, HeaderMap, HeaderValue};

use super::{Coding, brotli, choose, gunzip, gzip, window_bits};

const BOTH: &[Coding] = &[Coding::Brotli, Coding::Gzip];

/// What a body with both copies is sent as for this `Accept-Encoding`.
fn chosen(value: Option<&str>) -> Coding {
    chosen_from(value, BOTH)
}

fn chosen_from(value: Option<&str>, offered: &[Coding]) -> Coding {
    let mut headers = HeaderMap::new();
    if let Some(v) = value {
        let v = HeaderValue::from_str(v).expect("a valid header value");
        headers.insert(header::ACCEPT_ENCODING, v);
    }
    choose(&headers, offered.iter().copied())
}

const GZIP_ONLY: &[Coding] = &[Coding::Gzip];

#[test]
fn gzip_is_accepted_when_listed_or_covered_by_a_wildcard() {
    for value in [
        "gzip",
        "gzip, deflate, br, zstd",
        "GZIP;Q=0.5",
        "x-gzip",
        "*",
    ] {
        assert_eq!(chosen_from(Some(value), GZIP_ONLY), Coding::Gzip, "{value}");
    }
    assert_eq!(
        chosen_from(Some("br;q=1.0, *;q=0.1"), GZIP_ONLY),
        Coding::Gzip
    );
}

#[test]
fn gzip_is_refused_when_absent_excluded_or_outranked() {
    for value in [
        None,
        Some(""),
        Some("identity"),
        Some("deflate, br"),
        Some("gzip;q=0"),
        Some("gzip; q=0.000, *"),
        Some("*;q=0"),
        Some("gzip;q=0.5, identity"),
        Some("gzip;q=2"),      // q above 1 is malformed
        Some("gzip;q=0.1234"), // at most three decimals
    ] {
        assert_eq!(chosen_from(value, GZIP_ONLY), Coding::Identity, "{value:?}");
    }
}

#[test]
fn brotli_is_preferred_to_gzip_at_equal_weight() {
    assert_eq!(chosen(Some("gzip, deflate, br, zstd")), Coding::Brotli);
    assert_eq!(chosen(Some("br;q=0.8, gzip;q=0.8")), Coding::Brotli);
    assert_eq!(chosen(Some("*")), Coding::Brotli);
    assert_eq!(chosen(Some("br")), Coding::Brotli);
    assert_eq!(chosen(Some("BR;q=1.000, identity;q=0.5")), Coding::Brotli);
}

#[test]
fn the_weights_decide_between_brotli_and_gzip() {
    assert_eq!(chosen(Some("br;q=0.5, gzip")), Coding::Gzip);
    assert_eq!(chosen(Some("br;q=0, gzip")), Coding::Gzip);
    assert_eq!(chosen(Some("br;q=0, *")), Coding::Gzip);
    assert_eq!(chosen(Some("gzip;q=0, *;q=0.3")), Coding::Brotli);
    assert_eq!(chosen(Some("br;q=0.9, gzip;q=0.95")), Coding::Gzip);
}

#[test]
fn identity_is_sent_when_nothing_better_is_accepted() {
    assert_eq!(chosen(None), Coding::Identity);
    assert_eq!(chosen(Some("identity")), Coding::Identity);
    assert_eq!(chosen(Some("br;q=0")), Coding::Identity);
    assert_eq!(chosen(Some("br;q=0, gzip;q=0")), Coding::Identity);
    assert_eq!(chosen(Some("br;q=0.5, identity")), Coding::Identity);
    assert_eq!(chosen(Some("*;q=0")), Coding::Identity);
    assert_eq!(chosen(Some("br;q=x")), Coding::Identity, "malformed weight");
    // Nobody's refusal of identity turns into a 406: identity still goes.
    assert_eq!(chosen(Some("identity;q=0, *;q=0")), Coding::Identity);
}

#[test]
fn only_the_copies_a_body_has_are_chosen() {
    assert_eq!(chosen_from(Some("br"), GZIP_ONLY), Coding::Identity);
    assert_eq!(chosen_from(Some("br, gzip"), &[]), Coding::Identity);
    assert_eq!(
        chosen_from(Some("gzip"), &[Coding::Brotli]),
        Coding::Identity
    );
}

#[test]
fn both_codings_decode_to_the_body_and_skip_small_ones() {
    use std::io::Read;
    let body = "<li>Public API — Operational</li>\n".repeat(100);
    let br = brotli(body.as_bytes()).expect("compressed");
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&br[..], 4096)
        .read_to_end(&mut decoded)
        .expect("valid brotli");
    assert_eq!(decoded, body.as_bytes());
    let gz = gzip(body.as_bytes()).expect("compressed");
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut decoded)
        .expect("valid gzip");
    assert_eq!(decoded, body.as_bytes());
    assert!(brotli(b"tiny").is_none() && gzip(b"tiny").is_none());
}

#[test]
fn the_brotli_window_is_the_smallest_that_holds_the_body_from_128_kib() {
    // Below 17 bits the encoder falls back to a 32 MiB hash table.
    assert_eq!(window_bits(1024), 17);
    assert_eq!(window_bits(60_000), 17);
    assert_eq!(window_bits(131_072), 17);
    assert_eq!(window_bits(131_073), 18);
    assert_eq!(window_bits(5_400_000), 22, "never above brotli's default");
    // Bodies that span several windows still round-trip.
    use std::io::Read;
    let body: String = (0..40_000).map(|i| format!("<li>{i}</li>")).collect();
    let br = brotli(body.as_bytes()).expect("compressed");
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&br[..], 4096)
        .read_to_end(&mut decoded)
        .expect("valid brotli");
    assert_eq!(decoded, body.as_bytes());
    let gz = gzip(body.as_bytes()).expect("compressed");
    assert_eq!(gunzip(&gz).expect("valid gzip"), body.as_bytes());
}
