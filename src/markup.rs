//! Engineers' plain text (update bodies, cause, workaround, postmortem) as HTML:
//! blank lines separate paragraphs, single newlines become `<br>`, and http(s)
//! URLs become links. The text is split into segments and each goes through
//! maud, so it is always escaped: nothing here is `PreEscaped`.

use linkify::{LinkFinder, LinkKind};
use maud::{Markup, html};

/// `text` as paragraphs; nothing at all when it is blank.
pub fn render(text: &str) -> Markup {
    let finder = finder();
    html! {
        @for para in paragraphs(text) {
            p {
                @for (n, line) in para.iter().enumerate() {
                    @if n > 0 { br; }
                    (linked(&finder, line))
                }
            }
        }
    }
}

/// One line of text with its http(s) URLs made links, without a paragraph
/// around it: a piece of a sentence the caller puts together.
pub fn inline(text: &str) -> Markup {
    linked(&finder(), text)
}

/// Lines grouped into paragraphs at blank (or whitespace-only) lines.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// URLs only (no e-mail addresses), and only with an explicit scheme.
fn finder() -> LinkFinder {
    let mut f = LinkFinder::new();
    f.kinds(&[LinkKind::Url]);
    f.url_must_have_scheme(true);
    f
}

/// One line, its http(s) URLs made links; anything else (`javascript:`,
/// `data:`, `ftp:`) stays text.
fn linked(finder: &LinkFinder, line: &str) -> Markup {
    html! {
        @for span in finder.spans(line) {
            @if span.kind().is_some() && is_web(span.as_str()) {
                a href=(span.as_str()) rel="nofollow noopener" { (span.as_str()) }
            } @else {
                (span.as_str())
            }
        }
    }
}

fn is_web(url: &str) -> bool {
    let has = |scheme: &str| {
        url.get(..scheme.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(scheme))
    };
    has("http://") || has("https://")
}

#[cfg(test)]
mod tests {
    use super::render;

    fn html(text: &str) -> String {
        render(text).into_string()
    }

    #[test]
    fn markup_in_engineers_text_is_shown_as_text() {
        let out = html("<script>alert(1)</script> & \"quotes\"");
        assert_eq!(
            out,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</p>"
        );
    }

    #[test]
    fn blank_lines_make_paragraphs_and_single_newlines_breaks() {
        assert_eq!(
            html("First line\nsecond line\n\n  \r\nNext paragraph\r\n"),
            "<p>First line<br>second line</p><p>Next paragraph</p>"
        );
        assert_eq!(html("  \n\n"), "");
    }

    #[test]
    fn web_urls_become_links_without_the_punctuation_after_them() {
        assert_eq!(
            html("Details: https://example.com/status/123."),
            "<p>Details: <a href=\"https://example.com/status/123\" \
             rel=\"nofollow noopener\">https://example.com/status/123</a>.</p>"
        );
        let out = html("(see http://example.com/a?b=1&c=2), then retry");
        assert!(
            out.contains(
                "(see <a href=\"http://example.com/a?b=1&amp;c=2\" rel=\"nofollow noopener\">\
                 http://example.com/a?b=1&amp;c=2</a>), then retry"
            ),
            "{out}"
        );
    }

    #[test]
    fn only_http_and_https_links_are_made() {
        for text in [
            "javascript:alert(1)",
            "click javascript://example.com/%0aalert(1)",
            "ftp://example.com/file",
            "data:text/html,<b>x</b>",
            "mail ops@example.com",
        ] {
            let out = html(text);
            assert!(!out.contains("<a"), "{text} became {out}");
        }
    }

    #[test]
    fn a_url_cannot_break_out_of_its_attribute() {
        let out = html("https://example.com/\"onmouseover=\"alert(1)");
        assert!(!out.contains("\"onmouseover"), "{out}");
        assert!(!out.contains("<script"), "{out}");
    }
}
