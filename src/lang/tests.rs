//! Every language file reads cleanly, says everything English says, and
//! formats every date; readers get the language they prefer.

use chrono::TimeZone;
use fluent_syntax::ast;

use super::*;

fn ids(text: &str) -> Vec<String> {
    let resource = fluent_syntax::parser::parse(text).unwrap_or_else(|(r, _)| r);
    resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_file_reads_without_problems() {
    for lang in Lang::all() {
        assert!(lang.problems().is_empty(), "{lang}: {:?}", lang.problems());
    }
    assert!(Lang::all().count() >= 2, "English and Spanish at least");
}

#[test]
fn every_language_has_every_english_message_and_no_other() {
    let english = ids(FILES.iter().find(|(t, _)| *t == "en").expect("en.ftl").1);
    for (tag, text) in FILES.iter().filter(|(t, _)| *t != "en") {
        let own = ids(text);
        let missing: Vec<_> = english.iter().filter(|id| !own.contains(id)).collect();
        let extra: Vec<_> = own.iter().filter(|id| !english.contains(id)).collect();
        assert!(missing.is_empty(), "{tag}.ftl lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{tag}.ftl has messages English lacks: {extra:?}"
        );
    }
}

#[test]
fn every_date_pattern_formats_in_every_language() {
    let english = ids(FILES.iter().find(|(t, _)| *t == "en").expect("en.ftl").1);
    let at = chrono::Utc.with_ymd_and_hms(2026, 12, 3, 13, 2, 0).unwrap();
    let berlin = at.with_timezone(&chrono_tz::Europe::Berlin);
    for lang in Lang::all() {
        for id in english.iter().filter(|id| id.starts_with("date-")) {
            let out = lang.date(&berlin, id);
            assert!(
                !out.contains('%') && !out.contains("2026-12-03T"),
                "{lang} {id}: {out}"
            );
        }
    }
    let es = Lang::parse("es").expect("Spanish");
    assert_eq!(es.date(&berlin, "date-day-time"), "jue 3 dic, 14:02 CET");
    assert_eq!(
        Lang::english().date(&berlin, "date-day-time"),
        "Thu 3 Dec, 14:02 CET"
    );
}

#[test]
fn plurals_follow_each_language() {
    let es = Lang::parse("es").expect("Spanish");
    assert_eq!(
        crate::say!(Lang::english(), "lasted-hours", n = 1),
        "for 1 hour"
    );
    assert_eq!(
        crate::say!(Lang::english(), "lasted-days", n = 3),
        "for 3 days"
    );
    assert_eq!(crate::say!(es, "lasted-hours", n = 1), "desde hace 1 hora");
    assert_eq!(crate::say!(es, "lasted-days", n = 3), "desde hace 3 días");
    assert_eq!(es.decimal(99.25, 2), "99,25");
    assert_eq!(Lang::english().decimal(99.25, 2), "99.25");
}

#[test]
fn readers_get_the_first_offered_language_they_accept() {
    let en = Lang::english();
    let es = Lang::parse("es").expect("Spanish");
    let both = [en, es];
    assert_eq!(negotiate("es-MX,es;q=0.9,en;q=0.5", &both, en), es);
    assert_eq!(negotiate("fr-FR, es;q=0.8", &both, en), es);
    assert_eq!(negotiate("de", &both, en), en, "none offered: the default");
    assert_eq!(negotiate("", &both, es), es);
    assert_eq!(negotiate("en-GB,en;q=0.9", &both, es), en);
    assert_eq!(negotiate("es", &[en], en), en, "Spanish not offered");
    assert_eq!(negotiate(";;;,q=,", &both, en), en, "nonsense: the default");
}

#[test]
fn a_missing_message_falls_back_to_english_then_to_its_id() {
    let es = Lang::parse("es").expect("Spanish");
    assert_eq!(es.say("no-such-message"), "no-such-message");
    assert_eq!(Lang::parse("EN"), Some(Lang::english()));
    assert_eq!(Lang::parse("xx"), None);
}
