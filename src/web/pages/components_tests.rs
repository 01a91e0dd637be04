use std::sync::Arc;

use super::{Place, component, section};
use crate::config::Config;
use crate::model::ComponentStatus;
use crate::read::view::View;
use crate::web::render::fixtures::{at, book, component as state, id, view};

/// Two groups of two and one component without a group, between them.
fn grouped() -> Arc<Config> {
    let mut toml = String::from("[site]\ntitle = \"Acme\"\n");
    for (c, group) in [
        ("eu-api", Some("Europe West")),
        ("eu-db", Some("Europe West")),
        ("website", None),
        ("us-api", Some("US East")),
        ("us-db", Some("US East")),
    ] {
        toml += &format!("[[components]]\nid = \"{c}\"\nname = \"Name of {c}\"\n");
        if let Some(g) = group {
            toml += &format!("group = \"{g}\"\n");
        }
    }
    Arc::new(Config::parse(&toml).expect("valid"))
}

fn page(v: &View) -> String {
    section(v, None, &mut Default::default()).into_string()
}

/// The `<details>` of the group `name`, up to its end.
fn group<'a>(out: &'a str, name: &str) -> &'a str {
    let heading = format!("<h3 class=\"group__name\">{name}</h3>");
    let at = out
        .find(&heading)
        .unwrap_or_else(|| panic!("{name}: {out}"));
    let start = out[..at].rfind("<details").expect("inside a details");
    let end = out[at..].find("</details>").expect("closed") + at;
    &out[start..end]
}

#[test]
fn groups_fold_into_one_closed_row_when_all_is_well() {
    let out = page(&view(grouped(), book(vec![], vec![]), at(10, 0)));
    assert_eq!(out.matches("<details").count(), 2, "{out}");
    let eu = group(&out, "Europe West");
    assert!(eu.starts_with("<details class=\"group\"><summary"), "{eu}");
    assert!(
        eu.contains("<span class=\"group__count\">2 components</span>"),
        "{eu}"
    );
    assert!(eu.contains("status--operational"), "{eu}");
    assert!(eu.contains("id=\"component-eu-api\"") && eu.contains("id=\"component-eu-db\""));
    assert!(!eu.contains("website"), "{eu}");
}

#[test]
fn a_group_with_a_failing_component_is_open_and_shows_the_worst_status_with_the_count() {
    let mut v = view(grouped(), book(vec![], vec![]), at(10, 0));
    let mut states = (*v.components).clone();
    states.insert(id("us-db"), state(ComponentStatus::PartialOutage));
    states.insert(id("us-api"), state(ComponentStatus::DegradedPerformance));
    v.components = Arc::new(states);
    let out = page(&v);
    let us = group(&out, "US East");
    assert!(
        us.starts_with("<details class=\"group\" open><summary"),
        "{us}"
    );
    assert!(us.contains("2 components, 2 affected"), "{us}");
    let summary = &us[..us.find("</summary>").expect("a summary")];
    assert!(
        summary.contains("status--partial_outage") && summary.contains("Partial outage"),
        "the worst of the group: {summary}"
    );
    assert!(
        group(&out, "Europe West").starts_with("<details class=\"group\"><summary"),
        "the healthy group stays closed"
    );
}

#[test]
fn components_without_a_group_stay_plain_rows_where_they_first_appear() {
    let out = page(&view(grouped(), book(vec![], vec![]), at(10, 0)));
    let website = out.find("id=\"component-website\"").expect("listed");
    let eu_end = out.find("</details>").expect("the first group");
    let us = out.find("US East").expect("the second group");
    assert!(eu_end < website && website < us, "{out}");
    let row_start = out[..website].rfind("<ul").expect("in a list");
    assert!(!out[row_start..website].contains("details"), "{out}");
}

#[test]
fn a_single_component_group_says_one_component() {
    let toml = "[[components]]\nid = \"a\"\nname = \"A\"\ngroup = \"Solo\"\n";
    let config = Arc::new(Config::parse(toml).expect("valid"));
    let out = page(&view(config, book(vec![], vec![]), at(10, 0)));
    assert!(out.contains(">1 component</span>"), "{out}");
}

#[test]
fn the_strip_is_on_the_status_page_and_not_on_the_components_own_page() {
    let mut v = view(grouped(), book(vec![], vec![]), at(10, 0));
    let mut report = crate::uptime::Report::default();
    report.components.insert(id("eu-api"), Default::default());
    v.uptime = Arc::new(report);
    let c = &v.config.components[0];
    let own = component(&v, c, Place::Own).into_string();
    assert!(
        own.contains("<h2>Now</h2>") && own.contains("Last checked"),
        "{own}"
    );
    assert!(!own.contains("class=\"strip"), "{own}");
    let index = component(&v, c, Place::Index).into_string();
    assert!(
        index.contains("<a href=\"/components/eu-api\">Name of eu-api</a>"),
        "{index}"
    );
    assert!(index.contains("class=\"strip"), "{index}");
    assert!(
        !index.contains("Last checked"),
        "an operational row on `/` leaves it to the component's page: {index}"
    );
}
