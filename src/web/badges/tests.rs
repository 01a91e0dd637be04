//! Badges parsed as XML (roxmltree), the way browsers and image proxies read them.

use crate::model::ComponentStatus::{self, *};
use crate::web::render::fixtures::*;

use super::{Badges, OVERALL, badge, colour, words};

const ALL: [ComponentStatus; 5] = [
    Operational,
    DegradedPerformance,
    PartialOutage,
    MajorOutage,
    UnderMaintenance,
];

/// (aria-label, title, texts, rectangle fills, width) of a badge.
struct Parsed {
    aria: String,
    title: String,
    texts: Vec<String>,
    fills: Vec<String>,
    width: u32,
}

fn parse(svg: &str) -> Parsed {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert_eq!(root.attribute("role"), Some("img"));
    let all = |name: &'static str| {
        root.descendants()
            .filter(move |n| n.has_tag_name(name))
            .collect::<Vec<_>>()
    };
    let text = |n: &roxmltree::Node| n.text().unwrap_or_default().to_owned();
    Parsed {
        aria: root.attribute("aria-label").unwrap_or_default().to_owned(),
        title: all("title").iter().map(text).collect(),
        texts: all("text").iter().map(text).collect(),
        fills: all("rect")
            .iter()
            .map(|r| r.attribute("fill").unwrap_or_default().to_owned())
            .collect(),
        width: root.attribute("width").unwrap().parse().unwrap(),
    }
}

#[test]
fn a_badge_is_xml_with_label_message_and_an_accessible_name() {
    let p = parse(&badge(crate::lang::Lang::english(), "status", MajorOutage).into_string());
    assert_eq!(p.texts, ["status", "major outage"]);
    assert_eq!(p.aria, "status: major outage");
    assert_eq!(p.title, "status: major outage");
    assert_eq!(p.fills, ["#555", "#cf222e"]);
}

#[test]
fn markup_in_a_component_name_is_escaped() {
    let name = r#"<script>&"API"'"#;
    let svg = badge(crate::lang::Lang::english(), name, Operational).into_string();
    assert!(!svg.contains("<script>"), "{svg}");
    let p = parse(&svg);
    assert_eq!(p.texts[0], name);
    assert_eq!(p.aria, format!("{name}: operational"));
}

#[test]
fn badges_grow_with_their_text() {
    let width =
        |label: &str, s| parse(&badge(crate::lang::Lang::english(), label, s).into_string()).width;
    assert!(width("API", Operational) < width("Public API", Operational));
    assert!(width("API", Operational) < width("API", PartialOutage));
    assert!(width("API", DegradedPerformance) < width("API", MajorOutage));
}

#[test]
fn each_status_has_its_words_and_colour() {
    let en = crate::lang::Lang::english();
    let words: Vec<String> = ALL.iter().map(|&s| words(en, s)).collect();
    let seen: Vec<(&str, &str)> = (words.iter().zip(ALL))
        .map(|(w, s)| (w.as_str(), colour(s)))
        .collect();
    assert_eq!(
        seen,
        [
            ("operational", "#1a7f37"),
            ("degraded", "#9a6700"),
            ("partial outage", "#bc4c00"),
            ("major outage", "#cf222e"),
            ("maintenance", "#0969da"),
        ]
    );
    for s in ALL {
        assert_eq!(
            parse(&badge(crate::lang::Lang::english(), "x", s).into_string()).fills[1],
            colour(s)
        );
    }
}

/// WCAG 2 relative luminance of `#rrggbb` (or `#rgb`).
fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    let hex: String = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        _ => hex.to_owned(),
    };
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

#[test]
fn white_text_meets_wcag_aa_contrast_on_every_colour() {
    for fill in ALL.map(colour).into_iter().chain([super::LABEL_COLOUR]) {
        let ratio = 1.05 / (luminance(fill) + 0.05);
        assert!(ratio >= 4.5, "{fill}: {ratio:.2}:1");
    }
}

#[test]
fn the_overall_badge_shows_the_worst_component_and_each_component_its_own() {
    let mut v = view(config(), book(vec![], vec![]), at(10, 0));
    let mut components = (*v.components).clone();
    components.insert(id("db"), component(PartialOutage));
    v.components = std::sync::Arc::new(components);
    let badges = Badges::render(&v, None);
    let all: std::collections::HashMap<_, _> = badges.all(&v).into_iter().collect();
    assert_eq!(all.len(), 3);
    let text = |key: &str| parse(std::str::from_utf8(&all[key].body().unwrap()).unwrap()).aria;
    assert_eq!(text(OVERALL), "status: partial outage");
    assert_eq!(text("db"), "Database: partial outage");
    assert_eq!(text("api"), "Public API: operational");
    assert_eq!(all["db"].content_type, "image/svg+xml");
    assert!(badges.get(&v, "nope").is_none());
}

#[test]
fn only_badges_whose_status_changed_are_drawn_again() {
    let before = view(config(), book(vec![], vec![]), at(10, 0));
    let first = Badges::render(&before, None);
    let (api, db) = (first.get(&before, "api"), first.get(&before, "db"));
    let (api, db) = (api.expect("api's"), db.expect("db's"));
    let mut after = before.clone();
    let mut components = (*after.components).clone();
    components.insert(id("db"), component(MajorOutage));
    after.components = std::sync::Arc::new(components);
    let second = Badges::render(&after, Some(&first));
    let bytes = |r: &crate::web::snapshot::Rendered| r.body().expect("a badge body");
    let same = |a: &crate::web::snapshot::Rendered, b: &crate::web::snapshot::Rendered| {
        bytes(a).as_ptr() == bytes(b).as_ptr()
    };
    let (api2, db2) = (second.get(&after, "api"), second.get(&after, "db"));
    let (api2, db2) = (api2.expect("api's"), db2.expect("db's"));
    assert!(
        same(&api, &api2),
        "unchanged: the same bytes, not drawn again"
    );
    assert!(!same(&db, &db2) && !same(&first.overall, &second.overall));
    // The earlier snapshot still shows what it showed.
    let db1 = first.get(&before, "db").expect("db's");
    assert_eq!(
        parse(std::str::from_utf8(&bytes(&db1)).unwrap()).aria,
        "Database: operational"
    );
    let db = bytes(&second.get(&after, "db").expect("db's"));
    let text = std::str::from_utf8(&db).unwrap();
    assert_eq!(parse(text).aria, "Database: major outage");
}

/// Badges are drawn as they are read: none held at first, at most
/// [`super::CACHED`] however many components are read.
#[test]
fn component_badges_are_drawn_when_read_and_the_cache_is_bounded() {
    let mut toml = String::from("[site]\ntitle = \"Many\"\n");
    for i in 0..100 {
        toml.push_str(&format!(
            "[[components]]\nid = \"c{i}\"\nname = \"Service {i}\"\n"
        ));
    }
    let config = std::sync::Arc::new(crate::config::Config::parse(&toml).expect("config"));
    let v = view(config, book(vec![], vec![]), at(10, 0));
    let badges = Badges::render(&v, None);
    assert_eq!(badges.cached(), 0);
    for i in 0..100 {
        let badge = badges.get(&v, &format!("c{i}")).expect("a badge");
        let text = String::from_utf8(badge.body().expect("a body").to_vec()).expect("UTF-8");
        assert_eq!(parse(&text).aria, format!("Service {i}: operational"));
    }
    assert_eq!(badges.cached(), super::CACHED);
}
