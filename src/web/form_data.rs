//! A submitted HTML form as its name/value pairs (checkboxes repeat a name):
//! the one reader of `application/x-www-form-urlencoded` bodies, for the admin
//! UI and the subscriber pages alike.

use serde_json::{Map, Value};

/// Name/value pairs in the order the browser sent them. Also used to prefill a
/// form, so a re-rendered form shows exactly what was submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    /// Reads an `application/x-www-form-urlencoded` body; None if it is not one.
    /// Line breaks become `\n` (browsers send textareas with `\r\n`).
    pub fn parse(body: &[u8]) -> Option<Self> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
        Some(Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k, v.replace("\r\n", "\n")))
                .collect(),
        ))
    }

    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.0.push((name.to_owned(), value.into()));
        self
    }

    /// The pairs for which `keep(name, value)` holds.
    pub fn filtered(&self, keep: impl Fn(&str, &str) -> bool) -> Self {
        Self(self.0.iter().filter(|(k, v)| keep(k, v)).cloned().collect())
    }

    /// The first value sent under `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value or "" (what an empty field shows).
    pub fn value(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    /// Whether a checkbox was sent (unchecked boxes are not sent at all).
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Whether `value` is among the values sent under `name`.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `(rest, value)` for each name `prefix` + rest, e.g. `components.api`.
    pub fn prefixed<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.0
            .iter()
            .filter_map(move |(k, v)| Some((k.strip_prefix(prefix)?, v.as_str())))
    }

    /// The pairs in the shape of the JSON the same input arrives as, for
    /// [`crate::incidents::input::read`]: each name in `lists` becomes a list of
    /// every value sent under it, each `group.key` of a name in `groups` becomes
    /// `{"group": {"key": value}}`, and any other name gives its first value.
    pub fn to_object(&self, lists: &[&str], groups: &[&str]) -> Map<String, Value> {
        let mut object = Map::new();
        for group in groups {
            let mut members = Map::new();
            for (key, value) in self.prefixed(&format!("{group}.")) {
                members.entry(key).or_insert_with(|| Value::from(value));
            }
            if !members.is_empty() {
                object.insert((*group).to_owned(), Value::Object(members));
            }
        }
        for (name, value) in &self.0 {
            let grouped = name
                .split_once('.')
                .is_some_and(|(group, _)| groups.contains(&group));
            if grouped {
                continue;
            }
            let here = object.entry(name.clone());
            if lists.contains(&name.as_str()) {
                if let Value::Array(items) = here.or_insert_with(|| Value::Array(Vec::new())) {
                    items.push(Value::from(value.as_str()));
                }
            } else {
                here.or_insert_with(|| Value::from(value.as_str()));
            }
        }
        object
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn repeated_names_and_line_breaks_survive_parsing() {
        let f = FormData::parse(b"components=api&components=db&body=a%0D%0Ab&csrf=x").unwrap();
        assert_eq!(f.all("components").collect::<Vec<_>>(), ["api", "db"]);
        assert!(f.has("components", "db") && !f.has("components", "web"));
        assert_eq!(f.value("body"), "a\nb");
        assert_eq!(f.value("missing"), "");
        assert!(!f.checked("notify"));
    }

    #[test]
    fn prefixed_names_give_the_rest_of_the_name() {
        let f = FormData::default()
            .with("components.api", "major_outage")
            .with("name", "x");
        assert_eq!(
            f.prefixed("components.").collect::<Vec<_>>(),
            [("api", "major_outage")]
        );
    }

    #[test]
    fn pairs_take_the_shape_of_json_lists_groups_and_first_values() {
        let f = FormData::parse(b"ids=a&name=x&ids=b&name=y&c.api=down&c.db=up&other.k=v").unwrap();
        assert_eq!(
            Value::Object(f.to_object(&["ids"], &["c"])),
            json!({
                "ids": ["a", "b"], "name": "x",
                "c": {"api": "down", "db": "up"}, "other.k": "v"
            })
        );
        let f = f.filtered(|name, _| !name.starts_with('c'));
        assert_eq!(Value::Object(f.to_object(&[], &[]))["ids"], "a");
    }
}
