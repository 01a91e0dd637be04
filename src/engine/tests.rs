use std::time::Duration;

use chrono::TimeZone;

use super::*;
use crate::checks::{Cadence, Target};
use crate::model::Outcome::{Degraded as S, Down as D, Up as U};
use crate::read::words;

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
        locations: vec![crate::model::LocationId::local()],
        confirm: 1,
    }
}

fn result(check: &CheckSpec, sec: i64, outcome: Outcome, reason: &str) -> CheckResult {
    CheckResult {
        check: check.id.clone(),
        at: t(sec),
        duration: Duration::from_millis(12),
        outcome,
        reason: (!reason.is_empty()).then(|| Reason::other(reason)),
    }
}

/// A component's findings in words, None when there are none.
fn said(findings: &[Finding]) -> Option<String> {
    (!findings.is_empty()).then(|| words::findings(crate::lang::Lang::english(), findings))
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
                streak.push(*o, 3);
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
    streak.push(D, 1);
    assert_eq!(next_health(U, &streak, 1, 1), D);
    streak.push(U, 1);
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
    let findings = vec![Finding {
        seen_from: None,
        check: "API health".into(),
        reason: Some(Reason::other("HTTP 503 Service Unavailable")),
    }];
    assert_eq!(
        changes,
        vec![Change::ComponentStatus {
            component: api.component.clone(),
            from: ComponentStatus::Operational,
            to: ComponentStatus::MajorOutage,
            at: t(30),
            findings: findings.clone(),
        }]
    );
    assert_eq!(said(&findings), reason);
    let state = &e.components[&api.component];
    assert_eq!(
        state.since,
        t(10),
        "since the first failure, not the threshold"
    );
    assert_eq!(said(&state.findings), reason);
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
    assert_eq!(said(&e.components[&api.component].findings), None);
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
    assert_eq!(
        said(&state.findings).as_deref(),
        Some("Assets: timed out after 2 s")
    );
}

#[test]
fn a_slow_answer_during_an_outage_does_not_replace_why_it_is_down() {
    let api = spec("api", "API health");
    let mut e = engine(std::slice::from_ref(&api));
    for s in [10, 20, 30] {
        e.observe(&result(&api, s, D, "HTTP 503 Service Unavailable"));
    }
    let slow = "slow: 950 ms (over 800 ms)";
    e.observe(&result(&api, 40, S, slow));
    let why = |e: &Engine| said(&e.components[&api.component].findings);
    assert_eq!(e.checks[&api.id].health, D);
    assert_eq!(
        why(&e).as_deref(),
        Some("API health: HTTP 503 Service Unavailable")
    );
    assert!(
        words::evidence(
            crate::lang::Lang::english(),
            &e.evidence(&api.component),
            chrono_tz::UTC
        )
        .contains("HTTP 503")
    );
    // Enough slow answers make it degraded; then slowness is the reason.
    e.observe(&result(&api, 50, S, slow));
    assert_eq!(e.checks[&api.id].health, S);
    assert_eq!(why(&e), Some(format!("API health: {slow}")));
}

#[test]
fn check_state_stored_before_down_reasons_still_loads() {
    let old = r#"{"health":"down","streak":{"up":0,"not_up":3,"down":3,"not_down":0},
        "last":null,"bad_reason":"HTTP 503","failing_since":null}"#;
    let state: CheckState = serde_json::from_str(old).unwrap();
    assert_eq!(state.down_reason, None);
    assert_eq!(
        words::check_reason(crate::lang::Lang::english(), state.reason()),
        "HTTP 503"
    );
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

fn saved(health: Outcome) -> CheckState {
    CheckState {
        health,
        ..CheckState::default()
    }
}

fn stored(status: ComponentStatus) -> ComponentState {
    ComponentState {
        status,
        since: t(-100),
        findings: vec![Finding {
            seen_from: None,
            check: "Stored".into(),
            reason: Some(Reason::other("stored reason")),
        }],
        last_checked: Some(t(-10)),
        first_seen: Some(t(-1000)),
    }
}

#[test]
fn restore_judges_components_from_saved_check_health_and_seeds_new_checks() {
    use ComponentStatus::{
        DegradedPerformance as Slow, MajorOutage as Major, Operational as Ok,
        PartialOutage as Partial,
    };
    let a = spec("web", "Frontend");
    let b = spec("web", "Assets");
    // (stored status, saved health of a, of b) → (status after restore, health of
    // each check afterwards; None: no state, judged as it reports).
    type Row = (
        ComponentStatus,
        Option<Outcome>,
        Option<Outcome>,
        ComponentStatus,
        [Option<Outcome>; 2],
    );
    #[rustfmt::skip]
    let table: &[Row] = &[
        (Major, Some(D), Some(D), Major, [Some(D), Some(D)]),
        // The stored status is stale (a crash between writes): the checks win.
        (Major, Some(U), Some(U), Ok, [Some(U), Some(U)]),
        (Ok, Some(D), Some(U), Partial, [Some(D), Some(U)]),
        (Ok, Some(S), Some(U), Slow, [Some(S), Some(U)]),
        // No saved check state (renamed checks): the stored status stands and
        // seeds them.
        (Major, None, None, Major, [Some(D), Some(D)]),
        (Partial, None, None, Partial, [Some(D), Some(D)]),
        (Slow, None, None, Slow, [Some(S), Some(S)]),
        (Ok, None, None, Ok, [None, None]),
        // One saved, one new: judged from the saved one, the new one seeded.
        (Partial, Some(D), None, Major, [Some(D), Some(D)]),
        (Slow, Some(U), None, Ok, [Some(U), None]),
    ];
    for (status, ha, hb, want, healths) in table {
        let mut e = engine(&[a.clone(), b.clone()]);
        let checks = [(&a, ha), (&b, hb)]
            .into_iter()
            .filter_map(|(s, h)| h.map(|h| (s.id.clone(), saved(h))));
        e.restore(checks, [(a.component.clone(), stored(*status))]);
        let got = &e.components[&a.component];
        let row = format!("{status:?} {ha:?} {hb:?}");
        assert_eq!(got.status, *want, "{row}");
        let got_healths = [&a, &b].map(|s| e.checks.get(&s.id).map(|c| c.health));
        assert_eq!(&got_healths, healths, "{row}");
        if got.status == *status {
            assert_eq!(
                got.since,
                t(-100),
                "{row}: an unchanged status keeps its since"
            );
        } else {
            assert_eq!(got.since, t(0), "{row}: a changed status starts at restore");
        }
    }
}

#[test]
fn first_seen_is_kept_from_storage_taken_from_since_for_older_records_and_new_ones_are_named() {
    let a = ComponentId::parse("a").unwrap();
    let b = ComponentId::parse("b").unwrap();
    let c = ComponentId::parse("c").unwrap();
    let mut e = Engine::new(&[a.clone(), b.clone(), c.clone()], &[], t(0));
    let older_build = ComponentState {
        first_seen: None,
        ..stored(ComponentStatus::Operational)
    };
    let unrecorded = e.restore(
        [],
        [
            (a.clone(), stored(ComponentStatus::Operational)),
            (b.clone(), older_build),
        ],
    );
    assert_eq!(e.components[&a].first_seen, Some(t(-1000)), "as stored");
    assert_eq!(e.components[&b].first_seen, Some(t(-100)), "its since");
    assert_eq!(e.components[&c].first_seen, Some(t(0)), "new: now");
    assert_eq!(unrecorded, [b, c], "to be stored once");
}

#[test]
fn restore_resets_a_component_left_without_checks() {
    let api = spec("api", "API health");
    let docs = ComponentId::parse("docs").unwrap();
    let mut e = Engine::new(
        &[api.component.clone(), docs.clone()],
        std::slice::from_ref(&api),
        t(0),
    );
    e.restore(
        [],
        [
            (docs.clone(), stored(ComponentStatus::MajorOutage)),
            (api.component.clone(), stored(ComponentStatus::MajorOutage)),
        ],
    );
    let reset = ComponentState {
        first_seen: Some(t(-1000)),
        ..ComponentState::operational(t(0))
    };
    assert_eq!(
        e.components[&docs], reset,
        "reset, but first seen as stored"
    );
    assert_eq!(
        e.components[&api.component].status,
        ComponentStatus::MajorOutage,
        "still has a check to confirm or clear it"
    );
}

#[test]
fn after_a_restore_one_result_of_a_new_check_does_not_end_an_outage() {
    let renamed = spec("api", "API health v2");
    for outcome in [D, S, U] {
        let mut e = engine(std::slice::from_ref(&renamed));
        e.restore(
            [],
            [(
                renamed.component.clone(),
                stored(ComponentStatus::MajorOutage),
            )],
        );
        let changes = e.observe(&result(&renamed, 10, outcome, "HTTP 503"));
        assert!(changes.is_empty(), "after one {outcome:?}: {changes:?}");
        assert_eq!(
            e.components[&renamed.component].status,
            ComponentStatus::MajorOutage
        );
    }
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
