//! Where a component is checked from, when that is anywhere but this
//! instance alone: each place's status, response time and last result; a
//! failure not confirmed by enough places ("seen from Virginia only"); and
//! silence, which is no data, not an outage.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

use crate::lang::Lang;
use crate::model::Outcome;
use crate::read::view::{Place, Places};
use crate::read::{time, words};
use crate::say;

/// The "Checked from" section of a component page; nothing for a component
/// checked from this instance alone.
pub fn section(l: Lang, places: &Places, now: DateTime<Utc>, tz: Tz) -> Markup {
    if places.places.is_empty() {
        return html! {};
    }
    html! {
        section aria-labelledby="places-title" {
            h2 #places-title { (l.say("checked-from")) }
            @if places.unchecked() {
                p.notice.notice--warn { (l.say("places-unchecked")) }
            }
            @for f in &places.unconfirmed {
                p.notice.notice--warn {
                    (say!(l, "places-unconfirmed", places = only(l, f), findings = words::findings(l, std::slice::from_ref(f))))
                }
            }
            ul.places {
                @for p in &places.places {
                    li.places__item { (place(l, p, now, tz)) }
                }
            }
        }
    }
}

/// The names a not-confirmed failure was seen from.
fn only(l: Lang, f: &crate::model::Finding) -> String {
    f.seen_from
        .as_ref()
        .map_or_else(String::new, |s| words::and_list(l, &s.failing))
}

/// "Virginia: Failing · 812 ms · last result 14:02:31 CET", or "Virginia:
/// No data since 14:02 CET".
pub fn place(l: Lang, p: &Place, now: DateTime<Utc>, tz: Tz) -> Markup {
    html! {
        strong { (p.name) } ": "
        @match (p.health, &p.last) {
            (Some(health), Some(last)) => {
                (super::sentence(
                    &say!(l, "place-result", health = label(l, health), ms = last.duration_ms, at = super::MARK),
                    html! { time datetime=(time::iso(last.at)) { (time::precise(l, last.at, tz)) } },
                ))
            }
            (_, Some(last)) => {
                (super::sentence(
                    &say!(l, "place-no-data-since", at = super::MARK),
                    html! { time datetime=(time::iso(last.at)) { (time::short(l, last.at, now, tz)) } },
                ))
            }
            (_, None) => (l.say("place-no-data")),
        }
    }
}

pub fn label(l: Lang, health: Outcome) -> String {
    l.say(&format!("health-{}", health.as_str()))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::engine::LastResult;
    use crate::model::{Finding, LocationId, Reason, SeenFrom};

    fn at(sec: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_790_000_000 + sec, 0).single().unwrap()
    }

    fn place(name: &str, health: Option<Outcome>, last: Option<i64>) -> Place {
        Place {
            location: LocationId::parse(&name.to_lowercase()).unwrap(),
            name: name.into(),
            health,
            last: last.map(|s| LastResult {
                at: at(s),
                duration_ms: 812,
                outcome: Outcome::Down,
                reason: None,
            }),
        }
    }

    #[test]
    fn each_place_says_its_status_or_since_when_it_is_silent() {
        let places = Places {
            places: vec![
                place("Frankfurt", Some(Outcome::Up), Some(100)),
                place("Virginia", Some(Outcome::Down), Some(100)),
                place("Singapore", None, Some(-600)),
                place("Sydney", None, None),
            ],
            unconfirmed: vec![Finding {
                check: "API health".into(),
                reason: Some(Reason::HttpStatus { code: 503 }),
                seen_from: Some(SeenFrom {
                    failing: vec!["Virginia".into()],
                    fine: vec!["Frankfurt".into()],
                }),
            }],
        };
        let html = section(Lang::english(), &places, at(120), Tz::UTC).into_string();
        for expected in [
            "<strong>Frankfurt</strong>: Operational · 812 ms · last result",
            "<strong>Virginia</strong>: Failing",
            "<strong>Singapore</strong>: No data since <time datetime=\"2026-09-21T14:03:20Z\">",
            "<strong>Sydney</strong>: No data yet",
            "Problem seen from Virginia only: API health: HTTP 503 Service Unavailable from Virginia (Frankfurt fine). The other locations",
        ] {
            assert!(html.contains(expected), "{expected:?} not in {html}");
        }
        assert!(!html.contains("Not being checked"));
        let silent = Places {
            places: vec![place("Virginia", None, Some(0))],
            unconfirmed: Vec::new(),
        };
        assert!(
            section(Lang::english(), &silent, at(120), Tz::UTC)
                .into_string()
                .contains("Not being checked right now")
        );
        assert!(
            section(Lang::english(), &Places::default(), at(0), Tz::UTC)
                .into_string()
                .is_empty()
        );
    }
}
