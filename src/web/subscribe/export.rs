//! The subscriber list for engineers, as JSON (admin API) and CSV (admin API
//! and the admin UI's download). Tokens are never exported.

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::subscribers::Subscriber;

/// Header row of the CSV.
const COLUMNS: [&str; 4] = ["email", "components", "confirmed_at", "created_at"];
/// The CSV's `components` cell for "everything" (parentheses are never in ids).
const ALL: &str = "(all)";

/// The subscriptions of a stored list: followers of one incident are not
/// subscribers, and their addresses are not exported.
pub fn subscriptions(mut list: Vec<Subscriber>) -> Vec<Subscriber> {
    list.retain(|s| s.follows.is_none());
    list
}

/// `{"counts": {"confirmed", "pending"}, "subscribers": [{email, components,
/// confirmed_at, created_at}]}`; `components: []` means every component.
pub fn json(list: &[Subscriber]) -> Value {
    let confirmed = list.iter().filter(|s| s.is_confirmed()).count();
    let subscribers: Vec<Value> = list
        .iter()
        .map(|s| {
            json!({
                "email": s.email,
                "components": s.components,
                "confirmed_at": s.confirmed_at,
                "created_at": s.created_at,
            })
        })
        .collect();
    json!({
        "counts": { "confirmed": confirmed, "pending": list.len() - confirmed },
        "subscribers": subscribers,
    })
}

/// RFC 4180 CSV with a header row; components separated by spaces, `(all)`
/// for everything; times in RFC 3339 UTC, `confirmed_at` empty while pending.
pub fn csv(list: &[Subscriber]) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for s in list {
        let components = if s.components.is_empty() {
            ALL.to_owned()
        } else {
            let ids: Vec<&str> = s.components.iter().map(|c| c.as_str()).collect();
            ids.join(" ")
        };
        let row = [
            cell(&s.email),
            cell(&components),
            s.confirmed_at.map(rfc3339).unwrap_or_default(),
            rfc3339(s.created_at),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A CSV download that is never cached.
pub fn csv_response(list: &[Subscriber], now: DateTime<Utc>) -> HttpResponse {
    let name = format!("subscribers-{}.csv", now.format("%Y-%m-%d"));
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(csv(list))
}

/// Quoted when it holds a separator, quote or line break. A cell a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first; an address
/// may start so) gets a leading `'`, as OWASP advises against CSV injection.
fn cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ComponentId;

    fn subscriber(email: &str, components: &[&str], confirmed: bool) -> Subscriber {
        let at = DateTime::parse_from_rfc3339("2026-11-22T14:00:00Z")
            .unwrap()
            .to_utc();
        Subscriber {
            id: "1".into(),
            email: email.into(),
            components: components
                .iter()
                .map(|c| ComponentId::parse(c).unwrap())
                .collect(),
            token: "secret-token".into(),
            created_at: at,
            confirmed_at: confirmed.then_some(at),
            confirmations_sent: vec![],
            language: None,
            follows: None,
        }
    }

    #[test]
    fn the_csv_quotes_what_needs_it_and_defuses_formulas() {
        let out = csv(&[
            subscriber("ann@example.com", &[], true),
            subscriber("\"b,c\"@example.com", &["api", "db"], false),
            subscriber("=cmd@example.com", &["api"], true),
        ]);
        assert_eq!(
            out,
            "email,components,confirmed_at,created_at\r\n\
             ann@example.com,(all),2026-11-22T14:00:00Z,2026-11-22T14:00:00Z\r\n\
             \"\"\"b,c\"\"@example.com\",api db,,2026-11-22T14:00:00Z\r\n\
             '=cmd@example.com,api,2026-11-22T14:00:00Z,2026-11-22T14:00:00Z\r\n"
        );
        assert!(!out.contains("secret-token"));
    }

    #[test]
    fn followers_of_one_incident_are_not_exported_as_subscribers() {
        let follower = Subscriber {
            follows: Some(crate::incidents::IncidentId::parse("inc123abc456").unwrap()),
            ..subscriber("ana@example.com", &[], true)
        };
        let list = vec![subscriber("bo@example.com", &[], true), follower];
        let kept = subscriptions(list);
        let emails: Vec<&str> = kept.iter().map(|s| s.email.as_str()).collect();
        assert_eq!(emails, ["bo@example.com"]);
    }

    #[test]
    fn the_json_counts_and_lists_without_tokens() {
        let v = json(&[
            subscriber("ann@example.com", &["api"], true),
            subscriber("bob@example.com", &[], false),
        ]);
        assert_eq!(v["counts"], json!({"confirmed": 1, "pending": 1}));
        assert_eq!(v["subscribers"][0]["components"], json!(["api"]));
        assert_eq!(v["subscribers"][1]["confirmed_at"], Value::Null);
        assert!(!v.to_string().contains("secret-token"));
    }
}
