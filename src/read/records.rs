//! Incidents and maintenances for engineers (the admin API): every field as it
//! is kept, except each update's text, which is put into words as the page
//! shows it (Candor's own notes are stored as data).

use chrono_tz::Tz;
use serde::Serialize;
use serde_json::Value;

use crate::incidents::{Incident, Maintenance, Update};
use crate::read::words;

pub fn incident(i: &Incident, tz: Tz) -> Value {
    record(i, &i.updates, tz)
}

pub fn maintenance(m: &Maintenance, tz: Tz) -> Value {
    record(m, &m.updates, tz)
}

fn record<R: Serialize, S>(record: &R, updates: &[Update<S>], tz: Tz) -> Value {
    // Plain structs with string keys: serializing them cannot fail.
    let mut value = serde_json::to_value(record).unwrap_or(Value::Null);
    let listed = value.get_mut("updates").and_then(Value::as_array_mut);
    for (json, u) in listed.into_iter().flatten().zip(updates) {
        if let Some(fields) = json.as_object_mut() {
            let text = words::update(&u.body, tz).into_owned();
            fields.insert("body".to_owned(), Value::String(text));
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::incidents::auto::{self, Observed};
    use crate::incidents::{Book, UpdateText};
    use crate::model::{ComponentId, ComponentStatus, Evidence, Reason};

    #[test]
    fn updates_are_shown_in_words_and_the_rest_as_stored() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 14, 5, 0).unwrap();
        let seen = Observed {
            id: ComponentId::parse("api").unwrap(),
            name: "Public API".into(),
            status: ComponentStatus::MajorOutage,
            since: now,
            evidence: vec![Evidence {
                check: "API health".into(),
                reason: Some(Reason::ConnectionRefused),
                runs: 2,
                since: Some(now),
            }],
        };
        let mut book = Book::default();
        auto::on_status_change(&mut book, &seen, ComponentStatus::Operational, now);
        let i = book.incidents.values().next().unwrap();
        let json = incident(i, chrono_tz::UTC);
        assert_eq!(json["name"], "Public API: major outage");
        assert_eq!(
            json["updates"][0]["body"],
            "Detected automatically. API health: connection refused on 2 checks in a row since 14:05 UTC."
        );
        let stored = serde_json::to_value(i).unwrap();
        assert_eq!(stored["updates"][0]["body"]["said"], "detected");
        let back: Incident = serde_json::from_value(stored).unwrap();
        assert!(matches!(back.updates[0].body, UpdateText::Said(_)));
        assert_eq!(&back, i, "an incident round-trips through its stored JSON");
    }

    #[test]
    fn an_automatic_note_an_older_build_stored_in_english_is_shown_as_it_was() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 14, 5, 0).unwrap();
        let seen = Observed {
            id: ComponentId::parse("api").unwrap(),
            name: "Public API".into(),
            status: ComponentStatus::MajorOutage,
            since: now,
            evidence: Vec::new(),
        };
        let mut book = Book::default();
        auto::on_status_change(&mut book, &seen, ComponentStatus::Operational, now);
        let mut stored = serde_json::to_value(book.incidents.values().next().unwrap()).unwrap();
        let words = "Detected automatically. API health: HTTP 503 Service Unavailable on 2 checks in a row since 14:05 UTC.";
        stored["updates"][0]["body"] = words.into();
        let old: Incident = serde_json::from_value(stored).unwrap();
        assert_eq!(old.updates[0].body, UpdateText::from(words));
        assert_eq!(incident(&old, chrono_tz::UTC)["updates"][0]["body"], words);
    }
}
