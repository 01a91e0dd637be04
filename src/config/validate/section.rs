//! TOML tables → raw structs, reporting unknown keys and type errors by key. A key
//! of the wrong type is reported, dropped, and the table read again, so one bad
//! value neither hides the other keys' problems nor makes them read as missing.

use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use super::Problems;

/// Most type errors one table reports; past that it is read as empty.
const MAX_TYPE_ERRORS: usize = 32;

/// Deserializes one table, reporting each unknown key and each type error at
/// `place.key`.
pub(in crate::config) fn section<T: DeserializeOwned + Default>(
    p: &mut Problems,
    place: &str,
    v: Option<toml::Value>,
) -> T {
    let Some(mut v) = v else { return T::default() };
    let mut unknown: Vec<String> = Vec::new();
    let mut outcome = None;
    for _ in 0..=MAX_TYPE_ERRORS {
        let mut seen = |path: serde_ignored::Path<'_>| {
            let key = path.to_string();
            if !unknown.contains(&key) {
                unknown.push(key);
            }
        };
        let de = serde_ignored::Deserializer::new(v.clone(), &mut seen);
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(value) => {
                outcome = Some(value);
                break;
            }
            Err(e) => {
                let segments: Vec<&Segment> = e.path().iter().collect();
                // A bad element drops its whole array: removing only the element
                // would shift the indices of those after it.
                let keep = segments
                    .iter()
                    .position(|s| matches!(s, Segment::Seq { .. }))
                    .unwrap_or(segments.len());
                let dropped = &segments[..keep];
                p.wrong_type(
                    join(place, &segments),
                    join(place, dropped),
                    e.inner().message(),
                );
                if !remove(&mut v, dropped) {
                    break;
                }
            }
        }
    }
    for key in unknown {
        p.add(format!("{place}.{key}"), "unknown key (check its spelling)");
    }
    outcome.unwrap_or_default()
}

/// An array of tables (`[[checks]]`), each element read on its own so that every
/// element's problems are reported.
pub(in crate::config) fn array<T: DeserializeOwned + Default>(
    p: &mut Problems,
    place: &str,
    v: Option<toml::Value>,
) -> Vec<T> {
    match v {
        None => Vec::new(),
        Some(toml::Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| section(p, &format!("{place}[{i}]"), Some(item)))
            .collect(),
        Some(_) => {
            p.add(
                place,
                format!("must be an array of tables: write each as [[{place}]]"),
            );
            Vec::new()
        }
    }
}

/// `checks[0]` and `timeout` → `checks[0].timeout`; `headers.X`, `expect_status[1]`.
fn join(place: &str, path: &[&Segment]) -> String {
    let mut out = place.to_owned();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Enum { variant } => {
                out.push('.');
                out.push_str(variant);
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

/// Removes the key at `path` (keys only); false when there is nothing to remove
/// (an error about the table itself), which ends the retries.
fn remove(v: &mut toml::Value, path: &[&Segment]) -> bool {
    let Some((Segment::Map { key }, parents)) = path.split_last() else {
        return false;
    };
    let mut here = v;
    for segment in parents {
        let next = match (segment, here) {
            (Segment::Map { key }, toml::Value::Table(t)) => t.get_mut(key.as_str()),
            _ => None,
        };
        let Some(next) = next else { return false };
        here = next;
    }
    match here {
        toml::Value::Table(t) => t.remove(key.as_str()).is_some(),
        _ => false,
    }
}
