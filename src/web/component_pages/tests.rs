use std::sync::Arc;

use super::{CACHED, ComponentPages};
use crate::config::Config;
use crate::model::ComponentStatus;
use crate::web::render::fixtures::*;

fn text(page: &crate::web::snapshot::Rendered) -> String {
    String::from_utf8_lossy(&page.body().expect("our own gzip")).into_owned()
}

#[test]
fn a_page_is_rendered_when_asked_for_and_reused_while_it_shows_the_same() {
    let config = config();
    let pages = ComponentPages::for_config(&config);
    assert_eq!(
        pages.cached(),
        0,
        "nothing is rendered before it is asked for"
    );
    let t = |secs: i64| at(10, 0) + chrono::Duration::seconds(secs);
    let empty = || book(vec![], vec![]);
    let one = pages
        .page(&view(config.clone(), empty(), t(0)), "api")
        .unwrap();
    let two = pages
        .page(&view(config.clone(), empty(), t(10)), "api")
        .unwrap();
    assert!(Arc::ptr_eq(&one, &two));
    assert_eq!(pages.cached(), 1);
    assert!(
        pages
            .page(&view(config.clone(), empty(), t(10)), "nope")
            .is_none()
    );
    // A minute later its figures and charts have moved on: rendered again.
    let late = pages.page(&view(config, empty(), t(60)), "api").unwrap();
    assert!(!Arc::ptr_eq(&two, &late));
}

#[test]
fn an_incident_or_a_status_change_renders_again_only_its_components_pages() {
    let config = config();
    let pages = ComponentPages::for_config(&config);
    let t = |secs: i64| at(10, 0) + chrono::Duration::seconds(secs);
    let quiet = view(config.clone(), book(vec![], vec![]), t(0));
    let (api, db) = (
        pages.page(&quiet, "api").unwrap(),
        pages.page(&quiet, "db").unwrap(),
    );
    let open = incident("inc1", "API down", t(5));
    let busy = view(config.clone(), book(vec![open], vec![]), t(10));
    let api_now = pages.page(&busy, "api").unwrap();
    assert!(
        !Arc::ptr_eq(&api, &api_now),
        "the API's page names the incident"
    );
    assert!(text(&api_now).contains("API down"));
    assert!(Arc::ptr_eq(&db, &pages.page(&busy, "db").unwrap()));
    let mut down = view(config, book(vec![], vec![]), t(20));
    Arc::make_mut(&mut down.components).insert(id("db"), component(ComponentStatus::MajorOutage));
    assert!(!Arc::ptr_eq(&db, &pages.page(&down, "db").unwrap()));
}

#[test]
fn the_cache_holds_a_bounded_number_of_pages_unless_a_live_export_writes_them_all() {
    let many: String = (0..CACHED + 36)
        .map(|i| format!("[[components]]\nid = \"c{i}\"\nname = \"Component {i}\"\n"))
        .collect();
    let config = Arc::new(Config::parse(&many).expect("a valid config"));
    let pages = ComponentPages::for_config(&config);
    let v = view(config.clone(), book(vec![], vec![]), at(10, 0));
    for c in &config.components {
        assert!(pages.page(&v, c.id.as_str()).is_some());
    }
    assert_eq!(pages.cached(), CACHED);
    let exported = format!(
        "[export]\ndir = \"{}\"\n{many}",
        std::env::temp_dir().join("candor-export-test").display()
    );
    let config = Arc::new(Config::parse(&exported).expect("a valid config"));
    let pages = ComponentPages::for_config(&config);
    let v = view(config.clone(), book(vec![], vec![]), at(10, 0));
    for c in &config.components {
        assert!(pages.page(&v, c.id.as_str()).is_some());
    }
    assert_eq!(pages.cached(), config.components.len());
}

#[test]
fn a_page_rendered_as_an_outage_began_follows_its_figures_at_once() {
    use crate::uptime::report::{Report, Summary};
    let config = config();
    let pages = ComponentPages::for_config(&config);
    let t = |secs: i64| at(10, 0) + chrono::Duration::seconds(secs);
    let with = |now, last_24h: f64| {
        let mut v = view(config.clone(), book(vec![], vec![]), now);
        let mut down = component(ComponentStatus::MajorOutage);
        down.since = t(0);
        Arc::make_mut(&mut v.components).insert(id("api"), down);
        let summary = Summary {
            last_24h: Some(last_24h),
            last_7d: Some(last_24h),
            ..Summary::default()
        };
        v.uptime = Arc::new(Report {
            components: [(id("api"), std::sync::Arc::new(summary))].into(),
            ..Report::default()
        });
        v
    };
    let first = pages.page(&with(t(0), 1.0), "api").expect("a page");
    assert!(text(&first).contains("100%"));
    // Ten seconds into the outage, well within the page's age.
    let later = pages.page(&with(t(10), 0.9998), "api").expect("a page");
    assert!(!Arc::ptr_eq(&first, &later), "rendered again");
    assert!(text(&later).contains("99.98%"), "{}", text(&later));
    let same = pages.page(&with(t(12), 0.99981), "api").expect("a page");
    assert!(Arc::ptr_eq(&later, &same), "same words: reused");
}
