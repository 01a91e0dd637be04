//! The why and the promise in English.

use chrono::{TimeZone, Utc};

use super::*;
use crate::model::Reason;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, h, m, 0).unwrap()
}

fn evidence(check: &str, reason: Option<Reason>, seen_from: Option<SeenFrom>) -> Evidence {
    Evidence {
        seen_from,
        check: check.into(),
        reason,
        runs: 3,
        since: Some(at(13, 2)),
    }
}

fn seen(component: &str, evidence: Vec<Evidence>) -> Seen {
    Seen {
        component: component.into(),
        evidence,
    }
}

fn http(code: u16) -> Option<Reason> {
    Some(Reason::HttpStatus { code })
}

fn en() -> Lang {
    Lang::english()
}

fn berlin() -> Tz {
    "Europe/Berlin".parse().unwrap()
}

#[test]
fn evidence_from_one_location_is_the_why_with_its_time_in_the_site_zone() {
    let one = [seen(
        "Public API",
        vec![evidence("API health", http(503), None)],
    )];
    assert_eq!(
        checks(en(), &one, false, berlin()),
        "The check “API health” of Public API reports HTTP 503 Service Unavailable since 14:02 CET."
    );
    assert_eq!(checks_times(&one), [at(13, 2)]);
}

#[test]
fn evidence_from_several_locations_says_from_how_many_and_which() {
    let from = |failing: &[&str], fine: &[&str]| {
        Some(SeenFrom {
            failing: failing.iter().map(|s| s.to_string()).collect(),
            fine: fine.iter().map(|s| s.to_string()).collect(),
        })
    };
    let two_of_three = [seen(
        "Public API",
        vec![evidence(
            "API health",
            http(503),
            from(&["Frankfurt", "Virginia"], &["Singapore"]),
        )],
    )];
    assert_eq!(
        checks(en(), &two_of_three, false, chrono_tz::UTC),
        "The check “API health” of Public API reports HTTP 503 Service Unavailable \
         from 2 of 3 locations (Frankfurt and Virginia) since 13:02 UTC."
    );
    let everywhere = [seen(
        "Payments",
        vec![evidence(
            "Pay health",
            Some(Reason::ConnectionRefused),
            from(&["A", "B", "C"], &[]),
        )],
    )];
    assert_eq!(
        checks(en(), &everywhere, false, chrono_tz::UTC),
        "The check “Pay health” of Payments reports connection refused from all 3 locations since 13:02 UTC."
    );
}

#[test]
fn several_checks_are_a_sentence_each_and_past_three_counted() {
    let mut e = evidence("DB", None, None);
    e.since = None;
    let list = [
        seen(
            "Public API",
            vec![evidence("API health", http(503), None), e],
        ),
        seen("Payments", vec![evidence("Pay health", http(502), None)]),
    ];
    assert_eq!(
        checks(en(), &list, false, chrono_tz::UTC),
        "The check “API health” of Public API reports HTTP 503 Service Unavailable since 13:02 UTC. \
         The check “DB” of Public API fails. \
         The check “Pay health” of Payments reports HTTP 502 Bad Gateway since 13:02 UTC."
    );
    let many: Vec<Seen> = (1..=5)
        .map(|n| seen(&format!("C{n}"), vec![evidence("health", http(503), None)]))
        .collect();
    let said = checks(en(), &many, false, chrono_tz::UTC);
    assert!(
        said.contains("of C3 reports") && !said.contains("C4"),
        "{said}"
    );
    assert!(said.ends_with("And 2 more checks fail."), "{said}");
    assert_eq!(checks_times(&many).len(), 3, "only the times said");
}

#[test]
fn evidence_of_checks_passing_again_is_in_the_past_without_the_reason() {
    let one = [seen(
        "Public API",
        vec![evidence("API health", http(503), None)],
    )];
    assert_eq!(
        checks(en(), &one, true, chrono_tz::UTC),
        "The check “API health” of Public API failed from 13:02 UTC; it passes again."
    );
}

#[test]
fn a_finding_an_older_build_stored_as_a_sentence_is_shown_as_it_was() {
    let old = [seen(
        "Public API",
        vec![evidence(
            "",
            Some(Reason::other("API health: HTTP 500")),
            None,
        )],
    )];
    assert_eq!(
        checks(en(), &old, false, chrono_tz::UTC),
        "Public API: API health: HTTP 500 since 13:02 UTC."
    );
}

#[test]
fn each_kind_of_why_has_its_words() {
    let tz = chrono_tz::UTC;
    let url = "https://status.example/incidents/abc#postmortem";
    let cause = Grounds::Cause {
        text: "A failed deploy.".into(),
    };
    assert_eq!(why(en(), &cause, tz, url), "A failed deploy.");
    assert_eq!(
        why(en(), &Grounds::Investigating, tz, url),
        "Under investigation"
    );
    assert_eq!(
        why(en(), &Grounds::NotPublished, tz, url),
        "Cause not yet published"
    );
    assert_eq!(
        why(en(), &Grounds::Postmortem, tz, url),
        "Read the postmortem: https://status.example/incidents/abc#postmortem"
    );
    let checks = Grounds::Checks {
        seen: vec![seen(
            "Public API",
            vec![evidence("API health", http(503), None)],
        )],
        passing: false,
    };
    assert!(
        why(en(), &checks, tz, url).starts_with("The check “API health” of Public API reports")
    );
    assert_eq!(
        why_line(en(), "Cause not yet published"),
        "Why: Cause not yet published"
    );
}

#[test]
fn the_promise_and_its_lapse_in_words() {
    assert_eq!(
        next_update_by(en(), "14:32 UTC"),
        "Next update by 14:32 UTC"
    );
    assert_eq!(
        update_overdue_since(en(), "14:32 UTC"),
        "Update overdue since 14:32 UTC"
    );
}

#[test]
fn the_why_and_the_promise_in_spanish() {
    let es = Lang::parse("es").expect("a Spanish file");
    let from = Some(SeenFrom {
        failing: vec!["Frankfurt".into(), "Virginia".into()],
        fine: vec!["Singapore".into()],
    });
    let one = [seen(
        "Public API",
        vec![evidence("API health", http(503), from)],
    )];
    assert_eq!(
        checks(es, &one, false, chrono_tz::UTC),
        "La comprobación «API health» de Public API indica HTTP 503 Service Unavailable \
         desde 2 de 3 ubicaciones (Frankfurt y Virginia) desde las 13:02 UTC."
    );
    assert_eq!(
        why(es, &Grounds::NotPublished, chrono_tz::UTC, ""),
        "Causa aún no publicada"
    );
    assert_eq!(
        next_update_by(es, "14:32 UTC"),
        "Próxima actualización hacia las 14:32 UTC"
    );
    assert_eq!(
        update_overdue_since(es, "14:32 UTC"),
        "Actualización atrasada desde las 14:32 UTC"
    );
}
