//! The public site as bytes in memory. Rendered when state changes and swapped in
//! atomically, so a public GET is a memory copy: no storage I/O, no rendering.

use actix_web::http::header::{self, HeaderMap};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use arc_swap::ArcSwap;
use std::borrow::Cow;
use std::sync::Arc;

use super::encoding::{self, Coding};
use super::xml_chars;

/// Re-exported for the static assets' ETags.
pub use crate::model::fnv1a;

/// One pre-rendered response body, with compressed copies when they are worth
/// sending.
///
/// When there is a gzip copy the body itself is not kept: the copies are 4–8
/// times smaller, nearly every client takes one of them, and the rare one that
/// takes neither (or the static export) gets the gzip copy inflated, which is
/// cheap. Holding every page in three encodings made memory follow the size
/// of the installation.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The body as rendered, when there is no gzip copy to inflate it from.
    identity: Option<Bytes>,
    /// Strong validator: a hash of the body, quoted.
    pub etag: String,
    pub content_type: &'static str,
    /// The body gzipped, absent when it is small or gzip does not shrink it.
    pub gzip: Option<Encoded>,
    /// The body in brotli, on the same terms.
    pub brotli: Option<Encoded>,
}

/// Another representation of a [`Rendered`] body, with its own validator:
/// strong ETags name one representation, not the resource.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub body: Bytes,
    pub etag: String,
}

impl Rendered {
    /// HTML and XML bodies are cleaned of the characters XML forbids first
    /// (see [`xml_chars`]): every public page, feed and badge passes here.
    pub fn new(body: impl Into<Bytes>, content_type: &'static str) -> Self {
        let body = body.into();
        let cleaned = match xml_chars::is_markup(content_type) {
            true => match xml_chars::clean(&body) {
                Cow::Owned(bytes) => Some(Bytes::from(bytes)),
                Cow::Borrowed(_) => None,
            },
            false => None,
        };
        let body = cleaned.unwrap_or(body);
        let hash = fnv1a(&body);
        let copy = |bytes: Bytes, suffix: &str| Encoded {
            body: bytes,
            etag: format!("\"{hash:016x}-{suffix}\""),
        };
        let gzip = encoding::gzip(&body).map(|b| copy(b, "gz"));
        Self {
            etag: format!("\"{hash:016x}\""),
            brotli: encoding::brotli(&body).map(|b| copy(b, "br")),
            identity: gzip.is_none().then_some(body),
            gzip,
            content_type,
        }
    }

    /// The body as rendered: kept, or inflated from the gzip copy. Fails only
    /// if that copy (made in this process) were corrupt.
    pub fn body(&self) -> std::io::Result<Bytes> {
        match (&self.identity, &self.gzip) {
            (Some(body), _) => Ok(body.clone()),
            (None, Some(gz)) => encoding::gunzip(&gz.body),
            (None, None) => Ok(Bytes::new()),
        }
    }

    /// Bytes held in memory for this body, all copies together.
    pub fn held(&self) -> usize {
        let copies = [&self.gzip, &self.brotli];
        let copies = copies.iter().filter_map(|c| c.as_ref());
        self.identity.as_ref().map_or(0, Bytes::len) + copies.map(|c| c.body.len()).sum::<usize>()
    }

    /// 200 with the body, or 304 when the client already has this version.
    /// Compressed when the client accepts a coding this body has a copy in
    /// (brotli before gzip at equal weight).
    pub fn respond(&self, req: &HttpRequest, cache_control: &'static str) -> HttpResponse {
        // Brotli first: it wins a tie. No allocation on this path.
        let offered = [
            self.brotli.as_ref().map(|_| Coding::Brotli),
            self.gzip.as_ref().map(|_| Coding::Gzip),
        ];
        let coding = encoding::choose(req.headers(), offered.into_iter().flatten());
        let (body, etag) = match self.copy(coding) {
            Some(copy) => (Ok(copy.body.clone()), &copy.etag),
            None => (self.body(), &self.etag),
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
        if self.brotli.is_some() || self.gzip.is_some() {
            res.insert_header((header::VARY, "Accept-Encoding"));
        }
        if fresh {
            return res.finish();
        }
        let body = match body {
            Ok(body) => body,
            Err(e) => {
                tracing::error!(error = %e, "a pre-rendered body could not be inflated");
                return HttpResponse::InternalServerError().finish();
            }
        };
        if coding != Coding::Identity {
            res.insert_header((header::CONTENT_ENCODING, coding.token()));
        }
        res.content_type(self.content_type).body(body)
    }

    fn copy(&self, coding: Coding) -> Option<&Encoded> {
        match coding {
            Coding::Identity => None,
            Coding::Gzip => self.gzip.as_ref(),
            Coding::Brotli => self.brotli.as_ref(),
        }
    }
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

/// Every public page, rendered together from one state, and that state.
#[derive(Debug)]
pub struct Snapshot {
    pub view: crate::read::view::View,
    pub index: Rendered,
    /// `/incidents/{id}` by incident and maintenance id.
    pub incidents: std::collections::HashMap<crate::incidents::RecordId, Arc<Rendered>>,
    /// `/components/{id}`, rendered on demand from `view` (see
    /// [`super::component_pages`]).
    pub components: Arc<super::component_pages::ComponentPages>,
    /// `/history` at index 0 (the newest page), `/history?page=N` at index N
    /// (pages counted from the oldest; see `pages::history`).
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

/// The pipeline's view of the page: each state it publishes is rendered into
/// a new snapshot (reusing what did not change in the previous one), and the
/// live export, if any, is woken.
pub struct Publisher {
    pub snapshots: Arc<Snapshots>,
    /// A wake-up nobody waits for is kept, once, so renders during an
    /// export fold into one.
    pub rendered: Arc<tokio::sync::Notify>,
}

impl crate::pipeline::Publish for Publisher {
    fn publish(&self, view: crate::read::View) {
        let previous = self.snapshots.current();
        let snapshot = super::render::render(view, Some(&previous));
        self.snapshots.replace(snapshot);
        self.rendered.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use actix_web::http::header;
    use actix_web::test::TestRequest;

    use super::Rendered;

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
        let gz = page.gzip.as_ref().expect("a long page is gzipped");
        let br = page.brotli.as_ref().expect("a long page is in brotli");
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
        let body = page.body().expect("our own gzip");
        assert_eq!(body.len(), 3600);
        assert!(page.identity.is_none());
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
        assert!(tiny.gzip.is_none() && tiny.brotli.is_none());
        assert_eq!(tiny.body().expect("kept as it is"), "tiny");
        let res = ask(&tiny, &[(header::ACCEPT_ENCODING, "br, gzip")]);
        assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
        assert!(res.headers().get(header::VARY).is_none());
    }

    #[test]
    fn respond_serves_the_representation_the_client_accepts() {
        let page = page();
        let (gz, br) = (page.gzip.clone().unwrap(), page.brotli.clone().unwrap());
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
        let gz = page.gzip.clone().expect("compressed").etag;
        let br = page.brotli.clone().expect("compressed").etag;
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
}
