//! Messages Candor writes itself, through the sled store and back.

use super::*;
use crate::incidents::auto::{self, Observed};
use crate::model::{ComponentStatus, Evidence, Finding};
use crate::outbox::announce;
use crate::outbox::{Envelope, Job};
use crate::store::OutboxStore;

const RULES: crate::config::Incidents = crate::config::Incidents::AT_ONCE;

/// What Candor says by itself is stored as data and read back as data:
/// reasons in result blocks and check states, findings in component states,
/// automatic notes on incidents, and a queued notice's status, impact and text.
#[test]
fn messages_survive_a_reopen_as_data() {
    let dir = tempfile::tempdir().unwrap();
    let http = Reason::HttpStatus { code: 503 };
    let r = CheckResult {
        reason: Some(http.clone()),
        ..result("api-health", 5, Outcome::Down)
    };
    let state = CheckState {
        health: Outcome::Down,
        bad_reason: Some(http.clone()),
        down_reason: Some(http.clone()),
        failing_since: Some(at(5)),
        ..CheckState::default()
    };
    let comp = ComponentId::parse("api").unwrap();
    let mut comp_state = ComponentState::operational(at(0));
    comp_state.findings = vec![Finding {
        seen_from: None,
        check: "API health".into(),
        reason: Some(http.clone()),
    }];
    let seen = Observed {
        workaround: None,
        id: comp.clone(),
        name: "Public API".into(),
        group: None,
        status: ComponentStatus::MajorOutage,
        since: at(5),
        evidence: vec![Evidence {
            seen_from: None,
            check: "API health".into(),
            reason: Some(http),
            runs: 3,
            since: Some(at(5)),
        }],
    };
    let mut book = Book::default();
    let events = auto::on_status_change(
        &mut book,
        &seen,
        ComponentStatus::Operational,
        at(6),
        &RULES,
    );
    let config = crate::Config::parse("[[components]]\nid = \"api\"\nname = \"Public API\"\n");
    let notice = announce::notices(&events, &book, &config.unwrap(), &|_| Vec::new()).remove(0);
    let job = Envelope::new(
        Job::Broadcast {
            notice,
            cursor: None,
            sent: 0,
            failed: 0,
        },
        at(6),
    );
    {
        let store = SledStore::open(dir.path()).unwrap();
        store.record(&r, &state).unwrap();
        store.save_component(&comp, &comp_state).unwrap();
        let commit = crate::store::Commit {
            incidents: book.incidents.values().collect(),
            jobs: vec![job.clone()],
            ..Default::default()
        };
        store.commit(&commit).unwrap();
        store.checkpoint().unwrap();
        store.trees().unwrap().db.flush().unwrap();
    }
    let store = reopen(dir.path()).unwrap();
    assert_eq!(
        store.results(&r.check, at(0), at(10)).unwrap()[0].reason,
        r.reason
    );
    let (checks, components) = store.load_state().unwrap();
    assert_eq!(checks, vec![(r.check.clone(), state)]);
    assert_eq!(components, vec![(comp, comp_state)]);
    assert_eq!(store.load_book().unwrap().incidents, book.incidents);
    assert_eq!(store.jobs(None, 10).unwrap()[0].1, job);
}
