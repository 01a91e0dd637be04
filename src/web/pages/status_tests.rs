use super::render;
use crate::incidents::{Incident, IncidentId, IncidentStatus, MaintenanceStatus, Override};
use crate::model::{ComponentStatus, Finding, Reason};
use crate::read::view::{Decider, View, Why};
use crate::web::render::fixtures::*;

fn page(v: &View) -> String {
    render(v).into_string()
}

fn with_incident(i: Incident) -> String {
    page(&view(config(), book(vec![i], vec![]), at(14, 5)))
}

#[test]
fn an_open_incident_answers_why_when_and_meanwhile_above_the_components() {
    let mut i = incident("inc1", "Payments failing", at(14, 0));
    i.cause = Some("A database node ran out of disk.".into());
    i.workaround = Some("Retry in a few minutes.".into());
    i.expected_resolution_at = Some(at(14, 30));
    let out = with_incident(i);
    let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing: {out}"));
    assert!(pos("Payments failing") < pos("Components"));
    assert!(out.contains("href=\"/incidents/inc1\""));
    assert!(out.contains("Critical impact"));
    assert!(pos("Why:") < pos("A database node ran out of disk."));
    assert!(pos("Expected back:") < pos("by "));
    assert!(
        out.contains("15:30 CET</time>, in about 25 minutes"),
        "{out}"
    );
    assert!(pos("Meanwhile:") < pos("Retry in a few minutes."));
    assert!(out.contains("Public API: <span class=\"status--major_outage\">Major outage"));
    assert!(out.contains("Latest update: Investigating"));
    assert!(out.contains("We are looking into it."));
    assert!(out.contains("href=\"/history\""));
}

#[test]
fn without_a_cause_or_estimate_the_page_says_so() {
    let out = with_incident(incident("inc1", "Payments failing", at(14, 0)));
    assert!(out.contains("Under investigation"), "{out}");
    assert!(out.contains("No estimate yet"), "{out}");
    assert!(!out.contains("Meanwhile"), "no workaround, no row: {out}");
}

#[test]
fn a_missed_estimate_is_admitted_and_still_shown() {
    let mut i = incident("inc1", "Payments failing", at(13, 0));
    i.expected_resolution_at = Some(at(14, 0));
    let out = with_incident(i);
    assert!(
        out.contains("The estimate of <time datetime=\"2026-11-22T14:00:00Z\">15:00 CET</time> has passed; we'll post a new one."),
        "{out}"
    );
    assert!(!out.contains("in about"), "{out}");
}

#[test]
fn a_recovered_automatic_incident_says_it_is_working_again() {
    let mut i = incident("inc1", "Public API: major outage", at(13, 0));
    i.source = crate::incidents::Author::Automatic;
    i.updates[0].body = "Detected automatically. API health: HTTP 503.".into();
    i.recovered_at = Some(at(13, 50));
    let out = with_incident(i);
    assert!(
        out.contains(
            "Working again since <time datetime=\"2026-11-22T13:50:00Z\">14:50 CET</time>"
        ),
        "{out}"
    );
    assert!(!out.contains("HTTP 503"), "{out}");
    assert!(!out.contains("No estimate yet"), "{out}");
}

#[test]
fn open_incidents_are_listed_newest_first_and_resolved_ones_not_at_all() {
    let older = incident("a", "Older trouble", at(12, 0));
    let newer = incident("b", "Newer trouble", at(13, 0));
    let mut done = resolve(incident("c", "Fixed trouble", at(11, 0)), at(11, 30));
    done.status = IncidentStatus::Postmortem;
    let out = page(&view(
        config(),
        book(vec![older, newer, done], vec![]),
        at(14, 0),
    ));
    let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing: {out}"));
    assert!(pos("Newer trouble") < pos("Older trouble"));
    assert!(!out.contains("Fixed trouble"), "{out}");
}

#[test]
fn maintenance_in_progress_comes_before_upcoming_and_past_is_gone() {
    let soon = maintenance("soon", MaintenanceStatus::Scheduled, at(20, 0), at(22, 0));
    let now = maintenance("now", MaintenanceStatus::InProgress, at(13, 0), at(15, 0));
    let done = maintenance("done", MaintenanceStatus::Completed, at(1, 0), at(2, 0));
    let late = maintenance("late", MaintenanceStatus::Scheduled, at(9, 0), at(10, 0));
    let out = page(&view(
        config(),
        book(vec![], vec![soon, now, done, late]),
        at(14, 0),
    ));
    let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing: {out}"));
    assert!(pos("Maintenance now") < pos("Maintenance soon"));
    assert!(pos("In progress") < pos("Maintenance soon"));
    assert!(out.contains("Scheduled, starts in about 6 hours"), "{out}");
    assert!(
        out.contains("Sun 22 Nov 21:00</time>–<time datetime=\"2026-11-22T22:00:00Z\">23:00 CET"),
        "{out}"
    );
    assert!(out.contains("href=\"/incidents/soon\""));
    assert!(out.contains("Upgrading the database."));
    assert!(out.contains("<li>Database</li>"), "{out}");
    assert!(!out.contains("Maintenance done") && !out.contains("Maintenance late"));
}

#[test]
fn a_component_tells_who_decided_its_status() {
    let mut v = view(
        config(),
        book(vec![incident("inc1", "API down", at(9, 0))], vec![]),
        at(10, 0),
    );
    let mut api = component(ComponentStatus::MajorOutage);
    api.decided_by = Decider::Engineer;
    api.reason = Some(Why::Checks(vec![Finding {
        seen_from: None,
        check: "API health".into(),
        reason: Some(Reason::other("HTTP 503")),
    }]));
    let mut db = component(ComponentStatus::UnderMaintenance);
    db.decided_by = Decider::Maintenance;
    db.reason = Some(Why::Maintenance("Disk swap".into()));
    v.components = std::sync::Arc::new([(id("api"), api), (id("db"), db)].into());
    let mut b = (*v.book).clone();
    b.overrides.insert(
        id("api"),
        Override {
            status: ComponentStatus::MajorOutage,
            at: at(9, 0),
            incident: Some(IncidentId::fixture("inc1")),
        },
    );
    v.book = std::sync::Arc::new(b);
    let out = page(&v);
    assert!(
        out.contains("Why: </strong>Scheduled maintenance: Disk swap"),
        "{out}"
    );
    assert!(
        !out.contains("HTTP 503"),
        "an engineer's status shows no checks reason: {out}"
    );
    assert!(
        out.contains("see <a href=\"/incidents/inc1\">API down</a>"),
        "{out}"
    );
}

#[test]
fn the_banner_names_a_group_that_is_out_as_a_whole_as_the_group() {
    let mut toml = String::new();
    for n in 0..4 {
        toml += &format!(
            "[[components]]\nid = \"eu{n}\"\nname = \"EU {n}\"\ngroup = \"Europe West\"\n"
        );
    }
    toml += "[[components]]\nid = \"pay\"\nname = \"Payments\"\n";
    let config = std::sync::Arc::new(crate::config::Config::parse(&toml).unwrap());
    let mut v = view(config.clone(), book(vec![], vec![]), at(10, 0));
    let statuses = (config.components.iter())
        .map(|c| {
            let s = match c.group.is_some() {
                true => ComponentStatus::MajorOutage,
                false => ComponentStatus::Operational,
            };
            (c.id.clone(), component(s))
        })
        .collect();
    v.components = std::sync::Arc::new(statuses);
    let out = render(&v).into_string();
    assert!(
        out.contains("Affected: All of Europe West (4 components)"),
        "{out}"
    );
}

#[test]
fn an_open_incident_about_no_component_is_not_all_systems_operational() {
    let mut i = incident("inc1", "Logins slow", at(14, 0));
    i.components.clear();
    i.impact = crate::incidents::Impact::Major;
    let out = with_incident(i);
    assert!(!out.contains("All systems operational"), "{out}");
    assert!(
        out.contains("banner--partial_outage") && out.contains("An incident is open"),
        "{out}"
    );
    let quiet = page(&view(config(), book(vec![], vec![]), at(14, 5)));
    assert!(quiet.contains("All systems operational"), "{quiet}");
}
