//! The one reader of what engineers send: a JSON object (the admin API's body,
//! or an admin form's fields put in that shape) → a raw input struct, with
//! every unknown key and every value of the wrong type named, as the
//! configuration is read (`serde_ignored` and `serde_path_to_error`). A value of
//! the wrong type is reported, dropped, and the object read again, so one bad
//! value neither hides the others' problems nor loses the fields around it.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use serde_path_to_error::Segment;

use super::FieldErrors;

/// Most type errors one object reports; past that it is read as empty (and the
/// errors already found refuse it).
const MAX_TYPE_ERRORS: usize = 32;

/// Reads `object` into `T`, with what is wrong with it by field name
/// (`components.api`). The fields that could be read are kept, so validation
/// can still report its own findings beside these.
pub fn read<T: DeserializeOwned + Default>(mut object: Map<String, Value>) -> (T, FieldErrors) {
    let mut errors = FieldErrors::default();
    let mut unknown: Vec<String> = Vec::new();
    let mut outcome = None;
    for _ in 0..=MAX_TYPE_ERRORS {
        let mut seen = |path: serde_ignored::Path<'_>| {
            let key = path.to_string();
            if !unknown.contains(&key) {
                unknown.push(key);
            }
        };
        let de = serde_ignored::Deserializer::new(Value::Object(object.clone()), &mut seen);
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(value) => {
                outcome = Some(value);
                break;
            }
            Err(e) => {
                // A bad element stands for its whole list (`components`, not
                // `components[1]`): the list is one field to the sender.
                let keys: Vec<&str> = e
                    .path()
                    .iter()
                    .map_while(|s| match s {
                        Segment::Map { key } => Some(key.as_str()),
                        _ => None,
                    })
                    .collect();
                errors.add(keys.join("."), e.inner().to_string());
                if !remove(&mut object, &keys) {
                    break;
                }
            }
        }
    }
    for key in unknown {
        errors.add(key, "unknown field");
    }
    (outcome.unwrap_or_default(), errors)
}

/// Removes the value at `keys`; false when there is none (which ends the
/// retries).
fn remove(object: &mut Map<String, Value>, keys: &[&str]) -> bool {
    let Some((last, parents)) = keys.split_last() else {
        return false;
    };
    let mut here = object;
    for key in parents {
        match here.get_mut(*key) {
            Some(Value::Object(inner)) => here = inner,
            _ => return false,
        }
    }
    here.remove(*last).is_some()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::incidents::input::{IncidentInput, MaintenanceInput};

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(o) => o,
            _ => unreachable!("a JSON object"),
        }
    }

    #[test]
    fn every_wrong_type_and_unknown_key_is_named_and_the_rest_is_read() {
        let (input, e) = read::<IncidentInput>(object(json!({
            "name": 5, "body": "b", "cause": null, "notify": "yes", "cuase": "typo",
            "components": {"api": "major_outage", "db": 3, "web": null},
        })));
        assert_eq!(e.get("name"), Some("must be a string"));
        assert_eq!(e.get("notify"), Some("must be true or false"));
        assert_eq!(e.get("cuase"), Some("unknown field"));
        for bad in ["components.db", "components.web"] {
            assert_eq!(
                e.get(bad),
                Some("must be a status string like \"major_outage\"")
            );
        }
        assert_eq!(e.0.len(), 5, "{e:?}");
        assert_eq!((input.name, input.notify), (None, None));
        assert_eq!(input.body.as_deref(), Some("b"));
        assert_eq!(input.cause.as_deref(), Some(""), "null clears");
        assert_eq!(input.components, [("api".into(), "major_outage".into())]);
    }

    #[test]
    fn a_list_or_map_of_the_wrong_shape_is_named_as_a_whole() {
        let (input, e) =
            read::<MaintenanceInput>(object(json!({"components": ["api", 5], "name": "m"})));
        assert_eq!(e.get("components"), Some("must be a list of component ids"));
        assert!(input.components.is_empty());
        assert_eq!(input.name.as_deref(), Some("m"));
        let (_, e) = read::<IncidentInput>(object(json!({"components": ["api"]})));
        assert_eq!(
            e.get("components"),
            Some("must be an object of component id → status")
        );
        let (input, e) = read::<MaintenanceInput>(object(json!({"components": null})));
        assert!(e.is_empty() && input.components.is_empty());
    }
}
