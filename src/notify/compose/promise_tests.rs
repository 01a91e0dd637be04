//! The why and the promised next update in letters: the checks' evidence,
//! not yet published, the postmortem, and when customers hear next.

use super::*;
use crate::incidents::promise::{Grounds, Seen};
use crate::model::{Evidence, Reason};

fn evidence() -> Grounds {
    Grounds::Checks {
        seen: vec![Seen {
            component: "Public API".into(),
            evidence: vec![Evidence {
                seen_from: None,
                check: "API health".into(),
                reason: Some(Reason::HttpStatus { code: 503 }),
                runs: 3,
                since: Some(at()),
            }],
        }],
        passing: false,
    }
}

#[test]
fn an_automatic_incident_gives_its_evidence_as_the_why_and_the_next_update() {
    let opened = Notice {
        why: Some(evidence()),
        next_update_by: Some(at() + Duration::minutes(30)),
        ..notice(NoticeKind::IncidentOpened)
    };
    let why = "Why: The check “API health” of Public API reports HTTP 503 Service \
               Unavailable since 14:02 CET.\n";
    let text = text(opened.clone());
    assert_in_order(
        &text,
        &[
            why,
            "Expected back: We don't have an estimate yet.\n",
            "Next update: by 14:32 CET (22 Nov)\n",
        ],
    );
    assert!(!text.contains("still investigating"), "{text}");
    let html = html(opened);
    assert!(
        html.contains("<strong>Next update: </strong>by 14:32 CET (22 Nov)"),
        "{html}"
    );
    assert!(html.contains("of Public API reports HTTP 503"), "{html}");
}

#[test]
fn a_resolution_without_a_cause_says_it_is_not_yet_published_and_promises_nothing() {
    let resolved = Notice {
        why: Some(Grounds::NotPublished),
        status: NoticeStatus::Incident(IncidentStatus::Resolved),
        ..notice(NoticeKind::IncidentResolved)
    };
    let text = text(resolved);
    assert!(text.contains("Why: Cause not yet published\n"), "{text}");
    assert!(!text.contains("Next update"), "{text}");
    assert!(!text.contains("still investigating"), "{text}");
}

#[test]
fn a_postmortem_is_linked_as_the_why() {
    let text = text(Notice {
        why: Some(Grounds::Postmortem),
        ..notice(NoticeKind::IncidentUpdated)
    });
    assert!(
        text.contains(
            "Why:\nRead the postmortem: https://status.acme.test/incidents/inc123abc456#postmortem\n"
        ),
        "{text}"
    );
}

#[test]
fn a_notice_queued_before_it_kept_its_why_reads_from_its_cause_and_kind() {
    let resolved = text(notice(NoticeKind::IncidentResolved));
    assert!(
        resolved.contains("Why: Cause not yet published\n"),
        "{resolved}"
    );
    let open = text(notice(NoticeKind::IncidentOpened));
    assert!(
        open.contains("Why: We are still investigating the cause.\n"),
        "{open}"
    );
    let json = serde_json::to_value(notice(NoticeKind::IncidentOpened)).unwrap();
    assert!(json.get("why").is_none() && json.get("next_update_by").is_none());
}
