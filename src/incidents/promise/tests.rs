use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::config::{Config, Incidents as Rules};
use crate::incidents::auto::{self, Observed};
use crate::incidents::input::{IncidentInput, UpdateInput};
use crate::incidents::{Book, IncidentId, IncidentStatus};
use crate::model::{Reason, SeenFrom};

const RULES: Rules = Rules::AT_ONCE;

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 14, 0, 0).unwrap() + chrono::Duration::minutes(min)
}

fn config() -> Config {
    Config::parse(
        "[[components]]\nid = \"api\"\nname = \"Public API\"\n\
         [[components]]\nid = \"pay\"\nname = \"Payments\"\n",
    )
    .unwrap()
}

fn name(c: &ComponentId) -> String {
    match c.as_str() {
        "api" => "Public API".into(),
        other => other.to_uppercase(),
    }
}

fn operational(_: &ComponentId) -> ComponentStatus {
    ComponentStatus::Operational
}

fn evidence(code: u16, since: i64) -> Evidence {
    Evidence {
        seen_from: Some(SeenFrom {
            failing: vec!["Frankfurt".into(), "Virginia".into()],
            fine: vec!["Singapore".into()],
        }),
        check: "API health".into(),
        reason: Some(Reason::HttpStatus { code }),
        runs: 3,
        since: Some(t(since)),
    }
}

fn observed(id: &str, status: ComponentStatus, code: u16, since: i64) -> Observed {
    Observed {
        workaround: None,
        id: ComponentId::parse(id).unwrap(),
        name: name(&ComponentId::parse(id).unwrap()),
        group: None,
        status,
        since: t(since),
        evidence: vec![evidence(code, since)],
    }
}

/// The checks move `id` from `from` to `to` at minute `at`.
fn checks(book: &mut Book, id: &str, from: ComponentStatus, to: ComponentStatus, at: i64) {
    let seen = observed(id, to, 503, at);
    auto::on_status_change(book, &seen, from, t(at), &RULES);
}

fn fail(book: &mut Book, id: &str, at: i64) {
    let (up, down) = (ComponentStatus::Operational, ComponentStatus::MajorOutage);
    checks(book, id, up, down, at);
}

fn only(book: &Book) -> &Incident {
    assert_eq!(book.incidents.len(), 1, "{:#?}", book.incidents);
    book.incidents.values().next().unwrap()
}

fn only_id(book: &Book) -> IncidentId {
    only(book).id.clone()
}

fn post(book: &mut Book, id: &IncidentId, input: UpdateInput, at: i64) {
    let v = input.validate(&config(), t(at)).unwrap();
    book.update_incident(id, v, &operational, t(at)).unwrap();
}

fn update(status: &str) -> UpdateInput {
    UpdateInput {
        status: Some(status.into()),
        body: Some("We are on it.".into()),
        ..Default::default()
    }
}

fn components(g: &Grounds) -> Vec<&str> {
    match g {
        Grounds::Checks { seen, .. } => seen.iter().map(|s| s.component.as_str()).collect(),
        other => panic!("not the checks' evidence: {other:?}"),
    }
}

#[test]
fn an_automatic_incident_without_a_cause_rests_on_its_evidence_not_under_investigation() {
    let mut book = Book::default();
    fail(&mut book, "api", 0);
    let g = grounds(only(&book), &name, &nothing_now);
    let Grounds::Checks { seen, passing } = &g else {
        panic!("{g:?}")
    };
    assert!(!passing);
    assert_eq!(seen[0].component, "Public API");
    assert_eq!(seen[0].evidence, [evidence(503, 0)]);
}

#[test]
fn the_latest_evidence_of_each_component_still_failing_is_kept() {
    let mut book = Book::default();
    fail(&mut book, "api", 0);
    fail(&mut book, "pay", 1);
    assert_eq!(
        components(&grounds(only(&book), &name, &nothing_now)),
        ["Public API", "PAY"]
    );
    // Payments recovers while the API still fails: it leaves the why.
    let (up, down) = (ComponentStatus::Operational, ComponentStatus::MajorOutage);
    checks(&mut book, "pay", down, up, 2);
    assert_eq!(
        components(&grounds(only(&book), &name, &nothing_now)),
        ["Public API"]
    );
    // The API degrades instead: the newer evidence replaces the older.
    let partial = observed("api", ComponentStatus::PartialOutage, 502, 3);
    auto::on_status_change(&mut book, &partial, down, t(3), &RULES);
    let Grounds::Checks { seen, .. } = grounds(only(&book), &name, &nothing_now) else {
        panic!("no evidence")
    };
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].evidence, [evidence(502, 3)]);
}

#[test]
fn checks_passing_again_mark_the_evidence_as_past() {
    let mut book = Book::default();
    fail(&mut book, "api", 0);
    let (up, down) = (ComponentStatus::Operational, ComponentStatus::MajorOutage);
    checks(&mut book, "api", down, up, 4);
    let g = grounds(only(&book), &name, &nothing_now);
    assert!(matches!(g, Grounds::Checks { passing: true, .. }), "{g:?}");
}

#[test]
fn an_engineers_cause_wins_and_a_resolution_without_one_is_not_yet_published() {
    let mut book = Book::default();
    fail(&mut book, "api", 0);
    let id = only_id(&book);
    post(&mut book, &id, update("identified"), 5);
    assert!(
        matches!(
            grounds(only(&book), &name, &nothing_now),
            Grounds::Checks { .. }
        ),
        "an update without a cause keeps the evidence"
    );
    let cause = UpdateInput {
        cause: Some("A failed deploy.".into()),
        ..update("identified")
    };
    post(&mut book, &id, cause, 6);
    let text = "A failed deploy.".to_owned();
    assert_eq!(
        grounds(only(&book), &name, &nothing_now),
        Grounds::Cause { text }
    );
    let cleared = UpdateInput {
        cause: Some(String::new()),
        ..update("resolved")
    };
    post(&mut book, &id, cleared, 7);
    assert_eq!(
        grounds(only(&book), &name, &nothing_now),
        Grounds::NotPublished
    );
    book.write_postmortem(&id, "What happened.".into(), t(60))
        .unwrap();
    assert_eq!(
        grounds(only(&book), &name, &nothing_now),
        Grounds::Postmortem
    );
}

#[test]
fn an_engineers_incident_without_a_cause_gives_its_components_failing_checks_as_the_why() {
    let mut book = Book::default();
    let input = IncidentInput {
        name: Some("Slow logins".into()),
        status: Some("investigating".into()),
        body: Some("Looking.".into()),
        components: vec![("api".into(), "major_outage".into())],
        ..Default::default()
    };
    let v = input.validate(&config(), t(0)).unwrap();
    book.open_incident(v, &operational, t(0));
    assert_eq!(
        grounds(only(&book), &name, &nothing_now),
        Grounds::Investigating
    );
    // Until its checks fail: then their evidence is the why, as for an
    // automatic incident, while the engineer has written no cause.
    let failing = |c: &ComponentId| match c.as_str() {
        "api" => vec![evidence(503, 0)],
        _ => Vec::new(),
    };
    assert_eq!(
        grounds(only(&book), &name, &failing),
        Grounds::Checks {
            seen: vec![Seen {
                component: "Public API".into(),
                evidence: vec![evidence(503, 0)],
            }],
            passing: false,
        }
    );
    // A component the incident is not about does not explain it.
    let elsewhere = |c: &ComponentId| match c.as_str() {
        "pay" => vec![evidence(500, 0)],
        _ => Vec::new(),
    };
    assert_eq!(
        grounds(only(&book), &name, &elsewhere),
        Grounds::Investigating
    );
}

#[test]
fn an_automatic_incident_promises_the_next_update_and_automatic_notes_do_not_move_it() {
    let mut book = Book::default();
    fail(&mut book, "api", 0);
    assert_eq!(only(&book).next_update_by, Some(t(30)));
    fail(&mut book, "pay", 1);
    assert_eq!(
        only(&book).next_update_by,
        Some(t(30)),
        "a joining component"
    );
    let off = Rules {
        next_update_within: None,
        ..RULES
    };
    let mut quiet = Book::default();
    let seen = observed("api", ComponentStatus::MajorOutage, 503, 0);
    auto::on_status_change(&mut quiet, &seen, ComponentStatus::Operational, t(0), &off);
    assert_eq!(only(&quiet).next_update_by, None, "off: no promise");
}

#[test]
fn an_engineers_update_sets_the_next_one_or_defaults_and_a_resolution_clears_it() {
    let mut book = Book::default();
    fail(&mut book, "api", 0);
    let id = only_id(&book);
    post(&mut book, &id, update("identified"), 12);
    assert_eq!(
        only(&book).next_update_by,
        Some(t(42)),
        "default from the post"
    );
    let at = UpdateInput {
        next_update_at: Some(t(20 + 60).to_rfc3339()),
        ..update("identified")
    };
    post(&mut book, &id, at, 20);
    assert_eq!(only(&book).next_update_by, Some(t(80)), "the time given");
    let none = UpdateInput {
        next_update_at: Some(String::new()),
        ..update("monitoring")
    };
    post(&mut book, &id, none, 21);
    assert_eq!(only(&book).next_update_by, None, "empty: no promise");
    post(&mut book, &id, update("identified"), 22);
    let resolve = UpdateInput {
        next_update_at: Some(t(90).to_rfc3339()),
        ..update("resolved")
    };
    post(&mut book, &id, resolve, 23);
    assert_eq!(
        only(&book).next_update_by,
        None,
        "resolved: nothing promised"
    );
}

#[test]
fn resolving_by_the_checks_clears_the_promise() {
    let mut book = Book::default();
    fail(&mut book, "api", 0);
    let (up, down) = (ComponentStatus::Operational, ComponentStatus::MajorOutage);
    checks(&mut book, "api", down, up, 1);
    auto::tick(&mut book, t(7), &RULES, &|_| None);
    let i = only(&book);
    assert_eq!(i.status, IncidentStatus::Resolved);
    assert_eq!(i.next_update_by, None);
}

#[test]
fn a_next_update_in_the_past_or_not_a_time_is_refused_by_name() {
    for bad in [t(-1).to_rfc3339(), t(0).to_rfc3339(), "at half past".into()] {
        let input = UpdateInput {
            next_update_at: Some(bad.clone()),
            ..update("identified")
        };
        let e = input.validate(&config(), t(0)).unwrap_err();
        let said = e.get("next_update_at").unwrap_or_default();
        assert!(
            said.contains("in the past") || said.contains("not an RFC 3339 time"),
            "{bad}: {e:?}"
        );
    }
}

#[test]
fn the_update_is_overdue_once_its_time_passes_without_a_post() {
    let mut book = Book::default();
    fail(&mut book, "api", 0);
    let i = only(&book);
    assert_eq!(next_update(i, t(29)), Some(NextUpdate::Due(t(30))));
    assert_eq!(next_update(i, t(30)), Some(NextUpdate::Overdue(t(30))));
    assert_eq!(next_update(i, t(45)), Some(NextUpdate::Overdue(t(30))));
    assert!(!fell_due(i, t(0), t(29)));
    assert!(fell_due(i, t(29), t(30)), "the moment it passes");
    assert!(!fell_due(i, t(30), t(31)), "once");
    let id = only_id(&book);
    post(&mut book, &id, update("identified"), 45);
    let i = only(&book);
    assert_eq!(
        next_update(i, t(45)),
        Some(NextUpdate::Due(t(75))),
        "a post clears the overdue"
    );
}

#[test]
fn a_closed_incident_promises_nothing() {
    let mut book = Book::default();
    fail(&mut book, "api", 0);
    let id = only_id(&book);
    let mut i = only(&book).clone();
    i.status = IncidentStatus::Resolved;
    assert_eq!(next_update(&i, t(40)), None);
    assert!(!fell_due(&i, t(29), t(31)));
    assert_eq!(book.incidents[&id].next_update_by, Some(t(30)));
}

#[test]
fn the_default_promise_is_the_window_from_now_or_none() {
    let half_hour = Some(Duration::from_secs(1800));
    assert_eq!(promised(t(0), half_hour), Some(t(30)));
    assert_eq!(promised(t(0), None), None);
}

#[test]
fn an_incident_stored_before_promises_existed_still_loads() {
    let mut book = Book::default();
    fail(&mut book, "api", 0);
    let mut json = serde_json::to_value(only(&book)).unwrap();
    assert!(json["next_update_by"].is_string());
    json.as_object_mut().unwrap().remove("next_update_by");
    let old: Incident = serde_json::from_value(json).unwrap();
    assert_eq!(old.next_update_by, None);
    assert_eq!(next_update(&old, t(40)), None);
}

/// The checks find nothing now (what the notes say is all there is).
fn nothing_now(_: &ComponentId) -> Vec<Evidence> {
    Vec::new()
}
