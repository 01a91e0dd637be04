//! One pre-rendered response body and its compressed copies.
//!
//! The copies are made once per body, not per request, but not while the
//! body is rendered either: compressing `/` and the Statuspage JSON at 1,000
//! components took most of an engineer's write (about 30 of 45 ms), and none
//! of it has to happen before the write is acknowledged. A background
//! compressor makes them right after each render (see
//! [`super::snapshot::Publisher`]); a request that needs a copy before then
//! makes it itself, once, while other requests for it wait. Only the newest
//! snapshot is compressed, so a burst of writes costs one compression, not
//! one per write.

use std::borrow::Cow;
use std::sync::{Mutex, OnceLock, PoisonError};

use actix_web::http::header::{self, HeaderMap};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};

use super::encoding::{self, Coding};
use super::xml_chars;

/// One pre-rendered response body, with compressed copies when they are worth
/// sending.
///
/// Once there is a gzip copy the body itself is not kept: the copies are 4–8
/// times smaller, nearly every client takes one of them, and the rare one that
/// takes neither (or the static export) gets the gzip copy inflated, which is
/// cheap. Holding every page in three encodings made memory follow the size
/// of the installation.
#[derive(Debug)]
pub struct Rendered {
    /// Strong validator: a hash of the body, quoted.
    pub etag: String,
    pub content_type: &'static str,
    hash: u64,
    /// The body as rendered, until a gzip copy can stand in for it.
    identity: Mutex<Option<Bytes>>,
    /// Made at most once, by whoever needs them first.
    copies: OnceLock<Copies>,
}

/// The compressed copies of a body, each absent when the body is small or
/// the coding does not shrink it.
#[derive(Debug, Clone, Default)]
pub struct Copies {
    pub gzip: Option<Encoded>,
    pub brotli: Option<Encoded>,
}

/// Another representation of a [`Rendered`] body, with its own validator:
/// strong ETags name one representation, not the resource.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub body: Bytes,
    pub etag: String,
}

impl Clone for Rendered {
    fn clone(&self) -> Self {
        Self {
            etag: self.etag.clone(),
            content_type: self.content_type,
            hash: self.hash,
            identity: Mutex::new(self.kept()),
            copies: self.copies.clone(),
        }
    }
}

impl Rendered {
    /// A body whose copies are made later, when first needed. HTML and XML
    /// bodies are cleaned of the characters XML forbids first (see
    /// [`xml_chars`]): every public page, feed and badge passes here.
    pub fn new(body: impl Into<Bytes>, content_type: &'static str) -> Self {
        let body = body.into();
        let body = match xml_chars::is_markup(content_type) {
            true => match xml_chars::clean(&body) {
                Cow::Owned(bytes) => Bytes::from(bytes),
                Cow::Borrowed(_) => body,
            },
            false => body,
        };
        let hash = body_hash(&body);
        Self {
            etag: format!("\"{hash:016x}\""),
            content_type,
            hash,
            identity: Mutex::new(Some(body)),
            copies: OnceLock::new(),
        }
    }

    /// A body with its copies made now (static assets, made once per process).
    pub fn compressed(body: impl Into<Bytes>, content_type: &'static str) -> Self {
        let rendered = Self::new(body, content_type);
        rendered.copies();
        rendered
    }

    /// The compressed copies, made now if nobody made them yet. Other callers
    /// wait for the one making them rather than compress the body again.
    pub fn copies(&self) -> &Copies {
        let copies = self.copies.get_or_init(|| {
            let Some(body) = self.kept() else {
                return Copies::default();
            };
            let copy = |bytes: Bytes, suffix: &str| Encoded {
                body: bytes,
                etag: format!("\"{:016x}-{suffix}\"", self.hash),
            };
            Copies {
                gzip: encoding::gzip(&body).map(|b| copy(b, "gz")),
                brotli: encoding::brotli(&body).map(|b| copy(b, "br")),
            }
        });
        // Dropped only once the copies are visible, so `body` always finds
        // one or the other.
        if copies.gzip.is_some() {
            self.identity
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
        }
        copies
    }

    /// Whether the copies exist yet.
    pub fn is_compressed(&self) -> bool {
        self.copies.get().is_some()
    }

    /// The body as rendered: kept, or inflated from the gzip copy. Fails only
    /// if that copy (made in this process) were corrupt.
    pub fn body(&self) -> std::io::Result<Bytes> {
        if let Some(body) = self.kept() {
            return Ok(body);
        }
        match self.copies.get().and_then(|c| c.gzip.as_ref()) {
            Some(gz) => encoding::gunzip(&gz.body),
            None => Ok(Bytes::new()),
        }
    }

    fn kept(&self) -> Option<Bytes> {
        (self.identity.lock())
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Bytes held in memory for this body, all copies together.
    pub fn held(&self) -> usize {
        let copies = self.copies.get().into_iter();
        let copies = copies.flat_map(|c| [&c.gzip, &c.brotli]).flatten();
        self.kept().map_or(0, |b| b.len()) + copies.map(|c| c.body.len()).sum::<usize>()
    }

    /// Whether a coding might shrink the body: then the answer depends on
    /// `Accept-Encoding` (decided without compressing anything).
    fn may_compress(&self) -> bool {
        match self.copies.get() {
            Some(c) => c.gzip.is_some() || c.brotli.is_some(),
            None => self.kept().is_some_and(|b| encoding::worth_compressing(&b)),
        }
    }

    /// 200 with the body, or 304 when the client already has this version.
    /// Compressed when the client accepts a coding this body has a copy in
    /// (brotli before gzip at equal weight).
    pub fn respond(&self, req: &HttpRequest, cache_control: &'static str) -> HttpResponse {
        let vary = self.may_compress();
        let coding = if vary {
            self.coding(req.headers())
        } else {
            Coding::Identity
        };
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
        if vary {
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

    /// The coding to answer in. The copies are made only for a client that
    /// would take one of them.
    fn coding(&self, headers: &HeaderMap) -> Coding {
        // Brotli first: it wins a tie.
        let both = [Coding::Brotli, Coding::Gzip];
        if encoding::choose(headers, both) == Coding::Identity {
            return Coding::Identity;
        }
        let copies = self.copies();
        let offered = [
            copies.brotli.as_ref().map(|_| Coding::Brotli),
            copies.gzip.as_ref().map(|_| Coding::Gzip),
        ];
        encoding::choose(headers, offered.into_iter().flatten())
    }

    fn copy(&self, coding: Coding) -> Option<&Encoded> {
        let copies = self.copies.get()?;
        match coding {
            Coding::Identity => None,
            Coding::Gzip => copies.gzip.as_ref(),
            Coding::Brotli => copies.brotli.as_ref(),
        }
    }
}

/// A body's hash, for its ETag: fixed seed, so the same body keeps its ETag
/// across restarts (and caches their 304s).
fn body_hash(body: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x6361_6e64_6f72).hash_one(body)
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

#[cfg(test)]
mod tests;
