//! A submitted form as its name/value pairs (checkboxes repeat a name), and
//! `<input type=datetime-local>` values, which carry no zone: they are read in
//! the site's time zone.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Name/value pairs in the order the browser sent them. Also used to prefill a
/// form, so a re-rendered form shows exactly what was submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
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

    pub fn owned(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
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
}

/// What `<input type=datetime-local>` shows for `at` in the site's zone.
pub fn to_local(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// Reads a datetime-local value (`2026-11-22T15:30`, seconds optional) as a time
/// in `tz`. In the hour a clock falls back, the earlier of the two is meant; a
/// time the clocks skip does not exist and is refused.
pub fn from_local(value: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    let value = value.trim();
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| format!("\"{value}\" is not a date and time like 2026-11-22T15:30"))?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "{value} does not exist in {} (the clocks skip it): pick a time outside the change",
            tz.name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_and_line_breaks_survive_parsing() {
        let f = Fields::parse(b"components=api&components=db&body=a%0D%0Ab&csrf=x").unwrap();
        assert_eq!(f.all("components").collect::<Vec<_>>(), ["api", "db"]);
        assert!(f.has("components", "db") && !f.has("components", "web"));
        assert_eq!(f.value("body"), "a\nb");
        assert_eq!(f.value("missing"), "");
        assert!(!f.checked("notify"));
    }

    #[test]
    fn prefixed_names_give_the_rest_of_the_name() {
        let f = Fields::default()
            .with("components.api", "major_outage")
            .with("name", "x");
        assert_eq!(
            f.prefixed("components.").collect::<Vec<_>>(),
            [("api", "major_outage")]
        );
    }

    #[test]
    fn local_times_are_read_in_the_site_zone() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let t = from_local("2026-11-22T15:30", berlin).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-22T14:30:00+00:00");
        assert_eq!(to_local(t, berlin), "2026-11-22T15:30");
        assert_eq!(
            from_local("2026-07-01T12:00:30", berlin)
                .unwrap()
                .to_rfc3339(),
            "2026-07-01T10:00:30+00:00"
        );
    }

    #[test]
    fn impossible_or_malformed_local_times_are_refused_with_a_reason() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let gap = from_local("2026-03-29T02:30", berlin).unwrap_err();
        assert!(gap.contains("Europe/Berlin"), "{gap}");
        let fold = from_local("2026-10-25T02:30", berlin).unwrap();
        assert_eq!(fold.to_rfc3339(), "2026-10-25T00:30:00+00:00");
        assert!(
            from_local("tomorrow", berlin)
                .unwrap_err()
                .contains("tomorrow")
        );
    }
}
