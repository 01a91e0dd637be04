//! Content codings of the public bodies: each compressed once per render (not
//! per request), and one chosen per request from `Accept-Encoding`
//! (RFC 9110 §12.5.3).

use std::io::Write;

use actix_web::http::header::{self, HeaderMap};
use actix_web::web::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;

/// Smaller bodies fit in one packet anyway; a coding's header would eat the gain.
const MIN_LEN: usize = 1024;
/// Best gzip: it runs once per render, not once per request.
const GZIP_LEVEL: u32 = 9;
/// Brotli's knee on the 50-component page (`cargo bench --bench precompress`):
/// as small as quality 9 at a fifth of its time, ~0.5 ms; 11 saves another
/// 15 % for 100 times the time.
const BROTLI_QUALITY: i32 = 5;
/// Brotli's default window (4 MiB): the largest used. A body gets the
/// smallest window that holds it whole (the same output), because the encoder
/// allocates a ring buffer of the window's size: 4 MiB for every 60 KB page
/// made the allocator hold megabytes per render.
const BROTLI_MAX_WINDOW: u32 = 22;
/// The smallest window used: 128 KiB. Below 17 bits the brotli crate picks a
/// hasher it does not implement (H40, for windows of 64 KiB or less) and falls
/// back to H6 with its default table of 2^23 entries: 32 MiB zeroed for every
/// body under 64 KB, which made each page compression take 4.5 ms and was the
/// largest allocation in the process (heaptrack on 1,000 components). From 17
/// bits it uses H5, whose table is 1 MiB: 0.7 ms and the same size of output
/// to within a few bytes (`cargo bench --bench precompress`).
const BROTLI_MIN_WINDOW: u32 = 17;

/// A representation a body may be sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Coding::Identity => "identity",
            Coding::Gzip => "gzip",
            Coding::Brotli => "br",
        }
    }
}

/// Whether `body` is long enough for a coding to be worth trying.
pub fn worth_compressing(body: &[u8]) -> bool {
    body.len() >= MIN_LEN
}

/// `body` gzipped, when it is long enough and gzip makes it shorter.
pub fn gzip(body: &[u8]) -> Option<Bytes> {
    if !worth_compressing(body) {
        return None;
    }
    let mut encoder = GzEncoder::new(Vec::new(), Compression::new(GZIP_LEVEL));
    // Writing into a Vec cannot fail; `ok()?` only avoids a panic path.
    encoder.write_all(body).ok()?;
    let gz = encoder.finish().ok()?;
    (gz.len() < body.len()).then(|| Bytes::from(gz))
}

/// A gzip body inflated again (for a client that accepts no coding).
pub fn gunzip(gz: &[u8]) -> std::io::Result<Bytes> {
    use std::io::Read;
    let mut out = Vec::with_capacity(gz.len() * 6);
    flate2::read::GzDecoder::new(gz).read_to_end(&mut out)?;
    Ok(Bytes::from(out))
}

/// `body` in brotli, when it is long enough and brotli makes it shorter.
pub fn brotli(body: &[u8]) -> Option<Bytes> {
    if !worth_compressing(body) {
        return None;
    }
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: window_bits(body.len()),
        size_hint: body.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(body.len() / 4);
    // Reading a slice into a Vec cannot fail; `ok()?` only avoids a panic path.
    brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
    (out.len() < body.len()).then(|| Bytes::from(out))
}

/// log2 of the smallest brotli window that holds `len` bytes, within
/// brotli's bounds.
fn window_bits(len: usize) -> i32 {
    let bits = usize::BITS - len.saturating_sub(1).leading_zeros();
    bits.clamp(BROTLI_MIN_WINDOW, BROTLI_MAX_WINDOW) as i32
}

/// The coding to send: among `offered` (a body's copies, in order of
/// preference when weights tie), the one the client weighs highest, above 0
/// and not below an explicit weight for identity. Otherwise identity, which is
/// always sent rather than a 406. An absent header gets identity.
pub fn choose(headers: &HeaderMap, offered: impl IntoIterator<Item = Coding>) -> Coding {
    let w = Weights::of(headers);
    let identity = w.identity.or(w.any);
    let mut best = (Coding::Identity, 0);
    for coding in offered {
        let q = w.weight(coding);
        if q > best.1 && identity.is_none_or(|i| q >= i) {
            best = (coding, q);
        }
    }
    best.0
}

/// The weights (in thousandths) an `Accept-Encoding` gives the codings we know.
#[derive(Debug, Default)]
struct Weights {
    gzip: Option<u16>,
    brotli: Option<u16>,
    identity: Option<u16>,
    any: Option<u16>,
}

impl Weights {
    fn of(headers: &HeaderMap) -> Self {
        let mut w = Self::default();
        let items = headers
            .get_all(header::ACCEPT_ENCODING)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','));
        for item in items {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let slot = match coding.to_ascii_lowercase().as_str() {
                "gzip" | "x-gzip" => &mut w.gzip,
                "br" => &mut w.brotli,
                "identity" => &mut w.identity,
                "*" => &mut w.any,
                _ => continue,
            };
            // A malformed weight makes the item unreadable: it is ignored.
            if let Some(q) = weight(parts) {
                *slot = Some(slot.map_or(q, |old: u16| old.max(q)));
            }
        }
        w
    }

    /// A coding not named takes the wildcard's weight, else is not acceptable.
    fn weight(&self, coding: Coding) -> u16 {
        let named = match coding {
            Coding::Gzip => self.gzip,
            Coding::Brotli => self.brotli,
            Coding::Identity => self.identity,
        };
        named.or(self.any).unwrap_or(0)
    }
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

#[cfg(test)]
mod tests;
