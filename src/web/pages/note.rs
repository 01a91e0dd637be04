//! An update's text as HTML: an engineer's as written (paragraphs, links,
//! always escaped), Candor's own notes in words with every time they name
//! marked up as a `<time datetime>`, as every other time on the pages is (so
//! the page script can show it in the visitor's zone).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

use crate::incidents::{Said, UpdateText};
use crate::lang::Lang;
use crate::markup;
use crate::read::{time, words};

/// The text of an update, in the site's zone `tz`.
pub fn body(lang: Lang, text: &UpdateText, tz: Tz) -> Markup {
    let said = words::update(lang, text, tz);
    let UpdateText::Said(note) = text else {
        return markup::render(&said);
    };
    // The note names each time as `words::clock` writes it, in the order of
    // its evidence.
    let shown: Vec<_> = (times(note).into_iter())
        .map(|at| (at, words::clock(lang, at, tz)))
        .collect();
    html! { p { (timed(&said, &shown)) } }
}

/// Words that name times, each time (as shown there) marked up as a
/// `<time datetime>`: the sentence is cut where each one is found, in order;
/// one not found is skipped.
pub fn timed(said: &str, times: &[(DateTime<Utc>, String)]) -> Markup {
    let mut pieces = Vec::new();
    let mut rest: &str = said;
    for (at, shown) in times {
        if let Some(start) = rest.find(shown.as_str()) {
            let end = start + shown.len();
            pieces.push((&rest[..start], Some((*at, &rest[start..end]))));
            rest = &rest[end..];
        }
    }
    pieces.push((rest, None));
    html! {
        @for (text, at) in pieces {
            (markup::inline(text))
            @if let Some((at, shown)) = at {
                time datetime=(time::iso(at)) { (shown) }
            }
        }
    }
}

/// The times a note's evidence names, in its order.
fn times(note: &Said) -> Vec<DateTime<Utc>> {
    let evidence = match note {
        Said::Detected { evidence }
        | Said::Now { evidence, .. }
        | Said::Joined { evidence, .. }
        | Said::FailingAgain { evidence, .. } => evidence.as_slice(),
        _ => &[],
    };
    evidence.iter().filter_map(|e| e.since).collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::{ComponentStatus, Evidence, Reason};

    fn evidence(check: &str, since: Option<DateTime<Utc>>) -> Evidence {
        Evidence {
            seen_from: None,
            check: check.to_owned(),
            reason: Some(Reason::HttpStatus { code: 503 }),
            runs: 3,
            since,
        }
    }

    #[test]
    fn each_time_of_the_evidence_is_a_time_element_in_the_site_zone() {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 13, 2, 0).unwrap();
        let later = at + chrono::Duration::minutes(5);
        let note = UpdateText::Said(Said::Joined {
            component: "Payments".into(),
            status: ComponentStatus::MajorOutage,
            evidence: vec![
                evidence("API health", Some(at)),
                evidence("https://pay.example/health", Some(later)),
                evidence("Queue", None),
            ],
        });
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let out = body(Lang::english(), &note, berlin).into_string();
        assert!(
            out.starts_with("<p>Payments is affected too: major outage. API health: HTTP 503"),
            "{out}"
        );
        assert!(
            out.contains(
                " since <time datetime=\"2026-11-22T13:02:00Z\">14:02 CET</time>. \
                 <a href=\"https://pay.example/health\" rel=\"nofollow noopener\">"
            ),
            "{out}"
        );
        assert!(
            out.contains("since <time datetime=\"2026-11-22T13:07:00Z\">14:07 CET</time>. Queue:"),
            "{out}"
        );
        assert_eq!(out.matches("<time").count(), 2, "{out}");
    }

    #[test]
    fn an_engineers_text_is_shown_as_written() {
        let text = UpdateText::Written("Fixed at 14:02 <b>UTC</b>.\n\nMore.".into());
        assert_eq!(
            body(Lang::english(), &text, chrono_tz::UTC).into_string(),
            "<p>Fixed at 14:02 &lt;b&gt;UTC&lt;/b&gt;.</p><p>More.</p>"
        );
    }
}
