//! Property tests of the two doors arbitrary text comes through: the config
//! loader (any TOML) and the admin API's writes (any JSON body). Neither may
//! panic or answer 5xx, and every refusal names what it refuses: a config
//! problem its key (only a file that is not TOML at all is refused as a
//! whole), an admin API 422 its fields. Case counts are kept small so the
//! suite stays quick; proptest shrinks any failure to a minimal input.

use std::sync::Arc;

use candor::Config;
use candor::clock::SystemClock;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::helpers::{API_AND_DB, TOKEN, admin_request, spawn_app_full};

/// Keys the loader and the API know, so generated input reaches validation
/// rather than stopping at "unknown key", plus any text.
fn key() -> impl Strategy<Value = String> {
    let known = [
        "id",
        "name",
        "title",
        "url",
        "every",
        "schedule",
        "timeout",
        "component",
        "status",
        "impact",
        "body",
        "components",
        "cause",
        "workaround",
        "notify",
        "expected_resolution_at",
        "scheduled_for",
        "scheduled_until",
        "api",
        "db",
        "listen",
        "data_dir",
        "trusted_proxies",
        "cache_size",
        "from",
        "timezone",
        "public_url",
        "expect_status",
        "failure_threshold",
        "retention",
    ];
    prop_oneof![
        4 => proptest::sample::select(known.to_vec()).prop_map(str::to_owned),
        1 => "[a-z_]{1,12}",
    ]
}

/// Scalars of every JSON kind, including text with control characters and
/// values that look right ("major_outage", a time, a CIDR range).
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,24}".prop_map(Value::String),
        "[\\x00-\\x1f\\u{fffe}\\u{ffff}a-z]{0,8}".prop_map(Value::String),
        proptest::sample::select(vec![
            "major_outage",
            "operational",
            "investigating",
            "resolved",
            "in_progress",
            "2030-01-01T00:00:00Z",
            "2000-01-01T00:00:00Z",
            "10.0.0.0/8",
            "5s",
            "api",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A TOML document from JSON-shaped values: sections and arrays of tables
/// with known and unknown keys (TOML has no null: those keys are left out).
fn toml_text() -> impl Strategy<Value = String> {
    let table = proptest::collection::btree_map(key(), json_value(), 0..6);
    let section = prop_oneof![
        Just("site"),
        Just("server"),
        Just("email"),
        Just("incidents"),
        Just("export"),
        Just("components"),
        Just("checks"),
        Just("webhooks"),
        Just("bogus"),
    ];
    proptest::collection::vec((section, table), 0..5).prop_map(|parts| {
        let mut doc = toml::Table::new();
        for (name, table) in parts {
            let Some(toml::Value::Table(t)) = to_toml(&Value::Object(table.into_iter().collect()))
            else {
                continue;
            };
            match name {
                "components" | "checks" | "webhooks" => {
                    let list = doc.entry(name).or_insert(toml::Value::Array(Vec::new()));
                    if let toml::Value::Array(a) = list {
                        a.push(toml::Value::Table(t));
                    }
                }
                _ => {
                    doc.insert(name.to_owned(), toml::Value::Table(t));
                }
            }
        }
        toml::to_string(&doc).unwrap_or_default()
    })
}

fn to_toml(v: &Value) -> Option<toml::Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(a) => toml::Value::Array(a.iter().filter_map(to_toml).collect()),
        Value::Object(o) => toml::Value::Table(
            o.iter()
                .filter_map(|(k, v)| to_toml(v).map(|v| (k.clone(), v)))
                .collect(),
        ),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_toml_is_loaded_or_refused_with_every_problem_at_its_key(text in toml_text()) {
        if let Err(problems) = Config::parse(&text) {
            prop_assert!(!problems.is_empty());
            for p in problems {
                prop_assert!(!p.place.is_empty(), "no place for {:?} in:\n{}", p.message, text);
                prop_assert!(!p.message.is_empty());
            }
        }
    }

    #[test]
    fn any_text_is_loaded_or_refused_without_a_panic(text in "\\PC{0,200}") {
        let _ = Config::parse(&text);
    }
}

/// Checks one admin API answer: never 5xx; a 422 names each bad field.
fn judge(path: &str, body: &Value, status: u16, answer: &Value) -> Result<(), TestCaseError> {
    prop_assert!(status < 500, "{} {} -> {} {}", path, body, status, answer);
    if status == 422 {
        let fields = answer["fields"].as_object().cloned().unwrap_or_default();
        prop_assert!(
            !fields.is_empty(),
            "{} {} -> 422 without fields: {}",
            path,
            body,
            answer
        );
        for (field, message) in fields {
            prop_assert!(!field.is_empty() && message.as_str().is_some_and(|m| !m.is_empty()));
        }
    } else if status >= 400 {
        prop_assert!(
            answer["error"].is_string(),
            "{} {} -> {} {}",
            path,
            body,
            status,
            answer
        );
    }
    Ok(())
}

#[test]
fn any_json_body_to_the_admin_api_writes_is_never_a_5xx_and_422s_name_fields() {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let app = rt.block_on(spawn_app_full(
        API_AND_DB,
        Some(TOKEN),
        Arc::new(SystemClock),
    ));
    let open = json!({"name": "Seed", "status": "investigating", "body": "Seed.",
                      "components": {"api": "major_outage"}});
    let (status, seeded) = rt.block_on(admin_request(&app.base, "POST", "/incidents", open));
    assert_eq!(status, 201, "{seeded}");
    let id = seeded["id"].as_str().unwrap_or_default().to_owned();
    let routes = [
        ("POST", "/incidents".to_owned()),
        ("POST", format!("/incidents/{id}/updates")),
        ("POST", format!("/incidents/{id}/split")),
        ("PUT", format!("/incidents/{id}/postmortem")),
        ("POST", "/maintenances".to_owned()),
        ("POST", "/maintenances/nosuchmaint1/updates".to_owned()),
        ("PATCH", "/components/api".to_owned()),
    ];
    let config = ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let strategy = (proptest::sample::select(routes.to_vec()), json_value());
    let outcome = runner.run(&strategy, |((method, path), body)| {
        let (status, answer) = rt.block_on(admin_request(&app.base, method, &path, body.clone()));
        judge(&path, &body, status, &answer)
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
    // Bodies that are not JSON objects at all are refused as a whole.
    for raw in ["", "[", "null", "[1,2]", "\"text\"", "{\"name\":"] {
        let res = rt.block_on(
            app.client
                .post(format!("{}/api/admin/v1/incidents", app.base))
                .bearer_auth(TOKEN)
                .header("content-type", "application/json")
                .body(raw)
                .send(),
        );
        let status = res.map(|r| r.status().as_u16()).unwrap_or(0);
        assert_eq!(status, 400, "{raw:?}");
    }
    app.stop.cancel();
}
