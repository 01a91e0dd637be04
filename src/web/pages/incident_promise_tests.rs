//! The why of an automatic incident from its evidence, and its promised next
//! update, on `/` and on the incident's page.

use super::incident_page;
use crate::incidents::{Author, ComponentChange, Incident, Postmortem, Said};
use crate::model::{ComponentStatus, Evidence, Reason};
use crate::web::pages::status;
use crate::web::render::fixtures::*;

/// An automatic incident on the API, opened at 13:02 UTC on an HTTP 503
/// seen since then, promising its next update at 13:32 UTC.
fn automatic() -> Incident {
    let mut i = incident("auto1", "Public API: major outage", at(13, 2));
    i.source = Author::Automatic;
    i.updates[0].author = Author::Automatic;
    i.updates[0].body = Said::Detected {
        evidence: vec![Evidence {
            seen_from: None,
            check: "API health".into(),
            reason: Some(Reason::HttpStatus { code: 503 }),
            runs: 3,
            since: Some(at(13, 2)),
        }],
    }
    .into();
    i.updates[0].changes = vec![ComponentChange {
        component: id("api"),
        old: ComponentStatus::Operational,
        new: ComponentStatus::MajorOutage,
    }];
    i.next_update_by = Some(at(13, 32));
    i
}

fn both(i: &Incident, h: u32, m: u32) -> [String; 2] {
    let v = view(config(), book(vec![i.clone()], vec![]), at(h, m));
    [
        status::render(&v).into_string(),
        incident_page(&v, i).into_string(),
    ]
}

const WHY: &str = "The check “API health” of Public API reports HTTP 503 Service Unavailable \
     since <time datetime=\"2026-11-22T13:02:00Z\">14:02 CET</time>.";

#[test]
fn an_automatic_incident_gives_its_evidence_as_the_why_and_promises_the_next_update() {
    for out in both(&automatic(), 13, 10) {
        assert!(out.contains(WHY), "{out}");
        assert!(!out.contains("Under investigation"), "{out}");
        assert!(out.contains("No estimate yet"), "{out}");
        assert!(
            out.contains(
                "<p class=\"next-update\">Next update by \
                 <time datetime=\"2026-11-22T13:32:00Z\">14:32 CET</time></p>"
            ),
            "{out}"
        );
        assert!(!out.contains("overdue"), "{out}");
    }
}

#[test]
fn a_promise_passed_without_an_update_is_overdue_on_the_page() {
    for out in both(&automatic(), 13, 32) {
        assert!(
            out.contains(
                "<strong>Update overdue since \
                 <time datetime=\"2026-11-22T13:32:00Z\">14:32 CET</time></strong>"
            ),
            "{out}"
        );
        assert!(!out.contains("Next update by"), "{out}");
    }
}

#[test]
fn an_engineers_cause_replaces_the_evidence() {
    let mut i = automatic();
    i.cause = Some("A failed deploy.".into());
    for out in both(&i, 13, 10) {
        assert!(out.contains("A failed deploy."), "{out}");
        assert!(!out.contains("reports HTTP 503"), "{out}");
    }
}

#[test]
fn resolved_without_a_cause_the_page_says_not_yet_published_then_links_the_postmortem() {
    let mut i = resolve(automatic(), at(13, 40));
    i.next_update_by = None;
    let v = view(config(), book(vec![i.clone()], vec![]), at(14, 0));
    let out = incident_page(&v, &i).into_string();
    assert!(
        out.contains("<dt>Why:</dt><dd><p>Cause not yet published</p></dd>"),
        "{out}"
    );
    assert!(
        !out.contains("reports HTTP 503 Service"),
        "the evidence stays in the timeline only: {out}"
    );
    assert!(!out.contains("Next update"), "{out}");
    i.postmortem = Some(Postmortem {
        body: "What happened.".into(),
        at: at(15, 0),
    });
    i.status = crate::incidents::IncidentStatus::Postmortem;
    let out = incident_page(&v, &i).into_string();
    assert!(
        out.contains("<a href=\"/incidents/auto1#postmortem\">Read the postmortem</a>"),
        "{out}"
    );
    assert!(
        out.contains("<section class=\"postmortem\" id=\"postmortem\""),
        "{out}"
    );
    assert!(!out.contains("not yet published"), "{out}");
}

#[test]
fn once_the_checks_pass_again_the_why_says_when_it_failed_without_the_reason() {
    let mut i = automatic();
    i.recovered_at = Some(at(13, 20));
    for out in both(&i, 13, 21) {
        assert!(
            out.contains(
                "The check “API health” of Public API failed from \
                 <time datetime=\"2026-11-22T13:02:00Z\">14:02 CET</time>; it passes again."
            ),
            "{out}"
        );
    }
    let [front, _] = both(&i, 13, 21);
    assert!(
        !front.contains("HTTP 503"),
        "the reason went with the failure: {front}"
    );
}
