//! Characters XML 1.0 forbids, taken out of every HTML, SVG and feed body.
//!
//! Engineers' input with control characters is refused at the door
//! (`incidents::input`), but records stored before that check, and strings in
//! `checks.toml` (TOML's `\u001B` escapes), can still hold them. One ESC in an
//! incident name made `/feed.atom` and `/feed.rss` unreadable for every reader
//! (not well-formed XML), and NUL reached the HTML raw; so the rendered bodies
//! are cleaned once more on the way out, here.
//!
//! XML 1.0's `Char` allows tab, LF, CR, and everything from U+0020 up except
//! surrogates (which Rust strings cannot hold) and U+FFFE and U+FFFF. Each
//! forbidden character becomes U+FFFD, so readers see that something was
//! there. The check works on UTF-8 bytes: a C0 control byte never occurs
//! inside a multi-byte sequence, and U+FFFE / U+FFFF are `EF BF BE` / `EF BF
//! BF`, which only ever encode those characters.

use std::borrow::Cow;

/// U+FFFD, REPLACEMENT CHARACTER, in UTF-8.
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// `body` with every character XML 1.0 forbids replaced by U+FFFD; borrowed
/// (no copy) when there is none, which is nearly always.
pub fn clean(body: &[u8]) -> Cow<'_, [u8]> {
    // A byte test the compiler vectorizes rules out nearly every body (at
    // 1,000 components `/` is half a megabyte per render); only one with a
    // control byte or an 0xEF lead byte is read character by character.
    let suspect = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xef;
    let any_in = |chunk: &[u8]| chunk.iter().fold(false, |found, b| found | suspect(*b));
    if !body.chunks(64).any(any_in) || !(0..body.len()).any(|i| forbidden_at(body, i) > 0) {
        return Cow::Borrowed(body);
    }
    let mut out = Vec::with_capacity(body.len() + 8);
    let mut i = 0;
    while i < body.len() {
        match forbidden_at(body, i) {
            0 => {
                out.push(body[i]);
                i += 1;
            }
            len => {
                out.extend_from_slice(REPLACEMENT);
                i += len;
            }
        }
    }
    Cow::Owned(out)
}

/// [`clean`] for a body made as a `String` (pages built per request).
pub fn clean_string(body: String) -> String {
    match clean(body.as_bytes()) {
        Cow::Borrowed(_) => body,
        // Valid UTF-8 in, whole characters replaced by a whole character.
        Cow::Owned(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Whether a content type is one this cleaning applies to: HTML, and XML of
/// any kind (Atom, RSS, SVG).
pub fn is_markup(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or_default().trim();
    mime == "text/html" || mime.ends_with("/xml") || mime.ends_with("+xml")
}

/// The length in bytes of the forbidden character starting at `i`, or 0.
fn forbidden_at(body: &[u8], i: usize) -> usize {
    match body[i] {
        b'\t' | b'\n' | b'\r' => 0,
        0x00..=0x1f => 1,
        0xef if matches!(body.get(i + 1..i + 3), Some([0xbf, 0xbe | 0xbf])) => 3,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_become_replacement_characters() {
        let dirty = "a\u{0}b\u{1}c\u{8}d\u{b}e\u{c}f\u{1b}g\u{fffe}h\u{ffff}i";
        let cleaned = clean_string(dirty.to_owned());
        assert_eq!(cleaned, "a�b�c�d�e�f�g�h�i");
    }

    #[test]
    fn allowed_text_is_left_alone_and_not_copied() {
        let fine = "tab\tline\ncr\r café ✓ \u{fffd} \u{fffc} \u{10000} \u{7f}";
        assert!(matches!(clean(fine.as_bytes()), Cow::Borrowed(_)));
    }

    #[test]
    fn a_stored_record_with_control_characters_reaches_no_page_raw() {
        use crate::web::render::{fixtures::*, render};
        let mut i = incident("x", "Checkout\u{0}\u{1b} down", at(10, 0));
        i.updates[0].body = "On it\u{0}\u{1b}".into();
        let snapshot = render(view(config(), book(vec![i], vec![]), at(10, 1)), None);
        let record = (snapshot.incidents.iter().next())
            .map(|(_, page)| page)
            .expect("the incident's page");
        let pages = [&snapshot.index, record];
        for page in pages {
            let body = page.body().expect("our own gzip");
            let text = String::from_utf8_lossy(&body);
            assert!(text.contains("Checkout\u{fffd}\u{fffd} down"), "{text}");
            assert!(!text.contains(['\u{0}', '\u{1b}']), "{text}");
        }
    }

    #[test]
    fn markup_types_are_html_and_every_xml() {
        for t in [
            "text/html; charset=utf-8",
            "application/atom+xml; charset=utf-8",
            "application/rss+xml",
            "image/svg+xml",
            "text/xml",
        ] {
            assert!(is_markup(t), "{t}");
        }
        for t in ["application/json", "text/css", "text/plain"] {
            assert!(!is_markup(t), "{t}");
        }
    }
}
