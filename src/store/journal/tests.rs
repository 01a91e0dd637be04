use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::engine::{LastResult, Streak};
use crate::model::{Outcome, Reason};

fn check() -> CheckId {
    CheckId::parse("api").unwrap()
}

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap() + Duration::minutes(minute)
}

/// A healthy check's state after a result at `minute`.
fn healthy(minute: i64) -> (CheckResult, CheckState) {
    let result = CheckResult {
        check: check(),
        at: at(minute),
        duration: std::time::Duration::from_millis(12),
        outcome: Outcome::Up,
        reason: None,
    };
    let state = CheckState {
        streak: Streak {
            up: 3,
            not_down: 3,
            ..Streak::default()
        },
        last: Some(LastResult {
            at: result.at,
            duration_ms: 12,
            outcome: Outcome::Up,
            reason: None,
        }),
        ..CheckState::default()
    };
    (result, state)
}

fn states_written(journal: &mut Journal) -> usize {
    journal.take().1.len()
}

#[test]
fn a_healthy_check_state_is_written_once_an_hour_its_results_at_every_checkpoint() {
    let mut journal = Journal::default();
    let (r, s) = healthy(0);
    journal.push(&r, &s, |_| Stored::Nothing);
    let (blocks, states) = journal.take();
    assert_eq!((blocks.len(), states.len()), (1, 1), "the first time, both");
    for minute in [5, 10, 55] {
        let (r, s) = healthy(minute);
        journal.push(&r, &s, |_| Stored::Nothing);
        let (blocks, states) = journal.take();
        assert_eq!(
            blocks.len(),
            1,
            "minute {minute}: the new results are written"
        );
        assert!(
            states.is_empty(),
            "minute {minute}: nothing a restart needs changed"
        );
    }
    let (r, s) = healthy(61);
    journal.push(&r, &s, |_| Stored::Nothing);
    assert_eq!(
        states_written(&mut journal),
        1,
        "a new hour: the last result moves on"
    );
}

#[test]
fn a_state_that_changed_is_written_at_the_next_checkpoint() {
    let mut journal = Journal::default();
    let (r, s) = healthy(0);
    journal.push(&r, &s, |_| Stored::Nothing);
    journal.take();
    let (mut r, mut s) = healthy(5);
    r.outcome = Outcome::Down;
    r.reason = Some(Reason::ConnectionRefused);
    s.streak = Streak {
        not_up: 1,
        down: 1,
        ..Streak::default()
    };
    s.failing_since = Some(r.at);
    s.bad_reason.clone_from(&r.reason);
    journal.push(&r, &s, |_| Stored::Nothing);
    let states = journal.take().1;
    assert_eq!(states.len(), 1);
    assert_eq!(states[0].1.streak.not_up, 1);
}

#[test]
fn a_state_whose_write_failed_is_written_at_the_next_checkpoint() {
    let mut journal = Journal::default();
    let (r, s) = healthy(0);
    journal.push(&r, &s, |_| Stored::Nothing);
    let failed = journal.take();
    journal.restore(failed);
    assert_eq!(states_written(&mut journal), 1, "handed back, then written");
    let (r, s) = healthy(5);
    journal.push(&r, &s, |_| Stored::Nothing);
    assert_eq!(states_written(&mut journal), 0, "written since: unchanged");
}

#[test]
fn the_locations_of_a_check_are_written_together() {
    let mut journal = Journal::default();
    let located = |location: &str, minute: i64| {
        let (mut r, s) = healthy(minute);
        r.check = check().at(&crate::model::LocationId::parse(location).unwrap());
        (r, s)
    };
    for location in ["eu", "us"] {
        let (r, s) = located(location, 0);
        journal.push(&r, &s, |_| Stored::Nothing);
    }
    assert_eq!(states_written(&mut journal), 2);
    let (r, s) = located("us", 5);
    journal.push(&r, &s, |_| Stored::Nothing);
    let (mut r, mut s) = located("eu", 5);
    r.outcome = Outcome::Down;
    s.streak = Streak {
        not_up: 1,
        down: 1,
        ..Streak::default()
    };
    journal.push(&r, &s, |_| Stored::Nothing);
    let mut written: Vec<String> = (journal.take().1.into_iter())
        .map(|(c, _)| c.as_str().to_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        ["api@eu", "api@us"],
        "us unchanged, written with eu"
    );
    let other = |minute| {
        let (mut r, s) = healthy(minute);
        r.check = CheckId::parse("web").unwrap();
        (r, s)
    };
    let (r, s) = other(6);
    journal.push(&r, &s, |_| Stored::Nothing);
    journal.take();
    let (r, s) = located("us", 10);
    journal.push(&r, &s, |_| Stored::Nothing);
    let (r, s) = other(10);
    journal.push(&r, &s, |_| Stored::Nothing);
    assert_eq!(
        states_written(&mut journal),
        0,
        "no location of api changed"
    );
}

/// The hour of `minute` (minutes from 10:00).
fn hour_at(minute: i64) -> u32 {
    blocks::hour_of(at(minute))
}

#[test]
fn appending_hands_out_what_each_block_gained_and_the_past_hour_whole_once() {
    let mut journal = Journal::default();
    let mut whole = Block::new(hour_at(0));
    let mut parts = Vec::new();
    for minute in [0, 5, 10] {
        let (r, s) = healthy(minute);
        journal.push(&r, &s, |_| Stored::Nothing);
        whole.push(&r);
        let ((blocks, _), gained) = journal.take_appending(hour_at(minute));
        assert!(blocks.is_empty(), "minute {minute}: no whole block");
        assert_eq!(gained.len(), 1);
        parts.extend(gained);
    }
    assert_eq!(
        (parts.iter()).map(|p| p.start).collect::<Vec<_>>(),
        [
            0,
            parts[0].bytes.len(),
            parts[0].bytes.len() + parts[1].bytes.len()
        ]
    );
    let joined: Vec<u8> = parts.iter().flat_map(|p| p.bytes.clone()).collect();
    assert_eq!(
        joined, whole.bytes,
        "the parts, concatenated, are the block"
    );

    let ((blocks, _), gained) = journal.take_appending(hour_at(61));
    assert!(gained.is_empty());
    assert_eq!(
        blocks,
        vec![(blocks::key(hour_at(0), &check()), whole.bytes)]
    );
    let ((blocks, _), gained) = journal.take_appending(hour_at(61));
    assert!(blocks.is_empty() && gained.is_empty(), "whole once");
}

#[test]
fn a_part_not_written_is_handed_out_again_from_where_it_began() {
    let mut journal = Journal::default();
    let (r, s) = healthy(0);
    journal.push(&r, &s, |_| Stored::Nothing);
    journal.take_appending(hour_at(0));
    let (r, s) = healthy(5);
    journal.push(&r, &s, |_| Stored::Nothing);
    let failed = journal.take_appending(hour_at(0));
    let start = failed.1[0].start;
    journal.restore_appended(failed);
    let (r, s) = healthy(10);
    journal.push(&r, &s, |_| Stored::Nothing);
    let (_, parts) = journal.take_appending(hour_at(0));
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].start, start, "minutes 5 and 10 together");
}

#[test]
fn an_hour_stored_whole_torn_or_unreadable_is_written_whole() {
    let (r, s) = healthy(5);
    let mut earlier = Block::new(hour_at(0));
    earlier.push(&healthy(0).0);
    let mut torn = earlier.bytes.clone();
    torn.push(0x80);
    let cases = [
        ("whole", Stored::Whole(earlier.bytes.clone())),
        ("torn parts", Stored::Parts(torn)),
        ("unreadable", Stored::Unreadable),
    ];
    for (what, stored) in cases {
        let mut journal = Journal::default();
        journal.push(&r, &s, |_| stored);
        let ((blocks, _), parts) = journal.take_appending(hour_at(5));
        assert!(parts.is_empty(), "{what}: no part");
        assert_eq!(blocks.len(), 1, "{what}: the block, whole");
    }
    let mut journal = Journal::default();
    journal.push(&r, &s, |_| Stored::Parts(earlier.bytes.clone()));
    let (_, parts) = journal.take_appending(hour_at(5));
    assert_eq!(
        parts[0].start,
        earlier.bytes.len(),
        "parts: appended after them"
    );
}
