//! Correlated failures: many components failing together are one incident,
//! told in one email after the settle time.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::config::Config;
use crate::incidents::book::BookError;
use crate::outbox::announce::notices;
use crate::outbox::notice::NoticeKind;
use crate::read::words;

const RULES: Rules = Rules {
    quiet_period: Duration::from_secs(300),
    correlate_within: Duration::from_secs(120),
    settle: Duration::from_secs(30),
    next_update_within: Some(Duration::from_secs(1800)),
};

fn t(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 14, 0, 0).unwrap() + chrono::Duration::seconds(secs)
}

fn config() -> Config {
    let mut toml = String::new();
    for id in ["api", "pay", "web", "late"] {
        toml += &format!("[[components]]\nid = \"{id}\"\nname = \"{id}\"\n");
    }
    Config::parse(&toml).unwrap()
}

fn seen(id: &str, status: ComponentStatus) -> Observed {
    let name = match id {
        "api" => "Public API",
        "pay" => "Payments",
        "web" => "Website",
        other => other,
    };
    Observed {
        workaround: None,
        id: ComponentId::parse(id).unwrap(),
        name: name.into(),
        group: None,
        status,
        since: t(0),
        evidence: vec![crate::model::Evidence {
            seen_from: None,
            check: format!("{name} health"),
            reason: Some(crate::model::Reason::HttpStatus { code: 503 }),
            runs: 3,
            since: None,
        }],
    }
}

fn fail(book: &mut Book, id: &str, at: i64, rules: &Rules) -> Vec<Event> {
    let c = seen(id, ComponentStatus::MajorOutage);
    on_status_change(book, &c, ComponentStatus::Operational, t(at), rules)
}

fn recover(book: &mut Book, id: &str, at: i64) -> Vec<Event> {
    let c = seen(id, ComponentStatus::Operational);
    on_status_change(book, &c, ComponentStatus::MajorOutage, t(at), &RULES)
}

fn none(_: &ComponentId) -> Option<Observed> {
    None
}

fn only(book: &Book) -> &Incident {
    assert_eq!(book.incidents.len(), 1, "{:#?}", book.incidents);
    book.incidents.values().next().unwrap()
}

fn kinds(events: &[Event], book: &Book) -> Vec<NoticeKind> {
    notices(events, book, &config(), &|_| Vec::new())
        .iter()
        .map(|n| n.kind)
        .collect()
}

#[test]
fn components_failing_together_are_one_incident_named_for_all_with_each_ones_evidence() {
    let mut book = Book::default();
    fail(&mut book, "api", 0, &RULES);
    fail(&mut book, "pay", 10, &RULES);
    fail(&mut book, "web", 20, &RULES);
    let i = only(&book);
    assert_eq!(i.components.len(), 3);
    assert_eq!(
        words::incident_name(crate::lang::Lang::english(), &i.name),
        "Public API, Payments and Website: major outage"
    );
    let notes: Vec<String> = (i.updates.iter())
        .map(|u| words::update(crate::lang::Lang::english(), &u.body, chrono_tz::UTC).into_owned())
        .collect();
    assert!(
        notes[1].starts_with("Payments is affected too: major outage. Payments health: HTTP 503"),
        "{notes:?}"
    );
    assert!(notes[2].contains("Website health: HTTP 503"), "{notes:?}");
}

#[test]
fn a_failure_within_the_window_of_the_last_change_joins_and_a_later_one_opens_its_own() {
    let mut book = Book::default();
    fail(&mut book, "api", 0, &RULES);
    fail(&mut book, "pay", 110, &RULES);
    fail(&mut book, "web", 220, &RULES);
    assert_eq!(
        only(&book).components.len(),
        3,
        "each within 2 minutes of the last"
    );
    fail(&mut book, "late", 400, &RULES);
    assert_eq!(
        book.incidents.len(),
        2,
        "3 minutes after the last change: its own"
    );
}

#[test]
fn without_a_window_each_component_has_its_own_incident() {
    let off = Rules {
        correlate_within: Duration::ZERO,
        ..RULES
    };
    let mut book = Book::default();
    fail(&mut book, "api", 0, &off);
    fail(&mut book, "pay", 1, &off);
    assert_eq!(book.incidents.len(), 2);
}

#[test]
fn a_component_recovering_early_leaves_and_the_last_one_resolves_it_after_the_quiet_period() {
    let mut book = Book::default();
    fail(&mut book, "api", 0, &RULES);
    fail(&mut book, "pay", 5, &RULES);
    tick(&mut book, t(30), &RULES, &none);
    let left = recover(&mut book, "pay", 60);
    assert_eq!(left.len(), 1, "said in a note");
    let i = only(&book);
    assert_eq!(
        i.components[&ComponentId::parse("pay").unwrap()],
        ComponentStatus::Operational
    );
    assert!(
        !i.latest().unwrap().notify,
        "leaving is no email of its own"
    );
    assert_eq!(
        words::update(
            crate::lang::Lang::english(),
            &i.latest().unwrap().body,
            chrono_tz::UTC
        ),
        "Payments is operational again."
    );
    assert!(i.recovered_at.is_none(), "the API still fails");
    assert!(tick(&mut book, t(60 + 300), &RULES, &none).is_empty());
    recover(&mut book, "api", 400);
    assert!(
        tick(&mut book, t(699), &RULES, &none).is_empty(),
        "quiet period"
    );
    let events = tick(&mut book, t(700), &RULES, &none);
    let i = only(&book);
    assert_eq!(i.status, IncidentStatus::Resolved);
    let changes = &i.latest().unwrap().changes;
    assert_eq!(changes.len(), 1, "only the API changes now: {changes:?}");
    assert_eq!(kinds(&events, &book), vec![NoticeKind::IncidentResolved]);
}

#[test]
fn a_component_that_left_and_fails_again_rejoins_the_same_incident() {
    let mut book = Book::default();
    fail(&mut book, "api", 0, &RULES);
    fail(&mut book, "pay", 5, &RULES);
    recover(&mut book, "pay", 60);
    fail(&mut book, "pay", 600, &RULES);
    let i = only(&book);
    assert_eq!(
        words::update(
            crate::lang::Lang::english(),
            &i.latest().unwrap().body,
            chrono_tz::UTC
        ),
        "Payments is failing again. Payments health: HTTP 503 Service Unavailable."
    );
}

#[test]
fn an_incident_an_engineer_took_over_gets_no_new_components() {
    let mut book = Book::default();
    fail(&mut book, "api", 0, &RULES);
    let id = only(&book).id.clone();
    let input = crate::incidents::input::UpdateInput {
        status: Some("identified".into()),
        body: Some("A bad deploy; rolling back.".into()),
        ..Default::default()
    };
    let v = input.validate(&config(), t(10)).unwrap();
    let current = |_: &ComponentId| ComponentStatus::MajorOutage;
    let events = book.update_incident(&id, v, &current, t(10)).unwrap();
    assert_eq!(
        kinds(&events, &book),
        vec![NoticeKind::IncidentOpened],
        "the engineer's words open the thread at once; nothing stays held"
    );
    assert_eq!(book.incidents[&id].held, None);
    fail(&mut book, "pay", 20, &RULES);
    assert_eq!(book.incidents.len(), 2, "the engineer owns the first");
}

#[test]
fn the_opening_email_waits_the_settle_time_and_says_everything_that_failed_meanwhile() {
    let mut book = Book::default();
    let mut events = fail(&mut book, "api", 0, &RULES);
    events.extend(fail(&mut book, "pay", 10, &RULES));
    events.extend(fail(&mut book, "web", 20, &RULES));
    assert!(kinds(&events, &book).is_empty(), "held: {events:?}");
    assert!(!due(&book, t(29), &RULES));
    assert!(due(&book, t(30), &RULES));
    let released = tick(&mut book, t(30), &RULES, &none);
    let sent = notices(&released, &book, &config(), &|_| Vec::new());
    assert_eq!(sent.len(), 1, "one email for the three");
    assert_eq!(sent[0].kind, NoticeKind::IncidentOpened);
    assert_eq!(sent[0].components.len(), 3);
    assert!(
        tick(&mut book, t(31), &RULES, &none).is_empty(),
        "sent once"
    );
}

#[test]
fn later_additions_fold_into_one_email_after_the_settle_time() {
    let mut book = Book::default();
    fail(&mut book, "api", 0, &RULES);
    tick(&mut book, t(30), &RULES, &none);
    let mut events = fail(&mut book, "pay", 60, &RULES);
    events.extend(fail(&mut book, "web", 70, &RULES));
    assert!(kinds(&events, &book).is_empty(), "folded, not one each");
    let released = tick(&mut book, t(90), &RULES, &none);
    let sent = notices(&released, &book, &config(), &|_| Vec::new());
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].kind, NoticeKind::IncidentUpdated);
    assert_eq!(sent[0].components.len(), 3);
}

#[test]
fn an_incident_resolved_before_it_was_announced_sends_nothing() {
    let quick = Rules {
        quiet_period: Duration::from_secs(5),
        ..RULES
    };
    let mut book = Book::default();
    fail(&mut book, "api", 0, &quick);
    recover(&mut book, "api", 2);
    let events = tick(&mut book, t(8), &quick, &none);
    assert_eq!(only(&book).status, IncidentStatus::Resolved);
    assert!(kinds(&events, &book).is_empty(), "{events:?}");
    assert!(
        tick(&mut book, t(40), &quick, &none).is_empty(),
        "and never"
    );
}

#[test]
fn a_whole_group_failing_is_named_as_the_group() {
    let mut book = Book::default();
    for n in 0..50 {
        let id = format!("eu{n:02}");
        let c = Observed {
            workaround: None,
            id: ComponentId::parse(&id).unwrap(),
            name: format!("Service {n:02}"),
            group: Some(GroupRef {
                name: "Europe West".into(),
                size: 50,
            }),
            ..seen("api", ComponentStatus::MajorOutage)
        };
        on_status_change(&mut book, &c, ComponentStatus::Operational, t(n), &RULES);
    }
    assert_eq!(
        words::incident_name(crate::lang::Lang::english(), &only(&book).name),
        "All of Europe West (50 components): major outage"
    );
}

fn split(book: &mut Book, id: &IncidentId, components: &[&str]) -> Result<IncidentId, BookError> {
    let v = crate::incidents::input::SplitInput {
        components: components.iter().map(|c| c.to_string()).collect(),
        name: None,
    }
    .validate(&config())
    .unwrap();
    let member = |c: &ComponentId| Member::new(seen(c.as_str(), ComponentStatus::MajorOutage).name);
    book.split_incident(id, v, &member, t(50))
        .map(|(new, _)| new)
}

#[test]
fn an_engineer_splits_a_component_off_into_an_incident_the_checks_resolve_on_their_own() {
    let mut book = Book::default();
    fail(&mut book, "api", 0, &RULES);
    fail(&mut book, "pay", 5, &RULES);
    fail(&mut book, "web", 10, &RULES);
    let first = only(&book).id.clone();
    let new = split(&mut book, &first, &["pay"]).unwrap();
    let (old, moved) = (&book.incidents[&first], &book.incidents[&new]);
    assert_eq!(
        words::incident_name(crate::lang::Lang::english(), &old.name),
        "Public API and Website: major outage"
    );
    assert_eq!(
        words::incident_name(crate::lang::Lang::english(), &moved.name),
        "Payments: major outage"
    );
    assert_eq!(moved.components.len(), 1);
    assert_eq!(
        moved.source,
        Author::Automatic,
        "the checks still resolve it"
    );
    let said: Vec<String> = (moved.updates.iter())
        .map(|u| words::update(crate::lang::Lang::english(), &u.body, chrono_tz::UTC).into_owned())
        .collect();
    assert!(
        said[0].contains("Payments health: HTTP 503"),
        "its evidence moves with it: {said:?}"
    );
    assert_eq!(
        said.last().map(String::as_str),
        Some("Payments moved to an incident of its own.")
    );
    assert_eq!(
        words::update(
            crate::lang::Lang::english(),
            &old.latest().unwrap().body,
            chrono_tz::UTC
        ),
        "Payments moved to an incident of its own."
    );

    recover(&mut book, "pay", 60);
    tick(&mut book, t(60 + 300), &RULES, &none);
    assert_eq!(book.incidents[&new].status, IncidentStatus::Resolved);
    assert!(
        book.incidents[&first].status.is_open(),
        "the API and website still fail"
    );
}

#[test]
fn a_split_must_leave_something_and_move_only_what_the_incident_has() {
    let mut book = Book::default();
    fail(&mut book, "api", 0, &RULES);
    fail(&mut book, "pay", 5, &RULES);
    let id = only(&book).id.clone();
    let invalid = |r: Result<IncidentId, BookError>| match r {
        Err(BookError::Invalid(e)) => e.0.keys().cloned().collect::<Vec<_>>(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        invalid(split(&mut book, &id, &["api", "pay"])),
        ["components"]
    );
    assert_eq!(invalid(split(&mut book, &id, &["web"])), ["components.web"]);
    assert!(matches!(
        split(&mut book, &IncidentId::fixture("nope"), &["api"]),
        Err(BookError::NotFound { .. })
    ));
    assert_eq!(only(&book).components.len(), 2, "nothing changed");
}

#[test]
fn a_status_change_copies_only_the_incident_it_changes() {
    let mut book = Book::default();
    for n in 0..100 {
        fail(&mut book, "late", n * 1000, &RULES);
        recover(&mut book, "late", n * 1000 + 1);
        tick(&mut book, t(n * 1000 + 400), &RULES, &none);
    }
    fail(&mut book, "api", 200_000, &RULES);
    let shared = book.clone();
    fail(&mut book, "pay", 200_010, &RULES);
    tick(&mut book, t(200_020), &RULES, &none);
    let copied = (book.incidents.iter())
        .filter(|(id, _)| !book.incidents.same(&shared.incidents, *id))
        .count();
    assert_eq!(copied, 1, "only the incident Payments joined");
}

#[test]
fn components_configured_workarounds_are_the_automatic_incidents_until_an_engineer_takes_over() {
    let mut book = Book::default();
    let with = |id: &str, w: Option<&str>| Observed {
        workaround: w.map(str::to_owned),
        ..seen(id, ComponentStatus::MajorOutage)
    };
    let from = ComponentStatus::Operational;
    on_status_change(
        &mut book,
        &with("api", Some("Use the web app.")),
        from,
        t(0),
        &RULES,
    );
    assert_eq!(only(&book).workaround.as_deref(), Some("Use the web app."));
    // A joining component adds its own, once; one without adds nothing.
    on_status_change(
        &mut book,
        &with("pay", Some("Pay by invoice.")),
        from,
        t(10),
        &RULES,
    );
    on_status_change(
        &mut book,
        &with("web", Some("Use the web app.")),
        from,
        t(20),
        &RULES,
    );
    on_status_change(&mut book, &with("late", None), from, t(30), &RULES);
    assert_eq!(
        only(&book).workaround.as_deref(),
        Some("Use the web app.\n\nPay by invoice.")
    );
    // An engineer's workaround replaces them and stays.
    let id = only(&book).id.clone();
    let input = crate::incidents::input::UpdateInput {
        status: Some("identified".into()),
        body: Some("Rolling back.".into()),
        workaround: Some("Call us.".into()),
        ..Default::default()
    };
    let v = input.validate(&config(), t(40)).unwrap();
    let current = |_: &ComponentId| ComponentStatus::MajorOutage;
    book.update_incident(&id, v, &current, t(40)).unwrap();
    let api = with("api", Some("Use the web app."));
    let worse = Observed {
        status: ComponentStatus::PartialOutage,
        ..api
    };
    on_status_change(
        &mut book,
        &worse,
        ComponentStatus::MajorOutage,
        t(50),
        &RULES,
    );
    assert_eq!(book.incidents[&id].workaround.as_deref(), Some("Call us."));
}
