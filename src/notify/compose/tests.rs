use chrono::{DateTime, Duration, TimeZone, Utc};
use lettre::Message;

use super::*;
use crate::incidents::{IncidentName, IncidentStatus, MaintenanceStatus, RecordId, UpdateId};
use crate::model::{ComponentId, ComponentStatus};
use crate::outbox::notice::{Affected, NoticeImpact, NoticeKind, NoticeStatus, Recipient};

fn head() -> Letterhead {
    Letterhead {
        title: "Acme Status".into(),
        public_url: "https://status.acme.test/".parse().unwrap(),
        tz: "Europe/Berlin".parse().unwrap(),
        from: "Acme Status <status@acme.test>".parse().unwrap(),
        languages: crate::lang::Lang::all().collect(),
        default_language: crate::lang::Lang::english(),
    }
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 13, 2, 0).unwrap()
}

fn component(id: &str, name: &str, status: ComponentStatus) -> Affected {
    let id = ComponentId::parse(id).unwrap();
    Affected {
        id,
        name: name.into(),
        status,
        group: None,
    }
}

fn notice(kind: NoticeKind) -> Notice {
    Notice {
        kind,
        subject_id: RecordId::parse("inc123abc456").unwrap(),
        update_id: UpdateId::fixture("upd1").into(),
        name: "Public API errors".into(),
        status: NoticeStatus::Incident(IncidentStatus::Investigating),
        impact: NoticeImpact::Worst(ComponentStatus::MajorOutage),
        components: vec![component(
            "public-api",
            "Public API",
            ComponentStatus::MajorOutage,
        )],
        cause: None,
        why: None,
        expected_resolution_at: None,
        next_update_by: None,
        workaround: None,
        body: "We are looking into elevated error rates.".into(),
        window: None,
        at: at(),
    }
}

fn maintenance(kind: NoticeKind) -> Notice {
    let start = at() + Duration::hours(1);
    Notice {
        name: "Database upgrade".into(),
        status: NoticeStatus::Maintenance(MaintenanceStatus::Scheduled),
        impact: NoticeImpact::Maintenance,
        components: vec![component(
            "database",
            "Database",
            ComponentStatus::UnderMaintenance,
        )],
        body: "Writes pause for a few minutes.".into(),
        window: Some((start, start + Duration::hours(2))),
        ..notice(kind)
    }
}

fn to_ana(notice: Notice) -> Letter {
    let ids = ["public-api", "database"].map(|c| ComponentId::parse(c).unwrap());
    let recipient = Recipient {
        follower: false,
        language: None,
        email: "ana@example.com".into(),
        token: "tok123".into(),
        components: ids.to_vec(),
    };
    Letter::Notice { notice, recipient }
}

fn message(letter: &Letter) -> Message {
    compose(&head(), letter).expect("composes")
}

/// The message as it goes on the wire.
fn raw(letter: &Letter) -> String {
    String::from_utf8(message(letter).formatted()).unwrap()
}

fn subject(notice: Notice) -> String {
    let message = message(&to_ana(notice));
    message.headers().get_raw("Subject").unwrap().to_owned()
}

fn text(notice: Notice) -> String {
    render_text(&head(), &to_ana(notice))
}

fn html(notice: Notice) -> String {
    render_html(&head(), &to_ana(notice))
}

/// `parts` occur in `haystack` in this order.
fn assert_in_order(haystack: &str, parts: &[&str]) {
    let mut from = 0;
    for part in parts {
        match haystack[from..].find(part) {
            Some(i) => from += i + part.len(),
            None => panic!("{part:?} missing or out of order in:\n{haystack}"),
        }
    }
}

#[test]
fn a_notice_is_multipart_alternative_with_text_then_html() {
    let raw = raw(&to_ana(notice(NoticeKind::IncidentOpened)));
    assert_in_order(
        &raw,
        &[
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative;",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Type: text/html; charset=utf-8",
        ],
    );
    assert!(raw.contains("To: ana@example.com\r\n"), "{raw}");
    assert!(
        raw.contains("From: \"Acme Status\" <status@acme.test>\r\n"),
        "{raw}"
    );
}

#[test]
fn subjects_name_the_impact_the_components_and_the_status() {
    assert_eq!(
        subject(notice(NoticeKind::IncidentOpened)),
        "[Acme Status] Major outage: Public API — Investigating"
    );
    let update = Notice {
        status: NoticeStatus::Incident(IncidentStatus::Identified),
        impact: NoticeImpact::Worst(ComponentStatus::PartialOutage),
        components: vec![
            component("public-api", "Public API", ComponentStatus::PartialOutage),
            component("database", "Database", ComponentStatus::DegradedPerformance),
        ],
        ..notice(NoticeKind::IncidentUpdated)
    };
    assert_eq!(
        subject(update),
        "[Acme Status] Partial outage: Public API and Database — Identified"
    );
    let resolved = Notice {
        status: NoticeStatus::Incident(IncidentStatus::Resolved),
        ..notice(NoticeKind::IncidentResolved)
    };
    assert_eq!(
        subject(resolved),
        "[Acme Status] Major outage: Public API — Resolved"
    );
    let nothing_named = Notice {
        components: vec![],
        ..notice(NoticeKind::IncidentOpened)
    };
    assert_eq!(
        subject(nothing_named),
        "[Acme Status] Public API errors — Investigating"
    );
}

#[test]
fn an_automatic_incident_is_named_in_words_in_the_subject_and_heading() {
    let automatic = || Notice {
        name: IncidentName::automatic(
            crate::incidents::Member::new("Public API"),
            ComponentStatus::MajorOutage,
        ),
        components: vec![],
        ..notice(NoticeKind::IncidentOpened)
    };
    assert_eq!(
        subject(automatic()),
        "[Acme Status] Public API: major outage — Investigating"
    );
    let text = text(automatic());
    assert!(text.contains("Public API: major outage"), "{text}");
    assert!(!text.contains("named"), "{text}");
}

#[test]
fn maintenance_subjects_say_where_it_stands() {
    assert_eq!(
        subject(maintenance(NoticeKind::MaintenanceReminder)),
        "[Acme Status] Scheduled maintenance: Database upgrade — starts in about an hour"
    );
    assert_eq!(
        subject(maintenance(NoticeKind::MaintenanceScheduled)),
        "[Acme Status] Scheduled maintenance: Database upgrade — Sun 22 Nov, 15:02 CET"
    );
    assert_eq!(
        subject(maintenance(NoticeKind::MaintenanceStarted)),
        "[Acme Status] Scheduled maintenance: Database upgrade — in progress"
    );
    assert_eq!(
        subject(maintenance(NoticeKind::MaintenanceCompleted)),
        "[Acme Status] Scheduled maintenance: Database upgrade — completed"
    );
}

#[test]
fn long_component_lists_are_counted_to_keep_subjects_short() {
    let many = (0..20)
        .map(|n| {
            let name = format!("Regional edge cache number {n}");
            component(&format!("c{n}"), &name, ComponentStatus::MajorOutage)
        })
        .collect();
    let subject = subject(Notice {
        components: many,
        ..notice(NoticeKind::IncidentOpened)
    });
    assert!(subject.chars().count() <= subject::MAX, "{subject}");
    assert!(
        subject.starts_with("[Acme Status] Major outage: Regional edge cache number 0, "),
        "{subject}"
    );
    assert!(subject.ends_with(" more — Investigating"), "{subject}");

    let long_name = Notice {
        name: "x".repeat(400).into(),
        components: vec![],
        ..notice(NoticeKind::IncidentOpened)
    };
    let subject = self::subject(long_name);
    assert_eq!(subject.chars().count(), subject::MAX, "{subject}");
    assert!(subject.ends_with("x… — Investigating"), "{subject}");
}

#[test]
fn notices_carry_one_click_unsubscribe_headers() {
    let raw = raw(&to_ana(notice(NoticeKind::IncidentUpdated)));
    assert!(
        raw.contains(
            "List-Unsubscribe: <https://status.acme.test/subscriptions/tok123/unsubscribe>\r\n"
        ),
        "{raw}"
    );
    assert!(
        raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
        "{raw}"
    );
}

#[test]
fn the_first_notice_starts_the_thread_and_later_ones_reply_to_it() {
    let first = raw(&to_ana(notice(NoticeKind::IncidentOpened)));
    assert!(
        first.contains("Message-ID: <inc123abc456@status.acme.test>\r\n"),
        "{first}"
    );
    assert!(!first.contains("In-Reply-To:"), "{first}");
    assert!(!first.contains("References:"), "{first}");
    assert!(
        first.contains("Date: Sun, 22 Nov 2026 13:02:00 +0000\r\n"),
        "{first}"
    );

    let later = raw(&to_ana(Notice {
        update_id: UpdateId::fixture("upd2").into(),
        at: at() + Duration::minutes(30),
        ..notice(NoticeKind::IncidentUpdated)
    }));
    assert!(
        later.contains("Message-ID: <inc123abc456.upd2@status.acme.test>\r\n"),
        "{later}"
    );
    assert!(
        later.contains("In-Reply-To: <inc123abc456@status.acme.test>\r\n"),
        "{later}"
    );
    assert!(
        later.contains("References: <inc123abc456@status.acme.test>\r\n"),
        "{later}"
    );
    assert!(
        later.contains("Date: Sun, 22 Nov 2026 13:32:00 +0000\r\n"),
        "{later}"
    );
}

#[test]
fn the_text_answers_what_why_when_and_meanwhile_in_that_order() {
    let text = text(Notice {
        cause: Some("A bad deploy of the API gateway.".into()),
        expected_resolution_at: Some(Utc.with_ymd_and_hms(2026, 11, 22, 14, 30, 0).unwrap()),
        workaround: Some("Retry failed requests after a minute.".into()),
        ..notice(NoticeKind::IncidentOpened)
    });
    assert_in_order(
        &text,
        &[
            "Public API errors\n",
            "Affected:\n- Public API: Major outage\n",
            "Status: Investigating\n",
            "Why:\nA bad deploy of the API gateway.\n",
            "Expected back: by 15:30 CET (22 Nov)\n",
            "Meanwhile:\nRetry failed requests after a minute.\n",
            "Latest update (Sun 22 Nov, 14:02 CET):\nWe are looking into elevated error rates.\n",
            "Follow this incident: https://status.acme.test/incidents/inc123abc456\n",
        ],
    );
}

#[test]
fn an_automatic_note_is_written_in_words_with_times_in_the_site_zone() {
    use crate::incidents::Said;
    use crate::model::{Evidence, Reason};
    let detected = Notice {
        impact: NoticeImpact::Incident(crate::incidents::Impact::Critical),
        components: vec![],
        body: Said::Detected {
            evidence: vec![Evidence {
                seen_from: None,
                check: "API health".into(),
                reason: Some(Reason::HttpStatus { code: 503 }),
                runs: 3,
                since: Some(at()),
            }],
        }
        .into(),
        ..notice(NoticeKind::IncidentOpened)
    };
    let text = text(detected.clone());
    let note = "Detected automatically. API health: HTTP 503 Service Unavailable on 3 \
                checks in a row since 14:02 CET.";
    assert!(text.contains(note), "{text}");
    assert!(text.contains("Impact: Critical impact\n"), "{text}");
    assert!(text.contains("Status: Investigating\n"), "{text}");
    assert!(html(detected).contains(note));
}

#[test]
fn an_unknown_cause_and_estimate_are_said_plainly() {
    let text = text(notice(NoticeKind::IncidentUpdated));
    assert!(
        text.contains("Why: We are still investigating the cause.\n"),
        "{text}"
    );
    assert!(
        text.contains("Expected back: We don't have an estimate yet.\n"),
        "{text}"
    );
    assert!(!text.contains("Meanwhile"), "{text}");
    let html = html(notice(NoticeKind::IncidentUpdated));
    assert!(
        html.contains("We are still investigating the cause."),
        "{html}"
    );
}

#[test]
fn a_resolution_asks_once_whether_it_works_with_two_one_click_links() {
    let resolved = || Notice {
        status: NoticeStatus::Incident(IncidentStatus::Resolved),
        components: vec![component(
            "public-api",
            "Public API",
            ComponentStatus::Operational,
        )],
        ..notice(NoticeKind::IncidentResolved)
    };
    let working = "https://status.acme.test/feedback/inc123abc456/tok123/working";
    let broken = "https://status.acme.test/feedback/inc123abc456/tok123/still-broken";
    let text = text(resolved());
    assert_eq!(
        text.matches("Is everything working for you now?").count(),
        1,
        "{text}"
    );
    assert_in_order(
        &text,
        &[
            "This incident is resolved.",
            "Is everything working for you now?\n",
            &format!("Yes, it works: {working}\n"),
            &format!("No, still broken: {broken}\n"),
            "your answer goes straight to the team",
        ],
    );
    assert!(!text.contains("Expected back"), "{text}");
    let html = html(resolved());
    assert_eq!(
        html.matches("Is everything working for you now?").count(),
        1,
        "{html}"
    );
    assert!(html.contains(&format!("href=\"{working}\"")), "{html}");
    assert!(html.contains(&format!("href=\"{broken}\"")), "{html}");
    assert!(!self::text(notice(NoticeKind::IncidentUpdated)).contains("/feedback/"));
}

#[test]
fn markup_in_engineers_text_is_escaped_in_the_html_part() {
    let html = html(Notice {
        name: "<b>Outage</b>".into(),
        cause: Some("<img src=x onerror=alert(1)>".into()),
        body: "<script>alert(1)</script>\n\nSee https://acme.test/a?b=1&c=2".into(),
        ..notice(NoticeKind::IncidentUpdated)
    });
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("&lt;b&gt;Outage&lt;/b&gt;"), "{html}");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains("<a href=\"https://acme.test/a?b=1&amp;c=2\""),
        "{html}"
    );
    assert!(
        !html.contains("<link") && !html.contains("<style"),
        "{html}"
    );
}

#[test]
fn maintenance_shows_its_window_in_the_site_zone_and_what_it_touches() {
    let text = text(maintenance(NoticeKind::MaintenanceScheduled));
    assert_in_order(
        &text,
        &[
            "Database upgrade\n",
            "We have scheduled maintenance.\n",
            "When: Sun 22 Nov 15:02–17:02 CET\n",
            "Affected:\n- Database\n",
            "Details:\nWrites pause for a few minutes.\n",
            "https://status.acme.test/incidents/inc123abc456\n",
        ],
    );
    let reminder = self::text(maintenance(NoticeKind::MaintenanceReminder));
    assert!(
        reminder.contains("This maintenance starts in about an hour.\n"),
        "{reminder}"
    );
}

#[test]
fn the_footer_says_why_it_came_and_how_to_stop_it() {
    let text = text(notice(NoticeKind::IncidentOpened));
    assert_in_order(
        &text,
        &[
            "\n-- \n",
            "You get this because you subscribed to updates about Public API and \
             1 other component on Acme Status.\n",
            "Manage your subscription: https://status.acme.test/subscriptions/tok123\n",
            "Unsubscribe: https://status.acme.test/subscriptions/tok123/unsubscribe\n",
        ],
    );
    let Letter::Notice {
        notice,
        mut recipient,
    } = to_ana(notice(NoticeKind::IncidentOpened))
    else {
        unreachable!()
    };
    recipient.components.clear();
    let everything = render_html(&head(), &Letter::Notice { notice, recipient });
    assert!(
        everything.contains("updates about everything on Acme Status."),
        "{everything}"
    );
    assert!(
        everything.contains("href=\"https://status.acme.test/subscriptions/tok123/unsubscribe\""),
        "{everything}"
    );
}

#[test]
fn a_confirmation_links_to_confirm_and_says_what_happens_otherwise() {
    let letter = Letter::Confirmation {
        language: None,
        email: "ana@example.com".into(),
        token: "tok123".into(),
    };
    let message = message(&letter);
    assert_eq!(
        message.headers().get_raw("Subject"),
        Some("[Acme Status] Confirm your subscription")
    );
    let raw = String::from_utf8(message.formatted()).unwrap();
    assert!(
        raw.contains("Content-Type: multipart/alternative;"),
        "{raw}"
    );
    assert!(raw.contains("Message-ID: <"), "{raw}");
    assert!(!raw.contains("List-Unsubscribe"), "{raw}");
    let confirm = "https://status.acme.test/subscriptions/tok123/confirm";
    let text = render_text(&head(), &letter);
    assert!(
        text.contains(&format!("Confirm to start receiving updates: {confirm}\n")),
        "{text}"
    );
    assert!(
        text.contains("Nothing will be sent to this address unless you confirm."),
        "{text}"
    );
    assert!(text.contains("The request expires in 7 days."), "{text}");
    assert!(
        text.contains("If this wasn't you, ignore this email."),
        "{text}"
    );
    let html = render_html(&head(), &letter);
    assert!(html.contains(&format!("href=\"{confirm}\"")), "{html}");
}

#[test]
fn an_address_already_subscribed_gets_its_manage_link() {
    let letter = Letter::ManageLink {
        language: None,
        email: "ana@example.com".into(),
        token: "tok123".into(),
    };
    let message = message(&letter);
    assert_eq!(
        message.headers().get_raw("Subject"),
        Some("[Acme Status] Your subscription")
    );
    let text = render_text(&head(), &letter);
    assert!(
        text.contains("Someone, probably you, asked to subscribe this address"),
        "{text}"
    );
    assert!(text.contains("already subscribed"), "{text}");
    assert!(
        text.contains("Manage your subscription: https://status.acme.test/subscriptions/tok123\n"),
        "{text}"
    );
}

#[test]
fn an_address_lettre_cannot_parse_is_an_error_not_a_panic() {
    for bad in [
        "",
        "not an address",
        "ana@",
        "Ana <ana@example.com>",
        "a\r\nBcc: x@y.z",
    ] {
        let letter = Letter::Confirmation {
            language: None,
            email: bad.into(),
            token: "tok123".into(),
        };
        match compose(&head(), &letter) {
            Err(ComposeError::Recipient { address, .. }) => assert_eq!(address, bad),
            other => panic!("{bad:?} gave {other:?}"),
        }
    }
}

#[test]
fn links_stay_under_the_public_url_path_and_ids_are_one_segment() {
    let head = Letterhead {
        public_url: "https://acme.test/status?x=1#top".parse().unwrap(),
        ..head()
    };
    let links = Links::new(&head);
    assert_eq!(
        links.incident("inc1").as_str(),
        "https://acme.test/status/incidents/inc1"
    );
    assert_eq!(
        links
            .unsubscribe(&Recipient {
                email: "a@b.test".into(),
                token: "a/b?c#d".into(),
                components: vec![],
                language: None,
                follower: false,
            })
            .as_str(),
        "https://acme.test/status/subscriptions/a%2Fb%3Fc%23d/unsubscribe"
    );
    assert_eq!(
        links.feedback("inc1", "t", "working").as_str(),
        "https://acme.test/status/feedback/inc1/t/working"
    );
}

/// 50 components of Europe West failing together, in one notice.
fn group_outage() -> Notice {
    let components = (0..50)
        .map(|n| Affected {
            group: Some("Europe West".into()),
            ..component(
                &format!("eu{n:02}"),
                &format!("Service {n:02}"),
                ComponentStatus::MajorOutage,
            )
        })
        .collect();
    Notice {
        components,
        ..notice(NoticeKind::IncidentOpened)
    }
}

#[test]
fn a_subscriber_reads_what_affects_them_and_a_count_of_the_rest() {
    let recipient = Recipient {
        follower: false,
        language: None,
        email: "ana@example.com".into(),
        token: "tok123".into(),
        components: ["eu03", "eu07"]
            .map(|c| ComponentId::parse(c).unwrap())
            .to_vec(),
    };
    let letter = Letter::Notice {
        notice: group_outage(),
        recipient,
    };
    let text = render_text(&head(), &letter);
    assert_in_order(
        &text,
        &[
            "Affected:",
            "- Service 03: Major outage",
            "- Service 07: Major outage",
            "- and 48 other components",
        ],
    );
    assert!(!text.contains("Service 04"), "{text}");
}

#[test]
fn a_long_list_for_everyone_is_told_by_group() {
    let recipient = Recipient {
        follower: false,
        language: None,
        email: "ana@example.com".into(),
        token: "tok123".into(),
        components: Vec::new(),
    };
    let letter = Letter::Notice {
        notice: group_outage(),
        recipient,
    };
    let text = render_text(&head(), &letter);
    assert!(
        text.contains("- Europe West: 50 components: Major outage"),
        "{text}"
    );
    assert!(!text.contains("Service 01"), "{text}");
}

#[path = "promise_tests.rs"]
mod promise;

#[test]
fn a_follower_is_told_why_and_leaves_by_stopping_not_by_unsubscribing() {
    let Letter::Notice { notice, recipient } = to_ana(notice(NoticeKind::IncidentResolved)) else {
        unreachable!()
    };
    let recipient = Recipient {
        follower: true,
        components: Vec::new(),
        ..recipient
    };
    let letter = Letter::Notice { notice, recipient };
    let raw = raw(&letter);
    assert!(
        raw.contains("List-Unsubscribe: <https://status.acme.test/follow/tok123/stop>\r\n"),
        "{raw}"
    );
    let text = render_text(&head(), &letter);
    assert!(
        text.contains("you asked Acme Status to email you about “")
            && text.contains("Stop following this incident")
            && !text.contains("Manage your subscription"),
        "{text}"
    );
    // The resolution still asks whether it works for them.
    assert!(
        text.contains("/feedback/inc123abc456/tok123/working"),
        "{text}"
    );
}

#[test]
fn a_follow_confirmation_names_the_incident_in_the_readers_language() {
    let letter = |language: &str| Letter::FollowConfirmation {
        email: "ana@example.com".into(),
        token: "tok123".into(),
        incident: crate::incidents::IncidentId::parse("inc123abc456").unwrap(),
        name: IncidentName::Written("Login fails".into()),
        language: Some(language.into()),
    };
    let text = render_text(&head(), &letter("en"));
    assert!(
        text.contains("about “Login fails”: its updates and its resolution")
            && text.contains("https://status.acme.test/follow/tok123/confirm"),
        "{text}"
    );
    let es = render_text(&head(), &letter("es"));
    assert!(
        es.contains("sobre «Login fails»") && es.contains("Confirmar para seguir este incidente"),
        "{es}"
    );
    assert!(!raw(&letter("en")).contains("List-Unsubscribe"));
}
