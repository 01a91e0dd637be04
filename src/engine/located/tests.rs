use std::time::Duration;

use chrono::TimeZone;

use super::*;
use crate::checks::{Cadence, CheckSpec, Target};
use crate::engine::ComponentState;
use crate::model::{ComponentId, ComponentStatus, Reason};

fn t(sec: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + sec, 0).single().unwrap()
}

fn loc(id: &str) -> LocationId {
    LocationId::parse(id).unwrap()
}

/// A check of `api` every 30 s from here, Virginia and Singapore, confirm 2,
/// failure threshold 2, success threshold 1.
fn engine() -> (Engine, CheckSpec) {
    let component = ComponentId::parse("api").unwrap();
    let spec = CheckSpec {
        id: CheckId::parse("api-up").unwrap(),
        component: component.clone(),
        name: "API health".into(),
        target: Target::Tcp {
            host: "127.0.0.1".into(),
            port: 1,
        },
        cadence: Cadence::every(Duration::from_secs(30)).unwrap(),
        timeout: Duration::from_secs(2),
        degraded_over: None,
        failure_threshold: 2,
        success_threshold: 1,
        locations: vec![LocationId::local(), loc("us-east"), loc("ap-south")],
        confirm: 2,
    };
    let mut e = Engine::new(&[component], std::slice::from_ref(&spec), t(0));
    e.name_locations([
        (LocationId::local(), "Frankfurt".into()),
        (loc("us-east"), "Virginia".into()),
        (loc("ap-south"), "Singapore".into()),
    ]);
    (e, spec)
}

fn result(spec: &CheckSpec, sec: i64, outcome: Outcome) -> CheckResult {
    CheckResult {
        check: spec.id.clone(),
        at: t(sec),
        duration: Duration::from_millis(20),
        outcome,
        reason: (outcome != Outcome::Up).then_some(Reason::HttpStatus { code: 503 }),
    }
}

/// One round of results at `sec`: `down` lists the locations failing.
fn round(e: &mut Engine, spec: &CheckSpec, sec: i64, down: &[&str]) -> Vec<Change> {
    let mut changes = Vec::new();
    for l in ["local", "us-east", "ap-south"] {
        let outcome = if down.contains(&l) {
            Outcome::Down
        } else {
            Outcome::Up
        };
        changes.extend(e.observe_from(&loc(l), &result(spec, sec, outcome)));
    }
    changes
}

fn status(e: &Engine) -> ComponentStatus {
    e.components[&ComponentId::parse("api").unwrap()].status
}

#[test]
fn a_failure_seen_from_one_location_changes_nothing_but_is_seen() {
    let (mut e, spec) = engine();
    for sec in [0, 30, 60, 90] {
        assert!(round(&mut e, &spec, sec, &["us-east"]).is_empty());
    }
    assert_eq!(status(&e), ComponentStatus::Operational);
    let at = e.at_locations(&spec.id, t(90));
    let east = at.iter().find(|a| a.location == loc("us-east")).unwrap();
    assert_eq!(east.state.as_ref().unwrap().health, Outcome::Down);
    assert!(at.iter().all(|a| a.fresh));
    let seen = e.seen_from(&spec.id, t(90)).unwrap();
    assert_eq!(seen.failing, ["Virginia"]);
    assert_eq!(seen.fine, ["Frankfurt", "Singapore"]);
}

#[test]
fn two_locations_of_three_confirm_an_outage_and_findings_name_them() {
    let (mut e, spec) = engine();
    assert!(
        round(&mut e, &spec, 0, &["local", "us-east"]).is_empty(),
        "one failure is below the threshold"
    );
    let changes = round(&mut e, &spec, 30, &["local", "us-east"]);
    let [Change::ComponentStatus { to, findings, .. }] = changes.as_slice() else {
        panic!("{changes:?}");
    };
    assert_eq!(*to, ComponentStatus::MajorOutage);
    let seen = findings[0].seen_from.as_ref().unwrap();
    assert_eq!(seen.failing, ["Frankfurt", "Virginia"]);
    assert_eq!(seen.fine, ["Singapore"]);
    assert_eq!(findings[0].reason, Some(Reason::HttpStatus { code: 503 }));
    assert_eq!(
        e.evidence(&ComponentId::parse("api").unwrap())[0]
            .seen_from
            .as_ref(),
        Some(seen)
    );
    // One of them recovers: below confirm again.
    let changes = round(&mut e, &spec, 60, &["us-east"]);
    assert!(
        matches!(
            changes.as_slice(),
            [Change::ComponentStatus {
                to: ComponentStatus::Operational,
                ..
            }]
        ),
        "{changes:?}"
    );
}

#[test]
fn a_silent_location_counts_neither_way_and_none_left_keeps_the_status() {
    let (mut e, spec) = engine();
    for sec in [0, 30] {
        round(&mut e, &spec, sec, &["us-east", "ap-south"]);
    }
    assert_eq!(status(&e), ComponentStatus::MajorOutage);
    // Virginia and Singapore fall silent; here keeps answering up. Within two
    // periods nothing moves...
    e.observe_from(&LocationId::local(), &result(&spec, 60, Outcome::Up));
    assert!(e.silence(t(90)).is_empty());
    assert_eq!(status(&e), ComponentStatus::MajorOutage);
    // ...past them only Frankfurt remains, and decides alone: at its next
    // result, or at the next look at the clock, whichever comes first.
    let mut clock_only = e.clone();
    let changes = clock_only.silence(t(93));
    assert!(
        matches!(
            changes.as_slice(),
            [Change::ComponentStatus {
                to: ComponentStatus::Operational,
                ..
            }]
        ),
        "{changes:?}"
    );
    let changes = e.observe_from(&LocationId::local(), &result(&spec, 120, Outcome::Up));
    assert!(
        matches!(
            changes.as_slice(),
            [Change::ComponentStatus {
                to: ComponentStatus::Operational,
                ..
            }]
        ),
        "{changes:?}"
    );
    let stale: Vec<bool> = e
        .at_locations(&spec.id, t(121))
        .iter()
        .map(|a| a.fresh)
        .collect();
    assert_eq!(stale, [true, false, false]);
    let silent = e.silent_locations(t(121));
    assert!(silent[&loc("us-east")]);
    assert!(silent[&loc("ap-south")]);
    assert!(!silent[&LocationId::local()]);
    // Everyone silent: the check keeps what it had (operational here).
    assert!(e.silence(t(10_000)).is_empty());
    assert_eq!(e.checks[&spec.id].health, Outcome::Up);
    assert!(e.at_locations(&spec.id, t(10_000)).iter().all(|a| !a.fresh));
}

#[test]
fn location_states_are_stored_under_their_own_ids_and_restore_the_confirmed_health() {
    let (mut e, spec) = engine();
    for sec in [0, 30] {
        round(&mut e, &spec, sec, &["us-east", "ap-south"]);
    }
    let stored: Vec<(CheckId, CheckState)> =
        e.location_states().map(|(id, s)| (id, s.clone())).collect();
    let mut ids: Vec<&str> = stored.iter().map(|(id, _)| id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["api-up@ap-south", "api-up@local", "api-up@us-east"]);
    let components: Vec<(ComponentId, ComponentState)> = e
        .components
        .iter()
        .map(|(id, s)| (id.clone(), s.clone()))
        .collect();
    let (mut again, _) = engine();
    // A state stored for a location no longer listed is dropped.
    let gone = (spec.id.at(&loc("eu-north")), stored[0].1.clone());
    again.restore(stored.into_iter().chain([gone]), components);
    assert_eq!(again.checks[&spec.id].health, Outcome::Down);
    assert_eq!(status(&again), ComponentStatus::MajorOutage);
    assert_eq!(again.location_states().count(), 3);
}

#[test]
fn results_from_a_location_the_check_does_not_list_are_ignored() {
    let (mut e, spec) = engine();
    for sec in [0, 30, 60] {
        e.observe_from(&loc("eu-north"), &result(&spec, sec, Outcome::Down));
    }
    assert_eq!(e.location_states().count(), 0);
    assert!(e.checks.is_empty());
}
