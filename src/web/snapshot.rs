//! The public site as bytes in memory. Rendered when state changes and swapped in
//! atomically, so a public GET is a memory copy: no storage I/O, no rendering.

use std::io::Write;

use actix_web::http::header::{self, HeaderMap};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use arc_swap::ArcSwap;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::sync::Arc;

/// Re-exported for the static assets' ETags.
pub use crate::model::fnv1a;

/// Smaller bodies fit in one packet anyway; gzip's header would eat the gain.
const GZIP_MIN_LEN: usize = 1024;
/// Best compression: it runs once per render, not once per request.
const GZIP_LEVEL: u32 = 9;

/// One pre-rendered response body, with a gzip copy when that is worth sending.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Bytes,
    /// Strong validator: a hash of the body, quoted.
    pub etag: String,
    pub content_type: &'static str,
    /// The body gzipped, absent when it is small or gzip does not shrink it.
    pub gzip: Option<Encoded>,
}

/// Another representation of a [`Rendered`] body, with its own validator:
/// strong ETags name one representation, not the resource.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub body: Bytes,
    pub etag: String,
}

impl Rendered {
    pub fn new(body: impl Into<Bytes>, content_type: &'static str) -> Self {
        let body = body.into();
        let hash = fnv1a(&body);
        let gzip = gzip(&body, GZIP_LEVEL).map(|gz| Encoded {
            body: gz,
            etag: format!("\"{hash:016x}-gz\""),
        });
        Self {
            etag: format!("\"{hash:016x}\""),
            body,
            content_type,
            gzip,
        }
    }

    /// 200 with the body, or 304 when the client already has this version.
    /// Gzipped when the client accepts it and a gzip copy exists.
    pub fn respond(&self, req: &HttpRequest, cache_control: &'static str) -> HttpResponse {
        let gzip = self.gzip.as_ref().filter(|_| accepts_gzip(req.headers()));
        let (body, etag) = match gzip {
            Some(gz) => (&gz.body, &gz.etag),
            None => (&self.body, &self.etag),
        };
        let fresh = if_none_match(req.headers(), etag);
        let mut res = if fresh {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        res.insert_header((header::ETAG, etag.as_str()))
            .insert_header((header::CACHE_CONTROL, cache_control));
        // Caches must key on Accept-Encoding whenever the answer depends on it,
        // on 304s too (they update the stored response's headers).
        if self.gzip.is_some() {
            res.insert_header((header::VARY, "Accept-Encoding"));
        }
        if fresh {
            return res.finish();
        }
        if gzip.is_some() {
            res.insert_header((header::CONTENT_ENCODING, "gzip"));
        }
        res.content_type(self.content_type).body(body.clone())
    }
}

/// `body` gzipped, when it is long enough and gzip makes it shorter.
pub(crate) fn gzip(body: &[u8], level: u32) -> Option<Bytes> {
    if body.len() < GZIP_MIN_LEN {
        return None;
    }
    let mut encoder = GzEncoder::new(Vec::new(), Compression::new(level));
    // Writing into a Vec cannot fail; `ok()?` only avoids a panic path.
    encoder.write_all(body).ok()?;
    let gz = encoder.finish().ok()?;
    (gz.len() < body.len()).then(|| Bytes::from(gz))
}

/// Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 §13.1.2:
/// a proxy that re-encodes may have weakened it to `W/"..."`).
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

/// Whether `Accept-Encoding` lets us send gzip (RFC 9110 §12.5.3): `gzip` (or
/// its alias `x-gzip`) or else `*` with a q above 0, and not below an explicit
/// preference for identity. An absent header gets the identity body.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    let (mut gzip, mut identity, mut any) = (None, None, None);
    let items = headers
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for item in items {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let slot = match coding.to_ascii_lowercase().as_str() {
            "gzip" | "x-gzip" => &mut gzip,
            "identity" => &mut identity,
            "*" => &mut any,
            _ => continue,
        };
        // A malformed weight makes the item unreadable: it is ignored.
        if let Some(q) = weight(parts) {
            *slot = Some(slot.map_or(q, |old: u16| old.max(q)));
        }
    }
    let gzip = gzip.or(any).unwrap_or(0);
    gzip > 0 && identity.or(any).is_none_or(|identity| gzip >= identity)
}

/// The `q` parameter among an item's parameters, in thousandths (1000 when absent).
fn weight<'a>(params: impl Iterator<Item = &'a str>) -> Option<u16> {
    let mut q = Some(1000);
    for param in params {
        if let Some((name, value)) = param.split_once('=')
            && name.trim().eq_ignore_ascii_case("q")
        {
            q = qvalue(value.trim());
        }
    }
    q
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in thousandths.
fn qvalue(s: &str) -> Option<u16> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{frac:0<3}").parse().ok()?;
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// Every public page, rendered together from one state, and that state.
#[derive(Debug)]
pub struct Snapshot {
    pub view: super::view::View,
    pub index: Rendered,
    /// `/incidents/{id}` by incident and maintenance id.
    pub incidents: std::collections::HashMap<String, Arc<Rendered>>,
    /// `/components/{id}` by component id, and when each was rendered.
    pub components:
        std::collections::HashMap<String, (chrono::DateTime<chrono::Utc>, Arc<Rendered>)>,
    /// `/history?page=N`, page 1 first.
    pub history: Vec<Arc<Rendered>>,
    /// `/feed.atom` and `/feed.rss`.
    pub feed_atom: Rendered,
    pub feed_rss: Rendered,
    /// `/badge.svg` (key `""`) and `/badge/{component}.svg` (key: component id).
    pub badges: std::collections::HashMap<String, Rendered>,
    /// `/api/v2/{path}` (Statuspage's public API) by path, like `summary.json`.
    pub api: std::collections::HashMap<&'static str, Rendered>,
}

/// The current snapshot, swapped atomically by the pipeline.
pub struct Snapshots(ArcSwap<Snapshot>);

impl Snapshots {
    pub fn new(first: Snapshot) -> Self {
        Self(ArcSwap::from_pointee(first))
    }

    pub fn current(&self) -> Arc<Snapshot> {
        self.0.load_full()
    }

    pub fn replace(&self, next: Snapshot) {
        self.0.store(Arc::new(next));
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use actix_web::http::header::{self, HeaderMap, HeaderValue};
    use actix_web::test::TestRequest;
    use flate2::read::GzDecoder;

    use super::{Rendered, accepts_gzip};

    fn accepts(value: Option<&str>) -> bool {
        let mut headers = HeaderMap::new();
        if let Some(v) = value {
            let v = HeaderValue::from_str(v).expect("a valid header value");
            headers.insert(header::ACCEPT_ENCODING, v);
        }
        accepts_gzip(&headers)
    }

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

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .expect("valid gzip");
        out
    }

    #[test]
    fn gzip_is_accepted_when_listed_or_covered_by_a_wildcard() {
        assert!(accepts(Some("gzip")));
        assert!(accepts(Some("gzip, deflate, br, zstd")));
        assert!(accepts(Some("GZIP;Q=0.5")));
        assert!(accepts(Some("x-gzip")));
        assert!(accepts(Some("*")));
        assert!(accepts(Some("br;q=1.0, *;q=0.1")));
    }

    #[test]
    fn gzip_is_refused_when_absent_excluded_or_outranked() {
        assert!(!accepts(None));
        assert!(!accepts(Some("")));
        assert!(!accepts(Some("identity")));
        assert!(!accepts(Some("deflate, br")));
        assert!(!accepts(Some("gzip;q=0")));
        assert!(!accepts(Some("gzip; q=0.000, *")));
        assert!(!accepts(Some("*;q=0")));
        assert!(!accepts(Some("gzip;q=0.5, identity")));
        assert!(!accepts(Some("gzip;q=2")), "q above 1 is malformed");
        assert!(!accepts(Some("gzip;q=0.1234")), "at most three decimals");
    }

    #[test]
    fn the_gzip_body_decompresses_to_the_page_and_has_its_own_etag() {
        let page = page();
        let gz = page.gzip.as_ref().expect("a long page is compressed");
        assert!(gz.body.len() < page.body.len());
        assert_eq!(gunzip(&gz.body), page.body);
        assert_ne!(gz.etag, page.etag);
        assert!(gz.etag.starts_with('"') && gz.etag.ends_with("-gz\""));
    }

    #[test]
    fn small_bodies_are_not_compressed() {
        assert!(Rendered::new("tiny", "text/plain").gzip.is_none());
    }

    #[test]
    fn respond_serves_the_representation_the_client_accepts() {
        let page = page();
        let gz = page.gzip.clone().expect("compressed");
        let req = TestRequest::get()
            .insert_header((header::ACCEPT_ENCODING, "gzip"))
            .to_http_request();
        let res = page.respond(&req, "no-store");
        assert_eq!(value(&res, header::CONTENT_ENCODING), "gzip");
        assert_eq!(value(&res, header::ETAG), gz.etag.as_str());
        assert_eq!(value(&res, header::VARY), "Accept-Encoding");

        let res = page.respond(&TestRequest::get().to_http_request(), "no-store");
        assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(value(&res, header::ETAG), page.etag.as_str());
        assert_eq!(value(&res, header::VARY), "Accept-Encoding");
    }

    #[test]
    fn if_none_match_must_name_the_representation_being_served() {
        let page = page();
        let gz_etag = page.gzip.clone().expect("compressed").etag;
        let ask = |etag: &str, encoding: Option<&str>| {
            let mut req = TestRequest::get().insert_header((header::IF_NONE_MATCH, etag));
            if let Some(e) = encoding {
                req = req.insert_header((header::ACCEPT_ENCODING, e));
            }
            page.respond(&req.to_http_request(), "no-store")
        };
        let not_modified = ask(&gz_etag, Some("gzip"));
        assert_eq!(not_modified.status(), 304);
        assert_eq!(value(&not_modified, header::ETAG), gz_etag.as_str());
        assert_eq!(value(&not_modified, header::VARY), "Accept-Encoding");
        assert_eq!(ask(&format!("W/{gz_etag}"), Some("gzip")).status(), 304);
        assert_eq!(ask(&gz_etag, None).status(), 200);
        assert_eq!(ask(&page.etag, Some("gzip")).status(), 200);
        assert_eq!(ask(&page.etag, None).status(), 304);
    }
}
