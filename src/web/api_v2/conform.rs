//! The v2 bodies checked against key sets written by hand from the spec
//! (`tests/fixtures/statuspage/shapes.json`): every key, its JSON type, enum values.

use chrono::DateTime;
use serde_json::Value;

use super::tests::{endpoints, sample};

const SPEC: &str = include_str!("../../../tests/fixtures/statuspage/shapes.json");

fn spec() -> Value {
    serde_json::from_str(SPEC).expect("the fixture is JSON")
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key the spec lists for `kind` is there, with an allowed JSON type.
fn has_shape(spec: &Value, kind: &str, obj: &Value) {
    let keys = spec["objects"][kind].as_object().expect("a known kind");
    for (key, types) in keys {
        let got = obj
            .get(key)
            .unwrap_or_else(|| panic!("{kind} lacks {key:?}: {obj}"));
        let allowed: Vec<&str> = types
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            allowed.contains(&type_of(got)),
            "{kind}.{key} is {got}, wanted {allowed:?}"
        );
        // Timestamps carry an offset (RFC 3339).
        if (key.ends_with("_at") || key.starts_with("scheduled_"))
            && let Some(t) = got.as_str()
        {
            DateTime::parse_from_rfc3339(t).unwrap_or_else(|e| panic!("{kind}.{key} {t:?}: {e}"));
        }
    }
}

fn within(spec: &Value, set: &str, value: &Value) {
    let allowed = spec["enums"][set].as_array().unwrap();
    assert!(
        allowed.contains(value),
        "{value} is not one of {set} {allowed:?}"
    );
}

fn check_component(spec: &Value, c: &Value) {
    let kind = if c["group"] == true {
        "group_component"
    } else {
        "component"
    };
    has_shape(spec, kind, c);
    within(spec, "component_status", &c["status"]);
}

/// An incident or maintenance, its updates and their affected components.
fn check_record(spec: &Value, kind: &str, r: &Value) {
    has_shape(spec, kind, r);
    let (status, impact) = match kind {
        "incident" => ("incident_status", "incident_impact"),
        _ => ("maintenance_status", "maintenance_impact"),
    };
    within(spec, status, &r["status"]);
    within(spec, impact, &r["impact"]);
    r["components"]
        .as_array()
        .unwrap()
        .iter()
        .for_each(|c| check_component(spec, c));
    for u in r["incident_updates"].as_array().unwrap() {
        has_shape(spec, "incident_update", u);
        within(spec, status, &u["status"]);
        assert_eq!(u["incident_id"], r["id"]);
        for a in u["affected_components"].as_array().unwrap() {
            has_shape(spec, "affected_component", a);
            within(spec, "component_status", &a["old_status"]);
            within(spec, "component_status", &a["new_status"]);
        }
    }
}

#[test]
fn every_endpoint_has_every_key_the_spec_lists_with_the_right_types_and_enums() {
    let (spec, all) = (spec(), endpoints(&sample()));
    let listed = spec["endpoints"].as_object().unwrap();
    assert_eq!(all.len(), listed.len(), "one body per documented endpoint");
    for (path, keys) in listed {
        let body = all
            .get(path.as_str())
            .unwrap_or_else(|| panic!("no {path}"));
        has_shape(&spec, "page", &body["page"]);
        for (key, kind) in keys.as_object().unwrap() {
            let value = body
                .get(key)
                .unwrap_or_else(|| panic!("{path} lacks {key}"));
            match kind.as_str().unwrap() {
                "status" => {
                    has_shape(&spec, "status", value);
                    within(&spec, "indicator", &value["indicator"]);
                    within(&spec, "description", &value["description"]);
                }
                "components" => value
                    .as_array()
                    .unwrap()
                    .iter()
                    .for_each(|c| check_component(&spec, c)),
                "incidents" => value
                    .as_array()
                    .unwrap()
                    .iter()
                    .for_each(|r| check_record(&spec, "incident", r)),
                _ => value
                    .as_array()
                    .unwrap()
                    .iter()
                    .for_each(|r| check_record(&spec, "maintenance", r)),
            }
        }
    }
}
