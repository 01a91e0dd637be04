use chrono::{DateTime, Duration, Utc};

use super::overview::overview;
use super::tally::{PER_COMPONENT, Tally};
use super::watch::{Rule, turn};
use super::*;
use crate::config::Config;
use crate::model::{ComponentId, ComponentStatus};

fn id(s: &str) -> ComponentId {
    ComponentId::parse(s).unwrap()
}

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + Duration::days(20_000) + Duration::minutes(minutes)
}

const GREEN: Option<Rule> = Some(Rule {
    threshold: 3,
    checks_green: true,
});
const RED: Option<Rule> = Some(Rule {
    threshold: 3,
    checks_green: false,
});

#[test]
fn text_loses_control_and_direction_characters_and_keeps_one_line() {
    assert_eq!(
        clean_text("  The app\r\nsays\t\"error 500\"  ").unwrap(),
        Some("The app says \"error 500\"".into())
    );
    assert_eq!(
        clean_text("a\u{0}b\u{1b}[31mc\u{7f}").unwrap(),
        Some("ab[31mc".into())
    );
    assert_eq!(
        clean_text("pay\u{202E}lanigiro\u{2066}x\u{200F}").unwrap(),
        Some("paylanigirox".into())
    );
    assert_eq!(
        clean_text("x\u{FFFE}\u{FDD0}\u{1FFFF}y").unwrap(),
        Some("xy".into())
    );
    assert_eq!(clean_text(" \n\t ").unwrap(), None);
    assert_eq!(clean_text("").unwrap(), None);
    assert_eq!(
        clean_text("<b>ünïcödé</b> 🙂").unwrap(),
        Some("<b>ünïcödé</b> 🙂".into())
    );
}

#[test]
fn text_is_counted_in_characters_after_cleaning() {
    let exactly = "é".repeat(TEXT_MAX);
    assert_eq!(clean_text(&exactly).unwrap(), Some(exactly.clone()));
    let padded = format!("  {exactly}\u{0}\u{0}  ");
    assert!(
        clean_text(&padded).is_ok(),
        "what is removed does not count"
    );
    assert_eq!(
        clean_text(&format!("{exactly}x")),
        Err(TextTooLong {
            chars: TEXT_MAX + 1
        })
    );
}

#[test]
fn the_tally_counts_a_window_and_forgets_what_is_older_than_an_hour() {
    let (api, db) = (id("api"), id("db"));
    let mut t = Tally::default();
    for m in [0, 10, 50, 55, 20] {
        t.add(&api, at(m));
    }
    t.add(&db, at(1));
    assert_eq!(t.count_since(&api, at(0)), 5);
    assert_eq!(
        t.count_since(&api, at(20)),
        3,
        "out of order times are sorted"
    );
    assert_eq!(t.count_since(&api, at(56)), 0);
    assert_eq!(t.count_since(&id("web"), at(0)), 0);
    t.forget_before(at(15));
    assert_eq!(t.count_since(&api, at(0)), 3);
    assert_eq!(
        t.components().collect::<Vec<_>>(),
        [&api],
        "db had nothing left"
    );
}

#[test]
fn the_tally_keeps_a_bounded_number_of_times_per_component() {
    let api = id("api");
    let mut t = Tally::default();
    for s in 0..(PER_COMPONENT as i64 + 50) {
        t.add(&api, at(0) + Duration::milliseconds(s));
    }
    assert_eq!(t.count_since(&api, at(0)), PER_COMPONENT);
}

#[test]
fn an_alarm_is_raised_only_while_the_checks_are_green_and_cleared_under_the_threshold() {
    assert_eq!(turn(false, 2, GREEN), None, "under the threshold");
    assert_eq!(turn(false, 3, GREEN), Some(Turn::Raise));
    assert_eq!(turn(false, 30, RED), None, "the checks see it already");
    assert_eq!(turn(true, 5, GREEN), None, "told once");
    assert_eq!(turn(true, 5, RED), None, "stays raised while over");
    assert_eq!(turn(true, 2, GREEN), Some(Turn::Clear));
    assert_eq!(turn(true, 2, RED), Some(Turn::Clear));
    assert_eq!(
        turn(true, 9, None),
        Some(Turn::Clear),
        "no longer configured"
    );
    assert_eq!(turn(false, 9, None), None);
}

#[test]
fn a_report_raises_once_and_again_only_after_falling_back_under() {
    let api = id("api");
    let mut w = Watch::default();
    let mut raised = Vec::new();
    let mut report = |w: &mut Watch, m: i64| {
        let now = at(m);
        if let Some(t) = w.on_report(&api, now, GREEN) {
            w.apply(&api, t, now);
            raised.push((m, t));
        }
        w.count(&api, now);
    };
    for m in [0, 1, 2, 3, 4] {
        report(&mut w, m);
    }
    assert_eq!(
        w.counts(&api, at(4)),
        Counts {
            last_15m: 5,
            last_1h: 5
        }
    );
    assert_eq!(w.raised(&api), Some(at(2)));
    assert!(
        w.review(at(17), |_| GREEN).is_empty(),
        "three left: still over"
    );
    // 15 minutes after the fourth, one is left in the window.
    assert_eq!(
        w.review(at(19), |_| GREEN),
        vec![(api.clone(), Turn::Clear)]
    );
    w.apply(&api, Turn::Clear, at(19));
    assert!(
        w.review(at(19), |_| GREEN).is_empty(),
        "nothing more to turn"
    );
    for m in [19, 20, 21] {
        report(&mut w, m);
    }
    assert_eq!(raised, [(2, Turn::Raise), (21, Turn::Raise)]);
    assert_eq!(
        w.counts(&api, at(21)),
        Counts {
            last_15m: 3,
            last_1h: 8
        }
    );
}

#[test]
fn reports_over_the_threshold_raise_the_alarm_when_the_checks_turn_green() {
    let api = id("api");
    let mut w = Watch::default();
    for m in 0..4 {
        assert_eq!(w.on_report(&api, at(m), RED), None);
        w.count(&api, at(m));
    }
    assert!(w.review(at(5), |_| RED).is_empty());
    assert_eq!(w.review(at(5), |_| GREEN), vec![(api.clone(), Turn::Raise)]);
    assert!(
        w.review(at(70), |_| GREEN).is_empty(),
        "never raised: nothing to clear"
    );
    assert_eq!(w.counts(&api, at(70)), Counts::default(), "an hour later");
}

#[test]
fn a_restored_watch_counts_the_stored_hour_and_keeps_its_alarms() {
    let api = id("api");
    let w = Watch::restore(
        [
            (api.clone(), at(52)),
            (api.clone(), at(10)),
            (id("db"), at(55)),
            (api.clone(), at(50)),
        ],
        [(api.clone(), at(52))],
    );
    assert_eq!(
        w.counts(&api, at(60)),
        Counts {
            last_15m: 2,
            last_1h: 3
        }
    );
    assert_eq!(w.raised(&api), Some(at(52)));
    assert_eq!(w.on_report(&api, at(60), GREEN), None, "already told");
}

fn config() -> Config {
    Config::parse(
        "[[components]]\nid = \"api\"\nname = \"API\"\nreport_threshold = 2\n\
         [[components]]\nid = \"db\"\nname = \"DB\"\nreport_threshold = 2\n\
         [[components]]\nid = \"web\"\nname = \"Web\"\n\
         [[components]]\nid = \"cdn\"\nname = \"CDN\"\n",
    )
    .unwrap()
}

fn report(c: &str, m: i64, text: Option<&str>) -> Report {
    Report {
        component: id(c),
        at: at(m),
        text: text.map(str::to_owned),
    }
}

#[test]
fn the_overview_puts_what_the_checks_do_not_see_first() {
    let now = at(60);
    let hour = vec![
        report("web", 59, None),
        report("web", 58, None),
        report("web", 57, None),
        report("db", 55, Some("slow")),
        report("db", 56, None),
        report("api", 50, Some("first")),
        report("api", 58, Some("second")),
        report("api", 10, None),
    ];
    let mut recent = hour.clone();
    recent.sort_by_key(|r| std::cmp::Reverse(r.at));
    let alarms = [(id("api"), at(58)), (id("gone"), at(1))];
    let checks = |c: &ComponentId| match c.as_str() {
        "db" => ComponentStatus::MajorOutage,
        _ => ComponentStatus::Operational,
    };
    let o = overview(&config(), &hour, recent, &alarms, checks, now);
    let order: Vec<&str> = o.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        order,
        ["api", "db", "web"],
        "cdn has none; a removed one is left out"
    );
    let api = &o.components[0];
    assert_eq!(
        api.counts,
        Counts {
            last_15m: 2,
            last_1h: 3
        }
    );
    assert!(api.over && api.unseen);
    assert_eq!(api.alarm_since, Some(at(58)));
    let texts: Vec<_> = api.latest.iter().map(|r| r.text.as_deref()).collect();
    assert_eq!(texts, [Some("second"), Some("first"), None]);
    let db = &o.components[1];
    assert!(db.over && !db.unseen, "the checks see it: no alarm");
    let web = &o.components[2];
    assert_eq!(
        (web.counts.last_15m, web.threshold, web.over),
        (3, 10, false)
    );
    assert_eq!(
        o.unseen().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["api"]
    );
    assert_eq!(o.recent.len(), 8);
}
