//! Both feeds read back with `feed-rs`, an independent parser, as readers would.

use feed_rs::model::{Entry, Feed, FeedType};

use super::{ATOM, RSS, atom, rss};
use crate::incidents::MaintenanceStatus;
use crate::read::view::View;
use crate::web::render::fixtures::*;
use crate::web::snapshot::Rendered;

fn parse(r: &Rendered) -> Feed {
    feed_rs::parser::parse(&r.body().expect("our own gzip")[..]).expect("the feed parses")
}

/// An old resolved incident, a newer open one, and a maintenance in between.
fn sample() -> View {
    let old = resolve(incident("old", "Disk full", at(8, 0)), at(9, 0));
    let new = incident("new", "Elevated API errors", at(11, 0));
    let m = maintenance("mnt", MaintenanceStatus::Scheduled, at(10, 0), at(12, 0));
    view(config(), book(vec![old, new], vec![m]), at(11, 5))
}

fn title(e: &Entry) -> &str {
    e.title.as_ref().map_or("", |t| t.content.as_str())
}

fn link(e: &Entry) -> &str {
    e.links.first().map_or("", |l| l.href.as_str())
}

const BASE: &str = "http://127.0.0.1:8080";

#[test]
fn the_atom_feed_lists_records_newest_first_with_status_in_the_title() {
    let r = atom(&sample());
    assert_eq!(r.content_type, ATOM);
    let feed = parse(&r);
    assert_eq!(feed.feed_type, FeedType::Atom);
    assert_eq!(feed.title.unwrap().content, "Acme Status");
    let titles: Vec<&str> = feed.entries.iter().map(title).collect();
    assert_eq!(
        titles,
        [
            "Elevated API errors — Investigating",
            "Maintenance mnt — Scheduled",
            "Disk full — Resolved",
        ]
    );
    let e = &feed.entries[0];
    assert_eq!(link(e), format!("{BASE}/incidents/new"));
    assert_eq!(e.id, format!("{BASE}/incidents/new"));
    assert_eq!(e.updated, Some(at(11, 0)));
    assert_eq!(feed.updated, Some(at(11, 0)), "the newest entry's time");
    let last = e_content(&feed.entries[2]);
    assert_eq!(
        last, "All good again.\n\nWhy: Cause not yet published",
        "the latest update's text, and the why"
    );
}

fn e_content(e: &Entry) -> String {
    e.content
        .as_ref()
        .and_then(|c| c.body.clone())
        .unwrap_or_default()
}

#[test]
fn the_rss_feed_lists_the_same_records_with_guids_and_dates() {
    let r = rss(&sample());
    assert_eq!(r.content_type, RSS);
    let feed = parse(&r);
    assert_eq!(feed.feed_type, FeedType::RSS2);
    assert_eq!(feed.title.unwrap().content, "Acme Status");
    let titles: Vec<&str> = feed.entries.iter().map(title).collect();
    assert_eq!(
        titles,
        [
            "Elevated API errors — Investigating",
            "Maintenance mnt — Scheduled",
            "Disk full — Resolved",
        ]
    );
    let links: Vec<&str> = feed.entries.iter().map(link).collect();
    assert_eq!(
        links,
        [
            format!("{BASE}/incidents/new"),
            format!("{BASE}/incidents/mnt"),
            format!("{BASE}/incidents/old"),
        ]
    );
    assert_eq!(feed.entries[0].id, format!("{BASE}/incidents/new"));
    assert_eq!(feed.entries[2].published, Some(at(9, 0)));
    let text = feed.entries[2].summary.as_ref().unwrap();
    assert_eq!(
        text.content,
        "All good again.\n\nWhy: Cause not yet published"
    );
}

#[test]
fn engineers_markup_stays_text_in_both_feeds() {
    let mut i = incident("x", "<b>Bold</b> & \"quoted\"", at(10, 0));
    i.updates[0].body = "Use <script>alert(1)</script> & retry".into();
    let v = view(config(), book(vec![i], vec![]), at(10, 1));

    let a = parse(&atom(&v));
    assert_eq!(
        title(&a.entries[0]),
        "<b>Bold</b> & \"quoted\" — Investigating"
    );
    assert_eq!(
        e_content(&a.entries[0]),
        "Use <script>alert(1)</script> & retry\n\nWhy: Under investigation"
    );
    let raw = String::from_utf8_lossy(&atom(&v).body().expect("our own gzip")).into_owned();
    assert!(!raw.contains("<script>"), "{raw}");

    // RSS descriptions are HTML to readers, so the text arrives HTML-escaped.
    let r = parse(&rss(&v));
    let html = &r.entries[0].summary.as_ref().unwrap().content;
    assert_eq!(
        html,
        "Use &lt;script&gt;alert(1)&lt;/script&gt; &amp; retry\n\nWhy: Under investigation"
    );
}

/// Every character XML 1.0 forbids that the probe found breaking the feeds.
const FORBIDDEN: &str = "\u{0}\u{1}\u{8}\u{b}\u{c}\u{1b}\u{fffe}\u{ffff}";

#[test]
fn a_stored_record_with_control_characters_leaves_both_feeds_well_formed() {
    let mut i = incident("x", &format!("Checkout{FORBIDDEN} down"), at(10, 0));
    i.updates[0].body = format!("We are{FORBIDDEN} on it").into();
    let v = view(config(), book(vec![i], vec![]), at(10, 1));
    for feed in [atom(&v), rss(&v)] {
        let body = feed.body().expect("our own gzip");
        let text = std::str::from_utf8(&body).expect("UTF-8");
        let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
        let titles: Vec<&str> = (doc.descendants())
            .filter(|n| n.has_tag_name("title"))
            .filter_map(|n| n.text())
            .collect();
        let replaced = "\u{fffd}".repeat(8);
        assert!(
            titles.contains(&format!("Checkout{replaced} down — Investigating").as_str()),
            "{titles:?}"
        );
        assert!(text.contains(&format!("We are{replaced} on it")), "{text}");
    }
}

#[test]
fn feeds_hold_at_most_fifty_entries_the_newest() {
    let incidents = (0..60)
        .map(|n| incident(&format!("i{n:02}"), &format!("Incident {n}"), at(0, n)))
        .collect();
    let v = view(config(), book(incidents, vec![]), at(2, 0));
    for feed in [parse(&atom(&v)), parse(&rss(&v))] {
        assert_eq!(feed.entries.len(), 50);
        assert_eq!(title(&feed.entries[0]), "Incident 59 — Investigating");
        assert_eq!(title(&feed.entries[49]), "Incident 10 — Investigating");
    }
}

#[test]
fn an_unchanged_book_gives_the_same_bytes_later_so_the_etag_holds() {
    let one = sample();
    let mut two = sample();
    two.now = at(23, 0);
    assert_eq!(atom(&one).etag, atom(&two).etag);
    assert_eq!(rss(&one).etag, rss(&two).etag);
}

#[test]
fn an_empty_book_still_gives_valid_feeds() {
    let v = view(config(), book(vec![], vec![]), at(10, 0));
    assert!(parse(&atom(&v)).entries.is_empty());
    assert!(parse(&rss(&v)).entries.is_empty());
}

#[test]
fn an_automatic_incident_gives_its_evidence_as_the_why_and_its_next_update() {
    use crate::incidents::{Author, ComponentChange, Said};
    use crate::model::{ComponentStatus, Evidence, Reason};
    let mut i = incident("auto", "Public API: major outage", at(11, 0));
    i.source = Author::Automatic;
    i.updates[0].author = Author::Automatic;
    i.updates[0].body = Said::Detected {
        evidence: vec![Evidence {
            seen_from: None,
            check: "API health".into(),
            reason: Some(Reason::HttpStatus { code: 503 }),
            runs: 2,
            since: Some(at(11, 0)),
        }],
    }
    .into();
    i.updates[0].changes = vec![ComponentChange {
        component: id("api"),
        old: ComponentStatus::Operational,
        new: ComponentStatus::MajorOutage,
    }];
    i.next_update_by = Some(at(11, 30));
    let mut pm = resolve(incident("pm", "Disk full", at(8, 0)), at(9, 0));
    pm.postmortem = Some(crate::incidents::Postmortem {
        body: "What happened.".into(),
        at: at(10, 0),
    });
    let v = view(config(), book(vec![i, pm], vec![]), at(11, 5));
    let feed = parse(&atom(&v));
    let text = e_content(&feed.entries[0]);
    assert!(
        text.ends_with(
            "\n\nWhy: The check “API health” of Public API reports HTTP 503 Service Unavailable \
             since 12:00 CET.\nNext update by Sun 22 Nov, 12:30 CET"
        ),
        "{text}"
    );
    let text = e_content(&feed.entries[1]);
    assert!(
        text.ends_with(&format!(
            "Why: Read the postmortem: {BASE}/incidents/pm#postmortem"
        )),
        "{text}"
    );
}
