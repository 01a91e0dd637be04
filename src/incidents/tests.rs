use chrono::{DateTime, TimeZone, Utc};

use super::auto::{self, Observed};
use super::book::Event;
use super::input::{IncidentInput, MaintenanceInput, UpdateInput};
use super::*;
use crate::config::Config;
use crate::read::words;

const RULES: crate::config::Incidents = crate::config::Incidents::AT_ONCE;

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 14, 0, 0).unwrap() + chrono::Duration::minutes(min)
}

fn config() -> Config {
    Config::parse(
        "[[components]]\nid = \"api\"\nname = \"Public API\"\n[[components]]\nid = \"db\"\nname = \"Database\"\n",
    )
    .unwrap()
}

fn api() -> ComponentId {
    ComponentId::parse("api").unwrap()
}

fn seen(status: ComponentStatus, since: i64) -> Observed {
    Observed {
        workaround: None,
        id: api(),
        name: "Public API".into(),
        group: None,
        status,
        since: t(since),
        // "API health: HTTP 503 Service Unavailable on 3 checks in a row since 14:00 UTC."
        evidence: vec![crate::model::Evidence {
            seen_from: None,
            check: "API health".into(),
            reason: Some(crate::model::Reason::HttpStatus { code: 503 }),
            runs: 3,
            since: Some(t(0)),
        }],
    }
}

/// An update's text in words, as the page shows it.
fn text<S>(u: &Update<S>) -> String {
    crate::read::words::update(crate::lang::Lang::english(), &u.body, chrono_tz::UTC).into_owned()
}

fn operational(_: &ComponentId) -> ComponentStatus {
    ComponentStatus::Operational
}

fn only(book: &Book) -> &Incident {
    assert_eq!(book.incidents.len(), 1, "{:#?}", book.incidents);
    book.incidents.values().next().unwrap()
}

fn engineer_update(book: &mut Book, id: &IncidentId, status: &str, at: i64) {
    let input = UpdateInput {
        status: Some(status.into()),
        body: Some("Looking into it".into()),
        ..Default::default()
    };
    let v = input.validate(&config(), t(at)).unwrap();
    book.update_incident(id, v, &operational, t(at)).unwrap();
}

#[test]
fn an_outage_opens_an_automatic_incident_with_the_evidence() {
    let mut book = Book::default();
    let events = auto::on_status_change(
        &mut book,
        &seen(ComponentStatus::MajorOutage, 0),
        ComponentStatus::Operational,
        t(1),
        &RULES,
    );
    let i = only(&book);
    assert_eq!(events, vec![Event::IncidentOpened { id: i.id.clone() }]);
    assert_eq!(
        i.name,
        IncidentName::automatic(
            crate::incidents::Member::new("Public API"),
            ComponentStatus::MajorOutage,
        ),
        "stored as data"
    );
    assert_eq!(
        words::incident_name(crate::lang::Lang::english(), &i.name),
        "Public API: major outage"
    );
    assert_eq!(i.status, IncidentStatus::Investigating);
    assert_eq!(i.impact, Impact::Critical);
    assert_eq!(i.started_at, t(0), "started at the first failure");
    assert_eq!(i.source, Author::Automatic);
    let u = i.latest().unwrap();
    assert!(
        text(u).contains("HTTP 503 Service Unavailable on 3 checks in a row since 14:00 UTC"),
        "{}",
        text(u)
    );
    assert_eq!(u.changes[0].new, ComponentStatus::MajorOutage);
}

#[test]
fn a_worse_status_joins_the_open_incident_and_raises_its_impact() {
    let mut book = Book::default();
    auto::on_status_change(
        &mut book,
        &seen(ComponentStatus::DegradedPerformance, 0),
        ComponentStatus::Operational,
        t(1),
        &RULES,
    );
    auto::on_status_change(
        &mut book,
        &seen(ComponentStatus::MajorOutage, 0),
        ComponentStatus::DegradedPerformance,
        t(2),
        &RULES,
    );
    let i = only(&book);
    assert_eq!(i.impact, Impact::Critical);
    assert_eq!(i.updates.len(), 2);
    assert!(i.latest().unwrap().notify, "getting worse is news");
}

#[test]
fn recovery_resolves_only_after_the_quiet_period() {
    let mut book = Book::default();
    auto::on_status_change(
        &mut book,
        &seen(ComponentStatus::MajorOutage, 0),
        ComponentStatus::Operational,
        t(1),
        &RULES,
    );
    auto::on_status_change(
        &mut book,
        &seen(ComponentStatus::Operational, 10),
        ComponentStatus::MajorOutage,
        t(10),
        &RULES,
    );
    let none = |_: &ComponentId| None;
    assert!(!auto::due(&book, t(14), &RULES));
    assert!(auto::tick(&mut book, t(14), &RULES, &none).is_empty());
    assert!(only(&book).status.is_open());
    assert!(auto::due(&book, t(15), &RULES));
    let events = auto::tick(&mut book, t(15), &RULES, &none);
    let i = only(&book);
    assert_eq!(i.status, IncidentStatus::Resolved);
    assert_eq!(i.resolved_at, Some(t(15)));
    assert!(events.contains(&Event::IncidentResolved { id: i.id.clone() }));
    assert_eq!(
        i.latest().unwrap().changes[0].new,
        ComponentStatus::Operational
    );
}

#[test]
fn flapping_within_the_quiet_period_keeps_one_incident_open() {
    let mut book = Book::default();
    let none = |_: &ComponentId| None;
    auto::on_status_change(
        &mut book,
        &seen(ComponentStatus::MajorOutage, 0),
        ComponentStatus::Operational,
        t(1),
        &RULES,
    );
    for minute in [3, 6, 9] {
        auto::on_status_change(
            &mut book,
            &seen(ComponentStatus::Operational, minute),
            ComponentStatus::MajorOutage,
            t(minute),
            &RULES,
        );
        auto::tick(&mut book, t(minute + 1), &RULES, &none);
        auto::on_status_change(
            &mut book,
            &seen(ComponentStatus::MajorOutage, minute + 2),
            ComponentStatus::Operational,
            t(minute + 2),
            &RULES,
        );
    }
    let i = only(&book);
    assert!(i.status.is_open());
    assert!(
        text(i.latest().unwrap()).starts_with("Failing again."),
        "{}",
        text(i.latest().unwrap())
    );
}

#[test]
fn an_incident_an_engineer_posted_on_is_not_resolved_by_automation() {
    let mut book = Book::default();
    let none = |_: &ComponentId| None;
    auto::on_status_change(
        &mut book,
        &seen(ComponentStatus::MajorOutage, 0),
        ComponentStatus::Operational,
        t(1),
        &RULES,
    );
    let id = only(&book).id.clone();
    engineer_update(&mut book, &id, "identified", 2);
    auto::on_status_change(
        &mut book,
        &seen(ComponentStatus::Operational, 10),
        ComponentStatus::MajorOutage,
        t(10),
        &RULES,
    );
    auto::tick(&mut book, t(20), &RULES, &none);
    let i = only(&book);
    assert_eq!(
        i.status,
        IncidentStatus::Identified,
        "the engineer's status stands"
    );
    assert!(i.taken_over);
    assert_eq!(text(i.latest().unwrap()), "Checks are passing again.");
    assert_eq!(i.latest().unwrap().author, Author::Automatic);
    assert!(
        auto::tick(&mut book, t(30), &RULES, &none).is_empty(),
        "the note is posted once"
    );
}

#[test]
fn failures_inside_a_maintenance_window_open_no_incident() {
    let mut book = Book::default();
    let input = MaintenanceInput {
        name: Some("Database upgrade".into()),
        scheduled_for: Some(t(10).to_rfc3339()),
        scheduled_until: Some(t(70).to_rfc3339()),
        components: vec!["api".into()],
        ..Default::default()
    };
    let (id, _) = book.schedule_maintenance(input.validate(&config(), t(0)).unwrap(), t(0));
    let failing = |c: &ComponentId| {
        Some(Observed {
            workaround: None,
            id: c.clone(),
            ..seen(ComponentStatus::MajorOutage, 20)
        })
    };
    assert_eq!(
        auto::tick(&mut book, t(10), &RULES, &failing),
        vec![
            Event::MaintenanceUpdated {
                id: id.clone(),
                update: book.maintenances[&id].updates[1].id.clone()
            },
            Event::MaintenanceStarted { id: id.clone() },
        ]
    );
    assert_eq!(
        effective_status(&api(), ComponentStatus::MajorOutage, &book),
        ComponentStatus::UnderMaintenance
    );
    auto::on_status_change(
        &mut book,
        &seen(ComponentStatus::MajorOutage, 20),
        ComponentStatus::Operational,
        t(20),
        &RULES,
    );
    assert!(book.incidents.is_empty(), "no incident during maintenance");
    // When the window ends with the checks still failing, the outage is reported.
    let events = auto::tick(&mut book, t(70), &RULES, &failing);
    assert_eq!(book.maintenances[&id].status, MaintenanceStatus::Completed);
    assert!(events.contains(&Event::MaintenanceCompleted { id }));
    assert_eq!(only(&book).status, IncidentStatus::Investigating);
}

#[test]
fn engineers_incidents_set_and_lift_component_statuses() {
    let mut book = Book::default();
    let input = IncidentInput {
        name: Some("Login failures".into()),
        status: Some("investigating".into()),
        body: Some("Some users cannot log in".into()),
        components: vec![("api".into(), "partial_outage".into())],
        ..Default::default()
    };
    let (id, _) = book.open_incident(input.validate(&config(), t(0)).unwrap(), &operational, t(0));
    assert_eq!(
        book.incidents[&id].impact,
        Impact::Major,
        "derived from the worst component status"
    );
    assert_eq!(
        effective_status(&api(), ComponentStatus::Operational, &book),
        ComponentStatus::PartialOutage
    );
    engineer_update(&mut book, &id, "resolved", 30);
    assert_eq!(
        effective_status(&api(), ComponentStatus::Operational, &book),
        ComponentStatus::Operational
    );
    assert_eq!(book.incidents[&id].resolved_at, Some(t(30)));
    assert!(
        book.write_postmortem(&id, "What happened".into(), t(40))
            .is_ok()
    );
    assert_eq!(book.incidents[&id].status, IncidentStatus::Postmortem);
}

#[test]
fn a_postmortem_needs_a_resolved_incident() {
    let mut book = Book::default();
    let input = IncidentInput {
        name: Some("x".into()),
        status: Some("identified".into()),
        body: Some("y".into()),
        ..Default::default()
    };
    let (id, _) = book.open_incident(input.validate(&config(), t(0)).unwrap(), &operational, t(0));
    let err = book.write_postmortem(&id, "text".into(), t(1)).unwrap_err();
    assert!(err.to_string().contains("status"), "{err}");
}

#[test]
fn updating_an_unknown_incident_changes_nothing() {
    let mut book = Book::default();
    let input = UpdateInput {
        status: Some("identified".into()),
        body: Some("x".into()),
        components: vec![("api".into(), "major_outage".into())],
        ..Default::default()
    };
    let v = input.validate(&config(), t(0)).unwrap();
    let nope = IncidentId::fixture("nope");
    assert!(book.update_incident(&nope, v, &operational, t(0)).is_err());
    assert!(book.overrides.is_empty());
}

#[test]
fn bad_input_names_every_bad_field() {
    let input = IncidentInput {
        name: Some("  ".into()),
        status: Some("on_fire".into()),
        impact: Some("huge".into()),
        body: None,
        components: vec![
            ("nope".into(), "major_outage".into()),
            ("api".into(), "broken".into()),
        ],
        expected_resolution_at: Some(t(-5).to_rfc3339()),
        ..Default::default()
    };
    let errors = input.validate(&config(), t(0)).unwrap_err();
    for field in [
        "name",
        "status",
        "impact",
        "body",
        "components.nope",
        "components.api",
        "expected_resolution_at",
    ] {
        assert!(
            errors.get(field).is_some(),
            "{field} not reported: {errors:?}"
        );
    }
    assert!(
        errors
            .get("expected_resolution_at")
            .unwrap()
            .contains("past")
    );
    let m = MaintenanceInput {
        name: Some("m".into()),
        scheduled_for: Some(t(60).to_rfc3339()),
        scheduled_until: Some(t(30).to_rfc3339()),
        components: vec!["api".into()],
        ..Default::default()
    };
    let errors = m.validate(&config(), t(0)).unwrap_err();
    assert!(
        errors
            .get("scheduled_until")
            .unwrap()
            .contains("after scheduled_for")
    );
}

#[test]
fn an_update_keeps_clears_or_sets_cause_eta_and_workaround() {
    let mut book = Book::default();
    let input = IncidentInput {
        name: Some("x".into()),
        status: Some("identified".into()),
        body: Some("y".into()),
        cause: Some("A bad deploy".into()),
        workaround: Some("Use the web app".into()),
        expected_resolution_at: Some(t(30).to_rfc3339()),
        ..Default::default()
    };
    let (id, _) = book.open_incident(input.validate(&config(), t(0)).unwrap(), &operational, t(0));
    let update = UpdateInput {
        status: Some("monitoring".into()),
        body: Some("Fix deployed".into()),
        workaround: Some(String::new()),
        expected_resolution_at: Some(t(45).to_rfc3339()),
        ..Default::default()
    };
    let v = update.validate(&config(), t(1)).unwrap();
    book.update_incident(&id, v, &operational, t(1)).unwrap();
    let i = &book.incidents[&id];
    assert_eq!(i.cause.as_deref(), Some("A bad deploy"), "absent keeps");
    assert_eq!(i.workaround, None, "empty clears");
    assert_eq!(i.expected_resolution_at, Some(t(45)), "a value sets");
    assert_eq!(i.monitoring_at, Some(t(1)));
}
