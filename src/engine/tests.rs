use std::time::Duration;

use chrono::TimeZone;

use super::*;
use crate::checks::{Cadence, Target};
use crate::model::Outcome::{Degraded as S, Down as D, Up as U};

fn t(sec: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + sec, 0).single().unwrap()
}

fn spec(component: &str, name: &str) -> CheckSpec {
    let component = ComponentId::parse(component).unwrap();
    CheckSpec {
        id: CheckId::derive(&component, name),
        component,
        name: name.into(),
        target: Target::Tcp {
            host: "127.0.0.1".into(),
            port: 1,
        },
        cadence: Cadence::every(Duration::from_secs(30)).unwrap(),
        timeout: Duration::from_secs(2),
        degraded_over: None,
        failure_threshold: 3,
        success_threshold: 2,
    }
}

fn result(check: &CheckSpec, sec: i64, outcome: Outcome, reason: &str) -> CheckResult {
    CheckResult {
        check: check.id.clone(),
        at: t(sec),
        duration: Duration::from_millis(12),
        outcome,
        reason: reason.into(),
    }
}

fn engine(specs: &[CheckSpec]) -> Engine {
    let mut ids: Vec<ComponentId> = specs.iter().map(|s| s.component.clone()).collect();
    ids.dedup();
    Engine::new(&ids, specs, t(0))
}

#[test]
fn health_moves_only_after_enough_consecutive_evidence() {
    // (sequence of outcomes, health after each), failure_threshold 3, success_threshold 2.
    let table: &[(&[Outcome], &[Outcome])] = &[
        (&[D, D, D], &[U, U, D]),
        (&[D, D, U, D, D], &[U, U, U, U, U]),
        (&[D, D, D, U, U], &[U, U, D, D, U]),
        (&[D, D, D, U, D, U, U], &[U, U, D, D, D, D, U]),
        (&[S, S, S, U, U], &[U, U, S, S, U]),
        (&[S, D, S], &[U, U, S]),
        (&[D, D, D, S, S, U, U], &[U, U, D, D, S, S, U]),
        (&[D, D, D, S, U], &[U, U, D, D, S]),
    ];
    for (inputs, expected) in table {
        let mut health = U;
        let mut streak = Streak::default();
        let got: Vec<Outcome> = inputs
            .iter()
            .map(|o| {
                streak.push(*o);
                health = next_health(health, &streak, 3, 2);
                health
            })
            .collect();
        assert_eq!(&got, expected, "for inputs {inputs:?}");
    }
}

#[test]
fn thresholds_of_one_react_at_once() {
    let mut streak = Streak::default();
    streak.push(D);
    assert_eq!(next_health(U, &streak, 1, 1), D);
    streak.push(U);
    assert_eq!(next_health(D, &streak, 1, 1), U);
}

#[test]
fn a_component_goes_down_after_the_threshold_and_says_why_and_since_when() {
    let api = spec("api", "API health");
    let mut e = engine(std::slice::from_ref(&api));
    assert!(
        e.observe(&result(&api, 10, D, "HTTP 503 Service Unavailable"))
            .is_empty()
    );
    assert!(
        e.observe(&result(&api, 20, D, "HTTP 503 Service Unavailable"))
            .is_empty()
    );
    let changes = e.observe(&result(&api, 30, D, "HTTP 503 Service Unavailable"));
    let reason = Some("API health: HTTP 503 Service Unavailable".to_string());
    assert_eq!(
        changes,
        vec![Change::ComponentStatus {
            component: api.component.clone(),
            from: ComponentStatus::Operational,
            to: ComponentStatus::MajorOutage,
            at: t(30),
            reason: reason.clone(),
        }]
    );
    let state = &e.components[&api.component];
    assert_eq!(
        state.since,
        t(10),
        "since the first failure, not the threshold"
    );
    assert_eq!(state.reason, reason);
    assert_eq!(state.last_checked, Some(t(30)));
}

#[test]
fn a_component_recovers_after_the_success_threshold() {
    let api = spec("api", "API health");
    let mut e = engine(std::slice::from_ref(&api));
    for s in [10, 20, 30] {
        e.observe(&result(&api, s, D, "connection refused"));
    }
    assert!(e.observe(&result(&api, 40, U, "")).is_empty());
    let changes = e.observe(&result(&api, 50, U, ""));
    assert!(matches!(
        changes.as_slice(),
        [Change::ComponentStatus {
            to: ComponentStatus::Operational,
            ..
        }]
    ));
    assert_eq!(e.components[&api.component].reason, None);
    assert_eq!(e.components[&api.component].since, t(50));
}

#[test]
fn several_checks_on_one_component_combine() {
    let a = spec("web", "Frontend");
    let b = spec("web", "Assets");
    // (outcome of a, outcome of b) repeated 3 times → status
    let table = [
        (U, U, ComponentStatus::Operational),
        (D, U, ComponentStatus::PartialOutage),
        (D, D, ComponentStatus::MajorOutage),
        (S, U, ComponentStatus::DegradedPerformance),
        (S, D, ComponentStatus::PartialOutage),
    ];
    for (oa, ob, expected) in table {
        let mut e = engine(&[a.clone(), b.clone()]);
        for s in 0..3 {
            e.observe(&result(&a, s, oa, "a"));
            e.observe(&result(&b, s, ob, "b"));
        }
        assert_eq!(
            e.components[&a.component].status, expected,
            "for {oa:?} {ob:?}"
        );
    }
}

#[test]
fn a_partial_outage_names_only_the_failing_check() {
    let a = spec("web", "Frontend");
    let b = spec("web", "Assets");
    let mut e = engine(&[a.clone(), b.clone()]);
    for s in 0..3 {
        e.observe(&result(&a, s, U, ""));
        e.observe(&result(&b, s, D, "timed out after 2 s"));
    }
    let state = &e.components[&a.component];
    assert_eq!(state.reason.as_deref(), Some("Assets: timed out after 2 s"));
}

#[test]
fn restored_state_survives_and_unknown_entries_are_dropped() {
    let api = spec("api", "API health");
    let mut before = engine(std::slice::from_ref(&api));
    for s in 0..3 {
        before.observe(&result(&api, s, D, "HTTP 503 Service Unavailable"));
    }
    let mut after = engine(std::slice::from_ref(&api));
    let ghost = ComponentId::parse("ghost").unwrap();
    let mut components: Vec<_> = before.components.clone().into_iter().collect();
    components.push((ghost.clone(), ComponentState::operational(t(0))));
    after.restore(before.checks.clone(), components);
    assert_eq!(
        after.components[&api.component].status,
        ComponentStatus::MajorOutage
    );
    assert!(!after.components.contains_key(&ghost));
    // One success is not enough to recover after a restart either.
    assert!(after.observe(&result(&api, 40, U, "")).is_empty());
}

#[test]
fn results_of_unknown_checks_are_ignored() {
    let api = spec("api", "API health");
    let other = spec("db", "Ping");
    let mut e = engine(std::slice::from_ref(&api));
    assert!(e.observe(&result(&other, 1, D, "x")).is_empty());
    assert!(e.checks.is_empty());
}

#[test]
fn the_banner_shows_the_worst_status() {
    use ComponentStatus::*;
    assert_eq!(overall([]), Operational);
    assert_eq!(
        overall([Operational, DegradedPerformance]),
        DegradedPerformance
    );
    assert_eq!(
        overall([UnderMaintenance, DegradedPerformance]),
        UnderMaintenance
    );
    assert_eq!(
        overall([PartialOutage, MajorOutage, Operational]),
        MajorOutage
    );
}
