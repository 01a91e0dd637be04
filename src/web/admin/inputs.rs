//! Admin forms → the desk's inputs, read by the same reader as the JSON API's
//! bodies ([`input::read`]): a form's fields are first put in the shape of the
//! JSON body. What only a form has is settled on the way: the UI's own fields
//! (the CSRF token, the `_was` copies), checkboxes that are sent only when
//! checked, "" for an unchosen select, and local times. A local time that is
//! malformed or does not exist goes to the desk with the command, which reports
//! it together with its own findings and applies nothing.

use chrono::SecondsFormat;
use chrono_tz::Tz;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::local_time::from_local;
use crate::incidents::input::{
    self, FieldErrors, IncidentInput, MaintenanceInput, MaintenanceUpdateInput, SplitInput,
    UpdateInput,
};
use crate::web::form_data::FormData;

/// The `_was` suffix names a hidden field holding what a prefilled field showed.
pub const WAS: &str = "_was";

/// The group of per-component selects (`components.<id>`).
const COMPONENTS: &str = "components";

pub fn incident(f: &FormData, tz: Tz) -> (IncidentInput, FieldErrors) {
    Submitted::new(f, &[], &[COMPONENTS])
        .checkbox("notify")
        .local_time("expected_resolution_at", tz, Empty::Absent)
        .local_time("next_update_at", tz, Empty::Absent)
        .read()
}

/// A form sends every field, so a field still showing what it was prefilled with
/// keeps the current value (None), an emptied one clears it (""), and anything
/// else sets it. The next update starts empty: each post promises afresh, and
/// empty is the default promise.
pub fn update(f: &FormData, tz: Tz) -> (UpdateInput, FieldErrors) {
    Submitted::new(f, &[], &[COMPONENTS])
        .checkbox("notify")
        .unless_edited("cause")
        .unless_edited("expected_resolution_at")
        .unless_edited("workaround")
        .local_time("expected_resolution_at", tz, Empty::Clears)
        .local_time("next_update_at", tz, Empty::Absent)
        .read()
}

pub fn maintenance(f: &FormData, tz: Tz) -> (MaintenanceInput, FieldErrors) {
    Submitted::new(f, &[COMPONENTS], &[])
        .checkbox("notify")
        .local_time("scheduled_for", tz, Empty::Missing)
        .local_time("scheduled_until", tz, Empty::Missing)
        .read()
}

pub fn maintenance_update(f: &FormData) -> (MaintenanceUpdateInput, FieldErrors) {
    Submitted::new(f, &[], &[]).checkbox("notify").read()
}

/// The split form: the components to move (checkboxes) and a name.
pub fn split(f: &FormData) -> (SplitInput, FieldErrors) {
    Submitted::new(f, &[COMPONENTS], &[]).read()
}

/// A form of text fields only (a postmortem, a component's status).
pub fn read<T: DeserializeOwned + Default>(f: &FormData) -> (T, FieldErrors) {
    Submitted::new(f, &[], &[]).read()
}

/// What an empty (or absent) local time means.
#[derive(Clone, Copy)]
enum Empty {
    /// As if the field had not been sent.
    Absent,
    /// An emptied field clears the value; an absent one keeps it.
    Clears,
    /// The field is required.
    Missing,
}

/// A form's fields in the shape of the JSON body, with what is already wrong.
struct Submitted<'a> {
    form: &'a FormData,
    object: Map<String, Value>,
    problems: FieldErrors,
}

impl<'a> Submitted<'a> {
    /// `lists` repeat their name (checkboxes); `groups` are `group.key` names.
    /// The UI's own fields and unchosen selects ("": not affected, no change)
    /// are left out.
    fn new(form: &'a FormData, lists: &[&str], groups: &[&str]) -> Self {
        let sent = form.filtered(|name, value| {
            let ui = name == "csrf" || name.ends_with(WAS);
            let unchosen = value.is_empty()
                && name
                    .split_once('.')
                    .is_some_and(|(group, _)| groups.contains(&group));
            !ui && !unchosen
        });
        Self {
            form,
            object: sent.to_object(lists, groups),
            problems: FieldErrors::default(),
        }
    }

    /// A checkbox is sent only when checked.
    fn checkbox(mut self, name: &str) -> Self {
        let checked = self.form.checked(name);
        self.object.insert(name.to_owned(), Value::Bool(checked));
        self
    }

    /// Leaves out a prefilled field still showing what it was prefilled with.
    fn unless_edited(mut self, name: &str) -> Self {
        if edited(self.form, name).is_none() {
            self.object.remove(name);
        }
        self
    }

    /// A datetime-local value in the site's zone → RFC 3339, as the API takes it.
    fn local_time(mut self, name: &str, tz: Tz, empty: Empty) -> Self {
        let given = self.object.remove(name);
        let value = given.as_ref().and_then(Value::as_str).unwrap_or("").trim();
        let time = match (value, empty) {
            ("", Empty::Absent) => None,
            ("", Empty::Clears) => given.map(|_| String::new()),
            ("", Empty::Missing) => {
                self.problems.add(name, "missing: pick a date and time");
                None
            }
            (v, _) => match from_local(v, tz) {
                Ok(t) => Some(t.to_rfc3339_opts(SecondsFormat::Secs, true)),
                Err(message) => {
                    self.problems.add(name, message);
                    None
                }
            },
        };
        if let Some(time) = time {
            self.object.insert(name.to_owned(), Value::String(time));
        }
        self
    }

    /// The input, with the form's problems and then the reader's.
    fn read<T: DeserializeOwned + Default>(self) -> (T, FieldErrors) {
        let (input, found) = input::read(self.object);
        let mut problems = self.problems;
        for (field, message) in found.0 {
            problems.add(field, message);
        }
        (input, problems)
    }
}

fn edited<'a>(f: &'a FormData, name: &str) -> Option<&'a str> {
    let now = f.get(name)?;
    let was = f.get(&format!("{name}{WAS}"));
    match was {
        Some(was) if was.trim() == now.trim() => None,
        _ => Some(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> Tz {
        "Europe/Berlin".parse().unwrap()
    }

    #[test]
    fn a_new_incident_reads_local_times_and_skips_unaffected_components() {
        let f = FormData::default()
            .with("name", "API down")
            .with("components.api", "major_outage")
            .with("components.web", "")
            .with("expected_resolution_at", "2026-11-22T15:30");
        let (input, e) = incident(&f, berlin());
        assert!(e.is_empty());
        assert_eq!(input.components, [("api".into(), "major_outage".into())]);
        assert_eq!(
            input.expected_resolution_at.as_deref(),
            Some("2026-11-22T14:30:00Z")
        );
        assert_eq!(input.notify, Some(false));
    }

    #[test]
    fn an_update_keeps_untouched_fields_clears_emptied_ones_and_sets_the_rest() {
        let f = FormData::default()
            .with("cause", "disk full")
            .with("cause_was", "disk full")
            .with("workaround", "")
            .with("workaround_was", "use the mirror")
            .with("expected_resolution_at", "2026-11-22T16:00")
            .with("expected_resolution_at_was", "2026-11-22T15:30")
            .with("notify", "on");
        let (input, e) = update(&f, berlin());
        assert!(e.is_empty());
        assert_eq!(input.cause, None);
        assert_eq!(input.workaround.as_deref(), Some(""));
        assert_eq!(
            input.expected_resolution_at.as_deref(),
            Some("2026-11-22T15:00:00Z")
        );
        assert_eq!(input.notify, Some(true));
    }

    #[test]
    fn the_uis_own_fields_are_left_out_and_any_other_unknown_field_is_named() {
        let f = FormData::default()
            .with("csrf", "token")
            .with("cause_was", "disk full")
            .with("status", "resolved")
            .with("colour", "red");
        let (input, e) = update(&f, berlin());
        assert_eq!(input.status.as_deref(), Some("resolved"));
        assert_eq!(e.get("colour"), Some("unknown field"));
        assert_eq!(e.0.len(), 1, "{e:?}");
    }

    #[test]
    fn a_maintenance_form_reads_its_checkboxes_as_the_list_the_api_takes() {
        let f = FormData::default()
            .with("components", "api")
            .with("components", "db")
            .with("scheduled_until", "2026-11-22T15:30");
        let (input, e) = maintenance(&f, berlin());
        assert_eq!(input.components, ["api", "db"]);
        assert_eq!(
            input.scheduled_until.as_deref(),
            Some("2026-11-22T14:30:00Z")
        );
        assert_eq!(
            e.get("scheduled_for"),
            Some("missing: pick a date and time")
        );
        assert_eq!(input.notify, Some(false));
    }

    #[test]
    fn a_next_update_is_a_local_time_and_left_empty_is_the_default_promise() {
        let f = FormData::default().with("next_update_at", "2026-11-22T15:30");
        let (input, e) = update(&f, berlin());
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            input.next_update_at.as_deref(),
            Some("2026-11-22T14:30:00Z")
        );
        let (input, _) = incident(&f, berlin());
        assert_eq!(
            input.next_update_at.as_deref(),
            Some("2026-11-22T14:30:00Z")
        );
        let empty = FormData::default().with("next_update_at", "");
        assert_eq!(
            update(&empty, berlin()).0.next_update_at,
            None,
            "absent: the default"
        );
        let bad = FormData::default().with("next_update_at", "soon");
        assert!(update(&bad, berlin()).1.get("next_update_at").is_some());
    }

    #[test]
    fn an_eta_left_as_it_was_is_kept_even_when_it_has_passed() {
        let f = FormData::default()
            .with("expected_resolution_at", "2001-01-01T00:00")
            .with("expected_resolution_at_was", "2001-01-01T00:00");
        assert_eq!(update(&f, berlin()).0.expected_resolution_at, None);
    }
}
